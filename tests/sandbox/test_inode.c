/* tests/sandbox/test_inode.c -- inode flags and userfaultfd, as root: the
 * flag ioctls (FS_IOC_SETFLAGS, its 32-bit twin, FS_IOC_FSSETXATTR) through
 * a read-only descriptor and file_setattr() by path leave a root-owned
 * file's flags unchanged, outside the write roots and inside them, in a
 * read-only sandbox (seccomp only, no mount namespace) and in one with a
 * writable folder (read-only mount view); userfaultfd is refused both ways
 * (the system call and /dev/userfaultfd). The flags are read back here,
 * outside the sandbox, with FS_IOC_GETFLAGS. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "tests/sandbox/harness.h"

static char out[8192];
static char *outside, *root;
static char file[4200], inside[4200];

static void setup(void)
{
	outside = sb_mkdir_in("/var/tmp", "inode-out");
	root = sb_mkws("inode-root");
	snprintf(file, sizeof file, "%s/system-file", outside);
	snprintf(inside, sizeof inside, "%s/work-file", root);
	sb_write(file, "x");
	sb_write(inside, "x");
}

static void teardown(void)
{
	sb_rmrf(outside);
	sb_rmrf(root);
}

TestSuite(inode, .init = setup, .fini = teardown, .timeout = 60);

static int flags_of(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int f = -1; /* the kernel reads and writes an int */
	if (fd >= 0 && ioctl(fd, FS_IOC_GETFLAGS, &f) < 0)
		f = -1;
	if (fd >= 0)
		close(fd);
	return f;
}

/* sbprobe HOW PATH in a sandbox writing `write` (a folder or /dev/null). */
static int probe(const char *write, const char *how, const char *path)
{
	return sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--write", write,
	               "--net", "none", "--", sb_prog("sbprobe"), how, path, NULL);
}

Test(inode, flags_stay_unchanged_in_every_profile_and_every_way)
{
	cr_assert_eq(geteuid(), 0, "these tests run as root");
	int before = flags_of(file), before_in = flags_of(inside);
	cr_assert_geq(before, 0, "this filesystem has no inode flags");
	/* The control: outside any sandbox, the probe does change them. */
	cr_assert_eq(sb_runl(out, sizeof out, sb_prog("sbprobe"), "setflags", inside, NULL), 0,
	             "%s", out);
	cr_assert(flags_of(inside) & FS_NODUMP_FL, "the probe does not set the flag");
	int flags = before_in;
	int fd = open(inside, O_RDONLY);
	ioctl(fd, FS_IOC_SETFLAGS, &flags);
	close(fd);
	cr_assert_eq(flags_of(inside), before_in);

	static const char *const hows[] = { "setflags", "setflags32", "fssetxattr", "file_setattr" };
	const char *writes[] = { "/dev/null", root };
	for (size_t w = 0; w < 2; w++)
		for (size_t i = 0; i < sizeof hows / sizeof hows[0]; i++) {
			int rc = probe(writes[w], hows[i], file);
			cr_expect_eq(rc, 1, "%s (write %s): %d %s", hows[i], writes[w], rc, out);
			cr_expect(strstr(out, "EPERM"), "%s (write %s): %s", hows[i], writes[w], out);
			cr_expect_eq(flags_of(file), before, "%s (write %s) changed the flags",
			             hows[i], writes[w]);
		}
	/* inside the write root as well (chattr has no use a command needs) */
	for (size_t i = 0; i < sizeof hows / sizeof hows[0]; i++) {
		cr_expect_eq(probe(root, hows[i], inside), 1, "%s: %s", hows[i], out);
		cr_expect_eq(flags_of(inside), before_in, "%s changed the flags in the root", hows[i]);
	}
}

Test(inode, chattr_is_held_too)
{
	int before = flags_of(file);
	cr_expect_neq(sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--write",
	                      "/dev/null", "--net", "none", "--", "chattr", "+i", file, NULL), 0,
	              "%s", out);
	cr_expect_eq(flags_of(file), before, "chattr made it immutable");
	if (flags_of(file) != before) { /* do not leave an immutable file behind */
		int fd = open(file, O_RDONLY);
		ioctl(fd, FS_IOC_SETFLAGS, &before);
		close(fd);
	}
}

Test(inode, userfaultfd_is_refused)
{
	const char *writes[] = { "/dev/null", root };
	for (size_t w = 0; w < 2; w++) {
		cr_expect_eq(probe(writes[w], "userfaultfd", ""), 1, "%s", out);
		cr_expect(strstr(out, "EPERM"), "%s", out);
		if (access("/dev/userfaultfd", F_OK) == 0) {
			cr_expect_eq(probe(writes[w], "userfaultfd-dev", ""), 1, "%s", out);
			cr_expect(strstr(out, "EPERM") || strstr(out, "EACCES"), "%s", out);
		}
	}
	/* the control: outside, the call exists */
	sb_runl(out, sizeof out, sb_prog("sbprobe"), "userfaultfd", NULL);
	cr_expect(!strstr(out, "ENOSYS"), "%s", out);
}
