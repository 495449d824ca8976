/* tests/vm/test_sed.c -- the sed script reader behind the `sedcmds`
 * predicate (vm/sedscript.c): which commands a GNU sed script uses, read
 * as GNU sed compiles it (addresses, labels, a/i/c text, s and y with any
 * delimiter, the e and w flags of s), and that whatever it cannot follow
 * counts as using every command; then the predicate in a rule, with
 * unknown words. */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/vm/vmtest.h"
#include "vm/eval.h"

static int uses(const char *script, char cmd)
{
	return cpol_sed_uses(script, (uint32_t)strlen(script), cmd);
}

Test(sed, letters_in_regexes_text_and_labels_are_not_commands)
{
	static const char *const plain[] = {
		"/^[[:space:]]*$/d", "/begin/,/end/p", "s/cache/render/g", "s/\\(hello\\)/\\1 world/",
		"1i\\your new line text\\", "$a the end: we wrote it", "1,/^EOF$/{s/x/y/;p}", ":again;N;$!bagain;s/\\n/ /g",
		"s|/usr/lib|/usr/lib64|2", "y/abcdefw/ABCDEFW/", "10q", "/x/I,+3!d", "0,/re/s//new/", "2~3p",
		"\\%/tmp/w%d", "# a comment with w and e\np", "/a/ { p ; p }", "s/a/w\\/e/", "", "l 40",
	};
	for (size_t k = 0; k < sizeof plain / sizeof plain[0]; k++) {
		cr_expect(!uses(plain[k], 'e'), "%s: no e", plain[k]);
		cr_expect(!uses(plain[k], 'w'), "%s: no w", plain[k]);
		cr_expect(!uses(plain[k], 'W'), "%s: no W", plain[k]);
	}
}

Test(sed, commands_and_flags_that_run_or_write)
{
	cr_expect(uses("e", 'e'));
	cr_expect(uses("1e id", 'e'));
	cr_expect(uses("s/x/id/e", 'e'));
	cr_expect(uses("s/x/id/ge", 'e'));
	cr_expect(uses("s/x/y/w out.txt", 'w'));
	cr_expect(uses("/x/w out.txt", 'w'));
	cr_expect(uses("$W out.txt", 'W'));
	cr_expect(uses("p;e", 'e'));
	cr_expect(uses("/a/{\ne\n}", 'e'));
	cr_expect(uses(":a;N;ba;e date", 'e'));   /* a label ends at `;` */
	cr_expect(uses("s,a,b,;e", 'e'));
	cr_expect(uses("r /etc/hostname", 'r'));
	/* brackets hold the delimiter, as in GNU sed */
	cr_expect(uses("s/[/]/x/e", 'e'));
	cr_expect(uses("s/[]/]/x/e", 'e'));
	cr_expect(uses("s/[^]/]/x/e", 'e'));
	cr_expect(uses("s/[[:alpha:]/]/x/e", 'e'));
	cr_expect(uses("s/[\\/]/x/e", 'e'));
	cr_expect(uses("/a[/]b/e", 'e'));
	cr_expect(uses("s/[/]/g;/e;/x/p", 'e'));
	cr_expect(!uses("s/[/]/x/g", 'e'));
	cr_expect(!uses("r /etc/hostname", 'e'));
	/* the text of a, i, c runs to the end of its line, then commands again */
	cr_expect(!uses("a foo; e bar", 'e'));
	cr_expect(uses("a foo\ne bar", 'e'));
	cr_expect(!uses("a foo\\\ne bar", 'e'));  /* a backslash carries the text on */
}

Test(sed, what_cannot_be_followed_uses_everything)
{
	static const char *const odd[] = {
		"s/a/b",      /* unterminated */
		"s/[a/x/e",   /* a bracket never closed */
		"s/[[:al/]/x/", /* a class never closed */
		"s[a[b[",     /* a bracket as the delimiter */
		"s/a\nb/c/",  /* a raw newline in a regex */
		"/a",         /* an unterminated address */
		"p x",        /* text after a command */
		"{p",         /* an unbalanced brace */
		"p}",
		"1}",         /* } takes no address */
		"k",          /* no such command */
		"s/a/b/X",    /* no such flag */
		"\\",         /* a backslash and nothing */
		"1,p",        /* a missing second address */
		":",          /* a label missing */
	};
	for (size_t k = 0; k < sizeof odd / sizeof odd[0]; k++)
		cr_expect(uses(odd[k], 'e') && uses(odd[k], 'w'), "%s: unreadable, so it may run and write", odd[k]);
}

static const char policy[] =
	"policy \"sed\";\n"
	"sandbox { read \"/\"; write \"$WORKSPACE\"; network none; }\n"
	"default prompt;\n"
	"set sed_unsafe = \"e\", \"w\", \"W\";\n"
	"rule \"sed to stdout\" {\n"
	"    when program \"sed\" and not arg 1 prefix \"-\" and not arg 1 sedcmds sed_unsafe;\n"
	"    allow;\n"
	"}\n"
	"test {\n"
	"    allow \"sed '/begin/,/end/p' a.txt\";\n"
	"    prompt \"sed 's/x/id/e' a.txt\";\n"
	"}\n";

static void setup(void)
{
	vt_setup("sed.cpol", policy);
}

TestSuite(sedcmds, .init = setup, .fini = vt_teardown);

Test(sedcmds, the_predicate_in_a_rule)
{
	vt_expect("sed '/begin/,/end/p' a.txt", CPOL_ALLOW);
	vt_expect("sed '/^[[:space:]]*$/d' a.txt", CPOL_ALLOW);
	vt_expect("sed 's/x/id/e' a.txt", CPOL_PROMPT);
	vt_expect("sed '1w /tmp/out' a.txt", CPOL_PROMPT);
	vt_expect("sed 's/[/]/x/e' a.txt", CPOL_PROMPT);
	/* a script an expansion decides might use anything */
	vt_expect("sed \"$SCRIPT\" a.txt", CPOL_PROMPT);
}
