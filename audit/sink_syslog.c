/* audit/sink_syslog.c -- the syslog sink: one RFC 3164 datagram per record,
 *   <PRI>Mmm dd hh:mm:ss codexrun[PID]: {json}
 * with facility LOG_AUTHPRIV, sent on an AF_UNIX SOCK_DGRAM socket
 * (/dev/log, or the path the caller names, so that tests can listen).
 *
 * Written by hand rather than with syslog(3): syslog(3) reports no errors
 * (a record would vanish silently) and cannot be pointed at a test socket.
 */
#include "audit/internal.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <stdio.h>

static int fill_addr(struct sockaddr_un *sa, const char *path, cpol_error *err)
{
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sa->sun_path)
		return cpol_fail(err, ENAMETOOLONG, "audit: syslog socket path too long: %s", path);
	strcpy(sa->sun_path, path);
	return 0;
}

int cpol_audit_syslog_open(const char *sockpath, cpol_error *err)
{
	struct sockaddr_un sa;
	if (fill_addr(&sa, sockpath, err) < 0)
		return -1;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return cpol_fail_errno(err, "audit: cannot make a socket for syslog");
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		cpol_fail_errno(err, "audit: cannot connect to the syslog socket %s", sockpath);
		close(fd);
		return -1;
	}
	return fd;
}

static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

int cpol_audit_syslog_send(struct cpol_audit *a, const char *json, size_t n, int severity,
                           cpol_error *err)
{
	char hdr[CPOL_AUDIT_SYSLOG_HEADER];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	int h = snprintf(hdr, sizeof hdr, "<%d>%s %2d %02d:%02d:%02d codexrun[%ld]: ",
	                 LOG_AUTHPRIV | severity, months[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour,
	                 tm.tm_min, tm.tm_sec, (long)getpid());
	if (h < 0 || (size_t)h >= sizeof hdr)
		return cpol_fail(err, EINVAL, "audit: syslog header too long");
	struct iovec iov[2] = { { hdr, (size_t)h }, { (void *)json, n } };
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
	for (int attempt = 0;; attempt++) {
		ssize_t w = sendmsg(a->fd, &msg, MSG_NOSIGNAL);
		if (w == (ssize_t)h + (ssize_t)n)
			return 0;
		if (w >= 0) /* a datagram goes whole or not at all */
			return cpol_fail(err, EIO, "audit: cannot send to syslog at %s: short send",
			                 a->path);
		if (errno == EINTR)
			continue;
		/* The daemon restarted: its socket is a new one. Once. */
		if (attempt == 0 && (errno == ECONNREFUSED || errno == ENOTCONN)) {
			cpol_error e2;
			int fd = cpol_audit_syslog_open(a->path, &e2);
			if (fd >= 0) {
				close(a->fd);
				a->fd = fd;
				continue;
			}
			errno = e2.code;
		}
		return cpol_fail_errno(err, "audit: cannot send to syslog at %s", a->path);
	}
}
