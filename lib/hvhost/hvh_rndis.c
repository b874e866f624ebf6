/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * The RNDIS device (netvsc_protocol.rst, "RNDIS"): control requests and OIDs,
 * status indications, and the PACKET_MSG framing of both data directions.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hvh_log.h"
#include "hvh_nic_private.h"

#define HVH_LINK_SPEED_100BPS 100000000u	/* 10 Gbit/s */
#define HVH_LSO_MAX_SIZE 62780u
#define HVH_MCAST_LIST_MAX 32u

static const uint32_t hvh_supported_oids[] = {
	HVH_OID_GEN_SUPPORTED_LIST, HVH_OID_GEN_HARDWARE_STATUS,
	HVH_OID_GEN_MEDIA_SUPPORTED, HVH_OID_GEN_MEDIA_IN_USE,
	HVH_OID_GEN_MAXIMUM_FRAME_SIZE, HVH_OID_GEN_LINK_SPEED,
	HVH_OID_GEN_CURRENT_PACKET_FILTER, HVH_OID_GEN_MAXIMUM_TOTAL_SIZE,
	HVH_OID_GEN_MEDIA_CONNECT_STATUS, HVH_OID_GEN_RSS_CAPABILITIES,
	HVH_OID_GEN_RSS_PARAMETERS, HVH_OID_GEN_RNDIS_CONFIG_PARAMETER,
	HVH_OID_GEN_XMIT_OK, HVH_OID_GEN_RCV_OK, HVH_OID_GEN_XMIT_ERROR,
	HVH_OID_GEN_RCV_ERROR, HVH_OID_GEN_RCV_NO_BUFFER,
	HVH_OID_802_3_PERMANENT_ADDRESS, HVH_OID_802_3_CURRENT_ADDRESS,
	HVH_OID_802_3_MULTICAST_LIST, HVH_OID_802_3_MAXIMUM_LIST_SIZE,
	HVH_OID_OFFLOAD_ENCAPSULATION, HVH_OID_TCP_OFFLOAD_CURRENT_CONFIG,
	HVH_OID_TCP_OFFLOAD_PARAMETERS, HVH_OID_TCP_OFFLOAD_HW_CAPS,
};

void
hvh_rndis_reset_state(struct hvh_nic *nic)
{
	nic->rndis_up = 0;
	nic->filter = 0;
	nic->filter_set_once = 0;
	nic->rss_on = 0;
	nic->rss_hash = 0;
	nic->rss_table_len = HVH_RSS_INDIR_MAX;
	memset(nic->rss_table, 0, sizeof(nic->rss_table));
	nic->mcast_count = 0;
	nic->offload_params_seen = 0;
}

static int
hvh_ndis_630(const struct hvh_nic *nic)
{
	return nic->ndis_major > 6 ||
		(nic->ndis_major == 6 && nic->ndis_minor >= 30);
}

static uint64_t
hvh_total(const struct hvh_nic *nic, int rx)
{
	struct hvh_chan_stats s;
	uint64_t t = 0;
	unsigned int q;

	for (q = 0; q < HVH_CHAN_MAX; q++) {
		hvh_nic_chan_stats(nic, q, &s);
		t += rx ? s.rx_frames : s.tx_frames;
	}
	return t;
}

static void
hvh_fill_offload(const struct hvh_nic *nic, struct hvh_ndis_offload *o,
		 uint32_t *len)
{
	memset(o, 0, sizeof(*o));
	o->hdr.type = HVH_NDIS_OBJ_OFFLOAD;
	/* The revision follows the NDIS version the guest announced. */
	if (hvh_ndis_630(nic)) {
		o->hdr.rev = 3;
		o->hdr.size = sizeof(*o);
	} else if (nic->ndis_major == 6 && nic->ndis_minor >= 1) {
		o->hdr.rev = 2;
		o->hdr.size = HVH_NDIS_OFFLOAD_SIZE_REV2;
	} else {
		o->hdr.rev = 1;
		o->hdr.size = HVH_NDIS_OFFLOAD_SIZE_REV1;
	}
	o->ip4_tx_encap = HVH_NDIS_ENCAP_8023;
	o->ip4_tx_flags = 0x155;	/* IP opts, TCP opts, TCP, UDP, IP */
	o->ip4_rx_encap = HVH_NDIS_ENCAP_8023;
	o->ip4_rx_flags = 0x155;
	o->ip6_tx_encap = HVH_NDIS_ENCAP_8023;
	o->ip6_tx_flags = 0x055;	/* ext hdrs, TCP opts, TCP, UDP */
	o->ip6_rx_encap = HVH_NDIS_ENCAP_8023;
	o->ip6_rx_flags = 0x055;
	o->lsov2_ip4_encap = HVH_NDIS_ENCAP_8023;
	o->lsov2_ip4_max_size = HVH_LSO_MAX_SIZE;
	o->lsov2_ip4_min_segs = 2;
	o->lsov2_ip6_encap = HVH_NDIS_ENCAP_8023;
	o->lsov2_ip6_max_size = HVH_LSO_MAX_SIZE;
	o->lsov2_ip6_min_segs = 2;
	o->lsov2_ip6_opts = 0x5;	/* ext hdrs, TCP opts */
	*len = o->hdr.size;
}

/* Answer a QUERY into out (up to HVH_CTRL_MSG_MAX - 24 bytes). */
static uint32_t
hvh_rndis_query(struct hvh_nic *nic, uint32_t oid, uint8_t *out,
		uint32_t *olen)
{
	uint32_t v32;
	uint64_t v64;

	*olen = 4;
	switch (oid) {
	case HVH_OID_GEN_SUPPORTED_LIST:
		memcpy(out, hvh_supported_oids, sizeof(hvh_supported_oids));
		*olen = sizeof(hvh_supported_oids);
		return HVH_RNDIS_ST_SUCCESS;
	case HVH_OID_GEN_HARDWARE_STATUS:
	case HVH_OID_GEN_MEDIA_SUPPORTED:
	case HVH_OID_GEN_MEDIA_IN_USE:
		v32 = 0;	/* ready; 802.3 */
		break;
	case HVH_OID_GEN_MAXIMUM_FRAME_SIZE:
		v32 = nic->conf.mtu;
		break;
	case HVH_OID_GEN_MAXIMUM_TOTAL_SIZE:
		v32 = nic->conf.mtu + 14;
		break;
	case HVH_OID_GEN_LINK_SPEED:
		v32 = HVH_LINK_SPEED_100BPS;
		break;
	case HVH_OID_GEN_CURRENT_PACKET_FILTER:
		v32 = nic->filter;
		break;
	case HVH_OID_GEN_MEDIA_CONNECT_STATUS:
		v32 = nic->link_up ? 0 : 1;
		break;
	case HVH_OID_802_3_MAXIMUM_LIST_SIZE:
		v32 = HVH_MCAST_LIST_MAX;
		break;
	case HVH_OID_GEN_XMIT_OK:
	case HVH_OID_GEN_RCV_OK:
		v64 = hvh_total(nic, oid == HVH_OID_GEN_RCV_OK);
		memcpy(out, &v64, 8);
		*olen = 8;
		return HVH_RNDIS_ST_SUCCESS;
	case HVH_OID_GEN_XMIT_ERROR:
	case HVH_OID_GEN_RCV_ERROR:
	case HVH_OID_GEN_RCV_NO_BUFFER:
		v64 = 0;
		memcpy(out, &v64, 8);
		*olen = 8;
		return HVH_RNDIS_ST_SUCCESS;
	case HVH_OID_802_3_PERMANENT_ADDRESS:
	case HVH_OID_802_3_CURRENT_ADDRESS:
		memcpy(out, nic->conf.mac, 6);
		*olen = 6;
		return HVH_RNDIS_ST_SUCCESS;
	case HVH_OID_TCP_OFFLOAD_HW_CAPS:
	case HVH_OID_TCP_OFFLOAD_CURRENT_CONFIG: {
		struct hvh_ndis_offload o;

		hvh_fill_offload(nic, &o, olen);
		memcpy(out, &o, *olen);
		return HVH_RNDIS_ST_SUCCESS;
	}
	case HVH_OID_GEN_RSS_CAPABILITIES: {
		struct hvh_ndis_rss_caps c = {
			.hdr = { HVH_NDIS_OBJ_RSS_CAPS, 2, sizeof(c) },
			.flags = HVH_RSS_CAP_TOEPLITZ | HVH_RSS_CAP_IPV4 |
				 HVH_RSS_CAP_IPV6 | HVH_RSS_CAP_MSIX,
			.num_interrupts = nic->conf.max_channels,
			.num_queues = nic->conf.max_channels,
			.num_indir_entries = HVH_RSS_INDIR_MAX,
		};

		/* OpenVMM: RSS OIDs exist only for NDIS 6.30 guests. */
		if (!hvh_ndis_630(nic))
			return HVH_RNDIS_ST_NOT_SUPPORTED;
		memcpy(out, &c, sizeof(c));
		*olen = sizeof(c);
		return HVH_RNDIS_ST_SUCCESS;
	}
	default:
		*olen = 0;
		return HVH_RNDIS_ST_NOT_SUPPORTED;
	}
	memcpy(out, &v32, 4);
	return HVH_RNDIS_ST_SUCCESS;
}

static uint32_t
hvh_rndis_set_rss(struct hvh_nic *nic, const uint8_t *info, uint32_t len)
{
	struct hvh_rss_conf rc;
	const char *why = NULL;

	if (!hvh_ndis_630(nic))
		return HVH_RNDIS_ST_NOT_SUPPORTED;
	if (hvh_check_rss_params(info, len, nic->nchan, &rc, &why)) {
		hvh_proto_error(nic, NULL, why);
		return HVH_RNDIS_ST_INVALID_DATA;
	}
	if (rc.disable) {
		nic->rss_on = 0;
		HVH_LOG(INFO, "RSS disabled");
		return HVH_RNDIS_ST_SUCCESS;
	}
	if (rc.hash_set)
		nic->rss_hash = rc.hash_info;
	if (rc.table_set) {
		memcpy(nic->rss_table, rc.table, rc.table_len * 4);
		nic->rss_table_len = rc.table_len;
	}
	if (rc.key_set) {
		memcpy(nic->rss_key, rc.key, sizeof(nic->rss_key));
		if (!nic->toeplitz)
			nic->toeplitz = malloc(sizeof(*nic->toeplitz));
		if (!nic->toeplitz)
			return HVH_RNDIS_ST_FAILURE;
		hvh_toeplitz_init(nic->toeplitz, nic->rss_key);
	}
	nic->rss_on = nic->toeplitz != NULL && (nic->rss_hash & 0xffff00);
	HVH_LOG(INFO, "RSS %s: hash 0x%x, %u entries over %u channels",
		nic->rss_on ? "on" : "off", nic->rss_hash, nic->rss_table_len,
		nic->nchan);
	return HVH_RNDIS_ST_SUCCESS;
}

static uint32_t
hvh_rndis_set(struct hvh_nic *nic, uint32_t oid, const uint8_t *info,
	      uint32_t len)
{
	uint32_t v;

	switch (oid) {
	case HVH_OID_GEN_CURRENT_PACKET_FILTER:
		if (len < 4)
			return HVH_RNDIS_ST_INVALID_LENGTH;
		memcpy(&v, info, 4);
		nic->filter = v;
		if (v && !nic->filter_set_once) {
			nic->filter_set_once = 1;
			nic->filter_set_ns = hvh_now_ns();
		}
		HVH_LOG(INFO, "packet filter 0x%x", v);
		return HVH_RNDIS_ST_SUCCESS;
	case HVH_OID_GEN_RSS_PARAMETERS:
		return hvh_rndis_set_rss(nic, info, len);
	case HVH_OID_TCP_OFFLOAD_PARAMETERS:
		if (len < 4 || info[0] != HVH_NDIS_OBJ_DEFAULT)
			return HVH_RNDIS_ST_INVALID_DATA;
		nic->offload_params_seen++;
		return HVH_RNDIS_ST_SUCCESS;
	case HVH_OID_802_3_MULTICAST_LIST:
		if (len % 6 || len / 6 > HVH_MCAST_LIST_MAX)
			return HVH_RNDIS_ST_INVALID_LENGTH;
		nic->mcast_count = len / 6;
		return HVH_RNDIS_ST_SUCCESS;
	case HVH_OID_OFFLOAD_ENCAPSULATION:
	case HVH_OID_GEN_RNDIS_CONFIG_PARAMETER:
		return HVH_RNDIS_ST_SUCCESS;
	default:
		return HVH_RNDIS_ST_NOT_SUPPORTED;
	}
}

void
hvh_rndis_indicate(struct hvh_nic *nic, uint32_t status)
{
	struct hvh_rndis_indicate m = {
		.type = HVH_RNDIS_INDICATE, .len = sizeof(m), .status = status,
	};

	hvh_ctrl_enqueue(nic, &m, sizeof(m));
}

void
hvh_rndis_control(struct hvh_nic *nic, const uint8_t *msg, uint32_t len)
{
	uint8_t out[HVH_CTRL_MSG_MAX];
	const uint8_t *info;
	const char *why = NULL;
	uint32_t type, rid = 0, info_len, olen;
	int ret;

	nic->st.rndis_requests++;
	ret = hvh_check_rndis_ctrl(msg, len, &info, &info_len, &why);
	if (ret) {
		hvh_proto_error(nic, NULL, why);
		return;
	}
	memcpy(&type, msg, 4);
	memcpy(&rid, msg + 8, 4);

	switch (type) {
	case HVH_RNDIS_INIT: {
		struct hvh_rndis_init_cmplt c = {
			.type = HVH_RNDIS_INIT | HVH_RNDIS_CMPLT,
			.len = sizeof(c), .request_id = rid,
			.status = HVH_RNDIS_ST_SUCCESS, .major = 1, .minor = 0,
			.device_flags = 1, .medium = 0,
			/* OpenVMM's values: 8 packets per message, no real
			 * transfer limit, 8-byte alignment.
			 */
			.max_pkts = 8, .max_xfer = 0xefffffffu,
			.align_factor = 3,
		};

		nic->rndis_up = 1;
		HVH_LOG(INFO, "RNDIS initialized");
		hvh_ctrl_enqueue(nic, &c, sizeof(c));
		return;
	}
	case HVH_RNDIS_HALT:
		nic->rndis_up = 0;
		nic->filter = 0;
		HVH_LOG(INFO, "RNDIS halted");
		return;
	case HVH_RNDIS_QUERY: {
		struct hvh_rndis_query_cmplt *c = (void *)out;
		uint32_t oid;

		memcpy(&oid, msg + 12, 4);
		c->status = hvh_rndis_query(nic, oid, out + sizeof(*c), &olen);
		if (c->status != HVH_RNDIS_ST_SUCCESS)
			olen = 0;
		c->type = HVH_RNDIS_QUERY | HVH_RNDIS_CMPLT;
		c->len = sizeof(*c) + olen;
		c->request_id = rid;
		c->info_len = olen;
		c->info_off = olen ? sizeof(*c) - HVH_RNDIS_OFF_BASE : 0;
		hvh_ctrl_enqueue(nic, c, c->len);
		return;
	}
	case HVH_RNDIS_SET: {
		struct hvh_rndis_simple_cmplt c = {
			.type = HVH_RNDIS_SET | HVH_RNDIS_CMPLT,
			.len = sizeof(c), .request_id = rid,
		};
		uint32_t oid;

		memcpy(&oid, msg + 12, 4);
		c.status = hvh_rndis_set(nic, oid, info, info_len);
		hvh_ctrl_enqueue(nic, &c, sizeof(c));
		return;
	}
	case HVH_RNDIS_RESET: {
		struct hvh_rndis_reset_cmplt c = {
			.type = HVH_RNDIS_RESET | HVH_RNDIS_CMPLT,
			.len = sizeof(c), .status = HVH_RNDIS_ST_SUCCESS,
			.addressing_reset = 0,
		};

		hvh_ctrl_enqueue(nic, &c, sizeof(c));
		return;
	}
	case HVH_RNDIS_KEEPALIVE: {
		struct hvh_rndis_simple_cmplt c = {
			.type = HVH_RNDIS_KEEPALIVE | HVH_RNDIS_CMPLT,
			.len = sizeof(c), .request_id = rid,
			.status = HVH_RNDIS_ST_SUCCESS,
		};

		hvh_ctrl_enqueue(nic, &c, sizeof(c));
		return;
	}
	default:
		hvh_proto_error(nic, NULL, "RNDIS control type not handled");
		return;
	}
}

/* Turn one checked PACKET_MSG into a backend frame. */
static int
hvh_tx_frame(const uint8_t *msg, const struct hvh_tx_info *ti,
	     struct hvh_frame *f)
{
	memset(f, 0, sizeof(*f));
	f->data = (void *)(uintptr_t)(msg + ti->frame_off);
	f->len = ti->frame_len;
	if (ti->present & HVH_TXI_VLAN) {
		uint32_t v = ti->vlan;

		/* NDIS order (pri, cfi, vid) to the 802.1Q TCI. */
		f->vlan_tci = (uint16_t)(((v & 7) << 13) | (((v >> 3) & 1) << 12) |
					 ((v >> 4) & 0xfff));
		f->flags |= HVH_FRAME_F_VLAN;
	}
	if (ti->present & HVH_TXI_LSO) {
		uint32_t mss = HVH_LSO_MSS(ti->lso);

		if (mss == 0 || HVH_LSO_THOFF(ti->lso) == 0)
			return -EINVAL;
		f->flags |= HVH_FRAME_F_LSO | HVH_FRAME_F_CSUM;
		f->gso_type = (ti->lso & HVH_LSO_IPV6) ? HVH_GSO_TCPV6 :
			HVH_GSO_TCPV4;
		if (f->gso_type == HVH_GSO_TCPV4)
			f->flags |= HVH_FRAME_F_IP_CSUM;
		f->gso_size = mss;
		f->csum_start = HVH_LSO_THOFF(ti->lso);
		f->csum_offset = 16;
	} else if (ti->present & HVH_TXI_CSUM) {
		uint32_t c = ti->csum;

		if (c & (HVH_TXCSUM_TCP | HVH_TXCSUM_UDP)) {
			if (HVH_TXCSUM_THOFF(c) == 0)
				return -EINVAL;
			f->flags |= HVH_FRAME_F_CSUM;
			f->csum_start = HVH_TXCSUM_THOFF(c);
			f->csum_offset = (c & HVH_TXCSUM_TCP) ? 16 : 6;
		}
		if (c & HVH_TXCSUM_IP)
			f->flags |= HVH_FRAME_F_IP_CSUM;
	}
	if (f->csum_start >= f->len && (f->flags & HVH_FRAME_F_CSUM))
		return -EINVAL;
	return 0;
}

int
hvh_rndis_parse_data(struct hvh_chan *ch, const struct hvh_pkt_desc *d,
		     const uint8_t *pkt, uint32_t pkt_len,
		     struct hvh_tx_slot *slot)
{
	struct hvh_nic *nic = ch->nic;
	unsigned int slot_idx = slot - ch->slots, skip = 0;
	struct hvh_gpa_seg segs[HVH_GPA_SEGS_MAX];
	const char *why = NULL;
	struct hvh_nvsp_rndis nv;
	const uint8_t *buf;
	uint32_t len, off, nsegs;
	int n;

	memcpy(&nv, pkt + (uint32_t)d->offset8 * 8, sizeof(nv));
	slot->status = HVH_NVSP_STAT_SUCCESS;
	if (!nic->rndis_up) {
		hvh_proto_error(nic, ch, "RNDIS data before INITIALIZE");
		slot->status = HVH_NVSP_STAT_FAILURE;
		return -EINVAL;
	}
	if (nv.section_index != HVH_NVSP_SECTION_NONE) {
		if (!nic->txbuf_on || nv.section_index >= nic->tx_sect_count ||
		    nv.section_size == 0 ||
		    nv.section_size > HVH_TX_SECTION_SIZE) {
			hvh_proto_error(nic, ch, "RNDIS send section invalid");
			slot->status = HVH_NVSP_STAT_FAILURE;
			return -EINVAL;
		}
		buf = nic->txbuf +
			(size_t)nv.section_index * HVH_TX_SECTION_SIZE;
		len = nv.section_size;
	} else {
		if (d->type != HVH_PKT_GPA_DIRECT ||
		    hvh_check_gpa(pkt, pkt_len, segs, HVH_GPA_SEGS_MAX, &nsegs,
				  &why)) {
			hvh_proto_error(nic, ch, why ? why :
				"RNDIS data with neither section nor pages");
			slot->status = HVH_NVSP_STAT_FAILURE;
			return -EINVAL;
		}
		n = hvh_gpa_read(nic, segs, nsegs, ch->bounce +
				 (size_t)slot_idx * (HVH_FRAME_MAX + 4096u),
				 HVH_FRAME_MAX + 4096u);
		if (n < 0) {
			ch->st.tx_dropped++;
			slot->status = HVH_NVSP_STAT_FAILURE;
			return n;
		}
		buf = ch->bounce + (size_t)slot_idx * (HVH_FRAME_MAX + 4096u);
		len = n;
	}
	if (slot_idx == 0)
		skip = ch->skip_frames;
	/* Several PACKET_MSGs may share one section (guest aggregation). */
	for (off = 0; off < len; ) {
		struct hvh_tx_info ti;

		if (hvh_check_rndis_pkt(buf + off, len - off, &ti, &why)) {
			hvh_proto_error(nic, ch, why);
			ch->st.tx_dropped++;
			slot->status = HVH_NVSP_STAT_FAILURE;
			break;
		}
		if (skip) {
			skip--;
		} else if (ch->nframes == HVH_TX_FRAMES_MAX) {
			hvh_proto_error(nic, ch, "too many aggregated packets");
			ch->st.tx_dropped++;
		} else if (hvh_tx_frame(buf + off, &ti,
					&ch->frames[ch->nframes])) {
			hvh_proto_error(nic, ch, "offload request invalid");
			ch->st.tx_dropped++;
		} else {
			ch->nframes++;
			slot->nframes++;
		}
		off += ti.msg_len;
	}
	return 0;
}

static uint8_t
hvh_l4_proto(const uint8_t *p, uint32_t len, int *v4)
{
	uint32_t l2 = 14;
	uint16_t et;

	*v4 = 0;
	if (len < 14)
		return 0;
	et = (uint16_t)(p[12] << 8 | p[13]);
	if (et == 0x8100 && len >= 18) {
		et = (uint16_t)(p[16] << 8 | p[17]);
		l2 = 18;
	}
	if (et == 0x0800 && len >= l2 + 20) {
		*v4 = 1;
		return p[l2 + 9];
	}
	if (et == 0x86dd && len >= l2 + 40)
		return p[l2 + 6];
	return 0;
}

static uint8_t *
hvh_put_ppi(uint8_t *p, uint32_t type, uint32_t val)
{
	struct hvh_rndis_ppi e = { .size = 16, .type = type, .offset = 12 };

	memcpy(p, &e, sizeof(e));
	memcpy(p + sizeof(e), &val, 4);
	return p + 16;
}

uint32_t
hvh_rndis_build_rx(struct hvh_nic *nic, uint8_t *sect,
		   const struct hvh_frame *f, uint32_t hash, uint32_t hash_type)
{
	struct hvh_rndis_pkt h;
	uint8_t *ppi = sect + sizeof(h), *p = ppi;

	(void)nic;
	if (f->flags & HVH_FRAME_F_CSUM_OK) {
		int v4;
		uint8_t proto = hvh_l4_proto(f->data, f->len, &v4);
		uint32_t c = v4 ? HVH_RXCSUM_IP_OK : 0;

		if (proto == 6)
			c |= HVH_RXCSUM_TCP_OK;
		else if (proto == 17)
			c |= HVH_RXCSUM_UDP_OK;
		if (c)
			p = hvh_put_ppi(p, HVH_PPI_CSUM, c);
	}
	if (f->flags & HVH_FRAME_F_VLAN) {
		uint32_t t = f->vlan_tci;

		p = hvh_put_ppi(p, HVH_PPI_VLAN, ((t >> 13) & 7) |
				(((t >> 12) & 1) << 3) | ((t & 0xfff) << 4));
	}
	if (hash_type) {
		p = hvh_put_ppi(p, HVH_PPI_HASH_VALUE, hash);
		p = hvh_put_ppi(p, HVH_PPI_HASH_INFO,
				hash_type | HVH_RSS_HASH_FUNC_TOEPLITZ);
	}
	memset(&h, 0, sizeof(h));
	h.type = HVH_RNDIS_PACKET;
	h.len = HVH_RX_FRAME_OFF + f->len;
	h.data_off = HVH_RX_FRAME_OFF - HVH_RNDIS_OFF_BASE;
	h.data_len = f->len;
	if (p != ppi) {
		h.ppi_off = sizeof(h) - HVH_RNDIS_OFF_BASE;
		h.ppi_len = (uint32_t)(p - ppi);
	}
	memcpy(sect, &h, sizeof(h));
	return h.len;
}
