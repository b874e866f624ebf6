#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# A secondary process keeps working when the primary renews the host
# session. Two testpmd processes share one port (--num-procs 2): the
# primary reads queue 0, the secondary queue 1, of a stream of 64 flows
# that RSS spreads over both (rxonly). The secondary stops forwarding,
# the primary changes the port (the MTU, `mtu`; the queue count, 2 -> 4
# -> 2, `queues`: each a new host session with new subchannels), and the
# secondary starts again: it must receive on queue 1 again, whose new
# channel the primary opened while the secondary was running, and the
# host must have delivered the frames of channel 1 to it.
# Usage: secondary-renew.sh mtu|queues
. "$(dirname "$0")/../lib/mp.sh"
. "$(dirname "$0")/../lib/testpmd.sh"

case "${1:-}" in
mtu|queues) what=$1 ;;
*) fail "usage: $0 mtu|queues" ;;
esac
tp_need_forwarding mp/renew-guest.sh
tp_testpmd
host_start --backend source:64:64:10000 --channels 4 --mtu 9000
mp_nics
# Each process a main and a forwarding lcore, lcore ids distinct across
# processes (mempool caches are per lcore id, in shared memory).
tp_args=(-i --num-procs 2 --rxq 2 --txq 2 --forward-mode rxonly)

# A sanitized primary's hugepages where the secondary's own mappings
# cannot be (devtools/hv-testpmd.sh says why).
va=()
hvn_asan "$HVNET_TESTPMD" &&
	va=(--base-virtaddr=0x200000000000)
tp_launch "${guest_env[@]}" "$tp_wrapper" "${mp_allow[@]}" --iova-mode=va \
	--file-prefix "$mp_prefix" "${va[@]}" --lcores 0@0,1@1 \
	--proc-type=primary -- \
	"${tp_args[@]}" --proc-id 0
tp_cmd start
tp_use secondary
tp_launch "${guest_env[@]}" "$tp_wrapper" "${mp_allow[@]}" --iova-mode=va \
	--file-prefix "$mp_prefix" --lcores 2@0,3@1 --proc-type=secondary -- \
	"${tp_args[@]}" --proc-id 1

# secondary_round NAME: the secondary forwards for 2 s; what it received
# (its own streams: queue 1) must be at least 1000 frames.
secondary_round() {
	local m c0 c1 rx

	c0=$(host_stat "chan 1" rx_frames)
	tp_use secondary
	tp_cmd start
	sleep 2
	m=$(tp_mark)
	tp_cmd_until "$m" "RX-packets" stop
	rx=$(tp_since "$m" | awk '$1 == "RX-packets:" { print $2; exit }')
	c1=$(host_stat "chan 1" rx_frames)
	expect_ge "$1: the secondary received on queue 1" "${rx:-0}" 1000
	expect_ge "$1: hv-host delivered on channel 1" "$((c1 - c0))" 1000
	check "$1: the secondary is running" \
		"$(kill -0 "$tp_pid" 2>/dev/null && echo 1)" "it ended"
	tp_use main
}

secondary_round "before"
tp_cmd stop
tp_cmd port stop all
if [ "$what" = mtu ]; then
	tp_cmd port config mtu 0 4000
else
	tp_cmd port config all rxq 4
	tp_cmd port config all txq 4
	tp_cmd port start all
	tp_cmd port stop all
	tp_cmd port config all rxq 2
	tp_cmd port config all txq 2
fi
m=$(tp_mark)
tp_cmd port start all
tp_cmd start
expect "primary's errors" "$(tp_errors "$m")" ""
expect "host sessions" "$(host_stat guest guests)" 1
secondary_round "after the $what change"
expect "NIC's protocol errors" \
	"$(host_stat protocol_errors protocol_errors)" 0
finish
