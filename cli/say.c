/* cli/say.c -- the error line of codexpolc and codexrun (see say.h). */
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
