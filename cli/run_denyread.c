/* cli/run_denyread.c -- codexrun's side of `deny read`, the policy layer:
 * a command that names a denied path is forbidden before it runs, with the
 * path and the entry that denies it. Patterns ("**" "/.env") match a
 * component of a path named on the command line. The entries come from the
 * spec reader (cpol_spec_denied); the sandbox backend holds the same
 * entries against what the command reads (spec.deny_read, deny_names). */
#include "cli/run.h"
#include "common/error.h"
#include "vm/path.h"

#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Does a path named on the command line fall under an entry? */
static const struct cpol_spec_deny *hits(const struct cpol_spec_deny *d, size_t n, const cpol_env *env,
                                         const char *arg, size_t len)
{
	const char *eq = memchr(arg, '=', len);
	if (len && arg[0] == '-' && eq) { /* --file=PATH */
		len -= (size_t)(eq + 1 - arg);
		arg = eq + 1;
	}
	if (!len)
		return NULL;
	char norm[PATH_MAX];
	long m = cpol_path_normalize(env->cwd, strlen(env->cwd), env->home, strlen(env->home), arg, len, norm,
	                             sizeof norm);
	if (m < 0)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (!d[i].pattern) {
			if (cpol_path_within(d[i].path, strlen(d[i].path), norm, (size_t)m))
				return &d[i];
			continue;
		}
		for (char *c = norm; c && *c;) {
			char *next = strchr(c + 1, '/');
			char comp[PATH_MAX];
			size_t cl = next ? (size_t)(next - c) : strlen(c);
			snprintf(comp, sizeof comp, "%.*s", (int)(cl - (*c == '/')), c + (*c == '/'));
			if (comp[0] && fnmatch(d[i].path, comp, FNM_PERIOD) == 0)
				return &d[i];
			c = next;
		}
	}
	return NULL;
}

int run_denyread_judge(const cpol_image *im, const cpol_env *env, int argc, char **argv, cpol_result *res)
{
	static struct cpol_spec_deny d[64];
	static char reason[PATH_MAX + 512], shown[PATH_MAX];
	size_t n = cpol_spec_denied(im, env, d, 64);
	if (!n || res->verdict.decision == CPOL_FORBID)
		return 0;
	const struct cpol_spec_deny *h = NULL;
	for (int i = 1; i < argc && !h; i++) {
		h = hits(d, n, env, argv[i], strlen(argv[i]));
		if (h)
			snprintf(shown, sizeof shown, "%s", argv[i]);
	}
	/* the words of a script's commands ("bash -c 'cat ~/.ssh/id_rsa'") */
	for (unsigned c = 0; c < res->ncommands && !h; c++) {
		const char *t = res->commands[c].text, *sp = strchr(t, ' ');
		while (sp && !h) {
			const char *w = sp + 1;
			sp = strchr(w, ' ');
			size_t wl = sp ? (size_t)(sp - w) : strlen(w);
			h = hits(d, n, env, w, wl);
			if (h)
				snprintf(shown, sizeof shown, "%.*s", (int)wl, w);
		}
	}
	if (!h)
		return 0;
	snprintf(reason, sizeof reason, "reads %s, which the sandbox denies (deny read \"%s%s\")", shown, h->prefix,
	         h->written);
	res->verdict.decision = CPOL_FORBID;
	res->verdict.rule = "deny read";
	res->verdict.index = -1;
	res->verdict.reason = reason;
	res->verdict.file = "";
	res->verdict.line = res->verdict.col = 0;
	res->verdict.matched = shown;
	return 1;
}
