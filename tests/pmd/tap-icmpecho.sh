#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# hv-host's tap backend in a network namespace; the upstream netvsc guest
# answers ARP and ICMP echo (testpmd's icmpecho cannot run on upstream
# netvsc, see hv_guest.c); ping from the namespace gets replies.
. "$(dirname "$0")/../lib/guest.sh"

need_guest
command -v ping >/dev/null || skip "no ping"
ns=hvping$$
ip netns add "$ns" || skip "cannot create a network namespace"
at_exit "ip netns del $ns"
# hv-host (and so the TAP) lives in the namespace.
host_wrap=(ip netns exec "$ns")
host_start --backend tap:hvping0
ip netns exec "$ns" ip addr add 10.77.0.1/24 dev hvping0 || fail "no tap in the namespace"
ip netns exec "$ns" ip link set hvping0 up
out=$hvn_work/guest.out
guest_run "$guest" -- --mode icmpecho --seconds 12 >"$out" 2>&1 &
guest_bg $!
gpid=$!
ok=0
for _ in $(seq 20); do
	if ip netns exec "$ns" ping -c 3 -i 0.2 -W 1 10.77.0.2 >"$hvn_work/ping" 2>&1; then
		ok=1
		break
	fi
	sleep 0.5
done
cat "$hvn_work/ping"
[ $ok = 1 ] || fail "no ping replies"
wait "$gpid"
grep '^hv-guest: total' "$out"
host_ctl stats | grep -q '^protocol_errors 0$' || fail "protocol errors"
ok "ping through tap and the upstream PMD"
