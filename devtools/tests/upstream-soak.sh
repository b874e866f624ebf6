#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Soak (suite slow): twenty guests in a row on one hv-host, each killed
# (SIGKILL) in the middle of 4-queue io traffic, then one that runs to the
# end: it still forwards with equal counters, and hv-host's memory and
# open files did not grow with the guests.
. "$(dirname "$0")/emu-lib.sh"

guest=$(hv_guest_bin "${HV_GUEST_FLAVOUR:-upstream}") || exit 77
hv_need_guest_env
hv_start_host --channels 4
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$hv_host_pid/status"; }
fds() { ls "/proc/$hv_host_pid/fd" | wc -l; }
for i in $(seq 20); do
	hv_guest "$guest" -- --mode io --queues 4 --seconds 60 \
		>"$hv_tmp/g.out" 2>&1 &
	g=$!
	hv_guest_pids+=($g)
	before=$(hv_stat total rx_frames)
	for _ in $(seq 200); do
		[ "$(hv_stat total rx_frames)" -gt $((before + 5000)) ] && break
		sleep 0.05
	done
	victim=$(hv_ctl stats | awk '/^guest present/ { print $4 }')
	[ -n "$victim" ] || hv_fail "cycle $i: guest never came up: $(tail -3 "$hv_tmp/g.out")"
	kill -KILL "$victim"
	wait "$g" 2>/dev/null
	for _ in $(seq 100); do
		hv_ctl stats | grep -q '^guest absent' && break
		sleep 0.05
	done
	hv_host_alive || hv_fail "cycle $i: hv-host died"
	[ $i = 1 ] && { rss1=$(rss); fds1=$(fds); }
done
rss2=$(rss)
fds2=$(fds)
echo "hv-host VmRSS after guest 1: ${rss1} kB, after guest 20: ${rss2} kB; fds ${fds1} -> ${fds2}"
[ "$fds2" -le "$fds1" ] || hv_fail "file descriptors grew from $fds1 to $fds2"
[ "$rss2" -le $((rss1 + 16384)) ] || hv_fail "memory grew by more than 16 MiB"
t0=$(hv_stat total tx_frames)
r0=$(hv_stat total rx_frames)
hv_guest "$guest" -- --mode io --queues 4 --frames 200000 --seconds 60 \
	>"$hv_tmp/g.out" 2>&1 || hv_fail "last guest failed"
g_tx=$(awk '/^hv-guest: total/ { print $6 }' "$hv_tmp/g.out")
[ $(( $(hv_stat total tx_frames) - t0 )) = "$g_tx" ] || hv_fail "last guest: counts differ"
[ $(( $(hv_stat total rx_frames) - r0 )) = "$g_tx" ] || hv_fail "last guest: loopback counts differ"
hv_ctl stats | grep -q 'guests 21$' || hv_fail "hv-host did not count 21 guests"
hv_ok "20 killed guests, then a clean run of $g_tx frames"
