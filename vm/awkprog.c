/* vm/awkprog.c -- what an awk program uses, read token by token the way
 * awk's lexer reads it, for the `awkuses` predicate: a rule can ask
 * whether a program runs commands or writes files without refusing every
 * program that compares with `>` or joins conditions with `||`
 * (`$3 > 100`, `NR>1`, `$1 == "a" || $2 == "b"`).
 *
 * A member of the predicate's list names what to look for:
 *   a name    (system, getline, close, ...): that name as a word of code,
 *             outside strings, regular expressions and comments;
 *   "|"       a pipe to or from a command (`|`, `|&`; not `||`);
 *   ">"       an output redirection: `>` or `>>` in a print or printf
 *             statement outside any parenthesis it opened (everywhere
 *             else `>` compares);
 *   "@"       gawk's @include, @load, @namespace and indirect calls;
 *   any other text: a string literal that holds it ("/inet").
 * A print statement is taken to last until `;`, `{` or `}` (a newline
 * after a comma continues it): a `>` that only compares there still
 * counts, a false alarm and never a miss.
 *
 * Strings and regular expressions hide what is in them, so the reader
 * refuses what awks could read differently: a `/` is a regular expression
 * where no operand ends before it and a division where one does; a
 * division whose text up to the next `/` holds a `"` (a regular
 * expression after `if (...)` would read it otherwise), a `/` inside the
 * brackets of a regular expression (awks differ), an unterminated string
 * or expression, a byte no awk program holds. What it refuses uses every
 * member: the rule that asks about it holds. Never allocates.
 */
#include "vm/eval.h"

struct awkrd {
	const char *s;
	uint32_t n, i;
	const char *m;          /* the member looked for */
	uint32_t ml;
	int found;
};

static int name_start(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

/* Past a string literal (r->i just after its `"`); checks a text member. */
static int string_lit(struct awkrd *r)
{
	uint32_t from = r->i;
	if (cpol_past_delim(r->s, r->n, &r->i, '"', 0) < 0)
		return -1;
	if (r->ml && !name_start(r->m[0]) && r->m[0] != '|' && r->m[0] != '>' && r->m[0] != '@' &&
	    memmem(r->s + from, r->i - 1 - from, r->m, r->ml))
		r->found = 1;
	return 0;
}

/* Past a regular expression literal (r->i just after its `/`); a / inside
 * its brackets is refused: awks read `/[/]/` differently. */
static int regex_lit(struct awkrd *r)
{
	return cpol_past_delim(r->s, r->n, &r->i, '/', 1);
}

/* Read the whole program; -1 when it cannot be followed. */
static int awk_read(struct awkrd *r)
{
	int operand = 0;        /* an operand ended just before: `/` divides */
	int depth = 0, print_depth = -1;
	const char *m = r->m;
	while (r->i < r->n) {
		char c = r->s[r->i++];
		switch (c) {
		case ' ': case '\t': case '\r': case '\n':
			continue;
		case '\\':
			if (r->i < r->n && r->s[r->i] == '\n') {
				r->i++;
				continue;
			}
			return -1;
		case '#':
			while (r->i < r->n && r->s[r->i] != '\n')
				r->i++;
			continue;
		case '"':
			if (string_lit(r) < 0)
				return -1;
			operand = 1;
			continue;
		case '/':
			if (operand) {
				for (uint32_t k = r->i; k < r->n && r->s[k] != '/' && r->s[k] != '\n'; k++)
					if (r->s[k] == '"')
						return -1;
				operand = 0;
				continue;
			}
			if (regex_lit(r) < 0)
				return -1;
			operand = 1;
			continue;
		case '|':
			if (r->i < r->n && r->s[r->i] == '|') {
				r->i++;
			} else if (r->ml == 1 && m[0] == '|') {
				r->found = 1;
			}
			operand = 0;
			continue;
		case '>':
			if (r->i < r->n && r->s[r->i] == '=') {
				r->i++;
			} else if (print_depth == depth && r->ml == 1 && m[0] == '>') {
				r->found = 1;
			}
			operand = 0;
			continue;
		case '@':
			if (r->ml == 1 && m[0] == '@')
				r->found = 1;
			operand = 0;
			continue;
		case '(':
			depth++;
			operand = 0;
			continue;
		case ')':
			if (--depth < 0)
				return -1;
			operand = 1;
			continue;
		case '[':
			operand = 0;
			continue;
		case ']':
			operand = 1;
			continue;
		case ';': case '{': case '}':
			print_depth = -1;
			operand = 0;
			continue;
		case '$':
			operand = 0;
			continue;
		case '+': case '-':
			/* i++ and i-- end an operand, ++i and --i do not: keep it */
			if (r->i < r->n && r->s[r->i] == c) {
				r->i++;
				continue;
			}
			operand = 0;
			continue;
		default:
			break;
		}
		if (name_start(c)) {
			uint32_t from = r->i - 1;
			while (r->i < r->n && name_char(r->s[r->i]))
				r->i++;
			const char *w = r->s + from;
			uint32_t wl = r->i - from;
			if (name_start(m[0]) && wl == r->ml && memcmp(w, m, wl) == 0)
				r->found = 1;
			static const char *const before_regex[] = { "print", "printf", "return", "case", "in",
			                                            "do", "else", "delete", "exit", "function" };
			operand = 1;
			for (size_t k = 0; k < sizeof before_regex / sizeof before_regex[0]; k++)
				if (wl == strlen(before_regex[k]) && memcmp(w, before_regex[k], wl) == 0)
					operand = 0;
			if ((wl == 5 && memcmp(w, "print", 5) == 0) || (wl == 6 && memcmp(w, "printf", 6) == 0))
				print_depth = depth;
			continue;
		}
		if ((c >= '0' && c <= '9') || c == '.') {
			while (r->i < r->n && (name_char(r->s[r->i]) || r->s[r->i] == '.'))
				r->i++;
			operand = 1;
			continue;
		}
		if (strchr("*%^!=<~,?:&", c) && c != 0) {
			operand = 0;
			continue;
		}
		return -1;      /* a byte no awk program holds outside a string */
	}
	return depth == 0 ? 0 : -1;
}

int cpol_awk_uses(const char *s, uint32_t n, const char *m, uint32_t ml)
{
	struct awkrd r;
	if (ml == 0)
		return 0;
	memset(&r, 0, sizeof r);
	r.s = s;
	r.n = n;
	r.m = m;
	r.ml = ml;
	if (awk_read(&r) < 0)
		return 1;
	return r.found;
}
