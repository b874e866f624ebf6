#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The application detaches the VF (testpmd "device detach") while hv-host
# still offers it and io forwarding runs, under a ping every 50 ms and a
# UDP stream through the guest (vf_reflect in vf-lib.sh). The stand-in,
# as a device leaving the bus, stops moving frames and raises
# RTE_ETH_EVENT_INTR_RMV before it frees its queues; the netvsc port
# leaves the VF on that event, asks hv-host for the synthetic data path,
# and traffic goes on through hv-host. Attaching the stand-in again, still
# forwarding, makes it the VF again. Checks: no crash, the data path moves
# both ways, traffic never stops for a second or more, frames are lost
# only around the detach and the attach, the synthetic path carried the
# traffic in between and the returning VF after, and no mbuf is left in
# use at the end.

set -u
. "$(dirname "$0")/pmd-lib.sh"
. "$(dirname "$0")/vf-lib.sh"

rate=2000
trap 'rc=$?; vf_stream_stop >/dev/null; vf_cleanup; (exit $rc); pmd_cleanup' \
	EXIT

# testpmd 22.11 forwards nothing on the upstream port (its queues never
# read "started"); doc/guides/nics/netvsc.rst compares it with vf-fwd.
[ "${PMD_UPSTREAM:-0}" = 1 ] &&
	pmd_skip "testpmd does not forward on the upstream PMD"
vf_prereq
vf_start -- $(vf_eal vdev) -- -i --total-num-mbufs=8192
vf_reflect
pmd_cmd set fwd io
pmd_cmd start
vf_wait_log "$vf_on_pat" 1 10 || { echo "FAIL: no VF data path"; exit 1; }
read -r sent got <<<"$(vf_ping -c 5 -i 0.1 -W 1)"
pmd_expect "pings answered through the VF" "$got" "$sent"

vf_ping_start
vf_stream_start "$rate"
sleep 1

: >"$pmd_work/marks"
vf_mark
pmd_cmd device detach net_vfstandin0
vf_wait_log "$vf_off_pat" 1 5
pmd_expect "data path back to synthetic" "$(vf_count "$vf_off_pat")" 1
sleep 1
pmd_expect "hv-host's data path" "$(vf_host_datapath)" synthetic
host_tx0=$(vf_host_total tx_frames)
sleep 1
pmd_expect_ge "frames sent on the synthetic path in a second" \
	$(($(vf_host_total tx_frames) - host_tx0)) $((rate / 2))

# The VF comes back: the application attaches it again.
vf_mark
pmd_cmd port attach "$(vf_standin)"
vf_wait_log "$vf_on_pat" 2 10
pmd_expect "data path on the returning VF" "$(vf_count "$vf_on_pat")" 2
sleep 0.5
tap0=$(vf_tap_count tx_packets)
sleep 1
pmd_expect_ge "frames the returning VF received in a second" \
	$(($(vf_tap_count tx_packets) - tap0)) $((rate / 2))

read -r u_sent u_got u_gap <<<"$(vf_stream_stop)"
read -r sent got <<<"$(vf_ping_stop)"
echo "pings: $sent sent, $got answered"
echo "stream: $u_sent sent, $u_got received, longest silence ${u_gap}s"
pmd_expect_ge "pings answered" "$got" $((sent - 20))
pmd_expect_ge "stream frames received" "$u_got" $((u_sent * 9 / 10))
pmd_expect "stream frames lost away from the detach and attach" \
	"$(vf_loss_away)" 0
vf_expect_resumed
if [ "${PMD_UPSTREAM:-0}" != 1 ]; then
	pmd_expect "vf_released" "$(vf_xstat vf_released)" 1
fi
pmd_cmd stop
pmd_cmd port stop 0
pmd_expect "mbufs in use with the port stopped" "$(pmd_mbufs_in_use)" 0
pmd_quit
pmd_expect "testpmd exit status" "$pmd_rc" 0
pmd_done
