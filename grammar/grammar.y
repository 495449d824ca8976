/* grammar/grammar.y -- the .cpol grammar for the lemon parser generator.
 *
 * LALR(1) with zero conflicts (lemon fails the build on any). The parser is
 * pushed tokens by parse.c and builds the AST through ast.c; all memory is
 * in the unit's arena, so error recovery never leaks. Error recovery: a bad
 * statement (or sandbox/rule/test item) is skipped up to its ';', so one run
 * reports every independent error.
 */

%include {
#define NDEBUG 1 /* no tracing code in the parser */
#include "grammar/parser.h"
#include <assert.h>
#include <stdlib.h>
#include <string.h>
/* yacc's yyerrok: the statement or item in error ended at its ';', so the
 * parser has recovered and the next error is reported at once. Without it
 * lemon stays silent until three more tokens are shifted, and an error in
 * a short statement right after another one (`default;` on the next line)
 * went unreported. Not while error recovery has skipped more '{' than '}'
 * or the other way round: the parse is out of step with the braces, the
 * next error is most likely the same mistake, and lemon's default
 * (silence for three tokens) is kept until the braces balance again. */
#define ERROK do { \
		if (!P->skipped_braces) \
			yypParser->yyerrcnt = -1; \
	} while (0)
}

%name cpolParse
%token_prefix CPOL_TK_
%token_type {cpol_token}
%default_type {int}
%extra_context {struct cpol_parser *P}
%stack_size 400
%start_symbol file

%syntax_error {
	int expected[YYNTOKEN];
	int n = 0;
	for (int tk = 1; tk < YYNTOKEN; tk++) {
		int a = yy_find_shift_action((YYCODETYPE)tk, yypParser->yytos->stateno);
		if (a != YY_ERROR_ACTION)
			expected[n++] = tk;
	}
	cpol_parse_syntax_error(P, &yyminor, expected, n);
}
%stack_overflow { cpol_parse_overflow(P); }
/* Everything is in the arena: nothing to free when the parser pops or fails. */
%default_destructor { (void)P; (void)yypminor; }
/* A token is destroyed when error recovery skips it (and when a rule that
 * does not label it is reduced: every '{' and '}' of the grammar has a
 * label, so only skipped braces are counted). */
%token_destructor {
	if ($$.type == CPOL_TK_LBRACE)
		P->skipped_braces++;
	else if ($$.type == CPOL_TK_RBRACE)
		P->skipped_braces--;
}
%parse_failure { (void)P; }
%parse_accept { (void)P; }

/* Fixed token numbering (grammar.h), so the lexer's names stay stable. */
%token POLICY INCLUDE SANDBOX READ WRITE NETWORK NONE ANY OUTBOUND CONNECT BIND
       PROTECT ENV KEEP DEFAULT ALLOW PROMPT FORBID SUBSTRING PROGRAM RULE WHEN
       UNLESS AND OR NOT ARG NO IN IS PREFIX SUFFIX CONTAINS FLAG OPTION ARGC
       WRITES OUTSIDE INSIDE EVALUATE SCRIPT TEST BECAUSE SET INTENT TARGET LAST
       OPERANDS FROM AFTER VALUE TRUE CWD STRING IDENT INT SEMI COMMA LBRACE
       RBRACE LPAREN RPAREN EQ DOT MINUS EQEQ NE LT LE GT GE
       OPTIONS ONLY WRAPPER SKIP ASSIGNMENTS INPUT COMMAND UNTIL
       GRANT UNIX
       LIMITS DENY SEDCMDS AWKUSES REPLACE OF.

%left OR.
%left AND.
%right NOT.

file ::= stmts.
stmts ::= .
stmts ::= stmts stmt.

/* ---- top-level statements ---- */

stmt ::= POLICY(K) STRING(S) SEMI. {
	cpol_stmt *s = cpol_ast_stmt(P, CPOL_S_POLICY, K.loc);
	if (s) { s->u.policy.name = S.text; s->u.policy.len = S.len; }
	cpol_ast_append(P, s);
}
stmt ::= INCLUDE(K) STRING(S) SEMI. {
	cpol_stmt *s = cpol_ast_stmt(P, CPOL_S_INCLUDE, K.loc);
	if (s) { s->u.include.path = S.text; s->u.include.len = S.len; }
	cpol_ast_append(P, s);
}
stmt ::= SANDBOX(K) LBRACE(O) sbitems(I) RBRACE(C). {
	(void)O; (void)C; /* labelled: see %token_destructor */
	cpol_stmt *s = cpol_ast_stmt(P, CPOL_S_SANDBOX, K.loc);
	if (s) s->u.sandbox.items = cpol_ast_reverse_sbitems(I);
	cpol_ast_append(P, s);
}
stmt ::= DEFAULT(K) decision(D) SEMI. {
	cpol_stmt *s = cpol_ast_stmt(P, CPOL_S_DEFAULT, K.loc);
	if (s) s->u.def.dec = (uint8_t)D.num;
	cpol_ast_append(P, s);
}
/* A command no rule judges runs confined by the sandbox when the policy has
 * seen all of it, and asks otherwise. */
stmt ::= DEFAULT(K) ALLOW INSIDE SANDBOX SEMI. {
	cpol_stmt *s = cpol_ast_stmt(P, CPOL_S_DEFAULT, K.loc);
	if (s) { s->u.def.dec = CPOL_DEC_ALLOW; s->u.def.confined = 1; }
	cpol_ast_append(P, s);
}
stmt ::= SET(K) IDENT(N) EQ list(L) SEMI. {
	cpol_stmt *s = cpol_ast_stmt(P, CPOL_S_SET, K.loc);
	/* A name token points into the source: copy it, NUL-terminated, so
	 * messages can print it with %s. */
	const char *name = cpol_arena_strndup(P->u->arena, N.text, N.len);
	if (s && name) { s->u.set.name = name; s->u.set.len = N.len; s->u.set.list = L; }
	cpol_ast_append(P, s);
}
/* Short forms: one-line rules on a program list or a substring list. */
stmt ::= decision(D) PROGRAM(K) list(L) because(B) SEMI. {
	cpol_ast_append(P, cpol_ast_short_rule(P, &D, CPOL_FORM_PROGRAM, &K, &L, &B));
}
stmt ::= decision(D) SUBSTRING(K) list(L) because(B) SEMI. {
	cpol_ast_append(P, cpol_ast_short_rule(P, &D, CPOL_FORM_SUBSTRING, &K, &L, &B));
}
stmt ::= rule(R) RBRACE(C). { (void)C; cpol_ast_append(P, R); }
stmt ::= INTENT(K) NETWORK PROGRAM list(L) opt_when(W) SEMI. {
	cpol_stmt *s = cpol_ast_stmt(P, CPOL_S_INTENT, K.loc);
	if (s) { s->u.intent.kind = CPOL_INTENT_NETWORK; s->u.intent.programs = L; s->u.intent.when = W; }
	cpol_ast_append(P, s);
}
stmt ::= INTENT(K) WRITE PROGRAM list(L) TARGET targets(T) opt_when(W) SEMI. {
	cpol_stmt *s = cpol_ast_stmt(P, CPOL_S_INTENT, K.loc);
	if (s) {
		s->u.intent.kind = CPOL_INTENT_WRITE; s->u.intent.programs = L;
		s->u.intent.targets = cpol_ast_reverse_targets(T); s->u.intent.when = W;
	}
	cpol_ast_append(P, s);
}
stmt ::= TEST(K) LBRACE(O) tcases(C) RBRACE(E). {
	(void)O; (void)E;
	cpol_stmt *s = cpol_ast_stmt(P, CPOL_S_TEST, K.loc);
	if (s) s->u.test.cases = cpol_ast_reverse_tests(C);
	cpol_ast_append(P, s);
}
stmt ::= wrapper(W) SEMI. { cpol_ast_append(P, W); }
stmt ::= error SEMI. { ERROK; }
/* `prelude none;`: a word of its own only here, so no keyword. */
stmt ::= IDENT(K) NONE SEMI. {
	if (K.len == 7 && !memcmp(K.text, "prelude", 7)) {
		cpol_ast_append(P, cpol_ast_stmt(P, CPOL_S_PRELUDE, K.loc));
	} else {
		cpol_error_at(P->u, K.loc, "unexpected '%.*s'", (int)(K.len > 40 ? 40 : K.len), K.text);
	}
}
stmt ::= LIMITS(K) LBRACE(O) limitems(I) RBRACE(C). {
	(void)O; (void)C;
	cpol_stmt *s = cpol_ast_stmt(P, CPOL_S_LIMITS, K.loc);
	if (s) s->u.limits.items = cpol_ast_reverse_limits(I);
	cpol_ast_append(P, s);
}

/* ---- wrappers: programs that run another command ---- */

%type wrapper {cpol_stmt *}
wrapper(R) ::= WRAPPER(K) PROGRAM list(L). {
	R = cpol_ast_stmt(P, CPOL_S_WRAPPER, K.loc);
	if (R) R->u.wrapper.programs = L;
}
wrapper(R) ::= wrapper(A) OPTIONS(K) setx(S). {
	R = A;
	if (R && R->u.wrapper.has_options) cpol_error_at(P->u, K.loc, "'options' is given twice");
	if (R) { R->u.wrapper.options = S; R->u.wrapper.has_options = 1; }
}
wrapper(R) ::= wrapper(A) SKIP(K) INT(N). {
	R = A;
	if (R && R->u.wrapper.skip) cpol_error_at(P->u, K.loc, "'skip' is given twice");
	if (R) R->u.wrapper.skip = N.num;
}
wrapper(R) ::= wrapper(A) REPLACE(K) setx(S). {
	R = A;
	if (R && R->u.wrapper.has_replace) cpol_error_at(P->u, K.loc, "'replace' is given twice");
	if (R) { R->u.wrapper.replace = S; R->u.wrapper.has_replace = 1; }
}
wrapper(R) ::= wrapper(A) ASSIGNMENTS. { R = A; if (R) R->u.wrapper.assignments = 1; }
wrapper(R) ::= wrapper(A) INPUT. { R = A; if (R) R->u.wrapper.input = 1; }
wrapper(R) ::= wrapper(A) SCRIPT. { R = A; if (R) R->u.wrapper.script = 1; }
wrapper(R) ::= wrapper(A) COMMAND(K) AFTER setx(S) UNTIL setx(E). {
	R = A;
	if (R && R->u.wrapper.has_command) cpol_error_at(P->u, K.loc, "'command after' is given twice");
	if (R) { R->u.wrapper.after = S; R->u.wrapper.until = E; R->u.wrapper.has_command = 1; }
}

/* A decision keyword: the token, with num = enum cpol_dec. */
%type decision {cpol_token}
decision(D) ::= ALLOW(K).  { D = K; D.num = CPOL_DEC_ALLOW; }
decision(D) ::= PROMPT(K). { D = K; D.num = CPOL_DEC_PROMPT; }
decision(D) ::= FORBID(K). { D = K; D.num = CPOL_DEC_FORBID; }

%type because {cpol_token}
because(B) ::= . { memset(&B, 0, sizeof B); }
because(B) ::= BECAUSE STRING(S). { B = S; }

/* ---- lists of strings and set names ---- */

%type list {cpol_list}
list(L) ::= item(I). { memset(&L, 0, sizeof L); if (I) L.loc = I->loc; cpol_ast_list_add(&L, I); }
list(L) ::= list(A) COMMA item(I). { L = A; cpol_ast_list_add(&L, I); }

%type item {cpol_item *}
item(I) ::= STRING(S). { I = cpol_ast_item(P, CPOL_ITEM_STRING, &S); }
item(I) ::= IDENT(N).  { I = cpol_ast_item(P, CPOL_ITEM_NAME, &N); }

%type setx {cpol_list}
setx(L) ::= list(A). { L = A; }
setx(L) ::= LPAREN(O) list(A) RPAREN. { L = A; L.paren = 1; L.loc = O.loc; }

/* ---- sandbox ---- */

%type sbitems {cpol_sbitem *}
%type sbitem {cpol_sbitem *}
sbitems(S) ::= . { S = NULL; }
sbitems(S) ::= sbitems(A) sbitem(I). { S = A; if (I) { I->next = S; S = I; } } /* reversed */
sbitem(I) ::= READ(K) list(L) SEMI.    { I = cpol_ast_sbitem(P, CPOL_SB_READ, K.loc); if (I) I->list = L; }
sbitem(I) ::= WRITE(K) list(L) SEMI.   { I = cpol_ast_sbitem(P, CPOL_SB_WRITE, K.loc); if (I) I->list = L; }
sbitem(I) ::= PROTECT(K) list(L) SEMI. { I = cpol_ast_sbitem(P, CPOL_SB_PROTECT, K.loc); if (I) I->list = L; }
sbitem(I) ::= DENY(K) READ list(L) SEMI. { I = cpol_ast_sbitem(P, CPOL_SB_DENY_READ, K.loc); if (I) I->list = L; }
sbitem(I) ::= ENV(K) KEEP list(L) SEMI. { I = cpol_ast_sbitem(P, CPOL_SB_ENV_KEEP, K.loc); if (I) I->list = L; }
sbitem(I) ::= NETWORK(K) NONE SEMI.     { I = cpol_ast_sbitem(P, CPOL_SB_NETWORK, K.loc); if (I) I->net = CPOL_NET_NONE; }
sbitem(I) ::= NETWORK(K) ANY SEMI.      { I = cpol_ast_sbitem(P, CPOL_SB_NETWORK, K.loc); if (I) I->net = CPOL_NET_ANY; }
sbitem(I) ::= NETWORK(K) OUTBOUND SEMI. { I = cpol_ast_sbitem(P, CPOL_SB_NETWORK, K.loc); if (I) I->net = CPOL_NET_OUTBOUND; }
sbitem(I) ::= NETWORK(K) CONNECT ports(R) SEMI. {
	I = cpol_ast_sbitem(P, CPOL_SB_NETWORK, K.loc);
	if (I) { I->net = CPOL_NET_CONNECT; I->ports = cpol_ast_reverse_ports(R); }
}
sbitem(I) ::= BIND(K) ports(R) SEMI. { I = cpol_ast_sbitem(P, CPOL_SB_BIND, K.loc); if (I) I->ports = cpol_ast_reverse_ports(R); }
sbitem(I) ::= UNIX(K) list(L) SEMI.    { I = cpol_ast_sbitem(P, CPOL_SB_UNIX, K.loc); if (I) I->list = L; }
sbitem(I) ::= NETWORK(K) ALLOW list(L) SEMI.      { I = cpol_ast_sbitem(P, CPOL_SB_NET_ALLOW, K.loc); if (I) I->list = L; }
sbitem(I) ::= NETWORK(K) ALLOW READ list(L) SEMI. { I = cpol_ast_sbitem(P, CPOL_SB_NET_ALLOW_READ, K.loc); if (I) I->list = L; }
sbitem(I) ::= NETWORK(K) DENY list(L) SEMI.       { I = cpol_ast_sbitem(P, CPOL_SB_NET_DENY, K.loc); if (I) I->list = L; }
sbitem(I) ::= error SEMI. { I = NULL; ERROK; }

%type ports {cpol_port *}
%type port {cpol_port *}
ports(R) ::= port(A). { R = A; }
ports(R) ::= ports(A) COMMA port(B). { R = A; if (B) { B->next = R; R = B; } } /* reversed */
port(R) ::= INT(A). { R = cpol_ast_port(P, &A, NULL); }
port(R) ::= INT(A) MINUS INT(B). { R = cpol_ast_port(P, &A, &B); }

/* ---- limits: `memory 4G;`, `file-size 2G;`, `time none;` ---- */

%type limitems {cpol_limit *}
%type limitem {cpol_limit *}
limitems(S) ::= . { S = NULL; }
limitems(S) ::= limitems(A) limitem(I). { S = A; if (I) { I->next = S; S = I; } } /* reversed */
limitem(I) ::= IDENT(N) limval(V) SEMI. { I = cpol_ast_limit(P, &N, NULL, &V); }
limitem(I) ::= IDENT(N) MINUS IDENT(M) limval(V) SEMI. { I = cpol_ast_limit(P, &N, &M, &V); }
limitem(I) ::= error SEMI. { I = NULL; ERROK; }

/* A limit's value: the number's token, its unit (a name right after it) as
 * text/len (NULL/0 without one); `none` keeps its own token type. */
%type limval {cpol_token}
limval(V) ::= INT(N). { V = N; V.text = NULL; V.len = 0; }
limval(V) ::= INT(N) IDENT(U). { V = N; V.text = U.text; V.len = U.len; }
limval(V) ::= NONE(K). { V = K; }

/* ---- rules ---- */

%type rule {cpol_stmt *}
rule(R) ::= RULE(K) STRING(N) LBRACE(O). {
	(void)O;
	R = cpol_ast_stmt(P, CPOL_S_RULE, K.loc);
	if (R) { R->u.rule.form = CPOL_FORM_BLOCK; R->u.rule.name = N.text; R->u.rule.len = N.len; R->u.rule.name_loc = N.loc; }
}
rule(R) ::= rule(A) WHEN(K) cond(C) SEMI. {
	R = A;
	cpol_ast_rule_item(P, R, 'w', K.loc);
	if (R && R->u.rule.nwhen == 1) R->u.rule.when = C;
}
rule(R) ::= rule(A) WHEN(K) cond(C) UNLESS cond(D) SEMI. {
	R = A;
	cpol_ast_rule_item(P, R, 'w', K.loc);
	if (R && R->u.rule.nwhen == 1) { R->u.rule.when = C; R->u.rule.unless = D; }
}
rule(R) ::= rule(A) decision(D) because(B) SEMI. {
	R = A;
	cpol_ast_rule_item(P, R, 'a', D.loc);
	if (R && R->u.rule.naction == 1) {
		R->u.rule.action = CPOL_ACT_DECIDE;
		R->u.rule.dec = (uint8_t)D.num;
		R->u.rule.because = B.text;
		R->u.rule.because_len = B.len;
	}
}
rule(R) ::= rule(A) EVALUATE(K) SCRIPT ARG INT(N) SEMI. {
	R = A;
	cpol_ast_rule_item(P, R, 'a', K.loc);
	if (R && R->u.rule.naction == 1) { R->u.rule.action = CPOL_ACT_SCRIPT; R->u.rule.script_arg = N.num; }
}
rule(R) ::= rule(A) GRANT(K) WRITE list(L) SEMI. { R = A; cpol_ast_rule_grant(P, R, CPOL_GRANT_WRITE, K.loc, &L, NULL); }
rule(R) ::= rule(A) GRANT(K) UNIX list(L) SEMI.  { R = A; cpol_ast_rule_grant(P, R, CPOL_GRANT_UNIX, K.loc, &L, NULL); }
rule(R) ::= rule(A) GRANT(K) NETWORK CONNECT ports(N) SEMI. {
	R = A;
	cpol_ast_rule_grant(P, R, CPOL_GRANT_CONNECT, K.loc, NULL, cpol_ast_reverse_ports(N));
}
rule(R) ::= rule(A) error SEMI. { R = A; ERROK; }

%type opt_when {cpol_cond *}
opt_when(W) ::= . { W = NULL; }
opt_when(W) ::= WHEN cond(C). { W = C; }

/* ---- conditions ---- */

%type cond {cpol_cond *}
cond(C) ::= cond(A) OR cond(B).  { C = cpol_ast_binop(P, CPOL_C_OR, A, B); }
cond(C) ::= cond(A) AND cond(B). { C = cpol_ast_binop(P, CPOL_C_AND, A, B); }
cond(C) ::= NOT(K) cond(A). {
	C = cpol_ast_cond(P, CPOL_C_NOT, K.loc);
	if (C) C->a = A;
}
cond(C) ::= LPAREN cond(A) RPAREN. { C = A; }
cond(C) ::= TRUE(K). { C = cpol_ast_cond(P, CPOL_C_TRUE, K.loc); }
cond(C) ::= PROGRAM(K) list(L). { C = cpol_ast_cond(P, CPOL_C_PROGRAM, K.loc); if (C) C->list = L; }
cond(C) ::= SUBSTRING(K) list(L). { C = cpol_ast_cond(P, CPOL_C_SUBSTRING, K.loc); if (C) C->list = L; }
cond(C) ::= ARG(K) INT(N) pred(R). {
	C = R; if (C) { C->kind = CPOL_C_ARG; C->num = N.num; C->loc = K.loc; }
}
cond(C) ::= ANY(K) ARG pred(R). { C = R; if (C) { C->kind = CPOL_C_ANYARG; C->loc = K.loc; } }
cond(C) ::= NO(K) ARG pred(R).  { C = R; if (C) { C->kind = CPOL_C_NOARG; C->loc = K.loc; } }
cond(C) ::= ARGC(K) cmp(O) INT(N). {
	C = cpol_ast_cond(P, CPOL_C_ARGC, K.loc);
	if (C) { C->op = (uint8_t)O; C->num = N.num; }
}
cond(C) ::= WRITES(K). { C = cpol_ast_cond(P, CPOL_C_WRITES, K.loc); if (C) C->op = CPOL_W_ANY; }
cond(C) ::= WRITES(K) OUTSIDE SANDBOX DOT WRITE. { C = cpol_ast_cond(P, CPOL_C_WRITES, K.loc); if (C) C->op = CPOL_W_OUTSIDE; }
cond(C) ::= WRITES(K) INSIDE SANDBOX DOT WRITE.  { C = cpol_ast_cond(P, CPOL_C_WRITES, K.loc); if (C) C->op = CPOL_W_INSIDE; }
/* a write root itself (deleting or replacing the workspace as a whole) */
cond(C) ::= WRITES(K) SANDBOX DOT WRITE.  { C = cpol_ast_cond(P, CPOL_C_WRITES, K.loc); if (C) C->op = CPOL_W_ROOT; }
cond(C) ::= NETWORK(K). { C = cpol_ast_cond(P, CPOL_C_NETWORK, K.loc); }
cond(C) ::= OPTIONS(K) ONLY setx(L). { C = cpol_ast_cond(P, CPOL_C_OPTIONS, K.loc); if (C) C->list = L; }
/* any value of SELECTED options LIST PRED: the values of the selected
 * options, the command read with LIST as all of its options */
cond(C) ::= ANY(K) VALUE OF setx(S) OPTIONS setx(O) pred(R). {
	C = R;
	if (C) { C->kind = CPOL_C_ANYVAL; C->loc = K.loc; C->sel = S; C->opts = O; }
}
cond(C) ::= NO(K) VALUE OF setx(S) OPTIONS setx(O) pred(R). {
	C = R;
	if (C) { C->kind = CPOL_C_NOVAL; C->loc = K.loc; C->sel = S; C->opts = O; }
}
/* without a predicate: some selected option is given (any value) */
cond(C) ::= ANY(K) VALUE OF setx(S) OPTIONS setx(O). {
	C = cpol_ast_cond(P, CPOL_C_ANYVAL, K.loc);
	if (C) { C->op = 1; C->sel = S; C->opts = O; }
}
cond(C) ::= NO(K) VALUE OF setx(S) OPTIONS setx(O). {
	C = cpol_ast_cond(P, CPOL_C_NOVAL, K.loc);
	if (C) { C->op = 1; C->sel = S; C->opts = O; }
}

%type pred {cpol_cond *}
/* The predicates of common/lang.h (its KW rows): the lexer hands each one's
 * token with num = its predicate, so one rule and action serve them all.
 * A new predicate adds its token to the %token line and to this class,
 * nothing else here (tests/grammar/test_keywords checks that the grammar
 * and the table agree). */
%token_class predicate IN|PREFIX|SUFFIX|CONTAINS|FLAG|OPTION|SEDCMDS|AWKUSES.

pred(C) ::= predicate(K) setx(L). { C = cpol_ast_cond(P, 0, K.loc); if (C) { C->pred = (uint8_t)K.num; C->list = L; } }
pred(C) ::= IS(K) item(I).       { C = cpol_ast_cond(P, 0, K.loc); if (C) { C->pred = CPOL_P_IS; cpol_ast_list_add(&C->list, I); } }

/* The comparisons of common/lang.h: each token carries its enum cpol_cmp in num. */
%type cmp {int}
%token_class comparison EQEQ|NE|LT|LE|GT|GE.
cmp(O) ::= comparison(K). { O = (int)K.num; }

/* ---- intents ---- */

%type targets {cpol_target *}
%type target {cpol_target *}
targets(T) ::= target(A). { T = A; }
targets(T) ::= targets(A) COMMA target(B). { T = A; if (B) { B->next = T; T = B; } } /* reversed */
target(T) ::= LAST(K).     { T = cpol_ast_target(P, CPOL_T_LAST, K.loc); }
target(T) ::= OPERANDS(K). { T = cpol_ast_target(P, CPOL_T_OPERANDS, K.loc); if (T) T->from = 1; }
target(T) ::= OPERANDS(K) FROM INT(N). { T = cpol_ast_target(P, CPOL_T_OPERANDS, K.loc); if (T) T->from = N.num; }
target(T) ::= AFTER(K) STRING(S). { T = cpol_ast_target(P, CPOL_T_AFTER, K.loc); if (T) { T->text = S.text; T->len = S.len; } }
target(T) ::= CWD(K). { T = cpol_ast_target(P, CPOL_T_CWD, K.loc); }
target(T) ::= VALUE(K) STRING(S). { T = cpol_ast_target(P, CPOL_T_VALUE, K.loc); if (T) { T->text = S.text; T->len = S.len; } }

/* ---- tests ---- */

%type tcases {cpol_testcase *}
%type tcase {cpol_testcase *}
tcases(C) ::= . { C = NULL; }
tcases(C) ::= tcases(A) tcase(T). { C = A; if (T) { T->next = C; C = T; } } /* reversed */
tcase(T) ::= decision(D) STRING(S) SEMI. { T = cpol_ast_testcase(P, &D, &S); }
tcase(T) ::= decision(D) STRING(S) CWD STRING(W) SEMI. {
	T = cpol_ast_testcase(P, &D, &S);
	if (T) T->cwd = W.text;
}
tcase(T) ::= error SEMI. { T = NULL; ERROK; }
