#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# The stand-in in the role it exists for: the pristine upstream netvsc PMD
# on hv-host takes it as its VF and lets it go on removal.  hv-host offers
# the VF association; the stand-in is attached afterwards (a hot-added VF),
# netvsc's retry finds it by MAC, configures and starts it and asks the
# host to switch the data path.  Withdrawing the VF (hv-host's control
# socket plus the stand-in's control file) must bring the RMV event to
# netvsc, which switches the data path back and releases the port.
#
# Upstream's log words are read: run with HVNET_PMD=upstream.
. "$(dirname "$0")/../lib/vf.sh"

ifname=vfsiN$$
ifname=${ifname:0:15}

[ "$HVNET_PMD" = upstream ] || skip "reads the upstream PMD's log"
vf_plugin

tap_make "$ifname"
tp_start --mac "$vf_mac" --vf-mac "$vf_mac" -- -d "$VF_PLUGIN" \
	--log-level=pmd.net.netvsc.*:debug -- -i --total-num-mbufs=4096
# The host offers the VF once RNDIS is up; the VF is not there yet.
tp_wait_log 'device not found, retrying' 1 10
tp_cmd "port attach net_vfstandin0,mac=$vf_mac,iface=$ifname,ctl=$vf_ctl"
tp_wait_log 'set datapath VF' 1 5
check netvsc_takes_standin_as_vf \
	"$(grep -q 'found matching VF port' "$tp_out" &&
		grep -q 'Starting VF port' "$tp_out" && echo 1)" \
	"$(grep -i 'vf' "$tp_out" | tail -5)"
check standin_holds_tap_queue \
	"$([ "$(cat "/sys/class/net/$ifname/carrier")" == 1 ] && echo 1)" \
	"no carrier on $ifname"
stats=$(host_ctl stats)
check host_switched_datapath_to_vf \
	"$(grep -q 'datapath vf' <<< "$stats" && echo 1)" \
	"$(grep datapath <<< "$stats")"

# Withdraw: the host revokes the association and the VF leaves the bus.
host_ctl vf withdraw > /dev/null
vf_state "$vf_ctl" removed
tp_wait_log 'Start to remove port' 1 5
check rmv_event_reaches_netvsc \
	"$(grep -q 'device removal event' "$tp_out" &&
		grep -q 'Removing VF portid' "$tp_out" && echo 1)" \
	"$(tail -5 "$tp_out")"
sleep 0.5
stats=$(host_ctl stats)
check host_datapath_back_to_synthetic \
	"$(grep -q 'datapath synthetic' <<< "$stats" && echo 1)" \
	"$(grep datapath <<< "$stats")"
# netvsc closes the port: its TAP queues go, and with them the carrier.
for ((i = 0; i < 50; i++)); do
	[ "$(cat "/sys/class/net/$ifname/carrier")" == 0 ] && break
	sleep 0.1
done
check standin_released_after_removal \
	"$([ "$(cat "/sys/class/net/$ifname/carrier")" == 0 ] && echo 1)" \
	"TAP $ifname still has a queue attached"

tp_quit
expect "testpmd and hv-host exit status" "$tp_rc" 0
finish
