#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Usage: pmd-stop-start.sh CYCLES [QUEUES]
#
# CYCLES times: io forwarding over hv-host's loopback, then port stop and
# port start. Every cycle must forward frames; at the end the mbuf pool
# holds as many mbufs in use as at the start, the port reports no errors,
# and testpmd's totals equal hv-host's.

. "$(dirname "$0")/../lib/testpmd.sh"

cycles=${1:-20}
q=${2:-2}

tp_start --backend loopback --channels 4 -- -- -i --rxq="$q" --txq="$q"
tp_cmd port stop all
before=$(tp_mbufs_in_use)
tp_cmd port start all
dead=0
for ((c = 0; c < cycles; c++)); do
	m=$(tp_mark)
	tp_stats
	rx0=$(tp_port_stat "$m" RX-packets)
	tp_cmd start tx_first
	# Forward until the port has received frames of this run; a
	# deadline of 3 s (not a fixed window) keeps a loaded machine from
	# passing for a dead port or the other way round.
	for ((i = 0; i < 60; i++)); do
		sleep 0.05
		m=$(tp_mark)
		tp_stats
		[ "$(tp_port_stat "$m" RX-packets)" -gt "$rx0" ] && break
	done
	m=$(tp_mark)
	tp_cmd_until "$m" "Accumulated forward statistics" stop
	# The forward statistics of this run: it must have received frames.
	n=$(tp_since "$m" | awk '/Accumulated forward statistics/ { on = 1 }
		on && /RX-packets:/ { print $2; exit }')
	[ "${n:-0}" -gt 0 ] || dead=$((dead + 1))
	tp_cmd port stop all
	tp_cmd port start all
done
tp_cmd port stop all
after=$(tp_mbufs_in_use)
m=$(tp_mark)
tp_stats
rx=$(tp_port_stat "$m" RX-packets)
tx=$(tp_port_stat "$m" TX-packets)
errs=$(( $(tp_port_stat "$m" RX-errors) + $(tp_port_stat "$m" TX-errors) ))
tp_quit

expect "testpmd exit status" "$tp_rc" 0
expect "cycles that forwarded nothing" "$dead" 0
expect "mbufs in use after $cycles stop/start cycles" "$after" "$before"
expect "errors" "$errs" 0
expect "TX-packets = frames hv-host took" "$tx" "$(tp_host_stat total tx_frames)"
expect "RX-packets = frames hv-host delivered" "$rx" \
	"$(tp_host_stat total rx_frames)"
finish
