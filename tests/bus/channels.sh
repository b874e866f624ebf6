#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# The vmbus bus on hv-host (tests/bus/test_vmbus_bus.c), 8 subchannels:
# ours, or with HVNET_PMD=upstream the DPDK build's upstream bus.
# Default: scan, probe, map every region, open the primary channel and the
# subchannels, exchange messages on every channel, use a subchannel from a
# secondary process, unplug and plug back without leaks.
# renew: replace the whole subchannel set ROUNDS times (hv-host rescinds
# the old set and offers new relids on each NVSP subchannel request, as
# the netvsc PMD's MTU change asks), far more opens than the bus's 128
# ring slots: every closed channel must give its ring mapping and slot
# back, the new channels must carry messages, and a secondary process
# attached throughout must drop the closed rings and map the new ones.
# Usage: bus-channels.sh [PLUG-CYCLES, default 1]
#        bus-channels.sh renew [ROUNDS, default 24]
. "$(dirname "$0")/../lib/guest.sh"

cycles=1
if [ "${1:-}" = renew ]; then
	rounds=${2:-24}
	args=(renew 8 "$rounds")
	what="$rounds renewals of 8 subchannels, no ring leak, secondary in step"
else
	cycles=${1:-1}
	args=(8 "$cycles")
	what="9 channels, messages on each, secondary process, clean re-plug"
fi
if [ "$HVNET_PMD" = upstream ]; then
	need_bin bin tests/test-vmbus-bus-upstream
else
	need_bin bin tests/test-vmbus-bus
fi
need_guest_env
host_start --channels 9
out=$hvn_work/bus.out
# Not guest_run: a secondary process needs the hugepage files, so no
# --huge-unlink; remove them afterwards instead.
prefix=hvbus$$_$RANDOM
at_exit "rm -rf /dev/hugepages/${prefix}map_* /var/run/dpdk/$prefix"
timeout --foreground $((60 + 2 * cycles)) "${guest_env[@]}" "$bin" \
	-a "$host_uuid" --iova-mode=va --file-prefix "$prefix" -l 0-1 \
	--log-level=bus.vmbus:info -- "${args[@]}" >"$out" 2>&1
rc=$?
cat "$out"
[ $rc -eq 0 ] || fail "test-vmbus-bus exited $rc"
grep -q '^PASS$' "$out" || fail "no PASS line"
host_alive || fail "hv-host died"
errs=$(host_ctl stats | awk '$1 == "protocol_errors" { print $2 }')
[ "${errs:-0}" = 0 ] || fail "hv-host saw $errs protocol errors"
ok "bus on hv-host: $what"
