#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Azure servicing ("vf service 1") while EAL's interrupt thread waits for
# a CPU, as on a busy machine: it is held (stopped by ptrace) from before
# the association is withdrawn until after hv-host has offered it again,
# then let go. Everything of the servicing reaches the PMD at once then,
# in the interrupt thread's order: the stand-in's removal watch (an alarm
# due first) raises RMV, the PMD's pass over the host's messages finds
# the VF offered again but still being removed, and the PCI add event
# comes while the old VF is not released yet. The PMD must still take
# the returning VF back by itself, every cycle ($1, default 3). Once
# nothing looked for it after the release: the data path stayed
# synthetic for good (as vf_service_100 saw once at its cycle 49 under
# load: "data path never returned to the VF", no attach attempt).
. "$(dirname "$0")/../lib/vf.sh"

cycles=${1:-3}
pci=0000:00:02.0

tp_need_forwarding vf/service-held.sh
vf_prereq
vf_start --vf-pci "$pci" --vf-ifname "$vf_vtap" \
	-- $(vf_eal) -- -i --total-num-mbufs=8192
nv_port=$(vf_netvsc_port)
tp_cmd set fwd io
tp_cmd start
tp_wait_log "$vf_on_pat" 1 10 ||
	fail "the VF present at start never carried the data path"
tp_intr_find

on=1
for ((c = 1; c <= cycles; c++)); do
	offers=$(grep -c 'VF association offered' "$host_log")
	tp_intr_hold
	host_ctl vf service 1 >/dev/null
	for _ in $(seq 100); do
		[ "$(grep -c 'VF association offered' "$host_log")" -gt "$offers" ] &&
			break
		sleep 0.1
	done
	expect "cycle $c: hv-host's offers after the add" \
		"$(grep -c 'VF association offered' "$host_log")" $((offers + 1))
	# The add and the offer are there; the thread comes back to them.
	sleep 0.3
	tp_intr_release
	on=$((on + 1))
	tp_wait_log "$vf_on_pat" $on 20 ||
		fail "cycle $c: data path never returned to the VF"
	ok "cycle $c: back on the VF"
done
expect "switches to synthetic" "$(tp_count "$vf_off_pat")" "$cycles"
if [ "$HVNET_PMD" = ours ]; then
	expect "VF attaches by the PMD" \
		"$(tp_xstat vf_attach_successes "$nv_port")" "$cycles"
fi
vf_end "$nv_port"
