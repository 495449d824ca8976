/* tests/engine/gen.c -- the differential test's generator (see gen.h). */
#include "tests/engine/gen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof (a) / sizeof (a)[0])

void gen_seed(struct gen *g, uint64_t seed)
{
	g->s = seed ? seed : 1;
	for (int i = 0; i < 4; i++)
		gen_rnd(g, 2);
}

uint32_t gen_rnd(struct gen *g, uint32_t n)
{
	/* xorshift64* */
	g->s ^= g->s >> 12;
	g->s ^= g->s << 25;
	g->s ^= g->s >> 27;
	return (uint32_t)((g->s * 0x2545F4914F6CDD1Dull) >> 33) % (n ? n : 1);
}

#define PICK(g, a) ((a)[gen_rnd((g), N(a))])

/* ---- a growable string ---- */

struct sb {
	char *p;
	size_t n, cap;
};

static void sb_put(struct sb *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t c = b->cap ? b->cap : 256;
		while (b->n + n + 1 > c)
			c *= 2;
		char *p = realloc(b->p, c);
		if (!p)
			abort();
		b->p = p;
		b->cap = c;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

static void sb_add(struct sb *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

__attribute__((format(printf, 2, 3)))
static void sb_fmt(struct sb *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	if ((size_t)n >= sizeof tmp) {
		char *big = malloc((size_t)n + 1);
		if (!big)
			abort();
		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		sb_put(b, big, (size_t)n);
		free(big);
		return;
	}
	sb_put(b, tmp, (size_t)n);
}

/* a string literal of the policy language */
static void sb_lit(struct sb *b, const char *s)
{
	sb_add(b, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sb_fmt(b, "\\%c", *s);
		else if (*s == '\n')
			sb_add(b, "\\n");
		else if (*s == '\t')
			sb_add(b, "\\t");
		else
			sb_put(b, s, 1);
	}
	sb_add(b, "\"");
}

/* ---- vocabularies ---- */

static const char *const programs[] = {
	"ls", "cat", "git", "rm", "cp", "mv", "touch", "curl", "wget", "sh", "bash", "tar", "sed", "dd", "echo",
	"find", "python", "make", "npm", "ln", "cc", "sort", "tee", "ssh", "xargs", "sudo",
};

static const char *const words[] = {
	"-r", "-rf", "-fr", "-v", "-la", "-o", "-ofile", "-o/etc/x", "-oout", "--output", "--output=x",
	"--output=/etc/out", "-i", "-i.bak", "-ni", "--", "-", "status", "log", "push", "clone", "install",
	"-exec", "-exec=x", "-delete", "of=/dev/sda", "of=out.img", "of=", "if=/dev/zero", "a", "b", "file.txt",
	"x.sh", "run.py", "/etc/passwd", "/tmp/x", "./x", "../x", "../../etc", "~/x", "~/cache/y", "~user/z",
	".git/config", "sub/.git/x", "secrets/k", "private/k", "https://example.com/a", "http://h:8080/x",
	"git@github.com:u/r", "file:///etc/x", "ftp://h/x", "rm -rf /", "mkfs", "aab", "abab", "ba", "ab c", "abc",
	"xbcx", "", "--force", "-f", "-c", "-lc", "/", "/dev/null", "/home/user/project/out", "/home/user/projectx",
	"$HOME", "name=v", "-t", "/var/tmp/a", "/usr/local/x", "--file=/etc/f", "--file=ok", "-x", "-xa", ".hg/store",
	"build/keep/o", "/tmp/keep/z", "c d", "git push", "--out=/etc/x", "--outp", "--out", "--o=f", "-vo", "-vofile",
	"-sSLo", "-vt", "--fi=/etc/f", "--force=yes", "if=/x", ";", "+", "{}", "-ok", "PATH=.", "rm", "5",
	"-oab", "--output=/etc/x", "-i.bak", "-e", "-vxa", "--in=ab", "--file", "-ti",
};

static const char *const frags[] = {
	"-", "--", "-o", "--out", "a", "ab", "b", "c", ".sh", ".py", "/etc", "etc", ".git", "://", "x", "of=", "=",
	"/", "..", "~", "rf", "bc", "sh", "git",
};

static const char *const letters[] = { "r", "f", "v", "i", "o", "l", "a", "x", "c", "t" };
static const char *const options[] = { "-o", "-i", "-f", "-r", "--output", "--force", "-exec", "of", "name", "-x", "--file", "-t" };

/* members of `options only`: flags, values required or optional, numbers */
static const char *const optspecs[] = {
	"-o", "-i#", "-i", "-f", "-r", "-x[#]", "-t#", "-#", "-v", "--output=", "--force", "--file[=]",
	"--fil", "--verbose", "--in-place[=]", "--info-only",
};
/* `any value of`: options with a value (and their names, the same order)
 * and options without one, for its option list */
static const char *const valspecs[] = { "-o#", "-i[#]", "-t#", "-e#", "--output=", "--file[=]", "--in-place[=]" };
static const char *const valnames[] = { "-o", "-i", "-t", "-e", "--output", "--file", "--in-place" };
static const char *const flagspecs[] = { "-f", "-r", "-v", "-#", "--force", "--fil", "--verbose", "--info-only", "-x[#]" };

static const char *const subs[] = {
	"ab", "abc", "bc", "b", "aab", "ba", "rm -rf", "-rf /", "rf", "/etc", "etc/p", "://", "git p", "sh -c",
	"a b", "c d", "mkfs", "x ", "/x", "-o", "..", "~", "git", "--", " -", "sh",
};

static const char *const wroots[] = {
	"$WORKSPACE", "$TMPDIR", "/dev/null", "~/cache", "/var/tmp", "$HOME/.local", "/usr/local", "$WORKSPACE/../shared",
};
static const char *const protects[] = { "secrets", "$WORKSPACE/private", ".hg", "build/keep", "/tmp/keep", "~/cache/lock" };

static const char *const decisions[] = { "allow", "prompt", "forbid" };

/* ---- policies ---- */

enum { SET_PROG, SET_WORD, SET_FRAG, SET__N };

struct pgen {
	struct gen *g;
	struct sb b;
	int nsets[SET__N];       /* set names defined per kind: pN, wN, fN */
	int rules;
};

static void list_of(struct pgen *p, const char *const *v, size_t nv, int kind, int max, int paren)
{
	struct gen *g = p->g;
	int n = 1 + (int)gen_rnd(g, (uint32_t)max);
	if (paren)
		sb_add(&p->b, "(");
	for (int i = 0; i < n; i++) {
		if (i)
			sb_add(&p->b, ", ");
		if (kind >= 0 && p->nsets[kind] && gen_rnd(g, 5) == 0)
			sb_fmt(&p->b, "%c%u", "pwf"[kind], gen_rnd(g, (uint32_t)p->nsets[kind]));
		else
			sb_lit(&p->b, v[gen_rnd(g, (uint32_t)nv)]);
	}
	if (paren)
		sb_add(&p->b, ")");
}

static void pred_of(struct pgen *p)
{
	struct gen *g = p->g;
	int paren = gen_rnd(g, 2);
	switch (gen_rnd(g, 10)) {
	case 0: case 1:
		sb_add(&p->b, "in ");
		list_of(p, words, N(words), SET_WORD, 3, paren);
		break;
	case 2:
		sb_add(&p->b, "is ");
		sb_lit(&p->b, PICK(g, words));
		break;
	case 3:
		sb_add(&p->b, "prefix ");
		list_of(p, frags, N(frags), SET_FRAG, 2, paren);
		break;
	case 4:
		sb_add(&p->b, "suffix ");
		list_of(p, frags, N(frags), SET_FRAG, 2, paren);
		break;
	case 5:
		sb_add(&p->b, "contains ");
		if (gen_rnd(g, 2))
			list_of(p, frags, N(frags), SET_FRAG, 3, paren);
		else
			list_of(p, subs, N(subs), -1, 3, paren);
		break;
	case 6:
		sb_add(&p->b, "flag ");
		list_of(p, letters, N(letters), -1, 2, paren);
		break;
	case 7:
		sb_add(&p->b, "sedcmds ");
		list_of(p, letters, N(letters), -1, 2, paren);
		break;
	case 8:
		sb_add(&p->b, "awkuses ");
		list_of(p, frags, N(frags), SET_FRAG, 2, paren);
		break;
	default:
		sb_add(&p->b, "option ");
		list_of(p, options, N(options), -1, 2, paren);
		break;
	}
}

static void value_of(struct pgen *p);

static void cond_of(struct pgen *p, int depth, int guard)
{
	struct gen *g = p->g;
	uint32_t r = gen_rnd(g, 100);
	if (depth < 3 && r < 28) {
		int paren = gen_rnd(g, 2);
		if (paren)
			sb_add(&p->b, "(");
		cond_of(p, depth + 1, guard);
		sb_add(&p->b, gen_rnd(g, 2) ? " and " : " or ");
		cond_of(p, depth + 1, guard);
		if (paren)
			sb_add(&p->b, ")");
		return;
	}
	if (depth < 3 && r < 36) {
		sb_add(&p->b, "not ");
		int paren = gen_rnd(g, 2);
		if (paren)
			sb_add(&p->b, "(");
		cond_of(p, depth + 1, guard);
		if (paren)
			sb_add(&p->b, ")");
		return;
	}
	r = gen_rnd(g, 100);
	if (r < 16) {
		sb_add(&p->b, "program ");
		list_of(p, programs, N(programs), SET_PROG, 3, 0);
	} else if (r < 40) {
		uint32_t k = gen_rnd(g, 6) == 0 ? 60 + gen_rnd(g, 15) : gen_rnd(g, 5);
		sb_fmt(&p->b, "arg %u ", k);
		pred_of(p);
	} else if (r < 54) {
		sb_add(&p->b, "any arg ");
		pred_of(p);
	} else if (r < 61) {
		sb_add(&p->b, "no arg ");
		pred_of(p);
	} else if (r < 68) {
		static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=" };
		sb_fmt(&p->b, "argc %s %u", PICK(g, ops), gen_rnd(g, 6));
	} else if (r < 82) {
		sb_add(&p->b, "substring ");
		list_of(p, subs, N(subs), -1, 3, 0);
	} else if (r < 92 && !guard) {
		static const char *const w[] = { "writes", "writes outside sandbox.write", "writes inside sandbox.write" };
		sb_add(&p->b, PICK(g, w));
	} else if (r < 95 && !guard) {
		sb_add(&p->b, "network");
	} else if (r < 98 && (guard || gen_rnd(g, 2))) {
		sb_add(&p->b, "options only ");
		list_of(p, optspecs, N(optspecs), -1, 6, 1);
	} else if (r < 98) {
		value_of(p);
	} else {
		sb_add(&p->b, "true");
	}
}

/* any/no value of SEL options LIST PRED: LIST has every selected option
 * with a value, some others with one, and some flags */
static void value_of(struct pgen *p)
{
	struct gen *g = p->g;
	uint32_t have = 0, sel = 0;
	while (!sel) {
		have = gen_rnd(g, 1u << N(valspecs));
		sel = have & gen_rnd(g, 1u << N(valspecs));
	}
	sb_add(&p->b, gen_rnd(g, 2) ? "any value of (" : "no value of (");
	const char *sep = "";
	for (uint32_t i = 0; i < N(valnames); i++)
		if (sel >> i & 1) {
			sb_add(&p->b, sep);
			sb_lit(&p->b, valnames[i]);
			sep = ", ";
		}
	sb_add(&p->b, ") options (");
	sep = "";
	for (uint32_t i = 0; i < N(valspecs); i++)
		if (have >> i & 1) {
			sb_add(&p->b, sep);
			sb_lit(&p->b, valspecs[i]);
			sep = ", ";
		}
	for (uint32_t i = 0; i < N(flagspecs); i++)
		if (gen_rnd(g, 2)) {
			sb_add(&p->b, ", ");
			sb_lit(&p->b, flagspecs[i]);
		}
	sb_add(&p->b, ")");
	if (gen_rnd(g, 4)) {
		sb_add(&p->b, " ");
		pred_of(p);
	}
}

static void script_rule(struct pgen *p)
{
	struct gen *g = p->g;
	sb_fmt(&p->b, "rule \"r%d\" { ", p->rules++);
	switch (gen_rnd(g, 6)) {
	case 0:
		sb_add(&p->b, "when program \"sudo\" and arg 1 is \"sh\" and arg 2 is \"-c\"; evaluate script arg 3; }\n");
		break;
	case 1:
		sb_add(&p->b, "when any arg is \"-c\"; evaluate script arg 2; }\n");
		break;
	case 2:
		sb_add(&p->b, "when program \"sh\", \"bash\" and arg 1 in (\"-c\", \"-lc\") unless ");
		cond_of(p, 1, 0);
		sb_add(&p->b, "; evaluate script arg 2; }\n");
		break;
	default:
		sb_add(&p->b, "when program \"sh\", \"bash\" and arg 1 in (\"-c\", \"-lc\"); evaluate script arg 2; }\n");
		break;
	}
}

static void target_of(struct pgen *p)
{
	static const char *const t[] = {
		"last", "operands", "operands from 2", "operands from 3", "after \"-o\"", "after \"--output\"",
		"after \"-t\"", "value \"of=\"", "value \"--file=\"", "cwd", "after \"--file\"", "after \"if\"",
	};
	sb_add(&p->b, PICK(p->g, t));
}

/* Crowds (none to two): many rules on one program each, most with a conjunct the evaluator
 * indexes (argv[1] one of a list, argv[N] with a prefix, some word one of
 * a list or an option), so that the indexes' narrowing is checked against
 * the reference. Drawn from a generator of its own, so that the rest of
 * the policies and commands stay what they were for a seed. */
static void crowd(struct pgen *p)
{
	struct gen own = { p->g->s ^ 0x9e3779b97f4a7c15ull }, *saved = p->g;
	struct gen *g = &own;
	gen_rnd(g, 2);
	p->g = g;
	static const char *const opts[] = { "--output", "--out", "--force", "--file", "--fil", "--in-place", "--o",
	                                    "--output=x", "-o", "-x", "-i", "-v", "of", "name", "--", "-" };
	for (int c = (int)gen_rnd(g, 3); c > 0; c--) {
		const char *prog = PICK(g, programs);
		int n = 8 + (int)gen_rnd(g, 24);
		for (int i = 0; i < n; i++) {
			sb_fmt(&p->b, "rule \"r%d\" {\n    when program \"%s\"", p->rules++, prog);
			switch (gen_rnd(g, 7)) {
			case 0:
				sb_fmt(&p->b, " and arg %u in ", 1 + gen_rnd(g, 3));
				list_of(p, words, N(words), SET_WORD, 3, 1);
				break;
			case 1:
				sb_fmt(&p->b, " and arg %u prefix ", 1 + gen_rnd(g, 3));
				list_of(p, frags, N(frags), SET_FRAG, 2, 1);
				break;
			case 2:
				sb_add(&p->b, " and any arg in ");
				list_of(p, words, N(words), SET_WORD, 3, 1);
				break;
			case 3: case 4:
				sb_add(&p->b, " and any arg option ");
				list_of(p, opts, N(opts), -1, 3, 1);
				break;
			case 5:
				break;
			default:
				sb_add(&p->b, " and ");
				cond_of(p, 1, 0);
				break;
			}
			if (gen_rnd(g, 3) == 0) {
				sb_add(&p->b, " and ");
				cond_of(p, 1, 0);
			}
			sb_fmt(&p->b, ";\n    %s;\n}\n", PICK(g, decisions));
		}
	}
	p->g = saved;
}

char *gen_policy(struct gen *g)
{
	struct pgen p = { .g = g };
	int trusted = gen_rnd(g, 12) == 0;
	if (gen_rnd(g, 3))
		sb_fmt(&p.b, "policy \"gen%u\";\n", gen_rnd(g, 1000));
	if (gen_rnd(g, 8)) {
		sb_add(&p.b, "sandbox {\n    read \"/\";\n");
		if (trusted) {
			sb_add(&p.b, "    write \"/\";\n    network any;\n");
		} else {
			int nw = (int)gen_rnd(g, 4);
			if (nw) {
				sb_add(&p.b, "    write ");
				for (int i = 0; i < nw; i++) {
					if (i)
						sb_add(&p.b, ", ");
					sb_lit(&p.b, PICK(g, wroots));
				}
				sb_add(&p.b, ";\n");
			}
			if (gen_rnd(g, 2)) {
				int np = 1 + (int)gen_rnd(g, 3);
				sb_add(&p.b, "    protect ");
				for (int i = 0; i < np; i++) {
					if (i)
						sb_add(&p.b, ", ");
					sb_lit(&p.b, PICK(g, protects));
				}
				sb_add(&p.b, ";\n");
			}
			static const char *const net[] = { "none", "any", "outbound", "connect 80, 443, 8000-8100" };
			sb_fmt(&p.b, "    network %s;\n", PICK(g, net));
		}
		sb_add(&p.b, "}\n");
	}
	if (gen_rnd(g, 4))
		sb_fmt(&p.b, "default %s;\n", PICK(g, decisions));
	/* named lists, one kind each */
	for (int k = 0; k < SET__N; k++) {
		int n = (int)gen_rnd(g, 3);
		for (int i = 0; i < n; i++) {
			sb_fmt(&p.b, "set %c%d = ", "pwf"[k], i);
			if (k == SET_PROG)
				list_of(&p, programs, N(programs), i ? k : -1, 4, 0);
			else if (k == SET_WORD)
				list_of(&p, words, N(words), i ? k : -1, 6, 0);
			else
				list_of(&p, frags, N(frags), i ? k : -1, 3, 0);
			sb_add(&p.b, ";\n");
			p.nsets[k]++;
		}
	}
	/* wrappers, one statement per program (a program twice is an error) */
	static const char *const wrappers[] = {
		"wrapper program \"sudo\" options (\"-u#\", \"-n\") assignments;\n",
		"wrapper program \"xargs\" options (\"-0\", \"-n#\", \"--null\") input;\n",
		"wrapper program \"find\" command after (\"-exec\", \"-ok\") until (\";\", \"+\");\n",
		"wrapper program \"make\" options (\"-j#\", \"-k\") skip 1;\n",
		"wrapper program \"echo\", \"tee\";\n",
	};
	for (size_t w = 0; w < N(wrappers); w++)
		if (gen_rnd(g, 4) == 0)
			sb_add(&p.b, w == 1 && gen_rnd(g, 2) ? /* xargs -I R: the input replaces R */
			                     "wrapper program \"xargs\" options (\"-0\", \"-n#\", \"--null\") "
			                     "replace (\"-I#\", \"-i[#]\", \"--replace[=]\") input;\n"
			                                 : wrappers[w]);
	int nrules = 3 + (int)gen_rnd(g, 12);
	int script_at = gen_rnd(g, 10) < 7 ? (int)gen_rnd(g, (uint32_t)nrules) : -1;
	int nintents = (int)gen_rnd(g, 6);
	for (int i = 0; i < nrules; i++) {
		if (i == script_at) {
			script_rule(&p);
			continue;
		}
		if (nintents && gen_rnd(g, 3) == 0) {
			nintents--;
			if (gen_rnd(g, 3) == 0) {
				sb_add(&p.b, "intent network program ");
				list_of(&p, programs, N(programs), SET_PROG, 3, 0);
			} else {
				sb_add(&p.b, "intent write program ");
				list_of(&p, programs, N(programs), SET_PROG, 3, 0);
				sb_add(&p.b, " target ");
				target_of(&p);
				if (gen_rnd(g, 3) == 0) {
					sb_add(&p.b, ", ");
					target_of(&p);
				}
			}
			if (gen_rnd(g, 3) == 0) {
				sb_add(&p.b, " when ");
				cond_of(&p, 1, 1);
			}
			sb_add(&p.b, ";\n");
		}
		const char *dec = PICK(g, decisions);
		uint32_t form = gen_rnd(g, 100);
		if (form < 14) {
			sb_fmt(&p.b, "%s program ", dec);
			list_of(&p, programs, N(programs), SET_PROG, 3, 0);
			if (gen_rnd(g, 2))
				sb_add(&p.b, " because \"short\"");
			sb_add(&p.b, ";\n");
			p.rules++;
		} else if (form < 24) {
			sb_fmt(&p.b, "%s substring ", dec);
			list_of(&p, subs, N(subs), -1, 3, 0);
			sb_add(&p.b, ";\n");
			p.rules++;
		} else if (form < 30) {
			script_rule(&p);
		} else {
			sb_fmt(&p.b, "rule \"r%d\" {\n", p.rules++);
			if (gen_rnd(g, 20)) {
				sb_add(&p.b, "    when ");
				cond_of(&p, 0, 0);
				if (gen_rnd(g, 4) == 0) {
					sb_add(&p.b, " unless ");
					cond_of(&p, 1, 0);
				}
				sb_add(&p.b, ";\n");
			}
			sb_fmt(&p.b, "    %s%s;\n}\n", dec, gen_rnd(g, 3) ? "" : " because \"why\"");
		}
	}
	crowd(&p);
	while (nintents-- > 0) {
		sb_add(&p.b, "intent write program ");
		list_of(&p, programs, N(programs), SET_PROG, 2, 0);
		sb_add(&p.b, " target ");
		target_of(&p);
		sb_add(&p.b, ";\n");
	}
	return p.b.p;
}

/* ---- commands ---- */

static const char *const prefixes[] = {
	"/usr/bin/", "/bin/", "./", "/home/user/project/", "/usr/bin/../bin/", "/opt/", "/usr/local/bin/", "bin/",
	"/usr/local/", "//usr/bin/",
};

static const char *const rtargets[] = {
	"out.txt", "/etc/x", "../x", "~/x", "/tmp/x", ".git/HEAD", "/dev/null", "~/cache/f", "sub/../../y", "/var/tmp/q",
	"secrets/s", "\"a b\"",
};

static void random_word(struct gen *g, struct sb *b)
{
	static const char alpha[] = "abcx-/.~=:";
	int n = (int)gen_rnd(g, 9);
	for (int i = 0; i < n; i++)
		sb_put(b, &alpha[gen_rnd(g, sizeof alpha - 1)], 1);
}

/* one argument, as a word in memory */
static void arg_word(struct gen *g, struct sb *b)
{
	uint32_t r = gen_rnd(g, 10);
	if (r < 7)
		sb_add(b, PICK(g, words));
	else if (r < 8)
		sb_add(b, PICK(g, subs));
	else
		random_word(g, b);
}

/* quote a word for the shell, in one of several ways */
static void shell_word(struct gen *g, struct sb *out, const char *w)
{
	int plain = *w != 0;
	for (const char *s = w; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:@,+%", *s))
			plain = 0;
	uint32_t r = gen_rnd(g, 10);
	if ((plain && r < 6) || (!plain && r == 0 && *w)) {
		sb_add(out, w);   /* unquoted: special characters mean what they mean */
	} else if (r < 8) {
		sb_add(out, "'");
		for (const char *s = w; *s; s++)
			if (*s == '\'')
				sb_add(out, "'\\''");
			else
				sb_put(out, s, 1);
		sb_add(out, "'");
	} else {
		sb_add(out, "\"");
		for (const char *s = w; *s; s++) {
			if (strchr("\"\\$`", *s))
				sb_add(out, "\\");
			sb_put(out, s, 1);
		}
		sb_add(out, "\"");
	}
}

static void script_of(struct gen *g, struct sb *out, int depth);

/* `echo SCRIPT | sh`: a literal echo or printf piped into a shell, judged
 * as the script it prints when both ends are plain (else the shell asks):
 * escapes dash's echo and printf read, options, odd words, |&, shells
 * with options or their input redirected. */
static void piped_literal(struct gen *g, struct sb *out, int depth)
{
	static const char *const heads[] = { "echo ", "echo -n ", "echo -E ", "echo ", "echo -e ", "printf " };
	static const char *const odd[] = { " \"$X\"", " ~", " 'a\\c'", " '\\0101'", " $(ls)", " '%s'" };
	static const char *const shells[] = {
		"sh", "bash", "dash", "/bin/sh", "sh -s", "bash -e -x", "sh -u", "bash -i", "sh < in",
		"BASH_ENV=x bash", "sh -c ls", "bash 2>/dev/null", "bash --norc", "zsh", "exec sh", "sh > out",
	};
	struct sb inner = { 0 }, arg = { 0 };
	script_of(g, &inner, depth + 1);
	uint32_t how = gen_rnd(g, sizeof heads / sizeof heads[0]);
	for (const char *s = inner.p ? inner.p : ""; *s; s++) {
		if (how >= 3 && *s == '\n')
			sb_add(&arg, gen_rnd(g, 4) ? "\\n" : "\\t");
		else if (how == 5 && *s == '%')
			sb_add(&arg, gen_rnd(g, 4) ? "%%" : "%s");
		else
			sb_put(&arg, s, 1);
	}
	if (gen_rnd(g, 3) == 0) {
		/* an escape some echo or printf reads otherwise, or not at all */
		static const char *const escs[] = { "\\\\", "\\e", "\\c", "\\0101", "\\x41", "\\t", "\\a",
		                                    "\\q", "\\", "\\n", "\\nls", "\\101", "%%", "%d" };
		sb_add(&arg, PICK(g, escs));
	}
	sb_add(out, heads[how]);
	shell_word(g, out, arg.p ? arg.p : "");
	if (gen_rnd(g, 8) == 0)
		sb_add(out, PICK(g, odd));
	sb_add(out, gen_rnd(g, 10) ? " | " : " |& ");
	sb_add(out, gen_rnd(g, 2) ? PICK(g, shells) : gen_rnd(g, 2) ? "sh" : "bash");
	free(inner.p);
	free(arg.p);
}

static void simple_command(struct gen *g, struct sb *out, int depth)
{
	uint32_t r = gen_rnd(g, 100);
	if (r >= 93 && depth < 6) {
		piped_literal(g, out, depth);
		return;
	}
	if (r < 3) {
		static const char *const odd[] = {
			"X=1 ls", "echo $(ls)", "echo $HOME", "(ls)", "{ ls; }", "ls &", "eval ls", "source x", ". x",
			"if true; then rm x; fi", "cat <<EOF\nx\nEOF\n", "echo `rm x`", "a=b", "cat <(ls)", "exec rm x",
			"exec", "> /etc/x", "> out", ";;", "time ls", "echo 'unterminated", "for i in a; do ls; done",
			"GIT_PAGER=./x; export GIT_PAGER", "export PAGER", "read LD_PRELOAD", "PATH=$PATH:/opt/b",
			"cat <(rm -rf ~)", "tee >(sh) >(ls)", "nice", "env -i", "rm -r x &", "cd sub & ls",
			"export CFLAGS=-O2", "export A=1 B", "export X=\"$Y\"", "local -n r=x", "cat a > $OUT",
			"echo x >> \"$LOG\"", "export A=1; cat a", "PATH=/usr/bin ls", "PATH=/usr/bin:/tmp ls",
			"env PATH=/bin:/usr/bin rm x", "env -i PATH=./bin ls", "PATH=/usr/bin/../../tmp ls",
			"cd $D; ls", "cd \"$D\" && rm x", "cd $D; cd sub; tee x",
		};
		sb_add(out, PICK(g, odd));
		return;
	}
	if (r < 12 && depth < 6) {
		struct sb inner = { 0 };
		script_of(g, &inner, depth + 1);
		sb_add(out, gen_rnd(g, 2) ? "bash -c " : "sh -lc ");
		shell_word(g, out, inner.p ? inner.p : "");
		free(inner.p);
		return;
	}
	if (r < 16)
		sb_add(out, "exec ");
	else if (r < 22) {
		static const char *const cds[] = { "cd /etc", "cd ..", "cd sub", "cd", "cd -", "cd ~user", "cd /tmp",
		                                   "cd ~/cache", "cd a b", "cd /home/user/project" };
		sb_add(out, PICK(g, cds));
		return;
	}
	const char *end = NULL;
	if (gen_rnd(g, 12) == 0) {
		/* xargs replacing text in the words that follow ({} is a word too),
		 * or find -exec with the start points its {} begins with (the end
		 * word from the entry, so that other lines draw as before) */
		static const char *const xr[] = {
			"xargs -I{} ", "xargs -I {} ", "xargs -i ", "xargs -ia ", "xargs --replace ", "xargs --repl=a ",
			"xargs -0I% ", "xargs -I{} -n 1 ", "xargs -n1 -Ix ", "xargs -I '' ", "xargs -Ia -I{} ",
			"xargs -I{} --null ", "xargs -I \"$R\" ", "xargs -I-r ",
			"find . -exec ", "find src -name x -exec ", "find / -exec ", "find - -exec ", "find -L . -exec ",
			"find -D tree / -exec ", "find -- /etc -exec ", "find . -files0-from f -exec ", "find . -execdir ",
			"find src srcb -ok ", "find -O3 /tmp -exec ", "find \\) -exec ", "find .. , / -exec ",
			"find -H ./a -follow -exec ", "find '!' -exec ", "find -D -exec ", "find a b -exec ", "find ~ -ok ",
		};
		uint32_t x = gen_rnd(g, N(xr));
		sb_add(out, xr[x]);
		if (x >= 14)
			end = x & 1 ? " {} +" : " {} \\;";
	}
	if (gen_rnd(g, 8) == 0)
		sb_add(out, PICK(g, prefixes));
	sb_add(out, gen_rnd(g, 12) ? PICK(g, programs) : "unknown");
	int n = (int)gen_rnd(g, 5);
	for (int i = 0; i < n; i++) {
		struct sb w = { 0 };
		arg_word(g, &w);
		sb_add(out, " ");
		shell_word(g, out, w.p ? w.p : "");
		free(w.p);
	}
	if (end)
		sb_add(out, end);
	if (gen_rnd(g, 6) == 0) {
		static const char *const redir[] = { " > ", " >> ", " 2> ", " &> ", " < " };
		sb_add(out, PICK(g, redir));
		sb_add(out, PICK(g, rtargets));
	}
	if (gen_rnd(g, 10) == 0)
		sb_add(out, gen_rnd(g, 2) ? " 2>&1" : " 2>/dev/null");
}

static void script_of(struct gen *g, struct sb *out, int depth)
{
	static const char *const ops[] = { " && ", " || ", " | ", "; ", "\n", " |& ", ";" };
	int n = 1 + (int)gen_rnd(g, depth ? 2 : 4);
	for (int i = 0; i < n; i++) {
		if (i)
			sb_add(out, PICK(g, ops));
		simple_command(g, out, depth);
	}
	if (gen_rnd(g, 20) == 0)
		sb_add(out, gen_rnd(g, 2) ? " # comment" : ";");
}

int gen_argv(struct gen *g, char ***argvp)
{
	struct sb w[100];
	int argc = 0;
	uint32_t r = gen_rnd(g, 100);
	memset(w, 0, sizeof w);
	if (r < 2) {
		argc = 0;
	} else if (r < 32) {
		/* a shell with a script */
		uint32_t k = gen_rnd(g, 10);
		if (k == 0) {
			sb_add(&w[argc++], "sudo");
			sb_add(&w[argc++], "sh");
		} else {
			if (k == 1)
				sb_add(&w[argc], PICK(g, prefixes));
			sb_add(&w[argc++], gen_rnd(g, 2) ? "bash" : "sh");
		}
		sb_add(&w[argc++], gen_rnd(g, 5) ? "-c" : "-lc");
		if (gen_rnd(g, 30))
			script_of(g, &w[argc++], 0);
		if (gen_rnd(g, 6) == 0)
			arg_word(g, &w[argc++]);
	} else {
		if (gen_rnd(g, 6) == 0)
			sb_add(&w[argc], PICK(g, prefixes));
		if (gen_rnd(g, 20) == 0)
			arg_word(g, &w[argc++]);
		else
			sb_add(&w[argc++], gen_rnd(g, 15) ? PICK(g, programs) : "unknown");
		int n = gen_rnd(g, 10) == 0 ? 60 + (int)gen_rnd(g, 25) : (int)gen_rnd(g, 7);
		for (int i = 0; i < n; i++)
			arg_word(g, &w[argc++]);
	}
	size_t bytes = (size_t)(argc + 1) * sizeof(char *);
	for (int i = 0; i < argc; i++)
		bytes += w[i].n + 1;
	char **argv = malloc(bytes);
	if (!argv)
		abort();
	char *p = (char *)(argv + argc + 1);
	for (int i = 0; i < argc; i++) {
		argv[i] = p;
		if (w[i].n)
			memcpy(p, w[i].p, w[i].n);
		p[w[i].n] = 0;
		p += w[i].n + 1;
		free(w[i].p);
	}
	argv[argc] = NULL;
	*argvp = argv;
	return argc;
}

char *gen_line(struct gen *g)
{
	struct sb b = { 0 };
	if (gen_rnd(g, 12) == 0)
		sb_add(&b, gen_rnd(g, 2) ? "exec " : "eval ");
	if (gen_rnd(g, 3) == 0)
		simple_command(g, &b, 0);
	else
		script_of(g, &b, 0);
	if (!b.p)
		sb_add(&b, "");
	return b.p;
}

const char *gen_cwd(struct gen *g)
{
	static const char *const cwds[] = { "/", "/tmp", "/etc", "/home/user/project/sub", "/home/user", "/home/user/project/.git" };
	return gen_rnd(g, 10) < 7 ? "/home/user/project" : PICK(g, cwds);
}
