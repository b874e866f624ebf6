#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Usage: pmd-reprobe.sh CYCLES
#
# CYCLES times: io forwarding over hv-host's loopback, then port close,
# device detach (the driver's remove) and port attach (a new probe: NVSP
# and RNDIS from the start on the same channel). Every cycle must forward
# frames; at the end as many mbufs are in use and as many memzones exist
# as after the first re-probe.

set -u
. "$(dirname "$0")/pmd-lib.sh"

cycles=${1:-10}

memzones() {
	local m

	m=$(pmd_mark)
	pmd_cmd_until "$m" "physical segments used" dump_memzone
	sleep 0.3
	pmd_since "$m" | grep -c '^Zone '
}

pmd_start --backend loopback --channels 4 -- -- -i --rxq=2 --txq=2
m=$(pmd_mark)
pmd_cmd_until "$m" "Device name" show port info 0
dev=$(pmd_since "$m" | awk '/Device name:/ { print $3; exit }')
pmd_cmd port stop all
before=$(pmd_mbufs_in_use)
pmd_cmd port start all
dead=0
for ((c = 0; c < cycles; c++)); do
	m=$(pmd_mark)
	pmd_cmd start tx_first
	sleep 0.1
	pmd_cmd_until "$m" "Accumulated forward statistics" stop
	sleep 0.1
	n=$(pmd_since "$m" | awk '/Accumulated forward statistics/ { on = 1 }
		on && /RX-packets:/ { print $2; exit }')
	[ "${n:-0}" -gt 0 ] || dead=$((dead + 1))
	pmd_cmd port stop all
	pmd_cmd port close 0
	pmd_cmd device detach "$dev"
	# hv-host misses the next guest's NVSP INIT when it reconnects within
	# a few ms of the close (reported to hv-host); give it a moment.
	sleep "${PMD_REPROBE_GAP:-0.3}"
	m=$(pmd_mark)
	pmd_cmd_until "$m" "is attached" port attach "$dev"
	pmd_cmd port start all
	# Counted once everything a first run creates (e.g. rte_mbuf_dyn) is.
	[ $c = 0 ] && zones=$(memzones)
done
pmd_cmd port stop all
after=$(pmd_mbufs_in_use)
zones_after=$(memzones)
pmd_quit

pmd_expect "testpmd exit status" "$pmd_rc" 0
pmd_expect "cycles that failed to forward or attach" "$dead" 0
pmd_expect "mbufs in use after $cycles re-probes" "$after" "$before"
pmd_expect "memzones after $cycles re-probes" "$zones_after" "$zones"
pmd_expect "hv-host protocol errors" \
	"$(awk '/^protocol_errors/ { print $2 }' "$pmd_out")" 0
pmd_done
