/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Shared helpers of the hv-preload test program, whose parts are compiled
 * with different feature macros (plain, fortified, large-file).
 */

#ifndef TEST_PRELOAD_H
#define TEST_PRELOAD_H

#include <stddef.h>
#include <sys/types.h>

extern int tp_failures;

void tp_report(int ok, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define TP_CHECK(cond, name, ...) \
	tp_report(!!(cond), name, __VA_ARGS__)

/* Read a host file with raw system calls, bypassing the preload. */
ssize_t tp_raw_read(const char *host_path, char *buf, size_t size);

/* The fixture's device folder, e.g. /sys/bus/vmbus/devices/<uuid>. */
const char *tp_dev_dir(void);
const char *tp_root(void);

/* Parts compiled with other flags; each returns nothing, reports itself. */
void tp_fortify_tests(void);
void tp_lfs_tests(void);

#endif /* TEST_PRELOAD_H */
