/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Validation of host messages and devargs. Every function copies the
 * fields it needs out of host-writable memory once, checks the copy and
 * only then reports values, so the host cannot change a field between the
 * check and its use.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ether.h>
#include <rte_kvargs.h>

#include "hn_var.h"

/* Devargs */

static int
hn_devarg_u32(const char *key, const char *value, uint32_t max, uint32_t *out)
{
	unsigned long v;
	char *end;

	if (value == NULL || *value == '\0') {
		HN_INIT_LOG(ERR, "devarg %s: empty value", key);
		return -EINVAL;
	}
	if (*value < '0' || *value > '9') {
		HN_INIT_LOG(ERR, "devarg %s: '%s' is not a decimal number",
			    key, value);
		return -EINVAL;
	}
	errno = 0;
	v = strtoul(value, &end, 10);
	if (errno != 0 || *end != '\0') {
		HN_INIT_LOG(ERR, "devarg %s: '%s' is not a decimal number",
			    key, value);
		return -EINVAL;
	}
	if (v > max) {
		HN_INIT_LOG(ERR, "devarg %s: %lu is above the maximum %u",
			    key, v, max);
		return -ERANGE;
	}
	*out = (uint32_t)v;
	return 0;
}

static int
hn_devarg_handler(const char *key, const char *value, void *opaque)
{
	struct hn_devargs *a = opaque;
	uint32_t v;
	int ret;

	if (strcmp(key, HN_DEVARG_LATENCY) == 0)
		return hn_devarg_u32(key, value, HN_LATENCY_US_MAX,
				     &a->latency_us);
	if (strcmp(key, HN_DEVARG_RX_COPYBREAK) == 0)
		return hn_devarg_u32(key, value, HN_COPYBREAK_MAX,
				     &a->rx_copybreak);
	if (strcmp(key, HN_DEVARG_TX_COPYBREAK) == 0)
		return hn_devarg_u32(key, value, HN_COPYBREAK_MAX,
				     &a->tx_copybreak);
	if (strcmp(key, HN_DEVARG_RX_EXTMBUF) == 0) {
		ret = hn_devarg_u32(key, value, 1, &v);
		if (ret == 0)
			a->rx_extmbuf = v != 0;
		return ret;
	}
	if (strcmp(key, HN_DEVARG_VF_AUTO_ATTACH) == 0) {
		ret = hn_devarg_u32(key, value, 1, &v);
		if (ret == 0)
			a->vf_auto_attach = v != 0;
		return ret;
	}
	if (strcmp(key, HN_DEVARG_CTRL_TIMEOUT) == 0) {
		ret = hn_devarg_u32(key, value, HN_CTRL_TIMEOUT_MS_MAX, &v);
		if (ret == 0 && v < HN_CTRL_TIMEOUT_MS_MIN) {
			HN_INIT_LOG(ERR, "devarg %s: %u is below the minimum %u",
				    key, v, HN_CTRL_TIMEOUT_MS_MIN);
			return -ERANGE;
		}
		if (ret == 0)
			a->ctrl_timeout_ms = v;
		return ret;
	}
	if (strcmp(key, HN_DEVARG_ENABLE_VF) == 0) {
		ret = hn_devarg_u32(key, value, 1, &v);
		if (ret == 0)
			a->enable_vf = v != 0;
		return ret;
	}
	if (strcmp(key, HN_DEVARG_NUMA_AWARE) == 0)
		return 0;
	HN_INIT_LOG(ERR, "unknown devarg %s", key);
	return -EINVAL;
}

int
hn_parse_devargs(const char *args, struct hn_devargs *out)
{
	static const char * const keys[] = {
		HN_DEVARG_LATENCY,
		HN_DEVARG_RX_COPYBREAK,
		HN_DEVARG_TX_COPYBREAK,
		HN_DEVARG_RX_EXTMBUF,
		HN_DEVARG_ENABLE_VF,
		HN_DEVARG_VF_AUTO_ATTACH,
		HN_DEVARG_CTRL_TIMEOUT,
		HN_DEVARG_NUMA_AWARE,
		NULL,
	};
	struct hn_devargs a = {
		.latency_us = HN_LATENCY_US_DEFAULT,
		.rx_copybreak = HN_RX_COPYBREAK_DEFAULT,
		.tx_copybreak = HN_TX_COPYBREAK_DEFAULT,
		.rx_extmbuf = false,
		.enable_vf = true,
		.vf_auto_attach = true,
		.ctrl_timeout_ms = HN_CTRL_TIMEOUT_MS_DEFAULT,
	};
	struct rte_kvargs *kv;
	int ret;

	if (args != NULL && *args != '\0') {
		kv = rte_kvargs_parse(args, keys);
		if (kv == NULL) {
			HN_INIT_LOG(ERR,
				    "invalid devargs '%s' (known: %s, %s, %s, %s, %s, %s, %s, %s)",
				    args, keys[0], keys[1], keys[2], keys[3],
				    keys[4], keys[5], keys[6], keys[7]);
			return -EINVAL;
		}
		ret = rte_kvargs_process(kv, NULL, hn_devarg_handler, &a);
		rte_kvargs_free(kv);
		if (ret != 0)
			return ret < 0 ? ret : -EINVAL;
	}
	*out = a;
	return 0;
}

/* VMBus framing */

int
hn_check_chanpkt(const uint8_t *pkt, uint32_t len,
		 struct vmbus_chanpkt_hdr *hdr)
{
	struct vmbus_chanpkt_hdr h;

	if (len < sizeof(h)) {
		HN_BAD("ring packet of %u bytes is shorter than its header",
		       len);
		return -EINVAL;
	}
	memcpy(&h, pkt, sizeof(h));
	if (h.hlen < VMBUS_CHANPKT_HLEN_MIN || h.hlen > h.tlen ||
	    vmbus_chanpkt_getlen(h.tlen) > len) {
		HN_BAD("ring packet header lengths hlen8 %u tlen8 %u (have %u)",
		       h.hlen, h.tlen, len);
		return -EINVAL;
	}
	*hdr = h;
	return 0;
}

int
hn_check_xfer(const uint8_t *pkt, uint32_t len, uint32_t slots,
	      struct hn_xfer *x)
{
	struct vmbus_chanpkt_hdr ch;
	struct vmbus_chanpkt_rxbuf xh;
	struct hn_nvs_rndis nvs;
	uint32_t hlen, dlen;

	if (hn_check_chanpkt(pkt, len, &ch) != 0)
		return -EINVAL;
	x->xact = ch.xactid;
	x->nranges = 0;
	hlen = vmbus_chanpkt_getlen(ch.hlen);
	dlen = vmbus_chanpkt_datalen(&ch);
	if (hlen < sizeof(xh)) {
		HN_BAD("transfer-page header of %u bytes", hlen);
		return -EINVAL;
	}
	memcpy(&xh, pkt, sizeof(xh));
	if (xh.rxbuf_cnt > (hlen - sizeof(xh)) / sizeof(xh.rxbuf[0])) {
		HN_BAD("transfer-page range count %u exceeds header of %u",
		       xh.rxbuf_cnt, hlen);
		return -EINVAL;
	}
	if (xh.rxbuf_id != HN_NVS_RECV_BUF_ID) {
		HN_BAD("transfer-page set id %#x, not the receive buffer",
		       xh.rxbuf_id);
		return -EINVAL;
	}
	if (dlen < HN_NVS_RNDIS_MINLEN) {
		HN_BAD("transfer-page NVSP message of %u bytes", dlen);
		return -EINVAL;
	}
	memcpy(&nvs, pkt + hlen, HN_NVS_RNDIS_MINLEN);
	if (nvs.type != HN_NVS_TYPE_SEND_RNDIS_PKT) {
		HN_BAD("transfer-page NVSP type %u, not an RNDIS packet",
		       nvs.type);
		return -EINVAL;
	}
	/* The host uses a sub-allocation index; equal to the count is out. */
	if (ch.xactid >= slots) {
		HN_BAD("transfer-page id %" PRIu64 " not below %u sections",
		       ch.xactid, slots);
		return -ERANGE;
	}
	x->ranges = (const struct vmbus_rxbuf_desc *)(pkt + sizeof(xh));
	x->nranges = xh.rxbuf_cnt;
	return 0;
}

/* RNDIS */

static int
hn_rndis_parse_ppi(const uint8_t *p, uint32_t rem, struct hn_rx_info *ri)
{
	struct hn_rndis_ppi e;
	uint32_t v;

	while (rem >= sizeof(e)) {
		memcpy(&e, p, sizeof(e));
		/* A zero size would never advance: reject it with the rest. */
		if (e.size < sizeof(e) || e.size > rem || (e.size & 3) != 0) {
			HN_BAD("per-packet info size %u (remaining %u)",
			       e.size, rem);
			return -EINVAL;
		}
		if (e.off < sizeof(e) || e.off > e.size) {
			HN_BAD("per-packet info offset %u in element of %u",
			       e.off, e.size);
			return -EINVAL;
		}
		switch (e.type) {
		case HN_PPI_VLAN:
		case HN_PPI_CSUM:
		case HN_PPI_HASH_VALUE:
		case HN_PPI_HASH_INFO:
			if (e.size - e.off < sizeof(v)) {
				HN_BAD("per-packet info type %u payload of %u",
				       e.type, e.size - e.off);
				return -EINVAL;
			}
			memcpy(&v, p + e.off, sizeof(v));
			if (e.type == HN_PPI_VLAN) {
				ri->vlan = v;
				ri->present |= HN_RXINFO_VLAN;
			} else if (e.type == HN_PPI_CSUM) {
				ri->csum = v;
				ri->present |= HN_RXINFO_CSUM;
			} else if (e.type == HN_PPI_HASH_VALUE) {
				ri->hash_value = v;
				ri->present |= HN_RXINFO_HASHVAL;
			} else {
				ri->hash_info = v;
				ri->present |= HN_RXINFO_HASHINF;
			}
			break;
		default:
			/* Other kinds carry nothing the PMD uses. */
			break;
		}
		p += e.size;
		rem -= e.size;
	}
	return 0;
}

int
hn_rndis_parse_pkt(const uint8_t *msg, uint32_t len, struct hn_rx_info *ri)
{
	struct hn_rndis_pkt_msg pkt;
	uint32_t body;

	if (len < sizeof(pkt)) {
		HN_BAD("RNDIS packet in a range of %u bytes", len);
		return -EINVAL;
	}
	memcpy(&pkt, msg, sizeof(pkt));
	if (pkt.len < sizeof(pkt) || pkt.len > len) {
		HN_BAD("RNDIS packet msg_length %u (range %u)", pkt.len, len);
		return -EINVAL;
	}
	body = pkt.len - HN_RNDIS_OFS_BASE;
	if (pkt.data_off < HN_RNDIS_PKT_OFS_MIN || pkt.data_off > body ||
	    pkt.data_len > body - pkt.data_off) {
		HN_BAD("RNDIS packet data offset %u length %u (msg %u)",
		       pkt.data_off, pkt.data_len, pkt.len);
		return -EINVAL;
	}
	if (pkt.data_len < RTE_ETHER_HDR_LEN || pkt.data_len > HN_RX_FRAME_MAX) {
		HN_BAD("RNDIS packet data length %u outside %u..%u",
		       pkt.data_len, RTE_ETHER_HDR_LEN, HN_RX_FRAME_MAX);
		return -EINVAL;
	}
	ri->data_off = pkt.data_off + HN_RNDIS_OFS_BASE;
	ri->data_len = pkt.data_len;
	ri->present = 0;
	if (pkt.ppi_len == 0)
		return 0;
	if (pkt.ppi_off < HN_RNDIS_PKT_OFS_MIN || pkt.ppi_off > body ||
	    pkt.ppi_len > body - pkt.ppi_off) {
		HN_BAD("RNDIS packet info offset %u length %u (msg %u)",
		       pkt.ppi_off, pkt.ppi_len, pkt.len);
		return -EINVAL;
	}
	return hn_rndis_parse_ppi(msg + HN_RNDIS_OFS_BASE + pkt.ppi_off,
				  pkt.ppi_len, ri);
}

static uint32_t
hn_rndis_comp_minlen(uint32_t type)
{
	switch (type) {
	case HN_RNDIS_INIT_CMPLT:
		return sizeof(struct hn_rndis_init_comp);
	case HN_RNDIS_QUERY_CMPLT:
		return sizeof(struct hn_rndis_query_comp);
	case HN_RNDIS_SET_CMPLT:
	case HN_RNDIS_KEEPALIVE_CMPLT:
		return sizeof(struct hn_rndis_comp);
	default:
		return 0;
	}
}

int
hn_rndis_check_comp(const uint8_t *msg, uint32_t len, uint32_t *type,
		    uint32_t *rid, uint32_t *msg_len)
{
	struct hn_rndis_comp c;
	uint32_t min;

	if (len < sizeof(c)) {
		HN_BAD("RNDIS completion in a range of %u bytes", len);
		return -EINVAL;
	}
	memcpy(&c, msg, sizeof(c));
	min = hn_rndis_comp_minlen(c.type);
	if (min == 0) {
		HN_BAD("RNDIS message type %#x is not a known completion",
		       c.type);
		return -EINVAL;
	}
	if (c.len < min || c.len > len) {
		HN_BAD("RNDIS completion %#x msg_length %u (need %u, range %u)",
		       c.type, c.len, min, len);
		return -EINVAL;
	}
	*type = c.type;
	*rid = c.rid;
	*msg_len = c.len;
	return 0;
}

int
hn_rndis_check_query(const uint8_t *msg, uint32_t len, uint32_t *info_off,
		     uint32_t *info_len)
{
	struct hn_rndis_query_comp q;
	uint32_t off;

	if (len < sizeof(q))
		return -EINVAL;
	memcpy(&q, msg, sizeof(q));
	if (q.status != HN_RNDIS_STATUS_SUCCESS) {
		HN_LOG(NOTICE, "RNDIS query failed, status %#x", q.status);
		return -EIO;
	}
	if (q.len < len)
		len = q.len;
	if (q.info_off > UINT32_MAX - HN_RNDIS_OFS_BASE) {
		HN_BAD("RNDIS query info offset %u", q.info_off);
		return -EINVAL;
	}
	off = q.info_off + HN_RNDIS_OFS_BASE;
	if (q.info_len == 0) {
		*info_off = sizeof(q);
		*info_len = 0;
		return 0;
	}
	if (off < sizeof(q) || off > len || q.info_len > len - off) {
		HN_BAD("RNDIS query info offset %u length %u (msg %u)",
		       q.info_off, q.info_len, len);
		return -EINVAL;
	}
	*info_off = off;
	*info_len = q.info_len;
	return 0;
}

int
hn_rndis_check_init(const uint8_t *msg, uint32_t len, uint32_t *max_pkts,
		    uint32_t *max_xfer, uint32_t *align)
{
	struct hn_rndis_init_comp c;

	if (len < sizeof(c))
		return -EINVAL;
	memcpy(&c, msg, sizeof(c));
	if (c.status != HN_RNDIS_STATUS_SUCCESS) {
		HN_LOG(ERR, "RNDIS initialize failed, status %#x", c.status);
		return -EIO;
	}
	if (c.max_pkts == 0 || c.max_xfer < HN_TX_MSG_MIN) {
		HN_BAD("RNDIS initialize: max packets %u, max transfer %u (need %u)",
		       c.max_pkts, c.max_xfer, (uint32_t)HN_TX_MSG_MIN);
		return -EINVAL;
	}
	/* Alignment is log2: below 4 bytes is raised, above a page refused. */
	if (c.align_shift > 12) {
		HN_BAD("RNDIS initialize: alignment factor %u", c.align_shift);
		return -EINVAL;
	}
	*max_pkts = c.max_pkts;
	*max_xfer = c.max_xfer;
	*align = RTE_MAX(UINT32_C(1) << c.align_shift, UINT32_C(4));
	return 0;
}

int
hn_rndis_check_status(const uint8_t *msg, uint32_t len, uint32_t *status,
		      uint32_t *speed, bool *has_speed)
{
	struct hn_rndis_status_msg s;
	uint32_t off;

	*has_speed = false;
	if (len < sizeof(s)) {
		HN_BAD("RNDIS status indication in a range of %u", len);
		return -EINVAL;
	}
	memcpy(&s, msg, sizeof(s));
	if (s.len < sizeof(s) || s.len > len) {
		HN_BAD("RNDIS status msg_length %u (range %u)", s.len, len);
		return -EINVAL;
	}
	*status = s.status;
	if (s.status != HN_RNDIS_ST_LINK_SPEED_CHANGE)
		return 0;
	if (s.buf_off > s.len - HN_RNDIS_OFS_BASE ||
	    s.buf_len > s.len - HN_RNDIS_OFS_BASE - s.buf_off ||
	    s.buf_len < sizeof(uint32_t)) {
		HN_BAD("RNDIS link speed buffer offset %u length %u (msg %u)",
		       s.buf_off, s.buf_len, s.len);
		return -EINVAL;
	}
	off = HN_RNDIS_OFS_BASE + s.buf_off;
	memcpy(speed, msg + off, sizeof(*speed));
	*has_speed = true;
	return 0;
}

/* NVSP completions and notices */

/*
 * An NVSP completion into the caller's buffer: the host may send more
 * than the message it answers needs (hv-host and Hyper-V pad replies to
 * 40 bytes), so never more than size bytes are copied; shorter than min
 * is refused.
 */
int
hn_nvs_take_comp(void *dst, uint32_t size, const uint8_t *src, uint32_t len,
		 uint32_t min, uint32_t *out_len)
{
	uint32_t n;

	if (len < min) {
		HN_LOG(ERR, "NVSP completion of %u bytes, need %u", len, min);
		return -EINVAL;
	}
	n = RTE_MIN(len, size);
	memcpy(dst, src, n);
	*out_len = n;
	return 0;
}

int
hn_nvs_check_rxbuf(const uint8_t *msg, uint32_t len, uint32_t bufsize,
		   uint32_t *slots)
{
	struct hn_nvs_rxbuf_comp c;

	if (len < sizeof(c)) {
		HN_LOG(ERR, "receive buffer completion of %u bytes", len);
		return -EINVAL;
	}
	memcpy(&c, msg, sizeof(c));
	if (c.status != HN_NVS_STATUS_SUCCESS) {
		HN_LOG(ERR, "host refused the receive buffer, status %u",
		       c.status);
		return -EIO;
	}
	if (c.nsect != 1) {
		HN_LOG(ERR, "receive buffer has %u sections, expected 1",
		       c.nsect);
		return -EINVAL;
	}
	if (c.sect[0].start != 0 || c.sect[0].slotsz < RTE_ETHER_MIN_LEN ||
	    c.sect[0].slotcnt == 0 ||
	    (uint64_t)c.sect[0].slotsz * c.sect[0].slotcnt > bufsize) {
		HN_LOG(ERR, "receive buffer section: offset %u, %u x %u bytes in a buffer of %u",
		       c.sect[0].start, c.sect[0].slotcnt, c.sect[0].slotsz,
		       bufsize);
		return -EINVAL;
	}
	*slots = c.sect[0].slotcnt;
	return 0;
}

int
hn_nvs_check_chim(const uint8_t *msg, uint32_t len, uint32_t bufsize,
		  uint32_t *sectsz, uint32_t *cnt)
{
	struct hn_nvs_chim_comp c;

	if (len < sizeof(c)) {
		HN_LOG(ERR, "send buffer completion of %u bytes", len);
		return -EINVAL;
	}
	memcpy(&c, msg, sizeof(c));
	if (c.status != HN_NVS_STATUS_SUCCESS) {
		HN_LOG(ERR, "host refused the send buffer, status %u",
		       c.status);
		return -EIO;
	}
	if (c.sectsz < HN_TX_MSG_MIN || (c.sectsz & 3) != 0 ||
	    c.sectsz > bufsize) {
		HN_LOG(ERR, "send buffer section size %u (need %u to %u, multiple of 4)",
		       c.sectsz, (uint32_t)HN_TX_MSG_MIN, bufsize);
		return -EINVAL;
	}
	*sectsz = c.sectsz;
	*cnt = bufsize / c.sectsz;
	return 0;
}

int
hn_nvs_check_subch(const uint8_t *msg, uint32_t len, uint32_t requested,
		   uint32_t *granted)
{
	struct hn_nvs_subch_comp c;

	if (len < sizeof(c)) {
		HN_LOG(ERR, "subchannel completion of %u bytes", len);
		return -EINVAL;
	}
	memcpy(&c, msg, sizeof(c));
	if (c.status != HN_NVS_STATUS_SUCCESS) {
		HN_LOG(ERR, "host refused %u subchannels, status %u",
		       requested, c.status);
		return -EIO;
	}
	if (c.nsubch > requested) {
		HN_LOG(ERR, "host granted %u subchannels, %u requested",
		       c.nsubch, requested);
		return -EINVAL;
	}
	*granted = c.nsubch;
	return 0;
}

int
hn_nvs_check_txtbl(const uint8_t *msg, uint32_t len,
		   uint32_t table[HN_TXTBL_SIZE])
{
	struct hn_nvs_txtbl t;

	if (len < sizeof(t)) {
		HN_BAD("indirection table message of %u bytes", len);
		return -EINVAL;
	}
	memcpy(&t, msg, sizeof(t));
	if (t.count != HN_TXTBL_SIZE || t.offset > len ||
	    len - t.offset < HN_TXTBL_SIZE * sizeof(uint32_t)) {
		HN_BAD("indirection table count %u offset %u (msg %u)",
		       t.count, t.offset, len);
		return -EINVAL;
	}
	memcpy(table, msg + t.offset, HN_TXTBL_SIZE * sizeof(uint32_t));
	return 0;
}

int
hn_nvs_check_vf_assoc(const uint8_t *msg, uint32_t len, bool *allocated,
		      uint32_t *serial)
{
	struct hn_nvs_vf_assoc v;

	if (len < sizeof(v)) {
		HN_BAD("VF association message of %u bytes", len);
		return -EINVAL;
	}
	memcpy(&v, msg, sizeof(v));
	*allocated = v.allocated != 0;
	*serial = v.allocated ? v.serial : 0;
	return 0;
}

int
hn_nvs_check_datapath(const uint8_t *msg, uint32_t len, uint32_t *path)
{
	struct {
		uint32_t type;
		uint32_t path;
	} d;

	if (len < sizeof(d)) {
		HN_BAD("data path switch of %u bytes", len);
		return -EINVAL;
	}
	memcpy(&d, msg, sizeof(d));
	if (d.path != HN_NVS_DATAPATH_SYNTHETIC &&
	    d.path != HN_NVS_DATAPATH_VF) {
		HN_BAD("data path switch to %u", d.path);
		return -EINVAL;
	}
	*path = d.path;
	return 0;
}

/* VF matching */

/*
 * A port is our VF only if it carries our MAC and that MAC names one
 * station: a host handing us a zero or multicast address must not make
 * any port with an unset or group address ours.
 */
bool
hn_vf_mac_match(const struct rte_ether_addr *ours,
		const struct rte_ether_addr *theirs)
{
	return rte_is_valid_assigned_ether_addr(ours) &&
		rte_is_same_ether_addr(ours, theirs);
}

/* NDIS OID payloads */

int
hn_check_offload_caps(const uint8_t *buf, uint32_t len,
		      struct hn_offload_caps *caps)
{
	struct hn_ndis_offload o;

	memset(caps, 0, sizeof(*caps));
	if (len < HN_NDIS_OFFLOAD_SIZE_MIN) {
		HN_LOG(ERR, "offload capabilities of %u bytes", len);
		return -EINVAL;
	}
	memcpy(&o, buf, sizeof(o));
	if (o.hdr.type != HN_NDIS_OBJTYPE_OFFLOAD || o.hdr.rev < 1 ||
	    o.hdr.size < HN_NDIS_OFFLOAD_SIZE_MIN || o.hdr.size > len) {
		HN_LOG(ERR, "offload capabilities header type %#x rev %u size %u (have %u)",
		       o.hdr.type, o.hdr.rev, o.hdr.size, len);
		return -EINVAL;
	}
	if (o.ip4_tx_encap & HN_NDIS_ENCAP_8023) {
		caps->ip4_csum = (o.ip4_tx_flags & HN_NDIS_TXCSUM_CAP_IP4) != 0;
		caps->tcp4_csum = (o.ip4_tx_flags & HN_NDIS_TXCSUM_CAP_TCP) != 0;
		caps->udp4_csum = (o.ip4_tx_flags & HN_NDIS_TXCSUM_CAP_UDP) != 0;
	}
	if (o.ip6_tx_encap & HN_NDIS_ENCAP_8023) {
		caps->tcp6_csum = (o.ip6_tx_flags & HN_NDIS_TXCSUM_CAP_TCP) != 0;
		caps->udp6_csum = (o.ip6_tx_flags & HN_NDIS_TXCSUM_CAP_UDP) != 0;
	}
	if ((o.lsov2_ip4_encap & HN_NDIS_ENCAP_8023) && o.lsov2_ip4_maxsz > 0)
		caps->lso4 = true;
	if ((o.lsov2_ip6_encap & HN_NDIS_ENCAP_8023) && o.lsov2_ip6_maxsz > 0)
		caps->lso6 = true;
	if (caps->lso4 || caps->lso6) {
		uint32_t m4 = caps->lso4 ? o.lsov2_ip4_maxsz : UINT32_MAX;
		uint32_t m6 = caps->lso6 ? o.lsov2_ip6_maxsz : UINT32_MAX;

		caps->lso_maxsz = RTE_MIN(m4, m6);
	}
	return 0;
}

int
hn_check_rss_caps(const uint8_t *buf, uint32_t len, uint32_t *nqueues,
		  uint32_t *hash_caps)
{
	struct hn_ndis_rss_caps c = { 0 };
	uint32_t n;

	if (len < HN_NDIS_RSS_CAPS_SIZE_6_0) {
		HN_LOG(ERR, "RSS capabilities of %u bytes", len);
		return -EINVAL;
	}
	memcpy(&c, buf, RTE_MIN(len, (uint32_t)sizeof(c)));
	if (c.hdr.type != HN_NDIS_OBJTYPE_RSS_CAPS ||
	    c.hdr.size < HN_NDIS_RSS_CAPS_SIZE_6_0 || c.hdr.size > len) {
		HN_LOG(ERR, "RSS capabilities header type %#x size %u (have %u)",
		       c.hdr.type, c.hdr.size, len);
		return -EINVAL;
	}
	if (c.nrxr == 0) {
		HN_LOG(ERR, "host reports no receive queues");
		return -EINVAL;
	}
	n = c.nrxr;
	if (c.hdr.rev >= HN_NDIS_RSS_CAPS_REV_2 &&
	    c.hdr.size >= HN_NDIS_RSS_CAPS_SIZE) {
		if (c.nind == 0 || c.nind > HN_RSS_IND_SIZE ||
		    (c.nind & (c.nind - 1)) != 0) {
			HN_LOG(ERR, "RSS indirection table of %u entries",
			       c.nind);
			return -EINVAL;
		}
		n = RTE_MIN(n, (uint32_t)c.nind);
	}
	*nqueues = n;
	*hash_caps = c.caps;
	return 0;
}
