/* cli/run_which.c -- where codexrun finds things: the command through PATH,
 * and the run's private temporary folder once the sandbox made one. */
#include "cli/run.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *private_tmp;

const char *run_tmpdir(void)
{
	return private_tmp;
}

void run_tmpdir_set(const char *dir)
{
	private_tmp = dir;
}

int run_which(const char *name, char *buf, size_t cap)
{
	if (strchr(name, '/')) {
		if (strlen(name) >= cap)
			return -1;
		strcpy(buf, name);
		return 0;
	}
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path;;) {
		const char *colon = strchr(p, ':');
		size_t dl = colon ? (size_t)(colon - p) : strlen(p);
		const char *dir = dl ? p : ".";
		if (!dl)
			dl = 1;
		if (dl + 1 + strlen(name) < cap) {
			memcpy(buf, dir, dl);
			buf[dl] = '/';
			strcpy(buf + dl + 1, name);
			if (access(buf, X_OK) == 0)
				return 0;
		}
		if (!colon)
			return -1;
		p = colon + 1;
	}
}
