#!/bin/sh
# tests/agents/test_codex_rules.sh -- codexpolc --import-codex against the
# real Codex (npm @openai/codex, `codex execpolicy check`, offline): import
# tests/agents/data/sample.rules, check that what cpol cannot express is
# reported with FILE:LINE, compile the result (which runs the match and
# not_match examples as tests), then ask both Codex and
# `codexrun --explain --format=codex` about every example and about argvs
# built from the patterns' words: the same decision every time, and the
# same JSON when one rule matches. TAP; skipped without npm.
set -u
T="$(mktemp -d "${TMPDIR:-/tmp}/codexpol-rules.XXXXXX")" || exit 1
trap 'rm -rf "$T"' EXIT
. "${top_srcdir:-.}/tests/agents/lib.sh"
need_agents
CODEX="$(find "$AGENTS_PREFIX/node_modules/@openai" -path '*/bin/codex' -type f 2>/dev/null | head -1)"
[ -n "$CODEX" ] || CODEX="$AGENTS_PREFIX/node_modules/.bin/codex"
RULES="$AGENTS_DIR/data/sample.rules"
echo "1..6"

"$top_builddir/codexpolc" --import-codex "$RULES" -o "$T/imported.cpol" 2>"$T/import.err"
[ $? -eq 1 ]
ok $? "the import exits 1: something was not expressible" "$T/import.err"
grep -q "sample.rules:28: not imported: network_rule" "$T/import.err" &&
	grep -q "sample.rules:29: not imported: host_executable" "$T/import.err" &&
	grep -q "^# .*sample.rules:28: not imported: network_rule" "$T/imported.cpol"
ok $? "network_rule and host_executable are reported with file:line, and kept as comments" "$T/import.err"
grep -q 'forbid because "rewrites shared history"' "$T/imported.cpol" &&
	grep -q 'allow "git log -n 1";  # match' "$T/imported.cpol"
ok $? "justifications are reasons, examples are tests" "$T/imported.cpol"
"$top_builddir/codexpolc" -o "$T/imported.bin" "$T/imported.cpol" >"$T/compile.err" 2>&1
ok $? "the imported policy compiles and passes its examples" "$T/compile.err"

# Every example and generated argvs: Codex and codexrun side by side.
python3 - "$RULES" "$CODEX" "$CODEXRUN" "$T/imported.bin" >"$T/diff.out" 2>&1 <<'PY'
import itertools, json, re, shlex, subprocess, sys
rules, codex, codexrun, image = sys.argv[1:5]
text = open(rules).read()
argvs = []
for m in re.finditer(r'(?:not_)?match\s*=\s*(\[.*?\]),?\n', text, re.S):
    for ex in json.loads(m.group(1).replace("'", '"')):
        argvs.append(ex if isinstance(ex, list) else shlex.split(ex))
words = sorted(set(re.findall(r'"([^"\s]+)"', " ".join(re.findall(r'pattern\s*=\s*(\[.*?\]\]?)\s*,', text)))))
progs = ["git", "rm", "npm", "yarn", "ls", "mkwidget", "frobnicate"]
args = words + ["origin", "-x", "file.txt"]
for p in progs:
    argvs.append([p])
    for a in args:
        argvs.append([p, a])
for a, b in itertools.product(["push", "status", "install", "-rf", "build"], ["--force", "-f", "origin", "x"]):
    argvs.append(["git", a, b])
seen, out, same, differ = set(), [], 0, 0
for av in argvs:
    if tuple(av) in seen:
        continue
    seen.add(tuple(av))
    c = json.loads(subprocess.run([codex, "execpolicy", "check", "--rules", rules, "--"] + av,
                                  capture_output=True, text=True).stdout)
    r = json.loads(subprocess.run([codexrun, "-p", image, "--explain", "--format=codex", "--"] + av,
                                  capture_output=True, text=True).stdout)
    agree = c.get("decision") == r.get("decision") and bool(c["matchedRules"]) == bool(r["matchedRules"])
    if agree and len(c["matchedRules"]) == 1:
        agree = c == r
    if agree:
        same += 1
    else:
        differ += 1
        print("DIFFER", av, json.dumps(c), json.dumps(r))
print("compared %d argvs: %d the same, %d different" % (same + differ, same, differ))
sys.exit(1 if differ or same < 50 else 0)
PY
ok $? "codex execpolicy check and codexrun --explain --format=codex agree" "$T/diff.out"
echo "# $(tail -1 "$T/diff.out")"
"$CODEXRUN" -p "$T/imported.bin" --explain --format=codex -- git push --force >"$T/one.json"
[ "$(cat "$T/one.json")" = '{"matchedRules":[{"prefixRuleMatch":{"matchedPrefix":["git","push","--force"],"decision":"forbidden","justification":"rewrites shared history"}}],"decision":"forbidden"}' ]
ok $? "--format=codex prints Codex's JSON shape" "$T/one.json"
exit $((TAP_FAILS > 0))
