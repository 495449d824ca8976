/* common/strbuf.h -- the growable string buffer every layer uses to build
 * text of unknown length (redacted audit strings, a hook's answer).
 *
 * Appending never reports an error where it happens: when memory runs out
 * the buffer sets `oom`, keeps what it had and ignores what follows, so a
 * builder appends freely and checks `oom` once at the end. The text is
 * always NUL-terminated once something was appended (p is NULL before).
 * Start from `struct cpol_strbuf b = { 0 };`, free(b.p) when done.
 */
#ifndef CPOL_COMMON_STRBUF_H
#define CPOL_COMMON_STRBUF_H

#include <stddef.h>

struct cpol_strbuf {
	char *p;
	size_t len, cap;
	int oom;
};

/* Append s[0..n). */
void cpol_sb_add(struct cpol_strbuf *b, const char *s, size_t n);
/* Append one character. */
void cpol_sb_addc(struct cpol_strbuf *b, char c);
/* Append the string s. */
void cpol_sb_adds(struct cpol_strbuf *b, const char *s);

#endif
