/* cli/prelude.h -- where codexpolc and codexrun (for its policy layers)
 * find the prelude, the stdlib's command knowledge (which programs write,
 * reach the network, wrap a command) that every policy gets unless it says
 * `prelude none;`. */
#ifndef CPOL_CLI_PRELUDE_H
#define CPOL_CLI_PRELUDE_H

#include <stddef.h>

#define CPOL_PRELUDE_NAME "prelude.cpol"

/* The prelude's absolute path, in out (cap bytes): the first prelude.cpol
 * found in each of incdirs, then $CODEXPOL_DATADIR, then the folder
 * stdlib-policies next to the running program (the build tree), then the
 * installed data folder. Returns 0, or -1 when there is none (out then
 * holds the installed path, for messages). */
int cpol_find_prelude(const char *const *incdirs, int nincdirs, char *out, size_t cap);
/* The same, from the two places the environment cannot choose: the build
 * tree next to the running program, then the installed data folder. */
int cpol_find_prelude_installed(char *out, size_t cap);

#endif
