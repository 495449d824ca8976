/* common/arena.c -- the bump allocator that owns every AST node and string
 * of a compilation unit; everything is freed at once with the unit. */
#include "common/arena.h"

#include <stdlib.h>
#include <string.h>

struct cpol_arena_block {
	struct cpol_arena_block *next;
	size_t used, size;
	max_align_t data[];
};

struct cpol_arena {
	struct cpol_arena_block *head;
	int oom;
};

cpol_arena *cpol_arena_new(void)
{
	return calloc(1, sizeof(cpol_arena));
}

void cpol_arena_free(cpol_arena *a)
{
	if (!a)
		return;
	struct cpol_arena_block *b = a->head;
	while (b) {
		struct cpol_arena_block *n = b->next;
		free(b);
		b = n;
	}
	free(a);
}

int cpol_arena_oom(const cpol_arena *a)
{
	return a->oom;
}

void *cpol_arena_alloc(cpol_arena *a, size_t size)
{
	const size_t align = sizeof(max_align_t);
	if (!a || a->oom)
		return NULL;
	if (size > ((size_t)1 << 40)) {
		a->oom = 1;
		return NULL;
	}
	size = (size + align - 1) & ~(align - 1);
	struct cpol_arena_block *b = a->head;
	if (!b || b->size - b->used < size) {
		size_t bsize = size > 60000 ? size : 64000;
		b = malloc(sizeof *b + bsize);
		if (!b) {
			a->oom = 1;
			return NULL;
		}
		b->size = bsize;
		b->used = 0;
		/* A large one-off block goes behind the current one, so the current
		 * block's free space stays in use. */
		if (a->head && size > 60000) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	void *p = (char *)b->data + b->used;
	b->used += size;
	memset(p, 0, size);
	return p;
}

char *cpol_arena_strndup(cpol_arena *a, const char *s, size_t n)
{
	char *p = cpol_arena_alloc(a, n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = 0;
	}
	return p;
}
