/* audit/audit.h -- the audit sink: sanitised JSON Lines records, one
 * write(2) per record on an O_APPEND descriptor (or one syslog message), so
 * concurrent writers never tear or interleave a line.
 *
 * Records are bounded in size: long fields are truncated with a visible
 * marker so that a record always fits one write. Every byte is escaped, so
 * the output is valid JSON whatever argv held. User name and home folder
 * become [USER] and ~; secrets become [REDACTED] (see redact.h).
 */
#ifndef CPOL_AUDIT_H
#define CPOL_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"

enum cpol_audit_kind { CPOL_AUDIT_FILE, CPOL_AUDIT_SYSLOG, CPOL_AUDIT_NONE };

struct cpol_audit_opts {
	const char *spec;        /* "FILE", "syslog", "none", or NULL for the default */
	const char *session;     /* session id, or NULL for a fresh random one */
	const char *user;        /* user name to hide, or NULL (from getpwuid) */
	const char *home;        /* home folder to hide, or NULL ($HOME) */
	const char *syslog_path; /* datagram socket for the syslog sink; NULL: /dev/log */
};

/* One record; NULL/negative fields are left out. */
struct cpol_audit_record {
	const char *op;          /* exec, policy_load, sandbox, approval, exit */
	char *const *argv; int argc;
	const char *cwd;
	const char *decision, *rule, *reason, *source;
	const char *profile;     /* policy name */
	const char *policy;      /* image hash */
	const char *approval;    /* approval records: "accepted"/"refused" and how */
	int landlock_abi;        /* sandbox records; -1 when absent */
	const char *degraded;    /* sandbox records: what is not enforced */
	const char *env_removed; /* sandbox records */
	int status;              /* exit records; -1 when absent */
	int signal;              /* exit records; 0 when absent */
	int64_t duration_ms;     /* exit records; -1 when absent */
};

struct cpol_audit;

/* Open the sink. A FILE sink creates missing directories 0700 and the file
 * 0600. Fails (-1/NULL) when it cannot be opened. */
struct cpol_audit *cpol_audit_open(const struct cpol_audit_opts *opts, cpol_error *err);
/* The path of a file sink, or NULL. */
const char *cpol_audit_path(const struct cpol_audit *a);
const char *cpol_audit_session(const struct cpol_audit *a);
/* Write one record (adds ts, session, seq, pid). -1 when it could not be
 * written in full. */
int cpol_audit_write(struct cpol_audit *a, const struct cpol_audit_record *r, cpol_error *err);
void cpol_audit_close(struct cpol_audit *a);

#endif
