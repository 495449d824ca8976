/* grammar/fmt.c -- codexpolc --fmt: a .cpol source printed again in its
 * canonical layout, from the syntax tree and the comments the lexer kept.
 *
 * It hands one file to the parse driver (parse.c: the same reader and
 * size limit, but no include resolution) and records the tokens on the
 * way: the tree says what to print, the token positions say where each
 * comment sits and which parentheses the author wrote (the tree keeps no
 * parentheses around conditions). It never changes what a policy means:
 * the output parses to the same tree. It refuses a source with any error.
 *
 * The canonical layout:
 *   - 4 spaces per block level; one statement, sandbox item, rule item
 *     (`when ...;`, the action) or test case per line; `{` ends the line
 *     that opens a block, `}` stands alone;
 *   - one space between words, none before `;` and `,`, `", "` between
 *     list items; `(` and `)` hug what they enclose;
 *   - a list stays on its line unless the line would pass 100 columns; it
 *     is then wrapped one item per line, each aligned under the first;
 *     a list with comments between its items is always wrapped;
 *   - conditions keep the author's parentheses (doubled ones become one
 *     pair) and are not broken across lines;
 *   - `operands from 1` is written `operands`, a port range N-N is `N`;
 *     strings are written with the escapes they need (\" \\ \n \t \r,
 *     \xHH for other control bytes and bytes that are not UTF-8);
 *   - one blank line where the source had one or more between two
 *     statements (or items, or comments); none after `{`, before `}`, at
 *     the start or at the end of the file;
 *   - a comment on its own line stays on its own line before what follows
 *     it, indented like it; a comment after code stays after that code's
 *     line, two spaces from it; a comment inside a statement that cannot
 *     stay where it was (in a condition, say) moves to its own line just
 *     before the statement. Trailing white space is removed from comments.
 */
#include "grammar/fmt.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/lower_bound.h"
#include "common/strbuf.h"
#include "grammar/grammar.h"
#include "grammar/parser.h"

struct tok {
	int type;
	uint32_t line, col;
};

enum { CM_FREE, CM_ITEM, CM_DONE };

struct cmt {
	uint32_t line, col;
	uint32_t gap;              /* number of tokens before it */
	const char *text;
	uint32_t len;              /* trailing white space removed */
	uint8_t trailing;          /* code before it on its line */
	uint8_t state;             /* CM_* */
	uint8_t lead;              /* CM_ITEM: on its own line before the item (else after it) */
	uint32_t item;             /* CM_ITEM: segment of the item */
};

enum { SEG_TEXT, SEG_ITEM };

struct seg {
	uint8_t kind;
	size_t off, len;           /* in fmt.txt */
	uint32_t tok;              /* SEG_ITEM: its first token */
	uint32_t list;             /* SEG_ITEM: its list */
};

struct list {
	uint32_t first, n;         /* segments */
	uint8_t wrap;              /* forced: comments between items */
};

struct span {
	uint32_t s, e;             /* first and last token, parentheses included */
	uint32_t np;               /* pairs of parentheses around it */
};

struct fmt {
	cpol_unit *u;
	cpol_file *f;
	struct tok *t;
	uint32_t nt, capt;
	struct cmt *c;
	uint32_t nc;
	struct cpol_strbuf out;
	/* the element being built */
	struct cpol_strbuf txt;
	struct seg *seg;
	uint32_t nseg, capseg;
	struct list *lst;
	uint32_t nlst, caplst;
	uint32_t clo, chi;         /* its interior comments */
	int oom;
};

/* ---- output buffers ---------------------------------------------------- */

static void spaces(struct cpol_strbuf *b, size_t n)
{
	static const char sp[] = "                                ";
	while (n > 0) {
		size_t k = n < sizeof sp - 1 ? n : sizeof sp - 1;
		cpol_sb_add(b, sp, k);
		n -= k;
	}
}

/* Columns taken by s[0..n): UTF-8 continuation bytes take none. */
static size_t width(const char *s, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

static int grow(void **p, uint32_t *cap, size_t esz)
{
	uint32_t c = *cap ? *cap * 2 : 64;
	if (c < *cap)
		return -1;
	void *q = realloc(*p, (size_t)c * esz);
	if (!q)
		return -1;
	*p = q;
	*cap = c;
	return 0;
}

/* ---- parsing: the lexer and the parser, tokens recorded --------------- */

/* Every token's position, recorded while the front end parses f (without
 * its includes). */
static int record_token(void *arg, const cpol_token *t)
{
	struct fmt *F = arg;
	if (t->type == 0)
		return 0;
	if (F->nt == F->capt && grow((void **)&F->t, &F->capt, sizeof *F->t) < 0) {
		F->oom = 1;
		return -1;
	}
	F->t[F->nt++] = (struct tok){ t->type, t->loc.line, t->loc.col };
	return 0;
}

static int parse(struct fmt *F)
{
	cpol_parse_text(F->u, F->f, record_token, F);
	if (cpol_arena_oom(F->u->arena))
		F->oom = 1;
	return F->oom ? -1 : 0;
}

static int before(uint32_t l1, uint32_t c1, uint32_t l2, uint32_t c2)
{
	return l1 < l2 || (l1 == l2 && c1 < c2);
}

/* Index of the token at loc (every node's loc is the start of a token). */
static uint32_t tok_at(const struct fmt *F, cpol_loc loc)
{
	uint32_t lo;
	CPOL_LOWER_BOUND(lo, F->nt, mid, before(F->t[mid].line, F->t[mid].col, loc.line, loc.col));
	return lo < F->nt ? lo : F->nt - 1;
}

static int collect_comments(struct fmt *F)
{
	uint32_t n = 0;
	for (const cpol_comment *c = F->f->comments; c; c = c->next)
		n++;
	F->c = calloc(n ? n : 1, sizeof *F->c);
	if (!F->c)
		return -1;
	uint32_t g = 0;
	for (const cpol_comment *c = F->f->comments; c; c = c->next) {
		struct cmt *m = &F->c[F->nc++];
		m->line = c->loc.line;
		m->col = c->loc.col;
		m->text = c->text;
		m->len = c->len;
		while (m->len > 1 && (m->text[m->len - 1] == ' ' || m->text[m->len - 1] == '\t' ||
		                      m->text[m->len - 1] == '\r' || m->text[m->len - 1] == '\f' ||
		                      m->text[m->len - 1] == '\v'))
			m->len--;
		while (g < F->nt && before(F->t[g].line, F->t[g].col, m->line, m->col))
			g++;
		m->gap = g;
		m->trailing = g > 0 && F->t[g - 1].line == m->line;
	}
	return 0;
}

/* First comment with gap >= g. */
static uint32_t first_comment(const struct fmt *F, uint32_t g)
{
	uint32_t lo;
	CPOL_LOWER_BOUND(lo, F->nc, mid, F->c[mid].gap < g);
	return lo;
}

/* The comment after token k on its line, or -1. */
static long trailing_after(const struct fmt *F, uint32_t k)
{
	uint32_t i = first_comment(F, k + 1);
	if (i < F->nc && F->c[i].gap == k + 1 && F->c[i].trailing)
		return (long)i;
	return -1;
}

/* ---- the segments of one element --------------------------------------- */

static void seg_reset(struct fmt *F)
{
	F->txt.len = 0;
	F->nseg = 0;
	F->nlst = 0;
}

static struct seg *seg_new(struct fmt *F)
{
	if (F->nseg == F->capseg && grow((void **)&F->seg, &F->capseg, sizeof *F->seg) < 0) {
		F->oom = 1;
		return NULL;
	}
	struct seg *s = &F->seg[F->nseg++];
	memset(s, 0, sizeof *s);
	return s;
}

static void text(struct fmt *F, const char *s, size_t n)
{
	size_t off = F->txt.len;
	cpol_sb_add(&F->txt, s, n);
	if (F->nseg && F->seg[F->nseg - 1].kind == SEG_TEXT) {
		F->seg[F->nseg - 1].len += n;
		return;
	}
	struct seg *g = seg_new(F);
	if (g) {
		g->kind = SEG_TEXT;
		g->off = off;
		g->len = n;
	}
}

#define T(F, lit) text((F), (lit), sizeof(lit) - 1)

/* Length of the well-formed UTF-8 sequence at s (as the lexer accepts it in
 * strings), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
#define C(i) (n > (i) && s[i] >= 0x80 && s[i] <= 0xbf)
	unsigned c = s[0];
	if (c >= 0xc2 && c <= 0xdf)
		return C(1) ? 2 : 0;
	if (c == 0xe0)
		return n > 2 && s[1] >= 0xa0 && s[1] <= 0xbf && C(2) ? 3 : 0;
	if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef)
		return C(1) && C(2) ? 3 : 0;
	if (c == 0xed)
		return n > 2 && s[1] >= 0x80 && s[1] <= 0x9f && C(2) ? 3 : 0;
	if (c == 0xf0)
		return n > 3 && s[1] >= 0x90 && s[1] <= 0xbf && C(2) && C(3) ? 4 : 0;
	if (c >= 0xf1 && c <= 0xf3)
		return C(1) && C(2) && C(3) ? 4 : 0;
	if (c == 0xf4)
		return n > 3 && s[1] >= 0x80 && s[1] <= 0x8f && C(2) && C(3) ? 4 : 0;
	return 0;
#undef C
}

/* A string literal with the escapes it needs, appended to b. */
static void put_quoted(struct cpol_strbuf *b, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	cpol_sb_addc(b, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned c = s[i];
		size_t k;
		switch (c) {
		case '"': cpol_sb_add(b, "\\\"", 2); continue;
		case '\\': cpol_sb_add(b, "\\\\", 2); continue;
		case '\n': cpol_sb_add(b, "\\n", 2); continue;
		case '\t': cpol_sb_add(b, "\\t", 2); continue;
		case '\r': cpol_sb_add(b, "\\r", 2); continue;
		default: break;
		}
		if (c >= 0x20 && c < 0x7f) {
			cpol_sb_addc(b, (char)c);
		} else if (c >= 0x80 && (k = utf8_len(s + i, n - i)) > 0) {
			cpol_sb_add(b, (const char *)s + i, k);
			i += k - 1;
		} else {
			char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
			cpol_sb_add(b, e, 4);
		}
	}
	cpol_sb_addc(b, '"');
}

static void qstr(struct fmt *F, const char *s, size_t n)
{
	struct cpol_strbuf b = { 0 };
	put_quoted(&b, s, n);
	if (b.oom)
		F->oom = 1;
	else
		text(F, b.p, b.len);
	free(b.p);
}

static void list_open(struct fmt *F)
{
	if (F->nlst == F->caplst && grow((void **)&F->lst, &F->caplst, sizeof *F->lst) < 0) {
		F->oom = 1;
		return;
	}
	struct list *l = &F->lst[F->nlst++];
	l->first = F->nseg;
	l->n = 0;
	l->wrap = 0;
}

/* Start an item of the open list; the caller appends its text with
 * item_text(), which never merges into a neighbour. */
static struct seg *item(struct fmt *F, uint32_t tok)
{
	if (!F->nlst)
		return NULL;
	struct seg *g = seg_new(F);
	if (!g)
		return NULL;
	g->kind = SEG_ITEM;
	g->off = F->txt.len;
	g->len = 0;
	g->tok = tok;
	g->list = F->nlst - 1;
	F->lst[F->nlst - 1].n++;
	return g;
}

static void item_str(struct fmt *F, uint32_t tok, const char *s, size_t n)
{
	struct seg *g = item(F, tok);
	if (!g)
		return;
	size_t off = F->txt.len;
	put_quoted(&F->txt, s, n);
	/* item() may have moved F->seg: find the segment again */
	F->seg[F->nseg - 1].len = F->txt.len - off;
}

static void item_raw(struct fmt *F, uint32_t tok, const char *s, size_t n)
{
	struct seg *g = item(F, tok);
	if (!g)
		return;
	cpol_sb_add(&F->txt, s, n);
	F->seg[F->nseg - 1].len = n;
}

static void put_list(struct fmt *F, const cpol_list *l)
{
	if (l->paren)
		T(F, "(");
	list_open(F);
	for (const cpol_item *it = l->first; it; it = it->next) {
		uint32_t k = tok_at(F, it->loc);
		if (it->kind == CPOL_ITEM_NAME)
			item_raw(F, k, it->text, it->len);
		else
			item_str(F, k, it->text, it->len);
	}
	if (l->paren)
		T(F, ")");
}

static void put_ports(struct fmt *F, const cpol_port *p)
{
	list_open(F);
	for (; p; p = p->next) {
		char b[32];
		int n = p->hi == p->lo ? snprintf(b, sizeof b, "%u", p->lo) : snprintf(b, sizeof b, "%u-%u", p->lo, p->hi);
		item_raw(F, tok_at(F, p->loc), b, (size_t)n);
	}
}

static void put_targets(struct fmt *F, const cpol_target *t)
{
	list_open(F);
	for (; t; t = t->next) {
		uint32_t k = tok_at(F, t->loc);
		struct cpol_strbuf b = { 0 };
		char num[32];
		switch (t->kind) {
		case CPOL_T_LAST: cpol_sb_add(&b, "last", 4); break;
		case CPOL_T_OPERANDS:
			if (t->from <= 1) {
				cpol_sb_add(&b, "operands", 8);
			} else {
				int n = snprintf(num, sizeof num, "operands from %u", t->from);
				cpol_sb_add(&b, num, (size_t)n);
			}
			break;
		case CPOL_T_AFTER:
		case CPOL_T_VALUE:
			cpol_sb_add(&b, t->kind == CPOL_T_AFTER ? "after " : "value ", 6);
			put_quoted(&b, t->text, t->len);
			break;
		default: break;
		}
		if (b.oom)
			F->oom = 1;
		item_raw(F, k, b.p ? b.p : "", b.len);
		free(b.p);
	}
}

static const char *const dec_name[] = { "allow", "prompt", "forbid" };

static void put_dec(struct fmt *F, unsigned d)
{
	const char *s = dec_name[d <= CPOL_DEC_FORBID ? d : CPOL_DEC_PROMPT];
	text(F, s, strlen(s));
}

static void put_num(struct fmt *F, uint32_t v)
{
	char b[16];
	int n = snprintf(b, sizeof b, "%u", v);
	text(F, b, (size_t)n);
}

/* ---- conditions -------------------------------------------------------- */

static int is_bin(const cpol_cond *c) { return c->kind == CPOL_C_AND || c->kind == CPOL_C_OR; }

static int prec(const cpol_cond *c) { return c->kind == CPOL_C_OR ? 1 : c->kind == CPOL_C_AND ? 2 : 3; }

/* Widen a span over the parentheses written around it. */
static struct span parens(const struct fmt *F, struct span r)
{
	r.np = 0;
	while (r.s > 0 && r.e + 1 < F->nt && F->t[r.s - 1].type == CPOL_TK_LPAREN &&
	       F->t[r.e + 1].type == CPOL_TK_RPAREN) {
		r.s--;
		r.e++;
		r.np++;
	}
	return r;
}

static struct span cond_span(struct fmt *F, const cpol_cond *c);

/* The spans of the AND/OR nodes down the left side of c: nodes[0] = c,
 * nodes[k-1] the lowest, whose left operand is not AND/OR. Returns k, or 0
 * when out of memory. */
static size_t spine(struct fmt *F, const cpol_cond *c, const cpol_cond ***nodes, struct span **spans)
{
	size_t k = 0;
	for (const cpol_cond *x = c; is_bin(x); x = x->a)
		k++;
	*nodes = NULL;
	*spans = NULL;
	if (k == 0)
		return 0;
	*nodes = malloc(k * sizeof **nodes);
	*spans = malloc(k * sizeof **spans);
	if (!*nodes || !*spans) {
		free(*nodes);
		free(*spans);
		F->oom = 1;
		return 0;
	}
	size_t i = 0;
	for (const cpol_cond *x = c; is_bin(x); x = x->a)
		(*nodes)[i++] = x;
	struct span cur = cond_span(F, (*nodes)[k - 1]->a);
	for (size_t j = k; j-- > 0;) {
		struct span r = { cur.s, cond_span(F, (*nodes)[j]->b).e, 0 };
		cur = (*spans)[j] = parens(F, r);
	}
	return k;
}

static struct span cond_span(struct fmt *F, const cpol_cond *c)
{
	struct span r = { 0, 0, 0 };
	if (is_bin(c)) {
		const cpol_cond **nodes;
		struct span *spans;
		size_t k = spine(F, c, &nodes, &spans);
		if (k) {
			r = spans[0];
			free(nodes);
			free(spans);
		}
		return r;
	}
	r.s = r.e = tok_at(F, c->loc);
	switch (c->kind) {
	case CPOL_C_NOT:
		r.e = cond_span(F, c->a).e;
		break;
	case CPOL_C_WRITES:
		r.e = r.s + (c->op == CPOL_W_ANY ? 0 : c->op == CPOL_W_ROOT ? 3 : 4);
		break;
	case CPOL_C_ARGC:
		r.e = r.s + 2;
		break;
	case CPOL_C_PROGRAM:
	case CPOL_C_SUBSTRING:
	case CPOL_C_ARG:
	case CPOL_C_ANYARG:
	case CPOL_C_NOARG:
	case CPOL_C_ANYVAL:
	case CPOL_C_NOVAL: {
		const cpol_list *l = (c->kind == CPOL_C_ANYVAL || c->kind == CPOL_C_NOVAL) && c->op == 1 ? &c->opts : &c->list;
		if (l->last)
			r.e = tok_at(F, l->last->loc) + (l->paren ? 1 : 0);
		break;
	}
	default:
		break;
	}
	return parens(F, r);
}

static void put_cond(struct fmt *F, const cpol_cond *c, int need);

static void put_atom(struct fmt *F, const cpol_cond *c)
{
	switch (c->kind) {
	case CPOL_C_TRUE: T(F, "true"); break;
	case CPOL_C_NETWORK: T(F, "network"); break;
	case CPOL_C_OPTIONS: T(F, "options only "); put_list(F, &c->list); break;
	case CPOL_C_PROGRAM: T(F, "program "); put_list(F, &c->list); break;
	case CPOL_C_SUBSTRING: T(F, "substring "); put_list(F, &c->list); break;
	case CPOL_C_ARG:
	case CPOL_C_ANYARG:
	case CPOL_C_NOARG:
		if (c->kind == CPOL_C_ARG) {
			T(F, "arg ");
			put_num(F, c->num);
			T(F, " ");
		} else {
			if (c->kind == CPOL_C_ANYARG)
				T(F, "any arg ");
			else
				T(F, "no arg ");
		}
		const char *pw = cpol_pred_source_word(c->pred);
		text(F, pw, strlen(pw));
		T(F, " ");
		put_list(F, &c->list);
		break;
	case CPOL_C_ANYVAL:
	case CPOL_C_NOVAL: {
		if (c->kind == CPOL_C_ANYVAL)
			T(F, "any value of ");
		else
			T(F, "no value of ");
		put_list(F, &c->sel);
		T(F, " options ");
		put_list(F, &c->opts);
		if (c->op == 1)
			break;
		T(F, " ");
		const char *vw = cpol_pred_source_word(c->pred);
		text(F, vw, strlen(vw));
		T(F, " ");
		put_list(F, &c->list);
		break;
	}
	case CPOL_C_ARGC:
		T(F, "argc ");
		const char *cw = cpol_cmp_text(c->op);
		text(F, cw, strlen(cw));
		T(F, " ");
		put_num(F, c->num);
		break;
	case CPOL_C_WRITES:
		if (c->op == CPOL_W_OUTSIDE)
			T(F, "writes outside sandbox.write");
		else if (c->op == CPOL_W_INSIDE)
			T(F, "writes inside sandbox.write");
		else if (c->op == CPOL_W_ROOT)
			T(F, "writes sandbox.write");
		else
			T(F, "writes");
		break;
	default:
		break;
	}
}

static void opens(struct fmt *F, size_t n)
{
	while (n--)
		T(F, "(");
}

/* c with the parentheses its author wrote (one pair at most) and those its
 * place needs (`need`). */
static void put_cond(struct fmt *F, const cpol_cond *c, int need)
{
	if (F->oom)
		return;
	if (is_bin(c)) {
		const cpol_cond **nodes;
		struct span *spans;
		size_t k = spine(F, c, &nodes, &spans);
		if (!k)
			return;
		uint8_t *q = malloc(k);
		if (!q) {
			F->oom = 1;
			free(nodes);
			free(spans);
			return;
		}
		size_t total = 0;
		for (size_t i = 0; i < k; i++) {
			q[i] = spans[i].np > 0 || (i == 0 ? need : prec(nodes[i]) < prec(nodes[i - 1]));
			total += q[i];
		}
		opens(F, total);
		const cpol_cond *leaf = nodes[k - 1]->a;
		put_cond(F, leaf, prec(leaf) < prec(nodes[k - 1]));
		for (size_t i = k; i-- > 0;) {
			const cpol_cond *b = nodes[i]->b;
			if (nodes[i]->kind == CPOL_C_AND)
				T(F, " and ");
			else
				T(F, " or ");
			put_cond(F, b, is_bin(b) && prec(b) <= prec(nodes[i]));
			if (q[i])
				T(F, ")");
		}
		free(q);
		free(nodes);
		free(spans);
		return;
	}
	int p = need || cond_span(F, c).np > 0;
	if (p)
		T(F, "(");
	if (c->kind == CPOL_C_NOT) {
		T(F, "not ");
		put_cond(F, c->a, is_bin(c->a));
	} else {
		put_atom(F, c);
	}
	if (p)
		T(F, ")");
}

/* ---- laying an element out --------------------------------------------- */

static void put_comment(struct cpol_strbuf *b, const struct cmt *m)
{
	cpol_sb_add(b, m->text, m->len);
}

/* Comments inside the element [s, e] go between list items when they sit
 * between two items of one list (and force that list to wrap); the others
 * are printed before the element by the caller. */
static void attach_interior(struct fmt *F, uint32_t s, uint32_t e)
{
	F->clo = first_comment(F, s + 1);
	F->chi = first_comment(F, e + 1);
	for (uint32_t i = F->clo; i < F->chi; i++) {
		struct cmt *m = &F->c[i];
		for (uint32_t l = 0; l < F->nlst && m->state == CM_FREE; l++) {
			struct list *L = &F->lst[l];
			for (uint32_t j = 0; j + 1 < L->n; j++) {
				uint32_t a = F->seg[L->first + j].tok, b = F->seg[L->first + j + 1].tok;
				if (a < m->gap && m->gap <= b) {
					/* one comment after an item; a second one goes before the next */
					int taken = 0;
					for (uint32_t k = F->clo; k < i; k++)
						taken |= F->c[k].state == CM_ITEM && !F->c[k].lead &&
						         F->c[k].item == L->first + j;
					m->state = CM_ITEM;
					m->lead = !m->trailing || taken;
					m->item = L->first + j + !!m->lead;
					L->wrap = 1;
					break;
				}
			}
		}
	}
}

static void newline(struct fmt *F) { cpol_sb_addc(&F->out, '\n'); }

/* The comments of the element that could not stay inside it. */
static void print_hoisted(struct fmt *F, int indent)
{
	for (uint32_t i = F->clo; i < F->chi; i++) {
		struct cmt *m = &F->c[i];
		if (m->state != CM_FREE)
			continue;
		spaces(&F->out, (size_t)indent);
		put_comment(&F->out, m);
		newline(F);
		m->state = CM_DONE;
	}
}

static void layout(struct fmt *F, int indent, long trail)
{
	struct cpol_strbuf *o = &F->out;
	const char *txt = F->txt.p ? F->txt.p : "";
	size_t col = (size_t)indent;
	spaces(o, col);
	for (uint32_t k = 0; k < F->nseg;) {
		const struct seg *g = &F->seg[k];
		if (g->kind == SEG_TEXT) {
			cpol_sb_add(o, txt + g->off, g->len);
			col += width(txt + g->off, g->len);
			k++;
			continue;
		}
		const struct list *L = &F->lst[g->list];
		size_t w = 0, tail = 0;
		for (uint32_t j = 0; j < L->n; j++) {
			const struct seg *it = &F->seg[L->first + j];
			w += width(txt + it->off, it->len) + (j ? 2 : 0);
		}
		uint32_t after = L->first + L->n;
		if (after < F->nseg && F->seg[after].kind == SEG_TEXT)
			tail = width(txt + F->seg[after].off, F->seg[after].len);
		int wrap = L->wrap || (L->n >= 2 && col + w + tail > CPOL_FMT_WIDTH);
		size_t c0 = col;
		for (uint32_t j = 0; j < L->n; j++) {
			uint32_t si = L->first + j;
			const struct seg *it = &F->seg[si];
			if (j > 0 && wrap) {
				newline(F);
				for (uint32_t i = F->clo; i < F->chi; i++) {
					struct cmt *m = &F->c[i];
					if (m->state == CM_ITEM && m->lead && m->item == si) {
						spaces(o, c0);
						put_comment(o, m);
						newline(F);
						m->state = CM_DONE;
					}
				}
				spaces(o, c0);
			} else if (j > 0) {
				cpol_sb_add(o, ", ", 2);
			}
			cpol_sb_add(o, txt + it->off, it->len);
			if (j + 1 < L->n) {
				if (wrap)
					cpol_sb_addc(o, ',');
				for (uint32_t i = F->clo; i < F->chi; i++) {
					struct cmt *m = &F->c[i];
					if (m->state == CM_ITEM && !m->lead && m->item == si) {
						cpol_sb_add(o, "  ", 2);
						put_comment(o, m);
						m->state = CM_DONE;
					}
				}
			}
		}
		const struct seg *last = &F->seg[after - 1];
		col = wrap ? c0 + width(txt + last->off, last->len) : c0 + w;
		k = after;
	}
	if (trail >= 0) {
		cpol_sb_add(o, "  ", 2);
		put_comment(o, &F->c[trail]);
		F->c[trail].state = CM_DONE;
	}
	newline(F);
}

/* ---- elements ---------------------------------------------------------- */

enum { E_STMT, E_SBITEM, E_WHEN, E_ACTION, E_TCASE, E_GRANT, E_LIMIT };

struct elem {
	int kind;
	const void *node;
	uint32_t s, e;             /* first and last token */
};

static void print_seq(struct fmt *F, struct elem *el, uint32_t n, uint32_t open, uint32_t close, int indent);

static void build_leaf(struct fmt *F, const struct elem *el)
{
	switch (el->kind) {
	case E_STMT: {
		const cpol_stmt *s = el->node;
		switch (s->kind) {
		case CPOL_S_POLICY:
			T(F, "policy ");
			qstr(F, s->u.policy.name, s->u.policy.len);
			break;
		case CPOL_S_INCLUDE:
			T(F, "include ");
			qstr(F, s->u.include.path, s->u.include.len);
			break;
		case CPOL_S_DEFAULT:
			T(F, "default ");
			put_dec(F, s->u.def.dec);
			if (s->u.def.confined)
				T(F, " inside sandbox");
			break;
		case CPOL_S_SET:
			T(F, "set ");
			text(F, s->u.set.name, s->u.set.len);
			T(F, " = ");
			put_list(F, &s->u.set.list);
			break;
		case CPOL_S_RULE:
			put_dec(F, s->u.rule.dec);
			if (s->u.rule.form == CPOL_FORM_PROGRAM)
				T(F, " program ");
			else
				T(F, " substring ");
			if (s->u.rule.when)
				put_list(F, &s->u.rule.when->list);
			if (s->u.rule.because) {
				T(F, " because ");
				qstr(F, s->u.rule.because, s->u.rule.because_len);
			}
			break;
		case CPOL_S_INTENT:
			if (s->u.intent.kind == CPOL_INTENT_NETWORK)
				T(F, "intent network program ");
			else
				T(F, "intent write program ");
			put_list(F, &s->u.intent.programs);
			if (s->u.intent.kind == CPOL_INTENT_WRITE) {
				T(F, " target ");
				put_targets(F, s->u.intent.targets);
			}
			if (s->u.intent.when) {
				T(F, " when ");
				put_cond(F, s->u.intent.when, 0);
			}
			break;
		case CPOL_S_WRAPPER:
			T(F, "wrapper program ");
			put_list(F, &s->u.wrapper.programs);
			if (s->u.wrapper.has_options) {
				T(F, " options ");
				put_list(F, &s->u.wrapper.options);
			}
			if (s->u.wrapper.has_replace) {
				T(F, " replace ");
				put_list(F, &s->u.wrapper.replace);
			}
			if (s->u.wrapper.skip) {
				T(F, " skip ");
				put_num(F, s->u.wrapper.skip);
			}
			if (s->u.wrapper.assignments)
				T(F, " assignments");
			if (s->u.wrapper.input)
				T(F, " input");
			if (s->u.wrapper.has_command) {
				T(F, " command after ");
				put_list(F, &s->u.wrapper.after);
				T(F, " until ");
				put_list(F, &s->u.wrapper.until);
			}
			if (s->u.wrapper.script)
				T(F, " script");
			break;
		case CPOL_S_PRELUDE:
			T(F, "prelude none");
			break;
		default:
			break;
		}
		break;
	}
	case E_SBITEM: {
		const cpol_sbitem *it = el->node;
		static const char *const nets[] = { "none", "connect ", "outbound", "any" };
		switch (it->kind) {
		case CPOL_SB_READ: T(F, "read "); put_list(F, &it->list); break;
		case CPOL_SB_WRITE: T(F, "write "); put_list(F, &it->list); break;
		case CPOL_SB_PROTECT: T(F, "protect "); put_list(F, &it->list); break;
		case CPOL_SB_ENV_KEEP: T(F, "env keep "); put_list(F, &it->list); break;
		case CPOL_SB_UNIX: T(F, "unix "); put_list(F, &it->list); break;
		case CPOL_SB_DENY_READ: T(F, "deny read "); put_list(F, &it->list); break;
		case CPOL_SB_NET_ALLOW: T(F, "network allow "); put_list(F, &it->list); break;
		case CPOL_SB_NET_ALLOW_READ: T(F, "network allow read "); put_list(F, &it->list); break;
		case CPOL_SB_NET_DENY: T(F, "network deny "); put_list(F, &it->list); break;
		case CPOL_SB_BIND: T(F, "bind "); put_ports(F, it->ports); break;
		case CPOL_SB_NETWORK:
			T(F, "network ");
			text(F, nets[it->net <= CPOL_NET_ANY ? it->net : 0], strlen(nets[it->net <= CPOL_NET_ANY ? it->net : 0]));
			if (it->net == CPOL_NET_CONNECT)
				put_ports(F, it->ports);
			break;
		default: break;
		}
		break;
	}
	case E_WHEN: {
		const cpol_stmt *s = el->node;
		T(F, "when ");
		put_cond(F, s->u.rule.when, 0);
		if (s->u.rule.unless) {
			T(F, " unless ");
			put_cond(F, s->u.rule.unless, 0);
		}
		break;
	}
	case E_ACTION: {
		const cpol_stmt *s = el->node;
		if (s->u.rule.action == CPOL_ACT_SCRIPT) {
			T(F, "evaluate script arg ");
			put_num(F, s->u.rule.script_arg);
		} else {
			put_dec(F, s->u.rule.dec);
			if (s->u.rule.because) {
				T(F, " because ");
				qstr(F, s->u.rule.because, s->u.rule.because_len);
			}
		}
		break;
	}
	case E_GRANT: {
		const cpol_grant *g = el->node;
		if (g->kind == CPOL_GRANT_CONNECT) {
			T(F, "grant network connect ");
			put_ports(F, g->ports);
		} else {
			if (g->kind == CPOL_GRANT_WRITE)
				T(F, "grant write ");
			else
				T(F, "grant unix ");
			put_list(F, &g->list);
		}
		break;
	}
	case E_LIMIT: {
		const cpol_limit *l = el->node;
		text(F, l->name, l->len);
		if (l->none) {
			T(F, " none");
		} else {
			T(F, " ");
			put_num(F, l->value);
			if (l->unit)
				text(F, l->unit, l->ulen);
		}
		break;
	}
	case E_TCASE: {
		const cpol_testcase *tc = el->node;
		put_dec(F, tc->expect);
		T(F, " ");
		qstr(F, tc->line, tc->len);
		if (tc->cwd) {
			T(F, " cwd ");
			qstr(F, tc->cwd, strlen(tc->cwd));
		}
		break;
	}
	default:
		break;
	}
	T(F, ";");
}

/* Sort elements by their first token (rule items may come in any order). */
static int elem_cmp(const void *a, const void *b)
{
	const struct elem *x = a, *y = b;
	return x->s < y->s ? -1 : x->s > y->s;
}

/* The ends of a run of sibling elements: each ends where the next starts. */
static void set_ends(struct elem *el, uint32_t n, uint32_t close)
{
	for (uint32_t i = 0; i < n; i++)
		el[i].e = (i + 1 < n ? el[i + 1].s : close) - 1;
}

static void print_block(struct fmt *F, const struct elem *el, int indent, int blank)
{
	const cpol_stmt *s = el->node;
	uint32_t open = el->s + (s->kind == CPOL_S_RULE ? 2 : 1);
	uint32_t close = el->e;
	uint32_t n = 0;
	struct elem *kids = NULL;
	/* the children */
	if (s->kind == CPOL_S_SANDBOX) {
		for (const cpol_sbitem *it = s->u.sandbox.items; it; it = it->next)
			n++;
	} else if (s->kind == CPOL_S_TEST) {
		for (const cpol_testcase *tc = s->u.test.cases; tc; tc = tc->next)
			n++;
	} else if (s->kind == CPOL_S_LIMITS) {
		for (const cpol_limit *l = s->u.limits.items; l; l = l->next)
			n++;
	} else {
		n = 2;
		for (const cpol_grant *g = s->u.rule.grants; g; g = g->next)
			n++;
	}
	kids = calloc(n ? n : 1, sizeof *kids);
	if (!kids) {
		F->oom = 1;
		return;
	}
	n = 0;
	if (s->kind == CPOL_S_SANDBOX) {
		for (const cpol_sbitem *it = s->u.sandbox.items; it; it = it->next)
			kids[n++] = (struct elem){ E_SBITEM, it, tok_at(F, it->loc), 0 };
	} else if (s->kind == CPOL_S_TEST) {
		for (const cpol_testcase *tc = s->u.test.cases; tc; tc = tc->next)
			kids[n++] = (struct elem){ E_TCASE, tc, tok_at(F, tc->loc), 0 };
	} else if (s->kind == CPOL_S_LIMITS) {
		for (const cpol_limit *l = s->u.limits.items; l; l = l->next)
			kids[n++] = (struct elem){ E_LIMIT, l, tok_at(F, l->loc), 0 };
	} else {
		if (s->u.rule.when) {
			uint32_t w = cond_span(F, s->u.rule.when).s;
			kids[n++] = (struct elem){ E_WHEN, s, w ? w - 1 : 0, 0 };
		}
		if (s->u.rule.action != CPOL_ACT_NONE)
			kids[n++] = (struct elem){ E_ACTION, s, tok_at(F, s->u.rule.action_loc), 0 };
		for (const cpol_grant *g = s->u.rule.grants; g; g = g->next)
			kids[n++] = (struct elem){ E_GRANT, g, tok_at(F, g->loc), 0 };
		qsort(kids, n, sizeof *kids, elem_cmp);
	}
	set_ends(kids, n, close);

	/* comments inside the head (rule "x" # ... {) go before it */
	F->clo = first_comment(F, el->s + 1);
	F->chi = first_comment(F, open + 1);
	if (blank)
		newline(F);
	print_hoisted(F, indent);
	spaces(&F->out, (size_t)indent);
	if (s->kind == CPOL_S_SANDBOX) {
		cpol_sb_add(&F->out, "sandbox {", 9);
	} else if (s->kind == CPOL_S_TEST) {
		cpol_sb_add(&F->out, "test {", 6);
	} else if (s->kind == CPOL_S_LIMITS) {
		cpol_sb_add(&F->out, "limits {", 8);
	} else {
		cpol_sb_add(&F->out, "rule ", 5);
		put_quoted(&F->out, s->u.rule.name, s->u.rule.len);
		cpol_sb_add(&F->out, " {", 2);
	}
	long t = trailing_after(F, open);
	if (t >= 0) {
		cpol_sb_add(&F->out, "  ", 2);
		put_comment(&F->out, &F->c[t]);
		F->c[t].state = CM_DONE;
	}
	newline(F);
	print_seq(F, kids, n, open, close, indent + CPOL_FMT_INDENT);
	free(kids);
	spaces(&F->out, (size_t)indent);
	cpol_sb_addc(&F->out, '}');
	t = trailing_after(F, close);
	if (t >= 0) {
		cpol_sb_add(&F->out, "  ", 2);
		put_comment(&F->out, &F->c[t]);
		F->c[t].state = CM_DONE;
	}
	newline(F);
}

static void print_elem(struct fmt *F, const struct elem *el, int indent, int blank)
{
	if (el->kind == E_STMT) {
		const cpol_stmt *s = el->node;
		if (s->kind == CPOL_S_SANDBOX || s->kind == CPOL_S_TEST || s->kind == CPOL_S_LIMITS ||
		    (s->kind == CPOL_S_RULE && s->u.rule.form == CPOL_FORM_BLOCK)) {
			print_block(F, el, indent, blank);
			return;
		}
	}
	seg_reset(F);
	build_leaf(F, el);
	attach_interior(F, el->s, el->e);
	if (blank)
		newline(F);
	print_hoisted(F, indent);
	layout(F, indent, trailing_after(F, el->e));
	if (F->txt.oom)
		F->oom = 1;
}

/* A run of siblings between the tokens open and close (the braces of a
 * block; -1 and nt for the file), with the comments around them. */
static void print_seq(struct fmt *F, struct elem *el, uint32_t n, uint32_t open, uint32_t close, int indent)
{
	uint32_t prev = 0; /* source line of what was printed last in this run */
	(void)open;
	for (uint32_t i = 0; i <= n && !F->oom; i++) {
		uint32_t g = i < n ? el[i].s : close;
		for (uint32_t k = first_comment(F, g); k < F->nc && F->c[k].gap == g; k++) {
			struct cmt *m = &F->c[k];
			if (m->trailing || m->state != CM_FREE)
				continue; /* after the previous element, or after '{' */
			if (prev && m->line > prev + 1)
				newline(F);
			spaces(&F->out, (size_t)indent);
			put_comment(&F->out, m);
			newline(F);
			m->state = CM_DONE;
			prev = m->line;
		}
		if (i == n)
			break;
		print_elem(F, &el[i], indent, prev && F->t[el[i].s].line > prev + 1);
		prev = F->t[el[i].e].line;
	}
}

int cpol_fmt_source(cpol_unit *u, const char *path, const char *text_, size_t size, char **out, size_t *outlen)
{
	struct fmt F;
	memset(&F, 0, sizeof F);
	F.u = u;
	*out = NULL;
	*outlen = 0;
	F.f = cpol_unit_add_text(u, path, text_, size);
	if (!F.f)
		return -1;
	cpol_loc whole = { F.f->index, 0, 0 };
	uint32_t errors = u->nerrors;
	int rc = -1;
	if (parse(&F) < 0 || collect_comments(&F) < 0) {
		F.oom = 1;
		goto done;
	}
	if (u->nerrors != errors)
		goto done;

	uint32_t n = 0;
	for (const cpol_stmt *s = F.f->stmts; s; s = s->next)
		n++;
	struct elem *el = calloc(n ? n : 1, sizeof *el);
	if (!el) {
		F.oom = 1;
		goto done;
	}
	n = 0;
	for (const cpol_stmt *s = F.f->stmts; s; s = s->next)
		el[n++] = (struct elem){ E_STMT, s, tok_at(&F, s->loc), 0 };
	set_ends(el, n, F.nt);
	print_seq(&F, el, n, UINT32_MAX, F.nt, 0);
	free(el);
	if (F.out.oom || F.txt.oom)
		F.oom = 1;
	if (!F.oom) {
		if (!F.out.p)
			cpol_sb_add(&F.out, "", 0);
		if (!F.out.oom) {
			*out = F.out.p;
			*outlen = F.out.len;
			F.out.p = NULL;
			rc = 0;
		}
	}
done:
	if (F.oom)
		cpol_error_at(u, whole, "out of memory");
	free(F.out.p);
	free(F.txt.p);
	free(F.t);
	free(F.c);
	free(F.seg);
	free(F.lst);
	return rc;
}
