/* cli/run_workspace.c -- is a workspace a sane write root? Not the root
 * folder, not a system folder or one that holds a system folder, not the
 * home folder or one that holds it, and a folder at all: under the
 * workspace profiles the workspace becomes writable, and any of these
 * would make the system, or everything the user owns, writable. The path is
 * canonical (realpath: no symlink, no "..") before it is judged. */
#include "cli/run.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Folders a workspace may be neither inside of nor above. /bin, /sbin and
 * /lib are often symlinks into /usr: the canonical workspace meets their
 * /usr names. */
static const char *const system_trees[] = {
	"/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/boot", "/dev", "/proc", "/sys", "/run",
	"/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib32", "/usr/lib64", "/usr/libx32", "/usr/libexec",
	"/usr/share", "/usr/include", "/usr/local/bin", "/usr/local/sbin", "/usr/local/lib",
};
/* Folders a workspace may lie inside (/var/lib/ci/x, /opt/project,
 * /home/me/src, /tmp/build) but not be or be above. */
static const char *const system_tops[] = {
	"/var", "/var/lib", "/var/log", "/var/spool", "/var/cache", "/var/mail", "/var/tmp",
	"/opt", "/root", "/home", "/srv", "/mnt", "/media", "/tmp",
};

static int refuse(const char *ws, const char *dir, char *why, size_t cap)
{
	snprintf(why, cap, "the workspace %s is%s the system folder %s", ws,
	         !strcmp(ws, dir) ? "" : strncmp(ws, dir, strlen(ws)) ? " inside" : " above", dir);
	return -1;
}

/* Is a equal to b or an ancestor of it? */
static int holds(const char *a, const char *b)
{
	size_t n = strlen(a);
	if (n == 1)
		return 1; /* "/" */
	return !strncmp(a, b, n) && (b[n] == 0 || b[n] == '/');
}

int run_workspace_check(const char *ws, const char *home, char *why, size_t cap)
{
	struct stat st;
	if (stat(ws, &st) < 0 || !S_ISDIR(st.st_mode)) {
		snprintf(why, cap, "the workspace %s is not a folder", ws);
		return -2;
	}
	if (!strcmp(ws, "/")) {
		snprintf(why, cap, "the workspace is the root folder /");
		return -1;
	}
	for (size_t i = 0; i < sizeof system_trees / sizeof system_trees[0]; i++)
		if (holds(ws, system_trees[i]) || holds(system_trees[i], ws))
			return refuse(ws, system_trees[i], why, cap);
	for (size_t i = 0; i < sizeof system_tops / sizeof system_tops[0]; i++)
		if (holds(ws, system_tops[i]))
			return refuse(ws, system_tops[i], why, cap);
	char realhome[PATH_MAX];
	if (home && home[0] == '/' && realpath(home, realhome) && strcmp(realhome, "/") && holds(ws, realhome)) {
		snprintf(why, cap, "the workspace %s is%s the home folder %s", ws, strcmp(ws, realhome) ? " above" : "",
		         realhome);
		return -1;
	}
	return 0;
}
