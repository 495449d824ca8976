/* tests/engine/oracle.c -- the reference evaluator (see oracle.h). Written
 * from the language's semantics (cpol(5) and doc/DESIGN.md), not from the VM:
 * conditions are interpreted on the AST, lists are walked item by item,
 * substrings are searched with memmem in the joined command line or in one
 * argument, and every rule of the policy is tried in source order. */
#include "tests/engine/oracle.h"
#include "vm/path.h"
#include "vm/shell.h"
#include "vm/vm.h"   /* only the splitter's capacities and the depth limit */
#include "vm/eval.h" /* the shells' builtin table, shared like the splitter */

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define MAXROOTS 256

struct ref {
	const struct cpol_model *m;
	char cwd[CPOL_PATH_BUF], ws[CPOL_PATH_BUF], tmp[CPOL_PATH_BUF], home[CPOL_PATH_BUF];
	char *wroots[MAXROOTS], *proots[MAXROOTS];
	size_t nw, np;
};

struct word {
	const char *s;
	size_t n;
	int unk;                /* CPOL_WORD_*: what the shell may turn it into */
};

struct frame {
	struct ref *r;
	int depth;
	size_t argc;
	const struct word *argv;
	const struct cpol_shell_redir *redir;
	size_t nredir;
	const char *pname;      /* NULL: no program name */
	size_t pnlen;
	int foreign;            /* pname names a program outside the trusted folders */
	int see;                /* the rule being judged may match pname */
	char *joined;
	size_t jlen;
	size_t spread;          /* first word that may become several (argc when none) */
	int anyunk;             /* some word is not literal */
	const char *firstout;   /* the first write target outside the roots */
	int intents;            /* computed */
	int net;
	size_t nwrite, noutside;
	size_t nsureout;        /* targets outside that no unknown word can change */
	size_t nroot;           /* targets that are a write root as a whole */
	const char *firstroot;
};

static int weq(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && memcmp(a, b, an) == 0;
}

static int starts(const char *s, size_t n, const char *p, size_t pn)
{
	return n >= pn && memcmp(s, p, pn) == 0;
}

/* ---- lists: call fn on every string, set names walked into ---- */

typedef int (*item_fn)(const char *s, size_t n, void *arg);

static int list_any(const cpol_list *l, item_fn fn, void *arg)
{
	for (const cpol_item *it = l->first; it; it = it->next) {
		if (it->kind == CPOL_ITEM_NAME) {
			if (it->def && list_any(&it->def->u.set.list, fn, arg))
				return 1;
		} else if (fn(it->text, it->len, arg)) {
			return 1;
		}
	}
	return 0;
}

/* ---- environment and roots ---- */

static int norm_abs(const char *in, char *out)
{
	return cpol_path_normalize("/", 1, "/", 1, in, strlen(in), out, CPOL_PATH_BUF) < 0 ? -1 : 0;
}

/* A root as written, with its variable replaced. */
static char *expand_root(const struct ref *r, const char *s, size_t n)
{
	static const char *const vars[] = { "$WORKSPACE", "$TMPDIR", "$HOME", "~" };
	const char *vals[] = { r->ws, r->tmp, r->home, r->home };
	char buf[2 * CPOL_PATH_BUF];
	buf[0] = 0;
	size_t k;
	for (k = 0; k < 4; k++) {
		size_t vl = strlen(vars[k]);
		if (starts(s, n, vars[k], vl)) {
			snprintf(buf, sizeof buf, "%s/%.*s", vals[k], (int)(n - vl), s + vl);
			break;
		}
	}
	if (k == 4)
		snprintf(buf, sizeof buf, "%.*s", (int)n, s);
	char *out = malloc(CPOL_PATH_BUF);
	if (out && norm_abs(buf, out) < 0) {
		free(out);
		out = NULL;
	}
	return out;
}

static int add_write_root(const char *s, size_t n, void *arg)
{
	struct ref *r = arg;
	char *p = expand_root(r, s, n);
	if (p && r->nw < MAXROOTS)
		r->wroots[r->nw++] = p;
	else
		free(p);
	return 0;
}

static int add_protect(const char *s, size_t n, void *arg)
{
	struct ref *r = arg;
	if (n && s[0] != '/' && s[0] != '$' && s[0] != '~') {
		/* a name inside every write root */
		for (size_t w = 0; w < r->nw && r->np < MAXROOTS; w++) {
			char buf[2 * CPOL_PATH_BUF];
			snprintf(buf, sizeof buf, "%s/%.*s", r->wroots[w], (int)n, s);
			char *out = malloc(CPOL_PATH_BUF);
			if (out && norm_abs(buf, out) == 0)
				r->proots[r->np++] = out;
			else
				free(out);
		}
		return 0;
	}
	char *p = expand_root(r, s, n);
	if (p && r->np < MAXROOTS)
		r->proots[r->np++] = p;
	else
		free(p);
	return 0;
}

static void clear_roots(struct ref *r)
{
	for (size_t i = 0; i < r->nw; i++)
		free(r->wroots[i]);
	for (size_t i = 0; i < r->np; i++)
		free(r->proots[i]);
	r->nw = r->np = 0;
}

int ref_set_env(struct ref *r, const struct ref_env *env)
{
	if (norm_abs(env->cwd ? env->cwd : "/", r->cwd) < 0 ||
	    norm_abs(env->workspace ? env->workspace : r->cwd, r->ws) < 0 ||
	    norm_abs(env->tmpdir ? env->tmpdir : "/tmp", r->tmp) < 0 ||
	    norm_abs(env->home ? env->home : "/root", r->home) < 0)
		return -1;
	clear_roots(r);
	const struct cpol_model *m = r->m;
	for (uint32_t i = 0; i < m->nwrites; i++)
		list_any(m->writes[i], add_write_root, r);
	for (uint32_t i = 0; i < m->nprotects; i++)
		list_any(m->protects[i], add_protect, r);
	if (!m->trusted)
		add_protect(".git", 4, r);  /* always protected, unless trusted */
	return 0;
}

struct ref *ref_new(const struct cpol_model *m, const struct ref_env *env)
{
	struct ref *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->m = m;
	if (ref_set_env(r, env) < 0) {
		ref_free(r);
		return NULL;
	}
	return r;
}

void ref_free(struct ref *r)
{
	if (!r)
		return;
	clear_roots(r);
	free(r);
}

static int within(const char *root, const char *path)
{
	size_t n = strlen(root);
	if (strcmp(root, "/") == 0)
		return 1;
	return strncmp(root, path, n) == 0 && (path[n] == 0 || path[n] == '/');
}

/* Does a write to this path (as written) stay inside the writable roots? */
static int inside(const struct ref *r, const char *s, size_t n)
{
	char p[CPOL_PATH_BUF];
	if (cpol_path_normalize(r->cwd, strlen(r->cwd), r->home, strlen(r->home), s, n, p, sizeof p) < 0)
		return 0;
	for (size_t i = 0; i < r->np; i++)
		if (within(r->proots[i], p))
			return 0;
	for (size_t i = 0; i < r->nw; i++)
		if (within(r->wroots[i], p))
			return 1;
	return 0;
}

/* ---- the program name ---- */

static const char *const sysdirs[] = { "/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin" };

static void program_name(struct frame *f)
{
	f->pname = NULL;
	if (f->argc == 0 || f->argv[0].n == 0)
		return;
	const char *a = f->argv[0].s;
	size_t n = f->argv[0].n;
	if (!memchr(a, '/', n)) {
		f->pname = a;
		f->pnlen = n;
		return;
	}
	char p[CPOL_PATH_BUF];
	long len = cpol_path_normalize("/", 1, "/", 1, a, n, p, sizeof p);
	if (len < 0)
		return;
	char *slash = strrchr(p, '/');
	if (!slash[1])
		return;
	*slash = 0;
	const char *dir = slash == p ? "/" : p;
	int sys = 0;
	for (size_t i = 0; i < sizeof sysdirs / sizeof sysdirs[0] && a[0] == '/'; i++)
		sys |= strcmp(dir, sysdirs[i]) == 0;
	for (size_t i = 0; i < f->r->nw && sys; i++)
		if (within(f->r->wroots[i], dir))
			sys = 0;
	/* ./x, bin/x, a shim: never the trusted tool, but still its name for
	 * forbid and prompt rules */
	f->foreign = !sys;
	/* the basename: find it among argv[0]'s own components */
	const char *base = slash + 1;
	size_t bl = strlen(base);
	for (size_t i = 0; i + bl <= n; i++)
		if ((i == 0 || a[i - 1] == '/') && (i + bl == n || a[i + bl] == '/') && memcmp(a + i, base, bl) == 0) {
			f->pname = a + i;
			f->pnlen = bl;
		}
}

/* ---- argument predicates ---- */

/* "--name", "--name=V" and their abbreviations down to "--n", as
 * getopt_long takes them: the offset of V (0 when there is no '='), or -1. */
static long long_value_at(const char *s, size_t n, const char *name, size_t nl)
{
	if (!starts(s, n, "--", 2) || nl < 3)
		return -1;
	const char *eq = memchr(s, '=', n);
	size_t k = eq ? (size_t)(eq - s) : n;
	if (k < 3 || k > nl || memcmp(s, name, k) != 0)
		return -1;
	return eq ? (long)k + 1 : 0;
}

/* -x inside a cluster of short options (-sSLx): the offset just after x
 * (its glued value, or the end when the value is the next argument), or -1. */
static long short_value_at(const char *s, size_t n, char x)
{
	if (n < 2 || s[0] != '-' || s[1] == '-')
		return -1;
	for (size_t i = 1; i < n; i++)
		if (s[i] == x)
			return (long)i + 1;
	return -1;
}

struct parg {
	int pred;
	const char *s;
	size_t n;
};

/* -abc: a cluster of short options (not --x, not -) */
static int cluster_holds(const char *s, size_t n, char c)
{
	if (n < 2 || s[0] != '-' || s[1] == '-')
		return 0;
	for (size_t i = 1; i < n; i++)
		if (s[i] == c)
			return 1;
	return 0;
}

static int pred_item(const char *it, size_t in, void *arg)
{
	const struct parg *a = arg;
	const char *s = a->s;
	size_t n = a->n;
	switch (a->pred) {
	case CPOL_P_IN:
	case CPOL_P_IS:
		return weq(s, n, it, in);
	case CPOL_P_PREFIX:
		return starts(s, n, it, in);
	case CPOL_P_SUFFIX:
		return n >= in && memcmp(s + n - in, it, in) == 0;
	case CPOL_P_CONTAINS:
		return memmem(s, n, it, in) != NULL;
	case CPOL_P_FLAG:
		return in == 1 && cluster_holds(s, n, it[0]);
	case CPOL_P_SEDCMDS:    /* the VM's sed reader: GNU sed's syntax, not the rule's */
		return in >= 1 && cpol_sed_uses(s, (uint32_t)n, it[in - 1]);
	case CPOL_P_AWKUSES:    /* and its awk reader */
		return cpol_awk_uses(s, (uint32_t)n, it, (uint32_t)in);
	case CPOL_P_OPTION:
		if (weq(s, n, it, in))
			return 1;
		if (in > 2 && it[0] == '-' && it[1] == '-')    /* --name[=V], abbreviated too */
			return long_value_at(s, n, it, in) >= 0;
		if (in == 2 && it[0] == '-' && it[1] != '-')   /* -x: -xVALUE, or -ax */
			return (n > 2 && s[0] == '-' && s[1] == it[1]) || cluster_holds(s, n, it[1]);
		/* name=VALUE */
		return n > in && starts(s, n, it, in) && s[in] == '=';
	}
	return 0;
}

static int pred(const cpol_cond *c, const struct word *w)
{
	struct parg a = { c->pred, w->s, w->n };
	return list_any(&c->list, pred_item, &a);
}

/* ---- intents ---- */

/* sure: a literal word that is a target whatever the unknown words become */
/* A write root itself, or all of it (ROOT/STAR)? */
static int whole_root(const struct ref *r, const char *s, size_t n)
{
	char p[CPOL_PATH_BUF];
	if (n >= 1 && s[n - 1] == '*' && (n == 1 || s[n - 2] == '/'))
		n--;
	if (cpol_path_normalize(r->cwd, strlen(r->cwd), r->home, strlen(r->home), n ? s : ".", n ? n : 1, p,
	                        sizeof p) < 0)
		return 0;
	for (size_t i = 0; i < r->nw; i++)
		if (!strcmp(r->wroots[i], p))
			return 1;
	return 0;
}

static void target(struct frame *f, const char *s, size_t n, int sure)
{
	f->nwrite++;
	if (whole_root(f->r, s, n) && !f->nroot++)
		f->firstroot = s;
	if (!inside(f->r, s, n)) {
		if (!f->noutside)
			f->firstout = s;
		f->noutside++;
		if (sure)
			f->nsureout++;
	}
}

static int is_opt(const struct word *w)
{
	return w->n > 0 && w->s[0] == '-';
}

static void write_targets(struct frame *f, const cpol_target *t)
{
	const struct word *v = f->argv;
	size_t argc = f->argc;
	if (t->kind == CPOL_T_CWD) {
		target(f, ".", 1, 1);   /* writes into the working folder itself */
		return;
	}
	if (t->kind == CPOL_T_LAST || t->kind == CPOL_T_OPERANDS) {
		/* operands: not options, "-" alone is none, all after "--" */
		size_t nop = 0;
		const struct word *last = NULL;
		int ddash = 0, anyunk = 0;
		for (size_t i = 1; i < argc; i++)
			anyunk |= v[i].unk != 0;
		for (size_t i = 1; i < argc; i++) {
			/* an unknown word before this one may vanish, become
			 * several words, or be "--" */
			int before = 0;
			for (size_t k = 1; k < i; k++)
				before |= v[k].unk != 0;
			if (!ddash && weq(v[i].s, v[i].n, "--", 2)) {
				ddash = 1;
				continue;
			}
			if (v[i].n == 0 || (!ddash && is_opt(&v[i])))
				continue;
			nop++;
			last = &v[i];
			if (t->kind == CPOL_T_OPERANDS && nop >= t->from)
				target(f, v[i].s, v[i].n, !v[i].unk && (!before || (t->from <= 1 && v[i].s[0] != '-')));
		}
		/* the last operand is sure when it is literal and the last word,
		 * or when no word is unknown */
		if (t->kind == CPOL_T_LAST && last)
			target(f, last->s, last->n, !last->unk && (last == &v[argc - 1] || !anyunk));
		return;
	}
	int before = 0; /* an unknown word before v[i] */
	for (size_t i = 1; i < argc; before |= v[i].unk != 0, i++) {
		const char *s = v[i].s;
		size_t n = v[i].n;
		if (t->kind == CPOL_T_VALUE) {
			if (starts(s, n, t->text, t->len))
				target(f, s + t->len, n - t->len, !before && !v[i].unk);
			continue;
		}
		/* after "-o": -o FILE, -oFILE, -sSLo FILE; after "--output":
		 * --output FILE, --output=FILE, --out=FILE; after "name": name=FILE */
		long at = -1;
		if (weq(s, n, t->text, t->len))
			at = 0;
		else if (t->len == 2 && t->text[0] == '-' && t->text[1] != '-')
			at = short_value_at(s, n, t->text[1]);
		else if (t->len > 2 && t->text[0] == '-' && t->text[1] == '-')
			at = long_value_at(s, n, t->text, t->len);
		else if (n > t->len && starts(s, n, t->text, t->len) && s[t->len] == '=')
			at = (long)t->len + 1;
		if (at > 0 && (size_t)at < n)
			target(f, s + at, n - (size_t)at, !before && !v[i].unk);   /* the value glued on */
		else if (at >= 0 && i + 1 < argc)
			target(f, v[i + 1].s, v[i + 1].n, !before && !v[i].unk && !v[i + 1].unk); /* the next argument */
	}
}

static int cond(struct frame *f, const cpol_cond *c);

static int name_is(const char *s, size_t n, void *arg)
{
	const struct frame *f = arg;
	return weq(f->pname, f->pnlen, s, n);
}

static void intents(struct frame *f)
{
	if (f->intents)
		return;
	f->intents = 1;
	const struct cpol_model *m = f->r->m;
	for (uint32_t i = 0; i < m->nintents && f->pname && !f->foreign && !f->argv[0].unk; i++) {
		const cpol_stmt *s = m->intents[i];
		if (!list_any(&s->u.intent.programs, name_is, f))
			continue;
		if (s->u.intent.when && !cond(f, s->u.intent.when))
			continue;
		if (s->u.intent.kind == CPOL_INTENT_NETWORK)
			f->net = 1;
		else
			for (const cpol_target *t = s->u.intent.targets; t; t = t->next)
				write_targets(f, t);
	}
	for (size_t i = 1; i < f->argc; i++) {
		const char *h;
		size_t hl;
		if (cpol_url_host(f->argv[i].s, f->argv[i].n, &h, &hl))
			f->net = 1;
	}
	for (size_t k = 0; k < f->nredir; k++)
		if (f->redir[k].kind == CPOL_REDIR_WRITE || f->redir[k].kind == CPOL_REDIR_APPEND)
			target(f, f->redir[k].target, f->redir[k].target_len, 1);
}

/* ---- conditions ---- */

static int in_joined(const char *s, size_t n, void *arg)
{
	const struct frame *f = arg;
	return memmem(f->joined, f->jlen, s, n) != NULL;
}

static int cmp(int op, size_t a, uint32_t b)
{
	switch (op) {
	case CPOL_CMP_EQ: return a == b;
	case CPOL_CMP_NE: return a != b;
	case CPOL_CMP_LT: return a < b;
	case CPOL_CMP_LE: return a <= b;
	case CPOL_CMP_GT: return a > b;
	case CPOL_CMP_GE: return a >= b;
	}
	return 0;
}

/* `options only`: a second reading of getopt_long, written apart from the
 * VM's. The listed options are collected first: short letters with or
 * without a value, long names with none, a required or an optional one. */
struct optlist {
	char shorts[256];          /* 0 unlisted, 1 flag, 2 takes a value, 3 an optional one */
	char srepl[256];           /* the letter is a replace option (xargs -I) */
	int digits;                /* -# listed */
	struct { const char *s; size_t n; int val, repl; } longs[512]; /* val: 0 none, 1 required, 2 optional */
	size_t nlong;
	int marking;               /* collecting a wrapper's `replace` list */
};

/* What a wrapper's replace options said (the last one counts). */
struct repl_seen {
	int given;                 /* one was read */
	int later;                 /* another option came after the last one */
	const char *s;             /* its text, NULL when not literal */
	size_t n;
};

static void seen_option(struct repl_seen *rs, int is_repl, const char *s, size_t n)
{
	if (!rs)
		return;
	if (!is_repl) {
		rs->later |= rs->given;
		return;
	}
	rs->given = 1;
	rs->later = 0;
	rs->s = s;
	rs->n = n;
}

static int collect_opt(const char *s, size_t n, void *arg)
{
	struct optlist *o = arg;
	if (n >= 3 && s[0] == '-' && s[1] == '-') {
		if (o->nlong == sizeof o->longs / sizeof o->longs[0])
			abort();
		int val = 0;
		if (n > 5 && strcmp(s + n - 3, "[=]") == 0) {
			val = 2;
			n -= 3;
		} else if (s[n - 1] == '=') {
			val = 1;
			n -= 1;
		}
		for (size_t k = 0; k < o->nlong; k++)
			if (o->longs[k].val == val && weq(o->longs[k].s, o->longs[k].n, s + 2, n - 2))
				return 0; /* the same member twice is one option */
		o->longs[o->nlong].s = s + 2;
		o->longs[o->nlong].n = n - 2;
		o->longs[o->nlong].repl = o->marking;
		o->longs[o->nlong++].val = val;
	} else if (n == 2 && s[1] == '#') {
		o->digits = 1;
	} else if (n >= 2) {
		/* listed twice: a flag beats a value, a required value an optional one */
		char k = n == 5 ? 3 : n == 3 ? 2 : 1, *at = &o->shorts[(unsigned char)s[1]];
		if (!*at || k < *at)
			*at = k;
		if (o->marking)
			o->srepl[(unsigned char)s[1]] = 1;
	}
	return 0;
}

/* A glob alone that starts with a literal byte other than '-': only names
 * starting with that byte come of it, operands all. */
static int glob_operands(const struct word *w)
{
	return w->unk == CPOL_WORD_GLOB && w->n > 0 && w->s[0] != '-' && !strchr("*?[{\\+@!(", w->s[0]);
}

/* 1: every option is listed; 0: one is not; 2: an unknown word decides.
 * `stop`: options end at the first operand, and *end is the first word
 * after them (a wrapper's command). l may be NULL: no options at all. */
static int opt_walk(const struct word *argv, size_t argc, const cpol_list *l, int stop, int lit, size_t *end,
                    const cpol_list *rl, struct repl_seen *rs)
{
	static const char braces[] = "{}"; /* -i, --replace without a value */
	struct optlist *o = calloc(1, sizeof *o);
	if (!o)
		abort();
	if (l)
		list_any(l, collect_opt, o);
	if (rl) {
		o->marking = 1;
		list_any(rl, collect_opt, o);
	} else {
		rs = NULL;
	}
	int ok = 1;
	size_t i;
	for (i = 1; i < argc && ok == 1; i++) {
		const char *w = argv[i].s;
		size_t n = argv[i].n;
		if (argv[i].unk && !lit && (stop || !glob_operands(&argv[i]))) {
			ok = 2;
			break;
		}
		if (weq(w, n, "--", 2)) {
			i++;
			break;
		}
		if (n < 2 || w[0] != '-') {
			if (stop)
				break;
			continue;
		}
		if (w[1] != '-') {
			for (size_t j = 1; j < n && ok; j++) {
				unsigned char ch = (unsigned char)w[j];
				if (ch >= '0' && ch <= '9' && o->digits && !o->shorts[ch]) {
					seen_option(rs, 0, NULL, 0);
					continue;
				}
				if (!o->shorts[ch] || (ch >= '0' && ch <= '9' && o->shorts[ch] == 0)) {
					ok = 0;
				} else if (o->shorts[ch] >= 2) {
					if (j + 1 < n) { /* glued: the rest of the word */
						seen_option(rs, o->srepl[ch], w + j + 1, n - j - 1);
					} else if (o->shorts[ch] == 3) {
						seen_option(rs, o->srepl[ch], braces, 2);
					} else if (++i < argc) {
						if (!lit && (argv[i].unk & (CPOL_WORD_EXPAND | CPOL_WORD_GLOB)))
							ok = 2;
						seen_option(rs, o->srepl[ch], argv[i].unk ? NULL : argv[i].s, argv[i].n);
					} else {
						seen_option(rs, o->srepl[ch], NULL, 0);
					}
					break;
				} else {
					seen_option(rs, o->srepl[ch], NULL, 0);
				}
			}
			continue;
		}
		const char *eq = memchr(w, '=', n);
		size_t nl = (eq ? (size_t)(eq - w) : n) - 2;
		size_t hits = 0, exact = 0;
		int val = 0, repl = 0;
		for (size_t k = 0; k < o->nlong; k++) {
			if (o->longs[k].n < nl || memcmp(o->longs[k].s, w + 2, nl) != 0)
				continue;
			val = o->longs[k].val;
			repl = o->longs[k].repl;
			if (o->longs[k].n == nl) {
				exact = 1;
				break;
			}
			hits++;
		}
		if (!exact && hits != 1) {
			ok = 0;
		} else if (eq && val == 0) {
			ok = 0;
		} else if (eq) {
			seen_option(rs, repl, eq + 1, (size_t)(w + n - eq - 1));
		} else if (val == 1) {
			if (++i < argc) {
				if (!lit && (argv[i].unk & (CPOL_WORD_EXPAND | CPOL_WORD_GLOB)))
					ok = 2;
				seen_option(rs, repl, argv[i].unk ? NULL : argv[i].s, argv[i].n);
			} else {
				seen_option(rs, repl, NULL, 0);
			}
		} else {
			seen_option(rs, repl, val == 2 ? braces : NULL, val == 2 ? 2 : 0);
		}
	}
	free(o);
	*end = i > argc ? argc : i;
	return ok;
}

static int options_listed(const struct frame *f, const cpol_list *l, int lit)
{
	size_t end;
	return opt_walk(f->argv, f->argc, l, 0, lit, &end, NULL, NULL);
}

static int values3(const struct frame *f, const cpol_cond *c);

static int cond(struct frame *f, const cpol_cond *c)
{
	switch (c->kind) {
	case CPOL_C_AND: return cond(f, c->a) && cond(f, c->b);
	case CPOL_C_OR: return cond(f, c->a) || cond(f, c->b);
	case CPOL_C_NOT: return !cond(f, c->a);
	case CPOL_C_TRUE: return 1;
	case CPOL_C_PROGRAM: return f->pname && f->see && list_any(&c->list, name_is, f);
	case CPOL_C_OPTIONS: return options_listed(f, &c->list, 1);
	case CPOL_C_ARG: return c->num < f->argc && pred(c, &f->argv[c->num]);
	case CPOL_C_ANYARG:
	case CPOL_C_NOARG: {
		int any = 0;
		for (size_t i = 1; i < f->argc && !any; i++)
			any = pred(c, &f->argv[i]);
		return c->kind == CPOL_C_ANYARG ? any : !any;
	}
	case CPOL_C_ARGC: return cmp(c->op, f->argc, c->num);
	case CPOL_C_ANYVAL: return values3(f, c) == 1; /* YES; rules with one are judged by cond3 */
	case CPOL_C_NOVAL: return values3(f, c) == 0;  /* NO */
	case CPOL_C_SUBSTRING: return list_any(&c->list, in_joined, f);
	case CPOL_C_WRITES:
		intents(f);
		if (c->op == CPOL_W_ANY)
			return f->nwrite > 0;
		if (c->op == CPOL_W_OUTSIDE)
			return f->noutside > 0;
		if (c->op == CPOL_W_ROOT)
			return f->nroot > 0;
		return f->nwrite > 0 && f->noutside == 0;
	case CPOL_C_NETWORK:
		intents(f);
		return f->net;
	}
	return 0;
}

/* ---- three-valued conditions (some words are not literal) ---- */

enum { NO = 0, YES = 1, MAYBE = 2 };

static int unknown(const struct frame *f, size_t i)
{
	return f->anyunk && (i >= f->spread || f->argv[i].unk);
}

/* a literal word, or a glob alone: rules that name it mean it as written */
static int as_written(const struct frame *f, size_t i)
{
	return !(f->argv[i].unk & ~CPOL_WORD_GLOB);
}

/* A glob alone becomes only words that begin with its text up to the first
 * pattern character. */
static size_t literal_lead(const struct word *w)
{
	if (w->unk != CPOL_WORD_GLOB)
		return 0;
	size_t i = 0;
	while (i < w->n && !strchr("*?[{\\+@!(", w->s[i]) && w->s[i])
		i++;
	return i;
}

struct lead {
	int pred;
	const char *s;
	size_t n;
};

/* could a word beginning with the lead satisfy item it? */
static int lead_may(const char *it, size_t in, void *arg)
{
	const struct lead *l = arg;
	switch (l->pred) {
	case CPOL_P_IN:
	case CPOL_P_IS:
		return in >= l->n && memcmp(it, l->s, l->n) == 0;
	case CPOL_P_PREFIX:
		return memcmp(it, l->s, in < l->n ? in : l->n) == 0;
	case CPOL_P_OPTION:
		return in == 0 || it[0] == l->s[0];
	default:
		return 1;
	}
}

/* Does the predicate fail for every word the glob w may become? */
static int never_by_lead(const cpol_cond *c, const struct word *w)
{
	struct lead l = { c->pred, w->s, literal_lead(w) };
	if (l.n == 0 || c->pred == CPOL_P_CONTAINS || c->pred == CPOL_P_SUFFIX || c->pred == CPOL_P_SEDCMDS ||
	    c->pred == CPOL_P_AWKUSES)
		return 0;
	if (c->pred == CPOL_P_FLAG)
		return w->s[0] != '-';
	return !list_any(&c->list, lead_may, &l);
}

static int and3(int a, int b) { return a == NO || b == NO ? NO : a == YES && b == YES ? YES : MAYBE; }
static int or3(int a, int b) { return a == YES || b == YES ? YES : a == NO && b == NO ? NO : MAYBE; }
static int not3(int a) { return a == MAYBE ? MAYBE : !a; }

/* Does argc (cmp op) n hold for every, no, or some count in [lo, hi]? */
static int cmp3(int op, size_t lo, size_t hi, uint32_t n)
{
	int all = 1, none = 1;
	/* the counts that matter: the ends and the neighbours of n */
	size_t probe[] = { lo, hi, n ? n - 1 : 0, n, (size_t)n + 1 };
	for (size_t k = 0; k < sizeof probe / sizeof probe[0]; k++) {
		if (probe[k] < lo || probe[k] > hi)
			continue;
		if (cmp(op, probe[k], n))
			none = 0;
		else
			all = 0;
	}
	return all ? YES : none ? NO : MAYBE;
}

static int ptr_unknown(const struct frame *f, const char *p)
{
	for (size_t k = 0; p && k < f->argc; k++)
		if (p >= f->argv[k].s && p <= f->argv[k].s + f->argv[k].n)
			return unknown(f, k);
	return 0;
}

static int firstout_unknown(const struct frame *f)
{
	return ptr_unknown(f, f->firstout);
}

/* Does the program have an intent of this kind (-1: of any kind)? */
static int has_intents(struct frame *f, int kind)
{
	const struct cpol_model *m = f->r->m;
	for (uint32_t i = 0; i < m->nintents && f->pname && !f->foreign; i++)
		if ((kind < 0 || (int)m->intents[i]->u.intent.kind == kind) &&
		    list_any(&m->intents[i]->u.intent.programs, name_is, f))
			return 1;
	return 0;
}

/* A condition of only writes-outside and network tests, joined by and/or:
 * what the sandbox of a confined profile without network refuses itself. */
static int kernel_refuses(const cpol_cond *c)
{
	switch (c->kind) {
	case CPOL_C_AND:
	case CPOL_C_OR: return kernel_refuses(c->a) && kernel_refuses(c->b);
	case CPOL_C_NETWORK: return 1;
	case CPOL_C_WRITES: return c->op == CPOL_W_OUTSIDE;
	default: return 0;
	}
}

/* `any value of SEL options LIST PRED`, from the manual: the command read
 * with LIST as all of its options (getopt_long, options after operands
 * too, up to `--`); YES when a value of a selected option, read for
 * certain, satisfies PRED; MAYBE when none does but the reading stops
 * being certain (an unknown word where an option may stand or as a
 * separate value that may vanish, an option LIST does not hold, the
 * program an expansion) or a selected value is an unknown word; else NO.
 * Written apart from vm/options.c. */
struct selname {
	const char *s;
	size_t n;
	int hit;
};

static int sel_is(const char *it, size_t in, void *arg)
{
	struct selname *q = arg;
	return weq(it, in, q->s, q->n);
}

static int selected(const cpol_cond *c, const char *name, size_t n)
{
	struct selname q = { name, n, 0 };
	return list_any(&c->sel, sel_is, &q);
}

/* one value: YES, MAYBE (an unknown word) or NO */
static int value3(const cpol_cond *c, const struct word *w, size_t off)
{
	if (c->op == 1)
		return YES; /* no predicate: the option is given */
	if (w->unk)
		return MAYBE;
	struct word v = { w->s + off, w->n - off, 0 };
	return pred(c, &v) ? YES : NO;
}

static int values3(const struct frame *f, const cpol_cond *c)
{
	if (f->spread == 0 && f->argc > 0)
		return MAYBE;
	struct optlist *o = calloc(1, sizeof *o);
	if (!o)
		abort();
	list_any(&c->opts, collect_opt, o);
	int res = NO, stop = 0;
	for (size_t i = 1; i < f->argc && !stop && res != YES; i++) {
		const struct word *a = &f->argv[i];
		if (a->unk && !glob_operands(a)) {
			stop = 1;
			break;
		}
		if (weq(a->s, a->n, "--", 2))
			break;
		if (a->n < 2 || a->s[0] != '-')
			continue;
		if (a->s[1] != '-') {
			for (size_t j = 1; j < a->n; j++) {
				unsigned char ch = (unsigned char)a->s[j];
				if (ch >= '0' && ch <= '9' && o->digits && !o->shorts[ch])
					continue;
				if (!o->shorts[ch]) {
					stop = 1;
					break;
				}
				if (o->shorts[ch] == 1)
					continue;
				char nm[2] = { '-', (char)ch };
				int sel = selected(c, nm, 2);
				if (j + 1 < a->n) {
					if (sel)
						res = or3(res, value3(c, a, j + 1));
				} else if (o->shorts[ch] == 2 && i + 1 < f->argc) {
					i++;
					if (f->argv[i].unk & (CPOL_WORD_EXPAND | CPOL_WORD_GLOB))
						stop = 1;
					else if (sel)
						res = or3(res, value3(c, &f->argv[i], 0));
				}
				break;
			}
			continue;
		}
		const char *eq = memchr(a->s, '=', a->n);
		size_t nl = (eq ? (size_t)(eq - a->s) : a->n) - 2;
		size_t hits = 0, which = 0;
		int exact = 0;
		for (size_t k = 0; k < o->nlong && !exact; k++) {
			if (o->longs[k].n < nl || memcmp(o->longs[k].s, a->s + 2, nl) != 0)
				continue;
			exact = o->longs[k].n == nl;
			hits = exact ? 1 : hits + 1;
			which = k;
		}
		if (hits != 1 || (eq && o->longs[which].val == 0)) {
			stop = 1;
			break;
		}
		char nm[600];
		int sel = o->longs[which].n + 2 < sizeof nm;
		if (sel) {
			nm[0] = nm[1] = '-';
			memcpy(nm + 2, o->longs[which].s, o->longs[which].n);
			sel = selected(c, nm, o->longs[which].n + 2);
		}
		if (eq) {
			if (sel)
				res = or3(res, value3(c, a, (size_t)(eq - a->s) + 1));
		} else if (o->longs[which].val == 1 && i + 1 < f->argc) {
			i++;
			if (f->argv[i].unk & (CPOL_WORD_EXPAND | CPOL_WORD_GLOB))
				stop = 1;
			else if (sel)
				res = or3(res, value3(c, &f->argv[i], 0));
		}
	}
	free(o);
	return res == YES ? YES : stop ? MAYBE : res;
}

static int has_values(const cpol_cond *c)
{
	if (!c)
		return 0;
	if (c->kind == CPOL_C_ANYVAL || c->kind == CPOL_C_NOVAL)
		return 1;
	return (c->kind == CPOL_C_AND || c->kind == CPOL_C_OR || c->kind == CPOL_C_NOT) &&
	       (has_values(c->a) || has_values(c->b));
}

static int cond3(struct frame *f, const cpol_cond *c)
{
	switch (c->kind) {
	case CPOL_C_AND: return and3(cond3(f, c->a), cond3(f, c->b));
	case CPOL_C_OR: return or3(cond3(f, c->a), cond3(f, c->b));
	case CPOL_C_NOT: return not3(cond3(f, c->a));
	case CPOL_C_PROGRAM:
		return unknown(f, 0) ? MAYBE : cond(f, c);
	case CPOL_C_ARG:
		if (c->num < f->argc)
			return !unknown(f, c->num) ? pred(c, &f->argv[c->num])
			       : c->num <= f->spread && as_written(f, c->num) && pred(c, &f->argv[c->num]) ? YES
			       : c->num <= f->spread && never_by_lead(c, &f->argv[c->num])                   ? NO
			                                                                                     : MAYBE;
		return f->spread < f->argc ? MAYBE : NO;
	case CPOL_C_ANYARG:
	case CPOL_C_NOARG: {
		int any = NO;
		for (size_t i = 1; i < f->argc && any != YES; i++)
			any = or3(any, !unknown(f, i) ? pred(c, &f->argv[i])
			               : as_written(f, i) && pred(c, &f->argv[i]) ? YES
			               : never_by_lead(c, &f->argv[i])               ? NO
			                                                             : MAYBE);
		/* `$X` as the program: its expansion may make arguments too */
		if (any == NO && f->spread == 0 && f->argc > 0)
			any = MAYBE;
		return c->kind == CPOL_C_ANYARG ? any : not3(any);
	}
	case CPOL_C_ARGC: {
		size_t lo = 0;
		for (size_t i = 0; i < f->argc; i++)
			lo += !(f->argv[i].unk & CPOL_WORD_EXPAND);
		return cmp3(c->op, lo, f->spread < f->argc ? (size_t)-1 : f->argc, c->num);
	}
	case CPOL_C_SUBSTRING: {
		/* the text as written: runs of literal words, joined; an unknown
		 * word adds no text */
		int hit = NO;
		for (size_t k = 0; k < f->argc && hit == NO;) {
			size_t e = k;
			while (e < f->argc && !f->argv[e].unk)
				e++;
			if (e > k) {
				struct frame g = *f;
				g.joined = malloc(f->jlen + 1);
				if (!g.joined)
					abort();
				g.jlen = 0;
				for (size_t i = k; i < e; i++) {
					if (i > k)
						g.joined[g.jlen++] = ' ';
					memcpy(g.joined + g.jlen, f->argv[i].s, f->argv[i].n);
					g.jlen += f->argv[i].n;
				}
				hit = list_any(&c->list, in_joined, &g) ? YES : NO;
				free(g.joined);
			}
			k = e + 1;
		}
		return hit;
	}
	case CPOL_C_WRITES:
	case CPOL_C_NETWORK: {
		int lit = cond(f, c);
		int sure = (c->kind == CPOL_C_NETWORK && lit) ||
		           (c->kind == CPOL_C_WRITES && lit &&
		            (c->op == CPOL_W_ROOT ? !ptr_unknown(f, f->firstroot)
		                                  : c->op != CPOL_W_INSIDE && (!firstout_unknown(f) || f->nsureout > 0)));
		/* an unknown word can only make a guard of the program's own
		 * intents hold: without a network intent, NETWORK is literal */
		/* (a literal command is here only for an `any value of` beside) */
		return sure || !f->anyunk || !has_intents(f, c->kind == CPOL_C_NETWORK ? CPOL_INTENT_NETWORK : -1) ? lit
		                                                                                                   : MAYBE;
	}
	case CPOL_C_OPTIONS:
		return options_listed(f, &c->list, 0);
	case CPOL_C_ANYVAL:
		return values3(f, c);
	case CPOL_C_NOVAL:
		return not3(values3(f, c));
	default:
		return cond(f, c);
	}
}

/* ---- judging ---- */

static const struct ref_verdict PROMPT_BUILTIN = { CPOL_PROMPT, -1 };

static struct ref_verdict judge(struct ref *r, int depth, size_t argc, const struct word *argv,
                                const struct cpol_shell_redir *redir, size_t nredir, int *matched);

static void at_least_prompt(struct ref_verdict *v)
{
	if (v->dec < CPOL_PROMPT)
		*v = PROMPT_BUILTIN;
}

static void keep_stricter(struct ref_verdict *best, int *have, struct ref_verdict v)
{
	if (!*have || v.dec > best->dec)
		*best = v;
	*have = 1;
}

/* One simple command of a script, run by a shell of `dialect`; *rebound:
 * an earlier command (or this one) may have changed what a bare name runs. */
static size_t strspn_n(const char *s, size_t n, const char *set)
{
	size_t i = 0;
	while (i < n && s[i] && strchr(set, s[i]))
		i++;
	return i;
}

static size_t strcspn_n(const char *s, size_t n, const char *set)
{
	size_t i = 0;
	while (i < n && !(s[i] && strchr(set, s[i])))
		i++;
	return i;
}

/* Text in which a value is run as code or a name is rebound: arithmetic,
 * ${!x}, ${x@P}, ${x=v}, ${x:N}, ${a[i]}, NAME () and (( )). */
static int risky_text(const char *t, size_t n)
{
	static const char names[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
	for (size_t i = 0; i < n; i++) {
		if (t[i] == '(') {
			size_t j = i + 1 + strspn_n(t + i + 1, n - i - 1, " \t");
			if (j < n && (t[j] == '(' || t[j] == ')'))
				return 1;
		}
		if (t[i] != '$' || i + 1 == n)
			continue;
		if (t[i + 1] == '[')
			return 1;
		if (t[i + 1] != '{')
			continue;
		size_t j = i + 2;
		if (j + 1 < n && t[j] == '#' && t[j + 1] != '}')
			j++;
		if (j < n) {
			size_t k = strspn_n(t + j, n - j, names);
			if (k)
				j += k;
			else if (strchr("@*?$-#", t[j]) && t[j])
				j++;
			else
				return 1;
		}
		if (j < n && t[j] == '[') {
			if (!(j + 2 < n && (t[j + 1] == '@' || t[j + 1] == '*') && t[j + 2] == ']'))
				return 1;
			j += 3;
		}
		if (j >= n || t[j] == '}')
			continue;
		if (t[j] == ':' && j + 1 < n && strchr("-?+", t[j + 1]) && t[j + 1])
			continue;
		if (!strchr("-?+#%/^,", t[j]) || !t[j])
			return 1;
	}
	return 0;
}

/* PATH=$PATH:/a (or ${PATH}): only absolute folders with no expansion or
 * glob, none inside the writable roots or the working folder, put after
 * what PATH was (where the shell expands it: expanded); or PATH=/a:/b
 * with system folders only. Written apart from the VM's version, from the
 * rule. */
static int path_append(const struct ref *r, const char *w, size_t n, int expanded)
{
	size_t h = 0;
	int only_sys = 0;
	if (expanded && n > 11 && memcmp(w, "PATH=$PATH:", 11) == 0)
		h = 11;
	else if (expanded && n > 13 && memcmp(w, "PATH=${PATH}:", 13) == 0)
		h = 13;
	else if (n > 5 && memcmp(w, "PATH=", 5) == 0)
		h = 5, only_sys = 1;
	if (!h || w[n - 1] == ':')
		return 0;
	for (size_t i = h; i < n;) {
		size_t j = i;
		while (j < n && w[j] != ':')
			j++;
		if (j == i || w[i] != '/')
			return 0;
		for (size_t k = i; k < j; k++)
			if (!isalnum((unsigned char)w[k]) && !strchr("._,:/=+@%^-", w[k]))
				return 0;
		char p[CPOL_PATH_BUF];
		if (inside(r, w + i, j - i) ||
		    cpol_path_normalize(r->cwd, strlen(r->cwd), r->home, strlen(r->home), w + i, j - i, p, sizeof p) < 0 ||
		    within(r->cwd, p))
			return 0;
		int sys = 0;
		for (size_t k = 0; k < sizeof sysdirs / sizeof sysdirs[0]; k++)
			sys |= strcmp(p, sysdirs[k]) == 0;
		if (only_sys && !sys)
			return 0;
		i = j + 1;
	}
	return 1;
}

/* Each assignment's value is one word of plain bytes, or a PATH append. */
static int plain_assignments(const struct ref *r, const struct cpol_shell_cmd *c)
{
	for (uint32_t k = 0; k < c->nassign; k++) {
		const char *a = c->assign[k], *eq = memchr(a, '=', c->alens[k]);
		if (path_append(r, a, c->alens[k], 1))
			continue;
		if (!eq)
			return 0;
		for (const char *q = eq + 1; q < a + c->alens[k]; q++)
			if (!isalnum((unsigned char)*q) && !strchr("._,:/=+@%^-", *q))
				return 0;
	}
	return 1;
}

static int sets_plainly(const struct cpol_shell_cmd *c, size_t skip);

static struct ref_verdict command(struct ref *r, int depth, int dialect, uint32_t relaxed,
                                  const struct cpol_shell_cmd *c, int *rebound)
{
	struct ref_verdict v = { CPOL_ALLOW, -1 };
	size_t skip = 0;
	while (skip < c->argc && weq(c->argv[skip], c->lens[skip], "exec", 4)) {
		skip++;          /* exec [-cl] [-a NAME] CMD is CMD */
		while (skip < c->argc && c->lens[skip] >= 2 && c->argv[skip][0] == '-') {
			int dd = weq(c->argv[skip], c->lens[skip], "--", 2);
			skip += weq(c->argv[skip], c->lens[skip], "-a", 2) ? 2 : 1;
			if (dd)
				break;
		}
	}
	if (skip > c->argc)
		skip = c->argc;
	int rb = 0, unknowable = 0;
	uint32_t at;
	for (uint32_t k = 0; k < c->nassign; k++)
		if (!path_append(r, c->assign[k], c->alens[k], 1))
			unknowable |= cpol_assign_check(c->assign[k], c->alens[k], &rb) != NULL;
	*rebound |= rb;
	if (!unknowable) {
		unknowable = cpol_builtin_unknowable(c, (uint32_t)skip, dialect, &at, &rb) != NULL;
		if (unknowable && rb && at + 1 == c->argc && path_append(r, c->argv[at], c->lens[at], c->wflags && c->wflags[at]))
			unknowable = rb = 0;
		*rebound |= rb;
	}
	if (unknowable && !rb && relaxed && sets_plainly(c, skip))
		unknowable = 0;
	if (relaxed && plain_assignments(r, c))
		relaxed |= CPOL_SH_ASSIGN;
	struct word *w = malloc((c->argc + 1) * sizeof *w);
	if (!w)
		abort();
	for (size_t i = skip; i < c->argc; i++)
		w[i - skip] = (struct word){ c->argv[i], c->lens[i], c->wflags ? c->wflags[i] : 0 };
	size_t argc = c->argc - skip;
	if (argc == 0) {
		/* nothing runs, but redirections to files still write */
		int writes = 0, matched = 0;
		for (size_t k = 0; k < c->nredir; k++)
			writes |= c->redir[k].kind == CPOL_REDIR_WRITE || c->redir[k].kind == CPOL_REDIR_APPEND;
		struct ref_verdict x = judge(r, depth, 0, w, c->redir, c->nredir, &matched);
		if (writes && matched)
			v = x;
	} else {
		int matched;
		v = judge(r, depth, argc, w, c->redir, c->nredir, &matched);
		if (*rebound && v.dec == CPOL_ALLOW && v.index >= 0 && !memchr(w[0].s, '/', w[0].n) &&
		    !cpol_builtin_is(w[0].s, (uint32_t)w[0].n, dialect))
			v = PROMPT_BUILTIN;
	}
	free(w);
	if (unknowable)
		at_least_prompt(&v);   /* judged by the rules, never allowed */
	if (c->nassign && (relaxed & CPOL_SH_ASSIGN) && v.index >= 0)
		at_least_prompt(&v);   /* a rule saw the program, not what a variable makes it run */
	if (c->flags & ~relaxed)
		at_least_prompt(&v);
	if (relaxed && skip < c->argc) {
		int rr = 0;
		if (c->wflags && c->wflags[skip])
			at_least_prompt(&v);           /* the program itself */
		if (skip + 1 < c->argc &&
		    (weq(c->argv[skip], c->lens[skip], "for", 3) || weq(c->argv[skip], c->lens[skip], "select", 6)) &&
		    (cpol_assign_check(c->argv[skip + 1], c->lens[skip + 1], &rr) || rr ||
		     (c->wflags && c->wflags[skip + 1]))) {
			*rebound |= rr;
			at_least_prompt(&v);
		}
	}
	/* a target an expansion names: confined by the kernel, unseen by a rule */
	for (size_t k = 0; relaxed && v.dec == CPOL_ALLOW && v.index >= 0 && k < c->nredir; k++)
		if ((c->redir[k].kind == CPOL_REDIR_WRITE || c->redir[k].kind == CPOL_REDIR_APPEND) &&
		    strcspn_n(c->redir[k].target, c->redir[k].target_len, "$`*?[{") < c->redir[k].target_len)
			at_least_prompt(&v);
	for (size_t k = 0; k < c->nredir; k++)
		if ((c->redir[k].kind == CPOL_REDIR_WRITE || c->redir[k].kind == CPOL_REDIR_APPEND) &&
		    !inside(r, c->redir[k].target, c->redir[k].target_len))
			at_least_prompt(&v);
	return v;
}

struct split {
	struct cpol_shell_out o;
	uint32_t subst_off[CPOL_SH_SUBSTS], subst_len[CPOL_SH_SUBSTS];
	struct cpol_shell_cmd *cmds;
	const char **words;
	uint32_t *lens;
	uint8_t *wflags;
	struct cpol_shell_redir *redirs;
	char *buf;
};

/* Split with the same capacities as the runtime, so both run out alike. */
static uint32_t split(struct split *s, const char *text, size_t len, int dialect)
{
	s->cmds = malloc(CPOL_SH_CMDS * sizeof *s->cmds);
	s->words = malloc(CPOL_SH_WORDS * sizeof *s->words);
	s->lens = malloc(CPOL_SH_WORDS * sizeof *s->lens);
	s->wflags = malloc(CPOL_SH_WORDS * sizeof *s->wflags);
	s->redirs = malloc(CPOL_SH_REDIRS * sizeof *s->redirs);
	s->buf = malloc(CPOL_SH_BUF);
	if (!s->cmds || !s->words || !s->lens || !s->wflags || !s->redirs || !s->buf)
		abort();
	s->o = (struct cpol_shell_out){
		.cmds = s->cmds, .maxcmds = CPOL_SH_CMDS, .words = s->words, .maxwords = CPOL_SH_WORDS,
		.wordlens = s->lens, .wordflags = s->wflags, .redirs = s->redirs, .maxredirs = CPOL_SH_REDIRS, .buf = s->buf,
		.bufcap = CPOL_SH_BUF, .subst_off = s->subst_off, .subst_len = s->subst_len, .maxsubst = CPOL_SH_SUBSTS,
	};
	return cpol_shell_split_as(text, len, dialect, &s->o);
}

static void split_free(struct split *s)
{
	free(s->cmds);
	free(s->words);
	free(s->lens);
	free(s->wflags);
	free(s->redirs);
	free(s->buf);
}

static const char line_sh[] = "sh";

/* ---- `echo ls | sh`: the text a literal echo or printf pipes into a shell ---- */

/* The escapes that bash's printf and dash's echo and printf all read the
 * same way; -1: any other, which is not known for certain. */
static int esc_byte(char c)
{
	switch (c) {
	case '\\': return '\\';
	case 'a': return 7;
	case 'b': return 8;
	case 'f': return 12;
	case 'n': return 10;
	case 'r': return 13;
	case 't': return 9;
	case 'v': return 11;
	default: return -1;
	}
}

static int all_literal(const struct cpol_shell_cmd *c)
{
	if (c->flags || c->nassign || c->tilde || c->argc == 0)
		return 0;
	for (uint32_t i = 0; i < c->argc; i++)
		if ((c->wflags && c->wflags[i]) || memchr(c->argv[i], 0, c->lens[i]))
			return 0;
	return 1;
}

/* Decode s[0..n) into out at *o: escapes when esc, else no backslash may
 * appear; `pct`: a format, where only %% is known. 0: not certain. */
static int decode(const char *s, size_t n, int esc, int pct, char *out, size_t *o)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && pct) {
			if (i + 1 == n || s[i + 1] != '%')
				return 0;
			out[(*o)++] = '%';
			i++;
		} else if (s[i] == '\\') {
			int b = esc && i + 1 < n ? esc_byte(s[i + 1]) : -1;
			if (b < 0)
				return 0;
			out[(*o)++] = (char)b;
			i++;
		} else {
			out[(*o)++] = s[i];
		}
	}
	return 1;
}

/* What the literal command c prints under the dialect (bash, dash), in a
 * malloc'd buffer; NULL when that is not known for certain. */
static char *printed(const struct cpol_shell_cmd *c, int dialect, size_t *n)
{
	if (!all_literal(c) || c->nredir || (dialect != CPOL_SHELL_BASH && dialect != CPOL_SHELL_POSIX))
		return NULL;
	size_t total = 2;
	for (uint32_t i = 0; i < c->argc; i++)
		total += c->lens[i] + 1;
	char *out = malloc(total);
	if (!out)
		abort();
	size_t o = 0;
	int ok = 1;
	if (weq(c->argv[0], c->lens[0], "printf", 6)) {
		ok = c->argc == 2 && !(c->lens[1] > 0 && c->argv[1][0] == '-') &&
		     decode(c->argv[1], c->lens[1], 1, 1, out, &o);
	} else if (weq(c->argv[0], c->lens[0], "echo", 4)) {
		size_t first = 1;
		int nl = 1;
		if (dialect == CPOL_SHELL_POSIX) {
			if (c->argc >= 2 && weq(c->argv[1], c->lens[1], "-n", 2)) {
				first = 2;
				nl = 0;
			}
		} else {
			while (first < c->argc && c->lens[first] > 1 && c->argv[first][0] == '-' &&
			       strspn_n(c->argv[first] + 1, c->lens[first] - 1, "neE") == c->lens[first] - 1) {
				if (strcspn_n(c->argv[first], c->lens[first], "n") < c->lens[first])
					nl = 0;
				first++;
			}
		}
		for (size_t i = first; i < c->argc && ok; i++) {
			if (i > first)
				out[o++] = ' ';
			ok = decode(c->argv[i], c->lens[i], dialect == CPOL_SHELL_POSIX, 0, out, &o);
		}
		if (nl)
			out[o++] = '\n';
	} else {
		ok = 0;
	}
	for (size_t i = 0; i < o && ok; i++)
		ok = out[i] != 0;
	if (!ok) {
		free(out);
		return NULL;
	}
	*n = o;
	return out;
}

/* c is sh, dash or bash (a name, or in /bin, /usr/bin) reading its
 * commands from the pipe: only -s -e -u -x after it, nothing flagged, its
 * descriptor 0 left alone. */
static int reads_pipe(const struct cpol_shell_cmd *c)
{
	static const char *const shells[] = { "sh", "dash", "bash" };
	if (!all_literal(c))
		return 0;
	const char *b = c->argv[0];
	size_t bn = c->lens[0];
	if (bn > 9 && memcmp(b, "/usr/bin/", 9) == 0) {
		b += 9;
		bn -= 9;
	} else if (bn > 5 && memcmp(b, "/bin/", 5) == 0) {
		b += 5;
		bn -= 5;
	}
	int known = 0;
	for (size_t k = 0; k < 3; k++)
		known |= weq(b, bn, shells[k], strlen(shells[k]));
	if (!known)
		return 0;
	for (uint32_t i = 1; i < c->argc; i++)
		if (!weq(c->argv[i], c->lens[i], "-s", 2) && !weq(c->argv[i], c->lens[i], "-e", 2) &&
		    !weq(c->argv[i], c->lens[i], "-u", 2) && !weq(c->argv[i], c->lens[i], "-x", 2))
			return 0;
	for (uint32_t k = 0; k < c->nredir; k++)
		if (c->redir[k].fd == 0 || c->redir[k].fd == 255 || c->redir[k].kind == CPOL_REDIR_HEREDOC ||
		    c->redir[k].kind == CPOL_REDIR_HERESTRING)
			return 0;
	return 1;
}

static int sets_risky(const struct ref *r, const struct cpol_shell_cmd *c);

static struct ref_verdict script(struct ref *r, int depth, const struct word *shell, const struct word *text)
{
	if (depth > CPOL_MAX_DEPTH)
		return PROMPT_BUILTIN;
	/* read the way the shell running it does; `sh` is dash, but the `sh`
	 * of a command line (ref_eval_line) reads it as bash, like agents' tools */
	int dialect = shell->s == line_sh ? CPOL_SHELL_BASH
	            : cpol_shell_dialect_of(shell->s, (uint32_t)shell->n, CPOL_SHELL_POSIX);
	if (dialect == CPOL_SHELL_UNKNOWN)
		return PROMPT_BUILTIN;
	struct split s;
	uint32_t n = split(&s, text->s, text->n, dialect);
	struct ref_verdict best = { CPOL_ALLOW, -1 };
	if (s.o.flags & CPOL_SH_TOOBIG) {
		split_free(&s);
		return PROMPT_BUILTIN;
	}
	/* `cd DIR` moves the folder the later commands run in (and only
	 * theirs: the script's caller keeps its own) */
	/* no network in the sandbox: arguments the shell decides and control
	 * structures run confined, in bash and dash, unless the text runs
	 * values as code */
	uint32_t relaxed = r->m->def_confined && r->m->net == CPOL_NET_NONE &&
	                   (dialect == CPOL_SHELL_BASH || dialect == CPOL_SHELL_POSIX) && !risky_text(text->s, text->n)
	                   ? (CPOL_SH_EXPAND | CPOL_SH_CONTROL) : 0;
	/* every $(...), <(...) and >(...) listed and no cd, pushd or popd
	 * (bash) in the script: what the substitutions print, or the path
	 * they are read through, is one more unknown word, and a job put in
	 * the background runs as itself */
	int moved = 0;
	for (uint32_t k = 0; k < n; k++) {
		const struct cpol_shell_cmd *c = &s.cmds[k];
		moved |= c->argc >= 1 && (weq(c->argv[0], c->lens[0], "cd", 2) ||
		                          (dialect != CPOL_SHELL_POSIX && (weq(c->argv[0], c->lens[0], "pushd", 5) ||
		                                                           weq(c->argv[0], c->lens[0], "popd", 4))));
	}
	if (relaxed && s.o.subst_other == 0 && !moved)
		relaxed |= CPOL_SH_SUBST | CPOL_SH_PROCSUBST | CPOL_SH_BACKGROUND;
	char saved[CPOL_PATH_BUF];
	memcpy(saved, r->cwd, sizeof saved);
	int have = 0, lost = 0, unsure = 0, rebound = 0, envset = 0;
	size_t used = s.o.buflen;   /* piped texts go after the words */
	uint32_t plain = relaxed ? CPOL_SH_ASSIGN : 0;
	for (uint32_t k = 0; k < n; k++) {
		const struct cpol_shell_cmd *c = &s.cmds[k];
		if (!plain_assignments(r, &s.cmds[k]))
			plain = 0;
		char *said = NULL;
		size_t tn = 0;
		if (k > 0 && s.cmds[k - 1].piped && !rebound && reads_pipe(c) &&
		    (said = printed(&s.cmds[k - 1], dialect, &tn)) != NULL &&
		    (used + 1 >= CPOL_SH_BUF || used + tn + 1 > CPOL_SH_BUF)) {
			free(said);  /* no room left after the words, as in the runtime */
			said = NULL;
		}
		struct ref_verdict v;
		if (said) {
			/* judged as `sh -c TEXT`; a text of several lines also as
			 * the shell reading standard input (a command may eat the rest) */
			const char *av[3] = { c->argv[0], "-c", said };
			uint32_t al[3] = { c->lens[0], 2, (uint32_t)tn };
			static const uint8_t none[3];
			struct cpol_shell_cmd as_c = *c;
			as_c.argc = 3;
			as_c.argv = av;
			as_c.lens = al;
			as_c.wflags = none;
			v = command(r, depth, dialect, relaxed, &as_c, &rebound);
			const char *nl = memchr(said, '\n', tn);
			if (nl && (size_t)(nl - said) + 1 < tn) {
				int one = 1;
				keep_stricter(&v, &one, command(r, depth, dialect, relaxed, c, &rebound));
			}
			used += tn + 1;
			free(said);
		} else {
			v = command(r, depth, dialect, relaxed, c, &rebound);
		}
		/* after GIT_EXTERNAL_DIFF=x, export PAGER, read LD_PRELOAD, ...
		 * a rule's allow no longer knows what its program runs */
		if (envset && v.dec == CPOL_ALLOW && v.index >= 0)
			at_least_prompt(&v);
		envset |= sets_risky(r, c);
		if (lost)
			at_least_prompt(&v);   /* after cd - or cd ~user: where are we? */
		if (unsure && v.dec == CPOL_ALLOW && v.index >= 0)
			at_least_prompt(&v);   /* after cd $D a rule saw paths elsewhere */
		keep_stricter(&best, &have, v);
		if (c->argc >= 1 && weq(c->argv[0], c->lens[0], "cd", 2)) {
			const char *to = r->home;
			size_t tl = strlen(r->home);
			if (c->argc == 2) {
				to = c->argv[1];
				tl = c->lens[1];
			}
			char p[CPOL_PATH_BUF];
			if (c->argc == 2 && !weq(to, tl, "-", 1) && c->wflags && c->wflags[1])
				unsure |= v.dec == CPOL_ALLOW && v.index >= 0; /* a rule let it pass */
			else if (c->argc > 2 || weq(to, tl, "-", 1) ||
			    cpol_path_normalize(r->cwd, strlen(r->cwd), r->home, strlen(r->home), to, tl, p, sizeof p) < 0)
				lost = 1;
			else
				memcpy(r->cwd, p, strlen(p) + 1);
		}
		if (c->argc >= 1 && (weq(c->argv[0], c->lens[0], "pushd", 5) || weq(c->argv[0], c->lens[0], "popd", 4)) &&
		    dialect != CPOL_SHELL_POSIX)
			lost = 1;
	}
	memcpy(r->cwd, saved, sizeof saved);
	if (s.o.flags & ~(relaxed | plain))
		at_least_prompt(&best);
	/* each listed body, as a script of its own */
	for (uint32_t k = 0; k < s.o.nsubst; k++) {
		struct word body = { text->s + s.subst_off[k], s.subst_len[k], 0 };
		struct ref_verdict v = script(r, depth + 1, shell, &body);
		if (rebound || envset)
			at_least_prompt(&v);
		keep_stricter(&best, &have, v);
	}
	split_free(&s);
	return best;
}

/* ---- wrappers ---- */

static const cpol_stmt *wrapper_of(const struct frame *f)
{
	const struct cpol_model *m = f->r->m;
	if (f->argc && f->argv[0].unk)
		return NULL; /* a program word of unknown text names no program */
	for (uint32_t i = 0; i < m->nwrappers; i++)
		if (list_any(&m->wrappers[i]->u.wrapper.programs, name_is, (void *)f))
			return m->wrappers[i];
	return NULL;
}

static int in_list(const cpol_list *l, const struct word *w)
{
	struct frame f = { .pname = w->s, .pnlen = w->n, .see = 1 };
	return list_any(l, name_is, &f);
}

/* environment names that change what a command runs or loads */
static int risky(const char *s, size_t n)
{
	static const char *const exact[] = {
		"PATH", "HOME", "XDG_CONFIG_HOME", "BASH_ENV", "ENV", "SHELLOPTS", "BASHOPTS", "PS4", "IFS",
		"CDPATH", "GCONV_PATH", "NODE_OPTIONS", "NODE_PATH", "PERL5OPT", "PERL5LIB", "RUBYOPT",
		"RUBYLIB", "PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME", "JAVA_TOOL_OPTIONS", "EDITOR",
		"VISUAL", "PAGER", "LESSOPEN", "SSH_ASKPASS", "SUDO_ASKPASS", "TAR_OPTIONS", "LESSCLOSE",
		"MANPAGER", "MANOPT", "SYSTEMD_PAGER", "BROWSER", "PROMPT_COMMAND",
	};
	for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++)
		if (weq(s, n, exact[i], strlen(exact[i])))
			return 1;
	return starts(s, n, "LD_", 3) || starts(s, n, "GIT_", 4) || starts(s, n, "BASH_FUNC_", 10) ||
	       starts(s, n, "DYLD_", 5);
}

/* the name a word starts with: letters, digits (not first) and _ */
static size_t name_prefix(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == '_' || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
	                 (i && s[i] >= '0' && s[i] <= '9')))
		i++;
	return i;
}

/* c assigns, exports or names (NAME, NAME=..., NAME+=...) a risky name */
static int sets_risky(const struct ref *r, const struct cpol_shell_cmd *c)
{
	for (uint32_t k = 0; k < c->nassign; k++)
		if (risky(c->assign[k], name_prefix(c->assign[k], c->alens[k])) &&
		    !path_append(r, c->assign[k], c->alens[k], 1))
			return 1;
	for (uint32_t k = 1; k < c->argc; k++) {
		size_t nl = name_prefix(c->argv[k], c->lens[k]);
		if (nl && (nl == c->lens[k] || c->argv[k][nl] == '=' || c->argv[k][nl] == '+') &&
		    risky(c->argv[k], nl) && !path_append(r, c->argv[k], c->lens[k], c->wflags && c->wflags[k]))
			return 1;
	}
	return 0;
}

/* export/declare/local/readonly/typeset with no option, each word after it
 * NAME or NAME=plain value as written, no risky name: only sets variables */
static int sets_plainly(const struct cpol_shell_cmd *c, size_t skip)
{
	static const char *const decl[] = { "export", "declare", "local", "readonly", "typeset" };
	int is_decl = 0;
	for (size_t i = 0; skip < c->argc && i < sizeof decl / sizeof decl[0]; i++)
		is_decl |= weq(c->argv[skip], c->lens[skip], decl[i], strlen(decl[i]));
	if (!is_decl || skip + 1 >= c->argc)
		return 0;
	for (size_t k = skip + 1; k < c->argc; k++) {
		const char *a = c->argv[k];
		size_t n = c->lens[k], nl = name_prefix(a, n);
		if ((c->wflags && c->wflags[k]) || nl == 0 || (nl < n && a[nl] != '=') || risky(a, nl))
			return 0;
		for (size_t q = nl; q < n; q++)
			if (!isalnum((unsigned char)a[q]) && !strchr("._,:/=+@%^-", a[q]))
				return 0;
	}
	return 1;
}

static size_t name_len(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == '_' || (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
	                 (i && s[i] >= '0' && s[i] <= '9')))
		i++;
	return i && i < n && s[i] == '=' ? i : 0;
}

static struct ref_verdict inner(struct ref *r, const struct frame *f, size_t argc, const struct word *argv)
{
	int matched;
	if (f->depth + 1 > CPOL_MAX_DEPTH)
		return PROMPT_BUILTIN;
	return judge(r, f->depth + 1, argc, argv, f->redir, f->nredir, &matched);
}

/* GNU find puts a found path in place of {}, and each found path starts
 * with the text of the start point it was found under. Writes to out the
 * text all start points share (cut before any pattern character, and at
 * cap bytes) and returns its length; 0 when the start points are not
 * known for sure. Start points: the words before the first marker, after
 * -H/-P, -D with its value, -O plus digits, and an ending "--", up to a
 * word of two or more bytes starting with '-', or "(" or "!"; with none,
 * find starts at ".". -L and -follow (links followed everywhere) and
 * -files0-from (start points read from a file) make them unknown. */
static size_t shared_start(const cpol_stmt *w, const struct word *av, size_t ac, char *out, size_t cap)
{
	size_t stop = 1, i = 1;
	for (size_t j = 1; j < ac; j++)
		if (weq(av[j].s, av[j].n, "-files0-from", 12) || weq(av[j].s, av[j].n, "-follow", 7))
			return 0;
	while (stop < ac && !in_list(&w->u.wrapper.after, &av[stop]))
		stop++;
	for (size_t j = 1; j < stop; j++)
		if (av[j].unk)
			return 0;
	while (i < stop) {
		const char *s = av[i].s;
		size_t n = av[i].n;
		if (weq(s, n, "-L", 2))
			return 0;
		if (weq(s, n, "-H", 2) || weq(s, n, "-P", 2)) {
			i++;
			continue;
		}
		if (weq(s, n, "-D", 2)) {
			if (i + 2 > stop)
				return 0; /* the marker would be -D's value */
			i += 2;
			continue;
		}
		size_t digits = 2;
		while (digits < n && s[digits] >= '0' && s[digits] <= '9')
			digits++;
		if (n > 2 && starts(s, n, "-O", 2) && digits == n) {
			i++;
			continue;
		}
		if (weq(s, n, "--", 2))
			i++;
		break;
	}
	const char *text = ".";
	size_t len = 1;
	for (int first = 1; i < stop; i++, first = 0) {
		const struct word *a = &av[i];
		if ((a->n >= 2 && a->s[0] == '-') || weq(a->s, a->n, "(", 1) || weq(a->s, a->n, "!", 1))
			break;
		if (first) {
			text = a->s;
			len = a->n;
		} else {
			size_t c = 0;
			while (c < len && c < a->n && text[c] == a->s[c])
				c++;
			len = c;
		}
	}
	size_t keep = 0;
	while (keep < len && keep < cap && text[keep] && !strchr("*?[{\\+@!(", text[keep]))
		keep++;
	memcpy(out, text, keep);
	return keep;
}

/* What a wrapper runs, judged: 1 with *out, or 0 when it cannot be found. */
static int wrapped(struct ref *r, const struct frame *f, struct ref_verdict *out)
{
	const cpol_stmt *w = wrapper_of(f);
	if (!w)
		return 0;
	const struct word *av = f->argv;
	size_t ac = f->argc;
	if (w->u.wrapper.has_command) {
		if (ac > 128)
			return 0;
		struct word rest[128], cmd[128];
		size_t nrest = 0;
		int have = 0, found = 0;
		struct ref_verdict best = { CPOL_ALLOW, -1 };
		char below[256];
		size_t nbelow = shared_start(w, av, ac, below, 255);
		below[nbelow++] = '*';
		for (size_t k = 0; k < ac;) {
			if (k && av[k].unk) {
				*out = PROMPT_BUILTIN;
				return 1;
			}
			if (!k || !in_list(&w->u.wrapper.after, &av[k])) {
				rest[nrest++] = av[k++];
				continue;
			}
			size_t e = k + 1;
			while (e < ac && !in_list(&w->u.wrapper.until, &av[e]))
				e++;
			if (e >= ac || e == k + 1)
				return 0;
			/* -execdir and -okdir give {} as ./NAME in the file's folder */
			int in_dir = weq(av[k].s, av[k].n, "-execdir", 8) || weq(av[k].s, av[k].n, "-okdir", 6);
			for (size_t i = k + 1; i < e; i++) {
				cmd[i - k - 1] = av[i];
				if (!in_dir && nbelow > 1 && !av[i].unk && weq(av[i].s, av[i].n, "{}", 2))
					cmd[i - k - 1] = (struct word){ below, nbelow, CPOL_WORD_GLOB };
				else if (memmem(av[i].s, av[i].n, "{}", 2))
					cmd[i - k - 1].unk |= CPOL_WORD_QEXPAND;
			}
			keep_stricter(&best, &have, inner(r, f, e - k - 1, cmd));
			found = 1;
			k = e + 1;
		}
		if (!found)
			return 0;
		keep_stricter(&best, &have, inner(r, f, nrest, rest));
		*out = best;
		return 1;
	}
	size_t k;
	struct repl_seen rs = { 0, 0, NULL, 0 };
	int res = opt_walk(av, ac, w->u.wrapper.has_options ? &w->u.wrapper.options : NULL, 1, 0, &k,
	                   w->u.wrapper.has_replace ? &w->u.wrapper.replace : NULL, &rs);
	if (res == 0)
		return 0;
	if (res == 2) {
		*out = PROMPT_BUILTIN;
		return 1;
	}
	if (rs.given && (!rs.s || !rs.n))
		return 0; /* xargs -I with no text known to replace: xargs alone */
	int bad = 0;
	if (w->u.wrapper.assignments)
		for (; k < ac; k++) {
			if (av[k].unk) {
				*out = PROMPT_BUILTIN;
				return 1;
			}
			size_t nl = name_len(av[k].s, av[k].n);
			if (!nl)
				break;
			bad |= risky(av[k].s, nl) && !path_append(r, av[k].s, av[k].n, 0);
		}
	for (uint32_t s = 0; s < w->u.wrapper.skip; s++, k++) {
		if (k >= ac)
			return 0;
		if (av[k].unk & (CPOL_WORD_EXPAND | CPOL_WORD_GLOB)) {
			*out = PROMPT_BUILTIN;
			return 1;
		}
	}
	if (k >= ac)
		return 2;       /* no command after the options: runs none */
	if (w->u.wrapper.input) {
		if (ac - k + 1 > 128) {
			*out = PROMPT_BUILTIN;
			return 1;
		}
		struct word cmd[128];
		struct ref_verdict best = { CPOL_ALLOW, -1 };
		int have = 0;
		if (rs.given) {
			/* each input line takes the place of the text in every word
			 * holding it: one word, of any text */
			for (size_t i = k; i < ac; i++) {
				cmd[i - k] = av[i];
				if (av[i].unk || memmem(av[i].s, av[i].n, rs.s, rs.n))
					cmd[i - k].unk |= CPOL_WORD_QEXPAND;
			}
			keep_stricter(&best, &have, inner(r, f, ac - k, cmd));
		}
		if (!rs.given || rs.later) {
			/* the words given, then the input's */
			memcpy(cmd, av + k, (ac - k) * sizeof *cmd);
			cmd[ac - k] = (struct word){ "(standard input)", 16, CPOL_WORD_EXPAND };
			keep_stricter(&best, &have, inner(r, f, ac - k + 1, cmd));
		}
		*out = best;
	} else {
		*out = inner(r, f, ac - k, av + k);
	}
	if (bad)
		at_least_prompt(out);
	return 1;
}

/* Every rule, in source order; the strictest matching one wins, the first
 * among equals; none matching gives the default (*matched = 0). */
/* Is the rule bound to the programs its condition names: does a finite
 * list of programs bound every way the condition can hold (a `program`
 * test, an `and` with one, an `or` of two such)? For a program word of
 * unknown text such a rule names no program it is about: only when nothing
 * else asks does one that might hold, and does not allow, make it ask. */
static int program_bound(const cpol_cond *c)
{
	if (!c)
		return 0;
	switch (c->kind) {
	case CPOL_C_PROGRAM: return 1;
	case CPOL_C_AND: return program_bound(c->a) || program_bound(c->b);
	case CPOL_C_OR: return program_bound(c->a) && program_bound(c->b);
	default: return 0;
	}
}

static struct ref_verdict judge(struct ref *r, int depth, size_t argc, const struct word *argv,
                                const struct cpol_shell_redir *redir, size_t nredir, int *matched)
{
	const struct cpol_model *m = r->m;
	struct frame f = { .r = r, .depth = depth, .argc = argc, .argv = argv, .redir = redir, .nredir = nredir };
	program_name(&f);
	size_t jl = 0;
	for (size_t i = 0; i < argc; i++)
		jl += argv[i].n + 1;
	f.joined = malloc(jl + 1);
	if (!f.joined)
		abort();
	for (size_t i = 0; i < argc; i++) {
		if (i)
			f.joined[f.jlen++] = ' ';
		memcpy(f.joined + f.jlen, argv[i].s, argv[i].n);
		f.jlen += argv[i].n;
	}
	f.spread = argc;
	for (size_t i = 0; i < argc; i++) {
		f.anyunk |= argv[i].unk != 0;
		if ((argv[i].unk & (CPOL_WORD_EXPAND | CPOL_WORD_GLOB)) && f.spread == argc)
			f.spread = i;
	}
	struct ref_verdict best = { m->def, -1 };
	int have = 0, unkprog = argc && argv[0].unk;
	for (uint32_t i = 0; i < m->nrules; i++) {
		const cpol_stmt *s = m->rules[i];
		if (unkprog && program_bound(s->u.rule.when))
			continue;
		f.see = !f.foreign || (s->u.rule.action != CPOL_ACT_SCRIPT && s->u.rule.dec != CPOL_DEC_ALLOW);
		int holds;
		/* an `any value of` may be unsure of a literal command too */
		if (f.anyunk || has_values(s->u.rule.when) || has_values(s->u.rule.unless))
			holds = and3(s->u.rule.when ? cond3(&f, s->u.rule.when) : YES,
			             s->u.rule.unless ? not3(cond3(&f, s->u.rule.unless)) : YES);
		else
			holds = (!s->u.rule.when || cond(&f, s->u.rule.when)) && !(s->u.rule.unless && cond(&f, s->u.rule.unless));
		if (holds == NO)
			continue;
		struct ref_verdict v;
		if (holds == MAYBE) {
			/* an allow that may hold changes nothing; anything else asks */
			if (s->u.rule.action != CPOL_ACT_SCRIPT && s->u.rule.dec == CPOL_DEC_ALLOW)
				continue;
			/* but for a forbid of only what the sandbox refuses anyway,
			 * where it confines writes and has no network (an `unless`
			 * can only keep it from holding) */
			if (s->u.rule.action != CPOL_ACT_SCRIPT && s->u.rule.dec == CPOL_DEC_FORBID && m->def_confined &&
			    m->net == CPOL_NET_NONE && s->u.rule.when && kernel_refuses(s->u.rule.when))
				continue;
			v = PROMPT_BUILTIN;
		} else if (s->u.rule.action == CPOL_ACT_SCRIPT) {
			uint32_t k = s->u.rule.script_arg;
			v = k >= argc ? PROMPT_BUILTIN : f.anyunk && unknown(&f, k) ? PROMPT_BUILTIN : script(r, depth + 1, &argv[0], &argv[k]);
		} else {
			v = (struct ref_verdict){ s->u.rule.dec, (int)i };
		}
		keep_stricter(&best, &have, v);
	}
	for (uint32_t i = 0; unkprog && (!have || best.dec < CPOL_PROMPT) && i < m->nrules; i++) {
		const cpol_stmt *s = m->rules[i];
		if (!program_bound(s->u.rule.when) || (s->u.rule.action != CPOL_ACT_SCRIPT && s->u.rule.dec == CPOL_DEC_ALLOW))
			continue;
		f.see = !f.foreign || (s->u.rule.action != CPOL_ACT_SCRIPT && s->u.rule.dec != CPOL_DEC_ALLOW);
		if (and3(cond3(&f, s->u.rule.when), s->u.rule.unless ? not3(cond3(&f, s->u.rule.unless)) : YES) != NO) {
			keep_stricter(&best, &have, PROMPT_BUILTIN);
			break;
		}
	}
	int unread = 0;
	if (f.pname && !f.foreign && !(have && best.dec == CPOL_FORBID)) {
		struct ref_verdict v;
		int wr = wrapped(r, &f, &v);
		if (wr == 1)
			keep_stricter(&best, &have, v);
		else
			unread = wrapper_of(&f) != NULL && wr == 0;
	}
	if (!have && m->def_confined) {
		/* allowed confined only when seen whole */
		intents(&f);
		uint32_t at;
		int rb = 0;
		struct cpol_shell_cmd c;
		const char *av[64];
		uint32_t lv[64];
		uint8_t fv[64];
		memset(&c, 0, sizeof c);
		c.argc = (uint32_t)(argc < 64 ? argc : 64);
		for (uint32_t i = 0; i < c.argc; i++) {
			av[i] = argv[i].s;
			lv[i] = (uint32_t)argv[i].n;
			fv[i] = (uint8_t)argv[i].unk;
		}
		c.argv = av;
		c.lens = lv;
		c.wflags = fv;
		/* words the shell decides: only where data could leave, or
		 * when the word is the program */
		int unk_asks = f.anyunk && (m->net != CPOL_NET_NONE || (argc && argv[0].unk));
		if ((argc && argv[0].s == line_sh) || unread || unk_asks ||
		    (f.net && m->net != CPOL_NET_NONE) ||
		    (c.argc && cpol_builtin_unknowable(&c, 0, CPOL_SHELL_POSIX, &at, &rb) &&
		     !(m->def_confined && m->net == CPOL_NET_NONE && !rb && sets_plainly(&c, 0))))
			best = PROMPT_BUILTIN;
	}
	free(f.joined);
	*matched = have;
	return best;
}

struct ref_verdict ref_eval(struct ref *r, int argc, const char *const *argv)
{
	size_t n = argc > 0 ? (size_t)argc : 0;
	struct word *w = malloc((n + 1) * sizeof *w);
	if (!w)
		abort();
	for (size_t i = 0; i < n; i++)
		w[i] = (struct word){ argv[i], strlen(argv[i]), 0 };
	int matched;
	struct ref_verdict v = judge(r, 0, n, w, NULL, 0, &matched);
	free(w);
	return v;
}

struct ref_verdict ref_eval_line(struct ref *r, const char *line, size_t len)
{
	struct split s;
	uint32_t n = split(&s, line, len, CPOL_SHELL_BASH);
	struct ref_verdict v;
	int matched, rb;
	uint32_t at;
	int builtin = n == 1 && s.cmds[0].argc > 0 &&
	              (weq(s.cmds[0].argv[0], s.cmds[0].lens[0], "exec", 4) ||
	               cpol_builtin_unknowable(&s.cmds[0], 0, CPOL_SHELL_BASH, &at, &rb));
	if (n == 1 && !builtin && s.o.flags == 0 && s.cmds[0].flags == 0 && s.cmds[0].nredir == 0 && s.cmds[0].argc > 0) {
		/* one simple command (not a shell builtin): its words are the argv */
		const struct cpol_shell_cmd *c = &s.cmds[0];
		struct word *w = malloc(c->argc * sizeof *w);
		if (!w)
			abort();
		for (uint32_t i = 0; i < c->argc; i++)
			w[i] = (struct word){ c->argv[i], c->lens[i], c->wflags ? c->wflags[i] : 0 };
		v = judge(r, 0, c->argc, w, NULL, 0, &matched);
		free(w);
	} else {
		/* anything more is what `sh -c LINE` would run, read as the machine's sh */
		struct word w[3] = { { line_sh, 2, 0 }, { "-c", 2, 0 }, { line, len, 0 } };
		v = judge(r, 0, 3, w, NULL, 0, &matched);
	}
	split_free(&s);
	return v;
}
