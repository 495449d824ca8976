/* sandbox/spec_grants.c -- an approved prompt runs with the grants of the
 * rule that asked, and nothing more: this widens the sandbox spec read from
 * the profile (spec_read.c) by those grants only, read from the same image. It is called for prompt
 * decisions that were approved, never for allow or forbid (the compiler and
 * the verifier already keep grants off every other rule). */
#include "sandbox/spec.h"
#include "common/error.h"
#include "vm/path.h"
#include "vm/vm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void cpol_spec_grants_free(struct cpol_spec_grants *g)
{
	free(g->paths);
	free(g->strs);
	free(g->ports);
	memset(g, 0, sizeof *g);
}

int cpol_spec_grant(const cpol_image *im, int rule, const cpol_env *env, struct cpol_spec *rs,
                     struct cpol_spec_grants *g, cpol_error *err)
{
	const struct cpol_img_grant *gr;
	uint32_t n = cpol_rule_grants(im, rule, &gr);
	memset(g, 0, sizeof *g);
	if (!n)
		return 0;
	cpol_rule_grants_text(im, rule, g->text, sizeof g->text);
	struct cpol_sandbox_spec *s = &rs->spec;
	size_t nrel = 0;
	for (uint32_t i = 0; i < im->sb->nroots; i++)
		nrel += im->roots[i].kind == CPOL_RK_PROTECT && im->roots[i].var == CPOL_RV_RELATIVE;
	size_t nports = 0;
	for (uint32_t i = 0; i < n; i++) {
		g->nwrite += gr[i].kind == CPOL_GRANT_WRITE;
		g->nunix += gr[i].kind == CPOL_GRANT_UNIX;
		if (gr[i].kind == CPOL_GRANT_CONNECT)
			nports += (size_t)gr[i].hi - gr[i].lo + 1;
	}
	size_t nw = s->nwrite + g->nwrite, np = s->nprotect + g->nwrite * nrel;
	g->paths = calloc(nw + np + 1, sizeof *g->paths);
	g->strs = malloc((g->nwrite * (nrel + 1) + 1) * CPOL_PATH_BUF);
	g->ports = malloc((s->nconnect + nports + 1) * sizeof *g->ports);
	if (!g->paths || !g->strs || !g->ports) {
		cpol_spec_grants_free(g);
		return cpol_fail(err, ENOMEM, "out of memory");
	}
	const char **writes = g->paths, **prot = g->paths + nw;
	memcpy(writes, s->write_roots, s->nwrite * sizeof *writes);
	memcpy(prot, s->protect, s->nprotect * sizeof *prot);
	size_t w = s->nwrite, p = s->nprotect, used = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (gr[i].kind != CPOL_GRANT_WRITE)
			continue;
		struct cpol_img_root r = { CPOL_RK_WRITE, gr[i].var, 0, gr[i].path };
		uint32_t pl;
		const char *path = cpol_img_string(im, gr[i].path, &pl);
		char *out = g->strs + used;
		long m = cpol_root_expand(&r, path, pl, env->workspace, env->tmpdir, env->home, "", out, CPOL_PATH_BUF);
		if (m < 0) {
			cpol_spec_grants_free(g);
			return cpol_fail(err, ENAMETOOLONG, "granted path too long");
		}
		used += (size_t)m + 1;
		writes[w++] = out;
		/* the profile's names kept read-only in every write root (.git)
		 * are kept read-only in a granted folder too */
		struct stat st;
		if (stat(out, &st) == 0 && !S_ISDIR(st.st_mode))
			continue;
		for (uint32_t k = 0; k < im->sb->nroots; k++) {
			const struct cpol_img_root *x = &im->roots[k];
			if (x->kind != CPOL_RK_PROTECT || x->var != CPOL_RV_RELATIVE)
				continue;
			uint32_t xl;
			const char *xp = cpol_img_string(im, x->path, &xl);
			char *po = g->strs + used;
			long pm = cpol_root_expand(x, xp, xl, env->workspace, env->tmpdir, env->home, out, po, CPOL_PATH_BUF);
			if (pm < 0) {
				cpol_spec_grants_free(g);
				return cpol_fail(err, ENAMETOOLONG, "granted path too long");
			}
			used += (size_t)pm + 1;
			prot[p++] = po;
		}
	}
	s->write_roots = writes;
	s->nwrite = w;
	s->protect = prot;
	s->nprotect = p;
	if (nports && (s->net == CPOL_NET_NONE || s->net == CPOL_NET_CONNECT)) {
		size_t c = 0;
		if (s->net == CPOL_NET_CONNECT) {
			memcpy(g->ports, s->connect_ports, s->nconnect * sizeof *g->ports);
			c = s->nconnect;
		}
		for (uint32_t i = 0; i < n; i++)
			if (gr[i].kind == CPOL_GRANT_CONNECT)
				for (uint32_t port = gr[i].lo; port <= gr[i].hi; port++)
					g->ports[c++] = (uint16_t)port;
		g->nconnect = (unsigned)nports;
		s->connect_ports = g->ports;
		s->nconnect = c;
		if (s->net == CPOL_NET_NONE) {
			/* what was prebuilt holds the mode without network: the
			 * backend builds the one of the connect mode instead */
			s->net = CPOL_NET_CONNECT;
			s->prebuilt = (struct cpol_sandbox_prebuilt){ 0 };
		}
	}
	return 0;
}
