/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * NDIS RSS Toeplitz hash (netvsc_protocol.rst, "RSS"). The input bit at
 * position i, counted from the most significant bit of the first byte,
 * selects the 32-bit window of the key that starts at key bit i; the hash is
 * the XOR of the selected windows. Because the hash is linear, a table
 * holding for each input byte position the XOR for each of the 256 byte
 * values turns the per-frame work into one lookup per input byte.
 */

#include <string.h>

#include "hvh_toeplitz.h"

#define ETH_HLEN_ 14
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88a8
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17

const uint8_t hvh_rss_key_ms[HVH_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/* The 32 key bits starting at key bit 'bit'; bits past the key read 0. */
static uint32_t
key_window(const uint8_t key[HVH_RSS_KEY_LEN], unsigned int bit)
{
	unsigned int byte = bit / 8, shift = bit % 8, i;
	uint64_t v = 0;

	for (i = 0; i < 5; i++) {
		v <<= 8;
		if (byte + i < HVH_RSS_KEY_LEN)
			v |= key[byte + i];
	}
	return (uint32_t)(v >> (8 - shift));
}

uint32_t
hvh_toeplitz_hash(const uint8_t key[HVH_RSS_KEY_LEN], const uint8_t *in,
		  size_t len)
{
	uint32_t h = 0;
	size_t i;
	int b;

	for (i = 0; i < len; i++)
		for (b = 7; b >= 0; b--)
			if (in[i] & (1u << b))
				h ^= key_window(key, i * 8 + (7 - b));
	return h;
}

void
hvh_toeplitz_init(struct hvh_toeplitz *t, const uint8_t key[HVH_RSS_KEY_LEN])
{
	uint32_t win[8];
	unsigned int i, b, v;

	for (i = 0; i < HVH_RSS_INPUT_MAX; i++) {
		/* win[b] belongs to the bit of value 1 << b. */
		for (b = 0; b < 8; b++)
			win[b] = key_window(key, i * 8 + (7 - b));
		t->table[i][0] = 0;
		for (v = 1; v < 256; v++)
			t->table[i][v] = t->table[i][v & (v - 1)] ^
				win[__builtin_ctz(v)];
	}
}

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Offset of the L4 header behind IPv6 extension headers that NDIS lets us
 * skip, or 0 when the packet is a fragment or the chain is cut short. */
static size_t
ipv6_l4(const uint8_t *frame, size_t len, size_t off, uint8_t *proto)
{
	uint8_t nh = frame[off + 6];
	int hops;

	off += 40;
	for (hops = 0; hops < 8; hops++) {
		switch (nh) {
		case 0:		/* hop-by-hop options */
		case 43:	/* routing */
		case 60:	/* destination options */
			if (off + 8 > len)
				return 0;
			nh = frame[off];
			off += (size_t)(frame[off + 1] + 1) * 8;
			break;
		default:	/* 44 fragment and anything unknown end here */
			*proto = nh;
			return off;
		}
	}
	return 0;
}

static size_t
copy_input(uint8_t *out, const uint8_t *addrs, size_t alen,
	   const uint8_t *ports)
{
	memcpy(out, addrs, alen);
	if (ports == NULL)
		return alen;
	memcpy(out + alen, ports, 4);
	return alen + 4;
}

static size_t
rss_input_ipv4(const uint8_t *frame, size_t len, size_t off, uint32_t types,
	       uint8_t *out, uint32_t *type)
{
	const uint8_t *ip = frame + off;
	size_t ihl, l4;
	int frag;

	if (off + 20 > len || (ip[0] >> 4) != 4)
		return 0;
	ihl = (size_t)(ip[0] & 0xf) * 4;
	if (ihl < 20 || off + ihl > len)
		return 0;
	frag = (rd16(ip + 6) & 0x3fff) != 0;
	l4 = off + ihl;
	if (!frag && l4 + 4 <= len) {
		if (ip[9] == IPPROTO_TCP_ && (types & HVH_RSS_HASH_TCP_IPV4)) {
			*type = HVH_RSS_HASH_TCP_IPV4;
			return copy_input(out, ip + 12, 8, frame + l4);
		}
		if (ip[9] == IPPROTO_UDP_ && (types & HVH_RSS_HASH_UDP_IPV4)) {
			*type = HVH_RSS_HASH_UDP_IPV4;
			return copy_input(out, ip + 12, 8, frame + l4);
		}
	}
	if (!(types & HVH_RSS_HASH_IPV4))
		return 0;
	*type = HVH_RSS_HASH_IPV4;
	return copy_input(out, ip + 12, 8, NULL);
}

static size_t
rss_input_ipv6(const uint8_t *frame, size_t len, size_t off, uint32_t types,
	       uint8_t *out, uint32_t *type)
{
	const uint8_t *ip = frame + off;
	uint8_t proto = 0;
	size_t l4;

	if (off + 40 > len || (ip[0] >> 4) != 6)
		return 0;
	l4 = ipv6_l4(frame, len, off, &proto);
	if (l4 != 0 && l4 + 4 <= len) {
		if (proto == IPPROTO_TCP_ && (types & HVH_RSS_HASH_TCP_IPV6)) {
			*type = HVH_RSS_HASH_TCP_IPV6;
			return copy_input(out, ip + 8, 32, frame + l4);
		}
		if (proto == IPPROTO_UDP_ && (types & HVH_RSS_HASH_UDP_IPV6)) {
			*type = HVH_RSS_HASH_UDP_IPV6;
			return copy_input(out, ip + 8, 32, frame + l4);
		}
	}
	if (!(types & HVH_RSS_HASH_IPV6))
		return 0;
	*type = HVH_RSS_HASH_IPV6;
	return copy_input(out, ip + 8, 32, NULL);
}

size_t
hvh_rss_input(const uint8_t *frame, size_t len, uint32_t hash_types,
	      uint8_t out[HVH_RSS_INPUT_MAX], uint32_t *type)
{
	size_t off = ETH_HLEN_ - 2;
	uint16_t et = 0;
	int tags;

	*type = 0;
	/* Up to two inline tags (802.1ad outer, 802.1Q inner). */
	for (tags = 0; tags <= 2; tags++) {
		if (off + 2 > len)
			return 0;
		et = rd16(frame + off);
		if (et != ETHERTYPE_VLAN && et != ETHERTYPE_QINQ)
			break;
		off += 4;
	}
	off += 2;
	if (et == ETHERTYPE_IPV4)
		return rss_input_ipv4(frame, len, off, hash_types, out, type);
	if (et == ETHERTYPE_IPV6)
		return rss_input_ipv6(frame, len, off, hash_types, out, type);
	return 0;
}
