/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * NVSP, host side (netvsc_protocol.rst, "NVSP"): version negotiation, NDIS
 * version and config, receive/send buffers, subchannels, data path switch and
 * VF association.  One handler per message type, listed in hvh_nvsp_types[]
 * with the length and NVSP version checked before it runs.
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <sys/uio.h>

#include "hvh_log.h"
#include "hvh_nic_private.h"

/* Receive sections: Hyper-V's 1728 bytes unless the MTU needs more. */
#define HVH_RX_SECT_MIN 1728u

static const uint32_t hvh_nvsp_versions[] = {
	HVH_NVSP_V1, HVH_NVSP_V2, HVH_NVSP_V4, HVH_NVSP_V5, HVH_NVSP_V6,
	HVH_NVSP_V61,
};

void
hvh_nvsp_reset_state(struct hvh_nic *nic)
{
	nic->phase = HVH_NVS_NONE;
	nic->nvs_version = 0;
	nic->ndis_major = 0;
	nic->ndis_minor = 0;
	nic->ndis_version_seen = 0;
	nic->ndis_config_seen = 0;
	nic->guest_mtu = 0;
	nic->mtu = nic->conf.mtu;
	nic->guest_caps = 0;
	nic->rxbuf_on = 0;
	nic->txbuf_on = 0;
	nic->datapath = 0;
	nic->vf_sent = 0;
	nic->vf_held_logged = 0;
}

/* Every reply is padded to the 40-byte NVSP message (see hvh_wire.h). */
int
hvh_nvsp_send_comp(struct hvh_chan *ch, uint64_t tid, uint32_t type,
		   uint32_t status)
{
	uint32_t msg[HVH_NVSP_MSG_SIZE / 4] = { type, status };

	return hvh_send_inband(ch, HVH_PKT_COMP, tid, 0, msg, sizeof(msg));
}

static int
hvh_nvsp_reply(struct hvh_chan *ch, uint64_t tid, const void *msg,
	       uint32_t len)
{
	uint8_t buf[HVH_NVSP_MSG_SIZE] = { 0 };

	memcpy(buf, msg, len < sizeof(buf) ? len : sizeof(buf));
	return hvh_send_inband(ch, HVH_PKT_COMP, tid, 0, buf, sizeof(buf));
}

/* One guest message being handled. */
struct hvh_nvsp_req {
	struct hvh_chan *ch;
	const struct hvh_pkt_desc *d;
	const uint8_t *pkt;	/* the whole ring packet */
	uint32_t pkt_len;
	const uint8_t *m;	/* the NVSP message in it */
	uint32_t type;
};

/*
 * Messages without a defined reply still get an empty completion if the
 * guest asked, as OpenVMM does.
 */
static void
hvh_nvsp_ack(const struct hvh_nvsp_req *rq)
{
	if (rq->d->flags & HVH_PKT_FLAG_RC)
		hvh_nvsp_send_comp(rq->ch, rq->d->trans_id, rq->type,
				   HVH_NVSP_STAT_SUCCESS);
}

static void
hvh_nvsp_init(const struct hvh_nvsp_req *rq)
{
	struct hvh_chan *ch = rq->ch;
	uint64_t tid = rq->d->trans_id;
	const uint8_t *m = rq->m;
	struct hvh_nic *nic = ch->nic;
	struct hvh_nvsp_init in;
	uint32_t resp[4] = { HVH_NVSP_INIT_COMPLETE, 0, 34,
			     HVH_NVSP_STAT_FAILURE };
	unsigned int i;

	if (ch->index != 0) {
		hvh_proto_error(nic, ch, "INIT on a subchannel");
		return;
	}
	memcpy(&in, m, sizeof(in));
	for (i = 0; i < sizeof(hvh_nvsp_versions) / 4; i++) {
		uint32_t v = hvh_nvsp_versions[i];

		/* Guests offer min == max; take the range anyway. */
		if (v >= in.min_ver && v <= in.max_ver &&
		    v <= nic->conf.nvs_version_max && v > resp[1])
			resp[1] = v;
	}
	if (resp[1]) {
		if (nic->phase != HVH_NVS_NONE)
			HVH_LOG(NOTICE, "guest negotiates again");
		hvh_nvsp_reset_state(nic);
		hvh_rndis_reset_state(nic);
		nic->nvs_version = resp[1];
		nic->phase = HVH_NVS_INIT;
		resp[3] = HVH_NVSP_STAT_SUCCESS;
		HVH_LOG(INFO, "NVSP version 0x%x", resp[1]);
	} else {
		HVH_LOG(INFO, "NVSP version 0x%x..0x%x refused", in.min_ver,
			in.max_ver);
	}
	hvh_nvsp_reply(ch, tid, resp, sizeof(resp));
}

static int
hvh_sections_alloc(struct hvh_nic *nic)
{
	uint32_t need = HVH_RX_FRAME_OFF + nic->mtu + 14 + 4;
	uint32_t size = need > HVH_RX_SECT_MIN ? (need + 63) & ~63u :
		HVH_RX_SECT_MIN;
	uint32_t count = HVH_RXBUF_SIZE / size;

	free(nic->rx_free);
	free(nic->rx_next);
	free(nic->rx_head);
	nic->rx_free = calloc(count, sizeof(uint32_t));
	nic->rx_next = calloc(count, sizeof(uint32_t));
	nic->rx_head = calloc(count, 1);
	if (!nic->rx_free || !nic->rx_next || !nic->rx_head)
		return -ENOMEM;
	nic->rx_sect_size = size;
	nic->rx_sect_count = count;
	nic->rx_nfree = count;
	/* Low indices first: they double as transaction ids. */
	for (uint32_t i = 0; i < count; i++)
		nic->rx_free[i] = count - 1 - i;
	nic->rx_outstanding = 0;
	return 0;
}

static void
hvh_nvsp_send_recv_buf(const struct hvh_nvsp_req *rq)
{
	struct hvh_chan *ch = rq->ch;
	uint64_t tid = rq->d->trans_id;
	const uint8_t *m = rq->m;
	struct hvh_nic *nic = ch->nic;
	struct hvh_nvsp_recv_buf_complete r = {
		.type = HVH_NVSP_SEND_RECV_BUF_COMPLETE,
		.status = HVH_NVSP_STAT_FAILURE,
	};
	struct hvh_nvsp_buf b;

	memcpy(&b, m, sizeof(b));
	if (nic->phase == HVH_NVS_NONE || nic->rxbuf_on) {
		hvh_proto_error(nic, ch, "receive buffer sent out of order");
	} else if (b.gpadl != nic->conf.surface.rxbuf_gpadl) {
		hvh_proto_error(nic, ch, "receive buffer GPADL unknown");
	} else if (hvh_sections_alloc(nic) == 0) {
		nic->rxbuf_on = 1;
		nic->rxbuf_id = b.id;
		r.status = HVH_NVSP_STAT_SUCCESS;
		/* Hosts only ever send one section (OpenVMM). */
		r.num_sections = 1;
		r.offset = 0;
		r.sub_alloc_size = nic->rx_sect_size;
		r.num_sub_allocs = nic->rx_sect_count;
		r.end_offset = nic->rx_sect_size * nic->rx_sect_count;
		HVH_LOG(INFO, "receive buffer: %u sections of %u bytes",
			nic->rx_sect_count, nic->rx_sect_size);
	}
	hvh_nvsp_reply(ch, tid, &r, sizeof(r));
}

static void
hvh_nvsp_send_send_buf(const struct hvh_nvsp_req *rq)
{
	struct hvh_chan *ch = rq->ch;
	uint64_t tid = rq->d->trans_id;
	const uint8_t *m = rq->m;
	struct hvh_nic *nic = ch->nic;
	uint32_t r[3] = { HVH_NVSP_SEND_SEND_BUF_COMPLETE,
			  HVH_NVSP_STAT_FAILURE, 0 };
	struct hvh_nvsp_buf b;

	memcpy(&b, m, sizeof(b));
	if (nic->phase == HVH_NVS_NONE || nic->txbuf_on) {
		hvh_proto_error(nic, ch, "send buffer sent out of order");
	} else if (b.gpadl != nic->conf.surface.txbuf_gpadl) {
		hvh_proto_error(nic, ch, "send buffer GPADL unknown");
	} else {
		nic->txbuf_on = 1;
		nic->tx_sect_count = HVH_TXBUF_SIZE / HVH_TX_SECTION_SIZE;
		r[1] = HVH_NVSP_STAT_SUCCESS;
		r[2] = HVH_TX_SECTION_SIZE;
	}
	hvh_nvsp_reply(ch, tid, r, sizeof(r));
}

void
hvh_nvsp_rescind_subchannels(struct hvh_nic *nic)
{
	while (nic->nchan > 1) {
		struct hvh_chan *ch = nic->chan[--nic->nchan];

		HVH_LOG(INFO, "rescinded subchannel %u (relid %u)", ch->index,
			ch->relid);
		hvh_chan_free(nic, ch);
	}
}

int
hvh_nvsp_offer_subchannels(struct hvh_nic *nic, unsigned int want)
{
	while (nic->nchan < want + 1 && nic->nchan < HVH_CHAN_MAX) {
		struct hvh_chan *ch = hvh_chan_create(nic, nic->nchan);

		if (!ch)
			break;
		nic->chan[nic->nchan++] = ch;
		HVH_LOG(INFO, "offered subchannel %u (relid %u)", ch->index,
			ch->relid);
	}
	return nic->nchan - 1;
}

static void
hvh_nvsp_send_indirection(struct hvh_nic *nic)
{
	uint32_t msg[3 + HVH_NVSP_INDIR_ENTRIES];
	unsigned int i;

	msg[0] = HVH_NVSP_SEND_INDIRECTION_TABLE;
	msg[1] = HVH_NVSP_INDIR_ENTRIES;
	/* Offset from the start of the NVSP message, as OpenVMM. */
	msg[2] = 12;
	for (i = 0; i < HVH_NVSP_INDIR_ENTRIES; i++)
		msg[3 + i] = i % nic->nchan;
	hvh_send_inband(nic->chan[0], HVH_PKT_INBAND, 0, 0, msg, sizeof(msg));
}

static void
hvh_nvsp_subchannel(const struct hvh_nvsp_req *rq)
{
	struct hvh_chan *ch = rq->ch;
	uint64_t tid = rq->d->trans_id;
	const uint8_t *m = rq->m;
	struct hvh_nic *nic = ch->nic;
	uint32_t r[3] = { HVH_NVSP_SUBCHANNEL, HVH_NVSP_STAT_FAILURE, 0 };
	struct hvh_nvsp_subch req;
	unsigned int want;

	memcpy(&req, m, sizeof(req));
	if (ch->index != 0 ||
	    req.op_or_status != HVH_NVSP_SUBCH_ALLOCATE || !nic->rxbuf_on) {
		hvh_proto_error(nic, ch, "subchannel request invalid here");
	} else if (nic->conf.surface.kernel_416) {
		/* The 4.16 uio_hv_generic could not open subchannels. */
		HVH_LOG(NOTICE, "subchannels refused: --kernel 4.16");
	} else {
		want = req.count;
		if (want > nic->conf.max_channels - 1)
			want = nic->conf.max_channels - 1;
		/* A new request replaces the set: the old subchannels are
		 * rescinded and fresh ones (new relids) offered, as a host
		 * restarting its queues does (OpenVMM); a guest polls for
		 * the new ring files.
		 */
		hvh_nvsp_rescind_subchannels(nic);
		r[2] = hvh_nvsp_offer_subchannels(nic, want);
		r[1] = HVH_NVSP_STAT_SUCCESS;
		HVH_LOG(INFO, "subchannels: %u requested, %u granted",
			req.count, r[2]);
	}
	hvh_nvsp_reply(ch, tid, r, sizeof(r));
	if (r[1] == HVH_NVSP_STAT_SUCCESS && r[2] > 0)
		hvh_nvsp_send_indirection(nic);
}

int
hvh_gpa_read(struct hvh_nic *nic, const struct hvh_gpa_seg *segs, uint32_t n,
	     uint8_t *dst, uint32_t cap)
{
	struct iovec remote[HVH_GPA_SEGS_MAX];
	struct iovec local;
	uint64_t total = 0;
	ssize_t got;
	uint32_t i;

	if (n > HVH_GPA_SEGS_MAX)
		return -E2BIG;
	for (i = 0; i < n; i++) {
		/* In VA mode the "pfn" is the guest's virtual page. */
		remote[i].iov_base = (void *)(uintptr_t)segs[i].gpa;
		remote[i].iov_len = segs[i].len;
		total += segs[i].len;
	}
	if (total > cap)
		return -E2BIG;
	local.iov_base = dst;
	local.iov_len = total;
	got = process_vm_readv(nic->guest_pid, &local, 1, remote, n, 0);
	if (got == (ssize_t)total)
		return (int)total;
	nic->st.gpa_read_errors++;
	if (hvh_log_ratelimit(nic->st.gpa_read_errors)) {
		if (got < 0 && errno == EFAULT)
			HVH_LOG(ERR, "guest address 0x%llx not readable in pid %d: "
				"the guest must run with --iova-mode=va",
				(unsigned long long)segs[0].gpa,
				(int)nic->guest_pid);
		else
			HVH_LOG(ERR, "reading guest pid %d memory failed: %s",
				(int)nic->guest_pid,
				got < 0 ? strerror(errno) : "short read");
	}
	return -EFAULT;
}

/* RNDIS control message carried by NVSP SEND_RNDIS_PACKET channel 1. */
static void
hvh_nvsp_rndis_ctrl(const struct hvh_nvsp_req *rq,
		    const struct hvh_nvsp_rndis *nv)
{
	struct hvh_chan *ch = rq->ch;
	const struct hvh_pkt_desc *d = rq->d;
	struct hvh_nic *nic = ch->nic;
	uint32_t status = HVH_NVSP_STAT_SUCCESS;
	struct hvh_gpa_seg segs[HVH_GPA_SEGS_MAX];
	const char *why = NULL;
	uint32_t nsegs;
	int len;

	if (!nic->rxbuf_on) {
		hvh_proto_error(nic, ch, "RNDIS before the receive buffer");
		status = HVH_NVSP_STAT_FAILURE;
	} else if (nv->section_index != HVH_NVSP_SECTION_NONE) {
		if (!nic->txbuf_on || nv->section_index >= nic->tx_sect_count ||
		    nv->section_size == 0 ||
		    nv->section_size > HVH_TX_SECTION_SIZE) {
			hvh_proto_error(nic, ch, "RNDIS send section invalid");
			status = HVH_NVSP_STAT_FAILURE;
		} else {
			hvh_rndis_control(nic, nic->txbuf +
				(size_t)nv->section_index * HVH_TX_SECTION_SIZE,
				nv->section_size);
		}
	} else if (d->type != HVH_PKT_GPA_DIRECT ||
		   hvh_check_gpa(rq->pkt, rq->pkt_len, segs, HVH_GPA_SEGS_MAX,
				 &nsegs, &why)) {
		hvh_proto_error(nic, ch, why ? why :
				"RNDIS message with neither section nor pages");
		status = HVH_NVSP_STAT_FAILURE;
	} else {
		len = hvh_gpa_read(nic, segs, nsegs, ch->bounce,
				   HVH_FRAME_MAX);
		if (len > 0)
			hvh_rndis_control(nic, ch->bounce, len);
		else
			status = HVH_NVSP_STAT_FAILURE;
	}
	if (nic->phase == HVH_NVS_INIT)
		nic->phase = HVH_NVS_READY;
	if (d->flags & HVH_PKT_FLAG_RC)
		hvh_nvsp_send_comp(ch, d->trans_id,
				   HVH_NVSP_SEND_RNDIS_PKT_COMPLETE, status);
}

static void
hvh_nvsp_send_rndis_pkt(const struct hvh_nvsp_req *rq)
{
	struct hvh_nvsp_rndis nv;

	memcpy(&nv, rq->m, sizeof(nv));
	if (nv.channel_type != 1) {
		/* Data comes through the batch path; anything else is
		 * neither data nor control.
		 */
		hvh_proto_error(rq->ch->nic, rq->ch,
				"RNDIS channel type invalid");
		hvh_nvsp_ack(rq);
		return;
	}
	hvh_nvsp_rndis_ctrl(rq, &nv);
}

static void
hvh_nvsp_send_ndis_ver(const struct hvh_nvsp_req *rq)
{
	struct hvh_nic *nic = rq->ch->nic;
	uint32_t v[3];

	memcpy(v, rq->m, sizeof(v));
	nic->ndis_major = v[1];
	nic->ndis_minor = v[2];
	nic->ndis_version_seen = 1;
	HVH_LOG(INFO, "guest NDIS %u.%u", v[1], v[2]);
	hvh_nvsp_ack(rq);
}

static void
hvh_nvsp_send_ndis_config(const struct hvh_nvsp_req *rq)
{
	struct hvh_nic *nic = rq->ch->nic;
	struct hvh_nvsp_ndis_config c;

	memcpy(&c, rq->m, sizeof(c));
	nic->guest_mtu = c.mtu;
	/* The guest picks its MTU (frame size incl. the Ethernet header),
	 * within what this host's switch carries; like OpenVMM, nothing
	 * below the standard 1500.
	 */
	nic->mtu = c.mtu >= 14 ? c.mtu - 14 : 0;
	if (nic->mtu < 1500)
		nic->mtu = 1500;
	if (nic->mtu > nic->conf.mtu)
		nic->mtu = nic->conf.mtu;
	nic->guest_caps = (uint64_t)c.caps_hi << 32 | c.caps_lo;
	nic->ndis_config_seen = 1;
	HVH_LOG(INFO, "guest NDIS config mtu %u caps 0x%llx", c.mtu,
		(unsigned long long)nic->guest_caps);
	hvh_nvsp_ack(rq);
}

static void
hvh_nvsp_revoke_recv_buf(const struct hvh_nvsp_req *rq)
{
	/* Sections still with the guest die with the buffer. */
	rq->ch->nic->rxbuf_on = 0;
	hvh_nvsp_ack(rq);
}

static void
hvh_nvsp_revoke_send_buf(const struct hvh_nvsp_req *rq)
{
	rq->ch->nic->txbuf_on = 0;
	hvh_nvsp_ack(rq);
}

static void
hvh_nvsp_switch_data_path(const struct hvh_nvsp_req *rq)
{
	struct hvh_nic *nic = rq->ch->nic;
	uint32_t v[2];

	memcpy(v, rq->m, sizeof(v));
	if (v[1] > 1) {
		hvh_proto_error(nic, rq->ch, "data path value not 0 or 1");
		hvh_nvsp_ack(rq);
		return;
	}
	nic->datapath = v[1];
	HVH_LOG(NOTICE, "guest switched the data path to %s",
		v[1] ? "the VF" : "synthetic");
	/* Linux waits for this completion; DPDK does not ask. */
	hvh_nvsp_ack(rq);
}

/* Types hv-host knows but does not implement. */
static void
hvh_nvsp_refuse(const struct hvh_nvsp_req *rq)
{
	HVH_LOG(INFO, "NVSP message %u not supported", rq->type);
	if (rq->d->flags & HVH_PKT_FLAG_RC)
		hvh_nvsp_send_comp(rq->ch, rq->d->trans_id, rq->type,
				   HVH_NVSP_STAT_FAILURE);
}

/*
 * The guest -> host messages: the bytes each handler reads and the NVSP
 * version that brought the type.  Types only a host sends (completions, VF
 * association, indirection table) are not here: from a guest they are
 * protocol errors.
 */
static const struct hvh_nvsp_type {
	uint32_t type;
	uint32_t min_len;
	uint32_t min_version;
	void (*handle)(const struct hvh_nvsp_req *rq);
} hvh_nvsp_types[] = {
	{ HVH_NVSP_INIT, 12, 0, hvh_nvsp_init },
	{ HVH_NVSP_SEND_NDIS_VER, 12, HVH_NVSP_V1, hvh_nvsp_send_ndis_ver },
	{ HVH_NVSP_SEND_RECV_BUF, 10, HVH_NVSP_V1, hvh_nvsp_send_recv_buf },
	{ HVH_NVSP_REVOKE_RECV_BUF, 6, HVH_NVSP_V1,
	  hvh_nvsp_revoke_recv_buf },
	{ HVH_NVSP_SEND_SEND_BUF, 10, HVH_NVSP_V1, hvh_nvsp_send_send_buf },
	{ HVH_NVSP_REVOKE_SEND_BUF, 6, HVH_NVSP_V1,
	  hvh_nvsp_revoke_send_buf },
	{ HVH_NVSP_SEND_RNDIS_PKT, 16, HVH_NVSP_V1, hvh_nvsp_send_rndis_pkt },
	{ HVH_NVSP_SEND_NDIS_CONFIG, 20, HVH_NVSP_V2,
	  hvh_nvsp_send_ndis_config },
	{ HVH_NVSP_SWITCH_DATA_PATH, 8, HVH_NVSP_V4,
	  hvh_nvsp_switch_data_path },
	{ HVH_NVSP_OID_QUERY_EX, 8, HVH_NVSP_V5, hvh_nvsp_refuse },
	{ HVH_NVSP_SUBCHANNEL, 12, HVH_NVSP_V5, hvh_nvsp_subchannel },
	{ HVH_NVSP_PD_API, 8, HVH_NVSP_V6, hvh_nvsp_refuse },
};

void
hvh_nvsp_handle(struct hvh_chan *ch, const struct hvh_pkt_desc *d,
		const uint8_t *pkt, uint32_t pkt_len)
{
	struct hvh_nic *nic = ch->nic;
	uint32_t off = (uint32_t)d->offset8 * 8;
	struct hvh_nvsp_req rq = {
		.ch = ch, .d = d, .pkt = pkt, .pkt_len = pkt_len,
		.m = pkt + off,
	};
	const struct hvh_nvsp_type *t = NULL;
	uint32_t len = pkt_len - off;
	unsigned int i;

	if (len < 4) {
		hvh_proto_error(nic, ch, "NVSP message shorter than 4 bytes");
		return;
	}
	memcpy(&rq.type, rq.m, sizeof(rq.type));
	for (i = 0; i < sizeof(hvh_nvsp_types) / sizeof(hvh_nvsp_types[0]);
	     i++) {
		if (hvh_nvsp_types[i].type == rq.type) {
			t = &hvh_nvsp_types[i];
			break;
		}
	}
	if (t == NULL) {
		hvh_proto_error(nic, ch, "NVSP message type not for the host");
		goto refuse;
	}
	if (len < t->min_len) {
		hvh_proto_error(nic, ch, "NVSP message shorter than its type");
		return;
	}
	if (t->type != HVH_NVSP_INIT && nic->phase == HVH_NVS_NONE) {
		hvh_proto_error(nic, ch, "NVSP message before INIT");
		return;
	}
	if (nic->nvs_version < t->min_version) {
		hvh_proto_error(nic, ch,
				"NVSP message newer than the version in force");
		goto refuse;
	}
	t->handle(&rq);
	return;
refuse:
	if (d->flags & HVH_PKT_FLAG_RC)
		hvh_nvsp_send_comp(ch, d->trans_id, rq.type,
				   HVH_NVSP_STAT_FAILURE);
}

static void
hvh_nvsp_vf_send(struct hvh_nic *nic, uint32_t allocated)
{
	uint32_t msg[HVH_NVSP_MSG_SIZE / 4] = {
		HVH_NVSP_SEND_VF_ASSOCIATION, allocated, nic->conf.vf_serial,
	};

	if (hvh_send_inband(nic->chan[0], HVH_PKT_INBAND, 0, 0, msg,
			    sizeof(msg)) == 0) {
		nic->vf_sent = allocated;
		nic->st.vf_assoc_sent++;
		HVH_LOG(NOTICE, "VF association %s (serial %u)",
			allocated ? "offered" : "withdrawn",
			nic->conf.vf_serial);
	}
}

/* The stand-in's control file: "present", "removed" or "reset". */
static void
hvh_vf_ctl_write(struct hvh_nic *nic, const char *word)
{
	char tmp[sizeof(nic->conf.vf_ctl) + 8];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", nic->conf.vf_ctl);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, word, strlen(word)) < 0 ||
	    rename(tmp, nic->conf.vf_ctl) < 0)
		HVH_LOG(ERR, "cannot write VF control file %s: %s",
			nic->conf.vf_ctl, strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* The VF device itself appears or goes (the vPCI hot-plug of Hyper-V). */
static void
hvh_vf_device(struct hvh_nic *nic, int present)
{
	if (nic->conf.vf_ctl[0] == '\0')
		return;
	/* A device that goes is no longer in a reset. */
	nic->vf_reset_end_ns = 0;
	hvh_vf_ctl_write(nic, present ? "present\n" : "removed\n");
	HVH_LOG(NOTICE, "VF device %s", present ? "added" : "removed");
}

/*
 * A service reset of the VF device (Azure's MANA servicing restarts the
 * adapter in place): the device stays on the bus and the association,
 * like the data path, stays as it is; the guest's VF driver sees its
 * hardware go and come back, and the guest decides what its traffic
 * does meanwhile.
 */
int
hvh_nic_vf_reset(struct hvh_nic *nic, unsigned int secs)
{
	if (nic->conf.vf_ctl[0] == '\0')
		return -ENODEV;
	if (!nic->vf_offered)
		return -ENOENT;
	if (nic->vf_reset_end_ns != 0)
		return -EBUSY;
	nic->vf_reset_end_ns = hvh_now_ns() + secs * 1000000000ull + 1;
	hvh_vf_ctl_write(nic, "reset\n");
	HVH_LOG(NOTICE, "VF device reset for %u s", secs);
	return 0;
}

/*
 * VF withdrawal as Hyper-V does it: switch the guest back to synthetic if
 * it had moved to the VF, drop the association, then remove the device.
 */
static void
hvh_nvsp_vf_withdraw(struct hvh_nic *nic)
{
	if (nic->datapath == 1) {
		uint32_t sw[HVH_NVSP_MSG_SIZE / 4] = {
			HVH_NVSP_SWITCH_DATA_PATH, 0,
		};

		hvh_send_inband(nic->chan[0], HVH_PKT_INBAND, 0, 0, sw,
				sizeof(sw));
		nic->datapath = 0;
	}
	hvh_nvsp_vf_send(nic, 0);
	hvh_vf_device(nic, 0);
}

void
hvh_nvsp_vf_tick(struct hvh_nic *nic)
{
	if (nic->vf_reset_end_ns != 0 && hvh_now_ns() >= nic->vf_reset_end_ns) {
		nic->vf_reset_end_ns = 0;
		hvh_vf_ctl_write(nic, "present\n");
		HVH_LOG(NOTICE, "VF device back from its reset");
	}
	if (nic->vf_sent && !nic->vf_offered) {
		hvh_nvsp_vf_withdraw(nic);
		return;
	}
	if (nic->vf_sent || !nic->vf_offered)
		return;
	/* As Hyper-V: only to a guest that asked for SR-IOV on NVSP >= 4,
	 * and only once it has finished RNDIS set-up (the filter is set),
	 * after a presentation delay.
	 */
	if (!nic->rndis_up || !nic->filter_set_once)
		return;
	if (nic->nvs_version < HVH_NVSP_V4 ||
	    !(nic->guest_caps & HVH_NVSP_CAP_SRIOV)) {
		if (!nic->vf_held_logged)
			HVH_LOG(NOTICE, "VF not offered: the guest did not ask "
				"for SR-IOV (NVSP 0x%x, NDIS config caps 0x%llx)",
				nic->nvs_version,
				(unsigned long long)nic->guest_caps);
		nic->vf_held_logged = 1;
		return;
	}
	/* The delay runs from the later of set-up and the VF's arrival. */
	if (hvh_now_ns() - (nic->filter_set_ns > nic->vf_offer_ns ?
			    nic->filter_set_ns : nic->vf_offer_ns) <
	    (uint64_t)nic->conf.vf_delay_ms * 1000000ull)
		return;
	hvh_nvsp_vf_send(nic, 1);
}

void
hvh_nic_vf(struct hvh_nic *nic, int offer)
{
	offer = !!offer;
	if (nic->vf_offered == offer)
		return;
	nic->vf_offered = offer;
	if (offer) {
		nic->vf_offer_ns = hvh_now_ns();
		hvh_vf_device(nic, 1);
	}
	else if (!nic->vf_sent)
		hvh_vf_device(nic, 0);
	/* With an association out, vf_tick withdraws it first. */
}
