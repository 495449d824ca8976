/* tests/fuzz/test_regressions.c -- every reproducer of a fuzzing finding
 * (tests/fuzz/regressions/NAME/) and every seed (tests/fuzz/corpus/NAME/)
 * replayed through the entry point of harness NAME, the same code that
 * libFuzzer runs (built here with -DCPOL_FUZZ_REPLAY). Each file runs in
 * a child process of its own, so that a crash, an abort on a violated
 * invariant, or (in a --enable-sanitizers build) a sanitizer or leak report
 * fails the test and names the file. Adding a reproducer to a folder adds
 * it to the test; no code change needed.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/readfile.h"
#include "tests/fuzz/fuzz.h"
#include "tests/text/lsan.h"

typedef int (*entry_fn)(const uint8_t *, size_t);

/* Run fn on the file in a child; 0 when it returned normally. */
static int replay_one(entry_fn fn, const char *path)
{
	pid_t pid = fork();
	cr_assert(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		size_t len = 0;
		char *data = cpol_read_file(path, SIZE_MAX, &len, NULL);
		if (!data)
			_exit(99);
		alarm(120);
		fn((const uint8_t *)data, len);
		free(data);
		exit(0); /* exit(), not _exit(): LeakSanitizer checks here */
	}
	int st;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFSIGNALED(st))
		cr_log_error("%s: killed by signal %d", path, WTERMSIG(st));
	else
		cr_log_error("%s: exit status %d", path, WEXITSTATUS(st));
	return -1;
}

static int is_file(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Replay every file of top_srcdir/tests/fuzz/KIND/NAME; the number that
 * failed, and the number run in *n. */
static int replay_dir(entry_fn fn, const char *kind, const char *name, int *n)
{
	const char *top = getenv("top_srcdir");
	char dir[4096];
	snprintf(dir, sizeof dir, "%s/tests/fuzz/%s/%s", top && *top ? top : CPOL_FUZZ_SRCDIR, kind, name);
	struct dirent **list;
	int k = scandir(dir, &list, is_file, alphasort);
	*n = 0;
	if (k < 0)
		return 0; /* no such folder: nothing found yet */
	int failed = 0;
	for (int i = 0; i < k; i++) {
		char path[8192];
		snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
		failed += replay_one(fn, path) != 0;
		(*n)++;
		free(list[i]);
	}
	free(list);
	return failed;
}

static void replay(entry_fn fn, const char *name, int need_seeds)
{
	int nreg, nseed;
	int bad = replay_dir(fn, "regressions", name, &nreg);
	bad += replay_dir(fn, "corpus", name, &nseed);
	cr_log_info("%s: %d reproducers, %d seeds", name, nreg, nseed);
	if (need_seeds)
		cr_expect(nseed > 0, "no seeds found for %s", name);
	cr_expect(bad == 0, "%d of the %d inputs of harness %s failed (names above)", bad, nreg + nseed, name);
}

Test(fuzz_regressions, policy, .timeout = 600) { replay(cpol_fuzz_policy, "policy", 1); }
Test(fuzz_regressions, image, .timeout = 600) { replay(cpol_fuzz_image, "image", 1); }
Test(fuzz_regressions, argv, .timeout = 600) { replay(cpol_fuzz_argv, "argv", 1); }
Test(fuzz_regressions, shell, .timeout = 600) { replay(cpol_fuzz_shell, "shell", 1); }
Test(fuzz_regressions, audit, .timeout = 600) { replay(cpol_fuzz_audit, "audit", 1); }
Test(fuzz_regressions, proxy, .timeout = 600) { replay(cpol_fuzz_proxy, "proxy", 1); }
