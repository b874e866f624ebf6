/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Probe and remove on the VMBus bus, devargs, the ethdev operations, link
 * state, statistics and RSS configuration of the netvsc PMD.
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_alarm.h>
#include <rte_bus_vmbus.h>
#include <bus_vmbus_driver.h>
#include <rte_cycles.h>
#include <rte_devargs.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <ethdev_driver.h>
#include <rte_malloc.h>
#include <rte_memzone.h>
#include <rte_ring.h>

#include "hn_var.h"
#include "hn_nvs.h"
#include "hn_vf.h"
#include "hn_rndis.h"

RTE_LOG_REGISTER_SUFFIX(hn_logtype_init, init, NOTICE);
RTE_LOG_REGISTER_SUFFIX(hn_logtype_driver, driver, NOTICE);

/* The Microsoft default Toeplitz key (netvsc_protocol.rst, "RSS"). */
static const uint8_t hn_rss_key_default[HN_RSS_KEY_SIZE] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67,
	0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
	0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30,
	0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

/* NDIS hash type bit and the ethdev RSS flags it stands for. */
static const struct {
	uint32_t ndis;
	uint64_t eth;
} hn_rss_map[] = {
	{ HN_NDIS_HASH_IPV4, RTE_ETH_RSS_IPV4 },
	{ HN_NDIS_HASH_TCP_IPV4, RTE_ETH_RSS_NONFRAG_IPV4_TCP },
	{ HN_NDIS_HASH_IPV6, RTE_ETH_RSS_IPV6 },
	{ HN_NDIS_HASH_IPV6_EX, RTE_ETH_RSS_IPV6_EX },
	{ HN_NDIS_HASH_TCP_IPV6, RTE_ETH_RSS_NONFRAG_IPV6_TCP },
	{ HN_NDIS_HASH_TCP_IPV6_EX, RTE_ETH_RSS_IPV6_TCP_EX },
};

static uint64_t
hn_rss_ndis_to_eth(uint32_t ndis)
{
	uint64_t eth = 0;
	unsigned int i;

	for (i = 0; i < RTE_DIM(hn_rss_map); i++)
		if (ndis & hn_rss_map[i].ndis)
			eth |= hn_rss_map[i].eth;
	return eth;
}

static int
hn_rss_eth_to_ndis(uint64_t eth, uint32_t *ndis)
{
	uint64_t left = eth;
	uint32_t out = 0;
	unsigned int i;

	for (i = 0; i < RTE_DIM(hn_rss_map); i++)
		if (eth & hn_rss_map[i].eth) {
			out |= hn_rss_map[i].ndis;
			left &= ~hn_rss_map[i].eth;
		}
	if (left != 0)
		return -EINVAL;
	*ndis = out;
	return 0;
}

static_assert(HN_RX_FRAME_MAX == HN_MTU_MAX + RTE_ETHER_HDR_LEN + RTE_VLAN_HLEN,
	      "received frames are capped at max_rx_pktlen and a tag");

/* Host messages beyond data that a stop still reads from a ring. */
#define HN_RX_RING_BUDGET_STOP	256

/* Link */

static void
hn_lsc_alarm(void *arg)
{
	struct hn_data *hv = arg;

	__atomic_store_n(&hv->lsc_pending, false, __ATOMIC_RELEASE);
	if (__atomic_load_n(&hv->closed, __ATOMIC_ACQUIRE))
		return;
	rte_eth_dev_callback_process(hv->eth_dev, RTE_ETH_EVENT_INTR_LSC,
				     NULL);
}

/* A queue that cannot receive is a port that is down, whatever the host says. */
static void
hn_link_fill(struct hn_data *hv, struct rte_eth_link *link)
{
	memset(link, 0, sizeof(*link));
	link->link_status = hv->link_status == HN_NDIS_MEDIA_CONNECTED &&
		__atomic_load_n(&hv->chans_dead, __ATOMIC_ACQUIRE) == 0 ?
		RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN;
	/* The host reports units of 100 bits/s; ethdev wants Mbps. */
	link->link_speed = link->link_status ? hv->link_speed / 10000 :
		RTE_ETH_SPEED_NUM_NONE;
	link->link_duplex = RTE_ETH_LINK_FULL_DUPLEX;
	link->link_autoneg = RTE_ETH_LINK_FIXED;
}

/*
 * A host indication seen while a channel is being read: record it, and
 * report it from the alarm thread where callbacks may take any lock. One
 * alarm at a time however many indications the host sends, and none once
 * close began: close cancels the alarm, and one armed after that would
 * run on freed port data.
 */
void
hn_link_event(struct hn_data *hv, uint32_t status)
{
	struct rte_eth_link link;

	hv->link_status = status;
	hn_link_fill(hv, &link);
	/* rte_eth_linkstatus_set() returns 0 only when the status changed. */
	if (rte_eth_linkstatus_set(hv->eth_dev, &link) != 0)
		return;
	if (hv->eth_dev->data->dev_conf.intr_conf.lsc == 0 ||
	    __atomic_load_n(&hv->closed, __ATOMIC_ACQUIRE) ||
	    __atomic_exchange_n(&hv->lsc_pending, true, __ATOMIC_ACQ_REL))
		return;
	if (rte_eal_alarm_set(1, hn_lsc_alarm, hv) != 0)
		__atomic_store_n(&hv->lsc_pending, false, __ATOMIC_RELEASE);
	else
		__atomic_fetch_add(&hv->host_alarms, 1, __ATOMIC_RELAXED);
}

static void
hn_reset_alarm(void *arg)
{
	struct hn_data *hv = arg;

	__atomic_store_n(&hv->reset_pending, false, __ATOMIC_RELEASE);
	if (__atomic_load_n(&hv->closed, __ATOMIC_ACQUIRE))
		return;
	rte_eth_dev_callback_process(hv->eth_dev, RTE_ETH_EVENT_INTR_RESET,
				     NULL);
}

/*
 * The bus found a channel's ring corrupt (hn_chan_process, ring_lock
 * held): its queue receives nothing more and its sends never complete.
 * Say so to the application: the link goes down, the queue's
 * channel_dead xstat counts it, and RTE_ETH_EVENT_INTR_RESET asks for
 * rte_eth_dev_reset(); that, or the next start, renews the host session
 * (hn_chan_recover).
 */
void
hn_chan_dead(struct hn_data *hv, struct hn_rx_queue *rxq)
{
	if (rxq->chan_dead)
		return;
	rxq->chan_dead = true;
	rxq->stats.chan_dead++;
	__atomic_fetch_add(&hv->chans_dead, 1, __ATOMIC_ACQ_REL);
	hn_link_event(hv, hv->link_status);
	if (__atomic_load_n(&hv->closed, __ATOMIC_ACQUIRE) ||
	    __atomic_exchange_n(&hv->reset_pending, true, __ATOMIC_ACQ_REL))
		return;
	if (rte_eal_alarm_set(1, hn_reset_alarm, hv) != 0)
		__atomic_store_n(&hv->reset_pending, false, __ATOMIC_RELEASE);
}

static int
hn_dev_link_update(struct rte_eth_dev *dev, int wait_to_complete)
{
	struct hn_data *hv = dev->data->dev_private;
	struct rte_eth_link link;

	RTE_SET_USED(wait_to_complete);
	/*
	 * With a dead channel the link is down until the session is renewed,
	 * and the host may have no receive section left to answer a query.
	 */
	if (__atomic_load_n(&hv->chans_dead, __ATOMIC_ACQUIRE) == 0 &&
	    hn_rndis_get_linkstatus(hv) != 0)
		HN_LOG(NOTICE, "link query failed; reporting the last state");
	hn_link_fill(hv, &link);
	return rte_eth_linkstatus_set(dev, &link);
}

/* Receive filter */

static uint32_t
hn_rx_filter(const struct hn_data *hv)
{
	uint32_t f = HN_NDIS_FILTER_DIRECTED | HN_NDIS_FILTER_BROADCAST;

	if (hv->allmulti)
		f |= HN_NDIS_FILTER_ALL_MULTICAST;
	if (hv->promisc)
		f |= HN_NDIS_FILTER_PROMISCUOUS;
	return f;
}

static int
hn_filter_apply(struct rte_eth_dev *dev)
{
	struct hn_data *hv = dev->data->dev_private;

	if (!dev->data->dev_started)
		return 0;
	return hn_rndis_set_rxfilter(hv, hn_rx_filter(hv));
}

static int
hn_dev_promiscuous_enable(struct rte_eth_dev *dev)
{
	struct hn_data *hv = dev->data->dev_private;

	hv->promisc = true;
	hn_vf_rx_mode(hv);
	return hn_filter_apply(dev);
}

static int
hn_dev_promiscuous_disable(struct rte_eth_dev *dev)
{
	struct hn_data *hv = dev->data->dev_private;

	hv->promisc = false;
	hn_vf_rx_mode(hv);
	return hn_filter_apply(dev);
}

static int
hn_dev_allmulticast_enable(struct rte_eth_dev *dev)
{
	struct hn_data *hv = dev->data->dev_private;

	hv->allmulti = true;
	hn_vf_rx_mode(hv);
	return hn_filter_apply(dev);
}

static int
hn_dev_allmulticast_disable(struct rte_eth_dev *dev)
{
	struct hn_data *hv = dev->data->dev_private;

	hv->allmulti = false;
	hn_vf_rx_mode(hv);
	return hn_filter_apply(dev);
}

/* Device information and configuration */

static int
hn_dev_info_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct hn_data *hv = dev->data->dev_private;

	info->max_mac_addrs = 1;
	info->max_rx_queues = hv->max_queues;
	info->max_tx_queues = hv->max_queues;
	info->min_rx_bufsize = RTE_ETHER_MIN_LEN;
	info->max_rx_pktlen = HN_MTU_MAX + RTE_ETHER_HDR_LEN;
	info->min_mtu = HN_MTU_MIN;
	info->max_mtu = HN_MTU_MAX;
	info->rx_offload_capa = hv->rx_offload_capa;
	info->tx_offload_capa = hv->tx_offload_capa;
	info->rx_queue_offload_capa = 0;
	info->tx_queue_offload_capa = 0;
	info->speed_capa = RTE_ETH_LINK_SPEED_FIXED;
	if (hv->max_queues > 1) {
		info->reta_size = HN_RSS_IND_SIZE;
		info->hash_key_size = HN_RSS_KEY_SIZE;
		info->flow_type_rss_offloads =
			hn_rss_ndis_to_eth(hv->rss_caps_hash);
	}
	info->rx_desc_lim.nb_min = HN_RX_DESC_MIN;
	info->rx_desc_lim.nb_max = HN_RX_DESC_MAX;
	info->rx_desc_lim.nb_align = 1;
	info->tx_desc_lim.nb_min = HN_TX_DESC_MIN;
	info->tx_desc_lim.nb_max = HN_TX_DESC_MAX;
	info->tx_desc_lim.nb_align = 1;
	info->default_rxportconf.ring_size = HN_RX_DESC_DEFAULT;
	info->default_txportconf.ring_size = HN_TX_DESC_DEFAULT;
	info->default_rxportconf.burst_size = 32;
	info->default_txportconf.burst_size = 32;
	info->default_rxportconf.nb_queues = 1;
	info->default_txportconf.nb_queues = 1;
	hn_vf_info_get(hv, info);
	return 0;
}

/*
 * Open the n subchannels the host offers, each into subs[index - 1]; none
 * stays open on error. The host steers frames by sub_channel_index (the
 * RSS table names it), while offers reach us in no particular order, so
 * queue i must poll the subchannel whose index is i: a queue reading
 * another's channel leaves the frames of a polled index on a ring nobody
 * reads once fewer queues than channels are configured.
 */
static int
hn_subchan_open(struct hn_data *hv, struct vmbus_channel **subs, uint16_t n)
{
	struct vmbus_channel *chan;
	struct hn_ctrl_wait w;
	uint16_t got = 0, idx, i;
	int ret = 0;

	memset(subs, 0, n * sizeof(*subs));
	hn_ctrl_wait_begin(hv, &w);
	while (got < n) {
		ret = rte_vmbus_subchan_open(hv->channels[0], &chan);
		if (ret == -ENOENT) {
			ret = hn_ctrl_wait_step(hv, &w, "subchannel offer",
						got + 1);
			if (ret != 0) {
				HN_LOG(ERR, "only %u of %u subchannels appeared",
				       got, n);
				break;
			}
			rte_delay_us_sleep(1000);
			continue;
		}
		if (ret != 0) {
			HN_LOG(ERR, "cannot open subchannel: %d", ret);
			break;
		}
		idx = rte_vmbus_sub_channel_index(chan);
		if (idx == 0 || idx > n || subs[idx - 1] != NULL) {
			HN_LOG(ERR, "host offered subchannel index %u (%s); %u granted",
			       idx, idx == 0 || idx > n ? "out of range" :
			       "twice", n);
			rte_vmbus_chan_close(chan);
			ret = -EIO;
			break;
		}
		rte_vmbus_set_latency(hv->vmbus, chan,
				      hv->args.latency_us * 1000);
		subs[idx - 1] = chan;
		got++;
	}
	if (ret != 0)
		for (i = 0; i < n; i++)
			if (subs[i] != NULL) {
				rte_vmbus_chan_close(subs[i]);
				subs[i] = NULL;
			}
	return ret;
}

/* Ask the host for nq - 1 subchannels and open them into subs[]. */
static int
hn_subchan_request(struct hn_data *hv, uint16_t nq,
		   struct vmbus_channel **subs)
{
	uint32_t nsub = nq - 1;
	int ret;

	hv->subch_requested = true;
	hv->subch_asked = nsub;
	ret = hn_nvs_alloc_subchans(hv, &nsub);
	if (ret != 0)
		return ret;
	hv->subch_granted = nsub;
	if (nsub < nq - 1U) {
		HN_LOG(ERR, "host granted %u of %u subchannels", nsub, nq - 1);
		return -ENOSPC;
	}
	return hn_subchan_open(hv, subs, nq - 1);
}

/*
 * A SUBCHANNEL request replaces the host's whole set (OpenVMM rescinds
 * the subchannels it gave before and offers new channels), so a new NVSP
 * session asks for nq - 1 again, opens the new offers and moves the
 * queues to them before closing the old channels. If that fails the old
 * channels stay allocated (dead, never dangling) and the caller marks
 * the port unusable.
 */
static int
hn_subchan_renew(struct hn_data *hv, uint16_t nq)
{
	struct vmbus_channel *subs[HN_MAX_CHANNELS];
	uint16_t i;
	int ret;

	if (nq <= 1)
		return 0;
	ret = hn_subchan_request(hv, nq, subs);
	if (ret != 0)
		return ret;
	for (i = 1; i < hv->num_channels; i++)
		rte_vmbus_chan_close(hv->channels[i]);
	for (i = 1; i < nq; i++) {
		hv->channels[i] = subs[i - 1];
		if (hv->rxq[i] != NULL)
			hv->rxq[i]->chan = subs[i - 1];
		if (hv->txq[i] != NULL)
			hv->txq[i]->chan = subs[i - 1];
	}
	hv->num_channels = nq;
	/* The secondaries' queues now point at rings they never mapped. */
	hn_mp_remap_secondaries(hv);
	return 0;
}

static int hn_session_redo(struct hn_data *hv, uint16_t mtu, uint16_t nq);

/*
 * Subchannels are granted per NVSP session: the first configure that
 * needs more queues than are open asks for them, a later one that needs
 * still more starts a new session (as mtu_set does) and asks again.
 */
static int
hn_subchan_configure(struct hn_data *hv, uint16_t nq)
{
	int ret;

	if (nq <= hv->num_channels)
		return 0;
	if (hv->nvs_ver < HN_NVS_VERSION_5) {
		HN_LOG(ERR, "NVSP %#x has no subchannels", hv->nvs_ver);
		return -ENOTSUP;
	}
	if (rte_vmbus_max_channels(hv->vmbus) < nq) {
		HN_LOG(ERR, "the bus offers fewer than %u channels", nq);
		return -ENOTSUP;
	}
	if (!hv->subch_requested) {
		ret = hn_subchan_request(hv, nq, &hv->channels[1]);
		if (ret == 0) {
			hv->num_channels = nq;
			hn_mp_remap_secondaries(hv);
		}
		return ret;
	}
	ret = hn_session_redo(hv, hv->mtu, nq);
	if (ret != 0)
		HN_LOG(ERR, "cannot grow from %u to %u queues: %d; close the port",
		       hv->num_channels, nq, ret);
	return ret;
}

static int
hn_rss_apply(struct hn_data *hv, uint16_t nrxq)
{
	if (nrxq <= 1) {
		if (!hv->rss_on)
			return 0;
		hv->rss_on = false;
		return hn_rndis_conf_rss(hv, false);
	}
	hv->rss_on = true;
	return hn_rndis_conf_rss(hv, true);
}

static int
hn_dev_configure(struct rte_eth_dev *dev)
{
	struct hn_data *hv = dev->data->dev_private;
	struct rte_eth_conf *conf = &dev->data->dev_conf;
	struct rte_eth_rss_conf *rss = &conf->rx_adv_conf.rss_conf;
	uint16_t nrx = dev->data->nb_rx_queues;
	uint16_t nq = RTE_MAX(nrx, dev->data->nb_tx_queues);
	uint32_t hash, i;
	int ret;

	if (conf->rxmode.mq_mode & RTE_ETH_MQ_RX_RSS_FLAG)
		conf->rxmode.offloads |= RTE_ETH_RX_OFFLOAD_RSS_HASH;
	if (nq > hv->max_queues) {
		HN_LOG(ERR, "%u queues asked, the host allows %u", nq,
		       hv->max_queues);
		return -EINVAL;
	}
	/*
	 * ethdev takes rxmode.mtu into dev->data->mtu without calling
	 * mtu_set: the host learns it only in a new session.
	 */
	if (dev->data->mtu != hv->mtu) {
		ret = hn_session_redo(hv, dev->data->mtu, hv->num_channels);
		if (ret != 0) {
			HN_LOG(ERR, "MTU %u not applied: %d; close the port",
			       dev->data->mtu, ret);
			return ret;
		}
		hv->mtu = dev->data->mtu;
	}
	ret = hn_subchan_configure(hv, nq);
	if (ret != 0)
		return ret;
	for (i = 1; i < nq; i++) {
		if (hv->rxq[i] != NULL)
			continue;
		hv->rxq[i] = hn_rx_queue_alloc(hv, i, dev->device->numa_node);
		if (hv->rxq[i] == NULL)
			return -ENOMEM;
	}
	if (nrx > 1) {
		hash = hv->rss_caps_hash;
		if (rss->rss_hf != 0 &&
		    (hn_rss_eth_to_ndis(rss->rss_hf & hn_rss_ndis_to_eth(
				hv->rss_caps_hash), &hash) != 0 || hash == 0)) {
			HN_LOG(ERR, "RSS hash types %#" PRIx64 " not supported",
			       rss->rss_hf);
			return -EINVAL;
		}
		hv->rss_hash = hash;
		if (rss->rss_key != NULL) {
			if (rss->rss_key_len != HN_RSS_KEY_SIZE) {
				HN_LOG(ERR, "RSS key of %u bytes, need %u",
				       rss->rss_key_len, HN_RSS_KEY_SIZE);
				return -EINVAL;
			}
			memcpy(hv->rss_key, rss->rss_key, HN_RSS_KEY_SIZE);
		}
		for (i = 0; i < HN_RSS_IND_SIZE; i++)
			hv->rss_ind[i] = i % nrx;
	} else {
		memset(hv->rss_ind, 0, sizeof(hv->rss_ind));
	}
	hn_vf_configure(hv);
	return hn_rss_apply(hv, nrx);
}

/* What rxq_info_get and txq_info_get report of each queue. */
static void
hn_queue_states_set(struct rte_eth_dev *dev, uint8_t state)
{
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] = state;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = state;
}

static int hn_chan_recover(struct hn_data *hv);

static int
hn_dev_start(struct rte_eth_dev *dev)
{
	struct hn_data *hv = dev->data->dev_private;
	uint16_t i;
	int ret;

	if (hv->session_lost) {
		HN_LOG(ERR, "a failed MTU change or queue growth left no working host session: close and probe the port again");
		return -EIO;
	}
	ret = hn_chan_recover(hv);
	if (ret == 0)
		ret = hn_rndis_set_rxfilter(hv, hn_rx_filter(hv));
	if (ret != 0) {
		/*
		 * ethdev never stops a port that failed to start: the frames
		 * the control waits took from the rings go back now.
		 */
		for (i = 0; i < HN_MAX_CHANNELS; i++)
			if (hv->rxq[i] != NULL)
				hn_rx_queue_purge(hv->rxq[i]);
		return ret;
	}
	hn_dev_link_update(dev, 0);
	hn_vf_start(hv);
	hn_queue_states_set(dev, RTE_ETH_QUEUE_STATE_STARTED);
	return 0;
}

static int
hn_dev_stop(struct rte_eth_dev *dev)
{
	struct hn_data *hv = dev->data->dev_private;
	struct hn_rx_queue *rxq;
	uint32_t budget;
	uint16_t i;
	int ret, n;

	dev->data->dev_started = 0;
	hn_queue_states_set(dev, RTE_ETH_QUEUE_STATE_STOPPED);
	hn_vf_stop(hv);
	/*
	 * The port stops whatever the host answers: with a dead channel the
	 * host may have no receive section left to answer with (they sit on
	 * the dead ring), and the session is renewed before the next start
	 * anyway; a filter the host did not take is logged, not returned,
	 * or ethdev would take the port as still started.
	 */
	if (__atomic_load_n(&hv->chans_dead, __ATOMIC_ACQUIRE) == 0) {
		ret = hn_rndis_set_rxfilter(hv, 0);
		if (ret != 0)
			HN_LOG(WARNING, "port %u: host kept its receive filter (%d); stopped anyway",
			       hv->port_id, ret);
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		if (hv->txq[i] != NULL)
			hn_tx_queue_drain(hv->txq[i], 1000);
	/*
	 * Return what the host already delivered, then drop it: at most one
	 * packet per receive section and transmit descriptor, and a few
	 * host messages. A host that keeps the ring fuller than that cannot
	 * keep stop (and close) from returning.
	 */
	budget = hv->rxbuf_slots + HN_TX_DESC_MAX + HN_RX_RING_BUDGET_STOP;
	for (i = 0; i < hv->num_channels; i++) {
		rxq = hv->rxq[i];
		if (rxq == NULL)
			continue;
		rte_spinlock_lock(&rxq->ring_lock);
		n = hn_chan_process(hv, rxq, budget);
		rte_spinlock_unlock(&rxq->ring_lock);
		if (n >= (int)budget)
			HN_LOG(WARNING, "queue %u: the host kept the ring full past %u packets; stopping anyway",
			       i, budget);
		hn_rx_queue_purge(rxq);
	}
	return 0;
}

static void
hn_detach(struct hn_data *hv)
{
	hn_rndis_detach(hv);
	hn_nvs_detach(hv);
}

/* Free the receive queue bound to each channel, then close the channels. */
static void
hn_channels_close(struct hn_data *hv)
{
	uint16_t i;

	for (i = 0; i < HN_MAX_CHANNELS; i++) {
		hn_rx_queue_free(hv->rxq[i]);
		hv->rxq[i] = NULL;
	}
	for (i = hv->num_channels; i > 0; i--) {
		rte_vmbus_chan_close(hv->channels[i - 1]);
		hv->channels[i - 1] = NULL;
	}
	hv->num_channels = 0;
}

/* Everything hn_dev_init took: channels, the control page, rxbuf_info. */
static void
hn_dev_free_resources(struct hn_data *hv)
{
	hn_channels_close(hv);
	rte_memzone_free(hv->ctrl_mz);
	hv->ctrl_mz = NULL;
	rte_free(hv->rxbuf_info);
	hv->rxbuf_info = NULL;
}

static int
hn_dev_close(struct rte_eth_dev *dev)
{
	struct hn_data *hv = dev->data->dev_private;
	uint16_t i;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		hn_vf_secondary_uninit(hv);
		return 0;
	}
	/* From here on host indications arm no alarm (hn_link_event). */
	__atomic_store_n(&hv->closed, true, __ATOMIC_RELEASE);
	rte_eal_alarm_cancel(hn_lsc_alarm, hv);
	rte_eal_alarm_cancel(hn_reset_alarm, hv);
	if (dev->data->dev_started)
		hn_dev_stop(dev);
	hn_vf_close(hv);
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		hn_dev_tx_queue_release(dev, i);
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		hn_dev_rx_queue_release(dev, i);
	hn_detach(hv);
	hn_dev_free_resources(hv);
	return 0;
}

/*
 * A new NVSP and RNDIS session on the same primary channel, with this MTU
 * and nq queues' worth of subchannels: the host learns the MTU only from
 * NVSP NDIS_CONFIG, legal only while NVSP is being set up
 * (netvsc_protocol.rst, "Bring-up order"), and grants subchannels per
 * session. The port is stopped.
 */
static int
hn_session_redo(struct hn_data *hv, uint16_t mtu, uint16_t nq)
{
	uint32_t old_chim = hv->chim_szmax, old_cnt = hv->chim_cnt, i;
	int ret;

	for (i = 0; hv->rxbuf_info != NULL && i < hv->rxbuf_slots; i++)
		if (rte_mbuf_ext_refcnt_read(&hv->rxbuf_info[i].shinfo) != 0) {
			HN_LOG(ERR, "received frames still held: free them first");
			return -EBUSY;
		}
	hn_detach(hv);
	ret = hn_nvs_attach(hv, mtu);
	if (ret == 0)
		ret = hn_rndis_attach(hv);
	if (ret == 0)
		ret = hn_subchan_renew(hv, nq);
	if (ret == 0 && (hv->chim_szmax != old_chim ||
			 hv->chim_cnt != old_cnt)) {
		HN_LOG(ERR, "send buffer changed from %u x %u to %u x %u",
		       old_cnt, old_chim, hv->chim_cnt, hv->chim_szmax);
		ret = -EIO;
	}
	for (i = 0; ret == 0 && i < HN_MAX_CHANNELS; i++)
		if (hv->rxq[i] != NULL)
			ret = hn_rx_queue_resize(hv->rxq[i], hv->rxbuf_slots,
					hv->eth_dev->device->numa_node);
	if (ret == 0 && hv->rxbuf_info != NULL) {
		struct hn_rx_bufinfo *bi;

		bi = rte_zmalloc("hn_rxbuf_info", hv->rxbuf_slots * sizeof(*bi),
				 RTE_CACHE_LINE_SIZE);
		if (bi == NULL) {
			ret = -ENOMEM;
		} else {
			rte_free(hv->rxbuf_info);
			hv->rxbuf_info = bi;
		}
	}
	if (ret == 0 && hv->rss_on)
		ret = hn_rndis_conf_rss(hv, true);
	hv->session_lost = ret != 0;
	return ret;
}

/*
 * Queues whose channel died get new channels from a new host session:
 * the subchannels are replaced (hn_subchan_renew). The primary channel
 * carries the session itself, so a corrupt primary ring cannot be
 * recovered here. The port is stopped.
 */
static int
hn_chan_recover(struct hn_data *hv)
{
	struct hn_rx_queue *rxq;
	uint16_t i;
	int ret;

	if (__atomic_load_n(&hv->chans_dead, __ATOMIC_ACQUIRE) == 0)
		return 0;
	if (hv->rxq[0]->chan_dead) {
		HN_LOG(ERR, "the primary channel's ring is corrupt: no new host session is possible; close the port");
		return -EIO;
	}
	ret = hn_session_redo(hv, hv->mtu, hv->num_channels);
	if (ret != 0) {
		HN_LOG(ERR, "cannot renew the host session: %d; close the port",
		       ret);
		return ret;
	}
	for (i = 1; i < hv->num_channels; i++) {
		rxq = hv->rxq[i];
		if (rxq == NULL)
			continue;
		rte_spinlock_lock(&rxq->ring_lock);
		/* What waited for the old channel means nothing to the new. */
		rxq->chan_dead = false;
		rxq->comp_npending = 0;
		if (rxq->ext_comp != NULL)
			rte_ring_reset(rxq->ext_comp);
		rte_spinlock_unlock(&rxq->ring_lock);
	}
	__atomic_store_n(&hv->chans_dead, 0, __ATOMIC_RELEASE);
	HN_LOG(NOTICE, "port %u: new host session, %u channels readable again",
	       hv->port_id, hv->num_channels);
	return 0;
}

static int
hn_dev_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct hn_data *hv = dev->data->dev_private;
	int ret;

	if (dev->data->dev_started) {
		HN_LOG(ERR, "stop the port before changing the MTU");
		return -EBUSY;
	}
	if (mtu == hv->mtu)
		return 0;
	ret = hn_session_redo(hv, mtu, hv->num_channels);
	if (ret != 0) {
		HN_LOG(ERR, "MTU %u not applied: %d; close the port", mtu, ret);
		return ret;
	}
	hv->mtu = mtu;
	hn_vf_configure(hv);
	HN_LOG(INFO, "MTU %u", mtu);
	return 0;
}

/*
 * rte_eth_dev_reset (what an application calls after
 * RTE_ETH_EVENT_INTR_RESET), port already stopped by ethdev: a new NVSP
 * and RNDIS session with the same MTU and as many subchannels, the
 * queues moved to them and RSS sent again, so the port's configuration
 * stands and dev_start alone (or a new configure) brings it back. A
 * failure leaves the port refusing to start; a later reset tries again.
 */
static int
hn_dev_reset(struct rte_eth_dev *dev)
{
	struct hn_data *hv = dev->data->dev_private;
	int ret;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return -E_RTE_SECONDARY;
	/* After a dead channel, the new session also clears its marks. */
	if (__atomic_load_n(&hv->chans_dead, __ATOMIC_ACQUIRE) != 0)
		ret = hn_chan_recover(hv);
	else
		ret = hn_session_redo(hv, hv->mtu, hv->num_channels);
	if (ret != 0) {
		HN_LOG(ERR, "port %u: no new host session: %d", hv->port_id,
		       ret);
		return ret;
	}
	hn_vf_configure(hv);
	HN_LOG(INFO, "port %u: new host session, %u channels", hv->port_id,
	       hv->num_channels);
	return 0;
}

/* Statistics */

/* Per-queue counters go to qs, which may be NULL (hn_compat.h). */
static void
hn_stats_fill(struct rte_eth_dev *dev, struct rte_eth_stats *st,
	      hn_queue_stats_t *qs)
{
	struct hn_data *hv = dev->data->dev_private;
	const struct hn_rx_queue *rxq;
	const struct hn_tx_queue *txq;
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		rxq = hv->rxq[i];
		if (rxq == NULL)
			continue;
		st->ipackets += rxq->stats.packets;
		st->ibytes += rxq->stats.bytes;
		st->ierrors += rxq->stats.errors;
		st->imissed += rxq->stats.stage_full;
		st->rx_nombuf += rxq->stats.nombuf;
		if (qs != NULL && i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			qs->q_ipackets[i] = rxq->stats.packets;
			qs->q_ibytes[i] = rxq->stats.bytes;
			qs->q_errors[i] = rxq->stats.errors;
		}
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		txq = hv->txq[i];
		if (txq == NULL)
			continue;
		st->opackets += txq->stats.packets;
		st->obytes += txq->stats.bytes;
		st->oerrors += txq->stats.errors;
		if (qs != NULL && i < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
			qs->q_opackets[i] = txq->stats.packets;
			qs->q_obytes[i] = txq->stats.bytes;
		}
	}
	hn_vf_stats_add(hv, st);
}

#ifdef HN_QUEUE_STATS_APART
static int
hn_dev_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *st,
		 struct eth_queue_stats *qs)
{
	hn_stats_fill(dev, st, qs);
	return 0;
}
#else
static int
hn_dev_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *st)
{
	hn_stats_fill(dev, st, st);
	return 0;
}
#endif

static int
hn_dev_stats_reset(struct rte_eth_dev *dev)
{
	struct hn_data *hv = dev->data->dev_private;
	uint16_t i;

	for (i = 0; i < HN_MAX_CHANNELS; i++) {
		if (hv->rxq[i] != NULL)
			memset(&hv->rxq[i]->stats, 0, sizeof(hv->rxq[i]->stats));
		if (hv->txq[i] != NULL)
			memset(&hv->txq[i]->stats, 0, sizeof(hv->txq[i]->stats));
	}
	hn_vf_stats_reset(hv);
	return 0;
}

struct hn_xstat_name {
	char name[RTE_ETH_XSTATS_NAME_SIZE];
	size_t offset;
};

#define HN_RXS(n, f) { n, offsetof(struct hn_rx_stats, f) }
#define HN_TXS(n, f) { n, offsetof(struct hn_tx_stats, f) }

static const struct hn_xstat_name hn_rx_xstats[] = {
	HN_RXS("good_packets", packets),
	HN_RXS("good_bytes", bytes),
	HN_RXS("errors", errors),
	HN_RXS("nombuf", nombuf),
	HN_RXS("multicast_packets", multicast),
	HN_RXS("broadcast_packets", broadcast),
	HN_RXS("undersize_packets", size[HN_SIZE_UNDER_64]),
	HN_RXS("size_64_packets", size[HN_SIZE_64]),
	HN_RXS("size_65_127_packets", size[HN_SIZE_65_127]),
	HN_RXS("size_128_255_packets", size[HN_SIZE_128_255]),
	HN_RXS("size_256_511_packets", size[HN_SIZE_256_511]),
	HN_RXS("size_512_1023_packets", size[HN_SIZE_512_1023]),
	HN_RXS("size_1024_1518_packets", size[HN_SIZE_1024_1518]),
	HN_RXS("size_1519_max_packets", size[HN_SIZE_OVER_1518]),
	HN_RXS("bad_ring_packets", bad_chanpkt),
	HN_RXS("bad_transfer_packets", bad_xfer),
	HN_RXS("bad_ranges", bad_range),
	HN_RXS("bad_rndis_messages", bad_rndis),
	HN_RXS("bad_nvsp_messages", bad_nvs),
	HN_RXS("bad_transaction_ids", bad_xact),
	HN_RXS("staging_full_drops", stage_full),
	HN_RXS("completion_retries", comp_retry),
	HN_RXS("ring_read_errors", chan_error),
	HN_RXS("channel_dead", chan_dead),
	HN_RXS("attached_packets", attached),
	HN_RXS("transfer_ids_busy", busy_xact),
};

static const struct hn_xstat_name hn_tx_xstats[] = {
	HN_TXS("good_packets", packets),
	HN_TXS("good_bytes", bytes),
	HN_TXS("errors", errors),
	HN_TXS("multicast_packets", multicast),
	HN_TXS("broadcast_packets", broadcast),
	HN_TXS("undersize_packets", size[HN_SIZE_UNDER_64]),
	HN_TXS("size_64_packets", size[HN_SIZE_64]),
	HN_TXS("size_65_127_packets", size[HN_SIZE_65_127]),
	HN_TXS("size_128_255_packets", size[HN_SIZE_128_255]),
	HN_TXS("size_256_511_packets", size[HN_SIZE_256_511]),
	HN_TXS("size_512_1023_packets", size[HN_SIZE_512_1023]),
	HN_TXS("size_1024_1518_packets", size[HN_SIZE_1024_1518]),
	HN_TXS("size_1519_max_packets", size[HN_SIZE_OVER_1518]),
	HN_TXS("aggregated_sends", aggregates),
	HN_TXS("page_list_sends", gpa_sends),
	HN_TXS("send_buffer_exhausted", chim_exhausted),
	HN_TXS("descriptors_exhausted", desc_exhausted),
	HN_TXS("ring_full", ring_full),
	HN_TXS("host_failures", host_failed),
};

/* One gauge per transmit queue follows its counters. */
#define HN_TX_XSTATS_PER_Q	(RTE_DIM(hn_tx_xstats) + 1)

static unsigned int
hn_xstats_count(const struct rte_eth_dev *dev)
{
	return dev->data->nb_rx_queues * RTE_DIM(hn_rx_xstats) +
		dev->data->nb_tx_queues * HN_TX_XSTATS_PER_Q +
		hn_vf_xstats_count(dev->data->dev_private);
}

static int
hn_dev_xstats_get_names(struct rte_eth_dev *dev,
			struct rte_eth_xstat_name *names, unsigned int size)
{
	unsigned int n = hn_xstats_count(dev), k = 0, i, q;

	if (names == NULL || size < n)
		return n;
	for (q = 0; q < dev->data->nb_rx_queues; q++)
		for (i = 0; i < RTE_DIM(hn_rx_xstats); i++)
			snprintf(names[k++].name, sizeof(names[0].name),
				 "rx_q%u_%s", q, hn_rx_xstats[i].name);
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		for (i = 0; i < RTE_DIM(hn_tx_xstats); i++)
			snprintf(names[k++].name, sizeof(names[0].name),
				 "tx_q%u_%s", q, hn_tx_xstats[i].name);
		snprintf(names[k++].name, sizeof(names[0].name),
			 "tx_q%u_descriptors_outstanding", q);
	}
	hn_vf_xstats_names(dev->data->dev_private, names + k, n - k);
	return n;
}

static int
hn_dev_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xs,
		  unsigned int size)
{
	struct hn_data *hv = dev->data->dev_private;
	unsigned int n = hn_xstats_count(dev), k = 0, i, q;
	const uint8_t *base;

	if (xs == NULL || size < n)
		return n;
	for (q = 0; q < dev->data->nb_rx_queues; q++) {
		base = hv->rxq[q] ? (const uint8_t *)&hv->rxq[q]->stats : NULL;
		for (i = 0; i < RTE_DIM(hn_rx_xstats); i++, k++) {
			xs[k].id = k;
			xs[k].value = base == NULL ? 0 :
				*(const uint64_t *)(base +
						    hn_rx_xstats[i].offset);
		}
	}
	for (q = 0; q < dev->data->nb_tx_queues; q++) {
		base = hv->txq[q] ? (const uint8_t *)&hv->txq[q]->stats : NULL;
		for (i = 0; i < RTE_DIM(hn_tx_xstats); i++, k++) {
			xs[k].id = k;
			xs[k].value = base == NULL ? 0 :
				*(const uint64_t *)(base +
						    hn_tx_xstats[i].offset);
		}
		xs[k].id = k;
		xs[k].value = hv->txq[q] == NULL ? 0 :
			hv->txq[q]->nb_desc - hv->txq[q]->desc_nfree;
		k++;
	}
	hn_vf_xstats_get(hv, xs + k, n - k, k);
	return n;
}

/* RSS */

static int
hn_rss_reta_update(struct rte_eth_dev *dev,
		   struct rte_eth_rss_reta_entry64 *reta, uint16_t size)
{
	struct hn_data *hv = dev->data->dev_private;
	uint32_t ind[HN_RSS_IND_SIZE];
	uint16_t i, idx, shift;
	int ret;

	if (size != HN_RSS_IND_SIZE) {
		HN_LOG(ERR, "RETA of %u entries, the table has %u", size,
		       HN_RSS_IND_SIZE);
		return -EINVAL;
	}
	memcpy(ind, hv->rss_ind, sizeof(ind));
	for (i = 0; i < size; i++) {
		idx = i / RTE_ETH_RETA_GROUP_SIZE;
		shift = i % RTE_ETH_RETA_GROUP_SIZE;
		if (!(reta[idx].mask & (UINT64_C(1) << shift)))
			continue;
		if (reta[idx].reta[shift] >= dev->data->nb_rx_queues) {
			HN_LOG(ERR, "RETA entry %u names queue %u of %u", i,
			       reta[idx].reta[shift],
			       dev->data->nb_rx_queues);
			return -EINVAL;
		}
		ind[i] = reta[idx].reta[shift];
	}
	memcpy(hv->rss_ind, ind, sizeof(ind));
	if (!hv->rss_on)
		return 0;
	ret = hn_rndis_conf_rss(hv, true);
	if (ret == 0)
		hn_vf_rss_update(hv);
	return ret;
}

static int
hn_rss_reta_query(struct rte_eth_dev *dev,
		  struct rte_eth_rss_reta_entry64 *reta, uint16_t size)
{
	struct hn_data *hv = dev->data->dev_private;
	uint16_t i, idx, shift;

	if (size != HN_RSS_IND_SIZE)
		return -EINVAL;
	for (i = 0; i < size; i++) {
		idx = i / RTE_ETH_RETA_GROUP_SIZE;
		shift = i % RTE_ETH_RETA_GROUP_SIZE;
		if (reta[idx].mask & (UINT64_C(1) << shift))
			reta[idx].reta[shift] = hv->rss_ind[i];
	}
	return 0;
}

static int
hn_rss_hash_update(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf)
{
	struct hn_data *hv = dev->data->dev_private;
	uint32_t hash;
	int ret;

	if (hn_rss_eth_to_ndis(conf->rss_hf, &hash) != 0 ||
	    (hash & ~hv->rss_caps_hash) != 0) {
		HN_LOG(ERR, "RSS hash types %#" PRIx64 " not supported",
		       conf->rss_hf);
		return -EINVAL;
	}
	if (conf->rss_key != NULL && conf->rss_key_len != HN_RSS_KEY_SIZE) {
		HN_LOG(ERR, "RSS key of %u bytes, need %u", conf->rss_key_len,
		       HN_RSS_KEY_SIZE);
		return -EINVAL;
	}
	if (conf->rss_key != NULL)
		memcpy(hv->rss_key, conf->rss_key, HN_RSS_KEY_SIZE);
	if (hash == 0) {
		hv->rss_on = false;
		return hn_rndis_conf_rss(hv, false);
	}
	hv->rss_hash = hash;
	hv->rss_on = true;
	ret = hn_rndis_conf_rss(hv, true);
	if (ret == 0)
		hn_vf_rss_update(hv);
	return ret;
}

static int
hn_rss_hash_conf_get(struct rte_eth_dev *dev, struct rte_eth_rss_conf *conf)
{
	struct hn_data *hv = dev->data->dev_private;

	if (conf->rss_key != NULL) {
		if (conf->rss_key_len < HN_RSS_KEY_SIZE)
			return -EINVAL;
		memcpy(conf->rss_key, hv->rss_key, HN_RSS_KEY_SIZE);
	}
	conf->rss_key_len = HN_RSS_KEY_SIZE;
	conf->rss_hf = hv->rss_on ? hn_rss_ndis_to_eth(hv->rss_hash) : 0;
	return 0;
}

/* Probe and remove */

static int
hn_map_buffers(struct hn_data *hv, struct rte_vmbus_device *vdev)
{
	const struct rte_mem_resource *rx = &vdev->resource[HV_RECV_BUF_MAP];
	const struct rte_mem_resource *tx = &vdev->resource[HV_SEND_BUF_MAP];

	if (rx->addr == NULL || rx->len == 0 || rx->len > UINT32_MAX ||
	    tx->addr == NULL || tx->len == 0 || tx->len > UINT32_MAX) {
		HN_INIT_LOG(ERR, "receive buffer %" PRIu64 " bytes, send buffer %" PRIu64 " bytes: unusable",
			    rx->len, tx->len);
		return -EINVAL;
	}
	hv->rxbuf = rx->addr;
	hv->rxbuf_size = rx->len;
	hv->rxbuf_gpadl = rx->phys_addr;
	hv->chim = tx->addr;
	hv->chim_size = tx->len;
	hv->chim_gpadl = tx->phys_addr;
	return 0;
}

static int
hn_dev_init(struct rte_eth_dev *eth_dev, struct rte_vmbus_device *vdev)
{
	struct hn_data *hv = eth_dev->data->dev_private;
	struct rte_devargs *da = vdev->device.devargs;
	char name[RTE_MEMZONE_NAMESIZE];
	uint32_t i;
	int ret;

	hv->vmbus = vdev;
	hv->eth_dev = eth_dev;
	hv->port_id = eth_dev->data->port_id;
	hv->mtu = RTE_ETHER_MTU;
	rte_spinlock_init(&hv->rndis_lock);
	ret = hn_parse_devargs(da != NULL ? da->args : NULL, &hv->args);
	if (ret != 0)
		return ret;
	/* Attached frames carry their virtual address as IOVA. */
	if (hv->args.rx_extmbuf && rte_eal_iova_mode() != RTE_IOVA_VA) {
		HN_INIT_LOG(ERR, "rx_extmbuf_enable=1 needs --iova-mode=va");
		return -ENOTSUP;
	}
	ret = hn_map_buffers(hv, vdev);
	if (ret != 0)
		return ret;

	snprintf(name, sizeof(name), "hn_ctrl_%u", hv->port_id);
	hv->ctrl_mz = rte_memzone_reserve_aligned(name, HYPERV_PAGE_SIZE,
			vdev->device.numa_node, RTE_MEMZONE_IOVA_CONTIG,
			HYPERV_PAGE_SIZE);
	if (hv->ctrl_mz == NULL)
		return -ENOMEM;
	ret = rte_vmbus_chan_open(vdev, &hv->channels[0]);
	if (ret != 0) {
		HN_INIT_LOG(ERR, "cannot open the primary channel: %d", ret);
		goto fail;
	}
	hv->num_channels = 1;
	rte_vmbus_set_latency(vdev, hv->channels[0],
			      hv->args.latency_us * 1000);
	hv->rxq[0] = hn_rx_queue_alloc(hv, 0, vdev->device.numa_node);
	if (hv->rxq[0] == NULL) {
		ret = -ENOMEM;
		goto fail;
	}

	ret = hn_nvs_attach(hv, hv->mtu);
	if (ret != 0)
		goto fail;
	ret = hn_rx_queue_resize(hv->rxq[0], hv->rxbuf_slots,
				 vdev->device.numa_node);
	if (ret != 0)
		goto fail_nvs;
	if (hv->args.rx_extmbuf) {
		hv->rxbuf_info = rte_zmalloc("hn_rxbuf_info", hv->rxbuf_slots *
					     sizeof(*hv->rxbuf_info),
					     RTE_CACHE_LINE_SIZE);
		if (hv->rxbuf_info == NULL) {
			ret = -ENOMEM;
			goto fail_nvs;
		}
	}
	ret = hn_rndis_attach(hv);
	if (ret != 0)
		goto fail_nvs;

	eth_dev->data->mac_addrs = rte_zmalloc("hn_mac", RTE_ETHER_ADDR_LEN,
					       0);
	if (eth_dev->data->mac_addrs == NULL) {
		ret = -ENOMEM;
		goto fail_rndis;
	}
	rte_ether_addr_copy(&hv->mac, eth_dev->data->mac_addrs);
	memcpy(hv->rss_key, hn_rss_key_default, HN_RSS_KEY_SIZE);
	hv->rss_hash = hv->rss_caps_hash;
	for (i = 0; i < HN_RSS_IND_SIZE; i++)
		hv->rss_ind[i] = 0;
	HN_INIT_LOG(INFO, "port %u: MAC " RTE_ETHER_ADDR_PRT_FMT ", up to %u queues, link %s",
		    hv->port_id, RTE_ETHER_ADDR_BYTES(&hv->mac),
		    hv->max_queues,
		    hv->link_status == HN_NDIS_MEDIA_CONNECTED ? "up" : "down");
	ret = hn_vf_init(hv);
	if (ret != 0)
		goto fail_rndis;
	return 0;

fail_rndis:
	hn_rndis_detach(hv);
fail_nvs:
	hn_nvs_detach(hv);
fail:
	hn_dev_free_resources(hv);
	return ret;
}

/* The VF-aware bursts only when a VF may be taken (hn_vf.c). */
static void
hn_set_burst(struct rte_eth_dev *eth_dev)
{
	struct hn_data *hv = eth_dev->data->dev_private;

	eth_dev->rx_pkt_burst = hv->args.enable_vf ? hn_vf_recv_pkts :
		hn_recv_pkts;
	eth_dev->tx_pkt_burst = hv->args.enable_vf ? hn_vf_xmit_pkts :
		hn_xmit_pkts;
	eth_dev->tx_pkt_prepare = hn_xmit_prep;
}

/* The port's ops: hn_is_netvsc_port() knows our ports by them. */
static const struct eth_dev_ops hn_eth_dev_ops = {
	.dev_configure = hn_dev_configure,
	.dev_start = hn_dev_start,
	.dev_stop = hn_dev_stop,
	.dev_close = hn_dev_close,
	.dev_reset = hn_dev_reset,
	.dev_infos_get = hn_dev_info_get,
	.link_update = hn_dev_link_update,
	.mtu_set = hn_dev_mtu_set,
	.promiscuous_enable = hn_dev_promiscuous_enable,
	.promiscuous_disable = hn_dev_promiscuous_disable,
	.allmulticast_enable = hn_dev_allmulticast_enable,
	.allmulticast_disable = hn_dev_allmulticast_disable,
	.rx_queue_setup = hn_dev_rx_queue_setup,
	.rx_queue_release = hn_dev_rx_queue_release,
	.tx_queue_setup = hn_dev_tx_queue_setup,
	.tx_queue_release = hn_dev_tx_queue_release,
	.tx_done_cleanup = hn_dev_tx_done_cleanup,
	.rxq_info_get = hn_dev_rxq_info_get,
	.txq_info_get = hn_dev_txq_info_get,
	.stats_get = hn_dev_stats_get,
	.stats_reset = hn_dev_stats_reset,
	.xstats_get = hn_dev_xstats_get,
	.xstats_get_names = hn_dev_xstats_get_names,
	.xstats_reset = hn_dev_stats_reset,
	.reta_update = hn_rss_reta_update,
	.reta_query = hn_rss_reta_query,
	.rss_hash_update = hn_rss_hash_update,
	.rss_hash_conf_get = hn_rss_hash_conf_get,
};

/* Another port of this driver is never anyone's VF (hn_vf.c). */
bool
hn_is_netvsc_port(uint16_t port)
{
	return port < RTE_MAX_ETHPORTS &&
		rte_eth_devices[port].dev_ops == &hn_eth_dev_ops;
}

static int
eth_hn_probe(struct rte_vmbus_driver *drv, struct rte_vmbus_device *vdev)
{
	struct rte_eth_dev *eth_dev;
	int ret;

	RTE_SET_USED(drv);
	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		eth_dev = rte_eth_dev_attach_secondary(vdev->device.name);
		if (eth_dev == NULL)
			return -ENOMEM;
		ret = hn_mp_init();
		if (ret != 0) {
			rte_eth_dev_release_port(eth_dev);
			return ret;
		}
		/* The primary's remap requests find the device through it. */
		eth_dev->device = &vdev->device;
		eth_dev->dev_ops = &hn_eth_dev_ops;
		hn_set_burst(eth_dev);
		hn_vf_secondary_init(eth_dev->data->dev_private);
		rte_eth_dev_probing_finish(eth_dev);
		return 0;
	}
	eth_dev = rte_eth_dev_allocate(vdev->device.name);
	if (eth_dev == NULL)
		return -ENOMEM;
	eth_dev->data->dev_private = rte_zmalloc_socket("hn_data",
			sizeof(struct hn_data), RTE_CACHE_LINE_SIZE,
			vdev->device.numa_node);
	if (eth_dev->data->dev_private == NULL) {
		rte_eth_dev_release_port(eth_dev);
		return -ENOMEM;
	}
	eth_dev->device = &vdev->device;
	/* What rte_eth_dev_socket_id() reports: the bus's choice. */
	eth_dev->data->numa_node = vdev->device.numa_node;
	eth_dev->intr_handle = vdev->intr_handle;
	eth_dev->dev_ops = &hn_eth_dev_ops;
	eth_dev->data->dev_flags |= RTE_ETH_DEV_INTR_LSC;

	ret = hn_dev_init(eth_dev, vdev);
	if (ret != 0) {
		rte_eth_dev_release_port(eth_dev);
		return ret;
	}
	hn_set_burst(eth_dev);
	rte_eth_dev_probing_finish(eth_dev);
	return 0;
}

static int
eth_hn_remove(struct rte_vmbus_device *vdev)
{
	struct rte_eth_dev *eth_dev;

	eth_dev = rte_eth_dev_allocated(vdev->device.name);
	if (eth_dev == NULL)
		return 0;	/* already closed */
	if (rte_eal_process_type() == RTE_PROC_PRIMARY)
		return rte_eth_dev_close(eth_dev->data->port_id);
	hn_vf_secondary_uninit(eth_dev->data->dev_private);
	hn_mp_uninit();
	return rte_eth_dev_release_port(eth_dev);
}

/*
 * The bus matches devices by class: the synthetic network adapter's class
 * GUID (netvsc_protocol.rst, "NVSP"), then an all-zero terminator.
 */
static const rte_uuid_t hn_class_table[2] = {
	[0] = RTE_UUID_INIT(0xf8615163, 0xdf3e, 0x46c5, 0x913f,
			    0xf2d2f965ed0eULL),
};

static struct rte_vmbus_driver hn_vmbus_driver = {
	.probe = eth_hn_probe,
	.remove = eth_hn_remove,
	.id_table = hn_class_table,
};

RTE_PMD_REGISTER_PARAM_STRING(net_netvsc,
			      HN_DEVARG_LATENCY "=<uint> "
			      HN_DEVARG_RX_COPYBREAK "=<uint> "
			      HN_DEVARG_TX_COPYBREAK "=<uint> "
			      HN_DEVARG_RX_EXTMBUF "=<0|1> "
			      HN_DEVARG_ENABLE_VF "=<0|1> "
			      HN_DEVARG_VF_AUTO_ATTACH "=<0|1> "
			      HN_DEVARG_CTRL_TIMEOUT "=<uint>");
RTE_PMD_REGISTER_VMBUS(net_netvsc, hn_vmbus_driver);
RTE_PMD_REGISTER_KMOD_DEP(net_netvsc, "* uio_hv_generic");
