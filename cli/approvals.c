/* cli/approvals.c -- remembered approvals.
 *
 * At a terminal prompt the answer "a" (always, for this project) writes one
 * allow rule -- the exact program name and its first argument (the
 * subcommand, or argc == 1 when there is none) -- into .codexpol/approvals.cpol of the
 * workspace, after showing it and asking to save it; the project layer is
 * then compiled again and its new content hash trusted. Never for shells,
 * interpreters and wrappers (they run whatever their arguments say), for
 * scripts, or for words the rule could not say exactly. Never when the
 * project layer is not trusted now (its changes are not the user's), and
 * never for a prompt of an admin or user layer rule (a project allow cannot
 * lift it). codexrun --approvals lists these rules and removes one.
 * This file writes only the project's approvals file and the trust file. */
#include "cli/approvals.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/readfile.h"
#include "grammar/ast.h" /* CPOL_MAX_FILE_SIZE: the file is a policy source */

#define APPROVALS_FILE "approvals.cpol"
#define MARK "rule \"approved: "

/* Programs that run what their arguments say: an approval of them would
 * approve anything. */
static const char *const unseen[] = {
	"sh", "bash", "dash", "zsh", "ksh", "mksh", "fish", "csh", "tcsh", "busybox", "env", "sudo", "doas", "su",
	"xargs", "nice", "nohup", "timeout", "time", "strace", "ltrace", "exec", "command", "eval", "watch",
	"parallel", "chroot", "unshare", "nsenter", "setsid", "stdbuf", "flock", "script", "ssh", "python",
	"python2", "python3", "perl", "ruby", "node", "nodejs", "deno", "bun", "php", "lua", "luajit", "tclsh",
	"wish", "awk", "gawk", "mawk", "nawk", "Rscript", "julia", "osascript", "pwsh", "powershell", "codexrun",
	"find", "make", "npx", "uvx", "pipx", "git-shell", "expect", "gdb", "vim", "vi", "nvim", "emacs",
};

static int plain_word(const char *w)
{
	if (!*w || strlen(w) > 200)
		return 0;
	for (const unsigned char *p = (const unsigned char *)w; *p; p++)
		if (*p < 0x21 || *p == 0x7f || *p == '"' || *p == '\\')
			return 0;
	return 1;
}

int run_approval_rule(int argc, char *const *argv, int ncommands, char *buf, size_t cap, char *why, size_t wcap)
{
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	if (ncommands) {
		snprintf(why, wcap, "the command is a script: the policy judged its parts, not the whole");
		return -1;
	}
	for (size_t i = 0; i < sizeof unseen / sizeof unseen[0]; i++) {
		size_t n = strlen(unseen[i]);
		/* python3.11, pip3's cousins: the name and a version suffix */
		if (!strncmp(prog, unseen[i], n) && (!prog[n] || strspn(prog + n, "0123456789.") == strlen(prog + n))) {
			snprintf(why, wcap, "%s runs whatever its arguments say (a shell, interpreter or wrapper)", prog);
			return -1;
		}
	}
	if (!plain_word(prog)) {
		snprintf(why, wcap, "the program name cannot be written exactly in a rule");
		return -1;
	}
	/* the first argument is the prefix remembered, option or not: after
	 * `git -C x status`, "git" alone would approve every git command */
	const char *sub = argc > 1 ? argv[1] : NULL;
	if (sub && !plain_word(sub)) {
		snprintf(why, wcap, "the first argument cannot be written exactly in a rule");
		return -1;
	}
	if (sub)
		snprintf(buf, cap, MARK "%s %s\" { when program \"%s\" and arg 1 is \"%s\"; allow because \"remembered approval\"; }",
		         prog, sub, prog, sub);
	else
		snprintf(buf, cap, MARK "%s\" { when program \"%s\" and argc == 1; allow because \"remembered approval\"; }", prog,
		         prog);
	return 0;
}

static void approvals_path(const struct run_layers *ls, char *out, size_t cap)
{
	snprintf(out, cap, "%s/" APPROVALS_FILE, ls->l[LAYER_PROJECT].dir);
}

static int put_file(const char *path, const char *text, size_t len)
{
	return run_write_atomic(path, text, len, 0644);
}

/* Append the rule (with a dated comment), re-trust; on failure put the
 * old text back. */
static int remember(struct run_layers *ls, const cpol_env *env, const char *rule)
{
	char path[PATH_MAX + 32];
	approvals_path(ls, path, sizeof path);
	if (mkdir(ls->l[LAYER_PROJECT].dir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "codexrun: cannot make %s: %s\n", ls->l[LAYER_PROJECT].dir, strerror(errno));
		return -1;
	}
	size_t len = 0;
	char *old = cpol_read_file(path, CPOL_MAX_FILE_SIZE, &len, NULL);
	size_t cap = len + strlen(rule) + 128;
	char *text = malloc(cap);
	if (!text) {
		free(old);
		return -1;
	}
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char date[32];
	strftime(date, sizeof date, "%Y-%m-%dT%H:%MZ", &tm);
	int n = snprintf(text, cap, "%s%s# remembered %s\n%s\n", old ? old : "", len && old[len - 1] != '\n' ? "\n" : "",
	                 date, rule);
	int rc = put_file(path, text, (size_t)n);
	cpol_error err;
	if (rc == 0 && run_layers_retrust_project(ls, env, &err) < 0) {
		fprintf(stderr, "codexrun: %s; the approval is not remembered\n", err.msg);
		if (old)
			(void)put_file(path, old, len);
		else
			unlink(path);
		rc = -1;
	} else if (rc < 0) {
		fprintf(stderr, "codexrun: cannot write %s: %s\n", path, strerror(errno));
	}
	free(old);
	free(text);
	return rc;
}

int run_approvals_ask(const cpol_verdict *v, int from_profile, int ncommands, int argc, char *const *argv,
                      struct run_layers *ls, const cpol_env *env)
{
	char msg[8192], a[64];
	char *q = run_prompt_text(argv, argc, v, "Run it? [y] once, [a] always in this project, [N] no: ");
	int got = q ? run_tty_ask(q, a, sizeof a) : 0;
	free(q);
	if (got <= 0)
		return 0;
	if (run_yes(a))
		return 1;
	if (strcmp(a, "a") && strcmp(a, "A") && strcmp(a, "always"))
		return 0;
	char rule[1024], why[256];
	int st = ls->l[LAYER_PROJECT].state;
	if (run_approval_rule(argc, argv, ncommands, rule, sizeof rule, why, sizeof why) < 0) {
		/* the answer still runs it this once: the person said yes to it */
	} else if (!from_profile) {
		snprintf(why, sizeof why, "the prompt comes from a policy layer's rule, which a project rule cannot lift");
	} else if (st != LAYER_USED && st != LAYER_ABSENT) {
		snprintf(why, sizeof why, "the project policy is not trusted now");
	} else {
		snprintf(msg, sizeof msg, "codexrun: this rule goes into %s/" APPROVALS_FILE ":\n  %s\nSave it? [y/N] ",
		         ls->l[LAYER_PROJECT].dir, rule);
		if (run_tty_ask(msg, a, sizeof a) > 0 && run_yes(a)) {
			if (remember(ls, env, rule) == 0)
				fprintf(stderr, "codexrun: remembered; codexrun --approvals lists it\n");
		}
		return 1;
	}
	fprintf(stderr, "codexrun: not remembered: %s; running it this once\n", why);
	return 1;
}

int run_approvals_cmd(const char *workspace, const cpol_env *env, unsigned remove)
{
	struct run_layers ls;
	memset(&ls, 0, sizeof ls);
	struct run_layers_opts o = { NULL, workspace, env->home, 0, 1, NULL, NULL };
	cpol_error err;
	/* only for the trust state and the paths: nothing is judged */
	if (run_layers_open(&ls, &o, env, &err) < 0) {
		fprintf(stderr, "codexrun: %s\n", err.msg);
		run_layers_close(&ls);
		return RUN_EXIT_FAIL;
	}
	int trusted = ls.l[LAYER_PROJECT].state == LAYER_USED;
	char path[PATH_MAX + 32];
	approvals_path(&ls, path, sizeof path);
	size_t len = 0;
	char *text = cpol_read_file(path, CPOL_MAX_FILE_SIZE, &len, NULL);
	int rc = 0;
	if (!text) {
		if (remove) {
			fprintf(stderr, "codexrun: no remembered approvals in %s\n", workspace);
			rc = RUN_EXIT_FAIL;
		}
		goto out;
	}
	unsigned k = 0;
	char *cut = NULL, *cut_end = NULL, *prev = NULL;
	for (char *line = text; *line;) {
		char *nl = strchr(line, '\n');
		char *end = nl ? nl + 1 : line + strlen(line);
		if (!strncmp(line, MARK, strlen(MARK))) {
			k++;
			if (!remove) {
				char *q = strchr(line + strlen(MARK), '"');
				printf("%u  %.*s\n", k, q ? (int)(q - line - (int)strlen(MARK)) : 0, line + strlen(MARK));
			} else if (k == remove) {
				cut = prev && !strncmp(prev, "# remembered ", 13) ? prev : line;
				cut_end = end;
			}
		}
		prev = line;
		line = end;
	}
	if (remove) {
		if (!cut) {
			fprintf(stderr, "codexrun: there is no remembered approval %u (there are %u)\n", remove, k);
			rc = RUN_EXIT_FAIL;
			goto out;
		}
		memmove(cut, cut_end, strlen(cut_end) + 1);
		if (put_file(path, text, strlen(text)) < 0) {
			fprintf(stderr, "codexrun: cannot write %s: %s\n", path, strerror(errno));
			rc = RUN_EXIT_FAIL;
		} else if (trusted && run_layers_retrust_project(&ls, env, &err) < 0) {
			fprintf(stderr, "codexrun: %s\n", err.msg);
			rc = RUN_EXIT_FAIL;
		}
	}
out:
	free(text);
	run_layers_close(&ls);
	return rc;
}
