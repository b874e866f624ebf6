/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * A hostile host (--hostile SEED[:PERMILLE]): a share of the packets
 * hv-host writes into a guest's rings is mutated before it goes, from a
 * pseudo-random sequence seeded by SEED, so that the guest's checks meet
 * what a compromised or broken host could write (doc/guides/tools/hv-host.rst,
 * "Hostile host").  The same seed makes the same choices for the same
 * sequence of packets.
 *
 * Every packet hv-host writes passes here when the mode is on (in place of
 * hvh_ring_write); one in 1000 / PERMILLE is picked, and then one of the
 * mutations that apply to it: the ring indices after it, its descriptor,
 * the NVSP completion or notification it carries, the transfer-page header
 * and ranges and the RNDIS message in the receive buffer.  Some picks add a
 * forged message instead (VF association, indirection table, link
 * indication), which a data run would otherwise never carry.
 *
 * hv-host's own bookkeeping stays true: what hv-host believes it sent is
 * what it sent before the mutation, and a receive message whose id or type
 * was changed (the guest cannot complete it) gives its sections back at
 * once, as the hand-made faults do (hvh_fault.c).
 */

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "hvh_log.h"
#include "hvh_nic_private.h"

static const char *const hvh_hostile_kind_names[HVH_HK_COUNT] = {
	[HVH_HK_RING] = "ring_index",
	[HVH_HK_DESC] = "descriptor",
	[HVH_HK_NVSP_COMP] = "nvsp_completion",
	[HVH_HK_NVSP_NOTE] = "nvsp_notification",
	[HVH_HK_XFER] = "transfer_page",
	[HVH_HK_RNDIS_CTRL] = "rndis_control",
	[HVH_HK_RNDIS_DATA] = "rndis_data",
	[HVH_HK_INDIR] = "indirection_table",
	[HVH_HK_VF] = "vf_association",
	[HVH_HK_LINK] = "link_indication",
};

/* Word indices in a PACKET_MSG header (struct hvh_rndis_pkt). */
#define HVH_PKT_W_PPI_OFF	7
#define HVH_PKT_W_PPI_LEN	8

/* Scratch for grown messages: the tail repeats this block of noise. */

/* splitmix64: a full-period sequence, cheap, the same on every host. */
static uint64_t
hvh_hostile_next(struct hvh_hostile *h)
{
	uint64_t z = (h->state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t
hvh_hostile_below(struct hvh_hostile *h, uint32_t n)
{
	return n ? (uint32_t)(hvh_hostile_next(h) % n) : 0;
}

/*
 * A value for a length, offset, count or id field that held v: the edges
 * a parser gets wrong (0, one off, past the end, all ones) more often than
 * plain noise.
 */
static uint32_t
hvh_hostile_u32(struct hvh_hostile *h, uint32_t v, uint32_t limit)
{
	switch (hvh_hostile_below(h, 10)) {
	case 0:
		return 0;
	case 1:
		return v + 1;
	case 2:
		return v - 1;
	case 3:
		return limit;
	case 4:
		return limit + 1 + hvh_hostile_below(h, 64);
	case 5:
		return UINT32_MAX - hvh_hostile_below(h, 16);
	case 6:
		return 0x80000000u | (uint32_t)hvh_hostile_next(h);
	case 7:
		return hvh_hostile_below(h, limit ? limit : 1);
	case 8:
		return v ^ (1u << hvh_hostile_below(h, 32));
	default:
		return (uint32_t)hvh_hostile_next(h);
	}
}

void
hvh_hostile_seed(struct hvh_hostile *h, uint64_t seed, uint32_t permille)
{
	unsigned int i;

	h->seed = seed;
	h->permille = permille;
	h->state = seed;
	for (i = 0; i < HVH_HOSTILE_NOISE / 8; i++) {
		uint64_t r = hvh_hostile_next(h);

		memcpy(h->noise + i * 8, &r, 8);
	}
	h->state = seed;
	if (permille > 0)
		h->used = 1;
}

/* Count one mutation of a kind (the first of a run is logged). */
static void
hvh_hostile_count(struct hvh_nic *nic, enum hvh_hostile_kind k)
{
	struct hvh_hostile *h = &nic->hostile;

	if (h->count[k]++ == 0)
		HVH_LOG(INFO, "hostile: first %s mutation (packet %" PRIu64 ")",
			hvh_hostile_kind_names[k], h->seen);
}

/* Ring indices: after the packet, one index says something else. */
static void
hvh_hostile_ring(struct hvh_chan *ch)
{
	struct hvh_hostile *h = &ch->nic->hostile;
	struct hvh_ring *r = hvh_hostile_below(h, 4) ? &ch->out : &ch->in;
	uint32_t v;

	switch (hvh_hostile_below(h, 4)) {
	case 0:		/* past the data area */
		v = r->dsize + 8 * hvh_hostile_below(h, 512);
		break;
	case 1:		/* not 8-byte aligned */
		v = (hvh_hostile_below(h, r->dsize) & ~7u) |
			(1 + hvh_hostile_below(h, 7));
		break;
	case 2:		/* inside, aligned, at a place nothing was written */
		v = hvh_hostile_below(h, r->dsize) & ~7u;
		break;
	default:	/* a little ahead or behind */
		v = hvh_ring_advance(r, r->own,
				     8 * (1 + hvh_hostile_below(h, 64)));
		break;
	}
	/* Ours is r->own: our next write or read publishes it again. */
	if (r == &ch->out)
		r->hdr->windex = v;
	else
		r->hdr->rindex = v;
}

/* Descriptor: type, header or packet length, flags or id. */
static int
hvh_hostile_desc(struct hvh_hostile *h, struct hvh_pkt_desc *d)
{
	static const uint16_t types[] = { 0, 1, 5, 6, 7, 8, 9, 10, 11, 12 };

	switch (hvh_hostile_below(h, 5)) {
	case 0:
		d->type = hvh_hostile_below(h, 2) ?
			types[hvh_hostile_below(h, sizeof(types) / sizeof(types[0]))] :
			(uint16_t)hvh_hostile_next(h);
		return 1;	/* the guest cannot know it as ours */
	case 1:
		d->offset8 = (uint16_t)hvh_hostile_u32(h, d->offset8,
						       d->len8);
		return 0;
	case 2:
		d->len8 = (uint16_t)hvh_hostile_u32(h, d->len8, 0xffff);
		return 0;
	case 3:
		d->flags = (uint16_t)hvh_hostile_next(h);
		return 0;
	default:
		d->trans_id = hvh_hostile_below(h, 2) ?
			hvh_hostile_next(h) :
			d->trans_id ^ (1ull << hvh_hostile_below(h, 64));
		return 1;
	}
}

/*
 * The new length of an NVSP message of len bytes: shorter, a little
 * longer, or anything up to the largest packet the ring can take now
 * (and a descriptor can describe: 512 KiB).
 */
static uint32_t
hvh_hostile_len(struct hvh_hostile *h, const struct hvh_ring *r,
		uint32_t len, uint32_t hdr)
{
	int64_t room = hvh_ring_writable(r);
	uint32_t max;

	if (room <= (int64_t)(hdr + 64 + HVH_PKT_TRAILER))
		return len;
	max = (uint32_t)room - hdr - 64 - HVH_PKT_TRAILER;
	/* A descriptor counts at most 0xffff 8-byte units. */
	if (max > 0xffffu * 8 - hdr)
		max = 0xffffu * 8 - hdr;
	switch (hvh_hostile_below(h, 4)) {
	case 0:
		return hvh_hostile_below(h, len);
	case 1:
		return len + 1 + hvh_hostile_below(h, 64);
	case 2:
		return len + hvh_hostile_below(h, 4096) < max ?
			len + hvh_hostile_below(h, 4096) : max;
	default:
		return hvh_hostile_below(h, max + 1);
	}
}

/* The NVSP message's 32-bit words: one of them made hostile. */
static void
hvh_hostile_words(struct hvh_hostile *h, uint8_t *m, uint32_t len,
		  uint32_t first)
{
	uint32_t w, v;

	if (len < 4 || first >= len / 4)
		return;
	w = first + hvh_hostile_below(h, len / 4 - first);
	memcpy(&v, m + 4 * w, 4);
	v = hvh_hostile_u32(h, v, 64);
	memcpy(m + 4 * w, &v, 4);
}

/* Forged messages that a data run would never carry. */
static void
hvh_hostile_forge(struct hvh_nic *nic, enum hvh_hostile_kind k)
{
	struct hvh_hostile *h = &nic->hostile;
	uint32_t msg[3 + HVH_NVSP_INDIR_ENTRIES] = { 0 };
	struct hvh_rndis_indicate ind = {
		.type = HVH_RNDIS_INDICATE, .len = sizeof(ind),
	};
	static const uint32_t status[] = {
		HVH_RNDIS_ST_MEDIA_CONNECT, HVH_RNDIS_ST_MEDIA_DISCONNECT,
		0x40010013u /* link speed change */,
		0x40010018u /* network change */, 0x40020006u /* offload */,
	};
	uint32_t len = sizeof(msg), i;
	uint8_t ibuf[64];

	switch (k) {
	case HVH_HK_INDIR:
		msg[0] = HVH_NVSP_SEND_INDIRECTION_TABLE;
		msg[1] = HVH_NVSP_INDIR_ENTRIES;
		msg[2] = 12;
		for (i = 0; i < HVH_NVSP_INDIR_ENTRIES; i++)
			msg[3 + i] = hvh_hostile_below(h, 3) ?
				i % nic->nchan : hvh_hostile_u32(h, i, 64);
		if (hvh_hostile_below(h, 2))
			hvh_hostile_words(h, (uint8_t *)msg, len, 1);
		if (hvh_hostile_below(h, 4) == 0)
			len = hvh_hostile_below(h, len);
		break;
	case HVH_HK_VF:
		msg[0] = HVH_NVSP_SEND_VF_ASSOCIATION;
		msg[1] = hvh_hostile_below(h, 3);
		msg[2] = hvh_hostile_below(h, 2) ? nic->conf.vf_serial :
			(uint32_t)hvh_hostile_next(h);
		len = hvh_hostile_below(h, 3) ? HVH_NVSP_MSG_SIZE :
			hvh_hostile_below(h, HVH_NVSP_MSG_SIZE);
		break;
	case HVH_HK_LINK:
		ind.status = hvh_hostile_below(h, 4) ?
			status[hvh_hostile_below(h, sizeof(status) / sizeof(status[0]))] :
			(uint32_t)hvh_hostile_next(h);
		memset(ibuf, 0, sizeof(ibuf));
		memcpy(ibuf, &ind, sizeof(ind));
		len = sizeof(ind);
		if (hvh_hostile_below(h, 2)) {
			/* A status buffer the header may misdescribe. */
			hvh_hostile_words(h, ibuf, sizeof(ibuf), 1);
			len = 20 + hvh_hostile_below(h, sizeof(ibuf) - 19);
		}
		hvh_ctrl_enqueue(nic, ibuf, len);
		hvh_hostile_count(nic, k);
		return;
	default:
		return;
	}
	/* Notifications come on the primary channel. */
	hvh_send_inband(nic->chan[0], HVH_PKT_INBAND, 0, 0, msg, len);
	hvh_hostile_count(nic, k);
}

/* The RNDIS message heading one section of a receive message. */
static void
hvh_hostile_rndis(struct hvh_nic *nic, uint8_t *msg, uint32_t len, int ctrl)
{
	struct hvh_hostile *h = &nic->hostile;
	/* The PACKET_MSG header and a PPI element as 32-bit words. */
	uint32_t p[sizeof(struct hvh_rndis_pkt) / 4], e[3], at, w;

	if (ctrl) {
		/* type, len, request id, status, then the reply's own. */
		hvh_hostile_words(h, msg, len < 28 ? len & ~3u : 28, 0);
		hvh_hostile_count(nic, HVH_HK_RNDIS_CTRL);
		return;
	}
	memcpy(p, msg, sizeof(p));
	switch (hvh_hostile_below(h, 4)) {
	case 0:		/* len, data, OOB or PPI offset and length */
		w = 1 + hvh_hostile_below(h, 8);
		p[w] = hvh_hostile_u32(h, p[w], len);
		break;
	case 1:		/* a PPI chain where there was none, or longer */
		p[HVH_PKT_W_PPI_OFF] = sizeof(p) - HVH_RNDIS_OFF_BASE;
		p[HVH_PKT_W_PPI_LEN] = hvh_hostile_u32(h, p[HVH_PKT_W_PPI_LEN],
			HVH_RX_FRAME_OFF - sizeof(p));
		break;
	default:	/* a PPI element's size, type or offset */
		at = sizeof(p) + 16 * hvh_hostile_below(h, 4);
		if (p[HVH_PKT_W_PPI_LEN] == 0) {
			p[HVH_PKT_W_PPI_OFF] = sizeof(p) - HVH_RNDIS_OFF_BASE;
			p[HVH_PKT_W_PPI_LEN] = 16 * (1 + hvh_hostile_below(h, 4));
		}
		memcpy(e, msg + at, sizeof(e));
		w = hvh_hostile_below(h, 3);
		e[w] = hvh_hostile_u32(h, e[w], 16);
		memcpy(msg + at, e, sizeof(e));
		break;
	}
	memcpy(msg, p, sizeof(p));
	hvh_hostile_count(nic, HVH_HK_RNDIS_DATA);
}

/*
 * A transfer-page message: its header, one range, or the RNDIS message in
 * one of its sections.  Returns 1 when the guest can no longer complete it.
 */
static int
hvh_hostile_xfer(struct hvh_nic *nic, uint8_t *pkt, uint32_t hlen,
		 const struct hvh_nvsp_rndis *nv)
{
	struct hvh_hostile *h = &nic->hostile;
	struct hvh_xfer_hdr x;
	struct hvh_xfer_range r;
	uint32_t i, n;

	memcpy(&x, pkt, sizeof(x));
	n = (hlen - sizeof(x)) / sizeof(r);
	if (n == 0)
		return 0;
	i = hvh_hostile_below(h, n);
	memcpy(&r, pkt + sizeof(x) + i * sizeof(r), sizeof(r));
	switch (hvh_hostile_below(h, 6)) {
	case 0:
		x.xfer_pageset_id = (uint16_t)hvh_hostile_u32(h,
			x.xfer_pageset_id, 0xffff);
		break;
	case 1:
		x.range_cnt = hvh_hostile_u32(h, x.range_cnt, n);
		break;
	case 2:
		r.byte_offset = hvh_hostile_u32(h, r.byte_offset,
						HVH_RXBUF_SIZE);
		break;
	case 3:
		r.byte_count = hvh_hostile_u32(h, r.byte_count,
					       nic->rx_sect_size);
		break;
	default:
		if (r.byte_offset < HVH_RXBUF_SIZE &&
		    r.byte_offset + HVH_RX_FRAME_OFF <= HVH_RXBUF_SIZE)
			hvh_hostile_rndis(nic, nic->rxbuf + r.byte_offset,
					  r.byte_count, nv->channel_type == 1);
		return 0;
	}
	memcpy(pkt, &x, sizeof(x));
	memcpy(pkt + sizeof(x) + i * sizeof(r), &r, sizeof(r));
	hvh_hostile_count(nic, HVH_HK_XFER);
	return 0;
}

/*
 * An NVSP message (after the descriptor): a completion's or a
 * notification's fields, or its length.
 */
static uint32_t
hvh_hostile_nvsp(struct hvh_nic *nic, const struct hvh_ring *r,
		 uint16_t type, uint8_t *m, uint32_t len)
{
	struct hvh_hostile *h = &nic->hostile;
	enum hvh_hostile_kind k = HVH_HK_NVSP_NOTE;
	uint32_t t = 0;

	if (len >= 4)
		memcpy(&t, m, 4);
	if (type == HVH_PKT_COMP)
		k = HVH_HK_NVSP_COMP;
	else if (t == HVH_NVSP_SEND_INDIRECTION_TABLE)
		k = HVH_HK_INDIR;
	else if (t == HVH_NVSP_SEND_VF_ASSOCIATION)
		k = HVH_HK_VF;
	if (hvh_hostile_below(h, 3) == 0)
		len = hvh_hostile_len(h, r, len, 16);
	else if (k == HVH_HK_INDIR && hvh_hostile_below(h, 2))
		/* count, offset or one entry */
		hvh_hostile_words(h, m, len, 1);
	else
		hvh_hostile_words(h, m, len < 16 ? len : 16, 0);
	hvh_hostile_count(nic, k);
	return len;
}

int
hvh_hostile_write(struct hvh_chan *ch, const struct iovec *iov, int iovcnt,
		  int *signal, int *orphan)
{
	struct hvh_nic *nic = ch->nic;
	struct hvh_hostile *h = &nic->hostile;
	struct iovec out[HVH_HOSTILE_IOV];
	struct hvh_pkt_desc d;
	struct hvh_nvsp_rndis nv = { 0 };
	uint32_t total = 0, hlen, mlen, rest, grow = 0;
	int i, n, ret, ring = 0, lost = 0, raw = 0;
	enum { F_RING, F_DESC, F_BODY, F_FORGE } what;

	*orphan = 0;
	h->seen++;
	if (!h->permille || h->busy || iovcnt != 2 || iov[0].iov_len < sizeof(d) ||
	    iov[0].iov_len + iov[1].iov_len > sizeof(h->pkt) ||
	    hvh_hostile_below(h, 1000) >= h->permille)
		return hvh_ring_write(&ch->out, iov, iovcnt, signal);

	/* A private copy: the caller's buffers stay what hv-host sent. */
	hlen = iov[0].iov_len;
	mlen = iov[1].iov_len;
	memcpy(h->pkt, iov[0].iov_base, hlen);
	memcpy(h->pkt + hlen, iov[1].iov_base, mlen);
	memcpy(&d, h->pkt, sizeof(d));
	if (d.type == HVH_PKT_XFER_PAGES && mlen >= sizeof(nv))
		memcpy(&nv, h->pkt + hlen, sizeof(nv));

	n = (int)hvh_hostile_below(h, 20);
	what = n < 2 ? F_RING : n < 5 ? F_DESC : n < 18 ? F_BODY : F_FORGE;
	switch (what) {
	case F_RING:
		ring = 1;
		break;
	case F_DESC:
		d.len8 = (uint16_t)((hlen + mlen + 7) / 8);
		lost = hvh_hostile_desc(h, &d);
		memcpy(h->pkt, &d, sizeof(d));
		raw = 1;
		hvh_hostile_count(nic, HVH_HK_DESC);
		break;
	case F_BODY:
		if (d.type == HVH_PKT_XFER_PAGES)
			lost = hvh_hostile_xfer(nic, h->pkt, hlen, &nv);
		else
			grow = hvh_hostile_nvsp(nic, &ch->out, d.type,
						h->pkt + hlen, mlen);
		break;
	case F_FORGE:
		/* The packet goes as it was, a forged one with it. */
		h->busy = 1;
		hvh_hostile_forge(nic, (enum hvh_hostile_kind)(HVH_HK_INDIR +
				  hvh_hostile_below(h, 3)));
		h->busy = 0;
		return hvh_ring_write(&ch->out, iov, iovcnt, signal);
	}

	out[0].iov_base = h->pkt;
	out[0].iov_len = hlen;
	n = 1;
	if (what == F_BODY && d.type != HVH_PKT_XFER_PAGES) {
		/* The NVSP message cut short, or grown with noise. */
		out[n].iov_base = h->pkt + hlen;
		out[n++].iov_len = grow < mlen ? grow : mlen;
		for (rest = grow > mlen ? grow - mlen : 0; rest > 0 &&
		     n < (int)HVH_HOSTILE_IOV; n++) {
			out[n].iov_base = h->noise;
			out[n].iov_len = rest < HVH_HOSTILE_NOISE ? rest :
				HVH_HOSTILE_NOISE;
			rest -= out[n].iov_len;
		}
	} else {
		out[n].iov_base = h->pkt + hlen;
		out[n++].iov_len = mlen;
	}
	for (i = 0; i < n; i++)
		total += out[i].iov_len;
	if (raw) {
		ret = hvh_ring_write_raw(&ch->out, out, n, signal);
	} else {
		ret = hvh_ring_write(&ch->out, out, n, signal);
		/* Grown past the room there is: send the original. */
		if (ret == -EAGAIN && total > hlen + mlen)
			ret = hvh_ring_write(&ch->out, iov, iovcnt, signal);
	}
	if (ret == 0 && ring) {
		hvh_hostile_ring(ch);
		hvh_hostile_count(nic, HVH_HK_RING);
	}
	if (ret == 0 && lost && d.type == HVH_PKT_XFER_PAGES) {
		*orphan = 1;
		h->orphans++;
	}
	return ret;
}

void
hvh_hostile_print(const struct hvh_hostile *h, FILE *f)
{
	unsigned int k;

	fprintf(f, "hostile seed %" PRIu64 " permille %u packets %" PRIu64
		" orphaned %" PRIu64, h->seed, h->permille, h->seen,
		h->orphans);
	for (k = 0; k < HVH_HK_COUNT; k++)
		fprintf(f, " %s %" PRIu64, hvh_hostile_kind_names[k],
			h->count[k]);
	fprintf(f, "\n");
}
