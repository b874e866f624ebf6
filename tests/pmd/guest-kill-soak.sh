#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Soak (suite slow): twenty guests in a row on one hv-host, each killed
# (SIGKILL) in the middle of 4-queue io traffic, then one that runs to the
# end: it still forwards with equal counters, and hv-host's memory and
# open files did not grow with the guests.
. "$(dirname "$0")/../lib/guest.sh"

need_guest
host_start --channels 4
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$host_pid/status"; }
fds() { ls "/proc/$host_pid/fd" | wc -l; }
for i in $(seq 20); do
	guest_run "$guest" -- --mode io --queues 4 --seconds 60 \
		>"$hvn_work/g.out" 2>&1 &
	g=$!
	guest_bg $g
	before=$(host_stat total rx_frames)
	for _ in $(seq 200); do
		[ "$(host_stat total rx_frames)" -gt $((before + 5000)) ] && break
		sleep 0.05
	done
	guest_kill $g ||
		fail "cycle $i: guest never came up: $(tail -3 "$hvn_work/g.out")"
	host_alive || fail "cycle $i: hv-host died"
	[ $i = 1 ] && { rss1=$(rss); fds1=$(fds); }
done
rss2=$(rss)
fds2=$(fds)
echo "hv-host VmRSS after guest 1: ${rss1} kB, after guest 20: ${rss2} kB; fds ${fds1} -> ${fds2}"
[ "$fds2" -le "$fds1" ] || fail "file descriptors grew from $fds1 to $fds2"
[ "$rss2" -le $((rss1 + 16384)) ] || fail "memory grew by more than 16 MiB"
t0=$(host_stat total tx_frames)
r0=$(host_stat total rx_frames)
guest_run "$guest" -- --mode io --queues 4 --frames 200000 --seconds 60 \
	>"$hvn_work/g.out" 2>&1 || fail "last guest failed"
g_tx=$(awk '/^hv-guest: total/ { print $6 }' "$hvn_work/g.out")
[ $(( $(host_stat total tx_frames) - t0 )) = "$g_tx" ] || fail "last guest: counts differ"
[ $(( $(host_stat total rx_frames) - r0 )) = "$g_tx" ] || fail "last guest: loopback counts differ"
host_ctl stats | grep -q 'guests 21$' || fail "hv-host did not count 21 guests"
ok "20 killed guests, then a clean run of $g_tx frames"
