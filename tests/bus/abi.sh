#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Our librte_bus_vmbus.so.23 must be a drop-in for Debian's: abidiff
# must report no removed or changed function (symbol or typed), and the
# SONAME must match.  Debian ships its library without debug info, so
# that comparison is by ELF symbols and versions; when the build also
# has the upstream reference (upstream_reference=true) the comparison
# with it is by types as well.
. "$(dirname "$0")/../lib/hvnet.sh"

need_dpdk_2211 "the ABI check against Debian's librte_bus_vmbus.so.23"
suppr=$hvn_top/tests/bus/vmbus-abi.suppr
need_cmd abidiff
need_bin ours subprojects/dpdk/drivers/librte_bus_vmbus.so.23.0
upstream=$(hvn_bin subprojects/dpdk-upstream/drivers/librte_bus_vmbus.so.23.0) ||
	upstream=
debian=
for f in /usr/lib/x86_64-linux-gnu/librte_bus_vmbus.so.23.0 \
		/usr/lib/x86_64-linux-gnu/librte_bus_vmbus.so.23; do
	[ -e "$f" ] && { debian=$f; break; }
done
[ -n "$debian" ] || skip "Debian's librte_bus_vmbus.so.23 not installed"

# compare NAME OLD: print the report, count a failure on any removed or
# changed function, removed function symbol or SONAME change.
compare() {
	local name=$1 old=$2 report rc bad

	report=$(abidiff --suppressions "$suppr" "$old" "$ours" 2>&1)
	rc=$?
	echo "== abidiff $name ($old) -> ours: exit $rc"
	echo "$report"
	if [ $((rc & 3)) -ne 0 ]; then
		fail_soft "abidiff could not compare ($name)"
		return
	fi
	bad=$(echo "$report" | awk '
		/^Functions changes summary:/ { if ($4 != 0 || $6 != 0) print "functions: " $4 " removed, " $6 " changed" }
		/^Function symbols changes summary:/ { if ($5 != 0) print "function symbols: " $5 " removed" }
		/^ELF SONAME changed/ { print "SONAME changed" }')
	if [ -n "$bad" ]; then
		fail_soft "($name): $bad"
	else
		ok "no removed or changed function against $name"
	fi
}

compare debian "$debian"
[ -n "$upstream" ] && compare upstream "$upstream"
finish
