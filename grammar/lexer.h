/* grammar/lexer.h -- the .cpol lexer's interface (lexer.c is generated from lexer.re by re2c). */
#ifndef CPOL_GRAMMAR_LEXER_H
#define CPOL_GRAMMAR_LEXER_H

#include "grammar/ast.h"

typedef struct cpol_token {
	int type;                 /* CPOL_TK_* from grammar.h; 0 at the end */
	cpol_loc loc;
	const char *text;         /* strings: unescaped, NUL-terminated (arena); names: in the source */
	uint32_t len;
	uint32_t num;             /* integers */
} cpol_token;

typedef struct cpol_lexer {
	cpol_unit *u;
	cpol_file *f;
	const unsigned char *cur, *lim, *tok, *bol; /* cursor, end, token start, line start */
	uint32_t line;
	cpol_comment **ctail;     /* where the next comment is linked */
} cpol_lexer;

void cpol_lexer_init(cpol_lexer *lx, cpol_unit *u, cpol_file *f);
/* The next token into *t. Returns its type, 0 at the end of input. Lexical
 * errors are reported to the unit and the offending bytes skipped. */
int cpol_lex(cpol_lexer *lx, cpol_token *t);
/* A printable name for a token type ("';'", "a string", "'allow'"). */
const char *cpol_token_name(int type);

#endif
