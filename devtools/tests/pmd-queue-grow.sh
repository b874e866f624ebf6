#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Queue counts changed after the first configure, our PMD in testpmd over
# hv-host's loopback (4 channels): start with 1 queue, grow to 2, then to
# 4 (subchannels are granted per NVSP session, so the second growth
# starts a new session and asks again), then set MTU 9000 with 4 queues
# (another new session, whose subchannels replace those open). After each
# step io forwarding with tx_first must move traffic, every frame received
# must be sent back or counted dropped, and at the end every one of the 4
# channels must have carried its queue's tx_first burst to hv-host.

set -u
. "$(dirname "$0")/pmd-lib.sh"

pmd_start --backend loopback --channels 4 --mtu 9000 -- -- -i --rxq=1 --txq=1
pmd_cmd set fwd io

# traffic STEP QUEUES: forward for a second, check the port's counters.
traffic() {
	local m rx tx

	m=$(pmd_mark)
	pmd_cmd_until "$m" "Current number of RX queues" show port info 0
	pmd_expect "$1: RX queues" "$(pmd_since "$m" |
		awk '/^Current number of RX queues:/ { print $NF }')" "$2"
	pmd_cmd start tx_first
	sleep 1
	m=$(pmd_mark)
	pmd_cmd_until "$m" "Accumulated forward statistics" stop
	# The port's block of the forward statistics printed by stop.
	fwd() {
		pmd_since "$m" | awk -v k="$1:" '
			/Forward statistics for port 0/ { on = 1 }
			on { for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }'
	}
	rx=$(fwd RX-packets)
	tx=$(fwd TX-packets)
	drop=$(fwd TX-dropped)
	pmd_expect_ge "$1: frames forwarded" "$rx" 1000
	# io sends back (or drops) what it receives, plus one tx_first
	# burst a queue.
	pmd_expect "$1: TX-packets + TX-dropped = RX-packets + tx_first" \
		$((tx + drop)) $((rx + 32 * $2))
}

grow() {
	pmd_cmd port stop all
	pmd_cmd port config all rxq "$1"
	pmd_cmd port config all txq "$1"
	pmd_cmd port start all
}

traffic "1 queue" 1
grow 2
traffic "grown to 2" 2
grow 4
traffic "grown to 4" 4

pmd_cmd port stop all
pmd_cmd port config mtu 0 9000
pmd_cmd port start all
traffic "MTU 9000 on 4 queues" 4
pmd_quit
pmd_expect "testpmd exit status" "$pmd_rc" 0
for c in 0 1 2 3; do
	pmd_expect_ge "channel $c: frames from the guest" "$(awk -v c="$c" '
		$1 == "chan" && $2 == c { for (i = 3; i < NF; i++)
			if ($i == "tx_frames") print $(i + 1) }' "$pmd_out")" 32
done
pmd_expect "hv-host protocol errors" \
	"$(awk '/^protocol_errors/ { print $2 }' "$pmd_out")" 0
pmd_done
