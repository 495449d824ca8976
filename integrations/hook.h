/* integrations/hook.h -- codexrun --hook=AGENT: answer a coding agent's
 * pre-tool hook (Claude Code PreToolUse, Codex PreToolUse and
 * PermissionRequest, Gemini CLI BeforeTool) with the policy's decision.
 *
 * hook.c reads the agent's JSON from stdin, judges tool_input.command as a
 * shell command line, writes one audit record and asks the agent's adapter
 * (hook_claude.c, hook_codex.c, hook_gemini.c) for the answer in that
 * agent's own format. Whatever goes wrong (input that is not JSON, another
 * event or tool, a missing field, a command too long, an audit record that
 * cannot be written) ends in the agent's blocking failure: exit status 2
 * with the reason on stderr, which all three agents document as "block the
 * tool call and show this to the model". Nothing here ever lets a command
 * through by failing.
 */
#ifndef CPOL_INTEGRATIONS_HOOK_H
#define CPOL_INTEGRATIONS_HOOK_H

#include <stddef.h>

#include "audit/jsonl.h"
#include "audit/jsonread.h"
#include "codexpol.h"

/* Exit status of a blocking failure (the agents' documented "block"). */
#define CPOL_HOOK_EXIT_BLOCK 2
/* Largest hook input read from stdin, and largest command judged. */
#define CPOL_HOOK_INPUT_MAX (1u << 20)
#define CPOL_HOOK_COMMAND_MAX (256u << 10)

/* One hook call, as the adapters see it. */
struct cpol_hook_call {
	const struct cpol_json *doc;
	const char *doc_text; /* the input the nodes' raw_off point into */
	const struct cpol_jnode *tool_input;
	const char *event, *tool, *command, *session, *cwd, *tool_use_id;
	/* the decision and the text the model is shown (decision, rule,
	 * file:line:col, reason, and the sub-command that decided) */
	cpol_decision decision;
	const char *reason;
	/* for an adapter that rewrites the command to run under codexrun:
	 * the command line to run instead, or NULL when wrapping is off */
	const char *wrapped;
	/* codexrun's --approve for the wrapped command */
	int wrap_approved;
};

/* One agent's protocol. */
struct cpol_hook_agent {
	const char *name;
	/* The events this adapter answers (up to two; unused slots NULL) and
	 * the agent's shell tool it judges; a call for another event or tool
	 * is refused with wrong_event or wrong_tool as the reason. */
	const char *events[2];
	const char *shell_tool;
	const char *wrong_event, *wrong_tool;
	/* The event whose input must carry tool_use_id (NULL: none does). */
	const char *id_event;
	/* Can the answer rewrite the command (so it runs under codexrun)? */
	int can_wrap;
	/* Write the answer (one JSON object, no newline) into b. */
	void (*answer)(struct cpol_jbuf *b, const struct cpol_hook_call *c);
	/* Added to the reason of a prompt decision, or NULL. */
	const char *prompt_note;
};

extern const struct cpol_hook_agent cpol_hook_claude, cpol_hook_codex, cpol_hook_gemini;

/* Opens an installed profile by name (codexrun's own lookup). */
typedef cpol_image *(*cpol_hook_profile_fn)(const char *name, cpol_error *err);

/* codexrun --hook=AGENT [OPTION]...: the whole hook run; returns the exit
 * status (0 answered, 2 blocked by a failure, 125 bad options). */
int cpol_hook_main(int argc, char **argv, cpol_hook_profile_fn open_profile);


#endif
