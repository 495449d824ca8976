# tests/tools/tap.sh -- sourced by the shell tests of tests/tools: TAP
# output (ok / not ok / skip) and the paths of the build, for automake's
# TAP driver. Each test calls plan N first, then ok/fail, and finish last.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
CODEXPOLC=${CODEXPOLC:-$top_builddir/codexpolc}
CODEXRUN=${CODEXRUN:-$top_builddir/codexrun}
tap_n=0
tap_failed=0
plan() { echo "1..$1"; }
ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
fail() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n # SKIP $*"; }
# check DESCRIPTION COMMAND...: ok when the command succeeds
check() { d=$1; shift; if "$@"; then ok "$d"; else fail "$d"; fi; }
# diag: a comment line for the log
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
finish() { exit 0; }
scratch=$(mktemp -d "${TMPDIR:-/tmp}/cpoltools.XXXXXX") || exit 99
trap 'rm -rf "$scratch"' EXIT
