/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Runs under LD_PRELOAD=libhv_preload.so with HVH_ROOT pointing at the
 * fixture preload.sh builds, and checks through ordinary libc calls
 * that the surface paths read the fixture, that other paths are untouched,
 * and that /dev/uio0 behaves like uio_hv_generic's node (mmap of maps,
 * 4-byte messages, epoll).  Facts about the fixture are checked against raw
 * system calls, which the preload cannot see.
 *
 *   test_preload surface   everything, HVH_ROOT set
 *   test_preload inert     HVH_ROOT unset: nothing may be redirected
 *   test_preload uio       only /dev/uio0 (for a root longer than sun_path)
 *
 * hv-host's side of /dev/uio0 runs on a thread of its own, since open()
 * waits for its ready message.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "hvh_surface_abi.h"
#include "test_preload.h"

static char tp_dev[256];
static const char *tp_root_dir;
static const char *tp_uuid;
static int tp_listener = -1;

/* Pointers the compiler cannot prove NULL, to call libc with NULL paths. */
static const char *volatile tp_null_path;

ssize_t
tp_raw_read(const char *host_path, char *buf, size_t size)
{
	long fd = syscall(SYS_openat, AT_FDCWD, host_path, O_RDONLY);
	long n;

	if (fd < 0)
		return -1;
	n = syscall(SYS_read, fd, buf, size - 1);
	syscall(SYS_close, fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

const char *
tp_dev_dir(void)
{
	return tp_dev;
}

const char *
tp_root(void)
{
	return tp_root_dir;
}

static void
tp_host(char *out, const char *virt)
{
	snprintf(out, PATH_MAX, "%s%s", tp_root_dir, virt);
}

/* ---- reading the surface ---------------------------------------------- */

static void
test_open_reads_fixture(void)
{
	char path[PATH_MAX];
	char host[PATH_MAX];
	char want[256];
	char got[256] = "";
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "%s/class_id", tp_dev);
	tp_host(host, path);
	tp_raw_read(host, want, sizeof(want));
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		n = read(fd, got, sizeof(got) - 1);
		close(fd);
	}
	if (n >= 0)
		got[n] = '\0';
	TP_CHECK(fd >= 0 && strcmp(got, want) == 0 &&
		strncmp(got, "{f8615163", 9) == 0,
		"open_reads_fixture_class_id", "fd %d got '%s' want '%s' (%s)",
		fd, got, want, strerror(errno));
}

static void
test_fopen_reads_map_name(void)
{
	char line[64] = "";
	FILE *f = fopen("/sys/class/uio/uio0/maps/map0/name", "r");

	if (f != NULL) {
		if (fgets(line, sizeof(line), f) == NULL)
			line[0] = '\0';
		fclose(f);
	}
	TP_CHECK(f != NULL && strcmp(line, "txrx_rings\n") == 0,
		"fopen_follows_absolute_class_link", "got '%s' (%s)", line,
		strerror(errno));
}

static void
test_fscanf_channel_attrs(void)
{
	char path[PATH_MAX];
	unsigned long sub = 99;
	unsigned long mon = 99;
	FILE *f;

	snprintf(path, sizeof(path), "%s/channels/14/subchannel_id", tp_dev);
	f = fopen(path, "r");
	if (f != NULL) {
		if (fscanf(f, "%lu", &sub) != 1)
			sub = 99;
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/channels/14/monitor_id", tp_dev);
	f = fopen(path, "r");
	if (f != NULL) {
		if (fscanf(f, "%lu", &mon) != 1)
			mon = 99;
		fclose(f);
	}
	TP_CHECK(sub == 0 && mon == 3, "fscanf_channel_attributes",
		"subchannel_id %lu monitor_id %lu", sub, mon);
}

static void
test_opendir_lists_devices(void)
{
	DIR *d = opendir("/sys/bus/vmbus/devices");
	struct dirent *e;
	int found = 0;
	int others = 0;

	while (d != NULL && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (strcmp(e->d_name, tp_uuid) == 0)
			found++;
		else
			others++;
	}
	if (d != NULL)
		closedir(d);
	TP_CHECK(found == 1 && others == 0, "opendir_lists_fixture_devices",
		"found %d others %d (%s)", found, others, strerror(errno));
}

static int
tp_select_channels(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

static void
test_scandir_channels(void)
{
	char path[PATH_MAX];
	struct dirent **list = NULL;
	int n;
	int ok;

	snprintf(path, sizeof(path), "%s/channels", tp_dev);
	n = scandir(path, &list, tp_select_channels, alphasort);
	ok = n == 1 && strcmp(list[0]->d_name, "14") == 0;
	while (n > 0)
		free(list[--n]);
	free(list);
	TP_CHECK(ok, "scandir_lists_channels", "n %d", n);
}

static void
test_stat_family(void)
{
	char ring[PATH_MAX];
	char host[PATH_MAX];
	struct stat st_ring = { 0 };
	struct stat st_link = { 0 };
	struct stat st_follow = { 0 };
	struct stat st_at = { 0 };
	struct statx stx = { 0 };
	struct stat raw;
	int a, b, c, d, e;

	snprintf(ring, sizeof(ring), "%s/channels/14/ring", tp_dev);
	tp_host(host, ring);
	if (syscall(SYS_newfstatat, AT_FDCWD, host, &raw, 0) != 0)
		raw.st_ino = 0;
	a = stat(ring, &st_ring);
	b = lstat("/sys/class/uio/uio0", &st_link);
	c = stat("/sys/class/uio/uio0", &st_follow);
	d = fstatat(AT_FDCWD, "/sys/class/uio/uio0", &st_at,
			AT_SYMLINK_NOFOLLOW);
	e = statx(AT_FDCWD, ring, 0, STATX_SIZE | STATX_INO, &stx);
	TP_CHECK(a == 0 && st_ring.st_size == 8192 &&
		st_ring.st_ino == raw.st_ino && raw.st_ino != 0,
		"stat_ring_is_fixture_file", "rc %d size %lld", a,
		(long long)st_ring.st_size);
	TP_CHECK(b == 0 && S_ISLNK(st_link.st_mode),
		"lstat_sees_class_symlink", "rc %d mode %o", b,
		st_link.st_mode);
	TP_CHECK(c == 0 && S_ISDIR(st_follow.st_mode),
		"stat_follows_class_symlink", "rc %d mode %o (%s)", c,
		st_follow.st_mode, strerror(errno));
	TP_CHECK(d == 0 && S_ISLNK(st_at.st_mode),
		"fstatat_nofollow_sees_symlink", "rc %d mode %o", d,
		st_at.st_mode);
	TP_CHECK(e == 0 && stx.stx_size == 8192 && stx.stx_ino == raw.st_ino,
		"statx_ring_is_fixture_file", "rc %d size %llu", e,
		(unsigned long long)stx.stx_size);
}

static void
test_access_family(void)
{
	char ring[PATH_MAX];
	char numa[PATH_MAX];
	int a, b, c, d, e;
	int missing_errno;

	snprintf(ring, sizeof(ring), "%s/channels/14/ring", tp_dev);
	snprintf(numa, sizeof(numa), "%s/numa_node", tp_dev);
	a = access(ring, R_OK | W_OK);
	b = access(numa, R_OK);
	errno = 0;
	c = access("/sys/bus/vmbus/devices/no-such-device/id", F_OK);
	missing_errno = errno;
	d = faccessat(AT_FDCWD, ring, R_OK, 0);
	e = euidaccess(ring, R_OK) + eaccess(numa, R_OK);
	TP_CHECK(a == 0 && b == 0, "access_ring_and_numa_node", "%d %d (%s)",
		a, b, strerror(errno));
	TP_CHECK(c == -1 && missing_errno == ENOENT,
		"access_missing_is_enoent", "rc %d errno %d", c,
		missing_errno);
	TP_CHECK(d == 0 && e == 0, "faccessat_euidaccess_eaccess",
		"%d %d", d, e);
}

static void
test_readlink_realpath(void)
{
	char path[PATH_MAX];
	char buf[PATH_MAX];
	char want[PATH_MAX + 16];
	char res[PATH_MAX];
	char *rp;
	ssize_t n;
	struct stat st;
	FILE *f;
	char line[64] = "";

	/* A relative link that stays in the surface is returned as is. */
	snprintf(path, sizeof(path), "%s/driver", tp_dev);
	n = readlink(path, buf, sizeof(buf) - 1);
	if (n >= 0)
		buf[n] = '\0';
	TP_CHECK(n > 0 && strcmp(buf, "../../drivers/uio_hv_generic") == 0,
		"readlink_relative_in_surface_unchanged", "got '%s'",
		n >= 0 ? buf : strerror(errno));

	/* An absolute link into the surface keeps its virtual target. */
	n = readlink("/sys/class/uio/uio0", buf, sizeof(buf) - 1);
	if (n >= 0)
		buf[n] = '\0';
	snprintf(want, sizeof(want), "%s/uio/uio0", tp_dev);
	TP_CHECK(n > 0 && strcmp(buf, want) == 0,
		"readlink_absolute_into_surface", "got '%s' want '%s'",
		n >= 0 ? buf : strerror(errno), want);

	/* Links leaving the surface for R's /sys/devices must still work. */
	n = readlink("/sys/class/uio/uio1", buf, sizeof(buf) - 1);
	if (n >= 0)
		buf[n] = '\0';
	snprintf(want, sizeof(want), "%s/name", buf);
	f = n > 0 ? fopen(want, "r") : NULL;
	if (f != NULL) {
		if (fgets(line, sizeof(line), f) == NULL)
			line[0] = '\0';
		fclose(f);
	}
	TP_CHECK(f != NULL && strcmp(line, "other\n") == 0,
		"readlink_leaving_surface_resolves", "target '%s' read '%s'",
		n >= 0 ? buf : strerror(errno), line);
	n = readlink("/sys/class/uio/uio2", buf, sizeof(buf) - 1);
	if (n >= 0)
		buf[n] = '\0';
	TP_CHECK(n > 0 && stat(buf, &st) == 0 && S_ISDIR(st.st_mode),
		"readlink_absolute_outside_surface_resolves", "target '%s'",
		n >= 0 ? buf : strerror(errno));

	/* Truncation as readlink(2): no NUL, count = buffer size. */
	memset(buf, 'x', 8);
	n = readlink("/sys/class/uio/uio0", buf, 4);
	TP_CHECK(n == 4 && memcmp(buf, "/sys", 4) == 0 && buf[4] == 'x',
		"readlink_truncates_like_kernel", "n %zd", n);

	rp = realpath("/sys/class/uio/uio0/maps/../maps/map1", res);
	snprintf(want, sizeof(want), "%s/uio/uio0/maps/map1", tp_dev);
	TP_CHECK(rp == res && strcmp(res, want) == 0,
		"realpath_through_absolute_link", "got '%s' want '%s'",
		rp ? res : strerror(errno), want);
	rp = realpath("/sys/class/uio/uio2/name", NULL);
	TP_CHECK(rp != NULL && stat(rp, &st) == 0 && S_ISREG(st.st_mode),
		"realpath_outside_surface_resolves", "got '%s'",
		rp ? rp : strerror(errno));
	free(rp);
	errno = 0;
	rp = realpath("/sys/class/uio/uio0/nothing/here", res);
	TP_CHECK(rp == NULL && errno == ENOENT, "realpath_missing_is_enoent",
		"rp %p errno %d", (void *)rp, errno);
	rp = canonicalize_file_name("/sys/class/uio/uio0");
	snprintf(want, sizeof(want), "%s/uio/uio0", tp_dev);
	TP_CHECK(rp != NULL && strcmp(rp, want) == 0,
		"canonicalize_file_name_redirected", "got '%s'",
		rp ? rp : strerror(errno));
	free(rp);
}

/* ---- what must not be touched ----------------------------------------- */

static void
tp_read_all(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = -1;

	buf[0] = '\0';
	if (fd < 0)
		return;
	n = read(fd, buf, size - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
}

static void
test_other_paths_untouched(void)
{
	char via_libc[4096];
	char raw[4096];
	struct stat st;
	int rc;

	tp_read_all("/etc/hostname", via_libc, sizeof(via_libc));
	tp_raw_read("/etc/hostname", raw, sizeof(raw));
	TP_CHECK(strcmp(via_libc, raw) == 0 && strcmp(raw, "decoy\n") != 0,
		"etc_hostname_untouched", "libc '%s' raw '%s'", via_libc,
		raw);
	tp_read_all("/proc/self/status", via_libc, sizeof(via_libc));
	TP_CHECK(strncmp(via_libc, "Name:", 5) == 0,
		"proc_self_status_untouched", "got '%.20s'", via_libc);
	/* Only whole components match: /sys/bus/vmbusx is not the bus. */
	errno = 0;
	rc = stat("/sys/bus/vmbusx", &st);
	TP_CHECK(rc == -1 && errno == ENOENT,
		"prefix_matches_whole_component", "rc %d errno %d", rc,
		errno);
	/* ".." out of the surface lands in the real /sys/class. */
	rc = stat("/sys/class/uio/../net", &st);
	TP_CHECK(rc == 0 && S_ISDIR(st.st_mode),
		"dotdot_leaves_surface", "rc %d (%s)", rc, strerror(errno));
}

static void
test_bad_paths(void)
{
	char longp[PATH_MAX + 64];
	struct stat st;
	int rc;
	void *p;

	errno = 0;
	rc = open(tp_null_path, O_RDONLY);
	TP_CHECK(rc == -1 && errno == EFAULT, "open_null_is_efault",
		"rc %d errno %d", rc, errno);
	errno = 0;
	p = opendir(tp_null_path);
	TP_CHECK(p == NULL && errno == EFAULT, "opendir_null_is_efault",
		"errno %d", errno);
	errno = 0;
	p = fopen(tp_null_path, "r");
	TP_CHECK(p == NULL && errno == EFAULT, "fopen_null_is_efault",
		"errno %d", errno);
	errno = 0;
	rc = stat(tp_null_path, &st);
	TP_CHECK(rc == -1 && errno == EFAULT, "stat_null_is_efault",
		"errno %d", errno);
	errno = 0;
	p = realpath(tp_null_path, NULL);
	TP_CHECK(p == NULL && errno == EINVAL, "realpath_null_is_einval",
		"errno %d", errno);
	errno = 0;
	rc = (int)readlink(tp_null_path, longp, 10);
	TP_CHECK(rc == -1 && errno == EFAULT, "readlink_null_is_efault",
		"errno %d", errno);

	memset(longp, 'a', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	memcpy(longp, "/sys/bus/vmbus/", 15);
	errno = 0;
	rc = open(longp, O_RDONLY);
	TP_CHECK(rc == -1 && errno == ENAMETOOLONG,
		"long_path_is_enametoolong", "rc %d errno %d", rc, errno);
	errno = 0;
	rc = open("/sys/bus/vmbus/loop/x", O_RDONLY);
	TP_CHECK(rc == -1 && errno == ELOOP, "link_loop_is_eloop",
		"rc %d errno %d", rc, errno);
}

/* ---- /dev/uio0 -------------------------------------------------------- */

/*
 * hv-host's side of /dev/uioN.  A root too long for sun_path is reached
 * by binding relative to its dev folder, as hv-host would have to.
 */
static int
tp_listen(const char *virt, bool do_listen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[PATH_MAX];
	char cwd[PATH_MAX];
	const char *base = strrchr(virt, '/') + 1;
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	int rc;

	snprintf(dir, sizeof(dir), "%s/dev", tp_root_dir);
	if (getcwd(cwd, sizeof(cwd)) == NULL || chdir(dir) != 0) {
		perror("fixture dev folder");
		exit(2);
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", base);
	unlink(sa.sun_path);
	rc = s < 0 ? -1 : bind(s, (struct sockaddr *)&sa, sizeof(sa));
	if (chdir(cwd) != 0 || rc != 0 || (do_listen && listen(s, 8) != 0)) {
		perror("fixture socket");
		exit(2);
	}
	return s;
}

/* How the host thread answers the next connections. */
enum tp_answer {
	TP_READY,	/* HVH_UIO_READY at once */
	TP_LATE,	/* HVH_UIO_READY after 200 ms */
	TP_SILENT,	/* nothing */
	TP_WRONG,	/* another 4-byte value */
	TP_HANGUP,	/* close the connection */
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	enum tp_answer answer;
	int fds[16];		/* accepted, not yet taken by tp_accept() */
	unsigned int n;
	bool opened;		/* the test's open() has returned */
	bool early;		/* ...before a late ready message was sent */
} tp_srv = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.cond = PTHREAD_COND_INITIALIZER,
};

static void
tp_srv_answer(enum tp_answer a)
{
	pthread_mutex_lock(&tp_srv.lock);
	tp_srv.answer = a;
	tp_srv.opened = false;
	tp_srv.early = false;
	pthread_mutex_unlock(&tp_srv.lock);
}

/* The test's open() returned (call right after it). */
static void
tp_srv_opened(void)
{
	pthread_mutex_lock(&tp_srv.lock);
	tp_srv.opened = true;
	pthread_mutex_unlock(&tp_srv.lock);
}

static void *
tp_srv_thread(void *arg)
{
	const uint32_t ready = HVH_UIO_READY, wrong = 1;
	struct timespec late = { .tv_nsec = 200 * 1000 * 1000 };
	enum tp_answer a;
	int fd;

	(void)arg;
	for (;;) {
		fd = accept4(tp_listener, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		pthread_mutex_lock(&tp_srv.lock);
		a = tp_srv.answer;
		pthread_mutex_unlock(&tp_srv.lock);
		if (a == TP_LATE) {
			nanosleep(&late, NULL);
			pthread_mutex_lock(&tp_srv.lock);
			tp_srv.early = tp_srv.opened;
			pthread_mutex_unlock(&tp_srv.lock);
		}
		if (a == TP_HANGUP) {
			close(fd);
			continue;
		}
		if (a == TP_READY || a == TP_LATE)
			send(fd, &ready, sizeof(ready), MSG_NOSIGNAL);
		else if (a == TP_WRONG)
			send(fd, &wrong, sizeof(wrong), MSG_NOSIGNAL);
		pthread_mutex_lock(&tp_srv.lock);
		if (tp_srv.n < 16)
			tp_srv.fds[tp_srv.n++] = fd;
		else
			close(fd);
		pthread_cond_signal(&tp_srv.cond);
		pthread_mutex_unlock(&tp_srv.lock);
	}
	return NULL;
}

/* The host end of the last connection (oldest first), or -1 after 3 s. */
static int
tp_accept(void)
{
	struct timespec until;
	int fd = -1;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 3;
	pthread_mutex_lock(&tp_srv.lock);
	while (tp_srv.n == 0 &&
	       pthread_cond_timedwait(&tp_srv.cond, &tp_srv.lock,
			&until) == 0)
		;
	if (tp_srv.n > 0) {
		fd = tp_srv.fds[0];
		memmove(&tp_srv.fds[0], &tp_srv.fds[1],
			--tp_srv.n * sizeof(tp_srv.fds[0]));
	}
	pthread_mutex_unlock(&tp_srv.lock);
	return fd;
}

static void
tp_srv_start(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, tp_srv_thread, NULL) != 0) {
		perror("host thread");
		exit(2);
	}
	pthread_detach(t);
}

/*
 * open() returns only once hv-host said the device is ready (it may first
 * have to reset it after the previous guest), and fails clearly when
 * hv-host stays silent, answers something else or refuses.
 */
static void
test_uio_open_handshake(void)
{
	int fd, srv, err;

	tp_srv_answer(TP_LATE);
	fd = open("/dev/uio0", O_RDWR);
	tp_srv_opened();
	srv = tp_accept();
	TP_CHECK(fd >= 0 && srv >= 0 && !tp_srv.early,
		"uio_open_waits_for_host_ready", "fd %d srv %d early %d", fd,
		srv, tp_srv.early);
	if (fd >= 0)
		close(fd);
	if (srv >= 0)
		close(srv);

	tp_srv_answer(TP_SILENT);
	errno = 0;
	fd = open("/dev/uio0", O_RDWR);
	err = errno;
	srv = tp_accept();
	TP_CHECK(fd == -1 && err == ETIMEDOUT,
		"uio_open_without_ready_is_etimedout", "fd %d errno %d", fd,
		err);
	if (srv >= 0)
		close(srv);

	tp_srv_answer(TP_WRONG);
	errno = 0;
	fd = open("/dev/uio0", O_RDWR | O_NONBLOCK);
	err = errno;
	srv = tp_accept();
	TP_CHECK(fd == -1 && err == EPROTO,
		"uio_open_with_wrong_first_message_is_eproto",
		"fd %d errno %d", fd, err);
	if (srv >= 0)
		close(srv);

	tp_srv_answer(TP_HANGUP);
	errno = 0;
	fd = open("/dev/uio0", O_RDWR);
	err = errno;
	TP_CHECK(fd == -1 && err == ENODEV, "uio_open_refused_is_enodev",
		"fd %d errno %d", fd, err);
	tp_srv_answer(TP_READY);
}

static void
test_uio_mmap_maps(void)
{
	char host[PATH_MAX];
	char raw[16];
	uint8_t *m0, *m1, *m2;
	void *bad;
	int fd = open("/dev/uio0", O_RDWR);
	int srv = tp_accept();
	int err;

	TP_CHECK(fd >= 0 && srv >= 0, "uio_open_connects", "fd %d srv %d (%s)",
		fd, srv, strerror(errno));
	m0 = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	m1 = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 4096);
	m2 = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 2 * 4096);
	TP_CHECK(m0 != MAP_FAILED && m0[0] == 'A' && m0[8191] == 'A' &&
		m1 != MAP_FAILED && m1[0] == 'B' && m1[4095] == 'B' &&
		m2 != MAP_FAILED && m2[100] == 'C',
		"uio_mmap_offset_selects_map", "m0 %p m1 %p m2 %p",
		(void *)m0, (void *)m1, (void *)m2);
	if (m1 != MAP_FAILED) {
		m1[10] = 'Z';
		msync(m1, 4096, MS_SYNC);
	}
	snprintf(host, sizeof(host), "%s/dev/uio0.map1", tp_root_dir);
	tp_raw_read(host, raw, 12);
	TP_CHECK(raw[10] == 'Z' && raw[9] == 'B', "uio_mmap_is_shared",
		"file byte 10 is '%c'", raw[10]);
	if (m1 != MAP_FAILED) {
		m1[10] = 'B';
		munmap(m1, 4096);
	}
	if (m0 != MAP_FAILED)
		munmap(m0, 8192);
	if (m2 != MAP_FAILED)
		munmap(m2, 4096);

	errno = 0;
	bad = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 4096);
	err = errno;
	TP_CHECK(bad == MAP_FAILED && err == EINVAL,
		"uio_mmap_longer_than_map_is_einval", "%p errno %d", bad, err);
	errno = 0;
	bad = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4 * 4096);
	err = errno;
	TP_CHECK(bad == MAP_FAILED && err == EINVAL,
		"uio_mmap_missing_map_is_einval", "%p errno %d", bad, err);
	close(fd);
	if (srv >= 0)
		close(srv);
}

static void
test_uio_messages(void)
{
	struct epoll_event ev = { .events = EPOLLIN };
	uint32_t count = 0;
	int32_t val = 1;
	uint32_t got = 0;
	char small[4];
	int fd = open("/dev/uio0", O_RDWR | O_CLOEXEC);
	int srv = tp_accept();
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int before, after;
	ssize_t n;
	int err;

	ev.data.fd = fd;
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	before = epoll_wait(ep, &ev, 1, 0);
	count = 7;
	if (send(srv, &count, 4, 0) != 4)
		perror("send");
	after = epoll_wait(ep, &ev, 1, 1000);
	TP_CHECK(before == 0 && after == 1 && (ev.events & EPOLLIN),
		"uio_epoll_reports_interrupt", "before %d after %d", before,
		after);
	errno = 0;
	n = read(fd, small, 3);
	err = errno;
	TP_CHECK(n == -1 && err == EINVAL, "uio_read_3_bytes_is_einval",
		"n %zd errno %d", n, err);
	n = read(fd, &got, 4);
	TP_CHECK(n == 4 && got == 7, "uio_read_returns_count",
		"n %zd count %u", n, got);
	n = write(fd, &val, 4);
	got = 0;
	TP_CHECK(n == 4 && recv(srv, &got, sizeof(got), 0) == 4 && got == 1,
		"uio_write_sends_unmask", "n %zd host got %u", n, got);
	errno = 0;
	n = write(fd, &val, 2);
	err = errno;
	TP_CHECK(n == -1 && err == EINVAL, "uio_write_2_bytes_is_einval",
		"n %zd errno %d", n, err);
	TP_CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0,
		"uio_open_honours_cloexec", "flags %d", fcntl(fd, F_GETFD));
	/* hv-host going away reads as a removed device, never SIGPIPE. */
	close(srv);
	errno = 0;
	n = read(fd, &got, 4);
	err = errno;
	TP_CHECK(n == -1 && err == EIO, "uio_read_after_host_gone_is_eio",
		"n %zd errno %d", n, err);
	errno = 0;
	n = write(fd, &val, 4);
	err = errno;
	TP_CHECK(n == -1 && err == EIO, "uio_write_after_host_gone_is_eio",
		"n %zd errno %d", n, err);
	close(ep);
	close(fd);
}

static void
test_uio_nonblock_and_dead(void)
{
	uint32_t got;
	ssize_t n;
	int err;
	int fd = open("/dev/uio0", O_RDWR | O_NONBLOCK);
	int srv = tp_accept();

	errno = 0;
	n = read(fd, &got, 4);
	err = errno;
	TP_CHECK(fd >= 0 && n == -1 && err == EAGAIN,
		"uio_nonblock_read_is_eagain", "fd %d n %zd errno %d", fd, n,
		err);
	close(fd);
	close(srv);
	/* A node with nobody listening: the device is gone. */
	errno = 0;
	fd = open("/dev/uio1", O_RDWR);
	err = errno;
	TP_CHECK(fd == -1 && err == ENODEV, "uio_open_without_host_is_enodev",
		"fd %d errno %d", fd, err);
}

static void
test_uio_fd_table(void)
{
	char host[PATH_MAX];
	uint8_t *m;
	char buf[8];
	int fd = open("/dev/uio0", O_RDWR);
	int srv = tp_accept();
	int d1 = dup(fd);
	int d2 = fcntl(fd, F_DUPFD_CLOEXEC, 100);
	int d3 = dup3(fd, 200, O_CLOEXEC);
	int num;
	int reg;
	ssize_t n;

	close(fd);
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, d2, 2 * 4096);
	TP_CHECK(d1 >= 0 && d2 >= 100 && d3 == 200 && m != MAP_FAILED &&
		m[0] == 'C', "uio_dup_keeps_uio_semantics",
		"d1 %d d2 %d d3 %d m %p", d1, d2, d3, (void *)m);
	if (m != MAP_FAILED)
		munmap(m, 4096);
	num = d1;
	close(d1);
	close(d2);
	close(d3);
	close(srv);
	/* The number is reused by a plain file: ordinary semantics again. */
	snprintf(host, sizeof(host), "%s/dev/uio0.map0", tp_root_dir);
	reg = open(host, O_RDONLY);
	if (reg != num && reg >= 0) {
		dup2(reg, num);
		close(reg);
		reg = num;
	}
	n = read(reg, buf, 3);
	m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, reg, 0);
	TP_CHECK(reg == num && n == 3 && m != MAP_FAILED && m[0] == 'A',
		"closed_uio_fd_number_is_ordinary_again", "reg %d n %zd", reg,
		n);
	if (m != MAP_FAILED)
		munmap(m, 4096);
	close(reg);

	/* dup2 over a uio fd turns that number into the plain file. */
	fd = open("/dev/uio0", O_RDWR);
	srv = tp_accept();
	reg = open(host, O_RDONLY);
	dup2(reg, fd);
	n = read(fd, buf, 3);
	TP_CHECK(n == 3, "dup2_over_uio_fd_forgets_it", "n %zd (%s)", n,
		strerror(errno));
	close(reg);
	close(fd);
	close(srv);
}

static void
test_uio_fopen(void)
{
	uint32_t count = 9;
	uint32_t got = 0;
	FILE *f = fopen("/dev/uio0", "r+");
	int srv = tp_accept();
	ssize_t n = -1;

	if (f != NULL && srv >= 0) {
		send(srv, &count, 4, 0);
		n = read(fileno(f), &got, 4);
	}
	TP_CHECK(f != NULL && n == 4 && got == 9, "uio_fopen_connects",
		"f %p n %zd got %u", (void *)f, n, got);
	if (f != NULL)
		fclose(f);
	if (srv >= 0)
		close(srv);
}

/* ---- concurrency ------------------------------------------------------ */

static void *
tp_worker(void *arg)
{
	char path[PATH_MAX];
	char buf[64];
	long bad = 0;
	int i;

	(void)arg;
	snprintf(path, sizeof(path), "%s/monitor_id", tp_dev);
	for (i = 0; i < 2000; i++) {
		int fd = open(path, O_RDONLY);
		ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf)) : -1;

		if (n != 2 || buf[0] != '3')
			bad++;
		if (fd >= 0)
			close(fd);
	}
	return (void *)bad;
}

static void
test_threads(void)
{
	pthread_t t[4];
	long bad = 0;
	void *r;
	int i;

	for (i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, tp_worker, NULL);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], &r);
		bad += (long)r;
	}
	TP_CHECK(bad == 0, "concurrent_redirects_are_consistent",
		"%ld bad reads", bad);
}

static void
test_inert(void)
{
	struct stat st;
	char via_libc[4096];
	char raw[4096];
	int rc;
	int real_exists = syscall(SYS_newfstatat, AT_FDCWD, "/sys/bus/vmbus",
			&st, 0) == 0;

	errno = 0;
	rc = stat("/sys/bus/vmbus/devices", &st);
	TP_CHECK(real_exists ? rc == 0 : (rc == -1 && errno == ENOENT),
		"inert_without_hvh_root", "rc %d errno %d", rc, errno);
	tp_read_all("/etc/hostname", via_libc, sizeof(via_libc));
	tp_raw_read("/etc/hostname", raw, sizeof(raw));
	TP_CHECK(strcmp(via_libc, raw) == 0, "inert_reads_unchanged",
		"libc '%s' raw '%s'", via_libc, raw);
}

/* hv-preload's /dev/uio0 is served by this program: listen and answer. */
static void
serve_uio(void)
{
	int dead;

	tp_listener = tp_listen("/dev/uio0", true);
	dead = tp_listen("/dev/uio1", false);
	close(dead);
	tp_srv_start();
}

/* Each mode runs in a process of its own (inert without HVH_ROOT). */
static int
mode_surface(void)
{
	serve_uio();
	test_open_reads_fixture();
	test_fopen_reads_map_name();
	test_fscanf_channel_attrs();
	test_opendir_lists_devices();
	test_scandir_channels();
	test_stat_family();
	test_access_family();
	test_readlink_realpath();
	test_other_paths_untouched();
	test_bad_paths();
	test_uio_open_handshake();
	test_uio_mmap_maps();
	test_uio_messages();
	test_uio_nonblock_and_dead();
	test_uio_fd_table();
	test_uio_fopen();
	test_threads();
	tp_fortify_tests();
	tp_lfs_tests();
	return 0;
}

static int
mode_inert(void)
{
	test_inert();
	return 0;
}

static int
mode_uio(void)
{
	serve_uio();
	test_uio_mmap_maps();
	test_uio_messages();
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct hvt_test modes[] = {
		{ "surface", mode_surface },
		{ "inert", mode_inert },
		{ "uio", mode_uio },
	};
	struct hvt_run r;

	tp_uuid = getenv("HVP_TEST_UUID");
	tp_root_dir = getenv("HVP_TEST_ROOT");
	if (tp_uuid == NULL || tp_root_dir == NULL || argc != 2) {
		fprintf(stderr, "usage: HVP_TEST_UUID=... HVP_TEST_ROOT=... "
			"%s surface|inert|uio\n", argv[0]);
		return 2;
	}
	snprintf(tp_dev, sizeof(tp_dev), "/sys/bus/vmbus/devices/%s", tp_uuid);
	hvt_start(&r, argc, argv);
	hvt_table(&r, NULL, modes, HVT_DIM(modes));
	return hvt_end(&r);
}
