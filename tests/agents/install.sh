#!/bin/sh
# tests/agents/install.sh -- install the npm packages the agent tests drive
# (the real Claude Code and Codex CLIs, the MCP TypeScript SDK and a
# third-party MCP server) into one cache folder, once: later runs find them
# there. Used by the tests and by setup.sh.
#
#   tests/agents/install.sh            install what is missing
#   tests/agents/install.sh --prefix   print the folder and exit
#
# The folder is $CODEXPOL_AGENTS_CACHE, default /var/tmp/codexpol-agents.
# Exit status: 0 installed (or already there); 1 npm is missing or the
# install failed (the log is in the folder, its tail on stderr).
set -u
PREFIX="${CODEXPOL_AGENTS_CACHE:-/var/tmp/codexpol-agents}"
# Pinned: the versions the tests were written against.
PACKAGES="@anthropic-ai/claude-code@2.1.197 @openai/codex@0.171.0 @modelcontextprotocol/sdk@1 @modelcontextprotocol/server-everything"
if [ "${1:-}" = "--prefix" ]; then
	echo "$PREFIX"
	exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "install.sh: npm is not installed" >&2; exit 1; }
mkdir -p "$PREFIX" || exit 1
have() {
	[ -x "$PREFIX/node_modules/.bin/claude" ] && [ -x "$PREFIX/node_modules/.bin/codex" ] &&
		[ -f "$PREFIX/node_modules/@modelcontextprotocol/sdk/package.json" ] &&
		[ -f "$PREFIX/node_modules/@modelcontextprotocol/server-everything/package.json" ]
}
# Two test suites may run at once (other build trees): one installs, the
# other waits for it.
exec 9>"$PREFIX/.lock"
flock 9
have && exit 0
if ! npm install --prefix "$PREFIX" --no-audit --no-fund --loglevel=error $PACKAGES >"$PREFIX/install.log" 2>&1; then
	echo "install.sh: npm install failed; the end of $PREFIX/install.log:" >&2
	tail -5 "$PREFIX/install.log" >&2
	exit 1
fi
have
