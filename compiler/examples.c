/* compiler/examples.c -- runs a policy's `test` examples through the same
 * loader and VM that codexrun uses, in the documented test environment
 * (workspace /home/user/project, home /home/user, TMPDIR /tmp), and reports
 * each failing example at its line with the expected and actual decision
 * and the rule that decided. */
#include "compiler/compiler.h"
#include "codexpol.h"


int cpol_run_examples(cpol_unit *u, const struct cpol_model *m, const uint8_t *img, size_t len,
                      uint32_t *hits)
{
	static const char *const dec[] = { "allow", "prompt", "forbid" };
	cpol_error err;
	int failed = 0;
	cpol_image *im = cpol_image_load(img, len, 1, &err);
	if (!im) {
		cpol_error_at(u, ((cpol_loc){ m->main->index, 0, 0 }), "the generated image does not verify: %s", err.msg);
		return 1;
	}
	cpol_env env = { .cwd = CPOL_TEST_WORKSPACE, .workspace = CPOL_TEST_WORKSPACE,
	                 .tmpdir = CPOL_TEST_TMPDIR, .home = CPOL_TEST_HOME, .user = "user" };
	cpol_ctx *ctx = cpol_ctx_new(im, &env, &err);
	if (!ctx) {
		cpol_error_at(u, ((cpol_loc){ m->main->index, 0, 0 }), "cannot evaluate the examples: %s", err.msg);
		cpol_image_close(im);
		return 1;
	}
	for (uint32_t i = 0; i < m->ntests; i++) {
		for (const cpol_testcase *t = m->tests[i]->u.test.cases; t; t = t->next) {
			if (t->cwd) {
				cpol_env e2 = env;
				e2.cwd = t->cwd;
				if (cpol_ctx_set_env(ctx, &e2, &err) < 0) {
					cpol_error_at(u, t->loc, "bad cwd for this example: %s", err.msg);
					failed++;
					continue;
				}
			}
			cpol_result r;
			cpol_decision d = cpol_eval_line(ctx, t->line, t->len, &r);
			if (hits && r.verdict.index >= 0 && (uint32_t)r.verdict.index < m->nrules)
				hits[r.verdict.index]++;
			if ((int)d != t->expect) {
				failed++;
				if (r.verdict.line)
					cpol_error_at(u, t->loc, "example \"%s\" should be %s but is %s by rule \"%s\" (%s:%u:%u)%s%s",
					              t->line, dec[t->expect], dec[d], r.verdict.rule, r.verdict.file,
					              r.verdict.line, r.verdict.col, r.verdict.matched[0] ? ", matching " : "",
					              r.verdict.matched);
				else
					cpol_error_at(u, t->loc, "example \"%s\" should be %s but is %s (%s: %s)",
					              t->line, dec[t->expect], dec[d], r.verdict.rule, r.verdict.reason);
			}
			if (t->cwd && cpol_ctx_set_env(ctx, &env, &err) < 0)
				break;
		}
	}
	cpol_ctx_free(ctx);
	cpol_image_close(im);
	return failed;
}
