#!/bin/bash
# bench/concurrency.sh -- the "8 agents" case: 8 parallel streams, each
# running N commands through codexrun one after the other, all appending to
# one audit file. Prints the wall time and commands per second, and checks
# that no audit record was lost or torn: every line is one valid JSON
# object, there are exactly 8*N exec records (and 8*N of each other kind),
# and every exec record says allow.
#
#   bench/concurrency.sh [N] [STREAMS]     (default 50 commands, 8 streams)
set -u
. "$(dirname "$0")/lib.sh"

n=${1:-${BENCH_CONCURRENCY_N:-50}}
streams=${2:-8}
offline=$(offline_image)
audit=$BENCH_OUT/concurrent-audit.jsonl
rm -f "$audit"
[ -n "${USER:-}" ] || { USER=$(id -un); export USER; }

echo "== concurrency: $streams streams x $n commands of codexrun -p $(basename "$offline") -- /bin/true, one audit file"
start=$(date +%s%N)
pids=()
for s in $(seq "$streams"); do
	(
		fails=0
		for _ in $(seq "$n"); do
			"$CODEXRUN" -p "$offline" --audit="$audit" --session="stream-$s" -- /bin/true || fails=$((fails + 1))
		done
		exit $((fails > 0))
	) &
	pids+=($!)
done
failed=0
for p in "${pids[@]}"; do
	wait "$p" || failed=$((failed + 1))
done
end=$(date +%s%N)
wall_ms=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", (b - a) / 1e6 }')
total=$((streams * n))
cps=$(awk -v t="$total" -v w="$wall_ms" 'BEGIN { printf "%.0f", t / (w / 1000) }')
echo "wall $wall_ms ms for $total commands: $cps commands/s ($streams streams on $(nproc) CPUs)"

check=$(python3 - "$audit" "$total" "$streams" <<'EOF'
import collections, json, sys
path, total, streams = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ops = collections.Counter()
bad = 0
allow = 0
sessions = collections.Counter()
with open(path, "rb") as f:
    for raw in f:
        try:
            rec = json.loads(raw)
        except ValueError:
            bad += 1
            continue
        if not isinstance(rec, dict):
            bad += 1
            continue
        ops[rec.get("op")] += 1
        if rec.get("op") == "exec":
            allow += rec.get("decision") == "allow"
            sessions[rec.get("session")] += 1
ok = bad == 0 and ops["exec"] == total and allow == total and all(ops[k] == total for k in ("policy_load", "sandbox", "exit")) \
    and len(sessions) == streams and all(v == total // streams for v in sessions.values())
print(f"{'ok' if ok else 'FAIL'} lines={sum(ops.values()) + bad} invalid={bad} exec={ops['exec']} allow={allow} "
      f"policy_load={ops['policy_load']} sandbox={ops['sandbox']} exit={ops['exit']} sessions={len(sessions)}")
EOF
)
echo "audit check: $check (expected exec=$total, each stream $n)"
verdict=${check%% *}
[ "$failed" -eq 0 ] || { echo "concurrency: $failed streams had failing commands"; verdict=FAIL; }
result concurrency.wall_ms "$wall_ms"
result concurrency.commands_per_s "$cps"
result concurrency.records_ok "$([ "$verdict" = ok ] && echo yes || echo no)"
