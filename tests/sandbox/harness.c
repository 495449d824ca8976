/* tests/sandbox/harness.c -- the helpers of harness.h. */
#include "tests/sandbox/harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* LeakSanitizer (--enable-sanitizers): Criterion 2.4.1 itself leaks the
 * string it strdup()s from CRITERION_OUTPUTS in criterion_handle_args();
 * that is not ours to fix, and nothing else is suppressed. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:criterion_handle_args\n";
}

const char *sb_prog(const char *name)
{
	static char buf[4][PATH_MAX + 64];
	static int next;
	char *out = buf[next++ % 4];
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n < 0)
		n = 0;
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	snprintf(out, PATH_MAX + 64, "%s/%.60s", self, name);
	return out;
}

int sb_run(char *out, size_t len, const char *const *argv)
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, 0);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	size_t used = 0;
	char scratch[512];
	for (;;) {
		char *dst = out && used + 1 < len ? out + used : scratch;
		size_t room = out && used + 1 < len ? len - 1 - used : sizeof scratch;
		ssize_t n = read(p[0], dst, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (dst != scratch)
			used += (size_t)n;
	}
	close(p[0]);
	if (out && len)
		out[used] = '\0';
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

int sb_runl(char *out, size_t len, const char *arg0, ...)
{
	const char *argv[128];
	size_t n = 0;
	va_list ap;
	va_start(ap, arg0);
	for (const char *a = arg0; a && n < 127; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	return sb_run(out, len, argv);
}

char *sb_mkws(const char *tag)
{
	return sb_mkdir_in("/tmp", tag);
}

char *sb_mkdir_in(const char *parent, const char *tag)
{
	char *p = malloc(PATH_MAX);
	snprintf(p, PATH_MAX, "%s/cpol-sbtest-%s-XXXXXX", parent, tag);
	if (!mkdtemp(p)) {
		perror("mkdtemp");
		abort();
	}
	chmod(p, 0755);
	return p;
}

void sb_rmrf(char *path)
{
	if (path && (strncmp(path, "/tmp/cpol-sbtest-", 17) == 0 ||
	             strncmp(path, "/var/tmp/cpol-sbtest-", 21) == 0))
		sb_runl(NULL, 0, "rm", "-rf", path, NULL);
	free(path);
}

int sb_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

const char *sb_read(const char *path)
{
	static char buf[4096];
	buf[0] = '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return buf;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

void sb_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		perror(path);
		abort();
	}
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	close(fd);
}

const char *sb_unique(const char *prefix)
{
	static char buf[4][128];
	static int next;
	static unsigned counter;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	char *out = buf[next++ % 4];
	snprintf(out, 128, "%s-%d-%ld-%u", prefix, (int)getpid(), (long)ts.tv_nsec, counter++);
	return out;
}

static void *serve(void *arg)
{
	struct sb_listener *l = arg;
	for (;;) {
		int c = accept(l->fd, NULL, NULL);
		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return NULL;
		}
		l->accepted++;
		char req[1024];
		struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };
		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		(void)!read(c, req, sizeof req);
		static const char resp[] = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
		                           "Content-Length: 6\r\nConnection: close\r\n\r\nhello\n";
		(void)!write(c, resp, sizeof resp - 1);
		shutdown(c, SHUT_WR);
		close(c);
	}
}

void sb_listen(struct sb_listener *l)
{
	memset(l, 0, sizeof *l);
	l->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t alen = sizeof a;
	if (l->fd < 0 || bind(l->fd, (struct sockaddr *)&a, sizeof a) < 0 ||
	    listen(l->fd, 16) < 0 || getsockname(l->fd, (struct sockaddr *)&a, &alen) < 0) {
		perror("listener");
		abort();
	}
	l->port = ntohs(a.sin_port);
	pthread_create(&l->thread, NULL, serve, l);
}

void sb_listen_stop(struct sb_listener *l)
{
	shutdown(l->fd, SHUT_RDWR);
	pthread_join(l->thread, NULL);
	close(l->fd);
}

pid_t sb_sleeper(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

void sb_reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}
