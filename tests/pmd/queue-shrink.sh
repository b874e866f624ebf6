#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Fewer queues than channels in testpmd, under incoming traffic (hv-host's
# source backend, 8 channels): rxonly on 4 queues, then port stop, 3
# queues, port start (the report that opened this test: queue 1 never
# received again, the receive buffer ran dry and the next stop failed),
# then 2 and 4 again. After each start every queue must receive, the stop
# must succeed and hv-host must never lack a receive-buffer section (at
# 20,000 frames/s a guest kept off the CPU for less than a second on a
# busy machine does not run the buffer dry).
# Last, 4 receive and 2 transmit queues: testpmd polls only 2 of them;
# once the others' frames hold every receive-buffer section, port stop
# must still succeed (the host's answer to its RNDIS request needs one).
. "$(dirname "$0")/../lib/testpmd.sh"

tp_start --backend source:64:256:20000 --channels 8 -- -- -i --rxq=4 --txq=4
tp_cmd set fwd rxonly

# counts NAME RXQ TXQ: port stop, the counts, port start.
counts() {
	tp_restart "$1: stop and start" "port config all rxq $2" \
		"port config all txq $3"
}

# receive NAME N: each of queues 0..N-1 receives; hv-host never lacks a
# receive-buffer section.
receive() {
	tp_queues_move "$1" "$2"
	expect "$1: hv-host rx_no_section" "$(host_stat misc rx_no_section)" 0
}

receive "4 queues" 4
counts "4 -> 3 queues" 3 3
receive "3 queues" 3
counts "3 -> 2 queues" 2 2
receive "2 queues" 2
counts "2 -> 4 queues" 4 4
receive "4 queues again" 4
counts "4 rx, 2 tx queues" 4 2
tp_cmd start
# Until the unpolled queues' frames hold every receive-buffer section.
for ((i = 0; i < 300; i++)); do
	[ "$(host_stat misc rx_no_section)" -gt 0 ] && break
	sleep 0.1
done
tp_cmd stop
expect_ge "4 rx, 2 tx queues: hv-host out of receive-buffer sections" \
	"$(host_stat misc rx_no_section)" 1
counts "4 rx, 2 tx queues stopped with frames waiting" 1 1
tp_quit
expect "testpmd exit status" "$tp_rc" 0
expect "hv-host protocol errors" \
	"$(tp_host_stat protocol_errors protocol_errors)" 0
finish
