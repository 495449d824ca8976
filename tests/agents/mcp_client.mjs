// tests/agents/mcp_client.mjs -- drive an MCP server over stdio with the
// official TypeScript SDK (@modelcontextprotocol/sdk), printing TAP lines
// (without the plan; test_mcp.sh counts them).
//
//   node mcp_client.mjs SDK-PREFIX codexpol CMD [ARG...]   codexpol-mcp's tools
//   node mcp_client.mjs SDK-PREFIX thirdparty CMD [ARG...] any server: list and call a tool
import { createRequire } from "node:module";

const [prefix, mode, command, ...args] = process.argv.slice(2);
const require = createRequire(prefix + "/node_modules/");
const { Client } = require("@modelcontextprotocol/sdk/client/index.js");
const { StdioClientTransport } = require("@modelcontextprotocol/sdk/client/stdio.js");
const { McpError, LATEST_PROTOCOL_VERSION } = require("@modelcontextprotocol/sdk/types.js");

let n = 0;
function ok(cond, what, diag) {
  n++;
  console.log(`${cond ? "ok" : "not ok"} ${n} - ${what}`);
  if (!cond && diag !== undefined) console.log("# " + JSON.stringify(diag).slice(0, 2000));
}

async function expectError(p, code, what) {
  try {
    const r = await p;
    ok(false, what, r);
  } catch (e) {
    ok(e instanceof McpError && e.code === code, what, { code: e.code, message: e.message });
  }
}

const transport = new StdioClientTransport({ command, args, stderr: "inherit" });
const client = new Client({ name: "codexpol-test", version: "1.0.0" });
try {
  await client.connect(transport);
  ok(true, `initialize with ${command}`);
  const tools = (await client.listTools()).tools;
  if (mode === "codexpol") {
    ok(client.getServerVersion()?.name === "codexpol-mcp", "serverInfo names codexpol-mcp");
    const names = tools.map((t) => t.name).sort().join(",");
    ok(names === "check,run", "tools/list: check and run", names);
    const check = tools.find((t) => t.name === "check"), run = tools.find((t) => t.name === "run");
    ok(check?.annotations?.readOnlyHint === true && check?.annotations?.destructiveHint === false,
       "check is annotated read-only", check?.annotations);
    ok(run?.annotations?.readOnlyHint === false && run?.annotations?.destructiveHint === true &&
       run?.annotations?.openWorldHint === true, "run is annotated as not read-only", run?.annotations);

    let r = await client.callTool({ name: "check", arguments: { command: "curl -s https://example.org/" } });
    const s = r.structuredContent;
    ok(!r.isError && s?.decision === "forbid" && s?.rule === "network access" && /no-network\.cpol:\d+:\d+$/.test(s?.source),
       "check: curl is forbidden, with rule and source", r);
    ok(Array.isArray(s?.reasons) && s.reasons.length >= 1 && s?.grants?.network === "none" && Array.isArray(s?.grants?.read),
       "check: reasons and grants", s);
    r = await client.callTool({ name: "check", arguments: { argv: ["git", "status"], cwd: "/tmp", profile: "workspace-write" } });
    ok(r.structuredContent?.decision === "allow" && r.structuredContent?.grants?.write?.includes("/tmp"),
       "check: argv, cwd and profile", r.structuredContent);

    r = await client.callTool({ name: "run", arguments: { command: "echo hello-from-mcp; echo to-stderr >&2" } });
    ok(!r.isError && r.structuredContent?.exit_status === 0 && r.structuredContent?.stdout === "hello-from-mcp\n" &&
       r.structuredContent?.stderr === "to-stderr\n", "run: exit status, stdout and stderr", r);
    r = await client.callTool({ name: "run", arguments: { argv: ["curl", "-s", "http://127.0.0.1:9/"] } });
    ok(r.isError && r.structuredContent?.exit_status === 126 && /forbidden by rule "network access"/.test(r.structuredContent?.stderr),
       "run: a forbidden command does not run (126, the reason)", r);
    r = await client.callTool({ name: "run", arguments: { argv: ["seq", "1", "200000"] } });
    ok(/…\[codexpol-mcp: output truncated, \d+ more bytes\]$/.test(r.structuredContent?.stdout) &&
       r.structuredContent?.stdout_truncated_bytes > 0, "run: long output is cut with a marker",
       r.structuredContent?.stdout?.slice(-200));
    r = await client.callTool({ name: "run", arguments: { command: "sleep 30", timeout_seconds: 1 } });
    ok(r.isError && r.structuredContent?.timed_out === true, "run: the time limit kills", r.structuredContent);

    await expectError(client.callTool({ name: "format_disk", arguments: {} }), -32602, "unknown tool: -32602");
    await expectError(client.callTool({ name: "check", arguments: { command: "ls", argv: ["ls"] } }), -32602,
                      "command and argv together: -32602");
    await expectError(client.callTool({ name: "run", arguments: { command: "ls", cwd: "relative" } }), -32602,
                      "relative cwd: -32602");
    await expectError(client.request({ method: "no/such/method", params: {} }, require("zod").object({}).passthrough()),
                      -32601, "unknown method: -32601");
  } else {
    ok(tools.length > 0, `tools/list: ${tools.length} tools`, tools.map((t) => t.name));
    const echo = tools.find((t) => t.name === "echo");
    if (echo) {
      const r = await client.callTool({ name: "echo", arguments: { message: "through-codexrun" } });
      ok(JSON.stringify(r.content).includes("through-codexrun"), "tools/call echo", r);
    } else {
      ok(false, "the server has an echo tool", tools.map((t) => t.name));
    }
  }
} catch (e) {
  ok(false, "no exception", String(e && e.stack || e));
} finally {
  await client.close().catch(() => {});
}
