/* common/error.h -- the one error style of codexpol.
 *
 * A function that can fail takes `cpol_error *err` as its last parameter,
 * fills it through cpol_fail() and returns -1 (or NULL). Callers print
 * err->msg as one line. cpol_fail() never allocates, so it is safe on every
 * error path, including out-of-memory and after fork().
 */
#ifndef CPOL_COMMON_ERROR_H
#define CPOL_COMMON_ERROR_H

#include "codexpol.h"

/* Format a message into err (when err is not NULL) and return -1. */
int cpol_fail(cpol_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same with ": strerror(errno)" appended and code = errno. */
int cpol_fail_errno(cpol_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
