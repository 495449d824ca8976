/* sandbox/unixsock.c -- services' UNIX sockets: in the parent, which
 * pathname sockets outside the write roots the command must not reach (every
 * socket the kernel lists as bound in /proc/net/unix, but for those inside a
 * write root and those the policy grants with `unix`); in the child, after
 * the other mounts, /dev/null bound over each of them in its private mount
 * namespace, so that connect() and sendto() find no socket there
 * (ECONNREFUSED). It never touches the sockets themselves or the parent's
 * mounts, and the child side never allocates.
 *
 * Why this way: connecting to a pathname socket needs only write permission
 * on the socket file, which the sandbox's root (or the user) has on its
 * own daemons' sockets; Landlock up to ABI 7 has no right for it (it scopes
 * abstract sockets only) and a read-only mount does not stop it. A seccomp
 * filter cannot read the address connect() is given. Hiding every socket by
 * name in the command's own view holds whatever the process does with the
 * path.
 *
 * Limits: only sockets bound when the run starts, by a process in this
 * network namespace, under the name they were bound with, are hidden: a
 * daemon that starts during the run, a socket renamed or hard-linked after
 * bind, one bound with a relative name, and one bound in another network
 * namespace (a container's) stay reachable; so does a socket reached through
 * /proc/PID/root of a process of the same user outside the sandbox.
 */
#include "sandbox/internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

static int under(const char *path, const char *root)
{
	size_t n = strlen(root);
	if (n == 1 && root[0] == '/')
		return 1;
	return strncmp(path, root, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

struct sockplan {
	char **wroots, **grants;
	size_t nw, ng;
	size_t cap;
};

static void free_list(char **l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

/* A canonical copy of each path of list (as given when it cannot be
 * resolved: a grant of a socket that is not there yet). */
static char **canon_list(const char *const *list, size_t n, size_t *out)
{
	char **r = calloc(n + 1, sizeof *r);
	*out = 0;
	if (!r)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (!list[i] || list[i][0] != '/')
			continue;
		char *c = realpath(list[i], NULL);
		r[(*out)++] = c ? c : strdup(list[i]);
		if (!r[*out - 1]) {
			free_list(r, *out);
			return NULL;
		}
	}
	return r;
}

static int add_hidden(struct cpol_sandbox *sb, struct sockplan *p, const char *path,
                      cpol_error *err)
{
	for (size_t i = 0; i < sb->nhidden; i++)
		if (strcmp(sb->hidden[i], path) == 0)
			return 0;
	if (sb->nhidden == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		char **h = realloc(sb->hidden, cap * sizeof *h);
		if (!h)
			return cpol_fail(err, ENOMEM, "sandbox: out of memory");
		sb->hidden = h;
		p->cap = cap;
	}
	sb->hidden[sb->nhidden] = strdup(path);
	if (!sb->hidden[sb->nhidden])
		return cpol_fail(err, ENOMEM, "sandbox: out of memory");
	sb->nhidden++;
	return 0;
}

/* One line of /proc/net/unix: "Num RefCount Protocol Flags Type St Inode
 * Path"; the path is the rest of the line (it may hold spaces). */
static const char *line_path(char *line)
{
	char *s = line;
	for (int field = 0; field < 7; field++) {
		s += strspn(s, " ");
		s += strcspn(s, " \n");
		if (!*s || *s == '\n')
			return NULL;
	}
	s += strspn(s, " ");
	s[strcspn(s, "\n")] = '\0';
	return s[0] == '/' ? s : NULL; /* abstract ("@...") and unnamed ones: not files */
}

static int consider(struct cpol_sandbox *sb, struct sockplan *p, const char *path,
                    cpol_error *err)
{
	struct stat st;
	if (lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode))
		return 0; /* gone, renamed, or not ours to see */
	char canon[PATH_MAX];
	if (!realpath(path, canon))
		return 0;
	for (size_t i = 0; i < p->nw; i++)
		if (under(canon, p->wroots[i]))
			return 0;
	for (size_t i = 0; i < p->ng; i++)
		if (strcmp(canon, p->grants[i]) == 0 || strcmp(path, p->grants[i]) == 0)
			return 0;
	return add_hidden(sb, p, canon, err);
}

int cpol_unixsock_plan(const struct cpol_sandbox_spec *spec, struct cpol_sandbox *sb,
                       struct cpol_sandbox_report *report, cpol_error *err)
{
	struct sockplan p = { 0 };
	int r = -1;
	p.wroots = canon_list(spec->write_roots, spec->nwrite, &p.nw);
	p.grants = canon_list(spec->unix_allow, spec->nunix, &p.ng);
	if (!p.wroots || !p.grants) {
		cpol_fail(err, ENOMEM, "sandbox: out of memory");
		goto out;
	}
	FILE *f = fopen("/proc/net/unix", "re");
	if (!f) {
		cpol_report_add(report->degraded, sizeof report->degraded,
		                "UNIX sockets outside the write roots not hidden (/proc/net/unix: %s)",
		                strerror(errno));
		r = 0;
		goto out;
	}
	char *line = NULL;
	size_t cap = 0;
	r = 0;
	for (int first = 1; r == 0 && getline(&line, &cap, f) > 0; first = 0) {
		const char *path = first ? NULL : line_path(line);
		if (path)
			r = consider(sb, &p, path, err);
	}
	free(line);
	fclose(f);
out:
	if (p.wroots)
		free_list(p.wroots, p.nw);
	if (p.grants)
		free_list(p.grants, p.ng);
	return r;
}

/* Child side: no allocation. In the private mount namespace already. A
 * socket that went away meanwhile, or that this user cannot walk to, needs
 * no hiding. */
int cpol_unixsock_enter(const struct cpol_sandbox *sb, cpol_error *err)
{
	for (size_t i = 0; i < sb->nhidden; i++)
		if (mount("/dev/null", sb->hidden[i], NULL, MS_BIND, NULL) < 0 &&
		    errno != ENOENT && errno != ENOTDIR && errno != EACCES)
			return cpol_fail_errno(err, "sandbox: hiding the UNIX socket %s", sb->hidden[i]);
	return 0;
}
