#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Upstream netvsc with 4 queues: hv-host's source backend sends 256 UDP
# flows; the guest's RSS parameters (Toeplitz, indirection table) steer
# them over all 4 channels roughly evenly.  The source is capped at
# 200,000 frames/s: upstream 22.11's receive loop ends only on an empty
# ring, so an uncapped host that refills faster than it drains would keep
# it from ever returning to the application.
. "$(dirname "$0")/../lib/guest.sh"

need_guest
host_start --channels 4 --backend source:64:256:200000
guest_check -- --mode rxonly --queues 4 --seconds 3
grep '^hv-guest: queue' "$guest_log"
total=0
for q in 0 1 2 3; do
	n=$(awk -v q=$q '$1 == "hv-guest:" && $2 == "queue" && $3 == q { print $5 }' "$guest_log")
	[ -n "$n" ] && [ "$n" -gt 0 ] || fail "queue $q received nothing"
	eval "rx$q=$n"
	total=$((total + n))
done
mean=$((total / 4))
for q in 0 1 2 3; do
	eval "n=\$rx$q"
	# Roughly even: each queue within half and one and a half of the mean.
	[ $((n * 2)) -ge "$mean" ] && [ $((n * 2)) -le $((mean * 3)) ] ||
		fail "queue $q got $n of $total (mean $mean): not spread"
done
[ "$(host_stat "chan 3" rx_frames)" -gt 0 ] || fail "hv-host channel 3 delivered nothing"
host_ctl stats | grep -q '^protocol_errors 0$' || fail "protocol errors"
ok "RSS spread $total frames over 4 queues"
