/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * /dev/uioN as hv-host serves it: a SOCK_SEQPACKET connection per open(),
 * 4-byte messages for read()/write(), and mmap() of map K redirected to the
 * regular file backing that map.
 *
 * Which fds are such connections is kept in a table indexed by fd.  The
 * data path of the application (mmap of hugepages, read/write of other fds)
 * only pays one relaxed atomic load; a hit is confirmed against the
 * socket's inode, so an fd number that was closed behind our back (fclose
 * of an fdopen()ed connection, a raw close syscall) and reused by another
 * file is never mistaken for a uio device.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "hvh_surface_abi.h"
#include "hvp_private.h"

/* fds at or above this cannot become uio connections (EMFILE). */
#define HVP_FD_MAX 65536

struct hvp_uio_fd {
	atomic_int unit_plus1;	/* 0: not a uio connection */
	dev_t dev;		/* identity of the connected socket */
	ino_t ino;
};

static struct hvp_uio_fd hvp_fds[HVP_FD_MAX];
static pthread_mutex_t hvp_fd_lock = PTHREAD_MUTEX_INITIALIZER;

bool
hvp_uio_maybe(int fd)
{
	return fd >= 0 && fd < HVP_FD_MAX &&
		atomic_load_explicit(&hvp_fds[fd].unit_plus1,
				memory_order_relaxed) != 0;
}

int
hvp_uio_lookup(int fd)
{
	struct stat st;
	int unit = -1;
	int saved = errno;

	if (!hvp_uio_maybe(fd))
		return -1;
	pthread_mutex_lock(&hvp_fd_lock);
	if (atomic_load(&hvp_fds[fd].unit_plus1) != 0) {
		if (fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode) &&
		    st.st_dev == hvp_fds[fd].dev &&
		    st.st_ino == hvp_fds[fd].ino)
			unit = atomic_load(&hvp_fds[fd].unit_plus1) - 1;
		else
			atomic_store(&hvp_fds[fd].unit_plus1, 0);
	}
	pthread_mutex_unlock(&hvp_fd_lock);
	errno = saved;
	return unit;
}

void
hvp_uio_forget(int fd)
{
	if (hvp_uio_maybe(fd))
		atomic_store(&hvp_fds[fd].unit_plus1, 0);
}

void
hvp_uio_forget_range(unsigned int first, unsigned int last)
{
	unsigned int fd;

	if (last >= HVP_FD_MAX)
		last = HVP_FD_MAX - 1;
	for (fd = first; fd <= last; fd++)
		hvp_uio_forget((int)fd);
}

static void
hvp_uio_remember(int fd, int unit)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return;
	pthread_mutex_lock(&hvp_fd_lock);
	hvp_fds[fd].dev = st.st_dev;
	hvp_fds[fd].ino = st.st_ino;
	atomic_store(&hvp_fds[fd].unit_plus1, unit + 1);
	pthread_mutex_unlock(&hvp_fd_lock);
}

void
hvp_uio_dup(int oldfd, int newfd)
{
	int unit;

	if (newfd < 0 || newfd >= HVP_FD_MAX)
		return;
	unit = hvp_uio_lookup(oldfd);
	if (unit < 0) {
		hvp_uio_forget(newfd);
		return;
	}
	hvp_uio_remember(newfd, unit);
}

/* connect() to a socket path that may be longer than sun_path allows. */
static int
hvp_uio_connect(int sock, const char *host)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[PATH_MAX];
	const char *base;
	int dfd = -1;
	int ret;

	if (strlen(host) < sizeof(sa.sun_path)) {
		memcpy(sa.sun_path, host, strlen(host) + 1);
		return connect(sock, (struct sockaddr *)&sa, sizeof(sa));
	}
	/* Reach it through the directory's /proc/self/fd entry instead. */
	base = strrchr(host, '/');
	if (base == NULL || (size_t)(base - host) >= sizeof(dir)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(dir, host, base - host);
	dir[base - host] = '\0';
	dfd = hvp_real.openat(AT_FDCWD, dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	ret = snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d%s",
			dfd, base);
	if (ret < 0 || (size_t)ret >= sizeof(sa.sun_path)) {
		hvp_real.close(dfd);
		errno = ENAMETOOLONG;
		return -1;
	}
	ret = connect(sock, (struct sockaddr *)&sa, sizeof(sa));
	if (ret != 0) {
		int saved = errno;

		hvp_real.close(dfd);
		errno = saved;
		return ret;
	}
	hvp_real.close(dfd);
	return 0;
}

static int64_t
hvp_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Wait for hv-host's ready message (hvh_surface_abi.h): open() returns only
 * on a device hv-host has finished setting up for this opener, as the
 * kernel's open() connects the ring before returning.  The message is
 * consumed here so that read() and poll see interrupt counts only.
 */
static int
hvp_uio_wait_ready(int sock, int unit)
{
	int64_t left, deadline = hvp_now_ms() + HVH_UIO_OPEN_TIMEOUT_MS;
	struct pollfd pfd = { .fd = sock, .events = POLLIN };
	uint32_t msg = 0;
	ssize_t n;
	int rc;

	do {
		left = deadline - hvp_now_ms();
		rc = poll(&pfd, 1, left > 0 ? (int)left : 0);
	} while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		hvp_warn("hv-preload: /dev/uio%d: hv-host did not accept the "
			"open within %d ms\n", unit, HVH_UIO_OPEN_TIMEOUT_MS);
		errno = ETIMEDOUT;
		return -1;
	}
	n = recv(sock, &msg, sizeof(msg), MSG_DONTWAIT);
	if (n == 0 || (n < 0 && errno == ECONNRESET)) {
		hvp_warn("hv-preload: /dev/uio%d: hv-host refused the open\n",
			unit);
		errno = ENODEV;
		return -1;
	}
	if (n < 0)
		return -1;
	if (n != HVH_UIO_MSG_SIZE || msg != HVH_UIO_READY) {
		hvp_warn("hv-preload: /dev/uio%d: no ready message from "
			"hv-host (got %zd bytes, 0x%x)\n", unit, n, msg);
		errno = EPROTO;
		return -1;
	}
	return 0;
}

int
hvp_uio_open(const char *host, int unit, int flags)
{
	int type = HVH_UIO_SOCK_TYPE;
	int sock;
	int saved;

	if (flags & O_DIRECTORY) {
		errno = ENOTDIR;
		return -1;
	}
	if (flags & O_CLOEXEC)
		type |= SOCK_CLOEXEC;
	sock = socket(AF_UNIX, type, 0);
	if (sock < 0)
		return -1;
	if (sock >= HVP_FD_MAX) {
		hvp_real.close(sock);
		errno = EMFILE;
		return -1;
	}
	/*
	 * Connect blocking even for O_NONBLOCK: a non-blocking connect may
	 * fail with EAGAIN on a busy listener, which open() never does.
	 */
	if (hvp_uio_connect(sock, host) != 0)
		goto fail;
	if (hvp_uio_wait_ready(sock, unit) != 0)
		goto fail;
	if ((flags & O_NONBLOCK) &&
	    hvp_real.fcntl(sock, F_SETFL, O_NONBLOCK) != 0)
		goto fail;
	hvp_uio_remember(sock, unit);
	hvp_log("hv-preload: uio%d connected as fd %d\n", unit, sock);
	return sock;

fail:
	saved = errno;
	hvp_real.close(sock);
	/* No hv-host behind the node: the device is gone, as for the kernel. */
	if (saved == ECONNREFUSED || saved == ENOENT)
		saved = ENODEV;
	errno = saved;
	return -1;
}

void *
hvp_uio_mmap(int unit, void *addr, size_t len, int prot, int flags,
		off64_t off)
{
	char path[PATH_MAX];
	struct stat st;
	void *va;
	int mfd;
	int saved;
	int n;

	if (off < 0 || off % HVH_UIO_MAP_PAGE != 0 || len == 0) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	n = snprintf(path, sizeof(path), HVH_UIO_MAP_FMT, hvp_root(),
			(unsigned int)unit,
			(unsigned int)(off / HVH_UIO_MAP_PAGE));
	if (n < 0 || (size_t)n >= sizeof(path) ||
	    off / HVH_UIO_MAP_PAGE >= HVH_UIO_NMAPS) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	mfd = hvp_real.openat(AT_FDCWD, path,
			((prot & PROT_WRITE) ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (mfd < 0) {
		/* uio_mmap answers an unknown map index with EINVAL. */
		if (errno == ENOENT)
			errno = EINVAL;
		return MAP_FAILED;
	}
	if (fstat(mfd, &st) != 0) {
		saved = errno;
		hvp_real.close(mfd);
		errno = saved;
		return MAP_FAILED;
	}
	/* As uio_mmap: at most the map's size rounded up to whole pages. */
	if (len > (((size_t)st.st_size + HVH_UIO_MAP_PAGE - 1) &
			~(size_t)(HVH_UIO_MAP_PAGE - 1))) {
		hvp_real.close(mfd);
		errno = EINVAL;
		return MAP_FAILED;
	}
	va = hvp_real.mmap(addr, len, prot, flags, mfd, 0);
	saved = errno;
	hvp_real.close(mfd);
	errno = saved;
	hvp_log("hv-preload: uio%d map %u (%zu bytes) at %p\n", unit,
		(unsigned int)(off / HVH_UIO_MAP_PAGE), len, va);
	return va;
}

ssize_t
hvp_uio_read(int fd, void *buf, size_t count)
{
	ssize_t n;

	if (count != HVH_UIO_MSG_SIZE) {
		errno = EINVAL;
		return -1;
	}
	n = hvp_real.read(fd, buf, count);
	/* hv-host hung up or sent garbage: the device is gone. */
	if (n >= 0 && n != HVH_UIO_MSG_SIZE) {
		errno = EIO;
		return -1;
	}
	return n;
}

ssize_t
hvp_uio_write(int fd, const void *buf, size_t count)
{
	ssize_t n;

	if (count != HVH_UIO_MSG_SIZE) {
		errno = EINVAL;
		return -1;
	}
	/* Never SIGPIPE the application when hv-host went away. */
	n = send(fd, buf, count, MSG_NOSIGNAL);
	if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
		errno = EIO;
	return n;
}
