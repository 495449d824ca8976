/* net/hostpat.c -- matching hosts and ports against the patterns of
 * `network allow` and `network deny` (see hostpat.h). Never allocates. */
#include "net/hostpat.h"

#include <string.h>

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int label_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* A DNS name of n bytes (no trailing dot): labels of 1..63 letters,
 * digits, '-' and '_', not starting or ending with '-'. */
static int name_ok(const char *s, size_t n)
{
	if (n == 0 || n > CPOL_HOST_MAX)
		return 0;
	size_t lab = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			if (lab == 0 || lab > 63 || s[i - 1] == '-' || s[i - lab] == '-')
				return 0;
			lab = 0;
		} else if (label_char((unsigned char)s[i])) {
			lab++;
		} else {
			return 0;
		}
	}
	return 1;
}

/* Split "name[:port]": the name's length, and the port (0 when none, -1
 * when it is not 1..65535). */
static size_t split(const char *p, size_t len, long *port)
{
	const char *c = memchr(p, ':', len);
	*port = 0;
	if (!c)
		return len;
	size_t nl = (size_t)(c - p);
	long v = 0;
	size_t digits = len - nl - 1;
	if (digits == 0 || digits > 5)
		*port = -1;
	for (size_t i = nl + 1; i < len && *port == 0; i++) {
		if (p[i] < '0' || p[i] > '9') {
			*port = -1;
			break;
		}
		v = v * 10 + (p[i] - '0');
	}
	if (*port == 0)
		*port = v >= 1 && v <= 65535 ? v : -1;
	return nl;
}

int cpol_hostpat_check(const char *p, size_t len, const char **why)
{
	long port;
	size_t nl = split(p, len, &port);
	if (port < 0) {
		*why = "the port is not a number from 1 to 65535";
		return -1;
	}
	if (nl == 1 && p[0] == '*')
		return 0;
	if (nl > 2 && p[0] == '*' && p[1] == '.')
		p += 2, nl -= 2;
	if (nl && p[nl - 1] == '.')
		nl--;
	if (!name_ok(p, nl) || memchr(p, '*', nl)) {
		*why = "not a host name: write \"example.com\", \"*.example.com\" or \"10.0.0.1\", then \":PORT\" if any";
		return -1;
	}
	return 0;
}

int cpol_host_valid(const char *host)
{
	size_t n = strlen(host);
	if (n && host[n - 1] == '.')
		n--;
	return name_ok(host, n);
}

/* Do the first n bytes of a and b name the same host (case, trailing dot)? */
static int same(const char *a, size_t an, const char *b, size_t bn)
{
	if (an && a[an - 1] == '.')
		an--;
	if (bn && b[bn - 1] == '.')
		bn--;
	if (an != bn)
		return 0;
	for (size_t i = 0; i < an; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

int cpol_hostpat_match(const char *p, const char *host, uint16_t port)
{
	size_t len = strlen(p);
	const char *why;
	if (cpol_hostpat_check(p, len, &why) < 0 || !cpol_host_valid(host))
		return 0;
	long pp;
	size_t nl = split(p, len, &pp);
	if (pp ? pp != port : port != 80 && port != 443)
		return 0;
	size_t hn = strlen(host);
	if (nl == 1 && p[0] == '*')
		return 1;
	if (nl > 2 && p[0] == '*' && p[1] == '.') {
		/* a strict subdomain: host ends in ".domain" with something before */
		const char *d = p + 1;        /* ".domain" */
		size_t dn = nl - 1;
		if (dn && d[dn - 1] == '.')
			dn--;
		if (hn && host[hn - 1] == '.')
			hn--;
		if (hn <= dn)
			return 0;
		return same(host + hn - dn, dn, d, dn);
	}
	return same(host, hn, p, nl);
}

int cpol_hostpat_exact(const char *p)
{
	return p[0] != '*';
}
