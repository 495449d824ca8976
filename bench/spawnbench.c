/* bench/spawnbench.c -- start-up times measured interleaved: a cross-check
 * of hyperfine for a shared machine. hyperfine runs all runs of one command,
 * then all of the next, so a load that changes over the minute lands on
 * some commands and not others; here run k of every command is made before
 * run k+1 of any, so that a change of load falls on all of them alike.
 *
 *   spawnbench RUNS NAME=CMD [ARG]... [::: NAME=CMD [ARG]...]...
 *
 * Each run: fork, exec (stdout to /dev/null), wait4; the wall time of the
 * run and the CPU time (user + system) of the whole process tree as the
 * kernel accounts it. Prints, per command, the median, p10 and minimum of
 * the wall time and the median CPU time, and `RESULT spawn.NAME_*` lines.
 * A run that exits non-zero is an error (exit 1).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXCMD 16

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fputs("usage: spawnbench RUNS NAME=CMD [ARG]... [::: NAME=CMD [ARG]...]...\n", stderr);
		return 2;
	}
	int runs = atoi(argv[1]);
	char **cmd[MAXCMD];
	const char *name[MAXCMD];
	int nc = 0;
	for (int i = 2; i < argc && nc < MAXCMD;) {
		char *eq = strchr(argv[i], '=');
		if (!eq) {
			fprintf(stderr, "spawnbench: %s: expected NAME=CMD\n", argv[i]);
			return 2;
		}
		*eq = 0;
		name[nc] = argv[i];
		argv[i] = eq + 1;
		cmd[nc++] = &argv[i];
		while (i < argc && strcmp(argv[i], ":::"))
			i++;
		if (i < argc)
			argv[i++] = NULL;
	}
	if (runs < 1 || nc == 0)
		return 2;
	double *wall = calloc((size_t)runs * nc, sizeof *wall), *cpu = calloc((size_t)runs * nc, sizeof *cpu);
	int devnull = open("/dev/null", O_WRONLY);
	if (!wall || !cpu || devnull < 0)
		return 2;
	int warm = runs / 10 + 3;
	for (int r = -warm; r < runs; r++)
		for (int c = 0; c < nc; c++) {
			double t0 = now_us();
			pid_t pid = fork();
			if (pid < 0) {
				perror("spawnbench: fork");
				return 1;
			}
			if (pid == 0) {
				dup2(devnull, 1);
				execv(cmd[c][0], cmd[c]);
				perror(cmd[c][0]);
				_exit(127);
			}
			int st;
			struct rusage ru;
			if (wait4(pid, &st, 0, &ru) < 0) {
				perror("spawnbench: wait4");
				return 1;
			}
			double t1 = now_us();
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
				fprintf(stderr, "spawnbench: %s exited with %d\n", name[c], WIFEXITED(st) ? WEXITSTATUS(st) : -1);
				return 1;
			}
			if (r < 0)
				continue;
			wall[c * runs + r] = t1 - t0;
			cpu[c * runs + r] = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
			                    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
		}
	printf("%-12s %10s %10s %10s %12s\n", "command", "median ms", "p10 ms", "min ms", "CPU ms (med)");
	for (int c = 0; c < nc; c++) {
		double *w = wall + c * runs, *u = cpu + c * runs;
		qsort(w, (size_t)runs, sizeof *w, cmp);
		qsort(u, (size_t)runs, sizeof *u, cmp);
		double med = w[runs / 2] / 1e3, p10 = w[runs / 10] / 1e3, min = w[0] / 1e3, cm = u[runs / 2] / 1e3;
		printf("%-12s %10.3f %10.3f %10.3f %12.3f\n", name[c], med, p10, min, cm);
		printf("RESULT spawn.%s_ms=%.3f\nRESULT spawn.%s_p10_ms=%.3f\nRESULT spawn.%s_cpu_ms=%.3f\n", name[c], med,
		       name[c], p10, name[c], cm);
	}
	return 0;
}
