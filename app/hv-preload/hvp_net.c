/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * The emulated machine's kernel, network side: its uevents, and the MACs
 * of the network interfaces of its PCI devices.
 *
 * Kernel uevents: a NETLINK_KOBJECT_UEVENT socket
 * becomes a connection to hv-host's uevent socket (hvh_surface_abi.h), so
 * that a process watching for hot-plug (EAL's device event monitor) hears
 * of hv-host's PCI devices coming and going, and of nothing else.
 *
 * The connection is a SOCK_SEQPACKET socket: one recv() returns one whole
 * uevent, as on netlink.  Only bind() needs help: the process binds the
 * netlink multicast address, which an AF_UNIX socket cannot take, so a
 * bind on such a socket succeeds without doing anything.  Which fds are
 * such sockets is kept as for uio connections: a table by fd, confirmed
 * against the socket's inode.
 *
 * MACs: an interface named under R's /sys/bus/pci/devices/<BDF>/net/ is
 * the emulated machine's (a VF's), and SIOCGIFHWADDR on its name answers
 * with its address attribute there, as the kernel would.  The interface
 * itself is a TAP of the real machine, whose own MAC belongs to the far
 * end of the wire (a bridge port) and cannot be the guest's: a bridge
 * would take frames for a port's own MAC as its own.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "hvh_surface_abi.h"
#include "hvp_private.h"

#define HVP_UEV_FD_MAX 4096

struct hvp_uev_fd {
	atomic_int used;
	dev_t dev;
	ino_t ino;
};

static struct hvp_uev_fd hvp_uev_fds[HVP_UEV_FD_MAX];
static pthread_mutex_t hvp_uev_lock = PTHREAD_MUTEX_INITIALIZER;

static void
hvp_uev_remember(int fd)
{
	struct stat st;

	if (fd < 0 || fd >= HVP_UEV_FD_MAX || fstat(fd, &st) != 0)
		return;
	pthread_mutex_lock(&hvp_uev_lock);
	hvp_uev_fds[fd].dev = st.st_dev;
	hvp_uev_fds[fd].ino = st.st_ino;
	atomic_store(&hvp_uev_fds[fd].used, 1);
	pthread_mutex_unlock(&hvp_uev_lock);
}

/* True when fd is one of our uevent connections (and still the same). */
static bool
hvp_uev_is(int fd)
{
	struct stat st;
	bool is = false;

	if (fd < 0 || fd >= HVP_UEV_FD_MAX ||
	    atomic_load_explicit(&hvp_uev_fds[fd].used,
				 memory_order_relaxed) == 0)
		return false;
	pthread_mutex_lock(&hvp_uev_lock);
	if (fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode) &&
	    st.st_dev == hvp_uev_fds[fd].dev &&
	    st.st_ino == hvp_uev_fds[fd].ino)
		is = true;
	else
		atomic_store(&hvp_uev_fds[fd].used, 0);
	pthread_mutex_unlock(&hvp_uev_lock);
	return is;
}

/*
 * A connection to hv-host's uevent socket with the caller's flags, or -1
 * when there is none to connect to (the caller then makes the real one).
 */
static int
hvp_uev_connect(int type)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int flags = type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
	int saved = errno;
	int fd;

	if (snprintf(sa.sun_path, sizeof(sa.sun_path), HVH_UEVENT_SOCK_FMT,
		     hvp_root()) >= (int)sizeof(sa.sun_path))
		return -1;
	/* Connected blocking: an AF_UNIX connect completes at once. */
	fd = hvp_real.socket(AF_UNIX, HVH_UEVENT_SOCK_TYPE |
			     (flags & SOCK_CLOEXEC), 0);
	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    ((flags & SOCK_NONBLOCK) &&
	     hvp_real.fcntl(fd, F_SETFL, O_NONBLOCK) != 0)) {
		hvp_real.close(fd);
		errno = saved;
		return -1;
	}
	hvp_uev_remember(fd);
	hvp_log("hv-preload: uevent socket fd %d on %s\n", fd, sa.sun_path);
	errno = saved;
	return fd;
}

HVP_EXPORT int
socket(int domain, int type, int protocol)
{
	int fd;

	hvp_init();
	if (hvp_real.socket == NULL) {
		errno = ENOSYS;
		return -1;
	}
	if (hvp_active && domain == AF_NETLINK &&
	    protocol == NETLINK_KOBJECT_UEVENT) {
		fd = hvp_uev_connect(type);
		if (fd >= 0)
			return fd;
		hvp_warn("hv-preload: no uevent socket in %s; kernel uevents "
			 "of the real machine instead\n", hvp_root());
	}
	return hvp_real.socket(domain, type, protocol);
}

HVP_EXPORT int
bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	hvp_init();
	if (hvp_real.bind == NULL) {
		errno = ENOSYS;
		return -1;
	}
	/* The multicast group every uevent goes to is all there is. */
	if (addr != NULL && len >= sizeof(sa_family_t) &&
	    addr->sa_family == AF_NETLINK && hvp_uev_is(fd))
		return 0;
	return hvp_real.bind(fd, addr, len);
}

/* The address attribute of emulated interface name, read into out. */
static int
hvp_net_address(const char *name, char *out, size_t size)
{
	char path[PATH_MAX];
	struct dirent *e;
	ssize_t n = -1;
	DIR *d;
	int fd;

	if (name[0] == '.' || strchr(name, '/') != NULL ||
	    snprintf(path, sizeof(path), "%s%s/devices", hvp_root(),
		     HVH_PREFIX_PCI) >= (int)sizeof(path))
		return -1;
	d = hvp_real.opendir(path);
	if (d == NULL)
		return -1;
	while (n < 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' ||
		    snprintf(path, sizeof(path), "%s%s/devices/%s/net/%s/address",
			     hvp_root(), HVH_PREFIX_PCI, e->d_name, name) >=
		    (int)sizeof(path))
			continue;
		fd = hvp_real.openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
		if (fd < 0)
			continue;
		n = hvp_real.read(fd, out, size - 1);
		hvp_real.close(fd);
	}
	closedir(d);
	if (n <= 0)
		return -1;
	out[n] = '\0';
	return 0;
}

HVP_EXPORT int
ioctl(int fd, unsigned long req, ...)
{
	struct ifreq *ifr;
	unsigned int b[6];
	char name[IFNAMSIZ];
	char text[64];
	va_list ap;
	void *arg;
	int i;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	hvp_init();
	if (hvp_real.ioctl == NULL) {
		errno = ENOSYS;
		return -1;
	}
	if (req != SIOCGIFHWADDR || !hvp_active || arg == NULL)
		return hvp_real.ioctl(fd, req, arg);
	ifr = arg;
	memcpy(name, ifr->ifr_name, sizeof(name));
	name[sizeof(name) - 1] = '\0';
	if (hvp_net_address(name, text, sizeof(text)) != 0 ||
	    sscanf(text, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5]) != 6)
		return hvp_real.ioctl(fd, req, arg);
	memset(&ifr->ifr_hwaddr, 0, sizeof(ifr->ifr_hwaddr));
	ifr->ifr_hwaddr.sa_family = ARPHRD_ETHER;
	for (i = 0; i < 6; i++)
		ifr->ifr_hwaddr.sa_data[i] = (char)b[i];
	return 0;
}
