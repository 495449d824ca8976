/* compiler/lint.c -- the named warnings (-Wname; -Wno-name turns one off,
 * -Werror makes them errors): rules that can never decide (shadowed by an
 * earlier rule, or allows that a stricter rule always overrides), the same
 * pattern listed twice, sets and includes nothing uses, a policy without
 * examples, and a sandbox that grants more than the policy's name says.
 *
 * "Always matches when this one does" is decided on conjuncts: rule A covers
 * rule B when every top-level conjunct of A is implied by one of B's (equal
 * tests, or a program/substring/membership list that contains B's). */
#include "compiler/compiler.h"

#include <stdlib.h>
#include <string.h>

struct atom {
	const cpol_cond *c;
	int neg;                      /* from `unless` */
	struct cpol_str *v;           /* expanded list, sorted */
	long n;
};

struct lrule {
	const cpol_stmt *s;
	struct atom *a;
	uint32_t n;
	int dec;                      /* -1 for script rules */
};

static int strcmp_str(const void *x, const void *y)
{
	const struct cpol_str *a = x, *b = y;
	uint32_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->text, b->text, n);
	return c ? c : (a->len > b->len) - (a->len < b->len);
}

static void add_atom(struct lrule *r, const cpol_cond *c, int neg, uint32_t *cap)
{
	if (!c)
		return;
	if (c->kind == CPOL_C_AND && !neg) {
		add_atom(r, c->a, 0, cap);
		add_atom(r, c->b, 0, cap);
		return;
	}
	if (r->n == *cap) {
		uint32_t nc = *cap ? *cap * 2 : 4;
		struct atom *a = realloc(r->a, nc * sizeof *a);
		if (!a)
			return;
		r->a = a;
		*cap = nc;
	}
	struct atom *a = &r->a[r->n++];
	a->c = c;
	a->neg = neg;
	a->v = NULL;
	a->n = 0;
	if (c->list.first) {
		a->n = cpol_expand(&c->list, &a->v);
		if (a->n > 0)
			qsort(a->v, (size_t)a->n, sizeof *a->v, strcmp_str);
	}
}

static int list_eq(const struct atom *x, const struct atom *y)
{
	if (x->n != y->n)
		return 0;
	for (long i = 0; i < x->n; i++)
		if (strcmp_str(&x->v[i], &y->v[i]))
			return 0;
	return 1;
}

/* Is every string of x in y? Both sorted. */
static int list_sub(const struct atom *x, const struct atom *y)
{
	long j = 0;
	for (long i = 0; i < x->n; i++) {
		while (j < y->n && strcmp_str(&y->v[j], &x->v[i]) < 0)
			j++;
		if (j >= y->n || strcmp_str(&y->v[j], &x->v[i]))
			return 0;
	}
	return 1;
}

static int cond_eq(const cpol_cond *a, const cpol_cond *b);

static int lists_eq(const cpol_cond *a, const cpol_cond *b, const cpol_list *la, const cpol_list *lb)
{
	struct atom x = { a, 0, NULL, 0 }, y = { b, 0, NULL, 0 };
	x.n = cpol_expand(la, &x.v);
	y.n = cpol_expand(lb, &y.v);
	if (x.n > 0)
		qsort(x.v, (size_t)x.n, sizeof *x.v, strcmp_str);
	if (y.n > 0)
		qsort(y.v, (size_t)y.n, sizeof *y.v, strcmp_str);
	int eq = x.n >= 0 && y.n >= 0 && list_eq(&x, &y);
	free(x.v);
	free(y.v);
	return eq;
}

/* The operands of two atoms of one kind: their lists (and for `any value
 * of`, the selected options and the option list too) hold the same strings. */
static int atom_list_eq(const cpol_cond *a, const cpol_cond *b)
{
	if (!lists_eq(a, b, &a->list, &b->list))
		return 0;
	return (a->kind != CPOL_C_ANYVAL && a->kind != CPOL_C_NOVAL) ||
	       (lists_eq(a, b, &a->sel, &b->sel) && lists_eq(a, b, &a->opts, &b->opts));
}

static int cond_eq(const cpol_cond *a, const cpol_cond *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind || a->pred != b->pred || a->op != b->op || a->num != b->num)
		return 0;
	switch (a->kind) {
	case CPOL_C_AND: case CPOL_C_OR:
		return cond_eq(a->a, b->a) && cond_eq(a->b, b->b);
	case CPOL_C_NOT:
		return cond_eq(a->a, b->a);
	case CPOL_C_TRUE: case CPOL_C_ARGC: case CPOL_C_WRITES: case CPOL_C_NETWORK:
		return 1;
	default:
		return atom_list_eq(a, b);
	}
}

/* Does y hold whenever x holds? */
static int implies(const struct atom *x, const struct atom *y)
{
	if (y->c->kind == CPOL_C_TRUE && !y->neg)
		return 1;
	if (x->neg != y->neg)
		return 0;
	const cpol_cond *a = x->c, *b = y->c;
	if (!x->neg && a->kind == b->kind) {
		if (a->kind == CPOL_C_PROGRAM || a->kind == CPOL_C_SUBSTRING)
			return list_sub(x, y);
		if ((a->kind == CPOL_C_ARG || a->kind == CPOL_C_ANYARG) && a->pred == b->pred && a->num == b->num &&
		    (a->pred == CPOL_P_IN || a->pred == CPOL_P_IS))
			return list_sub(x, y);
	}
	return cond_eq(a, b);
}

/* Does rule a match whenever rule b matches? */
static int covers(const struct lrule *a, const struct lrule *b)
{
	for (uint32_t i = 0; i < a->n; i++) {
		int ok = 0;
		for (uint32_t j = 0; j < b->n && !ok; j++)
			ok = implies(&b->a[j], &a->a[i]);
		if (!ok)
			return 0;
	}
	return 1;
}

/* Two rules can only cover each other if they can match the same program. */
static const struct atom *program_atom(const struct lrule *r)
{
	for (uint32_t i = 0; i < r->n; i++)
		if (r->a[i].c->kind == CPOL_C_PROGRAM && !r->a[i].neg)
			return &r->a[i];
	return NULL;
}

static int disjoint_programs(const struct lrule *a, const struct lrule *b)
{
	const struct atom *x = program_atom(a), *y = program_atom(b);
	if (!x || !y)
		return 0;
	long i = 0, j = 0;
	while (i < x->n && j < y->n) {
		int c = strcmp_str(&x->v[i], &y->v[j]);
		if (!c)
			return 0;
		if (c < 0)
			i++;
		else
			j++;
	}
	return 1;
}

static const char *dec_name(int d)
{
	return d == CPOL_DEC_ALLOW ? "allow" : d == CPOL_DEC_PROMPT ? "prompt" : "forbid";
}

static void lint_rules(cpol_unit *u, const struct cpol_model *m)
{
	struct lrule *r = calloc(m->nrules ? m->nrules : 1, sizeof *r);
	if (!r)
		return;
	for (uint32_t i = 0; i < m->nrules; i++) {
		uint32_t cap = 0;
		r[i].s = m->rules[i];
		r[i].dec = m->rules[i]->u.rule.action == CPOL_ACT_SCRIPT ? -1 : m->rules[i]->u.rule.dec;
		add_atom(&r[i], m->rules[i]->u.rule.when, 0, &cap);
		add_atom(&r[i], m->rules[i]->u.rule.unless, 1, &cap);
	}
	/* Pairwise, but only among rules that can see the same program; a
	 * policy with very many rules is checked against its generic rules and
	 * its neighbours only, to keep linting linear in practice: the
	 * candidates are the generic rules and the window j-64..j+64, merged in
	 * ascending order, so the loop never visits the rules it would skip. */
	const int big = m->nrules > 2000;
	uint32_t *generic = malloc((m->nrules ? m->nrules : 1) * sizeof *generic), ngeneric = 0;
	if (!generic)
		goto out;
	for (uint32_t i = 0; i < m->nrules; i++)
		if (!program_atom(&r[i]))
			generic[ngeneric++] = i;
	for (uint32_t j = 0; j < m->nrules; j++) {
		if (r[j].dec < 0)
			continue;
		int done = 0;
		uint32_t lo = big && j > 64 ? j - 64 : 0, hi = big && j + 64 < m->nrules ? j + 64 : m->nrules - 1;
		uint32_t g = 0;
		for (uint32_t i = 0; i < m->nrules && !done; i++) {
			if (big) {
				/* next candidate: the smaller of the next generic rule and the window */
				while (g < ngeneric && generic[g] < i)
					g++;
				if (i < lo || i > hi) {
					uint32_t next = g < ngeneric ? generic[g] : m->nrules;
					if (i < lo && lo < next)
						next = lo;
					if (next >= m->nrules)
						break;
					i = next;
				}
			}
			if (i == j || r[i].dec < 0 || disjoint_programs(&r[i], &r[j]))
				continue;
			if (!covers(&r[i], &r[j]))
				continue;
			const cpol_stmt *a = r[i].s, *b = r[j].s;
			if (r[j].dec == CPOL_DEC_ALLOW && r[i].dec > CPOL_DEC_ALLOW) {
				cpol_warn_at(u, b->loc, CPOL_WARN_OVERRIDDEN,
				             "allow rule \"%s\" never decides: rule \"%s\" (%s) matches whenever it does",
				             b->u.rule.name, a->u.rule.name, dec_name(r[i].dec));
				if (!u->warn_off[CPOL_WARN_OVERRIDDEN]) /* no note for a warning turned off */
					cpol_note_at(u, a->loc, "the %s rule is here", dec_name(r[i].dec));
				done = 1;
			} else if (i < j && r[i].dec >= r[j].dec) {
				cpol_warn_at(u, b->loc, CPOL_WARN_SHADOWED,
				             "rule \"%s\" never decides: the earlier rule \"%s\" matches whenever it does",
				             b->u.rule.name, a->u.rule.name);
				if (!u->warn_off[CPOL_WARN_SHADOWED])
					cpol_note_at(u, a->loc, "the earlier rule is here");
				done = 1;
			}
		}
	}
	free(generic);
out:
	for (uint32_t i = 0; i < m->nrules; i++) {
		for (uint32_t k = 0; k < r[i].n; k++)
			free(r[i].a[k].v);
		free(r[i].a);
	}
	free(r);
}

/* The same string twice in one list. */
static void dup_in_list(cpol_unit *u, const cpol_list *l)
{
	struct cpol_str *v;
	long n = cpol_expand(l, &v);
	for (long i = 1; i < n && n < 4096; i++)
		for (long j = 0; j < i; j++)
			if (v[i].len == v[j].len && !memcmp(v[i].text, v[j].text, v[i].len)) {
				cpol_warn_at(u, v[i].loc, CPOL_WARN_DUP_PATTERN, "\"%.*s\" is listed twice",
				             (int)(v[i].len > 60 ? 60 : v[i].len), v[i].text);
				break;
			}
	free(v);
}

static void dup_in_cond(cpol_unit *u, const cpol_cond *c)
{
	if (!c)
		return;
	if (c->kind == CPOL_C_AND || c->kind == CPOL_C_OR) {
		dup_in_cond(u, c->a);
		dup_in_cond(u, c->b);
	} else if (c->kind == CPOL_C_NOT) {
		dup_in_cond(u, c->a);
	} else if (c->list.first) {
		dup_in_list(u, &c->list);
	}
}

/* Nothing in an included file (or what it includes) is used. */
static int contributes(const cpol_file *f)
{
	if (f->used)
		return 1;
	for (const cpol_stmt *s = f->stmts; s; s = s->next) {
		if (s->kind == CPOL_S_RULE || s->kind == CPOL_S_INTENT || s->kind == CPOL_S_WRAPPER)
			return 1;
		if (s->kind == CPOL_S_INCLUDE && s->u.include.file && contributes(s->u.include.file))
			return 1;
	}
	return 0;
}

static void lint_includes(cpol_unit *u, const cpol_file *f)
{
	for (const cpol_stmt *s = f->stmts; s; s = s->next)
		if (s->kind == CPOL_S_INCLUDE && s->u.include.file) {
			if (!contributes(s->u.include.file))
				cpol_warn_at(u, s->loc, CPOL_WARN_UNUSED, "nothing in \"%s\" is used", s->u.include.path);
			lint_includes(u, s->u.include.file);
		}
}

static int name_has(const struct cpol_model *m, const char *word)
{
	size_t n = strlen(word);
	for (uint32_t i = 0; i + n <= m->namelen; i++)
		if (!memcmp(m->name + i, word, n))
			return 1;
	return 0;
}

/* Write roots other than /dev/null (and, for workspace profiles, the
 * workspace and temporary folders). */
static const struct cpol_str *extra_write(const struct cpol_model *m, int workspace_ok, struct cpol_str *keep)
{
	for (uint32_t i = 0; i < m->nwrites; i++) {
		struct cpol_str *v;
		long n = cpol_expand(m->writes[i], &v);
		for (long k = 0; k < n; k++) {
			const struct cpol_str *s = &v[k];
			int ok = (s->len == 9 && !memcmp(s->text, "/dev/null", 9)) ||
			         (workspace_ok && ((s->len >= 10 && !memcmp(s->text, "$WORKSPACE", 10)) ||
			                           (s->len >= 7 && !memcmp(s->text, "$TMPDIR", 7)) ||
			                           (s->len >= 4 && !memcmp(s->text, "/tmp", 4) && (s->len == 4 || s->text[4] == '/'))));
			if (!ok) {
				*keep = *s;
				free(v);
				return keep;
			}
		}
		free(v);
	}
	return NULL;
}

static void lint_profile(cpol_unit *u, const struct cpol_model *m)
{
	cpol_loc at = m->sandbox ? m->sandbox->loc : m->policy ? m->policy->loc : (cpol_loc){ m->main->index, 0, 0 };
	struct cpol_str keep;
	const struct cpol_str *w;
	if ((name_has(m, "offline") || (name_has(m, "workspace") && !name_has(m, "net"))) &&
	    m->net != CPOL_NET_NONE)
		cpol_warn_at(u, at, CPOL_WARN_PROFILE, "policy \"%.*s\" grants network access", (int)m->namelen, m->name);
	if ((name_has(m, "offline") || name_has(m, "read-only")) && (w = extra_write(m, 0, &keep)))
		cpol_warn_at(u, w->loc, CPOL_WARN_PROFILE, "policy \"%.*s\" grants writing to %.*s",
		             (int)m->namelen, m->name, (int)w->len, w->text);
	else if (name_has(m, "workspace") && (w = extra_write(m, 1, &keep)))
		cpol_warn_at(u, w->loc, CPOL_WARN_PROFILE, "policy \"%.*s\" grants writing outside the workspace: %.*s",
		             (int)m->namelen, m->name, (int)w->len, w->text);
	if (m->trusted && !name_has(m, "trusted"))
		cpol_warn_at(u, at, CPOL_WARN_PROFILE, "policy \"%.*s\" grants everything; name it trusted",
		             (int)m->namelen, m->name);
}

void cpol_lint(cpol_unit *u, const struct cpol_model *m)
{
	lint_rules(u, m);
	for (uint32_t i = 0; i < m->nrules; i++) {
		dup_in_cond(u, m->rules[i]->u.rule.when);
		dup_in_cond(u, m->rules[i]->u.rule.unless);
	}
	for (uint32_t i = 0; i < m->nsets; i++) {
		const cpol_stmt *s = m->sets[i];
		dup_in_list(u, &s->u.set.list);
		if (s->u.set.uses == 0)
			cpol_warn_at(u, s->loc, CPOL_WARN_UNUSED, "set '%s' is never used", s->u.set.name);
	}
	for (uint32_t i = 0; i < m->nintents; i++)
		dup_in_list(u, &m->intents[i]->u.intent.programs);
	lint_includes(u, m->main);
	if (m->policy && m->ntests == 0)
		cpol_warn_at(u, m->policy->loc, CPOL_WARN_NO_TEST, "policy \"%.*s\" has no test section",
		             (int)m->namelen, m->name);
	lint_profile(u, m);
}
