/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "hvh_log.h"

int hvh_log_level = HVH_LOG_NOTICE;

static const char *const hvh_level_names[] = {
	"ERR", "WARN", "NOTICE", "INFO", "DEBUG",
};

void
hvh_log(int level, const char *func, const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* stderr so that logs interleave sanely with the guest's output. */
	fprintf(stderr, "hv-host %5ld.%03ld %s %s: ", (long)ts.tv_sec,
		ts.tv_nsec / 1000000, hvh_level_names[level], func);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
