#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A host that never lets the primary ring run empty (hv-host's fault
# flood: a ring's worth of valid messages always ahead of the guest's
# read index) must not keep port stop from returning (issue 12, finding
# 5: a drain that reads until the ring is empty never ends); the port
# must start again once the host calms down. The PMD says when the host
# kept the ring full past what stop reads: that line shows the drain met
# a ring that never emptied. Control replies cannot reach the guest
# during the flood, so the port is attached with ctrl_timeout_ms=1000.
#
# The flood's thread moves the write index every 0.1 ms at real-time
# priority on the CPUs of the guest's main thread, so that thread (which
# stops the port) can never read a ring's worth between two moves. A
# forwarding lcore on another CPU could (it reads a ring's worth in about
# a millisecond while the flood's CPU may sit idle, and wake late): the
# flood begins only once forwarding has stopped, and hv-host's count of
# the times the guest found the ring empty must stay 0, or the run
# proves nothing.
. "$(dirname "$0")/../lib/testpmd.sh"

tp_start -- -- -i
tp_reattach ctrl_timeout_ms=1000
tp_cmd port start all
# Forwarding reads the primary ring empty, then stops reading it.
tp_cmd start
sleep 0.2
tp_cmd stop
host_ctl fault flood >/dev/null 2>&1 || fail "hv-host refused fault flood"
host_wait_log 'flood: the primary ring holds'
TP_CMD_TIMEOUT=30 tp_cmd port stop 0
ok "port stop returned under the flood"
expect_ge "stops that met a ring the host kept full" \
	"$(tp_count 'kept the ring full past')" 1
host_ctl fault calm >/dev/null 2>&1
# hv-host counts the times its flood fell behind and the guest read all.
host_wait_log 'flood: write index'
expect "times the guest found the flooded ring empty" \
	"$(sed -n 's/.*found the ring empty \([0-9]*\) times.*/\1/p' "$host_log" |
		tail -1)" 0
m=$(tp_mark)
tp_cmd port start 0
expect "port start after the flood" \
	"$(tp_since "$m" | grep -c 'Fail to start port')" 0
tp_quit
expect "testpmd exit status" "$tp_rc" 0
finish
