/* tests/text/test_shell_fuzz.c -- the splitter against random input and
 * against bash itself.
 *
 * 1. 100,000 random, token-soup and mutated scripts through small storage
 *    with guard bytes around it: the counts stay within the capacities,
 *    every pointer points into the caller's storage, nothing is written
 *    outside it, and a split that did not run out of storage is the same
 *    as the split with ample storage (capacity changes nothing but TOOBIG).
 * 2. Quote removal (plain, '...', "...", $'...', backslashes) compared
 *    with bash's: one bash process prints the words of a few hundred
 *    random `printf` commands.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/text/lsan.h"
#include "vm/shell.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static const char *const frags[] = {
	"a", "b", "ls", "rm -rf /", " ", " ", "\t", "\n", ";", ";;", ";&", "&&", "||", "|", "|&",
	"&", ">", ">>", "<", "2>", "2>&1", ">&-", "&>", "<>", "<<", "<<-", "<<<", "EOF\n", "EOF",
	"'", "\"", "\\", "\\\n", "$", "$(", "$((", "${", "$'", "$\"", "`", ")", "(", "((", "))", "{", "}",
	"[[", "]]", "<(", ">(", "#", "~", "=", "A=1", "x=(", "if ", "then ", "else ", "fi", "for ",
	"in ", "do ", "done", "while ", "case ", "esac", "function ", "f()", "time ", "! ", "coproc ",
	"\\x41", "\\n", "\\'", "*", "{a,b}", "..", "\0", "\xff", "\x01", "\r", "9", "{fd}", "$HOME",
	"$1", "-p",
};

static const char *const seeds[] = {
	"git status && ls -la | grep x > out 2>&1",
	"cat <<EOF | sh\nrm -rf /\nEOF\necho done",
	"for f in *.c; do gcc -c \"$f\" -o \"${f%.c}.o\"; done",
	"if [ -f x ]; then echo 'a b' $'c\\td'; else (cd y && make) & fi",
	"case $1 in a|b) echo one;; *) echo two;; esac; A=1 B=$(date) env",
	"f() { echo `id`; }; f >> log; exec 3<>/dev/tcp/h/80",
	"[[ $x == y && -n $z ]] || { echo no; exit 1; }",
	"diff <(sort a) <(sort b) |& tee >(gzip > d.gz)",
	"echo \"a'b\" 'c\"d' e\\ f $'\\x41\\u00e9' $\"g\" # comment",
	"while read -r l; do printf '%s\\n' \"$l\"; done < in.txt > out.txt",
};

/* ---- invariants ------------------------------------------------------- */

enum { G = 16 };        /* guard entries on each side */
enum { CMAX = 8, WMAX = 16, RMAX = 6, BMAX = 160 };

static struct cpol_shell_cmd g_cmds[G + CMAX + G];
static const char *g_words[G + WMAX + G];
static uint32_t g_lens[G + WMAX + G];
static struct cpol_shell_redir g_redirs[G + RMAX + G];
static char g_buf[G + BMAX + G];

static void guard_all(void)
{
	memset(g_cmds, 0x5a, sizeof g_cmds);
	memset(g_words, 0x5a, sizeof g_words);
	memset(g_lens, 0x5a, sizeof g_lens);
	memset(g_redirs, 0x5a, sizeof g_redirs);
	memset(g_buf, 0x5a, sizeof g_buf);
}

static int intact(const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i] != 0x5a)
			return 0;
	return 1;
}

static void check_guards(const struct cpol_shell_out *o, const char *what)
{
	cr_assert(intact(g_cmds, sizeof g_cmds[0] * G), "%s: cmds underrun", what);
	cr_assert(intact(g_cmds + G + o->maxcmds, sizeof g_cmds[0] * (CMAX - o->maxcmds + G)), "%s: cmds overrun", what);
	cr_assert(intact(g_words, sizeof g_words[0] * G), "%s: words underrun", what);
	cr_assert(intact(g_words + G + o->maxwords, sizeof g_words[0] * (WMAX - o->maxwords + G)), "%s: words overrun", what);
	cr_assert(intact(g_lens, sizeof g_lens[0] * G), "%s: lens underrun", what);
	cr_assert(intact(g_lens + G + o->maxwords, sizeof g_lens[0] * (WMAX - o->maxwords + G)), "%s: lens overrun", what);
	cr_assert(intact(g_redirs, sizeof g_redirs[0] * G), "%s: redirs underrun", what);
	cr_assert(intact(g_redirs + G + o->maxredirs, sizeof g_redirs[0] * (RMAX - o->maxredirs + G)), "%s: redirs overrun", what);
	cr_assert(intact(g_buf, G), "%s: buf underrun", what);
	cr_assert(intact(g_buf + G + o->bufcap, BMAX - o->bufcap + G), "%s: buf overrun", what);
}

static int in_buf(const struct cpol_shell_out *o, const char *p, uint32_t len)
{
	return p >= o->buf && p + len < o->buf + o->buflen && p[len] == '\0';
}

static void check_out(const struct cpol_shell_out *o, uint32_t n, const char *what)
{
	uint32_t next_word = 0, next_redir = 0, all = 0;

	cr_assert_eq(n, o->ncmds, "%s", what);
	cr_assert_leq(o->ncmds, o->maxcmds, "%s", what);
	cr_assert_leq(o->nwords, o->maxwords, "%s", what);
	cr_assert_leq(o->nredirs, o->maxredirs, "%s", what);
	cr_assert_leq(o->buflen, o->bufcap, "%s", what);
	for (uint32_t i = 0; i < n; i++) {
		const struct cpol_shell_cmd *c = &o->cmds[i];
		all |= c->flags;
		if (c->argc) {
			uint32_t k = (uint32_t)(c->argv - o->words);
			cr_assert(c->argv >= o->words && k + c->argc <= o->nwords, "%s: argv range", what);
			cr_assert_eq(c->lens, o->wordlens + k, "%s", what);
			cr_assert_geq(k, next_word, "%s: commands share words", what);
			next_word = k + c->argc;
			for (uint32_t j = 0; j < c->argc; j++)
				cr_assert(in_buf(o, c->argv[j], c->lens[j]), "%s: word outside buf", what);
		}
		if (c->nredir) {
			uint32_t k = (uint32_t)(c->redir - o->redirs);
			cr_assert(c->redir >= o->redirs && k + c->nredir <= o->nredirs, "%s: redir range", what);
			cr_assert_geq(k, next_redir, "%s: commands share redirections", what);
			next_redir = k + c->nredir;
			for (uint32_t j = 0; j < c->nredir; j++) {
				cr_assert_leq(c->redir[j].kind, CPOL_REDIR_HERESTRING, "%s", what);
				cr_assert(in_buf(o, c->redir[j].target, c->redir[j].target_len),
				          "%s: target outside buf", what);
			}
		}
		cr_assert(c->argc || c->nredir || (c->flags & ~(CPOL_SH_SUBSHELL | CPOL_SH_CONTROL)),
		          "%s: empty command", what);
	}
	cr_assert_eq(all & ~o->flags, 0, "%s: command flags not in out->flags", what);
}

/* A canonical text of a split, to compare two of them. */
static size_t canon(const struct cpol_shell_out *o, char *s, size_t cap)
{
	size_t n = 0;
#define PUT(p, len) do { size_t l_ = (len); if (n + l_ < cap) { memcpy(s + n, (p), l_); n += l_; } } while (0)
	for (uint32_t i = 0; i < o->ncmds; i++) {
		const struct cpol_shell_cmd *c = &o->cmds[i];
		char h[64];
		int hl = snprintf(h, sizeof h, "|%x:%u:%u", c->flags, c->argc, c->nredir);
		PUT(h, (size_t)hl);
		for (uint32_t j = 0; j < c->argc; j++) {
			PUT("\x01", 1);
			PUT(c->argv[j], c->lens[j]);
		}
		for (uint32_t j = 0; j < c->nredir; j++) {
			const struct cpol_shell_redir *r = &c->redir[j];
			hl = snprintf(h, sizeof h, "\x02%u.%u.%u.", r->kind, r->fd, r->rflags);
			PUT(h, (size_t)hl);
			PUT(r->target, r->target_len);
		}
	}
#undef PUT
	return n;
}

static size_t gen(char *s, size_t cap)
{
	size_t n = 0, want = 1 + below((uint32_t)cap - 1);
	uint32_t mode = below(10);

	if (mode < 6) {                 /* token soup */
		while (n < want) {
			const char *f = frags[below(sizeof frags / sizeof frags[0])];
			size_t l = f[0] ? strlen(f) : 1;        /* "\0" is one NUL byte */
			if (n + l > cap)
				break;
			memcpy(s + n, f, l);
			n += l;
		}
	} else if (mode < 9) {          /* a mutated seed */
		const char *sd = seeds[below(sizeof seeds / sizeof seeds[0])];
		n = strlen(sd);
		if (n > cap)
			n = cap;
		memcpy(s, sd, n);
		for (uint32_t k = 1 + below(4); k > 0; k--) {
			uint32_t at = below((uint32_t)n + 1), op = below(4);
			if (op == 0 && n > 0 && at < n) {               /* replace a byte */
				s[at] = (char)below(256);
			} else if (op == 1 && n < cap) {                /* insert a fragment byte */
				memmove(s + at + 1, s + at, n - at);
				s[at] = "'\"\\$`()|&;<>{}#\n \0"[below(17)];
				n++;
			} else if (op == 2 && n > 0 && at < n) {        /* delete */
				memmove(s + at, s + at + 1, n - at - 1);
				n--;
			} else {                                        /* truncate */
				n = at;
			}
		}
	} else {                        /* random bytes */
		for (; n < want; n++)
			s[n] = (char)below(256);
	}
	return n;
}

Test(shell_fuzz, random_scripts_keep_the_invariants, .timeout = 60)
{
	static char script[256];
	static struct cpol_shell_cmd bc[256];
	static const char *bw[512];
	static uint32_t bl[512];
	static struct cpol_shell_redir br[256];
	static char bb[4096];
	static char c1[8192], c2[8192];
	uint32_t toobig = 0, equal = 0;

	rng_state = 0x9e3779b97f4a7c15ull;
	for (int it = 0; it < 100000; it++) {
		size_t len = gen(script, 120);
		struct cpol_shell_out big = { bc, 256, 0, bw, 512, 0, bl, NULL, br, 256, 0, bb, sizeof bb, 0, 0, NULL, NULL, 0, 0, 0 };
		struct cpol_shell_out o;
		char what[64];
		uint32_t n;

		snprintf(what, sizeof what, "iteration %d", it);
		guard_all();
		o = (struct cpol_shell_out){ g_cmds + G, below(CMAX + 1), 0, g_words + G, below(WMAX + 1), 0,
		                             g_lens + G, NULL, g_redirs + G, below(RMAX + 1), 0, g_buf + G,
		                             below(BMAX + 1), 0, 0, NULL, NULL, 0, 0, 0 };
		if (below(8) == 0) {            /* sometimes plenty */
			o.maxcmds = CMAX;
			o.maxwords = WMAX;
			o.maxredirs = RMAX;
			o.bufcap = BMAX;
		}
		int dialect = (int)below(3);    /* bash, dash, zsh: the same invariants */
		n = cpol_shell_split_as(script, len, dialect, &o);
		check_guards(&o, what);
		check_out(&o, n, what);

		n = cpol_shell_split_as(script, len, dialect, &big);
		check_out(&big, n, what);
		cr_assert_eq(big.flags & CPOL_SH_TOOBIG, 0, "%s: ample storage ran out", what);
		if (o.flags & CPOL_SH_TOOBIG) {
			toobig++;
		} else {
			size_t l1 = canon(&o, c1, sizeof c1), l2 = canon(&big, c2, sizeof c2);
			cr_assert(l1 == l2 && memcmp(c1, c2, l1) == 0 && o.flags == big.flags,
			          "%s: the split depends on the storage", what);
			equal++;
		}
	}
	/* both paths were exercised */
	cr_assert_gt(toobig, 1000);
	cr_assert_gt(equal, 1000);
}

/* ---- bash as the oracle for quote removal ------------------------------ */

static size_t gen_word(char *w, size_t cap)
{
	static const char plain[] = "abcxyz019._/-=+,:@%^";
	static const char inner[] = "abc xyz;|&<>()*?[]{}~#!$`\"\\'\t";
	size_t n = 0;

	for (uint32_t parts = 1 + below(4); parts > 0 && n + 40 < cap; parts--) {
		switch (below(5)) {
		case 0:                         /* plain */
			for (uint32_t k = 1 + below(5); k > 0; k--)
				w[n++] = plain[below(sizeof plain - 1)];
			break;
		case 1:                         /* '...' */
			w[n++] = '\'';
			for (uint32_t k = below(6); k > 0; k--) {
				char c = inner[below(sizeof inner - 1)];
				w[n++] = c == '\'' ? 'q' : c;
			}
			w[n++] = '\'';
			break;
		case 2:                         /* "..." with escapes, no expansion */
			w[n++] = '"';
			for (uint32_t k = below(6); k > 0; k--) {
				char c = inner[below(sizeof inner - 1)];
				if (c == '"' || c == '\\' || c == '$' || c == '`') {
					w[n++] = '\\';
				} else if (c == '!') {
					c = 'e';
				}
				w[n++] = c;
			}
			if (below(4) == 0) {    /* a backslash kept before an ordinary char */
				w[n++] = '\\';
				w[n++] = 'n';
			}
			w[n++] = '"';
			break;
		case 3: {                       /* $'...' */
			static const char *const esc[] = {
				"\\n", "\\t", "\\\\", "\\'", "\\\"", "\\x41", "\\x7e", "\\101", "\\60",
				"\\e", "\\a", "\\cB", "\\q", "\\u0041", "x", " ", ";", "\\?", "\\x4",
			};
			w[n++] = '$';
			w[n++] = '\'';
			for (uint32_t k = below(5); k > 0; k--) {
				const char *e = esc[below(sizeof esc / sizeof esc[0])];
				memcpy(w + n, e, strlen(e));
				n += strlen(e);
			}
			w[n++] = '\'';
			break;
		}
		default:                        /* backslash-escaped specials */
			w[n++] = '\\';
			w[n++] = inner[below(sizeof inner - 2)];        /* not the last: ' */
			break;
		}
	}
	return n;
}

/* One batch: CASES printf commands in one bash -c (whose script must stay
 * under the kernel's 128 KiB limit for one argument). */
static void bash_batch(void)
{
	enum { CASES = 400 };
	static char lines[CASES][512];
	static size_t linelen[CASES];
	static char script[CASES * 520];
	static char outb[1 << 20];
	static struct cpol_shell_cmd cmds[4];
	static const char *words[64];
	static uint32_t lens[64];
	static char buf[4096];
	size_t sn = 0, on = 0;
	int p[2], status;
	pid_t pid;

	for (int i = 0; i < CASES; i++) {
		size_t n = 0;
		memcpy(lines[i], "printf '%s\\0'", 13);
		n = 13;
		for (uint32_t k = 1 + below(5); k > 0; k--) {
			lines[i][n++] = ' ';
			n += gen_word(lines[i] + n, sizeof lines[i] - n - 1);
		}
		linelen[i] = n;
		memcpy(script + sn, lines[i], n);
		sn += n;
		memcpy(script + sn, "; printf '\\001'\n", 16);
		sn += 16;
	}
	script[sn] = '\0';

	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execl("/bin/bash", "bash", "--norc", "--noprofile", "-c", script, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		ssize_t r = read(p[0], outb + on, sizeof outb - on);
		if (r <= 0)
			break;
		on += (size_t)r;
	}
	close(p[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "bash failed");

	size_t at = 0;
	for (int i = 0; i < CASES; i++) {
		struct cpol_shell_out o = { cmds, 4, 0, words, 64, 0, lens, NULL, NULL, 0, 0, buf, sizeof buf, 0, 0, NULL, NULL, 0, 0, 0 };
		size_t end = at;
		while (end < on && outb[end] != '\x01')
			end++;
		cr_assert_lt(end, on, "case %d: bash output ends early", i);

		cr_assert_eq(cpol_shell_split(lines[i], linelen[i], &o), 1, "%.*s", (int)linelen[i], lines[i]);
		cr_assert_eq(o.flags, 0, "%.*s: flags %#x", (int)linelen[i], lines[i], o.flags);
		/* bash printed argv[2..] each followed by a NUL */
		size_t q = at;
		for (uint32_t j = 2; j < cmds[0].argc; j++) {
			cr_assert(q + lens[j] < end && memcmp(outb + q, words[j], lens[j]) == 0
			          && outb[q + lens[j]] == '\0',
			          "%.*s\n  word %u: ours \"%s\", bash \"%.*s\"", (int)linelen[i], lines[i], j,
			          words[j], (int)(end - q), outb + q);
			q += lens[j] + 1;
		}
		cr_assert_eq(q, end, "%.*s: bash printed more words", (int)linelen[i], lines[i]);
		at = end + 1;
	}
}

Test(shell_fuzz, quote_removal_matches_bash, .timeout = 60)
{
	if (access("/bin/bash", X_OK) != 0)
		cr_skip_test("no /bin/bash");
	rng_state = 0x243f6a8885a308d3ull;
	for (int batch = 0; batch < 5; batch++)
		bash_batch();
}
