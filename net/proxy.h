/* net/proxy.h -- the egress proxy of codexrun: the only way out of the
 * command's network namespace. It takes HTTP CONNECT tunnels and plain HTTP
 * requests, checks the host (CONNECT line, Host header, TLS SNI) against
 * the policy's `network allow` / `network deny` rules, resolves names
 * itself, refuses loopback, private and link-local destinations unless a
 * rule names the host exactly, and relays bytes.
 *
 * Shape: cpol_proxy_serve() accepts on a listening socket (made inside the
 * command's namespace) and handles each connection in a child process of
 * its own (bounded buffers, blocking I/O with timeouts), so a hostile
 * client can stall or crash only its own connection. A child reports each
 * refusal to the loop over a pipe; the loop hands it to conf->refused. */
#ifndef CPOL_NET_PROXY_H
#define CPOL_NET_PROXY_H

#include <stddef.h>
#include <stdint.h>

#include "net/hostpat.h"

struct cpol_proxy_rule {
	const char *pattern;          /* see hostpat.h */
	int deny;                     /* `network deny` */
	int readonly;                 /* `network allow read`: plain HTTP GET/HEAD/OPTIONS only */
};

/* One refused connection, as reported to the loop. */
struct cpol_proxy_refusal {
	char host[CPOL_HOST_MAX + 2];
	uint16_t port;
	char rule[160];               /* the rule or check that refused */
};

struct cpol_proxy_conf {
	const struct cpol_proxy_rule *rules;
	size_t nrules;
	/* A hosts(5)-style file consulted before the resolver (tests), or NULL. */
	const char *hosts_file;
	size_t max_conns;             /* connections handled at once (0: 64) */
	int idle_timeout_s;           /* a connection with no traffic ends (0: 300) */
	void (*refused)(const struct cpol_proxy_refusal *r, void *arg);
	void *arg;
};

/* The decision for host:port (plain HTTP method readonly or not, tunnel):
 * 1 allowed (*rule: the allow rule's index), 0 refused (why filled). */
int cpol_proxy_decide(const struct cpol_proxy_conf *c, const char *host, uint16_t port, int http,
                      int readonly_method, size_t *rule, char *why, size_t cap);
/* May a destination address be reached through rule? Loopback, private,
 * link-local, multicast and unspecified addresses only through a rule that
 * names the host exactly. sa is a struct sockaddr_in or sockaddr_in6. */
int cpol_proxy_addr_ok(const void *sa, const struct cpol_proxy_rule *rule);

/* Handle one client connection (blocking); reports refusals on report_fd
 * (one struct cpol_proxy_refusal per write). Returns when it is done. */
void cpol_proxy_conn(int client, const struct cpol_proxy_conf *c, int report_fd);

/* Serve listen_fd until stop_fd becomes readable or hangs up. Returns 0,
 * or -1 when the loop itself fails. */
int cpol_proxy_serve(int listen_fd, int stop_fd, const struct cpol_proxy_conf *c);

#endif
