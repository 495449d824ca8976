#!/bin/bash
# bench/run.sh -- everything `make bench` runs, in order, ending with one
# SUMMARY line:
#   1. evalbench on the workspace-write image over the corpus: cpol_eval,
#      cpol_eval_line, the naive baseline, the substring stage alone and
#      Hyperscan (when built in), with the agreement checks
#   2. scaling.sh: 100 / 1,000 / 10,000 rules and patterns
#   3. startup.sh: /bin/true, the floor, codexrun, bwrap (hyperfine)
#   4. concurrency.sh: 8 streams into one audit file
#   5. memory.sh: peak RSS and image sizes
# Every stage's full output is kept in bench/out/ of the build tree.
#
# Environment: top_srcdir, top_builddir (set by make), HAVE_HYPERSCAN (""
# when evalbench has Hyperscan), BENCH_QUICK=1 for a short run (fewer
# rounds and runs; for trying the bench, not for numbers).
set -u
. "$(dirname "$0")/lib.sh"

results=$BENCH_OUT/results.txt
: >"$results"
quick=${BENCH_QUICK:-0}
ev_opts=()
if [ "$quick" = 1 ]; then
	ev_opts=(--rounds 1)
	export BENCH_STARTUP_RUNS=50 BENCH_CONCURRENCY_N=10
fi

# Run a stage: its readable output to the terminal and to OUT/NAME.txt, its
# RESULT lines to the results file.
stage() {
	local name=$1
	shift
	"$@" >"$BENCH_OUT/$name.txt" 2>&1
	local rc=$?
	grep -v '^RESULT ' "$BENCH_OUT/$name.txt"
	grep '^RESULT ' "$BENCH_OUT/$name.txt" | sed 's/^RESULT //' >>"$results"
	echo
	[ $rc -eq 0 ] || echo "bench: stage $name failed (exit $rc); see $BENCH_OUT/$name.txt"
	return $rc
}

get() { sed -n "s/^$1=//p" "$results" | tail -1; }

echo "== codexpol bench -- $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(uname -srm), $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tools: $(hyperfine --version 2>/dev/null || echo 'no hyperfine'), $(bwrap --version 2>/dev/null || echo 'no bwrap'), hyperscan $([ "${HAVE_HYPERSCAN:-}" = "" ] && pkg-config --modversion libhs 2>/dev/null || echo 'not built in')"
echo

ww=$(workspace_image)
hs=()
[ "${HAVE_HYPERSCAN:-}" = "" ] && hs=(--hyperscan)
stage evalbench "$EVALBENCH" --naive "${hs[@]}" "${ev_opts[@]}" --label ww "$ww" "$CORPUS"
ev_rc=$?
if [ "$quick" = 1 ]; then
	stage scaling "$top_srcdir/bench/scaling.sh" 100 1000
else
	stage scaling "$top_srcdir/bench/scaling.sh" 100 1000 10000
fi
stage startup "$top_srcdir/bench/startup.sh"
stage proxy "$top_srcdir/bench/proxy.sh"
stage concurrency "$top_srcdir/bench/concurrency.sh"
stage memory "$top_srcdir/bench/memory.sh" "$BENCH_OUT/scale"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# ---- targets ----
p50=$(get ww.eval_p50)
naive=$(get ww.eval_vs_naive)
sub=$(get ww.substr_vs_hyperscan)
[ -n "$sub" ] || sub=na
sub_mean=$(get ww.substr_vs_hyperscan_mean)
sf=$(get startup.codexrun_vs_floor)
bw=$(get startup.bwrap_vs_codexrun)
c10k=$(get compile.spread-10000.ms)
c10k_cpu=$(get compile.spread-10000.cpu_ms)
growth=$(get scale.spread.growth_p50)
growth_hot=$(get scale.hot.growth_p50)
[ -n "$c10k" ] || c10k=na
[ -n "$growth" ] || growth=na

verdict() { # value op limit
	awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
		if (v == "na" || v == "") { print "n/a"; exit }
		ok = (op == "<=") ? (v + 0 <= l + 0) : (v + 0 >= l + 0)
		print ok ? "met" : "MISSED" }'
}
echo "== targets"
printf '%-52s %-12s %-10s %s\n' target measured limit verdict
printf '%-52s %-12s %-10s %s\n' "evaluation median per argv, workspace-write (ns)" "$p50" "<= 250" "$(verdict "$p50" '<=' 250)"
printf '%-52s %-12s %-10s %s\n' "naive / VM (p50; higher is better)" "$naive" "-" "(reported)"
printf '%-52s %-12s %-10s %s\n' "substring stage / Hyperscan (p50)" "$sub" "<= 1.0" "$(verdict "$sub" '<=' 1.0)"
printf '%-52s %-12s %-10s %s\n' "substring stage / Hyperscan (mean)" "${sub_mean:-na}" "<= 1.0" "$(verdict "${sub_mean:-na}" '<=' 1.0)"
printf '%-52s %-12s %-10s %s\n' "eval at 10,000 / at 100 patterns (spread, p50)" "$growth" "<= 2.0" "$(verdict "$growth" '<=' 2.0)"
printf '%-52s %-12s %-10s %s\n' "eval at 10,000 / at 100 rules (hot, p50)" "${growth_hot:-na}" "(worst case)" "$(verdict "${growth_hot:-na}" '<=' 2.0)"
printf '%-52s %-12s %-10s %s\n' "compile 10,000 rules, wall ms (median)" "$c10k" "< 1000" "$(verdict "$c10k" '<=' 999.999)"
printf '%-52s %-12s %-10s %s\n' "compile 10,000 rules, CPU ms (user+sys)" "${c10k_cpu:-na}" "< 1000" "$(verdict "${c10k_cpu:-na}" '<=' 999.999)"
printf '%-52s %-12s %-10s %s\n' "codexrun / floor start-up (medians)" "$sf" "<= 1.2" "$(verdict "$sf" '<=' 1.2)"
printf '%-52s %-12s %-10s %s\n' "bwrap / codexrun start-up (medians)" "$bw" ">= 3" "$(verdict "$bw" '>=' 3)"
printf '%-52s %-12s %-10s %s\n' "concurrency: every audit record there and valid" "$(get concurrency.records_ok)" "yes" ""
printf '%-52s %-12s %-10s %s\n' "agreement VM / eval_line / naive / hyperscan" "$(get ww.agree)" "yes" ""
echo
echo "SUMMARY eval_ns_p50=${p50:-na} eval_vs_naive=${naive:-na} substr_vs_hyperscan=$sub startup_vs_floor=${sf:-na} bwrap_vs_startup=${bw:-na} compile_10k_ms=$c10k scale_spread_p50=$growth scale_hot_p50=${growth_hot:-na}"
[ "$ev_rc" -eq 0 ] && [ "$(get ww.agree)" = yes ]
