/* tests/grammar/test_lexer.c -- the lexer (grammar/lexer.re) on its own:
 * every token kind with its text, value and position, every escape of a
 * string, comments, and every lexical error with its line, column and
 * message. Tokens are read through grammar/lexer.h, without the parser. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "grammar/grammar.h"
#include "grammar/lexer.h"
#include "tests/grammar/helpers.h"

#define MAXTOK 64

struct lexed {
	cpol_unit *u;
	cpol_file *f;
	cpol_token t[MAXTOK];
	int n;                    /* tokens before the end (type 0 not counted) */
};

/* Lex `len` bytes of `text` to the end into lx (at most MAXTOK tokens). */
static void lex_n(struct lexed *lx, const char *text, size_t len)
{
	memset(lx, 0, sizeof *lx);
	lx->u = cpol_unit_new();
	cr_assert_not_null(lx->u);
	lx->f = cpol_arena_alloc(lx->u->arena, sizeof *lx->f);
	char *buf = malloc(len + 1);
	cr_assert(lx->f && buf);
	memcpy(buf, text, len);
	buf[len] = 0;             /* the lexer's sentinel */
	lx->f->path = "t.cpol";
	lx->f->real = "t.cpol";
	lx->f->text = buf;
	lx->f->size = len;
	/* registered, so that cpol_unit_free frees the text */
	lx->u->files = malloc(sizeof *lx->u->files);
	cr_assert_not_null(lx->u->files);
	lx->u->files[0] = lx->f;
	lx->u->nfiles = lx->u->capfiles = 1;
	cpol_lexer l;
	cpol_lexer_init(&l, lx->u, lx->f);
	for (;;) {
		cpol_token t;
		int type = cpol_lex(&l, &t);
		cr_assert_eq(type, t.type);
		if (type == 0) {
			/* the end is sticky */
			cr_assert_eq(cpol_lex(&l, &t), 0);
			break;
		}
		cr_assert_lt(lx->n, MAXTOK, "too many tokens in \"%s\"", text);
		lx->t[lx->n++] = t;
	}
}

static void lex(struct lexed *lx, const char *text)
{
	lex_n(lx, text, strlen(text));
}

static void done(struct lexed *lx)
{
	cpol_unit_free(lx->u);
}

/* ---- every keyword ------------------------------------------------------ */

static const struct { const char *text; int type; } keywords[] = {
	{ "policy", CPOL_TK_POLICY },     { "include", CPOL_TK_INCLUDE },   { "sandbox", CPOL_TK_SANDBOX },
	{ "read", CPOL_TK_READ },         { "write", CPOL_TK_WRITE },       { "network", CPOL_TK_NETWORK },
	{ "none", CPOL_TK_NONE },         { "any", CPOL_TK_ANY },           { "outbound", CPOL_TK_OUTBOUND },
	{ "connect", CPOL_TK_CONNECT },   { "bind", CPOL_TK_BIND },         { "protect", CPOL_TK_PROTECT },
	{ "env", CPOL_TK_ENV },           { "keep", CPOL_TK_KEEP },         { "default", CPOL_TK_DEFAULT },
	{ "allow", CPOL_TK_ALLOW },       { "prompt", CPOL_TK_PROMPT },     { "forbid", CPOL_TK_FORBID },
	{ "substring", CPOL_TK_SUBSTRING }, { "program", CPOL_TK_PROGRAM }, { "rule", CPOL_TK_RULE },
	{ "when", CPOL_TK_WHEN },         { "unless", CPOL_TK_UNLESS },     { "and", CPOL_TK_AND },
	{ "or", CPOL_TK_OR },             { "not", CPOL_TK_NOT },           { "arg", CPOL_TK_ARG },
	{ "no", CPOL_TK_NO },             { "in", CPOL_TK_IN },             { "is", CPOL_TK_IS },
	{ "prefix", CPOL_TK_PREFIX },     { "suffix", CPOL_TK_SUFFIX },     { "contains", CPOL_TK_CONTAINS },
	{ "flag", CPOL_TK_FLAG },         { "option", CPOL_TK_OPTION },     { "argc", CPOL_TK_ARGC },
	{ "writes", CPOL_TK_WRITES },     { "outside", CPOL_TK_OUTSIDE },   { "inside", CPOL_TK_INSIDE },
	{ "evaluate", CPOL_TK_EVALUATE }, { "script", CPOL_TK_SCRIPT },     { "test", CPOL_TK_TEST },
	{ "because", CPOL_TK_BECAUSE },   { "set", CPOL_TK_SET },           { "intent", CPOL_TK_INTENT },
	{ "target", CPOL_TK_TARGET },     { "last", CPOL_TK_LAST },         { "operands", CPOL_TK_OPERANDS },
	{ "from", CPOL_TK_FROM },         { "after", CPOL_TK_AFTER },       { "value", CPOL_TK_VALUE },
	{ "true", CPOL_TK_TRUE },         { "cwd", CPOL_TK_CWD },
};

Test(lexer, every_keyword_is_its_own_token)
{
	cr_assert_eq(sizeof keywords / sizeof keywords[0], 53, "the language has 53 keywords");
	for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++) {
		struct lexed lx;
		lex(&lx, keywords[i].text);
		cr_expect_eq(lx.n, 1, "%s", keywords[i].text);
		cr_expect_eq(lx.t[0].type, keywords[i].type, "%s", keywords[i].text);
		cr_expect_eq(lx.t[0].len, strlen(keywords[i].text), "%s", keywords[i].text);
		cr_expect_eq(lx.t[0].loc.line, 1);
		cr_expect_eq(lx.t[0].loc.col, 1);
		char name[32];
		snprintf(name, sizeof name, "'%s'", keywords[i].text);
		cr_expect_str_eq(cpol_token_name(keywords[i].type), name);
		cr_expect_eq(lx.u->ndiags, 0, "%s", keywords[i].text);
		done(&lx);
	}
}

/* ---- names ---------------------------------------------------------------- */

Test(lexer, names_are_letters_digits_and_underscores_not_starting_with_a_digit)
{
	static const char *const names[] = {
		"x", "_", "safe_tools", "Tools2", "_private", "policyx", "allowed", "notes", "Allow", "POLICY",
		"a_very_long_name_with_many_parts_0123456789",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct lexed lx;
		lex(&lx, names[i]);
		cr_expect_eq(lx.n, 1, "%s", names[i]);
		cr_expect_eq(lx.t[0].type, CPOL_TK_IDENT, "%s: a name, not a keyword", names[i]);
		cr_expect_eq(lx.t[0].len, strlen(names[i]));
		cr_expect_eq(memcmp(lx.t[0].text, names[i], strlen(names[i])), 0);
		cr_expect_eq(lx.u->ndiags, 0);
		done(&lx);
	}
	/* a digit ends a number and starts nothing else */
	struct lexed lx;
	lex(&lx, "9lives");
	cr_assert_eq(lx.n, 2);
	cr_expect_eq(lx.t[0].type, CPOL_TK_INT);
	cr_expect_eq(lx.t[0].num, 9);
	cr_expect_eq(lx.t[1].type, CPOL_TK_IDENT);
	cr_expect_eq(lx.t[1].loc.col, 2);
	done(&lx);
	cr_expect_str_eq(cpol_token_name(CPOL_TK_IDENT), "a name");
}

/* ---- integers --------------------------------------------------------------- */

Test(lexer, integers_are_decimal_up_to_4294967295)
{
	static const struct { const char *text; uint32_t num; } ints[] = {
		{ "0", 0 }, { "1", 1 }, { "42", 42 }, { "007", 7 }, { "65535", 65535 }, { "65536", 65536 },
		{ "4294967295", 4294967295u }, { "0000000000000000000001", 1 },
	};
	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		struct lexed lx;
		lex(&lx, ints[i].text);
		cr_expect_eq(lx.n, 1, "%s", ints[i].text);
		cr_expect_eq(lx.t[0].type, CPOL_TK_INT, "%s", ints[i].text);
		cr_expect_eq(lx.t[0].num, ints[i].num, "%s", ints[i].text);
		cr_expect_eq(lx.u->ndiags, 0, "%s", ints[i].text);
		done(&lx);
	}
	cr_expect_str_eq(cpol_token_name(CPOL_TK_INT), "a number");
}

Test(lexer, an_integer_over_4294967295_is_an_error_at_its_first_digit)
{
	static const char *const big[] = { "4294967296", "99999999999", "18446744073709551616" };
	for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
		struct lexed lx;
		lex(&lx, big[i]);
		cr_expect_eq(lx.n, 1);
		cr_expect_eq(lx.t[0].type, CPOL_TK_INT);
		cr_expect_eq(lx.t[0].num, 4294967295u, "clamped");
		cr_expect_eq(lx.t[0].len, strlen(big[i]), "the whole number is one token");
		cr_expect_str_eq(diag_text(lx.u, 0), "1:1: error: integer too large (the limit is 4294967295)\n");
		done(&lx);
	}
}

/* ---- strings ------------------------------------------------------------------- */

Test(lexer, strings_unescape_every_escape)
{
	static const struct { const char *src; const char *val; } strs[] = {
		{ "\"\"", "" },
		{ "\"ls -la\"", "ls -la" },
		{ "\"say \\\"hi\\\"\"", "say \"hi\"" },
		{ "\"back\\\\slash\"", "back\\slash" },
		{ "\"a\\nb\"", "a\nb" },
		{ "\"a\\tb\"", "a\tb" },
		{ "\"a\\rb\"", "a\rb" },
		{ "\"\\x41\\x7e\\x7E\\x20\"", "A~~ " },
		{ "\"\\x01\\xff\"", "\x01\xff" },
		{ "\"#not a comment\"", "#not a comment" },
		{ "\"it's\"", "it's" },
		{ "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
		{ "\":(){ :|:& };:\"", ":(){ :|:& };:" },
		{ "\"$WORKSPACE/x\"", "$WORKSPACE/x" },
	};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
		struct lexed lx;
		lex(&lx, strs[i].src);
		cr_expect_eq(lx.n, 1, "%s", strs[i].src);
		cr_expect_eq(lx.t[0].type, CPOL_TK_STRING, "%s", strs[i].src);
		cr_expect_eq(lx.t[0].len, strlen(strs[i].val), "%s", strs[i].src);
		cr_expect_str_eq(lx.t[0].text, strs[i].val, "%s", strs[i].src);
		cr_expect_eq(lx.t[0].loc.col, 1);
		cr_expect_eq(lx.u->ndiags, 0, "%s: %s", strs[i].src, diag_text(lx.u, 0));
		done(&lx);
	}
	cr_expect_str_eq(cpol_token_name(CPOL_TK_STRING), "a string");
}

Test(lexer, a_string_holds_up_to_4096_bytes)
{
	char src[5000];
	src[0] = '"';
	memset(src + 1, 'a', 4096);
	strcpy(src + 4097, "\"");
	struct lexed lx;
	lex(&lx, src);
	cr_expect_eq(lx.t[0].len, 4096);
	cr_expect_eq(lx.u->ndiags, 0);
	done(&lx);
	/* escapes count once each: 4096 bytes written as \x41 */
	char esc[4096 * 4 + 8];
	esc[0] = '"';
	for (int i = 0; i < 4096; i++)
		memcpy(esc + 1 + 4 * i, "\\x41", 4);
	strcpy(esc + 1 + 4 * 4096, "\"");
	lex(&lx, esc);
	cr_expect_eq(lx.t[0].len, 4096);
	cr_expect_eq(lx.u->ndiags, 0);
	done(&lx);
	/* one more is too long, reported at the opening quote */
	src[0] = ' ';
	src[1] = '"';
	memset(src + 2, 'b', 4097);
	strcpy(src + 4099, "\"");
	lex(&lx, src);
	cr_expect_eq(lx.n, 1);
	cr_expect_eq(lx.t[0].type, CPOL_TK_STRING);
	cr_expect_str_eq(diag_text(lx.u, 0), "1:2: error: string of 4097 bytes is too long (the limit is 4096)\n");
	done(&lx);
}

/* ---- punctuation and comparisons --------------------------------------------------- */

Test(lexer, every_punctuation_and_comparison)
{
	static const struct { const char *text; int type; const char *name; } punct[] = {
		{ ";", CPOL_TK_SEMI, "';'" },   { ",", CPOL_TK_COMMA, "','" },   { "{", CPOL_TK_LBRACE, "'{'" },
		{ "}", CPOL_TK_RBRACE, "'}'" }, { "(", CPOL_TK_LPAREN, "'('" },  { ")", CPOL_TK_RPAREN, "')'" },
		{ "=", CPOL_TK_EQ, "'='" },     { ".", CPOL_TK_DOT, "'.'" },     { "-", CPOL_TK_MINUS, "'-'" },
		{ "==", CPOL_TK_EQEQ, "'=='" }, { "!=", CPOL_TK_NE, "'!='" },    { "<", CPOL_TK_LT, "'<'" },
		{ "<=", CPOL_TK_LE, "'<='" },   { ">", CPOL_TK_GT, "'>'" },      { ">=", CPOL_TK_GE, "'>='" },
	};
	for (size_t i = 0; i < sizeof punct / sizeof punct[0]; i++) {
		struct lexed lx;
		lex(&lx, punct[i].text);
		cr_expect_eq(lx.n, 1, "%s", punct[i].text);
		cr_expect_eq(lx.t[0].type, punct[i].type, "%s", punct[i].text);
		cr_expect_eq(lx.t[0].len, strlen(punct[i].text));
		cr_expect_str_eq(cpol_token_name(punct[i].type), punct[i].name);
		cr_expect_eq(lx.u->ndiags, 0);
		done(&lx);
	}
	cr_expect_str_eq(cpol_token_name(0), "end of file");
}

Test(lexer, the_longest_operator_wins_and_spaces_separate)
{
	static const struct { const char *text; int types[6]; } seqs[] = {
		{ "===", { CPOL_TK_EQEQ, CPOL_TK_EQ } },
		{ "= =", { CPOL_TK_EQ, CPOL_TK_EQ } },
		{ "<==", { CPOL_TK_LE, CPOL_TK_EQ } },
		{ ">=>", { CPOL_TK_GE, CPOL_TK_GT } },
		{ "8000-8100", { CPOL_TK_INT, CPOL_TK_MINUS, CPOL_TK_INT } },
		{ "sandbox.write", { CPOL_TK_SANDBOX, CPOL_TK_DOT, CPOL_TK_WRITE } },
		{ "argc<=2", { CPOL_TK_ARGC, CPOL_TK_LE, CPOL_TK_INT } },
		{ "(\"a\",b)", { CPOL_TK_LPAREN, CPOL_TK_STRING, CPOL_TK_COMMA, CPOL_TK_IDENT, CPOL_TK_RPAREN } },
	};
	for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
		struct lexed lx;
		lex(&lx, seqs[i].text);
		int n = 0;
		while (n < 6 && seqs[i].types[n])
			n++;
		cr_expect_eq(lx.n, n, "%s", seqs[i].text);
		for (int k = 0; k < n && k < lx.n; k++)
			cr_expect_eq(lx.t[k].type, seqs[i].types[k], "%s token %d", seqs[i].text, k);
		cr_expect_eq(lx.u->ndiags, 0);
		done(&lx);
	}
}

/* ---- comments, white space and positions ---------------------------------------------- */

Test(lexer, comments_run_to_the_end_of_the_line_and_are_kept)
{
	struct lexed lx;
	lex(&lx, "# first\nallow # second \xc3\xa9\n\t#third");
	cr_assert_eq(lx.n, 1);
	cr_expect_eq(lx.t[0].type, CPOL_TK_ALLOW);
	cr_expect_eq(lx.t[0].loc.line, 2);
	cr_expect_eq(lx.u->ndiags, 0);
	static const struct { uint32_t line, col; const char *text; } want[] = {
		{ 1, 1, "# first" }, { 2, 7, "# second \xc3\xa9" }, { 3, 2, "#third" },
	};
	const cpol_comment *c = lx.f->comments;
	for (size_t i = 0; i < 3; i++, c = c->next) {
		cr_assert_not_null(c);
		cr_expect_eq(c->loc.line, want[i].line);
		cr_expect_eq(c->loc.col, want[i].col);
		cr_expect_eq(c->len, strlen(want[i].text));
		cr_expect_eq(memcmp(c->text, want[i].text, c->len), 0);
	}
	cr_expect_null(c);
	done(&lx);
}

Test(lexer, lines_and_byte_columns)
{
	struct lexed lx;
	/* tabs and carriage returns are white space; a column counts bytes */
	lex(&lx, "policy \"x\";\r\n\n  \tallow program \"\xc3\xa9\", ls;\n}");
	static const struct { int type; uint32_t line, col; } want[] = {
		{ CPOL_TK_POLICY, 1, 1 }, { CPOL_TK_STRING, 1, 8 }, { CPOL_TK_SEMI, 1, 11 },
		{ CPOL_TK_ALLOW, 3, 4 }, { CPOL_TK_PROGRAM, 3, 10 }, { CPOL_TK_STRING, 3, 18 },
		{ CPOL_TK_COMMA, 3, 22 }, { CPOL_TK_IDENT, 3, 24 }, { CPOL_TK_SEMI, 3, 26 },
		{ CPOL_TK_RBRACE, 4, 1 },
	};
	cr_assert_eq(lx.n, 10);
	for (int i = 0; i < 10; i++) {
		cr_expect_eq(lx.t[i].type, want[i].type, "token %d", i);
		cr_expect_eq(lx.t[i].loc.line, want[i].line, "token %d", i);
		cr_expect_eq(lx.t[i].loc.col, want[i].col, "token %d", i);
	}
	cr_expect_eq(lx.u->ndiags, 0);
	done(&lx);
}

Test(lexer, empty_and_blank_inputs_have_no_tokens)
{
	static const char *const blank[] = { "", " ", "\n\n\n", "\t\r\n", "# only a comment", "#\n#\n" };
	for (size_t i = 0; i < sizeof blank / sizeof blank[0]; i++) {
		struct lexed lx;
		lex(&lx, blank[i]);
		cr_expect_eq(lx.n, 0);
		cr_expect_eq(lx.u->ndiags, 0);
		done(&lx);
	}
}

/* ---- lexical errors: position and message, and the lexer carries on -------------------- */

static const struct {
	const char *what;
	const char *src;
	size_t len;               /* 0: strlen(src) */
	int ntok;                 /* tokens handed on despite the error */
	const char *diags;
} lexerr[] = {
	{ "unknown escape", "\"a\\qb\"", 0, 1,
	  "1:3: error: unknown escape sequence '\\q' (use \\\" \\\\ \\n \\t \\r or \\xHH)\n" },
	{ "short \\x escape", "\"\\x4\"", 0, 1,
	  "1:2: error: unknown escape sequence '\\x' (use \\\" \\\\ \\n \\t \\r or \\xHH)\n" },
	{ "\\x00", "\"a\\x00\"", 0, 1,
	  "1:3: error: '\\x00' is not allowed in a string: an argument can never contain a NUL byte\n" },
	{ "NUL byte in a string", "\"a\0b\"", 5, 1, "1:3: error: NUL byte in a string\n" },
	{ "NUL byte in a comment", "# a\0b\nallow", 11, 1, "1:4: error: NUL byte in a comment\n" },
	{ "NUL byte elsewhere", "allow\0;", 7, 2, "1:6: error: NUL byte in the policy source\n" },
	{ "invalid UTF-8 in a string", "\"caf\xe9\"", 0, 1, "1:5: error: invalid UTF-8 byte 0xe9 in a string\n" },
	{ "overlong UTF-8 in a string", "\"\xc0\xaf\"", 0, 1,
	  "1:2: error: invalid UTF-8 byte 0xc0 in a string\n1:3: error: invalid UTF-8 byte 0xaf in a string\n" },
	{ "UTF-16 surrogate in a string", "\"\xed\xa0\x80\"", 0, 1,
	  "1:2: error: invalid UTF-8 byte 0xed in a string\n1:3: error: invalid UTF-8 byte 0xa0 in a string\n"
	  "1:4: error: invalid UTF-8 byte 0x80 in a string\n" },
	{ "invalid UTF-8 in a comment", "# \xff\n", 0, 0, "1:3: error: invalid UTF-8 byte 0xff in a comment\n" },
	{ "invalid UTF-8 elsewhere", "allow \xfe;", 0, 2, "1:7: error: invalid UTF-8 byte 0xfe\n" },
	{ "UTF-8 outside strings and comments", "\xe2\x80\x9cls\xe2\x80\x9d", 0, 1,
	  "1:1: error: unexpected non-ASCII character (only strings and comments may hold UTF-8)\n"
	  "1:6: error: unexpected non-ASCII character (only strings and comments may hold UTF-8)\n" },
	{ "control character in a string", "\"a\tb\"", 0, 1,
	  "1:3: error: control character 0x09 in a string (write it as \\x09)\n" },
	{ "control character elsewhere", "allow\x1b;", 0, 2, "1:6: error: unexpected control character 0x1b\n" },
	{ "unexpected character", "allow @ ;", 0, 2, "1:7: error: unexpected character '@'\n" },
	{ "single quotes", "allow 'ls -la' ;", 0, 2, "1:7: error: strings are written in double quotes\n" },
	{ "unterminated single quote", "'ls\nallow", 0, 1, "1:1: error: strings are written in double quotes\n" },
	{ "string ends at the end of the line", "\"abc\nallow", 0, 2,
	  "1:1: error: unterminated string (a string ends with '\"' on the same line)\n" },
	{ "string ends at the end of the file", "x \"abc", 0, 2,
	  "1:3: error: unterminated string (a string ends with '\"' on the same line)\n" },
	{ "backslash before the newline", "\"abc\\\nallow", 0, 2,
	  "1:5: error: unknown escape sequence '\\?' (use \\\" \\\\ \\n \\t \\r or \\xHH)\n"
	  "1:1: error: unterminated string (a string ends with '\"' on the same line)\n" },
};

Test(lexer, errors_are_reported_where_they_are_and_lexing_goes_on)
{
	for (size_t i = 0; i < sizeof lexerr / sizeof lexerr[0]; i++) {
		struct lexed lx;
		lex_n(&lx, lexerr[i].src, lexerr[i].len ? lexerr[i].len : strlen(lexerr[i].src));
		cr_expect_str_eq(diag_text(lx.u, 0), lexerr[i].diags, "%s", lexerr[i].what);
		cr_expect_eq(lx.n, lexerr[i].ntok, "%s: %d tokens", lexerr[i].what, lx.n);
		done(&lx);
	}
}

Test(lexer, the_line_after_an_unterminated_string_is_lexed_normally)
{
	struct lexed lx;
	lex(&lx, "\"open\nallow;");
	cr_assert_eq(lx.n, 3);
	cr_expect_eq(lx.t[0].type, CPOL_TK_STRING);
	cr_expect_eq(lx.t[1].type, CPOL_TK_ALLOW);
	cr_expect_eq(lx.t[1].loc.line, 2);
	cr_expect_eq(lx.t[1].loc.col, 1);
	cr_expect_eq(lx.t[2].type, CPOL_TK_SEMI);
	done(&lx);
}
