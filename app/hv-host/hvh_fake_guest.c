/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "hvh_fake_guest.h"

int
hvh_fg_attach(struct hvh_fake_guest *g)
{
	const struct hvh_surface *sf = hvh_nic_surface(g->nic);
	const struct hvh_surface_conf *sc = &sf->conf;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uint32_t ready = 0;
	uint8_t *base;
	size_t size;

	if (snprintf(sa.sun_path, sizeof(sa.sun_path), HVH_UIO_SOCK_FMT,
		     sc->root, sc->uio_index) >= (int)sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	g->sock = socket(AF_UNIX, HVH_UIO_SOCK_TYPE, 0);
	if (g->sock < 0 ||
	    connect(g->sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	/* As hv-host woken by the connection on its poll set. */
	hvh_nic_wake(g->nic);
	hvh_nic_poll(g->nic);
	if (!hvh_nic_guest_present(g->nic))
		return -ENOTCONN;
	/* What hv-preload's open() waits for (hvh_surface_abi.h). */
	if (recv(g->sock, &ready, sizeof(ready), MSG_DONTWAIT) !=
	    (ssize_t)sizeof(ready) || ready != HVH_UIO_READY)
		return -EPROTO;
	base = sf->maps[HVH_MAP_RINGS].addr;
	size = sf->maps[HVH_MAP_RINGS].size;
	hvh_ring_attach(&g->tx, base, size / 2);
	hvh_ring_attach(&g->rx, base + size / 2, size / 2);
	g->txbuf = sf->maps[HVH_MAP_TXBUF].addr;
	g->rxbuf = sf->maps[HVH_MAP_RXBUF].addr;
	g->next_rid = 1;
	return 0;
}

int
hvh_fg_detach(struct hvh_fake_guest *g)
{
	if (g->sock >= 0)
		close(g->sock);
	g->sock = -1;
	hvh_nic_wake(g->nic);
	hvh_nic_poll(g->nic);
	return hvh_nic_guest_present(g->nic) ? -EBUSY : 0;
}

int
hvh_fg_open(struct hvh_fake_guest *g, struct hvh_nic_conf *conf)
{
	int ret;

	memset(g, 0, sizeof(*g));
	g->sock = -1;
	ret = hvh_nic_create(&g->nic, conf);
	if (ret)
		return ret;
	return hvh_fg_attach(g);
}

void
hvh_fg_close(struct hvh_fake_guest *g)
{
	if (g->sock >= 0)
		close(g->sock);
	if (g->nic)
		hvh_nic_destroy(g->nic);
	g->nic = NULL;
}

int
hvh_fg_send(struct hvh_fake_guest *g, uint16_t type, uint16_t flags,
	    uint64_t tid, const void *payload, uint32_t len)
{
	struct hvh_pkt_desc d = {
		.type = type, .offset8 = 2, .flags = flags, .trans_id = tid,
	};
	struct iovec iov[2] = {
		{ &d, sizeof(d) }, { (void *)(uintptr_t)payload, len },
	};
	int sig;

	return hvh_ring_write(&g->tx, iov, 2, &sig);
}

int
hvh_fg_send_raw(struct hvh_fake_guest *g, const void *pkt, uint32_t len)
{
	struct hvh_pkt_desc d;
	struct iovec iov[2];
	int sig;

	/* hvh_ring_write fills len8 in; keep the caller's value. */
	memcpy(&d, pkt, sizeof(d));
	iov[0].iov_base = &d;
	iov[0].iov_len = sizeof(d);
	iov[1].iov_base = (uint8_t *)(uintptr_t)pkt + sizeof(d);
	iov[1].iov_len = len - sizeof(d);
	{
		uint16_t keep = d.len8;
		uint32_t start = g->tx.own;
		int ret = hvh_ring_write(&g->tx, iov, 2, &sig);

		if (ret == 0)
			hvh_ring_copy_in(&g->tx, hvh_ring_advance(&g->tx,
					 start, 4), &keep, sizeof(keep));
		return ret;
	}
}

int
hvh_fg_recv(struct hvh_fake_guest *g)
{
	struct hvh_pkt_desc d;
	int64_t avail = hvh_ring_readable(&g->rx);
	uint32_t len;

	if (avail < 0)
		return -EPROTO;
	if (avail < (int64_t)sizeof(d) + 8)
		return 0;
	hvh_ring_copy_out(&g->rx, g->rx.own, &d, sizeof(d));
	len = (uint32_t)d.len8 * 8;
	if (len < sizeof(d) || len > sizeof(g->pkt) || len + 8 > avail)
		return -EPROTO;
	hvh_ring_copy_out(&g->rx, g->rx.own, g->pkt, len);
	g->rx.own = hvh_ring_advance(&g->rx, g->rx.own, len + 8);
	hvh_ring_commit_read(&g->rx, len + 8);
	return (int)len;
}

int
hvh_fg_wait(struct hvh_fake_guest *g)
{
	int i, n;

	for (i = 0; i < 1000; i++) {
		n = hvh_fg_recv(g);
		if (n)
			return n;
		hvh_nic_poll(g->nic);
	}
	return 0;
}

/* Wait for a completion (type 11) carrying NVSP message type want. */
static int
hvh_fg_expect_comp(struct hvh_fake_guest *g, uint32_t want, uint32_t *status)
{
	const struct hvh_pkt_desc *d = (const void *)g->pkt;
	uint32_t t;
	int n;

	n = hvh_fg_wait(g);
	if (n < 16 + 8 || d->type != HVH_PKT_COMP)
		return -EBADMSG;
	memcpy(&t, g->pkt + d->offset8 * 8, 4);
	/* INIT_COMPLETE keeps its status at +12, the others at +4. */
	memcpy(status, g->pkt + d->offset8 * 8 +
	       (want == HVH_NVSP_INIT_COMPLETE ? 12 : 4), 4);
	return t == want ? 0 : -EBADMSG;
}

/* Send an RNDIS control message through send section 0 and return the
 * response's RNDIS status word at offset 12 (INIT/SET/QUERY completions).
 */
static int
hvh_fg_rndis(struct hvh_fake_guest *g, const void *msg, uint32_t len,
	     uint32_t *rndis_status)
{
	struct hvh_nvsp_rndis nv = {
		.type = HVH_NVSP_SEND_RNDIS_PKT, .channel_type = 1,
		.section_index = 0, .section_size = len,
	};
	const struct hvh_xfer_hdr *x = (const void *)g->pkt;
	uint32_t st, got = 0;
	int i, n;

	memcpy(g->txbuf, msg, len);
	if (hvh_fg_send(g, HVH_PKT_INBAND, HVH_PKT_FLAG_RC, 7, &nv, sizeof(nv)))
		return -EAGAIN;
	/* The NVSP completion and the RNDIS response come in either order. */
	for (i = 0; i < 2; i++) {
		n = hvh_fg_wait(g);
		if (n <= 0)
			return -ETIMEDOUT;
		if (x->d.type == HVH_PKT_COMP)
			continue;
		if (x->d.type != HVH_PKT_XFER_PAGES || x->range_cnt != 1)
			return -EBADMSG;
		{
			const struct hvh_xfer_range *r =
				(const void *)(g->pkt + sizeof(*x));
			uint32_t comp[10] = { HVH_NVSP_SEND_RNDIS_PKT_COMPLETE,
					      HVH_NVSP_STAT_SUCCESS };

			memcpy(&st, g->rxbuf + r->byte_offset + 12, 4);
			got = 1;
			hvh_fg_send(g, HVH_PKT_COMP, 0, x->d.trans_id, comp,
				    sizeof(comp));
		}
	}
	if (!got)
		return -EBADMSG;
	*rndis_status = st;
	return 0;
}

int
hvh_fg_bringup(struct hvh_fake_guest *g, uint32_t nvs_version)
{
	uint32_t init[10] = { HVH_NVSP_INIT, nvs_version, nvs_version };
	uint32_t ndis_ver[10] = { HVH_NVSP_SEND_NDIS_VER, 6, 30 };
	uint32_t conf[10] = { HVH_NVSP_SEND_NDIS_CONFIG, 1514, 0, 0xc, 0 };
	uint32_t buf[10] = { 0 };
	uint32_t rinit[6] = { HVH_RNDIS_INIT, 24, 0, 1, 0, 0x4000 };
	uint32_t filt[8] = { HVH_RNDIS_SET, 32, 0,
			     HVH_OID_GEN_CURRENT_PACKET_FILTER, 4, 20, 0,
			     HVH_FILTER_PROMISC };
	const struct hvh_nvsp_recv_buf_complete *rc;
	uint32_t st;

	if (hvh_fg_send(g, HVH_PKT_INBAND, HVH_PKT_FLAG_RC, 0, init,
			sizeof(init)) ||
	    hvh_fg_expect_comp(g, HVH_NVSP_INIT_COMPLETE, &st) ||
	    st != HVH_NVSP_STAT_SUCCESS) {
		fprintf(stderr, "fake guest: INIT failed\n");
		return -EPROTO;
	}
	hvh_fg_send(g, HVH_PKT_INBAND, 0, 0, conf, sizeof(conf));
	hvh_fg_send(g, HVH_PKT_INBAND, 0, 0, ndis_ver, sizeof(ndis_ver));
	buf[0] = HVH_NVSP_SEND_RECV_BUF;
	buf[1] = hvh_nic_surface(g->nic)->conf.rxbuf_gpadl;
	buf[2] = HVH_NVSP_RXBUF_ID;
	if (hvh_fg_send(g, HVH_PKT_INBAND, HVH_PKT_FLAG_RC, 0, buf,
			sizeof(buf)) ||
	    hvh_fg_expect_comp(g, HVH_NVSP_SEND_RECV_BUF_COMPLETE, &st) ||
	    st != HVH_NVSP_STAT_SUCCESS) {
		fprintf(stderr, "fake guest: receive buffer failed\n");
		return -EPROTO;
	}
	rc = (const void *)(g->pkt + 16);
	g->rx_sect_size = rc->sub_alloc_size;
	buf[0] = HVH_NVSP_SEND_SEND_BUF;
	buf[1] = hvh_nic_surface(g->nic)->conf.txbuf_gpadl;
	buf[2] = 0xface;
	if (hvh_fg_send(g, HVH_PKT_INBAND, HVH_PKT_FLAG_RC, 0, buf,
			sizeof(buf)) ||
	    hvh_fg_expect_comp(g, HVH_NVSP_SEND_SEND_BUF_COMPLETE, &st) ||
	    st != HVH_NVSP_STAT_SUCCESS) {
		fprintf(stderr, "fake guest: send buffer failed\n");
		return -EPROTO;
	}
	memcpy(&g->tx_sect_size, g->pkt + 16 + 8, 4);
	rinit[2] = g->next_rid++;
	if (hvh_fg_rndis(g, rinit, sizeof(rinit), &st) || st != 0) {
		fprintf(stderr, "fake guest: RNDIS INITIALIZE failed\n");
		return -EPROTO;
	}
	filt[2] = g->next_rid++;
	if (hvh_fg_rndis(g, filt, sizeof(filt), &st) || st != 0) {
		fprintf(stderr, "fake guest: packet filter failed\n");
		return -EPROTO;
	}
	return 0;
}
