/* compiler/compile.c -- the compiler's pipeline for codexpolc: resolve,
 * lint, generate, verify the result by loading it back, and run the
 * policy's examples on it. Stops at the first phase that reports errors. */
#include "compiler/compiler.h"
#include "codexpol.h"

#include <stdlib.h>

int cpol_compile(cpol_unit *u, cpol_file *main, const struct cpol_compile_opts *o,
                 int lint_only, uint8_t **out, size_t *len)
{
	struct cpol_model m;
	uint8_t *img = NULL;
	size_t n = 0;
	if (out) {
		*out = NULL;
		*len = 0;
	}
	if (u->nerrors)
		return -1;
	if (cpol_resolve(u, main, &m) < 0)
		return -1;
	cpol_lint(u, &m);
	if (cpol_codegen(u, &m, o, &img, &n) < 0)
		return -1;
	/* The examples run on the image exactly as codexrun will load it. */
	cpol_run_examples(u, &m, img, n, NULL);
	if (u->nerrors || lint_only || !out) {
		free(img);
		return u->nerrors ? -1 : 0;
	}
	*out = img;
	*len = n;
	return 0;
}
