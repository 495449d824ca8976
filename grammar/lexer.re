/* grammar/lexer.re -- the .cpol lexer, turned into C by re2c.
 *
 * Input is a whole file in memory; the byte after the end is a NUL sentinel
 * (re2c:eof), so embedded NUL bytes are seen and reported, never taken for the
 * end. Strings are unescaped into the unit's arena and checked for valid
 * UTF-8; comments are kept for the formatter. Every error is reported with
 * its line and column and the lexer carries on after the offending bytes.
 */
#include "grammar/lexer.h"
#include "grammar/grammar.h"
#include "grammar/keywords.h"

#include <string.h>

void cpol_lexer_init(cpol_lexer *lx, cpol_unit *u, cpol_file *f)
{
	memset(lx, 0, sizeof *lx);
	lx->u = u;
	lx->f = f;
	lx->cur = lx->tok = lx->bol = (const unsigned char *)f->text;
	lx->lim = lx->cur + f->size;
	lx->line = 1;
	lx->ctail = &f->comments;
}

static cpol_loc here(const cpol_lexer *lx, const unsigned char *p)
{
	cpol_loc l = { lx->f->index, lx->line, (uint32_t)(p - lx->bol) + 1 };
	return l;
}

/* A name or a keyword: the word looked up in the tables (keywords.h and the
 * predicates of common/lang.h). A predicate's token carries its predicate
 * in num, so the grammar needs no action per predicate. Compares the
 * length and the first byte before the bytes: the tables are short and
 * most names fail at once. */
static int keyword(const char *s, uint32_t n, uint32_t *num)
{
#define KW(id, w) \
	if (n == sizeof w - 1 && s[0] == w[0] && memcmp(s, w, sizeof w - 1) == 0) \
		return CPOL_TK_##id;
	CPOL_KEYWORDS(KW)
#undef KW
#define PR(id, w, image, operand, members, source) CPOL_IF_WORD_##source( \
	if (n == sizeof w - 1 && s[0] == w[0] && memcmp(s, w, sizeof w - 1) == 0) { \
		*num = CPOL_P_##id; \
		return CPOL_TK_##id; \
	})
	CPOL_PREDICATES(PR)
#undef PR
	return CPOL_TK_IDENT;
}

static uint32_t comparison(int type)
{
	switch (type) {
#define CMP(id, token, text) case CPOL_TK_##token: return CPOL_CMP_##id;
	CPOL_COMPARISONS(CMP)
#undef CMP
	default: return 0;
	}
}

static void newline(cpol_lexer *lx, const unsigned char *after)
{
	lx->line++;
	lx->bol = after;
}

/*!re2c
	re2c:api = default;
	re2c:define:YYCTYPE = "unsigned char";
	re2c:define:YYCURSOR = "cur";
	re2c:define:YYMARKER = "mar";
	re2c:define:YYLIMIT = "lim";
	re2c:yyfill:enable = 0;
	re2c:eof = 0;

	u8cont = [\x80-\xbf];
	utf8   = [\xc2-\xdf] u8cont
	       | "\xe0" [\xa0-\xbf] u8cont
	       | [\xe1-\xec\xee\xef] u8cont u8cont
	       | "\xed" [\x80-\x9f] u8cont
	       | "\xf0" [\x90-\xbf] u8cont u8cont
	       | [\xf1-\xf3] u8cont u8cont u8cont
	       | "\xf4" [\x80-\x8f] u8cont u8cont;
	hex    = [0-9a-fA-F];
*/

/* The body of a string literal: the opening quote is consumed. Unescapes
 * into the arena. Returns 0, or -1 after reporting an error (the cursor is
 * then past the string or at the end of the line). */
static int lex_string(cpol_lexer *lx, cpol_token *t)
{
	const unsigned char *cur = lx->cur, *lim = lx->lim, *mar, *start = lx->cur;
	const unsigned char *open = lx->tok;
	/* Unescaped text is never longer than the source text. */
	size_t cap = 0;
	while (start + cap < lim && start[cap] != '"' && start[cap] != '\n') {
		if (start[cap] == '\\' && start + cap + 1 < lim)
			cap++;
		cap++;
	}
	char *buf = cpol_arena_alloc(lx->u->arena, cap + 1);
	size_t n = 0;
	int bad = 0;
	(void)mar;

	for (;;) {
		const unsigned char *s = cur;
#define PUT(c) do { if (buf && n < cap) buf[n] = (char)(c); n++; } while (0)
	/*!re2c
		"\""        { break; }
		"\\\""      { PUT('"'); continue; }
		"\\\\"      { PUT('\\'); continue; }
		"\\n"       { PUT('\n'); continue; }
		"\\t"       { PUT('\t'); continue; }
		"\\r"       { PUT('\r'); continue; }
		"\\x" hex hex {
			unsigned v = 0;
			for (int i = 2; i < 4; i++) {
				unsigned c = s[i];
				v = v * 16 + (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
			}
			if (v == 0) {
				cpol_error_at(lx->u, here(lx, s), "'\\x00' is not allowed in a string: an argument can never contain a NUL byte");
				bad = 1;
			}
			PUT(v);
			continue;
		}
		"\\" [^] {
			cpol_error_at(lx->u, here(lx, s), "unknown escape sequence '\\%c' (use \\\" \\\\ \\n \\t \\r or \\xHH)",
			              (s[1] >= 0x20 && s[1] < 0x7f) ? s[1] : '?');
			bad = 1;
			if (s[1] == '\n') { cur = s + 1; goto unterminated; }
			continue;
		}
		"\x00" {
			cpol_error_at(lx->u, here(lx, s), "NUL byte in a string");
			bad = 1;
			continue;
		}
		"\n" { cur = s; goto unterminated; }
		$    { goto unterminated; }
		[\x01-\x09\x0b-\x1f\x7f] {
			cpol_error_at(lx->u, here(lx, s), "control character 0x%02x in a string (write it as \\x%02x)", *s, *s);
			bad = 1;
			continue;
		}
		[\x20-\x21\x23-\x5b\x5d-\x7e] { PUT(*s); continue; }
		utf8 { for (const unsigned char *q = s; q < cur; q++) PUT(*q); continue; }
		[^] {
			cpol_error_at(lx->u, here(lx, s), "invalid UTF-8 byte 0x%02x in a string", *s);
			bad = 1;
			continue;
		}
	*/
#undef PUT
	}
	lx->cur = cur;
	if (n > CPOL_MAX_STRING) {
		cpol_error_at(lx->u, here(lx, open), "string of %zu bytes is too long (the limit is %u)", n, CPOL_MAX_STRING);
		bad = 1;
	}
	if (buf)
		buf[n < cap ? n : cap] = 0;
	t->text = buf ? buf : "";
	t->len = buf ? (uint32_t)(n < cap ? n : cap) : 0;
	return bad ? -1 : 0;

unterminated:
	lx->cur = cur;
	cpol_error_at(lx->u, here(lx, open), "unterminated string (a string ends with '\"' on the same line)");
	t->text = "";
	t->len = 0;
	return -1;
}

/* A comment: '#' to the end of the line. Checks UTF-8 and keeps it. */
static void lex_comment(cpol_lexer *lx)
{
	const unsigned char *cur = lx->cur, *lim = lx->lim, *mar;
	const unsigned char *start = lx->tok;
	(void)mar;
	for (;;) {
		const unsigned char *s = cur;
	/*!re2c
		"\n"     { cur = s; break; }
		$        { cur = s; break; }
		"\x00"   { cpol_error_at(lx->u, here(lx, s), "NUL byte in a comment"); continue; }
		[\x01-\x09\x0b-\x7f] { continue; }
		utf8     { continue; }
		[^]      { cpol_error_at(lx->u, here(lx, s), "invalid UTF-8 byte 0x%02x in a comment", *s); continue; }
	*/
	}
	lx->cur = cur;
	cpol_comment *c = cpol_arena_alloc(lx->u->arena, sizeof *c);
	if (c) {
		c->loc = here(lx, start);
		c->len = (uint32_t)(cur - start);
		c->text = (const char *)start;
		*lx->ctail = c;
		lx->ctail = &c->next;
	}
}

int cpol_lex(cpol_lexer *lx, cpol_token *t)
{
	const unsigned char *cur, *lim = lx->lim, *mar;
	(void)mar;
again:
	cur = lx->cur;
	lx->tok = cur;
	memset(t, 0, sizeof *t);
	t->loc = here(lx, cur);
#define TOK(k) do { lx->cur = cur; t->type = CPOL_TK_##k; t->text = (const char *)lx->tok; \
	t->len = (uint32_t)(cur - lx->tok); return t->type; } while (0)
/* A comparison's token carries its enum cpol_cmp in num (grammar.y's `cmp`). */
#define CMPTOK(k) do { t->num = comparison(CPOL_TK_##k); TOK(k); } while (0)
/*!re2c
	$                 { lx->cur = cur; t->type = 0; return 0; }
	[ \t\r]+          { lx->cur = cur; goto again; }
	"\n"              { lx->cur = cur; newline(lx, cur); goto again; }
	"#"               { lx->cur = cur; lex_comment(lx); goto again; }
	"\""              {
		lx->cur = cur;
		if (lex_string(lx, t) < 0) {
			/* reported; still hand the parser a string so one bad escape
			 * does not also produce a syntax error */
		}
		t->type = CPOL_TK_STRING;
		return t->type;
	}
	[A-Za-z_][A-Za-z0-9_]* {
		lx->cur = cur;
		t->text = (const char *)lx->tok;
		t->len = (uint32_t)(cur - lx->tok);
		t->type = keyword(t->text, t->len, &t->num);
		return t->type;
	}
	[0-9]+ {
		uint64_t v = 0;
		for (const unsigned char *p = lx->tok; p < cur; p++) {
			v = v * 10 + (uint64_t)(*p - '0');
			if (v > 0xffffffffu) {
				cpol_error_at(lx->u, t->loc, "integer too large (the limit is 4294967295)");
				v = 0xffffffffu;
				break;
			}
		}
		t->num = (uint32_t)v;
		TOK(INT);
	}
	";"   { TOK(SEMI); }
	","   { TOK(COMMA); }
	"{"   { TOK(LBRACE); }
	"}"   { TOK(RBRACE); }
	"("   { TOK(LPAREN); }
	")"   { TOK(RPAREN); }
	"="   { TOK(EQ); }
	"."   { TOK(DOT); }
	"-"   { TOK(MINUS); }
	"=="  { CMPTOK(EQEQ); }
	"!="  { CMPTOK(NE); }
	"<"   { CMPTOK(LT); }
	"<="  { CMPTOK(LE); }
	">"   { CMPTOK(GT); }
	">="  { CMPTOK(GE); }
	"\x00" {
		lx->cur = cur;
		cpol_error_at(lx->u, t->loc, "NUL byte in the policy source");
		goto again;
	}
	"'" {
		lx->cur = cur;
		cpol_error_at(lx->u, t->loc, "strings are written in double quotes");
		/* skip to the closing quote on this line, if any */
		while (lx->cur < lim && *lx->cur != '\'' && *lx->cur != '\n')
			lx->cur++;
		if (lx->cur < lim && *lx->cur == '\'')
			lx->cur++;
		goto again;
	}
	[\x21-\x7e] {
		lx->cur = cur;
		cpol_error_at(lx->u, t->loc, "unexpected character '%c'", *lx->tok);
		goto again;
	}
	utf8 {
		lx->cur = cur;
		cpol_error_at(lx->u, t->loc, "unexpected non-ASCII character (only strings and comments may hold UTF-8)");
		goto again;
	}
	[^] {
		lx->cur = cur;
		if (*lx->tok >= 0x80)
			cpol_error_at(lx->u, t->loc, "invalid UTF-8 byte 0x%02x", *lx->tok);
		else
			cpol_error_at(lx->u, t->loc, "unexpected control character 0x%02x", *lx->tok);
		goto again;
	}
*/
#undef CMPTOK
#undef TOK
}

const char *cpol_token_name(int type)
{
	switch (type) {
	case 0: return "end of file";
	case CPOL_TK_STRING: return "a string";
	case CPOL_TK_IDENT: return "a name";
	case CPOL_TK_INT: return "a number";
	case CPOL_TK_SEMI: return "';'";
	case CPOL_TK_COMMA: return "','";
	case CPOL_TK_LBRACE: return "'{'";
	case CPOL_TK_RBRACE: return "'}'";
	case CPOL_TK_LPAREN: return "'('";
	case CPOL_TK_RPAREN: return "')'";
	case CPOL_TK_EQ: return "'='";
	case CPOL_TK_DOT: return "'.'";
	case CPOL_TK_MINUS: return "'-'";
#define KW(k, s) case CPOL_TK_##k: return "'" s "'";
	CPOL_KEYWORDS(KW)
#undef KW
#define PR(id, w, image, operand, members, source) CPOL_IF_WORD_##source(case CPOL_TK_##id: return "'" w "'";)
	CPOL_PREDICATES(PR)
#undef PR
#define CMP(id, token, text) case CPOL_TK_##token: return "'" text "'";
	CPOL_COMPARISONS(CMP)
#undef CMP
	default: return "a token";
	}
}
