/* vm/vm.h -- the runtime's internal view: a loaded and verified image with
 * its sections decoded into typed pointers, and the evaluation context.
 * Shared by load.c, verify.c, eval.c, intent.c and the compiler's dump. */
#ifndef CPOL_VM_VM_H
#define CPOL_VM_VM_H

#include <stddef.h>
#include <stdint.h>

#include "codexpol.h"
#include "vm/image.h"
#include "vm/query.h"
#include "vm/shell.h"

struct cpol_image {
	const uint8_t *base;
	size_t size;
	void *owned;         /* malloc'd copy to free, or NULL */
	size_t mapped;       /* mmap length to unmap, or 0 */
	char hash[17];

	const struct cpol_img_meta *meta;
	const struct cpol_img_str *strs;    uint32_t nstrs;
	const char *strbase;
	const struct cpol_img_set *sets;    uint32_t nsets;
	const uint32_t *members;            uint32_t nmembers;
	const struct cpol_img_slot *slots;
	const struct cpol_img_prog *progs;  uint32_t nprogs;
	const uint32_t *refs;
	const struct cpol_img_pslot *pslots; uint32_t npslots;
	const struct cpol_img_rule *rules;  uint32_t nrules;
	const struct cpol_img_insn *code;   uint32_t ncode;
	const struct cpol_img_ac_hdr *ac;
	const uint32_t *trans;
	const struct cpol_img_acstate *acstates;
	const struct cpol_img_acout *acouts;
	uint8_t acstay[256];  /* byte keeps the automaton at its root (derived by the verifier) */
	const struct cpol_img_intent *intents; uint32_t nintents;
	const struct cpol_img_sandbox_hdr *sb;
	const struct cpol_img_root *roots;
	const struct cpol_img_port *connect, *bind;
	const uint32_t *envkeep;
	const void *bpf;
	const struct cpol_img_debug *debug;
	const struct cpol_img_wrapper *wrappers; uint32_t nwrappers;
	uint64_t wrapbits[4]; /* bit (prog & 255): some wrapper is about that program (derived) */
	const struct cpol_img_grant *grants; uint32_t ngrants;
	const struct cpol_img_limits *limits;
	const struct cpol_img_argidx *argidx;  /* [nprogs] */
	const uint32_t *arefs;
	const struct cpol_img_akey *akeys;
	const struct cpol_img_widx *widx;   /* [nprogs] */
	const uint32_t *wrefs;
	const struct cpol_img_wkey *wkeys;
	const struct cpol_img_wlong *wlongs; uint32_t nwlongs;
};

static inline const char *cpol_img_string(const struct cpol_image *im, uint32_t id, uint32_t *len)
{
	if (len)
		*len = im->strs[id].len;
	return im->strbase + im->strs[id].off;
}

/* Expand one sandbox root (roots.c) against the environment; `wroot` is the
 * write root a relative protected name is placed in. Returns the length of
 * the normalised path written to out, or -1 when it does not fit. */
long cpol_root_expand(const struct cpol_img_root *r, const char *path, uint32_t pathlen,
                      const char *workspace, const char *tmpdir, const char *home, const char *wroot,
                      char *out, size_t cap);

/* Decode the section table and verify everything (verify.c). Fills the
 * typed pointers of im. -1 with a message naming the first problem. */
int cpol_verify(struct cpol_image *im, cpol_error *err);

/* The grants of rule `rule` (grants.c): how many, *first at the first. */
uint32_t cpol_rule_grants(const struct cpol_image *im, int rule, const struct cpol_img_grant **first);
/* One grant as text ("write ~/.cache/pip", "network connect 443"); snprintf's result. */
int cpol_grant_text(const struct cpol_image *im, const struct cpol_img_grant *g, char *buf, size_t cap);

/* ---- evaluation context ---- */

#define CPOL_MAX_DEPTH    4      /* scripts inside scripts */
#define CPOL_SH_CMDS      256    /* per script */
#define CPOL_SH_WORDS     4096
#define CPOL_SH_REDIRS    256
#define CPOL_SH_SUBSTS    16     /* $(...) bodies judged per script */
#define CPOL_SH_BUF       (64u << 10)
#define CPOL_MAX_SUBCMDS  64     /* listed in a result */
#define CPOL_TEXT_BUF     (16u << 10)
#define CPOL_MAX_ROOTS    64
#define CPOL_PATH_BUF     4096

/* What the substring automaton found for one group in one frame. */
struct cpol_gstate {
	uint32_t tag;        /* == the frame's tag when the rest is valid */
	uint32_t pat;        /* the first pattern that matched (string) */
	uint64_t argmask;    /* bit i: matched inside argument i (bit 63: i >= 63) */
};

struct cpol_shell_store {
	struct cpol_shell_cmd cmds[CPOL_SH_CMDS];
	const char *words[CPOL_SH_WORDS];
	uint32_t wordlens[CPOL_SH_WORDS];
	uint8_t wordflags[CPOL_SH_WORDS];
	struct cpol_shell_redir redirs[CPOL_SH_REDIRS];
	char buf[CPOL_SH_BUF];
	uint32_t subst_off[CPOL_SH_SUBSTS], subst_len[CPOL_SH_SUBSTS];
};

struct cpol_root_exp {
	const char *path;
	uint32_t len;
};

struct cpol_ctx {
	const struct cpol_image *img;
	const struct cpol_image *sbimg;   /* whose sandbox roots `sandbox.write` means: img, or a profile's */
	char envbuf[4 * CPOL_PATH_BUF + 256];
	const char *cwd, *workspace, *tmpdir, *home, *user;
	uint32_t cwdlen, homelen;
	struct cpol_root_exp wroots[CPOL_MAX_ROOTS];  /* write roots, expanded */
	struct cpol_root_exp proots[CPOL_MAX_ROOTS];  /* protected paths, expanded */
	uint32_t nwroots, nproots;
	/* Facts about the working folder, for the fast path of relative
	 * targets (intent.c): is it inside a write root (and in no protected
	 * path), and which protected paths lie below it, relative to it. */
	uint8_t cwd_inside;
	uint32_t ncwdprot;
	struct cpol_root_exp cwdprot[CPOL_MAX_ROOTS];
	char rootbuf[2 * CPOL_MAX_ROOTS * (CPOL_PATH_BUF / 8)];
	size_t rootlen;

	struct cpol_gstate *groups;   /* (CPOL_MAX_DEPTH + 1) * ngroups */
	uint32_t serial;

	struct cpol_shell_store *sh;  /* CPOL_MAX_DEPTH + 1: [0] for eval_line, [d] for depth d */

	cpol_subcommand subs[CPOL_MAX_SUBCMDS];
	unsigned nsubs, subs_dropped;
	char text[CPOL_TEXT_BUF];
	size_t textlen;
	char cwdbuf[CPOL_MAX_DEPTH + 1][CPOL_PATH_BUF]; /* a script's cwd after `cd` */
	const char *sh_argv[3];       /* eval_line: sh -c LINE */
	uint32_t sh_lens[3];
	uint8_t sh_dialect;           /* what `sh` is here (enum cpol_shell_dialect) */
	uint8_t names_untrusted;      /* bare names in scripts may find untrusted programs */
	uint8_t unconfined;           /* the commands will run outside the sandbox */
	uint8_t cd_searches;          /* their shell has a CDPATH: `cd NAME` may go elsewhere */
};

#endif
