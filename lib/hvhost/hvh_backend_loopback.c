/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * loopback: every frame the guest sends comes back to it, as if a switch
 * port reflected it. Like Hyper-V's switch, the host finishes the guest's
 * offload requests before delivery: LSO super-frames come back as MSS
 * segments and requested checksums come back computed and flagged good;
 * VLAN metadata comes back as metadata.
 *
 * Frames are copied at tx_burst (so the guest's send section can be
 * completed at once) into a byte ring of variable-size records, and
 * cut/copied into the caller's buffers at rx_burst.
 *
 * A full ring refuses frames instead of dropping them: the guest's
 * transmit waits for its own receive side, so frames sent equal frames
 * received exactly (what the loopback tests count). A guest that never
 * receives stalls its transmit after 8 MB; sink is the backend for
 * transmit-only runs.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hvh_backend_private.h"

#define LB_ARENA_SIZE	(8u << 20)
#define LB_ALIGN	64u

struct lb_rec {
	uint32_t size;		/* arena bytes of this record; 0 = wrap mark */
	uint32_t pad;
	struct hvh_frame meta;	/* data is unused: the bytes follow */
};

#define LB_REC_HDR	((sizeof(struct lb_rec) + 15u) & ~15u)

struct lb_backend {
	struct hvh_backend be;
	uint8_t *arena;
	uint32_t head;		/* next write offset */
	uint32_t tail;		/* oldest record */
	uint32_t count;		/* records held */
	uint32_t seg;		/* segment cursor of the record at tail */
};

static inline struct lb_backend *
lb_of(struct hvh_backend *be)
{
	return (struct lb_backend *)be;
}

/* Where a record of 'need' bytes goes, or -1 when the ring is full. */
static int64_t
lb_reserve(struct lb_backend *lb, uint32_t need)
{
	if (lb->count == 0)
		lb->head = lb->tail = 0;
	if (lb->head >= lb->tail) {
		if (LB_ARENA_SIZE - lb->head >= need)
			return lb->head;
		/* Wrap only while staying strictly behind the reader, so
		 * head == tail keeps meaning "empty". */
		if (need >= lb->tail)
			return -1;
		if (lb->head < LB_ARENA_SIZE)
			((struct lb_rec *)(lb->arena + lb->head))->size = 0;
		return 0;
	}
	if (lb->tail - lb->head > need)
		return lb->head;
	return -1;
}

static uint16_t
lb_tx_burst(struct hvh_backend *be, const struct hvh_frame *f, uint16_t n)
{
	struct lb_backend *lb = lb_of(be);
	struct hvh_frame_layout lay;
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct lb_rec *rec;
		uint32_t need;
		int64_t at;

		if (f[i].len < HVH_ETH_HLEN || f[i].len > HVH_FRAME_MAX ||
		    ((f[i].flags & (HVH_FRAME_F_CSUM | HVH_FRAME_F_IP_CSUM |
				    HVH_FRAME_F_LSO)) &&
		     hvh_frame_layout(&f[i], &lay) != 0)) {
			hvh_backend_bad_frame(be, &f[i]);
			continue;
		}
		need = (uint32_t)((LB_REC_HDR + f[i].len + LB_ALIGN - 1) &
				  ~(LB_ALIGN - 1));
		at = lb_reserve(lb, need);
		if (at < 0) {
			be->stats.tx_full += n - i;
			break;
		}
		rec = (struct lb_rec *)(lb->arena + at);
		rec->size = need;
		rec->meta = f[i];
		rec->meta.data = NULL;
		memcpy((uint8_t *)rec + LB_REC_HDR, f[i].data, f[i].len);
		lb->head = (uint32_t)at + need;
		lb->count++;
		be->stats.tx_frames++;
		be->stats.tx_bytes += f[i].len;
	}
	return i;
}

static struct lb_rec *
lb_peek(struct lb_backend *lb)
{
	struct lb_rec *rec;

	if (lb->count == 0)
		return NULL;
	if (lb->tail >= LB_ARENA_SIZE)
		lb->tail = 0;
	rec = (struct lb_rec *)(lb->arena + lb->tail);
	if (rec->size == 0) {
		lb->tail = 0;
		rec = (struct lb_rec *)lb->arena;
	}
	return rec;
}

static void
lb_pop(struct lb_backend *lb, struct lb_rec *rec)
{
	lb->tail += rec->size;
	lb->count--;
	lb->seg = 0;
}

static uint16_t
lb_rx_burst(struct hvh_backend *be, struct hvh_frame *f, uint16_t n)
{
	struct lb_backend *lb = lb_of(be);
	struct lb_rec *rec;
	uint16_t i = 0;

	while (i < n && (rec = lb_peek(lb)) != NULL) {
		struct hvh_frame src = rec->meta;
		int r;

		src.data = (uint8_t *)rec + LB_REC_HDR;
		r = hvh_frame_emit(&src, &lb->seg, &f[i]);
		if (r < 0) {
			be->stats.rx_dropped++;
			lb_pop(lb, rec);
			continue;
		}
		if (src.flags & HVH_FRAME_F_LSO)
			be->stats.tx_segments++;
		be->stats.rx_frames++;
		be->stats.rx_bytes += f[i].len;
		i++;
		if (r == 0)
			lb_pop(lb, rec);
	}
	return i;
}

static void
lb_close(struct hvh_backend *be)
{
	struct lb_backend *lb = lb_of(be);

	free(lb->arena);
	free(lb);
}

static int
lb_rx_ready(const struct hvh_backend *be)
{
	return ((const struct lb_backend *)be)->count != 0;
}

static const struct hvh_backend_ops lb_ops = {
	.tx_burst = lb_tx_burst,
	.rx_burst = lb_rx_burst,
	.rx_ready = lb_rx_ready,
	.close = lb_close,
};

int
hvh_backend_loopback_open(const char *args,
			  const struct hvh_backend_conf *conf,
			  struct hvh_backend **out, char *err, size_t errlen)
{
	struct lb_backend *lb;

	(void)conf;
	if (args != NULL) {
		snprintf(err, errlen, "loopback takes no parameters, got '%s'",
			 args);
		return -EINVAL;
	}
	lb = calloc(1, sizeof(*lb));
	if (lb == NULL)
		goto nomem;
	lb->arena = aligned_alloc(LB_ALIGN, LB_ARENA_SIZE);
	if (lb->arena == NULL)
		goto nomem;
	lb->be.ops = &lb_ops;
	lb->be.caps = HVH_BACKEND_C_RX_AFTER_TX;
	lb->be.rx_fd = -1;
	snprintf(lb->be.name, sizeof(lb->be.name), "loopback");
	*out = &lb->be;
	return 0;
nomem:
	free(lb);
	snprintf(err, errlen, "loopback: out of memory for its %u MB ring",
		 LB_ARENA_SIZE >> 20);
	return -ENOMEM;
}
