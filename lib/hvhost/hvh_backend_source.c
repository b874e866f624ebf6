/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * source: an endless stream of valid Ethernet/IPv4/UDP frames towards the
 * guest's MAC, spread over FLOWS 5-tuples so RSS spreads them over the
 * channels. Every header (with its IP and UDP checksums) is built once at
 * open; per frame only a header and the shared payload are copied, so the
 * generator outruns any guest. Frames the guest sends are discarded.
 *
 * Addresses come from the benchmarking range 198.18.0.0/15 (RFC 2544):
 * flow f is 198.18.f/16 host -> 198.19.0.1, UDP port 1024 + f % 60000 ->
 * 9 (discard).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hvh_backend_private.h"

#define SRC_HDR_LEN	(HVH_ETH_HLEN + 20 + 8)
#define SRC_HDR_STRIDE	64
#define SRC_SIZE_DEF	HVH_FRAME_MIN
#define SRC_FLOWS_DEF	256
#define SRC_FLOWS_MAX	65536

static const uint8_t src_mac[6] = { 0x02, 0x68, 0x76, 0x68, 0x00, 0x01 };

struct src_backend {
	struct hvh_backend be;
	uint32_t size;		/* frame length, no FCS */
	uint32_t flows;
	uint32_t next;		/* flow of the next frame */
	uint8_t *hdrs;		/* flows x SRC_HDR_STRIDE */
	uint8_t *payload;	/* size - SRC_HDR_LEN bytes */
};

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

/* "SIZE[:FLOWS]" */
static int
src_parse(const char *args, uint32_t max_size, uint32_t *size,
	  uint32_t *flows, char *err, size_t errlen)
{
	const char *colon;
	size_t n;

	*size = SRC_SIZE_DEF;
	*flows = SRC_FLOWS_DEF;
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
	if (hvh_backend_parse_u32(colon + 1, strlen(colon + 1), 1,
				  SRC_FLOWS_MAX, flows)) {
		snprintf(err, errlen,
			 "source: FLOWS '%s' is not a number in 1..%u",
			 colon + 1, SRC_FLOWS_MAX);
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
	uint32_t size, flows, i;
	int ret;

	ret = src_parse(args, mtu + HVH_ETH_HLEN, &size, &flows, err, errlen);
	if (ret != 0)
		return ret;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		goto nomem;
	s->size = size;
	s->flows = flows;
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
	snprintf(s->be.name, sizeof(s->be.name), "source:%u:%u", size, flows);
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
