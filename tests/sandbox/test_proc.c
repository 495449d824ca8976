/* tests/sandbox/test_proc.c -- what a sandboxed process (run as root) can do
 * to other processes and to the kernel: capabilities and no_new_privs as
 * /proc/self/status shows them, setuid binaries, ptrace, signals, abstract
 * UNIX sockets, io_uring, TIOCSTI, mount, namespaces, keyrings, bpf, perf,
 * kernel modules and other architectures' system calls. Each refusal has a
 * control run in trusted mode where the same call works (or fails otherwise). */
#include <criterion/criterion.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/sandbox/harness.h"

static char out[8192];

SB_WS_SUITE(proc, "proc", .timeout = 60);

/* sbprobe ARGS... in the workspace-write sandbox without network; the
 * probe's exit status (0 ok, 1 refused with the errno name in out). */
static int probe(const char *a, const char *b)
{
	return sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--write", ws,
	               "--write", "/dev/null", "--write", "/dev/ptmx", "--write", "/dev/pts",
	               "--protect", ".git", "--", sb_prog("sbprobe"), a, b, NULL);
}

static int trusted_probe(const char *a, const char *b)
{
	return sb_runl(out, sizeof out, sb_prog("sbexec"), "--trusted", "--", sb_prog("sbprobe"),
	               a, b, NULL);
}

#define REFUSED(a, b, err)                                                       \
	do {                                                                     \
		int rc_ = probe((a), (b));                                       \
		cr_expect_eq(rc_, 1, "%s %s: exit %d: %s", (a), (b), rc_, out);  \
		cr_expect(strstr(out, (err)), "%s %s: %s", (a), (b), out);       \
	} while (0)

static unsigned long long status_field(const char *text, const char *field)
{
	const char *p = strstr(text, field);
	cr_assert(p, "no %s in %s", field, text);
	return strtoull(p + strlen(field), NULL, p[strlen(field) + 1] == '\t' ? 10 : 16);
}

Test(proc, root_runs_without_capabilities_and_with_no_new_privs)
{
	cr_assert_eq(getuid(), 0, "these tests run as root");
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--write", ws,
	                     "--", "cat", "/proc/self/status", NULL), 0, "%s", out);
	cr_expect_eq(status_field(out, "CapInh:\t"), 0);
	cr_expect_eq(status_field(out, "CapPrm:\t"), 0);
	cr_expect_eq(status_field(out, "CapEff:\t"), 0);
	cr_expect_eq(status_field(out, "CapBnd:\t"), 0);
	cr_expect_eq(status_field(out, "CapAmb:\t"), 0);
	cr_expect(strstr(out, "NoNewPrivs:\t1"), "%s", out);
	cr_expect(strstr(out, "Seccomp:\t2"), "%s", out);
	cr_expect(strstr(out, "Uid:\t0\t0\t0\t0"), "still uid 0: %s", out);
}

Test(proc, trusted_keeps_capabilities_but_sets_no_new_privs)
{
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--trusted", "--", "cat",
	                     "/proc/self/status", NULL), 0, "%s", out);
	cr_expect_neq(status_field(out, "CapEff:\t"), 0);
	cr_expect_neq(status_field(out, "CapBnd:\t"), 0);
	cr_expect(strstr(out, "NoNewPrivs:\t1"), "%s", out);
	cr_expect(strstr(out, "Seccomp:\t0"), "%s", out);
}

/* A copy of sbprobe owned by root with the setuid bit, in a directory the
 * user can reach. */
static const char *setuid_probe(void)
{
	static char path[1024];
	snprintf(path, sizeof path, "%.900s/suid-probe", ws);
	cr_assert_eq(sb_runl(out, sizeof out, "cp", sb_prog("sbprobe"), path, NULL), 0, "%s", out);
	cr_assert_eq(chown(path, 0, 0), 0);
	cr_assert_eq(chmod(path, 04755), 0);
	return path;
}

Test(proc, a_setuid_binary_gains_nothing)
{
	const char *suid = setuid_probe();
	/* control: outside any sandbox the bit works on this filesystem */
	fflush(NULL);
	int p[2];
	cr_assert_eq(pipe(p), 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(99);
		execl(suid, suid, "ids", (char *)NULL);
		_exit(98);
	}
	close(p[1]);
	char ctl[256] = "";
	ssize_t n = read(p[0], ctl, sizeof ctl - 1);
	ctl[n > 0 ? n : 0] = '\0';
	close(p[0]);
	waitpid(pid, NULL, 0);
	cr_assert(strstr(ctl, "uid=65534 euid=0"), "control: %s", ctl);

	/* sandboxed, as the same user: no new privileges */
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--uid", "65534", "--read", "/",
	                     "--write", ws, "--", suid, "ids", NULL), 0, "%s", out);
	cr_expect(strstr(out, "uid=65534 euid=65534"), "%s", out);
	/* ... also with the user namespace of the protected paths */
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--uid", "65534", "--read", "/",
	                     "--write", "/tmp", "--protect", ws, "--", suid, "ids", NULL), 0,
	             "%s", out);
	cr_expect(strstr(out, "uid=65534 euid=65534"), "%s", out);
}

Test(proc, root_cannot_change_its_identity)
{
	/* without CAP_SETUID/CAP_SETGID/CAP_CHOWN uid 0 is just a number */
	static const char *const calls[] = { "os.setuid(65534)", "os.setgid(65534)",
	                                     "os.setgroups([0, 1])",
	                                     "os.chown(os.environ['WS'], 65534, -1)" };
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
		char script[256];
		snprintf(script, sizeof script,
		         "import os\ntry:\n    %s\n    print('CHANGED')\n"
		         "except PermissionError:\n    print('held')\n", calls[i]);
		setenv("WS", ws, 1); /* a writable root, so only the capability is missing */
		cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--write", ws,
		                     "--", "/usr/bin/python3", "-c", script, NULL), 0, "%s", out);
		cr_expect(strstr(out, "held"), "%s: %s", calls[i], out);
	}
}

Test(proc, ptrace_of_a_sibling_fails)
{
	pid_t victim = sb_sleeper();
	char pid[16];
	snprintf(pid, sizeof pid, "%d", (int)victim);
	REFUSED("ptrace", pid, "EPERM");
	cr_expect_eq(trusted_probe("ptrace", pid), 0, "control: %s", out);
	sb_reap(victim);
	REFUSED("ptrace-child", "", "EPERM");
	REFUSED("process_vm_readv", "", "EPERM");
	cr_expect_eq(trusted_probe("process_vm_readv", ""), 0, "control: %s", out);
}

Test(proc, kill_of_a_process_outside_fails)
{
	pid_t victim = sb_sleeper();
	char pid[16];
	snprintf(pid, sizeof pid, "%d", (int)victim);
	cr_expect_neq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--", "kill",
	                      "-TERM", pid, NULL), 0, "%s", out);
	REFUSED("kill", pid, "EPERM");
	int status;
	cr_expect_eq(waitpid(victim, &status, WNOHANG), 0, "the process outside was killed");
	cr_expect_eq(trusted_probe("kill", pid), 0, "control: %s", out);
	sb_reap(victim);
	/* inside the sandbox, signals still work */
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--", "sh", "-c",
	                     "sleep 30 & kill $!; wait $!; echo status=$?", NULL), 0, "%s", out);
	cr_expect(strstr(out, "status=143"), "%s", out);
}

Test(proc, an_abstract_socket_outside_is_out_of_reach)
{
	const char *name = sb_unique("cpol-abstract");
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	memcpy(a.sun_path + 1, name, strlen(name));
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
	cr_assert_eq(bind(s, (struct sockaddr *)&a, len), 0);
	cr_assert_eq(listen(s, 4), 0);
	REFUSED("abstract", name, "EPERM");
	cr_expect_eq(trusted_probe("abstract", name), 0, "control: %s", out);
	close(s);
}

Test(proc, io_uring_setup_fails)
{
	REFUSED("io_uring", "", "EPERM");
	cr_expect_eq(trusted_probe("io_uring", ""), 0, "control: %s", out);
}

Test(proc, tiocsti_fails)
{
	REFUSED("tiocsti", "", "EPERM");
	REFUSED("tiocsti-high", "", "EPERM");
	REFUSED("tioclinux", "", "EPERM");
	cr_expect_eq(trusted_probe("tiocsti", ""), 0, "control: %s", out);
}

Test(proc, mount_fails)
{
	char dir[1024];
	snprintf(dir, sizeof dir, "%.900s/mnt", ws);
	mkdir(dir, 0755);
	REFUSED("mount", dir, "EPERM");
	REFUSED("umount", "/tmp", "EPERM");
	cr_expect_neq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--write", ws,
	                      "--", "mount", "-t", "tmpfs", "none", dir, NULL), 0, "%s", out);
}

Test(proc, namespaces_cannot_be_made_or_joined)
{
	REFUSED("unshare", "", "EPERM");
	REFUSED("unshare-ns", "", "EPERM");
	REFUSED("clone-newuser", "", "EPERM");
	REFUSED("setns", "", "EPERM");
	/* clone3's flags cannot be read by a filter: it reports ENOSYS, and
	 * fork (clone) still works */
	REFUSED("clone3", "", "ENOSYS");
	cr_expect_eq(probe("fork", ""), 0, "%s", out);
	cr_expect_eq(trusted_probe("unshare", ""), 0, "control: %s", out);
	cr_expect_neq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--", "unshare",
	                      "-U", "true", NULL), 0, "%s", out);
}

Test(proc, keyrings_bpf_perf_and_modules_fail)
{
	REFUSED("keyctl", "", "EPERM");
	cr_expect_eq(trusted_probe("keyctl", ""), 0, "control: %s", out);
	REFUSED("bpf", "", "EPERM");
	REFUSED("perf", "", "EPERM");
	REFUSED("init_module", "", "EPERM");
}

#ifdef __x86_64__
Test(proc, system_calls_of_other_architectures_fail)
{
	REFUSED("x32", "", "EPERM");
	/* A kernel without i386 emulation (CONFIG_IA32_EMULATION off, or
	 * ia32_emulation=0) kills int 0x80 with SIGSEGV before seccomp sees it:
	 * the path the filter closes does not exist there. */
	int control = trusted_probe("int80", "");
	if (control == 128 + SIGSEGV || control == 139) {
		cr_log_info("i386 emulation is off in this kernel: int 0x80 cannot be tried");
		return;
	}
	cr_expect_eq(control, 0, "control (i386 emulation): %s", out);
	REFUSED("int80", "", "EPERM");
}
#endif
