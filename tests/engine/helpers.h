/* tests/engine/helpers.h -- what the engine tests share: compile a policy
 * given as text, load the image through the public loader, and evaluate
 * argvs and command lines in the documented test environment (workspace and
 * cwd /home/user/project, HOME /home/user, TMPDIR /tmp). */
#ifndef CPOL_TESTS_ENGINE_HELPERS_H
#define CPOL_TESTS_ENGINE_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "codexpol.h"
#include "compiler/compiler.h"

#define ENG_WS   "/home/user/project"
#define ENG_HOME "/home/user"
#define ENG_TMP  "/tmp"

struct eng {
	cpol_unit *u;
	struct cpol_model m;      /* the resolved model (for the reference evaluator) */
	uint8_t *bin;             /* the image bytes */
	size_t len;
	cpol_image *img;
	cpol_ctx *ctx;
	cpol_result res;          /* the last evaluation's result */
};

/* Compile `policy` (resolve + codegen, no lint and no examples), load the
 * image and make a context. NULL with the diagnostics in `why` (when not
 * NULL) if anything fails. */
struct eng *eng_try(const char *policy, char *why, size_t whycap);
/* The same for a policy file (includes resolved from its folder). */
struct eng *eng_try_file(const char *path, char *why, size_t whycap);
/* The same, failing the current test (with the diagnostics) on error. */
struct eng *eng_new(const char *policy);
void eng_free(struct eng *e);

/* Change the working directory of later evaluations (other env fields keep
 * the test values). */
void eng_cwd(struct eng *e, const char *cwd);

/* Replace the whole environment (NULL fields take the library's defaults). */
void eng_env(struct eng *e, const cpol_env *env);

/* Evaluate a NULL-terminated argv; the result is in e->res. */
cpol_decision eng_eval(struct eng *e, const char *const *argv);
#define EV(e, ...) eng_eval((e), (const char *const[]){ __VA_ARGS__, NULL })
/* Evaluate a command line (cpol_eval_line). */
cpol_decision eng_line(struct eng *e, const char *line);

/* Compile the whole pipeline (cpol_compile: resolve, lint, codegen,
 * examples) and return the number of errors; diagnostics go to `msgs`. */
int eng_compile_errors(const char *policy, char *msgs, size_t cap);

/* Print a test's figures (counts of what it tried) on stderr, and append
 * them to $top_builddir/tests/engine/figures.txt under `make check`, whose
 * TAP mode of Criterion does not show a test's own output. */
void eng_figures(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The decision's name, for messages. */
const char *eng_dn(int d);

/* XXH3-64 of image bytes [32, len), written into the header (offset 24). */
void eng_reseal(uint8_t *img, size_t len);

#endif
