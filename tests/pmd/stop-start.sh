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
tp_baseline
before=$tp_in_use_before
dead=0
for ((c = 0; c < cycles; c++)); do
	tp_counts
	rx0=$tp_rx
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
	# The forward statistics of this run: it must have received frames.
	tp_stop_fwd
	[ "${tp_fwd_rx:-0}" -gt 0 ] || dead=$((dead + 1))
	tp_cmd port stop all
	tp_cmd port start all
done
tp_cmd port stop all
after=$(tp_mbufs_in_use)
tp_counts
tp_quit

expect "testpmd exit status" "$tp_rc" 0
expect "cycles that forwarded nothing" "$dead" 0
expect "mbufs in use after $cycles stop/start cycles" "$after" "$before"
expect "errors" $((tp_rx_errors + tp_tx_errors)) 0
expect "TX-packets = frames hv-host took" "$tp_tx" \
	"$(tp_host_stat total tx_frames)"
expect "RX-packets = frames hv-host delivered" "$tp_rx" \
	"$(tp_host_stat total rx_frames)"
finish
