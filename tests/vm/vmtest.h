/* tests/vm/vmtest.h -- what the evaluator's unit tests share: compile a
 * policy held in a string, load it with a fixed environment (workspace
 * /work/p, HOME /home/u), and expect a decision for a command line (or
 * for words some of which a shell decides). */
#ifndef CPOL_TESTS_VMTEST_H
#define CPOL_TESTS_VMTEST_H

#include "codexpol.h"

extern cpol_image *vt_im;
extern cpol_ctx *vt_ctx;

/* Compile and load `policy` (a failed compile fails the test). */
void vt_setup(const char *name, const char *policy);
void vt_teardown(void);
/* cpol_eval_line on the loaded policy must decide `want`. */
void vt_expect(const char *line, cpol_decision want);
/* Judge argv (NULL-terminated, at most 16 words) with per-word CPOL_WORD_*
 * flags, as a script's words come; *rule and *word (when not NULL) say
 * which rule ("(rule)" or the built-in's name) and word decided. */
cpol_decision vt_judge_words(const char *const *argv, const uint8_t *wf, const char **rule, const char **word);

#endif
