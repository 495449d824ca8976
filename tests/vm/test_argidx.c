/* tests/vm/test_argidx.c -- rules indexed by argument 1 (the ARGIDX section):
 * a program with many `arg 1 is` / `arg 1 in` rules decides exactly as if
 * every rule ran -- the rule listed under argv[1], the free rules (other
 * tests, `or`, generic rules) in rule order, nothing when argv[1] is absent
 * or another -- and the index is left aside when argv[1] is not known
 * (a glob or expansion at or before it), where a rule only might hold. */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/vm/vmtest.h"
#include "vm/vm.h"

static const char policy[] =
	"policy \"argidx\";\n"
	"default prompt;\n"
	"rule \"s1\" { when program \"git\" and arg 1 is \"status\"; allow; }\n"
	"rule \"s2\" { when program \"git\" and arg 1 in (\"log\", \"show\", \"diff\"); allow; }\n"
	"rule \"s3\" { when program \"git\" and arg 1 is \"push\"; prompt because \"push\"; }\n"
	"rule \"s4\" { when program \"git\" and arg 1 is \"push\" and any arg is \"--force\"; forbid because \"force\"; }\n"
	"rule \"s5\" { when program \"git\" and (arg 1 is \"clean\" or arg 1 is \"reset\"); prompt because \"or: free\"; }\n"
	"rule \"s6\" { when program \"git\" and any arg is \"--exec\"; forbid because \"free\"; }\n"
	"rule \"s7\" { when program \"git\" and argc == 1; allow; }\n"
	"rule \"s8\" { when program \"git\" and arg 1 is \"log\" and arg 2 is \"-p\"; prompt because \"log -p\"; }\n"
	"rule \"s9\" { when program \"git\" and arg 1 in (\"status\", \"log\") and argc > 5; forbid because \"long\"; }\n"
	"rule \"s10\" { when program \"git\" and arg 1 is \"grep\"; allow; }\n"
	"forbid substring \"--upload-pack\" because \"generic\";\n"
	"rule \"sh\" { when program \"sh\" and arg 1 is \"-c\"; evaluate script arg 2; }\n";

static void setup(void)
{
	vt_setup("argidx.cpol", policy);
}

TestSuite(argidx, .init = setup, .fini = vt_teardown);

Test(argidx, the_program_is_indexed)
{
	const struct cpol_image *im = (const struct cpol_image *)vt_im;
	uint32_t indexed = 0;
	for (uint32_t p = 1; p < im->nprogs; p++)
		indexed += im->argidx[p].mask != CPOL_NONE;
	cr_expect_eq(indexed, 1, "git (10 rules) is indexed, sh (1 rule) is not");
}

Test(argidx, decides_as_if_every_rule_ran)
{
	vt_expect("git status", CPOL_ALLOW);
	vt_expect("git log --oneline", CPOL_ALLOW);
	vt_expect("git show HEAD", CPOL_ALLOW);
	vt_expect("git log -p", CPOL_PROMPT);
	vt_expect("git status a b c d e", CPOL_FORBID);
	vt_expect("git push", CPOL_PROMPT);
	vt_expect("git push --force", CPOL_FORBID);
	vt_expect("git clean -fdx", CPOL_PROMPT);
	vt_expect("git status --exec", CPOL_FORBID);   /* a free rule still runs */
	vt_expect("git grep x", CPOL_ALLOW);
	vt_expect("git", CPOL_ALLOW);                  /* no argv[1]: free rules only */
	vt_expect("git frobnicate", CPOL_PROMPT);      /* listed under nothing: the default */
	vt_expect("git status --upload-pack=x", CPOL_FORBID); /* generic rules still run */
	vt_expect("sh -c 'git status; git push'", CPOL_PROMPT);
}

Test(argidx, an_unknown_argument_one_leaves_the_index_aside)
{
	vt_expect("sh -c 'git $SUB'", CPOL_PROMPT);
	vt_expect("sh -c 'git st*'", CPOL_PROMPT);
	vt_expect("sh -c 'git \"$S\" --force'", CPOL_PROMPT);
	vt_expect("sh -c 'git * status'", CPOL_PROMPT);   /* a glob before: argv[1] may be anything */
	vt_expect("sh -c 'git status $X'", CPOL_PROMPT);  /* s9 might hold (argc) */
	vt_expect("sh -c 'git grep \"$X\"'", CPOL_PROMPT); /* s6 might hold: $X may be --exec */
	vt_expect("sh -c 'git grep foo'", CPOL_ALLOW);
}
