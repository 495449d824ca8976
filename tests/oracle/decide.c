/* tests/oracle/decide.c -- oracle-decide: what each compiled policy decides
 * for every command line read from standard input, judged as `sh -c LINE`
 * (the argv codexrun --explain gets for the same line), through the public
 * library and codexrun's own check of paths the sandbox denies reading
 * (cli/run_denyread.c), so that it decides what codexrun decides. It prints NAME<TAB>DECISION<TAB>RULE<TAB>LINE per line and image,
 * the images in the order given; NAME is the image file's name without
 * ".bin". The commands are judged in WORKSPACE (also the working folder);
 * nothing is run. It is the fast path of tests/oracle/decide.sh: one process
 * for a whole corpus instead of one codexrun per line.
 *
 *   oracle-decide WORKSPACE IMAGE.bin... < LINES
 */
#include <codexpol.h>

#include "cli/run.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_IMAGES 16

int main(int argc, char **argv)
{
	if (argc < 3 || argc - 2 > MAX_IMAGES || argv[1][0] != '/') {
		fprintf(stderr, "oracle-decide: usage: oracle-decide /WORKSPACE IMAGE.bin... < LINES\n");
		return 2;
	}
	const char *home = getenv("HOME");
	cpol_env env = { .cwd = argv[1], .workspace = argv[1],
			 .home = home && home[0] == '/' ? home : NULL };
	int n = argc - 2;
	cpol_image *img[MAX_IMAGES];
	cpol_ctx *ctx[MAX_IMAGES];
	char name[MAX_IMAGES][256];
	for (int i = 0; i < n; i++) {
		cpol_error err = { 0 };
		img[i] = cpol_image_open(argv[i + 2], &err);
		ctx[i] = img[i] ? cpol_ctx_new(img[i], &env, &err) : NULL;
		if (!ctx[i]) {
			fprintf(stderr, "oracle-decide: %s: %s\n", argv[i + 2], err.msg);
			return 2;
		}
		const char *base = strrchr(argv[i + 2], '/');
		snprintf(name[i], sizeof name[i], "%s", base ? base + 1 : argv[i + 2]);
		char *dot = strstr(name[i], ".bin");
		if (dot && dot[4] == '\0')
			*dot = '\0';
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc = 0;
	while ((len = getline(&line, &cap, stdin)) >= 0) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		const char *av[] = { "sh", "-c", line };
		for (int i = 0; i < n; i++) {
			cpol_result res;
			cpol_decision d = cpol_eval(ctx[i], 3, av, &res);
			/* codexrun forbids a command that names a path the sandbox
			 * denies reading (deny read) before it runs: judge the same */
			if (env.home && run_denyread_judge(img[i], &env, 3, (char **)(uintptr_t)av, &res))
				d = res.verdict.decision;
			if (printf("%s\t%s\t%s\t%s\n", name[i], cpol_decision_name(d),
				   res.verdict.rule ? res.verdict.rule : "", line) < 0)
				rc = 1;
		}
	}
	free(line);
	for (int i = 0; i < n; i++) {
		cpol_ctx_free(ctx[i]);
		cpol_image_close(img[i]);
	}
	if (fflush(stdout) != 0 || ferror(stdin))
		rc = 1;
	return rc;
}
