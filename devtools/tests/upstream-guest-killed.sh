#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A guest killed (SIGKILL) in the middle of 4-queue traffic: hv-host notices
# the last /dev/uio0 close, resets the device (subchannels go), and a new
# guest comes up and forwards.
. "$(dirname "$0")/emu-lib.sh"

guest=$(hv_guest_bin "${HV_GUEST_FLAVOUR:-upstream}") || exit 77
hv_need_guest_env
hv_start_host --channels 4
out=$hv_tmp/guest1.out
hv_guest "$guest" -- --mode io --queues 4 --seconds 60 >"$out" 2>&1 &
g1=$!
hv_guest_pids+=($g1)
for _ in $(seq 100); do
	[ "$(hv_stat total rx_frames)" -gt 10000 ] 2>/dev/null && break
	sleep 0.1
done
[ "$(hv_stat total rx_frames)" -gt 10000 ] || hv_fail "first guest moved no traffic"
# The DPDK process itself (hv-host knows its pid), not the timeout wrapper.
victim=$(hv_ctl stats | awk '/^guest present/ { print $4 }')
[ -n "$victim" ] && [ "$victim" -gt 1 ] || hv_fail "hv-host does not know the guest"
kill -KILL "$victim"
wait "$g1" 2>/dev/null
for _ in $(seq 50); do
	hv_ctl stats | grep -q '^guest absent' && break
	sleep 0.1
done
hv_ctl stats | grep -q '^guest absent' || hv_fail "hv-host did not notice the guest's death"
hv_host_alive || hv_fail "hv-host died with its guest"
[ -e "$hv_root/sys/bus/vmbus/devices/$hv_uuid/channels/15" ] && hv_fail "subchannel left behind"
hv_ok "guest killed, device reset"

before=$(hv_stat total rx_frames)
out=$hv_tmp/guest2.out
hv_guest "$guest" -- --mode io --queues 4 --frames 100000 --seconds 30 >"$out" 2>&1 ||
	hv_fail "second guest failed: $(tail -5 "$out")"
rx=$(awk '/^hv-guest: total/ { print $4 }' "$out")
[ "$rx" -ge 100000 ] || hv_fail "second guest forwarded only $rx"
hv_ctl stats | grep -q 'guests 2$' || hv_fail "hv-host did not count two guests"
hv_host_alive || hv_fail "hv-host died"
hv_ok "second guest forwarded $rx frames (hv-host had delivered $before before)"
