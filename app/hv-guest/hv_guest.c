/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * hv-guest: a minimal DPDK application that drives port 0 the way the
 * scenario tests need, built against our DPDK and against the pristine
 * upstream one.  It exists because testpmd 22.11 disables every stream of
 * a port whose PMD never marks its queues started, which upstream's 22.11
 * netvsc does not do: with the upstream referee, testpmd cannot forward.
 *
 *   hv-guest [EAL options] -- [--mode info|io|rxonly|txonly|icmpecho|
 *            offload|tsosend|txcleanup|requeue|mp] [--queues N] [--frames N]
 *            [--seconds S] [--flows N] [--size N] [--burst N] [--events]
 *            [--offloads LIST|all] [--prepare] [--peer MAC
 *            --payload-file PATH [--start-file PATH]]
 *            [--seed N --steps N | --counts RX:TX,...] [--mtu N]
 *            [--worker] [--proc-id N --control PATH] [--inflight N]
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
 * rte_eth_tx_done_cleanup, reporting the mempool's in-use counts;
 * requeue changes the queue counts at runtime (hv_guest_requeue.c);
 * mp is one of several processes sharing the port, each on its own queue
 * (--proc-id), driven by commands (--control; hv_guest_mp.c).
 * --mtu sets rxmode.mtu in the first configure (not rte_eth_dev_set_mtu).
 * --worker runs the modes on the first worker lcore while the main lcore
 * sleeps, so that a benchmark can pin the one busy thread.  --inflight:
 * the frames io sends first on each queue (default --burst), the frames
 * its closed loop then keeps circulating.
 * Per-queue and total counters are printed at the end, and for io,
 * rxonly, txonly and icmpecho what the loop cost (hvg_cost_report).
 * As testpmd, it serves packet capture (rte_pdump) to dpdk-dumpcap, a
 * secondary process.
 */

#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_arp.h>
#include <rte_icmp.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memory.h>
#include <rte_memzone.h>
#ifdef RTE_LIB_PDUMP
#include <rte_pdump.h>
#endif
#include <rte_udp.h>

#include "hv_guest.h"

static volatile unsigned int hvg_lsc_events;

struct hvg_opts hvg = {
	.mode = HVG_INFO,
	.queues = 1,
	.frames = 0,		/* no limit */
	.seconds = 5.0,
	.flows = 64,
	.size = 64,
	.burst = 32,
	.ol_kinds = 0x7,	/* udp4, vlan4, tso4 */
	.seed = 1,
	.steps = 10,
};
volatile sig_atomic_t hvg_stop;
uint64_t hvg_rx[HVG_MAX_Q], hvg_tx[HVG_MAX_Q];

/*
 * What the forwarding loop cost.  busy: TSC cycles of the queue polls
 * that returned frames (all sends in txonly), as testpmd's
 * --record-core-cycles counts them; frames: received (sent in txonly);
 * wall and cpu: the loop's elapsed time and the forwarding thread's
 * own CPU time, in seconds.
 */
static struct {
	uint64_t busy, frames;
	double wall, cpu;
} hvg_cost;

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

struct rte_mbuf *
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

int
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
	conf.rxmode.mtu = hvg.mtu;
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
	uint16_t mtu;

	rte_eth_macaddr_get(port, &mac);
	rte_eth_dev_info_get(port, &info);
	rte_eth_link_get(port, &link);
	printf("hv-guest: port %u driver %s mac " RTE_ETHER_ADDR_PRT_FMT
	       " max_rx_queues %u max_tx_queues %u\n", port, info.driver_name,
	       RTE_ETHER_ADDR_BYTES(&mac), info.max_rx_queues,
	       info.max_tx_queues);
	printf("hv-guest: link %s speed %u Mbps\n",
	       link.link_status ? "up" : "down", link.link_speed);
	if (rte_eth_dev_get_mtu(port, &mtu) == 0)
		printf("hv-guest: mtu %u\n", mtu);
	fflush(stdout);
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

/* CPU time of the calling thread, in seconds. */
static double
hvg_thread_cpu(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
		return 0;
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void
hvg_run(uint16_t port, struct rte_mempool *mp)
{
	uint64_t end, start, t0, busy = 0, total_rx = 0, total_tx = 0;
	struct rte_mbuf *pkts[HVG_BURST_MAX];
	struct rte_ether_addr mac;
	unsigned int q, i, flow = 0;
	uint16_t n, sent;
	double cpu0;

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
			for (i = 0; i < hvg.inflight; i += n) {
				for (n = 0; n < hvg.burst &&
				     i + n < hvg.inflight; n++) {
					pkts[n] = hvg_frame(mp, &mac, flow++);
					if (!pkts[n])
						break;
				}
				sent = rte_eth_tx_burst(port, q, pkts, n);
				hvg_tx[q] += sent;
				rte_pktmbuf_free_bulk(pkts + sent, n - sent);
				if (n == 0)
					break;
			}
		}
	}
	printf("hv-guest: forwarding on lcore %u\n", rte_lcore_id());
	fflush(stdout);
	cpu0 = hvg_thread_cpu();
	start = rte_rdtsc();
	end = rte_get_timer_cycles() +
		(uint64_t)(hvg.seconds * rte_get_timer_hz());
	while (hvg.mode != HVG_TSOSEND && !hvg_stop &&
	       rte_get_timer_cycles() < end &&
	       (hvg.frames == 0 || total_rx < hvg.frames)) {
		for (q = 0; q < hvg.queues; q++) {
			t0 = rte_rdtsc();
			if (hvg.mode == HVG_TXONLY) {
				for (n = 0; n < hvg.burst; n++) {
					pkts[n] = hvg_frame(mp, &mac,
							    flow++ % hvg.flows);
					if (!pkts[n])
						break;
				}
				sent = rte_eth_tx_burst(port, q, pkts, n);
				hvg_tx[q] += sent;
				total_tx += sent;
				rte_pktmbuf_free_bulk(pkts + sent, n - sent);
				if (hvg.frames && hvg_tx[q] >= hvg.frames)
					hvg_stop = 1;
				busy += rte_rdtsc() - t0;
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
			busy += rte_rdtsc() - t0;
		}
		if (hvg.mode == HVG_INFO)
			usleep(10000);
	}
	hvg_cost.wall = (double)(rte_rdtsc() - start) / rte_get_tsc_hz();
	hvg_cost.cpu = hvg_thread_cpu() - cpu0;
	hvg_cost.busy = busy;
	hvg_cost.frames = hvg.mode == HVG_TXONLY ? total_tx : total_rx;
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

/*
 * The loop's cost, for devtools/bench.sh: pps over the loop's elapsed
 * time, frames per second of the forwarding thread's CPU time (what the
 * thread got of a shared machine stays out), and busy cycles per frame.
 */
static void
hvg_cost_report(void)
{
	if (hvg.mode != HVG_IO && hvg.mode != HVG_RXONLY &&
	    hvg.mode != HVG_TXONLY && hvg.mode != HVG_ICMPECHO)
		return;
	printf("hv-guest: loop seconds %.3f cpu-seconds %.3f frames %" PRIu64
	       "\n", hvg_cost.wall, hvg_cost.cpu, hvg_cost.frames);
	printf("hv-guest: pps %.0f\n",
	       hvg_cost.wall > 0 ? hvg_cost.frames / hvg_cost.wall : 0);
	printf("hv-guest: pkts-per-cpu-second %.0f\n",
	       hvg_cost.cpu > 0 ? hvg_cost.frames / hvg_cost.cpu : 0);
	printf("hv-guest: busy-cycles/pkt %.1f\n", hvg_cost.frames ?
	       (double)hvg_cost.busy / hvg_cost.frames : 0);
	fflush(stdout);
}

struct hvg_job {
	uint16_t port;
	struct rte_mempool *mp;
	int done;
};

static int
hvg_job_run(void *arg)
{
	struct hvg_job *job = arg;

	hvg_run(job->port, job->mp);
	__atomic_store_n(&job->done, 1, __ATOMIC_RELEASE);
	return 0;
}

/*
 * Run the mode on the first worker lcore, if asked and there is one;
 * the main lcore sleeps meanwhile (rte_eal_wait_lcore would spin).
 */
static void
hvg_launch(uint16_t port, struct rte_mempool *mp)
{
	struct hvg_job job = { .port = port, .mp = mp };
	unsigned int lcore = rte_get_next_lcore(-1, 1, 0);

	if (!hvg.worker || lcore >= RTE_MAX_LCORE ||
	    rte_eal_remote_launch(hvg_job_run, &job, lcore) != 0) {
		hvg_run(port, mp);
		return;
	}
	while (!__atomic_load_n(&job.done, __ATOMIC_ACQUIRE))
		usleep(20000);
	rte_eal_wait_lcore(lcore);
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
		{ "seed", required_argument, NULL, 'D' },
		{ "steps", required_argument, NULL, 'T' },
		{ "counts", required_argument, NULL, 'C' },
		{ "mtu", required_argument, NULL, 'M' },
		{ "worker", no_argument, NULL, 'W' },
		{ "proc-id", required_argument, NULL, 'I' },
		{ "control", required_argument, NULL, 'K' },
		{ "inflight", required_argument, NULL, 'Y' },
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
			else if (!strcmp(optarg, "requeue"))
				hvg.mode = HVG_REQUEUE;
			else if (!strcmp(optarg, "mp"))
				hvg.mode = HVG_MP;
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
		case 'D':
			hvg.seed = strtoull(optarg, NULL, 0);
			break;
		case 'T':
			hvg.steps = atoi(optarg);
			break;
		case 'C':
			hvg.counts = optarg;
			break;
		case 'M':
			hvg.mtu = atoi(optarg);
			break;
		case 'W':
			hvg.worker = 1;
			break;
		case 'I':
			hvg.proc_id = atoi(optarg);
			break;
		case 'K':
			hvg.control = optarg;
			break;
		case 'Y':
			hvg.inflight = atoi(optarg);
			break;
		default:
			return -1;
		}
	}
	if (hvg.mode == HVG_TSOSEND && hvg.payload_file == NULL)
		return -1;
	if (hvg.proc_id >= HVG_MAX_Q)
		return -1;
	if (hvg.inflight == 0)
		hvg.inflight = hvg.burst;
	if (hvg.queues == 0 || hvg.burst == 0 || hvg.burst > HVG_BURST_MAX ||
	    hvg.flows == 0 || hvg.size < 60 || hvg.size > 1514)
		return -1;
	return 0;
}

/*
 * The synthetic NIC's port: a VF present at start (a PCI device, probed
 * before the VMBus one) may hold port 0.
 */
static uint16_t
hvg_netvsc_port(void)
{
	struct rte_eth_dev_info info;
	uint16_t port;

	RTE_ETH_FOREACH_DEV(port)
		if (rte_eth_dev_info_get(port, &info) == 0 &&
		    strcmp(info.driver_name, "net_netvsc") == 0)
			return port;
	return 0;
}

/* Hugepage memory mapped, heap bytes in use and memzones, all sockets. */
struct hvg_memuse {
	uint64_t seg_bytes, heap_bytes;
	unsigned int zones;
};

static int
hvg_mem_seg(const struct rte_memseg_list *msl, const struct rte_memseg *ms,
	    void *arg)
{
	struct hvg_memuse *m = arg;

	(void)msl;
	m->seg_bytes += ms->len;
	return 0;
}

static void
hvg_mem_zone(const struct rte_memzone *mz, void *arg)
{
	(void)mz;
	((struct hvg_memuse *)arg)->zones++;
}

static void
hvg_mem(struct hvg_memuse *m)
{
	struct rte_malloc_socket_stats st;
	unsigned int s;

	memset(m, 0, sizeof(*m));
	rte_memseg_walk(hvg_mem_seg, m);
	rte_memzone_walk(hvg_mem_zone, m);
	for (s = 0; s < rte_socket_count(); s++)
		if (rte_malloc_get_socket_stats(rte_socket_id_by_idx(s),
						&st) == 0)
			m->heap_bytes += st.heap_allocsz_bytes;
}

int
main(int argc, char **argv)
{
	struct hvg_memuse mem0, mem1;
	struct rte_mempool *mp;
	unsigned int fails = 0;
	uint16_t port;
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
#ifdef RTE_LIB_PDUMP
	/* As testpmd: dpdk-dumpcap, a secondary process, may capture. */
	if (rte_pdump_init() != 0)
		fprintf(stderr, "hv-guest: no packet capture (pdump)\n");
#endif
	if (rte_eth_dev_count_avail() == 0) {
		fprintf(stderr, "hv-guest: no port probed\n");
		return 1;
	}
	port = hvg_netvsc_port();
	if (rte_eal_process_type() == RTE_PROC_SECONDARY) {
		/* The primary's pool and port (mp mode). */
		mp = rte_mempool_lookup("hvg");
		if (!mp || hvg.mode != HVG_MP) {
			fprintf(stderr, "hv-guest: a secondary runs the mp mode of a primary hv-guest\n");
			return 1;
		}
		hvg.queues = RTE_MAX(hvg.queues, hvg.proc_id + 1);
		hvg_print_info(port);
		hvg_mp(port, mp);
		hvg_report(port);
		rte_eal_cleanup();
		return 0;
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
	hvg_mem(&mem0);
	if (hvg_port_setup(port, mp)) {
		fprintf(stderr, "hv-guest: port %u setup failed\n", port);
		return 1;
	}
	hvg_mem(&mem1);
	printf("hv-guest: port memory hugepage-bytes %" PRIu64 " heap-bytes %"
	       PRIu64 " memzones %u\n", mem1.seg_bytes - mem0.seg_bytes,
	       mem1.heap_bytes - mem0.heap_bytes, mem1.zones - mem0.zones);
	hvg_print_info(port);
	if (hvg.mode == HVG_REQUEUE)
		fails = hvg_requeue(port, mp);
	else if (hvg.mode == HVG_MP)
		hvg_mp(port, mp);
	else if (hvg.mode != HVG_INFO || hvg.events)
		hvg_launch(port, mp);
	hvg_report(port);
	hvg_cost_report();
	if (hvg.mode == HVG_REQUEUE)
		printf("hv-guest: requeue %u failure(s)\n", fails);
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
#ifdef RTE_LIB_PDUMP
	rte_pdump_uninit();
#endif
	rte_eal_cleanup();
	return fails ? 3 : 0;
}
