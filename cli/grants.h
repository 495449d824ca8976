/* cli/grants.h -- codexrun's side of per-rule grants: widening the sandbox
 * spec of one approved command by exactly the grants of the rule that made
 * the prompt (cli/grants.c). */
#ifndef CPOL_CLI_GRANTS_H
#define CPOL_CLI_GRANTS_H

#include "cli/run.h"

/* The storage behind a widened spec; zero it before use. */
struct run_grants {
	const char **paths;       /* write roots, then protected paths */
	char *strs;
	uint16_t *ports;
	unsigned nwrite, nconnect, nunix;
	char text[2048];          /* "write ~/.cache/pip, network connect 443" ("" when none) */
};

/* Add the grants of rule `rule` (a verdict's index; < 0: none) to rs->spec:
 * write grants become write roots (with the image's relative protected names,
 * .git among them, inside each), connect grants open those TCP ports (a
 * profile without network becomes connect-to-those-ports; outbound and any
 * already allow them). UNIX-socket grants are only described here. The spec
 * then points into g until run_grants_free. 0, or -1 with err. */
int run_grants_apply(const cpol_image *im, int rule, const cpol_env *env, struct cpol_spec *rs,
                     struct run_grants *g, cpol_error *err);
void run_grants_free(struct run_grants *g);

#endif
