/* cli/codexpolc.c -- placeholder until the front end lands. */
#include <stdio.h>
int main(void) { fputs("codexpolc: not yet\n", stderr); return 2; }
