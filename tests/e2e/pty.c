/* tests/e2e/pty.c -- see pty.h. */
#include "tests/e2e/pty.h"

#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Read what is there within ms; 0 on timeout, -1 at the end. */
static int pump(int fd, char *out, size_t cap, size_t *len, int ms)
{
	struct pollfd p = { fd, POLLIN, 0 };
	int r = poll(&p, 1, ms);
	if (r <= 0)
		return 0;
	char buf[4096];
	ssize_t k = read(fd, buf, sizeof buf);
	if (k <= 0)
		return -1; /* EIO: the other side is closed */
	size_t room = cap - 1 - *len;
	size_t take = (size_t)k < room ? (size_t)k : room;
	memcpy(out + *len, buf, take);
	*len += take;
	out[*len] = 0;
	return 1;
}

int e2e_pty_run(const char *cwd, char *const argv[], const char *const *expect, const char *const *answer, int n,
                char *out, size_t cap)
{
	int master;
	out[0] = 0;
	pid_t pid = forkpty(&master, NULL, NULL, NULL);
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (cwd && chdir(cwd) < 0)
			_exit(121);
		execv(argv[0], argv);
		_exit(122);
	}
	size_t len = 0, from = 0;
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		int waited = 0;
		while (!strstr(out + from, expect[i])) {
			int r = pump(master, out, cap, &len, 100);
			if (r < 0 || (r == 0 && (waited += 100) > 10000)) {
				rc = -1;
				break;
			}
		}
		if (rc == 0) {
			from = len;
			(void)!write(master, answer[i], strlen(answer[i]));
		}
	}
	int waited = 0;
	while (rc == 0) {
		int r = pump(master, out, cap, &len, 100);
		if (r < 0)
			break;
		if (r == 0 && (waited += 100) > 20000) {
			rc = -1;
			break;
		}
	}
	if (rc < 0)
		kill(pid, SIGKILL);
	close(master);
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (rc < 0)
		return -1;
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}
