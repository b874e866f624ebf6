/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Validators for everything a guest hands hv-host.  Each returns 0 or a
 * negative errno and, on failure, points *why at a static string naming
 * the field that was wrong.  They read only the buffer they are given (a
 * private copy of guest memory), so they are pure and unit-tested alone.
 */

#ifndef HVH_CHECK_H
#define HVH_CHECK_H

#include <stdint.h>

#include "hvh_wire.h"

/*
 * Ring packet descriptor with avail readable bytes in the ring.
 * -EPROTO: the ring cannot be parsed any further (bad lengths);
 * -EMSGSIZE: longer than max_len, skip it;
 * -EBADMSG: well framed but of a type or flag hv-host never accepts, skip.
 */
int hvh_check_desc(const struct hvh_pkt_desc *d, uint64_t avail,
		   uint32_t max_len, const char **why);

/* One piece of guest memory named by a GPA-direct packet. */
struct hvh_gpa_seg {
	uint64_t gpa;		/* pfn * 4096 + offset */
	uint32_t len;
};

/*
 * GPA-direct packet of pkt_len bytes.  Each range is {len, offset,
 * pfn[ceil((offset + len) / 4096)]}: the multi-page-buffer form Linux
 * uses, of which DPDK's page buffers (one page per range) are a special
 * case; OpenVMM parses both this way.  Fills at most max_segs segments,
 * one per page touched, and sets *nsegs.
 */
int hvh_check_gpa(const uint8_t *pkt, uint32_t pkt_len,
		  struct hvh_gpa_seg *segs, uint32_t max_segs, uint32_t *nsegs,
		  const char **why);

/* What hvh_check_rndis_pkt found in one PACKET_MSG. */
struct hvh_tx_info {
	uint32_t msg_len;	/* bytes of this message */
	uint32_t frame_off;	/* from the start of the message */
	uint32_t frame_len;
	uint32_t present;	/* HVH_TXI_ flags */
	uint32_t csum;		/* checksum request PPI */
	uint32_t lso;		/* LSOv2 PPI */
	uint32_t vlan;		/* NDIS VLAN info PPI */
};

#define HVH_TXI_CSUM	0x1
#define HVH_TXI_LSO	0x2
#define HVH_TXI_VLAN	0x4

/* One RNDIS PACKET_MSG at msg with avail bytes left in its container. */
int hvh_check_rndis_pkt(const uint8_t *msg, uint32_t avail,
			struct hvh_tx_info *ti, const char **why);

/*
 * RNDIS control message of len bytes (type already read): fixed part, and
 * for QUERY/SET the info buffer, returned in info and info_len.
 */
int hvh_check_rndis_ctrl(const uint8_t *msg, uint32_t len,
			 const uint8_t **info, uint32_t *info_len,
			 const char **why);

/* Result of hvh_check_rss_params. */
struct hvh_rss_conf {
	int disable;
	int hash_set;
	uint32_t hash_info;
	int table_set;
	uint32_t table_len;
	uint32_t table[HVH_RSS_INDIR_MAX];
	int key_set;
	uint8_t key[40];
};

/*
 * NDIS_RECEIVE_SCALE_PARAMETERS of len bytes; table entries must name one
 * of nchan channels.
 */
int hvh_check_rss_params(const uint8_t *buf, uint32_t len, uint32_t nchan,
			 struct hvh_rss_conf *rc, const char **why);

#endif /* HVH_CHECK_H */
