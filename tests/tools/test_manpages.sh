#!/bin/sh
# tests/tools/test_manpages.sh -- the manual pages against the programs and
# the code they describe:
#   - every option of `--help` is in the page's OPTIONS section, and every
#     option there is in --help (codexpolc, codexrun); every long option the
#     program accepts (its getopt table) is in --help;
#   - the pages render without a warning (groff -ww) and through man -l;
#   - what the code reads or writes is documented: every getenv() of
#     codexrun's sources, the audit record fields, the token prefixes of the
#     redaction table and the scrubbed environment variables, the warning
#     names, the exit statuses;
#   - the example program of libcodexpol(3) compiles and links against the
#     library in the build tree.
. "${top_srcdir:-.}/tests/tools/tap.sh"
plan 29

man1=$top_srcdir/man

# Options in a text: long ones and one-letter ones (not -Wname or -x in a
# word). Output: one per line, sorted.
options() {
	grep -oE -- '--[a-z][a-z-]*|(^|[][ ,(|])-[A-Za-z]([] ,=|]|$)' |
		sed -E 's/^[][ ,(|]//; s/[] ,=|]$//' | sort -u
}

# The OPTIONS section of a page, without roff escapes.
man_options() {
	sed -n '/^\.SH OPTIONS/,/^\.SH [^O]/p' "$1" | sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\c//g' \
		-e 's/\\&//g' | options
}

# The option tags of a page (the line after each .TP in OPTIONS).
man_tags() {
	sed -n '/^\.SH OPTIONS/,/^\.SH [^O]/p' "$1" | awk '/^\.TP/ { getline; print }' |
		sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\c//g' -e 's/\\&//g' | options
}

# Long options of a program's getopt table.
getopt_longs() {
	grep -oE '\{ "[a-z][a-z-]*", (no|required|optional)_argument' "$@" | sed -E 's/\{ "([^"]*)".*/--\1/' | sort -u
}

for prog in codexpolc codexrun; do
	bin=$top_builddir/$prog
	page=$man1/$prog.1
	"$bin" --help > "$scratch/$prog.help" 2>&1
	options < "$scratch/$prog.help" > "$scratch/$prog.hopts"
	man_options "$page" > "$scratch/$prog.mopts"
	man_tags "$page" > "$scratch/$prog.mtags"
	missing=$(comm -23 "$scratch/$prog.hopts" "$scratch/$prog.mtags" | tr '\n' ' ')
	check "$prog: every --help option has its entry in $prog.1 (missing: $missing)" test -z "$missing"
	extra=$(comm -13 "$scratch/$prog.hopts" "$scratch/$prog.mopts" | tr '\n' ' ')
	check "$prog: every option of $prog.1 is in --help (extra: $extra)" test -z "$extra"
	n=$(wc -l < "$scratch/$prog.hopts")
	check "$prog: --help lists options ($n)" test "$n" -ge 10
	getopt_longs "$top_srcdir/cli/$prog.c" > "$scratch/$prog.gopts"
	undoc=$(comm -23 "$scratch/$prog.gopts" "$scratch/$prog.hopts" | tr '\n' ' ')
	check "$prog: every long option it accepts is in --help (not: $undoc)" test -z "$undoc"
done

# Rendering.
for page in "$man1/codexpolc.1" "$man1/codexrun.1" "$man1/libcodexpol.3"; do
	name=$(basename "$page")
	out=$(groff -t -man -ww -z "$page" 2>&1; groff -man -ww -z "$page" 2>&1)
	check "$name: groff -man -ww -z prints nothing ($out)" test -z "$out"
	if command -v man > /dev/null 2>&1; then
		err=$(MANWIDTH=80 man -l "$page" 2>&1 > "$scratch/rendered")
		lines=$(wc -l < "$scratch/rendered")
		check "$name: man -l renders it ($lines lines, stderr: $err)" test -z "$err" -a "$lines" -gt 50
	else
		skip "$name: man is not installed"
	fi
done

# The environment codexrun (and what it links) reads.
vars=$(cat "$top_srcdir"/cli/codexrun.c "$top_srcdir"/cli/run*.c "$top_srcdir"/audit/*.c "$top_srcdir"/sandbox/*.c |
	grep -oE 'getenv\("[A-Z_]+"\)' | sed -E 's/getenv\("(.*)"\)/\1/' | sort -u)
envsec=$(sed -n '/^\.SH ENVIRONMENT/,/^\.SH /p' "$man1/codexrun.1")
undoc=
for v in $vars CODEXPOL_AUDIT CODEXPOL_SESSION CODEXPOL_DATADIR XDG_STATE_HOME HOME TMPDIR PATH; do
	printf '%s\n' "$envsec" | grep -q "^\.B $v\$" || undoc="$undoc $v"
done
check "codexrun.1: ENVIRONMENT has every variable read ($(echo $vars)); not:$undoc" test -z "$undoc"

# The audit record fields.
fields=$(grep -oE '"[a-z_]{2,}"' "$top_srcdir/audit/jsonl.c" | tr -d '"' | sort -u)
undoc=
for f in $fields ts truncated; do
	grep -qE "^\.(B|BR) .*\b$f\b" "$man1/codexrun.1" || undoc="$undoc $f"
done
check "codexrun.1: every audit record field is described; not:$undoc" test -z "$undoc"

# The redaction table: token prefixes, and the program-specific options' programs.
plain=$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$man1/codexrun.1")
undoc=
for p in $(grep -oE 'K_TOKEN, *"[^"]+"' "$top_srcdir/audit/redact.c" | sed -E 's/.*"(.*)"/\1/'); do
	printf '%s\n' "$plain" | grep -qF -- "$p" || undoc="$undoc $p"
done
for p in $(grep -oE '^[[:space:]]*\{ "[a-z-]+", *K_PROG_OPT, *"[^"]+", *"[a-z -]+"' "$top_srcdir/audit/redact.c" |
	sed -E 's/.*"([a-z -]+)"$/\1/'); do
	printf '%s\n' "$plain" | grep -qw -- "$p" || undoc="$undoc $p"
done
check "codexrun.1: the redaction table is described; not:$undoc" test -z "$undoc"
check "codexrun.1: names [REDACTED] and [USER]" sh -c 'printf "%s" "$1" | grep -qF "[REDACTED]" && printf "%s" "$1" | grep -qF "[USER]"' - "$plain"

# The scrubbed environment.
undoc=
for v in $(grep -oE '\{ "[A-Z_0-9]+", [01] \}' "$top_srcdir/sandbox/envscrub.c" | sed -E 's/\{ "([^"]*)", ([01]) \}/\1:\2/'); do
	name=${v%:*}
	prefix=${v#*:}
	[ "$prefix" = 1 ] && case $name in *_) name="$name*" ;; *) name="$name*" ;; esac
	printf '%s\n' "$plain" | grep -qF -- "$name" || undoc="$undoc $name"
done
check "codexrun.1: every scrubbed environment variable is listed; not:$undoc" test -z "$undoc"

# Warnings and exit statuses.
undoc=
for w in $("$top_builddir/codexpolc" --list-warnings | awk '{ sub(/^-W/, "", $1); print $1 }'); do
	grep -q "^\.B $(printf '%s' "$w" | sed 's/-/\\\\-/g')\$" "$man1/codexpolc.1" || undoc="$undoc $w"
done
check "codexpolc.1: every warning of --list-warnings is described; not:$undoc" test -z "$undoc"
st=$(sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$man1/codexpolc.1" | grep -cE '^\.B [012]$')
check "codexpolc.1: exit statuses 0, 1, 2" test "$st" -eq 3
st=$(sed -n '/^\.SH EXIT STATUS/,/^\.SH /p' "$man1/codexrun.1" | grep -cE '^\.(B|BI) (125|126|127|128\+)')
check "codexrun.1: exit statuses 125, 126, 127, 128+n" test "$st" -eq 4
for w in 125 126 127; do
	grep -q "RUN_EXIT_[A-Z]* = $w" "$top_srcdir/cli/run.h" || { fail "cli/run.h defines $w"; continue; }
	ok "cli/run.h defines $w"
done

# Every function of the public header: in libcodexpol(3)'s NAME, and a
# `man FUNCTION` page installed for it.
funcs=$(grep -oE '\bcpol_[a-z_]+\(' "$top_srcdir/include/codexpol.h" | tr -d '(' | sort -u)
name=$(sed -n '/^\.SH NAME/,/^\.SH /p' "$man1/libcodexpol.3")
links=$(sed -n '/^libcodexpol_man_links/,/[^\\]$/p' "$top_srcdir/man/Makefile.inc")
undoc=
unlinked=
for f in $funcs; do
	printf '%s\n' "$name" | grep -qw "$f" || undoc="$undoc $f"
	printf '%s\n' "$links" | grep -qw "$f" || unlinked="$unlinked $f"
done
check "libcodexpol.3: NAME lists every function of codexpol.h; not:$undoc" test -z "$undoc"
check "man/Makefile.inc: a man page link for every function; not:$unlinked" test -z "$unlinked"

# The library page's example compiles and links against the built library.
cc=${CC:-cc}
sed -n '/^\.SH EXAMPLES/,/^\.SH /p' "$man1/libcodexpol.3" | sed -n '/^\.EX/,/^\.EE/{/^\.E[XE]/d;p;}' |
	sed -e 's/\\-/-/g' -e 's/\\e/\\/g' | awk '/^\$ /{exit} {print}' > "$scratch/decide.c"
if [ -x "$top_builddir/libtool" ] && [ -f "$top_builddir/libcodexpol.la" ]; then
	# with the flags the library was built with (the sanitizers' runtime)
	# shellcheck disable=SC2086
	if "$top_builddir/libtool" --quiet --mode=link "$cc" ${SAN_CFLAGS:-} -I"$top_srcdir/include" -o "$scratch/decide" \
		"$scratch/decide.c" "$top_builddir/libcodexpol.la" > "$scratch/cc.log" 2>&1; then
		ok "libcodexpol.3: the example program compiles and links"
		"$top_builddir/libtool" --mode=execute "$scratch/decide" "$top_builddir/stdlib-policies/offline.bin" \
			ls -la > "$scratch/decide.out" 2>&1
		rc=$?
		check "libcodexpol.3: the example decides ($(cat "$scratch/decide.out"))" \
			grep -qE '^(allow|prompt|forbid) by rule ' "$scratch/decide.out"
		diag "exit status $rc"
	else
		fail "libcodexpol.3: the example program compiles and links: $(cat "$scratch/cc.log")"
		skip "the example did not build"
	fi
else
	skip "no libtool or libcodexpol.la in the build tree"
	skip "no libtool or libcodexpol.la in the build tree"
fi
finish
