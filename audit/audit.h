/* audit/audit.h -- the audit sink: sanitised JSON Lines records, one
 * write(2) per record on an O_APPEND descriptor (or one syslog message), so
 * concurrent writers never tear or interleave a line.
 *
 * Records are bounded in size: long fields are truncated with a visible
 * marker so that a record always fits one write. Every byte is escaped, so
 * the output is valid JSON whatever argv held. User name and home folder
 * become [USER] and ~; secrets become [REDACTED] (see redact.h).
 *
 * A record, fields in this order, absent ones left out:
 *   {"ts":"2025-01-02T03:04:05.678Z","session":"…","run":"…","seq":2,
 *    "pid":123,"op":"exec","argv":["git","status"],"cwd":"~/src",
 *    "decision":"allow","rule":"git read-only","reason":"…","source":"…",
 *    "profile":"…","policy":"…","approval":"…","landlock_abi":7,
 *    "degraded":"…","env_removed":"…","status":0,"signal":9,
 *    "duration_ms":12,"processes_ended":1,"limits":"…","limit":"time",
 *    "undone":"…","refused":["write /etc/hosts (Landlock)"],"refused_total":3,
 *    "refused_unknown":"…","agent":"claude","tool_use_id":"…","truncated":true}
 * ("argc" follows "argv" when arguments were left out; "truncated" is
 * present only when something was cut, see jsonl.h for the markers.)
 *
 * Sessions, runs and sequence numbers (how a gap becomes visible):
 *   - `session` names the agent session (--session, $CODEXPOL_SESSION, or a
 *     fresh random UUID); many codexrun processes share it.
 *   - `run` is a fresh random id (16 hex digits, getrandom) for each handle,
 *     that is for each codexrun process: it names one writer.
 *   - `seq` numbers the records of one run 1, 2, 3, ... in the order they
 *     are written. For codexrun: policy_load = 1, exec = 2, then sandbox
 *     and approval records as they happen, and exit last.
 *   A reader groups records by (session, run): that run's records are
 *   complete exactly when their seq values are 1..max with none missing. A
 *   write that failed still uses up its number, so a lost record (disk full
 *   under --audit=best-effort) leaves a visible hole. A run whose highest
 *   record is not `exit` ended without reporting (killed, crashed) or is
 *   still running. seq does not count across processes: that would need a
 *   shared counter file and a lock; (session, run) makes it unnecessary.
 *   A child of fork() that writes through its parent's handle gets a new
 *   run id and starts again at 1, so the parent's numbering stays whole.
 *
 * A handle is not thread-safe: one thread writes at a time. Its file
 * descriptor and socket are close-on-exec, so a sandboxed command never
 * inherits them.
 *
 * Atomicity: Linux appends one write(2) on an O_APPEND descriptor to a local
 * file system (ext4, xfs, btrfs, tmpfs) as a whole, under the inode lock.
 * NFS does not promise this.
 */
#ifndef CPOL_AUDIT_H
#define CPOL_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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
	const char *op;          /* exec, policy_load, sandbox, approval, exit, hook, network */
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
	int processes_ended;     /* exit records: leftovers of the command ended; -1 when absent */
	const char *agent;       /* hook records: claude, codex or gemini */
	const char *tool_use_id; /* hook records: the agent's id of the tool call */
	const char *undone;      /* exit records: code-running files the run's check removed */
	const char *grants;      /* approval records: what the approved rule grants */
	const char *limits;      /* sandbox records: how the resource limits are held */
	const char *limit;       /* exit records: the limits that ended or held the command */
	/* exit records: what the kernel refused the command, distinct
	 * descriptions (at most CPOL_DENIALS_KEEP), and how many refusals in
	 * all (-1: not known, refused_unknown then says why). */
	const char *const *refused; int nrefused;
	int64_t refused_total;
	const char *refused_unknown;
};

/* A record with every field absent: start from this, then fill in.
 *   struct cpol_audit_record r = CPOL_AUDIT_RECORD_INIT; r.op = "exec"; */
#define CPOL_AUDIT_RECORD_INIT { .landlock_abi = -1, .status = -1, .signal = 0, .duration_ms = -1, .processes_ended = -1, .refused_total = -1 }

/* Upper bound of one record in a file, newline included. */
#define CPOL_AUDIT_RECORD_MAX 65536
/* Upper bound of one syslog datagram (header included): what rsyslog and
 * journald take without cutting. */
#define CPOL_AUDIT_SYSLOG_MAX 8192
/* Longest session id accepted. */
#define CPOL_AUDIT_SESSION_MAX 128

struct cpol_audit;

/* Open the sink. A FILE sink creates missing directories 0700 and the file
 * 0600. Fails (-1/NULL) when it cannot be opened.
 *   spec NULL: $CODEXPOL_AUDIT when set and non-empty, else the default
 *   file $XDG_STATE_HOME/codexpol/audit.jsonl ($XDG_STATE_HOME only when
 *   absolute), else ~/.local/state/codexpol/audit.jsonl. "syslog" and
 *   "none" are words; anything else is a file (a file named "syslog" is
 *   "./syslog"). A relative file is made absolute against the working
 *   directory (lexically, symbolic links are not resolved).
 *   session NULL: $CODEXPOL_SESSION when set and non-empty, else a fresh
 *   random UUID. A session id has 1..CPOL_AUDIT_SESSION_MAX bytes of
 *   printable ASCII without spaces ('!'..'~'). */
struct cpol_audit *cpol_audit_open(const struct cpol_audit_opts *opts, cpol_error *err);
/* The path of a file sink, or NULL. */
const char *cpol_audit_path(const struct cpol_audit *a);
const char *cpol_audit_session(const struct cpol_audit *a);
/* The run id of the handle (changes in a forked child at its first write). */
const char *cpol_audit_run(const struct cpol_audit *a);
enum cpol_audit_kind cpol_audit_kind(const struct cpol_audit *a);
/* Write one record (adds ts, session, run, seq, pid). -1 when it could not
 * be written in full: "audit: cannot write PATH: No space left on device"
 * (err->code is the errno). A short write leaves a partial line, which the
 * writer ends with a newline when it can, so that the next record starts on
 * a line of its own; readers skip such lines (cpol_audit_tail counts them).
 * Out of memory while sanitising is a failure too: nothing unsanitised is
 * ever written. */
int cpol_audit_write(struct cpol_audit *a, const struct cpol_audit_record *r, cpol_error *err);
void cpol_audit_close(struct cpol_audit *a);

/* Where a spec sends records, without opening anything: returns the kind,
 * and for CPOL_AUDIT_FILE sets *path to the absolute file name (malloc'd,
 * the caller frees it). `home` as in cpol_audit_opts. -1 on error. */
int cpol_audit_resolve(const char *spec, const char *home, char **path, cpol_error *err);

/* Print the last n records of the audit file at path (all when n == 0; path
 * NULL: the file cpol_audit_resolve(NULL) names) whose session and decision
 * equal the filters (NULL: any), oldest first, one per line: readable
 *   TS SESSION RUN#SEQ OP DECISION RULE -- ARGV [status=…] [signal=…] …
 * (missing fields are "-", control characters shown as \xNN), or, when
 * json != 0, the records' JSON lines themselves. Lines that are not records
 * (malformed, torn, too deep, longer than 4 * CPOL_AUDIT_RECORD_MAX) are
 * skipped. Returns how many lines it skipped (0 for a clean log), or -1
 * with err set. With n > 0 it reads from the end back only as far as it
 * needs, so it counts the skipped lines among those. */
int cpol_audit_tail(const char *path, unsigned n, const char *session, const char *decision,
                    int json, FILE *out, cpol_error *err);

#endif
