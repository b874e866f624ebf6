/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

#ifndef HVH_TOEPLITZ_H
#define HVH_TOEPLITZ_H

/**
 * @file
 * Toeplitz hash as NDIS RSS defines it (netvsc_protocol.rst, "RSS"), and the
 * extraction of its input from an Ethernet frame per the NDIS hash types
 * the guest enabled in OID_GEN_RECEIVE_SCALE_PARAMETERS.
 */

#include <stddef.h>
#include <stdint.h>

#define HVH_RSS_KEY_LEN 40
/** Longest hash input: IPv6 addresses and ports. */
#define HVH_RSS_INPUT_MAX 36

/* NDIS_HASH_* bits of HashInformation (netvsc_protocol.rst, "RSS"). */
#define HVH_RSS_HASH_FUNC_TOEPLITZ	0x00000001
#define HVH_RSS_HASH_IPV4		0x00000100
#define HVH_RSS_HASH_TCP_IPV4		0x00000200
#define HVH_RSS_HASH_IPV6		0x00000400
#define HVH_RSS_HASH_IPV6_EX		0x00000800
#define HVH_RSS_HASH_TCP_IPV6		0x00001000
#define HVH_RSS_HASH_TCP_IPV6_EX	0x00002000
#define HVH_RSS_HASH_UDP_IPV4		0x00004000
#define HVH_RSS_HASH_UDP_IPV6		0x00008000
#define HVH_RSS_HASH_UDP_IPV6_EX	0x00010000

/** Microsoft's default RSS key (Windows, Linux netvsc_hash_key); also the
 *  key of NDIS's RSS verification suite. */
extern const uint8_t hvh_rss_key_ms[HVH_RSS_KEY_LEN];

/**
 * A key expanded for byte-at-a-time hashing: for each input byte position
 * and byte value, the XOR of the key windows its set bits select.
 */
struct hvh_toeplitz {
	uint32_t table[HVH_RSS_INPUT_MAX][256];
};

/** Reference bit-by-bit hash (slow; for tests and one-off use). */
uint32_t hvh_toeplitz_hash(const uint8_t key[HVH_RSS_KEY_LEN],
			   const uint8_t *in, size_t len);

/** Expand a key; call once per key change (about 36 KB of work). */
void hvh_toeplitz_init(struct hvh_toeplitz *t,
		       const uint8_t key[HVH_RSS_KEY_LEN]);

/** Hash with an expanded key; len at most HVH_RSS_INPUT_MAX. */
static inline uint32_t
hvh_toeplitz_fast(const struct hvh_toeplitz *t, const uint8_t *in,
		  size_t len)
{
	uint32_t h = 0;
	size_t i;

	for (i = 0; i < len; i++)
		h ^= t->table[i][in[i]];
	return h;
}

/**
 * Build the hash input of an Ethernet frame (no FCS, VLAN tag stripped
 * or inline) for the enabled hash types.
 * Returns the input length (0 = no enabled type applies: the frame is
 * not hashed and goes to the default queue) and sets *type to the one
 * NDIS_HASH_* bit that was used, as reported in the RX hash-info PPI.
 * Fragments are hashed on addresses only, as NDIS requires.
 */
size_t hvh_rss_input(const uint8_t *frame, size_t len, uint32_t hash_types,
		     uint8_t out[HVH_RSS_INPUT_MAX], uint32_t *type);

#endif /* HVH_TOEPLITZ_H */
