/* vm/builtins.c -- what the evaluator knows about the shells themselves, in
 * one table: which words are builtins (found before PATH), which builtins
 * evaluate strings as code or rebind names so that a script using them
 * cannot be judged before it runs, which variables change what code the
 * shell runs (PATH, BASH_ENV, IFS, ...), and which dialect a shell program
 * speaks. Pure functions over the splitter's output: no allocation, no
 * system call, no state.
 *
 * Why these are unknowable (bash documents each): array subscripts in a
 * variable name are arithmetic, and arithmetic expands $(...) in them even
 * when the script single-quoted it, so any builtin that takes a variable
 * name (printf -v, read, test -v, unset, declare, getopts, mapfile) runs
 * the code of a name like 'x[$(cmd)]'; [[ ... -eq ... ]], let and
 * declare -i evaluate their operands (and the values of the variables they
 * name) as arithmetic; BASH_CMDS, hash -p and alias rebind a command name;
 * eval, source, trap, fc, bind -x, compgen -C and enable -f run strings or
 * files as code.
 */
#include "vm/eval.h"

enum {
	SH_BASH = 1u << CPOL_SHELL_BASH,
	SH_DASH = 1u << CPOL_SHELL_POSIX,
	SH_ZSH  = 1u << CPOL_SHELL_ZSH,
	SH_ALL  = SH_BASH | SH_DASH | SH_ZSH,
	SH_BZ   = SH_BASH | SH_ZSH,
};

/* How a builtin is judged. */
enum {
	K_PLAIN,     /* runs no code of its own, binds nothing: judged by the rules */
	K_CODE,      /* evaluates a string or file, or defines code: unknowable */
	K_PREFIX,    /* command, builtin: the next word is what runs */
	K_EXEC,      /* exec: the same, and it replaces the shell */
	K_CD,        /* cd: plain, but the script's working folder follows it */
	K_DECL,      /* declare typeset local export readonly */
	K_READ,      /* read */
	K_MAPFILE,   /* mapfile readarray */
	K_PRINTF,    /* printf: -v NAME */
	K_TEST,      /* test [ [[: -v NAME, [[ arithmetic operators */
	K_LET,       /* let: arithmetic */
	K_HASH,      /* hash: -p rebinds */
	K_NAMES,     /* unset, getopts: take variable names */
	K_SET,       /* set: -k, -o keyword, -o posix change later parsing */
	K_SHOPT,     /* shopt: a few options change parsing or run code */
	K_COMPGEN,   /* compgen, complete: -C and -F run code */
	K_TRAP,      /* trap: with an action, runs it later */
	K_DIRS,      /* pushd, popd: the working folder is lost */
};

static const struct cpol_builtin {
	const char *name;
	uint8_t len, shells, kind;
	const char *reason;       /* K_CODE: why */
} table[] = {
#define B(n, sh, k, r) { n, sizeof n - 1, sh, k, r }
	B("eval", SH_ALL, K_CODE, "eval runs a string as code that cannot be judged before it runs"),
	B("source", SH_BZ, K_CODE, "source runs a file as code that cannot be judged before it runs"),
	B(".", SH_ALL, K_CODE, ". runs a file as code that cannot be judged before it runs"),
	B("alias", SH_ALL, K_CODE, "alias rebinds a command name to code"),
	B("enable", SH_BASH, K_CODE, "enable loads builtins from a file (-f) or unbinds them (-n)"),
	B("fc", SH_ALL, K_CODE, "fc runs commands from the history or an editor"),
	B("r", SH_ZSH, K_CODE, "r runs commands from the history"),
	B("bind", SH_BASH, K_CODE, "bind binds keys to code"),
	B("function", SH_BZ, K_CODE, "a function definition rebinds a command name to code"),
	B("zmodload", SH_ZSH, K_CODE, "zmodload loads code from a module"),
	B("autoload", SH_ZSH, K_CODE, "autoload defines functions from files"),
	B("emulate", SH_ZSH, K_CODE, "emulate changes how the shell parses and may run code (-c)"),
	B("sched", SH_ZSH, K_CODE, "sched runs a command later"),
	B("zle", SH_ZSH, K_CODE, "zle runs editor widgets"),
	B("zpty", SH_ZSH, K_CODE, "zpty runs a command on a pseudo-terminal"),
	B("functions", SH_ZSH, K_CODE, "functions defines or changes functions"),
	B("exec", SH_ALL, K_EXEC, NULL),
	B("command", SH_ALL, K_PREFIX, NULL),
	B("builtin", SH_BZ, K_PREFIX, NULL),
	B("declare", SH_BZ, K_DECL, NULL),
	B("typeset", SH_BZ, K_DECL, NULL),
	B("local", SH_ALL, K_DECL, NULL),
	B("export", SH_ALL, K_DECL, NULL),
	B("readonly", SH_ALL, K_DECL, NULL),
	B("integer", SH_ZSH, K_DECL, NULL),
	B("float", SH_ZSH, K_DECL, NULL),
	B("read", SH_ALL, K_READ, NULL),
	B("mapfile", SH_BASH, K_MAPFILE, NULL),
	B("readarray", SH_BASH, K_MAPFILE, NULL),
	B("printf", SH_ALL, K_PRINTF, NULL),
	B("test", SH_ALL, K_TEST, NULL),
	B("[", SH_ALL, K_TEST, NULL),
	B("[[", SH_BZ, K_TEST, NULL),
	B("let", SH_BZ, K_LET, NULL),
	B("hash", SH_ALL, K_HASH, NULL),
	B("unset", SH_ALL, K_NAMES, NULL),
	B("getopts", SH_ALL, K_NAMES, NULL),
	B("set", SH_ALL, K_SET, NULL),
	B("shopt", SH_BASH, K_SHOPT, NULL),
	B("setopt", SH_ZSH, K_SHOPT, NULL),
	B("compgen", SH_BASH, K_COMPGEN, NULL),
	B("complete", SH_BASH, K_COMPGEN, NULL),
	B("trap", SH_ALL, K_TRAP, NULL),
	B("pushd", SH_BZ, K_DIRS, NULL),
	B("popd", SH_BZ, K_DIRS, NULL),
	B(":", SH_ALL, K_PLAIN, NULL),
	B("true", SH_ALL, K_PLAIN, NULL),
	B("false", SH_ALL, K_PLAIN, NULL),
	B("echo", SH_ALL, K_PLAIN, NULL),
	B("cd", SH_ALL, K_CD, NULL),
	B("pwd", SH_ALL, K_PLAIN, NULL),
	B("type", SH_ALL, K_PLAIN, NULL),
	B("kill", SH_ALL, K_PLAIN, NULL),
	B("wait", SH_ALL, K_PLAIN, NULL),
	B("jobs", SH_ALL, K_PLAIN, NULL),
	B("shift", SH_ALL, K_PLAIN, NULL),
	B("return", SH_ALL, K_PLAIN, NULL),
	B("exit", SH_ALL, K_PLAIN, NULL),
	B("break", SH_ALL, K_PLAIN, NULL),
	B("continue", SH_ALL, K_PLAIN, NULL),
	B("umask", SH_ALL, K_PLAIN, NULL),
	B("ulimit", SH_ALL, K_PLAIN, NULL),
	B("times", SH_ALL, K_PLAIN, NULL),
	B("dirs", SH_BZ, K_PLAIN, NULL),
	B("disown", SH_BZ, K_PLAIN, NULL),
	B("help", SH_BASH, K_PLAIN, NULL),
	B("caller", SH_BASH, K_PLAIN, NULL),
	B("print", SH_ZSH, K_PRINTF, NULL),
	B("whence", SH_ZSH, K_PLAIN, NULL),
	B("where", SH_ZSH, K_PLAIN, NULL),
	B("which", SH_ZSH, K_PLAIN, NULL),
#undef B
};

/* Variables that change which code the shell (or the next command) runs or
 * how the script's later words split. LD_ and the PS prompts by prefix. */
static const struct { const char *name; uint8_t len; } special[] = {
#define V(n) { n, sizeof n - 1 }
	V("PATH"), V("path"), V("BASH_ENV"), V("ENV"), V("IFS"), V("BASH_CMDS"), V("BASH_ALIASES"),
	V("CDPATH"), V("cdpath"), V("GLOBIGNORE"), V("SHELLOPTS"), V("BASHOPTS"), V("PROMPT_COMMAND"),
	V("HOME"), V("POSIXLY_CORRECT"), V("EXECIGNORE"), V("BASH_LOADABLES_PATH"), V("FPATH"),
	V("fpath"), V("module_path"), V("MODULE_PATH"), V("ZDOTDIR"), V("OLDPWD"), V("PWD"),
	V("BASH_COMPAT"), V("FUNCNEST"), V("TMOUT"),
#undef V
};

static const struct cpol_builtin *find(const char *w, uint32_t n, int dialect)
{
	if (n == 0 || n > 9)    /* longer than any builtin: the common case */
		return NULL;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].len == n && table[i].name[0] == w[0] && memcmp(table[i].name, w, n) == 0 &&
		    (table[i].shells & (1u << (dialect & 3))))
			return &table[i];
	return NULL;
}

int cpol_builtin_is(const char *w, uint32_t n, int dialect)
{
	return find(w, n, dialect) != NULL;
}

int cpol_shell_dialect_of(const char *prog, uint32_t n, int sh)
{
	static const char *const posix[] = { "dash" };
	static const char *const other[] = {
		"ksh", "ksh93", "mksh", "pdksh", "oksh", "lksh", "loksh", "yash", "posh", "ash",
		"busybox", "fish", "csh", "tcsh", "rc", "es", "xonsh", "elvish", "nu", "pwsh", "osh",
		"ysh", "murex", "ion", "scsh", "sash", "hush",
	};
	const char *b = prog;
	for (uint32_t i = 0; i < n; i++)
		if (prog[i] == '/')
			b = prog + i + 1;
	uint32_t bl = (uint32_t)(prog + n - b);
#define IS(lit) (bl == sizeof lit - 1 && memcmp(b, lit, bl) == 0)
	if (IS("bash") || IS("rbash"))
		return CPOL_SHELL_BASH;
	if (IS("zsh"))
		return CPOL_SHELL_ZSH;
	if (IS("sh"))
		return sh;
#undef IS
	for (size_t i = 0; i < sizeof posix / sizeof posix[0]; i++)
		if (strlen(posix[i]) == bl && memcmp(posix[i], b, bl) == 0)
			return CPOL_SHELL_POSIX;
	for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
		if (strlen(other[i]) == bl && memcmp(other[i], b, bl) == 0)
			return CPOL_SHELL_UNKNOWN;
	/* not a shell (watch, su, a policy's own program): the system's sh */
	return sh;
}

uint32_t cpol_shell_name_len(const char *w, uint32_t n)
{
	uint32_t i = 0;
	while (i < n && (w[i] == '_' || (w[i] >= 'a' && w[i] <= 'z') || (w[i] >= 'A' && w[i] <= 'Z') ||
	                 (i && w[i] >= '0' && w[i] <= '9')))
		i++;
	return i;
}

int cpol_shell_plain_byte(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       strchr("._,:/=+@%^-", ch) != NULL;
}

static int has_byte(const char *w, uint32_t n, char c)
{
	return memchr(w, c, n) != NULL;
}

const char *cpol_assign_check(const char *w, uint32_t n, int *rebinds)
{
	uint32_t nl = cpol_shell_name_len(w, n);
	if (nl > 3 && memcmp(w, "LD_", 3) == 0)
		goto special;
	if (nl >= 3 && memcmp(w, "PS", 2) == 0 && w[2] >= '0' && w[2] <= '4')
		goto special;
	for (size_t i = 0; i < sizeof special / sizeof special[0]; i++)
		if (special[i].len == nl && memcmp(special[i].name, w, nl) == 0)
			goto special;
	if (nl < n && w[nl] == '[')
		return "an array subscript in an assignment is arithmetic, which can run commands";
	return NULL;
special:
	*rebinds = 1;
	return "assignment to a variable that changes which code the shell runs (PATH, BASH_ENV, IFS, BASH_CMDS, LD_*, ...)";
}

static int is_word(const struct cpol_shell_cmd *c, uint32_t i, const char *lit)
{
	size_t n = strlen(lit);
	return i < c->argc && c->lens[i] == n && memcmp(c->argv[i], lit, n) == 0;
}

/* A short option word (-x, -abc, +o) holding the letter ch. */
static int opt_has(const char *w, uint32_t n, char ch)
{
	return n >= 2 && (w[0] == '-' || w[0] == '+') && w[1] != '-' && memchr(w + 1, ch, n - 1) != NULL;
}

static int is_integer(const char *w, uint32_t n)
{
	uint32_t i = n && (w[0] == '-' || w[0] == '+');
	if (i == n)
		return 0;
	for (; i < n; i++)
		if (w[i] < '0' || w[i] > '9')
			return 0;
	return 1;
}

/* Words that name variables (after the options): a subscript, a name the
 * script cannot see (an expansion) or a special one make it unknowable. */
static const char *check_names(const struct cpol_shell_cmd *c, uint32_t from, uint32_t to,
                               const char *what, const char *optargs, uint32_t *at, int *rebinds)
{
	for (uint32_t i = from; i < to && i < c->argc; i++) {
		const char *w = c->argv[i];
		uint32_t n = c->lens[i], nl = cpol_shell_name_len(w, n);
		if (n >= 2 && w[0] == '-') {
			if (optargs && strchr(optargs, w[n - 1]))
				i++;            /* read -p PROMPT: not a name */
			continue;
		}
		if (n == 1 && w[0] == '-')
			continue;
		*at = i;
		if (c->wflags && c->wflags[i]) {
			*rebinds = 1;
			return what;
		}
		if (has_byte(w, n, '['))
			return what;
		int r = 0;
		if (cpol_assign_check(w, nl, &r) && r) {
			*rebinds = 1;
			return "assignment to a variable that changes which code the shell runs (PATH, BASH_ENV, IFS, BASH_CMDS, LD_*, ...)";
		}
	}
	return NULL;
}

const char *cpol_builtin_unknowable(const struct cpol_shell_cmd *c, uint32_t skip, int dialect,
                                    uint32_t *at, int *rebinds)
{
	uint32_t i = skip;
	const struct cpol_builtin *b = NULL;

	*rebinds = 0;
	/* exec, command and builtin: look at what they run */
	while (i < c->argc && (b = find(c->argv[i], c->lens[i], dialect)) && (b->kind == K_PREFIX || b->kind == K_EXEC)) {
		int prints = 0;
		i++;
		while (i < c->argc && c->lens[i] >= 2 && c->argv[i][0] == '-') {
			if (is_word(c, i, "--")) {
				i++;
				break;
			}
			prints |= opt_has(c->argv[i], c->lens[i], 'v') || opt_has(c->argv[i], c->lens[i], 'V');
			if (is_word(c, i, "-a"))        /* exec -a NAME */
				i++;
			i++;
		}
		if (prints)
			return NULL;            /* command -v X: only says what X is */
	}
	if (i >= c->argc || !b)
		return NULL;
	*at = i;
	const char *w = c->argv[i];
	uint32_t first = i + 1;
	switch (b->kind) {
	case K_CODE:
		*rebinds = 1;
		return b->reason;
	case K_DECL:
		for (uint32_t k = first; k < c->argc; k++)
			if (c->lens[k] >= 2 && c->argv[k][0] == '-' &&
			    (opt_has(c->argv[k], c->lens[k], 'n') || opt_has(c->argv[k], c->lens[k], 'i') ||
			     (opt_has(c->argv[k], c->lens[k], 'f') && w[0] == 'e'))) {
				*at = k;
				*rebinds = 1;
				return "declare -n, -i and export -f make names refer to other names, arithmetic or functions";
			}
		{
			const char *r = check_names(c, first, c->argc, "a declared name with a subscript, or one only known when the script runs, can run commands", NULL, at, rebinds);
			if (r)
				return r;
			for (uint32_t k = first; k < c->argc; k++)
				if (c->lens[k] && c->argv[k][0] != '-' && has_byte(c->argv[k], c->lens[k], '=')) {
					*at = k;
					return "variable assignments change what commands do";
				}
		}
		return NULL;
	case K_READ:
	case K_MAPFILE:
		for (uint32_t k = first; k < c->argc; k++)
			if (opt_has(c->argv[k], c->lens[k], 'a') || opt_has(c->argv[k], c->lens[k], 'A') ||
			    (b->kind == K_MAPFILE && opt_has(c->argv[k], c->lens[k], 'C'))) {
				*at = k;
				return b->kind == K_READ ? "read -a assigns array elements, whose subscripts are arithmetic"
				                         : "mapfile -C runs a callback";
			}
		return check_names(c, first, c->argc, "read assigns a name with a subscript, which can run commands",
		                   b->kind == K_READ ? "pdnNtui" : "dnOstuCc", at, rebinds);
	case K_PRINTF:
		for (uint32_t k = first; k < c->argc && c->lens[k] >= 2 && c->argv[k][0] == '-'; k++)
			if (opt_has(c->argv[k], c->lens[k], 'v')) {
				/* `printf -v NAME ...` with a name the script shows, no
				 * subscript and nothing special only stores the text */
				if (is_word(c, k, "-v") && k + 1 < c->argc && c->lens[k + 1] && c->argv[k + 1][0] != '-') {
					const char *why = check_names(c, k + 1, k + 2,
					                              "printf -v assigns a variable: a subscript in its name runs "
					                              "commands, BASH_CMDS rebinds a command", NULL, at, rebinds);
					*rebinds |= why != NULL; /* BASH_CMDS[cat] */
					return why;
				}
				*at = k;
				*rebinds = 1;
				return "printf -v assigns a variable: a subscript in its name runs commands, BASH_CMDS rebinds a command";
			}
		return NULL;
	case K_TEST:
		for (uint32_t k = first; k + 1 < c->argc; k++) {
			if ((is_word(c, k, "-v") || is_word(c, k, "-R")) &&
			    (has_byte(c->argv[k + 1], c->lens[k + 1], '[') || (c->wflags && c->wflags[k + 1]))) {
				*at = k + 1;
				return "test -v evaluates a subscript in the name, which can run commands";
			}
			if (w[0] == '[' && c->lens[i] == 2 &&
			    (is_word(c, k, "-eq") || is_word(c, k, "-ne") || is_word(c, k, "-lt") ||
			     is_word(c, k, "-le") || is_word(c, k, "-gt") || is_word(c, k, "-ge")) &&
			    (!is_integer(c->argv[k - 1], c->lens[k - 1]) || !is_integer(c->argv[k + 1], c->lens[k + 1]))) {
				*at = k;
				return "[[ evaluates the operands of -eq (and the values of names in them) as arithmetic, which can run commands";
			}
		}
		return NULL;
	case K_LET:
		for (uint32_t k = first; k < c->argc; k++)
			if (!is_integer(c->argv[k], c->lens[k])) {
				*at = k;
				return "let evaluates arithmetic, whose subscripts and variable values can run commands";
			}
		return NULL;
	case K_HASH:
		for (uint32_t k = first; k < c->argc; k++)
			if (opt_has(c->argv[k], c->lens[k], 'p')) {
				*at = k;
				*rebinds = 1;
				return "hash -p binds a command name to any file";
			}
		return NULL;
	case K_NAMES:
		return check_names(c, w[0] == 'g' ? first + 1 : first, w[0] == 'g' ? first + 2 : c->argc,
		                   "a variable name with a subscript is arithmetic, which can run commands", NULL, at, rebinds);
	case K_SET:
		for (uint32_t k = first; k < c->argc; k++) {
			if (is_word(c, k, "--") || (c->lens[k] && c->argv[k][0] != '-' && c->argv[k][0] != '+'))
				break;
			if (opt_has(c->argv[k], c->lens[k], 'k') || is_word(c, k + 1, "keyword") ||
			    is_word(c, k + 1, "posix")) {
				*at = k;
				return "set -k and set -o posix change how the shell reads later commands";
			}
		}
		return NULL;
	case K_SHOPT:
		if (dialect == CPOL_SHELL_ZSH) {
			*rebinds = 1;
			return "setopt changes how zsh reads, expands and runs later commands";
		}
		for (uint32_t k = first; k < c->argc; k++)
			if (is_word(c, k, "expand_aliases") || is_word(c, k, "extglob") || is_word(c, k, "extdebug") ||
			    is_word(c, k, "sourcepath") || is_word(c, k, "aliases") || is_word(c, k, "extended_glob") ||
			    is_word(c, k, "sh_word_split") || is_word(c, k, "glob_subst") || is_word(c, k, "rc_expand_param")) {
				*at = k;
				return "this shell option changes how the shell reads or expands later commands";
			}
		return NULL;
	case K_COMPGEN:
		for (uint32_t k = first; k < c->argc; k++)
			if (opt_has(c->argv[k], c->lens[k], 'C') || opt_has(c->argv[k], c->lens[k], 'F')) {
				*at = k;
				return "compgen -C and -F run a command or function";
			}
		return NULL;
	case K_TRAP:
		for (uint32_t k = first; k < c->argc; k++)
			if (!(c->lens[k] >= 2 && c->argv[k][0] == '-')) {
				*at = k;
				return "trap runs a string as code when a signal comes";
			}
		return NULL;
	case K_DIRS:
		return NULL;
	}
	return NULL;
}

int cpol_builtin_sets_plainly(const struct cpol_shell_cmd *c, uint32_t skip, int dialect)
{
	const struct cpol_builtin *b = skip < c->argc ? find(c->argv[skip], c->lens[skip], dialect) : NULL;
	if (!b || b->kind != K_DECL || skip + 1 >= c->argc)
		return 0;
	for (uint32_t k = skip + 1; k < c->argc; k++) {
		const char *w = c->argv[k];
		uint32_t n = c->lens[k], nl = cpol_shell_name_len(w, n);
		int rb = 0;
		if ((c->wflags && c->wflags[k]) || nl == 0 || (nl < n && w[nl] != '=') || cpol_env_name_risky(w, nl) ||
		    cpol_assign_check(w, nl, &rb) || rb)
			return 0;
		for (uint32_t i = nl; i < n; i++)
			if (!cpol_shell_plain_byte(w[i]))
				return 0;
	}
	return 1;
}

enum cpol_builtin_role cpol_builtin_role(const char *w, uint32_t n, int dialect)
{
	const struct cpol_builtin *b = find(w, n, dialect);
	if (b && b->kind == K_EXEC)
		return CPOL_BI_EXEC;
	if (b && b->kind == K_CD)
		return CPOL_BI_CD;
	return CPOL_BI_OTHER;
}

int cpol_builtin_moves_cwd(const struct cpol_shell_cmd *c, int dialect)
{
	const struct cpol_builtin *b = c->argc ? find(c->argv[0], c->lens[0], dialect) : NULL;
	return b && b->kind == K_DIRS;
}

/* ---- literal text piped into a shell: `echo ls | sh` ---- */

/* The byte of a backslash escape that echo (dash) and printf (bash, dash)
 * all read alike: \\ \a \b \f \n \r \t \v. -1 for any other (\c, \0NNN,
 * \e, \x..., an unknown letter, a backslash at the end): not known for
 * certain, left to today's judgement. */
static int plain_escape(const char *w, uint32_t n, uint32_t *i)
{
	static const char from[] = "\\abfnrtv", to[] = "\\\a\b\f\n\r\t\v";
	if (*i + 1 >= n)
		return -1;
	const char *p = memchr(from, w[*i + 1], sizeof from - 1);
	if (!p)
		return -1;
	*i += 2;
	return (unsigned char)to[p - from];
}

/* Append byte ch to out[0..cap) at *len; 0 when full. */
static int put(char *out, size_t cap, size_t *len, int ch)
{
	if (*len >= cap)
		return 0;
	out[(*len)++] = (char)ch;
	return 1;
}

/* Append w[0..n), its escapes decoded when `escapes`, else with no
 * backslash at all. 0 on a byte not known for certain or no room. */
static int put_word(char *out, size_t cap, size_t *len, const char *w, uint32_t n, int escapes)
{
	for (uint32_t i = 0; i < n;) {
		int ch = (unsigned char)w[i];
		if (ch == 0 || (ch == '\\' && !escapes))
			return 0;
		if (ch == '\\')
			ch = plain_escape(w, n, &i);
		else
			i++;
		if (ch < 0 || !put(out, cap, len, ch))
			return 0;
	}
	return 1;
}

long cpol_builtin_printed(const struct cpol_shell_cmd *c, int dialect, char *out, size_t cap)
{
	if (c->flags || c->nassign || c->nredir || c->tilde || c->argc == 0 || !c->lens ||
	    (dialect != CPOL_SHELL_BASH && dialect != CPOL_SHELL_POSIX))
		return -1;
	for (uint32_t i = 0; i < c->argc; i++)
		if (c->wflags && c->wflags[i])
			return -1;
	size_t len = 0;
	uint32_t i = 1;
	if (c->lens[0] == 6 && memcmp(c->argv[0], "printf", 6) == 0) {
		/* one format, no operand, no option, no conversion but %% */
		if (c->argc != 2 || (c->lens[1] && c->argv[1][0] == '-'))
			return -1;
		const char *f = c->argv[1];
		for (uint32_t k = 0; k < c->lens[1];) {
			int ch = (unsigned char)f[k];
			if (ch == '%') {
				if (k + 1 >= c->lens[1] || f[k + 1] != '%')
					return -1;
				k += 2;
			} else if (ch == '\\') {
				ch = plain_escape(f, c->lens[1], &k);
			} else {
				k++;
			}
			if (ch <= 0 || !put(out, cap, &len, ch))
				return -1;
		}
		return (long)len;
	}
	if (c->lens[0] != 4 || memcmp(c->argv[0], "echo", 4) != 0)
		return -1;
	int newline = 1;
	if (dialect == CPOL_SHELL_POSIX) {
		/* dash: only an exact -n first is an option; escapes always */
		if (c->argc > 1 && c->lens[1] == 2 && memcmp(c->argv[1], "-n", 2) == 0) {
			newline = 0;
			i = 2;
		}
	} else {
		/* bash: leading words of - and n, e, E are options; a word
		 * with a backslash is refused, whether -e (or xpg_echo) is on
		 * or not */
		for (; i < c->argc && c->lens[i] >= 2 && c->argv[i][0] == '-'; i++) {
			uint32_t k = 1;
			while (k < c->lens[i] && memchr("neE", c->argv[i][k], 3))
				k++;
			if (k < c->lens[i])
				break;
			if (memchr(c->argv[i], 'n', c->lens[i]))
				newline = 0;
		}
	}
	for (uint32_t k = i; k < c->argc; k++)
		if ((k > i && !put(out, cap, &len, ' ')) ||
		    !put_word(out, cap, &len, c->argv[k], c->lens[k], dialect == CPOL_SHELL_POSIX))
			return -1;
	if (newline && !put(out, cap, &len, '\n'))
		return -1;
	return (long)len;
}

int cpol_shell_reads_pipe(const struct cpol_shell_cmd *c, int sh)
{
	static const char *const names[] = {
		"sh", "dash", "bash", "/bin/sh", "/bin/dash", "/bin/bash", "/usr/bin/sh", "/usr/bin/dash", "/usr/bin/bash",
	};
	if (c->flags || c->nassign || c->tilde || c->argc == 0 || !c->lens)
		return -1;
	int named = 0;
	for (size_t k = 0; k < sizeof names / sizeof names[0] && !named; k++)
		named = strlen(names[k]) == c->lens[0] && memcmp(names[k], c->argv[0], c->lens[0]) == 0;
	if (!named)
		return -1;
	for (uint32_t i = 0; i < c->argc; i++) {
		if (c->wflags && c->wflags[i])
			return -1;
		if (i && (c->lens[i] != 2 || c->argv[i][0] != '-' || !memchr("seux", c->argv[i][1], 4)))
			return -1;
	}
	for (uint32_t k = 0; k < c->nredir; k++)
		if (c->redir[k].fd == 0 || c->redir[k].fd == 255 || c->redir[k].kind == CPOL_REDIR_HEREDOC ||
		    c->redir[k].kind == CPOL_REDIR_HERESTRING)
			return -1;
	int d = cpol_shell_dialect_of(c->argv[0], c->lens[0], sh);
	return d == CPOL_SHELL_BASH || d == CPOL_SHELL_POSIX ? d : -1;
}
