/* cli/codexrun.c -- the runtime: decide, record, confine, run.
 *
 *   codexrun [-p POLICY.bin | --profile NAME] [OPTION]... [--] CMD [ARG]...
 *
 * main runs named steps, each a function below, until one ends the run:
 * open_audit, load (the image, verified, or the built-in offline policy),
 * decide (CMD resolved through PATH, the argv evaluated in the VM, the
 * policy layers, `deny read`), explain (--explain), record_decision,
 * approve (forbid -> 126; prompt -> ask on the terminal or --approve),
 * build_spec (sandbox/spec.h), prepare_sandbox (the backend), prepare_env,
 * prepare_limits, execute (in a child, under the sandbox; the exit record).
 * The records are built by audit/records.c; writing them fails closed.
 * Exit status: the command's; 126 forbidden or refused; 125 codexrun
 * failed; 127 command not found; 128+N killed by signal N.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "audit/records.h"
#include "cli/approvals.h"
#include "cli/layers.h"
#include "cli/run.h"
#include "cli/run_env.h"
#include "cli/run_opts.h"
#include "cli/say.h"
#include "integrations/hook.h"
#include "integrations/mcp.h"
#include "vm/query.h"
int cpol_explain_codex(const cpol_result *res, char *const *argv, int argc);

const unsigned char *cpol_offline_data(size_t *len);

static const char usage_text[] =
	"Usage: codexrun [OPTION]... [--] COMMAND [ARG]...\n"
	"Decide whether COMMAND may run under a codexpol policy, then run it inside a\n"
	"Linux sandbox (Landlock, seccomp, no_new_privs) and record the decision.\n"
	"\n"
	"  -p, --policy=FILE        use the compiled policy image FILE\n"
	"                           (default: the built-in offline policy)\n"
	"      --profile=NAME       use an installed profile: offline, net-read-only,\n"
	"                           workspace-write (or workspace), workspace-net, trusted\n"
	"  -w, --workspace=DIR      the workspace ($WORKSPACE; default: the working directory)\n"
	"      --explain            print the decision and why, run nothing\n"
	"      --json               with --explain (or --audit-tail): JSON output\n"
	"      --format=codex       with --explain: the JSON of codex execpolicy check\n"
	"      --approve=WHEN       prompt decisions: ask (default: on the terminal;\n"
	"                           refused without one), never, always\n"
	"      --audit=DEST         audit records to DEST: a FILE, syslog or none\n"
	"                           (default: $CODEXPOL_AUDIT, else\n"
	"                           $XDG_STATE_HOME/codexpol/audit.jsonl)\n"
	"      --audit-best-effort  run the command even when its record cannot be written\n"
	"      --session=ID         session id of the records (default: $CODEXPOL_SESSION\n"
	"                           or a fresh random id)\n"
	"      --require-sandbox    fail (125) when the kernel cannot enforce all of it\n"
	"      --trusted            accept a policy that grants everything\n"
	"      --explain-denials    after the command, print what the sandbox refused it\n"
	"                           (needs root and the kernel's audit switched on)\n"
	"      --audit-tail[=N]     print the last N audit records (all without N) and exit;\n"
	"                           filter with --session and --decision\n"
	"      --decision=D         with --audit-tail: only allow, prompt or forbid records\n"
	"      --hook=AGENT         (first option) answer the pre-tool hook of claude, codex\n"
	"                           or gemini; with it --no-wrap and --codexrun=PATH\n"
	"                           (see codexrun --hook=claude --help)\n"
	"      --mcp                (first option) the MCP server codexpol-mcp\n"
	"      --approvals          list the approvals remembered for the workspace (answer\n"
	"                           'a' at a prompt); --remove=N forgets number N\n"
	"  -h, --help               show this help and exit\n"
	"  -V, --version            show the version and exit\n"
	"\n"
	"Exit status: the command's own; 126 if the policy forbids it or approval is\n"
	"refused; 125 if codexrun fails; 127 if the command is not found; 128+N if it\n"
	"is killed by signal N.\n";

static const char *const profiles[] = { "offline", "net-read-only", "workspace-write", "workspace-net", "trusted" };

/* An error of codexrun itself: the line on stderr, then exit status 125. */
#define fail(...) cpol_cli_error("codexrun", RUN_EXIT_FAIL, 0, __VA_ARGS__)

/* A mistake in the command line: what, the word at fault (or NULL). */
static int usage(const char *what, const char *arg)
{
	return arg ? cpol_cli_error("codexrun", RUN_EXIT_FAIL, 1, "%s '%s'", what, arg)
	           : cpol_cli_error("codexrun", RUN_EXIT_FAIL, 1, "%s", what);
}

/* Where installed profiles live: $CODEXPOL_DATADIR, the build tree next to
 * this program, then the installed data folder. */
struct run;
static cpol_image *open_image(struct run *r, const char *path, cpol_error *err);

static cpol_image *open_profile(struct run *r, const char *name, cpol_error *err)
{
	if (!strcmp(name, "workspace"))
		name = "workspace-write";
	int known = 0;
	for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
		known |= !strcmp(profiles[i], name);
	if (!known) {
		char list[128] = "";
		for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++) {
			size_t l = strlen(list);
			snprintf(list + l, sizeof list - l, " %s", profiles[i]);
		}
		cpol_fail(err, EINVAL, "unknown profile '%s'; the profiles are:%s (workspace = workspace-write)", name,
		          list);
		return NULL;
	}
	char path[PATH_MAX], self[PATH_MAX];
	const char *dirs[3] = { getenv("CODEXPOL_DATADIR"), NULL, PKGDATADIR };
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = 0;
		char *slash = strrchr(self, '/');
		if (slash) {
			snprintf(slash, sizeof self - (size_t)(slash - self), "/stdlib-policies");
			dirs[1] = self;
		}
	}
	for (int i = 0; i < 3; i++) {
		if (!dirs[i] || !*dirs[i])
			continue;
		snprintf(path, sizeof path, "%s/%s.bin", dirs[i], name);
		if (access(path, R_OK) == 0)
			return open_image(r, path, err);
	}
	cpol_fail(err, ENOENT, "profile '%s' is not installed (looked in $CODEXPOL_DATADIR and %s)", name, PKGDATADIR);
	return NULL;
}

static int parse_approve(const char *s, enum run_approve *a)
{
	if (!strcmp(s, "ask"))
		*a = APPROVE_ASK;
	else if (!strcmp(s, "never"))
		*a = APPROVE_NEVER;
	else if (!strcmp(s, "always"))
		*a = APPROVE_ALWAYS;
	else
		return -1;
	return 0;
}

static int parse_args(int argc, char **argv, struct run_opts *o)
{
	enum { O_EXPLAIN = 256, O_JSON, O_APPROVE, O_BEST, O_SESSION, O_REQUIRE, O_TRUSTED,
	       O_TAIL, O_DECISION, O_FORMAT, O_APPROVALS, O_REMOVE, O_DENIALS };
	static const struct option longopts[] = {
		RUN_OPTS_LONG,
		CPOL_OPT_FLAG("explain", O_EXPLAIN),
		CPOL_OPT_FLAG("json", O_JSON),
		CPOL_OPT_ARG("approve", O_APPROVE),
		CPOL_OPT_FLAG("audit-best-effort", O_BEST),
		CPOL_OPT_ARG("session", O_SESSION),
		CPOL_OPT_FLAG("require-sandbox", O_REQUIRE),
		CPOL_OPT_FLAG("trusted", O_TRUSTED),
		CPOL_OPT_MAYBE("audit-tail", O_TAIL),
		CPOL_OPT_ARG("decision", O_DECISION),
		CPOL_OPT_ARG("format", O_FORMAT),
		CPOL_OPT_FLAG("approvals", O_APPROVALS),
		CPOL_OPT_ARG("remove", O_REMOVE),
		CPOL_OPT_FLAG("explain-denials", O_DENIALS),
		CPOL_OPT_HELP,
		CPOL_OPT_VERSION,
		CPOL_OPT_END,
	};
	struct run_common_opts co = { 0 };
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:" RUN_OPTS_SHORT "hV", longopts, NULL)) != -1) {
		/* --audit=best-effort: another spelling of --audit-best-effort */
		if (c == RUN_OPT_AUDIT && !strcmp(optarg, "best-effort"))
			c = O_BEST;
		else if (run_opts_take(c, optarg, &co))
			continue;
		switch (c) {
		case O_EXPLAIN: o->explain = 1; break;
		case O_JSON: o->json = 1; break;
		case O_APPROVE:
			if (parse_approve(optarg, &o->approve) < 0)
				return usage("--approve takes ask, never or always, not", optarg);
			break;
		case O_BEST: o->audit_best_effort = 1; break;
		case O_SESSION: o->session = optarg; break;
		case O_REQUIRE: o->require_sandbox = 1; break;
		case O_TRUSTED: o->trusted = 1; break;
		case O_TAIL: {
			o->tail = 1;
			if (optarg) {
				char *end;
				unsigned long n = strtoul(optarg, &end, 10);
				if (*end || !*optarg || n > 1000000000ul)
					return usage("--audit-tail takes a number of records, not", optarg);
				o->tail_n = (unsigned)n;
			}
			break;
		}
		case O_DECISION:
			if (strcmp(optarg, "allow") && strcmp(optarg, "prompt") && strcmp(optarg, "forbid"))
				return usage("--decision takes allow, prompt or forbid, not", optarg);
			o->decision = optarg;
			break;
		case O_FORMAT:
			/* codex: Codex's `execpolicy check` JSON (integrations/explain_codex.c) */
			if (strcmp(optarg, "codex"))
				return usage("--format takes codex, not", optarg);
			o->json = 2;
			break;
		case O_APPROVALS: o->approvals = 1; break;
		case O_DENIALS: o->explain_denials = 1; break;
		case O_REMOVE: {
			char *end;
			unsigned long n = strtoul(optarg, &end, 10);
			if (*end || !*optarg || n < 1 || n > 1000000ul)
				return usage("--remove takes the number of a remembered approval, not", optarg);
			o->remove = (unsigned)n;
			break;
		}
		case 'h': exit(cpol_cli_help(usage_text));
		case 'V': exit(cpol_cli_version("codexrun"));
		case ':': return usage("option needs an argument:", cpol_cli_bad_word(argv));
		default: return usage("unknown option", cpol_cli_bad_word(argv));
		}
	}
	if (run_opts_check(&co))
		return usage(run_opts_check(&co), NULL);
	o->policy = co.policy;
	o->profile = co.profile;
	o->workspace = co.workspace;
	o->audit = co.audit;
	o->argc = argc - optind;
	o->argv = argv + optind;
	if (o->remove && !o->approvals)
		return usage("--remove goes with --approvals", NULL);
	if (!o->tail && !o->approvals && o->argc == 0)
		return usage("no command given", NULL);
	return 0;
}

struct run {
	struct run_opts o;
	cpol_image *im;
	cpol_env env;
	char cwd[PATH_MAX], ws[PATH_MAX], home[PATH_MAX], tmp[PATH_MAX], user[256];
	char path[PATH_MAX];      /* the command, resolved through PATH */
	char image[PATH_MAX];     /* the image file read, as the kernel names it; "" when built in */
	unsigned long image_links;
	int found;
	struct cpol_audit *audit;
	int audit_failed;
	/* what the steps of main hand on */
	int trusted_image;        /* the policy grants everything */
	cpol_ctx *ctx;
	cpol_result res;
	cpol_decision d;
	struct run_layers layers;
	const cpol_image *dim;    /* the image of the rule that decided: the profile's or a layer's */
	char src[4200];           /* the deciding rule's file:line:col */
	struct cpol_spec rs;
	struct cpol_spec_grants grants;
	struct cpol_sandbox *sb;
	struct cpol_sandbox_report rep;
	char **envp;
	char removed[1024];       /* the variables the scrub removed or pinned */
	char lnotes[512];         /* how the resource limits are held */
	const char *undone;       /* what cpol_sandbox_undo removed after the run */
};

/* Write one record; a failure is fatal unless --audit-best-effort. */
static int record(struct run *r, const struct cpol_audit_record *rec)
{
	cpol_error err;
	if (!r->audit)
		return 0;
	if (cpol_audit_write(r->audit, rec, &err) == 0)
		return 0;
	if (r->o.audit_best_effort) {
		if (!r->audit_failed)
			fprintf(stderr, "codexrun: %s; running anyway (--audit-best-effort)\n", err.msg);
		r->audit_failed = 1;
		return 0;
	}
	fprintf(stderr, "codexrun: %s; not running the command\n", err.msg);
	return -1;
}

static void exit_record_full(struct run *r, int status, int sig, int64_t ms, int ended, const char *limit)
{
	struct cpol_audit_record rec = cpol_audit_rec_exit(status, sig, ms, ended, limit, r->undone);
	run_denials_finish(r->o.explain_denials, &rec); /* what the kernel refused, when known */
	(void)record(r, &rec);
}

static void exit_record(struct run *r, int status, int sig, int64_t ms)
{
	exit_record_full(r, status, sig, ms, -1, NULL);
}

/* End the run before the command started: the exit record, then rc. */
static int stop(struct run *r, int rc)
{
	exit_record(r, rc, 0, 0);
	return rc;
}

static int setup_env(struct run *r)
{
	if (!getcwd(r->cwd, sizeof r->cwd))
		return fail("cannot find the working directory: %s", strerror(errno));
	if (r->o.workspace) {
		if (!realpath(r->o.workspace, r->ws))
			return fail("workspace %s: %s", r->o.workspace, strerror(errno));
	} else {
		strcpy(r->ws, r->cwd);
	}
	/* Not the inherited TMPDIR: it may name a folder outside, which the
	 * workspace profiles would make writable as their $TMPDIR. */
	const char *t = run_tmpdir();
	snprintf(r->tmp, sizeof r->tmp, "%s", t ? t : "/tmp");
	/* The user name only serves the audit redaction. */
	run_account(r->home, sizeof r->home, r->user, sizeof r->user);
	r->env = (cpol_env){ r->cwd, r->ws, r->tmp, r->home, r->user };
	return 0;
}

/* Open the image once and read it from that descriptor; what the file is
 * (its name as the kernel knows it, its links) comes from the same
 * descriptor, so that the check against the write roots is about the bytes
 * that become the policy, not about whatever the path names later. */
static cpol_image *open_image(struct run *r, const char *path, cpol_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		cpol_fail_errno(err, "cannot open policy image %s", path);
		return NULL;
	}
	char link[64];
	struct stat st;
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, r->image, sizeof r->image - 1);
	if (n <= 0 || r->image[0] != '/') {
		if (!realpath(path, r->image))
			snprintf(r->image, sizeof r->image, "%s", path);
	} else {
		r->image[n] = 0;
	}
	r->image_links = fstat(fd, &st) == 0 ? (unsigned long)st.st_nlink : 0;
	cpol_image *im = cpol_image_read_fd(fd, path, err);
	close(fd);
	return im;
}

/* Variables set rather than removed: TMPDIR, the run's temporary folder;
 * HOME, when it lies in a writable root (git, ssh, npm, pip and the shells
 * would read start-up files the command can plant there), the account's
 * home folder. The names join the removed list, marked "(pinned)". */
static int pin_env(struct run *r, const struct cpol_spec *rs, char ***envp, char *removed, size_t cap, int trusted,
                   cpol_error *err)
{
	static char tmp[PATH_MAX + 8], home[PATH_MAX + 8];
	const char *t = getenv("TMPDIR");
	if (t && strcmp(t, r->tmp)) {
		snprintf(tmp, sizeof tmp, "TMPDIR=%s", r->tmp);
		if (cpol_env_pin(envp, tmp, err) < 0)
			return -1;
		size_t l = strlen(removed);
		snprintf(removed + l, cap - l, "%sTMPDIR (pinned)", l ? "," : "");
	}
	const char *h = getenv("HOME");
	if (!trusted && h && cpol_spec_writable_real(rs, h)) {
		struct passwd *pw = getpwuid(getuid());
		const char *real = pw && pw->pw_dir && pw->pw_dir[0] == '/' && !cpol_spec_writable_real(rs, pw->pw_dir)
		                   ? pw->pw_dir : "/nonexistent";
		snprintf(home, sizeof home, "HOME=%s", real);
		if (cpol_env_pin(envp, home, err) < 0)
			return -1;
		size_t l = strlen(removed);
		snprintf(removed + l, cap - l, "%sHOME (pinned)", l ? "," : "");
	}
	return 0;
}

static cpol_image *load_policy(struct run *r, cpol_error *err)
{
	if (r->o.policy)
		return open_image(r, r->o.policy, err);
	if (r->o.profile)
		return open_profile(r, r->o.profile, err);
	size_t len;
	const unsigned char *data = cpol_offline_data(&len);
	return cpol_image_load(data, len, 1, err);
}

static int audit_tail(const struct run_opts *o)
{
	cpol_error err;
	int rc = cpol_audit_tail(o->audit, o->tail_n, o->session, o->decision, o->json, stdout, &err);
	if (rc < 0)
		return fail("%s", err.msg);
	return 0;
}

/* The hooks and the MCP server decide first: they open a profile by name,
 * with a run of their own. */
static cpol_image *hook_profile(const char *name, cpol_error *err)
{
	static struct run hr;
	return open_profile(&hr, name, err);
}

/* Each step below returns RUN_GO to go on, or the exit status. */
enum { RUN_GO = -1 };

/* The audit sink first: even a policy that cannot be loaded is recorded. */
static int open_audit(struct run *r)
{
	cpol_error err;
	if (r->o.explain)
		return RUN_GO;
	struct cpol_audit_opts ao = { .spec = r->o.audit, .session = r->o.session, .user = r->user, .home = r->home };
	r->audit = cpol_audit_open(&ao, &err);
	if (!r->audit) {
		if (!r->o.audit_best_effort)
			return fail("%s; not running the command", err.msg);
		fprintf(stderr, "codexrun: %s; running anyway (--audit-best-effort)\n", err.msg);
	}
	return RUN_GO;
}

static int load(struct run *r)
{
	cpol_error err;
	r->im = load_policy(r, &err);
	if (!r->im) {
		if (r->audit) {
			struct cpol_audit_record rec = cpol_audit_rec_policy_load(NULL, NULL, err.msg);
			(void)record(r, &rec);
			exit_record(r, RUN_EXIT_FAIL, 0, 0);
		}
		return fail("%s", err.msg);
	}
	r->dim = r->im;
	r->trusted_image = cpol_spec_trusted(r->im);
	if (r->audit) {
		struct cpol_audit_record rec = cpol_audit_rec_policy_load(cpol_image_name(r->im), cpol_image_hash(r->im), NULL);
		if (record(r, &rec) < 0)
			return RUN_EXIT_FAIL;
	}
	return RUN_GO;
}

/* Decide on the program as it will really run: through PATH; then the
 * policy layers, then `deny read`. */
static int decide(struct run *r)
{
	cpol_error err;
	int path_trusted = run_path_setup(r->im, &r->env);
	r->found = run_which(r->o.argv[0], r->path, sizeof r->path) == 0;
	const char **eargv = calloc((size_t)r->o.argc + 1, sizeof *eargv);
	if (!eargv)
		return fail("out of memory");
	for (int i = 0; i < r->o.argc; i++)
		eargv[i] = r->o.argv[i];
	/* As found: a relative PATH entry ("." or empty) gives "./ls", which
	 * is no trusted tool, and must not be judged as the bare name. */
	if (r->found)
		eargv[0] = r->path;
	r->ctx = cpol_ctx_new(r->im, &r->env, &err);
	if (!r->ctx || path_trusted < 0) {
		free(eargv);
		return fail("%s", r->ctx ? "out of memory" : err.msg);
	}
	run_ctx_shell(r->ctx, path_trusted);
	r->d = cpol_eval(r->ctx, r->o.argc, eargv, &r->res);
	int ld = run_layers_run(&r->layers, r->im, &r->env, r->o.explain, !r->o.explain && r->o.approve == APPROVE_ASK,
	                        r->o.argc, eargv, &r->res, &r->dim, &err);
	free(eargv);
	if (ld < 0)
		return stop(r, fail("%s", err.msg));
	r->d = (cpol_decision)ld;
	/* deny read: a command that names a denied path is refused before it runs */
	if (run_denyread_judge(r->im, &r->env, r->o.argc, r->o.argv, &r->res))
		r->d = r->res.verdict.decision;
	return RUN_GO;
}

/* --explain: print the decision, run nothing. */
static int explain(struct run *r)
{
	if (!r->o.explain)
		return RUN_GO;
	char lx[16384], ex[20480];
	run_layers_explain(&r->layers, r->o.json, lx, sizeof lx);
	/* what the profile's sandbox holds the command to */
	run_explain_sandbox(r->im, &r->env, r->d, r->o.json, run_layers_any(&r->layers) ? lx : "", ex, sizeof ex);
	int rc = (r->o.json == 2 ? cpol_explain_codex(&r->res, r->o.argv, r->o.argc)
	                         : run_explain_ex(r->dim, &r->res, r->o.json, r->o.argv, r->o.argc, ex[0] ? ex : NULL)) < 0
	         ? fail("cannot print the explanation")
	         : 0;
	if (fflush(stdout) != 0)
		rc = fail("cannot write the explanation: %s", strerror(errno));
	return rc;
}

static int record_decision(struct run *r)
{
	const cpol_verdict *v = &r->res.verdict;
	run_source(v, r->src, sizeof r->src);
	struct cpol_audit_record rec = cpol_audit_rec_exec(r->o.argv, r->o.argc, r->cwd, cpol_decision_name(r->d), v->rule,
	                                                   v->reason, r->src, cpol_image_name(r->im),
	                                                   cpol_image_hash(r->im));
	return record(r, &rec) < 0 ? RUN_EXIT_FAIL : RUN_GO;
}

/* forbid: refuse; prompt: ask (or --approve) and record the answer. */
static int approve(struct run *r)
{
	const cpol_verdict *v = &r->res.verdict;
	const char *src = r->src;
	if (r->d == CPOL_FORBID) {
		fprintf(stderr, "codexrun: forbidden by rule \"%s\"%s%s%s%s%s\n", v->rule, src[0] ? " (" : "", src,
		        src[0] ? ")" : "", v->reason[0] ? ": " : "", v->reason);
		return stop(r, RUN_EXIT_FORBID);
	}
	if (r->d != CPOL_PROMPT)
		return RUN_GO;
	const char *how;
	int ok;
	if (r->o.approve == APPROVE_ALWAYS) {
		ok = 1;
		how = "accepted (--approve=always)";
	} else if (r->o.approve == APPROVE_NEVER) {
		ok = 0;
		how = "refused (--approve=never)";
	} else {
		ok = run_approvals_ask(v, r->dim == r->im, (int)r->res.ncommands, r->o.argc, r->o.argv, &r->layers, &r->env);
		how = ok ? "accepted on the terminal" : "refused on the terminal (or no terminal)";
	}
	char gtext[2048];
	cpol_rule_grants_text(r->dim, v->index, gtext, sizeof gtext);
	struct cpol_audit_record rec = cpol_audit_rec_approval(how, v->rule, gtext);
	if (record(r, &rec) < 0)
		return RUN_EXIT_FAIL;
	if (!ok) {
		fprintf(stderr, "codexrun: not approved: rule \"%s\"%s%s\n", v->rule, v->reason[0] ? ": " : "", v->reason);
		return stop(r, RUN_EXIT_FORBID);
	}
	return RUN_GO;
}

/* The sandbox spec of the run: the profile's, widened by an approved
 * rule's grants; then what must never be writable in it. */
static int build_spec(struct run *r)
{
	cpol_error err;
	if (r->trusted_image && !r->o.trusted)
		return stop(r, fail("policy \"%s\" grants everything (no sandbox); give --trusted to use it",
		                    cpol_image_name(r->im)));
	if (!r->found) {
		fprintf(stderr, "codexrun: %s: command not found\n", r->o.argv[0]);
		return stop(r, RUN_EXIT_NOTFOUND);
	}
	if (cpol_spec_read(r->im, &r->env, r->o.require_sandbox, &r->rs, &err) < 0)
		return stop(r, fail("%s", err.msg));
	/* A workspace that is no folder is never meant; one that makes the
	 * system or the home writable only with --trusted. */
	char why[PATH_MAX * 2 + 64];
	int w = run_workspace_check(r->ws, r->home, why, sizeof why);
	if (w == -2 || (w < 0 && !r->o.trusted && !r->trusted_image && cpol_spec_writable(&r->rs, r->ws)))
		return stop(r, fail("%s%s", why, w == -2 ? "" : "; give --trusted to use it anyway"));
	/* An approved prompt runs with the grants of the rule that asked. */
	if (r->d == CPOL_PROMPT && cpol_spec_grant(r->dim, r->res.verdict.index, &r->env, &r->rs, &r->grants, &err) < 0)
		return stop(r, fail("%s", err.msg));
	/* The sandboxed command must not be able to rewrite its own history,
	 * nor the policy the next run will use. */
	const char *apath = r->audit ? cpol_audit_path(r->audit) : NULL;
	if (apath && !r->trusted_image && cpol_spec_writable_real(&r->rs, apath))
		return stop(r, fail("the audit log %s is inside a writable root of the policy; choose another with --audit",
		                    apath));
	if (r->image[0] && !r->trusted_image && cpol_spec_writable_real(&r->rs, r->image))
		return stop(r, fail("the policy image %s is inside a writable root of the policy (the command could "
		                    "rewrite it); keep it outside the workspace", r->image));
	if (r->image[0] && !r->trusted_image && r->image_links > 1)
		return stop(r, fail("the policy image %s has %lu hard links (one may lie inside a writable root); copy "
		                    "it to a file of its own", r->image, r->image_links));
	return RUN_GO;
}

/* Hand the spec to the backend; what it cannot hold is said (or, with
 * --require-sandbox, refused). */
static int prepare_sandbox(struct run *r)
{
	cpol_error err;
	/* network allow/deny by host: the command's only way out is the proxy */
	if (!(r->trusted_image && r->o.trusted) && run_proxy_apply(r->audit, &r->rs, &err) < 0)
		return stop(r, fail("cannot set up the sandbox: %s", err.msg));
	if (r->trusted_image && r->o.trusted)
		return RUN_GO;
	r->sb = cpol_sandbox_prepare(&r->rs.spec, &r->rep, &err);
	if (!r->sb)
		return stop(r, fail("cannot set up the sandbox: %s", err.msg));
	if (r->rep.degraded[0])
		fprintf(stderr, "codexrun: warning: not enforced: %s\n", r->rep.degraded);
	return RUN_GO;
}

/* The command's environment: scrubbed, TMPDIR and HOME pinned. */
static int prepare_env(struct run *r)
{
	cpol_error err;
	static const char *const nokeep[] = { NULL };
	extern char **environ;
	r->envp = cpol_env_scrub(environ, r->rs.env_keep ? r->rs.env_keep : nokeep, r->rs.nenv_keep, r->removed,
	                         sizeof r->removed, &err);
	if (!r->envp)
		return stop(r, fail("%s", err.msg));
	if (pin_env(r, &r->rs, &r->envp, r->removed, sizeof r->removed, r->trusted_image, &err) < 0)
		return stop(r, fail("%s", err.msg));
	r->envp = cpol_sandbox_env(r->sb, r->envp); /* TMPDIR: the run's private temporary folder */
	if (run_proxy_env(&r->envp, &err) < 0)
		return stop(r, fail("%s", err.msg));
	return RUN_GO;
}

/* Resource limits: control groups made now, joined by the child; then the
 * sandbox record says what holds the command. */
static int prepare_limits(struct run *r)
{
	cpol_error err;
	if (run_limits_prepare(r->im, r->lnotes, sizeof r->lnotes, &err) < 0)
		return stop(r, fail("cannot set up the limits: %s", err.msg));
	struct cpol_audit_record rec = cpol_audit_rec_sandbox(r->rep.landlock_abi, r->rep.degraded, r->removed, r->lnotes);
	return record(r, &rec) < 0 ? RUN_EXIT_FAIL : RUN_GO;
}

static int execute(struct run *r)
{
	struct run_exit ex;
	struct run_child_opts co = { r->sb, r->path, r->o.argv, r->envp, !(r->trusted_image && r->o.trusted),
	                             r->o.require_sandbox };
	run_denials_open(r->sb && !r->rs.spec.trusted, r->rep.landlock_abi, r->o.explain_denials);
	int rc = run_child(&co, &ex);
	r->undone = cpol_sandbox_undo(r->sb); /* code-running files the command left: removed, reported */
	char hit[128];
	run_limits_finish(rc, ex.sig, hit, sizeof hit);
	exit_record_full(r, rc, ex.sig, ex.ms, ex.ended, hit);
	return rc;
}

static void finish(struct run *r)
{
	run_proxy_finish();
	cpol_env_free(r->envp);
	cpol_sandbox_free(r->sb);
	cpol_spec_grants_free(&r->grants);
	cpol_spec_free(&r->rs);
	run_denials_close();
	cpol_ctx_free(r->ctx);
	run_layers_close(&r->layers);
	cpol_image_close(r->im);
	cpol_audit_close(r->audit);
}

int main(int argc, char **argv)
{
	static struct run r;
	/* A closed pipe or a file-size limit on our own output or audit log is
	 * an error to report, not a reason to die unrecorded. (The child gets
	 * the default dispositions back before exec.) */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	/* --hook=AGENT (first): answer an agent's hook, see integrations/hook.h */
	if (argc > 1 && !strncmp(argv[1], "--hook", 6))
		return cpol_hook_main(argc, argv, hook_profile);
	/* codexpol-mcp (a hard link to codexrun) or --mcp: the MCP server */
	const char *base = strrchr(argv[0], '/');
	if (!strcmp(base ? base + 1 : argv[0], "codexpol-mcp") || (argc > 1 && !strcmp(argv[1], "--mcp")))
		return cpol_mcp_main(argc, argv, hook_profile);
	if (parse_args(argc, argv, &r.o))
		return RUN_EXIT_FAIL;
	if (r.o.tail)
		return audit_tail(&r.o);
	if (setup_env(&r))
		return RUN_EXIT_FAIL;
	if (r.o.approvals)
		return run_approvals_cmd(r.ws, &r.env, r.o.remove);

	/* the steps, in order, until one ends the run */
	static int (*const steps[])(struct run *) = {
		open_audit, load, decide, explain, record_decision, approve,
		build_spec, prepare_sandbox, prepare_env, prepare_limits, execute,
	};
	int rc = RUN_GO;
	for (size_t i = 0; rc == RUN_GO && i < sizeof steps / sizeof steps[0]; i++)
		rc = steps[i](&r);
	finish(&r);
	return rc;
}
