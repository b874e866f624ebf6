/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/* NVSP requests and the handling of NVSP messages from the host. */

#ifndef _HN_NVS_H_
#define _HN_NVS_H_

#include "hn_var.h"

int hn_nvs_attach(struct hn_data *hv, uint32_t mtu);
void hn_nvs_detach(struct hn_data *hv);
int hn_nvs_alloc_subchans(struct hn_data *hv, uint32_t *nsubch);
int hn_nvs_execute(struct hn_data *hv, void *req, uint32_t reqlen,
		   uint32_t resp_type, void *resp, uint32_t resp_size,
		   uint32_t resp_min, uint32_t *resp_len);
void hn_nvs_handle_comp(struct hn_data *hv, uint16_t queue_id,
			const uint8_t *buf, uint32_t len, uint64_t xact);
void hn_nvs_handle_notify(struct hn_data *hv, struct hn_rx_queue *rxq,
			  const uint8_t *buf, uint32_t len);
int hn_chan_poll_ctrl(struct hn_data *hv);
int hn_nvs_set_datapath(struct hn_data *hv, uint32_t path);
#endif /* _HN_NVS_H_ */
