/* tests/grammar/test_errors.c -- what the checker says about malformed
 * policies: for each input, every diagnostic with its exact line, column
 * and message (lexer, parser and the semantic checks of compiler/resolve.c,
 * run through cpol_compile in lint-only mode); error recovery, which
 * reports each independent error once; the nesting and diagnostic limits;
 * and the named warnings. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/grammar/helpers.h"

static const struct {
	const char *what;
	const char *text;
	size_t len;               /* 0: strlen(text); set when it holds NUL bytes */
	const char *diags;        /* every diagnostic, LINE:COL: severity: message */
} malformed[] = {
	{ "unterminated string",
	  "allow program \"ls;\nallow program \"cat\";\n", 0,
	  "1:15: error: unterminated string (a string ends with '\"' on the same line)\n"
	  "2:1: error: unexpected 'allow', expected ';'\n" },
	{ "bad escape",
	  "forbid substring \"a\\qb\";\n", 0,
	  "1:20: error: unknown escape sequence '\\q' (use \\\" \\\\ \\n \\t \\r or \\xHH)\n" },
	{ "\\x00 in a string",
	  "forbid substring \"a\\x00b\";\n", 0,
	  "1:20: error: '\\x00' is not allowed in a string: an argument can never contain a NUL byte\n" },
	{ "NUL byte",
	  "allow program \"ls\";\0\n", 21,
	  "1:20: error: NUL byte in the policy source\n" },
	{ "NUL in string",
	  "allow program \"l\0s\";\n", 21,
	  "1:17: error: NUL byte in a string\n" },
	{ "invalid UTF-8 in a string",
	  "forbid substring \"caf\xe9""\";\n", 0,
	  "1:22: error: invalid UTF-8 byte 0xe9 in a string\n" },
	{ "invalid UTF-8 in a comment",
	  "# caf\xe9""\nallow program \"ls\";\n", 0,
	  "1:6: error: invalid UTF-8 byte 0xe9 in a comment\n" },
	{ "invalid UTF-8 elsewhere",
	  "allow program \"ls\"; \xff""\n", 0,
	  "1:21: error: invalid UTF-8 byte 0xff\n" },
	{ "unexpected character",
	  "allow program \"ls\" | \"cat\";\n", 0,
	  "1:20: error: unexpected character '|'\n"
	  "1:22: error: unexpected string, expected ';'\n" },
	{ "single quotes",
	  "allow program 'ls';\n", 0,
	  "1:15: error: strings are written in double quotes\n"
	  "1:19: error: unexpected ';', expected a string or a name\n" },
	{ "missing ;",
	  "allow program \"ls\"\nallow program \"cat\";\n", 0,
	  "2:1: error: unexpected 'allow', expected ';'\n" },
	{ "missing }",
	  "rule \"r\" {\n    allow;\n", 0,
	  "3:1: error: unexpected end of file, expected 'allow', 'prompt', 'forbid', 'when', 'evaluate', '}' or 'grant'\n" },
	{ "missing } in sandbox",
	  "sandbox {\n    read \"/\";\n", 0,
	  "3:1: error: unexpected end of file, expected 'read', 'write', 'network', 'bind', 'protect', 'env', '}', 'unix' or 'deny'\n" },
	{ "unexpected end of file",
	  "allow program\n", 0,
	  "2:1: error: unexpected end of file, expected a string or a name\n" },
	{ "unexpected end in a condition",
	  "rule \"r\" {\n    when program \"a\" and", 0,
	  "2:25: error: unexpected end of file\n" },
	{ "integer too large",
	  "rule \"r\" {\n    when arg 4294967296 is \"x\";\n    allow;\n}\n", 0,
	  "2:14: error: integer too large (the limit is 4294967295)\n" },
	{ "duplicate policy",
	  "policy \"a\";\npolicy \"b\";\ntest { }\n", 0,
	  "2:1: error: 'policy' is given twice\n"
	  "1:1: note: first given here\n" },
	{ "duplicate default",
	  "default allow;\ndefault forbid;\n", 0,
	  "2:1: error: 'default' is given twice\n"
	  "1:1: note: first given here\n" },
	{ "duplicate sandbox",
	  "sandbox { read \"/\"; }\nsandbox { read \"/\"; }\n", 0,
	  "2:1: error: 'sandbox' is given twice\n"
	  "1:1: note: first given here\n" },
	{ "duplicate network",
	  "sandbox {\n    network none;\n    network any;\n}\n", 0,
	  "3:5: error: 'network' is given twice in the sandbox\n"
	  "2:5: note: first given here\n" },
	{ "duplicate bind",
	  "sandbox {\n    bind 80;\n    bind 81;\n}\n", 0,
	  "3:5: error: 'bind' is given twice in the sandbox\n" },
	{ "unknown set",
	  "allow program tools;\n", 0,
	  "1:15: error: unknown set 'tools'\n" },
	{ "set used before definition",
	  "allow program tools;\nset tools = \"ls\";\n", 0,
	  "1:15: error: set 'tools' is used before its definition\n"
	  "2:1: note: defined here\n" },
	{ "duplicate set",
	  "set tools = \"ls\";\nset tools = \"cat\";\nallow program tools;\n", 0,
	  "2:1: error: set 'tools' is defined twice\n"
	  "1:1: note: first defined here\n" },
	{ "duplicate rule name",
	  "rule \"r\" { when program \"a\"; allow; }\nrule \"r\" { when program \"b\"; allow; }\n", 0,
	  "2:6: error: rule \"r\" is defined twice\n"
	  "1:6: note: first defined here\n" },
	{ "rule without action",
	  "rule \"r\" {\n    when program \"a\";\n}\n", 0,
	  "1:1: error: rule \"r\" has no action (allow, prompt, forbid or evaluate script)\n" },
	{ "two actions",
	  "rule \"r\" {\n    allow;\n    forbid;\n}\n", 0,
	  "3:5: error: rule \"r\" has more than one action (allow, prompt, forbid or evaluate)\n" },
	{ "evaluate and decide",
	  "rule \"r\" {\n    when program \"sh\";\n    evaluate script arg 2;\n    prompt;\n}\n", 0,
	  "4:5: error: rule \"r\" has more than one action (allow, prompt, forbid or evaluate)\n" },
	{ "two whens",
	  "rule \"r\" {\n    when program \"a\";\n    when program \"b\";\n    allow;\n}\n", 0,
	  "3:5: error: rule \"r\" has more than one 'when' (join the conditions with 'and' or 'or')\n" },
	{ "rule without a name",
	  "rule \"\" { allow; }\n", 0,
	  "1:6: error: a rule needs a name\n" },
	{ "port 0",
	  "sandbox {\n    network connect 0;\n}\n", 0,
	  "2:21: error: port 0 is out of range (1 to 65535)\n" },
	{ "port 70000",
	  "sandbox {\n    network connect 443, 70000;\n}\n", 0,
	  "2:26: error: port 70000 is out of range (1 to 65535)\n" },
	{ "port range reversed",
	  "sandbox {\n    bind 9000-8000;\n}\n", 0,
	  "2:10: error: port range 9000-8000 is empty\n" },
	{ "bad root",
	  "sandbox {\n    write \"build\";\n}\n", 0,
	  "2:11: error: a root is an absolute path, or starts with $WORKSPACE, $TMPDIR, $HOME or ~\n" },
	{ "bad root variable",
	  "sandbox {\n    read \"$PWD/x\";\n}\n", 0,
	  "2:10: error: a root is an absolute path, or starts with $WORKSPACE, $TMPDIR, $HOME or ~\n" },
	{ "empty root",
	  "sandbox {\n    read \"\";\n}\n", 0,
	  "2:10: error: empty path\n" },
	{ "protect escaping",
	  "sandbox {\n    protect \"../secrets\";\n}\n", 0,
	  "2:13: error: a protected name must stay inside the write roots\n" },
	{ "env keep not a name",
	  "sandbox {\n    env keep \"LD-PRELOAD\";\n}\n", 0,
	  "2:14: error: 'LD-PRELOAD' is not an environment variable name\n" },
	{ "flag with two letters",
	  "rule \"r\" {\n    when arg 1 flag \"rf\";\n    forbid;\n}\n", 0,
	  "2:21: error: a flag is one option letter, as in flag \"r\" for -r or -rf\n" },
	{ "flag with a dash",
	  "rule \"r\" {\n    when any arg flag \"-r\";\n    forbid;\n}\n", 0,
	  "2:23: error: a flag is one option letter, as in flag \"r\" for -r or -rf\n" },
	{ "empty pattern",
	  "forbid substring \"rm -rf /\", \"\";\n", 0,
	  "1:30: error: empty pattern: it would match everything\n" },
	{ "empty prefix",
	  "rule \"r\" {\n    when no arg prefix \"\";\n    allow;\n}\n", 0,
	  "2:24: error: empty pattern: it would match everything\n" },
	{ "program with a slash",
	  "allow program \"/usr/bin/git\";\n", 0,
	  "1:15: error: program names are bare names: write \"git\" (an absolute path into a system directory matches its basename)\n" },
	{ "program relative path",
	  "allow program \"./ls\";\n", 0,
	  "1:15: error: program names are bare names: write \"ls\" (an absolute path into a system directory matches its basename)\n" },
	{ "empty program",
	  "allow program \"\";\n", 0,
	  "1:15: error: empty program name\n" },
	{ "replace without input",
	  "wrapper program \"xargs\" replace (\"-I#\");\n", 0,
	  "1:1: error: 'replace' needs 'input': the text replaced comes from the input\n" },
	{ "replace of a flag",
	  "wrapper program \"xargs\" replace (\"-i\", \"--replace\") input;\n", 0,
	  "1:34: error: 'replace' lists options that take a value: -x# (glued or the next word), "
	  "-x[#] or --name[=] (optional, glued; alone it is {}), or --name=\n"
	  "1:40: error: 'replace' lists options that take a value: -x# (glued or the next word), "
	  "-x[#] or --name[=] (optional, glued; alone it is {}), or --name=\n" },
	{ "replace option among the options",
	  "wrapper program \"xargs\" options (\"-0\", \"-I\") replace (\"-I#\") input;\n", 0,
	  "1:55: error: option -I is listed under both 'options' and 'replace'\n" },
	{ "replace twice",
	  "wrapper program \"xargs\" replace (\"-I#\") replace (\"-i[#]\") input;\n", 0,
	  "1:41: error: 'replace' is given twice\n" },
	{ "evaluate script arg 0",
	  "rule \"r\" {\n    when program \"sh\";\n    evaluate script arg 0;\n}\n", 0,
	  "3:5: error: the script is an argument after the program: arg 1 to 65535\n" },
	{ "arg index too large",
	  "rule \"r\" {\n    when arg 65536 is \"x\";\n    allow;\n}\n", 0,
	  "2:10: error: argument index 65536 is too large (the limit is 65535)\n" },
	{ "argc too large",
	  "rule \"r\" {\n    when argc > 65536;\n    allow;\n}\n", 0,
	  "2:10: error: argument count 65536 is too large (the limit is 65535)\n" },
	{ "intent tests writes",
	  "intent write program \"cp\" target last when writes;\n", 0,
	  "1:44: error: an intent's condition cannot test 'writes' (intents are what those tests look at)\n" },
	{ "intent tests network",
	  "intent network program \"git\" when network;\n", 0,
	  "1:35: error: an intent's condition cannot test 'network' (intents are what those tests look at)\n" },
	{ "operands from 0",
	  "intent write program \"cp\" target operands from 0;\n", 0,
	  "1:34: error: operands are counted from 1\n" },
	{ "empty after",
	  "intent write program \"cc\" target after \"\";\n", 0,
	  "1:34: error: empty option name\n" },
	{ "empty example",
	  "test {\n    allow \"\";\n}\n", 0,
	  "2:5: error: empty example\n" },
	{ "relative cwd",
	  "test {\n    allow \"ls\" cwd \"tmp\";\n}\n", 0,
	  "2:5: error: an example's cwd must be an absolute path\n" },
	{ "failing example",
	  "allow program \"ls\";\ntest {\n    forbid \"ls -la\";\n}\n", 0,
	  "3:5: error: example \"ls -la\" should be forbid but is allow by rule \"allow program \"ls\"\" (t.cpol:1:1), matching ls\n" },
	{ "empty policy name",
	  "policy \"\";\ntest { }\n", 0,
	  "1:1: error: the policy needs a name\n" },
	{ "statement in a rule",
	  "rule \"r\" {\n    sandbox { }\n    allow;\n}\n", 0,
	  "2:5: error: unexpected 'sandbox', expected 'allow', 'prompt', 'forbid', 'when', 'evaluate', '}' or 'grant'\n" },
	{ "keyword as set name",
	  "set allow = \"x\";\n", 0,
	  "1:5: error: unexpected 'allow', expected a name\n" },
	{ "empty statement",
	  "allow program \"ls\";;\n", 0,
	  "1:20: error: unexpected ';'\n" },
	{ "stray }",
	  "}\nallow program \"ls\";\n", 0,
	  "1:1: error: unexpected '}'\n" },
	{ "decision without form",
	  "allow \"ls\";\n", 0,
	  "1:7: error: unexpected string, expected 'substring' or 'program'\n" },
	{ "number where a string goes",
	  "allow program 5;\n", 0,
	  "1:15: error: unexpected number, expected a string or a name\n" },
	{ "because without a reason",
	  "forbid program \"rm\" because;\n", 0,
	  "1:28: error: unexpected ';', expected a string\n" },
	{ "cwd in the wrong place",
	  "test {\n    allow cwd \"/\" \"ls\";\n}\n", 0,
	  "2:11: error: unexpected 'cwd', expected a string\n" },
	{ "network mode unknown",
	  "sandbox {\n    network some;\n}\n", 0,
	  "2:13: error: unexpected 'some', expected 'none', 'any', 'outbound', 'connect', 'allow' or 'deny'\n" },
	{ "writes outside what",
	  "rule \"r\" {\n    when writes outside;\n    forbid;\n}\n", 0,
	  "2:24: error: unexpected ';', expected 'sandbox'\n" },
	{ "arg without index",
	  "rule \"r\" {\n    when arg is \"x\";\n    allow;\n}\n", 0,
	  "2:14: error: unexpected 'is', expected a number\n" },
	{ "argc without comparison",
	  "rule \"r\" {\n    when argc 2;\n    allow;\n}\n", 0,
	  "2:15: error: unexpected number, expected '==', '!=', '<', '<=', '>' or '>='\n" },
	{ "target unknown",
	  "intent write program \"cp\" target first;\n", 0,
	  "1:34: error: unexpected 'first', expected 'last', 'operands', 'after', 'value' or 'cwd'\n" },
	{ "include not a string",
	  "include common;\n", 0,
	  "1:9: error: unexpected 'common', expected a string\n" },
	{ "unless without when",
	  "rule \"r\" {\n    unless true;\n    allow;\n}\n", 0,
	  "2:5: error: unexpected 'unless', expected 'allow', 'prompt', 'forbid', 'when', 'evaluate', '}' or 'grant'\n" },
	{ "set without =",
	  "set tools \"ls\";\n", 0,
	  "1:11: error: unexpected string, expected '='\n" },
	{ "not a statement",
	  "program \"ls\";\n", 0,
	  "1:1: error: unexpected 'program'\n" },

};

Test(errors, each_malformed_policy_gets_exactly_its_diagnostics)
{
	size_t n = sizeof malformed / sizeof malformed[0];
	cr_assert_geq(n, 30);
	for (size_t i = 0; i < n; i++) {
		size_t len = malformed[i].len ? malformed[i].len : strlen(malformed[i].text);
		cpol_unit *u = lint_policy_with("t.cpol", malformed[i].text, len, NULL, 0, NULL, 0);
		cr_assert_not_null(u);
		cr_expect_str_eq(diag_text(u, 0), malformed[i].diags, "%s", malformed[i].what);
		cr_expect_gt(u->nerrors, 0, "%s", malformed[i].what);
		cpol_unit_free(u);
	}
}

/* ---- limits ------------------------------------------------------------------- */

Test(errors, a_string_over_4096_bytes_is_too_long)
{
	char text[8192];
	int n = snprintf(text, sizeof text, "forbid substring \"%04096d\";\n", 0);
	cr_assert_lt(n, (int)sizeof text);
	cpol_unit *u = lint_policy(text);
	cr_expect_str_eq(diag_text(u, 0), "", "4096 bytes are fine");
	cpol_unit_free(u);
	snprintf(text, sizeof text, "allow program \"ls\";\nforbid substring \"%04097d\";\n", 0);
	u = lint_policy(text);
	cr_expect_str_eq(diag_text(u, 0), "2:18: error: string of 4097 bytes is too long (the limit is 4096)\n");
	cpol_unit_free(u);
}

/* when followed by `n` times `open` (then `true`, then `close` n times) */
static char *nested_rule(int n, const char *open, const char *close)
{
	size_t cap = 64 + (size_t)n * (strlen(open) + strlen(close));
	char *t = malloc(cap);
	cr_assert_not_null(t);
	size_t k = (size_t)snprintf(t, cap, "rule \"r\" {\n    when ");
	for (int i = 0; i < n; i++)
		k += (size_t)snprintf(t + k, cap - k, "%s", open);
	k += (size_t)snprintf(t + k, cap - k, "true");
	for (int i = 0; i < n; i++)
		k += (size_t)snprintf(t + k, cap - k, "%s", close);
	snprintf(t + k, cap - k, ";\n    allow;\n}\n");
	return t;
}

Test(errors, a_condition_nests_at_most_64_levels_of_parentheses_and_not)
{
	static const struct { int n; const char *open, *close; const char *diags; } cases[] = {
		{ 64, "(", ")", "" },
		{ 65, "(", ")", "2:74: error: condition nested too deeply (the limit is 64 levels of '(' and 'not')\n" },
		{ 64, "not ", "", "" },
		{ 65, "not ", "", "2:266: error: condition nested too deeply (the limit is 64 levels of '(' and 'not')\n" },
		{ 32, "not (", ")", "" },
		{ 33, "not (", ")", "2:170: error: condition nested too deeply (the limit is 64 levels of '(' and 'not')\n" },
		{ 64, "true and (", ")", "" },
		{ 65, "true or (", ")", "2:594: error: condition nested too deeply (the limit is 64 levels of '(' and 'not')\n" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *text = nested_rule(cases[i].n, cases[i].open, cases[i].close);
		cpol_unit *u = lint_policy(text);
		cr_expect_str_eq(diag_text(u, 0), cases[i].diags, "%d x '%s'", cases[i].n, cases[i].open);
		cpol_unit_free(u);
		free(text);
	}
}

Test(errors, not_side_by_side_is_not_nesting)
{
	/* 100 `not` atoms joined by and/or are one level deep */
	char text[8192];
	size_t k = (size_t)snprintf(text, sizeof text, "rule \"r\" {\n    when not program \"p0\"");
	for (int i = 1; i < 100; i++)
		k += (size_t)snprintf(text + k, sizeof text - k, " %s not program \"p%d\"", i % 2 ? "and" : "or", i);
	snprintf(text + k, sizeof text - k, ";\n    prompt;\n}\n");
	cpol_unit *u = lint_policy(text);
	cr_expect_str_eq(diag_text(u, 0), "");
	cpol_unit_free(u);
}

Test(errors, at_most_100_diagnostics_are_kept)
{
	char text[2000];
	text[0] = 0;
	for (int i = 0; i < 150; i++)
		strcat(text, "allow;\n");
	cpol_unit *u = lint_policy(text);
	cr_expect_eq(u->ndiags, 101);
	cr_expect_eq(u->diags[0].loc.line, 1);
	cr_expect_eq(u->diags[99].loc.line, 100);
	cr_expect_str_eq(u->diags[99].msg, "unexpected ';', expected 'substring' or 'program'");
	cr_expect_eq(u->diags[100].loc.line, 0);
	cr_expect_str_eq(u->diags[100].msg, "too many diagnostics; stopping here");
	cr_expect_eq(u->gave_up, 1);
	cpol_unit_free(u);
}

/* ---- error recovery ------------------------------------------------------------ */

Test(errors, three_independent_syntax_errors_give_three_diagnostics)
{
	const char *text =
		"policy \"recovery\";\n"                               /*  1 */
		"allow program \"ls\";\n"                              /*  2 */
		"allow program \"cat\" \"tac\";\n"                     /*  3: missing ',' */
		"rule \"git\" {\n"                                     /*  4 */
		"    when program \"git\" and arg 1 in (\"status\");\n" /*  5 */
		"    allow;\n"                                         /*  6 */
		"    forbid because;\n"                                /*  7: no reason */
		"}\n"                                                  /*  8 */
		"sandbox {\n"                                          /*  9 */
		"    read \"/\";\n"                                    /* 10 */
		"    write \"/tmp\";\n"                                /* 11 */
		"    network connect 80 443;\n"                        /* 12: missing ',' */
		"}\n"                                                  /* 13 */
		"test {\n"                                             /* 14 */
		"    allow \"ls\";\n"                                  /* 15 */
		"}\n";                                                 /* 16 */
	cpol_unit *u = lint_policy(text);
	cr_expect_str_eq(diag_text(u, 0),
	                 "3:21: error: unexpected string, expected ';'\n"
	                 "7:19: error: unexpected ';', expected a string\n"
	                 "12:24: error: unexpected number, expected ';' or ','\n");
	cr_expect_eq(u->nerrors, 3);
	cpol_unit_free(u);
}

/* A policy text and exactly the diagnostics linting it alone gives. */
struct lint_case {
	const char *text, *diags;
};

static void expect_diags(const struct lint_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		cpol_unit *u = lint_policy(c[i].text);
		cr_expect_str_eq(diag_text(u, 0), c[i].diags, "%s", c[i].text);
		cpol_unit_free(u);
	}
}

Test(errors, errors_in_adjacent_short_statements_are_each_reported)
{
	static const struct lint_case cases[] = {
		{ "default maybe;\ndefault;\nset = \"x\";\nallow;\n",
		  "1:9: error: unexpected 'maybe', expected 'allow', 'prompt' or 'forbid'\n"
		  "2:8: error: unexpected ';', expected 'allow', 'prompt' or 'forbid'\n"
		  "3:5: error: unexpected '=', expected a name\n"
		  "4:6: error: unexpected ';', expected 'substring' or 'program'\n" },
		{ "rule \"r\" {\n    when;\n    allow because;\n    forbid;\n}\n",
		  "2:9: error: unexpected ';'\n"
		  "3:18: error: unexpected ';', expected a string\n" },
		{ "sandbox {\n    read;\n    write;\n    network;\n}\n",
		  "2:9: error: unexpected ';', expected a string or a name\n"
		  "3:10: error: unexpected ';', expected a string or a name\n"
		  "4:12: error: unexpected ';', expected 'none', 'any', 'outbound', 'connect', 'allow' or 'deny'\n" },
		{ "test {\n    allow;\n    forbid 1;\n    prompt \"x\" cwd;\n}\n",
		  "2:10: error: unexpected ';', expected a string\n"
		  "3:12: error: unexpected number, expected a string\n"
		  "4:19: error: unexpected ';', expected a string\n" },
	};
	expect_diags(cases, sizeof cases / sizeof cases[0]);
}

Test(errors, a_lost_brace_is_one_error_not_a_cascade)
{
	static const struct lint_case cases[] = {
		/* the '}' is taken for the end of `allow`: the rule goes on to line 3 */
		{ "rule \"r\" { allow }\nallow program \"ls\";\nrule \"s\" { when true; allow; }\n",
		  "1:18: error: unexpected '}', expected ';'\n" },
		{ "sandbox { read \"/\" }\nallow program \"ls\";\ntest { allow \"ls\"; }\n",
		  "1:20: error: unexpected '}', expected ';' or ','\n" },
		/* the '{' is skipped with the bad header; its '}' closes nothing, and
		 * an independent error after the braces balance again is reported */
		{ "rule \"r\" x { when true; allow; }\nallow program \"a\" \"b\";\nforbid program \"c\" \"d\";\n",
		  "1:10: error: unexpected 'x', expected '{'\n"
		  "3:20: error: unexpected string, expected ';'\n" },
	};
	expect_diags(cases, sizeof cases / sizeof cases[0]);
}

Test(errors, a_statement_after_an_error_is_still_parsed)
{
	cpol_file *f;
	cpol_unit *u = parse_policy("allow program \"a\" \"b\";\nforbid program \"rm\";\n", &f);
	cr_expect_eq(u->nerrors, 1);
	cr_assert_eq(count_stmts(f), 1);
	cr_expect_eq(nth_stmt(f, 0)->kind, CPOL_S_RULE);
	cr_expect_eq(nth_stmt(f, 0)->loc.line, 2);
	cpol_unit_free(u);
}

/* ---- warnings ---------------------------------------------------------------------- */

static const struct {
	const char *name;
	const char *text;
	const char *diags;
} warnings[] = {
	{ "shadowed",
	  "allow program \"git\";\nrule \"git status\" {\n    when program \"git\" and arg 1 is \"status\";\n    allow;\n}\n",
	  "2:1: warning: rule \"git status\" never decides: the earlier rule \"allow program \"git\"\" matches whenever it does\n"
	  "1:1: note: the earlier rule is here\n" },
	{ "duplicate-pattern",
	  "allow program \"ls\", \"cat\", \"ls\";\n",
	  "1:28: warning: \"ls\" is listed twice\n" },
	{ "overridden",
	  "forbid program \"rm\";\nrule \"rm -i\" {\n    when program \"rm\" and arg 1 is \"-i\";\n    allow;\n}\n",
	  "2:1: warning: allow rule \"rm -i\" never decides: rule \"forbid program \"rm\"\" (forbid) matches whenever it does\n"
	  "1:1: note: the forbid rule is here\n" },
	{ "unused",
	  "set tools = \"ls\";\nallow program \"cat\";\n",
	  "1:1: warning: set 'tools' is never used\n" },
	{ "missing-test",
	  "policy \"p\";\nallow program \"ls\";\n",
	  "1:1: warning: policy \"p\" has no test section\n" },
	{ "profile",
	  "policy \"offline\";\nsandbox {\n    read \"/\";\n    network any;\n}\ntest { }\n",
	  "2:1: warning: policy \"offline\" grants network access\n" },
	{ "profile",
	  "policy \"offline\";\nsandbox {\n    read \"/\";\n    write \"/home\";\n}\ntest { }\n",
	  "4:11: warning: policy \"offline\" grants writing to /home\n" },
	{ "profile",
	  "policy \"workspace-write\";\nsandbox {\n    write \"$WORKSPACE\", \"/srv\";\n}\ntest { }\n",
	  "3:25: warning: policy \"workspace-write\" grants writing outside the workspace: /srv\n" },
	{ "profile",
	  "policy \"everything\";\nsandbox {\n    write \"/\";\n    network any;\n}\ntest { }\n",
	  "2:1: warning: policy \"everything\" grants everything; name it trusted\n" },
};

Test(errors, each_named_warning)
{
	for (size_t i = 0; i < sizeof warnings / sizeof warnings[0]; i++) {
		cpol_unit *u = lint_policy(warnings[i].text);
		cr_expect_str_eq(diag_text(u, 0), warnings[i].diags, "-W%s", warnings[i].name);
		cr_expect_eq(u->nerrors, 0);
		cr_assert_geq(u->ndiags, 1);
		cr_expect_str_eq(u->diags[0].wname, warnings[i].name);
		cpol_unit_free(u);

		/* -Wno-NAME drops it; -Werror makes it an error */
		cpol_file *f;
		u = parse_policy(warnings[i].text, &f);
		cr_assert_eq(cpol_unit_set_warning(u, warnings[i].name, 0), 0);
		struct cpol_compile_opts o = { 0 };
		cr_expect_eq(cpol_compile(u, f, &o, 1, NULL, NULL), 0);
		cr_expect_eq(u->nwarnings, 0, "-Wno-%s", warnings[i].name);
		cpol_unit_free(u);
		u = parse_policy(warnings[i].text, &f);
		u->werror = 1;
		cr_expect_eq(cpol_compile(u, f, &o, 1, NULL, NULL), -1);
		cr_expect_eq(u->nerrors, 1, "-Werror with -W%s", warnings[i].name);
		cr_expect_eq(u->diags[0].severity, CPOL_SEV_ERROR);
		cpol_unit_free(u);
	}
	cpol_unit *u = cpol_unit_new();
	cr_expect_eq(cpol_unit_set_warning(u, "no-such-warning", 1), -1);
	cpol_unit_free(u);
}
