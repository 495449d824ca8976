/* tests/e2e/test_ownfiles.c -- the sandbox's own ground, on the real
 * codexrun: a policy image inside a writable root of its policy is refused
 * (as the path, through a symlink, through a hard link), an image outside
 * cannot be rewritten by the command, and a workspace that is the root, a
 * system folder, the home folder or no folder is refused unless --trusted. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/e2e/e2e.h"

static const char write_policy[] =
	"policy \"e2e-ownfiles\";\n"
	"sandbox { read \"/\"; write \"$WORKSPACE\", \"/dev/null\"; network none; }\n"
	"default allow;\n";

static char ws[256], outside[256], auditopt[300], img[512];
static struct e2e_out out;

static void setup(void)
{
	e2e_tmpdir("/tmp", ws);
	e2e_tmpdir("/var/tmp", outside);
	snprintf(auditopt, sizeof auditopt, "--audit=%s/audit.jsonl", outside);
	e2e_compile(outside, "outside", write_policy, img);
}

static void teardown(void)
{
	e2e_rm_rf(ws);
	e2e_rm_rf(outside);
}

TestSuite(ownfiles, .init = setup, .fini = teardown);

static void run_with(const char *image, const char *script)
{
	char *argv[] = { (char *)e2e_codexrun(), auditopt, "-p", (char *)image, "--", "sh", "-c", (char *)script, NULL };
	e2e_run(ws, argv, &out);
}

Test(ownfiles, an_image_in_the_workspace_is_refused)
{
	char inside[512], script[600], marker[400];
	e2e_compile(ws, "team", write_policy, inside);
	snprintf(marker, sizeof marker, "%s/ran", ws);
	snprintf(script, sizeof script, "echo ran > %s", marker);
	run_with(inside, script);
	cr_assert_eq(out.status, 125, "%d %s", out.status, out.err);
	cr_assert(strstr(out.err, "policy image") && strstr(out.err, "writable root"), "%s", out.err);
	cr_assert_eq(strchr(out.err, '\n'), out.err + strlen(out.err) - 1, "not one line: %s", out.err);
	cr_assert_not(e2e_exists(marker), "the command ran");
	/* a relative -p names the same file */
	char *argv[] = { (char *)e2e_codexrun(), auditopt, "-p", "team.bin", "--", "sh", "-c", script, NULL };
	e2e_run(ws, argv, &out);
	cr_assert_eq(out.status, 125, "%s", out.err);
	cr_assert_not(e2e_exists(marker));
}

Test(ownfiles, a_symlink_outside_to_an_image_inside_is_refused)
{
	char inside[512], link[400];
	e2e_compile(ws, "team", write_policy, inside);
	snprintf(link, sizeof link, "%s/link.bin", outside);
	cr_assert_eq(symlink(inside, link), 0);
	run_with(link, "echo ran");
	cr_assert_eq(out.status, 125, "%s", out.err);
	cr_assert(strstr(out.err, ws), "the message names the file read: %s", out.err);
	cr_assert_str_empty(out.out);
}

Test(ownfiles, an_image_with_a_second_name_is_refused)
{
	char second[400];
	snprintf(second, sizeof second, "%s/second.bin", ws);
	cr_assert_eq(link(img, second), 0);
	run_with(img, "echo ran");
	cr_assert_eq(out.status, 125, "%s", out.err);
	cr_assert(strstr(out.err, "hard link"), "%s", out.err);
	cr_assert_str_empty(out.out);
}

Test(ownfiles, the_command_cannot_rewrite_an_image_outside)
{
	struct stat before, after;
	cr_assert_eq(stat(img, &before), 0);
	char script[2000];
	snprintf(script, sizeof script, "cp /bin/true '%s'; printf x >> '%s'; rm -f '%s'; echo done", img, img, img);
	run_with(img, script);
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_assert_str_eq(out.out, "done\n");
	cr_assert_eq(stat(img, &after), 0, "the image was removed");
	cr_assert_eq(after.st_size, before.st_size);
	cr_assert_eq(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
	cr_assert_eq(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
	run_with(img, "echo again");
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_assert_str_eq(out.out, "again\n");
}

static void run_ws(const char *workspace, int trusted)
{
	char wopt[600];
	snprintf(wopt, sizeof wopt, "--workspace=%s", workspace);
	/* no log: with --trusted, the workspace / holds it */
	char *argv[] = { (char *)e2e_codexrun(), "--audit=none", "-p", img, wopt, trusted ? "--trusted" : "--approve=never",
		         "--", "echo", "ran", NULL };
	e2e_run(ws, argv, &out);
}

Test(ownfiles, the_root_and_system_folders_are_no_workspace)
{
	static const char *const bad[] = { "/", "/etc", "/etc/ssh", "/usr", "/usr/bin", "/bin", "/var", "/dev",
		                           "/proc", "/sys", "/boot", "/root", "/home", "/tmp" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct stat st;
		if (stat(bad[i], &st) < 0)
			continue;
		run_ws(bad[i], 0);
		cr_assert_eq(out.status, 125, "%s: %d %s", bad[i], out.status, out.err);
		cr_assert(strstr(out.err, "workspace"), "%s: %s", bad[i], out.err);
		cr_assert_str_empty(out.out, "%s: the command ran", bad[i]);
	}
	/* --trusted says it is meant (not / itself: it would hold the image) */
	run_ws("/usr", 1);
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_assert_str_eq(out.out, "ran\n");
}

Test(ownfiles, a_symlink_to_a_system_folder_is_no_workspace)
{
	char link[400];
	snprintf(link, sizeof link, "%s/etc", ws);
	cr_assert_eq(symlink("/etc", link), 0);
	run_ws(link, 0);
	cr_assert_eq(out.status, 125, "%s", out.err);
	cr_assert(strstr(out.err, "/etc"), "%s", out.err);
	cr_assert_str_empty(out.out);
}

Test(ownfiles, a_file_is_no_workspace_even_trusted)
{
	char file[400];
	snprintf(file, sizeof file, "%s/file", ws);
	e2e_write_file(file, "x\n");
	run_ws(file, 0);
	cr_assert_eq(out.status, 125, "%s", out.err);
	cr_assert(strstr(out.err, "not a folder"), "%s", out.err);
	run_ws(file, 1);
	cr_assert_eq(out.status, 125, "%s", out.err);
	cr_assert_str_empty(out.out);
}

Test(ownfiles, the_home_folder_is_no_workspace)
{
	char home[400], sub[420], homeenv[420], wopt[600];
	snprintf(home, sizeof home, "%s/home", ws);
	cr_assert_eq(mkdir(home, 0700), 0);
	snprintf(sub, sizeof sub, "%s/src", home);
	cr_assert_eq(mkdir(sub, 0700), 0);
	snprintf(homeenv, sizeof homeenv, "HOME=%s", home);
	const char *cases[][2] = { { home, "125" }, { ws, "125" }, { sub, "0" } };
	for (int i = 0; i < 3; i++) {
		snprintf(wopt, sizeof wopt, "--workspace=%s", cases[i][0]);
		char *argv[] = { "/usr/bin/env", homeenv, (char *)e2e_codexrun(), auditopt, "-p", img, wopt, "--",
			         "echo", "ran", NULL };
		e2e_run(ws, argv, &out);
		cr_assert_eq(out.status, atoi(cases[i][1]), "%s: %d %s", cases[i][0], out.status, out.err);
	}
}
