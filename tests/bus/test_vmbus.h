/* SPDX-License-Identifier: BSD-3-Clause */

#ifndef TEST_VMBUS_H
#define TEST_VMBUS_H

/*
 * A minimal harness: each test is a function returning 0 on success;
 * TV_ASSERT prints the failed condition with its location and why.
 */

#include <stdio.h>

#define TV_ASSERT(cond, fmt, ...) do {					\
	if (!(cond)) {							\
		printf("    FAIL %s:%d: %s: " fmt "\n", __FILE__,	\
		       __LINE__, #cond, ##__VA_ARGS__);			\
		return -1;						\
	}								\
} while (0)

#define TV_ASSERT_EQ(a, b) do {						\
	long long tv_a_ = (long long)(a), tv_b_ = (long long)(b);	\
	TV_ASSERT(tv_a_ == tv_b_, "%lld != %lld", tv_a_, tv_b_);	\
} while (0)

struct tv_case {
	const char *name;
	int (*fn)(void);
};

/* Runs every case, prints one ok/FAIL line each; returns failures. */
static inline int
tv_run(const char *suite, const struct tv_case *cases, unsigned int n)
{
	unsigned int i, failed = 0;

	for (i = 0; i < n; i++) {
		int rc = cases[i].fn();

		printf("%s %s/%s\n", rc == 0 ? "ok  " : "FAIL", suite,
		       cases[i].name);
		if (rc != 0)
			failed++;
	}
	printf("%s: %u/%u passed\n", suite, n - failed, n);
	return (int)failed;
}

int test_vmbus_ring(void);
int test_vmbus_sysfs(void);

#endif /* TEST_VMBUS_H */
