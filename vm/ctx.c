/* vm/ctx.c -- evaluation contexts (the only allocation of the runtime, done
 * once per context), their environment and expanded roots, the public
 * cpol_eval()/cpol_eval_line() entry points, and turning internal verdicts
 * into the strings callers read. */
#include "vm/eval.h"
#include "common/error.h"

#include <errno.h>
#include <stdlib.h>

/* Copy s (absolute, at most CPOL_PATH_BUF - 1 bytes) into the env buffer. */
static const char *put_env(struct cpol_ctx *ctx, size_t *used, const char *s, const char *what, cpol_error *err)
{
	size_t n = strlen(s);
	if (s[0] != '/') {
		cpol_fail(err, EINVAL, "%s must be an absolute path: %s", what, s);
		return NULL;
	}
	if (n >= CPOL_PATH_BUF || *used + n + 1 > sizeof ctx->envbuf) {
		cpol_fail(err, ENAMETOOLONG, "%s is too long", what);
		return NULL;
	}
	/* stored normalised, so comparisons with normalised paths work */
	char *out = ctx->envbuf + *used;
	long m = cpol_path_normalize("/", 1, "/", 1, s, n, out, CPOL_PATH_BUF);
	if (m < 0) {
		cpol_fail(err, ENAMETOOLONG, "%s is too long", what);
		return NULL;
	}
	*used += (size_t)m + 1;
	return out;
}

static int add_root(struct cpol_ctx *ctx, struct cpol_root_exp *list, uint32_t *n,
                    const struct cpol_img_root *r, const char *wroot)
{
	uint32_t pl;
	const char *p = cpol_img_string(ctx->sbimg, r->path, &pl);
	size_t room = sizeof ctx->rootbuf - ctx->rootlen;
	if (*n >= CPOL_MAX_ROOTS || room < 2)
		return -1;
	char *out = ctx->rootbuf + ctx->rootlen;
	long m = cpol_root_expand(r, p, pl, ctx->workspace, ctx->tmpdir, ctx->home, wroot, out, room);
	if (m < 0)
		return -1;
	ctx->rootlen += (size_t)m + 1;
	list[*n].path = out;
	list[*n].len = (uint32_t)m;
	(*n)++;
	return 0;
}

static int expand_roots(struct cpol_ctx *ctx, cpol_error *err)
{
	const struct cpol_image *im = ctx->sbimg;
	ctx->nwroots = ctx->nproots = 0;
	ctx->rootlen = 0;
	for (int pass = 0; pass < 2; pass++) {
		/* write roots first: relative protected names are placed in each */
		uint8_t kind = pass == 0 ? CPOL_RK_WRITE : CPOL_RK_PROTECT;
		for (uint32_t i = 0; i < im->sb->nroots; i++) {
			const struct cpol_img_root *r = &im->roots[i];
			if (r->kind != kind)
				continue;
			int rc = 0;
			if (pass == 0)
				rc = add_root(ctx, ctx->wroots, &ctx->nwroots, r, "");
			else if (r->var == CPOL_RV_RELATIVE)
				for (uint32_t w = 0, nw = ctx->nwroots; w < nw && rc == 0; w++)
					rc = add_root(ctx, ctx->proots, &ctx->nproots, r, ctx->wroots[w].path);
			else
				rc = add_root(ctx, ctx->proots, &ctx->nproots, r, "");
			if (rc < 0)
				return cpol_fail(err, ENAMETOOLONG, "too many or too long sandbox roots");
		}
	}
	return 0;
}

int cpol_ctx_set_env(cpol_ctx *ctx, const cpol_env *env, cpol_error *err)
{
	cpol_env e = env ? *env : (cpol_env){ 0 };
	size_t used = 0;
	if (!e.cwd)
		e.cwd = "/";
	if (!e.workspace)
		e.workspace = e.cwd;
	if (!e.tmpdir)
		e.tmpdir = "/tmp";
	if (!e.home)
		e.home = "/root";
	if (!(ctx->cwd = put_env(ctx, &used, e.cwd, "the working directory", err)) ||
	    !(ctx->workspace = put_env(ctx, &used, e.workspace, "the workspace", err)) ||
	    !(ctx->tmpdir = put_env(ctx, &used, e.tmpdir, "TMPDIR", err)) ||
	    !(ctx->home = put_env(ctx, &used, e.home, "HOME", err)))
		return -1;
	ctx->cwdlen = (uint32_t)strlen(ctx->cwd);
	ctx->homelen = (uint32_t)strlen(ctx->home);
	if (expand_roots(ctx, err) < 0)
		return -1;
	cpol_cwd_changed(ctx);
	return 0;
}

cpol_ctx *cpol_ctx_new(const cpol_image *img, const cpol_env *env, cpol_error *err)
{
	cpol_ctx *ctx = calloc(1, sizeof *ctx);
	if (!ctx) {
		cpol_fail(err, ENOMEM, "out of memory");
		return NULL;
	}
	ctx->img = img;
	ctx->sbimg = img;
	size_t ng = (size_t)img->meta->ngroups * (CPOL_MAX_DEPTH + 1);
	ctx->groups = calloc(ng ? ng : 1, sizeof *ctx->groups);
	ctx->sh = calloc(CPOL_MAX_DEPTH + 1, sizeof *ctx->sh);
	if (!ctx->groups || !ctx->sh) {
		cpol_ctx_free(ctx);
		cpol_fail(err, ENOMEM, "out of memory");
		return NULL;
	}
	ctx->sh_dialect = CPOL_SHELL_POSIX;
	if (cpol_ctx_set_env(ctx, env, err) < 0) {
		cpol_ctx_free(ctx);
		return NULL;
	}
	return ctx;
}

int cpol_ctx_set_sandbox(cpol_ctx *ctx, const cpol_image *img, cpol_error *err)
{
	ctx->sbimg = img ? img : ctx->img;
	if (expand_roots(ctx, err) < 0)
		return -1;
	cpol_cwd_changed(ctx);
	return 0;
}

void cpol_ctx_set_sh(cpol_ctx *ctx, const char *name)
{
	int d = name ? cpol_shell_dialect_of(name, (uint32_t)strnlen(name, 256), CPOL_SHELL_UNKNOWN)
	             : CPOL_SHELL_POSIX;
	ctx->sh_dialect = (uint8_t)d;
}

void cpol_ctx_set_path_trusted(cpol_ctx *ctx, int trusted)
{
	ctx->names_untrusted = !trusted;
}

void cpol_ctx_set_cdpath(cpol_ctx *ctx, const char *cdpath)
{
	ctx->cd_searches = cdpath && cdpath[0];
}

void cpol_ctx_set_unconfined(cpol_ctx *ctx, int unconfined)
{
	ctx->unconfined = unconfined != 0;
}

void cpol_ctx_free(cpol_ctx *ctx)
{
	if (!ctx)
		return;
	free(ctx->groups);
	free(ctx->sh);
	free(ctx);
}

size_t cpol_cut_mark(char *p, uint64_t more)
{
	static const char head[] = "\xe2\x80\xa6 [", tail[] = " more bytes]";
	char digits[24];
	size_t nd = 0, n = 0;
	do {
		digits[nd++] = (char)('0' + more % 10);
		more /= 10;
	} while (more);
	memcpy(p, head, sizeof head - 1);
	n += sizeof head - 1;
	while (nd)
		p[n++] = digits[--nd];
	memcpy(p + n, tail, sizeof tail - 1);
	return n + sizeof tail - 1;
}

/* A NUL-terminated copy of the matched text, in the context's text buffer;
 * cut with a counted mark when the buffer is full. */
static const char *copy_text(struct cpol_ctx *ctx, const char *s, uint32_t n)
{
	if (!s)
		return "";
	size_t room = sizeof ctx->text - ctx->textlen;
	if (room < CPOL_CUT_MARK + 8)
		return "";
	uint32_t all = n;
	int cut = n > room - 1;
	if (cut)
		n = (uint32_t)(room - CPOL_CUT_MARK - 1);
	char *out = ctx->text + ctx->textlen;
	memcpy(out, s, n);
	if (cut)
		n += (uint32_t)cpol_cut_mark(out + n, all - n);
	out[n] = 0;
	ctx->textlen += n + 1;
	return out;
}

void cpol_iv_keep(struct cpol_ctx *ctx, struct cpol_iv *v)
{
	if (!v->m)
		return;
	const char *c = copy_text(ctx, v->m, v->mlen);
	v->m = c;
	v->mlen = (uint32_t)strlen(c);
}

void cpol_iv_to_verdict(struct cpol_ctx *ctx, const struct cpol_iv *v, cpol_verdict *out)
{
	const struct cpol_image *im = ctx->img;
	out->decision = (cpol_decision)v->dec;
	out->matched = copy_text(ctx, v->m, v->mlen);
	out->index = v->rule == CPOL_NONE ? -1 : (int)v->rule;
	if (v->rule == CPOL_NONE) {
		out->rule = v->bname;
		out->reason = v->breason;
		out->file = "";
		out->line = out->col = 0;
		return;
	}
	const struct cpol_img_rule *r = &im->rules[v->rule];
	const struct cpol_img_debug *d = &im->debug[v->rule];
	out->rule = cpol_img_string(im, r->name, NULL);
	out->reason = cpol_img_string(im, r->reason, NULL);
	out->file = cpol_img_string(im, d->file, NULL);
	out->line = d->line;
	out->col = d->col;
}

static cpol_decision finish(struct cpol_ctx *ctx, const struct cpol_iv *v, cpol_result *res)
{
	if (res) {
		cpol_iv_to_verdict(ctx, v, &res->verdict);
		res->ncommands = ctx->nsubs;
		res->commands = ctx->subs;
		res->truncated = ctx->subs_dropped;
	}
	return (cpol_decision)v->dec;
}

cpol_decision cpol_eval(cpol_ctx *ctx, int argc, const char *const *argv, cpol_result *res)
{
	struct cpol_frame f;
	struct cpol_iv v;
	/* The lengths once, rather than a strlen() each time a rule looks at an
	 * argument; a longer argv keeps NUL-terminated words (lens NULL). */
	uint32_t lens[256];
	uint32_t n = argc > 0 ? (uint32_t)argc : 0;
	int measured = n <= sizeof lens / sizeof lens[0];
	for (uint32_t i = 0; measured && i < n; i++) {
		size_t l = strlen(argv[i]);
		if (l > UINT32_MAX)
			measured = 0;
		lens[i] = (uint32_t)l;
	}
	ctx->nsubs = ctx->subs_dropped = 0;
	ctx->textlen = 0;
	cpol_frame_init(ctx, &f, 0, n, argv, measured ? lens : NULL);
	cpol_eval_frame(ctx, &f, &v);
	return finish(ctx, &v, res);
}

cpol_decision cpol_eval_line(cpol_ctx *ctx, const char *line, size_t len, cpol_result *res)
{
	struct cpol_frame f;
	struct cpol_iv v;
	if (!line) {
		/* an empty line from a caller without a buffer: the words of
		 * `sh -c LINE` are compared with memcmp, which wants a pointer */
		line = "";
		len = 0;
	}
	ctx->nsubs = ctx->subs_dropped = 0;
	ctx->textlen = 0;
	struct cpol_shell_store *st = &ctx->sh[0];
	struct cpol_shell_out so = cpol_shell_out_of(st);
	/* Agents' shell tools run their command lines with bash. */
	uint32_t n = len > UINT32_MAX ? 0 : cpol_shell_split_as(line, len, CPOL_SHELL_BASH, &so);
	/* a line a shell runs its own way (exec, eval, printf -v, read, ...)
	 * is judged as the script it is */
	const struct cpol_shell_cmd *c0 = &so.cmds[0];
	uint32_t at;
	int rebinds;
	int builtin = n == 1 && c0->argc > 0 &&
	              (cpol_builtin_role(c0->argv[0], c0->lens[0], CPOL_SHELL_BASH) == CPOL_BI_EXEC ||
	               cpol_builtin_unknowable(c0, 0, CPOL_SHELL_BASH, &at, &rebinds));
	if (n == 1 && !builtin && so.flags == 0 && c0->flags == 0 && c0->nredir == 0 && c0->argc > 0) {
		/* One simple command: judge its words as an argv. */
		cpol_frame_init(ctx, &f, 0, so.cmds[0].argc, so.cmds[0].argv, so.cmds[0].lens);
		cpol_frame_words(&f, so.cmds[0].wflags);
	} else {
		/* Anything more is what a shell would run: judge `sh -c LINE`. */
		static const uint32_t shlens[3] = { 2, 2, 0 };
		ctx->sh_argv[0] = "sh";
		ctx->sh_argv[1] = "-c";
		ctx->sh_argv[2] = line;
		ctx->sh_lens[0] = shlens[0];
		ctx->sh_lens[1] = shlens[1];
		ctx->sh_lens[2] = (uint32_t)(len > UINT32_MAX ? UINT32_MAX : len);
		cpol_frame_init(ctx, &f, 0, 3, ctx->sh_argv, ctx->sh_lens);
	}
	cpol_eval_frame(ctx, &f, &v);
	return finish(ctx, &v, res);
}
