/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * RNDIS data messages with their per-packet-information chains
 * (hn_rndis_parse_pkt, drivers/net/netvsc/hn_parse.c), as the receive path
 * reads them from a receive-buffer range.
 *
 * Input: the PACKET_MSG as the range holds it.
 */

#include <rte_common.h>
#include <rte_ether.h>

#include "hn_parse.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hn_rx_info ri;
	uint8_t *msg;

	if (size > UINT32_MAX)
		return 0;
	msg = fuzz_exact(data, size);
	if (hn_rndis_parse_pkt(msg, size, &ri) == 0) {
		FUZZ_CHECK(ri.data_off <= size &&
			   ri.data_len <= size - ri.data_off);
		FUZZ_CHECK(ri.data_len >= RTE_ETHER_HDR_LEN &&
			   ri.data_len <= HN_RX_FRAME_MAX);
	}
	free(msg);
	return 0;
}
