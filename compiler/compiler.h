/* compiler/compiler.h -- from a parsed unit to a verified image: semantic
 * checks (resolve.c), lint warnings (lint.c), code generation (codegen.c,
 * with the substring automaton of ac.c and the string table of strtab.c),
 * the policy's own examples run through the VM (examples.c), and a
 * readable dump of an image (dump.c). Every problem is a diagnostic in the
 * unit (grammar/ast.h); nothing here prints or exits. */
#ifndef CPOL_COMPILER_H
#define CPOL_COMPILER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "grammar/ast.h"

/* A resolved policy: the AST's statements sorted by job, in source order
 * (includes expanded in place). Everything points into the unit's arena. */
struct cpol_model {
	cpol_file *main;
	const char *name; uint32_t namelen;
	uint8_t def;                       /* enum cpol_dec */
	uint8_t def_confined;              /* `default allow inside sandbox` */
	cpol_stmt *policy, *deflt, *sandbox;
	cpol_stmt **rules;   uint32_t nrules;
	cpol_stmt **intents; uint32_t nintents;
	cpol_stmt **wrappers; uint32_t nwrappers;
	cpol_stmt **sets;    uint32_t nsets;
	cpol_stmt **tests;   uint32_t ntests;   /* test statements */
	uint8_t net;                       /* enum cpol_net_mode (NONE when unset) */
	cpol_port *connect, *bind;
	cpol_list *reads[64], *writes[64], *protects[64], *envkeep[64];
	uint32_t nreads, nwrites, nprotects, nenvkeep;
	int trusted;                       /* writes "/" and network any */
	cpol_list *unixes[64];             /* sandbox `unix`: sockets that stay reachable */
	uint32_t nunixes;
	cpol_stmt *limits;                 /* the `limits` block, or NULL */
	cpol_list *denyreads[64];          /* `deny read` lists */
	uint32_t ndenyreads;
	cpol_list *nethosts[64];           /* `network allow` / `network allow read` / `network deny` lists */
	uint8_t nethost_kind[64];          /* their enum cpol_root_kind */
	uint32_t nnethosts;
	cpol_stmt *noprelude;              /* `prelude none;`, or NULL */
};

/* One string of a list after set names are expanded. */
struct cpol_str {
	const char *text;
	uint32_t len;
	cpol_loc loc;
};

/* Expand a list (set names replaced by their members, recursively) into
 * *out (malloc'd; free it). Returns the count, -1 on out-of-memory. */
long cpol_expand(const cpol_list *l, struct cpol_str **out);

/* Semantic checks; fills m. Returns 0 when there were no errors. */
int cpol_resolve(cpol_unit *u, cpol_file *main, struct cpol_model *m);
/* Warnings on a resolved model. */
void cpol_lint(cpol_unit *u, const struct cpol_model *m);

enum {
	CPOL_BPF_TRUSTED = 1u << 0,
	/* no write root is a folder: refuse metadata changes too (the image
	 * then carries CPOL_IMGF_RO_FILTER) */
	CPOL_BPF_READONLY = 1u << 1,
	/* the policy grants bind ports: bind() and listen() stay allowed */
	CPOL_BPF_INBOUND = 1u << 2,
};

struct cpol_compile_opts {
	/* Builds the seccomp filter stored in the image (codexpolc passes
	 * cpol_seccomp_export); NULL stores none and codexrun builds it. net is
	 * enum cpol_net_mode, flags CPOL_BPF_*. */
	int (*make_bpf)(int net, unsigned flags, void **bpf, size_t *len, uint32_t *arch, void *arg);
	void *make_bpf_arg;
	int strip_debug;                   /* positions zeroed (for hash comparisons) */
};

/* Generate the image of a resolved model. *out is malloc'd. Returns 0, or
 * -1 after reporting a diagnostic. */
int cpol_codegen(cpol_unit *u, const struct cpol_model *m, const struct cpol_compile_opts *o,
                 uint8_t **out, size_t *len);

/* Run the policy's test examples on its image. Returns the number that
 * failed (each reported as an error at the example). When `hits` is not
 * NULL, hits[r] counts the examples that rule r decided. */
int cpol_run_examples(cpol_unit *u, const struct cpol_model *m, const uint8_t *img, size_t len,
                      uint32_t *hits);

/* The whole pipeline for codexpolc: resolve, lint, codegen, examples.
 * Returns 0 on success (no errors); *out is NULL when only linting. */
int cpol_compile(cpol_unit *u, cpol_file *main, const struct cpol_compile_opts *o,
                 int lint_only, uint8_t **out, size_t *len);

/* Print an image readably (codexpolc --dump). -1 with err when unloadable. */
struct cpol_image;
int cpol_dump(const struct cpol_image *im, FILE *out);

/* The test environment of examples: documented in cpol(5). */
#define CPOL_TEST_WORKSPACE "/home/user/project"
#define CPOL_TEST_HOME      "/home/user"
#define CPOL_TEST_TMPDIR    "/tmp"

/* limits.c: check a `limits` statement (NULL: none) and convert it for the
 * image; print the set limits, one per line (indent, name, value, sep). */
struct cpol_img_limits;
void cpol_limits_check(cpol_unit *u, const cpol_stmt *s, struct cpol_img_limits *out);
void cpol_limits_print(FILE *f, const struct cpol_img_limits *lim, const char *indent, const char *sep);

#endif
