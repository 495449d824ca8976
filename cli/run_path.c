/* cli/run_path.c -- the PATH codexrun runs the command with, and what the
 * VM is told about the shells of this machine.
 *
 * A PATH entry that is relative (".", "bin", or empty, which means ".") or
 * inside a write root of the policy holds programs the sandboxed command
 * itself can put there: found first, they would run instead of the tools the
 * policy judged by name (`ls` in a script, `gzip` run by an allowed `tar`).
 * So relative and empty entries are dropped, and entries inside a write root,
 * the workspace or the temporary folder (an earlier command, under another
 * policy, may have written there; checked as written and with symbolic
 * links resolved) move behind all the others, keeping their order: a name the system folders hold always finds
 * the system's program, and the workspace's own tools (a venv, node_modules)
 * are still found when nothing else has that name. Nothing left (PATH=.)
 * gives the usual system folders. The command is resolved through the same
 * PATH. When such entries remain, a bare name inside a
 * script may still find a workspace program: the VM is told not to allow
 * bare names by name then.
 *
 * Runs once, before the evaluation: it may make system calls; the VM never
 * does.
 */
#include "cli/run.h"
#include "vm/path.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

static int inside(const struct cpol_spec *rs, const cpol_env *env, const char *dir)
{
	char norm[PATH_MAX];
	long n = cpol_path_normalize("/", 1, "/", 1, dir, strlen(dir), norm, sizeof norm);
	if (n < 0 || cpol_spec_writable(rs, norm))
		return 1;
	return cpol_path_within(env->workspace, strlen(env->workspace), norm, (size_t)n) ||
	       cpol_path_within(env->tmpdir, strlen(env->tmpdir), norm, (size_t)n);
}

static int writable(const struct cpol_spec *rs, const cpol_env *env, const char *dir)
{
	char real[PATH_MAX];
	return inside(rs, env, dir) || (realpath(dir, real) && inside(rs, env, real));
}

int run_path_setup(const cpol_image *im, const cpol_env *env)
{
	const char *path = getenv("PATH");
	if (!path)
		return 1;               /* the shells' own default: system folders */
	struct cpol_spec rs;
	cpol_error err;
	if (cpol_spec_read(im, env, 0, &rs, &err) < 0)
		return -1;
	size_t len = strlen(path);
	char *out = malloc(len + sizeof DEFAULT_PATH), *dup = malloc(len + 1);
	if (!out || !dup) {
		free(out);
		free(dup);
		cpol_spec_free(&rs);
		return -1;
	}
	size_t n = 0;
	int moved = 0;
	/* pass 0: the entries the command cannot write; pass 1: the others */
	for (int pass = 0; pass < 2; pass++) {
		memcpy(dup, path, len + 1);
		char *save = NULL;
		for (char *e = strtok_r(dup, ":", &save); e; e = strtok_r(NULL, ":", &save)) {
			if (e[0] != '/')
				continue;       /* relative: gone */
			if (writable(&rs, env, e) != pass)
				continue;
			moved |= pass;
			size_t el = strlen(e);
			if (n)
				out[n++] = ':';
			memcpy(out + n, e, el);
			n += el;
		}
	}
	out[n] = 0;
	if (n == 0)     /* an empty PATH is "." to the shells: the usual one instead */
		memcpy(out, DEFAULT_PATH, sizeof DEFAULT_PATH);
	int rc = setenv("PATH", out, 1) == 0 ? !moved : -1;
	free(out);
	free(dup);
	cpol_spec_free(&rs);
	return rc;
}

void run_ctx_shell(cpol_ctx *ctx, int path_trusted)
{
	char real[PATH_MAX];
	const char *sh = realpath("/bin/sh", real) ? real : NULL;
	if (sh) {
		const char *slash = strrchr(sh, '/');
		sh = slash ? slash + 1 : sh;
	}
	cpol_ctx_set_sh(ctx, sh);
	cpol_ctx_set_path_trusted(ctx, path_trusted);
}
