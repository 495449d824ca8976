/* tests/engine/test_oracle.c -- the dual oracle: hundreds of generated
 * policies, each compiled to an image and evaluated by the VM, and
 * interpreted on its AST by the reference evaluator (oracle.c), on
 * thousands of generated argvs and command lines (scripts with operators,
 * quotes, nesting and redirections; paths with .. and ~; URLs; glued
 * options). Both must reach the same decision by the same rule.
 *
 * The shipped profiles (stdlib-policies/, or $CPOL_STDLIB_DIR) are checked
 * the same way when they are there.
 *
 * CPOL_ORACLE_SEED=N changes the seed; CPOL_ORACLE_POLICIES=N the count;
 * CPOL_ORACLE_SHOW=N how many disagreements are shown. */
#include "tests/engine/gen.h"
#include "tests/engine/helpers.h"
#include "tests/engine/oracle.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

static unsigned long env_num(const char *name, unsigned long dflt)
{
	const char *s = getenv(name);
	return s && *s ? strtoul(s, NULL, 0) : dflt;
}

/* A word as a C string literal, for the report. */
static void put_escaped(FILE *out, const char *s, size_t n)
{
	fputc('"', out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 32 || c >= 127)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

struct tally {
	unsigned long evals, lines, disagree, decisions[3], by_rule, scripts;
};

static void report(FILE *out, const char *policy, const char *cwd, int argc, const char *const *argv,
                   const char *line, const cpol_result *vm, struct ref_verdict ref, unsigned long n)
{
	if (n > env_num("CPOL_ORACLE_SHOW", 5))
		return;
	fprintf(out, "\n==== disagreement %lu ====\n--- policy:\n%s--- env: %s\n--- %s: ", n, policy, cwd,
	        line ? "line" : "argv");
	if (line) {
		put_escaped(out, line, strlen(line));
	} else {
		fputc('{', out);
		for (int i = 0; i < argc; i++) {
			fputs(i ? ", " : " ", out);
			put_escaped(out, argv[i], strlen(argv[i]));
		}
		fputs(" }", out);
	}
	fprintf(out, "\n--- vm:  %s by rule %d \"%s\" (%s)\n--- ref: %s by rule %d\n",
	        eng_dn(vm->verdict.decision), vm->verdict.index, vm->verdict.rule, vm->verdict.reason,
	        eng_dn(ref.dec), ref.index);
	for (unsigned i = 0; i < vm->ncommands; i++)
		fprintf(out, "    sub[%u] depth %u \"%s\": %s by %s\n", i, vm->commands[i].depth, vm->commands[i].text,
		        eng_dn(vm->commands[i].verdict.decision), vm->commands[i].verdict.rule);
}

/* Evaluate one generated argv (or, when line is set, a command line) on
 * both and count; report a disagreement. */
static void compare(struct eng *e, struct ref *r, const char *policy, const char *envs, int argc, char **argv,
                    const char *line, struct tally *t, FILE *out)
{
	struct ref_verdict want;
	cpol_decision got;
	if (!line) {
		got = cpol_eval(e->ctx, argc, (const char *const *)argv, &e->res);
		want = ref_eval(r, argc, (const char *const *)argv);
	} else {
		got = cpol_eval_line(e->ctx, line, strlen(line), &e->res);
		want = ref_eval_line(r, line, strlen(line));
		t->lines++;
	}
	t->evals++;
	t->decisions[got]++;
	t->by_rule += e->res.verdict.index >= 0;
	t->scripts += e->res.ncommands > 0;
	if ((int)got != want.dec || e->res.verdict.index != want.index) {
		t->disagree++;
		report(out, policy, envs, argc, (const char *const *)argv, line, &e->res, want, t->disagree);
	}
}

/* Generate `nargv` argvs and `nlines` command lines and compare them all. */
static void compare_many(struct gen *g, struct eng *e, struct ref *r, const char *policy, const char *envs,
                         int nargv, int nlines, struct tally *t, FILE *out)
{
	for (int k = 0; k < nargv + nlines; k++) {
		char **argv = NULL, *line = NULL;
		int argc = 0;
		if (k < nargv)
			argc = gen_argv(g, &argv);
		else
			line = gen_line(g);
		compare(e, r, policy, envs, argc, argv, line, t, out);
		free(argv);
		free(line);
	}
}

static void finish(const char *what, unsigned long seed, unsigned long n, struct tally *t, FILE *out, char **firstp)
{
	fclose(out);   /* sets *firstp */
	char *first = *firstp;
	eng_figures("oracle: %s, seed %lu: %lu policies, %lu evaluations (%lu command lines, %lu with scripts); "
	            "allow %lu, prompt %lu, forbid %lu; %lu decided by a rule; %lu disagreements\n",
	            what, seed, n, t->evals, t->lines, t->scripts, t->decisions[0], t->decisions[1], t->decisions[2],
	            t->by_rule, t->disagree);
	if (t->disagree)
		fputs(first, stderr);
	cr_expect_eq(t->disagree, 0, "%lu of %lu evaluations disagree (seed %lu); the first:\n%s",
	             t->disagree, t->evals, seed, first);
	free(first);
}

Test(oracle, vm_and_reference_agree, .timeout = 600)
{
	unsigned long seed = env_num("CPOL_ORACLE_SEED", 20261128);
	unsigned long npolicies = env_num("CPOL_ORACLE_POLICIES", 300);
	struct gen g;
	gen_seed(&g, seed);
	struct tally t = { 0 };
	/* the first disagreements, for the failure message (and stderr) */
	char *first = NULL;
	size_t firstlen = 0;
	FILE *out = open_memstream(&first, &firstlen);
	cr_assert(out);
	for (unsigned long pi = 0; pi < npolicies; pi++) {
		char *policy = gen_policy(&g);
		char why[4096];
		struct eng *e = eng_try(policy, why, sizeof why);
		cr_assert(e != NULL, "seed %lu policy %lu does not compile:\n%s\n--- policy:\n%s", seed, pi, why, policy);
		/* mostly the examples' environment; sometimes roots that nest or coincide */
		static const char *const wss[] = { ENG_WS, ENG_WS, ENG_WS, "/home/user", "/", "/tmp/ws", "/srv/x/../w" };
		static const char *const homes[] = { ENG_HOME, ENG_HOME, "/root", ENG_WS, "/" };
		static const char *const tmps[] = { ENG_TMP, ENG_TMP, "/var/tmp", ENG_WS "/tmp" };
		const char *cwd = gen_cwd(&g);
		const char *ws = wss[gen_rnd(&g, sizeof wss / sizeof wss[0])];
		const char *home = homes[gen_rnd(&g, sizeof homes / sizeof homes[0])];
		const char *tmp = tmps[gen_rnd(&g, sizeof tmps / sizeof tmps[0])];
		eng_env(e, &(cpol_env){ .cwd = cwd, .workspace = ws, .tmpdir = tmp, .home = home });
		struct ref *r = ref_new(&e->m, &(struct ref_env){ cwd, ws, tmp, home });
		cr_assert(r != NULL);
		char envs[1024];
		snprintf(envs, sizeof envs, "cwd %s, workspace %s, tmpdir %s, home %s", cwd, ws, tmp, home);
		compare_many(&g, e, r, policy, envs, 40, 15, &t, out);
		ref_free(r);
		eng_free(e);
		free(policy);
	}
	finish("generated policies", seed, npolicies, &t, out, &first);
}

/* The shipped profiles: large policies with includes, sets and intents. */
Test(oracle, stdlib_profiles_agree, .timeout = 600)
{
	static const char *const profiles[] = { "offline", "net-read-only", "workspace-write", "workspace-net", "trusted" };
	char dir[4096];
	const char *d = getenv("CPOL_STDLIB_DIR"), *top = getenv("top_srcdir");
	if (d && *d)
		snprintf(dir, sizeof dir, "%s", d);
	else
		snprintf(dir, sizeof dir, "%s/stdlib-policies", top && *top ? top : ".");
	unsigned long seed = env_num("CPOL_ORACLE_SEED", 20261128);
	struct gen g;
	gen_seed(&g, seed ^ 0x5bd1e995u);
	struct tally t = { 0 };
	char *first = NULL;
	size_t firstlen = 0;
	FILE *out = open_memstream(&first, &firstlen);
	cr_assert(out);
	unsigned long found = 0;
	for (size_t p = 0; p < sizeof profiles / sizeof profiles[0]; p++) {
		char path[4200];
		snprintf(path, sizeof path, "%s/%s.cpol", dir, profiles[p]);
		if (access(path, R_OK) != 0)
			continue;
		found++;
		char why[4096];
		struct eng *e = eng_try_file(path, why, sizeof why);
		cr_assert(e != NULL, "%s does not compile:\n%s", path, why);
		for (int round = 0; round < 10; round++) {
			const char *cwd = round ? gen_cwd(&g) : ENG_WS;
			eng_cwd(e, cwd);
			struct ref *r = ref_new(&e->m, &(struct ref_env){ cwd, ENG_WS, ENG_TMP, ENG_HOME });
			cr_assert(r != NULL);
			char envs[8400];
			snprintf(envs, sizeof envs, "%s, cwd %s", path, cwd);
			compare_many(&g, e, r, "(the profile's file)\n", envs, 300, 100, &t, out);
			ref_free(r);
		}
		eng_free(e);
	}
	if (!found) {
		fclose(out);
		free(first);
		cr_skip_test("no profiles in %s", dir);
	}
	finish("stdlib profiles", seed, found, &t, out, &first);
}
