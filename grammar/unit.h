/* grammar/unit.h -- the compilation unit: the source files it holds, their
 * comments, the diagnostics every phase of the compiler reports into, and
 * the front end's entry points that fill it. The syntax tree itself is in
 * ast.h; what is in a unit is freed with it (cpol_unit_free).
 */
#ifndef CPOL_GRAMMAR_UNIT_H
#define CPOL_GRAMMAR_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/arena.h"

/* Limits of the front end; each is reported with a clear message. */
#define CPOL_MAX_FILE_SIZE   (16u << 20) /* bytes per source file */
#define CPOL_MAX_STRING      4096u       /* bytes in one string literal */
#define CPOL_MAX_INCLUDE     16          /* include depth */
#define CPOL_MAX_FILES       1024        /* files in one unit */
#define CPOL_MAX_NESTING     64          /* parentheses / `not` in one condition */
#define CPOL_MAX_ERRORS      100         /* diagnostics before giving up */

/* A source position: file index in the unit, 1-based line and byte column. */
typedef struct cpol_loc {
	uint32_t file;
	uint32_t line;
	uint32_t col;
} cpol_loc;

struct cpol_stmt;

/* One comment, kept for the formatter. */
typedef struct cpol_comment {
	cpol_loc loc;
	const char *text;         /* from '#' to the end of the line, without the newline */
	uint32_t len;
	struct cpol_comment *next;
} cpol_comment;

/* A parsed source file. */
typedef struct cpol_file {
	uint32_t index;           /* in unit->files */
	const char *path;         /* as opened */
	const char *real;         /* realpath, to detect cycles and repeats */
	const char *text; size_t size;
	struct cpol_stmt *stmts;
	cpol_comment *comments;
	uint32_t depth;           /* include depth (0 for the main file) */
	uint32_t include_stmt_file; cpol_loc included_at; /* where it was included from */
	uint8_t used;             /* something in it is referenced (lint) */
	uint8_t prelude;          /* loaded as (part of) the prelude */
} cpol_file;

/* ---- diagnostics -------------------------------------------------------- */

enum cpol_severity { CPOL_SEV_NOTE, CPOL_SEV_WARNING, CPOL_SEV_ERROR };

typedef struct cpol_diag {
	uint8_t severity;
	cpol_loc loc;             /* line 0: no position (whole file or unit) */
	const char *wname;        /* warning name for [-Wname], or NULL */
	char *msg;
} cpol_diag;

/* The named warnings: each can be disabled with -Wno-NAME. */
#define CPOL_WARNINGS(X) \
	X(SHADOWED,        "shadowed",        "rule can never decide: an earlier rule always matches first") \
	X(DUP_PATTERN,     "duplicate-pattern", "the same string appears twice where once is enough") \
	X(OVERRIDDEN,      "overridden",      "allow rule that a forbid rule always overrides") \
	X(UNUSED,          "unused",          "set or include that nothing uses") \
	X(NO_TEST,         "missing-test",    "policy without a test section") \
	X(PROFILE,         "profile",         "sandbox grants more than the policy's name says") \
	X(DUP_INCLUDE,     "duplicate-include", "file included more than once")

enum cpol_warning {
#define CPOL_W_ENUM(id, name, help) CPOL_WARN_##id,
	CPOL_WARNINGS(CPOL_W_ENUM)
#undef CPOL_W_ENUM
	CPOL_WARN__COUNT
};

/* ---- the compilation unit ---------------------------------------------- */

typedef struct cpol_unit {
	cpol_arena *arena;
	cpol_file **files; uint32_t nfiles, capfiles;
	cpol_diag *diags; uint32_t ndiags, capdiags;
	uint32_t nerrors, nwarnings;
	const char **incdirs; uint32_t nincdirs;
	uint8_t warn_off[CPOL_WARN__COUNT];
	uint8_t werror;
	uint8_t gave_up;          /* CPOL_MAX_ERRORS reached */
	/* In-memory sources (fuzzing, tests): when set, files are looked up here
	 * by path instead of on disk. */
	const char *const *mem_paths; const char *const *mem_texts;
	const size_t *mem_sizes; uint32_t nmem;
	/* The prelude: a file included before everything of the main file
	 * unless that says `prelude none;` (NULL: no prelude). Files it loads
	 * are marked, and a later include of one of them is skipped quietly. */
	const char *prelude;
	/* A policy layer of codexrun: the files the main file includes are the
	 * layer's own, each of them may say `prelude none;`. */
	uint8_t layer;
} cpol_unit;

cpol_unit *cpol_unit_new(void);
void cpol_unit_free(cpol_unit *u);
int cpol_unit_add_incdir(cpol_unit *u, const char *dir);
/* Enable (on != 0) or disable a warning by name; -1 if the name is unknown. */
int cpol_unit_set_warning(cpol_unit *u, const char *name, int on);

/* Record a diagnostic. For warnings `w` names it (CPOL_WARN_*); pass -1 for
 * errors and notes. Disabled warnings are dropped; -Werror makes warnings
 * errors. */
void cpol_diag_add(cpol_unit *u, enum cpol_severity sev, cpol_loc loc, int w,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void cpol_diag_addv(cpol_unit *u, enum cpol_severity sev, cpol_loc loc, int w,
                    const char *fmt, va_list ap);
#define cpol_error_at(u, loc, ...) cpol_diag_add((u), CPOL_SEV_ERROR, (loc), -1, __VA_ARGS__)
#define cpol_note_at(u, loc, ...)  cpol_diag_add((u), CPOL_SEV_NOTE, (loc), -1, __VA_ARGS__)
#define cpol_warn_at(u, loc, w, ...) cpol_diag_add((u), CPOL_SEV_WARNING, (loc), (w), __VA_ARGS__)

/* Print every diagnostic as `file:line:col: severity: message [-Wname]`,
 * followed by the source line and a caret under the column. */
void cpol_diag_print(const cpol_unit *u, FILE *out);

/* ---- the front end ------------------------------------------------------ */

/* Parse `path` (and, recursively, what it includes) into the unit. Returns
 * the main file, or NULL when it could not be read at all. Syntax errors are
 * diagnostics; check u->nerrors. */
cpol_file *cpol_parse_file(cpol_unit *u, const char *path);
/* The same for a buffer (path is only its name in diagnostics; includes are
 * resolved against its folder). */
cpol_file *cpol_parse_buffer(cpol_unit *u, const char *path, const char *text, size_t size);
/* Does the policy of main leave the prelude out: `prelude none;` in main,
 * or, for a layer (u->layer), in a file main includes (once its includes
 * are resolved)? */
int cpol_no_prelude(const cpol_unit *u, const cpol_file *main);

#endif
