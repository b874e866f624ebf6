#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# The referee of the PCI VF emulation: the PMD under test (upstream's in
# suite upstream) in hv-guest, which receives (rxonly) so that the PMD
# reads the host's messages, on hv-host with a PCI VF (--vf-pci) that the
# stand-in plugin drives; nothing about the VF on the command line.
# $1 "vf service 1" cycles (default 3); extra hv-host options follow
# (--vf-pci-rotate, --vf-rename, or a second --vf-pci
# 0000:00:02.0,1414:00ba for MANA's id).
# Upstream 22.11 starts EAL's device event monitor, and on a PCI add looks
# for the device's interface, matches its MAC and attaches it
# (netvsc_hotplug_retry); it retries a reported VF every second.
# Checks: the data path returns to the VF after every cycle, by the PMD's
# log and by hv-host's.

. "$(dirname "$0")/../lib/vf.sh"

cycles=${1:-3}
shift 2>/dev/null
host_extra=("$@")
pci=0000:00:02.0

vf_prereq
need_hugepages
vf_spawn --guest --vf-pci "$pci" --vf-ifname "$vf_vtap" "${host_extra[@]}" \
	-- $(vf_eal) -- --mode rxonly --seconds $((cycles * 10 + 10))
tp_wait_log "$vf_on_pat" 1 20 ||
	fail "the VF present at start never took the data path"
for ((c = 1; c <= cycles; c++)); do
	host_ctl vf service 1 >/dev/null
	if ! tp_wait_log "$vf_off_pat" $c 10; then
		fail_soft "cycle $c: data path never left the VF"
		break
	fi
	if ! tp_wait_log "$vf_on_pat" $((c + 1)) 30; then
		fail_soft "cycle $c: data path never returned to the VF"
		break
	fi
	ok "cycle $c: data path back on the VF"
	sleep 0.5
	expect "cycle $c: hv-host's data path" "$(host_datapath)" vf
done
# --seconds only bounds a run that hangs.
vf_guest_stop
wait "$tp_pid"
expect "hv-guest exit status" $? 0
tp_pid=
finish
