/* tests/sandbox/test_coderun.c -- files that would run code outside the
 * sandbox later: as root, a command plants a nested repository whose config
 * sets core.fsmonitor, a hook, .envrc, .gitmodules, .vscode/tasks.json and a
 * .bashrc below the workspace; after the run none of them exists, an
 * unsandboxed `git status` there runs nothing, and the run said what it
 * removed. Ordinary work stays: git init, a commit and a branch in a new
 * repository, other files. An existing top-level .envrc stays unchanged. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/sandbox/harness.h"

static char out[16384];
static char *ws, *marks;

static void setup(void)
{
	ws = sb_mkws("coderun");
	marks = sb_mkdir_in("/var/tmp", "coderun-marks");
}

static void teardown(void)
{
	sb_rmrf(ws);
	sb_rmrf(marks);
}

TestSuite(coderun, .init = setup, .fini = teardown, .timeout = 60);

static int in_ws(const char *script)
{
	return sb_runl(out, sizeof out, sb_prog("sbexec"), "--read", "/", "--write", ws, "--write",
	               "/dev/null", "--protect", ".git", "--", "sh", "-c", script, NULL);
}

static int exists_in(const char *rel)
{
	char p[4300];
	snprintf(p, sizeof p, "%s/%s", ws, rel);
	return sb_exists(p);
}

Test(coderun, planted_files_are_gone_and_reported_and_ordinary_git_work_stays)
{
	char script[24000], mark[4300];
	snprintf(mark, sizeof mark, "%s/fsmonitor-ran", marks);
	snprintf(script, sizeof script,
	         "set -e; cd '%s'; mkdir -p sub deep/er; cd sub; git init -q; "
	         "git config core.fsmonitor 'touch %s'; "
	         "printf '#!/bin/sh\\ntouch %s\\n' > .git/hooks/post-checkout; chmod +x .git/hooks/post-checkout; "
	         "echo 'touch %s' > .envrc; printf '[submodule \"x\"]\\n' > .gitmodules; "
	         "echo 'touch %s' > .bashrc; mkdir -p ../deep/er/.vscode; echo {} > ../deep/er/.vscode/tasks.json; "
	         "echo notes > notes.txt; echo ok",
	         ws, mark, mark, mark, mark);
	cr_assert_eq(in_ws(script), 0, "%s", out);
	static const char *const gone[] = { "sub/.git/config", "sub/.git/hooks/post-checkout",
	                                    "sub/.envrc", "sub/.gitmodules", "sub/.bashrc",
	                                    "deep/er/.vscode" };
	for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++) {
		cr_expect_not(exists_in(gone[i]), "%s survived the run", gone[i]);
		cr_expect(strstr(out, gone[i]), "%s not reported: %s", gone[i], out);
	}
	cr_expect(exists_in("sub/notes.txt"), "an ordinary file was removed");
	cr_expect(exists_in("sub/.git/HEAD"), "the repository itself was removed");
	/* outside the sandbox, git in there runs nothing */
	char cmd[4600];
	snprintf(cmd, sizeof cmd, "cd '%s/sub' && git status --short >/dev/null 2>&1; "
	         "git checkout -q -b x 2>/dev/null; true", ws);
	sb_runl(out, sizeof out, "sh", "-c", cmd, NULL);
	cr_expect_not(sb_exists(mark), "a planted program ran outside the sandbox");
}

Test(coderun, a_new_repository_commits_and_branches)
{
	char script[5000];
	snprintf(script, sizeof script,
	         "set -e; cd '%s'; mkdir new; cd new; git init -q; echo a > a; git add a; "
	         "git -c user.email=a@b -c user.name=n commit -q -m one; git branch feature; "
	         "git -c user.email=a@b -c user.name=n commit -q --allow-empty -m two; echo ok", ws);
	cr_assert_eq(in_ws(script), 0, "%s", out);
	char cmd[4600];
	snprintf(cmd, sizeof cmd, "cd '%s/new' && git log --oneline | wc -l && git branch --list feature", ws);
	cr_expect_eq(sb_runl(out, sizeof out, "sh", "-c", cmd, NULL), 0, "%s", out);
	cr_expect(strstr(out, "2\n"), "%s", out);
	cr_expect(strstr(out, "feature"), "%s", out);
	cr_expect(exists_in("new/.git/config"), "git init's own config was removed");
}

Test(coderun, an_existing_top_level_envrc_stays_unchanged)
{
	char p[4300];
	snprintf(p, sizeof p, "%s/.envrc", ws);
	sb_write(p, "export A=1\n");
	char script[5000];
	snprintf(script, sizeof script, "echo 'touch /x' >> '%s/.envrc'", ws);
	cr_expect_neq(in_ws(script), 0, "%s", out);
	cr_expect_str_eq(sb_read(p), "export A=1\n");
}
