/* grammar/fmt.h -- the canonical layout of a .cpol source (codexpolc --fmt).
 *
 * The formatter reads one file (its includes are not followed: formatting
 * is syntactic), and prints it again from its syntax tree and the comments
 * the lexer kept. A file with any lexical or syntax error is not formatted.
 * The output parses to the same tree, so it compiles to the same image
 * (debug positions aside); formatting the output again changes nothing.
 */
#ifndef CPOL_GRAMMAR_FMT_H
#define CPOL_GRAMMAR_FMT_H

#include <stddef.h>

#include "grammar/ast.h"

/* Lines longer than this get their lists wrapped one item per line. */
#define CPOL_FMT_WIDTH  100
#define CPOL_FMT_INDENT 4

/* Format text[0..size) (named `path` in diagnostics) into *out (malloc'd,
 * NUL-terminated, length in *outlen). The file is added to the unit, whose
 * diagnostics tell what is wrong. Returns 0, or -1 when the source has
 * errors or memory ran out (*out is then NULL). */
int cpol_fmt_source(cpol_unit *u, const char *path, const char *text, size_t size,
                    char **out, size_t *outlen);

#endif
