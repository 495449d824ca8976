/* cli/preview.c -- codexpolc --preview: the impact of a policy, before it
 * is used. Every command line of a corpus (one per line, shell syntax;
 * blank lines and lines starting with '#' skipped) is judged with
 * cpol_eval_line() in one fixed environment: the working directory (or
 * the --workspace folder) as workspace and cwd, $HOME, $TMPDIR (else /tmp) and the
 * user's name, as codexrun would set them.
 *
 *   one image:  how many commands each decision gets, and the rules that
 *               decided most often (the top 10, with counts);
 *   two images: every command whose decision changes from OLD to NEW, with
 *               both decisions and rules, then a summary.
 *
 * --json prints one JSON object instead; strings are escaped by the audit
 * sink's escaper (audit/jsonl.h), so any byte of a corpus is safe. Nothing
 * here runs a command.
 */
#include "cli/preview.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit/jsonl.h"
#include "common/hindex.h"
#include "codexpol.h"

/* ---- output helpers ---------------------------------------------------- */

/* A JSON string literal of s[0..n) on out (never truncated). */
static void jstr(FILE *out, const char *s, size_t n)
{
	size_t need = cpol_json_escaped_len(s, n) + 3;
	char local[1024];
	char *p = need <= sizeof local ? local : malloc(need);
	if (!p) {
		fputs("\"\"", out);
		return;
	}
	struct cpol_jbuf b;
	cpol_jbuf_init(&b, p, need);
	cpol_jbuf_str(&b, s, n, need);
	fwrite(b.p, 1, b.len, out);
	if (p != local)
		free(p);
}

static void jcstr(FILE *out, const char *s) { jstr(out, s, strlen(s)); }

/* Text for a terminal: control bytes shown as \xHH. */
static void tstr(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			putc(c, out);
	}
}

static const char *source(const cpol_verdict *v, char *buf, size_t cap)
{
	if (!v->line)
		snprintf(buf, cap, "%s", "");
	else
		snprintf(buf, cap, "%s:%u:%u", v->file, v->line, v->col);
	return buf;
}

/* ---- rule counts ------------------------------------------------------- */

struct rcount {
	char *rule;
	char *src;
	unsigned long n;
	unsigned long order;       /* first seen, to break ties */
	uint64_t h;                /* hash of rule */
};

/* The entries in the order first seen, found by their rule's hash. */
struct rtable {
	struct rcount *v;
	size_t n, cap;
	struct cpol_hindex ix;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static uint64_t rc_hash(const void *entries, uint32_t i)
{
	return ((const struct rcount *)entries)[i].h;
}

static int rt_add(struct rtable *t, const char *rule, const char *src)
{
	if (t->n >= UINT32_MAX - 1 || cpol_hindex_room(&t->ix, (uint32_t)t->n, 64, rc_hash, t->v) < 0)
		return -1;
	uint64_t h = hash(rule);
	uint32_t k;
	for (k = cpol_hindex_start(&t->ix, h); t->ix.slot[k]; k = cpol_hindex_next(&t->ix, k)) {
		struct rcount *e = &t->v[t->ix.slot[k] - 1];
		if (e->h == h && strcmp(e->rule, rule) == 0) {
			e->n++;
			return 0;
		}
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		struct rcount *v = realloc(t->v, cap * sizeof *v);
		if (!v)
			return -1;
		t->v = v;
		t->cap = cap;
	}
	struct rcount *e = &t->v[t->n];
	e->rule = strdup(rule);
	e->src = strdup(src);
	if (!e->rule || !e->src) {
		free(e->rule);
		free(e->src);
		return -1;
	}
	e->n = 1;
	e->order = t->n;
	e->h = h;
	t->ix.slot[k] = (uint32_t)++t->n;
	return 0;
}

static int rc_cmp(const void *a, const void *b)
{
	const struct rcount *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The entries, most frequent first (the table is consumed: no more adds). */
static struct rcount *rt_sorted(struct rtable *t)
{
	if (t->n)
		qsort(t->v, t->n, sizeof *t->v, rc_cmp);
	cpol_hindex_free(&t->ix);
	return t->v;
}

static void rt_free(struct rtable *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].rule);
		free(t->v[i].src);
	}
	free(t->v);
	cpol_hindex_free(&t->ix);
}

/* ---- the environment --------------------------------------------------- */

struct penv {
	char cwd[PATH_MAX], ws[PATH_MAX], home[PATH_MAX], tmp[PATH_MAX], user[256];
	cpol_env env;
};

static int make_env(struct penv *e, const char *workspace)
{
	if (!getcwd(e->cwd, sizeof e->cwd)) {
		fprintf(stderr, "codexpolc: cannot find the working directory: %s\n", strerror(errno));
		return -1;
	}
	if (workspace) {
		if (!realpath(workspace, e->ws)) {
			fprintf(stderr, "codexpolc: workspace %s: %s\n", workspace, strerror(errno));
			return -1;
		}
		memcpy(e->cwd, e->ws, sizeof e->cwd); /* the commands run there */
	} else {
		memcpy(e->ws, e->cwd, sizeof e->ws);
	}
	const char *t = getenv("TMPDIR");
	snprintf(e->tmp, sizeof e->tmp, "%s", t && t[0] == '/' ? t : "/tmp");
	struct passwd *pw = getpwuid(getuid());
	const char *h = getenv("HOME");
	snprintf(e->home, sizeof e->home, "%s", h && h[0] == '/' ? h : pw && pw->pw_dir ? pw->pw_dir : "/");
	snprintf(e->user, sizeof e->user, "%s", pw && pw->pw_name ? pw->pw_name : "");
	e->env = (cpol_env){ e->cwd, e->ws, e->tmp, e->home, e->user };
	return 0;
}

/* ---- one side (an image and its context) ------------------------------- */

struct side {
	const char *path;
	cpol_image *im;
	cpol_ctx *ctx;
	unsigned long count[3];
	cpol_result res;
};

static int side_open(struct side *s, const char *path, const cpol_env *env)
{
	cpol_error err;
	s->path = path;
	s->im = cpol_image_open(path, &err);
	if (!s->im) {
		fprintf(stderr, "codexpolc: %s\n", err.msg);
		return -1;
	}
	s->ctx = cpol_ctx_new(s->im, env, &err);
	if (!s->ctx) {
		fprintf(stderr, "codexpolc: %s: %s\n", path, err.msg);
		return -1;
	}
	return 0;
}

static void side_close(struct side *s)
{
	cpol_ctx_free(s->ctx);
	cpol_image_close(s->im);
}

static void j_counts(FILE *out, const unsigned long c[3])
{
	fprintf(out, "{\"allow\":%lu,\"prompt\":%lu,\"forbid\":%lu}", c[0], c[1], c[2]);
}

static void j_policy(FILE *out, const struct side *s)
{
	fputs("{\"file\":", out);
	jcstr(out, s->path);
	fputs(",\"policy\":", out);
	jcstr(out, cpol_image_name(s->im));
	fputs(",\"image\":", out);
	jcstr(out, cpol_image_hash(s->im));
	fputs(",\"decisions\":", out);
	j_counts(out, s->count);
	fputs("}", out);
}

static void j_verdict(FILE *out, const cpol_verdict *v)
{
	char src[4200];
	fputs("{\"decision\":", out);
	jcstr(out, cpol_decision_name(v->decision));
	fputs(",\"rule\":", out);
	jcstr(out, v->rule);
	fputs(",\"reason\":", out);
	jcstr(out, v->reason);
	fputs(",\"source\":", out);
	jcstr(out, source(v, src, sizeof src));
	fputs("}", out);
}

static void t_verdict(FILE *out, const char *label, const cpol_verdict *v)
{
	char src[4200];
	fprintf(out, "    %s %-6s rule ", label, cpol_decision_name(v->decision));
	tstr(out, v->rule, strlen(v->rule));
	if (v->line)
		fprintf(out, " (%s)", source(v, src, sizeof src));
	if (v->reason[0]) {
		fputs(": ", out);
		tstr(out, v->reason, strlen(v->reason));
	}
	putc('\n', out);
}

/* ---- the corpus -------------------------------------------------------- */

/* The command of a corpus line, or NULL for a blank or comment line. */
static char *command(char *line, size_t *len)
{
	size_t n = *len;
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	size_t i = 0;
	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i == n || line[i] == '#')
		return NULL;
	line[n] = 0;
	*len = n;
	return line;
}

int cpol_preview(const struct cpol_preview_opts *o, FILE *out)
{
	struct penv pe;
	struct side sides[2];
	int nsides = o->old_image ? 2 : 1;
	struct side *neu = &sides[nsides - 1], *old = nsides == 2 ? &sides[0] : NULL;
	struct rtable rt = { 0 };
	unsigned long trans[3][3] = { { 0 } };
	unsigned long ncmd = 0, nchanged = 0, lineno = 0;
	unsigned top = o->top ? o->top : 10;
	int rc = 1;
	FILE *in = NULL;
	char *line = NULL;
	size_t cap = 0;

	memset(sides, 0, sizeof sides);
	if (make_env(&pe, o->workspace) < 0)
		return 1;
	if (old && side_open(old, o->old_image, &pe.env) < 0)
		goto out;
	if (side_open(neu, o->new_image, &pe.env) < 0)
		goto out;
	in = strcmp(o->corpus, "-") == 0 ? stdin : fopen(o->corpus, "r");
	if (!in) {
		fprintf(stderr, "codexpolc: cannot open %s: %s\n", o->corpus, strerror(errno));
		goto out;
	}

	if (o->json) {
		fputs("{\"corpus\":", out);
		jcstr(out, o->corpus);
		if (old)
			fputs(",\"changed\":[", out);
	}
	ssize_t got;
	while ((got = getline(&line, &cap, in)) >= 0) {
		size_t n = (size_t)got;
		lineno++;
		const char *cmd = command(line, &n);
		if (!cmd)
			continue;
		ncmd++;
		for (int k = 0; k < nsides; k++) {
			cpol_decision d = cpol_eval_line(sides[k].ctx, cmd, n, &sides[k].res);
			sides[k].count[d]++;
		}
		if (!old) {
			char src[4200];
			if (rt_add(&rt, neu->res.verdict.rule, source(&neu->res.verdict, src, sizeof src)) < 0) {
				fprintf(stderr, "codexpolc: out of memory\n");
				goto out;
			}
			continue;
		}
		const cpol_verdict *a = &old->res.verdict, *b = &neu->res.verdict;
		if (a->decision == b->decision)
			continue;
		trans[a->decision][b->decision]++;
		if (o->json) {
			fprintf(out, "%s{\"line\":%lu,\"command\":", nchanged ? "," : "", lineno);
			jstr(out, cmd, n);
			fputs(",\"old\":", out);
			j_verdict(out, a);
			fputs(",\"new\":", out);
			j_verdict(out, b);
			fputs("}", out);
		} else {
			fprintf(out, "%s:%lu: %s -> %s: ", o->corpus, lineno, cpol_decision_name(a->decision),
			        cpol_decision_name(b->decision));
			tstr(out, cmd, n);
			putc('\n', out);
			t_verdict(out, "old:", a);
			t_verdict(out, "new:", b);
		}
		nchanged++;
	}
	if (ferror(in)) {
		fprintf(stderr, "codexpolc: cannot read %s: %s\n", o->corpus, strerror(errno));
		goto out;
	}

	static const char *const dn[] = { "allow", "prompt", "forbid" };
	if (!old) {
		struct rcount *v = rt_sorted(&rt);
		size_t nr = rt.n < top ? rt.n : top;
		if (o->json) {
			fprintf(out, ",\"commands\":%lu,\"policy\":", ncmd);
			j_policy(out, neu);
			fputs(",\"rules\":[", out);
			for (size_t i = 0; i < nr; i++) {
				fputs(i ? ",{\"rule\":" : "{\"rule\":", out);
				jcstr(out, v[i].rule);
				fprintf(out, ",\"count\":%lu,\"source\":", v[i].n);
				jcstr(out, v[i].src);
				fputs("}", out);
			}
			fputs("]}\n", out);
		} else {
			fprintf(out, "corpus:   %s (%lu commands)\n", o->corpus, ncmd);
			fprintf(out, "policy:   %s (%s, image %s)\n", cpol_image_name(neu->im), neu->path,
			        cpol_image_hash(neu->im));
			fputs("\ndecision  commands   share\n", out);
			for (int d = 0; d < 3; d++)
				fprintf(out, "%-8s  %8lu  %5.1f%%\n", dn[d], neu->count[d],
				        ncmd ? 100.0 * (double)neu->count[d] / (double)ncmd : 0.0);
			if (nr)
				fprintf(out, "\nrules that decided most (top %zu of %zu):\n", nr, rt.n);
			for (size_t i = 0; i < nr; i++) {
				fprintf(out, "%8lu  ", v[i].n);
				tstr(out, v[i].rule, strlen(v[i].rule));
				if (v[i].src[0])
					fprintf(out, " (%s)", v[i].src);
				putc('\n', out);
			}
		}
	} else if (o->json) {
		fprintf(out, "],\"commands\":%lu,\"unchanged\":%lu,\"old\":", ncmd, ncmd - nchanged);
		j_policy(out, old);
		fputs(",\"new\":", out);
		j_policy(out, neu);
		fputs(",\"transitions\":[", out);
		int first = 1;
		for (int a = 0; a < 3; a++)
			for (int b = 0; b < 3; b++)
				if (trans[a][b]) {
					fprintf(out, "%s{\"from\":\"%s\",\"to\":\"%s\",\"count\":%lu}", first ? "" : ",", dn[a],
					        dn[b], trans[a][b]);
					first = 0;
				}
		fputs("]}\n", out);
	} else {
		fprintf(out, "%s%lu commands, %lu with a different decision\n", nchanged ? "\n" : "", ncmd, nchanged);
		for (int a = 0; a < 3; a++)
			for (int b = 0; b < 3; b++)
				if (trans[a][b])
					fprintf(out, "  %-6s -> %-6s %8lu\n", dn[a], dn[b], trans[a][b]);
		for (int k = 0; k < 2; k++)
			fprintf(out, "%s %s (%s): allow %lu, prompt %lu, forbid %lu\n", k ? "new:" : "old:",
			        cpol_image_name(sides[k].im), sides[k].path, sides[k].count[0], sides[k].count[1],
			        sides[k].count[2]);
	}
	if (fflush(out) != 0 || ferror(out)) {
		fprintf(stderr, "codexpolc: cannot write the report: %s\n", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(line);
	if (in && in != stdin)
		fclose(in);
	rt_free(&rt);
	for (int k = 0; k < nsides; k++)
		side_close(&sides[k]);
	return rc;
}
