/* tests/vm/test_intents.c -- path intents as a shell would really run the
 * command: `cd` inside a script moves the folder later parts are judged in;
 * an option's value inside a short-option cluster (-sSLo FILE, -vtDIR);
 * abbreviated long options (--out=FILE for --output); `target cwd` for
 * commands that write into the working folder; `exec CMD` as a line. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "codexpol.h"
#include "tests/vm/vmtest.h"

static const char policy[] =
	"policy \"intents\";\n"
	"sandbox { read \"/\"; write \"$WORKSPACE\", \"/tmp\"; network none; }\n"
	"default prompt;\n"
	"intent write program \"rm\", \"touch\" target operands;\n"
	"intent write program \"curl\" target after \"-o\", after \"--output\";\n"
	"intent write program \"cp\" target last, after \"-t\", after \"--target-directory\";\n"
	"intent write program \"sort\" target after \"-o\", after \"--output\";\n"
	"intent write program \"wget\" target cwd when not any arg option \"-O\";\n"
	"rule \"sh\" { when program \"sh\" and arg 1 is \"-c\"; evaluate script arg 2; }\n"
	"rule \"cd\" { when program \"cd\"; allow; }\n"
	"rule \"in\" { when writes inside sandbox.write; allow; }\n"
	"rule \"out\" { when writes outside sandbox.write; forbid because \"outside\"; }\n"
	"forbid program \"rm\" because \"no rm at all\";\n";

static void setup(void)
{
	vt_setup("intents.cpol", policy);
}

TestSuite(intents, .init = setup, .fini = vt_teardown);

#define expect vt_expect

Test(intents, cd_moves_the_folder_later_parts_are_judged_in)
{
	expect("sh -c 'touch x'", CPOL_ALLOW);
	expect("sh -c 'cd /etc && touch x'", CPOL_FORBID);
	expect("sh -c 'cd /etc; cd /work/p/sub && touch x'", CPOL_ALLOW);
	expect("sh -c 'cd .. && touch x'", CPOL_FORBID);
	expect("sh -c 'cd && touch x'", CPOL_FORBID);          /* HOME */
	expect("sh -c 'cd - && touch x'", CPOL_PROMPT);        /* unknown */
	/* the folder of the next script is the caller's again */
	expect("touch x", CPOL_ALLOW);
}

Test(intents, option_values_inside_short_clusters)
{
	expect("curl -sSLo /etc/x http://h/", CPOL_FORBID);
	expect("curl -sSLo page.html http://h/", CPOL_ALLOW);
	expect("curl -sSL -o/etc/x http://h/", CPOL_FORBID);
	expect("cp -vt /opt src/a.c", CPOL_FORBID);
	expect("cp -vt build src/a.c", CPOL_ALLOW);
}

Test(intents, abbreviated_long_options)
{
	expect("sort --out=/etc/x f", CPOL_FORBID);
	expect("sort --outp /etc/x f", CPOL_FORBID);
	expect("sort --output=sorted f", CPOL_ALLOW);
	expect("cp --target=/opt a", CPOL_FORBID);
	/* getopt_long takes any unambiguous prefix; the policy cannot know the
	 * tool's other options, so every prefix counts */
	expect("sort --o=/etc/x f", CPOL_FORBID);
	expect("sort --x=/etc/x f", CPOL_PROMPT);
}

Test(intents, target_cwd_is_the_working_folder)
{
	expect("wget http://h/f", CPOL_ALLOW);
	cpol_env env = { .cwd = "/etc", .workspace = "/work/p", .tmpdir = "/tmp", .home = "/home/u" };
	cpol_error err;
	cr_assert_eq(cpol_ctx_set_env(vt_ctx, &env, &err), 0, "%s", err.msg);
	expect("wget http://h/f", CPOL_FORBID);
	expect("wget -O /tmp/f http://h/f", CPOL_PROMPT);
}

Test(intents, exec_on_a_line_is_judged_as_the_command)
{
	expect("exec rm x", CPOL_FORBID);
	expect("rm x", CPOL_FORBID);
}
