#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
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

set -u
. "$(dirname "$0")/pmd-lib.sh"

mode=${1:-rxonly}
ctl=$pmd_work/host.ctl
pmd_find_host
host=$pmd_host
# Frames hv-host delivered so far, all guests together.
host_rx() {
	"$host" --ctl "$ctl" stats | awk '/^total / {
		for (i = 2; i < NF; i++) if ($i == "rx_frames") print $(i + 1) }'
}

if [ "$mode" = rxonly ]; then
	pmd_start --backend source:1514 --control "$ctl" -- -- -i
else
	pmd_start --backend loopback --control "$ctl" -- -- -i
fi
m=$(pmd_mark)
pmd_cmd_until "$m" "Device name" show port info 0
dev=$(pmd_since "$m" | awk '/Device name:/ { print $3; exit }')
pmd_cmd port stop all
pmd_cmd port close 0
pmd_cmd device detach "$dev"
sleep 0.3
m=$(pmd_mark)
pmd_cmd_until "$m" "is attached" port attach "$dev,rx_extmbuf_enable=1,rx_copybreak=128"
pmd_cmd port stop all
before=$(pmd_mbufs_in_use)
# The first probe's port received frames too: count from here.
host_base=$(host_rx)
pmd_cmd port start all
if [ "$mode" = rxonly ]; then
	pmd_cmd set fwd rxonly
	pmd_cmd start
else
	pmd_cmd set fwd io
	pmd_cmd set txpkts 1514
	pmd_cmd start tx_first
fi
sleep 2
pmd_cmd stop
m=$(pmd_mark)
pmd_cmd_until "$m" tx_q0_descriptors_outstanding show port xstats 0
attached=$(pmd_since "$m" | awk '$1 == "rx_q0_attached_packets:" { print $2 }')
pmd_cmd port stop all
m=$(pmd_mark)
pmd_stats
rx=$(pmd_port_stat "$m" RX-packets)
tx=$(pmd_port_stat "$m" TX-packets)
after=$(pmd_mbufs_in_use)
pmd_quit

pmd_expect "testpmd exit status" "$pmd_rc" 0
pmd_expect_ge "frames received" "$rx" 10000
pmd_expect_ge "frames handed out in place" "${attached:-0}" 10000
pmd_expect "RX-packets = frames hv-host delivered since re-attach" "$rx" \
	$(($(pmd_host_stat rx_frames) - host_base))
[ "$mode" = io ] && pmd_expect "TX-packets = frames hv-host took" "$tx" \
	"$(pmd_host_stat tx_frames)"
pmd_expect "mbufs in use after port stop" "$after" "$before"
pmd_expect "receive sections hv-host still lends" \
	"$(awk '/^completions_outstanding/ { print $2 }' "$pmd_out")" 0
pmd_done
