/* cli/bpf.c -- how codexpolc builds the seccomp filter it stores in an
 * image: the sandbox library's filter for the policy's network mode,
 * exported as classic BPF for this machine's architecture, so that
 * codexrun only has to load it. */
#include <stddef.h>
#include <stdint.h>

#include "sandbox/linux.h"
#include "compiler/compiler.h"

int cpol_codexpolc_bpf(int net, unsigned flags, void **bpf, size_t *len, uint32_t *arch, void *arg);

int cpol_codexpolc_bpf(int net, unsigned flags, void **bpf, size_t *len, uint32_t *arch, void *arg)
{
	cpol_error err;
	(void)arg;
	if (net < 0 || net > CPOL_NET_ANY || (flags & CPOL_BPF_TRUSTED))
		return -1;
	unsigned sflags = (flags & CPOL_BPF_READONLY ? CPOL_SECCOMP_READONLY : 0) |
	                  (flags & CPOL_BPF_INBOUND ? CPOL_SECCOMP_INBOUND : 0);
	return cpol_seccomp_export((enum cpol_net_mode)net, sflags, bpf, len, arch, &err);
}
