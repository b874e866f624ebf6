/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * What hv-guest's files share: its options, the stop flag, the per-queue
 * counters and the modes that live in hv_guest_offload.c.
 */

#ifndef HV_GUEST_H
#define HV_GUEST_H

#include <signal.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mempool.h>

#define HVG_MAX_Q 64
#define HVG_BURST_MAX 64

enum hvg_mode { HVG_INFO, HVG_IO, HVG_RXONLY, HVG_TXONLY, HVG_ICMPECHO,
	HVG_OFFLOAD, HVG_TSOSEND, HVG_TXCLEANUP, HVG_REQUEUE, HVG_MP };

struct hvg_opts {
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
	uint64_t seed;			/* requeue: drawn counts */
	unsigned int steps;
	const char *counts;		/* requeue: given counts */
	unsigned int mtu;		/* rxmode.mtu, 0 = ethdev's default */
	int worker;		/* forward on a worker lcore, main asleep */
	unsigned int proc_id;		/* mp: the queue this process polls */
	const char *control;		/* mp: where commands arrive */
	unsigned int inflight;	/* io: frames first sent per queue */
};

extern struct hvg_opts hvg;
extern volatile sig_atomic_t hvg_stop;
extern uint64_t hvg_rx[HVG_MAX_Q], hvg_tx[HVG_MAX_Q];

/* One UDP frame of --size bytes to dst, flow picking the source. */
struct rte_mbuf *hvg_frame(struct rte_mempool *mp,
			   const struct rte_ether_addr *dst, unsigned int flow);

/* hv_guest_offload.c */
int hvg_ol_parse(const char *arg);
void hvg_offload(uint16_t port, struct rte_mempool *mp);
void hvg_tsosend(uint16_t port, struct rte_mempool *mp);

/* hv_guest_requeue.c: the number of failed checks. */
unsigned int hvg_requeue(uint16_t port, struct rte_mempool *mp);

int hvg_port_setup(uint16_t port, struct rte_mempool *mp);
void hvg_mp(uint16_t port, struct rte_mempool *mp);

#endif /* HV_GUEST_H */
