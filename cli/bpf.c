/* cli/bpf.c -- how codexpolc builds the seccomp filter it stores in an
 * image: until the sandbox library lands, none is stored and codexrun
 * builds it at run time. */
#include <stddef.h>
#include <stdint.h>

int cpol_codexpolc_bpf(int net, int trusted, void **bpf, size_t *len, uint32_t *arch, void *arg);

int cpol_codexpolc_bpf(int net, int trusted, void **bpf, size_t *len, uint32_t *arch, void *arg)
{
	(void)net; (void)trusted; (void)bpf; (void)len; (void)arch; (void)arg;
	return -1;
}
