/* audit/show.c -- escaping what commands hold before it reaches a
 * terminal (see show.h). Writes to a stdio stream; no state. */
#include "audit/show.h"

#include <string.h>

#include "audit/jsonl.h"

static int safe_plain(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("_@%+=:,./~-#", c) != NULL;
}

/* The character at u[0..n) when a terminal would act on it: write its
 * escape (\xNN for a byte that is no UTF-8 or a control, \r \n \t by
 * name when `named`, \uNNNN for C1, bidi and line separators) and return
 * the bytes it took; 0 for any other character. */
static size_t escape_unsafe(FILE *o, const unsigned char *u, size_t n, int named)
{
	unsigned cp;
	size_t k = cpol_utf8_seq(u, n, &cp);
	if (k == 0) {
		fprintf(o, "\\x%02x", u[0]);
		return 1;
	}
	if (cp < 0x20 || cp == 0x7f) {
		const char *e = !named ? NULL : cp == '\r' ? "\\r" : cp == '\n' ? "\\n" : cp == '\t' ? "\\t" : NULL;
		if (e)
			fputs(e, o);
		else
			fprintf(o, "\\x%02x", cp);
		return 1;
	}
	if (cpol_json_unsafe_char(u, n, &cp)) {
		fprintf(o, "\\u%04x", cp);
		return k;
	}
	return 0;
}

int cpol_show_unsafe(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t k = cpol_utf8_seq(u + i, n - i, &cp);
		if (k == 0 || cp < 0x20 || cp == 0x7f || cpol_json_unsafe_char(u + i, n - i, &cp))
			return 1;
		i += k;
	}
	return 0;
}

/* Everything else as it is, but \ doubled and ' as `quote` (inside $'...'). */
static void escaped(FILE *o, const char *s, size_t n, int named, const char *quote)
{
	const unsigned char *u = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t e = escape_unsafe(o, u + i, n - i, named);
		if (e) {
			i += e;
		} else if (u[i] == '\\') {
			fputs("\\\\", o);
			i++;
		} else if (u[i] == '\'' && quote) {
			fputs(quote, o);
			i++;
		} else {
			unsigned cp;
			size_t k = cpol_utf8_seq(u + i, n - i, &cp);
			fwrite(u + i, 1, k, o);
			i += k;
		}
	}
}

void cpol_show_word(FILE *o, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	int plain = n > 0, ctl = cpol_show_unsafe(s, n);
	for (size_t i = 0; i < n && plain; i++)
		plain = safe_plain(u[i]) || u[i] >= 0x80;
	if (plain && !ctl) {
		fwrite(s, 1, n, o);
		return;
	}
	if (!ctl) {             /* '...', with ' as '\'' */
		fputc('\'', o);
		for (size_t i = 0; i < n; i++)
			if (u[i] == '\'')
				fputs("'\\''", o);
			else
				fputc(u[i], o);
		fputc('\'', o);
		return;
	}
	fputs("$'", o);
	escaped(o, s, n, 0, "\\'");
	fputc('\'', o);
}

void cpol_show_text(FILE *o, const char *s, size_t n)
{
	if (!cpol_show_unsafe(s, n))
		fwrite(s, 1, n, o);
	else
		escaped(o, s, n, 1, NULL);
}
