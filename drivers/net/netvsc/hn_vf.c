/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Accelerated networking (doc/guides/nics/netvsc_protocol.rst, "VF
 * association and data path switch" and "Surprise removal of the VF").
 *
 * A port whose MAC equals the synthetic NIC's is our VF: it is claimed
 * (ethdev ownership) as soon as it is seen, at probe or on
 * RTE_ETH_EVENT_NEW, so the application never drives it. Once the host
 * has offered a VF (SEND_VF_ASSOCIATION allocated=1) and the netvsc port
 * is started, the VF gets the port's configuration, is started, the host
 * is asked to switch the data path, and only then do the bursts use it.
 * A withdrawal, a removal event (RTE_ETH_EVENT_INTR_RMV) or the port
 * going away (RTE_ETH_EVENT_DESTROY) unpublishes the VF from the data
 * path first, waits for bursts in flight to leave it, switches the host
 * back to synthetic, and then stops and releases the VF.
 *
 * A VF whose driver recovers it from an error (ethdev's error recovery
 * events; the mana PMD does it across a MANA service reset) leaves the
 * data path the same way on RTE_ETH_EVENT_ERR_RECOVERING but is kept,
 * untouched until the outcome; RECOVERY_SUCCESS brings it back as the
 * host's offer and the port's state allow, RECOVERY_FAILED releases it
 * as a removal does.
 *
 * The VF device's return (Azure servicing, live migration): the host
 * withdraws the association and hot-removes the device, later hot-adds
 * one (possibly at another PCI address) and offers the association again.
 * With vf_auto_attach=1 (default) the PMD attaches that device itself:
 * it runs EAL's device event monitor, and on a PCI add, or while the host
 * offers a VF it does not have, looks for the PCI device whose network
 * interface carries the NIC's MAC and attaches it with the devargs the
 * VF had; the claim above then takes it.
 *
 * Threads: host notices arrive on whichever lcore reads the primary
 * channel, so they only schedule an alarm; all VF control work runs under
 * vf.lock in the application's control thread or the interrupt thread.
 * The bursts read vf.dp_port (receive: vf.rx_port) and a per-queue
 * sequence (hn_vf.h), no lock.
 *
 * Secondary processes share all of this (the context lives in the port's
 * shared memory) but each has its own port of the VF, which the primary
 * does not see. EAL attaches the VF device in the secondaries when they
 * start and when the primary attaches it; a secondary uses the VF once
 * its own port of it is there (hn_vf_local), and before the primary lets
 * a VF go it asks the secondaries to release theirs (hn_mp.c): the
 * primary closes the port before it detaches the device, and EAL's
 * detach in a secondary then no longer finds the port by its name. The
 * VF's bursts are called through the process's own port (its driver's
 * function, the queue from the shared data at each call), not through
 * rte_eth_rx_burst: a secondary's fast-path table of a port is filled
 * once, when the port attaches there (before the primary configures the
 * VF), and would keep that queue array for good.
 */

#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bus_driver.h>
#include <rte_alarm.h>
#include <rte_bus.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <ethdev_driver.h>
#include <rte_malloc.h>
#include <rte_pause.h>

#include "hn_var.h"
#include "hn_nvs.h"
#include "hn_vf.h"

static_assert(HN_VF_MAX_QUEUES == HN_MAX_CHANNELS, "one guard per channel");

/* How long a burst may keep the VF before the wait for it says so. */
#define HN_VF_QUIESCE_WARN_MS	100
/* Let the application, or a driver, finish attaching or releasing a port. */
#define HN_VF_SETTLE_US		(100 * 1000)
/*
 * Attach attempts after a PCI add: the first when a driver has had time
 * to register the interface, then doubling up to the longest interval,
 * for as long as the host offers a VF we do not have, or for the window
 * after an add (the offer follows the add; another NIC's VF never
 * matches, so its add must not keep us looking for ever).
 */
#define HN_VF_HUNT_FIRST_MS	100
#define HN_VF_HUNT_MAX_MS	2000
#define HN_VF_HUNT_WINDOW_MS	30000
#define HN_VF_PCI_DEVICES	"/sys/bus/pci/devices"

static const char *const hn_vf_op_names[HN_VF_OP_COUNT] = {
	[HN_VF_OP_PROMISC] = "promiscuous mode",
	[HN_VF_OP_ALLMULTI] = "all-multicast mode",
	[HN_VF_OP_MTU] = "MTU setting",
	[HN_VF_OP_RETA] = "RSS redirection table",
	[HN_VF_OP_RSS_HASH] = "RSS hash configuration",
	[HN_VF_OP_STATS] = "statistics",
};

/* Our own transition counters, ahead of the VF's own xstats. */
static const char *const hn_vf_own_xstats[] = {
	"vf_datapath_to_vf",
	"vf_datapath_to_synthetic",
	"vf_taken",
	"vf_released",
	"vf_attach_attempts",
	"vf_attach_successes",
	"vf_blackout_last_ms",
	"vf_blackout_longest_ms",
	"vf_blackout_total_ms",
	"vf_recoveries",
	"vf_recovery_successes",
	"vf_recovery_failures",
};

#define HN_VF_OWN_XSTATS	RTE_DIM(hn_vf_own_xstats)

/*
 * In a secondary process: for each netvsc port, the VF port attached in
 * this process, plus one (0: none). Process-local, unlike all the rest.
 */
static uint16_t hn_vf_local[RTE_MAX_ETHPORTS];
static bool hn_vf_in_secondary;
/* This process, as the guards name it. */
static int32_t hn_vf_pid;

/* Data path */

static inline bool
hn_vf_usable(const struct hn_data *hv, uint16_t port)
{
	return likely(!hn_vf_in_secondary) ||
		__atomic_load_n(&hn_vf_local[hv->port_id], __ATOMIC_ACQUIRE) ==
		port + 1;
}

static inline uint16_t
hn_vf_rx_burst(uint16_t port, uint16_t qid, struct rte_mbuf **pkts,
	       uint16_t n)
{
	struct rte_eth_dev *dev = &rte_eth_devices[port];

	return dev->rx_pkt_burst(dev->data->rx_queues[qid], pkts, n);
}

static inline uint16_t
hn_vf_tx_burst(uint16_t port, uint16_t qid, struct rte_mbuf **pkts,
	       uint16_t n)
{
	struct rte_eth_dev *dev = &rte_eth_devices[port];

	return dev->tx_pkt_burst(dev->data->tx_queues[qid], pkts, n);
}

static inline void
hn_vf_enter(struct hn_vf_guard *g)
{
	__atomic_store_n(&g->pid, hn_vf_pid, __ATOMIC_RELAXED);
	/* Released: whoever sees the odd sequence sees our pid. */
	__atomic_store_n(&g->seq, g->seq + 1, __ATOMIC_RELEASE);
	/* The odd sequence must be visible before dp_port is read. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline void
hn_vf_leave(struct hn_vf_guard *g)
{
	__atomic_store_n(&g->seq, g->seq + 1, __ATOMIC_RELEASE);
}

uint16_t
hn_vf_recv_pkts(void *prxq, struct rte_mbuf **pkts, uint16_t n)
{
	struct hn_rx_queue *rxq = prxq;
	struct hn_vf_ctx *vf = rxq->hv->vf;
	struct hn_vf_guard *g;
	uint16_t got, k, i, port;

	/*
	 * The synthetic channel always: it carries completions and host
	 * messages, and the host still delivers some frames there.
	 */
	got = hn_recv_pkts(prxq, pkts, n);
	if (likely(__atomic_load_n(&vf->rx_port, __ATOMIC_RELAXED) ==
		   HN_VF_NONE) || got == n)
		return got;
	g = &vf->rxg[rxq->queue_id];
	hn_vf_enter(g);
	port = __atomic_load_n(&vf->rx_port, __ATOMIC_ACQUIRE);
	if (likely(port != HN_VF_NONE) && hn_vf_usable(rxq->hv, port)) {
		k = hn_vf_rx_burst(port, rxq->queue_id, pkts + got, n - got);
		for (i = 0; i < k; i++)
			pkts[got + i]->port = rxq->port_id;
		got += k;
	}
	hn_vf_leave(g);
	return got;
}

uint16_t
hn_vf_xmit_pkts(void *ptxq, struct rte_mbuf **pkts, uint16_t n)
{
	struct hn_tx_queue *txq = ptxq;
	struct hn_vf_ctx *vf = txq->hv->vf;
	struct hn_vf_guard *g;
	uint16_t port, sent;

	if (likely(__atomic_load_n(&vf->dp_port, __ATOMIC_RELAXED) ==
		   HN_VF_NONE))
		return hn_xmit_pkts(ptxq, pkts, n);
	g = &vf->txg[txq->queue_id];
	hn_vf_enter(g);
	port = __atomic_load_n(&vf->dp_port, __ATOMIC_ACQUIRE);
	if (likely(port != HN_VF_NONE) && hn_vf_usable(txq->hv, port))
		sent = hn_vf_tx_burst(port, txq->queue_id, pkts, n);
	else
		sent = hn_xmit_pkts(ptxq, pkts, n);
	hn_vf_leave(g);
	return sent;
}

/* Control side helpers (vf.lock held) */

/*
 * Wait for a burst inside the VF to leave it. There is no giving up: the
 * VF is stopped and closed next, under a burst still using it. A burst
 * that takes long is said so, once a second, and its process is looked
 * for: one that has ended left no burst, only the odd sequence, which is
 * then moved on in its place.
 */
static void
hn_vf_quiesce(struct hn_vf_guard *g)
{
	uint32_t s = __atomic_load_n(&g->seq, __ATOMIC_ACQUIRE);
	int32_t pid = __atomic_load_n(&g->pid, __ATOMIC_RELAXED);
	uint64_t hz = rte_get_timer_hz(), start, next;

	if (!(s & 1))
		return;
	start = rte_get_timer_cycles();
	next = start + hz * HN_VF_QUIESCE_WARN_MS / 1000;
	while (__atomic_load_n(&g->seq, __ATOMIC_ACQUIRE) == s) {
		if (rte_get_timer_cycles() > next) {
			if (pid > 0 && pid != hn_vf_pid && kill(pid, 0) != 0 &&
			    errno == ESRCH &&
			    __atomic_compare_exchange_n(&g->seq, &s, s + 1,
					false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE)) {
				HN_LOG(WARNING, "process %d ended inside a burst of the VF; not waiting for it",
				       (int)pid);
				return;
			}
			HN_LOG(WARNING, "a burst has kept the VF for %" PRIu64 " ms; waiting for it",
			       (next - start) * 1000 / hz);
			next += hz;
		}
		rte_pause();
	}
}

/*
 * A blackout is time during which frames of a direction had no path
 * (doc/guides/nics/netvsc.rst, "Servicing"): received frames steered by
 * the host to a VF that the bursts do not read or that is gone, or
 * transmitted frames handed to a VF that is gone. The host steers to the
 * VF from our switch request until either side moves back; a VF is gone
 * from its removal event on, and while its driver recovers it. Leaving a VF that still works is none: with
 * the host switched back first (Azure's servicing), or the VF only
 * withdrawn, the synthetic path carries at once and the VF keeps
 * receiving until it is removed. Evaluated at every change of those
 * (lock held); a blackout runs from the first change that makes it one
 * to the change that ends it.
 */
static void
hn_vf_blackout_check(struct hn_data *hv)
{
	struct hn_vf_ctx *vf = hv->vf;
	bool gone = vf->removing || vf->recovering || vf->port == HN_VF_NONE;
	bool host_vf = vf->switched &&
		!__atomic_load_n(&hv->vf_host_synthetic, __ATOMIC_RELAXED);
	uint64_t ms;

	if ((host_vf && (vf->rx_port == HN_VF_NONE || gone)) ||
	    (vf->dp_port != HN_VF_NONE && gone)) {
		if (vf->blackout_start == 0)
			vf->blackout_start = rte_get_timer_cycles();
		return;
	}
	if (vf->blackout_start == 0)
		return;
	ms = (rte_get_timer_cycles() - vf->blackout_start) * 1000 /
		rte_get_timer_hz();
	vf->blackout_start = 0;
	vf->blackout_last_ms = ms;
	vf->blackout_max_ms = RTE_MAX(vf->blackout_max_ms, ms);
	vf->blackout_total_ms += ms;
}

/*
 * Take the VF out of the data path; on return no burst uses it, or with
 * keep_rx no transmit burst (receive goes on reading the VF, rx_port).
 */
static void
hn_vf_dp_off(struct hn_data *hv, bool keep_rx)
{
	struct hn_vf_ctx *vf = hv->vf;
	bool rx_off = !keep_rx && vf->rx_port != HN_VF_NONE;
	unsigned int i;

	if (vf->dp_port == HN_VF_NONE && !rx_off)
		return;
	__atomic_store_n(&vf->dp_port, HN_VF_NONE, __ATOMIC_RELAXED);
	if (rx_off)
		__atomic_store_n(&vf->rx_port, HN_VF_NONE, __ATOMIC_RELAXED);
	hn_vf_blackout_check(hv);
	/*
	 * Store then load, as the bursts do (hn_vf_enter): each side needs a
	 * full fence between the two, or both may read the other's old
	 * value (store buffering) and a burst enters the VF unseen.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (i = 0; i < HN_VF_MAX_QUEUES; i++) {
		if (rx_off)
			hn_vf_quiesce(&vf->rxg[i]);
		hn_vf_quiesce(&vf->txg[i]);
	}
}

static void
hn_vf_switch(struct hn_data *hv, bool to_vf)
{
	struct hn_vf_ctx *vf = hv->vf;
	int ret;

	if (vf->switched == to_vf)
		return;
	ret = hn_nvs_set_datapath(hv, to_vf ? HN_NVS_DATAPATH_VF :
				  HN_NVS_DATAPATH_SYNTHETIC);
	if (ret != 0) {
		HN_LOG(ERR, "port %u: cannot ask the host for the %s data path: %d",
		       hv->port_id, to_vf ? "VF" : "synthetic", ret);
		/* Going back never waits for the host. */
		if (to_vf)
			return;
	}
	vf->switched = to_vf;
	if (to_vf)
		vf->n_to_vf++;
	else
		vf->n_to_synthetic++;
	hn_vf_blackout_check(hv);
	HN_LOG(NOTICE, "port %u: data path switched to %s (VF port %u)",
	       hv->port_id, to_vf ? "the VF" : "synthetic", vf->port);
}

/* A VF operation failed: once per kind when the VF lacks it. */
static void
hn_vf_op_result(struct hn_data *hv, enum hn_vf_op op, int ret)
{
	struct hn_vf_ctx *vf = hv->vf;

	if (ret == 0)
		return;
	if (ret == -ENOTSUP) {
		if (!(vf->warned & (1u << op)))
			HN_LOG(NOTICE, "VF port %u has no %s; the port goes on without it",
			       vf->port, hn_vf_op_names[op]);
		vf->warned |= 1u << op;
		return;
	}
	HN_LOG(ERR, "VF port %u: %s failed: %d", vf->port, hn_vf_op_names[op],
	       ret);
}

static void
hn_vf_stats_sum(struct rte_eth_stats *d, const struct rte_eth_stats *s)
{
	d->ipackets += s->ipackets;
	d->opackets += s->opackets;
	d->ibytes += s->ibytes;
	d->obytes += s->obytes;
	d->imissed += s->imissed;
	d->ierrors += s->ierrors;
	d->oerrors += s->oerrors;
	d->rx_nombuf += s->rx_nombuf;
#ifndef HN_QUEUE_STATS_APART
	for (unsigned int i = 0; i < RTE_ETHDEV_QUEUE_STAT_CNTRS; i++) {
		d->q_ipackets[i] += s->q_ipackets[i];
		d->q_opackets[i] += s->q_opackets[i];
		d->q_ibytes[i] += s->q_ibytes[i];
		d->q_obytes[i] += s->q_obytes[i];
		d->q_errors[i] += s->q_errors[i];
	}
#endif
}

static int hn_vf_event_cb(uint16_t port, enum rte_eth_event_type ev,
			  void *arg, void *out);

/* The events of the VF port we listen to. */
static const enum rte_eth_event_type hn_vf_port_events[] = {
	RTE_ETH_EVENT_INTR_RMV,
	RTE_ETH_EVENT_DESTROY,
	RTE_ETH_EVENT_ERR_RECOVERING,
	RTE_ETH_EVENT_RECOVERY_SUCCESS,
	RTE_ETH_EVENT_RECOVERY_FAILED,
};

/* Not from inside the callback itself, where ethdev refuses it. */
static void
hn_vf_unregister(struct hn_data *hv)
{
	struct hn_vf_ctx *vf = hv->vf;
	unsigned int i;

	if (vf->cb_port == HN_VF_NONE)
		return;
	for (i = 0; i < RTE_DIM(hn_vf_port_events); i++)
		rte_eth_dev_callback_unregister(vf->cb_port,
				hn_vf_port_events[i], hn_vf_event_cb, hv);
	vf->cb_port = HN_VF_NONE;
}

/*
 * The VF may take control calls: it is ours, and neither going away nor
 * being recovered by its driver.
 */
static bool
hn_vf_ctl_ok(const struct hn_data *hv)
{
	const struct hn_vf_ctx *vf = hv->vf;

	return vf->port != HN_VF_NONE && !vf->removing && !vf->recovering &&
		hn_vf_usable(hv, vf->port);
}

/* What the VF device was attached with, to attach its return alike. */
static void
hn_vf_keep_devargs(struct hn_vf_ctx *vf, const struct rte_device *dev)
{
	const char *args = dev != NULL && dev->devargs != NULL ?
		dev->devargs->args : NULL;

	if (args == NULL)
		args = "";
	if (strlen(args) >= sizeof(vf->devargs)) {
		HN_LOG(NOTICE, "VF devargs '%s' too long to keep; its return is attached without them",
		       args);
		args = "";
	}
	snprintf(vf->devargs, sizeof(vf->devargs), "%s", args);
}

/* Claim port as our VF if it carries our MAC and nobody else owns it. */
static bool
hn_vf_claim(struct hn_data *hv, uint16_t port, bool quiet)
{
	struct hn_vf_ctx *vf = hv->vf;
	struct rte_eth_dev_owner owner;
	struct rte_ether_addr mac;
	unsigned int i;

	if (port == hv->port_id || vf->port != HN_VF_NONE || !vf->owner_ok ||
	    !rte_eth_dev_is_valid_port(port))
		return false;
	if (rte_eth_macaddr_get(port, &mac) != 0 ||
	    !hn_vf_mac_match(&hv->mac, &mac) || hn_is_netvsc_port(port))
		return false;
	if (rte_eth_dev_owner_get(port, &owner) != 0)
		return false;
	if (owner.id != RTE_ETH_DEV_NO_OWNER && owner.id != vf->owner_id) {
		if (!quiet)
			HN_LOG(NOTICE, "port %u has our MAC but belongs to '%s'; not taken as VF",
			       port, owner.name);
		return false;
	}
	if (owner.id == RTE_ETH_DEV_NO_OWNER) {
		owner.id = vf->owner_id;
		snprintf(owner.name, sizeof(owner.name), "net_netvsc port %u",
			 hv->port_id);
		if (rte_eth_dev_owner_set(port, &owner) != 0) {
			HN_LOG(ERR, "cannot take ownership of port %u", port);
			return false;
		}
	}
	if (vf->cb_port != port)
		hn_vf_unregister(hv);
	for (i = 0; i < RTE_DIM(hn_vf_port_events); i++)
		rte_eth_dev_callback_register(port, hn_vf_port_events[i],
					      hn_vf_event_cb, hv);
	vf->cb_port = port;
	vf->port = port;
	/* Found: an add seen before this one no longer calls for a search. */
	vf->hunt_until = 0;
	hn_vf_keep_devargs(vf, rte_eth_devices[port].device);
	/* A secondary's port of it is found by this name. */
	snprintf(vf->eth_name, sizeof(vf->eth_name), "%s",
		 rte_eth_devices[port].data->name);
	vf->configured = false;
	vf->started = false;
	vf->removing = false;
	vf->recovering = false;
	vf->warned = 0;
	memset(&vf->last, 0, sizeof(vf->last));
	vf->n_taken++;
	HN_LOG(NOTICE, "port %u: took port %u (%s) as its VF", hv->port_id,
	       port, rte_eth_devices[port].data->name);
	return true;
}

static bool
hn_vf_scan(struct hn_data *hv, bool quiet)
{
	uint16_t port;

	for (port = 0; port < RTE_MAX_ETHPORTS; port++)
		if (hn_vf_claim(hv, port, quiet))
			return true;
	return false;
}

/*
 * Forget the VF. With close, stop and close the port and, for a device
 * that was hot-removed, detach it so that it can be attached again.
 */
static void
hn_vf_release(struct hn_data *hv, bool close, bool remove)
{
	struct hn_vf_ctx *vf = hv->vf;
	uint16_t port = vf->port, p;
	struct rte_eth_stats st;
	struct rte_device *dev;
	bool shared = false;

	if (port == HN_VF_NONE)
		return;
	hn_vf_dp_off(hv, false);
	hn_vf_switch(hv, false);
	if (close && rte_eth_stats_get(port, &st) == 0)
		vf->last = st;
	hn_vf_stats_sum(&vf->retired, &vf->last);
	memset(&vf->last, 0, sizeof(vf->last));
	vf->port = HN_VF_NONE;
	vf->configured = false;
	vf->started = false;
	vf->removing = false;
	vf->recovering = false;
	vf->n_released++;
	HN_LOG(NOTICE, "port %u: VF port %u released", hv->port_id, port);
	/* No burst uses it any more; the secondaries' ports of it go first. */
	hn_mp_vf_remove(hv, port);
	if (!close)
		return;	/* destroyed by its owner; callbacks go at close */
	hn_vf_unregister(hv);
	if (rte_eth_devices[port].data->dev_started)
		rte_eth_dev_stop(port);
	rte_eth_dev_owner_unset(port, vf->owner_id);
	dev = rte_eth_devices[port].device;
	if (rte_eth_dev_close(port) != 0)
		HN_LOG(ERR, "cannot close VF port %u", port);
	if (!remove || dev == NULL)
		return;
	for (p = 0; p < RTE_MAX_ETHPORTS; p++)
		if (rte_eth_dev_is_valid_port(p) &&
		    rte_eth_devices[p].device == dev)
			shared = true;
	if (!shared && rte_dev_remove(dev) != 0)
		HN_LOG(ERR, "cannot detach the removed VF device");
}

static void
hn_vf_mask(uint64_t *want, uint64_t capa, uint16_t port, const char *what)
{
	if ((*want & ~capa) == 0)
		return;
	HN_LOG(NOTICE, "VF port %u lacks %s offloads %#" PRIx64 "; not used on it",
	       port, what, *want & ~capa);
	*want &= capa;
}

static uint16_t
hn_vf_desc(uint16_t nb, const struct rte_eth_desc_lim *lim)
{
	if (nb > lim->nb_max)
		nb = lim->nb_max;
	if (nb < lim->nb_min)
		nb = lim->nb_min;
	if (lim->nb_align > 1)
		nb = RTE_ALIGN_CEIL(nb, lim->nb_align);
	return nb;
}

static void
hn_vf_apply_rx_mode(struct hn_data *hv)
{
	uint16_t port = hv->vf->port;

	hn_vf_op_result(hv, HN_VF_OP_PROMISC, hv->promisc ?
			rte_eth_promiscuous_enable(port) :
			rte_eth_promiscuous_disable(port));
	hn_vf_op_result(hv, HN_VF_OP_ALLMULTI, hv->allmulti ?
			rte_eth_allmulticast_enable(port) :
			rte_eth_allmulticast_disable(port));
}

/* The netvsc port's RSS key, hash types and table, as far as the VF can. */
static void
hn_vf_apply_rss(struct hn_data *hv)
{
	struct rte_eth_rss_reta_entry64 reta[RTE_ETH_RSS_RETA_SIZE_512 /
					     RTE_ETH_RETA_GROUP_SIZE];
	uint16_t port = hv->vf->port, i;
	struct rte_eth_rss_conf rss;
	struct rte_eth_dev_info vi;
	uint8_t key[64];

	if (hv->eth_dev->data->nb_rx_queues <= 1 ||
	    rte_eth_dev_info_get(port, &vi) != 0)
		return;
	memset(&rss, 0, sizeof(rss));
	rss.rss_key = key;
	rss.rss_key_len = sizeof(key);
	if (rte_eth_dev_rss_hash_conf_get(hv->port_id, &rss) == 0) {
		rss.rss_hf &= vi.flow_type_rss_offloads;
		if (rss.rss_key_len != vi.hash_key_size)
			rss.rss_key = NULL;
		hn_vf_op_result(hv, HN_VF_OP_RSS_HASH,
				rte_eth_dev_rss_hash_update(port, &rss));
	}
	if (vi.reta_size == 0 || vi.reta_size > RTE_ETH_RSS_RETA_SIZE_512)
		return;
	memset(reta, 0, sizeof(reta));
	for (i = 0; i < vi.reta_size; i++) {
		reta[i / RTE_ETH_RETA_GROUP_SIZE].mask |=
			UINT64_C(1) << (i % RTE_ETH_RETA_GROUP_SIZE);
		reta[i / RTE_ETH_RETA_GROUP_SIZE].reta[i %
			RTE_ETH_RETA_GROUP_SIZE] =
			hv->rss_ind[i % HN_RSS_IND_SIZE];
	}
	hn_vf_op_result(hv, HN_VF_OP_RETA,
			rte_eth_dev_rss_reta_update(port, reta, vi.reta_size));
}

/* Give the VF everything the application set on the netvsc port. */
static int
hn_vf_apply_config(struct hn_data *hv)
{
	struct hn_vf_ctx *vf = hv->vf;
	struct rte_eth_dev_data *data = hv->eth_dev->data;
	struct rte_eth_conf conf = data->dev_conf;
	uint16_t port = vf->port, nrx = data->nb_rx_queues;
	uint16_t ntx = data->nb_tx_queues, i;
	struct rte_eth_rxconf rxc;
	struct rte_eth_txconf txc;
	struct rte_eth_dev_info vi;
	int ret;

	ret = rte_eth_dev_info_get(port, &vi);
	if (ret != 0)
		return ret;
	if (nrx > vi.max_rx_queues || ntx > vi.max_tx_queues ||
	    nrx > HN_VF_MAX_QUEUES || ntx > HN_VF_MAX_QUEUES) {
		HN_LOG(ERR, "VF port %u has %u/%u queues, the port uses %u/%u; data path stays synthetic",
		       port, vi.max_rx_queues, vi.max_tx_queues, nrx, ntx);
		return -ENOTSUP;
	}
	if (rte_eth_devices[port].data->dev_started)
		rte_eth_dev_stop(port);
	conf.intr_conf.lsc = 0;
	conf.intr_conf.rxq = 0;
	/* Removal must reach us (netvsc_protocol.rst, "Surprise removal of
	 * the VF").
	 */
	conf.intr_conf.rmv = 1;
	if (!(rte_eth_devices[port].data->dev_flags & RTE_ETH_DEV_INTR_RMV)) {
		HN_LOG(NOTICE, "VF port %u raises no removal events", port);
		conf.intr_conf.rmv = 0;
	}
	hn_vf_mask(&conf.rxmode.offloads, vi.rx_offload_capa, port, "receive");
	hn_vf_mask(&conf.txmode.offloads, vi.tx_offload_capa, port,
		   "transmit");
	conf.rx_adv_conf.rss_conf.rss_hf &= vi.flow_type_rss_offloads;
	if (conf.rx_adv_conf.rss_conf.rss_key_len != vi.hash_key_size)
		conf.rx_adv_conf.rss_conf.rss_key = NULL;
	conf.rxmode.mtu = data->mtu;
	ret = rte_eth_dev_configure(port, nrx, ntx, &conf);
	if (ret != 0) {
		HN_LOG(ERR, "cannot configure VF port %u: %d", port, ret);
		return ret;
	}
	for (i = 0; i < nrx; i++) {
		if (!vf->rxq[i].set)
			return -EINVAL;
		rxc = vf->rxq[i].conf;
		rxc.offloads &= vi.rx_offload_capa;
		ret = rte_eth_rx_queue_setup(port, i,
				hn_vf_desc(vf->rxq[i].nb_desc, &vi.rx_desc_lim),
				vf->rxq[i].socket, &rxc, vf->rxq[i].mp);
		if (ret != 0) {
			HN_LOG(ERR, "VF port %u: receive queue %u: %d", port,
			       i, ret);
			return ret;
		}
	}
	for (i = 0; i < ntx; i++) {
		if (!vf->txq[i].set)
			return -EINVAL;
		txc = vf->txq[i].conf;
		txc.offloads &= vi.tx_offload_capa;
		ret = rte_eth_tx_queue_setup(port, i,
				hn_vf_desc(vf->txq[i].nb_desc, &vi.tx_desc_lim),
				vf->txq[i].socket, &txc);
		if (ret != 0) {
			HN_LOG(ERR, "VF port %u: transmit queue %u: %d", port,
			       i, ret);
			return ret;
		}
	}
	hn_vf_op_result(hv, HN_VF_OP_MTU, rte_eth_dev_set_mtu(port, data->mtu));
	hn_vf_apply_rx_mode(hv);
	hn_vf_apply_rss(hv);
	vf->configured = true;
	HN_LOG(INFO, "VF port %u configured: %u/%u queues, MTU %u", port, nrx,
	       ntx, data->mtu);
	return 0;
}

static void hn_vf_sync_alarm(void *arg);
static void hn_vf_hunt_alarm(void *arg);

/* Schedule the next attach attempt unless one is pending (lock held). */
static void
hn_vf_hunt_kick(struct hn_data *hv)
{
	struct hn_vf_ctx *vf = hv->vf;

	if (!hv->args.vf_auto_attach || vf->hunt_armed || vf->closing)
		return;
	if (vf->hunt_delay_ms == 0)
		vf->hunt_delay_ms = HN_VF_HUNT_FIRST_MS;
	if (rte_eal_alarm_set(vf->hunt_delay_ms * 1000ULL, hn_vf_hunt_alarm,
			      hv) == 0)
		vf->hunt_armed = true;
}

/*
 * The VF was just released: if its return was offered, or a device was
 * added since the last VF was taken, while the old one was still ours
 * (events a thread late for a CPU sees all at once), nothing else will
 * start the search.
 */
static void
hn_vf_hunt_resume(struct hn_data *hv)
{
	if (hv->vf_offered || rte_get_timer_cycles() < hv->vf->hunt_until)
		hn_vf_hunt_kick(hv);
}

/* The MAC of network interface name, or -1. */
static int
hn_vf_if_mac(const char *name, struct rte_ether_addr *mac)
{
	struct ifreq req;
	int s, ret;

	if (strlen(name) >= sizeof(req.ifr_name))
		return -1;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	memset(&req, 0, sizeof(req));
	memcpy(req.ifr_name, name, strlen(name));
	ret = ioctl(s, SIOCGIFHWADDR, &req);
	close(s);
	if (ret != 0 || req.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		return -1;
	memcpy(mac->addr_bytes, req.ifr_hwaddr.sa_data, RTE_ETHER_ADDR_LEN);
	return 0;
}

static int
hn_vf_dev_name_cmp(const struct rte_device *dev, const void *name)
{
	return strcmp(dev->name, name);
}

/* True when PCI device name has a network interface with our MAC. */
static bool
hn_vf_pci_matches(const char *name, const struct rte_ether_addr *want)
{
	char path[PATH_MAX];
	struct rte_ether_addr mac;
	struct dirent *e;
	bool found = false;
	DIR *d;

	if (snprintf(path, sizeof(path), HN_VF_PCI_DEVICES "/%s/net", name) >=
	    (int)sizeof(path))
		return false;
	d = opendir(path);
	if (d == NULL)
		return false;	/* no interface registered (yet) */
	while (!found && (e = readdir(d)) != NULL)
		found = e->d_name[0] != '.' &&
			hn_vf_if_mac(e->d_name, &mac) == 0 &&
			rte_is_same_ether_addr(&mac, want);
	closedir(d);
	return found;
}

/*
 * One attach attempt, without the lock (probing takes long and raises
 * events that take it): attach every PCI device not yet probed whose
 * interface carries our MAC. Returns true when one was attached.
 */
static bool
hn_vf_hunt_once(struct hn_data *hv, const char *devargs)
{
	struct rte_bus *pci = rte_bus_find_by_name("pci");
	struct rte_device *dev;
	struct dirent *e;
	bool attached = false;
	DIR *d;
	int ret;

	if (pci == NULL)
		return false;
	d = opendir(HN_VF_PCI_DEVICES);
	if (d == NULL)
		return false;
	while (!attached && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		dev = hn_bus_find_device(pci, NULL, hn_vf_dev_name_cmp, e->d_name);
		if (dev != NULL && rte_dev_is_probed(dev))
			continue;
		if (!hn_vf_pci_matches(e->d_name, &hv->mac))
			continue;
		__atomic_fetch_add(&hv->vf->n_attach_tries, 1, __ATOMIC_RELAXED);
		HN_LOG(NOTICE, "port %u: PCI device %s carries our MAC; attaching it%s%s",
		       hv->port_id, e->d_name, devargs[0] ? " with " : "",
		       devargs);
		ret = rte_eal_hotplug_add("pci", e->d_name, devargs);
		if (ret == 0) {
			__atomic_fetch_add(&hv->vf->n_attach_ok, 1,
					   __ATOMIC_RELAXED);
			attached = true;
		} else {
			HN_LOG(NOTICE, "port %u: attaching %s failed (%d); trying again",
			       hv->port_id, e->d_name, ret);
		}
	}
	closedir(d);
	return attached;
}

static void
hn_vf_hunt_alarm(void *arg)
{
	struct hn_data *hv = arg;
	struct hn_vf_ctx *vf = hv->vf;
	char devargs[sizeof(vf->devargs)];
	bool want, attached;

	rte_spinlock_recursive_lock(&vf->lock);
	vf->hunt_armed = false;
	want = !vf->closing && vf->port == HN_VF_NONE &&
		(hv->vf_offered || rte_get_timer_cycles() < vf->hunt_until);
	memcpy(devargs, vf->devargs, sizeof(devargs));
	if (!want)
		vf->hunt_delay_ms = 0;
	rte_spinlock_recursive_unlock(&vf->lock);
	if (!want)
		return;
	attached = hn_vf_hunt_once(hv, devargs);
	rte_spinlock_recursive_lock(&vf->lock);
	if (attached) {
		vf->hunt_delay_ms = 0;
		/* The claim follows the port's NEW event; look again soon. */
		hn_vf_hunt_kick(hv);
	} else {
		vf->hunt_delay_ms = RTE_MIN(vf->hunt_delay_ms * 2,
					    (uint32_t)HN_VF_HUNT_MAX_MS);
		hn_vf_hunt_kick(hv);
	}
	rte_spinlock_recursive_unlock(&vf->lock);
}

/* EAL's device events: a PCI device was hot-added. */
static void
hn_vf_dev_event(const char *name, enum rte_dev_event_type type, void *arg)
{
	struct hn_data *hv = arg;
	struct hn_vf_ctx *vf = hv->vf;

	if (type != RTE_DEV_EVENT_ADD)
		return;
	rte_spinlock_recursive_lock(&vf->lock);
	/*
	 * Noted even while the VF we had is still being removed: a thread
	 * that waited for a CPU may see the removal, the add and the host's
	 * offer all at once, and the release then starts the hunt.
	 */
	if (!vf->closing) {
		HN_LOG(INFO, "port %u: device %s added; looking for our VF",
		       hv->port_id, name);
		vf->hunt_until = rte_get_timer_cycles() +
			rte_get_timer_hz() * HN_VF_HUNT_WINDOW_MS / 1000;
		/* A fresh add: start again from the shortest wait. */
		if (!vf->hunt_armed)
			vf->hunt_delay_ms = 0;
		if (vf->port == HN_VF_NONE)
			hn_vf_hunt_kick(hv);
	}
	rte_spinlock_recursive_unlock(&vf->lock);
}

/*
 * Bring the VF and the data path to what the host and the application
 * want now. Idempotent: every event ends here.
 */
static void
hn_vf_sync(struct hn_data *hv)
{
	struct hn_vf_ctx *vf = hv->vf;
	int ret;

	if (vf->closing || !vf->owner_ok)
		return;
	if (vf->recovering) {
		/* Its driver has the VF until it reports the outcome. */
		hn_vf_dp_off(hv, false);
		hn_vf_switch(hv, false);
		return;
	}
	if (!hv->vf_offered || hv->vf_host_synthetic || !vf->nv_started) {
		/* Withdrawn or switched away by the host, the VF still
		 * works until it is removed: keep taking what it receives.
		 */
		bool keep = vf->nv_started && !vf->removing;

		hn_vf_dp_off(hv, keep);
		hn_vf_switch(hv, false);
		if (!keep && vf->port != HN_VF_NONE && vf->started &&
		    !vf->removing) {
			rte_eth_dev_stop(vf->port);
			vf->started = false;
		}
		return;
	}
	if (vf->port == HN_VF_NONE && !hn_vf_scan(hv, true)) {
		hn_vf_hunt_kick(hv);
		if (!vf->retry_armed) {
			HN_LOG(NOTICE, "port %u: host offers VF serial %u, no port with our MAC yet; retrying",
			       hv->port_id, hv->vf_serial);
			vf->retry_armed = true;
			rte_eal_alarm_set(HN_VF_RETRY_US, hn_vf_sync_alarm, hv);
		}
		return;
	}
	if (vf->removing)
		return;
	if (!vf->configured) {
		/* Reconfiguring stops the VF: a withdrawn one read still. */
		hn_vf_dp_off(hv, false);
		if (hn_vf_apply_config(hv) != 0)
			return;
	}
	if (!vf->started) {
		ret = rte_eth_dev_start(vf->port);
		if (ret != 0) {
			HN_LOG(ERR, "cannot start VF port %u: %d", vf->port,
			       ret);
			return;
		}
		vf->started = true;
	}
	/*
	 * Receive from the VF before the host steers frames to it, so that
	 * none waits there unread (it receives nothing of ours before).
	 */
	__atomic_store_n(&vf->rx_port, vf->port, __ATOMIC_RELEASE);
	hn_vf_switch(hv, true);
	if (vf->switched) {
		bool fresh = vf->dp_port != vf->port;

		__atomic_store_n(&vf->dp_port, vf->port, __ATOMIC_RELEASE);
		hn_vf_blackout_check(hv);
		/* The secondaries follow (hn_mp.c). */
		if (fresh)
			hn_mp_vf_add(hv);
	}
}

static void
hn_vf_sync_alarm(void *arg)
{
	struct hn_data *hv = arg;

	/* Cleared first: an event after this point arms a new pass. */
	__atomic_store_n(&hv->vf->event_armed, false, __ATOMIC_RELEASE);
	rte_spinlock_recursive_lock(&hv->vf->lock);
	hv->vf->retry_armed = false;
	hn_vf_sync(hv);
	rte_spinlock_recursive_unlock(&hv->vf->lock);
}

static void
hn_vf_release_alarm(void *arg)
{
	struct hn_data *hv = arg;

	rte_spinlock_recursive_lock(&hv->vf->lock);
	if (hv->vf->removing && !hv->vf->closing) {
		hn_vf_release(hv, true, true);
		hn_vf_hunt_resume(hv);
	}
	rte_spinlock_recursive_unlock(&hv->vf->lock);
}

/*
 * A port is announced (RTE_ETH_EVENT_NEW) before ethdev counts it as
 * valid, so the ownership API refuses it then; but the application may
 * enumerate ports as soon as probing returns. Mark a matching, unowned
 * port as ours in its data right away (nothing else knows the port yet)
 * and finish the claim from an alarm.
 */
static bool
hn_vf_reserve(struct hn_data *hv, uint16_t port)
{
	struct rte_eth_dev_data *data;

	if (port >= RTE_MAX_ETHPORTS || port == hv->port_id)
		return false;
	data = rte_eth_devices[port].data;
	if (data == NULL || data->mac_addrs == NULL ||
	    !hn_vf_mac_match(&hv->mac, &data->mac_addrs[0]) ||
	    hn_is_netvsc_port(port))
		return false;
	if (data->owner.id != RTE_ETH_DEV_NO_OWNER) {
		HN_LOG(NOTICE, "port %u has our MAC but belongs to '%s'; not taken as VF",
		       port, data->owner.name);
		return false;
	}
	data->owner.id = hv->vf->owner_id;
	snprintf(data->owner.name, sizeof(data->owner.name),
		 "net_netvsc port %u", hv->port_id);
	return true;
}

static void
hn_vf_claim_alarm(void *arg)
{
	struct hn_data *hv = arg;
	struct hn_vf_ctx *vf = hv->vf;

	uint64_t p;

	rte_spinlock_recursive_lock(&vf->lock);
	if (!vf->closing && vf->port == HN_VF_NONE && hn_vf_scan(hv, false) &&
	    hv->vf_offered)
		rte_eal_alarm_set(HN_VF_SETTLE_US, hn_vf_sync_alarm, hv);
	/* Look-alikes reserved together with the one taken go back. */
	RTE_ETH_FOREACH_DEV_OWNED_BY(p, vf->owner_id)
		if (p != vf->port)
			rte_eth_dev_owner_unset(p, vf->owner_id);
	rte_spinlock_recursive_unlock(&vf->lock);
}

/*
 * The VF recovered: what the application changed on the port meanwhile
 * (receive mode, RSS), then the data path as the host and the port allow.
 * From an alarm: its driver raised the event and may still hold it.
 */
static void
hn_vf_recovered_alarm(void *arg)
{
	struct hn_data *hv = arg;
	struct hn_vf_ctx *vf = hv->vf;

	rte_spinlock_recursive_lock(&vf->lock);
	if (!vf->closing && vf->configured && hn_vf_ctl_ok(hv)) {
		hn_vf_apply_rx_mode(hv);
		hn_vf_apply_rss(hv);
	}
	hn_vf_sync(hv);
	rte_spinlock_recursive_unlock(&vf->lock);
}

/*
 * Error recovery of the VF port by its driver (lock held). The driver
 * raises ERR_RECOVERING before it stops its queues (mana): leave the VF
 * at once, as for a removal, so that no frame is sent into it
 * meanwhile; it may come again before the outcome.
 */
static void
hn_vf_recovery_event(struct hn_data *hv, enum rte_eth_event_type ev)
{
	struct hn_vf_ctx *vf = hv->vf;

	if (ev == RTE_ETH_EVENT_ERR_RECOVERING) {
		if (!vf->recovering) {
			vf->n_recoveries++;
			HN_LOG(NOTICE, "port %u: VF port %u is recovering from an error; synthetic data path meanwhile",
			       hv->port_id, vf->port);
		}
		vf->recovering = true;
		hn_vf_dp_off(hv, false);
		hn_vf_switch(hv, false);
		return;
	}
	if (ev == RTE_ETH_EVENT_RECOVERY_SUCCESS) {
		if (!vf->recovering)
			return;
		vf->recovering = false;
		vf->n_recovered++;
		HN_LOG(NOTICE, "port %u: VF port %u recovered", hv->port_id,
		       vf->port);
		rte_eal_alarm_set(1, hn_vf_recovered_alarm, hv);
		return;
	}
	/* Unusable for good: the application is to close it (ethdev). */
	vf->recovering = false;
	vf->n_recovery_failed++;
	HN_LOG(ERR, "port %u: VF port %u failed to recover; releasing it",
	       hv->port_id, vf->port);
	hn_vf_dp_off(hv, false);
	hn_vf_switch(hv, false);
	vf->removing = true;
	rte_eal_alarm_set(HN_VF_SETTLE_US, hn_vf_release_alarm, hv);
}

/* Removal, destruction and recovery of the VF port, and new ports. */
static int
hn_vf_event_cb(uint16_t port, enum rte_eth_event_type ev, void *arg,
	       void *out)
{
	struct hn_data *hv = arg;
	struct hn_vf_ctx *vf = hv->vf;

	RTE_SET_USED(out);
	rte_spinlock_recursive_lock(&vf->lock);
	if (vf->closing) {
		rte_spinlock_recursive_unlock(&vf->lock);
		return 0;
	}
	switch (ev) {
	case RTE_ETH_EVENT_NEW:
		if (vf->port == HN_VF_NONE && hn_vf_reserve(hv, port))
			rte_eal_alarm_set(1, hn_vf_claim_alarm, hv);
		break;
	case RTE_ETH_EVENT_INTR_RMV:
		if (port != vf->port || vf->removing)
			break;
		HN_LOG(NOTICE, "port %u: VF port %u is being removed",
		       hv->port_id, port);
		/*
		 * Off the VF now, before its driver frees anything: a device
		 * being detached raises RMV and frees its queues right after.
		 * The port is closed outside its callback, and not at once:
		 * if its driver is releasing it already, DESTROY follows and
		 * leaves nothing to close.
		 */
		vf->removing = true;
		hn_vf_blackout_check(hv);
		hn_vf_dp_off(hv, false);
		hn_vf_switch(hv, false);
		rte_eal_alarm_set(HN_VF_SETTLE_US, hn_vf_release_alarm, hv);
		break;
	case RTE_ETH_EVENT_ERR_RECOVERING:
	case RTE_ETH_EVENT_RECOVERY_SUCCESS:
	case RTE_ETH_EVENT_RECOVERY_FAILED:
		if (port == vf->port && !vf->removing)
			hn_vf_recovery_event(hv, ev);
		break;
	case RTE_ETH_EVENT_DESTROY:
		if (port != vf->port)
			break;
		HN_LOG(NOTICE, "port %u: VF port %u went away", hv->port_id,
		       port);
		hn_vf_release(hv, false, false);
		hn_vf_hunt_resume(hv);
		break;
	default:
		break;
	}
	rte_spinlock_recursive_unlock(&vf->lock);
	return 0;
}

/* Secondary processes */

/* The port attached in this process under the VF's name. */
static bool
hn_vf_local_attached(uint16_t port, const char *name)
{
	return port < RTE_MAX_ETHPORTS && name[0] != '\0' &&
		rte_eth_devices[port].state == RTE_ETH_DEV_ATTACHED &&
		strcmp(rte_eth_devices[port].data->name, name) == 0;
}

/* Stop using the VF here; on return no burst of any process is in it. */
static void
hn_vf_local_drop(struct hn_data *hv)
{
	struct hn_vf_ctx *vf = hv->vf;
	unsigned int i;

	if (__atomic_load_n(&hn_vf_local[hv->port_id], __ATOMIC_RELAXED) == 0)
		return;
	__atomic_store_n(&hn_vf_local[hv->port_id], 0, __ATOMIC_RELAXED);
	/* Store then load, against the bursts' hn_vf_enter (hn_vf_dp_off). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (i = 0; i < HN_VF_MAX_QUEUES; i++) {
		hn_vf_quiesce(&vf->rxg[i]);
		hn_vf_quiesce(&vf->txg[i]);
	}
	HN_LOG(NOTICE, "port %u: this process no longer uses the VF",
	       hv->port_id);
}

/*
 * Use the primary's VF here once this process has a port of it. EAL
 * attaches the device in every secondary: at their start, and when the
 * primary attaches it (rte_dev_probe and rte_eal_hotplug_add ask the
 * secondaries first to attach it too, and fail if one cannot). From an
 * alarm: the port counts as attached only after its NEW event.
 */
static void
hn_vf_adopt_alarm(void *arg)
{
	uint16_t nv = (uintptr_t)arg, port;
	struct hn_vf_ctx *vf;
	struct hn_data *hv;
	bool ok;

	if (!hn_is_netvsc_port(nv))
		return;
	hv = rte_eth_devices[nv].data->dev_private;
	vf = hv->vf;
	if (vf == NULL || !vf->owner_ok)
		return;
	rte_spinlock_recursive_lock(&vf->lock);
	port = vf->port;
	ok = port != HN_VF_NONE && !vf->removing && !vf->closing &&
		__atomic_load_n(&hn_vf_local[nv], __ATOMIC_RELAXED) !=
		port + 1 && hn_vf_local_attached(port, vf->eth_name);
	if (ok)
		__atomic_store_n(&hn_vf_local[nv], port + 1, __ATOMIC_RELEASE);
	rte_spinlock_recursive_unlock(&vf->lock);
	if (ok)
		HN_LOG(NOTICE, "port %u: VF port %u used in this process too",
		       nv, port);
}

/* Ports attached or released in this process. */
static int
hn_vf_local_event(uint16_t port, enum rte_eth_event_type ev, void *arg,
		  void *out)
{
	uint16_t nv = (uintptr_t)arg;

	RTE_SET_USED(out);
	if (port == nv || !hn_is_netvsc_port(nv))
		return 0;
	if (ev == RTE_ETH_EVENT_NEW)
		/* Counted attached only once the callbacks have run. */
		rte_eal_alarm_set(HN_VF_SETTLE_US, hn_vf_adopt_alarm, arg);
	else if (ev == RTE_ETH_EVENT_DESTROY &&
		 __atomic_load_n(&hn_vf_local[nv], __ATOMIC_RELAXED) == port + 1)
		hn_vf_local_drop(rte_eth_devices[nv].data->dev_private);
	return 0;
}

void
hn_vf_secondary_init(struct hn_data *hv)
{
	void *arg = (void *)(uintptr_t)hv->port_id;

	hn_vf_in_secondary = true;
	hn_vf_pid = getpid();
	__atomic_store_n(&hn_vf_local[hv->port_id], 0, __ATOMIC_RELAXED);
	if (hv->vf == NULL || !hv->vf->owner_ok)
		return;
	rte_eth_dev_callback_register(RTE_ETH_ALL, RTE_ETH_EVENT_NEW,
				      hn_vf_local_event, arg);
	rte_eth_dev_callback_register(RTE_ETH_ALL, RTE_ETH_EVENT_DESTROY,
				      hn_vf_local_event, arg);
	/* A VF that EAL attached here before this port. */
	rte_eal_alarm_set(HN_VF_SETTLE_US, hn_vf_adopt_alarm, arg);
}

void
hn_vf_secondary_uninit(struct hn_data *hv)
{
	void *arg = (void *)(uintptr_t)hv->port_id;

	while (rte_eth_dev_callback_unregister(RTE_ETH_ALL, RTE_ETH_EVENT_NEW,
			hn_vf_local_event, arg) == -EAGAIN)
		rte_delay_us_sleep(1000);
	while (rte_eth_dev_callback_unregister(RTE_ETH_ALL,
			RTE_ETH_EVENT_DESTROY, hn_vf_local_event, arg) == -EAGAIN)
		rte_delay_us_sleep(1000);
	rte_eal_alarm_cancel(hn_vf_adopt_alarm, arg);
	__atomic_store_n(&hn_vf_local[hv->port_id], 0, __ATOMIC_RELAXED);
}

/*
 * The primary put a VF in the data path (hn_mp.c, in EAL's multi-process
 * thread): EAL attached it here before the primary took it.
 */
int
hn_vf_secondary_add(struct hn_data *hv)
{
	if (hv->vf == NULL || !hv->vf->owner_ok)
		return 0;
	return rte_eal_alarm_set(1, hn_vf_adopt_alarm,
				 (void *)(uintptr_t)hv->port_id);
}

/*
 * The primary lets VF port vf_port go, its bursts out of it already: stop
 * using it and release this process's port of it, before the primary
 * frees its queues and data.
 */
int
hn_vf_secondary_remove(struct hn_data *hv, uint16_t vf_port)
{
	if (hv->vf == NULL)
		return 0;
	hn_vf_local_drop(hv);
	if (hn_vf_local_attached(vf_port, hv->vf->eth_name))
		return rte_eth_dev_release_port(&rte_eth_devices[vf_port]);
	return 0;
}

/* Hooks of hn_ethdev.c and hn_nvs.c */

int
hn_vf_init(struct hn_data *hv)
{
	struct hn_vf_ctx *vf;

	if (!hv->args.enable_vf) {
		HN_INIT_LOG(INFO, "port %u: %s=0, the data path stays synthetic",
			    hv->port_id, HN_DEVARG_ENABLE_VF);
		return 0;
	}
	hn_vf_pid = getpid();
	vf = rte_zmalloc("hn_vf", sizeof(*vf), RTE_CACHE_LINE_SIZE);
	if (vf == NULL)
		return -ENOMEM;
	vf->dp_port = HN_VF_NONE;
	vf->rx_port = HN_VF_NONE;
	vf->port = HN_VF_NONE;
	vf->cb_port = HN_VF_NONE;
	rte_spinlock_recursive_init(&vf->lock);
	hv->vf = vf;
	if (rte_eth_dev_owner_new(&vf->owner_id) != 0) {
		HN_INIT_LOG(ERR, "no ethdev owner id; VF support off");
		return 0;
	}
	vf->owner_ok = true;
	vf->new_cb = rte_eth_dev_callback_register(RTE_ETH_ALL,
			RTE_ETH_EVENT_NEW, hn_vf_event_cb, hv) == 0;
	if (hv->args.vf_auto_attach) {
		/* Counted by EAL: an application's own start is kept. */
		vf->monitor = rte_dev_event_monitor_start() == 0;
		if (!vf->monitor)
			HN_INIT_LOG(NOTICE, "port %u: no device event monitor; a returning VF is looked for while the host offers it",
				    hv->port_id);
		vf->dev_cb = rte_dev_event_callback_register(NULL,
				hn_vf_dev_event, hv) == 0;
	}
	rte_spinlock_recursive_lock(&vf->lock);
	hn_vf_scan(hv, false);
	rte_spinlock_recursive_unlock(&vf->lock);
	return 0;
}

void
hn_vf_close(struct hn_data *hv)
{
	struct hn_vf_ctx *vf = hv->vf;

	if (vf == NULL)
		return;
	if (vf->owner_ok) {
		rte_spinlock_recursive_lock(&vf->lock);
		vf->closing = true;
		vf->nv_started = false;
		if (vf->port != HN_VF_NONE)
			hn_vf_release(hv, true, false);
		hn_vf_unregister(hv);
		rte_spinlock_recursive_unlock(&vf->lock);
		/* Outside the lock: a running alarm may be waiting for it. */
		rte_eal_alarm_cancel(hn_vf_sync_alarm, hv);
		rte_eal_alarm_cancel(hn_vf_release_alarm, hv);
		rte_eal_alarm_cancel(hn_vf_recovered_alarm, hv);
		rte_eal_alarm_cancel(hn_vf_claim_alarm, hv);
		while (vf->dev_cb && rte_dev_event_callback_unregister(NULL,
				hn_vf_dev_event, hv) == -EAGAIN)
			rte_delay_us_sleep(1000);
		rte_eal_alarm_cancel(hn_vf_hunt_alarm, hv);
		if (vf->monitor)
			rte_dev_event_monitor_stop();
		/* -EAGAIN: it runs right now elsewhere; hv must outlive it. */
		while (vf->new_cb && rte_eth_dev_callback_unregister(RTE_ETH_ALL,
				RTE_ETH_EVENT_NEW, hn_vf_event_cb, hv) == -EAGAIN)
			rte_delay_us_sleep(1000);
	}
	hv->vf = NULL;
	rte_free(vf);
}

/*
 * A VF association or data path switch from the host, seen while a
 * channel is read (possibly on a data-path lcore): defer the work. The
 * alarm acts on the latest state, so one pending pass serves any number
 * of messages; a host repeating them cannot pile up alarms.
 */
void
hn_vf_host_event(struct hn_data *hv)
{
	struct hn_vf_ctx *vf = hv->vf;

	if (vf == NULL || !vf->owner_ok || vf->closing ||
	    __atomic_exchange_n(&vf->event_armed, true, __ATOMIC_ACQ_REL))
		return;
	if (rte_eal_alarm_set(1, hn_vf_sync_alarm, hv) != 0)
		__atomic_store_n(&vf->event_armed, false, __ATOMIC_RELEASE);
	else
		__atomic_fetch_add(&hv->host_alarms, 1, __ATOMIC_RELAXED);
}

/* Report what both paths can do. */
void
hn_vf_info_get(struct hn_data *hv, struct rte_eth_dev_info *info)
{
	struct hn_vf_ctx *vf = hv->vf;
	struct rte_eth_dev_info vi;

	if (vf == NULL || !vf->owner_ok)
		return;
	rte_spinlock_recursive_lock(&vf->lock);
	if (!hn_vf_ctl_ok(hv) || rte_eth_dev_info_get(vf->port, &vi)) {
		rte_spinlock_recursive_unlock(&vf->lock);
		return;
	}
	rte_spinlock_recursive_unlock(&vf->lock);
	info->max_rx_queues = RTE_MIN(info->max_rx_queues, vi.max_rx_queues);
	info->max_tx_queues = RTE_MIN(info->max_tx_queues, vi.max_tx_queues);
	info->rx_offload_capa &= vi.rx_offload_capa;
	info->tx_offload_capa &= vi.tx_offload_capa;
	info->rx_queue_offload_capa &= vi.rx_queue_offload_capa;
	info->tx_queue_offload_capa &= vi.tx_queue_offload_capa;
	info->flow_type_rss_offloads &= vi.flow_type_rss_offloads;
	info->max_mtu = RTE_MIN(info->max_mtu, vi.max_mtu);
	info->min_mtu = RTE_MAX(info->min_mtu, vi.min_mtu);
	info->max_rx_pktlen = RTE_MIN(info->max_rx_pktlen, vi.max_rx_pktlen);
	info->rx_desc_lim.nb_max = RTE_MIN(info->rx_desc_lim.nb_max,
					   vi.rx_desc_lim.nb_max);
	info->rx_desc_lim.nb_min = RTE_MAX(info->rx_desc_lim.nb_min,
					   vi.rx_desc_lim.nb_min);
	info->tx_desc_lim.nb_max = RTE_MIN(info->tx_desc_lim.nb_max,
					   vi.tx_desc_lim.nb_max);
	info->tx_desc_lim.nb_min = RTE_MAX(info->tx_desc_lim.nb_min,
					   vi.tx_desc_lim.nb_min);
}

/* The port was (re)configured: the VF takes it all again at start. */
void
hn_vf_configure(struct hn_data *hv)
{
	if (hv->vf == NULL || !hv->vf->owner_ok)
		return;
	rte_spinlock_recursive_lock(&hv->vf->lock);
	hv->vf->configured = false;
	rte_spinlock_recursive_unlock(&hv->vf->lock);
}

void
hn_vf_rx_queue_setup(struct hn_data *hv, uint16_t qid, uint16_t nb_desc,
		     unsigned int socket, const struct rte_eth_rxconf *conf,
		     struct rte_mempool *mp)
{
	struct hn_vf_rxq_conf *q;

	if (hv->vf == NULL || !hv->vf->owner_ok || qid >= HN_VF_MAX_QUEUES)
		return;
	rte_spinlock_recursive_lock(&hv->vf->lock);
	q = &hv->vf->rxq[qid];
	q->conf = *conf;
	/* Buffer split is the netvsc port's business, not the VF's. */
	q->conf.rx_seg = NULL;
	q->conf.rx_nseg = 0;
	q->mp = mp;
	q->nb_desc = nb_desc;
	q->socket = socket;
	q->set = true;
	hv->vf->configured = false;
	rte_spinlock_recursive_unlock(&hv->vf->lock);
}

void
hn_vf_tx_queue_setup(struct hn_data *hv, uint16_t qid, uint16_t nb_desc,
		     unsigned int socket, const struct rte_eth_txconf *conf)
{
	struct hn_vf_txq_conf *q;

	if (hv->vf == NULL || !hv->vf->owner_ok || qid >= HN_VF_MAX_QUEUES)
		return;
	rte_spinlock_recursive_lock(&hv->vf->lock);
	q = &hv->vf->txq[qid];
	q->conf = *conf;
	q->nb_desc = nb_desc;
	q->socket = socket;
	q->set = true;
	hv->vf->configured = false;
	rte_spinlock_recursive_unlock(&hv->vf->lock);
}

/* The netvsc port started or stopped: bring the VF to the same state. */
static void
hn_vf_follow_port(struct hn_data *hv, bool started)
{
	if (hv->vf == NULL || !hv->vf->owner_ok)
		return;
	rte_spinlock_recursive_lock(&hv->vf->lock);
	hv->vf->nv_started = started;
	hn_vf_sync(hv);
	rte_spinlock_recursive_unlock(&hv->vf->lock);
}

void
hn_vf_start(struct hn_data *hv)
{
	hn_vf_follow_port(hv, true);
}

void
hn_vf_stop(struct hn_data *hv)
{
	hn_vf_follow_port(hv, false);
}

/* Promiscuous or all-multicast changed on the netvsc port. */
void
hn_vf_rx_mode(struct hn_data *hv)
{
	if (hv->vf == NULL || !hv->vf->owner_ok)
		return;
	rte_spinlock_recursive_lock(&hv->vf->lock);
	/* A recovering VF gets it when it is back (hn_vf_recovered_alarm). */
	if (hv->vf->configured && hn_vf_ctl_ok(hv))
		hn_vf_apply_rx_mode(hv);
	rte_spinlock_recursive_unlock(&hv->vf->lock);
}

void
hn_vf_rss_update(struct hn_data *hv)
{
	if (hv->vf == NULL || !hv->vf->owner_ok)
		return;
	rte_spinlock_recursive_lock(&hv->vf->lock);
	if (hv->vf->configured && hn_vf_ctl_ok(hv))
		hn_vf_apply_rss(hv);
	rte_spinlock_recursive_unlock(&hv->vf->lock);
}

void
hn_vf_stats_add(struct hn_data *hv, struct rte_eth_stats *st)
{
	struct hn_vf_ctx *vf = hv->vf;
	struct rte_eth_stats vs;

	if (vf == NULL || !vf->owner_ok)
		return;
	rte_spinlock_recursive_lock(&vf->lock);
	hn_vf_stats_sum(st, &vf->retired);
	if (hn_vf_ctl_ok(hv)) {
		if (rte_eth_stats_get(vf->port, &vs) == 0)
			vf->last = vs;
		else
			hn_vf_op_result(hv, HN_VF_OP_STATS, -ENOTSUP);
	}
	if (vf->port != HN_VF_NONE)
		hn_vf_stats_sum(st, &vf->last);
	rte_spinlock_recursive_unlock(&vf->lock);
}

void
hn_vf_stats_reset(struct hn_data *hv)
{
	struct hn_vf_ctx *vf = hv->vf;

	if (vf == NULL || !vf->owner_ok)
		return;
	rte_spinlock_recursive_lock(&vf->lock);
	memset(&vf->retired, 0, sizeof(vf->retired));
	memset(&vf->last, 0, sizeof(vf->last));
	if (hn_vf_ctl_ok(hv))
		rte_eth_stats_reset(vf->port);
	rte_spinlock_recursive_unlock(&vf->lock);
}

/* VF xstats count, 0 without a usable VF. Called with the lock held. */
static unsigned int
hn_vf_port_xstats(struct hn_data *hv)
{
	int n;

	if (!hn_vf_ctl_ok(hv))
		return 0;
	n = rte_eth_xstats_get_names(hv->vf->port, NULL, 0);
	return n > 0 ? (unsigned int)n : 0;
}

unsigned int
hn_vf_xstats_count(struct hn_data *hv)
{
	unsigned int n;

	if (hv->vf == NULL || !hv->vf->owner_ok)
		return 0;
	rte_spinlock_recursive_lock(&hv->vf->lock);
	n = HN_VF_OWN_XSTATS + hn_vf_port_xstats(hv);
	rte_spinlock_recursive_unlock(&hv->vf->lock);
	return n;
}

/*
 * Fill exactly n names (n from hn_vf_xstats_count): if the VF changed
 * in between, the remainder reads as unavailable.
 */
unsigned int
hn_vf_xstats_names(struct hn_data *hv, struct rte_eth_xstat_name *names,
		   unsigned int n)
{
	struct rte_eth_xstat_name *tmp = NULL;
	unsigned int k, i, m = 0;
	int got;

	if (hv->vf == NULL || !hv->vf->owner_ok || n == 0)
		return 0;
	rte_spinlock_recursive_lock(&hv->vf->lock);
	for (k = 0; k < n && k < HN_VF_OWN_XSTATS; k++)
		snprintf(names[k].name, sizeof(names[k].name), "%s",
			 hn_vf_own_xstats[k]);
	if (k < n && hn_vf_port_xstats(hv) == n - k) {
		tmp = calloc(n - k, sizeof(*tmp));
		got = tmp == NULL ? -ENOMEM :
			rte_eth_xstats_get_names(hv->vf->port, tmp, n - k);
		if (got == (int)(n - k))
			m = n - k;
	}
	for (i = 0; i < m; i++)
		snprintf(names[k + i].name, sizeof(names[0].name), "vf_%s",
			 tmp[i].name);
	for (i = m; k + i < n; i++)
		snprintf(names[k + i].name, sizeof(names[0].name),
			 "vf_unavailable_%u", i);
	rte_spinlock_recursive_unlock(&hv->vf->lock);
	free(tmp);
	return n;
}

unsigned int
hn_vf_xstats_get(struct hn_data *hv, struct rte_eth_xstat *xs,
		 unsigned int n, unsigned int first_id)
{
	struct hn_vf_ctx *vf = hv->vf;
	struct rte_eth_xstat *tmp = NULL;
	unsigned int k, i, m = 0;
	uint64_t own[HN_VF_OWN_XSTATS];
	int got;

	if (vf == NULL || !vf->owner_ok || n == 0)
		return 0;
	rte_spinlock_recursive_lock(&vf->lock);
	own[0] = vf->n_to_vf;
	own[1] = vf->n_to_synthetic;
	own[2] = vf->n_taken;
	own[3] = vf->n_released;
	own[4] = vf->n_attach_tries;
	own[5] = vf->n_attach_ok;
	own[6] = vf->blackout_last_ms;
	own[7] = vf->blackout_max_ms;
	own[8] = vf->blackout_total_ms;
	own[9] = vf->n_recoveries;
	own[10] = vf->n_recovered;
	own[11] = vf->n_recovery_failed;
	for (k = 0; k < n && k < HN_VF_OWN_XSTATS; k++) {
		xs[k].id = first_id + k;
		xs[k].value = own[k];
	}
	if (k < n && hn_vf_port_xstats(hv) == n - k) {
		tmp = calloc(n - k, sizeof(*tmp));
		got = tmp == NULL ? -ENOMEM :
			rte_eth_xstats_get(vf->port, tmp, n - k);
		if (got == (int)(n - k))
			m = n - k;
	}
	for (i = 0; k + i < n; i++) {
		xs[k + i].id = first_id + k + i;
		xs[k + i].value = i < m ? tmp[i].value : 0;
	}
	rte_spinlock_recursive_unlock(&vf->lock);
	free(tmp);
	return n;
}
