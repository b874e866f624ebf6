#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# VF offered after start, withdrawn, offered again, $1 times (default 3;
# the slow suite runs 20), under a continuous ping answered by
# testpmd's icmpecho on the netvsc port. Each offer is hv-host's VF offer
# plus testpmd's "port attach" of the stand-in (a hot-added VF), in
# alternating order; each withdrawal is hv-host's, which removes the
# stand-in (RTE_ETH_EVENT_INTR_RMV). Checks: every offer moves the data
# path to the VF and every withdrawal back, the VF carries traffic while
# it is in, pings keep being answered with no gap of a second or more,
# testpmd survives, and no mbuf is left in use once the port is stopped.

set -u
. "$(dirname "$0")/pmd-lib.sh"
. "$(dirname "$0")/vf-lib.sh"

cycles=${1:-3}
ping_pid=
stop_ping() {
	[ -n "$ping_pid" ] && kill -INT "$ping_pid" 2>/dev/null &&
		wait "$ping_pid" 2>/dev/null
	ping_pid=
}
trap 'rc=$?; stop_ping; vf_cleanup; (exit $rc); pmd_cleanup' EXIT

vf_prereq
vf_start -- $(vf_eal) -- -i --total-num-mbufs=8192
pmd_cmd set fwd icmpecho
pmd_cmd start
vf_ping -c 3 -i 0.2 -W 1 >/dev/null
ip netns exec "$vf_ns" ping -D -i 0.05 -W 1 "$vf_ip" >"$pmd_work/ping" 2>&1 &
ping_pid=$!
sleep 1

for ((c = 1; c <= cycles; c++)); do
	if [ $c -gt 1 ] && [ $((c % 2)) = 0 ]; then
		vf_host vf offer >/dev/null
		sleep 0.3
	fi
	pmd_cmd port attach "$(vf_standin)"
	if [ $c -gt 1 ] && [ $((c % 2)) = 1 ]; then
		sleep 0.3
		vf_host vf offer >/dev/null
	fi
	if ! vf_wait_log "$vf_on_pat" $c 10; then
		echo "FAIL: cycle $c: data path never moved to the VF"
		pmd_fails=$((pmd_fails + 1))
		break
	fi
	tap0=$(vf_tap_count tx_packets)
	sleep 1
	[ "$(vf_host_datapath)" = vf ] || {
		echo "FAIL: cycle $c: hv-host's data path is not the VF"
		pmd_fails=$((pmd_fails + 1))
	}
	if [ $(($(vf_tap_count tx_packets) - tap0)) -lt 10 ]; then
		echo "FAIL: cycle $c: the VF carried no pings"
		pmd_fails=$((pmd_fails + 1))
	fi
	vf_host vf withdraw >/dev/null
	if ! vf_wait_log "$vf_off_pat" $c 10; then
		echo "FAIL: cycle $c: data path never came back"
		pmd_fails=$((pmd_fails + 1))
		break
	fi
	sleep 1
	[ "$(vf_host_datapath)" = synthetic ] || {
		echo "FAIL: cycle $c: hv-host's data path is not synthetic"
		pmd_fails=$((pmd_fails + 1))
	}
done
echo "ok: $((c - 1)) offer/withdraw cycles done"
stop_ping

# Largest time between two answers, and the pings answered at least once.
read -r sent got gap <<<"$(awk '
	/bytes from/ { t = substr($1, 2, length($1) - 2) + 0
		if (last != "" && t - last > gap) gap = t - last; last = t
		for (i = 2; i <= NF; i++) if ($i ~ /^icmp_seq=/ && !seen[$i]++) n++ }
	/packets transmitted/ { s = $1 }
	END { printf "%d %d %.3f\n", s, n, gap }' "$pmd_work/ping")"
echo "pings: $sent sent, $got answered, longest silence ${gap}s"
pmd_expect_ge "pings answered" "$got" $((sent - cycles * 2 * 20))
if awk -v g="$gap" 'BEGIN { exit !(g < 1.0) }'; then
	echo "ok: traffic resumed within a second of every transition"
else
	echo "FAIL: pings unanswered for ${gap}s"
	pmd_fails=$((pmd_fails + 1))
fi

pmd_cmd stop
pmd_cmd port stop 0
pmd_expect "mbufs in use with the port stopped" "$(pmd_mbufs_in_use)" 0
pmd_quit
pmd_expect "testpmd exit status" "$pmd_rc" 0
pmd_done
