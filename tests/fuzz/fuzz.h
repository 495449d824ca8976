/* tests/fuzz/fuzz.h -- what the libFuzzer harnesses (tests/fuzz/fuzz_*.c)
 * share: the entry-point naming that lets the regression test replay every
 * harness in one program, the fixed images and probe commands, the result
 * invariants and the strict JSON checker.
 *
 * A harness is built two ways from the same source:
 *   - `make fuzz`: clang -fsanitize=fuzzer,address,undefined, the entry is
 *     LLVMFuzzerTestOneInput;
 *   - `make check` (tests/fuzz/test_regressions): the project's compiler,
 *     -DCPOL_FUZZ_REPLAY, the entry is cpol_fuzz_NAME, called on every
 *     reproducer in tests/fuzz/regressions/NAME/ and every seed.
 * A violated invariant prints what was wrong and aborts, which libFuzzer
 * reports as a crash and the regression test as a failure.
 */
#ifndef CPOL_TESTS_FUZZ_H
#define CPOL_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "codexpol.h"

#define FUZZ_CAT2(a, b) a##b
#define FUZZ_CAT(a, b) FUZZ_CAT2(a, b)

#ifdef CPOL_FUZZ_REPLAY
#define FUZZ_ENTRY FUZZ_CAT(cpol_fuzz_, FUZZ_NAME)
#else
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int cpol_fuzz_policy(const uint8_t *data, size_t size);
int cpol_fuzz_image(const uint8_t *data, size_t size);
int cpol_fuzz_argv(const uint8_t *data, size_t size);
int cpol_fuzz_shell(const uint8_t *data, size_t size);
int cpol_fuzz_audit(const uint8_t *data, size_t size);
int cpol_fuzz_proxy(const uint8_t *data, size_t size);

/* Print the message and abort: the finding. */
void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
#define FUZZ_CHECK(cond, ...) do { if (!(cond)) fuzz_fail(__VA_ARGS__); } while (0)

/* A FILE that discards what is written to it (opened once). */
FILE *fuzz_devnull(void);

/* ---- policies ---------------------------------------------------------- */

/* Compile a policy held in memory: files[0] is the main file, the others
 * are what it may include (looked up by path, never on disk); `incdir`
 * (may be NULL) is a -I folder. Diagnostics are printed to `diag` when it
 * is not NULL. Returns 0 and a malloc'd image, or -1. */
int fuzz_compile_mem(uint32_t nfiles, const char *const *paths, const char *const *texts,
                     const size_t *sizes, const char *incdir, FILE *diag, uint8_t **img, size_t *len);

/* The fixed images the argv harness evaluates: the sketch policy
 * (embedded in the binary, compiled at start-up) and every stdlib profile
 * found in $CPOL_FUZZ_STDLIB (default: the source tree's stdlib-policies/)
 * that compiles. Built once; never freed (they stay reachable). */
struct fuzz_image {
	const char *name;
	cpol_image *img;
	cpol_ctx *ctx;   /* in the test environment of examples */
};
const struct fuzz_image *fuzz_images(size_t *n);

/* ---- evaluation -------------------------------------------------------- */

/* The environments probes run in: the documented test environment of
 * examples, and the library's defaults (cwd "/", workspace "/"). */
extern const cpol_env fuzz_env_test;

/* Check everything a caller may rely on in a result (decision in range,
 * strings present, sub-commands bounded and never stricter than the whole).
 * `what` names the evaluation in the message. */
void fuzz_check_result(const cpol_image *im, cpol_decision d, const cpol_result *r, const char *what);

/* Evaluate the fixed probe commands (argvs and command lines) on an image,
 * in `nctx` contexts, checking every result. */
void fuzz_probe(const cpol_image *im, cpol_ctx *const *ctx, size_t nctx);

/* Evaluate argv and the same words as one single-quoted command line: when
 * the splitter sees exactly those words, both must decide the same by the
 * same rule. Checks both results. */
void fuzz_eval_both(const cpol_image *im, cpol_ctx *ctx, int argc, const char *const *argv,
                    const uint32_t *lens);

/* codexrun --explain on a result, text and JSON; the JSON must be one
 * valid object on one line. */
void fuzz_explain(const cpol_image *im, const cpol_result *res, int argc, const char *const *argv);

/* ---- JSON -------------------------------------------------------------- */

/* Strict RFC 8259 check of s[0..n): exactly one value (an object when
 * `object` is set) with optional white space around it; strings in valid
 * UTF-8 without raw control characters, escapes valid, surrogates paired;
 * numbers by the grammar; nesting at most 256 deep. NULL when valid, else
 * what is wrong (a static string) and its offset in *at. */
const char *fuzz_json_check(const char *s, size_t n, int object, size_t *at);

#endif
