#!/bin/sh
# tests/tools/test_preview.sh -- codexpolc --preview: the counts and the top
# rules of one image, the changed decisions between two, --json (checked by
# jq), the corpus format (comments, blank lines, CRLF, odd bytes, standard
# input), --workspace, and the errors.
. "${top_srcdir:-.}/tests/tools/tap.sh"
plan 30
cd "$scratch" || exit 99
if command -v jq > /dev/null 2>&1; then
	have_jq=1
else
	have_jq=0
fi
# jqtest DESCRIPTION FILE EXPR: ok when EXPR is true of the JSON in FILE
jqtest() {
	if [ "$have_jq" = 0 ]; then
		skip "$1 (no jq)"
	elif [ "$(jq -r "$3" "$2" 2> /dev/null)" = true ]; then
		ok "$1"
	else
		fail "$1: $(jq -c . "$2" 2>&1 | head -c 400)"
	fi
}

cat > old.cpol <<'EOF'
policy "old";
sandbox { read "/"; write "$WORKSPACE"; network none; }
default prompt;
allow program "ls", "cat";
forbid program "rm" because "no rm";
intent write program "touch" target operands;
rule "touch inside" { when program "touch" and writes inside sandbox.write; allow; }
rule "writes outside" { when writes outside sandbox.write; forbid because "outside"; }
rule "shell" { when program "sh", "bash" and arg 1 is "-c"; evaluate script arg 2; }
EOF
sed -e 's/"old"/"new"/' -e 's/allow program "ls", "cat";/allow program "ls";\nforbid program "cat" because "no cat";/' \
	old.cpol > new.cpol
"$CODEXPOLC" -w -o old.bin old.cpol && "$CODEXPOLC" -w -o new.bin new.cpol || { echo "Bail out! cannot compile"; exit 1; }

printf '%s\n' '# commands an agent ran' 'ls -la' '' 'cat README' '   # indented comment' 'rm -rf build' \
	'make' "bash -c 'ls && cat x'" 'touch notes.txt' 'touch /etc/passwd' > corpus.txt
printf 'cat crlf\r\n' >> corpus.txt
printf 'ls "\001\377"\n' >> corpus.txt
# 9 commands (lines 2 4 6 7 8 9 10 11 12): ls, cat, rm, make, bash -c, touch,
# touch /etc, cat crlf, ls with odd bytes

"$CODEXPOLC" --preview old.bin corpus.txt > one.txt 2> err.txt
rc=$?
check "one image: status 0 (rc=$rc)" test "$rc" -eq 0 -a ! -s err.txt
check "one image: 9 commands counted" grep -q '^corpus: *corpus.txt (9 commands)' one.txt
check "one image: allow 6" grep -qE '^allow +6 ' one.txt
check "one image: prompt 1" grep -qE '^prompt +1 ' one.txt
check "one image: forbid 2" grep -qE '^forbid +2 ' one.txt
check "one image: the top rule is the ls/cat rule, 5 times" \
	sh -c "sed -n '/^rules that decided most/{n;p;}' one.txt | grep -qE '^ +5  allow program \"ls\", \"cat\" \\(old.cpol:4:1\\)'"

"$CODEXPOLC" --preview --json old.bin corpus.txt > one.json
jqtest "one image, JSON: counts" one.json \
	'.commands == 9 and .policy.decisions == {"allow":6,"prompt":1,"forbid":2} and .policy.policy == "old"'
jqtest "one image, JSON: rules sorted by count, with sources" one.json \
	'(.rules | map(.count)) == (.rules | map(.count) | sort | reverse) and .rules[0].source == "old.cpol:4:1"'
jqtest "one image, JSON: the image hash" one.json '.policy.image | test("^[0-9a-f]{16}$")'

"$CODEXPOLC" --preview old.bin new.bin corpus.txt > two.txt 2> err.txt
rc=$?
check "two images: status 0 (rc=$rc)" test "$rc" -eq 0 -a ! -s err.txt
check "two images: cat README changed, with its line" \
	grep -q '^corpus.txt:4: allow -> forbid: cat README$' two.txt
check "two images: the old and new rules" \
	sh -c "grep -A2 '^corpus.txt:4:' two.txt | grep -q 'new: forbid rule forbid program \"cat\" (new.cpol:5:1): no cat'"
check "two images: the script changed too" grep -q "^corpus.txt:8: allow -> forbid: bash -c 'ls && cat x'" two.txt
check "two images: the CRLF line, without its CR" grep -q '^corpus.txt:11: allow -> forbid: cat crlf$' two.txt
check "two images: 3 changes, nothing else listed" test "$(grep -c ' -> .*: ' two.txt)" -eq 3
check "two images: the summary" grep -q '^9 commands, 3 with a different decision' two.txt

"$CODEXPOLC" --preview --json old.bin new.bin corpus.txt > two.json
jqtest "two images, JSON: the changes" two.json \
	'[.changed[].line] == [4, 8, 11] and .changed[0].old.decision == "allow" and .changed[0].new.reason == "no cat"'
jqtest "two images, JSON: transitions and counts" two.json \
	'.transitions == [{"from":"allow","to":"forbid","count":3}] and .unchanged == 6 and .new.decisions.forbid == 5'

# every byte of a corpus gives valid JSON
printf 'cat "\001\002\033[31m\377\376 \342\200\256"\n' > odd.txt
"$CODEXPOLC" --preview --json old.bin new.bin odd.txt > odd.json
jqtest "odd bytes: valid JSON, the command escaped" odd.json '.changed[0].command | test("\u001b")'

"$CODEXPOLC" --preview old.bin - < corpus.txt > stdin.txt
sed 1d one.txt > one.rest
sed 1d stdin.txt > stdin.rest
check "the corpus from standard input" cmp -s one.rest stdin.rest

# the ten rules that decided most
{
	echo 'policy "many";'
	for i in 01 02 03 04 05 06 07 08 09 10 11 12; do echo "allow program \"p$i\";"; done
} > many.cpol
"$CODEXPOLC" -w -o many.bin many.cpol
: > many.txt
n=12
for i in 01 02 03 04 05 06 07 08 09 10 11 12; do
	k=0
	while [ $k -lt $n ]; do echo "p$i arg"; k=$((k + 1)); done >> many.txt
	n=$((n - 1))
done
"$CODEXPOLC" --preview many.bin many.txt > many.out
check "top 10 of 12 rules" grep -q '^rules that decided most (top 10 of 12):' many.out
sed -n '/^rules that decided most/,$p' many.out | sed 1d | awk '{ print $1, $4 }' > top.txt
printf '12 "p01"\n11 "p02"\n10 "p03"\n9 "p04"\n8 "p05"\n7 "p06"\n6 "p07"\n5 "p08"\n4 "p09"\n3 "p10"\n' > want.txt
check "the top 10 in order, with their counts" cmp -s top.txt want.txt

# --workspace: the commands are judged as run there
mkdir -p ws other
echo "touch $scratch/ws/a.txt" > ws.txt
(cd other && "$CODEXPOLC" --preview --json ../old.bin ../ws.txt) > ws1.json
(cd other && "$CODEXPOLC" --preview --json --workspace="$scratch/ws" ../old.bin ../ws.txt) > ws2.json
jqtest "without --workspace: writing into ws is outside" ws1.json '.policy.decisions.forbid == 1'
jqtest "with --workspace=ws: it is inside" ws2.json '.policy.decisions.allow == 1 and .rules[0].rule == "touch inside"'

# errors
"$CODEXPOLC" --preview old.bin missing.txt > /dev/null 2> err.txt
rc=$?
check "a missing corpus: status 1 with a message (rc=$rc)" test "$rc" -eq 1 -a -s err.txt
printf 'not an image' > bad.bin
"$CODEXPOLC" --preview bad.bin corpus.txt > /dev/null 2> err.txt
rc=$?
check "a bad image: status 1 with a message (rc=$rc)" sh -c "test $rc -eq 1 && grep -q 'not a policy image' err.txt"
for args in "--preview old.bin" "--preview a b c d" "--json old.bin" "--preview --workspace=/nonexistent old.bin corpus.txt"; do
	# shellcheck disable=SC2086
	"$CODEXPOLC" $args > /dev/null 2>&1
	rc=$?
	case $args in
	*nonexistent*) check "codexpolc $args: status 1 (rc=$rc)" test "$rc" -eq 1 ;;
	*) check "codexpolc $args: usage error (rc=$rc)" test "$rc" -eq 2 ;;
	esac
done
finish
