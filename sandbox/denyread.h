/* sandbox/denyread.h -- `deny read` paths as Landlock can hold them: the
 * read roots are replaced by their complement, every entry of each folder
 * on the way down to a denied path but the one that leads there. A denied
 * folder is then under no granted root, so what is created in it later is
 * unreadable too; symbolic links on the way are not granted (their targets
 * are, where they are readable), so no link leads back in.
 *
 * Landlock cannot express a denied path inside a write root (which grants
 * reading everything below it): those that exist go to `masks`, which the
 * child's mount namespace covers (mask.c); a missing one, and a write root
 * inside a denied folder, are said in `degraded`. */
#ifndef CPOL_SANDBOX_DENYREAD_H
#define CPOL_SANDBOX_DENYREAD_H

#include <stddef.h>

#include "common/error.h"

struct cpol_denyread {
	char **reads;            /* the new read roots (malloc'd strings) */
	size_t nread;
	char **lists;            /* the folders split up: listable, not readable */
	size_t nlist;
	size_t ndenied;          /* denied paths that lie under a read root */
	char **masks;            /* existing denied paths inside write roots (mask.c covers them) */
	size_t nmask;
	char degraded[512];
};

/* reads, writes: the absolute roots of the spec; deny: absolute denied paths
 * (missing ones count: nothing may appear there later). -1 (err) on memory
 * or when the complement would exceed `max` roots. */
int cpol_denyread_plan(const char *const *reads, size_t nread, const char *const *writes, size_t nwrite,
                       const char *const *deny, size_t ndeny, size_t max, struct cpol_denyread *out,
                       cpol_error *err);
/* Patterns ("**" "/.env": a name matched with fnmatch, FNM_PERIOD): every
 * entry of the write roots that matches goes to out->masks, searched when
 * the run starts, at most `budget` entries in all (past it, `degraded`
 * says so). out must come from cpol_denyread_plan (or be zeroed). */
int cpol_denyread_patterns(const char *const *writes, size_t nwrite, const char *const *pat, size_t npat,
                           size_t budget, struct cpol_denyread *out, cpol_error *err);
void cpol_denyread_free(struct cpol_denyread *d);

#endif
