/* grammar/keywords.h -- the reserved words of .cpol, declared once. The
 * lexer looks every name up here (lexer.re), the syntax errors name them
 * (cpol_token_name), and tests/grammar/test_keywords checks that the
 * grammar's tokens and this table agree both ways.
 *
 * X(TOKEN, "word"): CPOL_TK_<TOKEN> is the grammar's token (grammar.y's
 * %token line fixes its number). The predicates' words are not here: they
 * are the KW rows of CPOL_PREDICATES in common/lang.h, and the lexer reads
 * both tables. Declarations only: no code, no state.
 */
#ifndef CPOL_GRAMMAR_KEYWORDS_H
#define CPOL_GRAMMAR_KEYWORDS_H

#define CPOL_KEYWORDS(X) \
	X(POLICY, "policy") X(INCLUDE, "include") X(SANDBOX, "sandbox") X(READ, "read") \
	X(WRITE, "write") X(NETWORK, "network") X(NONE, "none") X(ANY, "any") \
	X(OUTBOUND, "outbound") X(CONNECT, "connect") X(BIND, "bind") X(PROTECT, "protect") \
	X(ENV, "env") X(KEEP, "keep") X(DEFAULT, "default") X(ALLOW, "allow") \
	X(PROMPT, "prompt") X(FORBID, "forbid") X(SUBSTRING, "substring") X(PROGRAM, "program") \
	X(RULE, "rule") X(WHEN, "when") X(UNLESS, "unless") X(AND, "and") X(OR, "or") \
	X(NOT, "not") X(ARG, "arg") X(NO, "no") \
	X(ARGC, "argc") X(WRITES, "writes") X(OUTSIDE, "outside") X(INSIDE, "inside") \
	X(EVALUATE, "evaluate") X(SCRIPT, "script") X(TEST, "test") X(BECAUSE, "because") \
	X(SET, "set") X(INTENT, "intent") X(TARGET, "target") X(LAST, "last") \
	X(OPERANDS, "operands") X(FROM, "from") X(AFTER, "after") X(VALUE, "value") \
	X(TRUE, "true") X(CWD, "cwd") X(OPTIONS, "options") X(ONLY, "only") \
	X(WRAPPER, "wrapper") X(SKIP, "skip") X(ASSIGNMENTS, "assignments") X(INPUT, "input") \
	X(COMMAND, "command") X(UNTIL, "until") X(REPLACE, "replace") \
	X(GRANT, "grant") X(UNIX, "unix") \
	X(LIMITS, "limits") X(DENY, "deny") X(OF, "of")

#endif
