/* vm/script.c -- judging shell scripts (`bash -c SCRIPT` and command lines):
 * split the script the way the shell that runs it reads it (bash, dash,
 * zsh; any other shell cannot be judged), judge each simple command as its
 * own command, and keep the strictest verdict. Whatever the splitter cannot
 * judge for certain (substitutions, expansions, here-docs, subshells,
 * background jobs, assignments, control structures, builtins that run
 * strings or rebind names (builtins.c), redirections outside the writable
 * roots) is at least `prompt`, never `allow`; so is a bare command name
 * after the script changed PATH, or when PATH may find untrusted programs.
 * Never allocates: each nesting depth has its own storage in the context.
 */
#include "vm/eval.h"

static const struct { uint32_t flag; const char *reason; } uncertain[] = {
	{ CPOL_SH_SUBST,      "command substitution cannot be judged before it runs" },
	{ CPOL_SH_PROCSUBST,  "process substitution cannot be judged before it runs" },
	{ CPOL_SH_EXPAND,     "variable expansion cannot be judged before it runs" },
	{ CPOL_SH_HEREDOC,    "here-document input cannot be judged" },
	{ CPOL_SH_SUBSHELL,   "subshells and command groups cannot be judged" },
	{ CPOL_SH_BACKGROUND, "background jobs cannot be judged" },
	{ CPOL_SH_ASSIGN,     "variable assignments change what commands do" },
	{ CPOL_SH_CONTROL,    "shell control structures cannot be judged" },
	{ CPOL_SH_SYNTAX,     "shell syntax that cannot be parsed for certain" },
	{ CPOL_SH_TOOBIG,     "script too large to judge" },
	{ CPOL_SH_REDIR_FD,   "unusual redirection cannot be judged" },
	{ CPOL_SH_DIALECT,    "a construct of this shell (zsh glob qualifiers, =cmd, >!, setopt, ...) cannot be judged" },
};

/* The flags a confined profile lets pass when the script has none of the
 * constructs text_unsafe() finds: an expansion or glob as an argument only
 * changes what a confined command works on, and every command inside a
 * loop, `if` or `case` body is split out and judged as itself. */
#define RELAXED (CPOL_SH_EXPAND | CPOL_SH_CONTROL)

static int name_char(char ch)
{
	return ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* Does the script's text hold a construct that runs the value of a word
 * as code or rebinds a name: arithmetic (`((`, `$((`, `$[`, `${x:N}`
 * offsets, `${a[i]}` subscripts: arithmetic expands the variables it names
 * and runs the command substitutions in their values), indirection
 * (`${!x}`: a name with a subscript), transformations (`${x@P}` expands a
 * prompt string), default assignments (`${x=v}`, `${x:=v}`) or a function
 * definition (`NAME ()`)? Read over the raw text, quotes included: a false
 * alarm only keeps a prompt. */
static int text_unsafe(const char *t, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (t[i] == '(') {
			uint32_t j = i + 1;
			while (j < n && (t[j] == ' ' || t[j] == '\t'))
				j++;
			if (j < n && (t[j] == '(' || t[j] == ')'))
				return 1;
			continue;
		}
		if (t[i] != '$' || i + 1 >= n)
			continue;
		if (t[i + 1] == '[')
			return 1;
		if (t[i + 1] != '{')
			continue;
		uint32_t j = i + 2;
		if (j < n && t[j] == '#' && j + 1 < n && t[j + 1] != '}')
			j++;                    /* ${#x}: the length */
		if (j < n && !name_char(t[j]) && t[j] != '@' && t[j] != '*' && t[j] != '?' && t[j] != '$' && t[j] != '-' &&
		    t[j] != '#')
			return 1;               /* ${!x}, and anything unusual */
		if (j < n && name_char(t[j]))
			while (j < n && name_char(t[j]))
				j++;
		else
			j++;
		if (j < n && t[j] == '[') {
			if (j + 2 < n && (t[j + 1] == '@' || t[j + 1] == '*') && t[j + 2] == ']')
				j += 3;
			else
				return 1;
		}
		if (j >= n || t[j] == '}')
			continue;
		if (t[j] == ':' && j + 1 < n && (t[j + 1] == '-' || t[j + 1] == '?' || t[j + 1] == '+'))
			continue;
		if (t[j] == '-' || t[j] == '?' || t[j] == '+' || t[j] == '#' || t[j] == '%' || t[j] == '/' || t[j] == '^' ||
		    t[j] == ',')
			continue;
		return 1;                       /* :N offsets, :=, =, @P, ... */
	}
	return 0;
}

/* Does a word hold a character that makes the shell decide its text? */
static int word_decided_later(const char *w, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (w[i] == '$' || w[i] == '`' || w[i] == '*' || w[i] == '?' || w[i] == '[' || w[i] == '{')
			return 1;
	return 0;
}

static void builtin(struct cpol_iv *v, uint8_t dec, const char *reason, const char *m, uint32_t mlen)
{
	cpol_iv_builtin(v, dec, "script", reason, m, mlen);
}

/* Raise v to at least prompt, for `reason`. */
static void at_least_prompt(struct cpol_iv *v, const char *reason, const char *m, uint32_t mlen)
{
	if (v->dec < CPOL_PROMPT)
		builtin(v, CPOL_PROMPT, reason, m, mlen);
}

/* Append the words of a command, joined by spaces, to the context's text
 * buffer; returns the NUL-terminated copy (cut with a counted mark when the
 * buffer is full). */
static const char *join_words(struct cpol_ctx *ctx, const struct cpol_shell_cmd *c)
{
	return cpol_join_words(ctx, c->argc, c->argv, c->lens);
}

const char *cpol_join_words(struct cpol_ctx *ctx, uint32_t argc, const char *const *argv, const uint32_t *lens)
{
	size_t room = sizeof ctx->text - ctx->textlen;
	if (room < CPOL_CUT_MARK + 8)
		return "...";
	char *out = ctx->text + ctx->textlen, *p = out, *end = out + room - CPOL_CUT_MARK - 1;
	for (uint32_t i = 0; i < argc; i++) {
		uint32_t len = lens ? lens[i] : (uint32_t)strlen(argv[i]);
		uint32_t n = len + (i > 0);
		if (n > (uint32_t)(end - p)) {
			uint64_t more = 0;
			for (uint32_t k = i; k < argc; k++)
				more += (lens ? lens[k] : strlen(argv[k])) + (k > 0);
			p += cpol_cut_mark(p, more);
			break;
		}
		if (i)
			*p++ = ' ';
		memcpy(p, argv[i], len);
		p += len;
	}
	*p++ = 0;
	ctx->textlen += (size_t)(p - out);
	return out;
}

static int is_word(const struct cpol_shell_cmd *c, uint32_t i, const char *w)
{
	size_t n = strlen(w);
	return c->lens[i] == n && memcmp(c->argv[i], w, n) == 0;
}

/* The first word after `exec [-cl] [-a NAME]`: exec CMD runs CMD in place
 * of the shell, judged as CMD. */
static uint32_t after_exec(const struct cpol_shell_cmd *c, int dialect)
{
	uint32_t skip = 0;
	while (skip < c->argc && cpol_builtin_role(c->argv[skip], c->lens[skip], dialect) == CPOL_BI_EXEC) {
		skip++;
		while (skip < c->argc && c->lens[skip] >= 2 && c->argv[skip][0] == '-') {
			int dd = is_word(c, skip, "--");
			skip += is_word(c, skip, "-a") ? 2 : 1;
			if (dd)
				break;
		}
	}
	return skip < c->argc ? skip : c->argc;
}

/* A PATH assignment that makes no name find a program the command can have
 * put in place, so that PATH is not rebound:
 * - `PATH=$PATH:/a:/b` (also `${PATH}`): folders put after the PATH in
 *   effect, each an absolute path with nothing the shell expands, outside
 *   the writable roots and the working folder. Every name the shell found
 *   before it still finds first, and what it finds only in the new folders
 *   is nothing the command can have put there;
 * - `PATH=/usr/bin:/bin`: system folders only (cpol_sysdir), which is where
 *   allow rules trust a program to be anyway.
 * The first form only where the shell expands $PATH (expanded): the literal
 * text `$PATH` (env 'PATH=$PATH:/x', a quoted word) names a folder. */
int cpol_path_safe(const struct cpol_ctx *ctx, const char *w, uint32_t n, int expanded)
{
	static const char *const heads[] = { "PATH=$PATH:", "PATH=${PATH}:", "PATH=" };
	uint32_t at = 0, sys = 0;
	for (size_t k = expanded ? 0 : 2; k < sizeof heads / sizeof heads[0] && !at; k++) {
		uint32_t hl = (uint32_t)strlen(heads[k]);
		if (n > hl && memcmp(w, heads[k], hl) == 0) {
			at = hl;
			sys = k == 2;
		}
	}
	if (!at)
		return 0;
	while (at < n) {
		uint32_t e = at;
		while (e < n && w[e] != ':')
			e++;
		if (e == at || w[at] != '/')
			return 0; /* an empty or relative entry: the working folder */
		for (uint32_t i = at; i < e; i++)
			if (!cpol_shell_plain_byte(w[i]))
				return 0;
		if (cpol_target_inside(ctx, w + at, e - at))
			return 0;
		/* nor in the working folder, whose files a cloned project brings */
		char path[CPOL_PATH_BUF];
		long m = cpol_path_normalize(ctx->cwd, ctx->cwdlen, ctx->home, ctx->homelen, w + at, e - at, path,
		                             sizeof path);
		if (m < 0 || cpol_path_within(ctx->cwd, ctx->cwdlen, path, (size_t)m))
			return 0;
		if (sys && !cpol_sysdir(path, (uint32_t)m))
			return 0;
		at = e + 1;
		if (e + 1 == n)
			return 0; /* a trailing ':' is the working folder too */
	}
	return 1;
}

/* Does command c assign, export or name (`export NAME`, `read NAME`,
 * `printf -v NAME`) an environment variable that changes which code a
 * program runs (GIT_EXTERNAL_DIFF, PAGER, LD_PRELOAD, ...)? From then on,
 * a program a rule allows may not run the way the rule saw it. */
static int names_risky_env(const struct cpol_ctx *ctx, const struct cpol_shell_cmd *c)
{
	for (uint32_t k = 0; k < c->nassign; k++)
		if (cpol_env_name_risky(c->assign[k], cpol_shell_name_len(c->assign[k], c->alens[k])) &&
		    !cpol_path_safe(ctx, c->assign[k], c->alens[k], 1))
			return 1;
	for (uint32_t k = 1; k < c->argc; k++) {
		uint32_t nl = cpol_shell_name_len(c->argv[k], c->lens[k]);
		if (nl && (nl == c->lens[k] || c->argv[k][nl] == '=' || c->argv[k][nl] == '+') &&
		    cpol_env_name_risky(c->argv[k], nl) &&
		    !cpol_path_safe(ctx, c->argv[k], c->lens[k], c->wflags && c->wflags[k]))
			return 1;
	}
	return 0;
}

/* Every assignment before the command is made as written: its value is one
 * plain word (no blank, quote, expansion or glob) or a PATH that only
 * appends folders outside the writable roots. No code hides in them. */
static int assigns_plain(const struct cpol_ctx *ctx, const struct cpol_shell_cmd *c)
{
	for (uint32_t k = 0; k < c->nassign; k++) {
		const char *w = c->assign[k], *eq = memchr(w, '=', c->alens[k]);
		if (cpol_path_safe(ctx, w, c->alens[k], 1))
			continue;
		if (!eq)
			return 0;
		for (const char *p = eq + 1; p < w + c->alens[k]; p++)
			if (!cpol_shell_plain_byte(*p))
				return 0;
	}
	return 1;
}

/* Judge one simple command. *rebound: a name lookup may have changed (PATH,
 * BASH_CMDS, hash -p, eval, ...): from this command on, bare names are not
 * trusted to be the programs the rules know by that name. */
static void judge_command(struct cpol_ctx *ctx, int depth, int dialect, uint32_t relaxed,
                          const struct cpol_shell_cmd *c, struct cpol_iv *v, int *rebound)
{
	uint32_t skip = after_exec(c, dialect), at = 0;
	int rb = 0;
	const char *why = NULL, *m = NULL;
	uint32_t mlen = 0;
	for (uint32_t k = 0; k < c->nassign && !why; k++) {
		if (cpol_path_safe(ctx, c->assign[k], c->alens[k], 1))
			continue;
		why = cpol_assign_check(c->assign[k], c->alens[k], &rb);
		m = c->assign[k];
		mlen = c->alens[k];
	}
	if (!why && (why = cpol_builtin_unknowable(c, skip, dialect, &at, &rb)) != NULL) {
		if (rb && at + 1 == c->argc && cpol_path_safe(ctx, c->argv[at], c->lens[at], c->wflags && c->wflags[at])) {
			why = NULL; /* `export PATH=$PATH:/opt/x/bin`, the last word */
			rb = 0;
		} else {
			m = c->argv[at];
			mlen = c->lens[at];
		}
	}
	if (why && !rb && relaxed && cpol_builtin_sets_plainly(c, skip, dialect))
		why = NULL; /* export CFLAGS=-O2: sets a variable, as CFLAGS=-O2 does */
	if (relaxed && assigns_plain(ctx, c))
		relaxed |= CPOL_SH_ASSIGN; /* FOO=1 make: nothing runs that the rules do not see */
	*rebound |= rb;
	if (skip >= c->argc) {
		builtin(v, CPOL_ALLOW, "nothing to run", NULL, 0);
		uint32_t writes = 0;
		for (uint32_t k = 0; k < c->nredir; k++)
			writes += c->redir[k].kind == CPOL_REDIR_WRITE || c->redir[k].kind == CPOL_REDIR_APPEND;
		if (writes) {
			/* `> file` still writes: let the rules about writes judge
			 * its redirections (the default does not apply: nothing runs). */
			struct cpol_frame f;
			struct cpol_iv w;
			cpol_frame_init(ctx, &f, depth, 0, c->argv + skip, c->lens + skip);
			f.redir = c->redir;
			f.nredir = c->nredir;
			cpol_eval_frame(ctx, &f, &w);
			if (w.rule != CPOL_NONE || strcmp(w.bname, "default") != 0)
				*v = w;
		}
	} else {
		struct cpol_frame f;
		cpol_frame_init(ctx, &f, depth, c->argc - skip, c->argv + skip, c->lens + skip);
		cpol_frame_words(&f, c->wflags ? c->wflags + skip : NULL);
		f.redir = c->redir;
		f.nredir = c->nredir;
		cpol_eval_frame(ctx, &f, v);
	}
	/* the rules still judge it (a forbid stays), but it is never allowed */
	if (why)
		at_least_prompt(v, why, m, mlen);
	/* A rule's allow has seen the program, not what an environment variable
	 * makes it run (GIT_PAGER=./x.sh git log): only the sandboxed default
	 * lets plain assignments pass. */
	if (c->nassign && (relaxed & CPOL_SH_ASSIGN) && v->dec == CPOL_ALLOW && v->rule != CPOL_NONE)
		at_least_prompt(v, "an assignment before it may change what the program a rule allows runs", c->assign[0],
		                c->alens[0]);
	/* A rule allowed a bare name: is it still the program of that name? */
	if (skip < c->argc && (*rebound || ctx->names_untrusted) && v->dec == CPOL_ALLOW && v->rule != CPOL_NONE &&
	    !memchr(c->argv[skip], '/', c->lens[skip]) && !cpol_builtin_is(c->argv[skip], c->lens[skip], dialect))
		builtin(v, CPOL_PROMPT, *rebound
		        ? "the script changed PATH or a command name before: this name may run another program"
		        : "PATH may find this name in a folder the command can write: it may not be the program the rule allows",
		        c->argv[skip], c->lens[skip]);
	if (relaxed && skip < c->argc) {
		/* what the relaxed flags still cannot let pass */
		if (c->wflags && c->wflags[skip])
			at_least_prompt(v, "an expansion or glob decides which program runs", c->argv[skip],
			                c->lens[skip]);
		int r = 0;
		if (skip + 1 < c->argc && (is_word(c, skip, "for") || is_word(c, skip, "select")) &&
		    (cpol_assign_check(c->argv[skip + 1], c->lens[skip + 1], &r) || r ||
		     (c->wflags && c->wflags[skip + 1]))) {
			*rebound |= r;
			at_least_prompt(v, "the loop assigns a variable that changes which code the shell runs",
			                c->argv[skip + 1], c->lens[skip + 1]);
		}
	}
	/* A redirection to a file an expansion names: the kernel keeps the
	 * write inside the roots, as for `cp a "$DEST"` run confined; but a
	 * rule's allow has not seen where it writes. */
	for (uint32_t k = 0; relaxed && v->dec == CPOL_ALLOW && v->rule != CPOL_NONE && k < c->nredir; k++) {
		const struct cpol_shell_redir *r = &c->redir[k];
		if ((r->kind == CPOL_REDIR_WRITE || r->kind == CPOL_REDIR_APPEND) &&
		    word_decided_later(r->target, r->target_len)) {
			at_least_prompt(v, "an expansion or glob decides which file the redirection opens", r->target,
			                r->target_len);
			break;
		}
	}
	for (size_t k = 0; k < sizeof uncertain / sizeof uncertain[0]; k++)
		if (c->flags & uncertain[k].flag & ~relaxed) {
			at_least_prompt(v, uncertain[k].reason, NULL, 0);
			break;
		}
	for (uint32_t k = 0; k < c->nredir; k++) {
		const struct cpol_shell_redir *r = &c->redir[k];
		if ((r->kind == CPOL_REDIR_WRITE || r->kind == CPOL_REDIR_APPEND) &&
		    !cpol_target_inside(ctx, r->target, r->target_len)) {
			at_least_prompt(v, "redirection to a path outside the writable roots", r->target, r->target_len);
			break;
		}
	}
}

/* `echo ls | sh`: the shell stage c runs the text[0..len) the literal
 * stage before it prints, so it is judged as `sh -c TEXT` would be (the
 * rules of the policy, then the text as a script of that shell, one depth
 * down). Past the text's first line, a command of it may read the rest
 * from the same pipe before the shell does, and the shell then reads from
 * the middle of a line: the shell's own judgement (it reads commands from
 * standard input) stays as well, the stricter wins. */
static void judge_piped(struct cpol_ctx *ctx, int depth, int dialect, uint32_t relaxed,
                        const struct cpol_shell_cmd *c, const char *text, uint32_t len, struct cpol_iv *v,
                        int *rebound)
{
	static const uint8_t literal[3];
	const char *av[3] = { c->argv[0], "-c", text };
	uint32_t lens[3] = { c->lens[0], 2, len };
	struct cpol_shell_cmd sc = *c;
	sc.argc = 3;
	sc.argv = av;
	sc.lens = lens;
	sc.wflags = literal;
	judge_command(ctx, depth, dialect, relaxed, &sc, v, rebound);
	const char *nl = memchr(text, '\n', len);
	if (nl && nl + 1 < text + len) {
		struct cpol_iv today;
		judge_command(ctx, depth, dialect, relaxed, c, &today, rebound);
		v->set = today.set = 1;
		cpol_iv_merge(v, &today);
	}
}

/* `cd DIR` changes the folder the script's later commands run in: follow it
 * lexically, so that their paths are judged where they really point.
 * Returns 0, -1 when the new folder cannot be known (cd -, cd ~user,
 * cd NAME when the shell has a CDPATH), or -2 when an expansion names it
 * (cd $D): the folder stays where it was, and the caller knows the later
 * commands' paths may be elsewhere. */
int cpol_follow_cd(struct cpol_ctx *ctx, int depth, const struct cpol_shell_cmd *c)
{
	const char *to = ctx->home;
	uint32_t tolen = ctx->homelen;
	if (c->argc > 2)
		return -1;
	if (c->argc == 2) {
		to = c->argv[1];
		tolen = c->lens[1];
	}
	if (tolen == 1 && to[0] == '-')
		return -1;
	if (c->argc == 2 && c->wflags && c->wflags[1])
		return -2; /* `cd $D`: a folder an expansion names */
	/* With a CDPATH, the shell looks a relative NAME up in its folders
	 * first (not ., .., or names under them). */
	if (ctx->cd_searches && tolen > 0 && to[0] != '/' && to[0] != '~' &&
	    !(to[0] == '.' && (tolen == 1 || to[1] == '/' || (to[1] == '.' && (tolen == 2 || to[2] == '/')))))
		return -1;
	char tmp[CPOL_PATH_BUF];
	long n = cpol_path_normalize(ctx->cwd, ctx->cwdlen, ctx->home, ctx->homelen, to, tolen, tmp, sizeof tmp);
	if (n < 0)
		return -1;
	memcpy(ctx->cwdbuf[depth], tmp, (size_t)n + 1);
	ctx->cwd = ctx->cwdbuf[depth];
	ctx->cwdlen = (uint32_t)n;
	cpol_cwd_changed(ctx);
	return 0;
}

void cpol_eval_script(struct cpol_ctx *ctx, struct cpol_frame *f, uint32_t arg, struct cpol_iv *out)
{
	if (arg >= f->argc) {
		builtin(out, CPOL_PROMPT, "the script argument is missing", NULL, 0);
		return;
	}
	int dialect = f->argc ? cpol_shell_dialect_of(f->argv[0], cpol_alen(f, 0), ctx->sh_dialect) : ctx->sh_dialect;
	if (f->argv == ctx->sh_argv)
		dialect = CPOL_SHELL_BASH;      /* a command line: agents' tools run bash */
	if (dialect == CPOL_SHELL_UNKNOWN) {
		builtin(out, CPOL_PROMPT, "scripts of this shell cannot be judged: only bash, dash (sh) and zsh are known",
		        f->argv[0], cpol_alen(f, 0));
		cpol_iv_keep(ctx, out);
		return;
	}
	cpol_eval_script_text(ctx, f->depth, dialect, f->argv[arg], cpol_alen(f, arg), out);
}

void cpol_eval_script_text(struct cpol_ctx *ctx, int fdepth, int dialect, const char *text, uint32_t len,
                           struct cpol_iv *out)
{
	int depth = fdepth + 1;
	if (depth > CPOL_MAX_DEPTH) {
		builtin(out, CPOL_PROMPT, "scripts nested too deeply to judge", NULL, 0);
		return;
	}
	struct cpol_shell_store *st = &ctx->sh[depth];
	struct cpol_shell_out so = cpol_shell_out_of(st);
	uint32_t n = cpol_shell_split_as(text, len, dialect, &so);
	if (so.flags & CPOL_SH_TOOBIG) {
		builtin(out, CPOL_PROMPT, "script too large to judge", NULL, 0);
		return;
	}
	memset(out, 0, sizeof *out);
	if (n == 0)
		builtin(out, CPOL_ALLOW, "empty script", NULL, 0); /* unless its syntax is wrong, below */
	/* A confined profile lets expansions and control structures pass
	 * where the shell reads them the way the splitter does (bash, dash). */
	uint32_t relaxed = cpol_unknown_confined(ctx) &&
	                   (dialect == CPOL_SHELL_BASH || dialect == CPOL_SHELL_POSIX) && !text_unsafe(text, len)
	                   ? RELAXED : 0;
	/* Command and process substitutions: each listed $(...), <(...) and
	 * >(...) body is judged below as a script of its own. Where every one
	 * is listed and no cd moves the folder they run in, what they print
	 * (or the /dev/fd path they are read or written through) is one more
	 * unknown word. A background job then runs as itself, at the same
	 * time as the rest: no cd can have been meant to move it (`cd d &`
	 * moves nothing but its own subshell), and the sandbox ends whatever
	 * is left when the command does. */
	int moves = 0;
	for (uint32_t k = 0; k < n; k++)
		moves |= (so.cmds[k].argc >= 1 &&
		          cpol_builtin_role(so.cmds[k].argv[0], so.cmds[k].lens[0], dialect) == CPOL_BI_CD) ||
		         cpol_builtin_moves_cwd(&so.cmds[k], dialect);
	if (relaxed && so.subst_other == 0 && !moves)
		relaxed |= CPOL_SH_SUBST | CPOL_SH_PROCSUBST | CPOL_SH_BACKGROUND;
	const char *saved_cwd = ctx->cwd;
	uint32_t saved_cwdlen = ctx->cwdlen;
	int lost_cwd = 0, unsure_cwd = 0, rebound = 0, risky_env = 0;
	size_t used = so.buflen;
	uint32_t assign_ok = relaxed ? CPOL_SH_ASSIGN : 0; /* every command's assignments are plain */
	for (uint32_t k = 0; k < n; k++) {
		const struct cpol_shell_cmd *c = &so.cmds[k];
		if (!assigns_plain(ctx, c))
			assign_ok = 0;
		/* Reserve the slot first: a command is listed before its own parts. */
		cpol_subcommand *sub = NULL;
		if (ctx->nsubs < CPOL_MAX_SUBCMDS) {
			sub = &ctx->subs[ctx->nsubs++];
			sub->text = join_words(ctx, c);
			sub->depth = (unsigned)depth;
		} else {
			ctx->subs_dropped++;
		}
		/* `echo ls | sh`: the text a literal echo or printf prints into a
		 * shell, kept after the splitter's words in this depth's buffer */
		long plen = -1;
		if (k > 0 && so.cmds[k - 1].piped && !rebound && cpol_shell_reads_pipe(c, ctx->sh_dialect) >= 0 &&
		    used + 1 < sizeof st->buf)
			plen = cpol_builtin_printed(&so.cmds[k - 1], dialect, st->buf + used, sizeof st->buf - used - 1);
		struct cpol_iv v;
		if (plen >= 0) {
			st->buf[used + (size_t)plen] = 0;
			judge_piped(ctx, depth, dialect, relaxed, c, st->buf + used, (uint32_t)plen, &v, &rebound);
			used += (size_t)plen + 1;
		} else {
			judge_command(ctx, depth, dialect, relaxed, c, &v, &rebound);
		}
		if (risky_env && v.dec == CPOL_ALLOW && v.rule != CPOL_NONE)
			at_least_prompt(&v, "the script set a variable before that changes what the program a rule allows runs",
			                NULL, 0);
		risky_env |= names_risky_env(ctx, c);
		if (lost_cwd)
			at_least_prompt(&v, "the working folder after `cd -`, `cd ~user`, pushd or a cd through CDPATH cannot be known", NULL, 0);
		/* a rule judged the paths in a folder the command may not run in */
		if (unsure_cwd && v.dec == CPOL_ALLOW && v.rule != CPOL_NONE)
			at_least_prompt(&v, "the working folder after a cd to an expansion is not known: the rule judged its paths "
			                "in another", NULL, 0);
		if (c->argc >= 1 && cpol_builtin_role(c->argv[0], c->lens[0], dialect) == CPOL_BI_CD) {
			int r = cpol_follow_cd(ctx, depth, c);
			lost_cwd |= r == -1;
			/* a rule let `cd $D` itself pass (the sandboxed default
			 * asks wherever the sandbox does not hold the command) */
			unsure_cwd |= r == -2 && v.dec == CPOL_ALLOW && v.rule != CPOL_NONE;
		}
		if (cpol_builtin_moves_cwd(c, dialect))
			lost_cwd = 1;
		if (sub)
			cpol_iv_to_verdict(ctx, &v, &sub->verdict);
		v.set = 1;
		cpol_iv_merge(out, &v);
	}
	if (ctx->cwd != saved_cwd) {
		ctx->cwd = saved_cwd;
		ctx->cwdlen = saved_cwdlen;
		cpol_cwd_changed(ctx);
	}
	if (so.flags & ~((uint32_t)CPOL_SH_TOOBIG | relaxed | assign_ok))
		at_least_prompt(out, "shell syntax that cannot be parsed for certain", NULL, 0);
	/* The bodies, one depth down (this depth's storage holds their ranges). */
	for (uint32_t k = 0; k < so.nsubst; k++) {
		struct cpol_iv v;
		cpol_eval_script_text(ctx, depth, dialect, text + so.subst_off[k], so.subst_len[k], &v);
		if (risky_env)
			at_least_prompt(&v, "the script sets a variable that changes what the programs it runs do", NULL, 0);
		if (rebound)
			at_least_prompt(&v, "the script changed PATH or a command name before: this name may run another program",
			                NULL, 0);
		v.set = 1;
		cpol_iv_merge(out, &v);
	}
	/* The words are in this depth's storage, which the next script at this
	 * depth (another script rule of the same command) splits over. */
	cpol_iv_keep(ctx, out);
}
