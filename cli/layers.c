/* cli/layers.c -- the admin, user and project policy layers of codexrun.
 *
 * A layer is the *.cpol files of one folder (sorted by name), compiled as
 * one policy that includes them all: rules, sets and intents only, as the
 * sandbox, default and tests belong to a top-level file (the profile gives
 * the sandbox). A layer judges a command on its own; when none of its rules
 * matches, it abstains. Compiled images are cached in
 * $XDG_CACHE_HOME/codexpol/layers under the hash of every file that took
 * part (includes too), so a changed source is rebuilt; a cache folder inside
 * a writable root of the profile is not used (the command could plant an
 * image there), the layer is then compiled in memory.
 *
 * Trust: the project layer lives in the workspace, which the sandboxed
 * command can write, so it is used only when the trust file
 * ($XDG_STATE_HOME/codexpol/trust, kept outside the writable roots) records
 * its folder with the same content hash. A new or changed project layer is
 * shown on the terminal and trusted on "y"; without a terminal it is not
 * used. It may never widen the sandbox: a project layer with a grant is not
 * used either. This file never runs the command and never writes anywhere
 * but the cache and the trust file.
 */
#include "config.h"

#include "cli/layers.h"
#include "cli/prelude.h"
#include "compiler/compiler.h"
#include "vm/query.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "audit/jsonl.h"

#ifndef CPOL_ADMIN_DIR
#define CPOL_ADMIN_DIR "/etc/codexpol"
#endif

static const char *const kind_names[] = { "admin", "user", "project" };

static int is_cpol(const struct dirent *e)
{
	size_t n = strlen(e->d_name);
	return e->d_name[0] != '.' && n > 5 && !strcmp(e->d_name + n - 5, ".cpol");
}

int run_layer_dir_secure(const char *dir, int need_root, char *why, size_t cap)
{
	struct stat st;
	if (stat(dir, &st) < 0)
		return 0;
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, cap, "%s is not a folder", dir);
		return -1;
	}
	if ((need_root && st.st_uid != 0) || (!need_root && st.st_uid != 0 && st.st_uid != geteuid())) {
		snprintf(why, cap, "%s is owned by uid %u, not by %s", dir, (unsigned)st.st_uid, need_root ? "root" : "you");
		return -1;
	}
	if (st.st_mode & (need_root ? 022 : 002)) {
		snprintf(why, cap, "%s is writable by %s", dir, st.st_mode & 002 ? "others" : "its group");
		return -1;
	}
	struct dirent **names;
	int n = scandir(dir, &names, is_cpol, alphasort);
	if (n < 0)
		return 0;
	int rc = 0;
	for (int i = 0; i < n; i++) {
		char p[PATH_MAX];
		snprintf(p, sizeof p, "%s/%s", dir, names[i]->d_name);
		if (rc == 0 && lstat(p, &st) == 0) {
			if (!S_ISREG(st.st_mode)) {
				snprintf(why, cap, "%s is not a regular file", p);
				rc = -1;
			} else if ((need_root && st.st_uid != 0) ||
			           (!need_root && st.st_uid != 0 && st.st_uid != geteuid())) {
				snprintf(why, cap, "%s is owned by uid %u, not by %s", p, (unsigned)st.st_uid,
				         need_root ? "root" : "you");
				rc = -1;
			} else if (st.st_mode & (need_root ? 022 : 002)) {
				snprintf(why, cap, "%s is writable by %s", p, st.st_mode & 002 ? "others" : "its group");
				rc = -1;
			}
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

/* $VAR when absolute, else $HOME/fallback; then /codexpol[/leaf]. */
static void xdg_path(char *out, size_t cap, const char *var, const char *home, const char *fallback,
                     const char *leaf)
{
	const char *x = getenv(var);
	if (x && x[0] == '/')
		snprintf(out, cap, "%s/codexpol%s%s", x, leaf ? "/" : "", leaf ? leaf : "");
	else
		snprintf(out, cap, "%s/%s/codexpol%s%s", home, fallback, leaf ? "/" : "", leaf ? leaf : "");
}

static int mkdirs(const char *path)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s", path);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(p, 0700) < 0 && errno != EEXIST)
			return -1;
		*s = '/';
	}
	return mkdir(p, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

int run_write_atomic(const char *path, const void *data, size_t len, int mode)
{
	char tmp[PATH_MAX + 16];
	snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	if (fd < 0)
		return -1;
	const char *p = data;
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, p + off, len - off);
		if (w <= 0) {
			close(fd);
			unlink(tmp);
			return -1;
		}
		off += (size_t)w;
	}
	if (fsync(fd) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int spec_writable(const struct cpol_spec *spec, const char *path)
{
	return spec && cpol_spec_writable(spec, path);
}

/* The top-level text of a layer: includes of its files. */
static char *layer_text(const struct run_layer *L, struct dirent **names, int n, size_t *len)
{
	size_t cap = 256;
	for (int i = 0; i < n; i++)
		cap += strlen(L->dir) + strlen(names[i]->d_name) + 32;
	char *t = malloc(cap * 2);
	if (!t)
		return NULL;
	size_t k = (size_t)snprintf(t, cap, "policy \"%s layer\";\ndefault prompt;\n", kind_names[L->kind]);
	for (int i = 0; i < n; i++) {
		char p[PATH_MAX];
		snprintf(p, sizeof p, "%s/%s", L->dir, names[i]->d_name);
		k += (size_t)snprintf(t + k, cap * 2 - k, "include \"");
		for (const char *c = p; *c; c++) {
			if (*c == '"' || *c == '\\')
				t[k++] = '\\';
			t[k++] = (unsigned char)*c < 0x20 ? '?' : *c;
		}
		k += (size_t)snprintf(t + k, cap * 2 - k, "\";\n");
	}
	*len = k;
	return t;
}

static void diag_fail(cpol_unit *u, const struct run_layer *L, cpol_error *err)
{
	cpol_diag_print(u, stderr);
	cpol_fail(err, EINVAL, "the %s policy layer in %s does not compile", kind_names[L->kind], L->dir);
}

/* A unit holding a layer's top-level text, parsed. Like every policy
 * codexpolc compiles, a layer starts with the prelude unless one of its
 * files says `prelude none;`: the text is parsed once without it to see,
 * then again with it. The prelude is the installed one (or the build
 * tree's), never one the environment names: the admin layer binds users
 * who control the environment. No prelude installed: the layer goes
 * without. */
static cpol_unit *layer_parse(const char *top, const char *text, size_t tlen, char *prelude, size_t cap,
                              cpol_file **mainp)
{
	for (int pass = 0;; pass++) {
		cpol_unit *u = cpol_unit_new();
		if (!u)
			return NULL;
		memset(u->warn_off, 1, sizeof u->warn_off); /* warnings are for codexpolc --lint */
		u->layer = 1;
		u->prelude = pass ? prelude : NULL;
		cpol_file *main = cpol_parse_buffer(u, top, text, tlen);
		if (pass || !main || u->nerrors || cpol_no_prelude(u, main) || cpol_find_prelude_installed(prelude, cap) < 0) {
			*mainp = main;
			return u;
		}
		cpol_unit_free(u);
	}
}

/* Parse, hash, then load the cached image or compile (and cache) it. */
static int layer_build(struct run_layers *ls, struct run_layer *L, const struct cpol_spec *spec, cpol_error *err)
{
	struct dirent **names;
	int n = scandir(L->dir, &names, is_cpol, alphasort);
	if (n <= 0) {
		if (n == 0)
			free(names);
		return 0;
	}
	L->nfiles = (unsigned)n;
	size_t tlen = 0;
	char *text = layer_text(L, names, n, &tlen);
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	char top[PATH_MAX + 32], prelude[PATH_MAX];
	snprintf(top, sizeof top, "%s/(%s layer)", L->dir, kind_names[L->kind]);
	cpol_file *main = NULL;
	cpol_unit *u = text ? layer_parse(top, text, tlen, prelude, sizeof prelude, &main) : NULL;
	if (!u) {
		free(text);
		return cpol_fail(err, ENOMEM, "out of memory");
	}
	int rc = -1;
	if (!main || u->nerrors) {
		diag_fail(u, L, err);
		goto out;
	}
	/* the hash covers every file the layer reads, includes included */
	XXH3_state_t *h = XXH3_createState();
	if (!h) {
		cpol_fail(err, ENOMEM, "out of memory");
		goto out;
	}
	XXH3_64bits_reset(h);
	for (uint32_t i = 1; i < u->nfiles; i++) {
		const cpol_file *f = u->files[i];
		XXH3_64bits_update(h, f->real ? f->real : f->path, strlen(f->real ? f->real : f->path) + 1);
		uint64_t sz = f->size;
		XXH3_64bits_update(h, &sz, sizeof sz);
		XXH3_64bits_update(h, f->text, f->size);
	}
	snprintf(L->hash, sizeof L->hash, "%016llx", (unsigned long long)XXH3_64bits_digest(h));
	XXH3_freeState(h);

	char cached[PATH_MAX + 96] = "";
	if (ls->cache[0] && !spec_writable(spec, ls->cache)) {
		snprintf(cached, sizeof cached, "%s/%s-%s-v%u-%s.bin", ls->cache, kind_names[L->kind], L->hash,
		         cpol_image_format_version(), PACKAGE_VERSION);
		if (access(cached, R_OK) == 0) {
			cpol_error e2;
			L->im = cpol_image_open(cached, &e2);
			if (L->im) {
				rc = 0;
				goto out;
			}
			unlink(cached); /* corrupt: rebuilt below */
		}
	}
	uint8_t *img = NULL;
	size_t len = 0;
	if (cpol_compile(u, main, NULL, 0, &img, &len) != 0 || !img) {
		free(img);
		diag_fail(u, L, err);
		goto out;
	}
	if (cached[0] && mkdirs(ls->cache) == 0)
		(void)run_write_atomic(cached, img, len, 0600); /* a cache that cannot be written is only slower */
	L->im = cpol_image_load(img, len, 0, err);
	free(img);
	rc = L->im ? 0 : -1;
out:
	free(text);
	cpol_unit_free(u);
	return rc;
}

/* Is (dir, hash) in the trust file? */
static int is_trusted(const char *trust, const char *dir, const char *hash)
{
	FILE *f = fopen(trust, "re");
	if (!f)
		return 0;
	char line[PATH_MAX + 64];
	int ok = 0;
	while (!ok && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		ok = strlen(line) > 17 && line[16] == ' ' && !strncmp(line, hash, 16) && !strcmp(line + 17, dir);
	}
	fclose(f);
	return ok;
}

int run_layers_trust(const char *trust, const char *dir, const char *hash, cpol_error *err)
{
	char parent[PATH_MAX];
	snprintf(parent, sizeof parent, "%s", trust);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = 0;
		if (mkdirs(parent) < 0)
			return cpol_fail(err, errno, "cannot make %s: %s", parent, strerror(errno));
	}
	size_t cap = 4096, n = 0;
	char *out = malloc(cap);
	if (!out)
		return cpol_fail(err, ENOMEM, "out of memory");
	FILE *f = fopen(trust, "re");
	char line[PATH_MAX + 64];
	while (f && fgets(line, sizeof line, f)) {
		size_t l = strlen(line);
		if (l > 17 && !strncmp(line + 17, dir, strlen(dir)) && line[17 + strlen(dir)] == '\n')
			continue; /* the folder's old entry */
		if (n + l + 1 > cap) {
			char *p = realloc(out, cap = 2 * (n + l + 1));
			if (!p) {
				free(out);
				fclose(f);
				return cpol_fail(err, ENOMEM, "out of memory");
			}
			out = p;
		}
		memcpy(out + n, line, l);
		n += l;
	}
	if (f)
		fclose(f);
	size_t need = n + strlen(dir) + 20;
	if (need > cap) {
		char *p = realloc(out, need);
		if (!p) {
			free(out);
			return cpol_fail(err, ENOMEM, "out of memory");
		}
		out = p;
	}
	n += (size_t)snprintf(out + n, need - n, "%s %s\n", hash, dir);
	int rc = run_write_atomic(trust, out, n, 0600);
	free(out);
	if (rc < 0)
		return cpol_fail(err, errno, "cannot write the trust file %s: %s", trust, strerror(errno));
	return 0;
}

/* Show the project layer on the terminal and ask. 1 trusted, 0 refused,
 * -1 no terminal. */
static int ask_trust(const struct run_layer *L)
{
	char msg[PATH_MAX + 512], a[64];
	snprintf(msg, sizeof msg,
	         "codexrun: the project policy in %s is new or has changed (%u file%s, content %s).\n"
	         "  Its rules can allow what your profile would ask about (never what a layer forbids).\n"
	         "Trust it for this workspace? [y/N] ",
	         L->dir, L->nfiles, L->nfiles == 1 ? "" : "s", L->hash);
	int r = run_tty_ask(msg, a, sizeof a);
	return r < 0 ? -1 : r > 0 && run_yes(a);
}

int run_layers_open(struct run_layers *ls, const struct run_layers_opts *o, const cpol_env *env, cpol_error *err)
{
	memset(ls, 0, sizeof *ls);
	for (int k = 0; k < LAYER__COUNT; k++)
		ls->l[k].kind = k;
	snprintf(ls->l[LAYER_ADMIN].dir, PATH_MAX, "%s", o->admin_dir ? o->admin_dir : CPOL_ADMIN_DIR);
	xdg_path(ls->l[LAYER_USER].dir, PATH_MAX, "XDG_CONFIG_HOME", o->home, ".config", NULL);
	snprintf(ls->l[LAYER_PROJECT].dir, PATH_MAX, "%s/.codexpol", o->workspace);
	xdg_path(ls->trust, sizeof ls->trust, "XDG_STATE_HOME", o->home, ".local/state", "trust");
	xdg_path(ls->cache, sizeof ls->cache, "XDG_CACHE_HOME", o->home, ".cache", "layers");

	char why[PATH_MAX + 128];
	if (run_layer_dir_secure(ls->l[LAYER_ADMIN].dir, 1, why, sizeof why) < 0)
		return cpol_fail(err, EPERM, "admin policy layer refused: %s (it must be root's, writable by root only)",
		                 why);
	if (run_layer_dir_secure(ls->l[LAYER_USER].dir, 0, why, sizeof why) < 0)
		return cpol_fail(err, EPERM, "user policy layer refused: %s", why);
	for (int k = 0; k < LAYER__COUNT; k++) {
		struct run_layer *L = &ls->l[k];
		if (layer_build(ls, L, o->spec, err) < 0) {
			/* the workspace is the command's to write: a broken project
			 * layer is not used, it does not stop codexrun */
			if (k != LAYER_PROJECT)
				return -1;
			if (!o->quiet)
				fprintf(stderr, "codexrun: warning: %s; not used\n", err->msg);
			L->state = LAYER_REFUSED;
			continue;
		}
		if (!L->im)
			continue;
		L->state = LAYER_USED;
		if (k == LAYER_PROJECT && cpol_image_grant_rule(L->im)) {
			if (!o->quiet)
				fprintf(stderr, "codexrun: warning: the project policy in %s grants (%s ...); a project layer cannot "
			                "widen the sandbox, so it is not used\n", L->dir,
			        cpol_image_grant_rule(L->im));
			L->state = LAYER_REFUSED;
		} else if (k == LAYER_PROJECT && !is_trusted(ls->trust, L->dir, L->hash)) {
			/* a trust file the command could write proves nothing */
			int inside = spec_writable(o->spec, ls->trust);
			int asked = !inside && o->may_ask ? ask_trust(L) : -1;
			if (asked == 1 && run_layers_trust(ls->trust, L->dir, L->hash, err) == 0) {
				L->state = LAYER_USED;
			} else {
				if (asked < 0 && !o->quiet)
					fprintf(stderr, "codexrun: warning: the project policy in %s is new or changed and not trusted "
					                "(trust it at a terminal); not used\n", L->dir);
				L->state = LAYER_UNTRUSTED;
			}
		}
		if (L->state != LAYER_USED) {
			cpol_image_close(L->im);
			L->im = NULL;
			continue;
		}
		L->ctx = cpol_ctx_new(L->im, env, err);
		if (!L->ctx)
			return -1;
		/* a layer has no sandbox of its own: `writes outside
		 * sandbox.write` means the profile's write roots */
		if (o->profile && cpol_ctx_set_sandbox(L->ctx, o->profile, err) < 0)
			return -1;
	}
	return 0;
}

void run_layers_close(struct run_layers *ls)
{
	for (int k = 0; k < LAYER__COUNT; k++) {
		cpol_ctx_free(ls->l[k].ctx);
		cpol_image_close(ls->l[k].im);
		ls->l[k].ctx = NULL;
		ls->l[k].im = NULL;
	}
}

cpol_decision run_layers_decide(struct run_layers *ls, int argc, const char *const *argv, const cpol_image *profile,
                                const cpol_result *pres, const cpol_image **im, cpol_result *res)
{
	struct run_layer *first[3] = { NULL, NULL, NULL }; /* first layer that allows, prompts, forbids */
	for (int k = 0; k < LAYER__COUNT; k++) {
		struct run_layer *L = &ls->l[k];
		if (L->state != LAYER_USED)
			continue;
		cpol_decision d = cpol_eval(L->ctx, argc, argv, &L->res);
		/* the layer's own default (prompt) is no rule of it: it abstains */
		L->matched = !(L->res.verdict.index < 0 && !strcmp(L->res.verdict.rule, "default"));
		if (L->matched && !first[d])
			first[d] = L;
	}
	*im = profile;
	*res = *pres;
	struct run_layer *by = NULL;
	if (pres->verdict.decision == CPOL_FORBID)
		by = first[CPOL_FORBID]; /* a layer's forbid is reported first, else the profile's */
	else if (first[CPOL_FORBID])
		by = first[CPOL_FORBID];
	else if (first[CPOL_PROMPT])
		by = first[CPOL_PROMPT];
	else if (first[CPOL_ALLOW] && pres->verdict.decision == CPOL_PROMPT)
		by = first[CPOL_ALLOW];
	if (by) {
		*im = by->im;
		*res = by->res;
	}
	return res->verdict.decision;
}

#define RAW(b, s) cpol_jbuf_raw((b), (s), strlen(s))

void run_layers_explain(const struct run_layers *ls, int json, char *buf, size_t cap)
{
	static const char *const states[] = { "absent", "used", "not trusted (not used)",
	                                      "refused: it grants or does not compile (not used)" };
	size_t n = 0;
	buf[0] = 0;
	if (json) {
		struct cpol_jbuf b;
		cpol_jbuf_init(&b, buf, cap);
		RAW(&b, ",\"layers\":[");
		for (int k = 0; k < LAYER__COUNT; k++) {
			const struct run_layer *L = &ls->l[k];
			RAW(&b, k ? ",{\"layer\":" : "{\"layer\":");
			cpol_jbuf_str(&b, kind_names[k], strlen(kind_names[k]), 16);
			RAW(&b, ",\"dir\":");
			cpol_jbuf_str(&b, L->dir, strlen(L->dir), PATH_MAX);
			static const char *const jstates[] = { "absent", "used", "untrusted", "refused" };
			RAW(&b, ",\"state\":");
			cpol_jbuf_str(&b, jstates[L->state], strlen(jstates[L->state]), 16);
			if (L->state != LAYER_ABSENT) {
				RAW(&b, ",\"hash\":");
				cpol_jbuf_str(&b, L->hash, strlen(L->hash), 17);
			}
			if (L->state == LAYER_USED && L->matched) {
				const cpol_verdict *v = &L->res.verdict;
				char src[PATH_MAX + 32];
				RAW(&b, ",\"decision\":");
				cpol_jbuf_str(&b, cpol_decision_name(v->decision), strlen(cpol_decision_name(v->decision)), 16);
				RAW(&b, ",\"rule\":");
				cpol_jbuf_str(&b, v->rule, strlen(v->rule), 4096);
				RAW(&b, ",\"source\":");
				run_source(v, src, sizeof src);
				cpol_jbuf_str(&b, src, strlen(src), sizeof src);
			}
			RAW(&b, "}");
		}
		RAW(&b, "]");
		if (b.full || b.len >= cap)
			buf[0] = 0;
		else
			buf[b.len] = 0;
		return;
	}
	n += (size_t)snprintf(buf + n, cap - n, "layers:\n");
	for (int k = 0; k < LAYER__COUNT && n < cap; k++) {
		const struct run_layer *L = &ls->l[k];
		n += (size_t)snprintf(buf + n, cap - n, "  %-8s %s: %s", kind_names[k], L->dir, states[L->state]);
		if (n >= cap)
			break;
		if (L->state == LAYER_USED) {
			const cpol_verdict *v = &L->res.verdict;
			char src[PATH_MAX + 32];
			if (L->matched)
				n += (size_t)snprintf(buf + n, cap - n, ", %s by rule \"%s\" (%s)", cpol_decision_name(v->decision),
				                      v->rule, run_source(v, src, sizeof src));
			else
				n += (size_t)snprintf(buf + n, cap - n, ", no rule matched");
		}
		if (n < cap)
			n += (size_t)snprintf(buf + n, cap - n, "\n");
	}
	if (n >= cap)
		buf[cap - 1] = 0;
}

int run_layers_run(struct run_layers *ls, const cpol_image *profile, const cpol_env *env, int explain, int may_ask,
                   int argc, const char *const *argv, cpol_result *res, const cpol_image **im, cpol_error *err)
{
	struct cpol_spec spec;
	if (cpol_spec_read(profile, env, 0, &spec, err) < 0)
		return -1;
	struct run_layers_opts o = { NULL, env->workspace, env->home, may_ask, explain, &spec, profile };
	int rc = run_layers_open(ls, &o, env, err);
	cpol_spec_free(&spec);
	if (rc < 0)
		return -1;
	cpol_result pres = *res;
	return (int)run_layers_decide(ls, argc, argv, profile, &pres, im, res);
}

int run_layers_any(const struct run_layers *ls)
{
	for (int k = 0; k < LAYER__COUNT; k++)
		if (ls->l[k].state != LAYER_ABSENT)
			return 1;
	return 0;
}

int run_layers_retrust_project(struct run_layers *ls, const cpol_env *env, cpol_error *err)
{
	struct run_layer L;
	memset(&L, 0, sizeof L);
	L.kind = LAYER_PROJECT;
	snprintf(L.dir, sizeof L.dir, "%s", ls->l[LAYER_PROJECT].dir);
	(void)env;
	/* compiled now, in memory: a layer that does not compile is not trusted */
	char cache[PATH_MAX];
	snprintf(cache, sizeof cache, "%s", ls->cache);
	ls->cache[0] = 0;
	int rc = layer_build(ls, &L, NULL, err);
	snprintf(ls->cache, sizeof ls->cache, "%s", cache);
	if (rc < 0)
		return -1;
	if (!L.im)
		return 0;
	int grants = cpol_image_grant_rule(L.im) != NULL;
	cpol_image_close(L.im);
	if (grants)
		return cpol_fail(err, EPERM, "the project policy grants; it cannot be trusted");
	return run_layers_trust(ls->trust, L.dir, L.hash, err);
}
