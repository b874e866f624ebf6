#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Receive filter: testpmd's promiscuous and all-multicast switches reach
# the host as the RNDIS packet filter (directed 0x1, all-multicast 0x4,
# broadcast 0x8, promiscuous 0x20), a stopped port sets it to 0, and
# hv-host reports the filter in force.

set -u
. "$(dirname "$0")/pmd-lib.sh"

ctl=$pmd_work/host.ctl
pmd_find_host
host=$pmd_host

filter() {
	"$host" --ctl "$ctl" stats | awk '{ for (i = 1; i < NF; i++)
		if ($i == "filter") print $(i + 1) }' | head -1
}

pmd_start --backend loopback --control "$ctl" -- -- -i
# testpmd starts ports in promiscuous mode.
pmd_expect "filter at start (promiscuous)" "$(filter)" 0x29
pmd_cmd set promisc 0 off
pmd_expect "filter with promiscuous off" "$(filter)" 0x9
pmd_cmd set allmulti 0 on
pmd_expect "filter with all-multicast on" "$(filter)" 0xd
pmd_cmd set promisc 0 on
pmd_expect "filter with both on" "$(filter)" 0x2d
pmd_cmd set allmulti 0 off
pmd_cmd port stop all
pmd_expect "filter of a stopped port" "$(filter)" 0x0
pmd_cmd port start all
pmd_expect "filter after port start" "$(filter)" 0x29
pmd_quit
pmd_expect "testpmd exit status" "$pmd_rc" 0
pmd_done
