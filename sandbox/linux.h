/* sandbox/linux.h -- what the Linux backend offers beyond the backend
 * interface of sandbox/sandbox.h: the seccomp filter exported as classic
 * BPF, which codexpolc (cli/bpf.c, built only with this backend) stores in
 * an image as the spec's prebuilt part. Nothing platform-neutral includes
 * this header. */
#ifndef CPOL_SANDBOX_LINUX_H
#define CPOL_SANDBOX_LINUX_H

#include <stddef.h>
#include <stdint.h>

#include "sandbox/sandbox.h"

/* Flags of cpol_seccomp_export. */
enum {
	CPOL_SECCOMP_TRUSTED = 1u << 0,  /* no filter at all */
	/* Also refuse every change of file metadata (chmod, chown, utimes,
	 * xattrs): for sandboxes whose write roots hold no folder, where nothing
	 * needs them, so that root is held without a mount namespace (Landlock
	 * does not cover these calls; see protect.c's read-only view). */
	CPOL_SECCOMP_READONLY = 1u << 1,
	/* The policy grants bind ports: bind() and listen() stay allowed in the
	 * connect and outbound modes (Landlock limits TCP bind to those ports;
	 * UDP bind and listen() on an unbound socket are then not limited).
	 * Without it those modes refuse both calls for every socket family. */
	CPOL_SECCOMP_INBOUND = 1u << 2,
};

/* Build the seccomp filter for a network mode as classic BPF for the running
 * architecture (used by codexpolc to store it in the image). *out is
 * malloc'd; *arch receives the AUDIT_ARCH_* value. CPOL_SECCOMP_TRUSTED has
 * no filter: returns 0 with *out NULL and *len 0. */
int cpol_seccomp_export(enum cpol_net_mode net, unsigned flags, void **out, size_t *len,
                        uint32_t *arch, cpol_error *err);

#endif
