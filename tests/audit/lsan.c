/* tests/audit/lsan.c -- linked into every audit test: Criterion 2.4.1
 * itself leaks the copy of an argument it makes in criterion_handle_args,
 * which LeakSanitizer reports at the runner's exit in a sanitizer build.
 * Suppress exactly that, so that any leak of ours still fails the test. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:criterion_handle_args\n";
}
