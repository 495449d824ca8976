/* bench/naive.h -- the baseline evalbench compares the VM with: the same
 * policy (read from the same verified image) decided the obvious way. Every
 * rule is looked at in source order (no dispatch table: a rule's programs
 * are a list compared with strcmp), every set is scanned linearly (no hash
 * tables), and every substring pattern is searched with strstr() in the
 * joined command line (no automaton). Everything else -- the rule
 * semantics, path intents, URL hosts, the shell splitter -- is the same as
 * the VM's, so both must reach the same decision by the same rule.
 *
 * Like the VM it never allocates while evaluating; unlike the VM it makes no
 * attempt to be fast.
 */
#ifndef CPOL_BENCH_NAIVE_H
#define CPOL_BENCH_NAIVE_H

#include "codexpol.h"

struct naive;

/* Build the naive view of img; env as for cpol_ctx_new. NULL on error. */
struct naive *naive_new(const cpol_image *img, const cpol_env *env, cpol_error *err);
void naive_free(struct naive *n);

/* Decide for argv; *rule receives the deciding rule's index (source order),
 * or -1 for the default and built-in script verdicts (as cpol_verdict.index). */
cpol_decision naive_eval(struct naive *n, int argc, const char *const *argv, int *rule);
/* Decide for a command line: one simple command is judged as its argv,
 * anything else as `sh -c LINE` (as cpol_eval_line). */
cpol_decision naive_eval_line(struct naive *n, const char *line, size_t len, int *rule);

#endif
