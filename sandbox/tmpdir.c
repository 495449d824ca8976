/* sandbox/tmpdir.c -- the run's private temporary folder: made empty by
 * prepare (mode 0700, under /tmp), writable in every profile (a Landlock
 * write rule, a writable mount in the read-only view), shown as /tmp in the
 * child's mount namespace when nothing else the command needs lies in /tmp,
 * named by TMPDIR in the command's environment, and removed with everything
 * in it by free. It never removes anything it did not make, never follows a
 * symlink or crosses a mount while removing, and the child side never
 * allocates.
 *
 * Why: read-only profiles broke ordinary read-only tools that spill to a
 * temporary file (tac, sort, here-documents of some shells), and a shared
 * writable /tmp would let a run leave files for later runs or other users.
 *
 * Limits: when a root or the working directory lies in /tmp the real /tmp
 * stays visible (read-only outside the write roots) and only TMPDIR points to
 * the private folder; in read-only profiles the seccomp filter refuses
 * chmod and friends there too; something the command left running after the
 * run may still hold files in it while it is removed.
 */
#define _XOPEN_SOURCE 700
#include "sandbox/internal.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#define TMP "/tmp"

static int in_tmp(const char *path)
{
	if (!path)
		return 0;
	char canon[4096];
	const char *p = realpath(path, canon) ? canon : path;
	return strncmp(p, TMP, 4) == 0 && (p[4] == '\0' || p[4] == '/');
}

int cpol_tmpdir_plan(const struct cpol_sandbox_spec *spec, struct cpol_sandbox *sb,
                     struct cpol_sandbox_report *report, cpol_error *err)
{
	char path[] = TMP "/codexpol-run-XXXXXX";
	if (!mkdtemp(path)) {
		cpol_report_add(report->degraded, sizeof report->degraded,
		                "no private temporary folder (%s: %s)", TMP, strerror(errno));
		return 0;
	}
	sb->tmpdir = strdup(path);
	size_t n = sizeof "TMPDIR=" + strlen(path);
	sb->tmpdir_env = malloc(n);
	if (!sb->tmpdir || !sb->tmpdir_env) {
		rmdir(path);
		return cpol_fail(err, ENOMEM, "sandbox: out of memory");
	}
	snprintf(sb->tmpdir_env, n, "TMPDIR=%s", path);
	snprintf(report->tmpdir, sizeof report->tmpdir, "%s", path);
	/* A /tmp view would hide a root or the working directory below it. */
	const char *why = NULL;
	char cwd[4096];
	for (size_t i = 0; !why && i < spec->nread; i++)
		if (in_tmp(spec->read_roots[i]))
			why = spec->read_roots[i];
	for (size_t i = 0; !why && i < spec->nwrite; i++)
		if (in_tmp(spec->write_roots[i]))
			why = spec->write_roots[i];
	if (!why && getcwd(cwd, sizeof cwd) && in_tmp(cwd))
		why = "the working directory";
	if (why)
		cpol_report_add(report->notes, sizeof report->notes,
		                "no private /tmp view (%s lies in /tmp): TMPDIR only", why);
	else
		sb->tmp_view = 1; /* protect.c drops it when there is no namespace */
	return 0;
}

/* Child side, in the private mount namespace: the folder over /tmp. */
int cpol_tmpdir_enter(const struct cpol_sandbox *sb, cpol_error *err)
{
	if (!sb->tmpdir || !sb->tmp_view)
		return 0;
	if (mount(sb->tmpdir, TMP, NULL, MS_BIND, NULL) < 0)
		return cpol_fail_errno(err, "sandbox: private /tmp view");
	return 0;
}

/* After protect.c chose the namespace: no namespace, no view. */
void cpol_tmpdir_finish(struct cpol_sandbox *sb)
{
	if (sb->mount_mode == CPOL_MNT_NONE)
		sb->tmp_view = 0;
	if (sb->tmpdir_env && sb->tmp_view)
		strcpy(sb->tmpdir_env, "TMPDIR=" TMP); /* shorter than the path */
}

const char *cpol_sandbox_tmpdir(const struct cpol_sandbox *sb)
{
	if (!sb || !sb->tmpdir)
		return NULL;
	return sb->tmp_view ? TMP : sb->tmpdir;
}

char **cpol_sandbox_env(const struct cpol_sandbox *sb, char **envp)
{
	const char *dir = cpol_sandbox_tmpdir(sb);
	if (!dir || !envp)
		return envp;
	size_t n = 0;
	for (; envp[n]; n++)
		if (strncmp(envp[n], "TMPDIR=", 7) == 0) {
			envp[n] = sb->tmpdir_env;
			return envp;
		}
	char **e = realloc(envp, (n + 2) * sizeof *e);
	if (!e)
		return envp; /* without TMPDIR, tools use /tmp: the view when there is one */
	e[n] = sb->tmpdir_env;
	e[n + 1] = NULL;
	return e;
}

static int remove_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)f;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void cpol_rmtree(const char *path)
{
	/* FTW_PHYS: symlinks are removed, not followed; FTW_MOUNT: nothing
	 * mounted inside is entered (the command cannot mount, but be sure). */
	(void)nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

void cpol_tmpdir_remove(struct cpol_sandbox *sb)
{
	if (sb->tmpdir)
		cpol_rmtree(sb->tmpdir);
}
