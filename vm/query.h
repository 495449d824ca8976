/* vm/query.h -- what the programs may ask of a loaded image beyond the
 * public interface (include/codexpol.h), without seeing its layout: read it
 * from an open descriptor, and the per-rule grants as text. The image stays
 * the opaque cpol_image here; vm/vm.h (the VM's internal view) includes
 * this header, so the definitions in vm/ stay where they are. The sandbox
 * section itself is read by sandbox/spec_read.c only. */
#ifndef CPOL_VM_QUERY_H
#define CPOL_VM_QUERY_H

#include <stddef.h>

#include "codexpol.h"

/* cpol_image_open from an open descriptor (read, never mapped; not closed);
 * path only names it in messages (load.c). */
cpol_image *cpol_image_read_fd(int fd, const char *path, cpol_error *err);

/* The image format version this library reads and writes (a key of
 * cached compiled images). */
unsigned cpol_image_format_version(void);

/* All grants of a rule, joined by ", " ("" when none); the length written
 * (grants.c). */
size_t cpol_rule_grants_text(const cpol_image *im, int rule, char *buf, size_t cap);
/* The i-th grant of a rule as text ("write ~/.cache/pip", "network connect
 * 443"); snprintf's result, or -1 when the rule has no i-th grant. */
int cpol_rule_grant_text(const cpol_image *im, int rule, unsigned i, char *buf, size_t cap);
/* The name of the first rule that grants anything, NULL when none does. */
const char *cpol_image_grant_rule(const cpol_image *im);

#endif
