/* tests/tools/installcheck.c -- `make installcheck` builds this against the
 * installed libcodexpol (pkg-config codexpol) and runs it: load an image,
 * judge one command line, print the decision. */
#include <codexpol.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	cpol_error err;
	cpol_image *img = argc > 1 ? cpol_image_open(argv[1], &err) : NULL;
	cpol_ctx *ctx = img ? cpol_ctx_new(img, NULL, &err) : NULL;
	if (!ctx) {
		fprintf(stderr, "installcheck: %s\n", argc > 1 ? err.msg : "give an image");
		return 1;
	}
	cpol_result res;
	const char *line = argc > 2 ? argv[2] : "ls -la";
	cpol_decision d = cpol_eval_line(ctx, line, strlen(line), &res);
	printf("%s: %s (rule %s, policy %s %s)\n", line, cpol_decision_name(d), res.verdict.rule,
	       cpol_image_name(img), cpol_image_hash(img));
	cpol_ctx_free(ctx);
	cpol_image_close(img);
	return 0;
}
