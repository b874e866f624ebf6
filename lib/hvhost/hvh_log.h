/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

#ifndef HVH_LOG_H
#define HVH_LOG_H

#include <stdint.h>

enum hvh_log_level {
	HVH_LOG_ERR = 0,
	HVH_LOG_WARNING,
	HVH_LOG_NOTICE,
	HVH_LOG_INFO,
	HVH_LOG_DEBUG,
};

/* Messages above this level are not printed; set from --log-level. */
extern int hvh_log_level;

void hvh_log(int level, const char *func, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* One log macro for hv-host: adds the level, the function and a newline. */
#define HVH_LOG(level, fmt, ...) do { \
	if (HVH_LOG_##level <= hvh_log_level) \
		hvh_log(HVH_LOG_##level, __func__, fmt, ##__VA_ARGS__); \
} while (0)

/*
 * Rate limit for messages a misbehaving guest can trigger at will: the
 * first few are printed, then only at powers of two, so a flood costs a
 * logarithmic number of lines.  It gates only the log line; the caller
 * still counts and drops.
 */
static inline int
hvh_log_ratelimit(uint64_t count)
{
	return count <= 16 || (count & (count - 1)) == 0;
}

#endif /* HVH_LOG_H */
