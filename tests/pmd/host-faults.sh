#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Hostile host: while hv-host's source backend streams frames to a guest
# (hv-guest, rxonly), hv-host injects one malformed message after another
# (its "fault" command, each breaking one rule of
# doc/guides/nics/netvsc_protocol.rst, "What the guest must check"). For
# each, the PMD must survive and keep receiving (except after a corrupt
# ring descriptor, the last: that ring cannot be parsed any further), and
# our PMD must count the fault in the matching extended statistic (read
# over DPDK telemetry). A guest that dies is replaced for the next fault.
# hv-host must survive them all.
#
# Upstream 22.11 is known not to survive some (comp-tid: a completion id
# taken as a pointer): with HVNET_PMD=upstream the PMD's verdicts are
# reported, not checked.
. "$(dirname "$0")/../lib/guest.sh"

need_guest
need_cmd python3
host_start --channels 1 --backend source:64:16
failed=

# rx: frames hv-host has delivered (the guest must keep taking them).
rx() {
	host_stat total rx_frames
}

# xstat_above NAME VALUE: the guest's extended statistic NAME of port 0,
# asked (over telemetry, slow on a busy machine) until it is above VALUE,
# for up to 5 s; prints the last answer.
xstat_above() {
	local v end=$((SECONDS + 5))

	while :; do
		v=$(telemetry "$prefix" /ethdev/xstats,0 "$1")
		[ "$v" -gt "$2" ] 2>/dev/null || [ "$SECONDS" -ge "$end" ] &&
			break
	done
	echo "$v"
}

# until_gt SECONDS CMD VALUE: wait until CMD prints more than VALUE.
until_gt() {
	local end=$((SECONDS + $1))

	while [ "$SECONDS" -le "$end" ]; do
		[ "$($2)" -gt "$3" ] 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# A guest, once the host streams to it.
guest_start() {
	prefix=hvf$$_$((++guests))
	GUEST_PREFIX=$prefix guest_run "$guest" -- --mode rxonly \
		--seconds 120 >"$hvn_work/guest-$guests.out" 2>&1 &
	guest_bg $!
	for _ in $(seq 200); do
		[ "$(rx)" -gt 0 ] 2>/dev/null &&
			host_ctl stats | grep -q ' rndis up ' && break
		sleep 0.05
	done
	pid=$(guest_pid)
	counted=()
}

guests=0
pid=
# Our PMD's counters as last read, per guest.
declare -A counted
for spec in xfer-range:bad_ranges xfer-id:bad_transfer_packets \
	xfer-pageset:bad_transfer_packets xfer-count:bad_transfer_packets \
	rndis-len:bad_rndis_messages ppi-zero:bad_rndis_messages \
	comp-tid:bad_transaction_ids indir:bad_nvsp_messages \
	vf-short:bad_nvsp_messages desc:ring_read_errors; do
	f=${spec%%:*}
	counter=rx_q0_${spec#*:}
	if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
		for _ in $(seq 100); do
			host_ctl stats | grep -q '^guest absent' && break
			sleep 0.05
		done
		guest_start
	fi
	host_ctl fault "$f" >/dev/null || fail "fault $f refused"
	if [ "$HVNET_PMD" = ours ]; then
		before=${counted[$counter]:-0}
		counted[$counter]=$(xstat_above "$counter" "$before")
		expect_ge "$f counted in $counter" "${counted[$counter]}" \
			$((before + 1))
	fi
	a=$(rx)
	if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then
		verdict="guest died"
	elif [ "$f" != desc ] && ! until_gt 5 rx "$a"; then
		verdict="guest alive but receiving stopped"
	else
		verdict=survived
	fi
	echo "fault $f: $verdict"
	[ "$verdict" = survived ] || failed="$failed $f"
	host_alive || fail "hv-host died injecting $f"
done
ok "hv-host survived every fault it injected"
if [ "$HVNET_PMD" = upstream ]; then
	echo "upstream's PMD did not survive:${failed:- none}"
else
	expect "faults the PMD did not survive" "${failed:- none}" " none"
fi
finish
