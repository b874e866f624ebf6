#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Every NVSP version hv-host can cap at (1, 2, 4, 5, 6, 6.1): the PMD
# negotiates down to it, and forwards; multi-queue only from NVSP 5.
. "$(dirname "$0")/../lib/guest.sh"

need_guest
for v in 1 2 4 5 6 6.1; do
	case $v in
	1) want=0x2 ;; 2) want=0x30002 ;; 4) want=0x40000 ;;
	5) want=0x50000 ;; 6) want=0x60000 ;; 6.1) want=0x60001 ;;
	esac
	q=1
	[ "${v%%.*}" -ge 5 ] && q=2
	host_start --nvs-version $v
	out=$hvn_work/guest.out
	# Capture the negotiated version while the guest is attached.
	guest_run "$guest" -- --mode io --queues $q --frames 30000 --seconds 30 \
		>"$out" 2>&1 &
	guest_bg $!
	gpid=$!
	got=
	for _ in $(seq 100); do
		got=$(host_ctl stats | awk '/^nvs_version/ { print $2 }')
		[ -n "$got" ] && [ "$got" != 0x0 ] && break
		sleep 0.05
	done
	wait "$gpid" || fail "NVSP $v: guest failed: $(tail -5 "$out")"
	[ "$got" = "$want" ] || fail "NVSP $v: negotiated $got, want $want"
	rx=$(awk '/^hv-guest: total/ { print $4 }' "$out")
	[ "$rx" -ge 30000 ] || fail "NVSP $v: forwarded only $rx"
	if [ $q = 2 ]; then
		[ "$(host_stat "chan 1" rx_frames)" -gt 0 ] || fail "NVSP $v: no subchannel traffic"
	fi
	host_ctl stats | grep -q '^protocol_errors 0$' || fail "NVSP $v: protocol errors"
	ok "NVSP $v ($want): $rx frames on $q queue(s)"
	host_stop
done
