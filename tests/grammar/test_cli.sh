#!/bin/sh
# tests/grammar/test_cli.sh -- codexpolc from the outside, as a pre-commit
# hook or a build uses it: the sketch policy lints clean, diagnostics
# are FILE:LINE:COL: severity: message with the source line and a caret,
# include paths, and the exit status 0 (ok), 1 (policy error) or 2 (usage
# error). Prints TAP. Run by `make check` (top_srcdir and top_builddir come
# from the test environment).
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
C="$top_builddir/codexpolc"
SKETCH="$top_srcdir/tests/data/sketch"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpol-cli.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
out="$tmp/out" err="$tmp/err"

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - $1"
	sed 's/^/# /' "$err" "$out" 2>/dev/null | head -20
}

# expect STATUS DESCRIPTION -- ARGS...: run codexpolc, check its exit status
expect() {
	want=$1 what=$2
	shift 3
	"$C" "$@" >"$out" 2>"$err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$what (exit $want)"; else not_ok "$what: exit $got, not $want"; fi
}
# check DESCRIPTION COMMAND...: a further condition on the last run
check() {
	what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
empty() { ! [ -s "$1" ]; }
has() { grep -q -e "$2" "$1"; }
line() { sed -n "$2p" "$1"; }
is_line() { [ "$(sed -n "$2p" "$1")" = "$3" ]; }

[ -x "$C" ] || { echo "1..0 # SKIP codexpolc is not built"; exit 0; }

# ---- the sketch policy ---------------------------------------------------------
expect 0 "the sketch policy lints clean" -- --lint "$SKETCH/sketch.cpol"
check "  and says nothing" empty "$err"
expect 0 "-Wall adds no warning to it" -- --lint -Wall "$SKETCH/sketch.cpol"
check "  and says nothing" empty "$err"
expect 0 "it compiles" -- -o "$tmp/sketch.bin" "$SKETCH/sketch.cpol"
check "  into the -o file" test -s "$tmp/sketch.bin"
expect 0 "--dump shows the image" -- --dump "$tmp/sketch.bin"
check "  on stdout" test -s "$out"

# without -o the image is written next to the source, .cpol replaced by .bin
mkdir "$tmp/copy"
cp "$SKETCH/sketch.cpol" "$tmp/copy/"
expect 1 "its include is not found when the folder is moved" -- "$tmp/copy/sketch.cpol"
check "  and the error says which" has "$err" "^$tmp/copy/sketch.cpol:2:1: error: cannot open $tmp/copy/common/dangerous.cpol: No such file or directory\$"
expect 0 "-I finds it" -- -I "$SKETCH" "$tmp/copy/sketch.cpol"
check "  and the image is FILE.bin" test -s "$tmp/copy/sketch.bin"
expect 0 "--include=DIR is -I" -- --lint --include="$SKETCH" "$tmp/copy/sketch.cpol"

# ---- diagnostics ----------------------------------------------------------------
cat >"$tmp/bad.cpol" <<'POL'
policy "bad";
allow program "ls";
allow program "cat" "tac";
rule "git" {
    when program "git";
    allow;
    forbid because;
}
test { allow "ls"; }
POL
expect 1 "a policy with errors" -- --lint "$tmp/bad.cpol"
check "  every error, in order" is_line "$err" 1 "$tmp/bad.cpol:3:21: error: unexpected string, expected ';'"
check "  then the source line" is_line "$err" 2 '    allow program "cat" "tac";'
check "  then a caret under the column" is_line "$err" 3 '                        ^'
check "  the second error" is_line "$err" 4 "$tmp/bad.cpol:7:19: error: unexpected ';', expected a string"
check "  and nothing else" test "$(grep -c ': error: ' "$err")" -eq 2

printf 'policy "p";\nset tools = "ls";\nallow program "cat";\ntest { allow "cat"; }\n' >"$tmp/warn.cpol"
expect 0 "warnings alone" -- --lint "$tmp/warn.cpol"
check "  are named" is_line "$err" 1 "$tmp/warn.cpol:2:1: warning: set 'tools' is never used [-Wunused]"
expect 1 "-Werror makes them errors" -- --lint -Werror "$tmp/warn.cpol"
check "  and says so" has "$err" "2:1: error: set 'tools' is never used \[-Wunused\]"
expect 0 "-Wno-NAME turns one off" -- --lint -Wno-unused "$tmp/warn.cpol"
check "  silently" empty "$err"
expect 0 "-w turns them all off" -- --lint -w "$tmp/warn.cpol"
check "  silently" empty "$err"
expect 0 "-Wno-error undoes -Werror" -- --lint -Werror -Wno-error "$tmp/warn.cpol"

expect 1 "--lint of several files: the worst status" -- --lint "$SKETCH/sketch.cpol" "$tmp/bad.cpol" "$tmp/warn.cpol"
check "  with each file's diagnostics" has "$err" "^$tmp/warn.cpol:2:1: warning"
expect 1 "a missing file" -- --lint "$tmp/none.cpol"
check "  is named" has "$err" "^$tmp/none.cpol: error: cannot open $tmp/none.cpol: No such file or directory\$"
expect 1 "compiling a policy with errors" -- -o "$tmp/bad.bin" "$tmp/bad.cpol"
check "  writes no image" test ! -e "$tmp/bad.bin"
printf 'allow program "ls";\ntest { forbid "ls"; }\n' >"$tmp/example.cpol"
expect 1 "a failing example is an error" -- --lint "$tmp/example.cpol"
check "  at the example" has "$err" "^$tmp/example.cpol:2:8: error: example \"ls\" should be forbid but is allow"

# ---- includes on disk -------------------------------------------------------------
mkdir "$tmp/a" "$tmp/b"
printf 'include "../b/y.cpol";\nallow program "x";\n' >"$tmp/a/x.cpol"
printf 'include "../a/x.cpol";\nallow program "y";\n' >"$tmp/b/y.cpol"
printf 'include "a/x.cpol";\n' >"$tmp/cycle.cpol"
expect 1 "an include cycle through other spellings of the same file" -- --lint "$tmp/cycle.cpol"
check "  names the chain" has "$err" "^$tmp/a/../b/y.cpol:1:1: error: include cycle: $tmp/cycle.cpol -> $tmp/a/x.cpol -> $tmp/a/../b/y.cpol -> $tmp/a/../b/../a/x.cpol\$"
printf 'rule "lib" { when program "lib"; allow; }\n' >"$tmp/a/lib.cpol"
ln -s lib.cpol "$tmp/a/link.cpol"
printf 'include "a/lib.cpol";\ninclude "a/link.cpol";\ninclude "b/../a/lib.cpol";\n' >"$tmp/twice.cpol"
expect 0 "the same file through a symlink and '..' is read once" -- --lint "$tmp/twice.cpol"
check "  silently" empty "$err"
expect 0 "-Wduplicate-include says so" -- --lint -Wduplicate-include "$tmp/twice.cpol"
check "  for both" test "$(grep -c 'is already included; skipped \[-Wduplicate-include\]' "$err")" -eq 2

# ---- the prelude ------------------------------------------------------------------------
# A small policy that includes nothing still knows what writes and what
# wraps a command; `prelude none;` and --no-prelude leave that out.
cat >"$tmp/small.cpol" <<'POL'
policy "small";
sandbox { read "/"; write "$WORKSPACE", "/tmp"; network none; }
default allow;
rule "outside" {
    when writes outside sandbox.write;
    forbid because "writes outside the writable roots";
}
forbid program "curl" because "no downloads";
test {
    forbid "touch /etc/x";
    forbid "cp a /usr/bin/x";
    forbid "env curl x";
    forbid "timeout 5 env -i curl x";
    allow "touch x";
    allow "env ls";
}
POL
expect 0 "a small policy knows the stdlib's writers and wrappers" -- -o "$tmp/small.bin" "$tmp/small.cpol"
check "  and says nothing" empty "$err"
expect 0 "  with -Wall too" -- --lint -Wall "$tmp/small.cpol"
check "  silently" empty "$err"
expect 1 "--no-prelude leaves the knowledge out" -- --no-prelude --lint "$tmp/small.cpol"
check "  touch /etc/x is no longer a write" has "$err" 'example "touch /etc/x" should be forbid but is allow (default: no rule matched)'
check "  env curl x is no longer curl" has "$err" 'example "env curl x" should be forbid but is allow'
sed '1a prelude none;' "$tmp/small.cpol" >"$tmp/none.cpol"
expect 1 "so does 'prelude none;'" -- --lint "$tmp/none.cpol"
check "  the same way" has "$err" 'example "cp a /usr/bin/x" should be forbid but is allow'
printf 'policy "p";\nprelude none;\nprelude none;\nallow program "ls";\ntest { allow "ls"; }\n' >"$tmp/twice-none.cpol"
expect 1 "'prelude none;' twice" -- --lint "$tmp/twice-none.cpol"
check "  is an error" has "$err" "^$tmp/twice-none.cpol:3:1: error: 'prelude' is given twice"
printf 'prelude none;\n' >"$tmp/inc-none.cpol"
printf 'policy "p";\ninclude "inc-none.cpol";\nallow program "ls";\ntest { allow "ls"; }\n' >"$tmp/inc-main.cpol"
expect 1 "'prelude none;' in an included file" -- --lint "$tmp/inc-main.cpol"
check "  belongs in the top-level policy" has "$err" "^$tmp/inc-none.cpol:1:1: error: 'prelude' belongs in the top-level policy"
printf 'policy "p";\nprelude all;\n' >"$tmp/bad-prelude.cpol"
expect 1 "'prelude' takes only none" -- --lint "$tmp/bad-prelude.cpol"
# The policy's own names and wrappers take the prelude's place.
cat >"$tmp/own.cpol" <<'POL'
policy "own";
default prompt;
set copy_programs = "mycp";
forbid program copy_programs because "mine";
wrapper program "env";
allow program "ls";
test {
    forbid "mycp a b";
    prompt "cp a b";
    prompt "env -i ls";
    allow "env ls";
}
POL
expect 0 "a policy's set and wrapper of the prelude's names are its own" -- --lint -Werror "$tmp/own.cpol"
check "  silently" empty "$err"
mkdir "$tmp/pre"
printf 'wrapper program "nice";\n' >"$tmp/pre/prelude.cpol"
printf 'policy "p";\ndefault prompt;\nallow program "ls";\ntest { allow "nice ls"; prompt "env ls"; }\n' >"$tmp/mine.cpol"
expect 0 "-I DIR with a prelude.cpol replaces the installed prelude" -- --lint -I "$tmp/pre" "$tmp/mine.cpol"
expect 0 "so does --prelude=FILE" -- --lint --prelude="$tmp/pre/prelude.cpol" "$tmp/mine.cpol"
expect 2 "--prelude of a missing file" -- --lint --prelude="$tmp/pre/none.cpol" "$tmp/mine.cpol"
check "  is named" has "$err" "^codexpolc: cannot use the prelude $tmp/pre/none.cpol: No such file or directory"
cp "$C" "$tmp/pre/codexpolc"
CODEXPOL_DATADIR=$tmp/nowhere "$tmp/pre/codexpolc" --lint "$tmp/small.cpol" >"$out" 2>"$err"
got=$?
if [ "$got" -eq 0 ]; then
	n=$((n + 1))
	echo "ok $n - a codexpolc that finds no prelude # SKIP it found the installed one"
elif [ "$got" -eq 1 ] && has "$err" "codexpolc: the prelude is not installed"; then
	ok "a codexpolc that finds no prelude says how to give one (exit 1)"
else
	not_ok "a codexpolc that finds no prelude: exit $got"
fi

# ---- usage ---------------------------------------------------------------------------
expect 2 "no file" --
expect 2 "an unknown option" -- --frobnicate "$SKETCH/sketch.cpol"
check "  is named" has "$err" "^codexpolc: unknown option '--frobnicate'"
expect 2 "an unknown warning" -- --lint -Wnosuch "$SKETCH/sketch.cpol"
check "  is named" has "$err" "unknown warning '-Wnosuch'"
expect 2 "an option without its argument" -- --lint -I
expect 2 "--lint with --dump" -- --lint --dump "$tmp/sketch.bin"
expect 2 "two policies to compile" -- "$SKETCH/sketch.cpol" "$tmp/warn.cpol"
expect 2 "--dump of two images" -- --dump "$tmp/sketch.bin" "$tmp/sketch.bin"
expect 2 "--dump of nothing" -- --dump
printf 'not an image' >"$tmp/junk.bin"
expect 1 "--dump of a file that is not an image" -- --dump "$tmp/junk.bin"
expect 0 "--help" -- --help
check "  prints the usage on stdout" has "$out" "^Usage: codexpolc"
expect 0 "--version" -- --version
check "  prints it on stdout" has "$out" "^codexpolc (codexpol) "
expect 0 "--list-warnings" -- --list-warnings
for w in shadowed duplicate-pattern overridden unused missing-test profile duplicate-include; do
	check "  lists -W$w" has "$out" "^-W$w "
done

# ---- the manual -----------------------------------------------------------------------
if command -v groff >/dev/null 2>&1; then
	groff -man -ww -z "$top_srcdir/man/cpol.5" >"$out" 2>"$err"
	check "cpol(5) renders without a warning" empty "$err"
else
	n=$((n + 1))
	echo "ok $n - cpol(5) renders without a warning # SKIP groff is not installed"
fi

echo "1..$n"
[ "$failed" -eq 0 ]
