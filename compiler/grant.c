/* compiler/grant.c -- the `grant` lines of rules: their semantic checks and
 * the GRANTS section of the image.
 *
 * A grant widens the sandbox of one approved command, so it belongs to
 * prompt rules only: an allow rule would widen the sandbox with nobody
 * asked, and forbid never runs anything. Both are errors, as is a grant on a
 * rule that evaluates a script. Paths are string literals (no set names), so
 * that what a rule grants can be read off the rule itself; they are roots in
 * the sense of the sandbox block (absolute, or starting with $WORKSPACE,
 * $TMPDIR, $HOME or ~), never "/" and never with a ".." component.
 * Nothing here widens anything: codexrun applies the section
 * (sandbox/spec_grants.c). */
#include "compiler/compiler.h"
#include "compiler/build.h"
#include "compiler/grant.h"
#include "vm/image.h"

#include <string.h>

static const char *const kind_word[] = { "write", "network connect", "unix" };

static void check_path(cpol_unit *u, const cpol_item *it, int kind)
{
	static const char *const vars[] = { "$WORKSPACE", "$TMPDIR", "$HOME", "~" };
	if (it->kind != CPOL_ITEM_STRING) {
		cpol_error_at(u, it->loc, "a grant names its paths as strings, not sets: what a rule grants is read off the rule");
		return;
	}
	const char *s = it->text;
	size_t n = it->len;
	if (n == 0 || n > 200) {
		cpol_error_at(u, it->loc, "a granted path has 1 to 200 bytes");
		return;
	}
	int ok = s[0] == '/';
	for (size_t i = 0; i < 4 && !ok; i++) {
		size_t l = strlen(vars[i]);
		ok = n >= l && !memcmp(s, vars[i], l) && (n == l || s[l] == '/');
	}
	if (!ok) {
		cpol_error_at(u, it->loc, "a granted path is absolute, or starts with $WORKSPACE, $TMPDIR, $HOME or ~");
		return;
	}
	if (n == 1 && s[0] == '/')
		cpol_error_at(u, it->loc, "grant %s \"/\" would lift the sandbox: name the folder the command needs",
		              kind_word[kind]);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && s[j] != '/')
			j++;
		if (j - i == 2 && s[i] == '.' && s[i + 1] == '.') {
			cpol_error_at(u, it->loc, "a granted path has no '..' component");
			return;
		}
		i = j + 1;
	}
}

void cpol_grant_check(cpol_unit *u, const cpol_stmt *rule)
{
	const cpol_grant *g = rule->u.rule.grants;
	if (!g)
		return;
	if (rule->u.rule.action != CPOL_ACT_DECIDE || rule->u.rule.dec != CPOL_DEC_PROMPT) {
		cpol_error_at(u, g->loc,
		              "rule \"%s\" grants, but only a prompt rule can: an approved prompt runs with the grants, "
		              "allow would widen the sandbox unasked, forbid never grants",
		              rule->u.rule.name);
		return;
	}
	uint32_t n = 0;
	for (; g; g = g->next) {
		if (g->kind == CPOL_GRANT_CONNECT) {
			for (const cpol_port *p = g->ports; p; p = p->next, n++) {
				if (p->lo < 1 || p->lo > 65535 || p->hi < 1 || p->hi > 65535)
					cpol_error_at(u, p->loc, "port %u is out of range (1 to 65535)",
					              p->lo < 1 || p->lo > 65535 ? p->lo : p->hi);
				else if (p->lo > p->hi)
					cpol_error_at(u, p->loc, "port range %u-%u is empty", p->lo, p->hi);
			}
			continue;
		}
		for (const cpol_item *it = g->list.first; it; it = it->next, n++)
			check_path(u, it, g->kind);
	}
	if (n > CPOL_GRANT_MAX)
		cpol_error_at(u, rule->u.rule.grants->loc, "rule \"%s\" has %u grants (the limit is %u)", rule->u.rule.name,
		              n, CPOL_GRANT_MAX);
}

/* Split a path into its variable and the rest, as the sandbox roots are. */
static void path_parts(const char *s, uint32_t n, uint8_t *var, const char **rest, uint32_t *len)
{
	static const struct { const char *name; uint8_t var; } vars[] = {
		{ "$WORKSPACE", CPOL_RV_WORKSPACE }, { "$TMPDIR", CPOL_RV_TMPDIR }, { "$HOME", CPOL_RV_HOME },
		{ "~", CPOL_RV_HOME },
	};
	for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
		size_t l = strlen(vars[i].name);
		if (n >= l && !memcmp(s, vars[i].name, l)) {
			*var = vars[i].var;
			*rest = s + l;
			*len = n - (uint32_t)l;
			return;
		}
	}
	*var = CPOL_RV_NONE;
	*rest = s;
	*len = n;
}

uint32_t cpol_grant_gen(const struct cpol_model *m, struct cpol_strtab *st, struct cpol_buf *out)
{
	uint32_t count = 0;
	for (uint32_t r = 0; r < m->nrules; r++) {
		for (const cpol_grant *g = m->rules[r]->u.rule.grants; g; g = g->next) {
			if (g->kind == CPOL_GRANT_CONNECT) {
				for (const cpol_port *p = g->ports; p; p = p->next, count++) {
					struct cpol_img_grant x = { r, CPOL_GRANT_CONNECT, 0, (uint16_t)p->lo, (uint16_t)p->hi, 0, 0 };
					cpol_buf_put(out, &x, sizeof x);
				}
				continue;
			}
			for (const cpol_item *it = g->list.first; it; it = it->next, count++) {
				struct cpol_img_grant x = { r, g->kind, 0, 0, 0, 0, 0 };
				const char *rest;
				uint32_t len;
				path_parts(it->text, it->len, &x.var, &rest, &len);
				x.path = cpol_strtab_id(st, rest, len);
				cpol_buf_put(out, &x, sizeof x);
			}
		}
	}
	return count;
}
