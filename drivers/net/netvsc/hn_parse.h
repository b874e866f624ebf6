/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Checks of everything the host hands us, and of the devargs. These helpers
 * depend on neither the VMBus bus nor ethdev so the unit tests can feed
 * them hostile input on their own. Each returns 0 or a negative errno after
 * one log line naming the field and the bad value.
 */

#ifndef _HN_PARSE_H_
#define _HN_PARSE_H_

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_ether.h>
#include <rte_vmbus_reg.h>

#include "hn_wire.h"

#define HN_TXTBL_SIZE		16

/*
 * Transmit copies: the per-packet info the transmit path may add (VLAN,
 * then checksum or LSO), and the smallest send-buffer section or RNDIS
 * max_transfer that holds one such message with a minimum frame. A host
 * granting less is refused: the copy room would be negative.
 */
#define HN_TX_PPI_MAX		(3 * HN_PPI_U32_SIZE)
#define HN_TX_HDR_ROOM		(sizeof(struct hn_rndis_pkt_msg) + HN_TX_PPI_MAX)
#define HN_TX_MSG_MIN		(HN_TX_HDR_ROOM + RTE_ETHER_MIN_LEN)

/* Devargs, with the upstream names and meanings. */
#define HN_DEVARG_LATENCY		"latency"
#define HN_DEVARG_RX_COPYBREAK		"rx_copybreak"
#define HN_DEVARG_TX_COPYBREAK		"tx_copybreak"
#define HN_DEVARG_RX_EXTMBUF		"rx_extmbuf_enable"
#define HN_DEVARG_ENABLE_VF		"enable_vf"
#define HN_DEVARG_VF_AUTO_ATTACH	"vf_auto_attach"
#define HN_DEVARG_CTRL_TIMEOUT		"ctrl_timeout_ms"
/* Read and checked by the bus (vmbus_common.c), only accepted here. */
#define HN_DEVARG_NUMA_AWARE		"numa_aware"

#define HN_LATENCY_US_DEFAULT		50
#define HN_LATENCY_US_MAX		6500	/* host field is u16 of 100 ns */
#define HN_RX_COPYBREAK_DEFAULT		256
#define HN_COPYBREAK_MAX		16384
/*
 * By default every frame that fits a send-buffer section is copied (the
 * queue setup bounds tx_copybreak by the section), as Linux netvsc and
 * FreeBSD hn do: a page-list packet makes the host map or read guest
 * pages one frame at a time, which costs it far more than the guest's
 * copy of an MTU-sized frame (over hv-host: 1514-byte txonly 4.8 us of
 * host time per frame as page lists, 0.46 us copied). Upstream's 512
 * sends every full-sized frame as a page list.
 */
#define HN_TX_COPYBREAK_DEFAULT		HN_COPYBREAK_MAX
/* Hosts under servicing answer control requests in up to ~15 s. */
#define HN_CTRL_TIMEOUT_MS_DEFAULT	60000
#define HN_CTRL_TIMEOUT_MS_MIN		100
#define HN_CTRL_TIMEOUT_MS_MAX		3600000

struct hn_devargs {
	uint32_t latency_us;
	uint32_t rx_copybreak;
	uint32_t tx_copybreak;
	bool rx_extmbuf;
	bool enable_vf;		/* take the VF and move the data path to it */
	bool vf_auto_attach;	/* attach a hot-added VF device ourselves */
	uint32_t ctrl_timeout_ms; /* how long a control request may take */
};

int hn_parse_devargs(const char *args, struct hn_devargs *out);

/* What a transfer-page packet holds once its header passed the checks. */
struct hn_xfer {
	const struct vmbus_rxbuf_desc *ranges; /* inside the caller's copy */
	uint32_t nranges;
	uint64_t xact;
};

int hn_check_chanpkt(const uint8_t *pkt, uint32_t len,
		     struct vmbus_chanpkt_hdr *hdr);
int hn_check_xfer(const uint8_t *pkt, uint32_t len, uint32_t slots,
		  struct hn_xfer *x);

static inline int
hn_check_range(const struct vmbus_rxbuf_desc *r, uint32_t bufsize,
	       uint32_t *ofs, uint32_t *len)
{
	uint32_t o = r->ofs, l = r->len;

	/* Subtraction form: ofs + len could wrap in 32 bits. */
	if (unlikely(l == 0 || o > bufsize || l > bufsize - o))
		return -EINVAL;
	*ofs = o;
	*len = l;
	return 0;
}

/*
 * Range i of a transfer-page packet that passed hn_check_xfer, as an RNDIS
 * message in the receive buffer: 0 with its offset, length and RNDIS
 * type; -ERANGE if the range leaves the buffer, -EBADMSG if it is too
 * short for an RNDIS header. The type is copied out once: the buffer stays
 * host-writable.
 */
static inline int
hn_xfer_msg(const struct hn_xfer *x, uint32_t i, const uint8_t *rxbuf,
	    uint32_t bufsize, uint32_t *ofs, uint32_t *len, uint32_t *type)
{
	if (unlikely(hn_check_range(&x->ranges[i], bufsize, ofs, len) != 0))
		return -ERANGE;
	if (unlikely(*len < sizeof(struct hn_rndis_hdr)))
		return -EBADMSG;
	memcpy(type, rxbuf + *ofs, sizeof(*type));
	return 0;
}

/*
 * The largest frame a PACKET_MSG may carry: the port's max_rx_pktlen
 * (9216) and an 802.1Q tag the host left in the frame. Anything longer
 * is refused, so one message never takes more than a few mbufs.
 */
#define HN_RX_FRAME_MAX		(9216 + 4)

/* Per-packet information found in a received PACKET_MSG. */
#define HN_RXINFO_VLAN		0x0001
#define HN_RXINFO_CSUM		0x0002
#define HN_RXINFO_HASHVAL	0x0004
#define HN_RXINFO_HASHINF	0x0008

struct hn_rx_info {
	uint32_t data_off;	/* from the start of the RNDIS message */
	uint32_t data_len;
	uint32_t present;	/* HN_RXINFO_* */
	uint32_t vlan;
	uint32_t csum;
	uint32_t hash_value;
	uint32_t hash_info;
};

int hn_rndis_parse_pkt(const uint8_t *msg, uint32_t len,
		       struct hn_rx_info *ri);
int hn_rndis_check_comp(const uint8_t *msg, uint32_t len, uint32_t *type,
			uint32_t *rid, uint32_t *msg_len);
int hn_rndis_check_query(const uint8_t *msg, uint32_t len,
			 uint32_t *info_off, uint32_t *info_len);
int hn_rndis_check_init(const uint8_t *msg, uint32_t len,
			uint32_t *max_pkts, uint32_t *max_xfer,
			uint32_t *align);
int hn_rndis_check_status(const uint8_t *msg, uint32_t len,
			  uint32_t *status, uint32_t *speed, bool *has_speed);

int hn_nvs_take_comp(void *dst, uint32_t size, const uint8_t *src,
		     uint32_t len, uint32_t min, uint32_t *out_len);
int hn_nvs_check_rxbuf(const uint8_t *msg, uint32_t len, uint32_t bufsize,
		       uint32_t *slots);
int hn_nvs_check_chim(const uint8_t *msg, uint32_t len, uint32_t bufsize,
		      uint32_t *sectsz, uint32_t *cnt);
int hn_nvs_check_subch(const uint8_t *msg, uint32_t len, uint32_t requested,
		       uint32_t *granted);
int hn_nvs_check_txtbl(const uint8_t *msg, uint32_t len,
		       uint32_t table[HN_TXTBL_SIZE]);
int hn_nvs_check_vf_assoc(const uint8_t *msg, uint32_t len,
			  bool *allocated, uint32_t *serial);
int hn_nvs_check_datapath(const uint8_t *msg, uint32_t len, uint32_t *path);

/*
 * Take an attached-frame slot (rx_extmbuf_enable=1) from idle: its
 * reference count from 0 to 1. The slots are shared by all queues and a
 * host may name one transfer id on two channels at once: one reader only
 * may win, so a read then a store (both readers may see 0) will not do.
 */
static inline bool
hn_rx_slot_take(uint16_t *refcnt)
{
	uint16_t idle = 0;

	return __atomic_compare_exchange_n(refcnt, &idle, 1, false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

struct rte_ether_addr;

bool hn_vf_mac_match(const struct rte_ether_addr *ours,
		     const struct rte_ether_addr *theirs);

struct hn_offload_caps {
	bool ip4_csum;
	bool tcp4_csum;
	bool udp4_csum;
	bool tcp6_csum;
	bool udp6_csum;
	bool lso4;
	bool lso6;
	uint32_t lso_maxsz;
};

int hn_check_offload_caps(const uint8_t *buf, uint32_t len,
			  struct hn_offload_caps *caps);
int hn_check_rss_caps(const uint8_t *buf, uint32_t len, uint32_t *nqueues,
		      uint32_t *hash_caps);

#endif /* _HN_PARSE_H_ */
