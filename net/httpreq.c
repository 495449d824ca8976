/* net/httpreq.c -- parsing a proxy request's head and rewriting it for the
 * origin server (see httpreq.h). Never allocates. */
#include "net/httpreq.h"

#include <string.h>
#include <strings.h>

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int ieq(const char *a, size_t an, const char *b)
{
	return strlen(b) == an && !strncasecmp(a, b, an);
}

/* "host[:port]" (authority, no user info) into r->host / r->port. */
static int authority(const char *s, size_t n, uint16_t defport, struct cpol_httpreq *r)
{
	if (n == 0 || memchr(s, '@', n) || s[0] == '[')
		return -1;
	const char *c = memchr(s, ':', n);
	size_t hn = c ? (size_t)(c - s) : n;
	if (hn == 0 || hn > CPOL_HOST_MAX + 1)
		return -1;
	long port = defport;
	if (c) {
		size_t dn = n - hn - 1;
		if (dn == 0 || dn > 5)
			return -1;
		port = 0;
		for (size_t i = hn + 1; i < n; i++) {
			if (s[i] < '0' || s[i] > '9')
				return -1;
			port = port * 10 + (s[i] - '0');
		}
	}
	if (port < 1 || port > 65535)
		return -1;
	memcpy(r->host, s, hn);
	r->host[hn] = 0;
	for (size_t i = 0; i < hn; i++)
		r->host[i] = (char)lower((unsigned char)r->host[i]);
	if (!cpol_host_valid(r->host))
		return -1;
	r->port = (uint16_t)port;
	return 0;
}

static const char *const readonly_methods[] = { "GET", "HEAD", "OPTIONS" };

int cpol_httpreq_parse(const char *buf, size_t n, struct cpol_httpreq *r, const char **why)
{
	memset(r, 0, sizeof *r);
	*why = "malformed request";
	/* the end of the head: the first blank line */
	size_t end = 0;
	size_t lim = n < CPOL_HTTP_HEAD_MAX ? n : CPOL_HTTP_HEAD_MAX;
	for (size_t i = 0; i + 3 < lim + 0 && !end; i++)
		if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n')
			end = i + 4;
	if (!end) {
		if (n >= CPOL_HTTP_HEAD_MAX) {
			*why = "request head too large";
			return CPOL_HTTP_TOOBIG;
		}
		return CPOL_HTTP_MORE;
	}
	/* every byte a visible character, space, tab, or part of a CRLF */
	for (size_t i = 0; i < end; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == '\r' ? buf[i + 1] != '\n' : c == '\n' ? i == 0 || buf[i - 1] != '\r'
		                                               : (c < 0x20 && c != '\t') || c == 0x7f) {
			*why = "control character in the request head";
			return CPOL_HTTP_BAD;
		}
	}
	r->head_len = end;
	/* request line: METHOD SP TARGET SP HTTP/1.x CRLF */
	const char *line_end = memchr(buf, '\r', end);
	size_t ll = (size_t)(line_end - buf);
	const char *sp1 = memchr(buf, ' ', ll);
	if (!sp1 || sp1 == buf || (size_t)(sp1 - buf) >= sizeof r->method)
		return CPOL_HTTP_BAD;
	size_t ml = (size_t)(sp1 - buf);
	for (size_t i = 0; i < ml; i++)
		if (buf[i] < 'A' || buf[i] > 'Z')
			return CPOL_HTTP_BAD;
	memcpy(r->method, buf, ml);
	r->method[ml] = 0;
	const char *tgt = sp1 + 1;
	const char *sp2 = memchr(tgt, ' ', (size_t)(line_end - tgt));
	if (!sp2 || sp2 == tgt)
		return CPOL_HTTP_BAD;
	size_t tl = (size_t)(sp2 - tgt);
	size_t vl = (size_t)(line_end - sp2 - 1);
	if (vl != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) || (sp2[8] != '0' && sp2[8] != '1')) {
		*why = "not an HTTP/1.x request";
		return CPOL_HTTP_BAD;
	}
	r->connect = !strcmp(r->method, "CONNECT");
	for (size_t i = 0; i < 3; i++)
		r->readonly |= !strcmp(r->method, readonly_methods[i]);
	int have_target = 0;
	if (r->connect) {
		if (authority(tgt, tl, 0, r) < 0 || r->port == 0) {
			*why = "CONNECT needs host:port";
			return CPOL_HTTP_BAD;
		}
		have_target = 1;
	} else if (tl > 7 && ieq(tgt, 7, "http://")) {
		const char *a = tgt + 7;
		const char *slash = memchr(a, '/', tl - 7);
		const char *q = memchr(a, '?', tl - 7);
		if (q && (!slash || q < slash))
			slash = q;
		size_t al = slash ? (size_t)(slash - a) : tl - 7;
		if (authority(a, al, 80, r) < 0) {
			*why = "bad host in the request target";
			return CPOL_HTTP_BAD;
		}
		r->path_off = slash ? (size_t)(slash - buf) : 0;
		r->path_len = slash ? tl - 7 - al : 0;
		have_target = 1;
	} else if (tgt[0] == '/') {
		r->path_off = (size_t)(tgt - buf);
		r->path_len = tl;
	} else {
		*why = tl > 8 && ieq(tgt, 8, "https://") ? "https:// targets go through CONNECT"
		                                         : "unsupported request target";
		return CPOL_HTTP_BAD;
	}
	/* headers: Host (at most one, the same host as the target),
	 * Content-Length (digits), no Transfer-Encoding on a request body */
	int hosts = 0;
	const char *p = line_end + 2;
	while (p < buf + end - 2) {
		const char *e = memchr(p, '\r', (size_t)(buf + end - p));
		const char *colon = memchr(p, ':', (size_t)(e - p));
		if (!colon || colon == p || p[0] == ' ' || p[0] == '\t') {
			*why = "malformed header line";
			return CPOL_HTTP_BAD;
		}
		size_t nl = (size_t)(colon - p);
		const char *v = colon + 1;
		while (v < e && (*v == ' ' || *v == '\t'))
			v++;
		const char *ve = e;
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		if (ieq(p, nl, "host")) {
			struct cpol_httpreq h = *r;
			if (++hosts > 1 || authority(v, (size_t)(ve - v), r->connect ? r->port : 80, &h) < 0) {
				*why = "bad or repeated Host header";
				return CPOL_HTTP_BAD;
			}
			if (have_target && (strcmp(h.host, r->host) || h.port != r->port)) {
				*why = "the Host header names another host than the request";
				return CPOL_HTTP_BAD;
			}
			memcpy(r->host, h.host, sizeof r->host);
			r->port = h.port;
		} else if (ieq(p, nl, "content-length")) {
			uint64_t len = 0;
			if (v == ve || ve - v > 15)
				return CPOL_HTTP_BAD;
			for (const char *d = v; d < ve; d++) {
				if (*d < '0' || *d > '9')
					return CPOL_HTTP_BAD;
				len = len * 10 + (uint64_t)(*d - '0');
			}
			r->body_len = len;
		} else if (ieq(p, nl, "transfer-encoding")) {
			*why = "request bodies must have a Content-Length";
			return CPOL_HTTP_BAD;
		}
		p = e + 2;
	}
	if (!have_target && !hosts) {
		*why = "no host in the request";
		return CPOL_HTTP_BAD;
	}
	return CPOL_HTTP_OK;
}

static int put(char *out, size_t cap, size_t *at, const char *s, size_t n)
{
	if (*at + n > cap)
		return -1;
	memcpy(out + *at, s, n);
	*at += n;
	return 0;
}

size_t cpol_httpreq_rewrite(const char *buf, const struct cpol_httpreq *r, char *out, size_t cap)
{
	size_t at = 0;
	const char *line_end = memchr(buf, '\r', r->head_len);
	const char *version = line_end - 8;
	int bad = put(out, cap, &at, r->method, strlen(r->method)) || put(out, cap, &at, " ", 1);
	if (r->path_len)
		bad |= put(out, cap, &at, buf + r->path_off, r->path_len);
	else
		bad |= put(out, cap, &at, "/", 1);
	bad |= put(out, cap, &at, " ", 1) || put(out, cap, &at, version, 8) || put(out, cap, &at, "\r\n", 2);
	const char *p = line_end + 2;
	const char *end = buf + r->head_len - 2;
	while (!bad && p < end) {
		const char *e = memchr(p, '\r', (size_t)(end - p + 2));
		size_t nl = (size_t)((const char *)memchr(p, ':', (size_t)(e - p)) - p);
		if (!ieq(p, nl, "connection") && !ieq(p, nl, "proxy-connection") && !ieq(p, nl, "keep-alive") &&
		    !ieq(p, nl, "proxy-authorization"))
			bad |= put(out, cap, &at, p, (size_t)(e - p) + 2);
		p = e + 2;
	}
	static const char close_hdr[] = "Connection: close\r\n\r\n";
	bad |= put(out, cap, &at, close_hdr, sizeof close_hdr - 1);
	return bad ? 0 : at;
}
