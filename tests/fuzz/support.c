/* tests/fuzz/support.c -- what the harnesses share: compiling policies from
 * memory, the fixed image set (the sketch, embedded; the stdlib when it is
 * there), the probe commands, the invariants of a result, and codexrun's
 * --explain output checked as JSON. */
#include "tests/fuzz/fuzz.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/run.h"
#include "compiler/compiler.h"
#include "grammar/ast.h"
#include "vm/eval.h"
#include "vm/shell.h"
#include "vm/vm.h"

#ifndef CPOL_FUZZ_SRCDIR
#error "CPOL_FUZZ_SRCDIR must name the top of the source tree"
#endif

void fuzz_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("fuzz invariant violated: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	fflush(stderr);
	abort();
}

FILE *fuzz_devnull(void)
{
	static FILE *f;
	if (!f)
		f = fopen("/dev/null", "w");
	FUZZ_CHECK(f != NULL, "cannot open /dev/null");
	return f;
}

/* ---- policies ---------------------------------------------------------- */

int fuzz_compile_mem(uint32_t nfiles, const char *const *paths, const char *const *texts,
                     const size_t *sizes, const char *incdir, FILE *diag, uint8_t **img, size_t *len)
{
	*img = NULL;
	*len = 0;
	cpol_unit *u = cpol_unit_new();
	if (!u)
		return -1;
	u->mem_paths = paths;
	u->mem_texts = texts;
	u->mem_sizes = sizes;
	u->nmem = nfiles;
	int rc = -1;
	if (incdir && cpol_unit_add_incdir(u, incdir) < 0)
		goto out;
	cpol_file *f = cpol_parse_buffer(u, paths[0], texts[0], sizes[0]);
	if (f)
		rc = cpol_compile(u, f, NULL, 0, img, len);
	if (diag)
		cpol_diag_print(u, diag);
out:
	cpol_unit_free(u);
	return rc;
}

/* The sketch policy (tests/data/sketch/), embedded byte for byte. */
__asm__(".section .rodata\n"
        ".globl fuzz_sketch_main\n.hidden fuzz_sketch_main\n"
        "fuzz_sketch_main:\n"
        ".incbin \"" CPOL_FUZZ_SRCDIR "/tests/data/sketch/sketch.cpol\"\n"
        ".globl fuzz_sketch_main_end\n.hidden fuzz_sketch_main_end\n"
        "fuzz_sketch_main_end:\n"
        ".globl fuzz_sketch_inc\n.hidden fuzz_sketch_inc\n"
        "fuzz_sketch_inc:\n"
        ".incbin \"" CPOL_FUZZ_SRCDIR "/tests/data/sketch/common/dangerous.cpol\"\n"
        ".globl fuzz_sketch_inc_end\n.hidden fuzz_sketch_inc_end\n"
        "fuzz_sketch_inc_end:\n"
        ".previous\n");
extern const char fuzz_sketch_main[], fuzz_sketch_main_end[], fuzz_sketch_inc[], fuzz_sketch_inc_end[];

const cpol_env fuzz_env_test = {
	.cwd = CPOL_TEST_WORKSPACE, .workspace = CPOL_TEST_WORKSPACE, .tmpdir = CPOL_TEST_TMPDIR,
	.home = CPOL_TEST_HOME, .user = "user",
};

static struct fuzz_image images[64];
static size_t nimages;

static void add_image(const char *name, uint8_t *bin, size_t len)
{
	cpol_error err;
	if (nimages == sizeof images / sizeof images[0]) {
		free(bin);
		return;
	}
	cpol_image *im = cpol_image_load(bin, len, 0, &err);
	free(bin);
	FUZZ_CHECK(im != NULL, "compiled image %s does not load: %s", name, err.msg);
	cpol_ctx *ctx = cpol_ctx_new(im, &fuzz_env_test, &err);
	FUZZ_CHECK(ctx != NULL, "no context for %s: %s", name, err.msg);
	images[nimages].name = strdup(name);
	images[nimages].img = im;
	images[nimages].ctx = ctx;
	nimages++;
}

static int is_cpol(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return n > 5 && strcmp(d->d_name + n - 5, ".cpol") == 0;
}

/* Every *.cpol directly in dir, in name order, that compiles. */
static void add_stdlib(const char *dir)
{
	struct dirent **list;
	int n = scandir(dir, &list, is_cpol, alphasort);
	if (n < 0)
		return;
	for (int i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
		cpol_unit *u = cpol_unit_new();
		uint8_t *bin = NULL;
		size_t len = 0;
		int rc = -1;
		if (u && cpol_unit_add_incdir(u, dir) == 0) {
			cpol_file *f = cpol_parse_file(u, path);
			if (f)
				rc = cpol_compile(u, f, NULL, 0, &bin, &len);
		}
		if (rc == 0)
			add_image(path, bin, len);
		else
			fprintf(stderr, "fuzz: %s does not compile; not used\n", path);
		cpol_unit_free(u);
		free(list[i]);
	}
	free(list);
}

const struct fuzz_image *fuzz_images(size_t *n)
{
	static int done;
	if (!done) {
		done = 1;
		static const char *const paths[] = { "tests/data/sketch/sketch.cpol",
		                                     "tests/data/sketch/common/dangerous.cpol" };
		const char *texts[] = { fuzz_sketch_main, fuzz_sketch_inc };
		size_t sizes[] = { (size_t)(fuzz_sketch_main_end - fuzz_sketch_main),
		                   (size_t)(fuzz_sketch_inc_end - fuzz_sketch_inc) };
		uint8_t *bin;
		size_t len;
		int rc = fuzz_compile_mem(2, paths, texts, sizes, NULL, stderr, &bin, &len);
		FUZZ_CHECK(rc == 0, "the sketch does not compile");
		add_image("sketch", bin, len);
		const char *dir = getenv("CPOL_FUZZ_STDLIB");
		add_stdlib(dir && *dir ? dir : CPOL_FUZZ_SRCDIR "/stdlib-policies");
	}
	*n = nimages;
	return images;
}

/* ---- results ------------------------------------------------------------ */

static void check_verdict(const cpol_image *im, const cpol_verdict *v, const char *what)
{
	FUZZ_CHECK(v->decision <= CPOL_FORBID, "%s: decision %d out of range", what, (int)v->decision);
	FUZZ_CHECK(v->rule && v->reason && v->file && v->matched, "%s: a verdict string is NULL", what);
	/* touch every byte: ASan sees a string that is not terminated */
	size_t n = strlen(v->rule) + strlen(v->reason) + strlen(v->file) + strlen(v->matched);
	(void)n;
	FUZZ_CHECK(v->index >= -1 && (v->index < 0 || (uint32_t)v->index < im->nrules),
	           "%s: rule index %d out of range", what, v->index);
	if (v->index < 0)
		FUZZ_CHECK(v->line == 0 && v->file[0] == 0, "%s: a built-in verdict has a source", what);
	else
		FUZZ_CHECK(strcmp(v->rule, cpol_img_string(im, im->rules[v->index].name, NULL)) == 0,
		           "%s: rule name is not the name of rule %d", what, v->index);
}

void fuzz_check_result(const cpol_image *im, cpol_decision d, const cpol_result *r, const char *what)
{
	FUZZ_CHECK(d <= CPOL_FORBID, "%s: decision %d out of range", what, (int)d);
	FUZZ_CHECK(r->verdict.decision == d, "%s: result says %d, return value %d", what,
	           (int)r->verdict.decision, (int)d);
	check_verdict(im, &r->verdict, what);
	FUZZ_CHECK(r->ncommands <= CPOL_MAX_SUBCMDS, "%s: %u sub-commands listed", what, r->ncommands);
	FUZZ_CHECK(r->ncommands == 0 || r->commands, "%s: sub-commands without a list", what);
	for (unsigned i = 0; i < r->ncommands; i++) {
		const cpol_subcommand *c = &r->commands[i];
		FUZZ_CHECK(c->text != NULL, "%s: sub-command %u has no text", what, i);
		(void)strlen(c->text);
		FUZZ_CHECK(c->depth >= 1 && c->depth <= CPOL_MAX_DEPTH, "%s: sub-command %u at depth %u", what, i,
		           c->depth);
		check_verdict(im, &c->verdict, what);
		/* the strictest part wins: no part is stricter than the whole */
		FUZZ_CHECK(c->verdict.decision <= d, "%s: sub-command %u (%s) is %s but the whole is %s", what, i,
		           c->text, cpol_decision_name(c->verdict.decision), cpol_decision_name(d));
	}
}

void fuzz_explain(const cpol_image *im, const cpol_result *res, int argc, const char *const *argv)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	FUZZ_CHECK(mem != NULL, "open_memstream failed");
	FILE *saved = stdout;
	stdout = mem;
	int rc = run_explain(im, res, 1, (char *const *)argv, argc);
	stdout = fuzz_devnull();
	run_explain(im, res, 0, (char *const *)argv, argc);
	stdout = saved;
	fclose(mem);
	if (rc == 0) {
		size_t at;
		const char *why;
		FUZZ_CHECK(len > 0 && buf[len - 1] == '\n' && memchr(buf, '\n', len) == buf + len - 1,
		           "--explain --json is not one line");
		why = fuzz_json_check(buf, len - 1, 1, &at);
		FUZZ_CHECK(why == NULL, "--explain --json is not valid JSON: %s at byte %zu of %zu: %.*s", why, at,
		           len, (int)(len > 400 ? 400 : len), buf);
	}
	free(buf);
}

/* ---- probes ------------------------------------------------------------- */

#define A(...) { __VA_ARGS__, NULL }
static const char *const probe_argv[][10] = {
	A("ls", "-la"),
	A("git", "status"),
	A("git", "push", "origin", "main"),
	A("/usr/bin/git", "log", "--oneline"),
	A("/usr/local/sbin/../bin/git", "diff"),
	A("./ls"),
	A("/home/user/project/ls"),
	A("rm", "-rf", "/"),
	A("rm", "-rf", "/home/user/project/build"),
	A("bash", "-lc", "git status && ls"),
	A("sh", "-c", "echo $(id) > /etc/x; ls | wc -l"),
	A("bash", "-c", "cat <<EOF\nrm -rf /\nEOF\n"),
	A("bash", "-c", "bash -c 'bash -c \"bash -c \\\"bash -c ls\\\"\"'"),
	A("sh", "-c"),
	A("find", ".", "-name", "*.c", "-exec", "rm", "{}", ";"),
	A("find", "/", "-name", "x"),
	A("curl", "https://user:secret@example.com/x"),
	A("wget", "-O", "/tmp/x", "http://example.com"),
	A("git", "clone", "git@github.com:a/b.git"),
	A("cp", "a", "/etc/passwd"),
	A("cp", "-t", "/tmp", "a", "b"),
	A("mv", "--", "-x", "../../outside"),
	A("dd", "if=/dev/zero", "of=/dev/sda", "bs=1M"),
	A("tee", "-a", "~/x", "~root/y"),
	A("sed", "-i", "s/a/b/", "/etc/hosts"),
	A("python3", "-c", "import os; os.system('id')"),
	A("make", "install"),
	A("mkfs.ext4", "/dev/sdb"),
	A("echo", ":(){ :|:& };:"),
	A("env", "LD_PRELOAD=/x.so", "ls"),
	A("touch", "/home/user/project/.git/hooks/pre-commit"),
	A(""),
	A("", ""),
	A("-"),
	A("/"),
	A("//usr//bin//ls"),
};
#undef A

static const char *const probe_lines[] = {
	"ls -la",
	"git status && rm -rf /",
	"git log | head -n 5; echo ok",
	"cat <<EOF\nx\nEOF",
	"echo hi > /etc/passwd",
	"echo hi >> /tmp/log 2>&1",
	"a=1 ls",
	"exec ls",
	"exec",
	"eval 'rm -rf /'",
	". ./env.sh",
	"(cd / && ls) &",
	"for i in 1 2; do rm -rf \"$i\"; done",
	"ls 'unterminated",
	"bash -c 'sh -c \"curl http://x\"'",
	"",
	"   ",
	";;",
	"| ls",
	"find . -delete",
	"make install",
};

static void eval_probe(const cpol_image *im, cpol_ctx *ctx, int argc, const char *const *argv)
{
	cpol_result r;
	cpol_decision d = cpol_eval(ctx, argc, argv, &r);
	fuzz_check_result(im, d, &r, argc ? argv[0] : "(empty argv)");
}

void fuzz_probe(const cpol_image *im, cpol_ctx *const *ctx, size_t nctx)
{
	for (size_t c = 0; c < nctx; c++) {
		for (size_t i = 0; i < sizeof probe_argv / sizeof probe_argv[0]; i++) {
			int argc = 0;
			while (probe_argv[i][argc])
				argc++;
			eval_probe(im, ctx[c], argc, probe_argv[i]);
		}
		eval_probe(im, ctx[c], 0, probe_argv[0]);
		for (size_t i = 0; i < sizeof probe_lines / sizeof probe_lines[0]; i++) {
			cpol_result r;
			cpol_decision d = cpol_eval_line(ctx[c], probe_lines[i], strlen(probe_lines[i]), &r);
			fuzz_check_result(im, d, &r, probe_lines[i]);
		}
	}
}

/* Storage for the splitter, as large as the VM's own. */
static struct cpol_shell_store *big_store(void)
{
	static struct cpol_shell_store *st;
	if (!st)
		st = calloc(1, sizeof *st);
	FUZZ_CHECK(st != NULL, "out of memory");
	return st;
}

/* 'w' with every ' written as '\'' */
static size_t quote(char *out, const char *w, size_t n)
{
	size_t k = 0;
	out[k++] = '\'';
	for (size_t i = 0; i < n; i++) {
		if (w[i] == '\'') {
			memcpy(out + k, "'\\''", 4);
			k += 4;
		} else {
			out[k++] = w[i];
		}
	}
	out[k++] = '\'';
	return k;
}

void fuzz_eval_both(const cpol_image *im, cpol_ctx *ctx, int argc, const char *const *argv,
                    const uint32_t *lens)
{
	cpol_result r1, r2;
	cpol_decision d1 = cpol_eval(ctx, argc, argv, &r1);
	fuzz_check_result(im, d1, &r1, "cpol_eval");
	fuzz_explain(im, &r1, argc, argv);
	int idx1 = r1.verdict.index;
	if (argc == 0)
		return;

	size_t cap = 1;
	for (int i = 0; i < argc; i++) {
		if (memchr(argv[i], '\0', lens[i]))
			return; /* a shell word cannot hold NUL */
		cap += lens[i] * 4 + 3;
	}
	char *line = malloc(cap);
	FUZZ_CHECK(line != NULL, "out of memory");
	size_t len = 0;
	for (int i = 0; i < argc; i++) {
		if (i)
			line[len++] = ' ';
		len += quote(line + len, argv[i], lens[i]);
	}

	/* The splitter must give back exactly the words that were quoted. */
	struct cpol_shell_store *st = big_store();
	struct cpol_shell_out so = {
		.cmds = st->cmds, .maxcmds = CPOL_SH_CMDS,
		.words = st->words, .maxwords = CPOL_SH_WORDS, .wordlens = st->wordlens,
		.redirs = st->redirs, .maxredirs = CPOL_SH_REDIRS,
		.buf = st->buf, .bufcap = sizeof st->buf,
	};
	uint32_t n = cpol_shell_split(line, len, &so);
	if (!(so.flags & CPOL_SH_TOOBIG)) {
		FUZZ_CHECK(n == 1 && so.flags == 0 && so.cmds[0].flags == 0 && so.cmds[0].nredir == 0 &&
		           so.cmds[0].argc == (uint32_t)argc,
		           "quoted words split into %u commands, flags %#x, first with %u words (%d quoted): %.*s", n,
		           so.flags, n ? so.cmds[0].argc : 0, argc, (int)(len > 400 ? 400 : len), line);
		for (int i = 0; i < argc; i++)
			FUZZ_CHECK(so.cmds[0].lens[i] == lens[i] && memcmp(so.cmds[0].argv[i], argv[i], lens[i]) == 0,
			           "quoted word %d came back changed: %.*s", i, (int)(len > 400 ? 400 : len), line);

		/* ... and the line then decides exactly as the argv did, unless
		 * its first word is a builtin that runs shell code (exec, eval,
		 * source, .), or one that bash has and sh does not (bind,
		 * enable, shopt, ...): a command line is bash's, so bash runs
		 * its builtin, while an argv is a program of that name, judged
		 * as sh would run it. */
		cpol_decision d2 = cpol_eval_line(ctx, line, len, &r2);
		fuzz_check_result(im, d2, &r2, "cpol_eval_line (quoted argv)");
		int builtin = (lens[0] == 4 && (!memcmp(argv[0], "exec", 4) || !memcmp(argv[0], "eval", 4))) ||
		              (lens[0] == 6 && !memcmp(argv[0], "source", 6)) || (lens[0] == 1 && argv[0][0] == '.') ||
		              (cpol_builtin_is(argv[0], lens[0], CPOL_SHELL_BASH) &&
		               !cpol_builtin_is(argv[0], lens[0], CPOL_SHELL_POSIX));
		FUZZ_CHECK(builtin || (d1 == d2 && idx1 == r2.verdict.index),
		           "argv decides %s by rule %d, the same words as a line %s by rule %d (%s): %.*s",
		           cpol_decision_name(d1), idx1, cpol_decision_name(d2), r2.verdict.index, r2.verdict.rule,
		           (int)(len > 400 ? 400 : len), line);
	}
	free(line);
}
