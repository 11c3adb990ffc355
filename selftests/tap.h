/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tap.h - minimal TAP 13 producer with kselftest exit codes, shared by the
 * user-space unit tests (selftests/unit/) and the C programs that run inside
 * the VM (selftests/vm/).
 *
 * Usage:
 *	tap_ok(cond, "what was checked %d", x);
 *	tap_skip("reason");
 *	return tap_finish();
 *
 * Each tap_ok() is one test point.  tap_finish() prints the plan and returns
 * KSFT_PASS, KSFT_FAIL or KSFT_SKIP, so main() can return it directly.
 */
#ifndef _ATCP_TAP_H
#define _ATCP_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define KSFT_PASS	0
#define KSFT_FAIL	1
#define KSFT_SKIP	4

static int tap_count, tap_failed, tap_skipped;

static inline void tap_header(void)
{
	if (!tap_count && !tap_skipped)
		printf("TAP version 13\n");
}

__attribute__((format(printf, 4, 5)))
static inline int tap_ok_at(int cond, const char *file, int line,
			    const char *fmt, ...)
{
	va_list ap;

	tap_header();
	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%sok %d ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		printf("# failed at %s:%d\n", file, line);
	fflush(stdout);
	return cond;
}

#define tap_ok(cond, ...) tap_ok_at(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/*
 * A point for a known, documented bug (TAP "# TODO"): printed as it comes
 * out, counted as skipped, never as failed.
 */
__attribute__((format(printf, 3, 4)))
static inline void tap_todo(int cond, const char *reason, const char *fmt, ...)
{
	va_list ap;

	tap_header();
	tap_count++;
	tap_skipped++;
	printf("%sok %d ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # TODO %s\n", reason);
	fflush(stdout);
}

__attribute__((format(printf, 1, 2)))
static inline void tap_skip(const char *fmt, ...)
{
	va_list ap;

	tap_header();
	tap_count++;
	tap_skipped++;
	printf("ok %d # SKIP ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

__attribute__((format(printf, 1, 2)))
static inline void tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static inline int tap_finish(void)
{
	tap_header();
	printf("1..%d\n", tap_count);
	printf("# %d passed, %d failed, %d skipped\n",
	       tap_count - tap_failed - tap_skipped, tap_failed, tap_skipped);
	fflush(stdout);
	if (tap_failed)
		return KSFT_FAIL;
	if (tap_count && tap_skipped == tap_count)
		return KSFT_SKIP;
	return KSFT_PASS;
}

#endif /* _ATCP_TAP_H */
