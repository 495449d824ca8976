/* vm/eval_naive.h -- the bench's baseline: the evaluator's own sources
 * (vm/eval.c, intent.c, script.c, wrap.c, ctx.c) compiled a second time
 * with -DCPOL_EVAL_NAIVE, which swaps only the fast parts for obvious ones:
 * the program is found by comparing its name with every program's, every
 * rule is walked in source order (no dispatch table, no argv[1] index),
 * every set is scanned linearly, and every substring pattern is searched
 * with memmem in the joined command line (no automaton). Every semantic
 * helper is the same code, so both builds must reach the same decision by
 * the same rule.
 *
 * Built with the macro (force-included before anything else), this header
 * renames the recompiled files' public symbols so that both builds can live
 * in one program; without it, it declares the renamed entry points for the
 * bench. The product is never built with the macro.
 */
#ifndef CPOL_VM_EVAL_NAIVE_H
#define CPOL_VM_EVAL_NAIVE_H

#ifdef CPOL_EVAL_NAIVE
/* vm/ctx.c */
#define cpol_ctx_free cpol_naive_ctx_free
#define cpol_ctx_new cpol_naive_ctx_new
#define cpol_ctx_set_env cpol_naive_ctx_set_env
#define cpol_ctx_set_path_trusted cpol_naive_ctx_set_path_trusted
#define cpol_ctx_set_cdpath cpol_naive_ctx_set_cdpath
#define cpol_ctx_set_unconfined cpol_naive_ctx_set_unconfined
#define cpol_ctx_set_sandbox cpol_naive_ctx_set_sandbox
#define cpol_ctx_set_sh cpol_naive_ctx_set_sh
#define cpol_cut_mark cpol_naive_cut_mark
#define cpol_eval cpol_naive_eval
#define cpol_eval_line cpol_naive_eval_line
#define cpol_iv_keep cpol_naive_iv_keep
#define cpol_iv_to_verdict cpol_naive_iv_to_verdict
/* vm/eval.c */
#define cpol_eval_frame cpol_naive_eval_frame
#define cpol_frame_init cpol_naive_frame_init
#define cpol_frame_words cpol_naive_frame_words
#define cpol_member_match cpol_naive_member_match
#define cpol_run cpol_naive_run
#define cpol_sysdir cpol_naive_sysdir
#define cpol_run3 cpol_naive_run3
#define cpol_set_has_word cpol_naive_set_has_word
/* vm/intent.c */
#define cpol_cwd_changed cpol_naive_cwd_changed
#define cpol_intents cpol_naive_intents
#define cpol_long_option_at cpol_naive_long_option_at
#define cpol_target_inside cpol_naive_target_inside
#define cpol_path_safe cpol_naive_path_safe
/* vm/script.c */
#define cpol_eval_script cpol_naive_eval_script
#define cpol_eval_script_text cpol_naive_eval_script_text
#define cpol_follow_cd cpol_naive_follow_cd
#define cpol_join_words cpol_naive_join_words
/* vm/wrap.c */
#define cpol_eval_wrapped cpol_naive_eval_wrapped
#define cpol_env_name_risky cpol_naive_env_name_risky
#define cpol_wrapper_of cpol_naive_wrapper_of
#else
#include "codexpol.h"

cpol_ctx *cpol_naive_ctx_new(const cpol_image *img, const cpol_env *env, cpol_error *err);
void cpol_naive_ctx_free(cpol_ctx *ctx);
cpol_decision cpol_naive_eval(cpol_ctx *ctx, int argc, const char *const *argv, cpol_result *res);
cpol_decision cpol_naive_eval_line(cpol_ctx *ctx, const char *line, size_t len, cpol_result *res);
#endif

#endif
