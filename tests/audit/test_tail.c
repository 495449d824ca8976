/* tests/audit/test_tail.c -- reading the log back: the last N records,
 * the session and decision filters, the readable and the JSON forms,
 * malformed lines skipped and counted, nothing raw on the terminal, and the
 * backward reader agreeing with the forward one across chunk boundaries.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "audit/show.h"
#include "helpers.h"

static char dir[256], logpath[300];

static void setup(void)
{
	tmpdir_make(dir);
	snprintf(logpath, sizeof logpath, "%s/audit.jsonl", dir);
	unsetenv("CODEXPOL_AUDIT");
}

static void teardown(void)
{
	rm_rf(dir);
}

TestSuite(tail, .init = setup, .fini = teardown);

static void put(const char *text)
{
	FILE *f = fopen(logpath, "a");
	cr_assert(f);
	fputs(text, f);
	fclose(f);
}

/* Run the tail; returns its output (free it) and *rc. */
static char *tail(unsigned n, const char *session, const char *decision, int json, int *rc)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	cpol_error err = { 0 };
	*rc = cpol_audit_tail(logpath, n, session, decision, json, f, &err);
	fclose(f);
	cr_assert_geq(*rc, 0, "tail: %s", err.msg);
	return out;
}

static size_t count_lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

#define REC(ts, sess, seq, op, dec, rule, argv) \
	"{\"ts\":\"" ts "\",\"session\":\"" sess "\",\"run\":\"00000000000000aa\",\"seq\":" #seq \
	",\"pid\":7,\"op\":\"" op "\"" dec rule argv "}\n"

static void sample_log(void)
{
	put(REC("2025-01-01T00:00:01.000Z", "s1", 1, "policy_load", "", "", ""));
	put(REC("2025-01-01T00:00:02.000Z", "s1", 2, "exec", ",\"decision\":\"allow\"",
	        ",\"rule\":\"git read-only\"", ",\"argv\":[\"git\",\"status\"]"));
	put("this is not JSON\n");
	put(REC("2025-01-01T00:00:03.000Z", "s2", 2, "exec", ",\"decision\":\"forbid\"",
	        ",\"rule\":\"net\"", ",\"argv\":[\"curl\",\"https://x\"]"));
	put("\n");
	put("{\"ts\":\"2025\",\"session\":\"s1\",\"op\":\"exec\"\n"); /* torn */
	put("{\"no\":\"record\"}\n");
	put(REC("2025-01-01T00:00:04.000Z", "s1", 3, "exec", ",\"decision\":\"forbid\"",
	        ",\"rule\":\"rm\"", ",\"argv\":[\"rm\",\"-rf\",\"/\"]"));
	put("{\"ts\":\"\xff\",\"session\":\"s1\",\"op\":\"exec\"}\n"); /* invalid UTF-8 */
	put(REC("2025-01-01T00:00:05.000Z", "s1", 4, "exit", "", "", ",\"status\":0"));
}

Test(tail, all_records_readable)
{
	sample_log();
	int rc;
	char *out = tail(0, NULL, NULL, 0, &rc);
	cr_expect_eq(rc, 4, "malformed lines counted: %d", rc);
	cr_expect_str_eq(out,
		"2025-01-01T00:00:01.000Z s1 00000000000000aa#1 policy_load - - --\n"
		"2025-01-01T00:00:02.000Z s1 00000000000000aa#2 exec allow 'git read-only' -- git status\n"
		"2025-01-01T00:00:03.000Z s2 00000000000000aa#2 exec forbid net -- curl https://x\n"
		"2025-01-01T00:00:04.000Z s1 00000000000000aa#3 exec forbid rm -- rm -rf /\n"
		"2025-01-01T00:00:05.000Z s1 00000000000000aa#4 exit - - -- status=0\n");
	free(out);
}

Test(tail, last_n_and_filters)
{
	sample_log();
	int rc;
	char *out = tail(2, NULL, NULL, 0, &rc);
	cr_expect_eq(count_lines(out), 2);
	cr_expect(strstr(out, "00:00:04") && strstr(out, "00:00:05") && strstr(out, "04") < strstr(out, "05"),
	          "oldest first: %s", out);
	free(out);

	out = tail(0, "s1", NULL, 0, &rc);
	cr_expect_eq(count_lines(out), 4);
	cr_expect_null(strstr(out, " s2 "));
	free(out);

	out = tail(0, NULL, "forbid", 0, &rc);
	cr_expect_eq(count_lines(out), 2);
	free(out);

	out = tail(1, "s1", "forbid", 0, &rc);
	cr_expect_str_eq(out, "2025-01-01T00:00:04.000Z s1 00000000000000aa#3 exec forbid rm -- rm -rf /\n");
	free(out);

	out = tail(5, "nobody", NULL, 0, &rc);
	cr_expect_str_eq(out, "");
	free(out);

	out = tail(100, NULL, NULL, 0, &rc); /* more than there are */
	cr_expect_eq(count_lines(out), 5);
	cr_expect_eq(rc, 4);
	free(out);
}

Test(tail, json_lines_as_written)
{
	sample_log();
	int rc;
	char *out = tail(0, NULL, "forbid", 1, &rc);
	cr_expect_str_eq(out,
		REC("2025-01-01T00:00:03.000Z", "s2", 2, "exec", ",\"decision\":\"forbid\"",
		    ",\"rule\":\"net\"", ",\"argv\":[\"curl\",\"https://x\"]")
		REC("2025-01-01T00:00:04.000Z", "s1", 3, "exec", ",\"decision\":\"forbid\"",
		    ",\"rule\":\"rm\"", ",\"argv\":[\"rm\",\"-rf\",\"/\"]"));
	free(out);
}

/* What a log holds is shown, never acted on by the terminal. */
Test(tail, control_characters_shown_escaped)
{
	put("{\"ts\":\"t\",\"session\":\"s\",\"op\":\"exec\",\"argv\":[\"printf\",\"\\u001b[31mred\","
	    "\"it's\",\"a b\",\"\\u009b2J\",\"\xc2\x9b" "raw\",\"\\u202eevil\",\"\"],"
	    "\"reason\":\"line1\\nline2\"}\n");
	int rc;
	char *out = tail(0, NULL, NULL, 0, &rc);
	cr_expect_eq(rc, 0);
	for (const char *p = out; *p; p++)
		cr_expect(*p == '\n' || (unsigned char)*p >= 0x20, "raw control 0x%02x", (unsigned char)*p);
	cr_expect_null(strstr(out, "\xc2\x9b"), "no raw CSI");
	cr_expect_str_eq(out, "t s - exec - - -- printf $'\\x1b[31mred' 'it'\\''s' 'a b' "
	                      "$'\\u009b2J' $'\\u009braw' $'\\u202eevil' '' reason=$'line1\\x0aline2'\n");
	free(out);
	/* the JSON form escapes what a foreign writer left raw */
	out = tail(0, NULL, NULL, 1, &rc);
	cr_expect_null(strstr(out, "\xc2\x9b"));
	cr_expect(strstr(out, "\\u009braw") != NULL);
	cr_expect(json_valid(out, strlen(out) - 1));
	free(out);
}

/* The backward reader (n > 0) and the forward one (n = 0) agree, across
 * 64 KiB chunks, with long lines and a last line without its newline. */
Test(tail, backward_agrees_with_forward)
{
	struct cpol_audit_opts o = { .spec = logpath, .session = "big", .user = "u", .home = "/h" };
	cpol_error err;
	struct cpol_audit *a = cpol_audit_open(&o, &err);
	cr_assert(a, "%s", err.msg);
	char *pad = malloc(70000);
	for (int i = 0; i < 3000; i++) {
		size_t n = (size_t)(i % 97 == 0 ? 69000 : 20 + (i * 37) % 400);
		memset(pad, 'a' + i % 26, n);
		pad[n] = 0;
		char *argv[] = { "echo", pad, NULL };
		struct cpol_audit_record r = CPOL_AUDIT_RECORD_INIT;
		r.op = "exec";
		r.argv = argv;
		r.argc = 2;
		r.decision = i % 3 ? "allow" : "forbid";
		cr_assert_eq(cpol_audit_write(a, &r, &err), 0, "%s", err.msg);
		if (i == 1500)
			put("garbage in the middle\n");
	}
	cpol_audit_close(a);
	free(pad);
	put("{\"ts\":\"t\",\"session\":\"big\",\"op\":\"last\"}"); /* no newline */

	int rc;
	char *all = tail(0, NULL, "forbid", 1, &rc);
	cr_expect_eq(rc, 1);
	size_t total = count_lines(all);
	cr_expect_eq(total, 1000);
	for (unsigned n = 1; n <= 1001; n += 250) {
		char *some = tail(n, NULL, "forbid", 1, &rc);
		size_t got = count_lines(some);
		cr_expect_eq(got, n < total ? n : total);
		size_t la = strlen(all), ls = strlen(some);
		cr_expect(ls <= la && strcmp(all + la - ls, some) == 0, "the last %u records", n);
		free(some);
	}
	free(all);
	char *last = tail(1, NULL, NULL, 0, &rc);
	cr_expect_str_eq(last, "t big - last - - --\n");
	free(last);
}

Test(tail, overlong_lines_skipped)
{
	put(REC("t1", "s", 1, "exec", "", "", ""));
	size_t n = 300000;
	char *junk = malloc(n + 2);
	memset(junk, 'j', n);
	junk[n] = '\n';
	junk[n + 1] = 0;
	put(junk);
	put(REC("t2", "s", 2, "exec", "", "", ""));
	put(junk);
	free(junk);
	int rc;
	char *out = tail(0, NULL, NULL, 0, &rc);
	cr_expect_eq(rc, 2);
	cr_expect_eq(count_lines(out), 2);
	free(out);
	out = tail(5, NULL, NULL, 0, &rc);
	cr_expect_eq(rc, 2);
	cr_expect_eq(count_lines(out), 2);
	free(out);
}

Test(tail, default_path_and_errors)
{
	sample_log();
	setenv("CODEXPOL_AUDIT", logpath, 1);
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);
	cpol_error err = { 0 };
	cr_expect_eq(cpol_audit_tail(NULL, 1, NULL, NULL, 0, f, &err), 0); /* read only the last line */
	fclose(f);
	cr_expect_eq(count_lines(out), 1);
	free(out);

	f = open_memstream(&out, &len);
	setenv("CODEXPOL_AUDIT", "syslog", 1);
	cr_expect_eq(cpol_audit_tail(NULL, 1, NULL, NULL, 0, f, &err), -1);
	cr_expect_str_eq(err.msg, "audit: the audit log goes to syslog, not to a file");
	char missing[400], want[500];
	snprintf(missing, sizeof missing, "%s/missing.jsonl", dir);
	cr_expect_eq(cpol_audit_tail(missing, 0, NULL, NULL, 0, f, &err), -1);
	snprintf(want, sizeof want, "audit: cannot open %s: No such file or directory", missing);
	cr_expect_str_eq(err.msg, want);
	cr_expect_eq(err.code, ENOENT);
	fclose(f);
	free(out);
}

/* What the approval prompt and --explain use for the command's text. */
static char *shown(void (*fn)(FILE *, const char *, size_t), const char *s, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);
	cr_assert_not_null(o);
	fn(o, s, n);
	fclose(o);
	return buf;
}

Test(tail, show_escapes_what_a_terminal_acts_on)
{
	static const struct { const char *in, *word, *text; } t[] = {
		{ "ls", "ls", "ls" },
		{ "a b", "'a b'", "a b" },
		{ "a\\b", "'a\\b'", "a\\b" },
		{ "x\ry", "$'x\\x0dy'", "x\\ry" },
		{ "\x1b[2Kls", "$'\\x1b[2Kls'", "\\x1b[2Kls" },
		{ "a\\b\x1b", "$'a\\\\b\\x1b'", "a\\\\b\\x1b" },
		{ "del\x7f", "$'del\\x7f'", "del\\x7f" },
		{ "c1\xc2\x9b" "2J", "$'c1\\u009b2J'", "c1\\u009b2J" },
		{ "bad\xff\xfe", "$'bad\\xff\\xfe'", "bad\\xff\\xfe" },
		{ "bidi\xe2\x80\xae", "$'bidi\\u202e'", "bidi\\u202e" },
		{ "caf\xc3\xa9", "café", "café" },
		{ "tab\there", "$'tab\\x09here'", "tab\\there" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char *w = shown(cpol_show_word, t[i].in, strlen(t[i].in));
		char *x = shown(cpol_show_text, t[i].in, strlen(t[i].in));
		cr_expect_str_eq(w, t[i].word, "word %zu", i);
		cr_expect_str_eq(x, t[i].text, "text %zu", i);
		for (const char *p = x; *p; p++)
			cr_expect((unsigned char)*p >= 0x20 && *p != 0x7f, "raw 0x%02x in %s", (unsigned char)*p, x);
		free(w);
		free(x);
	}
}
