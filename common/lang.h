/* common/lang.h -- the facts of the policy language that more than one
 * layer needs, each declared once as an X-macro table (the way an opcode
 * table is kept): the argument predicates and the comparisons of `argc`.
 * The lexer, the grammar's token names, the syntax tree's enums, resolve,
 * codegen, the formatter, --dump, the verifier and the evaluator all
 * expand these tables; none of them keeps a list of its own.
 *
 * The enum values are the image format (vm/image.h stores them in an
 * instruction's `a`): rows are only ever appended, never reordered.
 * Only declarations and lookups over them live here: no state.
 */
#ifndef CPOL_COMMON_LANG_H
#define CPOL_COMMON_LANG_H

/* ---- argument predicates: `arg N PRED OPERAND`, `any arg`, `no arg` ----
 *
 * X(ID, WORD, IMAGE, OPERAND, MEMBERS, SOURCE)
 *   ID       CPOL_P_<ID> in the syntax tree (grammar/ast.h), and
 *            CPOL_PR_<ID> in the image unless the row is an ALIAS
 *   WORD     the keyword in a policy, and the name --dump prints
 *   IMAGE    the image predicate it compiles to (its own ID but for aliases)
 *   OPERAND  what the instruction's operand c indexes: SET (a set of
 *            strings) or GROUP (a group of the substring automaton)
 *   MEMBERS  what resolve requires of each string of the operand: ANY,
 *            NONEMPTY, or FLAG (one option letter, `-x` or `x`)
 *   SOURCE   KW: written in a policy as `WORD SET`, its WORD a keyword (the
 *            grammar has the token CPOL_TK_<ID> in its `predicate` class);
 *            ALIAS: written syntax for another (`is ITEM`: `in` with one
 *            member; the grammar has a rule of its own for it); CODEGEN:
 *            only codegen emits it, as a faster form of another
 *
 * The image numbers are the order of the rows that are not aliases: append
 * new rows at the end. The meaning of each is in vm/eval.c
 * (cpol_member_match, pred). */
#define CPOL_PREDICATES(X) \
	X(IN,       "in",            IN,       SET,   ANY,      KW)    \
	X(IS,       "is",            IN,       SET,   ANY,      ALIAS) \
	X(PREFIX,   "prefix",        PREFIX,   SET,   NONEMPTY, KW)    \
	X(SUFFIX,   "suffix",        SUFFIX,   SET,   NONEMPTY, KW)    \
	X(CONTAINS, "contains",      CONTAINS, GROUP, NONEMPTY, KW)    \
	X(FLAG,     "flag",          FLAG,     SET,   FLAG,     KW)    \
	X(OPTION,   "option",        OPTION,   SET,   NONEMPTY, KW)    \
	/* `contains` of one-byte strings, tested with memchr instead of the automaton */ \
	X(CHARS,    "contains-char", CHARS,    SET,   ANY,      CODEGEN) \
	/* the argument, read as a GNU sed script, uses one of the commands (vm/sedscript.c) */ \
	X(SEDCMDS,  "sedcmds",       SEDCMDS,  SET,   FLAG,     KW)    \
	/* the argument, read as an awk program, uses one of the members (vm/awkprog.c) */ \
	X(AWKUSES,  "awkuses",       AWKUSES,  SET,   NONEMPTY, KW)

/* Keep a row's expansion by its SOURCE column: CPOL_IF_WORD_##source(text)
 * for the rows whose WORD is a keyword (KW, ALIAS), CPOL_IF_IMAGE_##source
 * for the rows that are image predicates (KW, CODEGEN). */
#define CPOL_IF_WORD_KW(...) __VA_ARGS__
#define CPOL_IF_WORD_ALIAS(...) __VA_ARGS__
#define CPOL_IF_WORD_CODEGEN(...)
#define CPOL_IF_IMAGE_KW(...) __VA_ARGS__
#define CPOL_IF_IMAGE_ALIAS(...)
#define CPOL_IF_IMAGE_CODEGEN(...) __VA_ARGS__

enum cpol_img_pred {
#define CPOL_PR_ENUM(id, word, image, operand, members, source) CPOL_IF_IMAGE_##source(CPOL_PR_##id,)
	CPOL_PREDICATES(CPOL_PR_ENUM)
#undef CPOL_PR_ENUM
	CPOL_PR__COUNT
};

enum cpol_pred_operand { CPOL_OPND_SET, CPOL_OPND_GROUP };
enum cpol_pred_members { CPOL_MEMB_ANY, CPOL_MEMB_NONEMPTY, CPOL_MEMB_FLAG };

/* An image predicate's columns, for the tools that print or check one. */
static inline const char *cpol_pred_word(unsigned p)
{
	switch (p) {
#define CPOL_PR_WORD(id, word, image, operand, members, source) CPOL_IF_IMAGE_##source(case CPOL_PR_##id: return word;)
	CPOL_PREDICATES(CPOL_PR_WORD)
#undef CPOL_PR_WORD
	default: return "?";
	}
}

static inline enum cpol_pred_operand cpol_pred_operand(unsigned p)
{
	switch (p) {
#define CPOL_PR_OPND(id, word, image, operand, members, source) CPOL_IF_IMAGE_##source(case CPOL_PR_##id: return CPOL_OPND_##operand;)
	CPOL_PREDICATES(CPOL_PR_OPND)
#undef CPOL_PR_OPND
	default: return CPOL_OPND_SET;
	}
}

static inline enum cpol_pred_members cpol_pred_members(unsigned p)
{
	switch (p) {
#define CPOL_PR_MEMB(id, word, image, operand, members, source) CPOL_IF_IMAGE_##source(case CPOL_PR_##id: return CPOL_MEMB_##members;)
	CPOL_PREDICATES(CPOL_PR_MEMB)
#undef CPOL_PR_MEMB
	default: return CPOL_MEMB_ANY;
	}
}

/* ---- comparisons of `argc` ----
 *
 * X(ID, TOKEN, TEXT): CPOL_CMP_<ID>, the grammar's token CPOL_TK_<TOKEN>
 * and how it is written. The meaning is in vm/eval.c (cmp, cmp3). */
#define CPOL_COMPARISONS(X) \
	X(EQ, EQEQ, "==") \
	X(NE, NE,   "!=") \
	X(LT, LT,   "<")  \
	X(LE, LE,   "<=") \
	X(GT, GT,   ">")  \
	X(GE, GE,   ">=")

enum cpol_cmp {
#define CPOL_CMP_ENUM(id, token, text) CPOL_CMP_##id,
	CPOL_COMPARISONS(CPOL_CMP_ENUM)
#undef CPOL_CMP_ENUM
	CPOL_CMP__COUNT
};

static inline const char *cpol_cmp_text(unsigned op)
{
	switch (op) {
#define CPOL_CMP_TEXT(id, token, text) case CPOL_CMP_##id: return text;
	CPOL_COMPARISONS(CPOL_CMP_TEXT)
#undef CPOL_CMP_TEXT
	default: return "?";
	}
}

#endif
