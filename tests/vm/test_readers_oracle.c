/* tests/vm/test_readers_oracle.c -- the sed and awk readers behind
 * `sedcmds` and `awkuses` (vm/sedscript.c, vm/awkprog.c) checked against
 * the real tools: for generated scripts (a fixed seed) that a reader calls
 * free of what runs commands or writes files, GNU sed must not refuse the
 * script under --sandbox ("e/r/w commands disabled"), and mawk's compiled
 * program (-W dump) must hold no redirection or pipe (a negative argument
 * count of print or getline), no system and no getline. A tool missing
 * here skips its test. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vm/eval.h"

static uint32_t rnd_state = 20261206u;

static uint32_t rnd(uint32_t n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 8) % n;
}

static void add(char *b, size_t cap, const char *s)
{
	size_t l = strlen(b);
	snprintf(b + l, cap - l, "%s", s);
}

/* Run argv, its output to a buffer; the exit status, or -1. */
static int run(char *const argv[], char *out, size_t cap)
{
	int fd[2];
	if (pipe(fd) < 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fd[1], 1);
		dup2(fd[1], 2);
		close(fd[0]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fd[1]);
	size_t len = 0;
	ssize_t n;
	while ((n = read(fd[0], out + len, cap - 1 - len)) > 0 && len + (size_t)n < cap - 1)
		len += (size_t)n;
	out[len] = 0;
	close(fd[0]);
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int have(const char *tool)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

static void sed_part(char *b, size_t cap)
{
	static const char *const in[] = { "a", "e", "w", "/", "|", ",", "[", "]", "^", "\\", "[:alpha:]", "[.-.]",
	                                  ":", ".", "*", ";", "g", "p", "{", "}", " ", "&" };
	for (uint32_t k = rnd(6); k > 0; k--)
		add(b, cap, in[rnd(sizeof in / sizeof in[0])]);
}

static void sed_cmd(char *b, size_t cap)
{
	static const char delims[] = "//|,%:ex";
	char d[2] = { delims[rnd(sizeof delims - 1)], 0 };
	uint32_t r = rnd(10);
	if (r < 5) {
		static const char *const flags[] = { "", "g", "p", "e", "w f", "gp", "2", "I", "x" };
		add(b, cap, "s"), add(b, cap, d), sed_part(b, cap), add(b, cap, d), sed_part(b, cap), add(b, cap, d);
		add(b, cap, flags[rnd(sizeof flags / sizeof flags[0])]);
	} else if (r < 6) {
		add(b, cap, "y"), add(b, cap, d), sed_part(b, cap), add(b, cap, d), sed_part(b, cap), add(b, cap, d);
	} else if (r < 9) {
		static const char *const cmds[] = { "p", "d", "e", "w f", "{p}", "r f", "s/a/b/" };
		add(b, cap, rnd(2) ? "/" : "\\%");
		sed_part(b, cap);
		add(b, cap, b[strlen(b) - 1] == '%' ? "%" : "/");
		add(b, cap, rnd(2) ? "" : "!");
		add(b, cap, cmds[rnd(sizeof cmds / sizeof cmds[0])]);
	} else {
		static const char *const one[] = { "p", "e x", ":a", "ba", "a text", "q", "=", "}", "{" };
		add(b, cap, one[rnd(sizeof one / sizeof one[0])]);
	}
}

Test(readers, sed_agrees_with_gnu_sed_sandbox)
{
	if (!have("sed"))
		cr_skip_test("no sed here");
	unsigned judged = 0;
	for (int it = 0; it < 600; it++) {
		char s[512] = "";
		for (uint32_t k = 1 + rnd(3); k > 0; k--) {
			sed_cmd(s, sizeof s);
			if (k > 1)
				add(s, sizeof s, rnd(2) ? ";" : "\n");
		}
		uint32_t n = (uint32_t)strlen(s);
		if (cpol_sed_uses(s, n, 'e') || cpol_sed_uses(s, n, 'w') || cpol_sed_uses(s, n, 'W') ||
		    cpol_sed_uses(s, n, 'r') || cpol_sed_uses(s, n, 'R'))
			continue;
		char out[4096];
		char *argv[] = { "sed", "--sandbox", "-n", "--", s, "/dev/null", NULL };
		run(argv, out, sizeof out);
		cr_expect(!strstr(out, "sandbox mode"), "the reader sees no e/r/w in [%s], GNU sed does: %s", s, out);
		judged++;
	}
	cr_expect(judged > 100, "only %u scripts judged", judged);
}

static void awk_expr(char *b, size_t cap, int d)
{
	static const char *const leaf[] = { "$1", "NR", "x", "1", "\"a>b\"", "\"|\"", "\"/\"", "/a\"/", "/>|/", "a[1]" };
	static const char *const ops[] = { ">", ">=", "<", "==", "||", "&&", "/", "~", "+", "" };
	uint32_t r = rnd(10);
	if (d > 2 || r < 3) {
		add(b, cap, leaf[rnd(sizeof leaf / sizeof leaf[0])]);
	} else if (r < 6) {
		awk_expr(b, cap, d + 1), add(b, cap, " "), add(b, cap, ops[rnd(sizeof ops / sizeof ops[0])]);
		add(b, cap, " "), awk_expr(b, cap, d + 1);
	} else if (r < 8) {
		add(b, cap, "("), awk_expr(b, cap, d + 1), add(b, cap, ")");
	} else {
		add(b, cap, rnd(2) ? "length(" : "system("), awk_expr(b, cap, d + 1), add(b, cap, ")");
	}
}

static void awk_stmt(char *b, size_t cap, int d)
{
	uint32_t r = rnd(10);
	if (r < 4) {
		static const char *const red[] = { "", "", " > \"f\"", " >> \"f\"", " | \"cat\"" };
		add(b, cap, rnd(2) ? "print " : "printf ");
		awk_expr(b, cap, 1);
		add(b, cap, red[rnd(sizeof red / sizeof red[0])]);
	} else if (r < 6 && d < 2) {
		add(b, cap, "if ("), awk_expr(b, cap, 1), add(b, cap, ") "), awk_stmt(b, cap, d + 1);
	} else if (r < 7) {
		add(b, cap, rnd(2) ? "\"cmd\" | getline" : "x = 1");
	} else {
		awk_expr(b, cap, 0);
	}
}

Test(readers, awk_agrees_with_mawk)
{
	if (!have("mawk"))
		cr_skip_test("no mawk here");
	static const char *const unsafe[] = { "system", "|", ">", "getline", "@", "/inet" };
	unsigned judged = 0;
	for (int it = 0; it < 600; it++) {
		char s[1024] = "";
		if (rnd(2))
			awk_expr(s, sizeof s, 1), add(s, sizeof s, " ");
		add(s, sizeof s, "{ "), awk_stmt(s, sizeof s, 0), add(s, sizeof s, rnd(2) ? "; " : "\n");
		awk_stmt(s, sizeof s, 0), add(s, sizeof s, " }");
		uint32_t n = (uint32_t)strlen(s), k;
		for (k = 0; k < sizeof unsafe / sizeof unsafe[0]; k++)
			if (cpol_awk_uses(s, n, unsafe[k], (uint32_t)strlen(unsafe[k])))
				break;
		if (k < sizeof unsafe / sizeof unsafe[0])
			continue;
		char out[16384];
		char *argv[] = { "mawk", "-W", "dump", s, NULL };
		if (run(argv, out, sizeof out) != 0)
			continue;       /* mawk refuses it: nothing runs */
		cr_expect(!strstr(out, "pushint\t-") && !strstr(out, "\tsystem") && !strstr(out, "\tgetline"),
		          "the reader sees no pipe, redirection, system or getline in [%s], mawk does:\n%s", s, out);
		judged++;
	}
	cr_expect(judged > 50, "only %u programs judged", judged);
}
