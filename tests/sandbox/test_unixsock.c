/* tests/sandbox/test_unixsock.c -- services' UNIX sockets: a daemon forked
 * here, as root, outside the sandbox and outside its write roots, listens on
 * a pathname socket and counts who connects; the sandboxed command cannot
 * reach it (in a read-only sandbox and in one with a writable folder, as root
 * and as an ordinary user) unless the spec grants that socket; a socket
 * inside a write root stays reachable. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "tests/sandbox/harness.h"

static char out[8192];
static char *outside, *root;
static char sock[4200];
static pid_t daemon_pid;
static int counter[2];

/* The daemon: answers "hello" to each client and tells the test, through
 * a pipe, one byte per connection. */
static pid_t start_daemon(const char *path)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	cr_assert_lt(strlen(path), sizeof a.sun_path);
	memcpy(a.sun_path, path, strlen(path));
	cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
	chmod(path, 0666); /* anyone may connect: only the sandbox stands in the way */
	cr_assert_eq(listen(s, 8), 0);
	pid_t pid = fork();
	if (pid == 0) {
		for (;;) {
			int c = accept(s, NULL, NULL);
			if (c < 0)
				_exit(0);
			(void)!write(counter[1], "c", 1);
			(void)!write(c, "hello", 5);
			close(c);
		}
	}
	close(s);
	return pid;
}

static int connections(void)
{
	char buf[64];
	int n = 0;
	ssize_t r;
	while ((r = read(counter[0], buf, sizeof buf)) > 0)
		n += (int)r;
	return n;
}

static void setup(void)
{
	outside = sb_mkdir_in("/var/tmp", "unixsock-out");
	root = sb_mkws("unixsock-root");
	chmod(outside, 0755);
	snprintf(sock, sizeof sock, "%s/daemon.sock", outside);
	cr_assert_eq(pipe2(counter, O_NONBLOCK), 0);
	daemon_pid = start_daemon(sock);
	
}

static void teardown(void)
{
	kill(daemon_pid, SIGKILL);
	waitpid(daemon_pid, NULL, 0);
	close(counter[0]);
	close(counter[1]);
	sb_rmrf(outside);
	sb_rmrf(root);
}

TestSuite(unixsock, .init = setup, .fini = teardown, .timeout = 60);

static int connect_from(const char *write, const char *grant, const char *uid, const char *path)
{
	const char *argv[24];
	int n = 0;
	argv[n++] = sb_prog("sbexec");
	argv[n++] = "--read";
	argv[n++] = "/";
	argv[n++] = "--write";
	argv[n++] = write;
	if (grant) {
		argv[n++] = "--unix";
		argv[n++] = grant;
	}
	if (uid) {
		argv[n++] = "--uid";
		argv[n++] = uid;
	}
	argv[n++] = "--";
	argv[n++] = sb_prog("sbprobe");
	argv[n++] = "unix-connect";
	argv[n++] = path;
	argv[n] = NULL;
	return sb_run(out, sizeof out, argv);
}

Test(unixsock, the_daemon_answers_outside)
{
	cr_assert_eq(sb_runl(out, sizeof out, sb_prog("sbprobe"), "unix-connect", sock, NULL), 0,
	             "%s", out);
	cr_assert(strstr(out, "ok hello"), "%s", out);
	cr_assert_eq(connections(), 1);
}

/* Can uid 65534 reach the test programs (every folder above them
 * searchable by others)? A build in a private folder keeps it out. */
static int nobody_can_run(void)
{
	char path[4096];
	snprintf(path, sizeof path, "%s", sb_prog("sbprobe"));
	for (char *slash = strrchr(path, '/'); slash && slash > path; slash = strrchr(path, '/')) {
		*slash = 0;
		struct stat st;
		if (stat(path, &st) < 0 || !(st.st_mode & S_IXOTH))
			return 0;
	}
	return 1;
}

Test(unixsock, unreachable_from_every_profile_unless_granted)
{
	int as_nobody = nobody_can_run();
	if (!as_nobody)
		cr_log_info("the build lies in a folder uid 65534 cannot search: the checks as nobody are left out");
	const char *writes[] = { "/dev/null", root };
	for (size_t w = 0; w < 2; w++) {
		int rc = connect_from(writes[w], NULL, NULL, sock);
		cr_expect_eq(rc, 1, "write %s: %d %s", writes[w], rc, out);
		cr_expect(strstr(out, "ECONNREFUSED"), "write %s: %s", writes[w], out);
		cr_expect_eq(connections(), 0, "write %s: the daemon saw a connection", writes[w]);
		/* as an ordinary user too (a user namespace makes the view) */
		if (as_nobody) {
			rc = connect_from(writes[w], NULL, "65534", sock);
			cr_expect_eq(rc, 1, "write %s as nobody: %d %s", writes[w], rc, out);
			cr_expect_eq(connections(), 0, "write %s as nobody: the daemon saw a connection",
			             writes[w]);
		}

		rc = connect_from(writes[w], sock, NULL, sock);
		cr_expect_eq(rc, 0, "granted, write %s: %d %s", writes[w], rc, out);
		cr_expect(strstr(out, "ok hello"), "%s", out);
		cr_expect_eq(connections(), 1, "granted, write %s", writes[w]);
	}
}

Test(unixsock, other_names_for_the_socket_are_covered)
{
	/* through a symlink and through /proc/self/root */
	char link[4300], viaproc[4300];
	snprintf(link, sizeof link, "%s/link.sock", root);
	cr_assert_eq(symlink(sock, link), 0);
	snprintf(viaproc, sizeof viaproc, "/proc/self/root%s", sock);
	cr_expect_eq(connect_from(root, NULL, NULL, link), 1, "%s", out);
	cr_expect_eq(connect_from(root, NULL, NULL, viaproc), 1, "%s", out);
	cr_expect_eq(connections(), 0, "the daemon saw a connection");
}

Test(unixsock, a_socket_inside_a_write_root_stays_reachable)
{
	/* the same daemon, seen through a write root that holds it */
	int rc = connect_from(outside, NULL, NULL, sock);
	cr_expect_eq(rc, 0, "%d %s", rc, out);
	cr_expect_eq(connections(), 1);
}
