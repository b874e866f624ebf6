#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Devarg enable_vf=0 keeps the data path synthetic although hv-host offers
# a VF and a port with the NIC's MAC is there: the netvsc port is probed
# again with the devarg (device detach, port attach <uuid>,enable_vf=0),
# a fresh stand-in is attached, and then the stand-in stays an ordinary
# port of testpmd's, hv-host's data path stays synthetic and pings are
# answered through hv-host. A bad value of the devarg fails the probe.

set -u
. "$(dirname "$0")/pmd-lib.sh"
. "$(dirname "$0")/vf-lib.sh"

[ "${PMD_UPSTREAM:-0}" = 1 ] && pmd_skip "enable_vf is our PMD's devarg"
vf_prereq
vf_start -- $(vf_eal vdev) -- -i --total-num-mbufs=8192
vf_wait_log "$vf_on_pat" 1 10
m=$(pmd_mark)
pmd_cmd_until "$m" "Device name" show port info 0
dev=$(pmd_since "$m" | sed -n 's/.*Device name: *\([^ ]*\).*/\1/p' | head -1)
pmd_cmd port stop all
pmd_cmd port close 0
pmd_cmd device detach "$dev"

m=$(pmd_mark)
pmd_cmd port attach "$dev,enable_vf=2"
pmd_expect "enable_vf=2 refused" \
	"$(pmd_since "$m" | grep -c 'is attached')" 0

m=$(pmd_mark)
pmd_cmd_until "$m" "is attached" port attach "$dev,enable_vf=0"
vf_port0=$(pmd_since "$m" | sed -n 's/^Port \([0-9]*\) is attached.*/\1/p')
pmd_cmd port attach "net_vfstandin1,mac=$vf_mac,iface=$vf_vtap"
pmd_expect "testpmd sees the stand-in as its own port" \
	"$(pmd_since "$m" | grep -c 'is attached. Now total ports is 2')" 1
pmd_cmd set portlist "$vf_port0"
pmd_cmd set fwd icmpecho
pmd_cmd port start all
pmd_cmd start
sleep 1
host_tx0=$(vf_host_total tx_frames)
read -r sent got <<<"$(vf_ping -c 20 -i 0.05 -W 1)"
pmd_expect "pings answered" "$got" "$sent"
pmd_expect_ge "frames sent on the synthetic path" \
	$(($(vf_host_total tx_frames) - host_tx0)) 20
pmd_expect "hv-host's data path" "$(vf_host_datapath)" synthetic
pmd_expect "VF offer seen and ignored" \
	"$(pmd_since "$m" | grep -c 'offers VF serial 1 (enable_vf=0: ignored)')" 1
pmd_expect "data path switches with enable_vf=0" \
	"$(pmd_since "$m" | grep -c "$vf_on_pat")" 0
pmd_cmd stop
pmd_quit
pmd_expect "testpmd exit status" "$pmd_rc" 0
pmd_done
