/* sandbox/denyread.h -- the Linux backend's plan of `deny read` (called
 * by cpol_sandbox_prepare). The paths as Landlock can hold them: the
 * read roots replaced by their complement, every entry of each folder
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
#include "sandbox/sandbox.h"

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

/* Plan the spec's `deny read` entries: its absolute paths against its read
 * and write roots (missing ones count: nothing may appear there later), at
 * most 4096 read roots in the complement; its names inside its write roots,
 * the entries that match when the run starts, at most 100000 searched in all
 * (past that, `degraded` says so; outside the write roots only the policy
 * holds a name, refusing a command that names a match). out must be zeroed.
 * -1 (err) on memory or when the complement would need more roots. */
int cpol_denyread_spec(const struct cpol_sandbox_spec *spec, struct cpol_denyread *out, cpol_error *err);
void cpol_denyread_free(struct cpol_denyread *d);

#endif
