/* audit/jsonread.h -- a small strict JSON reader: parses one audit line
 * into a view of the fields cpol_audit_tail shows, and any document into a
 * tree of nodes (for the agent hooks and the MCP server, which read JSON
 * that other programs write). Internal to the codexpol programs and tests.
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
		policy, approval, degraded, env_removed, undone,
		agent, tool_use_id, limits, limit;
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

/* A whole document as a tree: nodes[0] is the root; children of an array or
 * object are linked through first/next (indices, -1 for none), in input
 * order. Same strictness as above (one value, nothing after it but white
 * space, depth at most 32). */
enum cpol_jtype { CPOL_JNULL, CPOL_JFALSE, CPOL_JTRUE, CPOL_JNUM, CPOL_JSTR, CPOL_JARR, CPOL_JOBJ };

struct cpol_jnode {
	enum cpol_jtype type;
	struct cpol_jstr key;  /* member name when the parent is an object */
	struct cpol_jstr str;  /* CPOL_JSTR: the decoded string */
	int64_t num;           /* CPOL_JNUM: the value when isint */
	int isint;
	size_t raw_off, raw_len; /* the value's own bytes in the input */
	int first, next;
	size_t nkids;
};

struct cpol_json {
	struct cpol_jnode *nodes;
	size_t n, cap;
	char *mem; /* decoded strings */
};

/* Parse text[0..n) into doc. 0: done; -1: not JSON; -2: out of memory.
 * Free doc with cpol_json_free in every case. */
int cpol_json_parse(struct cpol_json *doc, const char *text, size_t n);
void cpol_json_free(struct cpol_json *doc);
/* The member `key` of object node obj (the last one when repeated), or
 * NULL when obj is NULL, not an object, or has no such member. */
const struct cpol_jnode *cpol_json_get(const struct cpol_json *doc, const struct cpol_jnode *obj,
                                       const char *key);
/* The first child and the next sibling of a node, or NULL. */
const struct cpol_jnode *cpol_json_first(const struct cpol_json *doc, const struct cpol_jnode *node);
const struct cpol_jnode *cpol_json_next(const struct cpol_json *doc, const struct cpol_jnode *node);
/* The member `key` when it is a string without NUL bytes, else NULL. */
const char *cpol_json_get_str(const struct cpol_json *doc, const struct cpol_jnode *obj, const char *key);

#endif
