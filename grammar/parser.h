/* grammar/parser.h -- what the lemon grammar's actions share with the parse
 * driver (parse.c): the parser context passed as %extra_context, and the
 * AST constructors (ast.c) the actions call. */
#ifndef CPOL_GRAMMAR_PARSER_H
#define CPOL_GRAMMAR_PARSER_H

#include "grammar/ast.h"
#include "grammar/lexer.h"

struct cpol_parser {
	cpol_unit *u;
	cpol_file *f;
	cpol_stmt **tail;         /* where the next statement of the file is linked */
	int overflow;             /* the parser stack overflowed: stop feeding it */
	int depth;                /* ( and `not` nesting of the current condition */
	int skipped_braces;       /* '{' less '}' skipped by error recovery (grammar.y) */
};

/* lemon's generated entry points (grammar.c) */
void *cpolParseAlloc(void *(*mallocProc)(size_t), struct cpol_parser *P);
void cpolParse(void *parser, int major, cpol_token minor);
void cpolParseFree(void *parser, void (*freeProc)(void *));
void cpolParseInit(void *parser, struct cpol_parser *P);
void cpolParseFinalize(void *parser);
int cpolParseFallback(int token);

/* AST constructors for the grammar's actions. All accept NULL operands (after
 * an out-of-memory) and then return NULL. */
cpol_stmt *cpol_ast_stmt(struct cpol_parser *P, int kind, cpol_loc loc);
void cpol_ast_append(struct cpol_parser *P, cpol_stmt *s);
cpol_item *cpol_ast_item(struct cpol_parser *P, int kind, const cpol_token *t);
void cpol_ast_list_add(cpol_list *l, cpol_item *it);
cpol_cond *cpol_ast_cond(struct cpol_parser *P, int kind, cpol_loc loc);
cpol_cond *cpol_ast_binop(struct cpol_parser *P, int kind, cpol_cond *a, cpol_cond *b);
cpol_port *cpol_ast_port(struct cpol_parser *P, const cpol_token *lo, const cpol_token *hi);
cpol_sbitem *cpol_ast_sbitem(struct cpol_parser *P, int kind, cpol_loc loc);
cpol_target *cpol_ast_target(struct cpol_parser *P, int kind, cpol_loc loc);
cpol_testcase *cpol_ast_testcase(struct cpol_parser *P, const cpol_token *dec, const cpol_token *line);
cpol_stmt *cpol_ast_short_rule(struct cpol_parser *P, const cpol_token *dec, int form,
                               const cpol_token *kw, const cpol_list *list, const cpol_token *because);
/* The grammar builds item lists back to front (O(1) per item); these put
 * them in source order. */
cpol_sbitem *cpol_ast_reverse_sbitems(cpol_sbitem *l);
cpol_port *cpol_ast_reverse_ports(cpol_port *l);
cpol_target *cpol_ast_reverse_targets(cpol_target *l);
cpol_testcase *cpol_ast_reverse_tests(cpol_testcase *l);
/* limits_ast.c */
cpol_limit *cpol_ast_limit(struct cpol_parser *P, const cpol_token *name, const cpol_token *name2,
                           const cpol_token *val);
cpol_limit *cpol_ast_reverse_limits(cpol_limit *l);
void cpol_ast_rule_item(struct cpol_parser *P, cpol_stmt *rule, int what, cpol_loc loc);
/* Append a `grant` line to a rule (list for WRITE/UNIX, ports for CONNECT). */
void cpol_ast_rule_grant(struct cpol_parser *P, cpol_stmt *rule, int kind, cpol_loc loc, const cpol_list *list,
                         cpol_port *ports);

/* Add a source held in memory to the unit as a new file (named `path` in
 * diagnostics), checked against the size limit and copied with the NUL the
 * lexer needs; NULL after reporting why not. The driver's one way in for
 * text that is not read from disk: cpol_parse_buffer and the formatter. */
cpol_file *cpol_unit_add_text(cpol_unit *u, const char *path, const char *text, size_t size);

/* Lex and parse one file's text into f->stmts, without resolving its
 * includes; on_token (may be NULL) sees every token first and stops the
 * parse by returning a negative value (the formatter records positions). */
void cpol_parse_text(cpol_unit *u, cpol_file *f, int (*on_token)(void *arg, const cpol_token *t), void *arg);

/* Reported by the grammar's %syntax_error. `expected` lists token types
 * that could have been accepted (n of them). */
void cpol_parse_syntax_error(struct cpol_parser *P, const cpol_token *t,
                             const int *expected, int n);
void cpol_parse_overflow(struct cpol_parser *P);

#endif
