/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Probe, devargs, ethdev operations and the removal control of the VF
 * stand-in.
 *
 * Devargs of net_vfstandin<N>:
 *   mac=XX:XX:XX:XX:XX:XX   port MAC (hv-host's NIC MAC); random if absent
 *   iface=NAME              TAP to attach to or create (default vfsi%d);
 *                           one made beforehand must be multi_queue
 *   ctl=PATH                removal control file (optional), see below
 *   mode=tap|loop           tap (default) moves frames through the TAP;
 *                           loop uses none: receive returns full bursts
 *                           of 64-byte UDP frames for our MAC, transmit
 *                           frees (for benchmarks of the layers above)
 *   burst_us=N              loop mode: each receive burst takes N us
 *                           (0..1000000); stopping or closing the port
 *                           while one is inside is logged and counted
 *                           (xstat torn_by_stop), as a real VF would not
 *                           survive it
 *   reset_timeout_ms=N      how long a reset may last before its recovery
 *                           fails (1..600000, default 15000: MANA's)
 *
 * Control file: its first word is "present" or "removed"; a missing file
 * reads as "present".  hv-host writes "removed" when it withdraws the VF
 * and "present" when it offers it again (write a temporary file and rename
 * it over PATH).  The stand-in polls the file every 100 ms.  Only a change
 * to "removed" after probe removes the device: the link goes down, LSC and
 * RMV are raised (when the application enabled them in intr_conf, as on
 * real hardware) and no frame moves any more.  A removed device stays
 * removed until it is detached; attaching it again starts afresh, so the
 * application's attach and the host's offer may come in either order.
 * Detaching a started device (rte_dev_remove) removes it the same way
 * first, then releases it.
 *
 * "reset" is the host resetting the device in place (a MANA service
 * reset: the device stays, its hardware restarts). As the mana PMD of
 * DPDK 26.07 does, the stand-in raises RTE_ETH_EVENT_ERR_RECOVERING and
 * moves nothing; when the control file reads "present" again it raises
 * RECOVERY_SUCCESS and the port carries frames as before (what reached
 * the TAP meanwhile is dropped, as the hardware would). "removed", or
 * no "present" within reset_timeout_ms, raises RECOVERY_FAILED instead:
 * the device stays unusable (link down) until it is detached. ethdev
 * forbids control calls between ERR_RECOVERING and the outcome: the
 * stand-in logs and counts any (xstat ctl_in_reset).
 *
 * Secondary processes attach the primary's port (as a real VF's PMD lets
 * them) and, in loop mode, move frames on the queues they poll.  In tap
 * mode the TAP's queues are the primary's file descriptors: a secondary's
 * port moves nothing (said once at attach).  Only the primary watches the
 * control file, closes and releases the device's resources.
 *
 * PCI driver net_vfstandin_pci, for hv-host's emulated VF ids: the TAP is
 * the interface under /sys/bus/pci/devices/<BDF>/net/, the MAC is that
 * interface's, and the device folder vanishing (the kernel's hot-remove)
 * removes the device as the control file's "removed" does.  Devargs:
 * mode=tap|loop and burst_us only.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dirent.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <bus_pci_driver.h>
#include <bus_vdev_driver.h>
#include <ethdev_pci.h>
#include <ethdev_vdev.h>
#include <rte_alarm.h>
#include <rte_cycles.h>
#include <rte_ip.h>
#include <rte_kvargs.h>
#include <rte_malloc.h>
#include <rte_string_fns.h>
#include <rte_udp.h>

#include "vfsi.h"

RTE_LOG_REGISTER(vfsi_logtype, pmd.net.vfstandin, NOTICE);

#define VFSI_ARG_MAC "mac"
#define VFSI_ARG_IFACE "iface"
#define VFSI_ARG_CTL "ctl"
#define VFSI_ARG_MODE "mode"
#define VFSI_ARG_BURST_US "burst_us"
#define VFSI_ARG_RESET_TIMEOUT "reset_timeout_ms"
#define VFSI_RESET_TIMEOUT_MS 15000
#define VFSI_CTL_PERIOD_US (100 * 1000)
/*
 * A PCI device's removal is seen this soon: a real VF's driver hears of
 * it from the kernel at once, and the PMD above can only count a
 * blackout from when it hears of it.
 */
#define VFSI_PCI_PERIOD_US (10 * 1000)

enum vfsi_ctl_state {
	VFSI_CTL_PRESENT,
	VFSI_CTL_REMOVED,
	VFSI_CTL_RESET,
};

/* The Toeplitz key of Microsoft's RSS specification, used until set. */
static const uint8_t vfsi_default_rss_key[VFSI_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

static const char *const vfsi_valid_args[] = {
	VFSI_ARG_MAC, VFSI_ARG_IFACE, VFSI_ARG_CTL, VFSI_ARG_MODE,
	VFSI_ARG_BURST_US, VFSI_ARG_RESET_TIMEOUT, NULL
};

/* ---- removal control -------------------------------------------------- */

static enum vfsi_ctl_state
vfsi_ctl_read(const struct vfsi_priv *priv)
{
	char buf[32];
	ssize_t n;
	int fd;

	if (priv->ctl_path[0] == '\0')
		return VFSI_CTL_PRESENT;
	if (priv->pci) {
		struct stat st;

		/* Gone, or a new device at the same address. */
		return stat(priv->ctl_path, &st) == 0 &&
			st.st_ino == priv->sysfs_ino ? VFSI_CTL_PRESENT :
			VFSI_CTL_REMOVED;
	}
	fd = open(priv->ctl_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return VFSI_CTL_PRESENT;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return priv->ctl_last;
	buf[n] = '\0';
	if (strncmp(buf, "removed", 7) == 0)
		return VFSI_CTL_REMOVED;
	if (strncmp(buf, "reset", 5) == 0)
		return VFSI_CTL_RESET;
	if (strncmp(buf, "present", 7) != 0)
		VFSI_LOG(WARNING, "%s: unknown state '%.7s', ignored",
			priv->ctl_path, buf);
	return strncmp(buf, "present", 7) == 0 ? VFSI_CTL_PRESENT :
		priv->ctl_last;
}

static void
vfsi_set_link(struct rte_eth_dev *dev, bool up)
{
	struct rte_eth_link link = {
		.link_speed = up ? RTE_ETH_SPEED_NUM_100G :
			RTE_ETH_SPEED_NUM_NONE,
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_AUTONEG,
		.link_status = up ? RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN,
	};

	/* rte_eth_linkstatus_set returns 0 when the status changed. */
	if (rte_eth_linkstatus_set(dev, &link) == 0 &&
	    dev->data->dev_conf.intr_conf.lsc)
		rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_LSC, NULL);
}

/*
 * What a PCI removal looks like to the application: the device stops
 * moving frames at once, the link goes down and RMV is raised, all
 * before any of its resources is released.
 */
static void
vfsi_surprise_removal(struct vfsi_priv *priv, const char *by)
{
	struct rte_eth_dev *dev = priv->dev;

	__atomic_store_n(&priv->removed, 1, __ATOMIC_RELEASE);
	VFSI_LOG(NOTICE, "%s: removed by %s", dev->data->name, by);
	vfsi_set_link(dev, false);
	if (dev->data->dev_conf.intr_conf.rmv)
		rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_RMV, NULL);
}

/* Frames the TAP queued while the device was in its reset: dropped. */
static void
vfsi_reset_drain(struct vfsi_priv *priv)
{
	unsigned int n = 0;
	uint16_t i;

	for (i = 0; i < priv->nb_fds; i++)
		n += vfsi_tap_drain(priv->fds[i]);
	if (n > 0)
		VFSI_LOG(INFO, "%s: %u frames arrived during the reset, dropped",
			priv->dev->data->name, n);
}

static void
vfsi_reset_begin(struct vfsi_priv *priv)
{
	struct rte_eth_dev *dev = priv->dev;

	VFSI_LOG(NOTICE, "%s: reset by the host; recovering", dev->data->name);
	priv->reset_deadline = rte_get_timer_cycles() +
		rte_get_timer_hz() * priv->reset_timeout_ms / 1000;
	/* The application hears first, while frames still move (mana). */
	rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_ERR_RECOVERING, NULL);
	__atomic_store_n(&priv->resetting, 1, __ATOMIC_RELEASE);
}

static void
vfsi_reset_end(struct vfsi_priv *priv, bool ok, const char *why)
{
	struct rte_eth_dev *dev = priv->dev;

	vfsi_reset_drain(priv);
	if (ok) {
		__atomic_store_n(&priv->resetting, 0, __ATOMIC_RELEASE);
		VFSI_LOG(NOTICE, "%s: recovered from the reset", dev->data->name);
		rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_RECOVERY_SUCCESS,
					     NULL);
		return;
	}
	/* Unusable for good: removed, but not from the bus (no RMV). */
	__atomic_store_n(&priv->removed, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&priv->resetting, 0, __ATOMIC_RELEASE);
	VFSI_LOG(NOTICE, "%s: recovery failed: %s", dev->data->name, why);
	vfsi_set_link(dev, false);
	rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_RECOVERY_FAILED, NULL);
}

/* A control call ethdev forbids during a recovery: said and counted. */
static void
vfsi_check_not_resetting(struct rte_eth_dev *dev, const char *op)
{
	struct vfsi_priv *priv = dev->data->dev_private;

	if (__atomic_load_n(&priv->resetting, __ATOMIC_ACQUIRE) == 0)
		return;
	priv->ctl_in_reset++;
	VFSI_LOG(ERR, "%s: %s during recovery from a reset", dev->data->name,
		op);
}

static void
vfsi_ctl_poll(void *arg)
{
	struct vfsi_priv *priv = arg;
	enum vfsi_ctl_state state = vfsi_ctl_read(priv);
	bool resetting = __atomic_load_n(&priv->resetting,
					 __ATOMIC_RELAXED) != 0;

	if (resetting && state == VFSI_CTL_PRESENT)
		vfsi_reset_end(priv, true, NULL);
	else if (resetting && state == VFSI_CTL_REMOVED)
		vfsi_reset_end(priv, false, "the device was removed");
	else if (resetting && rte_get_timer_cycles() > priv->reset_deadline)
		vfsi_reset_end(priv, false, "the device did not come back");
	else if (resetting)
		vfsi_reset_drain(priv);
	else if (state == VFSI_CTL_RESET && !vfsi_is_removed(priv))
		vfsi_reset_begin(priv);
	if (state == VFSI_CTL_REMOVED && priv->ctl_last != VFSI_CTL_REMOVED)
		vfsi_surprise_removal(priv, "the host");
	priv->ctl_last = state;
	if (!vfsi_is_removed(priv) &&
	    rte_eal_alarm_set(priv->pci ? VFSI_PCI_PERIOD_US :
			      VFSI_CTL_PERIOD_US, vfsi_ctl_poll, priv) != 0)
		VFSI_LOG(ERR, "%s: cannot re-arm the control watcher",
			priv->dev->data->name);
}

/* ---- queues ----------------------------------------------------------- */

/* Open or close TAP queue fds so that there is one per queue pair. */
static int
vfsi_set_queue_fds(struct vfsi_priv *priv, uint16_t want)
{
	char name[IFNAMSIZ];

	if (priv->loop)
		return 0;
	/* Renamed since probe: attach to the same interface, not a new one. */
	if (priv->ifindex != 0 && if_indextoname(priv->ifindex, name) != NULL)
		strlcpy(priv->ifname, name, sizeof(priv->ifname));
	while (priv->nb_fds < want) {
		int fd = vfsi_tap_open(priv, true);

		if (fd < 0) {
			VFSI_LOG(ERR, "%s: TAP queue %u: %s", priv->ifname,
				priv->nb_fds, strerror(-fd));
			return fd;
		}
		priv->fds[priv->nb_fds++] = fd;
	}
	while (priv->nb_fds > RTE_MAX(want, 1)) {
		priv->nb_fds--;
		close(priv->fds[priv->nb_fds]);
		priv->fds[priv->nb_fds] = -1;
	}
	return 0;
}

static void
vfsi_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct vfsi_rxq *q = dev->data->rx_queues[qid];

	if (q == NULL)
		return;
	rte_free(q->scratch);
	rte_free(q);
	dev->data->rx_queues[qid] = NULL;
}

static void
vfsi_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	rte_free(dev->data->tx_queues[qid]);
	dev->data->tx_queues[qid] = NULL;
}

static int
vfsi_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid,
		uint16_t nb_desc __rte_unused, unsigned int socket,
		const struct rte_eth_rxconf *conf, struct rte_mempool *mp)
{
	struct vfsi_priv *priv = dev->data->dev_private;
	struct vfsi_rxq *q;

	if (!priv->loop && qid >= priv->nb_fds)
		return -EINVAL;
	vfsi_rx_queue_release(dev, qid);
	q = rte_zmalloc_socket("vfsi_rxq", sizeof(*q), RTE_CACHE_LINE_SIZE,
			socket);
	if (q == NULL)
		return -ENOMEM;
	q->scratch = rte_malloc_socket("vfsi_rx_scratch", VFSI_MAX_FRAME, 0,
			socket);
	if (q->scratch == NULL) {
		rte_free(q);
		return -ENOMEM;
	}
	q->priv = priv;
	q->mp = mp;
	q->fd = priv->loop ? -1 : priv->fds[qid];
	q->port_id = dev->data->port_id;
	q->offloads = conf->offloads | dev->data->dev_conf.rxmode.offloads;
	dev->data->rx_queues[qid] = q;
	return 0;
}

static int
vfsi_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid,
		uint16_t nb_desc __rte_unused, unsigned int socket,
		const struct rte_eth_txconf *conf __rte_unused)
{
	struct vfsi_priv *priv = dev->data->dev_private;
	struct vfsi_txq *q;

	if (!priv->loop && qid >= priv->nb_fds)
		return -EINVAL;
	vfsi_tx_queue_release(dev, qid);
	q = rte_zmalloc_socket("vfsi_txq", sizeof(*q), RTE_CACHE_LINE_SIZE,
			socket);
	if (q == NULL)
		return -ENOMEM;
	q->priv = priv;
	q->fd = priv->loop ? -1 : priv->fds[qid];
	dev->data->tx_queues[qid] = q;
	return 0;
}

static void
vfsi_rxq_info_get(struct rte_eth_dev *dev, uint16_t qid,
		struct rte_eth_rxq_info *info)
{
	struct vfsi_rxq *q = dev->data->rx_queues[qid];

	info->mp = q->mp;
	info->nb_desc = 1;
	info->conf.offloads = q->offloads;
}

static void
vfsi_txq_info_get(struct rte_eth_dev *dev, uint16_t qid __rte_unused,
		struct rte_eth_txq_info *info)
{
	info->nb_desc = 1;
	info->conf.offloads = dev->data->dev_conf.txmode.offloads;
}

/* ---- device operations ------------------------------------------------ */

static int
vfsi_dev_configure(struct rte_eth_dev *dev)
{
	struct vfsi_priv *priv = dev->data->dev_private;
	const struct rte_eth_rss_conf *rss =
		&dev->data->dev_conf.rx_adv_conf.rss_conf;
	uint16_t i;

	vfsi_check_not_resetting(dev, "configured");
	if (dev->data->dev_conf.rxmode.mq_mode & RTE_ETH_MQ_RX_RSS_FLAG) {
		priv->rss_hf = rss->rss_hf & VFSI_RSS_HF;
		if (rss->rss_key != NULL && rss->rss_key_len == VFSI_RSS_KEY_LEN)
			memcpy(priv->rss_key, rss->rss_key, VFSI_RSS_KEY_LEN);
	}
	/* Until the application sets a table, spread as a NIC would. */
	for (i = 0; i < VFSI_RETA_SIZE; i++)
		priv->reta[i] = dev->data->nb_rx_queues ?
			i % dev->data->nb_rx_queues : 0;
	return vfsi_set_queue_fds(priv, RTE_MAX(dev->data->nb_rx_queues,
			dev->data->nb_tx_queues));
}

static int
vfsi_dev_start(struct rte_eth_dev *dev)
{
	struct vfsi_priv *priv = dev->data->dev_private;
	uint16_t i;

	vfsi_check_not_resetting(dev, "started");
	if (vfsi_is_removed(priv))
		return -ENODEV;
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
	vfsi_set_link(dev, true);
	return 0;
}

/* A burst still inside the port: what a stop or close must never meet. */
static void
vfsi_check_no_burst(struct rte_eth_dev *dev, const char *op)
{
	struct vfsi_priv *priv = dev->data->dev_private;

	if (__atomic_load_n(&priv->in_burst, __ATOMIC_SEQ_CST) == 0)
		return;
	__atomic_fetch_add(&priv->torn, 1, __ATOMIC_RELAXED);
	VFSI_LOG(ERR, "%s: %s while a burst is inside", dev->data->name, op);
}

static int
vfsi_dev_stop(struct rte_eth_dev *dev)
{
	uint16_t i;

	vfsi_check_no_burst(dev, "stopped");
	vfsi_check_not_resetting(dev, "stopped");

	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	vfsi_set_link(dev, false);
	return 0;
}

static int
vfsi_dev_close(struct rte_eth_dev *dev)
{
	struct vfsi_priv *priv = dev->data->dev_private;
	uint16_t i;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	vfsi_check_no_burst(dev, "closed");
	rte_eal_alarm_cancel(vfsi_ctl_poll, priv);
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		vfsi_rx_queue_release(dev, i);
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		vfsi_tx_queue_release(dev, i);
	for (i = 0; i < priv->nb_fds; i++)
		close(priv->fds[i]);
	priv->nb_fds = 0;
	return 0;
}

static int
vfsi_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct vfsi_priv *priv = dev->data->dev_private;
	static const struct rte_eth_desc_lim lim = {
		.nb_max = 4096, .nb_min = 1, .nb_align = 1,
		.nb_seg_max = 64, .nb_mtu_seg_max = 64,
	};

	info->if_index = if_nametoindex(priv->ifname);
	info->max_mac_addrs = 1;
	info->max_rx_pktlen = VFSI_MAX_FRAME;
	info->min_mtu = RTE_ETHER_MIN_MTU;
	info->max_mtu = VFSI_MAX_FRAME - RTE_ETHER_HDR_LEN -
		RTE_ETHER_CRC_LEN - RTE_VLAN_HLEN;
	info->max_rx_queues = priv->max_queues;
	info->max_tx_queues = priv->max_queues;
	info->rx_offload_capa = VFSI_RX_OFFLOADS;
	info->tx_offload_capa = VFSI_TX_OFFLOADS;
	info->rx_queue_offload_capa = 0;
	info->tx_queue_offload_capa = 0;
	info->flow_type_rss_offloads = VFSI_RSS_HF;
	info->hash_key_size = VFSI_RSS_KEY_LEN;
	info->reta_size = VFSI_RETA_SIZE;
	info->rx_desc_lim = lim;
	info->tx_desc_lim = lim;
	info->speed_capa = RTE_ETH_LINK_SPEED_100G;
	return 0;
}

static int
vfsi_link_update(struct rte_eth_dev *dev, int wait __rte_unused)
{
	struct vfsi_priv *priv = dev->data->dev_private;
	struct rte_eth_link link = {
		.link_duplex = RTE_ETH_LINK_FULL_DUPLEX,
		.link_autoneg = RTE_ETH_LINK_AUTONEG,
	};

	if (dev->data->dev_started && !vfsi_is_removed(priv)) {
		link.link_status = RTE_ETH_LINK_UP;
		link.link_speed = RTE_ETH_SPEED_NUM_100G;
	}
	return rte_eth_linkstatus_set(dev, &link);
}

static int
vfsi_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *st)
{
	uint16_t i;

	vfsi_check_not_resetting(dev, "statistics read");
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		const struct vfsi_rxq *q = dev->data->rx_queues[i];

		if (q == NULL)
			continue;
		st->ipackets += q->stats.packets;
		st->ibytes += q->stats.bytes;
		st->ierrors += q->stats.errors;
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			st->q_ipackets[i] = q->stats.packets;
			st->q_ibytes[i] = q->stats.bytes;
			st->q_errors[i] = q->stats.errors;
		}
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		const struct vfsi_txq *q = dev->data->tx_queues[i];

		if (q == NULL)
			continue;
		st->opackets += q->stats.packets;
		st->obytes += q->stats.bytes;
		st->oerrors += q->stats.errors;
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			st->q_opackets[i] = q->stats.packets;
			st->q_obytes[i] = q->stats.bytes;
		}
	}
	st->rx_nombuf = dev->data->rx_mbuf_alloc_failed;
	return 0;
}

static int
vfsi_stats_reset(struct rte_eth_dev *dev)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct vfsi_rxq *q = dev->data->rx_queues[i];

		if (q != NULL)
			memset(&q->stats, 0, sizeof(q->stats));
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		struct vfsi_txq *q = dev->data->tx_queues[i];

		if (q != NULL)
			memset(&q->stats, 0, sizeof(q->stats));
	}
	dev->data->rx_mbuf_alloc_failed = 0;
	return 0;
}

/* Frames dropped by the MAC filter, which basic stats cannot show. */
static int
vfsi_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xs,
		unsigned int n)
{
	const struct vfsi_priv *priv = dev->data->dev_private;
	uint64_t filtered = 0;
	uint16_t i;

	if (n < 3)
		return 3;
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		const struct vfsi_rxq *q = dev->data->rx_queues[i];

		if (q != NULL)
			filtered += q->stats.filtered;
	}
	xs[0].id = 0;
	xs[0].value = filtered;
	xs[1].id = 1;
	xs[1].value = __atomic_load_n(&priv->torn, __ATOMIC_RELAXED);
	xs[2].id = 2;
	xs[2].value = priv->ctl_in_reset;
	return 3;
}

static int
vfsi_xstats_get_names(struct rte_eth_dev *dev __rte_unused,
		struct rte_eth_xstat_name *names, unsigned int n)
{
	if (names != NULL && n >= 3) {
		strlcpy(names[0].name, "rx_filtered_packets",
			sizeof(names[0].name));
		strlcpy(names[1].name, "torn_by_stop", sizeof(names[1].name));
		strlcpy(names[2].name, "ctl_in_reset", sizeof(names[2].name));
	}
	return 3;
}

/* The ethdev layer keeps the flags and the MTU; the filter reads them. */
static int
vfsi_accept(struct rte_eth_dev *dev __rte_unused)
{
	return 0;
}

static int
vfsi_mtu_set(struct rte_eth_dev *dev __rte_unused, uint16_t mtu __rte_unused)
{
	return 0;
}

static int
vfsi_mac_addr_set(struct rte_eth_dev *dev __rte_unused,
		struct rte_ether_addr *mac __rte_unused)
{
	return 0;
}

static int
vfsi_set_mc_addr_list(struct rte_eth_dev *dev, struct rte_ether_addr *list,
		uint32_t n)
{
	struct vfsi_priv *priv = dev->data->dev_private;

	if (n > VFSI_MAX_MC_ADDRS)
		return -ENOSPC;
	if (n > 0)
		memcpy(priv->mc, list, n * sizeof(*list));
	priv->nb_mc = n;
	return 0;
}

static int
vfsi_rss_hash_update(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf)
{
	struct vfsi_priv *priv = dev->data->dev_private;

	if (conf->rss_hf & ~VFSI_RSS_HF)
		return -EINVAL;
	if (conf->rss_key != NULL) {
		if (conf->rss_key_len != VFSI_RSS_KEY_LEN)
			return -EINVAL;
		memcpy(priv->rss_key, conf->rss_key, VFSI_RSS_KEY_LEN);
	}
	priv->rss_hf = conf->rss_hf;
	return 0;
}

static int
vfsi_rss_hash_conf_get(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf)
{
	struct vfsi_priv *priv = dev->data->dev_private;

	conf->rss_hf = priv->rss_hf;
	if (conf->rss_key != NULL) {
		memcpy(conf->rss_key, priv->rss_key, VFSI_RSS_KEY_LEN);
		conf->rss_key_len = VFSI_RSS_KEY_LEN;
	}
	return 0;
}

/*
 * The table is kept and reported so that mirroring can be checked; the
 * kernel's flow hash, not this table, picks the TAP queue.  One walk over
 * the masked entries serves both directions.
 */
static int
vfsi_reta_access(struct rte_eth_dev *dev,
		struct rte_eth_rss_reta_entry64 *conf, uint16_t size, bool set)
{
	struct vfsi_priv *priv = dev->data->dev_private;
	uint16_t i;

	if (size != VFSI_RETA_SIZE)
		return -EINVAL;
	/* Check every entry before changing any. */
	for (i = 0; set && i < size; i++) {
		const struct rte_eth_rss_reta_entry64 *e =
			&conf[i / RTE_ETH_RETA_GROUP_SIZE];
		unsigned int bit = i % RTE_ETH_RETA_GROUP_SIZE;

		if ((e->mask & (1ULL << bit)) &&
		    e->reta[bit] >= priv->max_queues)
			return -EINVAL;
	}
	for (i = 0; i < size; i++) {
		struct rte_eth_rss_reta_entry64 *e =
			&conf[i / RTE_ETH_RETA_GROUP_SIZE];
		unsigned int bit = i % RTE_ETH_RETA_GROUP_SIZE;

		if (!(e->mask & (1ULL << bit)))
			continue;
		if (set)
			priv->reta[i] = e->reta[bit];
		else
			e->reta[bit] = priv->reta[i];
	}
	return 0;
}

static int
vfsi_reta_update(struct rte_eth_dev *dev,
		struct rte_eth_rss_reta_entry64 *conf, uint16_t size)
{
	return vfsi_reta_access(dev, conf, size, true);
}

static int
vfsi_reta_query(struct rte_eth_dev *dev,
		struct rte_eth_rss_reta_entry64 *conf, uint16_t size)
{
	return vfsi_reta_access(dev, conf, size, false);
}

static const struct eth_dev_ops vfsi_ops = {
	.dev_configure = vfsi_dev_configure,
	.dev_start = vfsi_dev_start,
	.dev_stop = vfsi_dev_stop,
	.dev_close = vfsi_dev_close,
	.dev_infos_get = vfsi_dev_infos_get,
	.link_update = vfsi_link_update,
	.promiscuous_enable = vfsi_accept,
	.promiscuous_disable = vfsi_accept,
	.allmulticast_enable = vfsi_accept,
	.allmulticast_disable = vfsi_accept,
	.mtu_set = vfsi_mtu_set,
	.mac_addr_set = vfsi_mac_addr_set,
	.set_mc_addr_list = vfsi_set_mc_addr_list,
	.stats_get = vfsi_stats_get,
	.stats_reset = vfsi_stats_reset,
	.xstats_get = vfsi_xstats_get,
	.xstats_get_names = vfsi_xstats_get_names,
	.rx_queue_setup = vfsi_rx_queue_setup,
	.tx_queue_setup = vfsi_tx_queue_setup,
	.rx_queue_release = vfsi_rx_queue_release,
	.tx_queue_release = vfsi_tx_queue_release,
	.rxq_info_get = vfsi_rxq_info_get,
	.txq_info_get = vfsi_txq_info_get,
	.rss_hash_update = vfsi_rss_hash_update,
	.rss_hash_conf_get = vfsi_rss_hash_conf_get,
	.reta_update = vfsi_reta_update,
	.reta_query = vfsi_reta_query,
};

/* ---- probe and remove -------------------------------------------------- */

static int
vfsi_arg_mac(const char *key __rte_unused, const char *value, void *opaque)
{
	return rte_ether_unformat_addr(value, opaque) == 0 ? 0 : -EINVAL;
}

static int
vfsi_arg_string(const char *key __rte_unused, const char *value,
		void *opaque)
{
	char *dst = opaque;
	size_t size = strcmp(key, VFSI_ARG_IFACE) == 0 ? IFNAMSIZ : PATH_MAX;

	if (value == NULL || value[0] == '\0' || strlen(value) >= size)
		return -EINVAL;
	strlcpy(dst, value, size);
	return 0;
}

static int
vfsi_arg_mode(const char *key __rte_unused, const char *value, void *opaque)
{
	bool *loop = opaque;

	if (value == NULL || (strcmp(value, "tap") != 0 &&
			      strcmp(value, "loop") != 0))
		return -EINVAL;
	*loop = strcmp(value, "loop") == 0;
	return 0;
}

/* A decimal number from min to max. */
static int
vfsi_arg_uint(const char *value, unsigned long min, unsigned long max,
	      uint32_t *out)
{
	unsigned long v;
	char *end;

	if (value == NULL || value[0] < '0' || value[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(value, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static int
vfsi_arg_us(const char *key __rte_unused, const char *value, void *opaque)
{
	return vfsi_arg_uint(value, 0, 1000000, opaque);
}

static int
vfsi_arg_ms(const char *key __rte_unused, const char *value, void *opaque)
{
	return vfsi_arg_uint(value, 1, 600000, opaque);
}

static int
vfsi_parse_args(struct rte_vdev_device *vdev, struct vfsi_priv *priv,
		struct rte_ether_addr *mac, bool *have_mac)
{
	const char *args = rte_vdev_device_args(vdev);
	struct rte_kvargs *kv;
	int ret = 0;

	strlcpy(priv->ifname, "vfsi%d", sizeof(priv->ifname));
	*have_mac = false;
	if (args == NULL || args[0] == '\0')
		return 0;
	kv = rte_kvargs_parse(args, vfsi_valid_args);
	if (kv == NULL) {
		VFSI_LOG(ERR, "%s: invalid devargs '%s'",
			rte_vdev_device_name(vdev), args);
		return -EINVAL;
	}
	if (rte_kvargs_count(kv, VFSI_ARG_MAC) == 1) {
		ret = rte_kvargs_process(kv, VFSI_ARG_MAC, vfsi_arg_mac, mac);
		*have_mac = ret == 0;
	}
	if (ret == 0)
		ret = rte_kvargs_process(kv, VFSI_ARG_IFACE, vfsi_arg_string,
				priv->ifname);
	if (ret == 0)
		ret = rte_kvargs_process(kv, VFSI_ARG_CTL, vfsi_arg_string,
				priv->ctl_path);
	if (ret == 0)
		ret = rte_kvargs_process(kv, VFSI_ARG_MODE, vfsi_arg_mode,
				&priv->loop);
	if (ret == 0)
		ret = rte_kvargs_process(kv, VFSI_ARG_BURST_US, vfsi_arg_us,
				&priv->burst_us);
	if (ret == 0)
		ret = rte_kvargs_process(kv, VFSI_ARG_RESET_TIMEOUT,
				vfsi_arg_ms, &priv->reset_timeout_ms);
	rte_kvargs_free(kv);
	if (ret != 0)
		VFSI_LOG(ERR, "%s: bad value in '%s'",
			rte_vdev_device_name(vdev), args);
	return ret;
}

/* Loop mode's frame: UDP over IPv4, 10.0.0.1:9 to 10.0.0.2:9, for us. */
static void
vfsi_loop_frame(struct vfsi_priv *priv, const struct rte_ether_addr *mac)
{
	struct rte_ether_hdr *eh = (struct rte_ether_hdr *)priv->loop_frame;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eh + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	uint16_t l3_len = VFSI_LOOP_FRAME_LEN - sizeof(*eh);

	memset(priv->loop_frame, 0, sizeof(priv->loop_frame));
	rte_ether_addr_copy(mac, &eh->dst_addr);
	rte_eth_random_addr(eh->src_addr.addr_bytes);
	eh->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->total_length = rte_cpu_to_be_16(l3_len);
	ip->src_addr = RTE_BE32(RTE_IPV4(10, 0, 0, 1));
	ip->dst_addr = RTE_BE32(RTE_IPV4(10, 0, 0, 2));
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	udp->src_port = RTE_BE16(9);
	udp->dst_port = RTE_BE16(9);
	udp->dgram_len = rte_cpu_to_be_16(l3_len - sizeof(*ip));
}

/*
 * What vdev and PCI probes share, once the port is allocated and priv's
 * ifname, ctl_path and loop are set: the TAP, the MAC, the operations and
 * the removal watcher.  On failure the caller releases the port.
 */
static int
vfsi_setup(struct rte_eth_dev *dev, const struct rte_ether_addr *mac)
{
	struct vfsi_priv *priv = dev->data->dev_private;
	const char *name = dev->data->name;
	int fd;

	priv->max_queues = VFSI_MAX_QUEUES;
	if (priv->reset_timeout_ms == 0)
		priv->reset_timeout_ms = VFSI_RESET_TIMEOUT_MS;
	if (priv->loop) {
		vfsi_loop_frame(priv, mac);
		strlcpy(priv->ifname, "none (loop)", sizeof(priv->ifname));
		goto no_tap;
	}
	fd = vfsi_tap_open(priv, true);
	if (fd == -EINVAL) {
		/* A TAP made beforehand without multi_queue: one queue. */
		priv->max_queues = 1;
		fd = vfsi_tap_open(priv, false);
	}
	if (fd < 0) {
		VFSI_LOG(ERR, "%s: cannot attach TAP %s: %s", name,
			priv->ifname, strerror(-fd));
		return fd;
	}
	priv->fds[0] = fd;
	priv->nb_fds = 1;
	priv->ifindex = if_nametoindex(priv->ifname);
	vfsi_tap_up(priv->ifname);

no_tap:

	dev->data->mac_addrs = rte_zmalloc(name, sizeof(*mac), 0);
	if (dev->data->mac_addrs == NULL)
		return -ENOMEM;
	rte_ether_addr_copy(mac, dev->data->mac_addrs);
	memcpy(priv->rss_key, vfsi_default_rss_key, VFSI_RSS_KEY_LEN);
	dev->dev_ops = &vfsi_ops;
	dev->rx_pkt_burst = priv->loop ? vfsi_loop_rx_burst : vfsi_rx_burst;
	dev->tx_pkt_burst = priv->loop ? vfsi_loop_tx_burst : vfsi_tx_burst;
	dev->data->dev_flags |= RTE_ETH_DEV_INTR_LSC | RTE_ETH_DEV_INTR_RMV |
		RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS;

	/* The state at attach is the baseline: only a later change removes. */
	priv->ctl_last = vfsi_ctl_read(priv);
	if (priv->ctl_path[0] != '\0' &&
	    rte_eal_alarm_set(priv->pci ? VFSI_PCI_PERIOD_US :
			      VFSI_CTL_PERIOD_US, vfsi_ctl_poll, priv) != 0)
		return -EIO;
	rte_eth_dev_probing_finish(dev);
	VFSI_LOG(NOTICE, "%s: port %u on TAP %s, MAC " RTE_ETHER_ADDR_PRT_FMT
		", %u queues, control %s", name, dev->data->port_id,
		priv->ifname, RTE_ETHER_ADDR_BYTES(mac), priv->max_queues,
		priv->ctl_path[0] ? priv->ctl_path : "none");
	return 0;
}

static void
vfsi_setup_undo(struct rte_eth_dev *dev)
{
	struct vfsi_priv *priv = dev->data->dev_private;

	rte_eal_alarm_cancel(vfsi_ctl_poll, priv);
	if (priv->nb_fds > 0)
		close(priv->fds[0]);
	priv->nb_fds = 0;
	rte_eth_dev_release_port(dev);
}

/* Tap mode in a secondary: the queues' file descriptors are not ours. */
static uint16_t
vfsi_none_burst(void *queue __rte_unused, struct rte_mbuf **pkts __rte_unused,
		uint16_t n __rte_unused)
{
	return 0;
}

/* A secondary process's port of the primary's device. */
static int
vfsi_attach_secondary(struct rte_eth_dev *dev, struct rte_device *device)
{
	struct vfsi_priv *priv;

	if (dev == NULL)
		return -ENODEV;
	priv = dev->data->dev_private;
	dev->device = device;
	dev->dev_ops = &vfsi_ops;
	dev->rx_pkt_burst = priv->loop ? vfsi_loop_rx_burst : vfsi_none_burst;
	dev->tx_pkt_burst = priv->loop ? vfsi_loop_tx_burst : vfsi_none_burst;
	if (!priv->loop)
		VFSI_LOG(NOTICE, "%s: tap mode moves frames in the primary process only",
			dev->data->name);
	rte_eth_dev_probing_finish(dev);
	return 0;
}

static int
vfsi_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct rte_ether_addr mac;
	struct rte_eth_dev *dev;
	struct vfsi_priv *priv;
	bool have_mac;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return vfsi_attach_secondary(rte_eth_dev_attach_secondary(name),
				&vdev->device);
	dev = rte_eth_vdev_allocate(vdev, sizeof(*priv));
	if (dev == NULL)
		return -ENOMEM;
	priv = dev->data->dev_private;
	priv->dev = dev;
	memset(priv->fds, -1, sizeof(priv->fds));
	ret = vfsi_parse_args(vdev, priv, &mac, &have_mac);
	if (ret == 0) {
		if (!have_mac)
			rte_eth_random_addr(mac.addr_bytes);
		ret = vfsi_setup(dev, &mac);
	}
	if (ret != 0)
		vfsi_setup_undo(dev);
	return ret;
}

static int
vfsi_remove_port(struct rte_eth_dev *dev)
{
	/* Already closed by the application: nothing left to release. */
	if (dev == NULL)
		return 0;
	/* A secondary's port: the device is the primary's to remove. */
	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return rte_eth_dev_release_port(dev);
	/*
	 * Detached while running: as the device leaves the bus, whoever
	 * drives it hears of it (RMV) before its queues are freed below.
	 */
	if (dev->data->dev_started &&
	    !vfsi_is_removed(dev->data->dev_private))
		vfsi_surprise_removal(dev->data->dev_private, "its detach");
	vfsi_dev_close(dev);
	return rte_eth_dev_release_port(dev);
}

static int
vfsi_remove(struct rte_vdev_device *vdev)
{
	return vfsi_remove_port(rte_eth_dev_allocated(
			rte_vdev_device_name(vdev)));
}

static struct rte_vdev_driver vfsi_driver = {
	.probe = vfsi_probe,
	.remove = vfsi_remove,
};

/* ---- PCI ---------------------------------------------------------------- */

/*
 * The kernel's network interface of a PCI device, and its MAC, as a
 * bifurcated driver finds them. -EAGAIN while the driver has not
 * registered one yet.
 */
static int
vfsi_pci_netdev(const char *sysfs, char *ifname, struct rte_ether_addr *mac)
{
	char path[PATH_MAX];
	struct dirent *e;
	struct ifreq ifr;
	int ret = -EAGAIN;
	DIR *d;
	int s;

	if (snprintf(path, sizeof(path), "%s/net", sysfs) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	d = opendir(path);
	if (d == NULL)
		return -EAGAIN;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || strlen(e->d_name) >= IFNAMSIZ)
			continue;
		strlcpy(ifname, e->d_name, IFNAMSIZ);
		ret = 0;
		break;
	}
	closedir(d);
	if (ret != 0)
		return ret;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	ret = ioctl(s, SIOCGIFHWADDR, &ifr) == 0 ? 0 : -errno;
	close(s);
	if (ret == 0)
		memcpy(mac->addr_bytes, ifr.ifr_hwaddr.sa_data, RTE_ETHER_ADDR_LEN);
	return ret;
}

static int
vfsi_pci_args(struct rte_pci_device *pdev, struct vfsi_priv *priv)
{
	static const char *const keys[] = { VFSI_ARG_MODE, VFSI_ARG_BURST_US,
		NULL };
	struct rte_kvargs *kv;
	int ret;

	if (pdev->device.devargs == NULL || pdev->device.devargs->args == NULL ||
	    pdev->device.devargs->args[0] == '\0')
		return 0;
	kv = rte_kvargs_parse(pdev->device.devargs->args, keys);
	if (kv == NULL) {
		VFSI_LOG(ERR, "%s: invalid devargs '%s' (PCI: mode=, burst_us= only)",
			pdev->device.name, pdev->device.devargs->args);
		return -EINVAL;
	}
	ret = rte_kvargs_process(kv, VFSI_ARG_MODE, vfsi_arg_mode, &priv->loop);
	if (ret == 0)
		ret = rte_kvargs_process(kv, VFSI_ARG_BURST_US, vfsi_arg_us,
				&priv->burst_us);
	rte_kvargs_free(kv);
	return ret;
}

static int
vfsi_pci_probe(struct rte_pci_driver *drv __rte_unused,
		struct rte_pci_device *pdev)
{
	const char *name = pdev->device.name;
	struct rte_ether_addr mac;
	struct rte_eth_dev *dev;
	struct vfsi_priv *priv;
	char ifname[IFNAMSIZ];
	char sysfs[PATH_MAX / 2];
	struct stat st;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return vfsi_attach_secondary(rte_eth_dev_pci_allocate(pdev, 0),
				&pdev->device);
	if (snprintf(sysfs, sizeof(sysfs), "%s/%s", rte_pci_get_sysfs_path(),
		     name) >= (int)sizeof(sysfs) || stat(sysfs, &st) != 0)
		return -ENODEV;
	ret = vfsi_pci_netdev(sysfs, ifname, &mac);
	if (ret != 0) {
		VFSI_LOG(ERR, "%s: no network interface%s", name,
			ret == -EAGAIN ? " registered yet" : "");
		return ret;
	}
	dev = rte_eth_dev_pci_allocate(pdev, sizeof(*priv));
	if (dev == NULL)
		return -ENOMEM;
	priv = dev->data->dev_private;
	priv->dev = dev;
	memset(priv->fds, -1, sizeof(priv->fds));
	strlcpy(priv->ifname, ifname, sizeof(priv->ifname));
	strlcpy(priv->ctl_path, sysfs, sizeof(priv->ctl_path));
	priv->pci = true;
	priv->sysfs_ino = st.st_ino;
	ret = vfsi_pci_args(pdev, priv);
	if (ret == 0)
		ret = vfsi_setup(dev, &mac);
	if (ret != 0)
		vfsi_setup_undo(dev);
	return ret;
}

static int
vfsi_pci_remove(struct rte_pci_device *pdev)
{
	return vfsi_remove_port(rte_eth_dev_allocated(pdev->device.name));
}

/* hv-host's VF ids: ConnectX-4 Lx and ConnectX-5 VFs, MANA. */
static const struct rte_pci_id vfsi_pci_ids[] = {
	{ RTE_PCI_DEVICE(0x15b3, 0x1016) },
	{ RTE_PCI_DEVICE(0x15b3, 0x1018) },
	{ RTE_PCI_DEVICE(0x1414, 0x00ba) },
	{ .vendor_id = 0 },
};

/* A bifurcated driver: the kernel keeps the device, nothing is mapped. */
static struct rte_pci_driver vfsi_pci_driver = {
	.id_table = vfsi_pci_ids,
	.drv_flags = RTE_PCI_DRV_INTR_LSC | RTE_PCI_DRV_INTR_RMV,
	.probe = vfsi_pci_probe,
	.remove = vfsi_pci_remove,
};

RTE_PMD_REGISTER_VDEV(net_vfstandin, vfsi_driver);
RTE_PMD_REGISTER_PCI(net_vfstandin_pci, vfsi_pci_driver);
RTE_PMD_REGISTER_PCI_TABLE(net_vfstandin_pci, vfsi_pci_ids);
RTE_PMD_REGISTER_PARAM_STRING(net_vfstandin_pci,
	VFSI_ARG_MODE "=tap|loop "
	VFSI_ARG_BURST_US "=<us>");
RTE_PMD_REGISTER_PARAM_STRING(net_vfstandin,
	VFSI_ARG_MAC "=<mac> "
	VFSI_ARG_IFACE "=<ifname> "
	VFSI_ARG_CTL "=<path> "
	VFSI_ARG_MODE "=tap|loop");
