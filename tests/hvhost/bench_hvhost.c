/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Guest-less microbenchmark of hv-host's backends on one core: how many
 * frames per second source can feed (with the per-frame work the NIC
 * model adds: Toeplitz steering and an RNDIS header written in front of
 * the frame in the receive section), and how many sink and loopback can
 * take. Run by devtools/bench-hvhost.sh; a benchmark, never a test.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hvh_backend.h"
#include "hvh_toeplitz.h"

#define BURST		32
#define SECTIONS	4096	/* like a 6 MB receive buffer of 1.5 KB sections */
#define SECT_SIZE	1728
#define FRAME_OFF	128	/* room for the RNDIS header and PPIs */
#define RSS_TABLE	128

static double
clock_s(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Seconds of wall time, and of CPU time this thread got: on a shared
 * machine the second one says what a whole core would do. */
struct bench_clock {
	double wall, cpu;
};

static void
bench_start(struct bench_clock *c)
{
	c->wall = clock_s(CLOCK_MONOTONIC);
	c->cpu = clock_s(CLOCK_THREAD_CPUTIME_ID);
}

static double
bench_elapsed(const struct bench_clock *c, double *cpu)
{
	*cpu = clock_s(CLOCK_THREAD_CPUTIME_ID) - c->cpu;
	return clock_s(CLOCK_MONOTONIC) - c->wall;
}

static void
bench_print(const char *name, const char *what, uint64_t frames,
	    uint64_t bytes, double wall, double cpu, const char *note)
{
	printf("%-18s %-9s %7.2f Mpps per CPU-second (%6.2f wall, %3.0f%% CPU) %7.2f Gbit/s  %s\n",
	       name, what, (double)frames / cpu / 1e6,
	       (double)frames / wall / 1e6, 100.0 * cpu / wall,
	       (double)bytes * 8 / cpu / 1e9, note);
}

static struct hvh_backend *
open_or_die(const char *spec, uint32_t mtu)
{
	struct hvh_backend_conf conf = {
		.guest_mac = { 0x02, 0x15, 0x5d, 0x00, 0x00, 0x01 },
		.mtu = mtu,
	};
	struct hvh_backend *be;
	char err[256];

	if (hvh_backend_open(spec, &conf, &be, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench-hvhost: %s\n", err);
		exit(1);
	}
	return be;
}

/* What the NIC model writes in front of a received frame: RNDIS
 * PACKET_MSG header, checksum, hash value and hash info PPIs. */
static void
rndis_header(uint8_t *sect, uint32_t len, uint32_t hash, uint32_t type)
{
	uint32_t h[20] = {
		1, 44 + 36 + len, 36 + 36, len, 0, 0, 0, 36, 36, 0, 0,
		12, 0, 12, 0x28,
		12, 8, 12, 0,
		0,
	};

	h[18] = hash;
	h[19] = type;
	memcpy(sect + FRAME_OFF - sizeof(h), h, sizeof(h));
}

static void
bench_source(const char *spec, double secs)
{
	static uint8_t rxbuf[(size_t)SECTIONS * SECT_SIZE];
	static struct hvh_toeplitz tz;
	const uint32_t types = HVH_RSS_HASH_IPV4 | HVH_RSS_HASH_TCP_IPV4 |
		HVH_RSS_HASH_UDP_IPV4 | HVH_RSS_HASH_IPV6 |
		HVH_RSS_HASH_TCP_IPV6;
	struct hvh_backend *be = open_or_die(spec, 1500);
	struct hvh_frame f[BURST];
	uint32_t table[RSS_TABLE], per_q[4] = { 0 }, sect = 0;
	uint64_t frames = 0, bytes = 0;
	struct bench_clock c;
	double t, cpu;
	char note[128];
	unsigned int i;

	hvh_toeplitz_init(&tz, hvh_rss_key_ms);
	for (i = 0; i < RSS_TABLE; i++)
		table[i] = i % 4;
	bench_start(&c);
	do {
		for (int round = 0; round < 1024; round++) {
			uint16_t n;

			for (i = 0; i < BURST; i++) {
				f[i].data = rxbuf + (size_t)sect * SECT_SIZE +
					FRAME_OFF;
				f[i].len = SECT_SIZE - FRAME_OFF;
				sect = (sect + 1) % SECTIONS;
			}
			n = hvh_backend_rx_burst(be, f, BURST);
			for (i = 0; i < n; i++) {
				uint8_t in[HVH_RSS_INPUT_MAX];
				uint32_t type, hash = 0;
				size_t len;

				len = hvh_rss_input(f[i].data, f[i].len, types,
						    in, &type);
				if (len != 0)
					hash = hvh_toeplitz_fast(&tz, in, len);
				per_q[table[hash & (RSS_TABLE - 1)]]++;
				rndis_header((uint8_t *)f[i].data - FRAME_OFF,
					     f[i].len, hash, type);
				bytes += f[i].len;
			}
			frames += n;
		}
		t = bench_elapsed(&c, &cpu);
	} while (t < secs);
	snprintf(note, sizeof(note),
		 "(+ toeplitz, rndis header; 4 queues got %.1f/%.1f/%.1f/%.1f%%)",
		 100.0 * per_q[0] / frames, 100.0 * per_q[1] / frames,
		 100.0 * per_q[2] / frames, 100.0 * per_q[3] / frames);
	bench_print(be->name, "to guest", frames, bytes, t, cpu, note);
	hvh_backend_close(be);
}

/* Guest to wire: the NIC model hands frames that sit in the send buffer. */
static void
bench_tx(const char *spec, uint32_t size, int loop_back, double secs)
{
	static uint8_t txbuf[BURST][2048], rxbuf[BURST][2048];
	struct hvh_backend *be = open_or_die(spec, 1500);
	struct hvh_frame f[BURST], r[BURST];
	uint64_t frames = 0;
	struct bench_clock c;
	double t, cpu;
	char note[64];
	unsigned int i;

	for (i = 0; i < BURST; i++) {
		memset(txbuf[i], 0x11, sizeof(txbuf[i]));
		memset(&f[i], 0, sizeof(f[i]));
		f[i].data = txbuf[i];
		f[i].len = size;
	}
	bench_start(&c);
	do {
		for (int round = 0; round < 1024; round++) {
			frames += hvh_backend_tx_burst(be, f, BURST);
			if (!loop_back)
				continue;
			for (i = 0; i < BURST; i++) {
				r[i].data = rxbuf[i];
				r[i].len = sizeof(rxbuf[i]);
			}
			hvh_backend_rx_burst(be, r, BURST);
		}
		t = bench_elapsed(&c, &cpu);
	} while (t < secs);
	snprintf(note, sizeof(note), "(%u-byte frames%s)", size,
		 loop_back ? ", each sent and received" : "");
	bench_print(be->name, "from guest", frames, (uint64_t)frames * size,
		    t, cpu, note);
	hvh_backend_close(be);
}

int
main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0;

	if (secs <= 0) {
		fprintf(stderr, "usage: %s [SECONDS]\n", argv[0]);
		return 2;
	}
	bench_source("source:60:256", secs);
	bench_source("source:1514:256", secs);
	bench_tx("sink", 60, 0, secs);
	bench_tx("sink", 1514, 0, secs);
	bench_tx("loopback", 60, 1, secs);
	bench_tx("loopback", 1514, 1, secs);
	return 0;
}
