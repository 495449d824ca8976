/* cli/prelude.c -- finds the prelude file for codexpolc and codexrun's
 * policy layers (see prelude.h).
 * Only looks: it never reads the file (the parser does, as an include). */
#include "config.h"

#include "cli/prelude.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PKGDATADIR
#define PKGDATADIR "/usr/local/share/codexpol"
#endif

/* dir/prelude.cpol made absolute, when it is a readable file. */
static int try_dir(const char *dir, char *out, size_t cap)
{
	char path[PATH_MAX], real[PATH_MAX];
	if (!dir || !*dir)
		return -1;
	if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, CPOL_PRELUDE_NAME) >= sizeof path)
		return -1;
	if (access(path, R_OK) != 0 || !realpath(path, real) || strlen(real) >= cap)
		return -1;
	memcpy(out, real, strlen(real) + 1);
	return 0;
}

int cpol_find_prelude(const char *const *incdirs, int nincdirs, char *out, size_t cap)
{
	for (int i = 0; i < nincdirs; i++)
		if (try_dir(incdirs[i], out, cap) == 0)
			return 0;
	if (try_dir(getenv("CODEXPOL_DATADIR"), out, cap) == 0)
		return 0;
	return cpol_find_prelude_installed(out, cap);
}

int cpol_find_prelude_installed(char *out, size_t cap)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0) {
		self[n] = 0;
		char *slash = strrchr(self, '/');
		if (slash && (size_t)(slash - self) + sizeof "/stdlib-policies" <= sizeof self) {
			memcpy(slash, "/stdlib-policies", sizeof "/stdlib-policies");
			if (try_dir(self, out, cap) == 0)
				return 0;
		}
	}
	if (try_dir(PKGDATADIR, out, cap) == 0)
		return 0;
	snprintf(out, cap, "%s/%s", PKGDATADIR, CPOL_PRELUDE_NAME);
	return -1;
}
