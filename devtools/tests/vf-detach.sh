#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The application detaches the VF (testpmd "device detach") while hv-host
# still offers it: the netvsc port falls back to the synthetic path on
# its own (RTE_ETH_EVENT_DESTROY), asks hv-host for the synthetic data
# path, and pings go on being answered through hv-host. Attaching the
# stand-in again makes it the VF again.
#
# Forwarding is stopped around the detach: the stand-in, like a removed
# PCI driver, frees its queues before ethdev announces the port's end, so
# a burst running at that moment could touch freed queues (a real mlx5
# refuses to close a started port instead).

set -u
. "$(dirname "$0")/pmd-lib.sh"
. "$(dirname "$0")/vf-lib.sh"

vf_prereq
vf_start -- $(vf_eal vdev) -- -i --total-num-mbufs=8192
pmd_cmd set fwd icmpecho
pmd_cmd start
vf_wait_log "$vf_on_pat" 1 10
read -r sent got <<<"$(vf_ping -c 10 -i 0.05 -W 1)"
pmd_expect "pings answered through the VF" "$got" "$sent"

pmd_cmd stop
pmd_cmd device detach net_vfstandin0
vf_wait_log "$vf_off_pat" 1 5
pmd_expect "data path back to synthetic" "$(vf_count "$vf_off_pat")" 1
pmd_expect "hv-host's data path" "$(vf_host_datapath)" synthetic
pmd_cmd start
host_tx0=$(vf_host_total tx_frames)
read -r sent got <<<"$(vf_ping -c 20 -i 0.05 -W 1)"
pmd_expect "pings answered after the detach" "$got" "$sent"
pmd_expect_ge "frames sent on the synthetic path" \
	$(($(vf_host_total tx_frames) - host_tx0)) 20
if [ "${PMD_UPSTREAM:-0}" != 1 ]; then
	pmd_expect "vf_released" "$(vf_xstat vf_released)" 1
fi

# The VF comes back: the application attaches it again.
pmd_cmd port attach "$(vf_standin)"
vf_wait_log "$vf_on_pat" 2 10
pmd_expect "data path on the returning VF" "$(vf_count "$vf_on_pat")" 2
tap0=$(vf_tap_count tx_packets)
read -r sent got <<<"$(vf_ping -c 20 -i 0.05 -W 1)"
pmd_expect "pings answered through the returning VF" "$got" "$sent"
pmd_expect_ge "frames the returning VF received" \
	$(($(vf_tap_count tx_packets) - tap0)) 20
pmd_cmd stop
pmd_quit
pmd_expect "testpmd exit status" "$pmd_rc" 0
pmd_done
