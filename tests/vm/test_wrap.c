/* tests/vm/test_wrap.c -- wrappers declared in the language: the command
 * env, timeout, xargs or find -exec runs is judged as itself (strictest
 * wins), undeclared wrapper options leave the wrapper judged alone, risky
 * assignments and standard input are not taken as known, xargs -I's
 * replaced words are words of unknown text, nesting is
 * bounded, a `script` wrapper's words are judged as the sh script they join
 * into (watch), and the result lists the wrapped commands (the --explain
 * chain). */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/vm/vmtest.h"

static const char policy[] =
	"policy \"wrap\";\n"
	"sandbox { read \"/\"; write \"$WORKSPACE\"; network none; }\n"
	"default prompt;\n"
	"wrapper program \"env\" options (\"-i\", \"-u#\") assignments;\n"
	"wrapper program \"timeout\" options (\"-s#\", \"--signal=\") skip 1;\n"
	"wrapper program \"xargs\" options (\"-0\", \"-n#\", \"-L#\", \"--max-lines=\") replace (\"-I#\", \"-i[#]\", \"--replace[=]\") input;\n"
	"wrapper program \"find\" command after (\"-exec\", \"-ok\") until (\";\", \"+\");\n"
	"wrapper program \"watch\" options (\"-n#\", \"--interval=\", \"-d[#]\") script;\n"
	"intent network program \"curl\";\n"
	"rule \"net\" { when network; forbid because \"no network\"; }\n"
	"allow program \"grep\", \"ls\", \"cat\";\n"
	"rule \"mv\" { when program \"mv\" and arg 2 is \"dest/\" and argc == 3; allow; }\n"
	"rule \"find\" { when program \"find\" and no arg in (\"-exec\", \"-ok\", \"-delete\"); allow; }\n"
	"rule \"rm -r\" { when program \"rm\" and any arg flag \"r\"; forbid because \"rm -r\"; }\n"
	"rule \"sh\" { when program \"sh\" and arg 1 is \"-c\"; evaluate script arg 2; }\n";

static void setup(void)
{
	vt_setup("wrap.cpol", policy);
}

TestSuite(wrap, .init = setup, .fini = vt_teardown);

Test(wrap, the_wrapped_command_is_judged_as_itself)
{
	vt_expect("env curl x", CPOL_FORBID);
	vt_expect("env -i A=1 B=2 curl x", CPOL_FORBID);
	vt_expect("env A=1 ls", CPOL_ALLOW);
	vt_expect("timeout 5 ls -la", CPOL_ALLOW);
	vt_expect("timeout --signal=KILL 5 curl x", CPOL_FORBID);
	vt_expect("env timeout 5 env ls", CPOL_ALLOW);
	vt_expect("sh -c 'timeout 5 ls | xargs grep -l x'", CPOL_ALLOW);
}

Test(wrap, undeclared_options_and_risky_names)
{
	vt_expect("env -S 'curl x' y", CPOL_PROMPT); /* -S not declared: env alone, the default */
	vt_expect("timeout -v 5 ls", CPOL_PROMPT);
	vt_expect("env PATH=. ls", CPOL_PROMPT);
	vt_expect("env LD_PRELOAD=x.so ls", CPOL_PROMPT);
	vt_expect("timeout 5", CPOL_PROMPT);         /* nothing wrapped */
}

Test(wrap, find_exec_and_xargs_input)
{
	vt_expect("find . -name '*.c' -exec grep -l foo {} +", CPOL_ALLOW);
	vt_expect("find . -exec grep -l foo {} \\; -exec cat {} \\;", CPOL_ALLOW);
	vt_expect("find . -delete -exec grep x {} +", CPOL_PROMPT);   /* find itself: no rule allows */
	vt_expect("find . -exec rm -rf {} +", CPOL_FORBID);
	vt_expect("find . -exec sh -c 'cat {}' \\;", CPOL_PROMPT);    /* the script's text is unknown */
	vt_expect("find . -exec grep x {}", CPOL_PROMPT);             /* no end: find refuses it */
	vt_expect("xargs grep -l foo", CPOL_ALLOW);
	vt_expect("xargs -0 -n 1 cat", CPOL_ALLOW);
	vt_expect("xargs rm -rf", CPOL_FORBID);
	vt_expect("xargs rm", CPOL_PROMPT);                           /* input may hold -r */
	vt_expect("xargs -I{} sh -c 'echo {}'", CPOL_PROMPT);         /* the script's text is unknown */
	vt_expect("xargs -E x grep y", CPOL_PROMPT);                   /* -E not declared */
}

Test(wrap, a_replace_option_puts_each_input_line_in_the_words)
{
	vt_expect("xargs -I{} grep x {}", CPOL_ALLOW);
	vt_expect("xargs -I {} grep x {}", CPOL_ALLOW);
	vt_expect("xargs -i grep x {}", CPOL_ALLOW);                   /* -i alone: {} */
	vt_expect("xargs --replace grep x {}", CPOL_ALLOW);
	vt_expect("xargs --rep=% grep x %", CPOL_ALLOW);               /* an abbreviation */
	vt_expect("xargs -0I{} grep x {}", CPOL_ALLOW);                /* in a cluster */
	vt_expect("xargs -I{} mv {} dest/", CPOL_ALLOW);               /* one word each: argc is 3 */
	vt_expect("xargs -I{} mv ./{}/{}.bak dest/", CPOL_ALLOW);      /* R twice in a word */
	vt_expect("xargs -I% mv % dest/", CPOL_ALLOW);
	vt_expect("xargs mv {} dest/", CPOL_PROMPT);                   /* no -I: the input is appended */
	vt_expect("xargs -I{} mv {} {} dest/", CPOL_PROMPT);
	vt_expect("xargs -I{} rm -rf {}", CPOL_FORBID);
	vt_expect("xargs -I{} rm {}", CPOL_PROMPT);                    /* the line may be -r */
	vt_expect("xargs -I{} rm x", CPOL_PROMPT);                     /* rm itself: the default */
	vt_expect("xargs -i rm -rf {}", CPOL_FORBID);
	vt_expect("xargs --replace=X rm -rf X", CPOL_FORBID);
	vt_expect("xargs -I{} curl {}", CPOL_FORBID);
	vt_expect("xargs -I{} {} x", CPOL_PROMPT);                     /* the program is the line */
	vt_expect("xargs -I{} gr{} x", CPOL_PROMPT);
	vt_expect("xargs -I a cat x", CPOL_PROMPT);                    /* c?t: not cat */
	vt_expect("xargs -I u curl x", CPOL_PROMPT);                   /* c?rl: not known as curl */
	vt_expect("xargs -I{} sh -c {}", CPOL_PROMPT);
	vt_expect("xargs -I{} find . -exec {} +", CPOL_PROMPT);        /* find's command is the line */
	vt_expect("xargs -I% grep x {}", CPOL_ALLOW);                  /* {} is not R: as written */
	vt_expect("xargs -IX -I{} rm -rX", CPOL_FORBID);               /* the last -I wins: X stays */
	vt_expect("xargs -IX -I{} rm -r{}", CPOL_PROMPT);              /* -r then unknown letters */
	vt_expect("xargs -I{} -IX rm -r{}", CPOL_FORBID);
	vt_expect("xargs -I '' grep x", CPOL_PROMPT);                  /* no text: xargs alone */
	vt_expect("xargs --replace= grep x", CPOL_PROMPT);
	vt_expect("sh -c 'xargs -I \"$R\" grep x {}'", CPOL_PROMPT); /* the text is an expansion */
	vt_expect("sh -c 'xargs -I$R grep x {}'", CPOL_PROMPT);
	vt_expect("xargs -I{} -L 1 mv {} dest/", CPOL_PROMPT);         /* -L turns -I off: input appended */
	vt_expect("xargs -I{} --max-lines=1 mv {} dest/", CPOL_PROMPT);
	vt_expect("xargs -L 1 -I{} mv {} dest/", CPOL_ALLOW);          /* -I after -L wins */
	vt_expect("xargs -I{} -L1 grep x {}", CPOL_ALLOW);             /* grep either way */
	vt_expect("xargs -I{} -n1 rm -rf", CPOL_FORBID);
}

Test(wrap, a_replaced_word_is_listed_as_written)
{
	cpol_result r;
	const char *line = "xargs -I{} grep -l foo {}";
	cr_assert_eq(cpol_eval_line(vt_ctx, line, strlen(line), &r), CPOL_ALLOW);
	cr_assert_eq(r.ncommands, 1);
	cr_expect_str_eq(r.commands[0].text, "grep -l foo {}");
	line = "xargs -I{} -L1 grep x {}";
	cr_assert_eq(cpol_eval_line(vt_ctx, line, strlen(line), &r), CPOL_ALLOW);
	cr_assert_eq(r.ncommands, 2);                                   /* judged both ways */
	cr_expect_str_eq(r.commands[1].text, "grep x {} (standard input)");
}

Test(wrap, the_chain_is_listed)
{
	cpol_result r;
	const char *line = "xargs grep -l foo";
	cr_assert_eq(cpol_eval_line(vt_ctx, line, strlen(line), &r), CPOL_ALLOW);
	cr_assert_eq(r.ncommands, 1);
	cr_expect_eq(r.commands[0].depth, 1);
	cr_expect_str_eq(r.commands[0].text, "grep -l foo (standard input)");
	cr_expect_str_eq(r.commands[0].verdict.rule, "allow program \"grep\", \"ls\", \"cat\"");
}

Test(wrap, nesting_is_bounded)
{
	vt_expect("env env env env env env ls", CPOL_PROMPT);
	vt_expect("env env env ls", CPOL_ALLOW);
}

Test(wrap, a_script_wrapper_runs_its_words_joined_through_sh)
{
	vt_expect("watch ls -la", CPOL_ALLOW);
	vt_expect("watch -n 2 'ls | grep x'", CPOL_ALLOW);
	vt_expect("watch --interval=5 -d cat x", CPOL_ALLOW);
	vt_expect("watch 'ls; rm -rf x'", CPOL_FORBID);        /* one word, two commands */
	vt_expect("watch ls ';' rm -rf x", CPOL_FORBID);       /* joined: ls ; rm -rf x */
	vt_expect("watch curl x", CPOL_FORBID);
	vt_expect("watch 'ls $(id)'", CPOL_PROMPT);            /* substitution inside the script */
	vt_expect("watch -x ls", CPOL_PROMPT);                 /* -x not declared: watch alone */
	vt_expect("sh -c 'watch \"$X\"'", CPOL_PROMPT);        /* the script is an expansion */
	vt_expect("watch", CPOL_PROMPT);                       /* nothing wrapped */
}

Test(wrap, a_script_wrapper_lists_the_scripts_commands)
{
	cpol_result r;
	const char *line = "watch 'ls | cat'";
	cr_assert_eq(cpol_eval_line(vt_ctx, line, strlen(line), &r), CPOL_ALLOW);
	cr_assert_eq(r.ncommands, 2);
	cr_expect_str_eq(r.commands[0].text, "ls");
	cr_expect_str_eq(r.commands[1].text, "cat");
	cr_expect_eq(r.commands[0].depth, 1);
}
