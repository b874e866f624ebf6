#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Run-time ABI drop-in: Debian's shared DPDK 22.11 and Debian's netvsc
# PMD, with our librte_bus_vmbus.so.23 bound over Debian's in a private
# mount namespace, bring a port up on hv-host and loop frames through it
# (tests/bus/test_vmbus_debian.c).  Needs Debian's packages
# librte-net-netvsc23 and librte-mempool-ring23.
. "$(dirname "$0")/../lib/guest.sh"

need_dpdk_2211 "running Debian's netvsc PMD on our bus"
pmds=/usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0
bin=$(hvn_bin tests/test-vmbus-debian) ||
	skip "test-vmbus-debian not built (Debian's librte-*23 missing)"
need_bin ours subprojects/dpdk/drivers/librte_bus_vmbus.so.23.0
[ -f "$pmds/librte_net_netvsc.so.23.0" ] || skip "Debian's librte-net-netvsc23 not installed"
[ -f "$pmds/librte_mempool_ring.so.23.0" ] || skip "Debian's librte-mempool-ring23 not installed"
command -v unshare >/dev/null || skip "unshare missing"
need_guest_env
host_start --mac 00:15:5d:0b:05:23
out=$hvn_work/debian.out
at_exit "rm -rf /var/run/dpdk/hvdeb$$"
# Only the pmds-23.0 entries Debian installed are loaded; ours replaces
# the bus inside this mount namespace only.
# shellcheck disable=SC2016 # expanded by the inner shell
timeout --foreground 60 unshare -m --propagation private sh -c '
	mount --bind "$1" "$2/librte_bus_vmbus.so.23.0" || exit 3
	shift 2
	exec "$@"' sh "$ours" "$pmds" \
	"${guest_env[@]}" "$bin" \
	-a "$host_uuid" --iova-mode=va --file-prefix "hvdeb$$" --huge-unlink \
	-l 0-1 --log-level=bus.vmbus:info >"$out" 2>&1
rc=$?
cat "$out"
[ $rc -eq 0 ] || fail "test-vmbus-debian exited $rc"
# Our bus logs the probe; Debian's does not word it this way.
grep -q 'vmbus_probe_driver(): probing .* with net_netvsc' "$out" ||
	fail "the bus that ran was not ours"
grep -q '^PASS$' "$out" || fail "no PASS line"
grep -qi 'MAC 00:15:5D:0B:05:23' "$out" || fail "MAC not read through the bus"
host_alive || fail "hv-host died"
errs=$(host_ctl stats | awk '$1 == "protocol_errors" { print $2 }')
[ "${errs:-0}" = 0 ] || fail "hv-host saw $errs protocol errors"
ok "Debian's netvsc PMD runs on our librte_bus_vmbus.so.23"
