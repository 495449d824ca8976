/* cli/run_env.c -- the home folder and user name of the caller (see
 * run_env.h). Reads the environment and the account database; never
 * changes either. */
#include "cli/run_env.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void run_account(char *home, size_t home_cap, char *user, size_t user_cap)
{
	const char *h = getenv("HOME"), *u = getenv("USER");
	int have_home = h && h[0] == '/', have_user = u && u[0];
	struct passwd *pw = have_home && have_user ? NULL : getpwuid(getuid());
	snprintf(home, home_cap, "%s", have_home ? h : pw && pw->pw_dir ? pw->pw_dir : "/");
	snprintf(user, user_cap, "%s", have_user ? u : pw && pw->pw_name ? pw->pw_name : "");
}
