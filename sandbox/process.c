/* sandbox/process.c -- the Linux backend's process containment (see
 * "Processes" in sandbox/sandbox.h): a PID namespace for the run's init
 * (with a user namespace when unprivileged, whose ids init maps to
 * themselves), the vfork-like start of the command, dying with the parent,
 * and a network namespace of its own with only a loopback.
 *
 * Must never exec anything; everything here is async-signal-safe but
 * cpol_proc_spawn's mmap, which runs before the child exists. */
#include "sandbox/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

pid_t cpol_proc_spawn(int (*fn)(void *), void *arg)
{
#if defined(__SANITIZE_ADDRESS__)
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn(arg));
	return pid;
#else
	/* It shares our memory until it execs (CLONE_VM | CLONE_VFORK, as
	 * posix_spawn does): no page tables to copy. Under AddressSanitizer,
	 * whose stack bookkeeping does not follow such a child, a fork(). */
	enum { STACK = 256 << 10 };
	char *stack = mmap(NULL, STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return -1;
	pid_t pid = clone(fn, stack + STACK, CLONE_VM | CLONE_VFORK | SIGCHLD, arg);
	int e = errno;
	munmap(stack, STACK); /* the child has exec'd or exited by now */
	errno = e;
	return pid;
#endif
}

pid_t cpol_proc_fork_contained(int *userns)
{
	unsigned long flags = CLONE_NEWPID | SIGCHLD;
	*userns = 0;
	if (geteuid() != 0) {
		/* unprivileged, a PID namespace needs a user namespace of its own */
		flags |= CLONE_NEWUSER;
		*userns = 1;
	}
	/* flags and stack are the first two arguments on every architecture;
	 * with a NULL stack the child goes on on a copy of ours, as in fork. */
	return (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
}

void cpol_proc_die_with_parent(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
}

void cpol_proc_init_setup(int contained)
{
	/* No core, no ptrace by the command, /proc/1 root's. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (!contained)
		prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

static int write_map(const char *file, unsigned id)
{
	char map[48];
	int n = snprintf(map, sizeof map, "%u %u 1\n", id, id);
	int fd = open(file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int ok = write(fd, map, (size_t)n) == n;
	int e = errno;
	close(fd);
	errno = e;
	return ok ? 0 : -1;
}

int cpol_proc_map_ids(uid_t uid, gid_t gid, cpol_error *err)
{
	int fd = open("/proc/self/setgroups", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		(void)!write(fd, "deny", 4);
		close(fd);
	}
	if (write_map("/proc/self/uid_map", (unsigned)uid) < 0)
		return cpol_fail_errno(err, "cannot map the user id of the PID namespace");
	if (write_map("/proc/self/gid_map", (unsigned)gid) < 0)
		return cpol_fail_errno(err, "cannot map the group id of the PID namespace");
	return 0;
}

int cpol_proc_private_net(cpol_error *err)
{
	if (unshare(CLONE_NEWNET) < 0)
		return cpol_fail_errno(err, "unshare");
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	memcpy(ifr.ifr_name, "lo", 3);
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0 || (ifr.ifr_flags |= IFF_UP, ioctl(s, SIOCSIFFLAGS, &ifr) < 0)) {
		int e = errno;
		if (s >= 0)
			close(s);
		errno = e;
		return cpol_fail_errno(err, "loopback");
	}
	close(s);
	return 0;
}
