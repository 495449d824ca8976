/* cli/say.c -- the error line, --help and --version of codexpolc and
 * codexrun (see say.h). */
#include "config.h"

#include "cli/say.h"

#include <stdarg.h>
#include <stdio.h>

int cpol_cli_error(const char *prog, int status, int help, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	if (help)
		fprintf(stderr, "Try '%s --help' for more information.\n", prog);
	va_end(ap);
	return status;
}

int cpol_cli_help(const char *usage_text)
{
	fputs(usage_text, stdout);
	return 0;
}

int cpol_cli_version(const char *prog)
{
	printf("%s (codexpol) %s\n", prog, PACKAGE_VERSION);
	return 0;
}

const char *cpol_cli_bad_word(char **argv)
{
	/* getopt_long has moved optind past the word it could not take */
	return argv[optind - 1];
}
