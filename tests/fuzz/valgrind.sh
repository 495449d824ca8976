#!/bin/sh
# tests/fuzz/valgrind.sh -- valgrind memcheck over the end-to-end suite.
#
# Run from the top of a build WITHOUT sanitizers (valgrind and ASan do not
# mix), after `make check` has built the test programs:
#   ./configure && make -j2 check && sh tests/fuzz/valgrind.sh
# What runs under memcheck (--leak-check=full; definite and indirect leaks
# count as errors):
#   1. every Criterion test program of the tree (tests/*/test_*); Criterion
#      runs each test in a re-executed copy of the program, which
#      --trace-children=yes follows; system programs the tests start
#      (/bin, /usr, /sbin) and the sandboxed probe are not traced;
#   2. codexpolc compiling, linting and dumping every policy seed, and
#      dumping every image seed (tests/fuzz/corpus/{policy,image});
#   3. codexrun --explain (text and --json) on every argv seed with the
#      sketch's image, real runs (allowed, forbidden, refused, not found,
#      killed by a signal, failing) with an audit file, and --audit-tail.
# Logs go to tests/fuzz/work/valgrind/ (one per process). The script prints
# every log whose ERROR SUMMARY is not 0 and exits 1 if there is one.
# Arguments, if any, replace the list of test programs of step 1.
set -u
unset CRITERION_OUTPUTS
# the e2e audit test's 8 writers run codexrun 25 times each, not 1,000
export CPOL_E2E_AUDIT_RUNS=${CPOL_E2E_AUDIT_RUNS:-25}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(pwd)
out=$build/tests/fuzz/work/valgrind
test -x ./codexpolc && test -x ./codexrun ||
	{ echo "valgrind.sh: run it from a build tree after make check" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out/tmp"

# memcheck and its options, as a program (xargs runs it too)
{
	echo '#!/bin/sh'
	echo "exec valgrind --trace-children=yes --trace-children-skip='/bin/*,/usr/*,/sbin/*,*/sbprobe' \\"
	echo "	--leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect \\"
	echo "	--suppressions='$here/valgrind.supp' --num-callers=40 --log-file='$out/vg.%p.log' \"\$@\""
} >"$out/vg"
chmod +x "$out/vg"
vg() { "$out/vg" "$@"; }

# 1. the Criterion suites, one test at a time
if [ $# -gt 0 ]; then
	tests="$*"
else
	tests=$(find tests -name 'test_*' -type f -perm -u+x ! -name '*.*' | sort)
fi
failed=0
# Failures that valgrind itself causes, accepted: a test that measures
# time (memcheck is 20-50x slower), and the tests that need Landlock and
# seccomp to hold a write (valgrind 3.19 answers landlock_* and seccomp
# with ENOSYS, so codexrun runs the command unconfined and says so).
expected="redact::large_inputs_are_fast
confine::python_cannot_write_etc_under_workspace_write
confine::writes_outside_the_workspace_fail_and_create_nothing"
for t in $tests; do
	o=$out/$(basename "$t").out
	top_srcdir=$top top_builddir=$build vg "./$t" -j1 >"$o" 2>&1
	rc=$?
	syn=$(grep -a 'Synthesis:' "$o" | tail -n 1 | sed 's/.*Synthesis: //')
	echo "valgrind: $t: exit $rc, ${syn:-no Criterion synthesis}"
	other=$(grep -a '^\[FAIL\] ' "$o" | sed 's/^\[FAIL\] \(.*\): ([0-9.]*s)$/\1/' | grep -vxF "$expected")
	case $rc:$syn in
	0:Tested:*) ;;
	*:Tested:*Crashing:\ 0*)
		if [ -n "$other" ]; then
			failed=$((failed + 1))
		else
			echo "valgrind:   only the failures valgrind causes (see \$expected): ok"
		fi ;;
	*) failed=$((failed + 1)) ;;
	esac
done

# 2. codexpolc over the seeds
echo "valgrind: codexpolc over tests/fuzz/corpus/policy and image"
for f in "$here"/corpus/policy/*; do
	d=$out/tmp/$(basename "$f")
	mkdir -p "$d/p/common" "$d/inc"
	# the harness's layout: files separated by lines "#@@"
	awk -v d="$d" 'BEGIN { n = 1; split("p/main.cpol p/a.cpol p/common/b.cpol inc/c.cpol", name, " ") }
		/^#@@$/ && n < 4 { n++; next } { print > (d "/" name[n]) }' "$f"
	touch "$d/p/main.cpol"
	(cd "$d" && vg "$build/codexpolc" -I inc -o img.bin p/main.cpol >/dev/null 2>&1
	 vg "$build/codexpolc" --lint -Wall -I inc p/main.cpol >/dev/null 2>&1
	 test -f img.bin && vg "$build/codexpolc" --dump img.bin >/dev/null 2>&1) || :
done
for f in "$here"/corpus/image/*; do
	vg ./codexpolc --dump "$f" >/dev/null 2>&1 || :
done

# 3. codexrun
echo "valgrind: codexrun --explain over tests/fuzz/corpus/argv, and real runs"
./codexpolc -o "$out/sketch.bin" "$top/tests/data/sketch/sketch.cpol" >/dev/null 2>&1
for f in "$here"/corpus/argv/*; do
	xargs -0 -a "$f" "$out/vg" ./codexrun --audit=none -p "$out/sketch.bin" --explain -- >/dev/null 2>&1 || :
	xargs -0 -a "$f" "$out/vg" ./codexrun --audit=none -p "$out/sketch.bin" --explain --json -- >/dev/null 2>&1 || :
done
audit=$out/audit.jsonl
run() { vg ./codexrun --audit="$audit" --session=valgrind "$@" </dev/null >/dev/null 2>&1; }
run --approve=never -- true
run --approve=never -- ls -la /
run --approve=never -- git status
run --approve=never -- rm -rf /nonexistent-valgrind
run --approve=never -- make install
run --approve=always -- sh -c 'exit 3'
run --approve=always -- sh -c 'kill -TERM $$'
run --approve=always -- no-such-command-valgrind
run -p "$out/sketch.bin" --approve=never --explain --json -- bash -lc 'git status && ls > /etc/x'
run --audit-tail
run --audit-tail=3 --json --decision=forbid

# the verdict: no process reports an error. (A process that went on to
# exec an untraced program, e.g. bash, has no ERROR SUMMARY of its own.)
bad=0
n=0
for l in "$out"/vg.*.log; do
	n=$((n + 1))
	if grep -qE 'ERROR SUMMARY: [1-9]|Invalid (read|write|free)|uninitialised|Mismatched free|(definitely|indirectly) lost in|Process terminating with default action of signal (4|6|7|8|11) ' "$l"; then
		bad=$((bad + 1))
		echo "==== $l" >&2
		cat "$l" >&2
	fi
done
warn=$(cat "$out"/vg.*.log | grep -i 'warning' | sed 's/^==[0-9]*== //; s/^--[0-9]*-- //' | sort | uniq -c)
test -z "$warn" || { echo "valgrind's own warnings (not memory errors):"; echo "$warn"; }
if [ "$bad" -ne 0 ]; then
	echo "valgrind: $bad of $n processes reported errors" >&2
	exit 1
fi
if [ "$failed" -ne 0 ]; then
	echo "valgrind: $n processes, 0 memory errors, but $failed test programs failed under valgrind (see above)" >&2
	exit 1
fi
echo "valgrind: $n processes, 0 errors"
