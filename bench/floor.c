/* bench/floor.c -- the start-up floor: the least a wrapper must do to run a
 * command under the same kernel confinement as codexrun's offline profile,
 * and nothing more (no policy, no audit, no mount namespace, no capability
 * drop, no environment scrub):
 *
 *   floor [--mountns] CMD [ARG]...
 *
 * parent: a Landlock ruleset handling every filesystem right of the running
 *         ABI (and TCP bind/connect from ABI 4, abstract-socket and signal
 *         scoping from ABI 6), with "/" readable and executable and
 *         /dev/null writable; a libseccomp filter with the product's rules
 *         (sandbox/seccomp.c: the same denied calls, TIOCSTI/TIOCLINUX,
 *         namespace clone flags, clone3 ENOSYS, non-AF_UNIX sockets);
 * child:  no_new_privs, landlock_restrict_self, seccomp_load, execvp;
 * parent: wait, exit with the child's status (128+N for a signal).
 *
 * --mountns adds what codexrun does as root for its protected paths, to
 * price it on its own: in the child, before the rest, a private mount
 * namespace (unshare CLONE_NEWNS, / made MS_SLAVE recursively) with the
 * whole tree read-only (mount_setattr MOUNT_ATTR_RDONLY, AT_RECURSIVE).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/mount.h>
#include <sched.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif
#ifndef __NR_mount_setattr
#define __NR_mount_setattr 442
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
struct mnt_attr { uint64_t set, clr, propagation, userns_fd; };

#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif

struct ll_ruleset_attr { uint64_t fs, net, scoped; };
struct ll_path_attr { uint64_t allowed; int32_t fd; } __attribute__((packed));

#define X (1ull << 0)   /* EXECUTE */
#define W (1ull << 1)   /* WRITE_FILE */
#define R (1ull << 2)   /* READ_FILE */
#define RD (1ull << 3)  /* READ_DIR */
#define TRUNC (1ull << 14)
#define IOCTL (1ull << 15)

static int fail(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	return 125;
}

static int add_path(int rs, const char *path, uint64_t rights)
{
	int fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct ll_path_attr a = { rights, fd };
	int rc = (int)syscall(__NR_landlock_add_rule, rs, 1 /* PATH_BENEATH */, &a, 0);
	close(fd);
	return rc;
}

static scmp_filter_ctx make_filter(void)
{
	static const int denied[] = {
		SCMP_SYS(io_uring_setup), SCMP_SYS(io_uring_enter), SCMP_SYS(io_uring_register),
		SCMP_SYS(ptrace), SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),
		SCMP_SYS(keyctl), SCMP_SYS(add_key), SCMP_SYS(request_key), SCMP_SYS(bpf),
		SCMP_SYS(perf_event_open), SCMP_SYS(unshare), SCMP_SYS(setns), SCMP_SYS(mount),
		SCMP_SYS(umount2), SCMP_SYS(pivot_root), SCMP_SYS(move_mount), SCMP_SYS(open_tree),
		SCMP_SYS(fsopen), SCMP_SYS(fsmount), SCMP_SYS(fsconfig), SCMP_SYS(fspick),
		SCMP_SYS(mount_setattr), SCMP_SYS(kexec_load), SCMP_SYS(kexec_file_load),
		SCMP_SYS(init_module), SCMP_SYS(finit_module), SCMP_SYS(delete_module),
	};
	static const unsigned long nsflags[] = {
		CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET,
	};
	const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return NULL;
	int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(EPERM));
	for (size_t i = 0; rc == 0 && i < sizeof denied / sizeof denied[0]; i++)
		if (denied[i] >= 0)
			rc = seccomp_rule_add(ctx, eperm, denied[i], 0);
	if (rc == 0)
		rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(ioctl), 1,
		                      SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffULL, (uint64_t)TIOCSTI));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(ioctl), 1,
		                      SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffffULL, (uint64_t)TIOCLINUX));
	for (size_t i = 0; rc == 0 && i < sizeof nsflags / sizeof nsflags[0]; i++)
		rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(clone), 1,
		                      SCMP_A0(SCMP_CMP_MASKED_EQ, nsflags[i], nsflags[i]));
	if (rc == 0 && SCMP_SYS(clone3) >= 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	if (rc == 0)
		rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_NE, (uint64_t)AF_UNIX));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(socketpair), 1, SCMP_A0(SCMP_CMP_NE, (uint64_t)AF_UNIX));
	if (rc < 0) {
		seccomp_release(ctx);
		errno = -rc;
		return NULL;
	}
	return ctx;
}

int main(int argc, char **argv)
{
	int mountns = argc > 1 && !strcmp(argv[1], "--mountns");
	if (mountns) {
		argv++;
		argc--;
	}
	if (argc < 2) {
		fputs("usage: floor [--mountns] CMD [ARG]...\n", stderr);
		return 125;
	}
	int abi = (int)syscall(__NR_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 1)
		return fail("Landlock is not available");
	uint64_t fs = (1ull << 13) - 1;
	if (abi >= 2)
		fs |= 1ull << 13;   /* REFER */
	if (abi >= 3)
		fs |= TRUNC;
	if (abi >= 5)
		fs |= IOCTL;
	struct ll_ruleset_attr ra = { fs, abi >= 4 ? 3 : 0, abi >= 6 ? 3 : 0 };
	size_t rasize = abi >= 6 ? 24 : abi >= 4 ? 16 : 8;
	int rs = (int)syscall(__NR_landlock_create_ruleset, &ra, rasize, 0);
	if (rs < 0)
		return fail("landlock_create_ruleset");
	if (add_path(rs, "/", X | R | RD) < 0 ||
	    add_path(rs, "/dev/null", (W | R | (abi >= 3 ? TRUNC : 0) | (abi >= 5 ? IOCTL : 0))) < 0)
		return fail("landlock_add_rule");
	scmp_filter_ctx sc = make_filter();
	if (!sc)
		return fail("seccomp filter");

	pid_t pid = fork();
	if (pid < 0)
		return fail("fork");
	if (pid == 0) {
		if (mountns) {
			struct mnt_attr ro = { 1 /* MOUNT_ATTR_RDONLY */, 0, 0, 0 };
			if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0 ||
			    syscall(__NR_mount_setattr, AT_FDCWD, "/", AT_RECURSIVE, &ro, sizeof ro) < 0)
				_exit(fail("mount namespace"));
		}
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			_exit(fail("no_new_privs"));
		if (syscall(__NR_landlock_restrict_self, rs, 0) < 0)
			_exit(fail("landlock_restrict_self"));
		close(rs);
		if (seccomp_load(sc) < 0)
			_exit(fail("seccomp_load"));
		execvp(argv[1], argv + 1);
		_exit(errno == ENOENT ? 127 : 126);
	}
	close(rs);
	seccomp_release(sc);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return fail("wait");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
