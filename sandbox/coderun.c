/* sandbox/coderun.c -- files that make code run later, outside the sandbox,
 * when the user, a shell, an editor or git touches them: the table of their
 * names, and the check after the run that undoes what the command created or
 * changed among them below the write roots, with a report for the exit
 * record. Existing ones at the top of each write root are also kept
 * read-only during the run (protect.c asks cpol_coderun_name). It runs in
 * the parent only, after every process of the command has ended; it never
 * follows a symlink or crosses a mount, and never touches anything older
 * than the run.
 *
 * Undone: an entry with one of the names below (file or folder, anywhere
 * below a folder write root) whose status changed during the run is
 * removed; in every .git folder, hooks (but the *.sample ones git itself
 * writes) changed during the run are removed, and a config changed during
 * the run that sets a key that runs a program (core.fsmonitor,
 * core.hooksPath, core.pager, core.sshCommand, core.editor, alias.*,
 * filter.*, diff.*.textconv, credential.*, include.*, ...) is removed (git
 * works without one; `git init` writes none of those keys, so new
 * repositories, commits and branches stay possible).
 *
 * Limits: a file the command changed that existed before the run below the
 * top of a write root is removed, not restored (the user's own .envrc in a
 * subfolder included); what runs between the write and the check (another
 * process of the user's reading the file meanwhile) is not prevented.
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* FTW_ACTIONRETVAL */
#endif
#include "sandbox/internal.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Names that run code when another program meets them. */
static const char *const names[] = {
	".envrc", ".direnvrc",                       /* direnv, on cd */
	".gitmodules",                               /* submodule URLs and update commands */
	".vscode", ".idea", ".devcontainer",         /* editors' tasks, settings, run configs */
	".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile",
	".zshrc", ".zshenv", ".zprofile", ".zlogin", ".zlogout", ".kshrc", ".cshrc", ".tcshrc",
	".config",                                   /* under a writable HOME: every tool's config */
	".gitconfig", ".ssh",                        /* git and ssh configuration (ProxyCommand) */
	".npmrc", ".yarnrc", ".yarnrc.yml", ".pypirc", ".pip", "pip.conf", ".netrc",
	".exrc", ".vimrc", ".nvimrc", ".lesskey", ".inputrc", ".pythonrc", ".pythonstartup",
};

/* git config keys that run a program: whole sections, then section.key. */
static const char *const git_sections[] = {
	"alias", "filter", "credential", "include", "includeif", "sequence", "gpg", "ssh",
	"uploadpack", "receive", "protocol", "url",
};
static const char *const git_keys[] = {
	"fsmonitor", "hookspath", "pager", "sshcommand", "editor", "askpass", "gitproxy",
	"textconv", "external", "command", "program", "cmd", "tool", "helper", "path",
};

/* The walk's state (nftw passes no argument). */
static struct {
	const struct cpol_sandbox *sb;
	char **found;
	size_t n, cap;
	int oom;
} W;

int cpol_coderun_name(const char *base)
{
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(base, names[i]) == 0)
			return 1;
	return 0;
}

int cpol_coderun_plan(const struct cpol_sandbox_spec *spec, struct cpol_sandbox *sb,
                      cpol_error *err)
{
	if (!(sb->undo_roots = cpol_sb_calloc(spec->nwrite + 1, sizeof *sb->undo_roots, err)) ||
	    !(sb->undo_names = cpol_sb_calloc(spec->nprotect + 1, sizeof *sb->undo_names, err)))
		return -1;
	for (size_t i = 0; i < spec->nwrite; i++) {
		struct stat st;
		char *c = spec->write_roots[i] ? realpath(spec->write_roots[i], NULL) : NULL;
		/* shared temporary folders are other programs' too: what they
		 * make there during the run is not the command's to undo */
		if (c && stat(c, &st) == 0 && S_ISDIR(st.st_mode) && strcmp(c, "/") != 0 &&
		    strcmp(c, "/tmp") != 0 && strcmp(c, "/var/tmp") != 0 && strcmp(c, "/dev/shm") != 0)
			sb->undo_roots[sb->nundo_roots++] = c;
		else
			free(c);
	}
	/* the policy's relative protected names extend the table (.git is
	 * checked inside instead: new repositories are ordinary work) */
	for (size_t i = 0; i < spec->nprotect; i++) {
		const char *e = spec->protect[i];
		if (e && e[0] && !strchr(e, '/') && strcmp(e, ".git") != 0 &&
		    !(sb->undo_names[sb->nundo_names++] = cpol_sb_strdup(e, err)))
			return -1;
	}
	return 0;
}

/* At the very end of prepare: what prepare itself made (placeholders) is
 * older than the run. */
void cpol_coderun_start(struct cpol_sandbox *sb)
{
	clock_gettime(CLOCK_REALTIME_COARSE, &sb->run_start);
}

/* A protected path was read-only for the command: whatever changed it
 * came from outside (and a placeholder must never be removed here). */
static int protected_path(const char *path)
{
	for (size_t i = 0; i < W.sb->ntargets; i++)
		if (strcmp(path, W.sb->targets[i].path) == 0)
			return 1;
	return 0;
}

void cpol_coderun_free(struct cpol_sandbox *sb)
{
	for (size_t i = 0; i < sb->nundo_roots; i++)
		free(sb->undo_roots[i]);
	free(sb->undo_roots);
	for (size_t i = 0; i < sb->nundo_names; i++)
		free(sb->undo_names[i]);
	free(sb->undo_names);
}

static int changed(const struct cpol_sandbox *sb, const struct stat *st)
{
	return st->st_ctim.tv_sec > sb->run_start.tv_sec ||
	       (st->st_ctim.tv_sec == sb->run_start.tv_sec &&
	        st->st_ctim.tv_nsec >= sb->run_start.tv_nsec);
}

/* Does this git config set a key that runs a program? */
static int git_config_runs(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	char line[4096], section[256] = "";
	int bad = 0;
	while (!bad && fgets(line, sizeof line, f)) {
		char *s = line + strspn(line, " \t");
		if (*s == '[') {
			size_t n = strcspn(s + 1, " \t\".]");
			snprintf(section, sizeof section, "%.*s", (int)n, s + 1);
			for (size_t i = 0; i < sizeof git_sections / sizeof git_sections[0]; i++)
				bad |= strcasecmp(section, git_sections[i]) == 0;
			s += 1 + strcspn(s + 1, "]");
			if (*s == ']')
				s++;
			s += strspn(s, " \t");
		}
		if (!*s || *s == '#' || *s == ';' || *s == '\n')
			continue;
		size_t n = strcspn(s, " \t=\n");
		for (size_t i = 0; i < sizeof git_keys / sizeof git_keys[0]; i++)
			bad |= strlen(git_keys[i]) == n && strncasecmp(s, git_keys[i], n) == 0;
	}
	fclose(f);
	return bad;
}

static void keep(const char *path)
{
	if (W.n == W.cap) {
		size_t cap = W.cap ? W.cap * 2 : 16;
		char **p = realloc(W.found, cap * sizeof *p);
		if (!p) {
			W.oom = 1;
			return;
		}
		W.found = p;
		W.cap = cap;
	}
	if (!(W.found[W.n] = strdup(path)))
		W.oom = 1;
	else
		W.n++;
}

static int hooks_visit(const char *path, const struct stat *st, int type, struct FTW *f)
{
	size_t len = strlen(path);
	if (f->level == 1 && type != FTW_D && type != FTW_DP && changed(W.sb, st) &&
	    !(len > 7 && strcmp(path + len - 7, ".sample") == 0))
		keep(path);
	return FTW_CONTINUE;
}

static int extra_name(const char *base)
{
	for (size_t i = 0; i < W.sb->nundo_names; i++)
		if (strcmp(base, W.sb->undo_names[i]) == 0)
			return 1;
	return 0;
}

/* A git repository's config (in a .git folder, or a bare repository:
 * a folder with HEAD next to config) that now runs a program. */
static void check_config(const char *dir)
{
	char p[4096];
	struct stat s;
	snprintf(p, sizeof p, "%s/config", dir);
	if (lstat(p, &s) == 0 && changed(W.sb, &s) && (!S_ISREG(s.st_mode) || git_config_runs(p)))
		keep(p);
}

static int visit(const char *path, const struct stat *st, int type, struct FTW *f)
{
	const char *base = path + f->base;
	if (f->level > 0 && protected_path(path))
		return type == FTW_D ? FTW_SKIP_SUBTREE : FTW_CONTINUE;
	if (f->level > 0 && (cpol_coderun_name(base) || extra_name(base)) && changed(W.sb, st)) {
		keep(path);
		return type == FTW_D ? FTW_SKIP_SUBTREE : FTW_CONTINUE;
	}
	if (strcmp(base, ".git") == 0 && type != FTW_D) {
		/* a gitfile made during the run may point at a planted repository */
		if (changed(W.sb, st))
			keep(path);
		return FTW_CONTINUE;
	}
	if (type == FTW_D && strcmp(base, ".git") == 0) {
		char p[4096];
		check_config(path);
		snprintf(p, sizeof p, "%s/hooks", path);
		struct stat s;
		if (lstat(p, &s) == 0) {
			if (!S_ISDIR(s.st_mode) && changed(W.sb, &s))
				keep(p);
			else if (S_ISDIR(s.st_mode))
				nftw(p, hooks_visit, 4, FTW_PHYS | FTW_MOUNT | FTW_ACTIONRETVAL);
		}
		return FTW_SKIP_SUBTREE;
	}
	if (type == FTW_F && strcmp(base, "HEAD") == 0 && f->base > 1) {
		/* a bare repository (git finds those too) */
		char dir[4096];
		snprintf(dir, sizeof dir, "%.*s", f->base - 1, path);
		check_config(dir);
	}
	return FTW_CONTINUE;
}


const char *cpol_sandbox_undo(struct cpol_sandbox *sb)
{
	if (!sb || sb->trusted || getpid() != sb->owner || !sb->run_start.tv_sec)
		return NULL;
	memset(&W, 0, sizeof W);
	W.sb = sb;
	for (size_t i = 0; i < sb->nundo_roots; i++) {
		nftw(sb->undo_roots[i], visit, 16, FTW_PHYS | FTW_MOUNT | FTW_ACTIONRETVAL);
	}
	size_t used = 0;
	sb->undone[0] = '\0';
	for (size_t i = 0; i < W.n; i++) {
		struct stat st;
		if (lstat(W.found[i], &st) == 0) {
			if (S_ISDIR(st.st_mode))
				cpol_rmtree(W.found[i]);
			else
				unlink(W.found[i]);
			if (used + 1 < sizeof sb->undone) {
				int k = snprintf(sb->undone + used, sizeof sb->undone - used, "%s%s",
				                 used ? ", " : "", W.found[i]);
				used += k > 0 ? (size_t)k : 0;
				if (used >= sizeof sb->undone)
					used = sizeof sb->undone - 1;
			}
		}
		free(W.found[i]);
	}
	free(W.found);
	if (W.oom && used + 20 < sizeof sb->undone)
		snprintf(sb->undone + used, sizeof sb->undone - used, "%s(out of memory)", used ? ", " : "");
	memset(&W, 0, sizeof W);
	return sb->undone[0] ? sb->undone : NULL;
}
