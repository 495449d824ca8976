/* tests/engine/test_intent.c -- path and network intents: every write
 * target kind (last, operands, operands from N, after "-o" with its glued
 * and --long=VALUE forms, value "of="), guarded intents, lexical
 * normalisation against the working directory and HOME (.., ., //, ~),
 * protected paths inside the write roots (.git automatically), the three
 * `writes` modes, and network intents from declarations and URL arguments. */
#include "tests/engine/helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define A CPOL_ALLOW
#define P CPOL_PROMPT
#define F CPOL_FORBID

/* outside -> forbid, all inside -> prompt, no write target -> allow */
static const char write_policy[] =
	"sandbox {\n"
	"    write \"$WORKSPACE\", \"$TMPDIR\", \"/dev/null\", \"~/cache\";\n"
	"    protect \"$WORKSPACE/secrets\", \"build/keep\";\n"
	"}\n"
	"default allow;\n"
	"intent write program \"cp\", \"mv\" target last;\n"
	"intent write program \"rm\", \"touch\", \"mkdir\" target operands;\n"
	"intent write program \"ln\" target operands from 2;\n"
	"intent write program \"cc\" target after \"-o\";\n"
	"intent write program \"sort\" target after \"--output\";\n"
	"intent write program \"dd\" target value \"of=\";\n"
	"intent write program \"sed\" target operands from 2 when any arg option \"-i\";\n"
	"intent write program \"install\" target after \"-t\", last;\n"
	"rule \"out\" { when writes outside sandbox.write; forbid because \"outside\"; }\n"
	"rule \"in\" { when writes inside sandbox.write; prompt because \"inside\"; }\n";

struct icase {
	const char *argv[8];
	int dec;
	const char *matched;     /* for outside: the first target outside; NULL: not checked */
};

static void run(struct eng *e, const struct icase *c, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		int d = eng_eval(e, c[i].argv);
		cr_expect_eq(d, c[i].dec, "%s case %zu [%s %s %s %s]: %s by %s, expected %s", what, i, c[i].argv[0],
		             c[i].argv[1] ? c[i].argv[1] : "", c[i].argv[1] && c[i].argv[2] ? c[i].argv[2] : "",
		             c[i].argv[1] && c[i].argv[2] && c[i].argv[3] ? c[i].argv[3] : "",
		             eng_dn(d), e->res.verdict.rule, eng_dn(c[i].dec));
		if (c[i].matched)
			cr_expect_str_eq(e->res.verdict.matched, c[i].matched, "%s case %zu: matched", what, i);
	}
}
#define RUN(e, what, ...) do { \
		static const struct icase cases_[] = { __VA_ARGS__ }; \
		run((e), cases_, sizeof cases_ / sizeof cases_[0], (what)); \
	} while (0)

Test(intent, target_kinds)
{
	struct eng *e = eng_new(write_policy);
	RUN(e, "last",
	    { { "cp", "a", "b" }, P, NULL }, { { "cp", "a", "/etc/b" }, F, "/etc/b" }, { { "cp", "/etc/a", "b" }, P, NULL },
	    { { "mv", "-f", "/etc/a", "/etc/b", "c" }, P, NULL }, { { "cp", "-r" }, A, NULL },
	    { { "cp", "a", "b", "--", "-c" }, P, NULL }, { { "cp", "--", "a", "-/etc" }, P, NULL },
	    { { "cp", "a", "/etc/x", "-v" }, F, NULL }, { { "cp", "a", "-" }, P, NULL },
	    { { "/bin/cp", "a", "/etc/b" }, F, NULL }, { { "./cp", "a", "/etc/b" }, A, NULL });
	RUN(e, "operands",
	    { { "rm", "x", "y" }, P, NULL }, { { "rm", "x", "/etc/z", "/etc/w" }, F, "/etc/z" }, { { "rm", "-rf" }, A, NULL },
	    { { "rm", "-" }, A, NULL }, { { "rm", "--", "-rf" }, P, NULL }, { { "rm", "--", "--", "/x" }, F, "/x" },
	    { { "touch", "" }, A, NULL }, { { "mkdir", "-p", "a/b/c" }, P, NULL });
	RUN(e, "operands from 2",
	    { { "ln", "-s", "/etc/target", "link" }, P, NULL }, { { "ln", "-s", "target", "/etc/link" }, F, "/etc/link" },
	    { { "ln", "/etc/a" }, A, NULL }, { { "ln", "a", "b", "/etc/c" }, F, NULL });
	RUN(e, "after -o",
	    { { "cc", "-o", "/etc/x", "a.c" }, F, "/etc/x" }, { { "cc", "-o/etc/x", "a.c" }, F, "/etc/x" },
	    { { "cc", "-oout", "a.c" }, P, NULL }, { { "cc", "a.c" }, A, NULL }, { { "cc", "a.c", "-o" }, A, NULL },
	    { { "cc", "--o", "/etc/x" }, A, NULL });
	RUN(e, "after --output",
	    { { "sort", "--output=/etc/x", "f" }, F, "/etc/x" }, { { "sort", "--output", "/etc/x" }, F, "/etc/x" },
	    { { "sort", "--output=x" }, P, NULL }, { { "sort", "-o", "/etc/x" }, A, NULL },
	    { { "sort", "--outputs=/etc/x" }, A, NULL });
	RUN(e, "value of=",
	    { { "dd", "if=/etc/x", "of=/dev/null" }, P, NULL }, { { "dd", "of=/dev/sda" }, F, "/dev/sda" },
	    { { "dd", "if=/dev/sda" }, A, NULL }, { { "dd", "of=out.img" }, P, NULL });
	RUN(e, "guarded",
	    { { "sed", "-i", "s/a/b/", "/etc/hosts" }, F, "/etc/hosts" }, { { "sed", "s/a/b/", "/etc/hosts" }, A, NULL },
	    { { "sed", "-i.bak", "s/a/b/", "f" }, P, NULL }, { { "sed", "-ni", "p", "/etc/f" }, F, NULL });
	RUN(e, "two targets",
	    { { "install", "-t", "/etc", "a", "b" }, F, "/etc" }, { { "install", "-t", "d", "a", "/usr/b" }, F, "/usr/b" },
	    { { "install", "-t", "d", "a", "b" }, P, NULL }, { { "install", "a" }, P, NULL });
	/* a program without intents writes nothing */
	RUN(e, "none", { { "cat", "/etc/x" }, A, NULL }, { { "echo", "/etc/x" }, A, NULL });
	eng_free(e);
}

Test(intent, normalisation)
{
	struct eng *e = eng_new(write_policy);
	RUN(e, "paths from the workspace",
	    { { "touch", "../x" }, F, "../x" }, { { "touch", "./a/../b" }, P, NULL }, { { "touch", "a/../../x" }, F, NULL },
	    { { "touch", "~/x" }, F, NULL }, { { "touch", "~/cache/x" }, P, NULL }, { { "touch", "~/cache" }, P, NULL },
	    { { "touch", "~" }, F, NULL }, { { "touch", "~user/x" }, F, NULL }, { { "touch", "~/cache/../x" }, F, NULL },
	    { { "touch", "/home/user/project" }, P, NULL }, { { "touch", "/home/user/project2" }, F, NULL },
	    { { "touch", "/home/user/project/../project/x" }, P, NULL }, { { "touch", "//home//user/project/./x" }, P, NULL },
	    { { "touch", "/tmp/x" }, P, NULL }, { { "touch", "/tmp" }, P, NULL }, { { "touch", "/tmpx" }, F, NULL },
	    { { "touch", "/dev/null" }, P, NULL }, { { "touch", "/dev/nullx" }, F, NULL },
	    { { "touch", "/../../tmp/x" }, P, NULL }, { { "touch", "x/" }, P, NULL }, { { "touch", "." }, P, NULL },
	    { { "touch", ".." }, F, NULL }, { { "touch", "/" }, F, NULL });
	eng_cwd(e, "/etc");
	RUN(e, "cwd /etc", { { "touch", "x" }, F, "x" }, { { "touch", "/tmp/x" }, P, NULL },
	    { { "touch", "../tmp/x" }, P, NULL }, { { "touch", "~/cache/y" }, P, NULL });
	eng_cwd(e, "/tmp");
	RUN(e, "cwd /tmp", { { "touch", "x" }, P, NULL }, { { "touch", "../x" }, F, NULL });
	eng_cwd(e, ENG_WS "/sub/dir");
	RUN(e, "cwd below the workspace", { { "touch", "../x" }, P, NULL }, { { "touch", "../../x" }, P, NULL },
	    { { "touch", "../../../x" }, F, NULL }, { { "touch", "../../.git/config" }, F, NULL });
	eng_cwd(e, "/");
	RUN(e, "cwd /", { { "touch", "tmp/x" }, P, NULL }, { { "touch", "home/user/project/a" }, P, NULL },
	    { { "touch", "etc" }, F, NULL });
	eng_cwd(e, "/home/user/project/../elsewhere");   /* normalised too */
	RUN(e, "cwd with ..", { { "touch", "x" }, F, NULL }, { { "touch", "../project/x" }, P, NULL });
	eng_free(e);
}

Test(intent, protected_paths_count_as_outside)
{
	struct eng *e = eng_new(write_policy);
	RUN(e, "protected",
	    { { "touch", ".git/config" }, F, ".git/config" }, { { "touch", ".git" }, F, NULL },
	    { { "touch", "./x/../.git/hooks/pre-commit" }, F, NULL }, { { "touch", "/tmp/.git/x" }, F, NULL },
	    { { "touch", "~/cache/.git" }, F, NULL }, { { "touch", ".gitignore" }, P, NULL },
	    { { "touch", "sub/.git/x" }, P, NULL }, { { "touch", "secrets/key" }, F, NULL },
	    { { "touch", "secrets" }, F, NULL }, { { "touch", "secretsx" }, P, NULL },
	    { { "touch", "build/keep/x" }, F, NULL }, { { "touch", "/tmp/build/keep" }, F, NULL },
	    { { "touch", "build/keepx" }, P, NULL }, { { "cp", ".git/config", "backup" }, P, NULL });
	eng_free(e);
	/* a trusted policy protects nothing by itself */
	e = eng_new("sandbox { write \"/\"; network any; }\ndefault allow;\n"
	            "intent write program \"touch\" target operands;\n"
	            "rule \"out\" { when writes outside sandbox.write; forbid; }\n");
	cr_expect_eq(EV(e, "touch", ".git/config"), A);
	cr_expect_eq(EV(e, "touch", "/etc/passwd"), A);
	cr_expect_eq(EV(e, "touch", "~nobody/x"), F);   /* cannot tell where: not inside */
	eng_free(e);
	/* no write roots: every target is outside */
	e = eng_new("default allow;\nintent write program \"touch\" target operands;\n"
	            "rule \"out\" { when writes outside sandbox.write; forbid; }\n");
	cr_expect_eq(EV(e, "touch", "x"), F);
	cr_expect_eq(EV(e, "touch"), A);
	eng_free(e);
}

Test(intent, writes_modes)
{
	struct eng *e = eng_new(
		"sandbox { write \"$WORKSPACE\"; }\n"
		"default allow;\n"
		"intent write program \"rm\" target operands;\n"
		"rule \"any\" { when writes and arg 1 is \"any\"; forbid; }\n"
		"rule \"outside\" { when writes outside sandbox.write and arg 1 is \"out\"; forbid; }\n"
		"rule \"inside\" { when writes inside sandbox.write and arg 1 is \"in\"; forbid; }\n"
		"rule \"not any\" { when not writes and arg 1 is \"none\"; forbid; }\n");
	RUN(e, "modes",
	    { { "rm", "any", "/etc/x" }, F, NULL }, { { "rm", "any" }, F, NULL }, { { "ls", "any" }, A, NULL },
	    { { "rm", "out", "/etc/x" }, F, "out" }, { { "rm", "out", "x" }, A, NULL },
	    { { "rm", "in", "x" }, F, NULL }, { { "rm", "in", "x", "/etc/x" }, A, NULL }, { { "ls", "in" }, A, NULL },
	    { { "ls", "none" }, F, NULL }, { { "rm", "none" }, A, NULL });
	eng_free(e);
}

Test(intent, write_intents_in_scripts_and_redirections)
{
	struct eng *e = eng_new(
		"sandbox { write \"$WORKSPACE\", \"/tmp\"; }\n"
		"default allow;\n"
		"intent write program \"touch\" target operands;\n"
		"rule \"sh\" { when program \"sh\" and arg 1 is \"-c\"; evaluate script arg 2; }\n"
		"rule \"out\" { when writes outside sandbox.write; forbid; }\n"
		"rule \"in\" { when writes inside sandbox.write; prompt; }\n");
	cr_expect_eq(EV(e, "sh", "-c", "touch a; touch /etc/b"), F);
	cr_expect_str_eq(e->res.verdict.matched, "/etc/b");
	cr_expect_eq(EV(e, "sh", "-c", "touch a && echo > /tmp/x"), P);
	cr_expect_eq(EV(e, "sh", "-c", "echo x >> ../x"), F);
	cr_expect_eq(EV(e, "sh", "-c", "echo x > .git/HEAD"), F);
	cr_expect_eq(EV(e, "sh", "-c", "cat < /etc/passwd 2>&1"), A);
	cr_expect_eq(EV(e, "sh", "-c", "echo > \"/tmp/a b\""), P);
	eng_free(e);
}

Test(intent, network)
{
	struct eng *e = eng_new(
		"sandbox { write \"$WORKSPACE\"; network none; }\n"
		"default allow;\n"
		"intent network program \"curl\", \"wget\";\n"
		"intent network program \"git\" when arg 1 in (\"clone\", \"fetch\", \"push\", \"pull\");\n"
		"intent network program \"npm\" when arg 1 in (\"install\", \"i\") and not any arg is \"--offline\";\n"
		"rule \"sh\" { when program \"sh\" and arg 1 is \"-c\"; evaluate script arg 2; }\n"
		"rule \"net\" { when network; forbid because \"no network in this profile\"; }\n");
	RUN(e, "declared",
	    { { "curl", "x" }, F, NULL }, { { "wget" }, F, NULL }, { { "/usr/bin/curl", "x" }, F, NULL },
	    { { "./curl", "x" }, A, NULL }, { { "git", "clone", "repo" }, F, NULL }, { { "git", "status" }, A, NULL },
	    { { "git", "fetch" }, F, NULL }, { { "git" }, A, NULL }, { { "npm", "i" }, F, NULL },
	    { { "npm", "i", "--offline" }, A, NULL }, { { "npm", "test" }, A, NULL });
	RUN(e, "URL arguments",
	    { { "echo", "https://example.com/x" }, F, NULL }, { { "echo", "http://" }, A, NULL },
	    { { "echo", "file:///etc/passwd" }, A, NULL }, { { "rsync", "-a", "src", "user@host:dst" }, F, NULL },
	    { { "echo", "host:path" }, A, NULL }, { { "echo", "ssh://git@github.com/x" }, F, NULL },
	    { { "echo", "HTTPS://EXAMPLE.COM" }, F, NULL }, { { "echo", "ftp://h/x" }, F, NULL },
	    { { "https://example.com" }, A, NULL }, { { "x", "a", "b", "git://h/r" }, F, NULL },
	    { { "echo", "see http://[::1]:8080/" }, A, NULL }, { { "echo", "http://[::1]:8080/" }, F, NULL });
	RUN(e, "in scripts",
	    { { "sh", "-c", "ls && curl x" }, F, NULL }, { { "sh", "-c", "echo https://x.org | cat" }, F, NULL },
	    { { "sh", "-c", "git status; git log" }, A, NULL });
	EV(e, "curl", "x");
	cr_expect_str_eq(e->res.verdict.reason, "no network in this profile");
	eng_free(e);
}
