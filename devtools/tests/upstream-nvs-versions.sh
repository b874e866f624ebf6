#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Every NVSP version hv-host can cap at (1, 2, 4, 5, 6, 6.1): the PMD
# negotiates down to it, and forwards; multi-queue only from NVSP 5.
. "$(dirname "$0")/emu-lib.sh"

guest=$(hv_guest_bin "${HV_GUEST_FLAVOUR:-upstream}") || exit 77
hv_need_guest_env
for v in 1 2 4 5 6 6.1; do
	case $v in
	1) want=0x2 ;; 2) want=0x30002 ;; 4) want=0x40000 ;;
	5) want=0x50000 ;; 6) want=0x60000 ;; 6.1) want=0x60001 ;;
	esac
	q=1
	[ "${v%%.*}" -ge 5 ] && q=2
	hv_start_host --nvs-version $v
	out=$hv_tmp/guest.out
	# Capture the negotiated version while the guest is attached.
	hv_guest "$guest" -- --mode io --queues $q --frames 30000 --seconds 30 \
		>"$out" 2>&1 &
	hv_guest_pids+=($!)
	gpid=$!
	got=
	for _ in $(seq 100); do
		got=$(hv_ctl stats | awk '/^nvs_version/ { print $2 }')
		[ -n "$got" ] && [ "$got" != 0x0 ] && break
		sleep 0.05
	done
	wait "$gpid" || hv_fail "NVSP $v: guest failed: $(tail -5 "$out")"
	[ "$got" = "$want" ] || hv_fail "NVSP $v: negotiated $got, want $want"
	rx=$(awk '/^hv-guest: total/ { print $4 }' "$out")
	[ "$rx" -ge 30000 ] || hv_fail "NVSP $v: forwarded only $rx"
	if [ $q = 2 ]; then
		[ "$(hv_stat "chan 1" rx_frames)" -gt 0 ] || hv_fail "NVSP $v: no subchannel traffic"
	fi
	hv_ctl stats | grep -q '^protocol_errors 0$' || hv_fail "NVSP $v: protocol errors"
	hv_ok "NVSP $v ($want): $rx frames on $q queue(s)"
	kill -TERM "$hv_host_pid"; wait "$hv_host_pid"; hv_host_pid=
done
