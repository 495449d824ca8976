/* audit/tail.c -- reading the audit log back for people (codexrun
 * --audit-tail[=N]): the last N records that match a session and a
 * decision, oldest first, readable or as their JSON lines.
 *
 * Lines that are not records are skipped and counted, never fatal. Nothing
 * from the log reaches the terminal raw: control characters and bidi
 * controls are shown escaped. Memory stays bounded: a line longer than
 * LINE_LIMIT is skipped as malformed, and only the N lines kept are held.
 */
#include "audit/internal.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit/jsonl.h"
#include "audit/jsonread.h"
#include "audit/show.h"

/* Longer than any record the writer makes; longer lines are not ours. */
#define LINE_LIMIT (4 * CPOL_AUDIT_RECORD_MAX)
#define CHUNK 65536

struct filter {
	const char *session, *decision;
	int json;
	FILE *out;
	long skipped;
	int oom;
};

static int jeq(const struct cpol_jstr *j, const char *s)
{
	return j->s && strlen(s) == j->n && memcmp(j->s, s, j->n) == 0;
}

/* ---- printing ---- */

static void field(FILE *o, const struct cpol_jstr *j)
{
	if (j->s)
		cpol_show_word(o, j->s, j->n);
	else
		fputc('-', o);
}

/* The optional string fields shown as name=value, in runs of the order
 * they are printed in. */
struct vfield {
	const char *name;
	size_t off;
};
#define VF(f) { #f, offsetof(struct cpol_audit_view, f) }
static const struct vfield extras1[] = { VF(profile), VF(policy), VF(reason), VF(approval) };
static const struct vfield extras2[] = { VF(degraded), VF(env_removed), VF(undone), VF(agent), VF(tool_use_id) };
static const struct vfield extras3[] = { VF(limits), VF(limit) };
#undef VF

static void extras(FILE *o, const struct cpol_audit_view *v, const struct vfield *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct cpol_jstr *j = (const struct cpol_jstr *)(const void *)((const char *)v + f[i].off);
		if (!j->s)
			continue;
		fprintf(o, " %s=", f[i].name);
		cpol_show_word(o, j->s, j->n);
	}
}

static void extra_i(FILE *o, const char *k, int has, int64_t x)
{
	if (has)
		fprintf(o, " %s=%lld", k, (long long)x);
}

static void pretty(FILE *o, const struct cpol_audit_view *v)
{
	field(o, &v->ts);
	fputc(' ', o);
	field(o, &v->session);
	fputc(' ', o);
	field(o, &v->run);
	if (v->has_seq)
		fprintf(o, "#%lld", (long long)v->seq);
	fputc(' ', o);
	field(o, &v->op);
	fputc(' ', o);
	field(o, &v->decision);
	fputc(' ', o);
	field(o, &v->rule);
	fputs(" --", o);
	for (size_t i = 0; i < v->nargv; i++) {
		fputc(' ', o);
		cpol_show_word(o, v->argv[i].s, v->argv[i].n);
	}
	extras(o, v, extras1, sizeof extras1 / sizeof extras1[0]);
	extra_i(o, "landlock_abi", v->has_landlock_abi, v->landlock_abi);
	extras(o, v, extras2, sizeof extras2 / sizeof extras2[0]);
	extra_i(o, "status", v->has_status, v->status);
	extra_i(o, "signal", v->has_signal, v->signal);
	extra_i(o, "duration_ms", v->has_duration_ms, v->duration_ms);
	extras(o, v, extras3, sizeof extras3 / sizeof extras3[0]);
	if (v->truncated)
		fputs(" truncated", o);
	fputc('\n', o);
}

/* The JSON line as it is, except characters a terminal would act on. They
 * can only stand inside strings (JSON allows nothing else outside), where
 * \uXXXX means the same. */
static void raw_json(FILE *o, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t plain = 0;
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t k = cpol_json_unsafe_char(u + i, n - i, &cp);
		if (k) {
			fwrite(s + plain, 1, i - plain, o);
			fprintf(o, "\\u%04x", cp);
			i += k;
			plain = i;
		} else {
			i++;
		}
	}
	fwrite(s + plain, 1, n - plain, o);
	fputc('\n', o);
}

/* ---- one line ---- */

/* 1: a record that matches, 0: not wanted (skipped lines counted). */
static int judge(struct filter *f, const char *s, size_t n, struct cpol_audit_view *v)
{
	memset(v, 0, sizeof *v); /* the callers free it, parsed or not */
	while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0)
		return 0; /* an empty line (the end of a short write) */
	int rc = cpol_audit_view_parse(v, s, n);
	if (rc == -2) {
		f->oom = 1;
		return 0;
	}
	if (rc < 0) {
		f->skipped++;
		return 0;
	}
	if (f->session && !jeq(&v->session, f->session))
		return 0;
	if (f->decision && !jeq(&v->decision, f->decision))
		return 0;
	return 1;
}

static void show(struct filter *f, const char *s, size_t n)
{
	struct cpol_audit_view v;
	if (judge(f, s, n, &v)) {
		if (f->json) {
			while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
				n--;
			raw_json(f->out, s, n);
		} else {
			pretty(f->out, &v);
		}
	}
	cpol_audit_view_free(&v);
}

/* ---- all records, reading forward ---- */

static int forward(FILE *in, struct filter *f, const char *path, cpol_error *err)
{
	char *buf = malloc(LINE_LIMIT + 1);
	if (!buf)
		return cpol_fail(err, ENOMEM, "audit: out of memory");
	size_t len = 0;
	int skipping = 0, eof = 0;
	while (!eof || len) {
		if (!eof && len < LINE_LIMIT + 1) {
			size_t k = fread(buf + len, 1, LINE_LIMIT + 1 - len, in);
			if (k == 0) {
				if (ferror(in)) {
					free(buf);
					return cpol_fail_errno(err, "audit: cannot read %s", path);
				}
				eof = 1;
			}
			len += k;
		}
		char *nl = memchr(buf, '\n', len);
		size_t take = nl ? (size_t)(nl - buf) : len;
		if (!nl && !eof) {
			if (len <= LINE_LIMIT)
				continue;
			/* too long: drop what we have, skip to the next newline */
			if (!skipping)
				f->skipped++;
			skipping = 1;
			len = 0;
			continue;
		}
		if (skipping)
			skipping = 0;
		else if (take > 0 || nl)
			show(f, buf, take);
		size_t used = nl ? take + 1 : take;
		memmove(buf, buf + used, len - used);
		len -= used;
		if (f->oom)
			break;
	}
	free(buf);
	if (f->oom)
		return cpol_fail(err, ENOMEM, "audit: out of memory");
	return 0;
}

/* ---- the last n records, reading backward ---- */

struct kept {
	char **lines;
	size_t *lens;
	size_t n, want;
};

static int keep_line(struct kept *k, const char *s, size_t n)
{
	char *c = malloc(n ? n : 1);
	if (!c)
		return -1;
	memcpy(c, s, n);
	k->lines[k->n] = c;
	k->lens[k->n++] = n;
	return 0;
}

/* Look at one complete line met going backward; -1 on out of memory. */
static int backline(struct filter *f, struct kept *k, const char *s, size_t n)
{
	struct cpol_audit_view v;
	int m = judge(f, s, n, &v);
	cpol_audit_view_free(&v);
	if (f->oom)
		return -1;
	if (m && keep_line(k, s, n) < 0)
		return -1;
	return 0;
}

static int backward(FILE *in, struct filter *f, unsigned want, const char *path,
                    cpol_error *err)
{
	struct kept k = { calloc(want, sizeof(char *)), calloc(want, sizeof(size_t)), 0, want };
	/* buf holds [pos, pos + len) of the file: a partial line at its start */
	char *buf = malloc(CHUNK + LINE_LIMIT + 1);
	int rc = -1;
	if (!k.lines || !k.lens || !buf) {
		cpol_fail(err, ENOMEM, "audit: out of memory");
		goto out;
	}
	struct stat st;
	if (fstat(fileno(in), &st) < 0) {
		cpol_fail_errno(err, "audit: cannot read %s", path);
		goto out;
	}
	off_t pos = st.st_size;
	size_t len = 0;
	int skipping = 0;
	while (k.n < want) {
		size_t chunk = pos > CHUNK ? CHUNK : (size_t)pos;
		if (chunk == 0) {
			/* the first line of the file */
			if (!skipping && backline(f, &k, buf, len) < 0)
				goto oom;
			break;
		}
		pos -= (off_t)chunk;
		memmove(buf + chunk, buf, len);
		if (fseeko(in, pos, SEEK_SET) != 0 || fread(buf, 1, chunk, in) != chunk) {
			cpol_fail_errno(err, "audit: cannot read %s", path);
			goto out;
		}
		len += chunk;
		/* the complete lines: after each newline up to the next one (the
		 * piece after the file's last newline is a line too; empty
		 * lines count for nothing) */
		size_t end = len;
		for (size_t i = len; i-- > 0 && k.n < want;) {
			if (buf[i] != '\n')
				continue;
			if (skipping)
				skipping = 0; /* the start of an over-long line */
			else if (backline(f, &k, buf + i + 1, end - i - 1) < 0)
				goto oom;
			end = i;
		}
		len = end; /* the partial first line stays */
		if (len > LINE_LIMIT) {
			if (!skipping)
				f->skipped++;
			skipping = 1;
			len = 0;
		}
	}
	for (size_t i = k.n; i-- > 0;)
		show(f, k.lines[i], k.lens[i]);
	rc = f->oom ? cpol_fail(err, ENOMEM, "audit: out of memory") : 0;
	goto out;
oom:
	cpol_fail(err, ENOMEM, "audit: out of memory");
out:
	for (size_t i = 0; i < k.n; i++)
		free(k.lines[i]);
	free(k.lines);
	free(k.lens);
	free(buf);
	return rc;
}

int cpol_audit_tail(const char *path, unsigned n, const char *session, const char *decision,
                    int json, FILE *out, cpol_error *err)
{
	char *resolved = NULL;
	if (!path) {
		int kind = cpol_audit_resolve(NULL, NULL, &resolved, err);
		if (kind < 0)
			return -1;
		if (kind != CPOL_AUDIT_FILE)
			return cpol_fail(err, EINVAL, "audit: the audit log goes to %s, not to a file",
			                 kind == CPOL_AUDIT_SYSLOG ? "syslog" : "nowhere (none)");
		path = resolved;
	}
	int rc = -1;
	FILE *in = fopen(path, "re");
	if (!in) {
		cpol_fail_errno(err, "audit: cannot open %s", path);
		goto out;
	}
	struct filter f = { session, decision, json, out, 0, 0 };
	rc = n == 0 ? forward(in, &f, path, err) : backward(in, &f, n, path, err);
	fclose(in);
	if (rc == 0) {
		if (fflush(out) != 0 || ferror(out))
			rc = cpol_fail_errno(err, "audit: cannot print the records");
		else
			rc = f.skipped > INT32_MAX ? INT32_MAX : (int)f.skipped;
	}
out:
	free(resolved);
	return rc;
}
