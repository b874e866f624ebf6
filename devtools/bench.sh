#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Benchmark of our netvsc PMD against the pristine upstream one over
# hv-host. A benchmark, not a test: it never fails for being slow. For each
# case (rxonly from the source backend, txonly into the sink backend, io
# over loopback; 64-byte frames; 1 and 2 queues) it runs ours and
# upstream's alternately (A B A B ...) and prints per case:
#   pps       median packets per second of each PMD and the ratio, measured
#             with hv-guest (app/hv-guest/hv_guest.c), the same application
#             built against each DPDK: testpmd 22.11 cannot forward on the
#             upstream PMD (its queues never report "started");
#   core-cyc  cycles of the polling core per packet in those runs
#             (TSC Hz x seconds / packets), both PMDs, and the ratio;
#   tp-cyc    our busy cycles per packet from testpmd --record-core-cycles
#             (upstream: n/a, for the reason above);
#   pair      the median over rounds of ours/upstream pps within a round:
#             on a shared machine the load drifts between rounds, and the
#             runs of one round see about the same load.
#
# Usage: devtools/bench.sh [--rounds N] [--seconds S] [--case NAME]...
#   --rounds N   runs of each PMD per case (default 3, at least 3)
#   --seconds S  measuring time of one run (default 4)
#   --case NAME  only this case (rxonly-1q, rxonly-2q, txonly-1q, ...)
# Environment: as devtools/hv-testpmd.sh (HVNET_TESTPMD,
# HVNET_TESTPMD_UPSTREAM, HVNET_HOST, HVNET_PRELOAD, HVNET_BUILD), plus
# HVNET_GUEST and HVNET_GUEST_UPSTREAM: the hv-guest binaries of each side,
# for comparing a build without the upstream reference against another
# build's hv-guest-upstream.

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
	-h|--help) sed -n '4,26p' "$0"; exit 0 ;;
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

hz=$(awk -F: '/^cpu MHz/ { printf "%.0f\n", $2 * 1000000; exit }' /proc/cpuinfo)

# One hv-guest run: prints "<pps> <core cycles per packet>".
run_guest() {
	local pmd=$1 fwd=$2 backend=$3 q=$4 out=$work/out n
	local up=() app=${HVNET_GUEST:-}

	if [ "$pmd" = upstream ]; then
		up=(--upstream)
		app=${HVNET_GUEST_UPSTREAM:-}
	fi
	HVTP_APP=$app "$top/devtools/hv-testpmd.sh" "${up[@]}" --guest \
		--backend "$backend" \
		--channels 4 -- --mode "$fwd" --queues "$q" --size 64 \
		--seconds "$seconds" >"$out" 2>&1 </dev/null
	if [ "$fwd" = txonly ]; then
		n=$(awk '/^hv-guest: total/ { print $6 }' "$out")
	else
		n=$(awk '/^hv-guest: total/ { print $4 }' "$out")
	fi
	awk -v n="${n:-0}" -v s="$seconds" -v hz="$hz" 'BEGIN {
		if (n == 0) { print "0 0"; exit }
		printf "%.0f %.1f\n", n / s, hz * s / n }'
}

# One testpmd run of our PMD: prints its busy cycles per packet.
run_testpmd() {
	local fwd=$1 backend=$2 q=$3 out=$work/out start=start

	[ "$fwd" = io ] && start="start tx_first"
	{
		sleep 3
		echo "set fwd $fwd"
		echo "$start"
		sleep "$seconds"
		echo "stop"
		sleep 1
		echo "quit"
	} | "$top/devtools/hv-testpmd.sh" --backend "$backend" \
		--channels 4 -- -- -i --rxq="$q" --txq="$q" \
		--record-core-cycles >"$out" 2>&1
	awk '/CPU cycles\/packet=/ {
			sub(/.*CPU cycles\/packet=/, ""); cyc = $1 + 0 }
		END { printf "%.1f\n", cyc + 0 }' "$out"
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

printf "%-10s %11s %11s %6s %9s %9s %6s %8s %8s %5s\n" case ours-pps \
	up-pps ratio ours-ccyc up-ccyc ratio ours-tp up-tp pair
for c in "${cases[@]}"; do
	set -- $c
	name=$1
	if [ ${#only[@]} -gt 0 ] && ! printf '%s\n' "${only[@]}" | grep -qx "$name"; then
		continue
	fi
	: >"$work/ours" && : >"$work/upstream" && : >"$work/tp"
	for ((r = 0; r < rounds; r++)); do
		for pmd in ours upstream; do
			run_guest "$pmd" "$2" "$3" "$4" >>"$work/$pmd"
		done
		run_testpmd "$2" "$3" "$4" >>"$work/tp"
	done
	op=$(awk '{ print $1 }' "$work/ours" | median)
	up=$(awk '{ print $1 }' "$work/upstream" | median)
	oc=$(awk '{ print $2 }' "$work/ours" | median)
	uc=$(awk '{ print $2 }' "$work/upstream" | median)
	tp=$(median <"$work/tp")
	pair=$(paste -d ' ' "$work/ours" "$work/upstream" | awk '{
		if ($3 > 0) print $1 / $3 }' | median)
	printf "%-10s %11.0f %11.0f %6s %9.1f %9.1f %6s %8.1f %8s %5.2f\n" \
		"$name" "$op" "$up" "$(ratio "$op" "$up")" "$oc" "$uc" \
		"$(ratio "$oc" "$uc")" "$tp" n/a "$pair"
	if [ -n "${BENCH_VERBOSE:-}" ]; then
		echo "  ours (pps ccyc): $(tr '\n' ';' <"$work/ours")"
		echo "  upstream (pps ccyc): $(tr '\n' ';' <"$work/upstream")"
		echo "  ours testpmd busy cyc: $(tr '\n' ';' <"$work/tp")"
	fi
done
