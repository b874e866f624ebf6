/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

#ifndef TEST_VMBUS_H
#define TEST_VMBUS_H

#include "hvnet_test.h"

/* Run the tests of one file that the arguments ask for. */
void test_vmbus_ring(struct hvt_run *r);
void test_vmbus_sysfs(struct hvt_run *r);

#endif /* TEST_VMBUS_H */
