/* tests/stdlib/profiles.c -- opening the stdlib profiles for the table
 * tests (see profiles.h). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>

#include "tests/stdlib/profiles.h"

/* Under --enable-sanitizers, LeakSanitizer reports a string that
 * Criterion's own runner duplicates in criterion_handle_args() and never
 * frees, which fails every Criterion test; suppress leaks from inside
 * libcriterion only (the hook is read by the sanitizer runtime, unused
 * otherwise). */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libcriterion.so\n";
}

const char *const stdlib_profiles[STDLIB_NPROFILES] = {
	"offline", "net-read-only", "workspace-write", "workspace-net", "trusted",
};

const cpol_env stdlib_base_env = { STDLIB_WORKSPACE, STDLIB_WORKSPACE, "/tmp", "/home/user", "user" };

const char *stdlib_dir(const char *var)
{
	const char *d = getenv(var);
	return d && *d ? d : ".";
}

cpol_image *stdlib_open_profile(const char *name)
{
	char path[4096];
	cpol_error err = { 0 };
	snprintf(path, sizeof path, "%s/stdlib-policies/%s.bin", stdlib_dir("top_builddir"), name);
	cpol_image *im = cpol_image_open(path, &err);
	cr_assert_not_null(im, "cannot open %s: %s", path, err.msg);
	return im;
}

cpol_ctx *stdlib_profile_ctx(const char *name, cpol_image **im)
{
	*im = stdlib_open_profile(name);
	cpol_error err = { 0 };
	cpol_ctx *ctx = cpol_ctx_new(*im, &stdlib_base_env, &err);
	cr_assert_not_null(ctx, "cpol_ctx_new: %s", err.msg);
	return ctx;
}

void stdlib_profile_close(cpol_ctx *ctx, cpol_image *im)
{
	cpol_ctx_free(ctx);
	cpol_image_close(im);
}
