#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Configuration made on the netvsc port after the VF joined reaches the
# VF. The VF's own state is read from ethdev over DPDK telemetry
# (/ethdev/info), which shows every port whoever owns it, and the
# promiscuous mode is also checked by its effect: frames for another MAC
# are dropped by the stand-in's filter (its rx_filtered_packets xstat,
# seen as vf_rx_filtered_packets) unless the VF is promiscuous.
# Checks: promiscuous off/on, all-multicast on, and an MTU change (which
# the netvsc port takes only while stopped) land on the VF, and the data
# path is the VF again after the restart.

. "$(dirname "$0")/../lib/vf.sh"

[ "$HVNET_PMD" = upstream ] && skip "reads our PMD's VF log and xstats"
vf_prereq
vf_start -- $(vf_eal vdev) -- -i --total-num-mbufs=8192
tp_cmd set fwd rxonly
tp_cmd start
tp_wait_log "$vf_on_pat" 1 10 || { echo "FAIL: no VF data path"; exit 1; }
vf=$(vf_port)
[ "$(vf_telemetry "$vf" mtu)" = none ] && skip "no DPDK telemetry socket"

# Frames for a MAC that is not the port's, sent into the bridge.
foreign() {
	ip netns exec "$vf_ns" python3 - br0 <<'PY'
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
for i in range(20):
    s.send(bytes.fromhex('02aabbccddee' '02aabbccdd01' '0800') + bytes(46))
PY
	sleep 0.3
}

expect "VF promiscuous as testpmd set the port" \
	"$(vf_telemetry "$vf" promiscuous)" 1
tp_cmd set promisc 0 off
expect "VF promiscuous after 'set promisc 0 off'" \
	"$(vf_telemetry "$vf" promiscuous)" 0
f0=$(tp_xstat vf_rx_filtered_packets)
foreign
expect_ge "foreign frames filtered by the VF" \
	$(($(tp_xstat vf_rx_filtered_packets) - f0)) 20
tp_cmd set promisc 0 on
expect "VF promiscuous after 'set promisc 0 on'" \
	"$(vf_telemetry "$vf" promiscuous)" 1
f0=$(tp_xstat vf_rx_filtered_packets)
r0=$(tp_xstat vf_rx_good_packets)
foreign
expect "foreign frames filtered by the promiscuous VF" \
	$(($(tp_xstat vf_rx_filtered_packets) - f0)) 0
expect_ge "foreign frames received by the promiscuous VF" \
	$(($(tp_xstat vf_rx_good_packets) - r0)) 20
tp_cmd set allmulti 0 on
expect "VF all-multicast after 'set allmulti 0 on'" \
	"$(vf_telemetry "$vf" all_multicast)" 1

tp_cmd stop
tp_cmd port stop 0
tp_cmd port config mtu 0 3000
tp_cmd port start 0
tp_wait_log "$vf_on_pat" 2 10
expect "VF MTU after 'port config mtu 0 3000'" \
	"$(vf_telemetry "$vf" mtu)" 3000
expect "data path on the VF after the restart" \
	"$(tp_count "$vf_on_pat")" 2
expect "hv-host's data path" "$(host_datapath)" vf
tp_quit
expect "testpmd exit status" "$tp_rc" 0
finish
