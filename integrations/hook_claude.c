/* integrations/hook_claude.c -- the Claude Code PreToolUse answer: a
 * hookSpecificOutput with permissionDecision allow, ask or deny and the
 * reason; on allow and ask, updatedInput runs the command under codexrun
 * (inside the sandbox) unless --no-wrap. updatedInput replaces the whole
 * tool_input, so the other members (description, timeout, ...) are copied
 * through as they came.
 */
#include <string.h>

#include "integrations/hook.h"

static void claude_answer(struct cpol_jbuf *b, const struct cpol_hook_call *c)
{
	static const char *const word[] = { "allow", "ask", "deny" };
	cpol_jbuf_cstr(b, "{\"hookSpecificOutput\":{");
	cpol_jbuf_field(b, 0, "hookEventName", "PreToolUse", SIZE_MAX);
	cpol_jbuf_field(b, 1, "permissionDecision", word[c->decision], SIZE_MAX);
	cpol_jbuf_field(b, 1, "permissionDecisionReason", c->reason, SIZE_MAX);
	if (c->wrapped) {
		cpol_jbuf_cstr(b, ",\"updatedInput\":{");
		cpol_jbuf_field(b, 0, "command", c->wrapped, SIZE_MAX);
		for (const struct cpol_jnode *m = cpol_json_first(c->doc, c->tool_input); m;
		     m = cpol_json_next(c->doc, m)) {
			if (m->key.n == 7 && !memcmp(m->key.s, "command", 7))
				continue;
			cpol_jbuf_raw(b, ",", 1);
			cpol_jbuf_str(b, m->key.s, m->key.n, SIZE_MAX);
			cpol_jbuf_raw(b, ":", 1);
			/* the value's own JSON text, as the agent wrote it */
			cpol_jbuf_raw(b, c->doc_text + m->raw_off, m->raw_len);
		}
		cpol_jbuf_raw(b, "}", 1);
	}
	cpol_jbuf_cstr(b, "}}");
}

const struct cpol_hook_agent cpol_hook_claude = {
	.name = "claude",
	.events = { "PreToolUse" },
	.shell_tool = "Bash",
	.wrong_event = "codexrun --hook=claude answers the PreToolUse event only",
	.wrong_tool = "codexrun --hook=claude judges the Bash tool only (set the hook's matcher to \"Bash\")",
	.id_event = "PreToolUse",
	.can_wrap = 1,
	.answer = claude_answer,
};
