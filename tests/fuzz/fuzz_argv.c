/* tests/fuzz/fuzz_argv.c -- commands through the evaluator, on every image
 * of the fixed set (the sketch, compiled at start-up, and the stdlib
 * profiles when they are there):
 *   - the input split on NUL bytes is an argv (at most 64 words), judged by
 *     cpol_eval(); the same words single-quoted into one command line must
 *     split back into exactly those words and be judged the same by
 *     cpol_eval_line(); codexrun --explain --json of the result must be
 *     valid JSON;
 *   - the input as it is is a command line for cpol_eval_line() (scripts,
 *     nesting, redirections, NUL bytes and all).
 * Every result is checked (fuzz_check_result).
 */
#define FUZZ_NAME argv
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

#define MAXARGS 64

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	size_t nimg;
	const struct fuzz_image *img = fuzz_images(&nimg);

	/* NUL-terminated copy, split on NUL */
	char *buf = malloc(size + 1);
	FUZZ_CHECK(buf != NULL, "out of memory");
	memcpy(buf, data, size);
	buf[size] = 0;
	const char *argv[MAXARGS];
	uint32_t lens[MAXARGS];
	int argc = 0;
	for (size_t i = 0; size > 0 && i <= size && argc < MAXARGS;) {
		size_t n = strlen(buf + i);
		argv[argc] = buf + i;
		lens[argc++] = (uint32_t)n;
		i += n + 1;
	}

	for (size_t k = 0; k < nimg; k++) {
		fuzz_eval_both(img[k].img, img[k].ctx, argc, argv, lens);
		cpol_result r;
		cpol_decision d = cpol_eval_line(img[k].ctx, (const char *)data, size, &r);
		fuzz_check_result(img[k].img, d, &r, "cpol_eval_line (input)");
		const char *sh[3] = { "sh", "-c", buf };
		fuzz_explain(img[k].img, &r, 3, sh);
	}
	free(buf);
	return 0;
}
