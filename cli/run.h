/* cli/run.h -- what the parts of codexrun share: its options, exit codes
 * (the coreutils convention for wrappers), and the functions of
 * run_explain.c, run_which.c, run_approve.c and run_child.c. */
#ifndef CPOL_CLI_RUN_H
#define CPOL_CLI_RUN_H

#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include <termios.h>
#include <stdio.h>

#include "codexpol.h"
#include "sandbox/spec.h"

enum {
	RUN_EXIT_FORBID = 126,   /* forbidden, approval refused, or not executable */
	RUN_EXIT_FAIL = 125,     /* codexrun itself failed */
	RUN_EXIT_NOTFOUND = 127
};

enum run_approve { APPROVE_ASK, APPROVE_NEVER, APPROVE_ALWAYS };

struct run_opts {
	const char *policy;       /* -p */
	const char *profile;      /* --profile */
	const char *workspace;
	int explain, json;
	int explain_denials;      /* --explain-denials */
	enum run_approve approve;
	const char *audit;        /* --audit */
	int audit_best_effort;
	const char *session;
	int require_sandbox, trusted;
	int tail;                 /* --audit-tail */
	unsigned tail_n;
	const char *decision;     /* --audit-tail filter */
	int argc;
	char **argv;              /* the command */
	int approvals;            /* --approvals: list (or --remove) remembered approvals */
	unsigned remove;          /* --remove N, from 1 */
};

/* run_explain.c: print the decision (text or one JSON object) on stdout. */
int run_explain(const cpol_image *im, const cpol_result *res, int json, char *const *argv, int argc);
/* The same, with `extra` (or NULL) added: JSON fields (",\"k\":v") before
 * the closing brace, or text lines at the end. */
int run_explain_ex(const cpol_image *im, const cpol_result *res, int json, char *const *argv, int argc,
                   const char *extra);
/* The members decision, rule, reason, source and matched of a verdict
 * (no braces), as --explain --json and codexpol-mcp's check tool write them. */
struct cpol_jbuf;
void run_json_verdict(struct cpol_jbuf *b, const cpol_verdict *v);
/* A 1 MiB buffer for one JSON answer on stdout: 0, or -1 when out of
 * memory. run_json_end prints it (unless it overflowed) and frees it:
 * 0, or -1 when the answer did not fit. */
int run_json_begin(struct cpol_jbuf *b);
int run_json_end(struct cpol_jbuf *b);
/* "runs confined: writes only A, B; network none" (or "runs unconfined"
 * for a trusted profile): what the sandbox of spec holds the command to. */
void run_confined_text(const struct cpol_sandbox_spec *spec, char *buf, size_t cap);
/* The `extra` of run_explain_ex for decision d: what the profile's sandbox
 * holds an allowed or prompted command to (a "sandbox" JSON field or text
 * line; nothing for forbid), then tail (more of the same kind). */
void run_explain_sandbox(const cpol_image *im, const cpol_env *env, cpol_decision d, int json, const char *tail,
                         char *buf, size_t cap);
/* Format "file:line:col" of a verdict into buf ("" for built-ins). */
const char *run_source(const cpol_verdict *v, char *buf, size_t cap);

/* run_which.c: the run's private temporary folder when codexrun made one (set with
 * run_tmpdir_set before the environment is read), else NULL. Only such a
 * folder becomes the policy's $TMPDIR and the command's TMPDIR; an
 * inherited TMPDIR never does (it could name any folder), /tmp stands in. */
const char *run_tmpdir(void);
void run_tmpdir_set(const char *dir);
/* Resolve a command name through PATH into buf; 0, or -1 when not found. */
int run_which(const char *name, char *buf, size_t cap);

/* run_path.c: rewrite PATH for the command (and its resolution): relative
 * and empty entries dropped, entries inside a write root moved last.
 * Returns 1 when no entry the command can write is left (bare names in
 * scripts can be trusted), 0 when some are, -1 when out of memory. */
int run_path_setup(const cpol_image *im, const cpol_env *env);
/* Tell the context what /bin/sh is here and whether PATH is trusted. */
void run_ctx_shell(cpol_ctx *ctx, int path_trusted);
/* The approval question: the command (escaped), the rule and its reason,
 * then `question`; malloc'd, NULL when out of memory. */
char *run_prompt_text(char *const *argv, int argc, const cpol_verdict *v, const char *question);
/* Write msg on the controlling terminal and read one line of answer (line
 * end removed) into answer: 1, 0 when nothing could be read, -1 when there
 * is no terminal. */
int run_tty_ask(const char *msg, char *answer, size_t cap);
/* Is the answer y, Y, yes or YES? */
int run_yes(const char *answer);

/* run_workspace.c: 0 when the canonical workspace ws is sane; -1 when it is
 * the root, a system folder or the home folder (or holds one), -2 when it is
 * no folder; why receives the reason. */
int run_workspace_check(const char *ws, const char *home, char *why, size_t cap);

/* run_approve.c: ask on the controlling terminal; 1 approved, 0 refused. */
int run_ask(char *const *argv, int argc, const cpol_verdict *v);
/* The command as a terminal may show it: words escaped and quoted, and past
 * max bytes a counted "... [N more bytes]". */
void run_show_command(FILE *o, char *const *argv, int argc, size_t max);

/* run_child.c: start the command (confined: under init in a PID namespace
 * of its own, in its own session, through a pseudo-terminal when stdin is a
 * terminal), forward signals, wait. Returns the exit status for codexrun
 * (the command's, 128+N for a signal, 125/126/127) and fills *ex. */
struct run_child_opts {
	const struct cpol_sandbox *sb;
	const char *path;
	char *const *argv, *const *envp;
	int contain;              /* PID namespace, own session, pty: all but trusted */
	int require;              /* --require-sandbox: no PID namespace is an error */
};
struct run_exit {
	int sig;                  /* the signal that ended the command, else 0 */
	int64_t ms;               /* run time */
	int ended;                /* leftover processes init ended; -1 when not contained */
};
int run_child(const struct run_child_opts *o, struct run_exit *ex);

/* run_init.c: the first process of the command's PID namespace. */
enum { RUN_NFORWARDED = 8 };
extern const int run_forwarded[RUN_NFORWARDED];
struct run_init_args {
	const struct cpol_sandbox *sb;
	const char *path;
	char *const *argv, *const *envp;
	sigset_t mask;            /* the command's signal mask */
	int master, slave;        /* the pty, or -1 */
	int tty_fds;              /* bit N: fd N is the user's terminal, to become the slave */
	int sock;                 /* init's end of the report socket */
	int pidns, userns;        /* init is in a PID (and user) namespace */
	uid_t uid;
	gid_t gid;
};
/* What init sends codexrun when it is done. */
struct run_init_msg {
	int status;               /* the command's wait status */
	int ended;                /* leftovers it killed */
};
_Noreturn void run_init(const struct run_init_args *a);
/* The command's process: terminal, sandbox, exec (arg: run_init_args). */
int run_command_main(void *arg);
/* Handle the forwarded signals with fn (every signal blocked in it). */
void run_forward_with(void (*fn)(int, siginfo_t *, void *));

/* run_pty.c: the pseudo-terminal codexrun owns and relays. */
struct run_pty {
	int master, slave;        /* -1 when stdin is not a terminal */
	int tty_fds;              /* which of fds 0-2 are the user's terminal */
	int out;                  /* where the command's terminal output goes */
	int raw;                  /* the user's terminal is in raw mode */
	struct termios saved;     /* its settings before */
};
/* Open a pty when stdin is a terminal (else master = -1); -1 on an error. */
int run_pty_open(struct run_pty *p);
/* Raw mode on the user's terminal, SIGWINCH forwarded. */
void run_pty_raw(struct run_pty *p);
/* Relay until done_fd is readable (init's report). */
void run_pty_relay(struct run_pty *p, int done_fd);
/* After init ended: copy what the command wrote last. */
void run_pty_drain(struct run_pty *p);
/* Restore the user's terminal, close the pty. */
void run_pty_close(struct run_pty *p);

/* run_limits.c: the image's resource limits (sandbox/limits.c). prepare
 * before run_child (notes: how each limit is held); run_child calls
 * run_limits_child in the child before the sandbox and run_limits_started
 * once it runs; finish after it returns (hit: the limits reached, "" none;
 * also says so on stderr). */
int run_limits_prepare(const cpol_image *im, char *notes, size_t len, cpol_error *err);
int run_limits_child(void);
void run_limits_started(pid_t pid);
void run_limits_finish(int status, int sig, char *hit, size_t len);

/* run_denials.c: what the kernel refused the command (sandbox/denials.c).
 * open before the command starts, started with the pid of its first
 * process (run_child.c), finish fills the exit record's refused fields
 * (strings valid until close) and prints them with --explain-denials. */
struct cpol_audit_record;
void run_denials_open(int sandboxed, int landlock_abi, int explain);
void run_denials_started(pid_t pid);
void run_denials_finish(int explain, struct cpol_audit_record *rec);
void run_denials_close(void);

/* run_denyread.c: `deny read`, as the policy holds it: a command naming a
 * denied path (an argument, or a word of a script's commands) becomes
 * forbidden, rule "deny read", with the path and the entry (1; 0 when
 * nothing is named). The sandbox holds the rest (spec.deny_read). */
int run_denyread_judge(const cpol_image *im, const cpol_env *env, int argc, char **argv, cpol_result *res);

/* run_proxy.c: `network allow` / `network deny`. apply (after the spec is
 * built): when the image has host rules, start the proxy (refusals go to
 * audit) and narrow the spec to TCP connect to its port; env pins the
 * *_PROXY variables; child runs in the command's process before its
 * sandbox (new network namespace, listener passed to the proxy); finish
 * stops the proxy (also on every error path; harmless when inactive). */
struct cpol_audit;
int run_proxy_apply(struct cpol_audit *audit, struct cpol_spec *rs, cpol_error *err);
int run_proxy_env(char ***envp, cpol_error *err);
int run_proxy_child(void);
void run_proxy_finish(void);

#endif
