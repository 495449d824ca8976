/* tests/e2e/test_audit.c -- the audit trail of real codexrun runs: every
 * run leaves policy_load, exec, (approval,) sandbox and exit records with
 * complete sequence numbers; 8 processes x 1,000 runs appending to one
 * file lose and tear nothing; a record that cannot be written stops the
 * command (fail closed: /dev/full, a read-only folder) unless
 * --audit-best-effort. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/audit/helpers.h"
#include "tests/e2e/e2e.h"

static char ws[256], adir[256], audit[300], img[512];
static struct e2e_out out;

static void setup(void)
{
	e2e_tmpdir("/tmp", ws);
	e2e_tmpdir("/var/tmp", adir);
	snprintf(audit, sizeof audit, "%s/audit.jsonl", adir);
	e2e_compile(adir, "audit", "policy \"e2e-audit\";\n"
	                         "sandbox { read \"/\"; write \"$WORKSPACE\", \"/dev/null\"; network none; }\n"
	                         "default allow;\n"
	                         "rule \"ask\" { when program \"echo\" and arg 1 is \"ask\"; prompt because \"e2e asks\"; }\n",
	            img);
}

static void teardown(void)
{
	e2e_rm_rf(ws);
	e2e_rm_rf(adir);
}

TestSuite(audit, .init = setup, .fini = teardown);

/* Read the audit file: every line must be valid JSON. Returns the lines. */
static size_t lines_of(const char *path, char ***lines, size_t **lens, char **buf)
{
	size_t len;
	*buf = slurp(path, &len);
	cr_assert(*buf, "no audit file %s", path);
	size_t max = len / 10 + 2;
	*lines = malloc(max * sizeof **lines);
	*lens = malloc(max * sizeof **lens);
	size_t n = split_lines(*buf, len, *lines, *lens, max);
	if (n && (*lens)[n - 1] == 0)
		n--;
	for (size_t i = 0; i < n; i++)
		cr_assert(json_valid((*lines)[i], (*lens)[i]), "line %zu is not JSON: %.*s", i + 1, (int)(*lens)[i],
		          (*lines)[i]);
	return n;
}

Test(audit, one_run_leaves_its_records_in_order)
{
	char auditopt[400];
	snprintf(auditopt, sizeof auditopt, "--audit=%s", audit);
	char *argv[] = { (char *)e2e_codexrun(), auditopt, "--session", "e2e-session-1", "-p", img,
	                 "--approve=always", "--", "echo", "ask", "--password=hunter2", NULL };
	e2e_run(ws, argv, &out);
	cr_assert_eq(out.status, 0, "%s", out.err);
	char **l, *buf;
	size_t *n;
	size_t cnt = lines_of(audit, &l, &n, &buf);
	static const char *const ops[] = { "policy_load", "exec", "approval", "sandbox", "exit" };
	cr_assert_eq(cnt, 5, "%zu records", cnt);
	for (size_t i = 0; i < cnt; i++) {
		char want[64];
		snprintf(want, sizeof want, "\"seq\":%zu,", i + 1);
		cr_assert(strstr(l[i], want), "record %zu: %s", i, l[i]);
		snprintf(want, sizeof want, "\"op\":\"%s\"", ops[i]);
		cr_assert(strstr(l[i], want), "record %zu: %s", i, l[i]);
		cr_assert(strstr(l[i], "\"session\":\"e2e-session-1\""), "%s", l[i]);
	}
	cr_assert(strstr(l[1], "\"decision\":\"prompt\""), "%s", l[1]);
	cr_assert(strstr(l[1], "\"rule\":\"ask\""), "%s", l[1]);
	cr_assert(strstr(l[1], "[REDACTED]") && !strstr(l[1], "hunter2"), "secret not redacted: %s", l[1]);
	cr_assert(strstr(l[2], "--approve=always"), "%s", l[2]);
	cr_assert(strstr(l[4], "\"status\":0"), "%s", l[4]);
	free(l);
	free(n);
	free(buf);
}

Test(audit, eight_writers_times_a_thousand_runs_lose_nothing)
{
	enum { P = 8 };
	/* CPOL_E2E_AUDIT_RUNS: fewer runs per writer, for tests/fuzz/valgrind.sh
	 * (every codexrun under memcheck takes about a second) */
	const char *runs = getenv("CPOL_E2E_AUDIT_RUNS");
	const size_t N = runs && atoi(runs) > 0 ? (size_t)atoi(runs) : 1000;
	pid_t kids[P];
	for (int p = 0; p < P; p++) {
		kids[p] = fork();
		cr_assert(kids[p] >= 0);
		if (kids[p] == 0) {
			char auditopt[400], session[32];
			snprintf(auditopt, sizeof auditopt, "--audit=%s", audit);
			snprintf(session, sizeof session, "writer-%d", p);
			for (size_t i = 0; i < N; i++) {
				pid_t c = fork();
				if (c == 0) {
					int fd = open("/dev/null", O_RDWR);
					dup2(fd, 1);
					dup2(fd, 2);
					execl(e2e_codexrun(), e2e_codexrun(), auditopt, "--session", session, "-p", img, "--",
					      "true", (char *)NULL);
					_exit(122);
				}
				int st;
				waitpid(c, &st, 0);
				if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
					_exit(1);
			}
			_exit(0);
		}
	}
	for (int p = 0; p < P; p++) {
		int st;
		waitpid(kids[p], &st, 0);
		cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer %d failed", p);
	}
	char **l, *buf;
	size_t *n;
	size_t cnt = lines_of(audit, &l, &n, &buf);
	size_t exec = 0, exits = 0;
	/* per (session, run): seq 1..4 exactly once each */
	for (size_t i = 0; i < cnt; i++) {
		exec += strstr(l[i], "\"op\":\"exec\"") != NULL;
		exits += strstr(l[i], "\"op\":\"exit\"") != NULL;
	}
	cr_assert_eq(exec, P * N, "%zu exec records", exec);
	cr_assert_eq(exits, P * N, "%zu exit records", exits);
	cr_assert_eq(cnt, 4 * P * N, "%zu records", cnt);
	/* every run's sequence numbers are complete: count (run, seq) pairs */
	size_t complete = 0;
	for (size_t i = 0; i < cnt; i++) {
		const char *r = strstr(l[i], "\"run\":\"");
		cr_assert(r, "%s", l[i]);
		if (strstr(l[i], "\"seq\":4,") && strstr(l[i], "\"op\":\"exit\""))
			complete++;
	}
	cr_assert_eq(complete, P * N);
	free(l);
	free(n);
	free(buf);
}

Test(audit, a_full_disk_stops_the_command)
{
	char probe[400];
	snprintf(probe, sizeof probe, "%s/ran", ws);
	char *argv[] = { (char *)e2e_codexrun(), "--audit=/dev/full", "-p", img, "--", "touch", probe, NULL };
	e2e_run(ws, argv, &out);
	cr_assert_eq(out.status, 125, "%s", out.err);
	cr_assert(!e2e_exists(probe), "the command ran without its record");
	cr_assert(strstr(out.err, "No space left on device"), "%s", out.err);
	/* exactly one line on stderr */
	cr_assert(strchr(out.err, '\n') == out.err + strlen(out.err) - 1, "%s", out.err);
}

Test(audit, best_effort_runs_anyway_and_says_so)
{
	char probe[400];
	snprintf(probe, sizeof probe, "%s/ran", ws);
	char *argv[] = { (char *)e2e_codexrun(), "--audit=/dev/full", "--audit-best-effort", "-p", img, "--",
	                 "touch", probe, NULL };
	e2e_run(ws, argv, &out);
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_assert(e2e_exists(probe));
	cr_assert(strstr(out.err, "best-effort"), "%s", out.err);
}

Test(audit, a_read_only_folder_stops_the_command)
{
	/* root ignores permissions, so make the folder a read-only mount in a
	 * private mount namespace of a child */
	char ro[400], probe[400];
	snprintf(ro, sizeof ro, "%s/ro", adir);
	snprintf(probe, sizeof probe, "%s/ran", ws);
	cr_assert_eq(mkdir(ro, 0755), 0);
	pid_t pid = fork();
	cr_assert(pid >= 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
		    mount("tmpfs", ro, "tmpfs", MS_RDONLY, "size=64k") < 0)
			_exit(3);
		char auditopt[500];
		snprintf(auditopt, sizeof auditopt, "--audit=%s/sub/audit.jsonl", ro);
		int fd = open("/dev/null", O_RDWR);
		dup2(fd, 1);
		dup2(fd, 2);
		execl(e2e_codexrun(), e2e_codexrun(), auditopt, "-p", img, "--", "touch", probe, (char *)NULL);
		_exit(122);
	}
	int st = e2e_wait(pid);
	cr_assert_eq(st, 125, "codexrun exited %d", st);
	cr_assert(!e2e_exists(probe), "the command ran without its record");
}

Test(audit, jq_accepts_every_line)
{
	char auditopt[400];
	snprintf(auditopt, sizeof auditopt, "--audit=%s", audit);
	static const char *const weird[] = { "caf\xc3\xa9", "\x01\x02\x7f", "\xff\xfe bad utf8", "quote\"back\\slash",
	                                     "tab\tnew\nline", "Authorization: Bearer abc.def.ghi" };
	for (size_t i = 0; i < sizeof weird / sizeof weird[0]; i++) {
		char *argv[] = { (char *)e2e_codexrun(), auditopt, "-p", img, "--", "printf", "%s", (char *)weird[i], NULL };
		e2e_run(ws, argv, &out);
		cr_assert_eq(out.status, 0, "%s", out.err);
	}
	char cmd[600];
	snprintf(cmd, sizeof cmd, "jq -c . '%s' > /dev/null", audit);
	cr_assert_eq(system(cmd), 0, "jq refused the audit log");
}
