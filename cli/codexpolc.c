/* cli/codexpolc.c -- the policy compiler and linter.
 *
 *   codexpolc [-I DIR]... [-o OUT.bin] [-W...] FILE.cpol   compile
 *   codexpolc --lint [-I DIR]... [-W...] FILE.cpol...       check only
 *   codexpolc --dump FILE.bin                               show an image
 *   codexpolc --fmt [--check | --in-place] FILE.cpol...     canonical layout
 *   codexpolc --preview [--json] [OLD.bin] NEW.bin CORPUS   impact of a policy
 *
 * Exit status: 0 ok, 1 policy errors (or an output that cannot be
 * written, or --fmt --check found a file to format), 2 usage errors.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/prelude.h"
#include "cli/preview.h"
#include "cli/say.h"
#include "codexpol.h"
#include "common/readfile.h"
#include "compiler/import_codex.h"
#include "compiler/compiler.h"
#include "grammar/fmt.h"
#include "grammar/ast.h"

enum { EXIT_OK = 0, EXIT_POLICY = 1, EXIT_USAGE = 2 };

static const char usage_text[] =
	"Usage: codexpolc [OPTION]... FILE.cpol\n"
	"       codexpolc --lint [OPTION]... FILE.cpol...\n"
	"       codexpolc --dump FILE.bin\n"
	"       codexpolc --fmt [--check | --in-place] FILE.cpol...\n"
	"       codexpolc --preview [--json] [--workspace=DIR] [OLD.bin] NEW.bin CORPUS\n"
	"       codexpolc --import-codex FILE.rules... [-o FILE.cpol]\n"
	"Compile a codexpol policy into a verified image, check it, format it, show an\n"
	"image, or preview what an image decides over a corpus of command lines.\n"
	"\n"
	"  -o, --output=FILE     write the image to FILE (default: FILE.cpol with .bin)\n"
	"  -I, --include=DIR     search DIR for included files (after the folder of\n"
	"                        the including file) and for prelude.cpol\n"
	"      --prelude=FILE    include FILE first instead of the installed prelude\n"
	"                        (the stdlib's intents and wrappers)\n"
	"      --no-prelude      include no prelude (as `prelude none;` does)\n"
	"      --lint            check the policies (syntax, names, lint, examples)\n"
	"                        without writing anything\n"
	"      --dump            print an image: header, sections, sandbox, rules\n"
	"                        disassembled\n"
	"      --fmt             print the policies in the canonical layout\n"
	"                        (FILE '-': standard input)\n"
	"      --check           with --fmt: list the files that are not formatted,\n"
	"                        exit 1 if there is any\n"
	"  -i, --in-place        with --fmt: rewrite the files that are not formatted\n"
	"      --preview         judge each command line of CORPUS with NEW.bin: the\n"
	"                        decisions and the rules that decided most; with\n"
	"                        OLD.bin too: each command whose decision changes\n"
	"      --json            with --preview: print one JSON object\n"
	"      --workspace=DIR   with --preview: judge the commands as run in DIR, the\n"
	"                        workspace (default: the working directory)\n"
	"      --import-codex    (first) turn Codex execpolicy .rules into a .cpol policy\n"
	"                        (stdout or -o); exit 1 when something was not expressible\n"
	"  -W NAME               enable warning NAME; -Wno-NAME disables it; -Werror\n"
	"                        makes warnings errors; -Wall enables every warning\n"
	"  -w, --no-warnings     disable every warning\n"
	"      --list-warnings   list the warnings and what they mean\n"
	"  -h, --help            show this help and exit\n"
	"  -V, --version         show the version and exit\n"
	"\n"
	"Diagnostics are printed as FILE:LINE:COL: error|warning: MESSAGE [-WNAME].\n"
	"Exit status: 0 ok, 1 policy errors (--fmt --check: a file is not formatted),\n"
	"2 usage errors.\n";

static const char *const warning_help[][2] = {
#define CPOL_W_ROW(id, name, help) { name, help },
	CPOL_WARNINGS(CPOL_W_ROW)
#undef CPOL_W_ROW
};

struct opts {
	const char *output;
	const char **incdirs;
	int nincdirs;
	const char *wopts[64];
	int nwopts;
	int werror, nowarn;
	const char *prelude;     /* absolute path, NULL for none */
	int prelude_missing;     /* not found: prelude holds where it should be */
};

/* A mistake in the command line: the line, the hint to --help, status 2. */
#define usage_error(...) cpol_cli_error("codexpolc", EXIT_USAGE, 1, __VA_ARGS__)

/* Apply the -W options to a unit; -1 (after a message) on an unknown name. */
static int apply_warnings(cpol_unit *u, const struct opts *o)
{
	u->werror = (uint8_t)o->werror;
	if (o->nowarn)
		for (int i = 0; i < CPOL_WARN__COUNT; i++)
			u->warn_off[i] = 1;
	for (int i = 0; i < o->nwopts; i++) {
		const char *w = o->wopts[i];
		int on = strncmp(w, "no-", 3) != 0;
		if (!strcmp(w, "all")) {
			for (int k = 0; k < CPOL_WARN__COUNT; k++)
				u->warn_off[k] = 0;
			continue;
		}
		if (cpol_unit_set_warning(u, on ? w : w + 3, on) < 0) {
			usage_error("unknown warning '-W%s' (see --list-warnings)", w);
			return -1;
		}
	}
	return 0;
}

static cpol_unit *new_unit(const struct opts *o)
{
	cpol_unit *u = cpol_unit_new();
	if (!u) {
		fprintf(stderr, "codexpolc: out of memory\n");
		return NULL;
	}
	for (int i = 0; i < o->nincdirs; i++)
		cpol_unit_add_incdir(u, o->incdirs[i]);
	u->prelude = o->prelude;
	if (apply_warnings(u, o) < 0) {
		cpol_unit_free(u);
		return NULL;
	}
	return u;
}

/* Write a file next to its final name, then rename: never a half file.
 * mode < 0: a new file (0644 less the umask); else exactly that mode. */
static int write_file(const char *path, const void *data, size_t len, long mode)
{
	size_t n = strlen(path);
	char *tmp = malloc(n + 32);
	if (!tmp) {
		fprintf(stderr, "codexpolc: out of memory\n");
		return -1;
	}
	snprintf(tmp, n + 32, "%s.tmp%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "codexpolc: cannot write %s: %s\n", path, strerror(errno));
		free(tmp);
		return -1;
	}
	const uint8_t *p = data;
	size_t off = 0;
	int ok = mode < 0 || fchmod(fd, (mode_t)mode) == 0;
	while (ok && off < len) {
		ssize_t w = write(fd, p + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			ok = 0;
		else
			off += (size_t)w;
	}
	if (!ok || fsync(fd) < 0) {
		fprintf(stderr, "codexpolc: cannot write %s: %s\n", path, strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		fprintf(stderr, "codexpolc: cannot write %s: %s\n", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

static int write_image(const char *path, const uint8_t *img, size_t len)
{
	return write_file(path, img, len, -1);
}

/* The whole of a source file, or of standard input for "-". */
static char *read_all(const char *path, size_t *len, struct stat *st)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY) : STDIN_FILENO;
	if (fd < 0) {
		fprintf(stderr, "codexpolc: cannot open %s: %s\n", path, strerror(errno));
		return NULL;
	}
	memset(st, 0, sizeof *st);
	if (fstat(fd, st) < 0 || (fd != STDIN_FILENO && !S_ISREG(st->st_mode))) {
		fprintf(stderr, "codexpolc: %s is not a regular file\n", path);
		close(fd);
		return NULL;
	}
	cpol_error err;
	char *buf = cpol_read_fd(fd, fd == STDIN_FILENO ? "standard input" : path, CPOL_MAX_FILE_SIZE, len, &err);
	if (!buf)
		fprintf(stderr, "codexpolc: %s\n", err.msg);
	if (fd != STDIN_FILENO)
		close(fd);
	return buf;
}

enum fmt_how { FMT_PRINT, FMT_CHECK, FMT_IN_PLACE };

static int fmt_one(const char *path, enum fmt_how how)
{
	struct stat st;
	size_t len = 0, olen = 0;
	char *src = read_all(path, &len, &st), *out = NULL;
	if (!src)
		return EXIT_POLICY;
	cpol_unit *u = cpol_unit_new();
	if (!u) {
		fprintf(stderr, "codexpolc: out of memory\n");
		free(src);
		return EXIT_POLICY;
	}
	int rc = EXIT_OK;
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	if (cpol_fmt_source(u, name, src, len, &out, &olen) < 0) {
		cpol_diag_print(u, stderr);
		rc = EXIT_POLICY;
	} else {
		int same = olen == len && memcmp(out, src, len) == 0;
		if (how == FMT_PRINT) {
			if (fwrite(out, 1, olen, stdout) != olen)
				rc = EXIT_POLICY;
		} else if (how == FMT_CHECK) {
			if (!same) {
				printf("%s\n", path);
				rc = EXIT_POLICY;
			}
		} else if (!same) {
			/* through a symbolic link to the file itself; keep its mode */
			char *real = realpath(path, NULL);
			if (!real || write_file(real, out, olen, (long)(st.st_mode & 07777)) < 0) {
				if (!real)
					fprintf(stderr, "codexpolc: %s: %s\n", path, strerror(errno));
				rc = EXIT_POLICY;
			}
			free(real);
		}
	}
	free(out);
	free(src);
	cpol_unit_free(u);
	return rc;
}

static char *default_output(const char *src)
{
	size_t n = strlen(src);
	if (n > 5 && !strcmp(src + n - 5, ".cpol"))
		n -= 5;
	char *out = malloc(n + 5);
	if (out) {
		memcpy(out, src, n);
		memcpy(out + n, ".bin", 5);
	}
	return out;
}

extern int cpol_codexpolc_bpf(int net, unsigned flags, void **bpf, size_t *len, uint32_t *arch, void *arg);

static int compile_one(const struct opts *o, const char *src, int lint_only)
{
	cpol_unit *u = new_unit(o);
	if (!u)
		return EXIT_USAGE;
	int rc = EXIT_OK;
	cpol_file *f = cpol_parse_file(u, src);
	uint8_t *img = NULL;
	size_t len = 0;
#ifdef CPOL_SANDBOX_LINUX
	/* the Linux backend loads a seccomp filter stored in the image */
	struct cpol_compile_opts co = { .make_bpf = cpol_codexpolc_bpf };
#else
	struct cpol_compile_opts co = { 0 };
#endif
	if (!f || cpol_compile(u, f, &co, lint_only, lint_only ? NULL : &img, &len) < 0)
		rc = EXIT_POLICY;
	cpol_diag_print(u, stderr);
	if (rc != EXIT_OK && o->prelude_missing && u->nfiles > 1 && u->files[1]->prelude && !u->files[1]->text)
		fprintf(stderr, "codexpolc: the prelude is not installed; give --prelude=FILE or -I DIR (a folder "
		        "with %s), or --no-prelude, or write `prelude none;` in the policy\n", CPOL_PRELUDE_NAME);
	if (rc == EXIT_OK && !lint_only) {
		char *out = o->output ? NULL : default_output(src);
		if (write_image(o->output ? o->output : out, img, len) < 0)
			rc = EXIT_POLICY;
		free(out);
	}
	free(img);
	cpol_unit_free(u);
	return rc;
}

static int dump(const char *path)
{
	cpol_error err;
	cpol_image *im = cpol_image_open(path, &err);
	if (!im) {
		fprintf(stderr, "codexpolc: %s\n", err.msg);
		return EXIT_POLICY;
	}
	cpol_dump(im, stdout);
	cpol_image_close(im);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_POLICY;
}

enum { OPT_LINT = 256, OPT_DUMP, OPT_LISTW, OPT_FMT, OPT_CHECK, OPT_PREVIEW, OPT_JSON, OPT_WORKSPACE,
       OPT_PRELUDE, OPT_NO_PRELUDE };

static const char *mode_name(int mode)
{
	switch (mode) {
	case OPT_LINT: return "--lint";
	case OPT_DUMP: return "--dump";
	case OPT_FMT: return "--fmt";
	default: return "--preview";
	}
}

int main(int argc, char **argv)
{
	/* --import-codex FILE.rules...: the Codex rules importer */
	if (argc > 1 && !strcmp(argv[1], "--import-codex"))
		return cpol_import_codex_main(argc, argv);
	static const struct option longopts[] = {
		CPOL_OPT_ARG("output", 'o'),
		CPOL_OPT_ARG("include", 'I'),
		CPOL_OPT_FLAG("lint", OPT_LINT),
		CPOL_OPT_FLAG("dump", OPT_DUMP),
		CPOL_OPT_FLAG("fmt", OPT_FMT),
		CPOL_OPT_FLAG("check", OPT_CHECK),
		CPOL_OPT_FLAG("in-place", 'i'),
		CPOL_OPT_FLAG("preview", OPT_PREVIEW),
		CPOL_OPT_FLAG("json", OPT_JSON),
		CPOL_OPT_ARG("workspace", OPT_WORKSPACE),
		CPOL_OPT_FLAG("no-warnings", 'w'),
		CPOL_OPT_FLAG("list-warnings", OPT_LISTW),
		CPOL_OPT_ARG("prelude", OPT_PRELUDE),
		CPOL_OPT_FLAG("no-prelude", OPT_NO_PRELUDE),
		CPOL_OPT_HELP,
		CPOL_OPT_VERSION,
		CPOL_OPT_END,
	};
	struct opts o;
	int mode = 0, c, check = 0, in_place = 0, json = 0;
	const char *workspace = NULL, *prelude_arg = NULL;
	int no_prelude = 0;
	char prelude[PATH_MAX];
	memset(&o, 0, sizeof o);
	o.incdirs = calloc((size_t)argc + 1, sizeof *o.incdirs);
	if (!o.incdirs) {
		fprintf(stderr, "codexpolc: out of memory\n");
		return EXIT_USAGE;
	}
	int rc = EXIT_OK;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:I:W:wihV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o.output = optarg; break;
		case 'I': o.incdirs[o.nincdirs++] = optarg; break;
		case 'W':
			if (!strcmp(optarg, "error"))
				o.werror = 1;
			else if (!strcmp(optarg, "no-error"))
				o.werror = 0;
			else if (o.nwopts < 64)
				o.wopts[o.nwopts++] = optarg;
			break;
		case 'w': o.nowarn = 1; break;
		case 'i': in_place = 1; break;
		case OPT_CHECK: check = 1; break;
		case OPT_JSON: json = 1; break;
		case OPT_WORKSPACE: workspace = optarg; break;
		case OPT_PRELUDE: prelude_arg = optarg; no_prelude = 0; break;
		case OPT_NO_PRELUDE: no_prelude = 1; prelude_arg = NULL; break;
		case OPT_LINT: case OPT_DUMP: case OPT_FMT: case OPT_PREVIEW:
			if (mode && mode != c) {
				rc = usage_error("%s and %s cannot be combined", mode_name(mode), mode_name(c));
				goto done;
			}
			mode = c;
			break;
		case OPT_LISTW:
			for (size_t i = 0; i < sizeof warning_help / sizeof warning_help[0]; i++)
				printf("-W%-20s %s\n", warning_help[i][0], warning_help[i][1]);
			goto done;
		case 'h': rc = cpol_cli_help(usage_text); goto done;
		case 'V': rc = cpol_cli_version("codexpolc"); goto done;
		case ':': rc = usage_error("option '%s' needs an argument", cpol_cli_bad_word(argv)); goto done;
		default: rc = usage_error("unknown option '%s'", cpol_cli_bad_word(argv)); goto done;
		}
	}
	int nfiles = argc - optind;
	if (prelude_arg) {
		if (!realpath(prelude_arg, prelude)) {
			rc = usage_error("cannot use the prelude %s: %s", prelude_arg, strerror(errno));
			goto done;
		}
		o.prelude = prelude;
	} else if (!no_prelude) {
		o.prelude_missing = cpol_find_prelude(o.incdirs, o.nincdirs, prelude, sizeof prelude) < 0;
		o.prelude = prelude;
	}
	if ((check || in_place) && mode != OPT_FMT) {
		rc = usage_error("%s works only with --fmt", check ? "--check" : "--in-place");
	} else if (check && in_place) {
		rc = usage_error("%s", "--check and --in-place cannot be combined");
	} else if ((json || workspace) && mode != OPT_PREVIEW) {
		rc = usage_error("%s works only with --preview", json ? "--json" : "--workspace");
	} else if (nfiles == 0) {
		rc = usage_error("%s", mode == OPT_DUMP ? "no image given" :
		                 mode == OPT_PREVIEW ? "give an image and a corpus" : "no policy file given");
	} else if (mode == OPT_DUMP) {
		if (nfiles != 1)
			rc = usage_error("%s", "--dump takes one image");
		else
			rc = dump(argv[optind]);
	} else if (mode == OPT_PREVIEW) {
		if (nfiles != 2 && nfiles != 3) {
			rc = usage_error("%s", "--preview takes NEW.bin CORPUS, or OLD.bin NEW.bin CORPUS");
		} else {
			struct cpol_preview_opts po = {
				.old_image = nfiles == 3 ? argv[optind] : NULL,
				.new_image = argv[argc - 2],
				.corpus = argv[argc - 1],
				.workspace = workspace,
				.json = json,
			};
			rc = cpol_preview(&po, stdout);
		}
	} else if (mode == OPT_FMT) {
		for (int i = optind; i < argc; i++)
			if (in_place && !strcmp(argv[i], "-")) {
				rc = usage_error("%s", "--in-place cannot rewrite standard input");
				goto done;
			}
		for (int i = optind; i < argc; i++) {
			int r = fmt_one(argv[i], check ? FMT_CHECK : in_place ? FMT_IN_PLACE : FMT_PRINT);
			if (r > rc)
				rc = r;
		}
		if (fflush(stdout) != 0) {
			fprintf(stderr, "codexpolc: cannot write: %s\n", strerror(errno));
			rc = EXIT_POLICY;
		}
	} else if (mode == OPT_LINT) {
		for (int i = optind; i < argc; i++) {
			int r = compile_one(&o, argv[i], 1);
			if (r > rc)
				rc = r;
		}
	} else {
		if (nfiles != 1)
			rc = usage_error("%s", "give one policy to compile (use --lint to check several)");
		else
			rc = compile_one(&o, argv[optind], 0);
	}
done:
	free(o.incdirs);
	return rc;
}
