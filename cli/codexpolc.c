/* cli/codexpolc.c -- the policy compiler and linter.
 *
 *   codexpolc [-I DIR]... [-o OUT.bin] [-W...] FILE.cpol   compile
 *   codexpolc --lint [-I DIR]... [-W...] FILE.cpol...       check only
 *   codexpolc --dump FILE.bin                               show an image
 *
 * Exit status: 0 ok, 1 policy errors (or an output that cannot be
 * written), 2 usage errors.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codexpol.h"
#include "compiler/compiler.h"
#include "grammar/ast.h"
#include "vm/vm.h"

enum { EXIT_OK = 0, EXIT_POLICY = 1, EXIT_USAGE = 2 };

static const char usage_text[] =
	"Usage: codexpolc [OPTION]... FILE.cpol\n"
	"       codexpolc --lint [OPTION]... FILE.cpol...\n"
	"       codexpolc --dump FILE.bin\n"
	"Compile a codexpol policy into a verified image, check it, or show an image.\n"
	"\n"
	"  -o, --output=FILE     write the image to FILE (default: FILE.cpol with .bin)\n"
	"  -I, --include=DIR     search DIR for included files (after the including file's folder)\n"
	"      --lint            check the policies (syntax, names, lint, examples) without writing\n"
	"      --dump            print an image: header, sections, sandbox, rules disassembled\n"
	"  -W NAME               enable warning NAME; -Wno-NAME disables it; -Werror makes\n"
	"                        warnings errors; -Wall enables every warning\n"
	"  -w, --no-warnings     disable every warning\n"
	"      --list-warnings   list the warnings and what they mean\n"
	"  -h, --help            show this help and exit\n"
	"  -V, --version         show the version and exit\n"
	"\n"
	"Diagnostics are printed as FILE:LINE:COL: error|warning: MESSAGE [-WNAME].\n"
	"Exit status: 0 ok, 1 policy errors, 2 usage errors.\n";

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
};

__attribute__((format(printf, 1, 2)))
static int usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("codexpolc: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs("\nTry 'codexpolc --help' for more information.\n", stderr);
	va_end(ap);
	return EXIT_USAGE;
}

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
	if (apply_warnings(u, o) < 0) {
		cpol_unit_free(u);
		return NULL;
	}
	return u;
}

/* Write the image next to its final name, then rename: never a half file. */
static int write_image(const char *path, const uint8_t *img, size_t len)
{
	size_t n = strlen(path);
	char *tmp = malloc(n + 16);
	if (!tmp) {
		fprintf(stderr, "codexpolc: out of memory\n");
		return -1;
	}
	snprintf(tmp, n + 16, "%s.tmp%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "codexpolc: cannot write %s: %s\n", path, strerror(errno));
		free(tmp);
		return -1;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, img + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			fprintf(stderr, "codexpolc: cannot write %s: %s\n", path, strerror(errno));
			close(fd);
			unlink(tmp);
			free(tmp);
			return -1;
		}
		off += (size_t)w;
	}
	if (fsync(fd) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
		fprintf(stderr, "codexpolc: cannot write %s: %s\n", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
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
	struct cpol_compile_opts co = { .make_bpf = cpol_codexpolc_bpf };
	if (!f || cpol_compile(u, f, &co, lint_only, lint_only ? NULL : &img, &len) < 0)
		rc = EXIT_POLICY;
	cpol_diag_print(u, stderr);
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

/* Everything but the allocation of o->incdirs, which main frees on every
 * way out. */
static int run(int argc, char **argv, struct opts *op)
{
	enum { OPT_LINT = 256, OPT_DUMP, OPT_LISTW };
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "include", required_argument, NULL, 'I' },
		{ "lint", no_argument, NULL, OPT_LINT },
		{ "dump", no_argument, NULL, OPT_DUMP },
		{ "no-warnings", no_argument, NULL, 'w' },
		{ "list-warnings", no_argument, NULL, OPT_LISTW },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = *op;
	int mode = 0, c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:I:W:whV", longopts, NULL)) != -1) {
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
		case OPT_LINT: case OPT_DUMP:
			if (mode && mode != c)
				return usage_error("%s", "--lint and --dump cannot be combined");
			mode = c;
			break;
		case OPT_LISTW:
			for (size_t i = 0; i < sizeof warning_help / sizeof warning_help[0]; i++)
				printf("-W%-20s %s\n", warning_help[i][0], warning_help[i][1]);
			return EXIT_OK;
		case 'h': fputs(usage_text, stdout); return EXIT_OK;
		case 'V': printf("codexpolc (codexpol) %s\n", PACKAGE_VERSION); return EXIT_OK;
		case ':': return usage_error("option '%s' needs an argument", argv[optind - 1]);
		default: return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	int nfiles = argc - optind;
	if (nfiles == 0)
		return usage_error("%s", mode == OPT_DUMP ? "no image given" : "no policy file given");
	int rc = EXIT_OK;
	if (mode == OPT_DUMP) {
		if (nfiles != 1)
			return usage_error("%s", "--dump takes one image");
		rc = dump(argv[optind]);
	} else if (mode == OPT_LINT) {
		for (int i = optind; i < argc; i++) {
			int r = compile_one(&o, argv[i], 1);
			if (r > rc)
				rc = r;
		}
	} else {
		if (nfiles != 1)
			return usage_error("%s", "give one policy to compile (use --lint to check several)");
		rc = compile_one(&o, argv[optind], 0);
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct opts o;
	memset(&o, 0, sizeof o);
	o.incdirs = calloc((size_t)argc + 1, sizeof *o.incdirs);
	if (!o.incdirs) {
		fprintf(stderr, "codexpolc: out of memory\n");
		return EXIT_USAGE;
	}
	int rc = run(argc, argv, &o);
	free(o.incdirs);
	return rc;
}
