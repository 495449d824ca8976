/* vm/url.c -- the host of a URL argument, for network intents:
 * scheme://[user[:pass]@]host[:port][/?#...] for the schemes that reach
 * the network, and scp-style user@host:path.
 *
 * Must never: allocate, make a system call, or touch the locale (ASCII
 * case folding by hand) or global mutable state.
 */
#include <string.h>

#include "vm/path.h"

/* Schemes that reach the network: the ones curl, wget, git, pip, rsync,
 * ssh and the cloud CLIs take. file:// is local and not here. */
static const char *const net_schemes[] = {
	"http", "https", "ftp", "ftps", "sftp", "scp", "ssh", "git", "git+ssh", "ssh+git",
	"git+http", "git+https", "git+git", "hg+http", "hg+https", "hg+ssh",
	"svn", "svn+ssh", "bzr+ssh", "rsync", "ws", "wss", "s3", "gs", "telnet", "tftp",
	"dict", "gopher", "gophers", "ldap", "ldaps", "imap", "imaps", "pop3", "pop3s",
	"smtp", "smtps", "rtsp", "rtmp", "smb", "smbs", "mqtt", "mqtts", "irc", "ircs",
	"nntp", "postgres", "postgresql", "mysql", "mongodb", "mongodb+srv", "redis",
	"rediss", "amqp", "amqps",
};

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static int is_net_scheme(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof net_schemes / sizeof net_schemes[0]; i++) {
		const char *k = net_schemes[i];
		size_t j = 0;
		while (j < n && k[j] != '\0' && lower((unsigned char)s[j]) == (unsigned char)k[j])
			j++;
		if (j == n && k[j] == '\0')
			return 1;
	}
	return 0;
}

/* A byte that cannot be in a host: ends it or rejects the URL. */
static int bad_host_byte(unsigned char c)
{
	return c <= ' ' || c == 0x7f || c == '/' || c == '\\' || c == '?' || c == '#'
	    || c == '@' || c == '"' || c == '<' || c == '>' || c == '`' || c == '{' || c == '}'
	    || c == '|' || c == '^';
}

/* host[:port] or [v6]:port at a[0..n): set the host span. */
static int host_of(const char *a, size_t n, const char **host, size_t *hostlen)
{
	size_t i = 0;

	if (n > 0 && a[0] == '[') {
		while (i < n && a[i] != ']')
			i++;
		if (i == n || i == 1)
			return 0;
		*host = a + 1;
		*hostlen = i - 1;
		for (size_t k = 1; k < i; k++)
			if (bad_host_byte((unsigned char)a[k]))
				return 0;
		return i + 1 == n || a[i + 1] == ':';
	}
	while (i < n && a[i] != ':')
		i++;
	if (i == 0)
		return 0;
	for (size_t k = 0; k < i; k++)
		if (bad_host_byte((unsigned char)a[k]))
			return 0;
	*host = a;
	*hostlen = i;
	return 1;
}

int cpol_url_host(const char *s, size_t len, const char **host, size_t *hostlen)
{
	size_t i = 0, end, at;

	if (s == NULL || len == 0 || host == NULL || hostlen == NULL)
		return 0;

	/* scheme "://" */
	while (i < len && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')
	                   || (i > 0 && ((s[i] >= '0' && s[i] <= '9') || s[i] == '+'
	                                 || s[i] == '-' || s[i] == '.'))))
		i++;
	if (i > 0 && len - i >= 3 && memcmp(s + i, "://", 3) == 0) {
		if (!is_net_scheme(s, i))
			return 0;
		i += 3;
		/* the authority ends at the first / \ ? # */
		for (end = i; end < len; end++) {
			char c = s[end];
			if (c == '/' || c == '\\' || c == '?' || c == '#')
				break;
		}
		/* userinfo ends at the last @ */
		for (at = end; at > i && s[at - 1] != '@'; at--)
			;
		return host_of(s + at, end - at, host, hostlen);
	}

	/* scp-style user@host:path (user@ is required: `a:b` is too common) */
	for (at = 0; at < len && s[at] != '@'; at++) {
		unsigned char c = (unsigned char)s[at];
		if (c == '/' || c == ':' || c <= ' ' || c == 0x7f)
			return 0;
	}
	if (at == 0 || at == len)
		return 0;
	at++;
	if (at < len && s[at] == '[') {         /* user@[v6]:path */
		for (end = at; end < len && s[end] != ']'; end++)
			;
		if (end == len || end + 1 == len || s[end + 1] != ':')
			return 0;
		return host_of(s + at, end + 1 - at, host, hostlen);
	}
	for (end = at; end < len && s[end] != ':'; end++)
		if (s[end] == '/' || s[end] == '@')
			return 0;
	if (end == len)
		return 0;
	return host_of(s + at, end - at, host, hostlen);
}
