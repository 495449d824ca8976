/* sandbox/sandbox.h -- confining a child process to what a policy's
 * `sandbox` block grants. The spec below is platform-neutral; prepare,
 * enter, free, tmpdir, env and undo are the backend interface, defined by
 * the backend configure chose (sandbox/backend.h: the seam, and where a
 * Seatbelt or Windows backend goes). The Linux backend applies Landlock
 * (filesystem, TCP, scopes), seccomp (libseccomp), no_new_privs, capability
 * drop, protected paths (private mount namespace with read-only binds); the
 * environment scrub is common to all.
 *
 * Use: the parent calls cpol_sandbox_prepare() (may allocate, open files,
 * talk to the kernel), then fork()s; the child calls cpol_sandbox_enter(),
 * which only makes system calls on prepared data (no malloc), then execve()s.
 * The parent calls cpol_sandbox_free() after waitpid(): free removes the
 * placeholder directories made for protected paths that did not exist (only
 * when no sandboxed process can still use them). The child never calls free;
 * when enter fails it _exit()s (125).
 *
 * What enter applies, in order (all but no_new_privs are skipped when
 * trusted): a private mount namespace -- when there are protected paths, or
 * when running as root -- in which everything is read-only except the write
 * roots (stops chmod/chown/utimes/xattrs, which Landlock does not cover) and
 * each protected path is a read-only bind and every bound pathname UNIX
 * socket outside the write roots that the policy does not grant is covered
 * by /dev/null; the drop of every capability;
 * PR_SET_NO_NEW_PRIVS; Landlock; seccomp.
 */
#ifndef CPOL_SANDBOX_H
#define CPOL_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/sandbox_kinds.h"

/* What codexpolc made ahead of time for the backend and stored in the
 * image (data NULL: nothing), opaque to all else; the Linux backend keeps
 * its seccomp filter here (sandbox/linux.h). It is used only on the
 * machine `target` names (Linux: an AUDIT_ARCH_* value) and only when it
 * was made as `flags` says, else the backend builds its own; whoever
 * changes a spec's `net` drops it. */
struct cpol_sandbox_prebuilt {
	const void *data; size_t len;
	uint32_t target;
	unsigned flags;          /* CPOL_PREBUILT_* */
};
/* Flags of a prebuilt part: how it was made. */
enum {
	/* For a sandbox whose write roots hold no folder: changes of file
	 * metadata (chmod, chown, utimes, xattrs) are refused outright. (A
	 * prebuilt part allows binding ports exactly when the spec it was made
	 * with has bind ports: codexpolc makes it so.) */
	CPOL_PREBUILT_READONLY = 1u << 0,
};

/* What the policy grants, with every root already expanded to an absolute
 * path ($WORKSPACE, $TMPDIR, $HOME resolved by the caller). */
struct cpol_sandbox_spec {
	const char *const *read_roots;   size_t nread;
	const char *const *write_roots;  size_t nwrite;
	/* Paths kept read-only inside writable roots even when they do not exist
	 * yet. A relative entry (".git") applies inside every write root; an
	 * absolute one names one path. */
	const char *const *protect;      size_t nprotect;
	enum cpol_net_mode net;
	const uint16_t *connect_ports;   size_t nconnect;  /* CPOL_NET_CONNECT */
	/* TCP ports that may be bound in CONNECT and OUTBOUND (ANY binds
	 * anything; NONE has no TCP socket at all). Without any, those modes
	 * refuse bind() and listen() altogether (seccomp); with some, UDP binds
	 * and listen() on an unbound socket are not restricted: Landlock covers
	 * TCP bind only. */
	const uint16_t *bind_ports;      size_t nbind;
	int trusted;                     /* grants everything: no Landlock, no seccomp, caps kept,
	                                  * nothing protected; no_new_privs still set */
	int require;                     /* fail (not degrade) when something cannot be enforced */
	struct cpol_sandbox_prebuilt prebuilt;
	/* Pathname UNIX sockets outside the write roots that stay reachable
	 * (absolute paths); every other bound one is hidden (unixsock.c). */
	const char *const *unix_allow;   size_t nunix;
	/* What is never readable (`deny read`), even inside a read or write
	 * root: absolute paths (a folder with all below it, existing or not),
	 * and names ("*.pem", ".env") matched with fnmatch(3) (FNM_PERIOD)
	 * against each component of a path. The backend holds what it can and
	 * says in the report's `degraded` text what it cannot; a name is held
	 * where the command may write (what matches when the run starts), and
	 * elsewhere only by codexrun, which refuses a command naming a match. */
	const char *const *deny_read;    size_t ndeny_read;
	const char *const *deny_names;   size_t ndeny_names;
};

/* What the kernel offers and what will be enforced; filled by prepare.
 * All zero but landlock_abi when trusted. net_enforced: the mode is enforced
 * as asked (always for ANY); protect_enforced: there are protected paths and
 * they will be bound read-only; caps_dropped: the child keeps no capability. */
struct cpol_sandbox_report {
	int landlock_abi;        /* 0 when Landlock is unavailable */
	int fs_enforced, net_enforced, scope_enforced, seccomp_enforced, protect_enforced;
	int caps_dropped;
	size_t sockets_hidden;   /* pathname UNIX sockets made unreachable */
	char tmpdir[64];         /* the private temporary folder (outside path), "" when none */
	char degraded[512];      /* human-readable list of what is not enforced, "" when all is */
	char notes[512];         /* skipped missing roots, placeholders made, and the like */
};

struct cpol_sandbox;         /* prepared state; opaque */

/* Build everything the child needs. On error (or, with spec->require, when
 * anything is degraded) returns NULL and fills err. Protected paths that
 * cannot be protected are an error even without spec->require (fail closed).
 * report may be NULL. */
struct cpol_sandbox *cpol_sandbox_prepare(const struct cpol_sandbox_spec *spec,
                                          struct cpol_sandbox_report *report,
                                          cpol_error *err);
/* In the child, after fork(): apply everything. Returns 0, or -1 with err
 * filled (the caller then exits 125 without exec). Async-signal-safe. */
int cpol_sandbox_enter(const struct cpol_sandbox *sb, cpol_error *err);
void cpol_sandbox_free(struct cpol_sandbox *sb);

/* The run's private temporary folder as the command sees it ("/tmp" when
 * the child's mount namespace shows it there, else its path), NULL when
 * there is none (trusted, or it could not be made). Made empty by prepare,
 * writable in every profile, removed with its contents by free. */
const char *cpol_sandbox_tmpdir(const struct cpol_sandbox *sb);
/* envp (from cpol_env_scrub) with TMPDIR naming that folder: the array may
 * be reallocated (free it with cpol_env_free); the string belongs to sb,
 * which must outlive the command. Returns envp unchanged when there is no
 * folder (or no memory: tools then use /tmp). */
char **cpol_sandbox_env(const struct cpol_sandbox *sb, char **envp);

/* After the command and every process it started have ended (before
 * cpol_sandbox_free): remove what the command created or changed below the
 * folder write roots that would make code run outside the sandbox later
 * (.envrc, .vscode/, shell start-up files, hooks and program-running config
 * keys of any .git, ...: the table is in coderun.c). Returns a
 * comma-separated list of the paths removed (owned by sb), or NULL when
 * nothing was. Parent only. */
const char *cpol_sandbox_undo(struct cpol_sandbox *sb);

/* Environment scrub: a new NULL-terminated array of envp's strings (not
 * copies: they must outlive it) without the variables that
 * make an allowed tool run other code (LD_PRELOAD, BASH_ENV, GIT_CONFIG_*, ...;
 * the table is in envscrub.c) except those named in keep, by exact name.
 * removed (if not NULL) receives a comma-separated list of the names removed,
 * truncated to removed_len at a name ("..." marks the cut). */
char **cpol_env_scrub(char *const *envp, const char *const *keep, size_t nkeep,
                      char *removed, size_t removed_len, cpol_error *err);
void cpol_env_free(char **envp);
/* Set entry ("NAME=value", not copied: it must outlive envp) in an array
 * from cpol_env_scrub, replacing NAME or appending it (*envp may move). */
int cpol_env_pin(char ***envp, const char *entry, cpol_error *err);
/* The scrub table's entries (for the tests): names and whether each is a
 * prefix, at most max; returns the table's size. */
size_t cpol_env_scrub_table(const char **names, int *prefix, size_t max);

#endif
