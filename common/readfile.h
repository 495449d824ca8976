/* common/readfile.h -- reading a whole file (or pipe) into memory, with a
 * size limit: the one reader behind policy images, approval files, Codex
 * rules, codexpolc's inputs and a hook's standard input; and the one of the
 * first bytes of small kernel files (/proc, cgroups) for the sandbox.
 *
 * Errors in the common style (common/error.h): NULL and err filled with one
 * line naming the file; err->code is EFBIG when the input is larger than
 * the limit, ENOMEM when memory ran out, else the errno of open or read.
 */
#ifndef CPOL_COMMON_READFILE_H
#define CPOL_COMMON_READFILE_H

#include <stddef.h>

#include "codexpol.h"

/* Read fd to its end: a malloc'd buffer holding the *len bytes read and a
 * NUL after them. More than max bytes is an error. `name` only serves the
 * messages. The descriptor is the caller's (left open). */
char *cpol_read_fd(int fd, const char *name, size_t max, size_t *len, cpol_error *err);
/* Open path (close-on-exec, never as a controlling terminal) and read it
 * the same way. */
char *cpol_read_file(const char *path, size_t max, size_t *len, cpol_error *err);

/* The start of a small file (a /proc or /sys entry, a cgroup file, a .git
 * file) into buf: one read(2) of at most cap - 1 bytes, then a NUL; never
 * allocates, never blocks on a FIFO. 0, or -1 with errno. */
int cpol_read_small(const char *path, char *buf, size_t cap);

#endif
