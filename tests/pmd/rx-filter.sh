#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Receive filter: testpmd's promiscuous and all-multicast switches reach
# the host as the RNDIS packet filter (directed 0x1, all-multicast 0x4,
# broadcast 0x8, promiscuous 0x20), a stopped port sets it to 0, and
# hv-host reports the filter in force.

. "$(dirname "$0")/../lib/testpmd.sh"

filter() {
	host_ctl stats | awk '{ for (i = 1; i < NF; i++)
		if ($i == "filter") print $(i + 1) }' | head -1
}

tp_start --backend loopback -- -- -i
# testpmd starts ports in promiscuous mode.
expect "filter at start (promiscuous)" "$(filter)" 0x29
tp_cmd set promisc 0 off
expect "filter with promiscuous off" "$(filter)" 0x9
tp_cmd set allmulti 0 on
expect "filter with all-multicast on" "$(filter)" 0xd
tp_cmd set promisc 0 on
expect "filter with both on" "$(filter)" 0x2d
tp_cmd set allmulti 0 off
tp_cmd port stop all
expect "filter of a stopped port" "$(filter)" 0x0
tp_cmd port start all
expect "filter after port start" "$(filter)" 0x29
tp_quit
expect "testpmd exit status" "$tp_rc" 0
finish
