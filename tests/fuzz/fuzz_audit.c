/* tests/fuzz/fuzz_audit.c -- audit records built from the input through
 * the same steps as cpol_audit_write(): every string sanitised (redact.c:
 * secrets, home, user), then the bounded record builder (jsonl.c). Checked:
 *   - the line fits the capacity, ends in its only newline, and is one
 *     valid JSON object (our own strict validator, json_check.c);
 *   - no character the writer promises to escape (C1 controls, U+2028/9,
 *     bidi controls) appears raw;
 *   - "truncated":true is there exactly when the builder says it cut;
 *   - audit/jsonread.c (what `codexrun --audit-tail` uses) reads the line
 *     back as a record, and when nothing was cut every field decodes to
 *     what was written (for text that was valid UTF-8);
 *   - cpol_jbuf_str() with a small limit keeps within it;
 *   - the reader on the raw input bytes (a foreign line) does not crash;
 *   - cpol_audit_tail (codexrun --audit-tail) over a log made of the raw
 *     input and the record, forwards and backwards, readable and JSON:
 *     nothing reaches the terminal raw (no control characters but the
 *     newline, no C1/bidi/U+2028, no invalid UTF-8), and every JSON line it
 *     prints is valid JSON.
 *
 * Input: 8 header bytes (capacity, absent fields, numbers), then fields
 * separated by NUL: user, home, session, op, decision, cwd, rule, reason,
 * source, profile, policy, approval, degraded, env_removed, then argv.
 * An empty or missing field is absent.
 */
#define FUZZ_NAME audit
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "audit/internal.h"
#include "audit/jsonl.h"
#include "audit/jsonread.h"
#include "audit/redact.h"

enum { F_USER, F_HOME, F_SESSION, F_OP, F_DECISION, F_CWD, F_RULE, F_REASON, F_SOURCE, F_PROFILE,
       F_POLICY, F_APPROVAL, F_DEGRADED, F_ENV, NFIELDS };

#define MAXARGS 2048

static int valid_utf8(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t k = cpol_utf8_seq((const unsigned char *)s + i, n - i, &cp);
		if (!k)
			return 0;
		i += k;
	}
	return 1;
}

static void same_str(const struct cpol_jstr *j, const char *s, const char *name)
{
	if (!s) {
		FUZZ_CHECK(j->s == NULL, "field %s read back but was not written", name);
		return;
	}
	FUZZ_CHECK(j->s != NULL, "field %s written but not read back", name);
	size_t n = strlen(s);
	if (valid_utf8(s, n))
		FUZZ_CHECK(j->n == n && memcmp(j->s, s, n) == 0, "field %s reads back changed", name);
}

static void check_line(const char *buf, size_t n, size_t cap, int trunc, const struct cpol_audit_meta *m,
                       const struct cpol_audit_record *r)
{
	size_t at;
	FUZZ_CHECK(n >= 2 && n <= cap, "record of %zu bytes for capacity %zu", n, cap);
	FUZZ_CHECK(buf[n - 1] == '\n' && memchr(buf, '\n', n - 1) == NULL, "record is not one line");
	const char *why = fuzz_json_check(buf, n - 1, 1, &at);
	FUZZ_CHECK(why == NULL, "record is not valid JSON: %s at byte %zu: %.*s", why, at,
	           (int)(n > 600 ? 600 : n), buf);
	for (size_t i = 0; i < n; i++) {
		unsigned cp;
		size_t k = cpol_json_unsafe_char((const unsigned char *)buf + i, n - i, &cp);
		FUZZ_CHECK(k == 0, "U+%04X written raw at byte %zu", cp, i);
	}
	static const char tail[] = ",\"truncated\":true}\n";
	int says = n >= sizeof tail - 1 && memcmp(buf + n - (sizeof tail - 1), tail, sizeof tail - 1) == 0;
	FUZZ_CHECK(says == !!trunc, "truncated flag %d but the record %s it", trunc, says ? "says" : "does not say");

	struct cpol_audit_view v;
	int rc = cpol_audit_view_parse(&v, buf, n - 1);
	FUZZ_CHECK(rc == 0 || rc == -2, "jsonread refuses a record the writer wrote: %.*s", (int)(n > 600 ? 600 : n),
	           buf);
	if (rc == 0 && !trunc) {
		same_str(&v.ts, m->ts, "ts");
		same_str(&v.session, m->session, "session");
		same_str(&v.op, r->op, "op");
		same_str(&v.cwd, r->cwd, "cwd");
		same_str(&v.decision, r->decision, "decision");
		same_str(&v.rule, r->rule, "rule");
		same_str(&v.reason, r->reason, "reason");
		same_str(&v.source, r->source, "source");
		same_str(&v.profile, r->profile, "profile");
		same_str(&v.policy, r->policy, "policy");
		same_str(&v.approval, r->approval, "approval");
		same_str(&v.degraded, r->degraded, "degraded");
		same_str(&v.env_removed, r->env_removed, "env_removed");
		FUZZ_CHECK(v.has_seq && (uint64_t)v.seq == m->seq && v.has_pid && v.pid == m->pid, "seq or pid changed");
		FUZZ_CHECK(v.has_status == (r->status >= 0) && (!v.has_status || v.status == r->status), "status changed");
		FUZZ_CHECK(v.has_signal == (r->signal > 0) && (!v.has_signal || v.signal == r->signal), "signal changed");
		FUZZ_CHECK(v.has_landlock_abi == (r->landlock_abi >= 0) &&
		           (!v.has_landlock_abi || v.landlock_abi == r->landlock_abi), "landlock_abi changed");
		FUZZ_CHECK(v.has_duration_ms == (r->duration_ms >= 0) &&
		           (!v.has_duration_ms || v.duration_ms == r->duration_ms), "duration_ms changed");
		FUZZ_CHECK(!!v.has_argv == !!r->argv, "argv presence changed");
		if (r->argv) {
			FUZZ_CHECK(v.nargv == (size_t)r->argc, "%zu arguments read back, %d written", v.nargv, r->argc);
			for (int i = 0; i < r->argc; i++)
				same_str(&v.argv[i], r->argv[i], "argv[i]");
		}
	}
	cpol_audit_view_free(&v);
}

/* What --audit-tail printed is safe on a terminal; JSON lines are JSON. */
static void check_tail_output(const char *o, size_t n, int json)
{
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t k = cpol_utf8_seq((const unsigned char *)o + i, n - i, &cp);
		FUZZ_CHECK(k > 0, "--audit-tail printed an invalid UTF-8 byte 0x%02x", (unsigned char)o[i]);
		FUZZ_CHECK(cp >= 0x20 ? cp != 0x7f : cp == '\n', "--audit-tail printed control character %#x raw", cp);
		FUZZ_CHECK(!cpol_json_unsafe_char((const unsigned char *)o + i, n - i, &cp),
		           "--audit-tail printed U+%04X raw", cp);
		i += k;
	}
	for (size_t i = 0; json && i < n;) {
		const char *nl = memchr(o + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (o + i)) : n - i, at;
		const char *why = fuzz_json_check(o + i, len, 1, &at);
		FUZZ_CHECK(why == NULL, "--audit-tail --json printed invalid JSON: %s at %zu: %.*s", why, at,
		           (int)(len > 300 ? 300 : len), o + i);
		i += len + 1;
	}
}

/* --audit-tail over a log holding the raw input and one record. */
static void tail(const uint8_t *data, size_t size, const char *rec, size_t reclen, unsigned n)
{
	int fd = memfd_create("fuzz-audit", MFD_CLOEXEC);
	FUZZ_CHECK(fd >= 0, "memfd_create failed");
	FUZZ_CHECK(write(fd, data, size) == (ssize_t)size && write(fd, "\n", 1) == 1 &&
	           write(fd, rec, reclen) == (ssize_t)reclen, "cannot write the log");
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	static const struct { unsigned back; int json; const char *session, *decision; } runs[] = {
		{ 0, 0, NULL, NULL }, { 1, 1, NULL, NULL }, { 0, 1, "fuzz-session", NULL }, { 1, 0, NULL, "allow" },
	};
	for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
		char *o = NULL;
		size_t olen = 0;
		FILE *f = open_memstream(&o, &olen);
		FUZZ_CHECK(f != NULL, "open_memstream failed");
		cpol_error err;
		cpol_audit_tail(path, runs[i].back ? n : 0, runs[i].session, runs[i].decision, runs[i].json, f, &err);
		fclose(f);
		check_tail_output(o, olen, runs[i].json);
		free(o);
	}
	close(fd);
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	uint8_t h[8] = { 0 };
	memcpy(h, data, size < sizeof h ? size : sizeof h);
	size_t off = size < sizeof h ? size : sizeof h;

	/* the fields, NUL-separated */
	char *text = malloc(size - off + 1);
	FUZZ_CHECK(text != NULL, "out of memory");
	memcpy(text, data + off, size - off);
	text[size - off] = 0;
	const char *f[NFIELDS] = { 0 };
	char **argv = malloc(MAXARGS * sizeof *argv);
	FUZZ_CHECK(argv != NULL, "out of memory");
	int nf = 0, argc = 0;
	for (size_t i = 0; i < size - off && argc < MAXARGS;) {
		char *s = text + i;
		size_t n = strlen(s);
		if (nf < NFIELDS)
			f[nf++] = n ? s : NULL;
		else
			argv[argc++] = s;
		i += n + 1;
	}

	/* the sanitising pass of cpol_audit_write */
	struct cpol_redact_who who;
	cpol_redact_who_init(&who, f[F_USER], f[F_HOME]);
	struct cpol_audit_record r = CPOL_AUDIT_RECORD_INIT;
	char *clean[NFIELDS] = { 0 };
	for (int i = F_CWD; i < NFIELDS; i++)
		if (f[i])
			clean[i] = cpol_redact_str(&who, f[i], NULL);
	r.op = f[F_OP] ? f[F_OP] : "exec";
	r.decision = f[F_DECISION]; /* a word of ours, never sanitised by the writer */
	r.cwd = clean[F_CWD];
	r.rule = clean[F_RULE];
	r.reason = clean[F_REASON];
	r.source = clean[F_SOURCE];
	r.profile = clean[F_PROFILE];
	r.policy = clean[F_POLICY];
	r.approval = clean[F_APPROVAL];
	r.degraded = clean[F_DEGRADED];
	r.env_removed = clean[F_ENV];
	char **cargv = NULL;
	if (!(h[2] & 1)) {
		cargv = cpol_redact_argv(&who, argv, argc, NULL);
		r.argv = cargv;
		r.argc = cargv ? argc : 0;
	}
	r.landlock_abi = (int)h[3] - 1;
	r.status = (int)(int16_t)(h[4] | h[5] << 8);
	r.signal = (h[2] & 2) ? h[6] : 0;
	r.duration_ms = (h[2] & 4) ? -1 : (int64_t)h[7] << (h[2] >> 3);

	cpol_error err;
	const char *session = f[F_SESSION] && cpol_audit_check_session(f[F_SESSION], &err) == 0
	                      ? f[F_SESSION] : "fuzz-session";
	struct cpol_audit_meta m = { "2025-01-02T03:04:05.678Z", session, "0123456789abcdef",
	                             (uint64_t)h[4] << 40 | h[1], (long)h[6] - 3 };

	static const size_t caps[] = { CPOL_AUDIT_LINE_MIN, CPOL_AUDIT_SYSLOG_MAX - 64 + 1, CPOL_AUDIT_RECORD_MAX };
	size_t cap = (h[0] & 3) < 3 ? caps[h[0] & 3] : CPOL_AUDIT_LINE_MIN + (size_t)h[1] * 97;
	char *buf = malloc(cap);
	FUZZ_CHECK(buf != NULL, "out of memory");
	int trunc = -1;
	size_t n = cpol_audit_format(buf, cap, &m, &r, &trunc);
	FUZZ_CHECK(trunc == 0 || trunc == 1, "truncated is %d", trunc);
	check_line(buf, n, cap, trunc, &m, &r);

	/* one string with a small limit */
	if (f[F_CWD]) {
		size_t limit = h[1] & 0x7f;
		struct cpol_jbuf b;
		cpol_jbuf_init(&b, buf, cap);
		int cut = cpol_jbuf_str(&b, f[F_CWD], strlen(f[F_CWD]), limit);
		if (!b.full) {
			size_t at;
			const char *why = fuzz_json_check(buf, b.len, 0, &at);
			FUZZ_CHECK(why == NULL && buf[0] == '"', "cpol_jbuf_str wrote invalid JSON: %s at %zu", why, at);
			/* the marker: "\u2026[truncated " N " bytes]" */
			size_t len = strlen(f[F_CWD]), mark = 3 + 11 + 7;
			for (size_t d = len; d >= 10; d /= 10)
				mark++;
			mark++;
			FUZZ_CHECK(!cut || b.len - 2 <= (limit > mark ? limit : mark),
			           "cpol_jbuf_str kept %zu bytes for limit %zu", b.len - 2, limit);
			FUZZ_CHECK(cut || b.len - 2 == cpol_json_escaped_len(f[F_CWD], strlen(f[F_CWD])),
			           "cpol_jbuf_str cut without saying so");
		}
	}

	/* a foreign line */
	struct cpol_audit_view v;
	cpol_audit_view_parse(&v, (const char *)data, size);
	cpol_audit_view_free(&v);

	/* the log read back; the record first, as the format wrote it */
	n = cpol_audit_format(buf, cap, &m, &r, &trunc);
	tail(data, size, buf, n, 1 + (h[1] & 3));

	free(buf);
	cpol_redact_argv_free(cargv, argc);
	for (int i = 0; i < NFIELDS; i++)
		free(clean[i]);
	free(argv);
	free(text);
	return 0;
}
