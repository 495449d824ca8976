#!/bin/sh
# tests/tools/test_run_path.sh -- codexrun drops relative PATH entries ("."
# or an empty entry) before it looks the command up: a look-alike "ls" in
# the working folder is neither judged nor run, the system's ls is, also
# when PATH has nothing but relative entries.
. "${top_srcdir:-.}/tests/tools/tap.sh"
plan 6
cd "$scratch" || exit 99
printf '#!/bin/sh\necho LOOKALIKE\n' > ls
chmod +x ls
out=$(PATH=".:/usr/bin:/bin" "$CODEXRUN" --audit=none --explain -- ls)
case $out in
*"decision: allow"*) ok "PATH=.: the system ls is judged ($out)" ;;
*) fail "PATH=.: the system ls is judged ($out)" ;;
esac
out=$(PATH="/usr/bin:/bin:" "$CODEXRUN" --audit=none --approve=never -- ls 2>&1)
rc=$?
check "PATH=/usr/bin:: the system ls runs (rc=$rc)" test "$rc" -eq 0
out=$(PATH=":/usr/bin:/bin" "$CODEXRUN" --audit=none --approve=never -- ls 2>&1)
rc=$?
check "PATH=:/usr/bin: the system ls runs (rc=$rc)" test "$rc" -eq 0
case $out in *LOOKALIKE*) fail "the look-alike did not run" ;; *) ok "the look-alike did not run" ;; esac
out=$(PATH="." "$CODEXRUN" --audit=none --approve=never -- ls 2>&1)
rc=$?
check "PATH=.: the system folders instead (rc=$rc)" test "$rc" -eq 0
case $out in *LOOKALIKE*) fail "the look-alike did not run" ;; *) ok "the look-alike did not run" ;; esac
finish
