/* tests/vm/test_optval.c -- `any value of SEL options LIST [PRED]`: the
 * values of chosen options, read as getopt_long reads the command with
 * LIST as all of its options: glued (-eVALUE, --name=VALUE, inside a
 * cluster) or the next word, any number of them, abbreviations naming one
 * listed option, `--`; an option LIST lacks, an unknown word where an
 * option may stand, or a value an expansion decides make the test `might`
 * (a prompt rule asks, an allow rule does not allow); the compiler's checks
 * and the verifier's refusals of a torn test. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codexpol.h"
#include "tests/vm/vmtest.h"
#include "vm/eval.h"
#include "vm/image.h"
#include "compiler/compiler.h"

#include <xxhash.h>

static const char policy[] =
	"policy \"optval\";\n"
	"sandbox { read \"/\"; write \"$WORKSPACE\"; network none; }\n"
	"default allow;\n"
	"set sed_opts = \"-n\", \"--quiet\", \"-e#\", \"--expression=\", \"-f#\", \"--file=\", \"-i[#]\",\n"
	"               \"--in-place[=]\", \"-l#\", \"-E\", \"-s\", \"--separate\", \"--sandbox\";\n"
	"rule \"sed -e unsafe\" {\n"
	"    when program \"sed\" and any value of (\"-e\", \"--expression\") options sed_opts sedcmds (\"e\", \"w\");\n"
	"    prompt;\n"
	"}\n"
	"rule \"sed -f\" { when program \"sed\" and any value of (\"-f\", \"--file\") options sed_opts; forbid; }\n"
	"rule \"sed suffix\" { when program \"sed\" and any value of \"-i\", \"--in-place\" options sed_opts is \".orig\"; forbid; }\n"
	"set strace_opts = \"-f\", \"-e#\", \"-o#\", \"--output=\", \"--output-separately\", \"-A\";\n"
	"rule \"strace pipe\" {\n"
	"    when program \"strace\" and any value of (\"-o\", \"--output\") options strace_opts prefix (\"|\", \"!\");\n"
	"    prompt;\n"
	"}\n"
	"rule \"cc -o\" { when program \"cc\" and no value of \"-o\" options (\"-c\", \"-o#\", \"-I#\") contains \"..\"; forbid; }\n";

static void setup(void)
{
	vt_setup("optval.cpol", policy);
}

TestSuite(optval, .init = setup, .fini = vt_teardown);

#define expect vt_expect

Test(optval, values_glued_apart_in_clusters_and_repeated)
{
	expect("sed -e s/a/b/ -e s/c/d/ f", CPOL_ALLOW);
	expect("sed -e s/a/b/ -e s/x/y/e f", CPOL_PROMPT);   /* the second one */
	expect("sed -es/x/y/e f", CPOL_PROMPT);              /* glued */
	expect("sed -n -es/x/y/w f", CPOL_PROMPT);
	expect("sed -ne 's/x/y/w out' f", CPOL_PROMPT);      /* at the end of a cluster: the next word */
	expect("sed --expression=e f", CPOL_PROMPT);
	expect("sed --expression e f", CPOL_PROMPT);
	expect("sed --expr=e f", CPOL_PROMPT);               /* an abbreviation of one listed option */
	expect("sed --e e f", CPOL_PROMPT);
	expect("sed f -e 1e", CPOL_PROMPT);                  /* options after operands too */
	expect("sed 's/x/y/e' f", CPOL_ALLOW);               /* an operand: no value of -e */
}

Test(optval, words_that_are_no_values)
{
	expect("sed -f -e x", CPOL_FORBID);                  /* -e is -f's value; x an operand */
	expect("sed -- -e e", CPOL_ALLOW);                   /* after --, operands */
	expect("sed -ie f", CPOL_ALLOW);                     /* -i with the suffix e */
	expect("sed -i -e e f", CPOL_PROMPT);                /* -i's value is glued only */
	expect("sed -l -e e f", CPOL_ALLOW);                 /* -e is -l's value */
	expect("sed -i.orig -e p f", CPOL_FORBID);
	expect("sed --in-place=.orig -e p f", CPOL_FORBID);
	expect("sed --in-place .orig f", CPOL_ALLOW);        /* an optional value is never the next word */
}

Test(optval, an_option_the_list_lacks_makes_it_might)
{
	/* -X may take the next word as its value: not certain either way */
	expect("sed -X -e s/a/b/ f", CPOL_PROMPT);
	expect("sed --s -e p f", CPOL_PROMPT);               /* ambiguous: --separate, --sandbox */
	expect("sed --quiet=1 -e p f", CPOL_PROMPT);         /* a value where none is taken */
	/* `no value of`: a forbid that might hold asks */
	expect("cc -c -o out.o a.c", CPOL_FORBID);
	expect("cc -c -o ../out.o a.c", CPOL_ALLOW);
	expect("cc -c -W -o out.o a.c", CPOL_PROMPT);
	/* but a value read for certain before it decides */
	expect("sed -e s/x/y/e -X f", CPOL_PROMPT);
}

Test(optval, strace_output_to_a_command)
{
	expect("strace -o trace.txt ls", CPOL_ALLOW);
	expect("strace -o '|sh' ls", CPOL_PROMPT);
	expect("strace -o'!id' ls", CPOL_PROMPT);
	expect("strace -fo '|sh' ls", CPOL_PROMPT);
	expect("strace --output='|sh' ls", CPOL_PROMPT);
	expect("strace --output '!id' ls", CPOL_PROMPT);
	expect("strace --output-separately -o t ls", CPOL_ALLOW); /* the exact name wins */
	expect("strace --out '|sh' ls", CPOL_PROMPT);        /* ambiguous: might */
	expect("strace -e '|x' ls", CPOL_ALLOW);             /* not a selected option */
}


#define Q CPOL_WORD_QEXPAND
#define E CPOL_WORD_EXPAND
#define G CPOL_WORD_GLOB

Test(optval, unknown_words_three_valued)
{
	const char *a1[] = { "sed", "-e", "$S", "f", NULL };
	cr_expect_eq(vt_judge_words(a1, (const uint8_t[]){ 0, 0, Q, 0 }, NULL, NULL), CPOL_PROMPT, "a value an expansion decides");
	const char *a2[] = { "sed", "-e", "p", "$F", NULL };
	cr_expect_eq(vt_judge_words(a2, (const uint8_t[]){ 0, 0, 0, Q }, NULL, NULL), CPOL_PROMPT, "\"$F\" may be -es/x/y/e");
	const char *a3[] = { "sed", "-e", "p", "src/*.c", NULL };
	cr_expect_eq(vt_judge_words(a3, (const uint8_t[]){ 0, 0, 0, G }, NULL, NULL), CPOL_ALLOW, "a glob starting with 's': operands");
	const char *a4[] = { "sed", "-e", "p", "*.c", NULL };
	cr_expect_eq(vt_judge_words(a4, (const uint8_t[]){ 0, 0, 0, G }, NULL, NULL), CPOL_PROMPT, "a glob that may start with -");
	const char *a5[] = { "sed", "-e", "s/x/y/e", "$F", NULL };
	cr_expect_eq(vt_judge_words(a5, (const uint8_t[]){ 0, 0, 0, E }, NULL, NULL), CPOL_PROMPT, "certain before the unknown word");
	const char *a6[] = { "sed", "-f", "$F", "x", NULL };
	cr_expect_eq(vt_judge_words(a6, (const uint8_t[]){ 0, 0, Q, 0 }, NULL, NULL), CPOL_FORBID, "-f is given, whatever its value");
	const char *a7[] = { "sed", "--", "$F", NULL };
	cr_expect_eq(vt_judge_words(a7, (const uint8_t[]){ 0, 0, E }, NULL, NULL), CPOL_ALLOW, "after --");
}

/* The compiler's checks of the selection. */
static int compile(const char *text, uint8_t **img, size_t *len)
{
	cpol_unit *u = cpol_unit_new();
	cpol_file *f = cpol_parse_buffer(u, "t.cpol", text, strlen(text));
	struct cpol_compile_opts o = { 0 };
	int r = f && cpol_compile(u, f, &o, 0, img, len) == 0;
	cpol_unit_free(u);
	return r;
}

static int compiles(const char *text)
{
	uint8_t *img = NULL;
	size_t len;
	int r = compile(text, &img, &len);
	free(img);
	return r;
}

Test(optval, the_selection_must_name_options_with_a_value)
{
	cr_expect(compiles("prelude none; rule \"r\" { when any value of \"-e\" options (\"-e#\") is \"x\"; prompt; }\n"));
	cr_expect(compiles("prelude none; rule \"r\" { when any value of \"--x\" options (\"--x[=]\"); prompt; }\n"));
	cr_expect(!compiles("prelude none; rule \"r\" { when any value of \"-e\" options (\"-e\") is \"x\"; prompt; }\n"));
	cr_expect(!compiles("prelude none; rule \"r\" { when any value of \"-e\" options (\"-e#\", \"-e\"); prompt; }\n"));
	cr_expect(!compiles("prelude none; rule \"r\" { when any value of \"-e#\" options (\"-e#\"); prompt; }\n"));
	cr_expect(!compiles("prelude none; rule \"r\" { when any value of \"-f\" options (\"-e#\"); prompt; }\n"));
	cr_expect(!compiles("prelude none; intent write program \"x\" target last when any value of \"-e\" options \"-e#\";\n"));
}

/* A hostile image: VALUE and VALSET are one test, never torn apart. */
static struct cpol_img_insn *code_of(uint8_t *img, uint32_t *n)
{
	const struct cpol_img_header *h = (const void *)img;
	const struct cpol_img_section *sec = (const void *)(img + sizeof *h);
	for (uint32_t i = 0; i < h->nsections; i++)
		if (sec[i].kind == CPOL_SEC_CODE) {
			*n = sec[i].count;
			return (void *)(img + sec[i].offset);
		}
	return NULL;
}

static int loads(uint8_t *img, size_t len)
{
	struct cpol_img_header *h = (void *)img;
	h->checksum = XXH3_64bits(img + sizeof *h, len - sizeof *h);
	cpol_error err;
	cpol_image *im = cpol_image_load(img, len, 0, &err);
	cpol_image_close(im);
	return im != NULL;
}

Test(optval, the_verifier_refuses_a_torn_value_test)
{
	static const char text[] = "prelude none; default allow;\n"
	                           "rule \"r\" { when program \"x\" or any value of \"-o\" options (\"-o#\", \"-v\") prefix \"|\"; prompt; }\n";
	uint8_t *img;
	size_t len;
	cr_assert(compile(text, &img, &len));
	uint32_t n = 0, v = 0;
	struct cpol_img_insn *code = code_of(img, &n);
	cr_assert_not_null(code);
	while (v < n && code[v].op != CPOL_OP_VALUE)
		v++;
	cr_assert(v + 1 < n && code[v + 1].op == CPOL_OP_VALSET);
	cr_expect(loads(img, len), "the image as compiled");
	uint8_t *bad = malloc(len);
	struct cpol_img_insn *bc;
	uint32_t bn;
	/* VALUE without its set */
	memcpy(bad, img, len);
	bc = code_of(bad, &bn);
	bc[v + 1].op = CPOL_OP_NOT;
	cr_expect(!loads(bad, len), "VALUE not followed by VALSET");
	/* a lone VALSET */
	memcpy(bad, img, len);
	bc = code_of(bad, &bn);
	bc[v].op = CPOL_OP_TRUE;
	cr_expect(!loads(bad, len), "VALSET without its VALUE");
	/* more selected options than the set holds */
	memcpy(bad, img, len);
	bc = code_of(bad, &bn);
	bc[v].b = 3;
	cr_expect(!loads(bad, len), "selection larger than the set");
	/* a set or operand out of range */
	memcpy(bad, img, len);
	bc = code_of(bad, &bn);
	bc[v + 1].c = 100000;
	cr_expect(!loads(bad, len), "VALSET names no set");
	memcpy(bad, img, len);
	bc = code_of(bad, &bn);
	bc[v].c = 100000;
	cr_expect(!loads(bad, len), "operand out of range");
	/* a jump into the middle of the test */
	for (uint32_t j = 0; j < v; j++) {
		if (code[j].op != CPOL_OP_JT && code[j].op != CPOL_OP_JF)
			continue;
		memcpy(bad, img, len);
		bc = code_of(bad, &bn);
		bc[j].c = v + 1;
		cr_expect(!loads(bad, len), "a jump onto VALSET");
	}
	free(bad);
	free(img);
}
