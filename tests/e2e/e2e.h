/* tests/e2e/e2e.h -- helpers for the end-to-end tests: run the real
 * codexrun and codexpolc binaries with captured output, compile policies
 * written inline, make workspaces, and listen on 127.0.0.1. */
#ifndef CPOL_TESTS_E2E_H
#define CPOL_TESTS_E2E_H

#include <stddef.h>
#include <sys/types.h>

struct e2e_out {
	int status;          /* exit status, or 128+N for a signal */
	char out[65536];     /* stdout, NUL-terminated (truncated) */
	char err[65536];     /* stderr */
};

/* Paths of the built programs (from $top_builddir, else "."). */
const char *e2e_codexrun(void);
const char *e2e_codexpolc(void);
const char *e2e_srcdir(void);

/* Run argv (argv[0] a path) in cwd (NULL: current) with stdin from
 * /dev/null and no controlling terminal; wait; capture output. */
void e2e_run(const char *cwd, char *const argv[], struct e2e_out *o);
/* Start argv in the background (same conditions); returns its pid. */
pid_t e2e_start(const char *cwd, char *const argv[]);
int e2e_wait(pid_t pid);

/* A fresh folder under base ("/tmp" or "/var/tmp"); out has room for 256. */
void e2e_tmpdir(const char *base, char out[256]);
void e2e_rm_rf(const char *path);
int e2e_exists(const char *path);
void e2e_write_file(const char *path, const char *text);
/* The same below a folder: dir/rel (rel may hold '/'). e2e_read_at reads
 * at most cap-1 bytes, NUL-terminated, and fails the test when the file
 * cannot be opened. */
void e2e_write_at(const char *dir, const char *rel, const char *text);
void e2e_mkdir_at(const char *dir, const char *rel, mode_t mode);
void e2e_read_at(const char *dir, const char *rel, char *buf, size_t cap);
/* top/home (0700) holding .ssh/id_rsa ("SECRET-KEY") and top/ws (ws_mode);
 * $HOME is set to the new home, so that "~/.ssh" in a policy is the test's. */
void e2e_home_with_key(const char *top, char home[300], char ws[300], mode_t ws_mode);

/* The audit log of a test: path becomes dir/audit.jsonl in a fresh folder
 * under /var/tmp (outside every workspace); e2e_rm_audit_log removes that
 * folder. */
void e2e_audit_log(char path[256]);
void e2e_rm_audit_log(const char *path);

/* Compile policy text into dir/name.bin; returns the path (static per
 * call site: copy it). Fails the test on a compile error. */
void e2e_compile(const char *dir, const char *name, const char *text, char out[512]);

/* The usual test policy compiled the same way: 'policy "e2e-NAME";',
 * a sandbox that reads "/" and writes the workspace and /dev/null plus
 * the sandbox statements given (e.g. "network none;"), 'default allow;',
 * then the further statements given (rules, limits; "" for none). */
void e2e_compile_allowing(const char *dir, const char *name, const char *sandbox, const char *more,
                          char out[512]);

/* A TCP listener on 127.0.0.1 that accepts and answers "HTTP/1.0 200 OK"
 * in a thread; returns the port. Counts connections. */
int e2e_listen(void);
int e2e_accepted(void);
/* The last line of a file (an audit log) into buf; fails the test when
 * the file cannot be read. */
void e2e_last_line(const char *path, char *buf, size_t cap);

#endif
