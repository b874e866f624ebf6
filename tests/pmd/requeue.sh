#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Re-configuring the queue count (testpmd: port stop, 4 -> 2 queues, port
# start): the PMD asks for subchannels again; hv-host rescinds the old ones
# and offers fresh ones, so the port comes back with 2 queues.
. "$(dirname "$0")/../lib/testpmd.sh"

tp_start --channels 4 -- -- -i --rxq=4 --txq=4
tp_cmd port stop 0
tp_cmd port config all rxq 2
tp_cmd port config all txq 2
m=$(tp_mark)
tp_cmd port start 0
tp_port_info
out=$(tp_since "$m")
grep -qi "subchannel configuration failed" <<<"$out" &&
	fail "PMD could not open the new subchannels"
grep -q "Current number of RX queues: 2" <<<"$out" ||
	fail "port did not come back with 2 queues: $(grep -iE 'fail|queues' <<<"$out")"
grep -q "Link status: up" <<<"$out" || fail "link not up after restart"
expect "hv-host protocol errors" "$(host_stat protocol_errors protocol_errors)" 0
tp_quit
expect "testpmd exit status" "$tp_rc" 0
finish
