#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# No link alarm after close (issue 12, finding 6). hv-host's fault
# link-storm keeps link indications coming, each a change, so that the
# primary ring holds some, unread, when the port closes: close reads them
# as it tears the port down (RNDIS halt and NVSP detach wait on the ring;
# a host may well have written indications before it saw the halt). Close
# returns into ethdev, which frees the port's private data at once; an
# alarm armed by such an indication after close cancelled the link alarm
# (the defect) runs on that freed data.
#
# EAL's interrupt thread runs the alarms. While the port closes it is held
# (stopped by ptrace, as a thread of a busy machine waits for a CPU), and
# let go once close has returned: an alarm armed during close then runs
# after the port's data is gone, every time. In a sanitized build
# (devtools/test.sh --sanitize, rte_malloc poisons what it frees) that is
# a heap-use-after-free report; in a plain one rte_free clears what it
# frees, so the alarm takes the port for open and hands ethdev a null
# device: testpmd crashes. (Left to the scheduler, with the thread only
# made SCHED_IDLE, the alarm ran in time in 7 runs of 8.) Five cycles;
# the port is detached and attached again without the storm. testpmd
# must hear link events (stop reads them while the port is open), survive
# and end cleanly.
. "$(dirname "$0")/../lib/testpmd.sh"

# With the defect testpmd dies between two commands: the next one written
# to it must end the test with its output shown, not by SIGPIPE.
trap 'fail "testpmd is gone"' PIPE
cycles=5
tp_start -- -- -i
tp_intr_find
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
	# The alarms stop armed run now; nothing reads the ring until close.
	sleep 0.2
	tp_intr_hold
	tp_cmd port close 0
	tp_intr_release
	host_ctl fault calm >/dev/null
	# An alarm armed during close runs now, on what close freed.
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
