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
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

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
	{ "comp-unsent", HVH_FAULT_COMP_UNSENT,
	  "a send completion for every transaction id below 4096 not among the sends waiting in the ring, on every channel" },
	{ "calm", HVH_FAULT_CALM,
	  "the end of link-storm, flood, slow-ctrl, tx-stall, comp-all and comp-unsent" },
};

const char *
hvh_fault_names(void)
{
	return "xfer-range xfer-id xfer-pageset xfer-count rndis-len "
		"ppi-zero ctrl-odd comp-tid desc indir vf-short desc-last link-flap "
		"link-storm flood slow-ctrl tx-stall comp-all comp-unsent calm";
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

/*
 * "comp-unsent": the transaction ids of the guest's sends still waiting in
 * the guest -> host ring, read in place (the ring is not consumed). With
 * tx-stall on, these are all the guest has sent and not had completed;
 * a guest's next ids, those of a send it is still filling included, are
 * then among the others.
 */
static void
hvh_comp_skip_sent(struct hvh_chan *ch)
{
	struct hvh_ring *r = &ch->in;
	struct hvh_pkt_desc d;
	int64_t left = hvh_ring_readable(r);
	uint32_t off = r->own, len;

	while (left >= (int64_t)(sizeof(d) + HVH_PKT_TRAILER)) {
		hvh_ring_copy_out(r, off, &d, sizeof(d));
		len = (uint32_t)d.len8 * 8 + HVH_PKT_TRAILER;
		if (d.len8 == 0 || len > left)
			break;
		if (d.type != HVH_PKT_COMP && d.trans_id < HVH_COMP_ALL_IDS)
			ch->comp_skip[d.trans_id / 64] |=
				1ull << (d.trans_id % 64);
		off = hvh_ring_advance(r, off, len);
		left -= len;
	}
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
	case HVH_FAULT_COMP_UNSENT:
		for (i = 0; i < nic->nchan; i++) {
			nic->chan[i]->comp_all_sent = 0;
			memset(nic->chan[i]->comp_skip, 0,
			       sizeof(nic->chan[i]->comp_skip));
			if (f == HVH_FAULT_COMP_UNSENT)
				hvh_comp_skip_sent(nic->chan[i]);
		}
		nic->comp_all = 1;
		nic->comp_unsent = f == HVH_FAULT_COMP_UNSENT;
		break;
	case HVH_FAULT_CALM:
		nic->link_storm = 0;
		nic->tx_stall = 0;
		nic->comp_all = 0;
		hvh_flood_end(nic);
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
 * twice. "comp-unsent" names each id once, but those of the sends waiting
 * in the ring (hvh_comp_skip_sent): only ids the guest has not sent. As
 * many as the ring takes each round; the rest next round.
 */
static unsigned int
hvh_comp_all_poll(struct hvh_nic *nic)
{
	uint32_t end = nic->comp_unsent ? HVH_COMP_ALL_IDS :
		2 * HVH_COMP_ALL_IDS;
	unsigned int q, work = 0, busy = 0, skipped = 0;

	for (q = 0; q < nic->nchan; q++) {
		struct hvh_chan *ch = nic->chan[q];

		while (!ch->broken && ch->comp_all_sent < end) {
			uint32_t id = ch->comp_all_sent % HVH_COMP_ALL_IDS;

			if (ch->comp_skip[id / 64] & (1ull << (id % 64))) {
				ch->comp_all_sent++;
				skipped++;
				continue;
			}
			if (hvh_nvsp_send_comp(ch, id,
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
		if (nic->comp_unsent)
			HVH_LOG(NOTICE, "comp-unsent: every id below %u not in the ring completed on %u channel(s)",
				HVH_COMP_ALL_IDS, nic->nchan);
		else
			HVH_LOG(NOTICE, "comp-all: every id below %u completed twice on %u channel(s)",
				HVH_COMP_ALL_IDS, nic->nchan);
		nic->comp_all = 0;
	}
	return work + skipped;
}

/*
 * "flood": a host that never lets the guest find the primary ring empty.
 * Once the guest has emptied it, the whole data area is tiled with valid
 * 128-byte packets (a send indirection table each); from then on a
 * thread of its own moves the write index to one packet behind the
 * guest's read index, every HVH_FLOOD_NAP_NS, so the guest always has a
 * ring's worth of valid messages ahead. A real host does that from CPUs
 * of its own; here host and guest share the machine's CPUs, and a guest
 * reads a ring's worth in about a millisecond: the poll loop fell behind
 * (it sleeps, and waits for a CPU), and so did a thread of its own while
 * the CPU it ran on was taken away for up to 30 ms on a loaded machine.
 * So the thread runs at real-time priority on the CPUs the guest's main
 * thread may use (the one that stops and closes the port): whenever that
 * thread runs, the flood's nap ends on time and no guest thread there
 * can run in between. A guest thread on another CPU (a forwarding lcore)
 * is not held back: it may read a ring's worth while the flood's CPU is
 * idle and slow to wake, so a scenario floods while only the main thread
 * reads. Without the right to either it runs as it can and says so. "calm" ends it and leaves the last index: the guest drains
 * what is there.
 */
#define HVH_FLOOD_NAP_NS 100000

/*
 * One step: returns 1 when the write index moved. *empty counts the times
 * the guest had read all there was (the flood fell behind).
 */
static int
hvh_flood_ahead(struct hvh_ring *r, const uint64_t *moves, uint64_t *empty)
{
	uint32_t rd, w;

	rd = __atomic_load_n(&r->hdr->rindex, __ATOMIC_ACQUIRE);
	if (rd >= r->dsize || (rd & 7) != 0)
		return 0;
	w = hvh_ring_advance(r, rd, r->dsize - HVH_FLOOD_PKT);
	/* At the start the guest had read all: that is why it began. */
	if (rd == r->own && *moves != 0)
		(*empty)++;
	if (w == r->own)
		return 0;
	__atomic_store_n(&r->hdr->windex, w, __ATOMIC_RELEASE);
	r->own = w;
	return 1;
}

static void *
hvh_flood_thread(void *arg)
{
	struct hvh_nic *nic = arg;
	struct hvh_ring *r = &nic->chan[0]->out;
	const struct timespec nap = { 0, HVH_FLOOD_NAP_NS };
	uint64_t moves = 0;

	while (!__atomic_load_n(&nic->flood_stop, __ATOMIC_ACQUIRE)) {
		moves += hvh_flood_ahead(r, &moves, &nic->flood_empty);
		nanosleep(&nap, NULL);
	}
	return (void *)(uintptr_t)moves;
}

static void
hvh_flood_start(struct hvh_nic *nic)
{
	struct sched_param sp = { .sched_priority = 1 };
	pthread_attr_t attr;
	cpu_set_t cpus;
	int ret;

	nic->flood_stop = 0;
	nic->flood_empty = 0;
	pthread_attr_init(&attr);
	pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
	pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
	pthread_attr_setschedparam(&attr, &sp);
	if (nic->guest_pid != 0 &&
	    sched_getaffinity(nic->guest_pid, sizeof(cpus), &cpus) == 0)
		pthread_attr_setaffinity_np(&attr, sizeof(cpus), &cpus);
	ret = pthread_create(&nic->flood_thread, &attr, hvh_flood_thread, nic);
	pthread_attr_destroy(&attr);
	if (ret == EPERM || ret == EINVAL) {
		HVH_LOG(NOTICE, "flood: no real-time priority on the guest's CPUs; the thread may fall behind a fast guest");
		ret = pthread_create(&nic->flood_thread, NULL,
				     hvh_flood_thread, nic);
	}
	if (ret != 0) {
		HVH_LOG(ERR, "flood: no thread: %s", strerror(ret));
		return;
	}
	nic->flood_running = 1;
}

/* The end of the flood ("calm", the guest gone, hv-host's exit). */
void
hvh_flood_end(struct hvh_nic *nic)
{
	void *moves;

	if (nic->flood_running) {
		__atomic_store_n(&nic->flood_stop, 1, __ATOMIC_RELEASE);
		pthread_join(nic->flood_thread, &moves);
		nic->st.faults += (uintptr_t)moves;
		nic->flood_running = 0;
		HVH_LOG(NOTICE, "flood: write index moved %" PRIu64 " times; the guest found the ring empty %" PRIu64 " times",
			(uint64_t)(uintptr_t)moves, nic->flood_empty);
	}
	nic->flood = 0;
	nic->flood_tiled = 0;
	if (nic->nchan != 0)
		nic->chan[0]->out.held = 0;
}

static unsigned int
hvh_flood_poll(struct hvh_nic *nic)
{
	struct hvh_ring *r;
	uint8_t pkt[HVH_FLOOD_PKT];
	uint32_t rd, w, k;

	if (!nic->flood || nic->flood_tiled || nic->nchan == 0 ||
	    nic->chan[0]->broken)
		return 0;
	r = &nic->chan[0]->out;
	rd = __atomic_load_n(&r->hdr->rindex, __ATOMIC_ACQUIRE);
	if (rd >= r->dsize || (rd & 7) != 0 || r->dsize % HVH_FLOOD_PKT != 0)
		return 0;
	if (rd != r->own)
		return 0;	/* the guest is still reading */
	for (k = 0; k < r->dsize; k += HVH_FLOOD_PKT) {
		w = hvh_ring_advance(r, r->own, k);
		hvh_flood_packet(pkt, w);
		hvh_ring_copy_in(r, w, pkt, sizeof(pkt));
	}
	nic->flood_tiled = 1;
	r->held = 1;
	hvh_wmb();
	hvh_flood_start(nic);
	HVH_LOG(NOTICE, "flood: the primary ring holds %u messages; the write index stays one behind the guest's read index",
		r->dsize / HVH_FLOOD_PKT);
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
