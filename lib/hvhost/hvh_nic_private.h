/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * What the synthetic NIC is made of, shared by the files of lib/hvhost
 * only: hvh_nic.c (create, control, counters), hvh_chan.c (channels, rings,
 * doorbells), hvh_datapath.c (transmit, receive, receive-buffer sections),
 * hvh_loop.c (the poll loop, guests coming and going), hvh_nvsp.c,
 * hvh_rndis.c and hvh_fault.c.  Programs use hvh_nic.h.
 */

#ifndef HVH_NIC_PRIVATE_H
#define HVH_NIC_PRIVATE_H

#include <pthread.h>
#include <sys/types.h>

#include "hvh_backend.h"
#include "hvh_check.h"
#include "hvh_nic.h"
#include "hvh_ring.h"
#include "hvh_toeplitz.h"

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
#define HVH_GPA_SEGS_MAX	(HVH_PKT_MAX / 8) /* pages one packet can name */
#define HVH_TX_SECTION_SIZE	6144	/* send buffer section */
#define HVH_CTRL_QUEUE		32	/* queued RNDIS responses */
#define HVH_CTRL_MSG_MAX	1024

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

/* Transaction ids "fault comp-all" and "comp-unsent" name: 0 .. 4095. */
#define HVH_COMP_ALL_IDS 4096u

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
	uint32_t comp_all_sent;	/* "fault comp-all": completions written */
	/* "fault comp-unsent": ids of the sends waiting in the ring. */
	uint64_t comp_skip[HVH_COMP_ALL_IDS / 64];
};

/* Receive messages: RNDIS header and up to four PPIs before the frame. */
#define HVH_RX_FRAME_OFF (44u + 4u * 16u)

struct hvh_ctrl_msg {
	uint32_t len;
	uint8_t buf[HVH_CTRL_MSG_MAX];
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
	/* On the next RNDIS control message. */
	HVH_FAULT_CTRL_ODD,
	/* Sent at once. */
	HVH_FAULT_COMP_TID,
	HVH_FAULT_DESC,
	HVH_FAULT_INDIR,
	HVH_FAULT_VF_SHORT,
	HVH_FAULT_DESC_LAST,
	HVH_FAULT_LINK_FLAP,
	/* States that last until "fault calm". */
	HVH_FAULT_LINK_STORM,
	HVH_FAULT_FLOOD,
	HVH_FAULT_SLOW_CTRL,
	HVH_FAULT_TX_STALL,
	HVH_FAULT_COMP_ALL,
	HVH_FAULT_COMP_UNSENT,
	HVH_FAULT_CALM,
};

/* How long "fault slow-ctrl" holds each RNDIS control reply. */
#define HVH_SLOW_CTRL_NS	(6ull * 1000000000ull)

/* Kinds of --hostile mutation (hvh_hostile.c), counted apart. */
enum hvh_hostile_kind {
	HVH_HK_RING,		/* a ring index after the packet */
	HVH_HK_DESC,		/* the packet descriptor */
	HVH_HK_NVSP_COMP,	/* an NVSP completion: fields or length */
	HVH_HK_NVSP_NOTE,	/* another NVSP notification */
	HVH_HK_XFER,		/* transfer-page header or range */
	HVH_HK_RNDIS_CTRL,	/* an RNDIS control reply or indication */
	HVH_HK_RNDIS_DATA,	/* a PACKET_MSG header or its PPIs */
	/* Mutated when hv-host sends one, else forged. */
	HVH_HK_INDIR,		/* a send indirection table */
	HVH_HK_VF,		/* a VF association */
	HVH_HK_LINK,		/* an RNDIS link (status) indication */
	HVH_HK_COUNT,
};

/* Blocks of noise a grown NVSP message is made of. */
#define HVH_HOSTILE_NOISE	4096u
/* Descriptor, message, and noise up to the largest packet (len8). */
#define HVH_HOSTILE_IOV		(4u + 0xffffu * 8 / HVH_HOSTILE_NOISE)

struct hvh_hostile {
	uint64_t seed;
	uint64_t state;
	uint32_t permille;	/* 0: off */
	int used;		/* was ever on: its counters are printed */
	int busy;		/* writing a forged message */
	uint64_t seen;		/* packets written while on */
	uint64_t orphans;	/* receive messages the guest cannot complete */
	uint64_t count[HVH_HK_COUNT];
	uint8_t pkt[1024];
	uint8_t noise[HVH_HOSTILE_NOISE];
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
	int flood;		/* keep the primary ring never empty */
	int flood_tiled;	/* its data area holds only flood packets */
	int flood_running;	/* flood_thread moves the write index */
	int flood_stop;		/* asks flood_thread to end */
	uint64_t flood_empty;	/* times the guest read all (thread's) */
	pthread_t flood_thread;
	int slow_ctrl;		/* hold control replies HVH_SLOW_CTRL_NS */
	struct hvh_hostile hostile;
	uint64_t ctrl_due_ns;	/* when the held reply may go */
	int link_storm;		/* link-flap every round */
	int tx_stall;		/* guest -> host rings no longer read */
	int comp_all;		/* completing every transaction id */
	int comp_unsent;	/* ... once, but those of the ring's sends */

	/* VF. */
	int vf_offered;		/* control: offer wanted */
	int vf_sent;		/* association allocated=1 is with the guest */
	uint64_t vf_offer_ns;	/* when the VF device was (re)added */
	uint64_t vf_reset_end_ns; /* a reset of the VF device ends then (0: none) */
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

/* hvh_nic.c */
void hvh_proto_error(struct hvh_nic *nic, const struct hvh_chan *ch,
		     const char *what);

/* hvh_chan.c */
struct hvh_chan *hvh_chan_create(struct hvh_nic *nic, uint16_t index);
void hvh_chan_free(struct hvh_nic *nic, struct hvh_chan *ch);
void hvh_chan_stats_add(struct hvh_chan_stats *to,
			const struct hvh_chan_stats *from);
int hvh_send_inband(struct hvh_chan *ch, uint16_t type, uint64_t tid,
		    uint16_t flags, const void *msg, uint32_t len);
void hvh_signal_guest(struct hvh_chan *ch);
unsigned int hvh_doorbells(struct hvh_nic *nic);

/* hvh_datapath.c */
unsigned int hvh_chan_tx(struct hvh_chan *ch);
unsigned int hvh_nic_rx(struct hvh_nic *nic);
int hvh_rx_open(const struct hvh_nic *nic);
int hvh_rx_rings_room(struct hvh_nic *nic);
int hvh_ctrl_enqueue(struct hvh_nic *nic, const void *msg, uint32_t len);
unsigned int hvh_ctrl_flush(struct hvh_nic *nic);

/* hvh_nvsp.c */
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

/* hvh_rndis.c */
void hvh_rndis_control(struct hvh_nic *nic, const uint8_t *msg, uint32_t len);
void hvh_rndis_indicate(struct hvh_nic *nic, uint32_t status);
int hvh_rndis_parse_data(struct hvh_chan *ch, const struct hvh_pkt_desc *d,
			 const uint8_t *pkt, uint32_t pkt_len,
			 struct hvh_tx_slot *slot);
uint32_t hvh_rndis_build_rx(struct hvh_nic *nic, uint8_t *sect,
			    const struct hvh_frame *f, uint32_t hash,
			    uint32_t hash_type);
void hvh_rndis_reset_state(struct hvh_nic *nic);

/* hvh_fault.c */
/* The lasting faults' share of a poll round: work done. */
unsigned int hvh_fault_poll(struct hvh_nic *nic);
void hvh_flood_end(struct hvh_nic *nic);
int hvh_fault_rx(struct hvh_nic *nic, struct hvh_xfer_hdr *h,
		 struct hvh_xfer_range *r, const uint32_t *sect);
void hvh_fault_ctrl(struct hvh_nic *nic, struct hvh_xfer_range *r);

/* hvh_hostile.c */
void hvh_hostile_seed(struct hvh_hostile *h, uint64_t seed,
		      uint32_t permille);
/*
 * hvh_ring_write() of one packet (iov[0] the descriptor and header,
 * iov[1] the message) with --hostile on; *orphan = 1 when a receive
 * message was written that the guest cannot complete.
 */
int hvh_hostile_write(struct hvh_chan *ch, const struct iovec *iov,
		      int iovcnt, int *signal, int *orphan);
void hvh_hostile_print(const struct hvh_hostile *h, FILE *f);

#endif /* HVH_NIC_PRIVATE_H */
