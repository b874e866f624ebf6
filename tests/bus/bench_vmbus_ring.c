/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Guest-side cost of the channel ring, without a host: packets of the
 * netvsc data path shape (GPA page list of 2 entries + 16-byte NVSP
 * message) sent in batches with one signal each, and 64-byte inband
 * packets received with recv_raw.  The "host" consumes or produces by
 * moving its index only, so the figures are the bus's own.
 *
 * Usage: bench-vmbus-ring [packets]   (not a test: prints figures)
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vmbus_private.h"

#define BR_DATA (1u << 20)	/* 1 MiB per direction, like small rings */
#define BR_BATCH 32
#define BR_REPS 20

static double
br_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int
br_open(struct vmbus_channel *chan, struct rte_vmbus_device *dev,
	struct vmbus_mon_page *mon, uint32_t *int_page)
{
	uint8_t *tx = calloc(1, HYPERV_PAGE_SIZE + BR_DATA);
	uint8_t *rx = calloc(1, HYPERV_PAGE_SIZE + BR_DATA);

	if (tx == NULL || rx == NULL)
		return -1;
	memset(chan, 0, sizeof(*chan));
	chan->device = dev;
	chan->monitor_page = mon;
	chan->int_page = int_page;
	chan->relid = 14;
	chan->monitor_id = 1;
	if (vmbus_br_setup(&chan->txbr, tx, HYPERV_PAGE_SIZE + BR_DATA,
			   true) != 0 ||
	    vmbus_br_setup(&chan->rxbr, rx, HYPERV_PAGE_SIZE + BR_DATA,
			   false) != 0)
		return -1;
	return 0;
}

static double
br_bench_send(struct vmbus_channel *chan, unsigned long n)
{
	struct vmbus_gpa gpa[2] = {
		{ .len = 1000, .ofs = 96, .page = 0x12345 },
		{ .len = 514, .ofs = 0, .page = 0x12346 },
	};
	uint32_t nvsp[4] = { 107, 0, UINT32_MAX, 0 };
	unsigned long sent = 0;
	double t0 = br_now();
	bool sig;
	int i;

	while (sent < n) {
		sig = false;
		for (i = 0; i < BR_BATCH; i++) {
			if (rte_vmbus_chan_send_sglist(chan, gpa, 2, nvsp,
						       sizeof(nvsp), sent,
						       &sig) != 0)
				break;
			sent++;
		}
		if (sig)
			rte_vmbus_chan_signal_tx(chan);
		/* Host: took everything. */
		chan->txbr.vbr->rindex = chan->txbr.vbr->windex;
	}
	return (br_now() - t0) / n;
}

static double
br_bench_recv(struct vmbus_channel *chan, unsigned long n)
{
	uint8_t pkt[64] = { 0 }, out[128];
	struct vmbus_chanpkt_hdr *h = (void *)pkt;
	struct vmbus_bufring *vbr = chan->rxbr.vbr;
	uint8_t *data = chan->rxbr.data;
	uint32_t pos, len, bytes;
	unsigned long got = 0;
	uint64_t trailer;
	double t0;
	int ret;

	/* A ring image of packets the host wrote once. */
	h->type = VMBUS_CHANPKT_TYPE_INBAND;
	h->hlen = 2;
	h->tlen = sizeof(pkt) / 8;
	for (pos = 0; pos + sizeof(pkt) + 8 < BR_DATA - 72; pos += 72) {
		memcpy(data + pos, pkt, sizeof(pkt));
		trailer = (uint64_t)pos << 32;
		memcpy(data + pos + sizeof(pkt), &trailer, 8);
	}
	t0 = br_now();
	while (got < n) {
		/* Host: published the whole image again. */
		vbr->rindex = 0;
		chan->rxbr.rindex = 0;
		vbr->windex = pos;
		bytes = 0;
		do {
			len = sizeof(out);
			ret = rte_vmbus_chan_recv_raw(chan, out, &len);
			if (ret > 0) {
				bytes += ret;
				got++;
			}
			if ((got % BR_BATCH) == 0 || ret <= 0) {
				rte_vmbus_chan_signal_read(chan, bytes);
				bytes = 0;
			}
		} while (ret > 0 && got < n);
		if (ret < 0 && ret != -EAGAIN)
			return -1;
	}
	return (br_now() - t0) / n;
}

int
main(int argc, char **argv)
{
	unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 0) : 20000000;
	static struct vmbus_mon_page mon;
	static uint32_t int_page[512];
	struct rte_vmbus_device dev;
	struct vmbus_channel chan;
	double tx, rx;

	double t;
	int rep;

	memset(&dev, 0, sizeof(dev));
	if (br_open(&chan, &dev, &mon, int_page) != 0)
		return 1;
	/* Best of BR_REPS runs: the machine is shared, preemption is noise. */
	tx = rx = 1;
	for (rep = 0; rep < BR_REPS; rep++) {
		t = br_bench_send(&chan, n / BR_REPS);
		tx = RTE_MIN(tx, t);
		t = br_bench_recv(&chan, n / BR_REPS);
		if (t < 0)
			return 1;
		rx = RTE_MIN(rx, t);
	}
	printf("send_sglist (2 pages + 16 B, batches of %d): %.1f ns/packet, %.1f Mpps\n",
	       BR_BATCH, tx * 1e9, 1e-6 / tx);
	printf("recv_raw (64 B inband): %.1f ns/packet, %.1f Mpps\n",
	       rx * 1e9, 1e-6 / rx);
	return 0;
}
