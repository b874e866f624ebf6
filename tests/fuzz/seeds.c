/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * The seed corpus of the fuzz targets, written by hv-host itself: an
 * in-process guest (app/hv-host's fake guest) brings a NIC up, queries
 * what the PMD queries, takes subchannels, a VF offer and its withdrawal,
 * link changes and frames, and every packet hv-host writes into its
 * receive ring becomes seeds: the ring packets for ring and xfer, NVSP
 * payloads for nvs, RNDIS messages for rndis_ctrl and rndis_data; the
 * attribute files of hv-host's sysfs tree for sysfs.
 *
 * Usage: fuzz-seeds DIR  (writes DIR/TARGET/KIND-N; devtools/fuzz.sh --seeds
 * runs it on tests/fuzz/corpus)
 */

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hvh_backend.h"
#include "hvh_fake_guest.h"
#include "hvh_nic_private.h"

#include "fuzz_ring.h"

/* At most this many seeds of one kind: small, one of each shape. */
#define KIND_MAX 3

static const char *out_dir;
static struct hvh_fake_guest g;
static uint32_t rxbuf_size, txbuf_size;
static uint8_t ring_data[FUZZ_RING_DSIZE];
static uint32_t ring_pos, ring_npkt;
static struct fuzz_ring_in ring_hdr;
static unsigned int ring_seeds;

struct kind {
	char name[64];
	unsigned int n;
};
static struct kind kinds[256];
static unsigned int nkinds;

static void
die(const char *what)
{
	fprintf(stderr, "fuzz-seeds: %s\n", what);
	exit(1);
}

/* Write DIR/target/kind-N from two pieces, unless KIND_MAX are there. */
static void
put(const char *target, const char *kind, const void *a, size_t alen,
    const void *b, size_t blen)
{
	char name[64], path[4096];
	unsigned int i;
	FILE *f;

	snprintf(name, sizeof(name), "%s/%s", target, kind);
	for (i = 0; i < nkinds && strcmp(kinds[i].name, name) != 0; i++)
		;
	if (i == nkinds) {
		if (nkinds == sizeof(kinds) / sizeof(kinds[0]))
			die("too many kinds");
		snprintf(kinds[nkinds++].name, sizeof(kinds[0].name), "%s",
			 name);
	}
	if (kinds[i].n == KIND_MAX)
		return;
	snprintf(path, sizeof(path), "%s/%s", out_dir, target);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s-%u", out_dir, target, kind,
		 kinds[i].n++);
	f = fopen(path, "w");
	if (f == NULL || fwrite(a, 1, alen, f) != alen ||
	    (blen != 0 && fwrite(b, 1, blen, f) != blen) || fclose(f) != 0)
		die(path);
}

/* A ring image of the packets so far, each step showing one more. */
static void
ring_flush(void)
{
	char kind[32];

	if (ring_npkt == 0)
		return;
	ring_hdr.raw = 0x55;
	ring_hdr.room = 255;
	ring_hdr.send = 64;
	snprintf(kind, sizeof(kind), "ring%u", ring_seeds++);
	put("ring", kind, &ring_hdr, sizeof(ring_hdr), ring_data, ring_pos);
	memset(&ring_hdr, 0, sizeof(ring_hdr));
	memset(ring_data, 0, sizeof(ring_data));
	ring_pos = 0;
	ring_npkt = 0;
}

static void
ring_add(const uint8_t *pkt, uint32_t len)
{
	uint64_t trailer = (uint64_t)ring_pos << 32;

	if (ring_pos + len + 8 >= FUZZ_RING_DSIZE || ring_npkt == FUZZ_RING_STEPS)
		ring_flush();
	if (len + 8 >= FUZZ_RING_DSIZE)
		return;
	memcpy(ring_data + ring_pos, pkt, len);
	memcpy(ring_data + ring_pos + len, &trailer, 8);
	ring_pos += len + 8;
	ring_hdr.windex[ring_npkt++] = ring_pos;
}

/* The NVSP payload of a completion or inband message. */
static void
take_nvsp(const uint8_t *pkt, uint32_t len)
{
	const struct hvh_pkt_desc *d = (const void *)pkt;
	struct {
		uint32_t rxbuf_size, chim_size;
		uint8_t requested, resp_size;
	} __attribute__((packed)) p = { rxbuf_size, txbuf_size, 3, 63 };
	uint32_t off = d->offset8 * 8u, type;
	char kind[32];

	if (off + 4 > len)
		return;
	memcpy(&type, pkt + off, 4);
	/* Data goes through send sections of the size granted. */
	if (type == HVH_NVSP_SEND_SEND_BUF_COMPLETE && off + 12 <= len)
		memcpy(&g.tx_sect_size, pkt + off + 8, 4);
	snprintf(kind, sizeof(kind), "nvsp-%u", type);
	put("nvs", kind, &p, sizeof(p), pkt + off, len - off);
}

/* A transfer-page packet: its RNDIS messages, and itself with them. */
static void
take_xfer(const uint8_t *pkt, uint32_t len)
{
	const struct hvh_xfer_hdr *x = (const void *)pkt;
	uint8_t copy[HVH_PKT_MAX], msgs[16384];
	struct hvh_xfer_range *r;
	uint32_t i, type, mlen = 0;
	uint16_t head[2];
	char kind[32];

	memcpy(copy, pkt, len);
	r = (struct hvh_xfer_range *)(copy + sizeof(*x));
	for (i = 0; i < x->range_cnt &&
	     (uint8_t *)&r[i + 1] <= copy + len; i++) {
		const uint8_t *m = g.rxbuf + r[i].byte_offset;
		uint32_t n = r[i].byte_count;

		if (n < 4 || mlen + n > sizeof(msgs))
			break;
		memcpy(&type, m, 4);
		snprintf(kind, sizeof(kind), "rndis-%08x", type);
		put(type == HVH_RNDIS_PACKET ? "rndis_data" : "rndis_ctrl",
		    kind, m, n, NULL, 0);
		/* In the seed the buffer is the messages, one after another. */
		memcpy(msgs + mlen, m, n);
		r[i].byte_offset = mlen;
		mlen += (n + 7) & ~7u;
	}
	head[0] = UINT16_MAX;	/* sections: any id hv-host uses */
	head[1] = (uint16_t)len;
	snprintf(kind, sizeof(kind), "xfer-%u", x->range_cnt);
	{
		uint8_t all[sizeof(head) + HVH_PKT_MAX];

		memcpy(all, head, sizeof(head));
		memcpy(all + sizeof(head), copy, len);
		put("xfer", kind, all, sizeof(head) + len, msgs, mlen);
	}
}

/* Read all hv-host wrote, as seeds; complete its transfer pages. */
static unsigned int
drain(void)
{
	static const uint32_t comp[10] = { HVH_NVSP_SEND_RNDIS_PKT_COMPLETE,
					   HVH_NVSP_STAT_SUCCESS };
	const struct hvh_pkt_desc *d = (const void *)g.pkt;
	unsigned int n = 0, idle;
	int len;

	for (idle = 0; idle < 50; idle++) {
		while ((len = hvh_fg_recv(&g)) > 0) {
			n++;
			idle = 0;
			ring_add(g.pkt, len);
			if (d->type == HVH_PKT_XFER_PAGES) {
				take_xfer(g.pkt, len);
				hvh_fg_send(&g, HVH_PKT_COMP, 0, d->trans_id,
					    comp, sizeof(comp));
			} else {
				take_nvsp(g.pkt, len);
			}
		}
		if (len < 0)
			die("hv-host broke its ring");
		hvh_nic_poll(g.nic);
	}
	return n;
}

static void
nvsp(const void *msg, uint32_t len, int reply)
{
	if (hvh_fg_send(&g, HVH_PKT_INBAND, reply ? HVH_PKT_FLAG_RC : 0, 1,
			msg, len) != 0)
		die("guest ring full");
	drain();
}

/* An RNDIS message through send section 0 (control) or 1 (data). */
static void
rndis(const void *msg, uint32_t len, int data)
{
	struct hvh_nvsp_rndis nv = {
		.type = HVH_NVSP_SEND_RNDIS_PKT, .channel_type = !data,
		.section_index = data, .section_size = len,
	};
	uint32_t pad[10] = { 0 };

	memcpy(g.txbuf + data * g.tx_sect_size, msg, len);
	memcpy(pad, &nv, sizeof(nv));
	nvsp(pad, sizeof(pad), 1);
}

static void
query(uint32_t oid, const void *in, uint32_t in_len)
{
	uint8_t msg[512] = { 0 };
	uint32_t h[7] = { HVH_RNDIS_QUERY, 28 + in_len, 1, oid, in_len,
			  in_len != 0 ? 20 : 0, 0 };

	memcpy(msg, h, sizeof(h));
	memcpy(msg + sizeof(h), in, in_len);
	rndis(msg, 28 + in_len, 0);
}

/* A UDP/IPv4 frame sent with a VLAN tag and checksum offload asked. */
static void
frame(uint16_t vid, uint32_t size)
{
	uint8_t msg[2048] = { 0 };
	uint32_t ppi[8] = {
		16, HVH_PPI_VLAN, 12, (uint32_t)vid << 4,
		16, HVH_PPI_CSUM, 12, HVH_TXCSUM_IPV4 | HVH_TXCSUM_UDP |
			(34u << 16),
	};
	struct hvh_rndis_pkt h = {
		.type = HVH_RNDIS_PACKET, .ppi_off = 36,
		.ppi_len = sizeof(ppi),
	};
	uint8_t *f = msg + sizeof(h) + sizeof(ppi);

	h.data_off = 36 + sizeof(ppi);
	h.data_len = size;
	h.len = sizeof(h) + sizeof(ppi) + size;
	memcpy(f, g.nic->conf.mac, 6);
	memcpy(f + 6, "\x00\x15\x5d\x00\x00\x42", 6);
	memcpy(f + 12, "\x08\x00\x45\x00", 4);
	f[16] = (size - 14) >> 8;
	f[17] = (size - 14) & 0xff;
	f[22] = 64;
	f[23] = 17;
	memcpy(f + 26, "\x0a\x00\x00\x02\x0a\x00\x00\x01", 8);
	memcpy(f + 34, "\x04\xd2\x16\x2e", 4);
	f[38] = (size - 34) >> 8;
	f[39] = (size - 34) & 0xff;
	memcpy(msg, &h, sizeof(h));
	memcpy(msg + sizeof(h), ppi, sizeof(ppi));
	rndis(msg, h.len, 1);
}

/* What hv-host's receive encoder makes of frames with each kind of info. */
static void
rx_encoder(void)
{
	static uint8_t sect[4096], data[1514];
	struct hvh_frame f = { .data = data };
	uint32_t n, hash;
	char kind[32];
	int i;

	memcpy(data, "\xff\xff\xff\xff\xff\xff\x00\x15\x5d\x00\x00\x42"
	       "\x08\x00\x45\x00\x00\x2e\x00\x00\x00\x00\x40\x06", 24);
	for (i = 0; i < 4; i++) {
		f.len = i == 3 ? 1514 : 60 + 100 * i;
		f.flags = (i & 1 ? HVH_FRAME_F_VLAN : 0) |
			(i >= 1 ? HVH_FRAME_F_CSUM_OK : 0);
		f.vlan_tci = 0x2005;
		hash = i >= 2 ? 0x12345678 : 0;
		n = hvh_rndis_build_rx(g.nic, sect, &f, hash,
				       i >= 2 ? 0x100 : 0);
		snprintf(kind, sizeof(kind), "encoder-%d", i);
		put("rndis_data", kind, sect, n, NULL, 0);
	}
}

/* Every attribute line of hv-host's device directory, and its names. */
static void
sysfs_walk(const char *dir, FILE *all, int depth)
{
	char path[4096], line[128];
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(dir);
	FILE *f;

	if (d == NULL || depth > 4)
		die(dir);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) != 0)
			continue;
		fprintf(all, "%s\n", e->d_name);
		if (S_ISDIR(st.st_mode)) {
			sysfs_walk(path, all, depth + 1);
		} else if (S_ISREG(st.st_mode) && st.st_size < 64 &&
			   (f = fopen(path, "r")) != NULL) {
			if (fgets(line, sizeof(line), f) != NULL) {
				fputs(line, all);
				put("sysfs", e->d_name, line, strlen(line),
				    NULL, 0);
			}
			fclose(f);
		}
	}
	closedir(d);
}

static void
sysfs(void)
{
	char path[4096];
	FILE *all;

	snprintf(path, sizeof(path), "%s/sysfs", out_dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/sysfs/device-tree", out_dir);
	all = fopen(path, "w");
	if (all == NULL)
		die(path);
	sysfs_walk(hvh_nic_surface(g.nic)->devdir, all, 0);
	if (fclose(all) != 0)
		die(path);
}

int
main(int argc, char **argv)
{
	uint32_t init[10] = { HVH_NVSP_INIT, HVH_NVSP_V61, HVH_NVSP_V61 };
	uint32_t conf[10] = { HVH_NVSP_SEND_NDIS_CONFIG, 1514, 0, 0xc, 0 };
	uint32_t ver[10] = { HVH_NVSP_SEND_NDIS_VER, 6, 30 };
	uint32_t buf[10] = { 0 };
	uint32_t rinit[6] = { HVH_RNDIS_INIT, 24, 1, 1, 0, 0x4000 };
	uint32_t filt[8] = { HVH_RNDIS_SET, 32, 1,
			     HVH_OID_GEN_CURRENT_PACKET_FILTER, 4, 20, 0,
			     0x2b };
	uint32_t sub[10] = { HVH_NVSP_SUBCHANNEL, HVH_NVSP_SUBCH_ALLOCATE, 3 };
	uint32_t sw[10] = { HVH_NVSP_SWITCH_DATA_PATH, 1 };
	uint8_t off_in[156] = { 0xa7, 3, 156, 0 }, rss_in[18] = { 0x88, 2, 18 };
	struct hvh_nic_conf c;

	if (argc != 2)
		die("usage: fuzz-seeds DIR");
	out_dir = argv[1];
	memset(&c, 0, sizeof(c));
	snprintf(c.backend, sizeof(c.backend), "loopback");
	memcpy(c.mac, "\x00\x15\x5d\x00\x00\x09", 6);
	c.mtu = 1500;
	c.max_channels = 4;
	c.nvs_version_max = HVH_NVSP_V61;
	c.vf_offer = 1;
	memcpy(c.vf_mac, c.mac, 6);
	c.vf_serial = 7;
	snprintf(c.surface.root, sizeof(c.surface.root),
		 "/dev/shm/hvnet-fuzz-seeds-%d", (int)getpid());
	snprintf(c.surface.uuid, sizeof(c.surface.uuid),
		 "4e5d0001-7668-4f73-8000-00000000abcd");
	c.surface.primary_relid = 14;
	c.surface.primary_monitor_id = 1;
	c.surface.rxbuf_gpadl = 100;
	c.surface.txbuf_gpadl = 101;
	if (hvh_fg_open(&g, &c) != 0)
		die("cannot start hv-host");
	rxbuf_size = hvh_nic_surface(g.nic)->maps[HVH_MAP_RXBUF].size;
	txbuf_size = hvh_nic_surface(g.nic)->maps[HVH_MAP_TXBUF].size;
	sysfs();

	/* The PMD's bring-up, in its order. */
	nvsp(init, sizeof(init), 1);
	nvsp(conf, sizeof(conf), 0);
	nvsp(ver, sizeof(ver), 0);
	buf[0] = HVH_NVSP_SEND_RECV_BUF;
	buf[1] = c.surface.rxbuf_gpadl;
	buf[2] = HVH_NVSP_RXBUF_ID;
	nvsp(buf, sizeof(buf), 1);
	buf[0] = HVH_NVSP_SEND_SEND_BUF;
	buf[1] = c.surface.txbuf_gpadl;
	buf[2] = 0xface;
	nvsp(buf, sizeof(buf), 1);
	rndis(rinit, sizeof(rinit), 0);
	query(HVH_OID_802_3_PERMANENT_ADDRESS, NULL, 0);
	query(HVH_OID_TCP_OFFLOAD_HW_CAPS, off_in, sizeof(off_in));
	query(HVH_OID_GEN_RSS_CAPABILITIES, rss_in, sizeof(rss_in));
	query(HVH_OID_GEN_MEDIA_CONNECT_STATUS, NULL, 0);
	query(HVH_OID_GEN_LINK_SPEED, NULL, 0);
	query(HVH_OID_GEN_MAXIMUM_FRAME_SIZE, NULL, 0);
	rndis(filt, sizeof(filt), 0);
	nvsp(sub, sizeof(sub), 1);

	/* On its own: the VF offer, then the switch back and withdrawal. */
	drain();
	nvsp(sw, sizeof(sw), 1);
	hvh_nic_vf(g.nic, 0);
	drain();
	hvh_nic_set_link(g.nic, 0);
	drain();
	hvh_nic_set_link(g.nic, 1);
	drain();

	/* Frames looped back to the guest. */
	frame(5, 60);
	frame(0, 1514);
	drain();
	ring_flush();
	rx_encoder();
	hvh_fg_close(&g);
	return 0;
}
