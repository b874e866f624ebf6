#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# "link down" / "link up" on the control socket reach the upstream PMD as
# RNDIS status indications, i.e. as two link-status-change events, and a
# guest that starts while the link is down reads it as down.
. "$(dirname "$0")/emu-lib.sh"

guest=$(hv_guest_bin "${HV_GUEST_FLAVOUR:-upstream}") || exit 77
hv_need_guest_env
hv_start_host
out=$hv_tmp/guest.out
hv_guest "$guest" -- --mode rxonly --events --seconds 8 >"$out" 2>&1 &
hv_guest_pids+=($!)
gpid=$!
for _ in $(seq 100); do
	grep -q '^hv-guest: link up' "$out" && break
	sleep 0.1
done
grep -q '^hv-guest: link up' "$out" || hv_fail "guest did not come up"
sleep 1
hv_ctl link down >/dev/null || hv_fail "link down"
sleep 1
n_down=$(grep -c 'link event' "$out")
hv_ctl link up >/dev/null || hv_fail "link up"
wait "$gpid"
grep 'link event' "$out"
[ "$n_down" -ge 1 ] || hv_fail "no event after link down"
[ "$(grep -c 'link event' "$out")" -ge 2 ] || hv_fail "no event after link up"
hv_ok "link down and up reached the guest as events"

hv_ctl link down >/dev/null
hv_guest "$guest" -- --mode info >"$out" 2>&1 || hv_fail "guest failed"
grep -q '^hv-guest: link down' "$out" || hv_fail "guest sees $(grep '^hv-guest: link' "$out")"
hv_ok "a new guest reads the link as down"
