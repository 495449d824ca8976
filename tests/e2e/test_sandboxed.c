/* tests/e2e/test_sandboxed.c -- the sandbox as the boundary, with the real
 * workspace-write profile: build and test commands no rule knows (make with
 * the workspace's Makefile, the workspace's ./build.sh) run confined without
 * asking (--approve=never, no terminal), and still cannot write outside the
 * writable roots (a root-owned folder outside: EACCES/EPERM) nor reach a
 * real listener on 127.0.0.1; deleting the workspace asks however its path
 * is spelled, and so do commands the policy cannot see whole; a glob that
 * leads outside runs confined and the kernel refuses its writes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/e2e/e2e.h"

static char ws[256], outside[256], img[600];
static struct e2e_out out;

static void setup(void)
{
	e2e_tmpdir("/tmp", ws);
	e2e_tmpdir("/var/tmp", outside); /* root-owned, outside every writable root */
	/* the image must lie outside the writable roots: copy it next to `outside` */
	char src[512], cmd[1400];
	const char *b = getenv("top_builddir");
	snprintf(src, sizeof src, "%s/stdlib-policies/workspace-write.bin", b ? b : ".");
	snprintf(img, sizeof img, "%s/ww.bin", outside);
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", src, img);
	cr_assert_eq(system(cmd), 0, "no %s (run make)", src);
}

static void teardown(void)
{
	e2e_rm_rf(ws);
	e2e_rm_rf(outside);
}

TestSuite(sandboxed, .init = setup, .fini = teardown);

static void run(const char *cwd, char *const *cmd)
{
	char *argv[32];
	int n = 0;
	argv[n++] = (char *)e2e_codexrun();
	argv[n++] = "--audit=none";
	argv[n++] = "-p";
	argv[n++] = img;
	argv[n++] = "-w";
	argv[n++] = ws;
	argv[n++] = "--approve=never";
	argv[n++] = "--";
	for (int i = 0; cmd[i] && n < 31; i++)
		argv[n++] = cmd[i];
	argv[n] = NULL;
	e2e_run(cwd, argv, &out);
}

Test(sandboxed, make_with_the_workspace_makefile_runs_confined_without_asking)
{
	char path[512], file[600];
	snprintf(path, sizeof path, "%s/Makefile", ws);
	snprintf(file, sizeof file, "%s/escape.txt", outside);
	char text[1400];
	snprintf(text, sizeof text,
	         "all:\n\techo built > built.txt\n\t-echo no > %s\n", file);
	e2e_write_file(path, text);
	char *cmd[] = { "make", "-s", NULL };
	run(ws, cmd);
	cr_assert_eq(out.status, 0, "make: %d\n%s", out.status, out.err);
	snprintf(path, sizeof path, "%s/built.txt", ws);
	cr_expect(e2e_exists(path), "make wrote nothing in the workspace");
	cr_expect(!e2e_exists(file), "make wrote outside the writable roots");
	/* EACCES/EPERM from Landlock, or EROFS where the mount namespace
	 * already shows the folder read-only */
	cr_expect(strstr(out.err, "Permission denied") || strstr(out.err, "not permitted") ||
	          strstr(out.err, "Read-only file system"),
	          "the write outside was not refused by the kernel: %s", out.err);
}

Test(sandboxed, the_workspace_script_runs_confined_and_reaches_no_listener)
{
	int port = e2e_listen();
	char path[512], file[600], text[2048];
	snprintf(path, sizeof path, "%s/build.sh", ws);
	snprintf(file, sizeof file, "%s/escape.txt", outside);
	snprintf(text, sizeof text,
	         "#!/bin/bash\n"
	         "echo ok > out.txt\n"
	         "if echo no > %s; then echo WROTE-OUTSIDE; fi\n"
	         "if exec 3<>/dev/tcp/127.0.0.1/%d; then echo CONNECTED; fi\n"
	         "exit 0\n", file, port);
	e2e_write_file(path, text);
	cr_assert_eq(chmod(path, 0755), 0);
	int before = e2e_accepted();
	char *cmd[] = { "./build.sh", NULL };
	run(ws, cmd);
	cr_assert_eq(out.status, 0, "./build.sh: %d\n%s", out.status, out.err);
	snprintf(path, sizeof path, "%s/out.txt", ws);
	cr_expect(e2e_exists(path), "the script wrote nothing in the workspace");
	cr_expect(!strstr(out.out, "WROTE-OUTSIDE") && !e2e_exists(file), "the script wrote outside");
	cr_expect(!strstr(out.out, "CONNECTED"), "the script connected to 127.0.0.1:%d", port);
	usleep(100 * 1000);
	cr_expect_eq(e2e_accepted(), before, "the listener accepted a connection");

	/* the same through bash: a script file is the workspace's code */
	char *bash[] = { "bash", "build.sh", NULL };
	run(ws, bash);
	cr_expect_eq(out.status, 0, "bash build.sh: %d\n%s", out.status, out.err);
}

/* --approve=never refuses what asks: status 126, nothing deleted. */
static void expect_refused(const char *cwd, char *const *cmd)
{
	run(cwd, cmd);
	cr_expect_eq(out.status, 126, "%s %s: status %d, %s", cmd[0], cmd[1] ? cmd[1] : "", out.status, out.err);
	cr_expect(strstr(out.err, "not approved"), "%s", out.err);
	cr_expect(e2e_exists(ws), "the workspace is gone");
}

Test(sandboxed, deleting_the_workspace_asks_however_spelled)
{
	char sub[300], keep[320], up[300], slash[300];
	snprintf(sub, sizeof sub, "%s/src", ws);
	cr_assert_eq(mkdir(sub, 0755), 0);
	snprintf(keep, sizeof keep, "%s/keep.c", sub);
	e2e_write_file(keep, "int x;\n");
	snprintf(up, sizeof up, "../%s", strrchr(ws, '/') + 1);
	snprintf(slash, sizeof slash, "%s/", ws);
	char *a[] = { "rm", "-rf", ws, NULL };
	char *b[] = { "rm", "-rf", slash, NULL };
	char *c[] = { "rm", "-rf", up, NULL };
	char *d[] = { "rm", "-r", ".", NULL };
	char *e[] = { "rm", "-rf", "src/..", NULL };
	char *f[] = { "sh", "-c", "rm -rf \"$PWD\"", NULL };
	expect_refused(ws, a);
	expect_refused(ws, b);
	expect_refused(ws, c);
	expect_refused(ws, d);
	expect_refused(ws, e);
	expect_refused(ws, f);
	cr_expect(e2e_exists(keep), "a file of the workspace was deleted");
	/* a part of it runs confined */
	char *g[] = { "rm", "-rf", "src", NULL };
	run(ws, g);
	cr_expect_eq(out.status, 0, "rm -rf src: %d %s", out.status, out.err);
	cr_expect(!e2e_exists(sub));
}

/* A glob the policy cannot read runs confined where the only rule it might
 * meet is "writes outside the writable roots": the kernel holds that line.
 * build is a link to a folder outside; rm of the .o files in it runs
 * unasked (a glob), and the files there survive it. */
Test(sandboxed, a_glob_that_leads_outside_runs_confined_and_the_kernel_refuses_it)
{
	char o1[600], o2[600], link[512];
	snprintf(o1, sizeof o1, "%s/a.o", outside);
	snprintf(o2, sizeof o2, "%s/b.o", outside);
	e2e_write_file(o1, "x\n");
	e2e_write_file(o2, "x\n");
	snprintf(link, sizeof link, "%s/build", ws);
	cr_assert_eq(symlink(outside, link), 0);
	char *cmd[] = { "sh", "-c", "rm build/*.o", NULL };
	run(ws, cmd);
	cr_expect_neq(out.status, 126, "asked instead of running confined: %s", out.err);
	cr_expect(e2e_exists(o1) && e2e_exists(o2), "rm deleted files outside the writable roots");
	cr_expect(strstr(out.err, "Permission denied") || strstr(out.err, "not permitted") ||
	          strstr(out.err, "Read-only file system"),
	          "the delete outside was not refused by the kernel: %s", out.err);
}

Test(sandboxed, what_the_policy_cannot_see_whole_asks)
{
	char *a[] = { "sh", "-c", "make $TARGET", NULL };
	char *b[] = { "bash", "-c", "eval \"$(cat cmd.txt)\"", NULL };
	char *c[] = { "sh", "-c", "cat build.sh | sh", NULL };
	char *d[] = { "git", "-c", "core.pager=sh -c id", "log", NULL };
	char *e[] = { "awk", "BEGIN { system(\"id\") }", NULL };
	expect_refused(ws, a);
	expect_refused(ws, b);
	expect_refused(ws, c);
	expect_refused(ws, d);
	expect_refused(ws, e);
}
