/* common/readfile.c -- reading a whole file with a size limit (see
 * readfile.h). Reads and allocates; never prints. */
#include "common/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.h"

char *cpol_read_fd(int fd, const char *name, size_t max, size_t *len, cpol_error *err)
{
	/* a regular file is read in one allocation when it does not grow */
	struct stat st;
	size_t cap = 4096, n = 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size < max)
		cap = (size_t)st.st_size + 2;
	char *buf = malloc(cap);
	for (;;) {
		if (buf && n + 1 == cap && n <= max) {
			char *p = realloc(buf, cap * 2);
			if (!p)
				free(buf);
			buf = p;
			cap *= 2;
		}
		if (!buf) {
			cpol_fail(err, ENOMEM, "out of memory reading %s", name);
			return NULL;
		}
		if (n > max)
			break;
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			cpol_fail_errno(err, "cannot read %s", name);
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max) {
		free(buf);
		cpol_fail(err, EFBIG, "%s is larger than %zu bytes", name, max);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

char *cpol_read_file(const char *path, size_t max, size_t *len, cpol_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		cpol_fail_errno(err, "cannot open %s", path);
		return NULL;
	}
	char *buf = cpol_read_fd(fd, path, max, len, err);
	int saved = errno;
	close(fd);
	errno = saved;
	return buf;
}

int cpol_read_small(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, cap - 1);
	int saved = errno;
	close(fd);
	if (n < 0) {
		errno = saved;
		return -1;
	}
	buf[n] = '\0';
	return 0;
}
