/* vm/path.c -- lexical path handling for path intents: is an argument a
 * path, its normal form against the working directory and home, and is it
 * within a root. Purely lexical: symbolic links are not followed (the
 * kernel sandbox enforces the real roots).
 *
 * Must never: allocate, make a system call, touch the locale or global
 * state, or write outside out[0..cap).
 */
#include <string.h>

#include "vm/path.h"

int cpol_path_is_pathlike(const char *s, size_t len)
{
	if (s == NULL || len == 0)
		return 0;
	if (s[0] == '/' || s[0] == '~')
		return 1;
	if (s[0] != '.')
		return 0;
	/* ".", "./x", "..", "../x" */
	if (len == 1 || s[1] == '/')
		return 1;
	return s[1] == '.' && (len == 2 || s[2] == '/');
}

/* Output under construction: out[0..len) is a normal absolute path, and
 * `lost` components beyond it did not fit (".." takes those back first). */
struct npath {
	char *out;
	size_t cap, len, lost;
};

static void np_component(struct npath *np, const char *c, size_t n)
{
	if (n == 0 || (n == 1 && c[0] == '.'))
		return;
	if (n == 2 && c[0] == '.' && c[1] == '.') {
		if (np->lost) {
			np->lost--;
			return;
		}
		while (np->len > 0 && np->out[np->len - 1] != '/')
			np->len--;
		if (np->len > 1)
			np->len--;      /* the slash before it, unless it is the root */
		return;
	}
	/* "/" + c, keeping a byte for the NUL */
	if (np->lost || np->len + (np->len > 1) + n >= np->cap) {
		np->lost++;
		return;
	}
	if (np->len > 1)
		np->out[np->len++] = '/';
	memcpy(np->out + np->len, c, n);
	np->len += n;
}

static void np_walk(struct npath *np, const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;
		while (j < n && p[j] != '/')
			j++;
		np_component(np, p + i, j - i);
		i = j + 1;
	}
}

long cpol_path_normalize(const char *cwd, size_t cwdlen, const char *home, size_t homelen,
                         const char *in, size_t len, char *out, size_t cap)
{
	struct npath np = { out, cap, 0, 0 };
	const char *base = NULL;
	size_t baselen = 0;

	if (in == NULL || len == 0 || out == NULL || cap < 2 || memchr(in, '\0', len))
		return -1;
	if (in[0] == '/') {
		/* absolute: nothing to join */
	} else if (in[0] == '~') {
		if (len > 1 && in[1] != '/')
			return -1;      /* ~user, ~+, ~-: not lexical */
		base = home;
		baselen = homelen;
		in++;
		len--;
	} else {
		base = cwd;
		baselen = cwdlen;
	}
	if (base != NULL && (baselen == 0 || base[0] != '/' || memchr(base, '\0', baselen)))
		return -1;      /* no usable cwd or home */

	out[np.len++] = '/';
	if (base != NULL)
		np_walk(&np, base, baselen);
	np_walk(&np, in, len);
	if (np.lost)
		return -1;
	out[np.len] = '\0';
	return (long)np.len;
}

int cpol_path_within(const char *root, size_t rootlen, const char *path, size_t pathlen)
{
	if (root == NULL || path == NULL || rootlen == 0 || pathlen == 0 || path[0] != '/')
		return 0;
	while (rootlen > 1 && root[rootlen - 1] == '/')
		rootlen--;      /* tolerate "/tmp/" */
	if (rootlen == 1 && root[0] == '/')
		return 1;
	if (pathlen < rootlen || memcmp(root, path, rootlen) != 0)
		return 0;
	return pathlen == rootlen || path[rootlen] == '/';
}
