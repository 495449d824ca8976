/* net/decide.c -- which rule lets a host and port through the proxy, and
 * which destination addresses a rule may reach (see proxy.h). No
 * allocation, no system calls. */
#include "net/proxy.h"

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

int cpol_proxy_decide(const struct cpol_proxy_conf *c, const char *host, uint16_t port, int http,
                      int readonly_method, size_t *rule, char *why, size_t cap)
{
	for (size_t i = 0; i < c->nrules; i++)
		if (c->rules[i].deny && cpol_hostpat_match(c->rules[i].pattern, host, port)) {
			snprintf(why, cap, "network deny \"%s\"", c->rules[i].pattern);
			return 0;
		}
	/* the first matching rule, one that names the host exactly before a
	 * wildcard: only those reach private addresses */
	int method_refused = -1, wild = -1;
	for (size_t i = 0; i < c->nrules; i++) {
		const struct cpol_proxy_rule *r = &c->rules[i];
		if (r->deny || !cpol_hostpat_match(r->pattern, host, port))
			continue;
		if (r->readonly && http && !readonly_method) {
			method_refused = (int)i;
			continue;
		}
		if (!cpol_hostpat_exact(r->pattern)) {
			if (wild < 0)
				wild = (int)i;
			continue;
		}
		*rule = i;
		return 1;
	}
	if (wild >= 0) {
		*rule = (size_t)wild;
		return 1;
	}
	if (method_refused >= 0)
		snprintf(why, cap, "network allow read \"%s\": GET, HEAD and OPTIONS only",
		         c->rules[method_refused].pattern);
	else
		snprintf(why, cap, "not in network allow");
	return 0;
}

static int v4_special(uint32_t a)
{
	return (a >> 24) == 0 || (a >> 24) == 127 || (a >> 24) == 10 || (a >> 20) == 0xac1 /* 172.16/12 */ ||
	       (a >> 16) == 0xc0a8 || (a >> 16) == 0xa9fe /* 169.254/16 */ || (a >> 22) == 0x191 /* 100.64/10 */ ||
	       (a >> 28) == 0xe || (a >> 28) == 0xf /* multicast, reserved, broadcast */;
}

int cpol_proxy_addr_ok(const void *sa, const struct cpol_proxy_rule *rule)
{
	int special;
	const struct sockaddr *s = sa;
	if (s->sa_family == AF_INET) {
		const struct sockaddr_in *in = sa;
		special = v4_special(ntohl(in->sin_addr.s_addr));
	} else if (s->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = sa;
		const unsigned char *b = in6->sin6_addr.s6_addr;
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		if (!memcmp(b, mapped, 12))
			special = v4_special((uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 | b[15]);
		else
			special = IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr) || IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
			          (b[0] & 0xfe) == 0xfc /* fc00::/7 */ || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) ||
			          (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) /* site-local */ || b[0] == 0xff ||
			          (!memcmp(b, mapped, 10) && b[10] == 0 && b[11] == 0) /* v4-compatible */;
	} else {
		return 0;
	}
	return !special || cpol_hostpat_exact(rule->pattern);
}
