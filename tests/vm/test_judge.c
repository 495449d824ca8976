/* tests/vm/test_judge.c -- how rules see a command: option allowlists read
 * as getopt_long reads them (clusters, values glued or apart, `--`,
 * abbreviations that must name exactly one listed option); programs outside
 * the trusted folders (forbid and prompt rules match them by name, allow
 * rules do not); and three-valued judgement of words an expansion or glob
 * decides (the words' flags are set here by hand, as the splitter sets them). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codexpol.h"
#include "tests/vm/vmtest.h"
#include "vm/eval.h"

static const char policy[] =
	"policy \"judge\";\n"
	"sandbox { read \"/\"; write \"$WORKSPACE\", \"/tmp\"; network none; }\n"
	"default prompt;\n"
	"set tar_list = \"-t\", \"-v\", \"-z\", \"-f#\", \"-C#\", \"--list\", \"--verbose\", \"--file=\",\n"
	"               \"--gzip\", \"--directory=\", \"--info-only\", \"--color[=]\", \"-#\";\n"
	"rule \"tar listing\" { when program \"tar\" and options only tar_list; allow; }\n"
	"rule \"ls\" { when program \"ls\" and argc <= 3; allow; }\n"
	"rule \"du\" { when program \"du\" and no arg prefix \"--files0\"; allow; }\n"
	"rule \"cat\" { when program \"cat\"; allow; }\n"
	"forbid program \"python3\" because \"no python\";\n"
	"prompt program \"node\";\n"
	"rule \"rm -r\" { when program \"rm\" and any arg flag \"r\"; forbid; }\n"
	"rule \"rm\" { when program \"rm\"; allow; }\n"
	"intent write program \"tee\" target operands;\n"
	"intent write program \"cp\" target last;\n"
	"rule \"writes outside\" { when writes outside sandbox.write; forbid; }\n";

static void setup(void)
{
	vt_setup("judge.cpol", policy);
}

TestSuite(judge, .init = setup, .fini = vt_teardown);

#define expect vt_expect

Test(judge, option_allowlists_read_as_getopt_long)
{
	expect("tar -tzf x.tgz", CPOL_ALLOW);
	expect("tar -t -f x.tar -C dir", CPOL_ALLOW);
	expect("tar -tvfx.tar", CPOL_ALLOW);              /* value glued inside a cluster */
	expect("tar -tf --checkpoint-action=exec=sh", CPOL_ALLOW); /* -f's value, a file name */
	expect("tar -tf a.tar -- --to-command=sh", CPOL_ALLOW);    /* after --: operands */
	expect("tar --li --fi=a.tar", CPOL_ALLOW);        /* unambiguous abbreviations */
	expect("tar --file a.tar --list", CPOL_ALLOW);    /* required value, apart */
	expect("tar -5t --color", CPOL_ALLOW);            /* -# and an optional value left out */
	expect("tar -t --color=never", CPOL_ALLOW);
	/* unknown, ambiguous, unlisted, or a value where none is taken */
	expect("tar -tf x.tar --inf=CMD", CPOL_PROMPT);   /* --info-script, not listed... */
	expect("tar --new-=CMD -tf x", CPOL_PROMPT);
	expect("tar -tx", CPOL_PROMPT);
	expect("tar -t --verbose=3", CPOL_PROMPT);
	expect("tar -t --color x --to-command=sh", CPOL_PROMPT); /* optional value: never the next word */
	expect("tar -t --to-command=sh", CPOL_PROMPT);    /* unknown */
}

Test(judge, abbreviation_of_one_listed_option_only)
{
	/* --info-only is the only listed option starting "--inf": allowed as
	 * written in full; "--info" names it alone in the list too. */
	expect("tar -t --info-only", CPOL_ALLOW);
	expect("tar -t --d=x", CPOL_ALLOW);
	expect("tar -t --d", CPOL_ALLOW);                 /* takes the next word (none): harmless */
	/* a prefix of one listed option only: the tool takes it for that
	 * option or refuses it as ambiguous (tar has --info-script too) */
	expect("tar -t --i", CPOL_ALLOW);
}

Test(judge, forbid_and_prompt_match_a_program_anywhere)
{
	expect("python3 -c 1", CPOL_FORBID);
	expect("/usr/bin/python3 -c 1", CPOL_FORBID);
	expect("./python3 -c 1", CPOL_FORBID);
	expect("/home/u/.pyenv/shims/python3 -c 1", CPOL_FORBID);
	expect("/work/p/bin/python3 -c 1", CPOL_FORBID);
	expect("/home/u/.nvm/versions/node/v20/bin/node x.js", CPOL_PROMPT);
	expect("../node x.js", CPOL_PROMPT);
	/* allow rules by name only in the trusted folders */
	expect("cat x", CPOL_ALLOW);
	expect("/bin/cat x", CPOL_ALLOW);
	expect("./cat x", CPOL_PROMPT);
	expect("/home/u/.cargo/bin/cat x", CPOL_PROMPT);
	expect("/work/p/cat x", CPOL_PROMPT);
	expect("./rm -rf x", CPOL_FORBID);
	expect("./rm x", CPOL_PROMPT);
}

#define E CPOL_WORD_EXPAND
#define Q CPOL_WORD_QEXPAND
#define G CPOL_WORD_GLOB

static void expect3(const char *const *argv, const uint8_t *wf, cpol_decision want, const char *why)
{
	const char *rule, *word;
	cpol_decision d = vt_judge_words(argv, wf, &rule, &word);
	cr_expect_eq(d, want, "%s %s: %s by %s at '%s' (%s)", argv[0], argv[1] ? argv[1] : "", cpol_decision_name(d),
	             rule, word, why);
}

Test(judge, unknown_words_three_valued)
{
	/* a glob in an allowed tar listing may become --checkpoint-action=... */
	const char *t1[] = { "tar", "-tf", "a.tar", "*", NULL };
	expect3(t1, (const uint8_t[]){ 0, 0, 0, G }, CPOL_PROMPT, "glob may be an option");
	const uint8_t lit[] = { 0, 0, 0, 0 };
	expect3(t1, lit, CPOL_ALLOW, "literal");
	/* after --, a glob is only operands */
	const char *t2[] = { "tar", "-tf", "a.tar", "--", "*", NULL };
	expect3(t2, (const uint8_t[]){ 0, 0, 0, 0, G }, CPOL_ALLOW, "after --");
	/* a quoted expansion as -f's value is one word: still a listing */
	const char *t3[] = { "tar", "-tf", "$F", NULL };
	expect3(t3, (const uint8_t[]){ 0, 0, Q }, CPOL_ALLOW, "quoted value");
	/* an unquoted one may be no word at all: the next word moves */
	const char *t4[] = { "tar", "-tf", "$F", "-x", NULL };
	expect3(t4, (const uint8_t[]){ 0, 0, E, 0 }, CPOL_PROMPT, "unquoted value");
	/* holds whatever the words become: decided as if known */
	const char *c1[] = { "cat", "$F", NULL };
	expect3(c1, (const uint8_t[]){ 0, E }, CPOL_ALLOW, "cat reads anything");
	const char *r1[] = { "rm", "-rf", "$D", NULL };
	expect3(r1, (const uint8_t[]){ 0, 0, E }, CPOL_FORBID, "rm -r whatever $D is");
	/* might hold: at least prompt, naming the word */
	const char *r2[] = { "rm", "$X", "y", NULL };
	const char *rule, *word;
	cr_expect_eq(vt_judge_words(r2, (const uint8_t[]){ 0, E, 0 }, &rule, &word), CPOL_PROMPT);
	cr_expect_str_eq(rule, "rm -r");
	cr_expect_str_eq(word, "$X");
	/* argc over the counts the words may take */
	const char *l1[] = { "ls", "-l", "$D", NULL };
	expect3(l1, (const uint8_t[]){ 0, 0, Q }, CPOL_ALLOW, "one word: argc known");
	expect3(l1, (const uint8_t[]){ 0, 0, E }, CPOL_PROMPT, "any number of words");
	/* one word, but it may start with -- */
	const char *d1[] = { "du", "$D", NULL };
	expect3(d1, (const uint8_t[]){ 0, Q }, CPOL_PROMPT, "quoted may be an option");
	/* the program itself unknown */
	const char *p1[] = { "$CMD", "x", NULL };
	expect3(p1, (const uint8_t[]){ Q, 0 }, CPOL_PROMPT, "program unknown");
	/* a literal target outside the roots is written whatever the unknown
	 * one becomes; an unknown one alone only may be outside */
	const char *w1[] = { "tee", "-a", "$F", "/etc/x", NULL };
	expect3(w1, (const uint8_t[]){ 0, 0, E, 0 }, CPOL_FORBID, "literal target outside");
	const char *w2[] = { "tee", "-a", "$F", NULL };
	expect3(w2, (const uint8_t[]){ 0, 0, Q }, CPOL_PROMPT, "unknown target only");
	/* the last operand moves when an unknown word follows it */
	const char *w3[] = { "cp", "/etc/x", "$F", NULL };
	expect3(w3, (const uint8_t[]){ 0, 0, E }, CPOL_PROMPT, "last may be $F");
	const char *w4[] = { "cp", "$F", "/etc/x", NULL };
	expect3(w4, (const uint8_t[]){ 0, E, 0 }, CPOL_FORBID, "literal last");
}
