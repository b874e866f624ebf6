/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

#ifndef _VMBUS_REG_H_
#define _VMBUS_REG_H_

/**
 * @file
 *
 * VMBus wire layouts shared with the host: the channel ring buffer
 * header, channel packet descriptors, GPA page ranges, the monitor page
 * and the VMBus control messages.  Every field is little-endian, as are
 * all Hyper-V guests; nothing here converts byte order.
 *
 * The names are those of DPDK 22.11 so that drivers written for it
 * compile unchanged; the layouts are fixed by the VMBus protocol.
 */

#include <stdint.h>

#include <rte_common.h>
#include <rte_uuid.h>

/*
 * DPDK 25.03 replaced __rte_packed with a pair around the structure and
 * deprecated it; older releases get the pair here so that one spelling
 * builds in all.
 */
#ifndef __rte_packed_begin
#define __rte_packed_begin
#define __rte_packed_end __rte_packed
#endif

/*
 * Ring buffer header page.  A channel has two rings, one per direction,
 * each made of this header (padded to one 4 KiB page) followed by the
 * data area.  The producer owns windex, the consumer owns rindex.
 *
 * Not packed: every field is a naturally aligned u32 (the offsets are
 * asserted in vmbus_bufring.c), and a packed struct would make its
 * indices atomics of alignment 1, which clang turns into libatomic calls.
 */
struct vmbus_bufring {
	volatile uint32_t windex;	/* write_index: next byte to produce */
	volatile uint32_t rindex;	/* read_index: next byte to consume */

	/*
	 * interrupt_mask: set by the consumer of this ring to tell the
	 * producer that no signal is wanted (it polls, or is draining).
	 */
	volatile uint32_t imask;

	/*
	 * pending_send_sz: set by a blocked producer to the number of free
	 * bytes it waits for; 0 when it is not waiting.
	 */
	volatile uint32_t pending_send;

	uint32_t reserved1[12];

	/* Bit 0: the producer honours pending_send_sz. */
	union {
		struct {
			uint32_t feat_pending_send_sz:1;
		};
		uint32_t value;
	} feature_bits;

	/* The rest of the header page is reserved; data starts at 4096. */
};

/*
 * Channel packet descriptor types and flags (enum vmbus_packet_type).
 */
#define VMBUS_CHANPKT_TYPE_INBAND	0x0006	/* payload inline */
#define VMBUS_CHANPKT_TYPE_RXBUF	0x0007	/* transfer page ranges */
#define VMBUS_CHANPKT_TYPE_GPA		0x0009	/* GPA direct page list */
#define VMBUS_CHANPKT_TYPE_COMP		0x000b	/* completion */

#define VMBUS_CHANPKT_FLAG_NONE		0
#define VMBUS_CHANPKT_FLAG_RC		0x0001	/* completion requested */

/* Descriptor lengths count 8-byte units. */
#define VMBUS_CHANPKT_SIZE_SHIFT	3
#define VMBUS_CHANPKT_SIZE_ALIGN	(1 << VMBUS_CHANPKT_SIZE_SHIFT)

/* Packet descriptor (vmpacket_descriptor), 16 bytes. */
struct __rte_packed_begin vmbus_chanpkt_hdr {
	uint16_t	type;	/* type: VMBUS_CHANPKT_TYPE_* */
	uint16_t	hlen;	/* offset8: payload offset, 8-byte units */
	uint16_t	tlen;	/* len8: packet length less trailer, 8-byte units */
	uint16_t	flags;	/* flags: VMBUS_CHANPKT_FLAG_* */
	uint64_t	xactid;	/* trans_id, echoed in the completion */
} __rte_packed_end;

/* Smallest legal hlen: the descriptor itself. */
#define VMBUS_CHANPKT_HLEN_MIN \
	(sizeof(struct vmbus_chanpkt_hdr) >> VMBUS_CHANPKT_SIZE_SHIFT)

/* Convert a descriptor length field (8-byte units) to bytes. */
static inline uint32_t
vmbus_chanpkt_getlen(uint16_t pktlen)
{
	return (uint32_t)pktlen << VMBUS_CHANPKT_SIZE_SHIFT;
}

/*
 * Payload bytes of a packet, padding included.  Only meaningful once
 * hlen <= tlen has been checked; the bus checks it on receive.
 */
static inline uint32_t
vmbus_chanpkt_datalen(const struct vmbus_chanpkt_hdr *pkt)
{
	return vmbus_chanpkt_getlen(pkt->tlen) -
		vmbus_chanpkt_getlen(pkt->hlen);
}

/* A descriptor with no type-specific header (inband, completion). */
struct __rte_packed_begin vmbus_chanpkt {
	struct vmbus_chanpkt_hdr hdr;
} __rte_packed_end;

/*
 * One piece of guest memory inside a single 4 KiB page, as listed by a
 * GPA direct packet in page-buffer form: address = page * 4096 + ofs.
 */
struct __rte_packed_begin vmbus_gpa {
	uint32_t	len;
	uint32_t	ofs;
	uint64_t	page;	/* guest page frame number */
} __rte_packed_end;

/* Multi-page-buffer form: one range spanning consecutive page frames. */
struct __rte_packed_begin vmbus_gpa_range {
	uint32_t	len;
	uint32_t	ofs;
	uint64_t	page[];
} __rte_packed_end;

/* GPA direct packet (type 9), guest to host. */
struct __rte_packed_begin vmbus_chanpkt_sglist {
	struct vmbus_chanpkt_hdr hdr;
	uint32_t	rsvd;
	uint32_t	gpa_cnt;	/* rangecount */
	struct vmbus_gpa gpa[];
} __rte_packed_end;

/* One transfer page range: bytes of the receive buffer GPADL. */
struct __rte_packed_begin vmbus_rxbuf_desc {
	uint32_t	len;	/* byte_count */
	uint32_t	ofs;	/* byte_offset from the buffer start */
} __rte_packed_end;

/* Transfer page packet (type 7), host to guest. */
struct __rte_packed_begin vmbus_chanpkt_rxbuf {
	struct vmbus_chanpkt_hdr hdr;
	uint16_t	rxbuf_id;	/* xfer_pageset_id */
	uint16_t	rsvd;		/* sender_owns_set, reserved */
	uint32_t	rxbuf_cnt;	/* range_cnt */
	struct vmbus_rxbuf_desc rxbuf[];
} __rte_packed_end;

/*
 * Monitor page (hv_monitor_page).  The guest signals a channel by
 * setting bit (monitor_id % 32) of trigs[monitor_id / 32].pending.
 */
#define VMBUS_MONTRIGS_MAX	4	/* trigger groups */
#define VMBUS_MONTRIG_LEN	32	/* channels per group */

struct __rte_packed_begin vmbus_mon_trig {
	uint32_t	pending;
	uint32_t	armed;
} __rte_packed_end;

struct __rte_packed_begin hyperv_mon_param {
	uint32_t	connid;		/* connection id, low 24 bits */
	uint16_t	evtflag_ofs;	/* flag_number */
	uint16_t	rsvd;
} __rte_packed_end;

struct __rte_packed_begin vmbus_mon_page {
	uint32_t	state;		/* trigger_state */
	uint32_t	rsvd1;
	struct vmbus_mon_trig trigs[VMBUS_MONTRIGS_MAX];
	uint8_t		rsvd2[536];	/* rsvdz2 and next_checktime */
	uint16_t	lat[VMBUS_MONTRIGS_MAX][VMBUS_MONTRIG_LEN];	/* 100 ns */
	uint8_t		rsvd3[256];
	struct hyperv_mon_param param[VMBUS_MONTRIGS_MAX][VMBUS_MONTRIG_LEN];
	uint8_t		rsvd4[1984];
} __rte_packed_end;

/*
 * SynIC message carrying VMBus control messages (kernel side only; the
 * uio surface never shows them, they are here for completeness of the
 * wire description).
 */
#define VMBUS_MSG_DSIZE_MAX	240
#define VMBUS_MSG_SIZE		256

#define VMBUS_MSGFLAG_PENDING	0x01

struct __rte_packed_begin vmbus_message {
	uint32_t	type;
	uint8_t		dsize;		/* bytes used in data[] */
	uint8_t		flags;		/* VMBUS_MSGFLAG_* */
	uint16_t	rsvd;
	uint64_t	id;
	uint8_t		data[VMBUS_MSG_DSIZE_MAX];
} __rte_packed_end;

/* VMBus control message types. */
#define VMBUS_CHANMSG_TYPE_CHOFFER		1
#define VMBUS_CHANMSG_TYPE_CHRESCIND		2
#define VMBUS_CHANMSG_TYPE_CHREQUEST		3
#define VMBUS_CHANMSG_TYPE_CHOFFER_DONE		4
#define VMBUS_CHANMSG_TYPE_CHOPEN		5
#define VMBUS_CHANMSG_TYPE_CHOPEN_RESP		6
#define VMBUS_CHANMSG_TYPE_CHCLOSE		7
#define VMBUS_CHANMSG_TYPE_GPADL_CONN		8
#define VMBUS_CHANMSG_TYPE_GPADL_SUBCONN	9
#define VMBUS_CHANMSG_TYPE_GPADL_CONNRESP	10
#define VMBUS_CHANMSG_TYPE_GPADL_DISCONN	11
#define VMBUS_CHANMSG_TYPE_GPADL_DISCONNRESP	12
#define VMBUS_CHANMSG_TYPE_CHFREE		13
#define VMBUS_CHANMSG_TYPE_CONNECT		14
#define VMBUS_CHANMSG_TYPE_CONNECT_RESP		15
#define VMBUS_CHANMSG_TYPE_DISCONNECT		16
#define VMBUS_CHANMSG_TYPE_MAX			22

struct __rte_packed_begin vmbus_chanmsg_hdr {
	uint32_t	type;	/* VMBUS_CHANMSG_TYPE_* */
	uint32_t	rsvd;
} __rte_packed_end;

/* CHOFFER (OFFERCHANNEL) */
#define VMBUS_CHOFFER_FLAG1_HASMNF	0x01	/* monitor allocated */

struct __rte_packed_begin vmbus_chanmsg_choffer {
	struct vmbus_chanmsg_hdr hdr;
	rte_uuid_t	chtype;		/* class (interface type) GUID */
	rte_uuid_t	chinst;		/* instance GUID */
	uint64_t	chlat;		/* 100 ns units */
	uint32_t	chrev;
	uint32_t	svrctx_sz;
	uint16_t	chflags;
	uint16_t	mmio_sz;	/* MiB */
	uint8_t		udata[120];
	uint16_t	subidx;		/* sub_channel_index */
	uint16_t	rsvd;
	uint32_t	chanid;		/* child_relid */
	uint8_t		montrig;	/* monitor_id */
	uint8_t		flags1;		/* VMBUS_CHOFFER_FLAG1_* */
	uint16_t	flags2;
	uint32_t	connid;
} __rte_packed_end;

/* CHRESCIND (RESCIND_CHANNELOFFER) */
struct __rte_packed_begin vmbus_chanmsg_chrescind {
	struct vmbus_chanmsg_hdr hdr;
	uint32_t	chanid;
} __rte_packed_end;

/* CHREQUEST (REQUEST_OFFERS) */
struct __rte_packed_begin vmbus_chanmsg_chrequest {
	struct vmbus_chanmsg_hdr hdr;
} __rte_packed_end;

/* CHOPEN (OPENCHANNEL) */
#define VMBUS_CHANMSG_CHOPEN_UDATA_SIZE	120

struct __rte_packed_begin vmbus_chanmsg_chopen {
	struct vmbus_chanmsg_hdr hdr;
	uint32_t	chanid;		/* child_relid */
	uint32_t	openid;
	uint32_t	gpadl;		/* ring pair GPADL */
	uint32_t	vcpuid;
	uint32_t	txbr_pgcnt;	/* pages of the guest to host ring */
	uint8_t		udata[VMBUS_CHANMSG_CHOPEN_UDATA_SIZE];
} __rte_packed_end;

/* CHOPEN_RESP (OPENCHANNEL_RESULT) */
struct __rte_packed_begin vmbus_chanmsg_chopen_resp {
	struct vmbus_chanmsg_hdr hdr;
	uint32_t	chanid;
	uint32_t	openid;
	uint32_t	status;
} __rte_packed_end;

/* CHCLOSE (CLOSECHANNEL) */
struct __rte_packed_begin vmbus_chanmsg_chclose {
	struct vmbus_chanmsg_hdr hdr;
	uint32_t	chanid;
} __rte_packed_end;

/* GPADL_CONN (GPADL_HEADER): first message of a GPADL, up to 26 pages. */
#define VMBUS_CHANMSG_GPADL_CONN_PGMAX		26

struct __rte_packed_begin vmbus_chanmsg_gpadl_conn {
	struct vmbus_chanmsg_hdr hdr;
	uint32_t	chanid;
	uint32_t	gpadl;
	uint16_t	range_len;
	uint16_t	range_cnt;
	struct vmbus_gpa_range range;
} __rte_packed_end;

/* GPADL_SUBCONN (GPADL_BODY): continuation, up to 28 pages. */
#define VMBUS_CHANMSG_GPADL_SUBCONN_PGMAX	28

struct __rte_packed_begin vmbus_chanmsg_gpadl_subconn {
	struct vmbus_chanmsg_hdr hdr;
	uint32_t	msgno;
	uint32_t	gpadl;
	uint64_t	gpa_page[];
} __rte_packed_end;

/* GPADL_CONNRESP (GPADL_CREATED) */
struct __rte_packed_begin vmbus_chanmsg_gpadl_connresp {
	struct vmbus_chanmsg_hdr hdr;
	uint32_t	chanid;
	uint32_t	gpadl;
	uint32_t	status;
} __rte_packed_end;

/* GPADL_DISCONN (GPADL_TEARDOWN) */
struct __rte_packed_begin vmbus_chanmsg_gpadl_disconn {
	struct vmbus_chanmsg_hdr hdr;
	uint32_t	chanid;
	uint32_t	gpadl;
} __rte_packed_end;

/* CHFREE (RELID_RELEASED) */
struct __rte_packed_begin vmbus_chanmsg_chfree {
	struct vmbus_chanmsg_hdr hdr;
	uint32_t	chanid;
} __rte_packed_end;

/* CONNECT (INITIATE_CONTACT) */
struct __rte_packed_begin vmbus_chanmsg_connect {
	struct vmbus_chanmsg_hdr hdr;
	uint32_t	ver;
	uint32_t	rsvd;
	uint64_t	evtflags;	/* interrupt page */
	uint64_t	mnf1;		/* monitor page, host to guest */
	uint64_t	mnf2;		/* monitor page, guest to host */
} __rte_packed_end;

/* CONNECT_RESP (VERSION_RESPONSE) */
struct __rte_packed_begin vmbus_chanmsg_connect_resp {
	struct vmbus_chanmsg_hdr hdr;
	uint8_t		done;
} __rte_packed_end;

/* DISCONNECT (UNLOAD) */
struct __rte_packed_begin vmbus_chanmsg_disconnect {
	struct vmbus_chanmsg_hdr hdr;
} __rte_packed_end;

#endif /* _VMBUS_REG_H_ */
