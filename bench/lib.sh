# bench/lib.sh -- what the bench scripts share (sourced, not run): where the
# source and build trees are, the output folder, and small helpers.
#
# The scripts print a readable report on stdout and, for bench/run.sh to
# collect, lines of the form `RESULT key=value`.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
BENCH_OUT=${BENCH_OUT:-$top_builddir/bench/out}
mkdir -p "$BENCH_OUT"
CODEXPOLC=$top_builddir/codexpolc
CODEXRUN=$top_builddir/codexrun
EVALBENCH=$top_builddir/bench/evalbench
FLOOR=$top_builddir/bench/floor
PEAKRSS=$top_builddir/bench/peakrss
CORPUS=$top_srcdir/bench/corpus.txt

result() { printf 'RESULT %s=%s\n' "$1" "$2"; }

die() { echo "bench: $*" >&2; exit 1; }

have() { command -v "$1" >/dev/null 2>&1; }

# The policy name stored in an image ("" when it cannot be read).
image_name() {
	"$CODEXPOLC" --dump "$1" 2>/dev/null | sed -n 's/^policy: "\(.*\)"$/\1/p'
}

# The workspace-write image: the stdlib's when it is built, else the
# stand-in compiled from bench/policies/. Prints the path.
workspace_image() {
	if [ -f "$top_builddir/stdlib-policies/workspace-write.bin" ]; then
		echo "$top_builddir/stdlib-policies/workspace-write.bin"
		return
	fi
	"$CODEXPOLC" -o "$BENCH_OUT/workspace-write.bin" "$top_srcdir/bench/policies/workspace-write.cpol" ||
		die "cannot compile the workspace-write stand-in"
	echo "$BENCH_OUT/workspace-write.bin"
}

# The offline image: the stdlib's when it is the real one (named
# "offline"), else the stand-in.
offline_image() {
	f=$top_builddir/stdlib-policies/offline.bin
	if [ -f "$f" ] && [ "$(image_name "$f")" = offline ]; then
		echo "$f"
		return
	fi
	"$CODEXPOLC" -o "$BENCH_OUT/offline.bin" "$top_srcdir/bench/policies/offline.cpol" ||
		die "cannot compile the offline stand-in"
	echo "$BENCH_OUT/offline.bin"
}

# Median (field 1) of a hyperfine JSON export, by command name, in ms:
#   hf_field FILE NAME median|min|user|system|mean
hf_field() {
	python3 - "$1" "$2" "$3" <<'EOF'
import json, sys
data = json.load(open(sys.argv[1]))
for r in data["results"]:
    if r["command"] == sys.argv[2]:
        v = r[sys.argv[3]]
        print(f"{v * 1000:.3f}")
        break
else:
    print("na")
EOF
}

# a / b with two decimals, "na" when either is "na" or b is 0.
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "na" || b == "na" || b + 0 == 0) print "na"; else printf "%.2f\n", a / b }'
}
