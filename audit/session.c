/* audit/session.c -- what the writer adds to each record besides the
 * caller's fields: random ids (session UUIDs, run ids, from getrandom),
 * the session id check, and the time stamp. Sequence numbers live in the
 * handle (audit.c); see audit.h for what session, run and seq mean.
 */
#include "audit/internal.h"

#include <errno.h>
#include <sys/random.h>
#include <time.h>

static int random_bytes(unsigned char *b, size_t n, cpol_error *err)
{
	size_t got = 0;
	while (got < n) {
		ssize_t k = getrandom(b + got, n - got, 0);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return cpol_fail_errno(err, "audit: cannot make a random id");
		}
		got += (size_t)k;
	}
	return 0;
}

static const char hexdig[] = "0123456789abcdef";

int cpol_audit_random_hex(char *out, size_t nbytes, cpol_error *err)
{
	unsigned char b[32];
	if (nbytes > sizeof b)
		return cpol_fail(err, EINVAL, "audit: random id too long");
	if (random_bytes(b, nbytes, err) < 0)
		return -1;
	for (size_t i = 0; i < nbytes; i++) {
		out[2 * i] = hexdig[b[i] >> 4];
		out[2 * i + 1] = hexdig[b[i] & 15];
	}
	out[2 * nbytes] = '\0';
	return 0;
}

int cpol_audit_new_session(char out[CPOL_AUDIT_UUID_LEN + 1], cpol_error *err)
{
	unsigned char b[16];
	if (random_bytes(b, sizeof b, err) < 0)
		return -1;
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	size_t o = 0;
	for (size_t i = 0; i < sizeof b; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hexdig[b[i] >> 4];
		out[o++] = hexdig[b[i] & 15];
	}
	out[o] = '\0';
	return 0;
}

int cpol_audit_check_session(const char *s, cpol_error *err)
{
	size_t n = 0;
	for (; s[n]; n++) {
		unsigned char c = (unsigned char)s[n];
		if (c < '!' || c > '~')
			return cpol_fail(err, EINVAL,
			                 "audit: session id may hold only printable ASCII without spaces "
			                 "(byte 0x%02x at %zu)", c, n);
		if (n >= CPOL_AUDIT_SESSION_MAX)
			return cpol_fail(err, EINVAL, "audit: session id longer than %d bytes",
			                 CPOL_AUDIT_SESSION_MAX);
	}
	if (n == 0)
		return cpol_fail(err, EINVAL, "audit: empty session id");
	return 0;
}

static char *digits(char *p, unsigned v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + n;
}

void cpol_audit_timestamp(char out[32])
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	char *p = out;
	p = digits(p, (unsigned)(tm.tm_year + 1900), 4);
	*p++ = '-';
	p = digits(p, (unsigned)tm.tm_mon + 1, 2);
	*p++ = '-';
	p = digits(p, (unsigned)tm.tm_mday, 2);
	*p++ = 'T';
	p = digits(p, (unsigned)tm.tm_hour, 2);
	*p++ = ':';
	p = digits(p, (unsigned)tm.tm_min, 2);
	*p++ = ':';
	p = digits(p, (unsigned)tm.tm_sec, 2);
	*p++ = '.';
	p = digits(p, (unsigned)(ts.tv_nsec / 1000000), 3);
	*p++ = 'Z';
	*p = '\0';
}
