/* common/strbuf.c -- the growable string buffer (see strbuf.h). It only
 * grows memory it owns; it never prints and never aborts. */
#include "common/strbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void cpol_sb_add(struct cpol_strbuf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (n >= b->cap - b->len) { /* room for the NUL too */
		size_t cap = b->cap ? b->cap : 64;
		while (n >= cap - b->len) {
			if (cap > SIZE_MAX / 2) {
				b->oom = 1;
				return;
			}
			cap *= 2;
		}
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = 1;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void cpol_sb_addc(struct cpol_strbuf *b, char c) { cpol_sb_add(b, &c, 1); }

void cpol_sb_adds(struct cpol_strbuf *b, const char *s) { cpol_sb_add(b, s, strlen(s)); }
