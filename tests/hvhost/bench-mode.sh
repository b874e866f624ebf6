#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# The guest-less microbenchmark runs both directions to completion without
# protocol errors (no timing is asserted: speed belongs to the figure it
# prints, see doc/guides/tools/hv-host.rst).
. "$(dirname "$0")/../lib/guest.sh"

for m in sink source; do
	for sz in 64 1514; do
		out=$("$host_bin" --bench $m --bench-size $sz --bench-frames 200000 2>&1) ||
			fail "bench $m $sz: $out"
		echo "$out" | grep '^bench'
		echo "$out" | grep -q "protocol errors 0$" || fail "bench $m $sz had protocol errors"
		n=$(echo "$out" | awk '/^bench/ { print $3 }')
		[ "$n" -ge 200000 ] || fail "bench $m $sz moved $n frames"
	done
done
ok "benchmark paths"
