#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Copy our drivers/bus/vmbus and drivers/net/netvsc into a fresh copy of a
# DPDK source tree, in place of upstream's, and build them there as
# ordinary in-tree drivers: developer mode (symbol-map checks) and
# warnings as errors.  Proves the folders need nothing from this project
# and compile unchanged on every DPDK release they claim.
#
# The one thing adjusted is the label of the symbol map's versioned block:
# DPDK relabels every version.map in its tree at each ABI bump (its own
# devtools/update_version_map_abi.py), so a tree with another ABI major
# gets our map relabelled by that same tool.  Trees that generate their
# maps from RTE_EXPORT_* lines in the sources ignore version.map.
#
# Usage: devtools/check-in-tree.sh [--dpdk TARBALL|DIR] [work dir]
#   --dpdk   DPDK source to build in (a release tarball, unpacked once
#            under $HVNET_DEPS, or a folder); default: Debian's 22.11
#            source that devtools/bootstrap.sh unpacks
#   work dir default: $HVNET_DEPS/intree-<DPDK version>
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/devtools/env.sh"
. "$top/devtools/dpdk-source.sh"

usage() {
	echo "usage: $0 [--dpdk TARBALL|DIR] [work dir]" >&2
	exit 2
}

dpdk=
while [ $# -gt 0 ]; do
	case "$1" in
	--dpdk) [ $# -ge 2 ] || usage; dpdk=$2; shift 2 ;;
	--dpdk=*) dpdk=${1#--dpdk=}; shift ;;
	-*) usage ;;
	*) break ;;
	esac
done
[ $# -le 1 ] || usage

if [ -z "$dpdk" ]; then
	bash "$top/devtools/bootstrap.sh"
	dpdk=$HVNET_DEPS/dpdk
fi
orig=$(dpdk_source "$dpdk")
version=$(dpdk_version "$orig")
abi=$(cat "$orig/ABI_VERSION")

work=${1:-$HVNET_DEPS/intree-$version}
src=$work/dpdk
rm -rf "$src"
mkdir -p "$work"
cp -al "$orig" "$src" 2>/dev/null || { rm -rf "$src"; cp -a "$orig" "$src"; }
for d in bus/vmbus net/netvsc; do
	rm -rf "$src/drivers/$d"
	# A real copy, not links: the driver must stand on its own.
	cp -r "$top/drivers/$d" "$src/drivers/$d"
done
map=$src/drivers/bus/vmbus/version.map
if [ ! -f "$src/buildtools/gen-version-map.py" ] &&
		! grep -q "^DPDK_${abi%%.*} {" "$map"; then
	(cd "$src" && python3 devtools/update_version_map_abi.py \
		drivers/bus/vmbus/version.map "$abi")
fi

# Libraries the two drivers do not need, where the release still has them.
skip_libs=
for l in acl bbdev bitratestats bpf cfgfile compressdev cryptodev \
		distributor dispatcher efd eventdev fib flow_classify gpudev \
		graph gro gso ip_frag ipsec jobstats kni latencystats lpm member \
		metrics mldev node pcapng pdcp pdump pipeline port power \
		ptr_compress rawdev regexdev reorder rib sched security table \
		vhost; do
	[ -d "$src/lib/$l" ] && skip_libs=$skip_libs,$l
done

rm -rf "$work/build"
meson setup "$work/build" "$src" \
	-Denable_drivers=bus/vmbus,net/netvsc \
	-Ddisable_libs="${skip_libs#,}" \
	-Ddisable_apps='*' -Dtests=false -Dplatform=generic \
	-Ddeveloper_mode=enabled -Dwerror=true >"$work/setup.log" 2>&1 || {
	tail -20 "$work/setup.log"; echo "check-in-tree: meson setup failed (DPDK $version)" >&2; exit 1; }

for drv in bus_vmbus net_netvsc; do
	grep -q "drivers/.*: Defining dependency \"$drv\"" "$work/setup.log" || {
		grep -n -i "vmbus\|netvsc" "$work/setup.log" | tail -5
		echo "check-in-tree: $drv is not enabled in the DPDK $version tree" >&2
		exit 1
	}
done

targets=
for drv in bus_vmbus net_netvsc; do
	targets="$targets drivers/librte_$drv.a drivers/librte_$drv.so.$abi"
done
ninja -C "$work/build" $targets
echo "check-in-tree: bus/vmbus and net/netvsc build in-tree in DPDK $version ($src)"
