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
expect "link status from the host" "$(tp_link)" up
expect "MAC address from the host" \
	"$(tp_since "$m" | awk '/^MAC address:/ { print $3 }')" \
	00:15:5D:00:00:01
tp_baseline
tp_cmd start tx_first
# Nothing at all after 10 s will not become a million: fail quickly.
tp_wait_rx 1 10 && tp_wait_rx 1000000 120 ||
	echo "note: 1,000,000 frames not reached in 120 s"
tp_stop_counts
after=$(tp_mbufs_in_use)
tp_quit

expect "testpmd exit status" "$tp_rc" 0
expect_ge "frames received" "$tp_rx" 1000000
expect "testpmd TX-packets = frames hv-host took" "$tp_tx" \
	"$(tp_host_stat total tx_frames)"
expect "testpmd RX-packets = frames hv-host delivered" "$tp_rx" \
	"$(tp_host_stat total rx_frames)"
expect "RX-errors" "$tp_rx_errors" 0
expect "mbufs in use after port stop" "$after" "$tp_in_use_before"
finish
