/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * RNDIS control replies from a receive-buffer range
 * (drivers/net/netvsc/hn_rndis.c through hn_parse.c): status indications,
 * completions, and what a completion carries: INITIALIZE limits, an OID
 * query's information buffer, read as the offload and RSS capabilities.
 *
 * Input: the RNDIS message as the range holds it.
 */

#include <rte_common.h>

#include "hn_parse.h"
#include "fuzz.h"

/* An OID answer as hn_rndis_query hands it to its caller. */
static void
fuzz_query(const uint8_t *resp, uint32_t len)
{
	struct hn_offload_caps caps;
	uint32_t off, ilen, nq, hash;
	uint8_t *info;

	if (hn_rndis_check_query(resp, len, &off, &ilen) != 0)
		return;
	FUZZ_CHECK(off <= len && ilen <= len - off);
	info = fuzz_exact(resp + off, ilen);
	if (hn_check_offload_caps(info, ilen, &caps) == 0 &&
	    (caps.lso4 || caps.lso6))
		FUZZ_CHECK(caps.lso_maxsz != 0);
	if (hn_check_rss_caps(info, ilen, &nq, &hash) == 0)
		FUZZ_CHECK(nq != 0);
	free(info);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t type, rid, mlen, status, speed, pkts, xfer, align;
	uint8_t *msg, *resp;
	bool has_speed;

	if (size > UINT32_MAX)
		return 0;
	msg = fuzz_exact(data, size);
	if (hn_rndis_check_status(msg, size, &status, &speed, &has_speed) == 0)
		FUZZ_CHECK(!has_speed ||
			   status == HN_RNDIS_ST_LINK_SPEED_CHANGE);
	if (hn_rndis_check_comp(msg, size, &type, &rid, &mlen) == 0) {
		FUZZ_CHECK(mlen <= size);
		/* hn_rndis_receive_ctrl keeps at most 256 bytes of it. */
		mlen = RTE_MIN(mlen, 256u);
		resp = fuzz_exact(msg, mlen);
		if (type == HN_RNDIS_INIT_CMPLT &&
		    hn_rndis_check_init(resp, mlen, &pkts, &xfer, &align) == 0)
			FUZZ_CHECK(pkts != 0 && xfer >= HN_TX_MSG_MIN &&
				   align >= 4 && align <= 4096);
		if (type == HN_RNDIS_QUERY_CMPLT)
			fuzz_query(resp, mlen);
		free(resp);
	}
	free(msg);
	return 0;
}
