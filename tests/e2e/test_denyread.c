/* tests/e2e/test_denyread.c -- `deny read` end to end, as root: the policy
 * forbids a command that names a denied path before it runs, and the
 * kernel (Landlock, granting only the rest of the read roots) keeps the
 * secret from every way of reading it that a command the policy allows
 * could take: cat, python3 open(), cp, a symbolic link in the workspace,
 * /proc/self/root, and files that appear only after the command started.
 * $HOME is a fresh folder of the test, so "~/.ssh" is the test's. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/e2e/e2e.h"

static char top[256], home[300], ws[300], audit[256], img[512];
static struct e2e_out out;

static void setup(void)
{
	e2e_tmpdir("/tmp", top);
	e2e_audit_log(audit);
	e2e_home_with_key(top, home, ws, 0700);
	e2e_write_at(home, "notes.txt", "public notes\n");
	char p[400], target[400];
	snprintf(p, sizeof p, "%s/link", ws);
	snprintf(target, sizeof target, "%s/.ssh/id_rsa", home);
	cr_assert_eq(symlink(target, p), 0);
	e2e_compile(top, "deny",
	            "policy \"e2e-deny\";\n"
	            "sandbox { read \"/\"; write \"$WORKSPACE\", \"/dev/null\"; network none;\n"
	            "  deny read \"~/.ssh\", \"~/.aws\", \"**/.env\", \"**/.env.*\", \"$WORKSPACE/secrets\"; }\n"
	            "rule \"scripts\" { when program \"bash\" and arg 1 is \"-c\"; evaluate script arg 2; }\n"
	            "default allow;\n",
	            img);
}

static void teardown(void)
{
	e2e_rm_rf(top);
	e2e_rm_audit_log(audit);
}

TestSuite(denyread, .init = setup, .fini = teardown, .timeout = 60);

static void run_sh(const char *sh)
{
	char auditopt[300];
	snprintf(auditopt, sizeof auditopt, "--audit=%s", audit);
	char *argv[] = { (char *)e2e_codexrun(), auditopt, "-p", img, "-w", ws, "--", "sh", "-c", (char *)sh, NULL };
	e2e_run(ws, argv, &out);
}

Test(denyread, the_policy_forbids_naming_a_denied_path_with_the_reason)
{
	char auditopt[300], key[400];
	snprintf(auditopt, sizeof auditopt, "--audit=%s", audit);
	snprintf(key, sizeof key, "%s/.ssh/id_rsa", home);
	char *argv[] = { (char *)e2e_codexrun(), auditopt, "-p", img, "--", "cat", key, NULL };
	e2e_run(ws, argv, &out);
	cr_assert_eq(out.status, 126, "status %d", out.status);
	cr_assert(strstr(out.err, "forbidden by rule \"deny read\"") && strstr(out.err, "(deny read \"~/.ssh\")"),
	          "%s", out.err);
	cr_assert(!strstr(out.out, "SECRET"));
	/* a pattern, a --opt=PATH value, a script's words */
	char *argv2[] = { (char *)e2e_codexrun(), auditopt, "-p", img, "--", "cat", "sub/.env", NULL };
	e2e_run(ws, argv2, &out);
	cr_assert_eq(out.status, 126);
	cr_assert(strstr(out.err, "(deny read \"**/.env\")"), "%s", out.err);
	char *argv3[] = { (char *)e2e_codexrun(), auditopt, "-p", img, "--", "bash", "-c", "wc -l ~/.ssh/id_rsa", NULL };
	e2e_run(ws, argv3, &out);
	cr_assert_eq(out.status, 126, "%s", out.err);
	char *argv4[] = { (char *)e2e_codexrun(), auditopt, "-p", img, "--explain", "--", "cat", "~/.aws/credentials", NULL };
	e2e_run(ws, argv4, &out);
	cr_assert(strstr(out.out, "forbid") && strstr(out.out, "deny read"), "%s", out.out);
}

Test(denyread, the_kernel_keeps_the_secret_from_cat_python_cp_links_and_proc)
{
	run_sh("cat \"$HOME/.ssh/id_rsa\"; "
	       "/usr/bin/python3 -c 'import os; print(open(os.environ[\"HOME\"] + \"/.ssh/id_rsa\").read())'; "
	       "cp \"$HOME/.ssh/id_rsa\" copied; cat copied; "
	       "cat link; "
	       "cat /proc/self/root\"$HOME/.ssh/id_rsa\"; "
	       "cd \"$HOME/.ssh\" && cat ./id_rsa; "
	       "cat \"$HOME/notes.txt\"; ls -a \"$HOME\"");
	cr_assert(!strstr(out.out, "SECRET"), "the secret leaked: %s", out.out);
	cr_assert(strstr(out.err, "PermissionError"), "%s", out.err);
	char p[400];
	snprintf(p, sizeof p, "%s/copied", ws);
	cr_assert(!e2e_exists(p), "cp copied the key");
	/* the rest of $HOME stays readable and listable */
	cr_assert(strstr(out.out, "public notes"), "%s", out.out);
	cr_assert(strstr(out.out, ".ssh"), "%s", out.out);
}

Test(denyread, files_and_folders_that_appear_after_the_start_stay_unreadable)
{
	char auditopt[300];
	snprintf(auditopt, sizeof auditopt, "--audit=%s", audit);
	char flag[400];
	snprintf(flag, sizeof flag, "%s/go", ws);
	/* the command waits until the test has made the files */
	char *argv[] = { (char *)e2e_codexrun(), auditopt, "-p", img, "-w", ws, "--", "sh", "-c",
	                 "i=0; while [ ! -e go ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; "
	                 "cat \"$HOME/.ssh/new_key\" \"$HOME/.aws/credentials\" > got 2> err; echo done > finished",
	                 NULL };
	pid_t pid = e2e_start(ws, argv);
	usleep(300000);
	e2e_write_at(home, ".ssh/new_key", "NEW-SECRET\n");
	e2e_mkdir_at(home, ".aws", 0700);
	e2e_write_at(home, ".aws/credentials", "AWS-SECRET\n");
	e2e_write_file(flag, "");
	int st = e2e_wait(pid);
	cr_assert_eq(st, 0, "status %d", st);
	char p[400];
	snprintf(p, sizeof p, "%s/finished", ws);
	cr_assert(e2e_exists(p), "the command did not run to its end");
	char buf[256];
	e2e_read_at(ws, "got", buf, sizeof buf);
	cr_assert_str_empty(buf, "read a file made after the start: %s", buf);
	e2e_read_at(ws, "err", buf, sizeof buf);
	cr_assert(strstr(buf, "new_key: Permission denied") && strstr(buf, "credentials: Permission denied"), "%s",
	          buf);
}

/* Inside the workspace (a write root, which Landlock lets read whole):
 * the mount namespace covers each match found at the start. The names go
 * through a variable, so that the policy layer does not forbid the run
 * before the kernel is asked. */
Test(denyread, inside_the_workspace_matches_are_masked_from_every_reader)
{
	e2e_write_at(ws, ".env", "ENV-SECRET-1\n");
	e2e_mkdir_at(ws, "sub", 0755);
	e2e_write_at(ws, "sub/.env.local", "ENV-SECRET-2\n");
	e2e_mkdir_at(ws, "secrets", 0755);
	e2e_write_at(ws, "secrets/token", "DIR-SECRET-3\n");
	char p[400];
	snprintf(p, sizeof p, "%s/envlink", ws);
	cr_assert_eq(symlink(".env", p), 0);
	e2e_write_at(ws, "readme", "public readme\n");
	run_sh("e=.env; l=.env.local; s=secrets; "
	       "cat $e; cat sub/$l; cat $s/token; ls $s; "
	       "/usr/bin/python3 -c 'import sys; print(open(sys.argv[1]).read(), open(sys.argv[2]).read())' $e sub/$l; "
	       "cp $e copied; cat copied; "
	       "cat envlink; "
	       "cat /proc/self/root\"$PWD\"/$e; cat /proc/self/root\"$PWD\"/$s/token; "
	       "cat readme");
	cr_assert(!strstr(out.out, "SECRET"), "a secret leaked: %s", out.out);
	cr_assert(strstr(out.out, "public readme"), "%s%s", out.out, out.err);
	cr_assert(!strstr(out.err, "not enforced"), "%s", out.err);
	/* the files themselves are untouched */
	char buf[64];
	e2e_read_at(ws, ".env", buf, sizeof buf);
	cr_assert_str_eq(buf, "ENV-SECRET-1\n");
}

Test(denyread, codexpolc_checks_the_entries)
{
	char src[400], bin[400];
	snprintf(src, sizeof src, "%s/bad.cpol", top);
	snprintf(bin, sizeof bin, "%s/bad.bin", top);
	const char *bad[] = { "\"**/a/b\"", "\"~/.ssh*\"", "\"relative\"", "\"**/\"" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char text[300];
		snprintf(text, sizeof text, "policy \"b\"; sandbox { read \"/\"; deny read %s; }\n", bad[i]);
		e2e_write_file(src, text);
		char *argv[] = { (char *)e2e_codexpolc(), "-o", bin, src, NULL };
		e2e_run(NULL, argv, &out);
		cr_assert_neq(out.status, 0, "%s compiled", bad[i]);
	}
	char *dump[] = { (char *)e2e_codexpolc(), "--dump", img, NULL };
	e2e_run(NULL, dump, &out);
	cr_assert(strstr(out.out, "deny read $HOME/.ssh") && strstr(out.out, "deny read **/.env"), "%s", out.out);
}
