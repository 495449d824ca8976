# tests/oracle/lib.sh -- sourced by the kernel oracle (tests/oracle/oracle.sh)
# and the prompt-share measurement (bench/prompt-share.sh): what a profile
# decides for a command line (codexrun --explain --json), a fixture
# workspace, and one run of a command in a throwaway copy of it, inside the
# profile's sandbox, under strace, judged by trace.awk.
#
# Safety: commands are only ever run through codexrun (never bare), and the
# callers re-enter themselves in private mount, pid and network namespaces
# (oracle_isolate) with a fresh tmpfs on /tmp, so that what a profile may
# write (/tmp, the workspace copy) and whatever a command leaves running
# disappear with the run; a pids cgroup caps the number of processes when
# one can be made. Every run is time-boxed (ORACLE_TIMEOUT seconds).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
CODEXRUN=${CODEXRUN:-$top_builddir/codexrun}
CODEXPOLC=${CODEXPOLC:-$top_builddir/codexpolc}
ORACLE_TIMEOUT=${ORACLE_TIMEOUT:-10}
oracle_dir=$top_srcdir/tests/oracle

# The compiled image of a stdlib profile.
oracle_image() { printf '%s\n' "$top_builddir/stdlib-policies/$1.bin"; }

# The writable roots and the network grant of a stdlib profile (their
# sandbox blocks; trusted writes everywhere and is never run).
oracle_roots() {
	case $1 in
	offline | net-read-only) printf '/dev/null\n' ;;
	workspace-write | workspace-net | sandbox-only) printf '%s:%s:/tmp:/dev/null\n' "$2" "$3" ;;
	*) printf '/\n' ;;
	esac
}
oracle_net() {
	case $1 in
	net-read-only | workspace-net) printf 'outbound\n' ;;
	trusted) printf 'any\n' ;;
	*) printf 'none\n' ;;
	esac
}

# oracle_decide IMAGE LINE: prints "DECISION<TAB>RULE" for `sh -c LINE`.
oracle_decide() {
	"$CODEXRUN" -p "$1" --audit=none --explain --json -- sh -c "$2" 2>/dev/null |
		sed -n '1s/^{"decision":"\([a-z]*\)","rule":"\(\([^"\\]\|\\.\)*\)".*/\1	\2/p'
}

# oracle_isolate SCRIPT ARGS...: unless already done, run SCRIPT again in
# private namespaces with a tmpfs on /tmp (exec; does not return). Needs root
# and unshare(1); without them it returns 1 and the caller must not run
# commands. Inputs must not live under /tmp, which the tmpfs hides. The
# scratch (fixture, copies, traces) goes to another tmpfs, on /var/lib/codexpol-oracle
# ($ORACLE_SCRATCH), outside every writable root: a command that empties
# /tmp cannot spoil the runs after it.
oracle_isolate() {
	[ -n "${ORACLE_ISOLATED:-}" ] && return 0
	[ "$(id -u)" -eq 0 ] || return 1
	command -v unshare >/dev/null 2>&1 || return 1
	command -v strace >/dev/null 2>&1 || return 1
	case $top_builddir/ in /tmp/*) return 1 ;; esac
	case $top_srcdir/ in /tmp/*) return 1 ;; esac
	unshare -m -p -n -f --mount-proc --propagation private true 2>/dev/null || return 1
	# the scratch tmpfs goes on a folder of its own, so that it never hides
	# the build (which may lie in /var/tmp); not under /run, where codexrun
	# refuses a workspace (a system folder)
	mkdir -p /var/lib/codexpol-oracle 2>/dev/null || return 1
	script=$1
	shift
	ORACLE_ISOLATED=1 CODEXRUN=$CODEXRUN CODEXPOLC=$CODEXPOLC top_srcdir=$top_srcdir \
		top_builddir=$top_builddir exec unshare -m -p -n -f --mount-proc --propagation private \
		sh -c 'mount -t tmpfs -o mode=1777,size=512m oracle-tmp /tmp &&
			mount -t tmpfs -o mode=700,size=512m oracle-scratch /var/lib/codexpol-oracle &&
			TMPDIR=/tmp ORACLE_SCRATCH=/var/lib/codexpol-oracle exec "$@"' oracle sh "$script" "$@"
}

# A pids cgroup (v1 or v2) around the rest of this process's life, when the
# machine lets us make one: a fork bomb stops at ORACLE_PIDS processes.
oracle_cgroup=
oracle_limit_pids() {
	for d in /sys/fs/cgroup/pids /sys/fs/cgroup; do
		[ -w "$d" ] && [ -e "$d/cgroup.procs" ] || continue
		g=$d/codexpol-oracle.$$.$(date +%s%N)
		mkdir "$g" 2>/dev/null || continue
		if echo "${ORACLE_PIDS:-512}" >"$g/pids.max" 2>/dev/null && echo $$ >"$g/cgroup.procs" 2>/dev/null; then
			oracle_cgroup=$g
			oracle_cgroup_parent=$d
			return 0
		fi
		rmdir "$g" 2>/dev/null
	done
	return 1
}
oracle_unlimit_pids() {
	[ -n "$oracle_cgroup" ] || return 0
	echo $$ >"$oracle_cgroup_parent/cgroup.procs" 2>/dev/null
	rmdir "$oracle_cgroup" 2>/dev/null
	oracle_cgroup=
}

# oracle_fixture DIR: DIR/ws, a small git repository of the kind the corpus
# talks about (sources, tests, a Makefile, package files, a tarball), and
# DIR/home, its user's home. It is a project as it stands after a clone:
# its remotes (`origin`, `upstream`) and its submodule are https URLs, its
# package files name dependencies that are not installed (package.json and
# its lock file, requirements.txt, pyproject.toml, pom.xml), so that a
# command that would use the network in a real project (`git pull`, `npm
# ci`, `pip install -e .`, `mvn package`) tries to here too, instead of
# stopping early for want of something to fetch and counting as clean.
oracle_fixture() {
	f=$1
	mkdir -p "$f/ws" "$f/home" && cd "$f/ws" || return 1
	mkdir -p src include tests scripts docs build logs k8s vendor/lib
	printf '# demo\n\nA small project.\nTODO: more\n' >README.md
	printf 'all:\n\ttrue\ntest check:\n\ttrue\nclean:\n\ttrue\n' >Makefile
	printf '#include <stdio.h>\nint main(void) { puts("hi"); return 0; } /* TODO */\n' >src/main.c
	printf 'int lex(void) { return 0; }\n' >src/lexer.c
	printf '#define X 1\n' >include/x.h
	printf 'def test_ok():\n    assert True\n' >tests/test_parser.py
	printf '{"name":"demo","version":"1.0.0","scripts":{"test":"true","build":"true","lint":"true"},"dependencies":{"left-pad":"^1.3.0"}}\n' >package.json
	printf '{"name":"demo","version":"1.0.0","lockfileVersion":3,"requires":true,"packages":{"":{"name":"demo","version":"1.0.0","dependencies":{"left-pad":"^1.3.0"}},"node_modules/left-pad":{"version":"1.3.0","resolved":"https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz","license":"WTFPL"}}}\n' >package-lock.json
	printf 'requests\n' >requirements.txt
	printf '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "demo"\nversion = "1.0.0"\ndependencies = ["requests"]\n' >pyproject.toml
	printf '<project xmlns="http://maven.apache.org/POM/4.0.0">\n  <modelVersion>4.0.0</modelVersion>\n  <groupId>org.example</groupId>\n  <artifactId>demo</artifactId>\n  <version>1.0.0</version>\n  <dependencies>\n    <dependency><groupId>junit</groupId><artifactId>junit</artifactId><version>4.13.2</version><scope>test</scope></dependency>\n  </dependencies>\n</project>\n' >pom.xml
	printf '[submodule "vendor/lib"]\n\tpath = vendor/lib\n\turl = https://github.com/example/lib.git\n' >.gitmodules
	printf '#!/bin/sh\necho setup\n' >scripts/setup.sh
	printf '#!/bin/sh\necho run\n' >run.sh
	chmod +x scripts/setup.sh run.sh
	printf 'a,1\nb,2\n' >data.csv
	printf 'one\ntwo\n' >a.txt
	printf 'one\nthree\n' >b.txt
	printf 'bob\nalice\nbob\n' >names.txt
	printf 'README.md\na.txt\n' >files.txt
	printf 'line\n' >logs/app.log
	printf 'TOKEN=not-a-secret\n' >.env
	tar czf release.tar.gz README.md src 2>/dev/null
	export GIT_AUTHOR_NAME=oracle GIT_AUTHOR_EMAIL=oracle@example.invalid \
		GIT_COMMITTER_NAME=oracle GIT_COMMITTER_EMAIL=oracle@example.invalid
	git init -q -b main . && git add -A &&
		git update-index --add --cacheinfo 160000,0123456789abcdef0123456789abcdef01234567,vendor/lib &&
		git commit -qm 'first' && git update-ref refs/remotes/origin/main HEAD &&
		printf 'more\n' >>README.md && git commit -qam 'second' && git branch feature &&
		git remote add origin https://github.com/example/demo.git &&
		git remote add upstream https://github.com/upstream/demo.git &&
		git symbolic-ref refs/remotes/origin/HEAD refs/remotes/origin/main &&
		git branch -q --set-upstream-to=origin/main main &&
		printf '[user]\n\tname = oracle\n\temail = oracle@example.invalid\n[safe]\n\tdirectory = *\n' >"$f/home/.gitconfig"
}

# oracle_fixture_paths WS LINE: makes in WS (a throwaway copy of the
# fixture) every workspace-relative path LINE names that does not exist
# there yet (fixture-paths.awk says which and whether a folder or a file): a
# folder, or a one-line text file ("fixture", which a shell running it as a
# script cannot find as a program, as it could not find the script before).
# Without them a line such as `install -m 755 build/index /usr/local/bin/`
# fails at once for want of build/index and counts as clean, where in the
# project it is written for it would write outside. Never anything outside
# WS: fixture-paths.awk gives no absolute path and no "..", and this checks
# it again.
oracle_fixture_paths() {
	FIXTURE_LINE=$2 awk -f "$oracle_dir/fixture-paths.awk" </dev/null |
		while IFS='	' read -r kind p; do
			case /$p/ in *//* | */../* | */./*) continue ;; esac
			[ -e "$1/$p" ] && continue
			if [ "$kind" = d ]; then
				mkdir -p "$1/$p"
			else
				mkdir -p "$1/$(dirname "$p")" && printf 'fixture\n' >"$1/$p"
			fi
		done 2>/dev/null
	return 0
}

# oracle_run PROFILE IMAGE LINE SCRATCH: runs `sh -c LINE` through codexrun
# with IMAGE, in a fresh copy of the fixture SCRATCH/fixture (with the paths
# LINE names made: oracle_fixture_paths), under strace,
# and prints trace.awk's findings (nothing when the command kept to its
# profile). The exit status is codexrun's (124/137: timed out), or 127
# when the command's program is not installed here: the shell's own 127, or
# git or docker saying that the subcommand it was asked for is not one of
# its commands (`git svn`, `git send-email` and `docker buildx` are separate
# packages; git and docker then exit 1 without doing anything).
#
# For the measurement's instrument (PROFILE sandbox-only) codexrun is given
# the folder above the copy as the workspace, so that the repository's .git,
# which codexrun keeps read-only in every write root, can be written: a
# `git pull` then goes on to the network as it would in a real project
# instead of stopping at .git/FETCH_HEAD. The findings are still judged
# against the copy itself (a write next to it counts as outside).
oracle_run() {
	rd=$4/run
	rm -rf "$rd"
	mkdir -p "$rd/tmp" "$rd/w" && cp -a "$4/fixture/ws" "$rd/w/ws" && cp -a "$4/fixture/home" "$rd/home" || return 125
	oracle_fixture_paths "$rd/w/ws" "$3"
	wsarg=$rd/w/ws
	[ "$1" = sandbox-only ] && wsarg=$rd/w
	(
		cd "$rd/w/ws" || exit 125
		HOME=$rd/home TMPDIR=$rd/tmp XDG_CONFIG_HOME= XDG_CACHE_HOME= XDG_STATE_HOME= \
			timeout -k 2 "$ORACLE_TIMEOUT" strace -f -y -qq -s 4096 -e signal=none \
			-e trace=%file,%network,%process,fchdir,fchmod,fchown,ftruncate,fsetxattr,fremovexattr -o "$4/trace.log" \
			"$CODEXRUN" -p "$2" --audit=none --approve=never -w "$wsarg" -- sh -c "$3" \
			</dev/null >/dev/null 2>"$4/stderr"
	)
	rc=$?
	grep -Eq "^(git: '[^']*' is not a git command|docker: unknown command: docker )" "$4/stderr" && rc=127
	awk -v roots="$(oracle_roots "$1" "$rd/w/ws" "$rd/tmp")" -v net="$(oracle_net "$1")" \
		-v cwd="$rd/w/ws" -f "$oracle_dir/trace.awk" "$4/trace.log" "$4/trace.log"
	rm -rf "$rd" "$4/trace.log" "$4/stderr"
	return $rc
}

# A scratch folder for a run of the oracle or the measurement.
oracle_scratch() { mktemp -d "${ORACLE_SCRATCH:-${TMPDIR:-/tmp}}/oracle.XXXXXX"; }

# Corpus lines: skips empty lines, comments and repeated lines.
oracle_lines() { cat "$@" | grep -v '^[[:space:]]*\(#\|$\)' | awk '!seen[$0]++'; }
