#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Several NICs per VM: a VF whose interface carries another MAC than the
# netvsc port's belongs to another NIC and is never attached by this one.
# hv-host's PCI VF gets --vf-mac different from --mac; after "vf service
# 1" the host offers an association, the device comes back, and the PMD,
# which keeps looking while the host offers a VF, must attach nothing.
# Checks: no attach attempt, the device is probed once (by EAL at start,
# not by the PMD after the add), the data path stays synthetic. EAL's
# "Probe PCI driver" line is at info level of logtype bus.pci in 24.11
# (EAL in 22.11 and 23.11), whose default is notice: the level is asked for.

. "$(dirname "$0")/../lib/vf.sh"

[ "$HVNET_PMD" = upstream ] && skip "checks our PMD's xstats"
vf_prereq
vf_start --vf-pci 0000:00:02.0 --vf-ifname "$vf_vtap" \
	--vf-mac 00:15:5d:0a:0b:0d -- $(vf_eal) --log-level=bus.pci:info -- -i
nv_port=$(sed -n 's/.*hn_dev_init(): port \([0-9]*\):.*/\1/p' "$tp_out" |
	head -1)
tp_cmd start
host_ctl vf service 1 >/dev/null
# The add, the offer and several attempts of the PMD's search.
sleep 6
expect "attach attempts" "$(tp_xstat vf_attach_attempts "$nv_port")" 0
expect "probes of the VF device" "$(tp_count 'Probe PCI driver')" 1
expect "data path switches to the VF" "$(tp_count "$vf_on_pat")" 0
expect "hv-host's data path" "$(host_datapath)" synthetic
tp_cmd stop
tp_quit
expect "testpmd exit status" "$tp_rc" 0
finish
