#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Upstream netvsc under pristine upstream testpmd probes on hv-host and
# reports hv-host's MAC and link up.
. "$(dirname "$0")/emu-lib.sh"

testpmd=${HVNET_TESTPMD_UPSTREAM:-}
[ -n "$testpmd" ] && [ -x "$testpmd" ] || hv_skip "upstream testpmd not built"
hv_need_guest_env
hv_start_host --mac 00:15:5d:12:34:56
out=$hv_tmp/tp.out
{ sleep 4; echo "show port info 0"; sleep 1; echo quit; } |
	timeout 60 env HVH_ROOT="$hv_root" LD_PRELOAD="$hv_preload" "$testpmd" \
	-a "$hv_uuid" --iova-mode=va --file-prefix "hvt$$" --huge-unlink \
	-l 0-1 -- -i >"$out" 2>&1 || hv_fail "testpmd failed: $(tail -5 "$out")"
grep -q "MAC address: 00:15:5D:12:34:56" "$out" || hv_fail "MAC not reported: $(grep -i mac "$out")"
grep -q "Link status: up" "$out" || hv_fail "link not up"
grep -q "Driver name: net_netvsc" "$out" || hv_fail "not the netvsc PMD"
hv_ok "upstream netvsc probed, MAC and link up"
hv_ctl stats | grep -q '^protocol_errors 0$' || hv_fail "protocol errors: $(hv_ctl stats)"
hv_host_alive || hv_fail "hv-host died"
hv_ok "no protocol errors"
