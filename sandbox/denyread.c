/* sandbox/denyread.c -- the complement of the denied paths within the read
 * roots (see denyread.h). Runs in the parent, before the Landlock ruleset
 * is built from its result; it reads folders, never changes anything. */
#include "sandbox/denyread.h"
#include "sandbox/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Is p equal to root or below it (both absolute, normal)? */
static int within(const char *root, const char *p)
{
	size_t n = strlen(root);
	if (n == 1 && root[0] == '/')
		return 1;
	return !strncmp(root, p, n) && (p[n] == 0 || p[n] == '/');
}

struct plan {
	char **deny;
	size_t ndeny, max;
	struct cpol_denyread *out;
	cpol_error *err;
};

static int add(char ***arr, size_t *n, const char *path, cpol_error *err)
{
	char *s = strdup(path);
	char **a = realloc(*arr, (*n + 1) * sizeof *a);
	if (!s || !a) {
		free(s);
		if (a)
			*arr = a;
		return cpol_fail(err, ENOMEM, "out of memory");
	}
	*arr = a;
	a[(*n)++] = s;
	return 0;
}

static int keep(struct plan *p, const char *path)
{
	if (p->out->nread >= p->max)
		return cpol_fail(p->err, E2BIG, "deny read: the readable rest of the read roots needs more than %zu "
		                 "Landlock rules", p->max);
	return add(&p->out->reads, &p->out->nread, path, p->err);
}

static int complement(struct plan *p, const char *root, int depth)
{
	int below = 0;
	for (size_t i = 0; i < p->ndeny; i++) {
		if (within(p->deny[i], root))
			return 0; /* denied itself */
		below |= within(root, p->deny[i]);
	}
	if (!below)
		return keep(p, root);
	if (depth > 64)
		return cpol_fail(p->err, ELOOP, "deny read: %s is too deep", root);
	DIR *d = opendir(root);
	if (!d)
		return 0; /* not a folder we can list: nothing of it is granted */
	if (add(&p->out->lists, &p->out->nlist, root, p->err) < 0) {
		closedir(d);
		return -1;
	}
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char child[PATH_MAX];
		if (snprintf(child, sizeof child, "%s%s%s", root, strcmp(root, "/") ? "/" : "", e->d_name) >=
		    (int)sizeof child)
			continue;
		struct stat st;
		if (lstat(child, &st) < 0 || S_ISLNK(st.st_mode))
			continue; /* a link is not granted: its target is judged on its own */
		rc = S_ISDIR(st.st_mode) ? complement(p, child, depth + 1) : 0;
		if (!S_ISDIR(st.st_mode)) {
			int denied = 0;
			for (size_t i = 0; i < p->ndeny; i++)
				denied |= within(p->deny[i], child);
			if (!denied)
				rc = keep(p, child);
		}
	}
	closedir(d);
	return rc;
}

/* The denied path as the kernel names it: symbolic links before its last
 * existing component resolved (a missing tail is kept as written). */
static char *canonical(const char *path)
{
	char buf[PATH_MAX];
	if (realpath(path, buf))
		return strdup(buf);
	const char *slash = strrchr(path, '/');
	if (!slash || slash == path)
		return strdup(path);
	char parent[PATH_MAX];
	snprintf(parent, sizeof parent, "%.*s", (int)(slash - path), path);
	char *rp = canonical(parent);
	if (!rp)
		return NULL;
	char *out = malloc(strlen(rp) + strlen(slash) + 1);
	if (out)
		sprintf(out, "%s%s", strcmp(rp, "/") ? rp : "", slash);
	free(rp);
	return out;
}

static int plan_paths(const char *const *reads, size_t nread, const char *const *writes, size_t nwrite,
                       const char *const *deny, size_t ndeny, size_t max, struct cpol_denyread *out,
                       cpol_error *err)
{
	memset(out, 0, sizeof *out);
	struct plan p = { calloc(ndeny ? ndeny : 1, sizeof(char *)), 0, max, out, err };
	if (!p.deny)
		return cpol_fail(err, ENOMEM, "out of memory");
	int rc = 0;
	for (size_t i = 0; i < ndeny && rc == 0; i++) {
		p.deny[p.ndeny] = canonical(deny[i]);
		if (!p.deny[p.ndeny])
			rc = cpol_fail(err, ENOMEM, "out of memory");
		else
			p.ndeny++;
	}
	for (size_t i = 0; i < nread && rc == 0; i++) {
		char *r = canonical(reads[i]);
		if (!r) {
			rc = cpol_fail(err, ENOMEM, "out of memory");
			break;
		}
		for (size_t k = 0; k < p.ndeny; k++)
			out->ndenied += within(r, p.deny[k]);
		rc = complement(&p, r, 0);
		free(r);
	}
	/* Inside a write root: masked in the mount namespace when it exists
	 * (mask.c), else nothing holds it; around one: the write root grants it. */
	for (size_t k = 0; k < p.ndeny && rc == 0; k++)
		for (size_t i = 0; i < nwrite; i++) {
			char *w = canonical(writes[i]);
			struct stat st;
			if (w && within(w, p.deny[k]) && lstat(p.deny[k], &st) == 0)
				rc = add(&out->masks, &out->nmask, p.deny[k], err);
			else if (w && within(w, p.deny[k]))
				cpol_report_add(out->degraded, sizeof out->degraded,
				                "deny read %s: inside write root %s and missing: made later, it is readable",
				                p.deny[k], writes[i]);
			else if (w && within(p.deny[k], w))
				cpol_report_add(out->degraded, sizeof out->degraded,
				                "deny read %s: around write root %s, which stays readable", p.deny[k],
				                writes[i]);
			free(w);
		}
	for (size_t k = 0; k < p.ndeny; k++)
		free(p.deny[k]);
	free(p.deny);
	if (rc < 0)
		cpol_denyread_free(out);
	return rc;
}

/* Below root: every entry whose name matches a pattern, not following
 * links, not into what is masked already; *budget entries at most. */
static int match_walk(const char *root, const char *const *pat, size_t npat, int depth, size_t *budget,
                      struct cpol_denyread *out, cpol_error *err)
{
	DIR *d = depth < 32 ? opendir(root) : NULL;
	if (!d)
		return 0;
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (*budget == 0) {
			rc = 1;
			break;
		}
		(*budget)--;
		char child[PATH_MAX];
		if (snprintf(child, sizeof child, "%s%s%s", root, strcmp(root, "/") ? "/" : "", e->d_name) >=
		    (int)sizeof child)
			continue;
		int hit = 0;
		for (size_t i = 0; i < npat && !hit; i++)
			hit = fnmatch(pat[i], e->d_name, FNM_PERIOD) == 0;
		/* the entry's type from the folder itself: no stat for most */
		unsigned char type = e->d_type;
		struct stat st;
		if (type == DT_UNKNOWN)
			type = lstat(child, &st) < 0 ? DT_LNK : S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
		if (type == DT_LNK)
			continue;
		if (hit)
			rc = add(&out->masks, &out->nmask, child, err);
		else if (type == DT_DIR)
			rc = match_walk(child, pat, npat, depth + 1, budget, out, err);
	}
	closedir(d);
	return rc;
}

static int plan_names(const char *const *writes, size_t nwrite, const char *const *pat, size_t npat,
                           size_t budget, struct cpol_denyread *out, cpol_error *err)
{
	int full = 0;
	for (size_t i = 0; i < nwrite && npat; i++) {
		struct stat st;
		if (stat(writes[i], &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		int rc = match_walk(writes[i], pat, npat, 0, &budget, out, err);
		if (rc < 0)
			return -1;
		if (rc > 0 && !full) {
			full = 1;
			cpol_report_add(out->degraded, sizeof out->degraded,
			                "deny read patterns: write root %s has more entries than are searched at the "
			                "start; matches past them are readable", writes[i]);
		}
	}
	return 0;
}

int cpol_denyread_spec(const struct cpol_sandbox_spec *spec, struct cpol_denyread *out, cpol_error *err)
{
	if (spec->ndeny_read && plan_paths(spec->read_roots, spec->nread, spec->write_roots, spec->nwrite,
	                                   spec->deny_read, spec->ndeny_read, 4096, out, err) < 0)
		return -1;
	return plan_names(spec->write_roots, spec->nwrite, spec->deny_names, spec->ndeny_names, 100000, out, err);
}

void cpol_denyread_free(struct cpol_denyread *d)
{
	for (size_t i = 0; i < d->nmask; i++)
		free(d->masks[i]);
	free(d->masks);
	d->masks = NULL;
	d->nmask = 0;
	for (size_t i = 0; i < d->nread; i++)
		free(d->reads[i]);
	free(d->reads);
	d->reads = NULL;
	d->nread = 0;
	for (size_t i = 0; i < d->nlist; i++)
		free(d->lists[i]);
	free(d->lists);
	d->lists = NULL;
	d->nlist = 0;
}
