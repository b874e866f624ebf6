/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * A program with the defects the sanitizers exist for, one per argument,
 * for tools/sanitizer-verdict.sh: the scenario scripts' harness must turn
 * each report into a failed test. "none" has no defect.
 */

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Kept out of sight of the optimiser, so that the defect stays in. */
static volatile int canary_index = 16;
static void *volatile canary_kept;

int
main(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "";
	char *buf;
	int big;

	if (strcmp(kind, "none") == 0) {
		buf = malloc(16);
		free(buf);
	} else if (strcmp(kind, "overflow") == 0) {
		buf = malloc(16);
		memset(buf, 0, 16);
		printf("%d\n", buf[canary_index]);
		free(buf);
	} else if (strcmp(kind, "undefined") == 0) {
		big = INT_MAX - 1 + canary_index;
		printf("%d\n", big);
	} else if (strcmp(kind, "leak") == 0) {
		canary_kept = malloc(64);
		canary_kept = NULL;
	} else {
		fprintf(stderr, "usage: %s none|overflow|undefined|leak\n",
			argv[0]);
		return 2;
	}
	return 0;
}
