/* tests/engine/test_verify.c -- the verifier under torture: corrupted copies
 * of a few real images, each with its XXH3-64 checksum recomputed so that
 * the verifier itself has to catch the damage. Random bit flips, byte and
 * word overwrites, truncations and extensions, then targeted corruptions of
 * every field the verifier checks (section offsets, sizes and counts,
 * strings, set and slot indices, rule code pcs, jump targets, opcodes and
 * predicates, automaton transitions, dictionary links and output groups,
 * intents and their guards, sandbox counts and the BPF length). Every image
 * is either refused by cpol_image_load or, when the damage is harmless,
 * evaluates a fixed set of commands (and dumps) without crashing; the
 * targeted corruptions that must be refused are. Run it under ASan/UBSan. */
#include "tests/engine/helpers.h"
#include "vm/vm.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the real images ---- */

static const char *const policies[] = {
	/* 0: a bit of everything */
	"policy \"torture\";\n"
	"sandbox {\n"
	"    read \"/\";\n"
	"    write \"$WORKSPACE\", \"$TMPDIR\", \"/dev/null\", \"~/cache\";\n"
	"    protect \"secrets\", \"$WORKSPACE/private\";\n"
	"    network connect 80, 443, 8000-8100;\n"
	"    bind 9000;\n"
	"    env keep \"PAGER\", \"NODE_OPTIONS\";\n"
	"}\n"
	"default prompt;\n"
	"set readers = \"ls\", \"cat\", \"head\", \"tail\", \"wc\", \"grep\", \"less\";\n"
	"forbid substring \"rm -rf /\", \"mkfs\", \":(){ :|:& };:\" because \"destructive\";\n"
	"allow program readers;\n"
	"rule \"git read-only\" { when program \"git\" and arg 1 in (\"status\", \"log\", \"diff\", \"show\", \"blame\"); allow; }\n"
	"rule \"git push\" { when program \"git\" and arg 1 is \"push\" and any arg option \"--force\", \"-f\"; forbid; }\n"
	"rule \"find\" { when program \"find\" and no arg in (\"-exec\", \"-execdir\", \"-delete\", \"-ok\"); allow; }\n"
	"rule \"rm\" { when program \"rm\" and any arg flag \"r\", \"R\" unless argc < 3 or any arg prefix \"./build\"; forbid; }\n"
	"rule \"writes\" { when writes outside sandbox.write; forbid because \"outside\"; }\n"
	"rule \"inside\" { when writes inside sandbox.write and not substring \"..\"; allow; }\n"
	"rule \"net\" { when network; prompt; }\n"
	"rule \"shell -c\" { when program \"bash\", \"sh\" and arg 1 in (\"-c\", \"-lc\"); evaluate script arg 2; }\n"
	"rule \"suffix\" { when any arg suffix \".pem\", \".key\" or arg 70 contains \"zz\"; forbid; }\n"
	"rule \"argc\" { when argc > 40 and (arg 0 contains \"x\" or arg 1 prefix \"-\"); prompt; }\n"
	"intent write program \"cp\", \"mv\" target last;\n"
	"intent write program \"touch\", \"rm\" target operands;\n"
	"intent write program \"cc\" target after \"-o\";\n"
	"intent write program \"sort\" target after \"--output\" when not any arg is \"--check\";\n"
	"intent write program \"dd\" target value \"of=\";\n"
	"intent write program \"ln\" target operands from 2;\n"
	"intent network program \"curl\", \"wget\";\n"
	"intent network program \"git\" when arg 1 in (\"clone\", \"fetch\", \"push\", \"pull\");\n"
	"wrapper program \"xargs\" options (\"-0\", \"-n#\") replace (\"-I#\", \"-i[#]\", \"--replace[=]\") input;\n",
	/* 1: nothing at all */
	"",
	/* 2: many overlapping substrings */
	"default allow;\n"
	"forbid substring \"he\", \"she\", \"his\", \"hers\", \"rm -rf\", \"-rf /\", \"abc\", \"bcd\", \"cde\";\n"
	"prompt substring \"ab\", \"a\", \"zz\", \"ushers\";\n"
	"rule \"c\" { when any arg contains \"abc\", \"q\" or arg 2 contains \"hi\"; prompt; }\n"
	"rule \"d\" { when not substring \"x y\" and arg 1 contains \"bcd\"; forbid; }\n",
	/* 3: trusted, with a prebuilt filter */
	"policy \"trusted\";\n"
	"sandbox { write \"/\"; network any; }\n"
	"default allow;\n"
	"forbid program \"mkfs\";\n"
	"rule \"s\" { when program \"sh\" and arg 1 is \"-c\"; evaluate script arg 2; }\n",
	/* 4: a program whose rules are indexed by the words they need */
	"policy \"words\";\n"
	"default prompt;\n"
	"rule \"a\" { when program \"tar\" and any arg option (\"--to-command\", \"--info-script\"); forbid; }\n"
	"rule \"b\" { when program \"tar\" and any arg option (\"--checkpoint-action\", \"-F\"); forbid; }\n"
	"rule \"c\" { when program \"tar\" and any arg option \"--use-compress-program\", \"-I\"; prompt; }\n"
	"rule \"d\" { when program \"tar\" and any arg in (\"--delete\", \"--append\"); prompt; }\n"
	"rule \"e\" { when program \"tar\" and arg 2 prefix (\"/etc/\", \"/usr/\"); forbid; }\n"
	"rule \"f\" { when program \"tar\" and arg 1 prefix \"-x\" and argc > 3; prompt; }\n"
	"rule \"g\" { when program \"tar\" and any arg option \"-C\", \"--directory\"; prompt; }\n"
	"rule \"h\" { when program \"tar\" and arg 3 in (\"a\", \"b\"); allow; }\n"
	"rule \"i\" { when program \"tar\" and argc == 2; allow; }\n"
	"rule \"j\" { when program \"tar\" and any arg option \"name\"; allow; }\n"
	"allow program \"ls\";\n",
};
#define NBASE (sizeof policies / sizeof policies[0])

/* Two BPF instructions: the bytes are opaque to the verifier. */
static int fake_bpf_bytes(void **bpf, size_t *len, uint32_t *arch)
{
	static const uint8_t prog[16] = { 0x20, 0, 0, 0, 4, 0, 0, 0, 0x06, 0, 0, 0, 0, 0, 0xff, 0x7f };
	*bpf = malloc(sizeof prog);
	if (!*bpf)
		return -1;
	memcpy(*bpf, prog, sizeof prog);
	*len = sizeof prog;
	*arch = 0xc000003e;
	return 0;
}

/* The filter builder's second parameter was `int trusted` and becomes
 * `unsigned flags` (CPOL_BPF_*) with the read-only filter: take either. */
static int fake_bpf_trusted(int net, int trusted, void **bpf, size_t *len, uint32_t *arch, void *arg)
{
	return fake_bpf_bytes(bpf, len, arch);
}

static int fake_bpf_flags(int net, unsigned flags, void **bpf, size_t *len, uint32_t *arch, void *arg)
{
	return fake_bpf_bytes(bpf, len, arch);
}

#define FAKE_BPF(member) _Generic((member), \
	int (*)(int, int, void **, size_t *, uint32_t *, void *): fake_bpf_trusted, \
	default: fake_bpf_flags)

struct base {
	uint8_t *p;
	size_t n;
};

static void build(struct base *b, size_t i)
{
	cpol_unit *u = cpol_unit_new();
	cr_assert(u);
	cpol_file *f = cpol_parse_buffer(u, "torture.cpol", policies[i], strlen(policies[i]));
	struct cpol_compile_opts o = { 0 };
	if (i == 3)
		o.make_bpf = FAKE_BPF(o.make_bpf);
	int rc = f ? cpol_compile(u, f, &o, 0, &b->p, &b->n) : -1;
	if (rc < 0)
		cpol_diag_print(u, stderr);
	cr_assert_eq(rc, 0, "base policy %zu does not compile", i);
	cpol_unit_free(u);
}

/* ---- the image, parsed for targeted damage ---- */

struct view {
	uint8_t *p;
	size_t n;
	struct cpol_img_header *h;
	struct cpol_img_section *tab;
	struct cpol_img_section *sec[CPOL_SEC__COUNT];
	struct cpol_img_meta *meta;
	struct cpol_img_str *strs;
	uint32_t nstrs;
	struct cpol_img_sets_hdr *sh;
	struct cpol_img_set *sets;
	uint32_t *members;
	struct cpol_img_slot *slots;
	struct cpol_img_dispatch_hdr *dh;
	struct cpol_img_prog *progs;
	uint32_t *refs;
	struct cpol_img_pslot *pslots;
	struct cpol_img_rule *rules;
	uint32_t nrules;
	struct cpol_img_insn *code;
	uint32_t ncode;
	struct cpol_img_ac_hdr *ah;
	uint32_t *trans;
	struct cpol_img_acstate *acst;
	struct cpol_img_acout *acout;
	struct cpol_img_intent *intents;
	uint32_t nintents;
	struct cpol_img_sandbox_hdr *sb;
	struct cpol_img_root *roots;
	struct cpol_img_port *ports;
	uint32_t *env;
	struct cpol_img_debug *debug;
	struct cpol_img_wordidx_hdr *wh;
	struct cpol_img_widx *widx;
	uint32_t *wrefs;
	struct cpol_img_wkey *wkeys;
	struct cpol_img_wlong *wlongs;
};

static void *at(struct view *v, int kind)
{
	return v->p + v->sec[kind]->offset;
}

static void view_of(struct view *v, uint8_t *p, size_t n)
{
	memset(v, 0, sizeof *v);
	v->p = p;
	v->n = n;
	v->h = (void *)p;
	v->tab = (void *)(p + sizeof *v->h);
	for (uint32_t i = 0; i < v->h->nsections; i++)
		v->sec[v->tab[i].kind] = &v->tab[i];
	v->meta = at(v, CPOL_SEC_META);
	v->strs = at(v, CPOL_SEC_STRINGS);
	v->nstrs = v->sec[CPOL_SEC_STRINGS]->count;
	v->sh = at(v, CPOL_SEC_SETS);
	struct cpol_img_layout l = cpol_layout_sets(v->sh->nsets, v->sh->nmembers, v->sh->nslots);
	v->sets = (void *)((uint8_t *)v->sh + l.a);
	v->members = (void *)((uint8_t *)v->sh + l.b);
	v->slots = (void *)((uint8_t *)v->sh + l.c);
	v->dh = at(v, CPOL_SEC_DISPATCH);
	l = cpol_layout_dispatch(v->dh->nprogs, v->dh->nrefs, v->dh->nslots);
	v->progs = (void *)((uint8_t *)v->dh + l.a);
	v->refs = (void *)((uint8_t *)v->dh + l.b);
	v->pslots = (void *)((uint8_t *)v->dh + l.c);
	v->rules = at(v, CPOL_SEC_RULES);
	v->nrules = v->sec[CPOL_SEC_RULES]->count;
	v->code = at(v, CPOL_SEC_CODE);
	v->ncode = v->sec[CPOL_SEC_CODE]->count;
	v->ah = at(v, CPOL_SEC_AC);
	l = cpol_layout_ac(v->ah->nstates, v->ah->nclasses, v->ah->noutputs);
	v->trans = (void *)((uint8_t *)v->ah + l.a);
	v->acst = (void *)((uint8_t *)v->ah + l.b);
	v->acout = (void *)((uint8_t *)v->ah + l.c);
	v->intents = at(v, CPOL_SEC_INTENTS);
	v->nintents = v->sec[CPOL_SEC_INTENTS]->count;
	v->sb = at(v, CPOL_SEC_SANDBOX);
	l = cpol_layout_sandbox(v->sb->nroots, v->sb->nconnect, v->sb->nbind, v->sb->nenv, v->sb->bpf_len);
	v->roots = (void *)((uint8_t *)v->sb + l.a);
	v->ports = (void *)((uint8_t *)v->sb + l.b);
	v->env = (void *)((uint8_t *)v->sb + l.d);
	v->debug = at(v, CPOL_SEC_DEBUG);
	v->wh = at(v, CPOL_SEC_WORDIDX);
	l = cpol_layout_wordidx(v->wh->nprogs, v->wh->nrefs, v->wh->nkeys, v->wh->nlong);
	v->widx = (void *)((uint8_t *)v->wh + l.a);
	v->wrefs = (void *)((uint8_t *)v->wh + l.b);
	v->wkeys = (void *)((uint8_t *)v->wh + l.c);
	v->wlongs = (void *)((uint8_t *)v->wh + l.d);
}

/* A program with a word index, or -1. */
static int word_indexed(const struct view *v)
{
	for (uint32_t p = 0; p < v->wh->nprogs; p++)
		if (v->widx[p].mask != CPOL_NONE)
			return (int)p;
	return -1;
}

/* A used key of program p's word table (pos > 0: a positional one), or -1. */
static int word_key(const struct view *v, int p, int positional)
{
	for (uint32_t k = 0; k <= v->widx[p].mask; k++) {
		const struct cpol_img_wkey *e = &v->wkeys[v->widx[p].slot + k];
		if (e->str != CPOL_NONE && (!positional || e->pos))
			return (int)(v->widx[p].slot + k);
	}
	return -1;
}

static int find_op(const struct view *v, int op, int pred)
{
	for (uint32_t pc = 0; pc < v->ncode; pc++)
		if (v->code[pc].op == op && (pred < 0 || v->code[pc].a == pred))
			return (int)pc;
	return -1;
}

static int hashed_set(const struct view *v)
{
	for (uint32_t i = 0; i < v->sh->nsets; i++)
		if (v->sets[i].mask)
			return (int)i;
	return -1;
}

static int prog_with_rules(const struct view *v, uint32_t min)
{
	for (uint32_t p = 0; p < v->dh->nprogs; p++)
		if (v->progs[p].nrules >= min)
			return (int)p;
	return -1;
}

static int intent_with(const struct view *v, int target, int guard)
{
	for (uint32_t i = 0; i < v->nintents; i++)
		if ((target < 0 || v->intents[i].target == target) && (!guard || v->intents[i].guard != CPOL_NONE))
			return (int)i;
	return -1;
}

/* Expectations of a targeted corruption. */
enum { NA = -1, EITHER = 0, REFUSE = 1 };

/* Apply targeted corruption `id` to the image; what it must give, or NA
 * when it does not apply to this image; -2 past the last one. The name of
 * the corruption goes to *what. */
/* The first wrapper with replace options (xargs -I), or NULL. */
static struct cpol_img_wrapper *replacing(struct view *v)
{
	if (!v->sec[CPOL_SEC_WRAPPERS])
		return NULL;
	struct cpol_img_wrapper *w = at(v, CPOL_SEC_WRAPPERS);
	for (uint32_t i = 0; i < v->sec[CPOL_SEC_WRAPPERS]->count; i++)
		if (w[i].flags & CPOL_WF_REPLACE)
			return &w[i];
	return NULL;
}

static int targeted(struct view *v, int id, const char **what)
{
	const uint32_t BIG = 0xfffffff0u;
	struct cpol_img_wrapper *w;
	int k;
#define T(name) case __COUNTER__ - base_: *what = (name);
	enum { base_ = __COUNTER__ + 1 };
	switch (id) {
	/* ---- header and section table ---- */
	T("nsections - 1") v->h->nsections--; return REFUSE;
	T("nsections + 1") v->h->nsections++; return REFUSE;
	T("nsections huge") v->h->nsections = BIG; return REFUSE;
	T("section kind 0") v->tab[3].kind = 0; return REFUSE;
	T("section kind unknown") v->tab[3].kind = CPOL_SEC__COUNT; return REFUSE;
	T("section kind repeated") v->tab[3].kind = v->tab[4].kind; return REFUSE;
	T("code offset unaligned") v->sec[CPOL_SEC_CODE]->offset += 4; return REFUSE;
	T("rules offset unaligned") v->sec[CPOL_SEC_RULES]->offset += 1; return REFUSE;
	T("meta offset 0") v->sec[CPOL_SEC_META]->offset = 0; return REFUSE;
	T("debug offset inside the table") v->sec[CPOL_SEC_DEBUG]->offset = 32; return REFUSE;
	T("strings offset past the end") v->sec[CPOL_SEC_STRINGS]->offset = (uint32_t)v->n; return REFUSE;
	T("sandbox offset huge") v->sec[CPOL_SEC_SANDBOX]->offset = BIG & ~7u; return REFUSE;
	T("code offset + 8") v->sec[CPOL_SEC_CODE]->offset += 8; return EITHER;
	T("strings offset + 8") v->sec[CPOL_SEC_STRINGS]->offset += 8; return EITHER;
	T("meta size - 4") v->sec[CPOL_SEC_META]->size -= 4; return REFUSE;
	T("meta size + 8") v->sec[CPOL_SEC_META]->size += 8; return REFUSE;
	T("sets size + 8") v->sec[CPOL_SEC_SETS]->size += 8; return REFUSE;
	T("sets size - 8") v->sec[CPOL_SEC_SETS]->size -= 8; return REFUSE;
	T("dispatch size + 8") v->sec[CPOL_SEC_DISPATCH]->size += 8; return REFUSE;
	T("rules size - 4") if (!v->nrules) return NA; v->sec[CPOL_SEC_RULES]->size -= 4; return REFUSE;
	T("code size + 8") v->sec[CPOL_SEC_CODE]->size += 8; return REFUSE;
	T("automaton size - 4") v->sec[CPOL_SEC_AC]->size -= 4; return REFUSE;
	T("intents size + 16") v->sec[CPOL_SEC_INTENTS]->size += 16; return REFUSE;
	T("sandbox size - 8") v->sec[CPOL_SEC_SANDBOX]->size -= 8; return REFUSE;
	T("debug size + 12") v->sec[CPOL_SEC_DEBUG]->size += 12; return REFUSE;
	T("strings size huge") v->sec[CPOL_SEC_STRINGS]->size = BIG; return REFUSE;
	T("strings size - 1") v->sec[CPOL_SEC_STRINGS]->size -= 1; return EITHER;
	T("strings size 0") v->sec[CPOL_SEC_STRINGS]->size = 0; return REFUSE;
	T("code size huge") v->sec[CPOL_SEC_CODE]->size = BIG; return REFUSE;
	T("rules count + 1") v->sec[CPOL_SEC_RULES]->count++; return REFUSE;
	T("code count - 1") v->sec[CPOL_SEC_CODE]->count--; return REFUSE;
	T("code count 0") v->sec[CPOL_SEC_CODE]->count = 0; v->sec[CPOL_SEC_CODE]->size = 0; return REFUSE;
	T("intents count + 1") v->sec[CPOL_SEC_INTENTS]->count++; return REFUSE;
	T("debug count - 1") if (!v->nrules) return NA; v->sec[CPOL_SEC_DEBUG]->count--; return REFUSE;
	T("strings count huge") v->sec[CPOL_SEC_STRINGS]->count = BIG; return REFUSE;
	T("strings count + 1") v->sec[CPOL_SEC_STRINGS]->count++; return EITHER;
	T("strings count 0") v->sec[CPOL_SEC_STRINGS]->count = 0; return REFUSE;
	/* ---- meta ---- */
	T("default 3") v->meta->def = 3; return REFUSE;
	T("unknown flag") v->meta->flags |= 0x80000000u; return REFUSE;
	T("trusted flag toggled") v->meta->flags ^= CPOL_IMGF_TRUSTED; return EITHER;
	T("sandboxed default that is not allow") v->meta->flags |= CPOL_IMGF_CONFINED_DEFAULT; v->meta->def = CPOL_PROMPT; return REFUSE;
	T("ngroups huge") v->meta->ngroups = (1u << 24) + 1; return REFUSE;
	T("ngroups 0") if (!v->ah->noutputs) return NA; v->meta->ngroups = 0; return REFUSE;
	T("ngroups + 1") v->meta->ngroups++; return v->meta->ngroups > v->ah->noutputs ? REFUSE : EITHER;
	T("ngroups past the outputs") v->meta->ngroups = v->ah->noutputs + 1; return REFUSE;
	T("ngroups large") v->meta->ngroups = 1u << 20; return REFUSE;   /* contexts would allocate 80 MB */
	T("ngroups - 1") if (!v->meta->ngroups) return NA; v->meta->ngroups--; return REFUSE;
	T("nrules + 1") v->meta->nrules++; return REFUSE;
	T("nsets + 1") v->meta->nsets++; return REFUSE;
	T("nprograms + 1") v->meta->nprograms++; return REFUSE;
	T("nintents + 1") v->meta->nintents++; return REFUSE;
	T("name past the strings") v->meta->name = v->nstrs; return REFUSE;
	T("name none") v->meta->name = CPOL_NONE; return REFUSE;
	T("maxarg huge") v->meta->maxarg = BIG; return EITHER;
	/* ---- strings ---- */
	T("string offset inside the table") v->strs[v->nstrs - 1].off = 0; return REFUSE;
	T("string offset past the section") v->strs[v->nstrs - 1].off = v->sec[CPOL_SEC_STRINGS]->size; return REFUSE;
	T("string offset huge") v->strs[0].off = BIG; return REFUSE;
	T("string length huge") v->strs[v->nstrs - 1].len = BIG; return REFUSE;
	T("string length wraps") v->strs[1 % v->nstrs].len = 0xffffffffu; return REFUSE;
	T("string length past the section") v->strs[v->nstrs - 1].len = v->sec[CPOL_SEC_STRINGS]->size; return REFUSE;
	T("string without its NUL") {
		struct cpol_img_str *s = &v->strs[v->nstrs - 1];
		((uint8_t *)v->strs)[s->off + s->len] = 'x';
		return REFUSE;
	}
	T("string length + 1") {
		k = -1;
		for (uint32_t i = 0; i < v->nstrs && k < 0; i++)
			if (v->strs[i].len)
				k = (int)i;
		if (k < 0)
			return NA;
		v->strs[k].len--;  /* its last byte is not NUL */
		return REFUSE;
	}
	T("string byte changed") {
		for (uint32_t i = 0; i < v->nstrs; i++)
			if (v->strs[i].len) {
				((uint8_t *)v->strs)[v->strs[i].off] ^= 0x20;
				return EITHER;
			}
		return NA;
	}
	/* ---- sets ---- */
	T("nsets + 1 in the set header") v->sh->nsets++; return REFUSE;
	T("nmembers + 1") v->sh->nmembers++; return EITHER;   /* may fit the alignment padding */
	T("nmembers + 2") v->sh->nmembers += 2; return REFUSE;
	T("nslots + 1") v->sh->nslots++; return REFUSE;
	T("member past the strings") if (!v->sh->nmembers) return NA; v->members[0] = v->nstrs; return REFUSE;
	T("member none") if (!v->sh->nmembers) return NA; v->members[v->sh->nmembers - 1] = CPOL_NONE; return REFUSE;
	T("member another string") if (!v->sh->nmembers) return NA; v->members[0] = 0; return EITHER;
	T("set first past the members") if (!v->sh->nsets) return NA; v->sets[0].first = v->sh->nmembers; return REFUSE;
	T("set n past the members") if (!v->sh->nsets) return NA; v->sets[v->sh->nsets - 1].n++; return REFUSE;
	T("set n huge") if (!v->sh->nsets) return NA; v->sets[0].n = BIG; return REFUSE;
	T("set first wraps") if (!v->sh->nsets) return NA; v->sets[0].first = 0xffffffffu; return REFUSE;
	T("set mask not a power of two - 1") if ((k = hashed_set(v)) < 0) return NA; v->sets[k].mask = 2; return REFUSE;
	T("set mask huge") if ((k = hashed_set(v)) < 0) return NA; v->sets[k].mask = 0x7fffffffu; return REFUSE;
	T("set slot past the slots") if ((k = hashed_set(v)) < 0) return NA; v->sets[k].slot = v->sh->nslots; return REFUSE;
	T("set slot wraps") if ((k = hashed_set(v)) < 0) return NA; v->sets[k].slot = 0xfffffff8u; return REFUSE;
	T("set mask halved") if ((k = hashed_set(v)) < 0) return NA; v->sets[k].mask >>= 1; return EITHER;
	T("set hash table full") {
		if ((k = hashed_set(v)) < 0)
			return NA;
		for (uint32_t s = 0; s <= v->sets[k].mask; s++)
			if (v->slots[v->sets[k].slot + s].str == CPOL_NONE)
				v->slots[v->sets[k].slot + s] = (struct cpol_img_slot){ 7, 0 };
		return REFUSE;
	}
	T("slot past the strings") {
		for (uint32_t s = 0; s < v->sh->nslots; s++)
			if (v->slots[s].str != CPOL_NONE) {
				v->slots[s].str = v->nstrs;
				return REFUSE;
			}
		return NA;
	}
	T("slot hash changed") {
		for (uint32_t s = 0; s < v->sh->nslots; s++)
			if (v->slots[s].str != CPOL_NONE) {
				v->slots[s].hash ^= 1;
				return EITHER;
			}
		return NA;
	}
	/* ---- code ---- */
	T("opcode unknown") v->code[0].op = CPOL_OP__COUNT; return REFUSE;
	T("opcode 255") v->code[v->ncode / 2].op = 255; return REFUSE;
	T("last instruction not RET") v->code[v->ncode - 1].op = CPOL_OP_TRUE; return REFUSE;
	T("jump to itself") if ((k = find_op(v, CPOL_OP_JF, -1)) < 0) return NA; v->code[k].c = (uint32_t)k; return REFUSE;
	T("jump backward") if ((k = find_op(v, CPOL_OP_JT, -1)) < 0 || k == 0) return NA; v->code[k].c = (uint32_t)k - 1; return REFUSE;
	T("jump to 0") if ((k = find_op(v, CPOL_OP_JF, -1)) < 1) return NA; v->code[k].c = 0; return REFUSE;
	T("jump past the end") if ((k = find_op(v, CPOL_OP_JF, -1)) < 0) return NA; v->code[k].c = v->ncode; return REFUSE;
	T("jump huge") if ((k = find_op(v, CPOL_OP_JT, -1)) < 0) return NA; v->code[k].c = BIG; return REFUSE;
	T("jump to the last RET") if ((k = find_op(v, CPOL_OP_JF, -1)) < 0) return NA; v->code[k].c = v->ncode - 1; return EITHER;
	T("instruction becomes a jump backward") if (v->ncode < 3) return NA;
		v->code[2] = (struct cpol_img_insn){ CPOL_OP_JT, 0, 0, 1 }; return REFUSE;
	T("program set past the sets") if ((k = find_op(v, CPOL_OP_PROG, -1)) < 0) return NA; v->code[k].c = v->sh->nsets; return REFUSE;
	T("predicate unknown") if ((k = find_op(v, CPOL_OP_ARG, -1)) < 0) return NA; v->code[k].a = CPOL_PR__COUNT; return REFUSE;
	T("any-arg predicate 200") if ((k = find_op(v, CPOL_OP_ANYARG, -1)) < 0) return NA; v->code[k].a = 200; return REFUSE;
	T("arg set past the sets") if ((k = find_op(v, CPOL_OP_ARG, CPOL_PR_IN)) < 0) return NA; v->code[k].c = v->sh->nsets; return REFUSE;
	T("contains group past the groups") if ((k = find_op(v, CPOL_OP_ANYARG, CPOL_PR_CONTAINS)) < 0) return NA;
		v->code[k].c = v->meta->ngroups; return REFUSE;
	T("in becomes contains with a set index") if ((k = find_op(v, CPOL_OP_ARG, CPOL_PR_IN)) < 0) return NA;
		v->code[k].a = CPOL_PR_CONTAINS; v->code[k].c = v->meta->ngroups + v->sh->nsets; return REFUSE;
	T("contains becomes flag") if ((k = find_op(v, CPOL_OP_ANYARG, CPOL_PR_CONTAINS)) < 0) return NA;
		v->code[k].a = CPOL_PR_FLAG; v->code[k].c = 0; return v->sh->nsets ? EITHER : REFUSE;
	T("argc comparison 6") if ((k = find_op(v, CPOL_OP_ARGC, -1)) < 0) return NA; v->code[k].a = 6; return REFUSE;
	T("substring group past the groups") if ((k = find_op(v, CPOL_OP_SUBSTR, -1)) < 0) return NA; v->code[k].c = v->meta->ngroups; return REFUSE;
	T("substring group huge") if ((k = find_op(v, CPOL_OP_SUBSTR, -1)) < 0) return NA; v->code[k].c = BIG; return REFUSE;
	T("writes mode 4") if ((k = find_op(v, CPOL_OP_WRITES, -1)) < 0) return NA; v->code[k].a = 4; return REFUSE;
	T("arg index huge") if ((k = find_op(v, CPOL_OP_ARG, -1)) < 0) return NA; v->code[k].b = 0xffff; return EITHER;
	T("argc operand huge") if ((k = find_op(v, CPOL_OP_ARGC, -1)) < 0) return NA; v->code[k].c = BIG; return EITHER;
	T("every instruction TRUE but the RETs") {
		for (uint32_t pc = 0; pc < v->ncode; pc++)
			if (v->code[pc].op != CPOL_OP_RET)
				v->code[pc] = (struct cpol_img_insn){ CPOL_OP_TRUE, 0, 0, 0 };
		return EITHER;
	}
	T("every RET but the last becomes NOT") {
		for (uint32_t pc = 0; pc + 1 < v->ncode; pc++)
			if (v->code[pc].op == CPOL_OP_RET)
				v->code[pc].op = CPOL_OP_NOT;
		return EITHER;
	}
	T("writes inside an intent's guard") {
		if ((k = intent_with(v, -1, 1)) < 0)
			return NA;
		v->code[v->intents[k].guard].op = CPOL_OP_WRITES;
		v->code[v->intents[k].guard].a = 0;
		return EITHER;
	}
	T("network inside an intent's guard") {
		if ((k = intent_with(v, -1, 1)) < 0)
			return NA;
		v->code[v->intents[k].guard].op = CPOL_OP_NET;
		return EITHER;
	}
	/* ---- rules ---- */
	T("rule code past the end") if (!v->nrules) return NA; v->rules[0].code = v->ncode; return REFUSE;
	T("rule code huge") if (!v->nrules) return NA; v->rules[v->nrules - 1].code = BIG; return REFUSE;
	T("rule code another pc") if (!v->nrules) return NA; v->rules[0].code = v->ncode - 1; return EITHER;
	T("rule name past the strings") if (!v->nrules) return NA; v->rules[0].name = v->nstrs; return REFUSE;
	T("rule reason none") if (!v->nrules) return NA; v->rules[v->nrules - 1].reason = CPOL_NONE; return REFUSE;
	T("rule decision 3") if (!v->nrules) return NA; v->rules[0].dec = 3; return REFUSE;
	T("rule action 2") if (!v->nrules) return NA; v->rules[0].action = 2; return REFUSE;
	T("rule becomes a script") if (!v->nrules) return NA; v->rules[0].action = CPOL_RA_SCRIPT; v->rules[0].arg = 0; return EITHER;
	T("every rule a script of arg 1") for (uint32_t r = 0; r < v->nrules; r++) {
			v->rules[r].action = CPOL_RA_SCRIPT;
			v->rules[r].arg = 1;
		}
		return v->nrules ? EITHER : NA;
	T("every rule forbid") for (uint32_t r = 0; r < v->nrules; r++) {
			v->rules[r].action = CPOL_RA_DECIDE;
			v->rules[r].dec = CPOL_FORBID;
		}
		return v->nrules ? EITHER : NA;
	/* ---- dispatch ---- */
	T("no programs") v->dh->nprogs = 0; return REFUSE;
	T("dispatch slots not a power of two") v->dh->nslots--; return REFUSE;
	T("dispatch refs + 1") v->dh->nrefs++; return EITHER;  /* may fit the alignment padding */
	T("dispatch refs + 2") v->dh->nrefs += 2; return REFUSE;
	T("rule reference past the rules") if (!v->dh->nrefs) return NA; v->refs[0] = v->nrules; return REFUSE;
	T("rule reference huge") if (!v->dh->nrefs) return NA; v->refs[v->dh->nrefs - 1] = BIG; return REFUSE;
	T("rule references out of order") {
		if ((k = prog_with_rules(v, 2)) < 0)
			return NA;
		uint32_t *r = &v->refs[v->progs[k].rules], t = r[0];
		r[0] = r[1];
		r[1] = t;
		return REFUSE;
	}
	T("rule reference repeated") {
		if ((k = prog_with_rules(v, 2)) < 0)
			return NA;
		v->refs[v->progs[k].rules + 1] = v->refs[v->progs[k].rules];
		return REFUSE;
	}
	T("program rules past the refs") if ((k = prog_with_rules(v, 1)) < 0) return NA; v->progs[k].rules = v->dh->nrefs; return REFUSE;
	T("program nrules huge") if ((k = prog_with_rules(v, 1)) < 0) return NA; v->progs[k].nrules = BIG; return REFUSE;
	T("program rules wrap") if ((k = prog_with_rules(v, 1)) < 0) return NA; v->progs[k].rules = 0xffffffffu; return REFUSE;
	T("program intents past the intents") v->progs[v->dh->nprogs - 1].intents = v->nintents + 1; return REFUSE;
	T("program nintents + 1") {
		for (uint32_t p = 0; p < v->dh->nprogs; p++)
			if (v->progs[p].intents + v->progs[p].nintents == v->nintents) {
				v->progs[p].nintents++;
				return REFUSE;
			}
		return NA;
	}
	T("program name past the strings") v->progs[v->dh->nprogs - 1].name = v->nstrs; return REFUSE;
	T("program name another string") if (v->dh->nprogs < 2) return NA; v->progs[1].name = 0; return EITHER;
	T("dispatch slot names the generic entry") {
		for (uint32_t s = 0; s < v->dh->nslots; s++)
			if (v->pslots[s].prog != CPOL_NONE) {
				v->pslots[s].prog = 0;
				return REFUSE;
			}
		return NA;
	}
	T("dispatch slot past the programs") v->pslots[0].prog = v->dh->nprogs; return REFUSE;
	T("dispatch table full") {
		for (uint32_t s = 0; s < v->dh->nslots; s++)
			if (v->pslots[s].prog == CPOL_NONE)
				v->pslots[s].prog = v->dh->nprogs > 1 ? 1 : 0;
		return REFUSE;
	}
	T("dispatch slot hash changed") {
		for (uint32_t s = 0; s < v->dh->nslots; s++)
			if (v->pslots[s].prog != CPOL_NONE) {
				v->pslots[s].hash ^= 0x100;
				return EITHER;
			}
		return NA;
	}
	/* ---- automaton ---- */
	T("automaton without states") v->ah->nstates = 0; return REFUSE;
	T("automaton without classes") v->ah->nclasses = 0; return REFUSE;
	T("automaton with 257 classes") v->ah->nclasses = 257; return REFUSE;
	T("automaton states huge") v->ah->nstates = 0x40000000u; return REFUSE;
	T("automaton outputs + 1") v->ah->noutputs++; return REFUSE;
	T("byte class out of range") v->ah->classmap['a'] = (uint8_t)v->ah->nclasses; return v->ah->nclasses < 256 ? REFUSE : NA;
	T("byte class another") if (v->ah->nclasses < 2) return NA; v->ah->classmap['q'] = 1; return EITHER;
	T("transition past the table") v->trans[0] = (v->ah->nstates * v->ah->nclasses) | (v->trans[0] & CPOL_AC_OUT); return REFUSE;
	T("transition huge") v->trans[v->ah->nstates * v->ah->nclasses - 1] = 0x7fffffffu; return REFUSE;
	T("transition between rows") if (v->ah->nclasses < 2 || v->ah->nstates < 2) return NA;
		v->trans[1] = (v->trans[1] & CPOL_AC_OUT) | 1; return REFUSE;
	T("transition output flag toggled") {
		for (uint32_t t = 0; t < v->ah->nstates * v->ah->nclasses; t++)
			if (v->trans[t] & CPOL_AC_OUT) {
				v->trans[t] &= ~CPOL_AC_OUT;
				return REFUSE;
			}
		v->trans[0] |= CPOL_AC_OUT;
		return REFUSE;
	}
	T("transition to the root") {
		for (uint32_t t = 0; t < v->ah->nstates * v->ah->nclasses; t++)
			if (v->trans[t] && !(v->trans[t] & CPOL_AC_OUT)) {
				v->trans[t] = 0 | (v->acst[0].nout || v->acst[0].dict != CPOL_NONE ? CPOL_AC_OUT : 0);
				return EITHER;
			}
		return NA;
	}
	T("dictionary link to itself") {
		for (uint32_t s = 1; s < v->ah->nstates; s++)
			if (v->acst[s].dict != CPOL_NONE) {
				v->acst[s].dict = s;
				return REFUSE;
			}
		if (v->ah->nstates < 2)
			return NA;
		v->acst[1].dict = 1;
		return REFUSE;
	}
	T("dictionary link forward") if (v->ah->nstates < 3) return NA; v->acst[1].dict = 2; return REFUSE;
	T("dictionary link huge") v->acst[v->ah->nstates - 1].dict = BIG; return REFUSE;
	T("dictionary link on the root") v->acst[0].dict = 0; return REFUSE;
	T("state outputs past the list") v->acst[v->ah->nstates - 1].out = v->ah->noutputs; v->acst[v->ah->nstates - 1].nout = 1; return REFUSE;
	T("state nout huge") v->acst[0].nout = BIG; return REFUSE;
	T("state outputs wrap") v->acst[0].out = 0xffffffffu; v->acst[0].nout = 2; return REFUSE;
	T("output group past the groups") if (!v->ah->noutputs) return NA; v->acout[0].group = v->meta->ngroups; return REFUSE;
	T("output group huge") if (!v->ah->noutputs) return NA; v->acout[v->ah->noutputs - 1].group = BIG; return REFUSE;
	T("output string past the strings") if (!v->ah->noutputs) return NA; v->acout[0].str = v->nstrs; return REFUSE;
	T("output length 0") if (!v->ah->noutputs) return NA; v->acout[0].len = 0; return REFUSE;
	T("output length huge") if (!v->ah->noutputs) return NA; v->acout[0].len = BIG; return EITHER;
	T("output another group") if (v->ah->noutputs < 2 || v->meta->ngroups < 2) return NA;
		v->acout[0].group = (v->acout[0].group + 1) % v->meta->ngroups; return EITHER;
	/* ---- intents ---- */
	T("intent kind 2") if (!v->nintents) return NA; v->intents[0].kind = 2; return REFUSE;
	T("intent target 200") if (!v->nintents) return NA; v->intents[v->nintents - 1].target = 200; return REFUSE;
	T("intent after without its option") if ((k = intent_with(v, CPOL_TG_AFTER, 0)) < 0) return NA;
		v->intents[k].str = CPOL_NONE; return REFUSE;
	T("intent value past the strings") if ((k = intent_with(v, CPOL_TG_VALUE, 0)) < 0) return NA;
		v->intents[k].str = v->nstrs; return REFUSE;
	T("intent becomes after without a string") if ((k = intent_with(v, CPOL_TG_LAST, 0)) < 0) return NA;
		v->intents[k].target = CPOL_TG_AFTER; return REFUSE;
	T("intent guard past the code") if (!v->nintents) return NA; v->intents[0].guard = v->ncode; return REFUSE;
	T("intent guard huge") if ((k = intent_with(v, -1, 1)) < 0) return NA; v->intents[k].guard = BIG; return REFUSE;
	T("intent guard another pc") if (!v->nintents) return NA; v->intents[0].guard = 0; return EITHER;
	T("intent from huge") if ((k = intent_with(v, CPOL_TG_OPERANDS, 0)) < 0) return NA; v->intents[k].from = 0xffff; return EITHER;
	T("intent from 0") if ((k = intent_with(v, CPOL_TG_OPERANDS, 0)) < 0) return NA; v->intents[k].from = 0; return EITHER;
	T("intent last becomes operands") if ((k = intent_with(v, CPOL_TG_LAST, 0)) < 0) return NA;
		v->intents[k].target = CPOL_TG_OPERANDS; return EITHER;
	T("write intent without a target") if ((k = intent_with(v, CPOL_TG_LAST, 0)) < 0) return NA;
		v->intents[k].target = CPOL_TG_NONE; return EITHER;
	/* ---- sandbox ---- */
	T("network mode 4") v->sb->net = 4; return REFUSE;
	T("nroots + 1") v->sb->nroots++; return REFUSE;
	T("nroots huge") v->sb->nroots = BIG; return REFUSE;
	T("nconnect + 1") v->sb->nconnect++; return REFUSE;
	T("nbind huge") v->sb->nbind = 0xffffffffu; return REFUSE;
	T("nenv + 1") v->sb->nenv++; return REFUSE;
	T("root kind past the last") if (!v->sb->nroots) return NA; v->roots[0].kind = CPOL_RK_NET_DENY + 1; return REFUSE;
	T("root variable past anywhere") if (!v->sb->nroots) return NA; v->roots[v->sb->nroots - 1].var = CPOL_RV_ANYWHERE + 1; return REFUSE;
	T("host rule with a path variable") if (!v->sb->nroots) return NA; v->roots[0].kind = CPOL_RK_NET_ALLOW; v->roots[0].var = CPOL_RV_HOME; return REFUSE;
	T("pattern root not denied") if (!v->sb->nroots || v->roots[0].kind == CPOL_RK_DENY_READ) return NA; v->roots[0].var = CPOL_RV_ANYWHERE; return REFUSE;
	T("root path past the strings") if (!v->sb->nroots) return NA; v->roots[0].path = v->nstrs; return REFUSE;
	T("root variable changed") if (!v->sb->nroots) return NA; v->roots[0].var = CPOL_RV_RELATIVE; return EITHER;
	T("every root a relative protect") for (uint32_t i = 0; i < v->sb->nroots; i++) {
			v->roots[i].kind = i % 2 ? CPOL_RK_PROTECT : CPOL_RK_WRITE;
			v->roots[i].var = i % 2 ? CPOL_RV_RELATIVE : CPOL_RV_HOME;
		}
		return v->sb->nroots ? EITHER : NA;
	T("port 0") if (!v->sb->nconnect) return NA; v->ports[0].lo = 0; return REFUSE;
	T("port range empty") if (!v->sb->nconnect) return NA; v->ports[0].lo = 9; v->ports[0].hi = 8; return REFUSE;
	T("bind port range empty") if (!v->sb->nbind) return NA; v->ports[v->sb->nconnect].hi = 0; return REFUSE;
	T("env name past the strings") if (!v->sb->nenv) return NA; v->env[0] = v->nstrs; return REFUSE;
	T("bpf length not a multiple of 8") if (!v->sb->bpf_len) return NA; v->sb->bpf_len -= 4; return REFUSE;
	T("bpf length + 8") if (!v->sb->bpf_len) return NA; v->sb->bpf_len += 8; return REFUSE;
	T("bpf length huge") v->sb->bpf_len = 0xfffffff8u; return REFUSE;
	T("bpf length too long") v->sb->bpf_len = 4097 * 8; return REFUSE;
	T("bpf length 0 but bytes there") if (!v->sb->bpf_len) return NA; v->sb->bpf_len = 0; return REFUSE;
	T("bpf bytes changed") if (!v->sb->bpf_len) return NA; v->p[v->sec[CPOL_SEC_SANDBOX]->offset + v->sec[CPOL_SEC_SANDBOX]->size - 1] ^= 0xff;
		return EITHER;
	/* ---- word index ---- */
	T("word index nprogs + 1") v->wh->nprogs++; return REFUSE;
	T("word index nrefs + 2") v->wh->nrefs += 2; return REFUSE;
	T("word index nkeys huge") v->wh->nkeys = BIG; return REFUSE;
	T("word index nlong + 1") v->wh->nlong++; return REFUSE;
	T("word index on the generic rules") v->widx[0].mask = 3; v->widx[0].slot = 0; return REFUSE;
	T("word table past the keys") if ((k = word_indexed(v)) < 0) return NA; v->widx[k].slot = v->wh->nkeys; return REFUSE;
	T("word table size not a power of two") if ((k = word_indexed(v)) < 0) return NA; v->widx[k].mask = 2; return REFUSE;
	T("word table mask huge") if ((k = word_indexed(v)) < 0) return NA; v->widx[k].mask = BIG - 1; return REFUSE;
	T("word rest past the refs") if ((k = word_indexed(v)) < 0) return NA; v->widx[k].rest = BIG; return REFUSE;
	T("word rest longer") if ((k = word_indexed(v)) < 0) return NA; v->widx[k].nrest = v->wh->nrefs + 1; return REFUSE;
	T("word longs past the end") if ((k = word_indexed(v)) < 0) return NA; v->widx[k].nlng = v->wh->nlong + 1; return REFUSE;
	T("word longs start huge") if ((k = word_indexed(v)) < 0 || !v->widx[k].nlng) return NA; v->widx[k].lng = BIG; return REFUSE;
	T("word position 0 in the mask") if ((k = word_indexed(v)) < 0) return NA; v->widx[k].posmask |= 1; return REFUSE;
	T("word index dropped") if ((k = word_indexed(v)) < 0) return NA; v->widx[k].mask = CPOL_NONE; return EITHER;
	T("word masks cleared") if ((k = word_indexed(v)) < 0) return NA;
		v->widx[k].posmask = 0; v->widx[k].lenmask = 0; v->widx[k].shortmask[0] = v->widx[k].shortmask[1] = 0; return EITHER;
	T("word key past the strings") if ((k = word_indexed(v)) < 0 || (k = word_key(v, k, 0)) < 0) return NA;
		v->wkeys[k].str = v->nstrs; return REFUSE;
	T("word key hash wrong") if ((k = word_indexed(v)) < 0 || (k = word_key(v, k, 0)) < 0) return NA;
		v->wkeys[k].hash ^= 1; return REFUSE;
	T("word key position changed") if ((k = word_indexed(v)) < 0 || (k = word_key(v, k, 1)) < 0) return NA;
		v->wkeys[k].pos++; return REFUSE;
	T("word key position 40") if ((k = word_indexed(v)) < 0 || (k = word_key(v, k, 0)) < 0) return NA;
		v->wkeys[k].pos = 40; return REFUSE;
	T("word key list past the refs") if ((k = word_indexed(v)) < 0 || (k = word_key(v, k, 0)) < 0) return NA;
		v->wkeys[k].first = BIG; return REFUSE;
	T("word key list empty") if ((k = word_indexed(v)) < 0 || (k = word_key(v, k, 0)) < 0) return NA;
		v->wkeys[k].n = 0; return REFUSE;
	T("word key list huge") if ((k = word_indexed(v)) < 0 || (k = word_key(v, k, 0)) < 0) return NA;
		v->wkeys[k].n = BIG; return REFUSE;
	T("word table without an empty slot") if ((k = word_indexed(v)) < 0 || (k = word_key(v, k, 0)) < 0) return NA;
		for (uint32_t i = 0; i <= v->widx[word_indexed(v)].mask; i++)
			v->wkeys[v->widx[word_indexed(v)].slot + i] = v->wkeys[k];
		return REFUSE;
	T("word ref another program's rule") if (!v->wh->nrefs || v->progs[v->dh->nprogs - 1].nrules != 1) return NA;
		v->wrefs[0] = v->refs[v->progs[v->dh->nprogs - 1].rules]; return REFUSE;
	T("word ref past the rules") if (!v->wh->nrefs) return NA; v->wrefs[v->wh->nrefs - 1] = v->nrules; return REFUSE;
	T("word refs out of order") if (v->wh->nrefs < 2 || v->wrefs[0] >= v->wrefs[1]) return NA;
		k = (int)v->wrefs[0]; v->wrefs[0] = v->wrefs[1]; v->wrefs[1] = (uint32_t)k; return REFUSE;
	T("word long past the strings") if (!v->wh->nlong) return NA; v->wlongs[0].str = v->nstrs; return REFUSE;
	T("word long not a long option") if (!v->wh->nlong) return NA; v->wlongs[0].str = 0; return REFUSE;
	T("word longs out of order") if (v->wh->nlong < 2) return NA;
		k = (int)v->wlongs[0].str; v->wlongs[0].str = v->wlongs[1].str; v->wlongs[1].str = (uint32_t)k; return REFUSE;
	T("word long list past the refs") if (!v->wh->nlong) return NA; v->wlongs[0].first = BIG; return REFUSE;
	T("word long list empty") if (!v->wh->nlong) return NA; v->wlongs[0].n = 0; return REFUSE;
	/* ---- wrappers ---- */
	T("wrapper replace set past the sets") if (!(w = replacing(v))) return NA; w->replace = v->sh->nsets; return REFUSE;
	T("wrapper replace without input") if (!(w = replacing(v))) return NA; w->flags &= ~CPOL_WF_INPUT; return REFUSE;
	T("wrapper replace without options") if (!(w = replacing(v))) return NA; w->flags &= ~CPOL_WF_OPTIONS; return REFUSE;
	T("wrapper replace with a marker") if (!(w = replacing(v))) return NA; w->flags |= CPOL_WF_COMMAND; return REFUSE;
	T("wrapper replace with a script") if (!(w = replacing(v))) return NA; w->flags |= CPOL_WF_SCRIPT; return REFUSE;
	T("wrapper replace set another set") if (!(w = replacing(v))) return NA; w->replace = 0; return EITHER;
	T("wrapper flag past the known ones") if (!(w = replacing(v))) return NA; w->flags |= 64; return REFUSE;
	/* ---- debug ---- */
	T("debug file past the strings") if (!v->nrules) return NA; v->debug[0].file = v->nstrs; return REFUSE;
	T("debug position huge") if (!v->nrules) return NA; v->debug[0].line = BIG; v->debug[0].col = BIG; return EITHER;
	default:
		return -2;
	}
#undef T
}

/* ---- running a loaded image ---- */

static const char *const argvs[][8] = {
	{ "ls", "-la" }, { "git", "status" }, { "git", "push", "--force" }, { "rm", "-rf", "/" },
	{ "/usr/bin/curl", "https://example.org/x" }, { "bash", "-c", "ls && rm -rf / ; echo $(x) > /etc/y | cat" },
	{ "sh", "-c", "bash -c 'sh -c \"ls; bash -c mkfs\"'" }, { "cp", "a", "/etc/b" }, { "touch", ".git/x", "secrets/y" },
	{ "dd", "if=/dev/zero", "of=/dev/sda" }, { "cc", "-o/etc/x", "a.c" }, { "sort", "--output=/etc/x", "f" },
	{ "find", ".", "-exec", "rm", "{}", ";" }, { "./x", "ushers" }, { "" }, { "ln", "-s", "a", "~/b" },
	{ "git", "clone", "git@github.com:u/r" }, { "mkfs", "abcde" }, { "x", "a b", "c", "hi" }, { "sh", "-c" },
	{ "bash", "-lc", "> /etc/passwd; exec 3>/tmp/x; ;;" },
	{ "tar", "--to=x", "-xvf", "/etc/a", "a" }, { "tar", "-CxI", "--use", "name=v", "--", "--delete" },
};

static const char *const lines[] = {
	"ls | wc", "echo hi > /etc/x", "eval x", "a=b", ";;", "mkfs /dev/sda", "git status && git push -f",
	"sh -c 'sh -c \"sh -c \\\"sh -c ls\\\"\"'", "cat <<EOF\nx\nEOF", "",
};

struct stats {
	unsigned images, refused, loaded, ctx_refused, evals;
};

static void exercise(cpol_image *im, struct stats *st)
{
	/* the accessors and the dump read the image too */
	cr_assert(cpol_image_name(im) != NULL);
	cr_assert_eq(strlen(cpol_image_hash(im)), 16);
	cr_assert_leq((int)cpol_image_default(im), 2);
	FILE *devnull = fopen("/dev/null", "w");
	cr_assert(devnull);
	cpol_dump(im, devnull);
	fclose(devnull);

	cpol_env env = { .cwd = ENG_WS, .workspace = ENG_WS, .tmpdir = ENG_TMP, .home = ENG_HOME };
	cpol_error err;
	cpol_ctx *ctx = cpol_ctx_new(im, &env, &err);
	if (!ctx) {
		st->ctx_refused++;
		return;
	}
	cpol_result r;
	for (size_t i = 0; i < sizeof argvs / sizeof argvs[0]; i++) {
		int argc = 0;
		while (argc < 8 && argvs[i][argc])
			argc++;
		cpol_decision d = cpol_eval(ctx, argc, argvs[i], &r);
		cr_assert_leq((int)d, 2);
		cr_assert_eq((int)d, (int)r.verdict.decision);
		size_t n = strlen(r.verdict.rule) + strlen(r.verdict.reason) + strlen(r.verdict.file) + strlen(r.verdict.matched);
		for (unsigned k = 0; k < r.ncommands; k++)
			n += strlen(r.commands[k].text) + strlen(r.commands[k].verdict.rule) + strlen(r.commands[k].verdict.matched);
		(void)n;
		st->evals++;
	}
	/* more than 63 arguments, and none at all */
	static char words[80][8];
	const char *many[80];
	for (int i = 0; i < 80; i++) {
		snprintf(words[i], sizeof words[i], i == 70 ? "zz" : "a%d", i);
		many[i] = words[i];
	}
	many[0] = "x";
	cpol_eval(ctx, 80, many, &r);
	cpol_eval(ctx, 0, many, &r);
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		cpol_decision d = cpol_eval_line(ctx, lines[i], strlen(lines[i]), &r);
		cr_assert_leq((int)d, 2);
		st->evals++;
	}
	cpol_ctx_free(ctx);
}

/* Load a (resealed) copy; refused or exercised. Returns 1 when loaded. */
static int attempt(const uint8_t *p, size_t n, int reseal, struct stats *st)
{
	uint8_t *copy = malloc(n ? n : 1);
	cr_assert(copy);
	memcpy(copy, p, n);
	if (reseal)
		eng_reseal(copy, n);
	st->images++;
	cpol_error err;
	cpol_image *im = cpol_image_load(copy, n, 0, &err);
	free(copy);
	if (!im) {
		st->refused++;
		cr_assert(err.msg[0] != 0, "a refusal says why");
		return 0;
	}
	st->loaded++;
	exercise(im, st);
	cpol_image_close(im);
	return 1;
}

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (uint32_t)((rng * 0x2545F4914F6CDD1Dull) >> 33) % n;
}

static void set_size(uint8_t *p, size_t n)
{
	uint64_t s = n;
	memcpy(p + offsetof(struct cpol_img_header, size), &s, sizeof s);
}

Test(verify, the_real_images_load_and_run)
{
	struct stats st = { 0 };
	for (size_t i = 0; i < NBASE; i++) {
		struct base b;
		build(&b, i);
		cr_assert_eq(attempt(b.p, b.n, 0, &st), 1, "base image %zu", i);
		cr_assert_eq(attempt(b.p, b.n, 1, &st), 1, "base image %zu resealed", i);
		free(b.p);
	}
}

Test(verify, damage_without_a_new_checksum_is_refused)
{
	struct stats st = { 0 };
	for (size_t i = 0; i < NBASE; i++) {
		struct base b;
		build(&b, i);
		for (int k = 0; k < 100; k++) {
			uint8_t *c = malloc(b.n);
			cr_assert(c);
			memcpy(c, b.p, b.n);
			size_t at = rnd((uint32_t)b.n);
			c[at] ^= (uint8_t)(1u << rnd(8));
			cr_assert_eq(attempt(c, b.n, 0, &st), 0, "flip at %zu of image %zu was accepted", at, i);
			free(c);
		}
		/* the header itself */
		uint8_t *c = malloc(b.n + 8);
		cr_assert(c);
		memcpy(c, b.p, b.n);
		c[0] ^= 1;
		cr_expect_eq(attempt(c, b.n, 1, &st), 0, "bad magic");
		memcpy(c, b.p, b.n);
		c[8] ^= 1;
		cr_expect_eq(attempt(c, b.n, 1, &st), 0, "bad version");
		memcpy(c, b.p, b.n);
		cr_expect_eq(attempt(c, b.n - 8, 1, &st), 0, "truncated, size not updated");
		memset(c + b.n, 0, 8);
		cr_expect_eq(attempt(c, b.n + 8, 1, &st), 0, "extended, size not updated");
		cr_expect_eq(attempt(c, 31, 0, &st), 0, "shorter than a header");
		cr_expect_eq(attempt(c, 0, 0, &st), 0, "empty");
		free(c);
		free(b.p);
	}
	cr_expect_eq(st.refused, st.images);
}

Test(verify, random_damage_is_refused_or_harmless, .timeout = 300)
{
	/* CPOL_VERIFY_ROUNDS=N damages each image N times (300 by default) */
	const char *env = getenv("CPOL_VERIFY_ROUNDS");
	const int PER_IMAGE = env && *env ? atoi(env) : 300;
	struct stats st = { 0 };
	unsigned kinds[5] = { 0 }, refused[5] = { 0 };
	for (size_t i = 0; i < NBASE; i++) {
		struct base b;
		build(&b, i);
		for (int k = 0; k < PER_IMAGE; k++) {
			size_t n = b.n;
			uint8_t *c = malloc(n + 256);
			cr_assert(c);
			memcpy(c, b.p, n);
			int kind = (int)rnd(5);
			switch (kind) {
			case 0: /* bit flips */
				for (uint32_t f = 1 + rnd(3); f > 0; f--)
					c[32 + rnd((uint32_t)n - 32)] ^= (uint8_t)(1u << rnd(8));
				break;
			case 1: { /* byte overwrites */
				static const uint8_t vals[] = { 0, 1, 2, 0x7f, 0x80, 0xfe, 0xff };
				for (uint32_t f = 1 + rnd(4); f > 0; f--)
					c[32 + rnd((uint32_t)n - 32)] = rnd(3) ? vals[rnd(sizeof vals)] : (uint8_t)rnd(256);
				break;
			}
			case 2: { /* aligned 32-bit overwrites: counts, offsets, indices */
				uint32_t at = 32 + 4 * rnd((uint32_t)(n - 32) / 4), old, val;
				memcpy(&old, c + at, 4);
				static const int32_t deltas[] = { 1, -1, 8, -8, 16 };
				switch (rnd(5)) {
				case 0: val = 0; break;
				case 1: val = 0xffffffffu; break;
				case 2: val = 0x80000000u; break;
				case 3: val = old + (uint32_t)deltas[rnd(5)]; break;
				default: val = rnd(2) ? rnd(64) : (uint32_t)rnd(0x7fffffff); break;
				}
				memcpy(c + at, &val, 4);
				break;
			}
			case 3: /* truncations, the header's size following */
				n = 32 + rnd((uint32_t)(n - 32));
				set_size(c, n);
				break;
			default: /* extensions */
				for (uint32_t e = 1 + rnd(200); e > 0; e--)
					c[n++] = (uint8_t)rnd(256);
				set_size(c, n);
				break;
			}
			kinds[kind]++;
			refused[kind] += !attempt(c, n, 1, &st);
			free(c);
		}
		free(b.p);
	}
	eng_figures("verify: %u randomly damaged images: %u refused, %u loaded (%u contexts refused), %u evaluations\n"
	        "        refused by kind: bit flips %u/%u, bytes %u/%u, words %u/%u, truncations %u/%u, extensions %u/%u\n",
	        st.images, st.refused, st.loaded, st.ctx_refused, st.evals, refused[0], kinds[0], refused[1], kinds[1],
	        refused[2], kinds[2], refused[3], kinds[3], refused[4], kinds[4]);
	cr_expect_geq(st.images, PER_IMAGE >= 300 ? 1000u : 0u);
}

Test(verify, targeted_damage)
{
	struct stats st = { 0 };
	unsigned must = 0, must_refused = 0, either = 0, either_refused = 0, na = 0;
	for (size_t i = 0; i < NBASE; i++) {
		struct base b;
		build(&b, i);
		for (int id = 0;; id++) {
			uint8_t *c = malloc(b.n);
			cr_assert(c);
			memcpy(c, b.p, b.n);
			struct view v;
			view_of(&v, c, b.n);
			const char *what = "?";
			int want = targeted(&v, id, &what);
			if (want == -2) {
				free(c);
				break;
			}
			if (want == NA) {
				na++;
				free(c);
				continue;
			}
			int loaded = attempt(c, b.n, 1, &st);
			if (want == REFUSE) {
				must++;
				must_refused += !loaded;
				cr_expect(!loaded, "image %zu: \"%s\" (targeted %d) was accepted", i, what, id);
			} else {
				either++;
				either_refused += !loaded;
			}
			free(c);
		}
		free(b.p);
	}
	eng_figures("verify: %u targeted corruptions: %u that must be refused (%u refused), %u harmless or not "
	        "(%u refused, %u loaded and ran); %u not applicable\n",
	        must + either, must, must_refused, either, either_refused, either - either_refused, na);
}
