# tests/oracle/trace.awk -- reads one strace log (strace -f -y, file, network
# and process calls) of `codexrun ... -- COMMAND` and prints what the sandboxed
# command attempted that its profile does not grant: one line per attempt,
#   write<TAB>SYSCALL<TAB>PATH<TAB>RESULT      a change to a path outside ROOTS
#   net<TAB>SYSCALL<TAB>ADDRESS<TAB>RESULT     an inet socket or address
#   unix<TAB>SYSCALL<TAB>PATH<TAB>RESULT       a UNIX socket the command did
#                                              not make itself (a daemon's)
# RESULT is "refused" when the call failed, "DONE" when the kernel let it
# happen (the sandbox did not stop it). It judges only processes of the
# command: codexrun's own calls, up to its child's first execve, are not the
# command's.
#
# A connect or send to a UNIX socket reaches whoever listens there: a
# container or service daemon, the system bus, syslog, an X server. It is
# counted unless a process of the trace bound that address itself (a test
# server and its client), or it is the C library's name-service lookup
# (nscd, systemd's user database), which only reads user and group names and
# which nearly every program that prints an owner makes. Abstract addresses
# ("@name") count the same way: they are shared by every process of the
# network namespace. The result does not matter: a daemon absent here
# (ENOENT) is present where the command is meant to run.
#
# A write is any call that changes a path: open/openat/openat2/creat with
# O_WRONLY, O_RDWR, O_CREAT or O_TRUNC, and unlink, rmdir, mkdir, mknod,
# rename, link, symlink, truncate, chmod, chown, utime(s), setxattr and
# removexattr in all their *at, f* (by descriptor: the path strace -y shows)
# and l* forms, whatever the kernel answered: EACCES, EPERM or ENOENT, the
# command tried. Relative paths are resolved against the calling process's
# folder (chdir, fchdir, inherited over fork; strace -y shows it in each
# AT_FDCWD). An empty path with AT_EMPTY_PATH, or a NULL one (utimensat on a
# descriptor), is the descriptor's own path. fchmodat2 is counted when
# strace names it (strace 6.1 does not yet: no C library here calls it).
#
# Network use: with net="none", any inet socket, and any inet address given
# to connect, bind, sendto, sendmsg or accept. With "outbound" (TCP
# connections out), binding a port, listening or accepting on an inet
# socket, and connecting or sending on an inet datagram socket (UDP is not
# part of "outbound"), but for name lookups (port 53), which outbound TCP
# needs.
#
# Variables (-v): roots="/a:/b" (the writable roots; a path is inside when it
# is a root or below one), net="none" (every inet socket counts) or
# "outbound" (see above), cwd=DIR (codexrun's start folder).
# Reads the log twice: awk -f trace.awk -v ... LOG LOG. It never writes files.

function unq(s) {
	# a strace string "..." (escapes kept as written but for \" and \\)
	s = substr(s, 2, length(s) - 2)
	gsub(/\\"/, "\"", s)
	gsub(/\\\\/, "\\", s)
	return s
}

function norm(p,    n, i, parts, out, k, res) {
	n = split(p, parts, "/")
	k = 0
	for (i = 1; i <= n; i++) {
		if (parts[i] == "" || parts[i] == ".")
			continue
		if (parts[i] == "..") {
			if (k > 0)
				k--
			continue
		}
		out[++k] = parts[i]
	}
	res = ""
	for (i = 1; i <= k; i++)
		res = res "/" out[i]
	return res == "" ? "/" : res
}

# DIRFD as printed with -y: AT_FDCWD</dir> or 3</dir>; "" when undecoded.
function fddir(tok,    m) {
	if (match(tok, /<\/[^>]*>$/))
		return substr(tok, RSTART + 1, RLENGTH - 2)
	return ""
}

# The path of a descriptor argument as strace -y prints it (3</a/b>), ""
# for a socket, pipe or undecoded one.
function fdpath(tok) {
	return fddir(tok)
}

# The path an *at call names: DIRFD and PATH (PATH "" or NULL: the
# descriptor itself).
function atpath(fdtok, ptok) {
	if (ptok == "NULL" || ptok == "\"\"")
		return fdpath(fdtok)
	if (!is_str(ptok))
		return ""
	return resolve(fddir(fdtok), unq(ptok))
}

# The socket inode of a descriptor argument or result (3<socket:[123]>).
function sockino(tok) {
	if (match(tok, /<socket:\[[0-9]+\]>/))
		return substr(tok, RSTART + 9, RLENGTH - 11)
	return ""
}

function resolve(dir, p) {
	if (substr(p, 1, 1) == "/")
		return norm(p)
	if (dir == "")
		dir = (pid in pcwd) ? pcwd[pid] : cwd
	return norm(dir "/" p)
}

function ignored(p) {
	# the command's own terminal and standard streams, and the null devices
	if (p ~ /^\/dev\/(null|zero|full|tty|ptmx|stdin|stdout|stderr)$/ || p ~ /^\/dev\/(pts|fd)\//)
		return 1
	if (p ~ /^\/proc\/(self|thread-self|[0-9]+)(\/|$)/)
		return 1
	return 0
}

function inside(p,    i) {
	for (i = 1; i <= nroots; i++)
		if (p == root[i] || index(p, root[i] == "/" ? "/" : root[i] "/") == 1)
			return 1
	return 0
}

function result(s) {
	return (s ~ /^-1 /) ? "refused" : "DONE"
}

function report(kind, call, what, res) {
	key = kind "\t" call "\t" what "\t" res
	if (!(key in seen)) {
		seen[key] = 1
		print key
	}
}

function check_path(call, p, res) {
	if (p == "")
		return
	if (!ignored(p) && !inside(p))
		report("write", call, p, res)
}

# Splits the argument list of a complete call line into a[1..n] (top-level
# commas only) and returns n.
function split_args(s, a,    i, c, depth, inq, cur, n) {
	n = 0; depth = 0; inq = 0; cur = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (inq) {
			cur = cur c
			if (c == "\\") { i++; cur = cur substr(s, i, 1); continue }
			if (c == "\"") inq = 0
			continue
		}
		if (c == "\"") { inq = 1; cur = cur c; continue }
		if (c == "(" || c == "{" || c == "[" || c == "<") depth++
		if (c == ")" || c == "}" || c == "]" || c == ">") depth--
		if (c == "," && depth == 0) { a[++n] = cur; cur = ""; sub(/^ /, "", a[n]); continue }
		cur = cur c
	}
	if (cur != "") { sub(/^ /, "", cur); a[++n] = cur }
	return n
}

function is_str(s) { return substr(s, 1, 1) == "\"" }

# The address of a UNIX socket in a call's arguments, as strace prints it
# ("/path" or "@name", still quoted); "" when there is none.
function unix_addr(s) {
	if (s !~ /sa_family=AF_UNIX/ || !match(s, /sun_path=@?"([^"\\]|\\.)*"/))
		return ""
	s = substr(s, RSTART + 9, RLENGTH - 9)
	return substr(s, 1, 1) == "@" ? "@" unq(substr(s, 2)) : unq(s)
}

# The name-service sockets of the C library and systemd's user database.
function nss_socket(p) {
	return p ~ /^(\/var)?\/run\/nscd\/socket$/ || p ~ /^(\/var)?\/run\/systemd\/userdb\//
}

BEGIN {
	nroots = split(roots, rootlist, ":")
	for (i = 1; i <= nroots; i++)
		root[i] = norm(rootlist[i])
}

# Merge "<unfinished ...>" with its "<... resumed>" line.
{
	line = $0
	pid = $1
	sub(/^[0-9]+ +/, "", line)
	if (line ~ / <unfinished \.\.\.>$/) {
		sub(/ <unfinished \.\.\.>$/, "", line)
		pend[pid] = line
		next
	}
	if (line ~ /^<\.\.\. [a-z0-9_]+ resumed>/) {
		sub(/^<\.\.\. [a-z0-9_]+ resumed>/, "", line)
		line = pend[pid] line
		delete pend[pid]
	}
	if (line !~ /^[a-z0-9_]+\(/)
		next   # signals, exits
	call = line
	sub(/\(.*/, "", call)
	# split "ARGS) = RESULT"
	rest = substr(line, length(call) + 2)
	eq = match(rest, /\) += /)
	if (!eq)
		next
	args = substr(rest, 1, RSTART - 1)
	res = substr(rest, RSTART + RLENGTH)
}

# Pass 1: who started whom, and where each process first ran a program.
FNR == NR {
	if (FNR == 1)
		rootpid = pid
	if ((call == "clone" || call == "clone3" || call == "fork" || call == "vfork") && res ~ /^[0-9]+/)
		parent[res + 0] = pid
	if (call ~ /^execve/ && !(pid in firstexec))
		firstexec[pid] = FNR
	if (call == "bind" && (u = unix_addr(args)) != "")
		bound[u] = 1
	next
}

# Pass 2: the command's calls.
{
	if (pid == rootpid)
		next
	if ((pid in parent) && parent[pid] == rootpid && (!(pid in firstexec) || FNR < firstexec[pid]))
		next
	if (!(pid in pcwd) && (pid in parent) && (parent[pid] in pcwd))
		pcwd[pid] = pcwd[parent[pid]]
	if (match(args, /AT_FDCWD<\/[^>]*>/))
		pcwd[pid] = substr(args, RSTART + 10, RLENGTH - 11)
	if ((call == "clone" || call == "clone3" || call == "fork" || call == "vfork") && res ~ /^[0-9]+/)
		pcwd[res + 0] = (pid in pcwd) ? pcwd[pid] : cwd
	n = split_args(args, a)
	r = result(res)
	if (call == "chdir" && r == "DONE") {
		pcwd[pid] = resolve("", unq(a[1]))
	} else if (call == "fchdir" && r == "DONE") {
		if (fdpath(a[1]) != "")
			pcwd[pid] = fdpath(a[1])
	} else if (call == "open" || call == "creat") {
		if (call == "creat" || a[2] ~ /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC/)
			check_path(call, resolve("", unq(a[1])), r)
	} else if (call == "openat" || call == "openat2") {
		if (a[3] ~ /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC/ && is_str(a[2]))
			check_path(call, resolve(fddir(a[1]), unq(a[2])), r)
	} else if (call ~ /^(unlink|rmdir|mkdir|truncate|chmod|chown|lchown|utime|utimes|mknod|setxattr|lsetxattr|removexattr|lremovexattr)$/) {
		if (is_str(a[1]))
			check_path(call, resolve("", unq(a[1])), r)
	} else if (call ~ /^(fchmod|fchown|ftruncate|fsetxattr|fremovexattr)$/) {
		check_path(call, fdpath(a[1]), r)
	} else if (call ~ /^(unlinkat|mkdirat|mknodat|fchmodat|fchmodat2|fchownat|utimensat|futimesat)$/) {
		check_path(call, atpath(a[1], a[2]), r)
	} else if (call == "rename" || call == "link" || call == "symlink") {
		if (call == "rename" && is_str(a[1]))
			check_path(call, resolve("", unq(a[1])), r)
		if (is_str(a[2]))
			check_path(call, resolve("", unq(a[2])), r)
	} else if (call == "renameat" || call == "renameat2" || call == "linkat") {
		if (call != "linkat" && is_str(a[2]))
			check_path(call, resolve(fddir(a[1]), unq(a[2])), r)
		if (is_str(a[4]))
			check_path(call, resolve(fddir(a[3]), unq(a[4])), r)
	} else if (call == "symlinkat") {
		if (is_str(a[3]))
			check_path(call, resolve(fddir(a[2]), unq(a[3])), r)
	} else if (call == "socket") {
		if (a[1] ~ /^AF_INET6?$/ && (ino = sockino(res)) != "")
			sockkind[ino] = a[2] ~ /SOCK_DGRAM/ ? "udp" : "inet"
		if (net == "none" && a[1] ~ /^AF_INET6?$/)
			report("net", call, a[1] " " a[2], r)
	} else if (call == "listen") {
		if ((ino = sockino(a[1])) != "" && (ino in sockkind))
			report("net", call, "inet socket", r)
	} else if (call ~ /^(connect|sendto|sendmsg|sendmmsg|bind|accept|accept4)$/) {
		if (call != "bind" && (u = unix_addr(args)) != "") {
			if (!(u in bound) && !nss_socket(u))
				report("unix", call, u, r)
		}
		ino = sockino(a[1])
		addr = ""
		if (args ~ /sa_family=AF_INET6?[,}]/) {
			addr = args
			if (match(addr, /sa_family=AF_INET6?[^}]*}/))
				addr = substr(addr, RSTART, RLENGTH)
		}
		if (net == "none") {
			if (addr != "")
				report("net", call, addr, r)
		} else if (call == "bind") {
			if (addr != "" && addr !~ /sin6?_port=htons\(0\)/)
				report("net", call, addr, r)
		} else if (call ~ /^accept/) {
			if ((ino != "" && (ino in sockkind)) || addr != "")
				report("net", call, addr != "" ? addr : "inet socket", r)
		} else if (ino != "" && (ino in sockkind) && sockkind[ino] == "udp" && addr !~ /sin6?_port=htons\(53\)/) {
			report("net", call, addr != "" ? addr : "udp socket", r)
		}
	}
}
