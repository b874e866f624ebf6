#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# secondary-renew.sh's scenario with hv-guest's mp mode in place of
# testpmd, so that it runs on both PMDs (testpmd 22.11 never forwards on
# upstream's netvsc): a primary hv-guest (queue 0 of 2) and a secondary
# (queue 1) receive a stream of 64 flows; the secondary pauses, the
# primary changes the MTU (mtu) or the queue count 2 -> 4 -> 2 (queues),
# the secondary resumes and must receive on queue 1 again. Upstream's
# verdicts are reported, not checked.
# Usage: renew-guest.sh mtu|queues
. "$(dirname "$0")/../lib/mp.sh"

case "${1:-}" in
mtu) change="mtu 4000" ;;
queues) change="queues 4 2" ;;
*) fail "usage: $0 mtu|queues" ;;
esac
need_guest
host_start --backend source:64:64:10000 --channels 4 --mtu 9000
mp_nics

# guest_cmd NAME COMMAND: COMMAND to process NAME; prints its result.
guest_cmd() {
	local ctl=$hvn_work/$1.ctl n

	n=$(grep -c "^hv-guest: $2: " "$hvn_work/$1.out")
	echo "$2" >"$ctl.tmp" && mv "$ctl.tmp" "$ctl"
	for _ in $(seq 300); do
		[ "$(grep -c "^hv-guest: $2: " "$hvn_work/$1.out")" -gt "$n" ] &&
			break
		kill -0 "${mp_pid[$1]}" 2>/dev/null || break
		sleep 0.1
	done
	grep "^hv-guest: $2: " "$hvn_work/$1.out" | tail -1 |
		sed "s/^hv-guest: $2: //"
}

args=(--mode mp --queues 2 --seconds 100)
mp_start p0 "$guest" -l 0 --proc-type=primary -- "${args[@]}" \
	--proc-id 0 --control "$hvn_work/p0.ctl"
mp_wait p0 "^hv-guest: mtu"
mp_start p1 "$guest" -l 1 --proc-type=secondary -- "${args[@]}" \
	--proc-id 1 --control "$hvn_work/p1.ctl"
mp_wait p1 "^hv-guest: mtu"

# Upstream 22.11 has no MTU change, and its secondaries never map new
# subchannels: its verdicts are reported (verdict).
sleep 2
rx0=$(guest_cmd p1 pause)
expect_ge "before: the secondary received on queue 1" "${rx0:-0}" 1000
verdict "primary: $change" "$(guest_cmd p0 "$change")" 0
c0=$(nic_stat 0 "chan 1" rx_frames)
expect "the secondary resumes" "$(guest_cmd p1 resume)" 0
sleep 2
rx1=$(guest_cmd p1 pause)
c1=$(nic_stat 0 "chan 1" rx_frames)
verdict "after the change: the secondary received 1000 frames on queue 1" \
	"$(( ${rx1:-0} - ${rx0:-0} >= 1000 ))" 1
verdict "after the change: hv-host delivered 1000 frames on channel 1" \
	"$((c1 - c0 >= 1000))" 1
for p in p1 p0; do
	mp_stop "$p"
	verdict "$p exit status" "$?" 0
done
host_alive || fail "hv-host died"
expect "NIC's protocol errors" \
	"$(nic_stat 0 protocol_errors protocol_errors)" 0
finish
