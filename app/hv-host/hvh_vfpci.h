/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * The emulated machine's PCI side: an SR-IOV VF as Azure hot-adds and
 * hot-removes it (a Mellanox ConnectX VF or Microsoft's MANA), presented
 * under the root as the kernel's sysfs presents it, bound to the kernel's
 * bifurcated driver, with its network interface, and announced by kernel
 * uevents on the root's uevent socket (hvh_surface_abi.h).  Also the
 * servicing sequence Azure runs around it.
 */

#ifndef HVH_VFPCI_H
#define HVH_VFPCI_H

#include <limits.h>
#include <net/if.h>
#include <stdint.h>

#define HVH_VFPCI_CLIENTS_MAX 32

struct hvh_vfpci_conf {
	char root[PATH_MAX / 2];
	int present;		/* a VF is configured (--vf-pci) */
	uint32_t domain;
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	char ifname[IFNAMSIZ];	/* the VF's network interface (a TAP) */
	uint8_t mac[6];		/* the MAC the host gives the VF */
	int rotate;		/* each add at the next device number */
	unsigned int mac_delay_ms;	/* MAC readable that long after add */
	int rename;		/* interface first under a kernel name */
};

/* Withdraw (0) or offer (1) the VF association on the synthetic NIC. */
typedef void (*hvh_vfpci_assoc_fn)(void *arg, int offer);

struct hvh_vfpci;

int hvh_vfpci_create(struct hvh_vfpci **out, const struct hvh_vfpci_conf *c,
		     hvh_vfpci_assoc_fn assoc, void *arg);
void hvh_vfpci_destroy(struct hvh_vfpci *v);
/* Pollable fd: readable when hvh_vfpci_poll() has work. */
int hvh_vfpci_fd(const struct hvh_vfpci *v);
/* Accept uevent listeners, run the steps that are due. */
void hvh_vfpci_poll(struct hvh_vfpci *v);
/* Control commands; 0 or -errno (-EALREADY, -EBUSY, -ENODEV). */
int hvh_vfpci_remove(struct hvh_vfpci *v);
int hvh_vfpci_add(struct hvh_vfpci *v);
int hvh_vfpci_service(struct hvh_vfpci *v, unsigned int secs);
/* Parse "DDDD:BB:DD.F[,VVVV:DDDD]" into c; -1 on error. */
int hvh_vfpci_parse(const char *s, struct hvh_vfpci_conf *c);
/* The VF's current PCI address, for messages. */
const char *hvh_vfpci_name(const struct hvh_vfpci *v);

#endif /* HVH_VFPCI_H */
