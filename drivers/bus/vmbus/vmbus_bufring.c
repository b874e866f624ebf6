/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * One direction of a VMBus channel: a header page followed by a circular
 * data area of packets, each padded to 8 bytes and followed by an 8-byte
 * trailer (doc/guides/nics/netvsc_protocol.rst, "VMBus ring buffer").
 *
 * The host can rewrite the shared header and the data area at any time.
 * The index the host owns is read once per operation, checked against
 * the ring, and only then used; the index we own is kept privately.  A
 * packet descriptor is copied out once, checked, and the checked copy is
 * what sizes every later copy.  When anything is out of bounds the
 * operation fails with -EIO, the error is counted, and the ring stays
 * where it was: it is never walked past a bad packet.
 */

#include <assert.h>
#include <errno.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_memcpy.h>
#include <rte_pause.h>

#include "vmbus_private.h"

/* Wire layout checks (netvsc_protocol.rst, "VMBus ring buffer"). */
static_assert(offsetof(struct vmbus_bufring, imask) == 8, "imask");
static_assert(offsetof(struct vmbus_bufring, pending_send) == 12,
	      "pending_send_sz");
static_assert(offsetof(struct vmbus_bufring, feature_bits) == 64,
	      "feature_bits");
static_assert(sizeof(struct vmbus_chanpkt_hdr) == 16, "descriptor");
static_assert(offsetof(struct vmbus_chanpkt_hdr, xactid) == 8, "xactid");
static_assert(sizeof(struct vmbus_chanpkt_rxbuf) == 24, "xfer page hdr");
static_assert(sizeof(struct vmbus_rxbuf_desc) == 8, "xfer page range");
static_assert(sizeof(struct vmbus_chanpkt_sglist) == 24, "gpa direct hdr");
static_assert(sizeof(struct vmbus_gpa) == 16, "page buffer");
static_assert(sizeof(struct vmbus_mon_page) == HYPERV_PAGE_SIZE,
	      "monitor page");
static_assert(offsetof(struct vmbus_mon_page, trigs) == 8, "trigger_group");
static_assert(offsetof(struct vmbus_mon_page, lat) == 576, "latency");
static_assert(offsetof(struct vmbus_mon_page, param) == 1088, "parameter");
static_assert(sizeof(struct vmbus_chanmsg_choffer) == 196, "offer");

/* Every packet is followed by (u64)start_index << 32. */
#define VMBUS_BR_TRAILER sizeof(uint64_t)

static inline uint32_t
vmbus_br_advance(uint32_t idx, uint32_t n, uint32_t dsize)
{
	/* Callers keep idx < dsize and n <= dsize. */
	idx += n;
	if (idx >= dsize)
		idx -= dsize;
	return idx;
}

static inline bool
vmbus_br_index_ok(const struct vmbus_br *br, uint32_t idx)
{
	return idx < br->dsize && (idx % VMBUS_CHANPKT_SIZE_ALIGN) == 0;
}

/*
 * Count a violation of the ring protocol by the host.  The first one on
 * a ring is logged; the caller keeps failing on the same spot, so later
 * ones would only repeat the line.
 */
static void
vmbus_br_corrupt(struct vmbus_br *br, const char *what, uint32_t value)
{
	if (__atomic_fetch_add(&br->errors, 1, __ATOMIC_RELAXED) == 0)
		VMBUS_LOG(ERR,
			  "channel %u %s ring: bad %s %u from host, ring stopped",
			  br->relid, br->tx ? "tx" : "rx", what, value);
}

int
vmbus_br_setup(struct vmbus_br *br, void *buf, uint32_t blen, bool tx)
{
	struct vmbus_bufring *vbr = buf;
	uint32_t idx;

	if (blen <= VMBUS_RING_HDR_SIZE || blen % VMBUS_RING_HDR_SIZE != 0) {
		VMBUS_LOG(ERR, "ring of %u bytes: not a header page plus data pages",
			  blen);
		return -EINVAL;
	}

	memset(br, 0, sizeof(*br));
	br->tx = tx;
	br->vbr = vbr;
	br->data = (uint8_t *)buf + VMBUS_RING_HDR_SIZE;
	br->dsize = blen - VMBUS_RING_HDR_SIZE;

	/*
	 * Continue from where the ring was left rather than zeroing it: the
	 * host may still hold packets a previous user of the channel sent.
	 */
	if (tx)
		idx = __atomic_load_n(&vbr->windex, __ATOMIC_ACQUIRE);
	else
		idx = __atomic_load_n(&vbr->rindex, __ATOMIC_ACQUIRE);
	if (!vmbus_br_index_ok(br, idx)) {
		VMBUS_LOG(ERR, "ring %p: own %s index %u invalid at open",
			  buf, tx ? "write" : "read", idx);
		return -EINVAL;
	}
	br->windex = idx;
	br->committed = idx;
	br->rindex = idx;
	return 0;
}

/*
 * Snapshot the index the host owns: the read index of our TX ring or
 * the write index of our RX ring.  Acquire ordering: on TX the host has
 * finished reading the space it released; on RX the packet bytes the
 * host published are visible before we copy them.
 */
static inline int
vmbus_br_host_index_of(struct vmbus_br *br, volatile uint32_t *field,
		       const char *what, uint32_t *idx)
{
	uint32_t v = __atomic_load_n(field, __ATOMIC_ACQUIRE);

	if (unlikely(!vmbus_br_index_ok(br, v))) {
		vmbus_br_corrupt(br, what, v);
		return -EIO;
	}
	*idx = v;
	return 0;
}

static inline int
vmbus_txbr_host_rindex(struct vmbus_br *tbr, uint32_t *idx)
{
	return vmbus_br_host_index_of(tbr, &tbr->vbr->rindex, "read index",
				      idx);
}

int
vmbus_rxbr_host_windex(struct vmbus_br *rbr, uint32_t *idx)
{
	return vmbus_br_host_index_of(rbr, &rbr->vbr->windex, "write index",
				      idx);
}

static uint32_t
vmbus_br_copy_to(struct vmbus_br *br, uint32_t pos, const void *src,
		 uint32_t len)
{
	uint32_t room = br->dsize - pos;

	if (likely(len <= room)) {
		rte_memcpy(br->data + pos, src, len);
	} else {
		rte_memcpy(br->data + pos, src, room);
		rte_memcpy(br->data, (const uint8_t *)src + room, len - room);
	}
	return vmbus_br_advance(pos, len, br->dsize);
}

static uint32_t
vmbus_br_copy_from(const struct vmbus_br *br, uint32_t pos, void *dst,
		   uint32_t len)
{
	uint32_t room = br->dsize - pos;

	if (likely(len <= room)) {
		rte_memcpy(dst, br->data + pos, len);
	} else {
		rte_memcpy(dst, br->data + pos, room);
		rte_memcpy((uint8_t *)dst + room, br->data, len - room);
	}
	return vmbus_br_advance(pos, len, br->dsize);
}

/*
 * Append one packet of len bytes (a multiple of 8) made of the given
 * pieces, which cover all of it but the zero padding at its end, plus
 * its trailer.  Safe for several senders on one ring: each reserves its
 * span with a CAS on the private write index, copies, then publishes in
 * reservation order.
 */
int
vmbus_txbr_write(struct vmbus_br *tbr, const struct iovec iov[], int iovcnt,
		 uint32_t len, bool *need_sig)
{
	const uint64_t zero = 0;
	uint32_t old, next, hidx, pos, dsize = tbr->dsize;
	uint64_t trailer;
	int i;

	if (unlikely(len % VMBUS_CHANPKT_SIZE_ALIGN != 0 || len == 0 ||
		     (uint64_t)len + VMBUS_BR_TRAILER >= dsize))
		return -EINVAL;

	old = __atomic_load_n(&tbr->windex, __ATOMIC_RELAXED);
	do {
		if (vmbus_txbr_host_rindex(tbr, &hidx) != 0)
			return -EIO;
		/*
		 * Free space must stay strictly greater than the packet and
		 * its trailer so the ring never fills completely: equal
		 * indices mean empty (netvsc_protocol.rst, "Indices and free
		 * space").
		 */
		if (vmbus_br_avail_write(old, hidx, dsize) <=
		    len + VMBUS_BR_TRAILER)
			return -EAGAIN;
		next = vmbus_br_advance(old, len + VMBUS_BR_TRAILER, dsize);
	} while (!__atomic_compare_exchange_n(&tbr->windex, &old, next, true,
					      __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));

	/*
	 * Every 8-byte word of the ring lies whole before its end, so the
	 * packet's last word (which holds the padding) and the trailer are
	 * single aligned stores.  The last word is zeroed first and the
	 * pieces then overwrite what of it is not padding.
	 */
	pos = vmbus_br_advance(old, len - VMBUS_BR_TRAILER, dsize);
	memcpy(tbr->data + pos, &zero, sizeof(zero));
	pos = old;
	for (i = 0; i < iovcnt; i++)
		pos = vmbus_br_copy_to(tbr, pos, iov[i].iov_base,
				       (uint32_t)iov[i].iov_len);
	trailer = (uint64_t)old << 32;
	pos = vmbus_br_advance(old, len, dsize);
	memcpy(tbr->data + pos, &trailer, sizeof(trailer));

	/* Earlier reservations are published first, so wait our turn. */
	while (__atomic_load_n(&tbr->committed, __ATOMIC_ACQUIRE) != old)
		rte_pause();
	/* Release: the packet bytes are visible before the new index. */
	__atomic_store_n(&tbr->vbr->windex, next, __ATOMIC_RELEASE);
	__atomic_store_n(&tbr->committed, next, __ATOMIC_RELEASE);

	/*
	 * Full barrier between publishing the index and reading the
	 * host's state, or we and the host could each miss the other's
	 * update and the host would sleep on a non-empty ring.  The read
	 * index matters only when the host has not masked signals.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&tbr->vbr->imask, __ATOMIC_RELAXED) == 0 &&
	    vmbus_txbr_need_signal(0,
			__atomic_load_n(&tbr->vbr->rindex, __ATOMIC_ACQUIRE),
			old))
		*need_sig = true;
	return 0;
}

/*
 * Copy out and check the descriptor of the next packet without
 * consuming it.  Returns 0 with a checked copy in hdr, -EAGAIN if the
 * ring is empty, -EIO if the host broke the ring protocol.
 */
int
vmbus_rxbr_peek(struct vmbus_br *rbr, struct vmbus_chanpkt_hdr *hdr)
{
	uint32_t widx, avail, pktlen;

	if (vmbus_rxbr_host_windex(rbr, &widx) != 0)
		return -EIO;
	avail = rbr->dsize - vmbus_br_avail_write(widx, rbr->rindex,
						  rbr->dsize);
	if (avail == 0)
		return -EAGAIN;

	/* The host publishes whole packets, so anything shorter is bad. */
	if (unlikely(avail < sizeof(*hdr) + VMBUS_BR_TRAILER)) {
		vmbus_br_corrupt(rbr, "bytes available", avail);
		return -EIO;
	}

	vmbus_br_copy_from(rbr, rbr->rindex, hdr, sizeof(*hdr));

	/* vmbus_packet_type: 0 is invalid, nothing is defined past 13. */
	if (unlikely(hdr->type == 0 || hdr->type > VMBUS_CHANPKT_TYPE_LAST)) {
		vmbus_br_corrupt(rbr, "packet type", hdr->type);
		return -EIO;
	}
	if (unlikely(hdr->hlen < VMBUS_CHANPKT_HLEN_MIN)) {
		vmbus_br_corrupt(rbr, "descriptor offset8", hdr->hlen);
		return -EIO;
	}
	if (unlikely(hdr->tlen < hdr->hlen)) {
		vmbus_br_corrupt(rbr, "descriptor len8", hdr->tlen);
		return -EIO;
	}
	pktlen = vmbus_chanpkt_getlen(hdr->tlen);
	if (unlikely(pktlen > avail - VMBUS_BR_TRAILER)) {
		vmbus_br_corrupt(rbr, "packet length past write index",
				 pktlen);
		return -EIO;
	}
	return 0;
}

/*
 * Copy len bytes at offset skip of the packet described by the checked
 * descriptor hdr (skip + len within the packet), then consume the whole
 * packet and its trailer.
 */
void
vmbus_rxbr_read(struct vmbus_br *rbr, const struct vmbus_chanpkt_hdr *hdr,
		void *data, uint32_t skip, uint32_t len)
{
	uint32_t consumed = vmbus_chanpkt_getlen(hdr->tlen) + VMBUS_BR_TRAILER;
	uint32_t next;

	RTE_ASSERT(skip + len <= vmbus_chanpkt_getlen(hdr->tlen));
	vmbus_br_copy_from(rbr, vmbus_br_advance(rbr->rindex, skip, rbr->dsize),
			   data, len);
	next = vmbus_br_advance(rbr->rindex, consumed, rbr->dsize);

	/* Release: our copy is complete before the host may reuse it. */
	__atomic_store_n(&rbr->vbr->rindex, next, __ATOMIC_RELEASE);
	rbr->rindex = next;
}

/*
 * netvsc_protocol.rst, "Pending send size": a host blocked on pending_sz
 * free bytes is woken only when this read is what made the room exceed
 * pending_sz.
 */
bool
vmbus_rxbr_need_signal(uint32_t pending_sz, uint32_t avail_write,
		       uint32_t bytes_read)
{
	if (pending_sz == 0 || avail_write <= pending_sz)
		return false;
	return bytes_read >= avail_write ||
		avail_write - bytes_read <= pending_sz;
}
