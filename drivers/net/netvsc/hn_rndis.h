/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 hvnet contributors
 */

/* RNDIS control requests and the handling of host RNDIS messages. */

#ifndef _HN_RNDIS_H_
#define _HN_RNDIS_H_

#include "hn_var.h"

int hn_rndis_attach(struct hn_data *hv);
void hn_rndis_detach(struct hn_data *hv);
int hn_rndis_get_linkstatus(struct hn_data *hv);
int hn_rndis_set_rxfilter(struct hn_data *hv, uint32_t filter);
int hn_rndis_conf_rss(struct hn_data *hv, bool enable);
void hn_rndis_receive_ctrl(struct hn_data *hv, struct hn_rx_queue *rxq,
			   const uint8_t *msg, uint32_t len);
#endif /* _HN_RNDIS_H_ */
