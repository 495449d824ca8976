/* compiler/build.h -- the code generator's building blocks: a growable
 * byte buffer, the interned string table, and the Aho-Corasick builder.
 * Allocation failures set an `oom` flag that codegen checks once. */
#ifndef CPOL_COMPILER_BUILD_H
#define CPOL_COMPILER_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "common/hindex.h"

struct cpol_buf {
	uint8_t *p;
	size_t n, cap;
	int oom;
};

/* Append n bytes (zeros when data is NULL); returns the offset written. */
size_t cpol_buf_put(struct cpol_buf *b, const void *data, size_t n);
/* Pad with zeros to a multiple of 8. */
void cpol_buf_align8(struct cpol_buf *b);
void cpol_buf_free(struct cpol_buf *b);

struct cpol_strtab {
	struct cpol_strent { const char *s; uint32_t len; uint64_t h; } *v;
	uint32_t n, cap;
	struct cpol_hindex ix;     /* by hash: id + 1 */
	int oom;
};

/* The id of a string, adding it when new (the bytes must outlive the table). */
uint32_t cpol_strtab_id(struct cpol_strtab *t, const char *s, uint32_t len);
/* Write the STRINGS section (entries, then NUL-terminated bytes). */
void cpol_strtab_emit(const struct cpol_strtab *t, struct cpol_buf *out);
void cpol_strtab_free(struct cpol_strtab *t);

struct cpol_acb;
struct cpol_acb *cpol_acb_new(void);
/* Add a pattern that belongs to `group` (string id `str` for explanations). */
int cpol_acb_add(struct cpol_acb *b, const char *pat, uint32_t len, uint32_t group, uint32_t str);
/* Write the AC section. Returns 0, or -1 when the automaton is too large
 * or memory ran out (msg says which). */
int cpol_acb_emit(struct cpol_acb *b, struct cpol_buf *out, uint32_t *nstates, const char **msg);
void cpol_acb_free(struct cpol_acb *b);

#endif
