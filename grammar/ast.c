/* grammar/ast.c -- the compilation unit's life cycle and the constructors
 * the grammar's actions use to build the AST. Every constructor allocates
 * from the unit's arena and tolerates NULL operands after an out-of-memory,
 * so the grammar needs no error paths of its own. */
#include "grammar/parser.h"

#include <stdlib.h>
#include <string.h>

cpol_unit *cpol_unit_new(void)
{
	cpol_unit *u = calloc(1, sizeof *u);
	if (!u)
		return NULL;
	u->arena = cpol_arena_new();
	if (!u->arena) {
		free(u);
		return NULL;
	}
	/* Off unless asked for (-Wduplicate-include): repeated includes are skipped. */
	u->warn_off[CPOL_WARN_DUP_INCLUDE] = 1;
	return u;
}

void cpol_unit_free(cpol_unit *u)
{
	if (!u)
		return;
	for (uint32_t i = 0; i < u->ndiags; i++)
		free(u->diags[i].msg);
	free(u->diags);
	for (uint32_t i = 0; i < u->nfiles; i++)
		if (u->files[i]->text)
			free((void *)u->files[i]->text);
	free(u->files);
	free(u->incdirs);
	cpol_arena_free(u->arena);
	free(u);
}

int cpol_unit_add_incdir(cpol_unit *u, const char *dir)
{
	const char **d = realloc(u->incdirs, (u->nincdirs + 1) * sizeof *d);
	if (!d)
		return -1;
	u->incdirs = d;
	u->incdirs[u->nincdirs++] = dir;
	return 0;
}

/* The nodes that carry only a kind and a place until the grammar fills
 * them in share one constructor shape. */
#define KIND_LOC_NODE(type, name) \
	type *name(struct cpol_parser *P, int kind, cpol_loc loc) \
	{ \
		type *x = cpol_arena_alloc(P->u->arena, sizeof *x); \
		if (x) { \
			x->kind = (uint8_t)kind; \
			x->loc = loc; \
		} \
		return x; \
	}
KIND_LOC_NODE(cpol_stmt, cpol_ast_stmt)
KIND_LOC_NODE(cpol_cond, cpol_ast_cond)
KIND_LOC_NODE(cpol_sbitem, cpol_ast_sbitem)
KIND_LOC_NODE(cpol_target, cpol_ast_target)
#undef KIND_LOC_NODE

void cpol_ast_append(struct cpol_parser *P, cpol_stmt *s)
{
	if (!s)
		return;
	*P->tail = s;
	P->tail = &s->next;
}

cpol_item *cpol_ast_item(struct cpol_parser *P, int kind, const cpol_token *t)
{
	cpol_item *it = cpol_arena_alloc(P->u->arena, sizeof *it);
	if (!it)
		return NULL;
	it->kind = (uint8_t)kind;
	it->loc = t->loc;
	it->len = t->len;
	if (kind == CPOL_ITEM_NAME)
		it->text = cpol_arena_strndup(P->u->arena, t->text, t->len);
	else
		it->text = t->text;
	if (!it->text)
		return NULL;
	return it;
}

void cpol_ast_list_add(cpol_list *l, cpol_item *it)
{
	if (!it)
		return;
	if (!l->first) {
		l->first = it;
		if (!l->loc.line)
			l->loc = it->loc;
	} else {
		l->last->next = it;
	}
	l->last = it;
	l->n++;
}

cpol_cond *cpol_ast_binop(struct cpol_parser *P, int kind, cpol_cond *a, cpol_cond *b)
{
	if (!a || !b)
		return NULL;
	cpol_cond *c = cpol_ast_cond(P, kind, a->loc);
	if (c) {
		c->a = a;
		c->b = b;
	}
	return c;
}

cpol_port *cpol_ast_port(struct cpol_parser *P, const cpol_token *lo, const cpol_token *hi)
{
	cpol_port *p = cpol_arena_alloc(P->u->arena, sizeof *p);
	if (!p)
		return NULL;
	p->loc = lo->loc;
	p->lo = lo->num;
	p->hi = hi ? hi->num : lo->num;
	return p;
}

cpol_testcase *cpol_ast_testcase(struct cpol_parser *P, const cpol_token *dec, const cpol_token *line)
{
	cpol_testcase *t = cpol_arena_alloc(P->u->arena, sizeof *t);
	if (t) {
		t->expect = (uint8_t)dec->num;
		t->line = line->text;
		t->len = line->len;
		t->loc = dec->loc;
	}
	return t;
}

cpol_stmt *cpol_ast_short_rule(struct cpol_parser *P, const cpol_token *dec, int form,
                               const cpol_token *kw, const cpol_list *list, const cpol_token *because)
{
	cpol_stmt *s = cpol_ast_stmt(P, CPOL_S_RULE, dec->loc);
	cpol_cond *c = cpol_ast_cond(P, form == CPOL_FORM_PROGRAM ? CPOL_C_PROGRAM : CPOL_C_SUBSTRING, kw->loc);
	if (!s || !c)
		return NULL;
	c->list = *list;
	s->u.rule.form = (uint8_t)form;
	s->u.rule.name = "";
	s->u.rule.name_loc = dec->loc;
	s->u.rule.when = c;
	s->u.rule.action = CPOL_ACT_DECIDE;
	s->u.rule.dec = (uint8_t)dec->num;
	s->u.rule.because = because->text;
	s->u.rule.because_len = because->len;
	s->u.rule.action_loc = dec->loc;
	s->u.rule.naction = 1;
	return s;
}

void cpol_ast_rule_item(struct cpol_parser *P, cpol_stmt *rule, int what, cpol_loc loc)
{
	if (!rule)
		return;
	if (what == 'w') {
		if (++rule->u.rule.nwhen == 2)
			cpol_error_at(P->u, loc, "rule \"%s\" has more than one 'when' (join the conditions with 'and' or 'or')",
			              rule->u.rule.name);
	} else {
		if (++rule->u.rule.naction == 1)
			rule->u.rule.action_loc = loc;
		else if (rule->u.rule.naction == 2)
			cpol_error_at(P->u, loc, "rule \"%s\" has more than one action (allow, prompt, forbid or evaluate)",
			              rule->u.rule.name);
	}
}

void cpol_ast_rule_grant(struct cpol_parser *P, cpol_stmt *rule, int kind, cpol_loc loc, const cpol_list *list,
                         cpol_port *ports)
{
	if (!rule)
		return;
	cpol_grant *g = cpol_arena_alloc(P->u->arena, sizeof *g);
	if (!g)
		return;
	g->kind = (uint8_t)kind;
	g->loc = loc;
	if (list)
		g->list = *list;
	g->ports = ports;
	cpol_grant **at = &rule->u.rule.grants;
	while (*at)
		at = &(*at)->next;
	*at = g;
}

#define REVERSE(type, name) \
	type *name(type *l) \
	{ \
		type *r = NULL; \
		while (l) { \
			type *n = l->next; \
			l->next = r; \
			r = l; \
			l = n; \
		} \
		return r; \
	}
REVERSE(cpol_sbitem, cpol_ast_reverse_sbitems)
REVERSE(cpol_port, cpol_ast_reverse_ports)
REVERSE(cpol_target, cpol_ast_reverse_targets)
REVERSE(cpol_testcase, cpol_ast_reverse_tests)
#undef REVERSE
