/* audit/internal.h -- what the files of audit/ share: the handle and the
 * functions of session.c, sink_file.c and sink_syslog.c. Not for other
 * folders (they use audit.h).
 */
#ifndef CPOL_AUDIT_INTERNAL_H
#define CPOL_AUDIT_INTERNAL_H

#include <stdint.h>
#include <sys/types.h>

#include "audit/audit.h"
#include "audit/redact.h"

#define CPOL_AUDIT_RUN_LEN 16   /* hex digits */
#define CPOL_AUDIT_UUID_LEN 36
/* Room for "<PRI>Mmm dd hh:mm:ss codexrun[PID]: " in a syslog datagram. */
#define CPOL_AUDIT_SYSLOG_HEADER 64

struct cpol_audit {
	enum cpol_audit_kind kind;
	int fd;                 /* file or socket; -1 for none */
	char *path;             /* the file, or the syslog socket */
	char session[CPOL_AUDIT_SESSION_MAX + 1];
	char run[CPOL_AUDIT_RUN_LEN + 1];
	uint64_t seq;           /* last number used in this run */
	pid_t pid;              /* the process the run belongs to */
	char *user, *home;      /* owned copies that `who` points into */
	struct cpol_redact_who who;
	char *buf;              /* one record */
	size_t cap;
};

/* session.c */
int cpol_audit_random_hex(char *out, size_t nbytes, cpol_error *err);
int cpol_audit_new_session(char out[CPOL_AUDIT_UUID_LEN + 1], cpol_error *err);
int cpol_audit_check_session(const char *s, cpol_error *err);
/* Now as RFC 3339 UTC with milliseconds: 2025-01-02T03:04:05.678Z */
void cpol_audit_timestamp(char out[32]);

/* sink_file.c */
int cpol_audit_default_file(const char *home, char **path, cpol_error *err);
char *cpol_audit_abspath(const char *p, cpol_error *err);
/* Create missing directories (0700) and the file (0600); open it for
 * appending, close-on-exec. Returns the descriptor or -1. */
int cpol_audit_file_open(const char *path, cpol_error *err);
/* One write(2) of buf[0..n): 0, or -1 for an error or a short write. */
int cpol_audit_file_write(int fd, const char *path, const char *buf, size_t n, cpol_error *err);

/* sink_syslog.c */
int cpol_audit_syslog_open(const char *sockpath, cpol_error *err);
/* One datagram "<PRI>TIMESTAMP codexrun[PID]: json". */
int cpol_audit_syslog_send(struct cpol_audit *a, const char *json, size_t n, int severity,
                           cpol_error *err);

#endif
