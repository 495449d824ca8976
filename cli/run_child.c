/* cli/run_child.c -- running the command: fork; the child enters the
 * sandbox and execs; the parent forwards the signals that were sent to it
 * (SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGCONT; a signal the
 * terminal sent to the whole foreground group already reached the child),
 * waits, and maps the result to the wrapper exit convention. */
#include "cli/run.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
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

/* What the child needs; it runs on its own stack, in our memory. */
struct child_args {
	const struct cpol_sandbox *sb;
	const char *path;
	char *const *argv, *const *envp;
	sigset_t mask;
};

static int child_main(void *p)
{
	const struct child_args *a = p;
	/* default dispositions and the caller's mask for the command */
	for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
		signal(forwarded[i], SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGXFSZ, SIG_DFL);
	sigprocmask(SIG_SETMASK, &a->mask, NULL);
	cpol_error err;
	if (run_limits_child() < 0)
		_exit(RUN_EXIT_FAIL);
	if (a->sb && cpol_sandbox_enter(a->sb, &err) < 0) {
		child_fail("cannot apply the sandbox", err.msg);
		_exit(RUN_EXIT_FAIL);
	}
	execve(a->path, a->argv, a->envp);
	int e = errno;
	child_fail(a->argv[0], strerror(e));
	_exit(e == ENOENT || e == ENOTDIR ? RUN_EXIT_NOTFOUND : RUN_EXIT_FORBID);
}

/* Start the child. It shares our memory until it execs (CLONE_VM |
 * CLONE_VFORK, as posix_spawn does): no page tables to copy, which fork()
 * pays for everything codexrun has touched. The child only makes system
 * calls on prepared data (cpol_sandbox_enter never allocates), on a stack
 * of its own. Under AddressSanitizer, whose shadow stack bookkeeping does
 * not follow such a child, a plain fork(). */
static pid_t spawn(struct child_args *a)
{
#if defined(__SANITIZE_ADDRESS__)
	pid_t pid = fork();
	if (pid == 0)
		child_main(a);
	return pid;
#else
	enum { STACK = 256 << 10 };
	char *stack = mmap(NULL, STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return -1;
	pid_t pid = clone(child_main, stack + STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, a);
	int e = errno;
	munmap(stack, STACK); /* the child has exec'd or exited by now */
	errno = e;
	return pid;
#endif
}

int run_child(const struct cpol_sandbox *sb, const char *path, char *const *argv, char *const *envp,
              int *sig, int64_t *ms)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	*sig = 0;
	*ms = 0;
	sigset_t all;
	struct child_args a = { sb, path, argv, envp, { { 0 } } };
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &a.mask);
	pid_t pid = spawn(&a);
	if (pid < 0) {
		sigprocmask(SIG_SETMASK, &a.mask, NULL);
		fprintf(stderr, "codexrun: cannot start the command: %s\n", strerror(errno));
		return RUN_EXIT_FAIL;
	}
	child_pid = pid;
	run_limits_started(pid);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = forward;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
		sigaction(forwarded[i], &sa, NULL);
	sigprocmask(SIG_SETMASK, &a.mask, NULL);

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
