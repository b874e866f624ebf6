/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * An in-process netvsc guest for hv-host's unit tests and microbenchmark:
 * it drives a struct hvh_nic through the same shared memory a DPDK guest
 * uses (rings, receive and send buffers), without DPDK.
 */

#ifndef HVH_FAKE_GUEST_H
#define HVH_FAKE_GUEST_H

#include <stdint.h>

#include "hvh_nic.h"
#include "hvh_ring.h"

struct hvh_fake_guest {
	struct hvh_nic *nic;
	int sock;
	struct hvh_ring tx;	/* guest -> host: we write */
	struct hvh_ring rx;	/* host -> guest: we read */
	uint8_t *txbuf;
	uint8_t *rxbuf;
	uint32_t rx_sect_size;
	uint32_t tx_sect_size;
	uint32_t next_rid;
	uint8_t pkt[HVH_PKT_MAX] __attribute__((aligned(8)));
};

/* Create hv-host with conf (root forced under /dev/shm) and attach. */
int hvh_fg_open(struct hvh_fake_guest *g, struct hvh_nic_conf *conf);
void hvh_fg_close(struct hvh_fake_guest *g);
/* Leave (close /dev/uio0) and come back as a new guest of the same host. */
int hvh_fg_detach(struct hvh_fake_guest *g);
int hvh_fg_attach(struct hvh_fake_guest *g);

/* Write one ring packet (descriptor built here). */
int hvh_fg_send(struct hvh_fake_guest *g, uint16_t type, uint16_t flags,
		uint64_t tid, const void *payload, uint32_t len);
/* Write raw bytes as a packet whose descriptor the caller made. */
int hvh_fg_send_raw(struct hvh_fake_guest *g, const void *pkt, uint32_t len);

/* Read one packet into g->pkt; returns its length, 0 if none, < 0 error. */
int hvh_fg_recv(struct hvh_fake_guest *g);

/* Poll hv-host until a packet arrives (bounded); returns its length. */
int hvh_fg_wait(struct hvh_fake_guest *g);

/* NVSP + RNDIS bring-up to "filter set"; 0 on success. */
int hvh_fg_bringup(struct hvh_fake_guest *g, uint32_t nvs_version);

#endif /* HVH_FAKE_GUEST_H */
