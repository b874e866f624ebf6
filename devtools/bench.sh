#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Benchmark of our netvsc PMD against the pristine upstream one, both in
# testpmd over hv-host. A benchmark, not a test: it never fails for being
# slow. For each case (rxonly from the source backend, txonly into the sink
# backend, io over loopback; 64-byte frames; 1 and 2 queues) it runs ours
# and upstream's alternately (A B A B ...) and prints per case the median
# packets per second of each, the ratio ours/upstream, and the CPU cycles
# per packet testpmd measures with --record-core-cycles.
#
# Usage: devtools/bench.sh [--rounds N] [--seconds S] [--case NAME]...
#   --rounds N   runs of each PMD per case (default 3, at least 3)
#   --seconds S  measuring time of one run (default 4)
#   --case NAME  only this case (rxonly-1q, rxonly-2q, txonly-1q, ...)
# Environment: as devtools/hv-testpmd.sh (HVNET_TESTPMD,
# HVNET_TESTPMD_UPSTREAM, HVNET_HOST, HVNET_PRELOAD, HVNET_BUILD).

set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

rounds=3
seconds=4
only=()
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=$2; shift ;;
	--seconds) seconds=$2; shift ;;
	--case) only+=("$2"); shift ;;
	-h|--help) sed -n '3,18p' "$0"; exit 0 ;;
	*) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
[ "$rounds" -ge 3 ] || { echo "bench.sh: at least 3 rounds" >&2; exit 2; }

work=$(mktemp -d /tmp/hvnet-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

# name fwd-mode backend queues rate-field
cases=(
	"rxonly-1q rxonly source:64 1 Rx-pps"
	"rxonly-2q rxonly source:64 2 Rx-pps"
	"txonly-1q txonly sink 1 Tx-pps"
	"txonly-2q txonly sink 2 Tx-pps"
	"io-1q io loopback 1 Rx-pps"
	"io-2q io loopback 2 Rx-pps"
)

# One run: prints "<pps> <cycles-per-packet>" (0 when not measured).
run_one() {
	local pmd=$1 fwd=$2 backend=$3 q=$4 field=$5 out=$work/out
	local up=() start=start

	[ "$pmd" = upstream ] && up=(--upstream)
	[ "$fwd" = io ] && start="start tx_first"
	{
		sleep 3
		echo "set fwd $fwd"
		echo "$start"
		sleep 1
		echo "show port stats 0"
		sleep "$seconds"
		echo "show port stats 0"
		echo "stop"
		sleep 1
		echo "quit"
	} | "$top/devtools/hv-testpmd.sh" "${up[@]}" --backend "$backend" \
		--channels 4 -- -- -i --rxq="$q" --txq="$q" \
		--record-core-cycles >"$out" 2>&1
	awk -v f="$field:" '
		{ for (i = 1; i < NF; i++) if ($i == f) { n++; if (n == 2) pps = $(i + 1) } }
		/CPU cycles\/packet=/ {
			sub(/.*CPU cycles\/packet=/, ""); cyc = $1 + 0
		}
		END { printf "%d %.2f\n", pps + 0, cyc + 0 }' "$out"
}

median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print 0; exit }
		if (NR % 2) print v[(NR + 1) / 2]
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (b == 0) print "n/a"; else printf "%.2f\n", a / b }'
}

printf "%-10s %12s %12s %6s %10s %10s %6s\n" case ours-pps up-pps ratio \
	ours-cyc up-cyc ratio
for c in "${cases[@]}"; do
	set -- $c
	name=$1
	if [ ${#only[@]} -gt 0 ] && ! printf '%s\n' "${only[@]}" | grep -qx "$name"; then
		continue
	fi
	: >"$work/ours" && : >"$work/upstream"
	for ((r = 0; r < rounds; r++)); do
		for pmd in ours upstream; do
			run_one "$pmd" "$2" "$3" "$4" "$5" >>"$work/$pmd"
		done
	done
	op=$(awk '{ print $1 }' "$work/ours" | median)
	up=$(awk '{ print $1 }' "$work/upstream" | median)
	oc=$(awk '{ print $2 }' "$work/ours" | median)
	uc=$(awk '{ print $2 }' "$work/upstream" | median)
	printf "%-10s %12.0f %12.0f %6s %10.1f %10.1f %6s\n" "$name" "$op" "$up" \
		"$(ratio "$op" "$up")" "$oc" "$uc" "$(ratio "$oc" "$uc")"
	if [ -n "${BENCH_VERBOSE:-}" ]; then
		echo "  ours runs (pps cyc): $(tr '\n' ';' <"$work/ours")"
		echo "  upstream runs (pps cyc): $(tr '\n' ';' <"$work/upstream")"
	fi
done
