/* tests/text/lsan.h -- include once per test program. Criterion 2.4.1
 * leaks a strdup() in criterion_handle_args(); without this, a
 * --enable-sanitizers build fails every Criterion test on LeakSanitizer's
 * report. LeakSanitizer calls this hook when it is present; in a build
 * without sanitizers it is an unused function. */
#ifndef CPOL_TESTS_TEXT_LSAN_H
#define CPOL_TESTS_TEXT_LSAN_H

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:criterion_handle_args\n";
}

#endif
