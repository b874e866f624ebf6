/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Internal interfaces of hv-preload, the LD_PRELOAD library that points the
 * uio_hv_generic surface of an unmodified process (/sys/bus/vmbus,
 * /sys/class/uio, /dev/uio*), the emulated machine's PCI devices
 * (/sys/bus/pci) and its kernel uevents at hv-host's root directory.
 */

#ifndef HVP_PRIVATE_H
#define HVP_PRIVATE_H

#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/types.h>

#define HVP_EXPORT __attribute__((visibility("default")))
#define HVP_HIDDEN __attribute__((visibility("hidden")))

/* The libc functions the wrappers forward to, found with RTLD_NEXT. */
struct hvp_libc {
	int (*openat)(int, const char *, int, ...);
	int (*open_2)(const char *, int);
	int (*open64_2)(const char *, int);
	int (*openat_2)(int, const char *, int);
	int (*openat64_2)(int, const char *, int);
	FILE *(*fopen)(const char *, const char *);
	FILE *(*fopen64)(const char *, const char *);
	FILE *(*freopen)(const char *, const char *, FILE *);
	FILE *(*freopen64)(const char *, const char *, FILE *);
	DIR *(*opendir)(const char *);
	int (*scandir)(const char *, struct dirent ***,
		int (*)(const struct dirent *),
		int (*)(const struct dirent **, const struct dirent **));
	int (*scandir64)(const char *, struct dirent64 ***,
		int (*)(const struct dirent64 *),
		int (*)(const struct dirent64 **, const struct dirent64 **));
	int (*scandirat)(int, const char *, struct dirent ***,
		int (*)(const struct dirent *),
		int (*)(const struct dirent **, const struct dirent **));
	int (*scandirat64)(int, const char *, struct dirent64 ***,
		int (*)(const struct dirent64 *),
		int (*)(const struct dirent64 **, const struct dirent64 **));
	int (*stat)(const char *, struct stat *);
	int (*stat64)(const char *, struct stat64 *);
	int (*lstat)(const char *, struct stat *);
	int (*lstat64)(const char *, struct stat64 *);
	int (*fstatat)(int, const char *, struct stat *, int);
	int (*fstatat64)(int, const char *, struct stat64 *, int);
	int (*xstat)(int, const char *, struct stat *);
	int (*xstat64)(int, const char *, struct stat64 *);
	int (*lxstat)(int, const char *, struct stat *);
	int (*lxstat64)(int, const char *, struct stat64 *);
	int (*fxstatat)(int, int, const char *, struct stat *, int);
	int (*fxstatat64)(int, int, const char *, struct stat64 *, int);
	int (*statx)(int, const char *, int, unsigned int, struct statx *);
	int (*statfs)(const char *, struct statfs *);
	int (*statfs64)(const char *, struct statfs64 *);
	int (*statvfs)(const char *, struct statvfs *);
	int (*statvfs64)(const char *, struct statvfs64 *);
	int (*access)(const char *, int);
	int (*faccessat)(int, const char *, int, int);
	int (*euidaccess)(const char *, int);
	int (*eaccess)(const char *, int);
	ssize_t (*readlink)(const char *, char *, size_t);
	ssize_t (*readlinkat)(int, const char *, char *, size_t);
	ssize_t (*readlink_chk)(const char *, char *, size_t, size_t);
	ssize_t (*readlinkat_chk)(int, const char *, char *, size_t, size_t);
	char *(*realpath)(const char *, char *);
	char *(*realpath_chk)(const char *, char *, size_t);
	ssize_t (*getxattr)(const char *, const char *, void *, size_t);
	ssize_t (*lgetxattr)(const char *, const char *, void *, size_t);
	ssize_t (*listxattr)(const char *, char *, size_t);
	ssize_t (*llistxattr)(const char *, char *, size_t);
	int (*chdir)(const char *);
	void *(*mmap)(void *, size_t, int, int, int, off_t);
	void *(*mmap64)(void *, size_t, int, int, int, off64_t);
	int (*close)(int);
	int (*close_range)(unsigned int, unsigned int, int);
	void (*closefrom)(int);
	int (*dup)(int);
	int (*dup2)(int, int);
	int (*dup3)(int, int, int);
	int (*fcntl)(int, int, ...);
	int (*fcntl64)(int, int, ...);
	ssize_t (*read)(int, void *, size_t);
	ssize_t (*read_chk)(int, void *, size_t, size_t);
	ssize_t (*write)(int, const void *, size_t);
	int (*socket)(int, int, int);
	int (*bind)(int, const struct sockaddr *, socklen_t);
	int (*ioctl)(int, unsigned long, ...);
};

HVP_HIDDEN extern struct hvp_libc hvp_real;

/* True once HVH_ROOT named a usable root; without it every wrapper forwards. */
HVP_HIDDEN extern bool hvp_active;

/* Resolve hvp_real and read HVH_ROOT once; safe to call from any wrapper. */
HVP_HIDDEN void hvp_init(void);

HVP_HIDDEN void hvp_log(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* Always printed: a failure the application only sees as an errno. */
HVP_HIDDEN void hvp_warn(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

/*
 * Path mapping (hvp_path.c).  hvp_map() returns 0 when path is not part of
 * the redirected surface (use it unchanged; so are relative paths, which
 * the *at() calls resolve below their directory fd), 1 when host[] holds
 * the path to use instead, or a negative errno.  follow_last tells whether a symbolic
 * link in the last component is followed, as the calling function would.
 * walk_errno (may be NULL) gets the error of the first component that does
 * not exist, which realpath() needs.
 */
HVP_HIDDEN int hvp_map(const char *path, bool follow_last, char *host,
		int *walk_errno);
/* True when a host path from hvp_map() lies below R (not a real path). */
HVP_HIDDEN bool hvp_in_root(const char *host);
/* Turn a resolved host path back into what the application should see. */
HVP_HIDDEN void hvp_unmap(const char *host, char *out);
/* Text of the symbolic link at virtual path vpath (host: its host path),
 * rewritten so that it still resolves from the application's view.
 */
HVP_HIDDEN ssize_t hvp_link_text(const char *vpath, const char *host,
		char *out);
/* Unit N when the virtual path is /dev/uioN, else -1. */
HVP_HIDDEN int hvp_uio_unit_of(const char *path);
HVP_HIDDEN const char *hvp_root(void);

/* uio connections (hvp_uio.c). */
HVP_HIDDEN int hvp_uio_open(const char *host, int unit, int flags);
HVP_HIDDEN bool hvp_uio_maybe(int fd);
HVP_HIDDEN int hvp_uio_lookup(int fd);
HVP_HIDDEN void hvp_uio_forget(int fd);
HVP_HIDDEN void hvp_uio_forget_range(unsigned int first, unsigned int last);
HVP_HIDDEN void hvp_uio_dup(int oldfd, int newfd);
HVP_HIDDEN void *hvp_uio_mmap(int unit, void *addr, size_t len, int prot,
		int flags, off64_t off);
HVP_HIDDEN ssize_t hvp_uio_read(int fd, void *buf, size_t count);
HVP_HIDDEN ssize_t hvp_uio_write(int fd, const void *buf, size_t count);

#endif /* HVP_PRIVATE_H */
