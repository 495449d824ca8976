/* audit/redact.c -- sanitisation of audit records: the one redaction table
 * and the two passes that apply it (secrets, then home folder and user
 * name). See redact.h for what each pass does.
 *
 * Every rule is an entry of `rules` below, and every entry has a case in
 * tests/audit/test_redact.c (a test checks that each entry fires at least
 * once). Adding a secret pattern means adding a row here and a case there.
 * Never writes anything unsanitised: on out-of-memory it returns NULL.
 */
#include "audit/redact.h"
#include "audit/jsonl.h"
#include "common/strbuf.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum kind {
	/* Names that say "secret" (option names, variable names, header
	 * names, URL query keys). A name is split into components at '_',
	 * '-', '.' and lower-to-upper case changes (keyStorePassword: KEY,
	 * STORE, PASSWORD), compared without case. */
	K_NAME_SUFFIX, /* a component ends with pat (DBPASSWORD, GITHUB_TOKEN) */
	K_NAME_WORD,   /* a component equals pat; F_NOT_ALONE: not the whole name */
	K_NAME_PAIR,   /* two adjacent components pat, pat2 (API KEY) */
	K_NAME_LAST,   /* the last component equals pat (NPM_CONFIG__AUTH) */
	/* Where a secret name makes the value secret. */
	K_OPT_EQ,      /* --NAME=VALUE or -NAME=VALUE at a word start */
	K_OPT_NEXT,    /* the argument --NAME or -NAME: the next argument */
	K_ENV,         /* NAME=VALUE at a word start */
	K_URL_QUERY,   /* ?NAME=VALUE or &NAME=VALUE */
	K_HEADER,      /* NAME: VALUE */
	K_JSON_FIELD,  /* "NAME": "VALUE" (or with single quotes) */
	/* Secrets recognised by their shape. */
	K_HEADER_AUTH, /* Authorization: SCHEME CREDENTIALS (scheme kept) */
	K_URL_USERINFO,/* scheme://user:PASSWORD@host (user kept) */
	K_PEM,         /* -----BEGIN … PRIVATE KEY----- body -----END … */
	K_TOKEN,       /* pat followed by >= min characters of class cls */
	K_JWT,         /* eyJ….….… */
	K_KEYLIKE,     /* a whole word of >= min [A-Za-z0-9+=] mixing upper and
	                * lower case with >= 2 digits: a key without a known
	                * prefix (lower-case hex, as in commit hashes, stays) */
	/* Program-specific options (argv only). pat: the options,
	 * pat2: the programs (basenames), both space-separated. */
	K_PROG_OPT,
	/* Pass 2. */
	K_HOME,
	K_USER,
};

enum cls { C_NONE, C_UPNUM, C_ALNUM, C_ALNUM_, C_B64URL };

/* flags */
#define F_NOT_ALONE 1u /* K_NAME_WORD: not when it is the only component */
#define F_DIGIT     2u /* K_TOKEN: the token holds a digit (fewer false hits) */
#define F_NEXT      4u /* K_PROG_OPT: the option alone, value in the next argument */
#define F_ATTACHED  8u /* K_PROG_OPT: value attached to a short option: -pVALUE */
#define F_USERPASS 16u /* K_PROG_OPT: the value is user:password, keep the user */
#define F_LOGIN    32u /* K_PROG_OPT: only after a "login" argument */

struct rule {
	const char *name;
	enum kind kind;
	const char *pat, *pat2;
	enum cls cls;
	unsigned char min;
	unsigned flags;
};

#define MYSQLS "mysql mariadb mysqldump mysqladmin mysqlimport mysqlshow mysqlcheck " \
	"mysqlbinlog mysqlslap mysqlpump mariadb-dump mariadb-admin mariadb-import "    \
	"mariadb-show mariadb-check mariadb-binlog mariadb-slap"

/* The rows of the table, one constructor a kind: each names only what its
 * kind reads. */
#define SUFFIX(name, pat)       { name, K_NAME_SUFFIX, pat, NULL, C_NONE, 0, 0 }
#define WORD_F(name, pat, fl)   { name, K_NAME_WORD, pat, NULL, C_NONE, 0, fl }
#define WORD(name, pat)         WORD_F(name, pat, 0)
#define PAIR(name, pat, pat2)   { name, K_NAME_PAIR, pat, pat2, C_NONE, 0, 0 }
#define LAST(name, pat)         { name, K_NAME_LAST, pat, NULL, C_NONE, 0, 0 }
#define KIND(name, kind)        { name, kind, NULL, NULL, C_NONE, 0, 0 }
#define SHAPE(name, kind, pat, cls, min) { name, kind, pat, NULL, cls, min, 0 }
#define TOKEN_F(name, pat, cls, min, fl) { name, K_TOKEN, pat, NULL, cls, min, fl }
#define TOKEN(name, pat, cls, min) TOKEN_F(name, pat, cls, min, 0)
#define PROG_OPT(name, opts, progs, fl) { name, K_PROG_OPT, opts, progs, C_NONE, 0, fl }

/* THE table. Order matters within a kind: the first matching entry wins
 * (longer token prefixes before shorter ones). */
static const struct rule rules[] = {
	/* secret names */
	SUFFIX("name-password", "PASSWORD"),
	SUFFIX("name-passwd", "PASSWD"),
	SUFFIX("name-passphrase", "PASSPHRASE"),
	WORD("name-pass", "PASS"),
	WORD_F("name-pwd", "PWD", F_NOT_ALONE),
	SUFFIX("name-secret", "SECRET"),
	WORD("name-secrets", "SECRETS"),
	SUFFIX("name-token", "TOKEN"),
	SUFFIX("name-credential", "CREDENTIAL"),
	SUFFIX("name-credentials", "CREDENTIALS"),
	WORD("name-creds", "CREDS"),
	SUFFIX("name-apikey", "APIKEY"),
	PAIR("name-api-key", "API", "KEY"),
	SUFFIX("name-accesskey", "ACCESSKEY"),
	PAIR("name-access-key", "ACCESS", "KEY"),
	SUFFIX("name-privatekey", "PRIVATEKEY"),
	PAIR("name-private-key", "PRIVATE", "KEY"),
	PAIR("name-encryption-key", "ENCRYPTION", "KEY"),
	PAIR("name-signing-key", "SIGNING", "KEY"),
	PAIR("name-master-key", "MASTER", "KEY"),
	PAIR("name-account-key", "ACCOUNT", "KEY"),
	SUFFIX("name-signature", "SIGNATURE"),
	WORD("name-sig", "SIG"),
	LAST("name-auth", "AUTH"),
	LAST("name-authorization", "AUTHORIZATION"),
	LAST("name-cookie", "COOKIE"),
	LAST("name-bearer", "BEARER"),

	/* where a secret name hides a value */
	KIND("option-value", K_OPT_EQ),
	KIND("option-next-arg", K_OPT_NEXT),
	KIND("env-assignment", K_ENV),
	KIND("url-query", K_URL_QUERY),
	KIND("header", K_HEADER),
	KIND("json-field", K_JSON_FIELD),

	/* shapes */
	KIND("authorization", K_HEADER_AUTH),
	KIND("url-userinfo", K_URL_USERINFO),
	KIND("private-key-block", K_PEM),
	TOKEN("aws-access-key-id", "AKIA", C_UPNUM, 16),
	TOKEN("aws-temp-access-key-id", "ASIA", C_UPNUM, 16),
	TOKEN("github-pat", "ghp_", C_ALNUM, 20),
	TOKEN("github-oauth", "gho_", C_ALNUM, 20),
	TOKEN("github-user-to-server", "ghu_", C_ALNUM, 20),
	TOKEN("github-server-to-server", "ghs_", C_ALNUM, 20),
	TOKEN("github-refresh", "ghr_", C_ALNUM, 20),
	TOKEN("github-fine-grained", "github_pat_", C_ALNUM_, 20),
	TOKEN("gitlab-pat", "glpat-", C_B64URL, 20),
	TOKEN("slack-bot", "xoxb-", C_B64URL, 10),
	TOKEN("slack-user", "xoxp-", C_B64URL, 10),
	TOKEN("slack-workspace", "xoxa-", C_B64URL, 10),
	TOKEN("slack-app", "xapp-", C_B64URL, 10),
	TOKEN("anthropic", "sk-ant-", C_B64URL, 20),
	TOKEN("openai-project", "sk-proj-", C_B64URL, 20),
	TOKEN_F("openai", "sk-", C_B64URL, 20, F_DIGIT),
	TOKEN("stripe-live", "sk_live_", C_ALNUM, 16),
	TOKEN("stripe-test", "sk_test_", C_ALNUM, 16),
	TOKEN("stripe-restricted", "rk_live_", C_ALNUM, 16),
	TOKEN("google-api-key", "AIza", C_B64URL, 30),
	TOKEN("npm", "npm_", C_ALNUM, 30),
	TOKEN("huggingface", "hf_", C_ALNUM, 30),
	TOKEN("pypi", "pypi-AgEIcHlwaS5vcmc", C_B64URL, 16),
	TOKEN("vault", "hvs.", C_B64URL, 20),
	TOKEN("vault-batch", "hvb.", C_B64URL, 20),
	SHAPE("jwt", K_JWT, "eyJ", C_B64URL, 10),
	SHAPE("key-like", K_KEYLIKE, NULL, C_NONE, 32),

	/* program-specific options */
	PROG_OPT("mysql-p", "-p", MYSQLS, F_ATTACHED),
	PROG_OPT("sshpass-p", "-p", "sshpass", F_NEXT | F_ATTACHED),
	PROG_OPT("registry-login-p", "-p", "docker podman nerdctl buildah skopeo helm",
	         F_NEXT | F_ATTACHED | F_LOGIN),
	PROG_OPT("redis-cli-a", "-a", "redis-cli", F_NEXT | F_ATTACHED),
	PROG_OPT("curl-user", "-u --user -U --proxy-user", "curl", F_NEXT | F_ATTACHED | F_USERPASS),
	PROG_OPT("httpie-auth", "-a --auth", "http https httpie", F_NEXT | F_ATTACHED | F_USERPASS),

	/* pass 2 */
	KIND("home", K_HOME),
	KIND("user", K_USER),
};

#define NRULES (sizeof rules / sizeof rules[0])
_Static_assert(NRULES <= CPOL_REDACT_MAX_RULES, "too many redaction rules for the hit set");

size_t cpol_redact_nrules(void) { return NRULES; }

const char *cpol_redact_rule_name(size_t i) { return i < NRULES ? rules[i].name : NULL; }

int cpol_redact_rule_index(const char *name)
{
	for (size_t i = 0; i < NRULES; i++)
		if (strcmp(rules[i].name, name) == 0)
			return (int)i;
	return -1;
}

int cpol_redact_hit(const struct cpol_redact_hits *h, size_t i)
{
	return i < NRULES && (h->bits[i / 64] >> (i % 64)) & 1;
}

static void hit(struct cpol_redact_hits *h, size_t i)
{
	if (h)
		h->bits[i / 64] |= (uint64_t)1 << (i % 64);
}

static size_t rule_of(enum kind k)
{
	for (size_t i = 0; i < NRULES; i++)
		if (rules[i].kind == k)
			return i;
	return 0; /* not reached: every kind has an entry */
}

void cpol_redact_who_init(struct cpol_redact_who *w, const char *user, const char *home)
{
	w->user = user && *user ? user : NULL;
	w->user_len = w->user ? strlen(user) : 0;
	w->home = NULL;
	w->home_len = 0;
	if (home && home[0] == '/') {
		size_t n = strlen(home);
		while (n > 1 && home[n - 1] == '/')
			n--;
		if (n > 1) {
			w->home = home;
			w->home_len = n;
		}
	}
}

/* ---- growing output ---- */

static void put_redacted(struct cpol_strbuf *o) { cpol_sb_add(o, CPOL_REDACTED, sizeof CPOL_REDACTED - 1); }

/* ---- character classes ---- */

static int is_alpha(int c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
static int is_digit(int c) { return c >= '0' && c <= '9'; }
static int is_alnum(int c) { return is_alpha(c) || is_digit(c); }
static int is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(int c) { return c >= 'a' && c <= 'z'; }
static int is_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
static int is_quote(int c) { return c == '"' || c == '\''; }
/* characters of a name: option, variable, header, query key */
static int is_namec(int c) { return is_alnum(c) || c == '_' || c == '-' || c == '.'; }

static int in_cls(int c, enum cls k)
{
	switch (k) {
	case C_UPNUM: return is_upper(c) || is_digit(c);
	case C_ALNUM: return is_alnum(c);
	case C_ALNUM_: return is_alnum(c) || c == '_';
	case C_B64URL: return is_alnum(c) || c == '_' || c == '-';
	case C_NONE: break;
	}
	return 0;
}

/* Where a shell word may start: after these characters (or at 0). */
static int is_word_sep(int c)
{
	return is_space(c) || c == ';' || c == '&' || c == '|' || c == '(' || c == '`' ||
	       c == '"' || c == '\'' || c == '=' || c == ',' || c == '{';
}

/* Where an unquoted value ends. */
static int ends_value(int c)
{
	return is_space(c) || c == ';' || c == '&' || c == '|' || c == ')' || c == '`' ||
	       c == '"' || c == '\'' || c == '<' || c == '>';
}

/* ---- secret names ---- */

#define MAXCOMP 32

static int comp_eq(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && strncasecmp(s, w, n) == 0;
}

static int comp_ends(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);
	return n >= k && strncasecmp(s + n - k, w, k) == 0;
}

/* Does the name s[0..n) say secret? Marks the name rule that decided. */
static int secret_name(const char *s, size_t n, struct cpol_redact_hits *h)
{
	size_t st[MAXCOMP], ln[MAXCOMP], nc = 0, i = 0;
	if (n < 3) /* the shortest word is three letters */
		return 0;
	while (i < n && nc < MAXCOMP) {
		while (i < n && (s[i] == '_' || s[i] == '-' || s[i] == '.'))
			i++;
		if (i >= n)
			break;
		size_t b = i++;
		while (i < n && s[i] != '_' && s[i] != '-' && s[i] != '.' &&
		       !(is_upper(s[i]) && is_lower(s[i - 1])))
			i++;
		st[nc] = b;
		ln[nc++] = i - b;
	}
	for (size_t r = 0; r < NRULES; r++) {
		const struct rule *ru = &rules[r];
		for (size_t c = 0; c < nc; c++) {
			const char *cs = s + st[c];
			int m = 0;
			switch (ru->kind) {
			case K_NAME_SUFFIX: m = comp_ends(cs, ln[c], ru->pat); break;
			case K_NAME_WORD:
				m = comp_eq(cs, ln[c], ru->pat) && !(ru->flags & F_NOT_ALONE && nc == 1);
				break;
			case K_NAME_PAIR:
				m = c + 1 < nc && comp_eq(cs, ln[c], ru->pat) &&
				    comp_eq(s + st[c + 1], ln[c + 1], ru->pat2);
				break;
			case K_NAME_LAST: m = c + 1 == nc && comp_eq(cs, ln[c], ru->pat); break;
			default: break;
			}
			if (m) {
				hit(h, r);
				return 1;
			}
		}
	}
	return 0;
}

static void merge(struct cpol_redact_hits *h, const struct cpol_redact_hits *t)
{
	if (h)
		for (size_t k = 0; k < CPOL_REDACT_MAX_RULES / 64; k++)
			h->bits[k] |= t->bits[k];
}

/* ---- pass 1: text rules ---- */

static void pass1(const char *s, size_t n, struct cpol_strbuf *o, struct cpol_redact_hits *h);

/* The extent [*vs, *ve) of the value that starts at v, for a match that
 * started at m: inside its quotes when the value is quoted; else the rest
 * of the line when the match opens the string (an argument such as
 * "TOKEN=a b" that a shell has already unquoted); up to the closing quote
 * when the match follows a quote; else one shell word. */
static void value_extent(const char *s, size_t n, size_t m, size_t v, size_t *vs, size_t *ve)
{
	size_t e = v;
	int in_quotes = m > 0 && is_quote(s[m - 1]);
	if (v < n && is_quote(s[v]) && !in_quotes) {
		char q = s[v++];
		e = v;
		while (e < n && s[e] != q)
			e++;
	} else if (m == 0) {
		while (e < n && s[e] != '\n')
			e++;
	} else if (in_quotes) {
		while (e < n && s[e] != s[m - 1] && s[e] != '\n')
			e++;
	} else {
		while (e < n && !ends_value((unsigned char)s[e]))
			e++;
	}
	*vs = v;
	*ve = e;
}

/* Values that a secret name may carry without being secret: flags such as
 * PasswordAuthentication=no. Kept, so that the log stays readable. */
static int harmless_value(const char *v, size_t n)
{
	static const char *const words[] = { "yes", "no", "true", "false", "on", "off" };
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (comp_eq(v, n, words[i]))
			return 1;
	return 0;
}

/* Emit s[from..vs), then [REDACTED] for [vs, ve) when it is not empty;
 * returns where to go on (ve). */
static size_t emit_redact(struct cpol_strbuf *o, const char *s, size_t from, size_t vs, size_t ve,
                          struct cpol_redact_hits *h, size_t rule)
{
	cpol_sb_add(o, s + from, vs - from);
	if (ve > vs) {
		put_redacted(o);
		hit(h, rule);
	}
	return ve;
}

/* -----BEGIN X PRIVATE KEY----- … -----END X PRIVATE KEY----- */
static size_t try_pem(const char *s, size_t n, size_t i, struct cpol_strbuf *o,
                      struct cpol_redact_hits *h)
{
	static const char begin[] = "-----BEGIN ", end[] = "-----END ";
	if (n - i < sizeof begin - 1 || memcmp(s + i, begin, sizeof begin - 1) != 0)
		return 0;
	size_t l = i + sizeof begin - 1, e = l;
	while (e < n && e - l < 64 && (is_upper(s[e]) || is_digit(s[e]) || s[e] == ' '))
		e++;
	if (n - e < 5 || memcmp(s + e, "-----", 5) != 0)
		return 0;
	const char *label = s + l;
	size_t ll = e - l;
	int priv = 0;
	for (size_t k = 0; k + 11 <= ll; k++)
		if (memcmp(label + k, "PRIVATE KEY", 11) == 0)
			priv = 1;
	if (!priv)
		return 0;
	size_t body = e + 5;
	cpol_sb_add(o, s + i, body - i);
	put_redacted(o);
	hit(h, rule_of(K_PEM));
	for (size_t k = body; k + sizeof end - 1 + ll + 5 <= n; k++) {
		if (s[k] == '-' && memcmp(s + k, end, sizeof end - 1) == 0 &&
		    memcmp(s + k + sizeof end - 1, label, ll) == 0 &&
		    memcmp(s + k + sizeof end - 1 + ll, "-----", 5) == 0) {
			size_t stop = k + sizeof end - 1 + ll + 5;
			cpol_sb_add(o, s + k, stop - k);
			return stop;
		}
	}
	return n; /* no END line: everything after BEGIN is hidden */
}

/* NAME: VALUE at a word start: Authorization (scheme kept) or a secret
 * name. */
static size_t try_header(const char *s, size_t n, size_t i, struct cpol_strbuf *o,
                         struct cpol_redact_hits *h)
{
	/* (curl's -H glued to its header: -HAuthorization:…) */
	int glued = i == 2 && s[0] == '-' && s[1] == 'H';
	if (!is_alpha(s[i]) ||
	    (i > 0 && !glued && (is_alnum(s[i - 1]) || s[i - 1] == '_' || s[i - 1] == '-')))
		return 0;
	size_t e = i;
	while (e < n && (is_alnum(s[e]) || s[e] == '_' || s[e] == '-'))
		e++;
	if (e >= n || s[e] != ':')
		return 0;
	int auth = comp_eq(s + i, e - i, "authorization") ||
	           comp_eq(s + i, e - i, "proxy-authorization");
	size_t v = e + 1;
	while (v < n && (s[v] == ' ' || s[v] == '\t'))
		v++;
	if (!auth) {
		/* "Name-Name:value" without a space is a header too
		 * (X-Vault-Token:…) when the name says secret; a one-word name
		 * is not (URLs, URNs such as urn:token:…) */
		if (v == e + 1 && !memchr(s + i, '-', e - i))
			return 0;
		struct cpol_redact_hits tmp = { { 0 } };
		if (!secret_name(s + i, e - i, &tmp))
			return 0;
		size_t vs, ve;
		value_extent(s, n, i, v, &vs, &ve);
		if (ve == vs || harmless_value(s + vs, ve - vs))
			return 0;
		merge(h, &tmp);
		return emit_redact(o, s, i, vs, ve, h, rule_of(K_HEADER));
	}
	/* Authorization: keep a scheme word followed by a space. */
	size_t sch = v;
	while (sch < n && (is_alnum(s[sch]) || s[sch] == '-' || s[sch] == '_'))
		sch++;
	size_t c = sch;
	if (sch > v && is_alpha(s[v]) && c < n && s[c] == ' ') {
		while (c < n && s[c] == ' ')
			c++;
		v = c;
	}
	size_t vs, ve;
	value_extent(s, n, i, v, &vs, &ve);
	if (ve == vs)
		return 0;
	return emit_redact(o, s, i, vs, ve, h, rule_of(K_HEADER_AUTH));
}

/* scheme://user:PASSWORD@host: at the "://". */
static size_t try_userinfo(const char *s, size_t n, size_t i, struct cpol_strbuf *o,
                           struct cpol_redact_hits *h)
{
	if (i == 0 || !is_alnum(s[i - 1]) || n - i < 3 || memcmp(s + i, "://", 3) != 0)
		return 0;
	size_t a = i + 3, e = a, at = 0, colon = 0;
	int have_at = 0;
	while (e < n && s[e] != '/' && s[e] != '?' && s[e] != '#' && !is_space(s[e]) &&
	       !is_quote(s[e]) && s[e] != '<' && s[e] != '>') {
		if (s[e] == '@') {
			at = e;
			have_at = 1;
		}
		e++;
	}
	if (!have_at)
		return 0;
	for (colon = a; colon < at && s[colon] != ':'; colon++)
		;
	if (colon >= at || colon + 1 == at)
		return 0;
	/* the user part may be a token itself (https://ghp_…:x@github.com) */
	cpol_sb_add(o, s + i, 3);
	pass1(s + a, colon - a, o, h);
	return emit_redact(o, s, colon, colon + 1, at, h, rule_of(K_URL_USERINFO));
}

static size_t try_tokens(const char *s, size_t n, size_t i, struct cpol_strbuf *o,
                         struct cpol_redact_hits *h)
{
	if (i > 0 && is_alnum(s[i - 1]))
		return 0;
	for (size_t r = 0; r < NRULES; r++) {
		const struct rule *ru = &rules[r];
		if ((ru->kind != K_TOKEN && ru->kind != K_JWT) || ru->pat[0] != s[i])
			continue;
		size_t pl = strlen(ru->pat);
		if (n - i < pl || memcmp(s + i, ru->pat, pl) != 0)
			continue;
		size_t e = i + pl;
		int digit = 0;
		while (e < n && in_cls(s[e], ru->cls)) {
			digit |= is_digit(s[e]);
			e++;
		}
		if (ru->kind == K_JWT) {
			/* header.payload[.signature]: two dots, segments >= min */
			if (e - i < ru->min || e >= n || s[e] != '.')
				continue;
			size_t p = ++e;
			while (e < n && in_cls(s[e], ru->cls))
				e++;
			if (e - p < ru->min || e >= n || s[e] != '.')
				continue;
			e++;
			while (e < n && in_cls(s[e], ru->cls))
				e++;
		} else if (e - i - pl < ru->min || (ru->flags & F_DIGIT && !digit)) {
			continue;
		}
		put_redacted(o);
		hit(h, r);
		return e;
	}
	return 0;
}

static int is_keyc(int c) { return is_alnum(c) || c == '+' || c == '='; }

/* A whole word that looks like a key (see K_KEYLIKE). */
static size_t try_keylike(const char *s, size_t n, size_t i, struct cpol_strbuf *o,
                          struct cpol_redact_hits *h)
{
	size_t r = rule_of(K_KEYLIKE);
	if ((i > 0 && (is_keyc(s[i - 1]) || s[i - 1] == '_' || s[i - 1] == '-' || s[i - 1] == '/' ||
	               s[i - 1] == '.')) || !is_alnum(s[i]))
		return 0;
	size_t e = i;
	int up = 0, low = 0, dig = 0;
	while (e < n && is_keyc(s[e])) {
		up |= is_upper(s[e]);
		low |= is_lower(s[e]);
		dig += is_digit(s[e]);
		e++;
	}
	if (e - i < rules[r].min || !up || !low || dig < 2 ||
	    (e < n && (s[e] == '_' || s[e] == '-' || s[e] == '/' || s[e] == '.')))
		return 0;
	put_redacted(o);
	hit(h, r);
	return e;
}

/* At a word start: -NAME=VALUE, --NAME=VALUE, NAME=VALUE. */
static size_t try_assign(const char *s, size_t n, size_t i, struct cpol_strbuf *o,
                         struct cpol_redact_hits *h)
{
	if (i > 0 && !is_word_sep(s[i - 1]))
		return 0;
	size_t b = i;
	int opt = 0;
	while (b < n && b - i < 2 && s[b] == '-') {
		b++;
		opt = 1;
	}
	if (b < n && s[b] == '/') {
		/* npm's per-registry keys: //registry.example/:_authToken=VALUE;
		 * the name is what follows the last '/' or ':' */
		size_t e = b, last = b;
		while (e < n && s[e] != '=' && !is_space(s[e]) && !is_quote(s[e])) {
			if (s[e] == '/' || s[e] == ':')
				last = e + 1;
			e++;
		}
		struct cpol_redact_hits tmp = { { 0 } };
		if (e >= n || s[e] != '=' || last >= e || !secret_name(s + last, e - last, &tmp))
			return 0;
		size_t vs, ve;
		value_extent(s, n, i, e + 1, &vs, &ve);
		if (ve == vs || harmless_value(s + vs, ve - vs))
			return 0;
		merge(h, &tmp);
		return emit_redact(o, s, i, vs, ve, h, rule_of(opt ? K_OPT_EQ : K_ENV));
	}
	if (b >= n || !(is_alpha(s[b]) || s[b] == '_'))
		return 0;
	size_t e = b;
	while (e < n && is_namec(s[e]))
		e++;
	struct cpol_redact_hits tmp = { { 0 } };
	if (e >= n || s[e] != '=' || !secret_name(s + b, e - b, &tmp))
		return 0;
	size_t vs, ve;
	value_extent(s, n, i, e + 1, &vs, &ve);
	if (ve == vs || harmless_value(s + vs, ve - vs)) {
		cpol_sb_add(o, s + i, e + 1 - i);
		return e + 1;
	}
	merge(h, &tmp);
	return emit_redact(o, s, i, vs, ve, h, rule_of(opt ? K_OPT_EQ : K_ENV));
}

/* ?NAME=VALUE and &NAME=VALUE in URLs. */
static size_t try_query(const char *s, size_t n, size_t i, struct cpol_strbuf *o,
                        struct cpol_redact_hits *h)
{
	if (s[i] != '?' && s[i] != '&')
		return 0;
	size_t e = i + 1;
	while (e < n && is_namec(s[e]))
		e++;
	struct cpol_redact_hits tmp = { { 0 } };
	if (e == i + 1 || e >= n || s[e] != '=' || !secret_name(s + i + 1, e - i - 1, &tmp))
		return 0;
	size_t ve = e + 1;
	while (ve < n && s[ve] != '&' && s[ve] != '#' && !is_space(s[ve]) && !is_quote(s[ve]))
		ve++;
	if (ve == e + 1 || harmless_value(s + e + 1, ve - e - 1)) {
		cpol_sb_add(o, s + i, e + 1 - i);
		return e + 1;
	}
	merge(h, &tmp);
	return emit_redact(o, s, i, e + 1, ve, h, rule_of(K_URL_QUERY));
}

/* "NAME": "VALUE" in JSON (or 'NAME': 'VALUE' in Python and YAML), at the
 * quote that opens NAME: the string VALUE is hidden. */
static size_t try_json_field(const char *s, size_t n, size_t i, struct cpol_strbuf *o,
                             struct cpol_redact_hits *h)
{
	char q = s[i];
	size_t e = i + 1;
	while (e < n && is_namec(s[e]))
		e++;
	if (e == i + 1 || e >= n || s[e] != q)
		return 0;
	struct cpol_redact_hits tmp = { { 0 } };
	if (!secret_name(s + i + 1, e - i - 1, &tmp))
		return 0;
	size_t c = e + 1;
	while (c < n && (s[c] == ' ' || s[c] == '\t'))
		c++;
	if (c >= n || s[c] != ':')
		return 0;
	c++;
	while (c < n && (s[c] == ' ' || s[c] == '\t'))
		c++;
	if (c >= n || !is_quote(s[c]))
		return 0;
	char vq = s[c];
	size_t vs = c + 1, ve = vs;
	while (ve < n && s[ve] != vq) {
		if (s[ve] == '\\' && ve + 1 < n)
			ve++;
		ve++;
	}
	if (ve == vs || harmless_value(s + vs, ve - vs))
		return 0;
	merge(h, &tmp);
	return emit_redact(o, s, i, vs, ve, h, rule_of(K_JSON_FIELD));
}

static void pass1(const char *s, size_t n, struct cpol_strbuf *o, struct cpol_redact_hits *h)
{
	size_t i = 0;
	while (i < n && !o->oom) {
		size_t j = 0;
		switch (s[i]) {
		case '-':
			j = try_pem(s, n, i, o, h);
			break;
		case ':':
			j = try_userinfo(s, n, i, o, h);
			break;
		case '?':
		case '&':
			j = try_query(s, n, i, o, h);
			break;
		case '"':
		case '\'':
			j = try_json_field(s, n, i, o, h);
			break;
		default:
			break;
		}
		if (!j && is_alpha(s[i]))
			j = try_header(s, n, i, o, h);
		if (!j && (is_alpha(s[i]) || s[i] == '_'))
			j = try_tokens(s, n, i, o, h);
		if (!j && (is_alpha(s[i]) || s[i] == '_' || s[i] == '-' ||
		           (s[i] == '/' && i + 1 < n && s[i + 1] == '/')))
			j = try_assign(s, n, i, o, h);
		if (!j && is_alnum(s[i]))
			j = try_keylike(s, n, i, o, h);
		if (j) {
			i = j;
		} else {
			cpol_sb_addc(o, s[i]);
			i++;
		}
	}
}

/* ---- pass 2: home folder and user name ---- */

static int is_pathc(int c) { return is_alnum(c) || c == '.' || c == '_' || c == '-'; }
static int is_wordc(int c) { return is_alnum(c) || c == '_'; }

static void pass2(const struct cpol_redact_who *w, const char *s, size_t n, struct cpol_strbuf *o,
                  struct cpol_redact_hits *h)
{
	size_t i = 0, plain = 0;
	while (i < n) {
		int before = i > 0 ? (unsigned char)s[i - 1] : -1;
		if (w->home_len && n - i >= w->home_len && (before < 0 || (!is_pathc(before) && before != '/')) &&
		    memcmp(s + i, w->home, w->home_len) == 0 &&
		    (i + w->home_len == n || !is_pathc((unsigned char)s[i + w->home_len]))) {
			cpol_sb_add(o, s + plain, i - plain);
			cpol_sb_addc(o, '~');
			hit(h, rule_of(K_HOME));
			i += w->home_len;
			plain = i;
			continue;
		}
		if (w->user_len && n - i >= w->user_len && (before < 0 || !is_wordc(before)) &&
		    memcmp(s + i, w->user, w->user_len) == 0 &&
		    (i + w->user_len == n || !is_wordc((unsigned char)s[i + w->user_len]))) {
			cpol_sb_add(o, s + plain, i - plain);
			cpol_sb_add(o, CPOL_USER_MARK, sizeof CPOL_USER_MARK - 1);
			hit(h, rule_of(K_USER));
			i += w->user_len;
			plain = i;
			continue;
		}
		i++;
	}
	cpol_sb_add(o, s + plain, n - plain);
}

/* Bytes that are not UTF-8 become \xHH and a backslash becomes \\, so
 * that the record stays valid UTF-8 and two different strings never give
 * one record (\xff and \xfe stay apart, and neither can be told from a
 * literal backslash-x in the argument). */
static void escape_bytes(const char *s, size_t n, struct cpol_strbuf *o)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, plain = 0;
	while (i < n) {
		unsigned cp;
		size_t k = cpol_utf8_seq((const unsigned char *)s + i, n - i, &cp);
		if (k && s[i] != '\\') {
			i += k;
			continue;
		}
		cpol_sb_add(o, s + plain, i - plain);
		if (k) {
			cpol_sb_add(o, "\\\\", 2);
		} else {
			unsigned char c = (unsigned char)s[i];
			char e[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
			cpol_sb_add(o, e, 4);
		}
		plain = ++i;
	}
	cpol_sb_add(o, s + plain, n - plain);
}

/* Pass 2 over what pass 1 produced, then the byte escapes; returns the
 * final string or NULL. */
static char *finish(const struct cpol_redact_who *w, struct cpol_strbuf *o1, struct cpol_redact_hits *h)
{
	struct cpol_strbuf o2 = { 0 }, o3 = { 0 };
	if (o1->oom) {
		free(o1->p);
		return NULL;
	}
	pass2(w, o1->p ? o1->p : "", o1->len, &o2, h);
	free(o1->p);
	if (!o2.oom)
		escape_bytes(o2.p ? o2.p : "", o2.len, &o3);
	free(o2.p);
	if (!o3.oom && !o3.p)
		cpol_sb_add(&o3, "", 0);
	if (o3.oom) {
		free(o3.p);
		return NULL;
	}
	return o3.p;
}

char *cpol_redact_str(const struct cpol_redact_who *w, const char *s,
                      struct cpol_redact_hits *h)
{
	struct cpol_strbuf o = { 0 };
	pass1(s, strlen(s), &o, h);
	return finish(w, &o, h);
}

/* ---- argv ---- */

/* Is word (of length n) one of the space-separated words in list? */
static int in_list(const char *list, const char *word, size_t n)
{
	const char *p = list;
	while (*p) {
		size_t k = strcspn(p, " ");
		if (k == n && memcmp(p, word, n) == 0)
			return 1;
		p += k;
		while (*p == ' ')
			p++;
	}
	return 0;
}

static const char *base_name(const char *s)
{
	const char *b = strrchr(s, '/');
	return b ? b + 1 : s;
}

/* The argument --NAME / -NAME that takes the secret in the next argument. */
static int opt_takes_secret(const char *a, struct cpol_redact_hits *h)
{
	if (a[0] != '-')
		return 0;
	const char *b = a + (a[1] == '-' ? 2 : 1);
	size_t n = strlen(b);
	if (n < 2 || !is_alpha(b[0]))
		return 0;
	for (size_t k = 0; k < n; k++)
		if (!is_namec(b[k]))
			return 0;
	/* flags that say "no secret follows" */
	if ((n > 3 && strncasecmp(b, "no-", 3) == 0) || (n > 3 && strncasecmp(b, "no_", 3) == 0) ||
	    (n > 6 && strcasecmp(b + n - 6, "-stdin") == 0) ||
	    (n > 6 && strcasecmp(b + n - 6, "_stdin") == 0))
		return 0;
	return secret_name(b, n, h);
}

/* user:password -> user:[REDACTED] (nothing to hide without a colon). */
static void userpass(const char *v, struct cpol_strbuf *o, struct cpol_redact_hits *h, size_t rule)
{
	const char *c = strchr(v, ':');
	if (!c || !c[1]) {
		pass1(v, strlen(v), o, h);
		return;
	}
	pass1(v, (size_t)(c - v), o, h); /* the user part may be a token itself */
	cpol_sb_add(o, ":", 1);
	put_redacted(o);
	hit(h, rule);
}

char **cpol_redact_argv(const struct cpol_redact_who *w, char *const *argv, int argc,
                        struct cpol_redact_hits *h)
{
	if (argc < 0)
		argc = 0;
	char **v = calloc((size_t)argc + 1, sizeof *v);
	if (!v)
		return NULL;
	unsigned char seen[NRULES] = { 0 }; /* program of a K_PROG_OPT rule seen */
	int login = 0;
	size_t next = NRULES;               /* rule that hides the next argument */
	int next_userpass = 0;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i] ? argv[i] : "";
		struct cpol_strbuf o = { 0 };
		if (next < NRULES) {
			if (next_userpass) {
				userpass(a, &o, h, next);
			} else if (harmless_value(a, strlen(a))) {
				pass1(a, strlen(a), &o, h);
			} else if (*a) {
				put_redacted(&o);
				hit(h, next);
			}
			next = NRULES;
			v[i] = finish(w, &o, h);
			if (!v[i])
				goto oom;
			continue;
		}
		int done = 0;
		for (size_t r = 0; r < NRULES && !done; r++) {
			const struct rule *ru = &rules[r];
			if (ru->kind != K_PROG_OPT || !seen[r] || (ru->flags & F_LOGIN && !login))
				continue;
			const char *p = ru->pat;
			while (*p && !done) {
				size_t k = strcspn(p, " ");
				if (ru->flags & F_NEXT && strlen(a) == k && memcmp(a, p, k) == 0) {
					cpol_sb_add(&o, a, k);
					next = r;
					next_userpass = !!(ru->flags & F_USERPASS);
					done = 1;
				} else if (ru->flags & F_NEXT && k > 2 && p[1] == '-' &&
				           strncmp(a, p, k) == 0 && a[k] == '=') {
					/* the glued long form: --user=VALUE */
					cpol_sb_add(&o, a, k + 1);
					if (ru->flags & F_USERPASS) {
						userpass(a + k + 1, &o, h, r);
					} else if (a[k + 1]) {
						put_redacted(&o);
						hit(h, r);
					}
					done = 1;
				} else if (ru->flags & F_ATTACHED && k == 2 && a[0] == '-' &&
				           memcmp(a, p, 2) == 0 && a[2]) {
					cpol_sb_add(&o, a, 2);
					if (ru->flags & F_USERPASS) {
						userpass(a + 2, &o, h, r);
					} else {
						put_redacted(&o);
						hit(h, r);
					}
					done = 1;
				}
				p += k;
				while (*p == ' ')
					p++;
			}
		}
		if (!done) {
			if (opt_takes_secret(a, h)) {
				next = rule_of(K_OPT_NEXT);
				next_userpass = 0;
			}
			pass1(a, strlen(a), &o, h);
		}
		v[i] = finish(w, &o, h);
		if (!v[i])
			goto oom;
		/* what later arguments may depend on */
		const char *bn = base_name(a);
		for (size_t r = 0; r < NRULES; r++)
			if (rules[r].kind == K_PROG_OPT && in_list(rules[r].pat2, bn, strlen(bn)))
				seen[r] = 1;
		if (strcmp(a, "login") == 0)
			login = 1;
	}
	return v;
oom:
	cpol_redact_argv_free(v, argc);
	return NULL;
}

void cpol_redact_argv_free(char **v, int argc)
{
	if (!v)
		return;
	for (int i = 0; i < argc; i++)
		free(v[i]);
	free(v);
}
