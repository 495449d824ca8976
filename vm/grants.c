/* vm/grants.c -- reading the GRANTS section of a verified image: the
 * grants of one rule, and one grant as text ("write ~/.cache/pip",
 * "network connect 443", "unix /run/docker.sock") for --explain, --dump and
 * the audit record. Not on the evaluation path; no allocation. */
#include "vm/vm.h"

#include <stdio.h>

uint32_t cpol_rule_grants(const struct cpol_image *im, int rule, const struct cpol_img_grant **first)
{
	*first = NULL;
	if (rule < 0 || !im->grants)
		return 0;
	uint32_t i = 0, n = 0;
	while (i < im->ngrants && im->grants[i].rule < (uint32_t)rule)
		i++;
	while (i + n < im->ngrants && im->grants[i + n].rule == (uint32_t)rule)
		n++;
	if (n)
		*first = &im->grants[i];
	return n;
}

int cpol_grant_text(const struct cpol_image *im, const struct cpol_img_grant *g, char *buf, size_t cap)
{
	static const char *const vars[] = { "", "$WORKSPACE", "$TMPDIR", "~" };
	if (g->kind == CPOL_GRANT_CONNECT) {
		if (g->lo == g->hi)
			return snprintf(buf, cap, "network connect %u", g->lo);
		return snprintf(buf, cap, "network connect %u-%u", g->lo, g->hi);
	}
	return snprintf(buf, cap, "%s %s%s", g->kind == CPOL_GRANT_WRITE ? "write" : "unix",
	                vars[g->var <= CPOL_RV_HOME ? g->var : 0], cpol_img_string(im, g->path, NULL));
}

size_t cpol_rule_grants_text(const struct cpol_image *im, int rule, char *buf, size_t cap)
{
	const struct cpol_img_grant *g;
	uint32_t n = cpol_rule_grants(im, rule, &g);
	size_t len = 0;
	if (cap)
		buf[0] = 0;
	for (uint32_t i = 0; i < n && len + 1 < cap; i++) {
		if (i)
			len += (size_t)snprintf(buf + len, cap - len, ", ");
		if (len + 1 >= cap)
			break;
		int k = cpol_grant_text(im, &g[i], buf + len, cap - len);
		len += k > 0 ? (size_t)k : 0;
	}
	return len < cap ? len : cap ? cap - 1 : 0;
}

int cpol_rule_grant_text(const struct cpol_image *im, int rule, unsigned i, char *buf, size_t cap)
{
	const struct cpol_img_grant *g;
	uint32_t n = cpol_rule_grants(im, rule, &g);
	return i < n ? cpol_grant_text(im, &g[i], buf, cap) : -1;
}

const char *cpol_image_grant_rule(const struct cpol_image *im)
{
	return im->ngrants ? cpol_img_string(im, im->rules[im->grants[0].rule].name, NULL) : NULL;
}
