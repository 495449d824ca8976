/* cli/run_pty.c -- the pseudo-terminal codexrun owns when its standard
 * input is a terminal: the command gets the slave as its controlling
 * terminal (in a session of its own), codexrun relays between the user's
 * terminal (in raw mode) and the master, forwards the window size, and
 * closes the master when the command has ended. So no process of the
 * command ever holds the user's terminal: after codexrun returns there is
 * nothing left to read from or write to it.
 *
 * The user's terminal is put back as it was on every way out that codexrun
 * lives through (run_pty_close); a SIGKILL of codexrun leaves it raw.
 */
#include "cli/run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static volatile sig_atomic_t winch_master = -1;

static void on_winch(int sig)
{
	(void)sig;
	int e = errno;
	struct winsize ws;
	if (winch_master >= 0 && ioctl(0, TIOCGWINSZ, &ws) == 0)
		ioctl(winch_master, TIOCSWINSZ, &ws);
	errno = e;
}

int run_pty_open(struct run_pty *p)
{
	memset(p, 0, sizeof *p);
	p->master = p->slave = -1;
	if (!isatty(0))
		return 0;
	if (tcgetattr(0, &p->saved) < 0)
		return 0; /* not a terminal we can drive: no pty */
	for (int fd = 0; fd < 3; fd++)
		if (isatty(fd))
			p->tty_fds |= 1 << fd;
	p->out = isatty(1) ? 1 : isatty(2) ? 2 : 0;
	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->master < 0 || grantpt(p->master) < 0 || unlockpt(p->master) < 0)
		goto fail;
	char name[128];
	if (ptsname_r(p->master, name, sizeof name) != 0)
		goto fail;
	p->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->slave < 0)
		goto fail;
	/* The command sees the user's settings and size. */
	struct winsize ws;
	tcsetattr(p->slave, TCSANOW, &p->saved);
	if (ioctl(0, TIOCGWINSZ, &ws) == 0)
		ioctl(p->slave, TIOCSWINSZ, &ws);
	return 0;
fail:;
	int e = errno;
	if (p->master >= 0)
		close(p->master);
	p->master = -1;
	errno = e;
	return -1;
}

void run_pty_raw(struct run_pty *p)
{
	if (p->master < 0)
		return;
	struct termios raw = p->saved;
	cfmakeraw(&raw);
	if (tcsetattr(0, TCSADRAIN, &raw) == 0)
		p->raw = 1;
	winch_master = p->master;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_winch;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGWINCH, &sa, NULL);
}

/* Write all of buf to fd (blocking); -1 on an error. */
static int write_all(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = write(fd, buf, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

void run_pty_relay(struct run_pty *p, int done_fd)
{
	char in[4096], out[16384];
	size_t inlen = 0, inoff = 0;
	int in_open = 1;
	int fl = fcntl(p->master, F_GETFL);
	fcntl(p->master, F_SETFL, fl | O_NONBLOCK);
	for (;;) {
		struct pollfd pf[3] = {
			{ done_fd, POLLIN, 0 },
			{ p->master, POLLIN | (inlen > inoff ? POLLOUT : 0), 0 },
			{ in_open && inlen == inoff ? 0 : -1, POLLIN, 0 },
		};
		if (poll(pf, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[1].revents & POLLIN) {
			ssize_t n = read(p->master, out, sizeof out);
			if (n > 0)
				(void)write_all(p->out, out, (size_t)n);
		}
		if ((pf[1].revents & POLLOUT) && inlen > inoff) {
			ssize_t n = write(p->master, in + inoff, inlen - inoff);
			if (n > 0)
				inoff += (size_t)n;
		}
		if (pf[2].revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(0, in, sizeof in);
			if (n > 0) {
				inlen = (size_t)n;
				inoff = 0;
			} else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
				in_open = 0;
			}
		}
		if (pf[0].revents)
			break; /* init has ended the command and its leftovers */
	}
	fcntl(p->master, F_SETFL, fl);
}

void run_pty_drain(struct run_pty *p)
{
	if (p->master < 0)
		return;
	/* Every holder of the slave is gone: what the command wrote last is
	 * read until the master reports the hang-up (poll flushes the pty's
	 * pending input first). A bounded wait, in case a descriptor of the
	 * slave went somewhere we do not control. */
	char out[16384];
	for (;;) {
		struct pollfd pf = { p->master, POLLIN, 0 };
		int r = poll(&pf, 1, 200);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || !(pf.revents & POLLIN))
			break;
		ssize_t n = read(p->master, out, sizeof out);
		if (n <= 0)
			break;
		(void)write_all(p->out, out, (size_t)n);
	}
}

void run_pty_close(struct run_pty *p)
{
	if (p->master < 0)
		return;
	winch_master = -1;
	signal(SIGWINCH, SIG_DFL);
	if (p->raw)
		tcsetattr(0, TCSADRAIN, &p->saved);
	p->raw = 0;
	if (p->slave >= 0)
		close(p->slave);
	close(p->master);
	p->master = p->slave = -1;
}
