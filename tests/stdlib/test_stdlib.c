/* tests/stdlib/test_stdlib.c -- the stdlib profiles as built by `make`:
 *
 * - table: every command of tests/stdlib/cases.tsv through the five images
 *   via libcodexpol (cpol_eval_line, and cpol_eval on the split words of a
 *   single simple command), against the expected decision of each profile;
 *   every forbid must carry a reason;
 * - acceptance: the cases the issue names (workspace-write: a wrapped
 *   read-only script is allowed part by part, `find . -delete` is not
 *   allowed, `rm -rf /` is forbidden with a reason), the images' names and
 *   defaults;
 * - examples: every rule of every profile decides at least one of the
 *   profile's own `test` examples (read from the .cpol source, judged as the
 *   compiler judges them), by the rule index that `codexpolc --dump` lists
 *   -- the allow rules above all: none is left without an example; an
 *   `evaluate script` rule decides nothing itself, so the profile must
 *   have examples that are split into parts.
 *
 * Finds the images in $top_builddir/stdlib-policies, the sources in
 * $top_srcdir/stdlib-policies and the table in $top_srcdir/tests/stdlib
 * (the harness exports both; "." when unset).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codexpol.h"
#include "vm/shell.h"
#include "tests/stdlib/profiles.h"

#define NPROFILES STDLIB_NPROFILES
#define MAXLINE 8192
#define MAXRULES 512

static void set_cwd(cpol_ctx *ctx, const char *cwd)
{
	cpol_env e = stdlib_base_env;
	cpol_error err = { 0 };
	if (cwd)
		e.cwd = cwd;
	cr_assert_eq(cpol_ctx_set_env(ctx, &e, &err), 0, "cwd %s: %s", cwd ? cwd : "-", err.msg);
}

static int parse_decision(const char *w)
{
	for (int d = CPOL_ALLOW; d <= CPOL_FORBID; d++)
		if (!strcmp(w, cpol_decision_name((cpol_decision)d)))
			return d;
	return -1;
}

/* ---- the shell splitter, for the argv cross-check ---- */

static struct cpol_shell_cmd sh_cmds[64];
static const char *sh_words[1024];
static uint32_t sh_lens[1024];
static struct cpol_shell_redir sh_redirs[64];
static char sh_buf[MAXLINE * 2];
static char argv_buf[MAXLINE * 2];
static const char *argv_ptr[1024];

/* The argv of `line` when it is one simple command the policy judges as
 * its argv; -1 otherwise. */
static uint8_t sh_wflags[1024];

static int line_argv(const char *line)
{
	struct cpol_shell_out so = {
		.cmds = sh_cmds, .maxcmds = 64,
		.words = sh_words, .maxwords = 1024, .wordlens = sh_lens, .wordflags = sh_wflags,
		.redirs = sh_redirs, .maxredirs = 64,
		.buf = sh_buf, .bufcap = sizeof sh_buf,
	};
	uint32_t n = cpol_shell_split(line, strlen(line), &so);
	if (n != 1 || so.flags || sh_cmds[0].flags || sh_cmds[0].nredir || sh_cmds[0].argc == 0)
		return -1;
	/* a glob is a pattern as a line and a plain word as an argv: the two
	 * are the same command only when every word is literal */
	for (uint32_t i = 0; i < sh_cmds[0].argc; i++)
		if (sh_cmds[0].wflags[i])
			return -1;
	size_t used = 0;
	for (uint32_t i = 0; i < sh_cmds[0].argc; i++) {
		uint32_t len = sh_cmds[0].lens[i];
		cr_assert_lt(used + len + 1, sizeof argv_buf);
		memcpy(argv_buf + used, sh_cmds[0].argv[i], len);
		argv_buf[used + len] = 0;
		argv_ptr[i] = argv_buf + used;
		used += len + 1;
	}
	return (int)sh_cmds[0].argc;
}

/* ---- the decision table ---- */

Test(stdlib, table)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/stdlib/cases.tsv", stdlib_dir("top_srcdir"));
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s", path);

	cpol_image *im[NPROFILES];
	cpol_ctx *ctx[NPROFILES];
	for (int p = 0; p < NPROFILES; p++) {
		ctx[p] = stdlib_profile_ctx(stdlib_profiles[p], &im[p]);
	}

	static char line[MAXLINE];
	unsigned lineno = 0, cases = 0, failures = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		size_t len = strlen(line);
		cr_assert(len > 0 && line[len - 1] == '\n', "cases.tsv:%u: line too long or unterminated", lineno);
		line[--len] = 0;
		if (len == 0 || line[0] == '#')
			continue;
		/* five decisions, the cwd, the command (the rest of the line) */
		char *field[7];
		char *s = line;
		for (int k = 0; k < 6; k++) {
			char *tab = strchr(s, '\t');
			cr_assert_not_null(tab, "cases.tsv:%u: expected 7 tab-separated columns", lineno);
			*tab = 0;
			field[k] = s;
			s = tab + 1;
		}
		field[6] = s;
		const char *cwd = strcmp(field[5], "-") ? field[5] : NULL;
		const char *cmd = field[6];
		cr_assert(cmd[0], "cases.tsv:%u: empty command", lineno);
		int argc = line_argv(cmd);

		for (int p = 0; p < NPROFILES; p++) {
			int want = parse_decision(field[p]);
			cr_assert(want >= 0, "cases.tsv:%u: '%s' is not allow, prompt or forbid", lineno, field[p]);
			set_cwd(ctx[p], cwd);
			cpol_result r;
			cpol_decision got = cpol_eval_line(ctx[p], cmd, strlen(cmd), &r);
			cases++;
			if ((int)got != want) {
				failures++;
				cr_log_error("cases.tsv:%u: %s: `%s` should be %s but is %s by \"%s\" (%s:%u) %s", lineno,
				             stdlib_profiles[p], cmd, field[p], cpol_decision_name(got), r.verdict.rule,
				             r.verdict.file, r.verdict.line, r.verdict.reason);
				continue;
			}
			if (got == CPOL_FORBID && !r.verdict.reason[0]) {
				failures++;
				cr_log_error("cases.tsv:%u: %s: `%s` is forbidden by \"%s\" without a reason", lineno,
				             stdlib_profiles[p], cmd, r.verdict.rule);
			}
			if (argc > 0) {
				cpol_result r2;
				cpol_decision got2 = cpol_eval(ctx[p], argc, argv_ptr, &r2);
				if (got2 != got) {
					failures++;
					cr_log_error("cases.tsv:%u: %s: `%s` is %s as a line but %s as an argv", lineno,
					             stdlib_profiles[p], cmd, cpol_decision_name(got), cpol_decision_name(got2));
				}
			}
		}
	}
	fclose(f);
	for (int p = 0; p < NPROFILES; p++) {
		stdlib_profile_close(ctx[p], im[p]);
	}
	cr_log_info("%u cases (%u commands x %d profiles), %u failures", cases, cases / NPROFILES, NPROFILES, failures);
	cr_expect_geq(cases, 300, "the table should hold at least 300 cases, has %u", cases);
	cr_expect_eq(failures, 0, "%u of %u table cases failed (see the messages above)", failures, cases);
}

/* ---- acceptance cases ---- */

Test(stdlib, names_and_defaults)
{
	for (int p = 0; p < NPROFILES; p++) {
		cpol_image *im = stdlib_open_profile(stdlib_profiles[p]);
		cr_expect_str_eq(cpol_image_name(im), stdlib_profiles[p]);
		cr_expect_eq(cpol_image_default(im), CPOL_ALLOW, /* trusted, and the others inside their sandbox */
		             "%s: unexpected default", stdlib_profiles[p]);
		cpol_image_close(im);
	}
}

Test(stdlib, workspace_write_wrapped_script_allowed_part_by_part)
{
	cpol_image *im;
	cpol_ctx *ctx = stdlib_profile_ctx("workspace-write", &im);
	const char *argv[] = { "bash", "-lc", "git status && ls | wc -l" };
	cpol_result r;
	cr_assert_eq(cpol_eval(ctx, 3, argv, &r), CPOL_ALLOW, "%s: %s", r.verdict.rule, r.verdict.reason);
	cr_assert_eq(r.ncommands, 3);
	static const char *const texts[] = { "git status", "ls", "wc -l" };
	for (unsigned k = 0; k < r.ncommands; k++) {
		cr_expect_str_eq(r.commands[k].text, texts[k]);
		cr_expect_eq(r.commands[k].depth, 1);
		cr_expect_eq(r.commands[k].verdict.decision, CPOL_ALLOW, "%s: %s", r.commands[k].text,
		             r.commands[k].verdict.rule);
		cr_expect_geq(r.commands[k].verdict.index, 0, "%s decided by a rule", r.commands[k].text);
	}
	stdlib_profile_close(ctx, im);
}

Test(stdlib, workspace_write_find_delete_not_allowed)
{
	cpol_image *im;
	cpol_ctx *ctx = stdlib_profile_ctx("workspace-write", &im);
	const char *argv[] = { "find", ".", "-delete" };
	cpol_result r;
	cr_expect_neq(cpol_eval(ctx, 3, argv, &r), CPOL_ALLOW, "find . -delete allowed by %s", r.verdict.rule);
	stdlib_profile_close(ctx, im);
}

Test(stdlib, rm_rf_root_forbidden_with_a_reason)
{
	for (int p = 0; p < NPROFILES; p++) {
		cpol_image *im;
		cpol_ctx *ctx = stdlib_profile_ctx(stdlib_profiles[p], &im);
		const char *argv[] = { "rm", "-rf", "/" };
		cpol_result r;
		cpol_decision d = cpol_eval(ctx, 3, argv, &r);
		if (!strcmp(stdlib_profiles[p], "trusted")) {
			cr_expect_eq(d, CPOL_ALLOW, "trusted allows everything");
			cr_expect(strstr(r.verdict.reason, "DESTRUCTIVE") != NULL, "trusted names the category: %s",
			          r.verdict.reason);
		} else {
			cr_expect_eq(d, CPOL_FORBID, "%s: rm -rf / is %s", stdlib_profiles[p], cpol_decision_name(d));
			cr_expect(r.verdict.reason[0] != 0, "%s: forbidden without a reason", stdlib_profiles[p]);
			cr_expect(r.verdict.line > 0 && r.verdict.file[0], "%s: no source position", stdlib_profiles[p]);
		}
		stdlib_profile_close(ctx, im);
	}
}

/* ---- every rule (every allow rule above all) is backed by an example ---- */

struct rule_info {
	int used;
	int dec;        /* 0..2, or 3 for an evaluate-script rule */
	unsigned hits;
	char name[200];
};

/* Read the rule list of an image from `codexpolc --dump`: lines
 *   rule N "NAME"  allow|prompt|forbid ... | evaluate script arg K */
static unsigned dump_rules(const char *profile, struct rule_info *rules)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "'%s/codexpolc' --dump '%s/stdlib-policies/%s.bin'", stdlib_dir("top_builddir"),
	         stdlib_dir("top_builddir"), profile);
	FILE *f = popen(cmd, "r");
	cr_assert_not_null(f, "cannot run %s", cmd);
	static char line[MAXLINE];
	unsigned n = 0;
	while (fgets(line, sizeof line, f)) {
		unsigned idx;
		int off = 0;
		if (sscanf(line, "  rule %u \"%n", &idx, &off) != 1 || off == 0)
			continue;
		cr_assert_lt(idx, MAXRULES);
		/* the name, up to its closing (unescaped) quote */
		const char *s = line + off;
		size_t k = 0;
		while (*s && *s != '"') {
			if (*s == '\\' && s[1])
				s++;
			if (k + 1 < sizeof rules[idx].name)
				rules[idx].name[k++] = *s;
			s++;
		}
		rules[idx].name[k] = 0;
		cr_assert_eq(*s, '"', "unterminated rule name in: %s", line);
		s++;
		while (*s == ' ')
			s++;
		rules[idx].dec = !strncmp(s, "evaluate", 8) ? 3 : !strncmp(s, "allow", 5) ? CPOL_ALLOW
		               : !strncmp(s, "prompt", 6) ? CPOL_PROMPT : !strncmp(s, "forbid", 6) ? CPOL_FORBID : -1;
		cr_assert_geq(rules[idx].dec, 0, "unknown action in: %s", line);
		rules[idx].used = 1;
		if (idx + 1 > n)
			n = idx + 1;
	}
	cr_assert_eq(pclose(f), 0, "%s failed", cmd);
	cr_assert_gt(n, 0, "no rules in the dump of %s", profile);
	return n;
}

/* A small reader of the policy source: skips comments, reads strings with
 * their escapes, words and punctuation. */
struct lexer {
	const char *p, *end;
	unsigned line;
};

enum { T_EOF, T_WORD, T_STRING, T_PUNCT };

static int next_token(struct lexer *lx, char *out, size_t cap)
{
	for (;;) {
		while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r' || *lx->p == '\n')) {
			if (*lx->p == '\n')
				lx->line++;
			lx->p++;
		}
		if (lx->p < lx->end && *lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			continue;
		}
		break;
	}
	if (lx->p >= lx->end)
		return T_EOF;
	size_t k = 0;
	char c = *lx->p;
	if (c == '"') {
		lx->p++;
		while (lx->p < lx->end && *lx->p != '"') {
			char ch = *lx->p++;
			if (ch == '\\' && lx->p < lx->end) {
				char e = *lx->p++;
				switch (e) {
				case 'n': ch = '\n'; break;
				case 't': ch = '\t'; break;
				case 'r': ch = '\r'; break;
				case 'x': {
					unsigned v = 0;
					for (int i = 0; i < 2 && lx->p < lx->end; i++) {
						char h = *lx->p++;
						v = v * 16 + (unsigned)(h >= 'a' ? h - 'a' + 10 : h >= 'A' ? h - 'A' + 10 : h - '0');
					}
					ch = (char)v;
					break;
				}
				default: ch = e; break;
				}
			}
			if (k + 1 < cap)
				out[k++] = ch;
		}
		lx->p++; /* closing quote */
		out[k] = 0;
		return T_STRING;
	}
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') {
		while (lx->p < lx->end && ((*lx->p >= 'a' && *lx->p <= 'z') || (*lx->p >= 'A' && *lx->p <= 'Z') ||
		                           (*lx->p >= '0' && *lx->p <= '9') || *lx->p == '_')) {
			if (k + 1 < cap)
				out[k++] = *lx->p;
			lx->p++;
		}
		out[k] = 0;
		return T_WORD;
	}
	out[0] = *lx->p++;
	out[1] = 0;
	return T_PUNCT;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "cannot open %s", path);
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	cr_assert_geq(n, 0);
	rewind(f);
	char *buf = malloc((size_t)n + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void check_examples(const char *profile)
{
	static struct rule_info rules[MAXRULES];
	memset(rules, 0, sizeof rules);
	unsigned nrules = dump_rules(profile, rules);

	char path[4096];
	snprintf(path, sizeof path, "%s/stdlib-policies/%s.cpol", stdlib_dir("top_srcdir"), profile);
	size_t len;
	char *src = read_file(path, &len);
	struct lexer lx = { src, src + len, 1 };

	cpol_image *im;
	cpol_ctx *ctx = stdlib_profile_ctx(profile, &im);

	static char tok[MAXLINE], example[MAXLINE], cwd[MAXLINE];
	int t, depth = 0, in_test = 0;
	unsigned nexamples = 0, nsplit = 0;
	while ((t = next_token(&lx, tok, sizeof tok)) != T_EOF) {
		if (t == T_PUNCT && tok[0] == '{') {
			depth++;
			continue;
		}
		if (t == T_PUNCT && tok[0] == '}') {
			depth--;
			in_test = 0;
			continue;
		}
		if (depth == 0 && t == T_WORD && !strcmp(tok, "test")) {
			cr_assert_eq(next_token(&lx, tok, sizeof tok), T_PUNCT);
			cr_assert_eq(tok[0], '{');
			depth++;
			in_test = 1;
			continue;
		}
		if (!in_test)
			continue;
		/* DECISION "EXAMPLE" [cwd "DIR"] ; */
		unsigned at = lx.line;
		int want = parse_decision(tok);
		cr_assert(t == T_WORD && want >= 0, "%s:%u: expected allow, prompt or forbid, got '%s'", path, at, tok);
		cr_assert_eq(next_token(&lx, example, sizeof example), T_STRING, "%s:%u", path, at);
		t = next_token(&lx, tok, sizeof tok);
		const char *dir = NULL;
		if (t == T_WORD && !strcmp(tok, "cwd")) {
			cr_assert_eq(next_token(&lx, cwd, sizeof cwd), T_STRING, "%s:%u", path, at);
			dir = cwd;
			t = next_token(&lx, tok, sizeof tok);
		}
		cr_assert(t == T_PUNCT && tok[0] == ';', "%s:%u: expected ';'", path, at);

		set_cwd(ctx, dir);
		cpol_result r;
		cpol_decision got = cpol_eval_line(ctx, example, strlen(example), &r);
		cr_expect_eq((int)got, want, "%s:%u: `%s` should be %s but is %s", path, at, example,
		             cpol_decision_name((cpol_decision)want), cpol_decision_name(got));
		nexamples++;
		nsplit += r.ncommands > 0;
		if (r.verdict.index >= 0 && (unsigned)r.verdict.index < nrules)
			rules[r.verdict.index].hits++;
		for (unsigned k = 0; k < r.ncommands; k++) {
			int i = r.commands[k].verdict.index;
			if (i >= 0 && (unsigned)i < nrules)
				rules[i].hits++;
		}
	}
	cr_expect_eq(depth, 0, "%s: unbalanced braces", path);
	cr_expect_geq(nexamples, 40, "%s: %u examples, at least 40 wanted", profile, nexamples);

	unsigned nallow = 0, nscript = 0, missing_allow = 0, missing = 0;
	for (unsigned i = 0; i < nrules; i++) {
		cr_assert(rules[i].used, "%s: rule %u missing from the dump", profile, i);
		if (rules[i].dec == 3) {
			nscript++;
			continue;
		}
		nallow += rules[i].dec == CPOL_ALLOW;
		if (!rules[i].hits) {
			missing++;
			missing_allow += rules[i].dec == CPOL_ALLOW;
			cr_log_error("%s: %s rule %u \"%s\" decides none of the profile's examples", profile,
			             cpol_decision_name((cpol_decision)rules[i].dec), i, rules[i].name);
		}
	}
	cr_log_info("%s: %u rules (%u allow, %u script), %u examples (%u split into parts)", profile, nrules,
	            nallow, nscript, nexamples, nsplit);
	cr_expect_eq(missing_allow, 0, "%s: %u allow rules without an example", profile, missing_allow);
	cr_expect_eq(missing, 0, "%s: %u rules without an example", profile, missing);
	cr_expect(nscript == 0 || nsplit > 0, "%s: script rules but no example split into parts", profile);

	stdlib_profile_close(ctx, im);
	free(src);
}

Test(examples, offline) { check_examples("offline"); }
Test(examples, net_read_only) { check_examples("net-read-only"); }
Test(examples, workspace_write) { check_examples("workspace-write"); }
Test(examples, workspace_net) { check_examples("workspace-net"); }
Test(examples, trusted) { check_examples("trusted"); }
