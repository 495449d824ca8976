/* tests/sandbox/sbprobe.c -- one system call (or a few) per sub-command, for
 * the sandbox tests to run inside a sandbox: prints "ok" (exit 0) or the
 * errno's name such as "EPERM" (exit 1); 2 on a usage error. A test program:
 * never installed, built without the sanitizers. Uses no libcpolsandbox.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/netlink.h>
#include <poll.h>
#include <netinet/in.h>
#include <sched.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <unistd.h>

static int result(long r)
{
	if (r >= 0) {
		puts("ok");
		return 0;
	}
	const char *name = strerrorname_np(errno);
	printf("%s\n", name ? name : "E?");
	return 1;
}

static int sock(const char *what)
{
	static const struct {
		const char *name;
		int domain, type, proto;
	} kinds[] = {
		{ "tcp", AF_INET, SOCK_STREAM, 0 },
		{ "udp", AF_INET, SOCK_DGRAM, 0 },
		{ "tcp6", AF_INET6, SOCK_STREAM, 0 },
		{ "udp6", AF_INET6, SOCK_DGRAM, 0 },
		{ "raw", AF_INET, SOCK_RAW, IPPROTO_ICMP },
		{ "netlink", AF_NETLINK, SOCK_RAW, NETLINK_ROUTE },
		{ "packet", AF_PACKET, SOCK_DGRAM, 0 },
		{ "unix", AF_UNIX, SOCK_STREAM, 0 },
	};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(what, kinds[i].name) == 0)
			return result(socket(kinds[i].domain, kinds[i].type, kinds[i].proto));
	return 2;
}

static int tcp(const char *op, int port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0)
		return result(-1);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (strcmp(op, "connect") == 0)
		return result(connect(s, (struct sockaddr *)&a, sizeof a));
	int r = bind(s, (struct sockaddr *)&a, sizeof a);
	if (r == 0)
		r = listen(s, 1);
	return result(r);
}

static int pair(void)
{
	int sv[2];
	char c = 0;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return result(-1);
	if (write(sv[0], "x", 1) != 1 || read(sv[1], &c, 1) != 1 || c != 'x')
		return result(-1);
	return result(0);
}

static int pty_slave(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0)
		return -1;
	char *name = ptsname(m);
	return name ? open(name, O_RDWR | O_NOCTTY) : -1;
}

static int abstract(const char *name)
{
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	if (s < 0)
		return result(-1);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t n = strlen(name);
	if (n + 1 > sizeof a.sun_path)
		return 2;
	memcpy(a.sun_path + 1, name, n);
	return result(connect(s, (struct sockaddr *)&a,
	                      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)));
}

static int ptrace_child(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	long r = ptrace(PTRACE_ATTACH, pid, NULL, NULL);
	int e = errno;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	errno = e;
	return result(r);
}

/* Serve on a socket of `kind` without the test choosing the port: tcp
 * listens without bind (the kernel picks a port), udp binds port 0. The
 * port goes to portfile (written, then renamed into place), then one
 * connection or datagram is awaited for 5 s: "accepted", "received" or
 * "nothing"; the errno's name when listen/bind fails. */
static int serve(const char *kind, const char *portfile)
{
	int udp = strcmp(kind, "udp") == 0;
	int s = socket(AF_INET, udp ? SOCK_DGRAM : SOCK_STREAM, 0);
	if (s < 0)
		return result(-1);
	if (udp) {
		struct sockaddr_in a = { .sin_family = AF_INET };
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (bind(s, (struct sockaddr *)&a, sizeof a) < 0)
			return result(-1);
	} else if (listen(s, 1) < 0) {
		return result(-1);
	}
	struct sockaddr_in me;
	socklen_t len = sizeof me;
	if (getsockname(s, (struct sockaddr *)&me, &len) < 0)
		return result(-1);
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", portfile);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return result(-1);
	fprintf(f, "%d\n", ntohs(me.sin_port));
	if (fclose(f) != 0 || rename(tmp, portfile) < 0)
		return result(-1);
	struct pollfd p = { .fd = s, .events = POLLIN };
	if (poll(&p, 1, 5000) != 1) {
		puts("nothing");
		return 1;
	}
	puts(udp ? "received" : "accepted");
	return 0;
}

/* A UNIX stream socket and the address of path; -1 (errno set), or -2
 * when the path is too long. */
static int unix_socket(const char *path, struct sockaddr_un *a)
{
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof a->sun_path)
		return -2;
	strcpy(a->sun_path, path);
	return socket(AF_UNIX, SOCK_STREAM, 0);
}

/* A UNIX-socket server at path: bind and listen. */
static int unix_server(const char *path)
{
	struct sockaddr_un a;
	int s = unix_socket(path, &a);
	if (s < 0)
		return s == -2 ? 2 : result(-1);
	if (bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 1) < 0)
		return result(-1);
	unlink(path);
	return result(0);
}

/* Connect to the UNIX socket at path and read one line from it. */
static int unix_client(const char *path)
{
	struct sockaddr_un a;
	int s = unix_socket(path, &a);
	if (s < 0)
		return s == -2 ? 2 : result(-1);
	if (connect(s, (struct sockaddr *)&a, sizeof a) < 0)
		return result(-1);
	char buf[128];
	ssize_t n = read(s, buf, sizeof buf - 1);
	if (n < 0)
		return result(-1);
	buf[n] = '\0';
	printf("ok %s\n", buf);
	return 0;
}

/* The ways of setting inode flags on path, through a read-only descriptor
 * (or the path itself for file_setattr): each adds the harmless "no dump"
 * flag. */
static int inode_flags(const char *how, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return result(-1);
	if (strcmp(how, "setflags") == 0) {
		long flags = 0;
		if (ioctl(fd, FS_IOC_GETFLAGS, &flags) < 0)
			return result(-1);
		flags |= FS_NODUMP_FL;
		return result(ioctl(fd, FS_IOC_SETFLAGS, &flags));
	}
	if (strcmp(how, "setflags32") == 0) {
		int flags = FS_NODUMP_FL;
		return result(ioctl(fd, FS_IOC32_SETFLAGS, &flags));
	}
	if (strcmp(how, "fssetxattr") == 0) {
		struct fsxattr x;
		if (ioctl(fd, FS_IOC_FSGETXATTR, &x) < 0)
			return result(-1);
		x.fsx_xflags |= FS_XFLAG_NODUMP;
		return result(ioctl(fd, FS_IOC_FSSETXATTR, &x));
	}
	if (strcmp(how, "file_setattr") == 0) {
		/* struct file_attr: xflags, extsize, nextents, projid, cowextsize */
		uint64_t attr[3] = { FS_XFLAG_NODUMP, 0, 0 };
		return result(syscall(469, AT_FDCWD, path, attr, sizeof attr, 0));
	}
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	const char *c = argv[1];
	const char *a = argc > 2 ? argv[2] : "";
	errno = 0;
	if (strcmp(c, "socket") == 0)
		return sock(a);
	if (strcmp(c, "socketpair") == 0)
		return pair();
	if (strcmp(c, "socketpair-inet") == 0) {
		int sv[2];
		return result(socketpair(AF_INET, SOCK_STREAM, 0, sv));
	}
	if (strcmp(c, "connect") == 0 || strcmp(c, "bind") == 0)
		return tcp(c, atoi(a));
	if (strcmp(c, "bind-udp") == 0) {
		int s = socket(AF_INET, SOCK_DGRAM, 0);
		struct sockaddr_in sa = { .sin_family = AF_INET };
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return result(s < 0 ? -1 : bind(s, (struct sockaddr *)&sa, sizeof sa));
	}
	if (strcmp(c, "abstract") == 0)
		return abstract(a);
	if (strcmp(c, "serve") == 0 && argc > 3) /* serve tcp|udp PORTFILE */
		return serve(a, argv[3]);
	if (strcmp(c, "unix-server") == 0)
		return unix_server(a);
	if (strcmp(c, "unix-connect") == 0)
		return unix_client(a);
	if ((strcmp(c, "setflags") == 0 || strcmp(c, "setflags32") == 0 ||
	     strcmp(c, "fssetxattr") == 0 || strcmp(c, "file_setattr") == 0))
		return inode_flags(c, a);
	if (strcmp(c, "userfaultfd") == 0)
		return result(syscall(SYS_userfaultfd, 0));
	if (strcmp(c, "userfaultfd-dev") == 0) {
		int fd = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
		return result(fd < 0 ? -1 : ioctl(fd, 0xAA00 /* USERFAULTFD_IOC_NEW */, 0));
	}
	if (strcmp(c, "ptrace") == 0)
		return result(ptrace(PTRACE_ATTACH, (pid_t)atoi(a), NULL, NULL));
	if (strcmp(c, "ptrace-child") == 0)
		return ptrace_child();
	if (strcmp(c, "kill") == 0)
		return result(kill((pid_t)atoi(a), argc > 3 ? atoi(argv[3]) : 0));
	if (strcmp(c, "io_uring") == 0) {
		char params[120] = { 0 }; /* struct io_uring_params */
		return result(syscall(__NR_io_uring_setup, 4, params));
	}
	if (strcmp(c, "tiocsti") == 0 || strcmp(c, "tiocsti-high") == 0 ||
	    strcmp(c, "tioclinux") == 0) {
		int fd = pty_slave();
		if (fd < 0) {
			printf("no pty: %s\n", strerror(errno));
			return 3;
		}
		char ch = 'x', sub = 0; /* TIOCLINUX sub-command 0: nothing */
		if (strcmp(c, "tioclinux") == 0)
			return result(ioctl(fd, TIOCLINUX, &sub));
		unsigned long cmd = TIOCSTI;
		if (strcmp(c, "tiocsti-high") == 0)
			cmd |= 0x100000000UL; /* the kernel only reads the low 32 bits */
		return result(syscall(SYS_ioctl, fd, cmd, &ch));
	}
	if (strcmp(c, "mount") == 0)
		return result(mount("none", a, "tmpfs", 0, NULL));
	if (strcmp(c, "umount") == 0)
		return result(umount2(a, MNT_DETACH));
	if (strcmp(c, "unshare") == 0)
		return result(unshare(CLONE_NEWUSER));
	if (strcmp(c, "unshare-ns") == 0)
		return result(unshare(CLONE_NEWNS));
	if (strcmp(c, "clone-newuser") == 0) {
		long r = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, 0);
		if (r == 0)
			_exit(0);
		if (r > 0)
			waitpid((pid_t)r, NULL, 0);
		return result(r);
	}
	if (strcmp(c, "clone3") == 0) {
		uint64_t args[11] = { 0 }; /* struct clone_args, all zero: a plain fork */
		args[4] = SIGCHLD;         /* exit_signal */
		long r = syscall(435 /* clone3 */, args, sizeof args);
		if (r == 0)
			_exit(0);
		if (r > 0)
			waitpid((pid_t)r, NULL, 0);
		return result(r);
	}
	if (strcmp(c, "fork") == 0) {
		pid_t p = fork();
		if (p == 0)
			_exit(0);
		if (p > 0)
			waitpid(p, NULL, 0);
		return result(p);
	}
	if (strcmp(c, "keyctl") == 0)
		return result(syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3, 0));
	if (strcmp(c, "bpf") == 0)
		return result(syscall(SYS_bpf, 0, NULL, 0));
	if (strcmp(c, "perf") == 0)
		return result(syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
	if (strcmp(c, "process_vm_readv") == 0) {
		char src[4] = "abc", dst[4];
		struct iovec l = { dst, 4 }, r = { src, 4 };
		return result(process_vm_readv(getpid(), &l, 1, &r, 1, 0));
	}
	if (strcmp(c, "init_module") == 0)
		return result(syscall(SYS_init_module, NULL, 0, ""));
	if (strcmp(c, "setns") == 0)
		return result(setns(open("/proc/self/ns/mnt", O_RDONLY), 0));
#ifdef __x86_64__
	if (strcmp(c, "x32") == 0) /* getpid through the x32 ABI */
		return result(syscall(0x40000000 | SYS_getpid));
	if (strcmp(c, "int80") == 0) { /* getpid (20) through the i386 ABI */
		long r;
		__asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory");
		if (r < 0 && r > -4096) {
			errno = (int)-r;
			r = -1;
		}
		return result(r);
	}
#endif
	if (strcmp(c, "ids") == 0) {
		printf("uid=%d euid=%d\n", (int)getuid(), (int)geteuid());
		return 0;
	}
	if (strcmp(c, "write") == 0) { /* write PATH [TEXT] */
		int fd = open(a, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			return result(-1);
		const char *t = argc > 3 ? argv[3] : "x";
		return result(write(fd, t, strlen(t)));
	}
	return 2;
}
