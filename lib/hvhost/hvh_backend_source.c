/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * source: an endless stream of valid Ethernet/IPv4/UDP frames towards the
 * guest's MAC, spread over FLOWS 5-tuples so RSS spreads them over the
 * channels. Every header (with its IP and UDP checksums) is built once at
 * open; per frame only a header and the shared payload are copied, so the
 * generator outruns any guest. Frames the guest sends are discarded.
 *
 * An optional PPS caps the rate with a token bucket on the monotonic clock
 * (a vDSO call, no syscall): a guest whose receive loop only ends on an
 * empty ring, as upstream DPDK 22.11 netvsc's does, never returns to its
 * application when the host refills faster than it drains, so scenario
 * tests of such a guest need a host that pauses as a real link would.
 *
 * Addresses come from the benchmarking range 198.18.0.0/15 (RFC 2544):
 * flow f is 198.18.f/16 host -> 198.19.0.1, UDP port 1024 + f % 60000 ->
 * 9 (discard).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hvh_backend_private.h"

#define SRC_HDR_LEN	(HVH_ETH_HLEN + 20 + 8)
#define SRC_HDR_STRIDE	64
#define SRC_SIZE_DEF	HVH_FRAME_MIN
#define SRC_FLOWS_DEF	256
#define SRC_FLOWS_MAX	65536
#define SRC_PPS_MAX	1000000000u
/* Bucket depth: 1 ms of frames, at least one burst, so a capped source
 * still hands out whole bursts.
 */
#define SRC_BUCKET_MIN	64

static const uint8_t src_mac[6] = { 0x02, 0x68, 0x76, 0x68, 0x00, 0x01 };

struct src_backend {
	struct hvh_backend be;
	uint32_t size;		/* frame length, no FCS */
	uint32_t flows;
	uint32_t next;		/* flow of the next frame */
	uint8_t *hdrs;		/* flows x SRC_HDR_STRIDE */
	uint8_t *payload;	/* size - SRC_HDR_LEN bytes */
	uint32_t pps;		/* 0: no cap */
	uint64_t tokens;	/* frames that may go now, when capped */
	uint64_t bucket;	/* most tokens that can pile up */
	uint64_t last_ns;	/* clock of the last refill */
	uint64_t frac;		/* refill remainder, in frames x 1e9 */
};

static uint64_t
src_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* How many of n frames the cap lets go now. */
static uint16_t
src_allow(struct src_backend *s, uint16_t n)
{
	uint64_t now = src_now_ns();
	uint64_t dt = now - s->last_ns;
	uint64_t add;

	/* A second refills any bucket; longer pauses would overflow. */
	if (dt > 1000000000u)
		dt = 1000000000u;
	add = dt * s->pps + s->frac;
	s->last_ns = now;
	s->frac = add % 1000000000u;
	s->tokens += add / 1000000000u;
	if (s->tokens > s->bucket)
		s->tokens = s->bucket;
	if (n > s->tokens)
		n = (uint16_t)s->tokens;
	s->tokens -= n;
	return n;
}

static inline struct src_backend *
src_of(struct hvh_backend *be)
{
	return (struct src_backend *)be;
}

static uint16_t
src_rx_burst(struct hvh_backend *be, struct hvh_frame *f, uint16_t n)
{
	struct src_backend *s = src_of(be);
	uint32_t plen = s->size - SRC_HDR_LEN;
	uint32_t flow = s->next;
	uint16_t i;

	if (s->pps != 0)
		n = src_allow(s, n);
	for (i = 0; i < n; i++) {
		uint8_t *d = f[i].data;

		if (f[i].len < s->size) {
			be->stats.rx_dropped++;
			break;
		}
		memcpy(d, s->hdrs + (size_t)flow * SRC_HDR_STRIDE, SRC_HDR_LEN);
		memcpy(d + SRC_HDR_LEN, s->payload, plen);
		f[i].len = s->size;
		f[i].flags = HVH_FRAME_F_CSUM_OK;
		f[i].vlan_tci = 0;
		f[i].gso_type = HVH_GSO_NONE;
		f[i].gso_size = 0;
		f[i].csum_start = HVH_ETH_HLEN + 20;
		f[i].csum_offset = HVH_CSUM_OFF_UDP;
		if (++flow == s->flows)
			flow = 0;
	}
	s->next = flow;
	be->stats.rx_frames += i;
	be->stats.rx_bytes += (uint64_t)i * s->size;
	return i;
}

static void
src_close(struct hvh_backend *be)
{
	struct src_backend *s = src_of(be);

	free(s->hdrs);
	free(s->payload);
	free(s);
}

static const struct hvh_backend_ops src_ops = {
	.tx_burst = hvh_backend_tx_discard,
	.rx_burst = src_rx_burst,
	.close = src_close,
};

static void
src_build_hdr(struct src_backend *s, const uint8_t *dst_mac, uint32_t flow,
	      uint64_t payload_sum)
{
	uint8_t *h = s->hdrs + (size_t)flow * SRC_HDR_STRIDE;
	uint8_t *ip = h + HVH_ETH_HLEN, *udp = ip + 20;
	uint32_t ip_len = s->size - HVH_ETH_HLEN;
	uint32_t udp_len = ip_len - 20;
	uint16_t sport = (uint16_t)(1024 + flow % 60000);
	struct hvh_frame_layout lay = {
		.l3 = HVH_ETH_HLEN, .l4 = HVH_ETH_HLEN + 20, .ip_hlen = 20, .ipv = 4,
		.proto = HVH_IPPROTO_UDP,
	};
	uint64_t sum;
	uint16_t c;

	memcpy(h, dst_mac, 6);
	memcpy(h + 6, src_mac, 6);
	h[12] = HVH_ETHERTYPE_IPV4 >> 8;
	h[13] = HVH_ETHERTYPE_IPV4 & 0xff;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(ip_len >> 8);
	ip[3] = (uint8_t)ip_len;
	ip[6] = 0x40;			/* don't fragment */
	ip[8] = 64;			/* TTL */
	ip[9] = HVH_IPPROTO_UDP;
	ip[12] = 198;
	ip[13] = 18;
	ip[14] = (uint8_t)(flow >> 8);
	ip[15] = (uint8_t)flow;
	ip[16] = 198;
	ip[17] = 19;
	ip[18] = 0;
	ip[19] = 1;
	hvh_ipv4_csum_set(h, &lay);
	udp[0] = (uint8_t)(sport >> 8);
	udp[1] = (uint8_t)sport;
	udp[2] = 0;
	udp[3] = 9;
	udp[4] = (uint8_t)(udp_len >> 8);
	udp[5] = (uint8_t)udp_len;
	udp[6] = 0;
	udp[7] = 0;
	sum = hvh_csum_pseudo(h, &lay, udp_len);
	sum = hvh_csum_add(sum, udp, 8) + payload_sum;
	c = (uint16_t)~hvh_csum_fold(sum);
	if (c == 0)
		c = 0xffff;
	memcpy(udp + 6, &c, 2);
}

/* "SIZE[:FLOWS[:PPS]]" */
static int
src_parse(const char *args, uint32_t max_size, uint32_t *size,
	  uint32_t *flows, uint32_t *pps, char *err, size_t errlen)
{
	const char *colon, *colon2;
	size_t n;

	*size = SRC_SIZE_DEF;
	*flows = SRC_FLOWS_DEF;
	*pps = 0;
	if (args == NULL)
		return 0;
	colon = strchr(args, ':');
	n = colon != NULL ? (size_t)(colon - args) : strlen(args);
	if (hvh_backend_parse_u32(args, n, HVH_FRAME_MIN, max_size, size)) {
		snprintf(err, errlen,
			 "source: SIZE '%.*s' is not a frame length in %u..%u (bytes without FCS; the maximum follows the MTU)",
			 (int)n, args, HVH_FRAME_MIN, max_size);
		return -EINVAL;
	}
	if (colon == NULL)
		return 0;
	colon2 = strchr(colon + 1, ':');
	n = colon2 != NULL ? (size_t)(colon2 - colon - 1) : strlen(colon + 1);
	if (hvh_backend_parse_u32(colon + 1, n, 1, SRC_FLOWS_MAX, flows)) {
		snprintf(err, errlen,
			 "source: FLOWS '%.*s' is not a number in 1..%u",
			 (int)n, colon + 1, SRC_FLOWS_MAX);
		return -EINVAL;
	}
	if (colon2 == NULL)
		return 0;
	if (hvh_backend_parse_u32(colon2 + 1, strlen(colon2 + 1), 1,
				  SRC_PPS_MAX, pps)) {
		snprintf(err, errlen,
			 "source: PPS '%s' is not a frame rate in 1..%u",
			 colon2 + 1, SRC_PPS_MAX);
		return -EINVAL;
	}
	return 0;
}

int
hvh_backend_source_open(const char *args, const struct hvh_backend_conf *conf,
			struct hvh_backend **out, char *err, size_t errlen)
{
	uint32_t mtu = conf->mtu != 0 ? conf->mtu : 1500;
	uint64_t payload_sum;
	struct src_backend *s;
	uint32_t size, flows, pps, i;
	int ret;

	ret = src_parse(args, mtu + HVH_ETH_HLEN, &size, &flows, &pps, err,
			errlen);
	if (ret != 0)
		return ret;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		goto nomem;
	s->size = size;
	s->flows = flows;
	s->pps = pps;
	s->bucket = pps / 1000 > SRC_BUCKET_MIN ? pps / 1000 : SRC_BUCKET_MIN;
	s->last_ns = src_now_ns();
	s->hdrs = aligned_alloc(SRC_HDR_STRIDE,
				(size_t)flows * SRC_HDR_STRIDE);
	s->payload = malloc(size - SRC_HDR_LEN + 1);
	if (s->hdrs == NULL || s->payload == NULL)
		goto nomem;
	for (i = 0; i < size - SRC_HDR_LEN; i++)
		s->payload[i] = (uint8_t)i;
	payload_sum = hvh_csum_add(0, s->payload, size - SRC_HDR_LEN);
	for (i = 0; i < flows; i++)
		src_build_hdr(s, conf->guest_mac, i, payload_sum);
	s->be.ops = &src_ops;
	s->be.caps = HVH_BACKEND_C_RX_ALWAYS;
	s->be.rx_fd = -1;
	if (pps != 0)
		snprintf(s->be.name, sizeof(s->be.name), "source:%u:%u:%u",
			 size, flows, pps);
	else
		snprintf(s->be.name, sizeof(s->be.name), "source:%u:%u",
			 size, flows);
	*out = &s->be;
	return 0;
nomem:
	if (s != NULL) {
		free(s->hdrs);
		free(s->payload);
		free(s);
	}
	snprintf(err, errlen, "source: out of memory for %u flows", flows);
	return -ENOMEM;
}
