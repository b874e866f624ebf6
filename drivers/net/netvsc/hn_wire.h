/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Wire layouts spoken with the Hyper-V network VSP: NVSP messages carried
 * in VMBus packets, RNDIS messages carried in NVSP, and the NDIS structures
 * carried in RNDIS OIDs. All fields are little-endian; Hyper-V guests are
 * little-endian, asserted once below. Field comments name the spec field.
 */

#ifndef _HN_WIRE_H_
#define _HN_WIRE_H_

#include <assert.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_byteorder.h>
#include <rte_common.h>

#include "hn_compat.h"

static_assert(RTE_BYTE_ORDER == RTE_LITTLE_ENDIAN,
	      "NVSP and RNDIS are little-endian and read without conversion");

/* NVSP (doc/guides/nics/netvsc_protocol.rst, "NVSP") */

#define HN_NVS_VERSION_1	0x00002
#define HN_NVS_VERSION_2	0x30002
#define HN_NVS_VERSION_4	0x40000
#define HN_NVS_VERSION_5	0x50000
#define HN_NVS_VERSION_6	0x60000
#define HN_NVS_VERSION_61	0x60001

#define HN_NDIS_VERSION_6_1	0x00060001
#define HN_NDIS_VERSION_6_30	0x0006001e

#define HN_NVS_TYPE_INIT			1
#define HN_NVS_TYPE_INIT_COMPLETE		2
#define HN_NVS_TYPE_SEND_NDIS_VER		100
#define HN_NVS_TYPE_SEND_RECV_BUF		101
#define HN_NVS_TYPE_SEND_RECV_BUF_COMPLETE	102
#define HN_NVS_TYPE_REVOKE_RECV_BUF		103
#define HN_NVS_TYPE_SEND_SEND_BUF		104
#define HN_NVS_TYPE_SEND_SEND_BUF_COMPLETE	105
#define HN_NVS_TYPE_REVOKE_SEND_BUF		106
#define HN_NVS_TYPE_SEND_RNDIS_PKT		107
#define HN_NVS_TYPE_SEND_RNDIS_PKT_COMPLETE	108
#define HN_NVS_TYPE_SEND_NDIS_CONFIG		125
#define HN_NVS_TYPE_SEND_VF_ASSOCIATION		128
#define HN_NVS_TYPE_SWITCH_DATA_PATH		129
#define HN_NVS_TYPE_SUBCHANNEL			133
#define HN_NVS_TYPE_SEND_INDIRECTION_TABLE	134

#define HN_NVS_STATUS_SUCCESS			1
#define HN_NVS_STATUS_FAILURE			2

#define HN_NVS_RECV_BUF_ID			0xcafe
#define HN_NVS_SEND_BUF_ID			0xface
#define HN_NVS_CHIM_IDX_INVALID			0xffffffffu

#define HN_NVS_RNDIS_MTYPE_DATA		0
#define HN_NVS_RNDIS_MTYPE_CTRL		1

#define HN_NVS_NDIS_CONF_SRIOV		0x0004
#define HN_NVS_NDIS_CONF_VLAN		0x0008

#define HN_NVS_SUBCH_OP_ALLOC		1

/*
 * Every request we send is padded to the 6.1 message size
 * (netvsc_protocol.rst, "Message framing").
 */
#define HN_NVS_REQ_SIZE			40

struct __rte_packed_begin hn_nvs_hdr {
	uint32_t type;
} __rte_packed_end;

struct __rte_packed_begin hn_nvs_init {
	uint32_t type;		/* INIT */
	uint32_t ver_min;	/* min_protocol_version */
	uint32_t ver_max;	/* max_protocol_version */
	uint8_t pad[28];
} __rte_packed_end;

struct __rte_packed_begin hn_nvs_init_comp {
	uint32_t type;		/* INIT_COMPLETE */
	uint32_t ver;		/* negotiated_version (deprecated) */
	uint32_t mdl_max;	/* max_mdl_chain_length */
	uint32_t status;
} __rte_packed_end;

struct __rte_packed_begin hn_nvs_ndis_conf {
	uint32_t type;		/* SEND_NDIS_CONFIG */
	uint32_t mtu;		/* includes the Ethernet header */
	uint32_t rsvd;
	uint64_t caps;		/* capability bits */
	uint8_t pad[20];
} __rte_packed_end;

struct __rte_packed_begin hn_nvs_ndis_ver {
	uint32_t type;		/* SEND_NDIS_VERSION */
	uint32_t major;
	uint32_t minor;
	uint8_t pad[28];
} __rte_packed_end;

struct __rte_packed_begin hn_nvs_buf_conn {
	uint32_t type;		/* SEND_RECEIVE_BUFFER / SEND_SEND_BUFFER */
	uint32_t gpadl;		/* gpadl_handle */
	uint16_t sig;		/* id */
	uint8_t pad[30];
} __rte_packed_end;

struct __rte_packed_begin hn_nvs_buf_revoke {
	uint32_t type;		/* REVOKE_RECEIVE_BUFFER / REVOKE_SEND_BUFFER */
	uint16_t sig;		/* id */
	uint8_t pad[34];
} __rte_packed_end;

struct __rte_packed_begin hn_nvs_rxbuf_sect {
	uint32_t start;		/* offset */
	uint32_t slotsz;	/* sub_allocation_size */
	uint32_t slotcnt;	/* num_sub_allocations */
	uint32_t end;		/* end_offset */
} __rte_packed_end;

struct __rte_packed_begin hn_nvs_rxbuf_comp {
	uint32_t type;		/* SEND_RECEIVE_BUFFER_COMPLETE */
	uint32_t status;
	uint32_t nsect;		/* num_sections */
	struct hn_nvs_rxbuf_sect sect[1];
} __rte_packed_end;

struct __rte_packed_begin hn_nvs_chim_comp {
	uint32_t type;		/* SEND_SEND_BUFFER_COMPLETE */
	uint32_t status;
	uint32_t sectsz;	/* section_size */
} __rte_packed_end;

struct __rte_packed_begin hn_nvs_subch_req {
	uint32_t type;		/* SUBCHANNEL */
	uint32_t op;		/* operation */
	uint32_t nsubch;	/* num_subchannels wanted */
	uint8_t pad[28];
} __rte_packed_end;

struct __rte_packed_begin hn_nvs_subch_comp {
	uint32_t type;		/* SUBCHANNEL */
	uint32_t status;
	uint32_t nsubch;	/* num_subchannels granted */
} __rte_packed_end;

struct __rte_packed_begin hn_nvs_rndis {
	uint32_t type;		/* SEND_RNDIS_PACKET */
	uint32_t chan_type;	/* channel_type: data or control */
	uint32_t chim_idx;	/* send_buffer_section_index */
	uint32_t chim_sz;	/* send_buffer_section_size */
	uint8_t pad[24];
} __rte_packed_end;

/* The part of a SEND_RNDIS_PACKET the receive path needs. */
#define HN_NVS_RNDIS_MINLEN	offsetof(struct hn_nvs_rndis, pad)

struct __rte_packed_begin hn_nvs_rndis_ack {
	uint32_t type;		/* SEND_RNDIS_PACKET_COMPLETE */
	uint32_t status;
	uint8_t pad[32];
} __rte_packed_end;

struct __rte_packed_begin hn_nvs_vf_assoc {
	uint32_t type;		/* SEND_VF_ASSOCIATION */
	uint32_t allocated;
	uint32_t serial;
} __rte_packed_end;

struct __rte_packed_begin hn_nvs_datapath {
	uint32_t type;		/* SWITCH_DATA_PATH */
	uint32_t path;		/* active_data_path */
	uint8_t pad[32];
} __rte_packed_end;

#define HN_NVS_DATAPATH_SYNTHETIC	0
#define HN_NVS_DATAPATH_VF		1

struct __rte_packed_begin hn_nvs_txtbl {
	uint32_t type;		/* SEND_INDIRECTION_TABLE */
	uint32_t count;
	uint32_t offset;	/* from the start of the NVSP message */
} __rte_packed_end;

static_assert(sizeof(struct hn_nvs_init) == HN_NVS_REQ_SIZE, "nvs init");
static_assert(sizeof(struct hn_nvs_init_comp) == 16, "nvs init comp");
static_assert(offsetof(struct hn_nvs_ndis_conf, caps) == 12, "ndis conf caps");
static_assert(sizeof(struct hn_nvs_ndis_conf) == HN_NVS_REQ_SIZE, "ndis conf");
static_assert(sizeof(struct hn_nvs_ndis_ver) == HN_NVS_REQ_SIZE, "ndis ver");
static_assert(offsetof(struct hn_nvs_buf_conn, sig) == 8, "buf conn id");
static_assert(sizeof(struct hn_nvs_buf_conn) == HN_NVS_REQ_SIZE, "buf conn");
static_assert(sizeof(struct hn_nvs_buf_revoke) == HN_NVS_REQ_SIZE, "revoke");
static_assert(sizeof(struct hn_nvs_rxbuf_comp) == 28, "rxbuf comp");
static_assert(sizeof(struct hn_nvs_chim_comp) == 12, "chim comp");
static_assert(sizeof(struct hn_nvs_subch_req) == HN_NVS_REQ_SIZE, "subch");
static_assert(sizeof(struct hn_nvs_subch_comp) == 12, "subch comp");
static_assert(sizeof(struct hn_nvs_rndis) == HN_NVS_REQ_SIZE, "rndis");
static_assert(HN_NVS_RNDIS_MINLEN == 16, "rndis min");
static_assert(sizeof(struct hn_nvs_rndis_ack) == HN_NVS_REQ_SIZE, "ack");
static_assert(sizeof(struct hn_nvs_txtbl) == 12, "txtbl");
static_assert(sizeof(struct hn_nvs_datapath) == HN_NVS_REQ_SIZE, "datapath");

/* RNDIS (doc/guides/nics/netvsc_protocol.rst, "RNDIS") */

#define HN_RNDIS_PACKET_MSG	0x00000001
#define HN_RNDIS_INIT_MSG	0x00000002
#define HN_RNDIS_HALT_MSG	0x00000003
#define HN_RNDIS_QUERY_MSG	0x00000004
#define HN_RNDIS_SET_MSG	0x00000005
#define HN_RNDIS_RESET_MSG	0x00000006
#define HN_RNDIS_STATUS_MSG	0x00000007
#define HN_RNDIS_KEEPALIVE_MSG	0x00000008
#define HN_RNDIS_COMP_BIT	0x80000000u
#define HN_RNDIS_INIT_CMPLT	(HN_RNDIS_INIT_MSG | HN_RNDIS_COMP_BIT)
#define HN_RNDIS_QUERY_CMPLT	(HN_RNDIS_QUERY_MSG | HN_RNDIS_COMP_BIT)
#define HN_RNDIS_SET_CMPLT	(HN_RNDIS_SET_MSG | HN_RNDIS_COMP_BIT)
#define HN_RNDIS_RESET_CMPLT	(HN_RNDIS_RESET_MSG | HN_RNDIS_COMP_BIT)
#define HN_RNDIS_KEEPALIVE_CMPLT (HN_RNDIS_KEEPALIVE_MSG | HN_RNDIS_COMP_BIT)

#define HN_RNDIS_STATUS_SUCCESS	0x00000000

#define HN_RNDIS_VERSION_MAJOR	1
#define HN_RNDIS_VERSION_MINOR	0
#define HN_RNDIS_XFER_SIZE	0x4000

/* Offsets inside RNDIS messages are counted from the request id field. */
#define HN_RNDIS_OFS_BASE	8

/* Status indications */
#define HN_RNDIS_ST_MEDIA_CONNECT	0x4001000b
#define HN_RNDIS_ST_MEDIA_DISCONNECT	0x4001000c
#define HN_RNDIS_ST_LINK_SPEED_CHANGE	0x40010013
#define HN_RNDIS_ST_NETWORK_CHANGE	0x40010018
#define HN_RNDIS_ST_OFFLOAD_CONFIG	0x40020006

/* OIDs */
#define HN_OID_GEN_LINK_SPEED		0x00010107
#define HN_OID_GEN_PACKET_FILTER	0x0001010e
#define HN_OID_GEN_MEDIA_STATUS		0x00010114
#define HN_OID_GEN_RSS_CAPS		0x00010203
#define HN_OID_GEN_RSS_PARAMS		0x00010204
#define HN_OID_802_3_PERMANENT_ADDRESS	0x01010101
#define HN_OID_TCP_OFFLOAD_PARAMS	0xfc01020c
#define HN_OID_TCP_OFFLOAD_HWCAPS	0xfc01020d

#define HN_NDIS_MEDIA_CONNECTED		0

/* Packet filter bits */
#define HN_NDIS_FILTER_DIRECTED		0x0001
#define HN_NDIS_FILTER_MULTICAST	0x0002
#define HN_NDIS_FILTER_ALL_MULTICAST	0x0004
#define HN_NDIS_FILTER_BROADCAST	0x0008
#define HN_NDIS_FILTER_PROMISCUOUS	0x0020

struct __rte_packed_begin hn_rndis_hdr {
	uint32_t type;		/* msg_type */
	uint32_t len;		/* msg_length */
} __rte_packed_end;

struct __rte_packed_begin hn_rndis_init_req {
	uint32_t type;
	uint32_t len;
	uint32_t rid;		/* request_id */
	uint32_t major;
	uint32_t minor;
	uint32_t max_xfer;	/* max_transfer_size */
} __rte_packed_end;

struct __rte_packed_begin hn_rndis_init_comp {
	uint32_t type;
	uint32_t len;
	uint32_t rid;
	uint32_t status;
	uint32_t major;
	uint32_t minor;
	uint32_t dev_flags;
	uint32_t medium;
	uint32_t max_pkts;	/* max_packets_per_message */
	uint32_t max_xfer;	/* max_transfer_size */
	uint32_t align_shift;	/* packet_alignment_factor, log2 */
	uint32_t af_off;
	uint32_t af_len;
} __rte_packed_end;

struct __rte_packed_begin hn_rndis_halt_req {
	uint32_t type;
	uint32_t len;
	uint32_t rid;
} __rte_packed_end;

/* QUERY_MSG and SET_MSG share one layout. */
struct __rte_packed_begin hn_rndis_oid_req {
	uint32_t type;
	uint32_t len;
	uint32_t rid;
	uint32_t oid;
	uint32_t info_len;	/* info_buffer_length */
	uint32_t info_off;	/* info_buffer_offset, from rid */
	uint32_t dev_vc;	/* device_vc_handle */
} __rte_packed_end;

struct __rte_packed_begin hn_rndis_query_comp {
	uint32_t type;
	uint32_t len;
	uint32_t rid;
	uint32_t status;
	uint32_t info_len;
	uint32_t info_off;	/* from rid */
} __rte_packed_end;

/* SET_CMPLT and KEEPALIVE_CMPLT share one layout. */
struct __rte_packed_begin hn_rndis_comp {
	uint32_t type;
	uint32_t len;
	uint32_t rid;
	uint32_t status;
} __rte_packed_end;

struct __rte_packed_begin hn_rndis_status_msg {
	uint32_t type;
	uint32_t len;
	uint32_t status;
	uint32_t buf_len;	/* status_buffer_length */
	uint32_t buf_off;	/* status_buffer_offset, from +8 */
} __rte_packed_end;

struct __rte_packed_begin hn_rndis_pkt_msg {
	uint32_t type;
	uint32_t len;
	uint32_t data_off;	/* from +8 */
	uint32_t data_len;
	uint32_t oob_off;
	uint32_t oob_len;
	uint32_t oob_cnt;
	uint32_t ppi_off;	/* per_packet_info_offset, from +8 */
	uint32_t ppi_len;
	uint32_t vc;
	uint32_t rsvd;
} __rte_packed_end;

/* The smallest data offset a well-formed PACKET_MSG can carry. */
#define HN_RNDIS_PKT_OFS_MIN \
	(sizeof(struct hn_rndis_pkt_msg) - HN_RNDIS_OFS_BASE)

struct __rte_packed_begin hn_rndis_ppi {
	uint32_t size;		/* whole element */
	uint32_t type;
	uint32_t off;		/* payload offset from element start */
} __rte_packed_end;

#define HN_PPI_CSUM		0
#define HN_PPI_LSO		2
#define HN_PPI_VLAN		6
#define HN_PPI_HASH_VALUE	8
#define HN_PPI_HASH_INFO	9

/* One PPI element carrying a u32, as the transmit path builds them. */
#define HN_PPI_U32_SIZE		(sizeof(struct hn_rndis_ppi) + sizeof(uint32_t))

/* Checksum PPI, transmit request bits */
#define HN_TXCSUM_IPV4		0x0001
#define HN_TXCSUM_IPV6		0x0002
#define HN_TXCSUM_TCP		0x0004
#define HN_TXCSUM_UDP		0x0008
#define HN_TXCSUM_IP		0x0010
#define HN_TXCSUM_THOFF_SHIFT	16

/* Checksum PPI, receive result bits */
#define HN_RXCSUM_TCP_FAILED	0x0001
#define HN_RXCSUM_UDP_FAILED	0x0002
#define HN_RXCSUM_IP_FAILED	0x0004
#define HN_RXCSUM_TCP_OK	0x0008
#define HN_RXCSUM_UDP_OK	0x0010
#define HN_RXCSUM_IP_OK		0x0020

/* LSOv2 PPI */
#define HN_LSO2_MSS_MASK	0x000fffff
#define HN_LSO2_THOFF_SHIFT	20
#define HN_LSO2_TYPE_V2		0x40000000u
#define HN_LSO2_IPV6		0x80000000u

/* VLAN PPI: NDIS bit order, not 802.1Q TCI order */
#define HN_VLAN_PRI_MASK	0x0007
#define HN_VLAN_CFI_BIT		0x0008
#define HN_VLAN_VID_SHIFT	4
#define HN_VLAN_VID_MASK	0x0fff

static_assert(sizeof(struct hn_rndis_init_req) == 24, "rndis init");
static_assert(sizeof(struct hn_rndis_init_comp) == 52, "rndis init comp");
static_assert(sizeof(struct hn_rndis_halt_req) == 12, "rndis halt");
static_assert(sizeof(struct hn_rndis_oid_req) == 28, "rndis oid req");
static_assert(sizeof(struct hn_rndis_query_comp) == 24, "rndis query comp");
static_assert(sizeof(struct hn_rndis_comp) == 16, "rndis comp");
static_assert(sizeof(struct hn_rndis_status_msg) == 20, "rndis status");
static_assert(sizeof(struct hn_rndis_pkt_msg) == 44, "rndis packet");
static_assert(HN_RNDIS_PKT_OFS_MIN == 36, "rndis packet offset min");
static_assert(sizeof(struct hn_rndis_ppi) == 12, "rndis ppi");

/* NDIS structures carried in OIDs */

#define HN_NDIS_OBJTYPE_DEFAULT		0x80
#define HN_NDIS_OBJTYPE_RSS_CAPS	0x88
#define HN_NDIS_OBJTYPE_RSS_PARAMS	0x89
#define HN_NDIS_OBJTYPE_OFFLOAD		0xa7

struct __rte_packed_begin hn_ndis_obj_hdr {
	uint8_t type;
	uint8_t rev;
	uint16_t size;
} __rte_packed_end;

#define HN_OFFLOAD_PARAM_OFF	1
#define HN_OFFLOAD_PARAM_TX	2
#define HN_OFFLOAD_PARAM_RX	3
#define HN_OFFLOAD_PARAM_TXRX	4
#define HN_OFFLOAD_LSOV2_OFF	1
#define HN_OFFLOAD_LSOV2_ON	2

struct __rte_packed_begin hn_ndis_offload_params {
	struct hn_ndis_obj_hdr hdr;
	uint8_t ip4csum;
	uint8_t tcp4csum;
	uint8_t udp4csum;
	uint8_t tcp6csum;
	uint8_t udp6csum;
	uint8_t lsov1;
	uint8_t ipsecv1;
	uint8_t lsov2_ip4;
	uint8_t lsov2_ip6;
	uint8_t tcp4conn;
	uint8_t tcp6conn;
	uint8_t pad0;
	uint32_t flags;
	uint8_t ipsecv2;
	uint8_t ipsecv2_ip4;
	uint8_t rsc_ip4;	/* NDIS 6.30 */
	uint8_t rsc_ip6;
	uint8_t encap;
	uint8_t encap_types;
	uint8_t pad1[2];
} __rte_packed_end;

#define HN_NDIS_OFFLOAD_PARAMS_SIZE_6_1 \
	offsetof(struct hn_ndis_offload_params, rsc_ip4)
#define HN_NDIS_OFFLOAD_PARAMS_SIZE_6_30 sizeof(struct hn_ndis_offload_params)

static_assert(offsetof(struct hn_ndis_offload_params, flags) == 16, "ofl");
static_assert(HN_NDIS_OFFLOAD_PARAMS_SIZE_6_1 == 22, "offload params 6.1");
static_assert(HN_NDIS_OFFLOAD_PARAMS_SIZE_6_30 == 28, "offload params 6.30");

/* NDIS_OFFLOAD: the checksum block and LSOv2 block we read. */
#define HN_NDIS_TXCSUM_CAP_IP4		0x0100	/* IPv4 flags: IP csum */
#define HN_NDIS_TXCSUM_CAP_TCP		0x0010
#define HN_NDIS_TXCSUM_CAP_UDP		0x0040
#define HN_NDIS_ENCAP_8023		0x0002

struct __rte_packed_begin hn_ndis_offload {
	struct hn_ndis_obj_hdr hdr;
	uint32_t ip4_tx_encap;
	uint32_t ip4_tx_flags;
	uint32_t ip4_rx_encap;
	uint32_t ip4_rx_flags;
	uint32_t ip6_tx_encap;
	uint32_t ip6_tx_flags;
	uint32_t ip6_rx_encap;
	uint32_t ip6_rx_flags;
	uint32_t lsov1[4];
	uint32_t ipsecv1[7];
	uint32_t lsov2_ip4_encap;
	uint32_t lsov2_ip4_maxsz;
	uint32_t lsov2_ip4_minsg;
	uint32_t lsov2_ip6_encap;
	uint32_t lsov2_ip6_maxsz;
	uint32_t lsov2_ip6_minsg;
	uint32_t lsov2_ip6_opts;
	uint32_t flags;
} __rte_packed_end;

#define HN_NDIS_OFFLOAD_SIZE_MIN	112

static_assert(offsetof(struct hn_ndis_offload, lsov2_ip4_encap) == 80, "lso");
static_assert(sizeof(struct hn_ndis_offload) == HN_NDIS_OFFLOAD_SIZE_MIN,
	      "offload caps");

struct __rte_packed_begin hn_ndis_rss_caps {
	struct hn_ndis_obj_hdr hdr;
	uint32_t caps;		/* CapabilitiesFlags */
	uint32_t nmsi;		/* NumberOfInterruptMessages */
	uint32_t nrxr;		/* NumberOfReceiveQueues */
	uint16_t nind;		/* NumberOfIndirectionTableEntries, rev 2 */
} __rte_packed_end;

#define HN_NDIS_RSS_CAPS_SIZE_6_0	16
#define HN_NDIS_RSS_CAPS_SIZE		18
#define HN_NDIS_RSS_CAPS_REV_1		1
#define HN_NDIS_RSS_CAPS_REV_2		2
static_assert(sizeof(struct hn_ndis_rss_caps) == HN_NDIS_RSS_CAPS_SIZE, "rc");

#define HN_NDIS_HASH_TOEPLITZ		0x00000001
#define HN_NDIS_HASH_IPV4		0x00000100
#define HN_NDIS_HASH_TCP_IPV4		0x00000200
#define HN_NDIS_HASH_IPV6		0x00000400
#define HN_NDIS_HASH_IPV6_EX		0x00000800
#define HN_NDIS_HASH_TCP_IPV6		0x00001000
#define HN_NDIS_HASH_TCP_IPV6_EX	0x00002000
#define HN_NDIS_HASH_UDP_IPV4		0x00004000
#define HN_NDIS_HASH_UDP_IPV6		0x00008000

/* RSS capability flags naming the hash types the host computes. */
#define HN_NDIS_RSS_CAP_TCP4		0x00000100
#define HN_NDIS_RSS_CAP_TCP6		0x00000200
#define HN_NDIS_RSS_CAP_TCP6_EX		0x00000400
#define HN_NDIS_RSS_CAP_UDP4		0x00000800
#define HN_NDIS_RSS_CAP_UDP6		0x00001000

#define HN_RSS_KEY_SIZE		40
#define HN_RSS_IND_SIZE		128

#define HN_NDIS_RSS_FLAG_DISABLE	0x0010

struct __rte_packed_begin hn_ndis_rss_params {
	struct hn_ndis_obj_hdr hdr;
	uint16_t flags;
	uint16_t base_cpu;
	uint32_t hash;		/* HashInformation */
	uint16_t ind_size;	/* IndirectionTableSize, bytes */
	uint16_t pad0;
	uint32_t ind_off;	/* from struct start */
	uint16_t key_size;
	uint16_t pad1;
	uint32_t key_off;
	uint32_t cpumask_off;
	uint32_t cpumask_cnt;
	uint32_t cpumask_entsz;
	uint32_t ind[HN_RSS_IND_SIZE];
	uint8_t key[HN_RSS_KEY_SIZE];
} __rte_packed_end;

#define HN_NDIS_RSS_PARAMS_REV_2	2
#define HN_NDIS_RSS_PARAMS_HDR_SIZE	offsetof(struct hn_ndis_rss_params, ind)
static_assert(HN_NDIS_RSS_PARAMS_HDR_SIZE == 40, "rss params header");
static_assert(offsetof(struct hn_ndis_rss_params, key) == 552, "rss key");

#endif /* _HN_WIRE_H_ */
