#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Usage: pmd-reprobe.sh CYCLES
#
# CYCLES times: io forwarding over hv-host's loopback, then port close,
# device detach (the driver's remove) and port attach (a new probe: NVSP
# and RNDIS from the start on the same channel). Every cycle must forward
# frames; at the end as many mbufs are in use and as many memzones exist
# as after the first re-probe.

. "$(dirname "$0")/../lib/testpmd.sh"

cycles=${1:-10}

memzones() {
	local m

	m=$(tp_mark)
	tp_cmd_until "$m" "physical segments used" dump_memzone
	sleep 0.3
	tp_since "$m" | grep -c '^Zone '
}

tp_start --backend loopback --channels 4 -- -- -i --rxq=2 --txq=2
dev=$(tp_device_name)
tp_baseline
before=$tp_in_use_before
dead=0
for ((c = 0; c < cycles; c++)); do
	tp_cmd start tx_first
	sleep 0.1
	tp_stop_fwd
	sleep 0.1
	[ "${tp_fwd_rx:-0}" -gt 0 ] || dead=$((dead + 1))
	tp_cmd port stop all
	tp_cmd port close 0
	tp_cmd device detach "$dev"
	# hv-host misses the next guest's NVSP INIT when it reconnects within
	# a few ms of the close (reported to hv-host); give it a moment.
	sleep "${PMD_REPROBE_GAP:-0.3}"
	m=$(tp_mark)
	tp_cmd_until "$m" "is attached" port attach "$dev"
	tp_cmd port start all
	# Counted once everything a first run creates (e.g. rte_mbuf_dyn) is.
	[ $c = 0 ] && zones=$(memzones)
done
tp_cmd port stop all
after=$(tp_mbufs_in_use)
zones_after=$(memzones)
tp_quit

expect "testpmd exit status" "$tp_rc" 0
expect "cycles that failed to forward or attach" "$dead" 0
expect "mbufs in use after $cycles re-probes" "$after" "$before"
expect "memzones after $cycles re-probes" "$zones_after" "$zones"
expect "hv-host protocol errors" \
	"$(awk '/^protocol_errors/ { print $2 }' "$tp_out")" 0
finish
