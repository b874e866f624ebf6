#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Per-packet info both ways with the upstream PMD over loopback: frames
# asking for IP/UDP checksum, VLAN insertion and TSO (4000 bytes, MSS
# 1000) come back with right checksums and "checksum good" RX flags (RX
# checksum PPI), the VLAN tag as stripped metadata (RX VLAN PPI), and the
# super-frame as four segments.
. "$(dirname "$0")/../lib/guest.sh"

need_guest
host_start --backend loopback
out=$hvn_work/guest.out
guest_run "$guest" -- --mode offload --frames 50 --seconds 20 >"$out" 2>&1 ||
	fail "guest failed: $(tail -5 "$out")"
line=$(grep '^hv-guest: offload' "$out")
echo "$line"
field() { echo "$line" | awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'; }
[ "$(field rounds)" = 50 ] || fail "not all rounds sent"
[ "$(field received)" = 300 ] || fail "expected 300 frames back (50 x (1 + 1 + 4))"
[ "$(field checksums_right)" = 300 ] || fail "wrong checksums in returned frames"
[ "$(field rx_flags_good)" = 300 ] || fail "RX checksum flags not good"
[ "$(field vlan_ok)" = 50 ] || fail "VLAN tag not returned as metadata"
[ "$(field tso_segments)" = 200 ] || fail "TSO not cut into 4 segments each"
[ "$(field tso_payload)" = 200000 ] || fail "TSO payload bytes lost"
[ "$(field bad)" = 0 ] || fail "bad frames"
host_ctl stats | grep -q '^protocol_errors 0$' || fail "protocol errors"
ok "checksum, VLAN and LSO per-packet info both ways"
