/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hvh_bench.h"
#include "hvh_fake_guest.h"

#define HVH_BENCH_AGG_MAX 8	/* frames per send section, as OpenVMM */
#define HVH_BENCH_INFLIGHT 64	/* ring packets outstanding */

/* Fill a send section with agg PACKET_MSGs of size-byte frames. */
static uint32_t
hvh_bench_section(uint8_t *sect, unsigned int size, unsigned int agg)
{
	uint32_t off = 0, len = (44 + size + 7) & ~7u;
	unsigned int i;

	for (i = 0; i < agg; i++) {
		struct hvh_rndis_pkt h = {
			.type = HVH_RNDIS_PACKET, .len = len,
			.data_off = 36, .data_len = size,
		};

		memcpy(sect + off, &h, sizeof(h));
		memset(sect + off + 44, 0, size);
		/* A unicast frame to nowhere: the sink does not care. */
		sect[off + 44] = 0x02;
		sect[off + 44 + 12] = 0x08;
		off += len;
	}
	return off;
}

static int
hvh_bench_sink(struct hvh_fake_guest *g, uint64_t frames, unsigned int size)
{
	uint32_t nsect = HVH_TXBUF_SIZE / g->tx_sect_size, used = 0, s;
	uint64_t inflight = 0, sent = 0, done = 0;
	/* Aggregate as a guest does: as many as fit a section, at most 8. */
	unsigned int agg = g->tx_sect_size / ((44 + size + 7) & ~7u);
	struct hvh_nvsp_rndis nv = {
		.type = HVH_NVSP_SEND_RNDIS_PKT, .channel_type = 0,
	};

	if (agg > HVH_BENCH_AGG_MAX)
		agg = HVH_BENCH_AGG_MAX;
	if (nsect > 1024)
		nsect = 1024;
	for (s = 0; s < nsect; s++)
		used = hvh_bench_section(g->txbuf + (size_t)s * g->tx_sect_size,
					 size, agg);
	nv.section_size = used;
	s = 0;
	while (done < frames) {
		int n;

		while (inflight < HVH_BENCH_INFLIGHT && sent < frames) {
			nv.section_index = s;
			if (hvh_fg_send(g, HVH_PKT_INBAND, HVH_PKT_FLAG_RC, s,
					&nv, sizeof(nv)))
				break;
			s = (s + 1) % nsect;
			inflight++;
			sent += agg;
		}
		hvh_nic_poll(g->nic);
		while ((n = hvh_fg_recv(g)) > 0) {
			inflight--;
			done += agg;
		}
		if (n < 0)
			return -EPROTO;
	}
	return 0;
}

static int
hvh_bench_source(struct hvh_fake_guest *g, uint64_t frames)
{
	uint32_t comp[10] = { HVH_NVSP_SEND_RNDIS_PKT_COMPLETE,
			      HVH_NVSP_STAT_SUCCESS };
	const struct hvh_xfer_hdr *x = (const void *)g->pkt;
	uint64_t got = 0;
	int n;

	while (got < frames) {
		hvh_nic_poll(g->nic);
		while ((n = hvh_fg_recv(g)) > 0) {
			if (x->d.type != HVH_PKT_XFER_PAGES)
				continue;
			got += x->range_cnt;
			if (hvh_fg_send(g, HVH_PKT_COMP, 0, x->d.trans_id, comp,
					sizeof(comp)))
				return -EAGAIN;
		}
		if (n < 0)
			return -EPROTO;
	}
	return 0;
}

/* CPU time of this thread: on a shared box wall time measures the load. */
static uint64_t
hvh_bench_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int
hvh_bench_run(struct hvh_nic_conf *conf, const char *mode, uint64_t frames,
	      unsigned int size)
{
	struct hvh_fake_guest g;
	struct hvh_chan_stats st;
	struct hvh_nic_stats ns;
	uint64_t t0, t1, c0, c1, n;
	double secs, cpu;
	int ret, sink;

	sink = strcmp(mode, "sink") == 0;
	if (!sink && strcmp(mode, "source") != 0) {
		fprintf(stderr, "hv-host: --bench sink or source\n");
		return 2;
	}
	if (sink)
		snprintf(conf->backend, sizeof(conf->backend), "sink");
	else
		snprintf(conf->backend, sizeof(conf->backend), "source:%u:256",
			 size);
	snprintf(conf->surface.root, sizeof(conf->surface.root),
		 "/dev/shm/hv-host-bench-%d", (int)getpid());
	conf->surface.primary_monitor_id = 1;
	ret = hvh_fg_open(&g, conf);
	if (ret == 0)
		ret = hvh_fg_bringup(&g, HVH_NVSP_V61);
	if (ret) {
		fprintf(stderr, "hv-host: bench set-up failed: %s\n",
			strerror(-ret));
		hvh_fg_close(&g);
		return 1;
	}
	t0 = hvh_now_ns();
	c0 = hvh_bench_cpu_ns();
	ret = sink ? hvh_bench_sink(&g, frames, size) :
		hvh_bench_source(&g, frames);
	c1 = hvh_bench_cpu_ns();
	t1 = hvh_now_ns();
	hvh_nic_chan_stats(g.nic, 0, &st);
	hvh_nic_stats(g.nic, &ns);
	n = sink ? st.tx_frames : st.rx_frames;
	secs = (t1 - t0) / 1e9;
	cpu = (c1 - c0) / 1e9;
	printf("bench %s: %" PRIu64 " frames of %u bytes: %.2f Mpps per "
	       "CPU-second (%.3f s CPU, %.3f s wall; hv-host and the fake "
	       "guest on one thread), protocol errors %" PRIu64 "\n", mode, n,
	       size, n / cpu / 1e6, cpu, secs, ns.proto_errors);
	hvh_fg_close(&g);
	return ret ? 1 : 0;
}
