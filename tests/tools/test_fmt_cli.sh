#!/bin/sh
# tests/tools/test_fmt_cli.sh -- codexpolc --fmt as a command: printing,
# --check (names and status), --in-place (rewrites atomically, keeps the
# mode, follows a symbolic link, leaves formatted files alone), standard
# input, refusing a broken file, and the usage errors.
. "${top_srcdir:-.}/tests/tools/tap.sh"
plan 31
cd "$scratch" || exit 99

cat > messy.cpol <<'EOF'
policy   "messy" ;   # the name
allow  program "ls","cat" ;


rule "git" { when program "git" and arg 1 in ("status","log"); allow; }
EOF
cat > want.cpol <<'EOF'
policy "messy";  # the name
allow program "ls", "cat";

rule "git" {
    when program "git" and arg 1 in ("status", "log");
    allow;
}
EOF
cp want.cpol tidy.cpol
printf 'policy "broken";\nallow program ;\n' > broken.cpol

"$CODEXPOLC" --fmt messy.cpol > out.txt 2> err.txt
rc=$?
check "--fmt prints the canonical form (rc=$rc)" cmp -s out.txt want.cpol
check "--fmt: nothing on stderr" test ! -s err.txt
check "--fmt leaves the file alone" sh -c '! cmp -s messy.cpol want.cpol'
"$CODEXPOLC" --fmt tidy.cpol messy.cpol > out2.txt
check "--fmt with two files prints both" sh -c 'cat want.cpol want.cpol | cmp -s - out2.txt'
"$CODEXPOLC" --fmt - < messy.cpol > out3.txt
check "--fmt - reads standard input" cmp -s out3.txt want.cpol

"$CODEXPOLC" --fmt --check tidy.cpol > out.txt 2>&1
rc=$?
check "--check on a formatted file: status 0 (rc=$rc)" test "$rc" -eq 0
check "--check on a formatted file: silent" test ! -s out.txt
"$CODEXPOLC" --fmt --check tidy.cpol messy.cpol > out.txt 2> err.txt
rc=$?
check "--check with an unformatted file: status 1 (rc=$rc)" test "$rc" -eq 1
check "--check names exactly the unformatted file" test "$(cat out.txt)" = messy.cpol
check "--check changes nothing" sh -c '! cmp -s messy.cpol want.cpol'

cp messy.cpol inplace.cpol
chmod 0640 inplace.cpol
ino_before=$(stat -c %i inplace.cpol)
"$CODEXPOLC" --fmt --in-place inplace.cpol > out.txt 2>&1
rc=$?
check "--in-place: status 0 (rc=$rc)" test "$rc" -eq 0
check "--in-place rewrites the file" cmp -s inplace.cpol want.cpol
check "--in-place keeps the mode (0640)" test "$(stat -c %a inplace.cpol)" = 640
check "--in-place replaced the file (a new inode, by rename)" test "$(stat -c %i inplace.cpol)" != "$ino_before"
check "--in-place left no temporary file" test -z "$(ls -a | grep '\.tmp')"
check "--in-place prints nothing" test ! -s out.txt
touch -d '2001-01-01' tidy.cpol
ino=$(stat -c %i tidy.cpol)
"$CODEXPOLC" --fmt -i tidy.cpol
check "-i leaves a formatted file alone (same inode and time)" \
	test "$(stat -c %i tidy.cpol)" = "$ino" -a "$(stat -c %Y tidy.cpol)" = "$(date -d 2001-01-01 +%s)"

mkdir real
cp messy.cpol real/target.cpol
ln -s real/target.cpol link.cpol
"$CODEXPOLC" --fmt --in-place link.cpol
check "--in-place through a symbolic link keeps the link" test -L link.cpol
check "--in-place through a symbolic link rewrites its target" cmp -s real/target.cpol want.cpol

cp broken.cpol keep.cpol
"$CODEXPOLC" --fmt --in-place keep.cpol > out.txt 2> err.txt
rc=$?
check "a syntax error: status 1 (rc=$rc)" test "$rc" -eq 1
check "a syntax error: file:line:col diagnostic" grep -q '^keep.cpol:2:15: error: ' err.txt
check "a syntax error: the file is untouched" cmp -s keep.cpol broken.cpol
"$CODEXPOLC" --fmt broken.cpol tidy.cpol > out.txt 2> err.txt
rc=$?
check "a broken file among good ones: status 1, the good one printed (rc=$rc)" \
	sh -c "test $rc -eq 1 && cmp -s out.txt tidy.cpol"

"$CODEXPOLC" --fmt missing.cpol > /dev/null 2> err.txt
rc=$?
check "a missing file: status 1 (rc=$rc)" test "$rc" -eq 1 -a -s err.txt

for args in "--check tidy.cpol" "--in-place tidy.cpol" "--fmt --check --in-place tidy.cpol" "--fmt --in-place -" \
	"--fmt --lint tidy.cpol" "--fmt --json tidy.cpol" "--fmt"; do
	# shellcheck disable=SC2086
	"$CODEXPOLC" $args > /dev/null 2>&1 < /dev/null
	rc=$?
	check "usage error for codexpolc $args (rc=$rc)" test "$rc" -eq 2
done
finish
