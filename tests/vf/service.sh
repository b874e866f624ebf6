#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Azure servicing, $1 times (default 5; the slow suite runs 100): hv-host's
# "vf service 1" withdraws the VF association, hot-removes the PCI VF,
# hot-adds it one second later and offers the association again.  The VF
# is a PCI device of the emulated machine (--vf-pci) that the stand-in,
# loaded as a plugin, drives; nothing on testpmd's command line or prompt
# names it.  Under continuous io traffic (ping every 50 ms and a paced
# UDP stream of $2 frames/s, default 2000, vf_reflect in tests/lib/vf.sh),
# every cycle must end on the VF without any action of the application.
# Extra hv-host options (--vf-pci-rotate, --vf-mac-delay-ms 3000,
# --vf-rename, or a second --vf-pci 0000:00:02.0,1414:00ba for MANA's id)
# follow the count and rate.  A first argument "surprise" makes each cycle
# a surprise removal instead ("vf remove", "vf add" a second later, the
# association left as it is).  Checks: the data path returns to the VF every cycle and the VF
# carries the traffic then, frames are lost only around transitions, the
# PMD attached the VF itself every time, in every cycle the blackout it
# counted (vf_blackout_total_ms) agrees within 100 ms with the outage the
# stream measured (vf_blackout_agree: the runs of lost frames by send
# time, less the CPU waits of the threads carrying them within the
# transitions; a silence without loss is the guest waiting for a CPU,
# not a path missing), and
# the guest's file descriptors and VmRSS do not grow over the cycles.

. "$(dirname "$0")/../lib/vf.sh"

surprise=0
[ "${1:-}" = surprise ] && { surprise=1; shift; }
cycles=${1:-5}
rate=${2:-2000}
shift 2 2>/dev/null || shift $#
host_extra=("$@")
pci=0000:00:02.0
at_exit "vf_stream_stop >/dev/null"

tp_need_forwarding vf/service-referee.sh
vf_prereq
vf_start --vf-pci "$pci" --vf-ifname "$vf_vtap" "${host_extra[@]}" \
	-- $(vf_eal) -- -i --total-num-mbufs=8192
vf_reflect
nv_port=$(vf_netvsc_port)
tp_cmd set fwd io
tp_cmd start
tp_wait_log "$vf_on_pat" 1 10 ||
	fail "the VF present at start never carried the data path"

# The guest: the dpdk-testpmd that runs below hv-testpmd.sh.
guest_tp_pid() {
	local p q

	for p in $(pgrep -x dpdk-testpmd); do
		q=$p
		while [ -n "$q" ] && [ "$q" -gt 1 ]; do
			[ "$q" = "$tp_pid" ] && { echo "$p"; return; }
			q=$(ps -o ppid= -p "$q" | tr -d ' ')
		done
	done
}
guest_fds() {
	ls "/proc/$(guest_tp_pid)/fd" 2>/dev/null | wc -l
}
guest_rss() {
	awk '/^VmRSS/ { print $2 }' "/proc/$(guest_tp_pid)/status"
}

# One cycle: servicing, or a surprise removal and the device back later.
cycle() {
	if [ "$surprise" = 1 ]; then
		host_ctl vf remove >/dev/null
		(sleep 1; host_ctl vf add >/dev/null) &
	else
		host_ctl vf service 1 >/dev/null
	fi
}

# One warm-up cycle: what a cycle allocates for good (the PCI bus's
# device entry, ethdev's port data) is there before the baseline.
cycle
tp_wait_log "$vf_on_pat" 2 20 || fail "warm-up cycle: no return to the VF"
sleep 1
fds0=$(guest_fds)
rss0=$(guest_rss)

# Through the cycles the VF's TAP keeps its carrier while it is up
# (vf_hold_carrier): a sample every 10 ms, found by its index (with
# --vf-rename hv-host takes it down, renames it and brings it up again),
# each sample without carrier noted.
ip netns exec "$vf_ns" python3 -c '
import socket, sys, time
i = socket.if_nametoindex(sys.argv[1])
while True:
	time.sleep(0.01)
	try:
		d = "/sys/class/net/" + socket.if_indextoname(i)
		if not int(open(d + "/flags").read(), 16) & 1:
			continue
		c = open(d + "/carrier").read().strip()
		s = open(d + "/brport/state").read().strip()
	except OSError:
		continue	# renamed or taken down between two reads
	if c != "1":
		print("%.3f carrier %s port state %s" % (time.time(), c, s),
		      flush=True)' "$vf_vtap" >"$hvn_work/vf-port" 2>&1 &
port_pid=$!
at_exit "kill $port_pid 2>/dev/null"

: >"$hvn_work/marks"
vf_ping_start
vf_stream_start "$rate"
sleep 1
on=2
for ((c = 1; c <= cycles; c++)); do
	vf_cycle_mark $c
	vf_mark
	cycle
	if ! tp_wait_log "$vf_off_pat" $on 10; then
		fail_soft "cycle $c: data path never left the VF"
		break
	fi
	on=$((on + 1))
	if ! tp_wait_log "$vf_on_pat" $on 20; then
		fail_soft "cycle $c: data path never returned to the VF"
		break
	fi
	vf_cycle_back
	vf_expect_carried $c
done
ok "$((c - 1)) cycles done"
kill "$port_pid"
head -3 "$hvn_work/vf-port"
expect "samples in which the VF's TAP was up without carrier" \
	"$(wc -l <"$hvn_work/vf-port")" 0
sleep 0.5
vf_cycle_mark end
vf_traffic_verdict $((cycles * 2 * 20)) transitions

# Our PMD's VF xstats (upstream's has none).
if [ "$HVNET_PMD" = ours ]; then
	tries=$(tp_xstat vf_attach_attempts "$nv_port")
	oks=$(tp_xstat vf_attach_successes "$nv_port")
	echo "attach attempts $tries, successes $oks; blackout longest" \
		"$(tp_xstat vf_blackout_longest_ms "$nv_port") ms," \
		"total $(tp_xstat vf_blackout_total_ms "$nv_port") ms"
	expect_ge "automatic attaches" "$oks" $((cycles + 1))
	vf_blackout_agree
fi

fds1=$(guest_fds)
rss1=$(guest_rss)
echo "guest fds $fds0 -> $fds1, VmRSS $rss0 -> $rss1 kB"
expect "file descriptors gained over the cycles" $((fds1 - fds0)) 0
# A page or so per cycle of allocator bookkeeping at most. Under ASan
# freed memory waits in its quarantine (up to 256 MiB) and RSS says
# nothing: LeakSanitizer looks for leaks when testpmd quits instead.
if hvn_asan; then
	ok "VmRSS not compared under ASan (LeakSanitizer checks at exit)"
else
	expect_ge "VmRSS not grown by 1 MiB" $((rss0 + 1024 - rss1)) 0
fi

vf_end "$nv_port"
