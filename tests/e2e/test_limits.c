/* tests/e2e/test_limits.c -- the `limits` block end to end: codexpolc
 * checks and prints it, codexrun holds a real command to it (real control
 * groups and rlimits, as root in CI) and names the limit that ended it on
 * stderr and in the exit record. Every command here is bounded tightly (a
 * few seconds, a few dozen processes, 64M), so that a failing test cannot
 * take the machine with it; the fork bomb runs only where a pids group
 * holds it. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/e2e/e2e.h"

static char ws[256], audit[256], idir[256];
static struct e2e_out out;

static void setup(void)
{
	e2e_tmpdir("/tmp", ws);
	e2e_audit_log(audit);
	/* images outside every writable root: codexrun refuses them inside */
	e2e_tmpdir("/var/tmp", idir);
}

static void teardown(void)
{
	e2e_rm_rf(ws);
	e2e_rm_rf(idir);
	e2e_rm_audit_log(audit);
}

TestSuite(limits, .init = setup, .fini = teardown, .timeout = 120);

static void policy(const char *limits, char img[512])
{
	char text[1024];
	snprintf(text, sizeof text, "limits { %s }\n", limits);
	e2e_compile_allowing(idir, "limits", "network none;", text, img);
}

static double run_in(const char *img, const char *prog, const char *arg)
{
	char auditopt[300];
	snprintf(auditopt, sizeof auditopt, "--audit=%s", audit);
	char *argv[] = { (char *)e2e_codexrun(), auditopt, "-p", (char *)img, "--", (char *)prog,
	                 "-c", (char *)arg, NULL };
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	e2e_run(ws, argv, &out);
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
}

/* The last record of the audit file. */
static void last_record(char *buf, size_t cap)
{
	e2e_last_line(audit, buf, cap);
}

/* How the sandbox record says the limits are held. */
static void limits_notes(char *buf, size_t cap)
{
	FILE *f = fopen(audit, "r");
	cr_assert(f);
	char line[8192];
	buf[0] = 0;
	while (fgets(line, sizeof line, f))
		if (strstr(line, "\"op\":\"sandbox\""))
			snprintf(buf, cap, "%s", line);
	fclose(f);
}

Test(limits, an_endless_loop_is_killed_at_the_time_limit_with_its_tree)
{
	char img[512], rec[8192];
	policy("time 1s;", img);
	/* children that outlive the shell must die with it: a unique sleep */
	char marker[64];
	snprintf(marker, sizeof marker, "%d.4321", 90 + (int)(getpid() % 9));
	char cmd[256];
	snprintf(cmd, sizeof cmd, "sleep %s & sleep %s & while :; do :; done", marker, marker);
	double t = run_in(img, "sh", cmd);
	cr_assert_eq(out.status, 137, "status %d, stderr: %s", out.status, out.err);
	cr_assert(strstr(out.err, "time limit (1s)"), "stderr: %s", out.err);
	cr_assert(t < 30, "took %.1fs", t);
	last_record(rec, sizeof rec);
	cr_assert(strstr(rec, "\"op\":\"exit\"") && strstr(rec, "\"limit\":\"time\""), "%s", rec);
	/* no process of that run is left */
	DIR *d = opendir("/proc");
	cr_assert(d);
	struct dirent *e;
	int left = 0;
	while ((e = readdir(d))) {
		char path[300], cl[512];
		snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		size_t n = fread(cl, 1, sizeof cl - 1, f);
		fclose(f);
		cl[n] = 0;
		if (!strcmp(cl, "sleep") && strstr(cl + 6, marker))
			left++;
	}
	closedir(d);
	cr_assert_eq(left, 0, "%d background sleeps outlived the time limit", left);
}

Test(limits, a_ten_gigabyte_allocation_is_stopped)
{
	char img[512], rec[8192], notes[8192];
	policy("memory 64M; time 20s;", img);
	run_in(img, "/usr/bin/python3", "x = bytearray(10 * 2**30); print('allocated')");
	cr_assert(!strstr(out.out, "allocated"), "10G allocated under memory 64M");
	cr_assert_neq(out.status, 0);
	limits_notes(notes, sizeof notes);
	last_record(rec, sizeof rec);
	if (strstr(notes, "memory: cgroup")) {
		/* a group holds it: OOM-killed and named */
		cr_assert_eq(out.status, 137, "status %d: %s", out.status, out.err);
		cr_assert(strstr(rec, "\"limit\":\"memory\""), "%s", rec);
		cr_assert(strstr(out.err, "memory limit (64M)"), "stderr: %s", out.err);
	} else {
		cr_assert(strstr(out.err, "MemoryError"), "stderr: %s", out.err);
	}
}

Test(limits, a_fork_bomb_is_held_and_ended)
{
	char img[512], rec[8192], notes[8192];
	policy("processes 32; time 3s;", img);
	/* first find out whether a pids group holds the tree here */
	run_in(img, "sh", "true");
	limits_notes(notes, sizeof notes);
	if (!strstr(notes, "pids.max"))
		cr_skip_test("no pids control group here: the fork bomb is not run (%s)", notes);
	double t = run_in(img, "sh", "f() { f & f & wait; }; f");
	last_record(rec, sizeof rec);
	cr_assert(strstr(rec, "\"limit\":\"processes"), "%s", rec);
	cr_assert(t < 60, "took %.1fs", t);
	/* the machine (this test) is still here and can fork */
	run_in(img, "sh", "echo alive");
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_assert(strstr(out.out, "alive"));
}

/* Both at once, in the background, while this test goes on forking and
 * timing itself: each is stopped, its own exit record names its limit, and
 * the test never waits long for a process of its own. */
Test(limits, a_fork_bomb_and_a_memory_hog_are_stopped_while_the_test_keeps_running)
{
	char bomb[512], hog[512], notes[8192];
	policy("processes 32; time 5s;", bomb);
	e2e_compile_allowing(idir, "hog", "network none;", "limits { memory 64M; time 20s; }\n", hog);
	run_in(bomb, "sh", "true");
	limits_notes(notes, sizeof notes);
	if (!strstr(notes, "pids.max"))
		cr_skip_test("no pids control group here (%s)", notes);
	run_in(hog, "sh", "true");
	limits_notes(notes, sizeof notes);
	if (!strstr(notes, "memory: cgroup"))
		cr_skip_test("no memory control group here (%s)", notes);
	char abomb[300], ahog[300];
	snprintf(abomb, sizeof abomb, "--audit=%s.bomb", audit);
	snprintf(ahog, sizeof ahog, "--audit=%s.hog", audit);
	char *bargv[] = { (char *)e2e_codexrun(), abomb, "-p", bomb, "--", "sh", "-c", "f() { f & f & wait; }; f", NULL };
	/* 10 GB in 64 MB steps, as a real hog grows */
	char *hargv[] = { (char *)e2e_codexrun(), ahog, "-p", hog, "--", "/usr/bin/python3", "-c",
	                  "x = [bytearray(2**26) for _ in range(160)]; print('allocated')", NULL };
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pb = e2e_start(ws, bargv), ph = e2e_start(ws, hargv);
	double worst = 0;
	for (int i = 0; i < 20; i++) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		char *argv[] = { "/bin/true", NULL };
		e2e_run(NULL, argv, &out);
		clock_gettime(CLOCK_MONOTONIC, &b);
		double d = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
		worst = d > worst ? d : worst;
		cr_assert_eq(out.status, 0, "the test could not run /bin/true during the bomb");
		usleep(100 * 1000);
	}
	int sb = e2e_wait(pb), sh = e2e_wait(ph);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double all = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	cr_log_info("worst /bin/true of the test during the bomb and the hog: %.3f s; both ended after %.1f s",
	            worst, all);
	cr_assert(worst < 5, "the test waited %.1f s for /bin/true", worst);
	cr_assert(all < 60, "took %.1f s", all);
	cr_assert_eq(sh, 137, "hog status %d", sh);
	char rec[8192], path[300];
	snprintf(path, sizeof path, "%s.bomb", audit);
	e2e_last_line(path, rec, sizeof rec);
	cr_assert(strstr(rec, "\"op\":\"exit\"") && strstr(rec, "\"limit\":\"processes"), "bomb (%d): %s", sb, rec);
	snprintf(path, sizeof path, "%s.hog", audit);
	e2e_last_line(path, rec, sizeof rec);
	cr_assert(strstr(rec, "\"op\":\"exit\"") && strstr(rec, "\"limit\":\"memory\""), "hog: %s", rec);
}

/* Runs code under img; the kernel must end it with sig and the exit
 * record must name the limit. */
static void expect_limit_kill(const char *img, const char *prog, const char *code, int sig, const char *limit)
{
	char rec[8192], want[64];
	run_in(img, prog, code);
	cr_assert_eq(out.status, 128 + sig, "status %d: %s", out.status, out.err);
	last_record(rec, sizeof rec);
	snprintf(want, sizeof want, "\"limit\":\"%s\"", limit);
	cr_assert(strstr(rec, want), "%s", rec);
}

Test(limits, cpu_time_ends_a_busy_process_with_sigxcpu)
{
	char img[512];
	policy("cpu 1s; time 30s;", img);
	expect_limit_kill(img, "/usr/bin/python3", "while True: pass", 24, "cpu");
}

Test(limits, file_size_and_open_files_are_held)
{
	char img[512];
	policy("file-size 1M; open-files 64; time 20s;", img);
	expect_limit_kill(img, "sh", "head -c 2097152 /dev/zero > big", 25, "file-size");
	cr_assert(strstr(out.err, "file-size limit (1M)"), "%s", out.err);

	run_in(img, "/usr/bin/python3", "fs = [open('/dev/null') for i in range(100)]");
	cr_assert_eq(out.status, 1, "100 files opened under open-files 64: %s", out.err);
	cr_assert(strstr(out.err, "Too many open files"), "%s", out.err);
	run_in(img, "sh", "echo ok");
	cr_assert_eq(out.status, 0);
}

Test(limits, no_limits_block_means_no_limit_and_no_record_field)
{
	char img[512], rec[8192];
	e2e_compile_allowing(idir, "plain", "", "", img);
	run_in(img, "sh", "ulimit -t; ulimit -f");
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_assert_str_eq(out.out, "unlimited\nunlimited\n");
	last_record(rec, sizeof rec);
	cr_assert(!strstr(rec, "\"limit\""), "%s", rec);
}

static void compile_err(const char *limits, const char *want)
{
	char src[512], bin[512], text[512];
	snprintf(src, sizeof src, "%s/bad.cpol", ws);
	snprintf(bin, sizeof bin, "%s/bad.bin", ws);
	snprintf(text, sizeof text, "policy \"bad\";\nlimits { %s }\n", limits);
	e2e_write_file(src, text);
	char *argv[] = { (char *)e2e_codexpolc(), "-o", bin, src, NULL };
	e2e_run(NULL, argv, &out);
	cr_assert_neq(out.status, 0, "'%s' compiled", limits);
	cr_assert(strstr(out.err, want), "'%s': %s", limits, out.err);
}

Test(limits, codexpolc_checks_names_units_and_ranges)
{
	compile_err("time 10;", "takes a duration");
	compile_err("memory 4g;", "takes a size");
	compile_err("processes 5m;", "takes a count");
	compile_err("wall 3s;", "unknown limit 'wall'");
	compile_err("cpu 0s;", "would stop everything");
	compile_err("memory 100;", "below 4K");
	compile_err("time 1s; time 2s;", "given twice");
	compile_err("file size 1G;", "error");
}

Test(limits, codexpolc_dumps_and_formats_the_block)
{
	char img[512], src[512];
	policy("time 10m; cpu 5m; memory 4G; processes 512; file-size 2G; open-files 4096; ", img);
	char *dump[] = { (char *)e2e_codexpolc(), "--dump", img, NULL };
	e2e_run(NULL, dump, &out);
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_assert(strstr(out.out, "limits:\n  time 10m\n  cpu 5m\n  memory 4G\n  processes 512\n"
	                          "  file-size 2G\n  open-files 4096\n"), "%s", out.out);
	snprintf(src, sizeof src, "%s/limits.cpol", idir);
	char *fmt[] = { (char *)e2e_codexpolc(), "--fmt", src, NULL };
	e2e_run(NULL, fmt, &out);
	cr_assert_eq(out.status, 0, "%s", out.err);
	cr_assert(strstr(out.out, "limits {\n    time 10m;\n    cpu 5m;\n    memory 4G;\n"), "%s", out.out);
	snprintf(src, sizeof src, "%s/none.cpol", ws);
	e2e_write_file(src, "policy \"n\";\nlimits { time none; memory 1048576; }\n");
	char *fmt2[] = { (char *)e2e_codexpolc(), "--fmt", src, NULL };
	e2e_run(NULL, fmt2, &out);
	cr_assert(strstr(out.out, "    time none;\n    memory 1048576;\n"), "%s", out.out);
}
