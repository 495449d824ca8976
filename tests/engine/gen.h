/* tests/engine/gen.h -- random policies, argvs, scripts and command lines
 * for the differential test: small vocabularies chosen so that rules often
 * match, patterns overlap, paths cross the writable roots and scripts nest. */
#ifndef CPOL_TESTS_ENGINE_GEN_H
#define CPOL_TESTS_ENGINE_GEN_H

#include <stddef.h>
#include <stdint.h>

struct gen {
	uint64_t s;
};

void gen_seed(struct gen *g, uint64_t seed);
uint32_t gen_rnd(struct gen *g, uint32_t n);

/* A policy's text (malloc'd). */
char *gen_policy(struct gen *g);

/* A random argv (NULL-terminated, every string and the array malloc'd as
 * one block: free(*argv)). Returns argc. */
int gen_argv(struct gen *g, char ***argv);

/* A command line in shell syntax (malloc'd). */
char *gen_line(struct gen *g);

/* A working directory (static). */
const char *gen_cwd(struct gen *g);

#endif
