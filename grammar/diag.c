/* grammar/diag.c -- the one diagnostic type and the one reporting function
 * of the compiler: every phase reports through cpol_diag_add(), and
 * cpol_diag_print() shows `file:line:col: severity: message [-Wname]`, the
 * source line and a caret under the column. */
#include "grammar/ast.h"

#include <stdlib.h>
#include <string.h>

static const char *const warning_names[CPOL_WARN__COUNT] = {
#define CPOL_W_NAME(id, name, help) name,
	CPOL_WARNINGS(CPOL_W_NAME)
#undef CPOL_W_NAME
};

int cpol_unit_set_warning(cpol_unit *u, const char *name, int on)
{
	for (int i = 0; i < CPOL_WARN__COUNT; i++)
		if (strcmp(warning_names[i], name) == 0) {
			u->warn_off[i] = !on;
			return 0;
		}
	return -1;
}

void cpol_diag_addv(cpol_unit *u, enum cpol_severity sev, cpol_loc loc, int w,
                    const char *fmt, va_list ap)
{
	if (sev == CPOL_SEV_WARNING && w >= 0 && w < CPOL_WARN__COUNT && u->warn_off[w])
		return;
	if (sev == CPOL_SEV_WARNING && u->werror)
		sev = CPOL_SEV_ERROR;
	if (sev == CPOL_SEV_ERROR)
		u->nerrors++;
	else if (sev == CPOL_SEV_WARNING)
		u->nwarnings++;
	if (u->gave_up)
		return;
	if (u->ndiags >= CPOL_MAX_ERRORS && sev != CPOL_SEV_NOTE) {
		/* One last entry says that the rest is not shown. */
		u->gave_up = 1;
		sev = CPOL_SEV_ERROR;
		fmt = "too many diagnostics; stopping here";
		w = -1;
		loc.line = 0;
	}
	if (u->ndiags == u->capdiags) {
		uint32_t cap = u->capdiags ? u->capdiags * 2 : 16;
		cpol_diag *d = realloc(u->diags, cap * sizeof *d);
		if (!d)
			return; /* nerrors still counts it */
		u->diags = d;
		u->capdiags = cap;
	}
	char buf[1024];
	vsnprintf(buf, sizeof buf, fmt, ap);
	cpol_diag *d = &u->diags[u->ndiags];
	d->msg = strdup(buf);
	if (!d->msg)
		return;
	d->severity = (uint8_t)sev;
	d->loc = loc;
	d->wname = (sev != CPOL_SEV_NOTE && w >= 0 && w < CPOL_WARN__COUNT) ? warning_names[w] : NULL;
	u->ndiags++;
}

void cpol_diag_add(cpol_unit *u, enum cpol_severity sev, cpol_loc loc, int w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	cpol_diag_addv(u, sev, loc, w, fmt, ap);
	va_end(ap);
}

/* Print the source line of loc and a caret under its column. Long lines are
 * shown as a window around the column. */
static void print_excerpt(const cpol_unit *u, cpol_loc loc, FILE *out)
{
	if (loc.file >= u->nfiles || loc.line == 0)
		return;
	const cpol_file *f = u->files[loc.file];
	if (!f->text)
		return;
	const char *p = f->text, *end = f->text + f->size;
	for (uint32_t l = 1; l < loc.line && p < end; l++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return;
		p = nl + 1;
	}
	const char *eol = memchr(p, '\n', (size_t)(end - p));
	if (!eol)
		eol = end;
	size_t len = (size_t)(eol - p);
	size_t col = loc.col ? loc.col - 1 : 0;
	if (col > len)
		col = len;
	size_t from = 0, to = len;
	const size_t window = 120;
	if (len > window) {
		from = col > window / 2 ? col - window / 2 : 0;
		to = from + window < len ? from + window : len;
	}
	fputs("    ", out);
	if (from)
		fputs("...", out);
	for (size_t i = from; i < to; i++) {
		unsigned char c = (unsigned char)p[i];
		fputc(c == '\t' || c >= 0x20 ? c : '?', out);
	}
	if (to < len)
		fputs("...", out);
	fputs("\n    ", out);
	if (from)
		fputs("   ", out);
	for (size_t i = from; i < col; i++) {
		unsigned char c = (unsigned char)p[i];
		/* one caret column per displayed character: skip UTF-8 continuations */
		if ((c & 0xc0) == 0x80)
			continue;
		fputc(c == '\t' ? '\t' : ' ', out);
	}
	fputs("^\n", out);
}

void cpol_diag_print(const cpol_unit *u, FILE *out)
{
	static const char *const sevname[] = { "note", "warning", "error" };
	for (uint32_t i = 0; i < u->ndiags; i++) {
		const cpol_diag *d = &u->diags[i];
		const char *file = d->loc.file < u->nfiles ? u->files[d->loc.file]->path : "codexpolc";
		if (d->loc.line)
			fprintf(out, "%s:%u:%u: ", file, d->loc.line, d->loc.col);
		else
			fprintf(out, "%s: ", file);
		fprintf(out, "%s: %s", sevname[d->severity], d->msg);
		if (d->wname)
			fprintf(out, " [-W%s]", d->wname);
		fputc('\n', out);
		print_excerpt(u, d->loc, out);
	}
}
