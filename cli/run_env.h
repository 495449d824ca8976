/* cli/run_env.h -- who runs codexrun, its hook mode and codexpol-mcp: the
 * home folder and user name that a policy's $HOME and the audit's
 * redaction of the user name use. */
#ifndef CPOL_CLI_RUN_ENV_H
#define CPOL_CLI_RUN_ENV_H

#include <stddef.h>

/* HOME (when absolute) and USER (when not empty) from the environment; the
 * account database is asked only for what is missing, as it costs more
 * than the rest of the set-up together (NSS: nscd, nsswitch.conf,
 * /etc/passwd or LDAP). Falls back to "/" and "". */
void run_account(char *home, size_t home_cap, char *user, size_t user_cap);

#endif
