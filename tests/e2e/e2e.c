/* tests/e2e/e2e.c -- see e2e.h. */
#include "tests/e2e/e2e.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *topdir(const char *var)
{
	const char *d = getenv(var);
	return d && *d ? d : ".";
}

const char *e2e_codexrun(void)
{
	static char p[512];
	snprintf(p, sizeof p, "%s/codexrun", topdir("top_builddir"));
	return p;
}

const char *e2e_codexpolc(void)
{
	static char p[512];
	snprintf(p, sizeof p, "%s/codexpolc", topdir("top_builddir"));
	return p;
}

const char *e2e_srcdir(void)
{
	return topdir("top_srcdir");
}

static void child_setup(const char *cwd, int out, int err)
{
	setsid(); /* no controlling terminal: prompts cannot be answered */
	int in = open("/dev/null", O_RDONLY);
	dup2(in, 0);
	if (out >= 0)
		dup2(out, 1);
	if (err >= 0)
		dup2(err, 2);
	if (cwd && chdir(cwd) < 0)
		_exit(121);
}

static int status_of(int st)
{
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}

static void slurp_fd(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	lseek(fd, 0, SEEK_SET);
	for (ssize_t r; n + 1 < cap && (r = read(fd, buf + n, cap - 1 - n)) > 0;)
		n += (size_t)r;
	buf[n] = 0;
	close(fd);
}

void e2e_run(const char *cwd, char *const argv[], struct e2e_out *o)
{
	FILE *fo = tmpfile(), *fe = tmpfile();
	cr_assert(fo && fe);
	int out = dup(fileno(fo)), err = dup(fileno(fe));
	fclose(fo);
	fclose(fe);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		child_setup(cwd, out, err);
		execv(argv[0], argv);
		_exit(122);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	o->status = status_of(st);
	slurp_fd(out, o->out, sizeof o->out);
	slurp_fd(err, o->err, sizeof o->err);
}

pid_t e2e_start(const char *cwd, char *const argv[])
{
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		child_setup(cwd, -1, -1);
		execv(argv[0], argv);
		_exit(122);
	}
	return pid;
}

int e2e_wait(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status_of(st);
}

void e2e_tmpdir(const char *base, char out[256])
{
	snprintf(out, 256, "%s/cpol-e2e-XXXXXX", base);
	cr_assert(mkdtemp(out), "mkdtemp: %s", strerror(errno));
}

void e2e_audit_log(char path[256])
{
	e2e_tmpdir("/var/tmp", path);
	strcat(path, "/audit.jsonl");
}

void e2e_rm_audit_log(const char *path)
{
	char dir[256];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	cr_assert(slash, "%s", path);
	*slash = 0;
	e2e_rm_rf(dir);
}

void e2e_rm_rf(const char *path)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	(void)!system(cmd);
}

int e2e_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

void e2e_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

void e2e_write_at(const char *dir, const char *rel, const char *text)
{
	char p[600];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	e2e_write_file(p, text);
}

void e2e_mkdir_at(const char *dir, const char *rel, mode_t mode)
{
	char p[600];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	cr_assert(mkdir(p, mode) == 0 || errno == EEXIST, "mkdir %s: %s", p, strerror(errno));
}

void e2e_read_at(const char *dir, const char *rel, char *buf, size_t cap)
{
	char p[600];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	FILE *f = fopen(p, "r");
	cr_assert(f, "cannot read %s: %s", p, strerror(errno));
	size_t n = fread(buf, 1, cap - 1, f);
	fclose(f);
	buf[n] = 0;
}

void e2e_home_with_key(const char *top, char home[300], char ws[300], mode_t ws_mode)
{
	snprintf(home, 300, "%s/home", top);
	snprintf(ws, 300, "%s/ws", top);
	e2e_mkdir_at(top, "home", 0700);
	e2e_mkdir_at(top, "ws", ws_mode);
	e2e_mkdir_at(home, ".ssh", 0700);
	e2e_write_at(home, ".ssh/id_rsa", "SECRET-KEY\n");
	setenv("HOME", home, 1);
}

void e2e_compile(const char *dir, const char *name, const char *text, char out[512])
{
	char src[512];
	snprintf(src, sizeof src, "%s/%s.cpol", dir, name);
	snprintf(out, 512, "%s/%s.bin", dir, name);
	e2e_write_file(src, text);
	struct e2e_out *o = malloc(sizeof *o);
	cr_assert(o);
	char *argv[] = { (char *)e2e_codexpolc(), "-o", out, src, NULL };
	e2e_run(NULL, argv, o);
	cr_assert_eq(o->status, 0, "policy does not compile:\n%s", o->err);
	free(o);
}

void e2e_compile_allowing(const char *dir, const char *name, const char *sandbox, const char *more,
                          char out[512])
{
	char text[4096];
	int n = snprintf(text, sizeof text,
	                 "policy \"e2e-%s\";\n"
	                 "sandbox { read \"/\"; write \"$WORKSPACE\", \"/dev/null\"; %s }\n"
	                 "default allow;\n%s",
	                 name, sandbox, more);
	cr_assert(n > 0 && (size_t)n < sizeof text, "policy text too long");
	e2e_compile(dir, name, text, out);
}

static int listen_fd = -1, accepted;

static void *serve(void *arg)
{
	(void)arg;
	for (;;) {
		int c = accept(listen_fd, NULL, NULL);
		if (c < 0) {
			usleep(10000); /* EMFILE and the like: do not spin */
			continue;
		}
		__atomic_add_fetch(&accepted, 1, __ATOMIC_SEQ_CST);
		char buf[1024];
		(void)!read(c, buf, sizeof buf);
		static const char reply[] = "HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n";
		/* a peer that is gone must not end the test's process by SIGPIPE
		 * (this thread outlives the test, into its teardown) */
		(void)!send(c, reply, sizeof reply - 1, MSG_NOSIGNAL);
		close(c);
	}
	return NULL;
}

int e2e_listen(void)
{
	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(listen_fd >= 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	cr_assert(bind(listen_fd, (struct sockaddr *)&a, sizeof a) == 0);
	cr_assert(listen(listen_fd, 16) == 0);
	socklen_t len = sizeof a;
	getsockname(listen_fd, (struct sockaddr *)&a, &len);
	pthread_t t;
	pthread_create(&t, NULL, serve, NULL);
	pthread_detach(t);
	return ntohs(a.sin_port);
}

int e2e_accepted(void)
{
	return __atomic_load_n(&accepted, __ATOMIC_SEQ_CST);
}

void e2e_last_line(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	cr_assert(f, "cannot read %s", path);
	char line[16384];
	buf[0] = 0;
	while (fgets(line, sizeof line, f))
		snprintf(buf, cap, "%s", line);
	fclose(f);
}
