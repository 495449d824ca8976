/* tests/net/test_parse.c -- the proxy's parsers and decisions on their own:
 * host patterns, request heads (CONNECT, absolute and origin form, Host),
 * the rewrite for the origin, TLS ClientHello server names (well formed,
 * truncated, hostile lengths), rules and destination addresses. */
#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "net/httpreq.h"
#include "net/proxy.h"
#include "net/sni.h"

Test(hostpat, check)
{
	const char *why;
	cr_expect_eq(cpol_hostpat_check("github.com:443", 14, &why), 0);
	cr_expect_eq(cpol_hostpat_check("*.npmjs.org", 11, &why), 0);
	cr_expect_eq(cpol_hostpat_check("*", 1, &why), 0);
	cr_expect_eq(cpol_hostpat_check("10.1.2.3:8080", 13, &why), 0);
	cr_expect_eq(cpol_hostpat_check("a.*.org", 7, &why), -1);
	cr_expect_eq(cpol_hostpat_check("x.org:0", 7, &why), -1);
	cr_expect_eq(cpol_hostpat_check("x.org:70000", 11, &why), -1);
	cr_expect_eq(cpol_hostpat_check("x.org:", 6, &why), -1);
	cr_expect_eq(cpol_hostpat_check("-x.org", 6, &why), -1);
	cr_expect_eq(cpol_hostpat_check("x y", 3, &why), -1);
	cr_expect_eq(cpol_hostpat_check("", 0, &why), -1);
}

Test(hostpat, match)
{
	cr_expect(cpol_hostpat_match("github.com:443", "github.com", 443));
	cr_expect(cpol_hostpat_match("github.com:443", "GitHub.COM.", 443));
	cr_expect(!cpol_hostpat_match("github.com:443", "github.com", 22));
	cr_expect(!cpol_hostpat_match("github.com:443", "evilgithub.com", 443));
	cr_expect(cpol_hostpat_match("pypi.org", "pypi.org", 443));
	cr_expect(cpol_hostpat_match("pypi.org", "pypi.org", 80));
	cr_expect(!cpol_hostpat_match("pypi.org", "pypi.org", 8080));
	cr_expect(cpol_hostpat_match("*.npmjs.org", "registry.npmjs.org", 443));
	cr_expect(cpol_hostpat_match("*.npmjs.org", "a.b.npmjs.org", 443));
	cr_expect(!cpol_hostpat_match("*.npmjs.org", "npmjs.org", 443));
	cr_expect(!cpol_hostpat_match("*.npmjs.org", "xnpmjs.org", 443));
	cr_expect(!cpol_hostpat_match("*.npmjs.org", "npmjs.org.evil.com", 443));
	cr_expect(cpol_hostpat_match("*:8080", "anything.example", 8080));
	cr_expect(!cpol_hostpat_match("github.com", "github.com/x", 443));
	cr_expect(cpol_hostpat_exact("github.com"));
	cr_expect(!cpol_hostpat_exact("*.github.com"));
}

static int parse(const char *s, struct cpol_httpreq *r)
{
	const char *why;
	return cpol_httpreq_parse(s, strlen(s), r, &why);
}

Test(httpreq, connect)
{
	struct cpol_httpreq r;
	cr_assert_eq(parse("CONNECT GitHub.com:443 HTTP/1.1\r\nHost: github.com:443\r\n\r\n", &r), CPOL_HTTP_OK);
	cr_expect(r.connect);
	cr_expect_str_eq(r.host, "github.com");
	cr_expect_eq(r.port, 443);
	cr_expect_eq(parse("CONNECT github.com HTTP/1.1\r\n\r\n", &r), CPOL_HTTP_BAD);
	cr_expect_eq(parse("CONNECT github.com:443 HTTP/1.1\r\nHost: evil.com:443\r\n\r\n", &r), CPOL_HTTP_BAD);
	cr_expect_eq(parse("CONNECT github.com:443 HTTP/1.1\r\n", &r), CPOL_HTTP_MORE);
	cr_expect_eq(parse("CONNECT [::1]:443 HTTP/1.1\r\n\r\n", &r), CPOL_HTTP_BAD);
	cr_expect_eq(parse("CONNECT user@h.com:443 HTTP/1.1\r\n\r\n", &r), CPOL_HTTP_BAD);
	cr_expect_eq(parse("CONNECT h.com:99999 HTTP/1.1\r\n\r\n", &r), CPOL_HTTP_BAD);
}

Test(httpreq, plain)
{
	struct cpol_httpreq r;
	const char *req = "GET http://Pypi.org:8080/simple/?q=1 HTTP/1.1\r\nHost: pypi.org:8080\r\n"
	                  "Proxy-Connection: keep-alive\r\nAccept: */*\r\n\r\nBODY";
	cr_assert_eq(parse(req, &r), CPOL_HTTP_OK);
	cr_expect(!r.connect);
	cr_expect(r.readonly);
	cr_expect_str_eq(r.host, "pypi.org");
	cr_expect_eq(r.port, 8080);
	cr_expect_eq(r.head_len, strlen(req) - 4);
	char out[512];
	size_t n = cpol_httpreq_rewrite(req, &r, out, sizeof out);
	cr_assert_gt(n, 0);
	out[n] = 0;
	cr_expect_str_eq(out, "GET /simple/?q=1 HTTP/1.1\r\nHost: pypi.org:8080\r\nAccept: */*\r\n"
	                      "Connection: close\r\n\r\n");
	cr_expect_eq(cpol_httpreq_rewrite(req, &r, out, 20), 0);

	cr_assert_eq(parse("POST /x HTTP/1.0\r\nHost: a.org\r\nContent-Length: 12\r\n\r\n", &r), CPOL_HTTP_OK);
	cr_expect(!r.readonly);
	cr_expect_str_eq(r.host, "a.org");
	cr_expect_eq(r.port, 80);
	cr_expect_eq(r.body_len, 12);
	cr_assert_eq(parse("GET http://a.org HTTP/1.1\r\n\r\n", &r), CPOL_HTTP_OK);
	n = cpol_httpreq_rewrite("GET http://a.org HTTP/1.1\r\n\r\n", &r, out, sizeof out);
	out[n] = 0;
	cr_expect_str_eq(out, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
}

Test(httpreq, hostile)
{
	struct cpol_httpreq r;
	const char *why;
	cr_expect_eq(parse("GET /x HTTP/1.1\r\n\r\n", &r), CPOL_HTTP_BAD);                 /* no host */
	cr_expect_eq(parse("GET /x HTTP/1.1\r\nHost: a.org\r\nHost: b.org\r\n\r\n", &r), CPOL_HTTP_BAD);
	cr_expect_eq(parse("GET http://a.org/ HTTP/1.1\r\nHost: b.org\r\n\r\n", &r), CPOL_HTTP_BAD);
	cr_expect_eq(parse("GET /x HTTP/1.1\nHost: a.org\r\n\r\n", &r), CPOL_HTTP_BAD);    /* bare LF */
	cr_expect_eq(parse("GET /x HTTP/2.0\r\nHost: a.org\r\n\r\n", &r), CPOL_HTTP_BAD);
	cr_expect_eq(parse("get /x HTTP/1.1\r\nHost: a.org\r\n\r\n", &r), CPOL_HTTP_BAD);
	cr_expect_eq(parse("GET https://a.org/ HTTP/1.1\r\n\r\n", &r), CPOL_HTTP_BAD);
	cr_expect_eq(parse("POST /x HTTP/1.1\r\nHost: a.org\r\nTransfer-Encoding: chunked\r\n\r\n", &r), CPOL_HTTP_BAD);
	cr_expect_eq(parse("GET /x HTTP/1.1\r\nHost: a.org\r\n folded\r\n\r\n", &r), CPOL_HTTP_BAD);
	cr_expect_eq(parse("GET /x HTTP/1.1\r\nHost: a\x01.org\r\n\r\n", &r), CPOL_HTTP_BAD);
	static char big[CPOL_HTTP_HEAD_MAX + 10];
	memset(big, 'a', sizeof big);
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	cr_expect_eq(cpol_httpreq_parse(big, sizeof big, &r, &why), CPOL_HTTP_TOOBIG);
	cr_expect_eq(cpol_httpreq_parse(big, 100, &r, &why), CPOL_HTTP_MORE);
}

/* A ClientHello with the given server name (NULL: no extension), split
 * into records of at most rec bytes of payload. */
static size_t hello(unsigned char *out, const char *name, size_t rec)
{
	unsigned char hs[600];
	size_t n = 0;
	hs[n++] = 1;
	n += 3; /* length, below */
	hs[n++] = 3; hs[n++] = 3;
	memset(hs + n, 7, 32); n += 32;
	hs[n++] = 0;                           /* session id */
	hs[n++] = 0; hs[n++] = 2; hs[n++] = 0x13; hs[n++] = 0x01;
	hs[n++] = 1; hs[n++] = 0;              /* compression */
	size_t extlen_at = n;
	n += 2;
	/* an unrelated extension first */
	hs[n++] = 0; hs[n++] = 43; hs[n++] = 0; hs[n++] = 3; hs[n++] = 2; hs[n++] = 3; hs[n++] = 4;
	if (name) {
		size_t l = strlen(name);
		hs[n++] = 0; hs[n++] = 0;
		hs[n++] = (unsigned char)((l + 5) >> 8); hs[n++] = (unsigned char)(l + 5);
		hs[n++] = (unsigned char)((l + 3) >> 8); hs[n++] = (unsigned char)(l + 3);
		hs[n++] = 0;
		hs[n++] = (unsigned char)(l >> 8); hs[n++] = (unsigned char)l;
		memcpy(hs + n, name, l); n += l;
	}
	size_t el = n - extlen_at - 2;
	hs[extlen_at] = (unsigned char)(el >> 8); hs[extlen_at + 1] = (unsigned char)el;
	size_t bl = n - 4;
	hs[1] = (unsigned char)(bl >> 16); hs[2] = (unsigned char)(bl >> 8); hs[3] = (unsigned char)bl;
	size_t o = 0;
	for (size_t at = 0; at < n; at += rec) {
		size_t k = n - at < rec ? n - at : rec;
		out[o++] = 22; out[o++] = 3; out[o++] = 1;
		out[o++] = (unsigned char)(k >> 8); out[o++] = (unsigned char)k;
		memcpy(out + o, hs + at, k);
		o += k;
	}
	return o;
}

Test(sni, found)
{
	unsigned char b[1200];
	char name[CPOL_HOST_MAX + 2];
	size_t n = hello(b, "Registry.NPMJS.org", 4096);
	cr_assert_eq(cpol_sni_parse(b, n, name), CPOL_SNI_FOUND);
	cr_expect_str_eq(name, "registry.npmjs.org");
	/* the handshake split over many records */
	n = hello(b, "pypi.org", 13);
	cr_assert_eq(cpol_sni_parse(b, n, name), CPOL_SNI_FOUND);
	cr_expect_str_eq(name, "pypi.org");
	/* every prefix asks for more */
	for (size_t k = 1; k < n; k++)
		cr_expect_eq(cpol_sni_parse(b, k, name), CPOL_SNI_MORE, "prefix %zu", k);
	n = hello(b, NULL, 4096);
	cr_expect_eq(cpol_sni_parse(b, n, name), CPOL_SNI_NONE);
	cr_expect_eq(cpol_sni_parse((const unsigned char *)"SSH-2.0-x\r\n", 11, name), CPOL_SNI_NOTTLS);
}

Test(sni, hostile)
{
	unsigned char b[1200];
	char name[CPOL_HOST_MAX + 2];
	size_t n = hello(b, "a.org", 4096);
	unsigned char c[1200];
	/* a record length past the limit */
	memcpy(c, b, n);
	c[3] = 0xff; c[4] = 0xff;
	cr_expect_eq(cpol_sni_parse(c, n, name), CPOL_SNI_BAD);
	/* a handshake that is no ClientHello */
	memcpy(c, b, n);
	c[5] = 2;
	cr_expect_eq(cpol_sni_parse(c, n, name), CPOL_SNI_BAD);
	/* an alert record */
	memcpy(c, b, n);
	c[0] = 21;
	cr_expect_eq(cpol_sni_parse(c, n, name), CPOL_SNI_NOTTLS);
	/* a name with a space */
	n = hello(b, "a b.org", 4096);
	cr_expect_eq(cpol_sni_parse(b, n, name), CPOL_SNI_BAD);
	/* every single byte flipped: never a crash, never a name that is not one */
	n = hello(b, "ok.example", 4096);
	for (size_t i = 0; i < n; i++)
		for (int v = 0; v < 256; v += 51) {
			memcpy(c, b, n);
			c[i] = (unsigned char)v;
			int r = cpol_sni_parse(c, n, name);
			if (r == CPOL_SNI_FOUND)
				cr_expect(cpol_host_valid(name));
		}
	/* the extension list longer than the hello */
	n = hello(b, "ok.example", 4096);
	memcpy(c, b, n);
	c[5 + 4 + 2 + 32 + 1 + 4 + 2] = 0x7f;
	cr_expect_eq(cpol_sni_parse(c, n, name), CPOL_SNI_BAD);
}

Test(decide, rules)
{
	const struct cpol_proxy_rule rules[] = {
		{ "github.com:443", 0, 0 }, { "*.npmjs.org", 0, 0 }, { "bad.npmjs.org", 1, 0 }, { "docs.org", 0, 1 },
	};
	struct cpol_proxy_conf c = { .rules = rules, .nrules = 4 };
	size_t idx;
	char why[200];
	cr_expect(cpol_proxy_decide(&c, "github.com", 443, 0, 0, &idx, why, sizeof why));
	cr_expect_eq(idx, 0);
	cr_expect(!cpol_proxy_decide(&c, "github.com", 22, 0, 0, &idx, why, sizeof why));
	cr_expect_str_eq(why, "not in network allow");
	cr_expect(!cpol_proxy_decide(&c, "bad.npmjs.org", 443, 0, 0, &idx, why, sizeof why));
	cr_expect_str_eq(why, "network deny \"bad.npmjs.org\"");
	cr_expect(cpol_proxy_decide(&c, "docs.org", 80, 1, 1, &idx, why, sizeof why));
	cr_expect(!cpol_proxy_decide(&c, "docs.org", 80, 1, 0, &idx, why, sizeof why));
	cr_expect(cpol_proxy_decide(&c, "docs.org", 443, 0, 0, &idx, why, sizeof why)); /* a tunnel */
	/* an exact rule wins over an earlier wildcard */
	const struct cpol_proxy_rule two[] = { { "*.npmjs.org", 0, 0 }, { "registry.npmjs.org", 0, 0 } };
	struct cpol_proxy_conf c2 = { .rules = two, .nrules = 2 };
	cr_expect(cpol_proxy_decide(&c2, "registry.npmjs.org", 443, 0, 0, &idx, why, sizeof why));
	cr_expect_eq(idx, 1);
}

static struct sockaddr_in v4(const char *a)
{
	struct sockaddr_in s;
	memset(&s, 0, sizeof s);
	s.sin_family = AF_INET;
	inet_pton(AF_INET, a, &s.sin_addr);
	return s;
}

Test(decide, addresses)
{
	struct cpol_proxy_rule exact = { "h.test:80", 0, 0 }, wild = { "*.test", 0, 0 };
	const char *special[] = { "127.0.0.1", "10.2.3.4", "172.20.0.1", "192.168.1.1", "169.254.169.254",
	                          "0.0.0.0", "100.64.0.1", "224.0.0.1", "255.255.255.255" };
	for (size_t i = 0; i < sizeof special / sizeof *special; i++) {
		struct sockaddr_in s = v4(special[i]);
		cr_expect(!cpol_proxy_addr_ok(&s, &wild), "%s", special[i]);
		cr_expect(cpol_proxy_addr_ok(&s, &exact), "%s", special[i]);
	}
	struct sockaddr_in pub = v4("140.82.112.3");
	cr_expect(cpol_proxy_addr_ok(&pub, &wild));
	struct sockaddr_in6 s6;
	memset(&s6, 0, sizeof s6);
	s6.sin6_family = AF_INET6;
	const char *special6[] = { "::1", "::ffff:127.0.0.1", "fe80::1", "fd00::1", "::" };
	for (size_t i = 0; i < sizeof special6 / sizeof *special6; i++) {
		inet_pton(AF_INET6, special6[i], &s6.sin6_addr);
		cr_expect(!cpol_proxy_addr_ok(&s6, &wild), "%s", special6[i]);
	}
	inet_pton(AF_INET6, "2606:4700::1", &s6.sin6_addr);
	cr_expect(cpol_proxy_addr_ok(&s6, &wild));
}
