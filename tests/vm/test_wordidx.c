/* tests/vm/test_wordidx.c -- rules indexed by a word they need (the WORDIDX
 * section): a program with many `any arg option`, `any arg in` and
 * `arg N prefix` rules decides exactly as if every rule ran -- long
 * options written whole, with =VALUE or abbreviated, short options alone,
 * glued or in a cluster, name=VALUE, prefixes of a fixed argument -- and
 * the index is left aside when a word is not known (a glob or expansion). */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/vm/vmtest.h"
#include "vm/vm.h"

static const char policy[] =
	"policy \"wordidx\";\n"
	"default prompt;\n"
	"rule \"a\" { when program \"tar\" and any arg option (\"--to-command\", \"--info-script\"); forbid because \"runs\"; }\n"
	"rule \"b\" { when program \"tar\" and any arg option (\"--checkpoint-action\", \"-F\"); forbid because \"runs\"; }\n"
	"rule \"c\" { when program \"tar\" and any arg option \"--use-compress-program\", \"-I\"; forbid because \"runs\"; }\n"
	"rule \"d\" { when program \"tar\" and any arg in (\"--delete\", \"--append\"); prompt because \"changes\"; }\n"
	"rule \"e\" { when program \"tar\" and arg 2 prefix (\"/etc/\", \"/usr/\"); forbid because \"system\"; }\n"
	"rule \"f\" { when program \"tar\" and arg 1 prefix \"-x\" and argc > 3; prompt because \"extracts\"; }\n"
	"rule \"g\" { when program \"tar\" and any arg option \"-C\", \"--directory\"; prompt because \"elsewhere\"; }\n"
	"rule \"h\" { when program \"tar\" and arg 3 in (\"a\", \"b\"); allow; }\n"
	"rule \"i\" { when program \"tar\" and argc == 2; allow; }\n"
	"rule \"j\" { when program \"tar\" and any arg option \"name\"; prompt because \"name\"; }\n"
	"rule \"k\" { when program \"tar\" and any arg is \"-t\"; allow; }\n"
	"rule \"sh\" { when program \"sh\" and arg 1 is \"-c\"; evaluate script arg 2; }\n";

static void setup(void)
{
	vt_setup("wordidx.cpol", policy);
}

TestSuite(wordidx, .init = setup, .fini = vt_teardown);

Test(wordidx, the_program_is_indexed)
{
	const struct cpol_image *im = (const struct cpol_image *)vt_im;
	uint32_t indexed = 0;
	for (uint32_t p = 1; p < im->nprogs; p++)
		indexed += im->widx[p].mask != CPOL_NONE;
	cr_expect_eq(indexed, 1, "tar (11 rules) is indexed, sh (1 rule) is not");
}

Test(wordidx, long_options_whole_with_a_value_or_abbreviated)
{
	vt_expect("tar --to-command=sh -xf a.tar", CPOL_FORBID);
	vt_expect("tar --to-command sh -xf a.tar", CPOL_FORBID);
	vt_expect("tar --to=sh -t", CPOL_FORBID);       /* an abbreviation */
	vt_expect("tar --inf=x.sh -t", CPOL_FORBID);
	vt_expect("tar --i -t", CPOL_FORBID);           /* as short as it may be */
	vt_expect("tar --checkpoint-act=exec -t", CPOL_FORBID);
	vt_expect("tar --use=xz -t", CPOL_FORBID);
	vt_expect("tar --dir=/ -t", CPOL_PROMPT);
	vt_expect("tar --x -t", CPOL_ALLOW);            /* abbreviates nothing listed */
	vt_expect("tar --to-commandx -t", CPOL_ALLOW);  /* longer than the option: another one */
}

Test(wordidx, short_options_alone_glued_or_in_a_cluster)
{
	vt_expect("tar -F x.sh -t", CPOL_FORBID);
	vt_expect("tar -Fx.sh -t", CPOL_FORBID);
	vt_expect("tar -tvF x.sh", CPOL_FORBID);
	vt_expect("tar -tvI xz", CPOL_FORBID);
	vt_expect("tar -vC / -t", CPOL_PROMPT);
	vt_expect("tar -tv", CPOL_ALLOW);
}

Test(wordidx, words_names_and_prefixes)
{
	vt_expect("tar name=x -t", CPOL_PROMPT);
	vt_expect("tar name -t", CPOL_PROMPT);
	vt_expect("tar names -t", CPOL_ALLOW);
	vt_expect("tar --delete -f a.tar x", CPOL_PROMPT);
	vt_expect("tar -cf /etc/x.tar .", CPOL_FORBID);
	vt_expect("tar -cf /etc -t", CPOL_ALLOW);        /* "/etc" lacks the slash */
	vt_expect("tar -xf x.tar a", CPOL_PROMPT);      /* f: argv[1] starts with -x */
	vt_expect("tar -tf x a", CPOL_ALLOW);
	vt_expect("tar -t", CPOL_ALLOW);
	vt_expect("tar", CPOL_PROMPT);
	vt_expect("tar -r", CPOL_ALLOW);                /* argc == 2: a rule no key lists */
	vt_expect("sh -c 'tar -t; tar --to=x -t'", CPOL_FORBID);
}

Test(wordidx, an_unknown_word_leaves_the_index_aside)
{
	vt_expect("sh -c 'tar -t $OPT'", CPOL_PROMPT);   /* $OPT may be --to-command=... */
	vt_expect("sh -c 'tar -t *'", CPOL_PROMPT);      /* a file may be named --to-command=sh */
	vt_expect("sh -c 'tar -t --inf=x $F'", CPOL_FORBID);
}
