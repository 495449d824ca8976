#!/bin/sh
# tests/oracle/oracle.sh -- the kernel oracle: every corpus command that a
# stdlib profile allows, by a rule or by its sandboxed default (rule
# "sandboxed default"; a plain `default allow`, trusted's, is not run), is
# run in a throwaway copy of a fixture workspace, through codexrun with that
# profile (--approve=never), under strace; the trace must show no attempted
# write outside the profile's writable roots and no network use the profile
# does not grant. A rule that allows a command vouches for everything it
# does; the sandbox holds what the default allows, and the oracle shows how
# often such a command tries more than the sandbox gives.
#
#   oracle.sh [--profiles=P1,P2] [--tap] [--known=FILE] [--decisions=FILE] CORPUS...
#
# --decisions=FILE takes the decisions from FILE (decide.sh's output for
# these corpora) instead of asking codexrun again.
# Prints each violation ("violation: PROFILE: COMMAND: write|net SYSCALL
# WHAT refused|DONE") and one summary line per profile; exits 1 when there
# is a violation. DONE means the kernel let the write happen: the sandbox
# did not stop it either. With --tap it prints TAP instead, one test per run
# command; a (profile, command) listed in FILE (PROFILE<TAB>COMMAND per line)
# is a known violation, reported as TODO. The trusted profile writes
# everywhere: it is never run. Exit 77 (skip) without root, unshare or strace.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/oracle/lib.sh"

profiles=offline,net-read-only,workspace-write,workspace-net
tap=0
known=/dev/null
decisions=
for a in "$@"; do
	case $a in
	--profiles=*) profiles=${a#--profiles=} ;;
	--tap) tap=1 ;;
	--known=*) known=${a#--known=} ;;
	--decisions=*) decisions=${a#--decisions=} ;;
	-*) echo "oracle.sh: unknown option $a" >&2; exit 2 ;;
	esac
done
oracle_isolate "$0" "$@" || {
	[ "$tap" -eq 1 ] && echo "1..0 # SKIP needs root, unshare(1), strace and a build outside /tmp"
	echo "oracle.sh: needs root, unshare(1), strace and a build outside /tmp; nothing run" >&2
	exit 77
}
corpora=
for a in "$@"; do
	case $a in -*) ;; *) corpora="$corpora $a" ;; esac
done
[ -n "$corpora" ] || { echo "oracle.sh: no corpus given" >&2; exit 2; }

scratch=$(oracle_scratch) || exit 99
trap 'oracle_unlimit_pids; rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM
oracle_limit_pids || true
(oracle_fixture "$scratch/fixture") >/dev/null 2>&1 || { echo "oracle.sh: cannot make the fixture" >&2; exit 99; }
if [ -n "$decisions" ]; then
	cp "$decisions" "$scratch/decisions" || exit 2
else
	# shellcheck disable=SC2086
	sh "$oracle_dir/decide.sh" --profiles="$profiles" $corpora >"$scratch/decisions" || exit 2
fi
# A TAP description: one line, no unescaped "#" (a directive otherwise).
tapdesc() { printf '%s' "$1" | tr '\n' ' ' | sed 's/#/\\#/g'; }
total_bad=0
n=0
for p in $(echo "$profiles" | tr ',' ' '); do
	img=$(oracle_image "$p")
	[ -r "$img" ] || { echo "oracle.sh: no image $img (run make)" >&2; exit 2; }
	allowed=0 clean=0 bad=0 timeouts=0
	while IFS='	' read -r dp dec rule line; do
		[ "$dp" = "$p" ] && [ "$dec" = allow ] && [ "$rule" != default ] || continue
		allowed=$((allowed + 1))
		[ "$p" = trusted ] && continue
		found=$(oracle_run "$p" "$img" "$line" "$scratch")
		rc=$?
		if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
			# what it did before the deadline is judged; what it would have
			# done after is not seen
			timeouts=$((timeouts + 1))
			[ "$tap" -eq 1 ] && printf '# timed out: %s: %s\n' "$p" "$(tapdesc "$line")"
			[ "$tap" -eq 1 ] || printf 'timed out: %s: %s\n' "$p" "$line"
		fi
		if [ -z "$found" ]; then
			clean=$((clean + 1))
			n=$((n + 1))
			[ "$tap" -eq 1 ] && printf 'ok %d - %s: %s\n' "$n" "$p" "$(tapdesc "$line")"
			continue
		fi
		bad=$((bad + 1))
		n=$((n + 1))
		what=$(printf '%s\n' "$found" | head -n 3 | tr '\t\n' '  ')
		if [ "$tap" -eq 1 ]; then
			if grep -Fqx -- "$p	$line" "$known"; then
				printf 'not ok %d - %s: %s: %s # TODO known violation\n' "$n" "$p" "$(tapdesc "$line")" "$(tapdesc "$what")"
			else
				printf 'not ok %d - %s: %s: %s\n' "$n" "$p" "$(tapdesc "$line")" "$(tapdesc "$what")"
				total_bad=$((total_bad + 1))
			fi
		else
			printf '%s\n' "$found" | while IFS= read -r f; do
				printf 'violation: %s: %s: %s\n' "$p" "$line" "$(printf '%s' "$f" | tr '\t' ' ')"
			done
			total_bad=$((total_bad + 1))
		fi
	done <"$scratch/decisions"
	if [ "$p" = trusted ]; then
		summary="$p: $allowed rule-allowed, not run (the profile writes everywhere)"
	else
		summary="$p: $allowed rule-allowed, $clean clean, $bad violations ($timeouts timed out)"
	fi
	if [ "$tap" -eq 1 ]; then echo "# $summary"; else echo "$summary"; fi
done
if [ "$tap" -eq 1 ]; then
	echo "1..$n"
	exit 0
fi
[ "$total_bad" -eq 0 ]
