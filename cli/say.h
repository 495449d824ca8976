/* cli/say.h -- how the programs of cli/ (and the modes of integrations/)
 * talk on their command line: one error line "PROGRAM: message" on stderr
 * and, for a mistake in the command line, the hint to --help after it; the
 * rows of their getopt_long tables; and the replies to --help and
 * --version. Only words: what to do next (the exit status, an audit
 * record) stays the caller's. */
#ifndef CPOL_CLI_SAY_H
#define CPOL_CLI_SAY_H

#include <getopt.h>

/* Print the line (with help: "Try 'PROGRAM --help' for more
 * information." after it); returns status, so that a step can end with
 * `return cpol_cli_error(...)`. */
int cpol_cli_error(const char *prog, int status, int help, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The rows of a getopt_long table: an option alone, one that takes an
 * argument, one whose argument is optional (--name=VALUE only), and the
 * rows every program ends with. */
#define CPOL_OPT_FLAG(name, val)  { name, no_argument, NULL, val }
#define CPOL_OPT_ARG(name, val)   { name, required_argument, NULL, val }
#define CPOL_OPT_MAYBE(name, val) { name, optional_argument, NULL, val }
#define CPOL_OPT_HELP             CPOL_OPT_FLAG("help", 'h')
#define CPOL_OPT_VERSION          CPOL_OPT_FLAG("version", 'V')
#define CPOL_OPT_END              { NULL, 0, NULL, 0 }

/* --help: the usage text on stdout. --version: "PROGRAM (codexpol)
 * VERSION" on stdout. Both return 0, the exit status. */
int cpol_cli_help(const char *usage_text);
int cpol_cli_version(const char *prog);

/* The word of the command line getopt_long stopped at with ':' (an
 * argument missing) or '?' (an unknown option). */
const char *cpol_cli_bad_word(char **argv);

#endif
