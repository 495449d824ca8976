/* cli/say.h -- how the programs of cli/ report an error: one line
 * "PROGRAM: message" on stderr and, for a mistake in the command line, the
 * hint to --help after it. Only the message: what to do next (the exit
 * status, an audit record) stays the caller's. */
#ifndef CPOL_CLI_SAY_H
#define CPOL_CLI_SAY_H

/* Print the line (with help: "Try 'PROGRAM --help' for more
 * information." after it); returns status, so that a step can end with
 * `return cpol_cli_error(...)`. */
int cpol_cli_error(const char *prog, int status, int help, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
