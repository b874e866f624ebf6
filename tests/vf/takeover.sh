#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# VF present at start: testpmd is started with the VF stand-in as a vdev
# carrying the synthetic NIC's MAC. Checks:
# - the netvsc PMD takes the stand-in (testpmd sees one port only);
# - after hv-host's VF association the PMD asks for the VF data path and
#   hv-host records it;
# - pings answered by testpmd's icmpecho on the netvsc port travel through
#   the stand-in: its TAP's kernel counters and the vf_ xstats move, while
#   hv-host's synthetic counters (frames the guest sent) do not;
# - port statistics include the VF's traffic.

. "$(dirname "$0")/../lib/vf.sh"

vf_prereq
vf_start -- $(vf_eal vdev) -- -i --total-num-mbufs=8192
if [ "$HVNET_PMD" != upstream ]; then
	expect "testpmd ports (the VF is hidden)" \
		"$(grep -c '^Configuring Port' "$tp_out")" 1
fi
tp_cmd set fwd icmpecho
tp_cmd start
tp_wait_log "$vf_on_pat" 1 10
expect "data path moved to the VF" "$(tp_count "$vf_on_pat")" 1
sleep 0.5
expect "hv-host's data path" "$(host_datapath)" vf

# testpmd 22.11 forwards nothing on the upstream port (its queues never
# read "started"): with it, only the switch itself is checked. The VF
# xstats are our PMD's.
if [ "$HVNET_PMD" = upstream ] &&
	[ "${HVNET_DPDK_VERSION:-22.11}" = 22.11 ]; then
	echo "upstream: no traffic checks, testpmd does not forward on its port"
else
	# Let ARP settle, then count only the pings.
	vf_ping -c 2 -i 0.2 -W 1 >/dev/null
	host_tx0=$(host_stat total tx_frames)
	tap_rx0=$(vf_tap_count tx_packets)
	tap_tx0=$(vf_tap_count rx_packets)
	read -r sent got <<<"$(vf_ping -c 40 -i 0.05 -W 1)"
	expect "pings answered" "$got" "$sent"
	expect_ge "frames the VF received (TAP tx)" \
		$(($(vf_tap_count tx_packets) - tap_rx0)) 40
	expect_ge "frames the VF sent (TAP rx)" \
		$(($(vf_tap_count rx_packets) - tap_tx0)) 40
	expect "frames sent on the synthetic path meanwhile" \
		$(($(host_stat total tx_frames) - host_tx0)) 0
	if [ "$HVNET_PMD" = ours ]; then
		expect_ge "vf_rx_good_packets" \
			"$(tp_xstat vf_rx_good_packets)" 40
		expect_ge "vf_tx_good_packets" \
			"$(tp_xstat vf_tx_good_packets)" 40
	fi
	m=$(tp_mark)
	tp_stats
	expect_ge "port RX-packets include the VF's" \
		"$(tp_port_stat "$m" RX-packets)" 42
	expect_ge "port TX-packets include the VF's" \
		"$(tp_port_stat "$m" TX-packets)" 42
fi
tp_cmd stop
tp_quit
expect "testpmd exit status" "$tp_rc" 0
finish
