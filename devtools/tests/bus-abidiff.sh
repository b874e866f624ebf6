#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Our librte_bus_vmbus.so.23 must be a drop-in for Debian's: abidiff
# must report no removed or changed function (symbol or typed), and the
# SONAME must match.  Debian ships its library without debug info, so
# that comparison is by ELF symbols and versions; when the build also
# has the upstream reference (upstream_reference=true) the comparison
# with it is by types as well.
#
# Exit: 0 pass, 1 fail, 77 skipped (a library or abidiff missing).

build=${HVNET_BUILD:?HVNET_BUILD not set}
top=${HVNET_TOP:?HVNET_TOP not set}
ours=$build/subprojects/dpdk/drivers/librte_bus_vmbus.so.23.0
upstream=$build/subprojects/dpdk-upstream/drivers/librte_bus_vmbus.so.23.0
suppr=$top/app/test-vmbus/vmbus-abi.suppr
debian=
for f in /usr/lib/x86_64-linux-gnu/librte_bus_vmbus.so.23.0 \
		/usr/lib/x86_64-linux-gnu/librte_bus_vmbus.so.23; do
	[ -e "$f" ] && { debian=$f; break; }
done

command -v abidiff >/dev/null || { echo "skip: abidiff not installed"; exit 77; }
[ -e "$ours" ] || { echo "skip: $ours not built"; exit 77; }
[ -n "$debian" ] || { echo "skip: Debian's librte_bus_vmbus.so.23 not installed"; exit 77; }

# compare NAME OLD: print the report, return 1 on any removed or
# changed function, removed function symbol or SONAME change.
compare() {
	name=$1 old=$2
	report=$(abidiff --suppressions "$suppr" "$old" "$ours" 2>&1)
	rc=$?
	echo "== abidiff $name ($old) -> ours: exit $rc"
	echo "$report"
	if [ $((rc & 3)) -ne 0 ]; then
		echo "FAIL: abidiff could not compare ($name)"
		return 1
	fi
	bad=$(echo "$report" | awk '
		/^Functions changes summary:/ { if ($4 != 0 || $6 != 0) print "functions: " $4 " removed, " $6 " changed" }
		/^Function symbols changes summary:/ { if ($5 != 0) print "function symbols: " $5 " removed" }
		/^ELF SONAME changed/ { print "SONAME changed" }')
	if [ -n "$bad" ]; then
		echo "FAIL ($name): $bad"
		return 1
	fi
	echo "ok: no removed or changed function against $name"
	return 0
}

status=0
compare debian "$debian" || status=1
if [ -e "$upstream" ]; then
	compare upstream "$upstream" || status=1
fi
exit $status
