/* sandbox/backend.h -- the seam between the platform-neutral sandbox spec
 * and one platform's kernel mechanisms. Declarations only.
 *
 * The spec (struct cpol_sandbox_spec, sandbox/sandbox.h) says what a command
 * may read, write, reach, keep read-only, never read (`deny read`) and which
 * UNIX sockets it may use, with every path absolute; sandbox/spec_read.c
 * fills it from an image, and sandbox/spec_grants.c widens it by an approved
 * rule's grants. Neither knows which kernel will hold it, and the spec has
 * no field of one backend: how to hold each entry (for Linux: the Landlock
 * complement of the read roots around a denied path, the masks in a mount
 * namespace) is worked out by the backend in prepare. The one opening is
 * `prebuilt`, bytes codexpolc made for a backend ahead of time and stored in
 * the image, opaque to all else, used only on the machine they were made for.
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
 *   cpol_sandbox_prebuild codexpolc: the prebuilt part for an image (-1:
 *                         none)
 *   cpol_proc_*, cpol_kill_children
 *                         the run's init and the command's tree: a process
 *                         namespace, dying with the parent, reaping, a
 *                         private network (ENOSYS where there is none)
 *   cpol_limits_*         resource limits (cpol_limits_format is common)
 *   cpol_denials_*        what the kernel refused the command
 *
 * A backend must fail closed: what it cannot hold goes into the report's
 * `degraded` text (codexrun prints it, records it, and refuses to run with
 * --require-sandbox), never silently away. A backend that finds a
 * `prebuilt` part not made for it ignores it.
 *
 * The Linux backend (the one that exists): sandbox.c (the order of steps),
 * landlock.c, seccomp.c (libseccomp; also cpol_seccomp_export, declared in
 * sandbox/linux.h, behind cpol_sandbox_prebuild), caps.c, protect.c and
 * placeholder.c (read-only binds in a mount namespace), unixsock.c,
 * tmpdir.c, coderun.c, denyread.c and mask.c (`deny read`), process.c (PID,
 * user and network namespaces, prctl), denials.c (with denials.h), limits.c
 * (cgroups, rlimits; with limits.h); internal.h is what they share. The
 * platform-neutral files (spec_read.c, spec_grants.c, envscrub.c,
 * limits_text.c) and every file of cli/ include none of these headers.
 * A macOS backend would turn the spec into a Seatbelt profile (SBPL) applied
 * with sandbox_init in enter; a Windows one into an AppContainer or a
 * restricted token with a job object.
 */
#ifndef CPOL_SANDBOX_BACKEND_H
#define CPOL_SANDBOX_BACKEND_H

#include "sandbox/sandbox.h"   /* the spec and the backend interface */

#endif
