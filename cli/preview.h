/* cli/preview.h -- codexpolc --preview: what a policy decides over a corpus
 * of command lines, or what changes between two policies. */
#ifndef CPOL_CLI_PREVIEW_H
#define CPOL_CLI_PREVIEW_H

#include <stdio.h>

struct cpol_preview_opts {
	const char *old_image;     /* NULL: one image only (new_image) */
	const char *new_image;
	const char *corpus;        /* a file, or "-" for standard input */
	const char *workspace;     /* NULL: the working directory */
	int json;                  /* one JSON object instead of text */
	unsigned top;              /* rules listed in the summary (10) */
};

/* Evaluate every command line of the corpus and print the report on out.
 * Returns the exit status of codexpolc: 0, or 1 when an image or the
 * corpus cannot be read (after a message on stderr). */
int cpol_preview(const struct cpol_preview_opts *o, FILE *out);

#endif
