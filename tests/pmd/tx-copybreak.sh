#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# The path a full-sized frame takes. testpmd sends 1514-byte frames
# (txonly) into hv-host's sink: by default every frame that fits a
# send-buffer section is copied into one, several per section, as Linux
# netvsc and FreeBSD hn send them, so no page list is sent; attached
# again with tx_copybreak=512 (upstream's threshold) the same frames
# leave as page lists, one VMBus packet each.
. "$(dirname "$0")/../lib/testpmd.sh"

[ "$HVNET_PMD" = ours ] || skip "upstream has no per-path transmit counters"

# send_some: txonly until hv-host's sink took another 2000 frames.
send_some() {
	local a

	a=$(host_stat total tx_frames)
	tp_cmd start
	for _ in $(seq 200); do
		[ "$(host_stat total tx_frames)" -gt $((a + 2000)) ] && break
		sleep 0.05
	done
	tp_cmd stop
	expect_ge "frames the sink took" "$(host_stat total tx_frames)" \
		$((a + 2000))
}

tp_start --backend sink -- -- -i
tp_cmd set fwd txonly
tp_cmd set txpkts 1514
send_some
agg=$(tp_xstat tx_q0_aggregated_sends)
expect "page-list sends of 1514-byte frames (default)" \
	"$(tp_xstat tx_q0_page_list_sends)" 0
expect_ge "send-buffer sends of 1514-byte frames (default)" "$agg" 1
tx=$(tp_xstat tx_q0_good_packets)
check "several frames per send-buffer section" \
	"$(awk -v t="$tx" -v a="$agg" 'BEGIN { print (a > 0 && t >= 2 * a) }')" \
	"$tx frames in $agg sends"

tp_reattach tx_copybreak=512
tp_cmd port stop all
tp_cmd port start all
send_some
expect "send-buffer sends of 1514-byte frames (tx_copybreak=512)" \
	"$(tp_xstat tx_q0_aggregated_sends)" 0
expect_ge "page-list sends of 1514-byte frames (tx_copybreak=512)" \
	"$(tp_xstat tx_q0_page_list_sends)" 2000
finish
