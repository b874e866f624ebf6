/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * Channels, the guest's arrival and departure, the TX and RX data paths
 * and the receive-buffer sections.  NVSP and RNDIS handlers live in
 * hvh_nvsp.c and hvh_rndis.c.
 */

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "hvh_log.h"
#include "hvh_nic.h"

/* Ring room kept free for completions of one TX batch. */
#define HVH_COMP_PKT_BYTES (16u + HVH_NVSP_MSG_SIZE + HVH_PKT_TRAILER)
#define HVH_TX_ROOM (HVH_TX_BURST * HVH_COMP_PKT_BYTES + 512u)
/* Largest receive message we write: header, ranges, NVSP, trailer. */
#define HVH_RX_MSG_MAX (24u + 8u * HVH_RX_BURST + 16u + HVH_PKT_TRAILER)
#define HVH_BOUNCE_SLOT (HVH_FRAME_MAX + 4096u)

uint64_t
hvh_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

void
hvh_proto_error(struct hvh_nic *nic, const struct hvh_chan *ch,
		const char *what)
{
	nic->st.proto_errors++;
	if (hvh_log_ratelimit(nic->st.proto_errors))
		HVH_LOG(WARNING, "protocol error #%" PRIu64 " on channel %u: %s",
			nic->st.proto_errors, ch ? ch->index : 0, what);
}

void
hvh_signal_guest(struct hvh_chan *ch)
{
	struct hvh_nic *nic = ch->nic;

	ch->st.signals++;
	/* Only the primary channel has a uio interrupt; the kernel's ISR
	 * masks the ring again before counting the event.
	 */
	if (ch->index != 0)
		return;
	ch->out.hdr->imask = 1;
	nic->st.irq_raised++;
	hvh_surface_raise_irq(&nic->sf);
}

int
hvh_send_inband(struct hvh_chan *ch, uint16_t type, uint64_t tid,
		uint16_t flags, const void *msg, uint32_t len)
{
	struct hvh_pkt_desc d = {
		.type = type, .offset8 = 2, .flags = flags, .trans_id = tid,
	};
	struct iovec iov[2] = {
		{ &d, sizeof(d) }, { (void *)(uintptr_t)msg, len },
	};
	int sig, ret;

	ret = hvh_ring_write(&ch->out, iov, 2, &sig);
	if (ret == -EPROTO) {
		hvh_proto_error(ch->nic, ch, "guest RX ring read index corrupt");
		ch->broken = 1;
	}
	if (ret == 0 && sig)
		hvh_signal_guest(ch);
	return ret;
}

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
		.type = HVH_NVSP_RNDIS_PKT, .channel_type = channel_type,
		.section_index = HVH_NVSP_SECTION_NONE, .section_size = 0,
	};
	struct iovec iov[2];
	unsigned int i;
	int sig, ret, orphan = 0;

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
	if (nic->fault != HVH_FAULT_NONE && channel_type == 0)
		orphan = hvh_fault_rx(nic, &m.h, m.r, sect);
	iov[0].iov_base = &m;
	iov[0].iov_len = sizeof(m.h) + n * sizeof(m.r[0]);
	iov[1].iov_base = &nv;
	iov[1].iov_len = sizeof(nv);
	ret = hvh_ring_write(&ch->out, iov, 2, &sig);
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
static unsigned int
hvh_ctrl_flush(struct hvh_nic *nic)
{
	struct hvh_chan *ch = nic->chan[0];
	unsigned int done = 0;

	while (nic->ctrl_n && nic->rxbuf_on && nic->rx_nfree && ch &&
	       !ch->broken) {
		struct hvh_ctrl_msg *c = &nic->ctrl[nic->ctrl_head];
		uint32_t s = hvh_sect_get(nic);

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

/* ---- channels ---- */

static struct hvh_chan *
hvh_chan_create(struct hvh_nic *nic, uint16_t index)
{
	struct hvh_surface_conf *sc = &nic->conf.surface;
	struct hvh_chan *ch;
	uint8_t *base;
	size_t size;
	int ret;

	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return NULL;
	ch->nic = nic;
	ch->index = index;
	/* Every offer gets a new relid, as a re-offered subchannel does. */
	ch->relid = index ? nic->next_relid++ : sc->primary_relid;
	ch->monitor_id = sc->primary_monitor_id + index;
	ch->map.fd = -1;
	ch->bounce = mmap(NULL, (size_t)HVH_TX_BURST * HVH_BOUNCE_SLOT,
			  PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ch->bounce == MAP_FAILED) {
		free(ch);
		return NULL;
	}
	ret = hvh_surface_add_channel(&nic->sf, ch->relid, index,
				      ch->monitor_id, HVH_SUBCH_RING_SIZE,
				      &ch->map);
	if (ret) {
		HVH_LOG(ERR, "cannot present channel %u: %s", index,
			strerror(-ret));
		munmap(ch->bounce, (size_t)HVH_TX_BURST * HVH_BOUNCE_SLOT);
		free(ch);
		return NULL;
	}
	if (index == 0) {
		base = nic->sf.maps[HVH_MAP_RINGS].addr;
		size = nic->sf.maps[HVH_MAP_RINGS].size;
	} else {
		base = ch->map.addr;
		size = ch->map.size;
	}
	/* TX (guest -> host) half first, RX half second. */
	hvh_ring_attach(&ch->in, base, size / 2);
	hvh_ring_attach(&ch->out, base + size / 2, size / 2);
	/* The kernel opens with the inbound ring masked (uio_hv_generic);
	 * we keep our own inbound ring unmasked to get kicks.
	 */
	hvh_ring_reset(&ch->in, 0);
	hvh_ring_reset(&ch->out, 1);
	ch->open = 1;
	nic->mon_to_chan[ch->monitor_id] = index;
	return ch;
}

static void
hvh_stats_add(struct hvh_chan_stats *to, const struct hvh_chan_stats *from)
{
	const uint64_t *f = (const uint64_t *)from;
	uint64_t *t = (uint64_t *)to;
	size_t i;

	for (i = 0; i < sizeof(*to) / sizeof(uint64_t); i++)
		t[i] += f[i];
}

static void
hvh_chan_free(struct hvh_nic *nic, struct hvh_chan *ch)
{
	nic->mon_to_chan[ch->monitor_id] = -1;
	hvh_stats_add(&nic->hist[ch->index], &ch->st);
	if (nic->hist_n < ch->index + 1u)
		nic->hist_n = ch->index + 1u;
	if (ch->index != 0)
		hvh_surface_remove_channel(&nic->sf, ch->relid, &ch->map);
	munmap(ch->bounce, (size_t)HVH_TX_BURST * HVH_BOUNCE_SLOT);
	free(ch);
}

void
hvh_nvsp_rescind_subchannels(struct hvh_nic *nic)
{
	while (nic->nchan > 1) {
		struct hvh_chan *ch = nic->chan[--nic->nchan];

		HVH_LOG(INFO, "rescinded subchannel %u (relid %u)", ch->index,
			ch->relid);
		hvh_chan_free(nic, ch);
	}
}

int
hvh_nvsp_offer_subchannels(struct hvh_nic *nic, unsigned int want)
{
	while (nic->nchan < want + 1 && nic->nchan < HVH_CHAN_MAX) {
		struct hvh_chan *ch = hvh_chan_create(nic, nic->nchan);

		if (!ch)
			break;
		nic->chan[nic->nchan++] = ch;
		HVH_LOG(INFO, "offered subchannel %u (relid %u)", ch->index,
			ch->relid);
	}
	return nic->nchan - 1;
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
						   HVH_NVSP_RNDIS_PKT_COMP,
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
	return nv.type == HVH_NVSP_RNDIS_PKT && nv.channel_type == 0;
}

static unsigned int
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
static int
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
static int
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
static unsigned int
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

/* ---- doorbells and uio ---- */

static unsigned int
hvh_doorbells(struct hvh_nic *nic)
{
	unsigned int g, seen = 0;

	for (g = 0; g < 4; g++) {
		uint32_t *w = (uint32_t *)(nic->monitor +
					   HVH_MON_PENDING_OFF(g * 32));
		uint32_t bits;

		if (*(volatile uint32_t *)w == 0)
			continue;
		bits = __atomic_exchange_n(w, 0, __ATOMIC_ACQ_REL);
		while (bits) {
			unsigned int id = g * 32 + __builtin_ctz(bits);
			int c = nic->mon_to_chan[id];

			bits &= bits - 1;
			if (c >= 0 && (unsigned int)c < nic->nchan)
				nic->chan[c]->st.doorbells++;
			seen++;
		}
	}
	/* Guest -> host half of the interrupt page, bit = relid. */
	for (g = 0; g < 4; g++) {
		uint32_t *w = (uint32_t *)(nic->intpage +
					   HVH_INT_PAGE_SEND_OFF + g * 4);

		if (*(volatile uint32_t *)w == 0)
			continue;
		seen += __builtin_popcount(__atomic_exchange_n(w, 0,
							  __ATOMIC_ACQ_REL));
	}
	return seen;
}

static void
hvh_guest_gone(struct hvh_nic *nic)
{
	unsigned int k;

	HVH_LOG(NOTICE, "guest pid %d gone: resetting the device",
		(int)nic->guest_pid);
	while (nic->nchan > 1)
		hvh_chan_free(nic, nic->chan[--nic->nchan]);
	nic->next_relid = nic->conf.surface.primary_relid + 1;
	hvh_stats_add(&nic->hist[0], &nic->chan[0]->st);
	memset(&nic->chan[0]->st, 0, sizeof(nic->chan[0]->st));
	if (nic->hist_n < 1)
		nic->hist_n = 1;
	for (k = 0; k < HVH_UIO_NMAPS; k++)
		hvh_surface_zero_map(&nic->sf.maps[k]);
	hvh_ring_reset(&nic->chan[0]->in, 0);
	hvh_ring_reset(&nic->chan[0]->out, 1);
	nic->chan[0]->broken = 0;
	nic->chan[0]->skip_frames = 0;
	hvh_nvsp_reset_state(nic);
	hvh_rndis_reset_state(nic);
	nic->ctrl_n = 0;
	nic->ctrl_head = 0;
	nic->guest_present = 0;
	nic->guest_pid = 0;
	/* Frames the old guest looped back must not reach the next one. */
	if (nic->be->caps & HVH_BACKEND_C_RX_AFTER_TX) {
		struct hvh_frame f;
		uint8_t *buf = nic->rxbuf;

		do {
			f.data = buf;
			f.len = HVH_FRAME_MAX;
		} while (hvh_backend_rx_burst(nic->be, &f, 1) == 1);
	}
}

/*
 * Messages and hang-ups of the connected clients; when the last one has
 * gone, the guest has: reset the device.
 */
static unsigned int
hvh_uio_drain(struct hvh_nic *nic)
{
	unsigned int i, work = 0;
	int32_t val;
	int ret;

	for (i = 0; i < nic->sf.nclients; ) {
		ret = hvh_surface_client_recv(&nic->sf, i, &val);
		if (ret == -EAGAIN) {
			i++;
			continue;
		}
		work++;
		if (ret == 0)
			continue;	/* client i removed, same i again */
		nic->st.uio_writes++;
		/* irqcontrol of uio_hv_generic: mask = !value, then the
		 * host is signalled, which for us means "look now".
		 */
		if (nic->chan[0])
			nic->chan[0]->out.hdr->imask = !val;
	}
	if (nic->guest_present && nic->sf.nclients == 0)
		hvh_guest_gone(nic);
	return work;
}

static unsigned int
hvh_uio_service(struct hvh_nic *nic)
{
	unsigned int work;
	pid_t pid;
	int fd, ret;

	nic->st.uio_checks++;
	if (!hvh_surface_pending(&nic->sf))
		return 0;
	work = hvh_uio_drain(nic);
	while ((fd = hvh_surface_accept(&nic->sf, &pid)) >= 0) {
		work++;
		/* A guest re-opening /dev/uioN closed it before connecting,
		 * so that close is visible now even if the drain above ran
		 * before it: finish the departure (the reset) before the
		 * ready message lets the opener touch the rings.
		 */
		work += hvh_uio_drain(nic);
		ret = hvh_surface_admit(&nic->sf, fd, pid);
		if (ret < 0)
			continue;
		if (!nic->guest_present) {
			nic->guest_present = 1;
			nic->guest_pid = pid;
			nic->st.guests++;
			HVH_LOG(NOTICE, "guest pid %d opened /dev/uio%u",
				(int)nic->guest_pid, nic->sf.conf.uio_index);
		}
	}
	return work;
}

/* ---- public ---- */

unsigned int
hvh_nic_poll(struct hvh_nic *nic)
{
	unsigned int work = 0, q;
	uint64_t now = hvh_now_ns();

	if (now >= nic->uio_due_ns) {
		nic->uio_due_ns = now + HVH_UIO_PERIOD_NS;
		work = hvh_uio_service(nic);
	}
	if (!nic->guest_present)
		return work;
	work += hvh_doorbells(nic);
	for (q = 0; q < nic->nchan; q++) {
		struct hvh_chan *ch = nic->chan[q];

		if (!ch->broken)
			work += hvh_chan_tx(ch);
	}
	work += hvh_ctrl_flush(nic);
	work += hvh_nic_rx(nic);
	hvh_nvsp_vf_tick(nic);
	return work;
}

unsigned int
hvh_nic_fds(struct hvh_nic *nic, int *fds, unsigned int max)
{
	unsigned int n = 0;

	/* One fd stands for the listener and every connection. */
	if (n < max)
		fds[n++] = nic->sf.ep_fd;
	if ((nic->be->caps & HVH_BACKEND_C_RX_FD) && nic->be->rx_fd >= 0 &&
	    n < max && hvh_rx_open(nic) && nic->rx_nfree > 0 &&
	    hvh_rx_rings_room(nic))
		fds[n++] = nic->be->rx_fd;
	return n;
}

void
hvh_nic_sleep(struct hvh_nic *nic, int extra_fd, uint64_t ns,
	      const volatile sig_atomic_t *stop, const sigset_t *stop_sigs)
{
	struct pollfd pfd[HVH_UIO_CLIENTS_MAX + 4];
	int fds[HVH_UIO_CLIENTS_MAX + 4];
	struct timespec ts = {
		.tv_sec = (time_t)(ns / 1000000000ull),
		.tv_nsec = (long)(ns % 1000000000ull),
	};
	unsigned int n, i;
	sigset_t old;

	n = hvh_nic_fds(nic, fds, HVH_UIO_CLIENTS_MAX + 2);
	for (i = 0; i < n; i++) {
		pfd[i].fd = fds[i];
		pfd[i].events = POLLIN;
	}
	if (extra_fd >= 0) {
		pfd[n].fd = extra_fd;
		pfd[n].events = POLLIN;
		n++;
	}
	/* A stop signal handled after the caller's last look at *stop and
	 * before an unbounded wait would be lost: the wait would last
	 * until the next guest comes.  Blocked here, it stays pending until
	 * ppoll() unblocks it and returns.
	 */
	if (sigprocmask(SIG_BLOCK, stop_sigs, &old) != 0)
		return;
	if (!*stop)
		ppoll(pfd, n, nic->guest_present ? &ts : NULL, &old);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

void
hvh_nic_wake(struct hvh_nic *nic)
{
	nic->uio_due_ns = 0;
}

int
hvh_nic_rx_always(const struct hvh_nic *nic)
{
	return (nic->be->caps & HVH_BACKEND_C_RX_ALWAYS) && nic->rndis_up &&
		nic->filter && nic->link_up;
}

int
hvh_nic_create(struct hvh_nic **out, const struct hvh_nic_conf *conf)
{
	struct hvh_backend_conf bc;
	struct hvh_nic *nic;
	char err[256] = "";
	int ret;

	nic = calloc(1, sizeof(*nic));
	if (!nic)
		return -ENOMEM;
	nic->conf = *conf;
	memset(nic->mon_to_chan, -1, sizeof(nic->mon_to_chan));
	memcpy(bc.guest_mac, conf->mac, 6);
	bc.mtu = conf->mtu;
	ret = hvh_backend_open(conf->backend, &bc, &nic->be, err, sizeof(err));
	if (ret) {
		HVH_LOG(ERR, "backend %s: %s", conf->backend, err);
		free(nic);
		return ret;
	}
	ret = hvh_surface_create(&nic->sf, &conf->surface);
	if (ret) {
		hvh_surface_destroy(&nic->sf);
		hvh_backend_close(nic->be);
		free(nic);
		return ret;
	}
	nic->rxbuf = nic->sf.maps[HVH_MAP_RXBUF].addr;
	nic->txbuf = nic->sf.maps[HVH_MAP_TXBUF].addr;
	nic->monitor = nic->sf.maps[HVH_MAP_MON].addr;
	nic->intpage = nic->sf.maps[HVH_MAP_INT].addr;
	nic->next_relid = conf->surface.primary_relid + 1;
	nic->chan[0] = hvh_chan_create(nic, 0);
	if (!nic->chan[0]) {
		hvh_nic_destroy(nic);
		return -ENOMEM;
	}
	nic->nchan = 1;
	nic->link_up = 1;
	hvh_nic_vf(nic, conf->vf_offer);
	hvh_nvsp_reset_state(nic);
	hvh_rndis_reset_state(nic);
	*out = nic;
	return 0;
}

void
hvh_nic_destroy(struct hvh_nic *nic)
{
	while (nic->nchan > 0)
		hvh_chan_free(nic, nic->chan[--nic->nchan]);
	hvh_surface_destroy(&nic->sf);
	hvh_backend_close(nic->be);
	free(nic->rx_free);
	free(nic->rx_next);
	free(nic->rx_head);
	free(nic->toeplitz);
	free(nic);
}

void
hvh_nic_set_link(struct hvh_nic *nic, int up)
{
	up = !!up;
	if (nic->link_up == up)
		return;
	nic->link_up = up;
	hvh_backend_set_link(nic->be, up);
	HVH_LOG(NOTICE, "link %s", up ? "up" : "down");
	if (nic->rndis_up)
		hvh_rndis_indicate(nic, up ? HVH_RNDIS_ST_MEDIA_CONNECT :
				   HVH_RNDIS_ST_MEDIA_DISCONNECT);
}

void
hvh_nic_chan_stats(const struct hvh_nic *nic, unsigned int q,
		   struct hvh_chan_stats *out)
{
	*out = nic->hist[q];
	if (q < nic->nchan)
		hvh_stats_add(out, &nic->chan[q]->st);
}

void
hvh_nic_print_stats(struct hvh_nic *nic, FILE *f)
{
	struct hvh_chan_stats tot, s;
	struct hvh_backend_stats bs;
	unsigned int q, n;

	memset(&tot, 0, sizeof(tot));
	n = nic->nchan > nic->hist_n ? nic->nchan : nic->hist_n;
	for (q = 0; q < n; q++) {
		hvh_nic_chan_stats(nic, q, &s);
		hvh_stats_add(&tot, &s);
		fprintf(f, "chan %u tx_frames %" PRIu64
			" tx_bytes %" PRIu64 " rx_frames %" PRIu64
			" rx_bytes %" PRIu64 " tx_packets %" PRIu64
			" rx_messages %" PRIu64 " rx_dropped %" PRIu64
			" doorbells %" PRIu64 "%s%s\n", q,
			s.tx_frames, s.tx_bytes, s.rx_frames, s.rx_bytes,
			s.tx_packets, s.rx_messages, s.rx_dropped,
			s.doorbells, q < nic->nchan ? " open" : " closed",
			q < nic->nchan && nic->chan[q]->broken ? " broken" : "");
	}
	fprintf(f, "total tx_frames %" PRIu64 " tx_bytes %" PRIu64
		" rx_frames %" PRIu64 " rx_bytes %" PRIu64 " rx_dropped %"
		PRIu64 "\n", tot.tx_frames, tot.tx_bytes, tot.rx_frames,
		tot.rx_bytes, tot.rx_dropped);
	fprintf(f, "completions_outstanding %u\n", nic->rx_outstanding);
	fprintf(f, "protocol_errors %" PRIu64 "\n", nic->st.proto_errors);
	fprintf(f, "guest %s pid %d guests %" PRIu64 "\n",
		nic->guest_present ? "present" : "absent", (int)nic->guest_pid,
		nic->st.guests);
	fprintf(f, "nvs_version 0x%x ndis %u.%u channels %u rndis %s "
		"filter 0x%x link %s rss %s datapath %s vf %s\n",
		nic->nvs_version, nic->ndis_major, nic->ndis_minor, nic->nchan,
		nic->rndis_up ? "up" : "down", nic->filter,
		nic->link_up ? "up" : "down", nic->rss_on ? "on" : "off",
		nic->datapath ? "vf" : "synthetic",
		nic->vf_sent ? "associated" : "none");
	fprintf(f, "guest_config mtu %u ndis_config_mtu %u caps 0x%llx "
		"offload_params_sets %u multicast_addresses %u rss_hash 0x%x "
		"rss_entries %u\n", nic->mtu, nic->guest_mtu,
		(unsigned long long)nic->guest_caps, nic->offload_params_seen,
		nic->mcast_count, nic->rss_hash, nic->rss_table_len);
	fprintf(f, "misc gpa_read_errors %" PRIu64 " rx_no_section %" PRIu64
		" rx_ring_full %" PRIu64 " rx_filtered %" PRIu64
		" tx_link_down %" PRIu64 " ctrl_dropped %" PRIu64
		" irq_raised %" PRIu64 " uio_writes %" PRIu64 " uio_checks %"
		PRIu64 " rx_to_vf %" PRIu64 " vf_messages %" PRIu64 " faults %"
		PRIu64 " tx_comps_only %" PRIu64 "\n",
		nic->st.gpa_read_errors, nic->st.rx_no_section,
		nic->st.rx_ring_full, nic->st.rx_filtered, nic->st.tx_link_down,
		nic->st.ctrl_dropped, nic->st.irq_raised, nic->st.uio_writes,
		nic->st.uio_checks, nic->st.rx_to_vf, nic->st.vf_assoc_sent,
		nic->st.faults, nic->st.tx_comps_only);
	hvh_backend_stats(nic->be, &bs);
	fprintf(f, "backend %s tx_frames %" PRIu64 " tx_full %" PRIu64
		" tx_errors %" PRIu64 " rx_frames %" PRIu64 " rx_dropped %"
		PRIu64 "\n", nic->be->name, bs.tx_frames, bs.tx_full,
		bs.tx_errors, bs.rx_frames, bs.rx_dropped);
}
