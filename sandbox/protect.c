/* sandbox/protect.c -- the child's mount namespace: in the parent, which
 * paths inside the writable roots stay read-only (each protect entry, what a
 * `.git` gitfile and its commondir point to, the symlinks on the way) and
 * which roots are writable; in the child, a private mount namespace where
 * the whole tree is read-only but for the write roots, and each protected
 * path is a read-only bind mount of itself. It never changes the parent's
 * mount namespace, and the child side never allocates.
 *
 * Why a mount namespace: Landlock rules only add rights to whole subtrees,
 * so nothing under a writable root can be taken back with Landlock. A
 * read-only bind mount can: writes, creation, truncation and chmod inside it
 * fail with EROFS, and the mount point itself cannot be renamed, removed or
 * replaced (EBUSY) from inside the namespace. The read-only view of the rest
 * (Linux >= 5.12: mount_setattr) stops what Landlock does not cover -- chmod,
 * chown, utimes, xattrs -- which root could otherwise do to every system
 * file it owns. As root (CAP_SYS_ADMIN) we unshare(CLONE_NEWNS) directly;
 * otherwise through a user namespace (CLONE_NEWUSER, mapping our own uid and
 * gid only), which keeps the flags of the mounts it copies (nosuid, nodev,
 * noexec) locked, as they should be. Without root and without protected
 * paths there is no namespace (and no read-only view).
 *
 * A path that does not exist has no inode to mount on; see placeholder.c
 * for how it is made non-creatable. Paths outside every writable root are
 * left to Landlock (they are read-only already) unless Landlock is
 * unavailable, in which case every protect entry is bound read-only. After
 * mounting, the child walks to its working directory again, so a cwd inside
 * a protected path does not keep pointing at the writable mount underneath.
 *
 * Limits: only the paths named (and .git of each write root) are protected,
 * not a nested repository's .git; a write root inside another write root can
 * itself be renamed by the command; hard links made earlier to a protected
 * file from elsewhere stay writable through that other name, and so do
 * descriptors the caller leaks into the child.
 */
#include "sandbox/internal.h"
#include "common/readfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef __NR_open_tree
#define __NR_open_tree 428
#endif
#ifndef __NR_move_mount
#define __NR_move_mount 429
#endif
#ifndef __NR_mount_setattr
#define __NR_mount_setattr 442
#endif

/* struct mount_attr of <linux/mount.h> (which clashes with <sys/mount.h>). */
struct cpol_mount_attr {
	uint64_t attr_set;
	uint64_t attr_clr;
	uint64_t propagation;
	uint64_t userns_fd;
};

#define MAX_LINKS 40      /* symlinks followed while resolving one path */
#define MAX_GITFILE_DEPTH 4

/* ---- parent side: which paths --------------------------------------- */

struct plan {
	int fs_enforced;
	char **wroots;            /* canonical write roots */
	size_t nw;
	struct cpol_sandbox *sb;
	size_t cap;
	struct cpol_sandbox_report *report;
	cpol_error *err;
};

static int walk(struct plan *p, const char *path, int depth);

static int under_write_root(const struct plan *p, const char *path)
{
	if (!p->fs_enforced)
		return 1; /* no Landlock: everything is writable */
	for (size_t i = 0; i < p->nw; i++) {
		size_t n = strlen(p->wroots[i]);
		if (n == 1 && p->wroots[i][0] == '/')
			return 1;
		if (strncmp(path, p->wroots[i], n) == 0 && (path[n] == '\0' || path[n] == '/'))
			return 1;
	}
	return 0;
}

static unsigned long mount_flags_of(const char *path, int is_link)
{
	struct statvfs vfs;
	char parent[PATH_MAX];
	if (is_link) { /* statvfs follows the link: ask about its directory */
		snprintf(parent, sizeof parent, "%s", path);
		char *slash = strrchr(parent, '/');
		if (slash == parent)
			slash[1] = '\0';
		else if (slash)
			*slash = '\0';
		path = parent;
	}
	if (statvfs(path, &vfs) < 0)
		return 0;
	static const struct { unsigned long st, ms; } kept[] = {
		{ ST_NOSUID, MS_NOSUID }, { ST_NODEV, MS_NODEV }, { ST_NOEXEC, MS_NOEXEC },
		{ ST_NOATIME, MS_NOATIME }, { ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
	};
	unsigned long f = 0;
	for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
		if (vfs.f_flag & kept[i].st)
			f |= kept[i].ms;
	return f;
}

/* A new target slot for path; NULL with *skip set when there is nothing
 * to protect (path is outside the write roots, or already a target), NULL
 * with err filled when out of memory. */
static struct cpol_protect_target *new_target(struct plan *p, const char *path, int *skip)
{
	struct cpol_sandbox *sb = p->sb;
	*skip = !under_write_root(p, path);
	for (size_t i = 0; i < sb->ntargets && !*skip; i++)
		*skip = strcmp(sb->targets[i].path, path) == 0;
	if (*skip)
		return NULL;
	if (sb->ntargets == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8;
		struct cpol_protect_target *t = realloc(sb->targets, cap * sizeof *t);
		if (!t) {
			cpol_fail(p->err, ENOMEM, "sandbox: out of memory");
			return NULL;
		}
		sb->targets = t;
		p->cap = cap;
	}
	struct cpol_protect_target *t = &sb->targets[sb->ntargets];
	memset(t, 0, sizeof *t);
	t->lock_fd = -1;
	t->path = strdup(path);
	if (!t->path) {
		cpol_fail(p->err, ENOMEM, "sandbox: out of memory");
		return NULL;
	}
	sb->ntargets++;
	return t;
}

static int add_existing(struct plan *p, const char *path, const struct stat *st)
{
	int skip;
	struct cpol_protect_target *t = new_target(p, path, &skip);
	if (!t)
		return skip ? 0 : -1;
	t->dev = st->st_dev;
	t->ino = st->st_ino;
	t->type = st->st_mode & S_IFMT;
	t->mnt_flags = mount_flags_of(path, S_ISLNK(st->st_mode));
	return 0;
}

/* path does not exist (its parent directory does): stand a placeholder
 * directory there. Returns 1 when something else appeared at path meanwhile
 * (the caller resolves it again). */
static int add_missing(struct plan *p, const char *path)
{
	int skip;
	struct cpol_protect_target *t = new_target(p, path, &skip);
	if (!t)
		return skip ? 0 : -1;
	int r = cpol_placeholder_acquire(t, p->err);
	if (r != 0) { /* drop the slot again */
		free(t->path);
		p->sb->ntargets--;
		if (r == 2) {
			cpol_report_add(p->report->notes, sizeof p->report->notes,
			                "protected path %s cannot be created there", path);
			return 0;
		}
		return r;
	}
	t->mnt_flags = mount_flags_of(path, 0);
	if (t->created)
		cpol_report_add(p->report->notes, sizeof p->report->notes,
		                "placeholder %s made for a missing protected path", path);
	return 0;
}

/* Read the first line of a small file into buf. */
static int read_line(const char *path, char *buf, size_t len)
{
	if (cpol_read_small(path, buf, len) < 0)
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

/* dir + "/" + rel, or rel when it is absolute. */
static int join(char *out, size_t len, const char *dir, const char *rel)
{
	int n = rel[0] == '/' ? snprintf(out, len, "%s", rel)
	                      : snprintf(out, len, "%s/%s", dir, rel);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* A `.git` file ("gitdir: X") makes X the repository: protect it, and the
 * directory its `commondir` names (where a worktree's config and hooks
 * live). */
static int gitfile(struct plan *p, const char *path, int depth)
{
	char line[PATH_MAX], dir[PATH_MAX], gitdir[PATH_MAX], common[PATH_MAX];
	if (read_line(path, line, sizeof line) < 0 || strncmp(line, "gitdir:", 7) != 0)
		return 0; /* not a gitfile: the file itself is protected already */
	const char *x = line + 7;
	while (*x == ' ' || *x == '\t')
		x++;
	if (!*x)
		return 0;
	snprintf(dir, sizeof dir, "%s", path);
	*strrchr(dir, '/') = '\0';
	if (join(gitdir, sizeof gitdir, dir[0] ? dir : "/", x) < 0)
		return cpol_fail(p->err, ENAMETOOLONG, "sandbox: gitdir of %s too long", path);
	if (walk(p, gitdir, depth + 1) < 0)
		return -1;
	char cdfile[PATH_MAX];
	if (join(cdfile, sizeof cdfile, gitdir, "commondir") < 0 ||
	    read_line(cdfile, line, sizeof line) < 0 || !line[0])
		return 0;
	if (join(common, sizeof common, gitdir, line) < 0)
		return cpol_fail(p->err, ENAMETOOLONG, "sandbox: commondir of %s too long", gitdir);
	return walk(p, common, depth + 1);
}

/* Resolve an absolute path component by component, the way the kernel
 * would, and protect what decides what it names: every symlink met on the
 * way (inside a write root, so it cannot be swapped), and at the end the
 * file or directory itself; if a component is missing, a placeholder there
 * (which keeps everything below it from being created); if a component is
 * not a directory, that component (nothing can appear below it). */
static int walk(struct plan *p, const char *path, int depth)
{
	if (depth > MAX_GITFILE_DEPTH)
		return 0;
	char cur[PATH_MAX] = "", next[PATH_MAX], todo[2 * PATH_MAX], link[PATH_MAX];
	if (strlen(path) >= sizeof todo)
		return cpol_fail(p->err, ENAMETOOLONG, "sandbox: protected path too long");
	strcpy(todo, path);
	const char *s = todo;
	int links = 0, again = 0;
	struct stat st;
	if (lstat("/", &st) < 0)
		return cpol_fail_errno(p->err, "sandbox: /");
	for (;;) {
		while (*s == '/')
			s++;
		if (!*s)
			break;
		const char *e = strchrnul(s, '/');
		size_t clen = (size_t)(e - s);
		if (clen == 1 && s[0] == '.') {
			s = e;
			continue;
		}
		if (clen == 2 && s[0] == '.' && s[1] == '.') {
			char *slash = strrchr(cur, '/');
			if (slash)
				*slash = '\0';
			s = e;
			continue;
		}
		size_t cl = strlen(cur);
		if (cl + 1 + clen >= sizeof next)
			return cpol_fail(p->err, ENAMETOOLONG, "sandbox: protected path %s too long", path);
		memcpy(next, cur, cl);
		next[cl] = '/';
		memcpy(next + cl + 1, s, clen);
		next[cl + 1 + clen] = '\0';
		if (lstat(next, &st) < 0) {
			if (errno != ENOENT)
				return cpol_fail_errno(p->err, "sandbox: protected path %s", next);
			int r = add_missing(p, next);
			if (r == 1 && ++again < 8) /* appeared meanwhile: look again */
				continue;
			return r < 0 ? -1 : 0;
		}
		const char *rest = e;
		while (*rest == '/')
			rest++;
		if (S_ISLNK(st.st_mode)) {
			if (++links > MAX_LINKS)
				return cpol_fail(p->err, ELOOP, "sandbox: protected path %s: too many "
				                 "symbolic links", path);
			if (add_existing(p, next, &st) < 0)
				return -1;
			ssize_t n = readlink(next, link, sizeof link - 1);
			if (n < 0)
				return cpol_fail_errno(p->err, "sandbox: readlink %s", next);
			link[n] = '\0';
			char tmp[2 * PATH_MAX];
			int m = snprintf(tmp, sizeof tmp, "%s/%s", link, rest);
			if (m < 0 || (size_t)m >= sizeof tmp)
				return cpol_fail(p->err, ENAMETOOLONG, "sandbox: protected path %s too long", path);
			memcpy(todo, tmp, (size_t)m + 1);
			s = todo;
			if (link[0] == '/')
				cur[0] = '\0';
			continue;
		}
		if (S_ISDIR(st.st_mode) && cpol_placeholder_marked(next)) {
			/* a placeholder left by an earlier run: ours to use */
			int r = add_missing(p, next);
			if (r == 1 && ++again < 8)
				continue;
			return r < 0 ? -1 : 0;
		}
		memcpy(cur, next, strlen(next) + 1);
		s = e;
		if (!S_ISDIR(st.st_mode) && *rest)
			return add_existing(p, cur, &st); /* nothing can be below a file */
	}
	if (!cur[0])
		strcpy(cur, "/");
	if (lstat(cur, &st) < 0) /* (a final ".." leaves st stale) */
		return cpol_fail_errno(p->err, "sandbox: protected path %s", cur);
	if (add_existing(p, cur, &st) < 0)
		return -1;
	const char *base = strrchr(cur, '/');
	if (S_ISREG(st.st_mode) && base && strcmp(base, "/.git") == 0)
		return gitfile(p, cur, depth);
	return 0;
}

static int userns_allowed(void)
{
	char line[32];
	if (read_line("/proc/sys/user/max_user_namespaces", line, sizeof line) == 0 &&
	    strcmp(line, "0") == 0)
		return 0;
	if (read_line("/proc/sys/kernel/unprivileged_userns_clone", line, sizeof line) == 0 &&
	    strcmp(line, "0") == 0)
		return 0;
	return 1;
}

static int by_length(const void *a, const void *b)
{
	size_t la = strlen(((const struct cpol_protect_target *)a)->path);
	size_t lb = strlen(((const struct cpol_protect_target *)b)->path);
	return la < lb ? -1 : la > lb;
}

int cpol_protect_have_mount_api(void)
{
	/* An invalid call: EBADF/EINVAL when the kernel has it. */
	return !(syscall(__NR_mount_setattr, -1, "", 0, NULL, (size_t)0) < 0 && errno == ENOSYS);
}

/* The write roots, for the read-only view: outer ones first. */
static int plan_ro_view(struct plan *p, cpol_error *err)
{
	struct cpol_sandbox *sb = p->sb;
	for (size_t i = 0; i < p->nw; i++)
		if (strcmp(p->wroots[i], "/") == 0)
			return 0; /* everything is writable: no view to make */
	if (!(sb->rw = cpol_sb_calloc(p->nw + 1, sizeof *sb->rw, err)) ||
	    !(sb->rw_fds = cpol_sb_calloc(p->nw + 1, sizeof *sb->rw_fds, err)))
		return -1;
	for (size_t i = 0; i < p->nw; i++) {
		struct stat st;
		/* Only directories and regular files need a writable mount: a
		 * device, fifo or socket is written on a read-only one too (and a
		 * bind mount of /dev/ptmx would cut it off from its devpts). */
		if (lstat(p->wroots[i], &st) < 0 || !(S_ISDIR(st.st_mode) || S_ISREG(st.st_mode)))
			continue;
		struct cpol_protect_target *t = &sb->rw[sb->nrw];
		if (!(t->path = cpol_sb_strdup(p->wroots[i], err)))
			return -1;
		t->dev = st.st_dev;
		t->ino = st.st_ino;
		t->type = st.st_mode & S_IFMT;
		t->lock_fd = -1;
		sb->nrw++;
	}
	if (sb->nrw > 1)
		qsort(sb->rw, sb->nrw, sizeof *sb->rw, by_length);
	sb->ro_view = 1;
	return 0;
}

int cpol_protect_plan(const struct cpol_sandbox_spec *spec, int fs_enforced,
                      struct cpol_sandbox *sb, struct cpol_sandbox_report *report,
                      cpol_error *err)
{
	struct plan p = { .fs_enforced = fs_enforced, .sb = sb, .report = report, .err = err };
	int r = -1;
	if (!(p.wroots = cpol_sb_calloc(spec->nwrite + 2, sizeof *p.wroots, err)))
		return -1;
	for (size_t i = 0; i < spec->nwrite; i++) {
		if (!spec->write_roots[i] || spec->write_roots[i][0] != '/')
			continue; /* landlock.c reports it */
		char *c = realpath(spec->write_roots[i], NULL);
		if (c)
			p.wroots[p.nw++] = c;
	}
	for (size_t i = 0; i < spec->nprotect; i++) {
		const char *e = spec->protect[i];
		if (!e || !e[0]) {
			cpol_fail(err, EINVAL, "sandbox: empty protected path");
			goto out;
		}
		for (const char *c = e; *c; c = strchrnul(c, '/'), c += *c == '/')
			if (c[0] == '.' && c[1] == '.' && (c[2] == '/' || !c[2])) {
				cpol_fail(err, EINVAL, "sandbox: protected path \"%s\" has \"..\"", e);
				goto out;
			}
		if (e[0] == '/') {
			if (walk(&p, e, 0) < 0)
				goto out;
			continue;
		}
		for (size_t w = 0; w < p.nw; w++) {
			struct stat st;
			char path[PATH_MAX];
			if (stat(p.wroots[w], &st) < 0 || !S_ISDIR(st.st_mode))
				continue;
			if (join(path, sizeof path, strcmp(p.wroots[w], "/") ? p.wroots[w] : "", e) < 0) {
				cpol_fail(err, ENAMETOOLONG, "sandbox: protected path %s/%s too long",
				          p.wroots[w], e);
				goto out;
			}
			if (walk(&p, path, 0) < 0)
				goto out;
		}
	}
	/* Code-running files that exist at the top of a folder write root stay
	 * read-only (new ones, and those below, are undone after the run). */
	for (size_t w = 0; !spec->trusted && w < p.nw; w++) {
		struct stat st;
		if (stat(p.wroots[w], &st) < 0 || !S_ISDIR(st.st_mode) || strcmp(p.wroots[w], "/") == 0)
			continue;
		DIR *d = opendir(p.wroots[w]);
		struct dirent *de;
		while (d && (de = readdir(d))) {
			char path[PATH_MAX];
			if (!cpol_coderun_name(de->d_name) ||
			    join(path, sizeof path, p.wroots[w], de->d_name) < 0 || lstat(path, &st) < 0)
				continue;
			if (add_existing(&p, path, &st) < 0) {
				closedir(d);
				goto out;
			}
		}
		if (d)
			closedir(d);
	}
	if (sb->ntargets > 1)
		qsort(sb->targets, sb->ntargets, sizeof *sb->targets, by_length);
	/* The private temporary folder is writable in the read-only view too. */
	if (sb->tmpdir && (p.wroots[p.nw] = strdup(sb->tmpdir)))
		p.nw++;

	/* A mount namespace for the protected paths, and as root for the
	 * read-only view even without them. */
	int root = geteuid() == 0;
	if (sb->ntargets == 0 && sb->nhidden == 0 && sb->nmask == 0 && !sb->tmp_view && (!root || sb->readonly_fs)) {
		/* nothing to protect; as root, the seccomp filter refuses the
		 * metadata changes the read-only view would stop */
		r = 0;
		goto out;
	}
	if (cpol_caps_effective(CAP_SYS_ADMIN)) {
		sb->mount_mode = CPOL_MNT_DIRECT;
	} else if (userns_allowed()) {
		sb->mount_mode = CPOL_MNT_USERNS;
		snprintf(sb->uid_map, sizeof sb->uid_map, "%lu %lu 1\n",
		         (unsigned long)geteuid(), (unsigned long)geteuid());
		snprintf(sb->gid_map, sizeof sb->gid_map, "%lu %lu 1\n",
		         (unsigned long)getegid(), (unsigned long)getegid());
	} else if (sb->ntargets == 0) { /* only the view and the sockets are lost */
		if (root)
			cpol_report_add(report->degraded, sizeof report->degraded,
			                "chmod, chown, utimes and xattrs outside the write roots not "
			                "blocked for root (no mount namespace)");
		if (sb->nhidden)
			cpol_report_add(report->degraded, sizeof report->degraded,
			                "%zu UNIX sockets outside the write roots not hidden "
			                "(no mount namespace)", sb->nhidden);
		report->sockets_hidden = 0;
		if (sb->nmask)
			cpol_report_add(report->degraded, sizeof report->degraded,
			                "%zu denied paths inside the write roots readable (no mount namespace)",
			                sb->nmask);
		r = 0;
		goto out;
	} else {
		cpol_fail(err, EPERM, "sandbox: protected paths need a mount namespace: "
		          "no CAP_SYS_ADMIN and this kernel refuses unprivileged user namespaces");
		goto out;
	}
	if (sb->readonly_fs) {
		/* the seccomp filter refuses the metadata changes: the namespace
		 * is only for protected paths and hidden sockets, no view needed */
	} else if (!cpol_protect_have_mount_api()) {
		if (root)
			cpol_report_add(report->degraded, sizeof report->degraded,
			                "chmod, chown, utimes and xattrs outside the write roots not "
			                "blocked for root (no mount_setattr: Linux < 5.12)");
	} else if (plan_ro_view(&p, err) < 0) {
		goto out;
	}
	sb->cwd = getcwd(NULL, 0); /* NULL when it is gone: nothing to re-enter */
	for (size_t i = 0; sb->cwd && i < sb->ntargets; i++) {
		size_t n = strlen(sb->targets[i].path);
		if (strncmp(sb->cwd, sb->targets[i].path, n) == 0 &&
		    (sb->cwd[n] == '\0' || sb->cwd[n] == '/'))
			sb->cwd_protected = 1;
	}
	r = 0;
out:
	for (size_t i = 0; i < p.nw; i++)
		free(p.wroots[i]);
	free(p.wroots);
	return r;
}

/* ---- child side: the mounts ------------------------------------------ */

static int write_all(const char *path, const char *s, cpol_error *err)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return cpol_fail_errno(err, "sandbox: open %s", path);
	size_t len = strlen(s);
	ssize_t n = write(fd, s, len);
	int saved = errno;
	close(fd);
	errno = saved;
	if (n != (ssize_t)len)
		return cpol_fail_errno(err, "sandbox: write %s", path);
	return 0;
}

static int same_file(const struct stat *st, const struct cpol_protect_target *t)
{
	return st->st_dev == t->dev && st->st_ino == t->ino &&
	       (mode_t)(st->st_mode & S_IFMT) == t->type;
}

/* After mounting: the path must still name the prepared file, now on a
 * read-only mount. */
static int verify(const struct cpol_protect_target *t, cpol_error *err)
{
	int fd = open(t->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return cpol_fail_errno(err, "sandbox: protected path %s", t->path);
	struct stat st;
	struct statfs sfs;
	int r = 0;
	if (fstat(fd, &st) < 0 || fstatfs(fd, &sfs) < 0)
		r = cpol_fail_errno(err, "sandbox: protected path %s", t->path);
	else if (!same_file(&st, t))
		r = cpol_fail(err, EBUSY, "sandbox: protected path %s was replaced", t->path);
	else if (!(sfs.f_flags & ST_RDONLY))
		r = cpol_fail(err, EROFS, "sandbox: protected path %s is not read-only", t->path);
	close(fd);
	return r;
}

/* Clone the tree at path, make the clone read-only before anyone can see
 * it, and put it over path. Works on symlinks too. 1 when the kernel lacks
 * these calls. */
static int bind_ro_fd(const struct cpol_protect_target *t, cpol_error *err)
{
	int fd = (int)syscall(__NR_open_tree, AT_FDCWD, t->path,
	                      OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW | AT_RECURSIVE);
	if (fd < 0) {
		if (errno == ENOSYS)
			return 1;
		return cpol_fail_errno(err, "sandbox: open_tree %s", t->path);
	}
	struct stat st;
	int r = 0;
	struct cpol_mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
	if (fstat(fd, &st) < 0)
		r = cpol_fail_errno(err, "sandbox: protected path %s", t->path);
	else if (!same_file(&st, t))
		r = cpol_fail(err, EBUSY, "sandbox: protected path %s was replaced", t->path);
	else if (syscall(__NR_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE,
	                 &attr, sizeof attr) < 0)
		r = errno == ENOSYS ? 1 : cpol_fail_errno(err, "sandbox: mount_setattr %s", t->path);
	else if (syscall(__NR_move_mount, fd, "", AT_FDCWD, t->path, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		r = cpol_fail_errno(err, "sandbox: move_mount onto %s", t->path);
	close(fd);
	return r;
}

/* The mount(2) way: bind, then remount read-only keeping the flags of the
 * mount it came from (a user namespace refuses to clear them). Cannot
 * mount over a symlink. */
static int bind_ro_classic(const struct cpol_protect_target *t, cpol_error *err)
{
	if (t->type == S_IFLNK)
		return cpol_fail(err, ENOSYS, "sandbox: cannot protect symlink %s without "
		                 "open_tree() (Linux >= 5.12)", t->path);
	struct stat st;
	if (lstat(t->path, &st) < 0)
		return cpol_fail_errno(err, "sandbox: protected path %s", t->path);
	if (!same_file(&st, t))
		return cpol_fail(err, EBUSY, "sandbox: protected path %s was replaced", t->path);
	if (mount(t->path, t->path, NULL, MS_BIND | MS_REC, NULL) < 0)
		return cpol_fail_errno(err, "sandbox: bind mount %s", t->path);
	if (mount(NULL, t->path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | t->mnt_flags, NULL) < 0)
		return cpol_fail_errno(err, "sandbox: remount %s read-only", t->path);
	return 0;
}

/* Clone every write root (writable, with what is mounted below it), make the
 * whole tree read-only, put the clones back on top. */
static int ro_view(const struct cpol_sandbox *sb, cpol_error *err)
{
	struct cpol_mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
	struct stat st;
	struct statfs sfs;
	size_t n = 0;
	int r = -1;
	for (; n < sb->nrw; n++) {
		const struct cpol_protect_target *t = &sb->rw[n];
		sb->rw_fds[n] = (int)syscall(__NR_open_tree, AT_FDCWD, t->path,
		                             OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (sb->rw_fds[n] < 0) {
			cpol_fail_errno(err, "sandbox: open_tree %s", t->path);
			goto out;
		}
		if (fstat(sb->rw_fds[n], &st) < 0 || !same_file(&st, t)) {
			cpol_fail(err, EBUSY, "sandbox: write root %s was replaced", t->path);
			n++;
			goto out;
		}
	}
	if (syscall(__NR_mount_setattr, AT_FDCWD, "/", AT_RECURSIVE, &attr, sizeof attr) < 0) {
		cpol_fail_errno(err, "sandbox: making the filesystem read-only");
		goto out;
	}
	for (size_t i = 0; i < sb->nrw; i++)
		if (syscall(__NR_move_mount, sb->rw_fds[i], "", AT_FDCWD, sb->rw[i].path,
		            MOVE_MOUNT_F_EMPTY_PATH) < 0) {
			cpol_fail_errno(err, "sandbox: write root %s", sb->rw[i].path);
			goto out;
		}
	if (statfs("/", &sfs) < 0 || !(sfs.f_flags & ST_RDONLY)) {
		cpol_fail(err, EROFS, "sandbox: / did not become read-only");
		goto out;
	}
	r = 0;
out:
	for (size_t i = 0; i < n; i++)
		if (sb->rw_fds[i] >= 0)
			close(sb->rw_fds[i]);
	return r;
}

int cpol_protect_enter(const struct cpol_sandbox *sb, cpol_error *err)
{
	if (sb->mount_mode == CPOL_MNT_NONE)
		return 0;
	if (sb->mount_mode == CPOL_MNT_USERNS) {
		/* A process that changed its credentials (a setuid launcher, one
		 * that dropped from root) is not dumpable, which makes its /proc
		 * files root's: it could not write its own uid_map. exec() resets
		 * this anyway, a moment later. */
		if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 1 &&
		    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
			return cpol_fail_errno(err, "sandbox: PR_SET_DUMPABLE");
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
			return cpol_fail_errno(err, "sandbox: user and mount namespace for the "
			                       "protected paths");
		/* (setgroups does not exist before Linux 3.19) */
		if (write_all("/proc/self/setgroups", "deny", err) < 0 && errno != ENOENT)
			return -1;
		if (write_all("/proc/self/uid_map", sb->uid_map, err) < 0 ||
		    write_all("/proc/self/gid_map", sb->gid_map, err) < 0)
			return -1;
	} else if (unshare(CLONE_NEWNS) < 0) {
		return cpol_fail_errno(err, "sandbox: mount namespace for the protected paths");
	}
	/* Nothing we mount may propagate back to the parent's namespace. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return cpol_fail_errno(err, "sandbox: making the mounts private");
	if (sb->ro_view && !sb->classic_mount && ro_view(sb, err) < 0)
		return -1;
	for (size_t i = 0; i < sb->ntargets; i++) {
		const struct cpol_protect_target *t = &sb->targets[i];
		int r = sb->classic_mount ? 1 : bind_ro_fd(t, err);
		if (r == 1)
			r = bind_ro_classic(t, err);
		if (r < 0 || verify(t, err) < 0)
			return -1;
	}
	if (cpol_unixsock_enter(sb, err) < 0 || cpol_mask_enter(sb, err) < 0 || cpol_tmpdir_enter(sb, err) < 0)
		return -1;
	/* The working directory still points into the mounts underneath (a
	 * writable .git, say): walk to it again through the new ones. If that
	 * fails (we may not be allowed to walk there by name), staying put is
	 * only harmful inside a protected path: elsewhere the mount underneath
	 * grants no more than Landlock does (or is the read-only view). */
	if (sb->cwd && chdir(sb->cwd) < 0 && sb->cwd_protected)
		return cpol_fail_errno(err, "sandbox: re-entering the working directory %s", sb->cwd);
	return 0;
}
