/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

#ifndef HVNET_TEST_H
#define HVNET_TEST_H

/*
 * The C unit tests' harness.  A program holds tables of named test
 * functions and runs those its arguments name (a test's name, or the name
 * of a table for all of its tests; no argument: everything):
 *
 *	int main(int argc, char **argv)
 *	{
 *		struct hvt_run r;
 *
 *		hvt_start(&r, argc, argv);
 *		hvt_table(&r, "ring", ring_tests, HVT_DIM(ring_tests));
 *		return hvt_end(&r);
 *	}
 *
 * A test returns 0 (pass), HVT_SKIP (a prerequisite is missing) or
 * anything else (fail).  HVT_CHECK reports a false condition and goes on;
 * HVT_ASSERT reports it and returns 1 from the test.  Both take an
 * optional printf-style explanation.  One line per test: "ok NAME",
 * "FAIL NAME" or "SKIP NAME".  Exit status: 0 passed, 1 failed, 2 a name
 * that is no test, 77 every test run was skipped (meson's "skipped").
 */

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define HVT_SKIP 77

#define HVT_DIM(a) (sizeof(a) / sizeof((a)[0]))

struct hvt_test {
	const char *name;
	int (*fn)(void);
};

struct hvt_run {
	int argc;
	char **argv;
	uint64_t named;		/* bit a: argv[a] named a test */
	unsigned int ran, failed, skipped;
};

/*
 * Failed checks of the running test, one counter for every file of the
 * program (a weak definition is merged by the linker).
 */
__attribute__((weak)) unsigned int hvt_failed_checks;

__attribute__((format(printf, 4, 5)))
static inline void
hvt_report(const char *file, int line, const char *cond, const char *fmt,
	   ...)
{
	va_list ap;

	printf("    %s:%d: %s is false:", file, line, cond);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	hvt_failed_checks++;
}

/* The explanation, if any, follows a space: " " "fmt" is " fmt". */
#define HVT_CHECK(cond, ...) do {					\
	if (!(cond))							\
		hvt_report(__FILE__, __LINE__, #cond, " " __VA_ARGS__);	\
} while (0)

#define HVT_ASSERT(cond, ...) do {					\
	if (!(cond)) {							\
		hvt_report(__FILE__, __LINE__, #cond, " " __VA_ARGS__);	\
		return 1;						\
	}								\
} while (0)

#define HVT_ASSERT_EQ(a, b) do {					\
	long long hvt_a_ = (long long)(a), hvt_b_ = (long long)(b);	\
	HVT_ASSERT(hvt_a_ == hvt_b_, "%s = %lld, %s = %lld", #a, hvt_a_,	\
		   #b, hvt_b_);						\
} while (0)

static inline void
hvt_start(struct hvt_run *r, int argc, char **argv)
{
	memset(r, 0, sizeof(*r));
	r->argc = argc < 64 ? argc : 64;
	r->argv = argv;
	/* A sanitizer report ends the process without flushing stdio. */
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* Whether the arguments ask for a test of the table GROUP. */
static inline int
hvt_wanted(struct hvt_run *r, const char *group, const char *name)
{
	int a, wanted = r->argc < 2;

	for (a = 1; a < r->argc; a++) {
		if (strcmp(r->argv[a], name) == 0 ||
		    (group != NULL && strcmp(r->argv[a], group) == 0)) {
			r->named |= UINT64_C(1) << a;
			wanted = 1;
		}
	}
	return wanted;
}

static inline void
hvt_table(struct hvt_run *r, const char *group, const struct hvt_test *t,
	  unsigned int n)
{
	unsigned int i;
	int rc;

	for (i = 0; i < n; i++) {
		if (!hvt_wanted(r, group, t[i].name))
			continue;
		hvt_failed_checks = 0;
		rc = t[i].fn();
		r->ran++;
		if (rc == HVT_SKIP && hvt_failed_checks == 0) {
			r->skipped++;
			printf("SKIP %s\n", t[i].name);
		} else if (rc != 0 || hvt_failed_checks != 0) {
			r->failed++;
			printf("FAIL %s\n", t[i].name);
		} else {
			printf("ok %s\n", t[i].name);
		}
	}
}

static inline int
hvt_end(struct hvt_run *r)
{
	int a, unknown = 0;

	for (a = 1; a < r->argc; a++) {
		if (!(r->named & (UINT64_C(1) << a))) {
			fprintf(stderr, "no test named %s\n", r->argv[a]);
			unknown = 1;
		}
	}
	if (unknown || r->ran == 0)
		return 2;
	if (r->failed != 0)
		return 1;
	return r->skipped == r->ran ? HVT_SKIP : 0;
}

#endif /* HVNET_TEST_H */
