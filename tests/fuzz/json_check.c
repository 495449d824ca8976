/* tests/fuzz/json_check.c -- a small strict JSON validator (RFC 8259) for
 * the harnesses: the audit writer and codexrun --explain --json must only
 * ever produce what this accepts. Written independently of audit/jsonread.c
 * so that the two can disagree. Never allocates; nesting is bounded. */
#include "tests/fuzz/fuzz.h"

#include <string.h>

#define JSON_MAX_DEPTH 256

struct jc {
	const unsigned char *s;
	size_t n, i;
	const char *err;
};

static int fail(struct jc *c, const char *why)
{
	if (!c->err)
		c->err = why;
	return -1;
}

static void ws(struct jc *c)
{
	while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t' || c->s[c->i] == '\n' || c->s[c->i] == '\r'))
		c->i++;
}

static int lit(struct jc *c, const char *w)
{
	size_t k = strlen(w);
	if (c->n - c->i < k || memcmp(c->s + c->i, w, k) != 0)
		return fail(c, "bad literal");
	c->i += k;
	return 0;
}

static int hex4(struct jc *c, unsigned *v)
{
	if (c->n - c->i < 4)
		return fail(c, "short \\u escape");
	*v = 0;
	for (int k = 0; k < 4; k++) {
		unsigned char h = c->s[c->i++];
		unsigned d;
		if (h >= '0' && h <= '9')
			d = h - '0';
		else if (h >= 'a' && h <= 'f')
			d = h - 'a' + 10;
		else if (h >= 'A' && h <= 'F')
			d = h - 'A' + 10;
		else
			return fail(c, "bad hex digit in \\u escape");
		*v = *v << 4 | d;
	}
	return 0;
}

/* One UTF-8 sequence (RFC 3629) at c->i, s[c->i] >= 0x80. */
static int utf8(struct jc *c)
{
	const unsigned char *p = c->s + c->i;
	size_t left = c->n - c->i, k;
	unsigned b = p[0], lo = 0x80, hi = 0xbf;
	if (b >= 0xc2 && b <= 0xdf)
		k = 2;
	else if (b >= 0xe0 && b <= 0xef)
		k = 3, lo = b == 0xe0 ? 0xa0 : 0x80, hi = b == 0xed ? 0x9f : 0xbf;
	else if (b >= 0xf0 && b <= 0xf4)
		k = 4, lo = b == 0xf0 ? 0x90 : 0x80, hi = b == 0xf4 ? 0x8f : 0xbf;
	else
		return fail(c, "invalid UTF-8 lead byte");
	if (left < k)
		return fail(c, "truncated UTF-8 sequence");
	if (p[1] < lo || p[1] > hi)
		return fail(c, "invalid UTF-8 sequence");
	for (size_t j = 2; j < k; j++)
		if ((p[j] & 0xc0) != 0x80)
			return fail(c, "invalid UTF-8 continuation");
	c->i += k;
	return 0;
}

static int string(struct jc *c)
{
	c->i++; /* the opening quote */
	for (;;) {
		if (c->i >= c->n)
			return fail(c, "unterminated string");
		unsigned char b = c->s[c->i];
		if (b == '"') {
			c->i++;
			return 0;
		}
		if (b < 0x20)
			return fail(c, "raw control character in a string");
		if (b >= 0x80) {
			if (utf8(c) < 0)
				return -1;
			continue;
		}
		c->i++;
		if (b != '\\')
			continue;
		if (c->i >= c->n)
			return fail(c, "unterminated escape");
		b = c->s[c->i++];
		switch (b) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
			break;
		case 'u': {
			unsigned v, w;
			if (hex4(c, &v) < 0)
				return -1;
			if (v >= 0xdc00 && v <= 0xdfff)
				return fail(c, "lone low surrogate");
			if (v >= 0xd800 && v <= 0xdbff) {
				if (c->n - c->i < 2 || c->s[c->i] != '\\' || c->s[c->i + 1] != 'u')
					return fail(c, "lone high surrogate");
				c->i += 2;
				if (hex4(c, &w) < 0)
					return -1;
				if (w < 0xdc00 || w > 0xdfff)
					return fail(c, "high surrogate without its low half");
			}
			break;
		}
		default:
			return fail(c, "invalid escape");
		}
	}
}

static int digits(struct jc *c)
{
	size_t start = c->i;
	while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9')
		c->i++;
	return c->i > start ? 0 : fail(c, "digit expected");
}

static int number(struct jc *c)
{
	if (c->s[c->i] == '-')
		c->i++;
	if (c->i >= c->n)
		return fail(c, "digit expected");
	if (c->s[c->i] == '0') {
		c->i++;
	} else if (digits(c) < 0) {
		return -1;
	}
	if (c->i < c->n && c->s[c->i] == '.') {
		c->i++;
		if (digits(c) < 0)
			return -1;
	}
	if (c->i < c->n && (c->s[c->i] == 'e' || c->s[c->i] == 'E')) {
		c->i++;
		if (c->i < c->n && (c->s[c->i] == '+' || c->s[c->i] == '-'))
			c->i++;
		if (digits(c) < 0)
			return -1;
	}
	return 0;
}

/* After a member or element: 1 at ',' (another follows), 0 at the closing
 * bracket, -1 (failed) otherwise. Consumes what it found. */
static int after_member(struct jc *c, char close)
{
	ws(c);
	if (c->i < c->n && (c->s[c->i] == ',' || c->s[c->i] == (unsigned char)close))
		return c->s[c->i++] == ',';
	return fail(c, close == '}' ? "',' or '}' expected" : "',' or ']' expected");
}

static int value(struct jc *c, int depth)
{
	ws(c);
	if (c->i >= c->n)
		return fail(c, "value expected");
	switch (c->s[c->i]) {
	case '{':
		if (depth >= JSON_MAX_DEPTH)
			return fail(c, "nested too deeply");
		c->i++;
		ws(c);
		if (c->i < c->n && c->s[c->i] == '}') {
			c->i++;
			return 0;
		}
		for (;;) {
			ws(c);
			if (c->i >= c->n || c->s[c->i] != '"')
				return fail(c, "member name expected");
			if (string(c) < 0)
				return -1;
			ws(c);
			if (c->i >= c->n || c->s[c->i] != ':')
				return fail(c, "':' expected");
			c->i++;
			if (value(c, depth + 1) < 0)
				return -1;
			int more = after_member(c, '}');
			if (more <= 0)
				return more;
		}
	case '[':
		if (depth >= JSON_MAX_DEPTH)
			return fail(c, "nested too deeply");
		c->i++;
		ws(c);
		if (c->i < c->n && c->s[c->i] == ']') {
			c->i++;
			return 0;
		}
		for (;;) {
			if (value(c, depth + 1) < 0)
				return -1;
			int more = after_member(c, ']');
			if (more <= 0)
				return more;
		}
	case '"':
		return string(c);
	case 't':
		return lit(c, "true");
	case 'f':
		return lit(c, "false");
	case 'n':
		return lit(c, "null");
	default:
		if (c->s[c->i] == '-' || (c->s[c->i] >= '0' && c->s[c->i] <= '9'))
			return number(c);
		return fail(c, "value expected");
	}
}

const char *fuzz_json_check(const char *s, size_t n, int object, size_t *at)
{
	struct jc c = { (const unsigned char *)s, n, 0, NULL };
	ws(&c);
	if (object && (c.i >= n || s[c.i] != '{'))
		fail(&c, "an object expected");
	else if (value(&c, 0) == 0) {
		ws(&c);
		if (c.i != n)
			fail(&c, "text after the value");
	}
	if (at)
		*at = c.i;
	return c.err;
}
