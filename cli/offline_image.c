/* cli/offline_image.c -- the default policy built into codexrun: the
 * stdlib's offline profile, compiled by codexpolc at build time and
 * embedded here byte for byte (verified at load like any image). */
#include <stddef.h>

#ifndef CPOL_OFFLINE_BIN
#error "CPOL_OFFLINE_BIN must name the compiled offline image"
#endif

__asm__(".section .rodata\n"
        ".balign 16\n"
        ".globl cpol_offline_image\n"
        "cpol_offline_image:\n"
        ".incbin \"" CPOL_OFFLINE_BIN "\"\n"
        ".globl cpol_offline_image_end\n"
        "cpol_offline_image_end:\n"
        ".previous\n");

extern const unsigned char cpol_offline_image[], cpol_offline_image_end[];

const unsigned char *cpol_offline_data(size_t *len);

const unsigned char *cpol_offline_data(size_t *len)
{
	*len = (size_t)(cpol_offline_image_end - cpol_offline_image);
	return cpol_offline_image;
}
