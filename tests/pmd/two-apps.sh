#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Two DPDK applications at once on one host with two NICs (hv-host --nics
# 2, loopback): two hv-guest processes (distinct --file-prefix) forward
# (io) for 3 seconds, each owning one NIC, first each with -a of its own
# NIC, then each with -b of the other's. Both must forward and exit in
# time, each on its own NIC's MAC, and each NIC's hv-host counters must
# hold exactly what its application sent: neither touches the other's
# NIC.
. "$(dirname "$0")/../lib/guest.sh"

need_guest
host_start --nics 2
mapfile -t ids < <(host_ctl nics | awk '$1 ~ /^[0-9]$/ { print $2 }')
expect "NICs listed" "${#ids[@]}" 2

# nic_stat I PREFIX FIELD: NIC I's counter, now.
nic_stat() {
	host_ctl nic "$1" stats | stats_value "$2" "$3"
}

# round NAME OPT: app i runs with OPT (-a or -b) of NIC i (-a) or of the
# other NIC (-b); each is checked against NIC i's counters.
round() {
	local name=$1 opt=$2 i id out sent
	local -a pids base

	for i in 0 1; do
		base[i]=$(nic_stat "$i" total tx_frames)
		id=${ids[i]}
		[ "$opt" = -b ] && id=${ids[1 - i]}
		timeout --foreground 60 "${guest_env[@]}" "$guest" "$opt" "$id" \
			--iova-mode=va --file-prefix "hvt$$_$i" --huge-unlink \
			-l "$i" -- --mode io --seconds 3 \
			>"$hvn_work/app$i.out" 2>&1 &
		pids[i]=$!
		guest_bg "${pids[i]}"
	done
	for i in 0 1; do
		wait "${pids[i]}"
		expect "$name: app $i exit status" "$?" 0
	done
	for i in 0 1; do
		out=$hvn_work/app$i.out
		grep '^hv-guest: \(port\|total\)' "$out" | sed "s/^/app $i: /"
		expect "$name: app $i port MAC" \
			"$(awk '$2 == "port" && $6 == "mac" { print tolower($7) }' "$out")" \
			"00:15:5d:00:00:0$((i + 1))"
		sent=$(awk '$2 == "total" { print $6 }' "$out")
		expect_ge "$name: app $i frames forwarded" \
			"$(awk '$2 == "total" { print $4 }' "$out")" 1000
		expect "$name: NIC $i took what app $i sent" \
			"$(( $(nic_stat "$i" total tx_frames) - base[i] ))" "${sent:-none}"
	done
}

round "own NIC allowed" -a
round "other NIC blocked" -b
for i in 0 1; do
	expect "hv-host protocol errors, NIC $i" \
		"$(nic_stat "$i" protocol_errors protocol_errors)" 0
done
finish
