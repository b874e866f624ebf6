#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# io forwarding over hv-host's loopback backend with N queues (argument,
# default 1): at least 1,000,000 frames go round, testpmd's port counters
# equal hv-host's in both directions, and after the port stops the mbuf
# pool holds as many mbufs in use as before the start (no leak).

. "$(dirname "$0")/../lib/testpmd.sh"

q=${1:-1}
chans=$((q > 4 ? q : 4))

tp_start --backend loopback --channels "$chans" -- -- -i \
	--rxq="$q" --txq="$q" --rss-ip
m=$(tp_mark)
tp_cmd_until "$m" "Link status" show port info 0
expect "link status from the host" \
	"$(tp_since "$m" | awk '/^Link status:/ { print $3 }')" up
expect "MAC address from the host" \
	"$(tp_since "$m" | awk '/^MAC address:/ { print $3 }')" \
	00:15:5D:00:00:01
# Baseline with the port stopped: a started port may hold staged frames.
tp_cmd port stop all
before=$(tp_mbufs_in_use)
tp_cmd port start all
tp_cmd start tx_first
tp_wait_rx 1000000 120 || echo "note: 1,000,000 frames not reached in 120 s"
tp_cmd stop
tp_cmd port stop all
m=$(tp_mark)
tp_stats
rx=$(tp_port_stat "$m" RX-packets)
tx=$(tp_port_stat "$m" TX-packets)
rxerr=$(tp_port_stat "$m" RX-errors)
after=$(tp_mbufs_in_use)
tp_quit

expect "testpmd exit status" "$tp_rc" 0
expect_ge "frames received" "$rx" 1000000
expect "testpmd TX-packets = frames hv-host took" "$tx" \
	"$(tp_host_stat total tx_frames)"
expect "testpmd RX-packets = frames hv-host delivered" "$rx" \
	"$(tp_host_stat total rx_frames)"
expect "RX-errors" "$rxerr" 0
expect "mbufs in use after port stop" "$after" "$before"
finish
