/* cli/run_proxy.c -- codexrun's side of egress by host name: when the
 * image has `network allow` / `network deny` rules, the command runs in a
 * network namespace of its own whose only way out is the proxy (net/)
 * that codexrun runs outside it.
 *
 * How the two meet: the command's process, before its sandbox, makes the
 * namespace with its loopback up (cpol_proc_private_net, the backend's), listens on 127.0.0.1:3128
 * there and passes that listening socket to the proxy process over a
 * socket pair; the proxy accepts on it (the accepted connections live in
 * the command's namespace) and connects out from codexrun's. No veth, no
 * routes, no extra package; a port of its own namespace cannot collide.
 * The sandbox then allows TCP connect to that port only (Landlock, seccomp
 * of the connect mode) and no bind.
 *
 * One run per process: the state is static, like run_limits.c. The proxy
 * process writes an audit record for each refused connection and says so
 * on stderr; it ends when codexrun closes its stop pipe (or dies). */
#include "cli/run.h"
#include "audit/audit.h"
#include "net/proxy.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

enum { PROXY_PORT = 3128 };

static struct {
	int active;
	int child_sock;           /* the command's end: the listening socket goes here */
	int stop;                 /* closing it ends the proxy */
	pid_t pid;
	struct cpol_audit *audit;
} px = { 0, -1, -1, -1, NULL };

static const uint16_t proxy_port[] = { PROXY_PORT };

static void refused(const struct cpol_proxy_refusal *r, void *arg)
{
	(void)arg;
	char dest[300];
	snprintf(dest, sizeof dest, "%s:%u", r->host[0] ? r->host : "?", r->port);
	fprintf(stderr, "codexrun: network: refused %s (%s)\n", dest, r->rule);
	if (!px.audit)
		return;
	struct cpol_audit_record rec = CPOL_AUDIT_RECORD_INIT;
	rec.op = "network";
	rec.decision = "forbid";
	rec.rule = r->rule;
	rec.reason = dest;
	cpol_error err;
	if (cpol_audit_write(px.audit, &rec, &err) < 0)
		fprintf(stderr, "codexrun: %s\n", err.msg);
}

/* The proxy process: receive the listening socket, serve until stopped. */
static _Noreturn void proxy_main(int sock, int stop, struct cpol_proxy_conf *conf)
{
	cpol_proc_die_with_parent();
	static const int quiet[] = { SIGINT, SIGQUIT, SIGTSTP, SIGHUP, SIGTTIN, SIGTTOU, SIGPIPE };
	for (size_t i = 0; i < sizeof quiet / sizeof *quiet; i++)
		signal(quiet[i], SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	char cbuf[CMSG_SPACE(sizeof(int))];
	char byte;
	struct iovec iov = { &byte, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
	ssize_t n;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL;
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		_exit(0); /* the command never started */
	int lfd;
	memcpy(&lfd, CMSG_DATA(cm), sizeof lfd);
	close(sock);
	_exit(cpol_proxy_serve(lfd, stop, conf) < 0 ? 1 : 0);
}

int run_proxy_apply(struct cpol_audit *audit, struct cpol_spec *rs, cpol_error *err)
{
	if (!rs->nhosts || rs->spec.trusted)
		return 0;
	static struct cpol_proxy_rule rules[64];
	static struct cpol_proxy_conf conf;
	size_t k = 0;
	for (; k < rs->nhosts && k < sizeof rules / sizeof *rules; k++)
		rules[k] = (struct cpol_proxy_rule){ rs->hosts[k].pattern, rs->hosts[k].deny, rs->hosts[k].readonly };
	conf.rules = rules;
	conf.nrules = k;
	/* (copied: codexrun rewrites its environment before the command runs) */
	static char hosts_path[4096];
	const char *hosts = getenv("CODEXPOL_PROXY_HOSTS");
	if (hosts && hosts[0] == '/' && strlen(hosts) < sizeof hosts_path) {
		memcpy(hosts_path, hosts, strlen(hosts) + 1);
		conf.hosts_file = hosts_path;
	}
	conf.refused = refused;
	int sv[2], sp[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return cpol_fail(err, errno, "network proxy: %s", strerror(errno));
	if (pipe2(sp, O_CLOEXEC) < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		return cpol_fail(err, e, "network proxy: %s", strerror(e));
	}
	px.audit = audit;
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(sv[0]); close(sv[1]); close(sp[0]); close(sp[1]);
		return cpol_fail(err, e, "network proxy: cannot start: %s", strerror(e));
	}
	if (pid == 0) {
		close(sv[1]);
		close(sp[1]);
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, 0);
			close(null);
		}
		proxy_main(sv[0], sp[0], &conf);
	}
	close(sv[0]);
	close(sp[0]);
	px.pid = pid;
	px.child_sock = sv[1];
	px.stop = sp[1];
	px.active = 1;
	/* the command may reach the proxy's port and nothing else */
	rs->spec.net = CPOL_NET_CONNECT;
	rs->spec.connect_ports = proxy_port;
	rs->spec.nconnect = 1;
	rs->spec.nbind = 0;
	rs->spec.prebuilt = (struct cpol_sandbox_prebuilt){ 0 };
	return 0;
}

int run_proxy_env(char ***envp, cpol_error *err)
{
	if (!px.active)
		return 0;
	/* NO_PROXY empty: no inherited exception sends a host around the proxy */
	static const char *const vars[] = {
		"HTTP_PROXY=http://127.0.0.1:3128", "HTTPS_PROXY=http://127.0.0.1:3128",
		"http_proxy=http://127.0.0.1:3128", "https_proxy=http://127.0.0.1:3128",
		"ALL_PROXY=http://127.0.0.1:3128", "all_proxy=http://127.0.0.1:3128",
		"NO_PROXY=", "no_proxy=",
	};
	for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
		if (cpol_env_pin(envp, vars[i], err) < 0)
			return -1;
	return 0;
}

/* what, with errno e's text after it (e 0: what says it all) */
static void say(const char *what, int e)
{
	char msg[300];
	int n = snprintf(msg, sizeof msg, "codexrun: cannot set up the network namespace: %s%s%s\n", what,
	                 e ? ": " : "", e ? strerror(e) : "");
	if (n > 0)
		(void)!write(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
}

int run_proxy_child(void)
{
	if (!px.active)
		return 0;
	cpol_error err;
	if (cpol_proc_private_net(&err) < 0) {
		say(err.msg, 0);
		return -1;
	}
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_port = htons(PROXY_PORT);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) < 0 || listen(l, 128) < 0) {
		say("listen", errno);
		return -1;
	}
	char cbuf[CMSG_SPACE(sizeof(int))];
	memset(cbuf, 0, sizeof cbuf);
	char byte = 'L';
	struct iovec iov = { &byte, 1 };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &l, sizeof l);
	if (sendmsg(px.child_sock, &mh, MSG_NOSIGNAL) < 0) {
		say("passing the socket to the proxy", errno);
		return -1;
	}
	close(l);
	close(px.child_sock);
	return 0;
}

void run_proxy_finish(void)
{
	if (!px.active)
		return;
	close(px.child_sock);
	close(px.stop);
	int st;
	while (waitpid(px.pid, &st, 0) < 0 && errno == EINTR)
		;
	px.active = 0;
}
