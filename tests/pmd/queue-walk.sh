#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Queue counts changed at runtime under incoming traffic (hv-host's source
# backend, 8 channels): hv-guest's requeue mode walks WALKS sequences of
# STEPS receive and transmit counts drawn from 1..8 (equal or not, powers
# of two or not, growing and shrinking), each from a seed printed here
# (HVNET_SEED=N replays a run), then the shrinking case 4 -> 3. After each
# start every receive queue must receive, the RSS redirection table must
# name exactly the receive queues, every transmit queue must send and the
# queue information must answer. hv-host must never lack a receive-buffer
# section: frames left on a channel that no queue polls would hold them
# (20,000 frames/s: a guest kept off the CPU for less than a second on a
# busy machine does not run the buffer dry).
#
# Usage: queue-walk.sh [WALKS [STEPS]]   (default 10 walks of 6 steps)
. "$(dirname "$0")/../lib/guest.sh"

walks=${1:-10}
steps=${2:-6}
need_guest
host_start --channels 8 --backend source:64:256:20000
seed=${HVNET_SEED:-$((RANDOM * 32768 + RANDOM))}
echo "seed $seed (HVNET_SEED=$seed replays this run)"

# walk NAME [hv-guest requeue args]
walk() {
	local name=$1 out=$hvn_work/guest.out rc

	shift
	guest_run "$guest" -- --mode requeue --queues 8 --seconds 0.3 "$@" \
		>"$out" 2>&1
	rc=$?
	grep -E '^hv-guest: (requeue|step|FAIL)' "$out"
	[ "$rc" = 0 ] || tail -5 "$out"
	expect "$name: hv-guest exit status" "$rc" 0
	expect "$name: hv-host rx_no_section" \
		"$(host_stat misc rx_no_section)" 0
}

for ((w = 0; w < walks; w++)); do
	walk "walk $w" --seed $((seed + w)) --steps "$steps"
done
walk "4 -> 3 queues" --counts 4,3
expect "hv-host protocol errors" \
	"$(host_stat protocol_errors protocol_errors)" 0
finish
