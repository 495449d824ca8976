/* sandbox/spec.h -- the sandbox spec of one run, read from a policy image:
 * the platform-neutral struct cpol_sandbox_spec (sandbox/sandbox.h) with
 * every root expanded, plus the storage it points into. The only reader of
 * the image's SANDBOX section is sandbox/spec_read.c; programs see the
 * image as the opaque cpol_image and never its layout. */
#ifndef CPOL_SANDBOX_SPEC_H
#define CPOL_SANDBOX_SPEC_H

#include <stddef.h>
#include <stdint.h>

#include "codexpol.h"
#include "sandbox/sandbox.h"

/* One `deny read` entry, expanded; a pattern ("**" "/.env") is kept as
 * written and matches a component of a path. */
struct cpol_spec_deny {
	char path[4096];          /* the absolute path, or the pattern */
	const char *written;      /* "/.ssh" as in the image, for messages */
	const char *prefix;       /* what the root variable stood for: "~", "**" "/", ... */
	int pattern;
};
/* One host rule of the egress proxy (`network allow`, `network allow read`,
 * `network deny`): the backend never sees these; codexrun's proxy holds them. */
struct cpol_spec_host {
	const char *pattern;      /* "github.com:443", "*.npmjs.org" */
	int deny;                 /* `network deny` */
	int readonly;             /* `network allow read`: plain HTTP GET/HEAD/OPTIONS only */
};

struct cpol_spec {
	struct cpol_sandbox_spec spec;
	/* The host rules, in the policy's order (none: no proxy). */
	const struct cpol_spec_host *hosts; size_t nhosts;
	/* The variables the environment scrub keeps (`env keep`; strings of
	 * the image). */
	const char **env_keep;    size_t nenv_keep;
	char *strs;               /* storage of the expanded paths */
	const char **paths;
	uint16_t *ports;
	struct cpol_spec_deny *deny; /* storage of spec.deny_read and spec.deny_names */
	const char **denied;
	struct cpol_spec_host *host_rules; /* storage of hosts */
	char *host_strs;
};

/* Read the sandbox of im, roots expanded against env ($WORKSPACE, $TMPDIR,
 * $HOME); require: fail rather than degrade (spec.require). 0, or -1 with
 * err (memory, a path too long). Free with cpol_spec_free. */
int cpol_spec_read(const cpol_image *im, const cpol_env *env, int require, struct cpol_spec *rs,
                   cpol_error *err);
void cpol_spec_free(struct cpol_spec *rs);
/* Is path (absolute) inside a write root of the spec? */
int cpol_spec_writable(const struct cpol_spec *rs, const char *path);
/* The same for path as given and as realpath(3) resolves it (symlinks). */
int cpol_spec_writable_real(const struct cpol_spec *rs, const char *path);

/* Does the image grant everything (the trusted profile: no sandbox but
 * no_new_privs, accepted only with --trusted)? */
int cpol_spec_trusted(const cpol_image *im);

/* The image's `deny read` entries into out (at most max; entries too long
 * to expand are left out); how many. */
size_t cpol_spec_denied(const cpol_image *im, const cpol_env *env, struct cpol_spec_deny *out, size_t max);

/* The image's `limits` block (all 0 when it has none). */
void cpol_spec_limits(const cpol_image *im, struct cpol_limits *out);

/* spec_grants.c: per-rule grants. */
/* The storage behind a widened spec; zero it before use. */
struct cpol_spec_grants {
	const char **paths;       /* write roots, then protected paths */
	char *strs;
	uint16_t *ports;
	unsigned nwrite, nconnect, nunix;
	char text[2048];          /* "write ~/.cache/pip, network connect 443" ("" when none) */
};

/* Add the grants of rule `rule` (a verdict's index; < 0: none) to rs->spec:
 * write grants become write roots (with the image's relative protected names,
 * .git among them, inside each), connect grants open those TCP ports (a
 * profile without network becomes connect-to-those-ports; outbound and any
 * already allow them). UNIX-socket grants are only described here. The spec
 * then points into g until cpol_spec_grants_free. 0, or -1 with err. */
int cpol_spec_grant(const cpol_image *im, int rule, const cpol_env *env, struct cpol_spec *rs,
                    struct cpol_spec_grants *g, cpol_error *err);
void cpol_spec_grants_free(struct cpol_spec_grants *g);

#endif
