/* sandbox/placeholder.c -- making a protected path that does not exist
 * non-creatable, in the parent: the life of the placeholder directory that
 * stands in its place. It never removes a directory it cannot prove is an
 * unused placeholder, and never runs in the child.
 *
 * How: before the fork, prepare makes an empty directory at the missing path
 * (mode 0755, marked with the extended attribute user.codexpol.placeholder
 * where the filesystem has user xattrs) and takes a shared flock(2) on it,
 * held by the parent until cpol_sandbox_free(). The child binds it
 * read-only in its own mount namespace (protect.c): there it is a mount
 * point, so it cannot be removed, renamed or replaced (EBUSY), nothing can be
 * created in it (EROFS), and nothing of that name can be created (EEXIST).
 *
 * Removal is where it can go wrong: unlinking a directory that is a mount
 * point in another namespace silently detaches that mount there (Linux >=
 * 3.18), so removing the placeholder while any sandboxed process still runs
 * (a concurrent run, or something the command left running in the
 * background) would let it create the path after all. So free() removes it
 * only when all of this holds:
 *   - this run made it, or it carries the marker (left behind by a run that
 *     could not remove it) -- an empty directory of the user's is never ours;
 *   - an exclusive flock succeeds (no other run between prepare and free
 *     holds it), and the path still names the directory we locked;
 *   - no process in any other mount namespace has a mount at that path
 *     (every /proc/PID/mountinfo is read: mountinfo is world-readable, and
 *     namespaces already seen are skipped by their /proc/PID/ns/mnt);
 *   - it is empty (rmdir refuses otherwise; then the marker is dropped, since
 *     someone now keeps things there).
 * A run that starts while another removes the placeholder waits on the lock,
 * sees the directory it locked is gone, and makes a new one.
 *
 * Limits: for the duration of the run (and as long as something it started
 * lives on) the placeholder is visible outside the sandbox as an empty
 * directory; a crashed run leaves it behind (the next run that needs it
 * removes it if it carries the marker); without user xattrs only the run
 * that made it can remove it; processes in another PID namespace are not
 * seen in /proc (the sandbox cannot create one: seccomp refuses unshare and
 * clone with namespace flags).
 */
#include "sandbox/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#define MARKER "user.codexpol.placeholder"

static int has_marker(int fd)
{
	char v[8];
	return fgetxattr(fd, MARKER, v, sizeof v) >= 0;
}

int cpol_placeholder_marked(const char *path)
{
	char v[8];
	return lgetxattr(path, MARKER, v, sizeof v) >= 0;
}

/* 0: t is a locked placeholder (or an existing directory, if one appeared);
 * 1: something that is not a directory appeared at the path; 2: nothing can
 * be created there (EROFS: a read-only filesystem; EPERM: one without
 * directories such as devpts, or an immutable directory), not by us and so
 * not by the less privileged child either; -1: error, including EACCES (the
 * permissions might change during the run: fail closed). */
int cpol_placeholder_acquire(struct cpol_protect_target *t, cpol_error *err)
{
	for (int tries = 0; tries < 100; tries++) {
		int created = 0;
		if (mkdir(t->path, 0755) == 0)
			created = 1;
		else if (errno == EROFS || errno == EPERM)
			return 2;
		else if (errno != EEXIST)
			return cpol_fail_errno(err, "sandbox: cannot make a placeholder for the "
			                       "missing protected path %s", t->path);
		int fd = open(t->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT)
				continue; /* removed meanwhile */
			if (errno == ENOTDIR || errno == ELOOP)
				return 1;
			return cpol_fail_errno(err, "sandbox: placeholder %s", t->path);
		}
		if (created)
			(void)fsetxattr(fd, MARKER, "1", 1, 0); /* best effort */
		while (flock(fd, LOCK_SH) < 0)
			if (errno != EINTR) {
				cpol_fail_errno(err, "sandbox: locking placeholder %s", t->path);
				close(fd);
				return -1;
			}
		struct stat a, b;
		if (fstat(fd, &a) < 0 || lstat(t->path, &b) < 0 ||
		    a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
			close(fd); /* a run removed it before we locked it: again */
			continue;
		}
		t->dev = a.st_dev;
		t->ino = a.st_ino;
		t->type = S_IFDIR;
		t->lock_fd = fd;
		t->created = created;
		t->marked = has_marker(fd);
		t->placeholder = created || t->marked;
		return 0;
	}
	return cpol_fail(err, EAGAIN, "sandbox: placeholder %s keeps disappearing", t->path);
}

/* path as /proc/PID/mountinfo writes it: space, tab, newline and backslash
 * as \ooo. */
static void mangle(const char *path, char *out, size_t len)
{
	size_t o = 0;
	for (const char *p = path; *p && o + 5 < len; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\\') {
			out[o++] = '\\';
			out[o++] = (char)('0' + ((c >> 6) & 7));
			out[o++] = (char)('0' + ((c >> 3) & 7));
			out[o++] = (char)('0' + (c & 7));
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
}

/* Does /proc/PID/mountinfo list a mount at `mangled`? */
static int mounted_in(const char *pid, const char *mangled)
{
	char path[300];
	snprintf(path, sizeof path, "/proc/%s/mountinfo", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0; /* gone */
	char *line = NULL;
	size_t cap = 0;
	int found = 0;
	while (!found && getline(&line, &cap, f) > 0) {
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... */
		char *s = line;
		for (int field = 0; field < 4 && s; field++) {
			s = strchr(s, ' ');
			if (s)
				s++;
		}
		if (!s)
			continue;
		size_t n = strcspn(s, " \n");
		found = n == strlen(mangled) && strncmp(s, mangled, n) == 0;
	}
	free(line);
	fclose(f);
	return found;
}

/* Is a mount at path in any mount namespace other than ours? When in
 * doubt (out of memory, no /proc), yes. */
static int in_use(const char *path)
{
	char mangled[PATH_MAX * 4], self_ns[64] = "", ns[64], link[300];
	mangle(path, mangled, sizeof mangled);
	ssize_t n = readlink("/proc/self/ns/mnt", self_ns, sizeof self_ns - 1);
	if (n > 0)
		self_ns[n] = '\0';
	DIR *d = opendir("/proc");
	if (!d)
		return 1;
	char (*seen)[64] = NULL;
	size_t nseen = 0, capseen = 0;
	int used = 0;
	pid_t me = getpid();
	struct dirent *de;
	while (!used && (de = readdir(d))) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		if (atol(de->d_name) == (long)me)
			continue;
		snprintf(link, sizeof link, "/proc/%s/ns/mnt", de->d_name);
		n = readlink(link, ns, sizeof ns - 1);
		if (n > 0) {
			ns[n] = '\0';
			if (strcmp(ns, self_ns) == 0)
				continue;
			size_t i;
			for (i = 0; i < nseen && strcmp(seen[i], ns) != 0; i++)
				;
			if (i < nseen)
				continue;
			if (nseen == capseen) {
				size_t c = capseen ? capseen * 2 : 16;
				void *p = realloc(seen, c * sizeof *seen);
				if (!p) {
					used = 1;
					break;
				}
				seen = p;
				capseen = c;
			}
			memcpy(seen[nseen++], ns, sizeof ns);
		}
		used = mounted_in(de->d_name, mangled);
	}
	closedir(d);
	free(seen);
	return used;
}

void cpol_placeholder_release(struct cpol_protect_target *t)
{
	if (t->lock_fd < 0)
		return;
	if (t->placeholder && flock(t->lock_fd, LOCK_EX | LOCK_NB) == 0) {
		struct stat a, b;
		if (fstat(t->lock_fd, &a) == 0 && lstat(t->path, &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino && !in_use(t->path)) {
			if (rmdir(t->path) < 0 && (errno == ENOTEMPTY || errno == EEXIST))
				(void)fremovexattr(t->lock_fd, MARKER);
		}
	}
	close(t->lock_fd); /* releases the lock */
	t->lock_fd = -1;
}
