/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

#ifndef _HN_COMPAT_H_
#define _HN_COMPAT_H_

/*
 * What differs, for the PMD, between the DPDK releases this folder builds
 * in unchanged (22.11, 23.11, 24.11 and 26.07).  Only preprocessor tests
 * here: hn_wire.h includes this, and it must stay free of ethdev.
 */

#include <rte_common.h>
#include <rte_version.h>

/*
 * DPDK 25.03 replaced __rte_packed with a pair around the structure and
 * deprecated it; older releases get the pair here.
 */
#ifndef __rte_packed_begin
#define __rte_packed_begin
#define __rte_packed_end __rte_packed
#endif

/*
 * DPDK 25.11 took the per-queue counters out of struct rte_eth_stats:
 * stats_get fills them in a separate struct eth_queue_stats, passed only
 * when ethdev wants them (NULL otherwise), and another port's per-queue
 * counters are no longer readable through rte_eth_stats_get().
 */
#if RTE_VERSION >= RTE_VERSION_NUM(25, 11, 0, 0)
#define HN_QUEUE_STATS_APART 1
typedef struct eth_queue_stats hn_queue_stats_t;
#else
typedef struct rte_eth_stats hn_queue_stats_t;
#endif

/*
 * DPDK 23.03 renamed the telemetry adders of unsigned values from _u64 to
 * _uint (deprecating, then in 25.11 removing, the old names).
 */
#if RTE_VERSION < RTE_VERSION_NUM(23, 3, 0, 0)
#define rte_tel_data_add_dict_uint rte_tel_data_add_dict_u64
#define rte_tel_data_add_array_uint rte_tel_data_add_array_u64
#endif

/* DPDK 26.07's bus operations take the bus as their first argument. */
#if RTE_VERSION >= RTE_VERSION_NUM(26, 7, 0, 0)
#define hn_bus_find_device(bus, start, cmp, data) \
	((bus)->find_device((bus), (start), (cmp), (data)))
#else
#define hn_bus_find_device(bus, start, cmp, data) \
	((bus)->find_device((start), (cmp), (data)))
#endif

#endif /* _HN_COMPAT_H_ */
