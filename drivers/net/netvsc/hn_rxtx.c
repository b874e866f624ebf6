/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Queues and burst functions.
 *
 * Each queue pair owns one VMBus channel (queue i = subchannel i, 0 = the
 * primary). Whoever holds the channel's ring_lock reads the channel's
 * inbound ring: received frames are copied out of the receive buffer into
 * mbufs and staged for the receive burst; transmit completions release
 * descriptors and send-buffer sections of the same queue; control
 * completions are handed to the NVSP/RNDIS layers.
 *
 * Transmit copies frames up to tx_copybreak (by default all that fit a
 * section) into send-buffer sections, several RNDIS packets per section
 * and one VMBus packet per section, and sends larger frames as GPA page
 * lists without copying. The host is signalled at most once per burst.
 */

#include <errno.h>
#include <string.h>

#include <rte_bus_vmbus.h>
#include <bus_vmbus_driver.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <ethdev_driver.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_net.h>
#include <rte_memcpy.h>
#include <rte_memzone.h>
#include <rte_prefetch.h>
#include <rte_ring.h>

#include "hn_var.h"
#include "hn_nvs.h"
#include "hn_vf.h"
#include "hn_rndis.h"

#define HN_EVENT_BUF_SIZE	16384
#define HN_EVENT_BUF_MAX	(1024 * 1024)
#define HN_RX_RING_BUDGET	128	/* ring packets per receive burst */
#define HN_STAGE_MIN		1024
#define HN_TX_HDR_SLOT		128	/* RNDIS header room per descriptor */
#define HN_TX_FREE_THRESH	32
#define HN_TX_GPA_MAX		MAX_PAGE_BUFFER_COUNT
#define HN_TX_FREE_BATCH	64	/* copied frames freed at once */

static_assert(sizeof(struct hn_rndis_pkt_msg) + HN_TX_PPI_MAX <=
	      HN_TX_HDR_SLOT, "RNDIS header slot too small");
static_assert(HN_SIZE_1024_1518 == HN_SIZE_65_127 + 11 - 7,
	      "size buckets from 65 bytes follow the bit length");
static_assert(HYPERV_PAGE_SIZE % HN_TX_HDR_SLOT == 0,
	      "a header slot must never cross a page");

/* Receive side */

/*
 * From 65 to 1518 bytes the buckets are powers of two, so the bit length
 * of the size picks one: 7 bits (65-127) is HN_SIZE_65_127, 11 bits
 * (1024-1518) HN_SIZE_1024_1518.
 */
static inline void
hn_size_bucket(uint64_t *size, uint32_t len)
{
	if (len <= 64)
		size[len == 64 ? HN_SIZE_64 : HN_SIZE_UNDER_64]++;
	else if (len <= 1518)
		size[rte_fls_u32(len) - 7 + HN_SIZE_65_127]++;
	else
		size[HN_SIZE_OVER_1518]++;
}

static inline void
hn_count_dest(const uint8_t *dst, uint64_t *mcast, uint64_t *bcast)
{
	if (likely(!(dst[0] & 1)))
		return;
	if (rte_is_broadcast_ether_addr((const struct rte_ether_addr *)dst))
		(*bcast)++;
	else
		(*mcast)++;
}

static inline struct rte_mbuf *
hn_rx_mbuf(struct hn_rx_queue *rxq)
{
	if (unlikely(rxq->nstash == 0)) {
		if (rte_pktmbuf_alloc_bulk(rxq->mb_pool, rxq->stash,
					   HN_RX_STASH) != 0)
			return NULL;
		rxq->nstash = HN_RX_STASH;
	}
	return rxq->stash[--rxq->nstash];
}

/* Copy a frame out of host memory into a (possibly chained) mbuf. */
static struct rte_mbuf *
hn_rx_copy(struct hn_rx_queue *rxq, const uint8_t *data, uint32_t len)
{
	struct rte_mbuf *head, *prev, *m;
	uint32_t room, chunk, left = len;

	head = hn_rx_mbuf(rxq);
	if (unlikely(head == NULL))
		return NULL;
	room = rte_pktmbuf_tailroom(head);
	if (likely(len <= room)) {
		rte_memcpy(rte_pktmbuf_mtod(head, void *), data, len);
		head->data_len = len;
		head->pkt_len = len;
		return head;
	}
	m = head;
	prev = NULL;
	for (;;) {
		chunk = RTE_MIN(left, (uint32_t)rte_pktmbuf_tailroom(m));
		rte_memcpy(rte_pktmbuf_mtod(m, void *), data, chunk);
		m->data_len = chunk;
		if (prev != NULL) {
			prev->next = m;
			head->nb_segs++;
		}
		data += chunk;
		left -= chunk;
		if (left == 0)
			break;
		prev = m;
		m = hn_rx_mbuf(rxq);
		if (unlikely(m == NULL)) {
			rte_pktmbuf_free(head);
			return NULL;
		}
	}
	head->pkt_len = len;
	return head;
}

static inline void
hn_rx_stage(struct hn_rx_queue *rxq, struct rte_mbuf *m)
{
	if (unlikely(rxq->stage_tail - rxq->stage_head > rxq->stage_mask)) {
		rxq->stats.stage_full++;
		rte_pktmbuf_free(m);
		return;
	}
	rxq->stage[rxq->stage_tail & rxq->stage_mask] = m;
	rxq->stage_tail++;
}

static inline void
hn_rx_offloads(struct hn_rx_queue *rxq, struct rte_mbuf *m,
	       const struct hn_rx_info *ri)
{
	uint64_t fl = 0;
	uint16_t tci;

	if (ri->present & HN_RXINFO_CSUM) {
		if (ri->csum & HN_RXCSUM_IP_OK)
			fl |= RTE_MBUF_F_RX_IP_CKSUM_GOOD;
		else if (ri->csum & HN_RXCSUM_IP_FAILED)
			fl |= RTE_MBUF_F_RX_IP_CKSUM_BAD;
		if (ri->csum & (HN_RXCSUM_TCP_OK | HN_RXCSUM_UDP_OK))
			fl |= RTE_MBUF_F_RX_L4_CKSUM_GOOD;
		else if (ri->csum & (HN_RXCSUM_TCP_FAILED |
				     HN_RXCSUM_UDP_FAILED))
			fl |= RTE_MBUF_F_RX_L4_CKSUM_BAD;
	}
	if (ri->present & HN_RXINFO_HASHVAL) {
		m->hash.rss = ri->hash_value;
		fl |= RTE_MBUF_F_RX_RSS_HASH;
	}
	/* |=: an attached frame carries RTE_MBUF_F_EXTERNAL already. */
	m->ol_flags |= fl;
	if (ri->present & HN_RXINFO_VLAN) {
		tci = ((ri->vlan >> HN_VLAN_VID_SHIFT) & HN_VLAN_VID_MASK) |
			((ri->vlan & HN_VLAN_PRI_MASK) << 13) |
			((ri->vlan & HN_VLAN_CFI_BIT) ? (1 << 12) : 0);
		m->vlan_tci = tci;
		if (rxq->vlan_strip)
			m->ol_flags |= RTE_MBUF_F_RX_VLAN |
				RTE_MBUF_F_RX_VLAN_STRIPPED;
		else
			/* The host took the tag off; give it back. */
			rte_vlan_insert(&m);
	}
}

/*
 * Hand a frame out in place: the mbuf points into the receive buffer and
 * holds a reference on the transfer-page packet, which is completed once
 * the last such mbuf is freed. The frame bytes stay host-writable; every
 * header the driver acts on was copied and checked before.
 */
static struct rte_mbuf *
hn_rx_attach(struct hn_rx_queue *rxq, struct hn_rx_bufinfo *bi,
	     const uint8_t *data, uint32_t len)
{
	struct rte_mbuf *m = hn_rx_mbuf(rxq);

	if (unlikely(m == NULL))
		return NULL;
	rte_mbuf_ext_refcnt_update(&bi->shinfo, 1);
	rte_pktmbuf_attach_extbuf(m, (void *)(uintptr_t)data,
				  (rte_iova_t)(uintptr_t)data, len,
				  &bi->shinfo);
	m->data_len = len;
	m->pkt_len = len;
	rxq->stats.attached++;
	return m;
}

static void
hn_rx_frame(struct hn_rx_queue *rxq, struct hn_rx_bufinfo *bi,
	    const uint8_t *msg, uint32_t len)
{
	struct hn_rx_info ri;
	struct rte_mbuf *m;

	if (unlikely(hn_rndis_parse_pkt(msg, len, &ri) != 0)) {
		rxq->stats.bad_rndis++;
		rxq->stats.errors++;
		return;
	}
	if (unlikely(!rxq->ready))
		return;
	/* A tag to put back into the frame needs a private copy. */
	if (bi != NULL && ri.data_len > rxq->hv->args.rx_copybreak &&
	    (rxq->vlan_strip || !(ri.present & HN_RXINFO_VLAN)))
		m = hn_rx_attach(rxq, bi, msg + ri.data_off, ri.data_len);
	else
		m = hn_rx_copy(rxq, msg + ri.data_off, ri.data_len);
	if (unlikely(m == NULL)) {
		rxq->stats.nombuf++;
		return;
	}
	m->port = rxq->port_id;
	m->packet_type = RTE_PTYPE_UNKNOWN;
	hn_rx_offloads(rxq, m, &ri);

	rxq->stats.packets++;
	rxq->stats.bytes += m->pkt_len;
	hn_size_bucket(rxq->stats.size, m->pkt_len);
	hn_count_dest(rte_pktmbuf_mtod(m, const uint8_t *),
		      &rxq->stats.multicast, &rxq->stats.broadcast);
	hn_rx_stage(rxq, m);
}

/* Tell the host it may reuse the sections of receive packet xact. */
static int
hn_rx_ack(struct hn_rx_queue *rxq, uint64_t xact, bool *need_sig)
{
	struct hn_nvs_rndis_ack ack = {
		.type = HN_NVS_TYPE_SEND_RNDIS_PKT_COMPLETE,
		.status = HN_NVS_STATUS_SUCCESS,
	};

	return rte_vmbus_chan_send(rxq->chan, VMBUS_CHANPKT_TYPE_COMP, &ack,
				   sizeof(ack), xact, VMBUS_CHANPKT_FLAG_NONE,
				   need_sig);
}

static void
hn_rx_complete(struct hn_rx_queue *rxq, uint64_t xact, bool *need_sig)
{
	if (likely(rxq->comp_npending == 0) &&
	    likely(hn_rx_ack(rxq, xact, need_sig) == 0))
		return;
	/* Keep order: once one waits, the following ones wait behind it. */
	rxq->stats.comp_retry++;
	if (rxq->comp_npending < rxq->comp_max)
		rxq->comp_pending[rxq->comp_npending++] = xact;
	else
		HN_BAD("queue %u: receive completion %" PRIu64 " lost",
		       rxq->queue_id, xact);
}

static void
hn_rx_complete_retry(struct hn_rx_queue *rxq, bool *need_sig)
{
	uint32_t i;

	for (i = 0; i < rxq->comp_npending; i++)
		if (hn_rx_ack(rxq, rxq->comp_pending[i], need_sig) != 0)
			break;
	if (i == 0)
		return;
	memmove(rxq->comp_pending, rxq->comp_pending + i,
		(rxq->comp_npending - i) * sizeof(rxq->comp_pending[0]));
	rxq->comp_npending -= i;
}

/* Last attached mbuf of a transfer-page packet freed, on any lcore. */
static void
hn_rx_ext_free(void *addr, void *opaque)
{
	struct hn_rx_bufinfo *bi = opaque;
	struct hn_rx_queue *rxq = bi->rxq;

	RTE_SET_USED(addr);
	if (hn_rx_ack(rxq, bi->xact, NULL) == 0)
		return;
	/* Its capacity is the section count (hn_rx_queue_resize). */
	/* Ring full: the queue's reader sends it on its next pass. */
	if (rte_ring_mp_enqueue(rxq->ext_comp,
				(void *)(uintptr_t)bi->xact) != 0)
		HN_BAD("queue %u: receive completion %" PRIu64 " lost",
		       rxq->queue_id, bi->xact);
}

/*
 * The per-packet reference for in-place frames (*out stays NULL when the
 * driver copies), or -EBUSY when the id is still held by attached frames.
 */
static int
hn_rx_bufinfo_get(struct hn_data *hv, struct hn_rx_queue *rxq, uint64_t xact,
		  struct hn_rx_bufinfo **out)
{
	struct hn_rx_bufinfo *bi;

	*out = NULL;
	if (hv->rxbuf_info == NULL)
		return 0;
	bi = &hv->rxbuf_info[xact];	/* xact < rxbuf_slots, checked */
	/*
	 * The table is shared by all queues, and a host may name one id on
	 * two channels at once: only one reader may take it from idle.
	 * No test on hv-host shows two readers taking it (the window is a
	 * few instructions wide, two lcores at once on the same id); the
	 * unit test rx_slot_taken_by_one_reader races two threads on it.
	 */
	if (unlikely(!hn_rx_slot_take(&bi->shinfo.refcnt)))
		return -EBUSY;
	bi->rxq = rxq;
	bi->xact = xact;
	bi->shinfo.free_cb = hn_rx_ext_free;
	bi->shinfo.fcb_opaque = bi;
	*out = bi;
	return 0;
}

static void
hn_rx_xfer(struct hn_data *hv, struct hn_rx_queue *rxq, const uint8_t *pkt,
	   uint32_t len, bool *need_sig)
{
	const uint8_t *rxbuf = hv->rxbuf;
	struct hn_rx_bufinfo *bi;
	struct hn_xfer x;
	uint32_t i, ofs, rlen, type;
	int ret;

	ret = hn_check_xfer(pkt, len, hv->rxbuf_slots, &x);
	if (unlikely(ret != 0)) {
		rxq->stats.bad_xfer++;
		/* Completing a bad packet still lets the host reuse it. */
		hn_rx_complete(rxq, x.xact, need_sig);
		return;
	}
	if (unlikely(hn_rx_bufinfo_get(hv, rxq, x.xact, &bi) != 0)) {
		/*
		 * The host reused an id whose frames the application still
		 * holds: its memory cannot be handed out twice. The packet is
		 * dropped and not completed (the id completes when freed).
		 */
		HN_BAD("queue %u: transfer id %" PRIu64 " reused while held",
		       rxq->queue_id, x.xact);
		rxq->stats.busy_xact++;
		return;
	}
	for (i = 0; i < x.nranges; i++) {
		ret = hn_xfer_msg(&x, i, rxbuf, hv->rxbuf_size, &ofs, &rlen,
				  &type);
		if (unlikely(ret == -ERANGE)) {
			HN_BAD("queue %u: range %u+%u outside the %u-byte buffer",
			       rxq->queue_id, x.ranges[i].ofs,
			       x.ranges[i].len, hv->rxbuf_size);
			rxq->stats.bad_range++;
			continue;
		}
		if (unlikely(ret != 0)) {
			rxq->stats.bad_rndis++;
			continue;
		}
		if (i + 1 < x.nranges && x.ranges[i + 1].ofs < hv->rxbuf_size)
			rte_prefetch0(rxbuf + x.ranges[i + 1].ofs);
		if (likely(type == HN_RNDIS_PACKET_MSG))
			hn_rx_frame(rxq, bi, rxbuf + ofs, rlen);
		else
			hn_rndis_receive_ctrl(hv, rxq, rxbuf + ofs, rlen);
	}
	/* Drop the packet's own reference: complete now unless attached. */
	if (bi == NULL || rte_mbuf_ext_refcnt_update(&bi->shinfo, -1) == 0)
		hn_rx_complete(rxq, x.xact, need_sig);
}

/* Transmit completions */

static inline void
hn_txd_put(struct hn_tx_queue *txq, struct hn_txdesc *txd)
{
	if (txd->chim_idx != HN_NVS_CHIM_IDX_INVALID) {
		txq->chim_free[txq->chim_nfree++] = txd->chim_idx;
		txd->chim_idx = HN_NVS_CHIM_IDX_INVALID;
	}
	if (txd->m != NULL) {
		rte_pktmbuf_free(txd->m);
		txd->m = NULL;
	}
	txd->state = HN_TXD_FREE;
	txq->desc_free[txq->desc_nfree++] = (uint16_t)(txd - txq->desc);
}

static void
hn_tx_complete(struct hn_data *hv, struct hn_rx_queue *rxq, uint64_t xact,
	       const uint8_t *msg, uint32_t len)
{
	struct hn_tx_queue *txq = hv->txq[rxq->queue_id];
	struct hn_nvs_rndis_ack ack;
	struct hn_txdesc *txd;

	if (unlikely(txq == NULL || xact >= txq->nb_desc ||
		     txq->desc[xact].state != HN_TXD_SENT)) {
		HN_BAD("queue %u: send completion id %" PRIu64 " not outstanding",
		       rxq->queue_id, xact);
		rxq->stats.bad_xact++;
		return;
	}
	txd = &txq->desc[xact];
	if (unlikely(len < offsetof(struct hn_nvs_rndis_ack, pad))) {
		rxq->stats.bad_nvs++;
		txq->stats.host_failed++;
	} else {
		memcpy(&ack, msg, offsetof(struct hn_nvs_rndis_ack, pad));
		if (unlikely(ack.type != HN_NVS_TYPE_SEND_RNDIS_PKT_COMPLETE ||
			     ack.status != HN_NVS_STATUS_SUCCESS))
			txq->stats.host_failed++;
	}
	hn_txd_put(txq, txd);
}

/*
 * Read the channel: at most budget ring packets, stopping early once
 * `want` frames are staged. Called with rxq->ring_lock held.
 */
int
hn_chan_process(struct hn_data *hv, struct hn_rx_queue *rxq, uint32_t budget)
{
	struct vmbus_chanpkt_hdr hdr;
	bool need_sig = false;
	uint32_t bytes = 0, n, len, hlen;
	uint8_t *buf;
	int ret;

	if (unlikely(rxq->chan_dead))
		return 0;
	if (unlikely(rxq->comp_npending != 0))
		hn_rx_complete_retry(rxq, &need_sig);
	if (unlikely(rxq->ext_comp != NULL && !rte_ring_empty(rxq->ext_comp))) {
		void *x;

		while (rte_ring_sc_dequeue(rxq->ext_comp, &x) == 0)
			hn_rx_complete(rxq, (uint64_t)(uintptr_t)x, &need_sig);
	}
	for (n = 0; n < budget; n++) {
		len = rxq->event_sz;
		buf = rxq->event_buf;
		ret = rte_vmbus_chan_recv_raw(rxq->chan, buf, &len);
		if (ret == -EAGAIN)
			break;
		if (unlikely(ret == -ENOBUFS)) {
			if (len > HN_EVENT_BUF_MAX) {
				HN_BAD("queue %u: ring packet of %u bytes",
				       rxq->queue_id, len);
				rxq->stats.chan_error++;
				break;
			}
			buf = rte_realloc(rxq->event_buf, len, 0);
			if (buf == NULL) {
				rxq->stats.chan_error++;
				break;
			}
			rxq->event_buf = buf;
			rxq->event_sz = len;
			continue;
		}
		if (unlikely(ret < 0)) {
			/*
			 * The bus found the ring corrupt and keeps the packet:
			 * nothing after it can be found. Stop reading this
			 * channel, once, rather than end the process.
			 */
			HN_LOG(ERR, "queue %u: ring unreadable (%d): channel stopped until the port is reset or restarted",
			       rxq->queue_id, ret);
			rxq->stats.chan_error++;
			hn_chan_dead(hv, rxq);
			break;
		}
		bytes += ret;
		len = ret - sizeof(uint64_t);
		if (unlikely(hn_check_chanpkt(buf, len, &hdr) != 0)) {
			rxq->stats.bad_chanpkt++;
			continue;
		}
		hlen = vmbus_chanpkt_getlen(hdr.hlen);
		len = vmbus_chanpkt_getlen(hdr.tlen);
		switch (hdr.type) {
		case VMBUS_CHANPKT_TYPE_RXBUF:
			hn_rx_xfer(hv, rxq, buf, len, &need_sig);
			break;
		case VMBUS_CHANPKT_TYPE_COMP:
			if (likely(!(hdr.xactid &
				     (HN_XACT_NVS | HN_XACT_RNDIS_CTRL))))
				hn_tx_complete(hv, rxq, hdr.xactid, buf + hlen,
					       len - hlen);
			else
				hn_nvs_handle_comp(hv, rxq->queue_id,
						   buf + hlen, len - hlen,
						   hdr.xactid);
			break;
		case VMBUS_CHANPKT_TYPE_INBAND:
			hn_nvs_handle_notify(hv, rxq, buf + hlen, len - hlen);
			break;
		default:
			HN_BAD("queue %u: ring packet type %u", rxq->queue_id,
			       hdr.type);
			rxq->stats.bad_chanpkt++;
			break;
		}
		if (rxq->stage_tail - rxq->stage_head >= rxq->stage_want)
			break;
	}
	if (bytes != 0)
		rte_vmbus_chan_signal_read(rxq->chan, bytes);
	if (need_sig)
		rte_vmbus_chan_signal_tx(rxq->chan);
	return n;
}

uint16_t
hn_recv_pkts(void *prxq, struct rte_mbuf **rx_pkts, uint16_t nb_pkts)
{
	struct hn_rx_queue *rxq = prxq;
	uint32_t n, i, head;

	if (unlikely(!rte_spinlock_trylock(&rxq->ring_lock)))
		return 0;
	if (rxq->stage_tail - rxq->stage_head < nb_pkts) {
		rxq->stage_want = nb_pkts;
		hn_chan_process(rxq->hv, rxq, HN_RX_RING_BUDGET);
		rxq->stage_want = UINT32_MAX;
	}
	head = rxq->stage_head;
	n = RTE_MIN(rxq->stage_tail - head, (uint32_t)nb_pkts);
	for (i = 0; i < n; i++)
		rx_pkts[i] = rxq->stage[(head + i) & rxq->stage_mask];
	rxq->stage_head = head + n;
	rte_spinlock_unlock(&rxq->ring_lock);
	return n;
}

/* Transmit side */

static inline uint32_t
hn_tx_ppi_len(uint64_t ol)
{
	uint32_t n = 0;

	if (likely(!(ol & (RTE_MBUF_F_TX_VLAN | RTE_MBUF_F_TX_TCP_SEG |
			   RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK))))
		return 0;
	if (ol & RTE_MBUF_F_TX_VLAN)
		n++;
	if (ol & RTE_MBUF_F_TX_TCP_SEG)
		n++;
	else if (ol & (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK))
		n++;
	return n * HN_PPI_U32_SIZE;
}

static inline uint8_t *
hn_tx_put_ppi(uint8_t *p, uint32_t type, uint32_t value)
{
	struct hn_rndis_ppi e = {
		.size = HN_PPI_U32_SIZE,
		.type = type,
		.off = sizeof(struct hn_rndis_ppi),
	};

	memcpy(p, &e, sizeof(e));
	memcpy(p + sizeof(e), &value, sizeof(value));
	return p + HN_PPI_U32_SIZE;
}

static void
hn_tx_ppi_fill(uint8_t *p, const struct rte_mbuf *m)
{
	uint64_t ol = m->ol_flags;
	uint32_t v, thoff = m->l2_len + m->l3_len;
	uint16_t tci;

	if (ol & RTE_MBUF_F_TX_VLAN) {
		tci = m->vlan_tci;
		v = ((uint32_t)(tci & 0x0fff) << HN_VLAN_VID_SHIFT) |
			((tci >> 13) & HN_VLAN_PRI_MASK) |
			((tci & 0x1000) ? HN_VLAN_CFI_BIT : 0);
		p = hn_tx_put_ppi(p, HN_PPI_VLAN, v);
	}
	if (ol & RTE_MBUF_F_TX_TCP_SEG) {
		v = HN_LSO2_TYPE_V2 | (thoff << HN_LSO2_THOFF_SHIFT) |
			(m->tso_segsz & HN_LSO2_MSS_MASK);
		if (ol & RTE_MBUF_F_TX_IPV6)
			v |= HN_LSO2_IPV6;
		hn_tx_put_ppi(p, HN_PPI_LSO, v);
	} else if (ol & (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK)) {
		v = (ol & RTE_MBUF_F_TX_IPV6) ? HN_TXCSUM_IPV6 : HN_TXCSUM_IPV4;
		if (ol & RTE_MBUF_F_TX_IP_CKSUM)
			v |= HN_TXCSUM_IP;
		switch (ol & RTE_MBUF_F_TX_L4_MASK) {
		case RTE_MBUF_F_TX_TCP_CKSUM:
			v |= HN_TXCSUM_TCP | (thoff << HN_TXCSUM_THOFF_SHIFT);
			break;
		case RTE_MBUF_F_TX_UDP_CKSUM:
			v |= HN_TXCSUM_UDP | (thoff << HN_TXCSUM_THOFF_SHIFT);
			break;
		default:
			break;
		}
		hn_tx_put_ppi(p, HN_PPI_CSUM, v);
	}
}

/*
 * The OOB, PPI and reserved words are cleared with one memset of constant
 * size (two wide stores) before the four words a plain frame needs.
 */
static __rte_always_inline void
hn_tx_rndis_fill(uint8_t *p, const struct rte_mbuf *m, uint32_t ppi_len)
{
	struct hn_rndis_pkt_msg *h = (struct hn_rndis_pkt_msg *)p;

	memset(&h->oob_off, 0,
	       sizeof(*h) - offsetof(struct hn_rndis_pkt_msg, oob_off));
	h->type = HN_RNDIS_PACKET_MSG;
	h->len = sizeof(*h) + ppi_len + m->pkt_len;
	h->data_off = HN_RNDIS_PKT_OFS_MIN + ppi_len;
	h->data_len = m->pkt_len;
	if (unlikely(ppi_len != 0)) {
		h->ppi_off = HN_RNDIS_PKT_OFS_MIN;
		h->ppi_len = ppi_len;
		hn_tx_ppi_fill(p + sizeof(*h), m);
	}
}

/* Size bucket and destination class of a frame sent; returns its size. */
static __rte_always_inline uint32_t
hn_tx_count(struct hn_tx_queue *txq, const struct rte_mbuf *m)
{
	hn_size_bucket(txq->stats.size, m->pkt_len);
	hn_count_dest(rte_pktmbuf_mtod(m, const uint8_t *),
		      &txq->stats.multicast, &txq->stats.broadcast);
	return m->pkt_len;
}

/* Out of descriptors or sections: reap completions, then look again. */
static __rte_noinline bool
hn_txd_reap(struct hn_tx_queue *txq, bool chim)
{
	hn_chan_process(txq->hv, txq->hv->rxq[txq->queue_id],
			HN_RX_RING_BUDGET);
	if (txq->desc_nfree == 0) {
		txq->stats.desc_exhausted++;
		return false;
	}
	if (chim && txq->chim_nfree == 0) {
		txq->stats.chim_exhausted++;
		return false;
	}
	return true;
}

/* Take a descriptor, and a send-buffer section when `chim` is set. */
static __rte_always_inline struct hn_txdesc *
hn_txd_get(struct hn_tx_queue *txq, bool chim)
{
	struct hn_txdesc *txd;

	if (unlikely(txq->desc_nfree == 0 || (chim && txq->chim_nfree == 0)) &&
	    !hn_txd_reap(txq, chim))
		return NULL;
	txd = &txq->desc[txq->desc_free[--txq->desc_nfree]];
	txd->state = HN_TXD_FILLING;
	if (chim)
		txd->chim_idx = txq->chim_free[--txq->chim_nfree];
	return txd;
}

/*
 * Send an aggregate as one VMBus packet; on failure it stays open. Its
 * state comes by value so the burst's copy never has its address taken.
 */
static int
hn_tx_flush(struct hn_tx_queue *txq, struct hn_txdesc *txd, uint32_t used,
	    bool *need_sig)
{
	struct hn_nvs_rndis nvs = {
		.type = HN_NVS_TYPE_SEND_RNDIS_PKT,
		.chan_type = HN_NVS_RNDIS_MTYPE_DATA,
		.chim_idx = txd->chim_idx,
		.chim_sz = used,
	};
	int ret;

	ret = rte_vmbus_chan_send(txq->chan, VMBUS_CHANPKT_TYPE_INBAND, &nvs,
				  sizeof(nvs), txd - txq->desc,
				  VMBUS_CHANPKT_FLAG_RC, need_sig);
	if (unlikely(ret != 0)) {
		txq->stats.ring_full++;
		return ret;
	}
	txd->state = HN_TXD_SENT;
	txq->stats.aggregates++;
	return 0;
}

/* Outside a burst: send the queue's open aggregate, if any. */
static void
hn_tx_flush_open(struct hn_tx_queue *txq)
{
	bool need_sig = false;

	if (txq->agg.txd == NULL ||
	    hn_tx_flush(txq, txq->agg.txd, txq->agg.used, &need_sig) != 0)
		return;
	txq->agg.txd = NULL;
	if (need_sig)
		rte_vmbus_chan_signal_tx(txq->chan);
}

/*
 * Pad the previous message with zeros up to pos, the host's alignment,
 * and extend its length over the padding. A message at least a header
 * long follows at pos inside the section, so 8 bytes stored at the old
 * end never leave it; the header written next covers any excess.
 */
static __rte_always_inline void
hn_tx_pad(struct hn_tx_agg *a, uint32_t pos)
{
	const uint64_t zeros = 0;
	uint32_t len = pos - a->last;

	if (likely(pos - a->used <= sizeof(zeros)))
		memcpy(a->base + a->used, &zeros, sizeof(zeros));
	else
		memset(a->base + a->used, 0, pos - a->used);
	memcpy(a->base + a->last + offsetof(struct hn_rndis_pkt_msg, len),
	       &len, sizeof(len));
}

/* Copy the frame's bytes; never more than pkt_len, which sized the room. */
static void
hn_tx_copy_segs(uint8_t *dst, const struct rte_mbuf *m)
{
	uint32_t left = m->pkt_len, n;

	for (; m != NULL && left != 0; m = m->next) {
		n = RTE_MIN((uint32_t)m->data_len, left);
		rte_memcpy(dst, rte_pktmbuf_mtod(m, const void *), n);
		dst += n;
		left -= n;
	}
}

/*
 * Copy a frame into the aggregate `a` (the burst's copy of txq->agg),
 * sending the full one and opening the next as needed. Returns 0, or
 * nonzero with nothing taken when the ring or the queue ran out.
 */
static __rte_always_inline int
hn_tx_append(struct hn_tx_queue *txq, struct hn_tx_agg *a,
	     struct rte_mbuf *m, bool *need_sig)
{
	uint32_t ppi_len = hn_tx_ppi_len(m->ol_flags);
	uint32_t hlen = sizeof(struct hn_rndis_pkt_msg) + ppi_len;
	uint32_t need = hlen + m->pkt_len;
	uint32_t pos = 0;
	struct hn_txdesc *txd;
	uint8_t *dst;

	if (a->txd != NULL) {
		pos = RTE_ALIGN_CEIL(a->used, txq->agg_align);
		if (unlikely(a->pkts >= txq->agg_pktmax ||
			     pos + need > txq->agg_szmax)) {
			if (hn_tx_flush(txq, a->txd, a->used, need_sig) != 0)
				return -EAGAIN;
			a->txd = NULL;
			pos = 0;
		} else if (pos != a->used) {
			hn_tx_pad(a, pos);
		}
	}
	if (a->txd == NULL) {
		txd = hn_txd_get(txq, true);
		if (unlikely(txd == NULL))
			return -ENOBUFS;
		a->txd = txd;
		a->base = txq->chim_base +
			(size_t)txd->chim_idx * txq->chim_szmax;
		a->pkts = 0;
	}
	dst = a->base + pos;
	hn_tx_rndis_fill(dst, m, ppi_len);
	if (likely(m->nb_segs == 1))
		rte_memcpy(dst + hlen, rte_pktmbuf_mtod(m, const void *),
			   m->pkt_len);
	else
		hn_tx_copy_segs(dst + hlen, m);
	a->last = pos;
	a->used = pos + need;
	a->pkts++;
	return 0;
}

static inline uint32_t
hn_tx_add_pages(struct vmbus_gpa *sg, uint32_t n, rte_iova_t iova,
		uint32_t len)
{
	uint32_t ofs, chunk;

	while (len != 0) {
		if (unlikely(n >= HN_TX_GPA_MAX))
			return HN_TX_GPA_MAX + 1;
		ofs = iova & HYPERV_PAGE_MASK;
		chunk = RTE_MIN(len, (uint32_t)HYPERV_PAGE_SIZE - ofs);
		sg[n].page = iova >> HYPERV_PAGE_SHIFT;
		sg[n].ofs = ofs;
		sg[n].len = chunk;
		n++;
		iova += chunk;
		len -= chunk;
	}
	return n;
}

/*
 * Send a frame as a page list: the RNDIS header slot, then the data.
 * Returns 0 when sent, 1 when dropped as unsendable, negative when the
 * queue or the ring is out of room.
 */
static int
hn_tx_gpa(struct hn_tx_queue *txq, struct rte_mbuf *m, bool *need_sig)
{
	uint32_t ppi_len = hn_tx_ppi_len(m->ol_flags);
	struct vmbus_gpa sg[HN_TX_GPA_MAX];
	struct hn_nvs_rndis nvs = {
		.type = HN_NVS_TYPE_SEND_RNDIS_PKT,
		.chan_type = HN_NVS_RNDIS_MTYPE_DATA,
		.chim_idx = HN_NVS_CHIM_IDX_INVALID,
	};
	struct hn_txdesc *txd;
	const struct rte_mbuf *seg;
	uint32_t idx, n;
	rte_iova_t hdr_iova;
	uint8_t *hdr;
	int ret;

	txd = hn_txd_get(txq, false);
	if (unlikely(txd == NULL))
		return -ENOBUFS;
	idx = txd - txq->desc;
	hdr = txq->hdr_base + (size_t)idx * HN_TX_HDR_SLOT;
	hdr_iova = txq->hdr_iova + (rte_iova_t)idx * HN_TX_HDR_SLOT;
	hn_tx_rndis_fill(hdr, m, ppi_len);
	sg[0].page = hdr_iova >> HYPERV_PAGE_SHIFT;
	sg[0].ofs = hdr_iova & HYPERV_PAGE_MASK;
	sg[0].len = sizeof(struct hn_rndis_pkt_msg) + ppi_len;
	n = 1;
	for (seg = m; seg != NULL && n <= HN_TX_GPA_MAX; seg = seg->next)
		n = hn_tx_add_pages(sg, n, rte_mbuf_data_iova(seg),
				    seg->data_len);
	if (unlikely(n > HN_TX_GPA_MAX)) {
		/* More pages than one VMBus packet may name. */
		hn_txd_put(txq, txd);
		txq->stats.errors++;
		rte_pktmbuf_free(m);
		return 1;
	}
	ret = rte_vmbus_chan_send_sglist(txq->chan, sg, n, &nvs, sizeof(nvs),
					 idx, need_sig);
	if (unlikely(ret != 0)) {
		txq->stats.ring_full++;
		hn_txd_put(txq, txd);
		return ret;
	}
	txd->m = m;
	txd->state = HN_TXD_SENT;
	txq->stats.gpa_sends++;
	return 0;
}

/*
 * Free the copied frames: plain single-segment mbufs of the first one's
 * pool, the usual burst, go back with one mempool put; others one by one.
 */
static void
hn_tx_free_copied(struct rte_mbuf **pkts, uint32_t n)
{
	struct rte_mempool *mp = pkts[0]->pool;
	struct rte_mbuf *m;
	uint32_t i, k = 0;

	for (i = 0; i < n; i++) {
		m = pkts[i];
		if (likely(m->pool == mp && m->nb_segs == 1 &&
			   RTE_MBUF_DIRECT(m) &&
			   rte_mbuf_refcnt_read(m) == 1))
			pkts[k++] = m;
		else
			rte_pktmbuf_free(m);
	}
	if (k != 0)
		rte_mempool_put_bulk(mp, (void **)pkts, k);
}

/*
 * The host takes a VLAN tag only as per-packet info: a frame carrying its
 * 802.1Q tag in its bytes (no VLAN insert asked) goes out untagged with
 * the tag as metadata. The tag is cut out in place when the mbuf is ours
 * alone, else from a private copy. NULL when no copy could be made.
 */
static __rte_noinline struct rte_mbuf *
hn_tx_untag(struct rte_mbuf *m)
{
	struct rte_ether_hdr *eh;
	struct rte_vlan_hdr *vh;
	struct rte_mbuf *c;

	if (!RTE_MBUF_DIRECT(m) || rte_mbuf_refcnt_read(m) != 1) {
		c = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
		if (c == NULL)
			return NULL;
		rte_pktmbuf_free(m);
		m = c;
		if (m->data_len < sizeof(*eh) + sizeof(*vh))
			return m;	/* the copy split the header: left as is */
	}
	eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	vh = (struct rte_vlan_hdr *)(eh + 1);
	m->vlan_tci = rte_be_to_cpu_16(vh->vlan_tci);
	m->ol_flags |= RTE_MBUF_F_TX_VLAN;
	memmove((uint8_t *)eh + sizeof(*vh), eh, 2 * RTE_ETHER_ADDR_LEN);
	rte_pktmbuf_adj(m, sizeof(*vh));
	if (m->l2_len >= sizeof(*vh))
		m->l2_len -= sizeof(*vh);
	return m;
}

static __rte_always_inline bool
hn_tx_tagged(const struct rte_mbuf *m)
{
	return !(m->ol_flags & RTE_MBUF_F_TX_VLAN) &&
		m->data_len >= sizeof(struct rte_ether_hdr) +
			sizeof(struct rte_vlan_hdr) &&
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *)->ether_type ==
			RTE_BE16(RTE_ETHER_TYPE_VLAN);
}

/*
 * The open aggregate lives in a local for the whole burst: the frame
 * copies are byte stores that may alias anything, and would otherwise
 * force the queue's fields to be reloaded and stored around each one.
 * Counters are summed locally too and the host is signalled once.
 */
uint16_t
hn_xmit_pkts(void *ptxq, struct rte_mbuf **tx_pkts, uint16_t nb_pkts)
{
	struct hn_tx_queue *txq = ptxq;
	struct hn_rx_queue *rxq = txq->hv->rxq[txq->queue_id];
	struct rte_mbuf *copied[HN_TX_FREE_BATCH];
	uint32_t ncopied = 0, ndropped = 0;
	bool need_sig = false;
	uint64_t bytes = 0;
	struct hn_tx_agg a;
	struct rte_mbuf *m;
	uint16_t i;
	int ret;

	rte_spinlock_lock(&rxq->ring_lock);
	if (txq->desc_nfree < txq->free_thresh)
		hn_chan_process(txq->hv, rxq, HN_RX_RING_BUDGET);
	a = txq->agg;
	for (i = 0; i < nb_pkts; i++) {
		m = tx_pkts[i];
		if (i + 1 < nb_pkts)
			rte_prefetch0(rte_pktmbuf_mtod(tx_pkts[i + 1], void *));
		if (unlikely(hn_tx_tagged(m))) {
			m = hn_tx_untag(m);
			if (unlikely(m == NULL)) {
				/* The original is still the caller's. */
				break;
			}
			tx_pkts[i] = m;
		}
		if (likely(m->pkt_len <= txq->tx_copybreak)) {
			if (hn_tx_append(txq, &a, m, &need_sig) != 0)
				break;
			bytes += hn_tx_count(txq, m);
			copied[ncopied++] = m;
			if (unlikely(ncopied == RTE_DIM(copied))) {
				hn_tx_free_copied(copied, ncopied);
				ncopied = 0;
			}
			continue;
		}
		if (a.txd != NULL) {
			if (hn_tx_flush(txq, a.txd, a.used, &need_sig) != 0)
				break;
			a.txd = NULL;
		}
		/* The descriptor holds m until its completion, reaped here. */
		ret = hn_tx_gpa(txq, m, &need_sig);
		if (ret < 0)
			break;
		if (ret == 0)
			bytes += hn_tx_count(txq, m);
		else
			ndropped++;
	}
	if (a.txd != NULL && hn_tx_flush(txq, a.txd, a.used, &need_sig) == 0)
		a.txd = NULL;
	txq->agg = a;
	txq->stats.packets += i - ndropped;
	txq->stats.bytes += bytes;
	if (need_sig)
		rte_vmbus_chan_signal_tx(txq->chan);
	rte_spinlock_unlock(&rxq->ring_lock);
	if (ncopied != 0)
		hn_tx_free_copied(copied, ncopied);
	return i;
}

/*
 * tx_prepare: what a frame needs before this port can send it, whichever
 * path (synthetic or VF) carries it when the burst runs. The host
 * finishes L4 checksums and LSOv2 segments from the pseudo-header sum in
 * the checksum field, so that sum is put there (without the length for
 * TSO); a page-list send names at most HN_TX_GPA_MAX - 1 data pages; an
 * LSOv2 frame must not exceed what the host announced.
 */
uint16_t
hn_xmit_prep(void *ptxq, struct rte_mbuf **tx_pkts, uint16_t nb_pkts)
{
	const struct hn_tx_queue *txq = ptxq;
	const struct rte_mbuf *seg;
	struct rte_mbuf *m;
	uint32_t pages;
	uint16_t i;
	int ret;

	for (i = 0; i < nb_pkts; i++) {
		m = tx_pkts[i];
		if ((m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) &&
		    (m->tso_segsz == 0 || m->pkt_len > txq->hv->tso_maxsz)) {
			rte_errno = EINVAL;
			break;
		}
		if (m->pkt_len > txq->tx_copybreak) {
			pages = 0;
			for (seg = m; seg != NULL; seg = seg->next)
				pages += (uint32_t)(((rte_mbuf_data_iova(seg) &
					HYPERV_PAGE_MASK) + seg->data_len +
					HYPERV_PAGE_SIZE - 1) >> HYPERV_PAGE_SHIFT);
			if (pages > HN_TX_GPA_MAX - 1) {
				rte_errno = EINVAL;
				break;
			}
		}
		ret = rte_net_intel_cksum_prepare(m);
		if (ret != 0) {
			rte_errno = -ret;
			break;
		}
	}
	return i;
}

/* Queue setup */

struct hn_rx_queue *
hn_rx_queue_alloc(struct hn_data *hv, uint16_t queue_id,
		  unsigned int socket_id)
{
	struct hn_rx_queue *rxq;

	rxq = rte_zmalloc_socket("hn_rxq", sizeof(*rxq), RTE_CACHE_LINE_SIZE,
				 socket_id);
	if (rxq == NULL)
		return NULL;
	rxq->hv = hv;
	rxq->queue_id = queue_id;
	rxq->port_id = hv->port_id;
	rxq->chan = hv->channels[queue_id];
	rxq->stage_want = UINT32_MAX;
	rte_spinlock_init(&rxq->ring_lock);
	rxq->event_sz = HN_EVENT_BUF_SIZE;
	rxq->event_buf = rte_malloc_socket("hn_rx_event", rxq->event_sz,
					   RTE_CACHE_LINE_SIZE, socket_id);
	if (rxq->event_buf == NULL ||
	    hn_rx_queue_resize(rxq, RTE_MAX(hv->rxbuf_slots, 1024u),
			       socket_id) != 0) {
		hn_rx_queue_free(rxq);
		return NULL;
	}
	return rxq;
}

void
hn_rx_queue_purge(struct hn_rx_queue *rxq)
{
	rte_spinlock_lock(&rxq->ring_lock);
	while (rxq->stage_head != rxq->stage_tail) {
		rte_pktmbuf_free(rxq->stage[rxq->stage_head & rxq->stage_mask]);
		rxq->stage_head++;
	}
	if (rxq->nstash != 0) {
		rte_pktmbuf_free_bulk(rxq->stash, rxq->nstash);
		rxq->nstash = 0;
	}
	rte_spinlock_unlock(&rxq->ring_lock);
}

void
hn_rx_queue_free(struct hn_rx_queue *rxq)
{
	if (rxq == NULL)
		return;
	if (rxq->stage != NULL)
		hn_rx_queue_purge(rxq);
	rte_free(rxq->stage);
	rte_free(rxq->event_buf);
	rte_free(rxq->comp_pending);
	rte_ring_free(rxq->ext_comp);
	rte_free(rxq);
}

int
hn_dev_rx_queue_setup(struct rte_eth_dev *dev, uint16_t queue_idx,
		      uint16_t nb_desc, unsigned int socket_id,
		      const struct rte_eth_rxconf *rx_conf,
		      struct rte_mempool *mp)
{
	struct hn_data *hv = dev->data->dev_private;
	struct hn_rx_queue *rxq = hv->rxq[queue_idx];
	uint64_t offloads;
	uint32_t size;

	if (rxq == NULL) {
		HN_LOG(ERR, "queue %u has no channel", queue_idx);
		return -EINVAL;
	}
	hn_dev_rx_queue_release(dev, queue_idx);
	size = rte_align32pow2(RTE_MAX((uint32_t)nb_desc, (uint32_t)HN_STAGE_MIN));
	rxq->stage = rte_zmalloc_socket("hn_rx_stage",
					size * sizeof(struct rte_mbuf *),
					RTE_CACHE_LINE_SIZE, socket_id);
	if (rxq->stage == NULL)
		return -ENOMEM;
	offloads = rx_conf->offloads | dev->data->dev_conf.rxmode.offloads;
	rte_spinlock_lock(&rxq->ring_lock);
	rxq->stage_mask = size - 1;
	rxq->stage_head = 0;
	rxq->stage_tail = 0;
	rxq->mb_pool = mp;
	rxq->nb_desc = nb_desc;
	rxq->offloads = offloads;
	rxq->port_id = dev->data->port_id;
	rxq->vlan_strip = (offloads & RTE_ETH_RX_OFFLOAD_VLAN_STRIP) != 0;
	rxq->ready = true;
	rte_spinlock_unlock(&rxq->ring_lock);
	dev->data->rx_queues[queue_idx] = rxq;
	hn_vf_rx_queue_setup(hv, queue_idx, nb_desc, socket_id, rx_conf, mp);
	return 0;
}

/*
 * Room for a completion of every receive section the host granted: the
 * pending list always, the ring of attached-frame completions with
 * rx_extmbuf_enable=1. A new session may grant more sections than the
 * last (hn_session_redo); a smaller grant keeps the larger room. The
 * ring is replaced only while no frame is attached, so nothing in it is
 * lost but completions of the old session.
 */
int
hn_rx_queue_resize(struct hn_rx_queue *rxq, uint32_t slots, int socket_id)
{
	struct hn_data *hv = rxq->hv;
	char name[RTE_RING_NAMESIZE];
	uint64_t *comp;

	if (rxq->comp_pending == NULL || rxq->comp_max < slots + 1) {
		comp = rte_realloc(rxq->comp_pending,
				   (slots + 1) * sizeof(*comp), 0);
		if (comp == NULL)
			return -ENOMEM;
		rxq->comp_pending = comp;
		rxq->comp_max = slots + 1;
	}
	if (!hv->args.rx_extmbuf || (rxq->ext_comp != NULL &&
	    rte_ring_get_capacity(rxq->ext_comp) >= rxq->comp_max))
		return 0;
	rte_ring_free(rxq->ext_comp);
	snprintf(name, sizeof(name), "hn_extc_%u_%u", hv->port_id,
		 rxq->queue_id);
	rxq->ext_comp = rte_ring_create(name,
			rte_align32pow2(rxq->comp_max + 1), socket_id,
			RING_F_SC_DEQ);
	return rxq->ext_comp == NULL ? -ENOMEM : 0;
}

void
hn_dev_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct hn_data *hv = dev->data->dev_private;
	struct hn_rx_queue *rxq = hv->rxq[qid];

	dev->data->rx_queues[qid] = NULL;
	if (rxq == NULL || rxq->stage == NULL)
		return;
	/* The channel context stays: it still carries completions. */
	rte_spinlock_lock(&rxq->ring_lock);
	rxq->ready = false;
	rte_spinlock_unlock(&rxq->ring_lock);
	hn_rx_queue_purge(rxq);
	rte_free(rxq->stage);
	rxq->stage = NULL;
	rxq->stage_mask = 0;
	rxq->mb_pool = NULL;
}

void
hn_dev_rxq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		    struct rte_eth_rxq_info *qinfo)
{
	const struct hn_rx_queue *rxq = dev->data->rx_queues[qid];

	qinfo->mp = rxq->mb_pool;
	qinfo->nb_desc = rxq->nb_desc;
	qinfo->scattered_rx = dev->data->scattered_rx;
	qinfo->conf.offloads = rxq->offloads;
	if (rxq->mb_pool != NULL)
		qinfo->rx_buf_size = rte_pktmbuf_data_room_size(rxq->mb_pool) -
			RTE_PKTMBUF_HEADROOM;
}

static void
hn_tx_queue_free(struct hn_tx_queue *txq)
{
	if (txq == NULL)
		return;
	rte_memzone_free(txq->hdr_mz);
	rte_free(txq->desc);
	rte_free(txq->desc_free);
	rte_free(txq->chim_free);
	rte_free(txq);
}

int
hn_dev_tx_queue_setup(struct rte_eth_dev *dev, uint16_t queue_idx,
		      uint16_t nb_desc, unsigned int socket_id,
		      const struct rte_eth_txconf *tx_conf)
{
	struct hn_data *hv = dev->data->dev_private;
	uint16_t nq = dev->data->nb_tx_queues;
	char name[RTE_MEMZONE_NAMESIZE];
	struct hn_tx_queue *txq;
	uint32_t i, per, room;

	if (queue_idx >= hv->num_channels) {
		HN_LOG(ERR, "queue %u has no channel", queue_idx);
		return -EINVAL;
	}
	hn_dev_tx_queue_release(dev, queue_idx);
	per = hv->chim_cnt / nq;
	if (per == 0) {
		HN_LOG(ERR, "%u send-buffer sections for %u queues",
		       hv->chim_cnt, nq);
		return -ENOSPC;
	}
	txq = rte_zmalloc_socket("hn_txq", sizeof(*txq), RTE_CACHE_LINE_SIZE,
				 socket_id);
	if (txq == NULL)
		return -ENOMEM;
	txq->hv = hv;
	txq->chan = hv->channels[queue_idx];
	txq->port_id = dev->data->port_id;
	txq->queue_id = queue_idx;
	txq->nb_desc = nb_desc;
	/*
	 * Completions are reaped in large batches, once descriptors run
	 * low, not on every burst: reading the completion ring a few
	 * entries at a time pulls the lines the host is still writing, and
	 * timed runs (txonly, 64 bytes) were up to a quarter slower so.
	 */
	txq->free_thresh = tx_conf->tx_free_thresh != 0 ?
		tx_conf->tx_free_thresh : HN_TX_FREE_THRESH;
	if (txq->free_thresh >= nb_desc)
		txq->free_thresh = nb_desc / 2;
	txq->offloads = tx_conf->offloads | dev->data->dev_conf.txmode.offloads;
	txq->desc = rte_zmalloc_socket("hn_txd", nb_desc * sizeof(*txq->desc),
				       RTE_CACHE_LINE_SIZE, socket_id);
	txq->desc_free = rte_malloc_socket("hn_txd_free",
					   nb_desc * sizeof(uint16_t), 0,
					   socket_id);
	txq->chim_free = rte_malloc_socket("hn_chim_free",
					   per * sizeof(uint32_t), 0,
					   socket_id);
	snprintf(name, sizeof(name), "hn_txhdr_%u_%u", dev->data->port_id,
		 queue_idx);
	txq->hdr_mz = rte_memzone_reserve_aligned(name,
			(size_t)nb_desc * HN_TX_HDR_SLOT, socket_id,
			RTE_MEMZONE_IOVA_CONTIG, HYPERV_PAGE_SIZE);
	if (txq->desc == NULL || txq->desc_free == NULL ||
	    txq->chim_free == NULL || txq->hdr_mz == NULL) {
		hn_tx_queue_free(txq);
		return -ENOMEM;
	}
	txq->hdr_base = txq->hdr_mz->addr;
	txq->hdr_iova = txq->hdr_mz->iova;
	for (i = 0; i < nb_desc; i++) {
		txq->desc[i].chim_idx = HN_NVS_CHIM_IDX_INVALID;
		txq->desc_free[i] = nb_desc - 1 - i;
	}
	txq->desc_nfree = nb_desc;
	/* Sections are split between queues so no queue needs a lock. */
	for (i = 0; i < per; i++)
		txq->chim_free[i] = queue_idx * per + per - 1 - i;
	txq->chim_nfree = per;
	txq->chim_cnt = per;
	txq->chim_base = hv->chim;
	txq->chim_szmax = hv->chim_szmax;
	txq->agg_szmax = RTE_MIN(hv->rndis_agg_size, hv->chim_szmax);
	txq->agg_pktmax = hv->rndis_agg_pkts;
	txq->agg_align = hv->rndis_agg_align;
	/*
	 * Both limits are at least HN_TX_MSG_MIN (hn_nvs_check_chim,
	 * hn_rndis_check_init), so room is positive; and since a copied
	 * frame is at most tx_copybreak long, its message fits a section
	 * even as the first of an aggregate.
	 */
	room = txq->agg_szmax - HN_TX_HDR_ROOM;
	txq->tx_copybreak = RTE_MIN(hv->args.tx_copybreak, room);

	hv->txq[queue_idx] = txq;
	dev->data->tx_queues[queue_idx] = txq;
	hn_vf_tx_queue_setup(hv, queue_idx, nb_desc, socket_id, tx_conf);
	return 0;
}

/* Wait for the host to complete what is in flight, then drop the rest. */
int
hn_tx_queue_drain(struct hn_tx_queue *txq, unsigned int timeout_ms)
{
	struct hn_rx_queue *rxq = txq->hv->rxq[txq->queue_id];
	uint64_t deadline;
	uint32_t i;

	deadline = rte_get_timer_cycles() +
		rte_get_timer_hz() * timeout_ms / 1000;
	rte_spinlock_lock(&rxq->ring_lock);
	hn_tx_flush_open(txq);
	while (txq->desc_nfree < txq->nb_desc &&
	       rte_get_timer_cycles() < deadline) {
		if (hn_chan_process(txq->hv, rxq, HN_RX_RING_BUDGET) == 0) {
			rte_spinlock_unlock(&rxq->ring_lock);
			rte_delay_us_sleep(HN_POLL_INTERVAL_US);
			rte_spinlock_lock(&rxq->ring_lock);
		}
	}
	if (txq->desc_nfree == txq->nb_desc) {
		rte_spinlock_unlock(&rxq->ring_lock);
		return 0;
	}
	HN_LOG(WARNING, "queue %u: %u sends never completed, released",
	       txq->queue_id, txq->nb_desc - txq->desc_nfree);
	for (i = 0; i < txq->nb_desc; i++)
		if (txq->desc[i].state != HN_TXD_FREE)
			hn_txd_put(txq, &txq->desc[i]);
	txq->agg.txd = NULL;
	rte_spinlock_unlock(&rxq->ring_lock);
	return -ETIMEDOUT;
}

void
hn_dev_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct hn_data *hv = dev->data->dev_private;
	struct hn_tx_queue *txq = hv->txq[qid];
	struct hn_rx_queue *rxq = hv->rxq[qid];

	dev->data->tx_queues[qid] = NULL;
	if (txq == NULL)
		return;
	hn_tx_queue_drain(txq, 1000);
	if (rxq != NULL)
		rte_spinlock_lock(&rxq->ring_lock);
	hv->txq[qid] = NULL;
	if (rxq != NULL)
		rte_spinlock_unlock(&rxq->ring_lock);
	hn_tx_queue_free(txq);
}

void
hn_dev_txq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		    struct rte_eth_txq_info *qinfo)
{
	const struct hn_tx_queue *txq = dev->data->tx_queues[qid];

	qinfo->nb_desc = txq->nb_desc;
	qinfo->conf.tx_free_thresh = txq->free_thresh;
	qinfo->conf.offloads = txq->offloads;
}

int
hn_dev_tx_done_cleanup(void *arg, uint32_t free_cnt)
{
	struct hn_tx_queue *txq = arg;
	struct hn_rx_queue *rxq = txq->hv->rxq[txq->queue_id];
	uint32_t before;
	/*
	 * Each send completion is one ring packet freeing one descriptor,
	 * so a ring budget of what is left to free never frees more than
	 * free_cnt; 0 means all, at most a queue's worth. The passes are
	 * bounded too, should receive traffic use up the budgets.
	 */
	uint32_t limit = free_cnt != 0 ? free_cnt : txq->nb_desc;
	uint32_t done = 0, budget, pass;
	int n;

	rte_spinlock_lock(&rxq->ring_lock);
	before = txq->desc_nfree;
	hn_tx_flush_open(txq);
	for (pass = 0; pass <= txq->nb_desc / HN_RX_RING_BUDGET; pass++) {
		budget = RTE_MIN(limit - done, (uint32_t)HN_RX_RING_BUDGET);
		n = hn_chan_process(txq->hv, rxq, budget);
		done = txq->desc_nfree - before;
		if (n < (int)budget || done >= limit)
			break;
	}
	rte_spinlock_unlock(&rxq->ring_lock);
	return (int)done;
}
