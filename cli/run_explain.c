/* cli/run_explain.c -- codexrun --explain: the decision and why, as text
 * for people or as one JSON object for programs (decision, rule, reason,
 * source, matched, and for scripts every sub-command with its own). The
 * text shows the whole command, and nothing from the command or the policy
 * reaches the terminal raw (audit/show.h); JSON escapes it all anyway. */
#include "cli/run.h"
#include "sandbox/spec.h"
#include "audit/jsonl.h"
#include "audit/show.h"
#include "vm/query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *run_source(const cpol_verdict *v, char *buf, size_t cap)
{
	if (!v->line)
		snprintf(buf, cap, "%s", "");
	else
		snprintf(buf, cap, "%s:%u:%u", v->file, v->line, v->col);
	return buf;
}

void run_confined_text(const struct cpol_sandbox_spec *s, char *buf, size_t cap)
{
	size_t n;
	if (s->trusted) {
		snprintf(buf, cap, "runs unconfined (the profile grants everything)");
		return;
	}
	n = (size_t)snprintf(buf, cap, "runs confined: writes only ");
	for (size_t i = 0; i < s->nwrite && n < cap; i++) {
		size_t k = 0;
		while (k < i && strcmp(s->write_roots[k], s->write_roots[i]) != 0)
			k++;
		if (k == i) /* $TMPDIR is often /tmp */
			n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? ", " : "", s->write_roots[i]);
	}
	if (!s->nwrite && n < cap)
		n += (size_t)snprintf(buf + n, cap - n, "nothing");
	if (n >= cap)
		return;
	switch (s->net) {
	case CPOL_NET_NONE:
		snprintf(buf + n, cap - n, "; network none");
		break;
	case CPOL_NET_CONNECT:
		n += (size_t)snprintf(buf + n, cap - n, "; network: TCP connect to port");
		for (size_t i = 0; i < s->nconnect && n < cap; i++)
			n += (size_t)snprintf(buf + n, cap - n, "%s%u", i ? ", " : " ", (unsigned)s->connect_ports[i]);
		break;
	case CPOL_NET_OUTBOUND:
		snprintf(buf + n, cap - n, "; network outbound (TCP connect to any host and port)");
		break;
	default:
		snprintf(buf + n, cap - n, "; network any");
		break;
	}
}

void run_explain_sandbox(const cpol_image *im, const cpol_env *env, cpol_decision d, int json, const char *tail,
                         char *buf, size_t cap)
{
	char t[8192];
	struct cpol_spec rs;
	memset(&rs, 0, sizeof rs);
	cpol_error err;
	t[0] = 0;
	if (d != CPOL_FORBID && cpol_spec_read(im, env, 0, &rs, &err) == 0) {
		run_confined_text(&rs.spec, t, sizeof t);
		cpol_spec_free(&rs);
	}
	if (!t[0]) {
		snprintf(buf, cap, "%s", tail);
		return;
	}
	if (json) {
		struct cpol_jbuf b;
		cpol_jbuf_init(&b, buf, cap);
		cpol_jbuf_raw(&b, ",\"sandbox\":", 11);
		cpol_jbuf_str(&b, t, strlen(t), sizeof t);
		cpol_jbuf_raw(&b, tail, strlen(tail));
		if (b.full || b.len >= cap)
			snprintf(buf, cap, "%s", tail);
		else
			buf[b.len] = 0;
		return;
	}
	snprintf(buf, cap, "sandbox:  %s\n%s", t, tail);
}

/* A string member, cut past 4096 bytes (visibly, see audit/jsonl.h). */
static void jfield(struct cpol_jbuf *b, const char *key, const char *val)
{
	cpol_jbuf_field(b, 1, key, val, 4096);
}

void run_json_verdict(struct cpol_jbuf *b, const cpol_verdict *v)
{
	char src[4200];
	cpol_jbuf_field(b, 0, "decision", cpol_decision_name(v->decision), 16);
	jfield(b, "rule", v->rule);
	jfield(b, "reason", v->reason);
	jfield(b, "source", run_source(v, src, sizeof src));
	jfield(b, "matched", v->matched);
}

static void text_line(const char *label, const char *s)
{
	fputs(label, stdout);
	cpol_show_text(stdout, s, strlen(s));
	putchar('\n');
}

int run_json_begin(struct cpol_jbuf *b)
{
	size_t cap = 1u << 20;
	char *buf = malloc(cap);
	if (!buf)
		return -1;
	cpol_jbuf_init(b, buf, cap);
	return 0;
}

int run_json_end(struct cpol_jbuf *b)
{
	int rc = b->full ? -1 : 0;
	if (!b->full)
		fwrite(b->p, 1, b->len, stdout);
	free(b->p);
	return rc;
}

int run_explain(const cpol_image *im, const cpol_result *res, int json, char *const *argv, int argc)
{
	return run_explain_ex(im, res, json, argv, argc, NULL);
}

int run_explain_ex(const cpol_image *im, const cpol_result *res, int json, char *const *argv, int argc,
                   const char *extra)
{
	char src[4200];
	if (json) {
		struct cpol_jbuf b;
		if (run_json_begin(&b) < 0)
			return -1;
		cpol_jbuf_raw(&b, "{", 1);
		run_json_verdict(&b, &res->verdict);
		if (res->verdict.decision == CPOL_PROMPT) {
			/* what an approval would add to the sandbox */
			cpol_jbuf_raw(&b, ",\"grants\":[", 11);
			char t[600];
			int k;
			for (unsigned i = 0; (k = cpol_rule_grant_text(im, res->verdict.index, i, t, sizeof t)) >= 0; i++) {
				if (i)
					cpol_jbuf_raw(&b, ",", 1);
				cpol_jbuf_str(&b, t, (size_t)k, sizeof t);
			}
			cpol_jbuf_raw(&b, "]", 1);
		}
		jfield(&b, "policy", cpol_image_name(im));
		jfield(&b, "image", cpol_image_hash(im));
		cpol_jbuf_raw(&b, ",\"argv\":[", 9);
		for (int i = 0; i < argc; i++) {
			if (i)
				cpol_jbuf_raw(&b, ",", 1);
			cpol_jbuf_str(&b, argv[i], strlen(argv[i]), 4096);
		}
		cpol_jbuf_raw(&b, "]", 1);
		if (res->ncommands) {
			cpol_jbuf_raw(&b, ",\"commands\":[", 13);
			for (unsigned i = 0; i < res->ncommands; i++) {
				const cpol_subcommand *c = &res->commands[i];
				cpol_jbuf_raw(&b, i ? ",{\"command\":" : "{\"command\":", i ? 12 : 11);
				cpol_jbuf_str(&b, c->text, strlen(c->text), 4096);
				cpol_jbuf_raw(&b, ",\"depth\":", 9);
				cpol_jbuf_int(&b, c->depth);
				cpol_jbuf_raw(&b, ",", 1);
				run_json_verdict(&b, &c->verdict);
				cpol_jbuf_raw(&b, "}", 1);
			}
			cpol_jbuf_raw(&b, "]", 1);
			if (res->truncated) {
				cpol_jbuf_raw(&b, ",\"commands_not_listed\":", 23);
				cpol_jbuf_int(&b, res->truncated);
			}
		}
		if (extra)
			cpol_jbuf_raw(&b, extra, strlen(extra));
		cpol_jbuf_raw(&b, "}\n", 2);
		return run_json_end(&b);
	}
	const cpol_verdict *v = &res->verdict;
	printf("decision: %s\n", cpol_decision_name(v->decision));
	text_line("rule:     ", v->rule);
	if (v->reason[0])
		text_line("reason:   ", v->reason);
	if (v->line)
		text_line("source:   ", run_source(v, src, sizeof src));
	if (v->matched[0])
		text_line("matched:  ", v->matched);
	if (v->decision == CPOL_PROMPT) {
		char g[2048];
		cpol_rule_grants_text(im, v->index, g, sizeof g);
		fputs("grants:   ", stdout);
		if (g[0])
			cpol_show_text(stdout, g, strlen(g));
		else
			fputs("none (approved, it runs in the profile's sandbox as is)", stdout);
		putchar('\n');
	}
	fputs("policy:   ", stdout);
	cpol_show_text(stdout, cpol_image_name(im), strlen(cpol_image_name(im)));
	printf(" (%s)\n", cpol_image_hash(im));
	fputs("command: ", stdout);
	for (int i = 0; i < argc; i++) {
		putchar(' ');
		cpol_show_word(stdout, argv[i], strlen(argv[i]));
	}
	putchar('\n');
	if (res->ncommands) {
		printf("commands:\n");
		for (unsigned i = 0; i < res->ncommands; i++) {
			const cpol_subcommand *c = &res->commands[i];
			printf("  %*s%-6s ", (int)(c->depth - 1) * 2, "", cpol_decision_name(c->verdict.decision));
			text_line("", c->text);
			printf("  %*s       rule ", (int)(c->depth - 1) * 2, "");
			cpol_show_text(stdout, c->verdict.rule, strlen(c->verdict.rule));
			if (c->verdict.line) {
				fputs(" (", stdout);
				run_source(&c->verdict, src, sizeof src);
				cpol_show_text(stdout, src, strlen(src));
				putchar(')');
			}
			if (c->verdict.reason[0]) {
				fputs(": ", stdout);
				cpol_show_text(stdout, c->verdict.reason, strlen(c->verdict.reason));
			}
			putchar('\n');
		}
		if (res->truncated)
			printf("  ... and %u more\n", res->truncated);
	}
	if (extra)
		fputs(extra, stdout);
	return 0;
}
