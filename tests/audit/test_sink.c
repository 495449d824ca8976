/* tests/audit/test_sink.c -- the sinks against the real thing: files and
 * folders created with the right modes, the default location, a full disk
 * (/dev/full), a read-only file system (a tmpfs mounted read-only in a
 * private mount namespace, because root ignores permission bits), 8
 * processes appending at once, a syslog socket bound in a temp folder,
 * sessions, runs and sequence numbers.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audit/audit.h"
#include "audit/internal.h"
#include "audit/jsonread.h"
#include "helpers.h"

static char dir[256];

static void mkdir_tmp(void)
{
	tmpdir_make(dir);
	unsetenv("CODEXPOL_AUDIT");
	unsetenv("CODEXPOL_SESSION");
	unsetenv("XDG_STATE_HOME");
}

static void rm_tmp(void)
{
	rm_rf(dir);
}

TestSuite(sink, .init = mkdir_tmp, .fini = rm_tmp);

static struct cpol_audit *open_spec(const char *spec, const char *session)
{
	struct cpol_audit_opts o = { .spec = spec, .session = session, .user = "alice",
	                             .home = "/home/alice" };
	cpol_error err = { 0 };
	struct cpol_audit *a = cpol_audit_open(&o, &err);
	cr_assert(a, "open %s: %s", spec ? spec : "(default)", err.msg);
	return a;
}

static void write_exec(struct cpol_audit *a, char *const *argv, int argc)
{
	struct cpol_audit_record r = CPOL_AUDIT_RECORD_INIT;
	r.op = "exec";
	r.argv = argv;
	r.argc = argc;
	r.cwd = "/home/alice/src";
	r.decision = "allow";
	r.rule = "test";
	cpol_error err = { 0 };
	cr_assert_eq(cpol_audit_write(a, &r, &err), 0, "write: %s", err.msg);
}

static mode_t mode_of(const char *p)
{
	struct stat st;
	cr_assert_eq(stat(p, &st), 0, "stat %s: %s", p, strerror(errno));
	return st.st_mode & 07777;
}

Test(sink, creates_folders_0700_and_file_0600)
{
	char path[512], d1[300], d2[300];
	snprintf(d1, sizeof d1, "%s/a", dir);
	snprintf(d2, sizeof d2, "%s/a/b", dir);
	snprintf(path, sizeof path, "%s/a/b/audit.jsonl", dir);
	umask(0277); /* a hostile umask: the modes must not depend on it */
	struct cpol_audit *a = open_spec(path, "s1");
	umask(022);
	cr_expect_str_eq(cpol_audit_path(a), path);
	cr_expect_eq(cpol_audit_kind(a), CPOL_AUDIT_FILE);
	cr_expect_eq(mode_of(d1), 0700);
	cr_expect_eq(mode_of(d2), 0700);
	cr_expect_eq(mode_of(path), 0600);
	cr_expect_eq(mode_of(dir), 0700, "mkdtemp's folder untouched");
	char *argv[] = { "ls", NULL };
	write_exec(a, argv, 1);
	/* close-on-exec, append */
	int fl = fcntl(a->fd, F_GETFD);
	cr_expect(fl & FD_CLOEXEC);
	cr_expect(fcntl(a->fd, F_GETFL) & O_APPEND);
	cpol_audit_close(a);
	/* an existing file keeps its mode and its records */
	chmod(path, 0640);
	a = open_spec(path, "s1");
	write_exec(a, argv, 1);
	cpol_audit_close(a);
	cr_expect_eq(mode_of(path), 0640);
	size_t len;
	char *text = slurp(path, &len);
	char *lines[4];
	size_t lens[4];
	cr_expect_eq(split_lines(text, len, lines, lens, 4), 2);
	free(text);
}

Test(sink, default_location_xdg_then_home)
{
	char xdg[300], want[400], home[300];
	snprintf(xdg, sizeof xdg, "%s/state", dir);
	setenv("XDG_STATE_HOME", xdg, 1);
	struct cpol_audit *a = open_spec(NULL, "s");
	snprintf(want, sizeof want, "%s/codexpol/audit.jsonl", xdg);
	cr_expect_str_eq(cpol_audit_path(a), want);
	cr_expect_eq(mode_of(want), 0600);
	snprintf(want, sizeof want, "%s/codexpol", xdg);
	cr_expect_eq(mode_of(want), 0700);
	cpol_audit_close(a);

	/* a relative XDG_STATE_HOME is ignored (XDG base directory spec) */
	setenv("XDG_STATE_HOME", "relative/state", 1);
	snprintf(home, sizeof home, "%s/home", dir);
	struct cpol_audit_opts o = { .session = "s", .home = home };
	cpol_error err = { 0 };
	a = cpol_audit_open(&o, &err);
	cr_assert(a, "%s", err.msg);
	snprintf(want, sizeof want, "%s/.local/state/codexpol/audit.jsonl", home);
	cr_expect_str_eq(cpol_audit_path(a), want);
	cpol_audit_close(a);

	/* $HOME when no home is given */
	unsetenv("XDG_STATE_HOME");
	setenv("HOME", home, 1);
	a = cpol_audit_open(&(struct cpol_audit_opts){ .session = "s" }, &err);
	cr_assert(a, "%s", err.msg);
	cr_expect_str_eq(cpol_audit_path(a), want);
	cpol_audit_close(a);

	/* $CODEXPOL_AUDIT is the default spec */
	snprintf(want, sizeof want, "%s/env.jsonl", dir);
	setenv("CODEXPOL_AUDIT", want, 1);
	a = open_spec(NULL, "s");
	cr_expect_str_eq(cpol_audit_path(a), want);
	cpol_audit_close(a);
	setenv("CODEXPOL_AUDIT", "none", 1);
	a = open_spec(NULL, "s");
	cr_expect_eq(cpol_audit_kind(a), CPOL_AUDIT_NONE);
	cr_expect_null(cpol_audit_path(a));
	cpol_audit_close(a);

	char *path = NULL;
	cr_expect_eq(cpol_audit_resolve("syslog", NULL, &path, &err), CPOL_AUDIT_SYSLOG);
	cr_expect_null(path);
	cr_expect_eq(cpol_audit_resolve("", NULL, &path, &err), -1);
	cr_expect(strstr(err.msg, "empty") != NULL, "%s", err.msg);
}

Test(sink, relative_path_made_absolute)
{
	cr_assert_eq(chdir(dir), 0);
	struct cpol_audit *a = open_spec("rel.jsonl", "s");
	char want[300];
	snprintf(want, sizeof want, "%s/rel.jsonl", dir);
	cr_expect_str_eq(cpol_audit_path(a), want);
	cpol_audit_close(a);
}

Test(sink, none_writes_nothing)
{
	struct cpol_audit *a = open_spec("none", "s");
	char *argv[] = { "ls", NULL };
	write_exec(a, argv, 1);
	cr_expect_null(cpol_audit_path(a));
	cpol_audit_close(a);
}

Test(sink, dev_full_is_enospc)
{
	struct cpol_audit *a = open_spec("/dev/full", "s");
	struct cpol_audit_record r = CPOL_AUDIT_RECORD_INIT;
	r.op = "policy_load";
	cpol_error err = { 0 };
	cr_expect_eq(cpol_audit_write(a, &r, &err), -1);
	cr_expect_eq(err.code, ENOSPC);
	cr_expect_str_eq(err.msg, "audit: cannot write /dev/full: No space left on device");
	cpol_audit_close(a);
}

/* A failed write uses up its number: the reader sees the hole. */
Test(sink, failed_write_leaves_a_gap)
{
	char path[300];
	snprintf(path, sizeof path, "%s/gap.jsonl", dir);
	struct cpol_audit *a = open_spec(path, "s");
	char *argv[] = { "true", NULL };
	write_exec(a, argv, 1);
	int keep = a->fd;
	a->fd = open("/dev/full", O_WRONLY);
	struct cpol_audit_record r = CPOL_AUDIT_RECORD_INIT;
	r.op = "exec";
	cpol_error err;
	cr_expect_eq(cpol_audit_write(a, &r, &err), -1);
	close(a->fd);
	a->fd = keep;
	write_exec(a, argv, 1);
	cpol_audit_close(a);
	size_t len;
	char *text = slurp(path, &len);
	char *lines[4];
	size_t lens[4];
	cr_assert_eq(split_lines(text, len, lines, lens, 4), 2);
	struct cpol_audit_view v;
	cr_assert_eq(cpol_audit_view_parse(&v, lines[0], lens[0]), 0);
	cr_expect_eq(v.seq, 1);
	cpol_audit_view_free(&v);
	cr_assert_eq(cpol_audit_view_parse(&v, lines[1], lens[1]), 0);
	cr_expect_eq(v.seq, 3);
	cpol_audit_view_free(&v);
	free(text);
}

/* Run fn in a child in a private mount namespace; its exit status. */
static int in_mount_ns(void (*fn)(int wfd), char *msg, size_t msgsz)
{
	int p[2];
	cr_assert_eq(pipe(p), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(p[0]);
		if (unshare(CLONE_NEWNS) != 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
			_exit(77);
		if (mount("tmpfs", dir, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=64k") != 0)
			_exit(77);
		fn(p[1]);
		_exit(0);
	}
	close(p[1]);
	ssize_t k = read(p[0], msg, msgsz - 1);
	msg[k > 0 ? k : 0] = '\0';
	close(p[0]);
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void try_open_ro_file(int wfd)
{
	char path[300];
	snprintf(path, sizeof path, "%s/audit.jsonl", dir);
	struct cpol_audit_opts o = { .spec = path, .session = "s" };
	cpol_error err = { 0 };
	struct cpol_audit *a = cpol_audit_open(&o, &err);
	dprintf(wfd, "%d|%d|%s", a != NULL, err.code, err.msg);
}

static void try_open_ro_subdir(int wfd)
{
	char path[300];
	snprintf(path, sizeof path, "%s/sub/audit.jsonl", dir);
	struct cpol_audit_opts o = { .spec = path, .session = "s" };
	cpol_error err = { 0 };
	struct cpol_audit *a = cpol_audit_open(&o, &err);
	dprintf(wfd, "%d|%d|%s", a != NULL, err.code, err.msg);
}

Test(sink, read_only_file_system_fails_to_open)
{
	char msg[600], want[700];
	int st = in_mount_ns(try_open_ro_file, msg, sizeof msg);
	if (st == 77)
		cr_skip_test("no private mount namespace here (needs CAP_SYS_ADMIN)");
	cr_assert_eq(st, 0);
	snprintf(want, sizeof want, "0|%d|audit: cannot open %s/audit.jsonl: Read-only file system",
	         EROFS, dir);
	cr_expect_str_eq(msg, want);

	st = in_mount_ns(try_open_ro_subdir, msg, sizeof msg);
	cr_assert_eq(st, 0);
	snprintf(want, sizeof want,
	         "0|%d|audit: cannot create directory %s/sub: Read-only file system", EROFS, dir);
	cr_expect_str_eq(msg, want);
}

/* The same with an immutable folder (chattr +i), which stops root too. */
Test(sink, immutable_folder_fails_to_open)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	cr_assert_geq(fd, 0);
	int flags = 0;
	if (ioctl(fd, FS_IOC_GETFLAGS, &flags) != 0) {
		close(fd);
		cr_skip_test("no inode flags on this file system");
	}
	int imm = flags | FS_IMMUTABLE_FL;
	if (ioctl(fd, FS_IOC_SETFLAGS, &imm) != 0) {
		close(fd);
		cr_skip_test("cannot set the immutable flag here: %s", strerror(errno));
	}
	char path[300];
	snprintf(path, sizeof path, "%s/audit.jsonl", dir);
	struct cpol_audit_opts o = { .spec = path, .session = "s" };
	cpol_error err = { 0 };
	struct cpol_audit *a = cpol_audit_open(&o, &err);
	ioctl(fd, FS_IOC_SETFLAGS, &flags);
	close(fd);
	cr_expect_null(a);
	cr_expect_eq(err.code, EPERM);
	char want[400];
	snprintf(want, sizeof want, "audit: cannot open %s: Operation not permitted", path);
	cr_expect_str_eq(err.msg, want);
}

Test(sink, sessions_and_runs)
{
	/* fresh: a version-4 UUID */
	struct cpol_audit *a = open_spec("none", NULL);
	const char *s = cpol_audit_session(a);
	cr_assert_eq(strlen(s), 36);
	cr_expect_eq(s[8], '-');
	cr_expect_eq(s[14], '4');
	cr_expect(strchr("89ab", s[19]) != NULL);
	cr_expect_eq(strlen(cpol_audit_run(a)), 16);
	struct cpol_audit *b = open_spec("none", NULL);
	cr_expect_str_neq(cpol_audit_session(b), s);
	cr_expect_str_neq(cpol_audit_run(b), cpol_audit_run(a));
	cpol_audit_close(a);
	cpol_audit_close(b);
	/* from the environment */
	setenv("CODEXPOL_SESSION", "agent-42", 1);
	a = open_spec("none", NULL);
	cr_expect_str_eq(cpol_audit_session(a), "agent-42");
	cpol_audit_close(a);
	/* refused ids */
	char longid[CPOL_AUDIT_SESSION_MAX + 2];
	memset(longid, 'x', sizeof longid - 1);
	longid[sizeof longid - 1] = 0;
	const char *bad[] = { "", "a b", "a\nb", "a\x1b", "caf\xc3\xa9", longid };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct cpol_audit_opts o = { .spec = "none", .session = bad[i] };
		cpol_error err = { 0 };
		cr_expect_null(cpol_audit_open(&o, &err), "bad id %zu", i);
		cr_expect(strncmp(err.msg, "audit: ", 7) == 0 && strstr(err.msg, "session"), "%s", err.msg);
	}
	longid[CPOL_AUDIT_SESSION_MAX] = 0;
	a = open_spec("none", longid);
	cpol_audit_close(a);
}

/* Nothing secret and nothing of the user reaches the file. */
Test(sink, file_holds_no_secret)
{
	char path[300];
	snprintf(path, sizeof path, "%s/s.jsonl", dir);
	struct cpol_audit *a = open_spec(path, "s");
	char *argv[] = { "mysql", "--password", "hunter2", "-pswordfish", "--token=letmein",
	                 "https://bob:opensesame@h/", "/home/alice/x", NULL };
	struct cpol_audit_record r = CPOL_AUDIT_RECORD_INIT;
	r.op = "exec";
	r.argv = argv;
	r.argc = 7;
	r.cwd = "/home/alice/src";
	r.reason = "GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345";
	r.source = "/home/alice/p.cpol:1:1";
	cpol_error err;
	cr_assert_eq(cpol_audit_write(a, &r, &err), 0, "%s", err.msg);
	cpol_audit_close(a);
	char *text = slurp(path, NULL);
	const char *never[] = { "hunter2", "swordfish", "letmein", "opensesame", "alice", "ghp_" };
	for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
		cr_expect_null(strstr(text, never[i]), "%s leaked: %s", never[i], text);
	cr_expect(strstr(text, "\"cwd\":\"~/src\"") != NULL, "%s", text);
	free(text);
}

/* ---- 8 processes x 1000 records ---- */

#define NPROC 8
#define NREC 1000

static unsigned long long rng;

static void writer(const char *path, int k)
{
	char session[16];
	snprintf(session, sizeof session, "sess-%d", k % 2);
	struct cpol_audit_opts o = { .spec = path, .session = session, .user = "u", .home = "/h" };
	cpol_error err;
	struct cpol_audit *a = cpol_audit_open(&o, &err);
	if (!a)
		_exit(2);
	rng = 0x1234567ull * (unsigned long long)(k + 1);
	char *big = malloc(20000);
	for (int i = 0; i < NREC; i++) {
		size_t n = 50 + xorshift_next(&rng) % 12000; /* records up to ~12 KiB: tearing would show */
		for (size_t j = 0; j < n; j++)
			big[j] = (char)('a' + (k + (int)j) % 26);
		big[n] = 0;
		char *argv[] = { "writer", big, NULL };
		struct cpol_audit_record r = CPOL_AUDIT_RECORD_INIT;
		r.op = "exec";
		r.argv = argv;
		r.argc = 2;
		if (cpol_audit_write(a, &r, &err) != 0)
			_exit(3);
	}
	cpol_audit_close(a);
	free(big);
	_exit(0);
}

struct runinfo {
	char session[16], run[17];
	unsigned char seen[NREC + 1];
	int count;
};

static void check_runs(const char *path, size_t want_lines, int want_runs, int per_run)
{
	size_t len;
	char *text = slurp(path, &len);
	cr_assert(text);
	cr_assert(len > 0 && text[len - 1] == '\n', "ends with a newline");
	size_t max = want_lines + 10;
	char **lines = malloc(max * sizeof *lines);
	size_t *lens = malloc(max * sizeof *lens);
	size_t n = split_lines(text, len, lines, lens, max);
	cr_assert_eq(n, want_lines, "records: %zu", n);
	struct runinfo *runs = calloc(64, sizeof *runs);
	int nruns = 0;
	for (size_t i = 0; i < n; i++) {
		cr_assert(json_valid(lines[i], lens[i]), "line %zu is torn or invalid", i);
		struct cpol_audit_view v;
		cr_assert_eq(cpol_audit_view_parse(&v, lines[i], lens[i]), 0);
		cr_assert(v.run.s && v.has_seq && v.run.n == 16);
		int r;
		for (r = 0; r < nruns; r++)
			if (memcmp(runs[r].run, v.run.s, 16) == 0)
				break;
		if (r == nruns) {
			cr_assert_lt(nruns, 64);
			memcpy(runs[r].run, v.run.s, 16);
			snprintf(runs[r].session, sizeof runs[r].session, "%.*s", (int)v.session.n,
			         v.session.s);
			nruns++;
		}
		cr_assert(strlen(runs[r].session) == v.session.n &&
		          memcmp(runs[r].session, v.session.s, v.session.n) == 0,
		          "a run stays in its session");
		cr_assert(v.seq >= 1 && v.seq <= per_run, "seq %lld", (long long)v.seq);
		cr_assert(!runs[r].seen[v.seq], "seq %lld twice", (long long)v.seq);
		runs[r].seen[v.seq] = 1;
		runs[r].count++;
		cpol_audit_view_free(&v);
	}
	cr_expect_eq(nruns, want_runs);
	for (int r = 0; r < nruns; r++)
		cr_expect_eq(runs[r].count, per_run, "run %s has every number 1..%d", runs[r].run,
		             per_run);
	free(runs);
	free(lines);
	free(lens);
	free(text);
}

Test(sink, eight_processes_append_whole_lines)
{
	char path[300];
	snprintf(path, sizeof path, "%s/c.jsonl", dir);
	pid_t pids[NPROC];
	for (int k = 0; k < NPROC; k++) {
		pids[k] = fork();
		cr_assert_geq(pids[k], 0);
		if (pids[k] == 0)
			writer(path, k);
	}
	for (int k = 0; k < NPROC; k++) {
		int st;
		waitpid(pids[k], &st, 0);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer %d: %d", k, st);
	}
	check_runs(path, NPROC * NREC, NPROC, NREC);
}

/* Children of fork() writing through the parent's handle: a run each. */
Test(sink, forked_children_get_runs_of_their_own)
{
	char path[300];
	snprintf(path, sizeof path, "%s/f.jsonl", dir);
	struct cpol_audit *a = open_spec(path, "s");
	char *argv[] = { "x", NULL };
	for (int i = 0; i < 10; i++)
		write_exec(a, argv, 1);
	pid_t pids[4];
	for (int k = 0; k < 4; k++) {
		pids[k] = fork();
		if (pids[k] == 0) {
			struct cpol_audit_record r = CPOL_AUDIT_RECORD_INIT;
			r.op = "exec";
			cpol_error err;
			for (int i = 0; i < 10; i++)
				if (cpol_audit_write(a, &r, &err) != 0)
					_exit(3);
			_exit(0);
		}
	}
	for (int k = 0; k < 4; k++) {
		int st;
		waitpid(pids[k], &st, 0);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	cpol_audit_close(a);
	check_runs(path, 50, 5, 10);
}

/* ---- syslog ---- */

static int bind_dgram(const char *path)
{
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(fd, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0, "bind %s: %s", path,
	             strerror(errno));
	return fd;
}

/* Receive one datagram; check the RFC 3164 frame; return the JSON. */
static char *recv_syslog(int fd, int want_pri, size_t *jlen)
{
	static char buf[CPOL_AUDIT_SYSLOG_MAX + 100];
	ssize_t n = recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
	cr_assert_gt(n, 0, "a datagram arrived: %s", strerror(errno));
	cr_expect_leq((size_t)n, CPOL_AUDIT_SYSLOG_MAX);
	buf[n] = 0;
	char pri[8];
	snprintf(pri, sizeof pri, "<%d>", want_pri);
	cr_assert(strncmp(buf, pri, strlen(pri)) == 0, "priority: %.20s", buf);
	const char *p = buf + strlen(pri);
	/* "Mmm dd hh:mm:ss " */
	cr_expect(strchr("JFMASOND", p[0]) && p[3] == ' ' && p[6] == ' ' && p[9] == ':' &&
	          p[12] == ':' && p[15] == ' ', "timestamp: %.16s", p);
	p += 16;
	char tag[64];
	snprintf(tag, sizeof tag, "codexrun[%ld]: ", (long)getpid());
	cr_assert(strncmp(p, tag, strlen(tag)) == 0, "tag: %.30s", p);
	p += strlen(tag);
	*jlen = (size_t)(buf + n - p);
	cr_expect(json_valid(p, *jlen), "JSON body: %s", p);
	cr_expect_neq(p[*jlen - 1], '\n');
	return (char *)p;
}

Test(sink, syslog_datagrams)
{
	char sock[300];
	snprintf(sock, sizeof sock, "%s/log", dir);
	int fd = bind_dgram(sock);
	struct cpol_audit_opts o = { .spec = "syslog", .session = "s", .syslog_path = sock,
	                             .user = "alice", .home = "/home/alice" };
	cpol_error err = { 0 };
	struct cpol_audit *a = cpol_audit_open(&o, &err);
	cr_assert(a, "%s", err.msg);
	cr_expect_eq(cpol_audit_kind(a), CPOL_AUDIT_SYSLOG);
	cr_expect_null(cpol_audit_path(a));

	char *argv[] = { "ls", "/home/alice", NULL };
	write_exec(a, argv, 2); /* allow: authpriv.info = 10*8+6 */
	size_t jl;
	char *j = recv_syslog(fd, 86, &jl);
	struct cpol_audit_view v;
	cr_assert_eq(cpol_audit_view_parse(&v, j, jl), 0);
	cr_expect(v.nargv == 2 && v.argv[1].n == 1 && v.argv[1].s[0] == '~');
	cr_expect_eq(v.seq, 1);
	cpol_audit_view_free(&v);

	struct cpol_audit_record r = CPOL_AUDIT_RECORD_INIT;
	r.op = "exec";
	r.decision = "forbid"; /* authpriv.notice = 85 */
	cr_assert_eq(cpol_audit_write(a, &r, &err), 0, "%s", err.msg);
	recv_syslog(fd, 85, &jl);

	/* a 1 MiB argument still makes one bounded, valid datagram */
	char *big = malloc((1 << 20) + 1);
	memset(big, 'q', 1 << 20);
	big[1 << 20] = 0;
	char *bargv[] = { "echo", big, NULL };
	write_exec(a, bargv, 2);
	j = recv_syslog(fd, 86, &jl);
	cr_expect(strstr(j, "\"truncated\":true") != NULL);
	free(big);

	/* the daemon restarts: a new socket at the same path */
	close(fd);
	unlink(sock);
	fd = bind_dgram(sock);
	write_exec(a, argv, 2);
	recv_syslog(fd, 86, &jl);

	/* the daemon is gone */
	close(fd);
	unlink(sock);
	cr_expect_eq(cpol_audit_write(a, &r, &err), -1);
	cr_expect(strstr(err.msg, "audit: cannot send to syslog at ") == err.msg, "%s", err.msg);
	cpol_audit_close(a);
}

Test(sink, syslog_missing_socket)
{
	char sock[300], want[500];
	snprintf(sock, sizeof sock, "%s/nolog", dir);
	struct cpol_audit_opts o = { .spec = "syslog", .session = "s", .syslog_path = sock };
	cpol_error err = { 0 };
	cr_expect_null(cpol_audit_open(&o, &err));
	snprintf(want, sizeof want,
	         "audit: cannot connect to the syslog socket %s: No such file or directory", sock);
	cr_expect_str_eq(err.msg, want);
	cr_expect_eq(err.code, ENOENT);
}

/* ---- whole records through the file sink ---- */

/* Bytes 0x01..0xff and 1 MiB arguments, sanitised and written: one line,
 * valid JSON, within the bound, with the truncation marker. */
Test(sink, binary_and_huge_arguments_end_to_end)
{
	char path[300];
	snprintf(path, sizeof path, "%s/b.jsonl", dir);
	struct cpol_audit *a = open_spec(path, "s");
	char bin[256];
	for (int i = 1; i < 256; i++)
		bin[i - 1] = (char)i;
	bin[255] = 0;
	size_t big = 1 << 20;
	char *h1 = malloc(big + 1), *h2 = malloc(big + 1);
	memset(h1, 'h', big);
	for (size_t i = 0; i < big; i++)
		h2[i] = (char)(1 + i % 255); /* binary, every escape form */
	h1[big] = h2[big] = 0;
	char *argv[] = { "cmd", bin, h1, h2, "--password", "hunter2", NULL };
	struct cpol_audit_record r = CPOL_AUDIT_RECORD_INIT;
	r.op = "exec";
	r.argv = argv;
	r.argc = 6;
	r.cwd = h2;
	cpol_error err;
	cr_assert_eq(cpol_audit_write(a, &r, &err), 0, "%s", err.msg);
	cr_assert_eq(cpol_audit_write(a, &r, &err), 0, "%s", err.msg);
	cpol_audit_close(a);
	free(h1);
	free(h2);
	size_t len;
	char *text = slurp(path, &len);
	char *lines[4];
	size_t lens[4];
	cr_assert_eq(split_lines(text, len, lines, lens, 4), 2);
	for (int i = 0; i < 2; i++) {
		cr_expect_leq(lens[i] + 1, CPOL_AUDIT_RECORD_MAX);
		cr_expect(json_valid(lines[i], lens[i]));
		cr_expect(strstr(lines[i], "\xe2\x80\xa6[truncated ") != NULL);
		cr_expect(strstr(lines[i], "\"truncated\":true") != NULL);
		cr_expect_null(strstr(lines[i], "hunter2"));
		struct cpol_audit_view v;
		cr_assert_eq(cpol_audit_view_parse(&v, lines[i], lens[i]), 0);
		cr_expect_eq(v.nargv, 6, "every argument kept, the long ones cut");
		cpol_audit_view_free(&v);
	}
	free(text);
}

static unsigned long long frng = 0xfeedfacecafebeefull;

static char *fuzz_string(size_t maxlen)
{
	static const char *bits[] = { "--password", "=", "ghp_", "AKIA", "://", "u:p@", "\"", "'",
	                              "\\", "\n", "\x1b", "\xc2\x9b", "\xff", "\xe2\x80\xae",
	                              "-----BEGIN PRIVATE KEY-----", "/home/alice", "alice",
	                              "Authorization: Bearer ", "?token=", "eyJ", "." };
	size_t n = xorshift_next(&frng) % (maxlen + 1);
	char *s = malloc(n + 64);
	size_t i = 0;
	while (i < n) {
		if (xorshift_next(&frng) % 3 == 0) {
			const char *b = bits[xorshift_next(&frng) % (sizeof bits / sizeof bits[0])];
			size_t k = strlen(b);
			memcpy(s + i, b, k);
			i += k;
		} else {
			s[i++] = (char)(1 + xorshift_next(&frng) % 255);
		}
	}
	s[i] = 0;
	return s;
}

/* Thousands of random records through sanitising and writing: every line
 * valid for our validator, our reader and, when installed, jq. */
Test(sink, random_records_end_to_end)
{
	char path[300];
	snprintf(path, sizeof path, "%s/r.jsonl", dir);
	struct cpol_audit *a = open_spec(path, "fuzz");
	enum { N = 3000 };
	for (int k = 0; k < N; k++) {
		int argc = (int)(xorshift_next(&frng) % 8);
		char *argv[9];
		for (int i = 0; i < argc; i++)
			argv[i] = fuzz_string(k % 500 == 0 ? 100000 : 120);
		argv[argc] = NULL;
		char *cwd = fuzz_string(60), *reason = fuzz_string(60);
		struct cpol_audit_record r = CPOL_AUDIT_RECORD_INIT;
		r.op = "exec";
		r.argv = argv;
		r.argc = argc;
		r.cwd = cwd;
		r.reason = reason;
		cpol_error err;
		cr_assert_eq(cpol_audit_write(a, &r, &err), 0, "%s", err.msg);
		for (int i = 0; i < argc; i++)
			free(argv[i]);
		free(cwd);
		free(reason);
	}
	cpol_audit_close(a);
	size_t len;
	char *text = slurp(path, &len);
	char **lines = malloc((N + 1) * sizeof *lines);
	size_t *lens = malloc((N + 1) * sizeof *lens);
	cr_assert_eq(split_lines(text, len, lines, lens, N + 1), N);
	for (int i = 0; i < N; i++) {
		cr_assert(json_valid(lines[i], lens[i]), "line %d: %s", i, lines[i]);
		cr_assert_leq(lens[i] + 1, CPOL_AUDIT_RECORD_MAX);
		struct cpol_audit_view v;
		cr_assert_eq(cpol_audit_view_parse(&v, lines[i], lens[i]), 0);
		cr_assert_eq(v.seq, i + 1);
		cpol_audit_view_free(&v);
		/* "alice" next to other word characters is another word; between
		 * slashes it is always the user */
		cr_assert_null(strstr(lines[i], "/alice/"), "line %d: %s", i, lines[i]);
	}
	free(lines);
	free(lens);
	free(text);
	if (system("command -v jq >/dev/null 2>&1") == 0) {
		char cmd[400];
		snprintf(cmd, sizeof cmd, "jq -c . < '%s' > /dev/null", path);
		cr_expect_eq(system(cmd), 0, "jq reads every line");
	}
}
