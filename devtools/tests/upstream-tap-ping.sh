#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# hv-host's tap backend in a network namespace; the upstream netvsc guest
# answers ARP and ICMP echo (testpmd's icmpecho cannot run on upstream
# netvsc, see hv_guest.c); ping from the namespace gets replies.
. "$(dirname "$0")/emu-lib.sh"

guest=$(hv_guest_bin "${HV_GUEST_FLAVOUR:-upstream}") || exit 77
hv_need_guest_env
command -v ping >/dev/null || hv_skip "no ping"
ns=hvping$$
ip netns add "$ns" || hv_skip "cannot create a network namespace"
hv_extra_cleanup+=("ip netns del $ns")
# hv-host (and so the TAP) lives in the namespace.
hv_host_wrap=(ip netns exec "$ns")
hv_start_host --backend tap:hvping0
ip netns exec "$ns" ip addr add 10.77.0.1/24 dev hvping0 || hv_fail "no tap in the namespace"
ip netns exec "$ns" ip link set hvping0 up
out=$hv_tmp/guest.out
hv_guest "$guest" -- --mode icmpecho --seconds 12 >"$out" 2>&1 &
hv_guest_pids+=($!)
gpid=$!
ok=0
for _ in $(seq 20); do
	if ip netns exec "$ns" ping -c 3 -i 0.2 -W 1 10.77.0.2 >"$hv_tmp/ping" 2>&1; then
		ok=1
		break
	fi
	sleep 0.5
done
cat "$hv_tmp/ping"
[ $ok = 1 ] || hv_fail "no ping replies"
wait "$gpid"
grep '^hv-guest: total' "$out"
hv_ctl stats | grep -q '^protocol_errors 0$' || hv_fail "protocol errors"
hv_ok "ping through tap and the upstream PMD"
