/* audit/records.c -- one builder per kind of record codexrun writes
 * (records.h). Only fills the struct: writing, sanitising and bounding are
 * audit.c's. */
#include "audit/records.h"

#include <stddef.h>

static const char *opt(const char *s)
{
	return s && *s ? s : NULL;
}

struct cpol_audit_record cpol_audit_rec_policy_load(const char *profile, const char *policy, const char *error)
{
	struct cpol_audit_record rec = CPOL_AUDIT_RECORD_INIT;
	rec.op = "policy_load";
	rec.profile = profile;
	rec.policy = policy;
	rec.reason = error;
	return rec;
}

struct cpol_audit_record cpol_audit_rec_exec(char *const *argv, int argc, const char *cwd, const char *decision,
                                             const char *rule, const char *reason, const char *source,
                                             const char *profile, const char *policy)
{
	struct cpol_audit_record rec = CPOL_AUDIT_RECORD_INIT;
	rec.op = "exec";
	rec.argv = argv;
	rec.argc = argc;
	rec.cwd = cwd;
	rec.decision = decision;
	rec.rule = rule;
	rec.reason = reason;
	rec.source = source;
	rec.profile = profile;
	rec.policy = policy;
	return rec;
}

struct cpol_audit_record cpol_audit_rec_approval(const char *how, const char *rule, const char *grants)
{
	struct cpol_audit_record rec = CPOL_AUDIT_RECORD_INIT;
	rec.op = "approval";
	rec.approval = how;
	rec.rule = rule;
	rec.grants = opt(grants);
	return rec;
}

struct cpol_audit_record cpol_audit_rec_sandbox(int landlock_abi, const char *degraded, const char *env_removed,
                                                const char *limits)
{
	struct cpol_audit_record rec = CPOL_AUDIT_RECORD_INIT;
	rec.op = "sandbox";
	rec.limits = opt(limits);
	rec.landlock_abi = landlock_abi;
	rec.degraded = opt(degraded);
	rec.env_removed = opt(env_removed);
	return rec;
}

struct cpol_audit_record cpol_audit_rec_exit(int status, int sig, int64_t ms, int ended, const char *limit,
                                             const char *undone)
{
	struct cpol_audit_record rec = CPOL_AUDIT_RECORD_INIT;
	rec.undone = undone;
	rec.op = "exit";
	rec.limit = opt(limit);
	rec.status = status;
	rec.signal = sig;
	rec.duration_ms = ms;
	rec.processes_ended = ended;
	return rec;
}
