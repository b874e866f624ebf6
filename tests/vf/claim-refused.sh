#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Ports that carry the NIC's MAC and still must not become its VF (issue
# 12, finding 7). The host offers a VF association (--vf-mac), so the PMD
# looks for a port with its MAC; it must take none of these:
#   netvsc     another netvsc port (hv-host --nics 2, both NICs with one MAC):
#              a synthetic NIC is never anyone's VF
#   zero       the host gave the NIC 00:00:00:00:00:00; a VF stand-in with
#              that (unset) address is attached
#   multicast  the host gave the NIC a group address; a stand-in with it
# The PMD must log no "took port", keep hv-host's data path synthetic,
# and leave the other port to the application (testpmd lists it and can
# stop and start it). Before the fix each netvsc port took the other as
# its VF (testpmd saw none and crashed at exit), and the zero and group
# MACs were matched like any other.
#
# Usage: claim-refused.sh netvsc|zero|multicast
. "$(dirname "$0")/../lib/vf.sh"

mode=${1:?netvsc, zero or multicast}
no_vf_pat='no port with our MAC yet'
[ "$HVNET_PMD" = ours ] || skip "reads our PMD's log"

case "$mode" in
netvsc)
	mac=00:15:5d:0a:0b:0d
	tp_start --nics 2 --mac "nic=0:$mac" --mac "nic=1:$mac" \
		--vf-mac "$mac" -- --log-level=pmd.net.netvsc.*:info -- -i
	;;
zero|multicast)
	mac=00:00:00:00:00:00
	[ "$mode" = multicast ] && mac=01:00:5e:00:00:01
	vf_plugin
	tp_start --mac "$mac" --vf-mac "$mac" -- -d "$VF_PLUGIN" \
		--log-level=pmd.net.netvsc.*:info -- -i
	;;
*)
	echo "unknown mode $mode"
	exit 2
	;;
esac

# ports_seen: the ports testpmd lists now.
ports_seen() {
	local m

	m=$(tp_mark)
	tp_cmd_until "$m" "Number of available ports" show port summary all
	tp_since "$m" | awk '/Number of available ports/ { print $NF }'
}

# Both netvsc ports are the application's from the start.
[ "$mode" = netvsc ] &&
	expect "ports testpmd sees after probe" "$(ports_seen)" 2
# Host messages are read by the bursts.
tp_cmd set fwd rxonly
tp_cmd start

# The host's offer has been seen (and, the fix working, no port found).
tp_wait_log 'host offers VF serial' 1 20 || fail "no VF offer seen"
tp_wait_log "$no_vf_pat" 1 5
if [ "$mode" != netvsc ]; then
	m=$(tp_mark)
	tp_cmd_until "$m" "is attached" \
		port attach "net_vfstandin0,mac=$mac,mode=loop,ctl=$vf_ctl"
fi
# The PMD looks at a port when it appears (its NEW event) and again on its
# retry alarm, at least once in these 2 s.
sleep 2
expect "ports taken as VF" "$(tp_count 'as its VF')" 0
expect "data path switches" "$(tp_count 'data path switched to the VF')" 0
expect "hv-host's data path" "$(host_datapath | sort -u)" synthetic
expect "ports testpmd sees" "$(ports_seen)" 2
tp_cmd stop
m=$(tp_mark)
tp_cmd port stop all
tp_cmd port start all
expect "errors stopping and starting every port" \
	"$(tp_errors "$m" | wc -l)" 0
tp_quit
expect "testpmd exit status" "$tp_rc" 0
finish
