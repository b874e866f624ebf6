/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "hvh_log.h"
#include "hvh_surface.h"

#define HVH_NETVSC_CLASS "f8615163-df3e-46c5-913f-f2d2f965ed0e"

int
hvh_mkdirs(const char *path)
{
	char tmp[PATH_MAX];
	char *p;

	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	for (p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* Write a sysfs-like attribute: the whole value, as the kernel prints it. */
int
hvh_attr(const char *dir, const char *name, const char *fmt, ...)
{
	char path[PATH_MAX], val[1024];
	va_list ap;
	int fd, n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	va_start(ap, fmt);
	n = vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0444);
	if (fd < 0) {
		HVH_LOG(ERR, "cannot create %s: %s", path, strerror(errno));
		return -errno;
	}
	if (write(fd, val, n) != n) {
		close(fd);
		return -EIO;
	}
	close(fd);
	return 0;
}

static int
hvh_map_create(const char *path, size_t size, struct hvh_map *m)
{
	m->fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (m->fd < 0) {
		HVH_LOG(ERR, "cannot create %s: %s", path, strerror(errno));
		return -errno;
	}
	if (ftruncate(m->fd, size) < 0) {
		HVH_LOG(ERR, "cannot size %s: %s", path, strerror(errno));
		close(m->fd);
		return -errno;
	}
	m->addr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd,
		       0);
	if (m->addr == MAP_FAILED) {
		HVH_LOG(ERR, "cannot map %s: %s", path, strerror(errno));
		close(m->fd);
		return -errno;
	}
	m->size = size;
	return 0;
}

static void
hvh_map_release(struct hvh_map *m)
{
	if (m->addr && m->addr != MAP_FAILED)
		munmap(m->addr, m->size);
	if (m->fd >= 0)
		close(m->fd);
	m->addr = NULL;
	m->fd = -1;
}

void
hvh_surface_zero_map(struct hvh_map *m)
{
	/* Punching a hole zeroes the range and gives tmpfs pages back. */
	if (fallocate(m->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
		      m->size) < 0)
		memset(m->addr, 0, m->size);
}

static const char *const hvh_map_names_fmt[HVH_UIO_NMAPS] = {
	"txrx_rings", "int_page", "monitor_page", "recv:%u", "send:%u",
};

static int
hvh_surface_maps(struct hvh_surface *sf, const char *uiodir)
{
	const struct hvh_surface_conf *c = &sf->conf;
	size_t sizes[HVH_UIO_NMAPS] = {
		c->kernel_416 ? HVH_PRIMARY_RING_SIZE_416 :
		HVH_PRIMARY_RING_SIZE,
		4096u, 4096u, HVH_RXBUF_SIZE,
		HVH_TXBUF_SIZE,
	};
	char dir[PATH_MAX + 32], path[PATH_MAX], name[64];
	unsigned int k;
	int ret;

	for (k = 0; k < HVH_UIO_NMAPS; k++) {
		snprintf(path, sizeof(path), HVH_UIO_MAP_FMT, c->root,
			 c->uio_index, k);
		ret = hvh_map_create(path, sizes[k], &sf->maps[k]);
		if (ret)
			return ret;
		snprintf(dir, sizeof(dir), "%s/maps/map%u", uiodir, k);
		ret = hvh_mkdirs(dir);
		if (ret)
			return ret;
		snprintf(name, sizeof(name), hvh_map_names_fmt[k],
			 k == HVH_MAP_RXBUF ? c->rxbuf_gpadl : c->txbuf_gpadl);
		/* Kernel addresses mean nothing to user space; any
		 * plausible value will do.  Older kernels print %lx.
		 */
		if (c->kernel_416) {
			ret = hvh_attr(dir, "addr", "0x%lx\n",
				       0xffff900000000000ul + k * 0x1000000ul);
			ret |= hvh_attr(dir, "size", "0x%zx\n", sizes[k]);
			ret |= hvh_attr(dir, "offset", "0x0\n");
		} else {
			ret = hvh_attr(dir, "addr", "0x%016lx\n",
				       0xffff900000000000ul + k * 0x1000000ul);
			ret |= hvh_attr(dir, "size", "0x%016zx\n", sizes[k]);
			ret |= hvh_attr(dir, "offset", "0x0\n");
		}
		ret |= hvh_attr(dir, "name", "%s\n", name);
		if (ret)
			return -EIO;
	}
	return 0;
}

/* Watch fd for input (and hang-up, which epoll always reports). */
static int
hvh_surface_watch(struct hvh_surface *sf, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	return epoll_ctl(sf->ep_fd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static int
hvh_surface_listen(struct hvh_surface *sf)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, ret;

	if (snprintf(sa.sun_path, sizeof(sa.sun_path), HVH_UIO_SOCK_FMT,
		     sf->conf.root, sf->conf.uio_index) >=
	    (int)sizeof(sa.sun_path)) {
		HVH_LOG(ERR, "root %s too long for a socket path",
			sf->conf.root);
		return -ENAMETOOLONG;
	}
	unlink(sa.sun_path);
	fd = socket(AF_UNIX, HVH_UIO_SOCK_TYPE | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 16) < 0) {
		HVH_LOG(ERR, "cannot listen on %s: %s", sa.sun_path,
			strerror(errno));
		close(fd);
		return -errno;
	}
	chmod(sa.sun_path, 0600);
	sf->listen_fd = fd;
	sf->ep_fd = epoll_create1(EPOLL_CLOEXEC);
	if (sf->ep_fd < 0)
		return -errno;
	ret = hvh_surface_watch(sf, fd);
	if (ret)
		HVH_LOG(ERR, "cannot watch %s: %s", sa.sun_path,
			strerror(-ret));
	return ret;
}

int
hvh_surface_create(struct hvh_surface *sf, const struct hvh_surface_conf *conf)
{
	const struct hvh_surface_conf *c;
	char path[PATH_MAX], uiodir[PATH_MAX], link[PATH_MAX];
	unsigned int k;
	int ret;

	memset(sf, 0, sizeof(*sf));
	sf->conf = *conf;
	c = &sf->conf;
	sf->listen_fd = -1;
	sf->ep_fd = -1;
	for (k = 0; k < HVH_UIO_NMAPS; k++)
		sf->maps[k].fd = -1;

	snprintf(sf->devdir, sizeof(sf->devdir),
		 "%s" HVH_PREFIX_VMBUS "/devices/%s", c->root, c->uuid);
	/* Channels left by an hv-host that died must not be offered. */
	snprintf(path, sizeof(path), "%s/channels", sf->devdir);
	nftw(path, hvh_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	snprintf(path, sizeof(path), "%s" HVH_PREFIX_VMBUS
		 "/drivers/uio_hv_generic", c->root);
	ret = hvh_mkdirs(path);
	ret = ret ? ret : hvh_mkdirs(sf->devdir);
	snprintf(path, sizeof(path), "%s/dev", c->root);
	ret = ret ? ret : hvh_mkdirs(path);
	snprintf(path, sizeof(path), "%s" HVH_PREFIX_UIO_CLASS, c->root);
	ret = ret ? ret : hvh_mkdirs(path);
	snprintf(uiodir, sizeof(uiodir), "%s/uio/uio%u", sf->devdir,
		 c->uio_index);
	ret = ret ? ret : hvh_mkdirs(uiodir);
	if (ret) {
		HVH_LOG(ERR, "cannot create the tree under %s: %s", c->root,
			strerror(-ret));
		return ret;
	}

	/* Device attributes (vmbus_drv.c), formats as the kernel's. */
	ret = hvh_attr(sf->devdir, "class_id", "{%s}\n", HVH_NETVSC_CLASS);
	ret |= hvh_attr(sf->devdir, "device_id", "{%s}\n", c->uuid);
	ret |= hvh_attr(sf->devdir, "id", "%u\n", c->primary_relid);
	ret |= hvh_attr(sf->devdir, "monitor_id", "%u\n",
			c->primary_monitor_id);
	if (c->numa_node >= 0)
		ret |= hvh_attr(sf->devdir, "numa_node", "%d\n", c->numa_node);
	ret |= hvh_attr(sf->devdir, "state", "3\n");
	ret |= hvh_attr(sf->devdir, "vendor", "0x1414\n");
	ret |= hvh_attr(sf->devdir, "device", "0x0\n");
	ret |= hvh_attr(sf->devdir, "modalias",
			"vmbus:635161f83edfc546913ff2d2f965ed0e\n");
	ret |= hvh_attr(uiodir, "name", "uio_hv_generic\n");
	ret |= hvh_attr(uiodir, "version", "0.02.1\n");
	ret |= hvh_attr(uiodir, "event", "0\n");
	if (ret)
		return -EIO;
	snprintf(path, sizeof(path), "%s/driver", sf->devdir);
	if (symlink("../../drivers/uio_hv_generic", path) < 0 &&
	    errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s" HVH_PREFIX_UIO_CLASS "/uio%u",
		 c->root, c->uio_index);
	snprintf(link, sizeof(link), "../../bus/vmbus/devices/%s/uio/uio%u",
		 c->uuid, c->uio_index);
	if (symlink(link, path) < 0 && errno != EEXIST)
		return -errno;

	ret = hvh_surface_maps(sf, uiodir);
	if (ret)
		return ret;
	/* The device node comes last: its presence means "ready". */
	return hvh_surface_listen(sf);
}

int
hvh_surface_add_channel(struct hvh_surface *sf, uint32_t relid,
			uint16_t subidx, uint8_t monitor_id, size_t ring_size,
			struct hvh_map *m)
{
	char dir[PATH_MAX], tmp[PATH_MAX + 8], ring[PATH_MAX + 8];
	int ret;

	snprintf(dir, sizeof(dir), "%s/channels/%u", sf->devdir, relid);
	ret = hvh_mkdirs(dir);
	if (ret)
		return ret;
	/* vmbus_chan_attrs; the values are snapshots, DPDK reads only
	 * subchannel_id and monitor_id.
	 */
	ret = hvh_attr(dir, "out_mask", "0\n");
	ret |= hvh_attr(dir, "in_mask", "1\n");
	ret |= hvh_attr(dir, "read_avail", "0\n");
	ret |= hvh_attr(dir, "write_avail", "0\n");
	ret |= hvh_attr(dir, "cpu", "0\n");
	ret |= hvh_attr(dir, "pending", "0\n");
	ret |= hvh_attr(dir, "latency", "0\n");
	ret |= hvh_attr(dir, "interrupts", "0\n");
	ret |= hvh_attr(dir, "events", "0\n");
	if (ret)
		return -EIO;
	/* 4.16 had neither the per-channel ring nor these two. */
	if (sf->conf.kernel_416)
		return 0;
	ret = hvh_attr(dir, "monitor_id", "%u\n", monitor_id);
	ret |= hvh_attr(dir, "subchannel_id", "%u\n", subidx);
	if (ret)
		return -EIO;

	snprintf(ring, sizeof(ring), "%s/ring", dir);
	if (subidx == 0) {
		char map0[PATH_MAX];

		/* The primary's ring file is the same memory as map 0. */
		snprintf(map0, sizeof(map0), HVH_UIO_MAP_FMT, sf->conf.root,
			 sf->conf.uio_index, 0u);
		unlink(ring);
		if (link(map0, ring) < 0)
			return -errno;
		return 0;
	}
	snprintf(tmp, sizeof(tmp), "%s/.ring", dir);
	ret = hvh_map_create(tmp, ring_size, m);
	if (ret)
		return ret;
	if (rename(tmp, ring) < 0) {
		ret = -errno;
		hvh_map_release(m);
		unlink(tmp);
		return ret;
	}
	return 0;
}

int
hvh_rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)f;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

void
hvh_surface_remove_channel(struct hvh_surface *sf, uint32_t relid,
			   struct hvh_map *m)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/channels/%u", sf->devdir, relid);
	nftw(dir, hvh_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	if (m)
		hvh_map_release(m);
}

int
hvh_surface_pending(struct hvh_surface *sf)
{
	struct epoll_event ev[4];

	return epoll_wait(sf->ep_fd, ev, 4, 0) > 0;
}

int
hvh_surface_accept(struct hvh_surface *sf, pid_t *pid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd;

	fd = accept4(sf->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		cred.pid = 0;
	*pid = cred.pid;
	return fd;
}

int
hvh_surface_admit(struct hvh_surface *sf, int fd, pid_t pid)
{
	const uint32_t ready = HVH_UIO_READY;
	int ret;

	if (sf->nclients == HVH_UIO_CLIENTS_MAX) {
		HVH_LOG(WARNING, "too many /dev/uio%u openers, refusing one",
			sf->conf.uio_index);
		close(fd);
		return -EMFILE;
	}
	ret = hvh_surface_watch(sf, fd);
	if (ret < 0) {
		HVH_LOG(WARNING, "cannot watch a /dev/uio%u opener, refusing it",
			sf->conf.uio_index);
		close(fd);
		return ret;
	}
	/* A new connection has room for one message; failing means the
	 * opener gave up already.
	 */
	if (send(fd, &ready, sizeof(ready), MSG_DONTWAIT | MSG_NOSIGNAL) !=
	    (ssize_t)sizeof(ready)) {
		ret = -errno;
		epoll_ctl(sf->ep_fd, EPOLL_CTL_DEL, fd, NULL);
		close(fd);
		return ret;
	}
	sf->clients[sf->nclients].fd = fd;
	sf->clients[sf->nclients].pid = pid;
	return sf->nclients++;
}

int
hvh_surface_client_recv(struct hvh_surface *sf, unsigned int i, int32_t *val)
{
	uint8_t buf[64];
	ssize_t n;

	n = recv(sf->clients[i].fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK ||
		      errno == EINTR))
		return -EAGAIN;
	if (n <= 0) {
		epoll_ctl(sf->ep_fd, EPOLL_CTL_DEL, sf->clients[i].fd, NULL);
		close(sf->clients[i].fd);
		sf->nclients--;
		memmove(&sf->clients[i], &sf->clients[i + 1],
			(sf->nclients - i) * sizeof(sf->clients[0]));
		return 0;
	}
	if (n != HVH_UIO_MSG_SIZE) {
		/* The kernel answers such a write with -EINVAL. */
		HVH_LOG(WARNING, "uio write of %zd bytes ignored (must be 4)",
			n);
		return -EAGAIN;
	}
	memcpy(val, buf, sizeof(*val));
	return 1;
}

void
hvh_surface_raise_irq(struct hvh_surface *sf)
{
	char dir[PATH_MAX];
	uint32_t cnt;
	unsigned int i;

	cnt = ++sf->event_count;
	for (i = 0; i < sf->nclients; i++)
		/* A reader that does not keep up only misses older counts,
		 * like a uio reader that reads late.
		 */
		(void)send(sf->clients[i].fd, &cnt, sizeof(cnt),
			   MSG_DONTWAIT | MSG_NOSIGNAL);
	snprintf(dir, sizeof(dir), "%s/uio/uio%u", sf->devdir,
		 sf->conf.uio_index);
	hvh_attr(dir, "event", "%u\n", cnt);
}

void
hvh_surface_destroy(struct hvh_surface *sf)
{
	char path[PATH_MAX];
	unsigned int k;

	for (k = 0; k < sf->nclients; k++)
		close(sf->clients[k].fd);
	sf->nclients = 0;
	if (sf->listen_fd >= 0)
		close(sf->listen_fd);
	sf->listen_fd = -1;
	if (sf->ep_fd >= 0)
		close(sf->ep_fd);
	sf->ep_fd = -1;
	for (k = 0; k < HVH_UIO_NMAPS; k++)
		hvh_map_release(&sf->maps[k]);
	snprintf(path, sizeof(path), "%s/sys", sf->conf.root);
	nftw(path, hvh_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	snprintf(path, sizeof(path), "%s/dev", sf->conf.root);
	nftw(path, hvh_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	rmdir(sf->conf.root);
}
