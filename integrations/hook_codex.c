/* integrations/hook_codex.c -- the Codex answers. PreToolUse can only
 * deny: a deny with the reason, or {} to leave the call to Codex; it
 * cannot ask, so a command the policy would prompt for is denied with a
 * reason that says so. PermissionRequest (Codex's approval step) answers
 * allow or deny, and leaves a prompt to the person ({}). Never a field
 * Codex does not know: an unknown field makes Codex count the hook as
 * failed and run the tool.
 */
#include <string.h>

#include "integrations/hook.h"

static void codex_answer(struct cpol_jbuf *b, const struct cpol_hook_call *c)
{
	if (!strcmp(c->event, "PermissionRequest")) {
		if (c->decision == CPOL_PROMPT) {
			cpol_jbuf_cstr(b, "{}");
			return;
		}
		cpol_jbuf_cstr(b, "{\"hookSpecificOutput\":{");
		cpol_jbuf_field(b, 0, "hookEventName", "PermissionRequest", SIZE_MAX);
		cpol_jbuf_cstr(b, ",\"decision\":{");
		if (c->decision == CPOL_ALLOW) {
			cpol_jbuf_field(b, 0, "behavior", "allow", SIZE_MAX);
		} else {
			cpol_jbuf_field(b, 0, "behavior", "deny", SIZE_MAX);
			cpol_jbuf_field(b, 1, "message", c->reason, SIZE_MAX);
		}
		cpol_jbuf_cstr(b, "}}}");
		return;
	}
	if (c->decision == CPOL_ALLOW) {
		cpol_jbuf_cstr(b, "{}");
		return;
	}
	cpol_jbuf_cstr(b, "{\"hookSpecificOutput\":{");
	cpol_jbuf_field(b, 0, "hookEventName", "PreToolUse", SIZE_MAX);
	cpol_jbuf_field(b, 1, "permissionDecision", "deny", SIZE_MAX);
	cpol_jbuf_field(b, 1, "permissionDecisionReason", c->reason, SIZE_MAX);
	cpol_jbuf_cstr(b, "}}");
}

const struct cpol_hook_agent cpol_hook_codex = {
	.name = "codex",
	.events = { "PreToolUse", "PermissionRequest" },
	.shell_tool = "Bash",
	.wrong_event = "codexrun --hook=codex answers the PreToolUse and PermissionRequest events only",
	.wrong_tool = "codexrun --hook=codex judges the Bash tool only (set the hook's matcher to \"Bash\")",
	.id_event = "PreToolUse", /* PermissionRequest carries no tool_use_id */
	.can_wrap = 0,
	.answer = codex_answer,
	.prompt_note = "; it needs a person's approval, which Codex's PreToolUse hook cannot ask for, so it is denied",
};
