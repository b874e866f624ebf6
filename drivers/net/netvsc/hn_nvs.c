/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * NVSP: version negotiation, receive and send buffer connection,
 * subchannel allocation, and the host's NVSP completions and notices
 * (doc/guides/nics/netvsc_protocol.rst, "NVSP").
 */

#include <errno.h>
#include <string.h>

#include <rte_bus_vmbus.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "hn_var.h"
#include "hn_nvs.h"
#include "hn_vf.h"

/*
 * Newest first: the first version the host accepts wins
 * (netvsc_protocol.rst, "Versions").
 */
static const uint32_t hn_nvs_versions[] = {
	HN_NVS_VERSION_61,
	HN_NVS_VERSION_6,
	HN_NVS_VERSION_5,
	HN_NVS_VERSION_4,
	HN_NVS_VERSION_2,
	HN_NVS_VERSION_1,
};

/*
 * Poll the primary channel once on behalf of a waiting control request,
 * and the subchannels nobody is reading at this moment: RNDIS completions
 * come in receive-buffer sections, and frames left on a channel that no
 * one polls (the port stopping, or a queue the application configured but
 * does not poll) hold sections until the host has none for the answer.
 */
int
hn_chan_poll_ctrl(struct hn_data *hv)
{
	struct hn_rx_queue *rxq = hv->rxq[0];
	uint16_t i;
	int ret;

	rte_spinlock_lock(&rxq->ring_lock);
	ret = hn_chan_process(hv, rxq, 64);
	rte_spinlock_unlock(&rxq->ring_lock);
	for (i = 1; i < hv->num_channels; i++) {
		rxq = hv->rxq[i];
		if (rxq == NULL || !rte_spinlock_trylock(&rxq->ring_lock))
			continue;
		hn_chan_process(hv, rxq, 64);
		rte_spinlock_unlock(&rxq->ring_lock);
	}
	return ret;
}

void
hn_ctrl_wait_begin(struct hn_data *hv, struct hn_ctrl_wait *w)
{
	uint64_t hz = rte_get_timer_hz();

	w->start = rte_get_timer_cycles();
	w->deadline = w->start + hz * hv->args.ctrl_timeout_ms / 1000;
	w->next_note = w->start + hz;
}

/*
 * Before the next poll of a control request: -ETIMEDOUT once past the
 * deadline, else 0 and the caller sleeps. A host under servicing may take
 * seconds; a line says so while it does, so a stalled start is never
 * silent.
 */
int
hn_ctrl_wait_step(struct hn_data *hv, struct hn_ctrl_wait *w,
		  const char *what, uint32_t id)
{
	uint64_t now = rte_get_timer_cycles(), hz = rte_get_timer_hz();

	if (now > w->deadline) {
		HN_LOG(ERR, "port %u: no answer to %s %#x in %u ms (devarg %s)",
		       hv->port_id, what, id, hv->args.ctrl_timeout_ms,
		       HN_DEVARG_CTRL_TIMEOUT);
		return -ETIMEDOUT;
	}
	if (now > w->next_note) {
		HN_LOG(NOTICE, "port %u: still waiting for the host to answer %s %#x after %" PRIu64 " s (gives up after %u ms)",
		       hv->port_id, what, id, (now - w->start) / hz,
		       hv->args.ctrl_timeout_ms);
		w->next_note = now + 5 * hz;
	}
	return 0;
}

/* Send a message that expects no completion. */
static int
hn_nvs_send_oneway(struct hn_data *hv, void *req, uint32_t len)
{
	return rte_vmbus_chan_send(hv->channels[0], VMBUS_CHANPKT_TYPE_INBAND,
				   req, len, 0, VMBUS_CHANPKT_FLAG_NONE, NULL);
}

int
hn_nvs_execute(struct hn_data *hv, void *req, uint32_t reqlen,
	       uint32_t resp_type, void *resp, uint32_t resp_size,
	       uint32_t resp_min, uint32_t *resp_len)
{
	struct hn_ctrl_wait w;
	uint32_t len;
	int ret;

	/* Publish the wait to a reader of queue 0 on another lcore. */
	__atomic_store_n(&hv->nvs_resp_len, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&hv->nvs_wait_type, resp_type, __ATOMIC_RELEASE);
	ret = rte_vmbus_chan_send(hv->channels[0], VMBUS_CHANPKT_TYPE_INBAND,
				  req, reqlen, HN_XACT_NVS,
				  VMBUS_CHANPKT_FLAG_RC, NULL);
	if (ret != 0) {
		HN_LOG(ERR, "cannot send NVSP request: %d", ret);
		__atomic_store_n(&hv->nvs_wait_type, 0, __ATOMIC_RELAXED);
		return ret;
	}
	hn_ctrl_wait_begin(hv, &w);
	for (;;) {
		hn_chan_poll_ctrl(hv);
		len = __atomic_load_n(&hv->nvs_resp_len, __ATOMIC_ACQUIRE);
		if (len != 0)
			break;
		ret = hn_ctrl_wait_step(hv, &w, "NVSP request",
					*(const uint32_t *)req);
		if (ret != 0) {
			__atomic_store_n(&hv->nvs_wait_type, 0,
					 __ATOMIC_RELAXED);
			return ret;
		}
		rte_delay_us_sleep(HN_POLL_INTERVAL_US);
	}
	__atomic_store_n(&hv->nvs_wait_type, 0, __ATOMIC_RELAXED);
	return hn_nvs_take_comp(resp, resp_size, hv->nvs_resp, len, resp_min,
				resp_len);
}

/*
 * A completion on a channel whose transaction id names control traffic.
 * Data completions never get here.
 */
void
hn_nvs_handle_comp(struct hn_data *hv, uint16_t queue_id, const uint8_t *buf,
		   uint32_t len, uint64_t xact)
{
	struct hn_rx_queue *rxq = hv->rxq[queue_id];
	uint32_t type, wait, n;

	if (len < sizeof(type)) {
		HN_BAD("NVSP completion of %u bytes", len);
		rxq->stats.bad_nvs++;
		return;
	}
	memcpy(&type, buf, sizeof(type));
	if (xact == HN_XACT_RNDIS_CTRL &&
	    type == HN_NVS_TYPE_SEND_RNDIS_PKT_COMPLETE)
		return;	/* the host took our control message */
	wait = __atomic_load_n(&hv->nvs_wait_type, __ATOMIC_ACQUIRE);
	if (xact == HN_XACT_NVS && queue_id == 0 && wait != 0 &&
	    type == wait &&
	    __atomic_load_n(&hv->nvs_resp_len, __ATOMIC_RELAXED) == 0) {
		n = RTE_MIN(len, (uint32_t)sizeof(hv->nvs_resp));
		memcpy(hv->nvs_resp, buf, n);
		__atomic_store_n(&hv->nvs_resp_len, n, __ATOMIC_RELEASE);
		return;
	}
	HN_BAD("unexpected NVSP completion type %u id %#" PRIx64 " on queue %u",
	       type, xact, queue_id);
	rxq->stats.bad_xact++;
}

/* Inband NVSP messages the host sends on its own. */
void
hn_nvs_handle_notify(struct hn_data *hv, struct hn_rx_queue *rxq,
		     const uint8_t *buf, uint32_t len)
{
	uint32_t type, serial;
	bool allocated;

	if (len < sizeof(type)) {
		HN_BAD("NVSP message of %u bytes", len);
		rxq->stats.bad_nvs++;
		return;
	}
	memcpy(&type, buf, sizeof(type));
	switch (type) {
	case HN_NVS_TYPE_SEND_INDIRECTION_TABLE:
		/* Kept for telemetry; the application picks the TX queue. */
		if (hn_nvs_check_txtbl(buf, len, hv->txtbl) != 0) {
			rxq->stats.bad_nvs++;
			hv->txtbl_valid = false;
			return;
		}
		hv->txtbl_valid = true;
		break;
	case HN_NVS_TYPE_SEND_VF_ASSOCIATION:
		if (hn_nvs_check_vf_assoc(buf, len, &allocated, &serial) != 0) {
			rxq->stats.bad_nvs++;
			return;
		}
		hv->vf_offered = allocated;
		hv->vf_serial = serial;
		if (allocated)
			hv->vf_host_synthetic = false;
		HN_LOG(INFO, "host %s VF serial %u%s",
		       allocated ? "offers" : "withdraws", serial,
		       hv->args.enable_vf ? "" : " (enable_vf=0: ignored)");
		hn_vf_host_event(hv);
		break;
	case HN_NVS_TYPE_SWITCH_DATA_PATH:
		if (hn_nvs_check_datapath(buf, len, &serial) != 0) {
			rxq->stats.bad_nvs++;
			return;
		}
		HN_LOG(INFO, "host switched the data path to %s",
		       serial == HN_NVS_DATAPATH_VF ? "the VF" : "synthetic");
		if (serial == HN_NVS_DATAPATH_SYNTHETIC) {
			hv->vf_host_synthetic = true;
			hn_vf_host_event(hv);
		}
		break;
	default:
		HN_BAD("unexpected NVSP message type %u", type);
		rxq->stats.bad_nvs++;
		break;
	}
}

static int
hn_nvs_init(struct hn_data *hv)
{
	struct hn_nvs_init_comp comp;
	struct hn_nvs_init req;
	unsigned int i;
	uint32_t len;
	int ret;

	for (i = 0; i < RTE_DIM(hn_nvs_versions); i++) {
		memset(&req, 0, sizeof(req));
		req.type = HN_NVS_TYPE_INIT;
		req.ver_min = hn_nvs_versions[i];
		req.ver_max = hn_nvs_versions[i];
		ret = hn_nvs_execute(hv, &req, sizeof(req),
				     HN_NVS_TYPE_INIT_COMPLETE, &comp,
				     sizeof(comp), sizeof(comp), &len);
		if (ret != 0)
			return ret;
		if (comp.status == HN_NVS_STATUS_SUCCESS) {
			hv->nvs_ver = hn_nvs_versions[i];
			HN_INIT_LOG(DEBUG, "NVSP version %#x", hv->nvs_ver);
			return 0;
		}
	}
	HN_INIT_LOG(ERR, "host accepts no NVSP version we speak");
	return -ENXIO;
}

static int
hn_nvs_send_ndis(struct hn_data *hv, uint32_t mtu)
{
	struct hn_nvs_ndis_conf conf;
	struct hn_nvs_ndis_ver ver;
	int ret;

	if (hv->nvs_ver >= HN_NVS_VERSION_2) {
		conf = (struct hn_nvs_ndis_conf){
			.type = HN_NVS_TYPE_SEND_NDIS_CONFIG,
			/* The host counts the Ethernet header in. */
			.mtu = RTE_ETHER_HDR_LEN + mtu,
			.caps = HN_NVS_NDIS_CONF_VLAN,
		};
		/*
		 * As Linux and DPDK do from NVSP 5: without it the host never
		 * tells us about a VF; hn_vf.c decides whether to use one.
		 */
		if (hv->nvs_ver >= HN_NVS_VERSION_5)
			conf.caps |= HN_NVS_NDIS_CONF_SRIOV;
		ret = hn_nvs_send_oneway(hv, &conf, sizeof(conf));
		if (ret != 0) {
			HN_INIT_LOG(ERR, "cannot send NDIS config: %d", ret);
			return ret;
		}
	}
	hv->ndis_ver = hv->nvs_ver <= HN_NVS_VERSION_4 ?
		HN_NDIS_VERSION_6_1 : HN_NDIS_VERSION_6_30;
	memset(&ver, 0, sizeof(ver));
	ver.type = HN_NVS_TYPE_SEND_NDIS_VER;
	ver.major = hv->ndis_ver >> 16;
	ver.minor = hv->ndis_ver & 0xffff;
	ret = hn_nvs_send_oneway(hv, &ver, sizeof(ver));
	if (ret != 0)
		HN_INIT_LOG(ERR, "cannot send NDIS version: %d", ret);
	return ret;
}

/*
 * Hand one of the buffers (receive or send) to the host by its GPADL and
 * wait for the completion; the caller checks what the host answered.
 */
static int
hn_nvs_buf_connect(struct hn_data *hv, uint32_t type, uint32_t comp_type,
		   uint32_t gpadl, uint16_t sig, uint8_t *resp, uint32_t *len)
{
	struct hn_nvs_buf_conn req = {
		.type = type,
		.gpadl = gpadl,
		.sig = sig,
	};

	return hn_nvs_execute(hv, &req, sizeof(req), comp_type, resp,
			      sizeof(hv->nvs_resp), sizeof(struct hn_nvs_hdr),
			      len);
}

static int
hn_nvs_conn_rxbuf(struct hn_data *hv)
{
	uint8_t resp[sizeof(hv->nvs_resp)];
	uint32_t len;
	int ret;

	ret = hn_nvs_buf_connect(hv, HN_NVS_TYPE_SEND_RECV_BUF,
				 HN_NVS_TYPE_SEND_RECV_BUF_COMPLETE,
				 hv->rxbuf_gpadl, HN_NVS_RECV_BUF_ID, resp,
				 &len);
	if (ret != 0)
		return ret;
	/* The host holds the buffer from here on, even if we refuse it. */
	hv->rxbuf_connected = true;
	return hn_nvs_check_rxbuf(resp, len, hv->rxbuf_size, &hv->rxbuf_slots);
}

static int
hn_nvs_conn_chim(struct hn_data *hv)
{
	uint8_t resp[sizeof(hv->nvs_resp)];
	uint32_t len;
	int ret;

	ret = hn_nvs_buf_connect(hv, HN_NVS_TYPE_SEND_SEND_BUF,
				 HN_NVS_TYPE_SEND_SEND_BUF_COMPLETE,
				 hv->chim_gpadl, HN_NVS_SEND_BUF_ID, resp,
				 &len);
	if (ret != 0)
		return ret;
	hv->chim_connected = true;
	return hn_nvs_check_chim(resp, len, hv->chim_size, &hv->chim_szmax,
				 &hv->chim_cnt);
}

static void
hn_nvs_revoke(struct hn_data *hv, uint32_t type, uint16_t sig)
{
	/* One-way: the host acknowledges a revoke by no message. */
	struct hn_nvs_buf_revoke req = { .type = type, .sig = sig };

	if (hn_nvs_send_oneway(hv, &req, sizeof(req)) != 0)
		HN_LOG(ERR, "cannot revoke buffer %#x", sig);
}

int
hn_nvs_attach(struct hn_data *hv, uint32_t mtu)
{
	int ret;

	ret = hn_nvs_init(hv);
	if (ret == 0)
		ret = hn_nvs_send_ndis(hv, mtu);
	if (ret == 0)
		ret = hn_nvs_conn_rxbuf(hv);
	if (ret == 0)
		ret = hn_nvs_conn_chim(hv);
	if (ret != 0) {
		hn_nvs_detach(hv);
		return ret;
	}
	HN_INIT_LOG(INFO, "NVSP %#x, NDIS %#x, rx buffer %u slots, send buffer %u x %u",
		    hv->nvs_ver, hv->ndis_ver, hv->rxbuf_slots, hv->chim_cnt,
		    hv->chim_szmax);
	return 0;
}

void
hn_nvs_detach(struct hn_data *hv)
{
	uint64_t until;

	if (hv->rxbuf_connected)
		hn_nvs_revoke(hv, HN_NVS_TYPE_REVOKE_RECV_BUF,
			      HN_NVS_RECV_BUF_ID);
	if (hv->chim_connected)
		hn_nvs_revoke(hv, HN_NVS_TYPE_REVOKE_SEND_BUF,
			      HN_NVS_SEND_BUF_ID);
	if (hv->rxbuf_connected || hv->chim_connected) {
		/* Let the host finish with both buffers before they go. */
		until = rte_get_timer_cycles() + rte_get_timer_hz() / 20;
		while (rte_get_timer_cycles() < until) {
			hn_chan_poll_ctrl(hv);
			rte_delay_us_sleep(HN_POLL_INTERVAL_US * 10);
		}
	}
	hv->rxbuf_connected = false;
	hv->chim_connected = false;
}

/* SWITCH_DATA_PATH: the host completes it only if asked; we do not ask. */
int
hn_nvs_set_datapath(struct hn_data *hv, uint32_t path)
{
	struct hn_nvs_datapath req;

	memset(&req, 0, sizeof(req));
	req.type = HN_NVS_TYPE_SWITCH_DATA_PATH;
	req.path = path;
	return hn_nvs_send_oneway(hv, &req, sizeof(req));
}

int
hn_nvs_alloc_subchans(struct hn_data *hv, uint32_t *nsubch)
{
	struct hn_nvs_subch_req req;
	uint8_t resp[sizeof(hv->nvs_resp)];
	uint32_t len;
	int ret;

	memset(&req, 0, sizeof(req));
	req.type = HN_NVS_TYPE_SUBCHANNEL;
	req.op = HN_NVS_SUBCH_OP_ALLOC;
	req.nsubch = *nsubch;
	ret = hn_nvs_execute(hv, &req, sizeof(req), HN_NVS_TYPE_SUBCHANNEL,
			     resp, sizeof(resp), sizeof(struct hn_nvs_hdr),
			     &len);
	if (ret != 0)
		return ret;
	return hn_nvs_check_subch(resp, len, req.nsubch, nsubch);
}
