#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# rte_eth_tx_done_cleanup on our PMD, driven by hv-guest's txcleanup mode
# over hv-host's sink: 300 frames are sent without ever polling receive,
# then freed by tx_done_cleanup, first with free_cnt 16, then with 0
# ("all").
# - 1000-byte frames leave as page lists and their mbufs stay in use until
#   the host completes them: all 300 are held after sending, the first
#   call frees 1..16 of them and returns exactly what it freed, the
#   unlimited calls free the rest, a last call finds nothing, and the
#   mempool's in-use count is back where it started.
# - 200-byte frames are copied into send-buffer sections and freed at
#   once: none is held, the calls return no more than asked and the pool
#   ends where it started.
# hv-host's sink must have taken every frame.
#
# PMD_UPSTREAM=1 runs the same with the upstream PMD (hv-guest-upstream).

set -u
. "$(dirname "$0")/pmd-lib.sh"

frames=300
up=()
[ "${PMD_UPSTREAM:-0}" = 1 ] && up=(--upstream)

for size in 1000 200; do
	out=$pmd_work/guest-$size.out
	"$top/devtools/hv-testpmd.sh" "${up[@]}" --guest --backend sink -- \
		--mode txcleanup --frames "$frames" --size "$size" \
		>"$out" 2>&1 </dev/null
	rc=$?
	grep -q "not built" "$out" && pmd_skip "$(head -1 "$out")"
	line=$(grep '^hv-guest: txcleanup' "$out")
	echo "$size bytes: $line"
	val() {
		echo "$line" | awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }'
	}
	first=$(val first_ret)
	pmd_expect "$size: hv-guest exit status" "$rc" 0
	pmd_expect "$size: frames sent" "$(val sent)" "$frames"
	pmd_expect "$size: frames the sink took" \
		"$(pmd_out=$out pmd_host_stat tx_frames)" "$frames"
	if [ -n "$first" ] && [ "$first" -ge 0 ] && [ "$first" -le 16 ]; then
		echo "ok: $size: first call (free_cnt 16) returned $first"
	else
		echo "FAIL: $size: first call (free_cnt 16) returned '$first'"
		pmd_fails=$((pmd_fails + 1))
	fi
	pmd_expect "$size: negative returns" "$(val negative)" 0
	pmd_expect "$size: mbufs in use at the end" "$(val in_use_end)" \
		"$(val base)"
	if [ "$size" = 1000 ]; then
		pmd_expect "$size: mbufs held until completion" "$(val held)" \
			"$frames"
		pmd_expect_ge "$size: first call freed some" "$first" 1
		pmd_expect "$size: first call returned what it freed" \
			"$(val first_freed)" "$first"
		pmd_expect "$size: unlimited calls returned the rest" \
			"$(val rest_ret)" $((frames - first))
		pmd_expect "$size: unlimited calls freed the rest" \
			"$(val rest_freed)" $((frames - first))
		pmd_expect "$size: a last call finds nothing" "$(val last_ret)" 0
	else
		pmd_expect "$size: mbufs held after the copy" "$(val held)" 0
		pmd_expect "$size: mbufs the first call freed" \
			"$(val first_freed)" 0
	fi
	pmd_expect "$size: hv-host protocol errors" \
		"$(awk '/^protocol_errors/ { print $2 }' "$out")" 0
done
pmd_done
