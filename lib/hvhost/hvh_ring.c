/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

#include "hvh_ring.h"

void
hvh_ring_attach(struct hvh_ring *r, void *base, uint32_t len)
{
	r->hdr = base;
	r->data = (uint8_t *)base + HVH_PAGE_SIZE;
	r->dsize = len - HVH_PAGE_SIZE;
	r->own = 0;
}

void
hvh_ring_reset(struct hvh_ring *r, uint32_t imask)
{
	r->hdr->windex = 0;
	r->hdr->rindex = 0;
	r->hdr->imask = imask;
	r->hdr->pending_send_sz = 0;
	/* The kernel (hv_ringbuffer_init) advertises pending_send_sz support
	 * on both rings of a channel it allocates.
	 */
	r->hdr->feature_bits = HVH_RING_FEAT_PENDING_SZ;
	r->own = 0;
}

int
hvh_ring_commit_read(struct hvh_ring *r, uint32_t bytes_read)
{
	uint32_t pending, writable, wr;

	hvh_mb();
	r->hdr->rindex = r->own;
	hvh_mb();
	pending = r->hdr->pending_send_sz;
	if (pending == 0 || !(r->hdr->feature_bits & HVH_RING_FEAT_PENDING_SZ))
		return 0;
	wr = r->hdr->windex;
	if (wr >= r->dsize)
		return 1;	/* corrupt; let the caller's next read report it */
	writable = wr >= r->own ? r->dsize - (wr - r->own) : r->own - wr;
	/* Signal only on the crossing, as Linux and DPDK readers do. */
	if (writable <= pending || writable - bytes_read > pending)
		return 0;
	return 1;
}

static int
hvh_ring_put(struct hvh_ring *r, const struct iovec *iov, int iovcnt,
	     int *signal, int keep_len8)
{
	static const uint8_t zeros[8];
	struct hvh_pkt_desc *d = iov[0].iov_base;
	uint32_t total = 0, padded, start, off;
	uint64_t trailer;
	int64_t room;
	int i;

	*signal = 0;
	for (i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	padded = (total + 7) & ~7u;
	/*
	 * A fault owns the ring ("flood"): it reads as full, and its thread
	 * moves the index read here.
	 */
	if (r->held)
		return -EAGAIN;
	room = hvh_ring_writable(r);
	if (room < 0)
		return -EPROTO;
	/* Strictly greater: a ring is never completely full. */
	if ((uint64_t)room <= (uint64_t)padded + HVH_PKT_TRAILER) {
		r->hdr->pending_send_sz = padded + HVH_PKT_TRAILER;
		return -EAGAIN;
	}
	if (r->hdr->pending_send_sz)
		r->hdr->pending_send_sz = 0;

	if (!keep_len8)
		d->len8 = padded / 8;
	start = r->own;
	off = start;
	for (i = 0; i < iovcnt; i++) {
		hvh_ring_copy_in(r, off, iov[i].iov_base, iov[i].iov_len);
		off = hvh_ring_advance(r, off, iov[i].iov_len);
	}
	if (padded != total) {
		hvh_ring_copy_in(r, off, zeros, padded - total);
		off = hvh_ring_advance(r, off, padded - total);
	}
	trailer = (uint64_t)start << 32;
	hvh_ring_copy_in(r, off, &trailer, sizeof(trailer));
	off = hvh_ring_advance(r, off, sizeof(trailer));

	hvh_wmb();
	r->own = off;
	r->hdr->windex = off;
	hvh_mb();
	/* Interrupt only on the empty -> non-empty edge and when unmasked. */
	if (r->hdr->imask == 0 && r->hdr->rindex == start)
		*signal = 1;
	return 0;
}

int
hvh_ring_write(struct hvh_ring *r, const struct iovec *iov, int iovcnt,
	       int *signal)
{
	return hvh_ring_put(r, iov, iovcnt, signal, 0);
}

int
hvh_ring_write_raw(struct hvh_ring *r, const struct iovec *iov, int iovcnt,
		   int *signal)
{
	return hvh_ring_put(r, iov, iovcnt, signal, 1);
}
