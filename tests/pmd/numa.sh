#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# The port's NUMA node, as DPDK 26.07's bus chooses it: SOCKET_ID_ANY
# (-1) unless the devarg numa_aware=1 asks for the node of hv-host's
# numa_node attribute. Read from ethdev's record of the port
# (/ethdev/info numa_node over telemetry: what rte_eth_dev_socket_id()
# returns and applications place their queues' memory by). With
# numa_aware=1, a numa_node that is missing (a kernel without
# CONFIG_NUMA) or names a node this process has no socket for costs one
# line and gives -1; numa_aware=2 is refused with one line and no port.
. "$(dirname "$0")/../lib/testpmd.sh"

[ "$HVNET_PMD" = ours ] ||
	skip "upstream's bus reads numa_node without a devarg until 26.07"

port_numa() {
	telemetry "hvtp$tp_pid" /ethdev/info,0 numa_node
}

# attach DEVARGS: port 0 (if any) detached, the device ($dev) attached
# again with DEVARGS.
attach() {
	local m

	if [ $attached = 1 ]; then
		tp_cmd port stop 0
		tp_cmd port close 0
		tp_cmd device detach "$dev"
	fi
	m=$(tp_mark)
	tp_cmd port attach "$dev${1:+,$1}"
	tp_since "$m" >"$hvn_work/attach"
	attached=$(grep -q 'is attached' "$hvn_work/attach" && echo 1 || echo 0)
}

# start [hv-host args]: testpmd on hv-host; $dev is port 0's device.
start() {
	tp_start "$@" -- -- -i
	dev=$(tp_device_name)
	attached=1
}

# Node 0 (hv-host's default).
start
expect "port node without numa_aware" "$(port_numa)" -1
attach numa_aware=1
expect "port node with numa_aware=1, numa_node 0" "$(port_numa)" 0
attach numa_aware=2
expect "refusal lines naming numa_aware=2" \
	"$(grep -c 'devarg numa_aware takes 0 or 1' "$hvn_work/attach")" 1
expect "port attached with numa_aware=2" "$attached" 0
attach numa_aware=0
expect "port node with numa_aware=0" "$(port_numa)" -1
tp_quit
expect "testpmd exit status" "$tp_rc" 0

# expect_any WHAT LINE: with numa_aware=1 the port reports -1, said once.
expect_any() {
	expect "port node, numa_node $1" "$(port_numa)" -1
	expect "lines saying so ($2)" "$(tp_count "$2")" 1
}

start --numa-node none
attach numa_aware=1
expect_any "absent" "numa_node is missing"
tp_quit

# A node of the VM that this process has no CPU (so no socket) on.
node=7
if [ -e "/sys/devices/system/node/node$node" ]; then
	echo "note: this machine has a node $node; no node it lacks to present"
else
	start --numa-node "$node"
	attach numa_aware=1
	expect_any "$node" "numa_node $node is none of this process's sockets"
	tp_quit
fi
expect "testpmd exit status" "$tp_rc" 0
finish
