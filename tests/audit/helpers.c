/* tests/audit/helpers.c -- see helpers.h. The JSON validator here is a
 * second, independent implementation: it shares no code with audit/. */
#include "helpers.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct jv {
	const unsigned char *p, *end;
	int depth;
};

static void skip_ws(struct jv *v)
{
	while (v->p < v->end && (*v->p == ' ' || *v->p == '\t' || *v->p == '\n' || *v->p == '\r'))
		v->p++;
}

static int j_value(struct jv *v);

static int j_hex(struct jv *v, unsigned *out)
{
	unsigned x = 0;
	for (int i = 0; i < 4; i++) {
		if (v->p >= v->end)
			return 0;
		unsigned c = *v->p++;
		if (c >= '0' && c <= '9') x = x * 16 + (c - '0');
		else if (c >= 'a' && c <= 'f') x = x * 16 + (c - 'a' + 10);
		else if (c >= 'A' && c <= 'F') x = x * 16 + (c - 'A' + 10);
		else return 0;
	}
	*out = x;
	return 1;
}

/* One UTF-8 character (strict), by the table of RFC 3629 section 4. */
static int j_utf8(struct jv *v)
{
	const unsigned char *p = v->p;
	size_t left = (size_t)(v->end - p);
	unsigned c = p[0];
	int need;
	unsigned lo = 0x80, hi = 0xbf;
	if (c <= 0x7f) { v->p++; return 1; }
	else if (c >= 0xc2 && c <= 0xdf) need = 1;
	else if (c == 0xe0) { need = 2; lo = 0xa0; }
	else if (c >= 0xe1 && c <= 0xec) need = 2;
	else if (c == 0xed) { need = 2; hi = 0x9f; }
	else if (c >= 0xee && c <= 0xef) need = 2;
	else if (c == 0xf0) { need = 3; lo = 0x90; }
	else if (c >= 0xf1 && c <= 0xf3) need = 3;
	else if (c == 0xf4) { need = 3; hi = 0x8f; }
	else return 0;
	if (left < (size_t)need + 1)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (int i = 2; i <= need; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	v->p += need + 1;
	return 1;
}

static int j_string(struct jv *v)
{
	if (v->p >= v->end || *v->p != '"')
		return 0;
	v->p++;
	while (v->p < v->end) {
		unsigned c = *v->p;
		if (c == '"') { v->p++; return 1; }
		if (c < 0x20) return 0;
		if (c == '\\') {
			v->p++;
			if (v->p >= v->end) return 0;
			c = *v->p++;
			if (c == 'u') {
				unsigned u, l;
				if (!j_hex(v, &u)) return 0;
				if (u >= 0xdc00 && u <= 0xdfff) return 0;
				if (u >= 0xd800 && u <= 0xdbff) {
					if (v->end - v->p < 6 || v->p[0] != '\\' || v->p[1] != 'u') return 0;
					v->p += 2;
					if (!j_hex(v, &l) || l < 0xdc00 || l > 0xdfff) return 0;
				}
			} else if (!strchr("\"\\/bfnrt", (int)c) || c == 0) {
				return 0;
			}
			continue;
		}
		if (!j_utf8(v)) return 0;
	}
	return 0;
}

static int j_number(struct jv *v)
{
	if (v->p < v->end && *v->p == '-') v->p++;
	if (v->p >= v->end) return 0;
	if (*v->p == '0') v->p++;
	else if (*v->p >= '1' && *v->p <= '9') { while (v->p < v->end && *v->p >= '0' && *v->p <= '9') v->p++; }
	else return 0;
	if (v->p < v->end && *v->p == '.') {
		v->p++;
		if (v->p >= v->end || *v->p < '0' || *v->p > '9') return 0;
		while (v->p < v->end && *v->p >= '0' && *v->p <= '9') v->p++;
	}
	if (v->p < v->end && (*v->p == 'e' || *v->p == 'E')) {
		v->p++;
		if (v->p < v->end && (*v->p == '+' || *v->p == '-')) v->p++;
		if (v->p >= v->end || *v->p < '0' || *v->p > '9') return 0;
		while (v->p < v->end && *v->p >= '0' && *v->p <= '9') v->p++;
	}
	return 1;
}

static int j_word(struct jv *v, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(v->end - v->p) < n || memcmp(v->p, w, n) != 0) return 0;
	v->p += n;
	return 1;
}

static int j_value(struct jv *v)
{
	skip_ws(v);
	if (v->p >= v->end) return 0;
	switch (*v->p) {
	case '{':
		if (++v->depth > 64) return 0;
		v->p++;
		skip_ws(v);
		if (v->p < v->end && *v->p == '}') { v->p++; v->depth--; return 1; }
		for (;;) {
			skip_ws(v);
			if (!j_string(v)) return 0;
			skip_ws(v);
			if (v->p >= v->end || *v->p++ != ':') return 0;
			if (!j_value(v)) return 0;
			skip_ws(v);
			if (v->p >= v->end) return 0;
			if (*v->p == ',') { v->p++; continue; }
			if (*v->p == '}') { v->p++; v->depth--; return 1; }
			return 0;
		}
	case '[':
		if (++v->depth > 64) return 0;
		v->p++;
		skip_ws(v);
		if (v->p < v->end && *v->p == ']') { v->p++; v->depth--; return 1; }
		for (;;) {
			if (!j_value(v)) return 0;
			skip_ws(v);
			if (v->p >= v->end) return 0;
			if (*v->p == ',') { v->p++; continue; }
			if (*v->p == ']') { v->p++; v->depth--; return 1; }
			return 0;
		}
	case '"': return j_string(v);
	case 't': return j_word(v, "true");
	case 'f': return j_word(v, "false");
	case 'n': return j_word(v, "null");
	default: return j_number(v);
	}
}

int json_valid(const char *s, size_t n)
{
	struct jv v = { (const unsigned char *)s, (const unsigned char *)s + n, 0 };
	if (!j_value(&v)) return 0;
	skip_ws(&v);
	return v.p == v.end;
}

void tmpdir_make(char out[256])
{
	snprintf(out, 256, "/tmp/cpol-audit-test-XXXXXX");
	if (!mkdtemp(out)) {
		perror("mkdtemp");
		abort();
	}
}

static int rm_at(int dfd, const char *name)
{
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return -1;
	if (S_ISDIR(st.st_mode)) {
		int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY);
		if (fd >= 0) {
			DIR *d = fdopendir(fd);
			struct dirent *e;
			while (d && (e = readdir(d)))
				if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
					rm_at(fd, e->d_name);
			if (d) closedir(d); else close(fd);
		}
		return unlinkat(dfd, name, AT_REMOVEDIR);
	}
	return unlinkat(dfd, name, 0);
}

void rm_rf(const char *path)
{
	rm_at(AT_FDCWD, path);
}

char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) return NULL;
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap + 1);
	size_t k;
	while (b && (k = fread(b + n, 1, cap - n, f)) > 0) {
		n += k;
		if (n == cap) {
			char *nb = realloc(b, cap * 2 + 1);
			if (!nb) { free(b); b = NULL; break; }
			b = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (!b) return NULL;
	b[n] = '\0';
	if (len) *len = n;
	return b;
}

size_t split_lines(char *buf, size_t len, char **lines, size_t *lens, size_t max)
{
	size_t count = 0, start = 0;
	for (size_t i = 0; i <= len && count < max; i++) {
		if (i == len || buf[i] == '\n') {
			if (i == len && i == start)
				break;
			lines[count] = buf + start;
			lens[count++] = i - start;
			if (i < len)
				buf[i] = '\0';
			start = i + 1;
		}
	}
	return count;
}

unsigned xorshift_next(unsigned long long *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return (unsigned)(*state >> 11);
}
