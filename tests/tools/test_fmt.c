/* tests/tools/test_fmt.c -- codexpolc --fmt (grammar/fmt.c): the canonical
 * layout rule by rule, comments at their place, refusal of broken sources,
 * and the two properties every output must have, checked on every .cpol
 * file of the source tree and on generated policies:
 *   - idempotent: formatting the output again changes nothing;
 *   - meaning kept: the output compiles to the same image (positions
 *     stripped: .strip_debug) as the input, compared by XXH3-64, and keeps
 *     every comment.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "compiler/compiler.h"
#include "grammar/fmt.h"

/* ---- helpers ----------------------------------------------------------- */

/* Format src; NULL when the formatter refuses it (diagnostics in *diag). */
static char *fmt(const char *src, char *diag, size_t cap)
{
	cpol_unit *u = cpol_unit_new();
	cr_assert_not_null(u);
	char *out = NULL;
	size_t n = 0;
	int rc = cpol_fmt_source(u, "t.cpol", src, strlen(src), &out, &n);
	if (diag && cap) {
		diag[0] = 0;
		FILE *f = fmemopen(diag, cap, "w");
		if (f) {
			cpol_diag_print(u, f);
			fclose(f);
		}
	}
	cpol_unit_free(u);
	if (rc < 0)
		return NULL;
	cr_assert_eq(strlen(out), n, "the output holds a NUL byte");
	return out;
}

static void expect_fmt(const char *in, const char *want)
{
	char diag[4096];
	char *got = fmt(in, diag, sizeof diag);
	cr_assert_not_null(got, "refused:\n%s\n%s", in, diag);
	cr_assert_str_eq(got, want, "input:\n%s\n--- got:\n%s--- want:\n%s", in, got, want);
	char *again = fmt(got, diag, sizeof diag);
	cr_assert_not_null(again, "the output does not parse:\n%s\n%s", got, diag);
	cr_assert_str_eq(again, got, "not idempotent:\n%s--- then:\n%s", got, again);
	free(again);
	free(got);
}

struct img {
	int ok;
	uint64_t hash;
	size_t len;
	char diag[8192];
};

/* Compile `main` from the in-memory sources (paths[i] -> texts[i]) with
 * debug positions stripped. */
static struct img compile_mem(const char *const *paths, const char *const *texts, size_t n, const char *main)
{
	struct img r;
	memset(&r, 0, sizeof r);
	size_t *sizes = calloc(n ? n : 1, sizeof *sizes);
	cr_assert_not_null(sizes);
	for (size_t i = 0; i < n; i++)
		sizes[i] = strlen(texts[i]);
	cpol_unit *u = cpol_unit_new();
	cr_assert_not_null(u);
	u->mem_paths = paths;
	u->mem_texts = texts;
	u->mem_sizes = sizes;
	u->nmem = (uint32_t)n;
	cpol_file *f = cpol_parse_file(u, main);
	uint8_t *img = NULL;
	size_t len = 0;
	struct cpol_compile_opts co = { .strip_debug = 1 };
	if (f && cpol_compile(u, f, &co, 0, &img, &len) == 0 && img) {
		r.ok = 1;
		r.hash = XXH3_64bits(img, len);
		r.len = len;
	}
	FILE *d = fmemopen(r.diag, sizeof r.diag, "w");
	if (d) {
		cpol_diag_print(u, d);
		fclose(d);
	}
	free(img);
	cpol_unit_free(u);
	free(sizes);
	return r;
}

/* The comments of a source (text, trailing white space removed), sorted. */
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static size_t comments(const char *src, char ***out)
{
	cpol_unit *u = cpol_unit_new();
	const char *paths[] = { "c.cpol" };
	const char *texts[] = { src };
	size_t sizes[] = { strlen(src) };
	u->mem_paths = paths;
	u->mem_texts = texts;
	u->mem_sizes = sizes;
	u->nmem = 1;
	cpol_file *f = cpol_parse_file(u, "c.cpol");
	cr_assert_not_null(f);
	size_t n = 0;
	for (cpol_comment *c = f->comments; c; c = c->next)
		n++;
	char **v = calloc(n + 1, sizeof *v);
	n = 0;
	for (cpol_comment *c = f->comments; c; c = c->next) {
		size_t len = c->len;
		while (len > 1 && strchr(" \t\r\f\v", c->text[len - 1]))
			len--;
		v[n++] = strndup(c->text, len);
	}
	qsort(v, n, sizeof *v, cmp_str);
	cpol_unit_free(u);
	*out = v;
	return n;
}

static void free_strs(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void same_comments(const char *a, const char *b)
{
	char **x, **y;
	size_t nx = comments(a, &x), ny = comments(b, &y);
	cr_assert_eq(nx, ny, "%zu comments became %zu:\n%s--- formatted:\n%s", nx, ny, a, b);
	for (size_t i = 0; i < nx; i++)
		cr_assert_str_eq(x[i], y[i], "comment lost:\n%s--- formatted:\n%s", a, b);
	free_strs(x, nx);
	free_strs(y, ny);
}

/* ---- the layout, rule by rule ------------------------------------------ */

Test(layout, spaces_and_one_statement_per_line)
{
	expect_fmt("policy   \"p\" ;default\tforbid;allow  program \"ls\" ,\"cat\";",
	           "policy \"p\";\n"
	           "default forbid;\n"
	           "allow program \"ls\", \"cat\";\n");
}

Test(layout, blocks_indent_four_spaces)
{
	expect_fmt("sandbox{read \"/\";write \"$WORKSPACE\",\"/tmp\";network connect 80,443,8000-8100;bind 8080;"
	           "env keep \"PAGER\";protect \".git\";}\n"
	           "rule \"r\"{when program \"git\";allow because \"read\";}\n"
	           "test{allow \"ls\";prompt \"make\" cwd \"/etc\";}\n",
	           "sandbox {\n"
	           "    read \"/\";\n"
	           "    write \"$WORKSPACE\", \"/tmp\";\n"
	           "    network connect 80, 443, 8000-8100;\n"
	           "    bind 8080;\n"
	           "    env keep \"PAGER\";\n"
	           "    protect \".git\";\n"
	           "}\n"
	           "rule \"r\" {\n"
	           "    when program \"git\";\n"
	           "    allow because \"read\";\n"
	           "}\n"
	           "test {\n"
	           "    allow \"ls\";\n"
	           "    prompt \"make\" cwd \"/etc\";\n"
	           "}\n");
}

Test(layout, empty_blocks_and_files)
{
	expect_fmt("", "");
	expect_fmt("\n\n  \n", "");
	expect_fmt("sandbox { }", "sandbox {\n}\n");
	expect_fmt("test {}\n\n\n", "test {\n}\n");
}

Test(layout, network_modes)
{
	expect_fmt("sandbox { network none; }", "sandbox {\n    network none;\n}\n");
	expect_fmt("sandbox { network any; }", "sandbox {\n    network any;\n}\n");
	expect_fmt("sandbox { network outbound; }", "sandbox {\n    network outbound;\n}\n");
	expect_fmt("sandbox { network connect 443 - 443, 1-2; }", "sandbox {\n    network connect 443, 1-2;\n}\n");
}

Test(layout, blank_lines_at_most_one)
{
	expect_fmt("\n\npolicy \"p\";\n\n\n\ndefault allow;\nallow program \"a\";\n\n\n",
	           "policy \"p\";\n\ndefault allow;\nallow program \"a\";\n");
	expect_fmt("sandbox {\n\n\n    read \"/\";\n\n\n    write \"/tmp\";\n\n}\n",
	           "sandbox {\n    read \"/\";\n\n    write \"/tmp\";\n}\n");
}

Test(layout, long_lists_wrap_one_per_line_aligned)
{
	expect_fmt("allow program \"aaaaaaaaaaaaaaaaaaaa\", \"bbbbbbbbbbbbbbbbbbbbbbbbb\", \"cccccccccccccccccccccccc\", "
	           "\"dddddddddddddddd\" because \"x\";",
	           "allow program \"aaaaaaaaaaaaaaaaaaaa\",\n"
	           "              \"bbbbbbbbbbbbbbbbbbbbbbbbb\",\n"
	           "              \"cccccccccccccccccccccccc\",\n"
	           "              \"dddddddddddddddd\" because \"x\";\n");
	/* exactly 100 columns stays on one line, 101 wraps */
	expect_fmt("set s = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\";",
	           "set s = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\";\n");
	expect_fmt("set s = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\", \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\";",
	           "set s = \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\",\n"
	           "        \"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\";\n");
	/* a parenthesised list in a rule: aligned after the parenthesis */
	expect_fmt("rule \"r\" { when program \"git\" and arg 1 in (\"status\", \"log\", \"diff\", \"show\", \"blame\", "
	           "\"shortlog\", \"describe\"); allow; }",
	           "rule \"r\" {\n"
	           "    when program \"git\" and arg 1 in (\"status\",\n"
	           "                                     \"log\",\n"
	           "                                     \"diff\",\n"
	           "                                     \"show\",\n"
	           "                                     \"blame\",\n"
	           "                                     \"shortlog\",\n"
	           "                                     \"describe\");\n"
	           "    allow;\n"
	           "}\n");
}

Test(layout, short_wrapped_list_is_joined_again)
{
	expect_fmt("allow program \"a\",\n   \"b\",\n \"c\";", "allow program \"a\", \"b\", \"c\";\n");
}

Test(layout, conditions_keep_the_authors_parentheses)
{
	expect_fmt("rule \"r\" { when ((program \"a\")) and (arg 1 is \"x\" or not (any arg prefix \"-x\")); allow; }",
	           "rule \"r\" {\n"
	           "    when (program \"a\") and (arg 1 is \"x\" or not (any arg prefix \"-x\"));\n"
	           "    allow;\n"
	           "}\n");
	expect_fmt("rule \"r\" { when program \"a\" or program \"b\" and not not true unless argc>=3; forbid; }",
	           "rule \"r\" {\n"
	           "    when program \"a\" or program \"b\" and not not true unless argc >= 3;\n"
	           "    forbid;\n"
	           "}\n");
	expect_fmt("rule \"r\" { when program \"a\" and (program \"b\" and program \"c\"); prompt; }",
	           "rule \"r\" {\n"
	           "    when program \"a\" and (program \"b\" and program \"c\");\n"
	           "    prompt;\n"
	           "}\n");
}

Test(layout, every_condition)
{
	expect_fmt("rule \"r\" { when arg 2 in \"a\", \"b\" and any arg suffix (\".c\") and no arg contains \"x\" "
	           "and arg 1 flag \"r\" and any arg option \"--force\" and argc != 2 and argc < 3 and argc <= 4 "
	           "and argc > 0 and argc == 1 and writes and writes inside sandbox.write and network "
	           "and substring \"x\"; evaluate script arg 2; }",
	           "rule \"r\" {\n"
	           "    when arg 2 in \"a\", \"b\" and any arg suffix (\".c\") and no arg contains \"x\" and arg 1 flag \"r\" and any arg option \"--force\" and argc != 2 and argc < 3 and argc <= 4 and argc > 0 and argc == 1 and writes and writes inside sandbox.write and network and substring \"x\";\n"
	           "    evaluate script arg 2;\n"
	           "}\n");
}

Test(layout, option_values)
{
	expect_fmt("set o = \"-e#\", \"--expression=\";\n"
	           "rule \"r\" { when any  value of (\"-e\",\"--expression\") options o sedcmds \"e\" or no value of \"-e\" "
	           "options(\"-e#\") or (any value of \"-e\" options o); prompt; }",
	           "set o = \"-e#\", \"--expression=\";\n"
	           "rule \"r\" {\n"
	           "    when any value of (\"-e\", \"--expression\") options o sedcmds \"e\" or no value of \"-e\" options (\"-e#\") or (any value of \"-e\" options o);\n"
	           "    prompt;\n"
	           "}\n");
}

Test(layout, rule_items_keep_their_order)
{
	expect_fmt("rule \"r\" { allow; when true; }", "rule \"r\" {\n    allow;\n    when true;\n}\n");
}

Test(layout, intents)
{
	expect_fmt("intent network program \"curl\";intent write program \"cp\" target last,operands from 1,"
	           "operands from 3,after \"-o\",value \"of=\" when not program \"x\";",
	           "intent network program \"curl\";\n"
	           "intent write program \"cp\" target last,\n"
	           "                                 operands,\n"
	           "                                 operands from 3,\n"
	           "                                 after \"-o\",\n"
	           "                                 value \"of=\" when not program \"x\";\n");
	expect_fmt("intent write program \"dd\" target value \"of=\" when arg 1 is \"x\";",
	           "intent write program \"dd\" target value \"of=\" when arg 1 is \"x\";\n");
}

Test(layout, prelude_none_and_script_wrappers)
{
	expect_fmt("policy \"p\";prelude   none ;", "policy \"p\";\nprelude none;\n");
	expect_fmt("wrapper program \"watch\" options (\"-n#\") script;",
	           "wrapper program \"watch\" options (\"-n#\") script;\n");
}

Test(layout, sets_and_names)
{
	expect_fmt("set a = \"x\";set b = a, \"y\";allow program b;", "set a = \"x\";\nset b = a, \"y\";\nallow program b;\n");
}

Test(layout, strings_keep_their_bytes)
{
	expect_fmt("allow substring \"q\\\"b\\\\n\\nt\\tr\\r\", \"\\x01\\x7f\\x41\", \"\\xc3\\xa9 é\", \"\\xff\\xc3\";",
	           "allow substring \"q\\\"b\\\\n\\nt\\tr\\r\", \"\\x01\\x7fA\", \"é é\", \"\\xff\\xc3\";\n");
}

/* ---- comments ---------------------------------------------------------- */

Test(comments, own_line_and_trailing)
{
	expect_fmt("# head\n\n   # second\npolicy \"p\";   # after policy   \n"
	           "sandbox {  # open\n  # before read\n read \"/\";  # after read\n  # at the end\n}  # after sandbox\n"
	           "# last\n",
	           "# head\n\n# second\npolicy \"p\";  # after policy\n"
	           "sandbox {  # open\n    # before read\n    read \"/\";  # after read\n    # at the end\n}  # after sandbox\n"
	           "# last\n");
}

Test(comments, between_list_items_force_a_wrap)
{
	expect_fmt("set s = \"a\", # first\n \"b\",\n # before c\n \"c\";",
	           "set s = \"a\",  # first\n"
	           "        \"b\",\n"
	           "        # before c\n"
	           "        \"c\";\n");
}

Test(comments, inside_a_statement_move_before_it)
{
	expect_fmt("rule \"r\" # head\n{ when program \"find\" and # why\n no arg option \"-exec\"; allow; }",
	           "# head\n"
	           "rule \"r\" {\n"
	           "    # why\n"
	           "    when program \"find\" and no arg option \"-exec\";\n"
	           "    allow;\n"
	           "}\n");
	expect_fmt("forbid program # p\n \"x\" because # b\n \"r\";", "# p\n# b\nforbid program \"x\" because \"r\";\n");
}

Test(comments, several_statements_on_a_line)
{
	expect_fmt("default allow; allow program \"a\"; # on the line of both\n",
	           "default allow;\nallow program \"a\";  # on the line of both\n");
}

Test(comments, blank_lines_around_comments)
{
	expect_fmt("policy \"p\";\n\n\n# about a\n\n\n\nallow program \"a\";\n\n# trailer\n",
	           "policy \"p\";\n\n# about a\n\nallow program \"a\";\n\n# trailer\n");
}

Test(comments, only_comments)
{
	expect_fmt("# one\n#two   \n\n\n# three", "# one\n#two\n\n# three\n");
}

Test(comments, crlf_line_ends)
{
	expect_fmt("policy \"p\";\r\n# c\r\nallow program \"a\";  # t\r\n",
	           "policy \"p\";\n# c\nallow program \"a\";  # t\n");
}

/* ---- refusals ---------------------------------------------------------- */

Test(refuse, syntax_and_lexical_errors)
{
	static const char *const bad[] = {
		"allow program;",
		"policy \"p\"",
		"rule \"r\" { when program \"a\" allow; }",
		"allow program 'ls';",
		"allow program \"a\\q\";",
		"allow program \"\\x00\";",
		"rule \"r\" { when true; when true; allow; }",
		"sandbox { read \"/\" }",
		"@",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char diag[4096];
		char *out = fmt(bad[i], diag, sizeof diag);
		cr_assert_null(out, "formatted a broken source: %s", bad[i]);
		cr_assert(strstr(diag, "t.cpol:") && strstr(diag, "error:"), "no diagnostic for %s: %s", bad[i], diag);
	}
}

Test(refuse, semantic_errors_are_not_the_formatters_business)
{
	/* unknown set, missing include: still formatted (syntax only) */
	expect_fmt("include \"nowhere.cpol\";allow program nosuchset;", "include \"nowhere.cpol\";\nallow program nosuchset;\n");
}

Test(refuse, nesting_as_the_parser_counts_it)
{
	/* 65 nested `not`s are too deep; 70 side by side are not nested at all */
	char src[4096], diag[4096];
	int n = snprintf(src, sizeof src, "rule \"r\" { when ");
	for (int i = 0; i < 65; i++)
		n += snprintf(src + n, sizeof src - (size_t)n, "not ");
	snprintf(src + n, sizeof src - (size_t)n, "true; allow; }");
	cr_assert_null(fmt(src, diag, sizeof diag));
	cr_assert(strstr(diag, "nested too deeply"), "%s", diag);
	n = snprintf(src, sizeof src, "rule \"r\" { when true");
	for (int i = 0; i < 70; i++)
		n += snprintf(src + n, sizeof src - (size_t)n, " and not true");
	snprintf(src + n, sizeof src - (size_t)n, "; allow; }");
	char *out = fmt(src, diag, sizeof diag);
	cr_assert_not_null(out, "%s", diag);
	free(out);
}

/* ---- every .cpol file of the source tree ------------------------------- */

struct files {
	char **paths;   /* relative to the top of the source tree */
	char **texts;   /* originals */
	char **fmts;    /* formatted, or NULL when refused */
	size_t n, cap;
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char chunk[65536];
	size_t k;
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, k, m);
	fclose(f);
	fclose(m);
	return buf;
}

static void walk(struct files *fs, const char *dir)
{
	DIR *d = opendir(dir[0] ? dir : ".");
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		const char *nm = e->d_name;
		if (nm[0] == '.' || !strcmp(nm, "autom4te.cache") || !strncmp(nm, "build", 5) ||
		    !strncmp(nm, "_build", 6) || !strncmp(nm, "codexpol-", 9))
			continue;
		char *p;
		cr_assert(asprintf(&p, "%s%s%s", dir, dir[0] ? "/" : "", nm) > 0);
		struct stat st;
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			walk(fs, p);
			free(p);
			continue;
		}
		size_t l = strlen(nm);
		if (!S_ISREG(st.st_mode) || l < 6 || strcmp(nm + l - 5, ".cpol") != 0) {
			free(p);
			continue;
		}
		if (fs->n == fs->cap) {
			fs->cap = fs->cap ? fs->cap * 2 : 64;
			fs->paths = realloc(fs->paths, fs->cap * sizeof *fs->paths);
			fs->texts = realloc(fs->texts, fs->cap * sizeof *fs->texts);
			fs->fmts = realloc(fs->fmts, fs->cap * sizeof *fs->fmts);
		}
		fs->paths[fs->n] = p;
		fs->texts[fs->n] = slurp(p);
		cr_assert_not_null(fs->texts[fs->n], "cannot read %s", p);
		fs->fmts[fs->n] = NULL;
		fs->n++;
	}
	closedir(d);
}

Test(tree, every_policy_formats_idempotently_and_compiles_the_same, .timeout = 0)
{
	const char *top = getenv("top_srcdir");
	if (!top)
		top = ".";
	cr_assert_eq(chdir(top), 0, "cannot enter %s", top);
	struct files fs = { 0 };
	walk(&fs, "");
	cr_assert_geq(fs.n, 2, "no policies found under %s", top);
	size_t formatted = 0, compared = 0;
	for (size_t i = 0; i < fs.n; i++) {
		char diag[4096];
		fs.fmts[i] = fmt(fs.texts[i], diag, sizeof diag);
		if (!fs.fmts[i]) {
			cr_log_info("%s is not formatted (it has errors)", fs.paths[i]);
			continue;
		}
		formatted++;
		char *again = fmt(fs.fmts[i], diag, sizeof diag);
		cr_assert_not_null(again, "%s: the output does not parse: %s", fs.paths[i], diag);
		cr_assert_str_eq(again, fs.fmts[i], "%s: formatting is not idempotent", fs.paths[i]);
		free(again);
		same_comments(fs.texts[i], fs.fmts[i]);
	}
	/* Each file as the main policy: the originals, then every file formatted. */
	const char **after = calloc(fs.n, sizeof *after);
	for (size_t i = 0; i < fs.n; i++)
		after[i] = fs.fmts[i] ? fs.fmts[i] : fs.texts[i];
	for (size_t i = 0; i < fs.n; i++) {
		if (!fs.fmts[i])
			continue;
		struct img a = compile_mem((const char *const *)fs.paths, (const char *const *)fs.texts, fs.n, fs.paths[i]);
		if (!a.ok)
			continue;
		struct img b = compile_mem((const char *const *)fs.paths, after, fs.n, fs.paths[i]);
		cr_assert(b.ok, "%s: the formatted policy does not compile:\n%s", fs.paths[i], b.diag);
		cr_assert_eq(a.len, b.len, "%s: image of %zu bytes became %zu", fs.paths[i], a.len, b.len);
		cr_assert_eq(a.hash, b.hash, "%s: the formatted policy compiles to another image", fs.paths[i]);
		compared++;
	}
	cr_log_info("%zu policies, %zu formatted, %zu compiled and compared", fs.n, formatted, compared);
	cr_assert_geq(compared, 1);
	for (size_t i = 0; i < fs.n; i++) {
		free(fs.paths[i]);
		free(fs.texts[i]);
		free(fs.fmts[i]);
	}
	free(after);
	free(fs.paths);
	free(fs.texts);
	free(fs.fmts);
}

/* ---- generated policies ------------------------------------------------ */

struct gen {
	uint64_t s;
	char **tok;
	size_t n, cap;
	int sets, rules;
};

static uint32_t rnd(struct gen *g, uint32_t n)
{
	g->s ^= g->s << 13;
	g->s ^= g->s >> 7;
	g->s ^= g->s << 17;
	return (uint32_t)((g->s >> 11) % n);
}

static void tok(struct gen *g, const char *t)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 256;
		g->tok = realloc(g->tok, g->cap * sizeof *g->tok);
	}
	g->tok[g->n++] = strdup(t);
}

static void tokf(struct gen *g, const char *fmt_, ...) __attribute__((format(printf, 2, 3)));
static void tokf(struct gen *g, const char *fmt_, ...)
{
	char b[512];
	va_list ap;
	va_start(ap, fmt_);
	vsnprintf(b, sizeof b, fmt_, ap);
	va_end(ap);
	tok(g, b);
}

/* A non-empty string literal, escapes and UTF-8 included. */
static void gstr(struct gen *g, const char *prefix)
{
	static const char *const parts[] = { "a", "b", "z", "-", "/", " ", "\\\"", "\\\\", "\\n", "\\t", "\\r",
	                                     "\\x01", "\\x41", "\\xff", "é", "日本", "\\xc3\\xa9", "x y", "$" };
	char b[256];
	size_t n = (size_t)snprintf(b, sizeof b, "\"%s", prefix);
	int k = 1 + (int)rnd(g, 4);
	for (int i = 0; i < k; i++)
		n += (size_t)snprintf(b + n, sizeof b - n, "%s", parts[rnd(g, sizeof parts / sizeof parts[0])]);
	snprintf(b + n, sizeof b - n, "\"");
	tok(g, b);
}

static void gword(struct gen *g, const char *const *words, size_t nw)
{
	tokf(g, "\"%s\"", words[rnd(g, (uint32_t)nw)]);
}

static const char *const progs[] = { "ls", "git", "cat", "find", "curl", "sed", "rm", "make", "bash", "sh" };
#define NPROGS (sizeof progs / sizeof progs[0])

/* A list of k >= 1 items: words of `pool` (or strings when pool is NULL),
 * and sometimes a set name. */
static void glist(struct gen *g, const char *const *pool, size_t np, int sets_ok, int max)
{
	int k = 1 + (int)rnd(g, (uint32_t)max);
	for (int i = 0; i < k; i++) {
		if (i)
			tok(g, ",");
		if (sets_ok && g->sets && rnd(g, 5) == 0)
			tokf(g, "s%u", rnd(g, (uint32_t)g->sets));
		else if (pool)
			gword(g, pool, np);
		else
			gstr(g, "p");
	}
}

static void gsetx(struct gen *g, const char *const *pool, size_t np, int sets_ok)
{
	int paren = (int)rnd(g, 2);
	if (paren)
		tok(g, "(");
	glist(g, pool, np, sets_ok, paren ? 12 : 3);
	if (paren)
		tok(g, ")");
}

static void gcond(struct gen *g, int depth, int intent)
{
	static const char *const letters[] = { "r", "f", "x", "v" };
	static const char *const opts[] = { "--force", "-o", "name", "--output", "-x" };
	static const char *const cmps[] = { "==", "!=", "<", "<=", ">", ">=" };
	uint32_t pick = rnd(g, depth > 3 ? 12 : 17);
	switch (pick) {
	case 0: tok(g, "program"); glist(g, progs, NPROGS, 0, 4); break;
	case 1: tok(g, "substring"); glist(g, NULL, 0, 1, 3); break;
	case 2: case 3: case 4: {
		static const char *const pre[] = { "arg", "any", "no" };
		int w = (int)(pick - 2);
		if (w == 0)
			tokf(g, "arg %u", rnd(g, 6));
		else
			tokf(g, "%s arg", pre[w]);
		uint32_t p = rnd(g, 7);
		static const char *const preds[] = { "in", "is", "prefix", "suffix", "contains", "flag", "option" };
		tok(g, preds[p]);
		if (p == 1)
			gstr(g, "v");
		else if (p == 5)
			gsetx(g, letters, 4, 0);
		else if (p == 6)
			gsetx(g, opts, 5, 0);
		else
			gsetx(g, NULL, 0, 1);
		break;
	}
	case 5: tok(g, "argc"); tok(g, cmps[rnd(g, 6)]); tokf(g, "%u", rnd(g, 8)); break;
	case 6:
		if (intent) {
			tok(g, "true");
		} else {
			static const char *const w[] = { "writes", "writes outside sandbox.write", "writes inside sandbox.write" };
			const char *x = w[rnd(g, 3)];
			/* as separate tokens, so that separators come between them */
			char *copy = strdup(x), *save = NULL;
			for (char *t = strtok_r(copy, " .", &save); t; t = strtok_r(NULL, " .", &save)) {
				tok(g, t);
				if (!strcmp(t, "sandbox"))
					tok(g, ".");
			}
			free(copy);
		}
		break;
	case 7: tok(g, intent ? "true" : "network"); break;
	case 8: tok(g, "true"); break;
	case 9: case 10: case 11:
		tok(g, "program");
		glist(g, progs, NPROGS, 0, 2);
		break;
	case 12: tok(g, "not"); gcond(g, depth + 1, intent); break;
	case 13: case 14:
		gcond(g, depth + 1, intent);
		tok(g, pick == 13 ? "and" : "or");
		gcond(g, depth + 1, intent);
		break;
	default:
		tok(g, "(");
		gcond(g, depth + 1, intent);
		tok(g, ")");
		break;
	}
}

static void gdec(struct gen *g)
{
	static const char *const d[] = { "allow", "prompt", "forbid" };
	tok(g, d[rnd(g, 3)]);
}

static void gpolicy(struct gen *g)
{
	static const char *const roots[] = { "/", "/usr", "$WORKSPACE", "$TMPDIR", "/tmp", "$HOME/.cache", "~/x",
	                                     "/dev/null", "$WORKSPACE/out" };
	static const char *const envs[] = { "PAGER", "NODE_OPTIONS", "EDITOR", "PYTHONPATH" };
	if (rnd(g, 4)) {
		tok(g, "policy");
		gstr(g, "gen");
		tok(g, ";");
	}
	if (rnd(g, 2)) {
		tok(g, "default");
		gdec(g);
		tok(g, ";");
	}
	if (rnd(g, 3)) {
		tok(g, "sandbox");
		tok(g, "{");
		int nitems = (int)rnd(g, 6), net = 0, bind = 0, writes = 0;
		for (int i = 0; i < nitems; i++) {
			switch (rnd(g, 6)) {
			case 0: tok(g, "read"); glist(g, roots, 9, 0, 4); break;
			case 1: tok(g, "write"); glist(g, roots + 2, 7, 0, 4); writes = 1; break;
			case 2:
				if (!writes)
					continue;
				tok(g, "protect");
				tok(g, "\".git\"");
				break;
			case 3:
				if (net++)
					continue;
				tok(g, "network");
				switch (rnd(g, 4)) {
				case 0: tok(g, "none"); break;
				case 1: tok(g, "outbound"); break;
				case 2: tok(g, "any"); break;
				default:
					tok(g, "connect");
					for (int k = 0, nk = 1 + (int)rnd(g, 5); k < nk; k++) {
						if (k)
							tok(g, ",");
						uint32_t lo = 1 + rnd(g, 60000);
						tokf(g, "%u", lo);
						if (rnd(g, 2)) {
							tok(g, "-");
							tokf(g, "%u", lo + rnd(g, 100));
						}
					}
				}
				break;
			case 4:
				if (bind++)
					continue;
				tok(g, "bind");
				tokf(g, "%u", 1024 + rnd(g, 1000));
				break;
			default: tok(g, "env"); tok(g, "keep"); glist(g, envs, 4, 0, 3); break;
			}
			tok(g, ";");
		}
		tok(g, "}");
	}
	int nstmt = 1 + (int)rnd(g, 14);
	for (int i = 0; i < nstmt; i++) {
		switch (rnd(g, 6)) {
		case 0:
			tokf(g, "set s%d", g->sets);
			tok(g, "=");
			glist(g, NULL, 0, 1, 5); /* may name the sets before this one */
			tok(g, ";");
			g->sets++;
			break;
		case 1:
			/* a short rule, named after its first item: make that unique */
			gdec(g);
			if (rnd(g, 2)) {
				tok(g, "program");
				tokf(g, "\"prog%d\"", g->rules++);
				if (rnd(g, 2)) {
					tok(g, ",");
					glist(g, progs, NPROGS, 0, 12);
				}
			} else {
				tok(g, "substring");
				tokf(g, "\"pat%d\"", g->rules++);
				if (rnd(g, 2)) {
					tok(g, ",");
					glist(g, NULL, 0, 1, 6);
				}
			}
			if (rnd(g, 2)) {
				tok(g, "because");
				gstr(g, "why");
			}
			tok(g, ";");
			break;
		case 2:
			tok(g, "intent");
			if (rnd(g, 2)) {
				tok(g, "network");
				tok(g, "program");
				glist(g, progs, NPROGS, 0, 3);
			} else {
				tok(g, "write");
				tok(g, "program");
				glist(g, progs, NPROGS, 0, 3);
				tok(g, "target");
				for (int k = 0, nk = 1 + (int)rnd(g, 4); k < nk; k++) {
					if (k)
						tok(g, ",");
					switch (rnd(g, 5)) {
					case 0: tok(g, "last"); break;
					case 1: tok(g, "operands"); break;
					case 2: tok(g, "operands"); tok(g, "from"); tokf(g, "%u", 1 + rnd(g, 3)); break;
					case 3: tok(g, "after"); tok(g, "\"-o\""); break;
					default: tok(g, "value"); tok(g, "\"of=\""); break;
					}
				}
			}
			if (rnd(g, 2)) {
				tok(g, "when");
				gcond(g, 0, 1);
			}
			tok(g, ";");
			break;
		default: {
			tokf(g, "rule \"r%d\"", g->rules++);
			tok(g, "{");
			int when_first = (int)rnd(g, 3);
			for (int k = 0; k < 2; k++) {
				if ((k == 0) == (when_first != 0)) {
					if (rnd(g, 6) == 0)
						continue; /* no when: always */
					tok(g, "when");
					gcond(g, 0, 0);
					if (rnd(g, 4) == 0) {
						tok(g, "unless");
						gcond(g, 0, 0);
					}
				} else if (rnd(g, 4) == 0) {
					tokf(g, "evaluate script arg %u", 1 + rnd(g, 4));
				} else {
					gdec(g);
					if (rnd(g, 2)) {
						tok(g, "because");
						gstr(g, "r");
					}
				}
				tok(g, ";");
			}
			tok(g, "}");
			break;
		}
		}
	}
}

/* Join the tokens with random white space and comments. */
static char *gjoin(struct gen *g)
{
	char *out = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&out, &len);
	/* white space, or a comment: before the number, after it */
	static const char *const seps[][2] = {
		{ " ", NULL }, { " ", NULL }, { " ", NULL }, { " ", NULL }, { " ", NULL }, { " ", NULL },
		{ "  ", NULL }, { "\t", NULL }, { "\n", NULL }, { "\n", NULL }, { "\n\n", NULL }, { "\n\n\n", NULL },
		{ " # c", "\n" }, { "\n# own ", "\n" }, { "\n\n# para ", "\n\n" }, { "  #t", "   \n" },
		{ "\n   # x", "\n   # y\n" }, { "#", "#\n" },
	};
	for (size_t i = 0; i < g->n; i++) {
		if (i || rnd(g, 3) == 0) {
			const char *const *sp = seps[rnd(g, sizeof seps / sizeof seps[0])];
			fputs(sp[0], m);
			if (sp[1])
				fprintf(m, "%zu%s", i, sp[1]);
		}
		fputs(g->tok[i], m);
	}
	if (rnd(g, 2))
		fprintf(m, " # end\n");
	fclose(m);
	return out;
}

Test(generated, format_is_idempotent_and_keeps_the_image_and_comments, .timeout = 0)
{
	struct gen g = { .s = 0x9e3779b97f4a7c15ull };
	const char *seed = getenv("CPOL_FMT_SEED");
	if (seed)
		g.s = strtoull(seed, NULL, 0) | 1;
	int rounds = getenv("CPOL_FMT_ROUNDS") ? atoi(getenv("CPOL_FMT_ROUNDS")) : 400;
	for (int r = 0; r < rounds; r++) {
		g.n = 0;
		g.sets = g.rules = 0;
		gpolicy(&g);
		char *src = gjoin(&g);
		for (size_t i = 0; i < g.n; i++)
			free(g.tok[i]);
		char diag[8192];
		char *out = fmt(src, diag, sizeof diag);
		cr_assert_not_null(out, "round %d: refused:\n%s\n%s", r, src, diag);
		char *again = fmt(out, diag, sizeof diag);
		cr_assert_not_null(again, "round %d: output does not parse:\n%s\n%s", r, out, diag);
		cr_assert_str_eq(again, out, "round %d: not idempotent:\n%s--- source:\n%s", r, out, src);
		same_comments(src, out);
		const char *path[] = { "gen.cpol" };
		const char *t1[] = { src }, *t2[] = { out };
		struct img a = compile_mem(path, t1, 1, "gen.cpol");
		cr_assert(a.ok, "round %d: the generated policy does not compile:\n%s\n%s", r, src, a.diag);
		struct img b = compile_mem(path, t2, 1, "gen.cpol");
		cr_assert(b.ok, "round %d: the formatted policy does not compile:\n%s\n%s", r, out, b.diag);
		cr_assert_eq(a.hash, b.hash, "round %d: another image:\n%s--- formatted:\n%s", r, src, out);
		free(again);
		free(out);
		free(src);
	}
	free(g.tok);
}
