/* tests/vm/vmtest.c -- the evaluator tests' shared setup (vmtest.h). */
#include "tests/vm/vmtest.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/compiler.h"
#include "vm/eval.h"

cpol_image *vt_im;
cpol_ctx *vt_ctx;

void vt_setup(const char *name, const char *policy)
{
	cpol_unit *u = cpol_unit_new();
	cpol_file *f = cpol_parse_buffer(u, name, policy, strlen(policy));
	uint8_t *img;
	size_t len;
	struct cpol_compile_opts o = { 0 };
	if (!f || cpol_compile(u, f, &o, 0, &img, &len) < 0) {
		cpol_diag_print(u, stderr);
		cr_assert_fail("the test policy does not compile");
	}
	cpol_unit_free(u);
	cpol_error err;
	vt_im = cpol_image_load(img, len, 0, &err);
	free(img);
	cr_assert(vt_im, "%s", err.msg);
	cpol_env env = { .cwd = "/work/p", .workspace = "/work/p", .tmpdir = "/tmp", .home = "/home/u" };
	vt_ctx = cpol_ctx_new(vt_im, &env, &err);
	cr_assert(vt_ctx, "%s", err.msg);
}

void vt_teardown(void)
{
	cpol_ctx_free(vt_ctx);
	cpol_image_close(vt_im);
}

void vt_expect(const char *line, cpol_decision want)
{
	cpol_result r;
	cpol_decision d = cpol_eval_line(vt_ctx, line, strlen(line), &r);
	cr_expect_eq(d, want, "%s: %s by %s (%s)", line, cpol_decision_name(d), r.verdict.rule, r.verdict.reason);
}

cpol_decision vt_judge_words(const char *const *argv, const uint8_t *wf, const char **rule, const char **word)
{
	uint32_t argc = 0, lens[16];
	while (argv[argc] && argc < 16) {
		lens[argc] = (uint32_t)strlen(argv[argc]);
		argc++;
	}
	struct cpol_frame f;
	struct cpol_iv v;
	cpol_frame_init(vt_ctx, &f, 1, argc, argv, lens);
	cpol_frame_words(&f, wf);
	cpol_eval_frame(vt_ctx, &f, &v);
	if (rule)
		*rule = v.rule != CPOL_NONE ? "(rule)" : v.bname;
	if (word) {
		static char w[64];
		snprintf(w, sizeof w, "%.*s", (int)v.mlen, v.m ? v.m : "");
		*word = w;
	}
	return (cpol_decision)v.dec;
}
