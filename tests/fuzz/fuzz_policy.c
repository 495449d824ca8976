/* tests/fuzz/fuzz_policy.c -- policy source bytes through the whole front
 * end and compiler: lexer, parser, includes, resolve, lint, codegen, the
 * policy's own examples, diagnostics printing; when it compiles, the image
 * must load (the compiler never emits what the verifier refuses), dump,
 * and evaluate the probe commands and the policy's own string literals.
 *
 * Input: up to four files separated by the line "#@@" (a comment, so an
 * input without it is just one file). The first is the main file
 * p/main.cpol; the others are p/a.cpol, p/common/b.cpol and inc/c.cpol,
 * with inc/ as the -I folder, so `include "a.cpol";`, `include
 * "common/b.cpol";` and `include "c.cpol";` find them. Nothing is read
 * from disk.
 */
#define FUZZ_NAME policy
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "compiler/compiler.h"

#define SEP "#@@\n"
#define NFILES 4

/* Up to 8 string literals of the main file, raw (escapes left as they
 * are), as an argv: the words the policy itself cares about. */
static int literals(const char *s, size_t n, char *store, size_t cap, const char **argv, uint32_t *lens)
{
	int argc = 0;
	size_t used = 0;
	for (size_t i = 0; i < n && argc < 8; i++) {
		if (s[i] != '"')
			continue;
		size_t j = i + 1;
		while (j < n && s[j] != '"' && s[j] != '\n')
			j += s[j] == '\\' && j + 1 < n ? 2 : 1;
		if (j >= n || s[j] != '"')
			break;
		size_t len = j - i - 1;
		if (used + len + 1 > cap || memchr(s + i + 1, '\0', len))
			break;
		memcpy(store + used, s + i + 1, len);
		store[used + len] = 0;
		argv[argc] = store + used;
		lens[argc++] = (uint32_t)len;
		used += len + 1;
		i = j;
	}
	return argc;
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	static const char *const paths[NFILES] = { "p/main.cpol", "p/a.cpol", "p/common/b.cpol", "inc/c.cpol" };
	const char *text = (const char *)data;
	const char *texts[NFILES];
	size_t sizes[NFILES];
	uint32_t n = 0;
	size_t pos = 0;
	while (n < NFILES) {
		const char *sep = n + 1 < NFILES ? memmem(text + pos, size - pos, SEP, strlen(SEP)) : NULL;
		size_t end = sep ? (size_t)(sep - text) : size;
		texts[n] = text + pos;
		sizes[n] = end - pos;
		n++;
		if (!sep)
			break;
		pos = end + strlen(SEP);
	}

	uint8_t *bin;
	size_t len;
	if (fuzz_compile_mem(n, paths, texts, sizes, "inc", fuzz_devnull(), &bin, &len) < 0)
		return 0;

	/* What the compiler emits, the loader accepts. */
	cpol_error err;
	cpol_image *im = cpol_image_load(bin, len, 0, &err);
	FUZZ_CHECK(im != NULL, "the compiler's image does not load: %s", err.msg);
	free(bin);
	cpol_dump(im, fuzz_devnull());

	cpol_ctx *ctx[2];
	ctx[0] = cpol_ctx_new(im, &fuzz_env_test, &err);
	FUZZ_CHECK(ctx[0] != NULL, "cpol_ctx_new: %s", err.msg);
	ctx[1] = cpol_ctx_new(im, NULL, &err);
	FUZZ_CHECK(ctx[1] != NULL, "cpol_ctx_new: %s", err.msg);
	fuzz_probe(im, ctx, 2);

	char store[4096];
	const char *argv[8];
	uint32_t lens[8];
	int argc = literals(texts[0], sizes[0], store, sizeof store, argv, lens);
	for (int k = 0; k < argc && k < 3; k++)
		fuzz_eval_both(im, ctx[0], argc - k, argv + k, lens + k);

	cpol_ctx_free(ctx[0]);
	cpol_ctx_free(ctx[1]);
	cpol_image_close(im);
	return 0;
}
