/* sandbox/seccomp.c -- the seccomp part of the sandbox: the filter built
 * with libseccomp and exported as classic BPF (in the parent, or by the
 * policy compiler to store in the image), the check of a prebuilt program,
 * and loading it (in the child). It never writes BPF by hand and the child
 * side never calls libseccomp (which allocates): it only hands the prepared
 * program to the kernel.
 *
 * The filter allows by default and makes these fail with EPERM:
 *  - always: the calls in `always_denied` below, TIOCSTI/TIOCLINUX ioctls,
 *    clone() with a namespace flag, and every system call of another
 *    architecture (i386 through int 0x80, x32 on x86_64: libseccomp's
 *    x86_64 filter sends calls with the x32 bit to the bad-arch action);
 *  - without network: socket()/socketpair() for every family but AF_UNIX
 *    (Landlock only covers TCP; this stops UDP, raw, netlink, IPv6, ...);
 *  - with outbound-only network (connect, outbound) and no bind port
 *    granted (no CPOL_SECCOMP_INBOUND): bind() and listen() of every socket.
 *    A filter cannot see the family of a descriptor, and Landlock covers
 *    neither UDP bind nor the ephemeral port that listen() picks for an
 *    unbound TCP socket, so both calls go; the price is that a UNIX-socket
 *    server (bind+listen) needs the offline mode or a bind port, while
 *    socketpair(), pipes and connect() to UNIX sockets keep working;
 *  - always: the ioctls that change inode flags (FS_IOC_SETFLAGS and its
 *    32-bit twin, FS_IOC_FSSETXATTR, FS_IOC_SETVERSION), file_setattr(),
 *    userfaultfd() and /dev/userfaultfd's USERFAULTFD_IOC_NEW;
 *  - with CPOL_SECCOMP_READONLY: every change of file metadata.
 * clone3() fails with ENOSYS instead: its flags sit in memory that a filter
 * cannot read, and ENOSYS makes the C libraries fall back to clone().
 */
#include "sandbox/internal.h"
#include "sandbox/denials.h"

#include <errno.h>
#include <limits.h>
#include <linux/fs.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef BPF_MAXINSNS
#define BPF_MAXINSNS 4096
#endif
/* Not in Debian 12's headers: file_setattr() is 469 in the table shared by
 * x86_64 and the generic architectures since Linux 6.17; USERFAULTFD_IOC_NEW
 * is _IO(0xAA, 0). */
#define CPOL_NR_FILE_SETATTR 469
#define CPOL_USERFAULTFD_IOC_NEW 0xAA00UL

/* System calls that fail with EPERM in every sandbox but trusted, each with
 * why. SCMP_SYS() gives the native number (or libseccomp's pseudo number
 * for a call this architecture does not have, which it then ignores). */
static const struct {
	int nr;
	const char *name;
} always_denied[] = {
	/* io_uring performs file and socket operations outside the reach of
	 * seccomp argument checks (and has been a rich source of kernel bugs). */
	{ SCMP_SYS(io_uring_setup), "io_uring_setup" },
	{ SCMP_SYS(io_uring_enter), "io_uring_enter" },
	{ SCMP_SYS(io_uring_register), "io_uring_register" },
	/* Reading or writing another process: its memory, registers, its
	 * privileges outside the sandbox. */
	{ SCMP_SYS(ptrace), "ptrace" },
	{ SCMP_SYS(process_vm_readv), "process_vm_readv" },
	{ SCMP_SYS(process_vm_writev), "process_vm_writev" },
	/* The kernel keyrings are shared with processes outside the sandbox
	 * (credentials, tokens). */
	{ SCMP_SYS(keyctl), "keyctl" },
	{ SCMP_SYS(add_key), "add_key" },
	{ SCMP_SYS(request_key), "request_key" },
	/* eBPF and perf: kernel attack surface and a view of other processes. */
	{ SCMP_SYS(bpf), "bpf" },
	{ SCMP_SYS(perf_event_open), "perf_event_open" },
	/* New namespaces would let the command rearrange what it sees (a user
	 * namespace gives it capabilities there); setns joins another's. */
	{ SCMP_SYS(unshare), "unshare" },
	{ SCMP_SYS(setns), "setns" },
	/* The mount family: changing the filesystem tree would undo the
	 * protected paths and the read-only binds. */
	{ SCMP_SYS(mount), "mount" },
	{ SCMP_SYS(umount2), "umount2" },
	{ SCMP_SYS(pivot_root), "pivot_root" },
	{ SCMP_SYS(move_mount), "move_mount" },
	{ SCMP_SYS(open_tree), "open_tree" },
	{ SCMP_SYS(fsopen), "fsopen" },
	{ SCMP_SYS(fsmount), "fsmount" },
	{ SCMP_SYS(fsconfig), "fsconfig" },
	{ SCMP_SYS(fspick), "fspick" },
	{ SCMP_SYS(mount_setattr), "mount_setattr" },
	/* Replacing the kernel or loading code into it. */
	{ SCMP_SYS(kexec_load), "kexec_load" },
	{ SCMP_SYS(kexec_file_load), "kexec_file_load" },
	{ SCMP_SYS(init_module), "init_module" },
	{ SCMP_SYS(finit_module), "finit_module" },
	{ SCMP_SYS(delete_module), "delete_module" },
	/* userfaultfd stalls the kernel at a chosen page fault: the usual way
	 * to win a race in a kernel exploit; builds and tests never need it. */
	{ SCMP_SYS(userfaultfd), "userfaultfd" },
#if defined(__x86_64__) || defined(__aarch64__)
	/* file_setattr (Linux 6.17) sets inode flags by path, which Landlock
	 * does not cover (immutable, append-only on files outside the write
	 * roots that root owns). */
	{ CPOL_NR_FILE_SETATTR, "file_setattr" },
#endif
};

/* ioctl requests refused on every descriptor, whatever it is: inode flags
 * and attributes (Landlock does not cover them and they need only a
 * read-only descriptor: root could make a system file immutable or
 * append-only outside the write roots; chattr inside the workspace is rare
 * enough to give up), and the device path to a userfaultfd. */
static const struct {
	unsigned long cmd;
	const char *name;
} ioctl_denied[] = {
	{ TIOCSTI, "TIOCSTI" }, { TIOCLINUX, "TIOCLINUX" },
	{ FS_IOC_SETFLAGS, "FS_IOC_SETFLAGS" }, { FS_IOC32_SETFLAGS, "FS_IOC32_SETFLAGS" },
	{ FS_IOC_FSSETXATTR, "FS_IOC_FSSETXATTR" }, { FS_IOC_SETVERSION, "FS_IOC_SETVERSION" },
	{ FS_IOC32_SETVERSION, "FS_IOC32_SETVERSION" },
	{ CPOL_USERFAULTFD_IOC_NEW, "USERFAULTFD_IOC_NEW" },
};

/* Changes of file metadata that Landlock does not cover, refused with
 * CPOL_SECCOMP_READONLY. Newer calls libseccomp 2.5 may not name are added
 * by number (x86_64 numbers; elsewhere libseccomp's name lookup decides). */
static const struct {
	int nr;
	const char *name;
} metadata_denied[] = {
	{ SCMP_SYS(chmod), "chmod" }, { SCMP_SYS(fchmod), "fchmod" }, { SCMP_SYS(fchmodat), "fchmodat" },
	{ SCMP_SYS(chown), "chown" }, { SCMP_SYS(fchown), "fchown" }, { SCMP_SYS(lchown), "lchown" },
	{ SCMP_SYS(fchownat), "fchownat" }, { SCMP_SYS(utime), "utime" }, { SCMP_SYS(utimes), "utimes" },
	{ SCMP_SYS(futimesat), "futimesat" }, { SCMP_SYS(utimensat), "utimensat" },
	{ SCMP_SYS(setxattr), "setxattr" }, { SCMP_SYS(lsetxattr), "lsetxattr" },
	{ SCMP_SYS(fsetxattr), "fsetxattr" }, { SCMP_SYS(removexattr), "removexattr" },
	{ SCMP_SYS(lremovexattr), "lremovexattr" }, { SCMP_SYS(fremovexattr), "fremovexattr" },
#if defined(__x86_64__)
	{ 452, "fchmodat2" }, { 463, "setxattrat" }, { 466, "removexattrat" },
#endif
};

/* clone() flags that create a namespace (see unshare above). CLONE_NEWTIME
 * is left out: with clone() that bit belongs to the exit signal. */
static const unsigned long clone_ns_flags[] = {
	CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC,
	CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
};

#if defined(__s390__) || defined(__s390x__)
#define CLONE_FLAGS_ARG 1 /* s390 passes the stack first */
#else
#define CLONE_FLAGS_ARG 0
#endif

uint32_t cpol_seccomp_native_arch(void)
{
	return seccomp_arch_native();
}

int cpol_seccomp_available(void)
{
	return prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;
}

static int lsc_fail(cpol_error *err, int rc, const char *what)
{
	return cpol_fail(err, -rc, "sandbox: libseccomp %s: %s", what, strerror(-rc));
}

static int add_rules(scmp_filter_ctx ctx, enum cpol_net_mode net, unsigned flags, cpol_error *err)
{
	const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
	int rc;
	for (size_t i = 0; (flags & CPOL_SECCOMP_READONLY) && i < sizeof metadata_denied / sizeof metadata_denied[0]; i++) {
		if (metadata_denied[i].nr < 0)
			continue;
		rc = seccomp_rule_add(ctx, eperm, metadata_denied[i].nr, 0);
		if (rc < 0)
			return lsc_fail(err, rc, metadata_denied[i].name);
	}
	for (size_t i = 0; i < sizeof always_denied / sizeof always_denied[0]; i++) {
		if (always_denied[i].nr < 0)
			continue; /* not on this architecture */
		rc = seccomp_rule_add(ctx, eperm, always_denied[i].nr, 0);
		if (rc < 0)
			return lsc_fail(err, rc, always_denied[i].name);
	}
	/* TIOCSTI pushes input into the terminal (commands run by the shell
	 * outside once the sandboxed command exits); TIOCLINUX can do the same
	 * through the console's selection. The kernel reads cmd as an unsigned
	 * int: compare only the low 32 bits so high garbage cannot slip past. */
	for (size_t i = 0; i < sizeof ioctl_denied / sizeof ioctl_denied[0]; i++) {
		rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(ioctl), 1,
		                      SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffULL,
		                              (uint64_t)ioctl_denied[i].cmd));
		if (rc < 0)
			return lsc_fail(err, rc, ioctl_denied[i].name);
	}

	for (size_t i = 0; i < sizeof clone_ns_flags / sizeof clone_ns_flags[0]; i++) {
		struct scmp_arg_cmp cmp = {
			.arg = CLONE_FLAGS_ARG, .op = SCMP_CMP_MASKED_EQ,
			.datum_a = clone_ns_flags[i], .datum_b = clone_ns_flags[i],
		};
		rc = seccomp_rule_add_array(ctx, eperm, SCMP_SYS(clone), 1, &cmp);
		if (rc < 0)
			return lsc_fail(err, rc, "clone");
	}
	if (SCMP_SYS(clone3) >= 0) {
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
		if (rc < 0)
			return lsc_fail(err, rc, "clone3");
	}

	if (net == CPOL_NET_NONE) {
		/* Anything but exactly AF_UNIX (high bits included) fails. */
		rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(socket), 1,
		                      SCMP_A0(SCMP_CMP_NE, (uint64_t)AF_UNIX));
		if (rc < 0)
			return lsc_fail(err, rc, "socket");
		rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(socketpair), 1,
		                      SCMP_A0(SCMP_CMP_NE, (uint64_t)AF_UNIX));
		if (rc < 0)
			return lsc_fail(err, rc, "socketpair");
#ifdef __NR_socketcall
		/* Multiplexed socket calls pass their arguments in memory. */
		rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(socketcall), 0);
		if (rc < 0)
			return lsc_fail(err, rc, "socketcall");
#endif
	}
	if ((net == CPOL_NET_CONNECT || net == CPOL_NET_OUTBOUND) && !(flags & CPOL_SECCOMP_INBOUND)) {
		rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(bind), 0);
		if (rc < 0)
			return lsc_fail(err, rc, "bind");
		rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(listen), 0);
		if (rc < 0)
			return lsc_fail(err, rc, "listen");
	}
	return 0;
}

/* Build the filter for `net` and export it as classic BPF into a malloc'd
 * buffer. */
static int build(enum cpol_net_mode net, unsigned flags, void **out, size_t *len, cpol_error *err)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return cpol_fail(err, ENOMEM, "sandbox: seccomp_init failed");
	int r = -1, fd = -1;
	void *buf = NULL;
	int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(EPERM));
	if (rc < 0) {
		lsc_fail(err, rc, "bad-arch action");
		goto out;
	}
	if (add_rules(ctx, net, flags, err) < 0)
		goto out;

	fd = memfd_create("cpol-seccomp", MFD_CLOEXEC);
	if (fd < 0) {
		cpol_fail_errno(err, "sandbox: memfd_create");
		goto out;
	}
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0) {
		lsc_fail(err, rc, "export");
		goto out;
	}
	off_t size = lseek(fd, 0, SEEK_END);
	if (size <= 0 || size % (off_t)sizeof(struct sock_filter) != 0 ||
	    size > (off_t)(BPF_MAXINSNS * sizeof(struct sock_filter))) {
		cpol_fail(err, EINVAL, "sandbox: libseccomp exported %lld bytes of BPF",
		          (long long)size);
		goto out;
	}
	buf = malloc((size_t)size);
	if (!buf) {
		cpol_fail(err, ENOMEM, "sandbox: out of memory");
		goto out;
	}
	for (off_t done = 0; done < size;) {
		ssize_t n = pread(fd, (char *)buf + done, (size_t)(size - done), done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			cpol_fail_errno(err, "sandbox: reading the exported filter");
			goto out;
		}
		done += n;
	}
	*out = buf;
	*len = (size_t)size;
	buf = NULL;
	r = 0;
out:
	free(buf);
	if (fd >= 0)
		close(fd);
	seccomp_release(ctx);
	return r;
}

int cpol_seccomp_export(enum cpol_net_mode net, unsigned flags, void **out, size_t *len,
                        uint32_t *arch, cpol_error *err)
{
	*out = NULL;
	*len = 0;
	if (arch)
		*arch = cpol_seccomp_native_arch();
	if (flags & CPOL_SECCOMP_TRUSTED)
		return 0; /* trusted: no filter at all */
	return build(net, flags, out, len, err);
}

/* A prebuilt program: a whole number of instructions, not more than the
 * kernel takes, every jump inside the program, and a return at the end.
 * The kernel checks the rest when the child loads it. */
int cpol_seccomp_check(const void *bpf, size_t len, cpol_error *err)
{
	const size_t isz = sizeof(struct sock_filter);
	if (!bpf || len == 0 || len % isz != 0)
		return cpol_fail(err, EINVAL, "sandbox: seccomp program of %zu bytes "
		                 "(must be a non-zero multiple of %zu)", len, isz);
	size_t n = len / isz;
	if (n > BPF_MAXINSNS)
		return cpol_fail(err, EINVAL, "sandbox: seccomp program of %zu instructions "
		                 "(at most %d)", n, BPF_MAXINSNS);
	const struct sock_filter *p = bpf;
	for (size_t i = 0; i < n; i++) {
		if (BPF_CLASS(p[i].code) != BPF_JMP)
			continue;
		size_t far = BPF_OP(p[i].code) == BPF_JA ? p[i].k
		             : (p[i].jt > p[i].jf ? p[i].jt : p[i].jf);
		if (far >= n - i - 1)
			return cpol_fail(err, EINVAL, "sandbox: seccomp program jumps out of "
			                 "bounds at instruction %zu", i);
	}
	if (BPF_CLASS(p[n - 1].code) != BPF_RET)
		return cpol_fail(err, EINVAL, "sandbox: seccomp program does not end in a return");
	return 0;
}

/* Child side: no allocation. no_new_privs must already be set. */
int cpol_seccomp_load(const struct sock_filter *prog, unsigned short n, cpol_error *err)
{
	struct sock_fprog fprog = { .len = n, .filter = (struct sock_filter *)prog };
	if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, cpol_denials_seccomp_flags, &fprog) == 0)
		return 0;
	if (errno == ENOSYS && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) == 0)
		return 0;
	return cpol_fail_errno(err, "sandbox: loading the seccomp filter");
}

int cpol_sandbox_prebuild(enum cpol_net_mode net, unsigned flags, void **data, size_t *len, uint32_t *target,
                          cpol_error *err)
{
	unsigned sflags = (flags & CPOL_PREBUILT_READONLY ? CPOL_SECCOMP_READONLY : 0) |
	                  (flags & CPOL_PREBUILT_INBOUND ? CPOL_SECCOMP_INBOUND : 0);
	return cpol_seccomp_export(net, sflags, data, len, target, err);
}
