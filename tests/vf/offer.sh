#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# --vf-mac: once the upstream PMD has finished RNDIS set-up, hv-host sends
# the VF association (allocated, serial); "vf withdraw" sends the removal
# and then removes the VF device (the VF stand-in's control file says
# "removed"); "vf offer" adds it back. The PMD logs the association and
# its removal and keeps working (no VF port exists here, so it never
# switches the data path).
. "$(dirname "$0")/../lib/guest.sh"

need_guest
vfctl=$hvn_work/vf.ctl
host_start --mac 00:15:5d:00:00:07 --vf-mac 00:15:5d:00:00:07 \
	--vf-serial 7 --vf-delay-ms 100 --vf-ctl "$vfctl"
[ "$(cat "$vfctl")" = present ] || fail "VF device not added at start"
out=$hvn_work/guest.out
# Only upstream's debug log wording is known; for our PMD the guest side
# is checked by its staying up.
seen() { [ "$HVNET_PMD" != upstream ] || grep -q "$1" "$out"; }
guest_run "$guest" --log-level=pmd.net.netvsc.driver:debug -- --mode rxonly \
	--seconds 4 >"$out" 2>&1 &
guest_bg $!
gpid=$!
for _ in $(seq 50); do
	host_ctl stats | grep -q ' vf associated' && seen 'VF serial 7 add to' && break
	sleep 0.1
done
seen 'VF serial 7 add to' || fail "PMD did not see the VF association"
host_ctl stats | grep -q ' vf associated' || fail "hv-host does not report the association"
host_ctl vf withdraw >/dev/null
for _ in $(seq 30); do
	host_ctl stats | grep -q ' vf none' && seen 'VF serial 7 remove from' && break
	sleep 0.1
done
host_ctl stats | grep -q ' vf none' || fail "hv-host did not withdraw the association"
seen 'VF serial 7 remove from' || fail "PMD did not see the withdrawal"
[ "$(cat "$vfctl")" = removed ] || fail "VF device not removed after the withdrawal"
host_ctl vf offer >/dev/null
[ "$(cat "$vfctl")" = present ] || fail "VF device not added back"
wait "$gpid" || fail "guest failed: $(tail -5 "$out")"
grep 'VF serial' "$out"
host_ctl stats | grep -q '^protocol_errors 0$' || fail "protocol errors"
ok "VF association offered after RNDIS set-up and withdrawn"
