#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Usage: pmd-txonly-rxonly.sh txonly|rxonly SIZE
#
# txonly: testpmd sends SIZE-byte frames into hv-host's sink backend.
# rxonly: hv-host's source backend sends SIZE-byte frames to testpmd.
# Frames above 1514 bytes first raise the MTU (port config mtu, which our
# PMD applies by negotiating NVSP again) and travel as multi-segment mbufs.
# After the port stops, testpmd's packet and byte counters must equal
# hv-host's exactly, and no mbuf may stay in use.

. "$(dirname "$0")/../lib/testpmd.sh"

mode=${1:?txonly or rxonly}
size=${2:?frame size}

# Segments of at most 2000 bytes: they fit testpmd's default mbufs.
segs=$size
if [ "$size" -gt 2000 ]; then
	segs=""
	for ((left = size; left > 0; left -= 2000)); do
		segs+="${segs:+,}$((left > 2000 ? 2000 : left))"
	done
fi

jumbo() {
	[ "$size" -gt 1514 ] || return 0
	tp_cmd port stop all
	tp_cmd port config mtu 0 9000
	tp_cmd port config 0 rx_offload scatter on
	tp_cmd port start all
	m=$(tp_mark)
	tp_cmd_until "$m" "MTU:" show port info 0
	expect "MTU after port config mtu" \
		"$(tp_since "$m" | awk '/^MTU:/ { print $2 }')" 9000
}

case "$mode" in
txonly)
	tp_start --backend sink -- -- -i
	jumbo
	tp_cmd set fwd txonly
	tp_cmd set txpkts "$segs"
	;;
rxonly)
	host_mtu=()
	[ "$size" -gt 1514 ] && host_mtu=(--mtu 9000)
	tp_start --backend "source:$size" "${host_mtu[@]}" -- -- -i
	jumbo
	tp_cmd set fwd rxonly
	;;
*)
	echo "unknown mode $mode"
	exit 2
	;;
esac
tp_baseline
tp_cmd start
sleep 2
tp_stop_counts
after=$(tp_mbufs_in_use)
tp_quit

expect "testpmd exit status" "$tp_rc" 0
if [ "$mode" = txonly ]; then
	expect_ge "frames sent" "$tp_tx" 10000
	expect "TX-packets = frames hv-host took" "$tp_tx" \
		"$(tp_host_stat total tx_frames)"
	expect "TX-bytes = bytes hv-host took" "$tp_tx_bytes" \
		"$(tp_host_stat total tx_bytes)"
	expect "TX-bytes = TX-packets x $size" "$tp_tx_bytes" $((tp_tx * size))
else
	expect_ge "frames received" "$tp_rx" 10000
	expect "RX-packets = frames hv-host delivered" "$tp_rx" \
		"$(tp_host_stat total rx_frames)"
	expect "RX-bytes = bytes hv-host delivered" "$tp_rx_bytes" \
		"$(tp_host_stat total rx_bytes)"
	expect "RX-bytes = RX-packets x $size" "$tp_rx_bytes" $((tp_rx * size))
fi
expect "errors" $((tp_rx_errors + tp_tx_errors)) 0
expect "mbufs in use after port stop" "$after" "$tp_in_use_before"
finish
