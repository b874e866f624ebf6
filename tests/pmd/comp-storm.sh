#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# A host that completes what it never received (issue 12, finding 3).
# testpmd sends (txonly) into hv-host's sink; hv-host stops reading the
# guest's sends (fault tx-stall), so every transmit descriptor ends up
# with the host, then completes every transaction id below 4096 twice on
# every channel (fault comp-all): ids in flight, ids never used, and each
# again. The port is stopped while the host still stalls; when calm,
# hv-host reads the stalled sends and completes them a second time.
#
# The PMD must take each descriptor back once: a completion for an id not
# in flight, or a second one, is dropped and counted in
# bad_transaction_ids. A descriptor put back twice shows as a wrong
# descriptors_outstanding once the port is stopped (the free stack then
# holds more than the queue has), a lost one as outstanding forever; mbufs
# must all be back in their pool, and the port must forward again.
#
# Not reached here: a completion naming the aggregate still being filled.
# An aggregate stays open across bursts only when the guest's ring is full,
# and 4096 descriptors' sends never fill hv-host's 2 MiB ring: the guest
# runs out of descriptors first.
. "$(dirname "$0")/../lib/testpmd.sh"

[ "$HVNET_PMD" = ours ] || skip "upstream takes a completion id as a pointer"
tp_start --backend sink -- -- -i
# Control requests at stop get no reply while the host stalls: the port
# is attached again with ctrl_timeout_ms=1000.
tp_reattach ctrl_timeout_ms=1000
tp_cmd set fwd txonly
tp_baseline
before=$tp_in_use_before
tp_cmd start
for _ in $(seq 100); do
	[ "$(host_stat total tx_frames)" -gt 1000 ] 2>/dev/null && break
	sleep 0.05
done
host_ctl fault tx-stall >/dev/null || fail "hv-host refused fault tx-stall"
a=$(host_stat total tx_frames)
sleep 0.5
host_ctl fault comp-all >/dev/null || fail "hv-host refused fault comp-all"
host_wait_log 'comp-all: every id'
expect "frames hv-host took while stalled" "$(host_stat total tx_frames)" "$a"
# 8192 completions on the one channel; at most one per descriptor sent
# (at most 4096) may be taken.
expect_ge "completions refused" \
	"$(tp_wait_stat rx_q0_bad_transaction_ids 4096)" 4096
# Stop while the host still holds what was sent after the storm: the
# drain releases every descriptor taken, once.
tp_stop_released "$before"
host_ctl fault calm >/dev/null

# The port forwards again, and every frame testpmd counts reaches hv-host
# (once it has read the stalled sends).
tp_check_recovered "$before"
tp_quit
expect "testpmd exit status" "$tp_rc" 0
finish
