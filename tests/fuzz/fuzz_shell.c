/* tests/fuzz/fuzz_shell.c -- script bytes through cpol_shell_split() with
 * storage of exactly the given sizes (so AddressSanitizer sees any write
 * past it): none at all, tiny, small, and as large as the VM's. Checked:
 *   - every count within its capacity, the return value is ncmds;
 *   - every argv, lens, redir and target pointer points into the caller's
 *     storage, inside what was filled, and every word and target is
 *     NUL-terminated at its length;
 *   - a NUL inside a word only when the script had one, and then SYNTAX;
 *   - out->flags holds the flags of every command;
 *   - a split that did not run out of storage (no TOOBIG) is identical to
 *     the split with the large storage;
 *   - the same for every dialect (cpol_shell_split_as).
 * The same bytes then go through the path and URL helpers the rules use:
 * a normalised path is absolute, NUL-terminated and within its storage, a
 * URL's host lies inside the input.
 */
#define FUZZ_NAME shell
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "vm/path.h"
#include "vm/shell.h"

struct caps { uint32_t cmds, words, redirs; size_t buf; };

static void alloc_out(struct cpol_shell_out *o, const struct caps *c)
{
	memset(o, 0, sizeof *o);
	o->maxcmds = c->cmds;
	o->maxwords = c->words;
	o->maxredirs = c->redirs;
	o->bufcap = c->buf;
	o->cmds = c->cmds ? malloc(c->cmds * sizeof *o->cmds) : NULL;
	o->words = c->words ? malloc(c->words * sizeof *o->words) : NULL;
	o->wordlens = c->words ? malloc(c->words * sizeof *o->wordlens) : NULL;
	o->redirs = c->redirs ? malloc(c->redirs * sizeof *o->redirs) : NULL;
	o->buf = c->buf ? malloc(c->buf) : NULL;
	FUZZ_CHECK((!c->cmds || o->cmds) && (!c->words || (o->words && o->wordlens)) &&
	           (!c->redirs || o->redirs) && (!c->buf || o->buf), "out of memory");
}

static void free_out(struct cpol_shell_out *o)
{
	free(o->cmds);
	free(o->words);
	free(o->wordlens);
	free(o->redirs);
	free(o->buf);
}

static int in_buf(const struct cpol_shell_out *o, const char *p, size_t len)
{
	/* p[0..len] (the NUL included) lies in buf[0..buflen) */
	return o->buf && p >= o->buf && (size_t)(p - o->buf) < o->buflen && len < o->buflen - (size_t)(p - o->buf);
}

static void check_out(const struct cpol_shell_out *o, uint32_t ret, const char *script, size_t len)
{
	FUZZ_CHECK(ret == o->ncmds, "returned %u, ncmds %u", ret, o->ncmds);
	FUZZ_CHECK(o->ncmds <= o->maxcmds && o->nwords <= o->maxwords && o->nredirs <= o->maxredirs &&
	           o->buflen <= o->bufcap,
	           "counts over capacity: cmds %u/%u words %u/%u redirs %u/%u buf %zu/%zu", o->ncmds, o->maxcmds,
	           o->nwords, o->maxwords, o->nredirs, o->maxredirs, o->buflen, o->bufcap);
	int script_nul = len && memchr(script, '\0', len) != NULL;
	for (uint32_t k = 0; k < o->ncmds; k++) {
		const struct cpol_shell_cmd *c = &o->cmds[k];
		FUZZ_CHECK((o->flags & c->flags) == c->flags, "command %u has flags %#x not in out->flags %#x", k,
		           c->flags, o->flags);
		if (c->argc) {
			FUZZ_CHECK(c->argv && c->lens, "command %u: %u words but no argv", k, c->argc);
			FUZZ_CHECK(c->argv >= o->words && c->argv + c->argc <= o->words + o->nwords,
			           "command %u: argv outside the filled words", k);
			FUZZ_CHECK(c->lens == o->wordlens + (c->argv - o->words), "command %u: lens do not match argv", k);
		}
		for (uint32_t i = 0; i < c->argc; i++) {
			FUZZ_CHECK(in_buf(o, c->argv[i], c->lens[i]), "command %u word %u outside the filled buffer", k, i);
			FUZZ_CHECK(c->argv[i][c->lens[i]] == 0, "command %u word %u is not NUL-terminated", k, i);
			if (memchr(c->argv[i], '\0', c->lens[i]))
				FUZZ_CHECK(script_nul && (c->flags & CPOL_SH_SYNTAX),
				           "command %u word %u holds a NUL without SYNTAX", k, i);
		}
		if (c->nredir) {
			FUZZ_CHECK(c->redir >= o->redirs && c->redir + c->nredir <= o->redirs + o->nredirs,
			           "command %u: redirections outside the filled list", k);
		}
		for (uint32_t i = 0; i < c->nredir; i++) {
			const struct cpol_shell_redir *r = &c->redir[i];
			FUZZ_CHECK(r->kind <= CPOL_REDIR_HERESTRING, "command %u redirection %u: kind %u", k, i, r->kind);
			FUZZ_CHECK(r->target && in_buf(o, r->target, r->target_len) && r->target[r->target_len] == 0,
			           "command %u redirection %u: target outside the filled buffer", k, i);
		}
	}
}

static void same(const struct cpol_shell_out *a, const struct cpol_shell_out *b)
{
	FUZZ_CHECK(a->ncmds == b->ncmds && a->flags == b->flags,
	           "small storage without TOOBIG: %u commands flags %#x; large: %u commands flags %#x", a->ncmds,
	           a->flags, b->ncmds, b->flags);
	for (uint32_t k = 0; k < a->ncmds; k++) {
		const struct cpol_shell_cmd *x = &a->cmds[k], *y = &b->cmds[k];
		FUZZ_CHECK(x->flags == y->flags && x->argc == y->argc && x->nredir == y->nredir,
		           "command %u differs with storage size", k);
		for (uint32_t i = 0; i < x->argc; i++)
			FUZZ_CHECK(x->lens[i] == y->lens[i] && memcmp(x->argv[i], y->argv[i], x->lens[i]) == 0,
			           "command %u word %u differs with storage size", k, i);
		for (uint32_t i = 0; i < x->nredir; i++) {
			const struct cpol_shell_redir *p = &x->redir[i], *q = &y->redir[i];
			FUZZ_CHECK(p->kind == q->kind && p->fd == q->fd && p->rflags == q->rflags &&
			           p->target_len == q->target_len && memcmp(p->target, q->target, p->target_len) == 0,
			           "command %u redirection %u differs with storage size", k, i);
		}
	}
}

/* One split of the script with every storage size, compared. */
static void split_all(const char *script, size_t size, int dialect)
{
	static const struct caps caps[] = {
		{ 0, 0, 0, 0 }, { 1, 1, 1, 1 }, { 2, 3, 1, 17 }, { 8, 16, 4, 256 },
		{ 256, 4096, 256, 64u << 10 }, /* the VM's */
	};
	const size_t nc = sizeof caps / sizeof caps[0];
	struct cpol_shell_out out[sizeof caps / sizeof caps[0]];
	for (size_t i = 0; i < nc; i++) {
		alloc_out(&out[i], &caps[i]);
		uint32_t n = dialect < 0 ? cpol_shell_split(script, size, &out[i])
		                         : cpol_shell_split_as(script, size, dialect, &out[i]);
		check_out(&out[i], n, script, size);
	}
	for (size_t i = 0; i + 1 < nc; i++)
		if (!(out[i].flags & CPOL_SH_TOOBIG) && !(out[nc - 1].flags & CPOL_SH_TOOBIG))
			same(&out[i], &out[nc - 1]);
	for (size_t i = 0; i < nc; i++)
		free_out(&out[i]);
}

static void paths(const char *s, size_t size)
{
	char out[128];
	const char *h;
	size_t hl;
	cpol_path_is_pathlike(s, size);
	long n = cpol_path_normalize("/w/x", 4, "/h", 2, s, size, out, sizeof out);
	FUZZ_CHECK(n < (long)sizeof out && (n < 0 || (out[0] == '/' && out[n] == '\0')),
	           "normalised path of length %ld is not absolute and terminated", n);
	if (cpol_url_host(s, size, &h, &hl))
		FUZZ_CHECK(s && h >= s && h + hl <= s + size && hl > 0, "URL host outside the input");
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	const char *script = size ? (const char *)data : NULL;
	split_all(script, size, -1);
	for (int d = CPOL_SHELL_POSIX; d <= CPOL_SHELL_UNKNOWN; d++)
		split_all(script, size, d);
	paths(script, size);
	return 0;
}
