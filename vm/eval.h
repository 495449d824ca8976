/* vm/eval.h -- what the evaluator's files share: the frame (one command
 * being judged: a top-level argv or one simple command of a script) and the
 * internal verdict. Frames live on the C stack; nothing here allocates. */
#ifndef CPOL_VM_EVAL_H
#define CPOL_VM_EVAL_H

#include <string.h>

#include "vm/path.h"
#include "vm/vm.h"

/* Words an expansion or glob decides need no prompt of their own when the
 * profile's default runs a command inside a sandbox that confines writes
 * and gives no network: whatever the words become, the command runs as
 * confined as `make` running the workspace's code. The rules are still
 * judged three-valued, so a stricter rule that might hold still asks.
 * Never when the commands run outside the sandbox (an agent's hook that
 * cannot rewrite them to run under codexrun). */
static inline int cpol_unknown_confined(const struct cpol_ctx *ctx)
{
	const struct cpol_image *im = ctx->img;
	return !ctx->unconfined && (im->meta->flags & CPOL_IMGF_CONFINED_DEFAULT) && im->sb &&
	       im->sb->net == CPOL_NET_NONE;
}

/* A verdict before it is turned into strings for the caller. */
struct cpol_iv {
	uint8_t dec;
	uint8_t set;            /* 0: nothing decided yet */
	uint32_t rule;          /* image rule index, or CPOL_NONE for a built-in verdict */
	const char *bname;      /* built-in: rule name ("default", "script") */
	const char *breason;    /* built-in: reason */
	const char *m;          /* matched text (not NUL-terminated), or NULL */
	uint32_t mlen;
};

struct cpol_frame {
	int depth;
	uint32_t argc;
	const char *const *argv;
	const uint32_t *lens;   /* NULL: the words are NUL-terminated */
	const uint8_t *wflags;  /* CPOL_WORD_* of argv[i], or NULL: all literal */
	uint32_t ufirst;        /* first word that may become several (argc when none) */
	uint8_t unk;            /* some word is not literal: judge three-valued */
	const char *um;         /* the unknown word a condition could not decide on */
	uint32_t umlen;
	uint8_t uopt;           /* um is an option not in an `any value of` list, not an
	                           unknown word */
	uint8_t vmaybe;         /* cpol_run met an `any value of` it could not read for
	                           certain: the rule is run again three-valued */
	const struct cpol_shell_redir *redir;
	uint32_t nredir;
	uint32_t prog;          /* program table index; 0 when no program rule applies */
	const char *pname;      /* the program name rules see (inside argv[0]), or NULL */
	uint32_t pnamelen;
	uint32_t pnamehash;     /* low 32 bits of its XXH3-64 (valid with pname) */
	uint8_t untrusted;      /* pname is the basename of a program outside the trusted
	                           system folders: only forbid and prompt rules see it */
	uint8_t pok;            /* the rule being run may see pname */
	uint64_t hashed;        /* bit i: ahash[i] holds the hash of argv[i] */
	struct cpol_gstate *gs; /* this depth's group states */
	uint32_t tag;
	uint8_t istate;         /* intents: 0 not yet, 1 computing, 2 done */
	uint8_t net;
	uint32_t nwrite, outside;
	uint32_t sureout;       /* targets outside the roots whatever the unknown words
	                           become (a literal word no unknown word can move) */
	const char *m;          /* text the last true test matched */
	uint32_t mlen;
	const char *wm;         /* first write target outside the roots */
	uint32_t wmlen;
	uint32_t nroot;         /* targets that are a write root as a whole */
	const char *rm;         /* the first of them */
	uint32_t rmlen;
	uint32_t ahash[64];     /* argument hashes for set lookups, as computed */
};

static inline uint32_t cpol_alen(const struct cpol_frame *f, uint32_t i)
{
	return f->lens ? f->lens[i] : (uint32_t)strlen(f->argv[i]);
}

/* eval.c */
void cpol_frame_init(struct cpol_ctx *ctx, struct cpol_frame *f, int depth, uint32_t argc,
                     const char *const *argv, const uint32_t *lens);
void cpol_eval_frame(struct cpol_ctx *ctx, struct cpol_frame *f, struct cpol_iv *out);
int cpol_run(struct cpol_ctx *ctx, struct cpol_frame *f, uint32_t pc);
/* What the words of f may turn into (CPOL_WORD_* per word, or NULL). */
void cpol_frame_words(struct cpol_frame *f, const uint8_t *wflags);
/* The three-valued run: CPOL_NO, CPOL_YES or CPOL_MAYBE (some unknown word
 * decides; f->um names it). */
enum { CPOL_NO = 0, CPOL_YES = 1, CPOL_MAYBE = 2 };
int cpol_run3(struct cpol_ctx *ctx, struct cpol_frame *f, uint32_t pc);

/* options.c: `options only` -- is every option of argv[1..argc) in the
 * set, read as getopt_long does? 1 yes, 0 no, 2 an unknown word decides
 * (wf: CPOL_WORD_* per word, or NULL); *at is the word that decided. */
int cpol_options_only(const struct cpol_image *im, uint32_t set, uint32_t argc, const char *const *argv,
                      const uint32_t *lens, const uint8_t *wf, uint32_t *at);
/* The text a wrapper's replace option gives (xargs -I R, -iR, --replace):
 * the last one read wins. */
struct cpol_replace {
	const char *s;     /* the text (NULL: it is not known) */
	uint32_t n;
	uint8_t given;     /* a replace option was read */
	uint8_t later;     /* another option was read after the last replace option
	                      (it may turn replacing off: xargs -L, -n) */
};
/* The same reading up to the first operand (set may be CPOL_NONE: no
 * options): 1 with *at the first word after the options, 0 for an option
 * not in the set, 2 when an unknown word decides. With rp, the members of
 * set rset (members of set too) are replace options, noted in *rp. */
int cpol_options_end(const struct cpol_image *im, uint32_t set, uint32_t argc, const char *const *argv,
                     const uint32_t *lens, const uint8_t *wf, uint32_t *at, uint32_t rset,
                     struct cpol_replace *rp);

/* The same reading for `any value of`: each value of one of the set's
 * first nsel members (the options it selects) is handed to seen(arg, k,
 * off), the value being argv[k] from byte off (glued: -xVALUE,
 * --name=VALUE; or the whole next word). 0 or 2 as cpol_options_only (the
 * values seen before *at were read for certain), 1 when every value was
 * seen, 3 when seen returned nonzero. Never allocates. */
struct cpol_optvals {
	uint32_t nsel;
	int (*seen)(void *arg, uint32_t k, uint32_t off);
	void *arg;
};
int cpol_option_values(const struct cpol_image *im, uint32_t set, uint32_t argc, const char *const *argv,
                       const uint32_t *lens, const uint8_t *wf, uint32_t *at, const struct cpol_optvals *ov);

/* wrap.c: the wrapper declared for program p (a trusted program), or NULL. */
const struct cpol_img_wrapper *cpol_wrapper_of(const struct cpol_image *im, uint32_t p);
/* Judge what wrapper w of frame f runs, into *out. Returns 1 when *out
 * holds that verdict; 0 when the wrapped command cannot be found (an
 * option of the wrapper that is not declared, an operand missing): the
 * wrapper's options may hide it; 2 when the wrapper was given no command
 * at all after its options (`nice`, `env -i`): it runs none, and is
 * judged as itself only. */
int cpol_eval_wrapped(struct cpol_ctx *ctx, struct cpol_frame *f, const struct cpol_img_wrapper *w,
                      struct cpol_iv *out);

/* Past the delimiter that ends a literal of a sed or awk program (*i just
 * after the one that opened it): a backslash takes the byte after it.
 * -1 at a newline or the end first, and, when `brackets` is set, at a
 * delimiter inside [...] (which tools read differently). */
static inline int cpol_past_delim(const char *s, uint32_t n, uint32_t *i, char delim, int brackets)
{
	int in = 0;
	while (*i < n) {
		char c = s[(*i)++];
		if (c == delim)
			return brackets && in ? -1 : 0;
		if (c == '\n')
			return -1;
		if (c == '\\') {
			if (*i >= n)
				return -1;
			(*i)++;
		} else if (c == '[') {
			in = 1;
		} else if (c == ']') {
			in = 0;
		}
	}
	return -1;
}

/* builtins.c: the length of the shell name w starts with, the name part
 * of NAME=..., NAME+=..., NAME[...]=... or a bare NAME (0: none). */
uint32_t cpol_shell_name_len(const char *w, uint32_t n);

/* sedscript.c: does s[0..n), read as a GNU sed script, use the command
 * cmd (the e and w flags of s count as e and w)? 1 too when the script
 * cannot be read. */
int cpol_sed_uses(const char *s, uint32_t n, char cmd);

/* awkprog.c: does s[0..n), read as an awk program, use m[0..ml) (a name,
 * "|" a pipe, ">" an output redirection, "@", or text in a string)? 1 too
 * when the program cannot be read. */
int cpol_awk_uses(const char *s, uint32_t n, const char *m, uint32_t ml);

/* wrap.c: is s[0..n) the name of an environment variable that changes
 * which programs run or what they load and read (PATH, LD_*, GIT_*,
 * PAGER, TAR_OPTIONS, ...)? A command run with one set is not the command
 * the rules judged. */
int cpol_env_name_risky(const char *s, uint32_t n);

/* eval.c: is s one of set id's strings? */
int cpol_set_has_word(const struct cpol_image *im, uint32_t id, const char *s, uint32_t n);
/* eval.c: does one member m of a set satisfy predicate p (prefix, suffix,
 * flag, option, contains-char) for the argument s? */
int cpol_member_match(uint8_t p, const char *m, uint32_t ml, const char *s, uint32_t n);

/* intent.c */
/* Recompute the working folder's facts after ctx->cwd changed. */
void cpol_cwd_changed(struct cpol_ctx *ctx);
long cpol_long_option_at(const char *s, uint32_t n, const char *name, uint32_t sl);
void cpol_intents(struct cpol_ctx *ctx, struct cpol_frame *f);
/* Is the (unnormalised) path inside a write root and outside every
 * protected path? */
int cpol_target_inside(const struct cpol_ctx *ctx, const char *s, uint32_t n);
/* PATH=... that finds no program the command can have put in place (see
 * script.c); expanded: the shell expands a $PATH in w (0: w is the literal
 * value, as an env argument or a quoted word is). */
int cpol_path_safe(const struct cpol_ctx *ctx, const char *w, uint32_t n, int expanded);
/* Is the normalised folder one of the system folders whose programs allow
 * rules trust (/bin, /usr/bin, /usr/local/bin and their sbin)? */
int cpol_sysdir(const char *dir, uint32_t len);

/* ctx.c */
/* Write "... [N more bytes]" (at most CPOL_CUT_MARK bytes, no NUL) at p:
 * text cut for lack of room says how much is missing. */
#define CPOL_CUT_MARK 40
size_t cpol_cut_mark(char *p, uint64_t more);
void cpol_iv_to_verdict(struct cpol_ctx *ctx, const struct cpol_iv *v, cpol_verdict *out);
/* Copy a verdict's matched text into the context's text buffer, so that it
 * outlives the shell storage it points into. */
void cpol_iv_keep(struct cpol_ctx *ctx, struct cpol_iv *v);

/* script.c */
/* Append words joined by spaces to the context's text buffer; returns the
 * NUL-terminated copy (truncated when the buffer is full). */
const char *cpol_join_words(struct cpol_ctx *ctx, uint32_t argc, const char *const *argv, const uint32_t *lens);
/* `cd DIR` in a script at `depth`: move ctx->cwd there (0), -1 when the
 * new folder cannot be known, -2 when an expansion names it (ctx->cwd
 * unchanged). The caller restores the folder afterwards. */
int cpol_follow_cd(struct cpol_ctx *ctx, int depth, const struct cpol_shell_cmd *c);
void cpol_eval_script(struct cpol_ctx *ctx, struct cpol_frame *f, uint32_t arg, struct cpol_iv *out);
/* Judge text[0..len) as a script of `dialect` run one level below depth. */
void cpol_eval_script_text(struct cpol_ctx *ctx, int depth, int dialect, const char *text, uint32_t len,
                           struct cpol_iv *out);
/* The splitter's output pointed at one of the context's shell stores. */
static inline struct cpol_shell_out cpol_shell_out_of(struct cpol_shell_store *st)
{
	struct cpol_shell_out so = {
		.cmds = st->cmds, .maxcmds = CPOL_SH_CMDS,
		.words = st->words, .maxwords = CPOL_SH_WORDS, .wordlens = st->wordlens,
		.wordflags = st->wordflags,
		.redirs = st->redirs, .maxredirs = CPOL_SH_REDIRS,
		.buf = st->buf, .bufcap = sizeof st->buf,
		.subst_off = st->subst_off, .subst_len = st->subst_len, .maxsubst = CPOL_SH_SUBSTS,
	};
	return so;
}

/* builtins.c: the one table of what the shells themselves know. */
/* Is w[0..n) a builtin of the dialect (found before any PATH lookup)? */
int cpol_builtin_is(const char *w, uint32_t n, int dialect);
/* The builtin the command runs (argv[skip], through exec/command/builtin)
 * evaluates a string as code or binds a name in a way that cannot be judged
 * before it runs: the reason, with *at the word it is about; NULL when it
 * is not such a builtin or its use is harmless. *rebinds: after it, a bare
 * command name may no longer be the program of that name. */
const char *cpol_builtin_unknowable(const struct cpol_shell_cmd *c, uint32_t skip, int dialect,
                                    uint32_t *at, int *rebinds);
/* An assignment word NAME=... to a variable that changes which code runs
 * (sets *rebinds) or with an arithmetic subscript: the reason, else NULL. */
const char *cpol_assign_check(const char *w, uint32_t n, int *rebinds);
/* The builtins the script evaluator follows itself: `exec CMD` is judged
 * as CMD in place of the shell, `cd DIR` moves the script's folder. */
enum cpol_builtin_role { CPOL_BI_OTHER, CPOL_BI_EXEC, CPOL_BI_CD };
enum cpol_builtin_role cpol_builtin_role(const char *w, uint32_t n, int dialect);
/* Bytes a word may hold and still mean exactly itself to the shell. */
int cpol_shell_plain_byte(char ch);
/* `export NAME=VALUE` (declare, local, readonly, typeset) at c's word
 * skip, no option: every word after it a name, or NAME=VALUE with a plain
 * value, as written, and no name that changes which code runs. It only
 * sets variables, like `NAME=VALUE` before a command; what they do to
 * later commands is judged there. */
int cpol_builtin_sets_plainly(const struct cpol_shell_cmd *c, uint32_t skip, int dialect);
/* pushd/popd: the script's working folder is no longer known. */
int cpol_builtin_moves_cwd(const struct cpol_shell_cmd *c, int dialect);
/* The dialect of the program prog[0..n) (a name or a path) running a
 * script; `sh` is the machine's sh, any other non-shell program too. */
int cpol_shell_dialect_of(const char *prog, uint32_t n, int sh);
/* What the literal command c (`echo WORDS`, `printf FORMAT`: the builtin,
 * no expansion, tilde, assignment or redirection) prints when the `dialect`
 * shell runs it, written to out[0..cap): its length, or -1 when that is not
 * known for certain (an escape or option this does not read, no room). */
long cpol_builtin_printed(const struct cpol_shell_cmd *c, int dialect, char *out, size_t cap);
/* Does command c start a shell that reads its commands from its standard
 * input (a pipe) and nothing else: sh, dash or bash by name or in /bin or
 * /usr/bin, no word but -s -e -u -x, no assignment, no redirection of
 * descriptor 0, nothing the splitter flags? Its dialect (sh: `sh`), or -1. */
int cpol_shell_reads_pipe(const struct cpol_shell_cmd *c, int sh);

/* A verdict of the evaluator itself (no rule of the policy): `name` is
 * what --explain shows as the rule ("script", "wrapper", ...). */
static inline void cpol_iv_builtin(struct cpol_iv *v, uint8_t dec, const char *name, const char *reason,
                                   const char *m, uint32_t mlen)
{
	memset(v, 0, sizeof *v);
	v->set = 1;
	v->dec = dec;
	v->rule = CPOL_NONE;
	v->bname = name;
	v->breason = reason;
	v->m = m;
	v->mlen = mlen;
}

/* Keep the stricter of two verdicts; the earlier one among equals. */
static inline void cpol_iv_merge(struct cpol_iv *best, const struct cpol_iv *v)
{
	if (!best->set || v->dec > best->dec)
		*best = *v;
}

#endif
