/* net/resolve.c -- resolving a name for the proxy (see resolve.h). Runs in
 * a connection's own process: getaddrinfo may block, and allocates inside
 * libc; the hosts file is read line by line into a fixed buffer. */
#include "net/resolve.h"

#include "net/hostpat.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static int literal(const char *s, uint16_t port, struct sockaddr_storage *o)
{
	memset(o, 0, sizeof *o);
	struct sockaddr_in *in = (void *)o;
	struct sockaddr_in6 *in6 = (void *)o;
	if (inet_pton(AF_INET, s, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		return 1;
	}
	if (inet_pton(AF_INET6, s, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		return 1;
	}
	return 0;
}

static int from_file(const char *host, uint16_t port, const char *path, struct sockaddr_storage *out)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	char line[512];
	int n = 0;
	size_t hl = strlen(host);
	if (hl && host[hl - 1] == '.')
		hl--;
	while (n < CPOL_RESOLVE_MAX && fgets(line, sizeof line, f)) {
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		char *save = NULL;
		char *addr = strtok_r(line, " \t\r\n", &save);
		if (!addr)
			continue;
		for (char *name; (name = strtok_r(NULL, " \t\r\n", &save));)
			if (strlen(name) == hl && !strncasecmp(name, host, hl) && literal(addr, port, &out[n])) {
				n++;
				break;
			}
	}
	fclose(f);
	return n;
}

int cpol_net_resolve(const char *host, uint16_t port, const char *hosts_file,
                 struct sockaddr_storage out[CPOL_RESOLVE_MAX])
{
	if (literal(host, port, &out[0]))
		return 1;
	if (hosts_file) {
		int n = from_file(host, port, hosts_file, out);
		if (n)
			return n;
	}
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return 0;
	int n = 0;
	for (struct addrinfo *a = res; a && n < CPOL_RESOLVE_MAX; a = a->ai_next) {
		if (a->ai_addrlen > sizeof out[n] || (a->ai_family != AF_INET && a->ai_family != AF_INET6))
			continue;
		memset(&out[n], 0, sizeof out[n]);
		memcpy(&out[n], a->ai_addr, a->ai_addrlen);
		if (a->ai_family == AF_INET)
			((struct sockaddr_in *)(void *)&out[n])->sin_port = htons(port);
		else
			((struct sockaddr_in6 *)(void *)&out[n])->sin6_port = htons(port);
		n++;
	}
	freeaddrinfo(res);
	return n;
}
