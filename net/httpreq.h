/* net/httpreq.h -- the head of a request a client sends its proxy: the
 * request line (CONNECT host:port, or METHOD http://host[:port]/path, or
 * METHOD /path with a Host header) and the Host header; and the head
 * rewritten for the origin server (origin-form target, no hop-by-hop
 * proxy headers, "Connection: close").
 *
 * Works on a caller's bounded buffer; never allocates, never makes a
 * system call. Anything unusual (control bytes, a line without CRLF, two
 * Host headers, a Host that differs from the target, a head longer than
 * CPOL_HTTP_HEAD_MAX) is refused, never guessed. */
#ifndef CPOL_NET_HTTPREQ_H
#define CPOL_NET_HTTPREQ_H

#include <stddef.h>
#include <stdint.h>

#include "net/hostpat.h"

enum { CPOL_HTTP_HEAD_MAX = 16384 };

struct cpol_httpreq {
	char method[16];
	int connect;                  /* CONNECT: a tunnel */
	int readonly;                 /* GET, HEAD or OPTIONS */
	char host[CPOL_HOST_MAX + 2];
	uint16_t port;
	size_t head_len;              /* bytes of the head, blank line included */
	size_t path_off, path_len;    /* the origin-form target inside the buffer */
	uint64_t body_len;            /* Content-Length, 0 when none */
};

/* Results of cpol_httpreq_parse. */
enum { CPOL_HTTP_MORE = 0, CPOL_HTTP_OK = 1, CPOL_HTTP_BAD = -1, CPOL_HTTP_TOOBIG = -2 };

/* Parse the head at the start of buf (n bytes received so far). MORE: no
 * blank line yet (and n < CPOL_HTTP_HEAD_MAX); OK: *r filled; BAD: not a
 * request this proxy serves (why says what); TOOBIG: no end of the head
 * within CPOL_HTTP_HEAD_MAX bytes. */
int cpol_httpreq_parse(const char *buf, size_t n, struct cpol_httpreq *r, const char **why);

/* Write the head for the origin server into out (cap bytes): the request
 * line in origin form, the headers but Connection, Proxy-Connection,
 * Keep-Alive and Proxy-Authorization, then "Connection: close". Returns
 * its length, or 0 when it does not fit. */
size_t cpol_httpreq_rewrite(const char *buf, const struct cpol_httpreq *r, char *out, size_t cap);

#endif
