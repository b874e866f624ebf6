/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * tap: a kernel TAP interface is the wire. With IFF_VNET_HDR every frame
 * carries a virtio_net_hdr, so the guest's checksum requests become the
 * kernel's own CHECKSUM_PARTIAL and the kernel's partial checksums and GSO
 * frames come back as finished segments, as Hyper-V's switch delivers
 * them. The guest's LSO super-frames are cut into MSS segments with final
 * checksums here, as they would be on the wire behind the switch: the
 * kernel would hand a GSO frame to its stack (and to packet sockets)
 * whole.
 *
 * The interface is created in the caller's network namespace; moving it
 * elsewhere afterwards (ip link set IF netns NS) keeps the fd working.
 */

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/if_tun.h>
#include <linux/virtio_net.h>

#include "hvh_backend_private.h"

#define TAP_NAME_DEF	"hvtap%d"
/* Enough for one GSO super-frame (64 KB of IP) and its headers. */
#define TAP_STAGE_SIZE	(HVH_FRAME_MAX + 64)
/* Reads per rx_burst call before yielding to the caller. */
#define TAP_READ_MAX	64
/* Longest Ethernet+IP+TCP header run we rewrite for the kernel. */
#define TAP_HDRS_MAX	512

enum {
	TAP_READ_NONE,
	TAP_READ_OK,
	TAP_READ_BAD,
};

struct tap_backend {
	struct hvh_backend be;
	char ifname[IFNAMSIZ];
	uint8_t *stage;		/* frame read from the kernel */
	uint8_t *seg_buf;	/* one segment of a guest LSO frame */
	struct hvh_frame pending;	/* frame in stage not yet delivered */
	uint32_t seg;		/* next segment of pending */
	int have_pending;
};

static inline struct tap_backend *
tap_of(struct hvh_backend *be)
{
	return (struct tap_backend *)be;
}

/*
 * Build the virtio-net header and, for checksum requests (LSO frames go
 * through tap_tx_lso), a private copy
 * of the packet headers as the kernel wants them: IP length and IPv4
 * checksum final, L4 checksum field preloaded with the pseudo-header
 * sum. Returns the header bytes copied into hdrs (0 = send the frame
 * as is) or -EINVAL.
 */
static int
tap_tx_prepare(const struct hvh_frame *f, struct virtio_net_hdr *vh,
	       uint8_t *hdrs, uint32_t vlan_shift)
{
	struct hvh_frame_layout lay;
	uint32_t copy;
	uint64_t sum;
	uint16_t c;

	memset(vh, 0, sizeof(*vh));
	if (!(f->flags & (HVH_FRAME_F_CSUM | HVH_FRAME_F_IP_CSUM)))
		return 0;
	if (hvh_frame_layout(f, &lay) != 0)
		return -EINVAL;
	if (lay.proto != 0)
		copy = lay.hdr_len;
	else if (lay.ipv == 4)
		copy = (uint32_t)lay.l3 + lay.ip_hlen;
	else
		return 0;
	if (copy > TAP_HDRS_MAX)
		return -EINVAL;
	memcpy(hdrs, f->data, copy);
	if (lay.ipv == 4)
		hvh_ipv4_csum_set(hdrs, &lay);
	if (lay.proto == 0)
		return (int)copy;

	/* Guests disagree on what they prefill: start from scratch. */
	vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh->csum_start = (uint16_t)(lay.l4 + vlan_shift);
	vh->csum_offset = lay.proto == HVH_IPPROTO_TCP ?
		HVH_CSUM_OFF_TCP : HVH_CSUM_OFF_UDP;
	sum = hvh_csum_pseudo(hdrs, &lay, f->len - lay.l4);
	c = hvh_csum_fold(sum);
	memcpy(hdrs + lay.l4 + vh->csum_offset, &c, 2);
	return (int)copy;
}

/* Write one frame: vh, the header run head[0..hlen) (with the guest's
 * VLAN tag inserted after the MAC addresses when it has one), then body.
 */
static ssize_t
tap_write(struct hvh_backend *be, const struct hvh_frame *meta,
	  struct virtio_net_hdr *vh, const uint8_t *head, uint32_t hlen,
	  const uint8_t *body, uint32_t blen)
{
	struct iovec iov[5];
	uint8_t tag[4];
	int k = 0;

	iov[k].iov_base = vh;
	iov[k++].iov_len = sizeof(*vh);
	/* The wire carries the tag the guest handed over as metadata. */
	if (meta->flags & HVH_FRAME_F_VLAN) {
		tag[0] = HVH_ETHERTYPE_VLAN >> 8;
		tag[1] = HVH_ETHERTYPE_VLAN & 0xff;
		tag[2] = (uint8_t)(meta->vlan_tci >> 8);
		tag[3] = (uint8_t)meta->vlan_tci;
		iov[k].iov_base = (void *)(uintptr_t)head;
		iov[k++].iov_len = 12;
		iov[k].iov_base = tag;
		iov[k++].iov_len = 4;
		iov[k].iov_base = (void *)(uintptr_t)(head + 12);
		iov[k++].iov_len = (size_t)hlen - 12;
	} else {
		iov[k].iov_base = (void *)(uintptr_t)head;
		iov[k++].iov_len = (size_t)hlen;
	}
	iov[k].iov_base = (void *)(uintptr_t)body;
	iov[k++].iov_len = blen;
	return writev(be->rx_fd, iov, k);
}

static void
tap_write_failed(struct hvh_backend *be, uint32_t len)
{
	be->stats.tx_errors++;
	if (hvh_log_ratelimit(be->stats.tx_errors))
		HVH_LOG(WARNING, "%s: write of a %u-byte frame failed: %s",
			be->name, len, strerror(errno));
}

/*
 * Cut an LSO frame into segments and write each. -EAGAIN if the first
 * one found the queue full (retry the frame later); once a segment went
 * out the frame is consumed, and segments the queue has no room for are
 * counted as lost (tx_full), as a full wire queue would drop them.
 */
static int
tap_tx_lso(struct hvh_backend *be, const struct hvh_frame *f)
{
	struct tap_backend *t = tap_of(be);
	struct virtio_net_hdr vh;
	struct hvh_frame seg;
	uint32_t cursor = 0;
	int more;

	memset(&vh, 0, sizeof(vh));
	do {
		seg.data = t->seg_buf;
		seg.len = HVH_FRAME_MAX;
		more = hvh_frame_emit(f, &cursor, &seg);
		if (more < 0)
			return -EINVAL;
		if (tap_write(be, f, &vh, seg.data, HVH_ETH_HLEN,
			      seg.data + HVH_ETH_HLEN,
			      seg.len - HVH_ETH_HLEN) < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				tap_write_failed(be, seg.len);
			else if (cursor == 1)
				return -EAGAIN;
			else
				be->stats.tx_full++;
			continue;
		}
		be->stats.tx_segments++;
	} while (more > 0);
	return 0;
}

static uint16_t
tap_tx_burst(struct hvh_backend *be, const struct hvh_frame *f, uint16_t n)
{
	uint8_t hdrs[TAP_HDRS_MAX];
	struct virtio_net_hdr vh;
	uint16_t i;

	for (i = 0; i < n; i++) {
		const uint8_t *d = f[i].data;
		uint32_t shift = (f[i].flags & HVH_FRAME_F_VLAN) ?
			HVH_ETH_VLAN_HLEN : 0;
		const uint8_t *head;
		int hlen;

		if (f[i].len < HVH_ETH_HLEN || f[i].len > HVH_FRAME_MAX) {
			hvh_backend_bad_frame(be, &f[i]);
			continue;
		}
		if (f[i].flags & HVH_FRAME_F_LSO) {
			hlen = tap_tx_lso(be, &f[i]);
			if (hlen == -EAGAIN) {
				be->stats.tx_full += n - i;
				break;
			}
			if (hlen < 0) {
				hvh_backend_bad_frame(be, &f[i]);
				continue;
			}
			be->stats.tx_frames++;
			be->stats.tx_bytes += f[i].len;
			continue;
		}
		hlen = tap_tx_prepare(&f[i], &vh, hdrs, shift);
		if (hlen < 0) {
			hvh_backend_bad_frame(be, &f[i]);
			continue;
		}
		head = hlen > 0 ? hdrs : d;
		if (hlen == 0)
			hlen = HVH_ETH_HLEN;
		if (tap_write(be, &f[i], &vh, head, (uint32_t)hlen, d + hlen,
			      f[i].len - (uint32_t)hlen) < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				be->stats.tx_full += n - i;
				break;
			}
			tap_write_failed(be, f[i].len);
			continue;
		}
		be->stats.tx_frames++;
		be->stats.tx_bytes += f[i].len;
	}
	return i;
}

/* Turn the kernel's header into frame metadata; strip an inline tag. */
static int
tap_rx_meta(struct tap_backend *t, const struct virtio_net_hdr *vh,
	    uint32_t len)
{
	struct hvh_frame *p = &t->pending;
	uint8_t *d = t->stage;

	memset(p, 0, sizeof(*p));
	p->data = d;
	p->len = len;
	if (len < HVH_ETH_HLEN)
		return -EINVAL;
	if ((vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
	    (vh->csum_offset == HVH_CSUM_OFF_TCP ||
	     vh->csum_offset == HVH_CSUM_OFF_UDP)) {
		p->flags |= HVH_FRAME_F_CSUM;
		p->csum_start = vh->csum_start;
		p->csum_offset = vh->csum_offset;
	} else if (vh->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		return -EINVAL;
	} else if (vh->flags & VIRTIO_NET_HDR_F_DATA_VALID) {
		p->flags |= HVH_FRAME_F_CSUM_OK;
	}
	switch (vh->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_NONE:
		break;
	case VIRTIO_NET_HDR_GSO_TCPV4:
	case VIRTIO_NET_HDR_GSO_TCPV6:
		p->flags |= HVH_FRAME_F_LSO;
		p->gso_type = (vh->gso_type & ~VIRTIO_NET_HDR_GSO_ECN) ==
			VIRTIO_NET_HDR_GSO_TCPV4 ? HVH_GSO_TCPV4 : HVH_GSO_TCPV6;
		p->gso_size = vh->gso_size;
		break;
	default:
		return -EINVAL;
	}
	/* Hyper-V hands VLAN tags to the guest as metadata. */
	if (len >= HVH_ETH_HLEN + HVH_ETH_VLAN_HLEN &&
	    d[12] == HVH_ETHERTYPE_VLAN >> 8 &&
	    d[13] == (HVH_ETHERTYPE_VLAN & 0xff)) {
		p->flags |= HVH_FRAME_F_VLAN;
		p->vlan_tci = (uint16_t)(d[14] << 8 | d[15]);
		memmove(d + 12, d + 16, len - 16);
		p->len -= HVH_ETH_VLAN_HLEN;
		if (p->flags & HVH_FRAME_F_CSUM) {
			if (p->csum_start < 16 + HVH_ETH_VLAN_HLEN)
				return -EINVAL;
			p->csum_start -= HVH_ETH_VLAN_HLEN;
		}
	}
	/* The kernel seeds a GSO frame's TCP checksum with the pseudo-header
	 * sum including the length; segmentation (hvh_frame_emit) takes the
	 * LSOv2 seed a guest leaves, which has none.
	 */
	if (p->flags & HVH_FRAME_F_LSO) {
		struct hvh_frame_layout lay;
		uint16_t seed;

		if (hvh_frame_layout(p, &lay) != 0)
			return -EINVAL;
		seed = hvh_csum_fold(hvh_csum_pseudo(d, &lay, 0));
		memcpy(d + lay.l4 + HVH_CSUM_OFF_TCP, &seed, 2);
	}
	return 0;
}

/* Read the next frame into stage: TAP_READ_OK, TAP_READ_NONE (nothing
 * queued), TAP_READ_BAD (one malformed frame dropped) or -errno. */
static int
tap_read(struct tap_backend *t)
{
	struct virtio_net_hdr vh;
	struct iovec iov[2] = {
		{ .iov_base = &vh, .iov_len = sizeof(vh) },
		{ .iov_base = t->stage, .iov_len = TAP_STAGE_SIZE },
	};
	ssize_t r;

	r = readv(t->be.rx_fd, iov, 2);
	if (r < 0)
		return (errno == EAGAIN || errno == EWOULDBLOCK) ?
			TAP_READ_NONE : -errno;
	if ((size_t)r < sizeof(vh) ||
	    tap_rx_meta(t, &vh, (uint32_t)((size_t)r - sizeof(vh))) != 0) {
		t->be.stats.rx_dropped++;
		return TAP_READ_BAD;
	}
	t->seg = 0;
	t->have_pending = 1;
	return TAP_READ_OK;
}

static uint16_t
tap_rx_burst(struct hvh_backend *be, struct hvh_frame *f, uint16_t n)
{
	struct tap_backend *t = tap_of(be);
	unsigned int reads = 0;
	uint16_t i = 0;

	while (i < n) {
		int r;

		if (!t->have_pending) {
			if (reads++ == TAP_READ_MAX)
				break;
			r = tap_read(t);
			if (r == TAP_READ_NONE)
				break;
			if (r == TAP_READ_BAD)
				continue;
			if (r < 0) {
				be->stats.rx_errors++;
				if (hvh_log_ratelimit(be->stats.rx_errors))
					HVH_LOG(WARNING, "%s: read failed: %s",
						be->name, strerror(-r));
				break;
			}
		}
		r = hvh_frame_emit(&t->pending, &t->seg, &f[i]);
		if (r < 0) {
			be->stats.rx_dropped++;
			t->have_pending = 0;
			continue;
		}
		if (t->pending.flags & HVH_FRAME_F_LSO)
			be->stats.rx_segments++;
		be->stats.rx_frames++;
		be->stats.rx_bytes += f[i].len;
		i++;
		if (r == 0)
			t->have_pending = 0;
	}
	return i;
}

static int
tap_if_ioctl(const char *ifname, unsigned long req, struct ifreq *ifr)
{
	int s, ret = 0;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	snprintf(ifr->ifr_name, IFNAMSIZ, "%s", ifname);
	if (ioctl(s, req, ifr) < 0)
		ret = -errno;
	close(s);
	return ret;
}

static int
tap_set_link(struct hvh_backend *be, int up)
{
	int on = up ? 1 : 0;

	if (ioctl(be->rx_fd, TUNSETCARRIER, &on) < 0)
		return -errno;
	return 0;
}

static void
tap_close(struct hvh_backend *be)
{
	struct tap_backend *t = tap_of(be);

	if (be->rx_fd >= 0)
		close(be->rx_fd);
	free(t->stage);
	free(t->seg_buf);
	free(t);
}

static const struct hvh_backend_ops tap_ops = {
	.tx_burst = tap_tx_burst,
	.rx_burst = tap_rx_burst,
	.set_link = tap_set_link,
	.close = tap_close,
};

static int
tap_check_name(const char *args, char *err, size_t errlen)
{
	size_t n = strlen(args), i;

	if (n == 0 || n >= IFNAMSIZ) {
		snprintf(err, errlen,
			 "tap: interface name '%s' must be 1..%d characters",
			 args, IFNAMSIZ - 1);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		if (args[i] == '/' || args[i] == ':' || args[i] <= ' ' ||
		    args[i] == 0x7f) {
			snprintf(err, errlen,
				 "tap: interface name '%s' has a forbidden character (blank, '/', ':')",
				 args);
			return -EINVAL;
		}
	}
	return 0;
}

/* Create the interface, bring it up at the guest's MTU. */
static int
tap_create(struct tap_backend *t, const char *name, uint32_t mtu, char *err,
	   size_t errlen)
{
	/* Segmentation on our side clears CWR past the first segment, so
	 * ECN super-frames are fine too. */
	unsigned int offloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 |
		TUN_F_TSO_ECN;
	int vnet_len = sizeof(struct virtio_net_hdr);
	struct ifreq ifr;
	int fd, ret;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "tap: cannot open /dev/net/tun: %s",
			 strerror(errno));
		return ret;
	}
	t->be.rx_fd = fd;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		ret = -errno;
		snprintf(err, errlen, "tap: cannot create interface '%s': %s",
			 name, strerror(errno));
		return ret;
	}
	snprintf(t->ifname, sizeof(t->ifname), "%s", ifr.ifr_name);
	if (ioctl(fd, TUNSETVNETHDRSZ, &vnet_len) < 0 ||
	    ioctl(fd, TUNSETOFFLOAD, (unsigned long)offloads) < 0) {
		ret = -errno;
		snprintf(err, errlen, "tap: %s: cannot enable virtio-net offloads: %s",
			 t->ifname, strerror(errno));
		return ret;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_mtu = (int)mtu;
	ret = tap_if_ioctl(t->ifname, SIOCSIFMTU, &ifr);
	if (ret == 0) {
		memset(&ifr, 0, sizeof(ifr));
		ret = tap_if_ioctl(t->ifname, SIOCGIFFLAGS, &ifr);
	}
	if (ret == 0) {
		ifr.ifr_flags |= IFF_UP;
		ret = tap_if_ioctl(t->ifname, SIOCSIFFLAGS, &ifr);
	}
	if (ret != 0) {
		snprintf(err, errlen, "tap: %s: cannot set MTU %u and bring it up: %s",
			 t->ifname, mtu, strerror(-ret));
		return ret;
	}
	return 0;
}

int
hvh_backend_tap_open(const char *args, const struct hvh_backend_conf *conf,
		     struct hvh_backend **out, char *err, size_t errlen)
{
	uint32_t mtu = conf->mtu != 0 ? conf->mtu : 1500;
	struct tap_backend *t;
	int ret;

	if (args != NULL) {
		ret = tap_check_name(args, err, errlen);
		if (ret != 0)
			return ret;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		snprintf(err, errlen, "tap: out of memory");
		return -ENOMEM;
	}
	t->be.ops = &tap_ops;
	t->be.caps = HVH_BACKEND_C_RX_FD;
	t->be.rx_fd = -1;
	t->stage = malloc(TAP_STAGE_SIZE);
	t->seg_buf = malloc(HVH_FRAME_MAX);
	if (t->stage == NULL || t->seg_buf == NULL) {
		snprintf(err, errlen, "tap: out of memory");
		tap_close(&t->be);
		return -ENOMEM;
	}
	ret = tap_create(t, args != NULL ? args : TAP_NAME_DEF, mtu, err,
			 errlen);
	if (ret != 0) {
		tap_close(&t->be);
		return ret;
	}
	snprintf(t->be.name, sizeof(t->be.name), "tap:%s", t->ifname);
	*out = &t->be;
	return 0;
}
