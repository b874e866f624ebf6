#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Re-configuring the queue count (testpmd: port stop, 4 -> 2 queues, port
# start): the PMD asks for subchannels again; hv-host rescinds the old ones
# and offers fresh ones, so the port comes back with 2 queues.
. "$(dirname "$0")/emu-lib.sh"

testpmd=${HVNET_TESTPMD_UPSTREAM:-}
[ "${HV_GUEST_FLAVOUR:-upstream}" = ours ] && testpmd=${HVNET_TESTPMD:-}
[ -n "$testpmd" ] && [ -x "$testpmd" ] || hv_skip "testpmd not built"
hv_need_guest_env
hv_start_host --channels 4
out=$hv_tmp/tp.out
{
	sleep 5
	echo "port stop 0"; sleep 1
	echo "port config all rxq 2"; echo "port config all txq 2"; sleep 0.5
	echo "port start 0"; sleep 3
	echo "show port info 0"; sleep 1
	echo quit
} | timeout 60 env HVH_ROOT="$hv_root" LD_PRELOAD="$hv_preload" "$testpmd" \
	-a "$hv_uuid" --iova-mode=va --file-prefix "hvt$$" --huge-unlink \
	-l 0-1 -- -i --rxq=4 --txq=4 >"$out" 2>&1 || hv_fail "testpmd failed: $(tail -5 "$out")"
grep -q "Current number of RX queues: 2" "$out" || hv_fail "port did not come back with 2 queues: $(grep -iE 'fail|queues' "$out")"
grep -q "Link status: up" "$out" || hv_fail "link not up after restart"
grep -qi "subchannel configuration failed" "$out" && hv_fail "PMD could not open the new subchannels"
hv_ctl stats | grep -q '^protocol_errors 0$' || hv_fail "protocol errors"
hv_ok "4 queues re-configured to 2 with fresh subchannels"
