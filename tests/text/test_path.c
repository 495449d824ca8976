/* tests/text/test_path.c -- lexical paths and URL hosts, case by case. */
#include <criterion/criterion.h>
#include <string.h>

#include "tests/text/lsan.h"
#include "vm/path.h"

#define CWD "/home/u/proj"
#define HOME "/home/u"

/* Normalise against CWD and HOME; NULL expects -1. */
static const struct { const char *in; const char *out; } norm[] = {
	/* absolute */
	{ "/", "/" },
	{ "//", "/" },
	{ "///a//b///", "/a/b" },
	{ "/a/./b/.", "/a/b" },
	{ "/a/b/..", "/a" },
	{ "/a/b/../..", "/" },
	{ "/..", "/" },
	{ "/../../etc", "/etc" },
	{ "/a/../../b", "/b" },
	{ "/tmp/", "/tmp" },
	{ "/etc/passwd", "/etc/passwd" },
	{ "/a/b/c/../../d", "/a/d" },
	{ "/a/b/./../c", "/a/c" },
	{ "/./././", "/" },
	{ "/a/b/c/../../../../..", "/" },
	{ "/usr/bin/../lib/./x.so", "/usr/lib/x.so" },
	{ "/dev/null", "/dev/null" },
	{ "/tmp/../etc", "/etc" },
	{ "/proc/self/../1", "/proc/1" },
	{ "/a b/c", "/a b/c" },
	{ "/\xc3\xa9/\xc3\xbc", "/\xc3\xa9/\xc3\xbc" },
	{ "/.../x", "/.../x" },
	{ "/a/.b/..c/c..", "/a/.b/..c/c.." },
	/* relative to the working directory */
	{ ".", CWD },
	{ "./", CWD },
	{ "./.", CWD },
	{ "..", "/home/u" },
	{ "../", "/home/u" },
	{ "../..", "/home" },
	{ "../../../../..", "/" },
	{ "../../../etc/shadow", "/etc/shadow" },
	{ "./x", CWD "/x" },
	{ "x", CWD "/x" },
	{ "x/", CWD "/x" },
	{ "x/y/../z", CWD "/x/z" },
	{ "x/..", CWD },
	{ "x/../..", "/home/u" },
	{ "../sibling/f", "/home/u/sibling/f" },
	{ "a/./b/./c", CWD "/a/b/c" },
	{ "a//b", CWD "/a/b" },
	{ "a/b/c/", CWD "/a/b/c" },
	{ ".hidden", CWD "/.hidden" },
	{ "...", CWD "/..." },
	{ "..a", CWD "/..a" },
	{ "a..", CWD "/a.." },
	{ "./-rf", CWD "/-rf" },
	{ "build/../../proj2/out", "/home/u/proj2/out" },
	/* home */
	{ "~", "/home/u" },
	{ "~/", "/home/u" },
	{ "~/x", "/home/u/x" },
	{ "~/.ssh/id_rsa", "/home/u/.ssh/id_rsa" },
	{ "~/../../etc/passwd", "/etc/passwd" },
	{ "~//a/./b/..", "/home/u/a" },
	/* not lexical */
	{ "~user", NULL },
	{ "~user/x", NULL },
	{ "~root/.ssh", NULL },
	{ "~+", NULL },
	{ "~-/x", NULL },
	{ "", NULL },
};

Test(path, normalize_table)
{
	char out[256];

	for (size_t i = 0; i < sizeof norm / sizeof norm[0]; i++) {
		long n = cpol_path_normalize(CWD, strlen(CWD), HOME, strlen(HOME),
		                             norm[i].in, strlen(norm[i].in), out, sizeof out);
		if (norm[i].out == NULL) {
			cr_expect_eq(n, -1, "%s: expected -1, got %ld", norm[i].in, n);
		} else {
			cr_expect_eq(n, (long)strlen(norm[i].out), "%s: length %ld", norm[i].in, n);
			if (n >= 0)
				cr_expect_str_eq(out, norm[i].out, "%s", norm[i].in);
		}
	}
}

/* Other working directories and homes. */
static const struct {
	const char *cwd, *home, *in, *out;
} ctx[] = {
	{ "/", "/root", "x", "/x" },
	{ "/", "/root", "..", "/" },
	{ "/a//b/", "/root", "c", "/a/b/c" },     /* cwd itself is normalised */
	{ "/a/./b/../c", "/root", ".", "/a/c" },
	{ "", "/root", "x", NULL },               /* no cwd */
	{ "rel", "/root", "x", NULL },            /* cwd not absolute */
	{ "", "/root", "/abs", "/abs" },          /* absolute needs no cwd */
	{ "", "/root", "~/x", "/root/x" },
	{ "/w", "", "~/x", NULL },                /* no home */
	{ "/w", "rel", "~", NULL },
	{ "/w", "/", "~/x", "/x" },
	{ "/w", "/root/", "~", "/root" },
	{ "/w", "/root", "/x", "/x" },
};

Test(path, normalize_contexts)
{
	char out[64];

	for (size_t i = 0; i < sizeof ctx / sizeof ctx[0]; i++) {
		long n = cpol_path_normalize(ctx[i].cwd, strlen(ctx[i].cwd), ctx[i].home,
		                             strlen(ctx[i].home), ctx[i].in, strlen(ctx[i].in),
		                             out, sizeof out);
		if (ctx[i].out == NULL) {
			cr_expect_eq(n, -1, "cwd %s home %s in %s: %ld", ctx[i].cwd, ctx[i].home, ctx[i].in, n);
		} else {
			cr_expect_eq(n, (long)strlen(ctx[i].out), "cwd %s in %s: %ld", ctx[i].cwd, ctx[i].in, n);
			if (n >= 0)
				cr_expect_str_eq(out, ctx[i].out);
		}
	}
}

/* The result must fit with its NUL; what ".." takes back need not fit. */
static const struct { const char *in; size_t cap; const char *out; } caps[] = {
	{ "/", 2, "/" },
	{ "/", 1, NULL },
	{ "/", 0, NULL },
	{ "/ab", 4, "/ab" },
	{ "/ab", 3, NULL },
	{ "/a/b", 5, "/a/b" },
	{ "/a/b", 4, NULL },
	{ "/aaaa/../b", 3, "/b" },
	{ "/a/bbbbbbbb/../../c", 3, "/c" },
	{ "/a/bbbbbbbb/c/../..", 3, "/a" },
	{ "/a/bbbbbbbb/c/..", 3, NULL },
	{ "/a/bbbbbbbb/c/d/../../..", 3, "/a" },
	{ "x", 8, NULL },                         /* CWD "/x" needs 15 */
	{ "x", 15, CWD "/x" },
	{ "x", 14, NULL },
};

Test(path, normalize_capacity)
{
	char out[64];

	for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		long n;
		memset(out, 'Z', sizeof out);
		n = cpol_path_normalize(CWD, strlen(CWD), HOME, strlen(HOME), caps[i].in,
		                        strlen(caps[i].in), out, caps[i].cap);
		if (caps[i].out == NULL) {
			cr_expect_eq(n, -1, "%s cap %zu: %ld", caps[i].in, caps[i].cap, n);
		} else {
			cr_expect_eq(n, (long)strlen(caps[i].out), "%s cap %zu", caps[i].in, caps[i].cap);
			if (n >= 0)
				cr_expect_str_eq(out, caps[i].out);
		}
		for (size_t k = caps[i].cap; k < sizeof out; k++)
			cr_assert_eq(out[k], 'Z', "%s cap %zu: wrote out[%zu]", caps[i].in, caps[i].cap, k);
	}
}

Test(path, normalize_refuses_odd_input)
{
	char out[64];

	cr_assert_eq(cpol_path_normalize(CWD, strlen(CWD), HOME, strlen(HOME), "/a\0b", 4, out, sizeof out), -1);
	cr_assert_eq(cpol_path_normalize(CWD, strlen(CWD), HOME, strlen(HOME), "/a", 2, NULL, 0), -1);
	cr_assert_eq(cpol_path_normalize(CWD, strlen(CWD), HOME, strlen(HOME), NULL, 0, out, sizeof out), -1);
	/* the input's length rules, not its NUL */
	cr_assert_eq(cpol_path_normalize(CWD, strlen(CWD), HOME, strlen(HOME), "/etc/passwd", 4, out, sizeof out), 4);
	cr_assert_str_eq(out, "/etc");
}

Test(path, normalize_is_idempotent)
{
	char a[256], b[256];

	for (size_t i = 0; i < sizeof norm / sizeof norm[0]; i++) {
		long n = cpol_path_normalize(CWD, strlen(CWD), HOME, strlen(HOME), norm[i].in,
		                             strlen(norm[i].in), a, sizeof a);
		if (n < 0)
			continue;
		long m = cpol_path_normalize("/elsewhere", 10, "/nohome", 7, a, (size_t)n, b, sizeof b);
		cr_assert_eq(m, n);
		cr_assert_str_eq(a, b);
	}
}

static const struct { const char *root, *path; int in; } within[] = {
	{ "/tmp", "/tmp", 1 },
	{ "/tmp", "/tmp/x", 1 },
	{ "/tmp", "/tmp/x/y/z", 1 },
	{ "/tmp", "/tmpx", 0 },
	{ "/tmp", "/tmpx/y", 0 },
	{ "/tmp", "/tm", 0 },
	{ "/tmp", "/", 0 },
	{ "/tmp", "/var/tmp", 0 },
	{ "/", "/", 1 },
	{ "/", "/anything/at/all", 1 },
	{ "/tmp/", "/tmp/x", 1 },
	{ "/tmp/", "/tmp", 1 },
	{ "/home/u/proj", "/home/u/project", 0 },
	{ "/home/u/proj", "/home/u/proj/a/b", 1 },
	{ "/home/u/proj", "/home/u", 0 },
	{ "/a/b", "/a", 0 },
	{ "/dev/null", "/dev/null", 1 },
	{ "/dev/null", "/dev/nullx", 0 },
	{ "/dev/null", "/dev/null/x", 1 },
	{ "", "/x", 0 },
	{ "/x", "", 0 },
	{ "/tmp", "tmp/x", 0 },
};

Test(path, within_is_component_aware)
{
	for (size_t i = 0; i < sizeof within / sizeof within[0]; i++)
		cr_expect_eq(cpol_path_within(within[i].root, strlen(within[i].root), within[i].path,
		                              strlen(within[i].path)), within[i].in,
		             "%s within %s", within[i].path, within[i].root);
}

static const struct { const char *s; int is; } pathlike[] = {
	{ "/", 1 }, { "/etc", 1 }, { ".", 1 }, { "..", 1 }, { "./", 1 }, { "../", 1 },
	{ "./x", 1 }, { "../x", 1 }, { "~", 1 }, { "~/x", 1 }, { "~user", 1 }, { "~user/x", 1 },
	{ "x", 0 }, { "x/y", 0 }, { ".x", 0 }, { "..x", 0 }, { "...", 0 }, { "-rf", 0 },
	{ "", 0 }, { "http://x/y", 0 }, { "a=/b", 0 }, { "of=/x", 0 }, { "$HOME/x", 0 },
};

Test(path, pathlike)
{
	for (size_t i = 0; i < sizeof pathlike / sizeof pathlike[0]; i++)
		cr_expect_eq(cpol_path_is_pathlike(pathlike[i].s, strlen(pathlike[i].s)), pathlike[i].is,
		             "%s", pathlike[i].s);
	cr_assert_eq(cpol_path_is_pathlike(NULL, 0), 0);
	cr_assert_eq(cpol_path_is_pathlike("./x", 1), 1);       /* "." */
	cr_assert_eq(cpol_path_is_pathlike("..x", 2), 1);       /* ".." */
}

/* URL -> host (NULL: not a URL with a host). */
static const struct { const char *url, *host; } urls[] = {
	{ "http://example.com", "example.com" },
	{ "https://example.com/", "example.com" },
	{ "https://example.com/path?q=1#f", "example.com" },
	{ "HTTPS://Example.COM/x", "Example.COM" },
	{ "Http://h", "h" },
	{ "http://user@host/", "host" },
	{ "http://user:pass@host:8080/x", "host" },
	{ "http://a@b@c/", "c" },
	{ "http://host:8080", "host" },
	{ "http://h:", "h" },
	{ "http://host?x=1", "host" },
	{ "http://host#frag", "host" },
	{ "http://evil.com\\@good.com", "evil.com" },
	{ "http://127.0.0.1:8000/", "127.0.0.1" },
	{ "https://xn--bcher-kva.example/", "xn--bcher-kva.example" },
	{ "http://[::1]:8080/", "::1" },
	{ "http://[fe80::1%25eth0]/", "fe80::1%25eth0" },
	{ "http://u@[2001:db8::1]", "2001:db8::1" },
	{ "ftp://ftp.gnu.org/gnu/", "ftp.gnu.org" },
	{ "ftps://h/x", "h" },
	{ "sftp://u@h/x", "h" },
	{ "scp://h/x", "h" },
	{ "ssh://git@github.com:22/org/repo", "github.com" },
	{ "git://git.kernel.org/pub", "git.kernel.org" },
	{ "git+ssh://git@h/x", "h" },
	{ "ssh+git://h/x", "h" },
	{ "git+https://github.com/a/b.git@v1", "github.com" },
	{ "rsync://mirror.example/module", "mirror.example" },
	{ "ws://localhost:3000", "localhost" },
	{ "wss://h/s", "h" },
	{ "s3://bucket/key", "bucket" },
	{ "gs://bucket/o", "bucket" },
	{ "postgres://u:p@db.internal:5432/x", "db.internal" },
	{ "redis://cache", "cache" },
	/* scp-style */
	{ "git@github.com:org/repo.git", "github.com" },
	{ "user@host:", "host" },
	{ "user@host:/abs/path", "host" },
	{ "user@host::module", "host" },
	{ "user@[::1]:x", "::1" },
	/* not URLs with a host */
	{ "http://[::1/", NULL },
	{ "http://[]/", NULL },
	{ "http://[::1]x/", NULL },
	{ "http:///path", NULL },
	{ "http://", NULL },
	{ "http://user@/x", NULL },
	{ "http://host with space/", NULL },
	{ "http:/host", NULL },
	{ "file:///etc/passwd", NULL },
	{ "file://host/x", NULL },
	{ "unknown://h/x", NULL },
	{ "mailto:a@b.c", NULL },
	{ "host:path", NULL },
	{ "a:b", NULL },
	{ "me@example.com", NULL },
	{ "./a@b:c", NULL },
	{ "/x/a@b:c", NULL },
	{ "user@host/x:y", NULL },
	{ "@host:x", NULL },
	{ "user@:x", NULL },
	{ "a:b@c:d", NULL },
	{ "user@[::1]", NULL },
	{ "", NULL },
	{ "://h", NULL },
	{ "1http://h", NULL },
};

Test(url, hosts)
{
	for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
		const char *h = NULL;
		size_t hl = 0;
		int r = cpol_url_host(urls[i].url, strlen(urls[i].url), &h, &hl);

		if (urls[i].host == NULL) {
			cr_expect_eq(r, 0, "%s: expected no host", urls[i].url);
		} else {
			cr_expect_eq(r, 1, "%s: expected host %s", urls[i].url, urls[i].host);
			if (r) {
				cr_expect(h >= urls[i].url && h + hl <= urls[i].url + strlen(urls[i].url),
				          "%s: host outside the string", urls[i].url);
				cr_expect(hl == strlen(urls[i].host) && memcmp(h, urls[i].host, hl) == 0,
				          "%s: host %.*s, expected %s", urls[i].url, (int)hl, h, urls[i].host);
			}
		}
	}
}

Test(url, length_rules_and_null)
{
	const char *h;
	size_t hl;

	cr_assert_eq(cpol_url_host("https://example.com", 12, &h, &hl), 1);    /* "https://exam" */
	cr_assert_eq(hl, 4);
	cr_assert_eq(cpol_url_host("https://", 8, &h, &hl), 0);
	cr_assert_eq(cpol_url_host(NULL, 0, &h, &hl), 0);
	cr_assert_eq(cpol_url_host("http://h\0x/", 11, &h, &hl), 0);
}
