/* tests/text/fuzz_shell.c -- libFuzzer target for the shell splitter and
 * the path helpers. Not part of `make check`; build and run by hand:
 *   re2c -W --no-generation-date -o /tmp/shell_re.c vm/shell.re
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. \
 *       /tmp/shell_re.c vm/path.c vm/url.c tests/text/fuzz_shell.c -o /tmp/fuzz_shell
 *   /tmp/fuzz_shell -max_total_time=300
 * Aborts on any broken invariant: counts beyond capacities, pointers
 * outside the storage, a split that depends on the storage size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vm/path.h"
#include "vm/shell.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct cpol_shell_out *o)
{
	if (o->ncmds > o->maxcmds || o->nwords > o->maxwords || o->nredirs > o->maxredirs
	    || o->buflen > o->bufcap)
		abort();
	for (uint32_t i = 0; i < o->ncmds; i++) {
		const struct cpol_shell_cmd *c = &o->cmds[i];
		if ((c->flags & ~o->flags) != 0)
			abort();
		for (uint32_t j = 0; j < c->argc; j++)
			if (c->argv[j] < o->buf || c->argv[j] + c->lens[j] >= o->buf + o->buflen
			    || c->argv[j][c->lens[j]] != '\0')
				abort();
		for (uint32_t j = 0; j < c->nredir; j++)
			if (c->redir[j].target < o->buf
			    || c->redir[j].target + c->redir[j].target_len >= o->buf + o->buflen)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cpol_shell_cmd cmds[4096];
	static const char *words[4096];
	static uint32_t lens[4096];
	static struct cpol_shell_redir redirs[4096];
	static char buf[65536];
	struct cpol_shell_out big = { cmds, 4096, 0, words, 4096, 0, lens, NULL, redirs, 4096, 0, buf, sizeof buf, 0, 0 };
	struct cpol_shell_out small = { cmds, 3, 0, words, 7, 0, lens, NULL, redirs, 2, 0, buf, 40, 0, 0 };
	char out[128];
	const char *h;
	size_t hl;

	if (size > 8192)
		return 0;
	cpol_shell_split((const char *)data, size, &big);
	check(&big);
	if (big.flags & CPOL_SH_TOOBIG) {
		/* only nesting deeper than the limit may stop a split with ample storage */
		int deep = 0;
		for (size_t i = 0; i < size; i++)
			deep += data[i] == '(' || data[i] == '{' || data[i] == '`' || data[i] == 'i'
			        || data[i] == 'w' || data[i] == 'u' || data[i] == 'f' || data[i] == 'c';
		if (deep < CPOL_SH_MAXDEPTH)
			abort();
	}
	cpol_shell_split((const char *)data, size, &small);
	check(&small);
	for (int d = CPOL_SHELL_POSIX; d <= CPOL_SHELL_ZSH; d++) {
		cpol_shell_split_as((const char *)data, size, d, &big);
		check(&big);
		cpol_shell_split_as((const char *)data, size, d, &small);
		check(&small);
	}

	cpol_path_is_pathlike((const char *)data, size);
	long n = cpol_path_normalize("/w/x", 4, "/h", 2, (const char *)data, size, out, sizeof out);
	if (n >= (long)sizeof out || (n >= 0 && (out[0] != '/' || out[n] != '\0')))
		abort();
	if (cpol_url_host((const char *)data, size, &h, &hl)
	    && (h < (const char *)data || h + hl > (const char *)data + size || hl == 0))
		abort();
	return 0;
}
