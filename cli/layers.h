/* cli/layers.h -- policy layers on top of the profile (cli/layers.c):
 * admin (/etc/codexpol), user ($XDG_CONFIG_HOME/codexpol) and project
 * (.codexpol in the workspace, used once the user trusted its content).
 * Each is the *.cpol files of a folder compiled into one image (cached
 * outside the writable roots); each judges the command on its own and the
 * verdicts combine strictest-wins (see run_layers_decide). */
#ifndef CPOL_CLI_LAYERS_H
#define CPOL_CLI_LAYERS_H

#include <limits.h>

#include "cli/run.h"

enum run_layer_kind { LAYER_ADMIN, LAYER_USER, LAYER_PROJECT, LAYER__COUNT };

enum run_layer_state {
	LAYER_ABSENT = 0,   /* no folder or no .cpol file in it */
	LAYER_USED,         /* compiled and judging */
	LAYER_UNTRUSTED,    /* project layer whose content the user has not trusted: not used */
	LAYER_REFUSED       /* project layer that grants: not used */
};

struct run_layer {
	int kind;                   /* enum run_layer_kind */
	int state;                  /* enum run_layer_state */
	char dir[PATH_MAX];
	char hash[17];              /* XXH3-64 of every file of the layer, names and contents */
	unsigned nfiles;
	cpol_image *im;
	cpol_ctx *ctx;
	cpol_result res;            /* its verdict on the command */
	int matched;                /* a rule of the layer matched (else it abstains) */
};

struct run_layers {
	struct run_layer l[LAYER__COUNT];
	char trust[PATH_MAX];       /* the trust file, "" when unknown */
	char cache[PATH_MAX];       /* the image cache folder, "" when not cached */
};

struct run_layers_opts {
	const char *admin_dir;      /* NULL: CPOL_ADMIN_DIR */
	const char *workspace;      /* the project layer is workspace/.codexpol */
	const char *home;
	int may_ask;                /* a changed project layer may be trusted on the terminal */
	int quiet;                  /* no warnings on stderr (--explain shows the states) */
	const struct cpol_spec *spec;/* the profile's sandbox: caches inside its write roots are not used */
	const cpol_image *profile;  /* its image: the layers' `sandbox.write` is its write roots (NULL: none) */
};

/* Find, check, trust and compile the layers. -1 with err when a layer must
 * stop the run: an admin folder (or file) not owned by root or writable by
 * group or others, a user folder writable by others, a layer that does not
 * compile. An untrusted or granting project layer is only a warning. */
int run_layers_open(struct run_layers *ls, const struct run_layers_opts *o, const cpol_env *env, cpol_error *err);
void run_layers_close(struct run_layers *ls);

/* Judge argv with every used layer, then combine with the profile's result:
 * a forbid anywhere wins; else a prompt of a layer; else an allow of a layer
 * lifts the profile's prompt; else the profile decides. *im and *res
 * receive the image and result of the part that decided (the profile's
 * when no layer did). */
cpol_decision run_layers_decide(struct run_layers *ls, int argc, const char *const *argv, const cpol_image *profile,
                                const cpol_result *pres, const cpol_image **im, cpol_result *res);

/* codexrun's one call: open the layers (the profile's sandbox spec built
 * here for the cache and trust checks), decide, and replace *res and *im
 * with the deciding part. The decision, or -1 with err. Close ls after the
 * last use of *res. */
int run_layers_run(struct run_layers *ls, const cpol_image *profile, const cpol_env *env, int explain, int may_ask,
                   int argc, const char *const *argv, cpol_result *res, const cpol_image **im, cpol_error *err);

/* After codexrun itself changed the project layer (a remembered approval):
 * compile it again and record its new hash as trusted. 0, or -1 with err
 * (it does not compile, or it grants). */
int run_layers_retrust_project(struct run_layers *ls, const cpol_env *env, cpol_error *err);

/* Is any layer present (used or not)? */
int run_layers_any(const struct run_layers *ls);

/* --explain: one line per layer (text), or a ,"layers":[...] fragment (json). */
void run_layers_explain(const struct run_layers *ls, int json, char *buf, size_t cap);

/* Is folder `dir` and every .cpol file in it owned by root and not writable
 * by group or others? 0, or -1 with why filled. (A missing folder is fine.) */
int run_layer_dir_secure(const char *dir, int need_root, char *why, size_t cap);

/* Write data to path through a temporary file and rename (mode for a new
 * file). 0, or -1 with errno. */
int run_write_atomic(const char *path, const void *data, size_t len, int mode);

/* Record in the trust file that `dir` has content `hash` (replacing what it
 * had). 0 or -1 with err. */
int run_layers_trust(const char *trust, const char *dir, const char *hash, cpol_error *err);

#endif
