/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

#ifndef VMBUS_PRIVATE_H
#define VMBUS_PRIVATE_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <sys/uio.h>

#include <bus_driver.h>
#include <rte_log.h>
#include <rte_tailq.h>

#include "bus_vmbus_driver.h"
#include "vmbus_compat.h"

extern int vmbus_logtype_bus;

#define VMBUS_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, vmbus_logtype_bus, "%s(): " fmt "\n", \
		__func__, ##__VA_ARGS__)

/* Where the kernel lists VMBus devices. */
#define VMBUS_SYSFS_DEVICES "/sys/bus/vmbus/devices"

/* The only kernel driver whose devices this bus takes. */
#define VMBUS_UIO_DRIVER "uio_hv_generic"

/* Class id of the synthetic network adapter (HV_NIC_GUID). */
#define VMBUS_NIC_CLASS_ID "f8615163-df3e-46c5-913f-f2d2f965ed0e"

/* The ring header takes one Hyper-V page whatever the guest page size. */
#define VMBUS_RING_HDR_SIZE HYPERV_PAGE_SIZE

/* Highest packet type VMBus defines (VM_PKT_ADDITIONAL_DATA). */
#define VMBUS_CHANPKT_TYPE_LAST 13

/* Monitor ids index vmbus_mon_page.trigs: 4 groups of 32. */
#define VMBUS_MONITOR_ID_MAX (VMBUS_MONTRIGS_MAX * VMBUS_MONTRIG_LEN - 1)

/*
 * monitor_id of a channel the host gave no monitor slot (recent kernels
 * then hide the monitor_id attribute).
 */
#define VMBUS_NO_MONITOR UINT8_MAX

/* The send half of the interrupt page holds one bit per relid. */
#define VMBUS_INT_PAGE_HALF (HYPERV_PAGE_SIZE / 2)
#define VMBUS_INT_PAGE_RELIDS (VMBUS_INT_PAGE_HALF * CHAR_BIT)

/* Channels a netvsc device may use (primary included). */
#define VMBUS_MAX_CHANNELS 64

/*
 * Subchannel rings one device can have mapped at a time.  A slot is
 * released when its subchannel is closed, so this bounds the channels
 * open together, not the opens over the life of the device.
 */
#define VMBUS_MAX_SUBCHANNELS 128

/* Relids are directory names; the kernel keeps them below 2^16 here. */
#define VMBUS_RELID_MAX UINT16_MAX

struct vmbus_bus {
	struct rte_bus bus;
	RTE_TAILQ_HEAD(, rte_vmbus_device) device_list;
	RTE_TAILQ_HEAD(, rte_vmbus_driver) driver_list;
};

extern struct vmbus_bus vmbus_bus;

/*
 * What the bus keeps per device beyond the public structure.  Devices
 * are allocated by the bus only, so the public part is embedded first
 * and drivers never see the rest.
 */
struct vmbus_device_priv {
	struct rte_vmbus_device dev;
	char sysfs_dir[PATH_MAX];	/* .../devices/<name> */
	char name[64];			/* rte_device name */
	/*
	 * The subchannel rings this process has mapped, by slot of the
	 * shared table.  Kept here because the shared slot may since have
	 * been released or taken by another ring: unmapping goes by what
	 * this process mapped, not by what the slot says now.
	 */
	struct vmbus_local_map {
		void *addr;		/* NULL: nothing mapped */
		uint64_t size;
		uint32_t gen;		/* slot generation when mapped */
	} sub_local[VMBUS_MAX_SUBCHANNELS];
};

/*
 * The private part is the bus's own bookkeeping, updated even through
 * the const device pointers of the channel API.
 */
static inline struct vmbus_device_priv *
vmbus_priv(const struct rte_vmbus_device *dev)
{
	return (struct vmbus_device_priv *)((uintptr_t)dev -
		offsetof(struct vmbus_device_priv, dev));
}

/*
 * One direction of a channel.  The header lives in shared memory and is
 * written by the host; the indices this side owns are kept here as well
 * and are never read back from the header, so the host cannot steer us
 * by rewriting them.
 */
struct vmbus_br {
	struct vmbus_bufring *vbr;	/* shared header page */
	uint8_t *data;			/* data area, dsize bytes */
	uint32_t dsize;
	uint32_t windex;	/* TX: next free byte reserved by a sender */
	uint32_t committed;	/* TX: index published to the host */
	uint32_t rindex;	/* RX: next byte to consume */
	uint64_t errors;	/* malformed indices or packets seen */
	uint16_t relid;		/* channel, for log lines */
	bool tx;
};

struct vmbus_channel {
	STAILQ_HEAD(, vmbus_channel) subchannel_list;
	STAILQ_ENTRY(vmbus_channel) next;
	const struct rte_vmbus_device *device;

	struct vmbus_br rxbr;	/* host to guest */
	struct vmbus_br txbr;	/* guest to host */

	/*
	 * Where to signal the host.  Kept here rather than reached through
	 * device: the channel lives in shared memory and is used by
	 * secondary processes, where the primary's device pointer means
	 * nothing but these mappings sit at the same address.
	 */
	uint32_t *int_page;
	struct vmbus_mon_page *monitor_page;
	rte_uuid_t device_id;	/* finds the device in this process */

	uint16_t relid;
	uint16_t subchannel_id;
	uint8_t monitor_id;
};

/*
 * Mappings of a device, kept in shared memory so that secondary
 * processes map every region at the primary's address.
 */
struct vmbus_mapping {
	void *addr;
	uint64_t size;
	uint64_t gpadl;
};

/*
 * One subchannel ring slot.  The primary takes a slot when it opens a
 * subchannel and releases it when it closes it; gen changes on both, so
 * a process holding a mapping made under another generation knows it is
 * stale.
 */
struct vmbus_subchan_mapping {
	void *addr;
	uint64_t size;
	uint32_t gen;
	uint16_t relid;
	bool used;
};

struct vmbus_mapped_resource {
	TAILQ_ENTRY(vmbus_mapped_resource) next;
	rte_uuid_t id;
	int nb_maps;
	struct vmbus_mapping maps[VMBUS_MAX_RESOURCE];
	struct vmbus_subchan_mapping subchan[VMBUS_MAX_SUBCHANNELS];
};

TAILQ_HEAD(vmbus_mapped_resource_list, vmbus_mapped_resource);

/* One subchannel found in sysfs. */
struct vmbus_subchan_info {
	uint16_t relid;
	uint16_t subchannel_id;
	uint8_t monitor_id;
};

/* vmbus_common.c */
bool vmbus_insert_device(struct rte_vmbus_device *dev);
/*
 * The device devarg the bus reads itself; the rest are its driver's
 * (which must accept this key too, netvsc does).
 */
#define VMBUS_DEVARG_NUMA_AWARE "numa_aware"
int vmbus_devargs_numa_aware(const char *name, const char *args,
			     bool *aware);

/* linux/vmbus_sysfs.c */
enum vmbus_sysfs_verdict {
	VMBUS_SYSFS_OK = 0,	/* a complete network device bound to uio */
	VMBUS_SYSFS_SKIP,	/* not ours, or incomplete: logged, ignored */
};

/*
 * Parsers of one attribute value (a line without its newline), apart from
 * the file reads so they can be fed arbitrary text.
 */
int vmbus_sysfs_parse_ulong(const char *s, unsigned long max,
			    unsigned long *val);
int vmbus_sysfs_parse_uuid(char *s, rte_uuid_t uu);
int vmbus_sysfs_parse_uio_name(const char *name, int *uio_num);
int vmbus_sysfs_parse_map_name(const char *name, unsigned int idx,
			       uint64_t *gpadl);
int vmbus_sysfs_read_device(const char *dir, struct rte_vmbus_device *dev);
int vmbus_sysfs_read_numa(const char *dir);
int vmbus_sysfs_scan_dir(const char *devices_dir);
int vmbus_sysfs_find_uio(const char *dir, int *uio_num);
int vmbus_sysfs_read_map(const char *dir, int uio_num, unsigned int idx,
			 uint64_t *size, uint64_t *gpadl);
int vmbus_sysfs_next_subchan(const char *dir,
			     bool (*known)(uint16_t relid, void *arg),
			     void *arg, struct vmbus_subchan_info *info);
bool vmbus_sysfs_ring_present(const char *dir, uint16_t relid);
int vmbus_sysfs_ring_path(const char *dir, uint16_t relid,
			  char *buf, size_t len);

/* linux/vmbus_uio.c */
struct vmbus_mapped_resource *
vmbus_uio_find_resource(const struct rte_vmbus_device *dev);
int vmbus_uio_map_subchan(const struct rte_vmbus_device *dev, uint16_t relid,
			  void **addr, uint64_t *size);
void vmbus_uio_unmap_subchan(const struct rte_vmbus_device *dev,
			     uint16_t relid, const void *addr);
int vmbus_uio_check_map_size(unsigned int idx, uint64_t size);
void vmbus_uio_irq_control(struct rte_vmbus_device *dev, int32_t onoff);
void vmbus_uio_signal(const struct vmbus_channel *chan);
int vmbus_uio_irq_read(struct rte_vmbus_device *dev);

/* vmbus_channel.c */
int vmbus_chan_create(const struct rte_vmbus_device *dev, uint16_t relid,
		      uint16_t subchannel_id, uint8_t monitor_id,
		      void *ring, uint64_t ring_size,
		      struct vmbus_channel **chan);
void vmbus_chan_release_device(struct rte_vmbus_device *dev);
void vmbus_signal_host(uint32_t *int_page, struct vmbus_mon_page *mon,
		       uint32_t relid, uint8_t monitor_id);

/* vmbus_bufring.c */

/* Free bytes of a ring whose indices are windex and rindex. */
static inline uint32_t
vmbus_br_avail_write(uint32_t windex, uint32_t rindex, uint32_t dsize)
{
	if (windex >= rindex)
		return dsize - (windex - rindex);
	return rindex - windex;
}

/*
 * netvsc_protocol.rst, "Interrupt mask and signalling": the host reads
 * our TX ring and wants a signal only when it has not masked them and it
 * had consumed everything before this packet, i.e. it may be idle.
 */
static inline bool
vmbus_txbr_need_signal(uint32_t imask, uint32_t host_rindex,
		       uint32_t old_windex)
{
	return imask == 0 && host_rindex == old_windex;
}

int vmbus_br_setup(struct vmbus_br *br, void *buf, uint32_t blen, bool tx);
int vmbus_rxbr_host_windex(struct vmbus_br *rbr, uint32_t *idx);
int vmbus_txbr_write(struct vmbus_br *tbr, const struct iovec iov[],
		     int iovcnt, uint32_t len, bool *need_sig);
int vmbus_rxbr_peek(struct vmbus_br *rbr, struct vmbus_chanpkt_hdr *hdr);
void vmbus_rxbr_read(struct vmbus_br *rbr, const struct vmbus_chanpkt_hdr *hdr,
		     void *data, uint32_t skip, uint32_t len);
bool vmbus_rxbr_need_signal(uint32_t pending_sz, uint32_t avail_write,
			    uint32_t bytes_read);

#endif /* VMBUS_PRIVATE_H */
