/* grammar/limits_ast.c -- AST constructors for the `limits` block
 * (`memory 4G;`, `open-files 4096;`, `time none;`). Only builds nodes in
 * the arena; the names, units and ranges are checked by compiler/limits.c. */
#include "grammar/grammar.h"
#include "grammar/parser.h"

#include <string.h>

cpol_limit *cpol_ast_limit(struct cpol_parser *P, const cpol_token *name, const cpol_token *name2,
                           const cpol_token *val)
{
	cpol_limit *l = cpol_arena_alloc(P->u->arena, sizeof *l);
	if (!l)
		return NULL;
	size_t n = name->len + (name2 ? 1 + name2->len : 0);
	char *s = cpol_arena_alloc(P->u->arena, n + 1);
	if (!s)
		return NULL;
	memcpy(s, name->text, name->len);
	if (name2) {
		s[name->len] = '-';
		memcpy(s + name->len + 1, name2->text, name2->len);
	}
	s[n] = 0;
	l->name = s;
	l->len = (uint32_t)n;
	l->loc = name->loc;
	l->vloc = val->loc;
	if (val->type == CPOL_TK_NONE) {
		l->none = 1;
	} else {
		l->value = val->num;
		l->unit = val->text;
		l->ulen = val->len;
	}
	return l;
}

cpol_limit *cpol_ast_reverse_limits(cpol_limit *l)
{
	cpol_limit *r = NULL;
	while (l) {
		cpol_limit *n = l->next;
		l->next = r;
		r = l;
		l = n;
	}
	return r;
}
