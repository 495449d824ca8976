/* cli/run.h -- what the parts of codexrun share: its options, exit codes
 * (the coreutils convention for wrappers), and the functions of
 * run_explain.c, run_spec.c, run_approve.c and run_child.c. */
#ifndef CPOL_CLI_RUN_H
#define CPOL_CLI_RUN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "codexpol.h"
#include "sandbox/sandbox.h"

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
};

/* run_explain.c: print the decision (text or one JSON object) on stdout. */
int run_explain(const cpol_image *im, const cpol_result *res, int json, char *const *argv, int argc);
/* Format "file:line:col" of a verdict into buf ("" for built-ins). */
const char *run_source(const cpol_verdict *v, char *buf, size_t cap);

/* run_spec.c: the sandbox spec of an image in an environment. */
struct run_spec {
	struct cpol_sandbox_spec spec;
	char *strs;               /* storage of the expanded paths */
	const char **paths;
	uint16_t *ports;
};
int run_spec_build(const cpol_image *im, const cpol_env *env, int require, struct run_spec *rs,
                   cpol_error *err);
void run_spec_free(struct run_spec *rs);
/* Is path (absolute) inside a write root of the spec? */
int run_spec_writable(const struct run_spec *rs, const char *path);
/* Resolve a command name through PATH into buf; 0, or -1 when not found. */
int run_which(const char *name, char *buf, size_t cap);

/* run_approve.c: ask on the controlling terminal; 1 approved, 0 refused. */
int run_ask(const char *what, const cpol_verdict *v);

/* run_child.c: fork, apply the sandbox in the child, exec, forward
 * signals, wait. Returns the exit status for codexrun (the command's, 128+N
 * for a signal, 125/126/127), and fills *sig and *ms. */
int run_child(const struct cpol_sandbox *sb, const char *path, char *const *argv, char *const *envp,
              int *sig, int64_t *ms);

/* run_limits.c: the image's resource limits (sandbox/limits.c). prepare
 * before run_child (notes: how each limit is held); run_child calls
 * run_limits_child in the child before the sandbox and run_limits_started
 * once it runs; finish after it returns (hit: the limits reached, "" none;
 * also says so on stderr). */
int run_limits_prepare(const cpol_image *im, char *notes, size_t len, cpol_error *err);
int run_limits_child(void);
void run_limits_started(pid_t pid);
void run_limits_finish(int status, int sig, char *hit, size_t len);

/* run_denyread.c: `deny read`. judge: a command naming a denied path (an
 * argument, or a word of a script's commands) becomes forbidden, rule
 * "deny read", with the path and the entry (1; 0 when nothing is named).
 * apply: the spec's read roots become their complement (Landlock); what it
 * cannot hold goes to degraded. free after the command ran. */
int run_denyread_judge(const cpol_image *im, const cpol_env *env, int argc, char **argv, cpol_result *res);
int run_denyread_apply(const cpol_image *im, const cpol_env *env, struct run_spec *rs, char *degraded, size_t len,
                       cpol_error *err);
void run_denyread_free(void);

#endif
