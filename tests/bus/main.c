/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Unit tests of drivers/bus/vmbus that need neither EAL nor hv-host.
 * Usage: test-vmbus-unit [ring|sysfs|TEST]...  (no argument: all)
 */

#include "test_vmbus.h"

int
main(int argc, char **argv)
{
	struct hvt_run r;

	hvt_start(&r, argc, argv);
	test_vmbus_ring(&r);
	test_vmbus_sysfs(&r);
	return hvt_end(&r);
}
