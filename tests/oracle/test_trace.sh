#!/bin/sh
# tests/oracle/test_trace.sh -- the oracle's trace reader (trace.awk) on
# small hand-written strace logs, as TAP: what it counts as reaching outside
# the sandbox (writes outside the roots by any of the calls that change a
# path, relative ones after chdir/fchdir included; inet sockets, listening
# and datagrams; UNIX sockets of other processes: a daemon, syslog, an
# abstract address) and what it does not (the command's own socket, the C
# library's name-service lookups, the runner's own calls before the command
# starts); and which paths of a command line the oracle makes in its
# throwaway workspace before running it (fixture-paths.awk, through
# oracle_fixture_paths in lib.sh). Runs no command.
. "${top_srcdir:-.}/tests/tools/tap.sh"
awkf=$top_srcdir/tests/oracle/trace.awk

# judge BODY: the findings for a log whose command (pid 101, started by the
# runner, pid 100) made the calls in BODY (one "PID call(...) = result" per
# line; pid 101 unless given), judged with network grant NET (none unless
# given).
judge() {
	{
		echo '100 execve("/usr/bin/codexrun", ["codexrun"], 0x1 /* 1 vars */) = 0'
		echo '100 connect(3<socket:[9]>, {sa_family=AF_UNIX, sun_path="/run/runner.sock"}, 18) = -1 ENOENT (No such file or directory)'
		echo '100 clone(child_stack=NULL, flags=SIGCHLD) = 101'
		echo '101 execve("/bin/sh", ["sh", "-c", "x"], 0x1 /* 1 vars */) = 0'
		printf '%s\n' "$1"
	} >"$scratch/log"
	awk -v roots=/ws:/tmp:/dev/null -v net="${2:-none}" -v cwd=/ws -f "$awkf" "$scratch/log" "$scratch/log"
}
# expect DESCRIPTION WANT BODY [NET]: the findings are exactly WANT
expect() {
	got=$(judge "$3" "${4:-none}")
	if [ "$got" = "$2" ]; then ok "$1"; else fail "$1"; diag "want: $2" "got:  $got"; fi
}
T='	'
plan 24
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
expect "a chmod outside is a write whatever the kernel answers" \
	"write${T}fchmodat${T}/etc/ssh/sshd_config${T}refused" \
	'101 fchmodat(AT_FDCWD</ws>, "/etc/ssh/sshd_config", 0644) = -1 ENOENT (No such file or directory)'
expect "the descriptor forms (fchmod, ftruncate, utimensat on a descriptor) are writes to its path" \
	"write${T}fchmod${T}/etc/hosts${T}refused
write${T}ftruncate${T}/etc/motd${T}refused
write${T}utimensat${T}/etc/issue${T}DONE
write${T}fchownat${T}/etc/group${T}refused" \
	'101 fchmod(3</etc/hosts>, 0600) = -1 EPERM (Operation not permitted)
101 ftruncate(4</etc/motd>, 0) = -1 EBADF (Bad file descriptor)
101 utimensat(5</etc/issue>, NULL, NULL, 0) = 0
101 fchownat(6</etc/group>, "", 0, 0, AT_EMPTY_PATH) = -1 EPERM (Operation not permitted)'
expect "renames, links, symlinks, xattrs and nodes outside are writes" \
	"write${T}renameat2${T}/usr/local/bin/a${T}refused
write${T}linkat${T}/etc/l${T}refused
write${T}symlinkat${T}/root/.bashrc${T}refused
write${T}lsetxattr${T}/usr/bin/sudo${T}refused
write${T}mknodat${T}/dev/sda9${T}refused
write${T}rmdir${T}/var/log${T}refused" \
	'101 renameat2(AT_FDCWD</ws>, "a", AT_FDCWD</ws>, "/usr/local/bin/a", RENAME_NOREPLACE) = -1 EXDEV (Invalid cross-device link)
101 linkat(AT_FDCWD</ws>, "a", AT_FDCWD</ws>, "/etc/l", 0) = -1 EACCES (Permission denied)
101 symlinkat("/ws/a", AT_FDCWD</ws>, "/root/.bashrc") = -1 EACCES (Permission denied)
101 lsetxattr("/usr/bin/sudo", "security.capability", "x", 1, 0) = -1 EPERM (Operation not permitted)
101 mknodat(AT_FDCWD</ws>, "/dev/sda9", S_IFBLK|0600, makedev(0x8, 0x9)) = -1 EPERM (Operation not permitted)
101 rmdir("/var/log") = -1 EACCES (Permission denied)'
expect "a relative path after chdir or fchdir is judged from the new folder" \
	"write${T}unlink${T}/etc/passwd${T}refused
write${T}open${T}/var/x${T}refused" \
	'101 chdir("/etc") = 0
101 unlink("passwd") = -1 EACCES (Permission denied)
101 fchdir(3</var>) = 0
101 open("x", O_WRONLY|O_CREAT, 0644) = -1 EACCES (Permission denied)
101 chdir("../ws") = 0
101 creat("y", 0644) = 3</ws/y>'
expect "a child starts in its parent's folder" \
	"write${T}open${T}/etc/x${T}refused" \
	'101 chdir("/etc") = 0
101 clone(child_stack=NULL, flags=SIGCHLD) = 102
102 open("x", O_RDWR) = -1 EACCES (Permission denied)'
expect "openat2 with O_TRUNC outside is a write, a read is not" \
	"write${T}openat2${T}/etc/shadow${T}refused" \
	'101 openat2(AT_FDCWD</ws>, "/etc/shadow", {flags=O_RDONLY|O_TRUNC, mode=0, resolve=0}, 24) = -1 EACCES (Permission denied)
101 openat2(AT_FDCWD</ws>, "/etc/hosts", {flags=O_RDONLY|O_CLOEXEC, mode=0, resolve=0}, 24) = 3</etc/hosts>'
expect "binding and listening on an inet socket is network use (no network)" \
	"net${T}socket${T}AF_INET SOCK_STREAM${T}refused
net${T}socket${T}AF_INET6 SOCK_STREAM${T}DONE
net${T}bind${T}sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr(\"0.0.0.0\")}${T}refused
net${T}listen${T}inet socket${T}refused" \
	'101 socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = -1 EACCES (Permission denied)
101 socket(AF_INET6, SOCK_STREAM, IPPROTO_IP) = 3<socket:[7]>
101 bind(3<socket:[7]>, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr("0.0.0.0")}, 16) = -1 EACCES (Permission denied)
101 listen(3<socket:[7]>, 5) = -1 EACCES (Permission denied)'
expect "listening and accepting on an inet socket is network use (outbound)" \
	"net${T}listen${T}inet socket${T}refused
net${T}accept4${T}inet socket${T}refused" \
	'101 socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 3<socket:[7]>
101 listen(3<socket:[7]>, 5) = -1 EPERM (Operation not permitted)
101 accept4(3<socket:[7]>, NULL, NULL, SOCK_CLOEXEC) = -1 EINVAL (Invalid argument)' outbound
expect "a UDP datagram or connect is network use (outbound), a name lookup is not" \
	"net${T}sendto${T}sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr(\"10.0.0.1\")}${T}DONE
net${T}connect${T}sa_family=AF_INET, sin_port=htons(123), sin_addr=inet_addr(\"10.0.0.2\")}${T}DONE" \
	'101 socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC, IPPROTO_IP) = 3<socket:[8]>
101 sendto(3<socket:[8]>, "x", 1, 0, {sa_family=AF_INET, sin_port=htons(9), sin_addr=inet_addr("10.0.0.1")}, 16) = 1
101 connect(3<socket:[8]>, {sa_family=AF_INET, sin_port=htons(123), sin_addr=inet_addr("10.0.0.2")}, 16) = 0
101 socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC, IPPROTO_IP) = 4<socket:[9]>
101 connect(4<socket:[9]>, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("127.0.0.53")}, 16) = 0
101 socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 5<socket:[10]>
101 connect(5<socket:[10]>, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("10.0.0.3")}, 16) = 0' outbound

# made LINE: the files (f PATH) and folders (d PATH) oracle_fixture_paths
# makes in a copy of a small workspace (a README.md and a src folder) for
# LINE, sorted, with nothing else anywhere under the scratch folder.
. "$top_srcdir/tests/oracle/lib.sh"
made() {
	rm -rf "$scratch/fx"
	mkdir -p "$scratch/fx/ws/src" && printf 'x\n' >"$scratch/fx/ws/README.md"
	oracle_fixture_paths "$scratch/fx/ws" "$1"
	(cd "$scratch/fx" && find . -mindepth 1 | sort | while IFS= read -r p; do
		case $p in ./ws | ./ws/README.md | ./ws/src) continue ;; esac
		if [ -d "$p" ]; then echo "d ${p#./ws/}"; else echo "f ${p#./ws/}"; fi
	done | tr '\n' ' ')
}
# fixture DESCRIPTION WANT LINE
fixture() {
	got=$(made "$3")
	if [ "$got" = "$2" ]; then ok "$1"; else fail "$1"; diag "want: $2" "got:  $got"; fi
}
fixture "a file the line installs is made, the absolute destination is not" \
	"d build f build/index " 'install -m 755 build/index /usr/local/bin/'
fixture "a folder a shell script cd's into is made, the home and absolute paths are not" \
	"d internal " "bash -c 'cd internal && go test ./... > ~/.ssh/authorized_keys'"
fixture "a file with a known extension and a folder with a trailing slash are made" \
	"f URLs.txt d examples f examples/x.yaml d out " \
	'stat examples/x.yaml && cp README.md out/ && wget --input-file=URLs.txt > /opt/app/config.yml'
fixture "existing paths, the program, .., globs, variables, URLs, sed scripts and mkdir's folders are left alone" \
	"" "./configure --prefix=/usr && cat README.md ../up.txt src/*.c \$D/x.txt https://e.org/a.txt && sed -i 's/a/b/g' README.md && mkdir -p new/sub && touch new/sub/x.txt"
fixture "a named path with another under it is a folder" \
	"d docs d docs/api f docs/api/index.md " 'cd docs; cat docs/api/index.md'
finish
