/* vm/path.h -- lexical path handling for path intents: normalise a path
 * argument against the working directory and home (no file system access,
 * never allocates), test whether a path lies within a root, and find the
 * host of a URL argument.
 */
#ifndef CPOL_VM_PATH_H
#define CPOL_VM_PATH_H

#include <stddef.h>

/* Does the argument look like a path: absolute, ".", "..", "./x", "../x",
 * "~", "~/x"? */
int cpol_path_is_pathlike(const char *s, size_t len);

/* Normalise `in` lexically: relative paths are joined to cwd (absolute,
 * already normal), "~" and "~/x" use home, "." and empty components vanish,
 * ".." removes one component (never above "/"), no trailing slash (except
 * "/" itself). Writes a NUL-terminated result to out and returns its length,
 * or -1 when it does not fit in cap or cannot be resolved lexically
 * ("~user"). */
long cpol_path_normalize(const char *cwd, size_t cwdlen, const char *home, size_t homelen,
                         const char *in, size_t len, char *out, size_t cap);

/* Is the normal path `path` equal to `root` or below it? Both normalised.
 * "/" contains everything. */
int cpol_path_within(const char *root, size_t rootlen, const char *path, size_t pathlen);

/* If s is a URL with a host (scheme://[user[:pass]@]host[:port][/...] for
 * the network schemes, or scp-style user@host:path), set *host/*hostlen to
 * the host inside s and return 1; else return 0. */
int cpol_url_host(const char *s, size_t len, const char **host, size_t *hostlen);

#endif
