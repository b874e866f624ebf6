/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * VF stand-in: a vdev and PCI PMD that behaves, as the netvsc PMD sees it,
 * like the SR-IOV VF Azure pairs with a synthetic NIC: same MAC, RMV and
 * LSC interrupts, hot-removal on the host's command.  As a PCI driver it
 * takes hv-host's emulated VF the way a bifurcated driver (mlx5, mana)
 * takes a real one: no BAR mapped, the kernel's network interface found
 * under the device's sysfs folder, its MAC the interface's.  Frames go through a
 * kernel TAP interface (with virtio-net headers, so checksum and TSO
 * offloads are done by the kernel), or, in loop mode, nowhere.
 */

#ifndef VFSI_H
#define VFSI_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <ethdev_driver.h>
#include <rte_log.h>

extern int vfsi_logtype;
#define VFSI_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, vfsi_logtype, "%s(): " fmt "\n", \
		__func__, ##__VA_ARGS__)

/* A multi-queue TAP serves this many queue pairs at most. */
#define VFSI_MAX_QUEUES 16
#define VFSI_MAX_MC_ADDRS 32
#define VFSI_RSS_KEY_LEN 40
/* Same indirection table size as the netvsc port, which forwards its own. */
#define VFSI_RETA_SIZE RTE_ETH_RSS_RETA_SIZE_128
#define VFSI_RSS_HF (RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP)
/* Largest frame the TAP hands over (64 KiB minus the vnet header). */
#define VFSI_MAX_FRAME 65535

#define VFSI_RX_OFFLOADS (RTE_ETH_RX_OFFLOAD_VLAN_STRIP | \
	RTE_ETH_RX_OFFLOAD_IPV4_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_CKSUM | \
	RTE_ETH_RX_OFFLOAD_UDP_CKSUM | RTE_ETH_RX_OFFLOAD_RSS_HASH | \
	RTE_ETH_RX_OFFLOAD_SCATTER)
#define VFSI_TX_OFFLOADS (RTE_ETH_TX_OFFLOAD_MULTI_SEGS | \
	RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM | \
	RTE_ETH_TX_OFFLOAD_UDP_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_TSO)

struct vfsi_queue_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors;
	uint64_t filtered;	/* Rx: not for our MAC, multicast filters */
};

struct vfsi_priv;

struct vfsi_rxq {
	struct vfsi_priv *priv;
	struct rte_mempool *mp;
	int fd;
	uint16_t port_id;
	uint64_t offloads;
	struct vfsi_queue_stats stats;
	/* Tail of a frame longer than the first mbuf, before it is chained. */
	uint8_t *scratch;
};

struct vfsi_txq {
	struct vfsi_priv *priv;
	int fd;
	struct vfsi_queue_stats stats;
};

/* Length of the frames loop mode hands out. */
#define VFSI_LOOP_FRAME_LEN 64

struct vfsi_priv {
	struct rte_eth_dev *dev;
	/*
	 * Loop mode (devarg mode=loop): no TAP and no system call; receive
	 * makes frames for our MAC out of the queue's mempool, transmit
	 * frees what it is given. A VF as cheap as possible, for measuring
	 * what sits above it.
	 */
	bool loop;
	/* Aligned: the frame is written through its Ethernet header. */
	uint8_t loop_frame[VFSI_LOOP_FRAME_LEN] __rte_aligned(8);
	char ifname[IFNAMSIZ];
	/* The TAP by index: a renamed interface is still found. */
	unsigned int ifindex;
	char ctl_path[PATH_MAX];
	/* PCI: the device's sysfs folder, whose removal is the unplug. */
	bool pci;
	ino_t sysfs_ino;
	/* fds[0] lives from probe to close, so the interface never vanishes
	 * behind a reconfiguration; fds[1..] follow the queue count.
	 */
	int fds[VFSI_MAX_QUEUES];
	uint16_t nb_fds;
	uint16_t max_queues;
	/*
	 * Loop mode's slow bursts (devarg burst_us): each receive burst
	 * spins that long, a VF stuck in its hardware for a while. Bursts
	 * inside are counted so that a stop or close under one, which a real
	 * VF would not survive, is reported (torn).
	 */
	uint32_t burst_us;
	uint32_t in_burst;
	uint64_t torn;
	/* Set once by the control watcher; read by the data path. */
	uint32_t removed;
	/*
	 * A reset by the host (control word "reset", a MANA service reset):
	 * the device moves nothing until the host writes "present" again,
	 * and ethdev's recovery events tell the application. Set and cleared
	 * by the control watcher; read by the data path.
	 */
	uint32_t resetting;
	uint64_t reset_deadline;	/* timer cycles: recovery fails then */
	uint32_t reset_timeout_ms;	/* devarg reset_timeout_ms */
	uint64_t ctl_in_reset;		/* control calls ethdev forbids then */
	int ctl_last;
	uint32_t nb_mc;
	struct rte_ether_addr mc[VFSI_MAX_MC_ADDRS];
	uint64_t rss_hf;
	uint8_t rss_key[VFSI_RSS_KEY_LEN];
	uint16_t reta[VFSI_RETA_SIZE];
};

static inline bool
vfsi_is_removed(const struct vfsi_priv *priv)
{
	return __atomic_load_n(&priv->removed, __ATOMIC_RELAXED) != 0;
}

/* Removed, or in a reset: receive and transmit move nothing. */
static inline bool
vfsi_moves_nothing(const struct vfsi_priv *priv)
{
	return vfsi_is_removed(priv) ||
		__atomic_load_n(&priv->resetting, __ATOMIC_RELAXED) != 0;
}

/* vfsi_tap.c */
int vfsi_tap_open(struct vfsi_priv *priv, bool multi_queue);
void vfsi_tap_up(const char *ifname);
unsigned int vfsi_tap_drain(int fd);

/* vfsi_rxtx.c */
uint16_t vfsi_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t n);
uint16_t vfsi_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t n);
uint16_t vfsi_loop_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t n);
uint16_t vfsi_loop_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t n);

#endif /* VFSI_H */
