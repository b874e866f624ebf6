/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Built with -D_FILE_OFFSET_BITS=64 (and fortified), so open, openat,
 * fopen, stat, lstat, fstatat, scandir, statfs and mmap resolve to their
 * *64 symbols, and the fortified opens to __open64_2/__openat64_2.  The
 * pre-2.33 stat entry points (__xstat and friends) that old binaries
 * import are called directly.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "test_preload.h"

/* _STAT_VER of x86_64 for the compatibility stat functions. */
#define TP_STAT_VER 1

int __xstat(int ver, const char *path, struct stat *buf);
int __lxstat(int ver, const char *path, struct stat *buf);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *buf,
		int flags);
int __xstat64(int ver, const char *path, struct stat64 *buf);

static volatile int tp_rdwr = O_RDWR;

static int
tp_no_dots(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

void
tp_lfs_tests(void)
{
	char path[PATH_MAX];
	char line[64] = "";
	struct dirent **list = NULL;
	struct stat st = { 0 };
	struct stat64 st64 = { 0 };
	struct statfs sfs;
	uint8_t *m = MAP_FAILED;
	FILE *f;
	int fd, fd2;
	int a, b, c, d, n;

	snprintf(path, sizeof(path), "%s/channels/14/ring", tp_dev_dir());
	fd = open(path, tp_rdwr);
	fd2 = openat(AT_FDCWD, path, tp_rdwr);
	if (fd >= 0)
		m = mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0);
	TP_CHECK(fd >= 0 && fd2 >= 0 && m != MAP_FAILED && m[4096] == 'R',
		"lfs_open64_2_openat64_2_mmap64", "fd %d fd2 %d m %p", fd, fd2,
		(void *)m);
	if (m != MAP_FAILED)
		munmap(m, 8192);
	if (fd >= 0)
		close(fd);
	if (fd2 >= 0)
		close(fd2);

	/* Constant flags: the fortified open() forwards to open64. */
	fd = open("/sys/class/uio/uio0/maps/map2/name", O_RDONLY);
	n = fd >= 0 ? (int)read(fd, line, sizeof(line) - 1) : -1;
	if (fd >= 0)
		close(fd);
	TP_CHECK(n == 13 && memcmp(line, "monitor_page\n", 13) == 0,
		"lfs_open64", "fd %d n %d", fd, n);
	memset(line, 0, sizeof(line));

	f = fopen("/sys/class/uio/uio0/name", "r");
	if (f != NULL) {
		if (fgets(line, sizeof(line), f) == NULL)
			line[0] = '\0';
		fclose(f);
	}
	TP_CHECK(f != NULL && strcmp(line, "uio_hv_generic\n") == 0,
		"lfs_fopen64", "got '%s'", line);

	a = stat(path, &st);
	b = lstat("/sys/class/uio/uio0", &st) == 0 && S_ISLNK(st.st_mode);
	c = fstatat(AT_FDCWD, "/sys/class/uio/uio0", &st, 0) == 0 &&
		S_ISDIR(st.st_mode);
	d = statfs("/sys/class/uio/uio0", &sfs);
	TP_CHECK(a == 0 && b && c && d == 0, "lfs_stat64_lstat64_fstatat64",
		"%d %d %d %d", a, b, c, d);

	snprintf(path, sizeof(path), "%s/uio/uio0/maps", tp_dev_dir());
	n = scandir(path, &list, tp_no_dots, alphasort);
	TP_CHECK(n == 5 && strcmp(list[4]->d_name, "map4") == 0,
		"lfs_scandir64", "n %d", n);
	while (n > 0)
		free(list[--n]);
	free(list);

	snprintf(path, sizeof(path), "%s/channels/14/ring", tp_dev_dir());
	a = __xstat(TP_STAT_VER, path, (struct stat *)&st);
	b = __lxstat(TP_STAT_VER, "/sys/class/uio/uio0", &st) == 0 &&
		S_ISLNK(st.st_mode);
	c = __fxstatat(TP_STAT_VER, AT_FDCWD, "/sys/class/uio/uio0", &st, 0) ==
		0 && S_ISDIR(st.st_mode);
	d = __xstat64(TP_STAT_VER, path, &st64);
	TP_CHECK(a == 0 && b && c && d == 0 && st64.st_size == 8192,
		"old_xstat_entry_points", "%d %d %d %d", a, b, c, d);
}
