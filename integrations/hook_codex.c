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

static const char *codex_accept(const struct cpol_hook_call *c)
{
	if (strcmp(c->event, "PreToolUse") && strcmp(c->event, "PermissionRequest"))
		return "codexrun --hook=codex answers the PreToolUse and PermissionRequest events only";
	if (!c->tool)
		return "the hook input has no string tool_name";
	if (strcmp(c->tool, "Bash"))
		return "codexrun --hook=codex judges the Bash tool only (set the hook's matcher to \"Bash\")";
	return NULL;
}

static int codex_needs_id(const struct cpol_hook_call *c)
{
	/* PermissionRequest carries no tool_use_id */
	return !strcmp(c->event, "PreToolUse");
}

static int codex_can_wrap(const struct cpol_hook_call *c)
{
	(void)c;
	return 0;
}

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
	.accept = codex_accept,
	.needs_tool_use_id = codex_needs_id,
	.can_wrap = codex_can_wrap,
	.answer = codex_answer,
	.prompt_note = "; it needs a person's approval, which Codex's PreToolUse hook cannot ask for, so it is denied",
};
