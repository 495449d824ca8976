/* integrations/mcp.c -- codexpol-mcp: the MCP server (see mcp.h).
 *
 * Transport: stdio, one JSON-RPC 2.0 message per line, as the MCP spec
 * says; nothing but messages on stdout, diagnostics on stderr. Methods:
 * initialize, ping, tools/list, tools/call; notifications are never
 * answered. Bad requests get the JSON-RPC errors (-32700 parse error,
 * -32600 invalid request, -32601 unknown method, -32602 bad params); a tool
 * that ran but failed (a forbidden command, a non-zero exit) is a result
 * with isError. This file never runs a command itself: `run` goes through
 * codexrun, which decides, records and sandboxes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/run.h"
#include "cli/run_env.h"
#include "cli/run_opts.h"
#include "integrations/mcp.h"

const unsigned char *cpol_offline_data(size_t *len);

static const char mcp_usage[] =
	"Usage: codexpol-mcp [OPTION]...\n"
	"An MCP server on stdin/stdout (JSON-RPC 2.0, one message per line) with two\n"
	"tools: check (the policy's decision for a command and what the sandbox grants)\n"
	"and run (run the command through codexrun, under the policy, in the sandbox).\n"
	"\n"
	"  -p, --policy=FILE       the compiled policy image (default: the offline policy)\n"
	"      --profile=NAME      an installed profile instead\n"
	"  -w, --workspace=DIR     the workspace (default: the working directory)\n"
	"      --audit=DEST        audit records of run (a FILE, syslog or none)\n"
	"      --session=ID        session id of those records (default: a fresh one)\n"
	"      --timeout=SECONDS   longest a run may take (default 60, at most 3600)\n"
	"      --max-output=BYTES  kept of stdout and of stderr each (default 65536)\n"
	"      --codexrun=PATH     the codexrun that runs commands (default: this program)\n"
	"  -h, --help              show this help and exit\n";

static const char *const versions[] = { CPOL_MCP_PROTOCOL, "2025-06-18", "2025-03-26" };

struct mcp {
	struct run_common_opts common;
	cpol_hook_profile_fn open_profile;
	char policy_abs[PATH_MAX], ws[PATH_MAX], cwd[PATH_MAX], home[PATH_MAX], tmp[PATH_MAX], user[256];
	char self[PATH_MAX], session[80];
	long timeout;
	size_t max_output;
	int have_ws;
};

/* --- output ------------------------------------------------------------ */

struct out {
	char *p;
	size_t cap;
	struct cpol_jbuf b;
};

static void send_line(struct cpol_jbuf *b)
{
	cpol_jbuf_raw(b, "\n", 1);
	fwrite(b->p, 1, b->len, stdout);
	fflush(stdout);
}

static void str(struct cpol_jbuf *b, const char *s)
{
	cpol_jbuf_str(b, s, strlen(s), SIZE_MAX);
}

static void head(struct cpol_jbuf *b, const char *id)
{
	cpol_jbuf_cstr(b, "{\"jsonrpc\":\"2.0\",\"id\":");
	cpol_jbuf_cstr(b, id ? id : "null");
}

static void send_error(struct out *o, const char *id, int code, const char *msg)
{
	struct cpol_jbuf *b = &o->b;
	cpol_jbuf_init(b, o->p, o->cap);
	head(b, id);
	cpol_jbuf_cstr(b, ",\"error\":{\"code\":");
	cpol_jbuf_int(b, code);
	cpol_jbuf_key(b, 1, "message");
	str(b, msg);
	cpol_jbuf_cstr(b, "}}");
	send_line(b);
}

/* --- the tools ------------------------------------------------------------ */

static const char tools_json[] =
	"{\"tools\":["
	"{\"name\":\"check\",\"title\":\"Check a command against the codexpol policy\","
	"\"description\":\"The policy's decision (allow, prompt or forbid) for a shell command line or an argv, "
	"with the rule that decided, its place in the policy source (file:line:col), the reasons of every part of "
	"a script, and what the sandbox would grant the command (readable and writable roots, network). Runs "
	"nothing.\","
	"\"inputSchema\":{\"type\":\"object\",\"properties\":{"
	"\"command\":{\"type\":\"string\",\"description\":\"a shell command line (give this or argv)\"},"
	"\"argv\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"minItems\":1,"
	"\"description\":\"the program and its arguments (give this or command)\"},"
	"\"cwd\":{\"type\":\"string\",\"description\":\"absolute working directory (default: the server's)\"},"
	"\"profile\":{\"type\":\"string\",\"description\":\"an installed profile to judge with instead of the "
	"server's policy: offline, net-read-only, workspace-write, workspace-net\"}},"
	"\"additionalProperties\":false},"
	"\"outputSchema\":{\"type\":\"object\",\"properties\":{"
	"\"decision\":{\"type\":\"string\",\"enum\":[\"allow\",\"prompt\",\"forbid\"]},"
	"\"rule\":{\"type\":\"string\"},\"source\":{\"type\":\"string\"},\"reason\":{\"type\":\"string\"},"
	"\"policy\":{\"type\":\"string\"},\"reasons\":{\"type\":\"array\"},\"grants\":{\"type\":\"object\"}},"
	"\"required\":[\"decision\",\"rule\",\"source\",\"reason\",\"reasons\",\"grants\"]},"
	"\"annotations\":{\"title\":\"Check a command\",\"readOnlyHint\":true,\"destructiveHint\":false,"
	"\"idempotentHint\":true,\"openWorldHint\":false}},"
	"{\"name\":\"run\",\"title\":\"Run a command under the codexpol policy and sandbox\","
	"\"description\":\"Runs a shell command line (with bash -c) or an argv through codexrun: the policy "
	"decides, a forbidden command does not run, an allowed one runs inside the sandbox (Landlock, seccomp), "
	"and every run is in the audit log. Returns the exit status and stdout and stderr, each cut to the "
	"server's limit with a visible truncation marker; a run past the time limit is killed.\","
	"\"inputSchema\":{\"type\":\"object\",\"properties\":{"
	"\"command\":{\"type\":\"string\",\"description\":\"a shell command line (give this or argv)\"},"
	"\"argv\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"minItems\":1,"
	"\"description\":\"the program and its arguments (give this or command)\"},"
	"\"cwd\":{\"type\":\"string\",\"description\":\"absolute working directory (default: the server's)\"},"
	"\"profile\":{\"type\":\"string\",\"description\":\"an installed profile instead of the server's "
	"policy\"},"
	"\"timeout_seconds\":{\"type\":\"integer\",\"minimum\":1,\"description\":\"at most the server's "
	"limit\"}},"
	"\"additionalProperties\":false},"
	"\"outputSchema\":{\"type\":\"object\",\"properties\":{"
	"\"exit_status\":{\"type\":\"integer\"},\"timed_out\":{\"type\":\"boolean\"},"
	"\"stdout\":{\"type\":\"string\"},\"stderr\":{\"type\":\"string\"},"
	"\"stdout_truncated_bytes\":{\"type\":\"integer\"},\"stderr_truncated_bytes\":{\"type\":\"integer\"}},"
	"\"required\":[\"exit_status\",\"timed_out\",\"stdout\",\"stderr\"]},"
	"\"annotations\":{\"title\":\"Run a command in the sandbox\",\"readOnlyHint\":false,"
	"\"destructiveHint\":true,\"idempotentHint\":false,\"openWorldHint\":true}}"
	"]}";

/* The arguments both tools share. */
struct call_args {
	const char *command;
	const char **argv;
	int argc;
	const char *cwd, *profile;
	long timeout;
};

/* NULL when fine, else the message of a -32602 error. */
static const char *read_args(struct mcp *m, const struct cpol_json *d, const struct cpol_jnode *a,
                             struct call_args *ca, int run)
{
	memset(ca, 0, sizeof *ca);
	ca->timeout = m->timeout;
	ca->cwd = m->cwd;
	if (!a || a->type != CPOL_JOBJ)
		return "arguments must be an object";
	for (const struct cpol_jnode *k = cpol_json_first(d, a); k; k = cpol_json_next(d, k)) {
		const char *name = k->key.s;
		if (!strcmp(name, "command")) {
			if (k->type != CPOL_JSTR || memchr(k->str.s, 0, k->str.n) || !k->str.n)
				return "command must be a non-empty string without NUL bytes";
			if (k->str.n > CPOL_HOOK_COMMAND_MAX)
				return "command is too long (at most 256 KiB)";
			ca->command = k->str.s;
		} else if (!strcmp(name, "argv")) {
			if (k->type != CPOL_JARR || !k->nkids || k->nkids > 4096)
				return "argv must be an array of 1 to 4096 strings";
			free(ca->argv);
			ca->argv = calloc(k->nkids + 1, sizeof *ca->argv);
			if (!ca->argv)
				return "out of memory";
			ca->argc = 0;
			for (const struct cpol_jnode *e = cpol_json_first(d, k); e; e = cpol_json_next(d, e)) {
				if (e->type != CPOL_JSTR || memchr(e->str.s, 0, e->str.n))
					return "argv must hold strings without NUL bytes";
				ca->argv[ca->argc++] = e->str.s;
			}
			if (!ca->argv[0][0])
				return "argv[0] must not be empty";
		} else if (!strcmp(name, "cwd")) {
			if (k->type != CPOL_JSTR || k->str.s[0] != '/' || memchr(k->str.s, 0, k->str.n))
				return "cwd must be an absolute path";
			ca->cwd = k->str.s;
		} else if (!strcmp(name, "profile")) {
			if (k->type != CPOL_JSTR || memchr(k->str.s, 0, k->str.n))
				return "profile must be a string";
			ca->profile = k->str.s;
		} else if (run && !strcmp(name, "timeout_seconds")) {
			if (k->type != CPOL_JNUM || !k->isint || k->num < 1)
				return "timeout_seconds must be a positive integer";
			if (k->num < ca->timeout)
				ca->timeout = (long)k->num;
		} else {
			static char msg[160];
			snprintf(msg, sizeof msg, "unknown argument '%.100s'", name);
			return msg;
		}
	}
	if (!ca->command == !ca->argv)
		return "give either command or argv";
	return NULL;
}

static cpol_image *load(struct mcp *m, const char *profile, cpol_error *err)
{
	if (profile)
		return m->open_profile(profile, err);
	if (m->common.policy)
		return cpol_image_open(m->policy_abs, err);
	if (m->common.profile)
		return m->open_profile(m->common.profile, err);
	size_t len;
	const unsigned char *data = cpol_offline_data(&len);
	return cpol_image_load(data, len, 1, err);
}

/* The member k: an array of the n strings sv, or, when sv is NULL, of the
 * n port numbers pv. */
static void jarray(struct cpol_jbuf *b, const char *k, const char *const *sv, const uint16_t *pv, size_t n)
{
	cpol_jbuf_key(b, 1, k);
	cpol_jbuf_raw(b, "[", 1);
	for (size_t i = 0; i < n; i++) {
		if (i)
			cpol_jbuf_raw(b, ",", 1);
		if (sv)
			str(b, sv[i]);
		else
			cpol_jbuf_int(b, pv[i]);
	}
	cpol_jbuf_raw(b, "]", 1);
}

/* Send a tools/call result: the text content text[0..tl) and the
 * structured content s[0..n) (a JSON value). */
static void tool_result(struct out *o, const char *id, const char *text, size_t tl, const char *s, size_t n,
                        int is_error)
{
	struct cpol_jbuf *b = &o->b;
	cpol_jbuf_init(b, o->p, o->cap);
	head(b, id);
	cpol_jbuf_cstr(b, ",\"result\":{\"content\":[{\"type\":\"text\",\"text\":");
	cpol_jbuf_str(b, text, tl, SIZE_MAX);
	cpol_jbuf_cstr(b, "}],\"structuredContent\":");
	cpol_jbuf_raw(b, s, n);
	cpol_jbuf_cstr(b, is_error ? ",\"isError\":true}}" : ",\"isError\":false}}");
	send_line(b);
}

static void tool_check(struct mcp *m, struct out *o, const char *id, struct call_args *ca)
{
	cpol_error err;
	cpol_image *im = load(m, ca->profile, &err);
	if (!im) {
		send_error(o, id, -32602, err.msg);
		return;
	}
	cpol_env env = { ca->cwd, m->have_ws ? m->ws : ca->cwd, m->tmp, m->home, m->user };
	cpol_ctx *ctx = cpol_ctx_new(im, &env, &err);
	struct cpol_spec rs;
	memset(&rs, 0, sizeof rs);
	char *buf = NULL;
	if (!ctx || cpol_spec_read(im, &env, 0, &rs, &err) < 0) {
		send_error(o, id, -32603, err.msg);
		goto out;
	}
	cpol_result res;
	if (ca->argv) {
		/* as codexrun judges it: the program found through PATH */
		char path[PATH_MAX];
		const char *a0 = ca->argv[0];
		if (run_which(a0, path, sizeof path) == 0)
			ca->argv[0] = path;
		cpol_eval(ctx, ca->argc, ca->argv, &res);
		ca->argv[0] = a0;
	} else {
		cpol_eval_line(ctx, ca->command, strlen(ca->command), &res);
	}
	size_t cap = 1u << 22;
	buf = malloc(cap);
	if (!buf) {
		send_error(o, id, -32603, "out of memory");
		goto out;
	}
	struct cpol_jbuf b;
	cpol_jbuf_init(&b, buf, cap);
	cpol_jbuf_raw(&b, "{", 1);
	run_json_verdict(&b, &res.verdict);
	cpol_jbuf_key(&b, 1, "policy");
	str(&b, cpol_image_name(im));
	cpol_jbuf_key(&b, 1, "reasons");
	cpol_jbuf_raw(&b, "[", 1);
	for (unsigned i = 0; i < res.ncommands; i++) {
		cpol_jbuf_raw(&b, i ? ",{" : "{", i ? 2 : 1);
		cpol_jbuf_key(&b, 0, "command");
		str(&b, res.commands[i].text);
		cpol_jbuf_raw(&b, ",", 1);
		run_json_verdict(&b, &res.commands[i].verdict);
		cpol_jbuf_raw(&b, "}", 1);
	}
	if (!res.ncommands) {
		cpol_jbuf_raw(&b, "{", 1);
		cpol_jbuf_key(&b, 0, "command");
		if (ca->command) {
			str(&b, ca->command);
		} else {
			cpol_jbuf_raw(&b, "\"", 1);
			for (int i = 0; i < ca->argc; i++) {
				if (i)
					cpol_jbuf_raw(&b, " ", 1);
				size_t l0 = b.len;
				cpol_jbuf_str(&b, ca->argv[i], strlen(ca->argv[i]), SIZE_MAX);
				/* drop the quotes cpol_jbuf_str added around this word */
				memmove(b.p + l0, b.p + l0 + 1, b.len - l0 - 2);
				b.len -= 2;
			}
			cpol_jbuf_raw(&b, "\"", 1);
		}
		cpol_jbuf_raw(&b, ",", 1);
		run_json_verdict(&b, &res.verdict);
		cpol_jbuf_raw(&b, "}", 1);
	}
	cpol_jbuf_raw(&b, "]", 1);
	static const char *const nets[] = { "none", "connect", "outbound", "any" };
	cpol_jbuf_key(&b, 1, "grants");
	cpol_jbuf_raw(&b, "{", 1);
	cpol_jbuf_key(&b, 0, "trusted");
	cpol_jbuf_cstr(&b, rs.spec.trusted ? "true" : "false");
	jarray(&b, "read", rs.spec.read_roots, NULL, rs.spec.nread);
	jarray(&b, "write", rs.spec.write_roots, NULL, rs.spec.nwrite);
	jarray(&b, "protect", rs.spec.protect, NULL, rs.spec.nprotect);
	cpol_jbuf_key(&b, 1, "network");
	str(&b, nets[rs.spec.net & 3]);
	jarray(&b, "connect_ports", NULL, rs.spec.connect_ports, rs.spec.nconnect);
	jarray(&b, "bind_ports", NULL, rs.spec.bind_ports, rs.spec.nbind);
	cpol_jbuf_raw(&b, "}}", 2);
	if (b.full) {
		send_error(o, id, -32603, "the answer is too large");
		goto out;
	}
	tool_result(o, id, b.p, b.len, b.p, b.len, 0);
out:
	free(buf);
	cpol_spec_free(&rs);
	cpol_ctx_free(ctx);
	cpol_image_close(im);
}

/* A captured stream: the first max bytes, and how many more there were. */
struct cap {
	char *p;
	size_t len, dropped;
};

static void take(struct cap *c, const char *s, size_t n, size_t max)
{
	size_t room = c->len < max ? max - c->len : 0, k = n < room ? n : room;
	memcpy(c->p + c->len, s, k);
	c->len += k;
	c->dropped += n - k;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void tool_run(struct mcp *m, struct out *o, const char *id, struct call_args *ca)
{
	/* codexrun's own command line */
	const char *args[64 + 4100];
	int n = 0;
	char popt[PATH_MAX + 16], wopt[PATH_MAX + 16], aopt[PATH_MAX + 16], sopt[128];
	/* argv[0] "codexrun": the program may be this very file (a hard
	 * link named codexpol-mcp), and the name picks what it does */
	const char *prog = m->common.codexrun ? m->common.codexrun : m->self;
	args[n++] = "codexrun";
	const char *profile = ca->profile ? ca->profile : m->common.profile;
	if (ca->profile || (!m->common.policy && m->common.profile)) {
		snprintf(popt, sizeof popt, "--profile=%s", profile);
		args[n++] = popt;
	} else if (m->common.policy) {
		snprintf(popt, sizeof popt, "--policy=%s", m->policy_abs);
		args[n++] = popt;
	}
	snprintf(wopt, sizeof wopt, "--workspace=%s", m->have_ws ? m->ws : ca->cwd);
	args[n++] = wopt;
	args[n++] = "--approve=never";
	if (m->common.audit) {
		snprintf(aopt, sizeof aopt, "--audit=%s", m->common.audit);
		args[n++] = aopt;
	}
	snprintf(sopt, sizeof sopt, "--session=%s", m->session);
	args[n++] = sopt;
	args[n++] = "--";
	if (ca->command) {
		args[n++] = "bash";
		args[n++] = "-c";
		args[n++] = ca->command;
	} else {
		for (int i = 0; i < ca->argc; i++)
			args[n++] = ca->argv[i];
	}
	args[n] = NULL;

	int po[2], pe[2];
	struct cap out = { 0 }, errc = { 0 };
	out.p = malloc(m->max_output + 160);
	errc.p = malloc(m->max_output + 160);
	char *buf = NULL;
	if (!out.p || !errc.p || pipe2(po, O_CLOEXEC) < 0) {
		send_error(o, id, -32603, "out of memory or descriptors");
		goto done;
	}
	if (pipe2(pe, O_CLOEXEC) < 0) {
		close(po[0]);
		close(po[1]);
		send_error(o, id, -32603, "out of descriptors");
		goto done;
	}
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		int in = open("/dev/null", O_RDONLY);
		dup2(in, 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		if (chdir(ca->cwd) < 0) {
			dprintf(2, "codexpol-mcp: cwd %s: %s\n", ca->cwd, strerror(errno));
			_exit(RUN_EXIT_FAIL);
		}
		execv(prog, (char *const *)args);
		dprintf(2, "codexpol-mcp: cannot run %s: %s\n", prog, strerror(errno));
		_exit(RUN_EXIT_FAIL);
	}
	close(po[1]);
	close(pe[1]);
	if (pid < 0) {
		close(po[0]);
		close(pe[0]);
		send_error(o, id, -32603, "cannot fork");
		goto done;
	}
	setpgid(pid, pid);
	double deadline = now() + (double)ca->timeout;
	int timed_out = 0, open_fds = 2;
	struct pollfd pf[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
	while (open_fds) {
		double left = deadline - now();
		if (left <= 0) {
			timed_out = 1;
			kill(-pid, SIGKILL);
			break;
		}
		int r = poll(pf, 2, (int)(left * 1000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		for (int i = 0; i < 2; i++) {
			if (pf[i].fd < 0 || !pf[i].revents)
				continue;
			char tmp[65536];
			ssize_t k = read(pf[i].fd, tmp, sizeof tmp);
			if (k > 0) {
				take(i ? &errc : &out, tmp, (size_t)k, m->max_output);
			} else if (k == 0 || errno != EINTR) {
				close(pf[i].fd);
				pf[i].fd = -1;
				open_fds--;
			}
		}
	}
	for (int i = 0; i < 2; i++)
		if (pf[i].fd >= 0)
			close(pf[i].fd);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	int status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);

	/* each stream with its marker appended: room reserved at malloc */
	static const char mark[] = "\n\xe2\x80\xa6[codexpol-mcp: output truncated, %zu more bytes]";
	if (out.dropped)
		out.len += (size_t)snprintf(out.p + out.len, 128, mark, out.dropped);
	if (errc.dropped)
		errc.len += (size_t)snprintf(errc.p + errc.len, 128, mark, errc.dropped);
	size_t cap = 8192 + 12 * (out.len + errc.len);
	buf = malloc(cap);
	char *text = malloc(out.len + errc.len + 256);
	if (!buf || !text) {
		free(text);
		send_error(o, id, -32603, "out of memory");
		goto done;
	}
	struct cpol_jbuf b;
	cpol_jbuf_init(&b, buf, cap);
	cpol_jbuf_raw(&b, "{", 1);
	cpol_jbuf_key(&b, 0, "exit_status");
	cpol_jbuf_int(&b, status);
	cpol_jbuf_key(&b, 1, "timed_out");
	cpol_jbuf_cstr(&b, timed_out ? "true" : "false");
	cpol_jbuf_key(&b, 1, "stdout");
	cpol_jbuf_str(&b, out.p, out.len, SIZE_MAX);
	cpol_jbuf_key(&b, 1, "stderr");
	cpol_jbuf_str(&b, errc.p, errc.len, SIZE_MAX);
	cpol_jbuf_key(&b, 1, "stdout_truncated_bytes");
	cpol_jbuf_int(&b, (int64_t)out.dropped);
	cpol_jbuf_key(&b, 1, "stderr_truncated_bytes");
	cpol_jbuf_int(&b, (int64_t)errc.dropped);
	cpol_jbuf_raw(&b, "}", 1);
	/* The text for the model: status line, then the two streams. */
	int k = snprintf(text, 256, "exit status %d%s\n--- stdout ---\n", status,
	                 timed_out ? " (killed: time limit)" : "");
	memcpy(text + k, out.p, out.len);
	size_t tl = (size_t)k + out.len;
	tl += (size_t)snprintf(text + tl, 32, "\n--- stderr ---\n");
	memcpy(text + tl, errc.p, errc.len);
	tl += errc.len;
	text[tl] = 0;
	if (b.full) {
		free(text);
		send_error(o, id, -32603, "the answer is too large");
		goto done;
	}
	tool_result(o, id, text, tl, b.p, b.len, status != 0 || timed_out);
	free(text);
done:
	free(buf);
	free(out.p);
	free(errc.p);
}

/* --- the protocol ----------------------------------------------------------- */

static void handle(struct mcp *m, struct out *o, const char *line, size_t n)
{
	struct cpol_json d;
	int prc = cpol_json_parse(&d, line, n);
	char idbuf[256];
	const char *id = NULL;
	struct call_args ca = { 0 };
	if (prc == -2) {
		send_error(o, NULL, -32603, "out of memory");
		goto out;
	}
	if (prc < 0) {
		send_error(o, NULL, -32700, "parse error: not JSON");
		goto out;
	}
	const struct cpol_jnode *r = &d.nodes[0];
	if (r->type == CPOL_JARR) {
		send_error(o, NULL, -32600, "invalid request: batches are not supported");
		goto out;
	}
	if (r->type != CPOL_JOBJ) {
		send_error(o, NULL, -32600, "invalid request: not an object");
		goto out;
	}
	const struct cpol_jnode *idn = cpol_json_get(&d, r, "id");
	if (idn) {
		if ((idn->type != CPOL_JSTR && !(idn->type == CPOL_JNUM && idn->isint)) || idn->raw_len >= sizeof idbuf) {
			send_error(o, NULL, -32600, "invalid request: id must be a string or an integer");
			goto out;
		}
		memcpy(idbuf, line + idn->raw_off, idn->raw_len);
		idbuf[idn->raw_len] = 0;
		id = idbuf;
	}
	const char *ver = cpol_json_get_str(&d, r, "jsonrpc");
	const char *method = cpol_json_get_str(&d, r, "method");
	if (!ver || strcmp(ver, "2.0") || !method) {
		if (id || !method)
			send_error(o, id, -32600, "invalid request: needs \"jsonrpc\":\"2.0\" and a method");
		goto out;
	}
	if (!id)
		goto out; /* a notification (initialized, cancelled, ...): never answered */
	const struct cpol_jnode *params = cpol_json_get(&d, r, "params");
	if (params && params->type != CPOL_JOBJ) {
		send_error(o, id, -32602, "params must be an object");
		goto out;
	}
	struct cpol_jbuf *b = &o->b;
	if (!strcmp(method, "initialize")) {
		const char *want = cpol_json_get_str(&d, params, "protocolVersion");
		const char *v = CPOL_MCP_PROTOCOL;
		for (size_t i = 0; want && i < sizeof versions / sizeof versions[0]; i++)
			if (!strcmp(want, versions[i]))
				v = versions[i];
		cpol_jbuf_init(b, o->p, o->cap);
		head(b, id);
		cpol_jbuf_cstr(b, ",\"result\":{\"protocolVersion\":");
		str(b, v);
		cpol_jbuf_cstr(b, ",\"capabilities\":{\"tools\":{\"listChanged\":false}},"
		                  "\"serverInfo\":{\"name\":\"codexpol-mcp\",\"title\":\"codexpol\",\"version\":\"" PACKAGE_VERSION
		                  "\"},\"instructions\":\"Use check to learn whether the codexpol policy allows a shell "
		                  "command and why; use run to run it under the policy inside the sandbox.\"}}");
		send_line(b);
	} else if (!strcmp(method, "ping")) {
		cpol_jbuf_init(b, o->p, o->cap);
		head(b, id);
		cpol_jbuf_cstr(b, ",\"result\":{}}");
		send_line(b);
	} else if (!strcmp(method, "tools/list")) {
		cpol_jbuf_init(b, o->p, o->cap);
		head(b, id);
		cpol_jbuf_cstr(b, ",\"result\":");
		cpol_jbuf_cstr(b, tools_json);
		cpol_jbuf_cstr(b, "}");
		send_line(b);
	} else if (!strcmp(method, "tools/call")) {
		const char *name = cpol_json_get_str(&d, params, "name");
		const struct cpol_jnode *args = cpol_json_get(&d, params, "arguments");
		int run = name && !strcmp(name, "run");
		if (!name || (!run && strcmp(name, "check"))) {
			char msg[200];
			snprintf(msg, sizeof msg, "unknown tool '%.100s'; the tools are check and run", name ? name : "");
			send_error(o, id, -32602, msg);
			goto out;
		}
		const char *bad = read_args(m, &d, args, &ca, run);
		if (bad) {
			send_error(o, id, -32602, bad);
			goto out;
		}
		if (run)
			tool_run(m, o, id, &ca);
		else
			tool_check(m, o, id, &ca);
	} else {
		char msg[200];
		snprintf(msg, sizeof msg, "method not found: %.100s", method);
		send_error(o, id, -32601, msg);
	}
out:
	free(ca.argv);
	cpol_json_free(&d);
}

static int mcp_args(int argc, char **argv, struct mcp *m)
{
	enum { O_MCP = 256, O_SESSION, O_TIMEOUT, O_MAXOUT };
	static const struct option longopts[] = {
		CPOL_OPT_FLAG("mcp", O_MCP),
		RUN_OPTS_LONG,
		RUN_OPT_LONG_CODEXRUN,
		CPOL_OPT_ARG("session", O_SESSION),
		CPOL_OPT_ARG("timeout", O_TIMEOUT),
		CPOL_OPT_ARG("max-output", O_MAXOUT),
		CPOL_OPT_HELP,
		CPOL_OPT_END,
	};
	int c;
	char *end;
	optind = 1;
	while ((c = run_opts_next(argc, argv, "+:" RUN_OPTS_SHORT "h", longopts, &m->common)) != -1) {
		switch (c) {
		case O_MCP: break;
		case O_SESSION: snprintf(m->session, sizeof m->session, "%s", optarg); break;
		case O_TIMEOUT:
			m->timeout = strtol(optarg, &end, 10);
			if (*end || m->timeout < 1 || m->timeout > 3600) {
				fprintf(stderr, "codexpol-mcp: --timeout takes 1 to 3600 seconds, not '%s'\n", optarg);
				return -1;
			}
			break;
		case O_MAXOUT: {
			unsigned long v = strtoul(optarg, &end, 10);
			if (*end || v < 1 || v > (64ul << 20)) {
				fprintf(stderr, "codexpol-mcp: --max-output takes 1 to 67108864 bytes, not '%s'\n", optarg);
				return -1;
			}
			m->max_output = v;
			break;
		}
		case 'h': exit(cpol_cli_help(mcp_usage));
		case ':':
			fprintf(stderr, "codexpol-mcp: option needs an argument: '%s'\n", cpol_cli_bad_word(argv));
			return -1;
		default:
			fprintf(stderr, "codexpol-mcp: unknown option '%s'\nTry 'codexpol-mcp --help'.\n", cpol_cli_bad_word(argv));
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "codexpol-mcp: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	const char *bad = run_opts_check(&m->common);
	if (bad) {
		fprintf(stderr, "codexpol-mcp: %s\n", bad);
		return -1;
	}
	if (m->common.workspace) {
		if (!realpath(m->common.workspace, m->ws)) {
			fprintf(stderr, "codexpol-mcp: workspace %s: %s\n", m->common.workspace, strerror(errno));
			return -1;
		}
		m->have_ws = 1;
	}
	return 0;
}

int cpol_mcp_main(int argc, char **argv, cpol_hook_profile_fn open_profile)
{
	static struct mcp m;
	m.open_profile = open_profile;
	m.timeout = 60;
	m.max_output = 65536;
	if (mcp_args(argc, argv, &m) < 0)
		return RUN_EXIT_FAIL;
	if (!getcwd(m.cwd, sizeof m.cwd)) {
		fprintf(stderr, "codexpol-mcp: cannot find the working directory: %s\n", strerror(errno));
		return RUN_EXIT_FAIL;
	}
	ssize_t sl = readlink("/proc/self/exe", m.self, sizeof m.self - 1);
	if (sl <= 0) {
		fprintf(stderr, "codexpol-mcp: cannot find its own program: %s\n", strerror(errno));
		return RUN_EXIT_FAIL;
	}
	m.self[sl] = 0;
	cpol_error err;
	/* the policy is checked once at start: a bad one is a start-up error */
	if (m.common.policy && !realpath(m.common.policy, m.policy_abs)) {
		fprintf(stderr, "codexpol-mcp: policy %s: %s\n", m.common.policy, strerror(errno));
		return RUN_EXIT_FAIL;
	}
	cpol_image *im = load(&m, NULL, &err);
	if (!im) {
		fprintf(stderr, "codexpol-mcp: %s\n", err.msg);
		return RUN_EXIT_FAIL;
	}
	cpol_image_close(im);
	const char *t = getenv("TMPDIR");
	snprintf(m.tmp, sizeof m.tmp, "%s", t && t[0] == '/' ? t : "/tmp");
	run_account(m.home, sizeof m.home, m.user, sizeof m.user);
	if (!m.session[0]) {
		const char *env = getenv("CODEXPOL_SESSION");
		unsigned char rnd[8] = { 0 };
		if (env && *env) {
			snprintf(m.session, sizeof m.session, "%s", env);
		} else {
			if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
				rnd[0] = (unsigned char)getpid();
			snprintf(m.session, sizeof m.session, "mcp-%02x%02x%02x%02x%02x%02x%02x%02x", rnd[0], rnd[1],
			         rnd[2], rnd[3], rnd[4], rnd[5], rnd[6], rnd[7]);
		}
	}
	signal(SIGPIPE, SIG_IGN);
	struct out o;
	o.cap = 32 * m.max_output + (8u << 20);
	o.p = malloc(o.cap);
	char *line = malloc(CPOL_MCP_LINE_MAX + 1);
	if (!o.p || !line) {
		fprintf(stderr, "codexpol-mcp: out of memory\n");
		return RUN_EXIT_FAIL;
	}
	for (;;) {
		size_t n = 0;
		int ch, too_long = 0;
		while ((ch = getchar()) != EOF && ch != '\n') {
			if (n < CPOL_MCP_LINE_MAX)
				line[n++] = (char)ch;
			else
				too_long = 1;
		}
		if (ch == EOF && n == 0)
			break;
		if (too_long)
			send_error(&o, NULL, -32700, "parse error: the message is longer than 1 MiB");
		else if (n && !(n == 1 && line[0] == '\r'))
			handle(&m, &o, line, n);
		if (ch == EOF)
			break;
	}
	free(line);
	free(o.p);
	return 0;
}
