/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * Transfer-page packets: a ring packet as the receive path reads it
 * (descriptor, range list, NVSP header; hn_check_chanpkt, hn_check_xfer),
 * each range taken from the receive buffer (hn_xfer_msg) and the RNDIS
 * message in it read as hn_rx_xfer does: data through hn_rndis_parse_pkt,
 * anything else as a status indication or a control completion.
 *
 * Input: u16 receive-buffer sections, u16 length of the ring packet, the
 * packet, then the receive buffer's bytes.
 */

#include <rte_common.h>

#include "hn_parse.h"
#include "fuzz.h"

static void
fuzz_rndis(const uint8_t *msg, uint32_t len, uint32_t type)
{
	uint32_t status, speed, rid, mlen;
	struct hn_rx_info ri;
	bool has_speed;

	if (type == HN_RNDIS_PACKET_MSG) {
		if (hn_rndis_parse_pkt(msg, len, &ri) == 0)
			FUZZ_CHECK(ri.data_off <= len &&
				   ri.data_len <= len - ri.data_off);
	} else if (type == HN_RNDIS_STATUS_MSG) {
		hn_rndis_check_status(msg, len, &status, &speed, &has_speed);
	} else if (hn_rndis_check_comp(msg, len, &type, &rid, &mlen) == 0) {
		FUZZ_CHECK(mlen <= len);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t i, ofs, len, type, dlen;
	struct vmbus_chanpkt_hdr hdr;
	uint16_t slots, pktlen;
	uint8_t *pkt, *rxbuf;
	struct hn_xfer x;

	fuzz_take(&data, &size, &slots, sizeof(slots));
	fuzz_take(&data, &size, &pktlen, sizeof(pktlen));
	if (pktlen > size)
		pktlen = size;
	pkt = fuzz_exact(data, pktlen);
	rxbuf = fuzz_exact(data + pktlen, size - pktlen);

	/* hn_chan_process: the descriptor, then the packet it sizes. */
	if (hn_check_chanpkt(pkt, pktlen, &hdr) != 0)
		goto out;
	dlen = vmbus_chanpkt_getlen(hdr.tlen);
	FUZZ_CHECK(dlen <= pktlen);
	if (hn_check_xfer(pkt, dlen, slots, &x) != 0)
		goto out;
	FUZZ_CHECK(x.xact < slots);
	FUZZ_CHECK((const uint8_t *)(x.ranges + x.nranges) <= pkt + dlen);
	for (i = 0; i < x.nranges; i++) {
		if (hn_xfer_msg(&x, i, rxbuf, size - pktlen, &ofs, &len,
				&type) != 0)
			continue;
		FUZZ_CHECK(ofs <= size - pktlen && len <= size - pktlen - ofs);
		fuzz_rndis(rxbuf + ofs, len, type);
	}
out:
	free(rxbuf);
	free(pkt);
	return 0;
}
