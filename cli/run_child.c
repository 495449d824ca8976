/* cli/run_child.c -- running the command. Confined, codexrun starts a small
 * init (run_init.c) as the first process of a new PID namespace, in a
 * session of its own, and the command as init's child; the terminal, when
 * standard input is one, is a pseudo-terminal codexrun relays (run_pty.c).
 * codexrun forwards the signals sent to it (SIGINT, SIGTERM, SIGHUP,
 * SIGQUIT, SIGTSTP, SIGCONT, SIGUSR1, SIGUSR2) to init, which passes them
 * on, waits for init's report (the command's wait status, the leftovers it
 * ended), and maps the result to the wrapper exit convention.
 *
 * Trusted (no sandbox): the command is codexrun's direct child, in its
 * session and on its terminal, and what it starts may outlive it -- the
 * trusted profile grants everything, background services included.
 */
#include "cli/run.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t child_pid, child_group;

static void forward(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	int e = errno;
	if (si->si_code == SI_KERNEL && !child_group) {
		/* Trusted: the terminal signalled the whole foreground group,
		 * the command has it already. A stop from the terminal stops us
		 * too, so that the shell sees the job stopped. */
		if (sig == SIGTSTP)
			kill(getpid(), SIGSTOP);
		errno = e;
		return;
	}
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
	/* A stop from our terminal: the command (in its own session) was
	 * stopped by init; now us, for the shell's job control. */
	if (sig == SIGTSTP && si->si_code == SI_KERNEL)
		kill(getpid(), SIGSTOP);
	errno = e;
}

/* The command runs as pid (group: it leads a process group of its own):
 * the limits' timer and the denial watch start, signals are forwarded. */
static void started(pid_t pid, int group)
{
	child_pid = pid;
	child_group = group;
	run_limits_started(pid);
	run_denials_started(pid);
	run_forward_with(forward);
}

static int wait_for(pid_t pid, int *status)
{
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "codexrun: cannot wait for the command: %s\n", strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* init as the first process of a process namespace of its own (a fork:
 * it keeps running our code). Returns its pid, or -1 with errno when no
 * namespace can be made. */
static pid_t contained_init(struct run_init_args *a)
{
	pid_t pid = cpol_proc_fork_contained(&a->userns);
	if (pid == 0)
		run_init(a); /* never returns */
	return pid;
}

int run_child(const struct run_child_opts *o, struct run_exit *ex)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ex->sig = 0;
	ex->ms = 0;
	ex->ended = -1;
	struct run_init_args a;
	memset(&a, 0, sizeof a);
	a.sb = o->sb;
	a.path = o->path;
	a.argv = o->argv;
	a.envp = o->envp;
	a.master = a.slave = a.sock = -1;
	a.uid = getuid();
	a.gid = getgid();
	sigset_t all;
	sigfillset(&all);

	if (!o->contain) {
		sigprocmask(SIG_BLOCK, &all, &a.mask);
		pid_t pid = cpol_proc_spawn(run_command_main, &a);
		if (pid < 0) {
			sigprocmask(SIG_SETMASK, &a.mask, NULL);
			fprintf(stderr, "codexrun: cannot start the command: %s\n", strerror(errno));
			return RUN_EXIT_FAIL;
		}
		started(pid, 0);
		sigprocmask(SIG_SETMASK, &a.mask, NULL);
		int status = 0;
		if (wait_for(pid, &status) < 0)
			return RUN_EXIT_FAIL;
		child_pid = 0;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ex->ms = (int64_t)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
		if (WIFSIGNALED(status)) {
			ex->sig = WTERMSIG(status);
			return 128 + ex->sig;
		}
		return WEXITSTATUS(status);
	}

	struct run_pty pty;
	if (run_pty_open(&pty) < 0) {
		fprintf(stderr, "codexrun: cannot make a pseudo-terminal: %s\n", strerror(errno));
		return RUN_EXIT_FAIL;
	}
	a.master = pty.master;
	a.slave = pty.slave;
	a.tty_fds = pty.tty_fds;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		fprintf(stderr, "codexrun: cannot start the command: %s\n", strerror(errno));
		run_pty_close(&pty);
		return RUN_EXIT_FAIL;
	}
	a.sock = sv[1];
	a.pidns = 1;
	sigprocmask(SIG_BLOCK, &all, &a.mask);
	pid_t pid = contained_init(&a);
	if (pid < 0 && (errno == EPERM || errno == EINVAL || errno == ENOSPC || errno == EUSERS ||
	              errno == ENOSYS)) {
		if (o->require) {
			sigprocmask(SIG_SETMASK, &a.mask, NULL);
			fprintf(stderr, "codexrun: sandbox required but not fully enforceable: no PID namespace (%s)\n",
			        strerror(errno));
			close(sv[0]);
			close(sv[1]);
			run_pty_close(&pty);
			return RUN_EXIT_FAIL;
		}
		fprintf(stderr, "codexrun: warning: not enforced: PID namespace (%s): processes the command "
		        "starts outlive codexrun if it is killed\n", strerror(errno));
		a.pidns = 0;
		a.userns = 0;
		pid = fork();
		if (pid == 0)
			run_init(&a);
	}
	int e = errno;
	close(sv[1]);
	if (pty.slave >= 0) {
		close(pty.slave);
		pty.slave = -1;
	}
	if (pid < 0) {
		sigprocmask(SIG_SETMASK, &a.mask, NULL);
		fprintf(stderr, "codexrun: cannot start the command: %s\n", strerror(e));
		close(sv[0]);
		run_pty_close(&pty);
		return RUN_EXIT_FAIL;
	}
	started(pid, 1);
	run_pty_raw(&pty);
	sigprocmask(SIG_SETMASK, &a.mask, NULL);
	if (pty.master >= 0)
		run_pty_relay(&pty, sv[0]);

	struct run_init_msg msg;
	ssize_t n;
	do
		n = read(sv[0], &msg, sizeof msg);
	while (n < 0 && errno == EINTR);
	close(sv[0]);
	int istatus = 0;
	int waited = wait_for(pid, &istatus);
	child_pid = 0;
	run_pty_drain(&pty);
	run_pty_close(&pty);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ex->ms = (int64_t)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	if (waited < 0)
		return RUN_EXIT_FAIL;
	if (n != (ssize_t)sizeof msg) {
		/* init died without a report: killed from outside */
		if (WIFSIGNALED(istatus)) {
			ex->sig = WTERMSIG(istatus);
			return 128 + ex->sig;
		}
		fprintf(stderr, "codexrun: the command's init ended without a report\n");
		return RUN_EXIT_FAIL;
	}
	ex->ended = msg.ended;
	if (WIFSIGNALED(msg.status)) {
		ex->sig = WTERMSIG(msg.status);
		return 128 + ex->sig;
	}
	return WEXITSTATUS(msg.status);
}
