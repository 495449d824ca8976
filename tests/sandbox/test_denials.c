/* tests/sandbox/test_denials.c -- the audit records of Landlock and seccomp
 * (their text as this kernel writes it) turned into the descriptions that
 * reach the exit record; the collection itself is tested end to end in
 * tests/e2e/test_denials.c. */
#include <criterion/criterion.h>
#include <string.h>

#include "sandbox/denials.h"

static char out[1024];

static const char *d(int type, const char *text)
{
	if (cpol_denials_describe(type, text, out, sizeof out) < 0)
		return NULL;
	return out;
}

Test(denials, landlock_file_records)
{
	cr_assert_str_eq(d(1423, "domain=1f6a315ec blockers=fs.write_file path=\"/etc/hosts\" dev=\"vda\" ino=5"),
	                 "write /etc/hosts (Landlock)");
	cr_assert_str_eq(d(1423, "domain=1 blockers=fs.make_reg path=\"/etc\" dev=\"vda\" ino=2"),
	                 "create a file in /etc (Landlock)");
	cr_assert_str_eq(d(1423, "domain=1 blockers=fs.read_file,fs.execute path=\"/root/.ssh/id_rsa\" ino=2"),
	                 "read /root/.ssh/id_rsa (Landlock)");
	/* a name with a space is hex-encoded by audit */
	cr_assert_str_eq(d(1423, "domain=1 blockers=fs.remove_file path=2F746D702F6120620A dev=\"vda\" ino=2"),
	                 "remove a file in /tmp/a b\n (Landlock)");
	cr_assert_str_eq(d(1423, "domain=1 blockers=fs.future_right path=\"/x\""), "fs.future_right /x (Landlock)");
}

Test(denials, landlock_network_and_scope_records)
{
	cr_assert_str_eq(d(1423, "domain=1 blockers=net.connect_tcp daddr=127.0.0.1 dest=443"),
	                 "connect 127.0.0.1:443 (network)");
	cr_assert_str_eq(d(1423, "domain=1 blockers=net.connect_tcp daddr=::1 dest=80"), "connect [::1]:80 (network)");
	cr_assert_str_eq(d(1423, "domain=1 blockers=net.bind_tcp saddr=0.0.0.0 src=8080"),
	                 "bind port 8080 (network)");
	cr_assert_str_eq(d(1423, "domain=1 blockers=scope.signal opid=1 ocomm=\"init\""),
	                 "signal a process outside the sandbox (Landlock)");
	cr_assert_null(d(1423, "domain=1"));
}

Test(denials, seccomp_records)
{
	cr_assert_str_eq(d(1326, "auid=4294967295 uid=0 pid=6344 comm=\"python3\" sig=0 arch=c000003e syscall=41 "
	                         "compat=0 ip=0x7f code=0x50000"),
	                 "socket for a network other than UNIX sockets (network)");
	cr_assert_str_eq(d(1326, "pid=1 arch=c000003e syscall=165 compat=0 code=0x50000"), "mount (seccomp)");
	cr_assert_str_eq(d(1326, "pid=1 arch=c000003e syscall=50 compat=0 code=0x50000"),
	                 "listen (network: no bind port granted)");
	/* clone3's ENOSYS is the C library's fallback, an allowed call is none */
	cr_assert_null(d(1326, "pid=1 arch=c000003e syscall=435 compat=0 code=0x50000"));
	cr_assert_null(d(1326, "pid=1 arch=c000003e syscall=41 compat=0 code=0x7ffc0000"));
	cr_assert_null(d(1300, "arch=c000003e syscall=41"));
}
