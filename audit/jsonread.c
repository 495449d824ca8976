/* audit/jsonread.c -- the small strict JSON reader behind cpol_audit_tail
 * (see jsonread.h). Reads what it is given and nothing else: malformed
 * input is a -1, never a crash or a read past the end.
 */
#include "audit/jsonread.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "audit/jsonl.h"

#define MAX_DEPTH 32

struct rd {
	const unsigned char *s;
	size_t n, i;
	char *out; /* arena for decoded strings: never longer than the input */
	size_t olen;
	int depth;
	int oom;
};

static void ws(struct rd *r)
{
	while (r->i < r->n && (r->s[r->i] == ' ' || r->s[r->i] == '\t' || r->s[r->i] == '\n' ||
	                       r->s[r->i] == '\r'))
		r->i++;
}

static int lit(struct rd *r, const char *w)
{
	size_t k = strlen(w);
	if (r->n - r->i < k || memcmp(r->s + r->i, w, k) != 0)
		return -1;
	r->i += k;
	return 0;
}

static int hex4(struct rd *r, unsigned *v)
{
	if (r->n - r->i < 4)
		return -1;
	*v = 0;
	for (int k = 0; k < 4; k++) {
		unsigned c = r->s[r->i++], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

static void emit_cp(struct rd *r, unsigned cp)
{
	char *o = r->out + r->olen;
	if (cp < 0x80) {
		o[0] = (char)cp;
		r->olen += 1;
	} else if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		r->olen += 2;
	} else if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		r->olen += 3;
	} else {
		o[0] = (char)(0xf0 | cp >> 18);
		o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[3] = (char)(0x80 | (cp & 0x3f));
		r->olen += 4;
	}
}

/* A string at r->i (on its '"'); decoded into the arena when out != NULL.
 * Decoding never grows: an escape is at least as long as its UTF-8. */
static int string(struct rd *r, struct cpol_jstr *out)
{
	if (r->i >= r->n || r->s[r->i] != '"')
		return -1;
	r->i++;
	size_t start = r->olen;
	for (;;) {
		if (r->i >= r->n)
			return -1;
		unsigned c = r->s[r->i];
		if (c == '"') {
			r->i++;
			break;
		}
		if (c < 0x20)
			return -1;
		if (c != '\\') {
			unsigned cp;
			size_t k = cpol_utf8_seq(r->s + r->i, r->n - r->i, &cp);
			if (!k)
				return -1;
			memcpy(r->out + r->olen, r->s + r->i, k);
			r->olen += k;
			r->i += k;
			continue;
		}
		if (++r->i >= r->n)
			return -1;
		c = r->s[r->i++];
		switch (c) {
		case '"': case '\\': case '/': r->out[r->olen++] = (char)c; break;
		case 'b': r->out[r->olen++] = '\b'; break;
		case 'f': r->out[r->olen++] = '\f'; break;
		case 'n': r->out[r->olen++] = '\n'; break;
		case 'r': r->out[r->olen++] = '\r'; break;
		case 't': r->out[r->olen++] = '\t'; break;
		case 'u': {
			unsigned cp, lo;
			if (hex4(r, &cp) < 0)
				return -1;
			if (cp >= 0xdc00 && cp <= 0xdfff)
				return -1;
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (r->n - r->i < 2 || r->s[r->i] != '\\' || r->s[r->i + 1] != 'u')
					return -1;
				r->i += 2;
				if (hex4(r, &lo) < 0 || lo < 0xdc00 || lo > 0xdfff)
					return -1;
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			}
			emit_cp(r, cp);
			break;
		}
		default:
			return -1;
		}
	}
	if (out) {
		out->s = r->out + start;
		out->n = r->olen - start;
		/* NUL-terminated too: the two quotes leave room for it */
		r->out[r->olen++] = 0;
	} else {
		r->olen = start; /* not kept */
	}
	return 0;
}

/* Read a run of decimal digits; how many. */
static size_t digits(struct rd *r)
{
	size_t d = r->i;
	while (r->i < r->n && r->s[r->i] >= '0' && r->s[r->i] <= '9')
		r->i++;
	return r->i - d;
}

/* A number; *iv and *isint when it is an integer that fits int64_t. */
static int number(struct rd *r, int64_t *iv, int *isint)
{
	size_t b = r->i;
	int neg = 0, frac = 0;
	if (r->i < r->n && r->s[r->i] == '-') {
		neg = 1;
		r->i++;
	}
	if (r->i >= r->n)
		return -1;
	if (r->s[r->i] == '0') {
		r->i++;
	} else if (r->s[r->i] >= '1' && r->s[r->i] <= '9') {
		digits(r);
	} else {
		return -1;
	}
	size_t int_end = r->i;
	if (r->i < r->n && r->s[r->i] == '.') {
		r->i++;
		if (digits(r) == 0)
			return -1;
		frac = 1;
	}
	if (r->i < r->n && (r->s[r->i] == 'e' || r->s[r->i] == 'E')) {
		r->i++;
		if (r->i < r->n && (r->s[r->i] == '+' || r->s[r->i] == '-'))
			r->i++;
		if (digits(r) == 0)
			return -1;
		frac = 1;
	}
	*isint = 0;
	if (!frac) {
		uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
		for (size_t k = b + (size_t)neg; k < int_end; k++) {
			unsigned d = r->s[k] - '0';
			if (v > (lim - d) / 10)
				return 0; /* valid JSON, just not an int64 */
			v = v * 10 + d;
		}
		*iv = neg ? (int64_t)(0 - v) : (int64_t)v;
		*isint = 1;
	}
	return 0;
}

static int value(struct rd *r);

/* After an array's or object's opening bracket: 1 when it is empty (its
 * closing bracket read), 0 when members follow, -1 when nested too deep. */
static int open_container(struct rd *r, char close)
{
	r->i++; /* the opening bracket */
	if (++r->depth > MAX_DEPTH)
		return -1;
	ws(r);
	if (r->i < r->n && r->s[r->i] == close) {
		r->i++;
		r->depth--;
		return 1;
	}
	return 0;
}

/* An object member's key and its ':' (white space around them read). */
static int key(struct rd *r, struct cpol_jstr *k)
{
	ws(r);
	if (string(r, k) < 0)
		return -1;
	ws(r);
	if (r->i >= r->n || r->s[r->i] != ':')
		return -1;
	r->i++;
	ws(r);
	return 0;
}

/* After a member: 1 when another follows (its ',' read), 0 when the
 * container ends (its closing bracket read), -1 on anything else. */
static int next_member(struct rd *r, char close)
{
	ws(r);
	if (r->i >= r->n)
		return -1;
	if (r->s[r->i] == ',') {
		r->i++;
		return 1;
	}
	if (r->s[r->i] != close)
		return -1;
	r->i++;
	r->depth--;
	return 0;
}

static int array(struct rd *r, struct cpol_jstr **items, size_t *nitems, int *all_strings)
{
	int rc = open_container(r, ']');
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	size_t cap = 0;
	for (;;) {
		ws(r);
		if (items && r->i < r->n && r->s[r->i] == '"') {
			if (*nitems == cap) {
				size_t nc = cap ? cap * 2 : 8;
				struct cpol_jstr *p = realloc(*items, nc * sizeof *p);
				if (!p) {
					r->oom = 1;
					return -1;
				}
				*items = p;
				cap = nc;
			}
			if (string(r, &(*items)[*nitems]) < 0)
				return -1;
			(*nitems)++;
		} else {
			if (items)
				*all_strings = 0;
			if (value(r) < 0)
				return -1;
		}
		if ((rc = next_member(r, ']')) <= 0)
			return rc;
	}
}

static int object(struct rd *r, struct cpol_audit_view *v);

static int value(struct rd *r)
{
	int64_t iv;
	int isint;
	if (r->i >= r->n)
		return -1;
	switch (r->s[r->i]) {
	case '{': return object(r, NULL);
	case '[': return array(r, NULL, NULL, NULL);
	case '"': return string(r, NULL);
	case 't': return lit(r, "true");
	case 'f': return lit(r, "false");
	case 'n': return lit(r, "null");
	default: return number(r, &iv, &isint);
	}
}

struct strkey { const char *k; size_t off; };
#define SK(f) { #f, offsetof(struct cpol_audit_view, f) }
static const struct strkey strkeys[] = {
	SK(ts), SK(session), SK(run), SK(op), SK(cwd), SK(decision), SK(rule), SK(reason),
	SK(source), SK(profile), SK(policy), SK(approval), SK(degraded), SK(env_removed),
	SK(undone), SK(agent), SK(tool_use_id), SK(limits), SK(limit),
};

static int key_is(const struct cpol_jstr *k, const char *w)
{
	return strlen(w) == k->n && memcmp(k->s, w, k->n) == 0;
}

/* An integer field: sets *dst and returns 1 when key k names one. */
static int int_field(struct cpol_audit_view *v, const struct cpol_jstr *k, int64_t iv)
{
#define IF(f) if (key_is(k, #f)) { v->f = iv; v->has_##f = 1; return 1; }
	IF(seq) IF(pid) IF(landlock_abi) IF(status) IF(signal) IF(duration_ms) IF(argc)
#undef IF
	return 0;
}

/* An object; the record's fields go to v when v != NULL (top level). */
static int object(struct rd *r, struct cpol_audit_view *v)
{
	int rc = open_container(r, '}');
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	for (;;) {
		struct cpol_jstr k;
		if (key(r, &k) < 0 || r->i >= r->n)
			return -1;
		int done = 0;
		if (v) {
			unsigned char c = r->s[r->i];
			if (c == '"') {
				for (size_t q = 0; q < sizeof strkeys / sizeof strkeys[0]; q++) {
					if (key_is(&k, strkeys[q].k)) {
						struct cpol_jstr *f =
							(struct cpol_jstr *)((char *)v + strkeys[q].off);
						if (string(r, f) < 0)
							return -1;
						done = 1;
						break;
					}
				}
			} else if (c == '-' || (c >= '0' && c <= '9')) {
				int64_t iv;
				int isint;
				if (number(r, &iv, &isint) < 0)
					return -1;
				if (isint)
					int_field(v, &k, iv);
				done = 1;
			} else if (c == '[' && key_is(&k, "argv")) {
				int all = 1;
				free(v->argv);
				v->argv = NULL;
				v->nargv = 0;
				if (array(r, &v->argv, &v->nargv, &all) < 0)
					return -1;
				if (!all) /* argv is strings only */
					return -1;
				v->has_argv = 1;
				done = 1;
			} else if (c == 't' && key_is(&k, "truncated")) {
				if (lit(r, "true") < 0)
					return -1;
				v->truncated = 1;
				done = 1;
			}
		}
		if (!done && value(r) < 0)
			return -1;
		if ((rc = next_member(r, '}')) <= 0)
			return rc;
	}
}

/* Start reading text[0..n): the arena for its strings goes to *mem (NULL
 * when out of memory) and leading white space is read. */
static char *start(struct rd *r, const char *text, size_t n)
{
	char *mem = malloc(n + 1);
	*r = (struct rd){ (const unsigned char *)text, n, 0, mem, 0, 0, 0 };
	ws(r);
	return mem;
}

/* How a parse ended: -2 out of memory, -1 when rc < 0 or anything but
 * white space follows the value, else 0. */
static int finish(struct rd *r, int rc)
{
	if (r->oom)
		return -2;
	if (rc < 0)
		return -1;
	ws(r);
	return r->i == r->n ? 0 : -1;
}

int cpol_audit_view_parse(struct cpol_audit_view *v, const char *line, size_t n)
{
	struct rd r;
	memset(v, 0, sizeof *v);
	if (!(v->mem = start(&r, line, n)))
		return -2;
	if (r.i >= r.n || r.s[r.i] != '{')
		return -1;
	int rc = finish(&r, object(&r, v));
	if (rc == 0 && (!v->ts.s || !v->session.s || !v->op.s))
		return -1;
	return rc;
}

void cpol_audit_view_free(struct cpol_audit_view *v)
{
	free(v->mem);
	free(v->argv);
	v->mem = NULL;
	v->argv = NULL;
}

/* The tree reader: the same lexical functions, every value kept. */

static int tnew(struct rd *r, struct cpol_json *doc)
{
	if (doc->n == doc->cap) {
		size_t nc = doc->cap ? doc->cap * 2 : 32;
		struct cpol_jnode *p = realloc(doc->nodes, nc * sizeof *p);
		if (!p) {
			r->oom = 1;
			return -1;
		}
		doc->nodes = p;
		doc->cap = nc;
	}
	struct cpol_jnode *nd = &doc->nodes[doc->n];
	memset(nd, 0, sizeof *nd);
	nd->first = nd->next = -1;
	return (int)doc->n++;
}

static int tvalue(struct rd *r, struct cpol_json *doc, struct cpol_jstr key);

/* The children of an array or object at node `at`; r->i is on its bracket. */
static int tkids(struct rd *r, struct cpol_json *doc, int at, int obj)
{
	char close = obj ? '}' : ']';
	int rc = open_container(r, close);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	int last = -1;
	for (;;) {
		struct cpol_jstr k = { NULL, 0 };
		ws(r);
		if (obj && key(r, &k) < 0)
			return -1;
		int kid = tvalue(r, doc, k);
		if (kid < 0)
			return -1;
		if (last < 0)
			doc->nodes[at].first = kid;
		else
			doc->nodes[last].next = kid;
		last = kid;
		doc->nodes[at].nkids++;
		if ((rc = next_member(r, close)) <= 0)
			return rc;
	}
}

static int tvalue(struct rd *r, struct cpol_json *doc, struct cpol_jstr key)
{
	int at = tnew(r, doc);
	if (at < 0 || r->i >= r->n)
		return -1;
	size_t start = r->i;
	int rc;
	doc->nodes[at].key = key;
	switch (r->s[r->i]) {
	case '{':
		doc->nodes[at].type = CPOL_JOBJ;
		rc = tkids(r, doc, at, 1);
		break;
	case '[':
		doc->nodes[at].type = CPOL_JARR;
		rc = tkids(r, doc, at, 0);
		break;
	case '"': {
		struct cpol_jstr s;
		rc = string(r, &s);
		doc->nodes[at].type = CPOL_JSTR;
		doc->nodes[at].str = s;
		break;
	}
	case 't': doc->nodes[at].type = CPOL_JTRUE; rc = lit(r, "true"); break;
	case 'f': doc->nodes[at].type = CPOL_JFALSE; rc = lit(r, "false"); break;
	case 'n': doc->nodes[at].type = CPOL_JNULL; rc = lit(r, "null"); break;
	default: {
		int64_t iv = 0;
		int isint = 0;
		rc = number(r, &iv, &isint);
		doc->nodes[at].type = CPOL_JNUM;
		doc->nodes[at].num = iv;
		doc->nodes[at].isint = isint;
		break;
	}
	}
	if (rc < 0)
		return -1;
	doc->nodes[at].raw_off = start;
	doc->nodes[at].raw_len = r->i - start;
	return at;
}

int cpol_json_parse(struct cpol_json *doc, const char *text, size_t n)
{
	struct rd r;
	struct cpol_jstr none = { NULL, 0 };
	memset(doc, 0, sizeof *doc);
	if (!(doc->mem = start(&r, text, n)))
		return -2;
	return finish(&r, tvalue(&r, doc, none));
}

void cpol_json_free(struct cpol_json *doc)
{
	free(doc->nodes);
	free(doc->mem);
	memset(doc, 0, sizeof *doc);
}

const struct cpol_jnode *cpol_json_first(const struct cpol_json *doc, const struct cpol_jnode *node)
{
	return node && node->first >= 0 ? &doc->nodes[node->first] : NULL;
}

const struct cpol_jnode *cpol_json_next(const struct cpol_json *doc, const struct cpol_jnode *node)
{
	return node && node->next >= 0 ? &doc->nodes[node->next] : NULL;
}

const struct cpol_jnode *cpol_json_get(const struct cpol_json *doc, const struct cpol_jnode *obj,
                                       const char *key)
{
	const struct cpol_jnode *hit = NULL;
	if (!obj || obj->type != CPOL_JOBJ)
		return NULL;
	for (const struct cpol_jnode *k = cpol_json_first(doc, obj); k; k = cpol_json_next(doc, k))
		if (key_is(&k->key, key))
			hit = k;
	return hit;
}

const char *cpol_json_get_str(const struct cpol_json *doc, const struct cpol_jnode *obj, const char *key)
{
	const struct cpol_jnode *v = cpol_json_get(doc, obj, key);
	if (!v || v->type != CPOL_JSTR || memchr(v->str.s, 0, v->str.n))
		return NULL;
	return v->str.s;
}
