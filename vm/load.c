/* vm/load.c -- getting an image into memory: read a file (never mmap: a
 * file changed or truncated under a mapping would bypass the verifier or
 * raise SIGBUS), or take a buffer; check the header and the XXH3-64
 * checksum; hand it to the verifier. Also the image's accessors. */
#include "vm/vm.h"
#include "common/error.h"
#include "common/readfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

const char *cpol_decision_name(cpol_decision d)
{
	switch (d) {
	case CPOL_ALLOW: return "allow";
	case CPOL_PROMPT: return "prompt";
	case CPOL_FORBID: return "forbid";
	}
	return "?";
}

static int check_and_verify(struct cpol_image *im, cpol_error *err)
{
	struct cpol_img_header h;
	if (im->size < sizeof h)
		return cpol_fail(err, EINVAL, "not a policy image: %zu bytes is shorter than the header", im->size);
	memcpy(&h, im->base, sizeof h);
	if (memcmp(h.magic, CPOL_IMG_MAGIC, 8) != 0)
		return cpol_fail(err, EINVAL, "not a policy image (bad magic; compile .cpol files with codexpolc)");
	if (h.version != CPOL_IMG_VERSION)
		return cpol_fail(err, EINVAL, "policy image format version %u is not supported (this is version %u); recompile it",
		                 h.version, CPOL_IMG_VERSION);
	if (h.size != im->size)
		return cpol_fail(err, EINVAL, "policy image is truncated or padded: header says %llu bytes, have %zu",
		                 (unsigned long long)h.size, im->size);
	uint64_t sum = XXH3_64bits(im->base + sizeof h, im->size - sizeof h);
	if (sum != h.checksum)
		return cpol_fail(err, EINVAL, "policy image is corrupt: checksum %016llx, expected %016llx",
		                 (unsigned long long)sum, (unsigned long long)h.checksum);
	snprintf(im->hash, sizeof im->hash, "%016llx", (unsigned long long)sum);
	return cpol_verify(im, err);
}

cpol_image *cpol_image_load(const void *data, size_t len, int borrow, cpol_error *err)
{
	if (len > CPOL_IMG_MAX_SIZE) {
		cpol_fail(err, EFBIG, "policy image of %zu bytes is larger than the limit (%u)", len, CPOL_IMG_MAX_SIZE);
		return NULL;
	}
	struct cpol_image *im = calloc(1, sizeof *im);
	if (!im) {
		cpol_fail(err, ENOMEM, "out of memory");
		return NULL;
	}
	if (borrow && ((uintptr_t)data & 7) == 0) {
		im->base = data;
	} else {
		/* An aligned private copy: the verifier and the VM read structs in place. */
		im->owned = malloc(len ? len : 1);
		if (!im->owned) {
			free(im);
			cpol_fail(err, ENOMEM, "out of memory");
			return NULL;
		}
		memcpy(im->owned, data, len);
		im->base = im->owned;
	}
	im->size = len;
	if (check_and_verify(im, err) < 0) {
		cpol_image_close(im);
		return NULL;
	}
	return im;
}

cpol_image *cpol_image_open(const char *path, cpol_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		cpol_fail_errno(err, "cannot open policy image %s", path);
		return NULL;
	}
	cpol_image *im = cpol_image_read_fd(fd, path, err);
	close(fd);
	return im;
}

/* The descriptor stays the caller's: what it checked about the file (where
 * it lies, its links) is about the very bytes read here. */
unsigned cpol_image_format_version(void)
{
	return CPOL_IMG_VERSION;
}

cpol_image *cpol_image_read_fd(int fd, const char *path, cpol_error *err)
{
	struct stat st;
	if (fstat(fd, &st) < 0) {
		cpol_fail_errno(err, "cannot stat %s", path);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		cpol_fail(err, EINVAL, "%s is not a regular file", path);
		return NULL;
	}
	if ((uint64_t)st.st_size > CPOL_IMG_MAX_SIZE) {
		cpol_fail(err, EFBIG, "%s is larger than the image limit (%u bytes)", path, CPOL_IMG_MAX_SIZE);
		return NULL;
	}
	size_t n;
	uint8_t *buf = (uint8_t *)cpol_read_fd(fd, path, CPOL_IMG_MAX_SIZE, &n, err);
	if (!buf)
		return NULL;
	if (n > (size_t)st.st_size) {
		cpol_fail(err, EAGAIN, "%s changed while it was read", path);
		free(buf);
		return NULL;
	}
	struct cpol_image *im = calloc(1, sizeof *im);
	if (!im) {
		free(buf);
		cpol_fail(err, ENOMEM, "out of memory");
		return NULL;
	}
	im->owned = buf;
	im->base = buf;
	im->size = n;
	cpol_error e2;
	if (check_and_verify(im, &e2) < 0) {
		cpol_fail(err, e2.code, "%s: %s", path, e2.msg);
		cpol_image_close(im);
		return NULL;
	}
	return im;
}

void cpol_image_close(cpol_image *im)
{
	if (!im)
		return;
	free(im->owned);
	free(im);
}

const char *cpol_image_name(const cpol_image *im)
{
	return cpol_img_string(im, im->meta->name, NULL);
}

const char *cpol_image_hash(const cpol_image *im)
{
	return im->hash;
}

cpol_decision cpol_image_default(const cpol_image *im)
{
	return (cpol_decision)im->meta->def;
}
