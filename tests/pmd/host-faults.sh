#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Hostile host: while testpmd receives (rxonly from hv-host's source), hv-host
# injects one malformed message after another (its "fault" command, each
# breaking one rule of "What the guest must check" in
# doc/guides/nics/netvsc_protocol.rst). For each, our PMD must count it in
# the matching xstat and drop it, keep receiving (except after a corrupt
# ring descriptor, which ends reading of that ring), and the process must
# survive to quit normally.

. "$(dirname "$0")/../lib/testpmd.sh"

xstat() {
	tp_xstat "rx_q0_$1"
}

rx_now() {
	local m

	m=$(tp_mark)
	tp_stats
	tp_port_stat "$m" RX-packets
}

tp_start --backend source:64 -- -- -i
tp_cmd set fwd rxonly
tp_cmd start
sleep 0.5
for f in xfer-range:bad_ranges xfer-id:bad_transfer_packets \
	xfer-pageset:bad_transfer_packets xfer-count:bad_transfer_packets \
	rndis-len:bad_rndis_messages ppi-zero:bad_rndis_messages \
	comp-tid:bad_transaction_ids indir:bad_nvsp_messages \
	vf-short:bad_nvsp_messages desc:ring_read_errors; do
	name=${f%%:*}
	stat=${f#*:}
	before=$(xstat "$stat")
	if ! host_ctl fault "$name" >/dev/null 2>&1; then
		fail_soft "hv-host refused fault $name"
		continue
	fi
	sleep 0.5
	after=$(xstat "$stat")
	if [ "$after" -gt "$before" ]; then
		echo "ok: $name counted in rx_q0_$stat ($before -> $after)"
	else
		fail_soft "$name not counted in rx_q0_$stat ($before -> $after)"
	fi
	# A corrupt ring descriptor leaves no way to find the next packet: the
	# bus stops reading that ring (as Linux and OpenVMM do); the process
	# lives on.
	[ "$name" = desc ] && continue
	r1=$(rx_now)
	sleep 0.3
	r2=$(rx_now)
	if [ "$r2" -gt "$r1" ]; then
		echo "ok: still receiving after $name"
	else
		fail_soft "receiving stopped after $name ($r1 -> $r2)"
	fi
done
tp_cmd stop
tp_quit
expect "testpmd exit status" "$tp_rc" 0
finish
