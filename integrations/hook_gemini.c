/* integrations/hook_gemini.c -- the Gemini CLI BeforeTool answer for
 * run_shell_command: {"decision":"deny","reason":…}, {"decision":"ask",…}
 * or {} to let the call go on.
 */
#include <string.h>

#include "integrations/hook.h"

static void gemini_answer(struct cpol_jbuf *b, const struct cpol_hook_call *c)
{
	if (c->decision == CPOL_ALLOW) {
		cpol_jbuf_cstr(b, "{}");
		return;
	}
	cpol_jbuf_raw(b, "{", 1);
	cpol_jbuf_field(b, 0, "decision", c->decision == CPOL_FORBID ? "deny" : "ask", SIZE_MAX);
	cpol_jbuf_field(b, 1, "reason", c->reason, SIZE_MAX);
	cpol_jbuf_raw(b, "}", 1);
}

const struct cpol_hook_agent cpol_hook_gemini = {
	.name = "gemini",
	.events = { "BeforeTool" },
	.shell_tool = "run_shell_command",
	.wrong_event = "codexrun --hook=gemini answers the BeforeTool event only",
	.wrong_tool = "codexrun --hook=gemini judges run_shell_command only (set the hook's matcher to "
	              "\"run_shell_command\")",
	.id_event = NULL, /* Gemini's BeforeTool input has no tool_use_id */
	.can_wrap = 0,
	.answer = gemini_answer,
};
