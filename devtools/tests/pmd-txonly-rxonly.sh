#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Usage: pmd-txonly-rxonly.sh txonly|rxonly SIZE
#
# txonly: testpmd sends SIZE-byte frames into hv-host's sink backend.
# rxonly: hv-host's source backend sends SIZE-byte frames to testpmd.
# After the port stops, testpmd's packet and byte counters must equal
# hv-host's exactly, and no mbuf may stay in use.

set -u
. "$(dirname "$0")/pmd-lib.sh"

mode=${1:?txonly or rxonly}
size=${2:?frame size}

case "$mode" in
txonly)
	pmd_start --backend sink -- -- -i
	pmd_cmd set fwd txonly
	pmd_cmd set txpkts "$size"
	;;
rxonly)
	pmd_start --backend "source:$size" -- -- -i
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
