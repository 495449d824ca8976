/* cli/run_child.c -- running the command: fork; the child enters the
 * sandbox and execs; the parent forwards the signals that were sent to it
 * (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGCONT; a signal the
 * terminal sent to the whole foreground group already reached the child),
 * waits, and maps the result to the wrapper exit convention. */
#include "cli/run.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t child_pid;

static void forward(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (si->si_code == SI_KERNEL) {
		/* The terminal signalled the whole foreground group: the command
		 * has it already. A stop from the terminal stops us too, so that
		 * the shell sees the job stopped. */
		if (sig == SIGTSTP)
			kill(getpid(), SIGSTOP);
		return;
	}
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGCONT };

static void child_fail(const char *what, const char *detail)
{
	char msg[1024];
	int n = snprintf(msg, sizeof msg, "codexrun: %s: %s\n", what, detail);
	if (n > 0)
		(void)!write(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
}

int run_child(const struct cpol_sandbox *sb, const char *path, char *const *argv, char *const *envp,
              int *sig, int64_t *ms)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	*sig = 0;
	*ms = 0;
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid_t pid = fork();
	if (pid < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		fprintf(stderr, "codexrun: cannot fork: %s\n", strerror(errno));
		return RUN_EXIT_FAIL;
	}
	if (pid == 0) {
		/* default dispositions and the caller's mask for the command */
		for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
			signal(forwarded[i], SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGXFSZ, SIG_DFL);
		sigprocmask(SIG_SETMASK, &old, NULL);
		cpol_error err;
		if (sb && cpol_sandbox_enter(sb, &err) < 0) {
			child_fail("cannot apply the sandbox", err.msg);
			_exit(RUN_EXIT_FAIL);
		}
		execve(path, argv, envp);
		int e = errno;
		child_fail(argv[0], strerror(e));
		_exit(e == ENOENT || e == ENOTDIR ? RUN_EXIT_NOTFOUND : RUN_EXIT_FORBID);
	}
	child_pid = pid;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = forward;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
		sigaction(forwarded[i], &sa, NULL);
	sigprocmask(SIG_SETMASK, &old, NULL);

	int status = 0;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "codexrun: cannot wait for the command: %s\n", strerror(errno));
			return RUN_EXIT_FAIL;
		}
	}
	child_pid = 0;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	*ms = (int64_t)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	if (WIFSIGNALED(status)) {
		*sig = WTERMSIG(status);
		return 128 + *sig;
	}
	return WEXITSTATUS(status);
}
