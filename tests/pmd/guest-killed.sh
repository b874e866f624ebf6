#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# A guest killed (SIGKILL) in the middle of 4-queue traffic: hv-host notices
# the last /dev/uio0 close, resets the device (subchannels go), and a new
# guest comes up and forwards.
. "$(dirname "$0")/../lib/guest.sh"

need_guest
host_start --channels 4
out=$hvn_work/guest1.out
guest_run "$guest" -- --mode io --queues 4 --seconds 60 >"$out" 2>&1 &
g1=$!
guest_bg $g1
for _ in $(seq 100); do
	[ "$(host_stat total rx_frames)" -gt 10000 ] 2>/dev/null && break
	sleep 0.1
done
[ "$(host_stat total rx_frames)" -gt 10000 ] || fail "first guest moved no traffic"
guest_kill $g1 || fail "hv-host does not know the guest"
host_ctl stats | grep -q '^guest absent' || fail "hv-host did not notice the guest's death"
host_alive || fail "hv-host died with its guest"
[ -e "$host_root/sys/bus/vmbus/devices/$host_uuid/channels/15" ] && fail "subchannel left behind"
ok "guest killed, device reset"

before=$(host_stat total rx_frames)
out=$hvn_work/guest2.out
guest_run "$guest" -- --mode io --queues 4 --frames 100000 --seconds 30 >"$out" 2>&1 ||
	fail "second guest failed: $(tail -5 "$out")"
rx=$(awk '/^hv-guest: total/ { print $4 }' "$out")
[ "$rx" -ge 100000 ] || fail "second guest forwarded only $rx"
host_ctl stats | grep -q 'guests 2$' || fail "hv-host did not count two guests"
host_alive || fail "hv-host died"
ok "second guest forwarded $rx frames (hv-host had delivered $before before)"
