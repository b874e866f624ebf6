/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * The VMBus bus object: device list, driver registration, allow and
 * block lists, probe, hot-plug and removal.  The OS specific parts
 * (sysfs, uio) are in linux/.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_devargs.h>
#include <rte_eal.h>
#include <rte_kvargs.h>
#include <rte_lcore.h>
#include <rte_log.h>
#include <rte_memory.h>
#include <rte_uuid.h>

#include "vmbus_private.h"

RTE_LOG_REGISTER_DEFAULT(vmbus_logtype_bus, NOTICE);

static inline struct rte_vmbus_device *
vmbus_dev(const struct rte_device *dev)
{
	return (struct rte_vmbus_device *)((uintptr_t)dev -
		offsetof(struct rte_vmbus_device, device));
}

/* A device name on this bus is its instance UUID. */
static int
vmbus_parse(const char *name, void *addr)
{
	rte_uuid_t id;

	if (rte_uuid_parse(name, id) != 0)
		return 1;
	if (addr != NULL)
		rte_uuid_copy(addr, id);
	return 0;
}

static struct rte_devargs *
vmbus_devargs_lookup(const struct rte_vmbus_device *dev)
{
	struct rte_devargs *da;
	rte_uuid_t id;

	RTE_EAL_DEVARGS_FOREACH("vmbus", da) {
		if (vmbus_parse(da->name, id) == 0 &&
		    rte_uuid_compare(id, dev->device_id) == 0)
			return da;
	}
	return NULL;
}

/*
 * Add a scanned device, keeping the list sorted by instance id.  A
 * device already listed (re-scan) stays as it is, with its mappings
 * and driver; false tells the caller to drop the new copy.
 */
bool
vmbus_insert_device(struct rte_vmbus_device *dev)
{
	struct rte_vmbus_device *cur;
	int cmp;

	dev->device.bus = &vmbus_bus.bus;
	dev->device.devargs = vmbus_devargs_lookup(dev);

	TAILQ_FOREACH(cur, &vmbus_bus.device_list, next) {
		cmp = rte_uuid_compare(dev->device_id, cur->device_id);
		if (cmp == 0)
			return false;
		if (cmp < 0) {
			TAILQ_INSERT_BEFORE(cur, dev, next);
			return true;
		}
	}
	TAILQ_INSERT_TAIL(&vmbus_bus.device_list, dev, next);
	return true;
}

static void
vmbus_free_device(struct rte_vmbus_device *dev)
{
	TAILQ_REMOVE(&vmbus_bus.device_list, dev, next);
	free(vmbus_priv(dev));
}

static bool
vmbus_device_allowed(const struct rte_vmbus_device *dev)
{
	const struct rte_devargs *da = dev->device.devargs;

	if (vmbus_bus.bus.conf.scan_mode == RTE_BUS_SCAN_ALLOWLIST)
		return da != NULL && da->policy == RTE_DEV_ALLOWED;
	return da == NULL || da->policy != RTE_DEV_BLOCKED;
}

static bool
vmbus_driver_matches(const struct rte_vmbus_driver *drv,
		     const struct rte_vmbus_device *dev)
{
	const rte_uuid_t *id;

	for (id = drv->id_table; id != NULL && !rte_uuid_is_null(*id); id++)
		if (rte_uuid_compare(*id, dev->class_id) == 0)
			return true;
	return false;
}

static int
vmbus_numa_aware_value(const char *key, const char *value, void *opaque)
{
	bool *aware = opaque;

	RTE_SET_USED(key);
	if (value == NULL || (strcmp(value, "0") != 0 &&
			      strcmp(value, "1") != 0))
		return -EINVAL;
	*aware = value[0] == '1';
	return 0;
}

/*
 * numa_aware=0|1 in the device's devargs: report the node the kernel
 * gives the device (1), or SOCKET_ID_ANY (0, the default). Returns 0,
 * or -EINVAL after one line for another value. Devargs the bus cannot
 * split are left for the driver to refuse.
 */
int
vmbus_devargs_numa_aware(const char *name, const char *args, bool *aware)
{
	struct rte_kvargs *kv;
	int ret;

	*aware = false;
	if (args == NULL || *args == '\0')
		return 0;
	kv = rte_kvargs_parse(args, NULL);
	if (kv == NULL)
		return 0;
	ret = rte_kvargs_process(kv, VMBUS_DEVARG_NUMA_AWARE,
				 vmbus_numa_aware_value, aware);
	rte_kvargs_free(kv);
	if (ret != 0) {
		VMBUS_LOG(ERR, "%s: devarg %s takes 0 or 1 (in '%s'); not probed",
			  name, VMBUS_DEVARG_NUMA_AWARE, args);
		return -EINVAL;
	}
	return 0;
}

static bool
vmbus_eal_socket(int node)
{
	unsigned int i;

	for (i = 0; i < rte_socket_count(); i++)
		if (rte_socket_id_by_idx(i) == node)
			return true;
	return false;
}

/*
 * The device's NUMA node, as DPDK 26.07 chooses it: SOCKET_ID_ANY unless
 * numa_aware=1. The node of the primary channel's interrupts says little
 * of where the data goes; with accelerated networking the VF carries it
 * and may sit on another node, and memory the application places by its
 * own lcores serves better (doc/guides/nics/netvsc.rst).
 */
static int
vmbus_set_numa(struct rte_vmbus_device *dev)
{
	const struct rte_devargs *da = dev->device.devargs;
	const char *name = dev->device.name;
	bool aware;
	int node;

	dev->device.numa_node = SOCKET_ID_ANY;
	if (vmbus_devargs_numa_aware(name, da != NULL ? da->args : NULL,
				     &aware) != 0)
		return -EINVAL;
	if (!aware)
		return 0;
	node = vmbus_sysfs_read_numa(vmbus_priv(dev)->sysfs_dir);
	if (node >= 0 && vmbus_eal_socket(node)) {
		dev->device.numa_node = node;
		return 0;
	}
	if (node >= 0)
		VMBUS_LOG(NOTICE, "%s: numa_node %d is none of this process's sockets; memory from any",
			  name, node);
	else
		VMBUS_LOG(NOTICE, "%s: numa_aware=1, but numa_node %s; memory from any socket",
			  name, node == -ENOENT ? "is missing (no CONFIG_NUMA)" :
			  node == -ENXIO ? "is -1 (no node known)" :
			  "is not a number");
	return 0;
}

static int
vmbus_probe_driver(struct rte_vmbus_driver *drv, struct rte_vmbus_device *dev)
{
	int ret;

	ret = vmbus_set_numa(dev);
	if (ret != 0)
		return ret;

	VMBUS_LOG(INFO, "probing %s (relid %u, numa %d) with %s",
		  dev->device.name, dev->relid, dev->device.numa_node,
		  drv->driver.name);

	ret = rte_vmbus_map_device(dev);
	if (ret != 0)
		return ret;

	dev->driver = drv;
	dev->device.driver = &drv->driver;
	ret = drv->probe(drv, dev);
	if (ret != 0) {
		VMBUS_LOG(ERR, "%s: %s probe failed: %d", dev->device.name,
			  drv->driver.name, ret);
		dev->driver = NULL;
		dev->device.driver = NULL;
		rte_vmbus_unmap_device(dev);
	}
	return ret;
}

/* Returns 0 when probed, 1 when no driver wants it, negative on error. */
static int
vmbus_probe_device(struct rte_vmbus_device *dev)
{
	struct rte_vmbus_driver *drv;

	if (dev->driver != NULL)
		return -EEXIST;
	if (!vmbus_device_allowed(dev)) {
		VMBUS_LOG(DEBUG, "%s: not allowed by devargs", dev->device.name);
		return 1;
	}
	TAILQ_FOREACH(drv, &vmbus_bus.driver_list, next) {
		if (vmbus_driver_matches(drv, dev))
			return vmbus_probe_driver(drv, dev);
	}
	VMBUS_LOG(DEBUG, "%s: no driver for its class", dev->device.name);
	return 1;
}

RTE_EXPORT_SYMBOL(rte_vmbus_probe)
int
rte_vmbus_probe(void)
{
	struct rte_vmbus_device *dev;
	int failed = 0;

	TAILQ_FOREACH(dev, &vmbus_bus.device_list, next) {
		if (dev->driver != NULL)
			continue;
		if (vmbus_probe_device(dev) < 0)
			failed++;
	}
	return failed == 0 ? 0 : -1;
}

/* Undo a probe: driver remove, then the mappings. */
static int
vmbus_detach(struct rte_vmbus_device *dev)
{
	const struct rte_vmbus_driver *drv = dev->driver;
	int ret;

	if (drv != NULL && drv->remove != NULL) {
		ret = drv->remove(dev);
		if (ret != 0) {
			VMBUS_LOG(ERR, "%s: %s remove failed: %d",
				  dev->device.name, drv->driver.name, ret);
			return ret;
		}
	}
	dev->driver = NULL;
	dev->device.driver = NULL;
	rte_vmbus_unmap_device(dev);
	return 0;
}

static int
vmbus_cleanup(void)
{
	struct rte_vmbus_device *dev;
	int ret = 0;

	while ((dev = TAILQ_FIRST(&vmbus_bus.device_list)) != NULL) {
		if (vmbus_detach(dev) != 0)
			ret = -1;
		vmbus_free_device(dev);
	}
	return ret;
}

static struct rte_device *
vmbus_find_device(const struct rte_device *start, rte_dev_cmp_t cmp,
		  const void *data)
{
	struct rte_vmbus_device *dev;

	dev = start != NULL ? TAILQ_NEXT(vmbus_dev(start), next) :
		TAILQ_FIRST(&vmbus_bus.device_list);
	for (; dev != NULL; dev = TAILQ_NEXT(dev, next))
		if (cmp(&dev->device, data) == 0)
			return &dev->device;
	return NULL;
}

/*
 * The bus object, in the shape of the DPDK release at hand
 * (vmbus_compat.h).  Either way this bus keeps its own device and driver
 * lists, whose layout is part of the 22.11 ABI.
 */
#ifdef VMBUS_GENERIC_DRIVER_LIST

static int
vmbus_bus_probe(struct rte_bus *bus __rte_unused)
{
	return rte_vmbus_probe();
}

static struct rte_device *
vmbus_bus_find_device(const struct rte_bus *bus __rte_unused,
		      const struct rte_device *start, rte_dev_cmp_t cmp,
		      const void *data)
{
	return vmbus_find_device(start, cmp, data);
}

static bool
vmbus_bus_match(const struct rte_driver *drv, const struct rte_device *dev)
{
	return vmbus_driver_matches(RTE_BUS_DRIVER(drv, const struct rte_vmbus_driver),
				    vmbus_dev(dev));
}

/* Hot-plug: the driver was chosen by vmbus_bus_match(). */
static int
vmbus_bus_probe_device(struct rte_driver *drv, struct rte_device *rdev)
{
	struct rte_vmbus_device *dev = vmbus_dev(rdev);

	if (dev->driver != NULL)
		return -EEXIST;
	if (!vmbus_device_allowed(dev))
		return 1;
	return vmbus_probe_driver(RTE_BUS_DRIVER(drv, struct rte_vmbus_driver),
				  dev);
}

/* The device stays listed: the bus's cleanup frees it. */
static int
vmbus_bus_unplug_device(struct rte_device *dev)
{
	return vmbus_detach(vmbus_dev(dev));
}

static int
vmbus_bus_cleanup(struct rte_bus *bus __rte_unused)
{
	return vmbus_cleanup();
}

/* Hot-plug looks for drivers on the generic list too. */
static void
vmbus_bus_add_driver(struct rte_vmbus_driver *driver)
{
	rte_bus_add_driver(&vmbus_bus.bus, &driver->driver);
}

static void
vmbus_bus_remove_driver(struct rte_vmbus_driver *driver)
{
	rte_bus_remove_driver(&vmbus_bus.bus, &driver->driver);
}

#else /* !VMBUS_GENERIC_DRIVER_LIST */

/* Before 26.07 these ops take no bus: the helpers serve as they are. */
#define vmbus_bus_probe rte_vmbus_probe
#define vmbus_bus_find_device vmbus_find_device
#define vmbus_bus_cleanup vmbus_cleanup

static int
vmbus_plug(struct rte_device *dev)
{
	return vmbus_probe_device(vmbus_dev(dev));
}

static int
vmbus_unplug(struct rte_device *rdev)
{
	struct rte_vmbus_device *dev = vmbus_dev(rdev);
	int ret;

	ret = vmbus_detach(dev);
	if (ret != 0)
		return ret;
	/* The device comes back, with fresh devargs, on the next scan. */
	rte_devargs_remove(rdev->devargs);
	vmbus_free_device(dev);
	return 0;
}

static void
vmbus_bus_add_driver(struct rte_vmbus_driver *driver __rte_unused)
{
}

static void
vmbus_bus_remove_driver(struct rte_vmbus_driver *driver __rte_unused)
{
}

#endif /* VMBUS_GENERIC_DRIVER_LIST */

/* Only hot-plug differs between the releases' bus ops. */
struct vmbus_bus vmbus_bus = {
	.device_list = TAILQ_HEAD_INITIALIZER(vmbus_bus.device_list),
	.driver_list = TAILQ_HEAD_INITIALIZER(vmbus_bus.driver_list),
	.bus.parse = vmbus_parse,
	.bus.scan = rte_vmbus_scan,
	.bus.probe = vmbus_bus_probe,
	.bus.find_device = vmbus_bus_find_device,
	.bus.cleanup = vmbus_bus_cleanup,
#ifdef VMBUS_GENERIC_DRIVER_LIST
	.bus.match = vmbus_bus_match,
	.bus.probe_device = vmbus_bus_probe_device,
	.bus.unplug_device = vmbus_bus_unplug_device,
#else
	.bus.plug = vmbus_plug,
	.bus.unplug = vmbus_unplug,
#endif
};

RTE_REGISTER_BUS(vmbus, vmbus_bus.bus);

RTE_EXPORT_INTERNAL_SYMBOL(rte_vmbus_register)
void
rte_vmbus_register(struct rte_vmbus_driver *driver)
{
	VMBUS_LOG(DEBUG, "registering driver %s", driver->driver.name);
	TAILQ_INSERT_TAIL(&vmbus_bus.driver_list, driver, next);
	vmbus_bus_add_driver(driver);
}

RTE_EXPORT_INTERNAL_SYMBOL(rte_vmbus_unregister)
void
rte_vmbus_unregister(struct rte_vmbus_driver *driver)
{
	vmbus_bus_remove_driver(driver);
	TAILQ_REMOVE(&vmbus_bus.driver_list, driver, next);
}

RTE_EXPORT_SYMBOL(rte_vmbus_irq_mask)
void
rte_vmbus_irq_mask(struct rte_vmbus_device *dev)
{
	vmbus_uio_irq_control(dev, 0);
}

RTE_EXPORT_SYMBOL(rte_vmbus_irq_unmask)
void
rte_vmbus_irq_unmask(struct rte_vmbus_device *dev)
{
	vmbus_uio_irq_control(dev, 1);
}

RTE_EXPORT_SYMBOL(rte_vmbus_irq_read)
int
rte_vmbus_irq_read(struct rte_vmbus_device *dev)
{
	return vmbus_uio_irq_read(dev);
}
