#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# rte_eth_dev_reset under incoming traffic (hv-host's source backend, 4
# queues, io forwarding): testpmd's port reset must renew the host session
# (hv-host sees the guest negotiate NVSP again) and the port must forward
# again on every queue once started, with no RNDIS or NVSP error. The
# second reset follows an MTU change, which the session must keep.
. "$(dirname "$0")/../lib/testpmd.sh"

tp_start --backend source:64:256:20000 --channels 4 -- -- -i --rxq=4 --txq=4
tp_cmd set fwd io

# Every queue must receive and send.
tp_queues_move "before reset" 4 tx
tp_restart "first reset: reset" "port reset all"
tp_queues_move "after reset" 4 tx
tp_cmd port stop all
tp_cmd port config mtu 0 3000
tp_restart "reset at MTU 3000: reset" "port reset all"
tp_queues_move "after the second reset" 4 tx
# NDIS_CONFIG carries the frame size: MTU plus the Ethernet header.
expect "hv-host: guest MTU" "$(host_stat guest_config ndis_config_mtu)" 3014
expect "hv-host: NVSP sessions renewed" \
	"$(grep -c 'negotiates again' "$host_log")" 3
tp_quit
expect "testpmd exit status" "$tp_rc" 0
expect "hv-host protocol errors" \
	"$(tp_host_stat protocol_errors protocol_errors)" 0
finish
