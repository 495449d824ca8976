/* compiler/dump.c -- codexpolc --dump: an image made readable: header,
 * section table, sandbox, program dispatch, every rule with its source
 * position and its condition disassembled, intents and automaton figures.
 * Reads only verified images. */
#include "compiler/compiler.h"
#include "vm/vm.h"

#include <string.h>

static const char *const sec_names[CPOL_SEC__COUNT] = {
	"?", "meta", "strings", "sets", "dispatch", "rules", "code", "automaton", "intents", "sandbox", "debug",
	"wrappers", "grants", "limits", "argidx", "wordidx",
};
static const char *const dec_names[] = { "allow", "prompt", "forbid" };
static const char *const wmode_names[] = { "", " outside sandbox.write", " inside sandbox.write", " sandbox.write" };
static const char *const net_names[] = { "none", "connect", "outbound", "any" };
static const char *const var_names[] = { "", "$WORKSPACE", "$TMPDIR", "$HOME", "" };
static const char *const target_names[] = { "", "last", "operands", "after", "value", "cwd" };

static void qstr(FILE *out, const struct cpol_image *im, uint32_t id)
{
	uint32_t n;
	const char *s = cpol_img_string(im, id, &n);
	fputc('"', out);
	for (uint32_t i = 0; i < n && i < 200; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	fputs(n > 200 ? "...\"" : "\"", out);
}

static void set_text(FILE *out, const struct cpol_image *im, uint32_t id)
{
	const struct cpol_img_set *s = &im->sets[id];
	fprintf(out, "set#%u {", id);
	for (uint32_t k = 0; k < s->n && k < 8; k++) {
		fputs(k ? ", " : "", out);
		qstr(out, im, im->members[s->first + k]);
	}
	fprintf(out, "%s}%s", s->n > 8 ? ", ..." : "", s->mask ? " (hashed)" : "");
}

static void group_text(FILE *out, const struct cpol_image *im, uint32_t g)
{
	fprintf(out, "group#%u {", g);
	uint32_t shown = 0;
	for (uint32_t o = 0; o < im->ac->noutputs && shown < 8; o++)
		if (im->acouts[o].group == g) {
			fputs(shown++ ? ", " : "", out);
			qstr(out, im, im->acouts[o].str);
		}
	fputs("}", out);
}

/* The text of line `line` of `path`, when the source is still there (the
 * image stores positions, not text). One file is kept open at a time. */
static void source_line(const char *path, uint32_t line, FILE *out)
{
	static char cached[4096];
	static FILE *f;
	static uint32_t at;
	if (!line)
		return;
	if (!f || strcmp(cached, path) != 0 || at >= line) {
		if (f)
			fclose(f);
		snprintf(cached, sizeof cached, "%s", path);
		f = fopen(path, "r");
		at = 0;
		if (!f)
			return;
	}
	char buf[512];
	while (at < line && fgets(buf, sizeof buf, f)) {
		size_t n = strlen(buf);
		if (n && buf[n - 1] == '\n')
			at++;
		else if (n < sizeof buf - 1)
			at++;
		if (at == line) {
			buf[strcspn(buf, "\n")] = 0;
			fprintf(out, "      | %s\n", buf);
		}
	}
}

/* Disassemble from pc to the RET that ends the condition. */
static void disasm(FILE *out, const struct cpol_image *im, uint32_t pc)
{
	for (;; pc++) {
		const struct cpol_img_insn *i = &im->code[pc];
		fprintf(out, "      %5u  ", pc);
		switch (i->op) {
		case CPOL_OP_RET: fputs("ret\n", out); return;
		case CPOL_OP_TRUE: fputs("true", out); break;
		case CPOL_OP_NOT: fputs("not", out); break;
		case CPOL_OP_JF: fprintf(out, "jump-if-false %u", i->c); break;
		case CPOL_OP_JT: fprintf(out, "jump-if-true %u", i->c); break;
		case CPOL_OP_PROG: fputs("program in ", out); set_text(out, im, i->c); break;
		case CPOL_OP_ARG: case CPOL_OP_ANYARG:
			if (i->op == CPOL_OP_ARG)
				fprintf(out, "arg %u %s ", i->b, cpol_pred_word(i->a));
			else
				fprintf(out, "any arg %s ", cpol_pred_word(i->a));
			if (cpol_pred_operand(i->a) == CPOL_OPND_GROUP)
				group_text(out, im, i->c);
			else
				set_text(out, im, i->c);
			break;
		case CPOL_OP_ARGC: fprintf(out, "argc %s %u", cpol_cmp_text(i->a), i->c); break;
		case CPOL_OP_SUBSTR: fputs("substring ", out); group_text(out, im, i->c); break;
		case CPOL_OP_WRITES: fprintf(out, "writes%s", wmode_names[i->a]); break;
		case CPOL_OP_NET: fputs("network", out); break;
		case CPOL_OP_OPTS: fputs("options only ", out); set_text(out, im, i->c); break;
		case CPOL_OP_VALUE:
			fprintf(out, "any value of the first %u options of the next set", i->b);
			if (i->c == CPOL_NONE)
				break;
			fprintf(out, ", %s ", cpol_pred_word(i->a));
			if (cpol_pred_operand(i->a) == CPOL_OPND_GROUP)
				group_text(out, im, i->c);
			else
				set_text(out, im, i->c);
			break;
		case CPOL_OP_VALSET: fputs("  with options ", out); set_text(out, im, i->c); break;
		}
		fputc('\n', out);
	}
}

int cpol_dump(const struct cpol_image *im, FILE *out)
{
	const struct cpol_img_header *h = (const void *)im->base;
	const struct cpol_img_meta *m = im->meta;
	fprintf(out, "image: codexpol policy image, format %u, %llu bytes, xxh3-64 %s\n", h->version,
	        (unsigned long long)h->size, im->hash);
	fprintf(out, "policy: ");
	qstr(out, im, m->name);
	fprintf(out, "\ndefault: %s%s\nflags:%s%s%s\n", dec_names[m->def],
	        m->flags & CPOL_IMGF_CONFINED_DEFAULT ? " inside sandbox" : "", m->flags & CPOL_IMGF_TRUSTED ? " trusted" : "",
	        m->flags & CPOL_IMGF_RO_FILTER ? " read-only-filter" : "", m->flags ? "" : " -");

	fputs("\nsections:\n", out);
	const struct cpol_img_section *t = (const void *)(im->base + sizeof *h);
	for (uint32_t i = 0; i < h->nsections; i++)
		fprintf(out, "  %-10s offset %8u  size %8u  count %u\n", sec_names[t[i].kind], t[i].offset, t[i].size, t[i].count);

	const struct cpol_img_sandbox_hdr *sb = im->sb;
	fprintf(out, "\nsandbox:\n  network %s", net_names[sb->net]);
	for (uint32_t i = 0; i < sb->nconnect; i++)
		fprintf(out, i ? ", %u-%u" : " %u-%u", im->connect[i].lo, im->connect[i].hi);
	fputc('\n', out);
	for (uint32_t i = 0; i < sb->nbind; i++)
		fprintf(out, "  bind %u-%u\n", im->bind[i].lo, im->bind[i].hi);
	for (uint32_t i = 0; i < sb->nroots; i++) {
		const struct cpol_img_root *r = &im->roots[i];
		static const char *const kinds[] = { "read", "write", "protect", "unix", "deny read", "network allow",
		                                     "network allow read", "network deny" };
		fprintf(out, "  %-7s %s%s\n", kinds[r->kind], r->var == CPOL_RV_ANYWHERE ? "**/" : var_names[r->var],
		        cpol_img_string(im, r->path, NULL));
	}
	for (uint32_t i = 0; i < sb->nenv; i++)
		fprintf(out, "  env keep %s\n", cpol_img_string(im, im->envkeep[i], NULL));
	fprintf(out, "  seccomp filter: %s", sb->bpf_len ? "prebuilt" : "built at run time");
	if (sb->bpf_len)
		fprintf(out, ", %u instructions, arch 0x%08x", sb->bpf_len / 8, sb->bpf_arch);
	fputc('\n', out);

	if (im->limits) {
		fputs("\nlimits:\n", out);
		cpol_limits_print(out, im->limits, "  ", "\n");
	}

	fprintf(out, "\nprograms: %u dispatched by xxh3 of their name, %u generic rules", im->nprogs - 1,
	        im->progs[0].nrules);
	for (uint32_t k = 0; k < im->progs[0].nrules; k++)
		fprintf(out, k ? " %u" : " (run for every command): %u", im->refs[im->progs[0].rules + k]);
	fputc('\n', out);
	for (uint32_t p = 1; p < im->nprogs; p++) {
		const struct cpol_img_prog *g = &im->progs[p];
		fprintf(out, "  %-16s rules", cpol_img_string(im, g->name, NULL));
		for (uint32_t k = 0; k < g->nrules; k++)
			fprintf(out, " %u", im->refs[g->rules + k]);
		if (!g->nrules)
			fputs(" -", out);
		for (uint32_t k = 0; k < g->nintents; k++) {
			const struct cpol_img_intent *in = &im->intents[g->intents + k];
			if (in->kind == CPOL_IK_NETWORK) {
				fputs("; network", out);
			} else {
				fprintf(out, "; writes %s", target_names[in->target]);
				if (in->target == CPOL_TG_OPERANDS && in->from > 1)
					fprintf(out, " from %u", in->from);
				if (in->str != CPOL_NONE) {
					fputc(' ', out);
					qstr(out, im, in->str);
				}
			}
			if (in->guard != CPOL_NONE)
				fprintf(out, " when @%u", in->guard);
		}
		fputc('\n', out);
	}

	fprintf(out, "\nrules: %u\n", im->nrules);
	for (uint32_t r = 0; r < im->nrules; r++) {
		const struct cpol_img_rule *x = &im->rules[r];
		const struct cpol_img_debug *d = &im->debug[r];
		fprintf(out, "  rule %u ", r);
		qstr(out, im, x->name);
		if (x->action == CPOL_RA_SCRIPT)
			fprintf(out, "  evaluate script arg %u", x->arg);
		else
			fprintf(out, "  %s", dec_names[x->dec]);
		if (im->strs[x->reason].len) {
			fputs(" because ", out);
			qstr(out, im, x->reason);
		}
		const struct cpol_img_grant *g;
		uint32_t ng = cpol_rule_grants(im, (int)r, &g);
		for (uint32_t k = 0; k < ng; k++) {
			char gt[600];
			cpol_grant_text(im, &g[k], gt, sizeof gt);
			fprintf(out, "\n    grant %s", gt);
		}
		fprintf(out, "\n    source %s:%u:%u\n", cpol_img_string(im, d->file, NULL), d->line, d->col);
		source_line(cpol_img_string(im, d->file, NULL), d->line, out);
		disasm(out, im, x->code);
	}
	/* the conditions of intents, each once (they are emitted in order) */
	fputs("\nintent conditions:\n", out);
	uint32_t last = CPOL_NONE;
	for (uint32_t k = 0; k < im->nintents; k++) {
		uint32_t g = im->intents[k].guard;
		int seen = g == CPOL_NONE || g == last;
		for (uint32_t j = 0; j < k && !seen; j++)
			seen = im->intents[j].guard == g;
		if (seen)
			continue;
		last = g;
		fprintf(out, "  @%u\n", g);
		disasm(out, im, g);
	}
	fprintf(out, "\nautomaton: %u states, %u byte classes, %u outputs, %u substring groups\n",
	        im->ac->nstates, im->ac->nclasses, im->ac->noutputs, m->ngroups);
	fprintf(out, "sets: %u, %u members\nstrings: %u\ncode: %u instructions\n", im->nsets, im->nmembers,
	        im->nstrs, im->ncode);
	return 0;
}
