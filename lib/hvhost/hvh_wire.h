/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * hv-host's own wire definitions: VMBus ring, NVSP, RNDIS and NDIS, written
 * from doc/guides/nics/netvsc_protocol.rst.  Kept apart
 * from the PMD's definitions on purpose: if either side misreads the spec,
 * the upstream PMD exposes it.  Everything is little-endian; hv-host only
 * runs on little-endian hosts (checked once below).
 */

#ifndef HVH_WIRE_H
#define HVH_WIRE_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "VMBus, NVSP and RNDIS are little-endian; hv-host assumes a little-endian host"
#endif

#define HVH_PAGE_SIZE 4096u
#define HVH_PAGE_SHIFT 12

/* ---- VMBus ring (netvsc_protocol.rst, "Ring layout") ---- */

struct hvh_ring_hdr {
	volatile uint32_t windex;		/* write_index */
	volatile uint32_t rindex;		/* read_index */
	volatile uint32_t imask;		/* interrupt_mask */
	volatile uint32_t pending_send_sz;	/* pending_send_sz */
	uint32_t reserved1[12];
	volatile uint32_t feature_bits;	/* bit 0: pending_send_sz honoured */
};
static_assert(offsetof(struct hvh_ring_hdr, feature_bits) == 64, "ring hdr");

#define HVH_RING_FEAT_PENDING_SZ 0x1u

/* Packet descriptor (netvsc_protocol.rst, "Packet descriptors"). */
struct hvh_pkt_desc {
	uint16_t type;
	uint16_t offset8;	/* header length in 8-byte units */
	uint16_t len8;		/* total length (no trailer) in 8-byte units */
	uint16_t flags;
	uint64_t trans_id;
};
static_assert(sizeof(struct hvh_pkt_desc) == 16, "descriptor");

#define HVH_PKT_INBAND		6
#define HVH_PKT_XFER_PAGES	7
#define HVH_PKT_GPA_DIRECT	9
#define HVH_PKT_COMP		11
#define HVH_PKT_FLAG_RC		0x1

/* Trailer after every packet: (u64)start_windex << 32. */
#define HVH_PKT_TRAILER 8u

/* Transfer-page packet header ("Transfer pages"), ranges follow. */
struct hvh_xfer_hdr {
	struct hvh_pkt_desc d;
	uint16_t xfer_pageset_id;
	uint8_t sender_owns_set;
	uint8_t reserved;
	uint32_t range_cnt;
};
static_assert(sizeof(struct hvh_xfer_hdr) == 24, "xfer hdr");

struct hvh_xfer_range {
	uint32_t byte_count;
	uint32_t byte_offset;
};

/* GPA direct packet ("GPA direct packets"), page entries follow. */
struct hvh_gpa_hdr {
	struct hvh_pkt_desc d;
	uint32_t reserved;
	uint32_t range_cnt;
};
static_assert(sizeof(struct hvh_gpa_hdr) == 24, "gpa hdr");

struct hvh_gpa_page {
	uint32_t len;
	uint32_t offset;
	uint64_t pfn;
};
static_assert(sizeof(struct hvh_gpa_page) == 16, "gpa page");

/* Monitor page ("Monitor page"). */
#define HVH_MON_PENDING_OFF(id)	(8u + ((id) / 32u) * 8u)
#define HVH_MON_LATENCY_OFF(id)	(576u + (id) * 2u)
#define HVH_MON_ID_MAX		127u

/* Interrupt page: guest->host half starts at 2048 ("Monitor page"). */
#define HVH_INT_PAGE_SEND_OFF	2048u

/* ---- NVSP (netvsc_protocol.rst, "NVSP") ---- */

#define HVH_NVSP_V1	0x00000002u
#define HVH_NVSP_V2	0x00030002u
#define HVH_NVSP_V4	0x00040000u
#define HVH_NVSP_V5	0x00050000u
#define HVH_NVSP_V6	0x00060000u
#define HVH_NVSP_V61	0x00060001u

#define HVH_NVSP_INIT			1
#define HVH_NVSP_INIT_COMPLETE		2
#define HVH_NVSP_SEND_NDIS_VER		100
#define HVH_NVSP_SEND_RECV_BUF		101
#define HVH_NVSP_SEND_RECV_BUF_COMPLETE	102
#define HVH_NVSP_REVOKE_RECV_BUF	103
#define HVH_NVSP_SEND_SEND_BUF		104
#define HVH_NVSP_SEND_SEND_BUF_COMPLETE	105
#define HVH_NVSP_REVOKE_SEND_BUF	106
#define HVH_NVSP_SEND_RNDIS_PKT		107
#define HVH_NVSP_SEND_RNDIS_PKT_COMPLETE 108
#define HVH_NVSP_SEND_NDIS_CONFIG	125
#define HVH_NVSP_SEND_VF_ASSOCIATION	128
#define HVH_NVSP_SWITCH_DATA_PATH	129
#define HVH_NVSP_OID_QUERY_EX		131
#define HVH_NVSP_SUBCHANNEL		133
#define HVH_NVSP_SEND_INDIRECTION_TABLE	134
#define HVH_NVSP_PD_API			135

#define HVH_NVSP_STAT_SUCCESS	1
#define HVH_NVSP_STAT_FAILURE	2

/* Every host->guest NVSP message is padded to the 6.1 message size; the
 * upstream PMD needs 40 bytes for the SUBCHANNEL completion
 * (netvsc_protocol.rst, "Message framing") and Linux reads at most that much.
 */
#define HVH_NVSP_MSG_SIZE	40u
/* Largest guest->host message we accept inline (netvsc_protocol.rst,
 * "Message framing").
 */
#define HVH_NVSP_MSG_MAX	256u

#define HVH_NVSP_RXBUF_ID	0xcafe
#define HVH_NVSP_SECTION_NONE	0xffffffffu
#define HVH_NVSP_SUBCH_ALLOCATE	1
#define HVH_NVSP_INDIR_ENTRIES	16
#define HVH_NVSP_CAP_SRIOV	0x4

/* Field offsets of the messages we read (from the start of the message). */
struct hvh_nvsp_init {
	uint32_t type;
	uint32_t min_ver;
	uint32_t max_ver;
};

struct hvh_nvsp_ndis_config {
	uint32_t type;
	uint32_t mtu;
	uint32_t reserved;
	uint32_t caps_lo;	/* u64 capabilities, 4-byte aligned on the wire */
	uint32_t caps_hi;
};
static_assert(sizeof(struct hvh_nvsp_ndis_config) == 20, "ndis config");

struct hvh_nvsp_buf {
	uint32_t type;
	uint32_t gpadl;
	uint16_t id;
	uint16_t pad;
};

struct hvh_nvsp_rndis {
	uint32_t type;
	uint32_t channel_type;	/* 0 data, 1 control */
	uint32_t section_index;
	uint32_t section_size;
};
static_assert(sizeof(struct hvh_nvsp_rndis) == 16, "nvsp rndis");

struct hvh_nvsp_subch {
	uint32_t type;
	uint32_t op_or_status;
	uint32_t count;
};

struct hvh_nvsp_recv_buf_complete {
	uint32_t type;
	uint32_t status;
	uint32_t num_sections;
	uint32_t offset;
	uint32_t sub_alloc_size;
	uint32_t num_sub_allocs;
	uint32_t end_offset;
};
static_assert(sizeof(struct hvh_nvsp_recv_buf_complete) == 28, "rxbuf comp");

/* ---- RNDIS (netvsc_protocol.rst, "RNDIS") ---- */

#define HVH_RNDIS_PACKET	0x00000001u
#define HVH_RNDIS_INIT		0x00000002u
#define HVH_RNDIS_HALT		0x00000003u
#define HVH_RNDIS_QUERY		0x00000004u
#define HVH_RNDIS_SET		0x00000005u
#define HVH_RNDIS_RESET		0x00000006u
#define HVH_RNDIS_INDICATE	0x00000007u
#define HVH_RNDIS_KEEPALIVE	0x00000008u
#define HVH_RNDIS_SET_EX	0x00000009u
#define HVH_RNDIS_CMPLT		0x80000000u

#define HVH_RNDIS_ST_SUCCESS		0x00000000u
#define HVH_RNDIS_ST_FAILURE		0xc0000001u
#define HVH_RNDIS_ST_NOT_SUPPORTED	0xc00000bbu
#define HVH_RNDIS_ST_INVALID_LENGTH	0xc0010014u
#define HVH_RNDIS_ST_INVALID_DATA	0xc0010015u
#define HVH_RNDIS_ST_BUFFER_TOO_SHORT	0xc0010016u
#define HVH_RNDIS_ST_MEDIA_CONNECT	0x4001000bu
#define HVH_RNDIS_ST_MEDIA_DISCONNECT	0x4001000cu

struct hvh_rndis_hdr {
	uint32_t type;
	uint32_t len;
};

struct hvh_rndis_init_cmplt {
	uint32_t type;
	uint32_t len;
	uint32_t request_id;
	uint32_t status;
	uint32_t major;
	uint32_t minor;
	uint32_t device_flags;
	uint32_t medium;
	uint32_t max_pkts;
	uint32_t max_xfer;
	uint32_t align_factor;
	uint32_t af_list_off;
	uint32_t af_list_size;
};
static_assert(sizeof(struct hvh_rndis_init_cmplt) == 52, "init cmplt");

/* QUERY / SET request: info buffer offset is relative to request_id (+8). */
struct hvh_rndis_oid_req {
	uint32_t type;
	uint32_t len;
	uint32_t request_id;
	uint32_t oid;
	uint32_t info_len;
	uint32_t info_off;
	uint32_t vc_handle;
};
static_assert(sizeof(struct hvh_rndis_oid_req) == 28, "oid req");

struct hvh_rndis_query_cmplt {
	uint32_t type;
	uint32_t len;
	uint32_t request_id;
	uint32_t status;
	uint32_t info_len;
	uint32_t info_off;
};
static_assert(sizeof(struct hvh_rndis_query_cmplt) == 24, "query cmplt");

struct hvh_rndis_simple_cmplt {	/* SET, KEEPALIVE */
	uint32_t type;
	uint32_t len;
	uint32_t request_id;
	uint32_t status;
};

struct hvh_rndis_reset_cmplt {
	uint32_t type;
	uint32_t len;
	uint32_t status;
	uint32_t addressing_reset;
};

struct hvh_rndis_indicate {
	uint32_t type;
	uint32_t len;
	uint32_t status;
	uint32_t buf_len;
	uint32_t buf_off;
};
static_assert(sizeof(struct hvh_rndis_indicate) == 20, "indicate");

/* PACKET_MSG ("Packet messages"); offsets are relative to +8. */
struct hvh_rndis_pkt {
	uint32_t type;
	uint32_t len;
	uint32_t data_off;
	uint32_t data_len;
	uint32_t oob_off;
	uint32_t oob_len;
	uint32_t oob_num;
	uint32_t ppi_off;
	uint32_t ppi_len;
	uint32_t vc_handle;
	uint32_t reserved;
};
static_assert(sizeof(struct hvh_rndis_pkt) == 44, "rndis packet");
#define HVH_RNDIS_OFF_BASE 8u

struct hvh_rndis_ppi {
	uint32_t size;
	uint32_t type;
	uint32_t offset;
};
static_assert(sizeof(struct hvh_rndis_ppi) == 12, "ppi");

#define HVH_PPI_CSUM		0
#define HVH_PPI_LSO		2
#define HVH_PPI_VLAN		6
#define HVH_PPI_HASH_VALUE	8
#define HVH_PPI_HASH_INFO	9

/* TX checksum request bits. */
#define HVH_TXCSUM_IPV4		0x01u
#define HVH_TXCSUM_IPV6		0x02u
#define HVH_TXCSUM_TCP		0x04u
#define HVH_TXCSUM_UDP		0x08u
#define HVH_TXCSUM_IP		0x10u
#define HVH_TXCSUM_THOFF(v)	(((v) >> 16) & 0x3ffu)
/* RX checksum result bits. */
#define HVH_RXCSUM_TCP_OK	0x08u
#define HVH_RXCSUM_UDP_OK	0x10u
#define HVH_RXCSUM_IP_OK	0x20u
/* LSOv2 request. */
#define HVH_LSO_MSS(v)		((v) & 0xfffffu)
#define HVH_LSO_THOFF(v)	(((v) >> 20) & 0x3ffu)
#define HVH_LSO_IPV6		0x80000000u

/* OIDs ("OIDs"). */
#define HVH_OID_GEN_SUPPORTED_LIST		0x00010101u
#define HVH_OID_GEN_HARDWARE_STATUS		0x00010102u
#define HVH_OID_GEN_MEDIA_SUPPORTED		0x00010103u
#define HVH_OID_GEN_MEDIA_IN_USE		0x00010104u
#define HVH_OID_GEN_MAXIMUM_FRAME_SIZE		0x00010106u
#define HVH_OID_GEN_LINK_SPEED			0x00010107u
#define HVH_OID_GEN_CURRENT_PACKET_FILTER	0x0001010eu
#define HVH_OID_GEN_MAXIMUM_TOTAL_SIZE		0x00010111u
#define HVH_OID_GEN_MEDIA_CONNECT_STATUS	0x00010114u
#define HVH_OID_GEN_RSS_CAPABILITIES		0x00010203u
#define HVH_OID_GEN_RSS_PARAMETERS		0x00010204u
#define HVH_OID_GEN_RNDIS_CONFIG_PARAMETER	0x0001021bu
#define HVH_OID_GEN_XMIT_OK			0x00020101u
#define HVH_OID_GEN_RCV_OK			0x00020102u
#define HVH_OID_GEN_XMIT_ERROR			0x00020103u
#define HVH_OID_GEN_RCV_ERROR			0x00020104u
#define HVH_OID_GEN_RCV_NO_BUFFER		0x00020105u
#define HVH_OID_802_3_PERMANENT_ADDRESS		0x01010101u
#define HVH_OID_802_3_CURRENT_ADDRESS		0x01010102u
#define HVH_OID_802_3_MULTICAST_LIST		0x01010103u
#define HVH_OID_802_3_MAXIMUM_LIST_SIZE		0x01010104u
#define HVH_OID_OFFLOAD_ENCAPSULATION		0x0101010au
#define HVH_OID_TCP_OFFLOAD_CURRENT_CONFIG	0xfc01020bu
#define HVH_OID_TCP_OFFLOAD_PARAMETERS		0xfc01020cu
#define HVH_OID_TCP_OFFLOAD_HW_CAPS		0xfc01020du

/* Packet filter bits. */
#define HVH_FILTER_DIRECTED	0x01u
#define HVH_FILTER_MULTICAST	0x02u
#define HVH_FILTER_ALL_MULTI	0x04u
#define HVH_FILTER_BROADCAST	0x08u
#define HVH_FILTER_PROMISC	0x20u

/* NDIS object header. */
struct hvh_ndis_obj_hdr {
	uint8_t type;
	uint8_t rev;
	uint16_t size;
};

#define HVH_NDIS_OBJ_DEFAULT	0x80
#define HVH_NDIS_OBJ_RSS_CAPS	0x88
#define HVH_NDIS_OBJ_RSS_PARAMS	0x89
#define HVH_NDIS_OBJ_OFFLOAD	0xa7

struct hvh_ndis_rss_caps {
	struct hvh_ndis_obj_hdr hdr;
	uint32_t flags;
	uint32_t num_interrupts;
	uint32_t num_queues;
	uint16_t num_indir_entries;
} __attribute__((packed));
static_assert(sizeof(struct hvh_ndis_rss_caps) == 18, "rss caps");

#define HVH_RSS_CAP_TOEPLITZ	0x00000001u
#define HVH_RSS_CAP_IPV4	0x00000100u
#define HVH_RSS_CAP_IPV6	0x00000200u
#define HVH_RSS_CAP_MSIX	0x08000000u

struct hvh_ndis_rss_params {
	struct hvh_ndis_obj_hdr hdr;
	uint16_t flags;
	uint16_t base_cpu;
	uint32_t hash_info;
	uint16_t indir_size;	/* bytes */
	uint16_t pad0;
	uint32_t indir_off;	/* from start of struct */
	uint16_t key_size;
	uint16_t pad1;
	uint32_t key_off;
	uint32_t cpumask_off;
	uint32_t cpumask_cnt;
	uint32_t cpumask_entry_size;
};
static_assert(sizeof(struct hvh_ndis_rss_params) == 40, "rss params");
#define HVH_RSS_PARAMS_SIZE_REV1 28u
#define HVH_RSS_FLAG_HASH_UNCHANGED	0x0002u
#define HVH_RSS_FLAG_TABLE_UNCHANGED	0x0004u
#define HVH_RSS_FLAG_KEY_UNCHANGED	0x0008u
#define HVH_RSS_FLAG_DISABLE		0x0010u
#define HVH_RSS_INDIR_MAX		128u

/* NDIS_OFFLOAD (hardware capabilities), rev 3 = 156 bytes. */
struct hvh_ndis_offload {
	struct hvh_ndis_obj_hdr hdr;
	uint32_t ip4_tx_encap;
	uint32_t ip4_tx_flags;
	uint32_t ip4_rx_encap;
	uint32_t ip4_rx_flags;
	uint32_t ip6_tx_encap;
	uint32_t ip6_tx_flags;
	uint32_t ip6_rx_encap;
	uint32_t ip6_rx_flags;
	uint32_t lsov1_encap;
	uint32_t lsov1_max_size;
	uint32_t lsov1_min_segs;
	uint32_t lsov1_opts;
	uint32_t ipsecv1[7];
	uint32_t lsov2_ip4_encap;
	uint32_t lsov2_ip4_max_size;
	uint32_t lsov2_ip4_min_segs;
	uint32_t lsov2_ip6_encap;
	uint32_t lsov2_ip6_max_size;
	uint32_t lsov2_ip6_min_segs;
	uint32_t lsov2_ip6_opts;
	uint32_t flags;
	uint32_t ipsecv2[8];
	uint8_t rsc_ip4;
	uint8_t rsc_ip6;
	uint16_t pad;
	uint32_t encap_flags;
	uint32_t encap_max_hdr;
};
static_assert(offsetof(struct hvh_ndis_offload, lsov2_ip4_encap) == 80, "offl");
static_assert(offsetof(struct hvh_ndis_offload, ipsecv2) == 112, "offl");
static_assert(sizeof(struct hvh_ndis_offload) == 156, "offload");
#define HVH_NDIS_OFFLOAD_SIZE_REV1 112u
#define HVH_NDIS_OFFLOAD_SIZE_REV2 144u
#define HVH_NDIS_ENCAP_8023	0x2u

#endif /* HVH_WIRE_H */
