/* compiler/strtab.c -- the growable buffer and the string table of the
 * image: every string (names, reasons, patterns, paths) stored once. */
#include "compiler/build.h"
#include "vm/image.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

size_t cpol_buf_put(struct cpol_buf *b, const void *data, size_t n)
{
	size_t at = b->n;
	if (b->oom || n == 0)
		return at; /* nothing to add (and b->p may still be NULL) */
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->n + n)
			cap *= 2;
		uint8_t *p = realloc(b->p, cap);
		if (!p) {
			b->oom = 1;
			return at;
		}
		b->p = p;
		b->cap = cap;
	}
	if (data)
		memcpy(b->p + b->n, data, n);
	else
		memset(b->p + b->n, 0, n);
	b->n += n;
	return at;
}

void cpol_buf_align8(struct cpol_buf *b)
{
	size_t pad = (8 - (b->n & 7)) & 7;
	if (pad)
		cpol_buf_put(b, NULL, pad);
}

void cpol_buf_free(struct cpol_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

static uint64_t str_hash(const void *entries, uint32_t i)
{
	return ((const struct cpol_strent *)entries)[i].h;
}

uint32_t cpol_strtab_id(struct cpol_strtab *t, const char *s, uint32_t len)
{
	if (t->oom)
		return 0;
	if (cpol_hindex_room(&t->ix, t->n, 1024, str_hash, t->v) < 0) {
		t->oom = 1;
		return 0;
	}
	uint64_t h = XXH3_64bits(s, len);
	uint32_t k = cpol_hindex_start(&t->ix, h);
	for (; t->ix.slot[k]; k = cpol_hindex_next(&t->ix, k)) {
		const struct cpol_strent *e = &t->v[t->ix.slot[k] - 1];
		if (e->h == h && e->len == len && memcmp(e->s, s, len) == 0)
			return t->ix.slot[k] - 1;
	}
	if (t->n == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 256;
		struct cpol_strent *v = realloc(t->v, cap * sizeof *v);
		if (!v) {
			t->oom = 1;
			return 0;
		}
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n] = (struct cpol_strent){ s, len, h };
	t->ix.slot[k] = ++t->n;
	return t->n - 1;
}

void cpol_strtab_emit(const struct cpol_strtab *t, struct cpol_buf *out)
{
	size_t base = out->n;
	size_t table = (size_t)t->n * sizeof(struct cpol_img_str);
	size_t at = table;
	for (uint32_t i = 0; i < t->n; i++) {
		struct cpol_img_str e = { (uint32_t)at, t->v[i].len };
		cpol_buf_put(out, &e, sizeof e);
		at += t->v[i].len + 1;
	}
	for (uint32_t i = 0; i < t->n; i++) {
		cpol_buf_put(out, t->v[i].s, t->v[i].len);
		cpol_buf_put(out, "", 1);
	}
	(void)base;
}

void cpol_strtab_free(struct cpol_strtab *t)
{
	free(t->v);
	cpol_hindex_free(&t->ix);
	memset(t, 0, sizeof *t);
}
