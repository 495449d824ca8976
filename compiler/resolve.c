/* compiler/resolve.c -- semantic checks: walks the unit in source order
 * (includes expanded where they stand), sorts statements by job into a
 * model, resolves set names, names the short-form rules, and reports
 * unknown or repeated names, misplaced statements, bad ports, roots and
 * arguments, empty patterns and rules without an action. */
#include "compiler/compiler.h"
#include "compiler/grant.h"
#include "net/hostpat.h"
#include "vm/image.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

struct walk {
	cpol_unit *u;
	struct cpol_model *m;
	uint32_t seq;
	uint32_t caprules, capintents, capsets, captests, capwrappers;
};

static int push(cpol_unit *u, cpol_stmt ***arr, uint32_t *n, uint32_t *cap, cpol_stmt *s)
{
	if (*n == *cap) {
		uint32_t c = *cap ? *cap * 2 : 32;
		cpol_stmt **a = cpol_arena_alloc(u->arena, c * sizeof *a);
		if (!a)
			return -1;
		if (*n)
			memcpy(a, *arr, *n * sizeof *a);
		*arr = a;
		*cap = c;
	}
	(*arr)[(*n)++] = s;
	return 0;
}

static const char *kind_word(int kind)
{
	switch (kind) {
	case CPOL_S_POLICY: return "policy";
	case CPOL_S_SANDBOX: return "sandbox";
	case CPOL_S_DEFAULT: return "default";
	case CPOL_S_TEST: return "test";
	case CPOL_S_LIMITS: return "limits";
	case CPOL_S_PRELUDE: return "prelude";
	default: return "statement";
	}
}

static void once(struct walk *w, cpol_stmt **slot, cpol_stmt *s, cpol_file *f)
{
	if (f->depth > 0) {
		cpol_error_at(w->u, s->loc, "'%s' belongs in the top-level policy, not in an included file", kind_word(s->kind));
		return;
	}
	if (*slot) {
		cpol_error_at(w->u, s->loc, "'%s' is given twice", kind_word(s->kind));
		cpol_note_at(w->u, (*slot)->loc, "first given here");
		return;
	}
	*slot = s;
}

static void walk_file(struct walk *w, cpol_file *f)
{
	struct cpol_model *m = w->m;
	for (cpol_stmt *s = f->stmts; s; s = s->next) {
		s->seq = w->seq++;
		switch (s->kind) {
		case CPOL_S_POLICY: once(w, &m->policy, s, f); break;
		case CPOL_S_DEFAULT: once(w, &m->deflt, s, f); break;
		case CPOL_S_SANDBOX: once(w, &m->sandbox, s, f); break;
		case CPOL_S_LIMITS: once(w, &m->limits, s, f); break;
		case CPOL_S_PRELUDE:
			/* a layer's files are its top level: any of them may say it */
			if (!(w->u->layer && f->depth == 1))
				once(w, &m->noprelude, s, f);
			break;
		case CPOL_S_INCLUDE:
			if (s->u.include.file)
				walk_file(w, s->u.include.file);
			break;
		case CPOL_S_SET: push(w->u, &m->sets, &m->nsets, &w->capsets, s); break;
		case CPOL_S_RULE: push(w->u, &m->rules, &m->nrules, &w->caprules, s); break;
		case CPOL_S_INTENT: push(w->u, &m->intents, &m->nintents, &w->capintents, s); break;
		case CPOL_S_WRAPPER: push(w->u, &m->wrappers, &m->nwrappers, &w->capwrappers, s); break;
		case CPOL_S_TEST:
			if (f->depth > 0)
				cpol_error_at(w->u, s->loc, "'test' belongs in the top-level policy, not in an included file");
			else
				push(w->u, &m->tests, &m->ntests, &w->captests, s);
			break;
		}
	}
}

static cpol_file *file_of(cpol_unit *u, cpol_loc loc)
{
	return loc.file < u->nfiles ? u->files[loc.file] : NULL;
}

static int in_prelude(cpol_unit *u, cpol_loc loc)
{
	cpol_file *f = file_of(u, loc);
	return f && f->prelude;
}

/* The set a name used at `at` means. The prelude's names do not take a
 * policy's: inside the prelude a name is the prelude's own, elsewhere the
 * policy's own set of that name comes first, then the prelude's. */
static cpol_stmt *find_set(cpol_unit *u, const struct cpol_model *m, const char *name, uint32_t len, cpol_loc at)
{
	cpol_stmt *fallback = NULL;
	int inside = in_prelude(u, at);
	for (uint32_t i = 0; i < m->nsets; i++) {
		cpol_stmt *s = m->sets[i];
		if (s->u.set.len != len || memcmp(s->u.set.name, name, len) != 0)
			continue;
		if (in_prelude(u, s->loc) == inside)
			return s;
		if (!inside && !fallback)
			fallback = s;
	}
	return fallback;
}

/* Resolve the names in a list used by the statement with sequence `seq`. */
static void resolve_list(cpol_unit *u, const struct cpol_model *m, cpol_list *l, uint32_t seq)
{
	for (cpol_item *it = l->first; it; it = it->next) {
		if (it->kind != CPOL_ITEM_NAME)
			continue;
		cpol_stmt *d = find_set(u, m, it->text, it->len, it->loc);
		if (!d) {
			cpol_error_at(u, it->loc, "unknown set '%s'", it->text);
			continue;
		}
		if (d->seq >= seq) {
			cpol_error_at(u, it->loc, "set '%s' is used before its definition", it->text);
			cpol_note_at(u, d->loc, "defined here");
			continue;
		}
		it->def = d;
		d->u.set.uses++;
		cpol_file *f = file_of(u, d->loc);
		if (f && file_of(u, it->loc) != f)
			f->used = 1;
	}
}

static long expand_into(const cpol_list *l, struct cpol_str **out, size_t *n, size_t *cap, int depth)
{
	for (const cpol_item *it = l->first; it; it = it->next) {
		if (it->kind == CPOL_ITEM_NAME) {
			if (it->def && depth < 64 && expand_into(&it->def->u.set.list, out, n, cap, depth + 1) < 0)
				return -1;
			continue;
		}
		if (*n == *cap) {
			size_t c = *cap ? *cap * 2 : 16;
			struct cpol_str *a = realloc(*out, c * sizeof *a);
			if (!a)
				return -1;
			*out = a;
			*cap = c;
		}
		(*out)[(*n)++] = (struct cpol_str){ it->text, it->len, it->loc };
	}
	return 0;
}

long cpol_expand(const cpol_list *l, struct cpol_str **out)
{
	size_t n = 0, cap = 0;
	*out = NULL;
	if (expand_into(l, out, &n, &cap, 0) < 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return (long)n;
}

/* Check every string of a list (set names expanded) with `check`, which
 * reports; returns how many strings the list expands to. */
static uint32_t check_list(cpol_unit *u, const cpol_list *l,
                           void (*check)(cpol_unit *, const struct cpol_str *))
{
	struct cpol_str *v;
	long n = cpol_expand(l, &v);
	for (long i = 0; i < n; i++)
		check(u, &v[i]);
	free(v);
	return n > 0 ? (uint32_t)n : 0;
}

static void check_program_name(cpol_unit *u, const struct cpol_str *s)
{
	if (s->len == 0)
		cpol_error_at(u, s->loc, "empty program name");
	else if (memchr(s->text, '/', s->len))
		cpol_error_at(u, s->loc, "program names are bare names: write \"%s\" (an absolute path into a system directory matches its basename)",
		              strrchr(s->text, '/') + 1);
}

static void check_nonempty(cpol_unit *u, const struct cpol_str *s)
{
	if (s->len == 0)
		cpol_error_at(u, s->loc, "empty pattern: it would match everything");
}

static void check_flag(cpol_unit *u, const struct cpol_str *s)
{
	if (s->len != 1 || s->text[0] == '-')
		cpol_error_at(u, s->loc, "a flag is one option letter, as in flag \"r\" for -r or -rf");
}

/* A member of `options only`: -x, -x#, -x[#], -#, --name, --name=, --name[=]. */
static void check_optspec(cpol_unit *u, const struct cpol_str *s)
{
	const char *t = s->text;
	uint32_t n = s->len;
	int ok;
	if (n >= 3 && t[0] == '-' && t[1] == '-') {
		uint32_t e = n;
		if (e >= 3 && memcmp(t + e - 3, "[=]", 3) == 0)
			e -= 3;
		else if (t[e - 1] == '=')
			e--;
		ok = e > 2;
		for (uint32_t i = 2; i < e && ok; i++)
			ok = t[i] != '=' && t[i] != ' ' && t[i] != '\0';
	} else {
		ok = (n == 2 || (n == 3 && t[2] == '#') || (n == 5 && memcmp(t + 2, "[#]", 3) == 0)) && t[0] == '-' &&
		     t[1] != '-' && t[1] != ' ' && t[1] != '\0';
	}
	if (!ok)
		cpol_error_at(u, s->loc, "an option allowlist holds -x, -x# (with a value), -x[#] (optional value), "
		              "-# (a number), --name, --name= (with a value) or --name[=] (optional value)");
}

/* A member of a wrapper's `replace`: an option that takes a value, -x#,
 * -x[#], --name= or --name[=] (the value is the text to replace). */
static void check_replace_spec(cpol_unit *u, const struct cpol_str *s)
{
	const char *t = s->text;
	uint32_t n = s->len;
	int ok = (n == 3 && t[0] == '-' && t[1] != '-' && t[1] != '#' && t[2] == '#') ||
	         (n == 5 && t[0] == '-' && t[1] != '-' && t[1] != '#' && memcmp(t + 2, "[#]", 3) == 0) ||
	         (n >= 4 && t[0] == '-' && t[1] == '-' && t[n - 1] == '=') ||
	         (n >= 6 && t[0] == '-' && t[1] == '-' && memcmp(t + n - 3, "[=]", 3) == 0);
	if (!ok) {
		cpol_error_at(u, s->loc, "'replace' lists options that take a value: -x# (glued or the next word), "
		              "-x[#] or --name[=] (optional, glued; alone it is {}), or --name=");
		return;
	}
	check_optspec(u, s);
}

/* The name of an option member: its letter (-x...) or its long name
 * (--name without = or [=]). */
static void optspec_name(const struct cpol_str *s, const char **name, uint32_t *len)
{
	uint32_t n = s->len;
	if (n >= 3 && s->text[0] == '-' && s->text[1] == '-') {
		if (n >= 5 && memcmp(s->text + n - 3, "[=]", 3) == 0)
			n -= 3;
		else if (s->text[n - 1] == '=')
			n--;
		*name = s->text;
		*len = n;
	} else {
		*name = s->text;
		*len = n >= 2 ? 2 : n;
	}
}

/* A `replace` option must not be listed under `options` too (as a flag it
 * would hide the text to replace). */
static void check_replace_apart(cpol_unit *u, const cpol_stmt *s)
{
	struct cpol_str *o = NULL, *r = NULL;
	long no = s->u.wrapper.has_options ? cpol_expand(&s->u.wrapper.options, &o) : 0;
	long nr = cpol_expand(&s->u.wrapper.replace, &r);
	for (long i = 0; i < nr; i++)
		for (long j = 0; j < no; j++) {
			const char *a, *b;
			uint32_t al, bl;
			optspec_name(&r[i], &a, &al);
			optspec_name(&o[j], &b, &bl);
			if (al == bl && memcmp(a, b, al) == 0) {
				cpol_error_at(u, r[i].loc, "option %.*s is listed under both 'options' and 'replace'", (int)al, a);
				break;
			}
		}
	free(o);
	free(r);
}

/* `any value of SEL options LIST`: each selected option is -x or --name,
 * and LIST gives it a value (-x#, -x[#], --name=, --name[=]); a letter
 * listed as a flag too is read as the flag, so it has no value to test. */
static void check_selected(cpol_unit *u, const cpol_cond *c)
{
	struct cpol_str *sel, *opts;
	long ns = cpol_expand(&c->sel, &sel);
	long no = cpol_expand(&c->opts, &opts);
	if (no > 65535)
		cpol_error_at(u, c->opts.loc, "an option list of `any value of` holds at most 65535 options");
	for (long i = 0; i < ns && no >= 0; i++) {
		const struct cpol_str *s = &sel[i];
		int lng = s->len > 2 && s->text[0] == '-' && s->text[1] == '-' && !memchr(s->text, '=', s->len);
		int shrt = s->len == 2 && s->text[0] == '-' && s->text[1] != '-' && s->text[1] != '#';
		if (!lng && !shrt) {
			cpol_error_at(u, s->loc, "`any value of` names options as -x or --name");
			continue;
		}
		int val = 0, flag = 0;
		for (long j = 0; j < no; j++) {
			const struct cpol_str *o = &opts[j];
			if (o->len < s->len || memcmp(o->text, s->text, s->len) != 0)
				continue;
			const char *rest = o->text + s->len;
			uint32_t rl = o->len - s->len;
			if (rl == 0)
				flag = 1;
			else if (lng ? (rl == 1 && rest[0] == '=') || (rl == 3 && !memcmp(rest, "[=]", 3))
			             : (rl == 1 && rest[0] == '#') || (rl == 3 && !memcmp(rest, "[#]", 3)))
				val = 1;
		}
		if (!val || (shrt && flag))
			cpol_error_at(u, s->loc, "%.*s is not an option with a value in the option list (%s)", (int)s->len,
			              s->text, lng ? "list it as --name= or --name[=]" : "list it as -x# or -x[#], and not as -x");
	}
	free(sel);
	free(opts);
}

static void check_cond(cpol_unit *u, const struct cpol_model *m, cpol_cond *c, uint32_t seq, int in_guard)
{
	if (!c)
		return;
	switch (c->kind) {
	case CPOL_C_AND: case CPOL_C_OR:
		check_cond(u, m, c->a, seq, in_guard);
		check_cond(u, m, c->b, seq, in_guard);
		return;
	case CPOL_C_NOT:
		check_cond(u, m, c->a, seq, in_guard);
		return;
	case CPOL_C_TRUE:
		return;
	case CPOL_C_PROGRAM:
		resolve_list(u, m, &c->list, seq);
		check_list(u, &c->list, check_program_name);
		return;
	case CPOL_C_SUBSTRING:
		resolve_list(u, m, &c->list, seq);
		check_list(u, &c->list, check_nonempty);
		return;
	case CPOL_C_ARG: case CPOL_C_ANYARG: case CPOL_C_NOARG:
		if (c->kind == CPOL_C_ARG && c->num > 65535)
			cpol_error_at(u, c->loc, "argument index %u is too large (the limit is 65535)", c->num);
		resolve_list(u, m, &c->list, seq);
		/* what the predicate asks of its strings (common/lang.h) */
		switch (cpol_pred_members(cpol_pred_image(c->pred))) {
		case CPOL_MEMB_FLAG: check_list(u, &c->list, check_flag); break;
		case CPOL_MEMB_NONEMPTY: check_list(u, &c->list, check_nonempty); break;
		default: break;
		}
		return;
	case CPOL_C_ARGC:
		if (c->num > 65535)
			cpol_error_at(u, c->loc, "argument count %u is too large (the limit is 65535)", c->num);
		return;
	case CPOL_C_OPTIONS:
		resolve_list(u, m, &c->list, seq);
		check_list(u, &c->list, check_optspec);
		return;
	case CPOL_C_ANYVAL: case CPOL_C_NOVAL:
		if (in_guard)
			cpol_error_at(u, c->loc, "an intent's condition cannot test option values (it is judged two-valued, "
			              "and a value may not be readable for certain)");
		resolve_list(u, m, &c->sel, seq);
		resolve_list(u, m, &c->opts, seq);
		resolve_list(u, m, &c->list, seq);
		check_list(u, &c->opts, check_optspec);
		check_selected(u, c);
		switch (cpol_pred_members(cpol_pred_image(c->pred))) {
		case CPOL_MEMB_FLAG: check_list(u, &c->list, check_flag); break;
		case CPOL_MEMB_NONEMPTY: check_list(u, &c->list, check_nonempty); break;
		default: break;
		}
		return;
	case CPOL_C_WRITES: case CPOL_C_NETWORK:
		if (in_guard)
			cpol_error_at(u, c->loc, "an intent's condition cannot test '%s' (intents are what those tests look at)",
			              c->kind == CPOL_C_WRITES ? "writes" : "network");
		return;
	}
}

/* Short-form rules are named after what they list: allow program "ls", "cat", ... */
static void name_short_rule(cpol_unit *u, cpol_stmt *s)
{
	static const char *const dec[] = { "allow", "prompt", "forbid" };
	char buf[96];
	int n = snprintf(buf, sizeof buf, "%s %s", dec[s->u.rule.dec],
	                 s->u.rule.form == CPOL_FORM_PROGRAM ? "program" : "substring");
	int first = 1;
	for (cpol_item *it = s->u.rule.when ? s->u.rule.when->list.first : NULL; it && n < 80; it = it->next) {
		n += snprintf(buf + n, sizeof buf - (size_t)n, it->kind == CPOL_ITEM_NAME ? "%s %.*s" : "%s \"%.*s\"",
		              first ? "" : ",", (int)(it->len > 40 ? 40 : it->len), it->text);
		first = 0;
	}
	if (n >= 80)
		snprintf(buf + 76, sizeof buf - 76, "...");
	s->u.rule.name = cpol_arena_strndup(u->arena, buf, strlen(buf));
	if (s->u.rule.name)
		s->u.rule.len = (uint32_t)strlen(s->u.rule.name);
	else
		s->u.rule.name = "";
}

/* Block rule names seen so far: an open-addressing table of rule indices
 * (by XXH3 of the name), so that finding a name defined twice stays linear. */
struct name_table {
	uint32_t *slot;     /* rule index + 1; 0 is empty */
	uint32_t mask;
};

/* The earlier rule with s's name, or NULL after remembering s. Without a
 * table (out of memory) every earlier rule is compared. */
static cpol_stmt *name_seen(struct name_table *t, struct cpol_model *m, uint32_t i)
{
	cpol_stmt *s = m->rules[i];
	if (!t->slot) {
		for (uint32_t j = 0; j < i; j++) {
			cpol_stmt *r = m->rules[j];
			if (r->u.rule.form == CPOL_FORM_BLOCK && r->u.rule.len == s->u.rule.len &&
			    memcmp(r->u.rule.name, s->u.rule.name, s->u.rule.len) == 0)
				return r;
		}
		return NULL;
	}
	for (uint32_t k = (uint32_t)XXH3_64bits(s->u.rule.name, s->u.rule.len) & t->mask;; k = (k + 1) & t->mask) {
		if (!t->slot[k]) {
			t->slot[k] = i + 1;
			return NULL;
		}
		cpol_stmt *r = m->rules[t->slot[k] - 1];
		if (r->u.rule.len == s->u.rule.len && memcmp(r->u.rule.name, s->u.rule.name, s->u.rule.len) == 0)
			return r;
	}
}

static void check_rules(cpol_unit *u, struct cpol_model *m)
{
	struct name_table names = { NULL, 0 };
	uint32_t cap = 16;
	while (cap < 2 * m->nrules)
		cap *= 2;
	names.slot = calloc(cap, sizeof *names.slot);
	names.mask = cap - 1;
	for (uint32_t i = 0; i < m->nrules; i++) {
		cpol_stmt *s = m->rules[i];
		s->u.rule.index = i;
		if (s->u.rule.form != CPOL_FORM_BLOCK)
			name_short_rule(u, s);
		else if (s->u.rule.len == 0)
			cpol_error_at(u, s->u.rule.name_loc, "a rule needs a name");
		if (s->u.rule.naction == 0)
			cpol_error_at(u, s->loc, "rule \"%s\" has no action (allow, prompt, forbid or evaluate script)",
			              s->u.rule.name);
		if (s->u.rule.action == CPOL_ACT_SCRIPT && (s->u.rule.script_arg == 0 || s->u.rule.script_arg > 65535))
			cpol_error_at(u, s->u.rule.action_loc, "the script is an argument after the program: arg 1 to 65535");
		check_cond(u, m, s->u.rule.when, s->seq, 0);
		check_cond(u, m, s->u.rule.unless, s->seq, 0);
		cpol_grant_check(u, s);
		if (s->u.rule.form == CPOL_FORM_BLOCK && s->u.rule.len) {
			cpol_stmt *t = name_seen(&names, m, i);
			if (t) {
				cpol_error_at(u, s->u.rule.name_loc, "rule \"%s\" is defined twice", s->u.rule.name);
				cpol_note_at(u, t->u.rule.name_loc, "first defined here");
			}
		}
	}
	free(names.slot);
}

static void check_sets(cpol_unit *u, struct cpol_model *m)
{
	for (uint32_t i = 0; i < m->nsets; i++) {
		cpol_stmt *s = m->sets[i];
		for (uint32_t j = 0; j < i; j++) {
			cpol_stmt *t = m->sets[j];
			if (in_prelude(u, t->loc) != in_prelude(u, s->loc))
				continue; /* the policy's own set takes the prelude's name */
			if (t->u.set.len == s->u.set.len && memcmp(t->u.set.name, s->u.set.name, s->u.set.len) == 0) {
				cpol_error_at(u, s->loc, "set '%s' is defined twice", s->u.set.name);
				cpol_note_at(u, t->loc, "first defined here");
				break;
			}
		}
		resolve_list(u, m, &s->u.set.list, s->seq);
	}
}

static void check_intents(cpol_unit *u, struct cpol_model *m)
{
	for (uint32_t i = 0; i < m->nintents; i++) {
		cpol_stmt *s = m->intents[i];
		resolve_list(u, m, &s->u.intent.programs, s->seq);
		check_list(u, &s->u.intent.programs, check_program_name);
		check_cond(u, m, s->u.intent.when, s->seq, 1);
		for (cpol_target *t = s->u.intent.targets; t; t = t->next) {
			if ((t->kind == CPOL_T_AFTER || t->kind == CPOL_T_VALUE) && t->len == 0)
				cpol_error_at(u, t->loc, "empty option name");
			if (t->kind == CPOL_T_OPERANDS && (t->from < 1 || t->from > 65535))
				cpol_error_at(u, t->loc, "operands are counted from 1");
		}
	}
}

static void check_wrappers(cpol_unit *u, struct cpol_model *m)
{
	for (uint32_t i = 0; i < m->nwrappers; i++) {
		cpol_stmt *s = m->wrappers[i];
		resolve_list(u, m, &s->u.wrapper.programs, s->seq);
		check_list(u, &s->u.wrapper.programs, check_program_name);
		if (s->u.wrapper.has_options) {
			resolve_list(u, m, &s->u.wrapper.options, s->seq);
			check_list(u, &s->u.wrapper.options, check_optspec);
		}
		if (s->u.wrapper.has_replace) {
			resolve_list(u, m, &s->u.wrapper.replace, s->seq);
			check_list(u, &s->u.wrapper.replace, check_replace_spec);
			if (!s->u.wrapper.input)
				cpol_error_at(u, s->loc, "'replace' needs 'input': the text replaced comes from the input");
			else
				check_replace_apart(u, s);
		}
		if (s->u.wrapper.has_command) {
			resolve_list(u, m, &s->u.wrapper.after, s->seq);
			check_list(u, &s->u.wrapper.after, check_nonempty);
			resolve_list(u, m, &s->u.wrapper.until, s->seq);
			check_list(u, &s->u.wrapper.until, check_nonempty);
			if (s->u.wrapper.skip || s->u.wrapper.assignments || s->u.wrapper.input || s->u.wrapper.script)
				cpol_error_at(u, s->loc, "a wrapper whose command comes after a marker takes no 'skip', "
				              "'assignments', 'input' or 'script'");
		}
		if (s->u.wrapper.script && (s->u.wrapper.assignments || s->u.wrapper.input))
			cpol_error_at(u, s->loc, "a wrapper that runs a script takes no 'assignments' or 'input'");
		if (s->u.wrapper.skip > 255)
			cpol_error_at(u, s->loc, "'skip' %u is too large (the limit is 255)", s->u.wrapper.skip);
	}
}

static void check_ports(cpol_unit *u, const cpol_port *p)
{
	for (; p; p = p->next) {
		if (p->lo < 1 || p->lo > 65535 || p->hi < 1 || p->hi > 65535)
			cpol_error_at(u, p->loc, "port %u is out of range (1 to 65535)", p->lo < 1 || p->lo > 65535 ? p->lo : p->hi);
		else if (p->lo > p->hi)
			cpol_error_at(u, p->loc, "port range %u-%u is empty", p->lo, p->hi);
	}
}

static void check_root(cpol_unit *u, const struct cpol_str *s)
{
	static const char *const vars[] = { "$WORKSPACE", "$TMPDIR", "$HOME" };
	if (s->len == 0) {
		cpol_error_at(u, s->loc, "empty path");
		return;
	}
	if (s->len > 200) {
		cpol_error_at(u, s->loc, "path is too long (the limit is 200 bytes)");
		return;
	}
	if (s->text[0] == '/' || (s->text[0] == '~' && (s->len == 1 || s->text[1] == '/')))
		return;
	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(vars[i]);
		if (s->len >= n && memcmp(s->text, vars[i], n) == 0 && (s->len == n || s->text[n] == '/'))
			return;
	}
	cpol_error_at(u, s->loc, "a root is an absolute path, or starts with $WORKSPACE, $TMPDIR, $HOME or ~");
}

static void check_protect(cpol_unit *u, const struct cpol_str *s)
{
	if (s->len && s->text[0] != '/' && s->text[0] != '$' && s->text[0] != '~') {
		/* a name inside every write root: no way out of it */
		if (s->len > 200 || (s->len >= 2 && (memcmp(s->text, "..", 2) == 0 || strstr(s->text, "/..")))) {
			cpol_error_at(u, s->loc, "a protected name must stay inside the write roots");
		}
		return;
	}
	check_root(u, s);
}

/* A denied path: a root (absolute, $VAR, ~), or `**\/NAME`, a name in any
 * folder, where NAME may end with one `*` (".env.*"). */
static void check_hostpat(cpol_unit *u, const struct cpol_str *s)
{
	const char *why;
	if (cpol_hostpat_check(s->text, s->len, &why) < 0)
		cpol_error_at(u, s->loc, "'%.*s': %s", (int)(s->len > 60 ? 60 : s->len), s->text, why);
}

static void check_deny(cpol_unit *u, const struct cpol_str *s)
{
	if (s->len >= 3 && !memcmp(s->text, "**/", 3)) {
		const char *n = s->text + 3;
		uint32_t nl = s->len - 3;
		const char *star = memchr(n, '*', nl);
		if (nl == 0 || nl > 200 || memchr(n, '/', nl) || (star && star != n + nl - 1) || (nl == 1 && star) ||
		    (nl <= 2 && n[0] == '.' && (nl == 1 || n[1] == '.')))
			cpol_error_at(u, s->loc, "after **/ comes one file name (it may end with *)");
		return;
	}
	if (memchr(s->text, '*', s->len)) {
		cpol_error_at(u, s->loc, "a denied path has no * but in the form \"**/NAME\"");
		return;
	}
	check_root(u, s);
}

static void check_envname(cpol_unit *u, const struct cpol_str *s)
{
	int ok = s->len > 0 && !(s->text[0] >= '0' && s->text[0] <= '9');
	for (uint32_t i = 0; i < s->len && ok; i++) {
		char c = s->text[i];
		ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
	}
	if (!ok)
		cpol_error_at(u, s->loc, "'%.*s' is not an environment variable name", (int)(s->len > 40 ? 40 : s->len), s->text);
}

/* A sandbox keeps at most 64 lines of each kind: says so at the line past it. */
static int room_for_line(cpol_unit *u, const cpol_sbitem *it, uint32_t n)
{
	if (n < 64)
		return 1;
	cpol_error_at(u, it->loc, "too many lines of this kind in the sandbox (the limit is 64)");
	return 0;
}

/* Resolves and checks one sandbox line's list; returns how many paths or
 * hosts it names once its sets are expanded (they count against the
 * sandbox's limit of 64 roots). */
static uint32_t take_sandbox_list(cpol_unit *u, const struct cpol_model *m, cpol_list *l,
                                  void (*check)(cpol_unit *, const struct cpol_str *))
{
	resolve_list(u, m, l, m->sandbox->seq);
	return check_list(u, l, check);
}

static void check_sandbox(cpol_unit *u, struct cpol_model *m)
{
	m->net = CPOL_NET_NONE;
	if (!m->sandbox)
		return;
	const cpol_sbitem *netitem = NULL;
	uint32_t nroots = 0;
	for (cpol_sbitem *it = m->sandbox->u.sandbox.items; it; it = it->next) {
		cpol_list *l = &it->list;
		switch (it->kind) {
		case CPOL_SB_READ: case CPOL_SB_WRITE: case CPOL_SB_PROTECT: case CPOL_SB_ENV_KEEP:
		case CPOL_SB_UNIX: {
			cpol_list **arr = it->kind == CPOL_SB_READ ? m->reads : it->kind == CPOL_SB_WRITE ? m->writes
			                : it->kind == CPOL_SB_PROTECT ? m->protects
			                : it->kind == CPOL_SB_UNIX ? m->unixes : m->envkeep;
			uint32_t *n = it->kind == CPOL_SB_READ ? &m->nreads : it->kind == CPOL_SB_WRITE ? &m->nwrites
			            : it->kind == CPOL_SB_PROTECT ? &m->nprotects
			            : it->kind == CPOL_SB_UNIX ? &m->nunixes : &m->nenvkeep;
			if (!room_for_line(u, it, *n))
				break;
			arr[(*n)++] = l;
			uint32_t k = take_sandbox_list(u, m, l, it->kind == CPOL_SB_ENV_KEEP ? check_envname
			                                        : it->kind == CPOL_SB_PROTECT ? check_protect : check_root);
			if (it->kind != CPOL_SB_ENV_KEEP)
				nroots += k;
			break;
		}
		case CPOL_SB_DENY_READ:
			if (!room_for_line(u, it, m->ndenyreads))
				break;
			m->denyreads[m->ndenyreads++] = l;
			nroots += take_sandbox_list(u, m, l, check_deny);
			break;
		case CPOL_SB_NET_ALLOW: case CPOL_SB_NET_ALLOW_READ: case CPOL_SB_NET_DENY:
			if (!room_for_line(u, it, m->nnethosts))
				break;
			m->nethost_kind[m->nnethosts] = it->kind == CPOL_SB_NET_ALLOW ? CPOL_RK_NET_ALLOW
			                              : it->kind == CPOL_SB_NET_DENY ? CPOL_RK_NET_DENY : CPOL_RK_NET_ALLOW_READ;
			m->nethosts[m->nnethosts++] = l;
			nroots += take_sandbox_list(u, m, l, check_hostpat);
			break;
		case CPOL_SB_NETWORK:
			if (netitem) {
				cpol_error_at(u, it->loc, "'network' is given twice in the sandbox");
				cpol_note_at(u, netitem->loc, "first given here");
				break;
			}
			netitem = it;
			m->net = it->net;
			m->connect = it->ports;
			check_ports(u, it->ports);
			break;
		case CPOL_SB_BIND:
			if (m->bind) {
				cpol_error_at(u, it->loc, "'bind' is given twice in the sandbox");
				break;
			}
			m->bind = it->ports;
			check_ports(u, it->ports);
			break;
		}
	}
	if (nroots > 64)
		cpol_error_at(u, m->sandbox->loc, "the sandbox names %u paths (the limit is 64)", nroots);
}

static int is_root_slash(const struct cpol_model *m)
{
	int hit = 0;
	for (uint32_t i = 0; i < m->nwrites && !hit; i++) {
		struct cpol_str *v;
		long n = cpol_expand(m->writes[i], &v);
		for (long k = 0; k < n; k++)
			hit |= v[k].len == 1 && v[k].text[0] == '/';
		free(v);
	}
	return hit;
}

int cpol_resolve(cpol_unit *u, cpol_file *main, struct cpol_model *m)
{
	struct walk w = { .u = u, .m = m };
	uint32_t errors = u->nerrors;
	memset(m, 0, sizeof *m);
	m->main = main;
	walk_file(&w, main);
	check_sets(u, m);
	check_rules(u, m);
	check_intents(u, m);
	check_wrappers(u, m);
	check_sandbox(u, m);
	{
		struct cpol_img_limits lim;
		cpol_limits_check(u, m->limits, &lim);
	}
	for (uint32_t i = 0; i < m->ntests; i++)
		for (cpol_testcase *t = m->tests[i]->u.test.cases; t; t = t->next)
			if (t->len == 0)
				cpol_error_at(u, t->loc, "empty example");
			else if (t->cwd && t->cwd[0] != '/')
				cpol_error_at(u, t->loc, "an example's cwd must be an absolute path");
	m->def = m->deflt ? m->deflt->u.def.dec : CPOL_DEC_PROMPT;
	m->def_confined = m->deflt ? m->deflt->u.def.confined : 0;
	if (m->policy) {
		m->name = m->policy->u.policy.name;
		m->namelen = m->policy->u.policy.len;
		if (m->namelen == 0)
			cpol_error_at(u, m->policy->loc, "the policy needs a name");
	} else {
		/* the file's name without folder and .cpol */
		const char *b = strrchr(main->path, '/');
		b = b ? b + 1 : main->path;
		size_t n = strlen(b);
		if (n > 5 && !strcmp(b + n - 5, ".cpol"))
			n -= 5;
		m->name = cpol_arena_strndup(u->arena, b, n);
		m->namelen = (uint32_t)n;
		if (!m->name) {
			m->name = "";
			m->namelen = 0;
		}
	}
	m->trusted = m->net == CPOL_NET_ANY && is_root_slash(m);
	if (cpol_arena_oom(u->arena))
		cpol_error_at(u, ((cpol_loc){ main->index, 0, 0 }), "out of memory");
	return u->nerrors > errors ? -1 : 0;
}
