/* tests/e2e/test_layers.c -- policy layers: an admin folder that is not
 * root's alone is refused (the check on real folders, and codexrun failing
 * closed); a project layer is used only once trusted, is asked about again
 * on a real pty when it changes, and is not used without a terminal; a
 * project layer cannot allow what the user layer forbids, and cannot grant;
 * a trusted project layer's allow lifts a profile's prompt; --explain names
 * the layer, file and line of the rules that took part; a layer starts with
 * the prelude (a `writes outside` rule knows that touch writes) unless one
 * of its files says `prelude none;`. Remembered
 * approvals, through a real pty: "always" persists across runs, is listed
 * and removed by --approvals, and is refused for bash -c. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/approvals.h"
#include "cli/layers.h"
#include "tests/e2e/e2e.h"
#include "tests/e2e/pty.h"

static char base[256], ws[300], cfg[300], proj[320];
static char img[512];
static struct e2e_out out;

static void setup(void)
{
	e2e_tmpdir("/var/tmp", base);
	snprintf(ws, sizeof ws, "%s/ws", base);
	snprintf(cfg, sizeof cfg, "%s/cfg/codexpol", base);
	snprintf(proj, sizeof proj, "%s/.codexpol", ws);
	mkdir(ws, 0755);
	char p[400];
	snprintf(p, sizeof p, "%s/cfg", base);
	mkdir(p, 0700);
	mkdir(cfg, 0700);
	mkdir(proj, 0755);
	snprintf(p, sizeof p, "%s/cfg", base);
	setenv("XDG_CONFIG_HOME", p, 1);
	snprintf(p, sizeof p, "%s/state", base);
	setenv("XDG_STATE_HOME", p, 1);
	snprintf(p, sizeof p, "%s/cache", base);
	setenv("XDG_CACHE_HOME", p, 1);
	/* the profile: ls is a prompt, the rest allowed; writes only the workspace */
	e2e_compile_allowing(base, "profile", "network none;",
	                     "prompt program \"ls\", \"bash\" because \"the profile asks\";\n", img);
}

static void teardown(void)
{
	e2e_rm_rf(base);
}

TestSuite(layers, .init = setup, .fini = teardown);

/* --explain --json for cmd; the decision must be the one given (NULL:
 * not checked). */
static void explain(const char *cmd, const char *decision)
{
	char *argv[] = { (char *)e2e_codexrun(), "-p", img, "--explain", "--json", "--", (char *)cmd, NULL };
	e2e_run(ws, argv, &out);
	cr_assert_eq(out.status, 0, "%s", out.err);
	if (decision) {
		char want[64];
		snprintf(want, sizeof want, "\"decision\":\"%s\"", decision);
		cr_assert(strstr(out.out, want), "%s", out.out);
	}
}

/* The last explanation names dir/file, line 1, as the deciding rule. */
static void explained_by(const char *dir, const char *file)
{
	char want[500];
	snprintf(want, sizeof want, "\"source\":\"%s/%s:1:1\"", dir, file);
	cr_assert(strstr(out.out, want), "%s", out.out);
}

/* The project layer's content hash, as --explain reports it. */
static void project_hash(char h[17])
{
	explain("true", NULL);
	const char *p = strstr(out.out, "\"layer\":\"project\"");
	cr_assert(p, "%s", out.out);
	p = strstr(p, "\"hash\":\"");
	cr_assert(p, "%s", out.out);
	memcpy(h, p + 8, 16);
	h[16] = 0;
}

static void trust_project(void)
{
	char h[17], trust[400];
	cpol_error err;
	project_hash(h);
	snprintf(trust, sizeof trust, "%s/state/codexpol/trust", base);
	cr_assert_eq(run_layers_trust(trust, proj, h, &err), 0, "%s", err.msg);
}

Test(layers, an_admin_folder_writable_by_others_or_not_roots_is_refused)
{
	char dir[400], why[600];
	snprintf(dir, sizeof dir, "%s/admin", base);
	mkdir(dir, 0755);
	e2e_write_at(dir, "site.cpol", "forbid program \"curl\";\n");
	char f[500];
	snprintf(f, sizeof f, "%s/site.cpol", dir);
	chmod(f, 0644);
	cr_assert_eq(run_layer_dir_secure(dir, 1, why, sizeof why), 0, "%s", why);

	chmod(dir, 0777);
	cr_assert_eq(run_layer_dir_secure(dir, 1, why, sizeof why), -1);
	cr_assert(strstr(why, "writable by others"), "%s", why);
	chmod(dir, 0775);
	cr_assert_eq(run_layer_dir_secure(dir, 1, why, sizeof why), -1);
	cr_assert(strstr(why, "writable by its group"), "%s", why);
	chmod(dir, 0755);
	chmod(f, 0666);
	cr_assert_eq(run_layer_dir_secure(dir, 1, why, sizeof why), -1);
	cr_assert(strstr(why, "site.cpol"), "%s", why);
	chmod(f, 0644);
	cr_assert_eq(chown(f, 1000, 1000), 0);
	cr_assert_eq(run_layer_dir_secure(dir, 1, why, sizeof why), -1);
	cr_assert(strstr(why, "not by root"), "%s", why);
	cr_assert_eq(chown(f, 0, 0), 0);

	/* codexrun's layer set-up fails closed on it */
	chmod(dir, 0777);
	struct run_layers ls;
	struct run_layers_opts o = { dir, ws, base, 0, 1, NULL, NULL };
	cpol_env env = { ws, ws, "/tmp", base, "u" };
	cpol_error err;
	cr_assert_eq(run_layers_open(&ls, &o, &env, &err), -1);
	cr_assert(strstr(err.msg, "admin policy layer refused"), "%s", err.msg);
	run_layers_close(&ls);
	chmod(dir, 0755);
	cr_assert_eq(run_layers_open(&ls, &o, &env, &err), 0, "%s", err.msg);
	cr_assert_eq(ls.l[LAYER_ADMIN].state, LAYER_USED);
	run_layers_close(&ls);
}

Test(layers, an_untrusted_project_layer_is_not_used)
{
	e2e_write_at(proj, "p.cpol", "allow program \"ls\";\n");
	explain("ls", "prompt");
	cr_assert(strstr(out.out, "\"state\":\"untrusted\""), "%s", out.out);
	/* without a terminal: not used, and said so */
	char *argv[] = { (char *)e2e_codexrun(), "--audit=none", "-p", img, "--", "ls", NULL };
	e2e_run(ws, argv, &out);
	cr_assert_eq(out.status, 126, "%s", out.err);
	cr_assert(strstr(out.err, "not trusted"), "%s", out.err);

	trust_project();
	explain("ls", "allow");
	cr_assert(strstr(out.out, "\"state\":\"used\""), "%s", out.out);
	/* the rule is named with its file and line */
	explained_by(proj, "p.cpol");
	e2e_run(ws, argv, &out);
	cr_assert_eq(out.status, 0, "%s", out.err);
}

Test(layers, a_project_layer_cannot_allow_what_the_user_layer_forbids)
{
	e2e_write_at(cfg, "user.cpol", "forbid program \"ls\" because \"the user forbids it\";\n");
	e2e_write_at(proj, "p.cpol", "allow program \"ls\";\n");
	trust_project();
	explain("ls", "forbid");
	cr_assert(strstr(out.out, "the user forbids it"), "%s", out.out);
	explained_by(cfg, "user.cpol");
	char *argv[] = { (char *)e2e_codexrun(), "--audit=none", "-p", img, "--approve=always", "--", "ls", NULL };
	e2e_run(ws, argv, &out);
	cr_assert_eq(out.status, 126);
	/* nor can the profile's forbid be lifted */
	e2e_write_at(proj, "p.cpol", "allow program \"ls\", \"rm\";\n");
	trust_project();
	e2e_compile_allowing(base, "profile", "network none;", "forbid program \"rm\";\n", img);
	explain("rm", "forbid");
}

/* --explain of a command of several words. */
static void explain_words(const char *a0, const char *a1, const char *a2)
{
	char *argv[] = { (char *)e2e_codexrun(), "-p", img, "--explain", "--json", "--", (char *)a0, (char *)a1, (char *)a2, NULL };
	e2e_run(ws, argv, &out);
	cr_assert_eq(out.status, 0, "%s", out.err);
}

Test(layers, a_layer_gets_the_prelude_unless_it_says_prelude_none)
{
	e2e_write_at(cfg, "user.cpol",
	    "rule \"outside\" { when writes outside sandbox.write; forbid because \"writes outside\"; }\n");
	explain_words("touch", "/etc/x", NULL);
	cr_assert(strstr(out.out, "\"decision\":\"forbid\""), "%s", out.out);
	cr_assert(strstr(out.out, "writes outside"), "%s", out.out);
	explain_words("cp", "a", "/usr/bin/x");
	cr_assert(strstr(out.out, "\"decision\":\"forbid\""), "%s", out.out);
	explain_words("touch", "x", NULL);
	cr_assert(strstr(out.out, "\"decision\":\"allow\""), "%s", out.out);
	char *argv[] = { (char *)e2e_codexrun(), "--audit=none", "-p", img, "--approve=always", "--", "touch", "/etc/x", NULL };
	e2e_run(ws, argv, &out);
	cr_assert_eq(out.status, 126, "%s", out.err);
	/* any file of the layer may leave it out: touch is then no writer */
	e2e_write_at(cfg, "none.cpol", "prelude none;\n");
	explain_words("touch", "/etc/x", NULL);
	cr_assert(strstr(out.out, "\"decision\":\"allow\""), "%s", out.out);
}

Test(layers, a_project_layer_that_grants_is_not_used)
{
	e2e_write_at(proj, "p.cpol", "allow program \"ls\";\n"
	                    "rule \"net\" { when program \"curl\"; prompt; grant network connect 443; }\n");
	trust_project();
	explain("ls", NULL);
	cr_assert(strstr(out.out, "\"state\":\"refused\""), "%s", out.out);
	cr_assert(strstr(out.out, "\"decision\":\"prompt\""), "%s", out.out);
}

Test(layers, a_changed_project_layer_is_asked_about_again_on_the_terminal)
{
	e2e_write_at(proj, "p.cpol", "allow program \"ls\";\n");
	trust_project();
	char *argv[] = { (char *)e2e_codexrun(), "--audit=none", "-p", img, "--", "ls", NULL };
	static char term[65536];
	/* trusted: no question */
	int st = e2e_pty_run(ws, argv, NULL, NULL, 0, term, sizeof term);
	cr_assert_eq(st, 0, "%s", term);
	cr_assert(!strstr(term, "Trust it"), "%s", term);
	/* changed: asked again; refused, the profile's prompt stands and is refused too */
	e2e_write_at(proj, "p.cpol", "allow program \"ls\", \"cat\";\n");
	const char *ex[] = { "Trust it for this workspace?", "Run it?" };
	const char *no[] = { "n\n", "n\n" };
	st = e2e_pty_run(ws, argv, ex, no, 2, term, sizeof term);
	cr_assert_eq(st, 126, "%s", term);
	/* asked again, trusted: used from now on */
	const char *yes[] = { "y\n" };
	st = e2e_pty_run(ws, argv, ex, yes, 1, term, sizeof term);
	cr_assert_eq(st, 0, "%s", term);
	st = e2e_pty_run(ws, argv, NULL, NULL, 0, term, sizeof term);
	cr_assert_eq(st, 0, "%s", term);
	cr_assert(!strstr(term, "Trust it"), "%s", term);
}

Test(layers, layer_images_are_cached_and_rebuilt_when_a_source_changes)
{
	e2e_write_at(cfg, "user.cpol", "forbid program \"curl\";\n");
	explain("curl", NULL);
	char cache[400];
	snprintf(cache, sizeof cache, "%s/cache/codexpol/layers", base);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "ls %s | grep -c '^user-'", cache);
	FILE *p = popen(cmd, "r");
	int n = 0;
	cr_assert(fscanf(p, "%d", &n) == 1);
	pclose(p);
	cr_assert_eq(n, 1);
	e2e_write_at(cfg, "user.cpol", "forbid program \"curl\", \"wget\";\n");
	explain("wget", "forbid");
	p = popen(cmd, "r");
	cr_assert(fscanf(p, "%d", &n) == 1);
	pclose(p);
	cr_assert_eq(n, 2);
}

static void approvals(const char *remove, struct e2e_out *o)
{
	char *argv[] = { (char *)e2e_codexrun(), "--approvals", (char *)remove, NULL };
	e2e_run(ws, argv, o);
}

Test(layers, always_persists_across_runs_and_can_be_removed)
{
	char *argv[] = { (char *)e2e_codexrun(), "--audit=none", "-p", img, "--", "ls", NULL };
	static char term[65536];
	const char *ex[] = { "[a] always", "Save it?" };
	const char *ans[] = { "a\n", "y\n" };
	int st = e2e_pty_run(ws, argv, ex, ans, 2, term, sizeof term);
	cr_assert_eq(st, 0, "%s", term);
	/* the rule was shown before it was saved */
	cr_assert(strstr(term, "when program \"ls\" and argc == 1; allow"), "%s", term);
	cr_assert(strstr(term, "remembered"), "%s", term);
	/* a later run, without a terminal: allowed by the project layer */
	e2e_run(ws, argv, &out);
	cr_assert_eq(out.status, 0, "%s", out.err);
	explain("ls", "allow");
	cr_assert(strstr(out.out, "approvals.cpol:2:1"), "%s", out.out);
	/* listed, then removed: asked again */
	approvals(NULL, &out);
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_assert_str_eq(out.out, "1  ls\n");
	approvals("--remove=1", &out);
	cr_assert_eq(out.status, 0, "%s", out.err);
	approvals(NULL, &out);
	cr_assert_str_eq(out.out, "");
	e2e_run(ws, argv, &out);
	cr_assert_eq(out.status, 126, "%s", out.err);
	approvals("--remove=3", &out);
	cr_assert_eq(out.status, 125);
}

Test(layers, always_remembers_the_first_argument_even_an_option)
{
	char rule[1024], why[256];
	char *git[] = { "/usr/bin/git", "-C", "x", "push", NULL };
	cr_assert_eq(run_approval_rule(4, git, 0, rule, sizeof rule, why, sizeof why), 0);
	cr_assert(strstr(rule, "when program \"git\" and arg 1 is \"-C\";"), "%s", rule);
	char *py[] = { "python3.11", "x.py", NULL };
	cr_assert_eq(run_approval_rule(2, py, 0, rule, sizeof rule, why, sizeof why), -1);
	char *q[] = { "cat", "a\"b", NULL };
	cr_assert_eq(run_approval_rule(2, q, 0, rule, sizeof rule, why, sizeof why), -1);
	char *cargo[] = { "cargo", "test", NULL };
	cr_assert_eq(run_approval_rule(2, cargo, 1, rule, sizeof rule, why, sizeof why), -1, "a script");
}

Test(layers, always_is_refused_for_a_shell)
{
	char *argv[] = { (char *)e2e_codexrun(), "--audit=none", "-p", img, "--", "bash", "-c", "echo ran", NULL };
	static char term[65536];
	const char *ex[] = { "[a] always" };
	const char *ans[] = { "a\n" };
	int st = e2e_pty_run(ws, argv, ex, ans, 1, term, sizeof term);
	cr_assert_eq(st, 0, "%s", term);
	cr_assert(strstr(term, "not remembered"), "%s", term);
	cr_assert(strstr(term, "ran"), "%s", term);
	char p[400];
	snprintf(p, sizeof p, "%s/approvals.cpol", proj);
	cr_assert(!e2e_exists(p));
	/* asked again next time */
	e2e_run(ws, argv, &out);
	cr_assert_eq(out.status, 126, "%s", out.err);
}

Test(layers, always_is_refused_while_the_project_layer_is_not_trusted)
{
	e2e_write_at(proj, "p.cpol", "forbid program \"curl\";\n");
	char *argv[] = { (char *)e2e_codexrun(), "--audit=none", "-p", img, "--", "ls", NULL };
	static char term[65536];
	const char *ex[] = { "Trust it", "[a] always" };
	const char *ans[] = { "n\n", "a\n" };
	int st = e2e_pty_run(ws, argv, ex, ans, 2, term, sizeof term);
	cr_assert_eq(st, 0, "%s", term);
	cr_assert(strstr(term, "not trusted now"), "%s", term);
}
