/* sandbox/spec_read.c -- the one reader of an image's SANDBOX section: from
 * an image and the environment to the platform-neutral spec a backend
 * applies. Roots are expanded exactly as the VM expands them (same
 * function), port ranges unrolled into port lists, the prebuilt part
 * (the Linux backend's seccomp filter) passed on unread, `deny read` entries
 * split into paths and names, the proxy's host rules copied out. Nothing else outside vm/
 * reads the section; this file never talks to the kernel beyond stat(2). */
#include "sandbox/spec.h"
#include "common/error.h"
#include "vm/path.h"
#include "vm/vm.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cpol_spec_read(const cpol_image *im, const cpol_env *env, int require, struct cpol_spec *rs,
                   cpol_error *err)
{
	const struct cpol_img_sandbox_hdr *sb = im->sb;
	memset(rs, 0, sizeof *rs);
	size_t nroots = sb->nroots, nwrite = 0;
	for (uint32_t i = 0; i < sb->nroots; i++)
		nwrite += im->roots[i].kind == CPOL_RK_WRITE;
	/* a relative protected name becomes one path per write root */
	size_t maxpaths = nroots * (nwrite + 1) + 1;
	rs->paths = calloc(4 * maxpaths, sizeof *rs->paths);
	rs->strs = malloc(maxpaths * CPOL_PATH_BUF);
	size_t nports = 0;
	for (uint32_t i = 0; i < sb->nconnect; i++)
		nports += (size_t)im->connect[i].hi - im->connect[i].lo + 1;
	for (uint32_t i = 0; i < sb->nbind; i++)
		nports += (size_t)im->bind[i].hi - im->bind[i].lo + 1;
	rs->ports = malloc((nports ? nports : 1) * sizeof *rs->ports);
	if (!rs->paths || !rs->strs || !rs->ports) {
		cpol_spec_free(rs);
		return cpol_fail(err, ENOMEM, "out of memory");
	}
	const char **reads = rs->paths, **writes = rs->paths + maxpaths, **prot = rs->paths + 2 * maxpaths;
	const char **unixes = rs->paths + 3 * maxpaths;
	size_t nr = 0, nw = 0, np = 0, nu = 0, used = 0;
	for (int pass = 0; pass < 4; pass++) {
		static const uint8_t kinds[] = { CPOL_RK_READ, CPOL_RK_WRITE, CPOL_RK_PROTECT, CPOL_RK_UNIX };
		for (uint32_t i = 0; i < sb->nroots; i++) {
			const struct cpol_img_root *r = &im->roots[i];
			if (r->kind != kinds[pass])
				continue;
			uint32_t pl;
			const char *p = cpol_img_string(im, r->path, &pl);
			size_t reps = r->var == CPOL_RV_RELATIVE ? nw : 1;
			for (size_t k = 0; k < reps; k++) {
				/* A name relative to the write roots (.git) means nothing
				 * inside a root that is a file (/dev/null): expanded, it would
				 * make the sandbox protect the file itself, in a mount
				 * namespace it otherwise does not need (the sandbox skips such
				 * roots for its own relative entries the same way). */
				struct stat st;
				if (r->var == CPOL_RV_RELATIVE && stat(writes[k], &st) == 0 && !S_ISDIR(st.st_mode))
					continue;
				char *out = rs->strs + used;
				long m = cpol_root_expand(r, p, pl, env->workspace, env->tmpdir, env->home,
				                          r->var == CPOL_RV_RELATIVE ? writes[k] : "", out, CPOL_PATH_BUF);
				if (m < 0) {
					cpol_spec_free(rs);
					return cpol_fail(err, ENAMETOOLONG, "sandbox path too long");
				}
				used += (size_t)m + 1;
				if (pass == 0)
					reads[nr++] = out;
				else if (pass == 1)
					writes[nw++] = out;
				else if (pass == 2)
					prot[np++] = out;
				else
					unixes[nu++] = out;
			}
		}
	}
	size_t nc = 0;
	for (uint32_t i = 0; i < sb->nconnect; i++)
		for (uint32_t p = im->connect[i].lo; p <= im->connect[i].hi; p++)
			rs->ports[nc++] = (uint16_t)p;
	size_t nb = 0;
	for (uint32_t i = 0; i < sb->nbind; i++)
		for (uint32_t p = im->bind[i].lo; p <= im->bind[i].hi; p++)
			rs->ports[nc + nb++] = (uint16_t)p;
	struct cpol_sandbox_spec *s = &rs->spec;
	*s = (struct cpol_sandbox_spec){
		.read_roots = reads, .nread = nr, .write_roots = writes, .nwrite = nw,
		.protect = prot, .nprotect = np, .unix_allow = unixes, .nunix = nu,
		.net = (enum cpol_net_mode)sb->net,
		.connect_ports = rs->ports, .nconnect = nc, .bind_ports = rs->ports + nc, .nbind = nb,
		.trusted = (im->meta->flags & CPOL_IMGF_TRUSTED) != 0, .require = require,
		.prebuilt = { im->bpf, sb->bpf_len, sb->bpf_arch,
		              im->meta->flags & CPOL_IMGF_RO_FILTER ? CPOL_PREBUILT_READONLY : 0 },
	};
	/* deny read: absolute paths, then names matched anywhere */
	size_t ndeny = 0;
	for (uint32_t i = 0; i < sb->nroots; i++)
		ndeny += im->roots[i].kind == CPOL_RK_DENY_READ;
	if (ndeny) {
		rs->deny = calloc(ndeny, sizeof *rs->deny);
		rs->denied = calloc(ndeny, sizeof *rs->denied);
		if (!rs->deny || !rs->denied) {
			cpol_spec_free(rs);
			return cpol_fail(err, ENOMEM, "out of memory");
		}
		size_t nd = cpol_spec_denied(im, env, rs->deny, ndeny), k = 0;
		for (int pattern = 0; pattern < 2; pattern++) {
			const char **first = rs->denied + k;
			for (size_t i = 0; i < nd; i++)
				if (rs->deny[i].pattern == pattern)
					rs->denied[k++] = rs->deny[i].path;
			if (pattern) {
				s->deny_names = first;
				s->ndeny_names = (size_t)(rs->denied + k - first);
			} else {
				s->deny_read = first;
				s->ndeny_read = k;
			}
		}
	}
	/* host rules of the proxy: their patterns, terminated */
	size_t nhost = 0, hostlen = 0;
	for (uint32_t i = 0; i < sb->nroots; i++)
		if (im->roots[i].kind >= CPOL_RK_NET_ALLOW) {
			uint32_t len;
			(void)cpol_img_string(im, im->roots[i].path, &len);
			nhost++;
			hostlen += (size_t)len + 1;
		}
	if (nhost) {
		rs->host_rules = calloc(nhost, sizeof *rs->host_rules);
		rs->host_strs = malloc(hostlen);
		if (!rs->host_rules || !rs->host_strs) {
			cpol_spec_free(rs);
			return cpol_fail(err, ENOMEM, "out of memory");
		}
		char *out = rs->host_strs;
		for (uint32_t i = 0; i < sb->nroots; i++) {
			const struct cpol_img_root *r = &im->roots[i];
			if (r->kind < CPOL_RK_NET_ALLOW)
				continue;
			uint32_t len;
			const char *t = cpol_img_string(im, r->path, &len);
			memcpy(out, t, len);
			out[len] = 0;
			rs->host_rules[rs->nhosts++] = (struct cpol_spec_host){ out, r->kind == CPOL_RK_NET_DENY,
			                                                        r->kind == CPOL_RK_NET_ALLOW_READ };
			out += len + 1;
		}
		rs->hosts = rs->host_rules;
	}
	if (sb->nenv) {
		rs->env_keep = calloc(sb->nenv, sizeof *rs->env_keep);
		for (uint32_t i = 0; rs->env_keep && i < sb->nenv; i++)
			rs->env_keep[rs->nenv_keep++] = cpol_img_string(im, im->envkeep[i], NULL);
	}
	return 0;
}

int cpol_spec_trusted(const cpol_image *im)
{
	return (im->meta->flags & CPOL_IMGF_TRUSTED) != 0;
}

_Static_assert(sizeof ((struct cpol_spec_deny *)0)->path == CPOL_PATH_BUF, "deny read paths are VM paths");

size_t cpol_spec_denied(const cpol_image *im, const cpol_env *env, struct cpol_spec_deny *out, size_t max)
{
	size_t n = 0;
	for (uint32_t i = 0; i < im->sb->nroots && n < max; i++) {
		const struct cpol_img_root *r = &im->roots[i];
		if (r->kind != CPOL_RK_DENY_READ)
			continue;
		uint32_t pl;
		const char *p = cpol_img_string(im, r->path, &pl);
		out[n].written = p;
		out[n].pattern = r->var == CPOL_RV_ANYWHERE;
		static const char *const prefixes[] = { "", "$WORKSPACE", "$TMPDIR", "~", "", "**/" };
		out[n].prefix = prefixes[r->var <= CPOL_RV_ANYWHERE ? r->var : 0];
		if (out[n].pattern) {
			snprintf(out[n].path, sizeof out[n].path, "%s", p);
		} else if (cpol_root_expand(r, p, pl, env->workspace, env->tmpdir, env->home, "", out[n].path,
		                            sizeof out[n].path) < 0) {
			continue;
		}
		n++;
	}
	return n;
}

void cpol_spec_limits(const cpol_image *im, struct cpol_limits *out)
{
	memset(out, 0, sizeof *out);
	if (im->limits) {
		out->time_s = im->limits->time_s;
		out->cpu_s = im->limits->cpu_s;
		out->memory = im->limits->memory;
		out->processes = im->limits->processes;
		out->file_size = im->limits->file_size;
		out->open_files = im->limits->open_files;
	}
}

void cpol_spec_free(struct cpol_spec *rs)
{
	free(rs->strs);
	free(rs->paths);
	free(rs->ports);
	free(rs->env_keep);
	free(rs->deny);
	free(rs->denied);
	free(rs->host_rules);
	free(rs->host_strs);
	memset(rs, 0, sizeof *rs);
}

int cpol_spec_writable(const struct cpol_spec *rs, const char *path)
{
	char norm[CPOL_PATH_BUF];
	long n = cpol_path_normalize("/", 1, "/", 1, path, strlen(path), norm, sizeof norm);
	if (n < 0)
		return 1; /* cannot tell: treat as writable */
	for (size_t i = 0; i < rs->spec.nwrite; i++)
		if (cpol_path_within(rs->spec.write_roots[i], strlen(rs->spec.write_roots[i]), norm, (size_t)n))
			return 1;
	return 0;
}

int cpol_spec_writable_real(const struct cpol_spec *rs, const char *path)
{
	char real[PATH_MAX];
	return cpol_spec_writable(rs, path) || (realpath(path, real) && cpol_spec_writable(rs, real));
}
