#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Cost of the VF indirection: cycles per packet of io forwarding
# (tests/vf/vf_fwd.c, the same loop for both PMDs: the forwarding
# thread's CPU time in TSC cycles per packet, so time the shared machine
# gave to others stays out) through the netvsc
# port with the VF stand-in as its active VF ("netvsc+vf"), against the
# stand-in port driven directly, without hv-host ("vf-direct"); for our
# PMD and, when the build has it (upstream_reference), the pristine
# upstream one. The stand-in runs in loop mode: its receive hands out
# full bursts of 64-byte frames and its transmit frees, with no system
# call, so what is left is the PMDs and ethdev. hv-host's backend is a
# sink: nothing arrives on the synthetic path, which the netvsc port
# still polls on every burst. The VF is hot-added after the port starts
# (vf-fwd --attach), the one order in which upstream takes it.
# Rounds alternate the cases in one invocation; the indirection is
# netvsc+vf minus vf-direct, same PMD, same run. Runs in which the VF
# port did not carry the frames (vf-share below 0.9) are left out.
#
# Usage: devtools/bench-vf.sh [--instructions] [rounds (3)] [seconds (3)]
# --instructions: one run per case under valgrind (callgrind, collecting
# only vf-fwd's forwarding loop) and instructions per packet instead of
# cycles: exact and repeatable, where cycles on a shared machine are not
# (instructions do not weigh a fence or a locked instruction, though).
# Environment: HVNET_BUILD (build dir), VF_FWD, VF_FWD_UPSTREAM (the
# two vf-fwd binaries), VF_PLUGIN (the stand-in).
# A benchmark: it prints numbers and never fails for being slow.

set -u
top=$(cd "$(dirname "$0")/.." && pwd)
instr=0
if [ "${1:-}" = --instructions ]; then
	instr=1
	shift
fi
rounds=${1:-3}
secs=${2:-3}
b=${HVNET_BUILD:-$top/build}
fwd=${VF_FWD:-$b/tests/vf-fwd}
fwd_up=${VF_FWD_UPSTREAM:-$b/tests/vf-fwd-upstream}
plugin=${VF_PLUGIN:-$b/app/vf-standin/librte_net_vfstandin.so}
mac=00:15:5d:0a:0b:0c
work=$(mktemp -d /tmp/bench-vf.XXXXXX)
plugin_dir=

for f in "$fwd" "$plugin" "$b/app/hv-host/hv-host"; do
	[ -e "$f" ] || { echo "bench-vf: missing $f" >&2; exit 77; }
done
"$top"/devtools/hugepages.sh >/dev/null || exit 77
cleanup() {
	[ -n "${BENCH_VF_KEEP:-}" ] || rm -rf "$work"
	[ -n "$plugin_dir" ] && rm -rf "$plugin_dir"
}
trap cleanup EXIT
# EAL loads no plugin below a world-writable folder.
plugin_dir=$(mktemp -d /run/bench-vf.XXXXXX) && chmod 0755 "$plugin_dir" &&
	cp "$plugin" "$plugin_dir/" || exit 77
plugin=$plugin_dir/$(basename "$plugin")
if [ $instr = 1 ]; then
	command -v valgrind >/dev/null || { echo "bench-vf: no valgrind"; exit 77; }
	rounds=1
fi

# The binary to run: vf-fwd itself, or a wrapper running it under
# callgrind into $work/cg.TAG.
fwd_bin() {
	local real=$1 tag=$2

	[ $instr = 1 ] || { echo "$real"; return; }
	cat >"$work/vg-$tag" <<-WRAP
	#!/bin/sh
	exec valgrind --tool=callgrind --toggle-collect=vff_forward \
		--callgrind-out-file="$work/cg.$tag" "$real" "\$@"
	WRAP
	chmod +x "$work/vg-$tag"
	echo "$work/vg-$tag"
}

pmds=ours
if [ -x "$fwd_up" ]; then
	pmds="ours upstream"
else
	echo "bench-vf: no $fwd_up (build with upstream_reference): ours only"
fi

# run_case PMD NAME: one run; prints "PMD NAME cycles packets vf-share".
run_case() {
	local pmd=$1 name=$2 log=$work/$1-$2.log bin=$fwd up=()
	local vdev="net_vfstandin0,mac=$mac,mode=loop"

	if [ "$pmd" = upstream ]; then
		bin=$fwd_up
		up=(--upstream)
	fi
	bin=$(fwd_bin "$bin" "$pmd-$name")
	if [ "$name" = netvsc+vf ]; then
		HVNET_TESTPMD=$bin HVNET_TESTPMD_UPSTREAM=$bin HVTP_CORES=0 \
			HVNET_BUILD=$b "$top/devtools/hv-testpmd.sh" "${up[@]}" \
			--backend sink --mac "$mac" --vf-mac "$mac" \
			--vf-delay-ms 100 -- -d "$plugin" -- --seconds "$secs" \
			--attach "$vdev" >"$log" 2>&1 </dev/null
	else
		"$bin" -l 0 --no-pci --file-prefix "hvbv$$" --huge-unlink \
			-d "$plugin" --vdev "$vdev" -- --seconds "$secs" \
			>"$log" 2>&1 </dev/null
	fi
	# The share of the frames the VF port carried: 1 through the VF.
	awk -v p="$pmd" -v n="$name" -v cg="$work/cg.$pmd-$name" -v i=$instr '
		BEGIN { while (i && (getline l < cg) > 0)
			if (l ~ /^summary:/) { split(l, f, " "); ir = f[2] } }
		/^cycles\/packet/ { c = $2; k = $4
			if (i) c = ir && k ? sprintf("%.1f", ir / k) : "none" }
		/^vf-port/ { v = $4 }
		END { s = 0
			if (k > 0) s = n == "vf-direct" ? 1 : v / k
			printf "%-8s %-10s %8s %12s %5.2f\n", p, n, c, k, s }' "$log"
}

unit=cycles
[ $instr = 1 ] && unit=instructions
echo "bench-vf: $rounds rounds, ${secs}s each, io forwarding of 64-byte frames, stand-in in loop mode"
echo "pmd      case       $unit/pkt      packets vf-share"
for ((r = 1; r <= rounds; r++)); do
	for p in $pmds; do
		run_case "$p" netvsc+vf
		run_case "$p" vf-direct
	done
done | tee "$work/all"
# Interference from the rest of a shared machine only adds cycles: the
# minimum of the rounds is the steadier figure, the median is printed too.
for p in $pmds; do
	for c in netvsc+vf vf-direct; do
		awk -v p="$p" -v c="$c" '$1 == p && $2 == c && $5 > 0.9 { print $3 }' \
			"$work/all" | sort -n | awk '{ a[NR] = $1 }
			END { if (NR) print a[1], a[int((NR + 1) / 2)]
				else print "none none" }' >"$work/sum-$p-$c"
	done
	read -r vf_min vf_med <"$work/sum-$p-netvsc+vf"
	read -r d_min d_med <"$work/sum-$p-vf-direct"
	awk -v p="$p" -v vm="$vf_min" -v vd="$vf_med" -v dm="$d_min" \
		-v dd="$d_med" -v u="$unit" 'BEGIN {
		printf "%-8s netvsc+vf min %s median %s, vf-direct min %s median %s %s/packet\n",
			p, vm, vd, dm, dd, u
		if (vm != "none" && dm != "none")
			printf "%-8s indirection: %+.1f %s/packet (minima), %+.1f (medians)\n",
				p, vm - dm, u, vd - dd }'
done
