#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Usage: pmd-stop-start.sh CYCLES [QUEUES]
#
# CYCLES times: io forwarding over hv-host's loopback, then port stop and
# port start. Every cycle must forward frames; at the end the mbuf pool
# holds as many mbufs in use as at the start, the port reports no errors,
# and testpmd's totals equal hv-host's.

set -u
. "$(dirname "$0")/pmd-lib.sh"

cycles=${1:-20}
q=${2:-2}

pmd_start --backend loopback --channels 4 -- -- -i --rxq="$q" --txq="$q"
pmd_cmd port stop all
before=$(pmd_mbufs_in_use)
pmd_cmd port start all
dead=0
for ((c = 0; c < cycles; c++)); do
	m=$(pmd_mark)
	pmd_stats
	rx0=$(pmd_port_stat "$m" RX-packets)
	pmd_cmd start tx_first
	# Forward until the port has received frames of this run; a
	# deadline of 3 s (not a fixed window) keeps a loaded machine from
	# passing for a dead port or the other way round.
	for ((i = 0; i < 60; i++)); do
		sleep 0.05
		m=$(pmd_mark)
		pmd_stats
		[ "$(pmd_port_stat "$m" RX-packets)" -gt "$rx0" ] && break
	done
	m=$(pmd_mark)
	pmd_cmd_until "$m" "Accumulated forward statistics" stop
	# The forward statistics of this run: it must have received frames.
	n=$(pmd_since "$m" | awk '/Accumulated forward statistics/ { on = 1 }
		on && /RX-packets:/ { print $2; exit }')
	[ "${n:-0}" -gt 0 ] || dead=$((dead + 1))
	pmd_cmd port stop all
	pmd_cmd port start all
done
pmd_cmd port stop all
after=$(pmd_mbufs_in_use)
m=$(pmd_mark)
pmd_stats
rx=$(pmd_port_stat "$m" RX-packets)
tx=$(pmd_port_stat "$m" TX-packets)
errs=$(( $(pmd_port_stat "$m" RX-errors) + $(pmd_port_stat "$m" TX-errors) ))
pmd_quit

pmd_expect "testpmd exit status" "$pmd_rc" 0
pmd_expect "cycles that forwarded nothing" "$dead" 0
pmd_expect "mbufs in use after $cycles stop/start cycles" "$after" "$before"
pmd_expect "errors" "$errs" 0
pmd_expect "TX-packets = frames hv-host took" "$tx" "$(pmd_host_stat tx_frames)"
pmd_expect "RX-packets = frames hv-host delivered" "$rx" \
	"$(pmd_host_stat rx_frames)"
pmd_done
