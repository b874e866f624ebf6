#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# A port start that fails must leave the port holding no mbufs: ethdev
# never calls dev_stop for a port that did not start. Here the start has
# to renew the host session (a subchannel died: hv-host's fault
# desc-last) while the host holds its RNDIS control replies (fault
# slow-ctrl, 6 s, past the 2 s control timeout given as devarg); the
# host, whose filter the dead channel left on, streams frames meanwhile,
# and the control waits read them from the primary channel. After the
# failed start, as many mbufs are in use as with the port stopped.
. "$(dirname "$0")/../lib/testpmd.sh"

[ "$HVNET_PMD" = ours ] ||
	skip "ctrl_timeout_ms is our devarg (upstream waits 60 s for a reply)"

tp_start --channels 2 --backend source:64:64:20000 -- \
	-a nic0,ctrl_timeout_ms=2000 -- -i --rxq=2 --txq=2
tp_cmd set fwd rxonly
tp_cmd start
expect_ge "queue 1 receives before the fault" \
	"$(tp_wait_stat rx_q1_good_packets 1)" 1
host_ctl fault desc-last >/dev/null || fail "hv-host refused fault desc-last"
tp_wait_log 'Port 0: reset event' 1 ||
	fail "no reset event after the subchannel died"
tp_cmd stop
tp_cmd port stop 0
before=$(tp_mbufs_in_use)
host_ctl fault slow-ctrl >/dev/null || fail "hv-host refused fault slow-ctrl"
f0=$(host_stat 'chan 0' rx_frames)
m=$(tp_mark)
tp_cmd port start 0
tp_since "$m" | grep -q 'Fail to start port 0' ||
	fail "port start did not fail with the control replies held"
expect_ge "frames the host streamed on channel 0 meanwhile" \
	"$(( $(host_stat 'chan 0' rx_frames) - f0 ))" 1
expect "mbufs in use after the failed start" "$(tp_mbufs_in_use)" "$before"
host_ctl fault calm >/dev/null
tp_quit
expect "testpmd exit status" "$tp_rc" 0
finish
