/* tests/engine/test_codegen.c -- code generation seen from the VM: the
 * program dispatch table (rules filed under the program they require, the
 * others generic, merged back in source order), which argv[0] counts as a
 * program (bare names; absolute paths into system directories by basename;
 * never ./x, /home/u/x or a tool inside a writable root), the set tables
 * (scanned or hashed), and the image's shape (deterministic bytes, forward
 * jumps, conditions ending in RET). */
#include "tests/engine/helpers.h"
#include "vm/vm.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define A CPOL_ALLOW
#define P CPOL_PROMPT
#define F CPOL_FORBID

struct ccase {
	const char *argv[6];
	int dec;
	const char *rule;
};

static void run_cases(struct eng *e, const struct ccase *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int d = eng_eval(e, c[i].argv);
		cr_expect_eq(d, c[i].dec, "case %zu (%s %s): %s by \"%s\", expected %s", i, c[i].argv[0] ? c[i].argv[0] : "(none)",
		             c[i].argv[0] && c[i].argv[1] ? c[i].argv[1] : "", eng_dn(d), e->res.verdict.rule, eng_dn(c[i].dec));
		if (c[i].rule)
			cr_expect_str_eq(e->res.verdict.rule, c[i].rule, "case %zu (%s): rule", i, c[i].argv[0] ? c[i].argv[0] : "");
	}
}

static const char dispatch_policy[] =
	"sandbox { write \"$WORKSPACE\", \"/tmp\"; }\n"
	"default prompt;\n"
	"allow program \"ls\", \"cat\";\n"                                         /* 0 */
	"rule \"git read\" { when program \"git\" and arg 1 in (\"status\", \"log\"); allow; }\n" /* 1 */
	"rule \"generic\" { when arg 1 is \"--danger\"; forbid; }\n"              /* 2 */
	"rule \"git push\" { when arg 1 is \"push\" and program \"git\", \"hg\"; forbid; }\n" /* 3 */
	"rule \"not git\" { when not program \"git\" and arg 1 is \"--maybe\"; prompt; }\n"  /* 4 */
	"rule \"or\" { when program \"make\" or arg 1 is \"build\"; allow; }\n"   /* 5 */
	"rule \"nested\" { when (arg 1 is \"x\" and program \"tar\") and argc == 2; allow; }\n"; /* 6 */

Test(codegen, dispatch_by_program)
{
	struct eng *e = eng_new(dispatch_policy);
	static const struct ccase c[] = {
		{ { "ls", "-la" }, A, "allow program \"ls\", \"cat\"" },
		{ { "cat" }, A, NULL },
		{ { "git", "status" }, A, "git read" },
		{ { "git", "commit" }, P, "default" },
		{ { "git", "--danger" }, F, "generic" },       /* generic rules apply to every program */
		{ { "ls", "--danger" }, F, "generic" },
		{ { "git", "push" }, F, "git push" },
		{ { "hg", "push" }, F, "git push" },
		{ { "svn", "push" }, P, "default" },
		{ { "git", "--maybe" }, P, "default" },
		{ { "svn", "--maybe" }, P, "not git" },
		{ { "make" }, A, "or" },
		{ { "cc", "build" }, A, "or" },
		{ { "tar", "x" }, A, "nested" },
		{ { "tar", "x", "y" }, P, "default" },
		{ { "star", "x" }, P, "default" },
		{ { "LS" }, P, "default" },
		{ { "ls " }, P, "default" },
		{ { "" }, P, "default" },
	};
	run_cases(e, c, sizeof c / sizeof c[0]);
	/* argc 0: nothing to dispatch on, generic rules only */
	const char *none[] = { NULL };
	cr_expect_eq(cpol_eval(e->ctx, 0, none, &e->res), CPOL_PROMPT);
	cr_expect_str_eq(e->res.verdict.rule, "default");
	eng_free(e);
}

Test(codegen, dispatch_table_in_the_image)
{
	struct eng *e = eng_new(dispatch_policy);
	const struct cpol_image *im = e->img;
	/* generic entry 0, then ls cat git hg make? no: make is under "or" (generic) */
	const char *want[] = { "", "ls", "cat", "git", "hg", "tar" };
	cr_assert_eq(im->nprogs, sizeof want / sizeof want[0]);
	for (uint32_t p = 0; p < im->nprogs; p++)
		cr_expect_str_eq(cpol_img_string(im, im->progs[p].name, NULL), want[p]);
	/* generic rules: 2, 4, 5 in source order */
	const struct cpol_img_prog *g = &im->progs[0];
	cr_assert_eq(g->nrules, 3);
	cr_expect_eq(im->refs[g->rules + 0], 2);
	cr_expect_eq(im->refs[g->rules + 1], 4);
	cr_expect_eq(im->refs[g->rules + 2], 5);
	/* git: rules 1 and 3 */
	const struct cpol_img_prog *git = &im->progs[3];
	cr_assert_eq(git->nrules, 2);
	cr_expect_eq(im->refs[git->rules], 1);
	cr_expect_eq(im->refs[git->rules + 1], 3);
	eng_free(e);
}

Test(codegen, program_paths)
{
	struct eng *e = eng_new(
		"sandbox { write \"$WORKSPACE\", \"/tmp\", \"/opt\"; }\n"
		"default prompt;\n"
		"allow program \"git\", \"ls\";\n");
	static const struct ccase c[] = {
		{ { "git", "log" }, A, NULL },
		{ { "/usr/bin/git", "log" }, A, NULL },
		{ { "/bin/ls" }, A, NULL },
		{ { "/sbin/ls" }, A, NULL },
		{ { "/usr/sbin/ls" }, A, NULL },
		{ { "/usr/local/bin/git" }, A, NULL },
		{ { "/usr/local/sbin/git" }, A, NULL },
		{ { "/usr/bin/../bin/git" }, A, NULL },         /* normalised first */
		{ { "//usr///bin/./git" }, A, NULL },
		{ { "./git" }, P, "default" },
		{ { "../git" }, P, "default" },
		{ { "bin/git" }, P, "default" },
		{ { "/home/u/git" }, P, "default" },
		{ { "/home/user/project/git" }, P, "default" },
		{ { "/usr/bin/sub/git" }, P, "default" },
		{ { "/usr/git" }, P, "default" },
		{ { "/opt/bin/git" }, P, "default" },
		{ { "/usr/bin/../../tmp/git" }, P, "default" },
		{ { "/usr/bin/" }, P, "default" },
		{ { "/usr/bin" }, P, "default" },
		{ { "/" }, P, "default" },
		{ { "~/git" }, P, "default" },
		{ { "/tmp/git" }, P, "default" },
	};
	run_cases(e, c, sizeof c / sizeof c[0]);
	eng_free(e);
}

Test(codegen, system_directory_inside_a_write_root_is_not_trusted)
{
	struct eng *e = eng_new(
		"sandbox { write \"/usr/local\"; }\n"
		"default prompt;\n"
		"allow program \"git\";\n");
	cr_expect_eq(EV(e, "/usr/bin/git"), CPOL_ALLOW);
	cr_expect_eq(EV(e, "/usr/local/bin/git"), CPOL_PROMPT);
	cr_expect_eq(EV(e, "git"), CPOL_ALLOW);
	eng_free(e);
	/* a policy that writes everywhere trusts no path */
	e = eng_new("sandbox { write \"/\"; network any; }\ndefault prompt;\nallow program \"git\";\n");
	cr_expect_eq(EV(e, "/usr/bin/git"), CPOL_PROMPT);
	cr_expect_eq(EV(e, "git"), CPOL_ALLOW);
	eng_free(e);
}

Test(codegen, program_sets_scanned_and_hashed)
{
	/* > 4 members get a hash table; <= 4 are scanned; both through `set` names */
	struct eng *e = eng_new(
		"default prompt;\n"
		"set small = \"a1\", \"a2\", \"a3\";\n"
		"set big = \"b1\", \"b2\", \"b3\", \"b4\", \"b5\", \"b6\", \"b7\", \"b8\", \"b9\", \"b10\", small;\n"
		"allow program small;\n"
		"rule \"big\" { when program big; forbid; }\n"
		"rule \"in big\" { when arg 1 in big; forbid; }\n");
	cr_expect_eq(EV(e, "a2"), CPOL_FORBID); /* in both: forbid is stricter */
	cr_expect_eq(EV(e, "b7"), CPOL_FORBID);
	cr_expect_eq(EV(e, "b11"), CPOL_PROMPT);
	cr_expect_eq(EV(e, "x", "b10"), CPOL_FORBID);
	cr_expect_eq(EV(e, "x", "b1 "), CPOL_PROMPT);
	cr_expect_eq(EV(e, "x", "a3"), CPOL_FORBID);
	cr_expect_eq(EV(e, "x", ""), CPOL_PROMPT);
	eng_free(e);
	/* every member of a big set is found through the hash table */
	char policy[32768];
	size_t n = (size_t)snprintf(policy, sizeof policy, "default allow;\nset s = ");
	for (int i = 0; i < 500; i++)
		n += (size_t)snprintf(policy + n, sizeof policy - n, "%s\"m%d\"", i ? ", " : "", i * 7);
	snprintf(policy + n, sizeof policy - n, ";\nrule \"r\" { when arg 1 in s; forbid; }\n");
	e = eng_new(policy);
	for (int i = 0; i < 3500; i++) {
		char w[16];
		snprintf(w, sizeof w, "m%d", i);
		cr_assert_eq(EV(e, "x", w), i % 7 == 0 ? CPOL_FORBID : CPOL_ALLOW, "%s", w);
	}
	eng_free(e);
}

Test(codegen, deterministic_and_well_formed)
{
	struct eng *a = eng_new(dispatch_policy), *b = eng_new(dispatch_policy);
	cr_assert_eq(a->len, b->len);
	cr_expect(memcmp(a->bin, b->bin, a->len) == 0, "two compilations of one policy differ");
	const struct cpol_image *im = a->img;
	for (uint32_t pc = 0; pc < im->ncode; pc++) {
		const struct cpol_img_insn *i = &im->code[pc];
		if (i->op == CPOL_OP_JF || i->op == CPOL_OP_JT)
			cr_expect(i->c > pc && i->c < im->ncode, "jump at %u to %u", pc, i->c);
	}
	/* every rule's code reaches a RET before the next rule's code starts */
	for (uint32_t r = 0; r < im->nrules; r++) {
		uint32_t pc = im->rules[r].code;
		while (im->code[pc].op != CPOL_OP_RET)
			pc++;
		if (r + 1 < im->nrules)
			cr_expect(pc < im->rules[r + 1].code, "rule %u runs into rule %u", r, r + 1);
	}
	/* dump prints without trouble */
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	cr_assert(f);
	cr_expect_eq(cpol_dump(im, f), 0);
	fclose(f);
	cr_expect(n > 100);
	free(buf);
	eng_free(a);
	eng_free(b);
}

Test(codegen, no_rules_at_all)
{
	struct eng *e = eng_new("default forbid;\n");
	cr_expect_eq(EV(e, "ls"), CPOL_FORBID);
	cr_expect_str_eq(e->res.verdict.rule, "default");
	cr_expect_eq(e->res.verdict.index, -1);
	eng_free(e);
	e = eng_new("");
	cr_expect_eq(EV(e, "ls"), CPOL_PROMPT);  /* no default: prompt */
	cr_expect_eq(cpol_image_default(e->img), CPOL_PROMPT);
	cr_expect_str_eq(cpol_image_name(e->img), "t");
	eng_free(e);
}

/* network allow / allow read / deny: roots of their own kinds, the patterns
 * as written, no path variable; malformed patterns are compile errors. */
Test(codegen, host_rules_are_roots_of_their_own_kinds)
{
	struct eng *e = eng_new("policy \"h\";\n"
	                        "sandbox { write \"$WORKSPACE\"; network none;\n"
	                        "  network allow \"github.com:443\", \"*.npmjs.org\";\n"
	                        "  network allow read \"docs.example.org\";\n"
	                        "  network deny \"gist.github.com\"; }\n"
	                        "default allow;\n");
	static const struct { uint8_t kind; const char *pat; } want[] = {
		{ CPOL_RK_NET_ALLOW, "github.com:443" }, { CPOL_RK_NET_ALLOW, "*.npmjs.org" },
		{ CPOL_RK_NET_ALLOW_READ, "docs.example.org" }, { CPOL_RK_NET_DENY, "gist.github.com" },
	};
	size_t k = 0;
	for (uint32_t i = 0; i < e->img->sb->nroots; i++) {
		const struct cpol_img_root *r = &e->img->roots[i];
		if (r->kind < CPOL_RK_NET_ALLOW)
			continue;
		cr_assert_lt(k, 4);
		uint32_t len;
		const char *s = cpol_img_string(e->img, r->path, &len);
		cr_expect_eq(r->kind, want[k].kind, "rule %zu", k);
		cr_expect_eq(r->var, CPOL_RV_NONE);
		cr_expect(len == strlen(want[k].pat) && !memcmp(s, want[k].pat, len), "rule %zu: %.*s", k, (int)len, s);
		k++;
	}
	cr_expect_eq(k, 4);
	eng_free(e);
	char msgs[2048];
	cr_expect_gt(eng_compile_errors("policy \"b\"; sandbox { network allow \"a.*.org\"; }", msgs, sizeof msgs), 0);
	cr_expect(strstr(msgs, "not a host name"), "%s", msgs);
	cr_expect_gt(eng_compile_errors("policy \"b\"; sandbox { network deny \"x.org:0\"; }", msgs, sizeof msgs), 0);
	cr_expect(strstr(msgs, "port"), "%s", msgs);
}
