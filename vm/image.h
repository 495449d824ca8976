/* vm/image.h -- the compiled policy image, defined once: codegen writes it,
 * the loader and verifier check it, the evaluator and --dump read it.
 *
 * Layout (little-endian, every section 8-byte aligned):
 *
 *   struct cpol_img_header      fixed, 32 bytes, checked by value
 *   struct cpol_img_section[n]  the section table  \
 *   sections ...                                    } covered by XXH3-64
 *
 * The checksum catches corruption, not tampering; an image's integrity
 * against an attacker comes from the permissions of the file that holds it.
 * After cpol_verify() has accepted an image, every offset, length, index and
 * jump target in it is known to be in range, so the evaluator reads it
 * without further checks.
 */
#ifndef CPOL_VM_IMAGE_H
#define CPOL_VM_IMAGE_H

#include <stdint.h>

#include "common/lang.h"
#include "common/sandbox_kinds.h"

#define CPOL_IMG_MAGIC    "CPOLIMG\x1a"
#define CPOL_IMG_VERSION  6u
#define CPOL_IMG_MAX_SIZE (1u << 30)
#define CPOL_NONE         0xffffffffu    /* "no index" in u32 fields */

struct cpol_img_header {
	uint8_t  magic[8];
	uint32_t version;
	uint32_t nsections;
	uint64_t size;       /* whole image, header included */
	uint64_t checksum;   /* XXH3-64 of bytes [sizeof header, size) */
};

enum cpol_img_kind {
	CPOL_SEC_META = 1, CPOL_SEC_STRINGS, CPOL_SEC_SETS, CPOL_SEC_DISPATCH,
	CPOL_SEC_RULES, CPOL_SEC_CODE, CPOL_SEC_AC, CPOL_SEC_INTENTS,
	CPOL_SEC_SANDBOX, CPOL_SEC_DEBUG,
	CPOL_SEC_WRAPPERS,
	CPOL_SEC_GRANTS,
	CPOL_SEC_LIMITS,
	CPOL_SEC_ARGIDX,
	CPOL_SEC_WORDIDX,
	CPOL_SEC__COUNT
};

struct cpol_img_section {
	uint32_t kind;       /* enum cpol_img_kind; each exactly once */
	uint32_t count;      /* entries, where the section is an array */
	uint32_t offset;     /* from the start of the image */
	uint32_t size;       /* bytes */
};

/* ---- META: one struct ---- */
enum {
	CPOL_IMGF_TRUSTED = 1u << 0,   /* grants everything: codexrun wants --trusted */
	CPOL_IMGF_RO_FILTER = 1u << 1, /* the seccomp filter refuses metadata changes */
	/* def is allow for commands the policy has fully seen (they run
	 * confined by the sandbox); prompt for the others */
	CPOL_IMGF_CONFINED_DEFAULT = 1u << 2,
	CPOL_IMGF__ALL = CPOL_IMGF_TRUSTED | CPOL_IMGF_RO_FILTER | CPOL_IMGF_CONFINED_DEFAULT
};

struct cpol_img_meta {
	uint32_t name;       /* string: the policy's name */
	uint32_t flags;      /* CPOL_IMGF_* */
	uint8_t  def;        /* default decision (enum cpol_decision) */
	uint8_t  pad[3];
	uint32_t nrules, ngroups, nsets, nprograms, nintents;
	uint32_t maxarg;     /* highest argv index a rule looks at */
};

/* ---- STRINGS: count entries, then the bytes; each string NUL-terminated ---- */
struct cpol_img_str {
	uint32_t off;        /* from the start of the section */
	uint32_t len;        /* bytes[off + len] == 0 */
};

/* ---- SETS: struct cpol_img_set[count], members (u32 string), slots ---- */
struct cpol_img_set {
	uint32_t first, n;   /* members[first .. first+n) */
	uint32_t slot, mask; /* hash slots[slot .. slot+mask+1); mask == 0: no table */
};
struct cpol_img_slot {
	uint32_t hash;       /* low 32 bits of XXH3-64 of the string */
	uint32_t str;        /* member string, or CPOL_NONE for an empty slot */
};
struct cpol_img_sets_hdr {
	uint32_t nsets, nmembers, nslots, pad;
	/* then cpol_img_set[nsets], uint32_t members[nmembers], cpol_img_slot[nslots] */
};

/* ---- DISPATCH: program table ---- */
struct cpol_img_prog {
	uint32_t name;                 /* string; "" for entry 0, the generic rules */
	uint32_t rules, nrules;        /* rule refs[rules .. rules+nrules), ascending */
	uint32_t intents, nintents;    /* INTENTS[intents .. +nintents) */
};
struct cpol_img_pslot {
	uint64_t hash;       /* XXH3-64 of the program name */
	uint32_t prog;       /* index in progs, CPOL_NONE for an empty slot */
	uint32_t pad;
};
struct cpol_img_dispatch_hdr {
	uint32_t nprogs, nrefs, nslots, pad; /* nslots: power of two, > nprogs */
	/* then cpol_img_prog[nprogs], uint32_t refs[nrefs], cpol_img_pslot[nslots] */
};

/* ---- RULES: struct cpol_img_rule[count] ---- */
enum cpol_img_action { CPOL_RA_DECIDE = 0, CPOL_RA_SCRIPT = 1 };

struct cpol_img_rule {
	uint32_t name;       /* string */
	uint32_t reason;     /* string ("" when none) */
	uint32_t code;       /* pc of its condition in CODE */
	uint8_t  dec;        /* enum cpol_decision, for DECIDE */
	uint8_t  action;     /* enum cpol_img_action */
	uint16_t arg;        /* SCRIPT: argv index of the script */
};

/* ---- CODE: struct cpol_img_insn[count]; conditions end with RET ----
 * One boolean register r. Jumps only go forward, and the last instruction
 * is RET, so every run ends. When some words of the command are unknown
 * (expansions, globs) the evaluator runs the same code three-valued: r is
 * false, true or unknown, and an AND/OR whose first operand is unknown is
 * completed where its jump lands. Codegen therefore keeps to the shapes
 * `a JF L b L:` (and), `a JT L b L:` (or) and `a NOT` (not). */
enum cpol_op {
	CPOL_OP_RET = 0,     /* return r */
	CPOL_OP_TRUE,        /* r = 1 */
	CPOL_OP_NOT,         /* r = !r */
	CPOL_OP_JF,          /* if !r: pc = c */
	CPOL_OP_JT,          /* if r: pc = c */
	CPOL_OP_PROG,        /* r = program name in set c */
	CPOL_OP_ARG,         /* r = argv[b] exists and pred a holds for it, operand c */
	CPOL_OP_ANYARG,      /* r = pred a holds for some argv[1..], operand c */
	CPOL_OP_ARGC,        /* r = argc (cmp a) c */
	CPOL_OP_SUBSTR,      /* r = group c occurs in the joined command line */
	CPOL_OP_WRITES,      /* r = write intent, mode a (enum cpol_img_wmode) */
	CPOL_OP_NET,         /* r = network intent */
	CPOL_OP_OPTS,        /* r = every option of argv is in set c (options only) */
	/* `any value of`: r = pred a holds for a value of one of the first b
	 * members of set S, operand c, the command read with S as all of its
	 * options (vm/options.c). S is the c of the VALSET instruction that
	 * always follows: VALUE and VALSET are one test in two words, and no
	 * jump or entry point lands on a VALSET (the verifier checks it). */
	CPOL_OP_VALUE,
	CPOL_OP_VALSET,      /* the option set of the VALUE before it; run alone, a no-op */
	CPOL_OP__COUNT
};

/* Predicates of ARG/ANYARG (a), enum cpol_img_pred, and the comparisons of
 * ARGC (a), enum cpol_cmp: the tables of common/lang.h, which also say
 * whether operand c is a set or a substring group. */

/* WRITES modes (a). */
/* ROOT: a target is a write root itself (or all of it, ROOT/STAR) */
enum cpol_img_wmode { CPOL_WM_ANY = 0, CPOL_WM_OUTSIDE, CPOL_WM_INSIDE, CPOL_WM_ROOT };

struct cpol_img_insn {
	uint8_t  op;
	uint8_t  a;
	uint16_t b;
	uint32_t c;
};

/* ---- AC: the Aho-Corasick automaton of every substring in the policy ----
 * A dense DFA over byte classes. trans[row + class[byte]] holds the next
 * state's row (state * nclasses); bit 31 says that state has outputs.
 * States are numbered in breadth-first order, so every dictionary link
 * points to a smaller state and every chain ends. */
#define CPOL_AC_OUT 0x80000000u

struct cpol_img_ac_hdr {
	uint32_t nstates, nclasses, noutputs, pad;
	uint8_t  classmap[256];
	/* then uint32_t trans[nstates * nclasses], cpol_img_acstate[nstates],
	 * cpol_img_acout[noutputs] */
};
struct cpol_img_acstate {
	uint32_t out, nout;  /* own outputs[out .. out+nout) */
	uint32_t dict;       /* next state (index) on the suffix chain with outputs, or CPOL_NONE */
};
struct cpol_img_acout {
	uint32_t group;      /* < meta.ngroups */
	uint32_t str;        /* the pattern (for explanations) */
	uint32_t len;        /* its length, >= 1 */
};

/* ---- INTENTS: struct cpol_img_intent[count] ---- */
enum cpol_img_intent_kind { CPOL_IK_NETWORK = 0, CPOL_IK_WRITE = 1 };
enum cpol_img_target { CPOL_TG_NONE = 0, CPOL_TG_LAST, CPOL_TG_OPERANDS, CPOL_TG_AFTER, CPOL_TG_VALUE,
                       CPOL_TG_CWD /* the working folder itself */ };

struct cpol_img_intent {
	uint8_t  kind;       /* enum cpol_img_intent_kind */
	uint8_t  target;     /* enum cpol_img_target (WRITE) */
	uint16_t from;       /* OPERANDS: first operand counted, 1-based */
	uint32_t str;        /* AFTER option / VALUE prefix, else CPOL_NONE */
	uint32_t guard;      /* pc of a condition in CODE, or CPOL_NONE */
};

/* ---- SANDBOX ---- */
/* Root kinds and variables, network modes: common/sandbox_kinds.h. */

struct cpol_img_root {
	uint8_t  kind;       /* enum cpol_root_kind */
	uint8_t  var;        /* enum cpol_root_var: what the path starts with */
	uint16_t pad;
	uint32_t path;       /* string: the rest ("" or "/sub") or the whole path */
};
struct cpol_img_port { uint16_t lo, hi; };

struct cpol_img_sandbox_hdr {
	uint8_t  net;        /* enum cpol_net_mode */
	uint8_t  pad[3];
	uint32_t nroots, nconnect, nbind, nenv;
	uint32_t bpf_arch;   /* AUDIT_ARCH_* of the prebuilt seccomp filter, 0 when none */
	uint32_t bpf_len;    /* bytes, a multiple of 8 */
	uint32_t pad2;
	/* then cpol_img_root[nroots], cpol_img_port[nconnect], cpol_img_port[nbind],
	 * uint32_t env_keep[nenv] (strings), then bpf_len bytes at an 8-aligned offset */
};

/* ---- LIMITS: one struct; what the command may consume. 0 = no limit ---- */
struct cpol_img_limits {
	uint64_t time_s;      /* wall-clock seconds */
	uint64_t cpu_s;       /* CPU seconds (per process: RLIMIT_CPU) */
	uint64_t memory;      /* bytes (cgroup memory.max, per process RLIMIT_DATA) */
	uint64_t processes;   /* tasks (cgroup pids.max, RLIMIT_NPROC) */
	uint64_t file_size;   /* bytes, largest file written (RLIMIT_FSIZE) */
	uint64_t open_files;  /* descriptors per process (RLIMIT_NOFILE) */
};

/* ---- DEBUG: rule i -> source position; file names are strings ---- */
struct cpol_img_debug {
	uint32_t file;       /* string */
	uint32_t line, col;
};

/* ---- WRAPPERS: struct cpol_img_wrapper[count], ascending by prog ----
 * Programs that run another command (env, timeout, xargs, find -exec):
 * where the wrapped command starts, so that it is judged as itself. */
enum {
	CPOL_WF_OPTIONS = 1u << 0, /* `options`: the wrapper's own options, set `options` */
	CPOL_WF_ASSIGN  = 1u << 1, /* NAME=VALUE words before the command (env) */
	CPOL_WF_INPUT   = 1u << 2, /* the command gets more words from standard input (xargs) */
	CPOL_WF_COMMAND = 1u << 3, /* the command runs from a word of set `after` up to a word
	                              of set `until` (find -exec ... ;), "{}" a placeholder */
	CPOL_WF_SCRIPT  = 1u << 4, /* the command's words, joined by spaces, are a script
	                              for the machine's sh (watch); not with COMMAND, ASSIGN, INPUT */
	CPOL_WF_REPLACE = 1u << 5, /* with INPUT and OPTIONS: the options of set `replace`
	                              (members of `options` too) give a text that each input
	                              line replaces inside the command's words (xargs -I);
	                              not with COMMAND or SCRIPT */
	CPOL_WF__ALL = 63u
};
struct cpol_img_wrapper {
	uint32_t prog;       /* program table index, > 0 */
	uint32_t options;    /* set (CPOL_WF_OPTIONS), else CPOL_NONE */
	union {
		uint32_t after;   /* set (CPOL_WF_COMMAND), else CPOL_NONE */
		uint32_t replace; /* set (CPOL_WF_REPLACE), else CPOL_NONE */
	};
	uint32_t until;      /* set (CPOL_WF_COMMAND), else CPOL_NONE */
	uint16_t skip;       /* operands between the options and the command */
	uint8_t  flags;      /* CPOL_WF_* */
	uint8_t  pad;
};

/* ---- GRANTS: struct cpol_img_grant[count], ordered by rule ----
 * What an approved prompt of a rule adds to the sandbox for that one
 * command. Only prompt rules carry grants (the verifier checks it). */
struct cpol_img_grant {
	uint32_t rule;       /* index in RULES */
	uint8_t  kind;       /* enum cpol_grant_kind */
	uint8_t  var;        /* WRITE, UNIX: enum cpol_root_var (never RELATIVE) */
	uint16_t lo, hi;     /* CONNECT: port range, 1 <= lo <= hi */
	uint16_t pad;
	uint32_t path;       /* WRITE, UNIX: string, the rest after var; else 0 */
};

/* ---- where the arrays of a section start (writer and verifier agree) ---- */
static inline uint64_t cpol_img_align8(uint64_t x) { return (x + 7) & ~(uint64_t)7; }

struct cpol_img_layout { uint64_t a, b, c, d, end; };

/* The shape SETS, DISPATCH and ARGIDX share: a header of hdr bytes, nrecs
 * records of recsize from a, uint32_t refs[nrefs] from b, nslots slots of
 * slotsize from c (8-aligned). */
static inline struct cpol_img_layout
cpol_layout_indexed(uint64_t hdr, uint64_t nrecs, uint64_t recsize, uint64_t nrefs, uint64_t nslots,
                    uint64_t slotsize)
{
	struct cpol_img_layout l;
	l.a = hdr;
	l.b = l.a + nrecs * recsize;
	l.c = cpol_img_align8(l.b + nrefs * 4);
	l.d = 0;
	l.end = l.c + nslots * slotsize;
	return l;
}

static inline struct cpol_img_layout
cpol_layout_sets(uint64_t nsets, uint64_t nmembers, uint64_t nslots)
{
	return cpol_layout_indexed(sizeof(struct cpol_img_sets_hdr), nsets, sizeof(struct cpol_img_set), nmembers,
	                           nslots, sizeof(struct cpol_img_slot));
}

static inline struct cpol_img_layout
cpol_layout_dispatch(uint64_t nprogs, uint64_t nrefs, uint64_t nslots)
{
	return cpol_layout_indexed(sizeof(struct cpol_img_dispatch_hdr), nprogs, sizeof(struct cpol_img_prog), nrefs,
	                           nslots, sizeof(struct cpol_img_pslot));
}

static inline struct cpol_img_layout
cpol_layout_ac(uint64_t nstates, uint64_t nclasses, uint64_t noutputs)
{
	struct cpol_img_layout l;
	l.a = sizeof(struct cpol_img_ac_hdr);
	l.b = l.a + nstates * nclasses * 4;
	l.c = l.b + nstates * sizeof(struct cpol_img_acstate);
	l.d = 0;
	l.end = l.c + noutputs * sizeof(struct cpol_img_acout);
	return l;
}

/* sandbox: a = roots, b = connect ports, c = bind ports, d = env names; bpf at end */
static inline struct cpol_img_layout
cpol_layout_sandbox(uint64_t nroots, uint64_t nconnect, uint64_t nbind, uint64_t nenv, uint64_t bpf_len)
{
	struct cpol_img_layout l;
	l.a = sizeof(struct cpol_img_sandbox_hdr);
	l.b = l.a + nroots * sizeof(struct cpol_img_root);
	l.c = l.b + nconnect * sizeof(struct cpol_img_port);
	l.d = l.c + nbind * sizeof(struct cpol_img_port);
	uint64_t bpf = cpol_img_align8(l.d + nenv * 4);
	l.end = bpf + bpf_len;
	return l;
}

/* ---- ARGIDX: each program's rules indexed by their argument 1 ----
 * A rule filed under a program whose condition requires argv[1] to be one
 * of a list of strings (a top-level conjunct `arg 1 is "status"` or
 * `arg 1 in (...)`) is listed under each of those strings; the program's
 * other rules are its free rules. When argv[1] is known, evaluation runs the
 * free rules and the rules listed under argv[1] only, in rule order: a rule
 * left out could not have held. So policies with thousands of subcommand
 * rules on one program cost about what their matching ones cost.
 * Layout: header, cpol_img_argidx[nprogs], uint32_t refs[nrefs] (8-aligned),
 * cpol_img_akey[nkeys]. Lists in refs ascend. */
struct cpol_img_argidx_hdr {
	uint32_t nprogs, nrefs, nkeys, pad;
};
struct cpol_img_argidx {
	uint32_t free, nfree;  /* refs[free .. free+nfree): the free rules */
	uint32_t slot, mask;   /* akeys[slot .. slot+mask]; mask CPOL_NONE: not indexed */
};
struct cpol_img_akey {
	uint32_t hash;         /* low 32 bits of XXH3-64 of the string */
	uint32_t str;          /* the argument, or CPOL_NONE for an empty slot */
	uint32_t first, n;     /* refs[first .. first+n): the rules listed under it */
};

static inline struct cpol_img_layout
cpol_layout_argidx(uint64_t nprogs, uint64_t nrefs, uint64_t nkeys)
{
	return cpol_layout_indexed(sizeof(struct cpol_img_argidx_hdr), nprogs, sizeof(struct cpol_img_argidx), nrefs,
	                           nkeys, sizeof(struct cpol_img_akey));
}

/* ---- WORDIDX: the rules ARGIDX leaves free, indexed by a word they need ----
 * A program's base rules are its ARGIDX free rules when ARGIDX indexes it,
 * else all its rules. A base rule whose condition has a top-level conjunct
 * that only some words can satisfy is listed under each string of it:
 *   - `arg N in/is/prefix (...)` (1 <= N <= 31, strings of at most 63
 *     bytes): a key of pos N, argv[N] must start with the string;
 *   - `any arg in/is (...)`: a key of pos 0, some argv[1..] equals it;
 *   - `any arg option (...)`: a long option "--name" goes to the sorted
 *     long list (some argv[1..] up to its '=' is a prefix of it of at least
 *     3 bytes: an abbreviation); any other option (without '=') is a key of
 *     pos 0, met by a word up to its '=', or for "-x" also by a short-option
 *     cluster holding x.
 * The other base rules are its rest. When every word of the command is
 * known, evaluation runs the rest and the rules found under the keys the
 * words meet, in rule order: a rule left out could not have held. The
 * words' probes are bounded (one per word, per cluster letter, per key
 * length at an indexed position), so the work grows with the rules that
 * might hold, not with the rules there are.
 * Layout: header, cpol_img_widx[nprogs], uint32_t refs[nrefs] (8-aligned),
 * cpol_img_wkey[nkeys], cpol_img_wlong[nlong]. Lists in refs ascend. */
struct cpol_img_wordidx_hdr {
	uint32_t nprogs, nrefs, nkeys, nlong;
};
struct cpol_img_widx {
	uint32_t rest, nrest;   /* refs[rest .. rest+nrest): the base rules no key lists */
	uint32_t slot, mask;    /* wkeys[slot .. slot+mask]; mask CPOL_NONE: not indexed */
	uint32_t lng, nlng;     /* wlongs[lng .. lng+nlng), strictly ascending by bytes */
	uint32_t posmask;       /* bit N: some key has pos N (1..31) */
	uint32_t pad;
	uint64_t lenmask;       /* bit L: some key of pos > 0 has L bytes (0..63) */
	uint64_t shortmask[2];  /* bit c: a key "-c" (c < 128; other bytes are always probed) */
};
struct cpol_img_wkey {
	uint32_t hash;          /* low 32 bits of XXH3-64 of the string, seeded with pos */
	uint32_t str;           /* the string, or CPOL_NONE for an empty slot */
	uint32_t first, n;      /* refs[first .. first+n) */
	uint32_t pos;           /* 0: a whole word (or one up to '='); N: a prefix of argv[N] */
};
struct cpol_img_wlong {
	uint32_t str;           /* "--name", at least 3 bytes */
	uint32_t first, n;      /* refs[first .. first+n) */
};

static inline struct cpol_img_layout
cpol_layout_wordidx(uint64_t nprogs, uint64_t nrefs, uint64_t nkeys, uint64_t nlong)
{
	struct cpol_img_layout l;
	l.a = sizeof(struct cpol_img_wordidx_hdr);
	l.b = l.a + nprogs * sizeof(struct cpol_img_widx);
	l.c = cpol_img_align8(l.b + nrefs * 4);
	l.d = l.c + nkeys * sizeof(struct cpol_img_wkey);
	l.end = l.d + nlong * sizeof(struct cpol_img_wlong);
	return l;
}

#endif
