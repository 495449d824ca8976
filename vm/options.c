/* vm/options.c -- option allowlists (`options only LIST`): does every option
 * of a command line belong to the list, read the way GNU getopt_long reads
 * it? The same reading hands `any value of` the values of the options it
 * selects. One reader for the evaluator and the bench's naive build of it
 * (vm/eval_naive.h), so that both give the same answer. Never allocates, never makes a system call.
 *
 * List members (checked by the compiler):
 *   -x        a short option without a value (in clusters: -xv)
 *   -x#       a short option with a value, glued (-xVALUE) or the next word
 *   -x[#]     a short option with an optional value, glued only (date -I, -Iseconds)
 *   -#        a number as an option (head -5)
 *   --name    a long option without a value
 *   --name=   a long option with a value: --name=VALUE or --name VALUE
 *   --name[=] a long option with an optional value, glued only (--name=VALUE)
 * Long options may be abbreviated as getopt_long allows, but only when the
 * abbreviation names exactly one listed option: an ambiguous or unknown
 * abbreviation (`--inf`, `--new-`) is not permitted. Options are looked for
 * in every word up to `--` (GNU tools permute operands and options).
 */
#include "vm/eval.h"

enum { LONG_FLAG, LONG_REQ, LONG_OPT };

/* A long member's name (without the leading "--" and the value suffix) and kind. */
static int long_member(const char *m, uint32_t ml, const char **name, uint32_t *nl)
{
	int kind = LONG_FLAG;
	if (ml >= 3 && memcmp(m + ml - 3, "[=]", 3) == 0) {
		kind = LONG_OPT;
		ml -= 3;
	} else if (ml >= 1 && m[ml - 1] == '=') {
		kind = LONG_REQ;
		ml -= 1;
	}
	*name = m + 2;
	*nl = ml - 2;
	return kind;
}

static int word_unknown(const uint8_t *wf, uint32_t k)
{
	return wf && wf[k];
}

/* A glob alone whose first byte is literal and not '-' (src/STAR.c): every
 * name it becomes starts with that byte, so it is operands, never an
 * option, however many words it makes. */
static int glob_operand(const char *w, uint32_t n, const uint8_t *wf, uint32_t k)
{
	return wf && wf[k] == CPOL_WORD_GLOB && n > 0 && w[0] != '-' && !memchr("*?[{\\+@!(", w[0], 10);
}

/* A word that takes the place of an option's value: an expansion that may
 * vanish or a glob that may become several words shifts everything after it. */
static int value_unknown(const uint8_t *wf, uint32_t k)
{
	return wf && (wf[k] & (CPOL_WORD_EXPAND | CPOL_WORD_GLOB));
}

/* Where a wrapper's replace options are looked for (rp NULL: nowhere). */
struct repl {
	const struct cpol_image *im;
	uint32_t set;
	struct cpol_replace *rp;
};

/* Option member id was read with value v (NULL: not known; vn bytes). */
static void note_option(const struct repl *r, uint32_t id, const char *v, uint32_t vn)
{
	if (!r->rp)
		return;
	const struct cpol_img_set *st = &r->im->sets[r->set];
	for (uint32_t i = 0; i < st->n; i++)
		if (r->im->members[st->first + i] == id) {
			r->rp->s = v;
			r->rp->n = vn;
			r->rp->given = 1;
			r->rp->later = 0;
			return;
		}
	if (r->rp->given)
		r->rp->later = 1;
}

/* The walk of every entry point: `stop` ends it at the first operand (a
 * wrapper's options end there, as getopt's "+" mode does), with *at the
 * index of the first word after the options. With ov, each value of one of
 * the set's first ov->nsel members is handed to ov->seen; when that
 * returns nonzero the walk stops there and returns 3. With rep, the
 * options of its replace set are noted (the last one given counts). */
static int walk(const struct cpol_image *im, uint32_t set, uint32_t argc, const char *const *argv,
                const uint32_t *lens, const uint8_t *wf, uint32_t *at, int stop, const struct cpol_optvals *ov,
                const struct repl *rep)
{
	static const char dflt[] = "{}"; /* an optional value left out: GNU xargs -i, --replace */
	static const struct cpol_img_set none = { 0, 0, 0, 0 };
	const struct cpol_img_set *st = set == CPOL_NONE ? &none : &im->sets[set];
	const uint32_t *mem = im->members + st->first;
	for (uint32_t k = 1; k < argc; k++) {
		const char *w = argv[k];
		uint32_t n = lens ? lens[k] : (uint32_t)strlen(w);
		*at = k;
		if (word_unknown(wf, k) && (stop || !glob_operand(w, n, wf, k)))
			return 2; /* it may be an option, or `--` */
		if (n < 2 || w[0] != '-') {
			if (stop)
				return 1;
			continue; /* an operand ("-" is standard input) */
		}
		if (n == 2 && w[1] == '-') {
			*at = k + 1;
			return 1; /* `--`: only operands follow */
		}
		if (w[1] == '-') {
			const char *eq = memchr(w + 2, '=', n - 2);
			uint32_t wl = eq ? (uint32_t)(eq - w) - 2 : n - 2;
			int found = -1, matches = 0;
			uint32_t mi = 0, id = CPOL_NONE;
			for (uint32_t i = 0; i < st->n; i++) {
				uint32_t ml;
				const char *m = cpol_img_string(im, mem[i], &ml);
				if (ml < 3 || m[0] != '-' || m[1] != '-')
					continue;
				const char *name;
				uint32_t nl;
				int kind = long_member(m, ml, &name, &nl);
				if (nl < wl || memcmp(name, w + 2, wl) != 0)
					continue;
				found = kind;
				mi = i;
				id = mem[i];
				if (nl == wl) { /* an exact name wins over abbreviations */
					matches = 1;
					break;
				}
				matches++;
			}
			if (matches != 1)
				return 0; /* unknown or ambiguous */
			if (eq) {
				if (found == LONG_FLAG)
					return 0;
				note_option(rep, id, eq + 1, (uint32_t)(w + n - eq - 1));
				if (ov && mi < ov->nsel && ov->seen(ov->arg, k, (uint32_t)(eq - w) + 1))
					return 3;
			} else if (found == LONG_REQ) {
				if (++k < argc && value_unknown(wf, k)) {
					*at = k;
					return 2;
				}
				if (k < argc && !word_unknown(wf, k))
					note_option(rep, id, argv[k], lens ? lens[k] : (uint32_t)strlen(argv[k]));
				else
					note_option(rep, id, NULL, 0);
				if (k < argc && ov && mi < ov->nsel && ov->seen(ov->arg, k, 0)) {
					*at = k;
					return 3;
				}
			} else {
				note_option(rep, id, found == LONG_OPT ? dflt : NULL, found == LONG_OPT ? 2 : 0);
			}
			continue;
		}
		/* a cluster of short options */
		for (uint32_t j = 1; j < n; j++) {
			char c = w[j];
			int kind = -1;
			if (c >= '0' && c <= '9') {
				/* a digit listed as a letter (-0) is that option; else
				 * "-#" lets digits be a number (-5) */
				int num = 0, listed = 0;
				for (uint32_t i = 0; i < st->n; i++) {
					uint32_t ml;
					const char *m = cpol_img_string(im, mem[i], &ml);
					if (ml >= 2 && m[0] == '-' && m[1] == c)
						listed = 1;
					else if (ml == 2 && m[0] == '-' && m[1] == '#')
						num = 1;
				}
				if (!listed) {
					if (!num)
						return 0;
					continue;
				}
			}
			/* A letter listed both with and without a value is read
			 * as the flag: the rest of the word is checked too. */
			uint32_t mi = 0, id = CPOL_NONE;
			for (uint32_t i = 0; i < st->n && kind != 0; i++) {
				uint32_t ml;
				const char *m = cpol_img_string(im, mem[i], &ml);
				if (ml < 2 || m[0] != '-' || m[1] != c)
					continue;
				int was = kind;
				if (ml == 2) {
					kind = 0;
				} else if (ml == 3 && m[2] == '#') {
					kind = 1;
					mi = i;
				} else if (ml == 5 && memcmp(m + 2, "[#]", 3) == 0 && kind < 0) {
					kind = 2;
					mi = i;
				}
				if (kind != was)
					id = mem[i];
			}
			if (kind < 0)
				return 0;
			int sel = ov && kind > 0 && mi < ov->nsel;
			if (kind == 2) {
				/* the rest of the word, if any, is the value */
				note_option(rep, id, j + 1 < n ? w + j + 1 : dflt, j + 1 < n ? n - j - 1 : 2);
				if (sel && j + 1 < n && ov->seen(ov->arg, k, j + 1))
					return 3;
				break;
			}
			if (kind == 1) {
				/* the rest of the word, or the next word, is the value */
				if (j + 1 < n) {
					note_option(rep, id, w + j + 1, n - j - 1);
				} else if (++k < argc) {
					if (value_unknown(wf, k)) {
						*at = k;
						return 2;
					}
					if (word_unknown(wf, k))
						note_option(rep, id, NULL, 0);
					else
						note_option(rep, id, argv[k], lens ? lens[k] : (uint32_t)strlen(argv[k]));
				} else {
					note_option(rep, id, NULL, 0);
				}
				if (sel && k < argc && ov->seen(ov->arg, k, j + 1 < n ? j + 1 : 0)) {
					*at = k;
					return 3;
				}
				break;
			}
			note_option(rep, id, NULL, 0);
		}
	}
	*at = argc;
	return 1;
}

static const struct repl no_replace = { NULL, 0, NULL };

int cpol_options_only(const struct cpol_image *im, uint32_t set, uint32_t argc, const char *const *argv,
                      const uint32_t *lens, const uint8_t *wf, uint32_t *at)
{
	int r = walk(im, set, argc, argv, lens, wf, at, 0, NULL, &no_replace);
	if (r == 1 && *at > argc)
		*at = argc;
	return r;
}

int cpol_option_values(const struct cpol_image *im, uint32_t set, uint32_t argc, const char *const *argv,
                       const uint32_t *lens, const uint8_t *wf, uint32_t *at, const struct cpol_optvals *ov)
{
	int r = walk(im, set, argc, argv, lens, wf, at, 0, ov, &no_replace);
	if (r == 1 && *at > argc)
		*at = argc;
	return r;
}

int cpol_options_end(const struct cpol_image *im, uint32_t set, uint32_t argc, const char *const *argv,
                     const uint32_t *lens, const uint8_t *wf, uint32_t *at, uint32_t rset,
                     struct cpol_replace *rp)
{
	struct repl rep = { im, rset, rset == CPOL_NONE ? NULL : rp };
	if (rep.rp)
		memset(rep.rp, 0, sizeof *rep.rp);
	return walk(im, set, argc, argv, lens, wf, at, 1, NULL, &rep);
}
