#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# RSS over 4 queues: frames of many flows (hv-host's source backend, 256
# UDP flows from as many IPv4 sources, 20,000 frames/s) reach every
# queue; after a RETA update that sends every entry to queue 2, only
# queue 2 receives.  The flows come from the host, not from testpmd's
# --txonly-multi-flow: that varies the IPv4 source up to 22.11 but the
# UDP source port from 23.11 on, which no hash type netvsc offers reads
# (UDP is hashed on the IPv4 2-tuple), so all its frames share a queue.

. "$(dirname "$0")/../lib/testpmd.sh"

per_queue() {
	local m=$1 q=$2

	tp_since "$m" | awk -v k="rx_q${q}_good_packets:" '
		$1 == k { v = $2 } END { print v + 0 }'
}

xstats() {
	tp_cmd_until "$(tp_mark)" rx_q3_good_packets show port xstats 0
}

tp_start --backend source:64:256:20000 --channels 4 -- -- -i --rxq=4 \
	--txq=4 --rss-ip
tp_cmd set fwd rxonly
tp_cmd start
sleep 2
tp_cmd stop
m=$(tp_mark)
xstats
total=0
for q in 0 1 2 3; do
	n=$(per_queue "$m" $q)
	total=$((total + n))
	expect_ge "queue $q receives with the default RETA" "$n" 100
done

# testpmd's command line is short: 8 entries per command.
for ((b = 0; b < 128; b += 8)); do
	reta=""
	for ((i = b; i < b + 8; i++)); do
		reta+="${reta:+,}($i,2)"
	done
	tp_cmd port config 0 rss reta "$reta"
done
m=$(tp_mark)
tp_cmd_until "$m" "hash index=127" show port 0 rss reta 128 \
	"(0xffffffffffffffff,0xffffffffffffffff)"
moved=$(tp_since "$m" | grep -c "queue=2")
expect "RETA entries reading back as queue 2" "$moved" 128
# Frames steered under the old table may wait in the rings: read them
# out first (a port stop drops them on our PMD, upstream's delivers them
# after the next start).
tp_cmd start
sleep 0.5
tp_cmd stop
tp_cmd clear port xstats 0
tp_cmd start
sleep 2
tp_cmd stop
m=$(tp_mark)
xstats
for q in 0 1 3; do
	expect "queue $q after the RETA moved all to queue 2" \
		"$(per_queue "$m" $q)" 0
done
expect_ge "queue 2 after the RETA update" "$(per_queue "$m" 2)" 1000
tp_quit
expect "testpmd exit status" "$tp_rc" 0
finish
