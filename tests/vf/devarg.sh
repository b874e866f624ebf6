#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Devarg enable_vf=0 keeps the data path synthetic although hv-host offers
# a VF and a port with the NIC's MAC is there: the netvsc port is probed
# again with the devarg (device detach, port attach <uuid>,enable_vf=0),
# a fresh stand-in is attached, and then the stand-in stays an ordinary
# port of testpmd's, hv-host's data path stays synthetic and pings are
# answered through hv-host. A bad value of the devarg fails the probe.

. "$(dirname "$0")/../lib/vf.sh"

[ "$HVNET_PMD" = upstream ] && skip "enable_vf is our PMD's devarg"
vf_prereq
vf_start -- $(vf_eal vdev) -- -i --total-num-mbufs=8192
tp_wait_log "$vf_on_pat" 1 10
m=$(tp_mark)
tp_cmd_until "$m" "Device name" show port info 0
dev=$(tp_since "$m" | sed -n 's/.*Device name: *\([^ ]*\).*/\1/p' | head -1)
tp_cmd port stop all
tp_cmd port close 0
tp_cmd device detach "$dev"

m=$(tp_mark)
tp_cmd port attach "$dev,enable_vf=2"
expect "enable_vf=2 refused" \
	"$(tp_since "$m" | grep -c 'is attached')" 0

m=$(tp_mark)
tp_cmd_until "$m" "is attached" port attach "$dev,enable_vf=0"
vf_port0=$(tp_since "$m" | sed -n 's/^Port \([0-9]*\) is attached.*/\1/p')
tp_cmd port attach "net_vfstandin1,mac=$vf_mac,iface=$vf_vtap"
expect "testpmd sees the stand-in as its own port" \
	"$(tp_since "$m" | grep -c 'is attached. Now total ports is 2')" 1
tp_cmd set portlist "$vf_port0"
tp_cmd set fwd icmpecho
tp_cmd port start all
tp_cmd start
sleep 1
host_tx0=$(host_stat total tx_frames)
read -r sent got <<<"$(vf_ping -c 20 -i 0.05 -W 1)"
expect "pings answered" "$got" "$sent"
expect_ge "frames sent on the synthetic path" \
	$(($(host_stat total tx_frames) - host_tx0)) 20
expect "hv-host's data path" "$(host_datapath)" synthetic
expect "VF offer seen and ignored" \
	"$(tp_since "$m" | grep -c 'offers VF serial 1 (enable_vf=0: ignored)')" 1
expect "data path switches with enable_vf=0" \
	"$(tp_since "$m" | grep -c "$vf_on_pat")" 0
tp_cmd stop
tp_quit
expect "testpmd exit status" "$tp_rc" 0
finish
