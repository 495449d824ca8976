/* vm/intent.c -- path and network intents of one command: which arguments
 * (and, in scripts, which redirections) a known writer writes to, whether
 * they all lie inside the writable roots, and whether the command reaches
 * the network (a network program, or an argument that is a URL with a host).
 * Computed lazily, once per frame, the first time a rule asks. Never
 * allocates; paths are normalised lexically into stack buffers.
 */
#include "vm/eval.h"

void cpol_cwd_changed(struct cpol_ctx *ctx)
{
	int in = 0;
	for (uint32_t k = 0; k < ctx->nwroots && !in; k++)
		in = cpol_path_within(ctx->wroots[k].path, ctx->wroots[k].len, ctx->cwd, ctx->cwdlen);
	ctx->ncwdprot = 0;
	for (uint32_t k = 0; k < ctx->nproots; k++) {
		const struct cpol_root_exp *p = &ctx->proots[k];
		if (cpol_path_within(p->path, p->len, ctx->cwd, ctx->cwdlen)) {
			in = 0; /* the folder itself is protected */
		} else if (cpol_path_within(ctx->cwd, ctx->cwdlen, p->path, p->len)) {
			uint32_t skip = ctx->cwdlen == 1 ? 1 : ctx->cwdlen + 1;
			ctx->cwdprot[ctx->ncwdprot].path = p->path + skip;
			ctx->cwdprot[ctx->ncwdprot++].len = p->len - skip;
		}
	}
	ctx->cwd_inside = (uint8_t)in;
}

/* A relative path whose components are all plain names ("src/a.c", not
 * "../x", "./x", "a//b", "~"): it lies below the working folder as
 * written, so no normalisation is needed. Sets *len without a trailing
 * slash. */
static int plain_relative(const char *s, uint32_t n, uint32_t *len)
{
	while (n > 1 && s[n - 1] == '/')
		n--;
	if (n == 0 || s[0] == '/' || s[0] == '~')
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == 0)
			return 0;
		if (i == 0 || s[i - 1] == '/') {
			if (c == '/')
				return 0; /* empty component */
			if (c == '.' && (i + 1 == n || s[i + 1] == '/' ||
			                 (s[i + 1] == '.' && (i + 2 == n || s[i + 2] == '/'))))
				return 0; /* . or .. */
		}
	}
	*len = n;
	return 1;
}

int cpol_target_inside(const struct cpol_ctx *ctx, const char *s, uint32_t n)
{
	uint32_t pl;
	if (ctx->cwd_inside && plain_relative(s, n, &pl) && ctx->cwdlen + 1 + pl < CPOL_PATH_BUF) {
		/* below a writable working folder: inside unless it is (or is
		 * below) a protected path under that folder */
		for (uint32_t k = 0; k < ctx->ncwdprot; k++) {
			const struct cpol_root_exp *p = &ctx->cwdprot[k];
			if (pl >= p->len && memcmp(s, p->path, p->len) == 0 && (pl == p->len || s[p->len] == '/'))
				return 0;
		}
		return 1;
	}
	char path[CPOL_PATH_BUF];
	long m = cpol_path_normalize(ctx->cwd, ctx->cwdlen, ctx->home, ctx->homelen, s, n, path, sizeof path);
	if (m < 0)
		return 0; /* cannot tell where it goes: not inside */
	for (uint32_t k = 0; k < ctx->nproots; k++)
		if (cpol_path_within(ctx->proots[k].path, ctx->proots[k].len, path, (size_t)m))
			return 0;
	for (uint32_t k = 0; k < ctx->nwroots; k++)
		if (cpol_path_within(ctx->wroots[k].path, ctx->wroots[k].len, path, (size_t)m))
			return 1;
	return 0;
}

/* Is s a write root itself, or all of it (ROOT/STAR), however it is
 * spelled (/ws, /ws/, ../ws, ~/ws, ., ./, src/..)? */
static int whole_root(const struct cpol_ctx *ctx, const char *s, uint32_t n)
{
	if (n >= 1 && s[n - 1] == '*' && (n == 1 || s[n - 2] == '/'))
		n--; /* the glob itself, as written: everything in the folder */
	char path[CPOL_PATH_BUF];
	long m = cpol_path_normalize(ctx->cwd, ctx->cwdlen, ctx->home, ctx->homelen, n ? s : ".", n ? n : 1, path,
	                             sizeof path);
	for (uint32_t k = 0; m > 0 && k < ctx->nwroots; k++)
		if (ctx->wroots[k].len == (uint32_t)m && memcmp(ctx->wroots[k].path, path, (size_t)m) == 0)
			return 1;
	return 0;
}

/* sure: the target is a literal word that is a target whatever the
 * unknown words of the command become. */
static void target(const struct cpol_ctx *ctx, struct cpol_frame *f, const char *s, uint32_t n, int sure)
{
	f->nwrite++;
	if (whole_root(ctx, s, n) && !f->nroot++) {
		f->rm = s;
		f->rmlen = n;
	}
	if (!cpol_target_inside(ctx, s, n)) {
		if (!f->outside) {
			f->wm = s;
			f->wmlen = n;
		}
		f->outside++;
		f->sureout += sure != 0;
	}
}

static int flagged(const struct cpol_frame *f, uint32_t k)
{
	return f->wflags && f->wflags[k];
}

/* Arguments that are operands: not options ("-" is stdin/stdout), and
 * everything after "--". */
static int is_operand(const char *s, uint32_t n, int after_ddash)
{
	return n > 0 && (after_ddash || s[0] != '-');
}

/* Where a short option -x takes its value inside a cluster: "-sSLx" -> the
 * next argument (*inside 0), "-sxFILE" -> FILE (*inside = its offset);
 * -1 when the cluster does not hold x. Letters before x are taken as flags,
 * as getopt does. */
static long short_value_at(const char *s, uint32_t n, char x)
{
	if (n < 2 || s[0] != '-' || s[1] == '-')
		return -1;
	const char *p = memchr(s + 1, x, n - 1);
	if (!p)
		return -1;
	return (long)(p - s) + 1;
}

/* Does s name the long option "--name" (sl bytes), as getopt_long would take
 * it: whole, or any prefix of it (abbreviation), with or without "=VALUE"?
 * Returns the offset of the value after '=', 0 when there is none, -1 when
 * it does not. */
long cpol_long_option_at(const char *s, uint32_t n, const char *name, uint32_t sl)
{
	if (n < 3 || s[0] != '-' || s[1] != '-' || sl < 3)
		return -1;
	const char *eq = memchr(s, '=', n);
	uint32_t k = eq ? (uint32_t)(eq - s) : n;
	if (k < 3 || k > sl || memcmp(s, name, k) != 0)
		return -1;
	return eq ? (long)k + 1 : 0;
}

static void write_targets(const struct cpol_ctx *ctx, struct cpol_frame *f, const struct cpol_img_intent *in)
{
	const struct cpol_image *im = ctx->img;
	if (in->target == CPOL_TG_CWD) {
		target(ctx, f, ".", 1, 1);
		return;
	}
	uint32_t sl = 0;
	const char *str = in->str != CPOL_NONE ? cpol_img_string(im, in->str, &sl) : NULL;
	int ddash = 0;
	uint32_t nop = 0;
	const char *last = NULL;
	uint32_t lastlen = 0, lasti = 0;
	int unk = 0; /* an unknown word before argv[i] */
	for (uint32_t i = 1; i < f->argc; unk |= flagged(f, i), i++) {
		const char *s = f->argv[i];
		uint32_t n = cpol_alen(f, i);
		switch (in->target) {
		case CPOL_TG_OPERANDS:
		case CPOL_TG_LAST:
			if (!ddash && n == 2 && s[0] == '-' && s[1] == '-') {
				ddash = 1;
				continue;
			}
			if (!is_operand(s, n, ddash))
				continue;
			nop++;
			if (in->target == CPOL_TG_OPERANDS) {
				/* an unknown word before it may be "--" or
				 * become no word or several: that moves only
				 * the count and option-like words */
				if (nop >= in->from)
					target(ctx, f, s, n, !flagged(f, i) && (!unk || (in->from <= 1 && s[0] != '-')));
			} else {
				last = s;
				lastlen = n;
				lasti = i;
			}
			break;
		case CPOL_TG_AFTER: {
			long at = -1;
			if (n == sl && memcmp(s, str, sl) == 0)
				at = 0;                                     /* -o FILE, --output FILE */
			else if (sl == 2 && str[0] == '-' && str[1] != '-')
				at = short_value_at(s, n, str[1]);          /* -oFILE, -sSLo FILE */
			else if (sl > 2 && str[0] == '-' && str[1] == '-')
				at = cpol_long_option_at(s, n, str, sl);    /* --output=FILE, --out FILE */
			else if (n > sl && s[sl] == '=' && memcmp(s, str, sl) == 0)
				at = (long)sl + 1;                          /* name=FILE */
			if (at > 0 && (uint32_t)at < n)
				target(ctx, f, s + at, n - (uint32_t)at, !unk && !flagged(f, i));
			else if (at >= 0 && i + 1 < f->argc)
				target(ctx, f, f->argv[i + 1], cpol_alen(f, i + 1), !unk && !flagged(f, i) && !flagged(f, i + 1));
			break;
		}
		case CPOL_TG_VALUE:
			if (n >= sl && memcmp(s, str, sl) == 0)
				target(ctx, f, s + sl, n - sl, !unk && !flagged(f, i));
			break;
		}
	}
	if (last) {
		/* the last operand whatever the unknown words become: literal
		 * and last, or no word is unknown (one before it may be "--"
		 * and make an option after it an operand) */
		int sure = !flagged(f, lasti) && (lasti + 1 == f->argc || !unk);
		target(ctx, f, last, lastlen, sure);
	}
}

void cpol_intents(struct cpol_ctx *ctx, struct cpol_frame *f)
{
	const struct cpol_image *im = ctx->img;
	if (f->istate)
		return;
	f->istate = 1;
	const char *m = f->m;
	uint32_t mlen = f->mlen;
	if (f->prog && !f->untrusted) {
		const struct cpol_img_prog *p = &im->progs[f->prog];
		for (uint32_t k = p->intents; k < p->intents + p->nintents; k++) {
			const struct cpol_img_intent *in = &im->intents[k];
			if (in->guard != CPOL_NONE && !cpol_run(ctx, f, in->guard))
				continue;
			if (in->kind == CPOL_IK_NETWORK)
				f->net = 1;
			else
				write_targets(ctx, f, in);
		}
	}
	for (uint32_t i = 1; i < f->argc && !f->net; i++) {
		const char *host;
		size_t hl;
		uint32_t n = cpol_alen(f, i);
		/* every URL with a host has a ':' (scheme:// or user@host:path) */
		if (memchr(f->argv[i], ':', n) && cpol_url_host(f->argv[i], n, &host, &hl))
			f->net = 1;
	}
	for (uint32_t k = 0; k < f->nredir; k++) {
		const struct cpol_shell_redir *r = &f->redir[k];
		if (r->kind == CPOL_REDIR_WRITE || r->kind == CPOL_REDIR_APPEND)
			target(ctx, f, r->target, r->target_len, 1);
	}
	/* Guards ran on this frame: the caller's match text is its own. */
	f->m = m;
	f->mlen = mlen;
	f->istate = 2;
}
