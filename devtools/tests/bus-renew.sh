#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Subchannel renewal on our vmbus bus: replace the whole set of 8
# subchannels ROUNDS times (hv-host rescinds the old set and offers new
# relids on each NVSP subchannel request, as the netvsc PMD's MTU change
# asks), far more opens than the bus's 128 ring slots.  Every closed
# channel must give its ring mapping and slot back, the new channels
# must carry messages, and a secondary process attached throughout must
# drop the closed rings and map the new ones at the primary's addresses
# (app/test-vmbus/test_vmbus_bus.c, renew mode).
# Usage: bus-renew.sh [ROUNDS, default 24]
. "$(dirname "$0")/emu-lib.sh"

bin=$hv_build/app/test-vmbus/test-vmbus-bus
[ -x "$bin" ] || hv_skip "test-vmbus-bus not built"
hv_need_guest_env
hv_start_host --channels 9
rounds=${1:-24}
out=$hv_tmp/renew.out
# A secondary process needs the hugepage files: no --huge-unlink.
prefix=hvbus$$_$RANDOM
hv_extra_cleanup+=("rm -rf /dev/hugepages/${prefix}map_* /var/run/dpdk/$prefix")
timeout 90 env HVH_ROOT="$hv_root" LD_PRELOAD="$hv_preload" "$bin" \
	-a "$hv_uuid" --iova-mode=va --file-prefix "$prefix" -l 0-1 \
	--log-level=bus.vmbus:info -- renew 8 "$rounds" >"$out" 2>&1
rc=$?
cat "$out"
[ $rc -eq 0 ] || hv_fail "test-vmbus-bus renew exited $rc"
grep -q '^PASS$' "$out" || hv_fail "no PASS line"
hv_host_alive || hv_fail "hv-host died"
errs=$(hv_ctl stats | awk '$1 == "protocol_errors" { print $2 }')
[ "${errs:-0}" = 0 ] || hv_fail "hv-host saw $errs protocol errors"
hv_ok "bus on hv-host: $rounds renewals of 8 subchannels, no ring leak, secondary in step"
