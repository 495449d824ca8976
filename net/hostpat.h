/* net/hostpat.h -- host rules of `network allow` / `network deny`: what a
 * pattern may look like and whether a host and port match it.
 *
 * A pattern is NAME or NAME:PORT. NAME is a DNS name ("pypi.org"), a name
 * under a domain ("*.npmjs.org": any depth below npmjs.org, not npmjs.org
 * itself), "*" (every name), or an IPv4 address ("10.1.2.3"). Without a
 * port, the web ports 80 and 443 match. Names compare without regard to
 * case and to one trailing dot. Pure functions: no allocation, no system
 * calls. */
#ifndef CPOL_NET_HOSTPAT_H
#define CPOL_NET_HOSTPAT_H

#include <stddef.h>
#include <stdint.h>

enum { CPOL_HOST_MAX = 253 };  /* longest DNS name, trailing dot left out */

/* 0 when pattern (len bytes) is well formed, else -1 with a reason in why
 * (a static string). */
int cpol_hostpat_check(const char *pattern, size_t len, const char **why);
/* Does host (a name or an IPv4 address, as the client gave it) on port
 * match the pattern? 1 or 0. A malformed pattern matches nothing. */
int cpol_hostpat_match(const char *pattern, const char *host, uint16_t port);
/* Does the pattern name this host itself rather than through a wildcard?
 * (Private addresses are reached only through such rules.) */
int cpol_hostpat_exact(const char *pattern);
/* Is host a well formed DNS name or IPv4 address? 1 or 0. */
int cpol_host_valid(const char *host);

#endif
