#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Copy our drivers/bus/vmbus and drivers/net/netvsc into a fresh extract of
# Debian's DPDK 22.11 source, in place of upstream's, and build them there
# as ordinary in-tree drivers: developer mode (symbol-map checks) and
# warnings as errors.  Proves the folders need nothing from this project.
#
# Usage: devtools/check-in-tree.sh [work dir, default deps/intree]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/devtools/env.sh"
bash "$top/devtools/bootstrap.sh"

work=${1:-$HVNET_DEPS/intree}
src=$work/dpdk
rm -rf "$src"
mkdir -p "$work"
cp -al "$HVNET_DEPS/dpdk" "$src"
for d in bus/vmbus net/netvsc; do
	rm -rf "$src/drivers/$d"
	# A real copy, not links: the driver must stand on its own.
	cp -r "$top/drivers/$d" "$src/drivers/$d"
done

rm -rf "$work/build"
meson setup "$work/build" "$src" \
	-Denable_drivers=bus/vmbus,net/netvsc \
	-Ddisable_libs=cfgfile,flow_classify,gpudev,jobstats,kni,node,pdump,pipeline,port,power,table,vhost \
	-Ddisable_apps='*' -Dtests=false -Dplatform=generic \
	-Ddeveloper_mode=enabled -Dwerror=true >"$work/setup.log" 2>&1 || {
	tail -20 "$work/setup.log"; echo "check-in-tree: meson setup failed" >&2; exit 1; }

for drv in bus_vmbus net_netvsc; do
	grep -q "drivers/.*: Defining dependency \"$drv\"" "$work/setup.log" || {
		grep -n -i "vmbus\|netvsc" "$work/setup.log" | tail -5
		echo "check-in-tree: $drv is not enabled in the DPDK tree" >&2
		exit 1
	}
done

targets=
for drv in bus_vmbus net_netvsc; do
	targets="$targets drivers/librte_$drv.a drivers/librte_$drv.so.23.0"
done
ninja -C "$work/build" $targets
echo "check-in-tree: bus/vmbus and net/netvsc build in-tree in $src"
