/* tests/audit/helpers.h -- what the audit tests share: a strict JSON
 * validator written independently of audit/jsonread.c (so the two check
 * each other), temporary folders, reading files, splitting lines,
 * deterministic random numbers.
 */
#ifndef CPOL_TESTS_AUDIT_HELPERS_H
#define CPOL_TESTS_AUDIT_HELPERS_H

#include <stddef.h>

/* 1 when s[0..n) is exactly one valid JSON text (RFC 8259, strict UTF-8,
 * no lone surrogates), else 0. */
int json_valid(const char *s, size_t n);

/* A fresh folder under /tmp (static buffer per call site is the caller's). */
void tmpdir_make(char out[256]);
void rm_rf(const char *path);

/* The whole file, NUL-terminated; *len its size. NULL when unreadable. */
char *slurp(const char *path, size_t *len);

/* Split buf at '\n' in place: fills lines/lens (up to max), returns how
 * many. A piece after the last newline counts as a line. */
size_t split_lines(char *buf, size_t len, char **lines, size_t *lens, size_t max);

/* The next number of a xorshift64 generator at *state (non-zero):
 * deterministic random tests repeat from the same seed. */
unsigned xorshift_next(unsigned long long *state);

#endif
