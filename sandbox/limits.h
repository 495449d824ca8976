/* sandbox/limits.h -- the Linux backend's resource limits (the interface
 * is in sandbox/sandbox.h: cpol_limits_*): wall time, CPU time, memory,
 * processes, file size, open files. Nothing outside sandbox/ includes it.
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

#include "sandbox/sandbox.h"   /* struct cpol_limits, the interface */

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

/* Fill run from lim and make what is needed (cpol_limits_new's work on
 * storage of the caller's). 0, or -1 with err. */
int cpol_limits_prepare(const struct cpol_limits *lim, struct cpol_limits_run *run, cpol_error *err);

#endif
