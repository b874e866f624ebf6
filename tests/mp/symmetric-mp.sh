#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# DPDK's examples/multi_process/symmetric_mp, as Microsoft validates
# netvsc with it: two processes, a primary (queue 0) and a secondary
# (queue 1), forward between two NICs (hv-host --nics 2, two channels
# each): NIC 0 offers a stream of 64 flows, which RSS spreads over both
# channels, NIC 1 discards. Once NIC 0's link is down and it is idle,
# each process's counts must be hv-host's for its own channel: process i
# sent on NIC 1's channel i all it received, and NIC 0 delivered what
# both received, and the PMD none (upstream drops frames when its receive
# ring is full, and its counts of them do not add up: reported).
. "$(dirname "$0")/../lib/mp.sh"

need_mp_app smp examples/dpdk-symmetric_mp
host_start --nics 2 --channels 2 --backend nic=0:source:64:64:10000 \
	--backend nic=1:sink
mp_nics
expect "NICs listed" "${#mp_ids[@]}" 2

smp_args=(-p 3 --num-procs 2)
mp_start p0 "$smp" -l 0 --proc-type=primary -- "${smp_args[@]}" --proc-id 0
mp_wait p0 "using queue 0"
mp_start p1 "$smp" -l 1 --proc-type=secondary -- "${smp_args[@]}" \
	--proc-id 1
mp_wait p1 "using queue 1"
sleep 3
host_ctl nic 0 link down >/dev/null
nic_idle 0
sleep 0.5
# Frames the PMD itself dropped (counted), from the primary.
missed=$(telemetry "$mp_prefix" /ethdev/stats,0 imissed)
for p in p1 p0; do
	mp_stop "$p"
	expect "$p exit status" "$?" 0
done
sleep 0.2

received=0
for i in 0 1; do
	rx=$(smp_port "p$i" 0 RX)
	tx=$(smp_port "p$i" 1 TX)
	got=$(nic_stat 0 "chan $i" rx_frames)
	echo "process $i: port 0 RX $rx, port 1 TX $tx, drops $(smp_port "p$i" 1 Drop); NIC 0 channel $i delivered $got"
	expect_ge "process $i received" "${rx:-0}" 1000
	check "process $i received from NIC 0's channel $i only" \
		"$(( ${rx:-0} <= got ))" "more than the $got frames it delivered"
	expect "process $i: NIC 1 channel $i took what it sent" \
		"$(nic_stat 1 "chan $i" tx_frames)" "${tx:-none}"
	expect "process $i sent all it received" "${tx:-none}" "${rx:-0}"
	received=$((received + ${rx:-0}))
done
echo "port 0 imissed: $missed"
# Upstream drops frames when its receive ring is full, and its counts
# of them do not add up (reported).
verdict "NIC 0 delivered what the processes received or the PMD counted as missed" \
	"$(nic_stat 0 total rx_frames)" "$((received + missed))"
verdict "frames the PMD dropped" "$missed" 0
for i in 0 1; do
	expect "NIC $i protocol errors" \
		"$(nic_stat "$i" protocol_errors protocol_errors)" 0
	expect "NIC $i rx_no_section" "$(nic_stat "$i" misc rx_no_section)" 0
done
finish
