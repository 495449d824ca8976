#!/bin/sh
# tests/tools/test_completion.sh -- the bash completions of codexpolc and
# codexrun (completions/), run in bash the way bash runs them: COMP_WORDS
# and COMP_CWORD set, the function called, COMPREPLY read. Without the
# bash-completion package loaded (the functions must not need it).
. "${top_srcdir:-.}/tests/tools/tap.sh"
plan 24
if ! command -v bash > /dev/null 2>&1; then
	i=0
	while [ $i -lt 24 ]; do skip "bash is not installed"; i=$((i + 1)); done
	finish
fi
cd "$scratch" || exit 99
mkdir xdir
: > x.cpol
: > x.bin
: > x.txt
: > xdir/inner.cpol

# comp FUNCTION WORD...: the sorted completions of the last word
comp() {
	fn=$1
	shift
	bash -c '
		. "$1/completions/codexpolc"
		. "$1/completions/codexrun"
		fn=$2
		shift 2
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		"$fn" 2> /dev/null
		printf "%s\n" "${COMPREPLY[@]}" | sort -u | tr "\n" " "
	' bash "$top_srcdir" "$fn" "$@"
}
# expect DESCRIPTION WANT FUNCTION WORD...
expect() {
	d=$1
	want=$2
	shift 2
	got=$(comp "$@")
	if [ "$got" = "$want" ]; then ok "$d"; else fail "$d: got '$got', want '$want'"; fi
}
# has DESCRIPTION ITEM FUNCTION WORD...: ITEM is among the completions
has() {
	d=$1
	item=$2
	shift 2
	got=$(comp "$@")
	case " $got" in *" $item "*) ok "$d" ;; *) fail "$d: '$item' not in '$got'" ;; esac
}
PC=$CODEXPOLC
RUN=$CODEXRUN

expect "codexpolc: policies and folders" "x.cpol xdir " _codexpolc "$PC" x
expect "codexpolc -o: images and folders" "x.bin xdir " _codexpolc "$PC" -o x
expect "codexpolc --output=: images and folders" "x.bin xdir " _codexpolc "$PC" --output=x
expect "codexpolc -I: folders" "xdir " _codexpolc "$PC" -I x
expect "codexpolc --dump: images" "x.bin xdir " _codexpolc "$PC" --dump x
expect "codexpolc --preview: an image first" "x.bin xdir " _codexpolc "$PC" --preview x
expect "codexpolc --preview IMAGE: then any file" "x.bin x.cpol x.txt xdir " _codexpolc "$PC" --preview x.bin x
expect "codexpolc --fmt -i: policies" "x.cpol xdir " _codexpolc "$PC" --fmt -i x
expect "codexpolc --work: the long option" "--workspace= " _codexpolc "$PC" --work
has "codexpolc --: --fmt is offered" --fmt _codexpolc "$PC" --
has "codexpolc --: --preview is offered" --preview _codexpolc "$PC" --
expect "codexpolc -Wsh: warning names" "-Wshadowed " _codexpolc "$PC" -Wsh
expect "codexpolc -Wno-dup: both duplicate warnings" "-Wno-duplicate-include -Wno-duplicate-pattern " \
	_codexpolc "$PC" -Wno-dup
expect "codexpolc -W un: the name alone" "unused " _codexpolc "$PC" -W un
has "codexpolc -W: -Werror" -Werror _codexpolc "$PC" -W

expect "codexrun --profile: the profile names" "workspace workspace-net workspace-write " _codexrun "$RUN" --profile w
expect "codexrun --profile=: after the =" "net-read-only " _codexrun "$RUN" --profile=n
expect "codexrun -p: images" "x.bin xdir " _codexrun "$RUN" -p x
expect "codexrun --approve=" "always ask " _codexrun "$RUN" --approve=a
expect "codexrun --decision" "forbid " _codexrun "$RUN" --decision f
expect "codexrun --req: the long option" "--require-sandbox " _codexrun "$RUN" --req
has "codexrun: the command after the options" sh _codexrun "$RUN" --profile offline s
has "codexrun: the command after --" sh _codexrun "$RUN" -p x.bin -- s
expect "codexrun: the command's arguments are files" "x.bin x.cpol x.txt xdir " _codexrun "$RUN" -- ls x
finish
