/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * The data path: transmit (guest ring packets -> backend, completions
 * back), receive (backend frames -> receive-buffer sections -> transfer-page
 * messages), the bookkeeping of the sections, and the RNDIS responses
 * waiting for one.  NVSP control messages met on the way go to hvh_nvsp.c.
 */

#include <errno.h>
#include <string.h>

#include "hvh_log.h"
#include "hvh_nic_private.h"

/* Ring room kept free for completions of one TX batch. */
#define HVH_COMP_PKT_BYTES (16u + HVH_NVSP_MSG_SIZE + HVH_PKT_TRAILER)
#define HVH_TX_ROOM (HVH_TX_BURST * HVH_COMP_PKT_BYTES + 512u)
/* Largest receive message we write: header, ranges, NVSP, trailer. */
#define HVH_RX_MSG_MAX (24u + 8u * HVH_RX_BURST + 16u + HVH_PKT_TRAILER)

/* ---- receive buffer sections ---- */

static inline uint32_t
hvh_sect_get(struct hvh_nic *nic)
{
	return nic->rx_free[--nic->rx_nfree];
}

static inline void
hvh_sect_put(struct hvh_nic *nic, uint32_t s)
{
	nic->rx_free[nic->rx_nfree++] = s;
}

/* Guest completed receive message tid: its sections may be reused. */
static void
hvh_rx_complete(struct hvh_chan *ch, uint64_t tid)
{
	struct hvh_nic *nic = ch->nic;
	uint32_t s, next;

	if (tid >= nic->rx_sect_count || !nic->rx_head[tid]) {
		hvh_proto_error(nic, ch,
				"completion for no outstanding receive message");
		return;
	}
	nic->rx_head[tid] = 0;
	nic->rx_outstanding--;
	for (s = (uint32_t)tid; s != UINT32_MAX; s = next) {
		next = nic->rx_next[s];
		hvh_sect_put(nic, s);
	}
}

/*
 * Write one transfer-page message with n sections of the receive buffer
 * (each holding one RNDIS message of len[i] bytes) on channel ch.
 */
static int
hvh_rx_send(struct hvh_chan *ch, const uint32_t *sect, const uint32_t *len,
	    unsigned int n, uint32_t channel_type)
{
	struct hvh_nic *nic = ch->nic;
	struct {
		struct hvh_xfer_hdr h;
		struct hvh_xfer_range r[HVH_RX_BURST];
	} m;
	struct hvh_nvsp_rndis nv = {
		.type = HVH_NVSP_SEND_RNDIS_PKT, .channel_type = channel_type,
		.section_index = HVH_NVSP_SECTION_NONE, .section_size = 0,
	};
	struct iovec iov[2];
	unsigned int i;
	int sig, ret, orphan = 0, lost = 0;

	memset(&m.h, 0, sizeof(m.h));
	m.h.d.type = HVH_PKT_XFER_PAGES;
	m.h.d.offset8 = (sizeof(m.h) + n * sizeof(m.r[0])) / 8;
	m.h.d.flags = HVH_PKT_FLAG_RC;
	/* Like Hyper-V and OpenVMM: the first section is the id, small
	 * enough for guests that index with it.
	 */
	m.h.d.trans_id = sect[0];
	m.h.xfer_pageset_id = nic->rxbuf_id;
	m.h.range_cnt = n;
	for (i = 0; i < n; i++) {
		m.r[i].byte_count = len[i];
		m.r[i].byte_offset = sect[i] * nic->rx_sect_size;
		nic->rx_next[sect[i]] = i + 1 < n ? sect[i + 1] : UINT32_MAX;
	}
	if (nic->fault == HVH_FAULT_CTRL_ODD) {
		if (channel_type == 1)
			hvh_fault_ctrl(nic, &m.r[0]);
	} else if (nic->fault != HVH_FAULT_NONE && channel_type == 0) {
		orphan = hvh_fault_rx(nic, &m.h, m.r, sect);
	}
	iov[0].iov_base = &m;
	iov[0].iov_len = sizeof(m.h) + n * sizeof(m.r[0]);
	iov[1].iov_base = &nv;
	iov[1].iov_len = sizeof(nv);
	ret = nic->hostile.permille ?
		hvh_hostile_write(ch, iov, 2, &sig, &lost) :
		hvh_ring_write(&ch->out, iov, 2, &sig);
	orphan |= lost;
	if (ret) {
		if (ret == -EPROTO) {
			hvh_proto_error(nic, ch,
					"guest RX ring read index corrupt");
			ch->broken = 1;
		}
		return ret;
	}
	ch->st.rx_messages++;
	if (sig)
		hvh_signal_guest(ch);
	/* A message the guest cannot complete gives its sections back. */
	if (orphan) {
		for (i = 0; i < n; i++)
			hvh_sect_put(nic, sect[i]);
		return 0;
	}
	nic->rx_head[sect[0]] = 1;
	nic->rx_outstanding++;
	return 0;
}

int
hvh_ctrl_enqueue(struct hvh_nic *nic, const void *msg, uint32_t len)
{
	struct hvh_ctrl_msg *c;

	if (nic->ctrl_n == HVH_CTRL_QUEUE || len > HVH_CTRL_MSG_MAX) {
		nic->st.ctrl_dropped++;
		HVH_LOG(WARNING, "RNDIS response dropped: queue full");
		return -ENOSPC;
	}
	c = &nic->ctrl[(nic->ctrl_head + nic->ctrl_n) % HVH_CTRL_QUEUE];
	memcpy(c->buf, msg, len);
	c->len = len;
	nic->ctrl_n++;
	return 0;
}

/* Deliver queued RNDIS responses and indications on the primary channel. */
unsigned int
hvh_ctrl_flush(struct hvh_nic *nic)
{
	struct hvh_chan *ch = nic->chan[0];
	unsigned int done = 0;
	uint64_t now;

	while (nic->ctrl_n && nic->rxbuf_on && nic->rx_nfree && ch &&
	       !ch->broken) {
		struct hvh_ctrl_msg *c = &nic->ctrl[nic->ctrl_head];
		uint32_t s;

		/* "fault slow-ctrl": each reply waits its turn, then 6 s. */
		if (nic->slow_ctrl) {
			now = hvh_now_ns();
			if (nic->ctrl_due_ns == 0)
				nic->ctrl_due_ns = now + HVH_SLOW_CTRL_NS;
			if (now < nic->ctrl_due_ns)
				break;
			nic->ctrl_due_ns = 0;
		}
		s = hvh_sect_get(nic);

		memcpy(nic->rxbuf + (size_t)s * nic->rx_sect_size, c->buf,
		       c->len);
		if (hvh_rx_send(ch, &s, &c->len, 1, 1) != 0) {
			hvh_sect_put(nic, s);
			break;
		}
		nic->ctrl_head = (nic->ctrl_head + 1) % HVH_CTRL_QUEUE;
		nic->ctrl_n--;
		done++;
	}
	return done;
}

/* ---- TX: guest -> backend ---- */

static void
hvh_tx_commit(struct hvh_chan *ch, unsigned int upto)
{
	uint32_t bytes = 0;
	unsigned int i;

	if (upto == 0)
		return;
	for (i = 0; i < upto; i++)
		bytes += ch->slots[i].len;
	ch->st.tx_packets += upto;
	ch->in.own = ch->slots[upto - 1].end;
	if (hvh_ring_commit_read(&ch->in, bytes))
		hvh_signal_guest(ch);
}

/*
 * Hand the batch's frames to the backend, then complete and release the
 * ring packets whose frames were all taken.  Returns 0 when everything
 * went, -EAGAIN when the backend refused some (the rest stays in the ring).
 */
static int
hvh_tx_flush(struct hvh_chan *ch)
{
	struct hvh_nic *nic = ch->nic;
	unsigned int i, j, sent, done = 0;
	int stalled = 0;

	sent = ch->nframes;
	if (sent && !nic->link_up) {
		nic->st.tx_link_down += sent;
	} else if (sent) {
		sent = hvh_backend_tx_burst(nic->be, ch->frames, ch->nframes);
		for (j = 0; j < sent; j++) {
			ch->st.tx_frames++;
			ch->st.tx_bytes += ch->frames[j].len;
		}
	}
	for (i = 0; i < ch->nslots; i++) {
		struct hvh_tx_slot *s = &ch->slots[i];

		if (s->kind == HVH_SLOT_DATA &&
		    s->first_frame + s->nframes > sent) {
			/* Frames of this packet already taken are not sent
			 * again when it is parsed next time.
			 */
			if (sent > s->first_frame)
				ch->skip_frames += sent - s->first_frame;
			stalled = 1;
			break;
		}
		if (s->kind == HVH_SLOT_DATA) {
			ch->skip_frames = 0;
			if (s->rc)
				hvh_nvsp_send_comp(ch, s->trans_id,
					HVH_NVSP_SEND_RNDIS_PKT_COMPLETE,
					s->status);
		} else if (s->kind == HVH_SLOT_COMP) {
			hvh_rx_complete(ch, s->trans_id);
		}
		done++;
	}
	hvh_tx_commit(ch, done);
	ch->nslots = 0;
	ch->nframes = 0;
	return stalled ? -EAGAIN : 0;
}

static int
hvh_is_data_packet(const struct hvh_pkt_desc *d, const uint8_t *pkt,
		   uint32_t len)
{
	struct hvh_nvsp_rndis nv;
	uint32_t off = (uint32_t)d->offset8 * 8;

	if (d->type != HVH_PKT_INBAND && d->type != HVH_PKT_GPA_DIRECT)
		return 0;
	if (len - off < sizeof(nv))
		return 0;
	memcpy(&nv, pkt + off, sizeof(nv));
	return nv.type == HVH_NVSP_SEND_RNDIS_PKT && nv.channel_type == 0;
}

unsigned int
hvh_chan_tx(struct hvh_chan *ch)
{
	struct hvh_nic *nic = ch->nic;
	unsigned int npkts = 0;
	int64_t avail, room;
	int comps_only;
	uint32_t off;

	avail = hvh_ring_readable(&ch->in);
	if (avail < 0) {
		hvh_proto_error(nic, ch, "guest TX ring write index corrupt");
		ch->broken = 1;
		return 0;
	}
	if (avail < (int64_t)(sizeof(struct hvh_pkt_desc) + HVH_PKT_TRAILER))
		return 0;
	/* Every other packet may need a reply: without room for a batch of
	 * them only the guest's completions are taken.  They need no reply,
	 * and the sections they give back are what lets receive go on; a
	 * guest acks as it reads, well before its RX ring is empty.
	 */
	room = hvh_ring_writable(&ch->out);
	if (room < 0)
		return 0;
	comps_only = room < (int64_t)HVH_TX_ROOM;

	off = ch->in.own;
	ch->nslots = 0;
	ch->nframes = 0;
	while (ch->nslots < HVH_TX_BURST &&
	       avail >= (int64_t)(sizeof(struct hvh_pkt_desc) +
				  HVH_PKT_TRAILER)) {
		struct hvh_tx_slot *s = &ch->slots[ch->nslots];
		struct hvh_pkt_desc d;
		const char *why = NULL;
		uint32_t len, start = off;
		int ret;

		hvh_ring_copy_out(&ch->in, off, &d, sizeof(d));
		ret = hvh_check_desc(&d, avail, HVH_PKT_MAX, &why);
		if (ret == -EPROTO) {
			hvh_proto_error(nic, ch, why);
			ch->broken = 1;
			break;
		}
		if (comps_only && d.type != HVH_PKT_COMP) {
			nic->st.tx_comps_only++;
			break;
		}
		len = (uint32_t)d.len8 * 8;
		memset(s, 0, sizeof(*s));
		s->len = len + HVH_PKT_TRAILER;
		s->end = hvh_ring_advance(&ch->in, off, s->len);
		s->trans_id = d.trans_id;
		s->rc = !!(d.flags & HVH_PKT_FLAG_RC);
		s->kind = HVH_SLOT_DONE;
		off = s->end;
		avail -= s->len;
		npkts++;

		if (ret) {
			if (hvh_tx_flush(ch))
				break;
			hvh_proto_error(nic, ch, why);
			ch->slots[0] = *s;
			ch->nslots = 1;
			hvh_tx_flush(ch);
			continue;
		}
		hvh_ring_copy_out(&ch->in, start, ch->pkt, len);
		if (d.type == HVH_PKT_COMP) {
			s->kind = HVH_SLOT_COMP;
			ch->nslots++;
			continue;
		}
		if (hvh_is_data_packet(&d, ch->pkt, len)) {
			s->kind = HVH_SLOT_DATA;
			s->first_frame = ch->nframes;
			hvh_rndis_parse_data(ch, &d, ch->pkt, len, s);
			ch->nslots++;
			if (ch->nframes + 8 > HVH_TX_FRAMES_MAX)
				break;
			continue;
		}
		/* Control: everything before it goes first, in order. */
		{
			struct hvh_tx_slot keep = *s;

			if (hvh_tx_flush(ch))
				break;
			hvh_nvsp_handle(ch, &d, ch->pkt, len);
			ch->slots[0] = keep;
			ch->nslots = 1;
			hvh_tx_flush(ch);
			if (ch->broken)
				break;
		}
	}
	if (ch->nslots)
		hvh_tx_flush(ch);
	return npkts;
}

/* ---- RX: backend -> guest ---- */

static int
hvh_filter_pass(const struct hvh_nic *nic, const uint8_t *dst)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	if (nic->filter & HVH_FILTER_PROMISC)
		return 1;
	if (memcmp(dst, bcast, 6) == 0)
		return !!(nic->filter & HVH_FILTER_BROADCAST);
	if (dst[0] & 1)
		return !!(nic->filter & (HVH_FILTER_MULTICAST |
					 HVH_FILTER_ALL_MULTI));
	return (nic->filter & HVH_FILTER_DIRECTED) &&
		memcmp(dst, nic->conf.mac, 6) == 0;
}

static unsigned int
hvh_rx_steer(struct hvh_nic *nic, const struct hvh_frame *f, uint32_t *hash,
	     uint32_t *type)
{
	uint8_t in[HVH_RSS_INPUT_MAX];
	size_t n;
	uint32_t q;

	*type = 0;
	if (!nic->rss_on || !nic->toeplitz)
		return 0;
	n = hvh_rss_input(f->data, f->len, nic->rss_hash, in, type);
	if (n == 0)
		return 0;
	*hash = hvh_toeplitz_fast(nic->toeplitz, in, n);
	q = nic->rss_table[*hash & (nic->rss_table_len - 1)];
	return q < nic->nchan ? q : 0;
}

/* Has the guest room for a receive message on every channel? */
int
hvh_rx_rings_room(struct hvh_nic *nic)
{
	unsigned int q;

	/* Any channel may receive the whole burst; a broken one receives
	 * nothing (its frames are dropped).
	 */
	for (q = 0; q < nic->nchan; q++) {
		struct hvh_chan *ch = nic->chan[q];

		if (!ch->broken && hvh_ring_writable(&ch->out) <
		    (int64_t)HVH_RX_MSG_MAX + 64)
			return 0;
	}
	return 1;
}

/* Could the guest take frames at all (set up, filter set, link up)? */
int
hvh_rx_open(const struct hvh_nic *nic)
{
	return nic->rndis_up && nic->filter && nic->link_up && nic->rxbuf_on;
}

/* One backend burst of at most HVH_RX_BURST frames to the guest. */
static unsigned int
hvh_nic_rx_burst(struct hvh_nic *nic)
{
	uint32_t frame_max = nic->mtu + 14 + 4;
	unsigned int i, n, got, q;

	/* An idle pass must stay short: it is the host's reaction time. */
	if (!hvh_backend_rx_ready(nic->be))
		return 0;
	n = nic->rx_nfree < HVH_RX_BURST ? nic->rx_nfree : HVH_RX_BURST;
	if (!hvh_rx_rings_room(nic)) {
		nic->st.rx_ring_full++;
		return 0;
	}
	for (i = 0; i < n; i++) {
		nic->rx_sects[i] = hvh_sect_get(nic);
		nic->rx_frames[i].data = nic->rxbuf +
			(size_t)nic->rx_sects[i] * nic->rx_sect_size +
			HVH_RX_FRAME_OFF;
		nic->rx_frames[i].len = nic->rx_sect_size - HVH_RX_FRAME_OFF;
		nic->rx_frames[i].flags = 0;
	}
	got = hvh_backend_rx_burst(nic->be, nic->rx_frames, n);
	for (i = got; i < n; i++)
		hvh_sect_put(nic, nic->rx_sects[i]);
	for (i = 0; i < got; i++) {
		struct hvh_frame *f = &nic->rx_frames[i];
		uint32_t s = nic->rx_sects[i], hash = 0, type = 0;
		struct hvh_chan *ch;

		if (f->len < 14 || f->len > frame_max ||
		    !hvh_filter_pass(nic, f->data)) {
			nic->st.rx_filtered++;
			hvh_sect_put(nic, s);
			continue;
		}
		/* After the guest switched to the VF, the host's switch sends
		 * its unicast there; only broadcast and multicast stay here.
		 */
		if (nic->datapath == 1 && nic->vf_sent &&
		    !(((uint8_t *)f->data)[0] & 1)) {
			nic->st.rx_to_vf++;
			hvh_sect_put(nic, s);
			continue;
		}
		q = hvh_rx_steer(nic, f, &hash, &type);
		ch = nic->chan[q];
		if (ch->broken) {
			ch->st.rx_dropped++;
			hvh_sect_put(nic, s);
			continue;
		}
		ch->rx_sect[ch->rx_n] = s;
		ch->rx_len[ch->rx_n] = hvh_rndis_build_rx(nic,
			nic->rxbuf + (size_t)s * nic->rx_sect_size, f, hash,
			type);
		ch->rx_n++;
		ch->st.rx_frames++;
		ch->st.rx_bytes += f->len;
	}
	for (q = 0; q < nic->nchan; q++) {
		struct hvh_chan *ch = nic->chan[q];

		if (ch->rx_n == 0)
			continue;
		if (hvh_rx_send(ch, ch->rx_sect, ch->rx_len, ch->rx_n, 0)) {
			ch->st.rx_dropped += ch->rx_n;
			ch->st.rx_frames -= ch->rx_n;
			for (i = 0; i < ch->rx_n; i++)
				hvh_sect_put(nic, ch->rx_sect[i]);
		}
		ch->rx_n = 0;
	}
	return got;
}

/*
 * Several bursts per pass (bounded), as TX takes several ring packets per
 * channel: with one burst loopback could not return what the guest sends.
 */
unsigned int
hvh_nic_rx(struct hvh_nic *nic)
{
	unsigned int b, got, total = 0;

	if (!hvh_rx_open(nic))
		return 0;
	if (nic->rx_nfree == 0) {
		nic->st.rx_no_section++;
		return 0;
	}
	for (b = 0; b < HVH_RX_BURSTS && nic->rx_nfree > 0; b++) {
		got = hvh_nic_rx_burst(nic);
		total += got;
		if (got < HVH_RX_BURST)
			break;
	}
	return total;
}
