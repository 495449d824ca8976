/* sandbox/envscrub.c -- the environment scrub: one table of the variables
 * that make an allowed tool run other code (a loader hook, a startup file,
 * a pager, editor or helper command, a module search path in a place the
 * sandbox may write), and a copy of envp without them. It never changes the
 * caller's environment and never looks at values, only names; a policy keeps
 * a variable by naming it exactly (keeping LD_LIBRARY_PATH keeps that one,
 * not every LD_*).
 */
#include "sandbox/sandbox.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* prefix: the entry names a family (every variable that starts with it). */
static const struct {
	const char *name;
	int prefix;
} scrubbed[] = {
	/* The dynamic loader: LD_PRELOAD and LD_AUDIT load code into every
	 * program, LD_LIBRARY_PATH replaces its libraries; the rest (LD_DEBUG_OUTPUT,
	 * LD_PROFILE, ...) only steer the loader, so the whole family goes. */
	{ "LD_", 1 },
	/* glibc's iconv loads gconv modules (shared objects) from here. */
	{ "GCONV_PATH", 0 },
	/* getconf(1) execs a helper from this directory. */
	{ "GETCONF_DIR", 0 },
	/* OpenSSL config can load engines/providers (shared objects). */
	{ "OPENSSL_CONF", 0 },
	{ "OPENSSL_ENGINES", 0 },
	{ "OPENSSL_MODULES", 0 },

	/* Shells: a startup file sourced by non-interactive bash / by sh, dash
	 * and ksh. */
	{ "BASH_ENV", 0 },
	{ "ENV", 0 },
	/* Exported bash functions (BASH_FUNC_name%%): code under a command's name. */
	{ "BASH_FUNC_", 1 },
	/* Run before each prompt by interactive bash. */
	{ "PROMPT_COMMAND", 0 },
	/* Prompts undergo command substitution: PS4 on every traced command
	 * (set -x, which SHELLOPTS can turn on), PS0-PS2 in interactive shells. */
	{ "PS0", 0 },
	{ "PS1", 0 },
	{ "PS2", 0 },
	{ "PS4", 0 },
	/* Shell options imported at start-up (xtrace with PS4, ...). */
	{ "SHELLOPTS", 0 },
	{ "BASHOPTS", 0 },
	/* Where `enable -f` finds loadable builtins (shared objects). */
	{ "BASH_LOADABLES_PATH", 0 },
	/* Shells that import IFS split words differently: data becomes commands. */
	{ "IFS", 0 },
	/* zsh reads its startup files (.zshenv, ...) from here. */
	{ "ZDOTDIR", 0 },
	/* `cd NAME` looks NAME up in CDPATH first: the policy follows a
	 * script's cd into the working folder's NAME, so the command must
	 * not land in another folder's. */
	{ "CDPATH", 0 },

	/* Where tools look for their configuration: git's config
	 * ($XDG_CONFIG_HOME/git/config: core.fsmonitor, core.pager, aliases
	 * run commands), and likewise many others'. Without them, tools read
	 * the user's own folders, which the sandbox does not let the command
	 * write. */
	{ "XDG_CONFIG_HOME", 0 },
	{ "XDG_CONFIG_DIRS", 0 },
	{ "XDG_DATA_HOME", 0 },
	/* Configuration files of tools that run helper programs named there:
	 * gpg (pinentry-program), kubectl (exec credential plugins), the AWS
	 * CLI (credential_process), docker (credential helpers), pip, npm
	 * (script-shell, onload-script), curl. */
	{ "GNUPGHOME", 0 },
	{ "KUBECONFIG", 0 },
	{ "AWS_CONFIG_FILE", 0 },
	{ "DOCKER_CONFIG", 0 },
	{ "PIP_CONFIG_FILE", 0 },
	{ "NPM_CONFIG_USERCONFIG", 0 },
	{ "NPM_CONFIG_GLOBALCONFIG", 0 },
	{ "NPM_CONFIG_SCRIPT_SHELL", 0 },
	{ "NPM_CONFIG_NODE_OPTIONS", 0 },
	{ "NPM_CONFIG_ONLOAD_SCRIPT", 0 },
	{ "npm_config_userconfig", 0 },
	{ "npm_config_globalconfig", 0 },
	{ "npm_config_script_shell", 0 },
	{ "npm_config_node_options", 0 },
	{ "npm_config_onload_script", 0 },
	{ "CURL_HOME", 0 },
	/* Cargo runs a wrapper around every rustc. */
	{ "RUSTC_WRAPPER", 0 },
	{ "CARGO_BUILD_RUSTC_WRAPPER", 0 },

	/* git: configuration from the environment (core.pager, core.fsmonitor,
	 * core.sshCommand, alias.*, ... all run commands). */
	{ "GIT_CONFIG", 0 },
	{ "GIT_CONFIG_", 1 },
	/* Another repository (and so its config and hooks) than the one on
	 * disk, or parts of one elsewhere. */
	{ "GIT_DIR", 0 },
	{ "GIT_COMMON_DIR", 0 },
	{ "GIT_WORK_TREE", 0 },
	{ "GIT_INDEX_FILE", 0 },
	{ "GIT_OBJECT_DIRECTORY", 0 },
	{ "GIT_ALTERNATE_OBJECT_DIRECTORIES", 0 },
	{ "GIT_NAMESPACE", 0 },
	/* Transports that run a command (ext::) allowed. */
	{ "GIT_ALLOW_PROTOCOL", 0 },
	{ "GIT_PROTOCOL_FROM_USER", 0 },
	/* Where git finds its sub-commands. */
	{ "GIT_EXEC_PATH", 0 },
	/* Commands git runs: diff driver, ssh, proxy, password prompt, pager,
	 * editors. */
	{ "GIT_EXTERNAL_DIFF", 0 },
	{ "GIT_SSH", 1 }, /* GIT_SSH, GIT_SSH_COMMAND, GIT_SSH_VARIANT */
	{ "GIT_PROXY_COMMAND", 0 },
	{ "GIT_ASKPASS", 0 },
	{ "GIT_PAGER", 0 },
	{ "GIT_EDITOR", 0 },
	{ "GIT_SEQUENCE_EDITOR", 0 },
	/* git init / clone copy hooks from the template directory. */
	{ "GIT_TEMPLATE_DIR", 0 },
	/* Mercurial configuration ([hooks], extensions). */
	{ "HGRCPATH", 0 },

	/* Password prompts run this program. */
	{ "SSH_ASKPASS", 0 },
	{ "SUDO_ASKPASS", 0 },
	/* Pagers and editors that tools start on their own. */
	{ "PAGER", 0 },
	{ "MANPAGER", 0 },
	{ "SYSTEMD_PAGER", 0 },
	{ "EDITOR", 0 },
	{ "VISUAL", 0 },
	{ "SUDO_EDITOR", 0 },
	{ "SYSTEMD_EDITOR", 0 },
	{ "FCEDIT", 0 },
	{ "BROWSER", 0 },
	/* less runs these input/output preprocessors and editor command. */
	{ "LESSOPEN", 0 },
	{ "LESSCLOSE", 0 },
	{ "LESSEDIT", 0 },
	/* vi/ex startup commands (which may run shell commands). */
	{ "VIMINIT", 0 },
	{ "EXINIT", 0 },
	/* tar options can name a program (--use-compress-program,
	 * --to-command, --checkpoint-action=exec). */
	{ "TAR_OPTIONS", 0 },
	/* rsync's remote shell / connect program. */
	{ "RSYNC_RSH", 0 },
	{ "RSYNC_CONNECT_PROG", 0 },
	/* wget's startup file (use_askpass runs a command). */
	{ "WGETRC", 0 },

	/* Python: a startup script, module search paths (and .pth files in the
	 * user site), the interpreter's home, a hook called by breakpoint(),
	 * warning filters that import their category's module, a bytecode
	 * cache that could hold planted .pyc, the interactive mode after a
	 * script. */
	{ "PYTHONSTARTUP", 0 },
	{ "PYTHONPATH", 0 },
	{ "PYTHONHOME", 0 },
	{ "PYTHONUSERBASE", 0 },
	{ "PYTHONBREAKPOINT", 0 },
	{ "PYTHONWARNINGS", 0 },
	{ "PYTHONPYCACHEPREFIX", 0 },
	{ "PYTHONINSPECT", 0 },
	/* Node: options (--require, --import, --loader) and module paths. */
	{ "NODE_OPTIONS", 0 },
	{ "NODE_PATH", 0 },
	/* Perl: options (-M modules) and module paths, debugger commands. */
	{ "PERL5OPT", 0 },
	{ "PERL5LIB", 0 },
	{ "PERLLIB", 0 },
	{ "PERL5DB", 0 },
	/* Ruby: options (-r), library and gem paths. */
	{ "RUBYOPT", 0 },
	{ "RUBYLIB", 0 },
	{ "GEM_HOME", 0 },
	{ "GEM_PATH", 0 },
	/* Java: options read by every JVM (-javaagent) and the class path. */
	{ "JAVA_TOOL_OPTIONS", 0 },
	{ "_JAVA_OPTIONS", 0 },
	{ "JDK_JAVA_OPTIONS", 0 },
	{ "CLASSPATH", 0 },
	/* Lua: LUA_INIT (and LUA_INIT_5_x) is code run at start; module paths. */
	{ "LUA_INIT", 1 },
	{ "LUA_PATH", 1 },
	{ "LUA_CPATH", 1 },
	/* R profile scripts, Tcl library path, PHP ini files (auto_prepend_file). */
	{ "R_PROFILE", 0 },
	{ "R_PROFILE_USER", 0 },
	{ "TCLLIBPATH", 0 },
	{ "PHPRC", 0 },
	{ "PHP_INI_SCAN_DIR", 0 },

	/* Not scrubbed, on purpose: MALLOC_* and GLIBC_TUNABLES only tune the
	 * allocator of an unprivileged process (no_new_privs rules out setuid,
	 * where they once mattered), PATH is the caller's to set, and build
	 * tools (make, npm, cargo) run project code by design. Pinned rather
	 * than scrubbed, by codexrun (cpol_env_pin): HOME, when it lies in a
	 * writable root (its dotfiles would be the command's to plant), becomes
	 * the account's home folder; TMPDIR becomes the run's temporary folder
	 * (an inherited one is never made writable). */
};

static int scrubbed_name(const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof scrubbed / sizeof scrubbed[0]; i++) {
		if (len == 0 || scrubbed[i].name[0] != s[0])
			continue; /* most names differ at once */
		size_t n = strlen(scrubbed[i].name);
		if (scrubbed[i].prefix ? len >= n : len == n)
			if (memcmp(s, scrubbed[i].name, n) == 0)
				return 1;
	}
	return 0;
}

static int kept_name(const char *s, size_t len, const char *const *keep, size_t nkeep)
{
	for (size_t i = 0; i < nkeep; i++)
		if (keep[i] && strlen(keep[i]) == len && memcmp(keep[i], s, len) == 0)
			return 1;
	return 0;
}

/* Append ",name" (or "name" first) when it fits whole; once one does not,
 * end the list with "..." when that fits, and add nothing more. */
static void note_removed(char *buf, size_t cap, const char *name, size_t len, int *full)
{
	if (!buf || cap == 0 || *full)
		return;
	size_t used = strlen(buf);
	size_t need = len + (used ? 1 : 0);
	if (used + need + 1 <= cap) {
		if (used)
			buf[used++] = ',';
		memcpy(buf + used, name, len);
		buf[used + len] = '\0';
		return;
	}
	*full = 1;
	if (used + 4 <= cap)
		memcpy(buf + used, "...", 4);
}

char **cpol_env_scrub(char *const *envp, const char *const *keep, size_t nkeep,
                      char *removed, size_t removed_len, cpol_error *err)
{
	size_t n = 0;
	while (envp && envp[n])
		n++;
	char **out = calloc(n + 1, sizeof *out);
	if (!out) {
		cpol_fail(err, ENOMEM, "sandbox: out of memory scrubbing the environment");
		return NULL;
	}
	if (removed && removed_len)
		removed[0] = '\0';
	int full = 0;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(envp[i], '=');
		size_t len = eq ? (size_t)(eq - envp[i]) : strlen(envp[i]);
		if (scrubbed_name(envp[i], len) && !kept_name(envp[i], len, keep, nkeep)) {
			note_removed(removed, removed_len, envp[i], len, &full);
			continue;
		}
		out[k++] = envp[i]; /* the strings stay the caller's */
	}
	return out;
}

void cpol_env_free(char **envp)
{
	free(envp);
}

int cpol_env_pin(char ***envp, const char *entry, cpol_error *err)
{
	const char *eq = strchr(entry, '=');
	size_t len = eq ? (size_t)(eq - entry) : strlen(entry);
	size_t n = 0;
	for (char **e = *envp; e && *e; e++, n++)
		if (!strncmp(*e, entry, len) && (*e)[len] == '=') {
			*e = (char *)entry;
			return 0;
		}
	char **grown = realloc(*envp, (n + 2) * sizeof *grown);
	if (!grown)
		return cpol_fail(err, ENOMEM, "sandbox: out of memory pinning the environment");
	grown[n] = (char *)entry;
	grown[n + 1] = NULL;
	*envp = grown;
	return 0;
}

/* For the tests: the table's names, so each can be checked. */
size_t cpol_env_scrub_table(const char **names, int *prefix, size_t max)
{
	size_t n = sizeof scrubbed / sizeof scrubbed[0];
	for (size_t i = 0; i < n && i < max; i++) {
		if (names)
			names[i] = scrubbed[i].name;
		if (prefix)
			prefix[i] = scrubbed[i].prefix;
	}
	return n;
}
