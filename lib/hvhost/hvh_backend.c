/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Backend registry and the frame handling every backend shares: checking
 * offload metadata, checksums and TCP segmentation as a Hyper-V switch
 * performs them before a frame reaches the wire or another port.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hvh_backend_private.h"

struct backend_kind {
	const char *kind;
	int (*open)(const char *args, const struct hvh_backend_conf *conf,
		    struct hvh_backend **out, char *err, size_t errlen);
};

static const struct backend_kind backend_kinds[] = {
	{ "loopback", hvh_backend_loopback_open },
	{ "tap", hvh_backend_tap_open },
	{ "sink", hvh_backend_sink_open },
	{ "source", hvh_backend_source_open },
};

const char *
hvh_backend_usage(void)
{
	return "loopback | tap[:IFNAME] | sink | source[:SIZE[:FLOWS[:PPS]]]";
}

int
hvh_backend_parse_u32(const char *s, size_t n, uint32_t min, uint32_t max,
		      uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 10)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

int
hvh_backend_open(const char *spec, const struct hvh_backend_conf *conf,
		 struct hvh_backend **out, char *err, size_t errlen)
{
	const char *colon, *args;
	size_t klen, i;

	*out = NULL;
	if (spec == NULL || *spec == '\0') {
		snprintf(err, errlen, "empty backend, expected %s",
			 hvh_backend_usage());
		return -EINVAL;
	}
	colon = strchr(spec, ':');
	klen = colon != NULL ? (size_t)(colon - spec) : strlen(spec);
	args = colon != NULL ? colon + 1 : NULL;
	for (i = 0; i < sizeof(backend_kinds) / sizeof(backend_kinds[0]); i++) {
		const struct backend_kind *k = &backend_kinds[i];

		if (strlen(k->kind) == klen && memcmp(k->kind, spec, klen) == 0)
			return k->open(args, conf, out, err, errlen);
	}
	snprintf(err, errlen, "unknown backend '%.*s', expected %s",
		 (int)klen, spec, hvh_backend_usage());
	return -EINVAL;
}

void
hvh_backend_close(struct hvh_backend *be)
{
	if (be != NULL)
		be->ops->close(be);
}

int
hvh_backend_set_link(struct hvh_backend *be, int up)
{
	if (be->ops->set_link == NULL)
		return 0;
	return be->ops->set_link(be, up);
}

void
hvh_backend_bad_frame(struct hvh_backend *be, const struct hvh_frame *f)
{
	be->stats.tx_errors++;
	if (hvh_log_ratelimit(be->stats.tx_errors))
		HVH_LOG(WARNING,
			"%s: dropped a %u-byte guest frame: flags 0x%x csum %u+%u gso %u/%u do not fit its headers",
			be->name, f->len, f->flags, f->csum_start,
			f->csum_offset, f->gso_type, f->gso_size);
}

uint16_t
hvh_backend_tx_discard(struct hvh_backend *be, const struct hvh_frame *f,
		       uint16_t n)
{
	uint64_t bytes = 0;
	uint16_t i;

	for (i = 0; i < n; i++)
		bytes += f[i].len;
	be->stats.tx_frames += n;
	be->stats.tx_bytes += bytes;
	return n;
}

void
hvh_backend_stats(const struct hvh_backend *be, struct hvh_backend_stats *out)
{
	*out = be->stats;
}

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		(uint32_t)p[2] << 8 | p[3];
}

static inline void
wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

uint64_t
hvh_csum_add(uint64_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t w;
	uint16_t h;

	/* Sums of native-order words fold to the right value (RFC 1071). */
	for (; len >= 4; len -= 4, b += 4) {
		memcpy(&w, b, 4);
		sum += w;
	}
	if (len >= 2) {
		memcpy(&h, b, 2);
		sum += h;
		len -= 2;
		b += 2;
	}
	if (len) {
		h = 0;
		memcpy(&h, b, 1);
		sum += h;
	}
	return sum;
}

uint16_t
hvh_csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint64_t
hvh_csum_pseudo(const uint8_t *frame, const struct hvh_frame_layout *lay,
		uint32_t l4_len)
{
	uint8_t tail[8] = { 0 };
	uint64_t sum;

	if (lay->ipv == 4)
		sum = hvh_csum_add(0, frame + lay->l3 + 12, 8);
	else
		sum = hvh_csum_add(0, frame + lay->l3 + 8, 32);
	/* IPv6 form (length u32, zeros, next header); IPv4's 16-bit
	 * length and protocol fold to the same value. */
	wr32(tail, l4_len);
	tail[7] = lay->proto;
	return hvh_csum_add(sum, tail, sizeof(tail));
}

void
hvh_ipv4_csum_set(uint8_t *frame, const struct hvh_frame_layout *lay)
{
	uint8_t *ip = frame + lay->l3;
	uint16_t c;

	ip[10] = 0;
	ip[11] = 0;
	c = (uint16_t)~hvh_csum_fold(hvh_csum_add(0, ip, lay->ip_hlen));
	memcpy(ip + 10, &c, 2);
}

/* Compute the L4 checksum of the packet in place. */
static void
l4_csum_set(uint8_t *frame, uint32_t len, const struct hvh_frame_layout *lay)
{
	uint16_t off = lay->proto == HVH_IPPROTO_TCP ?
		HVH_CSUM_OFF_TCP : HVH_CSUM_OFF_UDP;
	uint32_t l4_len = len - lay->l4;
	uint64_t sum;
	uint16_t c;

	frame[lay->l4 + off] = 0;
	frame[lay->l4 + off + 1] = 0;
	sum = hvh_csum_pseudo(frame, lay, l4_len);
	sum = hvh_csum_add(sum, frame + lay->l4, l4_len);
	c = (uint16_t)~hvh_csum_fold(sum);
	/* UDP sends 0 as all ones: 0 means "no checksum". */
	if (c == 0 && lay->proto == HVH_IPPROTO_UDP)
		c = 0xffff;
	memcpy(frame + lay->l4 + off, &c, 2);
}

/*
 * TCP checksum of one LSO segment as the NIC behind the switch computes
 * it: the guest's seed left in the checksum field, which must be the
 * pseudo-header sum without the length (netvsc_protocol.rst, "Offloads"),
 * plus this segment's TCP length and bytes. A guest that leaves no seed gets
 * segments with wrong checksums, as it would on Hyper-V.
 */
static void
lso_csum_set(uint8_t *frame, uint32_t len, const struct hvh_frame_layout *lay)
{
	uint8_t *field = frame + lay->l4 + HVH_CSUM_OFF_TCP;
	uint32_t l4_len = len - lay->l4;
	uint8_t seg_len[2];
	uint64_t sum;
	uint16_t c;

	sum = hvh_csum_add(0, field, 2);
	field[0] = 0;
	field[1] = 0;
	wr16(seg_len, (uint16_t)l4_len);
	sum = hvh_csum_add(sum, seg_len, sizeof(seg_len));
	sum = hvh_csum_add(sum, frame + lay->l4, l4_len);
	c = (uint16_t)~hvh_csum_fold(sum);
	memcpy(field, &c, 2);
}

int
hvh_frame_layout(const struct hvh_frame *f, struct hvh_frame_layout *lay)
{
	const uint8_t *d = f->data;
	uint32_t min_l4;
	uint16_t et;
	uint8_t vihl;

	memset(lay, 0, sizeof(*lay));
	if (f->len < HVH_ETH_HLEN)
		return -EINVAL;
	lay->l3 = HVH_ETH_HLEN;
	et = rd16(d + 12);
	if (et == HVH_ETHERTYPE_VLAN) {
		if (f->len < HVH_ETH_HLEN + HVH_ETH_VLAN_HLEN)
			return -EINVAL;
		lay->l3 += HVH_ETH_VLAN_HLEN;
		et = rd16(d + 16);
	}
	if (et == HVH_ETHERTYPE_IPV4) {
		if (f->len < lay->l3 + 20u)
			return -EINVAL;
		vihl = d[lay->l3];
		if ((vihl >> 4) != 4 || (vihl & 0xf) < 5)
			return -EINVAL;
		lay->ipv = 4;
		lay->ip_hlen = (uint8_t)((vihl & 0xf) * 4);
	} else if (et == HVH_ETHERTYPE_IPV6) {
		if (f->len < lay->l3 + 40u || (d[lay->l3] >> 4) != 6)
			return -EINVAL;
		lay->ipv = 6;
		lay->ip_hlen = 40;
	} else {
		return -EINVAL;
	}
	min_l4 = (uint32_t)lay->l3 + lay->ip_hlen;
	if (min_l4 > f->len)
		return -EINVAL;
	if (!(f->flags & (HVH_FRAME_F_CSUM | HVH_FRAME_F_LSO)))
		return 0;

	if (f->flags & HVH_FRAME_F_LSO) {
		if ((f->gso_type == HVH_GSO_TCPV4 && lay->ipv != 4) ||
		    (f->gso_type == HVH_GSO_TCPV6 && lay->ipv != 6) ||
		    f->gso_type == HVH_GSO_NONE || f->gso_type > HVH_GSO_TCPV6 ||
		    f->gso_size == 0)
			return -EINVAL;
		lay->proto = HVH_IPPROTO_TCP;
	} else if (f->csum_offset == HVH_CSUM_OFF_TCP) {
		lay->proto = HVH_IPPROTO_TCP;
	} else if (f->csum_offset == HVH_CSUM_OFF_UDP) {
		lay->proto = HVH_IPPROTO_UDP;
	} else {
		return -EINVAL;
	}
	lay->l4 = f->csum_start;
	if (lay->l4 < min_l4)
		return -EINVAL;
	if (lay->proto == HVH_IPPROTO_TCP) {
		uint32_t thl;

		if ((uint32_t)lay->l4 + 20 > f->len)
			return -EINVAL;
		thl = (uint32_t)(d[lay->l4 + 12] >> 4) * 4;
		if (thl < 20 || lay->l4 + thl > f->len)
			return -EINVAL;
		lay->hdr_len = (uint16_t)(lay->l4 + thl);
	} else {
		if ((uint32_t)lay->l4 + 8 > f->len)
			return -EINVAL;
		lay->hdr_len = (uint16_t)(lay->l4 + 8);
	}
	/* IP length fields are 16 bits; a super-frame must fit them. */
	if (f->len - lay->l3 > 65535u + (lay->ipv == 6 ? 40u : 0u))
		return -EINVAL;
	return 0;
}

/* Fix the IP length field of a packet that now ends at len. */
static void
ip_len_set(uint8_t *frame, uint32_t len, const struct hvh_frame_layout *lay)
{
	if (lay->ipv == 4)
		wr16(frame + lay->l3 + 2, (uint16_t)(len - lay->l3));
	else
		wr16(frame + lay->l3 + 4, (uint16_t)(len - lay->l3 - 40));
}

/*
 * For a frame whose checksums were validated elsewhere (kernel
 * DATA_VALID), find which L4 checksum that covers so the NIC model can
 * report it; IPv6 extension headers leave it at "IP only".
 */
static void
l4_probe(const struct hvh_frame *f, uint16_t *start, uint16_t *off)
{
	struct hvh_frame_layout lay;
	struct hvh_frame ip_only = *f;
	const uint8_t *d = f->data;
	uint8_t proto;

	*start = 0;
	*off = 0;
	ip_only.flags = 0;
	if (hvh_frame_layout(&ip_only, &lay) != 0)
		return;
	if (lay.ipv == 4) {
		if (rd16(d + lay.l3 + 6) & 0x3fff)
			return;
		proto = d[lay.l3 + 9];
		*start = (uint16_t)(lay.l3 + lay.ip_hlen);
	} else {
		proto = d[lay.l3 + 6];
		*start = (uint16_t)(lay.l3 + lay.ip_hlen);
	}
	if (proto == HVH_IPPROTO_TCP)
		*off = HVH_CSUM_OFF_TCP;
	else if (proto == HVH_IPPROTO_UDP)
		*off = HVH_CSUM_OFF_UDP;
	else
		*start = 0;
}

static void
rx_meta(struct hvh_frame *dst, const struct hvh_frame *src,
	const struct hvh_frame_layout *lay, int csum_done)
{
	dst->flags = src->flags & HVH_FRAME_F_VLAN;
	dst->vlan_tci = src->vlan_tci;
	dst->gso_type = HVH_GSO_NONE;
	dst->gso_size = 0;
	dst->csum_start = 0;
	dst->csum_offset = 0;
	if (csum_done || (src->flags & HVH_FRAME_F_CSUM_OK)) {
		dst->flags |= HVH_FRAME_F_CSUM_OK;
		if (csum_done && lay->proto != 0) {
			dst->csum_start = lay->l4;
			dst->csum_offset = lay->proto == HVH_IPPROTO_TCP ?
				HVH_CSUM_OFF_TCP : HVH_CSUM_OFF_UDP;
		} else if (src->csum_offset != 0) {
			dst->csum_start = src->csum_start;
			dst->csum_offset = src->csum_offset;
		} else {
			l4_probe(dst, &dst->csum_start, &dst->csum_offset);
		}
	}
}

static int
emit_segment(const struct hvh_frame *src, const struct hvh_frame_layout *lay,
	     uint32_t *seg, struct hvh_frame *dst)
{
	const uint8_t *s = src->data;
	uint8_t *d = dst->data;
	uint32_t payload = src->len - lay->hdr_len;
	uint32_t mss = src->gso_size;
	uint32_t nseg = payload == 0 ? 1 : (payload + mss - 1) / mss;
	uint32_t off, plen, out_len;
	uint8_t *th;

	if (*seg >= nseg)
		return -EINVAL;
	off = *seg * mss;
	plen = payload - off < mss ? payload - off : mss;
	out_len = lay->hdr_len + plen;
	if (out_len > dst->len)
		return -EMSGSIZE;
	memcpy(d, s, lay->hdr_len);
	memcpy(d + lay->hdr_len, s + lay->hdr_len + off, plen);
	ip_len_set(d, out_len, lay);
	if (lay->ipv == 4) {
		uint8_t *id = d + lay->l3 + 4;

		wr16(id, (uint16_t)(rd16(id) + *seg));
		hvh_ipv4_csum_set(d, lay);
	}
	th = d + lay->l4;
	wr32(th + 4, rd32(th + 4) + off);
	/* FIN and PSH belong to the last segment, CWR to the first. */
	if (*seg + 1 < nseg)
		th[13] &= (uint8_t)~0x09;
	if (*seg > 0)
		th[13] &= (uint8_t)~0x80;
	lso_csum_set(d, out_len, lay);
	dst->len = out_len;
	rx_meta(dst, src, lay, 1);
	(*seg)++;
	return *seg < nseg ? 1 : 0;
}

int
hvh_frame_emit(const struct hvh_frame *src, uint32_t *seg,
	       struct hvh_frame *dst)
{
	struct hvh_frame_layout lay = { 0 };
	int csum_done = 0;

	if (src->flags & (HVH_FRAME_F_CSUM | HVH_FRAME_F_IP_CSUM |
			  HVH_FRAME_F_LSO)) {
		if (hvh_frame_layout(src, &lay) != 0)
			return -EINVAL;
		if (src->flags & HVH_FRAME_F_LSO)
			return emit_segment(src, &lay, seg, dst);
	}
	if (src->len > dst->len)
		return -EMSGSIZE;
	memcpy(dst->data, src->data, src->len);
	dst->len = src->len;
	if (src->flags & (HVH_FRAME_F_CSUM | HVH_FRAME_F_IP_CSUM)) {
		if (lay.ipv == 4)
			hvh_ipv4_csum_set(dst->data, &lay);
		if (src->flags & HVH_FRAME_F_CSUM) {
			l4_csum_set(dst->data, dst->len, &lay);
			csum_done = 1;
		}
	}
	rx_meta(dst, src, &lay, csum_done);
	(*seg)++;
	return 0;
}
