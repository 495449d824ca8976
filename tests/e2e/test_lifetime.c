/* tests/e2e/test_lifetime.c -- what the command starts ends with it, and
 * the user's terminal stays the user's, on the real codexrun: a setsid'd
 * background process is gone when codexrun returns (and the exit record
 * counts it) and when codexrun is SIGKILLed; through a real pty, an
 * interactive command works (input, window size), a leftover cannot read a
 * line typed after codexrun returned, and the terminal's settings are back;
 * and no signal leaves the sandbox: kill by number, kill -1 and pkill by
 * name, run as root inside it, leave a process outside alive. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "tests/e2e/e2e.h"

static const char open_policy[] =
	"policy \"e2e-lifetime\";\n"
	"sandbox { read \"/\"; write \"$WORKSPACE\", \"/dev/null\"; network none; }\n"
	"default allow;\n";

static char dir[256], audit[256], img[512], auditopt[300];
/* A unique sleep argument ("100.000<pid><n>") finds our sleepers in /proc. */
static char marker[64];

static void setup(void)
{
	e2e_tmpdir("/tmp", dir);
	e2e_tmpdir("/var/tmp", audit);
	e2e_compile(audit, "open", open_policy, img); /* outside the workspace */
	strcat(audit, "/audit.jsonl");
	snprintf(auditopt, sizeof auditopt, "--audit=%s", audit);
	static unsigned n;
	snprintf(marker, sizeof marker, "100.000%d%u%ld", (int)getpid(), ++n, (long)time(NULL) % 1000);
}

static void teardown(void)
{
	e2e_rm_rf(dir);
	char *slash = strrchr(audit, '/');
	*slash = 0;
	e2e_rm_rf(audit);
}

/* How many live processes carry the marker in their argv. */
static int with_marker(void)
{
	DIR *d = opendir("/proc");
	cr_assert(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		char path[300], buf[4096];
		snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		ssize_t len = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (len <= 0)
			continue;
		for (ssize_t i = 0; i < len; i++)
			if (!buf[i])
				buf[i] = ' ';
		buf[len] = 0;
		/* our own codexrun and sh carry it inside their script: only a
		 * sleep counts */
		if (!strncmp(buf, "sleep ", 6) && strstr(buf, marker))
			n++;
	}
	closedir(d);
	return n;
}

static int wait_gone(int ms)
{
	for (int i = 0; i < ms / 20 && with_marker(); i++)
		usleep(20000);
	return with_marker() == 0;
}

Test(lifetime, a_setsid_background_process_ends_with_codexrun, .init = setup, .fini = teardown)
{
	char script[600];
	snprintf(script, sizeof script, "setsid sh -c 'sleep %s & sleep %s &' ; sleep %s & echo started",
	         marker, marker, marker);
	char *argv[] = { (char *)e2e_codexrun(), auditopt, "-p", img, "--", "sh", "-c", script, NULL };
	struct e2e_out out;
	e2e_run(dir, argv, &out);
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_assert_str_eq(out.out, "started\n");
	/* no waiting: gone when codexrun returns */
	cr_assert_eq(with_marker(), 0, "a background process outlived codexrun");
	char last[4096];
	e2e_last_line(audit, last, sizeof last);
	cr_assert(strstr(last, "\"op\":\"exit\""), "%s", last);
	cr_assert(strstr(last, "\"processes_ended\":3"), "the exit record does not count them: %s", last);
}

Test(lifetime, a_killed_codexrun_takes_the_command_with_it, .init = setup, .fini = teardown)
{
	char script[600], ready[400];
	snprintf(ready, sizeof ready, "%s/ready", dir);
	snprintf(script, sizeof script, "setsid sh -c 'sleep %s &'; sleep %s & echo > %s; wait", marker, marker,
	         ready);
	char *argv[] = { (char *)e2e_codexrun(), auditopt, "-p", img, "--", "sh", "-c", script, NULL };
	pid_t pid = e2e_start(dir, argv);
	for (int i = 0; i < 250 && !e2e_exists(ready); i++)
		usleep(20000);
	cr_assert(e2e_exists(ready), "the command did not start");
	for (int i = 0; i < 100 && with_marker() < 2; i++)
		usleep(20000);
	cr_assert_eq(with_marker(), 2, "the sleepers did not start");
	kill(pid, SIGKILL);
	cr_assert_eq(e2e_wait(pid), 128 + SIGKILL);
	cr_assert(wait_gone(2000), "the command outlived a SIGKILLed codexrun");
}

Test(lifetime, the_trusted_profile_runs_the_command_as_it_is, .init = setup, .fini = teardown)
{
	/* trusted grants everything: no PID namespace, the command is
	 * codexrun's child (its parent's pid is codexrun's) */
	char *argv[] = { (char *)e2e_codexrun(), auditopt, "--profile", "trusted", "--trusted", "--",
		         "sh", "-c", "test $PPID -gt 1 && echo child", NULL };
	struct e2e_out out;
	e2e_run(dir, argv, &out);
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_assert_str_eq(out.out, "child\n");
}

/* The sandbox's PID namespace (and Landlock's signal scope) keep every
 * signal inside: a process of ours outside, which the sandboxed command can
 * see in /proc and names by its number and by its command line, outlives
 * the shell's kill, procps' kill and pkill, and kill -1 — sent as root. */
Test(lifetime, no_signal_leaves_the_sandbox, .init = setup, .fini = teardown)
{
	pid_t outside = fork();
	cr_assert(outside >= 0);
	if (outside == 0) {
		execlp("sleep", "sleep", marker, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100 && with_marker() < 1; i++)
		usleep(20000);
	cr_assert_eq(with_marker(), 1, "the outside sleeper did not start");
	char script[600];
	snprintf(script, sizeof script,
	         "kill -9 %d; /bin/kill -9 %d; pkill -9 -f %s; kill -9 -1; "
	         "test -d /proc/%d && echo seen; echo done",
	         (int)outside, (int)outside, marker, (int)outside);
	char *argv[] = { (char *)e2e_codexrun(), auditopt, "-p", img, "--", "sh", "-c", script, NULL };
	struct e2e_out out;
	e2e_run(dir, argv, &out);
	cr_assert(strstr(out.out, "done\n"), "the command did not run to its end: %s / %s", out.out, out.err);
	usleep(100000);
	int st;
	pid_t w = waitpid(outside, &st, WNOHANG);
	cr_expect_eq(w, 0, "a signal from the sandbox ended a process outside it");
	kill(outside, SIGKILL);
	waitpid(outside, &st, 0);
}

/* codexrun on a real pty: the test is the user's terminal. */
struct term {
	int master;
	pid_t pid;
	char buf[65536];
	size_t len;
};

static void term_start(struct term *t, char *const argv[], unsigned short rows, unsigned short cols)
{
	struct winsize ws = { .ws_row = rows, .ws_col = cols };
	memset(t, 0, sizeof *t);
	t->pid = forkpty(&t->master, NULL, NULL, &ws);
	cr_assert(t->pid >= 0, "forkpty: %s", strerror(errno));
	if (t->pid == 0) {
		if (chdir(dir) < 0)
			_exit(121);
		execv(argv[0], argv);
		_exit(122);
	}
}

/* codexrun under the test policy running `sh -c script` on a new pty. */
static void term_sh(struct term *t, const char *script, unsigned short rows, unsigned short cols)
{
	char *argv[] = { (char *)e2e_codexrun(), auditopt, "-p", img, "--", "sh", "-c", (char *)script, NULL };
	term_start(t, argv, rows, cols);
}

/* Read what the terminal shows until want appears (or ms pass). */
static int term_expect(struct term *t, const char *want, int ms)
{
	for (int waited = 0; waited < ms; waited += 20) {
		t->buf[t->len] = 0;
		if (strstr(t->buf, want))
			return 1;
		struct pollfd pf = { t->master, POLLIN, 0 };
		if (poll(&pf, 1, 20) > 0 && (pf.revents & POLLIN)) {
			ssize_t n = read(t->master, t->buf + t->len, sizeof t->buf - 1 - t->len);
			if (n > 0)
				t->len += (size_t)n;
		}
	}
	t->buf[t->len] = 0;
	return strstr(t->buf, want) != NULL;
}

static void term_type(struct term *t, const char *s)
{
	cr_assert_eq(write(t->master, s, strlen(s)), (ssize_t)strlen(s));
}

static int term_wait(struct term *t)
{
	int st;
	for (int i = 0; i < 500; i++) {
		term_expect(t, "\x01never", 10); /* keep the pty drained */
		pid_t w = waitpid(t->pid, &st, WNOHANG);
		if (w == t->pid)
			return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
		usleep(10000); /* a hung-up pty polls at once */
	}
	kill(t->pid, SIGKILL);
	waitpid(t->pid, &st, 0);
	return -1;
}

Test(terminal, an_interactive_command_works_through_the_relay, .init = setup, .fini = teardown)
{
	struct term t;
	term_sh(&t, "stty size; read x; echo got:$x; test -t 0 && echo tty", 33, 101);
	cr_assert(term_expect(&t, "33 101", 5000), "the window size did not reach the command: %s", t.buf);
	term_type(&t, "hello\r");
	cr_assert(term_expect(&t, "got:hello", 5000), "%s", t.buf);
	cr_assert(term_expect(&t, "tty", 5000), "%s", t.buf);
	cr_assert_eq(term_wait(&t), 0, "%s", t.buf);
	/* the user's terminal has its line editing back */
	struct termios tio;
	cr_assert_eq(tcgetattr(t.master, &tio), 0);
	cr_assert(tio.c_lflag & ICANON, "the terminal was left raw");
	cr_assert(tio.c_lflag & ECHO, "the terminal was left without echo");
	close(t.master);
}

Test(terminal, the_window_size_follows_the_users_terminal, .init = setup, .fini = teardown)
{
	struct term t;
	term_sh(&t, "trap 'stty size; exit 0' WINCH; echo ready; while :; do sleep 0.05; done", 24, 80);
	cr_assert(term_expect(&t, "ready", 5000), "%s", t.buf);
	struct winsize ws = { .ws_row = 51, .ws_col = 132 };
	ioctl(t.master, TIOCSWINSZ, &ws); /* the kernel sends codexrun SIGWINCH */
	cr_assert(term_expect(&t, "51 132", 5000), "the new size did not reach the command: %s", t.buf);
	cr_assert_eq(term_wait(&t), 0, "%s", t.buf);
	close(t.master);
}

Test(terminal, a_leftover_cannot_read_what_is_typed_after_codexrun, .init = setup, .fini = teardown)
{
	/* The leftover keeps a copy of the command's stdin and reads it after
	 * a delay: by then codexrun has returned and the user types. */
	char script[2000], leak[400];
	snprintf(leak, sizeof leak, "%s/leak", dir);
	snprintf(script, sizeof script,
	         "setsid sh -c 'sleep %s; read l; echo \"$l\" > %s' <&0 & "
	         "{ sleep %s; read l <&3; echo \"$l\" >> %s; } 3<&0 & echo started",
	         "0.5", leak, "0.5", leak);
	struct term t;
	term_sh(&t, script, 24, 80);
	cr_assert(term_expect(&t, "started", 5000), "%s", t.buf);
	cr_assert_eq(term_wait(&t), 0, "%s", t.buf);
	term_type(&t, "typed-after-codexrun\n");
	usleep(1200000);
	cr_assert_not(e2e_exists(leak), "a leftover read the terminal after codexrun returned");
	cr_assert_eq(with_marker(), 0);
	close(t.master);
}

Test(terminal, without_a_terminal_the_command_has_none, .init = setup, .fini = teardown)
{
	/* stdin is not a terminal: a session of its own, no controlling
	 * terminal to open */
	struct term t;
	/* the pty is stdout only: stdin from /dev/null */
	char *shargv[4];
	char cmdline[2000];
	snprintf(cmdline, sizeof cmdline, "exec '%s' '%s' -p '%s' -- sh -c "
	         "'if (: < /dev/tty) 2>/dev/null; then echo has-tty; else echo no-tty; fi' < /dev/null",
	         e2e_codexrun(), auditopt, img);
	shargv[0] = "/bin/sh";
	shargv[1] = "-c";
	shargv[2] = cmdline;
	shargv[3] = NULL;
	term_start(&t, shargv, 24, 80);
	cr_assert(term_expect(&t, "no-tty", 5000), "the command could open the terminal: %s", t.buf);
	int st = term_wait(&t);
	cr_assert_eq(st, 0, "%d %s", st, t.buf);
	close(t.master);
}
