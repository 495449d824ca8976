/* tests/sandbox/test_tmpdir.c -- the run's private temporary folder: tools
 * that spill to a temporary file work in a read-only sandbox (`echo a | tac`),
 * /tmp is an empty private view (as root and as an ordinary user), what the
 * command writes there is not in the real /tmp during or after the run, and
 * the folder is gone when the run ends. With the workspace in /tmp, TMPDIR
 * alone names the folder. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/sandbox/harness.h"

static char out[8192];

TestSuite(tmpdir, .timeout = 60);

/* The folder's outside path, from sbexec --report. */
static const char *reported_tmpdir(void)
{
	static char path[256];
	const char *p = strstr(out, "tmpdir=");
	path[0] = '\0';
	if (p)
		sscanf(p + 7, "%255s", path);
	return path;
}

Test(tmpdir, tac_works_in_a_read_only_sandbox_and_nothing_outlives_the_run)
{
	const char *name = sb_unique("cpol-planted");
	char script[512], planted[300];
	snprintf(script, sizeof script,
	         "echo a | tac && echo TMPDIR=$TMPDIR && ls -A /tmp | wc -l && "
	         "echo x > /tmp/%s && echo y > \"$TMPDIR/%s.2\" && ls /tmp", name, name);
	snprintf(planted, sizeof planted, "/tmp/%s", name);
	const char *uids[] = { NULL, "65534" };
	for (size_t u = 0; u < 2; u++) {
		int rc = uids[u]
		         ? sb_runl(out, sizeof out, sb_prog("sbexec"), "--report", "--uid", uids[u],
		                   "--read", "/", "--write", "/dev/null", "--", "sh", "-c", script, NULL)
		         : sb_runl(out, sizeof out, sb_prog("sbexec"), "--report", "--read", "/",
		                   "--write", "/dev/null", "--", "sh", "-c", script, NULL);
		cr_expect_eq(rc, 0, "uid %s: %s", uids[u] ? uids[u] : "0", out);
		cr_expect(strstr(out, "a\nTMPDIR=/tmp\n0\n"), "uid %s: %s", uids[u] ? uids[u] : "0", out);
		cr_expect(strstr(out, name), "%s", out);
		cr_expect_not(sb_exists(planted), "%s is in the real /tmp", planted);
		const char *dir = reported_tmpdir();
		cr_expect(dir[0] == '/', "no tmpdir reported: %s", out);
		cr_expect_not(sb_exists(dir), "%s outlived the run", dir);
	}
}

Test(tmpdir, a_workspace_in_tmp_gets_tmpdir_only)
{
	char *ws = sb_mkws("tmpdir");
	int rc = sb_runl(out, sizeof out, sb_prog("sbexec"), "--report", "--read", "/", "--write",
	                 ws, "--", "sh", "-c", "echo a | tac && echo TMPDIR=$TMPDIR", NULL);
	cr_expect_eq(rc, 0, "%s", out);
	const char *dir = reported_tmpdir();
	char want[300];
	snprintf(want, sizeof want, "TMPDIR=%s\n", dir);
	cr_expect(dir[0] && strstr(out, want), "%s", out);
	cr_expect(strstr(out, "no private /tmp view"), "%s", out);
	cr_expect_not(sb_exists(dir), "%s outlived the run", dir);
	sb_rmrf(ws);
}
