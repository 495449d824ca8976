/* cli/run_denials.c -- codexrun's side of "what the sandbox refused": the
 * backend's collector (cpol_denials_*, sandbox/sandbox.h) opened before the command starts (when
 * the run is sandboxed), told the pid of the run's first process, and read
 * after the command ended into the exit record and, with
 * --explain-denials, onto stderr. One run per process: the state is
 * static, so run_child.c needs no new parameter. */
#include "audit/audit.h"
#include "cli/run.h"

#include <stdio.h>
#include <string.h>

static struct cpol_denials *coll;
static char why[256];
static int active;

void run_denials_open(int sandboxed, int landlock_abi, int explain)
{
	why[0] = 0;
	active = sandboxed;
	if (!sandboxed)
		return;
	coll = cpol_denials_open(landlock_abi, why, sizeof why);
	if (why[0] && explain)
		fprintf(stderr, "codexrun: %s what the sandbox refuses: %s\n", coll ? "not all of" : "cannot know",
		        why);
}

void run_denials_started(pid_t pid)
{
	cpol_denials_watch(coll, pid);
}

void run_denials_finish(int explain, struct cpol_audit_record *rec)
{
	if (!active)
		return;
	if (!coll) {
		rec->refused_unknown = why;
		return;
	}
	char *const *list;
	size_t n;
	size_t total = cpol_denials_finish(coll, &list, &n);
	rec->refused = (const char *const *)list;
	rec->nrefused = (int)n;
	rec->refused_total = (int64_t)total;
	rec->refused_unknown = why[0] ? why : NULL;
	if (!explain || !total)
		return;
	fprintf(stderr, "codexrun: refused: ");
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%s%s", i ? ", " : "", list[i]);
	if (total > n)
		fprintf(stderr, " (%zu refusals in all)", total);
	fputc('\n', stderr);
}

void run_denials_close(void)
{
	cpol_denials_close(coll);
	coll = NULL;
	active = 0;
}
