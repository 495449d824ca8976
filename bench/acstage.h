/* bench/acstage.h -- the substring stage on its own, for the comparison with
 * Hyperscan: the VM's automaton pass (the image's automaton walked as
 * vm/eval.c walks it, recording what it records; the VM's own pass is
 * static there) and the same patterns through Hyperscan when it is
 * installed. Both answer one
 * question per command line: which pattern groups occur in it.
 */
#ifndef CPOL_BENCH_ACSTAGE_H
#define CPOL_BENCH_ACSTAGE_H

#include <stddef.h>
#include <stdint.h>

#include "codexpol.h"

struct acstage;

struct acstage *acstage_new(const cpol_image *img);
void acstage_free(struct acstage *a);
/* One pass over argv (joined by single spaces, as the VM sees it). Returns
 * the number of groups that occur. */
uint32_t acstage_scan(struct acstage *a, uint32_t argc, const char *const *argv);
/* After a scan: does group g occur? */
int acstage_has(const struct acstage *a, uint32_t g);
uint32_t acstage_ngroups(const struct acstage *a);
uint32_t acstage_npatterns(const struct acstage *a);

struct hsstage;

/* NULL (with a message in err) when Hyperscan is not built in or fails. */
struct hsstage *hsstage_new(const cpol_image *img, cpol_error *err);
void hsstage_free(struct hsstage *h);
/* One scan of the joined line. Returns the number of groups that occur. */
uint32_t hsstage_scan(struct hsstage *h, const char *line, size_t len);
int hsstage_has(const struct hsstage *h, uint32_t g);
/* Bytes of Hyperscan's compiled database (0 when none). */
size_t hsstage_dbsize(const struct hsstage *h);
double hsstage_compile_ms(const struct hsstage *h);

#endif
