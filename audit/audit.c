/* audit/audit.c -- the audit handle: choosing the sink from the spec,
 * opening it, and writing a record (number it, sanitise every string,
 * build the bounded line, hand it to the sink in one piece).
 *
 * Never writes a record that was not sanitised in full: running out of
 * memory while sanitising is a failure, not a fallback to the raw text.
 */
#include "audit/internal.h"

#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "audit/jsonl.h"

static const char *spec_from_env(const char *spec)
{
	if (spec)
		return spec;
	const char *e = getenv("CODEXPOL_AUDIT");
	return e && *e ? e : NULL;
}

int cpol_audit_resolve(const char *spec, const char *home, char **path, cpol_error *err)
{
	*path = NULL;
	spec = spec_from_env(spec);
	if (!spec) {
		if (!home) {
			const char *h = getenv("HOME");
			home = h && *h ? h : NULL;
		}
		if (cpol_audit_default_file(home, path, err) < 0)
			return -1;
		return CPOL_AUDIT_FILE;
	}
	if (!*spec)
		return cpol_fail(err, EINVAL, "audit: empty audit destination (FILE, syslog or none)");
	if (strcmp(spec, "none") == 0)
		return CPOL_AUDIT_NONE;
	if (strcmp(spec, "syslog") == 0)
		return CPOL_AUDIT_SYSLOG;
	*path = cpol_audit_abspath(spec, err);
	return *path ? CPOL_AUDIT_FILE : -1;
}

/* The user name and home folder to hide, from opts or the system. */
static int who(struct cpol_audit *a, const struct cpol_audit_opts *o, cpol_error *err)
{
	const char *user = o->user, *home = o->home;
	struct passwd pw, *res = NULL;
	char buf[4096];
	if (!user || !home) {
		if (getpwuid_r(getuid(), &pw, buf, sizeof buf, &res) != 0)
			res = NULL;
		if (!user && res)
			user = res->pw_name;
		if (!home) {
			const char *h = getenv("HOME");
			home = h && *h ? h : res ? res->pw_dir : NULL;
		}
	}
	a->user = user ? strdup(user) : NULL;
	a->home = home ? strdup(home) : NULL;
	if ((user && !a->user) || (home && !a->home))
		return cpol_fail(err, ENOMEM, "audit: out of memory");
	cpol_redact_who_init(&a->who, a->user, a->home);
	return 0;
}

struct cpol_audit *cpol_audit_open(const struct cpol_audit_opts *opts, cpol_error *err)
{
	static const struct cpol_audit_opts defaults;
	const struct cpol_audit_opts *o = opts ? opts : &defaults;
	struct cpol_audit *a = calloc(1, sizeof *a);
	if (!a) {
		cpol_fail(err, ENOMEM, "audit: out of memory");
		return NULL;
	}
	a->fd = -1;
	a->pid = getpid();

	const char *session = o->session;
	if (!session) {
		const char *e = getenv("CODEXPOL_SESSION");
		session = e && *e ? e : NULL;
	}
	if (session) {
		if (cpol_audit_check_session(session, err) < 0)
			goto fail;
		strcpy(a->session, session);
	} else if (cpol_audit_new_session(a->session, err) < 0) {
		goto fail;
	}
	if (cpol_audit_random_hex(a->run, CPOL_AUDIT_RUN_LEN / 2, err) < 0)
		goto fail;
	if (who(a, o, err) < 0)
		goto fail;

	int kind = cpol_audit_resolve(o->spec, a->home, &a->path, err);
	if (kind < 0)
		goto fail;
	a->kind = (enum cpol_audit_kind)kind;
	switch (a->kind) {
	case CPOL_AUDIT_FILE:
		a->fd = cpol_audit_file_open(a->path, err);
		a->cap = CPOL_AUDIT_RECORD_MAX;
		break;
	case CPOL_AUDIT_SYSLOG:
		a->path = strdup(o->syslog_path ? o->syslog_path : "/dev/log");
		if (!a->path) {
			cpol_fail(err, ENOMEM, "audit: out of memory");
			goto fail;
		}
		a->fd = cpol_audit_syslog_open(a->path, err);
		/* the JSON without its newline, after the header */
		a->cap = CPOL_AUDIT_SYSLOG_MAX - CPOL_AUDIT_SYSLOG_HEADER + 1;
		break;
	case CPOL_AUDIT_NONE:
		return a;
	}
	if (a->fd < 0)
		goto fail;
	a->buf = malloc(a->cap);
	if (!a->buf) {
		cpol_fail(err, ENOMEM, "audit: out of memory");
		goto fail;
	}
	return a;
fail:
	cpol_audit_close(a);
	return NULL;
}

const char *cpol_audit_path(const struct cpol_audit *a)
{
	return a && a->kind == CPOL_AUDIT_FILE ? a->path : NULL;
}

const char *cpol_audit_session(const struct cpol_audit *a) { return a ? a->session : NULL; }
const char *cpol_audit_run(const struct cpol_audit *a) { return a ? a->run : NULL; }
enum cpol_audit_kind cpol_audit_kind(const struct cpol_audit *a)
{
	return a ? a->kind : CPOL_AUDIT_NONE;
}

/* The free-text fields of a record, sanitised one by one. */
static const size_t text_fields[] = {
	offsetof(struct cpol_audit_record, cwd),         offsetof(struct cpol_audit_record, rule),
	offsetof(struct cpol_audit_record, reason),      offsetof(struct cpol_audit_record, source),
	offsetof(struct cpol_audit_record, profile),     offsetof(struct cpol_audit_record, policy),
	offsetof(struct cpol_audit_record, approval),    offsetof(struct cpol_audit_record, degraded),
	offsetof(struct cpol_audit_record, env_removed), offsetof(struct cpol_audit_record, agent),
	offsetof(struct cpol_audit_record, tool_use_id), offsetof(struct cpol_audit_record, undone),
	offsetof(struct cpol_audit_record, grants),
};
#define NTEXT ((int)(sizeof text_fields / sizeof text_fields[0]))

static const char **text_field(struct cpol_audit_record *r, int i)
{
	return (const char **)(void *)((char *)r + text_fields[i]);
}

static int severity(const struct cpol_audit_record *r)
{
	if ((r->decision && strcmp(r->decision, "forbid") == 0) ||
	    (r->approval && strncmp(r->approval, "refused", 7) == 0))
		return LOG_NOTICE;
	return LOG_INFO;
}

int cpol_audit_write(struct cpol_audit *a, const struct cpol_audit_record *r, cpol_error *err)
{
	if (!a || !r || !r->op)
		return cpol_fail(err, EINVAL, "audit: a record needs an op");
	pid_t pid = getpid();
	if (pid != a->pid) {
		/* a forked child: a run of its own */
		if (cpol_audit_random_hex(a->run, CPOL_AUDIT_RUN_LEN / 2, err) < 0)
			return -1;
		a->pid = pid;
		a->seq = 0;
	}
	uint64_t seq = ++a->seq; /* used up even if the write fails: a visible gap */
	if (a->kind == CPOL_AUDIT_NONE)
		return 0;

	struct cpol_audit_record s = *r;
	char *text[NTEXT] = { 0 };
	char **argv = NULL, **refused = NULL;
	int rc = -1;
	for (int i = 0; i < NTEXT; i++) {
		const char **f = text_field(&s, i);
		if (!*f)
			continue;
		text[i] = cpol_redact_str(&a->who, *f, NULL);
		if (!text[i])
			goto oom;
		*f = text[i];
	}
	if (r->argv) {
		argv = cpol_redact_argv(&a->who, r->argv, r->argc, NULL);
		if (!argv)
			goto oom;
		s.argv = argv;
	}
	if (r->refused && r->nrefused > 0) { /* paths: the home folder and secrets as in argv */
		refused = cpol_redact_argv(&a->who, (char *const *)r->refused, r->nrefused, NULL);
		if (!refused)
			goto oom;
		s.refused = (const char *const *)refused;
	}

	char ts[32];
	cpol_audit_timestamp(ts);
	struct cpol_audit_meta m = { ts, a->session, a->run, seq, (long)pid };
	size_t n = cpol_audit_format(a->buf, a->cap, &m, &s, NULL);
	if (a->kind == CPOL_AUDIT_FILE)
		rc = cpol_audit_file_write(a->fd, a->path, a->buf, n, err);
	else
		rc = cpol_audit_syslog_send(a, a->buf, n - 1, severity(r), err);
	goto out;
oom:
	cpol_fail(err, ENOMEM, "audit: out of memory while sanitising a record; nothing written");
out:
	for (int i = 0; i < NTEXT; i++)
		free(text[i]);
	cpol_redact_argv_free(argv, r->argc);
	cpol_redact_argv_free(refused, r->nrefused);
	return rc;
}

void cpol_audit_close(struct cpol_audit *a)
{
	if (!a)
		return;
	if (a->fd >= 0)
		close(a->fd);
	free(a->path);
	free(a->user);
	free(a->home);
	free(a->buf);
	free(a);
}
