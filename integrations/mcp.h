/* integrations/mcp.h -- codexpol-mcp: an MCP server (stdio, JSON-RPC 2.0)
 * with two tools, `check` (the decision for a command, and what the
 * sandbox would grant it) and `run` (run it through codexrun, under the
 * policy and inside the sandbox). codexpol-mcp is codexrun under another
 * name (a hard link): codexrun's main hands over to cpol_mcp_main when
 * called so, or with --mcp as its first option.
 */
#ifndef CPOL_INTEGRATIONS_MCP_H
#define CPOL_INTEGRATIONS_MCP_H

#include "integrations/hook.h"

/* The protocol version answered when the client asks for one we do not
 * know; the versions we accept are listed in mcp.c. */
#define CPOL_MCP_PROTOCOL "2025-11-25"
/* Longest request line. */
#define CPOL_MCP_LINE_MAX (1u << 20)

int cpol_mcp_main(int argc, char **argv, cpol_hook_profile_fn open_profile);

#endif
