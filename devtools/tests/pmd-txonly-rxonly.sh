#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Usage: pmd-txonly-rxonly.sh txonly|rxonly SIZE
#
# txonly: testpmd sends SIZE-byte frames into hv-host's sink backend.
# rxonly: hv-host's source backend sends SIZE-byte frames to testpmd.
# Frames above 1514 bytes first raise the MTU (port config mtu, which our
# PMD applies by negotiating NVSP again) and travel as multi-segment mbufs.
# After the port stops, testpmd's packet and byte counters must equal
# hv-host's exactly, and no mbuf may stay in use.

set -u
. "$(dirname "$0")/pmd-lib.sh"

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
	pmd_cmd port stop all
	pmd_cmd port config mtu 0 9000
	pmd_cmd port config 0 rx_offload scatter on
	pmd_cmd port start all
	m=$(pmd_mark)
	pmd_cmd_until "$m" "MTU:" show port info 0
	pmd_expect "MTU after port config mtu" \
		"$(pmd_since "$m" | awk '/^MTU:/ { print $2 }')" 9000
}

case "$mode" in
txonly)
	pmd_start --backend sink -- -- -i
	jumbo
	pmd_cmd set fwd txonly
	pmd_cmd set txpkts "$segs"
	;;
rxonly)
	host_mtu=()
	[ "$size" -gt 1514 ] && host_mtu=(--mtu 9000)
	pmd_start --backend "source:$size" "${host_mtu[@]}" -- -- -i
	jumbo
	pmd_cmd set fwd rxonly
	;;
*)
	echo "unknown mode $mode"
	exit 2
	;;
esac
# Baseline with the port stopped: a started port may hold staged frames.
pmd_cmd port stop all
before=$(pmd_mbufs_in_use)
pmd_cmd port start all
pmd_cmd start
sleep 2
pmd_cmd stop
pmd_cmd port stop all
m=$(pmd_mark)
pmd_stats
rx=$(pmd_port_stat "$m" RX-packets)
tx=$(pmd_port_stat "$m" TX-packets)
rxb=$(pmd_port_stat "$m" RX-bytes)
txb=$(pmd_port_stat "$m" TX-bytes)
errs=$(( $(pmd_port_stat "$m" RX-errors) + $(pmd_port_stat "$m" TX-errors) ))
after=$(pmd_mbufs_in_use)
pmd_quit

pmd_expect "testpmd exit status" "$pmd_rc" 0
if [ "$mode" = txonly ]; then
	pmd_expect_ge "frames sent" "$tx" 10000
	pmd_expect "TX-packets = frames hv-host took" "$tx" \
		"$(pmd_host_stat tx_frames)"
	pmd_expect "TX-bytes = bytes hv-host took" "$txb" \
		"$(pmd_host_stat tx_bytes)"
	pmd_expect "TX-bytes = TX-packets x $size" "$txb" $((tx * size))
else
	pmd_expect_ge "frames received" "$rx" 10000
	pmd_expect "RX-packets = frames hv-host delivered" "$rx" \
		"$(pmd_host_stat rx_frames)"
	pmd_expect "RX-bytes = bytes hv-host delivered" "$rxb" \
		"$(pmd_host_stat rx_bytes)"
	pmd_expect "RX-bytes = RX-packets x $size" "$rxb" $((rx * size))
fi
pmd_expect "errors" "$errs" 0
pmd_expect "mbufs in use after port stop" "$after" "$before"
pmd_done
