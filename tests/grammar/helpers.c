/* tests/grammar/helpers.c -- parsing from memory and readable views of
 * diagnostics and AST nodes for the front-end suites (see helpers.h). */
#include "tests/grammar/helpers.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *tests_prelude;

cpol_unit *parse_policy_with(const char *path, const char *text, size_t len,
                             const struct tfile *files, size_t nfiles,
                             const char *const *incdirs, size_t nincdirs, cpol_file **main)
{
	cpol_unit *u = cpol_unit_new();
	if (!u)
		return NULL;
	/* Always look files up in memory, never on disk: the main file's name
	 * is registered too, so that nmem is never 0. */
	const char **paths = calloc(nfiles + 1, sizeof *paths);
	const char **texts = calloc(nfiles + 1, sizeof *texts);
	size_t *sizes = calloc(nfiles + 1, sizeof *sizes);
	if (!paths || !texts || !sizes) {
		free(paths);
		free(texts);
		free(sizes);
		cpol_unit_free(u);
		return NULL;
	}
	paths[0] = path;
	texts[0] = text;
	sizes[0] = len;
	for (size_t i = 0; i < nfiles; i++) {
		paths[i + 1] = files[i].path;
		texts[i + 1] = files[i].text;
		sizes[i + 1] = strlen(files[i].text);
	}
	u->mem_paths = paths;
	u->mem_texts = texts;
	u->mem_sizes = sizes;
	u->nmem = (uint32_t)(nfiles + 1);
	for (size_t i = 0; i < nincdirs; i++)
		cpol_unit_add_incdir(u, incdirs[i]);
	u->prelude = tests_prelude;
	cpol_file *f = cpol_parse_buffer(u, path, text, len);
	/* The in-memory table is only read while parsing. */
	u->mem_paths = NULL;
	u->mem_texts = NULL;
	u->mem_sizes = NULL;
	u->nmem = 0;
	free(paths);
	free(texts);
	free(sizes);
	if (main)
		*main = f;
	return u;
}

cpol_unit *parse_policy(const char *text, cpol_file **main)
{
	return parse_policy_with("t.cpol", text, strlen(text), NULL, 0, NULL, 0, main);
}

/* The lint-only compile of a parsed unit, when parsing succeeded. */
static cpol_unit *lint(cpol_unit *u, cpol_file *f)
{
	if (u && f && !u->nerrors) {
		struct cpol_compile_opts o;
		memset(&o, 0, sizeof o);
		cpol_compile(u, f, &o, 1, NULL, NULL);
	}
	return u;
}

cpol_unit *lint_policy_with(const char *path, const char *text, size_t len,
                            const struct tfile *files, size_t nfiles,
                            const char *const *incdirs, size_t nincdirs)
{
	cpol_file *f;
	cpol_unit *u = parse_policy_with(path, text, len, files, nfiles, incdirs, nincdirs, &f);
	return lint(u, f);
}

cpol_unit *lint_policy_file(const char *path, cpol_file **main)
{
	cpol_unit *u = cpol_unit_new();
	cpol_file *f = u ? cpol_parse_file(u, path) : NULL;
	if (main)
		*main = f;
	return lint(u, f);
}

cpol_unit *lint_policy(const char *text)
{
	return lint_policy_with("t.cpol", text, strlen(text), NULL, 0, NULL, 0);
}

static char dbuf[1 << 16];

const char *diag_text(const cpol_unit *u, int with_file)
{
	static const char *const sev[] = { "note", "warning", "error" };
	size_t n = 0;
	dbuf[0] = 0;
	for (uint32_t i = 0; u && i < u->ndiags && n < sizeof dbuf; i++) {
		const cpol_diag *d = &u->diags[i];
		if (with_file)
			n += (size_t)snprintf(dbuf + n, sizeof dbuf - n, "%s:",
			                      d->loc.file < u->nfiles ? u->files[d->loc.file]->path : "?");
		if (n < sizeof dbuf)
			n += (size_t)snprintf(dbuf + n, sizeof dbuf - n, "%u:%u: %s: %s\n", d->loc.line, d->loc.col,
			                      sev[d->severity], d->msg);
	}
	return dbuf;
}

cpol_stmt *nth_stmt(const cpol_file *f, unsigned n)
{
	cpol_stmt *s = f ? f->stmts : NULL;
	while (s && n--)
		s = s->next;
	return s;
}

unsigned count_stmts(const cpol_file *f)
{
	unsigned n = 0;
	for (cpol_stmt *s = f ? f->stmts : NULL; s; s = s->next)
		n++;
	return n;
}

static char lbuf[8192];

static size_t list_into(const cpol_list *l, char *out, size_t cap)
{
	size_t n = 0;
	out[0] = 0;
	for (const cpol_item *it = l->first; it && n < cap; it = it->next)
		n += (size_t)snprintf(out + n, cap - n, "%s%s%.*s", it == l->first ? "" : "|",
		                      it->kind == CPOL_ITEM_NAME ? "@" : "", (int)it->len, it->text);
	return n < cap ? n : cap - 1;
}

const char *list_text(const cpol_list *l)
{
	list_into(l, lbuf, sizeof lbuf);
	return lbuf;
}

static char cbuf[8192];

static size_t put(size_t n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static size_t put(size_t n, const char *fmt, ...)
{
	va_list ap;
	if (n >= sizeof cbuf)
		return n;
	va_start(ap, fmt);
	int k = vsnprintf(cbuf + n, sizeof cbuf - n, fmt, ap);
	va_end(ap);
	return n + (k > 0 ? (size_t)k : 0);
}

static size_t cond_into(const cpol_cond *c, size_t n)
{
	static const char *const cmps[] = { "==", "!=", "<", "<=", ">", ">=" };
	static const char *const wmode[] = { "", " outside", " inside" };
	char l[2048];
	if (!c)
		return put(n, "NULL");
	switch (c->kind) {
	case CPOL_C_AND: case CPOL_C_OR:
		n = put(n, "(%s ", c->kind == CPOL_C_AND ? "and" : "or");
		n = cond_into(c->a, n);
		n = put(n, " ");
		n = cond_into(c->b, n);
		return put(n, ")");
	case CPOL_C_NOT:
		n = put(n, "(not ");
		n = cond_into(c->a, n);
		return put(n, ")");
	case CPOL_C_TRUE:
		return put(n, "true");
	case CPOL_C_PROGRAM: case CPOL_C_SUBSTRING:
		list_into(&c->list, l, sizeof l);
		return put(n, "(%s %s)", c->kind == CPOL_C_PROGRAM ? "program" : "substring", l);
	case CPOL_C_ARG: case CPOL_C_ANYARG: case CPOL_C_NOARG:
		list_into(&c->list, l, sizeof l);
		if (c->kind == CPOL_C_ARG)
			n = put(n, "(arg %u", c->num);
		else
			n = put(n, "(%s arg", c->kind == CPOL_C_ANYARG ? "any" : "no");
		return put(n, " %s%s %s)", cpol_pred_source_word(c->pred), c->list.paren ? "()" : "", l);
	case CPOL_C_ARGC:
		return put(n, "(argc %s %u)", cmps[c->op], c->num);
	case CPOL_C_WRITES:
		return put(n, "(writes%s)", wmode[c->op]);
	case CPOL_C_NETWORK:
		return put(n, "network");
	case CPOL_C_OPTIONS:
		list_into(&c->list, l, sizeof l);
		return put(n, "(options only%s %s)", c->list.paren ? "()" : "", l);
	case CPOL_C_ANYVAL: case CPOL_C_NOVAL:
		list_into(&c->sel, l, sizeof l);
		n = put(n, "(%s value of%s %s", c->kind == CPOL_C_ANYVAL ? "any" : "no", c->sel.paren ? "()" : "", l);
		list_into(&c->opts, l, sizeof l);
		n = put(n, " options%s %s", c->opts.paren ? "()" : "", l);
		if (c->op == 1)
			return put(n, ")");
		list_into(&c->list, l, sizeof l);
		return put(n, " %s%s %s)", cpol_pred_source_word(c->pred), c->list.paren ? "()" : "", l);
	}
	return put(n, "?");
}

const char *cond_text(const cpol_cond *c)
{
	cbuf[0] = 0;
	cond_into(c, 0);
	return cbuf;
}
