#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# rte_eth_dev_reset under incoming traffic (hv-host's source backend, 4
# queues, io forwarding): testpmd's port reset must renew the host session
# (hv-host sees the guest negotiate NVSP again) and the port must forward
# again on every queue once started, with no RNDIS or NVSP error. The
# second reset follows an MTU change, which the session must keep.
. "$(dirname "$0")/../lib/testpmd.sh"

tp_start --backend source:64:256:20000 --channels 4 -- -- -i --rxq=4 --txq=4
tp_cmd set fwd io

# forward NAME: io a second at a time (up to 10, for a busy machine)
# until every queue has received and sent.
forward() {
	local m q t all rx tx
	local -a grx gtx

	for ((t = 0; t < 10; t++)); do
		tp_cmd start
		sleep 1
		m=$(tp_mark)
		tp_cmd_until "$m" "Accumulated forward statistics" stop
		all=1
		for q in 0 1 2 3; do
			read -r rx tx < <(tp_since "$m" | awk -v q="$q" '
				/Forward Stats for RX Port=/ { on = ($0 ~ "Queue= *" q " ") }
				on && /RX-packets:/ { print $2, $4; exit }')
			grx[q]=$(( ${grx[q]:-0} + ${rx:-0} ))
			gtx[q]=$(( ${gtx[q]:-0} + ${tx:-0} ))
			[ "${grx[q]}" -gt 0 ] && [ "${gtx[q]}" -gt 0 ] || all=0
		done
		[ $all = 1 ] && break
	done
	for q in 0 1 2 3; do
		expect_ge "$1: queue $q frames received" "${grx[q]}" 1
		expect_ge "$1: queue $q frames sent" "${gtx[q]}" 1
	done
}

# reset NAME: port stop, port reset, port start.
reset() {
	local m

	m=$(tp_mark)
	tp_cmd port stop all
	tp_cmd port reset all
	tp_cmd port start all
	check "$1: reset" \
		"$(tp_errors "$m" | grep -q . || echo 1)" "$(tp_errors "$m" | head -3)"
}

forward "before reset"
reset "first reset"
forward "after reset"
tp_cmd port stop all
tp_cmd port config mtu 0 3000
reset "reset at MTU 3000"
forward "after the second reset"
# NDIS_CONFIG carries the frame size: MTU plus the Ethernet header.
expect "hv-host: guest MTU" "$(host_stat guest_config ndis_config_mtu)" 3014
expect "hv-host: NVSP sessions renewed" \
	"$(grep -c 'negotiates again' "$host_log")" 3
tp_quit
expect "testpmd exit status" "$tp_rc" 0
expect "hv-host protocol errors" \
	"$(tp_host_stat protocol_errors protocol_errors)" 0
finish
