/* cli/run_limits.c -- codexrun's side of the resource limits: the image's
 * `limits` block to a prepared sandbox/limits.c run, the calls the child
 * and the waiting parent make (through run_child.c), and the line on
 * stderr that says which limit ended the command. One run per process: the
 * state is static, so run_child.c needs no new parameter. */
#include "cli/run.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static struct cpol_limits lim;
static struct cpol_limits_run *lrun; /* NULL: no limits prepared */

int run_limits_prepare(const cpol_image *im, char *notes, size_t len, cpol_error *err)
{
	cpol_spec_limits(im, &lim);
	lrun = cpol_limits_new(&lim, notes, len, err);
	return lrun ? 0 : -1;
}

int run_limits_child(void)
{
	cpol_error err;
	if (!lrun || cpol_limits_enter(lrun, &err) == 0)
		return 0;
	char msg[600];
	int n = snprintf(msg, sizeof msg, "codexrun: %s\n", err.msg);
	if (n > 0)
		(void)!write(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
	return -1;
}

void run_limits_started(pid_t pid)
{
	if (lrun)
		cpol_limits_started(lrun, pid);
}

void run_limits_finish(int status, int sig, char *hit, size_t len)
{
	if (len)
		hit[0] = 0;
	if (!lrun)
		return;
	cpol_limits_finish(lrun, status, sig, hit, len);
	cpol_limits_free(lrun);
	lrun = NULL;
	if (!hit[0])
		return;
	/* "stopped by its time limit (10m)" for the first; the rest as a list */
	char first[32], val[32] = "";
	snprintf(first, sizeof first, "%.*s", (int)strcspn(hit, ","), hit);
	const struct { const char *n; uint64_t v; } vals[] = {
		{ "time", lim.time_s }, { "cpu", lim.cpu_s }, { "memory", lim.memory },
		{ "processes", lim.processes }, { "file-size", lim.file_size },
	};
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
		if (!strcmp(vals[i].n, first))
			cpol_limits_format(vals[i].n, vals[i].v, val, sizeof val);
	fprintf(stderr, "codexrun: the command reached its %s limit (%s)%s%s\n", first, val,
	        strchr(hit, ',') ? "; limits reached: " : "", strchr(hit, ',') ? hit : "");
}
