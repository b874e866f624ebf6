/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

#ifndef HVNET_FUZZ_RING_H
#define HVNET_FUZZ_RING_H

#include <stdint.h>

/*
 * The head of a fuzz-ring input (fuzz_ring.c), also written by the seed
 * generator (seeds.c); the data area's bytes follow it.
 */
#define FUZZ_RING_STEPS 8
#define FUZZ_RING_DSIZE 8192u	/* two pages, as ring files are sized */

struct fuzz_ring_in {
	uint32_t windex[FUZZ_RING_STEPS]; /* the host's, before each read */
	uint32_t rindex;	/* ours, at open */
	uint32_t tx_rindex;	/* the host's, on the send ring */
	uint32_t tx_imask;	/* the host's interrupt mask, same */
	uint8_t raw;		/* bit i: step i reads with recv_raw */
	uint8_t room;		/* room offered, in 8-byte units */
	uint8_t send;		/* bytes sent at the end */
} __attribute__((packed));

#endif /* HVNET_FUZZ_RING_H */
