#!/bin/sh
# tests/oracle/test_trace.sh -- the oracle's trace reader (trace.awk) on
# small hand-written strace logs, as TAP: what it counts as reaching outside
# the sandbox (writes outside the roots, inet sockets, UNIX sockets of other
# processes: a daemon, syslog, an abstract address) and what it does not
# (the command's own socket, the C library's name-service lookups, the
# runner's own calls before the command starts). Runs nothing.
. "${top_srcdir:-.}/tests/tools/tap.sh"
awkf=$top_srcdir/tests/oracle/trace.awk

# judge BODY: the findings for a log whose command (pid 101, started by the
# runner, pid 100) made the calls in BODY (one "PID call(...) = result" per
# line; pid 101 unless given).
judge() {
	{
		echo '100 execve("/usr/bin/codexrun", ["codexrun"], 0x1 /* 1 vars */) = 0'
		echo '100 connect(3<socket:[9]>, {sa_family=AF_UNIX, sun_path="/run/runner.sock"}, 18) = -1 ENOENT (No such file or directory)'
		echo '100 clone(child_stack=NULL, flags=SIGCHLD) = 101'
		echo '101 execve("/bin/sh", ["sh", "-c", "x"], 0x1 /* 1 vars */) = 0'
		printf '%s\n' "$1"
	} >"$scratch/log"
	awk -v roots=/ws:/tmp:/dev/null -v net=none -v cwd=/ws -f "$awkf" "$scratch/log" "$scratch/log"
}
# expect DESCRIPTION WANT BODY: the findings are exactly WANT
expect() {
	got=$(judge "$3")
	if [ "$got" = "$2" ]; then ok "$1"; else fail "$1"; diag "want: $2" "got:  $got"; fi
}
T='	'
plan 10
expect "a container daemon's socket, absent here, is reaching outside" \
	"unix${T}connect${T}/var/run/docker.sock${T}refused" \
	'101 connect(3<socket:[1]>, {sa_family=AF_UNIX, sun_path="/var/run/docker.sock"}, 23) = -1 ENOENT (No such file or directory)'
expect "the system bus, reached, is reaching outside" \
	"unix${T}connect${T}/run/dbus/system_bus_socket${T}DONE" \
	'101 connect(3<socket:[1]>, {sa_family=AF_UNIX, sun_path="/run/dbus/system_bus_socket"}, 110) = 0'
expect "a datagram to syslog is reaching outside" \
	"unix${T}sendto${T}/dev/log${T}DONE" \
	'101 sendto(3<socket:[1]>, "<13>x", 5, MSG_NOSIGNAL, {sa_family=AF_UNIX, sun_path="/dev/log"}, 110) = 5'
expect "another process's socket inside a writable root is reaching outside" \
	"unix${T}connect${T}/tmp/tmux-0/default${T}refused" \
	'101 connect(3<socket:[1]>, {sa_family=AF_UNIX, sun_path="/tmp/tmux-0/default"}, 110) = -1 ECONNREFUSED (Connection refused)'
expect "an abstract address of another process is reaching outside" \
	"unix${T}connect${T}@/tmp/.X11-unix/X0${T}DONE" \
	'101 connect(3<socket:[1]>, {sa_family=AF_UNIX, sun_path=@"/tmp/.X11-unix/X0"}, 20) = 0'
expect "the command's own socket, bound by a child, is not" "" \
	'102 bind(3<socket:[1]>, {sa_family=AF_UNIX, sun_path="/ws/test.sock"}, 110) = 0
101 connect(4<socket:[2]>, {sa_family=AF_UNIX, sun_path="/ws/test.sock"}, 110) = 0'
expect "the command's own abstract address is not" "" \
	'101 bind(3<socket:[1]>, {sa_family=AF_UNIX, sun_path=@"srv"}, 6) = 0
101 connect(4<socket:[2]>, {sa_family=AF_UNIX, sun_path=@"srv"}, 6) = 0'
expect "the C library's name-service lookups are not" "" \
	'101 connect(3<socket:[1]>, {sa_family=AF_UNIX, sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT (No such file or directory)
101 connect(3<socket:[1]>, {sa_family=AF_UNIX, sun_path="/run/systemd/userdb/io.systemd.Multiplexer"}, 110) = -1 ENOENT (No such file or directory)'
expect "an inet socket is network use" \
	"net${T}socket${T}AF_INET SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK${T}refused" \
	'101 socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = -1 EACCES (Permission denied)'
expect "a write outside the roots, and not one inside" \
	"write${T}openat${T}/etc/motd${T}refused" \
	'101 openat(AT_FDCWD</ws>, "out.txt", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 3</ws/out.txt>
101 openat(AT_FDCWD</ws>, "/etc/motd", O_WRONLY|O_CREAT|O_TRUNC, 0666) = -1 EACCES (Permission denied)'
finish
