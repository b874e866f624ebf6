#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Our vmbus bus on hv-host: scan, probe, map every region, open the
# primary channel and 8 subchannels, exchange messages on every channel,
# use a subchannel from a secondary process, unplug and plug back
# without leaks (app/test-vmbus/test_vmbus_bus.c).
# Usage: bus-channels.sh [PLUG-CYCLES, default 1]
. "$(dirname "$0")/emu-lib.sh"

bin=$hv_build/app/test-vmbus/test-vmbus-bus
[ -x "$bin" ] || hv_skip "test-vmbus-bus not built"
hv_need_guest_env
hv_start_host --channels 9
out=$hv_tmp/bus.out
# Not hv_guest: a secondary process needs the hugepage files, so no
# --huge-unlink; remove them afterwards instead.
prefix=hvbus$$_$RANDOM
hv_extra_cleanup+=("rm -rf /dev/hugepages/${prefix}map_* /var/run/dpdk/$prefix")
timeout $((60 + 2 * ${1:-1})) env HVH_ROOT="$hv_root" LD_PRELOAD="$hv_preload" "$bin" \
	-a "$hv_uuid" --iova-mode=va --file-prefix "$prefix" -l 0-1 \
	--log-level=bus.vmbus:info -- 8 "${1:-1}" >"$out" 2>&1
rc=$?
cat "$out"
[ $rc -eq 0 ] || hv_fail "test-vmbus-bus exited $rc"
grep -q '^PASS$' "$out" || hv_fail "no PASS line"
hv_host_alive || hv_fail "hv-host died"
errs=$(hv_ctl stats | awk '$1 == "protocol_errors" { print $2 }')
[ "${errs:-0}" = 0 ] || hv_fail "hv-host saw $errs protocol errors"
hv_ok "bus on hv-host: 9 channels, messages on each, secondary process, clean re-plug"
