/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * The VMBus ring as the host fills it (drivers/bus/vmbus): packet
 * descriptors, lengths and offsets read through rte_vmbus_chan_recv and
 * rte_vmbus_chan_recv_raw into buffers of exactly the room offered, the
 * host's write index moved between reads, and a send against the read
 * index and interrupt mask the host writes (vmbus_txbr_write).
 *
 * Input: struct fuzz_ring_in (fuzz_ring.h), then the data area's bytes.
 */

#include <sys/uio.h>

#include <rte_common.h>

#include "vmbus_private.h"
#include "fuzz.h"
#include "fuzz_ring.h"

#define FUZZ_RING (VMBUS_RING_HDR_SIZE + FUZZ_RING_DSIZE)

/* One read, retried once with the room the bus asked for, as the PMD does. */
static void
fuzz_recv(struct vmbus_channel *chan, bool raw, uint32_t room)
{
	uint32_t len = room, before = chan->rxbr.rindex;
	uint64_t xact;
	uint8_t *buf;
	int ret, tries;

	for (tries = 0; tries < 2; tries++) {
		buf = malloc(room != 0 ? room : 1);
		if (buf == NULL)
			abort();
		len = room;
		if (raw)
			ret = rte_vmbus_chan_recv_raw(chan, buf, &len);
		else
			ret = rte_vmbus_chan_recv(chan, buf, &len, &xact);
		free(buf);
		if (ret != -ENOBUFS)
			break;
		/* The packet stays: the caller learns its size only. */
		FUZZ_CHECK(chan->rxbr.rindex == before && len > room);
		room = len;
	}
	if (ret >= 0)
		FUZZ_CHECK(len <= room);
	else
		FUZZ_CHECK(chan->rxbr.rindex == before);
	FUZZ_CHECK(chan->rxbr.rindex < chan->rxbr.dsize &&
		   chan->rxbr.rindex % VMBUS_CHANPKT_SIZE_ALIGN == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vmbus_channel *chan;
	struct fuzz_ring_in in;
	struct vmbus_bufring *rx, *tx;
	struct iovec iov;
	static uint8_t *ring;
	uint8_t pkt[256];
	bool need_sig = false;
	unsigned int i;

	fuzz_take(&data, &size, &in, sizeof(in));
	/* The ring pair is host memory: no exact size to check against. */
	if (ring == NULL)
		ring = aligned_alloc(VMBUS_RING_HDR_SIZE, 2 * FUZZ_RING);
	chan = calloc(1, sizeof(*chan));
	if (ring == NULL || chan == NULL)
		abort();
	memset(ring, 0, 2 * FUZZ_RING);
	tx = (struct vmbus_bufring *)ring;
	rx = (struct vmbus_bufring *)(ring + FUZZ_RING);
	memcpy(ring + FUZZ_RING + VMBUS_RING_HDR_SIZE, data,
	       RTE_MIN(size, (size_t)FUZZ_RING_DSIZE));

	/* As vmbus_chan_create: TX ring first, RX ring second. */
	rx->rindex = in.rindex;
	if (vmbus_br_setup(&chan->txbr, tx, FUZZ_RING, true) != 0 ||
	    vmbus_br_setup(&chan->rxbr, rx, FUZZ_RING, false) != 0)
		goto out;
	for (i = 0; i < FUZZ_RING_STEPS; i++) {
		rx->windex = in.windex[i];
		fuzz_recv(chan, (in.raw >> i) & 1, in.room * 8u);
		FUZZ_CHECK(rx->rindex == chan->rxbr.rindex);
	}

	/* A send sized by the input against the host's read index. */
	tx->rindex = in.tx_rindex;
	tx->imask = in.tx_imask;
	memset(pkt, 0xa5, sizeof(pkt));
	iov.iov_base = pkt;
	iov.iov_len = in.send;
	if (vmbus_txbr_write(&chan->txbr, &iov, 1, RTE_ALIGN_CEIL(in.send, 8u),
			     &need_sig) == 0)
		FUZZ_CHECK(tx->windex < FUZZ_RING_DSIZE && tx->windex % 8 == 0);
out:
	free(chan);
	return 0;
}
