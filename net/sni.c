/* net/sni.c -- the server name of a TLS ClientHello (see sni.h). The
 * handshake bytes are gathered from consecutive records into a bounded
 * local buffer; never allocates. */
#include "net/sni.h"

#include <stdint.h>
#include <string.h>

int cpol_sni_is_tls(unsigned char first)
{
	return first == 22;
}

static unsigned be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

/* A cursor over a byte range: reads past the end fail. */
struct cur { const unsigned char *p; size_t n; };

static int skip(struct cur *c, size_t k)
{
	if (c->n < k)
		return -1;
	c->p += k;
	c->n -= k;
	return 0;
}

/* A vector with an 8- or 16-bit length prefix: *sub gets its bytes. */
static int vec(struct cur *c, int wide, struct cur *sub)
{
	size_t h = wide ? 2 : 1;
	if (c->n < h)
		return -1;
	size_t len = wide ? be16(c->p) : c->p[0];
	if (c->n - h < len)
		return -1;
	sub->p = c->p + h;
	sub->n = len;
	c->p += h + len;
	c->n -= h + len;
	return 0;
}

static int hello(const unsigned char *hs, size_t n, char *name)
{
	struct cur c = { hs, n }, s, ext;
	/* client_version, random, session_id, cipher_suites, compression */
	if (skip(&c, 2 + 32) || vec(&c, 0, &s) || s.n > 32 || vec(&c, 1, &s) || s.n < 2 || s.n % 2 ||
	    vec(&c, 0, &s) || s.n < 1)
		return CPOL_SNI_BAD;
	if (c.n == 0)
		return CPOL_SNI_NONE; /* no extensions at all */
	if (vec(&c, 1, &ext) || c.n != 0)
		return CPOL_SNI_BAD;
	int seen = 0;
	while (ext.n) {
		if (ext.n < 2)
			return CPOL_SNI_BAD;
		unsigned type = be16(ext.p);
		skip(&ext, 2);
		if (vec(&ext, 1, &s))
			return CPOL_SNI_BAD;
		if (type != 0)
			continue;
		if (seen++)
			return CPOL_SNI_BAD; /* two server_name extensions */
		struct cur list;
		if (vec(&s, 1, &list) || s.n != 0 || list.n < 3)
			return CPOL_SNI_BAD;
		/* a list of (type, name): exactly one host_name (type 0) */
		int names = 0;
		while (list.n) {
			if (list.n < 1)
				return CPOL_SNI_BAD;
			unsigned nt = list.p[0];
			struct cur nm;
			skip(&list, 1);
			if (vec(&list, 1, &nm))
				return CPOL_SNI_BAD;
			if (nt != 0)
				continue;
			if (names++ || nm.n == 0 || nm.n > CPOL_HOST_MAX + 1)
				return CPOL_SNI_BAD;
			for (size_t i = 0; i < nm.n; i++) {
				unsigned char ch = nm.p[i];
				name[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
			}
			name[nm.n] = 0;
			if (memchr(nm.p, 0, nm.n) || !cpol_host_valid(name))
				return CPOL_SNI_BAD;
		}
		if (!names)
			return CPOL_SNI_BAD;
	}
	return seen ? CPOL_SNI_FOUND : CPOL_SNI_NONE;
}

int cpol_sni_parse(const unsigned char *buf, size_t n, char name[CPOL_HOST_MAX + 2])
{
	unsigned char hs[CPOL_SNI_MAX];
	size_t have = 0, need = 0;
	size_t at = 0;
	name[0] = 0;
	if (n == 0)
		return CPOL_SNI_MORE;
	if (!cpol_sni_is_tls(buf[0]))
		return CPOL_SNI_NOTTLS;
	for (;;) {
		if (n - at < 5)
			return at >= CPOL_SNI_MAX ? CPOL_SNI_BAD : CPOL_SNI_MORE;
		const unsigned char *rec = buf + at;
		size_t len = be16(rec + 3);
		/* handshake records only, TLS 1.x framing, bounded length */
		if (rec[0] != 22 || rec[1] != 3 || rec[2] > 4 || len == 0 || len > CPOL_SNI_MAX)
			return CPOL_SNI_BAD;
		if (n - at - 5 < len)
			return at + 5 + len > CPOL_SNI_MAX + 5 * 4 ? CPOL_SNI_BAD : CPOL_SNI_MORE;
		if (have + len > sizeof hs)
			return CPOL_SNI_BAD;
		memcpy(hs + have, rec + 5, len);
		have += len;
		at += 5 + len;
		if (!need) {
			if (have < 4)
				continue;
			if (hs[0] != 1)
				return CPOL_SNI_BAD; /* not a ClientHello */
			need = 4 + ((size_t)hs[1] << 16 | (size_t)hs[2] << 8 | hs[3]);
			if (need > sizeof hs || need < 4 + 38)
				return CPOL_SNI_BAD;
		}
		if (have >= need)
			return hello(hs + 4, need - 4, name);
	}
}
