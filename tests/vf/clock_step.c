/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Preloaded into a program, steps its wall clock: CLOCK_REALTIME reads
 * HVNET_CLOCK_STEP_S seconds (default 3) further once the program has
 * run HVNET_CLOCK_STEP_AFTER_S seconds (default 1) of CLOCK_MONOTONIC,
 * as a machine frozen and then set right, or clock_settime, would show
 * it. For tests/vf/clock-step.sh.
 */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);

static double
env_seconds(const char *name, double def)
{
	const char *v = getenv(name);

	return v != NULL ? strtod(v, NULL) : def;
}

int
clock_gettime(clockid_t clk, struct timespec *ts)
{
	static clock_gettime_fn real;
	static double first;
	struct timespec m;
	double now, step;
	int ret;

	if (real == NULL)
		real = (clock_gettime_fn)dlsym(RTLD_NEXT, "clock_gettime");
	ret = real(clk, ts);
	if (ret != 0 || clk != CLOCK_REALTIME || real(CLOCK_MONOTONIC, &m) != 0)
		return ret;
	now = m.tv_sec + m.tv_nsec / 1e9;
	if (first == 0)
		first = now;
	if (now - first < env_seconds("HVNET_CLOCK_STEP_AFTER_S", 1))
		return ret;
	step = env_seconds("HVNET_CLOCK_STEP_S", 3);
	ts->tv_sec += (time_t)step;
	ts->tv_nsec += (long)((step - (time_t)step) * 1e9);
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
	return ret;
}
