/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

#include <errno.h>
#include <string.h>

#include "hvh_check.h"

#define HVH_FAIL(msg) do { *why = (msg); return -EINVAL; } while (0)

int
hvh_check_desc(const struct hvh_pkt_desc *d, uint64_t avail,
	       uint32_t max_len, const char **why)
{
	uint32_t len = (uint32_t)d->len8 * 8;

	if (d->offset8 < 2) {
		*why = "descriptor offset8 < 2";
		return -EPROTO;
	}
	if (d->len8 < d->offset8) {
		*why = "descriptor len8 < offset8";
		return -EPROTO;
	}
	if ((uint64_t)len + HVH_PKT_TRAILER > avail) {
		*why = "descriptor len8 beyond the published data";
		return -EPROTO;
	}
	if (len > max_len) {
		*why = "packet longer than hv-host accepts";
		return -EMSGSIZE;
	}
	if (d->type != HVH_PKT_INBAND && d->type != HVH_PKT_GPA_DIRECT &&
	    d->type != HVH_PKT_COMP) {
		*why = "packet type not sent by a netvsc guest";
		return -EBADMSG;
	}
	if (d->flags & ~HVH_PKT_FLAG_RC) {
		*why = "unknown descriptor flag";
		return -EBADMSG;
	}
	return 0;
}

int
hvh_check_gpa(const uint8_t *pkt, uint32_t pkt_len, struct hvh_gpa_seg *segs,
	      uint32_t max_segs, uint32_t *nsegs, const char **why)
{
	const struct hvh_gpa_hdr *h = (const void *)pkt;
	uint32_t hlen, n, r, off, k = 0;

	if (pkt_len < sizeof(*h))
		HVH_FAIL("GPA packet shorter than its header");
	hlen = (uint32_t)h->d.offset8 * 8;
	if (hlen > pkt_len)
		HVH_FAIL("GPA descriptor header beyond the packet");
	n = h->range_cnt;
	if (n == 0)
		HVH_FAIL("GPA range count 0");
	off = sizeof(*h);
	for (r = 0; r < n; r++) {
		uint32_t len, first, npfn, i;

		/* Range header {len, offset} then its page numbers. */
		if (off + 8 > hlen)
			HVH_FAIL("GPA range beyond the descriptor header");
		memcpy(&len, pkt + off, 4);
		memcpy(&first, pkt + off + 4, 4);
		if (len == 0 || first >= HVH_PAGE_SIZE)
			HVH_FAIL("GPA range empty or its offset past a page");
		npfn = (uint32_t)(((uint64_t)first + len + HVH_PAGE_SIZE - 1) /
				  HVH_PAGE_SIZE);
		if (off + 8 + (uint64_t)npfn * 8 > hlen)
			HVH_FAIL("GPA range's pages beyond the descriptor header");
		for (i = 0; i < npfn; i++) {
			uint64_t pfn;
			uint32_t o = i ? 0 : first;
			uint32_t l = HVH_PAGE_SIZE - o;

			if (l > len)
				l = len;
			if (k == max_segs)
				HVH_FAIL("GPA packet names too many pages");
			memcpy(&pfn, pkt + off + 8 + i * 8, 8);
			if (pfn > (UINT64_MAX >> HVH_PAGE_SHIFT))
				HVH_FAIL("GPA page number out of range");
			segs[k].gpa = (pfn << HVH_PAGE_SHIFT) + o;
			segs[k].len = l;
			len -= l;
			k++;
		}
		off += 8 + npfn * 8;
	}
	*nsegs = k;
	return 0;
}

/*
 * Walk the per-packet-info chain of a PACKET_MSG (netvsc_protocol.rst,
 * "Per-packet information").
 */
static int
hvh_check_ppi(const uint8_t *p, uint32_t len, struct hvh_tx_info *ti,
	      const char **why)
{
	while (len > 0) {
		struct hvh_rndis_ppi e;
		uint32_t val;

		if (len < sizeof(e))
			HVH_FAIL("PPI chain ends inside an element header");
		memcpy(&e, p, sizeof(e));
		/* A zero size would loop forever; 4-byte multiples per spec. */
		if (e.size < sizeof(e) || e.size > len || (e.size & 3))
			HVH_FAIL("PPI element size");
		if (e.offset < sizeof(e) || e.offset > e.size)
			HVH_FAIL("PPI element offset");
		if (e.type == HVH_PPI_CSUM || e.type == HVH_PPI_LSO ||
		    e.type == HVH_PPI_VLAN) {
			if (e.size - e.offset < sizeof(val))
				HVH_FAIL("PPI payload shorter than 4 bytes");
			memcpy(&val, p + e.offset, sizeof(val));
			if (e.type == HVH_PPI_CSUM) {
				ti->csum = val;
				ti->present |= HVH_TXI_CSUM;
			} else if (e.type == HVH_PPI_LSO) {
				ti->lso = val;
				ti->present |= HVH_TXI_LSO;
			} else {
				ti->vlan = val;
				ti->present |= HVH_TXI_VLAN;
			}
		}
		p += e.size;
		len -= e.size;
	}
	return 0;
}

int
hvh_check_rndis_pkt(const uint8_t *msg, uint32_t avail,
		    struct hvh_tx_info *ti, const char **why)
{
	struct hvh_rndis_pkt h;
	uint64_t end;

	memset(ti, 0, sizeof(*ti));
	if (avail < sizeof(h))
		HVH_FAIL("RNDIS packet shorter than its header");
	memcpy(&h, msg, sizeof(h));
	if (h.type != HVH_RNDIS_PACKET)
		HVH_FAIL("RNDIS message in a data section is not a PACKET_MSG");
	if (h.len < sizeof(h) || h.len > avail)
		HVH_FAIL("RNDIS msg_length outside the section");
	if (h.data_len == 0)
		HVH_FAIL("RNDIS data_length 0");
	end = (uint64_t)HVH_RNDIS_OFF_BASE + h.data_off + h.data_len;
	if (h.data_off < sizeof(h) - HVH_RNDIS_OFF_BASE || end > h.len)
		HVH_FAIL("RNDIS data offset/length outside the message");
	if (h.data_len < 14)
		HVH_FAIL("frame shorter than an Ethernet header");
	if (h.oob_len != 0 || h.oob_num != 0)
		HVH_FAIL("RNDIS out-of-band data is not used by NDIS 6");
	if (h.ppi_len != 0) {
		end = (uint64_t)HVH_RNDIS_OFF_BASE + h.ppi_off + h.ppi_len;
		if (h.ppi_off < sizeof(h) - HVH_RNDIS_OFF_BASE ||
		    end > h.len)
			HVH_FAIL("RNDIS PPI offset/length outside the message");
		if (hvh_check_ppi(msg + HVH_RNDIS_OFF_BASE + h.ppi_off,
				  h.ppi_len, ti, why))
			return -EINVAL;
	}
	ti->msg_len = h.len;
	ti->frame_off = HVH_RNDIS_OFF_BASE + h.data_off;
	ti->frame_len = h.data_len;
	return 0;
}

int
hvh_check_rndis_ctrl(const uint8_t *msg, uint32_t len,
		     const uint8_t **info, uint32_t *info_len,
		     const char **why)
{
	struct hvh_rndis_hdr h;
	struct hvh_rndis_oid_req q;
	uint64_t end;

	*info = NULL;
	*info_len = 0;
	if (len < sizeof(h))
		HVH_FAIL("RNDIS message shorter than 8 bytes");
	memcpy(&h, msg, sizeof(h));
	if (h.len > len || h.len < 12)
		HVH_FAIL("RNDIS msg_length outside the buffer");
	switch (h.type) {
	case HVH_RNDIS_INIT:
		if (h.len < 24)
			HVH_FAIL("INITIALIZE shorter than 24 bytes");
		return 0;
	case HVH_RNDIS_HALT:
	case HVH_RNDIS_RESET:
	case HVH_RNDIS_KEEPALIVE:
		return 0;
	case HVH_RNDIS_QUERY:
	case HVH_RNDIS_SET:
		if (h.len < sizeof(q))
			HVH_FAIL("QUERY/SET shorter than 28 bytes");
		memcpy(&q, msg, sizeof(q));
		if (q.info_len == 0)
			return 0;
		end = (uint64_t)HVH_RNDIS_OFF_BASE + q.info_off + q.info_len;
		if (HVH_RNDIS_OFF_BASE + (uint64_t)q.info_off < sizeof(q) ||
		    end > h.len)
			HVH_FAIL("QUERY/SET info buffer outside the message");
		*info = msg + HVH_RNDIS_OFF_BASE + q.info_off;
		*info_len = q.info_len;
		return 0;
	default:
		*why = "RNDIS control message type unknown";
		return -EOPNOTSUPP;
	}
}

int
hvh_check_rss_params(const uint8_t *buf, uint32_t len, uint32_t nchan,
		     struct hvh_rss_conf *rc, const char **why)
{
	struct hvh_ndis_rss_params p;
	uint32_t need, i, n;

	memset(rc, 0, sizeof(*rc));
	if (len < HVH_RSS_PARAMS_SIZE_REV1)
		HVH_FAIL("RSS parameters shorter than revision 1");
	memset(&p, 0, sizeof(p));
	memcpy(&p, buf, len < sizeof(p) ? len : sizeof(p));
	if (p.hdr.type != HVH_NDIS_OBJ_RSS_PARAMS)
		HVH_FAIL("RSS parameters object type");
	if (p.hdr.rev == 1)
		need = HVH_RSS_PARAMS_SIZE_REV1;
	else if (p.hdr.rev == 2)
		need = sizeof(p);
	else
		HVH_FAIL("RSS parameters revision");
	if (p.hdr.size < need || p.hdr.size > len)
		HVH_FAIL("RSS parameters object size");
	if (p.flags & HVH_RSS_FLAG_DISABLE) {
		rc->disable = 1;
		return 0;
	}
	if (!(p.flags & HVH_RSS_FLAG_HASH_UNCHANGED)) {
		if ((p.hash_info & 0xff) != HVH_RSS_CAP_TOEPLITZ &&
		    (p.hash_info & 0xffffff00) != 0)
			HVH_FAIL("RSS hash function is not Toeplitz");
		rc->hash_set = 1;
		rc->hash_info = p.hash_info;
	}
	if (!(p.flags & HVH_RSS_FLAG_TABLE_UNCHANGED)) {
		n = p.indir_size / 4;
		if ((p.indir_size & 3) || n == 0 || n > HVH_RSS_INDIR_MAX ||
		    (n & (n - 1)))
			HVH_FAIL("RSS indirection table size");
		if ((uint64_t)p.indir_off + p.indir_size > len ||
		    p.indir_off < need)
			HVH_FAIL("RSS indirection table outside the buffer");
		memcpy(rc->table, buf + p.indir_off, p.indir_size);
		for (i = 0; i < n; i++)
			if (rc->table[i] >= nchan)
				HVH_FAIL("RSS table entry names no open channel");
		rc->table_set = 1;
		rc->table_len = n;
	}
	if (!(p.flags & HVH_RSS_FLAG_KEY_UNCHANGED)) {
		if (p.key_size != sizeof(rc->key))
			HVH_FAIL("RSS key size is not 40");
		if ((uint64_t)p.key_off + p.key_size > len ||
		    p.key_off < need)
			HVH_FAIL("RSS key outside the buffer");
		memcpy(rc->key, buf + p.key_off, sizeof(rc->key));
		rc->key_set = 1;
	}
	return 0;
}
