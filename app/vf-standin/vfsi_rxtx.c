/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Data path: one readv/writev per frame on the queue's TAP fd, with the
 * virtio-net header in front.  A removed VF moves nothing, as a PCI device
 * that has left the bus, nor does one in a reset.
 */

#include <errno.h>
#include <linux/virtio_net.h>
#include <sys/uio.h>
#include <unistd.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_thash.h>
#include <rte_udp.h>

#include "vfsi.h"

/* Segments of one transmitted frame, plus the vnet header. */
#define VFSI_TX_MAX_IOV 64

/* The MAC filter of a real NIC: our address, broadcast, joined groups. */
static bool
vfsi_rx_wanted(const struct vfsi_priv *priv, const struct rte_ether_addr *dst)
{
	const struct rte_eth_dev_data *data = priv->dev->data;
	uint32_t i;

	if (data->promiscuous || rte_is_broadcast_ether_addr(dst))
		return true;
	if (rte_is_multicast_ether_addr(dst)) {
		if (data->all_multicast)
			return true;
		for (i = 0; i < priv->nb_mc; i++)
			if (rte_is_same_ether_addr(dst, &priv->mc[i]))
				return true;
		return false;
	}
	return rte_is_same_ether_addr(dst, &data->mac_addrs[0]);
}

/*
 * Software Toeplitz hash over the tuple the configured hash types select,
 * so that RTE_MBUF_F_RX_RSS_HASH means what it means on a real VF.
 */
static void
vfsi_rx_hash(const struct vfsi_priv *priv, struct rte_mbuf *m, size_t l2)
{
	union rte_thash_tuple t;
	uint32_t len = 0;
	uint8_t proto = 0;
	size_t l4 = 0;

	if (m->data_len < l2 + sizeof(struct rte_ipv4_hdr))
		return;
	if ((priv->rss_hf & RTE_ETH_RSS_IP) &&
	    (rte_pktmbuf_mtod_offset(m, uint8_t *, l2)[0] >> 4) == 4) {
		const struct rte_ipv4_hdr *ip =
			rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, l2);

		t.v4.src_addr = rte_be_to_cpu_32(ip->src_addr);
		t.v4.dst_addr = rte_be_to_cpu_32(ip->dst_addr);
		len = RTE_THASH_V4_L3_LEN;
		proto = ip->next_proto_id;
		l4 = l2 + rte_ipv4_hdr_len(ip);
		/* Fragments carry no ports: hash them on addresses only. */
		if (ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_MF_FLAG |
				RTE_IPV4_HDR_OFFSET_MASK))
			proto = 0;
	} else if ((priv->rss_hf & RTE_ETH_RSS_IP) &&
		   m->data_len >= l2 + sizeof(struct rte_ipv6_hdr)) {
		const struct rte_ipv6_hdr *ip6 =
			rte_pktmbuf_mtod_offset(m, struct rte_ipv6_hdr *, l2);

		if ((rte_be_to_cpu_32(ip6->vtc_flow) >> 28) != 6)
			return;
		rte_thash_load_v6_addrs(ip6, &t);
		len = RTE_THASH_V6_L3_LEN;
		proto = ip6->proto;
		l4 = l2 + sizeof(*ip6);
	}
	if (len == 0)
		return;
	if (((proto == IPPROTO_TCP && (priv->rss_hf & RTE_ETH_RSS_TCP)) ||
	     (proto == IPPROTO_UDP && (priv->rss_hf & RTE_ETH_RSS_UDP))) &&
	    m->data_len >= l4 + 4) {
		const rte_be16_t *ports =
			rte_pktmbuf_mtod_offset(m, rte_be16_t *, l4);

		if (len == RTE_THASH_V4_L3_LEN) {
			t.v4.sport = rte_be_to_cpu_16(ports[0]);
			t.v4.dport = rte_be_to_cpu_16(ports[1]);
			len = RTE_THASH_V4_L4_LEN;
		} else {
			t.v6.sport = rte_be_to_cpu_16(ports[0]);
			t.v6.dport = rte_be_to_cpu_16(ports[1]);
			len = RTE_THASH_V6_L4_LEN;
		}
	}
	m->hash.rss = rte_softrss((uint32_t *)&t, len, priv->rss_key);
	m->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
}

static void
vfsi_rx_offloads(const struct vfsi_rxq *q, struct rte_mbuf *m,
		const struct virtio_net_hdr *vh)
{
	size_t l2 = sizeof(struct rte_ether_hdr);
	const struct rte_ether_hdr *eh =
		rte_pktmbuf_mtod(m, struct rte_ether_hdr *);

	if ((q->offloads & RTE_ETH_RX_OFFLOAD_VLAN_STRIP) &&
	    eh->ether_type == RTE_BE16(RTE_ETHER_TYPE_VLAN))
		rte_vlan_strip(m);
	else if (eh->ether_type == RTE_BE16(RTE_ETHER_TYPE_VLAN))
		l2 += sizeof(struct rte_vlan_hdr);
	/* The kernel validated the checksums of this frame. */
	if (vh->flags & VIRTIO_NET_HDR_F_DATA_VALID)
		m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_GOOD |
			RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	if ((q->offloads & RTE_ETH_RX_OFFLOAD_RSS_HASH) && q->priv->rss_hf)
		vfsi_rx_hash(q->priv, m, l2);
}

/* Chain the part of a frame that did not fit in the first mbuf. */
static int
vfsi_rx_chain(struct vfsi_rxq *q, struct rte_mbuf *head, size_t rest)
{
	const uint8_t *src = q->scratch;
	struct rte_mbuf *tail = head;

	while (rest > 0) {
		struct rte_mbuf *seg = rte_pktmbuf_alloc(q->mp);
		size_t n;

		if (seg == NULL)
			return -ENOMEM;
		n = RTE_MIN(rest, (size_t)rte_pktmbuf_tailroom(seg));
		rte_memcpy(rte_pktmbuf_mtod(seg, void *), src, n);
		seg->data_len = n;
		tail->next = seg;
		tail = seg;
		head->nb_segs++;
		head->pkt_len += n;
		src += n;
		rest -= n;
	}
	return 0;
}

uint16_t
vfsi_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t n)
{
	struct vfsi_rxq *q = queue;
	ssize_t max_len;
	uint16_t got = 0;

	if (unlikely(vfsi_moves_nothing(q->priv)))
		return 0;
	max_len = q->priv->dev->data->mtu + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN;
	while (got < n) {
		struct virtio_net_hdr vh;
		struct rte_mbuf *m = rte_pktmbuf_alloc(q->mp);
		struct iovec iov[3];
		size_t room;
		ssize_t len;

		if (unlikely(m == NULL)) {
			rte_eth_devices[q->port_id].data->rx_mbuf_alloc_failed++;
			break;
		}
		room = rte_pktmbuf_tailroom(m);
		iov[0].iov_base = &vh;
		iov[0].iov_len = sizeof(vh);
		iov[1].iov_base = rte_pktmbuf_mtod(m, void *);
		iov[1].iov_len = room;
		iov[2].iov_base = q->scratch;
		iov[2].iov_len = VFSI_MAX_FRAME;
		len = readv(q->fd, iov, 3);
		if (len <= 0) {
			rte_pktmbuf_free(m);
			if (len < 0 && errno != EAGAIN && errno != EINTR)
				q->stats.errors++;
			break;
		}
		len -= sizeof(vh);
		/* As a NIC: nothing shorter than a header, nothing longer
		 * than the MTU allows (with room for one VLAN tag).
		 */
		if (unlikely(len < (ssize_t)sizeof(struct rte_ether_hdr) ||
			     len > max_len)) {
			q->stats.errors++;
			rte_pktmbuf_free(m);
			continue;
		}
		m->data_len = RTE_MIN((size_t)len, room);
		m->pkt_len = m->data_len;
		if (unlikely((size_t)len > room) &&
		    vfsi_rx_chain(q, m, len - room) != 0) {
			rte_eth_devices[q->port_id].data->rx_mbuf_alloc_failed++;
			rte_pktmbuf_free(m);
			continue;
		}
		if (!vfsi_rx_wanted(q->priv, rte_pktmbuf_mtod(m,
				struct rte_ether_addr *))) {
			q->stats.filtered++;
			rte_pktmbuf_free(m);
			continue;
		}
		m->port = q->port_id;
		vfsi_rx_offloads(q, m, &vh);
		q->stats.packets++;
		q->stats.bytes += m->pkt_len;
		pkts[got++] = m;
	}
	return got;
}

/*
 * Translate the mbuf's offload requests into the vnet header: the kernel
 * then finishes the L4 checksum and cuts TSO frames, as the VF's hardware
 * would.  The IPv4 header checksum has no vnet flag and is done here.
 */
static int
vfsi_tx_offloads(struct rte_mbuf *m, struct virtio_net_hdr *vh)
{
	uint64_t ol = m->ol_flags;
	uint16_t l4_off = m->l2_len + m->l3_len;

	memset(vh, 0, sizeof(*vh));
	if ((ol & (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK |
			RTE_MBUF_F_TX_TCP_SEG)) == 0)
		return 0;
	/* Headers must sit in the first segment to be edited. */
	if (m->l2_len == 0 || m->l3_len == 0 || m->data_len < l4_off)
		return -EINVAL;
	if ((ol & RTE_MBUF_F_TX_IP_CKSUM) && (ol & RTE_MBUF_F_TX_IPV4)) {
		struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m,
				struct rte_ipv4_hdr *, m->l2_len);

		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	if (ol & RTE_MBUF_F_TX_TCP_SEG) {
		if (m->l4_len == 0 || m->tso_segsz == 0)
			return -EINVAL;
		vh->gso_type = (ol & RTE_MBUF_F_TX_IPV6) ?
			VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
		vh->gso_size = m->tso_segsz;
		vh->hdr_len = l4_off + m->l4_len;
		vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		vh->csum_start = l4_off;
		vh->csum_offset = offsetof(struct rte_tcp_hdr, cksum);
		return 0;
	}
	switch (ol & RTE_MBUF_F_TX_L4_MASK) {
	case RTE_MBUF_F_TX_TCP_CKSUM:
		vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		vh->csum_start = l4_off;
		vh->csum_offset = offsetof(struct rte_tcp_hdr, cksum);
		break;
	case RTE_MBUF_F_TX_UDP_CKSUM:
		vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		vh->csum_start = l4_off;
		vh->csum_offset = offsetof(struct rte_udp_hdr, dgram_cksum);
		break;
	default:
		break;
	}
	return 0;
}

uint16_t
vfsi_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t n)
{
	struct vfsi_txq *q = queue;
	uint16_t i;

	if (unlikely(vfsi_moves_nothing(q->priv)))
		return 0;
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		struct iovec iov[VFSI_TX_MAX_IOV];
		struct virtio_net_hdr vh;
		struct rte_mbuf *seg;
		int cnt = 1;
		ssize_t len;

		if (unlikely(m->nb_segs >= VFSI_TX_MAX_IOV ||
			     vfsi_tx_offloads(m, &vh) != 0)) {
			q->stats.errors++;
			rte_pktmbuf_free(m);
			continue;
		}
		iov[0].iov_base = &vh;
		iov[0].iov_len = sizeof(vh);
		for (seg = m; seg != NULL; seg = seg->next) {
			iov[cnt].iov_base = rte_pktmbuf_mtod(seg, void *);
			iov[cnt].iov_len = seg->data_len;
			cnt++;
		}
		len = writev(q->fd, iov, cnt);
		if (len < 0) {
			/* A full TAP queue is back-pressure, not loss. */
			if (errno == EAGAIN || errno == ENOBUFS)
				break;
			q->stats.errors++;
		} else {
			q->stats.packets++;
			q->stats.bytes += m->pkt_len;
		}
		rte_pktmbuf_free(m);
	}
	return i;
}

/*
 * Loop mode: a full burst of copies of one frame every time, and a
 * transmit that frees. The bursts cost a bulk allocation, a 64-byte copy
 * per frame and a bulk free: what io forwarding over this port measures
 * is then mostly the layers above it.
 */
uint16_t
vfsi_loop_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t n)
{
	struct vfsi_rxq *q = queue;
	uint16_t i;

	if (unlikely(vfsi_moves_nothing(q->priv)))
		return 0;
	if (unlikely(q->priv->burst_us != 0)) {
		__atomic_fetch_add(&q->priv->in_burst, 1, __ATOMIC_SEQ_CST);
		rte_delay_us_block(q->priv->burst_us);
		__atomic_fetch_sub(&q->priv->in_burst, 1, __ATOMIC_SEQ_CST);
	}
	if (unlikely(rte_pktmbuf_alloc_bulk(q->mp, pkts, n) != 0)) {
		rte_eth_devices[q->port_id].data->rx_mbuf_alloc_failed++;
		return 0;
	}
	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];

		rte_memcpy(rte_pktmbuf_mtod(m, void *), q->priv->loop_frame,
			VFSI_LOOP_FRAME_LEN);
		m->data_len = VFSI_LOOP_FRAME_LEN;
		m->pkt_len = VFSI_LOOP_FRAME_LEN;
		m->port = q->port_id;
	}
	q->stats.packets += n;
	q->stats.bytes += (uint64_t)n * VFSI_LOOP_FRAME_LEN;
	return n;
}

uint16_t
vfsi_loop_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t n)
{
	struct vfsi_txq *q = queue;
	uint16_t i;

	if (unlikely(vfsi_moves_nothing(q->priv)))
		return 0;
	for (i = 0; i < n; i++)
		q->stats.bytes += pkts[i]->pkt_len;
	q->stats.packets += n;
	rte_pktmbuf_free_bulk(pkts, n);
	return n;
}
