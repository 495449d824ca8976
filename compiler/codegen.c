/* compiler/codegen.c -- from a resolved model to the image bytes of
 * vm/image.h: strings, sets (hash tables for membership tests), the program
 * dispatch table, one substring automaton for every pattern, rule
 * conditions as forward-jumping bytecode, intents, the sandbox (with the
 * prebuilt seccomp filter) and debug positions; then the header with the
 * XXH3-64 checksum. The result is loaded back and verified by the caller. */
#include "compiler/compiler.h"
#include "compiler/build.h"
#include "compiler/grant.h"
#include "vm/image.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

struct gset {                /* a set or a group: its strings, by id, in order */
	uint32_t *ids, n;
	int hashed;
	uint64_t h;              /* XXH3 of ids[0..n), for the index */
};

struct gprog {
	uint32_t name;           /* string id */
	uint32_t *rules, nrules, caprules;
	struct cpol_img_intent *intents;
	uint32_t nintents, capintents;
};

struct cg {
	cpol_unit *u;
	const struct cpol_model *m;
	struct cpol_strtab st;
	struct gset *sets; uint32_t nsets, capsets;
	struct gset *groups; uint32_t ngroups, capgroups;
	struct cpol_hindex setix, groupix;   /* sets and groups by content: interning stays linear */
	struct gprog *progs; uint32_t nprogs, capprogs;
	uint32_t *progof; uint32_t capprogof;   /* string id -> program index + 1 */
	struct cpol_img_insn *code; uint32_t ncode, capcode;
	uint32_t maxarg;
	uint32_t nwrappers;
	uint32_t **rkeys, *nrkeys; /* per rule: the strings argv[1] must be one of (ARGIDX) */
	struct wkey **wkeys; uint32_t *nwkeys; /* per rule: the words one of which it needs (WORDIDX) */
	int ro_filter;           /* the stored seccomp filter refuses metadata changes */
	int oom;
};

#define GROWV(arr, n, cap, g) \
	((n) < (cap) ? 0 : grow((void **)&(arr), &(cap), sizeof *(arr), (g)))

static int grow(void **arr, uint32_t *cap, size_t esz, struct cg *g)
{
	uint32_t c = *cap ? *cap * 2 : 16;
	void *p = realloc(*arr, (size_t)c * esz);
	if (!p) {
		g->oom = 1;
		return -1;
	}
	*arr = p;
	*cap = c;
	return 0;
}

static uint32_t sid(struct cg *g, const char *s, uint32_t len)
{
	return cpol_strtab_id(&g->st, s, len);
}

/* The distinct string ids of a list (set names expanded), sorted when
 * `sorted` (groups are compared by content, order-free). */
static int list_ids(struct cg *g, const cpol_list *l, uint32_t **ids, uint32_t *n, int sorted)
{
	struct cpol_str *v;
	long k = cpol_expand(l, &v);
	*ids = NULL;
	*n = 0;
	if (k < 0) {
		g->oom = 1;
		return -1;
	}
	uint32_t *a = malloc((size_t)(k ? k : 1) * sizeof *a);
	if (!a) {
		free(v);
		g->oom = 1;
		return -1;
	}
	uint32_t cnt = 0;
	for (long i = 0; i < k; i++) {
		uint32_t id = sid(g, v[i].text, v[i].len);
		int dup = 0;
		for (uint32_t j = 0; j < cnt && !dup; j++)
			dup = a[j] == id;
		if (!dup)
			a[cnt++] = id;
	}
	free(v);
	if (sorted)
		for (uint32_t i = 1; i < cnt; i++)
			for (uint32_t j = i; j > 0 && a[j - 1] > a[j]; j--) {
				uint32_t t = a[j];
				a[j] = a[j - 1];
				a[j - 1] = t;
			}
	*ids = a;
	*n = cnt;
	return 0;
}

static uint64_t gset_hash(const void *entries, uint32_t i)
{
	return ((const struct gset *)entries)[i].h;
}

static uint32_t intern(struct cg *g, struct gset **arr, uint32_t *n, uint32_t *cap, struct cpol_hindex *ix,
                       uint32_t *ids, uint32_t cnt, int hashed)
{
	uint64_t h = XXH3_64bits(ids, cnt * sizeof *ids);
	/* when the index cannot grow, compare with every entry */
	int indexed = cpol_hindex_room(ix, *n, 64, gset_hash, *arr) == 0;
	uint32_t k = indexed ? cpol_hindex_start(ix, h) : 0;
	for (uint32_t i = 0; i < *n; i++) {
		struct gset *s;
		if (indexed) {
			if (!ix->slot[k])
				break;
			s = &(*arr)[ix->slot[k] - 1];
			k = cpol_hindex_next(ix, k);
		} else {
			s = &(*arr)[i];
		}
		if (s->h == h && s->n == cnt && !memcmp(s->ids, ids, cnt * sizeof *ids)) {
			free(ids);
			s->hashed |= hashed;
			return (uint32_t)(s - *arr);
		}
	}
	if (GROWV(*arr, *n, *cap, g) < 0) {
		free(ids);
		return 0;
	}
	(*arr)[*n] = (struct gset){ ids, cnt, hashed, h };
	if (indexed)
		ix->slot[k] = *n + 1;
	return (*n)++;
}

static uint32_t set_of(struct cg *g, const cpol_list *l, int hashed)
{
	uint32_t *ids, n;
	if (list_ids(g, l, &ids, &n, 0) < 0)
		return 0;
	return intern(g, &g->sets, &g->nsets, &g->capsets, &g->setix, ids, n, hashed);
}

static uint32_t group_of(struct cg *g, const cpol_list *l)
{
	uint32_t *ids, n;
	if (list_ids(g, l, &ids, &n, 1) < 0)
		return 0;
	return intern(g, &g->groups, &g->ngroups, &g->capgroups, &g->groupix, ids, n, 0);
}

static uint32_t emit(struct cg *g, uint8_t op, uint8_t a, uint16_t b, uint32_t c)
{
	if (GROWV(g->code, g->ncode, g->capcode, g) < 0)
		return 0;
	g->code[g->ncode] = (struct cpol_img_insn){ op, a, b, c };
	return g->ncode++;
}

static void patch(struct cg *g, uint32_t at)
{
	if (!g->oom)
		g->code[at].c = g->ncode;
}


/* One argument test (ARG N or ANYARG) with predicate p and its operand. */
static void emit_argtest(struct cg *g, const cpol_cond *c, uint8_t p, uint32_t operand)
{
	if (c->kind == CPOL_C_ARG)
		emit(g, CPOL_OP_ARG, p, (uint16_t)c->num, operand);
	else
		emit(g, CPOL_OP_ANYARG, p, 0, operand);
}

/* `contains`: single characters are tested directly (memchr), longer
 * strings through the automaton; a list of both is the or of the two. */
static void emit_contains(struct cg *g, const cpol_cond *c)
{
	uint32_t *ids, n;
	if (list_ids(g, &c->list, &ids, &n, 1) < 0)
		return;
	uint32_t *one = malloc((n ? n : 1) * sizeof *one), *more = malloc((n ? n : 1) * sizeof *more);
	uint32_t n1 = 0, n2 = 0;
	if (!one || !more) {
		free(ids);
		free(one);
		free(more);
		g->oom = 1;
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (g->st.v[ids[i]].len == 1)
			one[n1++] = ids[i];
		else
			more[n2++] = ids[i];
	}
	free(ids);
	uint32_t j = 0;
	if (n1) {
		emit_argtest(g, c, CPOL_PR_CHARS, intern(g, &g->sets, &g->nsets, &g->capsets, &g->setix, one, n1, 0));
		one = NULL;
		if (n2)
			j = emit(g, CPOL_OP_JT, 0, 0, 0);
	}
	if (n2) {
		emit_argtest(g, c, CPOL_PR_CONTAINS, intern(g, &g->groups, &g->ngroups, &g->capgroups, &g->groupix, more, n2, 0));
		more = NULL;
		if (n1)
			patch(g, j);
	}
	free(one);
	free(more);
}

/* Is option member m (-x#, -x[#], --name=, --name[=]) one of the options
 * `any value of` selects (-x, --name)? */
static int member_selected(struct cg *g, const struct cpol_strent *m, const uint32_t *sel, uint32_t nsel)
{
	uint32_t l = m->len;
	int lng = l > 2 && m->s[1] == '-';
	if (lng && l >= 6 && !memcmp(m->s + l - 3, "[=]", 3))
		l -= 3;
	else if (lng && m->s[l - 1] == '=')
		l -= 1;
	else if (!lng && l == 5 && !memcmp(m->s + 2, "[#]", 3))
		l = 2;
	else if (!lng && l == 3 && m->s[2] == '#')
		l = 2;
	else
		return 0; /* a flag: no value */
	for (uint32_t i = 0; i < nsel; i++) {
		const struct cpol_strent *e = &g->st.v[sel[i]];
		if (e->len == l && !memcmp(e->s, m->s, l))
			return 1;
	}
	return 0;
}

/* `any value of SEL options LIST PRED`: VALUE (predicate, how many of the
 * set's first members are selected, the predicate's operand) and VALSET
 * (the option set, its selected value members first). */
static void emit_valtest(struct cg *g, const cpol_cond *c)
{
	uint8_t p = c->op == 1 ? CPOL_PR_IN : (uint8_t)cpol_pred_image(c->pred);
	uint32_t operand = c->op == 1             ? CPOL_NONE /* any value */
	                   : p == CPOL_PR_CONTAINS ? group_of(g, &c->list)
	                                           : set_of(g, &c->list, p == CPOL_PR_IN);
	uint32_t *sel, nsel, *opts, nopts;
	if (list_ids(g, &c->sel, &sel, &nsel, 0) < 0)
		return;
	if (list_ids(g, &c->opts, &opts, &nopts, 0) < 0) {
		free(sel);
		return;
	}
	uint32_t k = 0; /* stable: the selected members move to the front */
	for (uint32_t i = 0; i < nopts; i++) {
		if (!member_selected(g, &g->st.v[opts[i]], sel, nsel))
			continue;
		uint32_t id = opts[i];
		memmove(opts + k + 1, opts + k, (size_t)(i - k) * sizeof *opts);
		opts[k++] = id;
	}
	free(sel);
	emit(g, CPOL_OP_VALUE, p, (uint16_t)k, operand);
	emit(g, CPOL_OP_VALSET, 0, 0, intern(g, &g->sets, &g->nsets, &g->capsets, &g->setix, opts, nopts, 0));
}

/* Code that leaves the condition's value in r; `skip` (the program test a
 * rule is dispatched on) counts as true. */
static void emit_cond(struct cg *g, const cpol_cond *c, const cpol_cond *skip)
{
	if (!c || c == skip) {
		emit(g, CPOL_OP_TRUE, 0, 0, 0);
		return;
	}
	switch (c->kind) {
	case CPOL_C_AND:
		if (c->a == skip) {
			emit_cond(g, c->b, skip);
		} else if (c->b == skip) {
			emit_cond(g, c->a, skip);
		} else {
			emit_cond(g, c->a, skip);
			uint32_t j = emit(g, CPOL_OP_JF, 0, 0, 0);
			emit_cond(g, c->b, skip);
			patch(g, j);
		}
		return;
	case CPOL_C_OR: {
		emit_cond(g, c->a, skip);
		uint32_t j = emit(g, CPOL_OP_JT, 0, 0, 0);
		emit_cond(g, c->b, skip);
		patch(g, j);
		return;
	}
	case CPOL_C_NOT:
		emit_cond(g, c->a, skip);
		emit(g, CPOL_OP_NOT, 0, 0, 0);
		return;
	case CPOL_C_ARG: case CPOL_C_ANYARG: case CPOL_C_NOARG: {
		uint8_t p = (uint8_t)cpol_pred_image(c->pred);
		if (c->kind == CPOL_C_ARG && c->num > g->maxarg)
			g->maxarg = c->num;
		if (p == CPOL_PR_CONTAINS)
			emit_contains(g, c);
		else
			emit_argtest(g, c, p, set_of(g, &c->list, p == CPOL_PR_IN));
		if (c->kind == CPOL_C_NOARG)
			emit(g, CPOL_OP_NOT, 0, 0, 0);
		return;
	}
	case CPOL_C_ANYVAL: case CPOL_C_NOVAL:
		emit_valtest(g, c);
		if (c->kind == CPOL_C_NOVAL)
			emit(g, CPOL_OP_NOT, 0, 0, 0);
		return;
	default:
		break;
	}
	/* Every other condition is one instruction: its opcode, a small
	 * operand and the index of what it tests. */
	static const uint8_t wm[] = { [CPOL_W_ANY] = CPOL_WM_ANY, [CPOL_W_OUTSIDE] = CPOL_WM_OUTSIDE,
	                              [CPOL_W_INSIDE] = CPOL_WM_INSIDE, [CPOL_W_ROOT] = CPOL_WM_ROOT };
	uint8_t op, a = 0;
	uint32_t k = 0;
	switch (c->kind) {
	case CPOL_C_TRUE:      op = CPOL_OP_TRUE; break;
	case CPOL_C_PROGRAM:   op = CPOL_OP_PROG; k = set_of(g, &c->list, 1); break;
	case CPOL_C_SUBSTRING: op = CPOL_OP_SUBSTR; k = group_of(g, &c->list); break;
	case CPOL_C_ARGC:      op = CPOL_OP_ARGC; a = (uint8_t)c->op; k = c->num; break;
	case CPOL_C_WRITES:    op = CPOL_OP_WRITES; a = wm[c->op]; break;
	case CPOL_C_NETWORK:   op = CPOL_OP_NET; break;
	case CPOL_C_OPTIONS:   op = CPOL_OP_OPTS; k = set_of(g, &c->list, 0); break;
	default:               return;
	}
	emit(g, op, a, 0, k);
}

/* The program test a rule can be dispatched on: a `program` condition that
 * must hold for the whole condition to hold (a conjunct at the top). */
static const cpol_cond *dispatch_test(const cpol_cond *c)
{
	if (!c)
		return NULL;
	if (c->kind == CPOL_C_PROGRAM)
		return c;
	if (c->kind == CPOL_C_AND) {
		const cpol_cond *t = dispatch_test(c->a);
		return t ? t : dispatch_test(c->b);
	}
	return NULL;
}

static uint32_t prog_of(struct cg *g, uint32_t name)
{
	/* string id -> program index + 1 (0: none yet), grown on demand */
	if (name >= g->capprogof) {
		uint32_t cap = g->capprogof ? g->capprogof : 256;
		while (cap <= name)
			cap *= 2;
		uint32_t *p = realloc(g->progof, (size_t)cap * sizeof *p);
		if (!p) {
			g->oom = 1;
			return 0;
		}
		memset(p + g->capprogof, 0, (size_t)(cap - g->capprogof) * sizeof *p);
		g->progof = p;
		g->capprogof = cap;
	}
	if (g->progof[name])
		return g->progof[name] - 1;
	if (GROWV(g->progs, g->nprogs, g->capprogs, g) < 0)
		return 0;
	memset(&g->progs[g->nprogs], 0, sizeof g->progs[0]);
	g->progs[g->nprogs].name = name;
	g->progof[name] = g->nprogs + 1;
	return g->nprogs++;
}

static void prog_add_rule(struct cg *g, uint32_t p, uint32_t rule)
{
	struct gprog *pr = &g->progs[p];
	if (pr->nrules && pr->rules[pr->nrules - 1] == rule)
		return;
	if (GROWV(pr->rules, pr->nrules, pr->caprules, g) < 0)
		return;
	pr->rules[pr->nrules++] = rule;
}

static void prog_add_intent(struct cg *g, uint32_t p, struct cpol_img_intent in)
{
	struct gprog *pr = &g->progs[p];
	if (GROWV(pr->intents, pr->nintents, pr->capintents, g) < 0)
		return;
	pr->intents[pr->nintents++] = in;
}

/* Names listed by a program condition or an intent, each once. */
static void for_names(struct cg *g, const cpol_list *l, void (*fn)(struct cg *, uint32_t, void *), void *arg)
{
	uint32_t *ids, n;
	if (list_ids(g, l, &ids, &n, 0) < 0)
		return;
	for (uint32_t i = 0; i < n; i++)
		fn(g, prog_of(g, ids[i]), arg);
	free(ids);
}

static void add_rule_cb(struct cg *g, uint32_t p, void *arg)
{
	prog_add_rule(g, p, *(uint32_t *)arg);
}

static void add_intent_cb(struct cg *g, uint32_t p, void *arg)
{
	prog_add_intent(g, p, *(struct cpol_img_intent *)arg);
}

/* Of two sides of an `and` that may each bound a value to a list (ra,
 * rb): which to keep, the other freed. Returns 0 (neither bounds it), 1
 * (a) or 2 (b; when both do, only if b_better). */
static int keep_side(int ra, void *a, int rb, void *b, int b_better)
{
	if (ra && rb) {
		free(b_better ? a : b);
		return b_better ? 2 : 1;
	}
	return rb ? 2 : ra != 0;
}

/* Both sides of an `and` must hold: when both bound the value to a list,
 * either list holds it; keep the shorter. Returns 1 with *ids, or 0 when
 * neither side bounds it. */
static int both_hold(int ra, uint32_t *a, uint32_t na, int rb, uint32_t *b, uint32_t nb, uint32_t **ids, uint32_t *n)
{
	int k = keep_side(ra, a, rb, b, ra && rb && nb < na);
	if (k == 0)
		return 0;
	*ids = k == 2 ? b : a;
	*n = k == 2 ? nb : na;
	return 1;
}

/* The programs a condition can hold for, when they are a finite list: an
 * over-approximation that still lets a rule whose program tests sit inside
 * `or` be dispatched (its code keeps every test). Returns 1 with *ids
 * (malloc'd, maybe with repeats), or 0 for "any program". */
static int programs_of(struct cg *g, const cpol_cond *c, uint32_t **ids, uint32_t *n)
{
	uint32_t *a = NULL, *b = NULL, na = 0, nb = 0;
	if (!c)
		return 0;
	switch (c->kind) {
	case CPOL_C_PROGRAM:
		return list_ids(g, &c->list, ids, n, 0) == 0;
	case CPOL_C_AND: {
		int ra = programs_of(g, c->a, &a, &na), rb = programs_of(g, c->b, &b, &nb);
		return both_hold(ra, a, na, rb, b, nb, ids, n);
	}
	case CPOL_C_OR:
		if (!programs_of(g, c->a, &a, &na))
			return 0;
		if (!programs_of(g, c->b, &b, &nb)) {
			free(a);
			return 0;
		}
		*ids = realloc(a, ((size_t)na + nb) * sizeof *a);
		if (!*ids) {
			free(a);
			free(b);
			g->oom = 1;
			return 0;
		}
		memcpy(*ids + na, b, nb * sizeof *b);
		free(b);
		*n = na + nb;
		return 1;
	default:
		return 0;
	}
}

/* The strings argv[1] must be one of for the condition to hold: a
 * top-level conjunct `arg 1 is` / `arg 1 in` (the shortest such list).
 * Returns 1 with *ids (malloc'd), or 0 when argv[1] is not so bound. */
static int arg1_keys(struct cg *g, const cpol_cond *c, uint32_t **ids, uint32_t *n)
{
	if (!c)
		return 0;
	if (c->kind == CPOL_C_ARG && c->num == 1 && (c->pred == CPOL_P_IS || c->pred == CPOL_P_IN))
		return list_ids(g, &c->list, ids, n, 1) == 0;
	if (c->kind != CPOL_C_AND)
		return 0;
	uint32_t *a = NULL, *b = NULL, na = 0, nb = 0;
	int ra = arg1_keys(g, c->a, &a, &na), rb = arg1_keys(g, c->b, &b, &nb);
	return both_hold(ra, a, na, rb, b, nb, ids, n);
}

/* A WORDIDX key (see vm/image.h): a string some word must meet. */
struct wkey {
	uint32_t str;
	uint32_t pos;   /* 0: a word of argv[1..]; N: a prefix of argv[N] */
	int lng;        /* a long option: the sorted list, met by abbreviations */
};

/* How much a conjunct's keys narrow: positional keys most (one word, one
 * place), then whole words, then long options (an abbreviation meets
 * many). Lower is better. */
enum { WK_POS = 0, WK_WORD = 1, WK_LONG = 2 };

/* The keys of one conjunct, or 0 when it has none (or a string that no
 * probe of vm/eval.c finds). */
static int wkeys_of(struct cg *g, const cpol_cond *c, struct wkey **out, uint32_t *n, int *score)
{
	int pos = c->kind == CPOL_C_ARG && c->num >= 1 && c->num <= 31 &&
	          (c->pred == CPOL_P_IS || c->pred == CPOL_P_IN || c->pred == CPOL_P_PREFIX);
	int word = c->kind == CPOL_C_ANYARG && (c->pred == CPOL_P_IS || c->pred == CPOL_P_IN);
	int opt = c->kind == CPOL_C_ANYARG && c->pred == CPOL_P_OPTION;
	if (!pos && !word && !opt)
		return 0;
	uint32_t *ids, k;
	if (list_ids(g, &c->list, &ids, &k, 0) < 0)
		return 0;
	struct wkey *v = malloc((size_t)(k ? k : 1) * sizeof *v);
	if (!v || k == 0) {
		g->oom |= !v;
		free(v);
		free(ids);
		return 0;
	}
	*score = pos ? WK_POS : WK_WORD;
	for (uint32_t i = 0; i < k; i++) {
		const struct cpol_strent *e = &g->st.v[ids[i]];
		v[i] = (struct wkey){ ids[i], pos ? c->num : 0, 0 };
		if (pos && e->len > 63)
			goto none;
		if (opt && e->len > 2 && e->s[0] == '-' && e->s[1] == '-') {
			v[i].lng = 1;
			*score = WK_LONG;
		} else if (opt && (e->len == 0 || memchr(e->s, '=', e->len))) {
			goto none; /* name=V: a word up to its first '=' would not find it */
		}
	}
	free(ids);
	*out = v;
	*n = k;
	return 1;
none:
	free(ids);
	free(v);
	return 0;
}

/* The keys of the best top-level conjunct of a condition. */
static int word_keys(struct cg *g, const cpol_cond *c, struct wkey **out, uint32_t *n, int *score)
{
	if (!c)
		return 0;
	if (c->kind != CPOL_C_AND)
		return wkeys_of(g, c, out, n, score);
	struct wkey *a = NULL, *b = NULL;
	uint32_t na, nb;
	int sa, sb;
	int ra = word_keys(g, c->a, &a, &na, &sa), rb = word_keys(g, c->b, &b, &nb, &sb);
	int k = keep_side(ra, a, rb, b, ra && rb && (sb < sa || (sb == sa && nb < na)));
	if (k == 0)
		return 0;
	*out = k == 2 ? b : a;
	*n = k == 2 ? nb : na;
	*score = k == 2 ? sb : sa;
	return 1;
}

static void gen_rules(struct cg *g, struct cpol_buf *rules, struct cpol_buf *debug, int strip)
{
	const struct cpol_model *m = g->m;
	g->rkeys = calloc(m->nrules ? m->nrules : 1, sizeof *g->rkeys);
	g->nrkeys = calloc(m->nrules ? m->nrules : 1, sizeof *g->nrkeys);
	g->wkeys = calloc(m->nrules ? m->nrules : 1, sizeof *g->wkeys);
	g->nwkeys = calloc(m->nrules ? m->nrules : 1, sizeof *g->nwkeys);
	if (!g->rkeys || !g->nrkeys || !g->wkeys || !g->nwkeys)
		g->oom = 1;
	for (uint32_t i = 0; i < m->nrules; i++) {
		const cpol_stmt *s = m->rules[i];
		const cpol_cond *when = s->u.rule.when, *unless = s->u.rule.unless;
		const cpol_cond *disp = dispatch_test(when);
		struct cpol_img_rule r;
		memset(&r, 0, sizeof r);
		r.name = sid(g, s->u.rule.name, s->u.rule.len);
		r.reason = s->u.rule.because ? sid(g, s->u.rule.because, s->u.rule.because_len) : sid(g, "", 0);
		r.code = g->ncode;
		r.dec = s->u.rule.dec;
		r.action = s->u.rule.action == CPOL_ACT_SCRIPT ? CPOL_RA_SCRIPT : CPOL_RA_DECIDE;
		r.arg = (uint16_t)s->u.rule.script_arg;
		if (r.action == CPOL_RA_SCRIPT && s->u.rule.script_arg > g->maxarg)
			g->maxarg = s->u.rule.script_arg;
		emit_cond(g, when, disp);
		if (unless) {
			uint32_t j = emit(g, CPOL_OP_JF, 0, 0, 0);
			emit_cond(g, unless, NULL);
			emit(g, CPOL_OP_NOT, 0, 0, 0);
			patch(g, j);
		}
		emit(g, CPOL_OP_RET, 0, 0, 0);
		cpol_buf_put(rules, &r, sizeof r);
		uint32_t *ids, nids;
		if (g->rkeys && !arg1_keys(g, when, &g->rkeys[i], &g->nrkeys[i]))
			g->rkeys[i] = NULL;
		int score;
		if (g->wkeys && !word_keys(g, when, &g->wkeys[i], &g->nwkeys[i], &score))
			g->wkeys[i] = NULL;
		if (disp) {
			for_names(g, &disp->list, add_rule_cb, &i);
		} else if (programs_of(g, when, &ids, &nids)) {
			for (uint32_t k = 0; k < nids; k++)
				prog_add_rule(g, prog_of(g, ids[k]), i);
			free(ids);
		} else {
			prog_add_rule(g, 0, i);
		}
		const cpol_file *f = g->u->files[s->loc.file];
		struct cpol_img_debug d = { sid(g, f->path, (uint32_t)strlen(f->path)), s->loc.line, s->loc.col };
		if (strip)
			d.line = d.col = 0;
		cpol_buf_put(debug, &d, sizeof d);
	}
}

static int wrapper_cmp(const void *a, const void *b)
{
	const struct cpol_img_wrapper *x = a, *y = b;
	return (x->prog > y->prog) - (x->prog < y->prog);
}

/* The set of a wrapper's `options` and `replace` members together. */
static uint32_t options_and_replace(struct cg *g, const cpol_stmt *s)
{
	uint32_t *a = NULL, *b, na = 0, nb;
	if ((s->u.wrapper.has_options && list_ids(g, &s->u.wrapper.options, &a, &na, 0) < 0) ||
	    list_ids(g, &s->u.wrapper.replace, &b, &nb, 0) < 0) {
		free(a);
		return 0;
	}
	uint32_t *v = realloc(a, (size_t)(na + nb ? na + nb : 1) * sizeof *v);
	if (!v) {
		free(a);
		free(b);
		g->oom = 1;
		return 0;
	}
	uint32_t n = na;
	for (uint32_t i = 0; i < nb; i++) {
		int dup = 0;
		for (uint32_t j = 0; j < na && !dup; j++)
			dup = v[j] == b[i];
		if (!dup)
			v[n++] = b[i];
	}
	free(b);
	return intern(g, &g->sets, &g->nsets, &g->capsets, &g->setix, v, n, 0);
}

/* Every program of every `wrapper`, sorted by program (the evaluator
 * searches them); a program declared twice is an error. */
static void gen_wrappers(struct cg *g, struct cpol_buf *out)
{
	const struct cpol_model *m = g->m;
	struct cpol_img_wrapper *v = NULL;
	const cpol_stmt **from = NULL;
	uint32_t n = 0, cap = 0;
	for (uint32_t i = 0; i < m->nwrappers; i++) {
		const cpol_stmt *s = m->wrappers[i];
		struct cpol_img_wrapper w = { 0, CPOL_NONE, { CPOL_NONE }, CPOL_NONE, (uint16_t)s->u.wrapper.skip, 0, 0 };
		if (s->u.wrapper.has_replace) {
			/* the replace options are options of the wrapper too: the
			 * options set holds both lists, `replace` the second */
			w.flags |= CPOL_WF_OPTIONS | CPOL_WF_REPLACE;
			w.options = options_and_replace(g, s);
			w.replace = set_of(g, &s->u.wrapper.replace, 0);
		} else if (s->u.wrapper.has_options) {
			w.flags |= CPOL_WF_OPTIONS;
			w.options = set_of(g, &s->u.wrapper.options, 0);
		}
		if (s->u.wrapper.has_command) {
			w.flags |= CPOL_WF_COMMAND;
			w.after = set_of(g, &s->u.wrapper.after, 1);
			w.until = set_of(g, &s->u.wrapper.until, 1);
		}
		w.flags |= (s->u.wrapper.assignments ? CPOL_WF_ASSIGN : 0) | (s->u.wrapper.input ? CPOL_WF_INPUT : 0) |
		           (s->u.wrapper.script ? CPOL_WF_SCRIPT : 0);
		uint32_t *ids, nids;
		if (list_ids(g, &s->u.wrapper.programs, &ids, &nids, 0) < 0)
			return;
		for (uint32_t k = 0; k < nids; k++) {
			w.prog = prog_of(g, ids[k]);
			int kept = 0;
			for (uint32_t j = 0; j < n; j++)
				if (v[j].prog == w.prog) {
					/* the policy's own declaration replaces the prelude's */
					int pj = g->u->files[from[j]->loc.file]->prelude, ps = g->u->files[s->loc.file]->prelude;
					if (pj && !ps) {
						v[j] = w;
						from[j] = s;
						kept = 1;
					} else if (ps && !pj) {
						kept = 1;
					} else {
						cpol_error_at(g->u, s->loc, "program \"%.*s\" is already a wrapper",
						              (int)g->st.v[ids[k]].len, g->st.v[ids[k]].s);
						cpol_note_at(g->u, from[j]->loc, "declared here");
					}
				}
			if (kept)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				struct cpol_img_wrapper *nv = realloc(v, cap * sizeof *nv);
				const cpol_stmt **nf = realloc(from, cap * sizeof *nf);
				if (nv)
					v = nv;
				if (nf)
					from = nf;
				if (!nv || !nf) {
					g->oom = 1;
					free(ids);
					free(v);
					free(from);
					return;
				}
			}
			from[n] = s;
			v[n++] = w;
		}
		free(ids);
	}
	if (n)
		qsort(v, n, sizeof *v, wrapper_cmp);
	cpol_buf_put(out, v, (size_t)n * sizeof *v);
	g->nwrappers = n;
	free(v);
	free(from);
}

static void gen_intents(struct cg *g)
{
	const struct cpol_model *m = g->m;
	for (uint32_t i = 0; i < m->nintents; i++) {
		const cpol_stmt *s = m->intents[i];
		uint32_t guard = CPOL_NONE;
		if (s->u.intent.when) {
			guard = g->ncode;
			emit_cond(g, s->u.intent.when, NULL);
			emit(g, CPOL_OP_RET, 0, 0, 0);
		}
		if (s->u.intent.kind == CPOL_INTENT_NETWORK) {
			struct cpol_img_intent in = { CPOL_IK_NETWORK, CPOL_TG_NONE, 0, CPOL_NONE, guard };
			for_names(g, &s->u.intent.programs, add_intent_cb, &in);
			continue;
		}
		for (const cpol_target *t = s->u.intent.targets; t; t = t->next) {
			static const uint8_t tg[] = { [CPOL_T_LAST] = CPOL_TG_LAST, [CPOL_T_OPERANDS] = CPOL_TG_OPERANDS,
			                              [CPOL_T_AFTER] = CPOL_TG_AFTER, [CPOL_T_VALUE] = CPOL_TG_VALUE,
			                              [CPOL_T_CWD] = CPOL_TG_CWD };
			struct cpol_img_intent in = { CPOL_IK_WRITE, tg[t->kind], (uint16_t)t->from,
			                              t->text ? sid(g, t->text, t->len) : CPOL_NONE, guard };
			for_names(g, &s->u.intent.programs, add_intent_cb, &in);
		}
	}
}

static uint32_t pow2_above(uint32_t n)
{
	uint32_t c = 4;
	while (c <= n * 2)
		c *= 2;
	return c;
}

/* Open addressing as vm/eval.c probes every table of the image: from
 * h & mask on, the first slot whose key field is CPOL_NONE (tables are
 * sized by pow2_above, so one is always free). */
#define FREE_SLOT(at, t, key, h, mask)                      \
	do {                                                \
		(at) = (h) & (mask);                        \
		while ((t)[at].key != CPOL_NONE)            \
			(at) = ((at) + 1) & (mask);         \
	} while (0)

/* Where the parts of a section of the indexed shape (SETS, DISPATCH,
 * ARGIDX and WORDIDX in vm/image.h) lie: its records at l.a, the refs
 * they list at l.b, its slot table at l.c and WORDIDX's long options at
 * l.d (else NULL). */
struct iparts { void *recs; uint32_t *refs; void *slots, *longs; };

/* Put a section of the indexed shape into out, its own buffer: the header,
 * zeros for the rest (the padding before l.c stays zero), and where its
 * parts lie, for the caller to fill in place before anything else is put
 * in out (that would move them). -1: out of memory. */
static int put_indexed(struct cg *g, struct cpol_buf *out, struct cpol_img_layout l, const void *hdr, size_t nhdr,
                       struct iparts *p)
{
	size_t base = cpol_buf_put(out, NULL, l.end);
	if (out->oom || base % 8) { /* base is 0: nothing comes before a section */
		g->oom = 1;
		return -1;
	}
	uint8_t *s = out->p + base;
	memcpy(s, hdr, nhdr);
	*p = (struct iparts){ s + l.a, (void *)(s + l.b), s + l.c, l.d ? s + l.d : NULL };
	return 0;
}

/* n bytes from src to dst; src may be NULL when n is 0. */
static void copy_in(void *dst, const void *src, size_t n)
{
	if (n)
		memcpy(dst, src, n);
}

/* A set gets a hash table (of this many slots) when a linear scan would
 * be slower; else 0. */
static uint32_t set_slots(const struct gset *s)
{
	return s->hashed && s->n > 4 ? pow2_above(s->n) : 0;
}

/* SETS: each set's run of member string ids and, for the larger ones, its
 * own hash table of them; the tables follow one another in set order. */
static void gen_sets(struct cg *g, struct cpol_buf *out)
{
	uint32_t nmembers = 0, nslots = 0;
	for (uint32_t i = 0; i < g->nsets; i++) {
		nmembers += g->sets[i].n;
		nslots += set_slots(&g->sets[i]);
	}
	struct cpol_img_sets_hdr h = { g->nsets, nmembers, nslots, 0 };
	struct iparts p;
	if (put_indexed(g, out, cpol_layout_sets(g->nsets, nmembers, nslots), &h, sizeof h, &p) < 0)
		return;
	struct cpol_img_set *recs = p.recs;
	struct cpol_img_slot *t = p.slots;
	uint32_t first = 0, slot = 0;
	for (uint32_t i = 0; i < g->nsets; i++) {
		const struct gset *s = &g->sets[i];
		uint32_t cap = set_slots(s);
		recs[i] = (struct cpol_img_set){ first, s->n, cap ? slot : 0, cap ? cap - 1 : 0 };
		copy_in(p.refs + first, s->ids, s->n * sizeof *p.refs);
		for (uint32_t k = 0; k < cap; k++)
			t[slot + k] = (struct cpol_img_slot){ 0, CPOL_NONE };
		for (uint32_t k = 0; cap && k < s->n; k++) {
			const struct cpol_strent *e = &g->st.v[s->ids[k]];
			uint32_t h32 = (uint32_t)XXH3_64bits(e->s, e->len), at;
			FREE_SLOT(at, t + slot, str, h32, cap - 1);
			t[slot + at] = (struct cpol_img_slot){ h32, s->ids[k] };
		}
		first += s->n;
		slot += cap;
	}
}

/* DISPATCH: each program's rules and intents, and one hash table from a
 * program's name to it (entry 0, the generic rules, is never looked up). */
static void gen_dispatch(struct cg *g, struct cpol_buf *out, struct cpol_buf *intents)
{
	uint32_t nrefs = 0;
	for (uint32_t p = 0; p < g->nprogs; p++)
		nrefs += g->progs[p].nrules;
	uint32_t nslots = pow2_above(g->nprogs);
	struct cpol_img_dispatch_hdr h = { g->nprogs, nrefs, nslots, 0 };
	struct iparts x;
	if (put_indexed(g, out, cpol_layout_dispatch(g->nprogs, nrefs, nslots), &h, sizeof h, &x) < 0)
		return;
	struct cpol_img_prog *recs = x.recs;
	uint32_t r = 0, in = 0;
	for (uint32_t p = 0; p < g->nprogs; p++) {
		const struct gprog *pr = &g->progs[p];
		recs[p] = (struct cpol_img_prog){ pr->name, r, pr->nrules, in, pr->nintents };
		copy_in(x.refs + r, pr->rules, pr->nrules * sizeof *x.refs);
		cpol_buf_put(intents, pr->intents, pr->nintents * sizeof(struct cpol_img_intent));
		r += pr->nrules;
		in += pr->nintents;
	}
	struct cpol_img_pslot *t = x.slots;
	for (uint32_t k = 0; k < nslots; k++)
		t[k] = (struct cpol_img_pslot){ 0, CPOL_NONE, 0 };
	for (uint32_t p = 1; p < g->nprogs; p++) {
		const struct cpol_strent *e = &g->st.v[g->progs[p].name];
		uint64_t hv = XXH3_64bits(e->s, e->len);
		uint32_t at;
		FREE_SLOT(at, t, prog, (uint32_t)hv, nslots - 1);
		t[at] = (struct cpol_img_pslot){ hv, p, 0 };
	}
}

/* ---- ARGIDX and WORDIDX (see vm/image.h): one index of keyed rules ----
 * Both sections hold, for each program with enough keyed rules, its base
 * rules that no key lists (ARGIDX's free rules, WORDIDX's rest) and a hash
 * table from each key to the rules listed under it; WORDIDX keeps its long
 * options in a sorted list instead of the table. One builder makes both:
 * the kind says which rules are a program's base, where a rule's keys come
 * from and how they sort. */
enum kidx_kind { KIDX_ARG1, KIDX_WORD };

/* Programs with fewer base rules than this run them all: an index would
 * not pay; nor with fewer keyed base rules than kidx_min_keyed. */
#define KIDX_MIN_RULES 8
static const uint32_t kidx_min_keyed[] = { [KIDX_ARG1] = 1, [KIDX_WORD] = 8 };

/* One key of one rule. ARGIDX keys have pos 0 and are never long. */
struct kpair {
	const char *s;
	uint32_t len, str, pos, rule;
	int lng;
};

/* ARGIDX: by string id, then rule. */
static int kpair_cmp_arg1(const void *a, const void *b)
{
	const struct kpair *x = a, *y = b;
	if (x->str != y->str)
		return (x->str > y->str) - (x->str < y->str);
	return (x->rule > y->rule) - (x->rule < y->rule);
}

/* WORDIDX: long options after the others; then by pos, bytes (shorter
 * first on a common prefix: the order vm/eval.c searches), rule. */
static int kpair_cmp_word(const void *a, const void *b)
{
	const struct kpair *x = a, *y = b;
	if (x->lng != y->lng)
		return x->lng - y->lng;
	if (x->pos != y->pos)
		return (x->pos > y->pos) - (x->pos < y->pos);
	int c = memcmp(x->s, y->s, x->len < y->len ? x->len : y->len);
	if (c || x->len != y->len)
		return c ? c : (x->len > y->len) - (x->len < y->len);
	return (x->rule > y->rule) - (x->rule < y->rule);
}

/* The same key (strings are interned: one id per content). */
static int kpair_same(const struct kpair *a, const struct kpair *b)
{
	return a->str == b->str && a->pos == b->pos && a->lng == b->lng;
}

/* How many keys rule r has in this index (0: none, it is listed as
 * free; lists are never empty). */
static uint32_t rule_nkeys(const struct cg *g, enum kidx_kind kind, uint32_t r)
{
	if (kind == KIDX_ARG1)
		return g->rkeys[r] ? g->nrkeys[r] : 0;
	return g->wkeys[r] ? g->nwkeys[r] : 0;
}

static struct kpair rule_key(const struct cg *g, enum kidx_kind kind, uint32_t r, uint32_t j)
{
	struct kpair k = { .rule = r };
	if (kind == KIDX_ARG1) {
		k.str = g->rkeys[r][j];
	} else {
		k.str = g->wkeys[r][j].str;
		k.pos = g->wkeys[r][j].pos;
		k.lng = g->wkeys[r][j].lng;
	}
	k.s = g->st.v[k.str].s;
	k.len = g->st.v[k.str].len;
	return k;
}

/* Does the index of this kind cover program p? *npairs: the keys of its
 * base rules. WORDIDX's base rules are the ones ARGIDX leaves free
 * (*ax: ARGIDX covers p). */
static int kidx_on(const struct cg *g, enum kidx_kind kind, uint32_t p, uint32_t *npairs, int *ax)
{
	const struct gprog *pr = &g->progs[p];
	uint32_t nbase = 0, keyed = 0, dummy;
	*npairs = 0;
	*ax = 0;
	if (p == 0 || (kind == KIDX_ARG1 ? !g->rkeys : !g->wkeys))
		return 0;
	*ax = kind == KIDX_WORD && kidx_on(g, KIDX_ARG1, p, &dummy, &(int){ 0 });
	for (uint32_t k = 0; k < pr->nrules; k++) {
		uint32_t r = pr->rules[k], nk = rule_nkeys(g, kind, r);
		if (*ax && g->rkeys[r])
			continue;
		nbase++;
		keyed += nk > 0;
		*npairs += nk;
	}
	return nbase >= KIDX_MIN_RULES && keyed >= kidx_min_keyed[kind];
}

/* A program's part of the index: refs[rest .. rest+nrest), the table
 * keys[slot .. slot+mask] (mask CPOL_NONE: not indexed), longs[lng .. lng+nlng). */
struct kprog { uint32_t rest, nrest, slot, mask, lng, nlng; };

struct kidx {
	enum kidx_kind kind;
	struct kprog *x;               /* per program */
	uint32_t *refs; uint32_t nrefs, caprefs;
	struct cpol_img_wkey *keys; uint32_t nkeys, capkeys;  /* ARGIDX drops pos */
	struct cpol_img_wlong *longs; uint32_t nlong, caplong;
};

/* Room for `more` after the n elements of arr. */
#define ROOMV(arr, n, more, cap, g) room((void **)&(arr), (n), (more), &(cap), sizeof *(arr), (g))

static int room(void **arr, uint32_t n, uint32_t more, uint32_t *cap, size_t esz, struct cg *g)
{
	while ((uint64_t)n + more > *cap)
		if (grow(arr, cap, esz, g) < 0)
			return -1;
	return 0;
}

static void put_ref(struct cg *g, struct kidx *b, uint32_t r)
{
	if (GROWV(b->refs, b->nrefs, b->caprefs, g) == 0)
		b->refs[b->nrefs++] = r;
}

/* Index program p: its free rules, then its keys sorted, each listing its
 * rules, in the hash table or the long options. */
static void kidx_prog(struct cg *g, struct kidx *b, uint32_t p)
{
	const struct gprog *pr = &g->progs[p];
	struct kprog *x = &b->x[p];
	uint32_t npairs;
	int ax;
	x->mask = CPOL_NONE;
	if (!kidx_on(g, b->kind, p, &npairs, &ax))
		return;
	struct kpair *v = malloc(npairs * sizeof *v);
	if (!v) {
		g->oom = 1;
		return;
	}
	uint32_t n = 0;
	x->rest = b->nrefs;
	for (uint32_t k = 0; k < pr->nrules; k++) {
		uint32_t r = pr->rules[k], nk = rule_nkeys(g, b->kind, r);
		if (ax && g->rkeys[r])
			continue;
		if (nk == 0)
			put_ref(g, b, r);
		for (uint32_t j = 0; j < nk; j++)
			v[n++] = rule_key(g, b->kind, r, j);
	}
	x->nrest = b->nrefs - x->rest;
	qsort(v, n, sizeof *v, b->kind == KIDX_ARG1 ? kpair_cmp_arg1 : kpair_cmp_word);
	uint32_t nhash = 0, nlg = 0;
	for (uint32_t k = 0; k < n; k++)
		if (k == 0 || !kpair_same(&v[k], &v[k - 1]))
			*(v[k].lng ? &nlg : &nhash) += 1;
	uint32_t nslots = pow2_above(nhash);
	if (ROOMV(b->keys, b->nkeys, nslots, b->capkeys, g) < 0 || ROOMV(b->longs, b->nlong, nlg, b->caplong, g) < 0) {
		free(v);
		return;
	}
	x->slot = b->nkeys;
	x->mask = nslots - 1;
	x->lng = b->nlong;
	struct cpol_img_wkey *t = b->keys + b->nkeys;
	for (uint32_t k = 0; k < nslots; k++)
		t[k] = (struct cpol_img_wkey){ 0, CPOL_NONE, 0, 0, 0 };
	for (uint32_t k = 0; k < n;) {
		uint32_t e = k, first = b->nrefs;
		while (e < n && kpair_same(&v[e], &v[k]))
			put_ref(g, b, v[e++].rule);
		if (v[k].lng) {
			b->longs[b->nlong++] = (struct cpol_img_wlong){ v[k].str, first, b->nrefs - first };
		} else {
			/* seed 0 is plain XXH3-64, ARGIDX's hash */
			uint32_t h = (uint32_t)XXH3_64bits_withSeed(v[k].s, v[k].len, v[k].pos), at;
			FREE_SLOT(at, t, str, h, nslots - 1);
			t[at] = (struct cpol_img_wkey){ h, v[k].str, first, b->nrefs - first, v[k].pos };
		}
		k = e;
	}
	x->nlng = b->nlong - x->lng;
	b->nkeys += nslots;
	free(v);
}

static int kidx_build(struct cg *g, enum kidx_kind kind, struct kidx *b)
{
	*b = (struct kidx){ .kind = kind, .x = calloc(g->nprogs, sizeof *b->x) };
	if (!b->x)
		g->oom = 1;
	for (uint32_t p = 0; p < g->nprogs && !g->oom; p++)
		kidx_prog(g, b, p);
	return g->oom ? -1 : 0;
}

static void kidx_free(struct kidx *b)
{
	free(b->x);
	free(b->refs);
	free(b->keys);
	free(b->longs);
}

/* Write a section: its header, its per-program table x, then the refs,
 * the keys and (WORDIDX) the long options where its layout puts them. */
static void kidx_put(struct cg *g, struct cpol_buf *out, const struct kidx *b, struct cpol_img_layout l,
                     const void *hdr, size_t nhdr, const void *x, size_t nx)
{
	struct iparts p;
	if (put_indexed(g, out, l, hdr, nhdr, &p) < 0)
		return;
	memcpy(p.recs, x, nx);
	copy_in(p.refs, b->refs, (size_t)b->nrefs * sizeof *b->refs);
	if (b->kind == KIDX_WORD) {
		copy_in(p.slots, b->keys, (size_t)b->nkeys * sizeof *b->keys);
		copy_in(p.longs, b->longs, (size_t)b->nlong * sizeof *b->longs);
		return;
	}
	struct cpol_img_akey *a = p.slots;
	for (uint32_t k = 0; k < b->nkeys; k++) {
		const struct cpol_img_wkey *e = &b->keys[k];
		a[k] = (struct cpol_img_akey){ e->hash, e->str, e->first, e->n };
	}
}

/* ARGIDX: for each program with enough rules, its free rules and, in a
 * small hash table, the rules listed under each string argv[1] must be. */
static void gen_argidx(struct cg *g, struct cpol_buf *out)
{
	struct kidx b;
	struct cpol_img_argidx *x = kidx_build(g, KIDX_ARG1, &b) == 0 ? calloc(g->nprogs, sizeof *x) : NULL;
	if (x) {
		for (uint32_t p = 0; p < g->nprogs; p++)
			x[p] = (struct cpol_img_argidx){ b.x[p].rest, b.x[p].nrest, b.x[p].slot, b.x[p].mask };
		struct cpol_img_argidx_hdr h = { g->nprogs, b.nrefs, b.nkeys, 0 };
		kidx_put(g, out, &b, cpol_layout_argidx(g->nprogs, b.nrefs, b.nkeys), &h, sizeof h, x,
		         (size_t)g->nprogs * sizeof *x);
	}
	g->oom |= !x;
	free(x);
	kidx_free(&b);
}

/* WORDIDX: for each program with enough keyed base rules, its rest, a hash
 * table of word and prefix keys, the sorted long options, and masks of
 * what its keys are (positions, lengths, short options) that let vm/eval.c
 * skip probes that cannot meet. */
static void gen_wordidx(struct cg *g, struct cpol_buf *out)
{
	struct kidx b;
	struct cpol_img_widx *x = kidx_build(g, KIDX_WORD, &b) == 0 ? calloc(g->nprogs, sizeof *x) : NULL;
	for (uint32_t p = 0; x && p < g->nprogs; p++) {
		const struct kprog *k = &b.x[p];
		x[p] = (struct cpol_img_widx){ .rest = k->rest, .nrest = k->nrest, .slot = k->slot, .mask = k->mask,
		                                .lng = k->lng, .nlng = k->nlng };
		for (uint32_t i = 0; k->mask != CPOL_NONE && i <= k->mask; i++) {
			const struct cpol_img_wkey *e = &b.keys[k->slot + i];
			if (e->str == CPOL_NONE)
				continue;
			const struct cpol_strent *s = &g->st.v[e->str];
			if (e->pos) {
				x[p].posmask |= 1u << e->pos;
				x[p].lenmask |= (uint64_t)1 << s->len;
			} else if (s->len == 2 && s->s[0] == '-' && (unsigned char)s->s[1] < 128) {
				x[p].shortmask[(unsigned char)s->s[1] >> 6] |= (uint64_t)1 << (s->s[1] & 63);
			}
		}
	}
	if (x) {
		struct cpol_img_wordidx_hdr h = { g->nprogs, b.nrefs, b.nkeys, b.nlong };
		kidx_put(g, out, &b, cpol_layout_wordidx(g->nprogs, b.nrefs, b.nkeys, b.nlong), &h, sizeof h, x,
		         (size_t)g->nprogs * sizeof *x);
	}
	g->oom |= !x;
	free(x);
	kidx_free(&b);
}

static void gen_ac(struct cg *g, struct cpol_buf *out, int *failed)
{
	struct cpol_acb *b = cpol_acb_new();
	if (!b) {
		g->oom = 1;
		return;
	}
	for (uint32_t gi = 0; gi < g->ngroups; gi++)
		for (uint32_t k = 0; k < g->groups[gi].n; k++) {
			uint32_t id = g->groups[gi].ids[k];
			const struct cpol_strent *e = &g->st.v[id];
			if (cpol_acb_add(b, e->s, e->len, gi, id) < 0)
				g->oom = 1;
		}
	uint32_t nstates;
	const char *msg;
	if (!g->oom && cpol_acb_emit(b, out, &nstates, &msg) < 0) {
		cpol_error_at(g->u, ((cpol_loc){ g->m->main->index, 0, 0 }), "%s", msg);
		*failed = 1;
	}
	cpol_acb_free(b);
}

/* Split a root into its variable and the rest. */
static void root_parts(const struct cpol_str *s, uint8_t *var, const char **rest, uint32_t *len, int protect)
{
	if (s->len >= 3 && !memcmp(s->text, "**/", 3)) { /* deny read "**\/.env" */
		*var = CPOL_RV_ANYWHERE;
		*rest = s->text + 3;
		*len = s->len - 3;
		return;
	}
	static const struct { const char *name; uint8_t var; } vars[] = {
		{ "$WORKSPACE", CPOL_RV_WORKSPACE }, { "$TMPDIR", CPOL_RV_TMPDIR }, { "$HOME", CPOL_RV_HOME },
		{ "~", CPOL_RV_HOME },
	};
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		size_t n = strlen(vars[i].name);
		if (s->len >= n && !memcmp(s->text, vars[i].name, n)) {
			*var = vars[i].var;
			*rest = s->text + n;
			*len = s->len - (uint32_t)n;
			return;
		}
	}
	*var = (protect && s->text[0] != '/') ? CPOL_RV_RELATIVE : CPOL_RV_NONE;
	*rest = s->text;
	*len = s->len;
}

static void gen_roots(struct cg *g, struct cpol_buf *out, uint8_t kind, cpol_list *const *lists, uint32_t n,
                      uint32_t *count)
{
	for (uint32_t i = 0; i < n; i++) {
		struct cpol_str *v;
		long k = cpol_expand(lists[i], &v);
		for (long j = 0; j < k; j++) {
			struct cpol_img_root r = { kind, 0, 0, 0 };
			const char *rest;
			uint32_t len;
			root_parts(&v[j], &r.var, &rest, &len, kind == CPOL_RK_PROTECT);
			r.path = sid(g, rest, len);
			cpol_buf_put(out, &r, sizeof r);
			(*count)++;
		}
		free(v);
	}
}

/* Host rules: the pattern as written, no path variable. */
static void gen_hosts(struct cg *g, struct cpol_buf *out, const struct cpol_model *m, uint32_t *count)
{
	for (uint32_t i = 0; i < m->nnethosts; i++) {
		struct cpol_str *v;
		long k = cpol_expand(m->nethosts[i], &v);
		for (long j = 0; j < k; j++) {
			struct cpol_img_root r = { m->nethost_kind[i], CPOL_RV_NONE, 0, sid(g, v[j].text, v[j].len) };
			cpol_buf_put(out, &r, sizeof r);
			(*count)++;
		}
		free(v);
	}
}

static uint32_t gen_ports(struct cpol_buf *out, const cpol_port *p)
{
	uint32_t n = 0;
	for (; p; p = p->next, n++) {
		struct cpol_img_port x = { (uint16_t)p->lo, (uint16_t)p->hi };
		cpol_buf_put(out, &x, sizeof x);
	}
	return n;
}

/* Are the write roots only device files (as in the read-only profiles)?
 * Then nothing needs chmod and friends, and the filter refuses them. */
static int no_folder_roots(const struct cpol_model *m)
{
	static const char *const devices[] = { "/dev/null", "/dev/zero", "/dev/full", "/dev/tty",
	                                       "/dev/stdout", "/dev/stderr" };
	int ok = 1;
	for (uint32_t i = 0; i < m->nwrites && ok; i++) {
		struct cpol_str *v;
		long n = cpol_expand(m->writes[i], &v);
		for (long k = 0; k < n && ok; k++) {
			int dev = 0;
			for (size_t d = 0; d < sizeof devices / sizeof devices[0]; d++)
				dev |= v[k].len == strlen(devices[d]) && !memcmp(v[k].text, devices[d], v[k].len);
			ok = dev;
		}
		free(v);
		ok &= n >= 0;
	}
	return ok;
}

static void gen_sandbox(struct cg *g, const struct cpol_compile_opts *o, struct cpol_buf *out)
{
	const struct cpol_model *m = g->m;
	struct cpol_buf roots = { 0 }, ports = { 0 }, bports = { 0 }, env = { 0 };
	struct cpol_img_sandbox_hdr h;
	memset(&h, 0, sizeof h);
	h.net = m->net;
	gen_roots(g, &roots, CPOL_RK_READ, m->reads, m->nreads, &h.nroots);
	gen_roots(g, &roots, CPOL_RK_WRITE, m->writes, m->nwrites, &h.nroots);
	gen_roots(g, &roots, CPOL_RK_PROTECT, m->protects, m->nprotects, &h.nroots);
	gen_roots(g, &roots, CPOL_RK_UNIX, m->unixes, m->nunixes, &h.nroots);
	gen_roots(g, &roots, CPOL_RK_DENY_READ, m->denyreads, m->ndenyreads, &h.nroots);
	gen_hosts(g, &roots, m, &h.nroots);
	if (!m->trusted) {
		/* .git inside every write root is always protected */
		struct cpol_img_root r = { CPOL_RK_PROTECT, CPOL_RV_RELATIVE, 0, sid(g, ".git", 4) };
		int have = 0;
		for (size_t k = 0; k < roots.n; k += sizeof r) {
			const struct cpol_img_root *x = (const void *)(roots.p + k);
			have |= x->kind == CPOL_RK_PROTECT && x->var == CPOL_RV_RELATIVE && x->path == r.path;
		}
		if (!have && h.nroots < 64) {
			cpol_buf_put(&roots, &r, sizeof r);
			h.nroots++;
		}
	}
	h.nconnect = m->net == CPOL_NET_CONNECT ? gen_ports(&ports, m->connect) : 0;
	h.nbind = gen_ports(&bports, m->bind);
	for (uint32_t i = 0; i < m->nenvkeep; i++) {
		struct cpol_str *v;
		long k = cpol_expand(m->envkeep[i], &v);
		for (long j = 0; j < k; j++) {
			uint32_t id = sid(g, v[j].text, v[j].len);
			cpol_buf_put(&env, &id, sizeof id);
			h.nenv++;
		}
		free(v);
	}
	void *bpf = NULL;
	size_t bpflen = 0;
	uint32_t arch = 0;
	unsigned flags = (m->trusted ? CPOL_BPF_TRUSTED : 0) | (no_folder_roots(m) ? CPOL_BPF_READONLY : 0) |
	                 (h.nbind ? CPOL_BPF_INBOUND : 0);
	if (o && o->make_bpf && o->make_bpf(h.net, flags, &bpf, &bpflen, &arch, o->make_bpf_arg) == 0 &&
	    bpflen % 8 == 0 && bpflen <= 4096 * 8) {
		h.bpf_arch = arch;
		h.bpf_len = (uint32_t)bpflen;
		g->ro_filter = (flags & CPOL_BPF_READONLY) != 0;
	}
	struct cpol_img_layout l = cpol_layout_sandbox(h.nroots, h.nconnect, h.nbind, h.nenv, h.bpf_len);
	size_t base = out->n;
	cpol_buf_put(out, &h, sizeof h);
	cpol_buf_put(out, roots.p, roots.n);
	cpol_buf_put(out, ports.p, ports.n);
	cpol_buf_put(out, bports.p, bports.n);
	cpol_buf_put(out, env.p, env.n);
	cpol_buf_put(out, NULL, base + l.end - h.bpf_len - out->n);
	if (h.bpf_len)
		cpol_buf_put(out, bpf, h.bpf_len);
	free(bpf);
	g->oom |= roots.oom | ports.oom | bports.oom | env.oom;
	cpol_buf_free(&roots);
	cpol_buf_free(&ports);
	cpol_buf_free(&bports);
	cpol_buf_free(&env);
}

/* META: the policy's name, flags, default and counts. Returns the number
 * of intents (the INTENTS section's count). */
static uint32_t gen_meta(struct cg *g, struct cpol_buf *out)
{
	const struct cpol_model *m = g->m;
	uint32_t nintents = 0;
	for (uint32_t p = 0; p < g->nprogs; p++)
		nintents += g->progs[p].nintents;
	struct cpol_img_meta meta;
	memset(&meta, 0, sizeof meta);
	meta.name = sid(g, m->name, m->namelen);
	meta.flags = (m->trusted ? CPOL_IMGF_TRUSTED : 0) | (g->ro_filter ? CPOL_IMGF_RO_FILTER : 0) |
	             (m->def_confined ? CPOL_IMGF_CONFINED_DEFAULT : 0);
	meta.def = m->def;
	meta.nrules = m->nrules;
	meta.ngroups = g->ngroups;
	meta.nsets = g->nsets;
	meta.nprograms = g->nprogs;
	meta.nintents = nintents;
	meta.maxarg = g->maxarg;
	cpol_buf_put(out, &meta, sizeof meta);
	return nintents;
}

/* The image: header, section table, the sections (8-aligned, each freed
 * once copied), then, unless it failed, its size and checksum. */
static void link_image(struct cg *g, struct cpol_buf *sec, const uint32_t *count, struct cpol_buf *img, int *failed)
{
	struct cpol_img_header h;
	memset(&h, 0, sizeof h);
	memcpy(h.magic, CPOL_IMG_MAGIC, 8);
	h.version = CPOL_IMG_VERSION;
	h.nsections = CPOL_SEC__COUNT - 1;
	cpol_buf_put(img, &h, sizeof h);
	size_t table = cpol_buf_put(img, NULL, (CPOL_SEC__COUNT - 1) * sizeof(struct cpol_img_section));
	for (uint32_t k = 1; k < CPOL_SEC__COUNT; k++) {
		cpol_buf_align8(img);
		struct cpol_img_section s = { k, count[k], (uint32_t)img->n, (uint32_t)sec[k].n };
		cpol_buf_put(img, sec[k].p, sec[k].n);
		if (!img->oom)
			memcpy(img->p + table + (k - 1) * sizeof s, &s, sizeof s);
		g->oom |= sec[k].oom;
		cpol_buf_free(&sec[k]);
	}
	if (!img->oom && img->n > CPOL_IMG_MAX_SIZE) {
		cpol_error_at(g->u, ((cpol_loc){ g->m->main->index, 0, 0 }),
		              "the image would be %zu bytes (the limit is %u)", img->n, CPOL_IMG_MAX_SIZE);
		*failed = 1;
	}
	if (!img->oom && !*failed) {
		h.size = img->n;
		h.checksum = XXH3_64bits(img->p + sizeof h, img->n - sizeof h);
		memcpy(img->p, &h, sizeof h);
	}
}

/* Everything the generator allocated but the image. */
static void cg_free(struct cg *g)
{
	for (uint32_t i = 0; i < g->nsets; i++)
		free(g->sets[i].ids);
	for (uint32_t i = 0; i < g->ngroups; i++)
		free(g->groups[i].ids);
	for (uint32_t i = 0; g->rkeys && i < g->m->nrules; i++)
		free(g->rkeys[i]);
	free(g->rkeys);
	free(g->nrkeys);
	for (uint32_t i = 0; g->wkeys && i < g->m->nrules; i++)
		free(g->wkeys[i]);
	free(g->wkeys);
	free(g->nwkeys);
	for (uint32_t i = 0; i < g->nprogs; i++) {
		free(g->progs[i].rules);
		free(g->progs[i].intents);
	}
	free(g->sets);
	free(g->groups);
	cpol_hindex_free(&g->setix);
	cpol_hindex_free(&g->groupix);
	free(g->progs);
	free(g->progof);
	free(g->code);
	cpol_strtab_free(&g->st);
}

int cpol_codegen(cpol_unit *u, const struct cpol_model *m, const struct cpol_compile_opts *o,
                 uint8_t **outp, size_t *lenp)
{
	struct cg g = { .u = u, .m = m };
	struct cpol_buf sec[CPOL_SEC__COUNT];
	int failed = 0;
	memset(sec, 0, sizeof sec);
	*outp = NULL;
	*lenp = 0;

	sid(&g, "", 0); /* string 0 is "" */
	/* generic entry, then programs as rules and intents name them */
	if (GROWV(g.progs, g.nprogs, g.capprogs, &g) == 0) {
		memset(&g.progs[0], 0, sizeof g.progs[0]);
		g.nprogs = 1;
	}
	gen_rules(&g, &sec[CPOL_SEC_RULES], &sec[CPOL_SEC_DEBUG], o && o->strip_debug);
	gen_intents(&g);
	gen_wrappers(&g, &sec[CPOL_SEC_WRAPPERS]);
	gen_sets(&g, &sec[CPOL_SEC_SETS]);
	gen_dispatch(&g, &sec[CPOL_SEC_DISPATCH], &sec[CPOL_SEC_INTENTS]);
	gen_argidx(&g, &sec[CPOL_SEC_ARGIDX]);
	gen_wordidx(&g, &sec[CPOL_SEC_WORDIDX]);
	gen_ac(&g, &sec[CPOL_SEC_AC], &failed);
	gen_sandbox(&g, o, &sec[CPOL_SEC_SANDBOX]);
	uint32_t ngrants = cpol_grant_gen(m, &g.st, &sec[CPOL_SEC_GRANTS]);
	struct cpol_img_limits lim; /* checked by resolve: no new diagnostics */
	cpol_limits_check(u, m->limits, &lim);
	cpol_buf_put(&sec[CPOL_SEC_LIMITS], &lim, sizeof lim);
	if (g.ncode == 0)
		emit(&g, CPOL_OP_RET, 0, 0, 0);
	cpol_buf_put(&sec[CPOL_SEC_CODE], g.code, (size_t)g.ncode * sizeof *g.code);
	uint32_t nintents = gen_meta(&g, &sec[CPOL_SEC_META]);
	cpol_strtab_emit(&g.st, &sec[CPOL_SEC_STRINGS]);

	uint32_t count[CPOL_SEC__COUNT] = {
		[CPOL_SEC_STRINGS] = g.st.n, [CPOL_SEC_RULES] = m->nrules, [CPOL_SEC_DEBUG] = m->nrules,
		[CPOL_SEC_CODE] = g.ncode, [CPOL_SEC_INTENTS] = nintents, [CPOL_SEC_WRAPPERS] = g.nwrappers,
		[CPOL_SEC_GRANTS] = ngrants, [CPOL_SEC_ARGIDX] = g.nprogs, [CPOL_SEC_WORDIDX] = g.nprogs,
	};
	struct cpol_buf img = { 0 };
	link_image(&g, sec, count, &img, &failed);
	int oom = g.oom || g.st.oom || img.oom;
	cg_free(&g);
	if (oom || failed) {
		if (oom)
			cpol_error_at(u, ((cpol_loc){ m->main->index, 0, 0 }), "out of memory generating the image");
		cpol_buf_free(&img);
		return -1;
	}
	*outp = img.p;
	*lenp = img.n;
	return 0;
}
