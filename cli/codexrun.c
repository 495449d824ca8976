/* cli/codexrun.c -- the runtime: decide, record, confine, run.
 *
 *   codexrun [-p POLICY.bin | --profile NAME] [OPTION]... [--] CMD [ARG]...
 *
 * 1. load the image (verified), or the built-in offline policy;
 * 2. resolve CMD through PATH and evaluate the argv in the VM;
 * 3. write the audit records (fail closed);
 * 4. forbid -> 126; prompt -> ask on the terminal (or --approve);
 * 5. apply the sandbox in a child (Landlock, seccomp, no_new_privs,
 *    capabilities, protected paths) and exec; report its exit status.
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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/audit.h"
#include "cli/approvals.h"
#include "cli/grants.h"
#include "cli/layers.h"
#include "cli/run.h"
#include "integrations/hook.h"
#include "integrations/mcp.h"
int cpol_explain_codex(const cpol_result *res, char *const *argv, int argc);
#include "vm/vm.h"

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

__attribute__((format(printf, 1, 2)))
static int fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("codexrun: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return RUN_EXIT_FAIL;
}

static int usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "codexrun: ");
	fprintf(stderr, "%s", fmt);
	if (arg)
		fprintf(stderr, " '%s'", arg);
	fprintf(stderr, "\nTry 'codexrun --help' for more information.\n");
	return RUN_EXIT_FAIL;
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
	enum { O_PROFILE = 256, O_EXPLAIN, O_JSON, O_APPROVE, O_AUDIT, O_BEST, O_SESSION, O_REQUIRE, O_TRUSTED,
	       O_TAIL, O_DECISION, O_FORMAT, O_APPROVALS, O_REMOVE, O_DENIALS };
	static const struct option longopts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "profile", required_argument, NULL, O_PROFILE },
		{ "workspace", required_argument, NULL, 'w' },
		{ "explain", no_argument, NULL, O_EXPLAIN },
		{ "json", no_argument, NULL, O_JSON },
		{ "approve", required_argument, NULL, O_APPROVE },
		{ "audit", required_argument, NULL, O_AUDIT },
		{ "audit-best-effort", no_argument, NULL, O_BEST },
		{ "session", required_argument, NULL, O_SESSION },
		{ "require-sandbox", no_argument, NULL, O_REQUIRE },
		{ "trusted", no_argument, NULL, O_TRUSTED },
		{ "audit-tail", optional_argument, NULL, O_TAIL },
		{ "decision", required_argument, NULL, O_DECISION },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "approvals", no_argument, NULL, O_APPROVALS },
		{ "remove", required_argument, NULL, O_REMOVE },
		{ "explain-denials", no_argument, NULL, O_DENIALS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:p:w:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': o->policy = optarg; break;
		case O_PROFILE: o->profile = optarg; break;
		case 'w': o->workspace = optarg; break;
		case O_EXPLAIN: o->explain = 1; break;
		case O_JSON: o->json = 1; break;
		case O_APPROVE:
			if (parse_approve(optarg, &o->approve) < 0)
				return usage("--approve takes ask, never or always, not", optarg);
			break;
		case O_AUDIT:
			/* --audit=best-effort is the design's spelling of --audit-best-effort */
			if (!strcmp(optarg, "best-effort"))
				o->audit_best_effort = 1;
			else
				o->audit = optarg;
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
		case 'h': fputs(usage_text, stdout); exit(0);
		case 'V': printf("codexrun (codexpol) %s\n", PACKAGE_VERSION); exit(0);
		case ':': return usage("option needs an argument:", argv[optind - 1]);
		default: return usage("unknown option", argv[optind - 1]);
		}
	}
	if (o->policy && o->profile)
		return usage("give -p or --profile, not both", NULL);
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

/* what cpol_sandbox_undo removed after the run */
static const char *undone;

static void exit_record_full(struct run *r, int status, int sig, int64_t ms, int ended, const char *limit)
{
	struct cpol_audit_record rec = CPOL_AUDIT_RECORD_INIT;
	rec.undone = undone;
	rec.op = "exit";
	rec.limit = limit && *limit ? limit : NULL;
	rec.status = status;
	rec.signal = sig;
	rec.duration_ms = ms;
	rec.processes_ended = ended;
	run_denials_finish(r->o.explain_denials, &rec); /* what the kernel refused, when known */
	(void)record(r, &rec);
}

static void exit_record(struct run *r, int status, int sig, int64_t ms)
{
	exit_record_full(r, status, sig, ms, -1, NULL);
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
	/* HOME and USER from the environment when both are there: the account
	 * database (NSS: nscd, nsswitch.conf, /etc/passwd or LDAP) is asked
	 * only for what is missing, as it costs more than the rest of the
	 * set-up together. The user name only serves the audit redaction. */
	const char *h = getenv("HOME"), *u = getenv("USER");
	int have_home = h && h[0] == '/', have_user = u && u[0];
	struct passwd *pw = have_home && have_user ? NULL : getpwuid(getuid());
	snprintf(r->home, sizeof r->home, "%s", have_home ? h : pw && pw->pw_dir ? pw->pw_dir : "/");
	snprintf(r->user, sizeof r->user, "%s", have_user ? u : pw && pw->pw_name ? pw->pw_name : "");
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
static int pin_env(struct run *r, const struct run_spec *rs, char ***envp, char *removed, size_t cap, int trusted,
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
	if (!trusted && h && run_spec_writable_real(rs, h)) {
		struct passwd *pw = getpwuid(getuid());
		const char *real = pw && pw->pw_dir && pw->pw_dir[0] == '/' && !run_spec_writable_real(rs, pw->pw_dir)
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

int main(int argc, char **argv)
{
	struct run r;
	cpol_error err;
	memset(&r, 0, sizeof r);
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

	/* The audit sink first: even a policy that cannot be loaded is recorded. */
	if (!r.o.explain) {
		struct cpol_audit_opts ao = { .spec = r.o.audit, .session = r.o.session, .user = r.user, .home = r.home };
		r.audit = cpol_audit_open(&ao, &err);
		if (!r.audit) {
			if (!r.o.audit_best_effort)
				return fail("%s; not running the command", err.msg);
			fprintf(stderr, "codexrun: %s; running anyway (--audit-best-effort)\n", err.msg);
		}
	}
	r.im = load_policy(&r, &err);
	if (!r.im) {
		if (r.audit) {
			struct cpol_audit_record rec = CPOL_AUDIT_RECORD_INIT;
			rec.op = "policy_load";
			rec.reason = err.msg;
			(void)record(&r, &rec);
			exit_record(&r, RUN_EXIT_FAIL, 0, 0);
			cpol_audit_close(r.audit);
		}
		return fail("%s", err.msg);
	}
	int rc = RUN_EXIT_FAIL;
	struct run_spec rs = { 0 };
	struct run_grants grants = { 0 };
	struct run_layers layers;
	memset(&layers, 0, sizeof layers);
	const cpol_image *dim = r.im; /* the image of the rule that decided: the profile's or a layer's */
	struct cpol_sandbox *sb = NULL;
	char **envp = NULL;
	cpol_ctx *ctx = NULL;
	const int trusted_image = (r.im->meta->flags & CPOL_IMGF_TRUSTED) != 0;

	if (r.audit) {
		struct cpol_audit_record rec = CPOL_AUDIT_RECORD_INIT;
		rec.op = "policy_load";
		rec.profile = cpol_image_name(r.im);
		rec.policy = cpol_image_hash(r.im);
		if (record(&r, &rec) < 0)
			goto out;
	}

	/* Decide on the program as it will really run: through PATH. */
	int path_trusted = run_path_setup(r.im, &r.env);
	r.found = run_which(r.o.argv[0], r.path, sizeof r.path) == 0;
	const char **eargv = calloc((size_t)r.o.argc + 1, sizeof *eargv);
	if (!eargv) {
		rc = fail("out of memory");
		goto out;
	}
	for (int i = 0; i < r.o.argc; i++)
		eargv[i] = r.o.argv[i];
	/* As found: a relative PATH entry ("." or empty) gives "./ls", which
	 * is no trusted tool, and must not be judged as the bare name. */
	if (r.found)
		eargv[0] = r.path;
	ctx = cpol_ctx_new(r.im, &r.env, &err);
	if (!ctx || path_trusted < 0) {
		free(eargv);
		rc = fail("%s", ctx ? "out of memory" : err.msg);
		goto out;
	}
	run_ctx_shell(ctx, path_trusted);
	cpol_result res;
	cpol_decision d = cpol_eval(ctx, r.o.argc, eargv, &res);
	int ld = run_layers_run(&layers, r.im, &r.env, r.o.explain, !r.o.explain && r.o.approve == APPROVE_ASK, r.o.argc,
	                        eargv, &res, &dim, &err);
	free(eargv);
	if (ld < 0) {
		rc = fail("%s", err.msg);
		exit_record(&r, rc, 0, 0);
		goto out;
	}
	d = (cpol_decision)ld;
	/* deny read: a command that names a denied path is refused before it runs */
	if (run_denyread_judge(r.im, &r.env, r.o.argc, r.o.argv, &res))
		d = res.verdict.decision;

	if (r.o.explain) {
		char lx[16384];
		run_layers_explain(&layers, r.o.json, lx, sizeof lx);
		rc = (r.o.json == 2 ? cpol_explain_codex(&res, r.o.argv, r.o.argc)
		                    : run_explain_ex(dim, &res, r.o.json, r.o.argv, r.o.argc,
		                                     run_layers_any(&layers) ? lx : NULL)) < 0
		             ? fail("cannot print the explanation")
		             : 0;
		if (fflush(stdout) != 0)
			rc = fail("cannot write the explanation: %s", strerror(errno));
		goto out;
	}

	char src[4200];
	run_source(&res.verdict, src, sizeof src);
	{
		struct cpol_audit_record rec = CPOL_AUDIT_RECORD_INIT;
		rec.op = "exec";
		rec.argv = r.o.argv;
		rec.argc = r.o.argc;
		rec.cwd = r.cwd;
		rec.decision = cpol_decision_name(d);
		rec.rule = res.verdict.rule;
		rec.reason = res.verdict.reason;
		rec.source = src;
		rec.profile = cpol_image_name(r.im);
		rec.policy = cpol_image_hash(r.im);
		if (record(&r, &rec) < 0)
			goto out;
	}

	if (d == CPOL_FORBID) {
		fprintf(stderr, "codexrun: forbidden by rule \"%s\"%s%s%s%s%s\n", res.verdict.rule,
		        src[0] ? " (" : "", src, src[0] ? ")" : "", res.verdict.reason[0] ? ": " : "", res.verdict.reason);
		rc = RUN_EXIT_FORBID;
		exit_record(&r, rc, 0, 0);
		goto out;
	}
	if (d == CPOL_PROMPT) {
		const char *how;
		int ok;
		if (r.o.approve == APPROVE_ALWAYS) {
			ok = 1;
			how = "accepted (--approve=always)";
		} else if (r.o.approve == APPROVE_NEVER) {
			ok = 0;
			how = "refused (--approve=never)";
		} else {
			ok = run_approvals_ask(&res.verdict, dim == r.im, (int)res.ncommands, r.o.argc, r.o.argv, &layers,
			                       &r.env);
			how = ok ? "accepted on the terminal" : "refused on the terminal (or no terminal)";
		}
		struct cpol_audit_record rec = CPOL_AUDIT_RECORD_INIT;
		rec.op = "approval";
		rec.approval = how;
		rec.rule = res.verdict.rule;
		char gtext[2048];
		if (cpol_rule_grants_text(dim, res.verdict.index, gtext, sizeof gtext))
			rec.grants = gtext;
		if (record(&r, &rec) < 0)
			goto out;
		if (!ok) {
			fprintf(stderr, "codexrun: not approved: rule \"%s\"%s%s\n", res.verdict.rule,
			        res.verdict.reason[0] ? ": " : "", res.verdict.reason);
			rc = RUN_EXIT_FORBID;
			exit_record(&r, rc, 0, 0);
			goto out;
		}
	}
	if (trusted_image && !r.o.trusted) {
		rc = fail("policy \"%s\" grants everything (no sandbox); give --trusted to use it", cpol_image_name(r.im));
		exit_record(&r, rc, 0, 0);
		goto out;
	}
	if (!r.found) {
		fprintf(stderr, "codexrun: %s: command not found\n", r.o.argv[0]);
		rc = RUN_EXIT_NOTFOUND;
		exit_record(&r, rc, 0, 0);
		goto out;
	}

	if (run_spec_build(r.im, &r.env, r.o.require_sandbox, &rs, &err) < 0) {
		rc = fail("%s", err.msg);
		exit_record(&r, rc, 0, 0);
		goto out;
	}
	/* A workspace that is no folder is never meant; one that makes the
	 * system or the home writable only with --trusted. */
	{
		char why[PATH_MAX * 2 + 64];
		int w = run_workspace_check(r.ws, r.home, why, sizeof why);
		if (w == -2 || (w < 0 && !r.o.trusted && !trusted_image && run_spec_writable(&rs, r.ws))) {
			rc = fail("%s%s", why, w == -2 ? "" : "; give --trusted to use it anyway");
			exit_record(&r, rc, 0, 0);
			goto out;
		}
	}
	/* An approved prompt runs with the grants of the rule that asked. */
	if (d == CPOL_PROMPT && run_grants_apply(dim, res.verdict.index, &r.env, &rs, &grants, &err) < 0) {
		rc = fail("%s", err.msg);
		exit_record(&r, rc, 0, 0);
		goto out;
	}
	/* The sandboxed command must not be able to rewrite its own history,
	 * nor the policy the next run will use. */
	const char *apath = r.audit ? cpol_audit_path(r.audit) : NULL;
	if (apath && !trusted_image && run_spec_writable_real(&rs, apath)) {
		rc = fail("the audit log %s is inside a writable root of the policy; choose another with --audit", apath);
		exit_record(&r, rc, 0, 0);
		goto out;
	}
	if (r.image[0] && !trusted_image && run_spec_writable_real(&rs, r.image)) {
		rc = fail("the policy image %s is inside a writable root of the policy (the command could rewrite "
		          "it); keep it outside the workspace", r.image);
		exit_record(&r, rc, 0, 0);
		goto out;
	}
	if (r.image[0] && !trusted_image && r.image_links > 1) {
		rc = fail("the policy image %s has %lu hard links (one may lie inside a writable root); copy it "
		          "to a file of its own", r.image, r.image_links);
		exit_record(&r, rc, 0, 0);
		goto out;
	}
	/* deny read: Landlock grants reading the rest of the read roots only */
	char ddeg[512] = "";
	if (run_denyread_apply(r.im, &r.env, &rs, ddeg, sizeof ddeg, &err) < 0) {
		rc = fail("cannot set up the sandbox: %s", err.msg);
		exit_record(&r, rc, 0, 0);
		goto out;
	}
	struct cpol_sandbox_report rep;
	memset(&rep, 0, sizeof rep);
	if (!trusted_image || !r.o.trusted) {
		sb = cpol_sandbox_prepare(&rs.spec, &rep, &err);
		if (!sb) {
			rc = fail("cannot set up the sandbox: %s", err.msg);
			exit_record(&r, rc, 0, 0);
			goto out;
		}
		if (ddeg[0] && r.o.require_sandbox) {
			rc = fail("cannot set up the sandbox: sandbox required but not fully enforceable: %s", ddeg);
			exit_record(&r, rc, 0, 0);
			goto out;
		}
		if (ddeg[0]) {
			size_t dl = strlen(rep.degraded);
			snprintf(rep.degraded + dl, sizeof rep.degraded - dl, "%s%s", dl ? "; " : "", ddeg);
		}
		if (rep.degraded[0])
			fprintf(stderr, "codexrun: warning: not enforced: %s\n", rep.degraded);
	}
	static const char *const nokeep[] = { NULL };
	const char **keep = NULL;
	size_t nkeep = 0;
	if (r.im->sb->nenv) {
		keep = calloc(r.im->sb->nenv, sizeof *keep);
		for (uint32_t i = 0; keep && i < r.im->sb->nenv; i++)
			keep[nkeep++] = cpol_img_string(r.im, r.im->envkeep[i], NULL);
	}
	extern char **environ;
	char removed[1024] = "";
	envp = cpol_env_scrub(environ, keep ? keep : nokeep, nkeep, removed, sizeof removed, &err);
	free(keep);
	if (!envp) {
		rc = fail("%s", err.msg);
		exit_record(&r, rc, 0, 0);
		goto out;
	}
	if (pin_env(&r, &rs, &envp, removed, sizeof removed, trusted_image, &err) < 0) {
		rc = fail("%s", err.msg);
		exit_record(&r, rc, 0, 0);
		goto out;
	}
	envp = cpol_sandbox_env(sb, envp); /* TMPDIR: the run's private temporary folder */
	/* Resource limits: control groups made now, joined by the child. */
	char lnotes[512] = "";
	if (run_limits_prepare(r.im, lnotes, sizeof lnotes, &err) < 0) {
		rc = fail("cannot set up the limits: %s", err.msg);
		exit_record(&r, rc, 0, 0);
		goto out;
	}
	{
		struct cpol_audit_record rec = CPOL_AUDIT_RECORD_INIT;
		rec.op = "sandbox";
		rec.limits = lnotes[0] ? lnotes : NULL;
		rec.landlock_abi = rep.landlock_abi;
		rec.degraded = rep.degraded[0] ? rep.degraded : NULL;
		rec.env_removed = removed[0] ? removed : NULL;
		if (record(&r, &rec) < 0)
			goto out;
	}
	struct run_exit ex;
	struct run_child_opts co = { sb, r.path, r.o.argv, envp, !(trusted_image && r.o.trusted), r.o.require_sandbox };
	run_denials_open(sb && !rs.spec.trusted, rep.landlock_abi, r.o.explain_denials);
	rc = run_child(&co, &ex);
	undone = cpol_sandbox_undo(sb); /* code-running files the command left: removed, reported */
	char hit[128];
	run_limits_finish(rc, ex.sig, hit, sizeof hit);
	exit_record_full(&r, rc, ex.sig, ex.ms, ex.ended, hit);
out:
	cpol_env_free(envp);
	cpol_sandbox_free(sb);
	run_grants_free(&grants);
	run_spec_free(&rs);
	run_denyread_free();
	run_denials_close();
	cpol_ctx_free(ctx);
	run_layers_close(&layers);
	cpol_image_close(r.im);
	cpol_audit_close(r.audit);
	return rc;
}
