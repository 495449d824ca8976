/* tests/engine/test_script.c -- `evaluate script arg N` and command lines:
 * a script is split into simple commands, each judged by the whole policy
 * and listed in the result with its own verdict; the strictest wins; what
 * the splitter cannot judge for certain is at least prompt; scripts nest up
 * to the depth limit; cpol_eval_line judges one simple command as its argv
 * and anything more as `sh -c LINE` read the bash way. Scripts are read the way the shell
 * running them does (dash for sh), and builtins that run strings or rebind
 * names are at least prompt. */
#include "tests/engine/helpers.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define A CPOL_ALLOW
#define P CPOL_PROMPT
#define F CPOL_FORBID

static const char sh_policy[] =
	"sandbox { write \"$WORKSPACE\", \"/tmp\", \"/dev/null\"; }\n"
	"default prompt;\n"
	"allow program \"ls\", \"cat\", \"echo\", \"true\", \"grep\", \"wc\", \"tee\";\n"  /* 0 */
	"forbid program \"rm\" because \"no rm\";\n"                                    /* 1 */
	"rule \"git read\" { when program \"git\" and arg 1 in (\"status\", \"log\"); allow; }\n" /* 2 */
	"rule \"shell -c\" { when program \"bash\", \"sh\" and arg 1 in (\"-c\", \"-lc\"); evaluate script arg 2; }\n" /* 3 */
	"rule \"writes out\" { when writes outside sandbox.write; forbid because \"outside\"; }\n" /* 4 */
	"intent write program \"tee\" target operands;\n";

/* The same with `default allow`: a prompt can only come from the script. */
static const char sh_allow_policy[] =
	"sandbox { write \"$WORKSPACE\", \"/tmp\", \"/dev/null\"; }\n"
	"default allow;\n"
	"forbid program \"rm\";\n"
	"rule \"shell -c\" { when program \"bash\", \"sh\" and arg 1 in (\"-c\", \"-lc\"); evaluate script arg 2; }\n"
	"rule \"writes out\" { when writes outside sandbox.write; forbid because \"outside\"; }\n";

/* Each script, run as bash -c under e, must be decided want (or_stricter:
 * want or a stricter decision). */
static void expect_scripts(struct eng *e, const char *const *scripts, size_t n, int want, int or_stricter)
{
	for (size_t i = 0; i < n; i++) {
		int d = EV(e, "bash", "-c", scripts[i]);
		cr_expect(or_stricter ? d >= want : d == want, "script \"%s\" is %s by %s (%s), expected %s%s", scripts[i],
		          eng_dn(d), e->res.verdict.rule, e->res.verdict.reason, eng_dn(want), or_stricter ? " or stricter" : "");
	}
}

Test(script, subcommands_are_listed_with_their_verdicts)
{
	struct eng *e = eng_new(sh_policy);
	cr_assert_eq(EV(e, "bash", "-c", "ls -la && cat x"), A);
	cr_assert_eq(e->res.ncommands, 2);
	cr_expect_str_eq(e->res.commands[0].text, "ls -la");
	cr_expect_eq(e->res.commands[0].depth, 1);
	cr_expect_eq(e->res.commands[0].verdict.decision, A);
	cr_expect_eq(e->res.commands[0].verdict.index, 0);
	cr_expect_str_eq(e->res.commands[1].text, "cat x");
	cr_expect_eq(e->res.commands[1].verdict.decision, A);
	cr_expect_eq(e->res.truncated, 0);

	cr_assert_eq(EV(e, "bash", "-c", "ls; rm -rf x; git log"), F);
	cr_expect_str_eq(e->res.verdict.rule, "forbid program \"rm\"");
	cr_expect_str_eq(e->res.verdict.reason, "no rm");
	cr_expect_eq(e->res.verdict.index, 1);
	cr_assert_eq(e->res.ncommands, 3);
	cr_expect_eq(e->res.commands[0].verdict.decision, A);
	cr_expect_eq(e->res.commands[1].verdict.decision, F);
	cr_expect_str_eq(e->res.commands[1].text, "rm -rf x");
	cr_expect_eq(e->res.commands[2].verdict.decision, A);
	cr_expect_str_eq(e->res.commands[2].verdict.rule, "git read");

	cr_assert_eq(EV(e, "bash", "-c", "ls | grep a || echo b\nwc -l; git status |& cat"), A);
	cr_expect_eq(e->res.ncommands, 6);

	/* quotes and escapes are removed from the words */
	cr_assert_eq(EV(e, "bash", "-lc", "echo 'a b' \"c d\" e\\ f"), A);
	cr_assert_eq(e->res.ncommands, 1);
	cr_expect_str_eq(e->res.commands[0].text, "echo a b c d e f");

	/* the first of the strictest sub-commands names the verdict */
	cr_assert_eq(EV(e, "bash", "-c", "git push; make; ls"), P);
	cr_expect_str_eq(e->res.verdict.rule, "default");
	cr_expect_eq(e->res.commands[0].verdict.decision, P);
	cr_expect_eq(e->res.commands[1].verdict.decision, P);

	/* a sub-command's program can be a trusted path */
	cr_assert_eq(EV(e, "sh", "-c", "/usr/bin/ls; /bin/rm x"), F);
	cr_expect_str_eq(e->res.verdict.matched, "rm");
	cr_expect_str_eq(e->res.commands[0].verdict.matched, "ls");
	cr_assert_eq(EV(e, "sh", "-c", "./ls"), P);
	eng_free(e);
}

Test(script, uncertain_constructs_are_at_least_prompt)
{
	struct eng *e = eng_new(sh_allow_policy);
	static const char *const scripts[] = {
		"echo $(date)", "echo `date`", "cat <(ls)", "ls >(cat)", "echo $HOME", "echo ${X}",
		"echo $((1+2))", "echo {a,b}", "cat <<EOF\nx\nEOF", "cat <<< word", "(ls)", "{ ls; }",
		"ls &", "X=1 ls", "X=1", "if true; then ls; fi", "for i in a; do ls; done",
		"while false; do ls; done", "case x in x) ls;; esac", "f() { ls; }", "[[ -f x ]]",
		"echo 'unterminated", "echo \"unterminated", "ls ;; ls", "ls | | ls", "eval ls", "source x",
		". x", "exec eval ls", "ls > /etc/x.conf", "ls >> ~/.bashrc", "ls >&/etc/x", "ls &> /var/x",
		"echo hi > /home/user/project/../x", "ls 3> /x", "coproc ls",
		";;", "&&", "|", ";", "&", "a=(1 2)",
	};
	expect_scripts(e, scripts, sizeof scripts / sizeof scripts[0], P, 1);
	/* and certain ones are not */
	static const char *const fine[] = {
		"ls", "ls -la | grep x", "echo hi > out.txt", "echo hi >> /tmp/log", "ls 2>/dev/null", "ls 2>&1",
		"cat < /etc/passwd", "exec ls", "echo '$HOME'", "echo \\$x", "ls # comment $(rm x)", "", "   ",
		"echo hi > ./sub/../out", "true && echo ok || echo no", "time ls",
	};
	expect_scripts(e, fine, sizeof fine / sizeof fine[0], A, 0);
	eng_free(e);
}

Test(script, forbidden_parts_stay_forbidden_inside_uncertain_constructs)
{
	struct eng *e = eng_new(sh_allow_policy);
	static const char *const scripts[] = {
		"X=1 rm x", "(rm x)", "{ rm x; }", "ls && rm x &", "if true; then rm x; fi", "exec rm x",
		"exec exec rm x", "ls; ls; rm x", "echo hi > /etc/passwd", "echo 'x' >> /root/.profile",
	};
	expect_scripts(e, scripts, sizeof scripts / sizeof scripts[0], F, 0);
	eng_free(e);
}

/* A redirection is a write target for `writes` even on a command with no
 * words to run (`> file` truncates it). */
Test(script, redirection_without_a_command_is_a_write)
{
	struct eng *e = eng_new(sh_allow_policy);
	static const char *const scripts[] = { "> /etc/passwd", "exec > /etc/passwd", ">> ~/.bashrc", "exec 3> /etc/x" };
	expect_scripts(e, scripts, sizeof scripts / sizeof scripts[0], F, 0);
	/* inside the roots it is nothing to worry about: still allow, even with default prompt */
	eng_free(e);
	e = eng_new(sh_policy);
	cr_expect_eq(EV(e, "bash", "-c", "> out.txt"), A, "%s: %s", e->res.verdict.rule, e->res.verdict.reason);
	cr_expect_eq(EV(e, "bash", "-c", "exec > /tmp/log; ls"), A, "%s: %s", e->res.verdict.rule, e->res.verdict.reason);
	cr_expect_eq(EV(e, "bash", "-c", "exec"), A);
	eng_free(e);
}

static char *sq(const char *s)
{
	/* single-quote s for the shell */
	size_t n = strlen(s), k = 0;
	char *o = malloc(4 * n + 3);
	cr_assert(o);
	o[k++] = '\'';
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\'') {
			memcpy(o + k, "'\\''", 4);
			k += 4;
		} else {
			o[k++] = s[i];
		}
	}
	o[k++] = '\'';
	o[k] = 0;
	return o;
}

/* "bash -c '...'" nested `levels` times around `inner`. */
static char *nest(const char *inner, int levels)
{
	char *s = strdup(inner);
	for (int i = 0; i < levels; i++) {
		char *q = sq(s);
		size_t n = strlen(q) + 16;
		char *t = malloc(n);
		cr_assert(t);
		snprintf(t, n, "bash -c %s", q);
		free(q);
		free(s);
		s = t;
	}
	return s;
}

Test(script, nested_scripts_and_the_depth_limit)
{
	struct eng *e = eng_new(sh_policy);
	cr_assert_eq(EV(e, "bash", "-c", "bash -c 'ls && sh -c \"git status\"'"), A);
	cr_assert_eq(e->res.ncommands, 4);
	cr_expect_eq(e->res.commands[0].depth, 1);
	cr_expect_str_eq(e->res.commands[0].text, "bash -c ls && sh -c \"git status\"");
	cr_expect_eq(e->res.commands[1].depth, 2);
	cr_expect_str_eq(e->res.commands[1].text, "ls");
	cr_expect_eq(e->res.commands[2].depth, 2);
	cr_expect_eq(e->res.commands[3].depth, 3);
	cr_expect_str_eq(e->res.commands[3].text, "git status");

	cr_assert_eq(EV(e, "bash", "-c", "ls; bash -c 'echo; rm -rf /'"), F);
	cr_expect_str_eq(e->res.verdict.rule, "forbid program \"rm\"");
	cr_expect_eq(e->res.commands[1].verdict.decision, F);  /* the inner bash -c takes its script's verdict */

	/* depth 0 is the command itself; its script's commands are depth 1 ... 4 */
	for (int levels = 1; levels <= 6; levels++) {
		char *allow = nest("ls", levels), *forbid = nest("rm x", levels);
		int da = eng_line(e, allow);
		int want = levels <= 4 ? A : P;
		cr_expect_eq(da, want, "%d levels of ls: %s (%s)", levels, eng_dn(da), e->res.verdict.reason);
		if (levels > 4)
			cr_expect_str_eq(e->res.verdict.reason, "scripts nested too deeply to judge");
		int df = eng_line(e, forbid);
		cr_expect_eq(df, levels <= 4 ? F : P, "%d levels of rm: %s", levels, eng_dn(df));
		if (levels <= 4)
			cr_expect_eq(e->res.ncommands, (unsigned)levels);
		free(allow);
		free(forbid);
	}
	eng_free(e);
}

Test(script, missing_empty_and_oversized_scripts)
{
	struct eng *e = eng_new(sh_policy);
	cr_expect_eq(EV(e, "bash", "-c"), P);
	cr_expect_str_eq(e->res.verdict.reason, "the script argument is missing");
	cr_expect_eq(e->res.verdict.index, -1);
	cr_expect_eq(EV(e, "bash", "-c", ""), A);
	cr_expect_eq(EV(e, "bash", "-c", "  \n\t # nothing\n"), A);

	/* more commands than the splitter stores: cannot judge */
	size_t cap = 300 * 4 + 1, n = 0;
	char *big = malloc(cap);
	cr_assert(big);
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(big + n, cap - n, "ls;");
	cr_expect_eq(EV(e, "bash", "-c", big), P);
	cr_expect_str_eq(e->res.verdict.reason, "script too large to judge");
	free(big);

	/* more sub-commands than a result lists: the rest are counted */
	cap = 100 * 4 + 1;
	n = 0;
	big = malloc(cap);
	cr_assert(big);
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(big + n, cap - n, "ls;");
	cr_expect_eq(EV(e, "bash", "-c", big), A);
	cr_expect_eq(e->res.ncommands, 64);
	cr_expect_eq(e->res.truncated, 36);
	/* ... and a forbidden command past the listed ones still decides */
	big[n - 3] = 0;
	char *withrm = malloc(n + 16);
	cr_assert(withrm);
	snprintf(withrm, n + 16, "%srm x", big);
	cr_expect_eq(EV(e, "bash", "-c", withrm), F);
	free(withrm);
	free(big);
	eng_free(e);
}

/* Two script rules on one command: the second script is split into the
 * same storage as the first; the verdict the first one won keeps its text. */
Test(script, two_scripts_of_one_command)
{
	struct eng *e = eng_new(
		"default allow;\n"
		"prompt program \"make\";\n"
		"rule \"s1\" { when program \"sh\" and arg 1 is \"-c\"; evaluate script arg 2; }\n"
		"rule \"s2\" { when program \"sh\" and arg 3 is \"-c\"; evaluate script arg 4; }\n");
	cr_expect_eq(EV(e, "sh", "-c", "make all", "-c", "ls -la"), P);
	cr_expect_str_eq(e->res.verdict.rule, "prompt program \"make\"");
	cr_expect_str_eq(e->res.verdict.matched, "make");
	cr_assert_eq(e->res.ncommands, 2);
	cr_expect_str_eq(e->res.commands[0].text, "make all");
	cr_expect_str_eq(e->res.commands[1].text, "ls -la");
	cr_expect_eq(EV(e, "sh", "-c", "ls", "-c", "make"), P);
	cr_expect_str_eq(e->res.verdict.matched, "make");
	eng_free(e);
}

Test(script, script_argument_index)
{
	struct eng *e = eng_new(
		"default prompt;\n"
		"allow program \"ls\";\n"
		"rule \"sudo sh\" { when program \"sudo\" and arg 1 is \"sh\" and arg 2 is \"-c\"; evaluate script arg 3; }\n");
	cr_expect_eq(EV(e, "sudo", "sh", "-c", "ls"), A);
	cr_expect_eq(EV(e, "sudo", "sh", "-c", "ls; make"), P);
	cr_expect_eq(EV(e, "sudo", "sh", "-c"), P);
	eng_free(e);
}

Test(eval_line, single_command_or_sh_c)
{
	/* without a script rule a line with operators cannot be judged */
	struct eng *e = eng_new("sandbox { write \"$WORKSPACE\"; }\ndefault prompt;\nallow program \"ls\", \"wc\";\n");
	cr_expect_eq(eng_line(e, "ls -la"), A);
	cr_expect_eq(e->res.ncommands, 0);
	cr_expect_eq(eng_line(e, "  'ls'  \"-la\"  "), A);
	cr_expect_eq(eng_line(e, "/usr/bin/ls"), A);
	cr_expect_eq(eng_line(e, "ls | wc"), P);
	cr_expect_str_eq(e->res.verdict.rule, "default");
	cr_expect_eq(eng_line(e, "ls > out"), P);
	cr_expect_eq(eng_line(e, "ls $HOME"), P);
	cr_expect_eq(eng_line(e, "X=1 ls"), P);
	cr_expect_eq(eng_line(e, "ls;"), A);      /* still one simple command */
	cr_expect_eq(eng_line(e, ""), P);
	eng_free(e);

	/* with one, the line is judged as `sh -c LINE` */
	e = eng_new(sh_policy);
	cr_expect_eq(eng_line(e, "ls | wc -l"), A);
	cr_assert_eq(e->res.ncommands, 2);
	cr_expect_str_eq(e->res.commands[1].text, "wc -l");
	cr_expect_eq(e->res.commands[1].depth, 1);
	cr_expect_eq(eng_line(e, "ls && rm -rf x"), F);
	cr_expect_eq(eng_line(e, "echo hi > out.txt"), A);
	cr_expect_eq(eng_line(e, "echo hi > /etc/motd"), F);
	cr_expect_str_eq(e->res.verdict.rule, "writes out");
	cr_expect_str_eq(e->res.verdict.matched, "/etc/motd");
	cr_expect_eq(eng_line(e, "ls $(rm -rf x)"), F);  /* judged inside: the rm is forbidden */
	cr_expect_eq(eng_line(e, "ls `rm -rf x`"), P);   /* backquotes are not listed: at least prompt */
	cr_expect_eq(eng_line(e, "echo $HOME"), P);
	cr_expect_eq(eng_line(e, "rm x"), F);
	cr_expect_eq(e->res.ncommands, 0);        /* a single command: no script */
	cr_expect_eq(eng_line(e, "git status; git log"), A);
	cr_expect_eq(eng_line(e, ""), A);          /* sh -c "": an empty script */
	cr_expect_eq(cpol_eval_line(e->ctx, NULL, 0, &e->res), A);
	cr_expect_eq(cpol_eval(e->ctx, 0, NULL, &e->res), P);
	cr_expect_eq(cpol_eval(e->ctx, 0, NULL, NULL), P);
	eng_free(e);
}

Test(eval_line, the_example_environment)
{
	struct eng *e = eng_new(sh_policy);
	eng_cwd(e, "/etc");
	cr_expect_eq(eng_line(e, "echo x > hosts"), F);
	eng_cwd(e, ENG_WS "/sub");
	cr_expect_eq(eng_line(e, "echo x > hosts"), A);
	cr_expect_eq(eng_line(e, "echo x > ../../x"), F);
	eng_free(e);
}

/* ---- inputs at and past the limits: clear verdicts, never a crash ---- */

Test(limits, long_and_many_arguments)
{
	struct eng *e = eng_new(sh_policy);
	enum { N = 5000, LEN = 700 };
	char **words = malloc(N * sizeof *words);
	cr_assert(words);
	for (int i = 0; i < N; i++) {
		words[i] = malloc(LEN + 1);
		cr_assert(words[i]);
		memset(words[i], 'a' + i % 26, LEN);
		words[i][LEN] = 0;
	}
	strcpy(words[0], "ls");
	cr_expect_eq(cpol_eval(e->ctx, N, (const char *const *)words, &e->res), A);
	strcpy(words[0], "rm");
	cr_expect_eq(cpol_eval(e->ctx, N, (const char *const *)words, &e->res), F);
	/* a tee target longer than a path can be: cannot tell where, so outside */
	strcpy(words[0], "tee");
	char *huge = malloc(6000);
	cr_assert(huge);
	memset(huge, 'h', 5999);
	huge[5999] = 0;
	free(words[N / 2]);
	words[N / 2] = huge;
	cr_expect_eq(cpol_eval(e->ctx, N, (const char *const *)words, &e->res), F);
	cr_expect_str_eq(e->res.verdict.rule, "writes out");
	/* an absolute program path longer than a path can be is no program */
	char *longprog = malloc(9000);
	cr_assert(longprog);
	memset(longprog, 'b', 8999);
	longprog[8999] = 0;
	memcpy(longprog, "/usr/bin/", 9);
	const char *a1[] = { longprog, "x" };
	cr_expect_eq(cpol_eval(e->ctx, 2, a1, &e->res), P);
	memcpy(longprog + 8996, "/ls", 4);  /* /usr/bin/bbbb.../ls: not a system directory */
	cr_expect_eq(cpol_eval(e->ctx, 2, a1, &e->res), P);
	free(longprog);
	cr_expect_eq(cpol_eval(e->ctx, -3, (const char *const *)words, &e->res), P); /* argc < 0: nothing */
	for (int i = 0; i < N; i++)
		free(words[i]);
	free(words);
	eng_free(e);
}

Test(limits, long_scripts_and_their_texts)
{
	struct eng *e = eng_new(sh_policy);
	/* 60 commands of 1000 bytes each: the texts outgrow the context's buffer */
	size_t cap = 60 * 1010 + 1, n = 0;
	char *s = malloc(cap);
	cr_assert(s);
	for (int i = 0; i < 60; i++) {
		n += (size_t)snprintf(s + n, cap - n, "echo ");
		memset(s + n, 'x', 995);
		n += 995;
		s[n++] = ';';
	}
	s[n] = 0;
	cr_expect_eq(EV(e, "bash", "-c", s), A);
	cr_assert_eq(e->res.ncommands, 60);
	for (unsigned i = 0; i < e->res.ncommands; i++)
		cr_assert(e->res.commands[i].text != NULL && strlen(e->res.commands[i].text) <= 1000);
	free(s);
	/* a script larger than the splitter's buffer */
	size_t big = 200000;
	s = malloc(big + 1);
	cr_assert(s);
	memset(s, 'y', big);
	memcpy(s, "echo ", 5);
	s[big] = 0;
	cr_expect_eq(EV(e, "bash", "-c", s), P);
	/* a NUL byte inside a command line */
	cr_expect_geq(cpol_eval_line(e->ctx, "ls\0rm -rf /", 11, &e->res), P);
	/* deep nesting of groups and substitutions */
	memset(s, '(', 5000);
	s[5000] = 0;
	cr_expect_geq(EV(e, "bash", "-c", s), P);
	for (int i = 0; i < 5000; i++)
		memcpy(s + 2 * i, "$(", 2);
	s[10000] = 0;
	cr_expect_geq(EV(e, "bash", "-c", s), P);
	free(s);
	eng_free(e);
}

Test(limits, contexts_and_environments)
{
	struct eng *e = eng_new(sh_policy);
	cpol_error err;
	cr_expect_eq(cpol_ctx_set_env(e->ctx, &(cpol_env){ .cwd = "relative" }, &err), -1);
	cr_expect(strstr(err.msg, "absolute") != NULL, "%s", err.msg);
	char longpath[5000];
	memset(longpath, 'p', sizeof longpath - 1);
	longpath[0] = '/';
	longpath[sizeof longpath - 1] = 0;
	cr_expect_eq(cpol_ctx_set_env(e->ctx, &(cpol_env){ .cwd = longpath }, &err), -1);
	/* defaults: cwd "/", workspace = cwd, tmpdir /tmp, home /root */
	cr_assert_eq(cpol_ctx_set_env(e->ctx, NULL, &err), 0, "%s", err.msg);
	cr_expect_eq(EV(e, "tee", "/x"), A);          /* workspace "/" holds everything */
	cr_expect_eq(EV(e, "tee", "/.git/x"), F);     /* but not its .git */
	/* two contexts on one image do not disturb each other */
	cpol_ctx *other = cpol_ctx_new(e->img, &(cpol_env){ .cwd = "/etc", .workspace = ENG_WS }, &err);
	cr_assert(other, "%s", err.msg);
	cpol_result r;
	const char *argv[] = { "tee", "x" };
	cr_expect_eq(cpol_eval(other, 2, argv, &r), F);
	cr_expect_eq(EV(e, "tee", "x"), A);
	cr_expect_str_eq(r.verdict.rule, "writes out");
	cpol_ctx_free(other);
	eng_free(e);
}

/* Every shell of the dialects, and one that is unknown. */
static const char dialect_policy[] =
	"sandbox { write \"$WORKSPACE\", \"/tmp\", \"/dev/null\"; }\n"
	"default allow;\n"
	"forbid program \"rm\";\n"
	"rule \"shell -c\" { when program \"bash\", \"sh\", \"dash\", \"zsh\", \"ksh\" and arg 1 is \"-c\"; evaluate script arg 2; }\n";

Test(script, each_shell_reads_the_script_its_own_way)
{
	struct eng *e = eng_new(dialect_policy);
	static const char hidden[] = "echo $'\\'; rm -rf ~ #'";
	/* bash: one echo of a $'...' string; dash (sh): the string ends
	 * early and rm runs */
	cr_expect_eq(EV(e, "bash", "-c", hidden), A);
	cr_expect_eq(e->res.ncommands, 1);
	cr_expect_eq(EV(e, "sh", "-c", hidden), F);
	cr_assert_eq(e->res.ncommands, 2);
	cr_expect_str_eq(e->res.commands[1].text, "rm -rf ~");
	cr_expect_eq(EV(e, "/bin/sh", "-c", hidden), F);
	cr_expect_eq(EV(e, "dash", "-c", hidden), F);
	cr_expect_eq(EV(e, "zsh", "-c", hidden), A);
	/* dash: `cmd &> f` is `cmd &` and `> f` */
	cr_expect_eq(EV(e, "bash", "-c", "ls &> out"), A);
	cr_expect_eq(EV(e, "sh", "-c", "ls &> out"), P);
	cr_expect_str_eq(e->res.verdict.reason, "background jobs cannot be judged");
	/* the machine's sh may be bash, or a shell nobody can judge */
	cpol_ctx_set_sh(e->ctx, "bash");
	cr_expect_eq(EV(e, "sh", "-c", hidden), A);
	cpol_ctx_set_sh(e->ctx, "mksh");
	cr_expect_eq(EV(e, "sh", "-c", "ls"), P);
	cr_expect_str_eq(e->res.verdict.reason, "scripts of this shell cannot be judged: only bash, dash (sh) and zsh are known");
	cpol_ctx_set_sh(e->ctx, NULL);
	cr_expect_eq(EV(e, "sh", "-c", hidden), F);
	cr_expect_eq(EV(e, "ksh", "-c", "ls"), P);
	/* zsh: glob qualifiers and =cmd run code the splitter does not model */
	cr_expect_eq(EV(e, "zsh", "-c", "ls *(e:'rm -rf ~':)"), P);
	cr_expect_eq(EV(e, "zsh", "-c", "=rm -rf x"), P);
	cr_expect_eq(EV(e, "zsh", "-c", "zmodload zsh/system"), P);
	cr_expect_eq(EV(e, "zsh", "-c", "ls -l"), A);
	eng_free(e);
}

/* One builtin use per row: at least prompt, with the reason's start. */
static void expect_builtin(struct eng *e, const char *script, const char *reason)
{
	cr_expect_eq(EV(e, "bash", "-c", script), P, "%s", script);
	cr_expect_eq(strncmp(e->res.verdict.reason, reason, strlen(reason)), 0, "%s: %s", script,
	             e->res.verdict.reason);
}

Test(script, builtins_that_run_strings_or_rebind_names)
{
	struct eng *e = eng_new(sh_allow_policy);
	static const struct { const char *script, *reason; } t[] = {
		{ "printf -v 'BASH_CMDS[cat]' /tmp/x", "printf -v" },
		{ "printf -v PATH %s .", "assignment to a variable" },
		{ "builtin printf -v 'x[$(id)]' y", "printf -v" },
		{ "printf -vx y", "printf -v" },
		{ "test -v 'x[$(id)]'", "test -v" },
		{ "[ -v 'x[$(id)]' ]", "test -v" },
		{ "test ! -v \"x[$y]\"", "test -v" },
		{ "declare -n r=x", "declare -n" },
		{ "typeset -i n=1", "declare -n" },
		{ "export -f f", "declare -n" },
		{ "local 'a[$(id)]'", "a declared name" },
		{ "export A=1", "variable assignments" },
		{ "export PATH=.", "assignment to a variable" },
		{ "readonly BASH_ENV=/tmp/x", "assignment to a variable" },
		{ "read -a arr", "read -a" },
		{ "read 'x[$(id)]'", "read assigns" },
		{ "read IFS", "assignment to a variable" },
		{ "mapfile -C cb arr", "mapfile -C" },
		{ "let 'x[$(id)]'", "let" },
		{ "let n", "let" },
		{ "hash -p /tmp/x ls", "hash -p" },
		{ "enable -f x.so y", "enable" },
		{ "alias ls=rm", "alias" },
		{ "trap 'rm x' EXIT", "trap" },
		{ "eval ls", "eval" },
		{ "source x", "source" },
		{ ". x", "." },
		{ "command eval ls", "eval" },
		{ "exec eval ls", "eval" },
		{ "unset 'a[$(id)]'", "a variable name" },
		{ "getopts ab 'x[$(id)]'", "a variable name" },
		{ "set -k", "set -k" },
		{ "set -o posix", "set -k" },
		{ "shopt -s expand_aliases", "this shell option" },
		{ "compgen -C cmd x", "compgen" },
		{ "fc -s", "fc" },
		{ "function f { ls; }", "a function definition" },
		{ "PATH=/tmp/x ls", "assignment to a variable" },
		{ "BASH_ENV=/tmp/x ls", "assignment to a variable" },
		{ "LD_PRELOAD=/tmp/x.so ls", "assignment to a variable" },
		{ "IFS=/ ls", "assignment to a variable" },
		{ "PS4='$(id)' ls", "assignment to a variable" },
		{ "a[$(id)]=1", "an array subscript" },
		{ "a['$(id)']=1", "an array subscript" },
		{ "BASH_CMDS[cat]=/tmp/x", "assignment to a variable" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		expect_builtin(e, t[i].script, t[i].reason);
	/* the harmless uses of the same builtins */
	static const char *const fine[] = {
		"printf '%s\\n' x", "test -v x", "[ -f x ]", "declare -p", "export A", "read -r line",
		"read -p 'Name [y/n]: ' ans", "let 1", "hash -r", "command -v ls", "unset x", "set -e",
		"set -- a b", "shopt -s nullglob", "trap", "exec ls", "exec -a name ls", "getopts ab opt",
		"[[ 1 -eq 1 ]] || true",
	};
	for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++)
		if (strcmp(fine[i], "[[ 1 -eq 1 ]] || true") != 0)  /* [[ is a control structure */
			cr_expect_eq(EV(e, "bash", "-c", fine[i]), A, "%s: %s", fine[i], e->res.verdict.reason);
	cr_expect_eq(EV(e, "bash", "-c", "exec -a name rm x"), F);
	/* the line an agent runs: a lone printf -v is judged as a script */
	cr_expect_eq(eng_line(e, "printf -v 'BASH_CMDS[cat]' /tmp/x"), P);
	cr_expect_eq(eng_line(e, "test -v 'x[$(id)]'"), P);
	eng_free(e);
}

Test(script, bare_names_after_path_changes)
{
	struct eng *e = eng_new(sh_policy);
	/* ls is allowed by a rule: after PATH changed, `ls` may be anything */
	cr_expect_eq(EV(e, "bash", "-c", "ls; cat x"), A);
	cr_expect_eq(EV(e, "bash", "-c", "PATH=.:$PATH; ls"), P);
	cr_assert_eq(e->res.ncommands, 2);
	cr_expect_eq(e->res.commands[1].verdict.decision, P);
	cr_expect_str_eq(e->res.commands[1].verdict.reason,
	                 "the script changed PATH or a command name before: this name may run another program");
	cr_expect_eq(EV(e, "bash", "-c", "printf -v 'BASH_CMDS[ls]' /tmp/x; ls"), P);
	cr_expect_eq(e->res.commands[1].verdict.decision, P);
	cr_expect_eq(EV(e, "bash", "-c", "export PATH=/tmp; /bin/ls; echo hi"), P);
	/* a path is no lookup, but a program a rule allows may run helpers
	 * through the new PATH (tar -tzf runs gzip) */
	cr_expect_eq(e->res.commands[1].verdict.decision, P);
	cr_expect_str_eq(e->res.commands[1].verdict.reason,
	                 "the script set a variable before that changes what the program a rule allows runs");
	/* the same for any variable that makes a program run other code,
	 * however it was set or exported */
	cr_expect_eq(EV(e, "bash", "-c", "GIT_EXTERNAL_DIFF=./x.sh; export GIT_EXTERNAL_DIFF; ls"), P);
	cr_expect_eq(EV(e, "bash", "-c", "read PAGER < f; export PAGER; ls"), P);
	cr_expect_eq(EV(e, "bash", "-c", "PATH=/tmp rm x"), F);  /* forbid still applies */
	/* a PATH the command can write: bare names are at most prompt */
	cpol_ctx_set_path_trusted(e->ctx, 0);
	cr_expect_eq(EV(e, "bash", "-c", "ls"), P);
	cr_expect_str_eq(e->res.verdict.reason,
	                 "PATH may find this name in a folder the command can write: it may not be the program the rule allows");
	cr_expect_eq(EV(e, "bash", "-c", "/usr/bin/ls; echo x"), A);
	cr_expect_eq(EV(e, "bash", "-c", "rm x"), F);
	cpol_ctx_set_path_trusted(e->ctx, 1);
	cr_expect_eq(EV(e, "bash", "-c", "ls"), A);
	/* pushd moves the folder somewhere the script cannot follow */
	cr_expect_eq(EV(e, "bash", "-c", "pushd /etc; cat x"), P);
	eng_free(e);
}

/* `echo SCRIPT | sh`: the literal text is the code the shell reads. */
static const char pipe_policy[] =
	"sandbox { write \"$WORKSPACE\", \"/tmp\", \"/dev/null\"; }\n"
	"default allow;\n"
	"forbid program \"rm\";\n"
	"rule \"shell -c\" { when program \"bash\", \"sh\", \"dash\", \"zsh\" and arg 1 is \"-c\"; evaluate script arg 2; }\n"
	"rule \"stdin\" { when program \"bash\", \"sh\", \"dash\", \"zsh\" and not arg 1 is \"-c\"; prompt because \"reads stdin\"; }\n";

Test(script, literal_text_piped_into_a_shell)
{
	struct eng *e = eng_new(pipe_policy);
	/* judged as the script it reads, its commands listed one depth down */
	cr_assert_eq(EV(e, "bash", "-c", "echo ls | sh"), A);
	cr_assert_eq(e->res.ncommands, 3);
	cr_expect_str_eq(e->res.commands[1].text, "sh");
	cr_expect_str_eq(e->res.commands[2].text, "ls");
	cr_expect_eq(e->res.commands[2].depth, 2);
	cr_expect_eq(EV(e, "bash", "-c", "echo 'rm -rf ~' | sh"), F);
	cr_expect_eq(EV(e, "sh", "-c", "echo 'rm -rf ~' | sh"), F);
	cr_expect_eq(EV(e, "bash", "-c", "echo \"echo 'bash is executed'\" | bash"), A);
	cr_expect_eq(EV(e, "bash", "-c", "printf 'ls\\n' | sh"), A);
	cr_expect_eq(EV(e, "bash", "-c", "printf 'ls; rm x\\n' | dash"), F);
	cr_expect_eq(EV(e, "bash", "-c", "printf '100%%\\n' | bash"), A);
	cr_expect_eq(EV(e, "bash", "-c", "echo ls | sh -s -e"), A);
	cr_expect_eq(EV(e, "bash", "-c", "echo -n ls | /bin/bash > out"), A);
	/* the inner shell's own dialect: dash reads $'...' otherwise */
	cr_expect_eq(EV(e, "sh", "-c", "echo \"echo \\$'\\\\\\\\'; rm -rf ~ #'\" | bash"), A);
	cr_expect_eq(EV(e, "sh", "-c", "echo \"echo \\$'\\\\\\\\'; rm -rf ~ #'\" | sh"), F);
	/* the outer shell's echo: dash's turns \n into a newline, and takes
	 * -e as a word; bash's echo with a backslash is not read */
	cr_expect_eq(EV(e, "sh", "-c", "echo 'ls\\nrm -rf ~' | sh"), F);
	cr_expect_eq(EV(e, "bash", "-c", "echo 'ls\\nrm -rf ~' | sh"), P);
	cr_expect_str_eq(e->res.verdict.reason, "reads stdin");
	cr_expect_eq(EV(e, "bash", "-c", "echo -e 'ls\\nrm -rf ~' | sh"), P);
	cr_expect_eq(EV(e, "bash", "-c", "echo -e rm x | sh"), F);
	cr_expect_eq(EV(e, "sh", "-c", "echo -e rm x | sh"), A);  /* runs `-e rm x` */
	/* past the first line a command may read the rest: stdin's verdict stays */
	cr_expect_eq(EV(e, "sh", "-c", "echo 'ls\\nls' | sh"), P);
	cr_expect_str_eq(e->res.verdict.reason, "reads stdin");
	cr_expect_eq(EV(e, "bash", "-c", "printf 'ls\\nls\\n' | sh"), P);
	/* whatever is not certain keeps the shell's judgement */
	static const char *const unsure[] = {
		"echo \"$X\" | sh", "echo $(cat f) | bash", "cat f | sh", "echo ls |& bash", "echo ls | bash -i",
		"echo ls | bash --norc", "echo ls | bash -l", "printf '%s' ls | sh", "printf ls x | sh",
		"printf -- ls | sh", "echo ls | BASH_ENV=x bash", "echo ls | sh < f", "echo ls | sh 0<&3",
		"echo ~ | sh", "echo ls > f | sh", "{ echo ls; } | sh", "echo ls; sh", "/bin/echo ls | sh",
		"echo ls | zsh", "echo ls 2>&1 | sh", "X=1 echo ls | sh", "echo ls | exec sh", "echo l* | sh",
		"echo ls | (sh)", "printf 'ls\\e' | sh",
	};
	for (size_t i = 0; i < sizeof unsure / sizeof unsure[0]; i++) {
		cr_expect_eq(EV(e, "bash", "-c", unsure[i]), P, "%s: %s", unsure[i], eng_dn(e->res.verdict.decision));
		cr_expect_eq(EV(e, "sh", "-c", unsure[i]), P, "sh -c %s", unsure[i]);
	}
	/* dash's echo: \c ends the output, \0NNN is octal: not read */
	cr_expect_eq(EV(e, "sh", "-c", "echo 'ls\\c' | sh"), P);
	cr_expect_eq(EV(e, "sh", "-c", "echo '\\0154s' | sh"), P);
	cr_expect_eq(EV(e, "sh", "-c", "echo ls | sh -c x"), A);       /* runs x, not ls */
	/* a command line is read the bash way, nested as deep as any script */
	cr_expect_eq(eng_line(e, "echo 'rm -rf /' | bash"), F);
	for (int levels = 1; levels <= 4; levels++) {
		char *s = nest("echo ls | sh", levels);
		cr_expect_eq(eng_line(e, s), levels <= 3 ? A : P, "%d levels", levels);
		if (levels > 3)
			cr_expect_str_eq(e->res.verdict.reason, "scripts nested too deeply to judge");
		free(s);
	}
	eng_free(e);
}

/* `cd $D`: the folder an expansion names. The paths after it are judged
 * where the script was, so a rule's allow that rests on them asks when a
 * rule let the cd itself pass; the sandboxed default (the sandbox holds
 * what runs, wherever) is left as it is. With a CDPATH the shell looks
 * `cd NAME` up there first: the folder is not known at all. */
static const char cd_policy[] =
	"sandbox { write \"$WORKSPACE\", \"/tmp\", \"/dev/null\"; network none; }\n"
	"default allow inside sandbox;\n"
	"intent write program \"touch\" target operands;\n"
	"rule \"cd\" { when program \"cd\"; allow; }\n"
	"rule \"inside\" { when program \"touch\" and writes inside sandbox.write; allow; }\n"
	"rule \"shell -c\" { when program \"bash\", \"sh\" and arg 1 in (\"-c\", \"-lc\"); evaluate script arg 2; }\n";

Test(script, cd_to_an_expansion_or_through_cdpath)
{
	struct eng *e = eng_new(cd_policy);
	cr_expect_eq(EV(e, "bash", "-c", "cd sub && touch x"), A);
	cr_expect_eq(EV(e, "bash", "-c", "cd $D && touch x"), P);
	cr_expect_str_eq(e->res.verdict.reason,
	                 "the working folder after a cd to an expansion is not known: the rule judged its paths in another");
	cr_expect_eq(EV(e, "bash", "-c", "cd \"$D\" && make"), A); /* the sandboxed default */
	cr_expect_eq(EV(e, "bash", "-c", "touch x; cd $D"), A);
	cpol_ctx_set_cdpath(e->ctx, "/");
	cr_expect_eq(EV(e, "bash", "-c", "cd sub && touch x"), P);
	cr_expect_eq(EV(e, "bash", "-c", "cd ./sub && touch x"), A);
	cr_expect_eq(EV(e, "bash", "-c", "cd ../sub && touch x"), A);
	cr_expect_eq(EV(e, "bash", "-c", "cd /abs && touch x"), A);
	cpol_ctx_set_cdpath(e->ctx, "");
	cr_expect_eq(EV(e, "bash", "-c", "cd sub && touch x"), A);
	eng_free(e);
}
