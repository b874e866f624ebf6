#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Two netvsc ports in one testpmd (hv-host --nics 2, paired topology),
# forwarding between them. "loopback" (default): each NIC loops back what
# it is sent, tx_first starts the traffic, FWD (io or mac) forwards it for
# a second. "tap": each NIC is a TAP in a namespace of its own and testpmd
# (io) is the wire between them: a ping from one namespace to the other
# must be answered. Either way every port's frame counts are checked on
# testpmd's and on its NIC's hv-host counters.
#
# Usage: two-ports.sh [loopback [io|mac] | tap]
. "$(dirname "$0")/../lib/testpmd.sh"

mode=${1:-loopback}
fwd=${2:-io}
if [ "$mode" = tap ]; then
	need_root
	need_cmd ping
	netns_add hv2pa$$
	netns_add hv2pb$$
	tp_start --nics 2 --backend nic=0:tap:hv2pa$$ \
		--backend nic=1:tap:hv2pb$$ -- -- -i
	tap_to_netns hv2pa$$ hv2pa$$ "$tp_out"
	tap_to_netns hv2pb$$ hv2pb$$ "$tp_out"
	ip -n hv2pa$$ addr add 10.78.0.1/24 dev hv2pa$$
	ip -n hv2pb$$ addr add 10.78.0.2/24 dev hv2pb$$
	ip -n hv2pa$$ link set hv2pa$$ up
	ip -n hv2pb$$ link set hv2pb$$ up
else
	tp_start --nics 2 --channels 2 -- -- -i --rxq=2 --txq=2
fi

# The NIC behind each port, from its MAC (NIC I's is 00:15:5D:00:00:0<I+1>).
m=$(tp_mark)
tp_cmd_until "$m" "Number of available ports" show port summary all
expect "ports" "$(tp_since "$m" | awk '/Number of available ports/ { print $NF }')" 2
for p in 0 1; do
	mac=$(tp_since "$m" | awk -v p="$p" '$1 == p { print $2 }')
	nic[p]=$(( 0x${mac##*:} - 1 ))
	echo "port $p: MAC $mac, hv-host NIC ${nic[p]}"
done
check "ports on distinct NICs" "$([ "${nic[0]}" != "${nic[1]}" ] && echo 1)" \
	"both ports on NIC ${nic[0]}"

if [ "$mode" = tap ]; then
	tp_cmd set fwd io
	tp_cmd start
	pinged=0
	for _ in $(seq 20); do
		if ip netns exec hv2pa$$ ping -c 5 -i 0.2 -W 1 10.78.0.2 \
			>"$hvn_work/ping" 2>&1; then
			pinged=1
			break
		fi
		sleep 0.5
	done
	cat "$hvn_work/ping"
	check "ping from one NIC's namespace to the other's" "$pinged" \
		"no replies"
else
	tp_cmd set fwd "$fwd"
	tp_cmd start tx_first
	sleep 1
fi
m=$(tp_mark)
tp_cmd_until "$m" "Accumulated forward statistics" stop
# port_stat PORT NAME: from the forward statistics block of PORT.
port_stat() {
	tp_since "$m" | awk -v p="Forward statistics for port $1 " -v k="$2:" '
		index($0, p) { on = 1; next }
		on && /Forward statistics|Accumulated/ { exit }
		on { for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }'
}
tp_quit
expect "testpmd exit status" "$tp_rc" 0
for p in 0 1; do
	pre="total"
	[ "${nic[p]}" != 0 ] && pre="nic ${nic[p]} total"
	rx=$(port_stat "$p" RX-packets)
	tx=$(port_stat "$p" TX-packets)
	want=1000
	[ "$mode" = tap ] && want=5
	expect_ge "port $p frames received" "$rx" "$want"
	expect_ge "port $p frames sent" "$tx" "$want"
	expect "port $p sent = its NIC took" "$tx" \
		"$(tp_host_stat "$pre" tx_frames)"
	expect_ge "port $p: its NIC delivered at least what it received" \
		"$(tp_host_stat "$pre" rx_frames)" "$rx"
done
expect "hv-host protocol errors, NIC 0" \
	"$(tp_host_stat protocol_errors protocol_errors)" 0
expect "hv-host protocol errors, NIC 1" \
	"$(tp_host_stat "nic 1 protocol_errors" protocol_errors)" 0
finish
