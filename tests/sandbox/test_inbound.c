/* tests/sandbox/test_inbound.c -- network direction: a profile without
 * inbound network (connect, outbound, no bind port) refuses every way of
 * waiting for a peer -- listen() without bind (the kernel's ephemeral port),
 * a UDP bind -- and a real client outside the sandbox, on 127.0.0.1, finds
 * nobody to talk to; socketpair() and UNIX clients keep working. The same
 * server under `any` is reached, so the client is known to work. */
#include <criterion/criterion.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tests/sandbox/harness.h"

static char out[8192];

SB_WS_SUITE(inbound, "inbound", .timeout = 60);

/* The client outside: waits (up to 8 s) for the port file the server
 * writes, then connects (tcp) or sends a datagram (udp). */
struct client {
	char portfile[4200];
	int udp;
	int reached; /* connect() succeeded or the datagram was sent */
	int port;
};

static void *client(void *arg)
{
	struct client *c = arg;
	for (int i = 0; i < 160 && !c->port; i++) {
		FILE *f = fopen(c->portfile, "r");
		if (f) {
			if (fscanf(f, "%d", &c->port) != 1)
				c->port = 0;
			fclose(f);
		}
		if (!c->port)
			usleep(50 * 1000);
	}
	if (!c->port)
		return NULL;
	int s = socket(AF_INET, c->udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)c->port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (c->udp)
		c->reached = sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof a) == 1;
	else
		c->reached = connect(s, (struct sockaddr *)&a, sizeof a) == 0;
	close(s);
	return NULL;
}

/* Run sbprobe serve KIND inside a sandbox of `net` with a client outside;
 * returns the probe's status. */
static int serve(const char *net, const char *kind, struct client *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->portfile, sizeof c->portfile, "%s/%s", ws, sb_unique("port"));
	c->udp = strcmp(kind, "udp") == 0;
	pthread_t t;
	pthread_create(&t, NULL, client, c);
	int rc = sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--write", ws,
	                 "--net", net, "--", sb_prog("sbprobe"), "serve", kind, c->portfile,
	                 NULL);
	pthread_join(t, NULL);
	return rc;
}

/* serve KIND under net must be refused (EPERM) before it has a port, so
 * that the client outside never reaches it. */
static void serve_refused(const char *net, const char *kind)
{
	struct client c;
	int rc = serve(net, kind, &c);
	cr_expect_eq(rc, 1, "%s %s: %d %s", net, kind, rc, out);
	cr_expect(strstr(out, "EPERM"), "%s %s: %s", net, kind, out);
	cr_expect_eq(c.port, 0, "%s %s: the server got port %d", net, kind, c.port);
	cr_expect_eq(c.reached, 0, "%s %s: an outside client reached it", net, kind);
}

Test(inbound, listen_without_bind_is_refused_and_nobody_connects_in)
{
	serve_refused("outbound", "tcp");
	serve_refused("connect:80", "tcp");
	serve_refused("none", "tcp");
}

Test(inbound, the_same_server_is_reached_under_any)
{
	struct client c;
	cr_expect_eq(serve("any", "tcp", &c), 0, "%s", out);
	cr_expect(c.reached, "the outside client did not connect: %s", out);
	cr_expect(strstr(out, "accepted"), "%s", out);
	cr_expect_eq(serve("any", "udp", &c), 0, "%s", out);
	cr_expect(strstr(out, "received"), "%s", out);
}

Test(inbound, udp_bind_is_refused_and_no_datagram_comes_in)
{
	serve_refused("outbound", "udp");
	serve_refused("connect:53", "udp");
	/* python's way, IPv6 too */
	cr_expect_neq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--net",
	                      "outbound", "--", "/usr/bin/python3", "-c",
	                      "import socket; s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM);"
	                      "s.bind(('::1', 0))", NULL), 0, "%s", out);
	cr_expect(strstr(out, "PermissionError"), "%s", out);
}

Test(inbound, a_granted_bind_port_is_inbound_network)
{
	/* With a bind port the profile accepts connections on it (the
	 * documented meaning of `bind`). */
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--net",
	                     "outbound", "--bind", "0", "--", sb_prog("sbprobe"), "bind", "0",
	                     NULL), 0, "%s", out);
}

Test(inbound, local_ipc_keeps_working_without_inbound)
{
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--net",
	                     "outbound", "--", sb_prog("sbprobe"), "socketpair", NULL), 0, "%s", out);
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--net",
	                     "outbound", "--", "/bin/sh", "-c", "echo abc | tr a-c x-z", NULL), 0,
	             "%s", out);
	cr_expect(strstr(out, "xyz"), "%s", out);
	/* A UNIX-socket server works offline (every socket there is AF_UNIX). */
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", ws, "srv.sock");
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--write", ws,
	                     "--net", "none", "--", sb_prog("sbprobe"), "unix-server", path, NULL),
	             0, "%s", out);
	/* Outbound without a bind port: bind() is refused for every family,
	 * UNIX included (a filter cannot tell the family of a descriptor). */
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--write", ws,
	                     "--net", "outbound", "--", sb_prog("sbprobe"), "unix-server", path,
	                     NULL), 1, "%s", out);
	cr_expect(strstr(out, "EPERM"), "%s", out);
}
