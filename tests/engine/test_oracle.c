/* tests/engine/test_oracle.c -- the dual oracle: hundreds of generated
 * policies, each compiled to an image and evaluated by the VM, and
 * interpreted on its AST by the reference evaluator (oracle.c), on
 * thousands of generated argvs and command lines (scripts with operators,
 * quotes, nesting and redirections; paths with .. and ~; URLs; glued
 * options). Both must reach the same decision by the same rule.
 *
 * CPOL_ORACLE_SEED=N changes the seed; CPOL_ORACLE_POLICIES=N the count. */
#include "tests/engine/gen.h"
#include "tests/engine/helpers.h"
#include "tests/engine/oracle.h"

#include <criterion/criterion.h>
#include <stdio.h>
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

Test(oracle, vm_and_reference_agree, .timeout = 600)
{
	unsigned long seed = env_num("CPOL_ORACLE_SEED", 20261128);
	unsigned long npolicies = env_num("CPOL_ORACLE_POLICIES", 300);
	enum { ARGVS = 40, LINES = 15 };
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
		for (int k = 0; k < ARGVS + LINES; k++) {
			char **argv = NULL, *line = NULL;
			int argc = 0;
			struct ref_verdict want;
			cpol_decision got;
			if (k < ARGVS) {
				argc = gen_argv(&g, &argv);
				got = cpol_eval(e->ctx, argc, (const char *const *)argv, &e->res);
				want = ref_eval(r, argc, (const char *const *)argv);
			} else {
				line = gen_line(&g);
				got = cpol_eval_line(e->ctx, line, strlen(line), &e->res);
				want = ref_eval_line(r, line, strlen(line));
				t.lines++;
			}
			t.evals++;
			t.decisions[got]++;
			t.by_rule += e->res.verdict.index >= 0;
			t.scripts += e->res.ncommands > 0;
			if ((int)got != want.dec || e->res.verdict.index != want.index) {
				t.disagree++;
				char envs[1024];
				snprintf(envs, sizeof envs, "cwd %s, workspace %s, tmpdir %s, home %s", cwd, ws, tmp, home);
				report(out, policy, envs, argc, (const char *const *)argv, line, &e->res, want, t.disagree);
			}
			free(argv);
			free(line);
		}
		ref_free(r);
		eng_free(e);
		free(policy);
	}
	eng_figures("oracle: seed %lu: %lu policies, %lu evaluations (%lu command lines, %lu with scripts); "
	        "allow %lu, prompt %lu, forbid %lu; %lu decided by a rule; %lu disagreements\n",
	        seed, npolicies, t.evals, t.lines, t.scripts, t.decisions[0], t.decisions[1], t.decisions[2], t.by_rule,
	        t.disagree);
	fclose(out);
	if (t.disagree)
		fputs(first, stderr);
	cr_expect_eq(t.disagree, 0, "%lu of %lu evaluations disagree (seed %lu); the first:\n%s",
	             t.disagree, t.evals, seed, first);
	free(first);
}
