/* tests/engine/oracle.h -- the reference evaluator: decides a command from a
 * resolved policy model (the AST, no image) and the documented semantics
 * alone, with naive loops, memmem for substrings, its own argument
 * predicates, program names, roots and write targets. It shares only the
 * shell splitter (vm/shell.h) and the lexical path and URL helpers
 * (vm/path.h), which have tests of their own. Slow on purpose: its job is
 * to be obviously right, so that the VM can be checked against it. */
#ifndef CPOL_TESTS_ENGINE_ORACLE_H
#define CPOL_TESTS_ENGINE_ORACLE_H

#include <stddef.h>
#include <stdint.h>

#include "compiler/compiler.h"

struct ref_env {
	const char *cwd, *workspace, *tmpdir, *home;
};

/* A decision and the rule that made it: its index in source order, or -1
 * for the default and the built-in script verdicts. */
struct ref_verdict {
	int dec;
	int index;
};

struct ref;

struct ref *ref_new(const struct cpol_model *m, const struct ref_env *env);
void ref_free(struct ref *r);
int ref_set_env(struct ref *r, const struct ref_env *env);

struct ref_verdict ref_eval(struct ref *r, int argc, const char *const *argv);
struct ref_verdict ref_eval_line(struct ref *r, const char *line, size_t len);

#endif
