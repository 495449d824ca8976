/* vm/shell.h -- the shell script splitter: cuts a `sh -c` script into its
 * simple commands (on ;, &&, ||, |, |&, &, newlines), removes quotes and
 * escapes from their words, collects redirections, and flags everything it
 * cannot judge for certain. Never allocates, never makes a system call, no
 * locale, no global state, linear in the script: all output goes into
 * storage the caller provides, and running out of it is reported, not
 * overflowed.
 *
 * What the caller gets (the full list of cases is tests/text/test_shell.c):
 * - Words are unquoted ('...', "...", \x, $'...' decoded; adjacent parts
 *   join). An expansion or substitution stays in the word as written
 *   ("$HOME/x", "$(date)") and flags the command: its value is unknown.
 *   Globs, braces and ~ stay as written (brace expansion {a,b} is EXPAND).
 *   Each word also says what it may turn into (CPOL_WORD_*, below):
 *   unquoted $x ${x} $(..) `..` $((..)) is EXPAND; expansions only inside
 *   "..." are QEXPAND ("$@" and "${a[@]}" are EXPAND: several words); an
 *   unquoted * ? [ or a brace expansion is GLOB; a word with several kinds
 *   has their union. A tilde prefix (~, ~/x, ~user) is not flagged: it
 *   becomes one word, a home folder, which the evaluator reads as such.
 * - Assignments before the command word (NAME=v, NAME+=v, NAME[i]=v,
 *   NAME=(...)) are not in argv (cmd.assign lists them) and flag ASSIGN;
 *   after the command word (env a=b, dd of=x) they are ordinary words.
 * - Keywords that only introduce a command (if then else elif while until
 *   do ! { ( time coproc) are dropped, so that the command after them is
 *   judged as itself, flagged CONTROL or SUBSHELL. Every command inside
 *   ( ), { }, if/while/until/for/select/case and function bodies carries
 *   SUBSHELL or CONTROL. for/select/case/function/[[/(( keep their words
 *   (argv[0] is "for", "case", "[[", "((i++))", ...).
 * - argc can be 0: then the command has redirections (`> f`, `done > f`)
 *   or flags of its own (`a=b` is ASSIGN). Commands with nothing in them
 *   are not emitted.
 * - A stray operator (`;;` outside case, `| |`, leading `&&`, trailing
 *   `|`) flags SYNTAX on the command next to it.
 * - Redirections are not words. `|&` adds a 2>&1 (DUP) to the command
 *   before it; `&>f` and `&>>f` are recorded with fd 1 (they take 2 too).
 *   A command a plain `|` ends is marked piped: the next command emitted
 *   is the pipeline's next stage (`echo ls | sh`).
 * - Here-doc bodies are skipped, never commands; an unquoted body with
 *   $(...) or `...` flags SUBST on its command, $VAR flags EXPAND. Inside
 *   $(...) the splitter also knows comments and here-docs, so neither an
 *   apostrophe there nor a ')' in a here-doc body ends it early or late.
 * - out->flags is the union of the flags of every command, emitted or not,
 *   plus TOOBIG. When TOOBIG is set the split stopped early: the caller
 *   must treat the script as one it cannot judge.
 * Known approximations, all of them flagged (so never judged as certain):
 * the text of $(...), <(...), `...` is kept, not split (a `case ... )`
 * inside $(...) ends it early: SYNTAX follows); `coproc NAME { ...; }` is
 * one command; `[[ ... ]]` must end on its line.
 */
#ifndef CPOL_VM_SHELL_H
#define CPOL_VM_SHELL_H

#include <stddef.h>
#include <stdint.h>

/* Nesting limit of groups, keywords and substitutions (the splitter's own
 * fixed storage, on the stack). */
#define CPOL_SH_MAXDEPTH 64

/* Why a simple command cannot be judged for certain (cpol_shell_cmd.flags). */
enum {
	CPOL_SH_SUBST      = 1u << 0,  /* $(...) or `...` command substitution */
	CPOL_SH_PROCSUBST  = 1u << 1,  /* <(...) or >(...) */
	CPOL_SH_EXPAND     = 1u << 2,  /* $VAR, ${...}, $((...)), {a,b}, $'\u..' */
	CPOL_SH_HEREDOC    = 1u << 3,  /* << or <<< */
	CPOL_SH_SUBSHELL   = 1u << 4,  /* ( ... ) or { ...; } grouping */
	CPOL_SH_BACKGROUND = 1u << 5,  /* & */
	CPOL_SH_ASSIGN     = 1u << 6,  /* NAME=value before (or as) the command */
	CPOL_SH_CONTROL    = 1u << 7,  /* if/for/while/until/case/function/[[ ]]/(( )) */
	CPOL_SH_SYNTAX     = 1u << 8,  /* unterminated quote, stray operator, ... */
	CPOL_SH_TOOBIG     = 1u << 9,  /* the caller's storage ran out, or nesting
	                                  deeper than CPOL_SH_MAXDEPTH: stopped */
	CPOL_SH_REDIR_FD   = 1u << 10, /* redirection to/from an unusual target (e.g. >&file) */
	CPOL_SH_DIALECT    = 1u << 11, /* a construct of the dialect the splitter does not
	                                  model (zsh glob qualifiers, =cmd, >!, ...), or
	                                  a dialect it does not know at all */
};

/* The shell that will run the script: the same text splits differently.
 * POSIX is dash (Debian's /bin/sh): no $'...', $"...", [[, ((, <<<, &>,
 * |&, <(...), {a,b}, arrays, NAME+=, {fd}>, function, select, coproc; `time`
 * is a program there. ZSH is split the bash way, its own constructs flag
 * CPOL_SH_DIALECT. UNKNOWN (ksh, fish, ...) splits the bash way and flags
 * CPOL_SH_DIALECT on out->flags: nothing of it can be judged for certain. */
enum cpol_shell_dialect {
	CPOL_SHELL_BASH = 0,
	CPOL_SHELL_POSIX,
	CPOL_SHELL_ZSH,
	CPOL_SHELL_UNKNOWN
};

enum cpol_shell_redir_kind {
	CPOL_REDIR_WRITE,   /* >, >|, &>, N>, <> (read-write counts as write),
	                       >&word / N>&word when word is not a descriptor
	                       (also flags CPOL_SH_REDIR_FD) */
	CPOL_REDIR_APPEND,  /* >>, &>>, N>> */
	CPOL_REDIR_READ,    /* <, N<, <&word when word is not a descriptor */
	CPOL_REDIR_DUP,     /* N>&M, N<&M, >&-, N>&M- : no path involved */
	CPOL_REDIR_HEREDOC, /* << and <<- : target is the delimiter; no path */
	CPOL_REDIR_HERESTRING /* <<< : target is the string; no path */
};

/* cpol_shell_redir.rflags */
enum {
	CPOL_REDIR_F_QUOTED    = 1u << 0, /* the target word had quotes or escapes
	                                     (a quoted here-doc delimiter: the
	                                     body is not expanded) */
	CPOL_REDIR_F_STRIPTABS = 1u << 1, /* <<- */
};

/* What a word may turn into when the shell runs it (cpol_shell_cmd.wflags).
 * A word with no flag is literal: the shell passes exactly its text. The
 * evaluator judges flagged words three-valued: a condition that holds
 * whatever they become decides; one that only might hold makes the command
 * at least `prompt`. */
enum {
	CPOL_WORD_EXPAND  = 1u << 0, /* an unquoted expansion or substitution: may become
	                                any number of words, option-like ones included */
	CPOL_WORD_QEXPAND = 1u << 1, /* quoted expansions only: exactly one word of
	                                unknown text, which may start with '-' */
	CPOL_WORD_GLOB    = 1u << 2, /* an unquoted glob (* ? [...]) or brace form: may
	                                become several words, file names that may start
	                                with '-' among them */
};

struct cpol_shell_redir {
	uint8_t kind;       /* enum cpol_shell_redir_kind */
	uint8_t fd;         /* the redirected descriptor (1 for >, >&, &>, &>>;
	                       0 for <, <>, <<, <<<; N for N>...; 255 when it is
	                       too large or a {var} name, with CPOL_SH_REDIR_FD) */
	uint8_t rflags;     /* CPOL_REDIR_F_* */
	const char *target; /* unquoted target word, NUL-terminated, in out->buf */
	uint32_t target_len;
};

struct cpol_shell_cmd {
	uint32_t flags;     /* CPOL_SH_* */
	uint32_t argc;      /* words of the command, assignments excluded */
	const char **argv;  /* points into out->words (NULL only when out->words is) */
	const uint32_t *lens; /* lengths of argv[i] (a word may hold a NUL byte
	                         only when the script did; that flags SYNTAX) */
	const uint8_t *wflags; /* CPOL_WORD_* of argv[i]; NULL when out->wordflags is */
	uint32_t nredir;
	const struct cpol_shell_redir *redir; /* points into out->redirs */
	/* The assignments before the command word (or the whole command when
	 * argc is 0), unquoted like words: "NAME=value", "NAME+=v", "NAME[i]=v",
	 * "NAME=(...)". They sit in out->words right before argv. */
	uint32_t nassign;
	const char **assign;
	const uint32_t *alens;
	uint8_t piped;      /* a plain `|` (not `|&`) ends it: the next command
	                       in cmds reads its standard output */
	uint8_t tilde;      /* a word or assignment holds an unquoted tilde
	                       prefix (~, ~/x, a=~/x): the shell passes a home
	                       folder there, not the text ~ */
};

/* Storage the caller provides; the splitter fills the counts. */
struct cpol_shell_out {
	struct cpol_shell_cmd *cmds;   uint32_t maxcmds,  ncmds;
	const char **words;            uint32_t maxwords, nwords;
	uint32_t *wordlens;            /* maxwords entries */
	uint8_t *wordflags;            /* maxwords entries, or NULL: CPOL_WORD_* per word */
	struct cpol_shell_redir *redirs; uint32_t maxredirs, nredirs;
	char *buf;                     size_t bufcap,     buflen;
	uint32_t flags;                /* CPOL_SH_* that concern the whole script */
	/* The bodies of the script's $(...) command substitutions that are not
	 * inside another expansion, as byte ranges of the script, so that the
	 * caller can judge each as a script of its own (the words they stand
	 * for stay unknown). subst_other counts the substitutions not listed:
	 * backquotes, ones inside ${...}, $((...)) turned substitution,
	 * here-doc bodies, and those beyond maxsubst. */
	uint32_t *subst_off, *subst_len; uint32_t maxsubst, nsubst, subst_other;
};

/* Split script[0..len) (script need not be NUL-terminated and may be NULL
 * when len is 0). Resets every count in out, then fills it. Returns the
 * number of simple commands (out->ncmds; 0 for an empty script). Never
 * fails: problems are flags on the commands (or on out->flags). Any of the
 * storage arrays may be NULL when its capacity is 0. */
uint32_t cpol_shell_split(const char *script, size_t len, struct cpol_shell_out *out);

/* The same, with the rules of `dialect` (enum cpol_shell_dialect);
 * cpol_shell_split() is the bash dialect. */
uint32_t cpol_shell_split_as(const char *script, size_t len, int dialect, struct cpol_shell_out *out);

#endif
