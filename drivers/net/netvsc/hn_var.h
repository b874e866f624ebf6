/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/* Private state of the netvsc PMD. */

#ifndef _HN_VAR_H_
#define _HN_VAR_H_

#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_log.h>
#include <rte_mbuf_core.h>
#include <rte_spinlock.h>

#include "hn_parse.h"

extern int hn_logtype_init;
extern int hn_logtype_driver;

#define HN_INIT_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, hn_logtype_init, "%s(): " fmt "\n", \
		__func__, ##__VA_ARGS__)
#define HN_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, hn_logtype_driver, "%s(): " fmt "\n", \
		__func__, ##__VA_ARGS__)

/*
 * Host input failures are logged through this gate so a hostile host cannot
 * flood the log: the first lines of each call site, then one in 1024. The
 * check and the counter are never gated.
 */
#define HN_BAD(fmt, ...) do { \
	static uint32_t hn_bad_seen_; \
	if (hn_bad_seen_++ < 16 || (hn_bad_seen_ & 1023) == 0) \
		HN_LOG(ERR, fmt, ##__VA_ARGS__); \
} while (0)

struct rte_eth_dev;
struct rte_eth_rxconf;
struct rte_eth_rxq_info;
struct rte_eth_txconf;
struct rte_eth_txq_info;
struct rte_mbuf;
struct rte_mempool;
struct rte_memzone;
struct rte_vmbus_device;
struct vmbus_channel;
struct hn_vf_ctx;

#define HN_MAX_CHANNELS		64
#define HN_MTU_MIN		RTE_ETHER_MIN_MTU
#define HN_MTU_MAX		(9216 - RTE_ETHER_HDR_LEN)

/* How often control requests poll the primary channel. */
#define HN_POLL_INTERVAL_US	100

#define HN_TX_DESC_MIN		64
#define HN_TX_DESC_DEFAULT	1024
#define HN_TX_DESC_MAX		4096
#define HN_RX_DESC_MIN		64
#define HN_RX_DESC_DEFAULT	1024
#define HN_RX_DESC_MAX		8192

/*
 * Transaction ids. Data sends use the index of a transmit descriptor, which
 * is always below HN_TX_DESC_MAX; control traffic uses tags well above it so
 * a completion is classified by range and then checked against what is
 * outstanding.
 */
#define HN_XACT_NVS		(UINT64_C(1) << 62)
#define HN_XACT_RNDIS_CTRL	(UINT64_C(1) << 61)

/* Per-packet size buckets reported by xstats. */
enum hn_size_bucket {
	HN_SIZE_UNDER_64,
	HN_SIZE_64,
	HN_SIZE_65_127,
	HN_SIZE_128_255,
	HN_SIZE_256_511,
	HN_SIZE_512_1023,
	HN_SIZE_1024_1518,
	HN_SIZE_OVER_1518,
	HN_SIZE_BUCKETS
};

struct hn_rx_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors;
	uint64_t nombuf;
	uint64_t multicast;
	uint64_t broadcast;
	uint64_t size[HN_SIZE_BUCKETS];
	uint64_t bad_chanpkt;	/* ring packets with a bad VMBus header */
	uint64_t bad_xfer;	/* malformed transfer-page packets */
	uint64_t bad_range;	/* ranges outside the receive buffer */
	uint64_t bad_rndis;	/* malformed RNDIS messages */
	uint64_t bad_nvs;	/* malformed or unexpected NVSP messages */
	uint64_t bad_xact;	/* completions matching nothing outstanding */
	uint64_t stage_full;	/* frames dropped because staging was full */
	uint64_t comp_retry;	/* receive completions delayed by a full ring */
	uint64_t chan_error;	/* the bus refused to read the ring */
	uint64_t chan_dead;	/* times the ring was found corrupt */
	uint64_t attached;	/* frames handed out without a copy */
	uint64_t busy_xact;	/* transfer id still held by attached frames */
};

struct hn_tx_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors;
	uint64_t multicast;
	uint64_t broadcast;
	uint64_t size[HN_SIZE_BUCKETS];
	uint64_t aggregates;	/* VMBus packets carrying send-buffer copies */
	uint64_t gpa_sends;	/* VMBus packets carrying page lists */
	uint64_t chim_exhausted; /* no free send-buffer section */
	uint64_t desc_exhausted; /* no free transmit descriptor */
	uint64_t ring_full;	/* channel ring had no room */
	uint64_t host_failed;	/* completions with a failure status */
};

struct hn_data;
struct rte_ring;

/*
 * A transfer-page packet whose frames were attached to mbufs without a
 * copy (rx_extmbuf_enable=1): completed when the last mbuf is freed.
 * Indexed by the packet's transaction id, checked below the section count.
 */
struct hn_rx_bufinfo {
	struct rte_mbuf_ext_shared_info shinfo;
	struct hn_rx_queue *rxq;
	uint64_t xact;
};

/*
 * Where a transmit descriptor is. Only a SENT one may be completed by the
 * host: the aggregate being filled is FILLING, and a completion naming it
 * is refused like any id never sent.
 */
enum hn_txd_state {
	HN_TXD_FREE,
	HN_TXD_FILLING,		/* taken, not yet handed to the host */
	HN_TXD_SENT,		/* the host holds it until its completion */
};

/*
 * One VMBus packet in flight: an aggregate of copies or a page-list send.
 * While free, m is NULL and chim_idx invalid.
 */
struct hn_txdesc {
	struct rte_mbuf *m;	/* held until completion (page-list sends) */
	uint32_t chim_idx;	/* send-buffer section held, or invalid */
	uint32_t state;		/* enum hn_txd_state */
};

/* The aggregate being filled; txd == NULL when none is open. */
struct hn_tx_agg {
	struct hn_txdesc *txd;
	uint8_t *base;		/* its send-buffer section */
	uint32_t used;		/* bytes written */
	uint32_t pkts;		/* RNDIS messages written */
	uint32_t last;		/* offset of the last message */
};

struct hn_tx_queue {
	/* First cache line: what every burst reads. */
	struct hn_data *hv;
	struct vmbus_channel *chan;
	struct hn_txdesc *desc;
	uint16_t *desc_free;	/* free descriptor stack */
	uint32_t *chim_free;	/* free section stack */
	uint32_t desc_nfree;
	uint32_t chim_nfree;
	uint32_t tx_copybreak;
	uint32_t agg_szmax;
	uint32_t agg_pktmax;
	uint32_t agg_align;

	/* Second: the open aggregate and what opening one needs. */
	struct hn_tx_agg agg;
	uint8_t *chim_base;
	uint32_t chim_szmax;
	uint16_t free_thresh;
	uint16_t nb_desc;
	uint16_t port_id;
	uint16_t queue_id;
	uint32_t chim_cnt;	/* sections owned by this queue */
	uint64_t offloads;

	/* RNDIS headers of page-list sends, one slot per descriptor. */
	const struct rte_memzone *hdr_mz;
	uint8_t *hdr_base;
	rte_iova_t hdr_iova;

	struct hn_tx_stats stats __rte_cache_aligned;
} __rte_cache_aligned;

#define HN_RX_STASH	64

struct hn_rx_queue {
	struct hn_data *hv;
	struct vmbus_channel *chan;
	struct rte_mempool *mb_pool;
	uint16_t port_id;
	uint16_t queue_id;
	uint16_t nb_desc;	/* as asked at setup, for rxq_info_get */
	uint64_t offloads;
	bool vlan_strip;
	bool ready;		/* set up by the application: deliver data */
	bool chan_dead;		/* the bus found the ring corrupt */
	rte_spinlock_t ring_lock; /* one reader of the channel at a time */

	/* Private copy of the ring packet being handled. */
	uint8_t *event_buf;
	uint32_t event_sz;

	/* Frames parsed but not yet handed to the application. */
	struct rte_mbuf **stage;
	uint32_t stage_mask;
	uint32_t stage_head;	/* next to deliver */
	uint32_t stage_tail;	/* next free slot */
	uint32_t stage_want;	/* stop reading the ring once this many */

	/* Completions of attached buffers the ring had no room for. */
	struct rte_ring *ext_comp;

	/* Receive completions the ring had no room for. */
	uint64_t *comp_pending;
	uint32_t comp_npending;
	uint32_t comp_max;

	struct rte_mbuf *stash[HN_RX_STASH];
	uint32_t nstash;

	struct hn_rx_stats stats;
} __rte_cache_aligned;

struct hn_data {
	struct rte_vmbus_device *vmbus;
	struct rte_eth_dev *eth_dev;
	uint16_t port_id;
	uint16_t num_channels;	/* opened: primary + subchannels */
	uint16_t max_queues;	/* the host's RSS queue limit */
	uint16_t subch_asked;	/* subchannels last asked for */
	uint16_t subch_granted;
	bool subch_requested;
	bool closed;		/* close began; atomic */
	bool session_lost;	/* a new NVSP session failed: close the port */

	struct vmbus_channel *channels[HN_MAX_CHANNELS];
	struct hn_rx_queue *rxq[HN_MAX_CHANNELS];
	struct hn_tx_queue *txq[HN_MAX_CHANNELS];

	struct hn_devargs args;
	uint32_t mtu;

	/* Negotiated NVSP state. */
	uint32_t nvs_ver;
	uint32_t ndis_ver;
	void *rxbuf;
	uint32_t rxbuf_size;
	uint32_t rxbuf_gpadl;
	uint32_t rxbuf_slots;	/* host's sub-allocation count */
	struct hn_rx_bufinfo *rxbuf_info; /* per slot, rx_extmbuf_enable=1 */
	bool rxbuf_connected;
	uint8_t *chim;
	uint32_t chim_size;
	uint32_t chim_gpadl;
	uint32_t chim_szmax;	/* section size */
	uint32_t chim_cnt;
	bool chim_connected;

	/* NVSP request waiting for its completion on the primary channel. */
	uint32_t nvs_wait_type;
	uint32_t nvs_resp_len;
	uint8_t nvs_resp[64];

	/* RNDIS control: one request outstanding at a time. */
	rte_spinlock_t rndis_lock;
	uint32_t rndis_rid;
	uint32_t rndis_pending;		/* rid waited for, 0 if none */
	uint32_t rndis_resp_len;
	uint8_t rndis_resp[256];
	const struct rte_memzone *ctrl_mz;	/* request page, sent by GPA */
	bool rndis_up;

	/* Limits from RNDIS INITIALIZE_CMPLT, for transmit aggregation. */
	uint32_t rndis_agg_size;
	uint32_t rndis_agg_pkts;
	uint32_t rndis_agg_align;

	/* Host offload and RSS capabilities. */
	uint64_t tx_offload_capa;
	uint64_t rx_offload_capa;
	uint32_t tso_maxsz;
	uint32_t rss_caps_hash;
	uint32_t rss_hash;	/* NDIS hash bits in use */
	uint32_t rss_ind[HN_RSS_IND_SIZE];
	uint8_t rss_key[HN_RSS_KEY_SIZE];
	bool rss_on;

	uint32_t rx_filter;
	bool promisc;
	bool allmulti;

	/* Link as last reported by the host. */
	uint32_t link_status;
	uint32_t link_speed;	/* units of 100 bps */

	/* Link change seen on a data path, reported from the alarm thread. */
	bool lsc_pending;	/* its alarm is armed; atomic */
	/* Alarms armed for host link and VF messages (telemetry); atomic. */
	uint64_t host_alarms;

	/* Channels whose ring was found corrupt, reported as a reset. */
	uint32_t chans_dead;	/* atomic */
	bool reset_pending;	/* its alarm is armed; atomic */

	/* Host notices. */
	bool vf_offered;
	bool vf_host_synthetic;	/* host moved the data path back */
	uint32_t vf_serial;
	uint32_t txtbl[HN_TXTBL_SIZE];
	bool txtbl_valid;

	struct rte_ether_addr mac;

	struct hn_vf_ctx *vf;	/* hn_vf.c; NULL with enable_vf=0 */
};

/* hn_rxtx.c */
struct hn_rx_queue *hn_rx_queue_alloc(struct hn_data *hv, uint16_t queue_id,
				      unsigned int socket_id);
void hn_rx_queue_free(struct hn_rx_queue *rxq);
int hn_rx_queue_resize(struct hn_rx_queue *rxq, uint32_t slots,
		       int socket_id);
/* ethdev queue ops, receive then transmit */
int hn_dev_rx_queue_setup(struct rte_eth_dev *dev, uint16_t queue_idx,
			  uint16_t nb_desc, unsigned int socket_id,
			  const struct rte_eth_rxconf *rx_conf,
			  struct rte_mempool *mp);
void hn_dev_rxq_info_get(struct rte_eth_dev *dev, uint16_t qid,
			 struct rte_eth_rxq_info *qinfo);
void hn_dev_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid);
int hn_dev_tx_queue_setup(struct rte_eth_dev *dev, uint16_t queue_idx,
			  uint16_t nb_desc, unsigned int socket_id,
			  const struct rte_eth_txconf *tx_conf);
void hn_dev_txq_info_get(struct rte_eth_dev *dev, uint16_t qid,
			 struct rte_eth_txq_info *qinfo);
int hn_dev_tx_done_cleanup(void *arg, uint32_t free_cnt);
void hn_dev_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid);
uint16_t hn_recv_pkts(void *rxq, struct rte_mbuf **rx_pkts, uint16_t nb_pkts);
uint16_t hn_xmit_pkts(void *txq, struct rte_mbuf **tx_pkts, uint16_t nb_pkts);
uint16_t hn_xmit_prep(void *txq, struct rte_mbuf **tx_pkts, uint16_t nb_pkts);
int hn_chan_process(struct hn_data *hv, struct hn_rx_queue *rxq,
		    uint32_t budget);
void hn_rx_queue_purge(struct hn_rx_queue *rxq);
int hn_tx_queue_drain(struct hn_tx_queue *txq, unsigned int timeout_ms);

/*
 * A control wait (hn_nvs.c): polls until ctrl_timeout_ms, with a log line
 * once it has taken a second, then every five.
 */
struct hn_ctrl_wait {
	uint64_t start;
	uint64_t deadline;
	uint64_t next_note;
};

void hn_ctrl_wait_begin(struct hn_data *hv, struct hn_ctrl_wait *w);
int hn_ctrl_wait_step(struct hn_data *hv, struct hn_ctrl_wait *w,
		      const char *what, uint32_t id);

/* hn_ethdev.c */
void hn_link_event(struct hn_data *hv, uint32_t status);
void hn_chan_dead(struct hn_data *hv, struct hn_rx_queue *rxq);
bool hn_is_netvsc_port(uint16_t port);

/* hn_mp.c */
int hn_mp_init(void);
void hn_mp_uninit(void);
int hn_mp_remap_secondaries(struct hn_data *hv);
int hn_mp_vf_add(struct hn_data *hv);
int hn_mp_vf_remove(struct hn_data *hv, uint16_t vf_port);

#endif /* _HN_VAR_H_ */
