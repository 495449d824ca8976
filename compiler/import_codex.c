/* compiler/import_codex.c -- the Codex .rules importer (see import_codex.h).
 *
 * Reads the part of Starlark that .rules files use: calls with keyword
 * arguments whose values are strings, lists of them, and lists of lists.
 *   prefix_rule(pattern, decision, justification, match, not_match)
 *     -> rule "codex FILE:LINE" { when program P and arg 1 is/in ... ;
 *        DECISION because JUSTIFICATION; }
 *     pattern element 0 is the program, element i the argument i, a list
 *     of strings there is "one of these"; decisions allow, prompt and
 *     forbidden become allow, prompt and forbid;
 *   match and not_match examples become `test` examples, each with the
 *     decision that Codex gives it under the whole file (the strictest
 *     matching prefix rule, or no match: the policy's default, prompt);
 *   network_rule and host_executable have no .cpol counterpart (cpol
 *     names programs by their bare name and judges network use by intent,
 *     not by host): each is reported with its FILE:LINE and written into
 *     the output as a comment, never dropped without a word.
 * Anything else (another call, a positional argument, an unknown keyword,
 * a value of the wrong type) is reported the same way.
 */
#include "compiler/import_codex.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/readfile.h"
#include "grammar/ast.h" /* CPOL_MAX_FILE_SIZE */

/* --- a tiny reader of Starlark values -------------------------------------- */

enum vk { V_STR, V_LIST, V_OTHER };
struct val {
	enum vk k;
	char *s;          /* V_STR */
	struct val *v;    /* V_LIST items */
	size_t n;
};

struct rd {
	const char *file, *p;
	unsigned line;
	int bad;
	char msg[256];
	unsigned msg_line;
};

static void fail(struct rd *r, const char *m)
{
	if (!r->bad) {
		r->bad = 1;
		r->msg_line = r->line;
		snprintf(r->msg, sizeof r->msg, "%s", m);
	}
}

static void skip(struct rd *r)
{
	for (;;) {
		if (*r->p == '\n') {
			r->line++;
			r->p++;
		} else if (*r->p == ' ' || *r->p == '\t' || *r->p == '\r') {
			r->p++;
		} else if (*r->p == '#') {
			while (*r->p && *r->p != '\n')
				r->p++;
		} else {
			return;
		}
	}
}

static void val_free(struct val *v)
{
	free(v->s);
	for (size_t i = 0; i < v->n; i++)
		val_free(&v->v[i]);
	free(v->v);
	memset(v, 0, sizeof *v);
}

static int value(struct rd *r, struct val *v, int depth)
{
	memset(v, 0, sizeof *v);
	skip(r);
	char q = *r->p;
	if (q == '"' || q == '\'') {
		size_t cap = 64, n = 0;
		char *s = malloc(cap);
		r->p++;
		while (s && *r->p && *r->p != q && *r->p != '\n') {
			char c = *r->p++;
			if (c == '\\') {
				c = *r->p++;
				if (c == 'n')
					c = '\n';
				else if (c == 't')
					c = '\t';
				else if (c != '\\' && c != '"' && c != '\'') {
					fail(r, "unsupported escape in a string");
					free(s);
					return -1;
				}
			}
			if (n + 2 > cap) {
				char *t = realloc(s, cap *= 2);
				if (!t) {
					free(s);
					s = NULL;
					break;
				}
				s = t;
			}
			s[n++] = c;
		}
		if (!s || *r->p != q) {
			free(s);
			fail(r, "unterminated string");
			return -1;
		}
		r->p++;
		s[n] = 0;
		v->k = V_STR;
		v->s = s;
		return 0;
	}
	if (q == '[' && depth < 4) {
		r->p++;
		v->k = V_LIST;
		for (;;) {
			skip(r);
			if (*r->p == ']') {
				r->p++;
				return 0;
			}
			struct val *t = realloc(v->v, (v->n + 1) * sizeof *t);
			if (!t)
				return -1;
			v->v = t;
			if (value(r, &v->v[v->n], depth + 1) < 0)
				return -1;
			v->n++;
			skip(r);
			if (*r->p == ',')
				r->p++;
			else if (*r->p != ']') {
				fail(r, "expected , or ] in a list");
				return -1;
			}
		}
	}
	/* anything else (numbers, True, names): kept as text, reported later */
	const char *b = r->p;
	while (*r->p && (isalnum((unsigned char)*r->p) || *r->p == '_' || *r->p == '.'))
		r->p++;
	if (r->p == b) {
		fail(r, "cannot read this value");
		return -1;
	}
	v->k = V_OTHER;
	v->s = strndup(b, (size_t)(r->p - b));
	return 0;
}

/* --- the rules ------------------------------------------------------------------ */

struct elem {  /* one pattern position: alternatives */
	char **alt;
	size_t n;
};

struct prule {
	struct elem *pat;
	size_t npat;
	int decision;  /* 0 allow, 1 prompt, 2 forbidden */
	char *why;
	unsigned line;
	struct val match, not_match;
};

static const char *const cpol_dec[] = { "allow", "prompt", "forbid" };

static void prule_free(struct prule *pr);

struct imp {
	const char *file;
	struct prule *rules;
	size_t nrules;
	char **notes; /* comments for what was not imported */
	size_t nnotes;
	int unexpressed;
};

__attribute__((format(printf, 3, 4)))
static void note(struct imp *im, unsigned line, const char *fmt, ...)
{
	char buf[600];
	snprintf(buf, sizeof buf, "%s:%u: not imported: ", im->file, line);
	size_t l = strlen(buf);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + l, sizeof buf - l, fmt, ap);
	va_end(ap);
	fprintf(stderr, "codexpolc: %s\n", buf);
	char **t = realloc(im->notes, (im->nnotes + 1) * sizeof *t);
	if (t) {
		im->notes = t;
		im->notes[im->nnotes++] = strdup(buf);
	}
	im->unexpressed = 1;
}

static int elem_of(struct imp *im, unsigned line, const struct val *v, struct elem *e)
{
	memset(e, 0, sizeof *e);
	if (v->k == V_STR) {
		e->alt = calloc(1, sizeof *e->alt);
		e->alt[0] = strdup(v->s);
		e->n = 1;
		return 0;
	}
	if (v->k == V_LIST && v->n) {
		e->alt = calloc(v->n, sizeof *e->alt);
		for (size_t i = 0; i < v->n; i++) {
			if (v->v[i].k != V_STR) {
				note(im, line, "%s", "a pattern alternative that is not a string");
				return -1;
			}
			e->alt[e->n++] = strdup(v->v[i].s);
		}
		return 0;
	}
	note(im, line, "%s", "a pattern element that is neither a string nor a list of strings");
	return -1;
}

static void call(struct imp *im, struct rd *r, const char *name, unsigned line)
{
	/* the keyword arguments */
	struct { char *k; struct val v; } kw[16];
	size_t nkw = 0;
	int positional = 0;
	r->p++; /* ( */
	for (;;) {
		skip(r);
		if (*r->p == ')') {
			r->p++;
			break;
		}
		const char *b = r->p;
		while (isalnum((unsigned char)*r->p) || *r->p == '_')
			r->p++;
		const char *e = r->p;
		skip(r);
		if (e > b && *r->p == '=' && r->p[1] != '=') {
			r->p++;
			if (nkw == 16) {
				fail(r, "too many arguments");
				break;
			}
			kw[nkw].k = strndup(b, (size_t)(e - b));
			if (value(r, &kw[nkw].v, 0) < 0) {
				free(kw[nkw].k);
				break;
			}
			nkw++;
		} else {
			struct val tmp;
			r->p = b;
			if (value(r, &tmp, 0) < 0)
				break;
			val_free(&tmp);
			positional = 1;
		}
		skip(r);
		if (*r->p == ',')
			r->p++;
		else if (*r->p != ')') {
			fail(r, "expected , or ) in a call");
			break;
		}
	}
	if (r->bad)
		goto out;
	if (positional)
		note(im, line, "%s(...) with a positional argument (.rules takes keywords only)", name);
	if (!strcmp(name, "prefix_rule")) {
		struct prule pr;
		memset(&pr, 0, sizeof pr);
		pr.line = line;
		int ok = 1, have_dec = 0;
		for (size_t i = 0; i < nkw; i++) {
			struct val *v = &kw[i].v;
			if (!strcmp(kw[i].k, "pattern") && v->k == V_LIST && v->n) {
				pr.pat = calloc(v->n, sizeof *pr.pat);
				for (size_t j = 0; j < v->n && ok; j++)
					ok = elem_of(im, line, &v->v[j], &pr.pat[pr.npat++]) == 0;
			} else if (!strcmp(kw[i].k, "decision") && v->k == V_STR) {
				have_dec = 1;
				if (!strcmp(v->s, "allow"))
					pr.decision = 0;
				else if (!strcmp(v->s, "prompt"))
					pr.decision = 1;
				else if (!strcmp(v->s, "forbidden"))
					pr.decision = 2;
				else {
					note(im, line, "decision \"%s\" (Codex knows allow, prompt, forbidden)", v->s);
					ok = 0;
				}
			} else if (!strcmp(kw[i].k, "justification") && v->k == V_STR) {
				pr.why = strdup(v->s);
			} else if (!strcmp(kw[i].k, "match") && v->k == V_LIST) {
				pr.match = *v;
				memset(v, 0, sizeof *v);
			} else if (!strcmp(kw[i].k, "not_match") && v->k == V_LIST) {
				pr.not_match = *v;
				memset(v, 0, sizeof *v);
			} else {
				note(im, line, "prefix_rule argument %s (unknown, or not of the expected type)", kw[i].k);
				ok = 0;
			}
		}
		if (!pr.npat && ok) {
			note(im, line, "%s", "prefix_rule without a pattern");
			ok = 0;
		}
		if (!have_dec)
			pr.decision = 0; /* Codex's default decision for a prefix rule */
		struct prule *t = ok ? realloc(im->rules, (im->nrules + 1) * sizeof *t) : NULL;
		if (t) {
			im->rules = t;
			im->rules[im->nrules++] = pr;
		} else {
			prule_free(&pr);
		}
	} else if (!strcmp(name, "network_rule")) {
		note(im, line, "%s", "network_rule (cpol judges network use by intent, not by host and protocol)");
	} else if (!strcmp(name, "host_executable")) {
		note(im, line, "%s",
		     "host_executable (cpol names programs by their bare name; absolute paths in trusted folders match it)");
	} else {
		note(im, line, "the call %s(...) (only prefix_rule, network_rule and host_executable are known)", name);
	}
out:
	for (size_t i = 0; i < nkw; i++) {
		free(kw[i].k);
		val_free(&kw[i].v);
	}
}

/* --- Codex's own decision for an argv, to label the examples ------------------ */

static int matches(const struct prule *pr, char **argv, size_t argc)
{
	if (argc < pr->npat)
		return 0;
	for (size_t i = 0; i < pr->npat; i++) {
		int hit = 0;
		for (size_t k = 0; k < pr->pat[i].n && !hit; k++)
			hit = !strcmp(pr->pat[i].alt[k], argv[i]);
		if (!hit)
			return 0;
	}
	return 1;
}

/* -1: no rule matches (the default) */
static int codex_decision(const struct imp *im, char **argv, size_t argc)
{
	int d = -1;
	for (size_t i = 0; i < im->nrules; i++)
		if (matches(&im->rules[i], argv, argc) && im->rules[i].decision > d)
			d = im->rules[i].decision;
	return d;
}

/* An example as tokens: a list of strings, or a string split on white
 * space the way a shell splits plain words (quotes are not interpreted:
 * such examples are reported). */
static char **tokens(const struct val *v, size_t *n, int *ok)
{
	char **t = NULL;
	*n = 0;
	*ok = 1;
	if (v->k == V_LIST) {
		t = calloc(v->n + 1, sizeof *t);
		for (size_t i = 0; t && i < v->n; i++) {
			if (v->v[i].k != V_STR) {
				*ok = 0;
				break;
			}
			t[(*n)++] = v->v[i].s;
		}
		return t;
	}
	if (v->k != V_STR || strpbrk(v->s, "'\"\\$`;&|<>(){}*?[]~#")) {
		*ok = 0;
		return NULL;
	}
	t = calloc(strlen(v->s) / 2 + 2, sizeof *t);
	char *s = v->s;
	for (char *w = strtok(s, " \t"); t && w; w = strtok(NULL, " \t"))
		t[(*n)++] = w;
	return t;
}

/* --- output ------------------------------------------------------------------ */

static void cstr(FILE *o, const char *s)
{
	fputc('"', o);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(o, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", o);
		else if (c == '\t')
			fputs("\\t", o);
		else if (c < 0x20 || c == 0x7f)
			fprintf(o, "\\x%02x", c);
		else
			fputc(c, o);
	}
	fputc('"', o);
}

/* A shell word for a test example: plain, or in single quotes. */
static void shword(struct imp *im, FILE *o, const char *s)
{
	(void)im;
	int plain = *s != 0;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_./=:,+@%^", *p))
			plain = 0;
	if (plain) {
		fputs(s, o);
		return;
	}
	fputc('\'', o);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", o);
		else if (*s == '"' || *s == '\\')
			fprintf(o, "\\%c", *s); /* inside the .cpol string */
		else
			fputc(*s, o);
	}
	fputc('\'', o);
}

static void examples(struct imp *im, FILE *o, const struct prule *pr, const struct val *list, const char *kind)
{
	for (size_t i = 0; i < list->n; i++) {
		size_t n;
		int ok;
		char **t = tokens(&list->v[i], &n, &ok);
		if (!ok || !n) {
			note(im, pr->line, "a %s example that is not a plain command (quotes, shell syntax)", kind);
			free(t);
			continue;
		}
		int d = codex_decision(im, t, n);
		fprintf(o, "    %s \"", d < 0 ? "prompt" : cpol_dec[d]);
		for (size_t k = 0; k < n; k++) {
			if (k)
				fputc(' ', o);
			shword(im, o, t[k]);
		}
		fprintf(o, "\";  # %s, line %u\n", kind, pr->line);
		free(t);
	}
}

static int emit(struct imp *im, FILE *o, const char *const *files, int nfiles)
{
	fprintf(o, "# Imported from Codex execpolicy rules by codexpolc --import-codex:");
	for (int i = 0; i < nfiles; i++)
		fprintf(o, " %s", files[i]);
	fprintf(o, "\n# No rule matches: prompt (Codex then decides by its own approval policy).\n");
	fprintf(o, "policy \"codex-rules\";\n\n");
	for (size_t i = 0; i < im->nnotes; i++)
		fprintf(o, "# %s\n", im->notes[i]);
	if (im->nnotes)
		fputc('\n', o);
	for (size_t i = 0; i < im->nrules; i++) {
		const struct prule *pr = &im->rules[i];
		char name[64];
		/* the word count lets codexrun --explain --format=codex name
		 * the matched prefix as Codex does */
		snprintf(name, sizeof name, "codex rule %zu (line %u, %zu words)", i + 1, pr->line, pr->npat);
		fprintf(o, "rule ");
		cstr(o, name);
		fprintf(o, " {\n    when program ");
		for (size_t k = 0; k < pr->pat[0].n; k++) {
			if (k)
				fputs(", ", o);
			cstr(o, pr->pat[0].alt[k]);
		}
		for (size_t j = 1; j < pr->npat; j++) {
			fprintf(o, " and arg %zu %s ", j, pr->pat[j].n > 1 ? "in" : "is");
			if (pr->pat[j].n > 1)
				fputc('(', o);
			for (size_t k = 0; k < pr->pat[j].n; k++) {
				if (k)
					fputs(", ", o);
				cstr(o, pr->pat[j].alt[k]);
			}
			if (pr->pat[j].n > 1)
				fputc(')', o);
		}
		fprintf(o, ";\n    %s", cpol_dec[pr->decision]);
		if (pr->why) {
			fputs(" because ", o);
			cstr(o, pr->why);
		}
		fputs(";\n}\n\n", o);
	}
	fprintf(o, "default prompt;\n");
	int any = 0;
	for (size_t i = 0; i < im->nrules; i++)
		any |= im->rules[i].match.n || im->rules[i].not_match.n;
	if (any) {
		fprintf(o, "\ntest {\n");
		for (size_t i = 0; i < im->nrules; i++) {
			examples(im, o, &im->rules[i], &im->rules[i].match, "match");
			examples(im, o, &im->rules[i], &im->rules[i].not_match, "not_match");
		}
		fprintf(o, "}\n");
	}
	return 0;
}

static int import_file(struct imp *im, const char *path)
{
	size_t n;
	cpol_error err;
	char *text = cpol_read_file(path, CPOL_MAX_FILE_SIZE, &n, &err);
	if (!text) {
		fprintf(stderr, "codexpolc: %s\n", err.msg);
		return -1;
	}
	if (strlen(text) != n) {
		fprintf(stderr, "codexpolc: %s: holds a NUL byte\n", path);
		free(text);
		return -1;
	}
	struct rd r = { path, text, 1, 0, "", 0 };
	im->file = path;
	for (;;) {
		skip(&r);
		if (!*r.p)
			break;
		const char *b = r.p;
		unsigned line = r.line;
		while (isalnum((unsigned char)*r.p) || *r.p == '_')
			r.p++;
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)(r.p - b), b);
		skip(&r);
		if (r.p == b || *r.p != '(') {
			fail(&r, "expected a call such as prefix_rule(...)");
			break;
		}
		call(im, &r, name, line);
		if (r.bad)
			break;
	}
	free(text);
	if (r.bad) {
		fprintf(stderr, "codexpolc: %s:%u: %s\n", path, r.msg_line, r.msg);
		return -1;
	}
	return 0;
}

static void prule_free(struct prule *pr)
{
	for (size_t j = 0; j < pr->npat; j++) {
		for (size_t k = 0; k < pr->pat[j].n; k++)
			free(pr->pat[j].alt[k]);
		free(pr->pat[j].alt);
	}
	free(pr->pat);
	free(pr->why);
	val_free(&pr->match);
	val_free(&pr->not_match);
}

static void imp_free(struct imp *im)
{
	for (size_t i = 0; i < im->nrules; i++)
		prule_free(&im->rules[i]);
	free(im->rules);
	for (size_t i = 0; i < im->nnotes; i++)
		free(im->notes[i]);
	free(im->notes);
}

int cpol_import_codex_main(int argc, char **argv)
{
	const char *out = NULL;
	const char *files[64];
	int nfiles = 0;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strncmp(argv[i], "--output=", 9))
			out = argv[i] + 9;
		else if (argv[i][0] == '-' && argv[i][1]) {
			fprintf(stderr, "codexpolc: --import-codex takes FILE.rules... [-o OUT.cpol], not '%s'\n", argv[i]);
			return 2;
		} else if (nfiles < 64)
			files[nfiles++] = argv[i];
	}
	if (!nfiles) {
		fprintf(stderr, "codexpolc: --import-codex needs a .rules file\n");
		return 2;
	}
	struct imp im;
	memset(&im, 0, sizeof im);
	for (int i = 0; i < nfiles; i++)
		if (import_file(&im, files[i]) < 0) {
			imp_free(&im);
			return 2;
		}
	if (!im.nrules) {
		fprintf(stderr, "codexpolc: no prefix_rule to import\n");
		im.unexpressed = 1;
	}
	FILE *o = out ? fopen(out, "w") : stdout;
	if (!o) {
		fprintf(stderr, "codexpolc: %s: %s\n", out, strerror(errno));
		imp_free(&im);
		return 2;
	}
	emit(&im, o, files, nfiles);
	if (ferror(o) || (out ? fclose(o) : fflush(o)) != 0) {
		fprintf(stderr, "codexpolc: cannot write %s\n", out ? out : "the output");
		imp_free(&im);
		return 2;
	}
	int rc = im.unexpressed ? 1 : 0;
	imp_free(&im);
	return rc;
}
