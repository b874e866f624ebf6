/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * /netvsc/info,<port>: what was negotiated with the host and how full the
 * shared buffers are, for a running application (dpdk-telemetry.py).
 * Read from the telemetry thread while the data path runs: counters are
 * read without locks and may be a burst behind; the VF state is read
 * under the VF lock, as its control path changes it.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <ethdev_driver.h>
#include <rte_mbuf.h>
#include <rte_telemetry.h>
#include <rte_bus_vmbus.h>

#include "hn_var.h"
#include "hn_vf.h"

#define HN_TEL_CMD	"/netvsc/info"

static struct hn_data *
hn_tel_port(const char *params, uint16_t *port)
{
	struct rte_eth_dev_info info;
	unsigned long v;
	char *end;

	if (params == NULL || *params == '\0')
		return NULL;
	errno = 0;
	v = strtoul(params, &end, 10);
	if (errno != 0 || *end != '\0' || v >= RTE_MAX_ETHPORTS ||
	    !rte_eth_dev_is_valid_port(v))
		return NULL;
	if (rte_eth_dev_info_get(v, &info) != 0 || info.driver_name == NULL ||
	    strcmp(info.driver_name, "net_netvsc") != 0)
		return NULL;
	*port = v;
	return rte_eth_devices[v].data->dev_private;
}

/*
 * NVSP versions are codes (0x30002 is NVSP 2, 0x60001 is 6.1), printed as
 * on the wire; NDIS versions are major.minor (0x6001e is 6.30).
 */
static void
hn_tel_versions(struct hn_data *hv, struct rte_tel_data *d)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%#x", hv->nvs_ver);
	rte_tel_data_add_dict_string(d, "nvs_version", buf);
	snprintf(buf, sizeof(buf), "%u.%u", hv->ndis_ver >> 16,
		 hv->ndis_ver & 0xffff);
	rte_tel_data_add_dict_string(d, "ndis_version", buf);
}

/* An array of one u64 per channel, added to d under name. */
static struct rte_tel_data *
hn_tel_array(struct rte_tel_data *d, const char *name)
{
	struct rte_tel_data *a = rte_tel_data_alloc();

	if (a == NULL)
		return NULL;
	rte_tel_data_start_array(a, RTE_TEL_U64_VAL);
	if (rte_tel_data_add_dict_container(d, name, a, 0) != 0) {
		rte_tel_data_free(a);
		return NULL;
	}
	return a;
}

static void
hn_tel_channels(struct hn_data *hv, struct rte_tel_data *d)
{
	struct rte_tel_data *tx_desc, *tx_sect, *rx_staged, *rx_comp, *rx_empty;
	uint16_t i;

	tx_desc = hn_tel_array(d, "tx_desc_in_use");
	tx_sect = hn_tel_array(d, "tx_send_sections_in_use");
	rx_staged = hn_tel_array(d, "rx_frames_staged");
	rx_comp = hn_tel_array(d, "rx_completions_pending");
	rx_empty = hn_tel_array(d, "rx_ring_empty");
	if (tx_desc == NULL || tx_sect == NULL || rx_staged == NULL ||
	    rx_comp == NULL || rx_empty == NULL)
		return;
	for (i = 0; i < hv->num_channels && i < HN_MAX_CHANNELS; i++) {
		const struct hn_tx_queue *txq = hv->txq[i];
		const struct hn_rx_queue *rxq = hv->rxq[i];

		rte_tel_data_add_array_uint(tx_desc, txq == NULL ? 0 :
					    txq->nb_desc - txq->desc_nfree);
		rte_tel_data_add_array_uint(tx_sect, txq == NULL ? 0 :
					    txq->chim_cnt - txq->chim_nfree);
		rte_tel_data_add_array_uint(rx_staged, rxq == NULL ? 0 :
			(rxq->stage_tail - rxq->stage_head) & rxq->stage_mask);
		rte_tel_data_add_array_uint(rx_comp, rxq == NULL ? 0 :
					    rxq->comp_npending);
		rte_tel_data_add_array_uint(rx_empty, hv->channels[i] == NULL ?
			1 : rte_vmbus_chan_rx_empty(hv->channels[i]));
	}
}

/* Receive buffer slots the host cannot reuse yet. */
static uint64_t
hn_tel_rxbuf_held(struct hn_data *hv)
{
	uint64_t n = 0;
	uint32_t i;

	for (i = 0; i < hv->num_channels && i < HN_MAX_CHANNELS; i++)
		if (hv->rxq[i] != NULL)
			n += hv->rxq[i]->comp_npending;
	if (hv->rxbuf_info != NULL)
		for (i = 0; i < hv->rxbuf_slots; i++)
			if (rte_mbuf_ext_refcnt_read(&hv->rxbuf_info[i].shinfo))
				n++;
	return n;
}

/* Port totals of the per-queue xstats of the same names. */
static void
hn_tel_bad(struct hn_data *hv, struct rte_tel_data *d)
{
	struct rte_tel_data *b = rte_tel_data_alloc();
	struct hn_rx_stats rx;
	uint64_t host_failed = 0;
	uint16_t i;

	if (b == NULL)
		return;
	memset(&rx, 0, sizeof(rx));
	for (i = 0; i < HN_MAX_CHANNELS; i++) {
		const struct hn_rx_queue *q = hv->rxq[i];

		if (hv->txq[i] != NULL)
			host_failed += hv->txq[i]->stats.host_failed;
		if (q == NULL)
			continue;
		rx.bad_chanpkt += q->stats.bad_chanpkt;
		rx.bad_xfer += q->stats.bad_xfer;
		rx.bad_range += q->stats.bad_range;
		rx.bad_rndis += q->stats.bad_rndis;
		rx.bad_nvs += q->stats.bad_nvs;
		rx.bad_xact += q->stats.bad_xact;
		rx.chan_error += q->stats.chan_error;
		rx.chan_dead += q->stats.chan_dead;
		rx.busy_xact += q->stats.busy_xact;
	}
	rte_tel_data_start_dict(b);
	rte_tel_data_add_dict_uint(b, "bad_ring_packets", rx.bad_chanpkt);
	rte_tel_data_add_dict_uint(b, "bad_transfer_packets", rx.bad_xfer);
	rte_tel_data_add_dict_uint(b, "bad_ranges", rx.bad_range);
	rte_tel_data_add_dict_uint(b, "bad_rndis_messages", rx.bad_rndis);
	rte_tel_data_add_dict_uint(b, "bad_nvsp_messages", rx.bad_nvs);
	rte_tel_data_add_dict_uint(b, "bad_transaction_ids", rx.bad_xact);
	rte_tel_data_add_dict_uint(b, "transfer_ids_busy", rx.busy_xact);
	rte_tel_data_add_dict_uint(b, "ring_read_errors", rx.chan_error);
	rte_tel_data_add_dict_uint(b, "channel_dead", rx.chan_dead);
	rte_tel_data_add_dict_uint(b, "host_failures", host_failed);
	if (rte_tel_data_add_dict_container(d, "bad_host_messages", b, 0) != 0)
		rte_tel_data_free(b);
}

static void
hn_tel_vf(struct hn_data *hv, struct rte_tel_data *d)
{
	struct rte_tel_data *v = rte_tel_data_alloc();
	struct hn_vf_ctx *vf = hv->vf;

	if (v == NULL)
		return;
	rte_tel_data_start_dict(v);
	rte_tel_data_add_dict_int(v, "enabled", vf != NULL);
	rte_tel_data_add_dict_int(v, "offered", hv->vf_offered);
	if (vf != NULL) {
		rte_spinlock_recursive_lock(&vf->lock);
		rte_tel_data_add_dict_int(v, "port", vf->port == HN_VF_NONE ?
					  -1 : vf->port);
		rte_tel_data_add_dict_string(v, "data_path",
			vf->dp_port == HN_VF_NONE ? "synthetic" : "vf");
		rte_tel_data_add_dict_uint(v, "to_vf", vf->n_to_vf);
		rte_tel_data_add_dict_uint(v, "to_synthetic",
					   vf->n_to_synthetic);
		rte_tel_data_add_dict_uint(v, "taken", vf->n_taken);
		rte_tel_data_add_dict_uint(v, "released", vf->n_released);
		rte_spinlock_recursive_unlock(&vf->lock);
	} else {
		rte_tel_data_add_dict_int(v, "port", -1);
		rte_tel_data_add_dict_string(v, "data_path", "synthetic");
	}
	if (rte_tel_data_add_dict_container(d, "vf", v, 0) != 0)
		rte_tel_data_free(v);
}

static int
hn_tel_info(const char *cmd __rte_unused, const char *params,
	    struct rte_tel_data *d)
{
	struct hn_data *hv;
	uint16_t port;

	hv = hn_tel_port(params, &port);
	if (hv == NULL)
		return -EINVAL;
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_int(d, "port", port);
	hn_tel_versions(hv, d);
	rte_tel_data_add_dict_int(d, "channels_max", hv->max_queues);
	rte_tel_data_add_dict_int(d, "channels_requested",
				  1 + hv->subch_asked);
	rte_tel_data_add_dict_int(d, "channels_granted",
				  1 + hv->subch_granted);
	rte_tel_data_add_dict_int(d, "channels_open", hv->num_channels);
	rte_tel_data_add_dict_uint(d, "rx_buffer_size", hv->rxbuf_size);
	rte_tel_data_add_dict_uint(d, "rx_buffer_slots", hv->rxbuf_slots);
	rte_tel_data_add_dict_uint(d, "rx_buffer_slots_held",
				   hn_tel_rxbuf_held(hv));
	rte_tel_data_add_dict_uint(d, "send_buffer_size", hv->chim_size);
	rte_tel_data_add_dict_uint(d, "send_section_size", hv->chim_szmax);
	rte_tel_data_add_dict_uint(d, "send_sections", hv->chim_cnt);
	rte_tel_data_add_dict_string(d, "link",
		hv->link_status == HN_NDIS_MEDIA_CONNECTED ? "up" :
				     "down");
	rte_tel_data_add_dict_uint(d, "link_speed_mbps",
				   hv->link_speed / 10000);
	rte_tel_data_add_dict_uint(d, "host_event_alarms",
		__atomic_load_n(&hv->host_alarms, __ATOMIC_RELAXED));
	hn_tel_channels(hv, d);
	hn_tel_vf(hv, d);
	hn_tel_bad(hv, d);
	return 0;
}

RTE_INIT(hn_telemetry_init)
{
	rte_telemetry_register_cmd(HN_TEL_CMD, hn_tel_info,
		"netvsc port state: NVSP/NDIS versions, channels, buffers, VF, bad host messages. Parameters: int port_id");
}
