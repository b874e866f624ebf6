/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * hv-guest's offload modes.  offload sends frames of the kinds --offloads
 * names, asking for checksum, VLAN insertion and TSO over IPv4 and IPv6,
 * through a loopback host, and checks every frame or segment that comes
 * back; with --prepare rte_eth_tx_prepare fills the checksum fields, once
 * it is seen to refuse frames the host cannot take.  tsosend sends one
 * largest-size TSO frame over IPv4 and one over IPv6 to --peer.
 */

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_random.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "hv_guest.h"

/*
 * Offload mode's frame kinds.  Each kind sends from its own source port
 * (HVG_OL_PORT + index into hvg_ol_kinds), so every frame or segment that
 * comes back names the request it answers.
 */
struct hvg_ol_kind {
	const char *name;
	uint8_t ipv;		/* 4 or 6 */
	uint8_t tcp;		/* TCP, else UDP */
	uint8_t tso;		/* TSO with HVG_OL_MSS */
	uint8_t vlan;		/* HVG_OL_TCI: 1 by VLAN insertion, 2 in the
				 * frame's own bytes (no offload asked) */
	uint16_t payload;
};

#define HVG_OL_PORT 4000
#define HVG_OL_MSS 1000
#define HVG_OL_ISN 0x10000000u
#define HVG_OL_TCI ((1 << 13) | 100)
#define HVG_OL_INFLIGHT 4

static const struct hvg_ol_kind hvg_ol_kinds[] = {
	{ "udp4", 4, 0, 0, 0, 100 },
	{ "vlan4", 4, 0, 0, 1, 100 },
	{ "tso4", 4, 1, 1, 0, 4000 },
	{ "tcp4", 4, 1, 0, 0, 300 },
	{ "udp6", 6, 0, 0, 0, 100 },
	{ "tcp6", 6, 1, 0, 0, 300 },
	{ "tso6", 6, 1, 1, 0, 4000 },
	{ "vlan6", 6, 0, 0, 1, 100 },
	/* Not in "all": upstream's 22.11 PMD sends the tag as it is. */
	{ "vlan4band", 4, 0, 0, 2, 100 },
};

#define HVG_OL_NKINDS RTE_DIM(hvg_ol_kinds)
#define HVG_OL_NKINDS_ALL 8

/* What came back of one kind. */
struct hvg_ol_count {
	unsigned int sent;	/* frames the PMD took */
	unsigned int back;	/* frames or segments received */
	unsigned int csum_ok;	/* IP and L4 checksums right in the bytes */
	unsigned int flags_ok;	/* RX flags: L4 good, IPv4 header good */
	unsigned int vlan_ok;	/* tag stripped into metadata */
	unsigned int segs;	/* TSO segments */
	unsigned int payload;	/* payload bytes received */
	unsigned int same;	/* of those, bytes equal to what was sent */
	unsigned int bad;	/* wrong size, sequence, flags or checksum */
};

/* Payload byte at offset off of kind's frame: not periodic in 256. */
static inline uint8_t
hvg_ol_byte(unsigned int kind, unsigned int off)
{
	return (uint8_t)(off + (off >> 8) * 3 + kind * 37);
}

static const uint8_t hvg_ip6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t hvg_ip6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/* One frame of the given kind, its checksum fields holding the
 * pseudo-header sum as DPDK's offload API asks (with --prepare: zero,
 * for rte_eth_tx_prepare to fill).
 */
static struct rte_mbuf *
hvg_offload_frame(struct rte_mempool *mp, const struct rte_ether_addr *dst,
		  unsigned int kind)
{
	const struct hvg_ol_kind *k = &hvg_ol_kinds[kind];
	unsigned int l3 = k->ipv == 4 ? sizeof(struct rte_ipv4_hdr) :
		sizeof(struct rte_ipv6_hdr);
	unsigned int l4 = k->tcp ? sizeof(struct rte_tcp_hdr) :
		sizeof(struct rte_udp_hdr);
	unsigned int hdr = sizeof(struct rte_ether_hdr) + l3 + l4, i;
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ether_hdr *eh;
	uint8_t *l4h, *pl;
	uint16_t phdr;

	if (!m)
		return NULL;
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, hdr + k->payload);
	if (!eh) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(eh, 0, hdr);
	pl = (uint8_t *)eh + hdr;
	for (i = 0; i < k->payload; i++)
		pl[i] = hvg_ol_byte(kind, i);
	eh->dst_addr = *dst;
	eh->src_addr.addr_bytes[0] = 0x02;
	m->l2_len = sizeof(*eh);
	m->l3_len = l3;
	m->l4_len = l4;
	m->ol_flags = k->tcp ? RTE_MBUF_F_TX_TCP_CKSUM : RTE_MBUF_F_TX_UDP_CKSUM;
	if (k->tso) {
		m->ol_flags |= RTE_MBUF_F_TX_TCP_SEG;
		m->tso_segsz = HVG_OL_MSS;
	}
	if (k->vlan == 1) {
		m->ol_flags |= RTE_MBUF_F_TX_VLAN;
		m->vlan_tci = HVG_OL_TCI;
	}
	l4h = (uint8_t *)(eh + 1) + l3;
	if (k->ipv == 4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);

		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->total_length = rte_cpu_to_be_16(l3 + l4 + k->payload);
		ip->time_to_live = 64;
		ip->next_proto_id = k->tcp ? IPPROTO_TCP : IPPROTO_UDP;
		ip->src_addr = rte_cpu_to_be_32(0xc6120001);
		ip->dst_addr = rte_cpu_to_be_32(0xc6130001);
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
		phdr = rte_ipv4_phdr_cksum(ip, m->ol_flags);
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(eh + 1);

		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
		ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip6->payload_len = rte_cpu_to_be_16(l4 + k->payload);
		ip6->proto = k->tcp ? IPPROTO_TCP : IPPROTO_UDP;
		ip6->hop_limits = 64;
		memcpy(&ip6->src_addr, hvg_ip6_src, sizeof(hvg_ip6_src));
		memcpy(&ip6->dst_addr, hvg_ip6_dst, sizeof(hvg_ip6_dst));
		m->ol_flags |= RTE_MBUF_F_TX_IPV6;
		phdr = rte_ipv6_phdr_cksum(ip6, m->ol_flags);
	}
	if (hvg.prepare)
		phdr = 0;
	if (k->tcp) {
		struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)l4h;

		t->src_port = rte_cpu_to_be_16(HVG_OL_PORT + kind);
		t->dst_port = rte_cpu_to_be_16(80);
		t->sent_seq = rte_cpu_to_be_32(HVG_OL_ISN);
		t->data_off = (sizeof(*t) / 4) << 4;
		t->tcp_flags = RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG;
		t->rx_win = rte_cpu_to_be_16(1000);
		t->cksum = phdr;
	} else {
		struct rte_udp_hdr *u = (struct rte_udp_hdr *)l4h;

		u->src_port = rte_cpu_to_be_16(HVG_OL_PORT + kind);
		u->dst_port = rte_cpu_to_be_16(9);
		u->dgram_len = rte_cpu_to_be_16(l4 + k->payload);
		u->dgram_cksum = phdr;
	}
	if (k->vlan == 2) {
		/* The host expects the tag as metadata: the PMD moves it. */
		m->vlan_tci = HVG_OL_TCI;
		if (rte_vlan_insert(&m) != 0) {	/* l2_len grows with it */
			rte_pktmbuf_free(m);
			return NULL;
		}
	}
	return m;
}

/*
 * Check one returned frame against the kind its source port names: IP
 * version, protocol and length fields, checksums in the bytes and in the
 * RX flags, the VLAN tag as metadata, for TSO an MSS-bounded segment at an
 * MSS-aligned sequence offset with PSH only on the last, and every payload
 * byte equal to what was sent at that offset.  Returns 0 if the frame
 * names no kind.
 */
static int
hvg_offload_check(const struct rte_mbuf *m, struct hvg_ol_count *cnt)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ether_hdr *eh = (const struct rte_ether_hdr *)d;
	const struct rte_ipv4_hdr *ip = (const void *)(eh + 1);
	const struct rte_ipv6_hdr *ip6 = (const void *)(eh + 1);
	uint32_t len = m->pkt_len, hdr, plen, off = 0, i;
	const struct hvg_ol_kind *k;
	struct hvg_ol_count *c;
	unsigned int ipv, l3, l4, kind;
	uint64_t f = m->ol_flags;
	const uint8_t *l4h;
	uint8_t proto;
	int ok = 1;

	if (m->nb_segs != 1 || len < sizeof(*eh) + sizeof(*ip6) +
	    sizeof(struct rte_tcp_hdr))
		return 0;
	if (eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
		ipv = 4;
		l3 = sizeof(*ip);
		proto = ip->next_proto_id;
		if (ip->version_ihl != RTE_IPV4_VHL_DEF ||
		    rte_be_to_cpu_16(ip->total_length) != len - sizeof(*eh))
			return 0;
	} else if (eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6)) {
		ipv = 6;
		l3 = sizeof(*ip6);
		proto = ip6->proto;
		if ((rte_be_to_cpu_32(ip6->vtc_flow) >> 28) != 6 ||
		    rte_be_to_cpu_16(ip6->payload_len) !=
		    len - sizeof(*eh) - l3)
			return 0;
	} else {
		return 0;
	}
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return 0;
	l4 = proto == IPPROTO_TCP ? sizeof(struct rte_tcp_hdr) :
		sizeof(struct rte_udp_hdr);
	l4h = d + sizeof(*eh) + l3;
	/* Both headers start with the source port. */
	kind = (unsigned int)(rte_be_to_cpu_16(*(const uint16_t *)l4h) -
			      HVG_OL_PORT);
	if (kind >= HVG_OL_NKINDS)
		return 0;
	k = &hvg_ol_kinds[kind];
	c = &cnt[kind];
	c->back++;
	hdr = sizeof(*eh) + l3 + l4;
	plen = len - hdr;
	if (k->ipv != ipv || k->tcp != (proto == IPPROTO_TCP))
		ok = 0;
	if ((ipv == 4 ? rte_raw_cksum(ip, sizeof(*ip)) == 0xffff &&
	     rte_ipv4_udptcp_cksum_verify(ip, l4h) == 0 :
	     rte_ipv6_udptcp_cksum_verify(ip6, l4h) == 0))
		c->csum_ok++;
	else
		ok = 0;
	/* IPv6 has no header checksum: "unknown" is right there. */
	if ((f & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_GOOD &&
	    (ipv == 4 ? (f & RTE_MBUF_F_RX_IP_CKSUM_MASK) ==
	     RTE_MBUF_F_RX_IP_CKSUM_GOOD : (f & RTE_MBUF_F_RX_IP_CKSUM_MASK) !=
	     RTE_MBUF_F_RX_IP_CKSUM_BAD))
		c->flags_ok++;
	if (k->vlan && (f & RTE_MBUF_F_RX_VLAN_STRIPPED) &&
	    m->vlan_tci == HVG_OL_TCI)
		c->vlan_ok++;
	if (proto == IPPROTO_TCP) {
		const struct rte_tcp_hdr *t = (const void *)l4h;
		int psh = !!(t->tcp_flags & RTE_TCP_PSH_FLAG);

		off = rte_be_to_cpu_32(t->sent_seq) - HVG_OL_ISN;
		if (k->tso) {
			c->segs++;
			if (plen > HVG_OL_MSS || off % HVG_OL_MSS != 0 ||
			    psh != (off + plen == k->payload))
				ok = 0;
		} else if (off != 0 || !psh) {
			ok = 0;
		}
	}
	if ((!k->tso && plen != k->payload) || off > k->payload ||
	    plen > k->payload - off) {
		ok = 0;
	} else {
		c->payload += plen;
		for (i = 0; i < plen; i++)
			if (d[hdr + i] != hvg_ol_byte(kind, off + i))
				break;
		if (i == plen)
			c->same += plen;
		else
			ok = 0;
	}
	if (!ok)
		c->bad++;
	return 1;
}

/*
 * --prepare: rte_eth_tx_prepare must refuse, with EINVAL, a frame of
 * HVG_PREP_SEGS segments (more pages than one host packet names), each
 * HVG_PREP_SEG_LEN bytes longer than a plain frame so that the whole is
 * longer than any send-buffer section and cannot be copied into one,
 * and a TSO frame one byte over Hyper-V's LSOv2 limit.  Prints how many
 * of the two it refused.
 */
#define HVG_PREP_SEGS 64
#define HVG_PREP_SEG_LEN 320	/* 64 x 320 > 16384, any tx_copybreak */
#define HVG_TSO_FRAME 62780u	/* Hyper-V's LSOv2 maximum offload size */

static void
hvg_prepare_refusals(uint16_t port, struct rte_mempool *mp,
		     const struct rte_ether_addr *mac)
{
	struct rte_mempool *big;
	struct rte_mbuf *m, *seg;
	unsigned int i, pages = 0, tso = 0;
	uint32_t more;

	m = hvg_frame(mp, mac, 0);
	if (m && !rte_pktmbuf_append(m, HVG_PREP_SEG_LEN)) {
		rte_pktmbuf_free(m);
		m = NULL;
	}
	for (i = 1; m && i < HVG_PREP_SEGS; i++) {
		seg = hvg_frame(mp, mac, 0);
		if (!seg || !rte_pktmbuf_append(seg, HVG_PREP_SEG_LEN) ||
		    rte_pktmbuf_chain(m, seg)) {
			rte_pktmbuf_free(seg);
			break;
		}
	}
	if (m && i == HVG_PREP_SEGS && rte_eth_tx_prepare(port, 0, &m, 1) == 0 &&
	    rte_errno == EINVAL)
		pages = 1;
	rte_pktmbuf_free(m);

	big = rte_pktmbuf_pool_create("hvg_prep", 3, 0, 0, UINT16_MAX,
				      rte_socket_id());
	m = hvg_offload_frame(mp, mac, 2);	/* tso4 */
	seg = big ? rte_pktmbuf_alloc(big) : NULL;
	more = m ? HVG_TSO_FRAME + 1 - m->pkt_len : 0;
	if (m && seg && rte_pktmbuf_append(seg, more) &&
	    !rte_pktmbuf_chain(m, seg)) {
		seg = NULL;
		if (rte_eth_tx_prepare(port, 0, &m, 1) == 0 &&
		    rte_errno == EINVAL)
			tso = 1;
	}
	rte_pktmbuf_free(seg);
	rte_pktmbuf_free(m);
	rte_mempool_free(big);
	printf("hv-guest: prepare refused_pages %u refused_tso_size %u\n",
	       pages, tso);
}

/*
 * Send rounds of one frame of each chosen kind through a loopback host and
 * check each frame that comes back (hvg_offload_check).  The first line
 * sums all kinds; a line per kind follows.
 */
void
hvg_offload(uint16_t port, struct rte_mempool *mp)
{
	unsigned int rounds = hvg.frames ? hvg.frames : 100, sent = 0, i;
	unsigned int per_round = 0, nk = 0, got = 0, unknown = 0;
	struct hvg_ol_count cnt[HVG_OL_NKINDS], sum;
	uint8_t kinds[HVG_OL_NKINDS];
	struct rte_mbuf *pkts[HVG_BURST_MAX];
	struct rte_ether_addr mac;
	uint64_t end;
	uint16_t n;

	memset(cnt, 0, sizeof(cnt));
	memset(&sum, 0, sizeof(sum));
	for (i = 0; i < HVG_OL_NKINDS; i++) {
		const struct hvg_ol_kind *k = &hvg_ol_kinds[i];

		if (!(hvg.ol_kinds & (1u << i)))
			continue;
		kinds[nk++] = i;
		per_round += k->tso ?
			(k->payload + HVG_OL_MSS - 1) / HVG_OL_MSS : 1;
	}
	rte_eth_macaddr_get(port, &mac);
	if (hvg.prepare)
		hvg_prepare_refusals(port, mp, &mac);
	end = rte_get_timer_cycles() +
		(uint64_t)(hvg.seconds * rte_get_timer_hz());
	while (!hvg_stop && rte_get_timer_cycles() < end &&
	       got < rounds * per_round) {
		/* At most HVG_OL_INFLIGHT rounds unanswered: upstream's PMD
		 * drops what does not fit its receive ring, and loss is not
		 * what this mode measures.
		 */
		if (sent < rounds &&
		    got + HVG_OL_INFLIGHT * per_round > sent * per_round) {
			for (n = 0; n < nk; n++) {
				pkts[n] = hvg_offload_frame(mp, &mac, kinds[n]);
				if (!pkts[n])
					break;
			}
			if (n == nk && hvg.prepare &&
			    rte_eth_tx_prepare(port, 0, pkts, nk) != nk) {
				printf("hv-guest: tx_prepare refused a frame: %s\n",
				       rte_strerror(rte_errno));
				rte_pktmbuf_free_bulk(pkts, nk);
				break;
			}
			if (n == nk) {
				n = rte_eth_tx_burst(port, 0, pkts, nk);
				hvg_tx[0] += n;
				for (i = 0; i < n; i++)
					cnt[kinds[i]].sent++;
				rte_pktmbuf_free_bulk(pkts + n, nk - n);
				sent++;
			} else {
				rte_pktmbuf_free_bulk(pkts, n);
			}
		}
		n = rte_eth_rx_burst(port, 0, pkts, hvg.burst);
		for (i = 0; i < n; i++) {
			got++;
			hvg_rx[0]++;
			if (!hvg_offload_check(pkts[i], cnt))
				unknown++;
			rte_pktmbuf_free(pkts[i]);
		}
	}
	for (i = 0; i < HVG_OL_NKINDS; i++) {
		sum.csum_ok += cnt[i].csum_ok;
		sum.flags_ok += cnt[i].flags_ok;
		sum.vlan_ok += cnt[i].vlan_ok;
		sum.segs += cnt[i].segs;
		sum.bad += cnt[i].bad;
		if (hvg_ol_kinds[i].tso)
			sum.payload += cnt[i].payload;
	}
	printf("hv-guest: offload rounds %u received %u checksums_right %u "
	       "rx_flags_good %u vlan_ok %u tso_segments %u tso_payload %u "
	       "bad %u\n", sent, got, sum.csum_ok, sum.flags_ok, sum.vlan_ok,
	       sum.segs, sum.payload, sum.bad + unknown);
	for (i = 0; i < nk; i++) {
		const struct hvg_ol_count *c = &cnt[kinds[i]];

		printf("hv-guest: kind %s sent %u back %u "
		       "checksums_right %u rx_flags_good %u vlan_ok %u "
		       "segments %u payload %u payload_same %u bad %u\n",
		       hvg_ol_kinds[kinds[i]].name, c->sent, c->back,
		       c->csum_ok, c->flags_ok, c->vlan_ok, c->segs,
		       c->payload, c->same, c->bad);
	}
}

/*
 * tsosend: one TCP super-frame over IPv4, then one over IPv6, each as
 * large as the host's LSOv2 limit allows and asking for TSO, built as a
 * two-mbuf chain, headers then payload (one VMBus packet names at most
 * 32 pages, so the payload comes from a pool of 64 KiB buffers rather
 * than as 4 KiB pieces that each straddle two pages), with a random
 * payload that is
 * written to --payload-file (IPv4's, then IPv6's) for the far side to
 * compare with the segments it sees.  With --start-file it waits until
 * that file exists, so the far side can get ready first.
 */
#define HVG_TSO_PAYLOAD (HVG_TSO_FRAME - 14 - 40 - 20)

static struct rte_mbuf *
hvg_tso_frame(struct rte_mempool *mp, struct rte_mempool *big,
	      const struct rte_ether_addr *src, int ipv6,
	      const uint8_t *payload)
{
	unsigned int l3 = ipv6 ? sizeof(struct rte_ipv6_hdr) :
		sizeof(struct rte_ipv4_hdr);
	unsigned int hdr = sizeof(struct rte_ether_hdr) + l3 +
		sizeof(struct rte_tcp_hdr);
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp), *seg;
	struct rte_ether_hdr *eh;
	struct rte_tcp_hdr *t;
	uint16_t phdr;

	if (!m)
		return NULL;
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, hdr);
	memset(eh, 0, hdr);
	eh->dst_addr = hvg.peer;
	eh->src_addr = *src;
	m->l2_len = sizeof(*eh);
	m->l3_len = l3;
	m->l4_len = sizeof(*t);
	m->tso_segsz = 1500 - l3 - sizeof(*t);
	m->ol_flags = RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM;
	t = (struct rte_tcp_hdr *)((uint8_t *)(eh + 1) + l3);
	if (ipv6) {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(eh + 1);
		static const uint8_t s6[16] = { 0xfd, 0, 0, 0x78, [15] = 2 };
		static const uint8_t d6[16] = { 0xfd, 0, 0, 0x78, [15] = 1 };

		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
		ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip6->payload_len = rte_cpu_to_be_16(sizeof(*t) +
						    HVG_TSO_PAYLOAD);
		ip6->proto = IPPROTO_TCP;
		ip6->hop_limits = 64;
		memcpy(&ip6->src_addr, s6, 16);
		memcpy(&ip6->dst_addr, d6, 16);
		m->ol_flags |= RTE_MBUF_F_TX_IPV6;
		phdr = rte_ipv6_phdr_cksum(ip6, m->ol_flags);
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);

		eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
		ip->version_ihl = RTE_IPV4_VHL_DEF;
		ip->total_length = rte_cpu_to_be_16(l3 + sizeof(*t) +
						    HVG_TSO_PAYLOAD);
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_TCP;
		ip->src_addr = rte_cpu_to_be_32(0x0a4e0002);	/* 10.78.0.2 */
		ip->dst_addr = rte_cpu_to_be_32(0x0a4e0001);
		m->ol_flags |= RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
		phdr = rte_ipv4_phdr_cksum(ip, m->ol_flags);
	}
	t->src_port = rte_cpu_to_be_16(HVG_OL_PORT);
	t->dst_port = rte_cpu_to_be_16(5001);
	t->sent_seq = rte_cpu_to_be_32(HVG_OL_ISN);
	t->data_off = (sizeof(*t) / 4) << 4;
	t->tcp_flags = RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG;
	t->rx_win = rte_cpu_to_be_16(1000);
	t->cksum = phdr;
	seg = rte_pktmbuf_alloc(big);
	if (!seg || !rte_pktmbuf_append(seg, HVG_TSO_PAYLOAD) ||
	    rte_pktmbuf_chain(m, seg)) {
		rte_pktmbuf_free(seg);
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(rte_pktmbuf_mtod(seg, void *), payload, HVG_TSO_PAYLOAD);
	return m;
}

void
hvg_tsosend(uint16_t port, struct rte_mempool *mp)
{
	static uint8_t payload[2][HVG_TSO_PAYLOAD];
	struct rte_mbuf *pkts[2];
	struct rte_mempool *big;
	struct rte_ether_addr mac;
	unsigned int i, v;
	uint64_t end;
	uint16_t n = 0;
	FILE *f;

	for (v = 0; v < 2; v++)
		for (i = 0; i < HVG_TSO_PAYLOAD; i++)
			payload[v][i] = (uint8_t)rte_rand();
	f = fopen(hvg.payload_file, "wb");
	if (!f || fwrite(payload, sizeof(payload), 1, f) != 1) {
		printf("hv-guest: cannot write %s\n", hvg.payload_file);
		if (f)
			fclose(f);
		return;
	}
	fclose(f);
	end = rte_get_timer_cycles() +
		(uint64_t)(hvg.seconds * rte_get_timer_hz());
	while (hvg.start_file && access(hvg.start_file, F_OK) != 0) {
		if (hvg_stop || rte_get_timer_cycles() > end) {
			printf("hv-guest: %s never appeared\n", hvg.start_file);
			return;
		}
		usleep(10000);
	}
	big = rte_pktmbuf_pool_create("hvg_tso", 3, 0, 0, UINT16_MAX,
				      rte_socket_id());
	if (!big) {
		printf("hv-guest: no pool of 64 KiB mbufs\n");
		return;
	}
	rte_eth_macaddr_get(port, &mac);
	for (v = 0; v < 2; v++) {
		pkts[v] = hvg_tso_frame(mp, big, &mac, v, payload[v]);
		if (!pkts[v]) {
			rte_pktmbuf_free_bulk(pkts, v);
			printf("hv-guest: no mbufs for the super-frames\n");
			return;
		}
	}
	/* One at a time, in order: the far side checks each. */
	for (v = 0; v < 2; v++) {
		while (!hvg_stop && rte_get_timer_cycles() < end &&
		       rte_eth_tx_burst(port, 0, &pkts[v], 1) == 0)
			rte_delay_us(100);
		if (hvg_stop || rte_get_timer_cycles() >= end)
			break;
		n++;
	}
	rte_pktmbuf_free_bulk(pkts + n, 2 - n);
	hvg_tx[0] += n;
	printf("hv-guest: tsosend frames %u payload_bytes %u\n", n,
	       n * HVG_TSO_PAYLOAD);
}


/* --offloads: "all" or a comma-separated list of hvg_ol_kinds names. */
int
hvg_ol_parse(const char *arg)
{
	const char *p = arg;
	unsigned int i;
	size_t n;

	if (!strcmp(arg, "all")) {
		hvg.ol_kinds = (1u << HVG_OL_NKINDS_ALL) - 1;
		return 0;
	}
	hvg.ol_kinds = 0;
	while (*p) {
		n = strcspn(p, ",");
		for (i = 0; i < HVG_OL_NKINDS; i++)
			if (strlen(hvg_ol_kinds[i].name) == n &&
			    !strncmp(hvg_ol_kinds[i].name, p, n))
				break;
		if (i == HVG_OL_NKINDS) {
			fprintf(stderr, "hv-guest: unknown offload kind %.*s\n",
				(int)n, p);
			return -1;
		}
		hvg.ol_kinds |= 1u << i;
		p += n;
		if (*p == ',')
			p++;
	}
	return hvg.ol_kinds ? 0 : -1;
}
