/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Built with -D_FORTIFY_SOURCE=2 -O2, so the calls below become glibc's
 * checking variants (__open_2, __openat_2, __read_chk, __readlink_chk,
 * __realpath_chk); preload.sh confirms the binary imports them.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_preload.h"

/* Flags unknown at compile time make fortified open() call __open_2. */
static volatile int tp_rdonly = O_RDONLY;
static volatile size_t tp_four = 4;

void
tp_fortify_tests(void)
{
	char path[PATH_MAX];
	char buf[64];
	char res[PATH_MAX];
	char want[PATH_MAX];
	ssize_t n = -1;
	char *rp;
	int fd;

	snprintf(path, sizeof(path), "%s/id", tp_dev_dir());
	fd = open(path, tp_rdonly);
	if (fd >= 0) {
		n = read(fd, buf, tp_four);
		close(fd);
	}
	TP_CHECK(fd >= 0 && n == 3 && memcmp(buf, "14\n", 3) == 0,
		"fortify_open_2_and_read_chk", "fd %d n %zd", fd, n);

	fd = openat(AT_FDCWD, "/sys/class/uio/uio0/maps/map3/name",
			tp_rdonly);
	n = -1;
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	TP_CHECK(fd >= 0 && n > 5 && memcmp(buf, "recv:", 5) == 0,
		"fortify_openat_2", "fd %d n %zd", fd, n);

	n = readlink("/sys/class/uio/uio0", buf, tp_four);
	TP_CHECK(n == 4 && memcmp(buf, "/sys", 4) == 0,
		"fortify_readlink_chk", "n %zd", n);

	rp = realpath("/sys/class/uio/uio0", res);
	snprintf(want, sizeof(want), "%s/uio/uio0", tp_dev_dir());
	TP_CHECK(rp != NULL && strcmp(res, want) == 0,
		"fortify_realpath_chk", "got '%s'", rp ? res : strerror(errno));
}
