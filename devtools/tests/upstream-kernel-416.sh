#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# --kernel 4.16 (no per-channel ring files): the netvsc PMD falls back to a
# single queue, says so (upstream: "VMBus max channels 1"), and still
# forwards.
. "$(dirname "$0")/emu-lib.sh"

guest=$(hv_guest_bin "${HV_GUEST_FLAVOUR:-upstream}") || exit 77
hv_need_guest_env
hv_start_host --kernel 4.16 --channels 4
out=$hv_tmp/guest.out
hv_guest "$guest" --log-level=pmd.net.netvsc.*:debug -- --mode io \
	--frames 200000 --seconds 30 >"$out" 2>&1 || hv_fail "guest failed: $(tail -5 "$out")"
grep -E 'max channels|max_rx_queues' "$out"
grep -q 'max_rx_queues 1 ' "$out" || hv_fail "more than one queue offered"
# Upstream says "VMBus max channels 1"; ours words it its own way.
grep -qiE 'max channels 1|single queue|one queue' "$out" || hv_fail "PMD did not say why"
rx=$(awk '/^hv-guest: total/ { print $4 }' "$out")
[ "$rx" -ge 200000 ] || hv_fail "forwarded only $rx"
[ "$(hv_stat total tx_frames)" = "$(hv_stat total rx_frames)" ] || hv_fail "loopback counts differ"
hv_ok "single queue on the 4.16 surface, $rx frames forwarded"
