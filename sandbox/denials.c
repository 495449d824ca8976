/* sandbox/denials.c -- the collector of what the kernel refused a
 * sandboxed command (see denials.h): a NETLINK_AUDIT socket bound to the
 * read-only multicast group, read by one thread of the parent while the
 * command runs, and the records turned into short descriptions.
 *
 * The audit stream holds every process of the machine: a Landlock record
 * is kept only when its domain was made by a descendant of the run's init
 * (the domain record that comes with a domain's first refusal names that
 * process), a seccomp record only when its process descends from init.
 * The end of the stream is found with a user message of our own sent into
 * it after the command ended: the kernel queues records in order, so every
 * refusal made before it has been delivered once the marker arrives.
 * It never changes the audit configuration. */
#include "sandbox/denials.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <poll.h>
#include <pthread.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* Newer than Debian 12's headers (Linux 6.15 and 4.14). */
#ifndef AUDIT_LANDLOCK_ACCESS
#define AUDIT_LANDLOCK_ACCESS 1423
#endif
#ifndef AUDIT_LANDLOCK_DOMAIN
#define AUDIT_LANDLOCK_DOMAIN 1424
#endif
#ifndef AUDIT_NLGRP_READLOG
#define AUDIT_NLGRP_READLOG 1
#endif
#define LL_LOG_NEW_EXEC_ON (1u << 1)  /* LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON */
#define SC_FILTER_FLAG_LOG (1u << 1)  /* SECCOMP_FILTER_FLAG_LOG */

unsigned cpol_denials_landlock_flags, cpol_denials_seccomp_flags;

#define EV_MAX 8          /* records of one event we look at */
#define REC_MAX 1024      /* bytes of one record kept */
#define OURS_MAX 64       /* Landlock domains of the run */

struct ev_rec {
	int type;
	char text[REC_MAX];
};

struct cpol_denials {
	int fd;
	pthread_t th;
	int running;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pid_t init;
	int stop, marked;
	char marker[48];
	/* the event being assembled (thread only) */
	unsigned long serial;
	struct ev_rec ev[EV_MAX];
	size_t nev;
	uint64_t ours[OURS_MAX];
	size_t nours;
	/* the results (under mu) */
	char *desc[CPOL_DENIALS_KEEP];
	size_t ndesc, total;
};

/* A field's value: " key=value" (or at the start); a quoted value without
 * its quotes, a hex-encoded path decoded (audit hex-encodes a name with
 * spaces, quotes or control characters). */
static int field(const char *text, const char *key, char *out, size_t len)
{
	size_t kl = strlen(key);
	const char *p = text;
	while ((p = strstr(p, key))) {
		if ((p == text || p[-1] == ' ') && p[kl] == '=')
			break;
		p += kl;
	}
	if (!p || !len)
		return -1;
	p += kl + 1;
	size_t n = 0;
	if (*p == '"') {
		p++;
		while (p[n] && p[n] != '"')
			n++;
	} else {
		while (p[n] && p[n] != ' ')
			n++;
	}
	if (n >= len)
		n = len - 1;
	memcpy(out, p, n);
	out[n] = 0;
	if (!strcmp(key, "path") && p[-1] != '"' && n % 2 == 0 && strspn(out, "0123456789ABCDEFabcdef") == n) {
		for (size_t i = 0; i < n / 2; i++) {
			unsigned v;
			sscanf(out + 2 * i, "%2x", &v);
			out[i] = (char)v;
		}
		out[n / 2] = 0;
	}
	return 0;
}

static const struct {
	const char *blocker, *fmt;
} verbs[] = {
	{ "fs.execute", "execute %s" },           { "fs.write_file", "write %s" },
	{ "fs.read_file", "read %s" },            { "fs.read_dir", "list %s" },
	{ "fs.remove_dir", "remove a folder in %s" }, { "fs.remove_file", "remove a file in %s" },
	{ "fs.make_char", "create a device in %s" }, { "fs.make_block", "create a device in %s" },
	{ "fs.make_dir", "create a folder in %s" }, { "fs.make_reg", "create a file in %s" },
	{ "fs.make_sock", "create a socket in %s" }, { "fs.make_fifo", "create a pipe in %s" },
	{ "fs.make_sym", "create a link in %s" },  { "fs.refer", "link or rename %s" },
	{ "fs.truncate", "truncate %s" },         { "fs.ioctl_dev", "ioctl on %s" },
	{ "fs.change_topology", "mount on %s" },
};

static int describe_landlock(const char *text, char *out, size_t len)
{
	char b[128], v1[512], v2[64];
	if (field(text, "blockers", b, sizeof b) < 0)
		return -1;
	b[strcspn(b, ",")] = 0; /* several blockers: the first names it well enough */
	if (!strncmp(b, "net.", 4)) {
		int conn = !strcmp(b, "net.connect_tcp");
		if (field(text, conn ? "daddr" : "saddr", v1, sizeof v1) < 0)
			v1[0] = 0;
		if (field(text, conn ? "dest" : "src", v2, sizeof v2) < 0)
			snprintf(v2, sizeof v2, "?");
		int six = strchr(v1, ':') != NULL;
		if (conn)
			snprintf(out, len, "connect %s%s%s:%s (network)", six ? "[" : "", v1[0] ? v1 : "?", six ? "]" : "",
			         v2);
		else
			snprintf(out, len, "bind port %s (network)", v2);
		return 0;
	}
	if (!strncmp(b, "scope.", 6)) {
		if (!strcmp(b, "scope.signal"))
			snprintf(out, len, "signal a process outside the sandbox (Landlock)");
		else
			snprintf(out, len, "connect to an abstract UNIX socket outside the sandbox (Landlock)");
		return 0;
	}
	if (field(text, "path", v1, sizeof v1) < 0)
		snprintf(v1, sizeof v1, "?");
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		if (!strcmp(verbs[i].blocker, b)) {
			char what[600];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
			snprintf(what, sizeof what, verbs[i].fmt, v1);
#pragma GCC diagnostic pop
			snprintf(out, len, "%s (Landlock)", what);
			return 0;
		}
	snprintf(out, len, "%s %s (Landlock)", b, v1);
	return 0;
}

/* The record has the action (code=0x50000: SECCOMP_RET_ERRNO) but neither
 * the errno nor the arguments: which call it was names the rule. */
static int describe_seccomp(const char *text, char *out, size_t len)
{
	char v[64];
	if (field(text, "code", v, sizeof v) < 0 || (strtoul(v, NULL, 16) & 0xffff0000UL) != 0x00050000UL)
		return -1;
	if (field(text, "syscall", v, sizeof v) < 0)
		return -1;
	int nr = atoi(v);
	uint32_t arch = field(text, "arch", v, sizeof v) == 0 ? (uint32_t)strtoul(v, NULL, 16) : SCMP_ARCH_NATIVE;
	char *name = seccomp_syscall_resolve_num_arch(arch, nr);
	const char *n = name ? name : v;
	int rc = 0;
	if (!strcmp(n, "clone3"))
		rc = -1; /* ENOSYS: the C library's signal to fall back to clone(), not a refusal */
	else if (!strcmp(n, "socket") || !strcmp(n, "socketpair"))
		snprintf(out, len, "%s for a network other than UNIX sockets (network)", n);
	else if (!strcmp(n, "bind") || !strcmp(n, "listen"))
		snprintf(out, len, "%s (network: no bind port granted)", n);
	else
		snprintf(out, len, "%s (seccomp)", name ? name : v);
	free(name);
	return rc;
}

int cpol_denials_describe(int type, const char *text, char *out, size_t len)
{
	if (type == AUDIT_LANDLOCK_ACCESS)
		return describe_landlock(text, out, len);
	if (type == AUDIT_SECCOMP)
		return describe_seccomp(text, out, len);
	return -1;
}

/* Does pid descend from (or is it) init? Follows the parents in /proc. */
static int descends(pid_t pid, pid_t init)
{
	for (int depth = 0; depth < 64 && pid > 1; depth++) {
		if (pid == init)
			return 1;
		char path[64], buf[512];
		snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
		FILE *f = fopen(path, "re");
		if (!f)
			return 0;
		size_t n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n] = 0;
		const char *close = strrchr(buf, ')');
		int ppid;
		if (!close || sscanf(close + 1, " %*c %d", &ppid) != 1)
			return 0;
		pid = ppid;
	}
	return 0;
}

static void add(struct cpol_denials *d, const char *desc)
{
	pthread_mutex_lock(&d->mu);
	d->total++;
	int seen = 0;
	for (size_t i = 0; i < d->ndesc && !seen; i++)
		seen = !strcmp(d->desc[i], desc);
	if (!seen && d->ndesc < CPOL_DENIALS_KEEP) {
		char *s = strdup(desc);
		if (s)
			d->desc[d->ndesc++] = s;
	}
	pthread_mutex_unlock(&d->mu);
}

static int ours(const struct cpol_denials *d, uint64_t dom)
{
	for (size_t i = 0; i < d->nours; i++)
		if (d->ours[i] == dom)
			return 1;
	return 0;
}

/* One whole event: its domain record first (it comes after the access
 * record that caused it), then the refusals. */
static void event(struct cpol_denials *d)
{
	char v[64], out[1024];
	for (size_t i = 0; i < d->nev; i++) {
		const char *t = d->ev[i].text;
		if (d->ev[i].type != AUDIT_LANDLOCK_DOMAIN || field(t, "status", v, sizeof v) < 0 ||
		    strcmp(v, "allocated") != 0 || field(t, "domain", v, sizeof v) < 0)
			continue;
		uint64_t dom = strtoull(v, NULL, 16);
		if (field(t, "pid", v, sizeof v) == 0 && descends((pid_t)atoi(v), d->init) && !ours(d, dom) &&
		    d->nours < OURS_MAX)
			d->ours[d->nours++] = dom;
	}
	for (size_t i = 0; i < d->nev; i++) {
		const char *t = d->ev[i].text;
		if (d->ev[i].type == AUDIT_LANDLOCK_ACCESS) {
			if (field(t, "domain", v, sizeof v) < 0 || !ours(d, strtoull(v, NULL, 16)))
				continue;
			if (describe_landlock(t, out, sizeof out) == 0)
				add(d, out);
		} else if (d->ev[i].type == AUDIT_SECCOMP) {
			if (field(t, "pid", v, sizeof v) < 0 || !descends((pid_t)atoi(v), d->init))
				continue;
			if (describe_seccomp(t, out, sizeof out) == 0)
				add(d, out);
		}
	}
	d->nev = 0;
}

static void record(struct cpol_denials *d, int type, const char *msg, size_t n)
{
	char text[REC_MAX];
	if (n >= sizeof text)
		n = sizeof text - 1;
	memcpy(text, msg, n);
	text[n] = 0;
	if (type == AUDIT_USER && strstr(text, d->marker)) {
		event(d);
		pthread_mutex_lock(&d->mu);
		d->marked = 1;
		pthread_cond_signal(&d->cv);
		pthread_mutex_unlock(&d->mu);
		return;
	}
	/* "audit(1796548453.574:2): fields" */
	unsigned long serial = 0;
	const char *colon = strstr(text, "):");
	const char *sc = colon ? memrchr(text, ':', (size_t)(colon - text)) : NULL;
	if (sc)
		serial = strtoul(sc + 1, NULL, 10);
	if (serial != d->serial || type == AUDIT_EOE) {
		if (d->nev)
			event(d);
		d->serial = serial;
	}
	if (type != AUDIT_LANDLOCK_ACCESS && type != AUDIT_LANDLOCK_DOMAIN && type != AUDIT_SECCOMP)
		return;
	if (d->nev == EV_MAX)
		return;
	d->ev[d->nev].type = type;
	snprintf(d->ev[d->nev].text, sizeof d->ev[d->nev].text, "%s", colon ? colon + 3 : text);
	d->nev++;
}

static void *reader(void *arg)
{
	struct cpol_denials *d = arg;
	static __thread char buf[16384];
	for (;;) {
		pthread_mutex_lock(&d->mu);
		int stop = d->stop || d->marked;
		pthread_mutex_unlock(&d->mu);
		if (stop)
			break;
		struct pollfd p = { d->fd, POLLIN, 0 };
		if (poll(&p, 1, 50) <= 0)
			continue;
		ssize_t n = recv(d->fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n <= 0)
			continue;
		int left = (int)n; /* signed: NLMSG_NEXT may step past an unpadded end */
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			/* Records are text, and their netlink length is not
			 * always padded: take what the header says. */
			size_t len = h->nlmsg_len > NLMSG_HDRLEN ? h->nlmsg_len - NLMSG_HDRLEN : 0;
			const char *msg = NLMSG_DATA(h);
			record(d, h->nlmsg_type, msg, strnlen(msg, len));
		}
	}
	return NULL;
}

/* Ask the kernel whether audit is on; -1 when it does not answer. On a
 * socket of its own, in no multicast group: the reader's socket may already
 * be flooded with other processes' records when the answer comes. */
static int audit_enabled(void)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0)
		return -1;
	struct {
		struct nlmsghdr h;
	} req = { { NLMSG_LENGTH(0), AUDIT_GET, NLM_F_REQUEST, 1, 0 } };
	struct sockaddr_nl k = { .nl_family = AF_NETLINK };
	int on = -1;
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&k, sizeof k) < 0)
		goto out;
	char buf[8192];
	for (int tries = 0; tries < 8 && on < 0; tries++) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, 2000) <= 0)
			break;
		ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);
		if (n <= 0)
			break;
		int left = (int)n; /* signed: NLMSG_NEXT may step past an unpadded end */
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_type == AUDIT_GET && h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct audit_status))) {
				on = ((struct audit_status *)NLMSG_DATA(h))->enabled != 0;
				break;
			}
			if (h->nlmsg_type == NLMSG_ERROR && h->nlmsg_seq == 1)
				goto out;
		}
	}
out:
	close(fd);
	return on;
}

struct cpol_denials *cpol_denials_open(int landlock_abi, char *why, size_t len)
{
	cpol_denials_landlock_flags = cpol_denials_seccomp_flags = 0;
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0) {
		snprintf(why, len, "the kernel has no audit subsystem (%s)", strerror(errno));
		return NULL;
	}
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1) };
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		snprintf(why, len, "reading the kernel's audit log needs root (CAP_AUDIT_READ): %s", strerror(errno));
		close(fd);
		return NULL;
	}
	int on = audit_enabled();
	if (on <= 0) {
		snprintf(why, len, on == 0 ? "the kernel's audit is off (auditctl -e 1 turns it on)"
		                           : "the kernel's audit does not answer");
		close(fd);
		return NULL;
	}
	int big = 4 << 20;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	struct cpol_denials *d = calloc(1, sizeof *d);
	if (!d) {
		snprintf(why, len, "out of memory");
		close(fd);
		return NULL;
	}
	d->fd = fd;
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv, NULL);
	uint64_t nonce = 0;
	if (getrandom(&nonce, sizeof nonce, 0) != sizeof nonce)
		nonce = (uint64_t)getpid() << 32 ^ (uint64_t)time(NULL);
	snprintf(d->marker, sizeof d->marker, "codexrun-denials-end-%016" PRIx64, nonce);
	why[0] = 0;
	if (landlock_abi >= 7)
		cpol_denials_landlock_flags = LL_LOG_NEW_EXEC_ON;
	else
		snprintf(why, len, "Landlock ABI %d does not log its refusals (7 does): only seccomp's are known",
		         landlock_abi);
	cpol_denials_seccomp_flags = SC_FILTER_FLAG_LOG;
	return d;
}

void cpol_denials_watch(struct cpol_denials *d, pid_t init)
{
	if (!d || d->running)
		return;
	d->init = init;
	d->running = pthread_create(&d->th, NULL, reader, d) == 0;
}

size_t cpol_denials_finish(struct cpol_denials *d, char *const **list, size_t *nlist)
{
	*list = NULL;
	*nlist = 0;
	if (!d)
		return 0;
	if (d->running) {
		/* The marker, as a user message through the same socket (root
		 * has CAP_AUDIT_WRITE); then wait for it, at most a second. */
		struct {
			struct nlmsghdr h;
			char text[64];
		} m;
		memset(&m, 0, sizeof m);
		size_t tl = strlen(d->marker) + 1;
		memcpy(m.text, d->marker, tl);
		m.h = (struct nlmsghdr){ (uint32_t)NLMSG_LENGTH(tl), AUDIT_USER, NLM_F_REQUEST, 2, 0 };
		struct sockaddr_nl k = { .nl_family = AF_NETLINK };
		int sent = sendto(d->fd, &m, m.h.nlmsg_len, 0, (struct sockaddr *)&k, sizeof k) >= 0;
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += sent ? 1 : 0;
		until.tv_nsec += sent ? 0 : 200000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&d->mu);
		while (!d->marked && pthread_cond_timedwait(&d->cv, &d->mu, &until) == 0)
			;
		d->stop = 1;
		pthread_mutex_unlock(&d->mu);
		pthread_join(d->th, NULL);
		d->running = 0;
	}
	*list = d->desc;
	*nlist = d->ndesc;
	return d->total;
}

void cpol_denials_close(struct cpol_denials *d)
{
	cpol_denials_landlock_flags = cpol_denials_seccomp_flags = 0;
	if (!d)
		return;
	if (d->running) {
		pthread_mutex_lock(&d->mu);
		d->stop = 1;
		pthread_mutex_unlock(&d->mu);
		pthread_join(d->th, NULL);
	}
	for (size_t i = 0; i < d->ndesc; i++)
		free(d->desc[i]);
	close(d->fd);
	pthread_mutex_destroy(&d->mu);
	pthread_cond_destroy(&d->cv);
	free(d);
}
