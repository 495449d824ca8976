#!/bin/sh
# tests/agents/test_mcp.sh -- codexpol-mcp driven by the official MCP
# TypeScript SDK (npm @modelcontextprotocol/sdk) as the client: initialize,
# tools/list with annotations, check and run (policy, sandbox, truncation,
# time limit), bad requests; and a third-party MCP server from npm
# (@modelcontextprotocol/server-everything) run under
# `codexrun --profile net-read-only -- npx ...`, listed and called through
# the SDK. TAP; skipped when the npm packages cannot be installed.
set -u
T="$(mktemp -d "${TMPDIR:-/tmp}/codexpol-mcp.XXXXXX")" || exit 1
trap 'rm -rf "$T"' EXIT
. "${top_srcdir:-.}/tests/agents/lib.sh"
need_agents
command -v node >/dev/null 2>&1 || skip_all "node is not installed"

node "$AGENTS_DIR/mcp_client.mjs" "$AGENTS_PREFIX" codexpol "$top_builddir/codexpol-mcp" \
	--audit="$T/audit.jsonl" >"$T/mcp.tap" 2>"$T/mcp.err"
# The third-party server: its package is in the cache folder, so npx
# finds it there without the network (--no-install).
( cd "$AGENTS_PREFIX" && node "$AGENTS_DIR/mcp_client.mjs" "$AGENTS_PREFIX" thirdparty "$CODEXRUN" \
	--profile net-read-only --approve=always --audit="$T/audit.jsonl" -- \
	npx --no-install mcp-server-everything ) >"$T/third.tap" 2>"$T/third.err"

n=$(grep -c '^\(not \)\?ok ' "$T/mcp.tap" "$T/third.tap" | awk -F: '{ s += $2 } END { print s }')
echo "1..$((n + 3))"
awk '/^(not )?ok / { sub(/ok [0-9]+ - /, "ok " ++i " - codexpol-mcp: ") } { print }' "$T/mcp.tap" >"$T/all.tap"
i=$(grep -c '^\(not \)\?ok ' "$T/all.tap")
awk -v i="$i" '/^(not )?ok / { sub(/ok [0-9]+ - /, "ok " ++i " - third-party: ") } { print }' "$T/third.tap" >>"$T/all.tap"
cat "$T/all.tap"
TAP_N=$n
TAP_FAILS=$(grep -c '^not ok' "$T/all.tap")
[ "$(grep -c '^ok' "$T/mcp.tap")" -ge 16 ]
ok $? "the SDK client ran all its codexpol-mcp checks" "$T/mcp.err"
[ "$(grep -c '^ok' "$T/third.tap")" -ge 3 ]
ok $? "the SDK client ran all its third-party checks" "$T/third.err"
grep -q '"op":"exec","argv":\["npx","--no-install","mcp-server-everything"\].*"decision":"prompt"' "$T/audit.jsonl" &&
	grep -q '"op":"sandbox","landlock_abi":' "$T/audit.jsonl"
ok $? "the third-party server ran under codexrun, in the sandbox (audit records)" "$T/audit.jsonl"
exit $((TAP_FAILS > 0))
