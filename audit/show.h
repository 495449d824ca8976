/* audit/show.h -- text from commands shown to people on a terminal (the
 * approval prompt, codexrun --explain, --audit-tail): nothing reaches the
 * terminal raw that it would act on. Control characters (\r, ESC, DEL),
 * C1 controls, bidi and line-separator characters and invalid UTF-8 are
 * shown escaped, so what is shown is the command that runs. */
#ifndef CPOL_AUDIT_SHOW_H
#define CPOL_AUDIT_SHOW_H

#include <stddef.h>
#include <stdio.h>

/* One word, quoted as a shell would need it: as it is when it is plain,
 * '...' when it holds spaces or specials, $'...' with \xNN and \uNNNN
 * escapes when it holds characters a terminal acts on. */
void cpol_show_word(FILE *o, const char *s, size_t n);

/* Free text (a rule name, a reason, a sub-command): as it is when it is
 * safe; else with \r \n \t \xNN \uNNNN escapes and every \ doubled, so that
 * an escape shown always stands for a character that was there. */
void cpol_show_text(FILE *o, const char *s, size_t n);

/* Does s[0..n) hold anything cpol_show_text would escape? */
int cpol_show_unsafe(const char *s, size_t n);

#endif
