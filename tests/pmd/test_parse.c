/* SPDX-License-Identifier: BSD-3-Clause */

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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_log.h>

#include "hn_parse.h"

RTE_LOG_REGISTER(hn_logtype_init, test.netvsc.init, ERR);
RTE_LOG_REGISTER(hn_logtype_driver, test.netvsc.driver, ERR);

static int failures;

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: check failed: %s\n", __func__, \
			__LINE__, #cond); \
		failures++; \
	} \
} while (0)

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

static void
xfer_build(struct xfer_msg *m, uint64_t xact)
{
	memset(m, 0, sizeof(*m));
	m->h.hdr.type = VMBUS_CHANPKT_TYPE_RXBUF;
	m->h.hdr.hlen = (sizeof(m->h) + sizeof(m->r)) / 8;
	m->h.hdr.tlen = (sizeof(m->h) + sizeof(m->r) + 16) / 8;
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

static void
xfer_accepts_valid(void)
{
	struct xfer_msg m;
	struct hn_xfer x;

	xfer_build(&m, 7);
	CHECK(xfer_check(&m, m.h.hdr.tlen * 8, &x) == 0);
	CHECK(x.nranges == 2);
	CHECK(x.xact == 7);
}

static void
xfer_rejects_bad_header(void)
{
	struct xfer_msg m;
	struct hn_xfer x;

	/* Header too short for the transfer-page fields. */
	xfer_build(&m, 1);
	m.h.hdr.hlen = 2;
	CHECK(xfer_check(&m, sizeof(m), &x) != 0);
	/* More ranges than the header holds. */
	xfer_build(&m, 1);
	m.h.rxbuf_cnt = 3;
	CHECK(xfer_check(&m, sizeof(m), &x) != 0);
	xfer_build(&m, 1);
	m.h.rxbuf_cnt = UINT32_MAX;
	CHECK(xfer_check(&m, sizeof(m), &x) != 0);
	/* Not our receive buffer. */
	xfer_build(&m, 1);
	m.h.rxbuf_id = 0xbeef;
	CHECK(xfer_check(&m, sizeof(m), &x) != 0);
	/* Not an RNDIS packet. */
	xfer_build(&m, 1);
	m.nvs.type = HN_NVS_TYPE_SEND_RNDIS_PKT_COMPLETE;
	CHECK(xfer_check(&m, sizeof(m), &x) != 0);
	/* No room for the NVSP message after the header. */
	xfer_build(&m, 1);
	m.h.hdr.tlen = m.h.hdr.hlen + 1;
	CHECK(xfer_check(&m, m.h.hdr.tlen * 8, &x) != 0);
	/* Total length beyond what was read from the ring. */
	xfer_build(&m, 1);
	m.h.hdr.tlen = 200;
	CHECK(xfer_check(&m, sizeof(m), &x) != 0);
	/* Header length beyond the total length. */
	xfer_build(&m, 1);
	m.h.hdr.hlen = m.h.hdr.tlen + 1;
	CHECK(xfer_check(&m, sizeof(m), &x) != 0);
	/* Shorter than a descriptor. */
	xfer_build(&m, 1);
	CHECK(xfer_check(&m, 15, &x) != 0);
}

static void
xfer_rejects_tid_equal_section_count(void)
{
	struct xfer_msg m;
	struct hn_xfer x;

	xfer_build(&m, SLOTS - 1);
	CHECK(xfer_check(&m, sizeof(m), &x) == 0);
	xfer_build(&m, SLOTS);
	CHECK(xfer_check(&m, sizeof(m), &x) != 0);
	/* The id is still reported so the packet can be completed. */
	CHECK(x.xact == SLOTS);
	xfer_build(&m, UINT64_MAX);
	CHECK(xfer_check(&m, sizeof(m), &x) != 0);
}

static void
range_rejects_outside_buffer(void)
{
	const uint32_t size = 65536;
	struct vmbus_rxbuf_desc r;
	uint32_t ofs, len;

	r.ofs = 0;
	r.len = size;
	CHECK(hn_check_range(&r, size, &ofs, &len) == 0);
	CHECK(ofs == 0 && len == size);
	r.ofs = 1;
	CHECK(hn_check_range(&r, size, &ofs, &len) != 0);
	/* ofs + len wraps to a small number in 32 bits. */
	r.ofs = 0xfffffff0u;
	r.len = 0x20;
	CHECK(hn_check_range(&r, size, &ofs, &len) != 0);
	r.ofs = 100;
	r.len = 0xffffffffu;
	CHECK(hn_check_range(&r, size, &ofs, &len) != 0);
	r.ofs = size + 1;
	r.len = 1;
	CHECK(hn_check_range(&r, size, &ofs, &len) != 0);
	r.ofs = 10;
	r.len = 0;
	CHECK(hn_check_range(&r, size, &ofs, &len) != 0);
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

static void
rndis_pkt_accepts_valid_with_ppi(void)
{
	struct rndis_data d;
	struct hn_rx_info ri;

	rndis_build(&d);
	CHECK(rndis_parse(&d, sizeof(d), &ri) == 0);
	CHECK(ri.data_off == offsetof(struct rndis_data, frame));
	CHECK(ri.data_len == sizeof(d.frame));
	CHECK(ri.present == (HN_RXINFO_VLAN | HN_RXINFO_CSUM |
			     HN_RXINFO_HASHVAL));
	CHECK(ri.vlan == ((100 << HN_VLAN_VID_SHIFT) | 3));
	CHECK(ri.csum == (HN_RXCSUM_IP_OK | HN_RXCSUM_TCP_OK));
	CHECK(ri.hash_value == 0x12345678);
	/* No per-packet info at all. */
	rndis_build(&d);
	d.pkt.ppi_len = 0;
	d.pkt.ppi_off = 0;
	CHECK(rndis_parse(&d, sizeof(d), &ri) == 0 && ri.present == 0);
	/* msg_length shorter than the range it sits in is fine. */
	rndis_build(&d);
	CHECK(rndis_parse(&d, sizeof(d), &ri) == 0);
}

static void
rndis_pkt_rejects_bad_offsets(void)
{
	struct rndis_data d;
	struct hn_rx_info ri;

	rndis_build(&d);
	CHECK(rndis_parse(&d, sizeof(d) - 1, &ri) != 0); /* msg_len > range */
	rndis_build(&d);
	d.pkt.len = 20;
	CHECK(rndis_parse(&d, sizeof(d), &ri) != 0);
	rndis_build(&d);
	d.pkt.data_off = 8;	/* inside the header */
	CHECK(rndis_parse(&d, sizeof(d), &ri) != 0);
	rndis_build(&d);
	d.pkt.data_len += 1;	/* one byte past the message */
	CHECK(rndis_parse(&d, sizeof(d), &ri) != 0);
	rndis_build(&d);
	d.pkt.data_off = 0xfffffff0u;	/* offset + length wraps */
	d.pkt.data_len = 0x100;
	CHECK(rndis_parse(&d, sizeof(d), &ri) != 0);
	rndis_build(&d);
	d.pkt.data_len = 13;	/* shorter than an Ethernet header */
	CHECK(rndis_parse(&d, sizeof(d), &ri) != 0);
	rndis_build(&d);
	d.pkt.ppi_len = sizeof(d) + 1;
	CHECK(rndis_parse(&d, sizeof(d), &ri) != 0);
	rndis_build(&d);
	d.pkt.ppi_off = 4;
	CHECK(rndis_parse(&d, sizeof(d), &ri) != 0);
	/* Shorter than the packet header. */
	rndis_build(&d);
	CHECK(rndis_parse(&d, 43, &ri) != 0);
}

static void
rndis_ppi_rejects_malformed_elements(void)
{
	struct rndis_data d;
	struct hn_rx_info ri;

	/* A zero size would loop forever if accepted. */
	rndis_build(&d);
	d.ppi[1].h.size = 0;
	CHECK(rndis_parse(&d, sizeof(d), &ri) != 0);
	rndis_build(&d);
	d.ppi[2].h.size = 32;	/* beyond the chain */
	CHECK(rndis_parse(&d, sizeof(d), &ri) != 0);
	rndis_build(&d);
	d.ppi[0].h.size = 15;	/* not a 4-byte multiple */
	CHECK(rndis_parse(&d, sizeof(d), &ri) != 0);
	rndis_build(&d);
	d.ppi[0].h.off = 17;	/* payload offset past the element */
	CHECK(rndis_parse(&d, sizeof(d), &ri) != 0);
	rndis_build(&d);
	d.ppi[0].h.off = 14;	/* payload of 2 bytes for a u32 */
	CHECK(rndis_parse(&d, sizeof(d), &ri) != 0);
	rndis_build(&d);
	d.ppi[0].h.off = 4;	/* payload inside the element header */
	CHECK(rndis_parse(&d, sizeof(d), &ri) != 0);
	/* An unknown type is skipped, not an error. */
	rndis_build(&d);
	d.ppi[0].h.type = 77;
	CHECK(rndis_parse(&d, sizeof(d), &ri) == 0);
	CHECK(!(ri.present & HN_RXINFO_VLAN));
}

/* RNDIS control completions */

static void
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
	CHECK(hn_rndis_check_comp(p, sizeof(buf), &type, &rid, &mlen) == 0);
	CHECK(type == HN_RNDIS_QUERY_CMPLT && rid == 9 && mlen == 30);
	/* msg_length beyond the range */
	CHECK(hn_rndis_check_comp(p, 29, &type, &rid, &mlen) != 0);
	free(p);
	q.len = 20;	/* shorter than a query completion */
	memcpy(buf, &q, sizeof(q));
	p = exact(buf, sizeof(buf));
	CHECK(hn_rndis_check_comp(p, sizeof(buf), &type, &rid, &mlen) != 0);
	free(p);
	q.len = 30;
	q.type = HN_RNDIS_QUERY_MSG;	/* a request, not a completion */
	memcpy(buf, &q, sizeof(q));
	p = exact(buf, sizeof(buf));
	CHECK(hn_rndis_check_comp(p, sizeof(buf), &type, &rid, &mlen) != 0);
	free(p);
	p = exact(buf, 8);
	CHECK(hn_rndis_check_comp(p, 8, &type, &rid, &mlen) != 0);
	free(p);
}

static void
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
	CHECK(hn_rndis_check_query(buf, sizeof(buf), &off, &len) == 0);
	CHECK(off == 24 && len == 6);
	q.info_len = 7;
	memcpy(buf, &q, sizeof(q));
	CHECK(hn_rndis_check_query(buf, sizeof(buf), &off, &len) != 0);
	q.info_len = 6;
	q.info_off = 8;	/* points into the completion header */
	memcpy(buf, &q, sizeof(q));
	CHECK(hn_rndis_check_query(buf, sizeof(buf), &off, &len) != 0);
	q.info_off = UINT32_MAX - 2;	/* + 8 wraps */
	memcpy(buf, &q, sizeof(q));
	CHECK(hn_rndis_check_query(buf, sizeof(buf), &off, &len) != 0);
	q.info_off = 16;
	q.info_len = UINT32_MAX;
	memcpy(buf, &q, sizeof(q));
	CHECK(hn_rndis_check_query(buf, sizeof(buf), &off, &len) != 0);
	q.info_len = 6;
	q.status = 0xc0000001;
	memcpy(buf, &q, sizeof(q));
	CHECK(hn_rndis_check_query(buf, sizeof(buf), &off, &len) == -EIO);
}

static void
rndis_init_checks_limits(void)
{
	struct hn_rndis_init_comp c = {
		.type = HN_RNDIS_INIT_CMPLT, .len = sizeof(c), .rid = 1,
		.max_pkts = 8, .max_xfer = 0xefffffff, .align_shift = 3,
	};
	uint32_t pkts, xfer, align;

	CHECK(hn_rndis_check_init((uint8_t *)&c, sizeof(c), &pkts, &xfer,
				  &align) == 0);
	CHECK(pkts == 8 && xfer == 0xefffffff && align == 8);
	c.align_shift = 0;	/* raised to 4 bytes */
	CHECK(hn_rndis_check_init((uint8_t *)&c, sizeof(c), &pkts, &xfer,
				  &align) == 0 && align == 4);
	c.align_shift = 31;
	CHECK(hn_rndis_check_init((uint8_t *)&c, sizeof(c), &pkts, &xfer,
				  &align) != 0);
	c.align_shift = 3;
	c.max_pkts = 0;
	CHECK(hn_rndis_check_init((uint8_t *)&c, sizeof(c), &pkts, &xfer,
				  &align) != 0);
	c.max_pkts = 8;
	c.status = 0xc0000001;
	CHECK(hn_rndis_check_init((uint8_t *)&c, sizeof(c), &pkts, &xfer,
				  &align) != 0);
	c.status = 0;
	CHECK(hn_rndis_check_init((uint8_t *)&c, sizeof(c) - 1, &pkts, &xfer,
				  &align) != 0);
}

static void
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
	CHECK(hn_rndis_check_status(p, sizeof(m), &status, &speed, &has) == 0);
	CHECK(has && speed == 100000 && status == m.s.status);
	free(p);
	m.s.buf_off = 13;	/* one byte past the message */
	p = exact(&m, sizeof(m));
	CHECK(hn_rndis_check_status(p, sizeof(m), &status, &speed, &has) != 0);
	free(p);
	m.s.buf_off = 12;
	m.s.buf_len = 2;
	p = exact(&m, sizeof(m));
	CHECK(hn_rndis_check_status(p, sizeof(m), &status, &speed, &has) != 0);
	free(p);
	m.s.buf_len = 4;
	m.s.len = sizeof(m) + 4;	/* longer than the range */
	p = exact(&m, sizeof(m));
	CHECK(hn_rndis_check_status(p, sizeof(m), &status, &speed, &has) != 0);
	free(p);
	/* Connect carries no buffer: nothing is read past the header. */
	m.s.len = sizeof(m.s);
	m.s.status = HN_RNDIS_ST_MEDIA_CONNECT;
	p = exact(&m, sizeof(m.s));
	CHECK(hn_rndis_check_status(p, sizeof(m.s), &status, &speed,
				    &has) == 0 && !has);
	free(p);
}

/* NVSP completions */

static void
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

	CHECK(hn_nvs_check_rxbuf((uint8_t *)&c, sizeof(c), 172800, &slots) == 0);
	CHECK(slots == 100);
	CHECK(hn_nvs_check_rxbuf((uint8_t *)&c, sizeof(c), 172799, &slots) != 0);
	CHECK(hn_nvs_check_rxbuf((uint8_t *)&c, sizeof(c) - 1, 172800,
				 &slots) != 0);
	c.nsect = 2;
	CHECK(hn_nvs_check_rxbuf((uint8_t *)&c, sizeof(c), 172800, &slots) != 0);
	c.nsect = 1;
	/* size * count overflows 32 bits. */
	c.sect[0].slotsz = 0x10000;
	c.sect[0].slotcnt = 0x10001;
	CHECK(hn_nvs_check_rxbuf((uint8_t *)&c, sizeof(c), UINT32_MAX,
				 &slots) != 0);
	c.sect[0].slotsz = 10;	/* below a minimum frame */
	c.sect[0].slotcnt = 10;
	CHECK(hn_nvs_check_rxbuf((uint8_t *)&c, sizeof(c), 172800, &slots) != 0);
	c.sect[0].slotsz = 1728;
	c.sect[0].start = 64;
	CHECK(hn_nvs_check_rxbuf((uint8_t *)&c, sizeof(c), 172800, &slots) != 0);
	c.sect[0].start = 0;
	c.status = HN_NVS_STATUS_FAILURE;
	CHECK(hn_nvs_check_rxbuf((uint8_t *)&c, sizeof(c), 172800, &slots) != 0);
}

static void
nvs_chim_checks_section_size(void)
{
	struct hn_nvs_chim_comp c = {
		.type = HN_NVS_TYPE_SEND_SEND_BUF_COMPLETE,
		.status = HN_NVS_STATUS_SUCCESS,
		.sectsz = 6144,
	};
	uint32_t sz, cnt;

	CHECK(hn_nvs_check_chim((uint8_t *)&c, sizeof(c), 16 << 20, &sz,
				&cnt) == 0);
	CHECK(sz == 6144 && cnt == (16u << 20) / 6144);
	c.sectsz = 0;
	CHECK(hn_nvs_check_chim((uint8_t *)&c, sizeof(c), 16 << 20, &sz,
				&cnt) != 0);
	c.sectsz = 6146;
	CHECK(hn_nvs_check_chim((uint8_t *)&c, sizeof(c), 16 << 20, &sz,
				&cnt) != 0);
	c.sectsz = 8192;
	CHECK(hn_nvs_check_chim((uint8_t *)&c, sizeof(c), 4096, &sz,
				&cnt) != 0);
	c.sectsz = 6144;
	CHECK(hn_nvs_check_chim((uint8_t *)&c, sizeof(c) - 1, 16 << 20, &sz,
				&cnt) != 0);
}

static void
nvs_subch_rejects_more_than_requested(void)
{
	struct hn_nvs_subch_comp c = {
		.type = HN_NVS_TYPE_SUBCHANNEL, .status = HN_NVS_STATUS_SUCCESS,
		.nsubch = 3,
	};
	uint32_t granted;

	CHECK(hn_nvs_check_subch((uint8_t *)&c, sizeof(c), 3, &granted) == 0);
	CHECK(granted == 3);
	CHECK(hn_nvs_check_subch((uint8_t *)&c, sizeof(c), 2, &granted) != 0);
	c.status = HN_NVS_STATUS_FAILURE;
	CHECK(hn_nvs_check_subch((uint8_t *)&c, sizeof(c), 3, &granted) != 0);
	c.status = HN_NVS_STATUS_SUCCESS;
	CHECK(hn_nvs_check_subch((uint8_t *)&c, 8, 3, &granted) != 0);
}

static void
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
	CHECK(hn_nvs_check_txtbl(p, sizeof(m), out) == 0);
	CHECK(out[4] == 1 && out[15] == 0);
	free(p);
	m.t.offset = sizeof(m.t) + 4;	/* table would end past the message */
	p = exact(&m, sizeof(m));
	CHECK(hn_nvs_check_txtbl(p, sizeof(m), out) != 0);
	free(p);
	m.t.offset = UINT32_MAX;
	p = exact(&m, sizeof(m));
	CHECK(hn_nvs_check_txtbl(p, sizeof(m), out) != 0);
	free(p);
	m.t.offset = sizeof(m.t);
	m.t.count = 17;
	p = exact(&m, sizeof(m));
	CHECK(hn_nvs_check_txtbl(p, sizeof(m), out) != 0);
	free(p);
}

/* NDIS OID payloads */

static void
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
	CHECK(hn_check_rss_caps(p, sizeof(c), &nq, &caps) == 0 && nq == 8);
	free(p);
	c.nind = 4;	/* the table bounds the usable queues */
	p = exact(&c, sizeof(c));
	CHECK(hn_check_rss_caps(p, sizeof(c), &nq, &caps) == 0 && nq == 4);
	free(p);
	c.nind = 129;
	p = exact(&c, sizeof(c));
	CHECK(hn_check_rss_caps(p, sizeof(c), &nq, &caps) != 0);
	free(p);
	c.nind = 96;	/* not a power of two */
	p = exact(&c, sizeof(c));
	CHECK(hn_check_rss_caps(p, sizeof(c), &nq, &caps) != 0);
	free(p);
	c.nind = 128;
	c.nrxr = 0;
	p = exact(&c, sizeof(c));
	CHECK(hn_check_rss_caps(p, sizeof(c), &nq, &caps) != 0);
	free(p);
	/* Revision 1: 16 bytes, no table size to read. */
	c.nrxr = 2;
	c.hdr.rev = HN_NDIS_RSS_CAPS_REV_1;
	c.hdr.size = HN_NDIS_RSS_CAPS_SIZE_6_0;
	p = exact(&c, HN_NDIS_RSS_CAPS_SIZE_6_0);
	CHECK(hn_check_rss_caps(p, HN_NDIS_RSS_CAPS_SIZE_6_0, &nq,
				&caps) == 0 && nq == 2);
	free(p);
	c.hdr.size = 64;	/* claims more than was received */
	p = exact(&c, sizeof(c));
	CHECK(hn_check_rss_caps(p, sizeof(c), &nq, &caps) != 0);
	free(p);
}

static void
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
	CHECK(hn_check_offload_caps(p, sizeof(o), &caps) == 0);
	CHECK(caps.ip4_csum && caps.tcp4_csum && !caps.udp4_csum);
	CHECK(caps.lso4 && !caps.lso6 && caps.lso_maxsz == 62780);
	free(p);
	o.hdr.type = 0x80;
	p = exact(&o, sizeof(o));
	CHECK(hn_check_offload_caps(p, sizeof(o), &caps) != 0);
	free(p);
	o.hdr.type = HN_NDIS_OBJTYPE_OFFLOAD;
	p = exact(&o, sizeof(o) - 1);
	CHECK(hn_check_offload_caps(p, sizeof(o) - 1, &caps) != 0);
	free(p);
	o.hdr.size = 200;
	p = exact(&o, sizeof(o));
	CHECK(hn_check_offload_caps(p, sizeof(o), &caps) != 0);
	free(p);
}

/* Devargs */

static void
devargs_defaults_and_values(void)
{
	struct hn_devargs a;

	CHECK(hn_parse_devargs(NULL, &a) == 0);
	CHECK(a.latency_us == HN_LATENCY_US_DEFAULT);
	CHECK(a.rx_copybreak == HN_RX_COPYBREAK_DEFAULT);
	CHECK(a.tx_copybreak == HN_TX_COPYBREAK_DEFAULT);
	CHECK(!a.rx_extmbuf);
	CHECK(hn_parse_devargs("", &a) == 0);
	CHECK(hn_parse_devargs("latency=0,rx_copybreak=128,tx_copybreak=1024,rx_extmbuf_enable=1",
			       &a) == 0);
	CHECK(a.latency_us == 0 && a.rx_copybreak == 128 &&
	      a.tx_copybreak == 1024 && a.rx_extmbuf);
}

static void
devargs_rejects_bad_input(void)
{
	struct hn_devargs a = { .latency_us = 77 };

	CHECK(hn_parse_devargs("bogus=1", &a) != 0);
	CHECK(hn_parse_devargs("latency=abc", &a) != 0);
	CHECK(hn_parse_devargs("latency=-1", &a) != 0);
	CHECK(hn_parse_devargs("latency=12x", &a) != 0);
	CHECK(hn_parse_devargs("latency=", &a) != 0);
	CHECK(hn_parse_devargs("latency=6501", &a) != 0);
	CHECK(hn_parse_devargs("latency=99999999999999999999", &a) != 0);
	CHECK(hn_parse_devargs("tx_copybreak=16385", &a) != 0);
	CHECK(hn_parse_devargs("rx_extmbuf_enable=2", &a) != 0);
	/* A failed parse leaves the caller's settings alone. */
	CHECK(a.latency_us == 77);
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

static void
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
			CHECK(ri.data_off + ri.data_len <= len);
		if (hn_rndis_check_comp(p, len, &type, &rid, &mlen) == 0)
			CHECK(mlen <= len);
		if (hn_rndis_check_query(p, len, &off, &ilen) == 0)
			CHECK(off + ilen <= len);
		free(p);

		xfer_build(&x, fuzz_rand() % (SLOTS + 2));
		memcpy(buf, &x, sizeof(x));
		fuzz_mutate(buf, sizeof(x));
		len = sizeof(x) - fuzz_rand() % 8;
		p = exact(buf, len);
		if (hn_check_xfer(p, len, SLOTS, &xf) == 0) {
			CHECK(xf.xact < SLOTS);
			for (i = 0; i < xf.nranges; i++)
				CHECK((const uint8_t *)&xf.ranges[i + 1] <= p + len);
		}
		free(p);
	}
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
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
};

static int
run(const char *name)
{
	unsigned int i;
	int before;

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		if (name != NULL && strcmp(name, tests[i].name) != 0)
			continue;
		before = failures;
		tests[i].fn();
		printf("%s %s\n", failures == before ? "ok  " : "FAIL",
		       tests[i].name);
		if (name != NULL)
			return 0;
	}
	if (name != NULL) {
		fprintf(stderr, "no test named %s\n", name);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	int i;

	rte_log_set_global_level(RTE_LOG_ERR);
	if (argc < 2) {
		if (run(NULL) != 0)
			return 2;
	}
	for (i = 1; i < argc; i++)
		if (run(argv[i]) != 0)
			return 2;
	return failures == 0 ? 0 : 1;
}
