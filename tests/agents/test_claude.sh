#!/bin/sh
# tests/agents/test_claude.sh -- end to end with the real Claude Code CLI
# (npm @anthropic-ai/claude-code) pointed at the scripted model server, with
# codexrun --hook=claude as its PreToolUse hook on Bash:
#   - the model asks for `curl` to the server itself: codexpol denies it, the
#     server sees no request, and the model gets codexpol's reason;
#   - the model asks for `git status` in a repository: the hook allows it and
#     rewrites it to run under codexrun, so it runs inside the sandbox (the
#     audit log shows codexrun's exec and sandbox records), and its output
#     reaches the model.
# TAP; skipped when the npm packages cannot be installed.
set -u
T="$(mktemp -d "${TMPDIR:-/tmp}/codexpol-claude.XXXXXX")" || exit 1
trap 'stop_model; rm -rf "$T"' EXIT
. "${top_srcdir:-.}/tests/agents/lib.sh"
export AGENTS_DIR
need_agents
CLAUDE="$AGENTS_PREFIX/node_modules/.bin/claude"

mkdir -p "$T/config"
make_repo "$T/repo"
AUDIT="$T/audit.jsonl"
# The configuration the README gives, with this build's codexrun.
cat >"$T/config/settings.json" <<JSON
{
  "hooks": {
    "PreToolUse": [
      {"matcher": "Bash",
       "hooks": [{"type": "command",
                  "command": "'$CODEXRUN' --hook=claude --audit='$AUDIT'"}]}
    ]
  }
}
JSON

run_claude() {   # run_claude SCENARIO
	( cd "$T/repo" && env CLAUDE_CONFIG_DIR="$T/config" ANTHROPIC_BASE_URL="http://127.0.0.1:$PORT" \
		ANTHROPIC_API_KEY=sk-ant-test CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_AUTOUPDATER=1 \
		timeout 180 "$CLAUDE" -p "run it" --output-format stream-json --verbose --allowedTools Bash \
		>"$T/out-$1.txt" 2>"$T/err-$1.txt" </dev/null )
}

echo "1..9"

# --- curl: denied, the reason reaches the model --------------------------------
scenario run_claude curl 'curl -s http://127.0.0.1:{PORT}/curl-probe' "claude -p ran (curl scenario)"
! model_got "$MODEL_LOG" /curl-probe
ok $? "the denied curl never reached the server"
echo "# the model saw: $(printf '%s' "$saw" | head -c 400)"
case "$saw" in *"codexpol: forbid by rule \"network access\""*"no-network.cpol:"*) r=0 ;; *) r=1 ;; esac
ok $r "the model received codexpol's reason (decision, rule, file:line)"
grep -q '"op":"hook".*"decision":"forbid".*"agent":"claude","tool_use_id":"toolu_' "$AUDIT"
ok $? "the hook call is in the audit log with agent and tool_use_id" "$AUDIT"

# --- git status: runs inside the sandbox, output reaches the model ---------------
scenario run_claude git 'git status' "claude -p ran (git status scenario)"
echo "# the model saw: $(printf '%s' "$saw" | head -c 400)"
case "$saw" in *"nothing to commit"*) r=0 ;; *) r=1 ;; esac
ok $r "git status's output reached the model"
grep -q '"op":"hook","argv":\["git status"\].*"decision":"allow".*"agent":"claude"' "$AUDIT"
ok $? "the hook allowed git status" "$AUDIT"
grep -q '"op":"exec","argv":\["bash","-c","git status"\].*"decision":"allow"' "$AUDIT"
ok $? "codexrun ran it (the hook rewrote the command)" "$AUDIT"
grep -q '"op":"sandbox","landlock_abi":' "$AUDIT"
ok $? "inside the sandbox (codexrun's sandbox record)" "$AUDIT"

exit $((TAP_FAILS > 0))
