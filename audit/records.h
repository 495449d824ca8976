/* audit/records.h -- the records codexrun writes for one command, one
 * builder per kind (audit/records.c): what each kind carries is decided
 * here, not by the program that writes it. Empty optional texts ("") mean
 * absent. The strings are not copied: they must outlive the write. */
#ifndef CPOL_AUDIT_RECORDS_H
#define CPOL_AUDIT_RECORDS_H

#include <stdint.h>

#include "audit/audit.h"

/* policy_load: the policy read (name, image hash), or why it could not be
 * (error; profile and policy NULL). */
struct cpol_audit_record cpol_audit_rec_policy_load(const char *profile, const char *policy, const char *error);
/* exec: the command, where, and the decision with its rule, reason and
 * source position. */
struct cpol_audit_record cpol_audit_rec_exec(char *const *argv, int argc, const char *cwd, const char *decision,
                                             const char *rule, const char *reason, const char *source,
                                             const char *profile, const char *policy);
/* approval: how a prompt was answered, for which rule, what it grants. */
struct cpol_audit_record cpol_audit_rec_approval(const char *how, const char *rule, const char *grants);
/* sandbox: what is enforced before the command starts. */
struct cpol_audit_record cpol_audit_rec_sandbox(int landlock_abi, const char *degraded, const char *env_removed,
                                                const char *limits);
/* exit: how it ended (ended: leftovers ended, -1 when not contained; limit:
 * the limits reached; undone: the code-running files removed after it). */
struct cpol_audit_record cpol_audit_rec_exit(int status, int sig, int64_t ms, int ended, const char *limit,
                                             const char *undone);

#endif
