/* tests/grammar/helpers.h -- what the front-end suites share: parse a
 * policy held in memory (with in-memory include files and -I folders),
 * run the full checks (lint only), and show the diagnostics as the text
 * `LINE:COL: severity: message` that the tables compare against. */
#ifndef CPOL_TESTS_GRAMMAR_HELPERS_H
#define CPOL_TESTS_GRAMMAR_HELPERS_H

#include <stddef.h>

#include "compiler/compiler.h"
#include "grammar/ast.h"

/* An in-memory source file for includes. */
struct tfile {
	const char *path;
	const char *text;
};

/* Parse `text` as "t.cpol" (no includes resolvable). The unit is the
 * caller's to free; *main gets the main file when not NULL. */
cpol_unit *parse_policy(const char *text, cpol_file **main);
/* The prelude the parse helpers give every unit (NULL, unless a test sets it). */
extern const char *tests_prelude;
/* The same with include files and -I folders (both may be NULL/0), and an
 * explicit length (text may hold NUL bytes). */
cpol_unit *parse_policy_with(const char *path, const char *text, size_t len,
                             const struct tfile *files, size_t nfiles,
                             const char *const *incdirs, size_t nincdirs, cpol_file **main);
/* Parse and, when parsing succeeded, run cpol_compile in lint-only mode.
 * Returns the unit (free it). */
cpol_unit *lint_policy(const char *text);
cpol_unit *lint_policy_with(const char *path, const char *text, size_t len,
                            const struct tfile *files, size_t nfiles,
                            const char *const *incdirs, size_t nincdirs);
/* The same for a policy file on disk, its includes read from disk; *main
 * (when not NULL) gets its file, NULL if it could not be read. */
cpol_unit *lint_policy_file(const char *path, cpol_file **main);

/* Every diagnostic of the unit as "LINE:COL: severity: message\n" (with
 * "FILE:" in front when with_file), in a static buffer. */
const char *diag_text(const cpol_unit *u, int with_file);

/* The n-th statement (0-based) of a file, or NULL. */
cpol_stmt *nth_stmt(const cpol_file *f, unsigned n);
/* The number of statements of a file. */
unsigned count_stmts(const cpol_file *f);
/* The strings of a list joined with '|' ("a|b|@name" for set names), in a
 * static buffer that is overwritten by the next call. */
const char *list_text(const cpol_list *l);
/* A condition in prefix form: (and (program ls) (not (arg 1 in a|b))). */
const char *cond_text(const cpol_cond *c);

#endif
