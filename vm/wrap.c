/* vm/wrap.c -- commands that run another command (env, timeout, nice,
 * sudo, xargs, find -exec, watch, ...), as the policy's `wrapper` statements
 * describe them: find where the wrapped command starts, judge it as a
 * command of its own (one level deeper, so the nesting stays bounded), and
 * list it among the result's commands so that --explain shows the chain.
 * Never allocates: the words a wrapped command gets are pointers into the
 * wrapper's own argv, with a small array on the stack where words must be
 * added or flagged.
 */
#include "vm/eval.h"
#include "common/lower_bound.h"

/* Words of a wrapped command that get flags or an extra word (xargs input,
 * xargs -I's replaced words, find's {}) are copied into arrays of this size; a longer command is not
 * judged as certain. */
#define WRAP_WORDS 128
/* The longest script a wrapper joins from its words (watch) that is judged. */
#define WRAP_SCRIPT 4096
/* The longest prefix of find's start points that its {} is judged with. */
#define WRAP_PREFIX 255

const struct cpol_img_wrapper *cpol_wrapper_of(const struct cpol_image *im, uint32_t p)
{
	if (!(im->wrapbits[(p & 255) >> 6] >> (p & 63) & 1))
		return NULL;
	uint32_t lo;
	CPOL_LOWER_BOUND(lo, im->nwrappers, mid, im->wrappers[mid].prog < p);
	return lo < im->nwrappers && im->wrappers[lo].prog == p ? &im->wrappers[lo] : NULL;
}

static void builtin(struct cpol_iv *v, uint8_t dec, const char *reason, const char *m, uint32_t mlen)
{
	cpol_iv_builtin(v, dec, "wrapper", reason, m, mlen);
}

static int word_is(const char *s, uint32_t n, const char *w)
{
	size_t l = strlen(w);
	return n == l && memcmp(s, w, l) == 0;
}

int cpol_env_name_risky(const char *s, uint32_t n)
{
	static const char *const names[] = {
		"PATH", "HOME", "XDG_CONFIG_HOME", "BASH_ENV", "ENV", "SHELLOPTS", "BASHOPTS", "PS4", "IFS",
		"CDPATH", "GCONV_PATH", "NODE_OPTIONS", "NODE_PATH", "PERL5OPT", "PERL5LIB", "RUBYOPT",
		"RUBYLIB", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME", "JAVA_TOOL_OPTIONS", "EDITOR",
		"VISUAL", "PAGER", "LESSOPEN", "SSH_ASKPASS", "SUDO_ASKPASS", "TAR_OPTIONS", "LESSCLOSE",
		"MANPAGER", "MANOPT", "SYSTEMD_PAGER", "BROWSER", "PROMPT_COMMAND",
	};
	static const char *const prefixes[] = { "LD_", "GIT_", "BASH_FUNC_", "DYLD_" };
	if (n < 2 || s[0] < 'A' || s[0] > 'Z')
		return 0;      /* every name below starts with a capital */
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
		if (word_is(s, n, names[k]))
			return 1;
	for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++)
		if (n >= strlen(prefixes[k]) && memcmp(s, prefixes[k], strlen(prefixes[k])) == 0)
			return 1;
	return 0;
}

/* NAME=VALUE with a shell name: the length of NAME, or 0. */
static uint32_t assignment(const char *s, uint32_t n)
{
	uint32_t i = 0;
	while (i < n && (s[i] == '_' || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
	                 (i > 0 && s[i] >= '0' && s[i] <= '9')))
		i++;
	return i > 0 && i < n && s[i] == '=' ? i : 0;
}

/* s[0..n) holds t[0..tn), tn > 0. */
static int contains(const char *s, uint32_t n, const char *t, uint32_t tn)
{
	for (uint32_t i = 0; i + tn <= n; i++)
		if (s[i] == t[0] && memcmp(s + i, t, tn) == 0)
			return 1;
	return 0;
}

/* Judge argv[0..argc) one level below f, as a command listed in the result. */
static void judge_inner(struct cpol_ctx *ctx, struct cpol_frame *f, uint32_t argc, const char *const *argv,
                        const uint32_t *lens, const uint8_t *wf, struct cpol_iv *v)
{
	int depth = f->depth + 1;
	if (depth > CPOL_MAX_DEPTH) {
		builtin(v, CPOL_PROMPT, "commands nested too deeply to judge", argv[0], lens ? lens[0] : 0);
		return;
	}
	cpol_subcommand *sub = NULL;
	if (ctx->nsubs < CPOL_MAX_SUBCMDS) {
		sub = &ctx->subs[ctx->nsubs++];
		sub->text = cpol_join_words(ctx, argc, argv, lens);
		sub->depth = (unsigned)depth;
	} else {
		ctx->subs_dropped++;
	}
	struct cpol_frame in;
	cpol_frame_init(ctx, &in, depth, argc, argv, lens);
	cpol_frame_words(&in, wf);
	in.redir = f->redir;
	in.nredir = f->nredir;
	cpol_eval_frame(ctx, &in, v);
	v->set = 1;
	if (sub)
		cpol_iv_to_verdict(ctx, v, &sub->verdict);
}

/* watch CMD...: the words from k on, joined by spaces, are run by `sh -c`,
 * so they are judged as a script of the machine's sh; a word whose text is
 * not known makes the script unknown. */
static int script_wrapper(struct cpol_ctx *ctx, struct cpol_frame *f, uint32_t k, struct cpol_iv *out)
{
	char text[WRAP_SCRIPT];
	uint32_t len = 0;
	for (uint32_t i = k; i < f->argc; i++) {
		uint32_t n = cpol_alen(f, i);
		if (f->wflags && f->wflags[i]) {
			builtin(out, CPOL_PROMPT, "an expansion decides the script the wrapper runs", f->argv[i], n);
			return 1;
		}
		if (len + n + 1 > sizeof text) {
			builtin(out, CPOL_PROMPT, "the script the wrapper runs is too long to judge", f->argv[k],
			        cpol_alen(f, k));
			return 1;
		}
		if (i > k)
			text[len++] = ' ';
		memcpy(text + len, f->argv[i], n);
		len += n;
	}
	if (ctx->sh_dialect == CPOL_SHELL_UNKNOWN) {
		builtin(out, CPOL_PROMPT, "the machine's sh is a shell whose scripts cannot be judged", f->argv[0],
		        cpol_alen(f, 0));
		return 1;
	}
	/* the verdict's matched text is copied out of text[] by the callee */
	cpol_eval_script_text(ctx, f->depth, ctx->sh_dialect, text, len, out);
	return 1;
}

/* env, timeout, nice, sudo, xargs ...: options, assignments, operands, then
 * the command. */
static int prefix_wrapper(struct cpol_ctx *ctx, struct cpol_frame *f, const struct cpol_img_wrapper *w,
                          struct cpol_iv *out)
{
	const struct cpol_image *im = ctx->img;
	uint32_t k;
	struct cpol_replace rp;
	int r = cpol_options_end(im, w->flags & CPOL_WF_OPTIONS ? w->options : CPOL_NONE, f->argc, f->argv, f->lens,
	                         f->wflags, &k, w->flags & CPOL_WF_REPLACE ? w->replace : CPOL_NONE, &rp);
	if (r == 0)
		return 0;
	if (r == 2) {
		builtin(out, CPOL_PROMPT, "an expansion decides which command the wrapper runs", f->argv[k],
		        cpol_alen(f, k));
		return 1;
	}
	if (!(w->flags & CPOL_WF_REPLACE))
		rp.given = 0;
	else if (rp.given && (!rp.s || rp.n == 0))
		return 0; /* the text to replace is not known (or empty: xargs refuses it) */
	const char *risky = NULL;
	uint32_t risklen = 0;
	if (w->flags & CPOL_WF_ASSIGN)
		for (; k < f->argc; k++) {
			uint32_t n = cpol_alen(f, k), nl = assignment(f->argv[k], n);
			if (f->wflags && f->wflags[k]) {
				builtin(out, CPOL_PROMPT, "an expansion decides which command the wrapper runs", f->argv[k], n);
				return 1;
			}
			if (!nl)
				break;
			if (!risky && cpol_env_name_risky(f->argv[k], nl) && !cpol_path_safe(ctx, f->argv[k], n, 0)) {
				risky = f->argv[k];
				risklen = n;
			}
		}
	for (uint32_t s = 0; s < w->skip; s++, k++) {
		if (k >= f->argc)
			return 0;
		if (f->wflags && (f->wflags[k] & (CPOL_WORD_EXPAND | CPOL_WORD_GLOB))) {
			builtin(out, CPOL_PROMPT, "an expansion decides which command the wrapper runs", f->argv[k],
			        cpol_alen(f, k));
			return 1;
		}
	}
	if (k >= f->argc)
		return 2;       /* `nice`, `env -i`: no command to run */
	const char *const *argv = f->argv + k;
	const uint32_t *lens = f->lens ? f->lens + k : NULL;
	uint32_t argc = f->argc - k;
	if (w->flags & CPOL_WF_SCRIPT)
		return script_wrapper(ctx, f, k, out);
	if (w->flags & CPOL_WF_INPUT) {
		/* Standard input adds words of unknown text after the ones given
		 * (option-like ones too); with a replace option (xargs -I R), it
		 * replaces R inside the given words instead: each word holding R
		 * is one word of unknown text. A later option may have turned
		 * replacing off (xargs -I R -L 1): then both are judged. */
		const char *av[WRAP_WORDS];
		uint32_t lv[WRAP_WORDS];
		uint8_t fv[WRAP_WORDS];
		if (argc + 1 > WRAP_WORDS) {
			builtin(out, CPOL_PROMPT, "too many words to judge the wrapped command", argv[0], cpol_alen(f, k));
			return 1;
		}
		for (uint32_t i = 0; i < argc; i++) {
			av[i] = argv[i];
			lv[i] = cpol_alen(f, k + i);
			fv[i] = f->wflags ? f->wflags[k + i] : 0;
		}
		if (rp.given) {
			uint8_t rv[WRAP_WORDS];
			for (uint32_t i = 0; i < argc; i++)
				rv[i] = (uint8_t)(fv[i] | (fv[i] || contains(av[i], lv[i], rp.s, rp.n) ? CPOL_WORD_QEXPAND : 0));
			judge_inner(ctx, f, argc, av, lv, rv, out);
		}
		if (!rp.given || rp.later) {
			struct cpol_iv v;
			av[argc] = "(standard input)";
			lv[argc] = 16;
			fv[argc] = CPOL_WORD_EXPAND;
			judge_inner(ctx, f, argc + 1, av, lv, fv, rp.given ? &v : out);
			if (rp.given)
				cpol_iv_merge(out, &v);
		}
	} else {
		judge_inner(ctx, f, argc, argv, lens, f->wflags ? f->wflags + k : NULL, out);
	}
	if (risky && out->dec < CPOL_PROMPT)
		builtin(out, CPOL_PROMPT, "the wrapper sets a variable that changes what the command runs or loads",
		        risky, risklen);
	return 1;
}

/* The literal text every path find's {} stands for begins with: the common
 * prefix of its start points, as GNU find reads them. Before the first
 * marker, after the leading options (-H -L -P, -D VALUE, -O<digits>, "--"
 * ending them), the start points are the words up to the first that looks
 * like an expression (-WORD, "(", "!"); none means ".". The prefix
 * is cut at the first pattern character and at cap bytes, so that it plus
 * "*" is a glob of exactly that prefix. 0 when unknown: no common prefix, an
 * expansion among these words, -files0-from (start points from a file), or
 * -L/-follow (find descends through links: a path named below a start
 * point may be any file of the system, which the prefix hides). */
static uint32_t start_prefix(const struct cpol_image *im, const struct cpol_frame *f,
                             const struct cpol_img_wrapper *w, char *buf, uint32_t cap)
{
	uint32_t m = 1, k = 1;
	for (uint32_t i = 1; i < f->argc; i++)
		if (word_is(f->argv[i], cpol_alen(f, i), "-files0-from") || word_is(f->argv[i], cpol_alen(f, i), "-follow"))
			return 0;
	while (m < f->argc && !cpol_set_has_word(im, w->after, f->argv[m], cpol_alen(f, m)))
		m++;
	for (uint32_t i = 1; i < m; i++)
		if (f->wflags && f->wflags[i])
			return 0;
	while (k < m) {
		const char *s = f->argv[k];
		uint32_t n = cpol_alen(f, k), d = 2;
		while (d < n && s[d] >= '0' && s[d] <= '9')
			d++;
		if (word_is(s, n, "-L"))
			return 0;
		if (word_is(s, n, "-H") || word_is(s, n, "-P") ||
		    (n > 2 && d == n && s[0] == '-' && s[1] == 'O'))
			k++;
		else if (word_is(s, n, "-D") && k + 1 < m)
			k += 2;
		else if (word_is(s, n, "-D"))
			return 0; /* find would take the marker as -D's value */
		else {
			k += word_is(s, n, "--");
			break;
		}
	}
	const char *first = ".";
	uint32_t pl = 1;
	for (uint32_t i = k, any = 0; i < m; i++) {
		const char *s = f->argv[i];
		uint32_t n = cpol_alen(f, i), j = 0;
		if ((n > 1 && s[0] == '-') || word_is(s, n, "(") || word_is(s, n, "!"))
			break; /* find 4.9 reads ")" and "," here as file names */
		if (!any++) {
			first = s;
			pl = n;
			continue;
		}
		while (j < pl && j < n && s[j] == first[j])
			j++;
		pl = j;
	}
	uint32_t i = 0;
	while (i < pl && i < cap && !memchr("*?[{\\+@!(", first[i], 10))
		i++;
	memcpy(buf, first, i);
	return i;
}

/* find -exec CMD ... ; (or +): each command between a marker and its end is
 * judged, and the wrapper without them is judged as itself. A word that is
 * exactly "{}" after -exec or -ok stands for a path found (after "+", for
 * many): each begins with the start points' common prefix, so it is judged
 * as the glob PREFIX* (never an option when the prefix starts with a byte
 * other than '-'). Any other word holding "{}", and {} after -execdir and
 * -okdir (./NAME in the found file's folder), is a word of unknown text. */
static int marker_wrapper(struct cpol_ctx *ctx, struct cpol_frame *f, const struct cpol_img_wrapper *w,
                          struct cpol_iv *out)
{
	const struct cpol_image *im = ctx->img;
	const char *rest[WRAP_WORDS];
	uint32_t restlen[WRAP_WORDS];
	uint8_t restf[WRAP_WORDS];
	uint32_t nrest = 0, found = 0;
	memset(out, 0, sizeof *out);
	if (f->argc > WRAP_WORDS)
		return 0;
	char glob[WRAP_PREFIX + 1];
	uint32_t gl = start_prefix(im, f, w, glob, WRAP_PREFIX);
	glob[gl++] = '*';
	for (uint32_t k = 0; k < f->argc;) {
		uint32_t n = cpol_alen(f, k);
		if (k > 0 && f->wflags && f->wflags[k]) {
			builtin(out, CPOL_PROMPT, "an expansion may start a command the wrapper runs", f->argv[k], n);
			return 1;
		}
		if (k == 0 || !cpol_set_has_word(im, w->after, f->argv[k], n)) {
			rest[nrest] = f->argv[k];
			restlen[nrest] = n;
			restf[nrest++] = f->wflags ? f->wflags[k] : 0;
			k++;
			continue;
		}
		uint32_t start = k + 1, end = start;
		while (end < f->argc && !cpol_set_has_word(im, w->until, f->argv[end], cpol_alen(f, end)))
			end++;
		if (end >= f->argc || end == start)
			return 0; /* no command, or no end: the wrapper fails to start it */
		const char *av[WRAP_WORDS];
		uint32_t lv[WRAP_WORDS];
		uint8_t fv[WRAP_WORDS];
		int dir = word_is(f->argv[k], n, "-execdir") || word_is(f->argv[k], n, "-okdir");
		for (uint32_t i = start; i < end; i++) {
			av[i - start] = f->argv[i];
			lv[i - start] = cpol_alen(f, i);
			fv[i - start] = (uint8_t)((f->wflags ? f->wflags[i] : 0) |
			                          (contains(f->argv[i], lv[i - start], "{}", 2) ? CPOL_WORD_QEXPAND : 0));
			if (gl > 1 && !dir && !(f->wflags && f->wflags[i]) && word_is(av[i - start], lv[i - start], "{}")) {
				av[i - start] = glob;
				lv[i - start] = gl;
				fv[i - start] = CPOL_WORD_GLOB;
			}
		}
		struct cpol_iv v;
		judge_inner(ctx, f, end - start, av, lv, fv, &v);
		cpol_iv_merge(out, &v);
		found++;
		k = end + 1;
	}
	if (!found)
		return 0;
	struct cpol_iv v;
	judge_inner(ctx, f, nrest, rest, restlen, restf, &v);
	cpol_iv_merge(out, &v);
	return 1;
}

int cpol_eval_wrapped(struct cpol_ctx *ctx, struct cpol_frame *f, const struct cpol_img_wrapper *w,
                      struct cpol_iv *out)
{
	if (w->flags & CPOL_WF_COMMAND)
		return marker_wrapper(ctx, f, w, out);
	return prefix_wrapper(ctx, f, w, out);
}
