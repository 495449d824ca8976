/* cli/run_opts.c -- the options codexrun, its hook mode and codexpol-mcp
 * share (see run_opts.h). Only stores and checks; never prints or exits. */
#include "cli/run_opts.h"

#include <stddef.h>

int run_opts_take(int c, const char *arg, struct run_common_opts *o)
{
	switch (c) {
	case 'p': o->policy = arg; return 1;
	case RUN_OPT_PROFILE: o->profile = arg; return 1;
	case 'w': o->workspace = arg; return 1;
	case RUN_OPT_AUDIT: o->audit = arg; return 1;
	case RUN_OPT_CODEXRUN: o->codexrun = arg; return 1;
	}
	return 0;
}

int run_opts_next(int argc, char **argv, const char *shortopts, const struct option *longopts,
                  struct run_common_opts *o)
{
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1 && run_opts_take(c, optarg, o))
		;
	return c;
}

const char *run_opts_check(const struct run_common_opts *o)
{
	if (o->policy && o->profile)
		return "give -p or --profile, not both";
	return NULL;
}
