/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Injected host faults, one at a time on command ("fault NAME" on the control
 * socket): each breaks one rule of "What the guest must check" in
 * doc/guides/nics/netvsc_protocol.rst so a guest driver's checks can be
 * exercised end to end.  A fault on received data applies to the next data
 * message; the others are sent at once on the primary channel.
 */

#include <errno.h>
#include <string.h>

#include "hvh_log.h"
#include "hvh_nic_private.h"

static const struct {
	const char *name;
	enum hvh_fault fault;
	const char *what;
} hvh_faults[] = {
	{ "xfer-range", HVH_FAULT_XFER_RANGE,
	  "a transfer-page range past the receive buffer" },
	{ "xfer-id", HVH_FAULT_XFER_ID,
	  "a receive transaction id equal to the section count" },
	{ "xfer-pageset", HVH_FAULT_XFER_PAGESET,
	  "a transfer page set id that is not the receive buffer's" },
	{ "xfer-count", HVH_FAULT_XFER_COUNT,
	  "a range count beyond the packet header" },
	{ "rndis-len", HVH_FAULT_RNDIS_LEN,
	  "an RNDIS message longer than its range" },
	{ "ppi-zero", HVH_FAULT_PPI_ZERO,
	  "a per-packet info element of size 0" },
	{ "ctrl-odd", HVH_FAULT_CTRL_ODD,
	  "an RNDIS control message at an odd offset of its section" },
	{ "comp-tid", HVH_FAULT_COMP_TID,
	  "a send completion for a transaction never sent" },
	{ "desc", HVH_FAULT_DESC,
	  "a ring descriptor whose header is longer than the packet" },
	{ "indir", HVH_FAULT_INDIR,
	  "an indirection table claiming 1000 entries" },
	{ "vf-short", HVH_FAULT_VF_SHORT,
	  "a VF association of 4 bytes" },
	{ "desc-last", HVH_FAULT_DESC_LAST,
	  "a bad ring descriptor on the last open channel" },
	{ "link-flap", HVH_FAULT_LINK_FLAP,
	  "link indications, down and up again, as many as the control queue holds" },
	{ "link-storm", HVH_FAULT_LINK_STORM,
	  "link-flap every round, the control queue half full, until calm" },
	{ "flood", HVH_FAULT_FLOOD,
	  "the primary ring never empty (valid notices), until calm" },
	{ "slow-ctrl", HVH_FAULT_SLOW_CTRL,
	  "every RNDIS control reply held 6 s, as a host under servicing, until calm" },
	{ "tx-stall", HVH_FAULT_TX_STALL,
	  "the guest's sends no longer read, as a stuck host, until calm" },
	{ "comp-all", HVH_FAULT_COMP_ALL,
	  "a send completion for every transaction id below 4096, twice, on every channel" },
	{ "calm", HVH_FAULT_CALM,
	  "the end of link-storm, flood, slow-ctrl, tx-stall and comp-all" },
};

const char *
hvh_fault_names(void)
{
	return "xfer-range xfer-id xfer-pageset xfer-count rndis-len "
		"ppi-zero ctrl-odd comp-tid desc indir vf-short desc-last link-flap "
		"link-storm flood slow-ctrl tx-stall comp-all calm";
}

/*
 * A flapping link: link indications, each a change, the last one the
 * link's real state, until the control queue holds `upto` messages.
 * Returns how many were queued.
 */
static unsigned int
hvh_link_flap(struct hvh_nic *nic, unsigned int upto)
{
	unsigned int n = 0;

	while (nic->rndis_up && nic->ctrl_n + 2 <= upto) {
		hvh_rndis_indicate(nic, nic->link_up ?
				   HVH_RNDIS_ST_MEDIA_DISCONNECT :
				   HVH_RNDIS_ST_MEDIA_CONNECT);
		hvh_rndis_indicate(nic, nic->link_up ?
				   HVH_RNDIS_ST_MEDIA_CONNECT :
				   HVH_RNDIS_ST_MEDIA_DISCONNECT);
		n += 2;
	}
	nic->st.faults += n;
	return n;
}

/* Faults carried by a message of their own, sent right away. */
/* A descriptor whose header is longer than its packet, on channel ch. */
static void
hvh_fault_bad_desc(struct hvh_chan *ch)
{
	struct hvh_pkt_desc d = {
		.type = HVH_PKT_INBAND, .offset8 = 5, .len8 = 3,
	};
	uint8_t pad[8] = { 0 };
	struct iovec iov[2] = { { &d, sizeof(d) }, { pad, 8 } };
	int sig;

	hvh_ring_write_raw(&ch->out, iov, 2, &sig);
}

static void
hvh_fault_send(struct hvh_nic *nic, enum hvh_fault f)
{
	struct hvh_chan *ch = nic->chan[0];
	uint32_t msg[3 + HVH_NVSP_INDIR_ENTRIES] = { 0 };
	unsigned int i;

	switch (f) {
	case HVH_FAULT_COMP_TID:
		hvh_nvsp_send_comp(ch, 0xdead0000beefull,
				   HVH_NVSP_SEND_RNDIS_PKT_COMPLETE,
				   HVH_NVSP_STAT_SUCCESS);
		break;
	case HVH_FAULT_DESC:
		hvh_fault_bad_desc(ch);
		break;
	case HVH_FAULT_DESC_LAST:
		hvh_fault_bad_desc(nic->chan[nic->nchan - 1]);
		break;
	case HVH_FAULT_LINK_FLAP:
		hvh_link_flap(nic, HVH_CTRL_QUEUE);
		return;
	case HVH_FAULT_LINK_STORM:
		nic->link_storm = 1;
		break;
	case HVH_FAULT_FLOOD:
		nic->flood = 1;
		break;
	case HVH_FAULT_SLOW_CTRL:
		nic->slow_ctrl = 1;
		break;
	case HVH_FAULT_TX_STALL:
		nic->tx_stall = 1;
		break;
	case HVH_FAULT_COMP_ALL:
		for (i = 0; i < nic->nchan; i++)
			nic->chan[i]->comp_all_sent = 0;
		nic->comp_all = 1;
		break;
	case HVH_FAULT_CALM:
		nic->link_storm = 0;
		nic->tx_stall = 0;
		nic->comp_all = 0;
		nic->flood = 0;
		nic->flood_tiled = 0;
		if (nic->nchan != 0)
			nic->chan[0]->out.held = 0;
		nic->slow_ctrl = 0;
		break;
	case HVH_FAULT_INDIR:
		msg[0] = HVH_NVSP_SEND_INDIRECTION_TABLE;
		msg[1] = 1000;
		msg[2] = 12;
		hvh_send_inband(ch, HVH_PKT_INBAND, 0, 0, msg, sizeof(msg));
		break;
	case HVH_FAULT_VF_SHORT:
		msg[0] = HVH_NVSP_SEND_VF_ASSOCIATION;
		hvh_send_inband(ch, HVH_PKT_INBAND, 0, 0, msg, 4);
		break;
	default:
		return;
	}
	nic->st.faults++;
}

int
hvh_fault_arm(struct hvh_nic *nic, const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(hvh_faults) / sizeof(hvh_faults[0]); i++) {
		if (strcmp(name, hvh_faults[i].name) != 0)
			continue;
		if (!nic->guest_present || !nic->rxbuf_on)
			return -ENOTCONN;
		HVH_LOG(NOTICE, "injecting fault: %s", hvh_faults[i].what);
		if (hvh_faults[i].fault >= HVH_FAULT_COMP_TID)
			hvh_fault_send(nic, hvh_faults[i].fault);
		else
			nic->fault = hvh_faults[i].fault;
		return 0;
	}
	return -EINVAL;
}

/*
 * Apply the armed receive fault to a data message about to be written.
 * Returns 1 when the guest cannot complete the message (its sections are
 * then released by the caller at once), 0 otherwise.
 */
int
hvh_fault_rx(struct hvh_nic *nic, struct hvh_xfer_hdr *h,
	     struct hvh_xfer_range *r, const uint32_t *sect)
{
	enum hvh_fault f = nic->fault;
	uint8_t *msg = nic->rxbuf + (size_t)sect[0] * nic->rx_sect_size;
	struct hvh_rndis_pkt pkt;
	struct hvh_rndis_ppi zero = { 0, 0, 0 };

	nic->fault = HVH_FAULT_NONE;
	nic->st.faults++;
	switch (f) {
	case HVH_FAULT_XFER_RANGE:
		r[0].byte_offset = HVH_RXBUF_SIZE - 8;
		r[0].byte_count = 64;
		return 0;
	case HVH_FAULT_XFER_ID:
		h->d.trans_id = nic->rx_sect_count;
		return 1;
	case HVH_FAULT_XFER_PAGESET:
		h->xfer_pageset_id = (uint16_t)(nic->rxbuf_id ^ 0x5555);
		return 1;
	case HVH_FAULT_XFER_COUNT:
		h->range_cnt += 1000;
		return 1;
	case HVH_FAULT_RNDIS_LEN:
		memcpy(&pkt, msg, sizeof(pkt));
		pkt.len = r[0].byte_count + 100;
		memcpy(msg, &pkt, sizeof(pkt));
		return 0;
	case HVH_FAULT_PPI_ZERO:
		memcpy(&pkt, msg, sizeof(pkt));
		pkt.ppi_off = sizeof(pkt) - HVH_RNDIS_OFF_BASE;
		pkt.ppi_len = 16;
		memcpy(msg, &pkt, sizeof(pkt));
		memcpy(msg + sizeof(pkt), &zero, sizeof(zero));
		return 0;
	default:
		return 0;
	}
}

/*
 * "ctrl-odd": the RNDIS control message about to be written moves one
 * byte up in its section (control messages are far shorter than a
 * section), and its range says so: nothing in the protocol aligns a
 * range.
 */
void
hvh_fault_ctrl(struct hvh_nic *nic, struct hvh_xfer_range *r)
{
	uint8_t *msg = nic->rxbuf + r->byte_offset;

	nic->fault = HVH_FAULT_NONE;
	nic->st.faults++;
	memmove(msg + 1, msg, r->byte_count);
	r->byte_offset++;
}

/* One flood packet: descriptor, a send indirection table, trailer. */
#define HVH_FLOOD_PKT 128

static void
hvh_flood_packet(uint8_t *p, uint32_t start)
{
	struct hvh_pkt_desc d = {
		.type = HVH_PKT_INBAND, .offset8 = 2,
		.len8 = (HVH_FLOOD_PKT - 8) / 8,
	};
	uint32_t msg[3] = { HVH_NVSP_SEND_INDIRECTION_TABLE,
			    HVH_NVSP_INDIR_ENTRIES, 12 };
	uint64_t trailer = (uint64_t)start << 32;

	memset(p, 0, HVH_FLOOD_PKT);
	memcpy(p, &d, sizeof(d));
	memcpy(p + sizeof(d), msg, sizeof(msg));
	memcpy(p + HVH_FLOOD_PKT - 8, &trailer, sizeof(trailer));
}

/*
 * "comp-all": a host that completes transaction ids it never received (it
 * may not read the guest's sends at all: tx-stall), each id below
 * HVH_COMP_ALL_IDS twice, on every open channel. What the guest has sent,
 * what it has not sent yet, and ids it never used are all named, each
 * twice. As many as the ring takes each round; the rest next round.
 */
#define HVH_COMP_ALL_IDS 4096u

static unsigned int
hvh_comp_all_poll(struct hvh_nic *nic)
{
	unsigned int q, work = 0, busy = 0;

	for (q = 0; q < nic->nchan; q++) {
		struct hvh_chan *ch = nic->chan[q];

		while (!ch->broken && ch->comp_all_sent < 2 * HVH_COMP_ALL_IDS) {
			if (hvh_nvsp_send_comp(ch,
					ch->comp_all_sent % HVH_COMP_ALL_IDS,
					HVH_NVSP_SEND_RNDIS_PKT_COMPLETE,
					HVH_NVSP_STAT_SUCCESS) != 0) {
				busy = 1;
				break;
			}
			ch->comp_all_sent++;
			nic->st.faults++;
			work++;
		}
	}
	if (!busy) {
		HVH_LOG(NOTICE, "comp-all: every id below %u completed twice on %u channel(s)",
			HVH_COMP_ALL_IDS, nic->nchan);
		nic->comp_all = 0;
	}
	return work;
}

/*
 * "flood": a host that never lets the guest find the primary ring empty.
 * Once the guest has emptied it, the whole data area is tiled with valid
 * 128-byte packets (a send indirection table each); from then on, every
 * round moves the write index to one packet behind the guest's read
 * index, so the guest always has a ring's worth of valid messages ahead.
 * "calm" leaves the last index: the guest drains what is there.
 */
static unsigned int
hvh_flood_poll(struct hvh_nic *nic)
{
	struct hvh_ring *r;
	uint8_t pkt[HVH_FLOOD_PKT];
	uint32_t rd, w, k;

	if (!nic->flood || nic->nchan == 0 || nic->chan[0]->broken)
		return 0;
	r = &nic->chan[0]->out;
	rd = __atomic_load_n(&r->hdr->rindex, __ATOMIC_ACQUIRE);
	if (rd >= r->dsize || (rd & 7) != 0 || r->dsize % HVH_FLOOD_PKT != 0)
		return 0;
	if (!nic->flood_tiled) {
		if (rd != r->own)
			return 0;	/* the guest is still reading */
		for (k = 0; k < r->dsize; k += HVH_FLOOD_PKT) {
			w = hvh_ring_advance(r, r->own, k);
			hvh_flood_packet(pkt, w);
			hvh_ring_copy_in(r, w, pkt, sizeof(pkt));
		}
		nic->flood_tiled = 1;
		r->held = 1;
	}
	w = hvh_ring_advance(r, rd, r->dsize - HVH_FLOOD_PKT);
	if (w != r->own) {
		hvh_wmb();
		r->hdr->windex = w;
		r->own = w;
		nic->st.faults++;
	}
	/* Work either way: a flooding host spins, never sleeps. */
	return 1;
}

/* The lasting faults' work of one round. */
unsigned int
hvh_fault_poll(struct hvh_nic *nic)
{
	unsigned int work = 0;

	/* Half the control queue: the guest's control replies still fit. */
	if (nic->link_storm)
		work += hvh_link_flap(nic, HVH_CTRL_QUEUE / 2);
	if (nic->comp_all)
		work += hvh_comp_all_poll(nic);
	return work + hvh_flood_poll(nic);
}
