#!/usr/bin/env python3
"""tests/oracle/corpus/gen_tldr.py -- writes tests/oracle/corpus/tldr.txt: the
example command lines of the tldr pages (CC BY 4.0, see README.md here) of
the tools people run for coding work, one per line, with every {{placeholder}}
filled in with a concrete, plausible word (a file of the fixture workspace,
a branch, a URL) so that each line is a command a person could type.

Deterministic: choices between alternatives ({{[-f|--force]}}) depend only on
the line's text. Reads the pages from a tldr-pages checkout (a git directory,
read with `git show`); never writes anywhere but the output file.

    python3 tests/oracle/corpus/gen_tldr.py GIT_DIR [COMMIT] > tests/oracle/corpus/tldr.txt
"""
import re
import subprocess
import sys
import zlib

# Pages (by name or name prefix ending in '-') of tools used for coding work.
PAGES = """
git- git gh hub docker- docker docker-compose podman- kubectl- kubectl helm terraform
npm- npm npx yarn pnpm node nvm deno bun tsc eslint prettier jest vitest
pip pip- pip3 pipx python python3 pytest tox black ruff flake8 mypy poetry uv uv- virtualenv conda
cargo- cargo rustc rustup rustfmt go- go gofmt make cmake ninja meson gcc g++ clang clang++ cc ld
mvn gradle java javac dotnet ruby gem bundle rake perl php composer
grep egrep rg ag ack find fd sed awk gawk xargs cut tr sort uniq wc head tail cat tac less more
diff patch cmp comm join paste column jq yq xxd hexdump od strings file stat tree du df
ls cp mv rm rmdir mkdir ln touch chmod chown install tee printf echo basename dirname realpath readlink
tar zip unzip gzip gunzip bzip2 xz zstd 7z
curl wget ssh scp rsync sftp nc openssl base64 sha256sum sha1sum md5sum
ps kill pkill pgrep top env timeout nice nohup watch time which whereis type command sudo
strace ltrace gdb valgrind nm objdump readelf ldd strip
sqlite3 psql mysql redis-cli
bash sh zsh dash shellcheck
apt apt-get dpkg systemctl journalctl
date sleep seq yes true false test expr bc
""".split()


def wanted(name):
    for p in PAGES:
        if p.endswith("-") and name.startswith(p):
            return True
        if name == p:
            return True
    return False


NAMED = {
    "directory": "src", "path/to/directory": "src", "file": "README.md",
    "path/to/file": "README.md", "commit": "HEAD~1", "branch_name": "feature",
    "branch": "feature", "remote_name": "origin", "remote": "origin",
    "username": "alice", "user": "alice", "host": "example.com", "hostname": "example.com",
    "port": "8080", "pid": "4242", "tag_name": "v1.2.0", "package": "requests",
    "package_name": "requests", "image": "alpine", "image_name": "alpine",
    "container": "web", "container_name": "web", "pattern": "TODO",
    "search_pattern": "TODO", "string": "hello", "text": "hello", "message": "fix the parser",
    "url": "https://example.com", "file_or_directory": "src", "STRING": "hello", "name": "demo", "number": "3", "n": "3", "count": "3",
    # a remote, a host, a branch, a process, a time, an object: what the
    # line names exists where it is meant to run (the fixture's origin,
    # its branches), so that a push, a clone or a connection does what it
    # says instead of failing on a word that names nothing
    "remote_repository_location": "https://github.com/example/demo.git",
    "repository_url": "https://github.com/example/demo.git",
    "registry_url": "registry.example.com", "remote_host": "example.com",
    "remote_user": "alice", "remote_port": "2222", "local_port": "8080",
    "local_branch": "feature", "remote_branch": "main", "feature_branch": "feature",
    "process_id": "4242", "seconds": "10", "timeout_in_seconds": "5",
    "object": "HEAD", "commit_hash": "HEAD~1", "image:tag": "alpine:latest",
}


# What a {{command}} placeholder (after timeout, watch, nohup, ...) runs.
COMMANDS = ["make test", "npm test", "python3 app.py", "git status", "ls -la", "pytest -q",
            "cargo build", "sleep 1"]


def fill(inner, key):
    # {{[-f|--force]}}: one of the spellings.
    m = re.fullmatch(r"\[([^\]]*)\]", inner)
    if m and "|" in m.group(1):
        alts = m.group(1).split("|")
        return alts[key % len(alts)]
    # foo[.gz|.bz2]: the first alternative.
    inner = re.sub(r"\[([^\]|]*)\|[^\]]*\]", r"\1", inner)
    inner = inner.replace(" ...", "").replace("...", "")
    # {{7z|zip|tar}}: one of the values.
    if "|" in inner and " " not in inner:
        alts = [a for a in inner.split("|") if a]
        return alts[key % len(alts)] if alts else ""
    if inner in ("command", "command_to_execute", "program", "command arguments"):
        return COMMANDS[key % len(COMMANDS)]
    if inner in NAMED:
        return NAMED[inner]
    words = []
    for w in inner.split():
        w = NAMED.get(w, w)
        if w.startswith("path/to/"):
            w = w[len("path/to/"):] or "README.md"
            w = NAMED.get(w, w)
        words.append(w)
    return " ".join(words)


# tldr's notation for keys: a line that starts with <Key> (one word,
# no spaces inside the brackets).
KEYS = re.compile(r"^<[^\s<>]+>")


def main():
    git_dir = sys.argv[1]
    commit = sys.argv[2] if len(sys.argv) > 2 else "HEAD"
    names = subprocess.run(["git", "--git-dir", git_dir, "ls-tree", "-r", "--name-only", commit,
                            "pages/common", "pages/linux"], capture_output=True, text=True,
                           check=True).stdout.split()
    seen = set()
    out = []
    for path in sorted(names):
        page = path.rsplit("/", 1)[1][:-3]
        if not wanted(page):
            continue
        text = subprocess.run(["git", "--git-dir", git_dir, "show", f"{commit}:{path}"],
                              capture_output=True, text=True, check=True).stdout
        for ex in re.findall(r"^`(.+)`$", text, re.M):
            key = zlib.crc32(ex.encode())
            line = re.sub(r"\{\{(.*?)\}\}", lambda m: fill(m.group(1), key), ex)
            line = line.strip()
            if not line or len(line) > 300 or "\t" in line or line in seen:
                continue
            # <F>, </>TODO<Enter>: keys pressed in an interactive program
            # (less, top), not a command line
            if KEYS.match(line):
                continue
            seen.add(line)
            out.append(line)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
