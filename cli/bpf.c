/* cli/bpf.c -- how codexpolc has the sandbox backend make the part of an
 * image it can build ahead of time (for Linux, the seccomp filter for the
 * policy's network mode as classic BPF for this machine, so that codexrun
 * only has to load it): the compiler's flags to the backend's. */
#include <stddef.h>
#include <stdint.h>

#include "sandbox/sandbox.h"
#include "compiler/compiler.h"

int cpol_codexpolc_bpf(int net, unsigned flags, void **bpf, size_t *len, uint32_t *arch, void *arg);

int cpol_codexpolc_bpf(int net, unsigned flags, void **bpf, size_t *len, uint32_t *arch, void *arg)
{
	cpol_error err;
	(void)arg;
	if (net < 0 || net > CPOL_NET_ANY || (flags & CPOL_BPF_TRUSTED))
		return -1;
	unsigned pflags = (flags & CPOL_BPF_READONLY ? CPOL_PREBUILT_READONLY : 0) |
	                  (flags & CPOL_BPF_INBOUND ? CPOL_PREBUILT_INBOUND : 0);
	return cpol_sandbox_prebuild((enum cpol_net_mode)net, pflags, bpf, len, arch, &err);
}
