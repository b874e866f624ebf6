/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * hv-guest: a minimal DPDK application that drives port 0 the way the
 * scenario tests need, built against our DPDK and against the pristine
 * upstream one.  It exists because testpmd 22.11 disables every stream of
 * a port whose PMD never marks its queues started, which upstream's 22.11
 * netvsc does not do: with the upstream referee, testpmd cannot forward.
 *
 *   hv-guest [EAL options] -- [--mode info|io|rxonly|txonly|icmpecho|
 *            offload|tsosend|txcleanup] [--queues N] [--frames N]
 *            [--seconds S] [--flows N] [--size N] [--burst N] [--events]
 *            [--offloads LIST|all] [--prepare] [--peer MAC
 *            --payload-file PATH [--start-file PATH]]
 *
 * info prints the MAC, link and queue limits; io sends a first burst per
 * queue and forwards every received frame back out of its queue until
 * --frames have been received or --seconds pass; rxonly counts; txonly
 * sends UDP frames; icmpecho answers ARP requests and ICMP echo requests
 * (for any address, like testpmd's icmpecho); offload sends frames asking
 * for checksum, VLAN insertion and TSO over IPv4 and IPv6 (the kinds named
 * by --offloads, default udp4,vlan4,tso4) and checks what comes back
 * through a loopback host (with --prepare the checksum fields are left
 * zero and rte_eth_tx_prepare fills them, after checking that it refuses
 * a frame of too many pieces and a TSO frame over the host's limit);
 * tsosend sends one largest-size TSO frame over
 * IPv4 and one over IPv6 to --peer, their payloads saved for the far side
 * to compare; txcleanup sends without polling receive and frees with
 * rte_eth_tx_done_cleanup, reporting the mempool's in-use counts.
 * Per-queue and total counters are printed at the end.
 */

#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_arp.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#define HVG_MAX_Q 64
#define HVG_BURST_MAX 64

enum hvg_mode { HVG_INFO, HVG_IO, HVG_RXONLY, HVG_TXONLY, HVG_ICMPECHO,
	HVG_OFFLOAD, HVG_TSOSEND, HVG_TXCLEANUP };

static volatile sig_atomic_t hvg_stop;
static volatile unsigned int hvg_lsc_events;

static struct {
	enum hvg_mode mode;
	unsigned int queues;
	uint64_t frames;
	double seconds;
	unsigned int flows;
	unsigned int size;
	unsigned int burst;
	int events;
	uint32_t ol_kinds;	/* offload mode: bit i = hvg_ol_kinds[i] */
	int prepare;		/* offload mode: rte_eth_tx_prepare fills */
	struct rte_ether_addr peer;	/* tsosend: destination MAC */
	const char *payload_file;	/* tsosend: where the payloads go */
	const char *start_file;		/* tsosend: send once it exists */
} hvg = { HVG_INFO, 1, 0, 5.0, 64, 64, 32, 0, 0x7, 0, { { 0 } }, NULL,
	NULL };

static uint64_t hvg_rx[HVG_MAX_Q], hvg_tx[HVG_MAX_Q];

static void
hvg_signal(int sig)
{
	(void)sig;
	hvg_stop = 1;
}

static int
hvg_lsc(uint16_t port, enum rte_eth_event_type type, void *arg, void *ret)
{
	struct rte_eth_link link;

	(void)type;
	(void)arg;
	(void)ret;
	hvg_lsc_events++;
	/* With LSC enabled ethdev returns the PMD's cached state; upstream
	 * netvsc does not refresh it before raising the event.
	 */
	rte_eth_link_get_nowait(port, &link);
	printf("hv-guest: link event (cached state %s)\n",
	       link.link_status ? "up" : "down");
	fflush(stdout);
	return 0;
}

static struct rte_mbuf *
hvg_frame(struct rte_mempool *mp, const struct rte_ether_addr *dst,
	  unsigned int flow)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ether_hdr *eh;
	struct rte_ipv4_hdr *ip;
	struct rte_udp_hdr *udp;
	unsigned int len = hvg.size;

	if (!m)
		return NULL;
	eh = (struct rte_ether_hdr *)rte_pktmbuf_append(m, len);
	memset(eh, 0, len);
	eh->dst_addr = *dst;
	eh->src_addr.addr_bytes[0] = 0x02;
	eh->src_addr.addr_bytes[5] = 0x01;
	eh->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip = (struct rte_ipv4_hdr *)(eh + 1);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(len - sizeof(*eh));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	/* Flows differ in the source address: RSS hashes UDP on IPs only. */
	ip->src_addr = rte_cpu_to_be_32(0xc6120000 | (flow & 0xffff));
	ip->dst_addr = rte_cpu_to_be_32(0xc6130001);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp = (struct rte_udp_hdr *)(ip + 1);
	udp->src_port = rte_cpu_to_be_16(1024 + flow % 60000);
	udp->dst_port = rte_cpu_to_be_16(9);
	udp->dgram_len = rte_cpu_to_be_16(len - sizeof(*eh) - sizeof(*ip));
	return m;
}

/* Turn an ARP or ICMP echo request into its reply in place; 0 if not one. */
static int
hvg_echo(struct rte_mbuf *m, const struct rte_ether_addr *mac)
{
	struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	uint16_t et = rte_be_to_cpu_16(eh->ether_type);

	if (et == RTE_ETHER_TYPE_ARP &&
	    m->data_len >= sizeof(*eh) + sizeof(struct rte_arp_hdr)) {
		struct rte_arp_hdr *a = (struct rte_arp_hdr *)(eh + 1);
		uint32_t ip;

		if (a->arp_opcode != rte_cpu_to_be_16(RTE_ARP_OP_REQUEST))
			return 0;
		a->arp_opcode = rte_cpu_to_be_16(RTE_ARP_OP_REPLY);
		a->arp_data.arp_tha = a->arp_data.arp_sha;
		a->arp_data.arp_sha = *mac;
		ip = a->arp_data.arp_tip;
		a->arp_data.arp_tip = a->arp_data.arp_sip;
		a->arp_data.arp_sip = ip;
		eh->dst_addr = eh->src_addr;
		eh->src_addr = *mac;
		return 1;
	}
	if (et == RTE_ETHER_TYPE_IPV4 &&
	    m->data_len >= sizeof(*eh) + sizeof(struct rte_ipv4_hdr) +
	    sizeof(struct rte_icmp_hdr)) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
		unsigned int ihl = (ip->version_ihl & 0xf) * 4;
		struct rte_icmp_hdr *ic;
		uint32_t a;

		if (ip->next_proto_id != IPPROTO_ICMP || ihl < 20 ||
		    m->data_len < sizeof(*eh) + ihl + sizeof(*ic))
			return 0;
		ic = (struct rte_icmp_hdr *)((uint8_t *)ip + ihl);
		if (ic->icmp_type != RTE_IP_ICMP_ECHO_REQUEST)
			return 0;
		ic->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
		ic->icmp_cksum = 0;
		ic->icmp_cksum = ~rte_raw_cksum(ic,
			rte_be_to_cpu_16(ip->total_length) - ihl);
		a = ip->src_addr;
		ip->src_addr = ip->dst_addr;
		ip->dst_addr = a;
		eh->dst_addr = eh->src_addr;
		eh->src_addr = *mac;
		return 1;
	}
	return 0;
}

static int
hvg_port_setup(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	unsigned int q;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_info_get(port, &info);
	if (ret)
		return ret;
	if (hvg.queues > info.max_rx_queues || hvg.queues > HVG_MAX_Q) {
		printf("hv-guest: %u queues asked, port allows %u\n",
		       hvg.queues, info.max_rx_queues);
		return -EINVAL;
	}
	if (hvg.queues > 1) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IP &
			info.flow_type_rss_offloads;
	}
	conf.intr_conf.lsc = hvg.events ? 1 : 0;
	if (hvg.mode == HVG_OFFLOAD || hvg.mode == HVG_TSOSEND) {
		conf.txmode.offloads = info.tx_offload_capa &
			(RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
			 RTE_ETH_TX_OFFLOAD_UDP_CKSUM |
			 RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
			 RTE_ETH_TX_OFFLOAD_TCP_TSO |
			 RTE_ETH_TX_OFFLOAD_VLAN_INSERT |
			 RTE_ETH_TX_OFFLOAD_MULTI_SEGS);
		conf.rxmode.offloads = info.rx_offload_capa &
			(RTE_ETH_RX_OFFLOAD_CHECKSUM |
			 RTE_ETH_RX_OFFLOAD_VLAN_STRIP);
		printf("hv-guest: tx offloads 0x%" PRIx64 " rx offloads 0x%"
		       PRIx64 "\n", conf.txmode.offloads,
		       conf.rxmode.offloads);
	}
	ret = rte_eth_dev_configure(port, hvg.queues, hvg.queues, &conf);
	if (ret)
		return ret;
	for (q = 0; q < hvg.queues; q++) {
		ret = rte_eth_rx_queue_setup(port, q, 512, rte_socket_id(),
					     NULL, mp);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(port, q, 512,
						     rte_socket_id(), NULL);
		if (ret)
			return ret;
	}
	if (hvg.events)
		rte_eth_dev_callback_register(port, RTE_ETH_EVENT_INTR_LSC,
					      hvg_lsc, NULL);
	ret = rte_eth_dev_start(port);
	if (ret)
		return ret;
	return rte_eth_promiscuous_enable(port);
}

static void
hvg_print_info(uint16_t port)
{
	struct rte_eth_dev_info info;
	struct rte_ether_addr mac;
	struct rte_eth_link link;

	rte_eth_macaddr_get(port, &mac);
	rte_eth_dev_info_get(port, &info);
	rte_eth_link_get(port, &link);
	printf("hv-guest: port %u driver %s mac " RTE_ETHER_ADDR_PRT_FMT
	       " max_rx_queues %u max_tx_queues %u\n", port, info.driver_name,
	       RTE_ETHER_ADDR_BYTES(&mac), info.max_rx_queues,
	       info.max_tx_queues);
	printf("hv-guest: link %s speed %u Mbps\n",
	       link.link_status ? "up" : "down", link.link_speed);
	fflush(stdout);
}

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
	uint8_t vlan;		/* VLAN insertion of HVG_OL_TCI */
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
};

#define HVG_OL_NKINDS RTE_DIM(hvg_ol_kinds)

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
	if (k->vlan) {
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
		memcpy(ip6->src_addr, hvg_ip6_src, sizeof(hvg_ip6_src));
		memcpy(ip6->dst_addr, hvg_ip6_dst, sizeof(hvg_ip6_dst));
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
 * HVG_PREP_SEGS small segments (more pages than one host packet names)
 * and a TSO frame one byte over Hyper-V's LSOv2 limit.  Prints how many
 * of the two it refused.
 */
#define HVG_PREP_SEGS 64
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
	for (i = 1; m && i < HVG_PREP_SEGS; i++) {
		seg = hvg_frame(mp, mac, 0);
		if (!seg || rte_pktmbuf_chain(m, seg)) {
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
static void
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
		memcpy(ip6->src_addr, s6, 16);
		memcpy(ip6->dst_addr, d6, 16);
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

static void
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

/*
 * txcleanup: send --frames frames of --size bytes (above the PMD's copy
 * break, so the PMD holds each mbuf until the host completes it) without
 * ever polling receive, then free them with rte_eth_tx_done_cleanup: a
 * first call limited to HVG_CLEANUP_FIRST packets, then unlimited calls.
 * Prints the mempool's in-use count at each step and what the calls
 * returned, for the test to compare.
 */
#define HVG_CLEANUP_FIRST 16

static void
hvg_txcleanup(uint16_t port, struct rte_mempool *mp)
{
	unsigned int base, after_send, after_first, end_use, i;
	struct rte_mbuf *pkts[HVG_BURST_MAX];
	struct rte_ether_addr mac;
	int first, r, total = 0, last, bad_ret = 0;
	uint64_t sent = 0;
	uint16_t n, k;

	rte_eth_macaddr_get(port, &mac);
	base = rte_mempool_in_use_count(mp);
	while (sent < hvg.frames) {
		for (n = 0; n < hvg.burst && sent + n < hvg.frames; n++) {
			pkts[n] = hvg_frame(mp, &mac, (unsigned int)(sent + n));
			if (!pkts[n])
				break;
		}
		k = rte_eth_tx_burst(port, 0, pkts, n);
		rte_pktmbuf_free_bulk(pkts + k, n - k);
		sent += k;
		if (k < n)
			break;
	}
	hvg_tx[0] += sent;
	after_send = rte_mempool_in_use_count(mp);
	/* Give the host time to complete every send. */
	rte_delay_ms(300);
	first = rte_eth_tx_done_cleanup(port, 0, HVG_CLEANUP_FIRST);
	after_first = rte_mempool_in_use_count(mp);
	for (i = 0; i < 50 && rte_mempool_in_use_count(mp) > base; i++) {
		r = rte_eth_tx_done_cleanup(port, 0, 0);
		if (r < 0)
			bad_ret++;
		else
			total += r;
		rte_delay_ms(10);
	}
	last = rte_eth_tx_done_cleanup(port, 0, 0);
	end_use = rte_mempool_in_use_count(mp);
	printf("hv-guest: txcleanup sent %" PRIu64 " base %u held %u "
	       "first_limit %u first_ret %d first_freed %u rest_ret %d "
	       "rest_freed %u calls %u negative %d last_ret %d in_use_end %u\n",
	       sent, base, after_send - base, HVG_CLEANUP_FIRST, first,
	       after_send - after_first, total, after_first - end_use, i,
	       bad_ret, last, end_use);
}

static void
hvg_run(uint16_t port, struct rte_mempool *mp)
{
	struct rte_mbuf *pkts[HVG_BURST_MAX];
	struct rte_ether_addr mac;
	uint64_t end, total_rx = 0;
	unsigned int q, i, flow = 0;
	uint16_t n, sent;

	rte_eth_macaddr_get(port, &mac);
	if (hvg.mode == HVG_OFFLOAD) {
		hvg_offload(port, mp);
		return;
	}
	if (hvg.mode == HVG_TXCLEANUP) {
		hvg_txcleanup(port, mp);
		return;
	}
	if (hvg.mode == HVG_TSOSEND)
		hvg_tsosend(port, mp);
	if (hvg.mode == HVG_IO) {
		for (q = 0; q < hvg.queues; q++) {
			for (n = 0; n < hvg.burst; n++) {
				pkts[n] = hvg_frame(mp, &mac, flow++);
				if (!pkts[n])
					break;
			}
			sent = rte_eth_tx_burst(port, q, pkts, n);
			hvg_tx[q] += sent;
			rte_pktmbuf_free_bulk(pkts + sent, n - sent);
		}
	}
	end = rte_get_timer_cycles() +
		(uint64_t)(hvg.seconds * rte_get_timer_hz());
	while (hvg.mode != HVG_TSOSEND && !hvg_stop &&
	       rte_get_timer_cycles() < end &&
	       (hvg.frames == 0 || total_rx < hvg.frames)) {
		for (q = 0; q < hvg.queues; q++) {
			if (hvg.mode == HVG_TXONLY) {
				for (n = 0; n < hvg.burst; n++) {
					pkts[n] = hvg_frame(mp, &mac,
							    flow++ % hvg.flows);
					if (!pkts[n])
						break;
				}
				sent = rte_eth_tx_burst(port, q, pkts, n);
				hvg_tx[q] += sent;
				rte_pktmbuf_free_bulk(pkts + sent, n - sent);
				if (hvg.frames && hvg_tx[q] >= hvg.frames)
					hvg_stop = 1;
				continue;
			}
			n = rte_eth_rx_burst(port, q, pkts, hvg.burst);
			if (n == 0)
				continue;
			hvg_rx[q] += n;
			total_rx += n;
			if (hvg.mode == HVG_ICMPECHO) {
				uint16_t k = 0;

				for (i = 0; i < n; i++) {
					if (hvg_echo(pkts[i], &mac))
						pkts[k++] = pkts[i];
					else
						rte_pktmbuf_free(pkts[i]);
				}
				sent = rte_eth_tx_burst(port, q, pkts, k);
				hvg_tx[q] += sent;
				rte_pktmbuf_free_bulk(pkts + sent, k - sent);
			} else if (hvg.mode == HVG_IO) {
				sent = rte_eth_tx_burst(port, q, pkts, n);
				hvg_tx[q] += sent;
				rte_pktmbuf_free_bulk(pkts + sent, n - sent);
			} else {
				rte_pktmbuf_free_bulk(pkts, n);
			}
		}
		if (hvg.mode == HVG_INFO)
			usleep(10000);
	}
	/* Let the last sends complete before reading the port counters. */
	for (i = 0; i < 20; i++) {
		for (q = 0; q < hvg.queues; q++) {
			n = rte_eth_rx_burst(port, q, pkts, hvg.burst);
			rte_pktmbuf_free_bulk(pkts, n);
			rte_eth_tx_done_cleanup(port, q, 0);
		}
		usleep(10000);
	}
}

static void
hvg_report(uint16_t port)
{
	struct rte_eth_stats st;
	uint64_t rx = 0, tx = 0;
	unsigned int q;

	for (q = 0; q < hvg.queues; q++) {
		printf("hv-guest: queue %u rx %" PRIu64 " tx %" PRIu64 "\n", q,
		       hvg_rx[q], hvg_tx[q]);
		rx += hvg_rx[q];
		tx += hvg_tx[q];
	}
	printf("hv-guest: total rx %" PRIu64 " tx %" PRIu64 "\n", rx, tx);
	if (rte_eth_stats_get(port, &st) == 0)
		printf("hv-guest: port ipackets %" PRIu64 " opackets %" PRIu64
		       " ierrors %" PRIu64 " oerrors %" PRIu64 "\n",
		       st.ipackets, st.opackets, st.ierrors, st.oerrors);
	printf("hv-guest: link events %u\n", hvg_lsc_events);
	fflush(stdout);
}

/* --offloads: "all" or a comma-separated list of hvg_ol_kinds names. */
static int
hvg_ol_parse(const char *arg)
{
	const char *p = arg;
	unsigned int i;
	size_t n;

	if (!strcmp(arg, "all")) {
		hvg.ol_kinds = (1u << HVG_OL_NKINDS) - 1;
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

static int
hvg_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "queues", required_argument, NULL, 'q' },
		{ "frames", required_argument, NULL, 'f' },
		{ "seconds", required_argument, NULL, 's' },
		{ "flows", required_argument, NULL, 'F' },
		{ "size", required_argument, NULL, 'z' },
		{ "burst", required_argument, NULL, 'b' },
		{ "events", no_argument, NULL, 'e' },
		{ "offloads", required_argument, NULL, 'o' },
		{ "prepare", no_argument, NULL, 'R' },
		{ "peer", required_argument, NULL, 'p' },
		{ "payload-file", required_argument, NULL, 'P' },
		{ "start-file", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (!strcmp(optarg, "io"))
				hvg.mode = HVG_IO;
			else if (!strcmp(optarg, "rxonly"))
				hvg.mode = HVG_RXONLY;
			else if (!strcmp(optarg, "txonly"))
				hvg.mode = HVG_TXONLY;
			else if (!strcmp(optarg, "offload"))
				hvg.mode = HVG_OFFLOAD;
			else if (!strcmp(optarg, "icmpecho"))
				hvg.mode = HVG_ICMPECHO;
			else if (!strcmp(optarg, "info"))
				hvg.mode = HVG_INFO;
			else if (!strcmp(optarg, "tsosend"))
				hvg.mode = HVG_TSOSEND;
			else if (!strcmp(optarg, "txcleanup"))
				hvg.mode = HVG_TXCLEANUP;
			else
				return -1;
			break;
		case 'q':
			hvg.queues = atoi(optarg);
			break;
		case 'f':
			hvg.frames = strtoull(optarg, NULL, 0);
			break;
		case 's':
			hvg.seconds = atof(optarg);
			break;
		case 'F':
			hvg.flows = atoi(optarg);
			break;
		case 'z':
			hvg.size = atoi(optarg);
			break;
		case 'b':
			hvg.burst = atoi(optarg);
			break;
		case 'e':
			hvg.events = 1;
			break;
		case 'o':
			if (hvg_ol_parse(optarg))
				return -1;
			break;
		case 'R':
			hvg.prepare = 1;
			break;
		case 'p':
			if (rte_ether_unformat_addr(optarg, &hvg.peer))
				return -1;
			break;
		case 'P':
			hvg.payload_file = optarg;
			break;
		case 'S':
			hvg.start_file = optarg;
			break;
		default:
			return -1;
		}
	}
	if (hvg.mode == HVG_TSOSEND && hvg.payload_file == NULL)
		return -1;
	if (hvg.queues == 0 || hvg.burst == 0 || hvg.burst > HVG_BURST_MAX ||
	    hvg.flows == 0 || hvg.size < 60 || hvg.size > 1514)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct rte_mempool *mp;
	int n;

	n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "hv-guest: EAL init failed\n");
		return 1;
	}
	if (hvg_args(argc - n, argv + n)) {
		fprintf(stderr, "hv-guest: bad arguments\n");
		return 2;
	}
	signal(SIGINT, hvg_signal);
	signal(SIGTERM, hvg_signal);
	if (rte_eth_dev_count_avail() == 0) {
		fprintf(stderr, "hv-guest: no port probed\n");
		return 1;
	}
	/* Big enough for the offload mode's TSO super-frame (4054 bytes)
	 * in one segment, small enough to share hugepages with other tests.
	 */
	mp = rte_pktmbuf_pool_create("hvg", 8191, 256, 0,
				     RTE_PKTMBUF_HEADROOM + 4096,
				     rte_socket_id());
	if (!mp) {
		fprintf(stderr, "hv-guest: no mbuf pool\n");
		return 1;
	}
	if (hvg_port_setup(0, mp)) {
		fprintf(stderr, "hv-guest: port 0 setup failed\n");
		return 1;
	}
	hvg_print_info(0);
	if (hvg.mode != HVG_INFO || hvg.events)
		hvg_run(0, mp);
	hvg_report(0);
	rte_eth_dev_stop(0);
	rte_eth_dev_close(0);
	rte_eal_cleanup();
	return 0;
}
