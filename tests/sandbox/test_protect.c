/* tests/sandbox/test_protect.c -- protected paths inside a writable
 * workspace: .git and its config and hooks, gitfiles and symlinks, paths
 * that do not exist yet (placeholders), as root and as an ordinary user (user
 * namespace), with the mount(2) fallback, with concurrent runs and with a
 * process left running after the command. Everything is checked on disk. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/sandbox/harness.h"

#define NOBODY 65534

static char *ws, *ws2;
static char out[8192];

static void setup(void)
{
	ws = sb_mkws("protect");
	ws2 = sb_mkws("protect2");
}

static void teardown(void)
{
	sb_rmrf(ws);
	sb_rmrf(ws2);
}

TestSuite(protect, .init = setup, .fini = teardown, .timeout = 60);

static const char *P(const char *dir, const char *name)
{
	static char buf[4][1024];
	static int next;
	char *b = buf[next++ % 4];
	snprintf(b, sizeof buf[0], "%.500s/%.500s", dir, name);
	return b;
}

static void make_repo(const char *dir)
{
	mkdir(P(dir, ".git"), 0755);
	mkdir(P(dir, ".git/hooks"), 0755);
	sb_write(P(dir, ".git/config"), "[core]\n");
	sb_write(P(dir, ".git/HEAD"), "ref: refs/heads/main\n");
}

static void chown_tree(const char *dir, int uid)
{
	char ids[32];
	snprintf(ids, sizeof ids, "%d:%d", uid, uid);
	cr_assert_eq(sb_runl(NULL, 0, "chown", "-R", ids, dir, NULL), 0);
}

/* sbexec [extra...] --read / --write WS --write /dev/null --protect .git
 * [--protect EXTRA] -- sh -c SCRIPT; extra options come as a NULL-ended list. */
static int run_sh(const char *const *extra, const char *script)
{
	const char *argv[64];
	size_t n = 0;
	argv[n++] = sb_prog("sbexec");
	for (size_t i = 0; extra && extra[i]; i++)
		argv[n++] = extra[i];
	const char *fixed[] = { "--read", "/", "--write", ws, "--write", "/dev/null",
	                        "--protect", ".git", "--", "sh", "-c", script, NULL };
	for (size_t i = 0; fixed[i]; i++)
		argv[n++] = fixed[i];
	argv[n] = NULL;
	return sb_run(out, sizeof out, argv);
}

static void git_config_and_hooks_are_read_only(const char *const *extra)
{
	make_repo(ws);
	if (extra && extra[0] && strcmp(extra[0], "--uid") == 0)
		chown_tree(ws, NOBODY);
	char script[4096];
	snprintf(script, sizeof script,
	         "cd %s; echo pwn >> .git/config; touch .git/hooks/post-checkout; "
	         "mkdir .git/hooks/d; rm -rf .git; mv .git g2; chmod 777 .git/config; "
	         "echo fine > ok", ws);
	cr_expect_eq(run_sh(extra, script), 0, "%s", out);
	cr_expect(strstr(out, "Read-only file system"), "%s", out);
	cr_expect_str_eq(sb_read(P(ws, ".git/config")), "[core]\n");
	cr_expect_not(sb_exists(P(ws, ".git/hooks/post-checkout")));
	cr_expect_not(sb_exists(P(ws, ".git/hooks/d")));
	cr_expect_not(sb_exists(P(ws, "g2")));
	cr_expect_str_eq(sb_read(P(ws, ".git/HEAD")), "ref: refs/heads/main\n");
	cr_expect_str_eq(sb_read(P(ws, "ok")), "fine\n", "the workspace itself stays writable");
	struct stat st;
	cr_expect_eq(stat(P(ws, ".git/config"), &st), 0);
	cr_expect_eq(st.st_mode & 0777, 0644);
}

Test(protect, git_config_and_hooks_are_read_only_as_root)
{
	git_config_and_hooks_are_read_only(NULL);
}

Test(protect, git_config_and_hooks_are_read_only_as_a_user)
{
	const char *extra[] = { "--uid", "65534", NULL };
	git_config_and_hooks_are_read_only(extra);
}

Test(protect, git_config_and_hooks_are_read_only_with_mount2)
{
	const char *extra[] = { "--classic-mount", NULL };
	git_config_and_hooks_are_read_only(extra);
}

Test(protect, git_config_and_hooks_are_read_only_as_a_user_with_mount2)
{
	const char *extra[] = { "--uid", "65534", "--classic-mount", NULL };
	git_config_and_hooks_are_read_only(extra);
}

Test(protect, a_cwd_inside_git_does_not_bypass_the_bind)
{
	make_repo(ws);
	char script[4096];
	/* cd first, outside the sandbox: the sandbox starts with its cwd there */
	snprintf(script, sizeof script,
	         "cd %s/.git/hooks && exec %s --read / --write %s --protect .git -- "
	         "sh -c 'echo pwn > post-commit; echo pwn >> ../config; pwd'",
	         ws, sb_prog("sbexec"), ws);
	cr_expect_eq(sb_runl(out, sizeof out, "sh", "-c", script, NULL), 0, "%s", out);
	cr_expect_not(sb_exists(P(ws, ".git/hooks/post-commit")), "%s", out);
	cr_expect_str_eq(sb_read(P(ws, ".git/config")), "[core]\n");
}

static void missing_paths_cannot_be_created(const char *const *extra)
{
	if (extra && extra[0] && strcmp(extra[0], "--uid") == 0)
		chown_tree(ws, NOBODY);
	const char *argv_extra[16];
	size_t n = 0;
	for (size_t i = 0; extra && extra[i]; i++)
		argv_extra[n++] = extra[i];
	argv_extra[n++] = "--protect";
	argv_extra[n++] = "secrets";
	argv_extra[n++] = "--protect";
	argv_extra[n++] = "a/b/c";
	argv_extra[n] = NULL;
	char script[4096];
	snprintf(script, sizeof script,
	         "cd %s; mkdir .git; git init -q . ; touch .git; mkdir secrets; touch secrets/x; "
	         "ln -s /tmp secrets; mkdir -p a/b/c; touch a; rmdir secrets; mv secrets s2; "
	         "test -d secrets && echo placeholder-seen; echo fine > ok", ws);
	cr_expect_eq(run_sh(argv_extra, script), 0, "%s", out);
	cr_expect(strstr(out, "placeholder-seen"), "%s", out);
	cr_expect_str_eq(sb_read(P(ws, "ok")), "fine\n");
	/* after the run: nothing was created, and the placeholders are gone */
	cr_expect_not(sb_exists(P(ws, ".git")), "%s", out);
	cr_expect_not(sb_exists(P(ws, "secrets")), "%s", out);
	cr_expect_not(sb_exists(P(ws, "s2")));
	cr_expect_not(sb_exists(P(ws, "a")), "%s", out);
}

Test(protect, missing_paths_cannot_be_created_as_root)
{
	missing_paths_cannot_be_created(NULL);
}

Test(protect, missing_paths_cannot_be_created_as_a_user)
{
	const char *extra[] = { "--uid", "65534", NULL };
	missing_paths_cannot_be_created(extra);
}

Test(protect, missing_paths_cannot_be_created_with_mount2)
{
	const char *extra[] = { "--classic-mount", NULL };
	missing_paths_cannot_be_created(extra);
}

Test(protect, git_is_protected_in_every_write_root)
{
	make_repo(ws2);
	char script[4096];
	snprintf(script, sizeof script, "mkdir %s/.git; echo x >> %s/.git/config; echo fine > %s/ok",
	         ws, ws2, ws2);
	const char *extra[] = { "--write", ws2, NULL };
	cr_expect_eq(run_sh(extra, script), 0, "%s", out);
	cr_expect_not(sb_exists(P(ws, ".git")));
	cr_expect_str_eq(sb_read(P(ws2, ".git/config")), "[core]\n");
	cr_expect_str_eq(sb_read(P(ws2, "ok")), "fine\n");
}

Test(protect, an_absolute_protected_path)
{
	mkdir(P(ws, "conf"), 0755);
	sb_write(P(ws, "conf/app.ini"), "orig\n");
	char script[4096];
	snprintf(script, sizeof script, "echo pwn > %s/conf/app.ini; echo fine > %s/conf/other",
	         ws, ws);
	const char *extra[] = { "--protect", P(ws, "conf/app.ini"), NULL };
	cr_expect_eq(run_sh(extra, script), 0, "%s", out);
	cr_expect_str_eq(sb_read(P(ws, "conf/app.ini")), "orig\n");
	cr_expect_str_eq(sb_read(P(ws, "conf/other")), "fine\n");
}

Test(protect, a_gitfile_protects_the_worktree_gitdir_and_commondir)
{
	/* ws2/repo is a repository with a worktree at ws; both are writable */
	mkdir(P(ws2, "repo"), 0755);
	char repo[600];
	snprintf(repo, sizeof repo, "%.590s", P(ws2, "repo"));
	make_repo(repo);
	mkdir(P(repo, ".git/worktrees"), 0755);
	mkdir(P(repo, ".git/worktrees/wt"), 0755);
	sb_write(P(repo, ".git/worktrees/wt/commondir"), "../..\n");
	sb_write(P(repo, ".git/worktrees/wt/HEAD"), "orig\n");
	char gitfile[1200];
	snprintf(gitfile, sizeof gitfile, "gitdir: %s/.git/worktrees/wt\n", repo);
	sb_write(P(ws, ".git"), gitfile);
	char script[8192];
	snprintf(script, sizeof script,
	         "echo pwn > %s/.git; echo pwn > %s/.git/worktrees/wt/HEAD; "
	         "echo pwn >> %s/.git/config; touch %s/.git/hooks/pre-commit; echo fine > %s/x",
	         ws, repo, repo, repo, repo);
	const char *extra[] = { "--write", ws2, NULL };
	cr_expect_eq(run_sh(extra, script), 0, "%s", out);
	cr_expect_str_eq(sb_read(P(ws, ".git")), gitfile);
	cr_expect_str_eq(sb_read(P(repo, ".git/worktrees/wt/HEAD")), "orig\n");
	cr_expect_str_eq(sb_read(P(repo, ".git/config")), "[core]\n");
	cr_expect_not(sb_exists(P(repo, ".git/hooks/pre-commit")));
	cr_expect_str_eq(sb_read(P(repo, "x")), "fine\n");
}

Test(protect, a_symlinked_git_cannot_be_swapped_or_written)
{
	make_repo(ws2);
	cr_assert_eq(symlink(P(ws2, ".git"), P(ws, ".git")), 0);
	char script[4096];
	snprintf(script, sizeof script,
	         "cd %s; echo pwn >> .git/config; rm .git; mv .git g; mkdir -p g/hooks; "
	         "ln -sfn g .git; echo fine > ok", ws);
	const char *extra[] = { "--write", ws2, NULL };
	cr_expect_eq(run_sh(extra, script), 0, "%s", out);
	char target[1024] = "";
	cr_expect_gt(readlink(P(ws, ".git"), target, sizeof target - 1), 0);
	cr_expect_str_eq(target, P(ws2, ".git"));
	cr_expect_str_eq(sb_read(P(ws2, ".git/config")), "[core]\n");
	cr_expect_str_eq(sb_read(P(ws, "ok")), "fine\n");
}

Test(protect, an_empty_directory_of_the_user_is_not_removed)
{
	mkdir(P(ws, "secrets"), 0700);
	const char *extra[] = { "--protect", "secrets", NULL };
	cr_expect_eq(run_sh(extra, "true"), 0, "%s", out);
	struct stat st;
	cr_expect_eq(stat(P(ws, "secrets"), &st), 0, "the user's directory was removed");
	cr_expect_eq(st.st_mode & 0777, 0700);
}

static int wait_for(const char *path, int ms)
{
	for (int i = 0; i < ms / 20; i++) {
		if (sb_exists(path))
			return 1;
		usleep(20000);
	}
	return sb_exists(path);
}

Test(protect, a_placeholder_outlives_a_concurrent_run)
{
	/* A starts first and outlives B; B's end must not free the path for A. */
	char script[4096];
	snprintf(script, sizeof script,
	         "sleep 1.5; mkdir %s/secrets && echo BREACH; touch %s/secrets/x && echo BREACH; "
	         "echo a-done", ws, ws);
	fflush(NULL);
	int p[2];
	cr_assert_eq(pipe(p), 0);
	pid_t a = fork();
	if (a == 0) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		execl(sb_prog("sbexec"), "sbexec", "--read", "/", "--write", ws, "--protect",
		      "secrets", "--", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	cr_assert(wait_for(P(ws, "secrets"), 3000), "A made no placeholder");
	const char *extra[] = { "--protect", "secrets", NULL };
	cr_expect_eq(run_sh(extra, "true"), 0, "B: %s", out);
	cr_expect(sb_exists(P(ws, "secrets")), "B removed the placeholder A still uses");
	char aout[4096] = "";
	size_t used = 0;
	ssize_t n;
	while ((n = read(p[0], aout + used, sizeof aout - 1 - used)) > 0)
		used += (size_t)n;
	aout[used] = '\0';
	close(p[0]);
	int status;
	waitpid(a, &status, 0);
	cr_expect(strstr(aout, "a-done"), "%s", aout);
	cr_expect_not(strstr(aout, "BREACH"), "%s", aout);
	cr_expect_not(sb_exists(P(ws, "secrets")), "the last run did not clean up");
}

Test(protect, a_placeholder_outlives_a_process_left_running)
{
	char script[4096];
	snprintf(script, sizeof script,
	         "(sleep 1; mkdir %s/secrets && echo BREACH > %s/breach; "
	         " touch %s/secrets/x && echo BREACH > %s/breach; echo done > %s/done) "
	         "</dev/null >/dev/null 2>&1 &",
	         ws, ws, ws, ws, ws);
	const char *extra[] = { "--protect", "secrets", NULL };
	cr_expect_eq(run_sh(extra, script), 0, "%s", out);
	/* sbexec has returned; the background process still runs in the sandbox */
	cr_expect(sb_exists(P(ws, "secrets")), "placeholder removed under a live sandbox");
	cr_assert(wait_for(P(ws, "done"), 5000), "the background process did not finish");
	cr_expect_not(sb_exists(P(ws, "breach")), "%s", sb_read(P(ws, "breach")));
	/* once it is gone, the next run that uses the placeholder removes it */
	int removed = 0;
	for (int i = 0; i < 50 && !removed; i++) {
		cr_expect_eq(run_sh(extra, "true"), 0, "%s", out);
		removed = !sb_exists(P(ws, "secrets"));
		if (!removed)
			usleep(100000);
	}
	cr_expect(removed, "the leftover placeholder was never removed");
}

Test(protect, a_placeholder_the_user_filled_is_kept)
{
	char script[4096];
	snprintf(script, sizeof script, "sleep 1");
	fflush(NULL);
	pid_t a = fork();
	if (a == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(null, 2);
		execl(sb_prog("sbexec"), "sbexec", "--read", "/", "--write", ws, "--protect",
		      "secrets", "--", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
	cr_assert(wait_for(P(ws, "secrets"), 3000));
	sb_write(P(ws, "secrets/mine"), "user data\n"); /* outside the sandbox */
	int status;
	waitpid(a, &status, 0);
	cr_expect_eq(WEXITSTATUS(status), 0);
	cr_expect_str_eq(sb_read(P(ws, "secrets/mine")), "user data\n");
}

Test(protect, fails_closed_when_a_placeholder_cannot_be_made)
{
	/* nobody cannot create anything in a root-owned 0755 workspace */
	const char *extra[] = { "--uid", "65534", "--protect", "secrets", NULL };
	cr_expect_eq(run_sh(extra, "echo RAN"), 125, "%s", out);
	cr_expect_not(strstr(out, "RAN"), "%s", out);
	cr_expect(strstr(out, "secrets"), "%s", out);
}

Test(protect, a_protected_path_with_dotdot_is_refused)
{
	const char *extra[] = { "--protect", "../x", NULL };
	cr_expect_eq(run_sh(extra, "echo RAN"), 125, "%s", out);
	cr_expect_not(strstr(out, "RAN"), "%s", out);
}

Test(protect, trusted_mode_protects_nothing)
{
	make_repo(ws);
	char script[4096];
	snprintf(script, sizeof script, "echo changed > %s/.git/config", ws);
	const char *extra[] = { "--trusted", NULL };
	cr_expect_eq(run_sh(extra, script), 0, "%s", out);
	cr_expect_str_eq(sb_read(P(ws, ".git/config")), "changed\n");
}
