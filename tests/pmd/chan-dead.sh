#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# A subchannel the host corrupts (hv-host's fault desc-last: a descriptor
# longer than its packet on the last channel) while testpmd receives on
# two queues: the port must say so (RTE_ETH_EVENT_INTR_RESET, link down,
# rx_q1_channel_dead), and port reset must renew the host session so that
# queue 1 receives again and the link is up.
. "$(dirname "$0")/../lib/testpmd.sh"

tp_start --channels 2 --backend source:64 -- -- -i --rxq=2 --txq=2
tp_cmd set fwd rxonly
tp_cmd start
expect_ge "queue 1 receives before the fault" \
	"$(tp_wait_stat rx_q1_good_packets 1)" 1
host_ctl fault desc-last >/dev/null 2>&1 || fail "hv-host refused fault desc-last"
tp_wait_log 'Port 0: reset event' 1 ||
	fail_soft "no reset event after the subchannel died"
expect "reset events" "$(tp_count 'Port 0: reset event')" 1
expect "rx_q1_channel_dead" "$(tp_xstat rx_q1_channel_dead)" 1
expect "link while a channel is dead" "$(tp_link)" down
tp_cmd stop
tp_cmd port stop 0
tp_cmd port reset 0
tp_cmd port start 0
tp_cmd start
b=$(tp_xstat rx_q1_good_packets)
a=$(tp_wait_stat rx_q1_good_packets $((b + 1)))
expect_ge "queue 1 frames after port reset" "$((a - b))" 1
expect "link after port reset" "$(tp_link)" up
tp_cmd stop
tp_quit
expect "testpmd exit status" "$tp_rc" 0
finish
