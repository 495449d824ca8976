/* tests/grammar/test_include.c -- include resolution (grammar/parse.c):
 * the including file's folder first, then each -I folder in order;
 * cycles are errors naming the chain; depth 16 is allowed and 17 is not;
 * a missing file is an error at the include; a file included again is
 * skipped (a warning only with -Wduplicate-include); the prelude comes
 * before the main file's statements, its files are marked and including
 * them again is silent, and `prelude none;` leaves it out. Every file lives in
 * memory (the unit's mem_* table), never on disk. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/grammar/helpers.h"

static cpol_unit *parse_files(const char *main_text, const struct tfile *files, size_t n,
                              const char *const *incdirs, size_t nincdirs, cpol_file **f)
{
	cpol_unit *u = parse_policy_with("pol/main.cpol", main_text, strlen(main_text), files, n, incdirs,
	                                 nincdirs, f);
	cr_assert_not_null(u);
	return u;
}

/* The path of the file that defines the first rule of the unit, found by
 * walking the includes in source order. */
static const char *first_rule_file(const cpol_unit *u, const cpol_file *f)
{
	for (const cpol_stmt *s = f->stmts; s; s = s->next) {
		if (s->kind == CPOL_S_RULE)
			return u->files[s->loc.file]->path;
		if (s->kind == CPOL_S_INCLUDE && s->u.include.file) {
			const char *p = first_rule_file(u, s->u.include.file);
			if (p)
				return p;
		}
	}
	return NULL;
}

Test(include, is_found_beside_the_including_file)
{
	static const struct tfile files[] = {
		{ "pol/lib/a.cpol", "include \"b.cpol\";\n" },
		{ "pol/lib/b.cpol", "allow program \"b\";\n" },
		{ "lib/a.cpol", "allow program \"wrong\";\n" },
		{ "b.cpol", "allow program \"wrong\";\n" },
	};
	cpol_file *f;
	cpol_unit *u = parse_files("include \"lib/a.cpol\";\n", files, 4, NULL, 0, &f);
	cr_expect_eq(u->ndiags, 0, "%s", diag_text(u, 1));
	/* pol/lib/a.cpol's include is relative to pol/lib/, not to the main file */
	cr_expect_str_eq(first_rule_file(u, f), "pol/lib/b.cpol");
	cr_assert_eq(u->nfiles, 3);
	cr_expect_str_eq(u->files[1]->path, "pol/lib/a.cpol");
	cr_expect_eq(u->files[1]->depth, 1);
	cr_expect_eq(u->files[2]->depth, 2);
	cr_expect_eq(u->files[2]->included_at.file, 1);
	cr_expect_eq(u->files[2]->included_at.line, 1);
	cpol_unit_free(u);
}

Test(include, then_in_each_include_folder_in_order)
{
	static const struct {
		const char *what;
		struct tfile files[3];
		const char *found;
	} cases[] = {
		{ "only in the second -I folder",
		  { { "inc2/shared.cpol", "allow program \"x\";" } }, "inc2/shared.cpol" },
		{ "in both -I folders: the first wins",
		  { { "inc1/shared.cpol", "allow program \"x\";" }, { "inc2/shared.cpol", "allow program \"x\";" } },
		  "inc1/shared.cpol" },
		{ "beside the file and in -I: the file's folder wins",
		  { { "inc1/shared.cpol", "allow program \"x\";" }, { "pol/shared.cpol", "allow program \"x\";" } },
		  "pol/shared.cpol" },
	};
	static const char *const incdirs[] = { "inc1", "inc2/" };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = 0;
		while (n < 3 && cases[i].files[n].path)
			n++;
		cpol_file *f;
		cpol_unit *u = parse_files("include \"shared.cpol\";\n", cases[i].files, n, incdirs, 2, &f);
		cr_expect_eq(u->ndiags, 0, "%s: %s", cases[i].what, diag_text(u, 1));
		cr_expect_str_eq(first_rule_file(u, f), cases[i].found, "%s", cases[i].what);
		cpol_unit_free(u);
	}
}

Test(include, an_absolute_path_is_taken_as_it_is)
{
	static const struct tfile files[] = { { "/etc/codexpol/common.cpol", "allow program \"ls\";\n" } };
	static const char *const incdirs[] = { "inc" };
	cpol_file *f;
	cpol_unit *u = parse_files("include \"/etc/codexpol/common.cpol\";\n", files, 1, incdirs, 1, &f);
	cr_expect_eq(u->ndiags, 0, "%s", diag_text(u, 1));
	cr_expect_str_eq(first_rule_file(u, f), "/etc/codexpol/common.cpol");
	cpol_unit_free(u);
}

Test(include, a_missing_file_is_an_error_at_the_include)
{
	static const char *const incdirs[] = { "inc" };
	cpol_file *f;
	cpol_unit *u = parse_files("allow program \"ls\";\n  include \"nope.cpol\";\n", NULL, 0, incdirs, 1, &f);
	cr_expect_str_eq(diag_text(u, 1),
	                 "pol/main.cpol:2:3: error: cannot open pol/nope.cpol: No such file or directory\n");
	cpol_unit_free(u);
	u = parse_files("include \"\";\n", NULL, 0, NULL, 0, &f);
	cr_expect_str_eq(diag_text(u, 1), "pol/main.cpol:1:1: error: include of an empty path\n");
	cpol_unit_free(u);
}

Test(include, a_cycle_is_an_error_that_names_the_chain)
{
	cpol_file *f;
	static const struct tfile files2[] = {
		{ "pol/a.cpol", "allow program \"a\";\ninclude \"b.cpol\";\n" },
		{ "pol/b.cpol", "include \"c.cpol\";\n" },
		{ "pol/c.cpol", "\n  include \"a.cpol\";\n" },
	};
	cpol_unit *u = parse_files("include \"a.cpol\";\n", files2, 3, NULL, 0, &f);
	cr_expect_str_eq(diag_text(u, 1),
	                 "pol/c.cpol:2:3: error: include cycle: pol/main.cpol -> pol/a.cpol -> pol/b.cpol -> "
	                 "pol/c.cpol -> pol/a.cpol\n");
	cpol_unit_free(u);

	/* a file that includes itself */
	static const struct tfile self[] = { { "pol/self.cpol", "include \"self.cpol\";\n" } };
	u = parse_files("include \"self.cpol\";\n", self, 1, NULL, 0, &f);
	cr_expect_str_eq(diag_text(u, 1),
	                 "pol/self.cpol:1:1: error: include cycle: pol/main.cpol -> pol/self.cpol -> pol/self.cpol\n");
	cpol_unit_free(u);

	/* and the main file itself */
	u = parse_files("include \"main.cpol\";\n", NULL, 0, NULL, 0, &f);
	cr_expect_str_eq(diag_text(u, 1),
	                 "pol/main.cpol:1:1: error: include cycle: pol/main.cpol -> pol/main.cpol\n");
	cpol_unit_free(u);
}

/* A chain main -> d1 -> d2 -> ... -> dN: d_i is at include depth i. */
static cpol_unit *chain(int n, char (*paths)[32], char (*texts)[64], struct tfile *files)
{
	for (int i = 1; i <= n; i++) {
		snprintf(paths[i], 32, "pol/d%d.cpol", i);
		if (i < n)
			snprintf(texts[i], 64, "include \"d%d.cpol\";\nallow program \"p%d\";\n", i + 1, i);
		else
			snprintf(texts[i], 64, "allow program \"p%d\";\n", i);
		files[i - 1].path = paths[i];
		files[i - 1].text = texts[i];
	}
	cpol_file *f;
	return parse_files("include \"d1.cpol\";\n", files, (size_t)n, NULL, 0, &f);
}

Test(include, nests_16_deep_and_no_deeper)
{
	char paths[20][32], texts[20][64];
	struct tfile files[20];
	cpol_unit *u = chain(16, paths, texts, files);
	cr_expect_eq(u->ndiags, 0, "%s", diag_text(u, 1));
	cr_expect_eq(u->nfiles, 17);
	cr_expect_eq(u->files[16]->depth, 16);
	cpol_unit_free(u);

	u = chain(17, paths, texts, files);
	char want[1024] = "pol/d16.cpol:1:1: error: includes nested too deeply (the limit is 16): pol/main.cpol";
	for (int i = 1; i <= 17; i++) {
		size_t n = strlen(want);
		snprintf(want + n, sizeof want - n, " -> pol/d%d.cpol", i);
	}
	strcat(want, "\n");
	cr_expect_str_eq(diag_text(u, 1), want);
	cr_expect_eq(u->nfiles, 17, "d17.cpol is never read");
	cpol_unit_free(u);
}

Test(include, a_file_included_again_is_skipped)
{
	static const struct tfile files[] = {
		{ "pol/common.cpol", "set tools = \"ls\";\nrule \"common\" { when program \"cat\"; allow; }\n" },
		{ "pol/a.cpol", "include \"common.cpol\";\nallow program tools;\n" },
	};
	const char *text = "include \"common.cpol\";\ninclude \"a.cpol\";\ninclude \"common.cpol\";\n";
	/* no 'defined twice' errors: the second and third includes add nothing */
	cpol_unit *u = lint_policy_with("pol/main.cpol", text, strlen(text), files, 2, NULL, 0);
	cr_expect_eq(u->ndiags, 0, "%s", diag_text(u, 1));
	cr_expect_eq(u->nfiles, 3);
	cpol_unit_free(u);

	/* -Wduplicate-include says so */
	cpol_file *f;
	u = cpol_unit_new();
	cr_assert_eq(cpol_unit_set_warning(u, "duplicate-include", 1), 0);
	static const char *const paths[] = { "pol/main.cpol", "pol/common.cpol", "pol/a.cpol" };
	const char *texts[] = { text, files[0].text, files[1].text };
	size_t sizes[] = { strlen(text), strlen(files[0].text), strlen(files[1].text) };
	u->mem_paths = paths;
	u->mem_texts = texts;
	u->mem_sizes = sizes;
	u->nmem = 3;
	f = cpol_parse_buffer(u, "pol/main.cpol", text, strlen(text));
	cr_assert_not_null(f);
	cr_expect_str_eq(diag_text(u, 1),
	                 "pol/a.cpol:1:1: warning: pol/common.cpol is already included; skipped\n"
	                 "pol/main.cpol:3:1: warning: pol/common.cpol is already included; skipped\n");
	cr_expect_str_eq(u->diags[0].wname, "duplicate-include");
	cpol_unit_free(u);
}

Test(include, diagnostics_name_the_included_file)
{
	static const struct tfile files[] = {
		{ "pol/bad.cpol", "allow program \"ls\";\nallow program \"a\" \"b\";\n" },
	};
	cpol_file *f;
	cpol_unit *u = parse_files("include \"bad.cpol\";\n", files, 1, NULL, 0, &f);
	cr_expect_str_eq(diag_text(u, 1), "pol/bad.cpol:2:19: error: unexpected string, expected ';'\n");
	cpol_unit_free(u);
}

Test(include, top_level_statements_stay_in_the_top_level_file)
{
	static const struct {
		const char *inc;
		const char *diags;
	} cases[] = {
		{ "policy \"x\";", "pol/inc.cpol:1:1: error: 'policy' belongs in the top-level policy, not in an included file\n" },
		{ "default allow;", "pol/inc.cpol:1:1: error: 'default' belongs in the top-level policy, not in an included file\n" },
		{ "sandbox { read \"/\"; }", "pol/inc.cpol:1:1: error: 'sandbox' belongs in the top-level policy, not in an included file\n" },
		{ "test { allow \"ls\"; }", "pol/inc.cpol:1:1: error: 'test' belongs in the top-level policy, not in an included file\n" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct tfile files[] = { { "pol/inc.cpol", cases[i].inc } };
		const char *text = "include \"inc.cpol\";\nallow program \"ls\";\n";
		cpol_unit *u = lint_policy_with("pol/main.cpol", text, strlen(text), files, 1, NULL, 0);
		cr_expect_str_eq(diag_text(u, 1), cases[i].diags, "%s", cases[i].inc);
		cpol_unit_free(u);
	}
}

Test(include, at_most_1024_files)
{
	enum { N = 1030 };
	static char paths[N][24];
	static struct tfile files[N];
	static char text[N * 24];
	size_t n = 0;
	for (int i = 0; i < N; i++) {
		snprintf(paths[i], sizeof paths[i], "pol/f%d.cpol", i);
		files[i].path = paths[i];
		files[i].text = "";
		n += (size_t)snprintf(text + n, sizeof text - n, "include \"f%d.cpol\";\n", i);
	}
	cpol_file *f;
	cpol_unit *u = parse_files(text, files, N, NULL, 0, &f);
	cr_expect_eq(u->nfiles, 1024);
	cr_assert_geq(u->ndiags, 1);
	cr_expect_str_eq(u->diags[0].msg, "too many source files (the limit is 1024)");
	cr_expect_eq(u->diags[0].loc.line, 1024, "the 1024th include is the 1025th file");
	cpol_unit_free(u);
}

/* The prelude of these tests: a declaration file, also reachable by -I. */
static const struct tfile prelude_files[] = {
	{ "pre/prelude.cpol", "include \"decl.cpol\";\n" },
	{ "pre/decl.cpol", "set tools = \"env\";\nwrapper program tools;\nintent network program \"curl\";\n" },
};

Test(prelude, comes_first_and_is_included_again_silently)
{
	static const char *const incdirs[] = { "pre" };
	tests_prelude = "pre/prelude.cpol";
	cpol_file *f;
	cpol_unit *u = parse_files("include \"decl.cpol\";\nallow program \"ls\";\n", prelude_files, 2, incdirs, 1, &f);
	cr_expect_eq(u->ndiags, 0, "%s", diag_text(u, 1));
	cr_assert_eq(u->nfiles, 3);
	cr_expect_str_eq(u->files[1]->path, "pre/prelude.cpol");
	cr_expect(u->files[1]->prelude && u->files[2]->prelude && !u->files[0]->prelude);
	cr_assert_not_null(f->stmts);
	cr_expect_eq(f->stmts->kind, CPOL_S_INCLUDE);
	cr_expect(f->stmts->u.include.prelude);
	cr_expect_null(f->stmts->next->u.include.file, "the main file's own include is skipped");
	cpol_unit_free(u);
}

Test(prelude, none_leaves_it_out)
{
	tests_prelude = "pre/prelude.cpol";
	cpol_file *f;
	cpol_unit *u = parse_files("prelude none;\nallow program \"ls\";\n", prelude_files, 2, NULL, 0, &f);
	cr_expect_eq(u->ndiags, 0, "%s", diag_text(u, 1));
	cr_expect_eq(u->nfiles, 1);
	cr_expect_eq(f->stmts->kind, CPOL_S_PRELUDE);
	cpol_unit_free(u);
}

Test(prelude, a_policys_own_set_and_wrapper_take_its_names)
{
	tests_prelude = "pre/prelude.cpol";
	static const char text[] = "set tools = \"timeout\";\nwrapper program \"env\" options \"-i\";\n"
	                           "allow program tools;\n";
	cpol_unit *u = lint_policy_with("pol/main.cpol", text, strlen(text), prelude_files, 2, NULL, 0);
	cr_expect_eq(u->nerrors, 0, "%s", diag_text(u, 1));
	cpol_unit_free(u);
	tests_prelude = NULL;
	static const char twice[] = "set tools = \"a\";\nset tools = \"b\";\nallow program tools;\n";
	u = lint_policy_with("pol/main.cpol", twice, strlen(twice), NULL, 0, NULL, 0);
	cr_expect_eq(u->nerrors, 1, "a policy's own name twice is still an error: %s", diag_text(u, 1));
	cpol_unit_free(u);
}
