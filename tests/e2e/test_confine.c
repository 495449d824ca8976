/* tests/e2e/test_confine.c -- what the kernel holds a command to when it
 * runs through codexrun (real Landlock, seccomp, namespaces; as root in
 * CI): no network unless the policy grants the port, no writes outside the
 * workspace, .git read-only inside it, no capabilities, no_new_privs. The
 * policy's decision is `allow` in every case here, so what stops the
 * command is the sandbox, not the policy. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/e2e/e2e.h"

static char ws[256], audit[256], idir[256];
static struct e2e_out out;

static void setup(void)
{
	e2e_tmpdir("/tmp", ws);
	e2e_tmpdir("/var/tmp", audit);
	snprintf(idir, sizeof idir, "%s", audit); /* images outside the workspace */
	strcat(audit, "/audit.jsonl");
}

static void teardown(void)
{
	e2e_rm_rf(ws);
	e2e_rm_audit_log(audit);
}

TestSuite(confine, .init = setup, .fini = teardown);

/* A policy that allows everything, with the given sandbox network line. */
static void policy(const char *net, char img[512])
{
	e2e_compile_allowing(idir, "confine", net, "", img);
}

static void run_in(const char *img, const char *sh)
{
	char auditopt[300];
	snprintf(auditopt, sizeof auditopt, "--audit=%s", audit);
	char *argv[] = { (char *)e2e_codexrun(), auditopt, "-p", (char *)img, "--approve=always", "--",
	                 "sh", "-c", (char *)sh, NULL };
	e2e_run(ws, argv, &out);
}

Test(confine, curl_and_dev_tcp_reach_a_listener_only_when_the_port_is_granted)
{
	int port = e2e_listen();
	char img_none[512], img_port[512], cmd[512], net[128];
	policy("network none;", img_none);
	snprintf(net, sizeof net, "network connect %d;", port);
	snprintf(cmd, sizeof cmd, "curl -s -m 5 http://127.0.0.1:%d/", port);
	/* the port image goes to another name */
	e2e_compile_allowing(idir, "port", net, "", img_port);

	int before = e2e_accepted();
	run_in(img_none, cmd);
	cr_assert_neq(out.status, 0, "curl reached the listener under network none");
	snprintf(cmd, sizeof cmd, "exec 3<>/dev/tcp/127.0.0.1/%d && echo connected", port);
	char bash[600];
	snprintf(bash, sizeof bash, "bash -c '%s'", cmd);
	run_in(img_none, bash);
	cr_assert(!strstr(out.out, "connected"), "bash /dev/tcp connected under network none");
	cr_assert_eq(e2e_accepted(), before, "the listener accepted a connection");

	snprintf(cmd, sizeof cmd, "curl -s -m 5 http://127.0.0.1:%d/", port);
	run_in(img_port, cmd);
	cr_assert_eq(out.status, 0, "curl failed with the port granted: %s", out.err);
	cr_assert(strstr(out.out, "ok"), "%s", out.out);
	run_in(img_port, bash);
	cr_assert(strstr(out.out, "connected"), "bash /dev/tcp failed with the port granted: %s", out.err);
}

/* Did the sandbox let `p` be created? Removes it if so: a failing test
 * leaves nothing behind in /etc. */
static int created(const char *p)
{
	int e = e2e_exists(p);
	if (e)
		unlink(p);
	return e;
}

Test(confine, writes_outside_the_workspace_fail_and_create_nothing)
{
	char img[512], probe[300], cmd[700];
	policy("network none;", img);
	snprintf(probe, sizeof probe, "/etc/cpol-e2e-probe-%d", getpid());
	snprintf(cmd, sizeof cmd, "echo x > %s", probe);
	run_in(img, cmd);
	cr_assert(!created(probe), "%s was created", probe);
	cr_assert_neq(out.status, 0);
	snprintf(cmd, sizeof cmd, "python3 -c \"open('%s','w')\"", probe);
	run_in(img, cmd);
	cr_assert(!created(probe), "%s was created by python", probe);
	cr_assert_neq(out.status, 0);
	/* inside the workspace: fine */
	run_in(img, "echo hello > inside.txt && mkdir sub && echo x > sub/f && cat inside.txt");
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_assert_str_eq(out.out, "hello\n");
}

Test(confine, git_metadata_inside_the_workspace_stays_read_only)
{
	char img[512], path[400];
	policy("network none;", img);
	snprintf(path, sizeof path, "%s/.git", ws);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/.git/hooks", ws);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/.git/config", ws);
	e2e_write_file(path, "[core]\n");
	run_in(img, "echo '[alias] x = !evil' >> .git/config");
	cr_assert_neq(out.status, 0, ".git/config was writable");
	run_in(img, "echo evil > .git/hooks/pre-commit");
	cr_assert_neq(out.status, 0, ".git/hooks was writable");
	snprintf(path, sizeof path, "%s/.git/hooks/pre-commit", ws);
	cr_assert(!e2e_exists(path));
	char buf[64] = "";
	snprintf(path, sizeof path, "%s/.git/config", ws);
	FILE *f = fopen(path, "r");
	cr_assert(f);
	cr_assert(fgets(buf, sizeof buf, f));
	fclose(f);
	cr_assert_str_eq(buf, "[core]\n");
	run_in(img, "echo fine > tracked.txt");
	cr_assert_eq(out.status, 0, "the workspace itself must stay writable: %s", out.err);
}

Test(confine, root_loses_every_capability_and_gets_no_new_privs)
{
	char img[512];
	policy("network none;", img);
	run_in(img, "grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):' /proc/self/status");
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_assert(strstr(out.out, "CapEff:\t0000000000000000"), "%s", out.out);
	cr_assert(strstr(out.out, "CapPrm:\t0000000000000000"), "%s", out.out);
	cr_assert(strstr(out.out, "CapBnd:\t0000000000000000"), "%s", out.out);
	cr_assert(strstr(out.out, "CapAmb:\t0000000000000000"), "%s", out.out);
	cr_assert(strstr(out.out, "NoNewPrivs:\t1"), "%s", out.out);
}

Test(confine, the_audit_log_may_not_be_inside_a_writable_root)
{
	char img[512], auditopt[400];
	policy("network none;", img);
	snprintf(auditopt, sizeof auditopt, "--audit=%s/audit.jsonl", ws);
	char *argv[] = { (char *)e2e_codexrun(), auditopt, "-p", img, "--", "touch", "ran", NULL };
	e2e_run(ws, argv, &out);
	cr_assert_eq(out.status, 125, "%s", out.err);
	cr_assert(strstr(out.err, "writable root"), "%s", out.err);
	cr_assert(!e2e_exists("ran"));
}

/* The stdlib workspace-write profile holds an approved python write to
 * /etc. */
Test(confine, python_cannot_write_etc_under_workspace_write)
{
	char img[512], probe[] = "/etc/codexpol-probe";
	snprintf(img, sizeof img, "%s/stdlib-policies/workspace-write.bin", getenv("top_builddir") ? getenv("top_builddir") : ".");
	if (!e2e_exists(img))
		policy("network none;", img);
	unlink(probe);
	char auditopt[300];
	snprintf(auditopt, sizeof auditopt, "--audit=%s", audit);
	char *argv[] = { (char *)e2e_codexrun(), auditopt, "-p", img, "--approve=always", "--", "python3", "-c",
	                 "open('/etc/codexpol-probe','w')", NULL };
	e2e_run(ws, argv, &out);
	cr_assert(!created(probe), "/etc/codexpol-probe was created");
	cr_assert_neq(out.status, 0);
}
