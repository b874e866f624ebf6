/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * The libc entry points an unmodified process (DPDK's EAL and vmbus bus,
 * glibc's fortified and large-file variants, coreutils) uses on the
 * redirected paths, and the fd calls that must know about uio connections.
 *
 * Each wrapper maps its path and forwards to the next definition in the
 * lookup order (normally libc).  Calls libc makes internally (fopen's open,
 * opendir's openat) never reach us, which is why the outer function itself
 * is wrapped.  A NULL path fails with EFAULT instead of crashing, even where
 * libc itself would crash.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "hvp_private.h"

/* Fortify and compatibility symbols that no header declares here. */
int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags);
int __xstat(int ver, const char *path, struct stat *buf);
int __xstat64(int ver, const char *path, struct stat64 *buf);
int __lxstat(int ver, const char *path, struct stat *buf);
int __lxstat64(int ver, const char *path, struct stat64 *buf);
int __fxstatat(int ver, int dirfd, const char *path, struct stat *buf,
		int flags);
int __fxstatat64(int ver, int dirfd, const char *path, struct stat64 *buf,
		int flags);
ssize_t __readlink_chk(const char *path, char *buf, size_t len,
		size_t buflen);
ssize_t __readlinkat_chk(int dirfd, const char *path, char *buf, size_t len,
		size_t buflen);
char *__realpath_chk(const char *path, char *resolved, size_t resolvedlen);
ssize_t __read_chk(int fd, void *buf, size_t nbytes, size_t buflen);

/* Fail with ENOSYS when the running libc lacks the function. */
#define HVP_NEED(fn, failret) do { \
	hvp_init(); \
	if (hvp_real.fn == NULL) { \
		errno = ENOSYS; \
		return failret; \
	} \
} while (0)

/*
 * libc declares most path arguments nonnull, which would let the compiler
 * drop the check; the empty asm hides the pointer's origin from it.
 */
static inline const void *
hvp_opaque(const void *p)
{
	__asm__("" : "+r" (p));
	return p;
}

#define HVP_NONNULL(path, failret) do { \
	if (hvp_opaque(path) == NULL) { \
		errno = EFAULT; \
		return failret; \
	} \
} while (0)

/*
 * The path to hand to libc: path itself, or host[] when redirected.  NULL
 * (errno set) when the path cannot be mapped (too long, link loop).
 */
static const char *
hvp_path(const char *path, bool follow_last, char *host)
{
	int ret = hvp_map(path, follow_last, host, NULL);

	if (ret < 0) {
		errno = -ret;
		return NULL;
	}
	return ret > 0 ? host : path;
}

/* ---- open ---------------------------------------------------------- */

static int
hvp_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	char host[PATH_MAX];
	const char *p;
	struct stat st;
	int unit;

	HVP_NEED(openat, -1);
	HVP_NONNULL(path, -1);
	p = hvp_path(path, !(flags & O_NOFOLLOW), host);
	if (p == NULL)
		return -1;
	/* /dev/uioN is hv-host's listening socket: connect instead. */
	if (p == host && !(flags & O_PATH) && hvp_in_root(host) &&
	    (unit = hvp_uio_unit_of(path)) >= 0 &&
	    hvp_real.stat(host, &st) == 0 && S_ISSOCK(st.st_mode))
		return hvp_uio_open(host, unit, flags);
	return hvp_real.openat(dirfd, p, flags, mode);
}

static mode_t
hvp_open_mode(int flags, va_list ap)
{
	return __OPEN_NEEDS_MODE(flags) ? va_arg(ap, mode_t) : 0;
}

HVP_EXPORT int
open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = hvp_open_mode(flags, ap);
	va_end(ap);
	return hvp_openat(AT_FDCWD, path, flags, mode);
}

HVP_EXPORT int
open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = hvp_open_mode(flags, ap);
	va_end(ap);
	return hvp_openat(AT_FDCWD, path, flags | O_LARGEFILE, mode);
}

HVP_EXPORT int
openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = hvp_open_mode(flags, ap);
	va_end(ap);
	return hvp_openat(dirfd, path, flags, mode);
}

HVP_EXPORT int
openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = hvp_open_mode(flags, ap);
	va_end(ap);
	return hvp_openat(dirfd, path, flags | O_LARGEFILE, mode);
}

/*
 * Fortified opens: a flag set that needs a mode is the caller's bug, and
 * libc's own checker reports it; everything else is a plain open.
 */
HVP_EXPORT int
__open_2(const char *path, int flags)
{
	HVP_NEED(open_2, -1);
	if (__OPEN_NEEDS_MODE(flags))
		return hvp_real.open_2(path, flags);
	return hvp_openat(AT_FDCWD, path, flags, 0);
}

HVP_EXPORT int
__open64_2(const char *path, int flags)
{
	HVP_NEED(open64_2, -1);
	if (__OPEN_NEEDS_MODE(flags))
		return hvp_real.open64_2(path, flags);
	return hvp_openat(AT_FDCWD, path, flags | O_LARGEFILE, 0);
}

HVP_EXPORT int
__openat_2(int dirfd, const char *path, int flags)
{
	HVP_NEED(openat_2, -1);
	if (__OPEN_NEEDS_MODE(flags))
		return hvp_real.openat_2(dirfd, path, flags);
	return hvp_openat(dirfd, path, flags, 0);
}

HVP_EXPORT int
__openat64_2(int dirfd, const char *path, int flags)
{
	HVP_NEED(openat64_2, -1);
	if (__OPEN_NEEDS_MODE(flags))
		return hvp_real.openat64_2(dirfd, path, flags);
	return hvp_openat(dirfd, path, flags | O_LARGEFILE, 0);
}

/* ---- stdio and directories ----------------------------------------- */

/* open(2) flags equivalent to an fopen() mode, for uio connections. */
static int
hvp_fopen_flags(const char *mode)
{
	int flags = mode[0] == 'r' ? O_RDONLY : O_WRONLY;

	if (strchr(mode, '+') != NULL)
		flags = O_RDWR;
	if (strchr(mode, 'e') != NULL)
		flags |= O_CLOEXEC;
	return flags;
}

static FILE *
hvp_fopen(const char *path, const char *mode,
		FILE *(*next)(const char *, const char *))
{
	char host[PATH_MAX];
	const char *p;
	struct stat st;
	FILE *f;
	int unit;
	int fd;

	HVP_NONNULL(path, NULL);
	if (hvp_opaque(mode) == NULL) {
		errno = EINVAL;
		return NULL;
	}
	p = hvp_path(path, true, host);
	if (p == NULL)
		return NULL;
	if (p == host && hvp_in_root(host) &&
	    (unit = hvp_uio_unit_of(path)) >= 0 &&
	    hvp_real.stat(host, &st) == 0 && S_ISSOCK(st.st_mode)) {
		fd = hvp_uio_open(host, unit, hvp_fopen_flags(mode));
		if (fd < 0)
			return NULL;
		f = fdopen(fd, mode);
		if (f == NULL) {
			int saved = errno;

			hvp_uio_forget(fd);
			hvp_real.close(fd);
			errno = saved;
		}
		return f;
	}
	return next(p, mode);
}

HVP_EXPORT FILE *
fopen(const char *path, const char *mode)
{
	HVP_NEED(fopen, NULL);
	return hvp_fopen(path, mode, hvp_real.fopen);
}

HVP_EXPORT FILE *
fopen64(const char *path, const char *mode)
{
	HVP_NEED(fopen64, NULL);
	return hvp_fopen(path, mode, hvp_real.fopen64);
}

static FILE *
hvp_freopen(const char *path, const char *mode, FILE *stream,
		FILE *(*next)(const char *, const char *, FILE *))
{
	char host[PATH_MAX];
	const char *p = path;

	/* A NULL path only changes the mode of the open stream. */
	if (hvp_opaque(path) != NULL) {
		p = hvp_path(path, true, host);
		if (p == NULL)
			return NULL;
	}
	return next(p, mode, stream);
}

HVP_EXPORT FILE *
freopen(const char *path, const char *mode, FILE *stream)
{
	HVP_NEED(freopen, NULL);
	return hvp_freopen(path, mode, stream, hvp_real.freopen);
}

HVP_EXPORT FILE *
freopen64(const char *path, const char *mode, FILE *stream)
{
	HVP_NEED(freopen64, NULL);
	return hvp_freopen(path, mode, stream, hvp_real.freopen64);
}

HVP_EXPORT DIR *
opendir(const char *path)
{
	char host[PATH_MAX];
	const char *p;

	HVP_NEED(opendir, NULL);
	HVP_NONNULL(path, NULL);
	p = hvp_path(path, true, host);
	return p == NULL ? NULL : hvp_real.opendir(p);
}

HVP_EXPORT int
scandir(const char *path, struct dirent ***list,
		int (*sel)(const struct dirent *),
		int (*cmp)(const struct dirent **, const struct dirent **))
{
	char host[PATH_MAX];
	const char *p;

	HVP_NEED(scandir, -1);
	HVP_NONNULL(path, -1);
	p = hvp_path(path, true, host);
	return p == NULL ? -1 : hvp_real.scandir(p, list, sel, cmp);
}

HVP_EXPORT int
scandir64(const char *path, struct dirent64 ***list,
		int (*sel)(const struct dirent64 *),
		int (*cmp)(const struct dirent64 **, const struct dirent64 **))
{
	char host[PATH_MAX];
	const char *p;

	HVP_NEED(scandir64, -1);
	HVP_NONNULL(path, -1);
	p = hvp_path(path, true, host);
	return p == NULL ? -1 : hvp_real.scandir64(p, list, sel, cmp);
}

HVP_EXPORT int
scandirat(int dirfd, const char *path, struct dirent ***list,
		int (*sel)(const struct dirent *),
		int (*cmp)(const struct dirent **, const struct dirent **))
{
	char host[PATH_MAX];
	const char *p;

	HVP_NEED(scandirat, -1);
	HVP_NONNULL(path, -1);
	p = hvp_path(path, true, host);
	return p == NULL ? -1 : hvp_real.scandirat(dirfd, p, list, sel, cmp);
}

HVP_EXPORT int
scandirat64(int dirfd, const char *path, struct dirent64 ***list,
		int (*sel)(const struct dirent64 *),
		int (*cmp)(const struct dirent64 **, const struct dirent64 **))
{
	char host[PATH_MAX];
	const char *p;

	HVP_NEED(scandirat64, -1);
	HVP_NONNULL(path, -1);
	p = hvp_path(path, true, host);
	return p == NULL ? -1 :
		hvp_real.scandirat64(dirfd, p, list, sel, cmp);
}

/* ---- stat family ---------------------------------------------------- */

/* One wrapper per symbol: map path, then call the same libc function. */
#define HVP_PATH_CALL(fn, follow, path, failret, ...) do { \
	char host_[PATH_MAX]; \
	const char *p_; \
	HVP_NEED(fn, failret); \
	HVP_NONNULL(path, failret); \
	p_ = hvp_path(path, follow, host_); \
	if (p_ == NULL) \
		return failret; \
	return hvp_real.fn(__VA_ARGS__); \
} while (0)

#define HVP_P p_

HVP_EXPORT int
stat(const char *path, struct stat *buf)
{
	HVP_PATH_CALL(stat, true, path, -1, HVP_P, buf);
}

HVP_EXPORT int
stat64(const char *path, struct stat64 *buf)
{
	HVP_PATH_CALL(stat64, true, path, -1, HVP_P, buf);
}

HVP_EXPORT int
lstat(const char *path, struct stat *buf)
{
	HVP_PATH_CALL(lstat, false, path, -1, HVP_P, buf);
}

HVP_EXPORT int
lstat64(const char *path, struct stat64 *buf)
{
	HVP_PATH_CALL(lstat64, false, path, -1, HVP_P, buf);
}

HVP_EXPORT int
fstatat(int dirfd, const char *path, struct stat *buf, int flags)
{
	HVP_PATH_CALL(fstatat, !(flags & AT_SYMLINK_NOFOLLOW), path, -1,
		dirfd, HVP_P, buf, flags);
}

HVP_EXPORT int
fstatat64(int dirfd, const char *path, struct stat64 *buf, int flags)
{
	HVP_PATH_CALL(fstatat64, !(flags & AT_SYMLINK_NOFOLLOW), path, -1,
		dirfd, HVP_P, buf, flags);
}

/* Binaries built against glibc before 2.33 call these instead of stat(). */
HVP_EXPORT int
__xstat(int ver, const char *path, struct stat *buf)
{
	HVP_PATH_CALL(xstat, true, path, -1, ver, HVP_P, buf);
}

HVP_EXPORT int
__xstat64(int ver, const char *path, struct stat64 *buf)
{
	HVP_PATH_CALL(xstat64, true, path, -1, ver, HVP_P, buf);
}

HVP_EXPORT int
__lxstat(int ver, const char *path, struct stat *buf)
{
	HVP_PATH_CALL(lxstat, false, path, -1, ver, HVP_P, buf);
}

HVP_EXPORT int
__lxstat64(int ver, const char *path, struct stat64 *buf)
{
	HVP_PATH_CALL(lxstat64, false, path, -1, ver, HVP_P, buf);
}

HVP_EXPORT int
__fxstatat(int ver, int dirfd, const char *path, struct stat *buf, int flags)
{
	HVP_PATH_CALL(fxstatat, !(flags & AT_SYMLINK_NOFOLLOW), path, -1,
		ver, dirfd, HVP_P, buf, flags);
}

HVP_EXPORT int
__fxstatat64(int ver, int dirfd, const char *path, struct stat64 *buf,
		int flags)
{
	HVP_PATH_CALL(fxstatat64, !(flags & AT_SYMLINK_NOFOLLOW), path, -1,
		ver, dirfd, HVP_P, buf, flags);
}

HVP_EXPORT int
statx(int dirfd, const char *path, int flags, unsigned int mask,
		struct statx *buf)
{
	HVP_PATH_CALL(statx, !(flags & AT_SYMLINK_NOFOLLOW), path, -1,
		dirfd, HVP_P, flags, mask, buf);
}

HVP_EXPORT int
statfs(const char *path, struct statfs *buf)
{
	HVP_PATH_CALL(statfs, true, path, -1, HVP_P, buf);
}

HVP_EXPORT int
statfs64(const char *path, struct statfs64 *buf)
{
	HVP_PATH_CALL(statfs64, true, path, -1, HVP_P, buf);
}

HVP_EXPORT int
statvfs(const char *path, struct statvfs *buf)
{
	HVP_PATH_CALL(statvfs, true, path, -1, HVP_P, buf);
}

HVP_EXPORT int
statvfs64(const char *path, struct statvfs64 *buf)
{
	HVP_PATH_CALL(statvfs64, true, path, -1, HVP_P, buf);
}

/* ---- access, xattr, chdir ------------------------------------------ */

HVP_EXPORT int
access(const char *path, int mode)
{
	HVP_PATH_CALL(access, true, path, -1, HVP_P, mode);
}

HVP_EXPORT int
faccessat(int dirfd, const char *path, int mode, int flags)
{
	HVP_PATH_CALL(faccessat, !(flags & AT_SYMLINK_NOFOLLOW), path, -1,
		dirfd, HVP_P, mode, flags);
}

HVP_EXPORT int
euidaccess(const char *path, int mode)
{
	HVP_PATH_CALL(euidaccess, true, path, -1, HVP_P, mode);
}

HVP_EXPORT int
eaccess(const char *path, int mode)
{
	HVP_PATH_CALL(eaccess, true, path, -1, HVP_P, mode);
}

/* ls -l asks for ACLs and security labels of every entry it lists. */
HVP_EXPORT ssize_t
getxattr(const char *path, const char *name, void *value, size_t size)
{
	HVP_PATH_CALL(getxattr, true, path, -1, HVP_P, name, value, size);
}

HVP_EXPORT ssize_t
lgetxattr(const char *path, const char *name, void *value, size_t size)
{
	HVP_PATH_CALL(lgetxattr, false, path, -1, HVP_P, name, value, size);
}

HVP_EXPORT ssize_t
listxattr(const char *path, char *list, size_t size)
{
	HVP_PATH_CALL(listxattr, true, path, -1, HVP_P, list, size);
}

HVP_EXPORT ssize_t
llistxattr(const char *path, char *list, size_t size)
{
	HVP_PATH_CALL(llistxattr, false, path, -1, HVP_P, list, size);
}

HVP_EXPORT int
chdir(const char *path)
{
	HVP_PATH_CALL(chdir, true, path, -1, HVP_P);
}

/* ---- readlink, realpath -------------------------------------------- */

static ssize_t
hvp_readlinkat(int dirfd, const char *path, char *buf, size_t size)
{
	char host[PATH_MAX];
	char text[PATH_MAX];
	ssize_t n;
	int ret;

	HVP_NEED(readlinkat, -1);
	HVP_NONNULL(path, -1);
	ret = hvp_map(path, false, host, NULL);
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	if (ret == 0 || !hvp_in_root(host))
		return hvp_real.readlinkat(dirfd, ret == 0 ? path : host, buf,
				size);
	if (size == 0) {
		errno = EINVAL;
		return -1;
	}
	n = hvp_link_text(path, host, text);
	if (n < 0)
		return -1;
	/* readlink(2) truncates silently and never adds a NUL. */
	if ((size_t)n > size)
		n = size;
	memcpy(buf, text, n);
	return n;
}

HVP_EXPORT ssize_t
readlink(const char *path, char *buf, size_t size)
{
	return hvp_readlinkat(AT_FDCWD, path, buf, size);
}

HVP_EXPORT ssize_t
readlinkat(int dirfd, const char *path, char *buf, size_t size)
{
	return hvp_readlinkat(dirfd, path, buf, size);
}

HVP_EXPORT ssize_t
__readlink_chk(const char *path, char *buf, size_t len, size_t buflen)
{
	HVP_NEED(readlink_chk, -1);
	/* Overflowing the buffer: let libc's checker abort as it would. */
	if (len > buflen)
		return hvp_real.readlink_chk(path, buf, len, buflen);
	return hvp_readlinkat(AT_FDCWD, path, buf, len);
}

HVP_EXPORT ssize_t
__readlinkat_chk(int dirfd, const char *path, char *buf, size_t len,
		size_t buflen)
{
	HVP_NEED(readlinkat_chk, -1);
	if (len > buflen)
		return hvp_real.readlinkat_chk(dirfd, path, buf, len, buflen);
	return hvp_readlinkat(dirfd, path, buf, len);
}

static char *
hvp_realpath(const char *path, char *resolved)
{
	char host[PATH_MAX];
	char *out;
	int walk_errno;
	int ret;

	HVP_NEED(realpath, NULL);
	if (hvp_opaque(path) == NULL) {
		errno = EINVAL;
		return NULL;
	}
	ret = hvp_map(path, true, host, &walk_errno);
	if (ret < 0) {
		errno = -ret;
		return NULL;
	}
	if (ret == 0)
		return hvp_real.realpath(path, resolved);
	/* ".." led back out of the surface: the rest is real. */
	if (!hvp_in_root(host))
		return hvp_real.realpath(host, resolved);
	if (walk_errno != 0) {
		errno = walk_errno;
		return NULL;
	}
	hvp_unmap(host, host);
	if (resolved != NULL) {
		memcpy(resolved, host, strlen(host) + 1);
		return resolved;
	}
	out = strdup(host);
	if (out == NULL)
		errno = ENOMEM;
	return out;
}

HVP_EXPORT char *
realpath(const char *path, char *resolved)
{
	return hvp_realpath(path, resolved);
}

HVP_EXPORT char *
__realpath_chk(const char *path, char *resolved, size_t resolvedlen)
{
	HVP_NEED(realpath_chk, NULL);
	if (resolved != NULL && resolvedlen < PATH_MAX)
		return hvp_real.realpath_chk(path, resolved, resolvedlen);
	return hvp_realpath(path, resolved);
}

HVP_EXPORT char *
canonicalize_file_name(const char *path)
{
	return hvp_realpath(path, NULL);
}

/* ---- fd calls --------------------------------------------------------- */

static void *
hvp_mmap(void *addr, size_t len, int prot, int flags, int fd, off64_t off,
		void *(*next)(void *, size_t, int, int, int, off64_t))
{
	int unit;

	if (!(flags & MAP_ANONYMOUS) && hvp_uio_maybe(fd)) {
		unit = hvp_uio_lookup(fd);
		if (unit >= 0)
			return hvp_uio_mmap(unit, addr, len, prot, flags, off);
	}
	return next(addr, len, prot, flags, fd, off);
}

HVP_EXPORT void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	HVP_NEED(mmap, MAP_FAILED);
	return hvp_mmap(addr, len, prot, flags, fd, off, hvp_real.mmap64);
}

HVP_EXPORT void *
mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off)
{
	HVP_NEED(mmap64, MAP_FAILED);
	return hvp_mmap(addr, len, prot, flags, fd, off, hvp_real.mmap64);
}

HVP_EXPORT int
close(int fd)
{
	HVP_NEED(close, -1);
	/* Before the close: afterwards the number may already be reused. */
	hvp_uio_forget(fd);
	return hvp_real.close(fd);
}

HVP_EXPORT int
close_range(unsigned int first, unsigned int last, int flags)
{
	int ret;

	HVP_NEED(close_range, -1);
	ret = hvp_real.close_range(first, last, flags);
	if (ret == 0 && !(flags & CLOSE_RANGE_CLOEXEC))
		hvp_uio_forget_range(first, last);
	return ret;
}

HVP_EXPORT void
closefrom(int lowfd)
{
	hvp_init();
	if (lowfd >= 0)
		hvp_uio_forget_range(lowfd, INT_MAX);
	if (hvp_real.closefrom != NULL)
		hvp_real.closefrom(lowfd);
}

HVP_EXPORT int
dup(int oldfd)
{
	int fd;

	HVP_NEED(dup, -1);
	fd = hvp_real.dup(oldfd);
	if (fd >= 0)
		hvp_uio_dup(oldfd, fd);
	return fd;
}

HVP_EXPORT int
dup2(int oldfd, int newfd)
{
	int fd;

	HVP_NEED(dup2, -1);
	fd = hvp_real.dup2(oldfd, newfd);
	if (fd >= 0)
		hvp_uio_dup(oldfd, fd);
	return fd;
}

HVP_EXPORT int
dup3(int oldfd, int newfd, int flags)
{
	int fd;

	HVP_NEED(dup3, -1);
	fd = hvp_real.dup3(oldfd, newfd, flags);
	if (fd >= 0)
		hvp_uio_dup(oldfd, fd);
	return fd;
}

/* As libc does, the optional argument travels as a pointer-sized value. */
static int
hvp_fcntl(int fd, int cmd, void *arg, int (*next)(int, int, ...))
{
	int ret = next(fd, cmd, arg);

	if (ret >= 0 && (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC))
		hvp_uio_dup(fd, ret);
	return ret;
}

HVP_EXPORT int
fcntl(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	HVP_NEED(fcntl, -1);
	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return hvp_fcntl(fd, cmd, arg, hvp_real.fcntl);
}

HVP_EXPORT int
fcntl64(int fd, int cmd, ...)
{
	va_list ap;
	void *arg;

	HVP_NEED(fcntl64, -1);
	va_start(ap, cmd);
	arg = va_arg(ap, void *);
	va_end(ap);
	return hvp_fcntl(fd, cmd, arg, hvp_real.fcntl64);
}

/* A uio connection carries only whole 4-byte messages, as /dev/uioN. */
HVP_EXPORT ssize_t
read(int fd, void *buf, size_t count)
{
	HVP_NEED(read, -1);
	if (hvp_uio_maybe(fd) && hvp_uio_lookup(fd) >= 0)
		return hvp_uio_read(fd, buf, count);
	return hvp_real.read(fd, buf, count);
}

HVP_EXPORT ssize_t
__read_chk(int fd, void *buf, size_t nbytes, size_t buflen)
{
	HVP_NEED(read_chk, -1);
	if (nbytes > buflen)
		return hvp_real.read_chk(fd, buf, nbytes, buflen);
	if (hvp_uio_maybe(fd) && hvp_uio_lookup(fd) >= 0)
		return hvp_uio_read(fd, buf, nbytes);
	return hvp_real.read(fd, buf, nbytes);
}

HVP_EXPORT ssize_t
write(int fd, const void *buf, size_t count)
{
	HVP_NEED(write, -1);
	if (hvp_uio_maybe(fd) && hvp_uio_lookup(fd) >= 0)
		return hvp_uio_write(fd, buf, count);
	return hvp_real.write(fd, buf, count);
}
