/* tests/sandbox/test_unit.c -- the parts of libcpolsandbox that can be
 * called directly: the exported seccomp program (and that a prebuilt one is
 * what the child loads), the check of prebuilt programs, the environment
 * scrub table, what prepare reports on this kernel, and the degraded
 * messages for older Landlock ABIs. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/internal.h"
#include "tests/sandbox/harness.h"

static char out[8192];

/* ---- seccomp export ---------------------------------------------------- */

Test(seccomp_export, is_a_whole_number_of_instructions_for_this_arch)
{
	static const enum cpol_net_mode modes[] = { CPOL_NET_NONE, CPOL_NET_CONNECT,
	                                            CPOL_NET_OUTBOUND, CPOL_NET_ANY };
	for (size_t i = 0; i < 4; i++) {
		void *bpf = NULL;
		size_t len = 0;
		uint32_t arch = 0;
		cpol_error err = { 0 };
		cr_assert_eq(cpol_seccomp_export(modes[i], 0, &bpf, &len, &arch, &err), 0, "%s", err.msg);
		cr_expect_neq(bpf, NULL);
		cr_expect_gt(len, 0);
		cr_expect_eq(len % 8, 0, "%zu bytes", len);
		cr_expect_leq(len / 8, 4096);
#ifdef __x86_64__
		cr_expect_eq(arch, AUDIT_ARCH_X86_64);
#endif
		cr_expect_eq(cpol_seccomp_check(bpf, len, &err), 0, "%s", err.msg);
		const struct sock_filter *f = bpf;
		cr_expect_eq(BPF_CLASS(f[len / 8 - 1].code), BPF_RET);
		free(bpf);
	}
}

Test(seccomp_export, without_network_has_more_rules)
{
	void *none = NULL, *any = NULL;
	size_t nlen = 0, alen = 0;
	uint32_t arch;
	cr_assert_eq(cpol_seccomp_export(CPOL_NET_NONE, 0, &none, &nlen, &arch, NULL), 0);
	cr_assert_eq(cpol_seccomp_export(CPOL_NET_ANY, 0, &any, &alen, &arch, NULL), 0);
	cr_expect_gt(nlen, alen);
	free(none);
	free(any);
}

Test(seccomp_export, trusted_has_no_filter)
{
	void *bpf = (void *)1;
	size_t len = 1;
	uint32_t arch = 0;
	cr_assert_eq(cpol_seccomp_export(CPOL_NET_NONE, 1, &bpf, &len, &arch, NULL), 0);
	cr_expect_eq(bpf, NULL);
	cr_expect_eq(len, 0);
	cr_expect_eq(arch, cpol_seccomp_native_arch());
}

static void write_blob(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* The no-network program, exported to a file. */
static const char *none_blob(void)
{
	static char path[256];
	snprintf(path, sizeof path, "/tmp/%.200s.bpf", sb_unique("cpol-sbtest-bpf"));
	void *bpf;
	size_t len;
	uint32_t arch;
	cr_assert_eq(cpol_seccomp_export(CPOL_NET_NONE, 0, &bpf, &len, &arch, NULL), 0);
	write_blob(path, bpf, len);
	free(bpf);
	return path;
}

Test(seccomp_export, a_prebuilt_program_is_what_the_child_loads)
{
	const char *blob = none_blob();
	/* the spec says outbound, but the prebuilt no-network program is loaded:
	 * UDP is refused, which only that program does */
	/* (a folder write root: a filter without CPOL_SECCOMP_READONLY fits) */
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--write", "/tmp", "--net",
	                     "outbound", "--bpf", blob, "--", sb_prog("sbprobe"), "socket", "udp",
	                     NULL), 1, "%s", out);
	cr_expect(strstr(out, "EPERM"), "%s", out);
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--write", "/tmp", "--net",
	                     "outbound", "--bpf", blob, "--", "grep", "Seccomp:", "/proc/self/status",
	                     NULL), 0, "%s", out);
	cr_expect(strstr(out, "2"), "%s", out);
	unlink(blob);
}

Test(seccomp_export, a_program_for_another_arch_is_rebuilt)
{
	const char *blob = none_blob();
	char arch[32];
	snprintf(arch, sizeof arch, "0x%x", (unsigned)AUDIT_ARCH_I386);
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--report", "--read", "/",
	                     "--net", "outbound", "--bpf", blob, "--bpf-arch", arch, "--",
	                     sb_prog("sbprobe"), "socket", "udp", NULL), 0, "%s", out);
	cr_expect(strstr(out, "built one"), "%s", out);
	/* and the rebuilt program still refuses the always-refused calls */
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--net",
	                     "outbound", "--bpf", blob, "--bpf-arch", arch, "--",
	                     sb_prog("sbprobe"), "io_uring", NULL), 1, "%s", out);
	unlink(blob);
}

Test(seccomp_export, broken_programs_are_refused)
{
	struct sock_filter ok[2] = { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
	                             BPF_STMT(BPF_RET | BPF_K, 0x7fff0000) };
	cpol_error err = { 0 };
	cr_expect_eq(cpol_seccomp_check(ok, sizeof ok, &err), 0, "%s", err.msg);
	cr_expect_eq(cpol_seccomp_check(ok, 7, &err), -1);
	cr_expect(strstr(err.msg, "multiple of 8"), "%s", err.msg);
	cr_expect_eq(cpol_seccomp_check(ok, 0, &err), -1);
	cr_expect_eq(cpol_seccomp_check(NULL, 8, &err), -1);

	struct sock_filter *big = calloc(4097, sizeof *big);
	big[4096] = ok[1];
	cr_expect_eq(cpol_seccomp_check(big, 4097 * sizeof *big, &err), -1);
	cr_expect(strstr(err.msg, "4096"), "%s", err.msg);
	free(big);

	struct sock_filter jump[2] = { BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 5),
	                               BPF_STMT(BPF_RET | BPF_K, 0) };
	cr_expect_eq(cpol_seccomp_check(jump, sizeof jump, &err), -1);
	cr_expect(strstr(err.msg, "out of bounds"), "%s", err.msg);
	struct sock_filter noret[1] = { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0) };
	cr_expect_eq(cpol_seccomp_check(noret, sizeof noret, &err), -1);

	/* and through prepare: the command never runs */
	char path[256];
	snprintf(path, sizeof path, "/tmp/%.200s.bpf", sb_unique("cpol-sbtest-bad"));
	write_blob(path, ok, 7);
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--bpf", path, "--",
	                     "echo", "RAN", NULL), 125, "%s", out);
	cr_expect_not(strstr(out, "RAN"), "%s", out);
	unlink(path);
}

/* ---- environment scrub --------------------------------------------------- */

Test(env_scrub, every_entry_is_removed_and_kept_when_named)
{
	const char *names[256];
	int prefix[256];
	size_t n = cpol_env_scrub_table(names, prefix, 256);
	cr_assert_gt(n, 40);
	cr_assert_leq(n, 256);
	for (size_t i = 0; i < n; i++) {
		char var[128], entry[160];
		snprintf(var, sizeof var, "%s%s", names[i], prefix[i] ? "SOMETHING" : "");
		snprintf(entry, sizeof entry, "%s=value", var);
		char *env[] = { "HOME=/root", entry, "PATH=/usr/bin", NULL };
		char removed[256];
		cpol_error err = { 0 };
		char **e = cpol_env_scrub(env, NULL, 0, removed, sizeof removed, &err);
		cr_assert_not_null(e, "%s", err.msg);
		cr_expect_str_eq(e[0], "HOME=/root", "%s", var);
		cr_expect_str_eq(e[1], "PATH=/usr/bin", "%s", var);
		cr_expect_null(e[2], "%s was kept", var);
		cr_expect_str_eq(removed, var);
		cpol_env_free(e);

		const char *keep[] = { "OTHER", var };
		e = cpol_env_scrub(env, keep, 2, removed, sizeof removed, &err);
		cr_assert_not_null(e);
		cr_expect_str_eq(e[1], entry, "%s was removed although kept", var);
		cr_expect_str_eq(removed, "");
		cpol_env_free(e);
	}
}

Test(env_scrub, the_ones_the_design_names_are_in_the_table)
{
	static const char *const must[] = {
		"LD_PRELOAD", "LD_AUDIT", "LD_LIBRARY_PATH", "LD_DEBUG", "BASH_ENV", "ENV",
		"PROMPT_COMMAND", "SHELLOPTS", "BASHOPTS", "PS4", "BASH_FUNC_ls%%",
		"GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0", "GIT_CONFIG_PARAMETERS",
		"GIT_CONFIG_GLOBAL", "GIT_EXEC_PATH", "GIT_EXTERNAL_DIFF", "GIT_SSH",
		"GIT_SSH_COMMAND", "GIT_ASKPASS", "SSH_ASKPASS", "GIT_PAGER", "PAGER", "MANPAGER",
		"LESSOPEN", "LESSCLOSE", "EDITOR", "VISUAL", "GIT_EDITOR", "GIT_TEMPLATE_DIR",
		"PYTHONSTARTUP", "PYTHONPATH", "PYTHONHOME", "PYTHONINSPECT", "NODE_OPTIONS",
		"NODE_PATH", "PERL5OPT", "PERL5LIB", "PERLLIB", "RUBYOPT", "RUBYLIB",
		"JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "GCONV_PATH", "LUA_INIT_5_4",
		"XDG_CONFIG_HOME", "XDG_CONFIG_DIRS", "XDG_DATA_HOME", "GIT_DIR", "GIT_WORK_TREE",
		"GIT_COMMON_DIR", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_SSH_VARIANT",
		"GIT_ALLOW_PROTOCOL", "GIT_CONFIG_NOSYSTEM", "GIT_CONFIG_SYSTEM", "PYTHONUSERBASE",
		"GNUPGHOME", "KUBECONFIG", "AWS_CONFIG_FILE", "DOCKER_CONFIG", "PIP_CONFIG_FILE",
		"NPM_CONFIG_USERCONFIG", "npm_config_script_shell", "GEM_HOME", "RUSTC_WRAPPER",
		"CDPATH",
	};
	for (size_t i = 0; i < sizeof must / sizeof must[0]; i++) {
		char entry[128];
		snprintf(entry, sizeof entry, "%s=1", must[i]);
		char *env[] = { entry, NULL };
		char **e = cpol_env_scrub(env, NULL, 0, NULL, 0, NULL);
		cr_assert_not_null(e);
		cr_expect_null(e[0], "%s is not scrubbed", must[i]);
		cpol_env_free(e);
	}
}

Test(env_scrub, a_pinned_variable_replaces_or_joins)
{
	char *env[] = { "HOME=/ws/home", "PATH=/bin", NULL };
	char **e = cpol_env_scrub(env, NULL, 0, NULL, 0, NULL);
	cr_assert_not_null(e);
	cr_assert_eq(cpol_env_pin(&e, "HOME=/root", NULL), 0);
	cr_assert_eq(cpol_env_pin(&e, "TMPDIR=/tmp", NULL), 0);
	cr_assert_str_eq(e[0], "HOME=/root");
	cr_assert_str_eq(e[1], "PATH=/bin");
	cr_assert_str_eq(e[2], "TMPDIR=/tmp");
	cr_assert_null(e[3]);
	cpol_env_free(e);
}

Test(env_scrub, harmless_variables_and_odd_entries_stay)
{
	char *env[] = { "HOME=/root", "LANG=C.UTF-8", "TERM=xterm", "MALLOC_ARENA_MAX=2",
	                "LD", "XLD_PRELOAD=1", "EDITORIAL=1", "PATH=/bin", "GIT_AUTHOR_NAME=x",
	                "PS1X=1", "NOEQUALS", NULL };
	char removed[64] = "junk";
	char **e = cpol_env_scrub(env, NULL, 0, removed, sizeof removed, NULL);
	cr_assert_not_null(e);
	size_t n = 0;
	while (e[n]) {
		cr_expect_str_eq(e[n], env[n]);
		n++;
	}
	cr_expect_eq(n, 11);
	cr_expect_str_eq(removed, "");
	cpol_env_free(e);
	/* an entry without "=" but with a scrubbed name goes too */
	char *odd[] = { "LD_PRELOAD", "BASH_ENV", NULL };
	e = cpol_env_scrub(odd, NULL, 0, removed, sizeof removed, NULL);
	cr_expect_null(e[0]);
	cr_expect_str_eq(removed, "LD_PRELOAD,BASH_ENV");
	cpol_env_free(e);
	e = cpol_env_scrub(NULL, NULL, 0, NULL, 0, NULL);
	cr_assert_not_null(e);
	cr_expect_null(e[0]);
	cpol_env_free(e);
}

Test(env_scrub, the_removed_list_is_truncated_at_a_name)
{
	char *env[] = { "LD_PRELOAD=1", "BASH_ENV=2", "PYTHONPATH=3", "NODE_OPTIONS=4", NULL };
	char removed[24];
	char **e = cpol_env_scrub(env, NULL, 0, removed, sizeof removed, NULL);
	cr_expect_str_eq(removed, "LD_PRELOAD,BASH_ENV...");
	cpol_env_free(e);
	char tiny[4];
	e = cpol_env_scrub(env, NULL, 0, tiny, sizeof tiny, NULL);
	cr_expect_str_eq(tiny, "...");
	cpol_env_free(e);
}

Test(env_scrub, a_scrubbed_bash_env_does_not_run)
{
	char script[256];
	/* not in /tmp: the sandbox shows its own private /tmp */
	snprintf(script, sizeof script, "/var/tmp/%.200s.sh", sb_unique("cpol-sbtest-bashenv"));
	sb_write(script, "echo PWNED\n");
	setenv("BASH_ENV", script, 1);
	/* control: without the scrub bash runs it */
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--", "bash", "-c",
	                     "true", NULL), 0);
	cr_expect(strstr(out, "PWNED"), "control: %s", out);
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--report", "--scrub", "--read",
	                     "/", "--", "bash", "-c", "true", NULL), 0, "%s", out);
	cr_expect_not(strstr(out, "PWNED"), "%s", out);
	cr_expect(strstr(out, "removed=BASH_ENV"), "%s", out);
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--scrub", "--keep", "BASH_ENV",
	                     "--read", "/", "--", "bash", "-c", "true", NULL), 0);
	cr_expect(strstr(out, "PWNED"), "kept: %s", out);
	unsetenv("BASH_ENV");
	unlink(script);
}

/* The policy follows `cd sub` into the working folder's sub: with CDPATH
 * scrubbed, the shell goes there too, not to another folder's sub. */
Test(env_scrub, a_scrubbed_cdpath_does_not_move_cd)
{
	char other[256], sub[300];
	snprintf(other, sizeof other, "/var/tmp/%.200s", sb_unique("cpol-sbtest-cdpath"));
	snprintf(sub, sizeof sub, "%s/etc", other);
	cr_assert_eq(mkdir(other, 0700), 0);
	cr_assert_eq(mkdir(sub, 0700), 0);
	setenv("CDPATH", other, 1);
	/* control: without the scrub, cd etc lands in CDPATH's etc */
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--", "sh", "-c",
	                     "cd etc && pwd", NULL), 0);
	cr_expect(strstr(out, sub), "control: %s", out);
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--report", "--scrub", "--read", "/",
	                     "--", "sh", "-c", "cd / && cd etc && pwd", NULL), 0, "%s", out);
	cr_expect_not(strstr(out, sub), "%s", out);
	cr_expect(strstr(out, "removed=CDPATH"), "%s", out);
	unsetenv("CDPATH");
	rmdir(sub);
	rmdir(other);
}

/* ---- what prepare reports ------------------------------------------------ */

Test(report, this_kernel_enforces_everything)
{
	int abi = cpol_landlock_abi();
	cr_assert_geq(abi, 6, "these tests need Landlock ABI >= 6 (have %d)", abi);
	const char *reads[] = { "/" }, *writes[] = { "/tmp" };
	uint16_t ports[] = { 443 };
	struct cpol_sandbox_spec spec = {
		.read_roots = reads, .nread = 1, .write_roots = writes, .nwrite = 1,
		.net = CPOL_NET_CONNECT, .connect_ports = ports, .nconnect = 1, .require = 1,
	};
	struct cpol_sandbox_report rep;
	cpol_error err = { 0 };
	struct cpol_sandbox *sb = cpol_sandbox_prepare(&spec, &rep, &err);
	cr_assert_not_null(sb, "%s", err.msg);
	cr_expect_eq(rep.landlock_abi, abi);
	cr_expect(rep.fs_enforced && rep.net_enforced && rep.scope_enforced);
	cr_expect(rep.seccomp_enforced && rep.caps_dropped);
	cr_expect_eq(rep.protect_enforced, 0, "nothing to protect");
	cr_expect_str_eq(rep.degraded, "");
	cpol_sandbox_free(sb);
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--require", "--read", "/",
	                     "--", "true", NULL), 0, "%s", out);
}

Test(report, bad_specs_are_refused)
{
	const char *rel[] = { "relative/path" };
	struct cpol_sandbox_spec spec = { .read_roots = rel, .nread = 1 };
	cpol_error err = { 0 };
	cr_expect_null(cpol_sandbox_prepare(&spec, NULL, &err));
	cr_expect(strstr(err.msg, "absolute"), "%s", err.msg);
	struct cpol_sandbox_spec bad_net = { .net = (enum cpol_net_mode)7 };
	cr_expect_null(cpol_sandbox_prepare(&bad_net, NULL, &err));
	struct cpol_sandbox_spec no_list = { .nwrite = 2 };
	cr_expect_null(cpol_sandbox_prepare(&no_list, NULL, &err));
}

static const char *degraded(int abi, enum cpol_net_mode net)
{
	static char buf[512];
	struct cpol_sandbox_spec spec = { .net = net };
	buf[0] = '\0';
	cpol_landlock_degraded(abi, &spec, buf, sizeof buf);
	return buf;
}

Test(report, older_abis_say_what_is_not_enforced)
{
	cr_expect(strstr(degraded(0, CPOL_NET_NONE), "Landlock unavailable"));
	cr_expect(strstr(degraded(1, CPOL_NET_NONE), "truncate"));
	cr_expect(strstr(degraded(3, CPOL_NET_OUTBOUND), "TCP bind not restricted"));
	cr_expect(strstr(degraded(3, CPOL_NET_CONNECT), "TCP connect and bind"));
	cr_expect_not(strstr(degraded(3, CPOL_NET_NONE), "TCP"), "seccomp covers TCP without network");
	cr_expect_not(strstr(degraded(3, CPOL_NET_ANY), "TCP"));
	cr_expect(strstr(degraded(4, CPOL_NET_ANY), "ioctl"));
	cr_expect(strstr(degraded(5, CPOL_NET_ANY), "scoped"));
	cr_expect_not(strstr(degraded(5, CPOL_NET_ANY), "ioctl"));
	cr_expect_str_eq(degraded(6, CPOL_NET_CONNECT), "");
	cr_expect_str_eq(degraded(7, CPOL_NET_OUTBOUND), "");
}

Test(report, trusted_enforces_nothing_and_degrades_nothing)
{
	struct cpol_sandbox_spec spec = { .trusted = 1, .require = 1 };
	struct cpol_sandbox_report rep;
	cpol_error err = { 0 };
	struct cpol_sandbox *sb = cpol_sandbox_prepare(&spec, &rep, &err);
	cr_assert_not_null(sb, "%s", err.msg);
	cr_expect_eq(rep.fs_enforced + rep.seccomp_enforced + rep.caps_dropped, 0);
	cr_expect_str_eq(rep.degraded, "");
	cpol_sandbox_free(sb);
}

/* With no folder to write, the filter refuses metadata changes (root is
 * held without the read-only mount view; the mount namespace that hides
 * services' UNIX sockets makes no view either). */
Test(seccomp_export, without_folder_roots_metadata_changes_fail)
{
	static const char *const calls[] = { "chmod 0644 /etc/hostname", "chown 0:0 /etc/hostname",
	                                     "touch -c -d 2001-01-01 /etc/hostname",
	                                     "setfattr -n user.x -v y /etc/hostname 2>/dev/null || "
	                                     "python3 -c \"import os; os.setxattr('/etc/hostname','user.x',b'y')\"" };
	for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
		int rc = sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--write", "/dev/null", "--",
		                 "sh", "-c", calls[i], NULL);
		cr_expect_neq(rc, 0, "%s succeeded: %s", calls[i], out);
	}
	void *bpf;
	size_t len;
	uint32_t arch;
	cr_assert_eq(cpol_seccomp_export(CPOL_NET_NONE, CPOL_SECCOMP_READONLY, &bpf, &len, &arch, NULL), 0);
	void *plain;
	size_t plen;
	cr_assert_eq(cpol_seccomp_export(CPOL_NET_NONE, 0, &plain, &plen, &arch, NULL), 0);
	cr_expect_gt(len, plen, "the read-only filter has no more rules");
	free(bpf);
	free(plain);
}
