/* tests/grammar/test_parser.c -- the grammar (grammar/grammar.y): every
 * statement, sandbox item, condition atom and predicate, the precedence of
 * not/and/or, unless, sets, intents with every target, tests with cwd and
 * the short rule forms, each parsed from inline policy text into the AST
 * whose shape is checked. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/grammar/helpers.h"

/* Parse text that must be free of diagnostics. */
static cpol_unit *parse_ok(const char *text, cpol_file **f)
{
	cpol_unit *u = parse_policy(text, f);
	cr_assert_not_null(u);
	cr_assert_not_null(*f);
	cr_assert_eq(u->ndiags, 0, "%s\n=> %s", text, diag_text(u, 0));
	return u;
}

/* ---- top-level statements -------------------------------------------------- */

Test(grammar, an_empty_file_has_no_statements)
{
	cpol_file *f;
	cpol_unit *u = parse_ok("", &f);
	cr_expect_eq(count_stmts(f), 0);
	cpol_unit_free(u);
	u = parse_ok("# nothing but a comment\n\n", &f);
	cr_expect_eq(count_stmts(f), 0);
	cr_expect_not_null(f->comments);
	cpol_unit_free(u);
}

Test(grammar, policy_names_the_policy)
{
	cpol_file *f;
	cpol_unit *u = parse_ok("policy \"workspace-write\";\n", &f);
	cpol_stmt *s = nth_stmt(f, 0);
	cr_assert_eq(s->kind, CPOL_S_POLICY);
	cr_expect_str_eq(s->u.policy.name, "workspace-write");
	cr_expect_eq(s->u.policy.len, 15);
	cr_expect_eq(s->loc.line, 1);
	cr_expect_eq(s->loc.col, 1);
	cpol_unit_free(u);
}

Test(grammar, include_names_a_file_and_links_it_once_resolved)
{
	static const struct tfile files[] = { { "common/safe.cpol", "allow program \"ls\";\n" } };
	const char *text = "include \"common/safe.cpol\";\n";
	cpol_file *f;
	cpol_unit *u = parse_policy_with("t.cpol", text, strlen(text), files, 1, NULL, 0, &f);
	cr_assert_eq(u->ndiags, 0, "%s", diag_text(u, 0));
	cpol_stmt *s = nth_stmt(f, 0);
	cr_assert_eq(s->kind, CPOL_S_INCLUDE);
	cr_expect_str_eq(s->u.include.path, "common/safe.cpol");
	cr_assert_not_null(s->u.include.file);
	cr_expect_str_eq(s->u.include.file->path, "common/safe.cpol");
	cr_expect_eq(s->u.include.file->depth, 1);
	cr_expect_eq(nth_stmt(s->u.include.file, 0)->kind, CPOL_S_RULE);
	cr_expect_eq(u->nfiles, 2);
	cpol_unit_free(u);
}

Test(grammar, default_takes_each_decision)
{
	static const struct { const char *text; int dec; } defs[] = {
		{ "default allow;", CPOL_DEC_ALLOW },
		{ "default prompt;", CPOL_DEC_PROMPT },
		{ "default forbid;", CPOL_DEC_FORBID },
	};
	for (size_t i = 0; i < 3; i++) {
		cpol_file *f;
		cpol_unit *u = parse_ok(defs[i].text, &f);
		cpol_stmt *s = nth_stmt(f, 0);
		cr_assert_eq(s->kind, CPOL_S_DEFAULT);
		cr_expect_eq(s->u.def.dec, defs[i].dec, "%s", defs[i].text);
		cpol_unit_free(u);
	}
}

Test(grammar, set_names_a_list_of_strings_and_earlier_sets)
{
	cpol_file *f;
	cpol_unit *u = parse_ok("set readers = \"cat\", \"less\";\nset tools = readers, \"grep\";\n", &f);
	cpol_stmt *a = nth_stmt(f, 0), *b = nth_stmt(f, 1);
	cr_assert_eq(a->kind, CPOL_S_SET);
	cr_expect_str_eq(a->u.set.name, "readers");
	cr_expect_eq(a->u.set.len, 7);
	cr_expect_str_eq(list_text(&a->u.set.list), "cat|less");
	cr_expect_eq(a->u.set.list.n, 2);
	cr_assert_eq(b->kind, CPOL_S_SET);
	cr_expect_str_eq(b->u.set.name, "tools");
	cr_expect_str_eq(list_text(&b->u.set.list), "@readers|grep");
	cr_expect_eq(b->u.set.list.first->kind, CPOL_ITEM_NAME);
	cr_expect_eq(b->u.set.list.first->loc.line, 2);
	cr_expect_eq(b->u.set.list.first->loc.col, 13);
	cpol_unit_free(u);
}

/* ---- sandbox -------------------------------------------------------------------- */

Test(grammar, sandbox_holds_every_item_in_source_order)
{
	const char *text =
		"sandbox {\n"
		"    read  \"/\";\n"
		"    write \"$WORKSPACE\", \"$TMPDIR\", \"/tmp\";\n"
		"    protect \".git\", \"$HOME/.ssh\";\n"
		"    env keep \"PAGER\", \"NODE_OPTIONS\";\n"
		"    network connect 80, 443, 8000-8100;\n"
		"    bind 8080, 9000-9100;\n"
		"}\n";
	cpol_file *f;
	cpol_unit *u = parse_ok(text, &f);
	cpol_stmt *s = nth_stmt(f, 0);
	cr_assert_eq(s->kind, CPOL_S_SANDBOX);
	static const struct { int kind; uint32_t line; const char *list; } want[] = {
		{ CPOL_SB_READ, 2, "/" },
		{ CPOL_SB_WRITE, 3, "$WORKSPACE|$TMPDIR|/tmp" },
		{ CPOL_SB_PROTECT, 4, ".git|$HOME/.ssh" },
		{ CPOL_SB_ENV_KEEP, 5, "PAGER|NODE_OPTIONS" },
		{ CPOL_SB_NETWORK, 6, "" },
		{ CPOL_SB_BIND, 7, "" },
	};
	cpol_sbitem *it = s->u.sandbox.items;
	for (size_t i = 0; i < 6; i++, it = it->next) {
		cr_assert_not_null(it, "item %zu", i);
		cr_expect_eq(it->kind, want[i].kind, "item %zu", i);
		cr_expect_eq(it->loc.line, want[i].line, "item %zu", i);
		cr_expect_eq(it->loc.col, 5, "item %zu", i);
		cr_expect_str_eq(list_text(&it->list), want[i].list, "item %zu", i);
	}
	cr_expect_null(it);
	/* ports in source order, a range as lo-hi */
	it = s->u.sandbox.items->next->next->next->next;
	cr_expect_eq(it->net, CPOL_NET_CONNECT);
	static const uint32_t conn[][2] = { { 80, 80 }, { 443, 443 }, { 8000, 8100 } };
	cpol_port *p = it->ports;
	for (size_t i = 0; i < 3; i++, p = p->next) {
		cr_assert_not_null(p);
		cr_expect_eq(p->lo, conn[i][0]);
		cr_expect_eq(p->hi, conn[i][1]);
	}
	cr_expect_null(p);
	p = it->next->ports;
	cr_assert_not_null(p);
	cr_expect_eq(p->lo, 8080);
	cr_expect_eq(p->hi, 8080);
	cr_expect_eq(p->loc.col, 10);
	cr_assert_not_null(p->next);
	cr_expect_eq(p->next->lo, 9000);
	cr_expect_eq(p->next->hi, 9100);
	cpol_unit_free(u);
}

Test(grammar, network_takes_each_mode)
{
	static const struct { const char *text; int net; } modes[] = {
		{ "sandbox { network none; }", CPOL_NET_NONE },
		{ "sandbox { network any; }", CPOL_NET_ANY },
		{ "sandbox { network outbound; }", CPOL_NET_OUTBOUND },
		{ "sandbox { network connect 443; }", CPOL_NET_CONNECT },
	};
	for (size_t i = 0; i < 4; i++) {
		cpol_file *f;
		cpol_unit *u = parse_ok(modes[i].text, &f);
		cpol_sbitem *it = nth_stmt(f, 0)->u.sandbox.items;
		cr_assert_not_null(it);
		cr_expect_eq(it->kind, CPOL_SB_NETWORK);
		cr_expect_eq(it->net, modes[i].net, "%s", modes[i].text);
		cr_expect_null(it->next);
		cpol_unit_free(u);
	}
}

Test(grammar, an_empty_sandbox_has_no_items)
{
	cpol_file *f;
	cpol_unit *u = parse_ok("sandbox { }", &f);
	cr_expect_eq(nth_stmt(f, 0)->kind, CPOL_S_SANDBOX);
	cr_expect_null(nth_stmt(f, 0)->u.sandbox.items);
	cpol_unit_free(u);
}

/* ---- rules ------------------------------------------------------------------------ */

Test(grammar, short_forms_are_rules_on_a_program_or_substring_list)
{
	static const struct {
		const char *text; int form; int dec; const char *cond; const char *because;
	} shorts[] = {
		{ "allow program \"ls\", \"cat\";", CPOL_FORM_PROGRAM, CPOL_DEC_ALLOW, "(program ls|cat)", NULL },
		{ "prompt program tools;", CPOL_FORM_PROGRAM, CPOL_DEC_PROMPT, "(program @tools)", NULL },
		{ "forbid program \"curl\" because \"no network\";", CPOL_FORM_PROGRAM, CPOL_DEC_FORBID,
		  "(program curl)", "no network" },
		{ "forbid substring \"rm -rf /\", \"mkfs\" because \"destructive\";", CPOL_FORM_SUBSTRING,
		  CPOL_DEC_FORBID, "(substring rm -rf /|mkfs)", "destructive" },
		{ "allow substring \"--help\";", CPOL_FORM_SUBSTRING, CPOL_DEC_ALLOW, "(substring --help)", NULL },
		{ "prompt substring \"sudo\" because \"\";", CPOL_FORM_SUBSTRING, CPOL_DEC_PROMPT, "(substring sudo)", "" },
	};
	for (size_t i = 0; i < sizeof shorts / sizeof shorts[0]; i++) {
		cpol_file *f;
		cpol_unit *u = parse_policy(shorts[i].text, &f);
		cr_expect_eq(u->ndiags, 0, "%s: %s", shorts[i].text, diag_text(u, 0));
		cpol_stmt *s = nth_stmt(f, 0);
		cr_assert_not_null(s, "%s", shorts[i].text);
		cr_expect_eq(s->kind, CPOL_S_RULE);
		cr_expect_eq(s->u.rule.form, shorts[i].form, "%s", shorts[i].text);
		cr_expect_eq(s->u.rule.action, CPOL_ACT_DECIDE);
		cr_expect_eq(s->u.rule.dec, shorts[i].dec, "%s", shorts[i].text);
		cr_expect_str_eq(cond_text(s->u.rule.when), shorts[i].cond, "%s", shorts[i].text);
		cr_expect_null(s->u.rule.unless);
		if (shorts[i].because)
			cr_expect_str_eq(s->u.rule.because, shorts[i].because, "%s", shorts[i].text);
		else
			cr_expect_null(s->u.rule.because, "%s", shorts[i].text);
		cr_expect_eq(s->u.rule.naction, 1);
		cpol_unit_free(u);
	}
}

Test(grammar, a_rule_block_has_a_name_a_condition_and_one_action)
{
	const char *text =
		"rule \"git read-only\" {\n"
		"    when program \"git\" and arg 1 in (\"status\", \"log\");\n"
		"    allow because \"reads only\";\n"
		"}\n";
	cpol_file *f;
	cpol_unit *u = parse_ok(text, &f);
	cpol_stmt *s = nth_stmt(f, 0);
	cr_assert_eq(s->kind, CPOL_S_RULE);
	cr_expect_eq(s->u.rule.form, CPOL_FORM_BLOCK);
	cr_expect_str_eq(s->u.rule.name, "git read-only");
	cr_expect_eq(s->u.rule.name_loc.line, 1);
	cr_expect_eq(s->u.rule.name_loc.col, 6);
	cr_expect_str_eq(cond_text(s->u.rule.when), "(and (program git) (arg 1 in() status|log))");
	cr_expect_null(s->u.rule.unless);
	cr_expect_eq(s->u.rule.action, CPOL_ACT_DECIDE);
	cr_expect_eq(s->u.rule.dec, CPOL_DEC_ALLOW);
	cr_expect_str_eq(s->u.rule.because, "reads only");
	cr_expect_eq(s->u.rule.action_loc.line, 3);
	cr_expect_eq(s->u.rule.action_loc.col, 5);
	cr_expect_eq(s->u.rule.nwhen, 1);
	cr_expect_eq(s->u.rule.naction, 1);
	cpol_unit_free(u);
}

Test(grammar, rule_actions_and_optional_parts)
{
	static const struct {
		const char *text; int action; int dec; uint32_t arg; const char *when; const char *unless;
	} rules[] = {
		{ "rule \"r\" { allow; }", CPOL_ACT_DECIDE, CPOL_DEC_ALLOW, 0, "NULL", "NULL" },
		{ "rule \"r\" { prompt; }", CPOL_ACT_DECIDE, CPOL_DEC_PROMPT, 0, "NULL", "NULL" },
		{ "rule \"r\" { when true; forbid; }", CPOL_ACT_DECIDE, CPOL_DEC_FORBID, 0, "true", "NULL" },
		{ "rule \"r\" { when program \"sh\"; evaluate script arg 2; }", CPOL_ACT_SCRIPT, 0, 2,
		  "(program sh)", "NULL" },
		{ "rule \"r\" { when program \"rm\" unless arg 1 is \"-i\"; prompt; }", CPOL_ACT_DECIDE,
		  CPOL_DEC_PROMPT, 0, "(program rm)", "(arg 1 is -i)" },
		{ "rule \"r\" { forbid because \"x\"; when network unless program \"git\" or true; }", CPOL_ACT_DECIDE,
		  CPOL_DEC_FORBID, 0, "network", "(or (program git) true)" },
	};
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		cpol_file *f;
		cpol_unit *u = parse_ok(rules[i].text, &f);
		cpol_stmt *s = nth_stmt(f, 0);
		cr_assert_eq(s->kind, CPOL_S_RULE);
		cr_expect_eq(s->u.rule.action, rules[i].action, "%s", rules[i].text);
		if (rules[i].action == CPOL_ACT_DECIDE)
			cr_expect_eq(s->u.rule.dec, rules[i].dec, "%s", rules[i].text);
		else
			cr_expect_eq(s->u.rule.script_arg, rules[i].arg, "%s", rules[i].text);
		cr_expect_str_eq(cond_text(s->u.rule.when), rules[i].when, "%s", rules[i].text);
		cr_expect_str_eq(cond_text(s->u.rule.unless), rules[i].unless, "%s", rules[i].text);
		cpol_unit_free(u);
	}
}

/* ---- conditions -------------------------------------------------------------------- */

static const char *parse_cond(const char *cond, cpol_unit **pu)
{
	static char text[4096];
	snprintf(text, sizeof text, "rule \"r\" {\n    when %s;\n    allow;\n}\n", cond);
	cpol_file *f;
	*pu = parse_ok(text, &f);
	cpol_stmt *s = nth_stmt(f, 0);
	cr_assert_eq(s->kind, CPOL_S_RULE);
	return cond_text(s->u.rule.when);
}

Test(grammar, every_condition_atom_and_predicate)
{
	static const struct { const char *src, *ast; } atoms[] = {
		{ "true", "true" },
		{ "program \"git\"", "(program git)" },
		{ "program \"bash\", \"sh\", shells", "(program bash|sh|@shells)" },
		{ "substring \"--force\"", "(substring --force)" },
		{ "arg 1 in (\"status\", \"log\")", "(arg 1 in() status|log)" },
		{ "arg 1 in \"status\", \"log\"", "(arg 1 in status|log)" },
		{ "arg 0 is \"git\"", "(arg 0 is git)" },
		{ "arg 2 is name", "(arg 2 is @name)" },
		{ "arg 1 prefix \"--\"", "(arg 1 prefix --)" },
		{ "arg 1 suffix (\".sh\", \".py\")", "(arg 1 suffix() .sh|.py)" },
		{ "arg 3 contains \"..\"", "(arg 3 contains ..)" },
		{ "arg 1 flag \"r\"", "(arg 1 flag r)" },
		{ "arg 1 option \"--output\", \"-o\"", "(arg 1 option --output|-o)" },
		{ "any arg in bad", "(any arg in @bad)" },
		{ "any arg flag (\"f\")", "(any arg flag() f)" },
		{ "no arg in (\"-exec\", \"-delete\")", "(no arg in() -exec|-delete)" },
		{ "no arg prefix \"/\"", "(no arg prefix /)" },
		{ "argc == 1", "(argc == 1)" },
		{ "argc != 2", "(argc != 2)" },
		{ "argc < 3", "(argc < 3)" },
		{ "argc <= 4", "(argc <= 4)" },
		{ "argc > 5", "(argc > 5)" },
		{ "argc >= 6", "(argc >= 6)" },
		{ "writes", "(writes)" },
		{ "writes outside sandbox.write", "(writes outside)" },
		{ "writes inside sandbox . write", "(writes inside)" },
		{ "network", "network" },
		{ "(network)", "network" },
		{ "any value of (\"-e\", \"--expression\") options sed_opts sedcmds \"e\", \"w\"",
		  "(any value of() -e|--expression options @sed_opts sedcmds e|w)" },
		{ "no value of \"-o\" options (\"-o#\", \"-v\") prefix (\"|\")",
		  "(no value of -o options() -o#|-v prefix() |)" },
		{ "any value of \"-f\" options o", "(any value of -f options @o)" },
	};
	for (size_t i = 0; i < sizeof atoms / sizeof atoms[0]; i++) {
		cpol_unit *u;
		const char *got = parse_cond(atoms[i].src, &u);
		cr_expect_str_eq(got, atoms[i].ast, "when %s: %s", atoms[i].src, got);
		cpol_unit_free(u);
	}
}

Test(grammar, not_binds_tighter_than_and_which_binds_tighter_than_or)
{
	static const struct { const char *src, *ast; } prec[] = {
		{ "true or network and writes", "(or true (and network (writes)))" },
		{ "true and network or writes", "(or (and true network) (writes))" },
		{ "not true and network", "(and (not true) network)" },
		{ "not true or network", "(or (not true) network)" },
		{ "true and not network", "(and true (not network))" },
		{ "not not true", "(not (not true))" },
		{ "not (true or network)", "(not (or true network))" },
		{ "(true or network) and writes", "(and (or true network) (writes))" },
		{ "true or network or writes", "(or (or true network) (writes))" },
		{ "true and network and writes", "(and (and true network) (writes))" },
		{ "true and not network or not writes and true",
		  "(or (and true (not network)) (and (not (writes)) true))" },
		{ "((((true))))", "true" },
		{ "program \"a\", \"b\" and arg 1 in \"x\", \"y\" or network",
		  "(or (and (program a|b) (arg 1 in x|y)) network)" },
	};
	for (size_t i = 0; i < sizeof prec / sizeof prec[0]; i++) {
		cpol_unit *u;
		cr_expect_str_eq(parse_cond(prec[i].src, &u), prec[i].ast, "when %s", prec[i].src);
		cpol_unit_free(u);
	}
}

Test(grammar, a_condition_may_nest_64_levels)
{
	char cond[1024] = "";
	for (int i = 0; i < 32; i++)
		strcat(cond, "not (");
	strcat(cond, "true");
	for (int i = 0; i < 32; i++)
		strcat(cond, ")");
	cpol_unit *u;
	const char *ast = parse_cond(cond, &u);
	cr_expect_eq(strncmp(ast, "(not (not (not ", 15), 0, "%s", ast);
	cpol_unit_free(u);
	/* side by side is not nested: 100 `not`s joined by `and` */
	char wide[4096] = "not true";
	for (int i = 1; i < 100; i++)
		strcat(wide, " and not true");
	parse_cond(wide, &u);
	cpol_unit_free(u);
}

/* ---- intents ------------------------------------------------------------------------- */

Test(grammar, network_intents_name_programs_and_an_optional_condition)
{
	cpol_file *f;
	cpol_unit *u = parse_ok("intent network program \"curl\", \"wget\";\n"
	                        "intent network program \"git\" when arg 1 in (\"clone\", \"fetch\");\n", &f);
	cpol_stmt *a = nth_stmt(f, 0), *b = nth_stmt(f, 1);
	cr_assert_eq(a->kind, CPOL_S_INTENT);
	cr_expect_eq(a->u.intent.kind, CPOL_INTENT_NETWORK);
	cr_expect_str_eq(list_text(&a->u.intent.programs), "curl|wget");
	cr_expect_null(a->u.intent.when);
	cr_expect_null(a->u.intent.targets);
	cr_assert_eq(b->kind, CPOL_S_INTENT);
	cr_expect_eq(b->u.intent.kind, CPOL_INTENT_NETWORK);
	cr_expect_str_eq(cond_text(b->u.intent.when), "(arg 1 in() clone|fetch)");
	cpol_unit_free(u);
}

Test(grammar, write_intents_take_every_target)
{
	static const struct { const char *targets; const char *want; } tt[] = {
		{ "last", "last" },
		{ "operands", "operands from 1" },
		{ "operands from 2", "operands from 2" },
		{ "after \"-o\"", "after -o" },
		{ "value \"of=\"", "value of=" },
		{ "after \"-t\", last, value \"of=\", operands from 3", "after -t; last; value of=; operands from 3" },
	};
	for (size_t i = 0; i < sizeof tt / sizeof tt[0]; i++) {
		char text[256];
		snprintf(text, sizeof text, "intent write program \"cp\", \"mv\" target %s;", tt[i].targets);
		cpol_file *f;
		cpol_unit *u = parse_ok(text, &f);
		cpol_stmt *s = nth_stmt(f, 0);
		cr_assert_eq(s->kind, CPOL_S_INTENT);
		cr_expect_eq(s->u.intent.kind, CPOL_INTENT_WRITE);
		cr_expect_str_eq(list_text(&s->u.intent.programs), "cp|mv");
		cr_expect_null(s->u.intent.when);
		char got[256] = "";
		for (cpol_target *t = s->u.intent.targets; t; t = t->next) {
			size_t n = strlen(got);
			if (n)
				n += (size_t)snprintf(got + n, sizeof got - n, "; ");
			switch (t->kind) {
			case CPOL_T_LAST: snprintf(got + n, sizeof got - n, "last"); break;
			case CPOL_T_OPERANDS: snprintf(got + n, sizeof got - n, "operands from %u", t->from); break;
			case CPOL_T_AFTER: snprintf(got + n, sizeof got - n, "after %.*s", (int)t->len, t->text); break;
			case CPOL_T_VALUE: snprintf(got + n, sizeof got - n, "value %.*s", (int)t->len, t->text); break;
			}
		}
		cr_expect_str_eq(got, tt[i].want, "%s", text);
		cpol_unit_free(u);
	}
	cpol_file *f;
	cpol_unit *u = parse_ok("intent write program \"sed\" target last when any arg prefix \"-i\";", &f);
	cr_expect_str_eq(cond_text(nth_stmt(f, 0)->u.intent.when), "(any arg prefix -i)");
	cr_expect_eq(nth_stmt(f, 0)->u.intent.targets->loc.col, 35);
	cpol_unit_free(u);
}

/* ---- tests ------------------------------------------------------------------------------ */

Test(grammar, test_lists_examples_with_their_decision_and_optional_cwd)
{
	const char *text =
		"test {\n"
		"    allow  \"ls -la\";\n"
		"    prompt \"make install\";\n"
		"    forbid \"rm -rf /\";\n"
		"    allow  \"cat passwd\" cwd \"/etc\";\n"
		"}\n";
	static const struct { int dec; const char *line; const char *cwd; uint32_t at; } want[] = {
		{ CPOL_DEC_ALLOW, "ls -la", NULL, 2 },
		{ CPOL_DEC_PROMPT, "make install", NULL, 3 },
		{ CPOL_DEC_FORBID, "rm -rf /", NULL, 4 },
		{ CPOL_DEC_ALLOW, "cat passwd", "/etc", 5 },
	};
	cpol_file *f;
	cpol_unit *u = parse_ok(text, &f);
	cpol_stmt *s = nth_stmt(f, 0);
	cr_assert_eq(s->kind, CPOL_S_TEST);
	cpol_testcase *t = s->u.test.cases;
	for (size_t i = 0; i < 4; i++, t = t->next) {
		cr_assert_not_null(t);
		cr_expect_eq(t->expect, want[i].dec, "example %zu", i);
		cr_expect_str_eq(t->line, want[i].line);
		cr_expect_eq(t->len, strlen(want[i].line));
		if (want[i].cwd)
			cr_expect_str_eq(t->cwd, want[i].cwd);
		else
			cr_expect_null(t->cwd);
		cr_expect_eq(t->loc.line, want[i].at);
		cr_expect_eq(t->loc.col, 5);
	}
	cr_expect_null(t);
	cpol_unit_free(u);
	u = parse_ok("test { }", &f);
	cr_expect_null(nth_stmt(f, 0)->u.test.cases);
	cpol_unit_free(u);
}

/* ---- a whole policy ---------------------------------------------------------------------- */

Test(grammar, statements_keep_source_order_and_positions)
{
	const char *text =
		"policy \"p\";\n"                        /* 1 */
		"sandbox { read \"/\"; }\n"               /* 2 */
		"default forbid;\n"                      /* 3 */
		"set s = \"a\";\n"                        /* 4 */
		"allow program s;\n"                     /* 5 */
		"  rule \"r\" { allow; }\n"               /* 6 */
		"intent network program \"curl\";\n"      /* 7 */
		"test { allow \"a\"; }\n";                /* 8 */
	static const struct { int kind; uint32_t col; } want[] = {
		{ CPOL_S_POLICY, 1 }, { CPOL_S_SANDBOX, 1 }, { CPOL_S_DEFAULT, 1 }, { CPOL_S_SET, 1 },
		{ CPOL_S_RULE, 1 }, { CPOL_S_RULE, 3 }, { CPOL_S_INTENT, 1 }, { CPOL_S_TEST, 1 },
	};
	cpol_file *f;
	cpol_unit *u = parse_ok(text, &f);
	cr_assert_eq(count_stmts(f), 8);
	for (unsigned i = 0; i < 8; i++) {
		cpol_stmt *s = nth_stmt(f, i);
		cr_expect_eq(s->kind, want[i].kind, "statement %u", i);
		cr_expect_eq(s->loc.line, i + 1, "statement %u", i);
		cr_expect_eq(s->loc.col, want[i].col, "statement %u", i);
	}
	cpol_unit_free(u);
}

/* The sketch policy, comments included, with its include: the one in
 * tests/data/sketch/ that the engine and e2e tests compile too. */
Test(grammar, the_design_sketch_parses_and_checks_clean)
{
	char path[4096];
	const char *top = getenv("top_srcdir");
	snprintf(path, sizeof path, "%s/tests/data/sketch/sketch.cpol", top && *top ? top : ".");
	cpol_file *f;
	cpol_unit *u = lint_policy_file(path, &f);
	cr_assert(u != NULL);
	cr_expect(f != NULL, "%s", diag_text(u, 1));
	cr_expect_eq(u->ndiags, 0, "%s", diag_text(u, 1));
	cr_expect_eq(u->nfiles, 2);
	cpol_unit_free(u);
}
