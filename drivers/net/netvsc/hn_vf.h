/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Accelerated networking: the SR-IOV VF that the host pairs with the
 * synthetic NIC (same MAC) is taken as a sub-device of the netvsc port.
 * The application keeps using the netvsc port; configuration is mirrored
 * to the VF and, once the host has offered the VF and it is running, the
 * data path moves to it (doc/guides/nics/netvsc_protocol.rst, "VF
 * association and data path switch").
 */

#ifndef _HN_VF_H_
#define _HN_VF_H_

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_config.h>
#include <rte_ethdev.h>
#include <rte_spinlock.h>

struct hn_data;

#define HN_VF_NONE		RTE_MAX_ETHPORTS
#define HN_VF_MAX_QUEUES	64
#define HN_VF_RETRY_US		(1000 * 1000)	/* MAC match retry, as upstream */

/*
 * One per queue and direction. A burst that may use the VF makes the
 * sequence odd on entry and even on exit; the control side, after
 * unpublishing the VF port, waits for every odd sequence to move on
 * before it stops or closes the VF. The data path takes no lock. The
 * guards are shared by all processes: pid names the one that entered
 * last, so that a process that ended inside a burst (a secondary that
 * exits from a signal handler) does not keep the sequence odd for ever.
 */
struct hn_vf_guard {
	uint32_t seq;
	int32_t pid;
} __rte_cache_aligned;

/* What the application set up on a netvsc queue, replayed on the VF. */
struct hn_vf_rxq_conf {
	struct rte_eth_rxconf conf;
	struct rte_mempool *mp;
	uint16_t nb_desc;
	unsigned int socket;
	bool set;
};

struct hn_vf_txq_conf {
	struct rte_eth_txconf conf;
	uint16_t nb_desc;
	unsigned int socket;
	bool set;
};

/* Operations logged once when the VF lacks them. */
enum hn_vf_op {
	HN_VF_OP_PROMISC,
	HN_VF_OP_ALLMULTI,
	HN_VF_OP_MTU,
	HN_VF_OP_RETA,
	HN_VF_OP_RSS_HASH,
	HN_VF_OP_STATS,
	HN_VF_OP_COUNT
};

struct hn_vf_ctx {
	/* Read by every burst: the port the data path uses, or HN_VF_NONE. */
	uint16_t dp_port;
	/*
	 * Read by receive bursts: dp_port, or after the host withdrew the
	 * association the VF until it is stopped or removed. A withdrawn VF
	 * still works and may hold frames that arrived before the switch;
	 * they are taken, as Linux's netvsc takes a withdrawn VF's frames.
	 */
	uint16_t rx_port;

	/* Everything below is control side, under lock. */
	rte_spinlock_recursive_t lock;
	uint16_t port;		/* the VF port we own, or HN_VF_NONE */
	uint16_t cb_port;	/* port our RMV/DESTROY callbacks are on */
	uint64_t owner_id;
	bool owner_ok;
	bool new_cb;		/* RTE_ETH_EVENT_NEW callback registered */
	bool configured;	/* the VF holds the current configuration */
	bool started;
	bool switched;		/* the host was told to use the VF */
	bool nv_started;	/* the netvsc port is started */
	bool removing;		/* removal event seen, release pending */
	bool retry_armed;	/* MAC match retry alarm pending */
	bool event_armed;	/* host event alarm pending; atomic, no lock */
	bool closing;
	/*
	 * Between the VF's RTE_ETH_EVENT_ERR_RECOVERING and its outcome: its
	 * driver owns it (ethdev allows no control call), the data path is
	 * synthetic, the VF is kept.
	 */
	bool recovering;
	uint32_t warned;	/* bit per hn_vf_op */

	struct hn_vf_rxq_conf rxq[HN_VF_MAX_QUEUES];
	struct hn_vf_txq_conf txq[HN_VF_MAX_QUEUES];

	/* Counters of VFs already released, so port totals never go back. */
	struct rte_eth_stats retired;
	struct rte_eth_stats last;	/* the current VF's, last read */

	/* Transitions, reported as xstats. */
	uint64_t n_to_vf;
	uint64_t n_to_synthetic;
	uint64_t n_taken;
	uint64_t n_released;
	uint64_t n_recoveries;		/* ERR_RECOVERING episodes */
	uint64_t n_recovered;		/* ... that ended in RECOVERY_SUCCESS */
	uint64_t n_recovery_failed;	/* ... in RECOVERY_FAILED */

	/* Automatic attach of the VF device (vf_auto_attach=1), hn_vf.c. */
	bool monitor;		/* we hold a start of EAL's device event monitor */
	bool dev_cb;		/* our device event callback is registered */
	bool hunt_armed;	/* attach attempt alarm pending */
	uint32_t hunt_delay_ms;	/* backoff of the next attempt */
	uint64_t hunt_until;	/* timer cycles: a PCI add was seen lately */
	char devargs[256];	/* the VF device's devargs, for its return */
	char eth_name[RTE_ETH_NAME_MAX_LEN];	/* the VF port's */
	uint64_t n_attach_tries;
	uint64_t n_attach_ok;

	/* Data path blackouts: neither path carries frames (timer cycles). */
	uint64_t blackout_start;
	uint64_t blackout_last_ms;
	uint64_t blackout_max_ms;
	uint64_t blackout_total_ms;

	struct hn_vf_guard rxg[HN_VF_MAX_QUEUES];
	struct hn_vf_guard txg[HN_VF_MAX_QUEUES];
};

int hn_vf_init(struct hn_data *hv);
void hn_vf_close(struct hn_data *hv);
void hn_vf_host_event(struct hn_data *hv);
void hn_vf_info_get(struct hn_data *hv, struct rte_eth_dev_info *info);
void hn_vf_configure(struct hn_data *hv);
void hn_vf_rx_queue_setup(struct hn_data *hv, uint16_t qid, uint16_t nb_desc,
			  unsigned int socket,
			  const struct rte_eth_rxconf *conf,
			  struct rte_mempool *mp);
void hn_vf_tx_queue_setup(struct hn_data *hv, uint16_t qid, uint16_t nb_desc,
			  unsigned int socket,
			  const struct rte_eth_txconf *conf);
void hn_vf_start(struct hn_data *hv);
void hn_vf_stop(struct hn_data *hv);
void hn_vf_rx_mode(struct hn_data *hv);
void hn_vf_rss_update(struct hn_data *hv);
void hn_vf_stats_add(struct hn_data *hv, struct rte_eth_stats *st);
void hn_vf_stats_reset(struct hn_data *hv);
unsigned int hn_vf_xstats_count(struct hn_data *hv);
unsigned int hn_vf_xstats_names(struct hn_data *hv,
				struct rte_eth_xstat_name *names,
				unsigned int n);
unsigned int hn_vf_xstats_get(struct hn_data *hv, struct rte_eth_xstat *xs,
			      unsigned int n, unsigned int first_id);
void hn_vf_secondary_init(struct hn_data *hv);
void hn_vf_secondary_uninit(struct hn_data *hv);
int hn_vf_secondary_add(struct hn_data *hv);
int hn_vf_secondary_remove(struct hn_data *hv, uint16_t vf_port);
uint16_t hn_vf_recv_pkts(void *rxq, struct rte_mbuf **pkts, uint16_t n);
uint16_t hn_vf_xmit_pkts(void *txq, struct rte_mbuf **pkts, uint16_t n);

#endif /* _HN_VF_H_ */
