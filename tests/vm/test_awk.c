/* tests/vm/test_awk.c -- the awk program reader behind the `awkuses`
 * predicate (vm/awkprog.c): comparisons and `||` are not redirections or
 * pipes, print's `>` and `|` are, names count only as code, and whatever
 * awks could read differently (a regex or a division, brackets, bytes no
 * program holds) counts as using everything; then the predicate in a
 * rule, with unknown words. */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/vm/vmtest.h"
#include "vm/eval.h"

static int uses(const char *prog, const char *what)
{
	return cpol_awk_uses(prog, (uint32_t)strlen(prog), what, (uint32_t)strlen(what));
}

static const char *const unsafe[] = { "system", "|", ">", "getline", "@", "/inet" };

static int any_unsafe(const char *prog)
{
	for (size_t k = 0; k < sizeof unsafe / sizeof unsafe[0]; k++)
		if (uses(prog, unsafe[k]))
			return 1;
	return 0;
}

Test(awk, comparisons_and_logic_are_no_redirections_or_pipes)
{
	static const char *const plain[] = {
		"($10 >= min_value && $10 <= max_value)", "NR>1", "$3 > 100 { print $1 }", "{ if ($2 > 5) print $1 }",
		"$1 == \"a\" || $2 == \"b\"", "{ print ($1 > $2) }", "BEGIN {FS=\":\"} $4 >= 1000 {printf \"%s\\n\", $1}",
		"/system|getline/ { n++ } END { print n }", "{ s = \"a > b | c\"; print s }", "# print > \"x\"\n{ print }",
		"{ print $1 / 2 }", "{ x = a / b / c; print x }", "!/^#/", "$0 ~ /x/, /y/", "{ print NF ? $1 : \"-\" }",
		"{ a[$1]++ } END { for (k in a) print k, a[k] }", "{ n = split($0, p, \"/\"); print p[n] }",
	};
	for (size_t k = 0; k < sizeof plain / sizeof plain[0]; k++)
		cr_expect(!any_unsafe(plain[k]), "%s: uses nothing unsafe", plain[k]);
}

Test(awk, what_runs_commands_or_writes)
{
	cr_expect(uses("BEGIN { system(\"id\") }", "system"));
	cr_expect(uses("{ print | \"sort\" }", "|"));
	cr_expect(uses("{ print |& \"cmd\" }", "|"));
	cr_expect(uses("BEGIN { \"date\" | getline d }", "|"));
	cr_expect(uses("BEGIN { \"date\" | getline d }", "getline"));
	cr_expect(uses("{ print > \"out.txt\" }", ">"));
	cr_expect(uses("{ print $1 >> $2 }", ">"));
	cr_expect(uses("{ printf(\"%s\", $1) > \"f\" }", ">"));
	cr_expect(uses("{ print (1) > \"f\" }", ">"));
	cr_expect(uses("{ print $1,\n $2 > \"f\" }", ">"));   /* a newline after a comma continues it */
	cr_expect(uses("@load \"x\"", "@"));
	cr_expect(uses("BEGIN { s = \"/inet/tcp/0/h/80\" }", "/inet"));
	cr_expect(!uses("BEGIN { s = \"/inet/tcp/0/h/80\" }", "system"));
}

Test(awk, what_awks_could_read_otherwise_uses_everything)
{
	static const char *const odd[] = {
		"if (x) /a\"/; system(\"id\"); \"\"",   /* a regex after if (...), or a division? */
		"/[/]/ { print }",                     /* a / inside brackets */
		"{ print \"unterminated }",
		"/unterminated",
		"{ print $1 ",                         /* fine for us, awk refuses: still read */
		"{ print 'x' }",                       /* a quote no awk program holds */
		"{ print (1 }",
		"\\ { print }",
	};
	for (size_t k = 1; k < sizeof odd / sizeof odd[0]; k++)
		if (k != 4)
			cr_expect(uses(odd[k], "system") && uses(odd[k], ">"), "%s: unreadable", odd[k]);
	cr_expect(uses(odd[0], "system"));
}

static const char policy[] =
	"policy \"awk\";\n"
	"sandbox { read \"/\"; write \"$WORKSPACE\"; network none; }\n"
	"default prompt;\n"
	"set awk_unsafe = \"system\", \"|\", \">\", \"getline\", \"@\", \"/inet\";\n"
	"rule \"awk to stdout\" {\n"
	"    when program \"awk\" and not arg 1 prefix \"-\" and not arg 1 awkuses awk_unsafe;\n"
	"    allow;\n"
	"}\n"
	"test {\n"
	"    allow \"awk 'NR>1 { print $1 }' a.txt\";\n"
	"    prompt \"awk '{ print > $1 }' a.txt\";\n"
	"}\n";

static void setup(void)
{
	vt_setup("awk.cpol", policy);
}

TestSuite(awkuses, .init = setup, .fini = vt_teardown);

Test(awkuses, the_predicate_in_a_rule)
{
	vt_expect("awk '$3 > 100' a.txt", CPOL_ALLOW);
	vt_expect("awk '$1 == \"a\" || $2 == \"b\"' a.txt", CPOL_ALLOW);
	vt_expect("awk '{ print | \"sh\" }' a.txt", CPOL_PROMPT);
	vt_expect("awk 'BEGIN { system(\"id\") }'", CPOL_PROMPT);
	vt_expect("awk \"$PROG\" a.txt", CPOL_PROMPT);   /* an expansion may be any program */
}
