/* sandbox/internal.h -- what the files of sandbox/ share and nobody else
 * sees: the prepared state (struct cpol_sandbox) and the entry points of each
 * part. Functions named *_enter / *_apply / *_load / *_drop run in the child
 * after fork(): they only make system calls on prepared data (no malloc, no
 * stdio) and are async-signal-safe. Everything else runs in the parent.
 */
#ifndef CPOL_SANDBOX_INTERNAL_H
#define CPOL_SANDBOX_INTERNAL_H

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "sandbox/denyread.h"
#include "sandbox/linux.h"
#include "sandbox/sandbox.h"

/* How the child gets a mount namespace for the protected paths. */
enum cpol_mount_mode {
	CPOL_MNT_NONE = 0,   /* nothing to protect */
	CPOL_MNT_DIRECT = 1, /* we hold CAP_SYS_ADMIN: unshare(CLONE_NEWNS) */
	CPOL_MNT_USERNS = 2  /* unprivileged: unshare(CLONE_NEWUSER|CLONE_NEWNS) */
};

/* One path kept read-only inside a writable root. */
struct cpol_protect_target {
	char *path;          /* absolute, no symlink before the last component */
	dev_t dev;           /* identity found by prepare; the child checks */
	ino_t ino;           /*   it before and after mounting */
	mode_t type;         /* S_IFDIR, S_IFREG, S_IFLNK, ... */
	unsigned long mnt_flags; /* MS_NOSUID|MS_NODEV|... of the mount holding it,
	                          * kept by the mount(2) fallback's remount */
	int placeholder;     /* an empty directory standing for a missing path */
	int created;         /* this run made the placeholder */
	int marked;          /* it carries the placeholder marker (xattr) */
	int lock_fd;         /* placeholder: directory fd holding LOCK_SH, else -1 */
};

struct cpol_sandbox {
	pid_t owner;                 /* the process that prepared (cleans up) */
	int trusted;

	int ruleset_fd;              /* Landlock ruleset, -1 when none */

	struct sock_filter *bpf;     /* seccomp program, NULL when none */
	unsigned short bpf_insns;

	int drop_caps;               /* clear every capability set */
	int drop_bounding;           /* ... the bounding set too (needs CAP_SETPCAP) */
	int cap_last;                /* highest capability the kernel knows */

	enum cpol_mount_mode mount_mode;
	int classic_mount;           /* use mount(2) even if open_tree() exists */
	/* Read-only view: the whole tree read-only in the child's namespace but
	 * for the write roots, which are re-attached writable on top. It stops
	 * what Landlock does not (chmod, chown, utimes, xattrs outside the write
	 * roots, which root may do to the system's files it owns). */
	int ro_view;
	/* No write root is a folder: the seccomp filter refuses metadata
	 * changes instead, and root needs no mount namespace (much faster). */
	int readonly_fs;
	struct cpol_protect_target *rw; /* the write roots (path, identity) */
	size_t nrw;
	int *rw_fds;                 /* child's scratch: their clones */
	char *cwd;                   /* re-entered after mounting, else NULL */
	int cwd_protected;           /* cwd is in a protected path: re-entering it
	                              * must not fail */
	char uid_map[48], gid_map[48]; /* CPOL_MNT_USERNS: "ID ID 1\n" */
	struct cpol_protect_target *targets;
	size_t ntargets;
	/* Pathname UNIX sockets outside the write roots, not granted: /dev/null
	 * is bound over each in the child's mount namespace (unixsock.c). */
	char **hidden;
	size_t nhidden;
	/* The run's private temporary folder (tmpdir.c): its path outside,
	 * "TMPDIR=..." as the command sees it, and whether it is shown as /tmp. */
	char *tmpdir;
	char *tmpdir_env;
	int tmp_view;
	/* Code-running files (coderun.c): the folder write roots to check
	 * after the run, extra names from the policy, when the run started,
	 * and what the check undid. */
	char **undo_roots;
	size_t nundo_roots;
	char **undo_names;
	size_t nundo_names;
	struct timespec run_start;
	char undone[1024];
	/* The plan of the spec's `deny read` (denyread.c): the read roots and
	 * listable folders Landlock is given instead of the spec's, and the
	 * paths to mask. */
	struct cpol_denyread deny;
	/* `deny read` paths inside write roots (mask.c): each is covered in
	 * the child's mount namespace, a folder by an empty tmpfs. */
	char **masks;
	unsigned char *mask_dir;
	size_t nmask;
};

/* report helpers (sandbox.c) */
/* calloc(n, size) and strdup(s) for a plan, err filled with the sandbox's
 * one out-of-memory message when they fail (NULL). Parent only. */
void *cpol_sb_calloc(size_t n, size_t size, cpol_error *err);
char *cpol_sb_strdup(const char *s, cpol_error *err);

void cpol_report_add(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* landlock.c */
int cpol_landlock_abi(void);
/* What the ABI cannot enforce for this spec, appended to buf ("; "-separated). */
void cpol_landlock_degraded(int abi, const struct cpol_sandbox_spec *spec,
                            char *buf, size_t len);
/* Create the ruleset and add the rules; returns the ruleset fd or -1. */
/* lists: folders whose entries may be listed but not read (the folders
 * above a `deny read` path, whose other entries are read roots). */
int cpol_landlock_build(const struct cpol_sandbox_spec *spec, const char *const *lists, size_t nlist, int abi,
                        struct cpol_sandbox_report *report, cpol_error *err);
int cpol_landlock_apply(int ruleset_fd, cpol_error *err);

/* seccomp.c */
uint32_t cpol_seccomp_native_arch(void);
int cpol_seccomp_available(void);
int cpol_seccomp_check(const void *bpf, size_t len, cpol_error *err);
int cpol_seccomp_load(const struct sock_filter *prog, unsigned short n, cpol_error *err);

/* caps.c */
int cpol_caps_last(void);
int cpol_caps_effective(int cap);
int cpol_caps_drop(int cap_last, int bounding, cpol_error *err);

/* protect.c */
int cpol_protect_plan(const struct cpol_sandbox_spec *spec, int fs_enforced,
                      struct cpol_sandbox *sb, struct cpol_sandbox_report *report,
                      cpol_error *err);
int cpol_protect_enter(const struct cpol_sandbox *sb, cpol_error *err);
int cpol_protect_have_mount_api(void);

/* unixsock.c: runs before cpol_protect_plan (which then knows that a
 * mount namespace is needed); enter runs inside protect_enter. */
int cpol_unixsock_plan(const struct cpol_sandbox_spec *spec, struct cpol_sandbox *sb,
                       struct cpol_sandbox_report *report, cpol_error *err);
int cpol_unixsock_enter(const struct cpol_sandbox *sb, cpol_error *err);

/* mask.c: plan (of sb->deny's masks) runs before cpol_protect_plan (which
 * then knows that a mount namespace is needed); enter runs inside
 * protect_enter. */
int cpol_mask_plan(struct cpol_sandbox *sb, cpol_error *err);
int cpol_mask_enter(const struct cpol_sandbox *sb, cpol_error *err);
void cpol_mask_free(struct cpol_sandbox *sb);

/* tmpdir.c: plan before the Landlock ruleset is built, finish after
 * cpol_protect_plan; enter runs inside protect_enter; remove in free. */
int cpol_tmpdir_plan(const struct cpol_sandbox_spec *spec, struct cpol_sandbox *sb,
                     struct cpol_sandbox_report *report, cpol_error *err);
void cpol_tmpdir_finish(struct cpol_sandbox *sb);
int cpol_tmpdir_enter(const struct cpol_sandbox *sb, cpol_error *err);
void cpol_tmpdir_remove(struct cpol_sandbox *sb);
/* Remove a folder and what it holds, following no symlink, crossing no
 * mount (parent only). */
void cpol_rmtree(const char *path);
/* landlock.c: one more write root (the private temporary folder). */
int cpol_landlock_add_write(int rfd, const char *path, int abi,
                            struct cpol_sandbox_report *report, cpol_error *err);

/* coderun.c: plan in prepare, free in free; the undo is public. */
int cpol_coderun_name(const char *base);
int cpol_coderun_plan(const struct cpol_sandbox_spec *spec, struct cpol_sandbox *sb,
                      cpol_error *err);
void cpol_coderun_start(struct cpol_sandbox *sb);
void cpol_coderun_free(struct cpol_sandbox *sb);

/* placeholder.c */
int cpol_placeholder_marked(const char *path);
int cpol_placeholder_acquire(struct cpol_protect_target *t, cpol_error *err);
void cpol_placeholder_release(struct cpol_protect_target *t);

/* Test hook (not part of the contract): make the child use mount(2) and
 * remount instead of open_tree()/mount_setattr()/move_mount(), so the tests
 * can run the fallback path on a new kernel. */
void cpol_sandbox_set_classic_mount(struct cpol_sandbox *sb, int on);

#endif
