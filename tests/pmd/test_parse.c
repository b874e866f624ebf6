/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Unit tests of the netvsc PMD's host-input checks and devargs parsing
 * (drivers/net/netvsc/hn_parse.c), built with AddressSanitizer and
 * UndefinedBehaviorSanitizer. Each message is placed in a heap block of
 * exactly its length, so a parser that reads one byte too far fails the
 * test even when its verdict looks right.
 *
 * Usage: test-netvsc-unit [test name ...]  (no name: run them all)
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_ether.h>
#include <rte_log.h>

#include "hn_parse.h"
#include "hvnet_test.h"

RTE_LOG_REGISTER(hn_logtype_init, test.netvsc.init, ERR);
RTE_LOG_REGISTER(hn_logtype_driver, test.netvsc.driver, ERR);

/* A heap copy of exactly len bytes: ASan catches any overread. */
static uint8_t *
exact(const void *src, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	if (p == NULL)
		abort();
	memcpy(p, src, len);
	return p;
}

/*
 * A message built valid, then one field set to a value (size 0: none)
 * and the length handed to the parser (0: the whole message): each row
 * of a test's table is a message the parser must refuse.
 */
struct bad_field {
	const char *why;
	size_t off, size;
	uint64_t val;
	uint32_t len;
};

#define BAD_FIELD(type, why, field, v, n) \
	{ why, offsetof(type, field), sizeof(((type *)0)->field), v, n }
#define BAD_LEN(why, n) { why, 0, 0, 0, n }

/* Little-endian, as every field of the protocol. */
static void
bad_field_set(void *msg, const struct bad_field *b)
{
	uint8_t *p = (uint8_t *)msg + b->off;
	size_t i;

	for (i = 0; i < b->size; i++)
		p[i] = (uint8_t)(b->val >> (8 * i));
}

/* Transfer-page packets */

#define SLOTS 100

/* A transfer-page packet with two ranges (struct vmbus_chanpkt_rxbuf). */
struct xfer_msg {
	struct {
		struct vmbus_chanpkt_hdr hdr;
		uint16_t rxbuf_id;
		uint16_t rsvd;
		uint32_t rxbuf_cnt;
	} __attribute__((packed)) h;
	struct vmbus_rxbuf_desc r[2];
	struct hn_nvs_rndis nvs;
} __attribute__((packed));
static_assert(sizeof(((struct xfer_msg *)0)->h) ==
	      sizeof(struct vmbus_chanpkt_rxbuf), "transfer-page header");
/* Its header and total lengths, in 8-byte units: 16 bytes of NVSP. */
#define XFER_HLEN (offsetof(struct xfer_msg, nvs) / 8)
#define XFER_TLEN (XFER_HLEN + 2)

static void
xfer_build(struct xfer_msg *m, uint64_t xact)
{
	memset(m, 0, sizeof(*m));
	m->h.hdr.type = VMBUS_CHANPKT_TYPE_RXBUF;
	m->h.hdr.hlen = XFER_HLEN;
	m->h.hdr.tlen = XFER_TLEN;
	m->h.hdr.xactid = xact;
	m->h.rxbuf_id = HN_NVS_RECV_BUF_ID;
	m->h.rxbuf_cnt = 2;
	m->r[0].ofs = 0;
	m->r[0].len = 100;
	m->r[1].ofs = 4096;
	m->r[1].len = 200;
	m->nvs.type = HN_NVS_TYPE_SEND_RNDIS_PKT;
	m->nvs.chim_idx = HN_NVS_CHIM_IDX_INVALID;
}

static int
xfer_check(const struct xfer_msg *m, uint32_t len, struct hn_xfer *x)
{
	uint8_t *p = exact(m, len);
	int ret = hn_check_xfer(p, len, SLOTS, x);

	free(p);
	return ret;
}

static int
xfer_accepts_valid(void)
{
	struct xfer_msg m;
	struct hn_xfer x;

	xfer_build(&m, 7);
	HVT_CHECK(xfer_check(&m, m.h.hdr.tlen * 8, &x) == 0);
	HVT_CHECK(x.nranges == 2);
	HVT_CHECK(x.xact == 7);
	return 0;
}

#define XFER_BAD(why, field, v, n) BAD_FIELD(struct xfer_msg, why, field, v, n)

static int
xfer_rejects_bad_header(void)
{
	static const struct bad_field bad[] = {
		XFER_BAD("header too short for the transfer-page fields",
			 h.hdr.hlen, 2, 0),
		XFER_BAD("more ranges than the header holds", h.rxbuf_cnt, 3, 0),
		XFER_BAD("ranges beyond any header", h.rxbuf_cnt, UINT32_MAX, 0),
		XFER_BAD("not our receive buffer", h.rxbuf_id, 0xbeef, 0),
		XFER_BAD("not an RNDIS packet", nvs.type,
			 HN_NVS_TYPE_SEND_RNDIS_PKT_COMPLETE, 0),
		XFER_BAD("no room for the NVSP message after the header",
			 h.hdr.tlen, XFER_HLEN + 1, (XFER_HLEN + 1) * 8),
		XFER_BAD("total length beyond what was read from the ring",
			 h.hdr.tlen, 200, 0),
		XFER_BAD("header length beyond the total length", h.hdr.hlen,
			 XFER_TLEN + 1, 0),
		BAD_LEN("shorter than a descriptor", 15),
	};
	struct xfer_msg m;
	struct hn_xfer x;
	unsigned int i;

	for (i = 0; i < HVT_DIM(bad); i++) {
		xfer_build(&m, 1);
		bad_field_set(&m, &bad[i]);
		HVT_CHECK(xfer_check(&m, bad[i].len ? bad[i].len : sizeof(m),
				     &x) != 0, "%s", bad[i].why);
	}
	return 0;
}

static int
xfer_rejects_tid_equal_section_count(void)
{
	struct xfer_msg m;
	struct hn_xfer x;

	xfer_build(&m, SLOTS - 1);
	HVT_CHECK(xfer_check(&m, sizeof(m), &x) == 0);
	xfer_build(&m, SLOTS);
	HVT_CHECK(xfer_check(&m, sizeof(m), &x) != 0);
	/* The id is still reported so the packet can be completed. */
	HVT_CHECK(x.xact == SLOTS);
	xfer_build(&m, UINT64_MAX);
	HVT_CHECK(xfer_check(&m, sizeof(m), &x) != 0);
	return 0;
}

static int
range_rejects_outside_buffer(void)
{
	const uint32_t size = 65536;
	struct vmbus_rxbuf_desc r;
	uint32_t ofs, len;

	r.ofs = 0;
	r.len = size;
	HVT_CHECK(hn_check_range(&r, size, &ofs, &len) == 0);
	HVT_CHECK(ofs == 0 && len == size);
	r.ofs = 1;
	HVT_CHECK(hn_check_range(&r, size, &ofs, &len) != 0);
	/* ofs + len wraps to a small number in 32 bits. */
	r.ofs = 0xfffffff0u;
	r.len = 0x20;
	HVT_CHECK(hn_check_range(&r, size, &ofs, &len) != 0);
	r.ofs = 100;
	r.len = 0xffffffffu;
	HVT_CHECK(hn_check_range(&r, size, &ofs, &len) != 0);
	r.ofs = size + 1;
	r.len = 1;
	HVT_CHECK(hn_check_range(&r, size, &ofs, &len) != 0);
	r.ofs = 10;
	r.len = 0;
	HVT_CHECK(hn_check_range(&r, size, &ofs, &len) != 0);
	return 0;
}

/* RNDIS data packets */

struct ppi_u32 {
	struct hn_rndis_ppi h;
	uint32_t v;
} __attribute__((packed));

struct rndis_data {
	struct hn_rndis_pkt_msg pkt;
	struct ppi_u32 ppi[3];
	uint8_t frame[60];
} __attribute__((packed));

static void
rndis_build(struct rndis_data *d)
{
	unsigned int i;

	memset(d, 0, sizeof(*d));
	d->pkt.type = HN_RNDIS_PACKET_MSG;
	d->pkt.len = sizeof(*d);
	d->pkt.ppi_off = HN_RNDIS_PKT_OFS_MIN;
	d->pkt.ppi_len = sizeof(d->ppi);
	d->pkt.data_off = HN_RNDIS_PKT_OFS_MIN + sizeof(d->ppi);
	d->pkt.data_len = sizeof(d->frame);
	for (i = 0; i < 3; i++) {
		d->ppi[i].h.size = sizeof(d->ppi[i]);
		d->ppi[i].h.off = sizeof(d->ppi[i].h);
	}
	d->ppi[0].h.type = HN_PPI_VLAN;
	d->ppi[0].v = (100 << HN_VLAN_VID_SHIFT) | 3;
	d->ppi[1].h.type = HN_PPI_CSUM;
	d->ppi[1].v = HN_RXCSUM_IP_OK | HN_RXCSUM_TCP_OK;
	d->ppi[2].h.type = HN_PPI_HASH_VALUE;
	d->ppi[2].v = 0x12345678;
	for (i = 0; i < sizeof(d->frame); i++)
		d->frame[i] = i;
}

static int
rndis_parse(const void *msg, uint32_t len, struct hn_rx_info *ri)
{
	uint8_t *p = exact(msg, len);
	int ret = hn_rndis_parse_pkt(p, len, ri);

	free(p);
	return ret;
}

static int
rndis_pkt_accepts_valid_with_ppi(void)
{
	struct rndis_data d;
	struct hn_rx_info ri;

	rndis_build(&d);
	HVT_CHECK(rndis_parse(&d, sizeof(d), &ri) == 0);
	HVT_CHECK(ri.data_off == offsetof(struct rndis_data, frame));
	HVT_CHECK(ri.data_len == sizeof(d.frame));
	HVT_CHECK(ri.present == (HN_RXINFO_VLAN | HN_RXINFO_CSUM |
			     HN_RXINFO_HASHVAL));
	HVT_CHECK(ri.vlan == ((100 << HN_VLAN_VID_SHIFT) | 3));
	HVT_CHECK(ri.csum == (HN_RXCSUM_IP_OK | HN_RXCSUM_TCP_OK));
	HVT_CHECK(ri.hash_value == 0x12345678);
	/* No per-packet info at all. */
	rndis_build(&d);
	d.pkt.ppi_len = 0;
	d.pkt.ppi_off = 0;
	HVT_CHECK(rndis_parse(&d, sizeof(d), &ri) == 0 && ri.present == 0);
	/* msg_length shorter than the range it sits in is fine. */
	rndis_build(&d);
	HVT_CHECK(rndis_parse(&d, sizeof(d), &ri) == 0);
	return 0;
}

#define RNDIS_BAD(why, field, v) BAD_FIELD(struct rndis_data, why, field, v, 0)

/* Each row on a freshly built packet: the parser must refuse it. */
static void
rndis_refuses(const struct bad_field *bad, unsigned int n)
{
	struct rndis_data d;
	struct hn_rx_info ri;
	unsigned int i;

	for (i = 0; i < n; i++) {
		rndis_build(&d);
		bad_field_set(&d, &bad[i]);
		HVT_CHECK(rndis_parse(&d, bad[i].len ? bad[i].len : sizeof(d),
				      &ri) != 0, "%s", bad[i].why);
	}
}

static int
rndis_pkt_rejects_bad_offsets(void)
{
	static const struct bad_field bad[] = {
		BAD_LEN("msg_len beyond the range", sizeof(struct rndis_data) - 1),
		RNDIS_BAD("msg_len shorter than the packet", pkt.len, 20),
		RNDIS_BAD("data inside the header", pkt.data_off, 8),
		RNDIS_BAD("data one byte past the message", pkt.data_len,
			  sizeof(((struct rndis_data *)0)->frame) + 1),
		RNDIS_BAD("data shorter than an Ethernet header", pkt.data_len,
			  13),
		RNDIS_BAD("info longer than the message", pkt.ppi_len,
			  sizeof(struct rndis_data) + 1),
		RNDIS_BAD("info inside the header", pkt.ppi_off, 4),
		BAD_LEN("shorter than the packet header", 43),
	};
	struct rndis_data d;
	struct hn_rx_info ri;

	rndis_refuses(bad, HVT_DIM(bad));
	/* Offset + length wraps. */
	rndis_build(&d);
	d.pkt.data_off = 0xfffffff0u;
	d.pkt.data_len = 0x100;
	HVT_CHECK(rndis_parse(&d, sizeof(d), &ri) != 0);
	return 0;
}

static int
rndis_ppi_rejects_malformed_elements(void)
{
	static const struct bad_field bad[] = {
		RNDIS_BAD("a zero size would loop forever", ppi[1].h.size, 0),
		RNDIS_BAD("size beyond the chain", ppi[2].h.size, 32),
		RNDIS_BAD("size not a 4-byte multiple", ppi[0].h.size, 15),
		RNDIS_BAD("payload offset past the element", ppi[0].h.off, 17),
		RNDIS_BAD("payload of 2 bytes for a u32", ppi[0].h.off, 14),
		RNDIS_BAD("payload inside the element header", ppi[0].h.off, 4),
	};
	struct rndis_data d;
	struct hn_rx_info ri;

	rndis_refuses(bad, HVT_DIM(bad));
	/* An unknown type is skipped, not an error. */
	rndis_build(&d);
	d.ppi[0].h.type = 77;
	HVT_CHECK(rndis_parse(&d, sizeof(d), &ri) == 0);
	HVT_CHECK(!(ri.present & HN_RXINFO_VLAN));
	return 0;
}

/* RNDIS control completions */

static int
rndis_comp_checks_type_and_length(void)
{
	struct hn_rndis_query_comp q = {
		.type = HN_RNDIS_QUERY_CMPLT, .len = 30, .rid = 9,
		.info_len = 6, .info_off = 16,
	};
	uint8_t buf[30];
	uint32_t type, rid, mlen;
	uint8_t *p;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, &q, sizeof(q));
	p = exact(buf, sizeof(buf));
	HVT_CHECK(hn_rndis_check_comp(p, sizeof(buf), &type, &rid, &mlen) == 0);
	HVT_CHECK(type == HN_RNDIS_QUERY_CMPLT && rid == 9 && mlen == 30);
	/* msg_length beyond the range */
	HVT_CHECK(hn_rndis_check_comp(p, 29, &type, &rid, &mlen) != 0);
	free(p);
	q.len = 20;	/* shorter than a query completion */
	memcpy(buf, &q, sizeof(q));
	p = exact(buf, sizeof(buf));
	HVT_CHECK(hn_rndis_check_comp(p, sizeof(buf), &type, &rid, &mlen) != 0);
	free(p);
	q.len = 30;
	q.type = HN_RNDIS_QUERY_MSG;	/* a request, not a completion */
	memcpy(buf, &q, sizeof(q));
	p = exact(buf, sizeof(buf));
	HVT_CHECK(hn_rndis_check_comp(p, sizeof(buf), &type, &rid, &mlen) != 0);
	free(p);
	p = exact(buf, 8);
	HVT_CHECK(hn_rndis_check_comp(p, 8, &type, &rid, &mlen) != 0);
	free(p);
	return 0;
}

static int
rndis_query_checks_info_bounds(void)
{
	struct hn_rndis_query_comp q = {
		.type = HN_RNDIS_QUERY_CMPLT, .len = 30, .rid = 1,
		.status = 0, .info_len = 6, .info_off = 16,
	};
	uint8_t buf[30];
	uint32_t off, len;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, &q, sizeof(q));
	HVT_CHECK(hn_rndis_check_query(buf, sizeof(buf), &off, &len) == 0);
	HVT_CHECK(off == 24 && len == 6);
	q.info_len = 7;
	memcpy(buf, &q, sizeof(q));
	HVT_CHECK(hn_rndis_check_query(buf, sizeof(buf), &off, &len) != 0);
	q.info_len = 6;
	q.info_off = 8;	/* points into the completion header */
	memcpy(buf, &q, sizeof(q));
	HVT_CHECK(hn_rndis_check_query(buf, sizeof(buf), &off, &len) != 0);
	q.info_off = UINT32_MAX - 2;	/* + 8 wraps */
	memcpy(buf, &q, sizeof(q));
	HVT_CHECK(hn_rndis_check_query(buf, sizeof(buf), &off, &len) != 0);
	q.info_off = 16;
	q.info_len = UINT32_MAX;
	memcpy(buf, &q, sizeof(q));
	HVT_CHECK(hn_rndis_check_query(buf, sizeof(buf), &off, &len) != 0);
	q.info_len = 6;
	q.status = 0xc0000001;
	memcpy(buf, &q, sizeof(q));
	HVT_CHECK(hn_rndis_check_query(buf, sizeof(buf), &off, &len) == -EIO);
	return 0;
}

static int
rndis_init_checks_limits(void)
{
	struct hn_rndis_init_comp c = {
		.type = HN_RNDIS_INIT_CMPLT, .len = sizeof(c), .rid = 1,
		.max_pkts = 8, .max_xfer = 0xefffffff, .align_shift = 3,
	};
	uint32_t pkts, xfer, align;

	HVT_CHECK(hn_rndis_check_init((uint8_t *)&c, sizeof(c), &pkts, &xfer,
				  &align) == 0);
	HVT_CHECK(pkts == 8 && xfer == 0xefffffff && align == 8);
	c.align_shift = 0;	/* raised to 4 bytes */
	HVT_CHECK(hn_rndis_check_init((uint8_t *)&c, sizeof(c), &pkts, &xfer,
				  &align) == 0 && align == 4);
	c.align_shift = 31;
	HVT_CHECK(hn_rndis_check_init((uint8_t *)&c, sizeof(c), &pkts, &xfer,
				  &align) != 0);
	c.align_shift = 3;
	c.max_pkts = 0;
	HVT_CHECK(hn_rndis_check_init((uint8_t *)&c, sizeof(c), &pkts, &xfer,
				  &align) != 0);
	c.max_pkts = 8;
	c.status = 0xc0000001;
	HVT_CHECK(hn_rndis_check_init((uint8_t *)&c, sizeof(c), &pkts, &xfer,
				  &align) != 0);
	c.status = 0;
	HVT_CHECK(hn_rndis_check_init((uint8_t *)&c, sizeof(c) - 1, &pkts, &xfer,
				  &align) != 0);
	return 0;
}

static int
rndis_status_checks_speed_buffer(void)
{
	struct {
		struct hn_rndis_status_msg s;
		uint32_t speed;
	} __attribute__((packed)) m = {
		.s = { .type = HN_RNDIS_STATUS_MSG, .len = sizeof(m),
		       .status = HN_RNDIS_ST_LINK_SPEED_CHANGE, .buf_len = 4,
		       .buf_off = 12 },
		.speed = 100000,
	};
	uint32_t status, speed = 0;
	bool has;
	uint8_t *p;

	p = exact(&m, sizeof(m));
	HVT_CHECK(hn_rndis_check_status(p, sizeof(m), &status, &speed, &has) == 0);
	HVT_CHECK(has && speed == 100000 && status == m.s.status);
	free(p);
	m.s.buf_off = 13;	/* one byte past the message */
	p = exact(&m, sizeof(m));
	HVT_CHECK(hn_rndis_check_status(p, sizeof(m), &status, &speed, &has) != 0);
	free(p);
	m.s.buf_off = 12;
	m.s.buf_len = 2;
	p = exact(&m, sizeof(m));
	HVT_CHECK(hn_rndis_check_status(p, sizeof(m), &status, &speed, &has) != 0);
	free(p);
	m.s.buf_len = 4;
	m.s.len = sizeof(m) + 4;	/* longer than the range */
	p = exact(&m, sizeof(m));
	HVT_CHECK(hn_rndis_check_status(p, sizeof(m), &status, &speed, &has) != 0);
	free(p);
	/* Connect carries no buffer: nothing is read past the header. */
	m.s.len = sizeof(m.s);
	m.s.status = HN_RNDIS_ST_MEDIA_CONNECT;
	p = exact(&m, sizeof(m.s));
	HVT_CHECK(hn_rndis_check_status(p, sizeof(m.s), &status, &speed,
				    &has) == 0 && !has);
	free(p);
	return 0;
}

/* NVSP completions */

static int
nvs_rxbuf_checks_section(void)
{
	struct hn_nvs_rxbuf_comp c = {
		.type = HN_NVS_TYPE_SEND_RECV_BUF_COMPLETE,
		.status = HN_NVS_STATUS_SUCCESS,
		.nsect = 1,
		.sect = { { .start = 0, .slotsz = 1728, .slotcnt = 100,
			    .end = 172800 } },
	};
	uint32_t slots = 0;

	HVT_CHECK(hn_nvs_check_rxbuf((uint8_t *)&c, sizeof(c), 172800, &slots) == 0);
	HVT_CHECK(slots == 100);
	HVT_CHECK(hn_nvs_check_rxbuf((uint8_t *)&c, sizeof(c), 172799, &slots) != 0);
	HVT_CHECK(hn_nvs_check_rxbuf((uint8_t *)&c, sizeof(c) - 1, 172800,
				 &slots) != 0);
	c.nsect = 2;
	HVT_CHECK(hn_nvs_check_rxbuf((uint8_t *)&c, sizeof(c), 172800, &slots) != 0);
	c.nsect = 1;
	/* size * count overflows 32 bits. */
	c.sect[0].slotsz = 0x10000;
	c.sect[0].slotcnt = 0x10001;
	HVT_CHECK(hn_nvs_check_rxbuf((uint8_t *)&c, sizeof(c), UINT32_MAX,
				 &slots) != 0);
	c.sect[0].slotsz = 10;	/* below a minimum frame */
	c.sect[0].slotcnt = 10;
	HVT_CHECK(hn_nvs_check_rxbuf((uint8_t *)&c, sizeof(c), 172800, &slots) != 0);
	c.sect[0].slotsz = 1728;
	c.sect[0].start = 64;
	HVT_CHECK(hn_nvs_check_rxbuf((uint8_t *)&c, sizeof(c), 172800, &slots) != 0);
	c.sect[0].start = 0;
	c.status = HN_NVS_STATUS_FAILURE;
	HVT_CHECK(hn_nvs_check_rxbuf((uint8_t *)&c, sizeof(c), 172800, &slots) != 0);
	return 0;
}

/*
 * The send buffer's completion with a section size, LEN_CUT bytes short,
 * checked against a buffer of BUF bytes: the check's verdict, and the
 * section size and count it reports.
 */
static int
chim_check(uint32_t sectsz, uint32_t len_cut, uint32_t buf, uint32_t *sz,
	   uint32_t *cnt)
{
	struct hn_nvs_chim_comp c;

	memset(&c, 0, sizeof(c));
	c.type = HN_NVS_TYPE_SEND_SEND_BUF_COMPLETE;
	c.status = HN_NVS_STATUS_SUCCESS;
	c.sectsz = sectsz;
	return hn_nvs_check_chim((uint8_t *)&c, sizeof(c) - len_cut, buf, sz,
				 cnt);
}

static int
nvs_chim_checks_section_size(void)
{
	uint32_t sz, cnt;

	HVT_CHECK(chim_check(6144, 0, 16 << 20, &sz, &cnt) == 0);
	HVT_CHECK(sz == 6144 && cnt == (16u << 20) / 6144);
	HVT_CHECK(chim_check(0, 0, 16 << 20, &sz, &cnt) != 0);
	HVT_CHECK(chim_check(6146, 0, 16 << 20, &sz, &cnt) != 0);
	HVT_CHECK(chim_check(8192, 0, 4096, &sz, &cnt) != 0);
	HVT_CHECK(chim_check(6144, 1, 16 << 20, &sz, &cnt) != 0);
	return 0;
}

static int
nvs_subch_rejects_more_than_requested(void)
{
	struct hn_nvs_subch_comp c = {
		.type = HN_NVS_TYPE_SUBCHANNEL, .status = HN_NVS_STATUS_SUCCESS,
		.nsubch = 3,
	};
	uint32_t granted;

	HVT_CHECK(hn_nvs_check_subch((uint8_t *)&c, sizeof(c), 3, &granted) == 0);
	HVT_CHECK(granted == 3);
	HVT_CHECK(hn_nvs_check_subch((uint8_t *)&c, sizeof(c), 2, &granted) != 0);
	c.status = HN_NVS_STATUS_FAILURE;
	HVT_CHECK(hn_nvs_check_subch((uint8_t *)&c, sizeof(c), 3, &granted) != 0);
	c.status = HN_NVS_STATUS_SUCCESS;
	HVT_CHECK(hn_nvs_check_subch((uint8_t *)&c, 8, 3, &granted) != 0);
	return 0;
}

static int
nvs_txtbl_checks_count_and_offset(void)
{
	struct {
		struct hn_nvs_txtbl t;
		uint32_t tbl[HN_TXTBL_SIZE];
	} __attribute__((packed)) m;
	uint32_t out[HN_TXTBL_SIZE];
	unsigned int i;
	uint8_t *p;

	m.t.type = HN_NVS_TYPE_SEND_INDIRECTION_TABLE;
	m.t.count = HN_TXTBL_SIZE;
	m.t.offset = sizeof(m.t);
	for (i = 0; i < HN_TXTBL_SIZE; i++)
		m.tbl[i] = i % 3;
	p = exact(&m, sizeof(m));
	HVT_CHECK(hn_nvs_check_txtbl(p, sizeof(m), out) == 0);
	HVT_CHECK(out[4] == 1 && out[15] == 0);
	free(p);
	m.t.offset = sizeof(m.t) + 4;	/* table would end past the message */
	p = exact(&m, sizeof(m));
	HVT_CHECK(hn_nvs_check_txtbl(p, sizeof(m), out) != 0);
	free(p);
	m.t.offset = UINT32_MAX;
	p = exact(&m, sizeof(m));
	HVT_CHECK(hn_nvs_check_txtbl(p, sizeof(m), out) != 0);
	free(p);
	m.t.offset = sizeof(m.t);
	m.t.count = 17;
	p = exact(&m, sizeof(m));
	HVT_CHECK(hn_nvs_check_txtbl(p, sizeof(m), out) != 0);
	free(p);
	return 0;
}

/* NDIS OID payloads */

static int
rss_caps_checks_queues_and_table(void)
{
	struct hn_ndis_rss_caps c = {
		.hdr = { .type = HN_NDIS_OBJTYPE_RSS_CAPS,
			 .rev = HN_NDIS_RSS_CAPS_REV_2,
			 .size = HN_NDIS_RSS_CAPS_SIZE },
		.caps = HN_NDIS_RSS_CAP_TCP4, .nrxr = 8, .nind = 128,
	};
	uint32_t nq, caps;
	uint8_t *p;

	p = exact(&c, sizeof(c));
	HVT_CHECK(hn_check_rss_caps(p, sizeof(c), &nq, &caps) == 0 && nq == 8);
	free(p);
	c.nind = 4;	/* the table bounds the usable queues */
	p = exact(&c, sizeof(c));
	HVT_CHECK(hn_check_rss_caps(p, sizeof(c), &nq, &caps) == 0 && nq == 4);
	free(p);
	c.nind = 129;
	p = exact(&c, sizeof(c));
	HVT_CHECK(hn_check_rss_caps(p, sizeof(c), &nq, &caps) != 0);
	free(p);
	c.nind = 96;	/* not a power of two */
	p = exact(&c, sizeof(c));
	HVT_CHECK(hn_check_rss_caps(p, sizeof(c), &nq, &caps) != 0);
	free(p);
	c.nind = 128;
	c.nrxr = 0;
	p = exact(&c, sizeof(c));
	HVT_CHECK(hn_check_rss_caps(p, sizeof(c), &nq, &caps) != 0);
	free(p);
	/* Revision 1: 16 bytes, no table size to read. */
	c.nrxr = 2;
	c.hdr.rev = HN_NDIS_RSS_CAPS_REV_1;
	c.hdr.size = HN_NDIS_RSS_CAPS_SIZE_6_0;
	p = exact(&c, HN_NDIS_RSS_CAPS_SIZE_6_0);
	HVT_CHECK(hn_check_rss_caps(p, HN_NDIS_RSS_CAPS_SIZE_6_0, &nq,
				&caps) == 0 && nq == 2);
	free(p);
	c.hdr.size = 64;	/* claims more than was received */
	p = exact(&c, sizeof(c));
	HVT_CHECK(hn_check_rss_caps(p, sizeof(c), &nq, &caps) != 0);
	free(p);
	return 0;
}

static int
offload_caps_checks_header(void)
{
	struct hn_ndis_offload o;
	struct hn_offload_caps caps;
	uint8_t *p;

	memset(&o, 0, sizeof(o));
	o.hdr.type = HN_NDIS_OBJTYPE_OFFLOAD;
	o.hdr.rev = 1;
	o.hdr.size = sizeof(o);
	o.ip4_tx_encap = HN_NDIS_ENCAP_8023;
	o.ip4_tx_flags = HN_NDIS_TXCSUM_CAP_IP4 | HN_NDIS_TXCSUM_CAP_TCP;
	o.lsov2_ip4_encap = HN_NDIS_ENCAP_8023;
	o.lsov2_ip4_maxsz = 62780;
	p = exact(&o, sizeof(o));
	HVT_CHECK(hn_check_offload_caps(p, sizeof(o), &caps) == 0);
	HVT_CHECK(caps.ip4_csum && caps.tcp4_csum && !caps.udp4_csum);
	HVT_CHECK(caps.lso4 && !caps.lso6 && caps.lso_maxsz == 62780);
	free(p);
	o.hdr.type = 0x80;
	p = exact(&o, sizeof(o));
	HVT_CHECK(hn_check_offload_caps(p, sizeof(o), &caps) != 0);
	free(p);
	o.hdr.type = HN_NDIS_OBJTYPE_OFFLOAD;
	p = exact(&o, sizeof(o) - 1);
	HVT_CHECK(hn_check_offload_caps(p, sizeof(o) - 1, &caps) != 0);
	free(p);
	o.hdr.size = 200;
	p = exact(&o, sizeof(o));
	HVT_CHECK(hn_check_offload_caps(p, sizeof(o), &caps) != 0);
	free(p);
	return 0;
}

/* Devargs */

static int
devargs_defaults_and_values(void)
{
	struct hn_devargs a;

	HVT_CHECK(hn_parse_devargs(NULL, &a) == 0);
	HVT_CHECK(a.latency_us == HN_LATENCY_US_DEFAULT);
	HVT_CHECK(a.rx_copybreak == HN_RX_COPYBREAK_DEFAULT);
	HVT_CHECK(a.tx_copybreak == HN_TX_COPYBREAK_DEFAULT);
	HVT_CHECK(!a.rx_extmbuf);
	HVT_CHECK(hn_parse_devargs("", &a) == 0);
	HVT_CHECK(hn_parse_devargs("latency=0,rx_copybreak=128,tx_copybreak=1024,rx_extmbuf_enable=1",
			       &a) == 0);
	HVT_CHECK(a.latency_us == 0 && a.rx_copybreak == 128 &&
		  a.tx_copybreak == 1024 && a.rx_extmbuf);
	/* The bus's key, which the bus checks: accepted, nothing set. */
	HVT_CHECK(hn_parse_devargs("numa_aware=1,latency=20", &a) == 0);
	HVT_CHECK(a.latency_us == 20);
	return 0;
}

static int
devargs_rejects_bad_input(void)
{
	struct hn_devargs a = { .latency_us = 77 };

	HVT_CHECK(hn_parse_devargs("bogus=1", &a) != 0);
	HVT_CHECK(hn_parse_devargs("latency=abc", &a) != 0);
	HVT_CHECK(hn_parse_devargs("latency=-1", &a) != 0);
	HVT_CHECK(hn_parse_devargs("latency=12x", &a) != 0);
	HVT_CHECK(hn_parse_devargs("latency=", &a) != 0);
	HVT_CHECK(hn_parse_devargs("latency=6501", &a) != 0);
	HVT_CHECK(hn_parse_devargs("latency=99999999999999999999", &a) != 0);
	HVT_CHECK(hn_parse_devargs("tx_copybreak=16385", &a) != 0);
	HVT_CHECK(hn_parse_devargs("rx_extmbuf_enable=2", &a) != 0);
	/* A failed parse leaves the caller's settings alone. */
	HVT_CHECK(a.latency_us == 77);
	return 0;
}

/*
 * Random corruption of valid messages fed to every parser. The verdict is
 * free; what must not happen is a read outside the message (ASan) or
 * arithmetic overflow (UBSan), and an accepted message must be in bounds.
 */
static uint32_t fuzz_state = 0x2545f491;

static uint32_t
fuzz_rand(void)
{
	fuzz_state ^= fuzz_state << 13;
	fuzz_state ^= fuzz_state >> 17;
	fuzz_state ^= fuzz_state << 5;
	return fuzz_state;
}

static void
fuzz_mutate(uint8_t *p, size_t len)
{
	unsigned int n = 1 + fuzz_rand() % 4, i;
	size_t at;

	for (i = 0; i < n; i++) {
		at = fuzz_rand() % len;
		switch (fuzz_rand() % 4) {
		case 0:
			p[at] = fuzz_rand();
			break;
		case 1:
			p[at] ^= 1 << (fuzz_rand() % 8);
			break;
		case 2:
			p[at] = 0xff;
			break;
		default:
			p[at] = 0;
			break;
		}
	}
}

static int
fuzz_parsers_stay_in_bounds(void)
{
	struct rndis_data d;
	struct xfer_msg x;
	struct hn_rx_info ri;
	struct hn_xfer xf;
	uint8_t buf[sizeof(d)], *p;
	uint32_t len, type, rid, mlen, off, ilen, i;
	unsigned int iter;

	for (iter = 0; iter < 200000; iter++) {
		rndis_build(&d);
		memcpy(buf, &d, sizeof(d));
		fuzz_mutate(buf, sizeof(buf));
		len = sizeof(buf) - fuzz_rand() % 16;
		p = exact(buf, len);
		if (hn_rndis_parse_pkt(p, len, &ri) == 0)
			HVT_CHECK(ri.data_off + ri.data_len <= len);
		if (hn_rndis_check_comp(p, len, &type, &rid, &mlen) == 0)
			HVT_CHECK(mlen <= len);
		if (hn_rndis_check_query(p, len, &off, &ilen) == 0)
			HVT_CHECK(off + ilen <= len);
		free(p);

		xfer_build(&x, fuzz_rand() % (SLOTS + 2));
		memcpy(buf, &x, sizeof(x));
		fuzz_mutate(buf, sizeof(x));
		len = sizeof(x) - fuzz_rand() % 8;
		p = exact(buf, len);
		if (hn_check_xfer(p, len, SLOTS, &xf) == 0) {
			HVT_CHECK(xf.xact < SLOTS);
			for (i = 0; i < xf.nranges; i++)
				HVT_CHECK((const uint8_t *)&xf.ranges[i + 1] <= p + len);
		}
		free(p);
	}
	return 0;
}

/* Issue 12 findings: host input beyond what the PMD asked for. */

static int
nvs_comp_copy_bounded_by_buffer(void)
{
	/* hv-host and Hyper-V pad NVSP replies to 40 bytes. */
	uint8_t src[40], *dst = malloc(16);
	uint32_t n = 0;

	if (dst == NULL)
		abort();
	memset(src, 0xab, sizeof(src));
	HVT_CHECK(hn_nvs_take_comp(dst, 16, src, sizeof(src), 4, &n) == 0);
	HVT_CHECK(n == 16);
	HVT_CHECK(dst[15] == 0xab);
	HVT_CHECK(hn_nvs_take_comp(dst, 16, src, 8, 4, &n) == 0 && n == 8);
	HVT_CHECK(hn_nvs_take_comp(dst, 16, src, 3, 4, &n) != 0);
	free(dst);
	return 0;
}

static int
nvs_chim_refuses_section_below_one_packet(void)
{
	/* RNDIS header 44 + 3 PPI of 16 + a 64-byte frame = 156. */
	uint32_t sz, cnt;

	HVT_CHECK(chim_check(64, 0, 16 << 20, &sz, &cnt) != 0);
	HVT_CHECK(chim_check(152, 0, 16 << 20, &sz, &cnt) != 0);
	HVT_CHECK(chim_check(156, 0, 16 << 20, &sz, &cnt) == 0 && sz == 156);
	return 0;
}

static int
rndis_init_refuses_max_transfer_below_one_packet(void)
{
	struct hn_rndis_init_comp c = {
		.type = HN_RNDIS_INIT_CMPLT, .len = sizeof(c),
		.status = HN_RNDIS_STATUS_SUCCESS,
		.max_pkts = 8, .align_shift = 3,
	};
	uint32_t pkts, xfer, align;

	c.max_xfer = 16;
	HVT_CHECK(hn_rndis_check_init((uint8_t *)&c, sizeof(c), &pkts, &xfer,
				      &align) != 0);
	c.max_xfer = 155;
	HVT_CHECK(hn_rndis_check_init((uint8_t *)&c, sizeof(c), &pkts, &xfer,
				      &align) != 0);
	c.max_xfer = 156;
	HVT_CHECK(hn_rndis_check_init((uint8_t *)&c, sizeof(c), &pkts, &xfer,
				      &align) == 0 && xfer == 156);
	return 0;
}

/*
 * A data packet of BYTES bytes of frame after its header that says the
 * frame is DATA_LEN bytes long: the parser's verdict.
 */
static int
frame_parse(uint32_t bytes, uint32_t data_len)
{
	struct hn_rndis_pkt_msg h;
	uint32_t len = sizeof(h) + bytes;
	struct hn_rx_info ri;
	uint8_t *p = calloc(1, len);
	int ret;

	if (p == NULL)
		abort();
	memset(&h, 0, sizeof(h));
	h.type = HN_RNDIS_PACKET_MSG;
	h.len = len;
	h.data_off = HN_RNDIS_PKT_OFS_MIN;
	h.data_len = data_len;
	memcpy(p, &h, sizeof(h));
	ret = hn_rndis_parse_pkt(p, len, &ri);
	free(p);
	return ret;
}

static int
rndis_pkt_refuses_frame_over_max_rx_len(void)
{
	/* 9216 (max_rx_pktlen) and a tag: 9220 passes, 9221 does not. */
	HVT_CHECK(frame_parse(9220, 9220) == 0);
	HVT_CHECK(frame_parse(9221, 9221) != 0);
	/* The largest a u32 allows, as a hostile host would send. */
	HVT_CHECK(frame_parse(64, 0x100000) != 0);
	return 0;
}

static int
vf_mac_match_refuses_zero_and_group(void)
{
	struct rte_ether_addr ours = {{ 0x00, 0x15, 0x5d, 0x01, 0x02, 0x03 }};
	struct rte_ether_addr other = {{ 0x00, 0x15, 0x5d, 0x01, 0x02, 0x04 }};
	struct rte_ether_addr zero = {{ 0 }};
	struct rte_ether_addr mcast = {{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 }};
	struct rte_ether_addr bcast = {{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }};

	HVT_CHECK(hn_vf_mac_match(&ours, &ours));
	HVT_CHECK(!hn_vf_mac_match(&ours, &other));
	HVT_CHECK(!hn_vf_mac_match(&zero, &zero));
	HVT_CHECK(!hn_vf_mac_match(&mcast, &mcast));
	HVT_CHECK(!hn_vf_mac_match(&bcast, &bcast));
	return 0;
}

static int
devargs_ctrl_timeout(void)
{
	struct hn_devargs a;

	HVT_CHECK(hn_parse_devargs(NULL, &a) == 0);
	HVT_CHECK(a.ctrl_timeout_ms == 60000);
	HVT_CHECK(hn_parse_devargs("ctrl_timeout_ms=15000", &a) == 0);
	HVT_CHECK(a.ctrl_timeout_ms == 15000);
	HVT_CHECK(hn_parse_devargs("ctrl_timeout_ms=99", &a) != 0);
	HVT_CHECK(hn_parse_devargs("ctrl_timeout_ms=3600001", &a) != 0);
	HVT_CHECK(hn_parse_devargs("ctrl_timeout_ms=", &a) != 0);
	return 0;
}

/*
 * Attached-frame slots: two threads (two queues' readers, a host naming
 * one transfer id on both channels at once) take the same slot from idle
 * over and over; while one holds it, the other must never get it. A
 * holder keeps it a little while, as a reader attaching frames does.
 * The race needs both threads on a CPU at once: run long enough that a
 * loaded machine gives them that (a read then a store loses within a
 * few milliseconds of it).
 */
#define SLOT_RACE_NS 1000000000ull

struct slot_race {
	uint16_t refcnt;
	uint32_t holders;
	uint32_t both;		/* times a taker found another holder */
	uint64_t takes;
	uint64_t end_ns;
};

static uint64_t
slot_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void *
slot_racer(void *arg)
{
	struct slot_race *r = arg;
	uint64_t takes = 0;
	unsigned int i;

	while (slot_now_ns() < r->end_ns) {
		for (i = 0; i < 4096; i++) {
			if (!hn_rx_slot_take(&r->refcnt))
				continue;
			takes++;
			if (__atomic_fetch_add(&r->holders, 1,
					       __ATOMIC_ACQ_REL) != 0)
				__atomic_fetch_add(&r->both, 1,
						   __ATOMIC_RELAXED);
			for (volatile int k = 0; k < 16; k++)
				;
			__atomic_fetch_sub(&r->holders, 1, __ATOMIC_ACQ_REL);
			/* The last attached mbuf freed: idle again. */
			__atomic_store_n(&r->refcnt, 0, __ATOMIC_RELEASE);
		}
	}
	__atomic_fetch_add(&r->takes, takes, __ATOMIC_RELAXED);
	return NULL;
}

static int
rx_slot_taken_by_one_reader(void)
{
	struct slot_race r = { .end_ns = slot_now_ns() + SLOT_RACE_NS };
	pthread_t t[2];
	uint16_t held = 1;

	/* Taken from idle only. */
	HVT_CHECK(!hn_rx_slot_take(&held));
	HVT_CHECK(held == 1);
	HVT_ASSERT(pthread_create(&t[0], NULL, slot_racer, &r) == 0);
	HVT_ASSERT(pthread_create(&t[1], NULL, slot_racer, &r) == 0);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	HVT_CHECK(r.takes > 0);
	HVT_CHECK(r.both == 0, "%u of %" PRIu64 " takes found the slot held",
		  r.both, r.takes);
	return 0;
}

static const struct hvt_test tests[] = {
	{ "xfer_accepts_valid", xfer_accepts_valid },
	{ "xfer_rejects_bad_header", xfer_rejects_bad_header },
	{ "xfer_rejects_tid_equal_section_count",
	  xfer_rejects_tid_equal_section_count },
	{ "range_rejects_outside_buffer", range_rejects_outside_buffer },
	{ "rndis_pkt_accepts_valid_with_ppi", rndis_pkt_accepts_valid_with_ppi },
	{ "rndis_pkt_rejects_bad_offsets", rndis_pkt_rejects_bad_offsets },
	{ "rndis_ppi_rejects_malformed_elements",
	  rndis_ppi_rejects_malformed_elements },
	{ "rndis_comp_checks_type_and_length",
	  rndis_comp_checks_type_and_length },
	{ "rndis_query_checks_info_bounds", rndis_query_checks_info_bounds },
	{ "rndis_init_checks_limits", rndis_init_checks_limits },
	{ "rndis_status_checks_speed_buffer",
	  rndis_status_checks_speed_buffer },
	{ "nvs_rxbuf_checks_section", nvs_rxbuf_checks_section },
	{ "nvs_chim_checks_section_size", nvs_chim_checks_section_size },
	{ "nvs_subch_rejects_more_than_requested",
	  nvs_subch_rejects_more_than_requested },
	{ "nvs_txtbl_checks_count_and_offset",
	  nvs_txtbl_checks_count_and_offset },
	{ "rss_caps_checks_queues_and_table", rss_caps_checks_queues_and_table },
	{ "offload_caps_checks_header", offload_caps_checks_header },
	{ "devargs_defaults_and_values", devargs_defaults_and_values },
	{ "devargs_rejects_bad_input", devargs_rejects_bad_input },
	{ "fuzz_parsers_stay_in_bounds", fuzz_parsers_stay_in_bounds },
	{ "nvs_comp_copy_bounded_by_buffer", nvs_comp_copy_bounded_by_buffer },
	{ "nvs_chim_refuses_section_below_one_packet",
	  nvs_chim_refuses_section_below_one_packet },
	{ "rndis_init_refuses_max_transfer_below_one_packet",
	  rndis_init_refuses_max_transfer_below_one_packet },
	{ "rndis_pkt_refuses_frame_over_max_rx_len",
	  rndis_pkt_refuses_frame_over_max_rx_len },
	{ "vf_mac_match_refuses_zero_and_group",
	  vf_mac_match_refuses_zero_and_group },
	{ "devargs_ctrl_timeout", devargs_ctrl_timeout },
	{ "rx_slot_taken_by_one_reader", rx_slot_taken_by_one_reader },
};

int
main(int argc, char **argv)
{
	struct hvt_run r;

	rte_log_set_global_level(RTE_LOG_ERR);
	hvt_start(&r, argc, argv);
	hvt_table(&r, NULL, tests, HVT_DIM(tests));
	return hvt_end(&r);
}
