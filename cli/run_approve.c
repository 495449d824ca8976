/* cli/run_approve.c -- asking a person to approve a `prompt` decision, on
 * the controlling terminal only (never on stdin, which may be the agent):
 * the command, the rule and its reason, then y/N with no as the default.
 * No terminal means no approval. */
#include "cli/run.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int run_tty_ask(const char *msg, char *answer, size_t cap)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -1;
	answer[0] = 0;
	size_t n = strlen(msg);
	if (write(fd, msg, n) != (ssize_t)n) {
		close(fd);
		return 0;
	}
	ssize_t r = read(fd, answer, cap - 1);
	close(fd);
	if (r <= 0)
		return 0;
	answer[r] = 0;
	answer[strcspn(answer, "\r\n")] = 0;
	return 1;
}

int run_yes(const char *answer)
{
	return !strcmp(answer, "y") || !strcmp(answer, "Y") || !strcmp(answer, "yes") || !strcmp(answer, "YES");
}

int run_ask(const char *what, const cpol_verdict *v)
{
	char src[4200], msg[8192], answer[64];
	snprintf(msg, sizeof msg, "codexrun: approval needed for: %s\n  rule %s%s%s%s%s%s\nRun it? [y/N] ", what, v->rule,
	         v->line ? " (" : "", run_source(v, src, sizeof src), v->line ? ")" : "", v->reason[0] ? ": " : "",
	         v->reason);
	return run_tty_ask(msg, answer, sizeof answer) > 0 && run_yes(answer);
}
