/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Contract between hv-host (the emulated uio_hv_generic surface) and
 * hv-preload (the LD_PRELOAD library that points an unmodified DPDK process
 * at it).  Both sides include this header; it is the only thing they share.
 *
 * Layout under the root directory R (given to the guest in $HVH_ROOT):
 *
 *   R/sys/bus/vmbus/devices/<uuid>/...   real directories and plain files
 *                                        formatted as the kernel prints them
 *   R/sys/class/uio/uioN/...             idem (name, version, event, maps/)
 *   R/sys/bus/vmbus/devices/<uuid>/channels/<relid>/ring
 *                                        regular file on tmpfs, exactly the
 *                                        ring pair size, mmap MAP_SHARED
 *   R/dev/uioN                           AF_UNIX SOCK_SEQPACKET listening
 *                                        socket owned by hv-host
 *   R/sys/bus/pci/devices/<BDF>          the emulated machine's PCI devices
 *                                        (a VF while hv-host presents one):
 *                                        links into R/sys/devices/pci0000:00,
 *                                        attributes as the kernel prints them
 *   R/hvh/uevent                         AF_UNIX SOCK_SEQPACKET listening
 *                                        socket: the kernel's uevents
 *   R/dev/uioN.mapK  (K = 0..4)          regular files backing the uio maps
 *                                        (txrx_rings, int_page, monitor_page,
 *                                        recv:<gpadl>, send:<gpadl>), each
 *                                        exactly maps/mapK/size bytes
 *
 * Path redirection (preload side): a path that starts with one of
 * HVH_SURFACE_PREFIXES and is followed by '/' or the end of the string
 * (or, for "/dev/uio", by anything) is rewritten to R + path.  Nothing else
 * is touched.
 *
 * /dev/uioN semantics:
 *   open(/dev/uioN)   -> socket(AF_UNIX, HVH_UIO_SOCK_TYPE) + connect() to
 *                        R/dev/uioN, then wait for the ready message: one
 *                        HVH_UIO_MSG_SIZE message holding HVH_UIO_READY,
 *                        the first thing hv-host sends on a connection.
 *                        hv-host sends it once it has accepted the
 *                        connection and finished the reset that follows
 *                        the previous guest's last close, so open()
 *                        returns on a device ready for use, as Linux
 *                        connects the ring inside open().  The preload
 *                        consumes it: read() and poll never see it.  No
 *                        ready message within HVH_UIO_OPEN_TIMEOUT_MS:
 *                        open() fails with ETIMEDOUT; hv-host hung up
 *                        (it refuses an opener with a close): ENODEV;
 *                        anything else first: EPROTO.  hv-host learns the
 *                        guest pid with SO_PEERCRED (it reads guest pages
 *                        with process_vm_readv).
 *   read(fd, 4)       -> recv() of one HVH_UIO_MSG_SIZE message: the u32
 *                        total interrupt count, sent by hv-host to every
 *                        connected client each time it raises an interrupt
 *                        after that client's ready message.
 *   write(fd, s32, 4) -> send() of one HVH_UIO_MSG_SIZE message: 0 = mask,
 *                        1 = unmask (irqcontrol of uio_hv_generic).
 *   mmap(fd, len, off = K * HVH_UIO_MAP_PAGE) -> mmap of R/dev/uioN.mapK at
 *                        file offset 0 with the caller's prot/flags/len.
 *   poll/epoll        -> work natively on the socket (readable when an
 *                        interrupt message is queued).
 * When every connection is closed hv-host resets the device to its initial
 * state and waits for a new guest.
 *
 * Kernel uevents: socket(AF_NETLINK, *, NETLINK_KOBJECT_UEVENT) ->
 * socket(AF_UNIX, HVH_UEVENT_SOCK_TYPE) connected to R/hvh/uevent (bind()
 * of the netlink address then succeeds without doing anything).  hv-host
 * sends every uevent to every connected socket as one message holding
 * exactly the bytes the kernel multicasts: "ACTION@DEVPATH" and the
 * KEY=VALUE pairs, each NUL-terminated.  No hv-host socket behind the
 * path: the process gets a real netlink socket.
 */

#ifndef HVH_SURFACE_ABI_H
#define HVH_SURFACE_ABI_H

/* Environment variable naming the root directory R (absolute path). */
#define HVH_ENV_ROOT "HVH_ROOT"

/* Path prefixes the preload redirects below R. */
#define HVH_PREFIX_VMBUS "/sys/bus/vmbus"
#define HVH_PREFIX_UIO_CLASS "/sys/class/uio"
#define HVH_PREFIX_DEV_UIO "/dev/uio"
#define HVH_PREFIX_PCI "/sys/bus/pci"
#define HVH_SURFACE_PREFIXES \
	{ HVH_PREFIX_VMBUS, HVH_PREFIX_UIO_CLASS, HVH_PREFIX_DEV_UIO, \
	  HVH_PREFIX_PCI }

/* Socket type of R/dev/uioN (AF_UNIX). */
#define HVH_UIO_SOCK_TYPE SOCK_SEQPACKET

/* Every message on a uio connection is exactly this many bytes. */
#define HVH_UIO_MSG_SIZE 4

/* Host -> guest, first message of a connection: open() may return.  An
 * interrupt count cannot come first, so the value only guards against a
 * peer that does not speak this contract.
 */
#define HVH_UIO_READY 0x72647668u	/* "hvdr" in memory order */

/* How long open() waits for HVH_UIO_READY before failing. */
#define HVH_UIO_OPEN_TIMEOUT_MS 2000

/* Guest -> host irqcontrol values (the s32 written to /dev/uioN). */
#define HVH_UIO_IRQ_MASK 0
#define HVH_UIO_IRQ_UNMASK 1

/* mmap offset unit selecting map K, as uio_hv_generic (pgoff = K). */
#define HVH_UIO_MAP_PAGE 4096

/* Number of maps of a netvsc uio device and the map file name format:
 * printf(HVH_UIO_MAP_FMT, root, uio_index, map_index).
 */
#define HVH_UIO_NMAPS 5
#define HVH_UIO_MAP_FMT "%s/dev/uio%u.map%u"

/* Socket path format: printf(HVH_UIO_SOCK_FMT, root, uio_index). */
#define HVH_UIO_SOCK_FMT "%s/dev/uio%u"

/* Uevent socket: printf(HVH_UEVENT_SOCK_FMT, root), type (AF_UNIX). */
#define HVH_UEVENT_SOCK_FMT "%s/hvh/uevent"
#define HVH_UEVENT_SOCK_TYPE SOCK_SEQPACKET
/* Largest uevent message, as the kernel's UEVENT_BUFFER_SIZE. */
#define HVH_UEVENT_MSG_MAX 2048

#endif /* HVH_SURFACE_ABI_H */
