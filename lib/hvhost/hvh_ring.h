/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Host side of one VMBus ring (doc/guides/nics/netvsc_protocol.rst, "VMBus
 * ring buffer").  hv-host reads the guest's TX ring ("in") and writes the
 * guest's RX ring ("out").  The guest owns the other index of each ring and
 * may write anything there, so every index read from shared memory is checked
 * before use.
 */

#ifndef HVH_RING_H
#define HVH_RING_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>

#include "hvh_wire.h"

struct hvh_ring {
	struct hvh_ring_hdr *hdr;
	uint8_t *data;
	uint32_t dsize;		/* data area bytes */
	uint32_t own;		/* our index: rindex of "in", windex of "out" */
	int held;		/* writes refused: a fault moves the index */
};

#define hvh_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define hvh_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define hvh_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)

/* Attach to a ring whose header page starts at base and spans len bytes. */
void hvh_ring_attach(struct hvh_ring *r, void *base, uint32_t len);

/* Zero the indices and masks as a freshly connected channel has them. */
void hvh_ring_reset(struct hvh_ring *r, uint32_t imask);

static inline uint32_t
hvh_ring_advance(const struct hvh_ring *r, uint32_t off, uint32_t n)
{
	off += n;
	if (off >= r->dsize)
		off -= r->dsize;
	return off;
}

/* Copy len bytes starting at data offset off (which is < dsize), wrapping. */
static inline void
hvh_ring_copy_out(const struct hvh_ring *r, uint32_t off, void *dst,
		  uint32_t len)
{
	uint32_t first = r->dsize - off;

	if (len <= first) {
		memcpy(dst, r->data + off, len);
	} else {
		memcpy(dst, r->data + off, first);
		memcpy((uint8_t *)dst + first, r->data, len - first);
	}
}

static inline void
hvh_ring_copy_in(struct hvh_ring *r, uint32_t off, const void *src,
		 uint32_t len)
{
	uint32_t first = r->dsize - off;

	if (len <= first) {
		memcpy(r->data + off, src, len);
	} else {
		memcpy(r->data + off, src, first);
		memcpy(r->data, (const uint8_t *)src + first, len - first);
	}
}

/*
 * Bytes the guest has published in a ring we read: >= 0, or -EPROTO when
 * the guest's write index is outside the data area or not 8-byte aligned.
 */
static inline int64_t
hvh_ring_readable(const struct hvh_ring *r)
{
	uint32_t w = r->hdr->windex;

	if (w >= r->dsize || (w & 7))
		return -EPROTO;
	hvh_rmb();
	return w >= r->own ? w - r->own : r->dsize - r->own + w;
}

/* Bytes free for us to write in a ring we write; -EPROTO on a bad rindex. */
static inline int64_t
hvh_ring_writable(const struct hvh_ring *r)
{
	uint32_t rd = r->hdr->rindex;

	if (rd >= r->dsize || (rd & 7))
		return -EPROTO;
	return r->own >= rd ? r->dsize - (r->own - rd) : rd - r->own;
}

/*
 * Publish our read index after consuming bytes_read bytes.  Returns 1 when
 * the writer asked (pending_send_sz) to be told that space crossed its
 * threshold, 0 otherwise.
 */
int hvh_ring_commit_read(struct hvh_ring *r, uint32_t bytes_read);

/*
 * Write one packet: iov[0] must start with a struct hvh_pkt_desc whose
 * type, offset8, flags and trans_id are set; len8, padding and the trailer
 * are filled in here.  Returns 0 (and *signal = 1 when the guest must be
 * interrupted), -EAGAIN when the ring is full (pending_send_sz is then set
 * so the guest tells us when room appears) or -EPROTO on a corrupt rindex.
 */
int hvh_ring_write(struct hvh_ring *r, const struct iovec *iov, int iovcnt,
		   int *signal);

/* The same, but the descriptor's len8 is written as the caller set it:
 * only fault injection wants a descriptor that lies about its length.
 */
int hvh_ring_write_raw(struct hvh_ring *r, const struct iovec *iov,
		       int iovcnt, int *signal);

#endif /* HVH_RING_H */
