/* vm/eval.c -- the evaluator's core: find the program's rules through the
 * dispatch table, run the substring automaton over the command line, and
 * run the rules' condition code in source order, strictest decision first.
 *
 * Runs only on verified images: no bounds checks on image data, never
 * allocates, never makes a system call, keeps no global state.
 *
 * Built with -DCPOL_EVAL_NAIVE (only for the bench's baseline, see
 * vm/eval_naive.h), the dispatch table, the argv[1] index, the set hash
 * tables and the automaton give way to linear scans and memmem; everything
 * else is this same code. The product build never defines it.
 */
#include "vm/eval.h"

/* XXH3 inlined: program names and set members are short, and a call
 * through the shared library costs as much as hashing them. */
#define XXH_INLINE_ALL
#include <xxhash.h>

/* Directories whose programs are the trusted tools of their name. */
static const struct { const char *dir; uint32_t len; } sysdirs[] = {
	{ "/bin", 4 }, { "/sbin", 5 }, { "/usr/bin", 8 }, { "/usr/sbin", 9 },
	{ "/usr/local/bin", 14 }, { "/usr/local/sbin", 15 },
};

int cpol_sysdir(const char *dir, uint32_t len)
{
	for (size_t k = 0; k < sizeof sysdirs / sizeof sysdirs[0]; k++)
		if (sysdirs[k].len == len && memcmp(sysdirs[k].dir, dir, len) == 0)
			return 1;
	return 0;
}

/* Strings are short and mostly differ early: compare the length and the
 * first byte before calling memcmp. */
static inline int str_eq(const struct cpol_image *im, uint32_t id, const char *s, uint32_t n)
{
	const struct cpol_img_str *e = &im->strs[id];
	const char *m = im->strbase + e->off;
	return e->len == n && (n == 0 || (m[0] == s[0] && memcmp(m + 1, s + 1, n - 1) == 0));
}

/* The hash of argv[i] for set lookups: computed once per frame (the same
 * argument is looked up by many rules). */
static uint32_t arg_hash(struct cpol_frame *f, uint32_t i, const char *s, uint32_t n)
{
	if (i >= 64)
		return (uint32_t)XXH3_64bits(s, n);
	if (!(f->hashed >> i & 1)) {
		f->ahash[i] = (uint32_t)XXH3_64bits(s, n);
		f->hashed |= (uint64_t)1 << i;
	}
	return f->ahash[i];
}

/* Is s in set `id`? Hash table when the set has one, else a scan. The hash
 * comes from the frame: argument argi of f, or the program name when argi
 * is CPOL_NONE. */
static inline __attribute__((always_inline)) int set_has(const struct cpol_image *im, struct cpol_frame *f, uint32_t argi, uint32_t id,
                   const char *s, uint32_t n)
{
	const struct cpol_img_set *set = &im->sets[id];
#ifndef CPOL_EVAL_NAIVE
	if (set->mask) {
		uint32_t h = argi == CPOL_NONE ? f->pnamehash : arg_hash(f, argi, s, n);
		for (uint32_t i = h & set->mask;; i = (i + 1) & set->mask) {
			const struct cpol_img_slot *sl = &im->slots[set->slot + i];
			if (sl->str == CPOL_NONE)
				return 0;
			if (sl->hash == h && str_eq(im, sl->str, s, n))
				return 1;
		}
	}
#endif
	for (uint32_t k = 0; k < set->n; k++)
		if (str_eq(im, im->members[set->first + k], s, n))
			return 1;
	return 0;
}

int cpol_set_has_word(const struct cpol_image *im, uint32_t id, const char *s, uint32_t n)
{
	struct cpol_frame f; /* only its program-name hash is read */
	f.pnamehash = (uint32_t)XXH3_64bits(s, n);
	return set_has(im, &f, CPOL_NONE, id, s, n);
}

/* A short-option cluster ("-la", not "--x", not "-") holding the letter c. */
static int cluster_has(const char *s, uint32_t n, char c)
{
	if (n < 2 || s[0] != '-' || s[1] == '-')
		return 0;
	return memchr(s + 1, c, n - 1) != NULL;
}

int cpol_member_match(uint8_t p, const char *m, uint32_t ml, const char *s, uint32_t n)
{
	switch (p) {
	case CPOL_PR_PREFIX:
		return n >= ml && memcmp(s, m, ml) == 0;
	case CPOL_PR_SUFFIX:
		return n >= ml && memcmp(s + n - ml, m, ml) == 0;
	case CPOL_PR_FLAG:
		return cluster_has(s, n, m[0]);
	case CPOL_PR_CHARS:
		return memchr(s, m[0], n) != NULL;
	case CPOL_PR_SEDCMDS:
		return ml >= 1 && cpol_sed_uses(s, n, m[ml - 1]);
	case CPOL_PR_AWKUSES:
		return cpol_awk_uses(s, n, m, ml);
	case CPOL_PR_OPTION:
		if (n == ml && memcmp(s, m, ml) == 0)
			return 1;
		if (ml > 2 && m[0] == '-' && m[1] == '-') /* --name, --name=VALUE, abbreviations */
			return cpol_long_option_at(s, n, m, ml) >= 0;
		if (ml == 2 && m[0] == '-' && m[1] != '-') /* -x: glued -xVALUE, or in a cluster -ax */
			return (n > 2 && s[0] == '-' && s[1] == m[1]) || cluster_has(s, n, m[1]);
		return n > ml && s[ml] == '=' && memcmp(s, m, ml) == 0;
	default:
		return 0;
	}
}

/* Does a pattern of substring group c occur in s, searched directly (not
 * through the automaton's state)? */
static int group_in(const struct cpol_image *im, uint32_t c, const char *s, uint32_t n)
{
	for (uint32_t o = 0; o < im->ac->noutputs; o++) {
		const struct cpol_img_acout *out = &im->acouts[o];
		uint32_t pl;
		const char *pat = cpol_img_string(im, out->str, &pl);
		if (out->group == c && memmem(s, n, pat, pl))
			return 1;
	}
	return 0;
}

static inline __attribute__((always_inline)) int pred(const struct cpol_image *im, struct cpol_frame *f, uint8_t p, uint32_t c,
                uint32_t argi, const char *s, uint32_t n)
{
	if (p == CPOL_PR_IN)
		return set_has(im, f, argi, c, s, n);
	if (p == CPOL_PR_CONTAINS) {
		const struct cpol_gstate *g = &f->gs[c];
		if (g->tag != f->tag || !(g->argmask >> (argi < 63 ? argi : 63) & 1))
			return 0;
		if (argi < 63)
			return 1;
		/* Bit 63 stands for every argument from 63 on: look in this one. */
		return group_in(im, c, s, n);
	}
	const struct cpol_img_set *set = &im->sets[c];
	/* A prefix, and every form of an option (-x, -xVALUE, -ax, --name,
	 * --na, --name=V, name=V), starts with the member's first byte: most
	 * members are ruled out by it without a call. */
	const int first = p == CPOL_PR_PREFIX || p == CPOL_PR_OPTION;
	for (uint32_t k = 0; k < set->n; k++) {
		const struct cpol_img_str *e = &im->strs[im->members[set->first + k]];
		const char *m = im->strbase + e->off;
		if (first && e->len && (n == 0 || m[0] != s[0]))
			continue;
		if (cpol_member_match(p, m, e->len, s, n))
			return 1;
	}
	return 0;
}

static int cmp(uint8_t op, uint32_t a, uint32_t b)
{
	switch (op) {
	case CPOL_CMP_EQ: return a == b;
	case CPOL_CMP_NE: return a != b;
	case CPOL_CMP_LT: return a < b;
	case CPOL_CMP_LE: return a <= b;
	case CPOL_CMP_GT: return a > b;
	default: return a >= b; /* CPOL_CMP_GE: the verifier allows no other */
	}
}

/* ARG b: does the predicate hold for argv[b] (which must exist)? */
/* `program in SET`: the program's name is a member; it becomes the match. */
static inline __attribute__((always_inline)) int prog_test(const struct cpol_image *im, struct cpol_frame *f,
                                                           const struct cpol_img_insn *i)
{
	int r = f->pname && f->pok && set_has(im, f, CPOL_NONE, i->c, f->pname, f->pnamelen);
	if (r) {
		f->m = f->pname;
		f->mlen = f->pnamelen;
	}
	return r;
}

static inline __attribute__((always_inline)) int arg_test(const struct cpol_image *im, struct cpol_frame *f,
                                                          const struct cpol_img_insn *i)
{
	if (i->b >= f->argc)
		return 0;
	uint32_t n = cpol_alen(f, i->b);
	if (!pred(im, f, i->a, i->c, i->b, f->argv[i->b], n))
		return 0;
	f->m = f->argv[i->b];
	f->mlen = n;
	return 1;
}

/* Does program prog declare an intent of this kind (-1: of any kind)?
 * Only then can an unknown word make one of its guards hold. */
static int has_intent(const struct cpol_image *im, uint32_t prog, int kind)
{
	const struct cpol_img_prog *p = &im->progs[prog];
	for (uint32_t k = p->intents; k < p->intents + p->nintents; k++)
		if (kind < 0 || im->intents[k].kind == kind)
			return 1;
	return 0;
}

/* WRITES and NET: what the command's intents say. */
static int intent_test(struct cpol_ctx *ctx, struct cpol_frame *f, const struct cpol_img_insn *i)
{
	int r;
	cpol_intents(ctx, f);
	if (i->op == CPOL_OP_NET)
		return f->istate == 2 && f->net;
	if (f->istate != 2)
		r = 0; /* a write test inside an intent's own condition */
	else if (i->a == CPOL_WM_ANY)
		r = f->nwrite > 0;
	else if (i->a == CPOL_WM_OUTSIDE)
		r = f->outside > 0;
	else if (i->a == CPOL_WM_ROOT)
		r = f->nroot > 0;
	else
		r = f->nwrite > 0 && f->outside == 0;
	if (r && i->a == CPOL_WM_ROOT) {
		f->m = f->rm;
		f->mlen = f->rmlen;
	} else if (r && f->wm) {
		f->m = f->wm;
		f->mlen = f->wmlen;
	}
	return r;
}

/* `any value of` (VALUE i, its option set in the VALSET after it): each
 * value the option reader hands over is tested as a word of its own. */
struct valtest {
	const struct cpol_image *im;
	struct cpol_frame *f;
	uint8_t p;
	uint32_t c;
	uint32_t unk; /* the first value that is an unknown word (0: none) */
};

/* The predicate p for a value: a part of a word (-xVALUE) has no hash or
 * automaton state of its own, so sets are looked up by its own hash and
 * substring groups searched directly. */
static int value_pred(const struct cpol_image *im, uint8_t p, uint32_t c, const char *s, uint32_t n)
{
	if (c == CPOL_NONE)
		return 1; /* no predicate: any value */
	if (p == CPOL_PR_IN)
		return cpol_set_has_word(im, c, s, n);
	if (p == CPOL_PR_CONTAINS)
		return group_in(im, c, s, n);
	const struct cpol_img_set *set = &im->sets[c];
	for (uint32_t k = 0; k < set->n; k++) {
		uint32_t ml;
		const char *m = cpol_img_string(im, im->members[set->first + k], &ml);
		if (cpol_member_match(p, m, ml, s, n))
			return 1;
	}
	return 0;
}

static int value_seen(void *arg, uint32_t k, uint32_t off)
{
	struct valtest *v = arg;
	struct cpol_frame *f = v->f;
	if (f->wflags && f->wflags[k] && v->c != CPOL_NONE) {
		if (!v->unk)
			v->unk = k; /* "$X": any text */
		return 0;
	}
	const char *s = f->argv[k] + off;
	uint32_t n = cpol_alen(f, k) - off;
	if (!value_pred(v->im, v->p, v->c, s, n))
		return 0;
	f->m = s;
	f->mlen = n;
	return 1;
}

/* CPOL_YES when a value read for certain satisfies the predicate; else
 * CPOL_MAYBE when the reading stops being certain (an unknown word where
 * an option may stand, an option the set does not list: it may take the
 * next word as its value) or a value is an unknown word; else CPOL_NO. */
static int value_test(const struct cpol_image *im, struct cpol_frame *f, const struct cpol_img_insn *i)
{
	struct valtest v = { im, f, i->a, i->c, 0 };
	struct cpol_optvals ov = { i->b, value_seen, &v };
	uint32_t at, k = 0;
	int prog = f->ufirst == 0 && f->argc > 0; /* `$X ...`: the program's expansion may add words */
	int r = prog ? 2 : cpol_option_values(im, i[1].c, f->argc, f->argv, f->lens, f->wflags, &at, &ov);
	if (r == 3)
		return CPOL_YES;
	if (r == 2 || r == 0)
		k = prog ? 0 : at;
	else if (v.unk)
		k = v.unk;
	else
		return CPOL_NO;
	f->um = f->argv[k];
	f->umlen = cpol_alen(f, k);
	f->uopt = r == 0;
	return CPOL_MAYBE;
}

int cpol_run(struct cpol_ctx *ctx, struct cpol_frame *f, uint32_t pc)
{
	const struct cpol_image *im = ctx->img;
	int r = 0;
	for (;;) {
		const struct cpol_img_insn *i = &im->code[pc++];
		switch (i->op) {
		case CPOL_OP_RET:
			return r;
		case CPOL_OP_TRUE:
			r = 1;
			break;
		case CPOL_OP_NOT:
			r = !r;
			break;
		case CPOL_OP_JF:
			if (!r)
				pc = i->c;
			break;
		case CPOL_OP_JT:
			if (r)
				pc = i->c;
			break;
		case CPOL_OP_PROG:
			r = prog_test(im, f, i);
			break;
		case CPOL_OP_ARG:
			r = arg_test(im, f, i);
			break;
		case CPOL_OP_ANYARG:
			r = 0;
			for (uint32_t k = 1; k < f->argc; k++) {
				uint32_t n = cpol_alen(f, k);
				if (pred(im, f, i->a, i->c, k, f->argv[k], n)) {
					r = 1;
					f->m = f->argv[k];
					f->mlen = n;
					break;
				}
			}
			break;
		case CPOL_OP_ARGC:
			r = cmp(i->a, f->argc, i->c);
			break;
		case CPOL_OP_SUBSTR:
			r = f->gs[i->c].tag == f->tag;
			if (r)
				f->m = cpol_img_string(im, f->gs[i->c].pat, &f->mlen);
			break;
		case CPOL_OP_WRITES:
		case CPOL_OP_NET:
			r = intent_test(ctx, f, i);
			break;
		case CPOL_OP_VALUE:
			r = value_test(im, f, i);
			if (r == CPOL_MAYBE)
				f->vmaybe = 1; /* the caller runs the rule three-valued */
			r = r == CPOL_YES;
			pc++; /* past its VALSET */
			break;
		case CPOL_OP_VALSET:
			break;
		case CPOL_OP_OPTS: {
			uint32_t at;
			r = cpol_options_only(im, i->c, f->argc, f->argv, f->lens, NULL, &at) == 1;
			if (!r) {
				f->m = f->argv[at];
				f->mlen = cpol_alen(f, at);
			}
			break;
		}
		}
	}
}

static int word_unknown(const struct cpol_frame *f, uint32_t k)
{
	/* (a literal frame is run three-valued only for an `any value of`) */
	return f->unk && (k >= f->ufirst || (f->wflags && f->wflags[k]));
}

/* Word k as written is what a rule naming it means: a literal word, or a
 * glob alone (a rule that lists the glob of `rm -rf` SLASH STAR names that
 * very word, whatever it expands to). For a fixed position, only when no
 * word before it may have changed the count. */
static int as_written(const struct cpol_frame *f, uint32_t k)
{
	return !(f->wflags && (f->wflags[k] & ~CPOL_WORD_GLOB));
}

/* The literal text every expansion of glob word k begins with: the word up
 * to its first pattern character (a glob's names, and the word itself when
 * nothing matches, all start with it). 0 when the word is not a glob alone
 * (an expansion in it may start with anything). */
static uint32_t glob_prefix(const struct cpol_frame *f, uint32_t k)
{
	if (!f->wflags || f->wflags[k] != CPOL_WORD_GLOB)
		return 0;
	const char *w = f->argv[k];
	uint32_t n = cpol_alen(f, k), i = 0;
	while (i < n && !memchr("*?[{\\+@!(", w[i], 10))
		i++;
	return i;
}

/* Does the predicate fail for every word that begins with the glob word
 * k's literal prefix? A word whose first byte is literal and not '-' is
 * never an option; a set member can only be equal to (or a prefix of) such
 * a word when it agrees with the prefix. */
static int glob_never(const struct cpol_image *im, const struct cpol_frame *f, uint8_t p, uint32_t c, uint32_t k)
{
	uint32_t pl = glob_prefix(f, k);
	if (pl == 0 || p == CPOL_PR_CONTAINS || p == CPOL_PR_SUFFIX || p == CPOL_PR_CHARS || p == CPOL_PR_SEDCMDS ||
	    p == CPOL_PR_AWKUSES)
		return 0;
	const char *w = f->argv[k];
	if (p == CPOL_PR_FLAG)
		return w[0] != '-';
	const struct cpol_img_set *set = &im->sets[c];
	for (uint32_t j = 0; j < set->n; j++) {
		const struct cpol_img_str *e = &im->strs[im->members[set->first + j]];
		const char *m = im->strbase + e->off;
		uint32_t l = e->len < pl ? e->len : pl;
		if (p == CPOL_PR_OPTION ? e->len == 0 || m[0] == w[0]
		                        : (p == CPOL_PR_IN ? e->len >= pl : 1) && memcmp(m, w, l) == 0)
			return 0;
	}
	return 1;
}

static int unknown_at(struct cpol_frame *f, uint32_t k)
{
	uint32_t w = k < f->argc ? k : f->ufirst;
	f->uopt = 0;
	if (w < f->argc) {
		f->um = f->argv[w];
		f->umlen = cpol_alen(f, w);
	}
	return CPOL_MAYBE;
}

/* Does a pattern of group c occur in a run of literal words of f (joined
 * by single spaces)? Runs longer than the buffer are looked at in parts. */
static int substr_known(const struct cpol_image *im, struct cpol_frame *f, uint32_t c)
{
	char buf[1024];
	for (uint32_t k = 0; k < f->argc;) {
		if (f->wflags && f->wflags[k]) {
			k++;
			continue;
		}
		uint32_t n = 0;
		for (; k < f->argc && !(f->wflags && f->wflags[k]); k++) {
			uint32_t l = cpol_alen(f, k);
			if (n && n < sizeof buf)
				buf[n++] = ' ';
			if (l > sizeof buf - n)
				l = (uint32_t)(sizeof buf - n);
			memcpy(buf + n, f->argv[k], l);
			n += l;
		}
		for (uint32_t o = 0; o < im->ac->noutputs; o++) {
			const struct cpol_img_acout *out = &im->acouts[o];
			uint32_t pl;
			const char *pat = cpol_img_string(im, out->str, &pl);
			if (out->group == c && memmem(buf, n, pat, pl)) {
				f->m = pat;
				f->mlen = pl;
				return 1;
			}
		}
	}
	return 0;
}

/* Is p (a write target found by the intents) an unknown word of f? */
static int unknown_ptr(const struct cpol_frame *f, const char *p)
{
	for (uint32_t k = 0; p && k < f->argc; k++)
		if (p >= f->argv[k] && p <= f->argv[k] + cpol_alen(f, k))
			return word_unknown(f, k);
	return 0;
}

/* argc (cmp op) c over every count the words may become: [lo, hi]. */
static int cmp3(uint8_t op, uint32_t lo, uint32_t hi, uint32_t c)
{
	int all, none;
	switch (op) {
	case CPOL_CMP_EQ: all = lo == c && hi == c; none = c < lo || c > hi; break;
	case CPOL_CMP_NE: all = c < lo || c > hi; none = lo == c && hi == c; break;
	case CPOL_CMP_LT: all = hi < c; none = lo >= c; break;
	case CPOL_CMP_LE: all = hi <= c; none = lo > c; break;
	case CPOL_CMP_GT: all = lo > c; none = hi <= c; break;
	default: all = lo >= c; none = hi < c; break; /* CPOL_CMP_GE */
	}
	return all ? CPOL_YES : none ? CPOL_NO : CPOL_MAYBE;
}

void cpol_frame_words(struct cpol_frame *f, const uint8_t *wflags)
{
	f->wflags = wflags;
	f->ufirst = f->argc;
	f->unk = 0;
	if (!wflags)
		return;
	for (uint32_t k = 0; k < f->argc; k++) {
		if (wflags[k])
			f->unk = 1;
		if ((wflags[k] & (CPOL_WORD_EXPAND | CPOL_WORD_GLOB)) && f->ufirst == f->argc)
			f->ufirst = k;
	}
}

/* The same code as cpol_run, when some words are unknown: each test is
 * yes, no or maybe. A test is `yes` (or `no`) only when it holds (or
 * fails) whatever the unknown words become. An AND whose left side is
 * maybe runs its right side and is completed where its JF lands (no and
 * anything is no, else maybe); an OR likewise with JT. Rarely used, so it
 * is kept apart from the two-valued loop, which stays as fast as it was. */
int cpol_run3(struct cpol_ctx *ctx, struct cpol_frame *f, uint32_t pc)
{
	const struct cpol_image *im = ctx->img;
	struct { uint32_t at; uint8_t op; } pend[64];
	int sp = 0, r = CPOL_NO;
	for (;;) {
		while (sp > 0 && pend[sp - 1].at == pc) {
			sp--;
			if (pend[sp].op == CPOL_OP_JF)
				r = r == CPOL_NO ? CPOL_NO : CPOL_MAYBE;
			else
				r = r == CPOL_YES ? CPOL_YES : CPOL_MAYBE;
		}
		const struct cpol_img_insn *i = &im->code[pc++];
		switch (i->op) {
		case CPOL_OP_RET:
			return r;
		case CPOL_OP_TRUE:
			r = CPOL_YES;
			break;
		case CPOL_OP_NOT:
			r = r == CPOL_MAYBE ? CPOL_MAYBE : r == CPOL_NO;
			break;
		case CPOL_OP_JF:
		case CPOL_OP_JT:
			if (r == CPOL_MAYBE) {
				if (sp == (int)(sizeof pend / sizeof pend[0]))
					return CPOL_MAYBE; /* deeper than any policy: not sure */
				pend[sp].at = i->c;
				pend[sp++].op = i->op;
			} else if (r == (i->op == CPOL_OP_JT)) {
				pc = i->c;
			}
			break;
		case CPOL_OP_PROG:
			if (word_unknown(f, 0)) {
				r = unknown_at(f, 0);
				break;
			}
			r = prog_test(im, f, i);
			break;
		case CPOL_OP_ARG:
			if (i->b < f->argc && word_unknown(f, i->b)) {
				r = i->b <= f->ufirst && as_written(f, i->b) && arg_test(im, f, i) ? CPOL_YES
				    : i->b <= f->ufirst && glob_never(im, f, i->a, i->c, i->b)   ? CPOL_NO
				                                                                 : unknown_at(f, i->b);
				break;
			}
			if (i->b >= f->argc && f->ufirst < f->argc) {
				r = unknown_at(f, f->ufirst); /* the expansion may reach that far */
				break;
			}
			r = arg_test(im, f, i);
			break;
		case CPOL_OP_ANYARG: {
			uint32_t unk = 0;
			r = CPOL_NO;
			for (uint32_t k = 1; k < f->argc; k++) {
				uint32_t n = cpol_alen(f, k);
				if (word_unknown(f, k) && !(as_written(f, k) && pred(im, f, i->a, i->c, k, f->argv[k], n))) {
					if (glob_never(im, f, i->a, i->c, k))
						continue;
					if (!unk)
						unk = k;
					continue;
				}
				if (pred(im, f, i->a, i->c, k, f->argv[k], n)) {
					r = CPOL_YES;
					f->m = f->argv[k];
					f->mlen = n;
					break;
				}
			}
			if (r == CPOL_NO && unk)
				r = unknown_at(f, unk);
			else if (r == CPOL_NO && f->ufirst == 0)
				r = unknown_at(f, 0); /* `$X`: the program's expansion may make arguments too */
			break;
		}
		case CPOL_OP_ARGC: {
			uint32_t lo = 0;
			for (uint32_t k = 0; k < f->argc; k++)
				lo += !(f->wflags && (f->wflags[k] & CPOL_WORD_EXPAND));
			r = cmp3(i->a, lo, f->ufirst < f->argc ? UINT32_MAX : f->argc, i->c);
			if (r == CPOL_MAYBE)
				unknown_at(f, f->ufirst);
			break;
		}
		case CPOL_OP_SUBSTR:
			/* the text as written: an unknown word adds none, so a
			 * pattern counts only inside a run of literal words */
			r = f->gs[i->c].tag == f->tag && (f->unk ? substr_known(im, f, i->c) : 1);
			if (r && !f->unk) /* a literal command run again for an `any value of` */
				f->m = cpol_img_string(im, f->gs[i->c].pat, &f->mlen);
			break;
		case CPOL_OP_WRITES:
		case CPOL_OP_NET: {
			int lit = intent_test(ctx, f, i);
			/* What the program writes to or reaches is read from its
			 * words: with unknown words, only a write to a known path
			 * outside the roots (or a network program) is certain,
			 * also when another target is unknown. An unknown word can
			 * only make a guard of the program's own intents hold, so
			 * NET is literal for a program with no network intent. */
			int sure = (i->op == CPOL_OP_NET && lit) ||
			           (i->op == CPOL_OP_WRITES && lit &&
			            (i->a == CPOL_WM_ROOT ? !unknown_ptr(f, f->rm)
			                                  : i->a != CPOL_WM_INSIDE && (!unknown_ptr(f, f->wm) || f->sureout > 0)));
			if (sure || !f->unk || f->prog == 0 || f->untrusted ||
			    !has_intent(im, f->prog, i->op == CPOL_OP_NET ? CPOL_IK_NETWORK : -1)) {
				r = lit;
			} else {
				uint32_t k = 1;
				while (k < f->argc && !word_unknown(f, k))
					k++;
				r = unknown_at(f, k);
			}
			break;
		}
		case CPOL_OP_VALUE:
			r = value_test(im, f, i);
			pc++;
			break;
		case CPOL_OP_VALSET:
			break;
		case CPOL_OP_OPTS: {
			uint32_t at;
			r = cpol_options_only(im, i->c, f->argc, f->argv, f->lens, f->wflags, &at);
			if (r == CPOL_MAYBE) {
				f->um = f->argv[at];
				f->umlen = cpol_alen(f, at);
			} else if (!r) {
				f->m = f->argv[at];
				f->mlen = cpol_alen(f, at);
			}
			break;
		}
		}
	}
}

/* Is the condition at pc made only of tests the sandbox enforces by
 * itself (writes outside the write roots, network), joined by and/or? In
 * a profile whose sandbox confines writes and has no network, such a rule
 * only names early what the kernel refuses. Its `unless` part may be
 * anything: it can only keep the rule from holding (`when network unless
 * program local_only_programs`). Asked of rules every program runs, whose
 * code is their whole condition (a program's own rules had their program
 * test compiled away). */
static int sandbox_holds(const struct cpol_image *im, uint32_t pc)
{
	uint32_t reach = pc; /* the furthest jump target seen */
	for (;; pc++) {
		const struct cpol_img_insn *i = &im->code[pc];
		switch (i->op) {
		case CPOL_OP_RET:
			if (pc >= reach)
				return 1;
			break;
		case CPOL_OP_JF:
			/* the jump over `unless ... not` to the rule's ret, once
			 * the `when` part is over (codegen's rule layout) */
			if (pc >= reach && i->c > pc + 1 && im->code[i->c].op == CPOL_OP_RET &&
			    im->code[i->c - 1].op == CPOL_OP_NOT)
				return 1;
			/* fall through */
		case CPOL_OP_JT:
			if (i->c > reach)
				reach = i->c;
			break;
		case CPOL_OP_NET:
			break;
		case CPOL_OP_WRITES:
			if (i->a != CPOL_WM_OUTSIDE)
				return 0;
			break;
		default:
			return 0;
		}
	}
}

/* Does an allow rule that only might hold carry grants? Never handed out
 * on a maybe: the command asks instead. */
static int maybe_grants(const struct cpol_image *im, const struct cpol_img_rule *maybe)
{
	if (!maybe || !im->grants)
		return 0;
	uint32_t r = (uint32_t)(maybe - im->rules);
	for (uint32_t i = 0; i < im->ngrants && im->grants[i].rule <= r; i++)
		if (im->grants[i].rule == r)
			return 1;
	return 0;
}

/* Is f a shell builtin that runs a string or rebinds a name (eval, source,
 * trap, alias, ...), reached through a wrapper (`builtin eval ...`)? */
static const char *builtin_unseen(const struct cpol_ctx *ctx, const struct cpol_frame *f)
{
	uint32_t lens[64], n = f->argc < 64 ? f->argc : 64; /* the builtins' words that matter come first */
	if (n == 0)
		return NULL;
	for (uint32_t k = 0; k < n; k++)
		lens[k] = cpol_alen(f, k);
	struct cpol_shell_cmd c;
	memset(&c, 0, sizeof c);
	c.argc = n;
	c.argv = (const char **)(uintptr_t)f->argv;
	c.lens = lens;
	c.wflags = f->wflags;
	uint32_t at;
	int rb = 0;
	const char *why = cpol_builtin_unknowable(&c, 0, ctx->sh_dialect, &at, &rb);
	if (why && rb && at + 1 == n && cpol_path_safe(ctx, c.argv[at], lens[at], c.wflags && c.wflags[at]))
		return NULL; /* export PATH=$PATH:/opt/x/bin */
	if (why && !rb && cpol_unknown_confined(ctx) && cpol_builtin_sets_plainly(&c, 0, ctx->sh_dialect))
		return NULL; /* export CFLAGS=-O2, run confined */
	return why;
}

#ifdef CPOL_EVAL_NAIVE
/* What the automaton records, found by memmem of every pattern in the
 * arguments joined by single spaces (the words that fit in CPOL_SH_BUF): per
 * group, the pattern whose first occurrence ends first (the longer one on
 * a tie, as the automaton reports), and each argument holding a pattern
 * whole. */
static void scan(const struct cpol_image *im, struct cpol_frame *f)
{
	char buf[CPOL_SH_BUF];
	uint32_t n = 0;
	for (uint32_t i = 0; i < f->argc; i++) {
		uint32_t l = cpol_alen(f, i);
		if (n + 1 + l > sizeof buf)
			break; /* the baseline looks no further than its buffer */
		if (i)
			buf[n++] = ' ';
		memcpy(buf + n, f->argv[i], l);
		n += l;
	}
	for (uint32_t o = 0; o < im->ac->noutputs; o++) {
		const struct cpol_img_acout *out = &im->acouts[o];
		const char *pat = cpol_img_string(im, out->str, NULL);
		const char *at = memmem(buf, n, pat, out->len);
		if (!at)
			continue;
		struct cpol_gstate *g = &f->gs[out->group];
		uint32_t end = (uint32_t)(at - buf) + out->len;
		if (g->tag != f->tag) {
			g->tag = f->tag;
			g->argmask = 0;
			g->pat = out->str;
		} else {
			const char *gp = cpol_img_string(im, g->pat, NULL);
			uint32_t gl = im->strs[g->pat].len;
			uint32_t gend = (uint32_t)((const char *)memmem(buf, n, gp, gl) - buf) + gl;
			if (end < gend || (end == gend && out->len > gl))
				g->pat = out->str;
		}
		for (uint32_t i = 0; i < f->argc; i++)
			if (memmem(f->argv[i], cpol_alen(f, i), pat, out->len))
				g->argmask |= (uint64_t)1 << (i < 63 ? i : 63);
	}
}
#else
/* Record what the automaton found at `row`: every output on its chain. */
static void report(const struct cpol_image *im, struct cpol_frame *f, uint32_t row, uint32_t argi, uint32_t pos)
{
	uint32_t bit = argi < 63 ? argi : 63;
	for (uint32_t s = row / im->ac->nclasses; s != CPOL_NONE; s = im->acstates[s].dict) {
		const struct cpol_img_acstate *st = &im->acstates[s];
		for (uint32_t o = st->out; o < st->out + st->nout; o++) {
			const struct cpol_img_acout *out = &im->acouts[o];
			struct cpol_gstate *g = &f->gs[out->group];
			if (g->tag != f->tag) {
				g->tag = f->tag;
				g->pat = out->str;
				g->argmask = 0;
			}
			if (pos >= out->len)
				g->argmask |= (uint64_t)1 << bit;
		}
	}
}

/* One pass of the automaton over the arguments joined by single spaces.
 * At the root, bytes that start no pattern are skipped in a tighter loop. */
static void scan(const struct cpol_image *im, struct cpol_frame *f)
{
	const uint8_t *cls = im->ac->classmap;
	const uint8_t *stay = im->acstay;
	const uint32_t *tr = im->trans;
	const uint32_t space = cls[' '];
	uint32_t s = 0;
	for (uint32_t i = 0; i < f->argc; i++) {
		const uint8_t *p = (const uint8_t *)f->argv[i];
		if (f->lens) {
			for (uint32_t j = 0, n = f->lens[i]; j < n; j++) {
				if (s == 0) {
					while (j < n && stay[p[j]])
						j++;
					if (j == n)
						break;
				}
				s = tr[s + cls[p[j]]];
				if (s & CPOL_AC_OUT) {
					s &= ~CPOL_AC_OUT;
					report(im, f, s, i, j + 1);
				}
			}
		} else {
			for (uint32_t j = 0; p[j]; j++) {
				s = tr[s + cls[p[j]]];
				if (s & CPOL_AC_OUT) {
					s &= ~CPOL_AC_OUT;
					report(im, f, s, i, j + 1);
				}
			}
		}
		if (i + 1 < f->argc) {
			s = tr[s + space];
			if (s & CPOL_AC_OUT) {
				s &= ~CPOL_AC_OUT;
				report(im, f, s, i + 1, 0);
			}
		}
	}
}
#endif

/* The program name rules see: argv[0] itself when it is a bare name; its
 * basename otherwise. A path into a system directory that is not writable
 * names the trusted tool; any other path (./ls, a tool inside the
 * workspace, a pyenv shim, ~/.cargo/bin) is a program the policy has not
 * seen, so it is marked untrusted: forbid and prompt rules still match it
 * by name, allow rules and scripts do not. */
static void resolve_program(struct cpol_ctx *ctx, struct cpol_frame *f)
{
	const struct cpol_image *im = ctx->img;
	f->pname = NULL;
	f->prog = 0;
	f->untrusted = 0;
	f->pok = 1;
	if (f->argc == 0)
		return;
	const char *a0 = f->argv[0];
	uint32_t n = cpol_alen(f, 0);
	if (n == 0)
		return;
	if (!memchr(a0, '/', n)) {
		f->pname = a0;
		f->pnamelen = n;
	} else {
		char path[CPOL_PATH_BUF];
		long m = cpol_path_normalize("/", 1, "/", 1, a0, n, path, sizeof path);
		if (m <= 1)
			return;
		const char *slash = memrchr(path, '/', (size_t)m);
		uint32_t dlen = (uint32_t)(slash - path), blen = (uint32_t)m - dlen - 1;
		if (blen == 0)
			return;
		int sys = 0;
		if (a0[0] == '/') {
			sys = cpol_sysdir(path, dlen);
			for (uint32_t k = 0; sys && k < ctx->nwroots; k++)
				if (cpol_path_within(ctx->wroots[k].path, ctx->wroots[k].len, path, dlen))
					sys = 0;
		}
		/* The name rules see (and a verdict may quote) must outlive this
		 * frame: point at the basename's own component inside argv[0]
		 * (every component of the normal path comes from it). */
		const char *b = NULL;
		for (uint32_t end = n; end > 0 && !b;) {
			uint32_t start = end;
			while (start > 0 && a0[start - 1] != '/')
				start--;
			if (end - start == blen && memcmp(a0 + start, slash + 1, blen) == 0)
				b = a0 + start;
			end = start ? start - 1 : 0;
		}
		if (!b)
			return;
		f->pname = b;
		f->pnamelen = blen;
		f->untrusted = !sys;
	}
#ifdef CPOL_EVAL_NAIVE
	for (uint32_t p = 1; p < im->nprogs; p++)
		if (str_eq(im, im->progs[p].name, f->pname, f->pnamelen)) {
			f->prog = p;
			return;
		}
	return;
#endif
	uint64_t h = XXH3_64bits(f->pname, f->pnamelen);
	f->pnamehash = (uint32_t)h;
	uint32_t mask = im->npslots - 1;
	for (uint32_t i = (uint32_t)h & mask;; i = (i + 1) & mask) {
		const struct cpol_img_pslot *sl = &im->pslots[i];
		if (sl->prog == CPOL_NONE)
			return;
		if (sl->hash == h && str_eq(im, im->progs[sl->prog].name, f->pname, f->pnamelen)) {
			f->prog = sl->prog;
			return;
		}
	}
}

void cpol_frame_init(struct cpol_ctx *ctx, struct cpol_frame *f, int depth, uint32_t argc,
                     const char *const *argv, const uint32_t *lens)
{
	const struct cpol_image *im = ctx->img;
	memset(f, 0, offsetof(struct cpol_frame, ahash)); /* ahash is valid by the `hashed` bits */
	f->depth = depth;
	f->argc = argc;
	f->argv = argv;
	f->lens = lens;
	f->ufirst = argc;
	f->pok = 1;
	f->gs = ctx->groups + (size_t)depth * im->meta->ngroups;
	if (++ctx->serial == 0) {
		/* After 2^32 frames: forget every stale tag once. */
		memset(ctx->groups, 0, sizeof *ctx->groups * (size_t)(CPOL_MAX_DEPTH + 1) * im->meta->ngroups);
		ctx->serial = 1;
	}
	f->tag = ctx->serial;
}

/* When the program's rules are indexed by argument 1 and argv[1] is known
 * (literal, and no earlier word may become several words or none), narrow
 * its rules to the free ones (*pr..*pe) and those listed under argv[1]
 * (*br..*be): the others require another argv[1] and cannot hold. */
static void arg1_index(const struct cpol_image *im, struct cpol_frame *f, const uint32_t **pr, const uint32_t **pe,
                       const uint32_t **br, const uint32_t **be)
{
#ifdef CPOL_EVAL_NAIVE
	return;
#endif
	if (!f->prog || im->argidx[f->prog].mask == CPOL_NONE)
		return;
	if (f->unk && ((f->ufirst <= 1 && f->ufirst < f->argc) || (f->argc > 1 && f->wflags && f->wflags[1])))
		return;
	const struct cpol_img_argidx *x = &im->argidx[f->prog];
	*pr = im->arefs + x->free;
	*pe = *pr + x->nfree;
	if (f->argc < 2)
		return;
	uint32_t n = cpol_alen(f, 1);
	uint32_t h = arg_hash(f, 1, f->argv[1], n);
	for (uint32_t i = h & x->mask;; i = (i + 1) & x->mask) {
		const struct cpol_img_akey *k = &im->akeys[x->slot + i];
		if (k->str == CPOL_NONE)
			return;
		if (k->hash == h && str_eq(im, k->str, f->argv[1], n)) {
			*br = im->arefs + k->first;
			*be = *br + k->n;
			return;
		}
	}
}

/* The rules the word index found for a command: at most this many (more,
 * and the program's base rules all run, as without the index). */
#define WCAND_MAX 128

struct wcand {
	uint32_t n;
	int over;
	uint32_t v[WCAND_MAX];
};

static void wcand_add(const struct cpol_image *im, struct wcand *c, uint32_t first, uint32_t n)
{
	if (n > WCAND_MAX - c->n) {
		c->over = 1;
		return;
	}
	memcpy(c->v + c->n, im->wrefs + first, n * sizeof *c->v);
	c->n += n;
}

/* The rules listed under key (pos, s[0..n)). */
static void wprobe(const struct cpol_image *im, const struct cpol_img_widx *x, struct wcand *c, uint32_t pos,
                   const char *s, uint32_t n)
{
	uint32_t h = (uint32_t)XXH3_64bits_withSeed(s, n, pos);
	for (uint32_t i = h & x->mask;; i = (i + 1) & x->mask) {
		const struct cpol_img_wkey *k = &im->wkeys[x->slot + i];
		if (k->str == CPOL_NONE)
			return;
		if (k->hash == h && k->pos == pos && str_eq(im, k->str, s, n)) {
			wcand_add(im, c, k->first, k->n);
			return;
		}
	}
}

/* The rules listed under every long option that s[0..n) abbreviates (or
 * is): the keys starting with it, one run of the sorted list. */
static void wlong_probe(const struct cpol_image *im, const struct cpol_img_widx *x, struct wcand *c, const char *s,
                        uint32_t n)
{
	const struct cpol_img_wlong *v = im->wlongs + x->lng;
	uint32_t lo = 0, hi = x->nlng;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2, ml;
		const char *m = cpol_img_string(im, v[mid].str, &ml);
		int d = memcmp(m, s, ml < n ? ml : n);
		if (d < 0 || (d == 0 && ml < n))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < x->nlng && !c->over; lo++) {
		uint32_t ml;
		const char *m = cpol_img_string(im, v[lo].str, &ml);
		if (ml < n || memcmp(m, s, n) != 0)
			return;
		wcand_add(im, c, v[lo].first, v[lo].n);
	}
}

/* When every word is known and the program's base rules are indexed by the
 * words they need (WORDIDX), narrow *pr..*pe to the rest and list in c the
 * rules found under the keys the words meet, ascending and once each: the
 * others need a word the command does not have. */
static void word_index(const struct cpol_image *im, struct cpol_frame *f, const uint32_t **pr, const uint32_t **pe,
                       struct wcand *c)
{
	c->n = 0;
	c->over = 0;
#ifdef CPOL_EVAL_NAIVE
	return;
#endif
	if (!f->prog || f->unk || im->widx[f->prog].mask == CPOL_NONE)
		return;
	const struct cpol_img_widx *x = &im->widx[f->prog];
	for (uint32_t k = 1; k < f->argc && !c->over; k++) {
		const char *s = f->argv[k];
		uint32_t n = cpol_alen(f, k);
		const char *eq = memchr(s, '=', n);
		uint32_t e = eq ? (uint32_t)(eq - s) : n;
		wprobe(im, x, c, 0, s, e);
		if (e < n)
			wprobe(im, x, c, 0, s, n);
		if (n >= 2 && s[0] == '-' && s[1] != '-') {
			/* -x, -xVALUE, -ax: every letter may be an option */
			for (uint32_t j = 1; j < n && !c->over; j++) {
				unsigned char ch = (unsigned char)s[j];
				if (ch < 128 && !(x->shortmask[ch >> 6] >> (ch & 63) & 1))
					continue;
				char two[2] = { '-', (char)ch };
				wprobe(im, x, c, 0, two, 2);
			}
		}
		if (e >= 3 && s[0] == '-' && s[1] == '-' && x->nlng)
			wlong_probe(im, x, c, s, e);
		if (k < 32 && (x->posmask >> k & 1)) {
			for (uint64_t m = x->lenmask; m && !c->over; m &= m - 1) {
				uint32_t len = (uint32_t)__builtin_ctzll(m);
				if (len > n)
					break;
				wprobe(im, x, c, k, s, len);
			}
		}
	}
	if (c->over)
		return;
	/* ascending, once each (a rule may be listed under several keys) */
	for (uint32_t i = 1; i < c->n; i++)
		for (uint32_t j = i; j > 0 && c->v[j - 1] > c->v[j]; j--) {
			uint32_t t = c->v[j];
			c->v[j] = c->v[j - 1];
			c->v[j - 1] = t;
		}
	uint32_t w = 0;
	for (uint32_t i = 0; i < c->n; i++)
		if (w == 0 || c->v[w - 1] != c->v[i])
			c->v[w++] = c->v[i];
	c->n = w;
	*pr = im->wrefs + x->rest;
	*pe = *pr + x->nrest;
}

/* The program word's text is not known (`xargs -I a make` runs m?ke): it
 * may be any program, so a program's own rule that does not allow, and
 * whose other tests might hold, might decide: ask. */
static void any_program_rules(struct cpol_ctx *ctx, struct cpol_frame *f, struct cpol_iv *best)
{
	const struct cpol_image *im = ctx->img;
	for (uint32_t p = 1; p < im->nprogs; p++) {
		const struct cpol_img_prog *pp = &im->progs[p];
		for (uint32_t j = 0; j < pp->nrules; j++) {
			const struct cpol_img_rule *rule = &im->rules[im->refs[pp->rules + j]];
			if (rule->action == CPOL_RA_DECIDE && rule->dec == CPOL_ALLOW)
				continue;
			f->um = NULL;
			if (cpol_run3(ctx, f, rule->code) == CPOL_NO)
				continue;
			struct cpol_iv v;
			cpol_iv_builtin(&v, CPOL_PROMPT, cpol_img_string(im, rule->name, NULL),
			                "the rule might apply: an expansion or glob decides which program runs", f->argv[0],
			                cpol_alen(f, 0));
			v.set = 1;
			cpol_iv_merge(best, &v);
			return;
		}
	}
}

void cpol_eval_frame(struct cpol_ctx *ctx, struct cpol_frame *f, struct cpol_iv *best)
{
	const struct cpol_image *im = ctx->img;
	resolve_program(ctx, f);
	if (f->wflags && f->wflags[0])
		f->prog = 0; /* its text is not the program's (xargs -I a make: m?ke) */
	if (im->ac->nstates > 1)
		scan(im, f);

	memset(best, 0, sizeof *best);
	const struct cpol_img_rule *maybe = NULL; /* the first allow that only might hold */
	const char *mword = NULL;
	uint32_t mwlen = 0;
	uint8_t mopt = 0; /* mword is an option an `any value of` list lacks */
	const struct cpol_img_prog *gp = &im->progs[0], *pp = &im->progs[f->prog];
	const uint32_t *gr = im->refs + gp->rules, *ge = gr + gp->nrules;
	const uint32_t *pr = im->refs + pp->rules, *pe = f->prog ? pr + pp->nrules : pr;
	const uint32_t *br = NULL, *be = NULL;
	arg1_index(im, f, &pr, &pe, &br, &be);
	struct wcand wc;
	word_index(im, f, &pr, &pe, &wc);
	const uint32_t *cr = wc.v, *ce = wc.over ? wc.v : wc.v + wc.n;
#ifdef CPOL_EVAL_NAIVE
	/* every rule in source order: is it one of every program's, or this
	 * program's? */
	(void)br;
	(void)be;
	(void)cr;
	(void)ce;
	for (uint32_t r = 0; r < im->nrules; r++) {
		int dispatched = 1;
		if (gr < ge && *gr == r) {
			gr++;
			dispatched = 0;
		} else if (pr < pe && *pr == r) {
			pr++;
		} else {
			continue;
		}
#else
	while (gr < ge || pr < pe || br < be || cr < ce) {
		uint32_t r;
		int dispatched = 1;
		/* the lowest rule index of the four ascending lists (a rule is
		 * in one of them at most) */
		uint32_t gv = gr < ge ? *gr : CPOL_NONE, pv = pr < pe ? *pr : CPOL_NONE, bv = br < be ? *br : CPOL_NONE,
		         cv = cr < ce ? *cr : CPOL_NONE;
		if (gv < pv && gv < bv && gv < cv) {
			r = *gr++;
			dispatched = 0;
		} else if (pv < bv && pv < cv) {
			r = *pr++;
		} else if (bv < cv) {
			r = *br++;
		} else {
			r = *cr++;
		}
#endif
		const struct cpol_img_rule *rule = &im->rules[r];
		/* A rule that cannot beat the best so far need not run. */
		if (best->set && rule->action == CPOL_RA_DECIDE && rule->dec <= best->dec)
			continue;
		if (f->untrusted) {
			f->pok = rule->action == CPOL_RA_DECIDE && rule->dec != CPOL_ALLOW;
			if (dispatched && !f->pok)
				continue;
		}
		/* The program test a rule is filed under was compiled away:
		 * it matched the program name. */
		f->m = dispatched ? f->pname : NULL;
		f->mlen = dispatched ? f->pnamelen : 0;
		struct cpol_iv v;
		int r3 = CPOL_MAYBE;
		if (!f->unk) {
			f->vmaybe = 0;
			r3 = cpol_run(ctx, f, rule->code) ? CPOL_YES : CPOL_NO;
			if (f->vmaybe)
				r3 = -1; /* an `any value of` it could not read for certain */
		}
		if (f->unk || r3 < 0) {
			f->um = NULL;
			f->uopt = 0;
			r3 = cpol_run3(ctx, f, rule->code);
			if (r3 == CPOL_NO)
				continue;
			if (r3 == CPOL_MAYBE && rule->action == CPOL_RA_DECIDE && rule->dec == CPOL_ALLOW) {
				/* An allow that might hold changes nothing: whether it
				 * holds or not, the other rules decide (allow is the
				 * least strict). Kept to name the word if the default
				 * decides. */
				if (!maybe) {
					maybe = rule;
					mword = f->um;
					mopt = f->uopt;
					mwlen = f->um ? f->umlen : 0;
				}
				continue;
			}
			if (r3 == CPOL_MAYBE && rule->action == CPOL_RA_DECIDE && rule->dec == CPOL_FORBID &&
			    !dispatched && cpol_unknown_confined(ctx) && sandbox_holds(im, rule->code)) {
				/* A forbid that says only what the sandbox refuses
				 * anyway (a write outside its roots, the network it
				 * does not have): if the words make it hold, the
				 * kernel stops that write or connection. */
				continue;
			}
			if (r3 == CPOL_MAYBE) {
				/* The rule might decide, depending on what an unknown
				 * word becomes: not sure either way, so ask. */
				cpol_iv_builtin(&v, CPOL_PROMPT, cpol_img_string(im, rule->name, NULL),
				                f->uopt ? "the rule might apply: an option it does not list may take the next word as its value"
				                        : "the rule might apply: an expansion or glob decides what this word becomes",
				                f->um, f->um ? f->umlen : 0);
				cpol_iv_merge(best, &v);
				continue;
			}
		} else if (r3 == CPOL_NO) {
			continue;
		}
		if (rule->action == CPOL_RA_SCRIPT && f->unk && rule->arg < f->argc &&
		    (rule->arg >= f->ufirst || f->wflags[rule->arg])) {
			/* the script's text is not known before it runs */
			cpol_iv_builtin(&v, CPOL_PROMPT, cpol_img_string(im, rule->name, NULL),
			                "the script's text is decided when the command runs", f->argv[rule->arg],
			                cpol_alen(f, rule->arg));
		} else if (rule->action == CPOL_RA_SCRIPT) {
			cpol_eval_script(ctx, f, rule->arg, &v);
		} else {
			memset(&v, 0, sizeof v);
			v.dec = rule->dec;
			v.rule = r;
			v.m = f->m;
			v.mlen = f->mlen;
		}
		v.set = 1;
		cpol_iv_merge(best, &v);
		if (best->dec == CPOL_FORBID)
			break;
	}
	if (f->argc && f->wflags && f->wflags[0] && (!best->set || best->dec < CPOL_PROMPT))
		any_program_rules(ctx, f, best);
	/* A wrapper (env, timeout, xargs, find -exec, ...) runs a command of
	 * its own: judge that too, and keep the stricter. What the wrapper
	 * runs, not the default, decides when no rule is about the wrapper. */
	int unread = 0; /* a wrapper whose command could not be found */
	if (f->prog && !f->untrusted && (!best->set || best->dec != CPOL_FORBID)) {
		const struct cpol_img_wrapper *w = cpol_wrapper_of(im, f->prog);
		struct cpol_iv v;
		int r = w ? cpol_eval_wrapped(ctx, f, w, &v) : 0;
		if (r == 1)
			cpol_iv_merge(best, &v);
		else
			unread = w != NULL && r == 0;
	}
	if (!best->set) {
		best->set = 1;
		best->dec = im->meta->def;
		best->rule = CPOL_NONE;
		best->bname = "default";
		best->breason = "no rule matched";
		if (im->meta->flags & CPOL_IMGF_CONFINED_DEFAULT) {
			/* Only what the policy has seen whole runs without asking:
			 * a word an expansion or glob decides may make it another
			 * command (or an option the sandbox cannot hold back). */
			best->bname = "sandboxed default";
			if (f->argc)
				cpol_intents(ctx, f);
			if (f->argv == ctx->sh_argv) {
				/* a command line the policy has no shell rule to split */
				best->dec = CPOL_PROMPT;
				best->breason = "no rule matched, and the policy cannot split this command line";
			} else if (builtin_unseen(ctx, f)) {
				best->dec = CPOL_PROMPT;
				best->breason = "no rule matched, and this shell builtin runs a string or rebinds a name";
			} else if (unread) {
				best->dec = CPOL_PROMPT;
				best->breason = "no rule matched, and the options of this wrapper hide which command it runs";
			} else if (f->istate == 2 && f->net && im->sb->net != CPOL_NET_NONE) {
				/* the sandbox lets the connection out, and data with it */
				best->dec = CPOL_PROMPT;
				best->breason = "no rule matched, and it reaches the network, where the sandbox cannot stop data "
				                "leaving";
			} else if (f->unk && (!cpol_unknown_confined(ctx) || word_unknown(f, 0) || maybe_grants(im, maybe))) {
				/* Where the sandbox lets data out, or the word is the
				 * program itself, or a rule that gives more than the
				 * sandbox might hold: what the words become matters. */
				best->dec = CPOL_PROMPT;
				best->breason = word_unknown(f, 0)
				        ? "no rule matched, and an expansion or glob decides which program runs"
				        : "no rule matched, and an expansion or glob decides what a word becomes";
				for (uint32_t k = 0; k < f->argc && !best->m; k++)
					if (word_unknown(f, k)) {
						best->m = f->argv[k];
						best->mlen = cpol_alen(f, k);
					}
			} else if (ctx->unconfined) {
				/* the caller runs it itself: no sandbox holds it */
				best->dec = CPOL_PROMPT;
				best->breason = "no rule matched, and it would run outside the profile's sandbox, which alone "
				                "lets such a command run";
			} else if (f->unk) {
				best->breason = "no rule matched: it runs confined by the profile's sandbox, whatever its "
				                "expansions and globs become";
			} else {
				best->breason = "no rule matched: it runs confined by the profile's sandbox";
			}
		}
		if (maybe && best->dec != CPOL_ALLOW) {
			best->bname = cpol_img_string(im, maybe->name, NULL);
			best->breason = mopt ? "the rule might allow it, but an option it does not list may take the next word "
			                       "as its value"
			                     : "the rule might allow it, but an expansion or glob decides what this word becomes";
			best->m = mword;
			best->mlen = mwlen;
		}
	}
}
