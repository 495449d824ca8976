/* tests/e2e/pty.h -- run a program with a real pseudo-terminal as its
 * controlling terminal and answer its questions, for the tests of what
 * codexrun asks on /dev/tty (trust of a project layer, approvals). */
#ifndef CPOL_TESTS_E2E_PTY_H
#define CPOL_TESTS_E2E_PTY_H

#include <stddef.h>

/* Run argv (argv[0] a path) in cwd on a new pty. For each i, wait until
 * the output holds expect[i] (since the previous answer), then type
 * answer[i] (n pairs). Then read to the end and wait. The whole terminal
 * output goes to out (NUL-terminated). Returns the exit status (128+N for
 * a signal), or -1 when an expected text did not come within 10 s. */
int e2e_pty_run(const char *cwd, char *const argv[], const char *const *expect, const char *const *answer, int n,
                char *out, size_t cap);

#endif
