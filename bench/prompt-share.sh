#!/bin/sh
# bench/prompt-share.sh -- how often the stdlib profiles ask (or refuse)
# for commands that do not need it. Two figures per corpus:
#
#  1. the share of its (distinct) lines each profile decides allow (by a rule
#     or by the default: "default" or "sandboxed default"), prompt and
#     forbid, judged as `sh -c LINE`;
#  2. each line (every Nth with --every=N) run once in a throwaway copy of
#     the oracle's fixture workspace, inside the workspace-write sandbox with
#     no rules (tests/oracle/sandbox-only.cpol), under strace: among the
#     commands that try no write outside the writable roots and no network
#     ("clean"), the share that workspace-write prompts or forbids. Those are
#     the prompts the sandbox makes pointless. Before a line runs, the
#     workspace paths it names are made in its copy (oracle_fixture_paths
#     in tests/oracle/lib.sh), so that it does what it says instead of
#     failing for want of its input; what counts as a write or network use
#     is listed at the top of tests/oracle/trace.awk.
#
# A run is "escapes" when the trace shows such an attempt (whether or not
# the kernel let it through), "timeout" when it was cut at ORACLE_TIMEOUT
# seconds, "missing" when the line's exit status is 127: the shell could not
# find the program it ran last (not installed here; a script the line runs
# by name counts the same, since the fixture never makes a runnable one).
# Timed-out and missing runs are left out of the denominator: they did not
# show what the line does. Everything else is "clean".
#
#   bench/prompt-share.sh [--every=N] [--decisions-only] [--runs=PREFIX] CORPUS...
#
# PROMPT_SHARE_KEEP=PREFIX keeps each corpus's runs in PREFIX.NAME.tsv
# (DECISION<TAB>RULE<TAB>clean|escapes|timeout|missing<TAB>LINE).
# --runs=PREFIX runs nothing: it takes what each line did from such a kept
# file and judges the same lines again with today's profiles (what a line
# does in the sandbox does not depend on the policy), so that a change to
# the stdlib is measured on the very same runs.
#
# Part 2 runs commands (never outside codexrun's sandbox) and so needs what
# the oracle needs: root, unshare(1), strace, a build outside /tmp; without
# them only part 1 is printed. See tests/oracle/lib.sh for the isolation.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/oracle/lib.sh"

every=1
run=1
runs=
corpora=
for a in "$@"; do
	case $a in
	--every=*) every=${a#--every=} ;;
	--decisions-only) run=0 ;;
	--runs=*) runs=${a#--runs=} ;;
	-*) echo "prompt-share.sh: unknown option $a" >&2; exit 2 ;;
	*) corpora="$corpora $a" ;;
	esac
done
[ -n "$corpora" ] || { echo "prompt-share.sh: no corpus given" >&2; exit 2; }
case $every in '' | *[!0-9]* | 0) echo "prompt-share.sh: --every wants a positive number" >&2; exit 2 ;; esac
if [ -n "$runs" ]; then
	run=2
elif [ "$run" -eq 1 ] && ! oracle_isolate "$0" "$@"; then
	echo "prompt-share.sh: cannot run commands here (needs root, unshare, strace, a build outside /tmp): decisions only" >&2
	run=0
fi
profiles=offline,net-read-only,workspace-write,workspace-net,trusted
s=$(oracle_scratch) || exit 99
trap 'oracle_unlimit_pids; rm -rf "$s"' EXIT
trap 'exit 130' INT TERM
if [ "$run" -eq 1 ]; then
	oracle_limit_pids || true
	(oracle_fixture "$s/fixture") >/dev/null 2>&1 || { echo "prompt-share.sh: cannot make the fixture" >&2; exit 99; }
	"$CODEXPOLC" -o "$s/sandbox-only.bin" "$oracle_dir/sandbox-only.cpol" 2>/dev/null || exit 2
fi

for c in $corpora; do
	name=$(basename "$c")
	oracle_lines "$c" | awk '!seen[$0]++' >"$s/lines"
	sh "$oracle_dir/decide.sh" --profiles=$profiles "$s/lines" >"$s/dec" || exit 2
	total=$(wc -l <"$s/lines")
	echo "== $name: $total distinct lines"
	printf '%-16s %8s %8s %8s %8s %8s\n' profile allow-rule allow-def allow prompt forbid
	awk -F'\t' '
		{ n[$1]++; if ($2 == "allow" && $3 ~ /(^|sandboxed )default$/) ad[$1]++; else if ($2 == "allow") ar[$1]++; else c[$1, $2]++
		  if (!($1 in order)) { order[$1] = ++k; names[k] = $1 } }
		function pct(x, t) { return sprintf("%7.1f%%", t ? 100 * x / t : 0) }
		END { for (i = 1; i <= k; i++) { p = names[i]
			printf "%-16s %8s %8s %8s %8s %8s\n", p, pct(ar[p], n[p]), pct(ad[p], n[p]),
				pct(ar[p] + ad[p], n[p]), pct(c[p, "prompt"], n[p]), pct(c[p, "forbid"], n[p]) } }
	' "$s/dec"
	[ "$run" -ne 0 ] || continue
	# workspace-write's decision for each line, in corpus order
	awk -F'\t' '$1 == "workspace-write" { print $2 "\t" $3 }' "$s/dec" >"$s/ww"
	i=0
	: >"$s/runs"
	if [ "$run" -eq 2 ]; then
		# the kept runs, judged again: today's decision for each kept line
		[ -r "$runs.$name.tsv" ] || { echo "prompt-share.sh: no kept runs $runs.$name.tsv" >&2; exit 2; }
		awk -F'\t' '
			function text(s) { sub(/^[^\t]*\t[^\t]*\t[^\t]*\t/, "", s); return s }
			FNR == NR { if ($1 == "workspace-write") d[text($0)] = $2 "\t" $3; next }
			{ l = text($0); if (l in d) print d[l] "\t" $3 "\t" l
			  else { print "prompt-share.sh: a kept line is not in the corpus: " l | "cat >&2"; bad = 1 } }
			END { exit bad }' "$s/dec" "$runs.$name.tsv" >"$s/runs" || exit 2
	fi
	[ "$run" -eq 2 ] || while IFS= read -r line; do
		i=$((i + 1))
		[ $(((i - 1) % every)) -eq 0 ] || continue
		found=$(oracle_run sandbox-only "$s/sandbox-only.bin" "$line" "$s")
		rc=$?
		# a command cut short has not shown all it does, and one whose
		# program is not installed here (127) did nothing: neither is
		# counted clean or not
		if [ -n "$found" ]; then st=escapes
		elif [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then st=timeout
		elif [ "$rc" -eq 127 ]; then st=missing
		else st=clean; fi
		printf '%s\t%s\t%s\n' "$(sed -n "${i}p" "$s/ww")" "$st" "$line" >>"$s/runs"
	done <"$s/lines"
	awk -F'\t' -v name="$name" -v every="$every" '
		$3 == "timeout" { to++; next }
		$3 == "missing" { mi++; next }
		{ n++; if ($3 == "clean") { cl++; if ($1 != "allow") ask[$1]++; else if ($2 ~ /(^|sandboxed )default$/) dflt++; else rule++ }
		  else if ($1 == "allow" && $2 ~ /(^|sandboxed )default$/) baddef++
		  else if ($1 == "allow") bad++ }
		END {
			printf "run in the workspace-write sandbox: %d lines (every %d), %d clean (no write outside, no network), %d not; left out: %d timed out, %d not installed\n", n + to + mi, every, cl, n - cl, to, mi
			asked = ask["prompt"] + ask["forbid"]
			printf "of the clean ones workspace-write allows %d by a rule, %d by its default, prompts %d, forbids %d\n", rule, dflt, ask["prompt"], ask["forbid"]
			printf "rule-allowed by workspace-write yet not clean: %d\n", bad
			printf "default-allowed (run confined) by workspace-write yet not clean: %d\n", baddef
			printf "PROMPT-SHARE %s: %.2f%% of the commands that keep to the sandbox are prompted or refused by workspace-write (%d of %d)\n", name, cl ? 100 * asked / cl : 0, asked, cl
		}' "$s/runs"
	[ -n "${PROMPT_SHARE_KEEP:-}" ] && cp "$s/runs" "$PROMPT_SHARE_KEEP.$name.tsv"
done
exit 0
