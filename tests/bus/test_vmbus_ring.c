/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Ring buffer and signalling tests for drivers/bus/vmbus, run without
 * EAL or hv-host and built with AddressSanitizer: each ring is its own
 * heap block of exactly header + data bytes, so any copy outside the
 * ring is reported.
 *
 * The test plays the host with its own byte-by-byte ring code written
 * from the ring layout in doc/guides/nics/netvsc_protocol.rst, so the bus is
 * checked against the protocol rather than against itself.
 */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmbus_private.h"
#include "test_vmbus.h"

#define TV_HDR 4096u
#define TV_SMALL 4096u		/* data bytes of the small rings */
#define TV_RELID 33u		/* word 1, bit 1 of the interrupt page */
#define TV_MONID 37u		/* group 1, bit 5 of the monitor page */

struct tv_chan {
	struct rte_vmbus_device dev;
	struct vmbus_channel chan;
	struct vmbus_mon_page mon;
	uint32_t int_send[VMBUS_INT_PAGE_HALF / sizeof(uint32_t)];
	uint8_t *tx;	/* guest to host ring: header + data */
	uint8_t *rx;	/* host to guest ring */
	uint32_t dsize;
};

static struct vmbus_bufring *
tv_hdr(uint8_t *ring)
{
	return (struct vmbus_bufring *)ring;
}

/*
 * Build a channel over two fresh rings.  start sets both indices of
 * both rings before the bus looks at them, to place packets near the
 * end of the data area.
 */
static int
tv_open(struct tv_chan *t, uint32_t dsize, uint32_t start)
{
	memset(t, 0, sizeof(*t));
	t->dsize = dsize;
	t->tx = calloc(1, TV_HDR + dsize);
	t->rx = calloc(1, TV_HDR + dsize);
	if (t->tx == NULL || t->rx == NULL)
		return -1;
	tv_hdr(t->tx)->windex = tv_hdr(t->tx)->rindex = start;
	tv_hdr(t->rx)->windex = tv_hdr(t->rx)->rindex = start;

	t->dev.int_page = t->int_send;
	t->dev.monitor_page = &t->mon;
	t->dev.relid = TV_RELID;
	t->dev.monitor_id = TV_MONID;
	STAILQ_INIT(&t->chan.subchannel_list);
	t->chan.device = &t->dev;
	t->chan.int_page = t->int_send;
	t->chan.monitor_page = &t->mon;
	t->chan.relid = TV_RELID;
	t->chan.monitor_id = TV_MONID;
	if (vmbus_br_setup(&t->chan.txbr, t->tx, TV_HDR + dsize, true) != 0 ||
	    vmbus_br_setup(&t->chan.rxbr, t->rx, TV_HDR + dsize, false) != 0)
		return -1;
	t->chan.txbr.relid = TV_RELID;
	t->chan.rxbr.relid = TV_RELID;
	return 0;
}

static void
tv_close(struct tv_chan *t)
{
	free(t->tx);
	free(t->rx);
}

static bool
tv_signalled(const struct tv_chan *t)
{
	return (t->mon.trigs[TV_MONID / 32].pending & (1u << (TV_MONID % 32))) &&
		(t->int_send[TV_RELID / 32] & (1u << (TV_RELID % 32)));
}

static bool
tv_untouched(const struct tv_chan *t)
{
	static const struct vmbus_mon_page zero_mon;
	unsigned int i;

	for (i = 0; i < RTE_DIM(t->int_send); i++)
		if (t->int_send[i] != 0)
			return false;
	return memcmp(&t->mon, &zero_mon, sizeof(zero_mon)) == 0;
}

static void
tv_clear_signals(struct tv_chan *t)
{
	memset(&t->mon, 0, sizeof(t->mon));
	memset(t->int_send, 0, sizeof(t->int_send));
}

/* Host side: append a packet (descriptor included, len % 8 == 0). */
static int
host_put(struct tv_chan *t, const void *pkt, uint32_t len)
{
	struct vmbus_bufring *h = tv_hdr(t->rx);
	uint8_t *d = t->rx + TV_HDR;
	const uint8_t *p = pkt;
	/* Acquire: the guest's reads of the space it freed come first. */
	uint32_t r = __atomic_load_n(&h->rindex, __ATOMIC_ACQUIRE);
	uint32_t w = h->windex, i;
	uint32_t room = w >= r ? t->dsize - (w - r) : r - w;
	uint64_t trailer = (uint64_t)w << 32;

	if (room <= len + 8)
		return -1;
	for (i = 0; i < len; i++)
		d[(w + i) % t->dsize] = p[i];
	for (i = 0; i < 8; i++)
		d[(w + len + i) % t->dsize] = ((uint8_t *)&trailer)[i];
	__atomic_store_n(&h->windex, (w + len + 8) % t->dsize,
			 __ATOMIC_RELEASE);
	return 0;
}

/*
 * Host side: take one packet from the guest's TX ring into out.
 * Returns its length (descriptor included), 0 if empty, -1 if the
 * framing or the trailer is wrong.
 */
static int
host_get(struct tv_chan *t, void *out, uint32_t cap)
{
	struct vmbus_bufring *h = tv_hdr(t->tx);
	uint8_t *d = t->tx + TV_HDR, *o = out;
	uint32_t w = __atomic_load_n(&h->windex, __ATOMIC_ACQUIRE);
	uint32_t r = h->rindex, len, i;
	struct vmbus_chanpkt_hdr desc;
	uint64_t trailer;

	if (w == r)
		return 0;
	for (i = 0; i < sizeof(desc); i++)
		((uint8_t *)&desc)[i] = d[(r + i) % t->dsize];
	len = desc.tlen * 8u;
	if (desc.hlen < 2 || desc.tlen < desc.hlen || len > cap)
		return -1;
	for (i = 0; i < len; i++)
		o[i] = d[(r + i) % t->dsize];
	for (i = 0; i < 8; i++)
		((uint8_t *)&trailer)[i] = d[(r + len + i) % t->dsize];
	if (trailer != (uint64_t)r << 32)
		return -1;
	/*
	 * Release: our copy of the packet is complete before a sender may
	 * reuse its space; a plain store lets arm64 make the index visible
	 * first, and a sender then overwrites bytes still being read.
	 */
	__atomic_store_n(&h->rindex, (r + len + 8) % t->dsize,
			 __ATOMIC_RELEASE);
	return (int)len;
}

/* An inband packet with payload bytes seed, seed+1, ... */
static uint32_t
tv_make_inband(uint8_t *buf, uint32_t plen, uint8_t seed, uint64_t xid)
{
	struct vmbus_chanpkt_hdr *h = (void *)buf;
	uint32_t len = RTE_ALIGN_CEIL(16 + plen, 8), i;

	memset(buf, 0, len);
	h->type = VMBUS_CHANPKT_TYPE_INBAND;
	h->hlen = 2;
	h->tlen = len / 8;
	h->flags = VMBUS_CHANPKT_FLAG_RC;
	h->xactid = xid;
	for (i = 0; i < plen; i++)
		buf[16 + i] = (uint8_t)(seed + i);
	return len;
}

static bool
tv_pattern_ok(const uint8_t *p, uint32_t len, uint8_t seed)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		if (p[i] != (uint8_t)(seed + i))
			return false;
	return true;
}

static int
t_empty_ring(void)
{
	struct tv_chan t;
	uint8_t buf[64];
	uint32_t len = sizeof(buf);
	uint64_t xid = 7;

	HVT_ASSERT(tv_open(&t, TV_SMALL, 0) == 0, "setup");
	HVT_ASSERT(rte_vmbus_chan_rx_empty(&t.chan), "fresh ring not empty");
	HVT_ASSERT_EQ(rte_vmbus_chan_recv(&t.chan, buf, &len, &xid), -EAGAIN);
	HVT_ASSERT_EQ(len, 0);
	HVT_ASSERT_EQ(xid, 7);
	len = sizeof(buf);
	HVT_ASSERT_EQ(rte_vmbus_chan_recv_raw(&t.chan, buf, &len), -EAGAIN);
	HVT_ASSERT_EQ(t.chan.rxbr.errors, 0);
	tv_close(&t);
	return 0;
}

static int
t_inband_roundtrip(void)
{
	uint8_t payload[13], pkt[64], out[64];
	struct vmbus_chanpkt_hdr *h = (void *)pkt;
	uint32_t len, i;
	uint64_t xid = 0;
	struct tv_chan t;

	HVT_ASSERT(tv_open(&t, TV_SMALL, 0) == 0, "setup");
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(0x40 + i);
	HVT_ASSERT_EQ(rte_vmbus_chan_send(&t.chan, VMBUS_CHANPKT_TYPE_INBAND,
					 payload, sizeof(payload), 0x1122334455ull,
					 VMBUS_CHANPKT_FLAG_RC, NULL), 0);
	HVT_ASSERT_EQ(host_get(&t, pkt, sizeof(pkt)), 32);
	HVT_ASSERT_EQ(h->type, VMBUS_CHANPKT_TYPE_INBAND);
	HVT_ASSERT_EQ(h->hlen, 2);
	HVT_ASSERT_EQ(h->tlen, 4);
	HVT_ASSERT_EQ(h->flags, VMBUS_CHANPKT_FLAG_RC);
	HVT_ASSERT_EQ(h->xactid, 0x1122334455ull);
	HVT_ASSERT(memcmp(pkt + 16, payload, sizeof(payload)) == 0, "payload");
	HVT_ASSERT(pkt[29] == 0 && pkt[30] == 0 && pkt[31] == 0, "padding");

	len = tv_make_inband(pkt, 21, 0x10, 99);
	HVT_ASSERT(host_put(&t, pkt, len) == 0, "host put");
	HVT_ASSERT(!rte_vmbus_chan_rx_empty(&t.chan), "data not seen");
	len = sizeof(out);
	HVT_ASSERT_EQ(rte_vmbus_chan_recv(&t.chan, out, &len, &xid), 0);
	HVT_ASSERT_EQ(len, 24);
	HVT_ASSERT_EQ(xid, 99);
	HVT_ASSERT(tv_pattern_ok(out, 21, 0x10), "received payload");
	HVT_ASSERT(rte_vmbus_chan_rx_empty(&t.chan), "packet not consumed");
	HVT_ASSERT_EQ(tv_hdr(t.rx)->rindex, 48);
	tv_close(&t);
	return 0;
}

static int
t_tx_exactly_full(void)
{
	static uint8_t big[TV_SMALL];
	uint8_t pkt[TV_SMALL];
	struct tv_chan t;

	HVT_ASSERT(tv_open(&t, TV_SMALL, 0) == 0, "setup");
	/* A packet as big as the whole ring can never fit. */
	HVT_ASSERT_EQ(rte_vmbus_chan_send(&t.chan, VMBUS_CHANPKT_TYPE_INBAND,
					 big, TV_SMALL - 16 - 8, 1, 0, NULL),
		     -EINVAL);
	/* 24 bytes used; 4072 free. */
	HVT_ASSERT_EQ(rte_vmbus_chan_send(&t.chan, VMBUS_CHANPKT_TYPE_INBAND,
					 NULL, 0, 1, 0, NULL), 0);
	/* Filling the free space exactly would make full look empty. */
	HVT_ASSERT_EQ(rte_vmbus_chan_send(&t.chan, VMBUS_CHANPKT_TYPE_INBAND,
					 big, 4072 - 16 - 8, 2, 0, NULL),
		     -EAGAIN);
	HVT_ASSERT_EQ(tv_hdr(t.tx)->windex, 24);
	/* Leaving 8 bytes is the fullest the ring gets. */
	HVT_ASSERT_EQ(rte_vmbus_chan_send(&t.chan, VMBUS_CHANPKT_TYPE_INBAND,
					 big, 4064 - 16 - 8, 3, 0, NULL), 0);
	HVT_ASSERT_EQ(tv_hdr(t.tx)->windex, 4088);
	HVT_ASSERT_EQ(rte_vmbus_chan_send(&t.chan, VMBUS_CHANPKT_TYPE_INBAND,
					 NULL, 0, 4, 0, NULL), -EAGAIN);
	/* The host drains; room comes back. */
	HVT_ASSERT_EQ(host_get(&t, pkt, sizeof(pkt)), 16);
	HVT_ASSERT_EQ(host_get(&t, pkt, sizeof(pkt)), 4056);
	HVT_ASSERT_EQ(host_get(&t, pkt, sizeof(pkt)), 0);
	HVT_ASSERT_EQ(rte_vmbus_chan_send(&t.chan, VMBUS_CHANPKT_TYPE_INBAND,
					 NULL, 0, 5, 0, NULL), 0);
	HVT_ASSERT_EQ(t.chan.txbr.errors, 0);
	tv_close(&t);
	return 0;
}

static int
t_rx_exactly_full(void)
{
	uint8_t pkt[TV_SMALL], out[TV_SMALL];
	uint32_t len;
	struct tv_chan t;
	uint64_t xid;

	HVT_ASSERT(tv_open(&t, TV_SMALL, 0) == 0, "setup");
	/* 2040 + 8 and 2032 + 8: 4088 bytes, 8 left free. */
	len = tv_make_inband(pkt, 2040 - 16, 1, 1);
	HVT_ASSERT(host_put(&t, pkt, len) == 0, "put 1");
	len = tv_make_inband(pkt, 2032 - 16, 2, 2);
	HVT_ASSERT(host_put(&t, pkt, len) == 0, "put 2");
	HVT_ASSERT_EQ(tv_hdr(t.rx)->windex, 4088);

	len = sizeof(out);
	HVT_ASSERT_EQ(rte_vmbus_chan_recv(&t.chan, out, &len, &xid), 0);
	HVT_ASSERT(len == 2024 && xid == 1 && tv_pattern_ok(out, 2024, 1),
		  "first packet");
	len = sizeof(out);
	HVT_ASSERT_EQ(rte_vmbus_chan_recv(&t.chan, out, &len, &xid), 0);
	HVT_ASSERT(len == 2016 && xid == 2 && tv_pattern_ok(out, 2016, 2),
		  "second packet");
	HVT_ASSERT(rte_vmbus_chan_rx_empty(&t.chan), "ring not drained");
	tv_close(&t);
	return 0;
}

/* A guest packet that wraps inside its payload reaches the host intact. */
static int
t_tx_wrap_mid_packet(void)
{
	uint8_t payload[40], pkt[128];
	struct tv_chan t;
	unsigned int i;

	HVT_ASSERT(tv_open(&t, TV_SMALL, TV_SMALL - 24) == 0, "setup");
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(0x80 + i);
	HVT_ASSERT_EQ(rte_vmbus_chan_send(&t.chan, VMBUS_CHANPKT_TYPE_INBAND,
					 payload, sizeof(payload), 5, 0, NULL),
		     0);
	HVT_ASSERT_EQ(tv_hdr(t.tx)->windex, 40);
	/* host_get also checks the trailer holds the start index. */
	HVT_ASSERT_EQ(host_get(&t, pkt, sizeof(pkt)), 56);
	HVT_ASSERT(memcmp(pkt + 16, payload, sizeof(payload)) == 0,
		  "payload across the wrap");
	tv_close(&t);
	return 0;
}

/*
 * The padding of a packet is zero whatever the ring held before, with
 * the padded word before the wrap, across it, or after it.
 */
static int
t_tx_padding_zeroed(void)
{
	static const uint32_t starts[] = { 0, TV_SMALL - 16, TV_SMALL - 40 };
	uint8_t payload[21], pkt[128];
	struct tv_chan t;
	unsigned int i, k;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(0x40 + i);
	for (k = 0; k < RTE_DIM(starts); k++) {
		HVT_ASSERT(tv_open(&t, TV_SMALL, starts[k]) == 0, "setup");
		memset(t.tx + TV_HDR, 0xa5, TV_SMALL);
		HVT_ASSERT_EQ(rte_vmbus_chan_send(&t.chan,
						 VMBUS_CHANPKT_TYPE_INBAND,
						 payload, sizeof(payload), 9, 0,
						 NULL), 0);
		/* 16 + 21 bytes padded to 40; host_get checks the trailer. */
		HVT_ASSERT_EQ(host_get(&t, pkt, sizeof(pkt)), 40);
		HVT_ASSERT(memcmp(pkt + 16, payload, sizeof(payload)) == 0,
			  "payload");
		HVT_ASSERT(pkt[37] == 0 && pkt[38] == 0 && pkt[39] == 0,
			  "padding");
		tv_close(&t);
	}
	return 0;
}

/* Host packets wrapping inside the descriptor and inside the payload. */
static int
t_rx_wrap_mid_packet(void)
{
	static const uint32_t starts[] = { TV_SMALL - 8, TV_SMALL - 32,
		TV_SMALL - 64 };
	uint8_t pkt[128], out[128];
	unsigned int i;
	struct tv_chan t;
	uint32_t len;
	uint64_t xid;

	for (i = 0; i < RTE_DIM(starts); i++) {
		HVT_ASSERT(tv_open(&t, TV_SMALL, starts[i]) == 0, "setup");
		len = tv_make_inband(pkt, 45, (uint8_t)i, 100 + i);
		HVT_ASSERT(host_put(&t, pkt, len) == 0, "put");
		len = sizeof(out);
		HVT_ASSERT_EQ(rte_vmbus_chan_recv(&t.chan, out, &len, &xid), 0);
		HVT_ASSERT(len == 48 && xid == 100 + i &&
			  tv_pattern_ok(out, 45, (uint8_t)i),
			  "packet starting at %u", starts[i]);
		HVT_ASSERT_EQ(tv_hdr(t.rx)->rindex,
			     (starts[i] + 64 + 8) % TV_SMALL);
		tv_close(&t);
	}
	return 0;
}

/* A too small buffer leaves the packet in place and says what it needs. */
static int
t_partial_read(void)
{
	uint8_t pkt[256], out[256];
	struct tv_chan t;
	uint32_t len;
	uint64_t xid = 0;
	int ret;

	HVT_ASSERT(tv_open(&t, TV_SMALL, 0) == 0, "setup");
	len = tv_make_inband(pkt, 100, 9, 77);
	HVT_ASSERT(host_put(&t, pkt, len) == 0, "put");

	len = 50;
	HVT_ASSERT_EQ(rte_vmbus_chan_recv(&t.chan, out, &len, &xid), -ENOBUFS);
	HVT_ASSERT_EQ(len, 104);
	len = 50;
	HVT_ASSERT_EQ(rte_vmbus_chan_recv_raw(&t.chan, out, &len), -ENOBUFS);
	HVT_ASSERT_EQ(len, 120);
	HVT_ASSERT_EQ(tv_hdr(t.rx)->rindex, 0);
	HVT_ASSERT(!rte_vmbus_chan_rx_empty(&t.chan), "packet lost");

	len = sizeof(out);
	ret = rte_vmbus_chan_recv_raw(&t.chan, out, &len);
	HVT_ASSERT_EQ(ret, 128);
	HVT_ASSERT_EQ(len, 120);
	HVT_ASSERT(memcmp(out, pkt, 120) == 0, "raw packet with descriptor");
	HVT_ASSERT(rte_vmbus_chan_rx_empty(&t.chan), "not consumed");
	HVT_ASSERT_EQ(t.chan.rxbr.errors, 0);
	tv_close(&t);
	return 0;
}

/*
 * Each corruption of the host's index or of a descriptor fails with
 * -EIO, is counted, and leaves the read index where it was.
 */
static int
t_rx_corruption_rejected(void)
{
	enum { BAD_WINDEX, UNALIGNED, SHORT, HLEN0, HLEN1, TLEN_LT_HLEN,
	       TLEN_HUGE, TYPE0, TYPE14, NCASES };
	uint8_t pkt[64], out[64];
	struct vmbus_chanpkt_hdr *h = (void *)pkt;
	struct tv_chan t;
	uint32_t len;
	int c, rep;

	for (c = 0; c < NCASES; c++) {
		HVT_ASSERT(tv_open(&t, TV_SMALL, 0) == 0, "setup");
		len = tv_make_inband(pkt, 16, 0, 1);
		switch (c) {
		case HLEN0:
			h->hlen = 0;
			break;
		case HLEN1:
			h->hlen = 1;
			break;
		case TLEN_LT_HLEN:
			h->hlen = 4;
			h->tlen = 3;
			break;
		case TLEN_HUGE:
			h->tlen = UINT16_MAX;
			break;
		case TYPE0:
			h->type = 0;
			break;
		case TYPE14:
			h->type = 14;
			break;
		}
		HVT_ASSERT(host_put(&t, pkt, len) == 0, "put");
		if (c == BAD_WINDEX)
			tv_hdr(t.rx)->windex = TV_SMALL + 8;
		else if (c == UNALIGNED)
			tv_hdr(t.rx)->windex = 12;
		else if (c == SHORT)
			tv_hdr(t.rx)->windex = 8;

		for (rep = 1; rep <= 2; rep++) {
			len = sizeof(out);
			HVT_ASSERT_EQ(rte_vmbus_chan_recv(&t.chan, out, &len,
							 NULL), -EIO);
			len = sizeof(out);
			HVT_ASSERT_EQ(rte_vmbus_chan_recv_raw(&t.chan, out,
							     &len), -EIO);
			HVT_ASSERT_EQ(t.chan.rxbr.errors, 2 * rep);
			HVT_ASSERT_EQ(tv_hdr(t.rx)->rindex, 0);
			HVT_ASSERT_EQ(t.chan.rxbr.rindex, 0);
		}
		HVT_ASSERT(!rte_vmbus_chan_rx_empty(&t.chan),
			  "case %d: bad ring reported empty", c);
		tv_close(&t);
	}
	return 0;
}

static int
t_tx_corruption_rejected(void)
{
	struct tv_chan t;

	HVT_ASSERT(tv_open(&t, TV_SMALL, 0) == 0, "setup");
	tv_hdr(t.tx)->rindex = TV_SMALL + 4096;
	HVT_ASSERT_EQ(rte_vmbus_chan_send(&t.chan, VMBUS_CHANPKT_TYPE_INBAND,
					 NULL, 0, 1, 0, NULL), -EIO);
	tv_hdr(t.tx)->rindex = 4;
	HVT_ASSERT_EQ(rte_vmbus_chan_send(&t.chan, VMBUS_CHANPKT_TYPE_INBAND,
					 NULL, 0, 1, 0, NULL), -EIO);
	HVT_ASSERT_EQ(t.chan.txbr.errors, 2);
	HVT_ASSERT_EQ(tv_hdr(t.tx)->windex, 0);
	HVT_ASSERT(tv_untouched(&t), "signalled on error");
	tv_close(&t);

	/* Our own index must be sane when a channel is attached. */
	HVT_ASSERT(tv_open(&t, TV_SMALL, 0) == 0, "setup");
	tv_hdr(t.rx)->rindex = 13;
	HVT_ASSERT_EQ(vmbus_br_setup(&t.chan.rxbr, t.rx, TV_HDR + TV_SMALL,
				    false), -EINVAL);
	HVT_ASSERT_EQ(vmbus_br_setup(&t.chan.rxbr, t.rx, TV_HDR, false),
		     -EINVAL);
	tv_close(&t);
	return 0;
}

static int
t_send_rejects_bad_requests(void)
{
	uint8_t data[8] = { 0 };
	struct vmbus_gpa gpa[2] = {
		{ .len = 100, .ofs = 4000, .page = 1 },
		{ .len = 10, .ofs = 0, .page = 2 },
	};
	struct tv_chan t;

	HVT_ASSERT(tv_open(&t, TV_SMALL, 0) == 0, "setup");
	HVT_ASSERT_EQ(rte_vmbus_chan_send(&t.chan, VMBUS_CHANPKT_TYPE_RXBUF,
					 data, 8, 1, 0, NULL), -EINVAL);
	HVT_ASSERT_EQ(rte_vmbus_chan_send(&t.chan, VMBUS_CHANPKT_TYPE_INBAND,
					 data, 8, 1, 2, NULL), -EINVAL);
	HVT_ASSERT_EQ(rte_vmbus_chan_send(&t.chan, VMBUS_CHANPKT_TYPE_INBAND,
					 data, UINT32_MAX - 4, 1, 0, NULL),
		     -EINVAL);
	HVT_ASSERT_EQ(rte_vmbus_chan_send(&t.chan, VMBUS_CHANPKT_TYPE_INBAND,
					 NULL, 8, 1, 0, NULL), -EINVAL);
	/* Page piece crossing its page. */
	HVT_ASSERT_EQ(rte_vmbus_chan_send_sglist(&t.chan, gpa, 2, data, 8, 1,
						NULL), -EINVAL);
	HVT_ASSERT_EQ(rte_vmbus_chan_send_sglist(&t.chan, gpa, 0, data, 8, 1,
						NULL), -EINVAL);
	HVT_ASSERT_EQ(tv_hdr(t.tx)->windex, 0);
	tv_close(&t);
	return 0;
}

static int
t_sglist_framing(void)
{
	struct vmbus_gpa gpa[2] = {
		{ .len = 96, .ofs = 4000, .page = 0x12345 },
		{ .len = 4096, .ofs = 0, .page = 0x12346 },
	};
	uint8_t nvsp[16], pkt[256];
	struct vmbus_chanpkt_sglist *h = (void *)pkt;
	struct tv_chan t;
	bool sig = false;

	memset(nvsp, 0x5a, sizeof(nvsp));
	HVT_ASSERT(tv_open(&t, TV_SMALL, 0) == 0, "setup");
	HVT_ASSERT_EQ(rte_vmbus_chan_send_sglist(&t.chan, gpa, 2, nvsp,
						sizeof(nvsp), 0xabc, &sig), 0);
	HVT_ASSERT(sig, "first packet on an idle ring needs a signal");
	HVT_ASSERT_EQ(host_get(&t, pkt, sizeof(pkt)), 72);
	HVT_ASSERT_EQ(h->hdr.type, VMBUS_CHANPKT_TYPE_GPA);
	HVT_ASSERT_EQ(h->hdr.flags, VMBUS_CHANPKT_FLAG_RC);
	HVT_ASSERT_EQ(h->hdr.hlen, 7);
	HVT_ASSERT_EQ(h->hdr.tlen, 9);
	HVT_ASSERT_EQ(h->hdr.xactid, 0xabc);
	HVT_ASSERT_EQ(h->gpa_cnt, 2);
	HVT_ASSERT(memcmp(h->gpa, gpa, sizeof(gpa)) == 0, "page list");
	HVT_ASSERT(memcmp(pkt + 56, nvsp, sizeof(nvsp)) == 0, "payload");
	tv_close(&t);
	return 0;
}

static int
t_tx_signal_decision(void)
{
	/* imask, host read index, write index before the packet -> signal */
	static const struct {
		uint32_t imask, hidx, old;
		bool sig;
	} cases[] = {
		{ 0, 64, 64, true },	/* host idle: caught up */
		{ 0, 0, 64, false },	/* host still has data to read */
		{ 1, 64, 64, false },	/* host asked not to be signalled */
		{ 1, 0, 64, false },
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(cases); i++)
		HVT_ASSERT(vmbus_txbr_need_signal(cases[i].imask, cases[i].hidx,
						 cases[i].old) == cases[i].sig,
			  "case %u", i);
	return 0;
}

static int
t_send_signals_only_idle_host(void)
{
	uint8_t pkt[64];
	struct tv_chan t;

	HVT_ASSERT(tv_open(&t, TV_SMALL, 0) == 0, "setup");
	HVT_ASSERT_EQ(rte_vmbus_chan_send(&t.chan, VMBUS_CHANPKT_TYPE_INBAND,
					 NULL, 0, 1, 0, NULL), 0);
	HVT_ASSERT(tv_signalled(&t), "idle host not signalled");
	tv_clear_signals(&t);
	/* The host has not read the first packet yet. */
	HVT_ASSERT_EQ(rte_vmbus_chan_send(&t.chan, VMBUS_CHANPKT_TYPE_INBAND,
					 NULL, 0, 2, 0, NULL), 0);
	HVT_ASSERT(tv_untouched(&t), "busy host signalled");
	HVT_ASSERT_EQ(host_get(&t, pkt, sizeof(pkt)), 16);
	HVT_ASSERT_EQ(host_get(&t, pkt, sizeof(pkt)), 16);
	/* Idle again, but masked. */
	tv_hdr(t.tx)->imask = 1;
	HVT_ASSERT_EQ(rte_vmbus_chan_send(&t.chan, VMBUS_CHANPKT_TYPE_INBAND,
					 NULL, 0, 3, 0, NULL), 0);
	HVT_ASSERT(tv_untouched(&t), "masked host signalled");
	tv_close(&t);
	return 0;
}

/* Many packets, one signal: the caller collects need_sig. */
static int
t_batched_send_one_signal(void)
{
	uint8_t data[100];
	struct tv_chan t;
	bool sig = false;
	int i;

	memset(data, 1, sizeof(data));
	HVT_ASSERT(tv_open(&t, TV_SMALL, 0) == 0, "setup");
	for (i = 0; i < 16; i++)
		HVT_ASSERT_EQ(rte_vmbus_chan_send(&t.chan,
						 VMBUS_CHANPKT_TYPE_INBAND,
						 data, sizeof(data), i, 0,
						 &sig), 0);
	HVT_ASSERT(sig, "batch on an idle ring must ask for a signal");
	HVT_ASSERT(tv_untouched(&t), "signalled inside the batch");
	rte_vmbus_chan_signal_tx(&t.chan);
	HVT_ASSERT(tv_signalled(&t), "no signal after the batch");

	tv_clear_signals(&t);
	tv_hdr(t.tx)->imask = 1;
	rte_vmbus_chan_signal_tx(&t.chan);
	HVT_ASSERT(tv_untouched(&t), "signal_tx ignored imask");
	tv_close(&t);
	return 0;
}

static int
t_rx_signal_decision(void)
{
	/* pending_sz, free bytes now, bytes just read -> signal */
	static const struct {
		uint32_t pending, avail, read;
		bool sig;
	} cases[] = {
		{ 0, 4000, 100, false },	/* host not waiting */
		{ 1000, 1100, 200, true },	/* 900 -> 1100 crosses 1000 */
		{ 1000, 1000, 200, false },	/* exactly pending: not > */
		{ 1000, 1300, 200, false },	/* had 1100 already */
		{ 1000, 1200, 200, true },	/* had exactly 1000 */
		{ 1000, 500, 200, false },	/* still short */
		{ 1000, 1100, 5000, true },	/* bogus count: signal */
	};
	unsigned int i;

	for (i = 0; i < RTE_DIM(cases); i++)
		HVT_ASSERT(vmbus_rxbr_need_signal(cases[i].pending,
						 cases[i].avail,
						 cases[i].read) == cases[i].sig,
			  "case %u", i);
	return 0;
}

/* A host blocked on pending_send_sz is woken when a read makes room. */
static int
t_read_wakes_blocked_host(void)
{
	uint8_t pkt[TV_SMALL], out[TV_SMALL];
	struct vmbus_bufring *h;
	struct tv_chan t;
	uint32_t len;

	HVT_ASSERT(tv_open(&t, TV_SMALL, 0) == 0, "setup");
	h = tv_hdr(t.rx);
	len = tv_make_inband(pkt, 3000, 0, 1);	/* 3016 + 8 used */
	HVT_ASSERT(host_put(&t, pkt, len) == 0, "put");
	h->pending_send = 2000;	/* host wants 2000 free, has 1072 */

	/* Without the feature bit the host is never signalled. */
	len = sizeof(out);
	HVT_ASSERT_EQ(rte_vmbus_chan_recv(&t.chan, out, &len, NULL), 0);
	HVT_ASSERT(tv_untouched(&t), "signalled without feat_pending_send_sz");

	len = tv_make_inband(pkt, 3000, 0, 2);
	HVT_ASSERT(host_put(&t, pkt, len) == 0, "put");
	h->feature_bits.value = 1;
	len = sizeof(out);
	HVT_ASSERT_EQ(rte_vmbus_chan_recv(&t.chan, out, &len, NULL), 0);
	HVT_ASSERT(tv_signalled(&t), "blocked host not woken");
	tv_close(&t);
	return 0;
}

static int
t_monitor_and_interrupt_bits(void)
{
	static const uint8_t monids[] = { 0, 31, 32, 127 };
	struct tv_chan t;
	unsigned int i;

	HVT_ASSERT(tv_open(&t, TV_SMALL, 0) == 0, "setup");
	for (i = 0; i < RTE_DIM(monids); i++) {
		tv_clear_signals(&t);
		vmbus_signal_host(t.int_send, &t.mon, 16383, monids[i]);
		HVT_ASSERT_EQ(t.mon.trigs[monids[i] / 32].pending,
			     1u << (monids[i] % 32));
		HVT_ASSERT_EQ(t.int_send[511], 1u << 31);
	}
	/* Out of range ids touch nothing (ASan checks the writes). */
	tv_clear_signals(&t);
	vmbus_signal_host(t.int_send, &t.mon, 16384, 128);
	HVT_ASSERT(tv_untouched(&t), "out of range ids wrote somewhere");
	tv_close(&t);
	return 0;
}

/*
 * A channel without a monitor slot is signalled by writing 1 to its
 * device's uio fd (a pipe here); neither page is touched.
 */
static int
t_signal_without_monitor(void)
{
	struct vmbus_device_priv *priv = calloc(1, sizeof(*priv));
	int32_t val = 0;
	struct tv_chan t;
	int fds[2];

	HVT_ASSERT(priv != NULL && pipe(fds) == 0, "setup");
	HVT_ASSERT(tv_open(&t, TV_SMALL, 0) == 0, "setup");
	priv->dev.intr_handle =
		rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	HVT_ASSERT(priv->dev.intr_handle != NULL &&
		  rte_intr_fd_set(priv->dev.intr_handle, fds[1]) == 0,
		  "intr handle");
	priv->dev.device_id[0] = 0x42;
	priv->dev.device.name = "no-monitor";
	TAILQ_INSERT_TAIL(&vmbus_bus.device_list, &priv->dev, next);
	t.chan.monitor_id = VMBUS_NO_MONITOR;
	rte_uuid_copy(t.chan.device_id, priv->dev.device_id);

	HVT_ASSERT_EQ(rte_vmbus_chan_send(&t.chan, VMBUS_CHANPKT_TYPE_INBAND,
					 NULL, 0, 1, 0, NULL), 0);
	HVT_ASSERT_EQ(read(fds[0], &val, sizeof(val)), 4);
	HVT_ASSERT_EQ(val, 1);
	HVT_ASSERT(tv_untouched(&t), "monitor or interrupt page written");
	rte_vmbus_set_latency(&t.dev, &t.chan, 50000);
	HVT_ASSERT(tv_untouched(&t), "latency set without a monitor slot");

	TAILQ_REMOVE(&vmbus_bus.device_list, &priv->dev, next);
	rte_intr_instance_free(priv->dev.intr_handle);
	free(priv);
	close(fds[0]);
	close(fds[1]);
	tv_close(&t);
	return 0;
}

static int
t_set_latency(void)
{
	struct tv_chan t;

	HVT_ASSERT(tv_open(&t, TV_SMALL, 0) == 0, "setup");
	rte_vmbus_set_latency(&t.dev, &t.chan, 50000);
	HVT_ASSERT_EQ(t.mon.lat[TV_MONID / 32][TV_MONID % 32], 500);
	rte_vmbus_set_latency(&t.dev, &t.chan, 7000000);
	HVT_ASSERT_EQ(t.mon.lat[TV_MONID / 32][TV_MONID % 32], 500);
	tv_close(&t);
	return 0;
}

/* Random sizes through both rings, many wraps, every byte checked. */
static int
t_many_wraps(void)
{
	uint8_t data[600], pkt[700], out[700];
	uint32_t rnd = 12345, plen, len;
	struct tv_chan t;
	uint64_t xid;
	int i;

	HVT_ASSERT(tv_open(&t, TV_SMALL, 0) == 0, "setup");
	for (i = 0; i < 5000; i++) {
		rnd = rnd * 1103515245 + 12345;
		plen = (rnd >> 8) % sizeof(data);
		memset(data, (uint8_t)i, plen);
		HVT_ASSERT_EQ(rte_vmbus_chan_send(&t.chan,
						 VMBUS_CHANPKT_TYPE_INBAND,
						 data, plen, i, 0, NULL), 0);
		len = host_get(&t, pkt, sizeof(pkt));
		HVT_ASSERT_EQ(len, RTE_ALIGN_CEIL(16 + plen, 8));
		HVT_ASSERT(plen == 0 || (pkt[16] == (uint8_t)i &&
					pkt[16 + plen - 1] == (uint8_t)i),
			  "tx %d", i);

		len = tv_make_inband(pkt, plen, (uint8_t)i, i);
		HVT_ASSERT(host_put(&t, pkt, len) == 0, "put %d", i);
		len = sizeof(out);
		HVT_ASSERT_EQ(rte_vmbus_chan_recv(&t.chan, out, &len, &xid), 0);
		HVT_ASSERT(xid == (uint64_t)i && tv_pattern_ok(out, plen,
							      (uint8_t)i),
			  "rx %d", i);
	}
	HVT_ASSERT(t.chan.txbr.errors == 0 && t.chan.rxbr.errors == 0,
		  "errors counted");
	tv_close(&t);
	return 0;
}

/* Write a descriptor at data offset pos, wrapping, tlen in [hlen, max]. */
static void
tv_put_desc(struct tv_chan *t, uint32_t pos, uint16_t hlen, uint32_t max,
	    uint32_t rnd)
{
	struct vmbus_chanpkt_hdr h = {
		.type = VMBUS_CHANPKT_TYPE_INBAND,
		.hlen = hlen,
		.tlen = hlen + (max > hlen ? rnd % (max - hlen + 1) : 0),
		.xactid = rnd,
	};
	unsigned int i;

	if (max < hlen)
		h.tlen = max;
	for (i = 0; i < sizeof(h); i++)
		t->rx[TV_HDR + (pos + i) % TV_SMALL] = ((uint8_t *)&h)[i];
}

/*
 * A host writing random bytes and random indices: every receive either
 * fails cleanly or returns a packet that lies within what the host
 * published; AddressSanitizer checks that nothing is read outside the
 * ring or written outside the caller's buffer.
 */
static int
t_random_host(void)
{
	uint32_t rnd = 0xc0ffee, i, k, len, room, widx, ridx, avail;
	static uint8_t out[TV_SMALL];
	struct tv_chan t;
	uint64_t xid;
	int ret, ok = 0, bad = 0;

	HVT_ASSERT(tv_open(&t, TV_SMALL, 0) == 0, "setup");
	for (i = 0; i < 20000; i++) {
		for (k = 0; k < 64; k++) {
			rnd = rnd * 1103515245 + 12345;
			t.rx[TV_HDR + (rnd >> 8) % TV_SMALL] = (uint8_t)(rnd >> 16);
		}
		rnd = rnd * 1103515245 + 12345;
		/* Mostly sane, aligned indices; sometimes anything. */
		widx = (rnd >> 4) % 16 == 0 ? rnd : ((rnd >> 8) % TV_SMALL) & ~7u;
		ridx = t.chan.rxbr.rindex;
		tv_hdr(t.rx)->windex = widx;
		avail = widx >= ridx ? widx - ridx : TV_SMALL - ridx + widx;
		/* Half the time, a well-formed descriptor that fits. */
		if (((rnd >> 2) & 1) && widx < TV_SMALL && avail >= 24)
			tv_put_desc(&t, ridx, 2 + (rnd >> 24) % 2,
				    (avail - 8) / 8, rnd);
		room = (rnd >> 20) % sizeof(out);
		len = room;
		if ((rnd >> 3) & 1)
			ret = rte_vmbus_chan_recv_raw(&t.chan, out, &len);
		else
			ret = rte_vmbus_chan_recv(&t.chan, out, &len, &xid);
		HVT_ASSERT(ret == -EAGAIN || ret == -EIO || ret == -ENOBUFS ||
			  ret >= 0, "unexpected %d", ret);
		if (ret == -EIO) {
			bad++;
			HVT_ASSERT_EQ(t.chan.rxbr.rindex, ridx);
		} else if (ret >= 0) {
			ok++;
			HVT_ASSERT(len <= room && len + 8 <= avail,
				  "packet of %u past %u published bytes", len,
				  avail);
		}
	}
	printf("    random host: %d packets taken, %d rejected\n", ok, bad);
	HVT_ASSERT(ok > 0 && bad > 0, "fuzzing reached only one outcome");
	tv_close(&t);
	return 0;
}

/* Several senders on one ring: every packet arrives whole, in order. */
#define TV_SENDERS 2
#define TV_PER_SENDER 3000

struct tv_sender {
	struct tv_chan *t;
	uint8_t id;
};

static void *
tv_sender_main(void *arg)
{
	struct tv_sender *s = arg;
	uint32_t seq, data[4];
	int ret;

	for (seq = 0; seq < TV_PER_SENDER; seq++) {
		data[0] = s->id;
		data[1] = seq;
		data[2] = ~seq;
		data[3] = s->id * 7u + seq;
		do {
			ret = rte_vmbus_chan_send(&s->t->chan,
						  VMBUS_CHANPKT_TYPE_INBAND,
						  data, sizeof(data), seq, 0,
						  NULL);
			if (ret == -EAGAIN)
				sched_yield();
		} while (ret == -EAGAIN);
		if (ret != 0)
			return (void *)1;
	}
	return NULL;
}

static int
t_concurrent_senders(void)
{
	struct tv_sender s[TV_SENDERS];
	pthread_t th[TV_SENDERS];
	uint32_t next[TV_SENDERS] = { 0 }, got = 0, *d;
	uint8_t pkt[64];
	struct tv_chan t;
	void *res;
	int i, len;

	HVT_ASSERT(tv_open(&t, TV_SMALL, 0) == 0, "setup");
	for (i = 0; i < TV_SENDERS; i++) {
		s[i].t = &t;
		s[i].id = i;
		HVT_ASSERT(pthread_create(&th[i], NULL, tv_sender_main,
					 &s[i]) == 0, "thread");
	}
	while (got < TV_SENDERS * TV_PER_SENDER) {
		len = host_get(&t, pkt, sizeof(pkt));
		HVT_ASSERT(len == 0 || len == 32, "framing broken: %d", len);
		if (len == 0) {
			/* Two shared cores: let a preempted sender finish. */
			sched_yield();
			continue;
		}
		d = (uint32_t *)(pkt + 16);
		HVT_ASSERT(d[0] < TV_SENDERS && d[1] == next[d[0]] &&
			  d[2] == ~d[1] && d[3] == d[0] * 7u + d[1],
			  "packet %u from sender %u garbled or out of order",
			  d[1], d[0]);
		next[d[0]]++;
		got++;
	}
	for (i = 0; i < TV_SENDERS; i++) {
		pthread_join(th[i], &res);
		HVT_ASSERT(res == NULL, "sender %d failed", i);
	}
	tv_close(&t);
	return 0;
}

void
test_vmbus_ring(struct hvt_run *r)
{
	static const struct hvt_test cases[] = {
		{ "empty_ring", t_empty_ring },
		{ "inband_roundtrip", t_inband_roundtrip },
		{ "tx_exactly_full", t_tx_exactly_full },
		{ "rx_exactly_full", t_rx_exactly_full },
		{ "tx_wrap_mid_packet", t_tx_wrap_mid_packet },
		{ "tx_padding_zeroed", t_tx_padding_zeroed },
		{ "rx_wrap_mid_packet", t_rx_wrap_mid_packet },
		{ "partial_read", t_partial_read },
		{ "rx_corruption_rejected", t_rx_corruption_rejected },
		{ "tx_corruption_rejected", t_tx_corruption_rejected },
		{ "send_rejects_bad_requests", t_send_rejects_bad_requests },
		{ "sglist_framing", t_sglist_framing },
		{ "tx_signal_decision", t_tx_signal_decision },
		{ "send_signals_only_idle_host", t_send_signals_only_idle_host },
		{ "batched_send_one_signal", t_batched_send_one_signal },
		{ "rx_signal_decision", t_rx_signal_decision },
		{ "read_wakes_blocked_host", t_read_wakes_blocked_host },
		{ "monitor_and_interrupt_bits", t_monitor_and_interrupt_bits },
		{ "signal_without_monitor", t_signal_without_monitor },
		{ "set_latency", t_set_latency },
		{ "many_wraps", t_many_wraps },
		{ "random_host", t_random_host },
		{ "concurrent_senders", t_concurrent_senders },
	};

	hvt_table(r, "ring", cases, RTE_DIM(cases));
}
