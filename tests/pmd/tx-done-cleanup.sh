#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# rte_eth_tx_done_cleanup on our PMD, driven by hv-guest's txcleanup mode
# over hv-host's sink: 300 frames are sent without ever polling receive,
# then freed by tx_done_cleanup, first with free_cnt 16, then with 0
# ("all").
# - 1000-byte frames leave as page lists (ours with tx_copybreak=512,
#   upstream's threshold: by default ours copies every frame that fits a
#   section) and their mbufs stay in use until the host completes them:
#   all 300 are held after sending, the first call frees 1..16 of them
#   and returns exactly what it freed, the unlimited calls free the rest,
#   a last call finds nothing, and the mempool's in-use count is back
#   where it started.
# - 200-byte frames are copied into send-buffer sections and freed at
#   once: none is held, the calls return no more than asked and the pool
#   ends where it started.
# hv-host's sink must have taken every frame.
#
# HVNET_PMD=upstream runs the same with the upstream PMD (hv-guest-upstream).

. "$(dirname "$0")/../lib/hvnet.sh"

frames=300
eal=()
[ "$HVNET_PMD" = ours ] && eal=(-a nic0,tx_copybreak=512 --)

for size in 1000 200; do
	out=$hvn_work/guest-$size.out
	"$hvn_top/devtools/hv-testpmd.sh" "${hvn_upstream_flag[@]}" --guest --backend sink -- \
		"${eal[@]}" --mode txcleanup --frames "$frames" --size "$size" \
		>"$out" 2>&1 </dev/null
	rc=$?
	grep -q "not built" "$out" && skip "$(head -1 "$out")"
	line=$(grep '^hv-guest: txcleanup' "$out")
	echo "$size bytes: $line"
	val() {
		echo "$line" | awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'
	}
	first=$(val first_ret)
	expect "$size: hv-guest exit status" "$rc" 0
	expect "$size: frames sent" "$(val sent)" "$frames"
	expect "$size: frames the sink took" \
		"$(stats_value total tx_frames <"$out")" "$frames"
	if [ -n "$first" ] && [ "$first" -ge 0 ] && [ "$first" -le 16 ]; then
		echo "ok: $size: first call (free_cnt 16) returned $first"
	else
		fail_soft "$size: first call (free_cnt 16) returned '$first'"
	fi
	expect "$size: negative returns" "$(val negative)" 0
	expect "$size: mbufs in use at the end" "$(val in_use_end)" \
		"$(val base)"
	if [ "$size" = 1000 ]; then
		expect "$size: mbufs held until completion" "$(val held)" \
			"$frames"
		expect_ge "$size: first call freed some" "$first" 1
		expect "$size: first call returned what it freed" \
			"$(val first_freed)" "$first"
		expect "$size: unlimited calls returned the rest" \
			"$(val rest_ret)" $((frames - first))
		expect "$size: unlimited calls freed the rest" \
			"$(val rest_freed)" $((frames - first))
		expect "$size: a last call finds nothing" "$(val last_ret)" 0
	else
		expect "$size: mbufs held after the copy" "$(val held)" 0
		expect "$size: mbufs the first call freed" \
			"$(val first_freed)" 0
	fi
	expect "$size: hv-host protocol errors" \
		"$(awk '/^protocol_errors/ { print $2 }' "$out")" 0
done
finish
