#!/bin/sh
# tests/fuzz/run.sh NAME SECONDS [LIBFUZZER-OPTION]...
#
# Run the harness tests/fuzz/fuzz_NAME (built by `make fuzz`, run from the
# build tree) for SECONDS seconds from its committed seeds and dictionary.
# New inputs go to tests/fuzz/work/NAME, findings to
# tests/fuzz/artifacts/NAME/, the whole log to tests/fuzz/work/NAME.log.
# Exits non-zero on any crash, sanitizer report, leak, timeout (10 s for
# one input) or memory over 2048 MB. Prints executions and coverage.
set -eu
name=$1
secs=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)          # tests/fuzz in the source tree
bin=tests/fuzz/fuzz_$name
case $name in
policy) dict=cpol.dict ;;
image) dict=image.dict ;;
argv|shell) dict=shell.dict ;;
audit) dict=audit.dict ;;
proxy) dict=proxy.dict ;;
*) echo "run.sh: unknown harness $name" >&2; exit 2 ;;
esac
test -x "$bin" || { echo "run.sh: $bin is missing; run make fuzz" >&2; exit 2; }
mkdir -p "tests/fuzz/work/$name" "tests/fuzz/artifacts/$name"
log=tests/fuzz/work/$name.log
echo "fuzz $name: ${secs}s from $here/corpus/$name"
# UBSan reports are fatal (built with -fno-sanitize-recover); print their stack.
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -detect_leaks=1 \
	-print_final_stats=1 -dict="$here/$dict" -artifact_prefix="tests/fuzz/artifacts/$name/" \
	"$@" "tests/fuzz/work/$name" "$here/corpus/$name" >"$log" 2>&1 || {
	rc=$?
	echo "fuzz $name: FAILED (exit $rc); the end of $log:" >&2
	tail -n 60 "$log" >&2
	exit 1
}
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | sed 's/cov: //')
ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n 1 | sed 's/ft: //')
echo "fuzz $name: ok, ${execs:-?} executions, cov ${cov:-?} edges, ft ${ft:-?}"
