/* tests/e2e/test_grants.c -- per-rule grants, end to end: an approved
 * prompt runs with exactly the grants of the rule that asked (a real
 * listener on 127.0.0.1 reachable on the granted port only; a write into
 * the granted folder works, its sibling and its .git stay refused, root
 * included), nothing when refused, and --explain and the audit record
 * show the grants. Grants on allow or forbid rules do not compile. */
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/e2e/e2e.h"

static char ws[256], other[256], audit[256], idir[256];
static struct e2e_out out;

static void setup(void)
{
	e2e_tmpdir("/tmp", ws);
	e2e_tmpdir("/var/tmp", other);
	e2e_audit_log(audit);
	/* images outside every writable root: codexrun refuses them inside */
	e2e_tmpdir("/var/tmp", idir);
}

static void teardown(void)
{
	e2e_rm_rf(ws);
	e2e_rm_rf(other);
	e2e_rm_rf(idir);
	e2e_rm_audit_log(audit);
}

TestSuite(grants, .init = setup, .fini = teardown);

/* A listener on 127.0.0.1 that is never served: connections complete in
 * its backlog, which is all a connect needs. */
static int quiet_listener(int *fd)
{
	*fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(*fd >= 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	cr_assert(bind(*fd, (struct sockaddr *)&a, sizeof a) == 0);
	cr_assert(listen(*fd, 16) == 0);
	socklen_t len = sizeof a;
	cr_assert(getsockname(*fd, (struct sockaddr *)&a, &len) == 0);
	return ntohs(a.sin_port);
}

static void run(const char *img, const char *approve, char *const *cmd)
{
	char auditopt[300], approveopt[64];
	snprintf(auditopt, sizeof auditopt, "--audit=%s", audit);
	snprintf(approveopt, sizeof approveopt, "--approve=%s", approve);
	char *argv[32] = { (char *)e2e_codexrun(), auditopt, "-p", (char *)img, approveopt, "--" };
	int n = 6;
	for (int i = 0; cmd[i] && n < 31; i++)
		argv[n++] = cmd[i];
	argv[n] = NULL;
	e2e_run(ws, argv, &out);
}

Test(grants, an_approved_connect_grant_reaches_the_granted_port_and_no_other)
{
	int port = e2e_listen(), qfd;
	int other_port = quiet_listener(&qfd);
	char text[1024], img[512], url[128], url2[128];
	snprintf(text, sizeof text,
	         "rule \"fetch\" { when program \"curl\"; prompt because \"talks to a server\";"
	         " grant network connect %d; }\n",
	         port);
	e2e_compile_allowing(idir, "net", "network none;", text, img);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
	snprintf(url2, sizeof url2, "http://127.0.0.1:%d/", other_port);
	char *granted[] = { "curl", "-s", "-m", "5", url, NULL };
	char *other_cmd[] = { "curl", "-s", "-m", "5", url2, NULL };

	int before = e2e_accepted();
	run(img, "always", granted);
	cr_assert_eq(out.status, 0, "curl failed on the granted port: %s", out.err);
	cr_assert(strstr(out.out, "ok"), "%s", out.out);
	cr_assert_eq(e2e_accepted(), before + 1);
	run(img, "always", other_cmd);
	/* curl exits 7 (could not connect) when the sandbox refuses */
	cr_assert_eq(out.status, 7, "curl reached a port the rule does not grant (status %d): %s", out.status, out.err);
	/* refused: nothing runs at all */
	run(img, "never", granted);
	cr_assert_eq(out.status, 126);
	cr_assert_eq(e2e_accepted(), before + 1);
	close(qfd);

	/* the grant is in the approval record */
	FILE *f = fopen(audit, "r");
	cr_assert(f);
	char line[8192], want[64];
	int seen = 0;
	snprintf(want, sizeof want, "\"grants\":\"network connect %d\"", port);
	while (fgets(line, sizeof line, f))
		seen |= strstr(line, "\"op\":\"approval\"") && strstr(line, want);
	fclose(f);
	cr_assert(seen, "no approval record with %s", want);
}

Test(grants, an_allowed_command_gets_no_grant)
{
	int port = e2e_listen();
	char text[1024], img[512], url[128];
	snprintf(text, sizeof text, "rule \"other\" { when program \"wget\"; prompt; grant network connect %d; }\n",
	         port);
	e2e_compile_allowing(idir, "allow", "network none;", text, img);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/", port);
	char *cmd[] = { "curl", "-s", "-m", "5", url, NULL };
	run(img, "always", cmd);
	cr_assert_eq(out.status, 7, "curl got another rule's grant (status %d)", out.status);
}

Test(grants, an_approved_write_grant_opens_its_folder_and_not_its_sibling)
{
	char text[1024], img[512], granted[300], sibling[300], p[600], git[400];
	snprintf(granted, sizeof granted, "%s/granted", other);
	snprintf(sibling, sizeof sibling, "%s/sibling", other);
	mkdir(granted, 0755);
	mkdir(sibling, 0755);
	snprintf(git, sizeof git, "%s/.git", granted);
	mkdir(git, 0755);
	snprintf(text, sizeof text, "rule \"cache\" { when program \"touch\"; prompt; grant write \"%s\"; }\n",
	         granted);
	e2e_compile_allowing(idir, "write", "network none;", text, img);

	snprintf(p, sizeof p, "%s/f", granted);
	char *in[] = { "touch", p, NULL };
	run(img, "always", in);
	cr_assert_eq(out.status, 0, "the granted folder was not writable: %s", out.err);
	cr_assert(e2e_exists(p));

	snprintf(p, sizeof p, "%s/f", sibling);
	char *sib[] = { "touch", p, NULL };
	run(img, "always", sib);
	cr_assert_neq(out.status, 0, "the sibling folder was writable");
	cr_assert(!e2e_exists(p));

	snprintf(p, sizeof p, "%s/hook", git);
	char *g[] = { "touch", p, NULL };
	run(img, "always", g);
	cr_assert_neq(out.status, 0, ".git inside the granted folder was writable");
	cr_assert(!e2e_exists(p));

	/* explain shows what an approval would grant */
	char *argv[] = { (char *)e2e_codexrun(), "-p", img, "--explain", "--json", "--", "touch", "x", NULL };
	e2e_run(ws, argv, &out);
	cr_assert_eq(out.status, 0);
	char want[400];
	snprintf(want, sizeof want, "\"grants\":[\"write %s\"]", granted);
	cr_assert(strstr(out.out, want), "%s", out.out);
}

static void compile_fails(const char *text, const char *msg)
{
	char src[400];
	snprintf(src, sizeof src, "%s/bad.cpol", ws);
	e2e_write_file(src, text);
	char *argv[] = { (char *)e2e_codexpolc(), "--lint", "-Wno-missing-test", src, NULL };
	e2e_run(NULL, argv, &out);
	cr_assert_neq(out.status, 0, "compiled: %s", text);
	cr_assert(strstr(out.err, msg), "%s", out.err);
}

Test(grants, only_prompt_rules_grant)
{
	compile_fails("policy \"x\"; rule \"a\" { when program \"pip\"; allow; grant write \"~/.cache\"; }\n",
	              "only a prompt rule can");
	compile_fails("policy \"x\"; rule \"f\" { when program \"pip\"; forbid; grant network connect 443; }\n",
	              "forbid never grants");
	compile_fails("policy \"x\"; rule \"r\" { when program \"pip\"; prompt; grant write \"/\"; }\n",
	              "would lift the sandbox");
	compile_fails("policy \"x\"; rule \"r\" { when program \"pip\"; prompt; grant write \"$WORKSPACE/../x\"; }\n",
	              "'..'");
	compile_fails("policy \"x\"; rule \"r\" { when program \"pip\"; prompt; grant network connect 0; }\n",
	              "out of range");
}
