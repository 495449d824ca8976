/* common/arena.h -- a bump allocator: many small zero-filled blocks freed
 * all at once. The compiler keeps every AST node and string of a unit in one,
 * so its error paths never leak and never double-free. It never frees a
 * single block and never reports errors itself: the owner asks
 * cpol_arena_oom() and reports. */
#ifndef CPOL_COMMON_ARENA_H
#define CPOL_COMMON_ARENA_H

#include <stddef.h>

typedef struct cpol_arena cpol_arena;

/* Allocation is zero-filled. On out-of-memory it returns NULL and marks the
 * arena; the unit then reports one "out of memory" error, and the AST
 * helpers accept NULL operands, so the parser needs no checks of its own. */
cpol_arena *cpol_arena_new(void);
void cpol_arena_free(cpol_arena *a);
int cpol_arena_oom(const cpol_arena *a);
void *cpol_arena_alloc(cpol_arena *a, size_t size);
char *cpol_arena_strndup(cpol_arena *a, const char *s, size_t n);

#endif
