/* sandbox/sandbox.h -- confining a child process to what a policy's
 * `sandbox` block grants: Landlock (filesystem, TCP, scopes), seccomp
 * (libseccomp), no_new_privs, capability drop, protected paths (private mount
 * namespace with read-only binds) and the environment scrub.
 *
 * Use: the parent calls cpol_sandbox_prepare() (may allocate, open files,
 * talk to the kernel), then fork()s; the child calls cpol_sandbox_enter(),
 * which only makes system calls on prepared data (no malloc), then execve()s.
 */
#ifndef CPOL_SANDBOX_H
#define CPOL_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

enum cpol_net_mode {
	CPOL_NET_NONE = 0,     /* AF_UNIX only: no TCP connect/bind, no other socket family */
	CPOL_NET_CONNECT = 1,  /* TCP connect to connect_ports only; all socket families */
	CPOL_NET_OUTBOUND = 2, /* TCP connect to any port, no bind except bind_ports */
	CPOL_NET_ANY = 3       /* everything */
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
	const uint16_t *bind_ports;      size_t nbind;     /* allowed binds in every mode but ANY */
	int trusted;                     /* grants everything: no Landlock, no seccomp, caps kept */
	int require;                     /* fail (not degrade) when something cannot be enforced */
	const void *bpf; size_t bpf_len; /* prebuilt seccomp filter (struct sock_filter[]), or NULL */
	uint32_t bpf_arch;               /* AUDIT_ARCH_* the prebuilt filter was made for */
};

/* What the kernel offers and what will be enforced; filled by prepare. */
struct cpol_sandbox_report {
	int landlock_abi;        /* 0 when Landlock is unavailable */
	int fs_enforced, net_enforced, scope_enforced, seccomp_enforced, protect_enforced;
	int caps_dropped;
	char degraded[512];      /* human-readable list of what is not enforced, "" when all is */
	char notes[512];         /* skipped missing roots and the like */
};

struct cpol_sandbox;         /* prepared state; opaque */

/* Build everything the child needs. On error (or, with spec->require, when
 * anything is degraded) returns NULL and fills err. */
struct cpol_sandbox *cpol_sandbox_prepare(const struct cpol_sandbox_spec *spec,
                                          struct cpol_sandbox_report *report,
                                          cpol_error *err);
/* In the child, after fork(): apply everything. Returns 0, or -1 with err
 * filled (the caller then exits 125 without exec). Async-signal-safe. */
int cpol_sandbox_enter(const struct cpol_sandbox *sb, cpol_error *err);
void cpol_sandbox_free(struct cpol_sandbox *sb);

/* Build the seccomp filter for a network mode as classic BPF for the running
 * architecture (used by codexpolc to store it in the image). *out is
 * malloc'd; *arch receives the AUDIT_ARCH_* value. */
int cpol_seccomp_export(enum cpol_net_mode net, int trusted, void **out, size_t *len,
                        uint32_t *arch, cpol_error *err);

/* Environment scrub: a new NULL-terminated envp without the variables that
 * make an allowed tool run other code (LD_PRELOAD, BASH_ENV, GIT_CONFIG_*, ...)
 * except those named in keep. removed (if not NULL) receives a
 * comma-separated list of the names removed, truncated to removed_len. */
char **cpol_env_scrub(char *const *envp, const char *const *keep, size_t nkeep,
                      char *removed, size_t removed_len, cpol_error *err);
void cpol_env_free(char **envp);

#endif
