/* compiler/limits.c -- the `limits` block: which names exist, what units
 * each takes (durations s/m/h/d, sizes K/M/G/T, plain counts), the range
 * of each, and its conversion to the image's LIMITS section; also how the
 * dump prints them. Diagnostics only; it never prints or exits. */
#include "compiler/compiler.h"
#include "vm/image.h"

#include <stddef.h>
#include <string.h>

enum lkind { L_TIME, L_SIZE, L_COUNT };

static const struct lname {
	const char *name;
	uint8_t kind;
	size_t off;
} names[] = {
	{ "time", L_TIME, offsetof(struct cpol_img_limits, time_s) },
	{ "cpu", L_TIME, offsetof(struct cpol_img_limits, cpu_s) },
	{ "memory", L_SIZE, offsetof(struct cpol_img_limits, memory) },
	{ "processes", L_COUNT, offsetof(struct cpol_img_limits, processes) },
	{ "file-size", L_SIZE, offsetof(struct cpol_img_limits, file_size) },
	{ "open-files", L_COUNT, offsetof(struct cpol_img_limits, open_files) },
};

static const struct unit {
	const char *u;
	uint8_t kind;
	uint64_t mul;
} units[] = {
	{ "s", L_TIME, 1 }, { "m", L_TIME, 60 }, { "h", L_TIME, 3600 }, { "d", L_TIME, 86400 },
	{ "K", L_SIZE, 1ull << 10 }, { "M", L_SIZE, 1ull << 20 }, { "G", L_SIZE, 1ull << 30 },
	{ "T", L_SIZE, 1ull << 40 },
};

static const char *const kind_help[] = {
	"a duration: a number with s, m, h or d",
	"a size: a number of bytes or a number with K, M, G or T",
	"a count without a unit",
};

void cpol_limits_check(cpol_unit *u, const cpol_stmt *s, struct cpol_img_limits *out)
{
	memset(out, 0, sizeof *out);
	if (!s)
		return;
	const cpol_limit *seen[sizeof names / sizeof names[0]] = { 0 };
	for (const cpol_limit *l = s->u.limits.items; l; l = l->next) {
		size_t k = 0;
		while (k < sizeof names / sizeof names[0] && strcmp(names[k].name, l->name))
			k++;
		if (k == sizeof names / sizeof names[0]) {
			cpol_error_at(u, l->loc, "unknown limit '%s' (the limits are time, cpu, memory, processes, "
			              "file-size, open-files)", l->name);
			continue;
		}
		if (seen[k]) {
			cpol_error_at(u, l->loc, "limit '%s' is given twice", l->name);
			cpol_note_at(u, seen[k]->loc, "first given here");
			continue;
		}
		seen[k] = l;
		if (l->none)
			continue;
		uint64_t mul = 1;
		if (l->unit) {
			size_t j = 0;
			while (j < sizeof units / sizeof units[0] &&
			       !(strlen(units[j].u) == l->ulen && !memcmp(units[j].u, l->unit, l->ulen) &&
			         units[j].kind == names[k].kind))
				j++;
			if (j == sizeof units / sizeof units[0]) {
				cpol_error_at(u, l->vloc, "limit '%s' takes %s, not '%.*s'", l->name, kind_help[names[k].kind],
				              (int)l->ulen, l->unit);
				continue;
			}
			mul = units[j].mul;
		} else if (names[k].kind == L_TIME) {
			cpol_error_at(u, l->vloc, "limit '%s' takes %s (or none)", l->name, kind_help[L_TIME]);
			continue;
		}
		if (l->value == 0) {
			cpol_error_at(u, l->vloc, "limit '%s' of 0 would stop everything; write `%s none;` for no limit",
			              l->name, l->name);
			continue;
		}
		uint64_t v = (uint64_t)l->value * mul;
		if (names[k].kind == L_SIZE && v < 4096) {
			cpol_error_at(u, l->vloc, "limit '%s' below 4K is not a usable size", l->name);
			continue;
		}
		memcpy((char *)out + names[k].off, &v, sizeof v);
	}
}

/* The largest unit that divides v exactly. */
static void print_value(FILE *f, uint8_t kind, uint64_t v)
{
	const char *best = "";
	uint64_t mul = 1;
	for (size_t j = 0; j < sizeof units / sizeof units[0]; j++)
		if (units[j].kind == kind && v % units[j].mul == 0 && units[j].mul >= mul) {
			best = units[j].u;
			mul = units[j].mul;
		}
	fprintf(f, "%llu%s", (unsigned long long)(v / mul), best);
}

void cpol_limits_print(FILE *f, const struct cpol_img_limits *lim, const char *indent, const char *sep)
{
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		uint64_t v;
		memcpy(&v, (const char *)lim + names[k].off, sizeof v);
		if (!v)
			continue;
		fprintf(f, "%s%s ", indent, names[k].name);
		print_value(f, names[k].kind, v);
		fputs(sep, f);
	}
}
