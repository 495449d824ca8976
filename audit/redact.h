/* audit/redact.h -- sanitising what goes into an audit record (internal to
 * audit/ and its tests).
 *
 * Two passes over every string the caller gives a record (argv, cwd, rule,
 * reason, source, profile, policy, approval, degraded, env_removed):
 *   1. secrets become [REDACTED]: the rules of the one table in redact.c
 *      (options, environment assignments, URL query keys, header names and
 *      JSON keys whose name says secret; the argument after a
 *      --password-style option; Authorization headers (scheme kept);
 *      user:PASSWORD@ in URLs (user kept); tokens with well-known prefixes;
 *      JWTs; private-key blocks; program-specific options such as
 *      mysql -pSECRET or curl -u user:SECRET). A value that is only
 *      yes/no/true/false/on/off stays (PasswordAuthentication=no);
 *      Values are found by meaning, not spelling: --user=u:p, -uu:p and
 *      --user u:p alike; headers with or without a space after the colon;
 *      words that look like keys (long, mixed case, digits) without a
 *      known prefix;
 *   2. the home folder becomes ~ (where it stands as a whole path: not
 *      preceded by a path character, followed by '/', the end or a
 *      character that cannot be in a file name component) and the user
 *      name becomes [USER] (as a whole word: not next to [A-Za-z0-9_]).
 * Then bytes that are not UTF-8 become \xHH and a backslash becomes \\
 * (reversible: two different strings never give one record).
 * Secrets go first, so that a user called "token" cannot hide --token=.
 * The rules err on the side of hiding: a value is redacted whenever the
 * name next to it could name a secret (--token-limit=5 loses its 5).
 *
 * Program-specific rules look at the whole argv: they apply once an
 * earlier argument (argv[0], or a later one after sudo/env/docker exec)
 * names the program. They do not look inside shell scripts (bash -c "…"):
 * there only the text rules apply.
 */
#ifndef CPOL_AUDIT_REDACT_H
#define CPOL_AUDIT_REDACT_H

#include <stddef.h>
#include <stdint.h>

/* Whom to hide. */
struct cpol_redact_who {
	const char *user; size_t user_len; /* 0: nothing to hide */
	const char *home; size_t home_len; /* without trailing '/'; 0: nothing */
};

/* Fill w from a user name and home folder (either may be NULL). A home
 * that is not absolute, or is "/", is not hidden. w points into the
 * strings, which must outlive it. */
void cpol_redact_who_init(struct cpol_redact_who *w, const char *user, const char *home);

/* Which rules fired: bit i for table entry i. */
#define CPOL_REDACT_MAX_RULES 128
struct cpol_redact_hits {
	uint64_t bits[CPOL_REDACT_MAX_RULES / 64];
};

/* Sanitise one string. Returns a new NUL-terminated string (free() it), or
 * NULL when out of memory. hits may be NULL. */
char *cpol_redact_str(const struct cpol_redact_who *w, const char *s,
                      struct cpol_redact_hits *hits);
/* Sanitise an argv of argc strings (NULL elements read as ""). Returns a
 * new array of argc strings and a final NULL, or NULL when out of memory;
 * free it with cpol_redact_argv_free(). */
char **cpol_redact_argv(const struct cpol_redact_who *w, char *const *argv, int argc,
                        struct cpol_redact_hits *hits);
void cpol_redact_argv_free(char **v, int argc);

/* The table, for tests and documentation. */
size_t cpol_redact_nrules(void);
const char *cpol_redact_rule_name(size_t i);
/* Index of the entry of that name, or -1. */
int cpol_redact_rule_index(const char *name);
int cpol_redact_hit(const struct cpol_redact_hits *h, size_t i);

/* The placeholders. */
#define CPOL_REDACTED "[REDACTED]"
#define CPOL_USER_MARK "[USER]"

#endif
