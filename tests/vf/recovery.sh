#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# A service reset of the VF (hv-host's "vf reset", as Azure restarts a
# MANA adapter in place) under io forwarding, a ping every 50 ms and a
# UDP stream through the guest (vf_reflect in tests/lib/vf.sh). The
# stand-in, as DPDK 26.07's mana PMD does, raises
# RTE_ETH_EVENT_ERR_RECOVERING and moves no frame until the reset ends;
# hv-host leaves the association and its data path as they are. The
# netvsc port must take the data path back to synthetic at once and keep
# the VF, untouched (the stand-in counts control calls made during its
# recovery), and then:
#   success  the reset lasts 3 s, the stand-in raises RECOVERY_SUCCESS:
#            the data path returns to the VF;
#   failure  the reset outlasts the stand-in's reset_timeout_ms (1 s),
#            it raises RECOVERY_FAILED: the VF is released (closed,
#            detached) and the port stays on synthetic.
# Checks: traffic never stops for a second, frames are lost only around
# the transitions, the synthetic path carries the stream during the
# reset, and the xstats count the episode.

. "$(dirname "$0")/../lib/vf.sh"

mode=${1:-success}
rate=2000
at_exit "vf_stream_stop >/dev/null"

[ "$HVNET_PMD" = upstream ] &&
	skip "upstream's PMD acts on the VF's recovery events from DPDK 26.07 only"
case $mode in
success) secs=3 ;;
failure) secs=4; VF_STANDIN_ARGS=reset_timeout_ms=1000 ;;
*) fail "mode success or failure, not '$mode'" ;;
esac
vf_prereq
vf_start -- $(vf_eal vdev) -- -i --total-num-mbufs=8192
vf_reflect
tp_cmd set fwd io
tp_cmd start
tp_wait_log "$vf_on_pat" 1 10 || fail "the VF never carried the data path"

vf_ping_start
vf_stream_start "$rate"
sleep 1

: >"$hvn_work/marks"
vf_mark
t0=$(date +%s.%N)
expect "hv-host's answer to vf reset" "$(host_ctl vf reset "$secs")" ok
# The outcome's switch comes when the reset ends (success) or times out
# (failure), whenever its log line is read: noted at that time.
end=$secs
[ "$mode" = failure ] && end=1
awk -v t="$t0" -v s="$end" 'BEGIN { printf "%.3f\n", t + s }' \
	>>"$hvn_work/marks"
tp_wait_log "is recovering from an error" 1 5
expect "recovery starts seen" "$(tp_count "is recovering from an error")" 1
# Within the reset.
vf_expect_on_synthetic 1 0.3 0.6

if [ "$mode" = success ]; then
	tp_wait_log "VF port [0-9]* recovered" 1 10
	expect "recoveries seen" "$(tp_count "VF port [0-9]* recovered")" 1
	vf_expect_on_vf 2 "recovered VF"
	expect "hv-host's data path after the recovery" "$(host_datapath)" vf
else
	tp_wait_log "failed to recover" 1 10
	tp_wait_log "VF port [0-9]* released" 1 5
	expect "VF released" "$(tp_count "VF port [0-9]* released")" 1
	# hv-host's reset ends now: the released VF must stay released.
	vf_expect_on_synthetic 1 $((secs - 1)) 1
fi

vf_traffic_verdict 20 "the reset and its end"
expect "vf_recoveries" "$(tp_xstat vf_recoveries)" 1
if [ "$mode" = success ]; then
	expect "vf_recovery_successes" "$(tp_xstat vf_recovery_successes)" 1
	expect "vf_released" "$(tp_xstat vf_released)" 0
	# The stand-in's own count, among the VF's xstats.
	expect "control calls into the VF during its recovery" \
		"$(tp_xstat vf_ctl_in_reset)" 0
else
	expect "vf_recovery_failures" "$(tp_xstat vf_recovery_failures)" 1
	expect "vf_released" "$(tp_xstat vf_released)" 1
fi
expect "stand-in complaints" \
	"$(tp_count "during recovery from a reset")" 0
vf_end
