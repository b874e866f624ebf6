/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * vf-fwd: io forwarding on one port with its cost counted, for
 * devtools/bench-vf.sh. Built against our DPDK and the pristine one, so
 * both netvsc PMDs are measured by the same loop: testpmd 22.11 cannot
 * forward on the upstream netvsc port (its queues never read "started").
 *
 *   vf-fwd [EAL options] -- [--seconds S] [--attach DEVARGS] [--wait-ms N]
 *
 * Forwards port 0 (the first port nobody owns) back to itself on one
 * queue for S seconds (default 3). --attach hot-adds a device after the
 * port started and waits N ms (default 3000) before forwarding: the
 * upstream PMD takes a VF only when it arrives after start. Prints the
 * cycles per packet: the forwarding thread's CPU time in TSC cycles over
 * the packets forwarded, which leaves out the time the thread was not
 * running (a shared machine), and the TSC cycles of the bursts that
 * moved frames, wall clock, as testpmd's --record-core-cycles counts
 * them. Then the counters of every other port with the same MAC (the
 * VF), to show which path carried the frames.
 */

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#define VFF_BURST 32
#define VFF_DESC 1024
#define VFF_MBUFS 8191

static int
vff_port_init(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port, 0, VFF_DESC,
				rte_eth_dev_socket_id(port), NULL, mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, VFF_DESC,
				rte_eth_dev_socket_id(port), NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	if (ret == 0)
		rte_eth_promiscuous_enable(port);
	return ret;
}

/* Counters of the ports that carry this port's MAC: its VF. */
static void
vff_show_vf(uint16_t port)
{
	struct rte_ether_addr mac, other;
	struct rte_eth_stats st;
	uint16_t p;

	if (rte_eth_macaddr_get(port, &mac) != 0)
		return;
	for (p = 0; p < RTE_MAX_ETHPORTS; p++) {
		if (p == port || !rte_eth_dev_is_valid_port(p) ||
		    rte_eth_macaddr_get(p, &other) != 0 ||
		    !rte_is_same_ether_addr(&mac, &other) ||
		    rte_eth_stats_get(p, &st) != 0)
			continue;
		printf("vf-port %u ipackets %" PRIu64 " opackets %" PRIu64 "\n",
		       p, st.ipackets, st.opackets);
	}
}

/*
 * The measured loop, on its own and never inlined so that an instruction
 * count can be limited to it (valgrind --tool=callgrind
 * --toggle-collect=vff_forward). Returns the packets forwarded; *busy
 * gets the TSC cycles of the bursts that moved frames.
 */
static __rte_noinline uint64_t
vff_forward(uint16_t port, uint64_t duration, uint64_t *busy)
{
	struct rte_mbuf *bufs[VFF_BURST];
	uint64_t end = rte_rdtsc() + duration, pkts = 0, cycles = 0;

	while (rte_rdtsc() < end) {
		uint64_t t0 = rte_rdtsc();
		uint16_t n = rte_eth_rx_burst(port, 0, bufs, VFF_BURST);
		uint16_t sent;

		if (n == 0)
			continue;
		sent = rte_eth_tx_burst(port, 0, bufs, n);
		if (sent < n)
			rte_pktmbuf_free_bulk(bufs + sent, n - sent);
		cycles += rte_rdtsc() - t0;
		pkts += n;
	}
	*busy = cycles;
	return pkts;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "attach", required_argument, NULL, 'a' },
		{ "wait-ms", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t cycles = 0, pkts = 0, end, hz;
	struct timespec cpu0, cpu1;
	double cpu_cycles;
	struct rte_mbuf *bufs[VFF_BURST];
	const char *attach = NULL;
	struct rte_mempool *mp;
	struct rte_eth_stats st;
	unsigned int wait_ms = 3000;
	double seconds = 3;
	uint16_t port;
	int ret, c;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "vf-fwd: EAL init failed\n");
		return 1;
	}
	argc -= ret;
	argv += ret;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			seconds = atof(optarg);
			break;
		case 'a':
			attach = optarg;
			break;
		case 'w':
			wait_ms = atoi(optarg);
			break;
		default:
			fprintf(stderr, "vf-fwd: bad option\n");
			return 2;
		}
	}
	port = rte_eth_find_next_owned_by(0, RTE_ETH_DEV_NO_OWNER);
	if (port >= RTE_MAX_ETHPORTS) {
		fprintf(stderr, "vf-fwd: no port\n");
		return 1;
	}
	mp = rte_pktmbuf_pool_create("vff_pool", VFF_MBUFS, 256, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (mp == NULL || vff_port_init(port, mp) != 0) {
		fprintf(stderr, "vf-fwd: cannot set up port %u\n", port);
		return 1;
	}
	if (attach != NULL) {
		if (rte_dev_probe(attach) != 0)
			fprintf(stderr, "vf-fwd: cannot attach %s\n", attach);
		/* The PMDs take the VF from alarms: keep polling meanwhile. */
		end = rte_get_timer_cycles() +
			rte_get_timer_hz() * wait_ms / 1000;
		while (rte_get_timer_cycles() < end) {
			uint16_t n = rte_eth_rx_burst(port, 0, bufs, VFF_BURST);

			rte_pktmbuf_free_bulk(bufs, n);
			rte_delay_us_sleep(1000);
		}
	}
	rte_eth_stats_reset(port);
	hz = rte_get_tsc_hz();
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu0);
	pkts = vff_forward(port, (uint64_t)(seconds * hz), &cycles);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu1);
	cpu_cycles = ((cpu1.tv_sec - cpu0.tv_sec) +
		      (cpu1.tv_nsec - cpu0.tv_nsec) / 1e9) * hz;
	rte_eth_stats_get(port, &st);
	printf("port %u ipackets %" PRIu64 " opackets %" PRIu64 "\n", port,
	       st.ipackets, st.opackets);
	vff_show_vf(port);
	printf("cycles/packet %.2f packets %" PRIu64 " tsc-cycles/packet %.2f at %"
	       PRIu64 " MHz\n", pkts ? cpu_cycles / pkts : 0.0, pkts,
	       pkts ? (double)cycles / pkts : 0.0, hz / 1000000);
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	rte_eal_cleanup();
	return 0;
}
