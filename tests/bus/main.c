/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Unit tests of drivers/bus/vmbus that need neither EAL nor hv-host.
 * Usage: test-vmbus-unit [ring|sysfs]...  (no argument: all suites)
 */

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "test_vmbus.h"

int
main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(void);
	} suites[] = {
		{ "ring", test_vmbus_ring },
		{ "sysfs", test_vmbus_sysfs },
	};
	unsigned int i;
	int a, failed = 0, ran = 0;

	/* Sanitizer reports end the process without flushing stdio. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		bool wanted = argc < 2;

		for (a = 1; a < argc; a++)
			wanted |= strcmp(argv[a], suites[i].name) == 0;
		if (!wanted)
			continue;
		failed += suites[i].run();
		ran++;
	}
	if (ran == 0) {
		fprintf(stderr, "usage: %s [ring|sysfs]...\n", argv[0]);
		return 2;
	}
	return failed == 0 ? 0 : 1;
}
