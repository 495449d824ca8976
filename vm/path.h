/* vm/path.h -- lexical path handling for path intents: normalise a path
 * argument against the working directory and home (no file system access,
 * never allocates), test whether a path lies within a root, and find the
 * host of a URL argument.
 */
#ifndef CPOL_VM_PATH_H
#define CPOL_VM_PATH_H

#include <stddef.h>

/* Does the argument look like a path: absolute, ".", "..", "./x", "../x",
 * "~", "~/x"? "~user" and "~user/x" (also ~+ and ~-) count too: they are
 * paths the shell expands, though cpol_path_normalize() cannot resolve
 * them (it returns -1 and the caller must treat the path as unknown). */
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
 * the network schemes, or scp-style user@host:path), set *host and *hostlen to
 * the host inside s and return 1; else return 0.
 * - Network schemes (ASCII case-insensitive): http(s), ftp(s), sftp, scp,
 *   ssh, git, git+ssh, ssh+git, git+http(s), hg+..., svn(+ssh), rsync,
 *   ws(s), s3, gs, and the other protocols curl and the database clients
 *   speak (see vm/url.c). file:// and unknown schemes give 0.
 * - The authority ends at the first / \ ? or #; user info ends at its
 *   last @; the host ends at ':' (the port). An IPv6 literal's host is
 *   the text inside the brackets. An empty host gives 0.
 * - scp-style needs the user@ (a bare "host:path" is too often something
 *   else, like "a:b"): user has no '/' or ':', host no '/', and a ':'
 *   follows the host (user@host: with an empty path counts). */
int cpol_url_host(const char *s, size_t len, const char **host, size_t *hostlen);

#endif
