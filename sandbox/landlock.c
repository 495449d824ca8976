/* sandbox/landlock.c -- the Landlock part of the sandbox: the ABI the running
 * kernel offers, the ruleset built from the spec's roots and ports (in the
 * parent), and restrict_self (in the child). It never decides what a policy
 * grants and never mounts anything; the child side never allocates.
 *
 * Debian 12's <linux/landlock.h> stops at ABI 2-3 while kernels offer more,
 * so every later constant and structure is defined here from the kernel's
 * UAPI, and features are chosen by the ABI reported at run time.
 */
#include "sandbox/internal.h"
#include "sandbox/denials.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#endif
#ifndef __NR_landlock_add_rule
#define __NR_landlock_add_rule 445
#endif
#ifndef __NR_landlock_restrict_self
#define __NR_landlock_restrict_self 446
#endif
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)        /* ABI 2 */
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)     /* ABI 3 */
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)    /* ABI 5 */
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)     /* ABI 4 */
#endif
#ifndef LANDLOCK_ACCESS_NET_CONNECT_TCP
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)  /* ABI 4 */
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0) /* ABI 6 */
#endif
#ifndef LANDLOCK_SCOPE_SIGNAL
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)            /* ABI 6 */
#endif

/* The UAPI's struct landlock_ruleset_attr as of ABI 6; older headers only
 * have the first field. The kernel accepts a shorter size, so we pass the
 * size of what the running ABI knows. */
struct cpol_ll_ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net; /* ABI 4 */
	uint64_t scoped;             /* ABI 6 */
};

/* enum landlock_rule_type's LANDLOCK_RULE_NET_PORT and its attribute (ABI 4). */
#define CPOL_LL_RULE_PATH_BENEATH 1
#define CPOL_LL_RULE_NET_PORT 2
struct cpol_ll_net_port_attr {
	uint64_t allowed_access;
	uint64_t port;
};
struct cpol_ll_path_beneath_attr {
	uint64_t allowed_access;
	int32_t parent_fd;
} __attribute__((packed));

#define FS_ABI1 ((1ULL << 13) - 1) /* EXECUTE .. MAKE_SYM */
#define FS_READ (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_READ_FILE | \
		 LANDLOCK_ACCESS_FS_READ_DIR)
/* The rights that mean something on a file that is not a directory; a rule
 * on such a file with any other right is refused (EINVAL). */
#define FS_FILE (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
		 LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | \
		 LANDLOCK_ACCESS_FS_IOCTL_DEV)

int cpol_landlock_abi(void)
{
	long abi = syscall(__NR_landlock_create_ruleset, NULL, 0,
	                   LANDLOCK_CREATE_RULESET_VERSION);
	return abi < 0 ? 0 : (int)abi;
}

/* Every filesystem right the ABI knows. Read roots get FS_READ of it, write
 * roots all of it; IOCTL_DEV counts as a write right (device ioctls change
 * device state), so a tool that opens /dev/tty itself under a read-only root
 * cannot ioctl it (inherited descriptors are not affected). */
static uint64_t fs_handled(int abi)
{
	uint64_t r = FS_ABI1;
	if (abi >= 2)
		r |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		r |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		r |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return r;
}

/* NONE: neither connect nor bind (seccomp also refuses the sockets).
 * CONNECT: connect to the listed ports, bind to bind_ports.
 * OUTBOUND: connect is not handled (so any port is allowed), bind only to
 * bind_ports. ANY: TCP is not handled at all. */
static uint64_t net_handled(int abi, enum cpol_net_mode net)
{
	if (abi < 4)
		return 0;
	switch (net) {
	case CPOL_NET_NONE:
	case CPOL_NET_CONNECT:
		return LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP;
	case CPOL_NET_OUTBOUND:
		return LANDLOCK_ACCESS_NET_BIND_TCP;
	case CPOL_NET_ANY:
		break;
	}
	return 0;
}

void cpol_landlock_degraded(int abi, const struct cpol_sandbox_spec *spec,
                            char *buf, size_t len)
{
	if (abi < 1) {
		cpol_report_add(buf, len, "Landlock unavailable: filesystem, TCP and "
		                "scope restrictions not enforced");
		return;
	}
	if (abi < 3)
		cpol_report_add(buf, len, "truncate not restricted (Landlock ABI %d < 3)", abi);
	if (abi < 4 && (spec->net == CPOL_NET_CONNECT || spec->net == CPOL_NET_OUTBOUND))
		cpol_report_add(buf, len, "TCP %s not restricted (Landlock ABI %d < 4)",
		                spec->net == CPOL_NET_CONNECT ? "connect and bind" : "bind",
		                abi);
	if (abi < 5)
		cpol_report_add(buf, len, "device ioctls not restricted (Landlock ABI %d < 5)", abi);
	if (abi < 6)
		cpol_report_add(buf, len, "abstract UNIX sockets and signals not scoped "
		                "(Landlock ABI %d < 6)", abi);
}

static int add_root(int rfd, const char *path, uint64_t access, const char *what,
                    struct cpol_sandbox_report *report, cpol_error *err)
{
	if (!path || path[0] != '/')
		return cpol_fail(err, EINVAL, "sandbox: %s root \"%s\" is not an absolute path",
		                 what, path ? path : "(null)");
	int pfd = open(path, O_PATH | O_CLOEXEC);
	if (pfd < 0) {
		if (errno == ENOENT || errno == ENOTDIR || errno == EACCES || errno == ELOOP) {
			cpol_report_add(report->notes, sizeof report->notes,
			                "%s root %s skipped (%s)", what, path, strerror(errno));
			return 0;
		}
		return cpol_fail_errno(err, "sandbox: %s root %s", what, path);
	}
	struct stat st;
	if (fstat(pfd, &st) < 0) {
		cpol_fail_errno(err, "sandbox: %s root %s", what, path);
		close(pfd);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		access &= FS_FILE;
	struct cpol_ll_path_beneath_attr pb = { .allowed_access = access, .parent_fd = pfd };
	int r = 0;
	if (access && syscall(__NR_landlock_add_rule, rfd, CPOL_LL_RULE_PATH_BENEATH, &pb, 0) < 0)
		r = cpol_fail_errno(err, "sandbox: landlock rule for %s root %s", what, path);
	close(pfd);
	return r;
}

static int add_port(int rfd, uint64_t access, uint16_t port, cpol_error *err)
{
	struct cpol_ll_net_port_attr np = { .allowed_access = access, .port = port };
	if (syscall(__NR_landlock_add_rule, rfd, CPOL_LL_RULE_NET_PORT, &np, 0) < 0)
		return cpol_fail_errno(err, "sandbox: landlock rule for TCP port %u", port);
	return 0;
}

int cpol_landlock_build(const struct cpol_sandbox_spec *spec, const char *const *lists, size_t nlist, int abi,
                        struct cpol_sandbox_report *report, cpol_error *err)
{
	struct cpol_ll_ruleset_attr attr = {
		.handled_access_fs = fs_handled(abi),
		.handled_access_net = net_handled(abi, spec->net),
		.scoped = abi >= 6 ? LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL : 0,
	};
	size_t size = abi >= 6 ? sizeof attr : abi >= 4 ? 2 * sizeof(uint64_t) : sizeof(uint64_t);
	int rfd = (int)syscall(__NR_landlock_create_ruleset, &attr, size, 0);
	if (rfd < 0)
		return cpol_fail_errno(err, "sandbox: landlock_create_ruleset (ABI %d)", abi);
	/* The syscall does not set close-on-exec; the child closes it itself,
	 * but nothing else the parent runs should inherit it. */
	if (fcntl(rfd, F_SETFD, FD_CLOEXEC) < 0)
		goto fail_errno;

	uint64_t fs = attr.handled_access_fs;
	for (size_t i = 0; i < spec->nread; i++)
		if (add_root(rfd, spec->read_roots[i], fs & FS_READ, "read", report, err) < 0)
			goto fail;
	for (size_t i = 0; i < spec->nwrite; i++)
		if (add_root(rfd, spec->write_roots[i], fs, "write", report, err) < 0)
			goto fail;
	for (size_t i = 0; i < nlist; i++)
		if (add_root(rfd, lists[i], fs & LANDLOCK_ACCESS_FS_READ_DIR, "list", report, err) < 0)
			goto fail;

	uint64_t net = attr.handled_access_net;
	if ((net & LANDLOCK_ACCESS_NET_CONNECT_TCP) && spec->net == CPOL_NET_CONNECT)
		for (size_t i = 0; i < spec->nconnect; i++)
			if (add_port(rfd, LANDLOCK_ACCESS_NET_CONNECT_TCP, spec->connect_ports[i], err) < 0)
				goto fail;
	if ((net & LANDLOCK_ACCESS_NET_BIND_TCP) && spec->net != CPOL_NET_NONE)
		for (size_t i = 0; i < spec->nbind; i++)
			if (add_port(rfd, LANDLOCK_ACCESS_NET_BIND_TCP, spec->bind_ports[i], err) < 0)
				goto fail;
	return rfd;

fail_errno:
	cpol_fail_errno(err, "sandbox: landlock ruleset");
fail:
	close(rfd);
	return -1;
}

int cpol_landlock_add_write(int rfd, const char *path, int abi,
                            struct cpol_sandbox_report *report, cpol_error *err)
{
	return add_root(rfd, path, fs_handled(abi), "write", report, err);
}

/* Child side: no allocation. no_new_privs must already be set. */
int cpol_landlock_apply(int ruleset_fd, cpol_error *err)
{
	int r = 0;
	if (syscall(__NR_landlock_restrict_self, ruleset_fd, cpol_denials_landlock_flags) < 0)
		r = cpol_fail_errno(err, "sandbox: landlock_restrict_self");
	close(ruleset_fd);
	return r;
}
