#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# io forwarding over hv-host's loopback backend with N queues (argument,
# default 1): at least 1,000,000 frames go round, testpmd's port counters
# equal hv-host's in both directions, and after the port stops the mbuf
# pool holds as many mbufs in use as before the start (no leak).

set -u
. "$(dirname "$0")/pmd-lib.sh"

q=${1:-1}
chans=$((q > 4 ? q : 4))

pmd_start --backend loopback --channels "$chans" -- -- -i \
	--rxq="$q" --txq="$q" --rss-ip
m=$(pmd_mark)
pmd_cmd_until "$m" "Link status" show port info 0
pmd_expect "link status from the host" \
	"$(pmd_since "$m" | awk '/^Link status:/ { print $3 }')" up
pmd_expect "MAC address from the host" \
	"$(pmd_since "$m" | awk '/^MAC address:/ { print $3 }')" \
	00:15:5D:00:00:01
# Baseline with the port stopped: a started port may hold staged frames.
pmd_cmd port stop all
before=$(pmd_mbufs_in_use)
pmd_cmd port start all
pmd_cmd start tx_first
pmd_wait_rx 1000000 120 || echo "note: 1,000,000 frames not reached in 120 s"
pmd_cmd stop
pmd_cmd port stop all
m=$(pmd_mark)
pmd_stats
rx=$(pmd_port_stat "$m" RX-packets)
tx=$(pmd_port_stat "$m" TX-packets)
rxerr=$(pmd_port_stat "$m" RX-errors)
after=$(pmd_mbufs_in_use)
pmd_quit

pmd_expect "testpmd exit status" "$pmd_rc" 0
pmd_expect_ge "frames received" "$rx" 1000000
pmd_expect "testpmd TX-packets = frames hv-host took" "$tx" \
	"$(pmd_host_stat tx_frames)"
pmd_expect "testpmd RX-packets = frames hv-host delivered" "$rx" \
	"$(pmd_host_stat rx_frames)"
pmd_expect "RX-errors" "$rxerr" 0
pmd_expect "mbufs in use after port stop" "$after" "$before"
pmd_done
