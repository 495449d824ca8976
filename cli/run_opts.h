/* cli/run_opts.h -- the options that codexrun, codexrun --hook and
 * codexpol-mcp share, parsed in one place: -p/--policy, --profile,
 * -w/--workspace, --audit, and (hook and MCP server) --codexrun.
 *
 * A program puts RUN_OPTS_LONG (and RUN_OPT_LONG_CODEXRUN when it takes it)
 * in its getopt_long table and RUN_OPTS_SHORT in its short options, hands
 * every option to run_opts_take first, and checks run_opts_check once the
 * command line is read. Messages and exit statuses stay the program's.
 */
#ifndef CPOL_CLI_RUN_OPTS_H
#define CPOL_CLI_RUN_OPTS_H

#include <getopt.h>

#include "cli/say.h"

struct run_common_opts {
	const char *policy;       /* -p FILE: a compiled image */
	const char *profile;      /* --profile NAME: an installed image */
	const char *workspace;    /* -w DIR */
	const char *audit;        /* --audit DEST */
	const char *codexrun;     /* --codexrun PATH */
};

/* getopt_long values of the long-only options, clear of each program's own. */
enum { RUN_OPT_PROFILE = 0x1000, RUN_OPT_AUDIT, RUN_OPT_CODEXRUN };

#define RUN_OPTS_SHORT "p:w:"
#define RUN_OPTS_LONG                                                   \
	CPOL_OPT_ARG("policy", 'p'),                                    \
	CPOL_OPT_ARG("profile", RUN_OPT_PROFILE),                       \
	CPOL_OPT_ARG("workspace", 'w'),                                 \
	CPOL_OPT_ARG("audit", RUN_OPT_AUDIT)
#define RUN_OPT_LONG_CODEXRUN CPOL_OPT_ARG("codexrun", RUN_OPT_CODEXRUN)

/* Store option c (getopt_long's value) with its argument when it is a
 * shared one: 1, else 0. */
int run_opts_take(int c, const char *arg, struct run_common_opts *o);
/* getopt_long without its own messages (opterr = 0) that stores the shared
 * options in o and returns the next option that is the program's own (':'
 * for a missing argument, '?' for an unknown option), or -1 at the end. */
int run_opts_next(int argc, char **argv, const char *shortopts, const struct option *longopts,
                  struct run_common_opts *o);
/* NULL when the shared options go together, else what is wrong. */
const char *run_opts_check(const struct run_common_opts *o);

#endif
