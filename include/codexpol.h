/* codexpol.h -- the public interface of libcodexpol.
 *
 * Load a compiled policy image (codexpolc's output), verify it, and decide
 * allow / prompt / forbid for an argv or a shell command line, with the rule
 * that decided, its reason and its place in the policy source.
 *
 * Threading: a cpol_image is immutable after cpol_image_open() and may be
 * shared by any number of threads. A cpol_ctx holds the scratch memory of one
 * evaluation at a time; give each thread its own. cpol_eval() never allocates
 * and never makes a system call.
 *
 * Errors: every function that can fail takes a cpol_error * (which may be
 * NULL), fills it with a one-line message and returns NULL or -1.
 */
#ifndef CODEXPOL_H
#define CODEXPOL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CPOL_VERSION_STRING "0.1.0"

/* One error: errno-style code (0 when not from the system) and a message. */
typedef struct cpol_error {
	int code;
	char msg[512];
} cpol_error;

/* Decisions, ordered by strictness: the strictest matching rule wins. */
typedef enum cpol_decision {
	CPOL_ALLOW = 0,
	CPOL_PROMPT = 1,
	CPOL_FORBID = 2
} cpol_decision;

/* "allow", "prompt" or "forbid". */
const char *cpol_decision_name(cpol_decision d);

typedef struct cpol_image cpol_image;

/* Open an image file (read once, never mapped), check its size and XXH3-64
 * and verify every offset, index and jump in it. The checksum catches
 * corruption, not tampering: protect image files with file permissions. */
cpol_image *cpol_image_open(const char *path, cpol_error *err);
/* The same from memory. The bytes are copied unless `borrow` is non-zero, in
 * which case they must outlive the image. */
cpol_image *cpol_image_load(const void *data, size_t len, int borrow, cpol_error *err);
void cpol_image_close(cpol_image *img);

/* The policy's name (its `policy "…";` statement). */
const char *cpol_image_name(const cpol_image *img);
/* XXH3-64 of the image body, as 16 lower-case hex digits. */
const char *cpol_image_hash(const cpol_image *img);
/* The decision when no rule matches. */
cpol_decision cpol_image_default(const cpol_image *img);

/* Where a command runs: the working directory and the values that the
 * policy's roots ($WORKSPACE, $TMPDIR, $HOME) expand to. Paths must be
 * absolute; NULL fields take defaults (cwd: "/", workspace: cwd,
 * tmpdir: "/tmp", home: "/root"). */
typedef struct cpol_env {
	const char *cwd;
	const char *workspace;
	const char *tmpdir;
	const char *home;
	const char *user;
} cpol_env;

/* The verdict of one (sub-)command. Strings point into the image or into the
 * context and stay valid until the next evaluation on that context. */
typedef struct cpol_verdict {
	cpol_decision decision;
	const char *rule;    /* rule name; "default" when no rule matched */
	int index;           /* the rule's number in source order, from 0; -1 for
	                        the default and for built-in script verdicts */
	const char *reason;  /* the rule's `because` text, or "" */
	const char *file;    /* policy source file of the rule, or "" */
	unsigned line, col;  /* its position there (0 for the default) */
	const char *matched; /* the text that matched (pattern, argument), or "" */
} cpol_verdict;

/* One simple command of a shell script, as judged on its own. */
typedef struct cpol_subcommand {
	const char *text;    /* the words, joined by single spaces */
	unsigned depth;      /* 1 for a script's own commands, 2 for a script inside it, ... */
	cpol_verdict verdict;
} cpol_subcommand;

typedef struct cpol_result {
	cpol_verdict verdict;              /* the decision and the rule that made it */
	unsigned ncommands;                /* sub-commands of scripts, in order */
	const cpol_subcommand *commands;
	unsigned truncated;                /* non-zero when more sub-commands were judged than listed */
} cpol_result;

typedef struct cpol_ctx cpol_ctx;

/* A context for evaluations against `img` in environment `env` (copied). */
cpol_ctx *cpol_ctx_new(const cpol_image *img, const cpol_env *env, cpol_error *err);
/* Change the environment of later evaluations. */
int cpol_ctx_set_env(cpol_ctx *ctx, const cpol_env *env, cpol_error *err);
/* What `sh` is on this machine: the name /bin/sh resolves to ("dash",
 * "bash", "zsh"; any other shell's scripts cannot be judged for certain).
 * NULL, and the default: dash. Scripts run by `sh` are split its way. */
void cpol_ctx_set_sh(cpol_ctx *ctx, const char *name);
/* Judge `writes ... sandbox.write` against the write roots and protected
 * names of img's sandbox instead of the context's own image's (a policy
 * layer has no sandbox: the profile's holds for it). img must outlive the
 * context; NULL: the context's own image again. */
int cpol_ctx_set_sandbox(cpol_ctx *ctx, const cpol_image *img, cpol_error *err);
/* Whether a bare command name inside a script finds the program a rule
 * allows by that name: 1 (the default) when no PATH entry is relative or
 * writable by the command, 0 otherwise; then such names are at most
 * `prompt`. */
void cpol_ctx_set_path_trusted(cpol_ctx *ctx, int trusted);
/* Whether the commands judged will run outside the profile's sandbox (an
 * agent's hook that cannot have them run under codexrun): 1 takes away
 * every leniency that rests on the sandbox holding the command (words an
 * expansion, glob, substitution or background job decides; a forbid the
 * sandbox would enforce by itself), and the sandboxed default asks instead
 * of allowing. 0, the default: they run under codexrun. */
void cpol_ctx_set_unconfined(cpol_ctx *ctx, int unconfined);
/* The CDPATH of the shell that will run the commands (NULL or "": none,
 * the default; codexrun removes it). With one, `cd NAME` may go to a
 * folder of CDPATH's, so the folder a script's later commands run in is
 * not known after it (see cpol(5), Scripts). */
void cpol_ctx_set_cdpath(cpol_ctx *ctx, const char *cdpath);
void cpol_ctx_free(cpol_ctx *ctx);

/* Decide for argv[0..argc-1] (argv[0] as given: a bare name, or a path).
 * Returns the decision; fills *res when res is not NULL. */
cpol_decision cpol_eval(cpol_ctx *ctx, int argc, const char *const *argv, cpol_result *res);

/* Decide for one command line in shell syntax: a single simple command is
 * judged as its argv, anything more as a script (every part judged, the
 * strictest wins). line may be NULL when len is 0. */
cpol_decision cpol_eval_line(cpol_ctx *ctx, const char *line, size_t len, cpol_result *res);

#ifdef __cplusplus
}
#endif
#endif /* CODEXPOL_H */
