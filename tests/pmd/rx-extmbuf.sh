#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# rx_extmbuf_enable=1: frames longer than rx_copybreak are handed out in
# place (mbufs attached to the receive buffer) and their transfer-page
# packets completed when the last mbuf is freed. The port is probed again
# with the devarg (device detach + port attach), then:
# - rxonly from the source backend with 1514-byte frames;
# - io over loopback with 1514-byte frames (attached frames sent back out
#   as page lists);
# counters must equal hv-host's, frames must have been attached, no mbuf
# may stay in use and hv-host must hold no receive section at the end.

. "$(dirname "$0")/../lib/testpmd.sh"

mode=${1:-rxonly}

if [ "$mode" = rxonly ]; then
	tp_start --backend source:1514 -- -- -i
else
	tp_start --backend loopback -- -- -i
fi
tp_reattach rx_extmbuf_enable=1,rx_copybreak=128
tp_cmd port stop all
before=$(tp_mbufs_in_use)
# The first probe's port received frames too: count from here.
host_base=$(host_stat total rx_frames)
tp_cmd port start all
if [ "$mode" = rxonly ]; then
	tp_cmd set fwd rxonly
	tp_cmd start
else
	tp_cmd set fwd io
	tp_cmd set txpkts 1514
	tp_cmd start tx_first
fi
sleep 2
tp_cmd stop
m=$(tp_mark)
tp_cmd_until "$m" rx_q0_good_packets show port xstats 0
attached=$(tp_since "$m" | awk '$1 == "rx_q0_attached_packets:" { print $2 }')
tp_cmd port stop all
tp_counts
after=$(tp_mbufs_in_use)
tp_quit

expect "testpmd exit status" "$tp_rc" 0
expect_ge "frames received" "$tp_rx" 10000
# Upstream's PMD has the devargs but does not count attached frames.
[ "$HVNET_PMD" = ours ] &&
	expect_ge "frames handed out in place" "${attached:-0}" 10000
expect "RX-packets = frames hv-host delivered since re-attach" "$tp_rx" \
	$(($(tp_host_stat total rx_frames) - host_base))
[ "$mode" = io ] && expect "TX-packets = frames hv-host took" "$tp_tx" \
	"$(tp_host_stat total tx_frames)"
expect "mbufs in use after port stop" "$after" "$before"
expect "receive sections hv-host still lends" \
	"$(awk '/^completions_outstanding/ { print $2 }' "$tp_out")" 0
finish
