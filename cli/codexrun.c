/* cli/codexrun.c -- placeholder until the runtime lands. */
#include <stdio.h>
int main(void) { fputs("codexrun: not yet\n", stderr); return 125; }
