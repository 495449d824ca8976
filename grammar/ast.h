/* grammar/ast.h -- the syntax tree of a .cpol policy, the compilation unit
 * that owns it (arena, files, diagnostics, options), and the diagnostics
 * interface shared by every phase of the compiler.
 *
 * Every node carries its source location. All nodes and strings live in the
 * unit's arena and are freed together with the unit, so error paths never
 * leak and never double-free.
 */
#ifndef CPOL_GRAMMAR_AST_H
#define CPOL_GRAMMAR_AST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

enum cpol_dec { CPOL_DEC_ALLOW = 0, CPOL_DEC_PROMPT = 1, CPOL_DEC_FORBID = 2 };

/* ---- lists of strings and set names ------------------------------------- */

enum cpol_item_kind { CPOL_ITEM_STRING, CPOL_ITEM_NAME };

typedef struct cpol_item {
	uint8_t kind;             /* enum cpol_item_kind */
	uint32_t len;
	const char *text;         /* unescaped bytes (NUL-terminated), or the name */
	cpol_loc loc;
	struct cpol_stmt *def;    /* CPOL_ITEM_NAME: the `set` it names (resolve) */
	struct cpol_item *next;
} cpol_item;

typedef struct cpol_list {
	cpol_item *first, *last;
	uint32_t n;
	cpol_loc loc;
	uint8_t paren;            /* written as ( ... ) */
} cpol_list;

/* ---- conditions ---------------------------------------------------------- */

enum cpol_cond_kind {
	CPOL_C_AND, CPOL_C_OR, CPOL_C_NOT, CPOL_C_TRUE,
	CPOL_C_PROGRAM,   /* program LIST */
	CPOL_C_ARG,       /* arg N PRED */
	CPOL_C_ANYARG,    /* any arg PRED (arguments 1..) */
	CPOL_C_NOARG,     /* no arg PRED */
	CPOL_C_ARGC,      /* argc CMP N */
	CPOL_C_SUBSTRING, /* substring LIST: in an argument or the joined line */
	CPOL_C_WRITES,    /* writes [outside|inside sandbox.write] */
	CPOL_C_NETWORK,   /* network */
	CPOL_C_OPTIONS    /* options only LIST: every option of the command is listed */
};

enum cpol_pred {
	CPOL_P_IN, CPOL_P_IS, CPOL_P_PREFIX, CPOL_P_SUFFIX, CPOL_P_CONTAINS,
	CPOL_P_FLAG, CPOL_P_OPTION
};

enum cpol_cmp { CPOL_CMP_EQ, CPOL_CMP_NE, CPOL_CMP_LT, CPOL_CMP_LE, CPOL_CMP_GT, CPOL_CMP_GE };

enum cpol_writes_mode { CPOL_W_ANY, CPOL_W_OUTSIDE, CPOL_W_INSIDE };

typedef struct cpol_cond {
	uint8_t kind;             /* enum cpol_cond_kind */
	uint8_t pred;             /* enum cpol_pred, for ARG/ANYARG/NOARG */
	uint8_t op;               /* enum cpol_cmp (ARGC) or cpol_writes_mode (WRITES) */
	uint32_t num;             /* ARG index, ARGC operand */
	cpol_list list;           /* PROGRAM, SUBSTRING, predicate operands */
	struct cpol_cond *a, *b;  /* AND/OR: both; NOT: a */
	cpol_loc loc;
} cpol_cond;

/* ---- statements ---------------------------------------------------------- */

enum cpol_stmt_kind {
	CPOL_S_POLICY, CPOL_S_INCLUDE, CPOL_S_SANDBOX, CPOL_S_DEFAULT, CPOL_S_SET,
	CPOL_S_RULE, CPOL_S_INTENT, CPOL_S_TEST,
	CPOL_S_WRAPPER,
	CPOL_S_LIMITS,
	CPOL_S_PRELUDE            /* `prelude none;`: leave the prelude out */
};

enum cpol_rule_form { CPOL_FORM_BLOCK, CPOL_FORM_PROGRAM, CPOL_FORM_SUBSTRING };
enum cpol_action { CPOL_ACT_NONE, CPOL_ACT_DECIDE, CPOL_ACT_SCRIPT };

enum cpol_net { CPOL_NETMODE_UNSET, CPOL_NETMODE_NONE, CPOL_NETMODE_CONNECT,
                CPOL_NETMODE_OUTBOUND, CPOL_NETMODE_ANY };

typedef struct cpol_port {
	uint32_t lo, hi;          /* inclusive; hi == lo for one port */
	cpol_loc loc;
	struct cpol_port *next;
} cpol_port;

enum cpol_sb_kind { CPOL_SB_READ, CPOL_SB_WRITE, CPOL_SB_PROTECT, CPOL_SB_NETWORK,
                    CPOL_SB_BIND, CPOL_SB_ENV_KEEP, CPOL_SB_UNIX,
                    CPOL_SB_DENY_READ /* `deny read LIST;` */ };

typedef struct cpol_sbitem {
	uint8_t kind;             /* enum cpol_sb_kind */
	uint8_t net;              /* enum cpol_net, for NETWORK */
	cpol_list list;           /* READ, WRITE, PROTECT, ENV_KEEP, UNIX, DENY_READ */
	cpol_port *ports;         /* NETWORK connect, BIND */
	cpol_loc loc;
	struct cpol_sbitem *next;
} cpol_sbitem;

enum cpol_intent_kind { CPOL_INTENT_NETWORK, CPOL_INTENT_WRITE };
enum cpol_target_kind { CPOL_T_LAST, CPOL_T_OPERANDS, CPOL_T_AFTER, CPOL_T_VALUE, CPOL_T_CWD };

typedef struct cpol_target {
	uint8_t kind;             /* enum cpol_target_kind */
	uint32_t from;            /* OPERANDS from N (1-based operand), 1 by default */
	const char *text;         /* AFTER option / VALUE prefix */
	uint32_t len;
	cpol_loc loc;
	struct cpol_target *next;
} cpol_target;

typedef struct cpol_testcase {
	uint8_t expect;           /* enum cpol_dec */
	const char *line;         /* the command line, shell syntax */
	uint32_t len;
	const char *cwd;          /* optional working directory, or NULL */
	cpol_loc loc;
	struct cpol_testcase *next;
} cpol_testcase;

/* One entry of a `limits` block: `memory 4G;`, `open-files 4096;`,
 * `time none;`. Checked and converted by compiler/limits.c. */
typedef struct cpol_limit {
	const char *name;         /* joined with '-' for two-word names, NUL-terminated (arena) */
	uint32_t len;
	uint32_t value;
	const char *unit;         /* in the source, or NULL */
	uint32_t ulen;
	uint8_t none;             /* `none`: no limit */
	cpol_loc loc, vloc;       /* name, value */
	struct cpol_limit *next;
} cpol_limit;

struct cpol_file;

typedef struct cpol_stmt {
	uint8_t kind;             /* enum cpol_stmt_kind */
	cpol_loc loc;
	uint32_t seq;             /* position in source order over the unit (resolve) */
	struct cpol_stmt *next;
	union {
		struct { const char *name; uint32_t len; } policy;
		struct {
			const char *path; uint32_t len;
			struct cpol_file *file;   /* resolved; NULL if skipped or failed */
			uint8_t prelude;          /* the prelude, added by the driver */
		} include;
		struct { cpol_sbitem *items; } sandbox;
		struct { cpol_limit *items; } limits;
		struct { uint8_t dec; } def;
		struct {
			const char *name; uint32_t len;
			cpol_list list;
			uint32_t uses;            /* references seen by resolve */
		} set;
		struct {
			uint8_t form;             /* enum cpol_rule_form */
			const char *name; uint32_t len; /* "" for short forms until resolve names it */
			cpol_loc name_loc;
			cpol_cond *when, *unless; /* NULL when absent */
			uint8_t action;           /* enum cpol_action */
			uint8_t dec;              /* CPOL_ACT_DECIDE */
			uint32_t script_arg;      /* CPOL_ACT_SCRIPT */
			const char *because; uint32_t because_len; /* NULL when absent */
			cpol_loc action_loc;
			uint32_t index;           /* source order over the whole unit (resolve) */
			uint8_t nwhen, naction;   /* counts, to diagnose duplicates */
			struct cpol_grant *grants; /* `grant` lines, in source order (prompt rules only) */
		} rule;
		struct {
			uint8_t kind;             /* enum cpol_intent_kind */
			cpol_list programs;
			cpol_target *targets;     /* WRITE */
			cpol_cond *when;          /* NULL when absent */
		} intent;
		struct { cpol_testcase *cases; } test;
		struct {
			cpol_list programs;
			cpol_list options;        /* the wrapper's own options (allowlist members) */
			uint32_t skip;            /* operands before the command */
			cpol_list after, until;   /* command after MARKER until END (find -exec) */
			uint8_t has_options, assignments, input, has_command;
			uint8_t script;           /* the command's words joined are a `sh -c` script (watch) */
		} wrapper;
	} u;
} cpol_stmt;

/* One `grant` line of a rule: what an approved prompt of that rule adds to
 * the profile's sandbox for the one command. */
enum cpol_grant_kind { CPOL_GRANT_WRITE, CPOL_GRANT_CONNECT, CPOL_GRANT_UNIX };

typedef struct cpol_grant {
	uint8_t kind;             /* enum cpol_grant_kind */
	cpol_list list;           /* WRITE, UNIX: paths */
	cpol_port *ports;         /* CONNECT */
	cpol_loc loc;
	struct cpol_grant *next;
} cpol_grant;

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
	cpol_stmt *stmts;
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

typedef struct cpol_arena cpol_arena;

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
} cpol_unit;

cpol_unit *cpol_unit_new(void);
void cpol_unit_free(cpol_unit *u);
int cpol_unit_add_incdir(cpol_unit *u, const char *dir);
/* Enable (on != 0) or disable a warning by name; -1 if the name is unknown. */
int cpol_unit_set_warning(cpol_unit *u, const char *name, int on);

/* Arena allocation, zero-filled. On out-of-memory they return NULL and mark
 * the arena, and the unit reports one "out of memory" error; the AST helpers
 * accept NULL operands, so the parser needs no checks of its own. */
cpol_arena *cpol_arena_new(void);
void cpol_arena_free(cpol_arena *a);
int cpol_arena_oom(const cpol_arena *a);
void *cpol_arena_alloc(cpol_arena *a, size_t size);
char *cpol_arena_strndup(cpol_arena *a, const char *s, size_t n);

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

#endif
