/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Channel API: attach to the primary channel and to subchannels, send
 * and receive packets, and signal the host when the ring protocol says
 * it is waiting (doc/guides/nics/netvsc_protocol.rst,
 * "Interrupt mask and signalling").
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/uio.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_malloc.h>

#include "vmbus_private.h"

/* How long a subchannel being opened by the kernel is waited for. */
#define VMBUS_SUBCHAN_WAIT_US (200 * 1000)
#define VMBUS_SUBCHAN_POLL_US 1000

/* Largest packet a descriptor can describe: len8 is 16 bits. */
#define VMBUS_CHANPKT_MAX_LEN ((uint32_t)UINT16_MAX << VMBUS_CHANPKT_SIZE_SHIFT)

static inline uint32_t *
vmbus_mon_pending(struct vmbus_mon_page *mon, uint8_t monitor_id)
{
	/* Word "pending" leads each trigger group (netvsc_protocol.rst,
	 * "Monitor page").
	 */
	return RTE_PTR_ADD(mon, offsetof(struct vmbus_mon_page, trigs) +
			   (monitor_id / VMBUS_MONTRIG_LEN) *
			   sizeof(struct vmbus_mon_trig));
}

/*
 * Signal the host as Linux vmbus_setevent() does for a channel with a
 * monitor allocated: the relid bit in the guest to host half of the
 * interrupt page, then the channel's pending bit in the monitor page,
 * which the host polls.  No hypercall is possible from user space, and
 * the uio write would only signal channels without a monitor.
 */
void
vmbus_signal_host(uint32_t *int_page, struct vmbus_mon_page *mon,
		  uint32_t relid, uint8_t monitor_id)
{
	if (int_page != NULL && relid < VMBUS_INT_PAGE_RELIDS)
		__atomic_fetch_or(&int_page[relid / 32], 1u << (relid % 32),
				  __ATOMIC_SEQ_CST);
	if (mon != NULL && monitor_id <= VMBUS_MONITOR_ID_MAX)
		__atomic_fetch_or(vmbus_mon_pending(mon, monitor_id),
				  1u << (monitor_id % VMBUS_MONTRIG_LEN),
				  __ATOMIC_SEQ_CST);
}

static void
vmbus_chan_signal(const struct vmbus_channel *chan)
{
	if (likely(chan->monitor_id != VMBUS_NO_MONITOR))
		vmbus_signal_host(chan->int_page, chan->monitor_page,
				  chan->relid, chan->monitor_id);
	else
		vmbus_uio_signal(chan);
}

RTE_EXPORT_SYMBOL(rte_vmbus_set_latency)
void
rte_vmbus_set_latency(const struct rte_vmbus_device *dev,
		      const struct vmbus_channel *chan, uint32_t latency)
{
	uint32_t units = latency / 100;	/* host counts 100 ns units */

	if (units >= UINT16_MAX) {
		VMBUS_LOG(ERR, "latency %u ns does not fit the monitor page",
			  latency);
		return;
	}
	/* Without a monitor slot the host has no latency to set. */
	if (chan->monitor_id == VMBUS_NO_MONITOR)
		return;
	if (dev->monitor_page == NULL ||
	    chan->monitor_id > VMBUS_MONITOR_ID_MAX) {
		VMBUS_LOG(ERR, "channel %u has no usable monitor slot",
			  chan->relid);
		return;
	}
	dev->monitor_page->lat[chan->monitor_id / VMBUS_MONTRIG_LEN]
			      [chan->monitor_id % VMBUS_MONTRIG_LEN] = units;
}

RTE_EXPORT_SYMBOL(rte_vmbus_chan_signal_tx)
void
rte_vmbus_chan_signal_tx(const struct vmbus_channel *chan)
{
	/* Packets are published before imask is sampled (vmbus-ring 2.6). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&chan->txbr.vbr->imask, __ATOMIC_RELAXED) != 0)
		return;
	vmbus_chan_signal(chan);
}

/* Fill a descriptor; lengths in bytes, multiples of 8. */
static inline void
vmbus_chanpkt_fill(struct vmbus_chanpkt_hdr *hdr, uint16_t type,
		   uint16_t flags, uint32_t hlen, uint32_t tlen, uint64_t xact)
{
	hdr->type = type;
	hdr->hlen = hlen >> VMBUS_CHANPKT_SIZE_SHIFT;
	hdr->tlen = tlen >> VMBUS_CHANPKT_SIZE_SHIFT;
	hdr->flags = flags;
	hdr->xactid = xact;
}

/*
 * Queue one packet of len bytes (padded) made of the given pieces, then
 * signal the host or hand the decision to a batching caller.
 */
static inline int
vmbus_chan_write(struct vmbus_channel *chan, const struct iovec iov[],
		 int iovcnt, uint32_t len, bool *need_sig)
{
	bool sig = false;
	int ret;

	ret = vmbus_txbr_write(&chan->txbr, iov, iovcnt, len, &sig);
	if (ret != 0)
		return ret;
	if (need_sig != NULL)
		*need_sig |= sig;
	else if (sig)
		vmbus_chan_signal(chan);
	return 0;
}

RTE_EXPORT_SYMBOL(rte_vmbus_chan_send)
int
rte_vmbus_chan_send(struct vmbus_channel *chan, uint16_t type,
		    void *data, uint32_t dlen, uint64_t xact, uint32_t flags,
		    bool *need_sig)
{
	struct vmbus_chanpkt pkt;
	struct iovec iov[2];
	uint64_t len = sizeof(pkt) + (uint64_t)dlen;
	uint64_t padded = RTE_ALIGN_CEIL(len, VMBUS_CHANPKT_SIZE_ALIGN);

	/*
	 * This form carries no type-specific header, so only inband data
	 * and completions fit it; hosts treat unknown flags as corruption.
	 */
	if (unlikely((type != VMBUS_CHANPKT_TYPE_INBAND &&
		      type != VMBUS_CHANPKT_TYPE_COMP) ||
		     (flags & ~VMBUS_CHANPKT_FLAG_RC) != 0 ||
		     padded > VMBUS_CHANPKT_MAX_LEN ||
		     (data == NULL && dlen != 0)))
		return -EINVAL;

	vmbus_chanpkt_fill(&pkt.hdr, type, flags, sizeof(pkt), padded, xact);
	iov[0].iov_base = &pkt;
	iov[0].iov_len = sizeof(pkt);
	iov[1].iov_base = data;
	iov[1].iov_len = dlen;
	return vmbus_chan_write(chan, iov, dlen != 0 ? 2 : 1, padded,
				need_sig);
}

RTE_EXPORT_SYMBOL(rte_vmbus_chan_send_sglist)
int
rte_vmbus_chan_send_sglist(struct vmbus_channel *chan,
			   struct vmbus_gpa gpa[], uint32_t gpacnt,
			   void *data, uint32_t dlen, uint64_t xact,
			   bool *need_sig)
{
	struct vmbus_chanpkt_sglist pkt;
	struct iovec iov[3];
	uint64_t list_len = (uint64_t)gpacnt * sizeof(gpa[0]);
	uint64_t len = sizeof(pkt) + list_len + dlen;
	uint64_t padded = RTE_ALIGN_CEIL(len, VMBUS_CHANPKT_SIZE_ALIGN);
	uint32_t i;

	if (unlikely(gpacnt == 0 || padded > VMBUS_CHANPKT_MAX_LEN ||
		     (data == NULL && dlen != 0)))
		return -EINVAL;
	/* Each entry stays inside its own page (netvsc_protocol.rst, "GPA
	 * direct packets").
	 */
	for (i = 0; i < gpacnt; i++)
		if (unlikely(gpa[i].len == 0 || gpa[i].ofs >= HYPERV_PAGE_SIZE ||
			     gpa[i].len > HYPERV_PAGE_SIZE - gpa[i].ofs))
			return -EINVAL;

	/* The page list is 16-byte entries, so the header stays aligned. */
	vmbus_chanpkt_fill(&pkt.hdr, VMBUS_CHANPKT_TYPE_GPA,
			   VMBUS_CHANPKT_FLAG_RC, sizeof(pkt) + list_len,
			   padded, xact);
	pkt.rsvd = 0;
	pkt.gpa_cnt = gpacnt;
	iov[0].iov_base = &pkt;
	iov[0].iov_len = sizeof(pkt);
	iov[1].iov_base = gpa;
	iov[1].iov_len = list_len;
	iov[2].iov_base = data;
	iov[2].iov_len = dlen;
	return vmbus_chan_write(chan, iov, dlen != 0 ? 3 : 2, padded,
				need_sig);
}

RTE_EXPORT_SYMBOL(rte_vmbus_chan_rx_empty)
bool
rte_vmbus_chan_rx_empty(const struct vmbus_channel *chan)
{
	const struct vmbus_br *rbr = &chan->rxbr;

	/*
	 * A bogus host index reads as "not empty" so that the caller's
	 * receive reports and counts it.
	 */
	return __atomic_load_n(&rbr->vbr->windex, __ATOMIC_ACQUIRE) ==
		rbr->rindex;
}

RTE_EXPORT_SYMBOL(rte_vmbus_chan_signal_read)
void
rte_vmbus_chan_signal_read(struct vmbus_channel *chan, uint32_t bytes_read)
{
	struct vmbus_br *rbr = &chan->rxbr;
	uint32_t pending, widx;

	/* Only a host that announced pending_send_sz waits for room. */
	if (!(__atomic_load_n(&rbr->vbr->feature_bits.value,
			      __ATOMIC_RELAXED) & 1))
		return;

	/* Our read index store must be visible before pending is read. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	pending = __atomic_load_n(&rbr->vbr->pending_send, __ATOMIC_RELAXED);
	if (pending == 0)
		return;
	if (vmbus_rxbr_host_windex(rbr, &widx) != 0)
		return;
	if (vmbus_rxbr_need_signal(pending,
				   vmbus_br_avail_write(widx, rbr->rindex,
							rbr->dsize),
				   bytes_read))
		vmbus_chan_signal(chan);
}

RTE_EXPORT_SYMBOL(rte_vmbus_chan_recv)
int
rte_vmbus_chan_recv(struct vmbus_channel *chan, void *data, uint32_t *len,
		    uint64_t *request_id)
{
	struct vmbus_chanpkt_hdr hdr;
	uint32_t room = *len, hlen, dlen;
	int ret;

	*len = 0;
	ret = vmbus_rxbr_peek(&chan->rxbr, &hdr);
	if (ret != 0)
		return ret;

	hlen = vmbus_chanpkt_getlen(hdr.hlen);
	dlen = vmbus_chanpkt_datalen(&hdr);
	*len = dlen;
	if (dlen > room)
		return -ENOBUFS;
	if (request_id != NULL)
		*request_id = hdr.xactid;

	vmbus_rxbr_read(&chan->rxbr, &hdr, data, hlen, dlen);
	rte_vmbus_chan_signal_read(chan, vmbus_chanpkt_getlen(hdr.tlen) +
				   sizeof(uint64_t));
	return 0;
}

RTE_EXPORT_SYMBOL(rte_vmbus_chan_recv_raw)
int
rte_vmbus_chan_recv_raw(struct vmbus_channel *chan, void *data,
			uint32_t *len)
{
	struct vmbus_chanpkt_hdr hdr;
	uint32_t room = *len, pktlen;
	int ret;

	ret = vmbus_rxbr_peek(&chan->rxbr, &hdr);
	if (ret != 0)
		return ret;

	pktlen = vmbus_chanpkt_getlen(hdr.tlen);
	*len = pktlen;
	if (pktlen > room)
		return -ENOBUFS;

	vmbus_rxbr_read(&chan->rxbr, &hdr, data, 0, pktlen);
	/*
	 * The host may have rewritten the descriptor after it was checked:
	 * hand out the checked copy, which is what sized this read.
	 */
	memcpy(data, &hdr, sizeof(hdr));
	return pktlen + sizeof(uint64_t);
}

int
vmbus_chan_create(const struct rte_vmbus_device *dev, uint16_t relid,
		  uint16_t subchannel_id, uint8_t monitor_id,
		  void *ring, uint64_t ring_size, struct vmbus_channel **newp)
{
	struct vmbus_channel *chan;
	uint64_t half = ring_size / 2;
	int ret;

	/* TX ring first, RX ring second, equal halves (vmbus-ring 1.1). */
	if (ring == NULL || half > UINT32_MAX ||
	    ring_size % (2 * VMBUS_RING_HDR_SIZE) != 0) {
		VMBUS_LOG(ERR, "channel %u: ring pair of %" PRIu64 " bytes unusable",
			  relid, ring_size);
		return -EINVAL;
	}

	chan = rte_zmalloc_socket("vmbus_channel", sizeof(*chan),
				  RTE_CACHE_LINE_SIZE, dev->device.numa_node);
	if (chan == NULL)
		return -ENOMEM;

	STAILQ_INIT(&chan->subchannel_list);
	chan->device = dev;
	chan->int_page = dev->int_page;
	chan->monitor_page = dev->monitor_page;
	rte_uuid_copy(chan->device_id, dev->device_id);
	chan->relid = relid;
	chan->subchannel_id = subchannel_id;
	chan->monitor_id = monitor_id;

	ret = vmbus_br_setup(&chan->txbr, ring, (uint32_t)half, true);
	if (ret == 0)
		ret = vmbus_br_setup(&chan->rxbr, RTE_PTR_ADD(ring, half),
				     (uint32_t)half, false);
	if (ret != 0) {
		rte_free(chan);
		return ret;
	}
	chan->txbr.relid = relid;
	chan->rxbr.relid = relid;
	*newp = chan;
	return 0;
}

/* Free a subchannel and give back its ring and ring slot. */
static void
vmbus_subchan_free(struct vmbus_channel *sub)
{
	vmbus_uio_unmap_subchan(sub->device, sub->relid, sub->txbr.vbr);
	rte_free(sub);
}

static void
vmbus_chan_free_all(struct vmbus_channel *primary)
{
	struct vmbus_channel *sub;

	while ((sub = STAILQ_FIRST(&primary->subchannel_list)) != NULL) {
		STAILQ_REMOVE_HEAD(&primary->subchannel_list, next);
		vmbus_subchan_free(sub);
	}
	rte_free(primary);
}

RTE_EXPORT_SYMBOL(rte_vmbus_chan_open)
int
rte_vmbus_chan_open(struct rte_vmbus_device *dev, struct vmbus_channel **newp)
{
	const struct rte_mem_resource *res = &dev->resource[HV_TXRX_RING_MAP];
	struct vmbus_channel *chan;
	int ret;

	if (res->addr == NULL) {
		VMBUS_LOG(ERR, "%s: rings not mapped", dev->device.name);
		return -EINVAL;
	}
	ret = vmbus_chan_create(dev, dev->relid, 0, dev->monitor_id,
				res->addr, res->len, &chan);
	if (ret != 0)
		return ret;

	/* A re-open replaces the previous primary and its subchannels. */
	if (dev->primary != NULL)
		vmbus_chan_free_all(dev->primary);
	dev->primary = chan;
	*newp = chan;
	return 0;
}

/* Called when the device is unmapped: nothing can use its rings now. */
void
vmbus_chan_release_device(struct rte_vmbus_device *dev)
{
	if (dev->primary != NULL)
		vmbus_chan_free_all(dev->primary);
	dev->primary = NULL;
}

RTE_EXPORT_SYMBOL(rte_vmbus_chan_close)
void
rte_vmbus_chan_close(struct vmbus_channel *chan)
{
	struct vmbus_channel *primary;

	/*
	 * Channels belong to the primary process: chan->device means
	 * nothing elsewhere, and the channel is shared.
	 */
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return;
	primary = chan->device->primary;
	/*
	 * The primary channel stays allocated until the device is
	 * unmapped: secondary processes may still point at it.
	 */
	if (chan == primary)
		return;
	if (primary != NULL)
		STAILQ_REMOVE(&primary->subchannel_list, chan, vmbus_channel,
			      next);
	vmbus_subchan_free(chan);
}

RTE_EXPORT_SYMBOL(rte_vmbus_max_channels)
int
rte_vmbus_max_channels(const struct rte_vmbus_device *dev)
{
	/*
	 * Without monitor slots only the primary channel can be signalled
	 * from user space (through the uio device).
	 */
	if (dev->monitor_id == VMBUS_NO_MONITOR)
		return 1;
	if (vmbus_sysfs_ring_present(vmbus_priv(dev)->sysfs_dir, dev->relid))
		return VMBUS_MAX_CHANNELS;
	return 1;
}

static bool
vmbus_chan_known(uint16_t relid, void *arg)
{
	const struct vmbus_channel *primary = arg;
	const struct vmbus_channel *sub;

	if (relid == primary->relid)
		return true;
	STAILQ_FOREACH(sub, &primary->subchannel_list, next)
		if (sub->relid == relid)
			return true;
	return false;
}

RTE_EXPORT_SYMBOL(rte_vmbus_subchan_open)
int
rte_vmbus_subchan_open(struct vmbus_channel *primary,
		       struct vmbus_channel **newp)
{
	const struct rte_vmbus_device *dev = primary->device;
	struct vmbus_subchan_info info;
	struct vmbus_channel *chan;
	unsigned int waited;
	uint64_t size;
	void *ring;
	int ret;

	/*
	 * A channel directory without its ring is an offer the kernel is
	 * still opening: worth a short wait.  With nothing offered the
	 * caller hears -ENOENT at once and decides how long to retry.
	 */
	for (waited = 0; ; waited += VMBUS_SUBCHAN_POLL_US) {
		ret = vmbus_sysfs_next_subchan(vmbus_priv(dev)->sysfs_dir,
					       vmbus_chan_known, primary,
					       &info);
		if (ret != -EINPROGRESS)
			break;
		if (waited >= VMBUS_SUBCHAN_WAIT_US)
			return -ENOENT;
		rte_delay_us_sleep(VMBUS_SUBCHAN_POLL_US);
	}
	if (ret != 0)
		return ret;

	ret = vmbus_uio_map_subchan(dev, info.relid, &ring, &size);
	if (ret != 0)
		return ret;

	ret = vmbus_chan_create(dev, info.relid, info.subchannel_id,
				info.monitor_id, ring, size, &chan);
	if (ret != 0) {
		vmbus_uio_unmap_subchan(dev, info.relid, ring);
		return ret;
	}

	STAILQ_INSERT_TAIL(&primary->subchannel_list, chan, next);
	*newp = chan;
	return 0;
}

RTE_EXPORT_SYMBOL(rte_vmbus_sub_channel_index)
uint16_t
rte_vmbus_sub_channel_index(const struct vmbus_channel *chan)
{
	return chan->subchannel_id;
}

static void
vmbus_dump_ring(FILE *f, const char *dir, const struct vmbus_br *br)
{
	const struct vmbus_bufring *vbr = br->vbr;

	fprintf(f, "  %s: windex=%u rindex=%u imask=%u pending=%u features=%#x\n",
		dir, vbr->windex, vbr->rindex, vbr->imask, vbr->pending_send,
		vbr->feature_bits.value);
	fprintf(f, "      dsize=%u own windex=%u rindex=%u errors=%" PRIu64 "\n",
		br->dsize, br->committed, br->rindex, br->errors);
}

void
rte_vmbus_chan_dump(FILE *f, const struct vmbus_channel *chan)
{
	fprintf(f, "channel relid=%u subchannel=%u monitor=%u\n",
		chan->relid, chan->subchannel_id, chan->monitor_id);
	vmbus_dump_ring(f, "tx", &chan->txbr);
	vmbus_dump_ring(f, "rx", &chan->rxbr);
}
