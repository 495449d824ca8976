/* sandbox/denials.h -- the Linux backend's record of what the kernel
 * refused a sandboxed command (the interface, cpol_denials_*, is in
 * sandbox/sandbox.h), read back from the audit subsystem: Landlock's denial records (ABI >= 7, the
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

#include "sandbox/sandbox.h"   /* cpol_denials_open and the rest of the interface */

/* Flags the child passes to landlock_restrict_self() and seccomp(): 0
 * unless a collector is open. Set in the parent before fork(). */
extern unsigned cpol_denials_landlock_flags, cpol_denials_seccomp_flags;

/* One record's text (after "audit(...): ") to a description, exposed for
 * the unit tests: type 1423 (Landlock access) or 1326 (seccomp). Returns 0
 * and fills out, or -1 when the record is not a refusal to report. */
int cpol_denials_describe(int type, const char *text, char *out, size_t len);

#endif
