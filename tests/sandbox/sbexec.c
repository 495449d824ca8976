/* tests/sandbox/sbexec.c -- the tests' driver of libcpolsandbox: the spec on
 * the command line, then prepare, fork, enter in the child, exec, wait, and
 * the child's status as ours (125 sandbox failure, 126 cannot execute, 127
 * not found, 128+N killed by signal N). A test program: never installed.
 *
 * sbexec [--read R]... [--write W]... [--protect P]...
 *        [--net none|outbound|any|connect:P1,P2,...] [--bind P]...
 *        [--trusted] [--require] [--bpf FILE [--bpf-arch HEX]]
 *        [--unix SOCKET]... [--uid N] [--classic-mount] [--scrub [--keep NAME]...] [--report]
 *        -- CMD [ARG]...
 */
#include "sandbox/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MAXN 64

static void usage(void)
{
	fputs("usage: sbexec [--read R]... [--write W]... [--protect P]... "
	      "[--net none|outbound|any|connect:P,...] [--bind P]... [--trusted] "
	      "[--require] [--unix SOCKET]... [--bpf FILE [--bpf-arch HEX]] [--uid N] [--classic-mount] "
	      "[--scrub [--keep NAME]...] [--report] -- CMD [ARG]...\n", stderr);
	exit(125);
}

static void add(const char **list, size_t *n, const char *v)
{
	if (*n >= MAXN)
		usage();
	list[(*n)++] = v;
}

static uint16_t port(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || (*end && *end != ',') || v < 0 || v > 65535)
		usage();
	return (uint16_t)v;
}

static void *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(path);
		exit(125);
	}
	char *buf = malloc((size_t)st.st_size + 1);
	size_t done = 0;
	while (buf && done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	close(fd);
	if (!buf || done != (size_t)st.st_size) {
		fprintf(stderr, "sbexec: cannot read %s\n", path);
		exit(125);
	}
	*len = done;
	return buf;
}

int main(int argc, char **argv)
{
	const char *reads[MAXN], *writes[MAXN], *protect[MAXN], *keep[MAXN], *unixes[MAXN];
	uint16_t connect_ports[MAXN], bind_ports[MAXN];
	struct cpol_sandbox_spec spec = { .net = CPOL_NET_NONE };
	size_t nkeep = 0;
	int report_it = 0, scrub = 0, classic = 0;
	long uid = -1;
	const char *bpf_file = NULL;
	uint32_t bpf_arch = cpol_seccomp_native_arch();

	int i;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (strcmp(a, "--read") == 0 && v) {
			add(reads, &spec.nread, v), i++;
		} else if (strcmp(a, "--write") == 0 && v) {
			add(writes, &spec.nwrite, v), i++;
		} else if (strcmp(a, "--unix") == 0 && v) {
			add(unixes, &spec.nunix, v), i++;
		} else if (strcmp(a, "--protect") == 0 && v) {
			add(protect, &spec.nprotect, v), i++;
		} else if (strcmp(a, "--keep") == 0 && v) {
			add(keep, &nkeep, v), i++;
		} else if (strcmp(a, "--bind") == 0 && v) {
			if (spec.nbind >= MAXN)
				usage();
			bind_ports[spec.nbind++] = port(v), i++;
		} else if (strcmp(a, "--net") == 0 && v) {
			i++;
			if (strcmp(v, "none") == 0)
				spec.net = CPOL_NET_NONE;
			else if (strcmp(v, "outbound") == 0)
				spec.net = CPOL_NET_OUTBOUND;
			else if (strcmp(v, "any") == 0)
				spec.net = CPOL_NET_ANY;
			else if (strncmp(v, "connect:", 8) == 0) {
				spec.net = CPOL_NET_CONNECT;
				for (const char *p = v + 8; *p; p += *p == ',') {
					if (spec.nconnect >= MAXN)
						usage();
					connect_ports[spec.nconnect++] = port(p);
					p += strcspn(p, ",");
				}
			} else
				usage();
		} else if (strcmp(a, "--bpf") == 0 && v) {
			bpf_file = v, i++;
		} else if (strcmp(a, "--bpf-arch") == 0 && v) {
			bpf_arch = (uint32_t)strtoul(v, NULL, 0), i++;
		} else if (strcmp(a, "--uid") == 0 && v) {
			uid = atol(v), i++;
		} else if (strcmp(a, "--trusted") == 0) {
			spec.trusted = 1;
		} else if (strcmp(a, "--require") == 0) {
			spec.require = 1;
		} else if (strcmp(a, "--classic-mount") == 0) {
			classic = 1;
		} else if (strcmp(a, "--scrub") == 0) {
			scrub = 1;
		} else if (strcmp(a, "--report") == 0) {
			report_it = 1;
		} else {
			usage();
		}
	}
	if (i >= argc)
		usage();
	spec.read_roots = reads;
	spec.write_roots = writes;
	spec.protect = protect;
	spec.unix_allow = unixes;
	spec.connect_ports = connect_ports;
	spec.bind_ports = bind_ports;
	if (bpf_file) {
		spec.prebuilt.data = slurp(bpf_file, &spec.prebuilt.len);
		spec.prebuilt.target = bpf_arch;
	}

	if (uid >= 0) { /* become an ordinary user before sandboxing */
		if (setgroups(0, NULL) < 0 || setgid((gid_t)uid) < 0 || setuid((uid_t)uid) < 0) {
			perror("sbexec: dropping to --uid");
			return 125;
		}
	}

	char **envp = environ;
	char removed[512] = "";
	if (scrub) {
		cpol_error err = { 0 };
		envp = cpol_env_scrub(environ, keep, nkeep, removed, sizeof removed, &err);
		if (!envp) {
			fprintf(stderr, "sbexec: %s\n", err.msg);
			return 125;
		}
	}

	struct cpol_sandbox_report rep;
	cpol_error err = { 0 };
	struct cpol_sandbox *sb = cpol_sandbox_prepare(&spec, &rep, &err);
	free((void *)spec.prebuilt.data);
	if (report_it)
		fprintf(stderr, "sbexec: abi=%d fs=%d net=%d scope=%d seccomp=%d protect=%d "
		        "caps=%d sockets_hidden=%zu tmpdir=%s\nsbexec: degraded=%s\nsbexec: notes=%s\nsbexec: removed=%s\n",
		        rep.landlock_abi, rep.fs_enforced, rep.net_enforced, rep.scope_enforced,
		        rep.seccomp_enforced, rep.protect_enforced, rep.caps_dropped,
		        rep.sockets_hidden, rep.tmpdir,
		        rep.degraded, rep.notes, removed);
	if (!sb) {
		fprintf(stderr, "sbexec: %s\n", err.msg);
		if (envp != environ)
			cpol_env_free(envp);
		return 125;
	}
	cpol_sandbox_set_classic_mount(sb, classic);
	/* TMPDIR: the run's private temporary folder, as codexrun sets it */
	if (envp != environ)
		envp = cpol_sandbox_env(sb, envp);
	else if (cpol_sandbox_tmpdir(sb))
		setenv("TMPDIR", cpol_sandbox_tmpdir(sb), 1), envp = environ;

	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		perror("sbexec: fork");
		return 125;
	}
	if (pid == 0) {
		if (cpol_sandbox_enter(sb, &err) < 0) {
			(void)!write(2, "sbexec: ", 8);
			(void)!write(2, err.msg, strlen(err.msg));
			(void)!write(2, "\n", 1);
			_exit(125);
		}
		execvpe(argv[i], argv + i, envp);
		int e = errno;
		(void)!write(2, "sbexec: cannot run ", 19);
		(void)!write(2, argv[i], strlen(argv[i]));
		(void)!write(2, "\n", 1);
		_exit(e == ENOENT ? 127 : 126);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			perror("sbexec: waitpid");
			return 125;
		}
	const char *undone = cpol_sandbox_undo(sb);
	if (undone)
		fprintf(stderr, "sbexec: undone=%s\n", undone);
	cpol_sandbox_free(sb);
	if (envp != environ)
		cpol_env_free(envp);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
