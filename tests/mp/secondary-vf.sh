#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Secondaries and the VF: symmetric_mp's two processes (the primary on
# queue 0, a secondary on queue 1) forward between two NICs (hv-host
# --nics 2, two channels each, both sources of 64 flows at 2000 frames/s)
# while hv-host services NIC 0's PCI VF $1 times (default 3: "vf service
# 1" withdraws the association, hot-removes the VF, hot-adds it a second
# later and offers it again). The VF is the stand-in in loop mode (a
# receive burst hands out frames for the NIC's MAC every millisecond,
# transmit counts and frees), loaded into both processes; the primary
# attaches each returning VF itself, and the secondary must follow: use
# the VF while the data path is on it, let go of it before the primary
# detaches it, take the new one. After every cycle the VF's queue 1,
# which only the secondary polls, must move frames both ways; at the end
# both processes exit cleanly and their counts agree with hv-host's
# per-channel counts (NIC 1 took what each sent it, NIC 0 took no more
# than each sent it, what was not on the VF).
# With "exit", the secondary instead exits (SIGINT: symmetric_mp exits
# from its signal handler, most likely inside a burst of the VF) while the
# VF carries the data path, and one servicing cycle follows: the primary
# must not wait for ever for the burst the secondary left, and must come
# back to the VF.
# Usage: secondary-vf.sh [CYCLES|exit]
. "$(dirname "$0")/../lib/mp.sh"

cycles=${1:-3}
[ "$cycles" = exit ] && cycles=0
need_mp_app smp examples/dpdk-symmetric_mp
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
plugin=$(hvn_bin app/vf-standin/librte_net_vfstandin.so) ||
	skip "VF stand-in not built"
private_plugin vf_plugin "$plugin"
need_cmd python3

ns=hvmv$$
vtap=hvmvv$$
pci=0000:00:02.0
mac=00:15:5d:0a:0b:0c
netns_add "$ns"
tap_make "$vtap" "$ns"
host_wrap=(ip netns exec "$ns")
mp_wrap=(ip netns exec "$ns")
host_start --nics 2 --channels 2 --mac "nic=0:$mac" \
	--backend source:64:64:2000 --vf-mac "nic=0:$mac" --vf-delay-ms 100 \
	--vf-pci "$pci" --vf-ifname "$vtap"
mp_nics
expect "NICs listed" "${#mp_ids[@]}" 2

if [ "$HVNET_PMD" = upstream ]; then
	on_pat='set datapath VF'
	log=(--log-level='pmd.net.netvsc.*:debug')
else
	on_pat='data path switched to the VF'
	log=(--log-level='pmd.net.netvsc.*:info')
fi
# The VF is owned by the netvsc port: symmetric_mp skips it in its mask.
eal=(-a "$pci,mode=loop,burst_us=1000" -d "$vf_plugin" "${log[@]}")
smp_args=(-p 7 --num-procs 2)
mp_start p0 "$smp" -l 0 --proc-type=primary "${eal[@]}" -- \
	"${smp_args[@]}" --proc-id 0
mp_wait p0 "using queue 0"
mp_wait p0 "$on_pat"
mp_start p1 "$smp" -l 1 --proc-type=secondary "${eal[@]}" -- \
	"${smp_args[@]}" --proc-id 1
mp_wait p1 "using queue 1"

# The ports: the two NICs' by name, in the primary's telemetry.
port_of() {
	local p

	for p in 0 1 2 3; do
		[ "$(telemetry "$mp_prefix" "/ethdev/info,$p" name)" = "$1" ] &&
			{ echo "$p"; return; }
	done
	echo none
}
nv0=$(port_of "${mp_ids[0]}")
nv1=$(port_of "${mp_ids[1]}")
echo "NIC 0 is port $nv0, NIC 1 port $nv1"
[ "$nv0" != none ] && [ "$nv1" != none ] || fail "NIC ports not found"

# vf_q1: frames the VF's queue 1 received and sent ("rx tx"), from the
# netvsc port's xstats in the primary.
vf_q1() {
	telemetry "$mp_prefix" "/ethdev/xstats,$nv0" vf_rx_q1_packets \
		vf_tx_q1_packets | paste -sd ' '
}

# secondary_on_vf WHEN: within 10 s, the secondary's queue of the VF
# moves frames both ways.
secondary_on_vf() {
	local r0 t0 r1 t1 i

	alive "$1"
	read -r r0 t0 <<<"$(vf_q1)"
	for ((i = 0; i < 10; i++)); do
		sleep 1
		alive "$1"
		read -r r1 t1 <<<"$(vf_q1)"
		[ "$r1" != none ] && [ "$r0" != none ] && [ "$t1" != none ] &&
			[ "$t0" != none ] && [ "$r1" -gt "$r0" ] &&
			[ "$t1" -gt "$t0" ] && break
		# A new VF's counters start again from 0.
		[ "$r1" != none ] && [ "$r0" = none ] && { r0=$r1; t0=$t1; }
	done
	echo "$1: VF queue 1 rx $r0 -> $r1, tx $t0 -> $t1"
	verdict "$1: the secondary receives on the VF" \
		"$([ "$r1" != none ] && [ "$r0" != none ] &&
			[ "$r1" -gt "$r0" ] && echo yes)" yes
	verdict "$1: the secondary sends on the VF" \
		"$([ "$t1" != none ] && [ "$t0" != none ] &&
			[ "$t1" -gt "$t0" ] && echo yes)" yes
}

# alive WHEN: both processes still run, or the test ends here.
alive() {
	local p

	for p in p0 p1; do
		kill -0 "${mp_pid[$p]}" 2>/dev/null ||
			fail "$1: $p ended: $(tail -n 3 "$hvn_work/$p.out")"
	done
}

secondary_on_vf "start"
if [ "${1:-}" = exit ]; then
	mp_stop p1
	expect "the secondary's exit status" "$?" 0
	host_ctl vf service 1 >/dev/null
	for ((i = 0; i < 300; i++)); do
		[ "$(grep -c -- "$on_pat" "$hvn_work/p0.out")" -gt 1 ] && break
		kill -0 "${mp_pid[p0]}" 2>/dev/null || fail "the primary ended"
		sleep 0.1
	done
	grep 'ended inside a burst' "$hvn_work/p0.out"
	expect "the primary's data path back on the VF after servicing" \
		"$(grep -c -- "$on_pat" "$hvn_work/p0.out")" 2
	check "the primary answers telemetry (the VF's xstats)" \
		"$([ "$(vf_q1)" != "none none" ] && echo 1)" "no answer in 10 s"
	mp_stop p0
	expect "the primary's exit status" "$?" 0
	finish
fi
for ((c = 1; c <= cycles; c++)); do
	host_ctl vf service 1 >/dev/null
	for ((i = 0; i < 300; i++)); do
		[ "$(grep -c -- "$on_pat" "$hvn_work/p0.out")" -gt "$c" ] && break
		alive "cycle $c"
		sleep 0.1
	done
	expect "cycle $c: the primary's data path back on the VF" \
		"$(grep -c -- "$on_pat" "$hvn_work/p0.out")" "$((c + 1))"
	secondary_on_vf "cycle $c"
done
alive "the end"

# The end: the VF leaves, NIC 0 and NIC 1 stop delivering; then every
# frame received has been forwarded, or counted dropped.
echo "cycles done after ${SECONDS}s"
host_ctl vf remove >/dev/null
for i in 0 1; do
	host_ctl nic "$i" link down >/dev/null
done
for i in 0 1; do
	nic_idle "$i"
done
sleep 0.5
# What the PMD dropped on NIC 1's queues (a process waiting for a CPU
# while its channel filled), from the primary: queues' counters are shared.
for i in 0 1; do
	dropped[i]=0
	for v in $(telemetry "$mp_prefix" "/ethdev/xstats,$nv1" \
			"rx_q${i}_staging_full_drops" "rx_q${i}_nombuf"); do
		[ "$v" = none ] || dropped[i]=$((dropped[i] + v))
	done
done
echo "idle after ${SECONDS}s"
for p in p1 p0; do
	mp_stop "$p"
	expect "$p exit status" "$?" 0
done
sleep 0.2
# Ours logs each VF it takes in the secondary.
verdict "VFs the secondary used" \
	"$(grep -c 'used in this process too' "$hvn_work/p1.out")" \
	"$((cycles + 1))"
# A burst on a port this process does not have, or a crash.
cat "$hvn_work/p0.out" "$hvn_work/p1.out" |
	grep -E 'not ready port|Segmentation|Bus error|Aborted' | head -3
verdict "bursts on ports not ready, crashes" \
	"$(cat "$hvn_work/p0.out" "$hvn_work/p1.out" |
		grep -cE 'not ready port|Segmentation|Bus error|Aborted')" 0

for i in 0 1; do
	rx0=$(smp_port "p$i" "$nv0" RX)
	tx0=$(smp_port "p$i" "$nv0" TX)
	rx1=$(smp_port "p$i" "$nv1" RX)
	tx1=$(smp_port "p$i" "$nv1" TX)
	echo "process $i: NIC 0 port RX $rx0 TX $tx0, NIC 1 port RX $rx1 TX $tx1;" \
		"hv-host NIC 0 channel $i delivered $(nic_stat 0 "chan $i" rx_frames)" \
		"took $(nic_stat 0 "chan $i" tx_frames)," \
		"NIC 1 channel $i delivered $(nic_stat 1 "chan $i" rx_frames)" \
		"took $(nic_stat 1 "chan $i" tx_frames)"
	# The PMD keeps an aggregate open when the ring was full, until the
	# queue's next send: at most one message of hv-host's RNDIS maximum
	# (8 frames) may still be held when traffic stops.
	held=$(( ${tx1:-0} - $(nic_stat 1 "chan $i" tx_frames) ))
	check "process $i: NIC 1 channel $i took what it sent there (held: $held)" \
		"$(( held >= 0 && held <= 8 ))" "sent ${tx1:-none}"
	check "process $i: NIC 0 channel $i took no more than it sent there" \
		"$(( $(nic_stat 0 "chan $i" tx_frames) <= ${tx0:-0} ))" \
		"more than its ${tx0:-0}"
	check "process $i received more on NIC 0's port than channel $i delivered (the VF's)" \
		"$(( ${rx0:-0} > $(nic_stat 0 "chan $i" rx_frames) ))" \
		"${rx0:-0}, channel $i delivered $(nic_stat 0 "chan $i" rx_frames)"
	verdict "process $i received what NIC 1's channel $i delivered, or the PMD counted as dropped (${dropped[i]})" \
		"$(( ${rx1:-0} + dropped[i] ))" "$(nic_stat 1 "chan $i" rx_frames)"
done
for i in 0 1; do
	expect "NIC $i protocol errors" \
		"$(nic_stat "$i" protocol_errors protocol_errors)" 0
done
finish
