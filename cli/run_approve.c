/* cli/run_approve.c -- asking a person to approve a `prompt` decision, on
 * the controlling terminal only (never on stdin, which may be the agent):
 * the command, the rule and its reason, then y/N with no as the default.
 * No terminal means no approval. The command is shown whole, escaped so
 * that the terminal shows what will run (audit/show.h); past SHOW_MAX bytes
 * the rest is counted, never silently cut. */
#include "cli/run.h"
#include "audit/show.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SHOW_MAX 16384

void run_show_command(FILE *o, char *const *argv, int argc, size_t max)
{
	size_t shown = 0;
	for (int i = 0; i < argc; i++) {
		size_t n = strlen(argv[i]);
		if (shown + n > max) {
			size_t rest = 0;
			for (int k = i; k < argc; k++)
				rest += strlen(argv[k]) + (k > 0);
			fprintf(o, "%s\xe2\x80\xa6 [%zu more bytes]", i ? " " : "", rest - (i > 0));
			return;
		}
		if (i)
			fputc(' ', o);
		cpol_show_word(o, argv[i], n);
		shown += n + 1;
	}
}

char *run_prompt_text(char *const *argv, int argc, const cpol_verdict *v, const char *question)
{
	char src[4200], *msg = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&msg, &len);
	if (!o)
		return NULL;
	fputs("codexrun: approval needed for: ", o);
	run_show_command(o, argv, argc, SHOW_MAX);
	fputs("\n  rule ", o);
	cpol_show_text(o, v->rule, strlen(v->rule));
	if (v->line) {
		fputs(" (", o);
		run_source(v, src, sizeof src);
		cpol_show_text(o, src, strlen(src));
		fputc(')', o);
	}
	if (v->reason[0]) {
		fputs(": ", o);
		cpol_show_text(o, v->reason, strlen(v->reason));
	}
	fputc('\n', o);
	fputs(question, o);
	if (fclose(o) != 0) {
		free(msg);
		return NULL;
	}
	return msg;
}

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

int run_ask(char *const *argv, int argc, const cpol_verdict *v)
{
	char answer[64];
	char *msg = run_prompt_text(argv, argc, v, "Run it? [y/N] ");
	int ok = msg && run_tty_ask(msg, answer, sizeof answer) > 0 && run_yes(answer);
	free(msg);
	return ok;
}
