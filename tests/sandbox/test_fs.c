/* tests/sandbox/test_fs.c -- Landlock's filesystem rules (and the read-only
 * view) as seen by real commands run as root: nothing outside the write roots
 * is written, truncated, renamed, linked, created through a symlink or
 * chmod'ed; inside the workspace everything works. Every probe in /etc and
 * /usr has a unique name and is checked afterwards on disk. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/sandbox/harness.h"

static char *ws;
static char probe[256], probe2[300], ws_path[1024], out[8192];

static void setup(void)
{
	ws = sb_mkws("fs");
	snprintf(probe, sizeof probe, "/etc/%.200s", sb_unique("cpol-probe"));
	snprintf(probe2, sizeof probe2, "%s.new", probe);
	sb_write(probe, "orig\n");
	chmod(probe, 0644);
}

static void teardown(void)
{
	unlink(probe);
	unlink(probe2);
	sb_rmrf(ws);
}

TestSuite(fs, .init = setup, .fini = teardown, .timeout = 60);

static const char *in_ws(const char *name)
{
	snprintf(ws_path, sizeof ws_path, "%.500s/%.500s", ws, name);
	return ws_path;
}

/* sh -c SCRIPT in the workspace-write sandbox. */
static int sandboxed_sh(const char *script)
{
	return sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--write", ws,
	               "--write", "/dev/null", "--protect", ".git", "--net", "none", "--",
	               "sh", "-c", script, NULL);
}

/* The script made from fmt must fail in the sandbox. */
__attribute__((format(printf, 1, 2))) static void refused_sh(const char *fmt, ...)
{
	char script[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(script, sizeof script, fmt, ap);
	va_end(ap);
	cr_expect_neq(sandboxed_sh(script), 0, "%s: %s", script, out);
}

static void probe_unchanged(void)
{
	struct stat st;
	cr_assert_eq(lstat(probe, &st), 0, "%s is gone", probe);
	cr_expect(S_ISREG(st.st_mode));
	cr_expect_eq(st.st_mode & 07777, 0644, "mode changed to %o", st.st_mode & 07777);
	cr_expect_eq(st.st_nlink, 1, "%s got a hard link", probe);
	cr_expect_str_eq(sb_read(probe), "orig\n");
	cr_expect_not(sb_exists(probe2), "%s was created", probe2);
}

Test(fs, write_into_etc_fails)
{
	refused_sh("echo pwn > %s", probe2);
	refused_sh("echo pwn >> %s", probe);
	probe_unchanged();
}

Test(fs, write_into_usr_fails)
{
	char path[256];
	snprintf(path, sizeof path, "/usr/%.200s", sb_unique("cpol-probe"));
	refused_sh("touch %s", path);
	cr_expect_not(sb_exists(path), "%s was created", path);
	unlink(path);
}

Test(fs, truncate_in_etc_fails)
{
	refused_sh("truncate -s 0 %s", probe);
	probe_unchanged();
}

Test(fs, rename_in_etc_fails)
{
	refused_sh("mv %s %s", probe, probe2);
	probe_unchanged();
	/* out of /etc into the workspace: the source must stay */
	refused_sh("mv %s %s", probe, in_ws("moved"));
	probe_unchanged();
}

Test(fs, hard_link_from_etc_fails)
{
	refused_sh("ln %s %s", probe, probe2);
	/* a link in the workspace would make /etc/... writable through it */
	refused_sh("ln %s %s", probe, in_ws("hardlink"));
	cr_expect_not(sb_exists(in_ws("hardlink")));
	probe_unchanged();
}

Test(fs, write_through_a_symlink_fails)
{
	char link[1024];
	snprintf(link, sizeof link, "%s", in_ws("link"));
	cr_assert_eq(symlink(probe, link), 0);
	refused_sh("echo pwn > %s", link);
	/* a dangling symlink into /etc: following it must not create the file */
	cr_assert_eq(symlink(probe2, in_ws("dangling")), 0);
	refused_sh("echo pwn > %s/dangling", ws);
	/* and the sandbox cannot make such a link and follow it either */
	refused_sh("ln -s %s %s/mine && echo pwn > %s/mine", probe, ws, ws);
	probe_unchanged();
}

Test(fs, chmod_chown_and_utimes_in_etc_fail)
{
	refused_sh("chmod 666 %s", probe);
	refused_sh("chown 0:0 %s", probe);
	struct stat before, after;
	cr_assert_eq(stat(probe, &before), 0);
	refused_sh("touch -d 2001-01-01 %s", probe);
	cr_assert_eq(stat(probe, &after), 0);
	cr_expect_eq(before.st_mtime, after.st_mtime, "mtime changed");
	probe_unchanged();
}

Test(fs, the_workspace_is_writable)
{
	char script[4096];
	snprintf(script, sizeof script,
	         "set -e; cd %s; echo hello > f; mkdir -p d/e; echo x > d/e/g; mv f d/f2; "
	         "ln d/f2 hl; ln -s d/f2 sl; truncate -s 2 d/e/g; chmod 600 d/f2; rm hl; "
	         "echo ok > /dev/null", ws);
	cr_expect_eq(sandboxed_sh(script), 0, "%s", out);
	cr_expect_str_eq(sb_read(in_ws("d/f2")), "hello\n");
	cr_expect_str_eq(sb_read(in_ws("d/e/g")), "x\n");
	cr_expect(sb_exists(in_ws("sl")));
	cr_expect_not(sb_exists(in_ws("hl")));
	struct stat st;
	cr_expect_eq(stat(in_ws("d/f2"), &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0600);
}

Test(fs, reading_outside_the_write_roots_works)
{
	cr_expect_eq(sandboxed_sh("cat /etc/hostname /etc/passwd > /dev/null && ls /usr/bin > /dev/null"),
	             0, "%s", out);
}

Test(fs, a_missing_root_is_skipped_with_a_note)
{
	char missing[PATH_MAX];
	snprintf(missing, sizeof missing, "%s", in_ws("not-there"));
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--report", "--read", "/",
	                     "--write", missing, "--", "true", NULL), 0, "%s", out);
	cr_expect(strstr(out, "write root") && strstr(out, "not-there") && strstr(out, "skipped"),
	          "%s", out);
	cr_expect_not(sb_exists(missing));
}

Test(fs, only_the_roots_given_are_reachable)
{
	char bin[PATH_MAX];
	snprintf(bin, sizeof bin, "%s", sb_prog("sbprobe"));
	/* only the probe's directory and the libraries: /etc is neither read
	 * nor written */
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s", bin);
	*strrchr(dir, '/') = '\0';
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", dir, "--read", "/lib",
	                     "--read", "/lib64", "--read", "/usr/lib", "--", bin, "write", probe,
	                     "pwn", NULL), 1, "%s", out);
	/* Landlock's EACCES, or EROFS from the read-only view, which the VFS
	 * checks first */
	cr_expect(strstr(out, "EACCES") || strstr(out, "EROFS"), "%s", out);
	probe_unchanged();
	cr_expect_neq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/usr", "--read", "/lib",
	                      "--read", "/lib64", "--", "cat", probe, NULL), 0, "%s", out);
	cr_expect_not(strstr(out, "orig"), "%s", out);
}

Test(fs, trusted_mode_writes_anywhere)
{
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--trusted", "--", "sh", "-c",
	                     "echo new > \"$0\"", probe2, NULL), 0, "%s", out);
	cr_expect_str_eq(sb_read(probe2), "new\n");
}

Test(fs, landlock_alone_holds_root)
{
	/* --classic-mount has no read-only view: only Landlock stands between
	 * root and the files it owns. Each attack fails with Landlock's errors. */
	char link[1024];
	snprintf(link, sizeof link, "%s", in_ws("to-probe"));
	cr_assert_eq(symlink(probe, link), 0);
	char scripts[6][2048];
	snprintf(scripts[0], sizeof scripts[0], "echo pwn > %s", probe2);
	snprintf(scripts[1], sizeof scripts[1], "echo pwn >> %s", probe);
	snprintf(scripts[2], sizeof scripts[2], "truncate -s 0 %s", probe);
	snprintf(scripts[3], sizeof scripts[3], "mv %s %s", probe, probe2);
	snprintf(scripts[4], sizeof scripts[4], "ln %s %s/hl", probe, ws);
	snprintf(scripts[5], sizeof scripts[5], "echo pwn > %s", link);
	for (int i = 0; i < 6; i++) {
		cr_expect_neq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--classic-mount", "--read",
		                      "/", "--write", ws, "--", "sh", "-c", scripts[i], NULL), 0,
		              "%s: %s", scripts[i], out);
		cr_expect(strstr(out, "Permission denied") || strstr(out, "cross-device"),
		          "%s: %s", scripts[i], out);
		cr_expect_not(strstr(out, "Read-only"), "%s: %s", scripts[i], out);
	}
	cr_expect_not(sb_exists(in_ws("hl")));
	probe_unchanged();
}
