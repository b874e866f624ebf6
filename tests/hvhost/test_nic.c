/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Unit tests of hv-host: the validators of guest input (run under ASan and
 * UBSan too, where any overread fails them) and the NIC driven by an
 * in-process fake guest.  Usage: test-hvh TEST_NAME.
 */

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "hvh_check.h"
#include "hvh_fake_guest.h"
#include "hvh_log.h"
#include "hvh_nic_private.h"
#include "hvnet_test.h"

/* Copy into an exactly sized heap buffer so ASan sees any overread. */
static uint8_t *
exact(const void *p, size_t n)
{
	uint8_t *b = malloc(n ? n : 1);

	memcpy(b, p, n);
	return b;
}

static int
desc_rejects_bad_lengths(void)
{
	struct hvh_pkt_desc d = { .type = HVH_PKT_INBAND, .offset8 = 1,
				  .len8 = 4 };
	const char *why;

	HVT_ASSERT(hvh_check_desc(&d, 1024, 4096, &why) == -EPROTO);
	d.offset8 = 5;
	HVT_ASSERT(hvh_check_desc(&d, 1024, 4096, &why) == -EPROTO);
	d.offset8 = 2;
	d.len8 = 100;
	HVT_ASSERT(hvh_check_desc(&d, 800, 4096, &why) == -EPROTO);
	HVT_ASSERT(hvh_check_desc(&d, 808, 4096, &why) == 0);
	HVT_ASSERT(hvh_check_desc(&d, 808, 512, &why) == -EMSGSIZE);
	return 0;
}

static int
desc_skips_unknown_type_and_flags(void)
{
	struct hvh_pkt_desc d = { .type = 8, .offset8 = 2, .len8 = 4 };
	const char *why;

	HVT_ASSERT(hvh_check_desc(&d, 1024, 4096, &why) == -EBADMSG);
	d.type = HVH_PKT_GPA_DIRECT;
	d.flags = 0x2;
	HVT_ASSERT(hvh_check_desc(&d, 1024, 4096, &why) == -EBADMSG);
	d.flags = HVH_PKT_FLAG_RC;
	HVT_ASSERT(hvh_check_desc(&d, 1024, 4096, &why) == 0);
	return 0;
}

static int
gpa_ranges_page_buffers_and_multipage(void)
{
	struct {
		struct hvh_gpa_hdr h;
		uint32_t r[16];
	} m;
	struct hvh_gpa_seg segs[8];
	const char *why;
	uint32_t n;
	uint64_t pfn;
	uint8_t *b;

	/* Page buffers (DPDK): {96 @ 4000, pfn 7}, {10 @ 0, pfn 9}. */
	memset(&m, 0, sizeof(m));
	m.h.d.offset8 = (24 + 32) / 8;
	m.h.range_cnt = 2;
	m.r[0] = 96;
	m.r[1] = 4000;
	pfn = 7;
	memcpy(&m.r[2], &pfn, 8);
	m.r[4] = 10;
	m.r[5] = 0;
	pfn = 9;
	memcpy(&m.r[6], &pfn, 8);
	b = exact(&m, 24 + 32);
	HVT_ASSERT(hvh_check_gpa(b, 24 + 32, segs, 8, &n, &why) == 0);
	free(b);
	HVT_ASSERT(n == 2 && segs[0].gpa == 7 * 4096 + 4000 && segs[0].len == 96);
	HVT_ASSERT(segs[1].gpa == 9 * 4096 && segs[1].len == 10);

	/* Multi-page range (Linux): 5000 bytes at 4000 span pfns 3, 4, 5. */
	memset(&m, 0, sizeof(m));
	m.h.d.offset8 = (24 + 8 + 24) / 8;
	m.h.range_cnt = 1;
	m.r[0] = 5000;
	m.r[1] = 4000;
	for (pfn = 3; pfn <= 5; pfn++)
		memcpy(&m.r[2 + (pfn - 3) * 2], &pfn, 8);
	b = exact(&m, 24 + 32);
	HVT_ASSERT(hvh_check_gpa(b, 24 + 32, segs, 8, &n, &why) == 0);
	free(b);
	HVT_ASSERT(n == 3 && segs[0].len == 96 && segs[1].gpa == 4 * 4096 &&
		   segs[1].len == 4096 && segs[2].len == 5000 - 96 - 4096);

	/* Crossing a page with one pfn only: its pages are missing. */
	m.h.d.offset8 = (24 + 16) / 8;
	b = exact(&m, 24 + 32);
	HVT_ASSERT(hvh_check_gpa(b, 24 + 32, segs, 8, &n, &why) == -EINVAL);
	free(b);
	/* More pages than the caller takes. */
	m.h.d.offset8 = (24 + 8 + 24) / 8;
	b = exact(&m, 24 + 32);
	HVT_ASSERT(hvh_check_gpa(b, 24 + 32, segs, 2, &n, &why) == -EINVAL);
	free(b);
	/* A huge count must not wrap any bound. */
	m.h.range_cnt = 0xffffffffu;
	b = exact(&m, 24 + 32);
	HVT_ASSERT(hvh_check_gpa(b, 24 + 32, segs, 8, &n, &why) == -EINVAL);
	free(b);
	/* Header length beyond the packet. */
	m.h.range_cnt = 1;
	m.h.d.offset8 = 100;
	b = exact(&m, 24 + 32);
	HVT_ASSERT(hvh_check_gpa(b, 24 + 32, segs, 8, &n, &why) == -EINVAL);
	free(b);
	return 0;
}

/* Build a PACKET_MSG with the given PPI chain and frame. */
static uint32_t
make_pkt(uint8_t *buf, const void *ppi, uint32_t ppi_len, uint32_t frame_len)
{
	struct hvh_rndis_pkt h;

	memset(&h, 0, sizeof(h));
	h.type = HVH_RNDIS_PACKET;
	h.ppi_off = ppi_len ? 36 : 0;
	h.ppi_len = ppi_len;
	h.data_off = 36 + ppi_len;
	h.data_len = frame_len;
	h.len = 44 + ppi_len + frame_len;
	memcpy(buf, &h, sizeof(h));
	if (ppi_len)
		memcpy(buf + 44, ppi, ppi_len);
	memset(buf + 44 + ppi_len, 0xab, frame_len);
	return h.len;
}

/*
 * The check's verdict on the first len bytes of buf, copied to a block of
 * exactly that many (ASan catches an overread).
 */
static int
pkt_verdict(const uint8_t *buf, uint32_t len, struct hvh_tx_info *ti)
{
	uint8_t *b = exact(buf, len);
	const char *why;
	int ret = hvh_check_rndis_pkt(b, len, ti, &why);

	free(b);
	return ret;
}

static int
rndis_pkt_parses_ppis(void)
{
	uint32_t ppi[12] = {
		16, HVH_PPI_VLAN, 12, (5 << 4) | 3,
		16, HVH_PPI_CSUM, 12, HVH_TXCSUM_IPV4 | HVH_TXCSUM_TCP | (34 << 16),
		16, 77, 12, 0,		/* unknown type: skipped */
	};
	struct hvh_tx_info ti;
	uint8_t buf[512];
	uint32_t len;

	len = make_pkt(buf, ppi, sizeof(ppi), 60);
	HVT_ASSERT(pkt_verdict(buf, len, &ti) == 0);
	HVT_ASSERT(ti.present == (HVH_TXI_VLAN | HVH_TXI_CSUM));
	HVT_ASSERT(ti.vlan == ((5 << 4) | 3));
	HVT_ASSERT(HVH_TXCSUM_THOFF(ti.csum) == 34);
	HVT_ASSERT(ti.frame_off == 44 + sizeof(ppi) && ti.frame_len == 60);
	return 0;
}

static int
rndis_pkt_rejects_bad_offsets(void)
{
	uint32_t ppi[4] = { 0, HVH_PPI_VLAN, 12, 0 };	/* size 0: endless */
	struct hvh_rndis_pkt *h;
	struct hvh_tx_info ti;
	uint8_t buf[512];
	uint32_t len;

	len = make_pkt(buf, ppi, sizeof(ppi), 60);
	HVT_ASSERT(pkt_verdict(buf, len, &ti) == -EINVAL);

	len = make_pkt(buf, NULL, 0, 60);
	h = (void *)buf;
	h->data_off = 0xfffffff0u;	/* wraps in 32 bits */
	HVT_ASSERT(pkt_verdict(buf, len, &ti) == -EINVAL);

	len = make_pkt(buf, NULL, 0, 60);
	h->len = len + 1;		/* longer than its container */
	HVT_ASSERT(pkt_verdict(buf, len, &ti) == -EINVAL);

	len = make_pkt(buf, NULL, 0, 10);	/* shorter than Ethernet */
	HVT_ASSERT(pkt_verdict(buf, len, &ti) == -EINVAL);
	return 0;
}

static int
rndis_ctrl_bounds_info_buffer(void)
{
	uint32_t q[8] = { HVH_RNDIS_QUERY, 32, 1, HVH_OID_GEN_LINK_SPEED,
			  4, 20, 0, 0 };
	const uint8_t *info;
	uint32_t ilen;
	const char *why;
	uint8_t *b;

	b = exact(q, sizeof(q));
	HVT_ASSERT(hvh_check_rndis_ctrl(b, sizeof(q), &info, &ilen, &why) == 0);
	HVT_ASSERT(ilen == 4 && info == b + 28);
	free(b);
	q[5] = 24;			/* info runs past msg_length */
	b = exact(q, sizeof(q));
	HVT_ASSERT(hvh_check_rndis_ctrl(b, sizeof(q), &info, &ilen, &why) == -EINVAL);
	free(b);
	q[5] = 20;
	q[1] = 64;			/* msg_length beyond the buffer */
	b = exact(q, sizeof(q));
	HVT_ASSERT(hvh_check_rndis_ctrl(b, sizeof(q), &info, &ilen, &why) == -EINVAL);
	free(b);
	q[0] = 0x55;
	q[1] = 32;
	b = exact(q, sizeof(q));
	HVT_ASSERT(hvh_check_rndis_ctrl(b, sizeof(q), &info, &ilen, &why) ==
		   -EOPNOTSUPP);
	free(b);
	return 0;
}

static int
rss_params_checks_table(void)
{
	struct {
		struct hvh_ndis_rss_params p;
		uint32_t table[128];
		uint8_t key[40];
	} m;
	struct hvh_rss_conf rc;
	const char *why;
	unsigned int i;
	uint8_t *b;

	memset(&m, 0, sizeof(m));
	m.p.hdr.type = HVH_NDIS_OBJ_RSS_PARAMS;
	m.p.hdr.rev = 2;
	m.p.hdr.size = sizeof(m.p);
	m.p.hash_info = HVH_RSS_CAP_TOEPLITZ | 0x100 | 0x200;
	m.p.indir_size = sizeof(m.table);
	m.p.indir_off = sizeof(m.p);
	m.p.key_size = 40;
	m.p.key_off = sizeof(m.p) + sizeof(m.table);
	for (i = 0; i < 128; i++)
		m.table[i] = i % 4;
	b = exact(&m, sizeof(m));
	HVT_ASSERT(hvh_check_rss_params(b, sizeof(m), 4, &rc, &why) == 0);
	HVT_ASSERT(rc.table_set && rc.table_len == 128 && rc.key_set);
	HVT_ASSERT(hvh_check_rss_params(b, sizeof(m), 3, &rc, &why) == -EINVAL);
	free(b);
	m.p.key_off = sizeof(m) - 39;	/* key past the end */
	b = exact(&m, sizeof(m));
	HVT_ASSERT(hvh_check_rss_params(b, sizeof(m), 4, &rc, &why) == -EINVAL);
	free(b);
	return 0;
}

/* Random bytes through every validator: only ASan/UBSan can fail this. */
static int
validators_survive_garbage(void)
{
	unsigned int i, seed = 12345;
	struct hvh_gpa_seg segs[64];
	struct hvh_tx_info ti;
	struct hvh_rss_conf rc;
	const uint8_t *info;
	const char *why;
	uint32_t n, ilen;

	for (i = 0; i < 200000; i++) {
		size_t len = rand_r(&seed) % 600;
		uint8_t *b = malloc(len ? len : 1);
		struct hvh_pkt_desc d;
		size_t k;

		for (k = 0; k < len; k++)
			b[k] = rand_r(&seed) & 0xff;
		/* Small values make the deeper paths reachable. */
		if (len >= 8 && (i & 1)) {
			uint32_t l = rand_r(&seed) % (len + 1);

			memcpy(b + 4, &l, 4);
			b[0] = i % 10;
			b[1] = b[2] = b[3] = 0;
		}
		hvh_check_rndis_pkt(b, len, &ti, &why);
		hvh_check_rndis_ctrl(b, len, &info, &ilen, &why);
		hvh_check_rss_params(b, len, 1 + i % 64, &rc, &why);
		if (len >= sizeof(struct hvh_gpa_hdr))
			hvh_check_gpa(b, len, segs, 64, &n, &why);
		if (len >= sizeof(d)) {
			memcpy(&d, b, sizeof(d));
			hvh_check_desc(&d, rand_r(&seed), 4096, &why);
		}
		free(b);
	}
	return 0;
}

/* ---- fake guest ---- */

static void
fg_conf(struct hvh_nic_conf *c, const char *backend)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->backend, sizeof(c->backend), "%s", backend);
	memcpy(c->mac, "\x00\x15\x5d\x00\x00\x09", 6);
	c->mtu = 1500;
	c->max_channels = 4;
	c->nvs_version_max = HVH_NVSP_V61;
	snprintf(c->surface.root, sizeof(c->surface.root),
		 "/dev/shm/hvh-unit-%d", (int)getpid());
	snprintf(c->surface.uuid, sizeof(c->surface.uuid),
		 "4e5d0001-7668-4f73-8000-00000000abcd");
	c->surface.primary_relid = 14;
	c->surface.primary_monitor_id = 1;
	c->surface.rxbuf_gpadl = 100;
	c->surface.txbuf_gpadl = 101;
}

/* A fake guest on a new NIC with this backend, brought up at NVSP ver. */
static int
fg_up(struct hvh_fake_guest *g, const char *backend, uint32_t ver)
{
	struct hvh_nic_conf c;

	fg_conf(&c, backend);
	if (hvh_fg_open(g, &c) != 0)
		return -1;
	return hvh_fg_bringup(g, ver);
}

static int
nvsp_negotiates_and_refuses(void)
{
	struct hvh_fake_guest g;
	struct hvh_nic_conf c;
	uint32_t init[10] = { HVH_NVSP_INIT, 0x12345, 0x12345 };
	uint32_t st;

	fg_conf(&c, "sink");
	c.nvs_version_max = HVH_NVSP_V5;
	HVT_ASSERT(hvh_fg_open(&g, &c) == 0);
	/* Unknown version: refused with a failure status. */
	HVT_ASSERT(hvh_fg_send(&g, HVH_PKT_INBAND, 1, 0, init, sizeof(init)) == 0);
	HVT_ASSERT(hvh_fg_wait(&g) >= 32);
	memcpy(&st, g.pkt + 16 + 12, 4);
	HVT_ASSERT(st == HVH_NVSP_STAT_FAILURE);
	/* Above the --nvs-version cap: refused too. */
	init[1] = init[2] = HVH_NVSP_V61;
	HVT_ASSERT(hvh_fg_send(&g, HVH_PKT_INBAND, 1, 0, init, sizeof(init)) == 0);
	HVT_ASSERT(hvh_fg_wait(&g) >= 32);
	memcpy(&st, g.pkt + 16 + 12, 4);
	HVT_ASSERT(st == HVH_NVSP_STAT_FAILURE);
	HVT_ASSERT(hvh_fg_bringup(&g, HVH_NVSP_V5) == 0);
	HVT_ASSERT(g.nic->nvs_version == HVH_NVSP_V5);
	HVT_ASSERT(g.nic->rndis_up && g.nic->filter == HVH_FILTER_PROMISC);
	HVT_ASSERT(g.nic->st.proto_errors == 0);
	hvh_fg_close(&g);
	return 0;
}

/*
 * An NVSP message sent with transaction id xid, completion requested; its
 * completion's NVSP type and status word (at +4).
 */
static int
fg_nvsp_call(struct hvh_fake_guest *g, uint64_t xid, const void *msg,
	     uint32_t len, uint32_t *type, uint32_t *status)
{
	const struct hvh_pkt_desc *d = (const void *)g->pkt;

	if (hvh_fg_send(g, HVH_PKT_INBAND, HVH_PKT_FLAG_RC, xid, msg,
			len) != 0 || hvh_fg_wait(g) < 16 + 8 ||
	    d->type != HVH_PKT_COMP)
		return -1;
	memcpy(type, g->pkt + d->offset8 * 8, 4);
	memcpy(status, g->pkt + d->offset8 * 8 + 4, 4);
	return 0;
}

/*
 * A message type newer than the negotiated version, or one only a host
 * sends, is a protocol error answered with a FAILURE completion, and
 * changes nothing; at the version that brought it the same message works.
 */
static int
nvsp_refuses_types_newer_than_version(void)
{
	uint32_t sw[10] = { HVH_NVSP_SWITCH_DATA_PATH, 1 };
	uint32_t sub[10] = { HVH_NVSP_SUBCHANNEL, HVH_NVSP_SUBCH_ALLOCATE, 3 };
	uint32_t comp[10] = { HVH_NVSP_SEND_RNDIS_PKT_COMPLETE,
			      HVH_NVSP_STAT_SUCCESS };
	struct hvh_fake_guest g;
	uint32_t type, st;
	uint64_t e;

	HVT_ASSERT(fg_up(&g, "sink", HVH_NVSP_V2) == 0);
	e = g.nic->st.proto_errors;
	HVT_ASSERT(fg_nvsp_call(&g, 5, sw, sizeof(sw), &type, &st) == 0);
	HVT_ASSERT(type == HVH_NVSP_SWITCH_DATA_PATH &&
		   st == HVH_NVSP_STAT_FAILURE);
	HVT_ASSERT(g.nic->datapath == 0);
	HVT_ASSERT(fg_nvsp_call(&g, 6, sub, sizeof(sub), &type, &st) == 0);
	HVT_ASSERT(type == HVH_NVSP_SUBCHANNEL && st == HVH_NVSP_STAT_FAILURE);
	HVT_ASSERT(g.nic->nchan == 1);
	HVT_ASSERT(fg_nvsp_call(&g, 7, comp, sizeof(comp), &type, &st) == 0);
	HVT_ASSERT(type == HVH_NVSP_SEND_RNDIS_PKT_COMPLETE &&
		   st == HVH_NVSP_STAT_FAILURE);
	HVT_ASSERT(g.nic->st.proto_errors == e + 3);
	/* Negotiated again at 4, the switch is taken. */
	HVT_ASSERT(hvh_fg_bringup(&g, HVH_NVSP_V4) == 0);
	e = g.nic->st.proto_errors;
	HVT_ASSERT(fg_nvsp_call(&g, 8, sw, sizeof(sw), &type, &st) == 0);
	HVT_ASSERT(type == HVH_NVSP_SWITCH_DATA_PATH &&
		   st == HVH_NVSP_STAT_SUCCESS);
	HVT_ASSERT(g.nic->datapath == 1);
	HVT_ASSERT(g.nic->st.proto_errors == e);
	hvh_fg_close(&g);
	return 0;
}

static int
hostile_guest_counted_not_fatal(void)
{
	struct hvh_fake_guest g;
	struct hvh_nic_conf c;
	uint32_t msg[10] = { 999 };
	struct hvh_nvsp_rndis nv = {
		.type = HVH_NVSP_SEND_RNDIS_PKT, .channel_type = 0,
		.section_index = 100000, .section_size = 64,
	};
	uint8_t raw[64] = { 0 };
	struct hvh_pkt_desc *d = (void *)raw;
	uint64_t e;

	fg_conf(&c, "sink");
	HVT_ASSERT(hvh_fg_open(&g, &c) == 0);
	/* NVSP before INIT, unknown NVSP type. */
	HVT_ASSERT(hvh_fg_send(&g, HVH_PKT_INBAND, 0, 0, msg, sizeof(msg)) == 0);
	hvh_nic_poll(g.nic);
	HVT_ASSERT(g.nic->st.proto_errors >= 1);
	HVT_ASSERT(hvh_fg_bringup(&g, HVH_NVSP_V61) == 0);
	e = g.nic->st.proto_errors;
	/* Data in a send section that does not exist. */
	HVT_ASSERT(hvh_fg_send(&g, HVH_PKT_INBAND, 1, 42, &nv, sizeof(nv)) == 0);
	hvh_fg_wait(&g);
	HVT_ASSERT(g.nic->st.proto_errors == e + 1);
	/* Unknown packet type with a sane length: skipped. */
	d->type = 5;
	d->offset8 = 2;
	d->len8 = 4;
	HVT_ASSERT(hvh_fg_send_raw(&g, raw, 32) == 0);
	hvh_nic_poll(g.nic);
	HVT_ASSERT(g.nic->st.proto_errors == e + 2);
	HVT_ASSERT(!g.nic->chan[0]->broken);
	/* Corrupt framing: len8 < offset8 breaks the channel, no crash. */
	d->type = HVH_PKT_INBAND;
	d->offset8 = 3;
	d->len8 = 2;
	HVT_ASSERT(hvh_fg_send_raw(&g, raw, 32) == 0);
	hvh_nic_poll(g.nic);
	HVT_ASSERT(g.nic->chan[0]->broken);
	HVT_ASSERT(g.nic->st.proto_errors == e + 3);
	hvh_fg_close(&g);
	return 0;
}

/*
 * One run of --hostile SEED at 200 per mille over 2000 polls of a source
 * backend: a guest that completes every receive message with the id it
 * read and, on a ring it cannot parse, starts again at the host's write
 * index. Returns the engine's counters.
 */
static int
hostile_run(uint64_t seed, struct hvh_hostile *out)
{
	uint32_t comp[10] = { HVH_NVSP_SEND_RNDIS_PKT_COMPLETE,
			      HVH_NVSP_STAT_SUCCESS };
	const struct hvh_pkt_desc *d;
	struct hvh_fake_guest g;
	struct hvh_ring *out_ring;
	unsigned int i;
	int len;

	HVT_ASSERT(fg_up(&g, "source:64:16", HVH_NVSP_V61) == 0);
	hvh_nic_hostile(g.nic, seed, 200);
	out_ring = &g.nic->chan[0]->out;
	d = (const void *)g.pkt;
	for (i = 0; i < 2000; i++) {
		hvh_nic_poll(g.nic);
		while ((len = hvh_fg_recv(&g)) > 0)
			if (d->type == HVH_PKT_XFER_PAGES)
				hvh_fg_send(&g, HVH_PKT_COMP, 0, d->trans_id,
					    comp, sizeof(comp));
		if (len < 0) {
			g.rx.own = out_ring->own;
			hvh_ring_commit_read(&g.rx, 0);
		}
	}
	*out = g.nic->hostile;
	hvh_fg_close(&g);
	return 0;
}

/*
 * The same seed over the same traffic mutates the same packets the same
 * ways, another seed otherwise; hv-host lives through the guest's answers
 * (run sanitized too, test-hvh-asan).
 */
static int
hostile_host_reproducible(void)
{
	static struct hvh_hostile a, b, o;
	unsigned int k, kinds = 0;

	HVT_ASSERT(hostile_run(7, &a) == 0);
	HVT_ASSERT(hostile_run(7, &b) == 0);
	HVT_ASSERT(hostile_run(8, &o) == 0);
	for (k = 0; k < HVH_HK_COUNT; k++) {
		printf("kind %u: %" PRIu64 " %" PRIu64 " (seed 8: %" PRIu64
		       ")\n", k, a.count[k], b.count[k], o.count[k]);
		kinds += a.count[k] != 0;
	}
	printf("packets %" PRIu64 " %" PRIu64 " (seed 8: %" PRIu64 ")\n",
	       a.seen, b.seen, o.seen);
	HVT_ASSERT(a.seen > 500);
	HVT_ASSERT(kinds >= 6);
	HVT_ASSERT(a.seen == b.seen && a.orphans == b.orphans);
	HVT_ASSERT(memcmp(a.count, b.count, sizeof(a.count)) == 0);
	HVT_ASSERT(memcmp(a.count, o.count, sizeof(a.count)) != 0);
	return 0;
}

static int
guest_gone_resets_device(void)
{
	struct hvh_fake_guest g;

	HVT_ASSERT(fg_up(&g, "loopback", HVH_NVSP_V61) == 0);
	HVT_ASSERT(hvh_nvsp_offer_subchannels(g.nic, 3) == 3);
	close(g.sock);
	g.sock = -1;
	hvh_nic_wake(g.nic);
	hvh_nic_poll(g.nic);
	HVT_ASSERT(!g.nic->guest_present);
	HVT_ASSERT(g.nic->nchan == 1 && !g.nic->rndis_up);
	HVT_ASSERT(g.nic->chan[0]->in.hdr->windex == 0);
	hvh_fg_close(&g);
	return 0;
}

/* Read one interrupt message from /dev/uio0, as a uio read() would. */
static int
fg_irq(struct hvh_fake_guest *g, uint32_t *count)
{
	ssize_t n = recv(g->sock, count, sizeof(*count), MSG_DONTWAIT);

	return n == (ssize_t)sizeof(*count) ? 0 : -1;
}

/*
 * Signalling rules: a masked guest RX ring (the state after open) gets no
 * interrupt; after a uio write of 1 (unmask) the next write to the empty
 * ring interrupts once and masks the ring again, as the kernel's ISR.
 */
static int
irq_only_when_unmasked(void)
{
	uint32_t v[10] = { HVH_NVSP_INIT, HVH_NVSP_V61, HVH_NVSP_V61 };
	struct hvh_fake_guest g;
	struct hvh_nic_conf c;
	uint32_t count, one = 1;

	fg_conf(&c, "sink");
	HVT_ASSERT(hvh_fg_open(&g, &c) == 0);
	HVT_ASSERT(g.rx.hdr->imask == 1);
	HVT_ASSERT(hvh_fg_send(&g, HVH_PKT_INBAND, 1, 0, v, sizeof(v)) == 0);
	HVT_ASSERT(hvh_fg_wait(&g) > 0);
	HVT_ASSERT(fg_irq(&g, &count) != 0);
	HVT_ASSERT(send(g.sock, &one, sizeof(one), 0) == sizeof(one));
	hvh_nic_wake(g.nic);
	hvh_nic_poll(g.nic);
	HVT_ASSERT(g.rx.hdr->imask == 0);
	HVT_ASSERT(hvh_fg_send(&g, HVH_PKT_INBAND, 1, 0, v, sizeof(v)) == 0);
	HVT_ASSERT(hvh_fg_wait(&g) > 0);
	HVT_ASSERT(fg_irq(&g, &count) == 0 && count == 1);
	HVT_ASSERT(g.rx.hdr->imask == 1);
	hvh_fg_close(&g);
	return 0;
}

/*
 * pending_send_sz: a guest blocked on its TX ring (asking for more room
 * than is free) is interrupted when hv-host's reads cross that threshold,
 * and only then.
 */
static int
irq_on_pending_send_crossing(void)
{
	uint32_t v[10] = { HVH_NVSP_INIT, HVH_NVSP_V61, HVH_NVSP_V61 };
	uint32_t nd[4] = { HVH_NVSP_SEND_NDIS_VER, 6, 30 };
	struct hvh_fake_guest g;
	struct hvh_nic_conf c;
	uint32_t count;
	int i;

	fg_conf(&c, "sink");
	HVT_ASSERT(hvh_fg_open(&g, &c) == 0);
	HVT_ASSERT(hvh_fg_send(&g, HVH_PKT_INBAND, 1, 0, v, sizeof(v)) == 0);
	HVT_ASSERT(hvh_fg_wait(&g) > 0);
	/* 16 packets of 40 bytes queued: 640 bytes used. */
	for (i = 0; i < 16; i++)
		HVT_ASSERT(hvh_fg_send(&g, HVH_PKT_INBAND, 0, 0, nd, sizeof(nd)) == 0);
	g.tx.hdr->feature_bits = HVH_RING_FEAT_PENDING_SZ;
	/* Blocked: needs more than is free now, less than an empty ring. */
	g.tx.hdr->pending_send_sz = g.tx.dsize - 320;
	hvh_nic_poll(g.nic);
	HVT_ASSERT(g.tx.hdr->rindex == g.tx.hdr->windex);
	HVT_ASSERT(fg_irq(&g, &count) == 0 && count == 1);
	/* Nothing was waiting this time: no interrupt. */
	g.tx.hdr->pending_send_sz = 0;
	HVT_ASSERT(hvh_fg_send(&g, HVH_PKT_INBAND, 0, 0, nd, sizeof(nd)) == 0);
	hvh_nic_poll(g.nic);
	HVT_ASSERT(fg_irq(&g, &count) != 0);
	hvh_fg_close(&g);
	return 0;
}

/*
 * Busy polling looks at the uio sockets once per HVH_UIO_PERIOD_NS, not on
 * every pass (each look is a system call), yet a mask/unmask write is
 * honoured within that period, and at once after hvh_nic_wake().
 */
static int
uio_checked_on_budget_not_every_pass(void)
{
	struct hvh_fake_guest g;
	uint64_t t0, t1, checks;
	int32_t one = 1, zero = 0;
	unsigned int i;

	HVT_ASSERT(fg_up(&g, "sink", HVH_NVSP_V61) == 0);
	checks = g.nic->st.uio_checks;
	t0 = hvh_now_ns();
	for (i = 0; i < 20000; i++)
		hvh_nic_poll(g.nic);
	t1 = hvh_now_ns();
	checks = g.nic->st.uio_checks - checks;
	printf("20000 passes in %" PRIu64 " us: %" PRIu64 " uio checks\n",
	       (t1 - t0) / 1000, checks);
	HVT_ASSERT(checks >= 1);
	HVT_ASSERT(checks <= (t1 - t0) / HVH_UIO_PERIOD_NS + 2);
	/* An unmask is seen once the period has passed... */
	HVT_ASSERT(g.rx.hdr->imask == 1);
	HVT_ASSERT(send(g.sock, &one, sizeof(one), 0) == sizeof(one));
	usleep(2 * HVH_UIO_PERIOD_NS / 1000);
	hvh_nic_poll(g.nic);
	HVT_ASSERT(g.rx.hdr->imask == 0);
	/* ...and at once when the caller was woken by the socket. */
	HVT_ASSERT(send(g.sock, &zero, sizeof(zero), 0) == sizeof(zero));
	hvh_nic_wake(g.nic);
	hvh_nic_poll(g.nic);
	HVT_ASSERT(g.rx.hdr->imask == 1);
	hvh_fg_close(&g);
	return 0;
}

/*
 * A generator backend and a guest with room: one pass delivers several
 * bursts (so loopback can return what a pass of TX takes), not just one.
 */
static int
rx_several_bursts_per_pass(void)
{
	struct hvh_fake_guest g;
	struct hvh_chan_stats a, b;

	HVT_ASSERT(fg_up(&g, "source:64:16", HVH_NVSP_V61) == 0);
	while (hvh_fg_recv(&g) > 0)
		;
	HVT_ASSERT(g.nic->rx_nfree > HVH_RX_BURST * HVH_RX_BURSTS);
	hvh_nic_chan_stats(g.nic, 0, &a);
	hvh_nic_poll(g.nic);
	hvh_nic_chan_stats(g.nic, 0, &b);
	printf("one pass: %" PRIu64 " frames\n", b.rx_frames - a.rx_frames);
	HVT_ASSERT(b.rx_frames - a.rx_frames == HVH_RX_BURST * HVH_RX_BURSTS);
	hvh_fg_close(&g);
	return 0;
}

/*
 * A guest that has not yet emptied its RX ring still gets its sections
 * back: its completions wait in the TX ring, and they need no reply, so
 * the host reads them though it has no room left for replies.
 */
static int
rx_completions_read_without_reply_room(void)
{
	uint32_t comp[10] = { HVH_NVSP_SEND_RNDIS_PKT_COMPLETE,
			      HVH_NVSP_STAT_SUCCESS };
	const struct hvh_xfer_hdr *x;
	struct hvh_fake_guest g;
	struct hvh_ring *out;
	uint64_t tids[16];
	unsigned int n = 0, i, before;
	int len;

	HVT_ASSERT(fg_up(&g, "source:64:16", HVH_NVSP_V61) == 0);
	x = (const void *)g.pkt;
	for (i = 0; i < 100 && n < 16; i++) {
		hvh_nic_poll(g.nic);
		while (n < 16 && (len = hvh_fg_recv(&g)) > 0)
			if (x->d.type == HVH_PKT_XFER_PAGES)
				tids[n++] = x->d.trans_id;
	}
	HVT_ASSERT(n == 16);
	/* The guest's RX ring now looks nearly full: 256 bytes free, less
	 * than any reply batch and any receive message needs.
	 */
	out = &g.nic->chan[0]->out;
	out->hdr->rindex = hvh_ring_advance(out, out->own, 256);
	HVT_ASSERT(hvh_ring_writable(out) == 256);
	before = g.nic->rx_outstanding;
	for (i = 0; i < n; i++)
		HVT_ASSERT(hvh_fg_send(&g, HVH_PKT_COMP, 0, tids[i], comp,
				  sizeof(comp)) == 0);
	hvh_nic_poll(g.nic);
	printf("outstanding %u -> %u\n", before, g.nic->rx_outstanding);
	HVT_ASSERT(g.nic->rx_outstanding == before - n);
	HVT_ASSERT(hvh_ring_readable(&g.nic->chan[0]->in) == 0);
	HVT_ASSERT(g.nic->st.proto_errors == 0);
	hvh_fg_close(&g);
	return 0;
}

static volatile sig_atomic_t test_stop;

static void
test_on_stop(int sig)
{
	(void)sig;
	test_stop = 1;
}

static void
test_on_alarm(int sig)
{
	(void)sig;
}

/*
 * Without a guest hv-host sleeps until a connection comes.  A stop signal
 * handled after its loop last looked at the flag must still end that
 * sleep at once (hv-testpmd.sh waits for hv-host after SIGTERM), and so
 * must one arriving during it.
 */
static int
sleep_ends_on_stop_signal(void)
{
	struct itimerval it = { .it_value = { .tv_usec = 100000 } };
	struct hvh_fake_guest g;
	struct hvh_nic_conf c;
	sigset_t sigs;
	uint64_t t0, ns;

	fg_conf(&c, "sink");
	HVT_ASSERT(hvh_fg_open(&g, &c) == 0);
	HVT_ASSERT(hvh_fg_detach(&g) == 0);
	HVT_ASSERT(!g.nic->guest_present);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGUSR1);
	signal(SIGUSR1, test_on_stop);
	/* The safety net: a sleep the stop missed ends after 2 s. */
	signal(SIGALRM, test_on_alarm);
	test_stop = 0;
	raise(SIGUSR1);
	alarm(2);
	t0 = hvh_now_ns();
	hvh_nic_sleep(g.nic, -1, 1000000, &test_stop, &sigs);
	ns = hvh_now_ns() - t0;
	alarm(0);
	printf("stopped before the sleep: %" PRIu64 " us\n", ns / 1000);
	HVT_ASSERT(ns < 1000000000ull);

	signal(SIGALRM, test_on_stop);
	sigaddset(&sigs, SIGALRM);
	test_stop = 0;
	t0 = hvh_now_ns();
	HVT_ASSERT(setitimer(ITIMER_REAL, &it, NULL) == 0);
	hvh_nic_sleep(g.nic, -1, 1000000, &test_stop, &sigs);
	ns = hvh_now_ns() - t0;
	printf("stopped during the sleep: %" PRIu64 " us\n", ns / 1000);
	HVT_ASSERT(test_stop == 1);
	HVT_ASSERT(ns < 1000000000ull);
	signal(SIGALRM, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
	hvh_fg_close(&g);
	return 0;
}

static int
fds_has(const int *fds, unsigned int n, int fd)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (fds[i] == fd)
			return 1;
	return 0;
}

/*
 * The tap's fd wakes hv-host only while a frame could go to the guest:
 * with every receive section held by a slow guest it would wake it for
 * nothing, again and again.
 */
static int
tap_fd_polled_only_with_free_sections(void)
{
	struct hvh_fake_guest g;
	struct hvh_nic_conf c;
	int fds[8];
	unsigned int n;
	uint32_t keep;

	fg_conf(&c, "tap");
	snprintf(c.backend, sizeof(c.backend), "tap:hvhu%d",
		 (int)getpid() % 100000);
	if (hvh_fg_open(&g, &c) != 0) {
		printf("SKIP: no tap device (needs CAP_NET_ADMIN)\n");
		hvh_fg_close(&g);
		return HVT_SKIP;
	}
	n = hvh_nic_fds(g.nic, fds, 8);
	HVT_ASSERT(fds_has(fds, n, g.nic->sf.ep_fd));
	HVT_ASSERT(!fds_has(fds, n, g.nic->be->rx_fd));
	HVT_ASSERT(hvh_fg_bringup(&g, HVH_NVSP_V61) == 0);
	n = hvh_nic_fds(g.nic, fds, 8);
	HVT_ASSERT(fds_has(fds, n, g.nic->be->rx_fd));
	/* The guest holds every section: nothing to wait for on the tap. */
	keep = g.nic->rx_nfree;
	g.nic->rx_nfree = 0;
	n = hvh_nic_fds(g.nic, fds, 8);
	HVT_ASSERT(fds_has(fds, n, g.nic->sf.ep_fd));
	HVT_ASSERT(!fds_has(fds, n, g.nic->be->rx_fd));
	g.nic->rx_nfree = keep;
	hvh_fg_close(&g);
	return 0;
}

/* connect() to /dev/uio0 as hv-preload's open() does, without waiting. */
static int
uio_connect(const struct hvh_nic *nic)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s;

	if (snprintf(sa.sun_path, sizeof(sa.sun_path), HVH_UIO_SOCK_FMT,
		     nic->conf.surface.root, nic->conf.surface.uio_index) >=
	    (int)sizeof(sa.sun_path))
		return -1;
	s = socket(AF_UNIX, HVH_UIO_SOCK_TYPE, 0);
	if (s >= 0 && connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(s);
		return -1;
	}
	return s;
}

/* The next message on s, without waiting: 0 and *v, or -1 if none. */
static int
uio_msg(int s, uint32_t *v)
{
	return recv(s, v, sizeof(*v), MSG_DONTWAIT) == (ssize_t)sizeof(*v) ?
		0 : -1;
}

/* hv-host wakes on the connection: 1 if it sent s the ready message. */
static int
uio_admitted(struct hvh_nic *nic, int s)
{
	uint32_t v;

	hvh_nic_wake(nic);
	hvh_nic_poll(nic);
	return uio_msg(s, &v) == 0 && v == HVH_UIO_READY;
}

/*
 * A guest closes /dev/uio0 and opens it again at once (a DPDK process
 * re-plugging the device): its open() must not return (no ready message)
 * until hv-host has reset the device after the close, or the reset would
 * zero rings the new guest already uses.
 */
static int
uio_ready_only_after_reset(void)
{
	struct hvh_fake_guest g;
	uint32_t v;
	int s;

	HVT_ASSERT(fg_up(&g, "loopback", HVH_NVSP_V61) == 0);
	HVT_ASSERT(hvh_nvsp_offer_subchannels(g.nic, 3) == 3);
	close(g.sock);
	g.sock = -1;
	s = uio_connect(g.nic);
	HVT_ASSERT(s >= 0);
	/* hv-host has not looked yet: open() would still be waiting. */
	HVT_ASSERT(uio_msg(s, &v) != 0);
	HVT_ASSERT(uio_admitted(g.nic, s));
	/* By then the old guest's state was gone and the new one counted. */
	HVT_ASSERT(g.nic->guest_present && g.nic->st.guests == 2);
	HVT_ASSERT(g.nic->nchan == 1 && !g.nic->rndis_up && g.nic->rxbuf_on == 0);
	HVT_ASSERT(g.nic->chan[0]->in.hdr->windex == 0);
	/* The ready message is the only one: no interrupt count follows. */
	HVT_ASSERT(uio_msg(s, &v) != 0);
	g.sock = s;
	hvh_fg_close(&g);
	return 0;
}

/*
 * A second opener while the guest keeps /dev/uio0 open (a secondary
 * process) is ready at once and changes nothing: the kernel counts opens
 * and resets only after the last close.
 */
static int
uio_second_opener_keeps_state(void)
{
	struct hvh_fake_guest g;
	int s;

	HVT_ASSERT(fg_up(&g, "loopback", HVH_NVSP_V61) == 0);
	s = uio_connect(g.nic);
	HVT_ASSERT(s >= 0 && uio_admitted(g.nic, s));
	HVT_ASSERT(g.nic->rndis_up && g.nic->st.guests == 1);
	HVT_ASSERT(g.nic->sf.nclients == 2);
	close(s);
	hvh_nic_wake(g.nic);
	hvh_nic_poll(g.nic);
	HVT_ASSERT(g.nic->guest_present && g.nic->rndis_up);
	hvh_fg_close(&g);
	return 0;
}

/* A new guest on the same hv-host: the old one leaves, the device resets. */
static int
fg_reconnect(struct hvh_fake_guest *g)
{
	if (hvh_fg_detach(g))
		return -1;
	return hvh_fg_attach(g);
}

/*
 * Random ring packets, NVSP messages and RNDIS messages from a guest that
 * has done the bring-up: hv-host must count and survive (ASan watches),
 * and a new guest must always be able to start again.
 */
static int
hostile_guest_fuzz(void)
{
	static const uint16_t types[] = { HVH_PKT_INBAND, HVH_PKT_GPA_DIRECT,
					  HVH_PKT_COMP, HVH_PKT_XFER_PAGES, 1 };
	static const uint32_t nvsp[] = { 1, 100, 101, 103, 104, 106, 107,
					 107, 107, 108, 125, 129, 131, 133,
					 134, 135, 9999 };
	static const uint32_t rndis[] = { 1, 2, 3, 4, 5, 6, 8, 9, 0x80000002 };
	struct hvh_fake_guest g;
	unsigned int seed = 4242, i, k, reconnects = 0;
	uint8_t pkt[512];

	HVT_ASSERT(fg_up(&g, "loopback", HVH_NVSP_V61) == 0);
	for (i = 0; i < 20000; i++) {
		struct hvh_pkt_desc *d = (void *)pkt;
		uint32_t *m, len = 24 + (rand_r(&seed) % 60) * 8;

		for (k = 0; k < sizeof(pkt); k++)
			pkt[k] = rand_r(&seed);
		d->type = types[rand_r(&seed) % 5];
		d->flags = rand_r(&seed) % 8 ? HVH_PKT_FLAG_RC : 3;
		d->offset8 = rand_r(&seed) % 16 ? 2u + rand_r(&seed) % 3 :
			(unsigned int)rand_r(&seed) % 70;
		d->len8 = rand_r(&seed) % 32 ? len / 8 :
			(unsigned int)rand_r(&seed);
		m = (uint32_t *)(pkt + (d->offset8 < 50 ? d->offset8 * 8 : 16));
		m[0] = nvsp[rand_r(&seed) % (sizeof(nvsp) / 4)];
		if (rand_r(&seed) % 2) {
			m[1] = rand_r(&seed) % 2;	/* channel type */
			m[2] = rand_r(&seed) % 4;	/* small section */
			m[3] = rand_r(&seed) % 7000;
		}
		if (d->type == HVH_PKT_GPA_DIRECT && rand_r(&seed) % 2) {
			/* A short page list, pages maybe readable. */
			struct hvh_gpa_page *pg = (void *)(pkt + 24);

			((uint32_t *)pkt)[5] = 1;
			d->offset8 = 5;
			pg->len = rand_r(&seed) % 200;
			pg->offset = rand_r(&seed) % 4096;
			pg->pfn = rand_r(&seed) % 2 ?
				((uintptr_t)pkt >> 12) :
				(uint64_t)rand_r(&seed);
		}
		/* Random RNDIS in the first send sections. */
		for (k = 0; k < 4; k++) {
			uint32_t *r = (uint32_t *)(g.txbuf + k * g.tx_sect_size);
			unsigned int w;

			for (w = 0; w < 64; w++)
				r[w] = rand_r(&seed) % 4 ? rand_r(&seed) % 300 :
					rand_r(&seed);
			r[0] = rndis[rand_r(&seed) % (sizeof(rndis) / 4)];
			r[1] = rand_r(&seed) % 256;
		}
		if (hvh_fg_send_raw(&g, pkt, len) != 0 ||
		    g.nic->chan[0]->broken) {
			HVT_ASSERT(fg_reconnect(&g) == 0);
			HVT_ASSERT(hvh_fg_bringup(&g, HVH_NVSP_V61) == 0);
			reconnects++;
			continue;
		}
		hvh_nic_poll(g.nic);
		while (hvh_fg_recv(&g) > 0)
			;
	}
	printf("fuzz: %" PRIu64 " protocol errors, %u reconnects\n",
	       g.nic->st.proto_errors, reconnects);
	HVT_ASSERT(g.nic->st.proto_errors > 1000);
	HVT_ASSERT(fg_reconnect(&g) == 0);
	HVT_ASSERT(hvh_fg_bringup(&g, HVH_NVSP_V61) == 0);
	hvh_fg_close(&g);
	return 0;
}

static const struct hvt_test tests[] = {
	{ "desc_rejects_bad_lengths", desc_rejects_bad_lengths },
	{ "desc_skips_unknown_type_and_flags", desc_skips_unknown_type_and_flags },
	{ "gpa_ranges_page_buffers_and_multipage",
	  gpa_ranges_page_buffers_and_multipage },
	{ "rndis_pkt_parses_ppis", rndis_pkt_parses_ppis },
	{ "rndis_pkt_rejects_bad_offsets", rndis_pkt_rejects_bad_offsets },
	{ "rndis_ctrl_bounds_info_buffer", rndis_ctrl_bounds_info_buffer },
	{ "rss_params_checks_table", rss_params_checks_table },
	{ "validators_survive_garbage", validators_survive_garbage },
	{ "nvsp_negotiates_and_refuses", nvsp_negotiates_and_refuses },
	{ "nvsp_refuses_types_newer_than_version",
	  nvsp_refuses_types_newer_than_version },
	{ "hostile_guest_counted_not_fatal", hostile_guest_counted_not_fatal },
	{ "guest_gone_resets_device", guest_gone_resets_device },
	{ "hostile_guest_fuzz", hostile_guest_fuzz },
	{ "hostile_host_reproducible", hostile_host_reproducible },
	{ "irq_only_when_unmasked", irq_only_when_unmasked },
	{ "irq_on_pending_send_crossing", irq_on_pending_send_crossing },
	{ "uio_checked_on_budget_not_every_pass",
	  uio_checked_on_budget_not_every_pass },
	{ "rx_several_bursts_per_pass", rx_several_bursts_per_pass },
	{ "rx_completions_read_without_reply_room",
	  rx_completions_read_without_reply_room },
	{ "sleep_ends_on_stop_signal", sleep_ends_on_stop_signal },
	{ "uio_ready_only_after_reset", uio_ready_only_after_reset },
	{ "uio_second_opener_keeps_state", uio_second_opener_keeps_state },
	{ "tap_fd_polled_only_with_free_sections",
	  tap_fd_polled_only_with_free_sections },
};

int
main(int argc, char **argv)
{
	struct hvt_run r;

	hvh_log_level = getenv("HVH_TEST_VERBOSE") ? HVH_LOG_DEBUG : HVH_LOG_ERR;
	hvt_start(&r, argc, argv);
	hvt_table(&r, NULL, tests, HVT_DIM(tests));
	return hvt_end(&r);
}
