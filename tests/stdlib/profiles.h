/* tests/stdlib/profiles.h -- the stdlib profiles' compiled images as the
 * table tests open them: their names, the environment of their examples,
 * and one image-and-context pair per profile (Criterion asserts on
 * failure). Shared by tests/stdlib/test_stdlib.c and
 * tests/oracle/test_conformance.c. */
#ifndef CPOL_TESTS_STDLIB_PROFILES_H
#define CPOL_TESTS_STDLIB_PROFILES_H

#include "codexpol.h"

/* The four sandboxed profiles first, then trusted. */
#define STDLIB_NPROFILES 5
#define STDLIB_NSANDBOXED 4
extern const char *const stdlib_profiles[STDLIB_NPROFILES];

/* The environment of the policies' own examples and of the tables. */
#define STDLIB_WORKSPACE "/home/user/project"
extern const cpol_env stdlib_base_env;

/* $VAR, or "." when it is unset or empty (top_srcdir, top_builddir). */
const char *stdlib_dir(const char *var);

/* $top_builddir/stdlib-policies/NAME.bin, opened. */
cpol_image *stdlib_open_profile(const char *name);

/* A profile's image and a context on it with stdlib_base_env;
 * stdlib_profile_close frees both. */
cpol_ctx *stdlib_profile_ctx(const char *name, cpol_image **im);
void stdlib_profile_close(cpol_ctx *ctx, cpol_image *im);

#endif
