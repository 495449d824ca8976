/* tests/vm/test_confined.c -- `default allow inside sandbox`: a command no
 * rule judges is allowed (it runs confined) only when the policy has seen
 * all of it; a word an expansion or glob decides, a command line the policy
 * has no shell rule for, a wrapper whose command cannot be found, a builtin
 * that runs a string, or a network use where the sandbox lets data out asks.
 * And `writes sandbox.write`: a write root as a whole, however spelled. */
#include <criterion/criterion.h>
#include <stdio.h>
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
	"rule \"git reset --hard\" { when program \"git\" and arg 1 is \"reset\" and any arg is \"--hard\"; prompt; }\n"
	"rule \"cat\" { when program \"cat\"; allow; }\n";

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
	/* the program itself, a script's text, a substitution's commands or a
	 * builtin that runs strings: what runs is not seen */
	vt_expect("$CMD --help", CPOL_PROMPT);
	vt_expect("\"$(which foo)\" -v", CPOL_PROMPT);
	vt_expect("bash -c \"$X\"", CPOL_PROMPT);
	vt_expect("bash -c 'make `nproc`'", CPOL_PROMPT);   /* backquotes are not listed */
	vt_expect("bash -c 'make ${j:-$(nproc)}'", CPOL_PROMPT); /* nor one inside ${...} */
	vt_expect("make | tee log", CPOL_ALLOW);
	vt_expect("bash -c 'make -j$(nproc)'", CPOL_ALLOW); /* nproc is judged; its output is one more word */
	vt_expect("eval \"$(cat cmd.txt)\"", CPOL_PROMPT);
	vt_expect("env --split-string='rm -rf .'", CPOL_PROMPT); /* an option env's declaration does not know */
	vt_expect("env eval 'git reset --hard'", CPOL_PROMPT);
	vt_expect("env git reset --hard", CPOL_PROMPT);
	vt_expect("env $V ls", CPOL_PROMPT);
	/* a rule that might hold, whatever the words become */
	vt_expect("git $X --hard", CPOL_PROMPT);
	vt_expect("git reset $X", CPOL_PROMPT);
	vt_expect("git reset \"$X\"", CPOL_PROMPT);
	vt_expect("rm -rf $D", CPOL_PROMPT);
	vt_expect("rm -r \"$HOME\"", CPOL_PROMPT);
	/* arithmetic, indirection, loops over PATH, functions, a redirection
	 * to a file an expansion names from a command a rule allows (the rule
	 * has not seen where it writes) */
	vt_expect("bash -c 'read x < f; echo $((x))'", CPOL_PROMPT);
	vt_expect("bash -c 'echo ${!x}'", CPOL_PROMPT);
	vt_expect("bash -c 'echo ${a:x}'", CPOL_PROMPT);
	vt_expect("bash -c 'echo ${a[x]}'", CPOL_PROMPT);
	vt_expect("bash -c 'echo ${x@P}'", CPOL_PROMPT);
	vt_expect("bash -c 'for PATH in /tmp; do make; done'", CPOL_PROMPT);
	vt_expect("bash -c 'make() { id; }; make'", CPOL_PROMPT);
	vt_expect("cat a.txt > $OUT", CPOL_PROMPT);
	vt_expect("cat a.txt >> \"$OUT\"", CPOL_PROMPT);
	vt_expect("export LD_PRELOAD=./x.so", CPOL_PROMPT);
	vt_expect("export CFLAGS=\"$X\"", CPOL_PROMPT);
	vt_expect("export -n CFLAGS", CPOL_PROMPT);
	vt_expect("export 'A[$(id)]=1'", CPOL_PROMPT);
	vt_expect("export CFLAGS=-O2; GIT_PAGER=x; export GIT_PAGER; cat a.txt", CPOL_PROMPT);
}

/* What runs confined without a rule may write where an expansion says
 * (the kernel keeps it inside the roots), and `export NAME=VALUE` only sets
 * a variable, as `NAME=VALUE make` does. */
Test(confined, plain_settings_run_confined)
{
	expect_rule("echo hi > $OUT", CPOL_ALLOW, "sandboxed default");
	expect_rule("make 2> \"$LOG\"", CPOL_ALLOW, "sandboxed default");
	expect_rule("export CFLAGS=-O2", CPOL_ALLOW, "sandboxed default");
	expect_rule("bash -c 'export CFLAGS=-O2 LDFLAGS; make'", CPOL_ALLOW, "sandboxed default");
	expect_rule("export KUBECONFIG=a.yaml:b.yaml", CPOL_ALLOW, "sandboxed default");
	vt_expect("export CFLAGS=-O2; cat a.txt", CPOL_ALLOW);
}

/* No network in the sandbox: a word an expansion or glob decides, used as
 * an argument of a known program, runs confined like the program itself. */
Test(confined, argument_words_run_confined)
{
	expect_rule("make $TARGET", CPOL_ALLOW, "sandboxed default");
	expect_rule("pytest tests/*.py", CPOL_ALLOW, "sandboxed default");
	expect_rule("echo $?", CPOL_ALLOW, "sandboxed default");
	expect_rule("shellcheck scripts/*.sh", CPOL_ALLOW, "sandboxed default");
	expect_rule("for f in src/*.c; do wc -l \"$f\"; done", CPOL_ALLOW, "sandboxed default");
	expect_rule("echo \"$PATH\" | tr : '\\n'", CPOL_ALLOW, "sandboxed default");
	expect_rule("bash -c 'echo ${x:-a} ${#x} ${x%/*} \"${a[@]}\"'", CPOL_ALLOW, "sandboxed default");
	vt_expect("rm -r \"$D\"/build", CPOL_PROMPT); /* kept conservative: the whole root may not be excluded */
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

/* The same rules with network in the sandbox: data can leave, so a word
 * the policy has not seen still asks. */
static void setup_net(void)
{
	static char p[sizeof policy + 16];
	const char *at = strstr(policy, "network none;");
	size_t n = (size_t)(at - policy);
	memcpy(p, policy, n);
	strcpy(p + n, "network outbound;");
	strcat(p, at + strlen("network none;"));
	vt_setup("confined-net.cpol", p);
}

TestSuite(confined_net, .init = setup_net, .fini = vt_teardown);

Test(confined_net, argument_words_ask)
{
	vt_expect("make", CPOL_ALLOW);
	vt_expect("make $TARGET", CPOL_PROMPT);
	vt_expect("pytest tests/*.py", CPOL_PROMPT);
	vt_expect("echo $?", CPOL_PROMPT);
	vt_expect("for f in src/*.c; do wc -l \"$f\"; done", CPOL_PROMPT);
}

/* Rules judged three-valued: an unquoted expansion or glob may become any
 * number of words, option-like ones among them; a quoted expansion is one
 * word, which may still start with '-'. */
static void setup_3v(void)
{
	vt_setup("three-valued.cpol",
	         "policy \"3v\";\n"
	         "sandbox { read \"/\"; write \"$WORKSPACE\"; network none; }\n"
	         "default allow inside sandbox;\n"
	         "set shells = \"sh\", \"bash\";\n"
	         "rule \"script\" { when program shells and arg 1 is \"-c\"; evaluate script arg 2; }\n"
	         "rule \"dash x\" { when program \"tool\" and any arg is \"-x\"; prompt; }\n"
	         "rule \"first\" { when program \"one\" and arg 1 is \"--run\"; forbid; }\n"
	         "rule \"two words\" { when program \"two\" and argc > 2; prompt; }\n"
	         "rule \"recursive\" { when program \"del\" and any arg flag \"r\"; prompt; }\n"
	         "rule \"roots\" { when program \"del\" and any arg in (\"/\", \"..\", \"/etc\"); prompt; }\n"
	         "rule \"long\" { when program \"del\" and any arg option \"--force\"; prompt; }\n");
}

TestSuite(three_valued, .init = setup_3v, .fini = vt_teardown);

Test(three_valued, unquoted_may_be_several_words_and_options)
{
	vt_expect("tool $X", CPOL_PROMPT);
	vt_expect("tool *", CPOL_PROMPT);
	vt_expect("tool a b", CPOL_ALLOW);
	vt_expect("two $X", CPOL_PROMPT);       /* may be two words */
	vt_expect("two *.c", CPOL_PROMPT);
	vt_expect("one $X", CPOL_PROMPT);       /* may be --run */
	vt_expect("one a $X", CPOL_ALLOW);      /* arg 1 is known */
}

Test(three_valued, quoted_is_one_word_that_may_start_with_dash)
{
	vt_expect("tool \"$X\"", CPOL_PROMPT);
	vt_expect("one \"$X\"", CPOL_PROMPT);
	vt_expect("two \"$X\"", CPOL_ALLOW);  /* exactly one word */
	vt_expect("two \"$X\" \"$Y\"", CPOL_PROMPT);
}

/* A glob's names all begin with its literal text up to the first pattern
 * character: a first byte that is literal and not '-' is never an option,
 * and a set member that disagrees with that text is never the word. */
Test(three_valued, glob_prefix_decides)
{
	vt_expect("tool scripts/*.sh", CPOL_ALLOW);
	vt_expect("one src/*", CPOL_ALLOW);
	vt_expect("del build/*.o", CPOL_ALLOW);
	vt_expect("del a*", CPOL_ALLOW);
	vt_expect("tool *", CPOL_PROMPT);
	vt_expect("tool -*", CPOL_PROMPT);
	vt_expect("tool [-]x", CPOL_PROMPT);
	vt_expect("del *", CPOL_PROMPT);
	vt_expect("del /*", CPOL_PROMPT);       /* may be /etc */
	vt_expect("del .*", CPOL_PROMPT);       /* may be .. */
	vt_expect("del /e*", CPOL_PROMPT);
	vt_expect("del -*", CPOL_PROMPT);
	vt_expect("del --f*", CPOL_PROMPT);
	vt_expect("del $D/x", CPOL_PROMPT);     /* an expansion may start with anything */
	vt_expect("del \"$D\"/x", CPOL_PROMPT);
}

/* A forbid of only what the sandbox refuses by itself (a generic rule of
 * writes-outside and network tests) needs no prompt when it only might
 * hold, in a sandbox that confines writes and has no network: the kernel
 * refuses the write or the connection if the words make it happen. A rule
 * with any other test, a program's own rule, or a sandbox with network
 * keeps asking. */
static const char kernel_policy[] =
	"policy \"kernel-refuses\";\n"
	"sandbox { read \"/\"; write \"$WORKSPACE\", \"/tmp\"; network %s; }\n"
	"default allow inside sandbox;\n"
	"set shells = \"sh\", \"bash\";\n"
	"rule \"script\" { when program shells and arg 1 is \"-c\"; evaluate script arg 2; }\n"
	"intent write program \"cp\", \"mv\", \"tee\" target last;\n"
	"intent network program \"curl\";\n"
	"rule \"outside\" { when writes outside sandbox.write or network; forbid; }\n"
	"rule \"mv outside\" { when program \"mv\" and writes outside sandbox.write; forbid; }\n"
	"rule \"tee outside\" { when writes outside sandbox.write and substring \"tee\"; forbid; }\n";

static void setup_kernel(const char *net)
{
	static char p[sizeof kernel_policy + 16];
	snprintf(p, sizeof p, kernel_policy, net);
	vt_setup("kernel-refuses.cpol", p);
}

static void setup_kernel_none(void)
{
	setup_kernel("none");
}

static void setup_kernel_net(void)
{
	setup_kernel("outbound");
}

TestSuite(kernel_refuses, .init = setup_kernel_none, .fini = vt_teardown);
TestSuite(kernel_refuses_net, .init = setup_kernel_net, .fini = vt_teardown);

Test(kernel_refuses, a_maybe_runs_confined)
{
	expect_rule("cp a.txt \"$DEST\"", CPOL_ALLOW, "sandboxed default");
	expect_rule("cp src/*.c $DIR", CPOL_ALLOW, "sandboxed default");
	expect_rule("curl $URL", CPOL_FORBID, "outside");        /* a network program: sure */
	expect_rule("cp $X /etc/", CPOL_FORBID, "outside");      /* outside whatever $X is */
	vt_expect("mv a.txt \"$DEST\"", CPOL_PROMPT);            /* a program's own rule */
	vt_expect("tee \"$DEST\"", CPOL_PROMPT);                 /* a rule with another test */
	vt_expect("cp a.txt \"$DEST\" && cp b.txt \"$F\"", CPOL_ALLOW);
}

Test(kernel_refuses_net, a_maybe_asks)
{
	vt_expect("cp a.txt \"$DEST\"", CPOL_PROMPT);
	vt_expect("cp src/*.c $DIR", CPOL_PROMPT);
}
