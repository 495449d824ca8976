/* tests/sandbox/harness.h -- what the sandbox tests share: running sbexec
 * (and anything else) as a real process with its output captured, temporary
 * workspaces, small file helpers and a real TCP listener on 127.0.0.1. No
 * mocks: everything here talks to the real kernel. */
#ifndef CPOL_TESTS_SANDBOX_HARNESS_H
#define CPOL_TESTS_SANDBOX_HARNESS_H

#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>

/* Path of a program built next to the test (sbexec, sbprobe). */
const char *sb_prog(const char *name);
/* Run argv (NULL-terminated), stdout and stderr into out (NUL-terminated,
 * truncated to len); the exit status, or 128+N for signal N. */
int sb_run(char *out, size_t len, const char *const *argv);
/* The same as a list: sb_runl(out, len, "sbexec", ..., NULL). */
int sb_runl(char *out, size_t len, const char *arg0, ...);

/* A fresh directory under /tmp (mode 0755), to be removed by sb_rmrf. */
char *sb_mkws(const char *tag);
/* The same under another folder: /var/tmp for what must stay visible in
 * the sandbox, whose /tmp is its own private one. */
char *sb_mkdir_in(const char *parent, const char *tag);
/* Removes such a directory with what it holds, and frees its name. */
void sb_rmrf(char *path);

/* A test suite whose every test gets a fresh workspace (sb_mkws(tag)) in
 * the file's `ws`, removed after the test; the rest are TestSuite options. */
#define SB_WS_SUITE(suite, tag, ...)                  \
	static char *ws;                              \
	static void sb_ws_setup(void)                 \
	{                                             \
		ws = sb_mkws(tag);                    \
	}                                             \
	static void sb_ws_teardown(void)              \
	{                                             \
		sb_rmrf(ws);                          \
	}                                             \
	TestSuite(suite, .init = sb_ws_setup, .fini = sb_ws_teardown, __VA_ARGS__)
int sb_exists(const char *path);   /* lstat succeeds */
/* Contents of a small file into a static buffer ("" when unreadable). */
const char *sb_read(const char *path);
void sb_write(const char *path, const char *text);
/* A string that no other test (or run) will produce. */
const char *sb_unique(const char *prefix);

struct sb_listener {
	int fd;
	int port;
	pthread_t thread;
	volatile int accepted;
};
/* Listen on 127.0.0.1, an ephemeral port; each connection gets a minimal
 * HTTP/1.0 200 answer "hello". */
void sb_listen(struct sb_listener *l);
void sb_listen_stop(struct sb_listener *l);

/* A child outside any sandbox that sleeps until killed. */
pid_t sb_sleeper(void);
void sb_reap(pid_t pid);

#endif
