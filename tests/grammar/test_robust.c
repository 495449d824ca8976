/* tests/grammar/test_robust.c -- no input crashes the front end or leaks:
 * NUL bytes, invalid UTF-8, unterminated strings and comments, 10 MB
 * lines, empty files, files over the 16 MiB limit; then a loop of random
 * and mutated policies (byte flips, insertions, deletions, token splices)
 * through cpol_parse_buffer and cpol_compile (lint only), which checks that
 * every diagnostic points inside its file. Under the sanitizer build
 * (--enable-sanitizers) ASan and UBSan watch every iteration, and an
 * explicit LeakSanitizer check after the loop proves that nothing leaked.
 *
 * CPOL_FUZZ_SEED and CPOL_FUZZ_ITERS change the loop; CPOL_FUZZ_SAVE=FILE
 * writes each input to FILE before it is checked (to keep the one that
 * crashed). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tests/grammar/helpers.h"

#if defined(__SANITIZE_ADDRESS__)
#define CPOL_LSAN 1
#include <sanitizer/lsan_interface.h>
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CPOL_LSAN 1
#include <sanitizer/lsan_interface.h>
#endif
#endif
#ifndef CPOL_LSAN
#define CPOL_LSAN 0
#endif

/* Every diagnostic names a file of the unit, and a position inside it (or
 * none); its message is there; printing them all works. Returns what is
 * wrong (in a static buffer), or NULL. No Criterion assertion here: the
 * mutation loop calls it from a thread of its own. */
static const char *diag_problem(const cpol_unit *u)
{
	static char why[512];
	for (uint32_t i = 0; i < u->ndiags; i++) {
		const cpol_diag *d = &u->diags[i];
		if (!d->msg || d->severity > CPOL_SEV_ERROR)
			return "a diagnostic without a message or severity";
		if (d->loc.line == 0)
			continue;
		if (d->loc.file >= u->nfiles) {
			snprintf(why, sizeof why, "file %u of %u: %s", d->loc.file, u->nfiles, d->msg);
			return why;
		}
		const cpol_file *f = u->files[d->loc.file];
		if (!f->text)
			continue;
		const char *p = f->text, *end = f->text + f->size;
		for (uint32_t line = 1; line < d->loc.line; line++) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			if (!nl) {
				snprintf(why, sizeof why, "line %u of a file with %u: %s", d->loc.line, line, d->msg);
				return why;
			}
			p = nl + 1;
		}
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((eol ? eol : end) - p);
		if (d->loc.col < 1 || d->loc.col > len + 1) {
			snprintf(why, sizeof why, "%u:%u is outside the line (%zu bytes): %s", d->loc.line, d->loc.col,
			         len, d->msg);
			return why;
		}
	}
	FILE *null = fopen("/dev/null", "w");
	if (!null)
		return "cannot open /dev/null";
	cpol_diag_print(u, null);
	fclose(null);
	return NULL;
}

static void check_diags(const cpol_unit *u, const char *what)
{
	const char *why = diag_problem(u);
	cr_assert_null(why, "%s: %s", what, why);
}

static cpol_unit *lint_bytes(const char *text, size_t len)
{
	cpol_unit *u = lint_policy_with("t.cpol", text, len, NULL, 0, NULL, 0);
	cr_assert_not_null(u);
	return u;
}

/* ---- hostile inputs -------------------------------------------------------- */

Test(robust, nul_bytes_invalid_utf8_and_unterminated_things)
{
	static const struct { const char *what; const char *text; size_t len; } inputs[] = {
		{ "empty", "", 0 },
		{ "one NUL", "\0", 1 },
		{ "NULs", "\0\0\0\0\0\0\0\0", 8 },
		{ "NUL inside a keyword", "all\0ow program \"ls\";", 20 },
		{ "NUL at the end", "allow program \"ls\";\0", 20 },
		{ "NUL in a string at the end", "allow program \"ls\0", 18 },
		{ "NUL after a backslash", "allow program \"\\\0\";", 19 },
		{ "lone continuation bytes", "\x80\x81\xbf", 3 },
		{ "truncated UTF-8 at the end", "# \xe2\x82", 4 },
		{ "truncated UTF-8 in a string at the end", "\"\xf0\x9f\x98", 4 },
		{ "5- and 6-byte forms", "\"\xf8\x88\x80\x80\x80\xfc\x84\x80\x80\x80\x80\"", 13 },
		{ "UTF-8 BOM", "\xef\xbb\xbf" "allow program \"ls\";", 22 },
		{ "unterminated string at the end", "allow program \"ls", 17 },
		{ "unterminated string, backslash at the end", "allow program \"ls\\", 18 },
		{ "unterminated \\x at the end", "allow program \"\\x4", 18 },
		{ "unterminated single quote", "allow program 'ls", 17 },
		{ "comment at the end without a newline", "allow program \"ls\"; # no newline", 32 },
		{ "only a comment", "#", 1 },
		{ "only a quote", "\"", 1 },
		{ "only a backslash in a string", "\"\\", 2 },
		{ "unterminated rule", "rule \"r\" { when ( not ( program", 31 },
		{ "unterminated sandbox", "sandbox { network connect 1-", 28 },
		{ "unterminated test", "test { allow \"ls\" cwd", 21 },
		{ "CR only line ends", "allow program \"ls\";\rforbid program \"rm\";\r", 40 },
		{ "all punctuation", ";,{}()=.-==!=<<=>>=", 19 },
	};
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		cpol_unit *u = lint_bytes(inputs[i].text, inputs[i].len);
		check_diags(u, inputs[i].what);
		cpol_unit_free(u);
	}
	/* every byte value alone, and after a quote and a '#' */
	for (int c = 0; c < 256; c++) {
		char buf[3] = { (char)c, 0, 0 };
		for (int k = 0; k < 3; k++) {
			const char *pre = k == 0 ? "" : k == 1 ? "\"" : "#";
			size_t n = strlen(pre);
			memcpy(buf, pre, n);
			buf[n] = (char)c;
			cpol_unit *u = lint_bytes(buf, n + 1);
			check_diags(u, "one byte");
			cpol_unit_free(u);
		}
	}
}

/* A `len`-byte line: prefix, then `fill` repeated, then suffix. */
static char *long_line(const char *prefix, const char *fill, const char *suffix, size_t len)
{
	char *t = malloc(len + 1);
	cr_assert_not_null(t);
	size_t p = strlen(prefix), s = strlen(suffix), f = strlen(fill);
	memcpy(t, prefix, p);
	for (size_t i = p; i < len - s; i++)
		t[i] = fill[(i - p) % f];
	memcpy(t + len - s, suffix, s);
	t[len] = 0;
	return t;
}

Test(robust, ten_megabyte_lines)
{
	static const struct { const char *what, *prefix, *fill, *suffix; const char *first; } lines[] = {
		{ "a string", "forbid substring \"", "abc", "\";", "1:18: error: string of 10485740 bytes is too long (the limit is 4096)" },
		{ "an unterminated string", "forbid substring \"", "x", "", "1:18: error: unterminated string (a string ends with '\"' on the same line)" },
		{ "escapes", "forbid substring \"", "\\n", "\";", "1:18: error: string of 5242870 bytes is too long (the limit is 4096)" },
		{ "a comment", "# ", "comment ", "", NULL },
		{ "a name", "allow program ", "name", ";", "1:15: error: unknown set 'namenamename" },
		{ "digits", "rule \"r\" { when argc == ", "9", "; allow; }", "1:25: error: integer too large (the limit is 4294967295)" },
		{ "parentheses", "rule \"r\" { when ", "(", "", "1:81: error: condition nested too deeply (the limit is 64 levels of '(' and 'not')" },
		{ "nots", "rule \"r\" { when ", "not ", "", "1:273: error: condition nested too deeply (the limit is 64 levels of '(' and 'not')" },
		{ "blanks", "", " \t", "", NULL },
		{ "junk", "", "@$%^&*!?", "", "1:1: error: unexpected character '@'" },
		{ "UTF-8 outside strings", "", "\xc3\xa9", "", "1:1: error: unexpected non-ASCII character (only strings and comments may hold UTF-8)" },
		{ "invalid UTF-8 in a comment", "#", "\xff", "", "1:2: error: invalid UTF-8 byte 0xff in a comment" },
		{ "a list", "allow program ", "\"a\", ", "\"a\";", NULL },
	};
	const size_t len = 10u << 20;
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		char *text = long_line(lines[i].prefix, lines[i].fill, lines[i].suffix, len);
		cpol_unit *u = lint_bytes(text, len);
		check_diags(u, lines[i].what);
		if (lines[i].first) {
			cr_assert_geq(u->ndiags, 1, "%s", lines[i].what);
			char got[8192];
			snprintf(got, sizeof got, "%u:%u: error: %s", u->diags[0].loc.line, u->diags[0].loc.col, u->diags[0].msg);
			cr_expect_eq(strncmp(got, lines[i].first, strlen(lines[i].first)), 0, "%s: %.200s", lines[i].what, got);
		}
		cr_expect_leq(u->ndiags, 101, "%s", lines[i].what);
		cpol_unit_free(u);
		free(text);
	}
}

Test(robust, the_file_size_limit_is_16_mib)
{
	const size_t limit = 16u << 20;
	char *text = malloc(limit + 2);
	cr_assert_not_null(text);
	memset(text, '\n', limit + 1);
	memcpy(text, "allow program \"ls\";", 19);
	/* exactly the limit is read */
	cpol_file *f;
	cpol_unit *u = parse_policy_with("t.cpol", text, limit, NULL, 0, NULL, 0, &f);
	cr_expect_not_null(f);
	cr_expect_eq(u->ndiags, 0, "%s", diag_text(u, 1));
	cr_expect_eq(count_stmts(f), 1);
	cpol_unit_free(u);
	/* one byte more is refused, without a position */
	u = parse_policy_with("t.cpol", text, limit + 1, NULL, 0, NULL, 0, &f);
	cr_expect_null(f);
	cr_expect_str_eq(diag_text(u, 1), "t.cpol:0:0: error: t.cpol is too large (the limit is 16777216 bytes)\n");
	cpol_unit_free(u);
	/* and so is an included file */
	struct tfile big[] = { { "big.cpol", text } };
	text[limit + 1] = 0;
	const char *main_text = "include \"big.cpol\";\n";
	u = parse_policy_with("t.cpol", main_text, strlen(main_text), big, 1, NULL, 0, &f);
	cr_expect_str_eq(diag_text(u, 1), "t.cpol:1:1: error: big.cpol is too large (the limit is 16777216 bytes)\n");
	cpol_unit_free(u);
	free(text);
}

Test(robust, files_on_disk_too_large_missing_or_not_regular)
{
	char dir[] = "/tmp/cpol-robust-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	char big[64], none[64], ok[64];
	snprintf(big, sizeof big, "%s/big.cpol", dir);
	snprintf(none, sizeof none, "%s/none.cpol", dir);
	snprintf(ok, sizeof ok, "%s/ok.cpol", dir);
	int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(ftruncate(fd, (16 << 20) + 1), 0, "a sparse file over the limit");
	close(fd);
	fd = open(ok, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, "", 0), 0, "an empty file");
	close(fd);
	const char *paths[] = { big, none, dir };
	for (int i = 0; i < 3; i++) {
		cpol_unit *u = cpol_unit_new();
		cr_expect_null(cpol_parse_file(u, paths[i]));
		char want[256];
		if (i == 0)
			snprintf(want, sizeof want, "%s is too large (16777217 bytes; the limit is 16777216)", big);
		else if (i == 1)
			snprintf(want, sizeof want, "cannot open %s: No such file or directory", none);
		else
			snprintf(want, sizeof want, "%s is not a regular file", dir);
		cr_assert_eq(u->ndiags, 1, "%s", paths[i]);
		cr_expect_str_eq(u->diags[0].msg, want);
		cr_expect_eq(u->diags[0].loc.line, 0);
		cpol_unit_free(u);
	}
	cpol_unit *u = cpol_unit_new();
	cpol_file *f = cpol_parse_file(u, ok);
	cr_expect_not_null(f);
	cr_expect_eq(u->ndiags, 0);
	struct cpol_compile_opts o = { 0 };
	cr_expect_eq(cpol_compile(u, f, &o, 1, NULL, NULL), 0, "an empty policy is a valid policy");
	cpol_unit_free(u);
	unlink(big);
	unlink(ok);
	rmdir(dir);
}

/* ---- the mutation loop -------------------------------------------------------------- */

static const char *const seeds[] = {
	/* the sketch policy (tests/data/sketch/) */
	"policy \"workspace-write\";\n"
	"include \"common/dangerous.cpol\";\n"
	"sandbox {\n"
	"    read  \"/\";\n"
	"    write \"$WORKSPACE\", \"$TMPDIR\", \"/tmp\", \"/dev/null\";\n"
	"    network none;\n"
	"}\n"
	"default prompt;\n"
	"forbid substring \"rm -rf /\", \"mkfs\", \":(){ :|:& };:\" because \"destructive\";\n"
	"forbid program \"curl\", \"wget\", \"nc\", \"ssh\" because \"no network in this profile\";\n"
	"allow  program \"ls\", \"cat\", \"grep\", \"head\", \"tail\", \"wc\", \"pwd\";\n"
	"rule \"git read-only\" {\n"
	"    when program \"git\" and arg 1 in (\"status\", \"log\", \"diff\", \"show\");\n"
	"    allow;\n"
	"}\n"
	"rule \"find that runs nothing\" {\n"
	"    when program \"find\" and no arg in (\"-exec\", \"-execdir\", \"-delete\", \"-ok\");\n"
	"    allow;\n"
	"}\n"
	"rule \"writes outside the workspace\" {\n"
	"    when writes outside sandbox.write;   # a path intent\n"
	"    forbid because \"writes outside the writable roots\";\n"
	"}\n"
	"rule \"shell -c\" {\n"
	"    when program \"bash\", \"sh\" and arg 1 in (\"-c\", \"-lc\");\n"
	"    evaluate script arg 2;\n"
	"}\n"
	"test {\n"
	"    allow  \"ls -la\";\n"
	"    allow  \"bash -lc 'git status && ls'\";\n"
	"    forbid \"rm -rf /\";\n"
	"    prompt \"make install\";\n"
	"}\n",
	/* every other construct */
	"policy \"workspace-net\";\n"
	"include \"common/sets.cpol\";\n"
	"sandbox {\n"
	"    read \"/\", \"~\";\n"
	"    write \"$WORKSPACE\", \"$HOME/.cache\";\n"
	"    protect \".git\", \"$WORKSPACE/.env\";\n"
	"    network connect 80, 443, 8000-8100;\n"
	"    bind 3000-3999;\n"
	"    env keep \"PAGER\", \"NODE_OPTIONS\";\n"
	"}\n"
	"default forbid;\n"
	"set compilers = \"cc\", \"gcc\", \"clang\";\n"
	"set builders = compilers, \"make\", \"ninja\";\n"
	"prompt program builders because \"builds run code\";\n"
	"allow substring \"--version\";\n"
	"intent network program \"curl\", \"wget\";\n"
	"intent network program \"git\" when arg 1 in (\"clone\", \"fetch\", \"push\", \"pull\");\n"
	"intent write program \"cp\", \"mv\" target last;\n"
	"intent write program \"touch\", \"mkdir\" target operands;\n"
	"intent write program \"install\" target operands from 2;\n"
	"intent write program \"cc\" target after \"-o\";\n"
	"intent write program \"dd\" target value \"of=\";\n"
	"rule \"rm\" {\n"
	"    when program \"rm\" and (any arg flag \"r\" or any arg option \"--recursive\") unless argc <= 2;\n"
	"    prompt because \"recursive delete\";\n"
	"}\n"
	"rule \"sed -i\" {\n"
	"    when program \"sed\" and not any arg prefix \"-i\" and arg 1 suffix (\".sed\") or arg 2 contains \"w \";\n"
	"    forbid;\n"
	"}\n"
	"rule \"argc\" { when argc == 1 or argc != 2 and argc < 3 or argc > 4 and argc >= 5; allow; }\n"
	"rule \"net\" { when network and not writes inside sandbox.write or writes; forbid because \"x\\ty\\n\\\"\\\\\\x41\"; }\n"
	"rule \"true\" { when true and program \"x\"; prompt; }\n"
	"test {\n"
	"    allow \"ls --version\";\n"
	"    prompt \"cc --version\";\n"
	"    prompt \"make\" cwd \"/home/user/project\";\n"
	"    forbid \"curl https://example.com\";\n"
	"}\n",
};

static const struct tfile incs[] = {
	{ "common/dangerous.cpol", "forbid substring \"dd if=/dev/zero of=/dev/\" because \"overwrites a disk\";\n" },
	{ "common/sets.cpol", "set shells = \"bash\", \"sh\";\nrule \"sh\" { when program shells and arg 1 is \"-c\"; evaluate script arg 2; }\n" },
};

/* Splices: tokens, half tokens and the bytes that trouble lexers. */
static const char *const dict[] = {
	"policy", "include", "sandbox", "read", "write", "network", "none", "any", "outbound", "connect",
	"bind", "protect", "env", "keep", "default", "allow", "prompt", "forbid", "substring", "program",
	"rule", "when", "unless", "and", "or", "not", "arg", "no", "in", "is", "prefix", "suffix",
	"contains", "flag", "option", "argc", "writes", "outside", "inside", "evaluate", "script", "test",
	"because", "set", "intent", "target", "last", "operands", "from", "after", "value", "true", "cwd",
	";", ",", "{", "}", "(", ")", "=", ".", "-", "==", "!=", "<", "<=", ">", ">=", "\"", "'", "#", "\\",
	"\n", " ", "\t", "\r", "0", "1", "65535", "65536", "4294967295", "4294967296", "\"\"", "\"x\"",
	"\"\\x00\"", "\"\\x", "\"\\q\"", "\"/\"", "\"$WORKSPACE\"", "\"..\"", "\"r\"", "\"rf\"", "name",
	"include \"common/dangerous.cpol\";", "include \"t.cpol\";", "include \"nope.cpol\";", "sandbox.write",
	"((((((((", "not not not not", "\xff", "\xc3\xa9", "\xe2\x82", "\0",
};

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ull;
}

static size_t below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

struct buf {
	char *p;
	size_t n, cap;
};

static void reserve(struct buf *b, size_t extra)
{
	if (b->n + extra <= b->cap)
		return;
	size_t cap = (b->n + extra) * 2;
	b->p = realloc(b->p, cap);
	cr_assert_not_null(b->p);
	b->cap = cap;
}

static void insert(struct buf *b, size_t at, const char *s, size_t n)
{
	reserve(b, n);
	memmove(b->p + at + n, b->p + at, b->n - at);
	memcpy(b->p + at, s, n);
	b->n += n;
}

/* The start of the line that holds offset `at`. */
static size_t line_start(const char *p, size_t at)
{
	while (at > 0 && p[at - 1] != '\n')
		at--;
	return at;
}

static void mutate(struct buf *b)
{
	int rounds = below(2) ? 1 : 1 + (int)below(8);
	for (int r = 0; r < rounds; r++) {
		size_t at = below(b->n + 1);
		switch (below(10)) {
		case 7: case 8: { /* a whole line of a seed, at the start of a line */
			const char *src = seeds[below(2)];
			size_t sn = strlen(src);
			size_t from = line_start(src, below(sn));
			const char *nl = strchr(src + from, '\n');
			size_t n = nl ? (size_t)(nl - src) + 1 - from : sn - from;
			insert(b, line_start(b->p, at), src + from, n);
			break;
		}
		case 9: { /* delete a whole line */
			size_t from = line_start(b->p, at < b->n ? at : b->n);
			const char *nl = memchr(b->p + from, '\n', b->n - from);
			size_t to = nl ? (size_t)(nl - b->p) + 1 : b->n;
			memmove(b->p + from, b->p + to, b->n - to);
			b->n -= to - from;
			break;
		}
		case 0: /* flip a bit */
			if (b->n)
				b->p[below(b->n)] ^= (char)(1u << below(8));
			break;
		case 1: /* any byte */
			if (b->n)
				b->p[below(b->n)] = (char)below(256);
			break;
		case 2: { /* insert random bytes */
			char tmp[4];
			size_t n = 1 + below(4);
			for (size_t i = 0; i < n; i++)
				tmp[i] = (char)below(256);
			insert(b, at, tmp, n);
			break;
		}
		case 3: { /* delete a range */
			size_t n = below(b->n - (at < b->n ? at : b->n) + 1);
			if (n > 64)
				n = below(65);
			memmove(b->p + at, b->p + at + n, b->n - at - n);
			b->n -= n;
			break;
		}
		case 4: case 5: { /* splice a token */
			size_t k = below(sizeof dict / sizeof dict[0]);
			const char *t = dict[k];
			size_t n = t[0] ? strlen(t) : 1;
			insert(b, at, t, n);
			break;
		}
		case 6: { /* splice a chunk of a seed, or duplicate one of this input */
			const char *src = seeds[below(2)];
			size_t sn = strlen(src);
			size_t from = below(sn), n = below(80);
			if (from + n > sn)
				n = sn - from;
			char tmp[80];
			memcpy(tmp, src + from, n);
			insert(b, at, tmp, n);
			break;
		}
		}
	}
}

static unsigned long env_num(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);
	return v && *v ? strtoul(v, NULL, 0) : dflt;
}

struct fuzz {
	unsigned long iters, with_errors, clean;
	char failed[1024];        /* the first problem, or "" */
};

/* The loop itself, in a thread of its own: what it allocates has no
 * Criterion frame on its stack, so LeakSanitizer's suppressions of
 * Criterion's own leaks (tests/lsan.supp) cannot hide a leak of ours. */
static void *fuzz_loop(void *arg)
{
	struct fuzz *z = arg;
	const char *save = getenv("CPOL_FUZZ_SAVE");
	struct buf b = { 0 };
	for (unsigned long it = 0; it < z->iters && !z->failed[0]; it++) {
		b.n = 0;
		if (it % 20 == 19) {
			/* now and then pure noise, mostly printable */
			size_t n = below(400);
			reserve(&b, n);
			for (size_t i = 0; i < n; i++)
				b.p[i] = (char)(below(4) ? 0x20 + below(95) : below(256));
			b.n = n;
		} else {
			const char *s = seeds[it % 2];
			size_t n = strlen(s);
			reserve(&b, n);
			memcpy(b.p, s, n);
			b.n = n;
			if (it >= 2)
				mutate(&b);
		}
		if (save) {
			FILE *f = fopen(save, "wb");
			if (f) {
				fwrite(b.p, 1, b.n, f);
				fclose(f);
			}
		}
		cpol_unit *u = lint_policy_with("t.cpol", b.p ? b.p : "", b.n, incs, 2, NULL, 0);
		if (!u) {
			snprintf(z->failed, sizeof z->failed, "iteration %lu: out of memory", it);
			break;
		}
		const char *why = diag_problem(u);
		if (why)
			snprintf(z->failed, sizeof z->failed, "iteration %lu: %s", it, why);
		else if (it < 2 && u->nerrors)
			snprintf(z->failed, sizeof z->failed, "seed %lu has errors: %.900s", it, diag_text(u, 1));
		if (u->nerrors)
			z->with_errors++;
		else
			z->clean++;
		cpol_unit_free(u);
	}
	free(b.p);
	return NULL;
}

Test(robust, ten_thousand_mutated_policies, .timeout = 300)
{
	struct fuzz z = { .iters = env_num("CPOL_FUZZ_ITERS", 10000) };
	rng_state = env_num("CPOL_FUZZ_SEED", 0x5eedc0de5eedc0deull) | 1;
	pthread_t th;
	cr_assert_eq(pthread_create(&th, NULL, fuzz_loop, &z), 0);
	cr_assert_eq(pthread_join(th, NULL), 0);
	cr_assert_str_empty(z.failed, "%s", z.failed);
#if CPOL_LSAN
	/* Everything of every unit is freed: nothing may be left. */
	cr_assert_eq(__lsan_do_recoverable_leak_check(), 0, "the loop leaked (see LeakSanitizer's report)");
#endif
	cr_log_info("%lu inputs: %lu with errors, %lu without", z.iters, z.with_errors, z.clean);
	/* the mutations must leave some inputs valid and break most */
	if (z.iters >= 1000) {
		cr_expect_gt(z.clean, z.iters / 50);
		cr_expect_gt(z.with_errors, z.iters / 2);
	}
}
