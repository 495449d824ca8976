/* vm/sedscript.c -- which commands a GNU sed script uses, read the way GNU
 * sed (4.9) compiles it, for the `sedcmds` predicate: a rule can ask
 * whether a script runs a shell command (e, and the e flag of s) or writes
 * a file (w, W, and the w flag of s) without refusing every script that
 * merely holds those letters (`/^[[:space:]]*$/d`, `/begin/,/end/p`).
 *
 * The reader follows sed's own compiler: addresses (N, $, first~step,
 * /RE/ and \cREc with I and M, addr2 also +N and ~N), `!`, commands and
 * their arguments (labels, a/i/c text, file names, s and y with any
 * delimiter and backslash escapes, the flags of s). In a regular
 * expression, as in GNU sed, a bracket expression ([...], []...], [^...],
 * with [:class:], [.x.] and [=x=] inside) holds the delimiter literally:
 * `s/[/]/x/e` is the regex [/] and the flag e. Whatever it cannot follow
 * (a command it does not know, a missing delimiter, text after a command,
 * an unbalanced brace) counts as using every command: the rule that asks
 * about it holds. Never allocates.
 */
#include "vm/eval.h"

struct sedrd {
	const char *s;
	uint32_t n, i;
	uint8_t used[128];      /* the command letters met (ASCII) */
};

static int blank(char c)
{
	return c == ' ' || c == '\t';
}

static int digit(char c)
{
	return c >= '0' && c <= '9';
}

static void skip_blanks(struct sedrd *r)
{
	while (r->i < r->n && blank(r->s[r->i]))
		r->i++;
}

/* Past the closing delimiter of a replacement or of y's lists. */
static int to_delim(struct sedrd *r, char delim)
{
	return cpol_past_delim(r->s, r->n, &r->i, delim, 0);
}

/* Past the `]` of a bracket expression (r->i just after its `[`): a `]`
 * first (after an optional ^) is literal, [:x:], [.x.] and [=x=] run to
 * their closing pair, a backslash is literal. */
static int bracket(struct sedrd *r)
{
	if (r->i < r->n && r->s[r->i] == '^')
		r->i++;
	if (r->i < r->n && r->s[r->i] == ']')
		r->i++;
	while (r->i < r->n) {
		char c = r->s[r->i];
		if (c == '\n')
			return -1;
		if (c == ']') {
			r->i++;
			return 0;
		}
		if (c == '[' && r->i + 1 < r->n && strchr(":.=", r->s[r->i + 1])) {
			char x = r->s[r->i + 1];
			uint32_t k = r->i + 2;
			while (k + 1 < r->n && !(r->s[k] == x && r->s[k + 1] == ']'))
				k++;
			if (k + 1 >= r->n)
				return -1;
			r->i = k + 2;
			continue;
		}
		r->i++;
	}
	return -1;
}

/* Past the closing delimiter of a regular expression: brackets hold it
 * literally. A bracket as the delimiter is refused (which reading would
 * GNU sed take?). */
static int to_delim_re(struct sedrd *r, char delim)
{
	if (delim == '[' || delim == ']')
		return -1;
	while (r->i < r->n) {
		char c = r->s[r->i++];
		if (c == delim)
			return 0;
		if (c == '\n')
			return -1;
		if (c == '\\') {
			if (r->i >= r->n)
				return -1;
			r->i++;
		} else if (c == '[' && bracket(r) < 0) {
			return -1;
		}
	}
	return -1;
}

/* To the end of the line (a file name, a/i/c text, e's command). In text,
 * a backslash takes the next byte, a newline too. */
static void to_eol(struct sedrd *r, int escapes)
{
	while (r->i < r->n && r->s[r->i] != '\n') {
		if (escapes && r->s[r->i] == '\\' && r->i + 1 < r->n)
			r->i++;
		r->i++;
	}
}

/* A label (:, b, t, T, v): to a blank, `;` or the end of the line. */
static uint32_t label(struct sedrd *r)
{
	skip_blanks(r);
	uint32_t from = r->i;
	while (r->i < r->n && !blank(r->s[r->i]) && r->s[r->i] != ';' && r->s[r->i] != '\n')
		r->i++;
	return r->i - from;
}

/* One address: 1 read, 0 none there, -1 an error. addr2 also takes +N
 * and ~N. */
static int address(struct sedrd *r, int second)
{
	if (r->i >= r->n)
		return 0;
	char c = r->s[r->i];
	if (c == '/' || c == '\\') {
		char delim = '/';
		r->i++;
		if (c == '\\') {
			if (r->i >= r->n || r->s[r->i] == '\n' || r->s[r->i] == '\\')
				return -1;
			delim = r->s[r->i++];
		}
		if (to_delim_re(r, delim) < 0)
			return -1;
		while (r->i < r->n && (r->s[r->i] == 'I' || r->s[r->i] == 'M'))
			r->i++;
		return 1;
	}
	if (c == '$') {
		r->i++;
		return 1;
	}
	if (second && (c == '+' || c == '~')) {
		r->i++;
		if (r->i >= r->n || !digit(r->s[r->i]))
			return -1;
	} else if (!digit(c)) {
		return 0;
	}
	while (r->i < r->n && digit(r->s[r->i]))
		r->i++;
	if (!second && r->i < r->n && r->s[r->i] == '~') {
		r->i++;
		while (r->i < r->n && digit(r->s[r->i]))
			r->i++;
	}
	return 1;
}

/* After a command: blanks, then `;`, a newline, `#`, `}` or the end. */
static int end_of_command(struct sedrd *r)
{
	skip_blanks(r);
	return r->i >= r->n || strchr(";\n#}", r->s[r->i]) ? 0 : -1;
}

/* s's flags, after its replacement. */
static int s_flags(struct sedrd *r)
{
	while (r->i < r->n) {
		char c = r->s[r->i];
		if (c == 'e') {
			r->used['e'] = 1;
		} else if (c == 'w') {
			r->used['w'] = 1;
			r->i++;
			to_eol(r, 0);
			return 0;
		} else if (!digit(c) && !strchr("gpiImM", c)) {
			break;
		}
		r->i++;
	}
	return end_of_command(r);
}

/* Read the whole script into r->used; -1 when it cannot be followed. */
static int sed_read(struct sedrd *r)
{
	int depth = 0;
	for (;;) {
		while (r->i < r->n && (blank(r->s[r->i]) || r->s[r->i] == '\n' || r->s[r->i] == ';'))
			r->i++;
		if (r->i >= r->n)
			return depth == 0 ? 0 : -1;
		if (r->s[r->i] == '#') {
			to_eol(r, 0);
			continue;
		}
		int a = address(r, 0);
		if (a < 0)
			return -1;
		if (a) {
			skip_blanks(r);
			if (r->i < r->n && r->s[r->i] == ',') {
				r->i++;
				skip_blanks(r);
				if (address(r, 1) <= 0)
					return -1;
			}
		}
		skip_blanks(r);
		while (r->i < r->n && r->s[r->i] == '!') {
			r->i++;
			skip_blanks(r);
		}
		if (r->i >= r->n)
			return -1;
		char c = r->s[r->i++];
		if ((unsigned char)c >= 128)
			return -1;
		r->used[(unsigned char)c] = 1;
		switch (c) {
		case '{':
			depth++;
			continue;
		case '}':
			if (a || depth == 0)
				return -1;
			depth--;
			break;
		case '=': case 'd': case 'D': case 'g': case 'G': case 'h': case 'H':
		case 'n': case 'N': case 'p': case 'P': case 'x': case 'z': case 'F':
			break;
		case 'l': case 'L': case 'q': case 'Q':
			skip_blanks(r);
			while (r->i < r->n && digit(r->s[r->i]))
				r->i++;
			break;
		case ':':
			if (a || label(r) == 0)
				return -1;
			continue;
		case 'b': case 't': case 'T': case 'v':
			label(r);
			continue;
		case 'a': case 'i': case 'c':
			skip_blanks(r);
			if (r->i < r->n && r->s[r->i] == '\\') {
				r->i++;
				if (r->i < r->n && r->s[r->i] == '\n')
					r->i++;
			}
			to_eol(r, 1);
			continue;
		case 'r': case 'R': case 'w': case 'W': case 'e':
			to_eol(r, 0);
			continue;
		case 's': case 'y': {
			if (r->i >= r->n || r->s[r->i] == '\n' || r->s[r->i] == '\\')
				return -1;
			char delim = r->s[r->i++];
			if ((c == 's' ? to_delim_re(r, delim) : to_delim(r, delim)) < 0 || to_delim(r, delim) < 0)
				return -1;
			if (c == 's' ? s_flags(r) < 0 : end_of_command(r) < 0)
				return -1;
			continue;
		}
		default:
			return -1;
		}
		if (end_of_command(r) < 0)
			return -1;
	}
}

int cpol_sed_uses(const char *s, uint32_t n, char cmd)
{
	struct sedrd r;
	memset(&r, 0, sizeof r);
	r.s = s;
	r.n = n;
	if (sed_read(&r) < 0)
		return 1;
	return (unsigned char)cmd < 128 && r.used[(unsigned char)cmd];
}
