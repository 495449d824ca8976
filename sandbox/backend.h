/* sandbox/backend.h -- the seam between the platform-neutral sandbox spec
 * and one platform's kernel mechanisms. Declarations only.
 *
 * The spec (struct cpol_sandbox_spec, sandbox/sandbox.h) says what a command
 * may read, write, reach, keep read-only and which UNIX sockets it may use,
 * with every path absolute; sandbox/spec_read.c fills it from an image,
 * and sandbox/spec_grants.c widens it by an approved rule's grants. Neither
 * knows which kernel will hold it.
 *
 * A backend is a set of source files of sandbox/ that configure selects
 * with --with-sandbox=NAME (config.h: CPOL_SANDBOX_<NAME> and
 * CPOL_SANDBOX_BACKEND; automake: the SANDBOX_<NAME> conditional in
 * sandbox/Makefile.inc, which also adds the backend's libraries). It defines
 * every function of the "backend interface" below, declared in
 * sandbox/sandbox.h:
 *
 *   cpol_sandbox_prepare  parent, before fork: check the spec, build all
 *                         that can fail, fill the report (what is enforced,
 *                         what is degraded); with spec->require, anything
 *                         degraded is an error
 *   cpol_sandbox_enter    child, after fork, before exec: apply; no malloc,
 *                         async-signal-safe
 *   cpol_sandbox_free     parent, after the command ended
 *   cpol_sandbox_tmpdir   the run's private temporary folder, or NULL
 *   cpol_sandbox_env      the command's TMPDIR pointing there
 *   cpol_sandbox_undo     after the command: remove planted code-running
 *                         files below the write roots
 *
 * A backend must fail closed: what it cannot hold goes into the report's
 * `degraded` text (codexrun prints it, records it, and refuses to run with
 * --require-sandbox), never silently away. Fields of the spec that carry a
 * backend's own hints (the Linux prebuilt seccomp filter: bpf, bpf_len,
 * bpf_arch, bpf_readonly; list_roots, the Landlock form of `deny read`)
 * may be ignored by other backends.
 *
 * The Linux backend (the one that exists): sandbox.c (the order of steps),
 * landlock.c, seccomp.c (libseccomp; also cpol_seccomp_export, which
 * codexpolc uses to store a prebuilt filter in the image), caps.c,
 * protect.c and placeholder.c (read-only binds in a mount namespace),
 * unixsock.c, tmpdir.c, coderun.c, limits.c (cgroups, rlimits).
 * A macOS backend would turn the spec into a Seatbelt profile (SBPL) applied
 * with sandbox_init in enter; a Windows one into an AppContainer or a
 * restricted token with a job object.
 */
#ifndef CPOL_SANDBOX_BACKEND_H
#define CPOL_SANDBOX_BACKEND_H

#include "sandbox/sandbox.h"   /* the spec and the backend interface */

#endif
