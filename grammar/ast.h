/* grammar/ast.h -- the syntax tree of a .cpol policy: the nodes the grammar's
 * actions build and every later phase reads. The unit that owns the tree
 * (files, diagnostics, options) is in unit.h, included here.
 *
 * Every node carries its source location. All nodes and strings live in the
 * unit's arena and are freed together with the unit, so error paths never
 * leak and never double-free.
 */
#ifndef CPOL_GRAMMAR_AST_H
#define CPOL_GRAMMAR_AST_H

#include <stddef.h>
#include <stdint.h>

#include "common/lang.h"
#include "common/sandbox_kinds.h"
#include "grammar/unit.h"

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
	CPOL_C_OPTIONS,   /* options only LIST: every option of the command is listed */
	CPOL_C_ANYVAL,    /* any value of SEL options LIST PRED: a value of a selected option */
	CPOL_C_NOVAL      /* no value of SEL options LIST PRED */
};

/* The predicates of common/lang.h, in its order (`is` too, so that the
 * formatter writes back what the author wrote). */
enum cpol_pred {
#define CPOL_P_ENUM(id, word, image, operand, members, source) CPOL_P_##id,
	CPOL_PREDICATES(CPOL_P_ENUM)
#undef CPOL_P_ENUM
	CPOL_P__COUNT
};

/* The keyword a predicate is written with. */
static inline const char *cpol_pred_source_word(unsigned p)
{
	switch (p) {
#define CPOL_P_WORD(id, word, image, operand, members, source) case CPOL_P_##id: return word;
	CPOL_PREDICATES(CPOL_P_WORD)
#undef CPOL_P_WORD
	default: return "?";
	}
}

/* The image predicate it compiles to (enum cpol_img_pred). */
static inline unsigned cpol_pred_image(unsigned p)
{
	switch (p) {
#define CPOL_P_IMAGE(id, word, image, operand, members, source) case CPOL_P_##id: return CPOL_PR_##image;
	CPOL_PREDICATES(CPOL_P_IMAGE)
#undef CPOL_P_IMAGE
	default: return CPOL_PR_IN;
	}
}

enum cpol_writes_mode { CPOL_W_ANY, CPOL_W_OUTSIDE, CPOL_W_INSIDE, CPOL_W_ROOT };

typedef struct cpol_cond {
	uint8_t kind;             /* enum cpol_cond_kind */
	uint8_t pred;             /* enum cpol_pred, for ARG/ANYARG/NOARG */
	uint8_t op;               /* enum cpol_cmp (ARGC) or cpol_writes_mode (WRITES); ANYVAL,
	                             NOVAL: 1 without a predicate (any value) */
	uint32_t num;             /* ARG index, ARGC operand */
	cpol_list list;           /* PROGRAM, SUBSTRING, predicate operands */
	cpol_list sel, opts;      /* ANYVAL/NOVAL: the options whose values are tested, and
	                             every option of the command (as in `options only`) */
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


typedef struct cpol_port {
	uint32_t lo, hi;          /* inclusive; hi == lo for one port */
	cpol_loc loc;
	struct cpol_port *next;
} cpol_port;

enum cpol_sb_kind { CPOL_SB_READ, CPOL_SB_WRITE, CPOL_SB_PROTECT, CPOL_SB_NETWORK,
                    CPOL_SB_BIND, CPOL_SB_ENV_KEEP, CPOL_SB_UNIX,
                    CPOL_SB_DENY_READ /* `deny read LIST;` */,
                    CPOL_SB_NET_ALLOW, CPOL_SB_NET_ALLOW_READ, CPOL_SB_NET_DENY /* `network allow [read]|deny LIST;` */ };

typedef struct cpol_sbitem {
	uint8_t kind;             /* enum cpol_sb_kind */
	uint8_t net;              /* enum cpol_net_mode, for NETWORK */
	cpol_list list;           /* READ, WRITE, PROTECT, ENV_KEEP, UNIX, DENY_READ, NET_* */
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
		struct { uint8_t dec; uint8_t confined; } def; /* confined: `default allow inside sandbox` */
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
			uint8_t has_replace;
			cpol_list replace;        /* options whose value is replaced by each input line (xargs -I) */
		} wrapper;
	} u;
} cpol_stmt;

/* One `grant` line of a rule: what an approved prompt of that rule adds to
 * the profile's sandbox for the one command. */
/* (enum cpol_grant_kind: common/sandbox_kinds.h) */

typedef struct cpol_grant {
	uint8_t kind;             /* enum cpol_grant_kind */
	cpol_list list;           /* WRITE, UNIX: paths */
	cpol_port *ports;         /* CONNECT */
	cpol_loc loc;
	struct cpol_grant *next;
} cpol_grant;

#endif
