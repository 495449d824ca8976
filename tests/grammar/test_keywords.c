/* tests/grammar/test_keywords.c -- the language tables (grammar/keywords.h,
 * common/lang.h) and the lemon grammar agree both ways. lemon needs its
 * %token and %token_class lines in grammar.y, so they are written there
 * and checked here: every keyword token the generated grammar.h declares
 * is a word of the tables, every word of the tables lexes to its token
 * (a missing token does not even compile), every predicate of the table
 * parses as one and every comparison as itself. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grammar/grammar.h"
#include "grammar/keywords.h"
#include "grammar/lexer.h"
#include "grammar/parser.h"
#include "tests/grammar/helpers.h"

/* The one token `text` lexes to (its num in *num). */
static int lex_one(const char *text, uint32_t *num)
{
	cpol_unit *u = cpol_unit_new();
	cr_assert_not_null(u);
	cpol_file *f = cpol_unit_add_text(u, "t.cpol", text, strlen(text));
	cr_assert_not_null(f);
	cpol_lexer lx;
	cpol_token t, end;
	cpol_lexer_init(&lx, u, f);
	int type = cpol_lex(&lx, &t);
	cr_assert_eq(cpol_lex(&lx, &end), 0, "\"%s\" is more than one token", text);
	cr_assert_eq(u->nerrors, 0, "\"%s\" does not lex", text);
	if (num)
		*num = t.num;
	cpol_unit_free(u);
	return type;
}

static int punctuation_or_literal(const char *name)
{
	static const char *const other[] = { "STRING", "IDENT", "INT", "SEMI", "COMMA", "LBRACE", "RBRACE",
		"LPAREN", "RPAREN", "EQ", "DOT", "MINUS", "EQEQ", "NE", "LT", "LE", "GT", "GE" };
	for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
		if (!strcmp(name, other[i]))
			return 1;
	return 0;
}

Test(keywords, every_token_of_the_grammar_is_in_the_tables)
{
	char path[4096];
	const char *b = getenv("top_builddir");
	snprintf(path, sizeof path, "%s/grammar/grammar.h", b ? b : ".");
	FILE *fp = fopen(path, "r");
	cr_assert_not_null(fp, "cannot open %s", path);
	char line[256], name[64];
	int n, tokens = 0;
	while (fgets(line, sizeof line, fp)) {
		if (sscanf(line, "#define CPOL_TK_%63s %d", name, &n) != 2)
			continue;
		tokens++;
		cr_expect_str_neq(cpol_token_name(n), "a token", "token %s has no name", name);
		if (punctuation_or_literal(name))
			continue;
		/* a keyword token: its word is its name in lower case */
		char word[64];
		size_t i = 0;
		for (; name[i]; i++)
			word[i] = (char)tolower((unsigned char)name[i]);
		word[i] = 0;
		cr_expect_eq(lex_one(word, NULL), n, "the grammar's token %s: \"%s\" is not a keyword of the tables",
		             name, word);
	}
	fclose(fp);
	cr_expect_gt(tokens, 50);
}

Test(keywords, every_word_of_the_tables_lexes_to_its_token)
{
#define KW(id, w) cr_expect_eq(lex_one(w, NULL), CPOL_TK_##id, "%s", w); \
	cr_expect_str_eq(cpol_token_name(CPOL_TK_##id), "'" w "'");
	CPOL_KEYWORDS(KW)
#undef KW
	uint32_t num;
#define PR(id, w, image, operand, members, source) CPOL_IF_WORD_##source( \
	cr_expect_eq(lex_one(w, &num), CPOL_TK_##id, "%s", w); \
	cr_expect_eq(num, CPOL_P_##id, "%s", w);)
	CPOL_PREDICATES(PR)
#undef PR
#define CMP(id, token, text) cr_expect_eq(lex_one(text, &num), CPOL_TK_##token, "%s", text); \
	cr_expect_eq(num, CPOL_CMP_##id, "%s", text);
	CPOL_COMPARISONS(CMP)
#undef CMP
}

static void parses_as(const char *cond, int pred, int op)
{
	char text[256];
	snprintf(text, sizeof text, "rule \"r\" { when %s; allow; }\n", cond);
	cpol_file *f;
	cpol_unit *u = parse_policy(text, &f);
	cr_assert_eq(u->nerrors, 0, "%s: %s", cond, diag_text(u, 0));
	const cpol_cond *c = nth_stmt(f, 0)->u.rule.when;
	if (pred >= 0) {
		cr_expect_eq(c->kind, CPOL_C_ARG, "%s", cond);
		cr_expect_eq(c->pred, pred, "%s", cond);
	} else {
		cr_expect_eq(c->kind, CPOL_C_ARGC, "%s", cond);
		cr_expect_eq(c->op, op, "%s", cond);
	}
	cpol_unit_free(u);
}

Test(keywords, every_predicate_and_comparison_parses)
{
#define PR(id, w, image, operand, members, source) CPOL_IF_WORD_##source(parses_as("arg 1 " w " \"x\"", CPOL_P_##id, 0);)
	CPOL_PREDICATES(PR)
#undef PR
#define CMP(id, token, text) parses_as("argc " text " 1", -1, CPOL_CMP_##id);
	CPOL_COMPARISONS(CMP)
#undef CMP
}
