/* tests/engine/test_rules.c -- conditions and verdicts: every argument
 * predicate (in, is, prefix, suffix, contains, flag, option with glued
 * values), argc comparisons, not/and/or/unless and their precedence, the
 * strictest decision winning with the first in source order among equals,
 * the default, and the strings of a verdict (rule, reason, file, line, col,
 * matched text). */
#include "tests/engine/helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define A CPOL_ALLOW
#define P CPOL_PROMPT
#define F CPOL_FORBID

struct tcase {
	const char *argv[6];
	int match;               /* does the condition hold */
};

/* Check a condition alone: `rule "c" { when COND; forbid; }` with default allow. */
static void check_cond(const char *cond, const struct tcase *c, size_t n)
{
	char policy[1024];
	snprintf(policy, sizeof policy, "default allow;\nrule \"c\" { when %s; forbid; }\n", cond);
	struct eng *e = eng_new(policy);
	for (size_t i = 0; i < n; i++) {
		int d = eng_eval(e, c[i].argv);
		cr_expect_eq(d, c[i].match ? F : A, "when %s: case %zu [%s|%s|%s] should %smatch", cond, i,
		             c[i].argv[0], c[i].argv[0] && c[i].argv[1] ? c[i].argv[1] : "",
		             c[i].argv[0] && c[i].argv[1] && c[i].argv[2] ? c[i].argv[2] : "", c[i].match ? "" : "not ");
	}
	eng_free(e);
}

#define CHECK(cond, ...) do { \
		static const struct tcase cases_[] = { __VA_ARGS__ }; \
		check_cond(cond, cases_, sizeof cases_ / sizeof cases_[0]); \
	} while (0)

Test(pred, in_and_is)
{
	CHECK("arg 1 in (\"status\", \"log\")",
	      { { "git", "status" }, 1 }, { { "git", "log" }, 1 }, { { "git", "logs" }, 0 },
	      { { "git", "Status" }, 0 }, { { "git" }, 0 }, { { "git", "x", "status" }, 0 },
	      { { "git", "" }, 0 });
	CHECK("arg 1 in \"a\", \"\"", { { "x", "" }, 1 }, { { "x", "a" }, 1 }, { { "x" }, 0 });
	CHECK("arg 0 is \"git\"", { { "git" }, 1 }, { { "/usr/bin/git" }, 0 }, { { "gi" }, 0 });
	CHECK("arg 3 is \"z\"", { { "a", "b", "c", "z" }, 1 }, { { "a", "b", "c" }, 0 }, { { "a", "z", "z", "y" }, 0 });
	CHECK("any arg in (\"-exec\", \"-delete\")",
	      { { "find", ".", "-exec", "rm" }, 1 }, { { "find", "-delete" }, 1 }, { { "-exec" }, 0 },
	      { { "find", "-execdir" }, 0 });
	CHECK("no arg in (\"-exec\", \"-delete\")",
	      { { "find", "." }, 1 }, { { "find" }, 1 }, { { "find", "-delete" }, 0 }, { { "-exec" }, 1 });
}

Test(pred, prefix_and_suffix)
{
	CHECK("arg 1 prefix \"--out\", \"-o\"",
	      { { "x", "--output" }, 1 }, { { "x", "--out" }, 1 }, { { "x", "-o" }, 1 }, { { "x", "-ofile" }, 1 },
	      { { "x", "--ou" }, 0 }, { { "x", "" }, 0 }, { { "x", "a--out" }, 0 });
	CHECK("any arg suffix (\".sh\", \".py\")",
	      { { "x", "a.sh" }, 1 }, { { "x", "y", ".py" }, 1 }, { { "x", "a.shx" }, 0 }, { { "x", "sh" }, 0 },
	      { { "run.sh" }, 0 });
	CHECK("arg 0 suffix \"sh\"", { { "bash" }, 1 }, { { "/bin/sh" }, 1 }, { { "shx" }, 0 });
}

Test(pred, flag)
{
	CHECK("any arg flag \"r\"",
	      { { "rm", "-r" }, 1 }, { { "rm", "-rf" }, 1 }, { { "rm", "-fr" }, 1 }, { { "rm", "-Rr" }, 1 },
	      { { "rm", "-f", "x", "-vr" }, 1 }, { { "rm", "--r" }, 0 }, { { "rm", "--recursive" }, 0 },
	      { { "rm", "-" }, 0 }, { { "rm", "r" }, 0 }, { { "rm", "-f" }, 0 }, { { "rm", "-R" }, 0 },
	      { { "-r" }, 0 });
	CHECK("arg 1 flag \"f\", \"F\"", { { "x", "-F" }, 1 }, { { "x", "-abf" }, 1 }, { { "x", "-ab" }, 0 },
	      { { "x", "-a", "-f" }, 0 });
	/* a glued value counts as part of the cluster: -ofile holds f */
	CHECK("arg 1 flag \"f\"", { { "x", "-ofile" }, 1 });
}

Test(pred, option_short_with_glued_values)
{
	CHECK("any arg option \"-o\"",
	      { { "cc", "-o", "x" }, 1 }, { { "cc", "-ofile" }, 1 }, { { "cc", "-o=x" }, 1 },
	      { { "cc", "-vo" }, 1 }, { { "cc", "--o" }, 0 }, { { "cc", "--output" }, 0 },
	      { { "cc", "-v" }, 0 }, { { "cc", "o" }, 0 }, { { "cc", "-" }, 0 }, { { "-o" }, 0 });
	CHECK("arg 2 option \"-i\"", { { "sed", "x", "-i.bak" }, 1 }, { { "sed", "-i", "x" }, 0 },
	      { { "sed", "x", "-ni" }, 1 });
}

Test(pred, option_long_and_plain)
{
	CHECK("any arg option \"--output\"",
	      { { "x", "--output" }, 1 }, { { "x", "--output=f" }, 1 }, { { "x", "--output=" }, 1 },
	      { { "x", "--outputx" }, 0 }, { { "x", "-output" }, 0 }, { { "x", "--outputs=x" }, 0 },
	      { { "x", "--output-dir=f" }, 0 });
	CHECK("any arg option \"-exec\"", { { "find", "-exec" }, 1 }, { { "find", "-exec=x" }, 1 },
	      { { "find", "-execdir" }, 0 }, { { "find", "-e" }, 0 });
	CHECK("any arg option \"of\"", { { "dd", "of=/x" }, 1 }, { { "dd", "of" }, 1 }, { { "dd", "off" }, 0 },
	      { { "dd", "if=/x" }, 0 });
}

Test(pred, argc)
{
	CHECK("argc == 2", { { "a", "b" }, 1 }, { { "a" }, 0 }, { { "a", "b", "c" }, 0 });
	CHECK("argc != 2", { { "a", "b" }, 0 }, { { "a" }, 1 }, { { "a", "b", "c" }, 1 });
	CHECK("argc < 2", { { "a" }, 1 }, { { "a", "b" }, 0 });
	CHECK("argc <= 2", { { "a" }, 1 }, { { "a", "b" }, 1 }, { { "a", "b", "c" }, 0 });
	CHECK("argc > 2", { { "a", "b" }, 0 }, { { "a", "b", "c" }, 1 });
	CHECK("argc >= 2", { { "a" }, 0 }, { { "a", "b" }, 1 }, { { "a", "b", "c" }, 1 });
	CHECK("argc == 0", { { "a" }, 0 });
	struct eng *e = eng_new("default allow;\nrule \"none\" { when argc == 0; forbid; }\n");
	const char *none[] = { NULL };
	cr_expect_eq(cpol_eval(e->ctx, 0, none, &e->res), F);
	eng_free(e);
}

Test(logic, not_and_or_unless)
{
	CHECK("not arg 1 is \"a\"", { { "x", "a" }, 0 }, { { "x", "b" }, 1 }, { { "x" }, 1 });
	CHECK("arg 1 is \"a\" and arg 2 is \"b\"", { { "x", "a", "b" }, 1 }, { { "x", "a", "c" }, 0 }, { { "x", "c", "b" }, 0 });
	CHECK("arg 1 is \"a\" or arg 2 is \"b\"", { { "x", "a", "c" }, 1 }, { { "x", "c", "b" }, 1 }, { { "x", "c", "c" }, 0 });
	/* precedence: not > and > or */
	CHECK("arg 1 is \"a\" or arg 1 is \"b\" and arg 2 is \"c\"",
	      { { "x", "a", "z" }, 1 }, { { "x", "b", "c" }, 1 }, { { "x", "b", "z" }, 0 });
	CHECK("(arg 1 is \"a\" or arg 1 is \"b\") and arg 2 is \"c\"",
	      { { "x", "a", "z" }, 0 }, { { "x", "a", "c" }, 1 }, { { "x", "b", "c" }, 1 });
	CHECK("not arg 1 is \"a\" and arg 2 is \"c\"",
	      { { "x", "b", "c" }, 1 }, { { "x", "a", "c" }, 0 }, { { "x", "b", "z" }, 0 });
	CHECK("not (arg 1 is \"a\" and arg 2 is \"c\")",
	      { { "x", "b", "c" }, 1 }, { { "x", "a", "c" }, 0 }, { { "x", "a", "z" }, 1 });
	CHECK("not not true", { { "x" }, 1 });
	CHECK("not true or not not arg 1 is \"q\"", { { "x", "q" }, 1 }, { { "x" }, 0 });
	CHECK("true and (arg 5 is \"q\" or true)", { { "x" }, 1 });
}

Test(logic, deep_nesting_and_short_circuits)
{
	/* alternating and/or chains exercise forward jumps over nested code */
	CHECK("(arg 1 is \"a\" and (arg 2 is \"b\" or (arg 3 is \"c\" and not arg 4 is \"d\"))) or argc == 7",
	      { { "x", "a", "b" }, 1 }, { { "x", "a", "z", "c" }, 1 }, { { "x", "a", "z", "c", "d" }, 0 },
	      { { "x", "z", "b", "c" }, 0 }, { { "1", "2", "3", "4", "5" }, 0 });
	CHECK("((((arg 1 is \"a\"))))", { { "x", "a" }, 1 }, { { "x", "b" }, 0 });
}

Test(logic, unless)
{
	struct eng *e = eng_new(
		"default allow;\n"
		"rule \"rm\" { when program \"rm\" unless arg 1 is \"-i\" or arg 1 is \"--interactive\"; forbid; }\n"
		"rule \"always\" { prompt; }\n"
		"rule \"always unless\" { when true unless program \"ls\"; allow; }\n");
	cr_expect_eq(EV(e, "rm", "x"), F);
	cr_expect_eq(EV(e, "rm", "-i", "x"), P);
	cr_expect_eq(EV(e, "rm", "--interactive"), P);
	cr_expect_eq(EV(e, "ls"), P);
	cr_expect_str_eq(e->res.verdict.rule, "always");
	eng_free(e);
}

Test(verdict, strictest_wins_first_in_source_order)
{
	struct eng *e = eng_new(
		"default allow;\n"
		"rule \"p1\" { when arg 1 is \"a\"; prompt because \"first prompt\"; }\n"   /* 0 */
		"rule \"a1\" { when arg 1 is \"a\"; allow; }\n"                             /* 1 */
		"rule \"p2\" { when arg 1 is \"a\" or arg 1 is \"b\"; prompt; }\n"          /* 2 */
		"rule \"f1\" { when arg 2 is \"z\"; forbid because \"z\"; }\n"              /* 3 */
		"rule \"f2\" { when arg 2 is \"z\" or arg 2 is \"y\"; forbid; }\n"          /* 4 */
		"rule \"a2\" { when arg 1 is \"c\"; allow because \"c is fine\"; }\n"       /* 5 */
		"rule \"a3\" { when arg 1 is \"c\"; allow; }\n");                           /* 6 */
	struct { const char *argv[4]; int dec; const char *rule; int index; } c[] = {
		{ { "x", "a" }, P, "p1", 0 },
		{ { "x", "b" }, P, "p2", 2 },
		{ { "x", "a", "z" }, F, "f1", 3 },
		{ { "x", "b", "y" }, F, "f2", 4 },
		{ { "x", "c" }, A, "a2", 5 },
		{ { "x", "c", "y" }, F, "f2", 4 },
		{ { "x", "d" }, A, "default", -1 },
	};
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		cr_expect_eq(eng_eval(e, c[i].argv), c[i].dec, "case %zu", i);
		cr_expect_str_eq(e->res.verdict.rule, c[i].rule, "case %zu", i);
		cr_expect_eq(e->res.verdict.index, c[i].index, "case %zu", i);
	}
	EV(e, "x", "c");
	cr_expect_str_eq(e->res.verdict.reason, "c is fine");
	EV(e, "x", "a");
	cr_expect_str_eq(e->res.verdict.reason, "first prompt");
	EV(e, "x", "d");
	cr_expect_str_eq(e->res.verdict.reason, "no rule matched");
	cr_expect_str_eq(e->res.verdict.file, "");
	cr_expect_eq(e->res.verdict.line, 0);
	cr_expect_eq(e->res.ncommands, 0);
	eng_free(e);
}

Test(verdict, dispatched_and_generic_rules_interleave_in_source_order)
{
	struct eng *e = eng_new(
		"default allow;\n"
		"rule \"g0\" { when arg 1 is \"x\"; prompt; }\n"
		"rule \"git1\" { when program \"git\" and arg 1 is \"x\"; prompt; }\n"
		"rule \"g2\" { when arg 1 is \"y\"; forbid; }\n"
		"rule \"git3\" { when program \"git\" and arg 1 is \"y\"; forbid; }\n"
		"rule \"git4\" { when program \"git\" and arg 1 is \"z\"; prompt; }\n"
		"rule \"g5\" { when arg 1 is \"z\"; prompt; }\n");
	cr_expect_eq(EV(e, "git", "x"), P);
	cr_expect_str_eq(e->res.verdict.rule, "g0");
	cr_expect_eq(EV(e, "git", "y"), F);
	cr_expect_str_eq(e->res.verdict.rule, "g2");
	cr_expect_eq(EV(e, "git", "z"), P);
	cr_expect_str_eq(e->res.verdict.rule, "git4");
	cr_expect_eq(e->res.verdict.index, 4);
	cr_expect_eq(EV(e, "hg", "z"), P);
	cr_expect_str_eq(e->res.verdict.rule, "g5");
	eng_free(e);
}

Test(verdict, default_decisions)
{
	const char *p[] = { "default allow;\n", "default prompt;\n", "default forbid;\n", "" };
	int want[] = { A, P, F, P };
	for (int i = 0; i < 4; i++) {
		char policy[256];
		snprintf(policy, sizeof policy, "%srule \"r\" { when program \"zz\"; allow; }\n", p[i]);
		struct eng *e = eng_new(policy);
		cr_expect_eq(EV(e, "ls"), want[i], "%s", p[i]);
		cr_expect_eq((int)cpol_image_default(e->img), want[i]);
		cr_expect_str_eq(e->res.verdict.rule, "default");
		cr_expect_eq(e->res.verdict.index, -1);
		cr_expect_eq(EV(e, "zz"), A);
		eng_free(e);
	}
}

Test(verdict, strings)
{
	struct eng *e = eng_new(
		"policy \"strings\";\n"                                                      /* 1 */
		"default prompt;\n"                                                          /* 2 */
		"  forbid substring \"mkfs\" because \"destructive\";\n"                     /* 3 */
		"allow program \"ls\", \"cat\";\n"                                           /* 4 */
		"rule \"git read-only\" {\n"                                                 /* 5 */
		"    when program \"git\" and arg 1 in (\"status\", \"log\");\n"
		"    allow;\n"
		"}\n"
		"\trule \"flags\" { when program \"rm\" and any arg flag \"r\"; forbid because \"recursive\"; }\n" /* 9 */
		"rule \"either\" { when program \"cp\" or program \"mv\"; prompt; }\n");    /* 10 */
	cr_expect_str_eq(cpol_image_name(e->img), "strings");
	cr_expect_eq(EV(e, "mkfs.ext4", "/dev/x"), F);
	cr_expect_str_eq(e->res.verdict.rule, "forbid substring \"mkfs\"");
	cr_expect_str_eq(e->res.verdict.reason, "destructive");
	cr_expect_str_eq(e->res.verdict.file, "t.cpol");
	cr_expect_eq(e->res.verdict.line, 3);
	cr_expect_eq(e->res.verdict.col, 3);
	cr_expect_str_eq(e->res.verdict.matched, "mkfs");
	cr_expect_eq(e->res.verdict.index, 0);

	cr_expect_eq(EV(e, "ls", "-la"), A);
	cr_expect_str_eq(e->res.verdict.rule, "allow program \"ls\", \"cat\"");
	cr_expect_str_eq(e->res.verdict.reason, "");
	cr_expect_eq(e->res.verdict.line, 4);
	cr_expect_eq(e->res.verdict.col, 1);
	cr_expect_str_eq(e->res.verdict.matched, "ls");

	cr_expect_eq(EV(e, "/usr/bin/cat", "x"), A);
	cr_expect_str_eq(e->res.verdict.matched, "cat");

	cr_expect_eq(EV(e, "git", "log"), A);
	cr_expect_str_eq(e->res.verdict.rule, "git read-only");
	cr_expect_eq(e->res.verdict.line, 5);
	cr_expect_eq(e->res.verdict.col, 1);
	cr_expect_str_eq(e->res.verdict.matched, "log");

	cr_expect_eq(EV(e, "rm", "-v", "-fr", "x"), F);
	cr_expect_str_eq(e->res.verdict.rule, "flags");
	cr_expect_str_eq(e->res.verdict.reason, "recursive");
	cr_expect_eq(e->res.verdict.line, 9);
	cr_expect_eq(e->res.verdict.col, 2);
	cr_expect_str_eq(e->res.verdict.matched, "-fr");

	cr_expect_eq(EV(e, "mv", "a", "b"), P);
	cr_expect_str_eq(e->res.verdict.matched, "mv");
	cr_expect_eq(EV(e, "/bin/cp", "a", "b"), P);
	cr_expect_str_eq(e->res.verdict.matched, "cp");
	eng_free(e);
}

Test(verdict, rule_positions_across_includes)
{
	static const char *const paths[] = { "/mem/main.cpol", "/mem/inc/common.cpol" };
	static const char *const texts[] = {
		"default allow;\n"
		"rule \"before\" { when arg 1 is \"b\"; prompt; }\n"
		"include \"inc/common.cpol\";\n"
		"rule \"after\" { when arg 1 is \"a\"; forbid; }\n",
		"# common\n"
		"\n"
		"    rule \"included\" { when arg 1 is \"i\"; forbid; }\n",
	};
	const size_t sizes[] = { strlen(texts[0]), strlen(texts[1]) };
	cpol_unit *u = cpol_unit_new();
	u->mem_paths = paths;
	u->mem_texts = texts;
	u->mem_sizes = sizes;
	u->nmem = 2;
	cpol_file *f = cpol_parse_file(u, paths[0]);
	uint8_t *img = NULL;
	size_t len = 0;
	int rc = f ? cpol_compile(u, f, &(struct cpol_compile_opts){ 0 }, 0, &img, &len) : -1;
	if (rc < 0)
		cpol_diag_print(u, stderr);
	cr_assert_eq(rc, 0);
	cpol_error err;
	cpol_image *im = cpol_image_load(img, len, 0, &err);
	cr_assert(im, "%s", err.msg);
	cpol_ctx *ctx = cpol_ctx_new(im, NULL, &err);
	cr_assert(ctx, "%s", err.msg);
	cpol_result r;
	const char *a1[] = { "x", "i" }, *a2[] = { "x", "a" }, *a3[] = { "x", "b" };
	cr_expect_eq(cpol_eval(ctx, 2, a1, &r), F);
	cr_expect_str_eq(r.verdict.rule, "included");
	cr_expect_eq(r.verdict.index, 1);
	cr_expect(strstr(r.verdict.file, "common.cpol") != NULL, "file %s", r.verdict.file);
	cr_expect_eq(r.verdict.line, 3);
	cr_expect_eq(r.verdict.col, 5);
	cr_expect_eq(cpol_eval(ctx, 2, a2, &r), F);
	cr_expect_eq(r.verdict.index, 2);
	cr_expect_eq(r.verdict.line, 4);
	cr_expect(strstr(r.verdict.file, "main.cpol") != NULL, "file %s", r.verdict.file);
	cr_expect_eq(cpol_eval(ctx, 2, a3, &r), P);
	cr_expect_eq(r.verdict.index, 0);
	cpol_ctx_free(ctx);
	cpol_image_close(im);
	free(img);
	cpol_unit_free(u);
}

Test(verdict, strings_stay_valid_until_the_next_evaluation)
{
	struct eng *e = eng_new("default allow;\nrule \"r\" { when any arg contains \"secret\"; prompt because \"why\"; }\n");
	char arg[64];
	snprintf(arg, sizeof arg, "my-secret-value");
	const char *argv[] = { "x", arg };
	cr_assert_eq(cpol_eval(e->ctx, 2, argv, &e->res), P);
	memset(arg, 'Z', strlen(arg)); /* the caller's argv changes: the verdict keeps its copy */
	cr_expect_str_eq(e->res.verdict.matched, "my-secret-value");
	eng_free(e);
}
