/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * The uio_hv_generic surface (doc/guides/nics/netvsc_protocol.rst,
 * "uio_hv_generic surface") as real files under a root directory, following
 * the contract in hvh_surface_abi.h.
 */

#ifndef HVH_SURFACE_H
#define HVH_SURFACE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

struct FTW;

#include "hvh_surface_abi.h"

#define HVH_MAP_RINGS	0
#define HVH_MAP_INT	1
#define HVH_MAP_MON	2
#define HVH_MAP_RXBUF	3
#define HVH_MAP_TXBUF	4

#define HVH_UIO_CLIENTS_MAX 32

/*
 * Sizes as the current kernel's uio_hv_generic (netvsc_protocol.rst, "The
 * uio maps").
 */
#define HVH_PRIMARY_RING_SIZE	(2u * (2u * 1024 * 1024 + 4096))
#define HVH_PRIMARY_RING_SIZE_416 (2u * 512 * 4096)
#define HVH_SUBCH_RING_SIZE	(2u * 2 * 1024 * 1024)
#define HVH_RXBUF_SIZE		(31u * 1024 * 1024)
#define HVH_TXBUF_SIZE		(16u * 1024 * 1024)

/* Linux's MAX_NUMNODES at its largest (NODES_SHIFT 10). */
#define HVH_NUMA_NODES_MAX 1024

struct hvh_surface_conf {
	char root[PATH_MAX / 2];
	char uuid[40];			/* instance GUID, lower case */
	uint32_t primary_relid;
	uint8_t primary_monitor_id;
	unsigned int uio_index;
	int kernel_416;			/* older surface: no ring files */
	/*
	 * The device's numa_node: the node of the CPU the kernel gives the
	 * primary channel; -1: no attribute (a kernel without CONFIG_NUMA).
	 */
	int numa_node;
	uint32_t rxbuf_gpadl;
	uint32_t txbuf_gpadl;
};

/* One shared-memory file and our mapping of it. */
struct hvh_map {
	int fd;
	uint8_t *addr;
	size_t size;
};

struct hvh_uio_client {
	int fd;
	pid_t pid;
};

struct hvh_surface {
	struct hvh_surface_conf conf;
	char devdir[PATH_MAX / 2 + 128];
	struct hvh_map maps[HVH_UIO_NMAPS];
	int listen_fd;
	int ep_fd;		/* epoll of listen_fd and every client */
	struct hvh_uio_client clients[HVH_UIO_CLIENTS_MAX];
	unsigned int nclients;
	uint32_t event_count;
};

/* Sysfs-like files under the root, for every part of the machine. */
int hvh_mkdirs(const char *path);
/* One attribute: the whole value, as the kernel prints it; 0 or -errno. */
int hvh_attr(const char *dir, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* nftw() callback removing what it visits (FTW_DEPTH | FTW_PHYS). */
int hvh_rm_one(const char *path, const struct stat *st, int flag,
	       struct FTW *f);

int hvh_surface_create(struct hvh_surface *sf,
		       const struct hvh_surface_conf *conf);
/* Remove every file hv-host created and unmap everything. */
void hvh_surface_destroy(struct hvh_surface *sf);

/*
 * Present channels/<relid>/ with its attributes and (unless 4.16) its ring
 * file; for a subchannel the ring is a new ring_size file mapped into *m,
 * for the primary the ring file is map0 itself.  The ring appears last,
 * atomically, because a guest polls for it.
 */
int hvh_surface_add_channel(struct hvh_surface *sf, uint32_t relid,
			    uint16_t subidx, uint8_t monitor_id,
			    size_t ring_size, struct hvh_map *m);
void hvh_surface_remove_channel(struct hvh_surface *sf, uint32_t relid,
				struct hvh_map *m);

/* Zero a map's contents (and free its memory) for the next guest. */
void hvh_surface_zero_map(struct hvh_map *m);

/*
 * True when a connection or a client message (or hang-up) waits on
 * /dev/uioN: one epoll_wait() that never blocks, so a caller may check
 * often without paying an accept() per check.
 */
int hvh_surface_pending(struct hvh_surface *sf);
/*
 * Accept one pending connection on /dev/uioN: returns its fd (the peer's
 * pid in *pid) or < 0.  It is not a client yet: hvh_surface_admit() makes
 * it one once the device is ready for it.
 */
int hvh_surface_accept(struct hvh_surface *sf, pid_t *pid);
/*
 * Make an accepted connection a client: send it HVH_UIO_READY (its open()
 * returns) and deliver interrupts to it from now on.  Returns its index,
 * or < 0 after closing it (too many openers, or it is already gone).
 */
int hvh_surface_admit(struct hvh_surface *sf, int fd, pid_t pid);
/*
 * Read one message from client i: 1 with *val set, 0 when the client has
 * gone (it is then removed: indices above i shift down), -EAGAIN if idle.
 */
int hvh_surface_client_recv(struct hvh_surface *sf, unsigned int i,
			    int32_t *val);
/* Raise the uio interrupt: bump the event count, tell every client. */
void hvh_surface_raise_irq(struct hvh_surface *sf);

#endif /* HVH_SURFACE_H */
