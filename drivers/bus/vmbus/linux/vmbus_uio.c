/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Mapping the uio_hv_generic regions of a device and of its subchannel
 * rings, and the uio fd used for interrupt control
 * (doc/guides/nics/netvsc_protocol.rst, "uio_hv_generic surface").
 *
 * Channel structures live in shared memory and point into these
 * mappings, so a secondary process must map every region at the
 * address the primary used.  The addresses are recorded in a shared
 * tailq, one entry per device, created by the primary.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_eal_memconfig.h>
#include <rte_malloc.h>
#include <rte_memory.h>
#include <rte_tailq.h>

#include "vmbus_private.h"

static struct rte_tailq_elem vmbus_tailq = {
	.name = "VMBUS_MAPPED_RESOURCES",
};
EAL_REGISTER_TAILQ(vmbus_tailq)

/* EAL keeps the list head untyped; its first member is the TAILQ head. */
static struct vmbus_mapped_resource_list *
vmbus_resource_list(void)
{
	void *head = vmbus_tailq.head;

	return head;
}

/* Where the next mapping is asked to go in this process. */
static void *vmbus_map_hint;

static int
vmbus_find_max_end_va(const struct rte_memseg_list *msl, void *arg)
{
	void **end = arg;
	void *msl_end = RTE_PTR_ADD(msl->base_va, msl->len);

	if (msl_end > *end)
		*end = msl_end;
	return 0;
}

/*
 * Ask for addresses above DPDK's memory so that a secondary process,
 * which reserves the same memory at the same place, finds them free.
 */
static void *
vmbus_next_hint(void)
{
	if (vmbus_map_hint == NULL)
		rte_memseg_list_walk(vmbus_find_max_end_va, &vmbus_map_hint);
	return vmbus_map_hint;
}

/*
 * mmap a region.  With fixed set the region must land at addr exactly
 * (secondary process); otherwise addr is a hint.
 */
static void *
vmbus_map_region(int fd, off_t offset, void *addr, size_t size, bool fixed)
{
	void *va;

	va = mmap(fixed ? addr : vmbus_next_hint(), size,
		  PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
	if (va == MAP_FAILED) {
		VMBUS_LOG(ERR, "mmap of %zu bytes at offset %#jx failed: %s",
			  size, (intmax_t)offset, strerror(errno));
		return NULL;
	}
	if (fixed && va != addr) {
		VMBUS_LOG(ERR, "cannot map %zu bytes at %p as the primary did (got %p)",
			  size, addr, va);
		munmap(va, size);
		return NULL;
	}
	if (!fixed)
		vmbus_map_hint = RTE_PTR_ADD(va, RTE_ALIGN_CEIL(size,
						HYPERV_PAGE_SIZE));
	return va;
}

struct vmbus_mapped_resource *
vmbus_uio_find_resource(const struct rte_vmbus_device *dev)
{
	struct vmbus_mapped_resource_list *list = vmbus_resource_list();
	struct vmbus_mapped_resource *res;

	/*
	 * EAL sets its shared lists up after the bus scan: a process whose
	 * EAL set-up failed in between (a secondary that found no primary's
	 * memory to attach, say) still cleans up the devices it scanned,
	 * none of which it mapped.
	 */
	if (list == NULL) {
		VMBUS_LOG(ERR, "%s: no list of mapped devices: EAL set-up did not finish",
			  dev->device.name);
		return NULL;
	}
	TAILQ_FOREACH(res, list, next)
		if (rte_uuid_compare(res->id, dev->device_id) == 0)
			return res;
	return NULL;
}

/*
 * Smallest size each map must have to hold what we use in it.  The
 * ring pair is two equal rings, each a header page plus data pages.
 */
int
vmbus_uio_check_map_size(unsigned int idx, uint64_t size)
{
	switch (idx) {
	case HV_TXRX_RING_MAP:
		if (size < 4 * HYPERV_PAGE_SIZE ||
		    size % (2 * HYPERV_PAGE_SIZE) != 0 ||
		    size / 2 > UINT32_MAX)
			return -EINVAL;
		return 0;
	case HV_INT_PAGE_MAP:
	case HV_MON_PAGE_MAP:
		return size >= HYPERV_PAGE_SIZE ? 0 : -EINVAL;
	default:
		return size >= HYPERV_PAGE_SIZE &&
			size % HYPERV_PAGE_SIZE == 0 ? 0 : -EINVAL;
	}
}

/*
 * Read the map table of a device.  Maps 0-2 are needed by any channel
 * user; a network device also has its receive and send buffers.
 */
static int
vmbus_uio_read_maps(struct rte_vmbus_device *dev, int *nb_maps)
{
	const char *dir = vmbus_priv(dev)->sysfs_dir;
	rte_uuid_t nic_class;
	uint64_t size, gpadl;
	unsigned int i;
	int ret;

	rte_uuid_parse(VMBUS_NIC_CLASS_ID, nic_class);
	for (i = 0; i < VMBUS_MAX_RESOURCE; i++) {
		ret = vmbus_sysfs_read_map(dir, dev->uio_num, i, &size, &gpadl);
		if (ret == -ENOENT && i > HV_MON_PAGE_MAP &&
		    rte_uuid_compare(dev->class_id, nic_class) != 0)
			break;
		if (ret != 0) {
			VMBUS_LOG(ERR, "%s: uio%d map%u %s", dev->device.name,
				  dev->uio_num, i, ret == -ENOENT ?
				  "missing" : "unusable");
			return -EINVAL;
		}
		if (vmbus_uio_check_map_size(i, size) != 0) {
			VMBUS_LOG(ERR, "%s: uio%d map%u size %#" PRIx64 " too small or misaligned",
				  dev->device.name, dev->uio_num, i, size);
			return -EINVAL;
		}
		dev->resource[i].phys_addr = gpadl;
		dev->resource[i].len = size;
	}
	*nb_maps = i;
	return 0;
}

static void
vmbus_uio_set_pointers(struct rte_vmbus_device *dev)
{
	/* Guest to host half of the interrupt page (vmbus-ring 3.3). */
	dev->int_page = RTE_PTR_ADD(dev->resource[HV_INT_PAGE_MAP].addr,
				    VMBUS_INT_PAGE_HALF);
	dev->monitor_page = dev->resource[HV_MON_PAGE_MAP].addr;
}

static int
vmbus_uio_open_fd(struct rte_vmbus_device *dev)
{
	char path[32];
	int fd;

	snprintf(path, sizeof(path), "/dev/uio%d", dev->uio_num);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		VMBUS_LOG(ERR, "%s: cannot open %s: %s", dev->device.name,
			  path, strerror(errno));
		return -errno;
	}

	dev->intr_handle = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (dev->intr_handle == NULL ||
	    rte_intr_fd_set(dev->intr_handle, fd) != 0 ||
	    rte_intr_type_set(dev->intr_handle,
			      RTE_INTR_HANDLE_UIO_INTX) != 0) {
		rte_intr_instance_free(dev->intr_handle);
		dev->intr_handle = NULL;
		close(fd);
		return -ENOMEM;
	}
	return fd;
}

static void
vmbus_uio_close_fd(struct rte_vmbus_device *dev)
{
	if (dev->intr_handle == NULL)
		return;
	close(rte_intr_fd_get(dev->intr_handle));
	rte_intr_instance_free(dev->intr_handle);
	dev->intr_handle = NULL;
}

static void
vmbus_uio_unmap_regions(struct rte_vmbus_device *dev)
{
	unsigned int i;

	for (i = 0; i < VMBUS_MAX_RESOURCE; i++) {
		if (dev->resource[i].addr != NULL)
			munmap(dev->resource[i].addr, dev->resource[i].len);
		dev->resource[i].addr = NULL;
	}
	dev->int_page = NULL;
	dev->monitor_page = NULL;
}

static int
vmbus_uio_map_primary(struct rte_vmbus_device *dev, int fd)
{
	struct vmbus_mapped_resource *res;
	int i, nb_maps, ret;

	ret = vmbus_uio_read_maps(dev, &nb_maps);
	if (ret != 0)
		return ret;

	res = rte_zmalloc("vmbus_mapped_resource", sizeof(*res), 0);
	if (res == NULL)
		return -ENOMEM;
	rte_uuid_copy(res->id, dev->device_id);

	/* uio selects map K with mmap offset K pages (uio-surface 2). */
	for (i = 0; i < nb_maps; i++) {
		dev->resource[i].addr = vmbus_map_region(fd,
				(off_t)i * HYPERV_PAGE_SIZE, NULL,
				dev->resource[i].len, false);
		if (dev->resource[i].addr == NULL) {
			vmbus_uio_unmap_regions(dev);
			rte_free(res);
			return -EIO;
		}
		res->maps[i].addr = dev->resource[i].addr;
		res->maps[i].size = dev->resource[i].len;
		res->maps[i].gpadl = dev->resource[i].phys_addr;
	}
	res->nb_maps = nb_maps;

	rte_mcfg_tailq_write_lock();
	TAILQ_INSERT_TAIL(vmbus_resource_list(), res, next);
	rte_mcfg_tailq_write_unlock();
	return 0;
}

static int
vmbus_uio_map_ring_file(const struct rte_vmbus_device *dev, uint16_t relid,
			void *addr, uint64_t *size, void **va)
{
	char path[PATH_MAX];
	struct stat st;
	int fd, ret;

	ret = vmbus_sysfs_ring_path(vmbus_priv(dev)->sysfs_dir, relid, path,
				    sizeof(path));
	if (ret != 0)
		return ret;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		VMBUS_LOG(ERR, "cannot open %s: %s", path, strerror(errno));
		return -errno;
	}
	if (fstat(fd, &st) != 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	/* The file size is the ring pair size (uio-surface 1.2). */
	if (vmbus_uio_check_map_size(HV_TXRX_RING_MAP, st.st_size) != 0 ||
	    (addr != NULL && (uint64_t)st.st_size != *size)) {
		VMBUS_LOG(ERR, "%s: size %jd is not a usable ring pair", path,
			  (intmax_t)st.st_size);
		close(fd);
		return -EINVAL;
	}
	*va = vmbus_map_region(fd, 0, addr, st.st_size, addr != NULL);
	close(fd);
	if (*va == NULL)
		return -EIO;
	*size = st.st_size;
	return 0;
}

/* Drop this process's mapping of subchannel slot i, if any. */
static void
vmbus_uio_drop_local(struct vmbus_device_priv *priv, int i)
{
	struct vmbus_local_map *lm = &priv->sub_local[i];

	if (lm->addr != NULL)
		munmap(lm->addr, lm->size);
	lm->addr = NULL;
	lm->size = 0;
}

static void
vmbus_uio_unmap_subchans(struct rte_vmbus_device *dev)
{
	int i;

	for (i = 0; i < VMBUS_MAX_SUBCHANNELS; i++)
		vmbus_uio_drop_local(vmbus_priv(dev), i);
}

/* Whether this process maps slot m (index i) as it is now. */
static bool
vmbus_uio_local_current(const struct vmbus_device_priv *priv, int i,
			const struct vmbus_subchan_mapping *m)
{
	const struct vmbus_local_map *lm = &priv->sub_local[i];

	return lm->addr != NULL && m->used && lm->gen == m->gen &&
		lm->addr == m->addr;
}

/*
 * Map the ring recorded in slot i at the address the primary chose.
 * A mapping this process still holds from an earlier user of the slot
 * is dropped first: it may sit exactly where the new ring must go.
 */
static int
vmbus_uio_map_slot(const struct rte_vmbus_device *dev,
		   const struct vmbus_subchan_mapping *m, int i)
{
	struct vmbus_device_priv *priv = vmbus_priv(dev);
	uint64_t size = m->size;
	void *va;
	int ret;

	vmbus_uio_drop_local(priv, i);
	ret = vmbus_uio_map_ring_file(dev, m->relid, m->addr, &size, &va);
	if (ret != 0)
		return ret;
	priv->sub_local[i].addr = va;
	priv->sub_local[i].size = size;
	priv->sub_local[i].gen = m->gen;
	return 0;
}

/*
 * Bring a secondary process's subchannel mappings in line with the
 * shared table: unmap rings whose slot was released or reused since,
 * map the rings it lacks.
 */
static int
vmbus_uio_sync_subchans(struct rte_vmbus_device *dev,
			const struct vmbus_mapped_resource *res)
{
	struct vmbus_device_priv *priv = vmbus_priv(dev);
	const struct vmbus_subchan_mapping *m;
	int i, ret = 0;

	rte_mcfg_tailq_read_lock();
	for (i = 0; i < VMBUS_MAX_SUBCHANNELS; i++) {
		m = &res->subchan[i];
		if (!vmbus_uio_local_current(priv, i, m))
			vmbus_uio_drop_local(priv, i);
	}
	for (i = 0; i < VMBUS_MAX_SUBCHANNELS && ret == 0; i++) {
		m = &res->subchan[i];
		if (m->used && priv->sub_local[i].addr == NULL)
			ret = vmbus_uio_map_slot(dev, m, i);
	}
	rte_mcfg_tailq_read_unlock();
	return ret;
}

static int
vmbus_uio_map_secondary(struct rte_vmbus_device *dev, int fd)
{
	struct vmbus_mapped_resource *res;
	int i;

	res = vmbus_uio_find_resource(dev);
	if (res == NULL) {
		VMBUS_LOG(ERR, "%s: not mapped by the primary process",
			  dev->device.name);
		return -ENODEV;
	}
	for (i = 0; i < res->nb_maps; i++) {
		dev->resource[i].addr = vmbus_map_region(fd,
				(off_t)i * HYPERV_PAGE_SIZE, res->maps[i].addr,
				res->maps[i].size, true);
		if (dev->resource[i].addr == NULL)
			goto fail;
		dev->resource[i].len = res->maps[i].size;
		dev->resource[i].phys_addr = res->maps[i].gpadl;
	}
	if (vmbus_uio_sync_subchans(dev, res) != 0)
		goto fail;
	return 0;

fail:
	vmbus_uio_unmap_subchans(dev);
	vmbus_uio_unmap_regions(dev);
	return -EIO;
}

RTE_EXPORT_SYMBOL(rte_vmbus_map_device)
int
rte_vmbus_map_device(struct rte_vmbus_device *dev)
{
	struct vmbus_mapped_resource *res;
	int fd, ret;

	/*
	 * Mapped already.  A secondary process catches up with the
	 * subchannels the primary opened and closed since.
	 */
	if (dev->resource[HV_TXRX_RING_MAP].addr != NULL) {
		if (rte_eal_process_type() == RTE_PROC_PRIMARY)
			return 0;
		res = vmbus_uio_find_resource(dev);
		return res != NULL ? vmbus_uio_sync_subchans(dev, res) : -ENODEV;
	}
	/* Re-read: the device may have been re-bound since the scan. */
	if (vmbus_sysfs_find_uio(vmbus_priv(dev)->sysfs_dir,
				 &dev->uio_num) != 0) {
		VMBUS_LOG(NOTICE, "%s: not managed by %s", dev->device.name,
			  VMBUS_UIO_DRIVER);
		return 1;
	}

	fd = vmbus_uio_open_fd(dev);
	if (fd < 0)
		return fd;
	if (rte_eal_process_type() == RTE_PROC_PRIMARY)
		ret = vmbus_uio_map_primary(dev, fd);
	else
		ret = vmbus_uio_map_secondary(dev, fd);
	if (ret != 0) {
		vmbus_uio_close_fd(dev);
		return ret;
	}
	vmbus_uio_set_pointers(dev);
	return 0;
}

RTE_EXPORT_SYMBOL(rte_vmbus_unmap_device)
void
rte_vmbus_unmap_device(struct rte_vmbus_device *dev)
{
	struct vmbus_mapped_resource *res = vmbus_uio_find_resource(dev);
	bool primary = rte_eal_process_type() == RTE_PROC_PRIMARY;

	/* Channels belong to the primary; they point into the maps. */
	if (primary)
		vmbus_chan_release_device(dev);
	vmbus_uio_unmap_subchans(dev);
	vmbus_uio_unmap_regions(dev);
	vmbus_uio_close_fd(dev);

	if (primary && res != NULL) {
		rte_mcfg_tailq_write_lock();
		TAILQ_REMOVE(vmbus_resource_list(), res, next);
		rte_mcfg_tailq_write_unlock();
		rte_free(res);
	}
}

/*
 * Map the ring file of subchannel relid in this process.  A ring some
 * process already recorded is mapped at the recorded address; a new one
 * takes a free slot, so every process later maps it at this address.
 */
int
vmbus_uio_map_subchan(const struct rte_vmbus_device *dev, uint16_t relid,
		      void **addr, uint64_t *size)
{
	struct vmbus_device_priv *priv = vmbus_priv(dev);
	struct vmbus_mapped_resource *res = vmbus_uio_find_resource(dev);
	struct vmbus_subchan_mapping *m;
	int i, free_slot = -1, ret;

	if (res == NULL)
		return -EINVAL;
	for (i = 0; i < VMBUS_MAX_SUBCHANNELS; i++) {
		m = &res->subchan[i];
		if (!m->used) {
			if (free_slot < 0)
				free_slot = i;
			continue;
		}
		if (m->relid != relid)
			continue;
		if (!vmbus_uio_local_current(priv, i, m)) {
			ret = vmbus_uio_map_slot(dev, m, i);
			if (ret != 0)
				return ret;
		}
		*addr = m->addr;
		*size = m->size;
		return 0;
	}

	if (free_slot < 0) {
		VMBUS_LOG(ERR, "%s: more than %d subchannels open",
			  dev->device.name, VMBUS_MAX_SUBCHANNELS);
		return -ENOSPC;
	}
	i = free_slot;
	/* Whatever this process kept of the slot's last ring is stale. */
	vmbus_uio_drop_local(priv, i);
	ret = vmbus_uio_map_ring_file(dev, relid, NULL, size, addr);
	if (ret != 0)
		return ret;

	m = &res->subchan[i];
	rte_mcfg_tailq_write_lock();
	m->relid = relid;
	m->addr = *addr;
	m->size = *size;
	m->gen++;
	m->used = true;
	rte_mcfg_tailq_write_unlock();
	priv->sub_local[i].addr = *addr;
	priv->sub_local[i].size = *size;
	priv->sub_local[i].gen = m->gen;
	return 0;
}

/*
 * A subchannel was closed: unmap its ring here and release its slot.
 * The new generation tells secondary processes that their mapping of
 * the slot is stale; they drop it at their next map (see
 * vmbus_uio_sync_subchans), never reuse it.
 */
void
vmbus_uio_unmap_subchan(const struct rte_vmbus_device *dev, uint16_t relid,
			const void *addr)
{
	struct vmbus_mapped_resource *res = vmbus_uio_find_resource(dev);
	struct vmbus_subchan_mapping *m;
	int i;

	for (i = 0; res != NULL && i < VMBUS_MAX_SUBCHANNELS; i++) {
		m = &res->subchan[i];
		if (!m->used || m->relid != relid || m->addr != addr)
			continue;
		vmbus_uio_drop_local(vmbus_priv(dev), i);
		rte_mcfg_tailq_write_lock();
		m->used = false;
		m->gen++;
		rte_mcfg_tailq_write_unlock();
		return;
	}
	VMBUS_LOG(ERR, "%s: closed subchannel %u has no ring slot",
		  dev->device.name, relid);
}

void
vmbus_uio_irq_control(struct rte_vmbus_device *dev, int32_t onoff)
{
	int fd = dev->intr_handle != NULL ?
		rte_intr_fd_get(dev->intr_handle) : -1;

	/* uio irqcontrol: exactly one 32-bit value (uio-surface 2). */
	if (fd < 0 || write(fd, &onoff, sizeof(onoff)) != sizeof(onoff))
		VMBUS_LOG(ERR, "%s: cannot %s interrupts: %s",
			  dev->device.name, onoff ? "unmask" : "mask",
			  fd < 0 ? "device not mapped" : strerror(errno));
}

/*
 * Signal a primary channel that has no monitor slot: writing 1 to the
 * uio device makes uio_hv_generic's irqcontrol signal the host (kernels
 * that hide monitor_id do this).  Like any unmask it also clears the RX
 * interrupt mask.  The channel may be used by a secondary process, so
 * the device, and its fd, are looked up in this process.
 */
void
vmbus_uio_signal(const struct vmbus_channel *chan)
{
	struct rte_vmbus_device *dev;

	TAILQ_FOREACH(dev, &vmbus_bus.device_list, next) {
		if (rte_uuid_compare(dev->device_id, chan->device_id) == 0) {
			vmbus_uio_irq_control(dev, 1);
			return;
		}
	}
}

int
vmbus_uio_irq_read(struct rte_vmbus_device *dev)
{
	int fd = dev->intr_handle != NULL ?
		rte_intr_fd_get(dev->intr_handle) : -1;
	uint32_t count;
	ssize_t n;

	if (fd < 0)
		return -EBADF;
	n = read(fd, &count, sizeof(count));
	if (n < 0) {
		VMBUS_LOG(ERR, "%s: interrupt read failed: %s",
			  dev->device.name, strerror(errno));
		return -errno;
	}
	if (n != sizeof(count)) {
		VMBUS_LOG(ERR, "%s: short interrupt read (%zd bytes)",
			  dev->device.name, n);
		return -EIO;
	}
	/* The count comes from the host: keep it from reading as an error. */
	return (int)(count & INT32_MAX);
}
