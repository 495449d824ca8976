/* audit/jsonl.h -- JSON escaping and the bounded record builder of audit/
 * (internal to audit/ and its tests).
 *
 * Escaping rules (cpol_json_escape_unit): every input byte sequence becomes
 * valid JSON string content, whatever it was:
 *   - '"' and '\' are backslash-escaped; \b \f \n \r \t use the short forms;
 *   - the other C0 controls, DEL and the C1 controls (U+0080..U+009F) become
 *     \u00XX; U+2028/U+2029 and the bidirectional formatting characters
 *     (U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) become \uXXXX, so the
 *     log is safe to print on a terminal and to embed in JavaScript;
 *   - well-formed UTF-8 is copied as it is;
 *   - every byte that is not part of a well-formed UTF-8 sequence (stray
 *     continuation bytes, overlong forms, surrogates, > U+10FFFF, truncated
 *     sequences) becomes one \ufffd. The original byte is not recoverable.
 *
 * Truncation: a string that does not fit its share of the record keeps a
 * prefix (cut on a character boundary) followed by the visible marker
 * "…[truncated N bytes]" where N counts the input bytes left out; argv
 * elements that do not fit at all are replaced by one final element
 * "…[truncated N arguments]". A record with any truncation carries
 * "truncated":true (and "argc" with the real count when arguments were left
 * out), so a reader can tell our markers from argument text.
 */
#ifndef CPOL_AUDIT_JSONL_H
#define CPOL_AUDIT_JSONL_H

#include <stddef.h>
#include <stdint.h>

#include "audit/audit.h"

/* A fixed-capacity output buffer. Appending past cap sets `full` and keeps
 * what was there; nothing is ever written beyond cap. */
struct cpol_jbuf {
	char *p;
	size_t len, cap;
	int full;
};

void cpol_jbuf_init(struct cpol_jbuf *b, char *p, size_t cap);
void cpol_jbuf_raw(struct cpol_jbuf *b, const char *s, size_t n);
void cpol_jbuf_cstr(struct cpol_jbuf *b, const char *s);
void cpol_jbuf_int(struct cpol_jbuf *b, int64_t v);
/* A JSON string literal (with its quotes) of s[0..n). When the escaped
 * content is longer than `limit` bytes it is cut and the truncation marker
 * added (the content is then at most max(limit, marker length) bytes).
 * Returns 1 when it truncated, else 0. */
int cpol_jbuf_str(struct cpol_jbuf *b, const char *s, size_t n, size_t limit);
/* An object member's key and ':', after a ',' when comma is set. */
void cpol_jbuf_key(struct cpol_jbuf *b, int comma, const char *k);
/* A member whose value is the string v (cut as cpol_jbuf_str does). */
int cpol_jbuf_field(struct cpol_jbuf *b, int comma, const char *k, const char *v, size_t limit);

/* Escape the character at s[0..n) (n > 0): writes at most 12 bytes to out
 * and returns how many; *used gets the number of input bytes it took. */
size_t cpol_json_escape_unit(const unsigned char *s, size_t n, char out[12], size_t *used);
/* Length of the escaped content of s[0..n) (without quotes). */
size_t cpol_json_escaped_len(const char *s, size_t n);

/* The parts of a record that the writer adds. */
struct cpol_audit_meta {
	const char *ts;      /* RFC 3339 UTC with milliseconds */
	const char *session;
	const char *run;
	uint64_t seq;
	long pid;
};

/* Smallest cap cpol_audit_format accepts: every record fits in it, with
 * every free-text field cut to its minimum share. */
#define CPOL_AUDIT_LINE_MIN 4096
/* The minimum share of a free-text field in an over-long record. */
#define CPOL_AUDIT_MIN_SHARE 64

/* Build one record (already sanitised strings) as one line ending in '\n'
 * into buf[0..cap), cap >= CPOL_AUDIT_LINE_MIN. Returns its length (always
 * <= cap). *truncated (may be NULL) is set to 1 when something was cut. */
size_t cpol_audit_format(char *buf, size_t cap, const struct cpol_audit_meta *m,
                         const struct cpol_audit_record *r, int *truncated);

/* Length (1..4) of the well-formed UTF-8 sequence at s[0..n), n > 0, and
 * its code point, or 0 when s[0] does not start one. */
size_t cpol_utf8_seq(const unsigned char *s, size_t n, unsigned *cp);

/* Is the character at s[0..n) one that the writer escapes although JSON
 * allows it raw (C1 controls, U+2028/9, bidi controls)? Returns its length
 * in bytes (2 or 3) and the code point in *cp, or 0. Used by the reader to
 * make foreign lines safe to print. */
size_t cpol_json_unsafe_char(const unsigned char *s, size_t n, unsigned *cp);

#endif
