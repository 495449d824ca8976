/* net/resolve.h -- the proxy's name resolution: a hosts(5)-style file
 * first (when one is given: tests), then the system resolver. */
#ifndef CPOL_NET_RESOLVE_H
#define CPOL_NET_RESOLVE_H

#include <stdint.h>
#include <sys/socket.h>

enum { CPOL_RESOLVE_MAX = 8 };

/* Addresses of host (a name or an IPv4/IPv6 literal) with port set; how
 * many (0 when none). */
int cpol_net_resolve(const char *host, uint16_t port, const char *hosts_file,
                 struct sockaddr_storage out[CPOL_RESOLVE_MAX]);

#endif
