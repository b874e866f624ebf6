#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# A VF whose association the host withdrew still works until it is
# removed (servicing removes it some time later), and frames it received
# before or after the switch to synthetic reach the application, as
# Linux's netvsc takes them: under load, a VF's receive queue may hold
# a burst of frames when the withdrawal comes, lost if the VF is no
# longer read. testpmd (rxonly) on hv-host's PCI VF; the host withdraws
# the association alone ("vf withdraw", the device stays); frames sent
# into the VF's interface only (not through the bridge) must then be
# received on the netvsc port.

. "$(dirname "$0")/../lib/vf.sh"

tp_need_forwarding
vf_prereq
[ -n "$vf_traffic" ] || skip "vf-traffic not built"
vf_start --vf-pci 0000:00:02.0 --vf-ifname "$vf_vtap" \
	-- $(vf_eal) -- -i --total-num-mbufs=8192
nv_port=$(vf_netvsc_port)
tp_cmd set fwd rxonly
tp_cmd start
tp_wait_log "$vf_on_pat" 1 10 || fail "the VF never carried the data path"
host_ctl vf withdraw >/dev/null
tp_wait_log "$vf_off_pat" 1 10 || fail "the withdrawal never switched"

rx_packets() {
	local m

	m=$(tp_mark)
	tp_cmd_until "$(tp_mark)" Tx-bps show port stats "$nv_port"
	tp_port_stat "$m" RX-packets
}
rx0=$(rx_packets)
# Out of the VF's interface: to the stand-in alone, hv-host sees none.
ip netns exec "$vf_ns" "$vf_traffic" send "$vf_vtap" "$vf_mac" "$vf_myip" \
	"$vf_ip" 5001 1000 >/dev/null 2>&1 &
vf_gen_pid=$!
sleep 1
vf_gen_stop
sleep 0.5
rx1=$(rx_packets)
echo "netvsc port RX-packets $rx0 -> $rx1 after the withdrawal"
expect_ge "frames the withdrawn VF received, taken" $((rx1 - rx0)) 500
[ "$(host_datapath)" = synthetic ] ||
	fail_soft "hv-host's data path is not synthetic"
tp_cmd stop
tp_quit
expect "testpmd exit status" "$tp_rc" 0
finish
