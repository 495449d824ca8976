/* compiler/ac.c -- builds the one Aho-Corasick automaton that finds every
 * substring pattern of a policy in a single pass: a trie of the patterns,
 * failure links by breadth-first search, then a dense DFA over byte classes
 * (each byte that occurs in a pattern has its own class, all others share
 * class 0), with states renumbered breadth-first so that every dictionary
 * link points to a smaller state (the verifier relies on that). */
#include "compiler/build.h"
#include "vm/image.h"

#include <stdlib.h>
#include <string.h>

struct acnode {
	uint32_t edges;    /* first edge, CPOL_NONE when none */
	uint32_t outs;     /* first output, CPOL_NONE when none */
	uint32_t fail;
	uint32_t bfs;      /* new number */
};
struct acedge { uint32_t child, next; uint8_t byte; };
struct acout { uint32_t group, str, len, next; };

struct cpol_acb {
	struct acnode *n; uint32_t nn, capn;
	struct acedge *e; uint32_t ne, cape;
	struct acout *o;  uint32_t no, capo;
	int oom;
};

#define GROW(arr, cnt, cap, b) \
	do { \
		if ((cnt) == (cap)) { \
			uint32_t c_ = (cap) ? (cap) * 2 : 256; \
			void *p_ = realloc((arr), (size_t)c_ * sizeof *(arr)); \
			if (!p_) { (b)->oom = 1; return -1; } \
			(arr) = p_; (cap) = c_; \
		} \
	} while (0)

static int new_node(struct cpol_acb *b)
{
	GROW(b->n, b->nn, b->capn, b);
	b->n[b->nn] = (struct acnode){ CPOL_NONE, CPOL_NONE, 0, 0 };
	return (int)b->nn++;
}

struct cpol_acb *cpol_acb_new(void)
{
	struct cpol_acb *b = calloc(1, sizeof *b);
	if (b && new_node(b) < 0) {
		free(b);
		return NULL;
	}
	return b;
}

static uint32_t child(const struct cpol_acb *b, uint32_t node, uint8_t c)
{
	for (uint32_t e = b->n[node].edges; e != CPOL_NONE; e = b->e[e].next)
		if (b->e[e].byte == c)
			return b->e[e].child;
	return CPOL_NONE;
}

int cpol_acb_add(struct cpol_acb *b, const char *pat, uint32_t len, uint32_t group, uint32_t str)
{
	uint32_t s = 0;
	for (uint32_t i = 0; i < len; i++) {
		uint8_t c = (uint8_t)pat[i];
		uint32_t nx = child(b, s, c);
		if (nx == CPOL_NONE) {
			int k = new_node(b);
			if (k < 0)
				return -1;
			GROW(b->e, b->ne, b->cape, b);
			b->e[b->ne] = (struct acedge){ (uint32_t)k, b->n[s].edges, c };
			b->n[s].edges = b->ne++;
			nx = (uint32_t)k;
		}
		s = nx;
	}
	for (uint32_t o = b->n[s].outs; o != CPOL_NONE; o = b->o[o].next)
		if (b->o[o].group == group)
			return 0; /* same pattern twice in one group */
	GROW(b->o, b->no, b->capo, b);
	b->o[b->no] = (struct acout){ group, str, len, b->n[s].outs };
	b->n[s].outs = b->no++;
	return 0;
}

int cpol_acb_emit(struct cpol_acb *b, struct cpol_buf *out, uint32_t *nstates, const char **msg)
{
	uint32_t nn = b->nn;
	uint32_t *order = malloc((size_t)nn * sizeof *order);
	uint8_t classmap[256] = { 0 };
	uint32_t nclasses = 1;
	*msg = "out of memory";
	if (!order || b->oom) {
		free(order);
		return -1;
	}
	/* byte classes: one per byte used by a pattern */
	for (uint32_t e = 0; e < b->ne; e++) {
		uint8_t c = b->e[e].byte;
		if (!classmap[c] && nclasses < 256) {
			classmap[c] = (uint8_t)nclasses++;
		}
	}
	if (b->ne && nclasses == 256) {
		/* all 256 bytes used: byte 0 (never in an argument) keeps class 0 */
		*msg = "patterns use every byte value";
		free(order);
		return -1;
	}
	/* breadth-first order */
	uint32_t head = 0, tail = 0;
	order[tail++] = 0;
	b->n[0].bfs = 0;
	b->n[0].fail = 0;
	while (head < tail) {
		uint32_t u = order[head++];
		for (uint32_t e = b->n[u].edges; e != CPOL_NONE; e = b->e[e].next) {
			uint32_t v = b->e[e].child;
			b->n[v].bfs = tail;
			order[tail++] = v;
		}
	}
	uint64_t ntrans = (uint64_t)nn * nclasses;
	if (ntrans >= CPOL_AC_OUT || ntrans * 4 > (512u << 20)) {
		*msg = "the substring patterns make an automaton that is too large";
		free(order);
		return -1;
	}
	uint32_t *dict = malloc((size_t)nn * sizeof *dict);       /* by new number */
	uint32_t *trans = malloc((size_t)ntrans * sizeof *trans); /* rows by new number */
	uint8_t *has = malloc(nn);                                /* by new number: outputs on the chain */
	if (!dict || !trans || !has) {
		free(order);
		free(dict);
		free(trans);
		free(has);
		return -1;
	}
	/* In breadth-first order, each state's row is its failure state's row
	 * (complete: that state is shallower) with its own edges on top, read
	 * as state numbers; a child's failure state is the parent's failure
	 * state's transition on the child's byte (the root's children fail to
	 * the root). Dictionary links follow the failure states. */
	for (uint32_t k = 0; k < nn; k++) {
		uint32_t u = order[k];
		uint32_t f = b->n[u].fail;
		uint32_t *row = trans + (size_t)k * nclasses;
		if (u == 0) {
			dict[k] = CPOL_NONE;
			memset(row, 0, (size_t)nclasses * sizeof *row);
		} else {
			dict[k] = b->n[f].outs != CPOL_NONE ? b->n[f].bfs : dict[b->n[f].bfs];
			memcpy(row, trans + (size_t)b->n[f].bfs * nclasses, (size_t)nclasses * sizeof *row);
		}
		const uint32_t *frow = trans + (size_t)b->n[f].bfs * nclasses;
		for (uint32_t e = b->n[u].edges; e != CPOL_NONE; e = b->e[e].next) {
			uint32_t v = b->e[e].child;
			uint32_t cl = classmap[b->e[e].byte];
			b->n[v].fail = u == 0 ? 0 : order[frow[cl]];
			row[cl] = b->n[v].bfs;
		}
		has[k] = b->n[u].outs != CPOL_NONE || dict[k] != CPOL_NONE;
	}
	/* state numbers -> row offsets with the output flag, only now that
	 * every row (read as state numbers while filling) is complete */
	for (uint64_t t = 0; t < ntrans; t++) {
		uint32_t st = trans[t];
		trans[t] = st * nclasses | (has[st] ? CPOL_AC_OUT : 0);
	}
	free(has);
	struct cpol_img_ac_hdr h;
	memset(&h, 0, sizeof h);
	h.nstates = nn;
	h.nclasses = nclasses;
	h.noutputs = b->no;
	memcpy(h.classmap, classmap, 256);
	cpol_buf_put(out, &h, sizeof h);
	cpol_buf_put(out, trans, (size_t)ntrans * 4);
	uint32_t at = 0;
	for (uint32_t k = 0; k < nn; k++) {
		uint32_t u = order[k], cnt = 0;
		for (uint32_t o = b->n[u].outs; o != CPOL_NONE; o = b->o[o].next)
			cnt++;
		struct cpol_img_acstate st = { at, cnt, dict[k] };
		cpol_buf_put(out, &st, sizeof st);
		at += cnt;
	}
	for (uint32_t k = 0; k < nn; k++) {
		uint32_t u = order[k];
		for (uint32_t o = b->n[u].outs; o != CPOL_NONE; o = b->o[o].next) {
			struct cpol_img_acout x = { b->o[o].group, b->o[o].str, b->o[o].len };
			cpol_buf_put(out, &x, sizeof x);
		}
	}
	*nstates = nn;
	free(order);
	free(dict);
	free(trans);
	if (out->oom)
		return -1;
	return 0;
}

void cpol_acb_free(struct cpol_acb *b)
{
	if (!b)
		return;
	free(b->n);
	free(b->e);
	free(b->o);
	free(b);
}
