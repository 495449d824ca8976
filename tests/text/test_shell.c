/* tests/text/test_shell.c -- the shell splitter, case by case.
 *
 * Each table row is a script and the split it must give, rendered as
 *   [word, word, ...] REDIR... +FLAG...    one simple command
 *   ... ; ...                              the next one
 * A redirection renders as FD OP TARGET: `>` write, `>>` append, `<`
 * read, `>&` dup (no direction recorded), `<<` here-doc (`<<-` strips
 * tabs, `<<'EOF'` quoted delimiter), `<<<` here-string. Flags: SUBST PROC
 * EXPAND HEREDOC SUB(shell) BG ASSIGN CTL SYNTAX TOOBIG FD. Bytes outside
 * printable ASCII render as \xHH.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "tests/text/lsan.h"
#include "vm/shell.h"

struct scase {
	const char *script;
	const char *expect;
};

/* The same with the length given: scripts with NUL bytes in them. */
struct lcase {
	const char *script;
	size_t len;
	const char *expect;
};

#define NCMDS 64
#define NWORDS 256
#define NREDIRS 64
#define BUFSZ 8192

struct store {
	struct cpol_shell_cmd cmds[NCMDS];
	const char *words[NWORDS];
	uint32_t lens[NWORDS];
	uint8_t wflags[NWORDS];
	struct cpol_shell_redir redirs[NREDIRS];
	char buf[BUFSZ];
	struct cpol_shell_out out;
};

static void store_init(struct store *st)
{
	memset(st, 0, sizeof *st);
	st->out.cmds = st->cmds;
	st->out.maxcmds = NCMDS;
	st->out.words = st->words;
	st->out.maxwords = NWORDS;
	st->out.wordlens = st->lens;
	st->out.wordflags = st->wflags;
	st->out.redirs = st->redirs;
	st->out.maxredirs = NREDIRS;
	st->out.buf = st->buf;
	st->out.bufcap = BUFSZ;
}

static const char *const flagname[] = {
	"SUBST", "PROC", "EXPAND", "HEREDOC", "SUB", "BG", "ASSIGN", "CTL", "SYNTAX",
	"TOOBIG", "FD", "DIALECT",
};

struct sb {
	char s[8192];
	size_t n;
};

static void sb_putc(struct sb *b, char c)
{
	if (b->n + 1 < sizeof b->s)
		b->s[b->n++] = c;
	b->s[b->n] = '\0';
}

static void sb_puts(struct sb *b, const char *s)
{
	while (*s)
		sb_putc(b, *s++);
}

static void sb_bytes(struct sb *b, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c < 0x20 || c >= 0x7f) {
			char hx[8];
			snprintf(hx, sizeof hx, "\\x%02x", c);
			sb_puts(b, hx);
		} else {
			sb_putc(b, (char)c);
		}
	}
}

static void render_flags(struct sb *b, uint32_t f)
{
	for (unsigned i = 0; i < sizeof flagname / sizeof flagname[0]; i++)
		if (f & (1u << i)) {
			sb_puts(b, " +");
			sb_puts(b, flagname[i]);
		}
}

/* The dialect the checks split with, and whether they render what each
 * word may become (:E expand, :Q quoted expansion, :G glob) and the
 * assignments before the command ({NAME=v} [argv]). */
static int g_dialect = CPOL_SHELL_BASH;
static int g_wf;

static void render_wflags(struct sb *b, uint8_t f)
{
	if (!g_wf || !f)
		return;
	sb_putc(b, ':');
	if (f & CPOL_WORD_EXPAND)
		sb_putc(b, 'E');
	if (f & CPOL_WORD_QEXPAND)
		sb_putc(b, 'Q');
	if (f & CPOL_WORD_GLOB)
		sb_putc(b, 'G');
}

static void render(const struct cpol_shell_out *o, uint32_t n, struct sb *b)
{
	b->n = 0;
	b->s[0] = '\0';
	for (uint32_t i = 0; i < n; i++) {
		const struct cpol_shell_cmd *c = &o->cmds[i];
		if (i)
			sb_puts(b, " ; ");
		if (g_wf && c->nassign) {
			sb_putc(b, '{');
			for (uint32_t j = 0; j < c->nassign; j++) {
				if (j)
					sb_puts(b, ", ");
				sb_bytes(b, c->assign[j], c->alens[j]);
				render_wflags(b, c->wflags[(int32_t)j - (int32_t)c->nassign]);
			}
			sb_puts(b, "} ");
		}
		sb_putc(b, '[');
		for (uint32_t j = 0; j < c->argc; j++) {
			if (j)
				sb_puts(b, ", ");
			sb_bytes(b, c->argv[j], c->lens[j]);
			render_wflags(b, c->wflags[j]);
		}
		sb_putc(b, ']');
		for (uint32_t j = 0; j < c->nredir; j++) {
			const struct cpol_shell_redir *r = &c->redir[j];
			char fd[8];
			snprintf(fd, sizeof fd, " %u", r->fd);
			sb_puts(b, fd);
			switch (r->kind) {
			case CPOL_REDIR_WRITE: sb_puts(b, ">"); break;
			case CPOL_REDIR_APPEND: sb_puts(b, ">>"); break;
			case CPOL_REDIR_READ: sb_puts(b, "<"); break;
			case CPOL_REDIR_DUP: sb_puts(b, ">&"); break;
			case CPOL_REDIR_HEREDOC:
				sb_puts(b, r->rflags & CPOL_REDIR_F_STRIPTABS ? "<<-" : "<<");
				break;
			case CPOL_REDIR_HERESTRING: sb_puts(b, "<<<"); break;
			default: sb_puts(b, "?"); break;
			}
			if (r->kind == CPOL_REDIR_HEREDOC && (r->rflags & CPOL_REDIR_F_QUOTED))
				sb_putc(b, '\'');
			sb_bytes(b, r->target, r->target_len);
			if (r->kind == CPOL_REDIR_HEREDOC && (r->rflags & CPOL_REDIR_F_QUOTED))
				sb_putc(b, '\'');
		}
		render_flags(b, c->flags);
	}
}

/* Split with ample storage and check the invariants every split keeps. */
static void split(const char *script, size_t len, struct store *st, struct sb *b)
{
	uint32_t n, any = 0;

	store_init(st);
	n = cpol_shell_split_as(script, len, g_dialect, &st->out);
	cr_assert_eq(n, st->out.ncmds);
	cr_assert_leq(st->out.buflen, st->out.bufcap);
	for (uint32_t i = 0; i < n; i++) {
		const struct cpol_shell_cmd *c = &st->cmds[i];
		any |= c->flags;
		/* an emitted command has something in it */
		cr_assert(c->argc || c->nredir || (c->flags & ~(CPOL_SH_SUBSHELL | CPOL_SH_CONTROL)),
		          "empty command %u in %s", i, script);
		for (uint32_t j = 0; j < c->argc; j++) {
			cr_assert(c->argv[j] >= st->buf && c->argv[j] + c->lens[j] < st->buf + st->out.buflen);
			cr_assert_eq(c->argv[j][c->lens[j]], '\0');
		}
	}
	cr_assert_eq(any & ~st->out.flags, 0, "a command flag missing from out->flags: %s", script);
	render(&st->out, n, b);
}

static void check_one(const char *script, size_t len, const char *expect)
{
	static struct store st;
	static struct sb b;

	split(script, len, &st, &b);
	cr_expect_str_eq(b.s, expect, "script: %s\n  got:    %s\n  expect: %s", script, b.s, expect);
}

static void check_table(const struct scase *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		check_one(t[i].script, strlen(t[i].script), t[i].expect);
}

#define CHECK(table) check_table(table, sizeof table / sizeof table[0])

/* A table split with a dialect, the word flags and assignments shown. */
static void check_as(const struct scase *t, size_t n, int dialect)
{
	g_wf = 1;
	g_dialect = dialect;
	check_table(t, n);
	g_dialect = CPOL_SHELL_BASH;
	g_wf = 0;
}

#define CHECK_AS(table, dialect) check_as(table, sizeof table / sizeof table[0], dialect)

Test(shell, operators_split_commands)
{
	static const struct scase t[] = {
		{ "ls", "[ls]" },
		{ "ls -la /tmp", "[ls, -la, /tmp]" },
		{ "a; b", "[a] ; [b]" },
		{ "a;b", "[a] ; [b]" },
		{ "a && b", "[a] ; [b]" },
		{ "a&&b", "[a] ; [b]" },
		{ "a || b", "[a] ; [b]" },
		{ "a||b", "[a] ; [b]" },
		{ "a | b", "[a] ; [b]" },
		{ "a|b", "[a] ; [b]" },
		{ "a |& b", "[a] 2>&1 ; [b]" },
		{ "a|&b", "[a] 2>&1 ; [b]" },
		{ "a\nb", "[a] ; [b]" },
		{ "a\n\n\nb\n", "[a] ; [b]" },
		{ "a & b", "[a] +BG ; [b]" },
		{ "a&", "[a] +BG" },
		{ "a && b || c | d ; e & f\ng", "[a] ; [b] ; [c] ; [d] ; [e] +BG ; [f] ; [g]" },
		{ " \t ls \t -l \t ", "[ls, -l]" },
		{ "", "" },
		{ "   \n\t\n  ", "" },
		{ "a;", "[a]" },
		{ "a;\n", "[a]" },
		{ "a &&\nb", "[a] ; [b]" },
		{ "a |\n\n  b", "[a] ; [b]" },
		{ "a ||\n# why\nb", "[a] ; [b]" },
		{ "git status && ls", "[git, status] ; [ls]" },
		{ "make -j4 2>&1 | tail -n 20", "[make, -j4] 2>&1 ; [tail, -n, 20]" },
		{ "cd /work && git diff --stat; echo done", "[cd, /work] ; [git, diff, --stat] ; [echo, done]" },
	};
	CHECK(t);
}

Test(shell, stray_operators_are_syntax)
{
	static const struct scase t[] = {
		{ "a;;b", "[a] +SYNTAX ; [b]" },
		{ "a ;; b", "[a] +SYNTAX ; [b]" },
		{ "; ls", "[ls] +SYNTAX" },
		{ "&& ls", "[ls] +SYNTAX" },
		{ "|| ls", "[ls] +SYNTAX" },
		{ "| ls", "[ls] +SYNTAX" },
		{ "a | | b", "[a] ; [b] +SYNTAX" },
		{ "a && && b", "[a] ; [b] +SYNTAX" },
		{ "a ; ; b", "[a] ; [b] +SYNTAX" },
		{ "a &&", "[a] +SYNTAX" },
		{ "a ||", "[a] +SYNTAX" },
		{ "a |", "[a] +SYNTAX" },
		{ "a |\n", "[a] +SYNTAX" },
		{ "& a", "[a] +SYNTAX" },
		{ "a & & b", "[a] +BG ; [b] +SYNTAX" },
		{ "a ;& b", "[a] +SYNTAX ; [b]" },
		{ "echo >", "[echo] +SYNTAX" },
		{ "echo > ; ls", "[echo] +SYNTAX ; [ls]" },
		{ "echo > | ls", "[echo] +SYNTAX ; [ls]" },
		{ "echo >\nfile", "[echo] +SYNTAX ; [file]" },
		{ "echo > > f", "[echo] 1>f +SYNTAX" },
		{ "a)", "[a] +SYNTAX" },
		{ "(a", "[a] +SUB +SYNTAX" },
		{ "(a;", "[a] +SUB +SYNTAX" },
		{ "echo (a)", "[echo] +SYNTAX ; [a] +SUB" },
		{ "echo ()", "[echo] +CTL +SYNTAX" },          /* a function, no body */
		{ "echo a ()", "[echo, a] +SYNTAX" },
		{ "a; fi", "[a] +SYNTAX" },
		{ "a; done", "[a] +SYNTAX" },
		{ "a; }", "[a] +SYNTAX" },
	};
	CHECK(t);
}

Test(shell, quoting_and_escapes)
{
	static const struct scase t[] = {
		{ "echo 'a b'", "[echo, a b]" },
		{ "echo \"a b\"", "[echo, a b]" },
		{ "echo a\\ b", "[echo, a b]" },
		{ "echo ''", "[echo, ]" },
		{ "echo \"\" x", "[echo, , x]" },
		{ "a\"b\"'c'", "[abc]" },
		{ "a\"b\"'c'd\\ e", "[abcd e]" },
		{ "echo 'it'\\''s'", "[echo, it's]" },
		{ "echo \"a 'b' c\"", "[echo, a 'b' c]" },
		{ "echo 'a \"b\" c'", "[echo, a \"b\" c]" },
		{ "echo \"\\\"\\\\\\$\\`\"", "[echo, \"\\$`]" },
		{ "echo \"\\a\\n\\'\"", "[echo, \\a\\n\\']" },
		{ "echo 'a\\nb'", "[echo, a\\nb]" },
		{ "echo \"a\\\nb\"", "[echo, ab]" },
		{ "echo a\\\nb", "[echo, ab]" },
		{ "ec\\\nho hi", "[echo, hi]" },
		{ "echo a \\\n  b", "[echo, a, b]" },
		{ "echo 'a\nb'", "[echo, a\\x0ab]" },
		{ "echo \\$HOME", "[echo, $HOME]" },
		{ "echo \\'", "[echo, ']" },
		{ "echo \\\\", "[echo, \\]" },
		{ "echo \\", "[echo, \\]" },
		{ "echo \"'\"", "[echo, ']" },
		{ "echo '\"'", "[echo, \"]" },
		{ "echo \\;ls", "[echo, ;ls]" },
		{ "echo \\&\\&", "[echo, &&]" },
		{ "echo \"a;b|c&&d>e\"", "[echo, a;b|c&&d>e]" },
		{ "echo 'a;b|c&&d>e'", "[echo, a;b|c&&d>e]" },
		{ "bash -c \"echo 'a; b'\"", "[bash, -c, echo 'a; b']" },
		{ "sh -c 'ls && rm -rf /'", "[sh, -c, ls && rm -rf /]" },
		{ "python -c \"print('hi')\"", "[python, -c, print('hi')]" },
		{ "echo $\"hello\"", "[echo, hello]" },
		{ "echo \"$'x'\"", "[echo, $'x']" },
		{ "ls *.c ?x [ab]* \"*\"", "[ls, *.c, ?x, [ab]*, *]" },
		{ "cd ~ && ls ~/src ~user/x '~'", "[cd, ~] ; [ls, ~/src, ~user/x, ~]" },
		{ "echo 'unterminated", "[echo, unterminated] +SYNTAX" },
		{ "echo \"unterminated", "[echo, unterminated] +SYNTAX" },
		{ "echo \"a'b", "[echo, a'b] +SYNTAX" },
		{ "echo 'a\"b", "[echo, a\"b] +SYNTAX" },
	};
	CHECK(t);
}

Test(shell, ansi_c_quoting)
{
	static const struct scase t[] = {
		{ "echo $'a\\tb'", "[echo, a\\x09b]" },
		{ "echo $'a\\nb'", "[echo, a\\x0ab]" },
		{ "echo $'\\a\\b\\e\\E\\f\\r\\v'", "[echo, \\x07\\x08\\x1b\\x1b\\x0c\\x0d\\x0b]" },
		{ "echo $'\\\\ \\' \\\" \\?'", "[echo, \\ ' \" ?]" },
		{ "echo $'\\x41\\x4a\\x6b'", "[echo, AJk]" },
		{ "echo $'\\x4g'", "[echo, \\x04g]" },
		{ "echo $'\\xg'", "[echo, \\xg]" },
		{ "echo $'\\101\\60\\0101'", "[echo, A0\\x081]" },  /* \010 then 1 */
		{ "echo $'\\cA\\ca\\c?'", "[echo, \\x01\\x01\\x7f]" },
		{ "echo $'\\q'", "[echo, \\q]" },
		{ "echo $'\\u0041'", "[echo, A]" },
		{ "echo $'\\u00e9'", "[echo, \\xc3\\xa9] +EXPAND" },
		{ "echo $'\\U0001F600'", "[echo, \\xf0\\x9f\\x98\\x80] +EXPAND" },
		{ "echo $'a\\0b'", "[echo, ab] +EXPAND" },
		{ "echo $'a\\x00b'", "[echo, ab] +EXPAND" },
		{ "echo $'a'\"b\"c", "[echo, abc]" },
		{ "echo $''", "[echo, ]" },
		{ "echo $'a;b' c", "[echo, a;b, c]" },
		{ "echo $'it\\'s'", "[echo, it's]" },
		{ "echo $'unterminated", "[echo, unterminated] +SYNTAX" },
		{ "echo $'ends\\", "[echo, ends] +SYNTAX" },
	};
	CHECK(t);
}

Test(shell, comments)
{
	static const struct scase t[] = {
		{ "echo ok #comment", "[echo, ok]" },
		{ "echo ok # a; rm -rf /", "[echo, ok]" },
		{ "#only a comment", "" },
		{ "# one\n# two\nls", "[ls]" },
		{ "echo a#b", "[echo, a#b]" },
		{ "echo a #b\nls", "[echo, a] ; [ls]" },
		{ "echo \\#x", "[echo, #x]" },
		{ "echo '#x' \"#y\"", "[echo, #x, #y]" },
		{ "echo $#", "[echo, $#] +EXPAND" },
		{ "ls;#c\nls", "[ls] ; [ls]" },
	};
	CHECK(t);
}

Test(shell, redirections)
{
	static const struct scase t[] = {
		{ "echo a > f", "[echo, a] 1>f" },
		{ "echo a >f", "[echo, a] 1>f" },
		{ "echo a>f", "[echo, a] 1>f" },
		{ "echo a >> f", "[echo, a] 1>>f" },
		{ "echo a >| f", "[echo, a] 1>f" },
		{ "cat < f", "[cat] 0<f" },
		{ "cat <f >g", "[cat] 0<f 1>g" },
		{ "cmd 2> err", "[cmd] 2>err" },
		{ "cmd 2>> err", "[cmd] 2>>err" },
		{ "cmd 0< in", "[cmd] 0<in" },
		{ "cmd 10> f", "[cmd] 10>f" },
		{ "cmd 2>&1", "[cmd] 2>&1" },
		{ "cmd >&2", "[cmd] 1>&2" },
		{ "cmd 1>&2-", "[cmd] 1>&2-" },
		{ "cmd >&-", "[cmd] 1>&-" },
		{ "cmd 2>&-", "[cmd] 2>&-" },
		{ "cmd <&3", "[cmd] 0>&3" },
		{ "exec 3>&1 4<&0", "[exec] 3>&1 4>&0" },
		{ "cmd &> f", "[cmd] 1>f" },
		{ "cmd &>> f", "[cmd] 1>>f" },
		{ "cmd <> f", "[cmd] 0>f" },
		{ "cmd 3<> f", "[cmd] 3>f" },
		{ "cmd 300> f", "[cmd] 255>f +FD" },
		{ "cmd {fd}> f", "[cmd] 255>f +FD" },
		{ "cmd >& f", "[cmd] 1>f +FD" },
		{ "cmd 2>&f", "[cmd] 2>f +FD" },
		{ "cmd <& f", "[cmd] 0<f +FD" },
		{ "cmd >&$fd", "[cmd] 1>$fd +EXPAND +FD" },
		{ "cmd >&\"1\"", "[cmd] 1>&1" },
		{ "cmd > 'my file'", "[cmd] 1>my file" },
		{ "cmd > \"$HOME/x\"", "[cmd] 1>$HOME/x +EXPAND" },
		{ "cmd > ~/x", "[cmd] 1>~/x" },
		{ "cmd a2>f", "[cmd, a2] 1>f" },
		{ "cmd \"2\">f", "[cmd, 2] 1>f" },
		{ "cmd \\2>f", "[cmd, 2] 1>f" },
		{ "cmd 2 > f", "[cmd, 2] 1>f" },
		{ "cmd 2&>f", "[cmd, 2] 1>f" },
		{ "> f", "[] 1>f" },
		{ ">f cmd arg", "[cmd, arg] 1>f" },
		{ "cmd > f1 2> f2 < f3", "[cmd] 1>f1 2>f2 0<f3" },
		{ "cmd >f|g", "[cmd] 1>f ; [g]" },
		{ "cmd 2>&1 >/dev/null", "[cmd] 2>&1 1>/dev/null" },
		{ "echo x >/etc/passwd", "[echo, x] 1>/etc/passwd" },
		{ "echo hi > >(tee x)", "[echo, hi] 1>>(tee x) +PROC" },
		{ "cat < <(ls)", "[cat] 0<<(ls) +PROC" },
		{ "cmd <<< 'str ing'", "[cmd] 0<<<str ing +HEREDOC" },
		{ "cmd <<<$x", "[cmd] 0<<<$x +EXPAND +HEREDOC" },
		{ "echo '>' \">\" \\>", "[echo, >, >, >]" },
	};
	CHECK(t);
}

Test(shell, here_documents)
{
	static const struct scase t[] = {
		{ "cat << EOF\nbody\nEOF", "[cat] 0<<EOF +HEREDOC" },
		{ "cat <<EOF\nrm -rf /\nEOF\nls", "[cat] 0<<EOF +HEREDOC ; [ls]" },
		{ "cat <<-EOF\n\tbody\n\tEOF\nls", "[cat] 0<<-EOF +HEREDOC ; [ls]" },
		{ "cat <<EOF\n\tEOF\nEOF\nls", "[cat] 0<<EOF +HEREDOC ; [ls]" },
		{ "cat <<'EOF'\n$(x)\nEOF", "[cat] 0<<'EOF' +HEREDOC" },
		{ "cat <<\"EOF\"\n`x`\nEOF", "[cat] 0<<'EOF' +HEREDOC" },
		{ "cat <<\\EOF\n$x\nEOF", "[cat] 0<<'EOF' +HEREDOC" },
		{ "cat <<EOF\n$(rm -rf /)\nEOF", "[cat] 0<<EOF +SUBST +HEREDOC" },
		{ "cat <<EOF\n`id`\nEOF", "[cat] 0<<EOF +SUBST +HEREDOC" },
		{ "cat <<EOF\n$HOME\nEOF", "[cat] 0<<EOF +EXPAND +HEREDOC" },
		{ "cat <<EOF\n\\$HOME costs $ 5\nEOF", "[cat] 0<<EOF +HEREDOC" },
		{ "cat <<'E F'\nx\nE F\nls", "[cat] 0<<'E F' +HEREDOC ; [ls]" },
		{ "cat <<A <<B\na\nA\nb\nB\nls", "[cat] 0<<A 0<<B +HEREDOC ; [ls]" },
		{ "cat <<A; cat <<B\na\nA\nb\nB\nrm x", "[cat] 0<<A +HEREDOC ; [cat] 0<<B +HEREDOC ; [rm, x]" },
		{ "cat <<EOF | grep x\nrm -rf /\nEOF\nls", "[cat] 0<<EOF +HEREDOC ; [grep, x] ; [ls]" },
		{ "cat <<EOF |\nbody\nEOF\ngrep x", "[cat] 0<<EOF +HEREDOC ; [grep, x]" },
		{ "cat <<EOF >out.txt\nline\nEOF", "[cat] 0<<EOF 1>out.txt +HEREDOC" },
		{ "cat <<EOF\nno end", "[cat] 0<<EOF +HEREDOC" },
		{ "cat <<EOF\nEOFX\n EOF\nEOF\nls", "[cat] 0<<EOF +HEREDOC ; [ls]" },
		{ "cat <<$X\nbody\n$X\nls", "[cat] 0<<$X +HEREDOC ; [ls]" },
		{ "cat <<$X\n$(id)\n$X", "[cat] 0<<$X +SUBST +HEREDOC" },       /* unquoted: body expands */
		{ "cat <<\"$X\"\n$(id)\n$X", "[cat] 0<<'$X' +HEREDOC" },
		{ "cat <<", "[cat] +HEREDOC +SYNTAX" },
		{ "cat << ; ls", "[cat] +HEREDOC +SYNTAX ; [ls]" },
		{ "2<<E cmd\nx\nE", "[cmd] 2<<E +HEREDOC" },
	};
	CHECK(t);
}

Test(shell, substitutions)
{
	static const struct scase t[] = {
		{ "echo $(date)", "[echo, $(date)] +SUBST" },
		{ "echo `date`", "[echo, `date`] +SUBST" },
		{ "echo \"$(date)\"", "[echo, $(date)] +SUBST" },
		{ "echo \"`date`\"", "[echo, `date`] +SUBST" },
		{ "echo a$(b)c", "[echo, a$(b)c] +SUBST" },
		{ "echo $(echo $(nested))", "[echo, $(echo $(nested))] +SUBST" },
		{ "echo $(echo ')') x", "[echo, $(echo ')'), x] +SUBST" },
		{ "echo $(echo \")\") x", "[echo, $(echo \")\"), x] +SUBST" },
		{ "echo \"$(echo \")\")\" ok", "[echo, $(echo \")\"), ok] +SUBST" },
		{ "echo $(a; b && c) | d", "[echo, $(a; b && c)] +SUBST ; [d]" },
		{ "echo `a | b` c", "[echo, `a | b`, c] +SUBST" },
		{ "echo `echo \\`x\\``", "[echo, `echo \\`x\\``] +SUBST" },
		{ "$(which rm) -rf /", "[$(which rm), -rf, /] +SUBST" },
		{ "echo '$(x)' '`y`'", "[echo, $(x), `y`]" },
		{ "echo \"\\$(x)\" \"\\`y\\`\"", "[echo, $(x), `y`]" },
		{ "echo $( (a) )", "[echo, $( (a) )] +SUBST" },
		{ "echo $((a) )", "[echo, $((a) )] +SUBST" },
		{ "echo $(unterminated", "[echo, $(unterminated] +SUBST +SYNTAX" },
		/* comments and here-docs inside $(...) hide nothing after it */
		{ "x $(a # it's\n); rm -rf /", "[x, $(a # it's\\x0a)] +SUBST ; [rm, -rf, /]" },
		{ "x $(a #)\n); ls", "[x, $(a #)\\x0a)] +SUBST ; [ls]" },
		{ "x $(a#b) c", "[x, $(a#b), c] +SUBST" },
		{ "git commit -m \"$(cat <<'EOF'\nFix: it's done (finally\nEOF\n)\"; ls",
		  "[git, commit, -m, $(cat <<'EOF'\\x0aFix: it's done (finally\\x0aEOF\\x0a)] +SUBST ; [ls]" },
		{ "x \"$(cat <<-E\n\t'\n\tE\n)\" y", "[x, $(cat <<-E\\x0a\\x09'\\x0a\\x09E\\x0a), y] +SUBST" },
		{ "x $(cat <<A <<\"B\"\n)\nA\n'\nB\n) y", "[x, $(cat <<A <<\"B\"\\x0a)\\x0aA\\x0a'\\x0aB\\x0a), y] +SUBST" },
		{ "x $(cat <<< ')') y", "[x, $(cat <<< ')'), y] +SUBST" },
		{ "echo `unterminated", "[echo, `unterminated] +SUBST +SYNTAX" },
	};
	CHECK(t);
}

Test(shell, process_substitution)
{
	static const struct scase t[] = {
		{ "diff <(ls a) <(ls b)", "[diff, <(ls a), <(ls b)] +PROC" },
		{ "tee >(gzip > f) < x", "[tee, >(gzip > f)] 0<x +PROC" },
		{ "cat a<(b)", "[cat, a<(b)] +PROC" },
		{ "echo '<(x)' \">(y)\"", "[echo, <(x), >(y)]" },
		{ "cat <(echo $(x))", "[cat, <(echo $(x))] +SUBST +PROC" },
	};
	CHECK(t);
}

Test(shell, expansions)
{
	static const struct scase t[] = {
		{ "echo $HOME", "[echo, $HOME] +EXPAND" },
		{ "echo ${HOME}", "[echo, ${HOME}] +EXPAND" },
		{ "echo \"${a}\"", "[echo, ${a}] +EXPAND" },
		{ "echo ${x:-$(y)}", "[echo, ${x:-$(y)}] +SUBST +EXPAND" },
		{ "echo ${x:-'}'} z", "[echo, ${x:-'}'}, z] +EXPAND" },
		{ "echo $((1+2))", "[echo, $((1+2))] +EXPAND" },
		{ "echo $[1+2]", "[echo, $[1+2]] +EXPAND" },
		{ "echo $[1<<2]\nrm -rf /", "[echo, $[1<<2]] +EXPAND ; [rm, -rf, /]" },
		{ "echo $[a[1]+$(b)] c", "[echo, $[a[1]+$(b)], c] +SUBST +EXPAND" },
		{ "echo $[1", "[echo, $[1] +EXPAND +SYNTAX" },
		{ "echo $1 $@ $* $# $? $$ $! $- $_ $0", "[echo, $1, $@, $*, $#, $?, $$, $!, $-, $_, $0] +EXPAND" },
		{ "rm -rf $DIR/", "[rm, -rf, $DIR/] +EXPAND" },
		{ "$CMD arg", "[$CMD, arg] +EXPAND" },
		{ "echo $", "[echo, $]" },
		{ "echo $ x", "[echo, $, x]" },
		{ "echo a$", "[echo, a$]" },
		{ "echo \"$\" '$'", "[echo, $, $]" },
		{ "echo $/ $. $,", "[echo, $/, $., $,]" },
		{ "echo '${a}' '$b'", "[echo, ${a}, $b]" },
		{ "echo {a,b}", "[echo, {a,b}] +EXPAND" },
		{ "echo x{1..3}", "[echo, x{1..3}] +EXPAND" },
		{ "rm -rf {/etc,./x}", "[rm, -rf, {/etc,./x}] +EXPAND" },
		{ "echo '{a,b}' \\{a,b\\}", "[echo, {a,b}, {a,b}]" },
		{ "find . -exec rm {} \\;", "[find, ., -exec, rm, {}, ;]" },
		{ "echo {} {a} a,b", "[echo, {}, {a}, a,b]" },
		{ "awk '{print $1}' f", "[awk, {print $1}, f]" },
	};
	CHECK(t);
}

Test(shell, grouping)
{
	static const struct scase t[] = {
		{ "(cd x && make)", "[cd, x] +SUB ; [make] +SUB" },
		{ "( ls )", "[ls] +SUB" },
		{ "{ ls; }", "[ls] +SUB" },
		{ "{ ls; } > f", "[ls] +SUB ; [] 1>f +SUB" },
		{ "(a) | b", "[a] +SUB ; [b]" },
		{ "(a; b) 2>&1 | tee log", "[a] +SUB ; [b] +SUB ; [] 2>&1 +SUB ; [tee, log]" },
		{ "((a); b)", "[a] +SUB ; [b] +SUB" },
		{ "( (a) )", "[a] +SUB" },
		{ "{ a; { b; }; }", "[a] +SUB ; [b] +SUB" },
		{ "echo {", "[echo, {]" },
		{ "echo }", "[echo, }]" },
		{ "{ls;}", "[{ls] +SYNTAX" },
		{ "(a) b", "[a] +SUB ; [b] +SUB +SYNTAX" },
		{ "! (a)", "[a] +SUB" },
		{ "a && (b || c) && d", "[a] ; [b] +SUB ; [c] +SUB ; [d]" },
	};
	CHECK(t);
}

Test(shell, background)
{
	static const struct scase t[] = {
		{ "sleep 1 &", "[sleep, 1] +BG" },
		{ "nohup srv & echo started", "[nohup, srv] +BG ; [echo, started]" },
		{ "a && b", "[a] ; [b]" },
		{ "a &> f", "[a] 1>f" },
		{ "a &>> f", "[a] 1>>f" },
		{ "a >&2", "[a] 1>&2" },
		{ "a |& b", "[a] 2>&1 ; [b]" },
		{ "a & b &", "[a] +BG ; [b] +BG" },
		{ "(a &)", "[a] +SUB +BG" },
		{ "echo '&' \\&", "[echo, &, &]" },
	};
	CHECK(t);
}

Test(shell, assignments)
{
	static const struct scase t[] = {
		{ "A=1 cmd", "[cmd] +ASSIGN" },
		{ "A=1", "[] +ASSIGN" },
		{ "A=1 B=2", "[] +ASSIGN" },
		{ "A=1 B='x y' cmd arg", "[cmd, arg] +ASSIGN" },
		{ "LD_PRELOAD=/x.so ls", "[ls] +ASSIGN" },
		{ "A+=1 cmd", "[cmd] +ASSIGN" },
		{ "a[1]=x", "[] +ASSIGN" },
		{ "arr=(1 2 3) ls", "[ls] +ASSIGN" },
		{ "x=$(rm -rf /) ls", "[ls] +SUBST +ASSIGN" },
		{ "a=$HOME", "[] +EXPAND +ASSIGN" },
		{ "A=1; ls", "[] +ASSIGN ; [ls]" },
		{ "> f A=1 cmd", "[cmd] 1>f +ASSIGN" },
		{ "A=1 > f", "[] 1>f +ASSIGN" },
		{ "env A=1 cmd", "[env, A=1, cmd]" },
		{ "dd if=/dev/zero of=/x bs=1M", "[dd, if=/dev/zero, of=/x, bs=1M]" },
		{ "cmd A=1", "[cmd, A=1]" },
		{ "export A=1", "[export, A=1]" },
		{ "make CC=clang", "[make, CC=clang]" },
		{ "\"A\"=1 cmd", "[A=1, cmd]" },
		{ "A\\=1 cmd", "[A=1, cmd]" },
		{ "1A=x", "[1A=x]" },
		{ "=x", "[=x]" },
		{ "a-b=c", "[a-b=c]" },
		{ "if A=1 true; then :; fi", "[true] +ASSIGN +CTL ; [:] +CTL" },
	};
	CHECK(t);
}

Test(shell, control_structures)
{
	static const struct scase t[] = {
		{ "if true; then rm -rf /; fi", "[true] +CTL ; [rm, -rf, /] +CTL" },
		{ "if a; then b; elif c; then d; else e; fi", "[a] +CTL ; [b] +CTL ; [c] +CTL ; [d] +CTL ; [e] +CTL" },
		{ "if a\nthen\n  b\nfi", "[a] +CTL ; [b] +CTL" },
		{ "while read l; do echo $l; done < f", "[read, l] +CTL ; [echo, $l] +EXPAND +CTL ; [] 0<f +CTL" },
		{ "until false; do :; done", "[false] +CTL ; [:] +CTL" },
		{ "for i in 1 2; do echo $i; done", "[for, i, in, 1, 2] +CTL ; [echo, $i] +EXPAND +CTL" },
		{ "for f in *.c; do gcc -c $f; done > log", "[for, f, in, *.c] +CTL ; [gcc, -c, $f] +EXPAND +CTL ; [] 1>log +CTL" },
		{ "select x in a b; do break; done", "[select, x, in, a, b] +CTL ; [break] +CTL" },
		{ "case $x in a) echo a;; esac", "[case, $x, in] +EXPAND +CTL ; [echo, a] +CTL" },
		{ "case x in (a|b) echo;; *) rm -rf /;; esac; ls", "[case, x, in] +CTL ; [echo] +CTL ; [rm, -rf, /] +CTL ; [ls]" },
		{ "case x in\n a) one\n ;;\n b) two;;\nesac", "[case, x, in] +CTL ; [one] +CTL ; [two] +CTL" },
		{ "case x in a) x;& b) y;;& esac", "[case, x, in] +CTL ; [x] +CTL ; [y] +CTL" },
		{ "case x in a) b; esac", "[case, x, in] +CTL ; [b] +CTL" },
		{ "function f { ls; }", "[function, f] +CTL ; [ls] +SUB +CTL" },
		{ "function f () { ls; }", "[function, f] +CTL ; [ls] +SUB +CTL" },
		{ "f() { rm -rf /; }", "[f] +CTL ; [rm, -rf, /] +SUB +CTL" },
		{ "f () ( ls )", "[f] +CTL ; [ls] +SUB +CTL" },
		{ "[[ -n $x ]]", "[[[, -n, $x, ]]] +EXPAND +CTL" },
		{ "[[ a < b && c ]]", "[[[, a, <, b, &&, c, ]]] +CTL" },
		{ "[[ a ]]&&b", "[[[, a, ]]] +CTL ; [b]" },
		{ "[[ -f x ]] && rm x", "[[[, -f, x, ]]] +CTL ; [rm, x]" },
		{ "((x = 1 + 2))", "[((x = 1 + 2))] +CTL" },
		{ "for ((i=0; i<3; i++)); do :; done", "[for, ((i=0; i<3; i++))] +CTL ; [:] +CTL" },
		{ "echo if then fi done", "[echo, if, then, fi, done]" },
		{ "\"if\" x", "[if, x]" },
		{ "coproc cat", "[cat] +BG +CTL" },
		{ "time ls -l", "[ls, -l]" },
		{ "time -p ls", "[ls]" },
		{ "! grep x y", "[grep, x, y]" },
		{ "if true; then ls", "[true] +CTL ; [ls] +CTL +SYNTAX" },
		{ "for x in a; do ls; done; ls", "[for, x, in, a] +CTL ; [ls] +CTL ; [ls]" },
		{ "if a; then while b; do c; done; fi", "[a] +CTL ; [b] +CTL ; [c] +CTL" },
		{ "[[ a", "[[[, a] +CTL +SYNTAX" },
		{ "then ls", "[ls] +CTL +SYNTAX" },
	};
	CHECK(t);
}

Test(shell, stray_keywords_flag_the_script)
{
	static const struct { const char *script; uint32_t flags; } t[] = {
		{ "fi", CPOL_SH_SYNTAX },
		{ "done", CPOL_SH_SYNTAX },
		{ "}", CPOL_SH_SYNTAX },
		{ ")", CPOL_SH_SYNTAX },
		{ ">", CPOL_SH_SYNTAX },
		{ ";", CPOL_SH_SYNTAX },
		{ "&&", CPOL_SH_SYNTAX },
		{ "(", CPOL_SH_SUBSHELL | CPOL_SH_SYNTAX },
		{ "if", CPOL_SH_CONTROL | CPOL_SH_SYNTAX },
		{ "{", CPOL_SH_SUBSHELL | CPOL_SH_SYNTAX },
		{ "if true; then :; fi", CPOL_SH_CONTROL },
	};
	static struct store st;

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		store_init(&st);
		cpol_shell_split(t[i].script, strlen(t[i].script), &st.out);
		cr_expect_eq(st.out.flags, t[i].flags, "%s: flags %#x, expected %#x",
		             t[i].script, st.out.flags, t[i].flags);
	}
}

Test(shell, bytes_and_nul)
{
	static const char with_nul[] = "echo a\0b; ls";
	static const char nul_quoted[] = "echo 'a\0b' \"c\0d\"";
	static const struct lcase t[] = {
		{ with_nul, sizeof with_nul - 1, "[echo, a\\x00b] +SYNTAX ; [ls]" },
		{ nul_quoted, sizeof nul_quoted - 1, "[echo, a\\x00b, c\\x00d] +SYNTAX" },
		{ "\0", 1, "[\\x00] +SYNTAX" },
		{ "ls\0", 3, "[ls\\x00] +SYNTAX" },
		{ "ls", 1, "[l]" },
	};
	static const struct scase bytes[] = {
		{ "echo \x01\x7f\xff \xc3\xa9t\xc3\xa9", "[echo, \\x01\\x7f\\xff, \\xc3\\xa9t\\xc3\\xa9]" },
		{ "echo a\rb", "[echo, a\\x0db]" },
		{ "echo '\x80\xfe' \\\xff", "[echo, \\x80\\xfe, \\xff]" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		check_one(t[i].script, t[i].len, t[i].expect);
	CHECK(bytes);

	/* every byte, alone and inside a word, with the length given */
	static struct store st;
	for (int c = 0; c < 256; c++) {
		char s[8] = { 'a', (char)c, 'b', ' ', (char)c };
		for (size_t len = 1; len <= 5; len++) {
			store_init(&st);
			cpol_shell_split(s, len, &st.out);
			cr_assert_leq(st.out.buflen, st.out.bufcap);
		}
	}
}

Test(shell, null_and_empty_input)
{
	static struct store st;

	store_init(&st);
	cr_assert_eq(cpol_shell_split(NULL, 0, &st.out), 0);
	cr_assert_eq(st.out.flags, 0);
	cr_assert_eq(cpol_shell_split("ls", 0, &st.out), 0);
	/* counts from an earlier split are reset */
	cr_assert_eq(cpol_shell_split("a;b", 3, &st.out), 2);
	cr_assert_eq(cpol_shell_split("", 0, &st.out), 0);
	cr_assert_eq(st.out.nwords, 0);
	cr_assert_eq(st.out.buflen, 0);
}

Test(shell, words_are_nul_terminated_with_lengths)
{
	static struct store st;
	static const char s[] = "printf '%s\\n' \"a b\" c";

	store_init(&st);
	cr_assert_eq(cpol_shell_split(s, sizeof s - 1, &st.out), 1);
	cr_assert_eq(st.cmds[0].argc, 4);
	cr_assert_str_eq(st.cmds[0].argv[1], "%s\\n");
	cr_assert_eq(st.cmds[0].lens[2], 3);
	cr_assert_str_eq(st.cmds[0].argv[2], "a b");
	cr_assert_eq(st.cmds[0].argv, st.words);
	cr_assert_eq(st.cmds[0].lens, st.lens);
}

Test(shell, long_scripts)
{
	enum { N = 20000 };
	static char s[N * 4 + 16];
	static struct cpol_shell_cmd cmds[N];
	static const char *words[N];
	static uint32_t lens[N];
	static char buf[N * 4];
	struct cpol_shell_out o = { cmds, N, 0, words, N, 0, lens, NULL, NULL, 0, 0, buf, sizeof buf, 0, 0, NULL, NULL, 0, 0, 0 };
	size_t n = 0;

	/* many commands */
	for (int i = 0; i < N; i++) {
		s[n++] = 'a';
		s[n++] = (char)('a' + i % 26);
		s[n++] = i % 3 ? ';' : '\n';
	}
	cr_assert_eq(cpol_shell_split(s, n, &o), N);
	cr_assert_eq(o.flags, 0);
	cr_assert_str_eq(cmds[N - 1].argv[0], "af");        /* 19999 % 26 == 5 */
	cr_assert_eq(o.nwords, N);

	/* one very long word */
	memset(s, 'x', sizeof s - 1);
	cr_assert_eq(cpol_shell_split(s, sizeof buf - 1, &o), 1);
	cr_assert_eq(lens[0], sizeof buf - 1);
	cr_assert_eq(o.flags, 0);
	cr_assert_eq(cpol_shell_split(s, sizeof buf, &o), 1);  /* one byte too many for the NUL */
	cr_assert(o.flags & CPOL_SH_TOOBIG);
	cr_assert_eq(cmds[0].argc, 0);
	cr_assert_leq(o.buflen, o.bufcap);

	/* one long quoted word with escapes */
	n = 0;
	s[n++] = '"';
	for (int i = 0; i < N; i++) {
		s[n++] = '\\';
		s[n++] = '$';
	}
	s[n++] = '"';
	cr_assert_eq(cpol_shell_split(s, n, &o), 1);
	cr_assert_eq(lens[0], N);
	cr_assert_eq(o.flags, 0);
}

Test(shell, deep_nesting_stops_cleanly)
{
	enum { D = 5000 };
	static char s[D * 4];
	static struct store st;
	size_t n;

	/* groups deeper than CPOL_SH_MAXDEPTH */
	n = 0;
	for (int i = 0; i < D; i++)
		s[n++] = '(';
	store_init(&st);
	cpol_shell_split(s, n, &st.out);
	cr_assert(st.out.flags & (CPOL_SH_TOOBIG | CPOL_SH_SYNTAX));

	n = 0;
	for (int i = 0; i < D; i++) {
		s[n++] = '(';
		s[n++] = ' ';
	}
	store_init(&st);
	cpol_shell_split(s, n, &st.out);
	cr_assert(st.out.flags & CPOL_SH_TOOBIG);

	/* substitutions inside substitutions */
	n = 0;
	for (int i = 0; i < D; i++) {
		s[n++] = '$';
		s[n++] = '(';
	}
	store_init(&st);
	cpol_shell_split(s, n, &st.out);
	cr_assert(st.out.flags & CPOL_SH_TOOBIG);

	/* nesting within the limit is fine */
	n = 0;
	for (int i = 0; i < CPOL_SH_MAXDEPTH - 1; i++) {
		s[n++] = '$';
		s[n++] = '(';
	}
	for (int i = 0; i < CPOL_SH_MAXDEPTH - 1; i++)
		s[n++] = ')';
	store_init(&st);
	cr_assert_eq(cpol_shell_split(s, n, &st.out), 1);
	cr_assert_eq(st.out.flags, CPOL_SH_SUBST);

	/* if ... deeper than the limit */
	n = 0;
	for (int i = 0; i < D / 2; i++) {
		memcpy(s + n, "if a;then ", 10);
		n += 10;
		if (n + 10 > sizeof s)
			break;
	}
	store_init(&st);
	cpol_shell_split(s, n, &st.out);
	cr_assert(st.out.flags & CPOL_SH_TOOBIG);
}

/* Storage too small in any one dimension: TOOBIG, no write outside it
 * (guards around every array), counts within capacities. */
Test(shell, storage_overflow_is_toobig)
{
	static const char *const scripts[] = {
		"a b c; d e > f 2>&1 | g h <<< i && j",
		"A=1 echo 'x y' \"$HOME\" $(date) > out; cat <<EOF\nbody\nEOF\nls -la |& tee log",
		"for i in 1 2 3; do echo $i >> log; done; (cd x && make) 2>/dev/null",
	};
	enum { G = 8 };                 /* guard slots on each side */
	static struct cpol_shell_cmd cmds[G + 32 + G];
	static const char *words[G + 64 + G];
	static uint32_t lens[G + 64 + G];
	static struct cpol_shell_redir redirs[G + 32 + G];
	static char buf[G + 1024 + G];

	for (size_t si = 0; si < sizeof scripts / sizeof scripts[0]; si++) {
		const char *s = scripts[si];
		struct cpol_shell_out full = { cmds + G, 32, 0, words + G, 64, 0, lens + G, NULL,
		                               redirs + G, 32, 0, buf + G, 1024, 0, 0, NULL, NULL, 0, 0, 0 };
		uint32_t need[4];

		cpol_shell_split(s, strlen(s), &full);
		cr_assert_eq(full.flags & CPOL_SH_TOOBIG, 0);
		need[0] = full.ncmds;
		need[1] = full.nwords;
		need[2] = full.nredirs;
		need[3] = (uint32_t)full.buflen;

		for (int dim = 0; dim < 4; dim++) {
			for (uint32_t cap = 0; cap <= need[dim]; cap++) {
				struct cpol_shell_out o = full;
				uint32_t n;

				memset(cmds, 0xa5, sizeof cmds);
				memset(words, 0xa5, sizeof words);
				memset(lens, 0xa5, sizeof lens);
				memset(redirs, 0xa5, sizeof redirs);
				memset(buf, 0xa5, sizeof buf);
				switch (dim) {
				case 0: o.maxcmds = cap; break;
				case 1: o.maxwords = cap; break;
				case 2: o.maxredirs = cap; break;
				case 3: o.bufcap = cap; break;
				}
				n = cpol_shell_split(s, strlen(s), &o);
				cr_assert_eq(!!(o.flags & CPOL_SH_TOOBIG), cap < need[dim],
				             "%s: dim %d cap %u need %u", s, dim, cap, need[dim]);
				cr_assert_leq(n, o.maxcmds);
				cr_assert_leq(o.nwords, o.maxwords);
				cr_assert_leq(o.nredirs, o.maxredirs);
				cr_assert_leq(o.buflen, o.bufcap);
				if (cap < need[dim] && n > 0 && dim != 0)
					cr_assert(o.cmds[n - 1].flags & CPOL_SH_TOOBIG);
				/* nothing written past the capacities */
				for (size_t k = 0; k < sizeof buf; k++)
					if (k < G || k >= G + o.bufcap)
						cr_assert_eq((unsigned char)buf[k], 0xa5, "buf[%zu] written", k);
				for (size_t k = 0; k < sizeof cmds / sizeof cmds[0]; k++)
					if (k < G || k >= G + o.maxcmds)
						cr_assert_eq(((unsigned char *)&cmds[k])[0], 0xa5);
				for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
					if (k < G || k >= G + o.maxwords) {
						cr_assert_eq(((unsigned char *)&words[k])[0], 0xa5);
						cr_assert_eq(((unsigned char *)&lens[k])[0], 0xa5);
					}
				for (size_t k = 0; k < sizeof redirs / sizeof redirs[0]; k++)
					if (k < G || k >= G + o.maxredirs)
						cr_assert_eq(((unsigned char *)&redirs[k])[0], 0xa5);
			}
		}
	}
}

Test(shell, storage_may_be_null_when_empty)
{
	struct cpol_shell_out o;

	memset(&o, 0, sizeof o);
	cpol_shell_split("ls -l", 5, &o);
	cr_assert(o.flags & CPOL_SH_TOOBIG);
	cr_assert_eq(o.ncmds, 0);

	/* no redirection storage: a script without redirections still splits */
	static struct store st;
	store_init(&st);
	st.out.redirs = NULL;
	st.out.maxredirs = 0;
	cr_assert_eq(cpol_shell_split("a; b", 4, &st.out), 2);
	cr_assert_eq(st.out.flags, 0);
	cr_assert_null(st.cmds[0].redir);
	cpol_shell_split("a > f", 5, &st.out);
	cr_assert(st.out.flags & CPOL_SH_TOOBIG);
}

/* What each word may turn into when the shell runs it. */
Test(shell, word_classification)
{
	static const struct scase t[] = {
		{ "ls -l a.c", "[ls, -l, a.c]" },
		{ "echo $x", "[echo, $x:E] +EXPAND" },
		{ "echo ${x}y", "[echo, ${x}y:E] +EXPAND" },
		{ "echo $(date)", "[echo, $(date):E] +SUBST" },
		{ "echo `date`", "[echo, `date`:E] +SUBST" },
		{ "echo $((1+2))", "[echo, $((1+2)):E] +EXPAND" },
		{ "echo \"$x\"", "[echo, $x:Q] +EXPAND" },
		{ "echo \"a $x b\"", "[echo, a $x b:Q] +EXPAND" },
		{ "echo \"$(id)\"", "[echo, $(id):Q] +SUBST" },
		{ "echo \"`id`\"", "[echo, `id`:Q] +SUBST" },
		{ "echo \"$@\"", "[echo, $@:E] +EXPAND" },
		{ "echo \"${a[@]}\"", "[echo, ${a[@]}:E] +EXPAND" },
		{ "echo \"$*\"", "[echo, $*:Q] +EXPAND" },
		{ "echo '$x' \\$x", "[echo, $x, $x]" },
		{ "echo \"$x\"$y", "[echo, $x$y:EQ] +EXPAND" },
		{ "tar -tf a.tar *", "[tar, -tf, a.tar, *:G]" },
		{ "ls a?.c [ab].c", "[ls, a?.c:G, [ab].c:G]" },
		{ "ls '*' \"?\" \\[a]", "[ls, *, ?, [a]]" },
		{ "[ -f x ]", "[[, -f, x, ]]" },
		{ "echo a[", "[echo, a[]" },
		{ "echo a[']'", "[echo, a[]:G]" },
		{ "ls {a,b}.c", "[ls, {a,b}.c:G] +EXPAND" },
		{ "ls {1..3}", "[ls, {1..3}:G] +EXPAND" },
		{ "ls {a}", "[ls, {a}]" },
		{ "cd ~", "[cd, ~]" },
		{ "cd ~/x", "[cd, ~/x]" },
		{ "ls a~b", "[ls, a~b]" },
		{ "dd of=~/x", "[dd, of=~/x]" },
		{ "ls '~'", "[ls, ~]" },
		{ "ls *$x", "[ls, *$x:EG] +EXPAND" },
		{ "ls \"$x\"*", "[ls, $x*:QG] +EXPAND" },
		{ "cat <(ls)", "[cat, <(ls):E] +PROC" },
		{ "echo $'\\u00e9'", "[echo, \\xc3\\xa9:Q] +EXPAND" },
		{ "a=$x ls $y", "{a=$x:E} [ls, $y:E] +EXPAND +ASSIGN" },
		{ "PATH=.:$PATH; ls", "{PATH=.:$PATH:E} [] +EXPAND +ASSIGN ; [ls]" },
		{ "x=1 y=2", "{x=1, y=2} [] +ASSIGN" },
		{ "a[1]=x", "{a[1]=x:G} [] +ASSIGN" },
		{ "a['$(id)']=1 ls", "{a[$(id)]=1:G} [ls] +ASSIGN" },
		{ "a[$i]=1", "{a[$i]=1:EG} [] +EXPAND +ASSIGN" },
	};
	CHECK_AS(t, CPOL_SHELL_BASH);
}

/* dash, what /bin/sh is on Debian, splits without bash's extensions. */
Test(shell, posix_dialect)
{
	static const struct scase t[] = {
		/* no $'...': the '...' ends early and a second command follows */
		{ "echo $'\\'; rm -rf ~ #'", "[echo, $\\] ; [rm, -rf, ~]" },
		{ "echo $\"x\"", "[echo, $x]" },
		{ "cmd &> f", "[cmd] +BG ; [] 1>f" },
		{ "cmd &>> f", "[cmd] +BG ; [] 1>>f" },
		{ "a |& b", "[a] ; [b] +SYNTAX" },
		{ "cat <<< x", "[cat] 0<<<x +HEREDOC +SYNTAX" },
		{ "[[ a < b ]]", "[[[, a, ]]] 0<b" },
		{ "echo {a,b}", "[echo, {a,b}]" },
		{ "ls *.c", "[ls, *.c:G]" },
		{ "time rm x", "[time, rm, x]" },
		{ "function f { :; }", "[function, f, {, :] +SYNTAX" },
		{ "a+=1", "[a+=1]" },
		{ "a[1]=2 ls", "[a[1]=2:G, ls]" },
		{ "a=1 ls", "{a=1} [ls] +ASSIGN" },
		{ "a=(1 2)", "{a=} [] +ASSIGN +SYNTAX ; [1, 2] +SUB" },
		{ "diff <(a) b", "[diff] +SYNTAX ; [a] +SUB ; [b] +SUB +SYNTAX" },
		{ "echo $[1+2]", "[echo, $[1+2]:G]" },
		{ "x=$(echo $'a') y", "{x=$(echo $'a'):E} [y] +SUBST +ASSIGN" },
		{ "echo $(echo $'\\'); rm x #')", "[echo, $(echo $'\\'):E] +SUBST ; [rm, x]" },
		{ "((x=1))", "{x=1} [] +SUB +ASSIGN" },
		{ "{x}>f ls", "[{x}, ls] 1>f" },
	};
	CHECK_AS(t, CPOL_SHELL_POSIX);
}

/* The same scripts the bash way, for contrast. */
Test(shell, bash_dialect_contrast)
{
	static const struct scase t[] = {
		{ "echo $'\\'; rm -rf ~ #'", "[echo, '; rm -rf ~ #]" },
		{ "cmd &> f", "[cmd] 1>f" },
		{ "time rm x", "[rm, x]" },
	};
	CHECK(t);
}

/* zsh: what the splitter does not model is flagged, never judged. */
Test(shell, zsh_dialect)
{
	static const struct scase t[] = {
		{ "ls *(e:'rm -rf ~':)", "[ls, *:G] +SYNTAX +DIALECT ; [e:rm -rf ~:] +SUB" },
		{ "=rm -rf x", "[=rm:E, -rf, x] +DIALECT" },
		{ "echo $=x", "[echo, $=x:E] +EXPAND" },
		{ "echo x >! /etc/passwd", "[echo, x, /etc/passwd] 1>! +DIALECT" },
		{ "ls ^a", "[ls, ^a:G]" },
		{ "repeat 3 rm x", "[repeat, 3, rm, x] +DIALECT" },
		{ "noglob rm *", "[noglob, rm, *:G] +DIALECT" },
		{ "echo \"${=x}\"", "[echo, ${=x}:E] +EXPAND" },
		{ "echo \"$x\"", "[echo, $x:Q] +EXPAND" },
		{ "cat <1-10>", "[cat] 0<1-10 +SYNTAX +DIALECT" },
	};
	CHECK_AS(t, CPOL_SHELL_ZSH);
}

Test(shell, unknown_dialect_is_flagged)
{
	static struct store st;

	store_init(&st);
	cr_assert_eq(cpol_shell_split_as("ls", 2, CPOL_SHELL_UNKNOWN, &st.out), 1);
	cr_assert(st.out.flags & CPOL_SH_DIALECT);
	cr_assert_eq(cpol_shell_split_as("", 0, CPOL_SHELL_UNKNOWN, &st.out), 0);
	cr_assert(st.out.flags & CPOL_SH_DIALECT);
	cr_assert_eq(cpol_shell_split_as("ls", 2, CPOL_SHELL_BASH, &st.out), 1);
	cr_assert_eq(st.out.flags, 0);
}

/* Per command: 'p' when a plain `|` ends it (the next command reads its
 * output), 't' when a word has an unquoted tilde prefix, '.' else. */
static void marks(const char *script, int dialect, const char *expect)
{
	static struct store st;
	store_init(&st);
	uint32_t n = cpol_shell_split_as(script, strlen(script), dialect, &st.out);
	char got[NCMDS + 1];
	for (uint32_t i = 0; i < n; i++)
		got[i] = st.cmds[i].piped ? (st.cmds[i].tilde ? 'P' : 'p') : st.cmds[i].tilde ? 't' : '.';
	got[n] = 0;
	cr_expect_str_eq(got, expect, "%s (dialect %d)", script, dialect);
}

Test(shell, pipes_and_tildes_are_marked)
{
	for (int d = CPOL_SHELL_BASH; d <= CPOL_SHELL_POSIX; d++) {
		marks("echo ls | sh", d, "p.");
		marks("a | b | c; d && e || f & g", d, "pp.....");
		marks("a |\n  b", d, "p.");
		marks("{ a; } | b", d, "..");
		marks("a 2>&1 | b", d, "p.");
		marks("echo ~ | sh", d, "P.");
		marks("echo '~' \"~\" \\~ a~ | sh", d, "p.");
		marks("echo a=~/x x:~ | sh", d, "P.");
		marks("X=~ echo", d, "t");
		marks("case x in a|b) c;; esac", d, "..");
	}
	marks("a |& b", CPOL_SHELL_BASH, "..");
	marks("a |& b", CPOL_SHELL_POSIX, "..");
}
