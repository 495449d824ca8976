/* tests/fuzz/fuzz_proxy.c -- what a hostile client sends the egress proxy:
 *   - the input as a request head: cpol_httpreq_parse never reads past it
 *     (it gets an exact-size heap copy), an accepted head lies inside the
 *     input, names a valid host and a port, and its rewrite for the origin
 *     fits the buffer, starts with the method and ends with the blank line;
 *   - the input as the first bytes of a tunnel: cpol_sni_parse on every
 *     prefix (a split ClientHello) never crashes and a found name is a
 *     valid host;
 *   - the input's first line as a host pattern, matched against itself
 *     and a fixed host.
 */
#define FUZZ_NAME proxy
#include "tests/fuzz/fuzz.h"

#include "net/httpreq.h"
#include "net/sni.h"

#include <stdlib.h>
#include <string.h>

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	FUZZ_CHECK(buf != NULL, "out of memory");
	memcpy(buf, data, size);
	struct cpol_httpreq r;
	const char *why = NULL;
	int p = cpol_httpreq_parse(buf, size, &r, &why);
	FUZZ_CHECK(p >= CPOL_HTTP_TOOBIG && p <= CPOL_HTTP_OK, "parse returned %d", p);
	if (p == CPOL_HTTP_OK) {
		FUZZ_CHECK(r.head_len <= size && r.head_len >= 4, "head length %zu of %zu", r.head_len, size);
		FUZZ_CHECK(cpol_host_valid(r.host), "accepted host '%s' is not one", r.host);
		FUZZ_CHECK(r.port != 0, "accepted port 0");
		FUZZ_CHECK(r.path_off + r.path_len <= r.head_len, "path outside the head");
		static char out[CPOL_HTTP_HEAD_MAX + 64];
		size_t n = cpol_httpreq_rewrite(buf, &r, out, sizeof out);
		if (!r.connect) {
			FUZZ_CHECK(n > 0, "a parsed head does not fit the rewrite buffer");
			FUZZ_CHECK(!memcmp(out, r.method, strlen(r.method)), "rewrite lost the method");
			FUZZ_CHECK(n >= 4 && !memcmp(out + n - 4, "\r\n\r\n", 4), "rewrite does not end the head");
		}
	} else if (p != CPOL_HTTP_MORE) {
		FUZZ_CHECK(why && why[0], "refusal without a reason");
	}
	char name[CPOL_HOST_MAX + 2];
	size_t step = size > 64 ? size / 16 : 1;
	for (size_t k = 0; k <= size; k += step) {
		int s = cpol_sni_parse((const unsigned char *)buf, k, name);
		FUZZ_CHECK(s >= CPOL_SNI_BAD && s <= CPOL_SNI_NOTTLS, "sni returned %d", s);
		if (s == CPOL_SNI_FOUND)
			FUZZ_CHECK(cpol_host_valid(name), "found name '%s' is not a host", name);
	}
	free(buf);
	/* the first line as a pattern */
	size_t ll = 0;
	while (ll < size && ll < 300 && data[ll] != '\n' && data[ll] != 0)
		ll++;
	char pat[301];
	memcpy(pat, data, ll);
	pat[ll] = 0;
	const char *pwhy;
	int ok = cpol_hostpat_check(pat, ll, &pwhy) == 0;
	int m = cpol_hostpat_match(pat, "registry.npmjs.org", 443);
	FUZZ_CHECK(ok || !m, "a malformed pattern '%s' matched", pat);
	if (ok && pat[0] != '*' && !strchr(pat, ':'))
		FUZZ_CHECK(cpol_hostpat_match(pat, pat, 443), "pattern '%s' does not match itself", pat);
	return 0;
}
