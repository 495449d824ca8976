/* bench/evalbench.c -- how fast the VM decides, next to baselines.
 *
 *   evalbench [OPTION]... IMAGE CORPUS
 *
 * Loads a compiled image and a corpus (one command line per line, shell
 * syntax), splits every line once into the argv cpol_eval() takes (one
 * simple command: its words; anything else: sh -c LINE, as cpol_eval_line()
 * does), checks that every way of deciding agrees, then times:
 *   eval        cpol_eval() on the pre-split argv
 *   eval_line   cpol_eval_line() on the line (splitting included)
 *   naive       cpol_eval() of the evaluator's naive build: linear scans and
 *               memmem in place of the dispatch table and the automaton
 *               (vm/eval_naive.h)
 *   substr      the VM's automaton pass alone (acstage.c)
 *   hyperscan   the same patterns and lines through Hyperscan, when built in
 *
 * Method: per corpus line, a batch of evaluations of that line (sized to
 * last >= --batch-us microseconds, so the ~50 ns clock_gettime is < 0.5%),
 * divided by its size; the line's time is the minimum over --rounds rounds
 * (noise on a shared machine only ever adds). Lines run in a shuffled order
 * each round, after a warm-up pass, and for each line every column (eval,
 * eval_line, naive, ...) is timed in turn, so that a load that comes and
 * goes falls on all of them alike and their ratios hold. p50 / p99 / mean
 * are over the lines. The "stream" figures evaluate the corpus in order in
 * batches of 1,000 different lines (caches and branch predictors see a
 * realistic mix): the median and p99 of those batches. Nothing is pinned.
 *
 *   evalbench --scaling CORPUS IMAGE...
 * measures eval, the substring stage (and Hyperscan) of several images the
 * same way, interleaved, for the scaling table.
 *
 * Output: a readable report, and `RESULT key=value` lines for bench/run.sh.
 * Exit 1 when any two ways of deciding disagree.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench/acstage.h"
#include "codexpol.h"
#include "vm/shell.h"
#include "vm/eval.h"
#include "vm/eval_naive.h"
#include "vm/vm.h"

struct line {
	const char *text;
	size_t len;
	uint32_t argc;
	const char **argv;      /* NUL-terminated copies */
	const char *joined;     /* argv joined by single spaces (for Hyperscan) */
	int literal;            /* every word is literal: argv is what the shell runs */
	size_t joinedlen;
};

struct corpus {
	char *data;
	struct line *l;
	size_t n;
};

struct stats {
	double p50, p99, mean, max;
};

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "evalbench: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("cannot open %s", path);
	size_t cap = 1 << 20, n = 0;
	char *buf = malloc(cap + 1);
	for (size_t k; buf && (k = fread(buf + n, 1, cap - n, f)) > 0;) {
		n += k;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
		}
	}
	fclose(f);
	if (!buf)
		die("out of memory reading %s", path);
	buf[n] = 0;
	*len = n;
	return buf;
}

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (!p)
		die("%s", "out of memory");
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

/* Split every line as cpol_eval_line() would, into argv for cpol_eval(). */
static void load_corpus(const char *path, struct corpus *c)
{
	size_t len;
	c->data = slurp(path, &len);
	size_t cap = 1024;
	c->l = calloc(cap, sizeof *c->l);
	static struct cpol_shell_store st;
	for (char *p = c->data, *end = c->data + len; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n > 0 && p[0] != '#') {
			if (c->n == cap)
				c->l = realloc(c->l, (cap *= 2) * sizeof *c->l);
			struct line *l = &c->l[c->n++];
			p[n] = 0;
			l->text = p;
			l->len = n;
			struct cpol_shell_out so = cpol_shell_out_of(&st);
			uint32_t k = cpol_shell_split(p, n, &so);
			/* Only a line of literal words is the argv it splits into: a
			 * glob or an expansion is a word the shell decides (judged
			 * three-valued, its text as written adding nothing to a
			 * substring), so cpol_eval of that argv may rightly decide
			 * otherwise than cpol_eval_line: the two are not compared. */
			l->literal = 1;
			for (uint32_t i = 0; k == 1 && i < so.cmds[0].argc; i++)
				l->literal &= !so.cmds[0].wflags || !so.cmds[0].wflags[i];
			if (k == 1 && so.flags == 0 && so.cmds[0].flags == 0 && so.cmds[0].nredir == 0 && so.cmds[0].argc > 0) {
				l->argc = so.cmds[0].argc;
				l->argv = calloc(l->argc + 1, sizeof *l->argv);
				for (uint32_t i = 0; i < l->argc; i++)
					l->argv[i] = dup_n(so.cmds[0].argv[i], so.cmds[0].lens[i]);
			} else {
				l->argc = 3;
				l->argv = calloc(4, sizeof *l->argv);
				l->argv[0] = "sh";
				l->argv[1] = "-c";
				l->argv[2] = p;
			}
			size_t jl = 0;
			for (uint32_t i = 0; i < l->argc; i++)
				jl += strlen(l->argv[i]) + 1;
			char *j = malloc(jl + 1), *q = j;
			for (uint32_t i = 0; i < l->argc; i++) {
				if (i)
					*q++ = ' ';
				size_t m = strlen(l->argv[i]);
				memcpy(q, l->argv[i], m);
				q += m;
			}
			*q = 0;
			l->joined = j;
			l->joinedlen = (size_t)(q - j);
		}
		p += n + 1;
	}
	if (c->n == 0)
		die("no command lines in %s", path);
}

/* ---- what is timed ---- */

enum what { W_EVAL, W_LINE, W_NAIVE, W_SUBSTR, W_HS, W__COUNT };
static const char *const what_name[] = { "eval", "eval_line", "naive", "substr", "hyperscan" };

/* One image and everything that evaluates against it. */
struct bench {
	const char *label, *path;
	cpol_image *im;
	double load_ms;
	cpol_ctx *ctx;
	cpol_ctx *nv; /* of the naive build */
	struct acstage *ac;
	struct hsstage *hs;
	const char *hs_why;
	struct stats st[W__COUNT], ss[W__COUNT];
	volatile unsigned sink;
};

static struct corpus C;

static inline void run_one(struct bench *b, enum what w, const struct line *l)
{
	switch (w) {
	case W_EVAL:
		b->sink += cpol_eval(b->ctx, (int)l->argc, l->argv, NULL);
		break;
	case W_LINE:
		b->sink += cpol_eval_line(b->ctx, l->text, l->len, NULL);
		break;
	case W_NAIVE:
		b->sink += cpol_naive_eval(b->nv, (int)l->argc, l->argv, NULL);
		break;
	case W_SUBSTR:
		b->sink += acstage_scan(b->ac, l->argc, l->argv);
		break;
	case W_HS:
		b->sink += hsstage_scan(b->hs, l->joined, l->joinedlen);
		break;
	default:
		break;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void summarise(double *v, size_t n, struct stats *s)
{
	qsort(v, n, sizeof *v, cmp_double);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	s->p50 = v[n / 2];
	s->p99 = v[(size_t)((double)(n - 1) * 0.99)];
	s->mean = sum / (double)n;
	s->max = v[n - 1];
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

struct opts {
	unsigned rounds;
	double batch_us;
	int naive, hs, quick, scaling;
	const char *label, *only, *dump;
};

/* A column of the measurement: one way of deciding on one image. */
struct col {
	struct bench *b;
	enum what w;
};

/* Per-line distributions of every column, interleaved: for each line (in a
 * fresh shuffled order each round) a batch of each column in turn, so that
 * the load of a shared machine falls on all columns alike and their ratios
 * hold even when the absolute numbers move. See the top of the file. */
static void measure_lines(struct col *cols, size_t ncols, const struct opts *o)
{
	size_t n = C.n;
	double *best = malloc(n * ncols * sizeof *best);
	unsigned *reps = malloc(n * ncols * sizeof *reps);
	size_t *order = malloc(n * sizeof *order);
	if (!best || !reps || !order)
		die("%s", "out of memory");
	/* warm-up, and the batch size of each line from a few timed evaluations */
	for (size_t i = 0; i < n; i++) {
		order[i] = i;
		for (size_t c = 0; c < ncols; c++) {
			run_one(cols[c].b, cols[c].w, &C.l[i]);
			double t0 = now_ns();
			for (int k = 0; k < 4; k++)
				run_one(cols[c].b, cols[c].w, &C.l[i]);
			double per = (now_ns() - t0) / 4;
			double r = o->batch_us * 1e3 / (per > 1 ? per : 1);
			reps[i * ncols + c] = r < 4 ? 4 : r > 2000 ? 2000 : (unsigned)r;
			best[i * ncols + c] = INFINITY;
		}
	}
	for (unsigned round = 0; round < o->rounds; round++) {
		for (size_t i = n - 1; i > 0; i--) {
			size_t j = next_rand() % (i + 1), t = order[i];
			order[i] = order[j];
			order[j] = t;
		}
		for (size_t k = 0; k < n; k++) {
			size_t i = order[k];
			const struct line *l = &C.l[i];
			for (size_t c = 0; c < ncols; c++) {
				struct bench *b = cols[c].b;
				enum what w = cols[c].w;
				unsigned r = reps[i * ncols + c];
				double t0 = now_ns();
				for (unsigned j = 0; j < r; j++)
					run_one(b, w, l);
				double per = (now_ns() - t0) / r;
				if (per < best[i * ncols + c])
					best[i * ncols + c] = per;
			}
		}
	}
	double *v = malloc(n * sizeof *v);
	for (size_t c = 0; c < ncols; c++) {
		for (size_t i = 0; i < n; i++)
			v[i] = best[i * ncols + c];
		if (o->dump) {
			/* per line: ns, then the line (for finding the slow ones) */
			char path[4096];
			snprintf(path, sizeof path, "%s.%s.%s", o->dump, cols[c].b->label, what_name[cols[c].w]);
			for (char *p = path + strlen(o->dump) + 1; *p; p++)
				if (*p == '/')
					*p = '_';
			FILE *f = fopen(path, "w");
			for (size_t i = 0; f && i < n; i++)
				fprintf(f, "%.1f\t%s\n", v[i], C.l[i].text);
			if (f)
				fclose(f);
		}
		summarise(v, n, &cols[c].b->st[cols[c].w]);
	}
	free(v);
	free(best);
	free(reps);
	free(order);
}

/* Mixed stream: the corpus in order, batches of 1,000 different lines, each
 * batch timed for every column in turn. */
static void measure_stream(struct col *cols, size_t ncols, unsigned passes)
{
	const size_t batch = 1000;
	size_t n = C.n, nb = (n + batch - 1) / batch;
	double *v = malloc(nb * passes * ncols * sizeof *v);
	if (!v)
		die("%s", "out of memory");
	for (unsigned p = 0; p < passes; p++)
		for (size_t at = 0, bi = 0; at < n; at += batch, bi++) {
			size_t end = at + batch < n ? at + batch : n;
			for (size_t c = 0; c < ncols; c++) {
				double t0 = now_ns();
				for (size_t i = at; i < end; i++)
					run_one(cols[c].b, cols[c].w, &C.l[i]);
				v[c * nb * passes + p * nb + bi] = (now_ns() - t0) / (double)(end - at);
			}
		}
	for (size_t c = 0; c < ncols; c++)
		summarise(v + c * nb * passes, nb * passes, &cols[c].b->ss[cols[c].w]);
	free(v);
}

/* ---- agreement ---- */

static int check(struct bench *b, int naive, unsigned *counts)
{
	int bad = 0;
	cpol_result r1, r2;
	for (size_t i = 0; i < C.n; i++) {
		const struct line *l = &C.l[i];
		cpol_decision d1 = cpol_eval(b->ctx, (int)l->argc, l->argv, &r1);
		int i1 = r1.verdict.index;
		cpol_decision d2 = cpol_eval_line(b->ctx, l->text, l->len, &r2);
		int i2 = r2.verdict.index;
		counts[d1]++;
		if (l->literal && (d1 != d2 || i1 != i2)) {
			if (bad++ < 10)
				fprintf(stderr, "MISMATCH eval %s/%d vs eval_line %s/%d: %s\n", cpol_decision_name(d1), i1,
				        cpol_decision_name(d2), i2, l->text);
		}
		if (naive) {
			cpol_result r3, r4;
			cpol_decision d3 = cpol_naive_eval(b->nv, (int)l->argc, l->argv, &r3);
			int i3 = r3.verdict.index;
			cpol_decision d4 = cpol_naive_eval_line(b->nv, l->text, l->len, &r4);
			int i4 = r4.verdict.index;
			if (d1 != d3 || i1 != i3 || d2 != d4 || i2 != i4) {
				if (bad++ < 10)
					fprintf(stderr, "MISMATCH vm %s/%d vs naive %s/%d (line: %s/%d): %s\n",
					        cpol_decision_name(d1), i1, cpol_decision_name(d3), i3,
					        cpol_decision_name(d4), i4, l->text);
			}
		}
		if (b->hs) {
			acstage_scan(b->ac, l->argc, l->argv);
			hsstage_scan(b->hs, l->joined, l->joinedlen);
			for (uint32_t g = 0; g < acstage_ngroups(b->ac); g++)
				if (acstage_has(b->ac, g) != hsstage_has(b->hs, g)) {
					if (bad++ < 10)
						fprintf(stderr, "MISMATCH substring group %u: automaton %d, hyperscan %d: %s\n", g,
						        acstage_has(b->ac, g), hsstage_has(b->hs, g), l->joined);
					break;
				}
		}
	}
	return bad;
}

static void usage(void)
{
	fputs("Usage: evalbench [OPTION]... IMAGE CORPUS\n"
	      "       evalbench --scaling [OPTION]... CORPUS IMAGE...\n"
	      "  --naive          also the naive baseline (linear scans, memmem)\n"
	      "  --hyperscan      also the substring stage through Hyperscan\n"
	      "  --quick          eval and substr only (no eval_line), fewer stream passes\n"
	      "  --rounds N       rounds per line, the minimum is kept (default 3)\n"
	      "  --batch-us US    length of one timed batch (default 20)\n"
	      "  --label NAME     name in the RESULT lines (default: the image path)\n"
	      "  --only WHAT      time only eval, eval_line, naive, substr or hyperscan\n"
	      "  --dump PREFIX    per-line times to PREFIX.LABEL.WHAT\n", stderr);
	exit(2);
}

static void open_bench(struct bench *b, const char *path, const char *label, const struct opts *o)
{
	cpol_error err;
	memset(b, 0, sizeof *b);
	b->path = path;
	b->label = label;
	double t0 = now_ns();
	b->im = cpol_image_open(path, &err);
	b->load_ms = (now_ns() - t0) / 1e6;
	if (!b->im)
		die("%s: %s", path, err.msg);
	cpol_env env = { .cwd = "/home/user/project", .workspace = "/home/user/project",
	                 .tmpdir = "/tmp", .home = "/home/user", .user = "user" };
	if (!(b->ctx = cpol_ctx_new(b->im, &env, &err)))
		die("%s", err.msg);
	if (o->naive && !(b->nv = cpol_naive_ctx_new(b->im, &env, &err)))
		die("%s", err.msg);
	if (!(b->ac = acstage_new(b->im)))
		die("%s", "out of memory");
	if (o->hs && !(b->hs = hsstage_new(b->im, &err)))
		b->hs_why = strdup(err.msg);
}

static void close_bench(struct bench *b)
{
	cpol_naive_ctx_free(b->nv);
	acstage_free(b->ac);
	hsstage_free(b->hs);
	cpol_ctx_free(b->ctx);
	cpol_image_close(b->im);
}

static void describe(const struct bench *b)
{
	const struct cpol_image *vi = b->im;
	printf("image %s: policy \"%s\", %zu bytes, %u rules, %u programs, %u patterns in %u groups, "
	       "automaton %u states x %u classes; loaded and verified in %.2f ms\n",
	       b->path, cpol_image_name(b->im), vi->size, vi->nrules, vi->nprogs - 1, vi->ac->noutputs,
	       vi->meta->ngroups, vi->ac->nstates, vi->ac->nclasses, b->load_ms);
	printf("RESULT %s.rules=%u\nRESULT %s.patterns=%u\nRESULT %s.image_bytes=%zu\nRESULT %s.load_ms=%.3f\n",
	       b->label, vi->nrules, b->label, vi->ac->noutputs, b->label, vi->size, b->label, b->load_ms);
}

static int agree(struct bench *b, int naive)
{
	unsigned counts[3] = { 0 };
	int bad = check(b, naive, counts);
	printf("%s: decisions %u allow, %u prompt, %u forbid; cpol_eval vs cpol_eval_line%s%s: %s\n", b->label,
	       counts[0], counts[1], counts[2], naive ? " vs naive" : "",
	       b->hs ? ", automaton vs hyperscan groups" : "", bad ? "DISAGREE" : "every line agrees (decision and rule)");
	printf("RESULT %s.agree=%s\n", b->label, bad ? "no" : "yes");
	if (bad)
		fprintf(stderr, "evalbench: %s: %d disagreements\n", b->label, bad);
	return bad;
}

static void print_row(const struct bench *b, enum what w)
{
	const struct stats *s = &b->st[w], *m = &b->ss[w];
	printf("%-10s %10.1f %10.1f %10.1f %10.1f   %12.1f %12.1f\n", what_name[w], s->p50, s->p99, s->mean,
	       s->max, m->p50, m->p99);
	printf("RESULT %s.%s_p50=%.1f\nRESULT %s.%s_p99=%.1f\nRESULT %s.%s_mean=%.1f\nRESULT %s.%s_stream_p50=%.1f\n",
	       b->label, what_name[w], s->p50, b->label, what_name[w], s->p99, b->label, what_name[w], s->mean,
	       b->label, what_name[w], m->p50);
}

static const char header[] = "ns/eval           p50        p99       mean        max     stream p50   stream p99\n";

static int main_one(const struct opts *o, const char *imgpath, const char *corpus)
{
	struct bench b;
	open_bench(&b, imgpath, o->label ? o->label : imgpath, o);
	load_corpus(corpus, &C);
	printf("== evalbench: %s\n", b.label);
	describe(&b);
	size_t bytes = 0;
	uint32_t maxargc = 0, scripts = 0;
	for (size_t i = 0; i < C.n; i++) {
		bytes += C.l[i].len;
		if (C.l[i].argc > maxargc)
			maxargc = C.l[i].argc;
		scripts += C.l[i].argc == 3 && C.l[i].argv[2] == C.l[i].text;
	}
	printf("corpus %s: %zu lines, %zu bytes (mean %.0f), %u judged as sh -c LINE, longest argv %u\n", corpus, C.n,
	       bytes, (double)bytes / (double)C.n, scripts, maxargc);
	if (agree(&b, o->naive))
		return 1;

	struct col cols[W__COUNT];
	size_t nc = 0;
	enum what ws[] = { W_EVAL, W_LINE, W_NAIVE, W_SUBSTR, W_HS };
	for (size_t k = 0; k < sizeof ws / sizeof ws[0]; k++) {
		enum what w = ws[k];
		if ((w == W_LINE && o->quick) || (w == W_NAIVE && !b.nv) || (w == W_HS && !b.hs))
			continue;
		if (o->only && strcmp(o->only, what_name[w]))
			continue;
		cols[nc++] = (struct col){ &b, w };
	}
	measure_lines(cols, nc, o);
	measure_stream(cols, nc, o->quick ? 2 : 5);
	printf("\n%s", header);
	for (size_t c = 0; c < nc; c++)
		print_row(&b, cols[c].w);
	printf("\n");
	if (b.nv && !o->only) {
		const struct stats *n = &b.st[W_NAIVE], *e = &b.st[W_EVAL];
		printf("naive / cpol_eval: %.1fx at p50, %.1fx at p99, %.1fx in the mean (higher: the VM is faster)\n",
		       n->p50 / e->p50, n->p99 / e->p99, n->mean / e->mean);
		printf("RESULT %s.eval_vs_naive=%.1f\nRESULT %s.eval_vs_naive_mean=%.1f\n", b.label, n->p50 / e->p50,
		       b.label, n->mean / e->mean);
	}
	if (b.hs && !o->only) {
		const struct stats *a = &b.st[W_SUBSTR], *h = &b.st[W_HS];
		printf("substring stage, automaton / hyperscan: %.2f at p50, %.2f at p99, %.2f in the mean, %.2f in "
		       "the stream (<= 1.0: the automaton is no slower); hyperscan database %zu bytes, compiled in %.1f ms\n",
		       a->p50 / h->p50, a->p99 / h->p99, a->mean / h->mean, b.ss[W_SUBSTR].p50 / b.ss[W_HS].p50,
		       hsstage_dbsize(b.hs), hsstage_compile_ms(b.hs));
		printf("RESULT %s.substr_vs_hyperscan=%.2f\nRESULT %s.substr_vs_hyperscan_p99=%.2f\n"
		       "RESULT %s.substr_vs_hyperscan_mean=%.2f\n", b.label, a->p50 / h->p50, b.label, a->p99 / h->p99,
		       b.label, a->mean / h->mean);
	} else if (o->hs) {
		printf("substring stage vs hyperscan: na (%s)\n", b.hs_why);
		printf("RESULT %s.substr_vs_hyperscan=na\n", b.label);
	}
	close_bench(&b);
	return 0;
}

/* Several images on the same corpus, measured interleaved: the scaling table. */
static int main_scaling(const struct opts *o, const char *corpus, int nimg, char **imgs)
{
	struct bench *bs = calloc((size_t)nimg, sizeof *bs);
	struct col *cols = calloc((size_t)nimg * 3, sizeof *cols);
	if (!bs || !cols)
		die("%s", "out of memory");
	load_corpus(corpus, &C);
	printf("== evalbench --scaling: %d images on %s (%zu lines), measured interleaved\n", nimg, corpus, C.n);
	size_t nc = 0;
	int bad = 0;
	for (int i = 0; i < nimg; i++) {
		char *label = malloc(64);
		const char *slash = strrchr(imgs[i], '/');
		snprintf(label, 64, "%s", slash ? slash + 1 : imgs[i]);
		char *dot = strrchr(label, '.');
		if (dot && !strcmp(dot, ".bin"))
			*dot = 0;
		open_bench(&bs[i], imgs[i], label, o);
		describe(&bs[i]);
		bad |= agree(&bs[i], 0);
		cols[nc++] = (struct col){ &bs[i], W_EVAL };
		cols[nc++] = (struct col){ &bs[i], W_SUBSTR };
		if (bs[i].hs)
			cols[nc++] = (struct col){ &bs[i], W_HS };
	}
	if (bad)
		return 1;
	measure_lines(cols, nc, o);
	measure_stream(cols, nc, 2);
	printf("\n%-22s %7s %8s %9s %10s %10s %10s %10s %11s %10s\n", "image", "rules", "patterns", "MiB",
	       "load ms", "eval p50", "eval p99", "eval mean", "substr p50", "hs p50");
	for (int i = 0; i < nimg; i++) {
		const struct bench *b = &bs[i];
		char hs[32] = "na";
		if (b->hs)
			snprintf(hs, sizeof hs, "%.1f", b->st[W_HS].p50);
		printf("%-22s %7u %8u %9.2f %10.2f %10.1f %10.1f %10.1f %11.1f %10s\n", b->label, b->im->nrules,
		       b->im->ac->noutputs, (double)b->im->size / (1 << 20), b->load_ms, b->st[W_EVAL].p50,
		       b->st[W_EVAL].p99, b->st[W_EVAL].mean, b->st[W_SUBSTR].p50, hs);
		printf("RESULT %s.eval_p50=%.1f\nRESULT %s.eval_p99=%.1f\nRESULT %s.eval_mean=%.1f\n"
		       "RESULT %s.substr_p50=%.1f\nRESULT %s.substr_mean=%.1f\n",
		       b->label, b->st[W_EVAL].p50, b->label, b->st[W_EVAL].p99, b->label, b->st[W_EVAL].mean,
		       b->label, b->st[W_SUBSTR].p50, b->label, b->st[W_SUBSTR].mean);
		if (b->hs)
			printf("RESULT %s.hyperscan_p50=%.1f\nRESULT %s.hyperscan_mean=%.1f\n", b->label,
			       b->st[W_HS].p50, b->label, b->st[W_HS].mean);
	}
	for (int i = 0; i < nimg; i++)
		close_bench(&bs[i]);
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .rounds = 3, .batch_us = 20 };
	static const struct option lo[] = {
		{ "naive", no_argument, NULL, 'n' }, { "hyperscan", no_argument, NULL, 'H' },
		{ "quick", no_argument, NULL, 'q' }, { "rounds", required_argument, NULL, 'r' },
		{ "batch-us", required_argument, NULL, 'b' }, { "label", required_argument, NULL, 'l' },
		{ "only", required_argument, NULL, 'o' }, { "dump", required_argument, NULL, 'd' },
		{ "scaling", no_argument, NULL, 's' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'n': o.naive = 1; break;
		case 'H': o.hs = 1; break;
		case 'q': o.quick = 1; break;
		case 'r': o.rounds = (unsigned)atoi(optarg); break;
		case 'b': o.batch_us = atof(optarg); break;
		case 'l': o.label = optarg; break;
		case 'o': o.only = optarg; break;
		case 'd': o.dump = optarg; break;
		case 's': o.scaling = 1; break;
		default: usage();
		}
	}
	if (o.rounds == 0 || o.batch_us <= 0)
		usage();
	if (o.scaling) {
		if (argc - optind < 2)
			usage();
		return main_scaling(&o, argv[optind], argc - optind - 1, argv + optind + 1);
	}
	if (argc - optind != 2)
		usage();
	return main_one(&o, argv[optind], argv[optind + 1]);
}
