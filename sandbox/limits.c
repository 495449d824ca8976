/* sandbox/limits.c -- resource limits of a sandboxed command: control
 * groups (v2 where the kernel offers the controller in our group's
 * cgroup.controllers, else the v1 hierarchy of that controller, else
 * nothing), rlimits in the child, the wall-time timer, and the clean-up
 * that kills what is left of the tree and says which limit was reached.
 *
 * Which mechanism holds what (the fallbacks, in order):
 *   memory     v2 memory.max | v1 memory.limit_in_bytes | RLIMIT_DATA per process
 *   processes  v2 pids.max   | v1 pids.max | RLIMIT_NPROC (not for uid 0,
 *              whom the kernel exempts: then the limit is not enforced)
 *   cpu        RLIMIT_CPU per process (SIGXCPU, SIGKILL a second later)
 *   file-size  RLIMIT_FSIZE;  open-files  RLIMIT_NOFILE
 *   time       a timer in codexrun; the tree is killed through cgroup.kill
 *              (v2), the v1 groups' member lists, or as codexrun's orphans
 *              (it is a child subreaper while limits apply).
 * RLIMIT_DATA is left alone when a memory group holds the tree: the group
 * counts every process together and its OOM kill can be reported, where an
 * rlimit only makes one allocation fail.
 *
 * The child part (cpol_limits_enter) only makes system calls on prepared
 * data. Nothing here ever writes outside the groups it made.
 */
#include "sandbox/limits.h"
#include "sandbox/internal.h"
#include "common/readfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int write_str(const char *dir, const char *file, const char *val)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, val, strlen(val));
	int e = errno;
	close(fd);
	errno = e;
	return n < 0 ? -1 : 0;
}

/* "key N" in a flat-keyed file (memory.events, pids.events, oom_control). */
static uint64_t keyed(const char *dir, const char *file, const char *key)
{
	char path[4200], buf[4096];
	snprintf(path, sizeof path, "%s/%s", dir, file);
	if (cpol_read_small(path, buf, sizeof buf) < 0)
		return 0;
	size_t kl = strlen(key);
	for (char *p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, kl) && p[kl] == ' ')
			return strtoull(p + kl + 1, NULL, 10);
	return 0;
}

/* Is item one of the comma-separated names of list? */
static int listed(const char *list, const char *item)
{
	size_t n = strlen(item);
	for (const char *p = list; *p; p += *p == ',') {
		size_t l = strcspn(p, ",");
		if (l == n && !strncmp(p, item, n))
			return 1;
		p += l;
	}
	return 0;
}

/* Read the /proc file path line by line until match takes one (returns 0
 * having written out): 0, or -1 when no line matched or it cannot be read. */
typedef int line_match(char *line, const char *ctrl, char *out, size_t len);
static int find_line(const char *path, line_match *match, const char *ctrl, char *out, size_t len)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return -1;
	char line[4096];
	int found = -1;
	while (found < 0 && fgets(line, sizeof line, f))
		found = match(line, ctrl, out, len);
	fclose(f);
	return found;
}

/* A line of /proc/self/mounts: the cgroup2 hierarchy, or the v1 hierarchy
 * holding controller ctrl (ctrl NULL: v2). */
static int mount_line(char *line, const char *ctrl, char *out, size_t len)
{
	char dev[256], mnt[1024], type[64], opts[1024];
	if (sscanf(line, "%255s %1023s %63s %1023s", dev, mnt, type, opts) != 4)
		return -1;
	if (ctrl ? !strcmp(type, "cgroup") && listed(opts, ctrl) : !strcmp(type, "cgroup2")) {
		snprintf(out, len, "%s", mnt);
		return 0;
	}
	return -1;
}

/* A line of /proc/self/cgroup: our own group in the hierarchy of ctrl
 * (NULL: v2). */
static int group_line(char *line, const char *ctrl, char *out, size_t len)
{
	line[strcspn(line, "\n")] = 0;
	char *c1 = strchr(line, ':');
	char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c2)
		return -1;
	*c2 = 0;
	const char *ctrls = c1 + 1, *path = c2 + 1;
	/* v2: "0::/path"; v1: "N:ctrl,ctrl:/path" */
	if (ctrl ? listed(ctrls, ctrl) : !strcmp(line, "0") && !*ctrls) {
		snprintf(out, len, "%s", path);
		return 0;
	}
	return -1;
}

/* Where the cgroup2 hierarchy is mounted, or where the v1 hierarchy holding
 * controller `ctrl` is (ctrl NULL: v2). */
static int find_mount(const char *ctrl, char *out, size_t len)
{
	return find_line("/proc/self/mounts", mount_line, ctrl, out, len);
}

/* Our own group in the hierarchy of ctrl (NULL: v2), from /proc/self/cgroup. */
static int self_group(const char *ctrl, char *out, size_t len)
{
	return find_line("/proc/self/cgroup", group_line, ctrl, out, len);
}

/* The folder of a new group under ours in the hierarchy of ctrl; NULL when
 * that hierarchy is not there. The parent's path goes to parent. */
static char *group_path(const char *ctrl, char *parent, size_t plen)
{
	char mnt[1024], self[2048];
	if (find_mount(ctrl, mnt, sizeof mnt) < 0 || self_group(ctrl, self, sizeof self) < 0)
		return NULL;
	snprintf(parent, plen, "%s%s", mnt, strcmp(self, "/") ? self : "");
	static unsigned seq;
	char *p = malloc(plen + 64);
	if (p)
		snprintf(p, plen + 64, "%s/codexrun-%ld-%u", parent, (long)getpid(), seq++);
	return p;
}

static int add_group(struct cpol_limits_run *run, char *dir)
{
	if (mkdir(dir, 0700) < 0) {
		free(dir);
		return -1;
	}
	char path[4200];
	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		rmdir(dir);
		free(dir);
		return -1;
	}
	run->dir[run->ncg] = dir;
	run->procs_fd[run->ncg] = fd;
	return run->ncg++;
}

static void drop_group(struct cpol_limits_run *run, int i)
{
	close(run->procs_fd[i]);
	rmdir(run->dir[i]);
	free(run->dir[i]);
	run->ncg--;
	run->dir[i] = NULL;
	run->procs_fd[i] = -1;
}

static int has_word(const char *list, const char *w)
{
	size_t l = strlen(w);
	for (const char *p = list; (p = strstr(p, w)); p += l)
		if ((p == list || p[-1] == ' ') && (p[l] == 0 || p[l] == ' ' || p[l] == '\n'))
			return 1;
	return 0;
}

/* The v2 group: always made when the hierarchy is writable (it holds the
 * tree for cgroup.kill), with memory and pids when they are offered. */
static void prepare_v2(struct cpol_limits_run *run)
{
	char parent[3100], buf[512];
	char *dir = group_path(NULL, parent, sizeof parent);
	if (!dir)
		return;
	char path[3200];
	snprintf(path, sizeof path, "%s/cgroup.controllers", parent);
	if (cpol_read_small(path, buf, sizeof buf) < 0)
		buf[0] = 0;
	int want_mem = run->lim.memory && has_word(buf, "memory");
	int want_pids = run->lim.processes && has_word(buf, "pids");
	/* offer them to our new child group (fails when our own group holds
	 * processes and is not the root: then the v1 fallback applies) */
	if (want_mem && write_str(parent, "cgroup.subtree_control", "+memory") < 0)
		want_mem = 0;
	if (want_pids && write_str(parent, "cgroup.subtree_control", "+pids") < 0)
		want_pids = 0;
	int i = add_group(run, dir);
	if (i < 0)
		return;
	char num[32];
	if (want_mem) {
		snprintf(num, sizeof num, "%llu", (unsigned long long)run->lim.memory);
		if (write_str(run->dir[i], "memory.max", num) == 0) {
			(void)write_str(run->dir[i], "memory.swap.max", "0");
			run->mem_cg = i;
			run->mem_v2 = 1;
		}
	}
	if (want_pids) {
		snprintf(num, sizeof num, "%llu", (unsigned long long)run->lim.processes);
		if (write_str(run->dir[i], "pids.max", num) == 0) {
			run->pids_cg = i;
			run->pids_v2 = 1;
		}
	}
	snprintf(path, sizeof path, "%s/cgroup.kill", run->dir[i]);
	run->kill_fd = open(path, O_WRONLY | O_CLOEXEC);
}

/* A v1 group of one controller with one limit file. */
static int prepare_v1(struct cpol_limits_run *run, const char *ctrl, const char *file, uint64_t v)
{
	char parent[3100];
	char *dir = group_path(ctrl, parent, sizeof parent);
	if (!dir)
		return -1;
	int i = add_group(run, dir);
	if (i < 0)
		return -1;
	char num[32];
	snprintf(num, sizeof num, "%llu", (unsigned long long)v);
	if (write_str(run->dir[i], file, num) < 0) {
		drop_group(run, i);
		return -1;
	}
	if (!strcmp(ctrl, "memory")) /* no swap beyond the limit, where swap is accounted */
		(void)write_str(run->dir[i], "memory.memsw.limit_in_bytes", num);
	return i;
}

/* Call each with every process's /proc/PID/FILE read into a buffer (at most
 * 4 KiB: the heads of status and stat); the sum of what it returns. */
typedef uint64_t proc_visit(const char *pid, const char *text, void *arg);
static uint64_t each_process(const char *file, proc_visit *each, void *arg)
{
	DIR *d = opendir("/proc");
	if (!d)
		return 0;
	uint64_t n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		char path[300], buf[4096];
		snprintf(path, sizeof path, "/proc/%s/%s", e->d_name, file);
		if (cpol_read_small(path, buf, sizeof buf) >= 0)
			n += each(e->d_name, buf, arg);
	}
	closedir(d);
	return n;
}

/* /proc/PID/status: its threads when it belongs to *(uid_t *)uid. */
static uint64_t threads_if_uid(const char *pid, const char *buf, void *uid)
{
	(void)pid;
	const char *u = strstr(buf, "\nUid:"), *t = strstr(buf, "\nThreads:");
	if (u && t && (uid_t)strtoul(u + 5, NULL, 10) == *(uid_t *)uid)
		return strtoull(t + 9, NULL, 10);
	return 0;
}

/* Threads of uid (RLIMIT_NPROC counts them all, system-wide). */
static uint64_t threads_of(uid_t uid)
{
	return each_process("status", threads_if_uid, &uid);
}

struct cpol_limits_run *cpol_limits_new(const struct cpol_limits *lim, char *notes, size_t len,
                                        cpol_error *err)
{
	struct cpol_limits_run *run = cpol_sb_calloc(1, sizeof *run, err);
	if (!run)
		return NULL;
	if (cpol_limits_prepare(lim, run, err) < 0) {
		free(run);
		return NULL;
	}
	snprintf(notes, len, "%s", run->notes);
	return run;
}

void cpol_limits_free(struct cpol_limits_run *run)
{
	free(run);
}

int cpol_limits_prepare(const struct cpol_limits *lim, struct cpol_limits_run *run, cpol_error *err)
{
	(void)err;
	memset(run, 0, sizeof *run);
	for (int i = 0; i < CPOL_LIMITS_MAXCG; i++)
		run->procs_fd[i] = -1;
	run->kill_fd = -1;
	run->mem_cg = run->pids_cg = -1;
	run->lim = *lim;
	run->active = lim->time_s || lim->cpu_s || lim->memory || lim->processes || lim->file_size ||
	              lim->open_files;
	if (!run->active)
		return 0;
	prepare_v2(run);
	if (lim->memory && run->mem_cg < 0)
		run->mem_cg = prepare_v1(run, "memory", "memory.limit_in_bytes", lim->memory);
	if (lim->processes && run->pids_cg < 0)
		run->pids_cg = prepare_v1(run, "pids", "pids.max", lim->processes);
	if (lim->memory)
		cpol_report_add(run->notes, sizeof run->notes, "memory: %s",
		                run->mem_cg < 0 ? "RLIMIT_DATA per process (no memory cgroup)"
		                : run->mem_v2 ? "cgroup v2 memory.max" : "cgroup v1 memory.limit_in_bytes");
	if (lim->processes) {
		if (getuid() != 0) {
			run->nproc_set = 1;
			run->nproc = threads_of(getuid()) + lim->processes;
		}
		cpol_report_add(run->notes, sizeof run->notes, "processes: %s%s",
		                run->pids_cg < 0 ? "" : run->pids_v2 ? "cgroup v2 pids.max" : "cgroup v1 pids.max",
		                run->pids_cg >= 0 ? (run->nproc_set ? " and RLIMIT_NPROC" : "")
		                : run->nproc_set ? "RLIMIT_NPROC over the user's processes (no pids cgroup)"
		                : "not enforced (no pids cgroup; RLIMIT_NPROC does not hold uid 0)");
	}
	if (run->kill_fd < 0 && run->ncg == 0) {
		run->subreaper = prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
		cpol_report_add(run->notes, sizeof run->notes, "tree: %s",
		                run->subreaper ? "no cgroup: codexrun reaps and kills the orphans"
		                : "no cgroup and no subreaper: only the command itself is killed");
	} else {
		/* orphans of the command stay codexrun's, to be killed with the rest */
		run->subreaper = prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;
	}
	return 0;
}

static void lower(int res, uint64_t soft, uint64_t hard)
{
	struct rlimit r;
	if (getrlimit(res, &r) < 0)
		return;
	if (r.rlim_max != RLIM_INFINITY && hard > r.rlim_max)
		hard = r.rlim_max;
	if (soft > hard)
		soft = hard;
	r.rlim_cur = soft;
	r.rlim_max = hard;
	(void)setrlimit(res, &r);
}

int cpol_limits_enter(const struct cpol_limits_run *run, cpol_error *err)
{
	if (!run || !run->active)
		return 0;
	for (int i = 0; i < CPOL_LIMITS_MAXCG; i++)
		if (run->procs_fd[i] >= 0 && write(run->procs_fd[i], "0", 1) < 0)
			return cpol_fail_errno(err, "limits: cannot join the control group");
	const struct cpol_limits *l = &run->lim;
	if (l->cpu_s)
		lower(RLIMIT_CPU, l->cpu_s, l->cpu_s + 1);
	if (l->file_size)
		lower(RLIMIT_FSIZE, l->file_size, l->file_size);
	if (l->open_files)
		lower(RLIMIT_NOFILE, l->open_files, l->open_files);
	if (l->memory && run->mem_cg < 0)
		lower(RLIMIT_DATA, l->memory, l->memory);
	if (run->nproc_set)
		lower(RLIMIT_NPROC, run->nproc, run->nproc);
	return 0;
}

static struct cpol_limits_run *volatile timed_run;
static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
	(void)sig;
	struct cpol_limits_run *run = timed_run;
	if (!run)
		return;
	timed_out = 1;
	if (run->kill_fd >= 0)
		(void)!write(run->kill_fd, "1", 1);
	if (run->child > 0)
		kill(run->child, SIGKILL);
}

void cpol_limits_started(struct cpol_limits_run *run, pid_t child)
{
	if (!run || !run->active)
		return;
	run->child = child;
	if (!run->lim.time_s)
		return;
	timed_out = 0;
	timed_run = run;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigfillset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { { 0, 0 }, { (time_t)run->lim.time_s, 0 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

static void nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Kill every member of a group until it is empty (a forking process may
 * add one between the read and the kill: loop, bounded). */
static void empty_group(const char *dir)
{
	char path[4200], buf[8192];
	snprintf(path, sizeof path, "%s/cgroup.procs", dir);
	for (int round = 0; round < 500; round++) {
		if (cpol_read_small(path, buf, sizeof buf) < 0 || !buf[0])
			return;
		for (char *p = buf; *p;) {
			long pid = strtol(p, &p, 10);
			if (pid > 0)
				kill((pid_t)pid, SIGKILL);
			while (*p == '\n')
				p++;
		}
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		nap_ms(2);
	}
}

/* /proc/PID/stat: killed (1) when its parent is *(pid_t *)me. */
static uint64_t kill_if_child(const char *pid, const char *buf, void *me)
{
	const char *rp = strrchr(buf, ')');
	int ppid = 0;
	char st;
	/* "pid (comm) state ppid ...": comm may hold anything, so from
	 * the last ')' */
	if (rp && sscanf(rp + 1, " %c %d", &st, &ppid) == 2 && ppid == *(pid_t *)me) {
		kill((pid_t)atol(pid), SIGKILL);
		return 1;
	}
	return 0;
}

int cpol_kill_children(void)
{
	pid_t me = getpid();
	return (int)each_process("stat", kill_if_child, &me);
}

void cpol_limits_finish(struct cpol_limits_run *run, int status, int sig, char *hit, size_t hitlen)
{
	if (hitlen)
		hit[0] = 0;
	if (!run || !run->active)
		return;
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	setitimer(ITIMER_REAL, &off, NULL);
	signal(SIGALRM, SIG_DFL);
	timed_run = NULL;

	/* what held or ended the command, read before the groups go */
	if (run->mem_cg >= 0 &&
	    (run->mem_v2 ? keyed(run->dir[run->mem_cg], "memory.events", "oom_kill")
	                 : keyed(run->dir[run->mem_cg], "memory.oom_control", "oom_kill")))
		cpol_report_add(hit, hitlen, "memory");
	if (run->pids_cg >= 0 && keyed(run->dir[run->pids_cg], "pids.events", "max"))
		cpol_report_add(hit, hitlen, "processes");
	if (!sig && status > 128 && status < 128 + 65)
		sig = status - 128;
	if (sig == SIGXCPU && run->lim.cpu_s)
		cpol_report_add(hit, hitlen, "cpu");
	if (sig == SIGXFSZ && run->lim.file_size)
		cpol_report_add(hit, hitlen, "file-size");
	if (timed_out)
		cpol_report_add(hit, hitlen, "time");
	/* "a; b" from cpol_report_add: the record wants "a,b" */
	for (char *p = hit; (p = strstr(p, "; "));) {
		*p = ',';
		memmove(p + 1, p + 2, strlen(p + 2) + 1);
	}

	/* what is left of the tree */
	if (run->kill_fd >= 0)
		(void)!write(run->kill_fd, "1", 1);
	for (int i = 0; i < CPOL_LIMITS_MAXCG; i++)
		if (run->dir[i])
			empty_group(run->dir[i]);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		; /* orphans of the groups' members */
	if (run->subreaper && run->kill_fd < 0 && run->ncg == 0) {
		for (int round = 0; round < 1000; round++) {
			int n = cpol_kill_children();
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
			if (!n)
				break;
			nap_ms(1);
		}
	}
	if (run->subreaper)
		prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
	if (run->kill_fd >= 0)
		close(run->kill_fd);
	run->kill_fd = -1;
	for (int i = 0; i < CPOL_LIMITS_MAXCG; i++) {
		if (!run->dir[i])
			continue;
		close(run->procs_fd[i]);
		/* a killed task leaves its group a moment after it is reaped */
		for (int t = 0; t < 200 && rmdir(run->dir[i]) < 0 && errno == EBUSY; t++)
			nap_ms(5);
		free(run->dir[i]);
		run->dir[i] = NULL;
		run->procs_fd[i] = -1;
	}
	run->ncg = 0;
	run->active = 0;
}
