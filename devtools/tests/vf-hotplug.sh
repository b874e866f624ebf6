#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The hot-plug cycle Microsoft's validation grades: traffic for W seconds
# with the VF, the VF removed (hv-host withdraws it) for W seconds, the VF
# back (hv-host offers it, testpmd attaches it) for W seconds.
#   vf-hotplug.sh txonly|rxonly [W (10)]
# txonly: testpmd sends on the netvsc port; rxonly: a raw socket in the
# namespace sends 64-byte frames to the NIC's MAC, testpmd receives.
# Checks: packets per second on the port after the cycle are within
# +-12.5% of before, the synthetic window still moves traffic, and the
# VF (its TAP's kernel counters) carries it while it is in.

set -u
. "$(dirname "$0")/pmd-lib.sh"
. "$(dirname "$0")/vf-lib.sh"

mode=${1:-txonly}
win=${2:-10}
gen_pid=
stop_gen() {
	[ -n "$gen_pid" ] && kill "$gen_pid" 2>/dev/null && wait "$gen_pid"
	gen_pid=
}
trap 'rc=$?; stop_gen; vf_cleanup; (exit $rc); pmd_cleanup' EXIT

[ "${PMD_UPSTREAM:-0}" = 1 ] && pmd_skip "testpmd does not forward on the upstream PMD"
vf_prereq
vf_start -- $(vf_eal vdev) -- -i --total-num-mbufs=16384
pmd_cmd set fwd "$mode"
pmd_cmd start
# Host messages are read by the bursts: wait once forwarding runs.
vf_wait_log "$vf_on_pat" 1 10 || { echo "FAIL: no VF data path"; exit 1; }
if [ "$mode" = rxonly ]; then
	ip netns exec "$vf_ns" python3 - "${vf_mac//:/}" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("br0", 0))
f = bytes.fromhex(sys.argv[1] + "02aabbccdd01" "0800") + bytes(50)
while True:
    try:
        s.send(f)
    except OSError:
        pass
PY
	gen_pid=$!
	key=RX-packets
	tapc=tx_packets
else
	key=TX-packets
	tapc=rx_packets
fi

# Packets per second on port 0 over one window, and the frames the VF's
# TAP saw meanwhile.
window() {
	local m a b t0 t1 tap_a tap_d

	m=$(pmd_mark)
	pmd_stats
	a=$(pmd_port_stat "$m" "$key")
	t0=$(date +%s.%N)
	tap_a=$(vf_tap_count "$tapc")
	sleep "$win"
	m=$(pmd_mark)
	pmd_stats
	b=$(pmd_port_stat "$m" "$key")
	t1=$(date +%s.%N)
	tap_d=$(($(vf_tap_count "$tapc") - tap_a))
	awk -v a="$a" -v b="$b" -v t0="$t0" -v t1="$t1" -v d="$tap_d" \
		'BEGIN { printf "%.0f %d\n", (b - a) / (t1 - t0), d }'
}

sleep 1
read -r before tap_before <<<"$(window)"
vf_host vf withdraw >/dev/null
vf_wait_log "$vf_off_pat" 1 10 || echo "FAIL: no switch back"
sleep 0.5
read -r during tap_during <<<"$(window)"
vf_host vf offer >/dev/null
pmd_cmd port attach "$(vf_standin)"
vf_wait_log "$vf_on_pat" 2 10 || echo "FAIL: no switch to the returning VF"
sleep 1
read -r after tap_after <<<"$(window)"
stop_gen
echo "$mode pkts/s: with VF $before, synthetic $during, VF back $after"
echo "frames through the VF's TAP: $tap_before, $tap_during, $tap_after"
pmd_expect_ge "synthetic window moves traffic" "$during" 1
pmd_expect_ge "VF carried traffic before" "$tap_before" 1
pmd_expect_ge "VF carried traffic after" "$tap_after" 1
if awk -v a="$before" -v b="$after" \
	'BEGIN { exit !(a > 0 && b >= a * 0.875 && b <= a * 1.125) }'; then
	echo "ok: rate after the cycle within 12.5% of before"
else
	echo "FAIL: rate after the cycle $after vs $before before"
	pmd_fails=$((pmd_fails + 1))
fi
pmd_cmd stop
pmd_quit
pmd_expect "testpmd exit status" "$pmd_rc" 0
pmd_done
