/* tests/fuzz/fuzz_image.c -- image bytes through the loader and verifier;
 * whatever they accept must then be safe to use: name, hash, --dump, the
 * sandbox spec codexrun builds from it, and the evaluation of the probe
 * commands in two environments. "The verifier refuses or the evaluation
 * completes."
 *
 * Each input is tried twice: as it is (the header and checksum checks),
 * and with the header's size and XXH3-64 checksum made right for the bytes,
 * so that mutations reach the verifier instead of dying at the checksum.
 * Seeds are real images from codexpolc.
 */
#define FUZZ_NAME image
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "cli/run.h"
#include "compiler/compiler.h"
#include "vm/vm.h"

static void use(const uint8_t *bytes, size_t size)
{
	cpol_error err;
	cpol_image *im = cpol_image_load(bytes, size, 0, &err);
	if (!im) {
		FUZZ_CHECK(memchr(err.msg, '\0', sizeof err.msg) != NULL, "error message not terminated");
		return;
	}
	FUZZ_CHECK(strlen(cpol_image_hash(im)) == 16, "image hash is not 16 hex digits");
	(void)strlen(cpol_image_name(im));
	FUZZ_CHECK(cpol_image_default(im) <= CPOL_FORBID, "default out of range");
	cpol_dump(im, fuzz_devnull());

	/* codexrun's sandbox spec, in the test environment */
	struct cpol_spec rs;
	if (cpol_spec_read(im, &fuzz_env_test, 0, &rs, &err) == 0) {
		FUZZ_CHECK(rs.spec.nread <= im->sb->nroots && rs.spec.nwrite <= im->sb->nroots,
		           "sandbox spec has more roots than the image");
		for (size_t i = 0; i < rs.spec.nwrite; i++)
			(void)strlen(rs.spec.write_roots[i]);
		cpol_spec_writable(&rs, "/home/user/project/x");
		cpol_spec_free(&rs);
	}

	cpol_ctx *ctx[2];
	size_t n = 0;
	ctx[n] = cpol_ctx_new(im, &fuzz_env_test, &err);
	n += ctx[n] != NULL;
	ctx[n] = cpol_ctx_new(im, NULL, &err);
	n += ctx[n] != NULL;
	fuzz_probe(im, ctx, n);
	for (size_t i = 0; i < n; i++)
		cpol_ctx_free(ctx[i]);
	cpol_image_close(im);
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	use(data, size);

	struct cpol_img_header h;
	if (size < sizeof h)
		return 0;
	uint8_t *copy = malloc(size);
	FUZZ_CHECK(copy != NULL, "out of memory");
	memcpy(copy, data, size);
	memcpy(&h, copy, sizeof h);
	uint64_t sum = XXH3_64bits(copy + sizeof h, size - sizeof h);
	if (h.size != size || h.checksum != sum) {
		h.size = size;
		h.checksum = sum;
		memcpy(copy, &h, sizeof h);
		use(copy, size);
	}
	free(copy);
	return 0;
}
