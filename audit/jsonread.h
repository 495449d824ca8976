/* audit/jsonread.h -- a small strict JSON reader for audit records: parses
 * one line into a view of the fields cpol_audit_tail shows (internal to
 * audit/ and its tests).
 *
 * Strict (RFC 8259): one object, nothing after it but white space; strings
 * with valid UTF-8 and valid escapes (lone surrogates refused); numbers by
 * the grammar; nesting at most 32 deep. Unknown keys are checked and
 * skipped; the last of duplicate keys wins. A line is a record when it has
 * string "ts", "session" and "op".
 */
#ifndef CPOL_AUDIT_JSONREAD_H
#define CPOL_AUDIT_JSONREAD_H

#include <stddef.h>
#include <stdint.h>

/* A decoded string (may hold NUL bytes). s == NULL: absent. */
struct cpol_jstr {
	const char *s;
	size_t n;
};

struct cpol_audit_view {
	struct cpol_jstr ts, session, run, op, cwd, decision, rule, reason, source, profile,
		policy, approval, degraded, env_removed, limits, limit;
	/* integers; has_* says whether present */
	int64_t seq, pid, landlock_abi, status, signal, duration_ms, argc;
	unsigned has_seq : 1, has_pid : 1, has_landlock_abi : 1, has_status : 1,
		has_signal : 1, has_duration_ms : 1, has_argc : 1, truncated : 1, has_argv : 1;
	struct cpol_jstr *argv;
	size_t nargv;
	char *mem; /* decoded strings */
	size_t nalloc;
};

/* Parse line[0..n). 0: a record, v filled (free with cpol_audit_view_free
 * even on failure); -1: not a record (malformed, or missing ts/session/op);
 * -2: out of memory. */
int cpol_audit_view_parse(struct cpol_audit_view *v, const char *line, size_t n);
void cpol_audit_view_free(struct cpol_audit_view *v);

#endif
