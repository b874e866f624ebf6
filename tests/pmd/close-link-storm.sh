#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# No link alarm after close (issue 12, finding 6). hv-host's fault
# link-storm keeps link indications coming, each a change, so that the
# port reads some while stop and close tear it down (the transmit drain,
# the receive drain and NVSP detach read the primary ring). Close returns
# into ethdev, which frees the port's private data at once; an alarm
# armed by such an indication after close cancelled the link alarm (the
# defect: one per indication, armed until the port's data is gone) runs
# on that freed data. In a sanitized build (devtools/test.sh --sanitize,
# rte_malloc poisons what it frees) that is a heap-use-after-free report,
# which fails the test; in a plain build it goes unseen. The storm lasts
# from before stop to after close, five times; the port is detached and
# attached again without it. testpmd must hear link events (stop reads
# them while the port is open), survive and end cleanly. With the
# defect, sanitized, the report came in 1 run of 3: it needs an alarm
# armed late in close and run after it.
#
# EAL's interrupt thread runs the alarms. While the port closes it is
# SCHED_IDLE: it gets a CPU only when nothing else on it wants one, as on
# a busy machine, so an alarm armed during close runs after close returned.
. "$(dirname "$0")/../lib/testpmd.sh"

cycles=5
tp_start -- -- -i
pid=$(host_ctl stats | awk '/^guest present/ { print $4 }')
tid=$(grep -lxE 'eal-intr-thread|dpdk-intr' /proc/"$pid"/task/*/comm | cut -d/ -f5)
[ -n "$tid" ] || fail "no EAL interrupt thread (eal-intr-thread, dpdk-intr from 23.11) in testpmd ($pid)"
dev=$(tp_device_name)
# storm: arm link-storm (hv-host ends it when the guest goes away, and
# takes it once RNDIS is up again).
storm() {
	for _ in $(seq 50); do
		host_ctl fault link-storm >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "hv-host refused link-storm"
}
for ((c = 1; c <= cycles; c++)); do
	storm
	sleep 0.2
	tp_cmd port stop all
	# The alarms stop armed run now.
	sleep 0.2
	chrt --idle -p 0 "$tid" || fail "cannot make the EAL interrupt thread SCHED_IDLE"
	tp_cmd port close 0
	chrt --other -p 0 "$tid"
	host_ctl fault calm >/dev/null
	# An alarm armed during close runs within microseconds: give it time.
	sleep 0.2
	tp_cmd device detach "$dev"
	m=$(tp_mark)
	tp_cmd_until "$m" "is attached" port attach "$dev"
	tp_cmd port start all
done
expect_ge "link events the application heard" \
	"$(tp_count 'link state change event')" "$cycles"
tp_quit
expect "testpmd exit status" "$tp_rc" 0
finish
