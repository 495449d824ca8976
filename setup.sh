#!/bin/sh
# setup.sh -- make a fresh Debian 12 machine ready to build and test codexpol:
# install the Debian packages the build, the tests and the benchmarks need
# (only when some are missing; needs root for that), then configure and build.
# Extra arguments go to ./configure (e.g. ./setup.sh --enable-sanitizers).
set -eu
cd "$(dirname "$0")"

# Build: compiler, autotools, the lexer and parser generators, the libraries.
# Tests: curl wget netcat python3 iproute2 jq (real network and audit tests),
# strace (the kernel oracle, tests/oracle),
# clang + libclang-rt-14-dev (fuzzing), valgrind. Bench: hyperfine, bubblewrap
# and libhyperscan-dev as baselines.
PACKAGES="build-essential autoconf automake libtool pkg-config re2c lemon \
libxxhash-dev libcriterion-dev libseccomp-dev bash-completion \
curl wget netcat-openbsd python3 jq iproute2 util-linux procps strace \
clang libclang-rt-14-dev valgrind hyperfine bubblewrap"
case "$(uname -m)" in x86_64) PACKAGES="$PACKAGES libhyperscan-dev" ;; esac
# Agent tests (tests/agents/): git, and node with npm, which installs the agents'
# CLIs and the MCP SDK into a cache folder below. NodeSource's nodejs carries
# npm; Debian's does not.
PACKAGES="$PACKAGES git"
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES nodejs npm"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup.sh: these Debian packages are missing:$missing; run as root (or sudo ./setup.sh)" >&2
		exit 1
	fi
	echo "setup.sh: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends $missing
fi

[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure "$@"
make -j"$(nproc)"

# The npm packages the agent tests drive, once, into their cache folder
# (tests/agents/install.sh); without them those tests are skipped.
tests/agents/install.sh ||
	echo "setup.sh: the agent tests' npm packages are not installed; those tests will be skipped" >&2
