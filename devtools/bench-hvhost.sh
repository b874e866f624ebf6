#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Guest-less microbenchmark of hv-host's backends on one core: frames/s
# that source can feed a guest (with Toeplitz steering and the RNDIS
# header the NIC model adds) and that sink and loopback can take.
# Usage: devtools/bench-hvhost.sh [SECONDS per case, default 2]
# Uses the bench-hvhost of $HVNET_BUILD (default build/) when built,
# otherwise compiles it into a temporary directory.

set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$top/devtools/env.sh"
secs=${1:-2}
bin=${HVNET_BUILD:-$top/build}/tests/bench-hvhost

if [ ! -x "$bin" ]; then
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	lib=$top/lib/hvhost
	cc -O2 -D_GNU_SOURCE -I"$lib" -o "$tmp/bench-hvhost" \
		"$top/tests/hvhost/bench_hvhost.c" "$lib"/hvh_backend*.c \
		"$lib/hvh_toeplitz.c" "$lib/hvh_log.c"
	bin=$tmp/bench-hvhost
fi

echo "bench-hvhost: one core ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')), ${secs}s per case"
# Pin to one CPU so the figure is per core.
exec taskset -c "$(cut -d- -f1 /sys/fs/cgroup/cpuset.cpus.effective 2>/dev/null || echo 0)" \
	"$bin" "$secs"
