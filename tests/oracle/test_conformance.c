/* tests/oracle/test_conformance.c -- the conformance table
 * (tests/oracle/conformance.tsv): known-safe commands, known-dangerous ones
 * and other agents' documented rule bypasses, judged by the four sandboxed
 * stdlib profiles through libcodexpol, each line three ways: as a command
 * line (its argv when it is one simple command), as `sh -c LINE` and as
 * `bash -c LINE`. Nothing runs.
 *
 * It fails on any dangerous allow (a row expecting ask or forbid that some
 * form allows in some profile) and when the agreement -- judgments that
 * match their row's expectation, over all judgments -- falls below 98 %.
 * The figures go to the log (--verbose) so that the README can quote them.
 *
 * Finds the images in $top_builddir/stdlib-policies and the table in
 * $top_srcdir/tests/oracle ("." when unset).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codexpol.h"
#include "tests/stdlib/profiles.h"

#define NPROFILES STDLIB_NSANDBOXED
#define NFORMS 3
#define MAXLINE 8192

static const char *const forms[NFORMS] = { "line", "sh -c", "bash -c" };


enum expect { EX_ALLOW, EX_ASK, EX_FORBID, EX_ANY };


static int parse_expect(const char *w, size_t n)
{
	static const char *const names[] = { "allow", "ask", "forbid", "any" };
	for (int k = 0; k < 4; k++)
		if (strlen(names[k]) == n && !strncmp(w, names[k], n))
			return k;
	return -1;
}

/* EXPECT is one token for all four profiles or four separated by commas. */
static int parse_expects(const char *field, int out[NPROFILES])
{
	const char *s = field;
	int n = 0;
	while (n < NPROFILES) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		int e = parse_expect(s, len);
		if (e < 0)
			return -1;
		out[n++] = e;
		if (!comma)
			break;
		s = comma + 1;
	}
	if (n == 1)
		for (int p = 1; p < NPROFILES; p++)
			out[p] = out[0];
	else if (n != NPROFILES || strchr(s, ','))
		return -1;
	return 0;
}

static cpol_decision judge(cpol_ctx *ctx, int form, const char *cmd, cpol_result *r)
{
	if (form == 0)
		return cpol_eval_line(ctx, cmd, strlen(cmd), r);
	const char *argv[] = { form == 1 ? "sh" : "bash", "-c", cmd };
	return cpol_eval(ctx, 3, argv, r);
}

Test(conformance, table)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/oracle/conformance.tsv", stdlib_dir("top_srcdir"));
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s", path);

	cpol_image *im[NPROFILES];
	cpol_ctx *ctx[NPROFILES];
	for (int p = 0; p < NPROFILES; p++) {
		ctx[p] = stdlib_profile_ctx(stdlib_profiles[p], &im[p]);
	}

	static char line[MAXLINE];
	unsigned lineno = 0, rows = 0, safe_rows = 0, danger_rows = 0;
	unsigned judged = 0, agree = 0, safe_judged = 0, safe_agree = 0;
	unsigned dangerous_allows = 0, weak_forbids = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		size_t len = strlen(line);
		cr_assert(len > 0 && line[len - 1] == '\n', "conformance.tsv:%u: line too long or unterminated", lineno);
		line[--len] = 0;
		if (len == 0 || line[0] == '#')
			continue;
		char *t1 = strchr(line, '\t');
		char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		cr_assert(t1 && t2 && t2[1], "conformance.tsv:%u: expected EXPECT, CLASS and LINE", lineno);
		*t1 = *t2 = 0;
		const char *cls = t1 + 1;
		char *cmd = t2 + 1;
		/* <NL> stands for a newline (line continuations, two lines) */
		for (char *nl; (nl = strstr(cmd, "<NL>"));) {
			*nl = '\n';
			memmove(nl + 1, nl + 4, strlen(nl + 4) + 1);
		}
		int want[NPROFILES];
		cr_assert_eq(parse_expects(line, want), 0, "conformance.tsv:%u: bad EXPECT '%s'", lineno, line);
		rows++;
		int safe = 1;
		for (int p = 0; p < NPROFILES; p++)
			if (want[p] == EX_ASK || want[p] == EX_FORBID)
				safe = 0;
		if (safe)
			safe_rows++;
		else
			danger_rows++;

		for (int p = 0; p < NPROFILES; p++) {
			if (want[p] == EX_ANY)
				continue;
			for (int fm = 0; fm < NFORMS; fm++) {
				cpol_result r;
				cpol_decision got = judge(ctx[p], fm, cmd, &r);
				int ok = want[p] == EX_ALLOW    ? got == CPOL_ALLOW
				       : want[p] == EX_FORBID ? got == CPOL_FORBID
				                              : got != CPOL_ALLOW;
				judged++;
				agree += ok;
				if (want[p] == EX_ALLOW) {
					safe_judged++;
					safe_agree += ok;
				}
				if (ok)
					continue;
				if (got == CPOL_ALLOW) {
					dangerous_allows++;
					cr_log_error("conformance.tsv:%u: DANGEROUS ALLOW %s (%s): [%s] `%s` by \"%s\"", lineno,
					             stdlib_profiles[p], forms[fm], cls, cmd, r.verdict.rule);
				} else if (want[p] == EX_FORBID) {
					weak_forbids++;
					cr_log_error("conformance.tsv:%u: %s (%s): [%s] `%s` should be forbid but is %s by \"%s\"",
					             lineno, stdlib_profiles[p], forms[fm], cls, cmd, cpol_decision_name(got),
					             r.verdict.rule);
				} else {
					cr_log_warn("conformance.tsv:%u: %s (%s): [%s] safe `%s` is %s by \"%s\" (%s)", lineno,
					            stdlib_profiles[p], forms[fm], cls, cmd, cpol_decision_name(got), r.verdict.rule,
					            r.verdict.reason);
				}
			}
		}
	}
	fclose(f);
	for (int p = 0; p < NPROFILES; p++) {
		stdlib_profile_close(ctx[p], im[p]);
	}
	double pct = judged ? 100.0 * agree / judged : 0;
	double safe_pct = safe_judged ? 100.0 * safe_agree / safe_judged : 0;
	cr_log_info("conformance: %u rows (%u safe, %u dangerous), %u judgments (%d profiles x %d forms)", rows,
	            safe_rows, danger_rows, judged, NPROFILES, NFORMS);
	cr_log_info("conformance: agreement %.2f %% (%u/%u), on safe rows %.2f %% (%u/%u)", pct, agree, judged,
	            safe_pct, safe_agree, safe_judged);
	cr_log_info("conformance: dangerous allows %u, forbid rows not forbidden %u", dangerous_allows, weak_forbids);
	cr_expect_geq(rows, 300, "the table should hold at least 300 rows, has %u", rows);
	cr_expect_eq(dangerous_allows, 0, "%u dangerous allows (see the messages above)", dangerous_allows);
	cr_expect_eq(weak_forbids, 0, "%u forbid rows not forbidden (see the messages above)", weak_forbids);
	cr_expect_geq(pct, 98.0, "agreement %.2f %% is below 98 %%", pct);
	cr_expect_geq(safe_pct, 98.0, "agreement on safe rows %.2f %% is below 98 %%", safe_pct);
}
