/* tests/e2e/test_exit.c -- codexrun's contract as a wrapper, on the real
 * binary: decisions become 126 (forbidden or refused), 125 (codexrun
 * failed), 127 (not found), the command's own status, 128+N for a signal;
 * SIGINT sent to codexrun reaches the command; the built-in default policy;
 * --explain for the sketch policy's examples. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/e2e/e2e.h"

static const char open_policy[] =
	"policy \"e2e-open\";\n"
	"sandbox { read \"/\"; write \"$WORKSPACE\", \"/dev/null\"; network none; }\n"
	"default allow;\n"
	"forbid program \"forbidden-tool\", \"id\" because \"e2e says no\";\n"
	"rule \"ask\" { when program \"echo\" and arg 1 is \"ask\"; prompt because \"e2e asks\"; }\n";

static char dir[256], audit[256], img[512];
static struct e2e_out out;

static void setup(void)
{
	e2e_tmpdir("/tmp", dir);
	e2e_tmpdir("/var/tmp", audit);
	/* the image outside the workspace, which the policy may write */
	e2e_compile(audit, "open", open_policy, img);
	strcat(audit, "/audit.jsonl");
}

static void teardown(void)
{
	e2e_rm_rf(dir);
	char *slash = strrchr(audit, '/');
	*slash = 0;
	e2e_rm_rf(audit);
}

#define RUN(...) do { \
	char auditopt[300]; \
	snprintf(auditopt, sizeof auditopt, "--audit=%s", audit); \
	char *argv_[] = { (char *)e2e_codexrun(), auditopt, __VA_ARGS__, NULL }; \
	e2e_run(dir, argv_, &out); \
} while (0)

TestSuite(exit_codes, .init = setup, .fini = teardown);

Test(exit_codes, forbidden_is_126_with_the_rule_and_reason)
{
	RUN("-p", img, "--", "id");
	cr_assert_eq(out.status, 126, "%s", out.err);
	cr_assert(strstr(out.err, "e2e says no"), "%s", out.err);
	cr_assert(strstr(out.err, "open.cpol:4:1"), "%s", out.err);
	cr_assert_eq(out.out[0], 0, "the command ran: %s", out.out);
}

Test(exit_codes, prompt_without_a_terminal_is_refused_with_126)
{
	RUN("-p", img, "--", "echo", "ask");
	cr_assert_eq(out.status, 126, "%s", out.err);
	cr_assert(strstr(out.err, "e2e asks"), "%s", out.err);
	cr_assert_str_empty(out.out);
}

Test(exit_codes, approve_never_refuses_and_always_runs)
{
	RUN("-p", img, "--approve=never", "--", "echo", "ask");
	cr_assert_eq(out.status, 126);
	cr_assert_str_empty(out.out);
	RUN("-p", img, "--approve=always", "--", "echo", "ask");
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_assert_str_eq(out.out, "ask\n");
}

Test(exit_codes, not_found_is_127)
{
	RUN("-p", img, "--", "no-such-command-cpol-e2e");
	cr_assert_eq(out.status, 127, "%s", out.err);
	cr_assert(strstr(out.err, "not found"), "%s", out.err);
}

Test(exit_codes, the_commands_own_status_passes_through)
{
	RUN("-p", img, "--", "sh", "-c", "exit 3");
	cr_assert_eq(out.status, 3, "%s", out.err);
	RUN("-p", img, "--", "false");
	cr_assert_eq(out.status, 1, "%s", out.err);
	RUN("-p", img, "--", "echo", "hello");
	cr_assert_eq(out.status, 0);
	cr_assert_str_eq(out.out, "hello\n");
}

Test(exit_codes, a_signal_is_128_plus_n)
{
	RUN("-p", img, "--", "sh", "-c", "kill -KILL $$");
	cr_assert_eq(out.status, 128 + SIGKILL, "%s", out.err);
	RUN("-p", img, "--", "sh", "-c", "kill -TERM $$");
	cr_assert_eq(out.status, 128 + SIGTERM, "%s", out.err);
}

Test(exit_codes, a_bad_image_is_125)
{
	char bad[300];
	snprintf(bad, sizeof bad, "%s/bad.bin", dir);
	e2e_write_file(bad, "this is not a policy image, just text that is long enough");
	RUN("-p", bad, "--", "true");
	cr_assert_eq(out.status, 125, "%s", out.err);
	cr_assert(strstr(out.err, "not a policy image"), "%s", out.err);
	RUN("-p", "/nonexistent/cpol.bin", "--", "true");
	cr_assert_eq(out.status, 125, "%s", out.err);
	/* a truncated real image */
	char cut[1200];
	snprintf(cut, sizeof cut, "head -c 100 '%s' > '%s'", img, bad);
	cr_assert_eq(system(cut), 0);
	RUN("-p", bad, "--", "true");
	cr_assert_eq(out.status, 125, "%s", out.err);
	cr_assert(strstr(out.err, "truncated"), "%s", out.err);
}

Test(exit_codes, usage_errors_are_125)
{
	RUN("--no-such-option", "--", "true");
	cr_assert_eq(out.status, 125, "%s", out.err);
	cr_assert(strstr(out.err, "unknown option"), "%s", out.err);
	char *argv[] = { (char *)e2e_codexrun(), NULL };
	e2e_run(dir, argv, &out);
	cr_assert_eq(out.status, 125);
	RUN("--approve=sometimes", "--", "true");
	cr_assert_eq(out.status, 125);
}

Test(exit_codes, an_unknown_profile_lists_the_known_ones_and_is_125)
{
	RUN("--profile", "nonsense", "--", "true");
	cr_assert_eq(out.status, 125, "%s", out.err);
	cr_assert(strstr(out.err, "offline") && strstr(out.err, "workspace-net") && strstr(out.err, "trusted"),
	          "%s", out.err);
	cr_assert(strchr(out.err, '\n') == out.err + strlen(out.err) - 1, "not one line: %s", out.err);
	/* the audit record says the same (it once held uninitialised bytes) */
	char rec[4096] = "";
	FILE *f = fopen(audit, "r");
	cr_assert(f != NULL);
	size_t n = fread(rec, 1, sizeof rec - 1, f);
	fclose(f);
	rec[n] = 0;
	cr_assert(strstr(rec, "\"op\":\"policy_load\",\"reason\":\"unknown profile 'nonsense'; the profiles are: offline"),
	          "%s", rec);
}

Test(exit_codes, the_default_policy_runs_ls)
{
	RUN("--", "ls", "/");
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_assert(strstr(out.out, "usr"), "%s", out.out);
}

Test(exit_codes, a_trusted_image_needs_trusted)
{
	char timg[512], idir[256];
	snprintf(idir, sizeof idir, "%s", audit);
	*strrchr(idir, '/') = 0;
	e2e_compile(idir, "trusted", "policy \"trusted\"; sandbox { read \"/\"; write \"/\"; network any; }\n"
	                            "default allow;\ntest { allow \"ls\"; }\n", timg);
	RUN("-p", timg, "--", "true");
	cr_assert_eq(out.status, 125, "%s", out.err);
	cr_assert(strstr(out.err, "--trusted"), "%s", out.err);
	RUN("-p", timg, "--trusted", "--", "true");
	cr_assert_eq(out.status, 0, "%s", out.err);
}

Test(exit_codes, sigint_to_codexrun_reaches_the_command)
{
	char flag[300], script[700], auditopt[300];
	snprintf(flag, sizeof flag, "%s/got-int", dir);
	snprintf(script, sizeof script, "trap 'echo int > %s; exit 7' INT; echo ready > %s.ready; "
	                                "while :; do sleep 0.05; done", flag, flag);
	snprintf(auditopt, sizeof auditopt, "--audit=%s", audit);
	char *argv[] = { (char *)e2e_codexrun(), auditopt, "-p", img, "--approve=always", "--", "sh", "-c", script, NULL };
	pid_t pid = e2e_start(dir, argv);
	char ready[400];
	snprintf(ready, sizeof ready, "%s.ready", flag);
	for (int i = 0; i < 200 && !e2e_exists(ready); i++)
		usleep(20000);
	cr_assert(e2e_exists(ready), "the command did not start");
	kill(pid, SIGINT);
	int st = e2e_wait(pid);
	cr_assert_eq(st, 7, "codexrun exited %d", st);
	cr_assert(e2e_exists(flag), "the command did not see SIGINT");
}

Test(exit_codes, sigterm_to_codexrun_reaches_the_command)
{
	char auditopt[300];
	snprintf(auditopt, sizeof auditopt, "--audit=%s", audit);
	char *argv[] = { (char *)e2e_codexrun(), auditopt, "-p", img, "--", "sleep", "30", NULL };
	pid_t pid = e2e_start(dir, argv);
	usleep(300000);
	kill(pid, SIGTERM);
	cr_assert_eq(e2e_wait(pid), 128 + SIGTERM);
}

/* codexrun --explain --json gives the documented decisions for the sketch */
Test(explain, the_design_sketch_examples)
{
	char d[256], sketch[512], bin[512];
	e2e_tmpdir("/tmp", d);
	snprintf(sketch, sizeof sketch, "%s/tests/data/sketch/sketch.cpol", e2e_srcdir());
	snprintf(bin, sizeof bin, "%s/sketch.bin", d);
	char *cc[] = { (char *)e2e_codexpolc(), "-o", bin, sketch, NULL };
	e2e_run(NULL, cc, &out);
	cr_assert_eq(out.status, 0, "%s", out.err);
	static const struct { const char *argv[4]; const char *decision; } cases[] = {
		{ { "ls", "-la" }, "\"decision\":\"allow\"" },
		{ { "bash", "-lc", "git status && ls" }, "\"decision\":\"allow\"" },
		{ { "rm", "-rf", "/" }, "\"decision\":\"forbid\"" },
		{ { "make", "install" }, "\"decision\":\"prompt\"" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *argv[10] = { (char *)e2e_codexrun(), "-p", bin, "--explain", "--json", "--" };
		int n = 6;
		for (int k = 0; k < 4 && cases[i].argv[k]; k++)
			argv[n++] = (char *)cases[i].argv[k];
		argv[n] = NULL;
		e2e_run(d, argv, &out);
		cr_assert_eq(out.status, 0, "%s", out.err);
		cr_assert(strstr(out.out, cases[i].decision), "case %zu: %s", i, out.out);
		cr_assert(strstr(out.out, "\"rule\":") && strstr(out.out, "\"reason\":") && strstr(out.out, "\"source\":"),
		          "%s", out.out);
	}
	/* the script's parts are listed */
	char *argv[] = { (char *)e2e_codexrun(), "-p", bin, "--explain", "--json", "--", "bash", "-lc",
	                 "git status && ls", NULL };
	e2e_run(d, argv, &out);
	cr_assert(strstr(out.out, "\"commands\":[{\"command\":\"git status\""), "%s", out.out);
	e2e_rm_rf(d);
}
