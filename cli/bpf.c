/* cli/bpf.c -- how codexpolc builds the seccomp filter it stores in an
 * image: the sandbox library's filter for the policy's network mode,
 * exported as classic BPF for this machine's architecture, so that
 * codexrun only has to load it. */
#include <stddef.h>
#include <stdint.h>

#include "sandbox/sandbox.h"
#include "compiler/compiler.h"
#include "vm/image.h"

int cpol_codexpolc_bpf(int net, unsigned flags, void **bpf, size_t *len, uint32_t *arch, void *arg);

int cpol_codexpolc_bpf(int net, unsigned flags, void **bpf, size_t *len, uint32_t *arch, void *arg)
{
	static const enum cpol_net_mode modes[] = {
		[CPOL_IN_NONE] = CPOL_NET_NONE, [CPOL_IN_CONNECT] = CPOL_NET_CONNECT,
		[CPOL_IN_OUTBOUND] = CPOL_NET_OUTBOUND, [CPOL_IN_ANY] = CPOL_NET_ANY,
	};
	cpol_error err;
	(void)arg;
	if (net < 0 || net > CPOL_IN_ANY || (flags & CPOL_BPF_TRUSTED))
		return -1;
	unsigned sflags = (flags & CPOL_BPF_READONLY ? CPOL_SECCOMP_READONLY : 0) |
	                  (flags & CPOL_BPF_INBOUND ? CPOL_SECCOMP_INBOUND : 0);
	return cpol_seccomp_export(modes[net], sflags, bpf, len, arch, &err);
}
