#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# An MTU given in rxmode.mtu at the first dev_configure (hv-guest --mtu,
# no rte_eth_dev_set_mtu): ethdev only records it, so the PMD must carry
# it to the host in a new session. hv-host (MTU 9000) sends 2000-byte
# frames, which it drops for a guest whose session says 1500.
. "$(dirname "$0")/../lib/guest.sh"

need_guest
host_start --mtu 9000 --backend source:2000:16:50000
guest_check -- --mode rxonly --mtu 3000 --seconds 1
grep '^hv-guest: \(mtu\|total\)' "$guest_log"
expect "port MTU" "$(awk '$2 == "mtu" { print $3 }' "$guest_log")" 3000
expect_ge "2000-byte frames received" \
	"$(awk '$2 == "total" { print $4 }' "$guest_log")" 1000
finish
