#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# --vf-mac: once the upstream PMD has finished RNDIS set-up, hv-host sends
# the VF association (allocated, serial); "vf withdraw" sends the removal
# and then removes the VF device (the VF stand-in's control file says
# "removed"); "vf offer" adds it back. The PMD logs the association and
# its removal and keeps working (no VF port exists here, so it never
# switches the data path).
. "$(dirname "$0")/emu-lib.sh"

guest=$(hv_guest_bin "${HV_GUEST_FLAVOUR:-upstream}") || exit 77
hv_need_guest_env
vfctl=$hv_tmp/vf.ctl
hv_start_host --mac 00:15:5d:00:00:07 --vf-mac 00:15:5d:00:00:07 \
	--vf-serial 7 --vf-delay-ms 100 --vf-ctl "$vfctl"
[ "$(cat "$vfctl")" = present ] || hv_fail "VF device not added at start"
out=$hv_tmp/guest.out
# Only upstream's debug log wording is known; for our PMD the guest side
# is checked by its staying up.
flavour=${HV_GUEST_FLAVOUR:-upstream}
seen() { [ "$flavour" != upstream ] || grep -q "$1" "$out"; }
hv_guest "$guest" --log-level=pmd.net.netvsc.driver:debug -- --mode rxonly \
	--seconds 4 >"$out" 2>&1 &
hv_guest_pids+=($!)
gpid=$!
for _ in $(seq 50); do
	hv_ctl stats | grep -q ' vf associated' && seen 'VF serial 7 add to' && break
	sleep 0.1
done
seen 'VF serial 7 add to' || hv_fail "PMD did not see the VF association"
hv_ctl stats | grep -q ' vf associated' || hv_fail "hv-host does not report the association"
hv_ctl vf withdraw >/dev/null
for _ in $(seq 30); do
	hv_ctl stats | grep -q ' vf none' && seen 'VF serial 7 remove from' && break
	sleep 0.1
done
hv_ctl stats | grep -q ' vf none' || hv_fail "hv-host did not withdraw the association"
seen 'VF serial 7 remove from' || hv_fail "PMD did not see the withdrawal"
[ "$(cat "$vfctl")" = removed ] || hv_fail "VF device not removed after the withdrawal"
hv_ctl vf offer >/dev/null
[ "$(cat "$vfctl")" = present ] || hv_fail "VF device not added back"
wait "$gpid" || hv_fail "guest failed: $(tail -5 "$out")"
grep 'VF serial' "$out"
hv_ctl stats | grep -q '^protocol_errors 0$' || hv_fail "protocol errors"
hv_ok "VF association offered after RNDIS set-up and withdrawn"
