/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Which paths are redirected and where they go.
 *
 * The application sees the real file system with hv-host's copies of
 * /sys/bus/vmbus, /sys/class/uio and /dev/uio* laid over it.  A redirected
 * path is resolved one component at a time below the root R, like a chroot:
 * an absolute symbolic link found there (e.g. /sys/class/uio/uio0 ->
 * /sys/devices/...) continues below R when R holds its target, and ".." that
 * climbs back to /, /sys, /sys/bus, /sys/class or /dev leaves R again, since
 * those directories are the real ones.  The kernel only ever sees the
 * resulting host path, so it never follows an absolute link out of R.
 *
 * Everything works on caller-provided PATH_MAX buffers: no allocation, no
 * shared state besides the root set once at start.
 */

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hvh_surface_abi.h"
#include "hvp_private.h"

/* Linux follows at most 40 symbolic links while resolving one path. */
#define HVP_MAX_LINKS 40

HVP_HIDDEN struct hvp_libc hvp_real;
HVP_HIDDEN bool hvp_active;

static const char *const hvp_prefixes[] = HVH_SURFACE_PREFIXES;

/* R as canonicalized at start, and as given when that differs. */
static char hvp_root_canon[PATH_MAX];
static size_t hvp_root_canon_len;
static char hvp_root_given[PATH_MAX];
static size_t hvp_root_given_len;
static bool hvp_debug;
static pthread_once_t hvp_once = PTHREAD_ONCE_INIT;

static void
hvp_vlog(const char *fmt, va_list ap)
{
	char line[PATH_MAX + 128];
	int saved = errno;
	int n;

	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n > 0) {
		if ((size_t)n >= sizeof(line))
			n = sizeof(line) - 1;
		/* libc's own write, not ours: nothing to look up. */
		if (hvp_real.write != NULL)
			hvp_real.write(STDERR_FILENO, line, n);
	}
	errno = saved;
}

void
hvp_log(const char *fmt, ...)
{
	va_list ap;

	if (!hvp_debug)
		return;
	va_start(ap, fmt);
	hvp_vlog(fmt, ap);
	va_end(ap);
}

void
hvp_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hvp_vlog(fmt, ap);
	va_end(ap);
}

const char *
hvp_root(void)
{
	return hvp_root_canon;
}

#define HVP_SYM(field, name) \
	(*(void **)&hvp_real.field = dlsym(RTLD_NEXT, name))

static void
hvp_resolve_libc(void)
{
	HVP_SYM(openat, "openat");
	HVP_SYM(open_2, "__open_2");
	HVP_SYM(open64_2, "__open64_2");
	HVP_SYM(openat_2, "__openat_2");
	HVP_SYM(openat64_2, "__openat64_2");
	HVP_SYM(fopen, "fopen");
	HVP_SYM(fopen64, "fopen64");
	HVP_SYM(freopen, "freopen");
	HVP_SYM(freopen64, "freopen64");
	HVP_SYM(opendir, "opendir");
	HVP_SYM(scandir, "scandir");
	HVP_SYM(scandir64, "scandir64");
	HVP_SYM(scandirat, "scandirat");
	HVP_SYM(scandirat64, "scandirat64");
	HVP_SYM(stat, "stat");
	HVP_SYM(stat64, "stat64");
	HVP_SYM(lstat, "lstat");
	HVP_SYM(lstat64, "lstat64");
	HVP_SYM(fstatat, "fstatat");
	HVP_SYM(fstatat64, "fstatat64");
	HVP_SYM(xstat, "__xstat");
	HVP_SYM(xstat64, "__xstat64");
	HVP_SYM(lxstat, "__lxstat");
	HVP_SYM(lxstat64, "__lxstat64");
	HVP_SYM(fxstatat, "__fxstatat");
	HVP_SYM(fxstatat64, "__fxstatat64");
	HVP_SYM(statx, "statx");
	HVP_SYM(statfs, "statfs");
	HVP_SYM(statfs64, "statfs64");
	HVP_SYM(statvfs, "statvfs");
	HVP_SYM(statvfs64, "statvfs64");
	HVP_SYM(access, "access");
	HVP_SYM(faccessat, "faccessat");
	HVP_SYM(euidaccess, "euidaccess");
	HVP_SYM(eaccess, "eaccess");
	HVP_SYM(readlink, "readlink");
	HVP_SYM(readlinkat, "readlinkat");
	HVP_SYM(readlink_chk, "__readlink_chk");
	HVP_SYM(readlinkat_chk, "__readlinkat_chk");
	HVP_SYM(realpath, "realpath");
	HVP_SYM(realpath_chk, "__realpath_chk");
	HVP_SYM(getxattr, "getxattr");
	HVP_SYM(lgetxattr, "lgetxattr");
	HVP_SYM(listxattr, "listxattr");
	HVP_SYM(llistxattr, "llistxattr");
	HVP_SYM(chdir, "chdir");
	HVP_SYM(mmap, "mmap");
	HVP_SYM(mmap64, "mmap64");
	HVP_SYM(close, "close");
	HVP_SYM(close_range, "close_range");
	HVP_SYM(closefrom, "closefrom");
	HVP_SYM(dup, "dup");
	HVP_SYM(dup2, "dup2");
	HVP_SYM(dup3, "dup3");
	HVP_SYM(fcntl, "fcntl");
	HVP_SYM(fcntl64, "fcntl64");
	HVP_SYM(read, "read");
	HVP_SYM(read_chk, "__read_chk");
	HVP_SYM(write, "write");
	HVP_SYM(socket, "socket");
	HVP_SYM(bind, "bind");
	HVP_SYM(ioctl, "ioctl");
}

/*
 * Next component of a path: *c and *n describe it, the return value points
 * just after it, NULL once only slashes are left.
 */
static const char *
hvp_component(const char *p, const char **c, size_t *n)
{
	p += strspn(p, "/");
	if (*p == '\0')
		return NULL;
	*c = p;
	*n = strcspn(p, "/");
	return p + *n;
}

/*
 * Collapse "//" and "." of an absolute path into out.  ".." is kept unless
 * dotdot is set, because only the component walk knows what it climbs out
 * of.  A trailing '/' is kept: it makes the kernel require a directory.
 * Returns the length, or -ENAMETOOLONG.
 */
static int
hvp_norm(const char *in, char *out, bool dotdot)
{
	size_t o = 0;
	const char *p = in;

	out[o++] = '/';
	for (;;) {
		const char *c;
		size_t n;

		p = hvp_component(p, &c, &n);
		if (p == NULL)
			break;
		if (n == 1 && c[0] == '.') {
			if (p[strspn(p, "/")] == '\0' && o > 1 &&
			    out[o - 1] != '/')
				out[o++] = '/';
			continue;
		}
		if (dotdot && n == 2 && c[0] == '.' && c[1] == '.') {
			if (o > 1 && out[o - 1] == '/')
				o--;
			while (o > 1 && out[o - 1] != '/')
				o--;
			continue;
		}
		if (o > 1 && out[o - 1] != '/')
			out[o++] = '/';
		if (o + n + 2 > PATH_MAX)
			return -ENAMETOOLONG;
		memcpy(out + o, c, n);
		o += n;
		if (*p == '/' && p[strspn(p, "/")] == '\0')
			out[o++] = '/';
	}
	/* Lexical results are compared as strings: no trailing '/'. */
	if (dotdot && o > 1 && out[o - 1] == '/')
		o--;
	out[o] = '\0';
	return (int)o;
}

/* True when the lexically normalized absolute path is redirected. */
static bool
hvp_redirected(const char *norm)
{
	size_t i;

	for (i = 0; i < sizeof(hvp_prefixes) / sizeof(hvp_prefixes[0]); i++) {
		const char *pre = hvp_prefixes[i];
		size_t n = strlen(pre);

		if (strncmp(norm, pre, n) != 0)
			continue;
		/* "/dev/uio" names a family of nodes, the others folders. */
		if (strcmp(pre, HVH_PREFIX_DEV_UIO) == 0)
			return strchr(norm + n, '/') == NULL;
		if (norm[n] == '\0' || norm[n] == '/')
			return true;
	}
	return false;
}

/* True when v ("" for /) is a real directory holding a redirected prefix. */
static bool
hvp_prefix_ancestor(const char *v, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(hvp_prefixes) / sizeof(hvp_prefixes[0]); i++) {
		const char *pre = hvp_prefixes[i];

		if (strlen(pre) > n && strncmp(pre, v, n) == 0 && pre[n] == '/')
			return true;
	}
	return false;
}

int
hvp_uio_unit_of(const char *path)
{
	char norm[PATH_MAX];
	size_t n = strlen(HVH_PREFIX_DEV_UIO);
	unsigned long unit;
	char *end;

	if (path == NULL || path[0] != '/' || hvp_norm(path, norm, false) < 0)
		return -1;
	if (strncmp(norm, HVH_PREFIX_DEV_UIO, n) != 0 ||
	    norm[n] < '0' || norm[n] > '9')
		return -1;
	errno = 0;
	unit = strtoul(norm + n, &end, 10);
	if (*end != '\0' || errno != 0 || unit > INT_MAX)
		return -1;
	return (int)unit;
}

/* Length of R when host starts with it (either spelling), else 0. */
static size_t
hvp_under_root(const char *host)
{
	if (hvp_root_canon_len > 0 &&
	    strncmp(host, hvp_root_canon, hvp_root_canon_len) == 0 &&
	    (host[hvp_root_canon_len] == '/' ||
	     host[hvp_root_canon_len] == '\0'))
		return hvp_root_canon_len;
	if (hvp_root_given_len > 0 &&
	    strncmp(host, hvp_root_given, hvp_root_given_len) == 0 &&
	    (host[hvp_root_given_len] == '/' ||
	     host[hvp_root_given_len] == '\0'))
		return hvp_root_given_len;
	return 0;
}

static int
hvp_join(char *out, const char *a, const char *b, const char *c)
{
	int n = snprintf(out, PATH_MAX, "%s%s%s", a, b, c);

	return (n < 0 || n >= PATH_MAX) ? -ENAMETOOLONG : 0;
}

/*
 * Where an absolute link target t continues: below R when it is already a
 * host path below R, when it is a redirected path, or when R holds it (a
 * link into R's own /sys/devices); otherwise in the real file system.
 * Sets *in_root accordingly and writes the virtual (in_root) or host path.
 */
static int
hvp_abs_target(const char *t, char *out, bool *in_root)
{
	char probe[PATH_MAX];
	struct stat st;
	size_t r = hvp_under_root(t);

	*in_root = true;
	if (r > 0)
		return hvp_join(out, t[r] == '\0' ? "/" : t + r, "", "");
	if (hvp_redirected(t))
		return hvp_join(out, t, "", "");
	if (hvp_join(probe, hvp_root_canon, t, "") == 0 &&
	    hvp_real.lstat(probe, &st) == 0)
		return hvp_join(out, t, "", "");
	*in_root = false;
	return hvp_join(out, t, "", "");
}

/*
 * The component walk.  todo holds the virtual path still to resolve (it is
 * rewritten when a link is spliced in), host the host path built so far.
 */
static int
hvp_walk(char *todo, bool follow_last, char *host, int *walk_errno)
{
	char tmp[PATH_MAX];
	char spliced[PATH_MAX];
	size_t rlen = hvp_root_canon_len;
	size_t o;
	int links = 0;
	bool trailing;
	const char *p;
	/* todo before this point came from a link target, not the caller. */
	const char *link_end = todo;
	struct stat st;

restart:
	memcpy(host, hvp_root_canon, rlen + 1);
	o = rlen;
	p = todo;
	trailing = todo[0] != '\0' && todo[strlen(todo) - 1] == '/';
	for (;;) {
		const char *c;
		const char *next;
		size_t n;
		bool last;
		ssize_t len;

		p = hvp_component(p, &c, &n);
		if (p == NULL)
			break;
		next = p + strspn(p, "/");
		last = *next == '\0';
		if (n == 1 && c[0] == '.')
			continue;
		if (n == 2 && c[0] == '.' && c[1] == '.') {
			while (o > rlen && host[o - 1] != '/')
				o--;
			if (o > rlen)
				o--;
			host[o] = '\0';
			/*
			 * The caller's own ".." back into a real directory
			 * (/sys/class/uio/..) leaves R: start over from that
			 * virtual path, which may or may not enter the
			 * surface again.  A link's ".." stays in R, whose
			 * tree it was written for.
			 */
			if (c >= link_end &&
			    hvp_prefix_ancestor(host + rlen, o - rlen)) {
				if (hvp_join(tmp, o > rlen ? host + rlen : "",
						"/", next) != 0)
					return -ENAMETOOLONG;
				if (hvp_norm(tmp, todo, false) < 0)
					return -ENAMETOOLONG;
				if (++links > HVP_MAX_LINKS)
					return -ELOOP;
				if (hvp_redirected(todo)) {
					link_end = todo;
					goto restart;
				}
				memcpy(host, todo, strlen(todo) + 1);
				return 1;
			}
			continue;
		}
		if (o + n + 2 >= PATH_MAX)
			return -ENAMETOOLONG;
		host[o++] = '/';
		memcpy(host + o, c, n);
		o += n;
		host[o] = '\0';
		if (last && !follow_last && !trailing)
			break;
		if (hvp_real.lstat(host, &st) != 0) {
			if (walk_errno != NULL)
				*walk_errno = errno;
			goto literal_rest;
		}
		if (S_ISLNK(st.st_mode)) {
			bool in_root;

			if (++links > HVP_MAX_LINKS)
				return -ELOOP;
			len = hvp_real.readlink(host, tmp, sizeof(tmp) - 1);
			if (len < 0)
				return -errno;
			tmp[len] = '\0';
			/* Drop the link itself; the target replaces it. */
			o -= n + 1;
			host[o] = '\0';
			if (tmp[0] == '/') {
				if (hvp_abs_target(tmp, spliced, &in_root) != 0 ||
				    hvp_join(tmp, spliced, *p ? "/" : "", p) != 0)
					return -ENAMETOOLONG;
				if (!in_root) {
					memcpy(host, tmp, strlen(tmp) + 1);
					return 1;
				}
				link_end = todo + strlen(spliced);
				memcpy(todo, tmp, strlen(tmp) + 1);
				goto restart;
			}
			if (hvp_join(spliced, tmp, *p ? "/" : "", p) != 0)
				return -ENAMETOOLONG;
			memcpy(todo, spliced, strlen(spliced) + 1);
			link_end = todo + len;
			/* Keep the host prefix built so far. */
			p = todo;
			trailing = todo[strlen(todo) - 1] == '/' || trailing;
			continue;
		}
		if (!S_ISDIR(st.st_mode) && !last) {
			if (walk_errno != NULL)
				*walk_errno = ENOTDIR;
			goto literal_rest;
		}
	}
	if (trailing && o + 1 < PATH_MAX && o > 0 && host[o - 1] != '/') {
		host[o++] = '/';
		host[o] = '\0';
	}
	return 1;

literal_rest:
	/* The kernel reports the missing component itself. */
	if (*p != '\0' && hvp_join(tmp, host, "", p) == 0)
		memcpy(host, tmp, strlen(tmp) + 1);
	return 1;
}

int
hvp_map(const char *path, bool follow_last, char *host, int *walk_errno)
{
	char todo[PATH_MAX];
	int ret;

	if (walk_errno != NULL)
		*walk_errno = 0;
	hvp_init();
	if (!hvp_active || path == NULL || path[0] != '/')
		return 0;
	if (hvp_norm(path, todo, false) < 0)
		return -ENAMETOOLONG;
	if (!hvp_redirected(todo))
		return 0;
	ret = hvp_walk(todo, follow_last, host, walk_errno);
	if (ret > 0)
		hvp_log("hv-preload: %s -> %s\n", path, host);
	return ret;
}

bool
hvp_in_root(const char *host)
{
	return hvp_under_root(host) > 0;
}

void
hvp_unmap(const char *host, char *out)
{
	size_t r = hvp_under_root(host);
	const char *v = host + r;

	if (r > 0 && *v != '\0' && hvp_redirected(v)) {
		memmove(out, v, strlen(v) + 1);
		return;
	}
	if (out != host)
		memcpy(out, host, strlen(host) + 1);
}

/* Parent directory of an absolute path, as a string (for "a/b" -> "a"). */
static void
hvp_dirname(const char *path, char *out)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash == NULL || slash == path ? 1 : (size_t)(slash - path);

	memcpy(out, path, n);
	out[n] = '\0';
}

ssize_t
hvp_link_text(const char *vpath, const char *host, char *out)
{
	char t[PATH_MAX];
	char a[PATH_MAX];
	char b[PATH_MAX];
	ssize_t len;
	bool in_root;

	len = hvp_real.readlink(host, t, sizeof(t) - 1);
	if (len < 0)
		return -1;
	t[len] = '\0';
	if (t[0] == '/') {
		/* A redirected target already works from the application. */
		if (hvp_redirected(t) || hvp_under_root(t) > 0) {
			hvp_unmap(t, out);
			return strlen(out);
		}
		if (hvp_abs_target(t, a, &in_root) != 0)
			return -1;
		if (in_root && hvp_join(out, hvp_root_canon, a, "") == 0)
			return strlen(out);
		memcpy(out, t, len + 1);
		return len;
	}
	/*
	 * A relative target is kept as is when reading it against the
	 * application's path lands on the same file as the kernel would;
	 * otherwise (it leaves the surface, e.g. into R's /sys/devices) the
	 * application gets the absolute path that works.
	 */
	hvp_dirname(host, b);
	if (hvp_join(a, b, "/", t) != 0 || hvp_norm(a, b, true) < 0)
		return -1;
	hvp_dirname(vpath, a);
	if (hvp_join(out, a, "/", t) == 0 && hvp_norm(out, a, true) >= 0 &&
	    hvp_redirected(a) && hvp_join(out, hvp_root_canon, a, "") == 0 &&
	    strcmp(out, b) == 0) {
		memcpy(out, t, len + 1);
		return len;
	}
	hvp_unmap(b, out);
	return strlen(out);
}

static void
hvp_init_once(void)
{
	const char *root = getenv(HVH_ENV_ROOT);
	const char *dbg = getenv("HVH_PRELOAD_DEBUG");
	char abs[PATH_MAX];
	char cwd[PATH_MAX];
	int n;

	hvp_resolve_libc();
	hvp_debug = dbg != NULL && dbg[0] != '\0' && dbg[0] != '0';
	if (root == NULL || root[0] == '\0')
		return;
	if (root[0] != '/') {
		if (getcwd(cwd, sizeof(cwd)) == NULL ||
		    hvp_join(abs, cwd, "/", root) != 0)
			return;
		root = abs;
	}
	n = hvp_norm(root, hvp_root_given, true);
	if (n < 0)
		return;
	/* "/" as root would redirect onto itself. */
	if (n > 1 && hvp_root_given[n - 1] == '/')
		hvp_root_given[--n] = '\0';
	if (n <= 1)
		return;
	hvp_root_given_len = n;
	if (hvp_real.realpath == NULL ||
	    hvp_real.realpath(hvp_root_given, hvp_root_canon) == NULL)
		memcpy(hvp_root_canon, hvp_root_given, n + 1);
	hvp_root_canon_len = strlen(hvp_root_canon);
	if (strcmp(hvp_root_canon, hvp_root_given) == 0)
		hvp_root_given_len = 0;
	hvp_active = hvp_real.lstat != NULL && hvp_real.readlink != NULL &&
		hvp_real.openat != NULL;
	hvp_log("hv-preload: root %s\n", hvp_root_canon);
}

void
hvp_init(void)
{
	/*
	 * A call from an initialiser that runs before libc's, as ASan's
	 * does in an instrumented program (.preinit_array, mapping memory),
	 * sees no environment yet: pass through, and leave HVH_ROOT to a
	 * later call, or hv-preload would stay inert for good.
	 */
	if (environ == NULL) {
		hvp_resolve_libc();
		return;
	}
	pthread_once(&hvp_once, hvp_init_once);
}

__attribute__((constructor)) static void
hvp_constructor(void)
{
	hvp_init();
}
