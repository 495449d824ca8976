/* net/conn.c -- one client connection of the proxy, in a process of its
 * own: read the request head (bounded), decide, resolve, connect, then
 * relay (a tunnel after its TLS server name was checked, or one plain HTTP
 * request with its body and the response; the relay moves bytes with
 * splice(2) through a pipe per direction). Every refusal is answered with
 * an HTTP status and reported to the loop. Buffers are fixed arrays: nothing
 * grows with what the client sends. */
#include "net/proxy.h"

#include "net/httpreq.h"
#include "net/resolve.h"
#include "net/sni.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

enum { HEAD_TIMEOUT_MS = 30000, CONNECT_TIMEOUT_MS = 15000 };

struct conn {
	int cl, up;
	const struct cpol_proxy_conf *c;
	int report;
};

static void report(const struct conn *k, const char *host, uint16_t port, const char *rule)
{
	struct cpol_proxy_refusal r;
	memset(&r, 0, sizeof r);
	snprintf(r.host, sizeof r.host, "%s", host);
	r.port = port;
	snprintf(r.rule, sizeof r.rule, "%s", rule);
	if (k->report >= 0)
		(void)!write(k->report, &r, sizeof r); /* smaller than PIPE_BUF: one piece */
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	while (n) {
		ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w < 0 && errno == EAGAIN) {
				struct pollfd pf = { fd, POLLOUT, 0 };
				if (poll(&pf, 1, HEAD_TIMEOUT_MS) > 0)
					continue;
			}
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

static void answer(int fd, int code, const char *text, const char *why)
{
	char msg[768];
	int n = snprintf(msg, sizeof msg,
	                 "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nConnection: close\r\n"
	                 "Proxy-Agent: codexrun\r\n\r\ncodexrun: %s\n", code, text, why);
	if (n > 0)
		write_all(fd, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
}

static void refuse(const struct conn *k, const char *host, uint16_t port, const char *rule)
{
	char why[512];
	snprintf(why, sizeof why, "%.260s:%u refused (%.200s)", host, port, rule);
	answer(k->cl, 403, "Forbidden", why);
	report(k, host, port, rule);
}

/* Read more from fd into buf[*n..cap) within ms; -1 on EOF, error, timeout. */
static int read_more(int fd, char *buf, size_t *n, size_t cap, int ms)
{
	struct pollfd pf = { fd, POLLIN, 0 };
	for (;;) {
		int r = poll(&pf, 1, ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		ssize_t got = recv(fd, buf + *n, cap - *n, 0);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0)
			return -1;
		*n += (size_t)got;
		return 0;
	}
}

static int connect_timeout(const struct sockaddr_storage *sa)
{
	socklen_t len = sa->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	int fd = socket(sa->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (const struct sockaddr *)sa, len) < 0 && errno != EINPROGRESS)
		goto bad;
	struct pollfd pf = { fd, POLLOUT, 0 };
	int e = 0;
	socklen_t el = sizeof e;
	if (poll(&pf, 1, CONNECT_TIMEOUT_MS) <= 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0 || e)
		goto bad;
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK); /* the relay blocks, on poll */
	return fd;
bad:
	close(fd);
	return -1;
}

static void addr_text(const struct sockaddr_storage *sa, char *out, size_t cap)
{
	const void *a = sa->ss_family == AF_INET ? (const void *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr
	                                        : (const void *)&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	if (!inet_ntop(sa->ss_family, a, out, (socklen_t)cap))
		snprintf(out, cap, "?");
}

/* Resolve and connect to an address the rule may reach: the socket, or -1
 * after answering the client. */
static int open_upstream(const struct conn *k, const char *host, uint16_t port, const struct cpol_proxy_rule *rule)
{
	struct sockaddr_storage addrs[CPOL_RESOLVE_MAX];
	int n = cpol_net_resolve(host, port, k->c->hosts_file, addrs);
	if (n == 0) {
		char why[300];
		snprintf(why, sizeof why, "cannot resolve %s", host);
		answer(k->cl, 502, "Bad Gateway", why);
		return -1;
	}
	char refused[80] = "";
	for (int i = 0; i < n; i++) {
		if (!cpol_proxy_addr_ok(&addrs[i], rule)) {
			char a[INET6_ADDRSTRLEN];
			addr_text(&addrs[i], a, sizeof a);
			snprintf(refused, sizeof refused, "private address %s", a);
			continue;
		}
		int fd = connect_timeout(&addrs[i]);
		if (fd >= 0)
			return fd;
	}
	if (refused[0]) {
		refuse(k, host, port, refused);
		return -1;
	}
	char why[300];
	snprintf(why, sizeof why, "cannot connect to %s:%u", host, port);
	answer(k->cl, 502, "Bad Gateway", why);
	return -1;
}

/* One direction of the relay: bytes move from -> pipe -> to with
 * splice(2), never through user memory; `held` is what the pipe holds. */
struct way {
	int from, to;
	int pipe[2];
	size_t held;
	int eof;                  /* from has ended; shut `to` once drained */
	int done;
};

enum { SPLICE_CHUNK = 1 << 20 };

/* Move what can move now; -1 on an error (the relay ends). */
static int way_step(struct way *w, short rev_from, short rev_to)
{
	if (!w->held && !w->eof && rev_from) {
		ssize_t n = splice(w->from, NULL, w->pipe[1], NULL, SPLICE_CHUNK, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0)
			w->held = (size_t)n;
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			w->eof = 1;
	}
	if (w->held && rev_to) {
		ssize_t n = splice(w->pipe[0], NULL, w->to, NULL, w->held, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0)
			w->held -= (size_t)n;
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -1;
	}
	if (w->eof && !w->held && !w->done) {
		shutdown(w->to, SHUT_WR);
		w->done = 1;
	}
	return 0;
}

/* Copy both ways until both sides are done or nothing moves for the idle
 * timeout. client_in == 0: the client's further bytes are not forwarded
 * (after the one plain HTTP request), and the relay ends with the
 * response. */
static void relay(int cl, int up, int client_in, int idle_ms)
{
	struct way w[2] = { { cl, up, { -1, -1 }, 0, !client_in, !client_in },
	                    { up, cl, { -1, -1 }, 0, 0, 0 } };
	if (pipe2(w[0].pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return;
	if (pipe2(w[1].pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		goto out;
	fcntl(cl, F_SETFL, fcntl(cl, F_GETFL) | O_NONBLOCK);
	fcntl(up, F_SETFL, fcntl(up, F_GETFL) | O_NONBLOCK);
	while (!w[0].done || !w[1].done) {
		short ev_cl = 0, ev_up = 0;
		if (!w[0].eof && !w[0].held)
			ev_cl |= POLLIN;
		if (w[0].held)
			ev_up |= POLLOUT;
		if (!w[1].eof && !w[1].held)
			ev_up |= POLLIN;
		if (w[1].held)
			ev_cl |= POLLOUT;
		struct pollfd pf[2] = { { cl, ev_cl, 0 }, { up, ev_up, 0 } };
		int r = poll(pf, 2, idle_ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		/* a client gone while only the response flows: stop */
		if (!client_in && (pf[0].revents & (POLLHUP | POLLERR)))
			break;
		if (way_step(&w[0], pf[0].revents & (POLLIN | POLLHUP | POLLERR), pf[1].revents & (POLLOUT | POLLERR)) < 0 ||
		    way_step(&w[1], pf[1].revents & (POLLIN | POLLHUP | POLLERR), pf[0].revents & (POLLOUT | POLLERR)) < 0)
			break;
		if (!client_in && w[1].done)
			break;
		/* a side hung up with nothing left to read from it: what is still
		 * to go to it cannot arrive (and poll would report it forever) */
		if ((pf[0].revents & POLLHUP && w[0].eof && !w[1].done) ||
		    (pf[1].revents & POLLHUP && w[1].eof && !w[0].done))
			break;
	}
out:
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++)
			if (w[i].pipe[j] >= 0)
				close(w[i].pipe[j]);
}

/* A tunnel: check the TLS server name of the client's first bytes, then
 * relay. buf holds n bytes the client sent after the CONNECT head. */
static void tunnel(const struct conn *k, const struct cpol_httpreq *rq, char *buf, size_t n, size_t cap)
{
	static const char ok[] = "HTTP/1.1 200 Connection established\r\nProxy-Agent: codexrun\r\n\r\n";
	if (write_all(k->cl, ok, sizeof ok - 1) < 0)
		return;
	/* Wait for the client's first bytes, unless the server speaks first
	 * (SSH and the like: then there is no ClientHello to look at). */
	for (;;) {
		char sni[CPOL_HOST_MAX + 2];
		int s = cpol_sni_parse((const unsigned char *)buf, n, sni);
		if (s == CPOL_SNI_BAD || (s == CPOL_SNI_MORE && n == cap)) {
			report(k, rq->host, rq->port, "malformed TLS ClientHello");
			return;
		}
		if (s == CPOL_SNI_FOUND) {
			size_t idx;
			char why[200];
			if (!cpol_proxy_decide(k->c, sni, rq->port, 0, 0, &idx, why, sizeof why)) {
				char rule[200];
				snprintf(rule, sizeof rule, "TLS server name %.60s: %.120s", sni, why);
				report(k, rq->host, rq->port, rule);
				return;
			}
		}
		if (s != CPOL_SNI_MORE)
			break;
		struct pollfd pf[2] = { { k->cl, POLLIN, 0 }, { k->up, POLLIN, 0 } };
		int r = poll(pf, 2, HEAD_TIMEOUT_MS);
		if (r <= 0)
			return;
		if (n == 0 && (pf[1].revents & POLLIN))
			break; /* the server speaks first */
		if (read_more(k->cl, buf, &n, cap, HEAD_TIMEOUT_MS) < 0)
			return;
	}
	if (n && write_all(k->up, buf, n) < 0)
		return;
	relay(k->cl, k->up, 1, (k->c->idle_timeout_s ? k->c->idle_timeout_s : 300) * 1000);
}

void cpol_proxy_conn(int cl, const struct cpol_proxy_conf *c, int report_fd)
{
	static char buf[CPOL_HTTP_HEAD_MAX + CPOL_SNI_MAX + 64];
	static char out[CPOL_HTTP_HEAD_MAX + 64];
	struct conn k = { cl, -1, c, report_fd };
	size_t n = 0;
	struct cpol_httpreq rq;
	const char *why = "";
	int p;
	while ((p = cpol_httpreq_parse(buf, n, &rq, &why)) == CPOL_HTTP_MORE)
		if (read_more(cl, buf, &n, CPOL_HTTP_HEAD_MAX, HEAD_TIMEOUT_MS) < 0)
			return;
	if (p != CPOL_HTTP_OK) {
		answer(cl, p == CPOL_HTTP_TOOBIG ? 431 : 400, p == CPOL_HTTP_TOOBIG ? "Request Header Fields Too Large"
		                                                                    : "Bad Request", why);
		report(&k, "", 0, why);
		return;
	}
	size_t idx;
	char rwhy[200];
	if (!cpol_proxy_decide(c, rq.host, rq.port, !rq.connect, rq.readonly, &idx, rwhy, sizeof rwhy)) {
		refuse(&k, rq.host, rq.port, rwhy);
		return;
	}
	k.up = open_upstream(&k, rq.host, rq.port, &c->rules[idx]);
	if (k.up < 0)
		return;
	size_t extra = n - rq.head_len;
	if (rq.connect) {
		memmove(buf, buf + rq.head_len, extra);
		tunnel(&k, &rq, buf, extra, sizeof buf);
	} else {
		size_t hl = cpol_httpreq_rewrite(buf, &rq, out, sizeof out);
		if (!hl) {
			answer(cl, 431, "Request Header Fields Too Large", "request head too large");
			close(k.up);
			return;
		}
		uint64_t body = rq.body_len;
		size_t first = extra < body ? extra : (size_t)body;
		if (write_all(k.up, out, hl) < 0 || (first && write_all(k.up, buf + rq.head_len, first) < 0))
			goto done;
		body -= first;
		/* the rest of the body, then only the response */
		while (body) {
			size_t m = 0;
			size_t want = body < sizeof out ? (size_t)body : sizeof out;
			if (read_more(cl, out, &m, want, HEAD_TIMEOUT_MS) < 0 || write_all(k.up, out, m) < 0)
				goto done;
			body -= m;
		}
		relay(cl, k.up, 0, (c->idle_timeout_s ? c->idle_timeout_s : 300) * 1000);
	}
done:
	close(k.up);
}
