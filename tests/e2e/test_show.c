/* tests/e2e/test_show.c -- what a person sees of a command: the approval
 * prompt (on a real pseudo-terminal), --explain and --explain --json show
 * an argv holding "\r" and "ESC[2K" escaped, never raw (a terminal would
 * erase the line and show another command), and a long command whole or
 * with a counted mark of what is left out. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/e2e/e2e.h"

static char ws[256], img[512];
static struct e2e_out out;

static void setup(void)
{
	e2e_tmpdir("/var/tmp", ws);
	e2e_compile(ws, "show", "policy \"e2e-show\";\nsandbox { read \"/\"; write \"$WORKSPACE\"; }\n"
	                        "default prompt;\n", img);
}

static void teardown(void)
{
	e2e_rm_rf(ws);
}

TestSuite(show, .init = setup, .fini = teardown);

static int has_raw(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\x1b' || s[i] == '\x7f' || (s[i] == '\r' && !(i + 1 < n && s[i + 1] == '\n')))
			return 1;
	return 0;
}

Test(show, explain_escapes_the_command)
{
	char self[4096];
	cr_assert(realpath(e2e_codexrun(), self));   /* run in the workspace */
	char *argv[] = { self, "--audit=none", "-p", img, "--explain", "--",
	                 "echo", "safe\r\x1b[2Krm -rf ~", NULL };
	e2e_run(ws, argv, &out);
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_expect(!has_raw(out.out, strlen(out.out)), "raw control characters: %s", out.out);
	cr_expect(strstr(out.out, "command:  echo $'safe\\x0d\\x1b[2Krm -rf ~'\n"), "%s", out.out);

	char *json[] = { self, "--audit=none", "-p", img, "--explain", "--json", "--",
	                 "echo", "safe\r\x1b[2Krm -rf ~", NULL };
	e2e_run(ws, json, &out);
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_expect(!has_raw(out.out, strlen(out.out)), "%s", out.out);
	cr_expect(strstr(out.out, "\"safe\\r\\u001b[2Krm -rf ~\""), "%s", out.out);

	/* a script's sub-commands too */
	char *sh[] = { self, "--audit=none", "--explain", "--",
	               "bash", "-c", "cat a\x1b[2K; ls\rb", NULL };
	e2e_run(ws, sh, &out);
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_expect(!has_raw(out.out, strlen(out.out)), "%s", out.out);
	cr_expect(strstr(out.out, "cat a\\x1b[2K\n"), "%s", out.out);
	cr_expect(strstr(out.out, "ls\\rb\n"), "%s", out.out);
}

/* Run codexrun on a new pseudo-terminal as its controlling terminal, answer
 * `answer` to the prompt; returns what the terminal showed. */
static char *on_a_pty(char *const argv[], const char *answer, int *status)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	cr_assert(m >= 0);
	cr_assert_eq(grantpt(m), 0);
	cr_assert_eq(unlockpt(m), 0);
	char name[128];
	cr_assert_eq(ptsname_r(m, name, sizeof name), 0);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		setsid();
		int s = open(name, O_RDWR);     /* the first terminal opened: controlling */
		if (s < 0)
			_exit(99);
		dup2(s, 0);
		dup2(s, 1);
		dup2(s, 2);
		if (chdir(ws) != 0)
			_exit(99);
		execv(argv[0], argv);
		_exit(98);
	}
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap);
	cr_assert_not_null(buf);
	int answered = 0;
	for (;;) {
		struct pollfd p = { m, POLLIN, 0 };
		if (poll(&p, 1, 10000) <= 0)
			break;
		ssize_t r = read(m, buf + len, cap - len - 1);
		if (r <= 0)
			break;
		len += (size_t)r;
		buf[len] = 0;
		/* the question ends "[y/N] " or, with remembered approvals,
		 * "[N] no: " */
		if (!answered && (strstr(buf, "[y/N] ") || strstr(buf, "[N] no: "))) {
			cr_assert_eq(write(m, answer, strlen(answer)), (ssize_t)strlen(answer));
			answered = 1;
		}
	}
	close(m);
	waitpid(pid, status, 0);
	buf[len] = 0;
	return buf;
}

Test(show, the_approval_prompt_escapes_and_counts)
{
	char self[4096];
	cr_assert(realpath(e2e_codexrun(), self));
	char *argv[] = { self, "--audit=none", "-p", img, "--", "echo", "safe\r\x1b[2Krm -rf ~", NULL };
	int st;
	char *shown = on_a_pty(argv, "n\n", &st);
	cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 126, "status %d: %s", st, shown);
	cr_expect(strstr(shown, "approval needed for: echo $'safe\\x0d\\x1b[2Krm -rf ~'"), "%s", shown);
	/* the pty echoes the answer with \r\n; nothing else raw */
	cr_expect(!has_raw(shown, strlen(shown)), "%s", shown);
	free(shown);

	/* a long command: shown up to a limit, then how much is left */
	char *big = malloc(20001);
	cr_assert_not_null(big);
	memset(big, 'a', 20000);
	big[20000] = 0;
	char *argv2[] = { self, "--audit=none", "-p", img, "--", "echo", big, NULL };
	shown = on_a_pty(argv2, "n\n", &st);
	cr_expect(strstr(shown, "approval needed for: echo \xe2\x80\xa6 [20000 more bytes]"), "%.200s", shown);
	free(shown);
	free(big);
}
