/* compiler/import_codex.h -- codexpolc --import-codex: Codex execpolicy
 * .rules files (Starlark: prefix_rule, network_rule, host_executable) to a
 * .cpol policy. */
#ifndef CPOL_COMPILER_IMPORT_CODEX_H
#define CPOL_COMPILER_IMPORT_CODEX_H

/* codexpolc --import-codex FILE.rules... [-o OUT.cpol]: writes the policy
 * (stdout by default). Exit status 0 when everything was imported, 1 when
 * something could not be expressed (each reported on stderr as
 * FILE:LINE: and kept in the output as a comment), 2 on errors. */
int cpol_import_codex_main(int argc, char **argv);

#endif
