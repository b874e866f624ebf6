#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Transmit offloads of the PMD under test through hv-host's loopback,
# driven by hv-guest's offload mode (app/hv-guest/hv_guest_offload.c) with
# every frame kind it knows, per round one frame of each:
#   udp4  UDP/IPv4, IP and UDP checksum offload (100-byte payload)
#   vlan4 the same with VLAN insertion
#   tso4  TCP/IPv4 TSO, 4000 bytes, MSS 1000
#   tcp4  TCP/IPv4, IP and TCP checksum offload (300 bytes)
#   udp6  UDP/IPv6 checksum offload (100 bytes)
#   tcp6  TCP/IPv6 checksum offload (300 bytes)
#   tso6  TCP/IPv6 TSO (LSOv2 with the IPv6 bit), 4000 bytes, MSS 1000
#   vlan6 UDP/IPv6 checksum offload with VLAN insertion
# The guest only puts the pseudo-header sums in; every frame must come back
# with right checksums in its bytes and "good" RX flags, a VLAN tag as
# stripped metadata, and each TSO frame as four segments of at most 1000
# payload bytes at MSS-aligned sequence offsets, PSH on the last only,
# whose payload is byte-identical to what was sent.
#
# HVNET_PMD=upstream runs it on the upstream PMD (hv-guest-upstream).
#
# offloads.sh prepare: the guest leaves the checksum fields zero and
# calls rte_eth_tx_prepare, which must fill them (hv-host takes the LSO
# seed from the field, as Hyper-V does, so TSO segments come back with
# wrong checksums otherwise), and which must refuse a 64-segment frame and
# a TSO frame over the host's 62780-byte limit.

. "$(dirname "$0")/../lib/hvnet.sh"

rounds=100
prep=()
[ "${1:-}" = prepare ] && prep=(--prepare)
# inband: frames carrying their 802.1Q tag in their bytes, no VLAN insert
# asked; the host takes a tag only as per-packet info, so the PMD must
# move it there and the tag come back as metadata.
kinds=all
per_round=14
specs=("udp4 100 1 0" "vlan4 100 1 1" "tso4 4000 4 0" "tcp4 300 1 0"
	"udp6 100 1 0" "tcp6 300 1 0" "tso6 4000 4 0" "vlan6 100 1 1")
if [ "${1:-}" = inband ]; then
	kinds=vlan4band
	per_round=1
	specs=("vlan4band 100 1 1")
fi
out=$hvn_work/guest.out
"$hvn_top/devtools/hv-testpmd.sh" "${hvn_upstream_flag[@]}" --guest --backend loopback -- \
	--mode offload --offloads "$kinds" "${prep[@]}" --frames "$rounds" \
	--seconds 20 \
	>"$out" 2>&1 </dev/null
rc=$?
grep -q "not built" "$out" && skip "$(head -1 "$out")"
grep '^hv-guest: \(offload\|kind\|prepare\|tx_prepare\) ' "$out"

# val WORDS KEY: the value after KEY on the line "hv-guest: WORDS ...".
val() {
	grep "^hv-guest: $1 " "$out" | head -1 |
		awk -v k="$2" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'
}

expect "hv-guest exit status" "$rc" 0
if [ ${#prep[@]} -ne 0 ]; then
	expect "tx_prepare refused a frame of too many pages" \
		"$(val prepare refused_pages)" 1
	expect "tx_prepare refused a TSO frame over the host's limit" \
		"$(val prepare refused_tso_size)" 1
fi
expect "rounds sent" "$(val "offload rounds" rounds)" "$rounds"
expect "frames back ($per_round per round)" \
	"$(val "offload rounds" received)" $((rounds * per_round))
expect "bad or unknown frames" "$(val "offload rounds" bad)" 0

# kind payload-bytes frames-back-per-round vlan
for spec in "${specs[@]}"; do
	set -- $spec
	k=$1 bytes=$2 per=$3 vlan=$4
	expect "$k: frames the PMD took" "$(val "kind $k" sent)" "$rounds"
	expect "$k: frames back" "$(val "kind $k" back)" $((rounds * per))
	expect "$k: checksums right" \
		"$(val "kind $k" checksums_right)" $((rounds * per))
	expect "$k: RX checksum flags good" \
		"$(val "kind $k" rx_flags_good)" $((rounds * per))
	expect "$k: VLAN tags back as metadata" "$(val "kind $k" vlan_ok)" \
		$((rounds * vlan))
	if [ "$per" -gt 1 ]; then
		expect "$k: TSO segments" "$(val "kind $k" segments)" \
			$((rounds * per))
	fi
	expect "$k: payload bytes" "$(val "kind $k" payload)" \
		$((rounds * bytes))
	expect "$k: payload bytes as sent" \
		"$(val "kind $k" payload_same)" $((rounds * bytes))
	expect "$k: bad frames" "$(val "kind $k" bad)" 0
done
expect "hv-host protocol errors" \
	"$(awk '/^protocol_errors/ { print $2 }' "$out")" 0
finish
