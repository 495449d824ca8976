/* grammar/parse.c -- the front end's driver: reads a source file (with size
 * limits), feeds the re2c lexer's tokens to the lemon push parser, reports
 * syntax errors with what was expected, and resolves `include` statements
 * (the including file's folder first, then each -I folder; cycles, depth
 * over CPOL_MAX_INCLUDE and missing files are errors naming the chain),
 * with the prelude, when the unit has one, included first. */
#include "grammar/parser.h"
#include "grammar/grammar.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/readfile.h"

static cpol_file *add_file(cpol_unit *u, const char *path, const char *real)
{
	if (u->nfiles >= CPOL_MAX_FILES)
		return NULL;
	if (u->nfiles == u->capfiles) {
		uint32_t cap = u->capfiles ? u->capfiles * 2 : 8;
		cpol_file **f = realloc(u->files, cap * sizeof *f);
		if (!f)
			return NULL;
		u->files = f;
		u->capfiles = cap;
	}
	cpol_file *f = cpol_arena_alloc(u->arena, sizeof *f);
	if (!f)
		return NULL;
	f->index = u->nfiles;
	f->path = cpol_arena_strndup(u->arena, path, strlen(path));
	f->real = real ? cpol_arena_strndup(u->arena, real, strlen(real)) : f->path;
	if (!f->path || !f->real)
		return NULL;
	u->files[u->nfiles++] = f;
	return f;
}

/* Read a whole regular file, NUL-terminated. Reports errors at `at`. The
 * type and size are checked first, so that a FIFO is never read and a
 * large file is named with its size; the reading is the common reader's,
 * which also catches a file that grows past the limit while it is read. */
static int read_source(cpol_unit *u, cpol_file *f, cpol_loc at)
{
	int fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	struct stat st;
	if (fd < 0) {
		cpol_error_at(u, at, "cannot open %s: %s", f->path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		cpol_error_at(u, at, "%s is not a regular file", f->path);
		close(fd);
		return -1;
	}
	if ((uint64_t)st.st_size > CPOL_MAX_FILE_SIZE) {
		cpol_error_at(u, at, "%s is too large (%lld bytes; the limit is %u)", f->path,
		              (long long)st.st_size, CPOL_MAX_FILE_SIZE);
		close(fd);
		return -1;
	}
	cpol_error err;
	size_t n;
	char *buf = cpol_read_fd(fd, f->path, CPOL_MAX_FILE_SIZE, &n, &err);
	close(fd);
	if (!buf) {
		if (err.code == EFBIG)
			cpol_error_at(u, at, "%s changed while it was read", f->path);
		else
			cpol_error_at(u, at, "%s", err.msg);
		return -1;
	}
	f->text = buf;
	f->size = n;
	return 0;
}

/* Sources from memory are copied: the lexer needs a NUL after the end. */
static int copy_text(cpol_unit *u, cpol_file *f, const char *text, size_t size, cpol_loc at)
{
	char *buf = malloc(size + 1);
	if (!buf) {
		cpol_error_at(u, at, "out of memory reading %s", f->path);
		return -1;
	}
	memcpy(buf, text, size);
	buf[size] = 0;
	f->text = buf;
	f->size = size;
	return 0;
}

/* A source from memory, held to the same size limit as a file on disk. */
static int take_text(cpol_unit *u, cpol_file *f, const char *text, size_t size, cpol_loc at)
{
	if (size > CPOL_MAX_FILE_SIZE) {
		cpol_error_at(u, at, "%s is too large (the limit is %u bytes)", f->path, CPOL_MAX_FILE_SIZE);
		return -1;
	}
	return copy_text(u, f, text, size, at);
}

/* add_file, reporting at `at` why it failed. */
static cpol_file *new_file(cpol_unit *u, const char *path, const char *real, cpol_loc at)
{
	cpol_file *f = add_file(u, path, real);
	if (!f)
		cpol_error_at(u, at, u->nfiles >= CPOL_MAX_FILES ? "too many source files (the limit is %d)" : "out of memory",
		              CPOL_MAX_FILES);
	return f;
}

void cpol_parse_syntax_error(struct cpol_parser *P, const cpol_token *t,
                             const int *expected, int n)
{
	char exp[512] = "";
	size_t len = 0;
	/* Name what could have come, when that is a short list. */
	if (n > 0 && n <= 10) {
		len += (size_t)snprintf(exp, sizeof exp, ", expected ");
		for (int i = 0; i < n && len < sizeof exp; i++)
			len += (size_t)snprintf(exp + len, sizeof exp - len, "%s%s",
			                        i == 0 ? "" : i == n - 1 ? " or " : ", ",
			                        cpol_token_name(expected[i]));
	}
	if (t->type == 0) {
		cpol_error_at(P->u, t->loc, "unexpected end of file%s", exp);
	} else if (t->type == CPOL_TK_IDENT || (t->len && t->type != CPOL_TK_STRING && t->type != CPOL_TK_INT &&
	           ((t->type >= CPOL_TK_POLICY && t->type <= CPOL_TK_CWD) || t->type >= CPOL_TK_OPTIONS))) {
		cpol_error_at(P->u, t->loc, "unexpected '%.*s'%s", (int)(t->len > 40 ? 40 : t->len), t->text, exp);
	} else if (t->type == CPOL_TK_STRING || t->type == CPOL_TK_INT) {
		/* not "unexpected a string": the caret shows which one */
		cpol_error_at(P->u, t->loc, "unexpected %s%s", t->type == CPOL_TK_STRING ? "string" : "number", exp);
	} else {
		cpol_error_at(P->u, t->loc, "unexpected %s%s", cpol_token_name(t->type), exp);
	}
}

void cpol_parse_overflow(struct cpol_parser *P)
{
	P->overflow = 1;
}

/* Lex and parse one file's text into f->stmts (includes are resolved by the
 * caller). When on_token is given it sees every token first; a negative
 * return stops the parse. */
void cpol_parse_text(cpol_unit *u, cpol_file *f, int (*on_token)(void *arg, const cpol_token *t), void *arg)
{
	struct cpol_parser P = { .u = u, .f = f, .tail = &f->stmts };
	cpol_lexer lx;
	cpol_token t;
	void *parser = cpolParseAlloc(malloc, &P);
	if (!parser) {
		cpol_error_at(u, ((cpol_loc){ f->index, 0, 0 }), "out of memory");
		return;
	}
	cpol_lexer_init(&lx, u, f);
	/* Nesting of the current condition: the open '(', plus the `not`s of
	 * each '(' level still waiting for their operand (a `not` binds
	 * tighter than and/or, so it ends at the next and/or/')' of its level:
	 * `not a and not b` is one level deep, `not not a` two). */
	int depth = 0, paren = 0;
	int nots[CPOL_MAX_NESTING + 1];
	nots[0] = 0;
	do {
		cpol_lex(&lx, &t);
		if (t.type == CPOL_TK_LPAREN || t.type == CPOL_TK_NOT) {
			if (++depth > CPOL_MAX_NESTING) {
				cpol_error_at(u, t.loc, "condition nested too deeply (the limit is %d levels of '(' and 'not')",
				              CPOL_MAX_NESTING);
				break;
			}
			if (t.type == CPOL_TK_LPAREN)
				nots[++paren] = 0;
			else
				nots[paren]++;
		} else if (t.type == CPOL_TK_AND || t.type == CPOL_TK_OR) {
			depth -= nots[paren];
			nots[paren] = 0;
		} else if (t.type == CPOL_TK_RPAREN && paren > 0) {
			depth -= nots[paren--] + 1;
		} else if (t.type == CPOL_TK_SEMI || t.type == CPOL_TK_LBRACE || t.type == CPOL_TK_RBRACE ||
		           t.type == CPOL_TK_UNLESS) {
			depth = paren = nots[0] = 0;
		}
		if (on_token && on_token(arg, &t) < 0)
			break;
		cpolParse(parser, t.type, t);
		if (P.overflow) {
			cpol_error_at(u, t.loc, "policy nested too deeply for the parser");
			break;
		}
		if (u->gave_up || cpol_arena_oom(u->arena))
			break;
	} while (t.type != 0);
	cpolParseFree(parser, free);
	if (cpol_arena_oom(u->arena))
		cpol_error_at(u, ((cpol_loc){ f->index, 0, 0 }), "out of memory");
}

/* The folder part of a path ("" when it has none), in the arena. */
static const char *dir_of(cpol_unit *u, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return "";
	return cpol_arena_strndup(u->arena, path, (size_t)(slash - path) + 1);
}

static const char *join(cpol_unit *u, const char *dir, const char *name)
{
	if (name[0] == '/' || !dir[0])
		return cpol_arena_strndup(u->arena, name, strlen(name));
	size_t dl = strlen(dir), nl = strlen(name);
	int slash = dir[dl - 1] != '/';
	char *p = cpol_arena_alloc(u->arena, dl + (size_t)slash + nl + 1);
	if (p) {
		memcpy(p, dir, dl);
		if (slash)
			p[dl] = '/';
		memcpy(p + dl + (size_t)slash, name, nl + 1);
	}
	return p;
}

static int mem_lookup(const cpol_unit *u, const char *path)
{
	if (!strncmp(path, "./", 2))
		path += 2;
	for (uint32_t i = 0; i < u->nmem; i++) {
		const char *m = u->mem_paths[i];
		if (!strncmp(m, "./", 2))
			m += 2;
		if (!strcmp(m, path))
			return (int)i;
	}
	return -1;
}

static int exists(const cpol_unit *u, const char *path)
{
	if (u->nmem)
		return mem_lookup(u, path) >= 0;
	struct stat st;
	return stat(path, &st) == 0;
}

static cpol_file *find_file(cpol_unit *u, const char *real)
{
	for (uint32_t i = 0; i < u->nfiles; i++)
		if (!strcmp(u->files[i]->real, real))
			return u->files[i];
	return NULL;
}

/* The chain of includes from the main file to f, for messages. */
static void chain_text(cpol_unit *u, cpol_file **stack, uint32_t n, const char *last, char *out, size_t cap)
{
	size_t len = 0;
	out[0] = 0;
	for (uint32_t i = 0; i < n && len < cap; i++)
		len += (size_t)snprintf(out + len, cap - len, "%s -> ", stack[i]->path);
	if (len < cap)
		snprintf(out + len, cap - len, "%s", last);
	(void)u;
}

static void resolve_includes(cpol_unit *u, cpol_file *f, cpol_file **stack, uint32_t depth);

static cpol_file *load(cpol_unit *u, const char *path, cpol_loc at, uint32_t depth)
{
	char realbuf[PATH_MAX];
	const char *real = path;
	if (!u->nmem && realpath(path, realbuf))
		real = realbuf;
	cpol_file *f = new_file(u, path, real, at);
	if (!f)
		return NULL;
	f->depth = depth;
	f->included_at = at;
	if (at.line == 0)
		at.file = f->index;
	if (u->nmem) {
		int m = mem_lookup(u, path);
		if (m < 0) {
			cpol_error_at(u, at, "cannot open %s: No such file or directory", path);
			return f;
		}
		if (take_text(u, f, u->mem_texts[m], u->mem_sizes[m], at) < 0)
			return f;
	} else if (read_source(u, f, at) < 0) {
		return f;
	}
	cpol_parse_text(u, f, NULL, NULL);
	return f;
}

static void resolve_includes(cpol_unit *u, cpol_file *f, cpol_file **stack, uint32_t depth)
{
	stack[depth] = f;
	for (cpol_stmt *s = f->stmts; s; s = s->next) {
		if (s->kind != CPOL_S_INCLUDE)
			continue;
		const char *name = s->u.include.path;
		if (!name[0]) {
			cpol_error_at(u, s->loc, "include of an empty path");
			continue;
		}
		/* The including file's folder first, then each -I folder; the
		 * prelude is the file named, as it is. */
		const char *path = join(u, s->u.include.prelude ? "" : dir_of(u, f->path), name);
		for (uint32_t i = 0; path && name[0] != '/' && !s->u.include.prelude && !exists(u, path) &&
		                     i < u->nincdirs; i++) {
			const char *alt = join(u, u->incdirs[i], name);
			if (alt && exists(u, alt))
				path = alt;
		}
		if (!path)
			continue;
		char realbuf[PATH_MAX];
		const char *real = path;
		if (!u->nmem && realpath(path, realbuf))
			real = realbuf;
		/* A file on the current chain: a cycle. */
		for (uint32_t i = 0; i <= depth; i++) {
			if (!strcmp(stack[i]->real, real)) {
				char chain[1024];
				chain_text(u, stack, depth + 1, path, chain, sizeof chain);
				cpol_error_at(u, s->loc, "include cycle: %s", chain);
				goto next;
			}
		}
		cpol_file *seen = find_file(u, real);
		if (seen) {
			/* the prelude's files come first: including one again says
			 * what the policy relies on, and is no mistake */
			if (!seen->prelude)
				cpol_warn_at(u, s->loc, CPOL_WARN_DUP_INCLUDE, "%s is already included; skipped", path);
			continue;
		}
		if (depth + 1 > CPOL_MAX_INCLUDE) {
			char chain[1024];
			chain_text(u, stack, depth + 1, path, chain, sizeof chain);
			cpol_error_at(u, s->loc, "includes nested too deeply (the limit is %d): %s", CPOL_MAX_INCLUDE, chain);
			continue;
		}
		cpol_file *inc = load(u, path, s->loc, depth + 1);
		if (inc)
			inc->prelude = (uint8_t)(f->prelude || s->u.include.prelude);
		if (inc && inc->text) {
			s->u.include.file = inc;
			resolve_includes(u, inc, stack, depth + 1);
		}
	next:;
	}
}

/* Unless the main file says `prelude none;`, an include of the prelude
 * goes before its first statement, so that everything the policy says
 * comes after (and may use) the prelude's declarations. */
int cpol_no_prelude(const cpol_unit *u, const cpol_file *main)
{
	for (const cpol_stmt *s = main->stmts; s; s = s->next) {
		if (s->kind == CPOL_S_PRELUDE)
			return 1;
		if (u->layer && s->kind == CPOL_S_INCLUDE && s->u.include.file && !s->u.include.prelude)
			for (const cpol_stmt *t = s->u.include.file->stmts; t; t = t->next)
				if (t->kind == CPOL_S_PRELUDE)
					return 1;
	}
	return 0;
}

static void add_prelude(cpol_unit *u, cpol_file *f)
{
	if (!u->prelude || cpol_no_prelude(u, f))
		return;
	cpol_stmt *s = cpol_arena_alloc(u->arena, sizeof *s);
	const char *path = cpol_arena_strndup(u->arena, u->prelude, strlen(u->prelude));
	if (!s || !path)
		return;
	s->kind = CPOL_S_INCLUDE;
	s->loc = (cpol_loc){ f->index, 1, 1 };
	s->u.include.path = path;
	s->u.include.len = (uint32_t)strlen(path);
	s->u.include.prelude = 1;
	s->next = f->stmts;
	f->stmts = s;
}

cpol_file *cpol_parse_file(cpol_unit *u, const char *path)
{
	cpol_loc none = { 0, 0, 0 };
	cpol_file *f = load(u, path, none, 0);
	if (!f || !f->text)
		return NULL;
	add_prelude(u, f);
	cpol_file *stack[CPOL_MAX_INCLUDE + 1];
	resolve_includes(u, f, stack, 0);
	return f;
}

cpol_file *cpol_unit_add_text(cpol_unit *u, const char *path, const char *text, size_t size)
{
	cpol_file *f = new_file(u, path, path, (cpol_loc){ 0, 0, 0 });
	if (!f || take_text(u, f, text, size, (cpol_loc){ f->index, 0, 0 }) < 0)
		return NULL;
	return f;
}

cpol_file *cpol_parse_buffer(cpol_unit *u, const char *path, const char *text, size_t size)
{
	cpol_file *f = cpol_unit_add_text(u, path, text, size);
	if (!f)
		return NULL;
	cpol_parse_text(u, f, NULL, NULL);
	add_prelude(u, f);
	cpol_file *stack[CPOL_MAX_INCLUDE + 1];
	resolve_includes(u, f, stack, 0);
	return f;
}
