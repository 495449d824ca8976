/* vm/verify.c -- the image verifier: decodes the section table and checks
 * every offset, length, count, index, string reference and jump target, so
 * that the evaluator can trust the image completely. Runs once per load;
 * a corrupt or hostile image is refused here with the first problem named,
 * never by a crash later. All size arithmetic is done in 64 bits. */
#include "vm/vm.h"
#include "common/error.h"
#include "common/lower_bound.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define BAD(...) cpol_fail(err, EINVAL, "invalid policy image: " __VA_ARGS__)

struct sec { uint64_t off, size, count; int seen; };

static int is_pow2(uint64_t x) { return x && !(x & (x - 1)); }

static int str_ok(const struct cpol_image *im, uint32_t id)
{
	return id < im->nstrs;
}

/* An array section: its count of records of `size` bytes fills it exactly,
 * and matches want (the meta header's count; UINT64_MAX: any). Where the
 * records start, with *n set; NULL when the sizes disagree. */
static const void *records(const struct cpol_image *im, const struct sec *s, size_t size, uint64_t want, uint32_t *n)
{
	if (s->count * size != s->size || (want != UINT64_MAX && s->count != want))
		return NULL;
	*n = (uint32_t)s->count;
	return im->base + s->off;
}

/* Each record i of an array section of n, checked by bad(im, i): what is
 * wrong with it, or NULL. The first problem refuses the image, named as
 * "WHAT i PROBLEM". */
static int each_record(const struct cpol_image *im, uint32_t n, const char *what,
                       const char *(*bad)(const struct cpol_image *, uint32_t), cpol_error *err)
{
	for (uint32_t i = 0; i < n; i++) {
		const char *why = bad(im, i);
		if (why)
			return BAD("%s %u %s", what, i, why);
	}
	return 0;
}

static int verify_strings(struct cpol_image *im, const struct sec *s, cpol_error *err)
{
	if (s->count * sizeof(struct cpol_img_str) > s->size)
		return BAD("string table of %llu entries does not fit its section", (unsigned long long)s->count);
	im->strs = (const void *)(im->base + s->off);
	im->nstrs = (uint32_t)s->count;
	im->strbase = (const char *)(im->base + s->off);
	uint64_t table = s->count * sizeof(struct cpol_img_str);
	for (uint32_t i = 0; i < im->nstrs; i++) {
		uint64_t off = im->strs[i].off, len = im->strs[i].len;
		if (off < table || off + len >= s->size)
			return BAD("string %u lies outside the string section", i);
		if (im->strbase[off + len] != 0)
			return BAD("string %u is not NUL-terminated", i);
	}
	return 0;
}

/* ---- SETS, DISPATCH, ARGIDX and WORDIDX: one shape ----
 * A header of four counts (records, refs, slots, and WORDIDX's long
 * options; the others' fourth is padding), then the parts the section's
 * layout in vm/image.h places: records at a, the refs they list at b, the
 * slot table at c, WORDIDX's long options at d. */
struct iparts {
	uint32_t n[4];
	const void *recs;
	const uint32_t *refs;
	const void *slots, *longs;
};

/* What each section and its refs are called in messages, and what the
 * refs name: SETS' members are strings, DISPATCH's refs rules; an index's
 * refs are checked list by list (ix_list_ok). */
static const struct { const char *what, *ref, *names; } ishape[CPOL_SEC__COUNT] = {
	[CPOL_SEC_SETS] = { "set", "set member", "string" },
	[CPOL_SEC_DISPATCH] = { "dispatch", "rule reference", "rule" },
	[CPOL_SEC_ARGIDX] = { "argument index", NULL, NULL },
	[CPOL_SEC_WORDIDX] = { "word index", NULL, NULL },
};

static struct cpol_img_layout indexed_layout(uint32_t kind, const uint32_t n[4])
{
	switch (kind) {
	case CPOL_SEC_SETS:
		return cpol_layout_sets(n[0], n[1], n[2]);
	case CPOL_SEC_DISPATCH:
		return cpol_layout_dispatch(n[0], n[1], n[2]);
	case CPOL_SEC_ARGIDX:
		return cpol_layout_argidx(n[0], n[1], n[2]);
	default:
		return cpol_layout_wordidx(n[0], n[1], n[2], n[3]);
	}
}

/* The section holds its header, the layout of its counts fills it exactly
 * and (SETS, DISPATCH) every ref names a string or a rule that exists;
 * then *p: its counts and where its parts lie. */
static int indexed_parts(const struct cpol_image *im, const struct sec *s, uint32_t kind, struct iparts *p,
                         cpol_error *err)
{
	_Static_assert(sizeof(struct cpol_img_sets_hdr) == 16 && sizeof(struct cpol_img_dispatch_hdr) == 16 &&
	               sizeof(struct cpol_img_argidx_hdr) == 16 && sizeof(struct cpol_img_wordidx_hdr) == 16,
	               "indexed headers are four counts");
	const char *what = ishape[kind].what;
	const uint8_t *b = im->base + s->off;
	if (s->size < sizeof p->n)
		return BAD("%s section too small", what);
	memcpy(p->n, b, sizeof p->n);
	struct cpol_img_layout l = indexed_layout(kind, p->n);
	if (l.end != s->size)
		return BAD("%s section size %llu does not match its counts", what, (unsigned long long)s->size);
	p->recs = b + l.a;
	p->refs = (const void *)(b + l.b);
	p->slots = b + l.c;
	p->longs = b + l.d;
	uint32_t limit = kind == CPOL_SEC_SETS ? im->nstrs : im->nrules;
	for (uint32_t i = 0; ishape[kind].ref && i < p->n[1]; i++)
		if (p->refs[i] >= limit)
			return BAD("%s %u names %s %u that does not exist", ishape[kind].ref, i, ishape[kind].names, p->refs[i]);
	return 0;
}

static int verify_sets(struct cpol_image *im, const struct sec *s, cpol_error *err)
{
	struct iparts p;
	if (indexed_parts(im, s, CPOL_SEC_SETS, &p, err) < 0)
		return -1;
	im->sets = p.recs;
	im->nsets = p.n[0];
	im->members = p.refs;
	im->nmembers = p.n[1];
	im->slots = p.slots;
	for (uint32_t i = 0; i < p.n[2]; i++)
		if (im->slots[i].str != CPOL_NONE && !str_ok(im, im->slots[i].str))
			return BAD("set slot %u names string %u that does not exist", i, im->slots[i].str);
	for (uint32_t i = 0; i < im->nsets; i++) {
		const struct cpol_img_set *t = &im->sets[i];
		if ((uint64_t)t->first + t->n > im->nmembers)
			return BAD("set %u runs past the member list", i);
		if (t->mask) {
			uint64_t cap = (uint64_t)t->mask + 1;
			if (!is_pow2(cap) || (uint64_t)t->slot + cap > p.n[2])
				return BAD("set %u has a bad hash table", i);
			/* at least one empty slot, so every probe sequence ends */
			uint64_t empty = 0;
			for (uint64_t k = 0; k < cap; k++)
				empty += im->slots[t->slot + k].str == CPOL_NONE;
			if (!empty)
				return BAD("set %u has a full hash table", i);
		}
	}
	return 0;
}

static int verify_code(struct cpol_image *im, const struct sec *s, cpol_error *err)
{
	if (s->count == 0 || s->count * sizeof(struct cpol_img_insn) != s->size)
		return BAD("code section size does not match its count");
	im->code = (const void *)(im->base + s->off);
	im->ncode = (uint32_t)s->count;
	if (im->code[im->ncode - 1].op != CPOL_OP_RET)
		return BAD("code does not end with RET");
	uint32_t ngroups = im->meta->ngroups;
	for (uint32_t pc = 0; pc < im->ncode; pc++) {
		const struct cpol_img_insn *i = &im->code[pc];
		switch (i->op) {
		case CPOL_OP_RET: case CPOL_OP_TRUE: case CPOL_OP_NOT: case CPOL_OP_NET:
			break;
		case CPOL_OP_JF: case CPOL_OP_JT:
			if (i->c <= pc || i->c >= im->ncode)
				return BAD("instruction %u jumps to %u (jumps must go forward, inside the code)", pc, i->c);
			if (im->code[i->c].op == CPOL_OP_VALSET)
				return BAD("instruction %u jumps into the middle of a test", pc);
			break;
		case CPOL_OP_VALUE:
			/* one test in two words: VALUE, then VALSET */
			if (pc + 1 >= im->ncode || im->code[pc + 1].op != CPOL_OP_VALSET)
				return BAD("instruction %u is not followed by its option set", pc);
			if (i->a >= CPOL_PR__COUNT)
				return BAD("instruction %u has unknown predicate %u", pc, i->a);
			if (i->c == CPOL_NONE ? i->a != CPOL_PR_IN /* in "none": any value */
			    : cpol_pred_operand(i->a) == CPOL_OPND_GROUP ? i->c >= ngroups : i->c >= im->nsets)
				return BAD("instruction %u has operand %u out of range", pc, i->c);
			if (im->code[pc + 1].c < im->nsets && i->b > im->sets[im->code[pc + 1].c].n)
				return BAD("instruction %u selects more options than its set holds", pc);
			break;
		case CPOL_OP_VALSET:
			if (pc == 0 || im->code[pc - 1].op != CPOL_OP_VALUE)
				return BAD("instruction %u is an option set without its test", pc);
			if (i->c >= im->nsets)
				return BAD("instruction %u names set %u that does not exist", pc, i->c);
			break;
		case CPOL_OP_PROG: case CPOL_OP_OPTS:
			if (i->c >= im->nsets)
				return BAD("instruction %u names set %u that does not exist", pc, i->c);
			break;
		case CPOL_OP_ARG: case CPOL_OP_ANYARG:
			if (i->a >= CPOL_PR__COUNT)
				return BAD("instruction %u has unknown predicate %u", pc, i->a);
			if (cpol_pred_operand(i->a) == CPOL_OPND_GROUP ? i->c >= ngroups : i->c >= im->nsets)
				return BAD("instruction %u has operand %u out of range", pc, i->c);
			break;
		case CPOL_OP_ARGC:
			if (i->a >= CPOL_CMP__COUNT)
				return BAD("instruction %u has unknown comparison %u", pc, i->a);
			break;
		case CPOL_OP_SUBSTR:
			if (i->c >= ngroups)
				return BAD("instruction %u names substring group %u that does not exist", pc, i->c);
			break;
		case CPOL_OP_WRITES:
			if (i->a > CPOL_WM_ROOT)
				return BAD("instruction %u has unknown write mode %u", pc, i->a);
			break;
		default:
			return BAD("instruction %u has unknown opcode %u", pc, i->op);
		}
	}
	return 0;
}

static const char *rule_bad(const struct cpol_image *im, uint32_t r)
{
	const struct cpol_img_rule *x = &im->rules[r];
	if (!str_ok(im, x->name) || !str_ok(im, x->reason))
		return "names a string that does not exist";
	if (x->code >= im->ncode)
		return "starts outside the code";
	if (im->code[x->code].op == CPOL_OP_VALSET)
		return "starts in the middle of a test";
	return x->dec > CPOL_FORBID || x->action > CPOL_RA_SCRIPT ? "has an unknown decision or action" : NULL;
}

static int verify_rules(struct cpol_image *im, const struct sec *s, cpol_error *err)
{
	im->rules = records(im, s, sizeof *im->rules, im->meta->nrules, &im->nrules);
	return im->rules ? each_record(im, im->nrules, "rule", rule_bad, err)
	                 : BAD("rule section size does not match its count");
}

static int verify_dispatch(struct cpol_image *im, const struct sec *s, cpol_error *err)
{
	struct iparts x;
	if (indexed_parts(im, s, CPOL_SEC_DISPATCH, &x, err) < 0)
		return -1;
	if (x.n[0] < 1 || x.n[0] != im->meta->nprograms)
		return BAD("dispatch table has no generic entry");
	if (!is_pow2(x.n[2]) || x.n[2] <= x.n[0])
		return BAD("dispatch hash table has a bad size");
	im->progs = x.recs;
	im->nprogs = x.n[0];
	im->refs = x.refs;
	im->pslots = x.slots;
	im->npslots = x.n[2];
	for (uint32_t p = 0; p < im->nprogs; p++) {
		const struct cpol_img_prog *g = &im->progs[p];
		if (!str_ok(im, g->name))
			return BAD("program %u names a string that does not exist", p);
		if ((uint64_t)g->rules + g->nrules > x.n[1])
			return BAD("program %u's rule list runs past the references", p);
		for (uint32_t k = 1; k < g->nrules; k++)
			if (im->refs[g->rules + k] <= im->refs[g->rules + k - 1])
				return BAD("program %u's rules are not in source order", p);
		if ((uint64_t)g->intents + g->nintents > im->nintents)
			return BAD("program %u's intent list runs past the intents", p);
	}
	uint32_t empty = 0;
	for (uint32_t i = 0; i < im->npslots; i++) {
		uint32_t p = im->pslots[i].prog;
		if (p == CPOL_NONE)
			empty++;
		else if (p == 0 || p >= im->nprogs)
			return BAD("dispatch slot %u names program %u that does not exist", i, p);
	}
	if (!empty)
		return BAD("dispatch hash table is full");
	return 0;
}

static int verify_ac(struct cpol_image *im, const struct sec *s, cpol_error *err)
{
	const struct cpol_img_ac_hdr *h = (const void *)(im->base + s->off);
	if (s->size < sizeof *h)
		return BAD("automaton section too small");
	if (h->nstates < 1 || h->nclasses < 1 || h->nclasses > 256 ||
	    (uint64_t)h->nstates * h->nclasses >= CPOL_AC_OUT)
		return BAD("automaton has %u states of %u classes", h->nstates, h->nclasses);
	struct cpol_img_layout l = cpol_layout_ac(h->nstates, h->nclasses, h->noutputs);
	if (l.end != s->size)
		return BAD("automaton section size does not match its counts");
	im->ac = h;
	im->trans = (const void *)(im->base + s->off + l.a);
	im->acstates = (const void *)(im->base + s->off + l.b);
	im->acouts = (const void *)(im->base + s->off + l.c);
	for (int c = 0; c < 256; c++)
		if (h->classmap[c] >= h->nclasses)
			return BAD("automaton byte class %u out of range", c);
	for (uint32_t st = 0; st < h->nstates; st++) {
		const struct cpol_img_acstate *x = &im->acstates[st];
		if ((uint64_t)x->out + x->nout > h->noutputs)
			return BAD("automaton state %u's outputs run past the list", st);
		if (x->dict != CPOL_NONE && x->dict >= st)
			return BAD("automaton state %u has a dictionary link that does not go back", st);
	}
	/* Every transition must name the start of a state's row, with the
	 * output flag that state deserves. A byte per row answers both with
	 * one load (no division in the loop over every transition): 1 for a
	 * row start, 3 for the start of a state with outputs, 0 elsewhere. */
	uint64_t ntrans = (uint64_t)h->nstates * h->nclasses;
	uint8_t *kind = calloc(ntrans + 1, 1); /* kind[ntrans]: where rows out of range go */
	if (!kind)
		return cpol_fail(err, ENOMEM, "out of memory verifying the automaton");
	for (uint64_t st = 0, row = 0; st < h->nstates; st++, row += h->nclasses)
		kind[row] = (im->acstates[st].nout || im->acstates[st].dict != CPOL_NONE) ? 3 : 1;
	/* A branch-free pass over every transition; only when it finds
	 * something does a second pass look for the first bad one. */
	kind[ntrans] = 0xff; /* matches no transition */
	uint32_t wrong = 0;
	const uint32_t *tr = im->trans;
	for (uint64_t t = 0; t < ntrans; t++) {
		uint32_t v = tr[t], row = v & ~CPOL_AC_OUT;
		row = row < ntrans ? row : (uint32_t)ntrans;
		wrong |= kind[row] ^ (1 | (v >> 30 & 2));
	}
	uint64_t bad = ntrans;
	for (uint64_t t = 0; wrong && t < ntrans; t++) {
		uint32_t v = im->trans[t], row = v & ~CPOL_AC_OUT;
		if (row >= ntrans || kind[row] != (1 | (v >> 30 & 2))) {
			bad = t;
			break;
		}
	}
	int flag_only = bad < ntrans && (im->trans[bad] & ~CPOL_AC_OUT) < ntrans &&
	                kind[im->trans[bad] & ~CPOL_AC_OUT] != 0;
	free(kind);
	if (bad < ntrans && flag_only)
		return BAD("automaton transition %llu has a wrong output flag", (unsigned long long)bad);
	if (bad < ntrans)
		return BAD("automaton transition %llu goes nowhere", (unsigned long long)bad);
	for (int c = 0; c < 256; c++)
		im->acstay[c] = im->trans[h->classmap[c]] == 0;
	/* Every group has a pattern, so an output: this bounds the group
	 * states a context allocates by the size of the image. */
	if (im->meta->ngroups > h->noutputs)
		return BAD("%u substring groups but %u automaton outputs", im->meta->ngroups, h->noutputs);
	for (uint32_t o = 0; o < h->noutputs; o++) {
		const struct cpol_img_acout *x = &im->acouts[o];
		if (x->group >= im->meta->ngroups || !str_ok(im, x->str) || x->len < 1)
			return BAD("automaton output %u is out of range", o);
	}
	return 0;
}

static const char *intent_bad(const struct cpol_image *im, uint32_t i)
{
	const struct cpol_img_intent *x = &im->intents[i];
	if (x->kind > CPOL_IK_WRITE || x->target > CPOL_TG_CWD)
		return "has an unknown kind or target";
	if ((x->target == CPOL_TG_AFTER || x->target == CPOL_TG_VALUE) ? !str_ok(im, x->str)
	    : (x->str != CPOL_NONE && !str_ok(im, x->str)))
		return "names a string that does not exist";
	if (x->guard != CPOL_NONE && x->guard >= im->ncode)
		return "has a condition that starts outside the code";
	return x->guard != CPOL_NONE && im->code[x->guard].op == CPOL_OP_VALSET ? "has a condition that starts in the middle of a test"
	                                                                       : NULL;
}

static int verify_intents(struct cpol_image *im, const struct sec *s, cpol_error *err)
{
	im->intents = records(im, s, sizeof *im->intents, im->meta->nintents, &im->nintents);
	return im->intents ? each_record(im, im->nintents, "intent", intent_bad, err)
	                   : BAD("intent section size does not match its count");
}

static const char *wrapper_bad(const struct cpol_image *im, uint32_t k)
{
	const struct cpol_img_wrapper *w = &im->wrappers[k];
	if (w->prog == 0 || w->prog >= im->nprogs || (k > 0 && w->prog <= im->wrappers[k - 1].prog))
		return "names a program that does not exist or is out of order (they must ascend)";
	if (w->flags & ~CPOL_WF__ALL)
		return "has unknown flags";
	if ((w->flags & CPOL_WF_SCRIPT) && (w->flags & (CPOL_WF_COMMAND | CPOL_WF_ASSIGN | CPOL_WF_INPUT)))
		return "runs a script and also takes command words";
	if ((w->flags & CPOL_WF_OPTIONS) && w->options >= im->nsets)
		return "names an option set that does not exist";
	if ((w->flags & CPOL_WF_REPLACE) &&
	    ((w->flags & (CPOL_WF_COMMAND | CPOL_WF_SCRIPT)) || !(w->flags & CPOL_WF_INPUT) ||
	     !(w->flags & CPOL_WF_OPTIONS) || w->replace >= im->nsets))
		return "replaces text without input or options, or names a replace set that does not exist";
	return (w->flags & CPOL_WF_COMMAND) && (w->after >= im->nsets || w->until >= im->nsets)
	               ? "names a set that does not exist"
	               : NULL;
}

static int verify_wrappers(struct cpol_image *im, const struct sec *s, cpol_error *err)
{
	im->wrappers = records(im, s, sizeof *im->wrappers, UINT64_MAX, &im->nwrappers);
	if (!im->wrappers)
		return BAD("wrapper section size does not match its count");
	if (each_record(im, im->nwrappers, "wrapper", wrapper_bad, err) < 0)
		return -1;
	memset(im->wrapbits, 0, sizeof im->wrapbits);
	for (uint32_t k = 0; k < im->nwrappers; k++)
		im->wrapbits[(im->wrappers[k].prog & 255) >> 6] |= (uint64_t)1 << (im->wrappers[k].prog & 63);
	return 0;
}

/* ---- ARGIDX and WORDIDX: one shape, an index of keyed rules ----
 * Each indexed program has a list of base rules no key lists, a hash table
 * of keys each listing rules and (WORDIDX only) sorted long options; the
 * checks read both sections through the fields they share. ARGIDX keys
 * have pos 0 (XXH3-64 seeded with 0 is plain XXH3-64), no long options. */

/* Is rule r in program p's (ascending) rule list? */
static int prog_has_rule(const struct cpol_image *im, uint32_t p, uint32_t r)
{
	const uint32_t *v = im->refs + im->progs[p].rules;
	uint32_t lo;
	CPOL_LOWER_BOUND(lo, im->progs[p].nrules, mid, v[mid] < r);
	return lo < im->progs[p].nrules && v[lo] == r;
}

/* An index as its checks see it: word (WORDIDX, else ARGIDX), its refs. */
struct ixview {
	const struct cpol_image *im;
	int word;
	const uint32_t *refs;
	uint32_t nrefs;
	const char *what;
};

/* A program's part of an index. */
struct ixpart { uint32_t rest, nrest, slot, mask, lng, nlng, posmask; };

/* A slot of a table. */
struct ixkey { uint32_t hash, str, first, n, pos; };

static struct ixpart ix_part(const struct ixview *v, uint32_t p)
{
	if (v->word) {
		const struct cpol_img_widx *x = &v->im->widx[p];
		return (struct ixpart){ x->rest, x->nrest, x->slot, x->mask, x->lng, x->nlng, x->posmask };
	}
	const struct cpol_img_argidx *x = &v->im->argidx[p];
	return (struct ixpart){ x->free, x->nfree, x->slot, x->mask, 0, 0, 0 };
}

static struct ixkey ix_key(const struct ixview *v, uint32_t k)
{
	if (v->word) {
		const struct cpol_img_wkey *e = &v->im->wkeys[k];
		return (struct ixkey){ e->hash, e->str, e->first, e->n, e->pos };
	}
	const struct cpol_img_akey *e = &v->im->akeys[k];
	return (struct ixkey){ e->hash, e->str, e->first, e->n, 0 };
}

/* refs[first .. first+n) of program p: inside refs, ascending, and only
 * rules filed under p. */
static int ix_list_ok(const struct ixview *v, uint32_t p, uint32_t first, uint32_t n)
{
	if ((uint64_t)first + n > v->nrefs)
		return 0;
	for (uint32_t k = 0; k < n; k++)
		if ((k > 0 && v->refs[first + k] <= v->refs[first + k - 1]) || !prog_has_rule(v->im, p, v->refs[first + k]))
			return 0;
	return 1;
}

/* Byte order of the long options, as vm/eval.c searches them. */
static int bytes_cmp(const char *a, uint32_t na, const char *b, uint32_t nb)
{
	int c = memcmp(a, b, na < nb ? na : nb);
	return c ? c : (na > nb) - (na < nb);
}

/* Program p's part: a table with room, entries that hash right and list
 * its own rules, long options in order, and together at least as many
 * entries as it has base rules (WORDIDX: the ones ARGIDX leaves free). */
static int ix_part_ok(const struct ixview *v, uint32_t p, uint32_t nkeys, cpol_error *err)
{
	const struct cpol_image *im = v->im;
	struct ixpart x = ix_part(v, p);
	if (x.mask == CPOL_NONE)
		return 0;
	if (p == 0 || !is_pow2((uint64_t)x.mask + 1) || (uint64_t)x.slot + x.mask + 1 > nkeys ||
	    (uint64_t)x.lng + x.nlng > im->nwlongs || (x.posmask & 1))
		return BAD("program %u's %s has a bad table", p, v->what);
	if (!ix_list_ok(v, p, x.rest, x.nrest))
		return BAD("program %u's %s lists a rule that is not the program's", p, v->what);
	uint32_t empty = 0;
	uint64_t listed = x.nrest;
	for (uint32_t k = 0; k <= x.mask; k++) {
		struct ixkey e = ix_key(v, x.slot + k);
		if (e.str == CPOL_NONE) {
			empty++;
			continue;
		}
		uint32_t len;
		const char *str = str_ok(im, e.str) ? cpol_img_string(im, e.str, &len) : NULL;
		if (!str || e.n == 0 || e.pos > 31 || (e.pos && len > 63) || !ix_list_ok(v, p, e.first, e.n) ||
		    e.hash != (uint32_t)XXH3_64bits_withSeed(str, len, e.pos))
			return BAD("program %u's %s has a bad entry %u", p, v->what, k);
		listed += e.n;
	}
	for (uint32_t k = 0; k < x.nlng; k++) {
		const struct cpol_img_wlong *e = &im->wlongs[x.lng + k];
		uint32_t len = 0, plen = 0;
		const char *str = str_ok(im, e->str) ? cpol_img_string(im, e->str, &len) : NULL;
		const char *prev = k ? cpol_img_string(im, e[-1].str, &plen) : NULL;
		if (!str || len < 3 || str[0] != '-' || str[1] != '-' || e->n == 0 || !ix_list_ok(v, p, e->first, e->n) ||
		    (prev && bytes_cmp(prev, plen, str, len) >= 0))
			return BAD("program %u's %s has a bad long option %u", p, v->what, k);
		listed += e->n;
	}
	uint32_t nbase = v->word && im->argidx[p].mask != CPOL_NONE ? im->argidx[p].nfree : im->progs[p].nrules;
	if (!empty || listed < nbase)
		return BAD("program %u's %s leaves rules out", p, v->what);
	return 0;
}

static int ix_parts_ok(const struct ixview *v, uint32_t nkeys, cpol_error *err)
{
	for (uint32_t p = 0; p < v->im->nprogs; p++)
		if (ix_part_ok(v, p, nkeys, err) < 0)
			return -1;
	return 0;
}

/* ARGIDX and WORDIDX (which runs after ARGIDX: a program's WORDIDX base
 * depends on it), with one entry per program. */
static int verify_index(struct cpol_image *im, const struct sec *s, int word, cpol_error *err)
{
	uint32_t kind = word ? CPOL_SEC_WORDIDX : CPOL_SEC_ARGIDX;
	struct iparts p;
	if (indexed_parts(im, s, kind, &p, err) < 0)
		return -1;
	if (p.n[0] != im->nprogs)
		return BAD("%s section has %u programs, not %u", ishape[kind].what, p.n[0], im->nprogs);
	if (word) {
		im->widx = p.recs;
		im->wrefs = p.refs;
		im->wkeys = p.slots;
		im->wlongs = p.longs;
		im->nwlongs = p.n[3];
	} else {
		im->argidx = p.recs;
		im->arefs = p.refs;
		im->akeys = p.slots;
	}
	struct ixview v = { im, word, p.refs, p.n[1], ishape[kind].what };
	return ix_parts_ok(&v, p.n[2], err);
}

static int verify_sandbox(struct cpol_image *im, const struct sec *s, cpol_error *err)
{
	const struct cpol_img_sandbox_hdr *h = (const void *)(im->base + s->off);
	if (s->size < sizeof *h)
		return BAD("sandbox section too small");
	if (h->bpf_len % 8 || h->bpf_len > 4096 * 8)
		return BAD("sandbox filter of %u bytes is not a whole BPF program", h->bpf_len);
	struct cpol_img_layout l = cpol_layout_sandbox(h->nroots, h->nconnect, h->nbind, h->nenv, h->bpf_len);
	if (l.end != s->size)
		return BAD("sandbox section size does not match its counts");
	if (h->net > CPOL_NET_ANY)
		return BAD("sandbox has unknown network mode %u", h->net);
	im->sb = h;
	im->roots = (const void *)(im->base + s->off + l.a);
	im->connect = (const void *)(im->base + s->off + l.b);
	im->bind = (const void *)(im->base + s->off + l.c);
	im->envkeep = (const void *)(im->base + s->off + l.d);
	im->bpf = h->bpf_len ? im->base + s->off + l.end - h->bpf_len : NULL;
	if (h->nroots > CPOL_MAX_ROOTS)
		return BAD("sandbox has %u roots (the limit is %u)", h->nroots, CPOL_MAX_ROOTS);
	for (uint32_t i = 0; i < h->nroots; i++) {
		const struct cpol_img_root *r = &im->roots[i];
		if (r->kind > CPOL_RK_NET_DENY || r->var > CPOL_RV_ANYWHERE || !str_ok(im, r->path))
			return BAD("sandbox root %u is out of range", i);
		if (im->strs[r->path].len > 255)
			return BAD("sandbox root %u is too long", i);
		/* a name relative to the write roots is for protected paths only:
		 * a relative write root would multiply the write roots */
		if (r->var == CPOL_RV_RELATIVE && r->kind != CPOL_RK_PROTECT)
			return BAD("sandbox root %u is relative but not protected", i);
		if (r->var == CPOL_RV_ANYWHERE && r->kind != CPOL_RK_DENY_READ)
			return BAD("sandbox root %u is a pattern but not denied", i);
		if (r->kind >= CPOL_RK_NET_ALLOW && r->var != CPOL_RV_NONE)
			return BAD("sandbox host rule %u has a path variable", i);
	}
	for (uint32_t i = 0; i < h->nconnect + h->nbind; i++) {
		const struct cpol_img_port *p = i < h->nconnect ? &im->connect[i] : &im->bind[i - h->nconnect];
		if (p->lo == 0 || p->lo > p->hi)
			return BAD("sandbox port range %u is empty", i);
	}
	for (uint32_t i = 0; i < h->nenv; i++)
		if (!str_ok(im, im->envkeep[i]))
			return BAD("sandbox environment name %u does not exist", i);
	return 0;
}

static const char *grant_bad(const struct cpol_image *im, uint32_t i)
{
	const struct cpol_img_grant *g = &im->grants[i];
	if (g->rule >= im->nrules || (i && g->rule < im->grants[i - 1].rule))
		return "names a rule out of range or out of order";
	/* forbid never grants, and allow has nothing to approve */
	const struct cpol_img_rule *r = &im->rules[g->rule];
	if (r->action != CPOL_RA_DECIDE || r->dec != CPOL_PROMPT)
		return "belongs to a rule that is not a prompt";
	if (g->kind > CPOL_GRANT_UNIX)
		return "has an unknown kind";
	if (g->kind == CPOL_GRANT_CONNECT)
		return g->lo == 0 || g->lo > g->hi ? "has an empty port range" : NULL;
	return g->var > CPOL_RV_HOME || !str_ok(im, g->path) || im->strs[g->path].len > 255 ? "names a path out of range"
	                                                                                   : NULL;
}

static int verify_grants(struct cpol_image *im, const struct sec *s, cpol_error *err)
{
	im->grants = records(im, s, sizeof *im->grants, UINT64_MAX, &im->ngrants);
	return im->grants ? each_record(im, im->ngrants, "grant", grant_bad, err)
	                  : BAD("grant section size does not match its count");
}

int cpol_verify(struct cpol_image *im, cpol_error *err)
{
	const struct cpol_img_header *h = (const void *)im->base;
	struct sec secs[CPOL_SEC__COUNT];
	memset(secs, 0, sizeof secs);
	if (h->nsections != CPOL_SEC__COUNT - 1)
		return BAD("%u sections (expected %u)", h->nsections, CPOL_SEC__COUNT - 1);
	uint64_t first = sizeof *h + (uint64_t)h->nsections * sizeof(struct cpol_img_section);
	if (first > im->size)
		return BAD("section table runs past the end");
	const struct cpol_img_section *t = (const void *)(im->base + sizeof *h);
	for (uint32_t i = 0; i < h->nsections; i++) {
		uint32_t k = t[i].kind;
		if (k < 1 || k >= CPOL_SEC__COUNT || secs[k].seen)
			return BAD("section %u has an unknown or repeated kind %u", i, k);
		if (t[i].offset % 8 || t[i].offset < first || (uint64_t)t[i].offset + t[i].size > im->size)
			return BAD("section %u lies outside the image", i);
		secs[k] = (struct sec){ t[i].offset, t[i].size, t[i].count, 1 };
	}
	if (secs[CPOL_SEC_META].size != sizeof(struct cpol_img_meta))
		return BAD("meta section has the wrong size");
	im->meta = (const void *)(im->base + secs[CPOL_SEC_META].off);
	if (im->meta->def > CPOL_FORBID || (im->meta->flags & ~(uint32_t)CPOL_IMGF__ALL))
		return BAD("meta section has an unknown default or flags");
	if ((im->meta->flags & CPOL_IMGF_CONFINED_DEFAULT) && im->meta->def != CPOL_ALLOW)
		return BAD("a sandboxed default must be allow");
	if (im->meta->ngroups > (1u << 24))
		return BAD("too many substring groups");
	if (verify_strings(im, &secs[CPOL_SEC_STRINGS], err) < 0 ||
	    verify_sets(im, &secs[CPOL_SEC_SETS], err) < 0 ||
	    verify_code(im, &secs[CPOL_SEC_CODE], err) < 0 ||
	    verify_rules(im, &secs[CPOL_SEC_RULES], err) < 0 ||
	    verify_intents(im, &secs[CPOL_SEC_INTENTS], err) < 0 ||
	    verify_dispatch(im, &secs[CPOL_SEC_DISPATCH], err) < 0 ||
	    verify_ac(im, &secs[CPOL_SEC_AC], err) < 0 ||
	    verify_sandbox(im, &secs[CPOL_SEC_SANDBOX], err) < 0 ||
	    verify_wrappers(im, &secs[CPOL_SEC_WRAPPERS], err) < 0 ||
	    verify_grants(im, &secs[CPOL_SEC_GRANTS], err) < 0 ||
	    verify_index(im, &secs[CPOL_SEC_ARGIDX], 0, err) < 0 ||
	    verify_index(im, &secs[CPOL_SEC_WORDIDX], 1, err) < 0)
		return -1;
	if (!str_ok(im, im->meta->name))
		return BAD("policy name is not a string");
	if (im->meta->nsets != im->nsets)
		return BAD("meta and set section disagree");
	if (secs[CPOL_SEC_LIMITS].size != sizeof(struct cpol_img_limits))
		return BAD("limits section has the wrong size");
	im->limits = (const void *)(im->base + secs[CPOL_SEC_LIMITS].off);
	const struct sec *d = &secs[CPOL_SEC_DEBUG];
	if (d->count != im->nrules || d->count * sizeof(struct cpol_img_debug) != d->size)
		return BAD("debug section does not match the rules");
	im->debug = (const void *)(im->base + d->off);
	for (uint32_t r = 0; r < im->nrules; r++)
		if (!str_ok(im, im->debug[r].file))
			return BAD("debug entry %u names a string that does not exist", r);
	return 0;
}
