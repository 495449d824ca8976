/* sandbox/limits.h -- what a sandboxed command may consume: wall time, CPU
 * time, memory, processes, file size, open files.
 *
 * Use (codexrun): cpol_limits_prepare() in the parent makes the control
 * groups that can be made (cgroup v2 where its controllers are offered,
 * else the v1 hierarchies of the same controllers) and opens their
 * cgroup.procs; the child calls cpol_limits_enter() first thing after
 * fork() (joins the groups, sets the rlimits; async-signal-safe, no
 * malloc); the parent calls cpol_limits_started() with the child's pid
 * (arms the wall-time timer), and cpol_limits_finish() after waitpid():
 * it kills what is left of the tree, removes the groups and says which
 * limit ended the command, if any.
 *
 * Everything that cannot be enforced as asked is said in `notes` (the
 * fallbacks); nothing here fails because a control group cannot be made.
 */
#ifndef CPOL_SANDBOX_LIMITS_H
#define CPOL_SANDBOX_LIMITS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"

/* 0 = no limit. */
struct cpol_limits {
	uint64_t time_s, cpu_s, memory, processes, file_size, open_files;
};

enum { CPOL_LIMITS_MAXCG = 4 };

struct cpol_limits_run {
	struct cpol_limits lim;
	int active;                      /* some limit is set */
	int procs_fd[CPOL_LIMITS_MAXCG]; /* cgroup.procs to join, -1 unused */
	char *dir[CPOL_LIMITS_MAXCG];    /* the groups made (removed by finish) */
	int ncg;
	int kill_fd;                     /* v2 cgroup.kill, -1 when none */
	int mem_cg, pids_cg;             /* index in dir of the group enforcing it, -1 */
	int mem_v2, pids_v2;             /* ... and whether it is a v2 group */
	int subreaper;                   /* no group holds the tree: codexrun reaps orphans */
	int nproc_set;                   /* RLIMIT_NPROC applies (not for uid 0) */
	uint64_t nproc;                  /* its value: the uid's other processes + the limit */
	pid_t child;
	char notes[512];                 /* how each limit is enforced, and the fallbacks */
};

/* Parse-free conversion for callers: fill run from lim and make what is
 * needed. Returns 0, or -1 (err) when a group was made but cannot be
 * configured as asked (fail closed). With no limit set, does nothing. */
int cpol_limits_prepare(const struct cpol_limits *lim, struct cpol_limits_run *run, cpol_error *err);
/* In the child: join the groups, set the rlimits. 0, or -1 with err. */
int cpol_limits_enter(const struct cpol_limits_run *run, cpol_error *err);
/* In the parent once the child runs: arm the wall-time timer. */
void cpol_limits_started(struct cpol_limits_run *run, pid_t child);
/* After waitpid(): disarm, kill and reap what is left of the tree, remove
 * the groups; `sig` is the signal that ended the command (0 if none),
 * `status` its exit status as codexrun reports it (a shell reports its
 * child's death by signal N as 128+N: that counts too).
 * hit receives the limits that ended or held the command, comma-separated
 * ("time", "memory", "processes", "cpu", "file-size"; "" when none). */
void cpol_limits_finish(struct cpol_limits_run *run, int status, int sig, char *hit, size_t hitlen);
/* Kill our own children, found in /proc (the orphans of a tree land here
 * when we are its subreaper, as codexrun's init is without a PID
 * namespace); returns how many. The caller reaps them. */
int cpol_kill_children(void);
/* Write "10m", "4G" and the like for a limit's value. */
void cpol_limits_format(const char *name, uint64_t v, char *buf, size_t len);

#endif
