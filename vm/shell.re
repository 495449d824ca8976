/* vm/shell.re -- the shell script splitter (re2c input; make turns it into
 * vm/shell_re.c, which is never committed). See vm/shell.h for what the
 * caller gets.
 *
 * Four small re2c lexers (outside quotes, inside "...", inside $'...', and
 * the skipper that finds the end of $(...), ${...}, `...`, <(...)) feed a
 * hand-written state machine that builds words, redirections and commands.
 *
 * Must never: allocate, make a system call, touch the locale or any global
 * mutable state, write outside the caller's storage (every write goes
 * through room()/push_*(), which set CPOL_SH_TOOBIG and stop), or do more
 * than linear work: every byte is consumed by exactly one lexer, and the
 * only look-aheads skip blanks or re-read a `((` that turned out to be two
 * subshells (at most CPOL_SH_MAXDEPTH times).
 *
 * The input is read through YYPEEK, which yields 0 past the end, so the
 * script needs no terminator and a NUL byte inside it is an ordinary
 * (flagged) byte.
 */
#include <string.h>

#include "vm/shell.h"

typedef unsigned char uch;

/*!re2c
	re2c:api = custom;
	re2c:api:style = free-form;
	re2c:define:YYCTYPE = "uch";
	re2c:define:YYPEEK = "(S->cur < S->lim ? *S->cur : 0)";
	re2c:define:YYSKIP = "++S->cur;";
	re2c:define:YYBACKUP = "S->mar = S->cur;";
	re2c:define:YYRESTORE = "S->cur = S->mar;";
	re2c:define:YYLESSTHAN = "(S->lim - S->cur < @@{len})";
	re2c:yyfill:enable = 0;
	re2c:eof = 0;

	name    = [A-Za-z_][A-Za-z0-9_]*;
	special = [0-9@*#?$!-];
	hex     = [0-9a-fA-F];
*/

#define GROUPFLAGS (CPOL_SH_SUBSHELL | CPOL_SH_CONTROL)

/* Tokens outside quotes (T_*) and inside "..." (the same codes). */
enum {
	T_EOF, T_BLANK, T_NL, T_CONT, T_ESC, T_BSEND, T_NUL, T_WORD, T_HASH,
	T_SQ, T_DQ, T_DQEND, T_ANSI, T_LOCALE, T_DOLLAR,
	T_SUBST, T_ARITH, T_PARAM, T_OLDARITH, T_VAR, T_BQ, T_PROC,
	T_SEMI, T_DSEMI, T_SEMIAMP, T_DSEMIAMP, T_AND, T_OR, T_PIPE, T_PIPEAMP, T_AMP,
	T_GT, T_DGT, T_CLOBBER, T_GTAMP, T_LT, T_LTGT, T_LTAMP,
	T_DLT, T_DLTDASH, T_TLT, T_AMPGT, T_AMPDGT, T_LPAREN, T_RPAREN
};

/* Tokens of the skipper. */
enum { K_EOF, K_OTHER, K_SUBST, K_ARITH, K_PARAM, K_ANSI, K_VAR,
       K_LP, K_RP, K_RB, K_SQ, K_DQ, K_BQ, K_NL, K_HASH, K_HEREDOC };

/* Contexts of the skipper. */
enum { X_PAREN, X_BRACE, X_DQ, X_BQ, X_SQ, X_ANSI };

/* Groups: what an open construct waits for. */
enum { G_PAREN = 1, G_BRACE, G_IF, G_LOOP, G_CASE };
/* States of a G_CASE group. */
enum { C_WORD, C_IN, C_PAT, C_BODY };
/* The operator that ended the previous command. */
enum { OP_NONE, OP_SEMI, OP_NL, OP_ANDOR, OP_PIPE, OP_AMP };

struct group {
	uint8_t kind, state;
	uint16_t flag;      /* CPOL_SH_SUBSHELL and/or CPOL_SH_CONTROL */
};

struct sh {
	const uch *cur, *lim, *mar, *tok;
	const uch *start;   /* the script's first byte */
	struct cpol_shell_out *out;
	int stop;           /* out of storage: nothing more is written */

	/* the command being built */
	uint32_t own;       /* its own flags (groups add theirs when it ends) */
	uint32_t carry;     /* SYNTAX of a stray operator, for the next command */
	uint32_t word0, redir0; /* its first index in out->words, out->redirs */
	uint32_t asg0;      /* its first assignment word (word0 when none) */
	uint8_t dialect;    /* enum cpol_shell_dialect */
	uint8_t indq;       /* inside "...": expansions are QEXPAND */
	uint32_t ntok;      /* words, keywords, operators consumed in it */
	uint8_t fresh;      /* the next word is in command position */
	uint8_t closed;     /* after fi/done/esac/}/): only redirections follow */
	uint8_t is_function; /* it began with the keyword `function` */
	uint8_t func_body;  /* the next group is a function body */
	uint8_t dbracket;   /* inside [[ ... ]] */
	uint8_t in_subst;   /* skipping the body of a listed $(...): what is
	                       inside it is judged with it */
	uint8_t after_time; /* `time` was dropped: drop a `-p` too */
	uint8_t last_op;
	uint8_t tilde;      /* an unquoted tilde prefix in one of its words */
	uint32_t npat;      /* patterns seen in the current case item */

	/* the word being built, at out->buf + wstart */
	uint8_t inword;
	uint8_t wquoted;    /* some part was quoted, escaped or expanded */
	uint8_t wqchar;     /* some part was quoted or escaped (not expanded) */
	uint8_t wexp;       /* some part was an expansion or substitution */
	uint8_t hdword;     /* it is a here-doc delimiter: no expansion */
	uint8_t wflags;     /* CPOL_WORD_* of the word */
	size_t wbrack;      /* 1 + offset of its first unquoted `[`, or 0 */
	uint8_t bdepth, bsep; /* brace expansion: open `{`, `,` or `..` seen */
	size_t wstart;
	size_t wlit;        /* length of its unquoted literal prefix */

	/* a redirection waiting for its target word */
	uint8_t rpend, rkind, rfd, rdup, rflags;

	/* here-doc bodies follow the next newline */
	uint32_t hd_next;   /* first redirection whose body is not skipped */
	uint32_t hd_cmd;    /* the command that owns it, or an earlier one */

	struct group stack[CPOL_SH_MAXDEPTH];
	uint32_t depth, nsub, nctl;
};

/* ---- storage ---------------------------------------------------------- */

static void toobig(struct sh *S)
{
	S->own |= CPOL_SH_TOOBIG;
	S->out->flags |= CPOL_SH_TOOBIG;
	S->stop = 1;
}

/* Is there room for n more bytes in out->buf, plus the NUL of the word? */
static int room(struct sh *S, size_t n)
{
	struct cpol_shell_out *o = S->out;

	if (S->stop)
		return 0;
	if (o->buf == NULL || o->buflen > o->bufcap || o->bufcap - o->buflen <= n
	    || o->buflen - (S->inword ? S->wstart : o->buflen) + n >= UINT32_MAX) {
		toobig(S);
		return 0;
	}
	return 1;
}

static void w_begin(struct sh *S)
{
	if (S->inword || !room(S, 0))
		return;
	S->inword = 1;
	S->wstart = S->out->buflen;
	S->wquoted = S->wqchar = S->wexp = 0;
	S->wflags = 0;
	S->wbrack = 0;
	S->bdepth = S->bsep = 0;
	S->wlit = 0;
}

/* Append n bytes to the word; literal: they are unquoted word text. */
static void w_put(struct sh *S, const void *p, size_t n, int literal)
{
	struct cpol_shell_out *o = S->out;

	w_begin(S);
	if (!room(S, n))
		return;
	if (n > 0)
		memcpy(o->buf + o->buflen, p, n);
	o->buflen += n;
	if (literal && !S->wquoted)
		S->wlit = o->buflen - S->wstart;
	else
		S->wquoted = 1;
}

static void w_byte(struct sh *S, uch c)
{
	w_put(S, &c, 1, 0);
}

/* Quoted or escaped text (the shell's quoting, not an expansion). */
static void w_quoted(struct sh *S, const void *p, size_t n)
{
	w_put(S, p, n, 0);
	S->wqchar = 1;
}

/* An expansion flag of the word being built (none in a here-doc delimiter,
 * which the shell takes literally). */
static void wflag(struct sh *S, uint32_t f)
{
	if (!S->hdword)
		S->own |= f;
	S->wexp = 1;
}

/* Unquoted word text: also watch for globs, ~ and brace expansion, {a,b}
 * or {1..3} (not in dash). */
static void w_lit(struct sh *S, const uch *p, size_t n)
{
	int bash = S->dialect != CPOL_SHELL_POSIX;
	int start = !S->inword || S->out->buflen == S->wstart;

	w_begin(S);             /* before the flags: a new word clears them */

	if (S->dialect == CPOL_SHELL_ZSH && start && n > 0 && p[0] == '=' && !S->hdword) {
		/* =cmd is the path of cmd in zsh */
		S->own |= CPOL_SH_DIALECT;
		S->wflags |= CPOL_WORD_EXPAND;
	}
	for (size_t i = 0; i < n; i++) {
		uch c = p[i];
		uch prev = i ? p[i - 1] : start ? 0 : (uch)S->out->buf[S->out->buflen - 1];
		if (c == '[' && !S->wbrack)     /* a glob only with a `]` after it */
			S->wbrack = S->out->buflen - S->wstart + i + 1;
		/* A tilde prefix (~, ~/x, ~user, a=~/x) becomes exactly one word,
		 * a home folder that never starts with '-', and the evaluator
		 * reads it as that folder: it is not an unknown word. zsh's ~
		 * inside a word is its glob exclusion operator. */
		int tilde = c == '~' && (prev == 0 || prev == '=' || prev == ':');
		S->tilde |= tilde;
		if (c == '*' || c == '?'
		    || (S->dialect == CPOL_SHELL_ZSH && (c == '^' || c == '#' || (c == '~' && !tilde))))
			S->wflags |= CPOL_WORD_GLOB;
		if (!bash)
			continue;
		if (c == '{') {
			if (S->bdepth < 255)
				S->bdepth++;
		} else if (S->bdepth && (c == ',' || (c == '.' && i + 1 < n && p[i + 1] == '.'))) {
			S->bsep = 1;
		} else if (c == '}' && S->bdepth) {
			S->bdepth--;
			if (S->bsep && !S->hdword) {
				S->own |= CPOL_SH_EXPAND;
				S->wflags |= CPOL_WORD_GLOB;
			}
		}
	}
	w_put(S, p, n, 1);
}

static void rollback(struct sh *S)
{
	S->out->buflen = S->wstart;
	S->inword = 0;
}

/* w[0..n) is the string literal lit (its length known when compiling) */
#define eq(w, n, lit) ((n) == sizeof(lit) - 1 && memcmp((w), (lit), sizeof(lit) - 1) == 0)

static int is_digit(uch c) { return c >= '0' && c <= '9'; }
static int is_alpha_(uch c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_blank(uch c) { return c == ' ' || c == '\t'; }
static int is_special(uch c) { return c != 0 && strchr("@*#?$!-", c) != NULL; }

/* Length of NAME, NAME+, NAME[...] or NAME[...]+ before an `=` at w[ret],
 * all inside the unquoted prefix w[0..lit); 0 when w is no assignment. */
static size_t assign_eq(const char *w, size_t lit, int dialect)
{
	size_t i = 0;

	if (lit == 0 || !is_alpha_((uch)w[0]))
		return 0;
	while (i < lit && (is_alpha_((uch)w[i]) || is_digit((uch)w[i])))
		i++;
	if (dialect == CPOL_SHELL_POSIX)        /* no arrays, no += in dash */
		return i < lit && w[i] == '=' ? i : 0;
	if (i < lit && w[i] == '[') {
		while (i < lit && w[i] != ']')
			i++;
		if (i == lit)
			return 0;
		i++;
	}
	if (i < lit && w[i] == '+')
		i++;
	return i < lit && w[i] == '=' ? i : 0;
}

/* NAME[...]=v with quotes or expansions in the subscript (a['x']=1,
 * a[$i]=1): bash still assigns, and evaluates the subscript. */
static int assign_subscript(const char *w, size_t n, size_t lit, int dialect)
{
	size_t i = 0;

	if (dialect == CPOL_SHELL_POSIX || n == 0 || !is_alpha_((uch)w[0]))
		return 0;
	while (i < lit && (is_alpha_((uch)w[i]) || is_digit((uch)w[i])))
		i++;
	if (i >= lit || w[i] != '[')
		return 0;
	for (i++; i + 1 < n; i++)
		if (w[i] == ']' && (w[i + 1] == '=' || (w[i + 1] == '+' && i + 2 < n && w[i + 2] == '=')))
			return 1;
	return 0;
}

static struct group *topg(struct sh *S)
{
	return S->depth ? &S->stack[S->depth - 1] : NULL;
}

static int in_casepat(struct sh *S)
{
	struct group *g = topg(S);
	return g && g->kind == G_CASE && g->state == C_PAT;
}

/* A SYNTAX error at the current token: on the command when it has words
 * or redirections, else on the next command emitted (or the last one, at
 * the end): an error never makes an empty command of its own. */
static void syntax(struct sh *S)
{
	struct cpol_shell_out *o = S->out;

	if (S->inword || S->rpend || o->nwords > S->word0 || o->nredirs > S->redir0)
		S->own |= CPOL_SH_SYNTAX;
	else
		S->carry |= CPOL_SH_SYNTAX;
}

/* ---- commands --------------------------------------------------------- */

static void begin_cmd(struct sh *S)
{
	S->own = 0;
	S->word0 = S->asg0 = S->out->nwords;
	S->redir0 = S->out->nredirs;
	S->ntok = 0;
	S->fresh = 1;
	S->closed = S->is_function = S->after_time = S->tilde = 0;
}

static void end_cmd(struct sh *S)
{
	struct cpol_shell_out *o = S->out;
	uint32_t argc = o->nwords - S->word0, nredir = o->nredirs - S->redir0;
	uint32_t fl;

	if (S->rpend) {         /* an operator without its target */
		S->rpend = 0;
		S->hdword = 0;
		if (argc || nredir)
			S->own |= CPOL_SH_SYNTAX;
		else
			S->carry |= CPOL_SH_SYNTAX;
	}
	fl = S->own | (S->nsub ? CPOL_SH_SUBSHELL : 0) | (S->nctl ? CPOL_SH_CONTROL : 0);
	if (argc || nredir || (S->own & ~GROUPFLAGS)) {
		fl |= S->carry;
		S->carry = 0;
		if (o->ncmds >= o->maxcmds || o->cmds == NULL) {
			toobig(S);
		} else {
			struct cpol_shell_cmd *c = &o->cmds[o->ncmds++];
			c->flags = fl;
			c->argc = argc;
			c->argv = o->words ? o->words + S->word0 : NULL;
			c->lens = o->wordlens ? o->wordlens + S->word0 : NULL;
			c->wflags = o->wordflags ? o->wordflags + S->word0 : NULL;
			c->nredir = nredir;
			c->redir = o->redirs ? o->redirs + S->redir0 : NULL;
			c->nassign = S->word0 - S->asg0;
			c->assign = o->words ? o->words + S->asg0 : NULL;
			c->alens = o->wordlens ? o->wordlens + S->asg0 : NULL;
			c->piped = 0;
			c->tilde = S->tilde;
		}
	}
	o->flags |= fl;
	begin_cmd(S);
}

static void push_group(struct sh *S, uint8_t kind, uint16_t flag)
{
	struct group *g;

	if (S->depth >= CPOL_SH_MAXDEPTH) {
		toobig(S);
		return;
	}
	if (S->func_body && (kind == G_PAREN || kind == G_BRACE))
		flag |= CPOL_SH_CONTROL;
	S->func_body = 0;
	g = &S->stack[S->depth++];
	g->kind = kind;
	g->state = C_WORD;
	g->flag = flag;
	S->nsub += (flag & CPOL_SH_SUBSHELL) != 0;
	S->nctl += (flag & CPOL_SH_CONTROL) != 0;
}

/* fi, done, esac, }, ): end the command inside the group, pop it, and go
 * on with a command that can only take redirections (`done > log`). */
static void close_group(struct sh *S, uint8_t kind)
{
	struct group *g = topg(S);
	uint16_t flag;

	if (g == NULL || g->kind != kind) {
		S->ntok++;
		syntax(S);
		return;
	}
	end_cmd(S);
	flag = g->flag;
	S->depth--;
	S->nsub -= (flag & CPOL_SH_SUBSHELL) != 0;
	S->nctl -= (flag & CPOL_SH_CONTROL) != 0;
	S->own |= flag;
	S->closed = 1;
	S->fresh = 0;
	S->ntok = 1;
}

static void push_word(struct sh *S, const char *w, size_t n)
{
	struct cpol_shell_out *o = S->out;
	struct group *g;
	uint32_t argc;

	if (o->nwords >= o->maxwords || o->words == NULL || o->wordlens == NULL) {
		toobig(S);
		return;
	}
	o->words[o->nwords] = w;
	o->wordlens[o->nwords] = (uint32_t)n;
	if (o->wordflags)
		o->wordflags[o->nwords] = S->wflags;
	o->nwords++;
	o->buflen++;            /* keep the NUL */
	if (S->closed)
		S->own |= CPOL_SH_SYNTAX;
	S->ntok++;
	S->fresh = 0;
	S->func_body = 0;
	S->after_time = 0;
	argc = o->nwords - S->word0;

	g = topg(S);
	if (g && g->kind == G_CASE && argc >= 2 && (g->state == C_WORD || g->state == C_IN)) {
		if (g->state == C_WORD) {
			g->state = C_IN;
		} else if (eq(w, n, "in")) {
			end_cmd(S);
			g->state = C_PAT;
			S->npat = 0;
		} else {
			S->own |= CPOL_SH_SYNTAX;
		}
	}
	if (S->is_function && argc == 2) {  /* function NAME: the body follows */
		end_cmd(S);
		S->func_body = 1;
	}
}

/* A reserved word in command position; 1 when it was handled. */
static int keyword(struct sh *S, const char *w, size_t n)
{
	struct group *g = topg(S);

	if (S->dialect == CPOL_SHELL_POSIX
	    && (eq(w, n, "[[") || eq(w, n, "function") || eq(w, n, "select")
	        || eq(w, n, "coproc") || eq(w, n, "time")))
		return 0;       /* ordinary words in dash (`time` is a program) */
	if (S->dialect == CPOL_SHELL_ZSH
	    && (eq(w, n, "repeat") || eq(w, n, "foreach") || eq(w, n, "always") || eq(w, n, "end")
	        || eq(w, n, "nocorrect") || eq(w, n, "noglob") || eq(w, n, "-")))
		S->own |= CPOL_SH_DIALECT;      /* zsh's own keywords and modifiers */

	if (eq(w, n, "if") || eq(w, n, "while") || eq(w, n, "until")) {
		push_group(S, w[0] == 'i' ? G_IF : G_LOOP, CPOL_SH_CONTROL);
	} else if (eq(w, n, "then") || eq(w, n, "else") || eq(w, n, "elif")) {
		if (g == NULL || g->kind != G_IF)
			syntax(S);
		S->own |= CPOL_SH_CONTROL;
	} else if (eq(w, n, "do")) {
		if (g == NULL || g->kind != G_LOOP)
			syntax(S);
		S->own |= CPOL_SH_CONTROL;
	} else if (eq(w, n, "fi") || eq(w, n, "done") || eq(w, n, "esac") || eq(w, n, "}")) {
		rollback(S);
		close_group(S, w[0] == 'f' ? G_IF : w[0] == 'd' ? G_LOOP : w[0] == 'e' ? G_CASE : G_BRACE);
		return 1;
	} else if (eq(w, n, "{")) {
		push_group(S, G_BRACE, CPOL_SH_SUBSHELL);
	} else if (eq(w, n, "!")) {
		/* negates the status only */
	} else if (eq(w, n, "time")) {
		S->after_time = 1;
	} else if (eq(w, n, "coproc")) {
		S->own |= CPOL_SH_CONTROL | CPOL_SH_BACKGROUND;
	} else if (eq(w, n, "for") || eq(w, n, "select") || eq(w, n, "case")) {
		S->own |= CPOL_SH_CONTROL;
		push_word(S, w, n);
		push_group(S, w[0] == 'c' ? G_CASE : G_LOOP, CPOL_SH_CONTROL);
		return 1;
	} else if (eq(w, n, "function")) {
		S->own |= CPOL_SH_CONTROL;
		push_word(S, w, n);
		S->is_function = 1;
		return 1;
	} else if (eq(w, n, "[[")) {
		S->own |= CPOL_SH_CONTROL;
		push_word(S, w, n);
		S->dbracket = 1;
		return 1;
	} else {
		return 0;
	}
	/* a word that only introduces the command after it: drop it */
	if (!S->stop) {
		uint8_t t = S->after_time;
		rollback(S);
		S->ntok++;
		S->fresh = 1;
		S->after_time = t;
	}
	return 1;
}

/* The target word of a pending redirection is complete. */
static void end_redir(struct sh *S, const char *w, size_t n)
{
	struct cpol_shell_out *o = S->out;
	struct cpol_shell_redir *r;
	uint8_t kind = S->rkind;

	S->rpend = 0;
	S->hdword = 0;
	if (S->rdup) {
		size_t i = 0;
		while (i < n && is_digit((uch)w[i]))
			i++;
		if (!S->wexp && n > 0 && (i == n || (i + 1 == n && w[i] == '-'))) {
			kind = CPOL_REDIR_DUP;
		} else {
			kind = S->rdup == '>' ? CPOL_REDIR_WRITE : CPOL_REDIR_READ;
			S->own |= CPOL_SH_REDIR_FD;
		}
	}
	if (o->nredirs >= o->maxredirs || o->redirs == NULL) {
		toobig(S);
		return;
	}
	r = &o->redirs[o->nredirs++];
	r->kind = kind;
	r->fd = S->rfd;
	r->rflags = (uint8_t)(S->rflags | (S->wqchar ? CPOL_REDIR_F_QUOTED : 0));
	r->target = w;
	r->target_len = (uint32_t)n;
	o->buflen++;            /* keep the NUL */
}

/* A word ends (blank, operator, end of script). */
static void w_end(struct sh *S)
{
	struct cpol_shell_out *o = S->out;
	const char *w;
	size_t n;
	int lit;

	if (!S->inword)
		return;
	if (S->stop) {
		S->inword = 0;
		return;
	}
	S->inword = 0;
	o->buf[o->buflen] = '\0';       /* room() kept a byte for it */
	w = o->buf + S->wstart;
	n = o->buflen - S->wstart;
	lit = !S->wquoted;
	if (S->wbrack && S->wbrack < n && memchr(w + S->wbrack, ']', n - S->wbrack))
		S->wflags |= CPOL_WORD_GLOB;

	if (S->rpend) {
		end_redir(S, w, n);
		return;
	}
	if (in_casepat(S)) {            /* a pattern: not a command word */
		o->buflen = S->wstart;
		if (lit && S->npat == 0 && eq(w, n, "esac"))
			close_group(S, G_CASE);
		else
			S->npat++;
		return;
	}
	if (S->dbracket) {
		if (lit && eq(w, n, "]]"))
			S->dbracket = 0;
		push_word(S, w, n);
		return;
	}
	if (S->fresh && lit) {
		if (S->after_time && eq(w, n, "-p")) {
			rollback(S);
			S->after_time = 0;
			S->ntok++;
			return;
		}
		if (keyword(S, w, n))
			return;
	}
	if (o->nwords == S->word0 && (assign_eq(w, S->wlit, S->dialect) || assign_subscript(w, n, S->wlit, S->dialect))) {
		/* kept before argv: word0 moves past it */
		if (o->nwords >= o->maxwords || o->words == NULL || o->wordlens == NULL) {
			toobig(S);
			return;
		}
		o->words[o->nwords] = w;
		o->wordlens[o->nwords] = (uint32_t)n;
		if (o->wordflags)
			o->wordflags[o->nwords] = S->wflags;
		o->nwords++;
		o->buflen++;    /* keep the NUL */
		S->word0++;
		S->own |= CPOL_SH_ASSIGN;
		S->ntok++;
		S->fresh = 0;
		return;
	}
	push_word(S, w, n);
}

/* ---- lexers ----------------------------------------------------------- */

static int lex_top(struct sh *S)
{
	S->tok = S->cur;
/*!re2c
	[ \t]+          { return T_BLANK; }
	"\n"            { return T_NL; }
	"\\\n"          { return T_CONT; }
	"\\" [^]        { return T_ESC; }
	"\\"            { return T_BSEND; }
	"\x00"          { return T_NUL; }
	"#"             { return T_HASH; }
	"'"             { return T_SQ; }
	"\""            { return T_DQ; }
	"$'"            { return T_ANSI; }
	"$\""           { return T_LOCALE; }
	"$(("           { return T_ARITH; }
	"$("            { return T_SUBST; }
	"${"            { return T_PARAM; }
	"$["            { return T_OLDARITH; }
	"$" name        { return T_VAR; }
	"$" special     { return T_VAR; }
	"$"             { return T_DOLLAR; }
	"`"             { return T_BQ; }
	[<>] "("        { return T_PROC; }
	";;&"           { return T_DSEMIAMP; }
	";;"            { return T_DSEMI; }
	";&"            { return T_SEMIAMP; }
	";"             { return T_SEMI; }
	"&&"            { return T_AND; }
	"||"            { return T_OR; }
	"|&"            { return T_PIPEAMP; }
	"|"             { return T_PIPE; }
	"&>>"           { return T_AMPDGT; }
	"&>"            { return T_AMPGT; }
	"&"             { return T_AMP; }
	">>"            { return T_DGT; }
	">|"            { return T_CLOBBER; }
	">&"            { return T_GTAMP; }
	">"             { return T_GT; }
	"<<<"           { return T_TLT; }
	"<<-"           { return T_DLTDASH; }
	"<<"            { return T_DLT; }
	"<>"            { return T_LTGT; }
	"<&"            { return T_LTAMP; }
	"<"             { return T_LT; }
	"("             { return T_LPAREN; }
	")"             { return T_RPAREN; }
	[^ \t\n\\#'"$`<>;&|()\x00]+ { return T_WORD; }
	$               { return T_EOF; }
*/
}

static int lex_dq(struct sh *S)
{
	S->tok = S->cur;
/*!re2c
	"\""            { return T_DQEND; }
	"\\" [$`"\\]    { return T_ESC; }
	"\\\n"          { return T_CONT; }
	"\\"            { return T_WORD; }
	"\x00"          { return T_NUL; }
	"$(("           { return T_ARITH; }
	"$("            { return T_SUBST; }
	"${"            { return T_PARAM; }
	"$["            { return T_OLDARITH; }
	"$" name        { return T_VAR; }
	"$" special     { return T_VAR; }
	"$"             { return T_WORD; }
	"`"             { return T_BQ; }
	[^"\\$`\x00]+   { return T_WORD; }
	$               { return T_EOF; }
*/
}

static int lex_skip(struct sh *S)
{
	S->tok = S->cur;
/*!re2c
	"\\" [^]        { return K_OTHER; }
	"\\"            { return K_OTHER; }
	"$(("           { return K_ARITH; }
	"$("            { return K_SUBST; }
	"${"            { return K_PARAM; }
	"$'"            { return K_ANSI; }
	"$" name        { return K_VAR; }
	"$" special     { return K_VAR; }
	"("             { return K_LP; }
	")"             { return K_RP; }
	"}"             { return K_RB; }
	"'"             { return K_SQ; }
	"\""            { return K_DQ; }
	"`"             { return K_BQ; }
	"\n"            { return K_NL; }
	"#"             { return K_HASH; }
	"<<" "-"?       { return K_HEREDOC; }
	"<<<"           { return K_OTHER; }
	[^\\$()}'"`\n#<\x00]+ { return K_OTHER; }
	[$<\x00]        { return K_OTHER; }
	$               { return K_EOF; }
*/
}

/* Here-docs opened inside $(...): their bodies follow the next newline
 * there, and may hold anything (`it's`, a lone parenthesis). */
#define SKIP_HD 4
#define SKIP_HDLEN 64
struct skip_hd {
	uint8_t n;
	struct { uint8_t len, strip; char d[SKIP_HDLEN]; } hd[SKIP_HD];
};

/* The delimiter word after << inside $(...), quotes removed. Too long or
 * too many: not tracked (the body is then scanned as code, as before). */
static void skip_hd_word(struct sh *S, struct skip_hd *h, int strip)
{
	const uch *p = S->cur;
	char d[SKIP_HDLEN];
	size_t n = 0;
	int ok = 1;

	while (p < S->lim && is_blank(*p))
		p++;
	while (p < S->lim && !is_blank(*p) && !strchr("\n;&|<>()", *p)) {
		uch c = *p++;
		if (c == '\'' || c == '"') {
			while (p < S->lim && *p != c) {
				if (c == '"' && *p == '\\' && p + 1 < S->lim)
					p++;
				if (n < sizeof d)
					d[n] = (char)*p;
				n++;
				p++;
			}
			if (p < S->lim)
				p++;
			continue;
		}
		if (c == '\\' && p < S->lim)
			c = *p++;
		if (n < sizeof d)
			d[n] = (char)c;
		n++;
	}
	S->cur = p;
	if (n == 0 || n > sizeof d || h->n >= SKIP_HD)
		ok = 0;
	if (ok) {
		memcpy(h->hd[h->n].d, d, n);
		h->hd[h->n].len = (uint8_t)n;
		h->hd[h->n].strip = (uint8_t)strip;
		h->n++;
	}
}

/* At a newline inside $(...): skip the pending here-doc bodies. */
static void skip_hd_bodies(struct sh *S, struct skip_hd *h)
{
	for (uint8_t i = 0; i < h->n; i++) {
		while (S->cur < S->lim) {
			const uch *p = S->cur, *e = memchr(p, '\n', (size_t)(S->lim - p));
			if (e == NULL)
				e = S->lim;
			S->cur = e < S->lim ? e + 1 : S->lim;
			if (h->hd[i].strip)
				while (p < e && *p == '\t')
					p++;
			if ((size_t)(e - p) == h->hd[i].len && memcmp(p, h->hd[i].d, h->hd[i].len) == 0)
				break;
		}
	}
	h->n = 0;
}

/* A substitution that is not listed for the caller to judge (unless it
 * lies inside a listed one, which is judged whole). */
static void other_subst(struct sh *S)
{
	if (!S->in_subst && S->out)
		S->out->subst_other++;
}

/* Skip to the end of a construct whose opening was just consumed: $( or
 * <( (X_PAREN), ${ (X_BRACE), ` (X_BQ), respecting the quotes, comments,
 * here-docs and constructs nested in it; flag what is inside. Returns 0
 * at the end of the script (unterminated: SYNTAX) or when nesting is too
 * deep (TOOBIG). */
static int skip(struct sh *S, uint8_t first)
{
	uint8_t st[CPOL_SH_MAXDEPTH];
	uint32_t d = 0;
	const uch *from = S->cur;
	struct skip_hd hd;

	hd.n = 0;

	st[d++] = first;
	if (first == X_BQ) {
		wflag(S, CPOL_SH_SUBST);
		other_subst(S);
	}
	while (d > 0) {
		uint8_t top = st[d - 1], push = 0xff;
		int in_dq_brace = top == X_BRACE && d >= 2 && st[d - 2] == X_DQ;

		if (top == X_SQ || top == X_BQ || top == X_ANSI) {
			uch end = top == X_BQ ? '`' : '\'';
			const uch *p = S->cur;
			while (p < S->lim && *p != end) {
				if (top != X_SQ && *p == '\\' && p + 1 < S->lim)
					p++;
				p++;
			}
			if (p >= S->lim) {
				S->cur = S->lim;
				S->own |= CPOL_SH_SYNTAX;
				return 0;
			}
			S->cur = p + 1;
			d--;
			continue;
		}
		switch (lex_skip(S)) {
		case K_EOF:
			S->own |= CPOL_SH_SYNTAX;
			return 0;
		case K_OTHER:
			break;
		case K_SUBST:
			wflag(S, CPOL_SH_SUBST);
			other_subst(S);
			push = X_PAREN;
			break;
		case K_ARITH:           /* $(( : two levels */
			wflag(S, CPOL_SH_EXPAND);
			if (d + 1 >= CPOL_SH_MAXDEPTH)
				goto deep;
			st[d++] = X_PAREN;
			push = X_PAREN;
			break;
		case K_PARAM:
			wflag(S, CPOL_SH_EXPAND);
			push = X_BRACE;
			break;
		case K_ANSI:            /* in dash: `$` and a '...' */
			if (S->dialect != CPOL_SHELL_POSIX && top != X_DQ)
				push = X_ANSI;
			else if (S->dialect == CPOL_SHELL_POSIX && (top == X_PAREN || (top == X_BRACE && !in_dq_brace)))
				push = X_SQ;
			break;
		case K_VAR:
			wflag(S, CPOL_SH_EXPAND);
			break;
		case K_LP:
			if (top == X_PAREN)
				push = X_PAREN;
			break;
		case K_RP:
			if (top == X_PAREN)
				d--;
			break;
		case K_RB:
			if (top == X_BRACE)
				d--;
			break;
		case K_SQ:
			if (top == X_PAREN || (top == X_BRACE && !in_dq_brace))
				push = X_SQ;
			break;
		case K_DQ:
			if (top == X_DQ)
				d--;
			else
				push = X_DQ;
			break;
		case K_BQ:
			wflag(S, CPOL_SH_SUBST);
			other_subst(S);
			push = X_BQ;
			break;
		case K_NL:
			if (top == X_PAREN && hd.n)
				skip_hd_bodies(S, &hd);
			break;
		case K_HASH:            /* a comment, at the start of a word */
			if (top == X_PAREN && strchr(" \t\n;&|()", S->tok[-1])) {
				const uch *e = memchr(S->cur, '\n', (size_t)(S->lim - S->cur));
				S->cur = e ? e : S->lim;
			}
			break;
		case K_HEREDOC:
			if (top == X_PAREN)
				skip_hd_word(S, &hd, S->cur - S->tok == 3);
			break;
		}
		if (push != 0xff) {
			if (d >= CPOL_SH_MAXDEPTH)
				goto deep;
			st[d++] = push;
		}
	}
	/* The construct stays in the word as written: a NUL in it is one in
	 * the word, which the contract says is SYNTAX. */
	if (memchr(from, 0, (size_t)(S->cur - from)))
		S->own |= CPOL_SH_SYNTAX;
	return 1;
deep:
	S->cur = S->lim;
	toobig(S);
	return 0;
}

/* $'...' (ANSI-C quoting), its opening consumed: decode into the word. A
 * byte that depends on the locale (\u, \U above ASCII) is written as UTF-8
 * and flags EXPAND; a NUL (\0, \x00) ends the string in bash: it is left
 * out and flags EXPAND. */
static void ansi_put(struct sh *S, unsigned long v, int locale)
{
	uch b[4];
	size_t n;

	if (v == 0 || v > 0x10ffff || (locale && v >= 0xd800 && v <= 0xdfff)) {
		wflag(S, CPOL_SH_EXPAND);
		S->wflags |= CPOL_WORD_QEXPAND;
		return;
	}
	if (!locale || v < 0x80) {
		w_byte(S, (uch)(v & 0xff));
		return;
	}
	wflag(S, CPOL_SH_EXPAND);
	S->wflags |= CPOL_WORD_QEXPAND;   /* one word; its bytes depend on the locale */
	if (v < 0x800) {
		b[0] = (uch)(0xc0 | (v >> 6));
		b[1] = (uch)(0x80 | (v & 0x3f));
		n = 2;
	} else if (v < 0x10000) {
		b[0] = (uch)(0xe0 | (v >> 12));
		b[1] = (uch)(0x80 | ((v >> 6) & 0x3f));
		b[2] = (uch)(0x80 | (v & 0x3f));
		n = 3;
	} else {
		b[0] = (uch)(0xf0 | (v >> 18));
		b[1] = (uch)(0x80 | ((v >> 12) & 0x3f));
		b[2] = (uch)(0x80 | ((v >> 6) & 0x3f));
		b[3] = (uch)(0x80 | (v & 0x3f));
		n = 4;
	}
	w_put(S, b, n, 0);
}

static unsigned long numval(const uch *p, const uch *e, unsigned base)
{
	unsigned long v = 0;

	for (; p < e; p++) {
		uch c = *p;
		unsigned dgt = is_digit(c) ? (unsigned)(c - '0')
		             : (c >= 'a' && c <= 'f') ? (unsigned)(c - 'a' + 10)
		             : (unsigned)(c - 'A' + 10);
		v = v * base + dgt;
	}
	return v;
}

static void ansi(struct sh *S)
{
	w_quoted(S, "", 0);
	while (!S->stop) {
		S->tok = S->cur;
/*!re2c
	"'"             { return; }
	"\\a"           { w_byte(S, 0x07); continue; }
	"\\b"           { w_byte(S, 0x08); continue; }
	"\\" [eE]       { w_byte(S, 0x1b); continue; }
	"\\f"           { w_byte(S, 0x0c); continue; }
	"\\n"           { w_byte(S, 0x0a); continue; }
	"\\r"           { w_byte(S, 0x0d); continue; }
	"\\t"           { w_byte(S, 0x09); continue; }
	"\\v"           { w_byte(S, 0x0b); continue; }
	"\\" [\\'"?]    { w_byte(S, S->tok[1]); continue; }
	"\\" [0-7]{1,3} { ansi_put(S, numval(S->tok + 1, S->cur, 8) & 0xff, 0); continue; }
	"\\x" hex{1,2}  { ansi_put(S, numval(S->tok + 2, S->cur, 16), 0); continue; }
	"\\u" hex{1,4}  { ansi_put(S, numval(S->tok + 2, S->cur, 16), 1); continue; }
	"\\U" hex{1,8}  { ansi_put(S, numval(S->tok + 2, S->cur, 16), 1); continue; }
	"\\c" [?]       { w_byte(S, 0x7f); continue; }
	"\\c" [^?\x00]  { ansi_put(S, S->tok[2] & 0x1f, 0); continue; }
	"\\\x00"        { S->own |= CPOL_SH_SYNTAX; w_put(S, S->tok, 2, 0); continue; }
	"\\" [^]        { w_put(S, S->tok, 2, 0); continue; }
	"\x00"          { S->own |= CPOL_SH_SYNTAX; w_byte(S, 0); continue; }
	[^'\\\x00]+     { w_put(S, S->tok, (size_t)(S->cur - S->tok), 0); continue; }
	"\\"            { S->own |= CPOL_SH_SYNTAX; return; }
	$               { S->own |= CPOL_SH_SYNTAX; return; }
*/
	}
}

/* '...' */
static void squote(struct sh *S)
{
	const uch *p = S->cur;

	while (p < S->lim && *p != '\'')
		p++;
	w_quoted(S, S->cur, (size_t)(p - S->cur));
	for (const uch *q = S->cur; q < p; q++)
		if (*q == 0)
			S->own |= CPOL_SH_SYNTAX;
	if (p >= S->lim) {
		S->own |= CPOL_SH_SYNTAX;
		S->cur = S->lim;
	} else {
		S->cur = p + 1;
	}
}

/* $((: arithmetic, unless it turns out to be $( (...) ...). */
static void arith(struct sh *S)
{
	if (!skip(S, X_PAREN)) {
		wflag(S, CPOL_SH_EXPAND);
	} else if (S->cur < S->lim && *S->cur == ')') {
		S->cur++;
		wflag(S, CPOL_SH_EXPAND);
	} else {
		wflag(S, CPOL_SH_SUBST);
		other_subst(S);
		skip(S, X_PAREN);
	}
}

/* Does the expansion text p[0..n) name all positional parameters or
 * all elements of an array ($@, ${@...}, ${a[@]}, ${!a[@]}, ${!p@}):
 * inside "..." it still becomes one word per element. */
static int expands_all(const uch *p, size_t n)
{
	if (n >= 2 && p[1] == '@')
		return 1;
	return n >= 3 && p[1] == '{' && memchr(p, '@', n) != NULL;
}

/* A $(...) whose body is body[0 .. end-1) (end just past its `)`), for
 * the caller to judge; NULL body: unterminated. */
static void list_subst(struct sh *S, const uch *body, const uch *end)
{
	struct cpol_shell_out *o = S->out;
	if (!body || end <= body || o->nsubst >= o->maxsubst || !o->subst_off || !o->subst_len) {
		o->subst_other++;
		return;
	}
	o->subst_off[o->nsubst] = (uint32_t)(body - S->start);
	o->subst_len[o->nsubst] = (uint32_t)(end - 1 - body);
	o->nsubst++;
}

/* $..., `...`, <(...): keep the text as written, flag the command. */
static void expansion(struct sh *S, int t)
{
	const uch *start = S->tok;

	w_begin(S);
	if (S->dialect == CPOL_SHELL_POSIX && t == T_OLDARITH) {
		/* no $[...] in dash: a `$`, then `[` as text */
		S->cur = S->tok + 1;
		w_put(S, "$", 1, !S->indq);
		return;
	}
	switch (t) {
	case T_SUBST: {
		const uch *body = S->cur;
		uint8_t outer = S->in_subst;
		wflag(S, CPOL_SH_SUBST);
		S->in_subst = 1;
		int ok = skip(S, X_PAREN);
		S->in_subst = outer;
		if (!outer)
			list_subst(S, ok ? body : NULL, S->cur);
		break;
	}
	case T_ARITH:
		arith(S);
		break;
	case T_PARAM:
		wflag(S, CPOL_SH_EXPAND);
		skip(S, X_BRACE);
		break;
	case T_BQ:
		skip(S, X_BQ);
		break;
	case T_PROC: {          /* listed like $(...): its body is a script */
		const uch *body = S->cur;
		uint8_t outer = S->in_subst;
		wflag(S, CPOL_SH_PROCSUBST);
		S->in_subst = 1;
		int ok = skip(S, X_PAREN);
		S->in_subst = outer;
		if (!outer)
			list_subst(S, ok ? body : NULL, S->cur);
		break;
	}
	case T_OLDARITH: {      /* $[...]: to its ], so that 1<<2 is no here-doc */
		uint32_t depth = 1;
		wflag(S, CPOL_SH_EXPAND);
		while (S->cur < S->lim && depth) {
			uch c = *S->cur++;
			if (c == '[')
				depth++;
			else if (c == ']')
				depth--;
			else if (c == '`' || (c == '$' && S->cur < S->lim && *S->cur == '('))
				wflag(S, CPOL_SH_SUBST);
			else if (c == 0)        /* copied into the word below */
				S->own |= CPOL_SH_SYNTAX;
		}
		if (depth)
			S->own |= CPOL_SH_SYNTAX;
		break;
	}
	default:                /* T_VAR */
		wflag(S, CPOL_SH_EXPAND);
		break;
	}
	if (!S->indq || expands_all(start, (size_t)(S->cur - start))
	    || (S->dialect == CPOL_SHELL_ZSH && t == T_PARAM))  /* ${=x}, ${(f)x} split in "..." */
		S->wflags |= CPOL_WORD_EXPAND;
	else
		S->wflags |= CPOL_WORD_QEXPAND;
	w_put(S, start, (size_t)(S->cur - start), 0);
}

/* "..." and $"...", the opening consumed. */
static void dquote(struct sh *S)
{
	w_quoted(S, "", 0);
	S->indq = 1;
	while (!S->stop) {
		int t = lex_dq(S);
		switch (t) {
		case T_DQEND:
			S->indq = 0;
			return;
		case T_EOF:
			S->own |= CPOL_SH_SYNTAX;
			S->indq = 0;
			return;
		case T_ESC:
			w_byte(S, S->tok[1]);
			break;
		case T_CONT:
			break;
		case T_NUL:
			S->own |= CPOL_SH_SYNTAX;
			w_byte(S, 0);
			break;
		case T_WORD:
			w_put(S, S->tok, (size_t)(S->cur - S->tok), 0);
			break;
		default:
			expansion(S, t);
			break;
		}
	}
	S->indq = 0;
}

/* ---- operators -------------------------------------------------------- */

/* A redirection operator. fdok: a word of unquoted digits right before it
 * is the descriptor (2>x), as is {name} (bash's {fd}>x). */
static void redir_op(struct sh *S, uint8_t kind, uint8_t fd, int fdok, uint8_t dup, uint8_t rflags)
{
	struct cpol_shell_out *o = S->out;

	if (S->inword) {
		const char *w = o->buf + S->wstart;
		size_t n = o->buflen - S->wstart, i = 0;
		int plain = !S->wquoted && !S->rpend && fdok && !S->stop;

		while (i < n && is_digit((uch)w[i]))
			i++;
		if (plain && n > 0 && i == n) {
			unsigned v = 0;
			for (i = 0; i < n && v <= 255; i++)
				v = v * 10 + (unsigned)(w[i] - '0');
			if (v > 255) {
				v = 255;
				S->own |= CPOL_SH_REDIR_FD;
			}
			fd = (uint8_t)v;
			rollback(S);
		} else if (plain && n >= 3 && w[0] == '{' && w[n - 1] == '}' && S->dialect != CPOL_SHELL_POSIX
		           && is_alpha_((uch)w[1])) {
			for (i = 2; i + 1 < n && (is_alpha_((uch)w[i]) || is_digit((uch)w[i])); i++)
				;
			if (i + 1 == n) {
				fd = 255;
				S->own |= CPOL_SH_REDIR_FD;
				rollback(S);
			} else {
				w_end(S);
			}
		} else {
			w_end(S);
		}
	}
	if (S->rpend) {                 /* `> > x`: the first has no target */
		S->own |= CPOL_SH_SYNTAX;
		S->hdword = 0;
	}
	if (S->dialect == CPOL_SHELL_ZSH && S->cur < S->lim
	    && (*S->cur == '!' || (kind == CPOL_REDIR_READ && !dup && (is_digit(*S->cur) || *S->cur == '-'))))
		S->own |= CPOL_SH_DIALECT;      /* >! >>! clobber, <1-10> numeric glob */
	S->rpend = 1;
	S->rkind = kind;
	S->rfd = fd;
	S->rdup = dup;
	S->rflags = rflags;
	S->ntok++;
	S->fresh = 0;
	if (kind == CPOL_REDIR_HEREDOC || kind == CPOL_REDIR_HERESTRING)
		S->own |= CPOL_SH_HEREDOC;
	if (kind == CPOL_REDIR_HEREDOC)
		S->hdword = 1;
}

/* |& is 2>&1 |: record the 2>&1 on the command before it. */
static void pipe_stderr(struct sh *S)
{
	struct cpol_shell_out *o = S->out;
	struct cpol_shell_redir *r;

	if (!room(S, 1))
		return;
	if (o->nredirs >= o->maxredirs || o->redirs == NULL) {
		toobig(S);
		return;
	}
	r = &o->redirs[o->nredirs++];
	r->kind = CPOL_REDIR_DUP;
	r->fd = 2;
	r->rflags = 0;
	r->target = o->buf + o->buflen;
	r->target_len = 1;
	o->buf[o->buflen++] = '1';
	o->buf[o->buflen++] = '\0';
}

/* ; & && || | |& */
static void separator(struct sh *S, int t)
{
	w_end(S);
	if (S->stop)
		return;
	if (S->ntok == 0) {             /* `; ls`, `a && && b`, `| x` */
		S->carry |= CPOL_SH_SYNTAX;
		return;
	}
	if (S->dbracket) {
		S->dbracket = 0;
		syntax(S);
	}
	if (t == T_AMP)
		S->own |= CPOL_SH_BACKGROUND;
	if (t == T_PIPEAMP)
		pipe_stderr(S);
	uint32_t before = S->out->ncmds;
	end_cmd(S);
	if (t == T_PIPE && S->out->ncmds > before)
		S->out->cmds[before].piped = 1;
	S->last_op = t == T_SEMI ? OP_SEMI : t == T_AMP ? OP_AMP
	           : (t == T_AND || t == T_OR) ? OP_ANDOR : OP_PIPE;
}

/* ;; ;& ;;& end a case item; anywhere else they are stray. */
static void case_end(struct sh *S)
{
	struct group *g;

	w_end(S);
	g = topg(S);
	if (g && g->kind == G_CASE && g->state == C_BODY) {
		end_cmd(S);
		g->state = C_PAT;
		S->npat = 0;
		return;
	}
	syntax(S);
	if (S->ntok)
		end_cmd(S);
	S->last_op = OP_SEMI;
}

/* Flag expansions in the body of an unquoted here-doc. */
static void heredoc_scan(struct sh *S, const uch *p, const uch *e, struct cpol_shell_cmd *c)
{
	uint32_t f = 0;

	for (; p < e; p++) {
		if (*p == '\\') {
			p++;
		} else if (*p == '`') {
			f |= CPOL_SH_SUBST;
		} else if (*p == '$' && p + 1 < e) {
			uch n = p[1];
			if (n == '(')
				f |= p + 2 < e && p[2] == '(' ? CPOL_SH_EXPAND : CPOL_SH_SUBST;
			else if (n == '{' || n == '[' || is_alpha_(n) || is_digit(n) || is_special(n))
				f |= CPOL_SH_EXPAND;
		}
	}
	c->flags |= f;
	S->out->flags |= f;
	if (f & CPOL_SH_SUBST)
		other_subst(S);
}

/* After a newline: skip the bodies of the here-docs of the ended commands,
 * each up to its delimiter line. */
static void heredocs(struct sh *S)
{
	struct cpol_shell_out *o = S->out;

	for (; S->hd_next < S->redir0 && !S->stop; S->hd_next++) {
		const struct cpol_shell_redir *r = &o->redirs[S->hd_next];
		struct cpol_shell_cmd *c;

		if (r->kind != CPOL_REDIR_HEREDOC)
			continue;
		while (S->hd_cmd < o->ncmds
		       && (uint32_t)(o->cmds[S->hd_cmd].redir - o->redirs) + o->cmds[S->hd_cmd].nredir
		          <= S->hd_next)
			S->hd_cmd++;
		if (S->hd_cmd >= o->ncmds)
			return;
		c = &o->cmds[S->hd_cmd];
		while (S->cur < S->lim) {
			const uch *p = S->cur, *e, *q;
			e = memchr(p, '\n', (size_t)(S->lim - p));
			if (e == NULL)
				e = S->lim;
			S->cur = e < S->lim ? e + 1 : S->lim;
			q = p;
			if (r->rflags & CPOL_REDIR_F_STRIPTABS)
				while (q < e && *q == '\t')
					q++;
			if ((size_t)(e - q) == r->target_len && memcmp(q, r->target, r->target_len) == 0)
				break;
			if (!(r->rflags & CPOL_REDIR_F_QUOTED))
				heredoc_scan(S, p, e, c);
		}
	}
}

static void newline(struct sh *S)
{
	w_end(S);
	if (!in_casepat(S) && S->ntok) {
		if (S->dbracket) {
			S->dbracket = 0;
			syntax(S);
		}
		end_cmd(S);
		S->last_op = OP_NL;
	}
	heredocs(S);
}

static int peek_after_blanks(struct sh *S, const uch **at)
{
	const uch *p = S->cur;

	while (p < S->lim && is_blank(*p))
		p++;
	*at = p;
	return p < S->lim ? *p : -1;
}

/* `((...))` as a command, or `for ((...))`: one word, kept as written.
 * Returns 0 when it is two subshells after all, `( (a) b )`. */
static int arith_cmd(struct sh *S)
{
	const uch *start = S->tok, *save = S->cur;

	S->cur++;                       /* the second ( */
	if (skip(S, X_PAREN)) {
		if (S->cur >= S->lim || *S->cur != ')') {
			S->cur = save;
			return 0;
		}
		S->cur++;
	}
	S->own |= CPOL_SH_CONTROL;
	w_put(S, start, (size_t)(S->cur - start), 0);
	w_end(S);
	return 1;
}

static void lparen(struct sh *S)
{
	struct cpol_shell_out *o = S->out;
	uint32_t argc;
	const uch *at;

	if (S->inword && S->dialect == CPOL_SHELL_ZSH)
		S->own |= CPOL_SH_DIALECT;      /* *(e:...:), (+f), =(...): run code */
	if (S->inword) {
		size_t n = o->buflen - S->wstart, e;
		/* NAME=( ... ): an array assignment, part of the word */
		if (!S->wquoted && !S->rpend && o->nwords == S->word0 && !S->dbracket
		    && S->dialect != CPOL_SHELL_POSIX
		    && (e = assign_eq(o->buf + S->wstart, S->wlit, S->dialect)) && e + 1 == n) {
			const uch *start = S->tok;
			skip(S, X_PAREN);
			w_put(S, start, (size_t)(S->cur - start), 0);
			return;
		}
		w_end(S);
	}
	if (S->stop)
		return;
	if (S->rpend) {
		syntax(S);
		S->rpend = 0;
		S->hdword = 0;
	}
	argc = o->nwords - S->word0;
	if (peek_after_blanks(S, &at) == ')') {         /* NAME () : a function */
		S->cur = at + 1;
		if ((argc == 1 && S->ntok == 1) || (S->is_function && argc == 2)) {
			S->own |= CPOL_SH_CONTROL;
			end_cmd(S);
			S->func_body = 1;
		} else if (!(S->func_body && S->ntok == 0)) {
			S->ntok++;
			syntax(S);
		}
		return;
	}
	if (S->cur < S->lim && *S->cur == '(' && S->dialect != CPOL_SHELL_POSIX) {
		if (S->fresh && arith_cmd(S))
			return;
		if (argc == 1 && S->ntok == 1 && eq(o->words[S->word0], o->wordlens[S->word0], "for")
		    && arith_cmd(S))
			return;
	}
	if (!S->fresh) {                /* `echo (`: a stray group */
		syntax(S);
		end_cmd(S);
	}
	push_group(S, G_PAREN, CPOL_SH_SUBSHELL);
	S->ntok++;
}

/* ---- the splitter ----------------------------------------------------- */

static int is_op(int t)
{
	return t >= T_SEMI;
}

/* Inside [[ ]], < > && || ( ) ! are the test's own words. */
static int dbracket_word(int t)
{
	return t == T_AND || t == T_OR || t == T_PIPE || t == T_PIPEAMP || t == T_AMP
	    || t == T_GT || t == T_DGT || t == T_LT || t == T_LPAREN || t == T_RPAREN
	    || t == T_GTAMP || t == T_LTAMP || t == T_LTGT || t == T_CLOBBER
	    || t == T_AMPGT || t == T_AMPDGT || t == T_DLT || t == T_DLTDASH || t == T_TLT;
}

uint32_t cpol_shell_split(const char *script, size_t len, struct cpol_shell_out *out)
{
	return cpol_shell_split_as(script, len, CPOL_SHELL_BASH, out);
}

uint32_t cpol_shell_split_as(const char *script, size_t len, int dialect, struct cpol_shell_out *out)
{
	struct sh s, *S = &s;

	memset(S, 0, sizeof *S);
	out->ncmds = out->nwords = out->nredirs = 0;
	out->buflen = 0;
	out->flags = 0;
	out->nsubst = out->subst_other = 0;
	if (dialect != CPOL_SHELL_POSIX && dialect != CPOL_SHELL_ZSH) {
		if (dialect != CPOL_SHELL_BASH)
			out->flags = CPOL_SH_DIALECT;   /* split the bash way, judged as unknown */
		dialect = CPOL_SHELL_BASH;
	}
	S->dialect = (uint8_t)dialect;
	if (script == NULL || len == 0)
		return 0;
	S->out = out;
	S->cur = S->start = (const uch *)script;
	S->lim = S->cur + len;
	begin_cmd(S);

	while (!S->stop) {
		int t = lex_top(S);

		if (S->dbracket && S->inword && !S->wquoted
		    && S->out->buflen - S->wstart == 2 && memcmp(S->out->buf + S->wstart, "]]", 2) == 0)
			w_end(S);               /* `[[ a ]]&& b` */
		if (S->dbracket && dbracket_word(t)) {
			w_put(S, S->tok, (size_t)(S->cur - S->tok), 0);
			continue;
		}
		if (in_casepat(S) && is_op(t)) {
			w_end(S);               /* may be `esac`, which ends the case */
		}
		if (in_casepat(S) && is_op(t)) {
			if (t == T_RPAREN) {    /* patterns done: the body */
				topg(S)->state = C_BODY;
				S->fresh = 1;
			} else if (!(t == T_PIPE || (t == T_LPAREN && S->npat == 0))) {
				syntax(S);
			}
			continue;
		}
		switch (t) {
		case T_EOF:
			goto done;
		case T_BLANK:
			w_end(S);
			break;
		case T_NL:
			newline(S);
			break;
		case T_CONT:
			break;
		case T_ESC:
			if (S->tok[1] == 0)
				S->own |= CPOL_SH_SYNTAX; /* \<NUL>: a NUL in the word */
			w_quoted(S, S->tok + 1, 1);
			break;
		case T_BSEND:
			w_quoted(S, S->tok, 1);
			break;
		case T_NUL:
			w_byte(S, 0);
			S->own |= CPOL_SH_SYNTAX;
			break;
		case T_WORD:
			w_lit(S, S->tok, (size_t)(S->cur - S->tok));
			break;
		case T_HASH:
			if (S->inword) {
				w_lit(S, S->tok, 1);
			} else {                        /* a comment */
				const uch *e = memchr(S->cur, '\n', (size_t)(S->lim - S->cur));
				S->cur = e ? e : S->lim;
			}
			break;
		case T_SQ:
			squote(S);
			break;
		case T_DQ:
			dquote(S);
			break;
		case T_LOCALE:
			if (S->dialect == CPOL_SHELL_POSIX)
				w_lit(S, S->tok, 1);    /* dash: `$` and "..." */
			dquote(S);
			break;
		case T_ANSI:
			if (S->dialect == CPOL_SHELL_POSIX) {
				w_lit(S, S->tok, 1);    /* dash: `$` and '...' */
				squote(S);
			} else {
				ansi(S);
			}
			break;
		case T_DOLLAR:
			w_begin(S);
			if (S->dialect == CPOL_SHELL_ZSH && S->cur < S->lim && !is_blank(*S->cur) && *S->cur != '\n') {
				wflag(S, CPOL_SH_EXPAND);       /* $=x $~x $+x $^x */
				S->wflags |= CPOL_WORD_EXPAND;
			}
			w_lit(S, S->tok, 1);
			break;
		case T_PROC:
			if (S->dialect == CPOL_SHELL_POSIX) {   /* dash: `<` then `(` */
				S->cur = S->tok + 1;
				redir_op(S, S->tok[0] == '<' ? CPOL_REDIR_READ : CPOL_REDIR_WRITE,
				         S->tok[0] == '<' ? 0 : 1, 1, 0, 0);
				break;
			}
			expansion(S, t);
			break;
		case T_SUBST: case T_ARITH: case T_PARAM: case T_OLDARITH:
		case T_VAR: case T_BQ:
			expansion(S, t);
			break;
		case T_PIPEAMP:
			if (S->dialect == CPOL_SHELL_POSIX) {   /* dash: `|` then a stray `&` */
				uint32_t before = S->out->ncmds;
				separator(S, T_PIPE);
				if (S->out->ncmds > before)
					S->out->cmds[before].piped = 0; /* no pipeline runs */
				S->carry |= CPOL_SH_SYNTAX;
				break;
			}
			separator(S, t);
			break;
		case T_SEMI: case T_AND: case T_OR: case T_PIPE: case T_AMP:
			separator(S, t);
			break;
		case T_DSEMI:
			case_end(S);
			break;
		case T_SEMIAMP: case T_DSEMIAMP:
			case_end(S);
			if (S->dialect == CPOL_SHELL_POSIX)
				S->carry |= CPOL_SH_SYNTAX;
			break;
		case T_GT: case T_CLOBBER:
			redir_op(S, CPOL_REDIR_WRITE, 1, 1, 0, 0);
			break;
		case T_DGT:
			redir_op(S, CPOL_REDIR_APPEND, 1, 1, 0, 0);
			break;
		case T_LT:
			redir_op(S, CPOL_REDIR_READ, 0, 1, 0, 0);
			break;
		case T_LTGT:
			redir_op(S, CPOL_REDIR_WRITE, 0, 1, 0, 0);
			break;
		case T_GTAMP:
			redir_op(S, CPOL_REDIR_DUP, 1, 1, '>', 0);
			break;
		case T_LTAMP:
			redir_op(S, CPOL_REDIR_DUP, 0, 1, '<', 0);
			break;
		case T_AMPGT:
		case T_AMPDGT:
			if (S->dialect == CPOL_SHELL_POSIX) {   /* dash: `cmd &` then `> f` */
				separator(S, T_AMP);
				if (!S->stop)
					redir_op(S, t == T_AMPGT ? CPOL_REDIR_WRITE : CPOL_REDIR_APPEND, 1, 1, 0, 0);
				break;
			}
			redir_op(S, t == T_AMPGT ? CPOL_REDIR_WRITE : CPOL_REDIR_APPEND, 1, 0, 0, 0);
			break;
		case T_DLT:
			redir_op(S, CPOL_REDIR_HEREDOC, 0, 1, 0, 0);
			break;
		case T_DLTDASH:
			redir_op(S, CPOL_REDIR_HEREDOC, 0, 1, 0, CPOL_REDIR_F_STRIPTABS);
			break;
		case T_TLT:
			redir_op(S, CPOL_REDIR_HERESTRING, 0, 1, 0, 0);
			if (S->dialect == CPOL_SHELL_POSIX)
				S->own |= CPOL_SH_SYNTAX;       /* dash has no <<< */
			break;
		case T_LPAREN:
			lparen(S);
			break;
		case T_RPAREN:
			w_end(S);
			close_group(S, G_PAREN);
			break;
		}
	}
done:
	if (!S->stop) {
		w_end(S);
		if (S->dbracket)
			syntax(S);
		if (S->ntok == 0 && (S->last_op == OP_ANDOR || S->last_op == OP_PIPE))
			S->carry |= CPOL_SH_SYNTAX;
		if (S->depth || S->func_body)   /* unclosed group or keyword */
			syntax(S);
	} else {
		S->inword = 0;
		S->rpend = 0;
	}
	end_cmd(S);
	if (S->carry) {
		if (out->ncmds)
			out->cmds[out->ncmds - 1].flags |= S->carry;
		out->flags |= S->carry;
	}
	return out->ncmds;
}
