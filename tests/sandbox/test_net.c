/* tests/sandbox/test_net.c -- the network modes against real clients (curl,
 * wget, nc, bash's /dev/tcp) and a real listener on 127.0.0.1, and the socket
 * families seccomp refuses without network. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "tests/sandbox/harness.h"

static struct sb_listener L;
static char port[16], other_port[16], connect_spec[32], wrong_spec[32], url[64];
static char out[8192];

static void setup(void)
{
	sb_listen(&L);
	snprintf(port, sizeof port, "%d", L.port);
	/* A port that nothing listens on and that the policy does not list. */
	snprintf(other_port, sizeof other_port, "%d", L.port == 65535 ? 1 : L.port + 1);
	snprintf(connect_spec, sizeof connect_spec, "connect:%d", L.port);
	snprintf(wrong_spec, sizeof wrong_spec, "connect:%s", other_port);
	snprintf(url, sizeof url, "http://127.0.0.1:%d/", L.port);
}

static void teardown(void)
{
	sb_listen_stop(&L);
}

TestSuite(net, .init = setup, .fini = teardown, .timeout = 60);

/* sbexec with the usual roots and the given network mode. */
#define SANDBOX(net) sb_prog("sbexec"), "--read", "/", "--write", "/dev/null", \
	"--net", (net), "--"

static int curl(const char *net)
{
	return sb_runl(out, sizeof out, SANDBOX(net), "curl", "-sS", "--noproxy", "*",
	               "--max-time", "10", url, NULL);
}

static int wget(const char *net)
{
	return sb_runl(out, sizeof out, SANDBOX(net), "wget", "-q", "-O", "-", "--no-hsts",
	               "--no-proxy", "--tries=1", "--timeout=10", url, NULL);
}

static int nc(const char *net)
{
	return sb_runl(out, sizeof out, SANDBOX(net), "nc", "-N", "-w", "5", "127.0.0.1",
	               port, NULL);
}

static int devtcp(const char *net)
{
	char script[128];
	snprintf(script, sizeof script,
	         "exec 3<>/dev/tcp/127.0.0.1/%d && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3",
	         L.port);
	return sb_runl(out, sizeof out, SANDBOX(net), "bash", "-c", script, NULL);
}

/* Each client, refused without network and let through to a listed port.
 * The parameters are copied into each test's process, so they hold no
 * pointers: the client is named by its index in run_client. */
struct client {
	int kind;
	char name[16];
	char refusal[32]; /* what it prints when refused ("": not checked) */
};

static struct client clients[] = {
	{ 0, "curl", "" },
	{ 1, "wget", "" },
	{ 2, "nc", "" },
	{ 3, "bash /dev/tcp", "Operation not permitted" },
};

static int run_client(const struct client *c, const char *net)
{
	static int (*const run[])(const char *) = { curl, wget, nc, devtcp };
	return run[c->kind](net);
}

ParameterizedTestParameters(net, a_client_fails_without_network)
{
	return cr_make_param_array(struct client, clients, sizeof clients / sizeof clients[0]);
}

ParameterizedTest(struct client *c, net, a_client_fails_without_network)
{
	cr_expect_neq(run_client(c, "none"), 0, "%s succeeded: %s", c->name, out);
	if (c->refusal[0])
		cr_expect(strstr(out, c->refusal), "%s: %s", c->name, out);
	cr_expect_eq(L.accepted, 0, "the listener saw a connection from %s", c->name);
}

ParameterizedTestParameters(net, a_client_reaches_a_listed_port)
{
	return cr_make_param_array(struct client, clients, sizeof clients / sizeof clients[0]);
}

ParameterizedTest(struct client *c, net, a_client_reaches_a_listed_port)
{
	cr_expect_eq(run_client(c, connect_spec), 0, "%s: %s", c->name, out);
	cr_expect(strstr(out, "hello"), "%s: %s", c->name, out);
	cr_expect_eq(L.accepted, 1, "%s: %d connections", c->name, L.accepted);
}

Test(net, connect_mode_refuses_ports_not_listed)
{
	cr_expect_neq(curl(wrong_spec), 0, "curl reached an unlisted port: %s", out);
	cr_expect_eq(L.accepted, 0);
	cr_expect_eq(sb_runl(out, sizeof out, SANDBOX(wrong_spec), sb_prog("sbprobe"),
	                     "connect", port, NULL), 1);
	cr_expect(strstr(out, "EACCES"), "%s", out);
}

Test(net, outbound_reaches_any_port)
{
	cr_expect_eq(curl("outbound"), 0, "%s", out);
	cr_expect(strstr(out, "hello"), "%s", out);
}

Test(net, outbound_refuses_tcp_bind)
{
	cr_expect_eq(sb_runl(out, sizeof out, SANDBOX("outbound"), sb_prog("sbprobe"),
	                     "bind", "0", NULL), 1);
	/* seccomp refuses bind() without a bind port (Landlock would say EACCES) */
	cr_expect(strstr(out, "EPERM"), "%s", out);
	cr_expect_eq(sb_runl(out, sizeof out, SANDBOX("outbound"), sb_prog("sbprobe"),
	                     "bind", other_port, NULL), 1, "%s", out);
	/* python3's http.server cannot listen either */
	cr_expect_neq(sb_runl(out, sizeof out, SANDBOX("outbound"), "/usr/bin/python3", "-c",
	                      "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0))",
	                      NULL), 0, "%s", out);
}

Test(net, outbound_allows_listed_bind_ports)
{
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--net",
	                     "outbound", "--bind", other_port, "--", sb_prog("sbprobe"), "bind",
	                     other_port, NULL), 0, "%s", out);
}

Test(net, connect_mode_refuses_bind)
{
	cr_expect_eq(sb_runl(out, sizeof out, SANDBOX(connect_spec), sb_prog("sbprobe"),
	                     "bind", "0", NULL), 1, "%s", out);
}

Test(net, any_mode_allows_bind)
{
	cr_expect_eq(sb_runl(out, sizeof out, SANDBOX("any"), sb_prog("sbprobe"), "bind", "0",
	                     NULL), 0, "%s", out);
	cr_expect_eq(curl("any"), 0, "%s", out);
}

Test(net, no_network_means_no_other_socket_family)
{
	static const char *const kinds[] = { "tcp", "udp", "tcp6", "udp6", "raw", "netlink",
	                                     "packet" };
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		int rc = sb_runl(out, sizeof out, SANDBOX("none"), sb_prog("sbprobe"), "socket",
		                 kinds[i], NULL);
		cr_expect_eq(rc, 1, "%s socket: %d %s", kinds[i], rc, out);
		cr_expect(strstr(out, "EPERM"), "%s socket: %s", kinds[i], out);
	}
	cr_expect_eq(sb_runl(out, sizeof out, SANDBOX("none"), sb_prog("sbprobe"),
	                     "socketpair-inet", NULL), 1);
	cr_expect(strstr(out, "EPERM"), "%s", out);
}

Test(net, python_udp_and_ipv6_fail_without_network)
{
	cr_expect_neq(sb_runl(out, sizeof out, SANDBOX("none"), "/usr/bin/python3", "-c",
	                      "import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM);"
	                      "s.sendto(b'x', ('127.0.0.1', 9))", NULL), 0);
	cr_expect(strstr(out, "PermissionError"), "%s", out);
	cr_expect_neq(sb_runl(out, sizeof out, SANDBOX("none"), "/usr/bin/python3", "-c",
	                      "import socket; socket.socket(socket.AF_INET6, socket.SOCK_STREAM)",
	                      NULL), 0);
	cr_expect(strstr(out, "PermissionError"), "%s", out);
}

Test(net, unix_sockets_work_without_network)
{
	cr_expect_eq(sb_runl(out, sizeof out, SANDBOX("none"), sb_prog("sbprobe"), "socketpair",
	                     NULL), 0, "%s", out);
	cr_expect_eq(sb_runl(out, sizeof out, SANDBOX("none"), sb_prog("sbprobe"), "socket",
	                     "unix", NULL), 0, "%s", out);
}

Test(net, udp_is_allowed_with_network)
{
	cr_expect_eq(sb_runl(out, sizeof out, SANDBOX("outbound"), sb_prog("sbprobe"), "socket",
	                     "udp", NULL), 0, "%s", out);
}

Test(net, trusted_leaves_the_network_alone)
{
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--trusted", "--",
	                     sb_prog("sbprobe"), "bind", "0", NULL), 0, "%s", out);
	cr_expect_eq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--trusted", "--",
	                     sb_prog("sbprobe"), "socket", "raw", NULL), 0, "%s", out);
}
