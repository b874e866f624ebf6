/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * RNDIS control (doc/guides/nics/netvsc_protocol.rst, "RNDIS"): initialize
 * and halt, OID queries and sets, and the host's completions and status
 * indications. One request is outstanding at a time. Requests go to the host
 * as a single GPA page; completions come back through the receive buffer on
 * the primary channel and are matched by request id.
 */

#include <errno.h>
#include <string.h>

#include <rte_bus_vmbus.h>
#include <bus_vmbus_driver.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_memzone.h>

#include "hn_var.h"
#include "hn_nvs.h"
#include "hn_rndis.h"

#define HN_RNDIS_REQ_MAX	1024

/* Send the request in the control page and wait for its completion. */
static int
hn_rndis_execute(struct hn_data *hv, const void *req, uint32_t reqlen,
		 uint32_t comp_type, uint8_t *resp, uint32_t resp_max,
		 uint32_t *resp_len)
{
	uint8_t *page = hv->ctrl_mz->addr;
	rte_iova_t iova = hv->ctrl_mz->iova;
	struct hn_nvs_rndis nvs;
	struct vmbus_gpa sg;
	struct hn_ctrl_wait w;
	uint32_t rid, len;
	int ret, tries;

	RTE_VERIFY(reqlen <= HN_RNDIS_REQ_MAX);
	rte_spinlock_lock(&hv->rndis_lock);
	rid = ++hv->rndis_rid;
	if (rid == 0)
		rid = ++hv->rndis_rid;
	memcpy(page, req, reqlen);
	/* Every request carries its id right after type and length. */
	memcpy(page + 8, &rid, sizeof(rid));

	/* Publish the wait to a reader of queue 0 on another lcore. */
	__atomic_store_n(&hv->rndis_resp_len, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&hv->rndis_pending, comp_type != 0 ? rid : 0,
			 __ATOMIC_RELEASE);

	memset(&nvs, 0, sizeof(nvs));
	nvs.type = HN_NVS_TYPE_SEND_RNDIS_PKT;
	nvs.chan_type = HN_NVS_RNDIS_MTYPE_CTRL;
	nvs.chim_idx = HN_NVS_CHIM_IDX_INVALID;
	sg.page = iova >> HYPERV_PAGE_SHIFT;
	sg.ofs = iova & HYPERV_PAGE_MASK;
	sg.len = reqlen;
	for (tries = 0; ; tries++) {
		ret = rte_vmbus_chan_send_sglist(hv->channels[0], &sg, 1,
						 &nvs, sizeof(nvs),
						 HN_XACT_RNDIS_CTRL, NULL);
		if (ret != -EAGAIN || tries > 100)
			break;
		hn_chan_poll_ctrl(hv);
		rte_delay_us_sleep(HN_POLL_INTERVAL_US);
	}
	if (ret != 0) {
		HN_LOG(ERR, "cannot send RNDIS request %#x: %d",
		       *(const uint32_t *)req, ret);
		goto out;
	}
	if (comp_type == 0)
		goto out;

	hn_ctrl_wait_begin(hv, &w);
	for (;;) {
		hn_chan_poll_ctrl(hv);
		len = __atomic_load_n(&hv->rndis_resp_len, __ATOMIC_ACQUIRE);
		if (len != 0)
			break;
		ret = hn_ctrl_wait_step(hv, &w, "RNDIS request",
					*(const uint32_t *)req);
		if (ret != 0)
			goto out;
		rte_delay_us_sleep(HN_POLL_INTERVAL_US);
	}
	if (*(uint32_t *)hv->rndis_resp != comp_type) {
		HN_LOG(ERR, "RNDIS completion type %#x for request type %#x",
		       *(uint32_t *)hv->rndis_resp, *(const uint32_t *)req);
		ret = -EPROTO;
		goto out;
	}
	len = RTE_MIN(len, resp_max);
	memcpy(resp, hv->rndis_resp, len);
	*resp_len = len;
out:
	__atomic_store_n(&hv->rndis_pending, 0, __ATOMIC_RELAXED);
	rte_spinlock_unlock(&hv->rndis_lock);
	return ret;
}

static int
hn_rndis_query(struct hn_data *hv, uint32_t oid, const void *in,
	       uint32_t in_len, void *out, uint32_t out_min, uint32_t out_max,
	       uint32_t *out_len)
{
	uint8_t req[HN_RNDIS_REQ_MAX];
	uint8_t resp[sizeof(hv->rndis_resp)];
	struct hn_rndis_oid_req *q = (struct hn_rndis_oid_req *)req;
	uint32_t len, off, ilen;
	int ret;

	memset(q, 0, sizeof(*q));
	q->type = HN_RNDIS_QUERY_MSG;
	q->len = sizeof(*q) + in_len;
	q->oid = oid;
	q->info_len = in_len;
	q->info_off = in_len != 0 ? sizeof(*q) - HN_RNDIS_OFS_BASE : 0;
	if (in_len != 0)
		memcpy(req + sizeof(*q), in, in_len);

	ret = hn_rndis_execute(hv, req, q->len, HN_RNDIS_QUERY_CMPLT,
			       resp, sizeof(resp), &len);
	if (ret != 0)
		return ret;
	ret = hn_rndis_check_query(resp, len, &off, &ilen);
	if (ret != 0)
		return ret;
	if (ilen < out_min) {
		HN_LOG(ERR, "OID %#x answer of %u bytes, need %u", oid, ilen,
		       out_min);
		return -EINVAL;
	}
	ilen = RTE_MIN(ilen, out_max);
	memcpy(out, resp + off, ilen);
	if (out_len != NULL)
		*out_len = ilen;
	return 0;
}

static int
hn_rndis_set(struct hn_data *hv, uint32_t oid, const void *data,
	     uint32_t data_len)
{
	uint8_t req[HN_RNDIS_REQ_MAX];
	struct hn_rndis_oid_req *s = (struct hn_rndis_oid_req *)req;
	struct hn_rndis_comp comp;
	uint32_t len;
	int ret;

	if (sizeof(*s) + data_len > sizeof(req))
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	s->type = HN_RNDIS_SET_MSG;
	s->len = sizeof(*s) + data_len;
	s->oid = oid;
	s->info_len = data_len;
	s->info_off = sizeof(*s) - HN_RNDIS_OFS_BASE;
	memcpy(req + sizeof(*s), data, data_len);

	ret = hn_rndis_execute(hv, req, s->len, HN_RNDIS_SET_CMPLT,
			       (uint8_t *)&comp, sizeof(comp), &len);
	if (ret != 0)
		return ret;
	if (comp.status != HN_RNDIS_STATUS_SUCCESS) {
		HN_LOG(ERR, "host refused OID %#x: status %#x", oid,
		       comp.status);
		return -EIO;
	}
	return 0;
}

static int
hn_rndis_init(struct hn_data *hv)
{
	struct hn_rndis_init_req req;
	uint8_t resp[sizeof(struct hn_rndis_init_comp)];
	uint32_t len, pkts, xfer, align;
	int ret;

	memset(&req, 0, sizeof(req));
	req.type = HN_RNDIS_INIT_MSG;
	req.len = sizeof(req);
	req.major = HN_RNDIS_VERSION_MAJOR;
	req.minor = HN_RNDIS_VERSION_MINOR;
	req.max_xfer = HN_RNDIS_XFER_SIZE;
	ret = hn_rndis_execute(hv, &req, sizeof(req), HN_RNDIS_INIT_CMPLT,
			       resp, sizeof(resp), &len);
	if (ret != 0)
		return ret;
	ret = hn_rndis_check_init(resp, len, &pkts, &xfer, &align);
	if (ret != 0)
		return ret;
	hv->rndis_agg_pkts = pkts;
	hv->rndis_agg_size = RTE_MIN(xfer, hv->chim_szmax);
	hv->rndis_agg_align = align;
	hv->rndis_up = true;
	HN_INIT_LOG(DEBUG, "RNDIS aggregation: %u packets, %u bytes, align %u",
		    pkts, hv->rndis_agg_size, align);
	return 0;
}

static int
hn_rndis_query_offload(struct hn_data *hv)
{
	uint8_t in[156], out[156];
	struct hn_ndis_obj_hdr *h = (struct hn_ndis_obj_hdr *)in;
	struct hn_offload_caps caps;
	uint32_t len;
	int ret;

	memset(in, 0, sizeof(in));
	h->type = HN_NDIS_OBJTYPE_OFFLOAD;
	if (hv->ndis_ver >= HN_NDIS_VERSION_6_30) {
		h->rev = 3;
		h->size = 156;
	} else {
		h->rev = 2;
		h->size = 144;
	}
	ret = hn_rndis_query(hv, HN_OID_TCP_OFFLOAD_HWCAPS, in, h->size, out,
			     HN_NDIS_OFFLOAD_SIZE_MIN, sizeof(out), &len);
	if (ret != 0)
		return ret;
	ret = hn_check_offload_caps(out, len, &caps);
	if (ret != 0)
		return ret;

	hv->tx_offload_capa = RTE_ETH_TX_OFFLOAD_MULTI_SEGS |
		RTE_ETH_TX_OFFLOAD_VLAN_INSERT;
	hv->rx_offload_capa = RTE_ETH_RX_OFFLOAD_SCATTER |
		RTE_ETH_RX_OFFLOAD_VLAN_STRIP |
		RTE_ETH_RX_OFFLOAD_RSS_HASH;
	if (caps.ip4_csum) {
		hv->tx_offload_capa |= RTE_ETH_TX_OFFLOAD_IPV4_CKSUM;
		hv->rx_offload_capa |= RTE_ETH_RX_OFFLOAD_IPV4_CKSUM;
	}
	if (caps.tcp4_csum && caps.tcp6_csum) {
		hv->tx_offload_capa |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
		hv->rx_offload_capa |= RTE_ETH_RX_OFFLOAD_TCP_CKSUM;
	}
	if (caps.udp4_csum && caps.udp6_csum) {
		hv->tx_offload_capa |= RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
		hv->rx_offload_capa |= RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
	}
	if (caps.lso4 && caps.lso6 &&
	    (hv->tx_offload_capa & RTE_ETH_TX_OFFLOAD_TCP_CKSUM)) {
		hv->tx_offload_capa |= RTE_ETH_TX_OFFLOAD_TCP_TSO;
		hv->tso_maxsz = caps.lso_maxsz;
	}
	return 0;
}

/* Turn on everything the host offers; the transmit path asks per packet. */
static int
hn_rndis_set_offload(struct hn_data *hv)
{
	struct hn_ndis_offload_params p;
	uint64_t tx = hv->tx_offload_capa;

	memset(&p, 0, sizeof(p));
	p.hdr.type = HN_NDIS_OBJTYPE_DEFAULT;
	if (hv->ndis_ver >= HN_NDIS_VERSION_6_30) {
		p.hdr.rev = 3;
		p.hdr.size = HN_NDIS_OFFLOAD_PARAMS_SIZE_6_30;
	} else {
		p.hdr.rev = 2;
		p.hdr.size = HN_NDIS_OFFLOAD_PARAMS_SIZE_6_1;
	}
	if (tx & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM)
		p.ip4csum = HN_OFFLOAD_PARAM_TXRX;
	if (tx & RTE_ETH_TX_OFFLOAD_TCP_CKSUM) {
		p.tcp4csum = HN_OFFLOAD_PARAM_TXRX;
		p.tcp6csum = HN_OFFLOAD_PARAM_TXRX;
	}
	if (tx & RTE_ETH_TX_OFFLOAD_UDP_CKSUM) {
		p.udp4csum = HN_OFFLOAD_PARAM_TXRX;
		p.udp6csum = HN_OFFLOAD_PARAM_TXRX;
	}
	if (tx & RTE_ETH_TX_OFFLOAD_TCP_TSO) {
		p.lsov2_ip4 = HN_OFFLOAD_LSOV2_ON;
		p.lsov2_ip6 = HN_OFFLOAD_LSOV2_ON;
	}
	return hn_rndis_set(hv, HN_OID_TCP_OFFLOAD_PARAMS, &p, p.hdr.size);
}

static int
hn_rndis_query_rsscaps(struct hn_data *hv)
{
	uint8_t in[HN_NDIS_RSS_CAPS_SIZE], out[32];
	struct hn_ndis_obj_hdr *h = (struct hn_ndis_obj_hdr *)in;
	uint32_t len, nq, caps;
	int ret;

	hv->max_queues = 1;
	if (hv->ndis_ver < HN_NDIS_VERSION_6_30)
		return 0;
	memset(in, 0, sizeof(in));
	h->type = HN_NDIS_OBJTYPE_RSS_CAPS;
	h->rev = HN_NDIS_RSS_CAPS_REV_2;
	h->size = HN_NDIS_RSS_CAPS_SIZE;
	ret = hn_rndis_query(hv, HN_OID_GEN_RSS_CAPS, in, sizeof(in), out,
			     HN_NDIS_RSS_CAPS_SIZE_6_0, sizeof(out), &len);
	if (ret != 0) {
		HN_INIT_LOG(NOTICE, "no RSS capabilities: one queue");
		return 0;
	}
	ret = hn_check_rss_caps(out, len, &nq, &caps);
	if (ret != 0)
		return ret;
	hv->max_queues = RTE_MIN(nq, (uint32_t)HN_MAX_CHANNELS);
	/* A uio surface without per-channel ring files allows one queue. */
	if (rte_vmbus_max_channels(hv->vmbus) < 2 && hv->max_queues > 1) {
		HN_INIT_LOG(NOTICE, "bus has no subchannel support: single queue (host offers %u)",
			    hv->max_queues);
		hv->max_queues = 1;
	}
	hv->rss_caps_hash = HN_NDIS_HASH_IPV4 | HN_NDIS_HASH_IPV6;
	if (caps & HN_NDIS_RSS_CAP_TCP4)
		hv->rss_caps_hash |= HN_NDIS_HASH_TCP_IPV4;
	if (caps & HN_NDIS_RSS_CAP_TCP6)
		hv->rss_caps_hash |= HN_NDIS_HASH_TCP_IPV6;
	if (caps & HN_NDIS_RSS_CAP_TCP6_EX)
		hv->rss_caps_hash |= HN_NDIS_HASH_IPV6_EX |
			HN_NDIS_HASH_TCP_IPV6_EX;
	return 0;
}

int
hn_rndis_get_linkstatus(struct hn_data *hv)
{
	uint32_t status, speed;
	int ret;

	ret = hn_rndis_query(hv, HN_OID_GEN_MEDIA_STATUS, NULL, 0, &status,
			     sizeof(status), sizeof(status), NULL);
	if (ret != 0)
		return ret;
	ret = hn_rndis_query(hv, HN_OID_GEN_LINK_SPEED, NULL, 0, &speed,
			     sizeof(speed), sizeof(speed), NULL);
	if (ret != 0)
		return ret;
	hv->link_status = status;
	hv->link_speed = speed;
	return 0;
}

int
hn_rndis_set_rxfilter(struct hn_data *hv, uint32_t filter)
{
	int ret;

	if (hv->rx_filter == filter)
		return 0;
	ret = hn_rndis_set(hv, HN_OID_GEN_PACKET_FILTER, &filter,
			   sizeof(filter));
	if (ret == 0)
		hv->rx_filter = filter;
	return ret;
}

int
hn_rndis_conf_rss(struct hn_data *hv, bool enable)
{
	struct hn_ndis_rss_params p;

	memset(&p, 0, sizeof(p));
	p.hdr.type = HN_NDIS_OBJTYPE_RSS_PARAMS;
	p.hdr.rev = HN_NDIS_RSS_PARAMS_REV_2;
	p.hdr.size = HN_NDIS_RSS_PARAMS_HDR_SIZE;
	p.flags = enable ? 0 : HN_NDIS_RSS_FLAG_DISABLE;
	p.hash = HN_NDIS_HASH_TOEPLITZ | hv->rss_hash;
	p.ind_size = sizeof(p.ind);
	p.ind_off = offsetof(struct hn_ndis_rss_params, ind);
	p.key_size = sizeof(p.key);
	p.key_off = offsetof(struct hn_ndis_rss_params, key);
	memcpy(p.ind, hv->rss_ind, sizeof(p.ind));
	memcpy(p.key, hv->rss_key, sizeof(p.key));
	return hn_rndis_set(hv, HN_OID_GEN_RSS_PARAMS, &p, sizeof(p));
}

int
hn_rndis_attach(struct hn_data *hv)
{
	uint8_t mac[RTE_ETHER_ADDR_LEN];
	uint32_t len;
	int ret;

	ret = hn_rndis_init(hv);
	if (ret != 0)
		return ret;
	ret = hn_rndis_query(hv, HN_OID_802_3_PERMANENT_ADDRESS, NULL, 0, mac,
			     RTE_ETHER_ADDR_LEN, sizeof(mac), &len);
	if (ret != 0)
		goto fail;
	memcpy(hv->mac.addr_bytes, mac, RTE_ETHER_ADDR_LEN);
	ret = hn_rndis_query_offload(hv);
	if (ret == 0)
		ret = hn_rndis_set_offload(hv);
	if (ret == 0)
		ret = hn_rndis_query_rsscaps(hv);
	if (ret == 0)
		ret = hn_rndis_get_linkstatus(hv);
	if (ret != 0)
		goto fail;
	return 0;
fail:
	hn_rndis_detach(hv);
	return ret;
}

void
hn_rndis_detach(struct hn_data *hv)
{
	struct hn_rndis_halt_req req;

	if (!hv->rndis_up)
		return;
	memset(&req, 0, sizeof(req));
	req.type = HN_RNDIS_HALT_MSG;
	req.len = sizeof(req);
	hn_rndis_execute(hv, &req, sizeof(req), 0, NULL, 0, NULL);
	hv->rndis_up = false;
	hv->rx_filter = 0;
}

static void
hn_rndis_status(struct hn_data *hv, struct hn_rx_queue *rxq,
		const uint8_t *msg, uint32_t len)
{
	uint32_t status, speed;
	bool has_speed;

	if (hn_rndis_check_status(msg, len, &status, &speed, &has_speed)) {
		rxq->stats.bad_rndis++;
		return;
	}
	switch (status) {
	case HN_RNDIS_ST_MEDIA_CONNECT:
		hn_link_event(hv, HN_NDIS_MEDIA_CONNECTED);
		break;
	case HN_RNDIS_ST_MEDIA_DISCONNECT:
		hn_link_event(hv, !HN_NDIS_MEDIA_CONNECTED);
		break;
	case HN_RNDIS_ST_LINK_SPEED_CHANGE:
		if (has_speed)
			hv->link_speed = speed;
		break;
	default:
		HN_LOG(DEBUG, "RNDIS status %#x ignored", status);
		break;
	}
}

/* A non-data RNDIS message from a transfer-page range. */
void
hn_rndis_receive_ctrl(struct hn_data *hv, struct hn_rx_queue *rxq,
		      const uint8_t *msg, uint32_t len)
{
	uint32_t type, rid, mlen;

	/* The host picks the range offset: msg may be misaligned. */
	if (len >= sizeof(type))
		memcpy(&type, msg, sizeof(type));
	if (len >= sizeof(type) && type == HN_RNDIS_STATUS_MSG) {
		hn_rndis_status(hv, rxq, msg, len);
		return;
	}
	if (hn_rndis_check_comp(msg, len, &type, &rid, &mlen) != 0) {
		rxq->stats.bad_rndis++;
		return;
	}
	if (rid == 0 ||
	    rid != __atomic_load_n(&hv->rndis_pending, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&hv->rndis_resp_len, __ATOMIC_RELAXED) != 0) {
		HN_BAD("RNDIS completion %#x id %u matches no request", type,
		       rid);
		rxq->stats.bad_rndis++;
		return;
	}
	mlen = RTE_MIN(mlen, (uint32_t)sizeof(hv->rndis_resp));
	memcpy(hv->rndis_resp, msg, mlen);
	__atomic_store_n(&hv->rndis_resp_len, mlen, __ATOMIC_RELEASE);
}
