#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 hvnet contributors
#
# "link down" / "link up" on the control socket reach the upstream PMD as
# RNDIS status indications, i.e. as two link-status-change events, and a
# guest that starts while the link is down reads it as down.
. "$(dirname "$0")/../lib/guest.sh"

need_guest
host_start
out=$hvn_work/guest.out
guest_run "$guest" -- --mode rxonly --events --seconds 8 >"$out" 2>&1 &
guest_bg $!
gpid=$!
for _ in $(seq 100); do
	grep -q '^hv-guest: link up' "$out" && break
	sleep 0.1
done
grep -q '^hv-guest: link up' "$out" || fail "guest did not come up"
sleep 1
host_ctl link down >/dev/null || fail "link down"
sleep 1
n_down=$(grep -c 'link event' "$out")
host_ctl link up >/dev/null || fail "link up"
wait "$gpid"
grep 'link event' "$out"
[ "$n_down" -ge 1 ] || fail "no event after link down"
[ "$(grep -c 'link event' "$out")" -ge 2 ] || fail "no event after link up"
ok "link down and up reached the guest as events"

host_ctl link down >/dev/null
guest_run "$guest" -- --mode info >"$out" 2>&1 || fail "guest failed"
grep -q '^hv-guest: link down' "$out" || fail "guest sees $(grep '^hv-guest: link' "$out")"
ok "a new guest reads the link as down"
