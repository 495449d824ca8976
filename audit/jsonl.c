/* audit/jsonl.c -- JSON escaping and the bounded record builder (see
 * jsonl.h for the escaping and truncation rules).
 *
 * Never allocates and never makes a system call: it only formats into the
 * caller's buffer, and never writes past its capacity.
 */
#include "audit/jsonl.h"

#include <stdio.h>
#include <string.h>

void cpol_jbuf_init(struct cpol_jbuf *b, char *p, size_t cap)
{
	b->p = p;
	b->len = 0;
	b->cap = cap;
	b->full = 0;
}

void cpol_jbuf_raw(struct cpol_jbuf *b, const char *s, size_t n)
{
	if (b->full)
		return;
	if (n > b->cap - b->len) {
		b->full = 1;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

void cpol_jbuf_cstr(struct cpol_jbuf *b, const char *s)
{
	cpol_jbuf_raw(b, s, strlen(s));
}

static void jbuf_u64(struct cpol_jbuf *b, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof tmp;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	cpol_jbuf_raw(b, tmp + i, sizeof tmp - i);
}

void cpol_jbuf_int(struct cpol_jbuf *b, int64_t v)
{
	if (v < 0) {
		cpol_jbuf_raw(b, "-", 1);
		jbuf_u64(b, (uint64_t)0 - (uint64_t)v);
	} else {
		jbuf_u64(b, (uint64_t)v);
	}
}

/* Length of the well-formed UTF-8 sequence at s[0..n) and its code point,
 * or 0 when s[0] does not start one (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF). */
size_t cpol_utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		if (n < 2 || (s[1] & 0xc0) != 0x80)
			return 0;
		*cp = ((c & 0x1fu) << 6) | (s[1] & 0x3fu);
		return 2;
	}
	if (c >= 0xe0 && c <= 0xef) {
		unsigned lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
		if (n < 3 || s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80)
			return 0;
		*cp = ((c & 0x0fu) << 12) | ((s[1] & 0x3fu) << 6) | (s[2] & 0x3fu);
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
		if (n < 4 || s[1] < lo || s[1] > hi || (s[2] & 0xc0) != 0x80 ||
		    (s[3] & 0xc0) != 0x80)
			return 0;
		*cp = ((c & 0x07u) << 18) | ((s[1] & 0x3fu) << 12) | ((s[2] & 0x3fu) << 6) |
		      (s[3] & 0x3fu);
		return 4;
	}
	return 0;
}

static int unsafe_cp(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x200e || cp == 0x200f ||
	       cp == 0x2028 || cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

size_t cpol_json_unsafe_char(const unsigned char *s, size_t n, unsigned *cp)
{
	size_t k = cpol_utf8_seq(s, n, cp);
	return k > 1 && unsafe_cp(*cp) ? k : 0;
}

static const char hexdig[] = "0123456789abcdef";

static size_t u_escape(unsigned cp, char out[12])
{
	out[0] = '\\';
	out[1] = 'u';
	out[2] = hexdig[(cp >> 12) & 15];
	out[3] = hexdig[(cp >> 8) & 15];
	out[4] = hexdig[(cp >> 4) & 15];
	out[5] = hexdig[cp & 15];
	return 6;
}

size_t cpol_json_escape_unit(const unsigned char *s, size_t n, char out[12], size_t *used)
{
	unsigned cp;
	size_t k = cpol_utf8_seq(s, n, &cp);
	if (k == 0) {
		*used = 1;
		return u_escape(0xfffd, out);
	}
	*used = k;
	if (k == 1) {
		switch (cp) {
		case '"': out[0] = '\\'; out[1] = '"'; return 2;
		case '\\': out[0] = '\\'; out[1] = '\\'; return 2;
		case '\b': out[0] = '\\'; out[1] = 'b'; return 2;
		case '\f': out[0] = '\\'; out[1] = 'f'; return 2;
		case '\n': out[0] = '\\'; out[1] = 'n'; return 2;
		case '\r': out[0] = '\\'; out[1] = 'r'; return 2;
		case '\t': out[0] = '\\'; out[1] = 't'; return 2;
		default:
			if (cp < 0x20 || cp == 0x7f)
				return u_escape(cp, out);
			out[0] = (char)cp;
			return 1;
		}
	}
	if (unsafe_cp(cp))
		return u_escape(cp, out);
	memcpy(out, s, k);
	return k;
}

size_t cpol_json_escaped_len(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len = 0, i = 0;
	char tmp[12];
	while (i < n) {
		size_t used;
		len += cpol_json_escape_unit(u + i, n - i, tmp, &used);
		i += used;
	}
	return len;
}

static size_t ndigits(uint64_t v)
{
	size_t d = 1;
	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d;
}

#define ELLIPSIS "\xe2\x80\xa6" /* U+2026, three bytes */
#define MARK_HEAD ELLIPSIS "[truncated "
#define MARK_BYTES " bytes]"
#define MARK_ARGS " arguments]"

int cpol_jbuf_str(struct cpol_jbuf *b, const char *s, size_t n, size_t limit)
{
	const unsigned char *u = (const unsigned char *)s;
	/* The marker for any number of left-out bytes up to n fits in mlen. */
	size_t mlen = sizeof MARK_HEAD - 1 + ndigits(n) + sizeof MARK_BYTES - 1;
	size_t keep = limit > mlen ? limit - mlen : 0;
	cpol_jbuf_raw(b, "\"", 1);
	size_t start = b->len, mark_len = b->len, mark_in = 0, i = 0;
	while (i < n) {
		char unit[12];
		size_t used, k = cpol_json_escape_unit(u + i, n - i, unit, &used);
		if (b->len - start + k > limit) {
			/* Cut back to the last character boundary that leaves
			 * room for the marker. */
			b->len = mark_len;
			cpol_jbuf_raw(b, MARK_HEAD, sizeof MARK_HEAD - 1);
			jbuf_u64(b, n - mark_in);
			cpol_jbuf_raw(b, MARK_BYTES "\"", sizeof MARK_BYTES);
			return 1;
		}
		cpol_jbuf_raw(b, unit, k);
		if (b->full)
			return 0;
		i += used;
		if (b->len - start <= keep) {
			mark_len = b->len;
			mark_in = i;
		}
	}
	cpol_jbuf_raw(b, "\"", 1);
	return 0;
}

/* Limit for the short fields that are never part of the sharing (ts,
 * session, run, op, decision): they are short by construction. */
#define FIXED_LIMIT 256

void cpol_jbuf_key(struct cpol_jbuf *b, int comma, const char *k)
{
	cpol_jbuf_raw(b, comma ? ",\"" : "\"", comma ? 2 : 1);
	cpol_jbuf_cstr(b, k);
	cpol_jbuf_raw(b, "\":", 2);
}

int cpol_jbuf_field(struct cpol_jbuf *b, int comma, const char *k, const char *v, size_t limit)
{
	cpol_jbuf_key(b, comma, k);
	return cpol_jbuf_str(b, v, strlen(v), limit);
}

static void fstr(struct cpol_jbuf *b, const char *k, const char *v, size_t limit, int *trunc)
{
	if (v)
		*trunc |= cpol_jbuf_field(b, 1, k, v, limit);
}

static void fint(struct cpol_jbuf *b, const char *k, int64_t v)
{
	cpol_jbuf_key(b, 1, k);
	cpol_jbuf_int(b, v);
}

/* One attempt: argv cut to `keep` elements, every free-text string to
 * `share` bytes of escaped content. Returns 0 when the record fit. */
static int build(struct cpol_jbuf *b, const struct cpol_audit_meta *m,
                 const struct cpol_audit_record *r, int argc, int keep, size_t share,
                 int force, int *trunc)
{
	*trunc = force;
	b->len = 0;
	b->full = 0;
	cpol_jbuf_raw(b, "{\"ts\":", 6);
	*trunc |= cpol_jbuf_str(b, m->ts, strlen(m->ts), FIXED_LIMIT);
	fstr(b, "session", m->session, FIXED_LIMIT, trunc);
	fstr(b, "run", m->run, FIXED_LIMIT, trunc);
	cpol_jbuf_key(b, 1, "seq");
	jbuf_u64(b, m->seq);
	fint(b, "pid", m->pid);
	fstr(b, "op", r->op, FIXED_LIMIT, trunc);
	if (r->argv) {
		cpol_jbuf_key(b, 1, "argv");
		cpol_jbuf_raw(b, "[", 1);
		for (int i = 0; i < keep && !b->full; i++) {
			const char *a = r->argv[i] ? r->argv[i] : "";
			if (i)
				cpol_jbuf_raw(b, ",", 1);
			*trunc |= cpol_jbuf_str(b, a, strlen(a), share);
		}
		if (keep < argc) {
			if (keep)
				cpol_jbuf_raw(b, ",", 1);
			cpol_jbuf_raw(b, "\"" MARK_HEAD, sizeof MARK_HEAD);
			jbuf_u64(b, (uint64_t)(argc - keep));
			cpol_jbuf_raw(b, MARK_ARGS "\"", sizeof MARK_ARGS);
			*trunc = 1;
		}
		cpol_jbuf_raw(b, "]", 1);
		if (keep < argc)
			fint(b, "argc", argc);
	}
	fstr(b, "cwd", r->cwd, share, trunc);
	fstr(b, "decision", r->decision, FIXED_LIMIT, trunc);
	fstr(b, "rule", r->rule, share, trunc);
	fstr(b, "reason", r->reason, share, trunc);
	fstr(b, "source", r->source, share, trunc);
	fstr(b, "profile", r->profile, share, trunc);
	fstr(b, "policy", r->policy, share, trunc);
	fstr(b, "approval", r->approval, share, trunc);
	fstr(b, "grants", r->grants, share, trunc);
	if (r->landlock_abi >= 0)
		fint(b, "landlock_abi", r->landlock_abi);
	fstr(b, "degraded", r->degraded, share, trunc);
	fstr(b, "env_removed", r->env_removed, share, trunc);
	if (r->status >= 0)
		fint(b, "status", r->status);
	if (r->signal > 0)
		fint(b, "signal", r->signal);
	if (r->duration_ms >= 0)
		fint(b, "duration_ms", r->duration_ms);
	if (r->processes_ended >= 0)
		fint(b, "processes_ended", r->processes_ended);
	fstr(b, "limits", r->limits, 640, trunc);
	fstr(b, "limit", r->limit, FIXED_LIMIT, trunc);
	fstr(b, "undone", r->undone, share, trunc);
	if (r->refused_total >= 0) {
		cpol_jbuf_key(b, 1, "refused");
		cpol_jbuf_raw(b, "[", 1);
		for (int i = 0; i < r->nrefused && !b->full; i++) {
			if (i)
				cpol_jbuf_raw(b, ",", 1);
			*trunc |= cpol_jbuf_str(b, r->refused[i], strlen(r->refused[i]), share);
		}
		cpol_jbuf_raw(b, "]", 1);
		fint(b, "refused_total", r->refused_total);
	}
	fstr(b, "refused_unknown", r->refused_unknown, share, trunc);
	fstr(b, "agent", r->agent, FIXED_LIMIT, trunc);
	fstr(b, "tool_use_id", r->tool_use_id, share, trunc);
	if (*trunc)
		cpol_jbuf_cstr(b, ",\"truncated\":true");
	cpol_jbuf_raw(b, "}\n", 2);
	return b->full ? -1 : 0;
}

/* The largest value in [lo, hi] with which the record fits: the number of
 * arguments kept (keep < 0, every string at its minimum share) or the share
 * of each string (keep >= 0 arguments kept). lo itself is taken to fit. */
static size_t largest_fit(struct cpol_jbuf *b, const struct cpol_audit_meta *m,
                          const struct cpol_audit_record *r, int argc, int keep, size_t lo, size_t hi,
                          int *trunc)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;
		int fits = keep < 0 ? build(b, m, r, argc, (int)mid, CPOL_AUDIT_MIN_SHARE, 0, trunc) == 0
		                    : build(b, m, r, argc, keep, mid, 0, trunc) == 0;
		if (fits)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

size_t cpol_audit_format(char *buf, size_t cap, const struct cpol_audit_meta *m,
                         const struct cpol_audit_record *r, int *truncated)
{
	struct cpol_jbuf b;
	int t = 0;
	int argc = r->argv && r->argc > 0 ? r->argc : 0;
	cpol_jbuf_init(&b, buf, cap);

	if (build(&b, m, r, argc, argc, SIZE_MAX, 0, &t) == 0)
		goto done;

	/* Too long. First keep as many arguments as fit when every string
	 * gets its minimum share, then give the strings the largest equal
	 * share that fits (shorter strings keep their whole length). */
	int keep = argc;
	if (build(&b, m, r, argc, argc, CPOL_AUDIT_MIN_SHARE, 0, &t) != 0)
		keep = argc > 0 ? (int)largest_fit(&b, m, r, argc, -1, 0, (size_t)argc - 1, &t) : 0;
	size_t share = largest_fit(&b, m, r, argc, keep, CPOL_AUDIT_MIN_SHARE, cap, &t);
	if (build(&b, m, r, argc, keep, share, 0, &t) == 0)
		goto done;

	/* Cannot happen with cap >= CPOL_AUDIT_LINE_MIN; stay valid anyway. */
	struct cpol_audit_record none = CPOL_AUDIT_RECORD_INIT;
	none.op = r->op;
	if (build(&b, m, &none, 0, 0, CPOL_AUDIT_MIN_SHARE, 1, &t) != 0) {
		b.len = 0;
		b.full = 0;
		cpol_jbuf_cstr(&b, "{\"truncated\":true}\n");
	}
	t = 1;
done:
	if (truncated)
		*truncated = t;
	return b.len;
}
