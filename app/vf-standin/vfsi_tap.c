/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * The kernel TAP interface behind the stand-in.  Each queue is one fd of a
 * multi-queue TAP, so the kernel spreads received frames over the queues
 * by its own flow hash.  The vnet header carries checksum and TSO requests
 * to the kernel; receive offloads are off, so frames arrive whole and with
 * complete checksums.
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rte_string_fns.h>

#include "vfsi.h"

/*
 * Attach one more queue to the TAP named priv->ifname (creating it when it
 * does not exist, or when the name is a pattern such as "vfsi%d"); the
 * first call stores the name the kernel chose.  Returns the fd or -errno.
 */
int
vfsi_tap_open(struct vfsi_priv *priv, bool multi_queue)
{
	struct ifreq ifr;
	int hdr_len = sizeof(struct virtio_net_hdr);
	int fd;
	int err;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (multi_queue)
		ifr.ifr_flags |= IFF_MULTI_QUEUE;
	strlcpy(ifr.ifr_name, priv->ifname, sizeof(ifr.ifr_name));
	if (ioctl(fd, TUNSETIFF, &ifr) != 0 ||
	    ioctl(fd, TUNSETVNETHDRSZ, &hdr_len) != 0 ||
	    ioctl(fd, TUNSETOFFLOAD, 0) != 0) {
		err = -errno;
		close(fd);
		return err;
	}
	strlcpy(priv->ifname, ifr.ifr_name, sizeof(priv->ifname));
	return fd;
}

/* Best effort: a TAP made by a test harness may be brought up there. */
void
vfsi_tap_up(const char *ifname)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0 && !(ifr.ifr_flags & IFF_UP)) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
			VFSI_LOG(WARNING, "cannot bring %s up: %s", ifname,
				strerror(errno));
	}
	close(s);
}

/*
 * Drop what the kernel queued for this fd: frames that reached a device
 * in a reset, which its hardware would not have kept. Returns how many.
 */
unsigned int
vfsi_tap_drain(int fd)
{
	static uint8_t buf[sizeof(struct virtio_net_hdr) + VFSI_MAX_FRAME];
	unsigned int n = 0;

	while (read(fd, buf, sizeof(buf)) >= 0)
		n++;
	return n;
}
