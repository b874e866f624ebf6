#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Transmit offloads of our PMD through hv-host's loopback, driven by
# hv-guest's offload mode (app/hv-host/hv_guest.c, built against our DPDK):
# per round one UDP frame with IPv4 and UDP checksum offload, one with
# VLAN insertion as well, and one 4000-byte TCP frame with TSO (MSS 1000).
# Every frame must come back with right checksums and good RX checksum
# flags, the VLAN tag as stripped metadata, and the TSO frame as four
# segments of at most 1000 payload bytes carrying 4000 bytes in all.

set -u
. "$(dirname "$0")/pmd-lib.sh"

rounds=100
out=$pmd_work/guest.out
"$top/devtools/hv-testpmd.sh" --guest --backend loopback -- --mode offload \
	--frames "$rounds" --seconds 20 >"$out" 2>&1 </dev/null
rc=$?
grep -q "not built" "$out" && pmd_skip "$(head -1 "$out")"
line=$(grep '^hv-guest: offload' "$out")
echo "$line"
val() {
	echo "$line" | awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'
}

pmd_expect "hv-guest exit status" "$rc" 0
pmd_expect "rounds sent" "$(val rounds)" "$rounds"
pmd_expect "frames back (1 + 1 + 4 per round)" "$(val received)" $((rounds * 6))
pmd_expect "checksums right" "$(val checksums_right)" $((rounds * 6))
pmd_expect "RX checksum flags good" "$(val rx_flags_good)" $((rounds * 6))
pmd_expect "VLAN tags back as metadata" "$(val vlan_ok)" "$rounds"
pmd_expect "TSO segments" "$(val tso_segments)" $((rounds * 4))
pmd_expect "TSO payload bytes" "$(val tso_payload)" $((rounds * 4000))
pmd_expect "bad frames" "$(val bad)" 0
pmd_expect "hv-host protocol errors" \
	"$(awk '/^protocol_errors/ { print $2 }' "$out")" 0
pmd_done
