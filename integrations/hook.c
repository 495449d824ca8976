/* integrations/hook.c -- codexrun --hook=AGENT: read the agent's hook JSON,
 * judge the shell command, record it, answer in the agent's format (see
 * hook.h). Every failure is the blocking exit 2 with one line on stderr;
 * this file must never answer "allow" for input it could not judge.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/audit.h"
#include "cli/run.h"
#include "cli/run_env.h"
#include "cli/run_opts.h"
#include "common/readfile.h"
#include "common/strbuf.h"
#include "integrations/hook.h"

const unsigned char *cpol_offline_data(size_t *len);

static const char hook_usage[] =
	"Usage: codexrun --hook=AGENT [OPTION]... < HOOK-JSON\n"
	"Answer a coding agent's pre-tool hook with the policy's decision.\n"
	"AGENT is claude (PreToolUse on Bash), codex (PreToolUse or PermissionRequest\n"
	"on Bash) or gemini (BeforeTool on run_shell_command).\n"
	"\n"
	"  -p, --policy=FILE     use the compiled policy image FILE\n"
	"      --profile=NAME    use an installed profile (default: the offline policy)\n"
	"  -w, --workspace=DIR   the workspace (default: the cwd in the hook input)\n"
	"      --audit=DEST      audit records to DEST: a FILE, syslog or none\n"
	"      --no-wrap         claude: do not rewrite an allowed command to run\n"
	"                        under codexrun (inside the sandbox)\n"
	"      --codexrun=PATH   the codexrun that runs rewritten commands\n"
	"                        (default: this program)\n"
	"  -h, --help            show this help and exit\n"
	"\n"
	"Exit status: 0 with the answer on stdout; 2 (the agents' \"block\") with the\n"
	"reason on stderr when the input cannot be judged; 125 for bad options.\n";

struct hook_opts {
	const struct cpol_hook_agent *agent;
	struct run_common_opts common;
	int no_wrap;
};

static int usage_fail(const char *what, const char *arg)
{
	fprintf(stderr, "codexrun: %s%s%s%s\nTry 'codexrun --hook=claude --help' for more information.\n", what,
	        arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
	return RUN_EXIT_FAIL;
}

static int parse_hook_args(int argc, char **argv, struct hook_opts *o)
{
	enum { O_HOOK = 256, O_NOWRAP };
	static const struct option longopts[] = {
		CPOL_OPT_ARG("hook", O_HOOK),
		RUN_OPTS_LONG,
		RUN_OPT_LONG_CODEXRUN,
		CPOL_OPT_FLAG("no-wrap", O_NOWRAP),
		CPOL_OPT_HELP,
		CPOL_OPT_END,
	};
	int c;
	optind = 1;
	while ((c = run_opts_next(argc, argv, "+:" RUN_OPTS_SHORT "h", longopts, &o->common)) != -1) {
		switch (c) {
		case O_HOOK:
			if (!strcmp(optarg, "claude"))
				o->agent = &cpol_hook_claude;
			else if (!strcmp(optarg, "codex"))
				o->agent = &cpol_hook_codex;
			else if (!strcmp(optarg, "gemini"))
				o->agent = &cpol_hook_gemini;
			else
				return usage_fail("--hook takes claude, codex or gemini, not", optarg);
			break;
		case O_NOWRAP: o->no_wrap = 1; break;
		case 'h': exit(cpol_cli_help(hook_usage));
		case ':': return usage_fail("option needs an argument:", cpol_cli_bad_word(argv));
		default: return usage_fail("unknown option in --hook mode:", cpol_cli_bad_word(argv));
		}
	}
	if (!o->agent)
		return usage_fail("--hook needs an agent: claude, codex or gemini", NULL);
	const char *bad = run_opts_check(&o->common);
	if (bad)
		return usage_fail(bad, NULL);
	if (optind < argc)
		return usage_fail("--hook takes no command; it reads the agent's JSON on stdin, not", argv[optind]);
	return 0;
}

/* A shell word that the shell gives back exactly: single quotes, and each
 * single quote inside as '\'' (POSIX sh, bash, zsh alike). */
static void sb_quote(struct cpol_strbuf *s, const char *t)
{
	cpol_sb_add(s, "'", 1);
	for (const char *q; (q = strchr(t, '\'')); t = q + 1) {
		cpol_sb_add(s, t, (size_t)(q - t));
		cpol_sb_add(s, "'\\''", 4);
	}
	cpol_sb_adds(s, t);
	cpol_sb_add(s, "'", 1);
}

/* A session id the audit log accepts (see audit.h), else NULL. */
static const char *audit_session(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s);
	if (n == 0 || n > CPOL_AUDIT_SESSION_MAX)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '!' || s[i] > '~')
			return NULL;
	return s;
}

struct hook {
	struct hook_opts o;
	cpol_hook_profile_fn open_profile;
	struct cpol_audit *audit;
	cpol_image *im;
	char policy_abs[PATH_MAX], ws[PATH_MAX], home[PATH_MAX], tmp[PATH_MAX], user[256];
	struct cpol_hook_call call;
};

/* Record the call; -1 when the record could not be written. */
static int hook_record(struct hook *h, const char *decision, const cpol_verdict *v, const char *reason,
                       const char *src, cpol_error *err)
{
	if (!h->audit)
		return 0;
	struct cpol_audit_record rec = CPOL_AUDIT_RECORD_INIT;
	char *argv[2] = { (char *)(h->call.command ? h->call.command : ""), NULL };
	rec.op = "hook";
	if (h->call.command) {
		rec.argv = argv;
		rec.argc = 1;
	}
	rec.cwd = h->call.cwd;
	rec.decision = decision;
	rec.rule = v ? v->rule : NULL;
	rec.reason = reason;
	rec.source = src && src[0] ? src : NULL;
	if (h->im) {
		rec.profile = cpol_image_name(h->im);
		rec.policy = cpol_image_hash(h->im);
	}
	rec.agent = h->o.agent->name;
	rec.tool_use_id = h->call.tool_use_id;
	return cpol_audit_write(h->audit, &rec, err);
}

/* NULL when the call's event and tool are ones the adapter answers, else
 * the reason it is refused. */
static const char *refused_call(const struct cpol_hook_agent *ag, const struct cpol_hook_call *c)
{
	int known = 0;
	for (size_t i = 0; i < sizeof ag->events / sizeof ag->events[0]; i++)
		known |= ag->events[i] && !strcmp(c->event, ag->events[i]);
	if (!known)
		return ag->wrong_event;
	if (!c->tool)
		return "the hook input has no string tool_name";
	if (strcmp(c->tool, ag->shell_tool))
		return ag->wrong_tool;
	return NULL;
}

/* The blocking failure: recorded when possible, one line on stderr (which
 * the agent shows to the model), exit 2. */
__attribute__((format(printf, 2, 3)))
static int hook_block(struct hook *h, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cpol_error err;
	if (h->audit && hook_record(h, "forbid", NULL, msg, NULL, &err) < 0)
		fprintf(stderr, "codexpol: %s\n", err.msg);
	fprintf(stderr, "codexpol: blocked: %s\n", msg);
	return CPOL_HOOK_EXIT_BLOCK;
}

static cpol_image *hook_policy(struct hook *h, cpol_error *err)
{
	if (h->o.common.policy) {
		if (!realpath(h->o.common.policy, h->policy_abs)) {
			cpol_fail(err, errno, "policy %s: %s", h->o.common.policy, strerror(errno));
			return NULL;
		}
		return cpol_image_open(h->policy_abs, err);
	}
	if (h->o.common.profile)
		return h->open_profile(h->o.common.profile, err);
	size_t len;
	const unsigned char *data = cpol_offline_data(&len);
	return cpol_image_load(data, len, 1, err);
}

static void env_defaults(struct hook *h)
{
	const char *t = getenv("TMPDIR");
	snprintf(h->tmp, sizeof h->tmp, "%s", t && t[0] == '/' ? t : "/tmp");
	run_account(h->home, sizeof h->home, h->user, sizeof h->user);
}

/* The words of the explanation the model sees. */
static void explain(struct cpol_strbuf *s, const cpol_image *im, const cpol_result *res)
{
	const cpol_verdict *v = &res->verdict;
	char src[4200];
	cpol_sb_adds(s, "codexpol: ");
	cpol_sb_adds(s, cpol_decision_name(v->decision));
	cpol_sb_adds(s, " by rule \"");
	cpol_sb_adds(s, v->rule);
	cpol_sb_adds(s, "\"");
	run_source(v, src, sizeof src);
	if (src[0]) {
		cpol_sb_adds(s, " (");
		cpol_sb_adds(s, src);
		cpol_sb_adds(s, ")");
	}
	if (v->reason[0]) {
		cpol_sb_adds(s, ": ");
		cpol_sb_adds(s, v->reason);
	}
	/* In a script, the part that decided. */
	if (res->ncommands > 1) {
		for (unsigned i = 0; i < res->ncommands; i++) {
			const cpol_verdict *cv = &res->commands[i].verdict;
			if (cv->decision == v->decision && !strcmp(cv->rule, v->rule)) {
				cpol_sb_adds(s, "; in: ");
				cpol_sb_adds(s, res->commands[i].text);
				break;
			}
		}
	}
	cpol_sb_adds(s, " [policy ");
	cpol_sb_adds(s, cpol_image_name(im));
	cpol_sb_adds(s, "]");
}

/* The command line that runs the agent's command under codexrun. */
static void wrap(struct cpol_strbuf *s, struct hook *h, int approved)
{
	char self[PATH_MAX];
	const char *run = h->o.common.codexrun;
	if (!run) {
		ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
		if (n <= 0) {
			s->oom = 1;
			return;
		}
		self[n] = 0;
		run = self;
	}
	sb_quote(s, run);
	if (h->o.common.policy) {
		cpol_sb_adds(s, " --policy=");
		sb_quote(s, h->policy_abs);
	} else if (h->o.common.profile) {
		cpol_sb_adds(s, " --profile=");
		sb_quote(s, h->o.common.profile);
	}
	cpol_sb_adds(s, " --workspace=");
	sb_quote(s, h->ws);
	if (h->o.common.audit) {
		/* absolute: the agent may run the command in another directory */
		char abs[2 * PATH_MAX], here[PATH_MAX];
		const char *a = h->o.common.audit;
		if (a[0] != '/' && strcmp(a, "syslog") && strcmp(a, "none") && getcwd(here, sizeof here)) {
			snprintf(abs, sizeof abs, "%s/%s", here, a);
			a = abs;
		}
		cpol_sb_adds(s, " --audit=");
		sb_quote(s, a);
	}
	const char *sess = audit_session(h->call.session);
	if (sess) {
		cpol_sb_adds(s, " --session=");
		sb_quote(s, sess);
	}
	cpol_sb_adds(s, approved ? " --approve=always" : " --approve=never");
	cpol_sb_adds(s, " -- bash -c ");
	sb_quote(s, h->call.command);
}

int cpol_hook_main(int argc, char **argv, cpol_hook_profile_fn open_profile)
{
	struct hook h;
	memset(&h, 0, sizeof h);
	h.open_profile = open_profile;
	if (parse_hook_args(argc, argv, &h.o))
		return RUN_EXIT_FAIL;
	env_defaults(&h);
	struct cpol_hook_call *c = &h.call;
	const struct cpol_hook_agent *ag = h.o.agent;
	struct cpol_json doc;
	memset(&doc, 0, sizeof doc);
	struct cpol_strbuf why = { 0 }, wrapped = { 0 };
	cpol_ctx *ctx = NULL;
	char *out = NULL;
	cpol_error err;
	int rc;

	size_t n = 0;
	cpol_error rerr;
	char *in = cpol_read_fd(STDIN_FILENO, "the hook input", CPOL_HOOK_INPUT_MAX, &n, &rerr);
	if (!in) {
		struct cpol_audit_opts ao0 = { .spec = h.o.common.audit, .user = h.user, .home = h.home };
		h.audit = cpol_audit_open(&ao0, &err);
		rc = hook_block(&h, "%s", rerr.msg);
		goto out;
	}
	int prc = cpol_json_parse(&doc, in, n);
	const struct cpol_jnode *root = doc.n ? &doc.nodes[0] : NULL;
	c->doc = &doc;
	c->doc_text = in;
	if (prc == 0 && root->type == CPOL_JOBJ) {
		c->session = cpol_json_get_str(&doc, root, "session_id");
		c->event = cpol_json_get_str(&doc, root, "hook_event_name");
		c->tool = cpol_json_get_str(&doc, root, "tool_name");
		c->cwd = cpol_json_get_str(&doc, root, "cwd");
		c->tool_use_id = cpol_json_get_str(&doc, root, "tool_use_id");
		c->tool_input = cpol_json_get(&doc, root, "tool_input");
		c->command = cpol_json_get_str(&doc, c->tool_input, "command");
	}
	/* The audit sink first, so that even refused input leaves a record,
	 * under the agent's own session id when it is one the log accepts. */
	struct cpol_audit_opts ao = { .spec = h.o.common.audit, .session = audit_session(c->session), .user = h.user,
	                              .home = h.home };
	h.audit = cpol_audit_open(&ao, &err);
	if (!h.audit) {
		rc = hook_block(&h, "%s", err.msg);
		goto out;
	}
	if (prc == -2) {
		rc = hook_block(&h, "out of memory reading the hook input");
		goto out;
	}
	if (prc < 0 || root->type != CPOL_JOBJ) {
		rc = hook_block(&h, "the hook input is not a JSON object");
		goto out;
	}
	if (!c->event) {
		rc = hook_block(&h, "the hook input has no string hook_event_name");
		goto out;
	}
	const char *refuse = refused_call(ag, c);
	if (refuse) {
		rc = hook_block(&h, "%s", refuse);
		goto out;
	}
	if (!c->tool_input || c->tool_input->type != CPOL_JOBJ) {
		rc = hook_block(&h, "the hook input has no tool_input object");
		goto out;
	}
	if (!c->command) {
		rc = hook_block(&h, "tool_input.command is missing, not a string, or holds a NUL byte");
		goto out;
	}
	if (strlen(c->command) > CPOL_HOOK_COMMAND_MAX) {
		size_t len = strlen(c->command);
		c->command = NULL; /* not into the record whole */
		rc = hook_block(&h, "the command is %zu bytes long; the most codexpol judges is %u", len,
		                CPOL_HOOK_COMMAND_MAX);
		goto out;
	}
	if (!c->session || !c->session[0]) {
		rc = hook_block(&h, "the hook input has no session_id");
		goto out;
	}
	if (ag->id_event && !strcmp(c->event, ag->id_event) && (!c->tool_use_id || !c->tool_use_id[0])) {
		rc = hook_block(&h, "the hook input has no tool_use_id");
		goto out;
	}
	if (!c->cwd || c->cwd[0] != '/') {
		rc = hook_block(&h, "the hook input has no absolute cwd");
		goto out;
	}
	if (h.o.common.workspace) {
		if (!realpath(h.o.common.workspace, h.ws)) {
			rc = hook_block(&h, "workspace %s: %s", h.o.common.workspace, strerror(errno));
			goto out;
		}
	} else {
		snprintf(h.ws, sizeof h.ws, "%s", c->cwd);
	}
	h.im = hook_policy(&h, &err);
	if (!h.im) {
		rc = hook_block(&h, "%s", err.msg);
		goto out;
	}
	cpol_env env = { c->cwd, h.ws, h.tmp, h.home, h.user };
	ctx = cpol_ctx_new(h.im, &env, &err);
	if (!ctx) {
		rc = hook_block(&h, "%s", err.msg);
		goto out;
	}
	/* Not rewritten to run under codexrun, the command runs outside the
	 * sandbox: nothing may pass because the sandbox would hold it (the
	 * sandboxed default asks too). */
	cpol_ctx_set_unconfined(ctx, h.o.no_wrap || !ag->can_wrap);
	/* The agent's shell runs it with the agent's environment, which the
	 * hook shares; codexrun removes CDPATH from the wrapped command's. */
	if (h.o.no_wrap || !ag->can_wrap)
		cpol_ctx_set_cdpath(ctx, getenv("CDPATH"));
	cpol_result res;
	c->decision = cpol_eval_line(ctx, c->command, strlen(c->command), &res);
	explain(&why, h.im, &res);
	if (c->decision == CPOL_PROMPT && ag->prompt_note)
		cpol_sb_adds(&why, ag->prompt_note);
	if (c->decision != CPOL_FORBID && !h.o.no_wrap && ag->can_wrap) {
		c->wrap_approved = c->decision == CPOL_PROMPT;
		wrap(&wrapped, &h, c->wrap_approved);
		c->wrapped = wrapped.p;
	}
	if (why.oom || wrapped.oom) {
		rc = hook_block(&h, "out of memory");
		goto out;
	}
	c->reason = why.p;
	char src[4200];
	run_source(&res.verdict, src, sizeof src);
	if (hook_record(&h, cpol_decision_name(c->decision), &res.verdict, res.verdict.reason, src, &err) < 0) {
		fprintf(stderr, "codexpol: blocked: %s\n", err.msg);
		rc = CPOL_HOOK_EXIT_BLOCK;
		goto out;
	}
	/* Room for every byte of the input escaped (6x) and quoted (4x). */
	size_t cap = 4096 + 32 * (n + wrapped.len + why.len);
	out = malloc(cap);
	if (!out) {
		rc = hook_block(&h, "out of memory");
		goto out;
	}
	struct cpol_jbuf b;
	cpol_jbuf_init(&b, out, cap);
	ag->answer(&b, c);
	cpol_jbuf_raw(&b, "\n", 1);
	if (b.full) {
		rc = hook_block(&h, "the answer does not fit its buffer");
		goto out;
	}
	if (fwrite(b.p, 1, b.len, stdout) != b.len || fflush(stdout) != 0) {
		rc = hook_block(&h, "cannot write the answer: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(out);
	free(why.p);
	free(wrapped.p);
	cpol_ctx_free(ctx);
	cpol_image_close(h.im);
	cpol_audit_close(h.audit);
	cpol_json_free(&doc);
	free(in);
	return rc;
}
