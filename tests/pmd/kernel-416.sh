#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# --kernel 4.16 (no per-channel ring files): the netvsc PMD falls back to a
# single queue, says so (upstream: "VMBus max channels 1"), and still
# forwards.
. "$(dirname "$0")/../lib/guest.sh"

need_guest
host_start --kernel 4.16 --channels 4
out=$hvn_work/guest.out
guest_run "$guest" --log-level=pmd.net.netvsc.*:debug -- --mode io \
	--frames 200000 --seconds 30 >"$out" 2>&1 || fail "guest failed: $(tail -5 "$out")"
grep -E 'max channels|max_rx_queues' "$out"
grep -q 'max_rx_queues 1 ' "$out" || fail "more than one queue offered"
# Upstream says "VMBus max channels 1"; ours words it its own way.
grep -qiE 'max channels 1|single queue|one queue' "$out" || fail "PMD did not say why"
rx=$(awk '/^hv-guest: total/ { print $4 }' "$out")
[ "$rx" -ge 200000 ] || fail "forwarded only $rx"
[ "$(host_stat total tx_frames)" = "$(host_stat total rx_frames)" ] || fail "loopback counts differ"
ok "single queue on the 4.16 surface, $rx frames forwarded"
