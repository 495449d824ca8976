/* tests/engine/test_ac.c -- the substring automaton (compiler/ac.c and the
 * VM's scan): patterns that overlap, that are prefixes or suffixes of each
 * other, matches across argument boundaries (the joined command line) versus
 * inside one argument (`contains`), and many patterns at once checked
 * against a naive search. */
#include "tests/engine/helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define A CPOL_ALLOW
#define P CPOL_PROMPT
#define F CPOL_FORBID

struct acase {
	const char *argv[8];
	int dec;
	const char *rule;        /* NULL: do not check */
};

static void run_cases(const char *policy, const struct acase *c, size_t n)
{
	struct eng *e = eng_new(policy);
	for (size_t i = 0; i < n; i++) {
		int d = eng_eval(e, c[i].argv);
		cr_expect_eq(d, c[i].dec, "case %zu (%s %s %s ...): %s by \"%s\", expected %s", i,
		             c[i].argv[0], c[i].argv[1] ? c[i].argv[1] : "", c[i].argv[1] && c[i].argv[2] ? c[i].argv[2] : "",
		             eng_dn(d), e->res.verdict.rule, eng_dn(c[i].dec));
		if (c[i].rule)
			cr_expect_str_eq(e->res.verdict.rule, c[i].rule, "case %zu: rule", i);
	}
	eng_free(e);
}

Test(ac, overlapping_patterns)
{
	/* abc and bcd overlap in "abcd"; cde overlaps bcd. */
	static const char policy[] =
		"default allow;\n"
		"rule \"abc\" { when substring \"abc\"; prompt; }\n"
		"rule \"bcd\" { when substring \"bcd\"; forbid; }\n"
		"rule \"cde\" { when substring \"cde\"; prompt; }\n";
	static const struct acase c[] = {
		{ { "x", "abcd" }, F, "bcd" },
		{ { "x", "abce" }, P, "abc" },
		{ { "x", "bcde" }, F, "bcd" },
		{ { "x", "abde" }, A, "default" },
		{ { "x", "zzcdez" }, P, "cde" },
		{ { "abc" }, P, "abc" },
		{ { "x", "ab", "cd" }, A, "default" },  /* "ab cd": the space breaks both */
		{ { "x", "aabcc" }, P, "abc" },        /* match after a failed start */
		{ { "x", "abab", "bcbcd" }, F, "bcd" },
	};
	run_cases(policy, c, sizeof c / sizeof c[0]);
}

Test(ac, prefixes_and_suffixes_of_each_other)
{
	static const char policy[] =
		"default allow;\n"
		"rule \"abcd\" { when substring \"abcd\"; forbid; }\n"
		"rule \"ab\" { when substring \"ab\"; prompt; }\n"
		"rule \"abc\" { when substring \"abc\"; prompt; }\n"
		"rule \"he\" { when substring \"he\"; prompt; }\n"
		"rule \"she\" { when substring \"she\"; forbid; }\n"
		"rule \"hers\" { when substring \"hers\"; forbid; }\n";
	static const struct acase c[] = {
		{ { "x", "abc" }, P, "ab" },
		{ { "x", "ab" }, P, "ab" },
		{ { "x", "a" }, A, "default" },
		{ { "x", "xxabcd" }, F, "abcd" },
		{ { "x", "he" }, P, "he" },
		{ { "x", "ushe" }, F, "she" },        /* she, and he as its suffix */
		{ { "x", "hers" }, F, "hers" },
		{ { "x", "ushers" }, F, "she" },      /* she before hers in source order */
		{ { "x", "hhe" }, P, "he" },
		{ { "x", "sh", "e" }, A, "default" },
	};
	run_cases(policy, c, sizeof c / sizeof c[0]);
}

Test(ac, across_argument_boundaries_and_inside_one)
{
	static const char policy[] =
		"default allow;\n"
		"rule \"joined\" { when substring \"rm -rf /\"; forbid; }\n"
		"rule \"in one arg\" { when any arg contains \"a b\"; prompt; }\n"
		"rule \"arg 2\" { when arg 2 contains \"zz\"; prompt; }\n"
		"rule \"trailing space\" { when substring \"go \"; prompt; }\n"
		"rule \"leading space\" { when substring \" -q\"; prompt; }\n";
	static const struct acase c[] = {
		{ { "rm", "-rf", "/" }, F, "joined" },
		{ { "rm", "-rf /" }, F, "joined" },
		{ { "rm -rf /" }, F, "joined" },
		{ { "rm", "-rf", "/x" }, F, "joined" },
		{ { "rm", "-rf", "./" }, A, "default" },
		{ { "rm", "-r", "f", "/" }, A, "default" },
		{ { "x", "a", "b" }, A, "default" },        /* joined "a b" is not inside one argument */
		{ { "x", "a b" }, P, "in one arg" },
		{ { "x", "ya by" }, P, "in one arg" },
		{ { "a b" }, A, "default" },                /* any arg: argv[1..] only */
		{ { "x", "zz", "y" }, A, "default" },       /* arg 1, not arg 2 */
		{ { "x", "y", "azzb" }, P, "arg 2" },
		{ { "x", "y", "z", "zz" }, A, "default" },
		{ { "x", "y", "z", "z" }, A, "default" },   /* "z z" joined */
		{ { "go", "x" }, P, "trailing space" },
		{ { "go" }, A, "default" },                 /* no space after the last word */
		{ { "ago", "x" }, P, "trailing space" },
		{ { "x", "-q" }, P, "leading space" },
		{ { "-q" }, A, "default" },                 /* no space before the first word */
	};
	run_cases(policy, c, sizeof c / sizeof c[0]);
}

Test(ac, contains_per_argument)
{
	static const char policy[] =
		"default allow;\n"
		"rule \"a0\" { when arg 0 contains \"tool\"; prompt; }\n"
		"rule \"a1\" { when arg 1 contains \"one\", \"uno\"; forbid; }\n"
		"rule \"any\" { when any arg contains \"two\"; prompt; }\n"
		"rule \"none\" { when program \"n\" and no arg contains \"bad\"; prompt; }\n";
	static const struct acase c[] = {
		{ { "mytool" }, P, "a0" },
		{ { "x", "mytool" }, A, "default" },
		{ { "x", "someone" }, F, "a1" },
		{ { "x", "unos" }, F, "a1" },
		{ { "x", "y", "one" }, A, "default" },
		{ { "x", "y", "z", "twofold" }, P, "any" },
		{ { "two" }, A, "default" },
		{ { "n", "good" }, P, "none" },
		{ { "n", "good", "badly" }, A, "default" },
		{ { "n" }, P, "none" },
		{ { "n", "ba", "d" }, P, "none" },
	};
	run_cases(policy, c, sizeof c / sizeof c[0]);
}

Test(ac, same_pattern_in_several_groups_and_rules)
{
	static const char policy[] =
		"default allow;\n"
		"prompt substring \"dd\";\n"
		"rule \"dd and ee\" { when substring \"dd\", \"ee\"; forbid; }\n"
		"rule \"ee twice\" { when any arg contains \"ee\", \"ee\"; prompt; }\n";
	static const struct acase c[] = {
		{ { "x", "dd" }, F, "dd and ee" },
		{ { "x", "ee" }, F, "dd and ee" },
		{ { "x", "d", "d" }, A, "default" },
	};
	run_cases(policy, c, sizeof c / sizeof c[0]);
}

Test(ac, bytes_beyond_ascii_and_control_characters)
{
	static const char policy[] =
		"default allow;\n"
		"rule \"utf8\" { when substring \"\xc3\xa9t\xc3\xa9\"; prompt; }\n"
		"rule \"tab\" { when any arg contains \"a\\tb\"; forbid; }\n"
		"rule \"newline\" { when substring \"x\\ny\"; forbid; }\n";
	static const struct acase c[] = {
		{ { "echo", "\xc3\xa9t\xc3\xa9" }, P, "utf8" },
		{ { "echo", "\xc3\xa9t\xc3" }, A, "default" },
		{ { "echo", "\xc3\xa9T\xc3\xa9" }, A, "default" },
		{ { "echo", "a\tb" }, F, "tab" },
		{ { "echo", "a", "b" }, A, "default" },
		{ { "echo", "x\ny" }, F, "newline" },
		{ { "echo", "x", "y" }, A, "default" },
		{ { "echo", "\xff\xfe" }, A, "default" },  /* bytes in no pattern */
	};
	run_cases(policy, c, sizeof c / sizeof c[0]);
}

Test(ac, case_sensitive_and_matched_text)
{
	struct eng *e = eng_new("default allow;\nforbid substring \"mkfs\", \"rm -rf\" because \"destructive\";\n");
	cr_expect_eq(EV(e, "MKFS"), CPOL_ALLOW);
	cr_expect_eq(EV(e, "mkfs.ext4", "/dev/sda"), CPOL_FORBID);
	cr_expect_str_eq(e->res.verdict.matched, "mkfs");
	cr_expect_str_eq(e->res.verdict.reason, "destructive");
	cr_expect_eq(EV(e, "rm", "-rf", "x"), CPOL_FORBID);
	cr_expect_str_eq(e->res.verdict.matched, "rm -rf");
	eng_free(e);
}

Test(ac, no_substring_patterns_at_all)
{
	struct eng *e = eng_new("default prompt;\nallow program \"ls\";\n");
	cr_expect_eq(EV(e, "ls", "-la"), CPOL_ALLOW);
	cr_expect_eq(EV(e, "cat", "x"), CPOL_PROMPT);
	eng_free(e);
}

/* Deterministic pseudo-random numbers (xorshift). */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static void rand_word(char *out, uint32_t minlen, uint32_t maxlen, const char *alpha)
{
	uint32_t n = minlen + rnd(maxlen - minlen + 1), na = (uint32_t)strlen(alpha);
	for (uint32_t i = 0; i < n; i++)
		out[i] = alpha[rnd(na)];
	out[n] = 0;
}

/* Many short patterns over a tiny alphabet (so they overlap, nest and
 * share prefixes and suffixes), each its own forbid rule: the verdict must
 * name the first pattern, in source order, that a naive search finds in the
 * joined line (substring) or in some argument (contains). */
Test(ac, many_patterns_against_naive_search)
{
	enum { NPAT = 400, NRUNS = 3000 };
	static char pats[NPAT][8];
	for (int variant = 0; variant < 2; variant++) {
		size_t cap = NPAT * 96 + 64, len = 0;
		char *policy = malloc(cap);
		cr_assert(policy);
		len += (size_t)snprintf(policy + len, cap - len, "default allow;\n");
		for (int i = 0; i < NPAT; i++) {
			int dup;
			do {
				rand_word(pats[i], 1, 5, variant ? "abcd" : "ab c");
				dup = 0;
				for (int j = 0; j < i && !dup; j++)
					dup = strcmp(pats[i], pats[j]) == 0;
				if (variant && strchr(pats[i], ' '))
					dup = 1;
				if (pats[i][0] == ' ' && !pats[i][1])
					dup = 1;
			} while (dup && i < 200);
			if (dup) {
				/* the short space is exhausted: longer ones */
				do {
					rand_word(pats[i], 6, 7, "abcd");
					dup = 0;
					for (int j = 0; j < i && !dup; j++)
						dup = strcmp(pats[i], pats[j]) == 0;
				} while (dup);
			}
			len += (size_t)snprintf(policy + len, cap - len, "rule \"p%d\" { when %s \"%s\"; forbid; }\n", i,
			                        variant ? "any arg contains" : "substring", pats[i]);
		}
		struct eng *e = eng_new(policy);
		for (int run = 0; run < NRUNS; run++) {
			char words[6][16], joined[128];
			const char *argv[7];
			int argc = 1 + (int)rnd(5);
			size_t jl = 0;
			for (int k = 0; k < argc; k++) {
				rand_word(words[k], 0, 10, "abcdx");
				argv[k] = words[k];
				jl += (size_t)snprintf(joined + jl, sizeof joined - jl, "%s%s", k ? " " : "", words[k]);
			}
			argv[argc] = NULL;
			int want = -1;
			for (int i = 0; i < NPAT && want < 0; i++) {
				if (variant == 0) {
					if (strstr(joined, pats[i]))
						want = i;
				} else {
					for (int k = 1; k < argc && want < 0; k++)
						if (strstr(words[k], pats[i]))
							want = i;
				}
			}
			int d = eng_eval(e, argv);
			char name[16];
			snprintf(name, sizeof name, "p%d", want);
			if (want < 0) {
				cr_assert_eq(d, CPOL_ALLOW, "\"%s\" matched %s (pattern \"%s\")", joined, e->res.verdict.rule,
				             e->res.verdict.matched);
			} else {
				cr_assert_eq(d, CPOL_FORBID, "\"%s\" should match \"%s\"", joined, pats[want]);
				cr_assert_str_eq(e->res.verdict.rule, name, "\"%s\": first pattern is \"%s\" (%s), VM says %s",
				                 joined, pats[want], name, e->res.verdict.rule);
			}
		}
		eng_free(e);
		free(policy);
	}
}

/* An argument's matches are tracked in a 64-bit mask whose last bit stands
 * for every argument from 63 on: `contains` must still look at the one
 * argument it names. */
Test(ac, contains_beyond_sixty_three_arguments)
{
	struct eng *e = eng_new(
		"default allow;\n"
		"rule \"a70\" { when arg 70 contains \"zz\"; forbid; }\n"
		"rule \"a63\" { when arg 63 contains \"yy\"; forbid; }\n"
		"rule \"a62\" { when arg 62 contains \"yy\"; forbid; }\n"
		"rule \"any\" { when any arg contains \"qq\"; prompt; }\n"
		"rule \"none\" { when program \"n\" and no arg contains \"ww\"; prompt; }\n");
	enum { N = 100 };
	static char words[N][16];
	const char *argv[N + 1];
	for (int i = 0; i < N; i++) {
		snprintf(words[i], sizeof words[i], "a%d", i);
		argv[i] = words[i];
	}
	argv[N] = NULL;
	cr_expect_eq(eng_eval(e, argv), CPOL_ALLOW);
	snprintf(words[65], sizeof words[65], "xzzx");
	cr_expect_eq(eng_eval(e, argv), CPOL_ALLOW, "arg 65 holds zz, not arg 70 (%s)", e->res.verdict.rule);
	snprintf(words[70], sizeof words[70], "zz");
	cr_expect_eq(eng_eval(e, argv), CPOL_FORBID);
	cr_expect_str_eq(e->res.verdict.rule, "a70");
	snprintf(words[70], sizeof words[70], "a70");
	snprintf(words[65], sizeof words[65], "yy");
	cr_expect_eq(eng_eval(e, argv), CPOL_ALLOW, "arg 65 holds yy, not arg 63 (%s)", e->res.verdict.rule);
	snprintf(words[63], sizeof words[63], "yy");
	cr_expect_eq(eng_eval(e, argv), CPOL_FORBID);
	cr_expect_str_eq(e->res.verdict.rule, "a63");
	snprintf(words[63], sizeof words[63], "a63");
	snprintf(words[90], sizeof words[90], "qq");
	cr_expect_eq(eng_eval(e, argv), CPOL_PROMPT);
	cr_expect_str_eq(e->res.verdict.matched, "qq");
	snprintf(words[0], sizeof words[0], "n");
	snprintf(words[90], sizeof words[90], "a90");
	cr_expect_eq(eng_eval(e, argv), CPOL_PROMPT);
	snprintf(words[99], sizeof words[99], "www");
	cr_expect_eq(eng_eval(e, argv), CPOL_ALLOW);
	eng_free(e);
}
