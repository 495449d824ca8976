/* tests/e2e/test_path.c -- the PATH codexrun gives the command: a workspace
 * folder (or a relative entry) first in PATH holding its own `ls` and `gzip`
 * never makes them run in place of the system's tools, neither for a bare
 * name in a script nor for a helper an allowed tool runs (tar -z runs gzip).
 * The fakes leave a file behind when they run. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/e2e/e2e.h"

static char ws[256], path[1024];
static struct e2e_out out;

static void fake(const char *dir, const char *name)
{
	char p[600], text[700];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	snprintf(text, sizeof text, "#!/bin/sh\necho fake >%s/ran-%s 2>/dev/null\necho FAKE %s\n", ws, name, name);
	e2e_write_file(p, text);
	cr_assert_eq(chmod(p, 0755), 0);
}

static int ran(const char *name)
{
	char p[600];
	snprintf(p, sizeof p, "%s/ran-%s", ws, name);
	return e2e_exists(p);
}

static void setup(void)
{
	char bin[300];
	e2e_tmpdir("/var/tmp", ws);
	snprintf(bin, sizeof bin, "%s/bin", ws);
	cr_assert_eq(mkdir(bin, 0755), 0);
	fake(bin, "ls");
	fake(bin, "gzip");
	fake(ws, "ls");                 /* for the relative entry "." */
	/* a gzip'd tar made with the system's tools */
	char *argv[] = { "/bin/sh", "-c", "echo hi > f && /bin/tar -cf x.tar f && /bin/gzip -c x.tar > x.tgz", NULL };
	e2e_run(ws, argv, &out);
	cr_assert_eq(out.status, 0, "%s", out.err);
	snprintf(path, sizeof path, "PATH=%s:.::%s", bin, "/usr/local/bin:/usr/bin:/bin");
}

static void teardown(void)
{
	e2e_rm_rf(ws);
}

TestSuite(path, .init = setup, .fini = teardown);

/* codexrun with the planted PATH, a policy that allows ls and tar by
 * rule, bash scripts evaluated, and everything else by default. */
static void run(const char *deflt, const char *approve, char *const cmd[])
{
	char img[512], text[1024];
	snprintf(text, sizeof text,
	         "policy \"e2e-path\";\n"
	         "sandbox { read \"/\"; write \"$WORKSPACE\", \"/dev/null\"; }\n"
	         "default %s;\n"
	         "allow program \"ls\", \"tar\";\n"
	         "rule \"sh\" { when program \"bash\", \"sh\" and arg 1 is \"-c\"; evaluate script arg 2; }\n",
	         deflt);
	/* the image lies outside the workspace, where the command cannot rewrite it */
	char idir[256];
	e2e_tmpdir("/var/tmp", idir);
	e2e_compile(idir, deflt, text, img);
	char self[4096];
	cr_assert(realpath(e2e_codexrun(), self));  /* env runs it in the workspace */
	char *argv[32] = { "/usr/bin/env", path, self, "--audit=none", "-p", img,
	                   "-w", ws, (char *)approve, "--" };
	size_t n = 10;
	for (size_t i = 0; cmd[i] && n < 31; i++)
		argv[n++] = cmd[i];
	argv[n] = NULL;
	e2e_run(ws, argv, &out);
	e2e_rm_rf(idir);
}

Test(path, a_bare_name_in_a_script_never_runs_the_workspace_program)
{
	char *cmd[] = { "bash", "-c", "ls", NULL };
	/* the policy is told PATH holds a writable folder: ls is not allowed by name */
	run("allow", "--explain", cmd);
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_expect(strstr(out.out, "decision: prompt"), "%s", out.out);
	cr_expect(strstr(out.out, "PATH may find this name"), "%s", out.out);
	/* run anyway: the system's ls lists the workspace */
	run("allow", "--approve=always", cmd);
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_expect(strstr(out.out, "x.tgz"), "%s", out.out);
	cr_expect(!strstr(out.out, "FAKE"), "%s", out.out);
	cr_expect(!ran("ls"), "the workspace's ls ran");
	/* refused when nobody approves */
	run("allow", "--approve=never", cmd);
	cr_expect_eq(out.status, 126, "%s", out.err);
	cr_expect(!ran("ls"), "the workspace's ls ran");
}

Test(path, the_command_and_its_helpers_resolve_to_system_programs)
{
	char *ls[] = { "ls", NULL };
	run("prompt", "--approve=never", ls);
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_expect(strstr(out.out, "x.tgz") && !strstr(out.out, "FAKE"), "%s", out.out);
	/* tar -z runs gzip through PATH */
	char *tar[] = { "tar", "-tzf", "x.tgz", NULL };
	run("prompt", "--approve=never", tar);
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_expect(strstr(out.out, "x.tar") || strstr(out.out, "f"), "%s", out.out);
	cr_expect(!ran("gzip"), "the workspace's gzip ran");
	cr_expect(!ran("ls"), "the workspace's ls ran");
	/* what the command sees: the workspace folder last, no relative entries */
	char *show[] = { "bash", "-c", "echo \"$PATH\"", NULL };
	run("allow", "--approve=always", show);
	cr_assert_eq(out.status, 0, "%s", out.err);
	char want[600];
	snprintf(want, sizeof want, "/usr/local/bin:/usr/bin:/bin:%s/bin\n", ws);
	cr_expect_str_eq(out.out, want);
}
