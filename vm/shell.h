/* vm/shell.h -- the shell script splitter: cuts a `sh -c` script into its
 * simple commands (on ;, &&, ||, |, newlines), removes quotes and escapes
 * from their words, collects redirections, and flags everything it cannot
 * judge for certain. Never allocates: all output goes into storage the
 * caller provides, and running out of it is reported, not overflowed.
 */
#ifndef CPOL_VM_SHELL_H
#define CPOL_VM_SHELL_H

#include <stddef.h>
#include <stdint.h>

/* Why a simple command cannot be judged for certain (cpol_shell_cmd.flags). */
enum {
	CPOL_SH_SUBST      = 1u << 0,  /* $(...) or `...` command substitution */
	CPOL_SH_PROCSUBST  = 1u << 1,  /* <(...) or >(...) */
	CPOL_SH_EXPAND     = 1u << 2,  /* $VAR, ${...}, $((...)) expansion */
	CPOL_SH_HEREDOC    = 1u << 3,  /* << or <<< */
	CPOL_SH_SUBSHELL   = 1u << 4,  /* ( ... ) or { ...; } grouping */
	CPOL_SH_BACKGROUND = 1u << 5,  /* & */
	CPOL_SH_ASSIGN     = 1u << 6,  /* NAME=value before (or as) the command */
	CPOL_SH_CONTROL    = 1u << 7,  /* if/for/while/until/case/function/[[ ]]/(( )) */
	CPOL_SH_SYNTAX     = 1u << 8,  /* unterminated quote, stray operator, ... */
	CPOL_SH_TOOBIG     = 1u << 9,  /* the caller's storage ran out */
	CPOL_SH_REDIR_FD   = 1u << 10, /* redirection to/from an unusual target (e.g. >&file) */
};

enum cpol_shell_redir_kind {
	CPOL_REDIR_WRITE,   /* >, >|, &>, N> */
	CPOL_REDIR_APPEND,  /* >>, &>>, N>> */
	CPOL_REDIR_READ,    /* <, N< */
	CPOL_REDIR_DUP      /* N>&M, N<&M, >&- : no path involved */
};

struct cpol_shell_redir {
	uint8_t kind;       /* enum cpol_shell_redir_kind */
	uint8_t fd;         /* the redirected descriptor (1 for >, 0 for <) */
	const char *target; /* unquoted target word, NUL-terminated, in out->buf */
	uint32_t target_len;
};

struct cpol_shell_cmd {
	uint32_t flags;     /* CPOL_SH_* */
	uint32_t argc;      /* words of the command, assignments excluded */
	const char **argv;  /* points into out->words */
	const uint32_t *lens;
	uint32_t nredir;
	const struct cpol_shell_redir *redir; /* points into out->redirs */
};

/* Storage the caller provides; the splitter fills the counts. */
struct cpol_shell_out {
	struct cpol_shell_cmd *cmds;   uint32_t maxcmds,  ncmds;
	const char **words;            uint32_t maxwords, nwords;
	uint32_t *wordlens;            /* maxwords entries */
	struct cpol_shell_redir *redirs; uint32_t maxredirs, nredirs;
	char *buf;                     size_t bufcap,     buflen;
	uint32_t flags;                /* CPOL_SH_* that concern the whole script */
};

/* Split script[0..len). Returns the number of simple commands (0 for an
 * empty script). Never fails: problems are flags on the commands (or on
 * out->flags). */
uint32_t cpol_shell_split(const char *script, size_t len, struct cpol_shell_out *out);

#endif
