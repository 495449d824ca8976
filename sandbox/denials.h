/* sandbox/denials.h -- what the kernel refused a sandboxed command, read
 * back from the audit subsystem: Landlock's denial records (ABI >= 7, the
 * domain asked to log after execve) and seccomp's (the filter loaded with
 * SECCOMP_FILTER_FLAG_LOG, so that its EPERM answers are recorded).
 *
 * Only the command's own refusals are kept: a Landlock domain counts when
 * the process that made it descends from the run's first process (init),
 * a seccomp record when the process that made the call does. The records
 * come from the NETLINK_AUDIT read-only multicast group, which needs root
 * (CAP_AUDIT_READ) and the kernel's audit switched on (auditctl -e 1);
 * without them nothing is collected and `why` says so. The collector never
 * switches audit on: that is the machine owner's choice.
 *
 * Use (parent only): cpol_denials_open() before the child starts (it sets
 * what the child's Landlock and seccomp calls ask for), then
 * cpol_denials_watch() with init's pid, cpol_denials_finish() after the
 * command and its processes ended, cpol_denials_close(). */
#ifndef CPOL_SANDBOX_DENIALS_H
#define CPOL_SANDBOX_DENIALS_H

#include <stddef.h>
#include <sys/types.h>

/* Flags the child passes to landlock_restrict_self() and seccomp(): 0
 * unless a collector is open. Set in the parent before fork(). */
extern unsigned cpol_denials_landlock_flags, cpol_denials_seccomp_flags;

#define CPOL_DENIALS_KEEP 16  /* distinct refusals kept; the rest are counted */

struct cpol_denials;

/* Start listening. landlock_abi: what the kernel offers (logging needs 7).
 * Returns NULL when the kernel cannot tell, with the reason in why
 * ("reading the kernel's audit log needs root", "the kernel's audit is
 * off (auditctl -e 1)", ...). */
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

/* One record's text (after "audit(...): ") to a description, exposed for
 * the unit tests: type 1423 (Landlock access) or 1326 (seccomp). Returns 0
 * and fills out, or -1 when the record is not a refusal to report. */
int cpol_denials_describe(int type, const char *text, char *out, size_t len);

#endif
