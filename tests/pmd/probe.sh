#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# The netvsc PMD under testpmd probes on hv-host and reports hv-host's MAC
# and link up, with no protocol error on the host's side.
. "$(dirname "$0")/../lib/testpmd.sh"

tp_start --mac 00:15:5d:12:34:56 -- -- -i
tp_port_info
grep -q "MAC address: 00:15:5D:12:34:56" <<<"$tp_info" ||
	fail "MAC not reported: $(grep -i mac <<<"$tp_info")"
grep -q "Link status: up" <<<"$tp_info" || fail "link not up"
grep -q "Driver name: net_netvsc" <<<"$tp_info" || fail "not the netvsc PMD"
ok "netvsc probed, MAC and link up"
expect "hv-host protocol errors" "$(host_stat protocol_errors protocol_errors)" 0
tp_quit
expect "testpmd exit status" "$tp_rc" 0
finish
