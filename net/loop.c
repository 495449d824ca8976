/* net/loop.c -- the proxy's accept loop (see proxy.h): one child process
 * per connection, at most max_conns at once (more are answered 503), the
 * children's refusal reports read from a pipe and handed to conf->refused.
 * Ends, killing its children, when stop_fd is readable or hung up. */
#include "net/proxy.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_CHILDREN = 256 };

static void reap(pid_t *kids, size_t *nkids)
{
	pid_t pid;
	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
		for (size_t i = 0; i < *nkids; i++)
			if (kids[i] == pid) {
				kids[i] = kids[--*nkids];
				break;
			}
}

static void drain(int rfd, const struct cpol_proxy_conf *c)
{
	struct cpol_proxy_refusal r;
	while (read(rfd, &r, sizeof r) == (ssize_t)sizeof r) {
		r.host[sizeof r.host - 1] = 0;
		r.rule[sizeof r.rule - 1] = 0;
		if (c->refused)
			c->refused(&r, c->arg);
	}
}

int cpol_proxy_serve(int lfd, int stop_fd, const struct cpol_proxy_conf *c)
{
	int rp[2];
	if (pipe2(rp, O_CLOEXEC) < 0)
		return -1;
	fcntl(rp[0], F_SETFL, O_NONBLOCK);
	fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK);
	size_t max = c->max_conns ? c->max_conns : 64;
	if (max > MAX_CHILDREN)
		max = MAX_CHILDREN;
	pid_t kids[MAX_CHILDREN];
	size_t nkids = 0;
	pid_t me = getpid();
	for (;;) {
		struct pollfd pf[3] = { { lfd, POLLIN, 0 }, { rp[0], POLLIN, 0 }, { stop_fd, POLLIN, 0 } };
		int r = poll(pf, 3, 500);
		if (r < 0 && errno != EINTR)
			break;
		reap(kids, &nkids);
		if (r <= 0)
			continue;
		if (pf[1].revents)
			drain(rp[0], c);
		if (pf[2].revents)
			break;
		if (!(pf[0].revents & POLLIN))
			continue;
		int cl = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cl < 0)
			continue;
		if (nkids >= max) {
			static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n"
			                           "codexrun: too many connections at once\n";
			(void)!send(cl, busy, sizeof busy - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
			close(cl);
			continue;
		}
		pid_t pid = fork();
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != me)
				_exit(0);
			close(lfd);
			close(rp[0]);
			close(stop_fd);
			signal(SIGTERM, SIG_DFL);
			cpol_proxy_conn(cl, c, rp[1]);
			_exit(0);
		}
		close(cl);
		if (pid > 0)
			kids[nkids++] = pid;
	}
	for (size_t i = 0; i < nkids; i++)
		kill(kids[i], SIGKILL);
	while (nkids) {
		pid_t pid = waitpid(-1, NULL, 0);
		if (pid < 0 && errno != EINTR)
			break;
		reap(kids, &nkids);
		for (size_t i = 0; pid > 0 && i < nkids; i++)
			if (kids[i] == pid)
				kids[i] = kids[--nkids];
	}
	drain(rp[0], c);
	close(rp[0]);
	close(rp[1]);
	return 0;
}
