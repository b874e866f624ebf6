#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Queue counts changed after the first configure, our PMD in testpmd over
# hv-host's loopback (4 channels): start with 1 queue, grow to 2, then to
# 4 (subchannels are granted per NVSP session, so the second growth
# starts a new session and asks again), then set MTU 9000 with 4 queues
# (another new session, whose subchannels replace those open). After each
# step io forwarding with tx_first must move traffic both ways, and every
# queue's channel must carry at least its tx_first burst to hv-host (read
# from hv-host's control socket before and after).

. "$(dirname "$0")/../lib/testpmd.sh"

tp_start --backend loopback --channels 4 --mtu 9000 \
	-- -- -i --rxq=1 --txq=1
tp_cmd set fwd io

# traffic STEP QUEUES: forward for a second, check the port's counters.
traffic() {
	local m rx tx

	m=$(tp_mark)
	tp_cmd_until "$m" "Current number of RX queues" show port info 0
	expect "$1: RX queues" "$(tp_since "$m" |
		awk '/^Current number of RX queues:/ { print $NF }')" "$2"
	mapfile -t before < <(host_chan_tx)
	tp_cmd start tx_first
	sleep 1
	mapfile -t after < <(host_chan_tx)
	# Each queue's channel must carry at least its tx_first burst.
	for ((c = 0; c < $2; c++)); do
		expect_ge "$1: channel $c: frames to hv-host" \
			$(( ${after[c]:-0} - ${before[c]:-0} )) 32
	done
	m=$(tp_mark)
	tp_cmd_until "$m" "Accumulated forward statistics" stop
	# The port's block of the forward statistics printed by stop.
	fwd() {
		tp_since "$m" | awk -v k="$1:" '
			/Forward statistics for port 0/ { on = 1 }
			on { for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }'
	}
	# (Exact RX = TX + dropped does not hold: the PMD counts frames it
	# has staged for a receive call that stop may never make.)
	expect_ge "$1: frames received" "$(fwd RX-packets)" 1000
	expect_ge "$1: frames sent back" "$(fwd TX-packets)" 1000
}

grow() {
	tp_cmd port stop all
	tp_cmd port config all rxq "$1"
	tp_cmd port config all txq "$1"
	tp_cmd port start all
}

traffic "1 queue" 1
grow 2
traffic "grown to 2" 2
grow 4
traffic "grown to 4" 4

tp_cmd port stop all
tp_cmd port config mtu 0 9000
tp_cmd port start all
traffic "MTU 9000 on 4 queues" 4
tp_quit
expect "testpmd exit status" "$tp_rc" 0
expect "hv-host protocol errors" \
	"$(awk '/^protocol_errors/ { print $2 }' "$tp_out")" 0
finish
