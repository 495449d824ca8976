/* vm/roots.c -- expanding the sandbox roots of an image ($WORKSPACE,
 * $TMPDIR, $HOME, names relative to a write root) into normalised absolute
 * paths. Shared by evaluation contexts (path intents) and codexrun (the
 * kernel sandbox), so both always see the same roots. */
#include "vm/vm.h"
#include "vm/path.h"

#include <string.h>

long cpol_root_expand(const struct cpol_img_root *r, const char *path, uint32_t pathlen,
                      const char *workspace, const char *tmpdir, const char *home, const char *wroot,
                      char *out, size_t cap)
{
	const char *base = "";
	switch (r->var) {
	case CPOL_RV_WORKSPACE: base = workspace; break;
	case CPOL_RV_TMPDIR: base = tmpdir; break;
	case CPOL_RV_HOME: base = home; break;
	case CPOL_RV_RELATIVE: base = wroot; break;
	default: break;
	}
	char tmp[CPOL_PATH_BUF];
	size_t blen = strlen(base);
	if (blen + pathlen + 2 > sizeof tmp)
		return -1;
	memcpy(tmp, base, blen);
	size_t len = blen;
	if (pathlen) {
		if (len && tmp[len - 1] != '/' && path[0] != '/')
			tmp[len++] = '/';
		memcpy(tmp + len, path, pathlen);
		len += pathlen;
	}
	return cpol_path_normalize("/", 1, "/", 1, tmp, len, out, cap);
}
