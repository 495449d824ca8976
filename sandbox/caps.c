/* sandbox/caps.c -- capabilities: the last one the kernel knows and what we
 * hold (in the parent), and dropping every set -- ambient, bounding,
 * effective, permitted, inheritable -- in the child, through raw capget(2)/
 * capset(2)/prctl(2) (libcap is not a dependency). It never raises a
 * capability, and the child side never allocates.
 */
#include "sandbox/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#endif
#ifndef PR_CAP_AMBIENT_CLEAR_ALL
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

/* /proc/sys/kernel/cap_last_cap, else the first capability the bounding set
 * does not know, minus one. */
int cpol_caps_last(void)
{
	int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		char buf[16];
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n > 0) {
			int v = 0, digits = 0;
			for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++, digits++)
				v = v * 10 + (buf[i] - '0');
			if (digits > 0 && digits < 4 && v < 64)
				return v;
		}
	}
	int c = 0;
	while (c < 64 && prctl(PR_CAPBSET_READ, (unsigned long)c, 0, 0, 0) >= 0)
		c++;
	return c > 0 ? c - 1 : CAP_LAST_CAP;
}

int cpol_caps_effective(int cap)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof d);
	if (syscall(SYS_capget, &h, d) < 0 || cap < 0 || cap >= 64)
		return 0;
	return (int)((d[cap / 32].effective >> (cap % 32)) & 1u);
}

/* Child side: no allocation. The bounding set goes first, while CAP_SETPCAP
 * is still effective; capset() last. Then read the sets back: a drop that
 * did not happen is an error, not a warning. */
int cpol_caps_drop(int cap_last, int bounding, cpol_error *err)
{
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return cpol_fail_errno(err, "sandbox: clearing the ambient capabilities");
	if (bounding)
		for (int c = 0; c <= cap_last; c++)
			if (prctl(PR_CAPBSET_DROP, (unsigned long)c, 0, 0, 0) < 0)
				return cpol_fail_errno(err, "sandbox: dropping capability %d "
				                       "from the bounding set", c);
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof d);
	if (syscall(SYS_capset, &h, d) < 0)
		return cpol_fail_errno(err, "sandbox: capset");
	if (syscall(SYS_capget, &h, d) < 0)
		return cpol_fail_errno(err, "sandbox: capget");
	for (int i = 0; i < 2; i++)
		if (d[i].effective || d[i].permitted || d[i].inheritable)
			return cpol_fail(err, EPERM, "sandbox: capabilities still held after capset");
	if (bounding)
		for (int c = 0; c <= cap_last; c++)
			if (prctl(PR_CAPBSET_READ, (unsigned long)c, 0, 0, 0) != 0)
				return cpol_fail(err, EPERM, "sandbox: capability %d still in the "
				                 "bounding set", c);
	return 0;
}
