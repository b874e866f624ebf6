#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# devtools/bench.sh end to end in its shortest form (one round of 1 s,
# one fwd case, the memory section): its tables and CSV files carry a
# number for each side. No speed is asserted: a benchmark, not a test.

. "$(dirname "$0")/../lib/guest.sh"

need_guest_env
[ -x "$(hvn_bin app/hv-guest/hv-guest-upstream)" ] ||
	skip "no upstream reference build"
out=$hvn_work/bench
log=$hvn_work/bench.log
hvn_show=$log
"$hvn_top/devtools/bench.sh" --rounds 1 --seconds 1 --case txonly-1q-64 \
	--section fwd --section mem --out "$out" >"$log" 2>&1
rc=$?
[ $rc = 77 ] && skip "bench.sh: prerequisite missing"
expect "bench.sh exit status" "$rc" 0
csv=$out/bench.csv
for side in ours upstream; do
	pps=$(awk -F, -v s="$side" '$1 == "fwd" && $2 == "txonly-1q-64" &&
		$3 == s { print $5 }' "$csv")
	expect_ge "$side txonly pps in the CSV" "${pps:-0}" 1
	busy=$(awk -F, -v s="$side" '$1 == "fwd" && $3 == s { print $7 }' "$csv")
	check "$side busy cycles/pkt in the CSV" \
		"$(awk -v b="${busy:-0}" 'BEGIN { print (b > 0) }')" "got '$busy'"
	for q in 1 8; do
		heap=$(awk -F, -v s="$side" -v c="port-${q}q" '$1 == "mem" &&
			$2 == c && $3 == s { sub(/.*heap=/, "", $8);
			sub(/;.*/, "", $8); print $8 }' "$csv")
		expect_ge "$side heap bytes of a ${q}-queue port" "${heap:-0}" 1
	done
done
rows=$(grep -cE '^txonly-1q-64 +[0-9]+ +[0-9]+ ' "$log")
expect "summary table lines of the case" "$rows" 1
sum=$(grep -c '^fwd,txonly-1q-64,' "$out/summary.csv")
expect "summary.csv rows of the case" "$sum" 2
finish
