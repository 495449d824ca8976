/* sandbox/limits_text.c -- a limit's value as text ("10m", "4G"), as the
 * policy language writes it: common to every backend (see sandbox.h). */
#include "sandbox/sandbox.h"

#include <stdio.h>
#include <string.h>

void cpol_limits_format(const char *name, uint64_t v, char *buf, size_t len)
{
	static const struct { char u; uint64_t m; } t[] = { { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 } },
		s[] = { { 'T', 1ull << 40 }, { 'G', 1ull << 30 }, { 'M', 1ull << 20 }, { 'K', 1ull << 10 } };
	int is_time = !strcmp(name, "time") || !strcmp(name, "cpu");
	int is_size = !strcmp(name, "memory") || !strcmp(name, "file-size");
	for (size_t i = 0; i < 4; i++) {
		if (is_time && v % t[i].m == 0) {
			snprintf(buf, len, "%llu%c", (unsigned long long)(v / t[i].m), t[i].u);
			return;
		}
		if (is_size && v % s[i].m == 0) {
			snprintf(buf, len, "%llu%c", (unsigned long long)(v / s[i].m), s[i].u);
			return;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)v);
}
