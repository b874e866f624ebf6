/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/*
 * NVSP messages and completions from the host (drivers/net/netvsc/hn_nvs.c
 * through hn_parse.c): a completion taken into the waiter's buffer, then
 * read as each reply the PMD waits for, and the notices the host sends on
 * its own (indirection table, VF association, data path).
 *
 * Input: u32 receive-buffer size, u32 send-buffer size, u8 subchannels
 * requested, u8 size of the waiter's buffer, then the NVSP message.
 */

#include <rte_common.h>

#include "hn_parse.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t rxbuf_size, chim_size, table[HN_TXTBL_SIZE];
	uint32_t n, slots, sectsz, cnt, granted, serial, path;
	uint8_t requested, resp_size, *msg, *resp;
	bool allocated;

	fuzz_take(&data, &size, &rxbuf_size, sizeof(rxbuf_size));
	fuzz_take(&data, &size, &chim_size, sizeof(chim_size));
	fuzz_take(&data, &size, &requested, sizeof(requested));
	fuzz_take(&data, &size, &resp_size, sizeof(resp_size));
	/* hn_nvs_execute's callers give at most the 64 bytes kept. */
	resp_size = resp_size % 64 + 1;
	msg = fuzz_exact(data, size);

	/* Notices: the whole ring packet payload, as hn_nvs_handle_notify. */
	if (hn_nvs_check_txtbl(msg, size, table) == 0)
		FUZZ_CHECK(size >= sizeof(struct hn_nvs_txtbl));
	hn_nvs_check_vf_assoc(msg, size, &allocated, &serial);
	if (hn_nvs_check_datapath(msg, size, &path) == 0)
		FUZZ_CHECK(path == HN_NVS_DATAPATH_SYNTHETIC ||
			   path == HN_NVS_DATAPATH_VF);

	/* A completion into a waiter's buffer of resp_size bytes. */
	resp = malloc(resp_size);
	if (resp == NULL)
		abort();
	if (hn_nvs_take_comp(resp, resp_size, msg, size,
			     sizeof(struct hn_nvs_hdr), &n) == 0) {
		FUZZ_CHECK(n <= resp_size && n <= size);
		if (hn_nvs_check_rxbuf(resp, n, rxbuf_size, &slots) == 0)
			FUZZ_CHECK(slots != 0);
		if (hn_nvs_check_chim(resp, n, chim_size, &sectsz, &cnt) == 0)
			FUZZ_CHECK(sectsz <= chim_size &&
				   (uint64_t)sectsz * cnt <= chim_size);
		if (hn_nvs_check_subch(resp, n, requested, &granted) == 0)
			FUZZ_CHECK(granted <= requested);
	}
	free(resp);
	free(msg);
	return 0;
}
