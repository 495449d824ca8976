/* integrations/explain_codex.c -- codexrun --explain --format=codex: the
 * decision in the JSON shape of Codex's `codex execpolicy check`:
 *   {"matchedRules":[{"prefixRuleMatch":{"matchedPrefix":[...],
 *     "decision":"allow|prompt|forbidden","justification":"..."}}],
 *    "decision":"..."}
 * or {"matchedRules":[]} when no rule matched (the policy's default).
 * codexpol reports the one rule that decided, not every rule that matched.
 * The matched prefix is the rule's word count for rules imported with
 * codexpolc --import-codex ("..., N words)" in the name), else the program.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/jsonl.h"
#include "cli/run.h"
#include "integrations/hook.h"

int cpol_explain_codex(const cpol_result *res, char *const *argv, int argc);

int cpol_explain_codex(const cpol_result *res, char *const *argv, int argc)
{
	const cpol_verdict *v = &res->verdict;
	struct cpol_jbuf b;
	if (run_json_begin(&b) < 0)
		return -1;
	if (v->index < 0 && !strcmp(v->rule, "default")) {
		cpol_jbuf_cstr(&b, "{\"matchedRules\":[]}\n");
	} else {
		static const char *const word[] = { "allow", "prompt", "forbidden" };
		int n = 1;
		const char *w = strstr(v->rule, " words)");
		if (w) {
			const char *p = w;
			while (p > v->rule && p[-1] >= '0' && p[-1] <= '9')
				p--;
			if (p < w)
				n = atoi(p);
		}
		if (n > argc)
			n = argc;
		cpol_jbuf_cstr(&b, "{\"matchedRules\":[{\"prefixRuleMatch\":{\"matchedPrefix\":[");
		for (int i = 0; i < n; i++) {
			if (i)
				cpol_jbuf_raw(&b, ",", 1);
			cpol_jbuf_str(&b, argv[i], strlen(argv[i]), SIZE_MAX);
		}
		cpol_jbuf_cstr(&b, "]");
		cpol_jbuf_field(&b, 1, "decision", word[v->decision], SIZE_MAX);
		if (v->reason[0])
			cpol_jbuf_field(&b, 1, "justification", v->reason, SIZE_MAX);
		cpol_jbuf_cstr(&b, "}}]");
		cpol_jbuf_field(&b, 1, "decision", word[v->decision], SIZE_MAX);
		cpol_jbuf_cstr(&b, "}\n");
	}
	return run_json_end(&b);
}
