/* bench/naive.c -- the naive baseline of evalbench (see naive.h): the
 * image's rules, sets and patterns, evaluated by linear scans, strcmp and
 * strstr. The rule semantics are ported line for line from vm/eval.c,
 * vm/intent.c and vm/script.c; only the data structures differ. Never
 * allocates after naive_new().
 */
#include "bench/naive.h"

#include <stdlib.h>
#include <string.h>

#include "vm/eval.h"
#include "vm/path.h"
#include "vm/shell.h"
#include "vm/vm.h"

#define JOIN_CAP (CPOL_SH_BUF + 4096)

struct nlist { uint32_t *v; uint32_t n; };

struct naive {
	const struct cpol_image *im;
	cpol_ctx *ctx;                 /* the VM's expanded roots, for path intents */
	struct nlist *grouppats;       /* per group: pattern strings (deduplicated) */
	struct nlist *ruleprogs;       /* per rule: program name strings; n == 0 and generic */
	uint8_t *generic;              /* per rule: applies to every program */
	char *join[CPOL_MAX_DEPTH + 1];
	struct cpol_shell_store *sh;   /* [0] for eval_line, [d] for depth d */
	const char *sh_argv[4];
	uint32_t sh_lens[3];
};

struct nframe {
	int depth;
	uint32_t argc;
	const char *const *argv;
	const uint32_t *lens;
	const struct cpol_shell_redir *redir;
	uint32_t nredir;
	const char *pname;
	uint32_t pnamelen;
	uint32_t prog;                 /* index in progs, 0 when none */
	uint8_t untrusted;             /* pname is the basename of a program outside the
	                                  trusted folders: forbid and prompt rules only */
	uint8_t pok;                   /* the rule being run may see pname */
	const char *joined;
	uint8_t istate, net;
	uint32_t nwrite, outside;
	char pbuf[256];
};

struct nv {
	uint8_t dec, set;
	int rule;
};

static uint32_t alen(const struct nframe *f, uint32_t i)
{
	return f->lens ? f->lens[i] : (uint32_t)strlen(f->argv[i]);
}

static const char *S(const struct cpol_image *im, uint32_t id, uint32_t *len)
{
	return cpol_img_string(im, id, len);
}

static int list_add(struct nlist *l, uint32_t x)
{
	for (uint32_t i = 0; i < l->n; i++)
		if (l->v[i] == x)
			return 0;
	uint32_t *p = realloc(l->v, (l->n + 1) * sizeof *p);
	if (!p)
		return -1;
	l->v = p;
	l->v[l->n++] = x;
	return 0;
}

void naive_free(struct naive *n)
{
	if (!n)
		return;
	if (n->grouppats)
		for (uint32_t g = 0; g < n->im->meta->ngroups; g++)
			free(n->grouppats[g].v);
	if (n->ruleprogs)
		for (uint32_t r = 0; r < n->im->nrules; r++)
			free(n->ruleprogs[r].v);
	free(n->grouppats);
	free(n->ruleprogs);
	free(n->generic);
	for (int d = 0; d <= CPOL_MAX_DEPTH; d++)
		free(n->join[d]);
	free(n->sh);
	cpol_ctx_free(n->ctx);
	free(n);
}

struct naive *naive_new(const cpol_image *img, const cpol_env *env, cpol_error *err)
{
	const struct cpol_image *im = img;
	struct naive *n = calloc(1, sizeof *n);
	if (!n)
		goto oom;
	n->im = im;
	n->ctx = cpol_ctx_new(img, env, err);
	if (!n->ctx) {
		free(n);
		return NULL;
	}
	uint32_t ng = im->meta->ngroups;
	n->grouppats = calloc(ng ? ng : 1, sizeof *n->grouppats);
	n->ruleprogs = calloc(im->nrules ? im->nrules : 1, sizeof *n->ruleprogs);
	n->generic = calloc(im->nrules ? im->nrules : 1, 1);
	n->sh = calloc(CPOL_MAX_DEPTH + 1, sizeof *n->sh);
	if (!n->grouppats || !n->ruleprogs || !n->generic || !n->sh)
		goto oom;
	for (int d = 0; d <= CPOL_MAX_DEPTH; d++)
		if (!(n->join[d] = malloc(JOIN_CAP)))
			goto oom;
	/* the patterns of each group: every output of the automaton */
	if (im->ac->nstates > 1)
		for (uint32_t o = 0; o < im->ac->noutputs; o++)
			if (list_add(&n->grouppats[im->acouts[o].group], im->acouts[o].str) < 0)
				goto oom;
	/* which rules apply to which programs: the dispatch table, inverted */
	const struct cpol_img_prog *gp = &im->progs[0];
	for (uint32_t k = 0; k < gp->nrules; k++)
		n->generic[im->refs[gp->rules + k]] = 1;
	for (uint32_t p = 1; p < im->nprogs; p++)
		for (uint32_t k = 0; k < im->progs[p].nrules; k++)
			if (list_add(&n->ruleprogs[im->refs[im->progs[p].rules + k]], im->progs[p].name) < 0)
				goto oom;
	return n;
oom:
	naive_free(n);
	if (err) {
		err->code = 12;
		strcpy(err->msg, "naive: out of memory");
	}
	return NULL;
}

/* ---- sets and predicates, by linear scan ---- */

static int eq(const struct cpol_image *im, uint32_t id, const char *s, uint32_t len)
{
	uint32_t ml;
	const char *m = S(im, id, &ml);
	return ml == len && memcmp(m, s, len) == 0;
}

static int set_has(const struct cpol_image *im, uint32_t id, const char *s, uint32_t len)
{
	const struct cpol_img_set *set = &im->sets[id];
	for (uint32_t k = 0; k < set->n; k++)
		if (eq(im, im->members[set->first + k], s, len))
			return 1;
	return 0;
}

static int pred(struct naive *nv, uint8_t p, uint32_t c, const char *s, uint32_t n)
{
	const struct cpol_image *im = nv->im;
	if (p == CPOL_PR_IN)
		return set_has(im, c, s, n);
	if (p == CPOL_PR_CONTAINS) {
		const struct nlist *l = &nv->grouppats[c];
		for (uint32_t k = 0; k < l->n; k++) {
			uint32_t ml;
			const char *m = S(im, l->v[k], &ml);
			if (memmem(s, n, m, ml))
				return 1;
		}
		return 0;
	}
	const struct cpol_img_set *set = &im->sets[c];
	for (uint32_t k = 0; k < set->n; k++) {
		uint32_t ml;
		const char *m = S(im, im->members[set->first + k], &ml);
		if (cpol_member_match(p, m, ml, s, n)) /* the one matcher of the VM */
			return 1;
	}
	return 0;
}

static int cmp(uint8_t op, uint32_t a, uint32_t b)
{
	switch (op) {
	case 0: return a == b;
	case 1: return a != b;
	case 2: return a < b;
	case 3: return a <= b;
	case 4: return a > b;
	default: return a >= b;
	}
}

static void intents(struct naive *nv, struct nframe *f);

static int run(struct naive *nv, struct nframe *f, uint32_t pc)
{
	const struct cpol_image *im = nv->im;
	int r = 0;
	for (;;) {
		const struct cpol_img_insn *i = &im->code[pc++];
		switch (i->op) {
		case CPOL_OP_RET:
			return r;
		case CPOL_OP_TRUE:
			r = 1;
			break;
		case CPOL_OP_NOT:
			r = !r;
			break;
		case CPOL_OP_JF:
			if (!r)
				pc = i->c;
			break;
		case CPOL_OP_JT:
			if (r)
				pc = i->c;
			break;
		case CPOL_OP_PROG:
			r = f->pname && f->pok && set_has(im, i->c, f->pname, f->pnamelen);
			break;
		case CPOL_OP_ARG:
			r = i->b < f->argc && pred(nv, i->a, i->c, f->argv[i->b], alen(f, i->b));
			break;
		case CPOL_OP_ANYARG:
			r = 0;
			for (uint32_t k = 1; k < f->argc && !r; k++)
				r = pred(nv, i->a, i->c, f->argv[k], alen(f, k));
			break;
		case CPOL_OP_ARGC:
			r = cmp(i->a, f->argc, i->c);
			break;
		case CPOL_OP_SUBSTR: {
			const struct nlist *l = &nv->grouppats[i->c];
			r = 0;
			for (uint32_t k = 0; k < l->n && !r; k++)
				r = strstr(f->joined, S(im, l->v[k], NULL)) != NULL;
			break;
		}
		case CPOL_OP_WRITES:
			intents(nv, f);
			if (f->istate != 2)
				r = 0;
			else if (i->a == CPOL_WM_ANY)
				r = f->nwrite > 0;
			else if (i->a == CPOL_WM_OUTSIDE)
				r = f->outside > 0;
			else
				r = f->nwrite > 0 && f->outside == 0;
			break;
		case CPOL_OP_NET:
			intents(nv, f);
			r = f->istate == 2 && f->net;
			break;
		case CPOL_OP_OPTS: { /* the VM's own reading of options */
			uint32_t at;
			r = cpol_options_only(im, i->c, f->argc, f->argv, f->lens, NULL, &at) == 1;
			break;
		}
		}
	}
}

/* ---- intents (vm/intent.c) ---- */

static void target(struct naive *nv, struct nframe *f, const char *s, uint32_t n)
{
	f->nwrite++;
	if (!cpol_target_inside(nv->ctx, s, n))
		f->outside++;
}

static void write_targets(struct naive *nv, struct nframe *f, const struct cpol_img_intent *in)
{
	uint32_t sl = 0;
	const char *str = in->str != CPOL_NONE ? S(nv->im, in->str, &sl) : NULL;
	int ddash = 0;
	uint32_t nop = 0;
	const char *last = NULL;
	uint32_t lastlen = 0;
	for (uint32_t i = 1; i < f->argc; i++) {
		const char *s = f->argv[i];
		uint32_t n = alen(f, i);
		switch (in->target) {
		case CPOL_TG_OPERANDS:
		case CPOL_TG_LAST:
			if (!ddash && n == 2 && s[0] == '-' && s[1] == '-') {
				ddash = 1;
				continue;
			}
			if (!(n > 0 && (ddash || s[0] != '-')))
				continue;
			nop++;
			if (in->target == CPOL_TG_OPERANDS) {
				if (nop >= in->from)
					target(nv, f, s, n);
			} else {
				last = s;
				lastlen = n;
			}
			break;
		case CPOL_TG_AFTER:
			if (n == sl && memcmp(s, str, sl) == 0) {
				if (i + 1 < f->argc)
					target(nv, f, f->argv[i + 1], alen(f, i + 1));
			} else if (sl == 2 && str[0] == '-' && str[1] != '-' && n > 2 && s[0] == '-' && s[1] == str[1]) {
				target(nv, f, s + 2, n - 2);
			} else if (sl > 2 && n > sl && s[sl] == '=' && memcmp(s, str, sl) == 0) {
				target(nv, f, s + sl + 1, n - sl - 1);
			}
			break;
		case CPOL_TG_VALUE:
			if (n >= sl && memcmp(s, str, sl) == 0)
				target(nv, f, s + sl, n - sl);
			break;
		}
	}
	if (last)
		target(nv, f, last, lastlen);
}

static void intents(struct naive *nv, struct nframe *f)
{
	const struct cpol_image *im = nv->im;
	if (f->istate)
		return;
	f->istate = 1;
	if (f->prog && !f->untrusted) {
		const struct cpol_img_prog *p = &im->progs[f->prog];
		for (uint32_t k = p->intents; k < p->intents + p->nintents; k++) {
			const struct cpol_img_intent *in = &im->intents[k];
			if (in->guard != CPOL_NONE && !run(nv, f, in->guard))
				continue;
			if (in->kind == CPOL_IK_NETWORK)
				f->net = 1;
			else
				write_targets(nv, f, in);
		}
	}
	for (uint32_t i = 1; i < f->argc && !f->net; i++) {
		const char *host;
		size_t hl;
		if (cpol_url_host(f->argv[i], alen(f, i), &host, &hl))
			f->net = 1;
	}
	for (uint32_t k = 0; k < f->nredir; k++) {
		const struct cpol_shell_redir *r = &f->redir[k];
		if (r->kind == CPOL_REDIR_WRITE || r->kind == CPOL_REDIR_APPEND)
			target(nv, f, r->target, r->target_len);
	}
	f->istate = 2;
}

/* ---- one command ---- */

static const struct { const char *dir; uint32_t len; } sysdirs[] = {
	{ "/bin", 4 }, { "/sbin", 5 }, { "/usr/bin", 8 }, { "/usr/sbin", 9 },
	{ "/usr/local/bin", 14 }, { "/usr/local/sbin", 15 },
};

static void resolve_program(struct naive *nv, struct nframe *f)
{
	const struct cpol_image *im = nv->im;
	const struct cpol_ctx *ctx = nv->ctx;
	f->pname = NULL;
	f->prog = 0;
	f->untrusted = 0;
	if (f->argc == 0)
		return;
	const char *a0 = f->argv[0];
	uint32_t n = alen(f, 0);
	if (n == 0)
		return;
	if (!memchr(a0, '/', n)) {
		f->pname = a0;
		f->pnamelen = n;
	} else {
		char path[CPOL_PATH_BUF];
		long m = cpol_path_normalize("/", 1, "/", 1, a0, n, path, sizeof path);
		if (m <= 1)
			return;
		const char *slash = memrchr(path, '/', (size_t)m);
		uint32_t dlen = (uint32_t)(slash - path), blen = (uint32_t)m - dlen - 1;
		if (blen == 0 || blen >= sizeof f->pbuf)
			return;
		int sys = 0;
		for (size_t k = 0; a0[0] == '/' && k < sizeof sysdirs / sizeof sysdirs[0]; k++)
			if (sysdirs[k].len == dlen && memcmp(sysdirs[k].dir, path, dlen) == 0)
				sys = 1;
		for (uint32_t k = 0; k < ctx->nwroots; k++)
			if (cpol_path_within(ctx->wroots[k].path, ctx->wroots[k].len, path, dlen))
				sys = 0;
		memcpy(f->pbuf, slash + 1, blen);
		f->pbuf[blen] = 0;
		f->pname = f->pbuf;
		f->pnamelen = blen;
		f->untrusted = !sys;
	}
	for (uint32_t p = 1; p < im->nprogs; p++)
		if (eq(im, im->progs[p].name, f->pname, f->pnamelen)) {
			f->prog = p;
			return;
		}
}

static int applies(struct naive *nv, const struct nframe *f, uint32_t r)
{
	if (nv->generic[r])
		return 1;
	if (!f->pname)
		return 0;
	const struct nlist *l = &nv->ruleprogs[r];
	for (uint32_t k = 0; k < l->n; k++)
		if (eq(nv->im, l->v[k], f->pname, f->pnamelen))
			return 1;
	return 0;
}

static void eval_script(struct naive *nv, struct nframe *f, uint32_t arg, struct nv *out);

static void frame_init(struct naive *nv, struct nframe *f, int depth, uint32_t argc,
                       const char *const *argv, const uint32_t *lens)
{
	memset(f, 0, offsetof(struct nframe, pbuf));
	f->depth = depth;
	f->argc = argc;
	f->argv = argv;
	f->lens = lens;
	/* the command line joined by single spaces, for strstr */
	char *j = nv->join[depth], *p = j, *end = j + JOIN_CAP - 1;
	for (uint32_t i = 0; i < argc; i++) {
		uint32_t n = alen(f, i);
		if (i && p < end)
			*p++ = ' ';
		if (n > (uint32_t)(end - p))
			n = (uint32_t)(end - p);
		memcpy(p, argv[i], n);
		p += n;
	}
	*p = 0;
	f->joined = j;
}

static void merge(struct nv *best, const struct nv *v)
{
	if (!best->set || v->dec > best->dec)
		*best = *v;
}

static void eval_frame(struct naive *nv, struct nframe *f, struct nv *best)
{
	const struct cpol_image *im = nv->im;
	resolve_program(nv, f);
	memset(best, 0, sizeof *best);
	for (uint32_t r = 0; r < im->nrules; r++) {
		if (!applies(nv, f, r))
			continue;
		const struct cpol_img_rule *rule = &im->rules[r];
		f->pok = !f->untrusted || (rule->action == CPOL_RA_DECIDE && rule->dec != CPOL_ALLOW);
		if (!f->pok && !nv->generic[r])
			continue;
		if (!run(nv, f, rule->code))
			continue;
		struct nv v = { rule->dec, 1, (int)r };
		if (rule->action == CPOL_RA_SCRIPT)
			eval_script(nv, f, rule->arg, &v);
		v.set = 1;
		merge(best, &v);
		if (best->dec == CPOL_FORBID)
			break;
	}
	/* A wrapper's command: found and judged by the VM's own helper (the
	 * words it runs, their flags and the bounded recursion are semantics,
	 * not a fast path), so both agree on what a wrapper runs. */
	if (f->prog && !f->untrusted && !(best->set && best->dec == CPOL_FORBID)) {
		const struct cpol_img_wrapper *w = cpol_wrapper_of(im, f->prog);
		if (w) {
			struct cpol_frame vf;
			struct cpol_iv iv;
			cpol_frame_init(nv->ctx, &vf, f->depth, f->argc, f->argv, f->lens);
			vf.redir = f->redir;
			vf.nredir = f->nredir;
			if (cpol_eval_wrapped(nv->ctx, &vf, w, &iv)) {
				struct nv x = { iv.dec, 1, iv.rule == CPOL_NONE ? -1 : (int)iv.rule };
				merge(best, &x);
			}
		}
	}
	if (!best->set) {
		best->set = 1;
		best->dec = im->meta->def;
		best->rule = -1;
	}
}

/* ---- scripts (vm/script.c) ---- */

static int is_word(const struct cpol_shell_cmd *c, uint32_t i, const char *w)
{
	size_t n = strlen(w);
	return c->lens[i] == n && memcmp(c->argv[i], w, n) == 0;
}

static void builtin(struct nv *v, uint8_t dec)
{
	v->dec = dec;
	v->set = 1;
	v->rule = -1;
}

static void at_least_prompt(struct nv *v)
{
	if (v->dec < CPOL_PROMPT)
		builtin(v, CPOL_PROMPT);
}

static void judge_command(struct naive *nv, int depth, const struct cpol_shell_cmd *c, struct nv *v)
{
	uint32_t skip = 0;
	while (skip < c->argc && is_word(c, skip, "exec"))
		skip++;
	if (skip >= c->argc) {
		builtin(v, CPOL_ALLOW);
		uint32_t writes = 0;
		for (uint32_t k = 0; k < c->nredir; k++)
			writes += c->redir[k].kind == CPOL_REDIR_WRITE || c->redir[k].kind == CPOL_REDIR_APPEND;
		if (writes) { /* `> file` still writes: the rules about writes judge it */
			struct nframe f;
			struct nv w;
			frame_init(nv, &f, depth, 0, c->argv + skip, c->lens + skip);
			f.redir = c->redir;
			f.nredir = c->nredir;
			eval_frame(nv, &f, &w);
			if (w.rule >= 0)
				*v = w;
		}
	} else if (is_word(c, skip, "eval") || is_word(c, skip, "source") || is_word(c, skip, ".")) {
		builtin(v, CPOL_PROMPT);
	} else {
		struct nframe f;
		frame_init(nv, &f, depth, c->argc - skip, c->argv + skip, c->lens + skip);
		f.redir = c->redir;
		f.nredir = c->nredir;
		eval_frame(nv, &f, v);
	}
	if (c->flags & (CPOL_SH_SUBST | CPOL_SH_PROCSUBST | CPOL_SH_EXPAND | CPOL_SH_HEREDOC |
	                CPOL_SH_SUBSHELL | CPOL_SH_BACKGROUND | CPOL_SH_ASSIGN | CPOL_SH_CONTROL |
	                CPOL_SH_SYNTAX | CPOL_SH_TOOBIG | CPOL_SH_REDIR_FD))
		at_least_prompt(v);
	for (uint32_t k = 0; k < c->nredir; k++) {
		const struct cpol_shell_redir *r = &c->redir[k];
		if ((r->kind == CPOL_REDIR_WRITE || r->kind == CPOL_REDIR_APPEND) &&
		    !cpol_target_inside(nv->ctx, r->target, r->target_len)) {
			at_least_prompt(v);
			break;
		}
	}
}

static void split(struct naive *nv, int depth, const char *s, size_t len, struct cpol_shell_out *so)
{
	struct cpol_shell_store *st = &nv->sh[depth];
	*so = (struct cpol_shell_out){
		.cmds = st->cmds, .maxcmds = CPOL_SH_CMDS,
		.words = st->words, .maxwords = CPOL_SH_WORDS, .wordlens = st->wordlens,
		.redirs = st->redirs, .maxredirs = CPOL_SH_REDIRS,
		.buf = st->buf, .bufcap = sizeof st->buf,
	};
	cpol_shell_split(s, len, so);
}

static void eval_script(struct naive *nv, struct nframe *f, uint32_t arg, struct nv *out)
{
	int depth = f->depth + 1;
	memset(out, 0, sizeof *out);
	if (arg >= f->argc || depth > CPOL_MAX_DEPTH) {
		builtin(out, CPOL_PROMPT);
		return;
	}
	struct cpol_shell_out so;
	split(nv, depth, f->argv[arg], alen(f, arg), &so);
	if (so.flags & CPOL_SH_TOOBIG) {
		builtin(out, CPOL_PROMPT);
		return;
	}
	if (so.ncmds == 0)
		builtin(out, CPOL_ALLOW); /* unless its syntax is wrong, below */
	const char *cwd = nv->ctx->cwd;
	uint32_t cwdlen = nv->ctx->cwdlen;
	int lost = 0;
	for (uint32_t k = 0; k < so.ncmds; k++) {
		const struct cpol_shell_cmd *c = &so.cmds[k];
		struct nv v;
		memset(&v, 0, sizeof v);
		judge_command(nv, depth, c, &v);
		if (lost)
			at_least_prompt(&v);
		if (c->argc >= 1 && is_word(c, 0, "cd") && cpol_follow_cd(nv->ctx, depth, c) < 0)
			lost = 1;
		v.set = 1;
		merge(out, &v);
	}
	if (nv->ctx->cwd != cwd) {
		nv->ctx->cwd = cwd;
		nv->ctx->cwdlen = cwdlen;
		cpol_cwd_changed(nv->ctx);
	}
	if (so.flags & ~(uint32_t)CPOL_SH_TOOBIG)
		at_least_prompt(out);
}

/* ---- entry points ---- */

cpol_decision naive_eval(struct naive *nv, int argc, const char *const *argv, int *rule)
{
	struct nframe f;
	struct nv v;
	nv->ctx->nsubs = nv->ctx->subs_dropped = 0; /* the wrapper helper lists commands there */
	nv->ctx->textlen = 0;
	frame_init(nv, &f, 0, argc > 0 ? (uint32_t)argc : 0, argv, NULL);
	eval_frame(nv, &f, &v);
	if (rule)
		*rule = v.rule;
	return (cpol_decision)v.dec;
}

cpol_decision naive_eval_line(struct naive *nv, const char *line, size_t len, int *rule)
{
	struct nframe f;
	struct nv v;
	struct cpol_shell_out so;
	nv->ctx->nsubs = nv->ctx->subs_dropped = 0;
	nv->ctx->textlen = 0;
	split(nv, 0, line, len, &so);
	const struct cpol_shell_cmd *c0 = &so.cmds[0];
	int builtin_word = so.ncmds == 1 && c0->argc > 0 &&
	                   (is_word(c0, 0, "exec") || is_word(c0, 0, "eval") || is_word(c0, 0, "source") ||
	                    is_word(c0, 0, "."));
	if (so.ncmds == 1 && !builtin_word && so.flags == 0 && c0->flags == 0 && c0->nredir == 0 && c0->argc > 0) {
		frame_init(nv, &f, 0, so.cmds[0].argc, so.cmds[0].argv, so.cmds[0].lens);
	} else {
		nv->sh_argv[0] = "sh";
		nv->sh_argv[1] = "-c";
		nv->sh_argv[2] = line;
		nv->sh_lens[0] = 2;
		nv->sh_lens[1] = 2;
		nv->sh_lens[2] = (uint32_t)len;
		frame_init(nv, &f, 0, 3, nv->sh_argv, nv->sh_lens);
	}
	eval_frame(nv, &f, &v);
	if (rule)
		*rule = v.rule;
	return (cpol_decision)v.dec;
}
