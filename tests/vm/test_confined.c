/* tests/vm/test_confined.c -- `default allow inside sandbox`: a command no
 * rule judges is allowed (it runs confined) only when the policy has seen
 * all of it; a word an expansion or glob decides, a command line the policy
 * has no shell rule for, a wrapper whose command cannot be found, a builtin
 * that runs a string, or a network use where the sandbox lets data out asks.
 * And `writes sandbox.write`: a write root as a whole, however spelled. */
#include <criterion/criterion.h>
#include <string.h>

#include "codexpol.h"
#include "tests/vm/vmtest.h"

static const char policy[] =
	"policy \"confined\";\n"
	"sandbox { read \"/\"; write \"$WORKSPACE\", \"/tmp\"; network none; }\n"
	"default allow inside sandbox;\n"
	"set shells = \"sh\", \"bash\";\n"
	"rule \"script\" { when program shells and arg 1 is \"-c\"; evaluate script arg 2; }\n"
	"wrapper program \"env\" options (\"-i\", \"-u#\") assignments;\n"
	"intent write program \"rm\" target operands;\n"
	"intent network program \"curl\";\n"
	"rule \"whole root\" { when program \"rm\" and any arg flag \"r\" and writes sandbox.write; prompt; }\n"
	"rule \"rm inside\" { when program \"rm\" and writes inside sandbox.write; allow; }\n"
	"rule \"git reset --hard\" { when program \"git\" and arg 1 is \"reset\" and any arg is \"--hard\"; prompt; }\n";

static void setup(void)
{
	vt_setup("confined.cpol", policy);
}

TestSuite(confined, .init = setup, .fini = vt_teardown);

static void expect_rule(const char *line, cpol_decision want, const char *rule)
{
	cpol_result r;
	cpol_decision d = cpol_eval_line(vt_ctx, line, strlen(line), &r);
	cr_expect_eq(d, want, "%s: %s by %s (%s)", line, cpol_decision_name(d), r.verdict.rule, r.verdict.reason);
	cr_expect_str_eq(r.verdict.rule, rule, "%s: decided by %s", line, r.verdict.rule);
}

Test(confined, seen_commands_run_confined)
{
	cr_expect_eq(cpol_image_default(vt_im), CPOL_ALLOW);
	expect_rule("make -j4", CPOL_ALLOW, "sandboxed default");
	expect_rule("./build.sh --release", CPOL_ALLOW, "sandboxed default");
	expect_rule("pytest -q tests", CPOL_ALLOW, "sandboxed default");
	expect_rule("bash -c 'make && ./run-tests.sh'", CPOL_ALLOW, "sandboxed default");
	expect_rule("env -i make", CPOL_ALLOW, "sandboxed default"); /* the wrapped command decides */
	vt_expect("git status", CPOL_ALLOW);
}

Test(confined, unseen_words_ask)
{
	vt_expect("make $TARGET", CPOL_PROMPT);
	vt_expect("pytest tests/*.py", CPOL_PROMPT);
	vt_expect("$CMD --help", CPOL_PROMPT);
	vt_expect("bash -c \"$X\"", CPOL_PROMPT);
	vt_expect("bash -c 'make $(nproc)'", CPOL_PROMPT);
	vt_expect("make | tee log", CPOL_ALLOW);
	vt_expect("eval \"$(cat cmd.txt)\"", CPOL_PROMPT);
	vt_expect("env --split-string='rm -rf .'", CPOL_PROMPT); /* an option env's declaration does not know */
	vt_expect("env eval 'git reset --hard'", CPOL_PROMPT);
	vt_expect("env git reset --hard", CPOL_PROMPT);
}

Test(confined, rules_still_decide)
{
	vt_expect("git reset --hard", CPOL_PROMPT);
	vt_expect("rm -r build", CPOL_ALLOW);
	/* a policy without network in its sandbox: the sandbox holds curl */
	expect_rule("curl https://example.com", CPOL_ALLOW, "sandboxed default");
}

Test(confined, whole_write_root_however_spelled)
{
	/* workspace /work/p (vmtest.c), working folder the same */
	vt_expect("rm -rf /work/p", CPOL_PROMPT);
	vt_expect("rm -rf /work/p/", CPOL_PROMPT);
	vt_expect("rm -rf /work/p/.", CPOL_PROMPT);
	vt_expect("rm -rf ../p", CPOL_PROMPT);
	vt_expect("rm -rf ./", CPOL_PROMPT);
	vt_expect("rm -rf .", CPOL_PROMPT);
	vt_expect("rm -rf src/..", CPOL_PROMPT);
	vt_expect("rm -rf /work/p/*", CPOL_PROMPT);
	vt_expect("rm -rf /tmp", CPOL_PROMPT);
	vt_expect("rm -rf /work/p/src", CPOL_ALLOW);
	vt_expect("rm -rf ../p/src", CPOL_ALLOW);
	vt_expect("rm -rf $PWD", CPOL_PROMPT);
}
