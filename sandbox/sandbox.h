/* sandbox/sandbox.h -- confining a child process to what a policy's
 * `sandbox` block grants. The spec below is platform-neutral; prepare,
 * enter, free, tmpdir, env, undo, prebuild and the process, limits and
 * denials functions further down are the backend interface, defined by
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
#include <sys/types.h>

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
	/* Only an input of cpol_sandbox_prebuild: the spec has bind ports. */
	CPOL_PREBUILT_INBOUND = 1u << 1,
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

/* Prebuilt part (codexpolc): make, for a spec of network mode net, what
 * the backend can build ahead of time on this machine (flags:
 * CPOL_PREBUILT_*). 0 with *data malloc'd (NULL and *len 0: nothing to
 * store) and *target naming the machine; -1 (err) when it makes none. */
int cpol_sandbox_prebuild(enum cpol_net_mode net, unsigned flags, void **data, size_t *len, uint32_t *target,
                          cpol_error *err);

/* Processes (backend). codexrun runs the command under an init of its own
 * and wants the whole tree to end with it. */
/* Start fn(arg) in a child that shares our memory until it execs or exits
 * (a vfork: nothing is copied); its pid, or -1 with errno. */
pid_t cpol_proc_spawn(int (*fn)(void *), void *arg);
/* fork() into a process namespace of which the child is the first process
 * (its init: when it ends, every process of the namespace ends): 0 in the
 * child, its pid in the parent, -1 with errno when the kernel gives none
 * (EPERM, EINVAL, ENOSPC, EUSERS, ENOSYS: codexrun then forks a plain init
 * and says that the tree is not held). *userns: the child is in a user
 * namespace too and maps its ids with cpol_proc_map_ids. */
pid_t cpol_proc_fork_contained(int *userns);
/* This process is killed when its parent ends. */
void cpol_proc_die_with_parent(void);
/* The init's own settings: not dumpable (no core, no tracing by the
 * command); outside a process namespace (contained 0), it becomes the
 * reaper of the orphans of its tree. */
void cpol_proc_init_setup(int contained);
/* In the child of cpol_proc_fork_contained with *userns: map uid and gid to
 * themselves. 0, or -1 with err. */
int cpol_proc_map_ids(uid_t uid, gid_t gid, cpol_error *err);
/* A network of its own for this process and what it starts: only a
 * loopback, up. 0, or -1 with err. */
int cpol_proc_private_net(cpol_error *err);
/* Kill our own children (the orphans of a tree land here when we reap
 * them); returns how many. The caller reaps them. */
int cpol_kill_children(void);

/* Resource limits (backend): what a command may consume; 0 = no limit. */
struct cpol_limits {
	uint64_t time_s, cpu_s, memory, processes, file_size, open_files;
};
struct cpol_limits_run;      /* one run's limits, prepared; opaque */
/* Parent, before the fork: make what holds lim (with none set, nothing).
 * NULL with err when something made cannot be configured as asked (fail
 * closed); what is held with a fallback is said in notes. */
struct cpol_limits_run *cpol_limits_new(const struct cpol_limits *lim, char *notes, size_t len,
                                        cpol_error *err);
/* In the child, first thing after fork(): join, set. 0, or -1 with err.
 * Async-signal-safe, no malloc. */
int cpol_limits_enter(const struct cpol_limits_run *run, cpol_error *err);
/* In the parent once the child runs: arm the wall-time timer. */
void cpol_limits_started(struct cpol_limits_run *run, pid_t child);
/* After waitpid(): disarm, kill and reap what is left of the tree, undo
 * what prepare made; `sig` is the signal that ended the command (0 if
 * none), `status` its exit status as codexrun reports it (128+N counts as
 * signal N). hit receives the limits that ended or held the command,
 * comma-separated ("time", "memory", "processes", "cpu", "file-size"; ""
 * when none). run stays to be freed. */
void cpol_limits_finish(struct cpol_limits_run *run, int status, int sig, char *hit, size_t hitlen);
void cpol_limits_free(struct cpol_limits_run *run);
/* Write "10m", "4G" and the like for a limit's value (sandbox/limits_text.c,
 * common to all backends). */
void cpol_limits_format(const char *name, uint64_t v, char *buf, size_t len);

/* What the kernel refused the command (backend; none: open says why). */
#define CPOL_DENIALS_KEEP 16  /* distinct refusals kept; the rest are counted */
struct cpol_denials;
/* Parent, before the child starts. landlock_abi: what prepare's report
 * says. NULL when the kernel cannot tell, with the reason in why. */
struct cpol_denials *cpol_denials_open(int landlock_abi, char *why, size_t len);
/* The run's first process: refusals of it and of what descends from it count. */
void cpol_denials_watch(struct cpol_denials *d, pid_t init);
/* Wait (bounded) until the kernel has delivered every record made so far,
 * then stop listening. Returns the number of refusals (total, with
 * repetitions); *list receives up to CPOL_DENIALS_KEEP distinct
 * descriptions ("write /etc/hosts (Landlock)"), *nlist their number; both
 * belong to d. */
size_t cpol_denials_finish(struct cpol_denials *d, char *const **list, size_t *nlist);
void cpol_denials_close(struct cpol_denials *d);

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
