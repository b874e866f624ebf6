/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

#ifndef HVH_BACKEND_H
#define HVH_BACKEND_H

/**
 * @file
 * Frame backends of hv-host: where the synthetic NIC's frames go to and
 * come from. The NIC model (NVSP/RNDIS) only sees Ethernet frames plus
 * the offload metadata that RNDIS per-packet info and virtio-net headers
 * both express; it never knows whether a frame meets a TAP, a loop or a
 * generator.
 *
 * Threading: a backend is used by one thread at a time. tx_burst and
 * rx_burst may be called in any order from that thread.
 */

#include <stddef.h>
#include <stdint.h>

/** Largest frame a backend hands over or accepts (LSO super-frames). */
#define HVH_FRAME_MAX 65550u

/** Shortest Ethernet frame without FCS. */
#define HVH_FRAME_MIN 60u

/* hvh_frame.flags */
/** vlan_tci holds an 802.1Q TCI (pri << 13 | dei << 12 | vid) that is
 *  not in the frame bytes. TX: insert it on the wire. RX: it was stripped. */
#define HVH_FRAME_F_VLAN	0x01
/** TX: the L4 checksum field at csum_start + csum_offset is to be
 *  computed over csum_start..end. Its current content is ignored: guests
 *  disagree on whether they prefill a pseudo-header sum, so backends
 *  always recompute it. */
#define HVH_FRAME_F_CSUM	0x02
/** TX: the IPv4 header checksum is to be computed. */
#define HVH_FRAME_F_IP_CSUM	0x04
/** RX: IP header and L4 checksums have been verified or computed by the
 *  host and are good (RNDIS checksum info "succeeded" bits). csum_offset
 *  then says which L4 checksum that covers: 16 TCP, 6 UDP, 0 IP only. */
#define HVH_FRAME_F_CSUM_OK	0x08
/** TX: gso_type and gso_size are valid; the frame is a TCP super-frame
 *  to be cut into gso_size-byte segments (implies F_CSUM and, for IPv4,
 *  F_IP_CSUM). csum_start is the TCP header offset, csum_offset is
 *  implied. IP length fields, IPv4 ID and checksums may hold anything
 *  (guests zero some of them). RX frames never carry it: hosts deliver
 *  segments. */
#define HVH_FRAME_F_LSO		0x10

/* hvh_frame.gso_type */
#define HVH_GSO_NONE	0
#define HVH_GSO_TCPV4	1
#define HVH_GSO_TCPV6	2

/**
 * One Ethernet frame (no FCS) and its offload metadata.
 *
 * TX (guest to wire): data/len are the guest's frame; the backend reads
 * them only during tx_burst and never writes them.
 * RX (wire to guest): the caller sets data to a destination buffer and
 * len to its capacity; the backend writes the frame there and sets len
 * and the metadata. data itself is never changed.
 */
struct hvh_frame {
	void *data;
	uint32_t len;
	uint16_t vlan_tci;	/**< valid with HVH_FRAME_F_VLAN */
	uint8_t flags;		/**< HVH_FRAME_F_* */
	uint8_t gso_type;	/**< HVH_GSO_*, valid with HVH_FRAME_F_LSO */
	uint16_t csum_start;	/**< L4 header offset from frame start */
	uint16_t csum_offset;	/**< checksum field offset in L4 header:
				 *   16 TCP, 6 UDP */
	uint16_t gso_size;	/**< MSS: TCP payload bytes per segment */
};

/** Counters every backend keeps; read them with hvh_backend_stats(). */
struct hvh_backend_stats {
	uint64_t tx_frames;	/**< frames taken by tx_burst */
	uint64_t tx_bytes;
	uint64_t tx_full;	/**< frames refused because the backend was full */
	uint64_t tx_errors;	/**< frames taken but dropped: bad metadata,
				 *   write failure */
	uint64_t tx_segments;	/**< segments cut from the guest's LSO frames */
	uint64_t rx_frames;	/**< frames delivered by rx_burst */
	uint64_t rx_bytes;
	uint64_t rx_dropped;	/**< frames that did not fit the caller's
				 *   buffer or were malformed */
	uint64_t rx_errors;	/**< read failures */
	uint64_t rx_segments;	/**< segments cut from the wire's GSO frames */
};

/* hvh_backend.caps: how the caller learns that rx_burst has work. */
/** rx_fd is a file descriptor to poll for POLLIN. */
#define HVH_BACKEND_C_RX_FD		0x1
/** rx_burst always has frames (generator): never sleep while the guest
 *  has receive room. */
#define HVH_BACKEND_C_RX_ALWAYS		0x2
/** Frames appear only as a result of the caller's own tx_burst
 *  (loopback): call rx_burst after tx_burst, no wakeup needed. */
#define HVH_BACKEND_C_RX_AFTER_TX	0x4

struct hvh_backend;

/** Operations of one backend kind; see the wrappers below. */
struct hvh_backend_ops {
	uint16_t (*tx_burst)(struct hvh_backend *be,
			     const struct hvh_frame *f, uint16_t n);
	uint16_t (*rx_burst)(struct hvh_backend *be,
			     struct hvh_frame *f, uint16_t n);
	/* Optional: 0 when rx_burst would return nothing now. */
	int (*rx_ready)(const struct hvh_backend *be);
	int (*set_link)(struct hvh_backend *be, int up);
	void (*close)(struct hvh_backend *be);
};

/** Common part of every backend; backend-specific state follows it. */
struct hvh_backend {
	const struct hvh_backend_ops *ops;
	unsigned int caps;		/**< HVH_BACKEND_C_* */
	int rx_fd;			/**< with HVH_BACKEND_C_RX_FD, else -1 */
	char name[32];			/**< e.g. "tap:hvtap0", "source:60:256" */
	struct hvh_backend_stats stats;
};

/** What the NIC model tells a backend when opening it. */
struct hvh_backend_conf {
	uint8_t guest_mac[6];	/**< the synthetic NIC's MAC (source uses it
				 *   as destination) */
	uint32_t mtu;		/**< L3 MTU offered to the guest; 0 = 1500 */
};

/**
 * Create a backend from its command-line spec:
 *   "loopback" | "tap[:IFNAME]" | "sink" | "source[:SIZE[:FLOWS[:PPS]]]".
 * On failure returns a negative errno and writes one line to err.
 */
int hvh_backend_open(const char *spec, const struct hvh_backend_conf *conf,
		     struct hvh_backend **out, char *err, size_t errlen);

/** Release a backend and everything it holds. NULL is a no-op. */
void hvh_backend_close(struct hvh_backend *be);

/**
 * Guest to wire. Returns how many leading frames were taken (copied or
 * sent); the caller may complete those to the guest at once. Frames
 * beyond the return value were refused (backend full) and stay the
 * caller's to retry or drop. A taken frame with bad metadata is dropped
 * and counted in tx_errors, not refused.
 */
static inline uint16_t
hvh_backend_tx_burst(struct hvh_backend *be, const struct hvh_frame *f,
		     uint16_t n)
{
	return be->ops->tx_burst(be, f, n);
}

/**
 * Wire to guest. f[i].data/len describe up to n destination buffers;
 * returns how many were filled (a prefix of f). A frame longer than its
 * destination is dropped and counted in rx_dropped.
 */
static inline uint16_t
hvh_backend_rx_burst(struct hvh_backend *be, struct hvh_frame *f,
		     uint16_t n)
{
	return be->ops->rx_burst(be, f, n);
}

/**
 * Whether rx_burst may have a frame now: 0 means certainly none, so the
 * caller need not prepare receive buffers for it (backends that cannot
 * tell say 1).
 */
static inline int
hvh_backend_rx_ready(const struct hvh_backend *be)
{
	return be->ops->rx_ready == NULL || be->ops->rx_ready(be);
}

/** Carrier of the wire side (TAP carrier); 0 when not applicable. */
int hvh_backend_set_link(struct hvh_backend *be, int up);

/** Copy of the backend's counters. */
void hvh_backend_stats(const struct hvh_backend *be,
		       struct hvh_backend_stats *out);

/** One line describing the accepted backend specs, for --help. */
const char *hvh_backend_usage(void);

#endif /* HVH_BACKEND_H */
