#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# Demo: hv-host with a tap backend in a network namespace, our testpmd
# (netvsc PMD on hv-host) in icmpecho mode, ping from the namespace, port
# statistics at the end.
#
# Usage: devtools/demo.sh [--upstream]
#   --upstream  use the pristine upstream PMD instead; testpmd 22.11 cannot
#               forward on it (its queues never report "started"), so the
#               demo then runs hv-guest's icmpecho mode.
# Exits non-zero, saying why, if the PMD does not probe or ping fails.

set -u
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
upstream=0
[ "${1:-}" = --upstream ] && upstream=1

[ "$(id -u)" = 0 ] || { echo "demo: must run as root (netns, tap, hugepages)"; exit 1; }

# On a fresh machine: packages, DPDK source, hugepages and the build, as
# the test command does; with everything in place this rebuilds nothing.
# Progress lines are shown as they come, the rest goes to the log.
if [ -z "${HVNET_BUILD:-}" ]; then
	log=${TMPDIR:-/tmp}/hvnet-demo-build.log
	echo "demo: setting up (packages, DPDK source, hugepages, build); full log in $log"
	set -o pipefail
	HVNET_TEST_SETUP_ONLY=1 bash "$top/devtools/test.sh" 2>&1 | tee "$log" |
		awk '/^(test\.sh|bootstrap): / { print "  " $0; fflush() }' || {
		echo "demo: FAILED: building the project failed; see $log"
		tail -20 "$log"
		exit 1
	}
	set +o pipefail
fi
ns=hvdemo$$
tmp=$(mktemp -d /dev/shm/hvdemo.XXXXXX)
fifo=$tmp/stdin
out=$tmp/guest.out
mkfifo "$fifo"
wpid=
cleanup() {
	exec 3>&- 2>/dev/null
	if [ -n "$wpid" ] && kill -0 "$wpid" 2>/dev/null; then
		kill -TERM "$wpid" 2>/dev/null
		wait "$wpid" 2>/dev/null
	fi
	ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$ns" || { echo "demo: cannot create a network namespace"; exit 1; }
if [ $upstream = 1 ]; then
	args=(--upstream --guest --backend tap:hvdemo0 -- --mode icmpecho --seconds 8)
	what="upstream netvsc PMD (hv-guest icmpecho)"
else
	args=(--backend tap:hvdemo0 -- -i --forward-mode=icmpecho)
	what="our netvsc PMD (testpmd icmpecho)"
fi
echo "demo: hv-host (tap backend in netns $ns) + $what"
ip netns exec "$ns" "$top"/devtools/hv-testpmd.sh "${args[@]}" <"$fifo" >"$out" 2>&1 &
wpid=$!
exec 3>"$fifo"

for _ in $(seq 100); do
	ip netns exec "$ns" ip link show hvdemo0 >/dev/null 2>&1 && break
	kill -0 "$wpid" 2>/dev/null || break
	sleep 0.1
done
if ! ip netns exec "$ns" ip link show hvdemo0 >/dev/null 2>&1; then
	echo "demo: FAILED: hv-host did not create its tap device:"
	tail -20 "$out"
	exit 1
fi
ip netns exec "$ns" ip addr add 10.99.0.1/24 dev hvdemo0
ip netns exec "$ns" ip link set hvdemo0 up

# Wait until the PMD has probed: testpmd prints the port MAC, hv-guest its port line.
probed=0
for _ in $(seq 300); do
	if grep -qE '^Port 0: ([0-9A-F]{2}:){5}|^hv-guest: port 0 driver net_netvsc' "$out"; then
		probed=1
		break
	fi
	kill -0 "$wpid" 2>/dev/null || break
	sleep 0.1
done
if [ $probed = 0 ]; then
	echo "demo: FAILED: the netvsc PMD did not probe hv-host's device."
	grep -iE 'netvsc|vmbus|probe|error|fail' "$out" | head -20
	exit 1
fi
grep -E '^Port 0: |^hv-guest: port' "$out"
[ $upstream = 0 ] && echo start >&3
sleep 1
echo "demo: ping 10.99.0.2 from the namespace"
ip netns exec "$ns" ping -c 5 -i 0.3 -W 2 10.99.0.2
ping_rc=$?
# hv-guest stops by itself after --seconds; testpmd is told to.
[ $upstream = 0 ] && printf 'stop\nshow port stats 0\nquit\n' >&3
exec 3>&-
wait "$wpid"
rc=$?
wpid=
sed -n '/NIC statistics for port 0/,/####$/p;/^hv-guest: \(queue\|total\|port\)/p;/==== hv-host counters/,$p' "$out"
if [ $ping_rc -ne 0 ]; then
	echo "demo: FAILED: no ping replies through the $what"
	exit 1
fi
if [ $rc -ne 0 ]; then
	echo "demo: FAILED: the guest or hv-host exited with status $rc"
	exit 1
fi
echo "demo: OK"
