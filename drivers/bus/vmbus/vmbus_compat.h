/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

#ifndef VMBUS_COMPAT_H
#define VMBUS_COMPAT_H

/*
 * What differs, for the bus, between the DPDK releases this folder builds
 * in unchanged (22.11, 23.11, 24.11 and 26.07).  The public headers carry
 * their own two fallbacks (rte_vmbus_reg.h, bus_vmbus_driver.h) since they
 * are installed without this one.
 */

#include <rte_version.h>

/*
 * From DPDK 25.07 a library's exports are declared next to each function
 * (RTE_EXPORT_*, from which the build writes the symbol map); before, the
 * folder's version.map was the only list, and the markers mean nothing.
 */
#if __has_include(<eal_export.h>)
#include <eal_export.h>
#else
#define RTE_EXPORT_SYMBOL(sym)
#define RTE_EXPORT_INTERNAL_SYMBOL(sym)
#endif

/*
 * DPDK 26.07 keeps a bus's drivers on the generic rte_bus (hot-plug finds
 * them there, through the bus's match op) and splits plug into match and
 * probe_device; unplug_device detaches but leaves the device listed, and
 * every op takes the bus.  Releases between 24.11 and 26.07 are not
 * checked, so the test is on the version that is.
 */
#if RTE_VERSION >= RTE_VERSION_NUM(26, 7, 0, 0)
#define VMBUS_GENERIC_DRIVER_LIST 1
#endif

#endif /* VMBUS_COMPAT_H */
