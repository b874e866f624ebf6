/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Shared helpers of the hv-preload test program, whose parts are compiled
 * with different feature macros (plain, fortified, large-file).
 */

#ifndef TEST_PRELOAD_H
#define TEST_PRELOAD_H

#include <stddef.h>
#include <sys/types.h>

#include "hvnet_test.h"

/* A check named for the behaviour it proves. */
#define TP_CHECK(cond, name, fmt, ...) \
	HVT_CHECK(cond, "%s: " fmt, name, ##__VA_ARGS__)

/* Read a host file with raw system calls, bypassing the preload. */
ssize_t tp_raw_read(const char *host_path, char *buf, size_t size);

/* The fixture's device folder, e.g. /sys/bus/vmbus/devices/<uuid>. */
const char *tp_dev_dir(void);
const char *tp_root(void);

/* Parts compiled with other flags; each returns nothing, reports itself. */
void tp_fortify_tests(void);
void tp_lfs_tests(void);

#endif /* TEST_PRELOAD_H */
