#!/bin/sh
# tests/tools/test_run_path.sh -- codexrun judges the program it will run:
# with "." (or an empty entry) in PATH, a look-alike "ls" in the working
# folder is found as ./ls, which no program rule trusts, and so is not
# allowed as the system's ls.
. "${top_srcdir:-.}/tests/tools/tap.sh"
plan 4
cd "$scratch" || exit 99
printf '#!/bin/sh\necho LOOKALIKE\n' > ls
chmod +x ls
out=$(PATH=".:/usr/bin:/bin" "$CODEXRUN" --audit=none --explain -- ls)
case $out in
*"decision: allow"*) fail "PATH=.: the look-alike ls is not allowed ($out)" ;;
*) ok "PATH=.: the look-alike ls is not allowed" ;;
esac
out=$(PATH="/usr/bin:/bin:" "$CODEXRUN" --audit=none --approve=never -- ls 2>&1)
rc=$?
# /usr/bin/ls comes first here: the real one runs
check "PATH=/usr/bin:: the system ls runs (rc=$rc)" test "$rc" -eq 0
out=$(PATH=":/usr/bin:/bin" "$CODEXRUN" --audit=none --approve=never -- ls 2>&1)
rc=$?
check "PATH=:/usr/bin: the look-alike is refused, not run (rc=$rc)" test "$rc" -eq 126
case $out in *LOOKALIKE*) fail "the look-alike did not run" ;; *) ok "the look-alike did not run" ;; esac
finish
