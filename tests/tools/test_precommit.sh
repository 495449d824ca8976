#!/bin/sh
# tests/tools/test_precommit.sh -- the pre-commit hooks, for real: in a
# scratch git repository with pre-commit installed as its hook and the built
# codexpolc first on PATH, a commit of a broken policy fails (with the
# file:line:col diagnostic) and a good one passes; once with the hooks of
# this source tree's .pre-commit-hooks.yaml (a repository given by path),
# once with the `repo: local` configuration of README-tools.md. Skipped when
# pre-commit or git is not installed.
. "${top_srcdir:-.}/tests/tools/tap.sh"
plan 16
if ! command -v pre-commit > /dev/null 2>&1 || ! command -v git > /dev/null 2>&1; then
	i=0
	while [ $i -lt 16 ]; do skip "pre-commit or git is not installed"; i=$((i + 1)); done
	finish
fi
mkdir "$scratch/bin"
ln -s "$CODEXPOLC" "$scratch/bin/codexpolc"
PATH=$scratch/bin:$PATH
PRE_COMMIT_HOME=$scratch/pre-commit-cache
GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.invalid
GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.invalid
GIT_CONFIG_NOSYSTEM=1 HOME=$scratch
export PATH PRE_COMMIT_HOME GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL \
	GIT_CONFIG_NOSYSTEM HOME
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE

# The hooks of this tree, as a repository of their own.
mkdir "$scratch/hooks"
cp "$top_srcdir/.pre-commit-hooks.yaml" "$scratch/hooks/"
(cd "$scratch/hooks" && git init -q && git add . && git commit -qm hooks) || { echo "Bail out! git"; exit 1; }
rev=$(cd "$scratch/hooks" && git rev-parse HEAD)

good='policy "good";
allow program "ls";
test {
    allow "ls -la";
}
'
broken='policy "broken";
allow program ;
'

# attempt NAME CONFIG: the two commits in a fresh repository
attempt() {
	name=$1
	repo=$scratch/$name
	mkdir "$repo"
	cd "$repo" || exit 99
	git init -q
	printf '%s' "$2" > .pre-commit-config.yaml
	pre-commit install > install.log 2>&1
	check "$name: pre-commit install ($(tail -1 install.log))" test -x .git/hooks/pre-commit
	printf '%s' "$good" > good.cpol
	git add .pre-commit-config.yaml good.cpol
	git commit -qm good > good.log 2>&1
	rc=$?
	check "$name: a good policy is committed (rc=$rc)" test "$rc" -eq 0
	check "$name: the hook ran and passed" grep -q 'cpol lint.*Passed' good.log
	printf '%s' "$broken" > broken.cpol
	git add broken.cpol
	git commit -qm broken > broken.log 2>&1
	rc=$?
	check "$name: a broken policy is refused (rc=$rc)" test "$rc" -ne 0
	check "$name: the hook names the error as file:line:col" grep -q '^broken.cpol:2:15: error: ' broken.log
	check "$name: nothing was committed" test "$(git rev-list --count HEAD)" -eq 1
	diag "$(cat broken.log)"
	cd "$scratch" || exit 99
}

attempt by-path "repos:
  - repo: $scratch/hooks
    rev: $rev
    hooks:
      - id: cpol-lint
"
# The format hook: an untidy policy is rewritten and the commit stopped;
# committed again as rewritten, it passes.
mkdir "$scratch/fmt"
cd "$scratch/fmt" || exit 99
git init -q
printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: cpol-fmt\n' "$scratch/hooks" "$rev" \
	> .pre-commit-config.yaml
pre-commit install > install.log 2>&1
printf 'policy   "untidy" ;allow  program "ls","cat";\n' > untidy.cpol
git add .pre-commit-config.yaml untidy.cpol
git commit -qm untidy > fmt1.log 2>&1
rc=$?
check "cpol-fmt: an untidy policy stops the commit (rc=$rc)" test "$rc" -ne 0
check "cpol-fmt: pre-commit says the hook changed files" grep -q 'files were modified by this hook' fmt1.log
check "cpol-fmt: the file is in the canonical layout now" \
	test "$(cat untidy.cpol)" = "$(printf 'policy "untidy";\nallow program "ls", "cat";')"
git add untidy.cpol
git commit -qm tidy > fmt2.log 2>&1
rc=$?
check "cpol-fmt: committed once formatted (rc=$rc)" test "$rc" -eq 0
cd "$scratch" || exit 99

attempt local 'repos:
  - repo: local
    hooks:
      - id: cpol-lint
        name: cpol lint
        entry: codexpolc --lint
        language: system
        files: \.cpol$
'
finish
