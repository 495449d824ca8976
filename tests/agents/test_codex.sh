#!/bin/sh
# tests/agents/test_codex.sh -- end to end with the real Codex CLI (npm
# @openai/codex) pointed at the scripted model server (Responses API), with
# codexrun --hook=codex as its PreToolUse hook on Bash (in $CODEX_HOME's
# hooks.json, run with --dangerously-bypass-hook-trust: a test must not
# write /etc/codex/requirements.toml, the managed place the README gives):
#   - `curl` to the server itself is denied: the server sees no request and
#     the model gets codexpol's reason;
#   - `git status` is allowed ({}), runs, and its output reaches the model.
# (Codex cannot rewrite the command, so it runs in Codex's own sandbox.)
# TAP; skipped when the npm packages cannot be installed.
set -u
# Codex refuses to put its helper programs under /tmp: /var/tmp instead.
T="$(mktemp -d /var/tmp/codexpol-codex.XXXXXX)" || exit 1
trap 'stop_model; rm -rf "$T"' EXIT
. "${top_srcdir:-.}/tests/agents/lib.sh"
export AGENTS_DIR
need_agents
CODEX="$AGENTS_PREFIX/node_modules/.bin/codex"
mkdir -p "$T/home"
make_repo "$T/repo"
AUDIT="$T/audit.jsonl"
cat >"$T/home/hooks.json" <<JSON
{"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command",
  "command": "'$CODEXRUN' --hook=codex --audit='$AUDIT'"}]}]}}
JSON

run_codex() {   # run_codex SCENARIO
	cat >"$T/home/config.toml" <<TOML
model = "gpt-5.1-codex"
model_provider = "scripted"
approval_policy = "never"
sandbox_mode = "danger-full-access"
[model_providers.scripted]
name = "scripted"
base_url = "http://127.0.0.1:$PORT/v1"
wire_api = "responses"
env_key = "SCRIPTED_API_KEY"
TOML
	( cd "$T/repo" && env CODEX_HOME="$T/home" SCRIPTED_API_KEY=test timeout 180 "$CODEX" exec \
		--skip-git-repo-check --dangerously-bypass-hook-trust --json "run it" \
		>"$T/out-$1.txt" 2>"$T/err-$1.txt" </dev/null )
}

echo "1..7"
scenario run_codex curl 'curl -s http://127.0.0.1:{PORT}/curl-probe' "codex exec ran (curl scenario)"
! model_got "$MODEL_LOG" /curl-probe
ok $? "the denied curl never reached the server"
echo "# the model saw: $(printf '%s' "$saw" | head -c 400)"
case "$saw" in *"blocked by PreToolUse hook: codexpol: forbid by rule \"network access\""*"no-network.cpol:"*) r=0 ;; *) r=1 ;; esac
ok $r "the model received codexpol's reason (decision, rule, file:line)"
grep -q '"op":"hook".*"decision":"forbid".*"agent":"codex","tool_use_id":"' "$AUDIT"
ok $? "the hook call is in the audit log with agent and tool_use_id" "$AUDIT"

scenario run_codex git 'git status' "codex exec ran (git status scenario)"
echo "# the model saw: $(printf '%s' "$saw" | tail -c 200 | tr '\n' ' ')"
case "$saw" in *"nothing to commit"*) r=0 ;; *) r=1 ;; esac
ok $r "git status's output reached the model"
grep -q '"op":"hook","argv":\["git status"\].*"decision":"allow".*"agent":"codex"' "$AUDIT"
ok $? "the hook allowed git status" "$AUDIT"
exit $((TAP_FAILS > 0))
