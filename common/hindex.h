/* common/hindex.h -- an index by hash over an array the caller owns (the
 * compiler's string table and its sets and groups): open addressing with
 * linear probing, kept at most half full; a slot holds entry number + 1,
 * 0 when empty. The caller keeps each entry's 64-bit hash and compares the
 * candidates the probe gives; the index never looks at the entries'
 * contents. Start from `struct cpol_hindex ix = { 0 };`.
 *
 *   for (k = cpol_hindex_start(&ix, h); ix.slot[k]; k = cpol_hindex_next(&ix, k))
 *           if (entry ix.slot[k] - 1 is the one) return it;
 *   ix.slot[k] = new entry number + 1;   (after cpol_hindex_room)
 */
#ifndef CPOL_COMMON_HINDEX_H
#define CPOL_COMMON_HINDEX_H

#include <stdint.h>

struct cpol_hindex {
	uint32_t *slot;
	uint32_t cap;            /* a power of two, or 0 before the first use */
};

/* The hash of entry i of the caller's array. */
typedef uint64_t (*cpol_hindex_hash_fn)(const void *entries, uint32_t i);

/* Room for one entry more than the n there are: when the index would be
 * over half full it grows (to at least min_cap slots, a power of two) and
 * is rebuilt from the entries' hashes. 0, or -1 when out of memory (the
 * index is then unchanged). */
int cpol_hindex_room(struct cpol_hindex *ix, uint32_t n, uint32_t min_cap, cpol_hindex_hash_fn hash,
                     const void *entries);

static inline uint32_t cpol_hindex_start(const struct cpol_hindex *ix, uint64_t h)
{
	return (uint32_t)h & (ix->cap - 1);
}

static inline uint32_t cpol_hindex_next(const struct cpol_hindex *ix, uint32_t k)
{
	return (k + 1) & (ix->cap - 1);
}

void cpol_hindex_free(struct cpol_hindex *ix);

#endif
