/* tests/e2e/test_env.c -- environment indirections, on the real codexrun
 * under the workspace-write profile: XDG_CONFIG_HOME (or a HOME inside a
 * writable root) pointing git at a planted config with core.fsmonitor runs
 * nothing, and an inherited TMPDIR outside is neither written nor passed on. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/e2e/e2e.h"

static char ws[256], outside[256], auditopt[300], marker[400];
static struct e2e_out out;

static void setup(void)
{
	e2e_tmpdir("/var/tmp", ws);
	e2e_tmpdir("/var/tmp", outside);
	snprintf(auditopt, sizeof auditopt, "--audit=%s/audit.jsonl", outside);
	snprintf(marker, sizeof marker, "%s/MARKER", ws);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "git init -q '%s'", ws);
	cr_assert_eq(system(cmd), 0);
}

static void teardown(void)
{
	e2e_rm_rf(ws);
	e2e_rm_rf(outside);
}

TestSuite(env, .init = setup, .fini = teardown);

/* A git config whose fsmonitor hook would leave the marker. */
static void plant(const char *path)
{
	char text[600];
	snprintf(text, sizeof text, "[core]\n\tfsmonitor = \"touch %s; false\"\n", marker);
	e2e_write_file(path, text);
}

static void run_env(const char *var, const char *script)
{
	char *argv[] = { "/usr/bin/env", (char *)var, (char *)e2e_codexrun(), auditopt, "--profile", "workspace-write",
		         "--approve=always", "--", "sh", "-c", (char *)script, NULL };
	e2e_run(ws, argv, &out);
}

Test(env, xdg_config_home_cannot_point_git_at_a_planted_config)
{
	char dir[400], var[450];
	snprintf(dir, sizeof dir, "%s/cfg", ws);
	cr_assert_eq(mkdir(dir, 0700), 0);
	strcat(dir, "/git");
	cr_assert_eq(mkdir(dir, 0700), 0);
	strcat(dir, "/config");
	plant(dir);
	snprintf(var, sizeof var, "XDG_CONFIG_HOME=%s/cfg", ws);
	run_env(var, "git status >/dev/null; echo ${XDG_CONFIG_HOME:-unset}");
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_assert_str_eq(out.out, "unset\n");
	cr_assert_not(e2e_exists(marker), "the planted fsmonitor ran");
}

Test(env, a_home_inside_a_writable_root_is_replaced)
{
	/* HOME in /tmp, which workspace-write writes */
	char home[256], cfg[400], var[300];
	e2e_tmpdir("/tmp", home);
	snprintf(cfg, sizeof cfg, "%s/.gitconfig", home);
	plant(cfg);
	snprintf(var, sizeof var, "HOME=%s", home);
	run_env(var, "git status >/dev/null; echo $HOME");
	e2e_rm_rf(home);
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_assert(strcmp(out.out, "") && !strstr(out.out, home), "HOME stayed: %s", out.out);
	cr_assert_not(e2e_exists(marker), "the planted fsmonitor ran");
}

Test(env, an_inherited_tmpdir_outside_is_not_writable)
{
	char var[300], dfile[400], script[600], target[400];
	snprintf(var, sizeof var, "TMPDIR=%s", outside);
	/* the path comes from a file, so that the decision cannot see it:
	 * the sandbox must hold */
	snprintf(dfile, sizeof dfile, "%s/dfile", ws);
	e2e_write_file(dfile, outside);
	snprintf(script, sizeof script, "echo $TMPDIR; echo x > \"$(cat %s)/planted\"; echo tried", dfile);
	run_env(var, script);
	/* the command's TMPDIR is the run's private folder, never the inherited one */
	cr_assert(strstr(out.out, "\ntried") && !strstr(out.out, outside), "TMPDIR was passed on: %s", out.out);
	snprintf(target, sizeof target, "%s/planted", outside);
	cr_assert_not(e2e_exists(target), "the command wrote into the inherited TMPDIR");
}
