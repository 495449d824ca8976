/* cli/approvals.h -- remembered approvals (cli/approvals.c): "always" at a
 * terminal prompt writes an allow rule for the exact program and
 * subcommand into the project layer, and codexrun --approvals lists and
 * removes them. */
#ifndef CPOL_CLI_APPROVALS_H
#define CPOL_CLI_APPROVALS_H

#include "cli/layers.h"

/* Ask about a prompt on the terminal: once, always (for this project) or
 * no. "always" shows the rule, asks to save it and saves it when the
 * command can be remembered (see run_approval_rule). 1 approved, 0 refused. */
int run_approvals_ask(const cpol_verdict *v, int from_profile, int ncommands, int argc, char *const *argv,
                      struct run_layers *ls, const cpol_env *env);

/* The rule remembered for argv into buf; 0, or -1 with why (a shell, an
 * interpreter, a wrapper, a script, text the policy cannot quote). */
int run_approval_rule(int argc, char *const *argv, int ncommands, char *buf, size_t cap, char *why, size_t wcap);

/* codexrun --approvals [--remove N]: list (numbered from 1) or remove. */
int run_approvals_cmd(const char *workspace, const cpol_env *env, unsigned remove);

#endif
