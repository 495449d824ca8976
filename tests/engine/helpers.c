/* tests/engine/helpers.c -- compile, load and evaluate for the engine tests. */
#include "tests/engine/helpers.h"
#include "vm/image.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

static const cpol_env test_env = {
	.cwd = ENG_WS, .workspace = ENG_WS, .tmpdir = ENG_TMP, .home = ENG_HOME, .user = "user",
};

/* The unit's diagnostics as text. */
static void diags(const cpol_unit *u, char *out, size_t cap)
{
	if (!out || !cap)
		return;
	out[0] = 0;
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	if (!f)
		return;
	cpol_diag_print(u, f);
	fclose(f);
	snprintf(out, cap, "%s", buf ? buf : "");
	free(buf);
}

static struct eng *eng_try_src(const char *policy, const char *path, char *why, size_t whycap)
{
	struct eng *e = calloc(1, sizeof *e);
	if (!e)
		return NULL;
	e->u = cpol_unit_new();
	cpol_file *f = !e->u ? NULL : policy ? cpol_parse_buffer(e->u, "t.cpol", policy, strlen(policy))
	             : cpol_parse_file(e->u, path);
	if (!f || e->u->nerrors || cpol_resolve(e->u, f, &e->m) < 0 ||
	    cpol_codegen(e->u, &e->m, &(struct cpol_compile_opts){ 0 }, &e->bin, &e->len) < 0) {
		if (e->u)
			diags(e->u, why, whycap);
		eng_free(e);
		return NULL;
	}
	cpol_error err;
	e->img = cpol_image_load(e->bin, e->len, 0, &err);
	if (e->img)
		e->ctx = cpol_ctx_new(e->img, &test_env, &err);
	if (!e->img || !e->ctx) {
		if (why)
			snprintf(why, whycap, "%s", err.msg);
		eng_free(e);
		return NULL;
	}
	return e;
}

struct eng *eng_try(const char *policy, char *why, size_t whycap)
{
	return eng_try_src(policy, NULL, why, whycap);
}

struct eng *eng_try_file(const char *path, char *why, size_t whycap)
{
	return eng_try_src(NULL, path, why, whycap);
}

struct eng *eng_new(const char *policy)
{
	char why[4096];
	struct eng *e = eng_try(policy, why, sizeof why);
	cr_assert(e != NULL, "policy does not compile:\n%s\n--- policy:\n%s", why, policy);
	return e;
}

void eng_free(struct eng *e)
{
	if (!e)
		return;
	cpol_ctx_free(e->ctx);
	cpol_image_close(e->img);
	free(e->bin);
	cpol_unit_free(e->u);
	free(e);
}

void eng_cwd(struct eng *e, const char *cwd)
{
	cpol_env env = test_env;
	cpol_error err;
	env.cwd = cwd;
	cr_assert(cpol_ctx_set_env(e->ctx, &env, &err) == 0, "cwd %s: %s", cwd, err.msg);
}

void eng_env(struct eng *e, const cpol_env *env)
{
	cpol_error err;
	cr_assert(cpol_ctx_set_env(e->ctx, env, &err) == 0, "env: %s", err.msg);
}

cpol_decision eng_eval(struct eng *e, const char *const *argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	return cpol_eval(e->ctx, argc, argv, &e->res);
}

cpol_decision eng_line(struct eng *e, const char *line)
{
	return cpol_eval_line(e->ctx, line, strlen(line), &e->res);
}

int eng_compile_errors(const char *policy, char *msgs, size_t cap)
{
	cpol_unit *u = cpol_unit_new();
	cr_assert(u != NULL);
	cpol_file *f = cpol_parse_buffer(u, "t.cpol", policy, strlen(policy));
	uint8_t *img = NULL;
	size_t len = 0;
	if (f)
		cpol_compile(u, f, &(struct cpol_compile_opts){ 0 }, 0, &img, &len);
	free(img);
	diags(u, msgs, cap);
	int n = (int)u->nerrors;
	cpol_unit_free(u);
	return n;
}

void eng_figures(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	const char *top = getenv("top_builddir");
	if (!top || !*top)
		return;
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/engine/figures.txt", top);
	FILE *f = fopen(path, "a");
	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

const char *eng_dn(int d)
{
	return d >= 0 && d <= 2 ? cpol_decision_name((cpol_decision)d) : "?";
}

void eng_reseal(uint8_t *img, size_t len)
{
	if (len < sizeof(struct cpol_img_header))
		return;
	uint64_t sum = XXH3_64bits(img + sizeof(struct cpol_img_header), len - sizeof(struct cpol_img_header));
	memcpy(img + offsetof(struct cpol_img_header, checksum), &sum, sizeof sum);
}
