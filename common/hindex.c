/* common/hindex.c -- the index by hash (see hindex.h). Allocates only its
 * own slots; never prints. */
#include "common/hindex.h"

#include <stdlib.h>

int cpol_hindex_room(struct cpol_hindex *ix, uint32_t n, uint32_t min_cap, cpol_hindex_hash_fn hash,
                     const void *entries)
{
	if (ix->cap && 2 * ((uint64_t)n + 1) <= ix->cap)
		return 0;
	uint64_t want = ix->cap ? (uint64_t)ix->cap * 2 : (min_cap ? min_cap : 1);
	while (want < 2 * ((uint64_t)n + 1))
		want *= 2;
	if (want > UINT32_MAX)
		return -1;
	uint32_t cap = (uint32_t)want;
	uint32_t *slot = calloc(cap, sizeof *slot);
	if (!slot)
		return -1;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t k = (uint32_t)hash(entries, i) & (cap - 1);
		while (slot[k])
			k = (k + 1) & (cap - 1);
		slot[k] = i + 1;
	}
	free(ix->slot);
	ix->slot = slot;
	ix->cap = cap;
	return 0;
}

void cpol_hindex_free(struct cpol_hindex *ix)
{
	free(ix->slot);
	ix->slot = NULL;
	ix->cap = 0;
}
