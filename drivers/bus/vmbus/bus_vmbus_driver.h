/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

#ifndef BUS_VMBUS_DRIVER_H
#define BUS_VMBUS_DRIVER_H

/**
 * @file
 *
 * Driver-facing part of the VMBus bus: the device and driver structures
 * and driver registration.  The structure layouts are part of the ABI of
 * librte_bus_vmbus.so.23 and must not change.
 */

#ifdef __cplusplus
extern "C" {
#endif

#include <rte_bus_vmbus.h>
#include <rte_compat.h>
#include <dev_driver.h>

/* Hyper-V page: 4 KiB whatever the guest page size. */
#define HYPERV_PAGE_SHIFT 12
#define HYPERV_PAGE_SIZE (1 << HYPERV_PAGE_SHIFT)
#define HYPERV_PAGE_MASK (HYPERV_PAGE_SIZE - 1)

struct vmbus_channel;
struct vmbus_mon_page;

/** Index of each uio map of a uio_hv_generic network device. */
enum hv_uio_map {
	HV_TXRX_RING_MAP = 0,	/**< "txrx_rings": primary ring pair */
	HV_INT_PAGE_MAP,	/**< "int_page": interrupt page */
	HV_MON_PAGE_MAP,	/**< "monitor_page": guest to host monitor page */
	HV_RECV_BUF_MAP,	/**< "recv:<gpadl>": receive buffer */
	HV_SEND_BUF_MAP		/**< "send:<gpadl>": send buffer */
};

/** Number of uio maps. */
#define VMBUS_MAX_RESOURCE 5

/**
 * A VMBus device.
 */
struct rte_vmbus_device {
	RTE_TAILQ_ENTRY(rte_vmbus_device) next; /**< Next in the bus list */
	const struct rte_vmbus_driver *driver;  /**< Driver bound, or NULL */
	struct rte_device device;               /**< Generic device */
	rte_uuid_t device_id;                   /**< Instance id */
	rte_uuid_t class_id;                    /**< Class (device type) id */
	uint32_t relid;                         /**< Primary channel relid */
	uint8_t monitor_id;                     /**< Primary monitor id */
	int uio_num;                            /**< N of /dev/uioN */
	uint32_t *int_page;                     /**< Interrupt page, send half */
	struct vmbus_channel *primary;          /**< Primary channel */
	struct vmbus_mon_page *monitor_page;    /**< Monitor page */
	struct rte_intr_handle *intr_handle;    /**< uio fd */
	/** The uio maps; phys_addr holds the GPADL of the buffers. */
	struct rte_mem_resource resource[VMBUS_MAX_RESOURCE];
};

/**
 * Driver probe callback.
 */
typedef int (vmbus_probe_t)(struct rte_vmbus_driver *,
			    struct rte_vmbus_device *);

/**
 * Driver remove callback.
 */
typedef int (vmbus_remove_t)(struct rte_vmbus_device *);

/**
 * A VMBus driver.
 */
struct rte_vmbus_driver {
	RTE_TAILQ_ENTRY(rte_vmbus_driver) next; /**< Next in the bus list */
	struct rte_driver driver;               /**< Generic driver */
	vmbus_probe_t *probe;                   /**< Probe callback */
	vmbus_remove_t *remove;                 /**< Remove callback */
	/** Class ids handled, ended by an all-zero id. */
	const rte_uuid_t *id_table;
};

/**
 * Register a VMBus driver.
 *
 * @param driver
 *   The driver.
 */
__rte_internal
void rte_vmbus_register(struct rte_vmbus_driver *driver);

/**
 * Unregister a VMBus driver.
 *
 * @param driver
 *   The driver.
 */
__rte_internal
void rte_vmbus_unregister(struct rte_vmbus_driver *driver);

/*
 * The symbol naming a driver for the pmdinfo tools: DPDK 24.11 and older
 * make it unique with a counter, 26.07 by the name alone.
 */
#ifdef RTE_PMD_EXPORT_NAME_ARRAY
#define VMBUS_PMD_EXPORT_NAME(nm) RTE_PMD_EXPORT_NAME(nm, __COUNTER__)
#else
#define VMBUS_PMD_EXPORT_NAME(nm) RTE_PMD_EXPORT_NAME(nm)
#endif

/** Register a VMBus driver at startup under the name nm. */
#define RTE_PMD_REGISTER_VMBUS(nm, vmbus_drv)		\
	RTE_INIT(vmbusinitfn_ ##nm)			\
	{						\
		(vmbus_drv).driver.name = RTE_STR(nm);	\
		rte_vmbus_register(&vmbus_drv);		\
	}						\
	VMBUS_PMD_EXPORT_NAME(nm)

#ifdef __cplusplus
}
#endif

#endif /* BUS_VMBUS_DRIVER_H */
