#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Cost of the VF indirection: cycles per packet of testpmd's io forwarding
# (--record-core-cycles) through the netvsc port with the VF stand-in as
# its active VF ("netvsc+vf"), against testpmd driving the stand-in port
# alone, without hv-host ("vf-direct"). Rounds alternate A B A B in one
# invocation; the same generator feeds both: a raw socket in the
# namespace sending 64-byte frames to the NIC's MAC through the bridge
# that holds the stand-in's TAP (and, for netvsc+vf, hv-host's tap, whose
# copy hv-host drops while the data path is the VF).
#
# Usage: devtools/bench-vf.sh [rounds (3)] [seconds per run (3)]
# A benchmark: it prints numbers and never fails for being slow. The
# stand-in moves each frame with a system call, which dominates both
# figures; the difference between them is what the netvsc port adds.

set -u
top=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-3}
secs=${2:-3}
b=${HVNET_BUILD:-$top/build}
testpmd=${HVNET_TESTPMD:-$b/subprojects/dpdk/app/dpdk-testpmd}
plugin=$b/app/vf-standin/librte_net_vfstandin.so
stdbuf=/usr/libexec/coreutils/libstdbuf.so
mac=00:15:5d:0a:0b:0c
ns=hvbv$$
vtap=hvbvv$$
htap=hvbvh$$
work=$(mktemp -d /tmp/bench-vf.XXXXXX)

for f in "$testpmd" "$plugin" "$b/app/hv-host/hv-host" "$stdbuf"; do
	[ -e "$f" ] || { echo "bench-vf: missing $f" >&2; exit 77; }
done
"$top"/devtools/hugepages.sh >/dev/null || exit 77

gen_pid=
cleanup() {
	[ -n "$gen_pid" ] && kill "$gen_pid" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns" || exit 77
ip -n "$ns" link set lo up
ip -n "$ns" link add br0 type bridge
ip -n "$ns" link set br0 up
ip -n "$ns" tuntap add dev "$vtap" mode tap multi_queue vnet_hdr
ip netns exec "$ns" sysctl -qw "net.ipv6.conf.$vtap.disable_ipv6=1"
ip netns exec "$ns" sysctl -qw "net.ipv6.conf.br0.disable_ipv6=1"
ip -n "$ns" link set "$vtap" master br0
bridge -n "$ns" link set dev "$vtap" learning off
ip -n "$ns" link set "$vtap" up

cat >"$work/testpmd" <<-WRAP
#!/bin/sh
LD_PRELOAD="\${LD_PRELOAD:-} $stdbuf" _STDBUF_O=L exec "$testpmd" "\$@"
WRAP
chmod +x "$work/testpmd"

# Send 64-byte frames to the NIC's MAC until killed.
start_gen() {
	ip netns exec "$ns" python3 - <<-PY &
	import socket
	s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
	s.bind(("br0", 0))
	f = bytes.fromhex("${mac//:/}" "02aabbccdd01" "0800") + bytes(50)
	while True:
	    try:
	        s.send(f)
	    except OSError:
	        pass
	PY
	gen_pid=$!
}

# run_case NAME: one testpmd run, prints cycles/packet and packets.
run_case() {
	local name=$1 log=$work/$1.log i pat

	rm -f "$work/in"
	mkfifo "$work/in"
	if [ "$name" = netvsc+vf ]; then
		ip netns exec "$ns" env HVNET_TESTPMD="$work/testpmd" \
			"$top/devtools/hv-testpmd.sh" --backend "tap:$htap" \
			--mac "$mac" --vf-mac "$mac" --vf-delay-ms 100 -- \
			-d "$plugin" --vdev "net_vfstandin0,mac=$mac,iface=$vtap" \
			-- -i --record-core-cycles --total-num-mbufs=16384 \
			<"$work/in" >"$log" 2>&1 &
		pat='data path switched to the VF'
	else
		ip netns exec "$ns" "$work/testpmd" -l 0-1 --no-pci \
			--file-prefix "hvbv$$" --huge-unlink -d "$plugin" \
			--vdev "net_vfstandin0,mac=$mac,iface=$vtap" -- \
			-i --record-core-cycles --total-num-mbufs=16384 \
			<"$work/in" >"$log" 2>&1 &
		pat='testpmd>'
	fi
	local pid=$!
	exec 3>"$work/in"
	for ((i = 0; i < 300; i++)); do
		grep -q -- "$pat" "$log" && break
		sleep 0.1
	done
	if [ "$name" = netvsc+vf ]; then
		bridge -n "$ns" link set dev "$htap" learning off 2>/dev/null
		ip -n "$ns" link set "$htap" master br0 2>/dev/null
		ip -n "$ns" link set "$htap" up 2>/dev/null
	fi
	echo "set fwd io" >&3
	echo "start" >&3
	sleep 0.5
	start_gen
	sleep "$secs"
	echo "stop" >&3
	sleep 1
	kill "$gen_pid" 2>/dev/null
	wait "$gen_pid" 2>/dev/null
	gen_pid=
	echo "quit" >&3
	exec 3>&-
	wait "$pid"
	awk -v n="$name" '
		/CPU cycles\/packet=/ { sub(/.*cycles\/packet=/, ""); c = $1 }
		/Accumulated forward statistics/ { acc = 1 }
		acc && /RX-packets:/ && !rx { rx = $2 }
		END { printf "%-10s cycles/packet %8s  rx %s\n", n, c, rx }' "$log"
}

echo "bench-vf: $rounds rounds, ${secs}s each, io forwarding, 64-byte frames"
for ((r = 1; r <= rounds; r++)); do
	run_case netvsc+vf
	run_case vf-direct
done | tee "$work/all"
for c in netvsc+vf vf-direct; do
	awk -v c="$c" '$1 == c { print $3 }' "$work/all" | sort -n |
		awk -v c="$c" '{ a[NR] = $1 } END {
			printf "median %-10s %s cycles/packet\n", c,
				a[int((NR + 1) / 2)] }'
done
