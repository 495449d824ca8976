#!/bin/bash
# bench/memory.sh -- peak resident memory of codexrun (offline image, and the
# 10,000-rule image) and of codexpolc compiling the 10,000-rule policy, and
# the sizes of the images. Peak RSS is the kernel's maximum for the process
# tree (GNU time's "Maximum resident set size"; bench/peakrss when
# /usr/bin/time is missing).
#
#   bench/memory.sh SCALE_DIR     (the folder bench/scaling.sh wrote)
set -u
. "$(dirname "$0")/lib.sh"

scale=${1:-$BENCH_OUT/scale}
offline=$(offline_image)
ww=$(workspace_image)
[ -n "${USER:-}" ] || { USER=$(id -un); export USER; }

# peak KiB of a command (its output discarded)
peak() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f 'peak_rss_kib=%M' "$@" 2>&1 >/dev/null | sed -n 's/^peak_rss_kib=//p' | tail -1
	else
		"$PEAKRSS" "$@" 2>&1 >/dev/null | sed -n 's/^peak_rss_kib=\([0-9]*\).*/\1/p' | tail -1
	fi
}

echo "== memory (peak RSS, $([ -x /usr/bin/time ] && echo "GNU time" || echo "bench/peakrss"))"
a=$BENCH_OUT/memory-audit.jsonl
r1=$(peak "$CODEXRUN" -p "$offline" --audit="$a" -- /bin/true)
printf '%-52s %8s KiB\n' "codexrun -p offline.bin -- /bin/true" "$r1"
result memory.codexrun_offline_kib "$r1"
r0=$(peak /bin/true)
printf '%-52s %8s KiB\n' "/bin/true alone (for scale)" "$r0"
if [ -f "$scale/spread-10000.bin" ]; then
	r2=$(peak "$CODEXRUN" -p "$scale/spread-10000.bin" --audit="$a" -- ls -d /)
	printf '%-52s %8s KiB\n' "codexrun -p spread-10000.bin -- ls -d /" "$r2"
	result memory.codexrun_10k_kib "$r2"
	r3=$(peak "$CODEXPOLC" -o "$BENCH_OUT/memory-10000.bin" "$scale/spread-10000.cpol")
	printf '%-52s %8s KiB\n' "codexpolc on the 10,000-rule policy" "$r3"
	result memory.codexpolc_10k_kib "$r3"
fi
echo
echo "image sizes:"
for f in "$offline" "$ww" "$scale"/spread-100.bin "$scale"/spread-1000.bin "$scale"/spread-10000.bin; do
	[ -f "$f" ] || continue
	sz=$(stat -c %s "$f")
	printf '  %-50s %10s bytes\n' "$(basename "$(dirname "$f")")/$(basename "$f")" "$sz"
	result "memory.image_$(basename "$f" .bin)_bytes" "$sz"
done
