/* tests/engine/test_spec.c -- the spec reader (sandbox/spec_read.c,
 * spec_grants.c) and the image queries of vm/query.h: a policy given as
 * text, compiled, read into the platform-neutral spec in the test
 * environment, and every part of the spec checked against the source. */
#include <criterion/criterion.h>
#include <string.h>

#include "sandbox/spec.h"
#include "tests/engine/helpers.h"
#include "vm/query.h"

static const cpol_env env = { ENG_WS, ENG_WS, ENG_TMP, ENG_HOME, "user" };

static int has(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return 1;
	return 0;
}

Test(spec, roots_ports_env_and_limits)
{
	struct eng *e = eng_new("policy \"p\";\n"
	                        "sandbox { read \"/usr\", \"~/.config\"; write \"$WORKSPACE\", \"$TMPDIR/x\";\n"
	                        "  protect \"$WORKSPACE/keep\"; network connect 443, 8000-8002; bind 9000;\n"
	                        "  env keep \"FOO\", \"BAR\"; deny read \"~/.ssh\", \"**/.env\"; }\n"
	                        "limits { time 10m; memory 1G; }\n"
	                        "default allow;\n");
	struct cpol_spec rs;
	cpol_error err;
	cr_assert_eq(cpol_spec_read(e->img, &env, 1, &rs, &err), 0, "%s", err.msg);
	const struct cpol_sandbox_spec *s = &rs.spec;
	cr_expect(has(s->read_roots, s->nread, "/usr"));
	cr_expect(has(s->read_roots, s->nread, ENG_HOME "/.config"));
	cr_expect(has(s->write_roots, s->nwrite, ENG_WS));
	cr_expect(has(s->write_roots, s->nwrite, ENG_TMP "/x"));
	cr_expect(has(s->protect, s->nprotect, ENG_WS "/keep"));
	cr_expect_eq(s->net, CPOL_NET_CONNECT);
	cr_expect_eq(s->nconnect, 4);
	cr_expect_eq(s->connect_ports[0], 443);
	cr_expect_eq(s->connect_ports[3], 8002);
	cr_expect_eq(s->nbind, 1);
	cr_expect_eq(s->bind_ports[0], 9000);
	cr_expect_eq(s->require, 1);
	cr_expect_eq(s->trusted, 0);
	cr_expect_eq(cpol_spec_trusted(e->img), 0);
	cr_expect_eq(rs.nenv_keep, 2);
	cr_expect(has(rs.env_keep, rs.nenv_keep, "FOO") && has(rs.env_keep, rs.nenv_keep, "BAR"));
	cr_expect(cpol_spec_writable(&rs, ENG_WS "/src/a.c"));
	cr_expect(!cpol_spec_writable(&rs, "/usr/bin/ls"));
	cpol_spec_free(&rs);

	struct cpol_spec_deny d[4];
	size_t n = cpol_spec_denied(e->img, &env, d, 4);
	cr_assert_eq(n, 2);
	cr_expect_str_eq(d[0].path, ENG_HOME "/.ssh");
	cr_expect_eq(d[0].pattern, 0);
	cr_expect_str_eq(d[0].prefix, "~");
	cr_expect_str_eq(d[1].path, ".env");
	cr_expect_eq(d[1].pattern, 1);

	struct cpol_limits lim;
	cpol_spec_limits(e->img, &lim);
	cr_expect_eq(lim.time_s, 600);
	cr_expect_eq(lim.memory, 1ull << 30);
	cr_expect_eq(lim.cpu_s, 0);
	eng_free(e);
}

Test(spec, grants_widen_only_the_approved_rule)
{
	struct eng *e = eng_new("policy \"p\";\n"
	                        "sandbox { read \"/\"; write \"$WORKSPACE\"; network none; }\n"
	                        "default allow;\n"
	                        "rule \"plain\" { when program \"ls\"; prompt; }\n"
	                        "rule \"pip\" { when program \"pip\"; prompt;\n"
	                        "  grant write \"~/.cache/pip\"; grant network connect 443; }\n");
	cr_expect_str_eq(cpol_image_grant_rule(e->img), "pip");
	char t[256];
	cr_expect_eq(cpol_rule_grant_text(e->img, 0, 0, t, sizeof t), -1);
	cr_assert_gt(cpol_rule_grant_text(e->img, 1, 0, t, sizeof t), 0);
	cr_expect_eq(cpol_rule_grant_text(e->img, 1, 2, t, sizeof t), -1);
	cr_expect_gt(cpol_rule_grants_text(e->img, 1, t, sizeof t), 0);
	cr_expect(strstr(t, "write ~/.cache/pip") && strstr(t, "network connect 443"), "%s", t);

	struct cpol_spec rs;
	struct cpol_spec_grants g = { 0 };
	cpol_error err;
	cr_assert_eq(cpol_spec_read(e->img, &env, 0, &rs, &err), 0, "%s", err.msg);
	cr_expect_eq(rs.spec.net, CPOL_NET_NONE);
	size_t nw = rs.spec.nwrite;
	cr_assert_eq(cpol_spec_grant(e->img, 0, &env, &rs, &g, &err), 0, "%s", err.msg);
	cr_expect_eq(rs.spec.nwrite, nw, "a rule without grants widens nothing");
	cpol_spec_grants_free(&g);
	cr_assert_eq(cpol_spec_grant(e->img, 1, &env, &rs, &g, &err), 0, "%s", err.msg);
	cr_expect(has(rs.spec.write_roots, rs.spec.nwrite, ENG_HOME "/.cache/pip"));
	cr_expect(has(rs.spec.protect, rs.spec.nprotect, ENG_HOME "/.cache/pip/.git"), ".git stays read-only");
	cr_expect_eq(rs.spec.net, CPOL_NET_CONNECT);
	cr_expect_eq(rs.spec.nconnect, 1);
	cr_expect_eq(rs.spec.connect_ports[0], 443);
	cpol_spec_grants_free(&g);
	cpol_spec_free(&rs);
	eng_free(e);
}

Test(spec, trusted_profile)
{
	struct eng *e = eng_new("policy \"t\";\nsandbox { read \"/\"; write \"/\"; network any; }\ndefault allow;\n");
	struct cpol_spec rs;
	cpol_error err;
	cr_assert_eq(cpol_spec_read(e->img, &env, 0, &rs, &err), 0, "%s", err.msg);
	cr_expect_eq(rs.spec.trusted, 1);
	cr_expect_eq(cpol_spec_trusted(e->img), 1);
	cr_expect_eq(cpol_image_grant_rule(e->img), NULL);
	cpol_spec_free(&rs);
	eng_free(e);
}
