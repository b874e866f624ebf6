/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * hv-guest's requeue mode: queue counts changed at runtime under incoming
 * traffic. For each step (--counts, or --steps pairs drawn from --seed,
 * from 1 to --queues) it stops the port, configures that many receive and
 * transmit queues, starts it, runs --seconds (longer, up to 10 s, until
 * every queue has moved a frame) and checks: every receive queue
 * received, the RSS redirection table names exactly the receive queues,
 * every transmit queue sent, and rxq_info_get/txq_info_get answer.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "hv_guest.h"

#define HVG_STEPS_MAX 256
#define HVG_STEP_MAX_S 10	/* longest wait for every queue to move */

/*
 * requeue: the counts of each step, from --counts ("RX:TX,..." or "N,...")
 * or drawn from --seed (xorshift64, so a failing walk can be replayed).
 */
static int
hvg_requeue_counts(unsigned int max, uint16_t *rx, uint16_t *tx)
{
	uint64_t x = hvg.seed ? hvg.seed : 1;
	const char *p = hvg.counts;
	unsigned int n = 0, i;
	char *end;

	if (p == NULL) {
		for (i = 0; i < hvg.steps && i < HVG_STEPS_MAX; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			rx[i] = 1 + x % max;
			tx[i] = 1 + (x >> 32) % max;
		}
		return i;
	}
	while (*p && n < HVG_STEPS_MAX) {
		rx[n] = strtoul(p, &end, 10);
		tx[n] = rx[n];
		if (*end == ':')
			tx[n] = strtoul(end + 1, &end, 10);
		if (end == p || rx[n] == 0 || tx[n] == 0 || rx[n] > max ||
		    tx[n] > max || (*end && *end != ','))
			return -1;
		n++;
		p = *end ? end + 1 : end;
	}
	return n;
}

/* Has every receive queue received and every transmit queue sent? */
static int
hvg_requeue_moved(const uint64_t *rx, uint16_t nrx, const uint64_t *tx,
		  uint16_t ntx)
{
	uint16_t q;

	for (q = 0; q < nrx; q++)
		if (rx[q] == 0)
			return 0;
	for (q = 0; q < ntx; q++)
		if (tx[q] < hvg.burst)
			return 0;
	return 1;
}

/* One step's checks once the port runs with nrx and ntx queues. */
static unsigned int
hvg_requeue_check(uint16_t port, struct rte_mempool *mp, unsigned int step,
		  uint16_t nrx, uint16_t ntx)
{
	struct rte_eth_rss_reta_entry64 reta[RTE_ETH_RSS_RETA_SIZE_512 /
					     RTE_ETH_RETA_GROUP_SIZE];
	uint64_t rx[HVG_MAX_Q] = { 0 }, tx[HVG_MAX_Q] = { 0 };
	struct rte_mbuf *pkts[HVG_BURST_MAX];
	struct rte_eth_dev_info info;
	struct rte_eth_rxq_info rqi;
	struct rte_eth_txq_info tqi;
	/* Sent to a MAC of its own: a loopback host does not echo it. */
	static const struct rte_ether_addr away = {
		.addr_bytes = { 0x02, 0, 0, 0, 0, 0x09 } };
	unsigned int fails = 0, q, i, seen;
	uint64_t start, end, last, now, named = 0;
	uint16_t n, sent;

	/*
	 * --seconds at least, then until every queue has moved a frame (a
	 * busy machine may not run the host for a while), at most
	 * HVG_STEP_MAX_S: a queue that never moves one fails the check.
	 */
	start = rte_get_timer_cycles();
	end = start + (uint64_t)(hvg.seconds * rte_get_timer_hz());
	last = start + HVG_STEP_MAX_S * rte_get_timer_hz();
	while (!hvg_stop) {
		now = rte_get_timer_cycles();
		if (now >= last || (now >= end &&
				    hvg_requeue_moved(rx, nrx, tx, ntx)))
			break;
		for (q = 0; q < nrx; q++) {
			n = rte_eth_rx_burst(port, q, pkts, hvg.burst);
			rx[q] += n;
			rte_pktmbuf_free_bulk(pkts, n);
		}
		for (q = 0; q < ntx; q++) {
			if (tx[q] >= hvg.burst)
				continue;
			for (n = 0; n < hvg.burst; n++) {
				pkts[n] = hvg_frame(mp, &away, q);
				if (!pkts[n])
					break;
			}
			sent = rte_eth_tx_burst(port, q, pkts, n);
			tx[q] += sent;
			rte_pktmbuf_free_bulk(pkts + sent, n - sent);
		}
	}
	printf("hv-guest: step %u rxq %u txq %u: rx", step, nrx, ntx);
	for (q = 0; q < nrx; q++)
		printf(" %" PRIu64, rx[q]);
	printf(" tx");
	for (q = 0; q < ntx; q++)
		printf(" %" PRIu64, tx[q]);
	printf("\n");
	for (q = 0; q < nrx; q++) {
		hvg_rx[q] += rx[q];
		if (rx[q] == 0) {
			printf("hv-guest: FAIL step %u: rx queue %u received nothing\n",
			       step, q);
			fails++;
		}
		if (rte_eth_rx_queue_info_get(port, q, &rqi) != 0) {
			printf("hv-guest: FAIL step %u: no rx queue %u info\n",
			       step, q);
			fails++;
		}
	}
	for (q = 0; q < ntx; q++) {
		hvg_tx[q] += tx[q];
		if (tx[q] == 0) {
			printf("hv-guest: FAIL step %u: tx queue %u sent nothing\n",
			       step, q);
			fails++;
		}
		if (rte_eth_tx_queue_info_get(port, q, &tqi) != 0) {
			printf("hv-guest: FAIL step %u: no tx queue %u info\n",
			       step, q);
			fails++;
		}
	}
	if (nrx < 2 || rte_eth_dev_info_get(port, &info) != 0 ||
	    info.reta_size == 0 || info.reta_size > RTE_ETH_RSS_RETA_SIZE_512)
		return fails;
	memset(reta, 0, sizeof(reta));
	for (i = 0; i < info.reta_size / RTE_ETH_RETA_GROUP_SIZE; i++)
		reta[i].mask = UINT64_MAX;
	if (rte_eth_dev_rss_reta_query(port, reta, info.reta_size) != 0) {
		printf("hv-guest: FAIL step %u: RETA query refused\n", step);
		return fails + 1;
	}
	for (i = 0; i < info.reta_size; i++) {
		q = reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i %
						       RTE_ETH_RETA_GROUP_SIZE];
		if (q >= nrx) {
			printf("hv-guest: FAIL step %u: RETA entry %u names queue %u of %u\n",
			       step, i, q, nrx);
			return fails + 1;
		}
		named |= UINT64_C(1) << q;
	}
	seen = __builtin_popcountll(named);
	if (seen != nrx) {
		printf("hv-guest: FAIL step %u: RETA names %u of %u queues\n",
		       step, seen, nrx);
		fails++;
	}
	return fails;
}

unsigned int
hvg_requeue(uint16_t port, struct rte_mempool *mp)
{
	uint16_t rx[HVG_STEPS_MAX], tx[HVG_STEPS_MAX];
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	unsigned int fails = 0, max, q;
	int n, i, ret;

	if (rte_eth_dev_info_get(port, &info) != 0)
		return 1;
	max = RTE_MIN(info.max_rx_queues, info.max_tx_queues);
	max = RTE_MIN(max, RTE_MIN(hvg.queues, (unsigned int)HVG_MAX_Q));
	n = hvg_requeue_counts(max, rx, tx);
	if (n <= 0) {
		printf("hv-guest: FAIL bad --counts (1..%u each)\n", max);
		return 1;
	}
	if (hvg.counts == NULL)
		printf("hv-guest: requeue seed %" PRIu64 " steps %d max %u\n",
		       hvg.seed, n, max);
	for (i = 0; i < n && !hvg_stop; i++) {
		ret = rte_eth_dev_stop(port);
		if (ret != 0) {
			printf("hv-guest: FAIL step %d: stop: %d\n", i, ret);
			return fails + 1;
		}
		memset(&conf, 0, sizeof(conf));
		if (rx[i] > 1) {
			conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
			conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IP &
				info.flow_type_rss_offloads;
		}
		ret = rte_eth_dev_configure(port, rx[i], tx[i], &conf);
		for (q = 0; ret == 0 && q < rx[i]; q++)
			ret = rte_eth_rx_queue_setup(port, q, 512,
						     rte_socket_id(), NULL, mp);
		for (q = 0; ret == 0 && q < tx[i]; q++)
			ret = rte_eth_tx_queue_setup(port, q, 512,
						     rte_socket_id(), NULL);
		if (ret == 0)
			ret = rte_eth_dev_start(port);
		if (ret == 0)
			ret = rte_eth_promiscuous_enable(port);
		if (ret != 0) {
			printf("hv-guest: FAIL step %d: rxq %u txq %u: %d\n", i,
			       rx[i], tx[i], ret);
			return fails + 1;
		}
		fails += hvg_requeue_check(port, mp, i, rx[i], tx[i]);
		fflush(stdout);
	}
	hvg.queues = max;
	return fails;
}
