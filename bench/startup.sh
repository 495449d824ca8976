#!/bin/bash
# bench/startup.sh -- what it costs to start a sandboxed command, next to the
# floor and to bubblewrap. One hyperfine invocation runs, each --runs times
# after a warm-up (-N: no shell in between):
#   true        /bin/true alone
#   floor       bench/floor /bin/true: Landlock (read /, write /dev/null) +
#               a libseccomp filter like the product's + no_new_privs +
#               fork/exec/wait -- the least a wrapper can do (see floor.c)
#   floor+mntns the same with codexrun's read-only mount namespace (what it
#               does as root for its protected paths), to price that part
#   codexrun    codexrun -p offline.bin --audit=FILE -- /bin/true: load and
#               verify the image, decide, four audit records (to a file
#               outside the writable roots), full sandbox, exec, wait
#   bwrap       bwrap --ro-bind / / --dev /dev --unshare-net /bin/true, when
#               bubblewrap is installed
# and prints each median and the ratios codexrun/floor and bwrap/codexrun.
# With spawnbench also: codexrun with a `limits` block next to the same
# policy without one (what rlimits and the run's control groups cost).
# Then the same commands again with bench/spawnbench, which interleaves the
# runs (run k of every command before run k+1 of any) and reports the CPU
# time of each process tree: on a shared machine whose load moves, that is
# the steadier comparison, and both are printed.
#
#   bench/startup.sh [RUNS]      (default 300)
set -u
. "$(dirname "$0")/lib.sh"

# The value NAME in the spawnbench output FILE.
spawn_val() { sed -n "s/^RESULT spawn.$2=//p" "$1"; }
# "MEDIANS CPU": the ratios A / B in the spawnbench output FILE.
spawn_ratios() {
	echo "$(ratio "$(spawn_val "$1" "$2_ms")" "$(spawn_val "$1" "$3_ms")")" \
		"$(ratio "$(spawn_val "$1" "$2_cpu_ms")" "$(spawn_val "$1" "$3_cpu_ms")")"
}

runs=${1:-${BENCH_STARTUP_RUNS:-300}}
have hyperfine || { echo "startup: hyperfine is not installed"; result startup.codexrun_vs_floor na; exit 0; }
offline=$(offline_image)
audit=$BENCH_OUT/startup-audit.jsonl
rm -f "$audit"
json=$BENCH_OUT/startup.json
# A login environment has USER; without it codexrun asks NSS for the name.
if [ -z "${USER:-}" ]; then
	USER=$(id -un)
	export USER
	note="USER was unset; set to $USER as in a login environment"
else
	note="USER=$USER"
fi

echo "== start-up: hyperfine, $runs runs each, one invocation"
echo "offline image: $offline (policy \"$(image_name "$offline")\"); audit to $audit; $note"
cmds=(-n true "/bin/true"
      -n floor "$FLOOR /bin/true"
      -n floor+mntns "$FLOOR --mountns /bin/true"
      -n codexrun "$CODEXRUN -p $offline --audit=$audit -- /bin/true")
bw=no
if have bwrap && bwrap --ro-bind / / --dev /dev --unshare-net /bin/true 2>/dev/null; then
	cmds+=(-n bwrap "bwrap --ro-bind / / --dev /dev --unshare-net /bin/true")
	bw=yes
fi
# The check: codexrun really runs /bin/true (allowed by the policy).
"$CODEXRUN" -p "$offline" --audit="$audit" -- /bin/true || die "codexrun -p $offline -- /bin/true fails"
hyperfine -N --style basic --warmup 20 --runs "$runs" --export-json "$json" "${cmds[@]}" >"$BENCH_OUT/startup-hyperfine.txt" 2>&1 ||
	die "hyperfine failed; see $BENCH_OUT/startup-hyperfine.txt"

names=(true floor floor+mntns codexrun)
[ $bw = yes ] && names+=(bwrap)
printf '%-12s %10s %10s %10s %12s %12s\n' command "median ms" "mean ms" "min ms" "user ms" "system ms"
for n in "${names[@]}"; do
	med=$(hf_field "$json" "$n" median)
	printf '%-12s %10s %10s %10s %12s %12s\n' "$n" "$med" "$(hf_field "$json" "$n" mean)" \
		"$(hf_field "$json" "$n" min)" "$(hf_field "$json" "$n" user)" "$(hf_field "$json" "$n" system)"
	result "startup.${n}_ms" "$med"
	result "startup.${n}_min_ms" "$(hf_field "$json" "$n" min)"
done
cr=$(hf_field "$json" codexrun median)
fl=$(hf_field "$json" floor median)
r1=$(ratio "$cr" "$fl")
r1min=$(ratio "$(hf_field "$json" codexrun min)" "$(hf_field "$json" floor min)")
r2=na
r2min=na
if [ $bw = yes ]; then
	r2=$(ratio "$(hf_field "$json" bwrap median)" "$cr")
	r2min=$(ratio "$(hf_field "$json" bwrap min)" "$(hf_field "$json" codexrun min)")
fi
echo "codexrun / floor: $r1 (medians), $r1min (minimums); target <= 1.2"
echo "bwrap / codexrun: $r2 (medians), $r2min (minimums); target >= 3"
records=$(grep -c '"op":"exec"' "$audit" 2>/dev/null || echo 0)
echo "audit records of the runs: $(wc -l <"$audit") lines, $records exec records"

spawn=$top_builddir/bench/spawnbench
if [ -x "$spawn" ]; then
	echo
	echo "interleaved cross-check (bench/spawnbench, $runs runs each, one after the other):"
	sargs=(true=/bin/true ::: floor="$FLOOR" /bin/true ::: floor+mntns="$FLOOR" --mountns /bin/true
	       ::: codexrun="$CODEXRUN" -p "$offline" --audit="$audit" -- /bin/true)
	[ $bw = yes ] && sargs+=(::: bwrap="$(command -v bwrap)" --ro-bind / / --dev /dev --unshare-net /bin/true)
	"$spawn" "$runs" "${sargs[@]}" >"$BENCH_OUT/startup-spawn.txt" || die "spawnbench failed"
	grep -v '^RESULT' "$BENCH_OUT/startup-spawn.txt"
	read -r i1 i1cpu <<<"$(spawn_ratios "$BENCH_OUT/startup-spawn.txt" codexrun floor)"
	i2=na
	i2cpu=na
	[ $bw = yes ] && read -r i2 i2cpu <<<"$(spawn_ratios "$BENCH_OUT/startup-spawn.txt" bwrap codexrun)"
	echo "codexrun / floor: $i1 (medians), $i1cpu (CPU time)"
	echo "bwrap / codexrun: $i2 (medians), $i2cpu (CPU time)"
	sed 's/^RESULT spawn\./RESULT startup.spawn_/' "$BENCH_OUT/startup-spawn.txt" | grep '^RESULT'
	# As root codexrun adds a read-only mount namespace (its protected
	# paths); most agents run as an ordinary user, where it does not: the
	# same pair as user nobody, when we are root and setpriv exists.
	if [ "$(id -u)" = 0 ] && have setpriv; then
		nb=$BENCH_OUT/nobody
		mkdir -p "$nb" && chmod 1777 "$nb"
		rm -f "$nb/audit.jsonl"
		echo "the same as user nobody (no mount namespace):"
		if setpriv --reuid=65534 --regid=65534 --clear-groups env USER=nobody HOME="$nb" \
			"$spawn" "$runs" floor="$FLOOR" /bin/true ::: codexrun="$CODEXRUN" -p "$offline" --audit="$nb/audit.jsonl" -- /bin/true \
			>"$BENCH_OUT/startup-nobody.txt" 2>&1; then
			grep -v '^RESULT' "$BENCH_OUT/startup-nobody.txt"
			read -r n1 n1cpu <<<"$(spawn_ratios "$BENCH_OUT/startup-nobody.txt" codexrun floor)"
			echo "codexrun / floor as nobody: $n1 (medians), $n1cpu (CPU time)"
			result startup.nobody_codexrun_vs_floor "$n1"
			result startup.nobody_codexrun_vs_floor_cpu "$n1cpu"
		else
			echo "(could not run as nobody: $(tail -1 "$BENCH_OUT/startup-nobody.txt"))"
		fi
	fi
	# Resource limits: the same small policy without and with a limits
	# block (rlimits, and as root control groups made for the run and
	# removed after it), interleaved.
	printf 'policy "bench-plain";\nsandbox { read "/"; write "/dev/null"; network none; }\ndefault allow;\n' \
		>"$BENCH_OUT/plain.cpol"
	printf 'policy "bench-limits";\nsandbox { read "/"; write "/dev/null"; network none; }\n%s\ndefault allow;\n' \
		'limits { time 30m; cpu 20m; memory 8G; processes 1024; file-size 8G; open-files 8192; }' \
		>"$BENCH_OUT/limits.cpol"
	if "$CODEXPOLC" -o "$BENCH_OUT/plain.bin" "$BENCH_OUT/plain.cpol" 2>/dev/null &&
		"$CODEXPOLC" -o "$BENCH_OUT/limits.bin" "$BENCH_OUT/limits.cpol" 2>/dev/null; then
		echo "limits next to the plain profile (interleaved, $runs runs each):"
		"$CODEXRUN" -p "$BENCH_OUT/limits.bin" --audit="$audit" -- /bin/true || die "codexrun with limits fails"
		tail -2 "$audit" | sed -n 's/.*"limits":"\([^"]*\)".*/how they are held: \1/p'
		"$spawn" "$runs" plain="$CODEXRUN" -p "$BENCH_OUT/plain.bin" --audit="$audit" -- /bin/true \
			::: limits="$CODEXRUN" -p "$BENCH_OUT/limits.bin" --audit="$audit" -- /bin/true \
			>"$BENCH_OUT/startup-limits.txt" || die "spawnbench failed"
		grep -v '^RESULT' "$BENCH_OUT/startup-limits.txt"
		read -r l1 l1cpu <<<"$(spawn_ratios "$BENCH_OUT/startup-limits.txt" limits plain)"
		echo "limits / plain: $l1 (medians), $l1cpu (CPU time)"
		result startup.limits_ms "$(spawn_val "$BENCH_OUT/startup-limits.txt" limits_ms)"
		result startup.plain_ms "$(spawn_val "$BENCH_OUT/startup-limits.txt" plain_ms)"
		result startup.limits_vs_plain "$l1"
		result startup.limits_vs_plain_cpu "$l1cpu"
	fi
	result startup.interleaved_codexrun_vs_floor "$i1"
	result startup.interleaved_codexrun_vs_floor_cpu "$i1cpu"
	result startup.interleaved_bwrap_vs_codexrun "$i2"
	result startup.interleaved_bwrap_vs_codexrun_cpu "$i2cpu"
fi
result startup.codexrun_vs_floor "$r1"
result startup.codexrun_vs_floor_min "$r1min"
result startup.bwrap_vs_codexrun "$r2"
result startup.bwrap_vs_codexrun_min "$r2min"
