/* tests/agents/test_hook.c -- codexrun --hook=AGENT against the real hook
 * payloads of Claude Code 2.1.197, Codex 0.171 and Gemini CLI 0.61
 * (tests/agents/payloads/, captured from the agents) and malformed ones:
 * the exact answer shape of each agent, the reason text, the rewrite to
 * codexrun, the audit record, and the blocking failure (exit 2, reason on
 * stderr, nothing on stdout) for everything that cannot be judged.
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit/jsonread.h"

static char tmpdir[256], audit_path[512];

static const char *top(const char *var)
{
	const char *d = getenv(var);
	return d && *d ? d : ".";
}

static void setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/codexpol-hook.XXXXXX");
	cr_assert(mkdtemp(tmpdir));
	snprintf(audit_path, sizeof audit_path, "%s/audit.jsonl", tmpdir);
}

static void teardown(void)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	cr_assert(system(cmd) == 0);
}

struct run {
	int status;
	char *out, *err;
	size_t nout;
	struct cpol_json doc; /* stdout parsed, when it is JSON */
	int parsed;
};

static char *slurp(FILE *f, size_t *n)
{
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = malloc((size_t)len + 1);
	cr_assert(p);
	size_t got = fread(p, 1, (size_t)len, f);
	p[got] = 0;
	if (n)
		*n = got;
	fclose(f);
	return p;
}

/* codexrun --hook=AGENT [extra...] with `in` (n bytes) on stdin. */
static void hook(struct run *r, const char *agent, const char *in, size_t n, const char *extra)
{
	FILE *fi = tmpfile(), *fo = tmpfile(), *fe = tmpfile();
	cr_assert(fi && fo && fe);
	cr_assert(fwrite(in, 1, n, fi) == n);
	fflush(fi);
	fseek(fi, 0, SEEK_SET);
	char prog[512], hookopt[64], auditopt[600];
	snprintf(prog, sizeof prog, "%s/codexrun", top("top_builddir"));
	snprintf(hookopt, sizeof hookopt, "--hook=%s", agent);
	snprintf(auditopt, sizeof auditopt, "--audit=%s", audit_path);
	char *argv[] = { prog, hookopt, auditopt, (char *)extra, NULL };
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		dup2(fileno(fi), 0);
		dup2(fileno(fo), 1);
		dup2(fileno(fe), 2);
		execv(prog, argv);
		_exit(127);
	}
	int st;
	cr_assert(waitpid(pid, &st, 0) == pid);
	fclose(fi);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	r->out = slurp(fo, &r->nout);
	r->err = slurp(fe, NULL);
	r->parsed = r->nout && cpol_json_parse(&r->doc, r->out, r->nout) == 0;
}

static void run_free(struct run *r)
{
	if (r->parsed)
		cpol_json_free(&r->doc);
	free(r->out);
	free(r->err);
}

static char *payload(const char *name, size_t *n)
{
	char path[512];
	snprintf(path, sizeof path, "%s/tests/agents/payloads/%s.json", top("top_srcdir"), name);
	FILE *f = fopen(path, "rb");
	cr_assert(f, "cannot open %s", path);
	return slurp(f, n);
}

static void hook_payload(struct run *r, const char *agent, const char *name, const char *extra)
{
	size_t n;
	char *p = payload(name, &n);
	hook(r, agent, p, n, extra);
	free(p);
}

static const struct cpol_jnode *root(struct run *r)
{
	cr_assert(r->parsed, "stdout is not JSON: [%s] stderr: [%s]", r->out, r->err);
	return &r->doc.nodes[0];
}

/* The hook of agent on its pre-tool event for a shell command (Claude Code
 * and Codex: PreToolUse of Bash with tool_use_id id; Gemini CLI:
 * BeforeTool of run_shell_command); the hook must exit 0. */
static void hook_shell(struct run *r, const char *agent, const char *id, const char *command, const char *extra)
{
	char in[1024];
	if (strcmp(agent, "gemini") == 0)
		snprintf(in, sizeof in,
		         "{\"session_id\":\"s\",\"cwd\":\"/tmp\",\"hook_event_name\":\"BeforeTool\","
		         "\"tool_name\":\"run_shell_command\",\"tool_input\":{\"command\":\"%s\"}}",
		         command);
	else
		snprintf(in, sizeof in,
		         "{\"session_id\":\"s\",\"cwd\":\"/tmp\",\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\","
		         "\"tool_use_id\":\"%s\",\"tool_input\":{\"command\":\"%s\"}}",
		         id, command);
	hook(r, agent, in, strlen(in), extra);
	cr_assert_eq(r->status, 0, "%s", r->err);
}

/* The hookSpecificOutput object of a Claude Code or Codex answer. */
static const struct cpol_jnode *specific(struct run *r)
{
	const struct cpol_jnode *h = cpol_json_get(&r->doc, root(r), "hookSpecificOutput");
	cr_assert(h, "no hookSpecificOutput: %s", r->out);
	return h;
}

/* Every member of obj is one of the names given (NULL-terminated). */
static void only_keys(struct run *r, const struct cpol_jnode *obj, const char *const *keys)
{
	cr_assert(obj && obj->type == CPOL_JOBJ);
	for (const struct cpol_jnode *m = cpol_json_first(&r->doc, obj); m; m = cpol_json_next(&r->doc, m)) {
		int known = 0;
		for (int i = 0; keys[i]; i++)
			known |= strlen(keys[i]) == m->key.n && !memcmp(keys[i], m->key.s, m->key.n);
		cr_assert(known, "unexpected member %.*s in %s", (int)m->key.n, m->key.s, r->out);
	}
}

static char *audit_text(void)
{
	FILE *f = fopen(audit_path, "rb");
	cr_assert(f, "no audit log");
	return slurp(f, NULL);
}

static void blocked(struct run *r, const char *why)
{
	cr_assert_eq(r->status, 2, "exit %d, stdout [%s] stderr [%s]", r->status, r->out, r->err);
	cr_assert_eq(r->nout, 0, "a blocking failure prints nothing on stdout: [%s]", r->out);
	cr_assert(strstr(r->err, "codexpol: blocked: "), "stderr: %s", r->err);
	cr_assert(strstr(r->err, why), "stderr [%s] lacks [%s]", r->err, why);
	char *a = audit_text();
	cr_assert(strstr(a, "\"op\":\"hook\""), "%s", a);
	cr_assert(strstr(a, "\"decision\":\"forbid\""), "a failure is recorded as forbid: %s", a);
	free(a);
}

TestSuite(hook, .init = setup, .fini = teardown, .timeout = 30);

/* --- Claude Code ------------------------------------------------------------ */

Test(hook, claude_allow_rewrites_to_codexrun)
{
	struct run r;
	hook_payload(&r, "claude", "claude-allow", NULL);
	cr_assert_eq(r.status, 0, "stderr: %s", r.err);
	const struct cpol_jnode *o = root(&r);
	static const char *const top_keys[] = { "hookSpecificOutput", NULL };
	only_keys(&r, o, top_keys);
	const struct cpol_jnode *h = cpol_json_get(&r.doc, o, "hookSpecificOutput");
	static const char *const keys[] = { "hookEventName", "permissionDecision", "permissionDecisionReason",
		                            "updatedInput", NULL };
	only_keys(&r, h, keys);
	cr_assert_str_eq(cpol_json_get_str(&r.doc, h, "hookEventName"), "PreToolUse");
	cr_assert_str_eq(cpol_json_get_str(&r.doc, h, "permissionDecision"), "allow");
	const char *why = cpol_json_get_str(&r.doc, h, "permissionDecisionReason");
	cr_assert(why && strstr(why, "codexpol: allow by rule \"read-only tools\" (common/readonly.cpol:"), "%s", why);
	const struct cpol_jnode *u = cpol_json_get(&r.doc, h, "updatedInput");
	const char *cmd = cpol_json_get_str(&r.doc, u, "command");
	cr_assert(cmd && strstr(cmd, "/codexrun' --workspace='/var/tmp/agents-study/claude/work'"), "%s", cmd);
	cr_assert(strstr(cmd, " --session='169842c2-3e7e-4096-8891-8188dc99df11' --approve=never -- bash -c "
	                      "'echo hello-from-agent'"), "%s", cmd);
	/* the other members of tool_input come back as they were */
	cr_assert_str_eq(cpol_json_get_str(&r.doc, u, "description"), "scripted test command");
	char *a = audit_text();
	cr_assert(strstr(a, "\"session\":\"169842c2-3e7e-4096-8891-8188dc99df11\""), "%s", a);
	cr_assert(strstr(a, "\"op\":\"hook\",\"argv\":[\"echo hello-from-agent\"],"
	                    "\"cwd\":\"/var/tmp/agents-study/claude/work\",\"decision\":\"allow\""), "%s", a);
	cr_assert(strstr(a, "\"agent\":\"claude\",\"tool_use_id\":\"toolu_d32c7357d51c40b7819796d3\""), "%s", a);
	free(a);
	run_free(&r);
}

Test(hook, claude_no_wrap)
{
	struct run r;
	hook_payload(&r, "claude", "claude-allow", "--no-wrap");
	cr_assert_eq(r.status, 0);
	const struct cpol_jnode *h = specific(&r);
	cr_assert_str_eq(cpol_json_get_str(&r.doc, h, "permissionDecision"), "allow");
	cr_assert_null(cpol_json_get(&r.doc, h, "updatedInput"));
	run_free(&r);
}

Test(hook, claude_deny_curl)
{
	struct run r;
	hook_payload(&r, "claude", "claude-deny-curl", NULL);
	cr_assert_eq(r.status, 0);
	const struct cpol_jnode *h = specific(&r);
	cr_assert_str_eq(cpol_json_get_str(&r.doc, h, "permissionDecision"), "deny");
	cr_assert_null(cpol_json_get(&r.doc, h, "updatedInput"), "a deny is never rewritten");
	const char *why = cpol_json_get_str(&r.doc, h, "permissionDecisionReason");
	cr_assert(why && strstr(why, "codexpol: forbid by rule \"network access\" (common/no-network.cpol:28:1): "
	                             "this profile has no network access"), "%s", why);
	run_free(&r);
}

Test(hook, claude_quoting_survives_any_command)
{
	/* Quotes, backslashes, $(), newlines and UTF-8 reach the shell as they
	 * were: the rewritten command runs with a stand-in for codexrun that
	 * prints its last argument, which must be the agent's command. */
	static const char in[] =
		"{\"session_id\":\"s-2\",\"cwd\":\"/tmp\",\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\","
		"\"tool_use_id\":\"toolu_2\",\"tool_input\":{\"command\":\"echo 'it'\\\\''s' \\\"$HOME\\\" $(id) \\\\n;"
		" echo \\u00e9\\nls\"}}";
	static const char want[] = "echo 'it'\\''s' \"$HOME\" $(id) \\n; echo \xc3\xa9\nls";
	char stand[600], opt[700];
	snprintf(stand, sizeof stand, "%s/last-arg", tmpdir);
	FILE *f = fopen(stand, "w");
	cr_assert(f);
	fputs("#!/bin/sh\nfor a; do last=$a; done; printf %s \"$last\"\n", f);
	fclose(f);
	cr_assert(chmod(stand, 0755) == 0);
	snprintf(opt, sizeof opt, "--codexrun=%s", stand);
	struct run r;
	hook(&r, "claude", in, sizeof in - 1, opt);
	cr_assert_eq(r.status, 0, "%s", r.err);
	const struct cpol_jnode *h = specific(&r);
	const char *cmd = cpol_json_get_str(&r.doc, cpol_json_get(&r.doc, h, "updatedInput"), "command");
	cr_assert(cmd, "%s", r.out);
	pid_t pid;
	int fds[2];
	cr_assert(pipe(fds) == 0);
	pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	char got[4096];
	size_t n = 0;
	for (ssize_t k; n + 1 < sizeof got && (k = read(fds[0], got + n, sizeof got - 1 - n)) > 0;)
		n += (size_t)k;
	got[n] = 0;
	close(fds[0]);
	waitpid(pid, NULL, 0);
	cr_assert_str_eq(got, want);
	run_free(&r);
}

/* --- Codex ----------------------------------------------------------------- */

Test(hook, codex_allow_is_empty_object)
{
	struct run r;
	hook_payload(&r, "codex", "codex-allow", NULL);
	cr_assert_eq(r.status, 0);
	cr_assert_str_eq(r.out, "{}\n");
	char *a = audit_text();
	cr_assert(strstr(a, "\"agent\":\"codex\",\"tool_use_id\":\"call_a2199eee6b3a4e4e90b3\""), "%s", a);
	cr_assert(strstr(a, "\"session\":\"01a249f3-fc13-7052-8031-b1a4d0cc6a96\""), "%s", a);
	free(a);
	run_free(&r);
}

Test(hook, codex_deny_has_only_known_fields)
{
	struct run r;
	hook_payload(&r, "codex", "codex-deny-curl", NULL);
	cr_assert_eq(r.status, 0);
	const struct cpol_jnode *o = root(&r);
	static const char *const top_keys[] = { "hookSpecificOutput", NULL };
	only_keys(&r, o, top_keys);
	const struct cpol_jnode *h = cpol_json_get(&r.doc, o, "hookSpecificOutput");
	static const char *const keys[] = { "hookEventName", "permissionDecision", "permissionDecisionReason", NULL };
	only_keys(&r, h, keys);
	cr_assert_str_eq(cpol_json_get_str(&r.doc, h, "hookEventName"), "PreToolUse");
	cr_assert_str_eq(cpol_json_get_str(&r.doc, h, "permissionDecision"), "deny");
	const char *why = cpol_json_get_str(&r.doc, h, "permissionDecisionReason");
	cr_assert(why && strstr(why, "forbid by rule \"network access\" (common/no-network.cpol:28:1)"), "%s", why);
	run_free(&r);
}

Test(hook, codex_permission_request)
{
	static const char deny[] =
		"{\"session_id\":\"s\",\"turn_id\":\"t\",\"transcript_path\":null,\"cwd\":\"/tmp\",\"model\":\"m\","
		"\"permission_mode\":\"default\",\"hook_event_name\":\"PermissionRequest\",\"tool_name\":\"Bash\","
		"\"tool_input\":{\"command\":\"curl http://example.org\"}}";
	struct run r;
	hook(&r, "codex", deny, sizeof deny - 1, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	const struct cpol_jnode *h = specific(&r);
	static const char *const keys[] = { "hookEventName", "decision", NULL };
	only_keys(&r, h, keys);
	cr_assert_str_eq(cpol_json_get_str(&r.doc, h, "hookEventName"), "PermissionRequest");
	const struct cpol_jnode *d = cpol_json_get(&r.doc, h, "decision");
	static const char *const dkeys[] = { "behavior", "message", NULL };
	only_keys(&r, d, dkeys);
	cr_assert_str_eq(cpol_json_get_str(&r.doc, d, "behavior"), "deny");
	cr_assert(strstr(cpol_json_get_str(&r.doc, d, "message"), "network access"));
	run_free(&r);

	static const char allow[] =
		"{\"session_id\":\"s\",\"turn_id\":\"t\",\"transcript_path\":null,\"cwd\":\"/tmp\",\"model\":\"m\","
		"\"permission_mode\":\"default\",\"hook_event_name\":\"PermissionRequest\",\"tool_name\":\"Bash\","
		"\"tool_input\":{\"command\":\"ls -l\"}}";
	hook(&r, "codex", allow, sizeof allow - 1, NULL);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "{\"hookSpecificOutput\":{\"hookEventName\":\"PermissionRequest\","
	                        "\"decision\":{\"behavior\":\"allow\"}}}\n");
	run_free(&r);
}

/* --- Gemini CLI ------------------------------------------------------------ */

Test(hook, gemini_answers)
{
	struct run r;
	hook_payload(&r, "gemini", "gemini-allow", NULL);
	cr_assert_eq(r.status, 0);
	cr_assert_str_eq(r.out, "{}\n");
	run_free(&r);
	hook_payload(&r, "gemini", "gemini-deny-marker", NULL);
	cr_assert_eq(r.status, 0);
	static const char *const keys[] = { "decision", "reason", NULL };
	only_keys(&r, root(&r), keys);
	cr_assert_str_eq(cpol_json_get_str(&r.doc, root(&r), "decision"), "deny");
	const char *why = cpol_json_get_str(&r.doc, root(&r), "reason");
	cr_assert(why && strstr(why, "forbid by rule \"writes outside the writable roots\" (common/no-writes.cpol:"),
	          "%s", why);
	run_free(&r);
	char *a = audit_text();
	cr_assert(strstr(a, "\"session\":\"ec155b77-a98f-437d-ae82-5db84e272bd6\""), "%s", a);
	cr_assert(strstr(a, "\"agent\":\"gemini\""), "%s", a);
	free(a);
}

/* --- prompt decisions, with a policy that prompts ----------------------------- */

Test(hook, prompt_per_agent)
{
	/* the offline profile prompts for what no rule knows */
	const char *opt = "--profile=offline";
	struct run r;
	hook_shell(&r, "claude", "toolu_3", "git clean -fdx", opt);
	const struct cpol_jnode *h = specific(&r);
	cr_assert_str_eq(cpol_json_get_str(&r.doc, h, "permissionDecision"), "ask");
	/* the person approves in Claude Code: codexrun must not ask again */
	const char *cmd = cpol_json_get_str(&r.doc, cpol_json_get(&r.doc, h, "updatedInput"), "command");
	cr_assert(cmd && strstr(cmd, "--approve=always -- bash -c 'git clean -fdx'"), "%s", cmd);
	run_free(&r);

	hook_shell(&r, "codex", "call_3", "git clean -fdx", opt);
	h = specific(&r);
	cr_assert_str_eq(cpol_json_get_str(&r.doc, h, "permissionDecision"), "deny", "Codex cannot ask: deny");
	cr_assert(strstr(cpol_json_get_str(&r.doc, h, "permissionDecisionReason"), "needs a person's approval") ||
	          strstr(cpol_json_get_str(&r.doc, h, "permissionDecisionReason"), "approval"));
	run_free(&r);

	hook_shell(&r, "gemini", NULL, "git clean -fdx", opt);
	cr_assert_str_eq(cpol_json_get_str(&r.doc, root(&r), "decision"), "ask");
	run_free(&r);
}

/* The sandboxed default allows what runs inside codexrun's sandbox: Claude
 * Code's command is rewritten to run there; Gemini CLI runs it itself, so
 * the hook asks. */
Test(hook, sandboxed_default_only_inside_the_sandbox)
{
	const char *opt = "--profile=offline";
	struct run r;
	hook_shell(&r, "claude", "toolu_5", "make all", opt);
	const struct cpol_jnode *h = specific(&r);
	cr_assert_str_eq(cpol_json_get_str(&r.doc, h, "permissionDecision"), "allow");
	const char *cmd = cpol_json_get_str(&r.doc, cpol_json_get(&r.doc, h, "updatedInput"), "command");
	cr_assert(cmd && strstr(cmd, "-- bash -c 'make all'") && !strstr(cmd, "--approve=always"), "%s", cmd);
	run_free(&r);

	hook_shell(&r, "gemini", NULL, "make all", opt);
	cr_assert_str_eq(cpol_json_get_str(&r.doc, root(&r), "decision"), "ask");
	run_free(&r);
}

/* A rule's allow that rests on the sandbox holding what the words become
 * (`tee $OUT` writes where the variable says; a background job, a process
 * substitution) holds only inside it: rewritten to run under codexrun it is
 * allowed, run by the agent itself it asks. */
Test(hook, leniency_of_the_sandbox_only_inside_it)
{
	static const char *const lines[] = { "echo x | tee $OUT", "sleep 1 &", "cat <(ls)", "rm build/*.o" };
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		struct run r;
		hook_shell(&r, "claude", "toolu_6", lines[i], NULL);
		const struct cpol_jnode *h = specific(&r);
		cr_assert_str_eq(cpol_json_get_str(&r.doc, h, "permissionDecision"), "allow", "%s", lines[i]);
		cr_assert_not_null(cpol_json_get(&r.doc, h, "updatedInput"), "%s", lines[i]);
		run_free(&r);

		hook_shell(&r, "claude", "toolu_7", lines[i], "--no-wrap");
		h = specific(&r);
		cr_assert_str_eq(cpol_json_get_str(&r.doc, h, "permissionDecision"), "ask", "%s", lines[i]);
		run_free(&r);

		hook_shell(&r, "gemini", NULL, lines[i], NULL);
		cr_assert_str_eq(cpol_json_get_str(&r.doc, root(&r), "decision"), "ask", "%s", lines[i]);
		run_free(&r);
	}
	/* what the policy has seen whole stays allowed outside too */
	struct run r;
	hook_shell(&r, "claude", "toolu_8", "ls -la", "--no-wrap");
	cr_assert_str_eq(cpol_json_get_str(&r.doc, specific(&r), "permissionDecision"), "allow");
	run_free(&r);
}

/* Gemini CLI runs the command itself, with the environment the hook shares:
 * with a CDPATH there, `cd NAME` may land in another folder's NAME, so what
 * the script does after it is asked about (`cd ./NAME` is not looked up).
 * Claude Code's command runs under codexrun, which removes CDPATH. */
Test(hook, cdpath_of_the_agent_shell)
{
	const char *opt = "--profile=workspace-write";
	struct run r;
	hook_shell(&r, "gemini", NULL, "cd sub && touch x", opt);
	cr_assert_str_eq(r.out, "{}\n", "without CDPATH: %s", r.out);
	run_free(&r);
	setenv("CDPATH", "/", 1);
	hook_shell(&r, "gemini", NULL, "cd sub && touch x", opt);
	cr_assert_str_eq(cpol_json_get_str(&r.doc, root(&r), "decision"), "ask", "%s", r.out);
	const char *why = cpol_json_get_str(&r.doc, root(&r), "reason");
	cr_assert(why && strstr(why, "CDPATH"), "%s", why);
	run_free(&r);
	hook_shell(&r, "gemini", NULL, "cd ./sub && touch x", opt);
	cr_assert_str_eq(r.out, "{}\n", "cd ./sub: %s", r.out);
	run_free(&r);
	hook_shell(&r, "claude", "toolu_9", "cd sub && touch x", opt);
	cr_assert_str_eq(cpol_json_get_str(&r.doc, specific(&r), "permissionDecision"), "allow", "%s", r.out);
	run_free(&r);
	unsetenv("CDPATH");
}

/* --- bad input: the blocking failure ----------------------------------------- */

static void bad(const char *agent, const char *in, const char *why)
{
	struct run r;
	hook(&r, agent, in, strlen(in), NULL);
	blocked(&r, why);
	run_free(&r);
}

Test(hook, not_json)
{
	bad("claude", "", "not a JSON object");
	bad("codex", "run ls", "not a JSON object");
	bad("gemini", "{\"tool_name\":", "not a JSON object");
	bad("claude", "[\"PreToolUse\"]", "not a JSON object");
	bad("claude", "{\"a\":1} {}", "not a JSON object");
	bad("codex", "{\"s\":\"\\ud800\"}", "not a JSON object");
}

Test(hook, other_event_or_tool)
{
	bad("claude", "{\"hook_event_name\":\"PostToolUse\",\"tool_name\":\"Bash\"}", "PreToolUse event only");
	bad("claude",
	    "{\"session_id\":\"s\",\"cwd\":\"/\",\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Write\","
	    "\"tool_use_id\":\"t\",\"tool_input\":{\"file_path\":\"/etc/passwd\"}}",
	    "Bash tool only");
	bad("codex", "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"apply_patch\"}", "Bash tool only");
	bad("gemini", "{\"hook_event_name\":\"BeforeTool\",\"tool_name\":\"write_file\"}", "run_shell_command only");
	bad("gemini", "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"run_shell_command\"}", "BeforeTool event only");
}

Test(hook, missing_fields)
{
	bad("claude", "{\"tool_name\":\"Bash\"}", "no string hook_event_name");
	bad("claude", "{\"hook_event_name\":\"PreToolUse\"}", "no string tool_name");
	bad("claude", "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_input\":\"ls\"}",
	    "no tool_input object");
	bad("claude", "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":[\"ls\"]}}",
	    "tool_input.command is missing");
	bad("claude",
	    "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls\\u0000x\"}}",
	    "holds a NUL byte");
	bad("claude",
	    "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls\"},"
	    "\"cwd\":\"/\",\"tool_use_id\":\"t\"}",
	    "no session_id");
	bad("codex",
	    "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls\"},"
	    "\"cwd\":\"/\",\"session_id\":\"s\"}",
	    "no tool_use_id");
	bad("gemini",
	    "{\"hook_event_name\":\"BeforeTool\",\"tool_name\":\"run_shell_command\",\"tool_input\":{\"command\":\"ls\"},"
	    "\"cwd\":\"relative\",\"session_id\":\"s\"}",
	    "no absolute cwd");
}

Test(hook, huge_input)
{
	size_t n = (300u << 10);
	char *in = malloc(n + 400);
	cr_assert(in);
	int k = snprintf(in, 400,
	                 "{\"session_id\":\"s\",\"cwd\":\"/\",\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\","
	                 "\"tool_use_id\":\"t\",\"tool_input\":{\"command\":\"echo ");
	memset(in + k, 'a', n);
	strcpy(in + k + n, "\"}}");
	bad("claude", in, "the most codexpol judges is");
	free(in);

	n = (2u << 20);
	in = malloc(n + 1);
	cr_assert(in);
	memset(in, ' ', n);
	in[n] = 0;
	bad("gemini", in, "larger than");
	free(in);
}

Test(hook, bad_options_are_usage_errors)
{
	struct run r;
	hook(&r, "cursor", "{}", 2, NULL);
	cr_assert_eq(r.status, 125);
	cr_assert(strstr(r.err, "--hook takes claude, codex or gemini"), "%s", r.err);
	run_free(&r);
	hook(&r, "claude", "{}", 2, "ls");
	cr_assert_eq(r.status, 125);
	run_free(&r);
}
