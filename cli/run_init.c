/* cli/run_init.c -- the first process of the command's PID namespace: a
 * small init that is codexpol's own code and execs nothing. It starts the
 * command as its child (which enters the sandbox and execs), forwards the
 * signals codexrun relays, reaps every orphan, and when the command ends
 * kills whatever it left behind (daemons, setsid'd children): when this
 * process exits, the kernel kills the whole namespace anyway, and it dies
 * with codexrun. It reports the command's wait status and
 * how many leftover processes it ended on a socket to codexrun.
 *
 * The namespaces, the death with codexrun and the reaping are the sandbox
 * backend's (cpol_proc_*, sandbox/sandbox.h). Without a PID namespace (the
 * kernel refused one) it is the reaper of its tree's orphans instead and ends the leftovers found through /proc; then a SIGKILL of
 * codexrun lets them live (codexrun reports that as not enforced).
 *
 * It must never run anything but the command, and never signal a process
 * outside its namespace (kill(-1) only inside one).
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
#include <sys/wait.h>
#include <unistd.h>

/* The signals codexrun and init pass on to the command. */
const int run_forwarded[RUN_NFORWARDED] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGCONT, SIGUSR1, SIGUSR2 };

static volatile sig_atomic_t cmd_pid, in_pidns;

static void say(const char *what, const char *detail)
{
	char msg[1024];
	int n = detail ? snprintf(msg, sizeof msg, "codexrun: %s: %s\n", what, detail)
	               : snprintf(msg, sizeof msg, "codexrun: %s\n", what);
	if (n > 0)
		(void)!write(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
}

/* Stop and continue the whole namespace: a job-control stop of the
 * command's processes (SIGTSTP is discarded in a group orphaned by setsid,
 * SIGSTOP is not). */
static void init_forward(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	int e = errno;
	if (si->si_code == SI_KERNEL) {
		/* The command's terminal (the pty) signalled its foreground
		 * group, which holds the command: it has the signal already. */
		errno = e;
		return;
	}
	if ((sig == SIGTSTP || sig == SIGCONT) && in_pidns)
		kill(-1, sig == SIGTSTP ? SIGSTOP : SIGCONT);
	else if (cmd_pid > 0)
		kill((pid_t)cmd_pid, sig == SIGTSTP ? SIGSTOP : sig);
	errno = e;
}

/* The command: default dispositions and the caller's mask, the terminal,
 * the sandbox, exec. Runs on its own stack in init's memory until exec. */
int run_command_main(void *p)
{
	const struct run_init_args *a = p;
	for (size_t i = 0; i < RUN_NFORWARDED; i++)
		signal(run_forwarded[i], SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGXFSZ, SIG_DFL);
	sigprocmask(SIG_SETMASK, &a->mask, NULL);
	for (int fd = 0; fd < 3 && a->slave >= 0; fd++)
		if ((a->tty_fds & (1 << fd)) && dup2(a->slave, fd) < 0) {
			say("cannot attach the terminal", strerror(errno));
			_exit(RUN_EXIT_FAIL);
		}
	cpol_error err;
	if (run_limits_child() < 0 || run_proxy_child() < 0)
		_exit(RUN_EXIT_FAIL);
	if (a->sb && cpol_sandbox_enter(a->sb, &err) < 0) {
		say("cannot apply the sandbox", err.msg);
		_exit(RUN_EXIT_FAIL);
	}
	execve(a->path, a->argv, a->envp);
	int e = errno;
	say(a->argv[0], strerror(e));
	_exit(e == ENOENT || e == ENOTDIR ? RUN_EXIT_NOTFOUND : RUN_EXIT_FORBID);
}

void run_forward_with(void (*fn)(int, siginfo_t *, void *))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < RUN_NFORWARDED; i++)
		sigaction(run_forwarded[i], &sa, NULL);
}

/* End every leftover and reap it; returns how many there were. */
static int end_leftovers(int pidns)
{
	int ended = 0, status;
	pid_t w;
	if (pidns) {
		kill(-1, SIGKILL); /* every process of the namespace but us */
		while ((w = waitpid(-1, &status, 0)) > 0 || (w < 0 && errno == EINTR))
			ended += w > 0;
		return ended;
	}
	/* Kill our children, wait for one, look again: a leftover whose parent
	 * dies becomes our child. */
	for (;;) {
		cpol_kill_children();
		w = waitpid(-1, &status, 0);
		if (w > 0)
			ended++;
		else if (errno != EINTR)
			return ended;
	}
}

_Noreturn void run_init(const struct run_init_args *a)
{
	in_pidns = a->pidns;
	/* Die with codexrun; if it is gone already, the socket says so. */
	cpol_proc_die_with_parent();
	struct pollfd pf = { a->sock, POLLIN, 0 };
	if (poll(&pf, 1, 0) != 0)
		_exit(RUN_EXIT_FAIL);
	cpol_proc_init_setup(a->pidns);
	cpol_error err;
	if (a->userns && cpol_proc_map_ids(a->uid, a->gid, &err) < 0) {
		/* an unprivileged namespace: our own ids, as they are */
		say(err.msg, NULL);
		_exit(RUN_EXIT_FAIL);
	}
	/* A session of our own: without a controlling terminal, or with the
	 * pseudo-terminal codexrun relays; never the user's terminal. */
	if (setsid() < 0) {
		say("cannot start a session", strerror(errno));
		_exit(RUN_EXIT_FAIL);
	}
	if (a->master >= 0)
		close(a->master);
	if (a->slave >= 0 && ioctl(a->slave, TIOCSCTTY, 0) < 0) {
		say("cannot attach the pseudo-terminal", strerror(errno));
		_exit(RUN_EXIT_FAIL);
	}

	/* All signals are blocked (codexrun's doing) until the handlers and
	 * the command's pid are in place. */
	pid_t pid = cpol_proc_spawn(run_command_main, (void *)a);
	if (pid < 0) {
		say("cannot start the command", strerror(errno));
		_exit(RUN_EXIT_FAIL);
	}
	cmd_pid = pid;
	run_forward_with(init_forward);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);

	struct run_init_msg msg = { 0, 0 };
	for (;;) {
		int status;
		pid_t w = waitpid(-1, &status, 0);
		if (w == pid) {
			msg.status = status;
			break;
		}
		if (w < 0 && errno != EINTR) {
			msg.status = RUN_EXIT_FAIL << 8;
			break;
		}
		/* else an orphan that ended on its own: reaped, not counted */
	}
	cmd_pid = 0;
	msg.ended = end_leftovers(a->pidns);
	(void)!write(a->sock, &msg, sizeof msg);
	_exit(0);
}
