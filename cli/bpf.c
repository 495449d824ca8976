/* cli/bpf.c -- how codexpolc builds the seccomp filter it stores in an
 * image: the sandbox library's own filter for the policy's network mode,
 * exported as classic BPF for the architecture codexpolc runs on. codexrun
 * loads it as it is when its architecture matches (and builds one with
 * libseccomp otherwise), which saves building the filter on every run. A
 * trusted policy has no filter. */
#include <stddef.h>
#include <stdint.h>

#include "sandbox/sandbox.h"

int cpol_codexpolc_bpf(int net, int trusted, void **bpf, size_t *len, uint32_t *arch, void *arg);

int cpol_codexpolc_bpf(int net, int trusted, void **bpf, size_t *len, uint32_t *arch, void *arg)
{
	cpol_error err;
	(void)arg;
	if (net < CPOL_NET_NONE || net > CPOL_NET_ANY)
		return -1;
	if (cpol_seccomp_export((enum cpol_net_mode)net, trusted, bpf, len, arch, &err) < 0)
		return -1;
	return *len ? 0 : -1;
}
