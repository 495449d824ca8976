/* audit/sink_file.c -- the file sink: where the default audit file lives,
 * creating its directories (0700) and the file (0600), and appending one
 * record with one write(2) on an O_APPEND descriptor.
 *
 * Never writes a record in pieces: a short write is reported as a failure,
 * never completed by a second write (which another process could
 * interleave).
 */
#include "audit/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *join(const char *a, const char *b, cpol_error *err)
{
	size_t na = strlen(a), nb = strlen(b);
	char *p = malloc(na + nb + 2);
	if (!p) {
		cpol_fail(err, ENOMEM, "audit: out of memory");
		return NULL;
	}
	memcpy(p, a, na);
	size_t o = na;
	if (o == 0 || p[o - 1] != '/')
		p[o++] = '/';
	memcpy(p + o, b, nb + 1);
	return p;
}

int cpol_audit_default_file(const char *home, char **path, cpol_error *err)
{
	const char *x = getenv("XDG_STATE_HOME");
	/* The XDG spec: a relative $XDG_STATE_HOME is invalid and ignored. */
	if (x && x[0] == '/')
		*path = join(x, "codexpol/audit.jsonl", err);
	else {
		if (!home || home[0] != '/')
			return cpol_fail(err, ENOENT,
			                 "audit: no default audit file: neither $XDG_STATE_HOME nor "
			                 "$HOME is an absolute path (give --audit=FILE)");
		*path = join(home, ".local/state/codexpol/audit.jsonl", err);
	}
	return *path ? 0 : -1;
}

char *cpol_audit_abspath(const char *p, cpol_error *err)
{
	if (p[0] == '/') {
		char *c = strdup(p);
		if (!c)
			cpol_fail(err, ENOMEM, "audit: out of memory");
		return c;
	}
	char *cwd = getcwd(NULL, 0);
	if (!cwd) {
		cpol_fail_errno(err, "audit: cannot make %s absolute", p);
		return NULL;
	}
	char *r = join(cwd, p, err);
	free(cwd);
	return r;
}

/* mkdir -p of the folder that holds path; new folders get 0700. */
static int make_parents(const char *path, cpol_error *err)
{
	char *d = strdup(path);
	if (!d)
		return cpol_fail(err, ENOMEM, "audit: out of memory");
	char *slash = strrchr(d, '/');
	if (!slash || slash == d) {
		free(d);
		return 0;
	}
	*slash = '\0';
	for (char *p = d + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char c = *p;
		*p = '\0';
		struct stat st;
		if (stat(d, &st) != 0 || !S_ISDIR(st.st_mode)) {
			if (mkdir(d, 0700) == 0) {
				/* the umask may have taken bits away: 0700 exactly */
				if (chmod(d, 0700) != 0) {
					cpol_fail_errno(err, "audit: cannot set the mode of %s", d);
					free(d);
					return -1;
				}
			} else if (!(errno == EEXIST && stat(d, &st) == 0 && S_ISDIR(st.st_mode))) {
				cpol_fail_errno(err, "audit: cannot create directory %s", d);
				free(d);
				return -1;
			}
		}
		*p = c;
		if (c == '\0')
			break;
	}
	free(d);
	return 0;
}

int cpol_audit_file_open(const char *path, cpol_error *err)
{
	if (make_parents(path, err) < 0)
		return -1;
	/* O_NONBLOCK: a FIFO without a reader fails instead of hanging. */
	int flags = O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	int fd = open(path, flags | O_CREAT | O_EXCL, 0600);
	if (fd >= 0) {
		if (fchmod(fd, 0600) != 0) {
			cpol_fail_errno(err, "audit: cannot set the mode of %s", path);
			close(fd);
			return -1;
		}
	} else if (errno == EEXIST) {
		fd = open(path, flags);
	}
	if (fd < 0)
		return cpol_fail_errno(err, "audit: cannot open %s", path);
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		cpol_fail_errno(err, "audit: cannot open %s", path);
		close(fd);
		return -1;
	}
	return fd;
}

int cpol_audit_file_write(int fd, const char *path, const char *buf, size_t n, cpol_error *err)
{
	for (;;) {
		ssize_t w = write(fd, buf, n);
		if (w == (ssize_t)n)
			return 0;
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return cpol_fail_errno(err, "audit: cannot write %s", path);
		}
		/* A piece of the record is in the file now. End its line, so
		 * that the next record starts on its own (best effort). */
		if (write(fd, "\n", 1) < 0) {
			/* nothing more to do */
		}
		return cpol_fail(err, EIO, "audit: cannot write %s: short write (%zd of %zu bytes)",
		                 path, w, n);
	}
}
