#!/bin/bash
# bench/scaling.sh -- growth with the size of the policy: generated policies
# with 100, 1,000 and 10,000 rules and as many substring patterns
# (bench/gen_policy.py), each compiled with codexpolc (hyperfine: median
# wall time, and the CPU time, which a loaded machine does not inflate)
# and evaluated over the corpus by evalbench --scaling (every image
# measured interleaved, line by line, so that they share the machine's
# load alike).
#
# Two shapes: `spread` (the growth goes to programs the corpus does not run
# and to the patterns: what dispatch and the automaton are for) and `hot`
# (the growth goes to rules on git, make, cargo, ... that every command of
# theirs must evaluate one after the other: the worst case).
#
#   bench/scaling.sh [SIZES...]      (default 100 1000 10000)
set -u
. "$(dirname "$0")/lib.sh"

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000 10000)
dir=$BENCH_OUT/scale
mkdir -p "$dir"
hs=()
[ "${HAVE_HYPERSCAN:-}" = "" ] && hs=(--hyperscan)

echo "== scaling: generated policies of ${sizes[*]} rules and patterns"
printf '%-14s %7s %9s %12s %12s %12s\n' policy rules patterns "compile ms" "compile CPU" "image bytes"
imgs=()
for shape in spread hot; do
	for n in "${sizes[@]}"; do
		src=$dir/$shape-$n.cpol
		img=$dir/$shape-$n.bin
		python3 "$top_srcdir/bench/gen_policy.py" "$n" --shape "$shape" -o "$src" || die "gen_policy.py failed"
		"$CODEXPOLC" -o "$img" "$src" 2>"$dir/$shape-$n.diag" || die "codexpolc $src failed: $(head -3 "$dir/$shape-$n.diag")"
		runs=10
		[ "$n" -ge 10000 ] && runs=5
		json=$dir/compile-$shape-$n.json
		hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$json" \
			-n compile "$CODEXPOLC -o $dir/tmp-$shape-$n.bin $src" >/dev/null 2>&1 || die "hyperfine (compile $src) failed"
		ms=$(hf_field "$json" compile median)
		cpu=$(awk -v u="$(hf_field "$json" compile user)" -v s="$(hf_field "$json" compile system)" 'BEGIN { printf "%.1f", u + s }')
		printf '%-14s %7s %9s %12s %12s %12s\n' "$shape-$n" "$n" "$n" "$ms" "$cpu" "$(stat -c %s "$img")"
		result "compile.$shape-$n.ms" "$ms"
		result "compile.$shape-$n.cpu_ms" "$cpu"
		imgs+=("$img")
	done
done
echo
"$EVALBENCH" --scaling "${hs[@]}" "$CORPUS" "${imgs[@]}" >"$dir/evalbench.txt" || die "evalbench --scaling failed; see $dir/evalbench.txt"
grep -v '^RESULT' "$dir/evalbench.txt" | sed -n '/^image  /,$p'
grep '^RESULT' "$dir/evalbench.txt" | sed 's/^RESULT /RESULT scale./'
first=${sizes[0]}
last=${sizes[${#sizes[@]} - 1]}
for shape in spread hot; do
	a=$(sed -n "s/^RESULT $shape-$first.eval_p50=//p" "$dir/evalbench.txt")
	b=$(sed -n "s/^RESULT $shape-$last.eval_p50=//p" "$dir/evalbench.txt")
	am=$(sed -n "s/^RESULT $shape-$first.eval_mean=//p" "$dir/evalbench.txt")
	bm=$(sed -n "s/^RESULT $shape-$last.eval_mean=//p" "$dir/evalbench.txt")
	echo "$shape: eval at $last / at $first: $(ratio "$b" "$a") (p50), $(ratio "$bm" "$am") (mean); target <= 2"
	result "scale.$shape.growth_p50" "$(ratio "$b" "$a")"
	result "scale.$shape.growth_mean" "$(ratio "$bm" "$am")"
done
