/* common/lower_bound.h -- the one binary search of the tree: the first
 * index in [0, n) at which `below` (an expression in the index `mid`) is
 * false, for an array sorted so that `below` holds for a prefix. A macro,
 * not a function taking a comparison callback, so that the evaluator's
 * searches stay inline; it never allocates. */
#ifndef CPOL_COMMON_LOWER_BOUND_H
#define CPOL_COMMON_LOWER_BOUND_H

#include <stdint.h>

#define CPOL_LOWER_BOUND(lo, n, mid, below)                   \
	do {                                                  \
		uint32_t cpol_lb_hi_ = (n);                   \
		(lo) = 0;                                     \
		while ((lo) < cpol_lb_hi_) {                  \
			uint32_t mid = (lo) + (cpol_lb_hi_ - (lo)) / 2; \
			if (below)                            \
				(lo) = mid + 1;               \
			else                                  \
				cpol_lb_hi_ = mid;            \
		}                                             \
	} while (0)

#endif
