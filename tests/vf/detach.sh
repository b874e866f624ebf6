#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# The application detaches the VF (testpmd "device detach") while hv-host
# still offers it and io forwarding runs, under a ping every 50 ms and a
# UDP stream through the guest (vf_reflect in tests/lib/vf.sh). The stand-in,
# as a device leaving the bus, stops moving frames and raises
# RTE_ETH_EVENT_INTR_RMV before it frees its queues; the netvsc port
# leaves the VF on that event, asks hv-host for the synthetic data path,
# and traffic goes on through hv-host. Attaching the stand-in again, still
# forwarding, makes it the VF again. Checks: no crash, the data path moves
# both ways, traffic never stops for a second or more, frames are lost
# only around the detach and the attach, the synthetic path carried the
# traffic in between and the returning VF after, and no mbuf is left in
# use at the end.

. "$(dirname "$0")/../lib/vf.sh"

rate=2000
at_exit "vf_stream_stop >/dev/null"

# doc/guides/nics/netvsc.rst compares upstream's 22.11 PMD with vf-fwd.
tp_need_forwarding
vf_prereq
vf_start -- $(vf_eal vdev) -- -i --total-num-mbufs=8192
vf_reflect
tp_cmd set fwd io
tp_cmd start
tp_wait_log "$vf_on_pat" 1 10 || { echo "FAIL: no VF data path"; exit 1; }
read -r sent got <<<"$(vf_ping -c 5 -i 0.1 -W 1)"
expect "pings answered through the VF" "$got" "$sent"

vf_ping_start
vf_stream_start "$rate"
sleep 1

: >"$hvn_work/marks"
vf_mark
tp_cmd device detach net_vfstandin0
vf_expect_on_synthetic 1 1 1

# The VF comes back: the application attaches it again.
vf_mark
tp_cmd port attach "$(vf_standin)"
vf_expect_on_vf 2 "returning VF"

vf_traffic_verdict 20 "the detach and attach"
if [ "$HVNET_PMD" != upstream ]; then
	expect "vf_released" "$(tp_xstat vf_released)" 1
fi
vf_end
