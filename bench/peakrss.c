/* bench/peakrss.c -- run a command and print its peak resident set size:
 *
 *   peakrss CMD [ARG]...     prints "peak_rss_kib=N status=S" on stderr
 *
 * For when /usr/bin/time (Debian package `time`) is missing: the kernel's
 * own maximum of the waited child (getrusage RUSAGE_CHILDREN, ru_maxrss,
 * in KiB), which is what `time -v` reports as "Maximum resident set size".
 * The command's stdout and stderr pass through.
 */
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs("usage: peakrss CMD [ARG]...\n", stderr);
		return 2;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("peakrss: fork");
		return 125;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror("peakrss: exec");
		_exit(127);
	}
	int status;
	if (waitpid(pid, &status, 0) < 0) {
		perror("peakrss: wait");
		return 125;
	}
	struct rusage ru;
	getrusage(RUSAGE_CHILDREN, &ru);
	int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	fprintf(stderr, "peak_rss_kib=%ld status=%d\n", ru.ru_maxrss, rc);
	return rc;
}
