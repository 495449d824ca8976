#!/bin/sh
# tests/oracle/decide.sh -- what each stdlib profile decides for every line
# of the corpora, as `sh -c LINE` through codexrun --explain --json (nothing
# is run). Prints PROFILE<TAB>DECISION<TAB>RULE<TAB>LINE per line and
# profile; RULE "default" means no rule matched, "sandboxed default" that no
# rule matched and the profile runs it confined (or asks when it could not
# see it whole). With tests/oracle/oracle-decide
# built (the same judgement through the library, one process for the whole
# corpus) it uses that; otherwise one codexrun per line.
#
#   decide.sh [--profiles=P1,P2] CORPUS...
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/oracle/lib.sh"

profiles=offline,net-read-only,workspace-write,workspace-net,trusted
corpora=
for a in "$@"; do
	case $a in
	--profiles=*) profiles=${a#--profiles=} ;;
	-*) echo "decide.sh: unknown option $a" >&2; exit 2 ;;
	*) corpora="$corpora $a" ;;
	esac
done
[ -n "$corpora" ] || { echo "decide.sh: no corpus given" >&2; exit 2; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2086
oracle_lines $corpora >"$tmp/lines" || exit 2
# The workspace the commands are judged in: an empty scratch folder.
mkdir "$tmp/ws" && cd "$tmp/ws" || exit 99
fast=$top_builddir/tests/oracle/oracle-decide
for p in $(echo "$profiles" | tr ',' ' '); do
	img=$(oracle_image "$p")
	[ -r "$img" ] || { echo "decide.sh: no image $img (run make)" >&2; exit 2; }
	if [ -x "$fast" ]; then
		"$fast" "$tmp/ws" "$img" <"$tmp/lines" || exit 2
		continue
	fi
	while IFS= read -r line; do
		d=$(oracle_decide "$img" "$line")
		[ -n "$d" ] || d="error	none"
		printf '%s\t%s\t%s\n' "$p" "$d" "$line"
	done <"$tmp/lines"
done
