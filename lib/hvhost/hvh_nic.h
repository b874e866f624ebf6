/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * The synthetic NIC hv-host presents, as a program sees it: create it from
 * a configuration, poll it, sleep between polls, steer it from the control
 * socket and read its counters.  What it is made of (channels, NVSP and
 * RNDIS state, receive-buffer sections) is private to lib/hvhost
 * (hvh_nic_private.h).
 */

#ifndef HVH_NIC_H
#define HVH_NIC_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "hvh_surface.h"
#include "hvh_wire.h"

#define HVH_CHAN_MAX		64	/* primary + subchannels */
#define HVH_PKT_MAX		4096	/* largest guest ring packet */
#define HVH_NICS_MAX		8	/* synthetic NICs one hv-host presents */

struct hvh_nic;

struct hvh_nic_conf {
	struct hvh_surface_conf surface;
	char backend[128];
	uint8_t mac[6];
	uint32_t mtu;			/* L3 MTU */
	unsigned int max_channels;	/* primary + subchannels */
	uint32_t nvs_version_max;
	int vf_offer;			/* offer a VF once RNDIS is up */
	uint8_t vf_mac[6];
	uint32_t vf_serial;
	unsigned int vf_delay_ms;	/* after RNDIS set-up, like Hyper-V */
	/* VF stand-in removal control file: hv-host writes "present" when it
	 * hot-adds the VF and "removed" when it takes it away ("" = none).
	 */
	char vf_ctl[256];
	/* --hostile: mutate this share (per mille, 0 = off) of the packets
	 * written to the guest, from this seed (hvh_hostile.c).
	 */
	uint64_t hostile_seed;
	uint32_t hostile_permille;
};

struct hvh_chan_stats {
	uint64_t tx_frames;	/* guest -> host */
	uint64_t tx_bytes;
	uint64_t tx_packets;	/* ring packets read */
	uint64_t tx_dropped;
	uint64_t rx_frames;	/* host -> guest */
	uint64_t rx_bytes;
	uint64_t rx_messages;	/* transfer-page packets written */
	uint64_t rx_dropped;	/* ring full, no section, filtered */
	uint64_t doorbells;	/* monitor / interrupt page kicks seen */
	uint64_t signals;	/* interrupts we raised */
};

struct hvh_nic_stats {
	uint64_t proto_errors;
	uint64_t guests;
	uint64_t rndis_requests;
	uint64_t gpa_read_errors;
	uint64_t rx_no_section;
	uint64_t tx_comps_only;	/* TX passes limited to completions */
	uint64_t rx_ring_full;
	uint64_t rx_filtered;
	uint64_t tx_link_down;
	uint64_t ctrl_dropped;
	uint64_t vf_assoc_sent;
	uint64_t rx_to_vf;	/* unicast steered to the VF, not delivered */
	uint64_t faults;	/* injected on command */
	uint64_t irq_raised;
	uint64_t uio_writes;
	uint64_t uio_checks;	/* looks at the uio sockets */
};

/* Create the surface, open the backend, wait for a guest (non-blocking). */
int hvh_nic_create(struct hvh_nic **out, const struct hvh_nic_conf *conf);
void hvh_nic_destroy(struct hvh_nic *nic);

/*
 * One round of work: uio connections, doorbells, every channel's rings, the
 * backend.  Returns the amount of work done (0 = idle).
 */
unsigned int hvh_nic_poll(struct hvh_nic *nic);

/*
 * File descriptors worth sleeping on: fills up to max, returns count.  The
 * backend's receive fd is among them only while a received frame could go
 * to the guest (free sections), or a slow guest would make hv-host spin.
 */
unsigned int hvh_nic_fds(struct hvh_nic *nic, int *fds, unsigned int max);

/*
 * Sleep on hvh_nic_fds() and extra_fd (if >= 0) for at most ns, or until
 * a file descriptor is ready when no guest is there (nothing else can
 * start work).  Returns at once when *stop is set; the signals of
 * stop_sigs, whose handler sets it, are blocked from that test until the
 * wait unblocks them, so one arriving in between ends the wait.
 */
void hvh_nic_sleep(struct hvh_nic *nic, int extra_fd, uint64_t ns,
		   const volatile sig_atomic_t *stop,
		   const sigset_t *stop_sigs);

/*
 * hvh_nic_sleep() for the NICs of one host (at most HVH_NICS_MAX): the wait
 * is bounded while any of them has a guest.
 */
void hvh_nics_sleep(struct hvh_nic *const *nics, unsigned int nnics,
		    int extra_fd, uint64_t ns,
		    const volatile sig_atomic_t *stop,
		    const sigset_t *stop_sigs);

/*
 * The caller slept on hvh_nic_fds() (or a uio socket changed behind its
 * back): look at the uio sockets on the next poll, whatever the period.
 */
void hvh_nic_wake(struct hvh_nic *nic);

/* True when the backend always has frames for a guest with room. */
int hvh_nic_rx_always(const struct hvh_nic *nic);

/* Control plane. */
void hvh_nic_set_link(struct hvh_nic *nic, int up);
void hvh_nic_vf(struct hvh_nic *nic, int offer);
/*
 * Reset the VF device in place for secs seconds (the stand-in's control
 * file reads "reset", then "present"): 0, -ENODEV without --vf-ctl,
 * -ENOENT when no VF is there, -EBUSY during a reset.
 */
int hvh_nic_vf_reset(struct hvh_nic *nic, unsigned int secs);
/* Inject fault NAME (see hvh_fault.c): 0, -EINVAL unknown, -ENOTCONN. */
int hvh_fault_arm(struct hvh_nic *nic, const char *name);
const char *hvh_fault_names(void);
/* --hostile at run time: a new seed and share (0 = off); counters go on. */
void hvh_nic_hostile(struct hvh_nic *nic, uint64_t seed, uint32_t permille);

/* What a program reports. */
void hvh_nic_print_stats(struct hvh_nic *nic, FILE *f);
/* Counters of channel index q over every guest so far. */
void hvh_nic_chan_stats(const struct hvh_nic *nic, unsigned int q,
			struct hvh_chan_stats *out);
void hvh_nic_stats(const struct hvh_nic *nic, struct hvh_nic_stats *out);
const char *hvh_nic_backend_name(const struct hvh_nic *nic);

/*
 * What an in-process guest attaches to: the surface (its configuration and
 * the memory a guest maps through /dev/uioN), and whether a guest is there.
 */
const struct hvh_surface *hvh_nic_surface(const struct hvh_nic *nic);
int hvh_nic_guest_present(const struct hvh_nic *nic);

uint64_t hvh_now_ns(void);

#endif /* HVH_NIC_H */
