/* SPDX-License-Identifier: BSD-3-Clause */

/*
 * The synthetic NIC hv-host presents: VMBus channels, the NVSP and RNDIS
 * device model and the receive-buffer bookkeeping.  It does not know where
 * frames go; that is the backend's business (hvh_backend.h).
 */

#ifndef HVH_NIC_H
#define HVH_NIC_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "hvh_backend.h"
#include "hvh_check.h"
#include "hvh_ring.h"
#include "hvh_surface.h"
#include "hvh_toeplitz.h"
#include "hvh_wire.h"

#define HVH_CHAN_MAX		64
#define HVH_TX_BURST		32	/* ring packets per TX batch */
#define HVH_TX_FRAMES_MAX	(HVH_TX_BURST * 8) /* 8 aggregated each */
#define HVH_RX_BURST		32	/* frames per backend rx call */
#define HVH_RX_BURSTS		8	/* rx calls per pass at most: a pass
					 * may take 32 x 8 frames per channel
					 * from the guest, loopback returns as
					 * many */
/* The uio sockets (opens, closes, mask/unmask writes) are looked at once
 * per this period while polling, not on every pass: even a check that finds
 * nothing costs a system call.  The kernel's irqcontrol is not latency
 * critical for a polling guest.
 */
#define HVH_UIO_PERIOD_NS	100000ull
#define HVH_PKT_MAX		4096	/* largest guest ring packet */
#define HVH_GPA_SEGS_MAX	(HVH_PKT_MAX / 8) /* pages one packet can name */
#define HVH_TX_SECTION_SIZE	6144	/* send buffer section */
#define HVH_CTRL_QUEUE		32	/* queued RNDIS responses */
#define HVH_CTRL_MSG_MAX	1024

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

/* Per ring packet bookkeeping of one TX batch. */
enum hvh_slot_kind {
	HVH_SLOT_DATA,		/* RNDIS data: complete after the backend */
	HVH_SLOT_COMP,		/* guest completion of a receive message */
	HVH_SLOT_DONE,		/* already handled */
};

struct hvh_tx_slot {
	uint64_t trans_id;
	uint32_t end;		/* ring offset after this packet */
	uint32_t len;		/* bytes of ring consumed */
	uint32_t status;	/* NVSP status for the completion */
	uint16_t first_frame;
	uint16_t nframes;
	uint8_t kind;
	uint8_t rc;
};

struct hvh_chan {
	struct hvh_nic *nic;
	uint16_t index;		/* subchannel index, 0 = primary */
	uint32_t relid;
	uint8_t monitor_id;
	int open;
	int broken;		/* ring corrupt: no longer processed */
	struct hvh_map map;	/* own ring file (subchannels) */
	struct hvh_ring in;	/* guest -> host, first half */
	struct hvh_ring out;	/* host -> guest, second half */
	uint32_t skip_frames;	/* frames of the head packet already sent */
	struct hvh_chan_stats st;
	/* TX batch state. */
	struct hvh_tx_slot slots[HVH_TX_BURST];
	struct hvh_frame frames[HVH_TX_FRAMES_MAX];
	uint8_t pkt[HVH_PKT_MAX];
	uint8_t *bounce;	/* HVH_TX_BURST * HVH_FRAME_MAX for GPA sends */
	/* RX staging. */
	uint32_t rx_sect[HVH_RX_BURST];
	uint32_t rx_len[HVH_RX_BURST];
	unsigned int rx_n;
	unsigned int nslots;
	unsigned int nframes;
};

/* Receive messages: RNDIS header and up to four PPIs before the frame. */
#define HVH_RX_FRAME_OFF (44u + 4u * 16u)

struct hvh_ctrl_msg {
	uint32_t len;
	uint8_t buf[HVH_CTRL_MSG_MAX];
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

enum hvh_fault {
	HVH_FAULT_NONE,
	/* On the next received data message. */
	HVH_FAULT_XFER_RANGE,
	HVH_FAULT_XFER_ID,
	HVH_FAULT_XFER_PAGESET,
	HVH_FAULT_XFER_COUNT,
	HVH_FAULT_RNDIS_LEN,
	HVH_FAULT_PPI_ZERO,
	/* Sent at once. */
	HVH_FAULT_COMP_TID,
	HVH_FAULT_DESC,
	HVH_FAULT_INDIR,
	HVH_FAULT_VF_SHORT,
};

enum hvh_nvs_phase {
	HVH_NVS_NONE,		/* no guest or INIT not done */
	HVH_NVS_INIT,		/* version negotiated */
	HVH_NVS_READY,		/* first RNDIS message seen */
};

struct hvh_nic {
	struct hvh_nic_conf conf;
	struct hvh_surface sf;
	struct hvh_backend *be;
	uint8_t *rxbuf;
	uint8_t *txbuf;
	uint8_t *monitor;
	uint8_t *intpage;
	pid_t guest_pid;
	int guest_present;
	uint64_t uio_due_ns;	/* next look at the uio sockets */

	/* NVSP state. */
	enum hvh_nvs_phase phase;
	uint32_t nvs_version;
	uint32_t ndis_major, ndis_minor;
	int ndis_version_seen;
	int ndis_config_seen;
	uint32_t guest_mtu;
	uint32_t mtu;		/* in force: the guest's (NDIS config) within
				 * 1500 .. --mtu, else --mtu */
	uint64_t guest_caps;
	int rxbuf_on, txbuf_on;
	uint16_t rxbuf_id;
	uint32_t datapath;	/* 0 synthetic, 1 VF (guest's last switch) */

	/* RNDIS state. */
	int rndis_up;
	uint32_t filter;
	int filter_set_once;
	uint64_t filter_set_ns;
	int link_up;
	uint32_t offload_params_seen;
	int rss_on;
	uint32_t rss_hash;
	uint32_t rss_table[HVH_RSS_INDIR_MAX];
	uint32_t rss_table_len;
	uint8_t rss_key[HVH_RSS_KEY_LEN];
	struct hvh_toeplitz *toeplitz;
	uint32_t mcast_count;

	enum hvh_fault fault;	/* armed receive fault */

	/* VF. */
	int vf_offered;		/* control: offer wanted */
	int vf_sent;		/* association allocated=1 is with the guest */
	uint64_t vf_offer_ns;	/* when the VF device was (re)added */
	int vf_held_logged;	/* said once why the offer waits */

	/* Channels. */
	struct hvh_chan *chan[HVH_CHAN_MAX];
	unsigned int nchan;	/* open channels, primary included */
	uint32_t next_relid;	/* relid of the next subchannel offer */
	int8_t mon_to_chan[HVH_MON_ID_MAX + 1];

	/* Receive buffer sections. */
	uint32_t rx_sect_size;
	uint32_t rx_sect_count;
	uint32_t *rx_free;	/* stack of free section indices */
	uint32_t rx_nfree;
	uint32_t *rx_next;	/* chain of a message's sections */
	uint8_t *rx_head;	/* 1 = section heads an outstanding message */
	uint32_t rx_outstanding; /* messages awaiting guest completion */
	uint32_t tx_sect_count;

	/* RNDIS responses waiting for a section or ring room. */
	struct hvh_ctrl_msg ctrl[HVH_CTRL_QUEUE];
	unsigned int ctrl_head, ctrl_n;

	/* RX scratch. */
	struct hvh_frame rx_frames[HVH_RX_BURST];
	uint32_t rx_sects[HVH_RX_BURST];

	struct hvh_nic_stats st;
	/* Counters of channels (and guests) that are gone, per index. */
	struct hvh_chan_stats hist[HVH_CHAN_MAX];
	unsigned int hist_n;
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
 * The caller slept on hvh_nic_fds() (or a uio socket changed behind its
 * back): look at the uio sockets on the next poll, whatever the period.
 */
void hvh_nic_wake(struct hvh_nic *nic);

/* True when the backend always has frames for a guest with room. */
int hvh_nic_rx_always(const struct hvh_nic *nic);

/* Control plane. */
void hvh_nic_set_link(struct hvh_nic *nic, int up);
void hvh_nic_vf(struct hvh_nic *nic, int offer);
void hvh_nic_print_stats(struct hvh_nic *nic, FILE *f);
/* Inject fault NAME (see hvh_fault.c): 0, -EINVAL unknown, -ENOTCONN. */
int hvh_fault_arm(struct hvh_nic *nic, const char *name);
const char *hvh_fault_names(void);
/* Counters of channel index q over every guest so far. */
void hvh_nic_chan_stats(const struct hvh_nic *nic, unsigned int q,
			struct hvh_chan_stats *out);

/* Internal, shared between hvh_nic.c, hvh_nvsp.c and hvh_rndis.c. */
void hvh_proto_error(struct hvh_nic *nic, const struct hvh_chan *ch,
		     const char *what);
int hvh_send_inband(struct hvh_chan *ch, uint16_t type, uint64_t tid,
		    uint16_t flags, const void *msg, uint32_t len);
void hvh_signal_guest(struct hvh_chan *ch);
void hvh_nvsp_handle(struct hvh_chan *ch, const struct hvh_pkt_desc *d,
		     const uint8_t *pkt, uint32_t pkt_len);
int hvh_nvsp_send_comp(struct hvh_chan *ch, uint64_t tid, uint32_t type,
		       uint32_t status);
int hvh_gpa_read(struct hvh_nic *nic, const struct hvh_gpa_seg *segs,
		 uint32_t n, uint8_t *dst, uint32_t cap);
void hvh_nvsp_reset_state(struct hvh_nic *nic);
int hvh_nvsp_offer_subchannels(struct hvh_nic *nic, unsigned int want);
void hvh_nvsp_rescind_subchannels(struct hvh_nic *nic);
void hvh_nvsp_vf_tick(struct hvh_nic *nic);
void hvh_rndis_control(struct hvh_nic *nic, const uint8_t *msg, uint32_t len);
void hvh_rndis_indicate(struct hvh_nic *nic, uint32_t status);
int hvh_rndis_parse_data(struct hvh_chan *ch, const struct hvh_pkt_desc *d,
			 const uint8_t *pkt, uint32_t pkt_len,
			 struct hvh_tx_slot *slot);
uint32_t hvh_rndis_build_rx(struct hvh_nic *nic, uint8_t *sect,
			    const struct hvh_frame *f, uint32_t hash,
			    uint32_t hash_type);
void hvh_rndis_reset_state(struct hvh_nic *nic);
int hvh_ctrl_enqueue(struct hvh_nic *nic, const void *msg, uint32_t len);
uint64_t hvh_now_ns(void);
int hvh_fault_rx(struct hvh_nic *nic, struct hvh_xfer_hdr *h,
		 struct hvh_xfer_range *r, const uint32_t *sect);

#endif /* HVH_NIC_H */
