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

need_cmd python3
# With the defect testpmd dies between two commands: the next one written
# to it must end the test with its output shown, not by SIGPIPE.
trap 'fail "testpmd is gone"' PIPE
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

# Where the interrupt thread waits when it has nothing to do: its system
# call and first argument (epoll_wait on its own epoll descriptor).
intr_wait() {
	cut -d' ' -f1,2 /proc/"$pid"/task/"$tid"/syscall 2>/dev/null
}
idle=$(intr_wait)
for ((i = 0; i < 50; i++)); do
	sleep 0.1
	w=$(intr_wait)
	[ "$w" = "$idle" ] && [ "${w%% *}" -ge 0 ] 2>/dev/null && break
	idle=$w
done
[ "$i" -lt 50 ] ||
	fail "the EAL interrupt thread ($tid) never waits in one place (last '$idle')"

# hold: stop the interrupt thread alone (ptrace stops one thread, a signal
# the whole process) where it waits for work, not inside an alarm, which
# close's cancel would wait for; "release" lets it go.
hold_pid=
hold() {
	for _ in $(seq 20); do
		rm -f "$hvn_work/held"
		python3 - "$tid" "$hvn_work/held" <<-'EOF' &
		import ctypes, os, signal, sys
		tid, held = int(sys.argv[1]), sys.argv[2]
		signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
		libc = ctypes.CDLL(None, use_errno=True)
		libc.ptrace.restype = ctypes.c_long
		libc.ptrace.argtypes = [ctypes.c_long] * 2 + [ctypes.c_void_p] * 2
		def ptrace(req, what):
		    if libc.ptrace(req, tid, None, None) != 0:
		        sys.exit("cannot %s thread %d: %s" %
		                 (what, tid, os.strerror(ctypes.get_errno())))
		ptrace(0x4206, "seize")          # PTRACE_SEIZE
		ptrace(0x4207, "interrupt")      # PTRACE_INTERRUPT
		os.waitpid(tid, 0x40000000)      # __WALL: once it has stopped
		open(held, "w").close()
		signal.sigwait({signal.SIGTERM})
		ptrace(17, "detach")             # PTRACE_DETACH
		EOF
		hold_pid=$!
		for _ in $(seq 100); do
			[ -e "$hvn_work/held" ] && break
			kill -0 "$hold_pid" 2>/dev/null || break
			sleep 0.05
		done
		[ -e "$hvn_work/held" ] ||
			fail "cannot hold the EAL interrupt thread ($tid)"
		[ "$(intr_wait)" = "$idle" ] && return 0
		release
		sleep 0.1
	done
	fail "the EAL interrupt thread ($tid) was never found waiting ($idle)"
}
release() {
	[ -n "$hold_pid" ] || return 0
	kill -TERM "$hold_pid"
	wait "$hold_pid" ||
		fail_soft "the EAL interrupt thread was not let go cleanly"
	hold_pid=
}
at_exit release

for ((c = 1; c <= cycles; c++)); do
	storm
	sleep 0.2
	tp_cmd port stop all
	# The alarms stop armed run now; nothing reads the ring until close.
	sleep 0.2
	hold
	tp_cmd port close 0
	release
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
