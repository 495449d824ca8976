/* bench/acstage.c -- the VM's substring pass on its own (see acstage.h):
 * the image's dense DFA over byte classes, walked over the arguments with
 * one space between them, recording for each group what vm/eval.c's pass
 * records (the tag, the first pattern, the arguments it lies in), so that
 * it does the VM's work; written for the bench (the VM's is static). */
#include "bench/acstage.h"

#include <stdlib.h>
#include <string.h>

#include "vm/vm.h"

struct acstage {
	const struct cpol_image *im;
	struct cpol_gstate *gs;
	uint32_t tag, ngroups, npatterns;
};

struct acstage *acstage_new(const cpol_image *img)
{
	const struct cpol_image *im = img;
	struct acstage *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->im = im;
	a->ngroups = im->meta->ngroups;
	a->gs = calloc(a->ngroups ? a->ngroups : 1, sizeof *a->gs);
	if (!a->gs) {
		free(a);
		return NULL;
	}
	a->npatterns = im->ac->noutputs;
	return a;
}

void acstage_free(struct acstage *a)
{
	if (a)
		free(a->gs);
	free(a);
}

uint32_t acstage_ngroups(const struct acstage *a) { return a->ngroups; }
uint32_t acstage_npatterns(const struct acstage *a) { return a->npatterns; }

int acstage_has(const struct acstage *a, uint32_t g)
{
	return a->gs[g].tag == a->tag;
}

/* An output met at byte `pos` of an argument (bit: that argument's bit):
 * the group's state as the VM keeps it -- seen in this scan, its first
 * pattern, the arguments a pattern lies wholly in. 1 when first seen. */
static uint32_t seen(struct acstage *a, const struct cpol_img_acout *out, uint64_t bit, uint32_t pos)
{
	struct cpol_gstate *g = &a->gs[out->group];
	uint32_t fresh = g->tag != a->tag;
	if (fresh)
		*g = (struct cpol_gstate){ .tag = a->tag, .pat = out->str };
	g->argmask |= pos >= out->len ? bit : 0;
	return fresh;
}

/* The automaton reached state row `row`, which has outputs: every output
 * on its dictionary chain. Returns the groups first seen. */
static uint32_t report(struct acstage *a, uint32_t row, uint32_t argi, uint32_t pos)
{
	const struct cpol_image *im = a->im;
	uint64_t bit = (uint64_t)1 << (argi < 63 ? argi : 63);
	uint32_t newg = 0;
	for (uint32_t st = row / im->ac->nclasses; st != CPOL_NONE; st = im->acstates[st].dict) {
		const struct cpol_img_acstate *x = &im->acstates[st];
		for (uint32_t o = x->out; o < x->out + x->nout; o++)
			newg += seen(a, &im->acouts[o], bit, pos);
	}
	return newg;
}

/* The arguments joined by single spaces, as cpol_eval's pass reads
 * NUL-terminated words. */
uint32_t acstage_scan(struct acstage *a, uint32_t argc, const char *const *argv)
{
	if (++a->tag == 0) {
		memset(a->gs, 0, sizeof *a->gs * (a->ngroups ? a->ngroups : 1));
		a->tag = 1;
	}
	if (a->im->ac->nstates <= 1)
		return 0;
	const uint8_t *cls = a->im->ac->classmap;
	const uint32_t *tr = a->im->trans;
	uint32_t s = 0, found = 0;
	for (uint32_t i = 0; i < argc; i++) {
		const uint8_t *p = (const uint8_t *)argv[i];
		for (uint32_t j = 0; p[j]; j++)
			if ((s = tr[s + cls[p[j]]]) & CPOL_AC_OUT)
				found += report(a, s &= ~CPOL_AC_OUT, i, j + 1);
		if (i + 1 < argc && (s = tr[s + cls[' ']]) & CPOL_AC_OUT)
			found += report(a, s &= ~CPOL_AC_OUT, i + 1, 0);
	}
	return found;
}

/* ---- Hyperscan ---- */
#ifdef HAVE_HYPERSCAN
#include <hs.h>
#include <stdio.h>
#include <time.h>

struct hsstage {
	hs_database_t *db;
	hs_scratch_t *scratch;
	uint32_t npat;
	uint32_t *pgfirst, *pgroups;   /* pattern p -> groups pgroups[pgfirst[p] .. pgfirst[p+1]) */
	uint32_t *gtag;
	uint32_t ngroups, tag, found;
	size_t dbsize;
	double compile_ms;
};

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void *ctx)
{
	(void)from; (void)to; (void)flags;
	struct hsstage *h = ctx;
	for (uint32_t k = h->pgfirst[id]; k < h->pgfirst[id + 1]; k++) {
		uint32_t g = h->pgroups[k];
		if (h->gtag[g] != h->tag) {
			h->gtag[g] = h->tag;
			h->found++;
		}
	}
	return 0; /* keep going: other patterns may match later */
}

struct hsstage *hsstage_new(const cpol_image *img, cpol_error *err)
{
	const struct cpol_image *im = img;
	struct hsstage *h = calloc(1, sizeof *h);
	uint32_t nout = im->ac->nstates > 1 ? im->ac->noutputs : 0;
	/* unique pattern strings; each with the groups it belongs to */
	uint32_t *strs = calloc(nout + 1, sizeof *strs), *cnt = calloc(nout + 2, sizeof *cnt);
	uint32_t *ofp = calloc(nout + 1, sizeof *ofp); /* output -> pattern index */
	const char **exprs = calloc(nout + 1, sizeof *exprs);
	unsigned *flags = calloc(nout + 1, sizeof *flags), *ids = calloc(nout + 1, sizeof *ids);
	size_t *lens = calloc(nout + 1, sizeof *lens);
	if (!h || !strs || !cnt || !ofp || !exprs || !flags || !ids || !lens)
		goto oom;
	h->ngroups = im->meta->ngroups;
	h->gtag = calloc(h->ngroups ? h->ngroups : 1, sizeof *h->gtag);
	if (!h->gtag)
		goto oom;
	/* the string table holds each text once: string id -> pattern index */
	uint32_t *map = malloc((size_t)im->nstrs * sizeof *map);
	if (!map)
		goto oom;
	memset(map, 0xff, (size_t)im->nstrs * sizeof *map);
	for (uint32_t o = 0; o < nout; o++) {
		uint32_t s = im->acouts[o].str;
		if (map[s] == CPOL_NONE) {
			map[s] = h->npat;
			strs[h->npat++] = s;
		}
		ofp[o] = map[s];
		cnt[map[s] + 1]++;
	}
	free(map);
	h->pgfirst = calloc(h->npat + 1, sizeof *h->pgfirst);
	h->pgroups = calloc(nout + 1, sizeof *h->pgroups);
	if (!h->pgfirst || !h->pgroups)
		goto oom;
	for (uint32_t p = 0; p < h->npat; p++)
		h->pgfirst[p + 1] = h->pgfirst[p] + cnt[p + 1];
	memset(cnt, 0, (nout + 2) * sizeof *cnt);
	for (uint32_t o = 0; o < nout; o++) {
		uint32_t p = ofp[o];
		h->pgroups[h->pgfirst[p] + cnt[p]++] = im->acouts[o].group;
	}
	for (uint32_t p = 0; p < h->npat; p++) {
		uint32_t len;
		exprs[p] = cpol_img_string(im, strs[p], &len);
		lens[p] = len;
		flags[p] = HS_FLAG_SINGLEMATCH;
		ids[p] = p;
	}
	if (h->npat == 0) {
		snprintf(err->msg, sizeof err->msg, "the policy has no substring patterns");
		goto fail;
	}
	hs_compile_error_t *ce = NULL;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (hs_compile_lit_multi(exprs, flags, ids, lens, h->npat, HS_MODE_BLOCK, NULL, &h->db, &ce) != HS_SUCCESS) {
		snprintf(err->msg, sizeof err->msg, "hs_compile_lit_multi: %s", ce ? ce->message : "failed");
		hs_free_compile_error(ce);
		goto fail;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	h->compile_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	if (hs_alloc_scratch(h->db, &h->scratch) != HS_SUCCESS) {
		snprintf(err->msg, sizeof err->msg, "hs_alloc_scratch failed");
		goto fail;
	}
	hs_database_size(h->db, &h->dbsize);
	free(strs); free(cnt); free(ofp); free(exprs); free(flags); free(ids); free(lens);
	return h;
oom:
	snprintf(err->msg, sizeof err->msg, "out of memory");
fail:
	free(strs); free(cnt); free(ofp); free(exprs); free(flags); free(ids); free(lens);
	hsstage_free(h);
	return NULL;
}

void hsstage_free(struct hsstage *h)
{
	if (!h)
		return;
	if (h->scratch)
		hs_free_scratch(h->scratch);
	if (h->db)
		hs_free_database(h->db);
	free(h->pgfirst);
	free(h->pgroups);
	free(h->gtag);
	free(h);
}

uint32_t hsstage_scan(struct hsstage *h, const char *line, size_t len)
{
	if (++h->tag == 0) {
		memset(h->gtag, 0, sizeof *h->gtag * (h->ngroups ? h->ngroups : 1));
		h->tag = 1;
	}
	h->found = 0;
	hs_scan(h->db, line, (unsigned)len, 0, h->scratch, on_match, h);
	return h->found;
}

int hsstage_has(const struct hsstage *h, uint32_t g) { return h->gtag[g] == h->tag; }
size_t hsstage_dbsize(const struct hsstage *h) { return h->dbsize; }
double hsstage_compile_ms(const struct hsstage *h) { return h->compile_ms; }

#else /* !HAVE_HYPERSCAN */

#include <stdio.h>

struct hsstage { int unused; };

struct hsstage *hsstage_new(const cpol_image *img, cpol_error *err)
{
	(void)img;
	snprintf(err->msg, sizeof err->msg, "Hyperscan is not installed (pkg-config libhs)");
	return NULL;
}
void hsstage_free(struct hsstage *h) { (void)h; }
uint32_t hsstage_scan(struct hsstage *h, const char *line, size_t len) { (void)h; (void)line; (void)len; return 0; }
int hsstage_has(const struct hsstage *h, uint32_t g) { (void)h; (void)g; return 0; }
size_t hsstage_dbsize(const struct hsstage *h) { (void)h; return 0; }
double hsstage_compile_ms(const struct hsstage *h) { (void)h; return 0; }

#endif
