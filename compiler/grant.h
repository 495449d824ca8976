/* compiler/grant.h -- the `grant` lines of prompt rules: checks (called by
 * resolve for every rule) and the GRANTS section (called by codegen). */
#ifndef CPOL_COMPILER_GRANT_H
#define CPOL_COMPILER_GRANT_H

#include <stdint.h>

#include "compiler/build.h"
#include "compiler/compiler.h"

/* Most grant entries (paths and port ranges) one rule may carry. */
#define CPOL_GRANT_MAX 32

/* Report grants on a rule that is not a prompt, and bad paths or ports. */
void cpol_grant_check(cpol_unit *u, const cpol_stmt *rule);
/* Append struct cpol_img_grant entries for every rule's grants, in rule
 * order; returns how many. */
uint32_t cpol_grant_gen(const struct cpol_model *m, struct cpol_strtab *st, struct cpol_buf *out);

#endif
