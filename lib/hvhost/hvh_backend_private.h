/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

#ifndef HVH_BACKEND_PRIVATE_H
#define HVH_BACKEND_PRIVATE_H

/*
 * Shared by the backend implementations only; the NIC model includes
 * hvh_backend.h.
 */

#include <stdio.h>

#include "hvh_backend.h"
#include "hvh_log.h"

#define HVH_ETH_HLEN		14
#define HVH_ETH_VLAN_HLEN	4
#define HVH_ETHERTYPE_IPV4	0x0800
#define HVH_ETHERTYPE_IPV6	0x86dd
#define HVH_ETHERTYPE_VLAN	0x8100
#define HVH_IPPROTO_TCP		6
#define HVH_IPPROTO_UDP		17
#define HVH_CSUM_OFF_TCP	16
#define HVH_CSUM_OFF_UDP	6

/* Where the headers of an offloaded frame are, once checked. */
struct hvh_frame_layout {
	uint16_t l3;		/* IP header offset */
	uint16_t l4;		/* TCP/UDP header offset (csum_start) */
	uint16_t hdr_len;	/* end of the TCP header (LSO only) */
	uint8_t ip_hlen;	/* IPv4 header length (IHL * 4), 40 for IPv6 */
	uint8_t ipv;		/* 4 or 6 */
	uint8_t proto;		/* HVH_IPPROTO_TCP/UDP, 0 for IP-only */
};

/*
 * Check an offloaded frame's metadata against its bytes. Returns 0 and
 * fills lay, or -EINVAL when a field points outside the frame or
 * contradicts the headers. Each header byte is read once: the frame may
 * sit in memory the guest can still write, so callers must use lay, not
 * re-read lengths from the frame.
 */
int hvh_frame_layout(const struct hvh_frame *f, struct hvh_frame_layout *lay);

/* One's complement sum of len bytes added to sum (not folded). */
uint64_t hvh_csum_add(uint64_t sum, const void *p, size_t len);
/* Fold a sum to 16 bits, not complemented. */
uint16_t hvh_csum_fold(uint64_t sum);
/* Unfolded pseudo-header sum of an IPv4/IPv6 packet for l4_len bytes. */
uint64_t hvh_csum_pseudo(const uint8_t *frame, const struct hvh_frame_layout *lay,
			 uint32_t l4_len);

/* Store the IPv4 header checksum (over lay->ip_hlen bytes) of the packet
 * at frame + lay->l3. */
void hvh_ipv4_csum_set(uint8_t *frame, const struct hvh_frame_layout *lay);

/*
 * Write the next wire frame of src into dst as a host switch delivers
 * it: LSO super-frames cut into gso_size segments, requested checksums
 * computed (then reported as F_CSUM_OK), VLAN metadata kept. *seg is the
 * segment index, 0 for a new src, advanced by the call.
 * Returns 1 when dst was filled and more segments follow, 0 when dst was
 * filled and src is done, -EMSGSIZE when the frame does not fit dst and
 * -EINVAL when src's metadata is malformed (src is then done too).
 */
int hvh_frame_emit(const struct hvh_frame *src, uint32_t *seg,
		   struct hvh_frame *dst);

/* Count and (rate-limited) log a guest frame dropped for its length or
 * offload metadata. */
void hvh_backend_bad_frame(struct hvh_backend *be, const struct hvh_frame *f);

/* tx_burst of backends whose wire swallows everything (sink, source). */
uint16_t hvh_backend_tx_discard(struct hvh_backend *be,
				const struct hvh_frame *f, uint16_t n);

/* Backend kinds: each parses its own parameters (NULL when absent). */
int hvh_backend_loopback_open(const char *args,
			      const struct hvh_backend_conf *conf,
			      struct hvh_backend **out, char *err, size_t errlen);
int hvh_backend_tap_open(const char *args, const struct hvh_backend_conf *conf,
			 struct hvh_backend **out, char *err, size_t errlen);
int hvh_backend_sink_open(const char *args, const struct hvh_backend_conf *conf,
			  struct hvh_backend **out, char *err, size_t errlen);
int hvh_backend_source_open(const char *args,
			    const struct hvh_backend_conf *conf,
			    struct hvh_backend **out, char *err, size_t errlen);

/* Parse a decimal in [min, max]; 0 on success. */
int hvh_backend_parse_u32(const char *s, size_t n, uint32_t min, uint32_t max,
			  uint32_t *out);

#endif /* HVH_BACKEND_PRIVATE_H */
