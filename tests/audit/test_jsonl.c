/* tests/audit/test_jsonl.c -- the JSON escaper and the bounded record
 * builder: every escaping rule, exact records, truncation markers, bounds,
 * and a few thousand random argv checked by an independent validator.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "audit/jsonl.h"
#include "audit/jsonread.h"
#include "helpers.h"

static char *escape(const char *s, size_t n)
{
	size_t cap = n * 6 + 16;
	char *buf = malloc(cap);
	struct cpol_jbuf b;
	cpol_jbuf_init(&b, buf, cap);
	cpol_jbuf_str(&b, s, n, SIZE_MAX);
	cr_assert(!b.full);
	/* without the quotes */
	memmove(buf, buf + 1, b.len - 2);
	buf[b.len - 2] = '\0';
	return buf;
}

struct esc_case {
	const char *in;
	size_t n;
	const char *out;
};
#define E(lit, out) { lit, sizeof lit - 1, out }

Test(jsonl, escaping_rules)
{
	static const struct esc_case cases[] = {
		E("plain text 123", "plain text 123"),
		E("\"", "\\\""),
		E("\\", "\\\\"),
		E("/", "/"),
		E("\b\f\n\r\t", "\\b\\f\\n\\r\\t"),
		E("\0", "\\u0000"),
		E("\x01", "\\u0001"),
		E("\x1b[31m", "\\u001b[31m"),
		E("\x1f", "\\u001f"),
		E("\x7f", "\\u007f"),
		E("caf\xc3\xa9", "caf\xc3\xa9"),                 /* é raw */
		E("\xe2\x82\xac", "\xe2\x82\xac"),               /* € raw */
		E("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80"),       /* U+1F600 raw */
		E("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"),       /* U+10FFFF raw */
		E("\xc2\x85", "\\u0085"),                        /* NEL, a C1 control */
		E("\xc2\x9b", "\\u009b"),                        /* CSI */
		E("\xc2\xa0", "\xc2\xa0"),                       /* NBSP is fine */
		E("\xe2\x80\xa8\xe2\x80\xa9", "\\u2028\\u2029"),
		E("\xe2\x80\x8e\xe2\x80\x8f", "\\u200e\\u200f"),
		E("\xe2\x80\xae", "\\u202e"),                    /* RLO */
		E("\xe2\x81\xa6\xe2\x81\xa9", "\\u2066\\u2069"),
		E("\x80", "\\ufffd"),                            /* lone continuation */
		E("\xff", "\\ufffd"),
		E("\xfe\xff", "\\ufffd\\ufffd"),
		E("\xc0\xaf", "\\ufffd\\ufffd"),                 /* overlong '/' */
		E("\xe0\x80\xaf", "\\ufffd\\ufffd\\ufffd"),      /* overlong */
		E("\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd"),      /* surrogate D800 */
		E("\xf4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd"), /* > U+10FFFF */
		E("\xe2\x82", "\\ufffd\\ufffd"),                 /* truncated € */
		E("a\xe2\x82z", "a\\ufffd\\ufffdz"),
		E("\xc3", "\\ufffd"),
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *got = escape(cases[i].in, cases[i].n);
		cr_expect_str_eq(got, cases[i].out, "case %zu", i);
		cr_expect_eq(cpol_json_escaped_len(cases[i].in, cases[i].n), strlen(cases[i].out),
		             "length of case %zu", i);
		size_t qn = strlen(got) + 2;
		char *q = malloc(qn + 1);
		q[0] = '"';
		memcpy(q + 1, got, qn - 2);
		q[qn - 1] = '"';
		q[qn] = 0;
		cr_expect(json_valid(q, qn), "case %zu is valid JSON", i);
		free(q);
		free(got);
	}
}

static const struct cpol_audit_meta meta = { "2025-01-02T03:04:05.678Z", "s-1", "0123456789abcdef", 2, 4242 };

static char *format(const struct cpol_audit_record *r, size_t cap, int *trunc)
{
	char *buf = malloc(cap + 1);
	size_t n = cpol_audit_format(buf, cap, &meta, r, trunc);
	cr_assert(n <= cap && n > 0);
	cr_assert_eq(buf[n - 1], '\n');
	cr_assert(memchr(buf, '\n', n - 1) == NULL, "one line");
	buf[n] = '\0';
	cr_assert(json_valid(buf, n - 1), "valid JSON: %s", buf);
	return buf;
}

Test(jsonl, full_record_exact)
{
	char *argv[] = { "git", "status", "--short", NULL };
	struct cpol_audit_record r = CPOL_AUDIT_RECORD_INIT;
	r.op = "exec";
	r.argv = argv;
	r.argc = 3;
	r.cwd = "~/src";
	r.decision = "allow";
	r.rule = "git read-only";
	r.reason = "reads only";
	r.source = "std.cpol:12:1";
	r.profile = "workspace-write";
	r.policy = "0011223344556677";
	r.approval = "accepted (--approve=always)";
	r.landlock_abi = 7;
	r.degraded = "none";
	r.env_removed = "LD_PRELOAD,BASH_ENV";
	r.status = 0;
	r.signal = 9;
	r.duration_ms = 12;
	int t = -1;
	char *got = format(&r, CPOL_AUDIT_RECORD_MAX, &t);
	cr_expect_eq(t, 0);
	cr_expect_str_eq(got,
		"{\"ts\":\"2025-01-02T03:04:05.678Z\",\"session\":\"s-1\",\"run\":\"0123456789abcdef\","
		"\"seq\":2,\"pid\":4242,\"op\":\"exec\",\"argv\":[\"git\",\"status\",\"--short\"],"
		"\"cwd\":\"~/src\",\"decision\":\"allow\",\"rule\":\"git read-only\","
		"\"reason\":\"reads only\",\"source\":\"std.cpol:12:1\",\"profile\":\"workspace-write\","
		"\"policy\":\"0011223344556677\",\"approval\":\"accepted (--approve=always)\","
		"\"landlock_abi\":7,\"degraded\":\"none\",\"env_removed\":\"LD_PRELOAD,BASH_ENV\","
		"\"status\":0,\"signal\":9,\"duration_ms\":12}\n");
	free(got);
}

Test(jsonl, absent_fields_left_out)
{
	struct cpol_audit_record r = CPOL_AUDIT_RECORD_INIT;
	r.op = "policy_load";
	char *got = format(&r, CPOL_AUDIT_RECORD_MAX, NULL);
	cr_expect_str_eq(got, "{\"ts\":\"2025-01-02T03:04:05.678Z\",\"session\":\"s-1\","
	                      "\"run\":\"0123456789abcdef\",\"seq\":2,\"pid\":4242,"
	                      "\"op\":\"policy_load\"}\n");
	free(got);
	/* an empty argv is present, as [] */
	char *none[] = { NULL };
	r.argv = none;
	r.argc = 0;
	got = format(&r, CPOL_AUDIT_RECORD_MAX, NULL);
	cr_expect(strstr(got, "\"argv\":[]") != NULL);
	free(got);
}

/* The number in "…[truncated N bytes]" inside s, or -1. */
static long marker_bytes(const char *s)
{
	const char *m = strstr(s, "\xe2\x80\xa6[truncated ");
	if (!m)
		return -1;
	return strtol(m + strlen("\xe2\x80\xa6[truncated "), NULL, 10);
}

Test(jsonl, one_mebibyte_argument)
{
	size_t big = 1 << 20;
	char *a = malloc(big + 1);
	memset(a, 'x', big);
	a[big] = 0;
	char *argv[] = { "echo", a, "tail", NULL };
	struct cpol_audit_record r = CPOL_AUDIT_RECORD_INIT;
	r.op = "exec";
	r.argv = argv;
	r.argc = 3;
	r.cwd = "/";
	int t = 0;
	char *got = format(&r, CPOL_AUDIT_RECORD_MAX, &t);
	cr_expect_eq(t, 1);
	cr_expect(strlen(got) <= CPOL_AUDIT_RECORD_MAX);
	cr_expect(strlen(got) > CPOL_AUDIT_RECORD_MAX - 1024, "uses the space: %zu", strlen(got));
	cr_expect(strstr(got, "\"truncated\":true") != NULL);
	cr_expect(strstr(got, "\"tail\"") != NULL, "short arguments stay whole");
	cr_expect(strstr(got, "\"cwd\":\"/\"") != NULL);

	struct cpol_audit_view v;
	cr_assert_eq(cpol_audit_view_parse(&v, got, strlen(got) - 1), 0);
	cr_assert_eq(v.nargv, 3);
	const struct cpol_jstr *x = &v.argv[1];
	size_t kept = 0;
	while (kept < x->n && x->s[kept] == 'x')
		kept++;
	long omitted = marker_bytes(got);
	cr_expect_eq((size_t)omitted + kept, big, "kept %zu + omitted %ld", kept, omitted);
	cpol_audit_view_free(&v);
	free(got);
	free(a);
}

Test(jsonl, many_arguments)
{
	int argc = 100000;
	char **argv = calloc((size_t)argc + 1, sizeof *argv);
	for (int i = 0; i < argc; i++)
		argv[i] = "arg";
	struct cpol_audit_record r = CPOL_AUDIT_RECORD_INIT;
	r.op = "exec";
	r.argv = argv;
	r.argc = argc;
	char *got = format(&r, CPOL_AUDIT_RECORD_MAX, NULL);
	struct cpol_audit_view v;
	cr_assert_eq(cpol_audit_view_parse(&v, got, strlen(got) - 1), 0);
	cr_expect(v.has_argc && v.argc == argc);
	cr_expect(v.truncated);
	const struct cpol_jstr *last = &v.argv[v.nargv - 1];
	char *m = strndup(last->s, last->n);
	long dropped = strtol(m + strlen("\xe2\x80\xa6[truncated "), NULL, 10);
	cr_expect(strstr(m, " arguments]") != NULL, "%s", m);
	cr_expect_eq((size_t)dropped + v.nargv - 1, (size_t)argc);
	cr_expect_gt(v.nargv, 1000, "keeps as many as fit");
	free(m);
	cpol_audit_view_free(&v);
	free(got);
	free(argv);
}

/* Every cap from the minimum up: the record fits, is one valid line, and a
 * bigger cap never keeps less. */
Test(jsonl, bounded_at_every_cap)
{
	char *a = malloc(20001), *b = malloc(3001);
	memset(a, 'a', 20000);
	a[20000] = 0;
	for (int i = 0; i < 3000; i++)
		b[i] = (char)(i % 3 == 0 ? 0x1b : 0xc3); /* escapes grow 6x */
	b[3000] = 0;
	char *argv[200];
	for (int i = 0; i < 200; i++)
		argv[i] = i % 50 == 1 ? a : i % 50 == 2 ? b : "-v";
	struct cpol_audit_record r = CPOL_AUDIT_RECORD_INIT;
	r.op = "exec";
	r.argv = argv;
	r.argc = 200;
	r.cwd = a;
	r.reason = b;
	r.rule = a;
	r.source = b;
	r.profile = a;
	r.policy = b;
	r.approval = a;
	r.degraded = b;
	r.env_removed = a;
	r.status = 1;
	for (size_t cap = CPOL_AUDIT_LINE_MIN; cap <= CPOL_AUDIT_RECORD_MAX; cap += 997) {
		char *got = format(&r, cap, NULL);
		cr_expect(strlen(got) <= cap);
		cr_expect(strstr(got, "\"status\":1") != NULL, "fixed fields survive at %zu", cap);
		cr_expect(strstr(got, "\"truncated\":true") != NULL);
		free(got);
	}
	free(a);
	free(b);
}

Test(jsonl, binary_bytes_1_to_255)
{
	char s[256];
	for (int i = 1; i < 256; i++)
		s[i - 1] = (char)i;
	s[255] = 0;
	char *argv[] = { "printf", s, NULL };
	struct cpol_audit_record r = CPOL_AUDIT_RECORD_INIT;
	r.op = "exec";
	r.argv = argv;
	r.argc = 2;
	char *got = format(&r, CPOL_AUDIT_RECORD_MAX, NULL);
	struct cpol_audit_view v;
	cr_assert_eq(cpol_audit_view_parse(&v, got, strlen(got) - 1), 0);
	cr_assert_eq(v.nargv, 2);
	/* 0x01..0x7f come back as they were, each of 0x80..0xff as U+FFFD */
	size_t want_len = 127 + 128 * 3;
	cr_assert_eq(v.argv[1].n, want_len);
	for (int i = 1; i < 128; i++)
		cr_expect_eq((unsigned char)v.argv[1].s[i - 1], i);
	for (int i = 0; i < 128; i++)
		cr_expect(memcmp(v.argv[1].s + 127 + 3 * i, "\xef\xbf\xbd", 3) == 0);
	cpol_audit_view_free(&v);
	free(got);
}

static unsigned long long rng_state = 0x9e3779b97f4a7c15ull;

/* Random bytes (no NUL), biased toward the interesting ones. */
static char *random_string(size_t maxlen)
{
	static const unsigned char spice[] = { '"', '\\', '\n', 0x1b, 0x7f, 0x80, 0xbf, 0xc0,
	                                       0xc2, 0xe2, 0xed, 0xf0, 0xf4, 0xff, '-', '=', ':' };
	size_t n = xorshift_next(&rng_state) % (maxlen + 1);
	char *s = malloc(n + 1);
	for (size_t i = 0; i < n; i++) {
		unsigned k = xorshift_next(&rng_state) % 4;
		unsigned char c = k == 0 ? spice[xorshift_next(&rng_state) % sizeof spice]
		                : k == 1 ? (unsigned char)(0x80 + xorshift_next(&rng_state) % 0x80)
		                         : (unsigned char)(1 + xorshift_next(&rng_state) % 255);
		s[i] = (char)c;
	}
	s[n] = 0;
	return s;
}

Test(jsonl, random_argv_always_valid)
{
	for (int round = 0; round < 3000; round++) {
		int argc = (int)(xorshift_next(&rng_state) % 12);
		char *argv[13];
		size_t maxlen = round % 100 == 0 ? 40000 : 200;
		for (int i = 0; i < argc; i++)
			argv[i] = random_string(maxlen);
		argv[argc] = NULL;
		char *cwd = random_string(100);
		struct cpol_audit_record r = CPOL_AUDIT_RECORD_INIT;
		r.op = "exec";
		r.argv = argv;
		r.argc = argc;
		r.cwd = cwd;
		size_t cap = round % 3 == 0 ? CPOL_AUDIT_LINE_MIN : CPOL_AUDIT_RECORD_MAX;
		char *got = format(&r, cap, NULL); /* asserts one valid line within cap */
		struct cpol_audit_view v;
		cr_assert_eq(cpol_audit_view_parse(&v, got, strlen(got) - 1), 0,
		             "the reader takes what the writer wrote: %s", got);
		cr_assert(v.nargv == (size_t)argc || v.truncated);
		cpol_audit_view_free(&v);
		free(got);
		for (int i = 0; i < argc; i++)
			free(argv[i]);
		free(cwd);
	}
}

/* The reader and the independent validator agree on random and mutated
 * lines; neither reads out of bounds (ASan). */
Test(jsonl, reader_agrees_with_validator)
{
	char *argv[] = { "a\"b", "c\\d", "\xe2\x82\xac", NULL };
	struct cpol_audit_record r = CPOL_AUDIT_RECORD_INIT;
	r.op = "exec";
	r.argv = argv;
	r.argc = 3;
	r.status = 3;
	char *good = format(&r, CPOL_AUDIT_RECORD_MAX, NULL);
	size_t n = strlen(good) - 1;
	for (int round = 0; round < 20000; round++) {
		char *m = malloc(n);
		memcpy(m, good, n);
		int edits = 1 + (int)(xorshift_next(&rng_state) % 3);
		for (int e = 0; e < edits; e++)
			m[xorshift_next(&rng_state) % n] = (char)(xorshift_next(&rng_state) % 256);
		size_t len = xorshift_next(&rng_state) % 8 == 0 ? xorshift_next(&rng_state) % (n + 1) : n;
		struct cpol_audit_view v;
		int rc = cpol_audit_view_parse(&v, m, len);
		if (rc == 0)
			cr_assert(json_valid(m, len), "reader accepted invalid JSON: %.*s", (int)len, m);
		cpol_audit_view_free(&v);
		free(m);
	}
	free(good);
	/* hand-picked */
	static const char *bad[] = {
		"", "{", "{}", "[]", "{\"ts\":\"x\",\"session\":\"s\"}", /* no op */
		"{\"ts\":\"x\",\"session\":\"s\",\"op\":\"e\",}",
		"{\"ts\":\"x\",\"session\":\"s\",\"op\":\"e\"} x",
		"{\"ts\":\"\\ud800\",\"session\":\"s\",\"op\":\"e\"}",
		"{\"ts\":\"\\udc00\",\"session\":\"s\",\"op\":\"e\"}",
		"{\"ts\":\"x\",\"session\":\"s\",\"op\":\"e\",\"seq\":01}",
		"{\"ts\":\"x\",\"session\":\"s\",\"op\":\"e\",\"argv\":[\"a\",1]}",
		"{\"ts\":\"x\",\"session\":\"s\",\"op\":\"e\",\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
		"{\"ts\":\"\x01\",\"session\":\"s\",\"op\":\"e\"}",
		"{\"ts\":\"\xff\",\"session\":\"s\",\"op\":\"e\"}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct cpol_audit_view v;
		cr_expect_eq(cpol_audit_view_parse(&v, bad[i], strlen(bad[i])), -1, "bad %zu", i);
		cpol_audit_view_free(&v);
	}
	static const char ok[] = "{\"ts\":\"x\",\"session\":\"s\",\"op\":\"e\",\"seq\":-0,"
	                         "\"x\":{\"y\":[1.5e3,true,null,\"\\ud83d\\ude00\"]},"
	                         "\"argv\":[\"\\u00e9\\/\"],\"status\":99999999999999999999}";
	struct cpol_audit_view v;
	cr_assert_eq(cpol_audit_view_parse(&v, ok, strlen(ok)), 0);
	cr_expect(v.has_seq && v.seq == 0);
	cr_expect(!v.has_status, "too big for int64: left out");
	cr_assert_eq(v.nargv, 1);
	cr_expect(v.argv[0].n == 3 && memcmp(v.argv[0].s, "\xc3\xa9/", 3) == 0);
	cpol_audit_view_free(&v);
}
